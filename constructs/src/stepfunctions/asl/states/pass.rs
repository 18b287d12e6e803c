//! The Pass state: passes its input (or a fixed `Result`) to its output.

use std::collections::BTreeMap;

use framework::Value;

use super::super::fields::{check_path, check_payload, check_reference_path, put, PathOrNull, Transition};
use super::super::reader::Reader;
use super::{io_setters, next_setters, result_setters};

/// A Pass state.
///
/// ```
/// use constructs::stepfunctions::asl::Pass;
/// let p = Pass::new().result(serde_json::json!({"ok": true})).result_path("$.status").next("Done");
/// # let _ = p;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pass {
    pub comment: Option<String>,
    pub input_path: Option<PathOrNull>,
    pub output_path: Option<PathOrNull>,
    pub parameters: Option<Value>,
    pub result: Option<Value>,
    pub result_path: Option<PathOrNull>,
    pub transition: Option<Transition>,
}

impl Pass {
    /// A Pass state with no fields yet (give it `next` or `end`).
    pub fn new() -> Pass {
        Pass::default()
    }
    io_setters!();
    next_setters!();
    result_setters!();
    /// `Result`: fixed output instead of the input.
    pub fn result(mut self, result: impl Into<Value>) -> Self {
        self.result = Some(result.into());
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        put(m, "Comment", self.comment.as_deref());
        put(m, "InputPath", self.input_path.as_ref().map(PathOrNull::to_value));
        put(m, "OutputPath", self.output_path.as_ref().map(PathOrNull::to_value));
        put(m, "Parameters", self.parameters.clone());
        put(m, "Result", self.result.clone());
        put(m, "ResultPath", self.result_path.as_ref().map(PathOrNull::to_value));
        Transition::render(&self.transition, m);
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        check_path(ctx, "InputPath", &self.input_path, out);
        check_path(ctx, "OutputPath", &self.output_path, out);
        check_reference_path(ctx, "ResultPath", &self.result_path, out);
        check_payload(ctx, "Parameters", &self.parameters, out);
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Pass> {
        Some(Pass {
            comment: r.string("Comment"),
            input_path: r.path_or_null("InputPath"),
            output_path: r.path_or_null("OutputPath"),
            parameters: r.value("Parameters"),
            result: r.value("Result"),
            result_path: r.path_or_null("ResultPath"),
            transition: r.transition(),
        })
    }
}

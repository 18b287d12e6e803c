//! The Pass state: passes its input (or a fixed `Result`) to its output.

use std::collections::BTreeMap;

use framework::Value;

use super::super::fields::put;
use super::super::reader::Reader;
use super::common::{CommonFields, Takes};
use super::{common_fields, io_setters, next_setters, result_setters};

/// A Pass state.
///
/// ```
/// use constructs::stepfunctions::asl::Pass;
/// let p = Pass::new().result(serde_json::json!({"ok": true})).result_path("$.status").next("Done");
/// # let _ = p;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pass {
    pub(crate) fields: CommonFields,
    /// `Result`: a fixed output in place of the input.
    pub result: Option<Value>,
}

impl Pass {
    pub(crate) const TAKES: Takes = Takes::RESULT;

    /// A Pass state with no fields yet (give it `next` or `end`).
    pub fn new() -> Pass {
        Pass::default()
    }
    common_fields!();
    io_setters!();
    next_setters!();
    result_setters!();
    /// `Result`: fixed output instead of the input.
    pub fn result(mut self, result: impl Into<Value>) -> Self {
        self.result = Some(result.into());
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        put(m, "Result", self.result.clone());
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Pass> {
        Some(Pass { fields: CommonFields::parse(r, Pass::TAKES), result: r.value("Result") })
    }
}

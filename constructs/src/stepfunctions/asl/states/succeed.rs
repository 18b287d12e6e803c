//! The Succeed state: ends the (sub-)workflow successfully.

use std::collections::BTreeMap;

use framework::Value;

use super::super::fields::{check_path, put, PathOrNull};
use super::super::reader::Reader;
use super::io_setters;

/// A Succeed state (terminal).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Succeed {
    pub comment: Option<String>,
    pub input_path: Option<PathOrNull>,
    pub output_path: Option<PathOrNull>,
}

impl Succeed {
    /// A Succeed state.
    pub fn new() -> Succeed {
        Succeed::default()
    }
    io_setters!();

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        put(m, "Comment", self.comment.as_deref());
        put(m, "InputPath", self.input_path.as_ref().map(PathOrNull::to_value));
        put(m, "OutputPath", self.output_path.as_ref().map(PathOrNull::to_value));
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        check_path(ctx, "InputPath", &self.input_path, out);
        check_path(ctx, "OutputPath", &self.output_path, out);
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Succeed> {
        Some(Succeed {
            comment: r.string("Comment"),
            input_path: r.path_or_null("InputPath"),
            output_path: r.path_or_null("OutputPath"),
        })
    }
}

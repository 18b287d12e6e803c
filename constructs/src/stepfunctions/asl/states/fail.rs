//! The Fail state: ends the execution as failed, with an error name and a cause.

use std::collections::BTreeMap;

use framework::Value;

use super::super::fields::put;
use super::super::reader::Reader;
use super::super::syntax::path_or_intrinsic_problem;
use super::common::{CommonFields, Takes};
use super::common_fields;

/// A Fail state (terminal). `Error`/`ErrorPath` and `Cause`/`CausePath` are each exclusive.
///
/// ```
/// use constructs::stepfunctions::asl::Fail;
/// let f = Fail::new().error("NoMatch").cause("no path matched");
/// # let _ = f;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fail {
    pub(crate) fields: CommonFields,
    /// `Error`: the error name.
    pub error: Option<String>,
    /// `Cause`: a human-readable description.
    pub cause: Option<String>,
    /// `ErrorPath`: the error name taken from the input (path or intrinsic function).
    pub error_path: Option<String>,
    /// `CausePath`: the cause taken from the input (path or intrinsic function).
    pub cause_path: Option<String>,
}

impl Fail {
    pub(crate) const TAKES: Takes = Takes::COMMENT;

    /// A Fail state without error or cause.
    pub fn new() -> Fail {
        Fail::default()
    }
    common_fields!();
    /// `Error`: the error name.
    pub fn error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
    /// `Cause`: a human-readable description.
    pub fn cause(mut self, cause: impl Into<String>) -> Self {
        self.cause = Some(cause.into());
        self
    }
    /// `ErrorPath`: the error name taken from the input (path or intrinsic function).
    pub fn error_path(mut self, path: impl Into<String>) -> Self {
        self.error_path = Some(path.into());
        self
    }
    /// `CausePath`: the cause taken from the input (path or intrinsic function).
    pub fn cause_path(mut self, path: impl Into<String>) -> Self {
        self.cause_path = Some(path.into());
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        put(m, "Error", self.error.as_deref());
        put(m, "Cause", self.cause.as_deref());
        put(m, "ErrorPath", self.error_path.as_deref());
        put(m, "CausePath", self.cause_path.as_deref());
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        if self.error.is_some() && self.error_path.is_some() {
            out.push(format!("{ctx}: a Fail state may have Error or ErrorPath, not both"));
        }
        if self.cause.is_some() && self.cause_path.is_some() {
            out.push(format!("{ctx}: a Fail state may have Cause or CausePath, not both"));
        }
        for (field, v) in [("ErrorPath", &self.error_path), ("CausePath", &self.cause_path)] {
            if let Some(p) = v {
                if let Some(why) = path_or_intrinsic_problem(p) {
                    out.push(format!("{ctx}: {field} {why}"));
                }
            }
        }
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Fail> {
        Some(Fail {
            fields: CommonFields::parse(r, Fail::TAKES),
            error: r.string("Error"),
            cause: r.string("Cause"),
            error_path: r.string("ErrorPath"),
            cause_path: r.string("CausePath"),
        })
    }
}

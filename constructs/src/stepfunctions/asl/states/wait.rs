//! The Wait state: delays for a time or until a timestamp.

use std::collections::BTreeMap;

use framework::Value;

use super::super::fields::put;
use super::super::reader::Reader;
use super::super::syntax::{reference_path_problem, timestamp_problem};
use super::common::{CommonFields, Takes};
use super::{common_fields, io_setters, next_setters};

/// How long a Wait state waits: exactly one of the four fields.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// `Seconds`.
    Seconds(u32),
    /// `Timestamp` (RFC 3339).
    Timestamp(String),
    /// `SecondsPath`.
    SecondsPath(String),
    /// `TimestampPath`.
    TimestampPath(String),
}

/// A Wait state.
///
/// ```
/// use constructs::stepfunctions::asl::{Wait, WaitFor};
/// let w = Wait::new(WaitFor::Seconds(10)).next("Check");
/// # let _ = w;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub(crate) fields: CommonFields,
    /// `None` only for an imported state that had none of the fields (reported).
    pub wait_for: Option<WaitFor>,
}

impl Wait {
    pub(crate) const TAKES: Takes = Takes::IO_NEXT;

    /// A Wait state waiting as `wait_for` says.
    pub fn new(wait_for: WaitFor) -> Wait {
        Wait { fields: CommonFields::default(), wait_for: Some(wait_for) }
    }
    /// Waits `seconds`.
    pub fn seconds(seconds: u32) -> Wait {
        Wait::new(WaitFor::Seconds(seconds))
    }
    /// Waits until `timestamp` (RFC 3339).
    pub fn until(timestamp: impl Into<String>) -> Wait {
        Wait::new(WaitFor::Timestamp(timestamp.into()))
    }
    common_fields!();
    io_setters!();
    next_setters!();

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        match &self.wait_for {
            Some(WaitFor::Seconds(s)) => put(m, "Seconds", Some(*s)),
            Some(WaitFor::Timestamp(t)) => put(m, "Timestamp", Some(t)),
            Some(WaitFor::SecondsPath(p)) => put(m, "SecondsPath", Some(p)),
            Some(WaitFor::TimestampPath(p)) => put(m, "TimestampPath", Some(p)),
            None => {}
        }
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        match &self.wait_for {
            None => out.push(format!(
                "{ctx}: a Wait state must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath"
            )),
            Some(WaitFor::Seconds(_)) => {}
            Some(WaitFor::Timestamp(t)) => {
                if let Some(why) = timestamp_problem(t) {
                    out.push(format!("{ctx}: Timestamp {why}"));
                }
            }
            Some(WaitFor::SecondsPath(p)) | Some(WaitFor::TimestampPath(p)) => {
                let field = if matches!(self.wait_for, Some(WaitFor::SecondsPath(_))) {
                    "SecondsPath"
                } else {
                    "TimestampPath"
                };
                if let Some(why) = reference_path_problem(p) {
                    out.push(format!("{ctx}: {field} {why}"));
                }
            }
        }
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Wait> {
        let mut found = Vec::new();
        if let Some(s) = r.uint("Seconds") {
            found.push(("Seconds", WaitFor::Seconds(s)));
        }
        for (key, make) in [
            ("Timestamp", WaitFor::Timestamp as fn(String) -> WaitFor),
            ("SecondsPath", WaitFor::SecondsPath),
            ("TimestampPath", WaitFor::TimestampPath),
        ] {
            if let Some(v) = r.string(key) {
                found.push((key, make(v)));
            }
        }
        let fields = CommonFields::parse(r, Wait::TAKES);
        if found.len() > 1 {
            let names: Vec<&str> = found.iter().map(|(k, _)| *k).collect();
            r.problem(format!(
                "a Wait state must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath (it has {})",
                names.join(", ")
            ));
            return None;
        }
        Some(Wait { fields, wait_for: found.pop().map(|(_, w)| w) })
    }
}

//! Synth-time validation: problems collected over the whole tree, each with its construct path.
//!
//! Nothing fails fast: constructs, builders and synth's phases all record [`Problem`]s (through a
//! [`Validator`] for a resource's own checks), and synth fails once with every one of them, so a
//! single run lists everything wrong. The reusable checks on literal values live in
//! [`checks`].

mod checks;

pub use checks::{check_range, StringRule};

use std::fmt;

/// One problem found in the app, at a construct path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Construct path, e.g. `Stack/StateMachine/Resource`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem synth found; `synth` fails with all of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// True when any problem mentions `needle` at a path starting with `path`.
    pub fn has(&self, path: &str, needle: &str) -> bool {
        self.0.iter().any(|p| p.path.starts_with(path) && p.message.contains(needle))
    }
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} validation problem{}:", if n == 1 { "" } else { "s" })?;
        for p in &self.0 {
            writeln!(f, "  [{}] {}", p.path, p.message)?;
        }
        Ok(())
    }
}

/// What kind of JSON value `v` is, with an article, for messages about a value of the wrong
/// type: `null`, `a boolean`, `a number`, `a string`, `an array`, `an object`.
///
/// ```
/// assert_eq!(framework::json_kind(&serde_json::json!([1])), "an array");
/// ```
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value as Json;
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Collects problems for one construct path; handed to [`Resource::validate`](crate::Resource::validate).
#[derive(Debug)]
pub struct Validator<'a> {
    path: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl<'a> Validator<'a> {
    /// A validator reporting at `path` into `problems`.
    pub fn new(path: &'a str, problems: &'a mut Vec<Problem>) -> Validator<'a> {
        Validator { path, problems }
    }
    /// The construct path being validated.
    pub fn path(&self) -> &str {
        self.path
    }
    /// Reports a problem at this path.
    pub fn error(&mut self, message: impl Into<String>) {
        self.problems.push(Problem { path: self.path.to_string(), message: message.into() });
    }
    /// Reports each message.
    pub fn errors(&mut self, messages: impl IntoIterator<Item = String>) {
        for m in messages {
            self.error(m);
        }
    }
}

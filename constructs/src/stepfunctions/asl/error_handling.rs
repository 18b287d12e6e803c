//! Error handling of Task, Parallel and Map states: `Retry` (retriers) and `Catch` (catchers).
//!
//! ```
//! use constructs::stepfunctions::asl::{Catcher, JitterStrategy, Retrier};
//! let retry = Retrier::on(["States.Timeout"]).interval_seconds(2).max_attempts(3).backoff_rate(2.0)
//!     .max_delay_seconds(30).jitter(JitterStrategy::Full);
//! let catch = Catcher::on(["States.ALL"], "HandleFailure").result_path("$.error");
//! # let _ = (retry, catch);
//! ```

use std::collections::BTreeMap;

use framework::Value;

use super::fields::{check_reference_path, put, PathOrNull};
use super::reader::Reader;
use crate::num::Num;

/// The predefined error names (`States.*`).
pub const STATES_ERRORS: &[&str] = &[
    "States.ALL",
    "States.HeartbeatTimeout",
    "States.Timeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.DataLimitExceeded",
];

/// How retries spread their delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JitterStrategy {
    /// Randomize delays between 0 and the computed interval.
    Full,
    /// Exact delays.
    None,
}

impl JitterStrategy {
    fn name(self) -> &'static str {
        match self {
            JitterStrategy::Full => "FULL",
            JitterStrategy::None => "NONE",
        }
    }
}

/// A retrier: which errors to retry, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`: the error names this retrier matches.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds`: seconds before the first retry (default 1).
    pub interval_seconds: Option<u32>,
    /// `MaxAttempts`: maximum number of retries (default 3; 0 never retries).
    pub max_attempts: Option<u32>,
    /// `BackoffRate`: multiplier of the interval after each attempt (default 2.0).
    pub backoff_rate: Option<Num>,
    /// `MaxDelaySeconds`: upper bound of the delay between retries.
    pub max_delay_seconds: Option<u32>,
    /// `JitterStrategy`: whether the delays are randomized.
    pub jitter_strategy: Option<JitterStrategy>,
    /// `Comment`.
    pub comment: Option<String>,
}

impl Retrier {
    /// Retries the named errors (`States.ALL` matches every error).
    pub fn on<S: Into<String>>(errors: impl IntoIterator<Item = S>) -> Retrier {
        Retrier {
            error_equals: errors.into_iter().map(Into::into).collect(),
            interval_seconds: None,
            max_attempts: None,
            backoff_rate: None,
            max_delay_seconds: None,
            jitter_strategy: None,
            comment: None,
        }
    }
    /// Seconds before the first retry (default 1).
    pub fn interval_seconds(mut self, s: u32) -> Self {
        self.interval_seconds = Some(s);
        self
    }
    /// Maximum number of retries (default 3; 0 never retries).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }
    /// Multiplier of the interval after each attempt (default 2.0, at least 1.0).
    pub fn backoff_rate(mut self, rate: impl Into<Num>) -> Self {
        self.backoff_rate = Some(rate.into());
        self
    }
    /// Upper bound of the delay between retries.
    pub fn max_delay_seconds(mut self, s: u32) -> Self {
        self.max_delay_seconds = Some(s);
        self
    }
    /// Jitter of the delays.
    pub fn jitter(mut self, j: JitterStrategy) -> Self {
        self.jitter_strategy = Some(j);
        self
    }

    pub(crate) fn render(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("ErrorEquals".into(), Value::list(self.error_equals.iter()));
        put(&mut m, "IntervalSeconds", self.interval_seconds);
        put(&mut m, "MaxAttempts", self.max_attempts);
        put(&mut m, "BackoffRate", self.backoff_rate.map(Num::to_value));
        put(&mut m, "MaxDelaySeconds", self.max_delay_seconds);
        put(&mut m, "JitterStrategy", self.jitter_strategy.map(JitterStrategy::name));
        put(&mut m, "Comment", self.comment.as_deref());
        Value::Map(m)
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Retrier> {
        let errors = required_errors(r);
        let mut out = Retrier::on(errors.clone().unwrap_or_default());
        out.interval_seconds = r.uint("IntervalSeconds");
        out.max_attempts = r.uint("MaxAttempts");
        out.backoff_rate = r.number("BackoffRate");
        out.max_delay_seconds = r.uint("MaxDelaySeconds");
        out.comment = r.string("Comment");
        out.jitter_strategy = match r.string("JitterStrategy").as_deref() {
            None => None,
            Some("FULL") => Some(JitterStrategy::Full),
            Some("NONE") => Some(JitterStrategy::None),
            Some(other) => {
                r.problem(format!("JitterStrategy must be FULL or NONE (got {other:?})"));
                None
            }
        };
        errors.map(|_| out)
    }
}

/// A catcher: which errors to catch, where to go, where to put the error output.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    /// `ErrorEquals`: the error names this catcher matches.
    pub error_equals: Vec<String>,
    /// `Next`: the state to go to when it catches an error.
    pub next: String,
    /// `ResultPath`: where to put the error output in the input (`null` discards it).
    pub result_path: Option<PathOrNull>,
    /// `Comment`.
    pub comment: Option<String>,
}

impl Catcher {
    /// Catches the named errors and transitions to `next`.
    pub fn on<S: Into<String>>(errors: impl IntoIterator<Item = S>, next: impl Into<String>) -> Catcher {
        Catcher {
            error_equals: errors.into_iter().map(Into::into).collect(),
            next: next.into(),
            result_path: None,
            comment: None,
        }
    }
    /// Where to put the error output in the input (reference path).
    pub fn result_path(mut self, path: impl Into<PathOrNull>) -> Self {
        self.result_path = Some(path.into());
        self
    }

    pub(crate) fn render(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("ErrorEquals".into(), Value::list(self.error_equals.iter()));
        m.insert("Next".into(), (&self.next).into());
        if let Some(p) = &self.result_path {
            m.insert("ResultPath".into(), p.to_value());
        }
        put(&mut m, "Comment", self.comment.as_deref());
        Value::Map(m)
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Catcher> {
        let errors = required_errors(r);
        let next = r.required_string("Next");
        let result_path = r.path_or_null("ResultPath");
        let comment = r.string("Comment");
        Some(Catcher { error_equals: errors?, next: next?, result_path, comment })
    }
}

fn required_errors(r: &mut Reader<'_, '_>) -> Option<Vec<String>> {
    if !r.has("ErrorEquals") {
        r.problem("missing required field ErrorEquals");
        return None;
    }
    r.strings("ErrorEquals")
}

/// Checks the error lists of retriers or catchers: non-empty, known `States.*` names, and
/// `States.ALL` alone in the last one.
fn check_error_lists<'a>(
    ctx: &str,
    what: &str,
    lists: impl ExactSizeIterator<Item = &'a Vec<String>>,
    out: &mut Vec<String>,
) {
    let n = lists.len();
    for (i, errors) in lists.enumerate() {
        let at = format!("{ctx}: {what}[{i}]");
        if errors.is_empty() {
            out.push(format!("{at}: ErrorEquals must name at least one error"));
        }
        for e in errors {
            if e.starts_with("States.") && !STATES_ERRORS.contains(&e.as_str()) {
                out.push(format!("{at}: unknown predefined error {e:?}"));
            }
        }
        if errors.iter().any(|e| e == "States.ALL") {
            if errors.len() > 1 {
                out.push(format!("{at}: States.ALL must appear alone in ErrorEquals"));
            }
            if i + 1 != n {
                out.push(format!("{at}: States.ALL must be in the last {what} entry"));
            }
        }
    }
}

/// Checks a `Retry` array.
pub(crate) fn check_retry(ctx: &str, retry: &[Retrier], out: &mut Vec<String>) {
    check_error_lists(ctx, "Retry", retry.iter().map(|r| &r.error_equals), out);
    for (i, r) in retry.iter().enumerate() {
        let at = format!("{ctx}: Retry[{i}]");
        if r.interval_seconds == Some(0) {
            out.push(format!("{at}: IntervalSeconds must be a positive integer"));
        }
        if r.max_attempts.is_some_and(|m| m > 99_999_999) {
            out.push(format!("{at}: MaxAttempts must be at most 99999999"));
        }
        if let Some(rate) = &r.backoff_rate {
            if let Some(why) = rate.problem() {
                out.push(format!("{at}: BackoffRate: {why}"));
            } else if rate.as_f64() < 1.0 {
                out.push(format!("{at}: BackoffRate must be at least 1.0 (got {})", rate.as_f64()));
            }
        }
        if let Some(d) = r.max_delay_seconds {
            if d == 0 || d >= 31_622_401 {
                out.push(format!("{at}: MaxDelaySeconds must be between 1 and 31622400 (got {d})"));
            }
        }
    }
}

/// Checks a `Catch` array (targets are checked with the graph).
pub(crate) fn check_catch(ctx: &str, catch: &[Catcher], out: &mut Vec<String>) {
    check_error_lists(ctx, "Catch", catch.iter().map(|c| &c.error_equals), out);
    for (i, c) in catch.iter().enumerate() {
        check_reference_path(&format!("{ctx}: Catch[{i}]"), "ResultPath", &c.result_path, out);
    }
}

/// Reads the optional `Retry` and `Catch` arrays of a state.
pub(crate) fn parse_retry_catch(r: &mut Reader<'_, '_>) -> (Vec<Retrier>, Vec<Catcher>) {
    let mut retry = Vec::new();
    if let Some(items) = r.array("Retry") {
        for (i, item) in items.iter().enumerate() {
            let ctx = format!("{}: Retry[{i}]", r.ctx);
            match item.as_object() {
                Some(o) => {
                    let mut rr = Reader::new(o, ctx, r.problems);
                    if let Some(x) = Retrier::parse(&mut rr) {
                        retry.push(x);
                    }
                    rr.finish("a retrier");
                }
                None => r.problems.push(format!("{ctx}: a retrier must be an object")),
            }
        }
    }
    let mut catch = Vec::new();
    if let Some(items) = r.array("Catch") {
        for (i, item) in items.iter().enumerate() {
            let ctx = format!("{}: Catch[{i}]", r.ctx);
            match item.as_object() {
                Some(o) => {
                    let mut cr = Reader::new(o, ctx, r.problems);
                    if let Some(x) = Catcher::parse(&mut cr) {
                        catch.push(x);
                    }
                    cr.finish("a catcher");
                }
                None => r.problems.push(format!("{ctx}: a catcher must be an object")),
            }
        }
    }
    (retry, catch)
}

/// `Retry` and `Catch` of a state, when it has any.
pub(crate) fn render_error_handling(
    retry: &[Retrier],
    catch: &[Catcher],
    m: &mut std::collections::BTreeMap<String, Value>,
) {
    if !retry.is_empty() {
        m.insert("Retry".into(), Value::List(retry.iter().map(Retrier::render).collect()));
    }
    if !catch.is_empty() {
        m.insert("Catch".into(), Value::List(catch.iter().map(Catcher::render).collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_all_must_be_last_and_alone() {
        let mut out = Vec::new();
        let retry = vec![Retrier::on(["States.ALL", "States.Timeout"]), Retrier::on(["Custom"])];
        check_retry("state \"T\"", &retry, &mut out);
        assert_eq!(
            out,
            vec![
                "state \"T\": Retry[0]: States.ALL must appear alone in ErrorEquals",
                "state \"T\": Retry[0]: States.ALL must be in the last Retry entry",
            ]
        );
        let mut out = Vec::new();
        check_catch("state \"T\"", &[Catcher::on(["States.ALL"], "F"), Catcher::on(["X"], "G")], &mut out);
        assert_eq!(out, vec!["state \"T\": Catch[0]: States.ALL must be in the last Catch entry"]);
    }

    #[test]
    fn retrier_fields_are_checked() {
        let mut out = Vec::new();
        let r = Retrier::on(Vec::<String>::new())
            .interval_seconds(0)
            .backoff_rate(0.5)
            .max_delay_seconds(0)
            .max_attempts(100_000_000);
        check_retry("state \"T\"", &[r, Retrier::on(["States.Timout"])], &mut out);
        assert_eq!(out.len(), 6, "{out:#?}");
        assert!(out[0].contains("ErrorEquals must name at least one error"));
        assert!(out[1].contains("unknown predefined error \"States.Timout\""));
        assert!(out[2].contains("IntervalSeconds must be a positive integer"));
        assert!(out[3].contains("MaxAttempts must be at most"));
        assert!(out[4].contains("BackoffRate must be at least 1.0 (got 0.5)"));
        assert!(out[5].contains("MaxDelaySeconds must be between 1 and 31622400"));
    }

    #[test]
    fn catcher_result_path_must_be_a_reference_path() {
        let mut out = Vec::new();
        check_catch("state \"T\"", &[Catcher::on(["X"], "F").result_path("$..e")], &mut out);
        assert!(out[0].starts_with("state \"T\": Catch[0]: ResultPath"), "{out:?}");
    }

    #[test]
    fn renders_fields() {
        let r = Retrier::on(["States.Timeout"])
            .interval_seconds(2)
            .max_attempts(3)
            .backoff_rate(1.5)
            .max_delay_seconds(10)
            .jitter(JitterStrategy::Full);
        let j = crate::stepfunctions::asl::definition::literal_json(&r.render()).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"BackoffRate": 1.5, "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2,
                "JitterStrategy": "FULL", "MaxAttempts": 3, "MaxDelaySeconds": 10})
        );
    }
}

//! The Task state: one unit of work done by a resource (Lambda, activity, service integration).

use std::collections::BTreeMap;

use framework::Value;

use super::super::fields::put;
use super::super::reader::Reader;
use super::super::syntax::reference_path_problem;
use super::common::{CommonFields, Takes};
use super::{common_fields, error_setters, io_setters, next_setters, result_setters};

/// A Task state. `Resource` is a [`Value`], so it may be a token (`function.arn()`).
///
/// ```
/// use constructs::stepfunctions::asl::{Catcher, Retrier, Task};
/// let t = Task::new("arn:aws:states:::lambda:invoke")
///     .parameters(serde_json::json!({"FunctionName": "f", "Payload.$": "$"}))
///     .timeout_seconds(30)
///     .retry(Retrier::on(["States.TaskFailed"]).max_attempts(2))
///     .catch(Catcher::on(["States.ALL"], "Failed"))
///     .next("Done");
/// # let _ = t;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub(crate) fields: CommonFields,
    /// `Resource`: the ARN of what does the work (Lambda function, activity, service integration).
    pub resource: Value,
    /// `TimeoutSeconds`: the longest the task may run (default 99999999).
    pub timeout_seconds: Option<u32>,
    /// `TimeoutSecondsPath`: the timeout taken from the input (reference path).
    pub timeout_seconds_path: Option<String>,
    /// `HeartbeatSeconds`: the longest time between heartbeats; less than `TimeoutSeconds`.
    pub heartbeat_seconds: Option<u32>,
    /// `HeartbeatSecondsPath`: the heartbeat interval taken from the input (reference path).
    pub heartbeat_seconds_path: Option<String>,
    /// `Credentials`: a role to assume for the task (`{"RoleArn": ...}`).
    pub credentials: Option<Value>,
}

impl Task {
    pub(crate) const TAKES: Takes = Takes::ALL;

    /// A Task state calling `resource` (an ARN, literal or token).
    pub fn new(resource: impl Into<Value>) -> Task {
        Task {
            fields: CommonFields::default(),
            resource: resource.into(),
            timeout_seconds: None,
            timeout_seconds_path: None,
            heartbeat_seconds: None,
            heartbeat_seconds_path: None,
            credentials: None,
        }
    }
    common_fields!();
    io_setters!();
    next_setters!();
    result_setters!();
    error_setters!();
    /// `TimeoutSeconds` (default 99999999).
    pub fn timeout_seconds(mut self, s: u32) -> Self {
        self.timeout_seconds = Some(s);
        self
    }
    /// `HeartbeatSeconds`: must be less than `TimeoutSeconds`.
    pub fn heartbeat_seconds(mut self, s: u32) -> Self {
        self.heartbeat_seconds = Some(s);
        self
    }
    /// `TimeoutSecondsPath`.
    pub fn timeout_seconds_path(mut self, p: impl Into<String>) -> Self {
        self.timeout_seconds_path = Some(p.into());
        self
    }
    /// `HeartbeatSecondsPath`.
    pub fn heartbeat_seconds_path(mut self, p: impl Into<String>) -> Self {
        self.heartbeat_seconds_path = Some(p.into());
        self
    }
    /// `Credentials`: a role to assume for the task (`{"RoleArn": ...}`).
    pub fn credentials(mut self, c: impl Into<Value>) -> Self {
        self.credentials = Some(c.into());
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        m.insert("Resource".into(), self.resource.clone());
        put(m, "TimeoutSeconds", self.timeout_seconds);
        put(m, "TimeoutSecondsPath", self.timeout_seconds_path.as_deref());
        put(m, "HeartbeatSeconds", self.heartbeat_seconds);
        put(m, "HeartbeatSecondsPath", self.heartbeat_seconds_path.as_deref());
        put(m, "Credentials", self.credentials.clone());
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        self.fields.check_transition(ctx, "Task", Task::TAKES, out);
        match &self.resource {
            Value::String(s) if !s.starts_with("arn:") => {
                out.push(format!("{ctx}: Resource {s:?} must be an ARN (arn:...)"))
            }
            Value::String(_) => {}
            v if v.is_token() => {}
            _ => out.push(format!("{ctx}: Resource must be an ARN string")),
        }
        self.fields.check_paths(ctx, out);
        self.fields.check_result_selector(ctx, out);
        if self.timeout_seconds.is_some() && self.timeout_seconds_path.is_some() {
            out.push(format!("{ctx}: a Task state may have TimeoutSeconds or TimeoutSecondsPath, not both"));
        }
        if self.heartbeat_seconds.is_some() && self.heartbeat_seconds_path.is_some() {
            out.push(format!("{ctx}: a Task state may have HeartbeatSeconds or HeartbeatSecondsPath, not both"));
        }
        for (field, v) in [("TimeoutSeconds", self.timeout_seconds), ("HeartbeatSeconds", self.heartbeat_seconds)] {
            if v == Some(0) {
                out.push(format!("{ctx}: {field} must be a positive integer"));
            }
        }
        if let (Some(h), Some(t)) = (self.heartbeat_seconds, self.timeout_seconds) {
            if h >= t {
                out.push(format!("{ctx}: HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({t})"));
            }
        }
        for (field, v) in
            [("TimeoutSecondsPath", &self.timeout_seconds_path), ("HeartbeatSecondsPath", &self.heartbeat_seconds_path)]
        {
            if let Some(why) = v.as_deref().and_then(reference_path_problem) {
                out.push(format!("{ctx}: {field} {why}"));
            }
        }
        self.fields.check_errors(ctx, out);
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Task> {
        let resource = if r.has("Resource") {
            r.string("Resource")
        } else {
            r.problem("missing required field Resource");
            None
        };
        let errors = CommonFields::parse_errors(r, Task::TAKES);
        let mut task = Task {
            fields: CommonFields::parse_after_errors(r, Task::TAKES, errors),
            resource: Value::Null,
            timeout_seconds: r.uint("TimeoutSeconds"),
            timeout_seconds_path: r.string("TimeoutSecondsPath"),
            heartbeat_seconds: r.uint("HeartbeatSeconds"),
            heartbeat_seconds_path: r.string("HeartbeatSecondsPath"),
            credentials: r.value("Credentials"),
        };
        task.fields.parse_transition(r, Task::TAKES);
        Some(Task { resource: resource?.into(), ..task })
    }
}

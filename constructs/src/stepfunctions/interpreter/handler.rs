//! Task handlers: what a simulated Task state's resource does.
//!
//! A [`Handler`] receives the task's effective input (after `InputPath` and `Parameters`) and the
//! context object, and returns a [`Reply`]: an output or an error with a cause, and how long the
//! task took in virtual time (and how often it sent heartbeats), so that timeouts, heartbeats
//! and retries can be tested. [`Handlers`] chooses one per Task state: by the state's name
//! first, then by its resource ARN, then (for `arn:aws:states:::lambda:invoke`) by the
//! `FunctionName` parameter, as a name or as an ARN.
//!
//! Ready-made handlers: [`Reply`] itself (the same reply every time), [`sequence`] (one reply
//! per call, the last one repeated: "fail twice, then succeed"), and any closure
//! `FnMut(&TaskCall) -> Reply`.
//!
//! ```
//! use constructs::stepfunctions::interpreter::{sequence, Handlers, Reply, TaskCall};
//! use serde_json::json;
//!
//! let handlers = Handlers::new()
//!     .on("Charge", Reply::output(json!({"charged": true})))
//!     .on("Flaky", sequence([Reply::error("Busy", "try later"), Reply::output(json!("ok"))]))
//!     .on("arn:aws:lambda:us-east-1:123456789012:function:echo", |call: &TaskCall| Reply::output(call.input.clone()))
//!     .on("Slow", Reply::output(json!(1)).after_seconds(3600.0));
//! assert!(handlers.has("Charge"));
//! ```

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::error::StatesError;

/// What a Task's handler is called with.
#[derive(Debug)]
pub struct TaskCall<'a> {
    /// The Task state's name.
    pub state: &'a str,
    /// Its `Resource` (e.g. `arn:aws:states:::lambda:invoke`).
    pub resource: &'a str,
    /// The effective input: the state input after `InputPath` and `Parameters`.
    pub input: &'a Value,
    /// The context object (`$$`): `Execution`, `State` (with `RetryCount`), `StateMachine`, and
    /// `Task.Token` for `.waitForTaskToken`.
    pub context: &'a Value,
    /// How many times the state was retried before this call (`$$.State.RetryCount`).
    pub retry_count: u32,
}

/// What a handler answers: the task's result (or error), how long it took and how often it
/// sent heartbeats, in virtual seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The output, or the error the task failed with.
    pub result: Result<Value, StatesError>,
    /// How long the task ran (virtual seconds; default 0).
    pub seconds: f64,
    /// The interval between the task's heartbeats, if it sends any (for `HeartbeatSeconds`).
    pub heartbeat_seconds: Option<f64>,
}

impl Reply {
    /// The task succeeds with `output`.
    pub fn output(output: Value) -> Reply {
        Reply { result: Ok(output), seconds: 0.0, heartbeat_seconds: None }
    }

    /// The task fails with the error `error` (e.g. `Lambda.ServiceException`) and `cause`.
    pub fn error(error: impl Into<String>, cause: impl Into<String>) -> Reply {
        Reply { result: Err(StatesError::new(error, cause)), seconds: 0.0, heartbeat_seconds: None }
    }

    /// The same reply, after the task ran `seconds` of virtual time.
    pub fn after_seconds(mut self, seconds: f64) -> Reply {
        self.seconds = seconds;
        self
    }

    /// The same reply, from a task that sent a heartbeat every `seconds`.
    pub fn heartbeat_every(mut self, seconds: f64) -> Reply {
        self.heartbeat_seconds = Some(seconds);
        self
    }
}

/// What a Task state's resource does, in a simulation.
pub trait Handler {
    /// Runs the task once (again on each retry).
    fn call(&mut self, call: &TaskCall<'_>) -> Reply;
}

impl Handler for Reply {
    fn call(&mut self, _: &TaskCall<'_>) -> Reply {
        self.clone()
    }
}

impl<F: FnMut(&TaskCall<'_>) -> Reply> Handler for F {
    fn call(&mut self, call: &TaskCall<'_>) -> Reply {
        self(call)
    }
}

/// A handler read from JSON, as `simulate --handler STATE=FILE` and the conformance corpus give
/// them: one reply or an array of replies taken in turn (the last one repeated), each
/// `{"output": <json>}` or `{"error": "Name", "cause": "text"}`, with optional `"seconds"` (how
/// long the task runs) and `"heartbeat_seconds"` (its heartbeat interval).
///
/// ```
/// use constructs::stepfunctions::interpreter::handler::from_json;
/// let h = from_json(&serde_json::json!([{"error": "Busy", "cause": "later"}, {"output": 1, "seconds": 2}]));
/// assert!(h.is_ok());
/// assert_eq!(from_json(&serde_json::json!({"outptu": 1})).unwrap_err(),
///     "reply 1: expected \"output\" or \"error\" (with \"cause\"), \"seconds\", \"heartbeat_seconds\"; not \"outptu\"");
/// ```
pub fn from_json(json: &Value) -> Result<Sequence, String> {
    let items = match json {
        Value::Array(items) => items.as_slice(),
        one => std::slice::from_ref(one),
    };
    let mut replies = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match reply_from_json(item) {
            Ok(r) => replies.push(r),
            Err(e) => problems.push(format!("reply {}: {e}", i + 1)),
        }
    }
    if items.is_empty() {
        problems.push("no reply: give at least one".into());
    }
    if problems.is_empty() {
        Ok(sequence(replies))
    } else {
        Err(problems.join("; "))
    }
}

fn reply_from_json(json: &Value) -> Result<Reply, String> {
    let Value::Object(fields) = json else {
        return Err(format!("must be a JSON object, not {}", framework::json_kind(json)));
    };
    if let Some(unknown) =
        fields.keys().find(|k| !["output", "error", "cause", "seconds", "heartbeat_seconds"].contains(&k.as_str()))
    {
        return Err(format!(
            "expected \"output\" or \"error\" (with \"cause\"), \"seconds\", \"heartbeat_seconds\"; not {unknown:?}"
        ));
    }
    let text = |k: &str| match fields.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("{k} must be a string, not {}", framework::json_kind(other))),
    };
    let seconds = |k: &str| match fields.get(k) {
        None => Ok(None),
        Some(v) => {
            v.as_f64().filter(|s| *s >= 0.0).map(Some).ok_or_else(|| format!("{k} must be a number >= 0, not {v}"))
        }
    };
    let reply = match (fields.get("output"), text("error")?) {
        (Some(_), Some(_)) => return Err("has both output and error".into()),
        (Some(output), None) => Reply::output(output.clone()),
        (None, Some(error)) => Reply::error(error, text("cause")?.unwrap_or_default()),
        (None, None) => return Err("needs \"output\" or \"error\"".into()),
    };
    let reply = reply.after_seconds(seconds("seconds")?.unwrap_or(0.0));
    Ok(match seconds("heartbeat_seconds")? {
        Some(every) => reply.heartbeat_every(every),
        None => reply,
    })
}

/// A handler giving `replies` one per call, the last one again once they run out.
pub fn sequence(replies: impl IntoIterator<Item = Reply>) -> Sequence {
    Sequence { replies: replies.into_iter().collect(), next: 0 }
}

/// The handler of [`sequence`].
#[derive(Debug, Clone)]
pub struct Sequence {
    replies: Vec<Reply>,
    next: usize,
}

impl Handler for Sequence {
    fn call(&mut self, _: &TaskCall<'_>) -> Reply {
        let Some(last) = self.replies.len().checked_sub(1) else {
            return Reply::error("Simulator.EmptySequence", "the handler's sequence has no reply");
        };
        let reply = self.replies[self.next.min(last)].clone();
        self.next += 1;
        reply
    }
}

/// The handlers of a simulation, by Task state name or resource ARN.
#[derive(Default)]
pub struct Handlers {
    by_key: HashMap<String, Box<dyn Handler>>,
}

impl fmt::Debug for Handlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<&String> = self.by_key.keys().collect();
        keys.sort();
        f.debug_struct("Handlers").field("keys", &keys).finish()
    }
}

impl Handlers {
    /// No handlers: every Task state fails the run, naming the state and its resource.
    pub fn new() -> Handlers {
        Handlers::default()
    }

    /// Handles the Task state named `key`, or every Task whose resource (or `lambda:invoke`
    /// `FunctionName`) is `key`; a later handler for the same key replaces the earlier one.
    pub fn on(mut self, key: impl Into<String>, handler: impl Handler + 'static) -> Handlers {
        self.insert(key, handler);
        self
    }

    /// [`Handlers::on`], through a reference.
    pub fn insert(&mut self, key: impl Into<String>, handler: impl Handler + 'static) {
        self.by_key.insert(key.into(), Box::new(handler));
    }

    /// Whether a handler is registered under `key`.
    pub fn has(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// The handler for a Task state: by its name, its resource (with or without its integration
    /// pattern), the function name of a function ARN resource, then the `FunctionName` of its
    /// effective input (the name itself, or the name inside a function ARN).
    pub(crate) fn find(&mut self, state: &str, resource: &str, input: &Value) -> Option<&mut Box<dyn Handler>> {
        let function = input.get("FunctionName").and_then(Value::as_str);
        let keys = [
            Some(state),
            Some(resource),
            strip_pattern(resource),
            function_name(resource),
            function,
            function.and_then(function_name),
        ];
        let key = keys.into_iter().flatten().find(|k| self.by_key.contains_key(*k))?;
        self.by_key.get_mut(key)
    }
}

/// The resource without its integration pattern suffix (`.sync`, `.sync:2`, `.waitForTaskToken`).
pub(crate) fn strip_pattern(resource: &str) -> Option<&str> {
    [".waitForTaskToken", ".sync:2", ".sync"].iter().find_map(|suffix| resource.strip_suffix(suffix))
}

/// The function name of a Lambda function ARN (`arn:aws:lambda:r:a:function:name[:qualifier]`).
pub(crate) fn function_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(7, ':');
    let (_, service, _, _, kind) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (service == "lambda" && kind == "function").then(|| parts.next()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call<'a>(input: &'a Value, context: &'a Value) -> TaskCall<'a> {
        TaskCall { state: "S", resource: "r", input, context, retry_count: 0 }
    }

    #[test]
    fn a_sequence_repeats_its_last_reply() {
        let (input, ctx) = (json!({}), json!({}));
        let mut h = sequence([Reply::error("E", "c"), Reply::output(json!(1))]);
        let got: Vec<bool> = (0..4).map(|_| h.call(&call(&input, &ctx)).result.is_ok()).collect();
        assert_eq!(got, [false, true, true, true]);
        let empty = sequence([]).call(&call(&input, &ctx));
        assert_eq!(empty.result.unwrap_err().error, "Simulator.EmptySequence");
    }

    #[test]
    fn handlers_are_found_by_state_resource_then_function() {
        let mut h = Handlers::new()
            .on("arn:aws:states:::sqs:sendMessage", Reply::output(json!("by resource")))
            .on("echo", Reply::output(json!("by function name")))
            .on("Named", Reply::output(json!("by state")));
        let ctx = json!({});
        let mut answer = |state: &str, resource: &str, input: Value| {
            let handler = h.find(state, resource, &input)?;
            Some(handler.call(&call(&input, &ctx)).result.unwrap())
        };
        assert_eq!(answer("Named", "arn:aws:states:::sqs:sendMessage", json!({})), Some(json!("by state")));
        assert_eq!(answer("Other", "arn:aws:states:::sqs:sendMessage", json!({})), Some(json!("by resource")));
        assert_eq!(
            answer("Other", "arn:aws:states:::sqs:sendMessage.waitForTaskToken", json!({})),
            Some(json!("by resource")),
            "the integration pattern's suffix is optional in the key"
        );
        let arn = json!({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST"});
        assert_eq!(answer("Other", "arn:aws:states:::lambda:invoke", arn), Some(json!("by function name")));
        assert_eq!(answer("Other", "arn:aws:states:::lambda:invoke", json!({"FunctionName": "nope"})), None);
    }

    #[test]
    fn function_names_of_arns() {
        assert_eq!(function_name("arn:aws:lambda:us-east-1:1:function:f"), Some("f"));
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:1:function:f:prod"),
            Some("f"),
            "the qualifier is not part of the name"
        );
        assert_eq!(function_name("arn:aws:states:us-east-1:1:activity:a"), None);
        assert_eq!(function_name("f"), None);
    }
}

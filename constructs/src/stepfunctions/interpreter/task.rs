//! One attempt of a Task state: the resource's events, its handler, its timeouts, and the
//! shapes of the common integrations' results.
//!
//! # Decisions
//!
//! - **The kind of resource decides the events** (the history model of AWS's
//!   `GetExecutionHistory`): a Lambda function ARN gives `LambdaFunction...` events, an activity
//!   ARN `Activity...` events, a service integration (`arn:<partition>:states:::...`) `Task...`
//!   events, with `TaskSubmitted` for the `.sync` and `.waitForTaskToken` patterns.
//! - **Integration patterns** (the guide's "Discover service integration patterns"): with
//!   request-response and `.sync` the handler's output is the service's answer (for `.sync`, the
//!   finished job's); with `.waitForTaskToken` the context object has `Task.Token` and the
//!   handler's output is what `SendTaskSuccess` would send. `arn:aws:states:::lambda:invoke`
//!   (request-response) wraps the function's output as the Lambda Invoke API answers:
//!   `{"ExecutedVersion": "$LATEST", "Payload": <output>, "SdkHttpMetadata": ...,
//!   "SdkResponseMetadata": ..., "StatusCode": 200}`; a Lambda function ARN as resource gives
//!   the function's output itself.
//! - **Timeouts** in virtual time: a task running longer than its `TimeoutSeconds` (or
//!   `TimeoutSecondsPath`, default 99999999) fails with `States.Timeout` when that time is up; one
//!   with `HeartbeatSeconds` (or `HeartbeatSecondsPath`) fails with `States.HeartbeatTimeout` when
//!   no heartbeat came for that long (a handler states its heartbeat interval, or none). Both
//!   paths are read from the effective input and must select a positive integer.
//! - **No handler** fails the run terminally (no catcher sees it), naming the state and the
//!   resource.

use std::sync::Arc;

use serde_json::{json, Value};

use super::clock::Time;
use super::error::{names, StatesError};
use super::handler::{strip_pattern, TaskCall};
use super::history::{Details, EventType};
use super::jsonpath::select;
use super::machine::{Node, TaskNode};
use super::payload::Context;
use super::run::{data_limit, exceeds_payload, Doc, Runner, Stop};

/// A Task's default `TimeoutSeconds` (the guide: 99999999).
const DEFAULT_TIMEOUT: u64 = 99_999_999;

/// The events of one kind of resource.
struct Events {
    scheduled: EventType,
    started: EventType,
    succeeded: EventType,
    failed: EventType,
    timed_out: EventType,
}

fn events_of(resource: &str) -> Events {
    use EventType::*;
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", ..] => Events {
            scheduled: LambdaFunctionScheduled,
            started: LambdaFunctionStarted,
            succeeded: LambdaFunctionSucceeded,
            failed: LambdaFunctionFailed,
            timed_out: LambdaFunctionTimedOut,
        },
        ["arn", _, "states", _, _, "activity", ..] => Events {
            scheduled: ActivityScheduled,
            started: ActivityStarted,
            succeeded: ActivitySucceeded,
            failed: ActivityFailed,
            timed_out: ActivityTimedOut,
        },
        _ => Events {
            scheduled: TaskScheduled,
            started: TaskStarted,
            succeeded: TaskSucceeded,
            failed: TaskFailed,
            timed_out: TaskTimedOut,
        },
    }
}

/// The `Resource` field AWS writes in `TaskScheduled`: the part after `arn:aws:states:::`.
fn short_resource(resource: &str) -> &str {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "states", "", "", rest] => rest,
        _ => resource,
    }
}

/// A positive integer number of seconds from a `...SecondsPath`.
fn seconds_at(path: &str, effective: &Value, field: &str) -> Result<u64, StatesError> {
    match select(path, effective)? {
        Value::Number(n) if n.as_u64().is_some_and(|s| s > 0) => Ok(n.as_u64().unwrap_or(0)),
        other => Err(StatesError::runtime(format!(
            "The {field} parameter does not reference a positive integer: '{path}' is {other}"
        ))),
    }
}

impl Runner<'_> {
    pub(crate) fn task_attempt(
        &mut self,
        node: &Node,
        task: &TaskNode,
        raw: &Doc,
        entered: Time,
        retry_count: u32,
        now: &mut Time,
    ) -> Result<Doc, Stop> {
        let effective = self.effective_input(node, raw, entered, retry_count)?;
        let timeout = match &task.timeout_seconds_path {
            Some(p) => seconds_at(p, &effective, "TimeoutSecondsPath")?,
            None => task.timeout_seconds.map_or(DEFAULT_TIMEOUT, u64::from),
        };
        let heartbeat = match &task.heartbeat_seconds_path {
            Some(p) => Some(seconds_at(p, &effective, "HeartbeatSecondsPath")?),
            None => task.heartbeat_seconds.map(u64::from),
        };
        let resource = task.resource.as_str();
        let waits_for_token = resource.ends_with(".waitForTaskToken");
        let token = waits_for_token.then(|| format!("{:016x}{:016x}", self.random(), self.random()));
        let input = match &node.parameters {
            None => effective,
            Some(t) => {
                Arc::new(self.apply_template(t, &effective, &node.name, entered, retry_count, token.as_deref())?)
            }
        };

        let events = events_of(resource);
        let at = *now;
        let scheduled = if self.records() {
            Details {
                input: Some(input.clone()),
                resource: Some(short_resource(resource).to_string()),
                ..Details::default()
            }
        } else {
            Details::default()
        };
        self.event(at, events.scheduled, scheduled)?;
        self.event(at, events.started, Details::default())?;
        if waits_for_token || strip_pattern(resource).is_some() {
            self.event(at, EventType::TaskSubmitted, Details::default())?;
        }

        let run_context = self.run_context();
        let context =
            Context { token: token.as_deref(), ..Context::of_state(&run_context, &node.name, entered, retry_count) }
                .to_json();
        let Some(handler) = self.handlers.find(&node.name, resource, &input) else {
            return Err(Stop::Terminal(StatesError::new(
                "Simulator.NoHandler",
                format!(
                    "state {:?}: no handler for its resource {resource:?}: give the simulation one by the state's \
                     name or by the resource ARN (Handlers::on, or --handler STATE=FILE)",
                    node.name
                ),
            )));
        };
        let reply =
            handler.call(&TaskCall { state: &node.name, resource, input: &input, context: &context, retry_count });

        // the first limit the task crosses ends it
        let mut limits: Vec<(f64, StatesError, EventType)> = vec![(
            timeout as f64,
            StatesError::new(names::TIMEOUT, format!("The task ran longer than its TimeoutSeconds ({timeout} s).")),
            events.timed_out,
        )];
        if let Some(hb) = heartbeat {
            let silent = reply.heartbeat_seconds.is_none_or(|every| every > hb as f64);
            if silent {
                limits.push((
                    hb as f64,
                    StatesError::new(
                        names::HEARTBEAT_TIMEOUT,
                        format!("The task sent no heartbeat for its HeartbeatSeconds ({hb} s)."),
                    ),
                    events.timed_out,
                ));
            }
        }
        limits.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((limit, error, kind)) = limits.into_iter().find(|(limit, ..)| reply.seconds > *limit) {
            let end = at.plus_seconds(limit);
            self.check_deadline(end)?;
            *now = end;
            let details =
                Details { error: Some(error.error.clone()), cause: Some(error.cause.clone()), ..Details::default() };
            self.event(end, kind, details)?;
            return Err(Stop::Error(error));
        }
        let end = at.plus_seconds(reply.seconds.max(0.0));
        self.check_deadline(end)?;
        *now = end;
        let result = match reply.result {
            Ok(output) if exceeds_payload(&output) => Err(data_limit(&node.name)),
            other => other,
        };
        let output = match result {
            Ok(output) => output,
            Err(error) => {
                let details = Details {
                    error: Some(error.error.clone()),
                    cause: Some(error.cause.clone()),
                    ..Details::default()
                };
                self.event(end, events.failed, details)?;
                return Err(Stop::Error(error));
            }
        };
        let output =
            Arc::new(if short_resource(resource) == "lambda:invoke" { lambda_invoke_answer(output) } else { output });
        let details = if self.records() {
            Details { output: Some(output.clone()), ..Details::default() }
        } else {
            Details::default()
        };
        self.event(end, events.succeeded, details)?;
        Ok(self.select_result(node, raw, output, entered, retry_count)?)
    }
}

/// What `lambda:invoke` answers for a function that returned `payload`.
fn lambda_invoke_answer(payload: Value) -> Value {
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {"Content-Type": ["application/json"], "X-Amz-Executed-Version": ["$LATEST"]},
            "HttpHeaders": {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"},
            "HttpStatusCode": 200
        },
        "SdkResponseMetadata": {"RequestId": "00000000-0000-4000-8000-000000000000"},
        "StatusCode": 200
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_name_their_events() {
        assert_eq!(events_of("arn:aws:lambda:us-east-1:1:function:f").scheduled, EventType::LambdaFunctionScheduled);
        assert_eq!(events_of("arn:aws:states:us-east-1:1:activity:a").failed, EventType::ActivityFailed);
        assert_eq!(events_of("arn:aws:states:::lambda:invoke").succeeded, EventType::TaskSucceeded);
        assert_eq!(short_resource("arn:aws:states:::lambda:invoke"), "lambda:invoke");
        assert_eq!(
            short_resource("arn:aws-cn:states:::sqs:sendMessage.waitForTaskToken"),
            "sqs:sendMessage.waitForTaskToken"
        );
        assert_eq!(short_resource("arn:aws:lambda:us-east-1:1:function:f"), "arn:aws:lambda:us-east-1:1:function:f");
    }
}

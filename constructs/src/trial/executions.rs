//! Finding the executions that events started, and following them to their end.
//!
//! An EventBridge rule whose Step Functions target passes the whole event (no `Input`,
//! `InputPath` or `InputTransformer`) starts an execution whose input is the event, whose
//! top-level `"id"` is the `EventId` PutEvents returned. The finder lists each watched state
//! machine's recent executions (ListExecutions, newest first, back to shortly before the events
//! were sent), reads each new one's input once (DescribeExecution) and matches it to the event
//! ids, polling with a short backoff until every event has an execution or the deadline passes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput;

use framework::deploy::retry::{with_retry, RetryPolicy};

use crate::trial::error::{api_error, TrialError};

/// How far before the first PutEvents call an execution may have started and still be looked
/// at (clock skew between this machine and the service).
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);

/// The event id in an execution's input: the top-level `"id"` of the JSON object, when the
/// input is a whole EventBridge event.
///
/// ```
/// use constructs::trial::input_event_id;
/// let input = r#"{"version":"0","id":"d778b2b6-3f16","detail-type":"m","source":"demo.sfn","detail":{}}"#;
/// assert_eq!(input_event_id(input).as_deref(), Some("d778b2b6-3f16"));
/// assert_eq!(input_event_id(r#"{"Path":"A"}"#), None);
/// ```
pub fn input_event_id(input: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(input).ok()?;
    json.as_object()?.get("id")?.as_str().map(str::to_string)
}

/// One execution, as DescribeExecution last showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    /// The execution ARN.
    pub arn: String,
    /// Its state machine.
    pub state_machine_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `PENDING_REDRIVE`.
    pub status: String,
    /// The event id in its input.
    pub event_id: Option<String>,
    /// Start time, milliseconds since the epoch.
    pub start_ms: i64,
    /// Stop time, milliseconds since the epoch.
    pub stop_ms: Option<i64>,
    /// The error of a failed execution.
    pub error: Option<String>,
    /// The cause of a failed execution.
    pub cause: Option<String>,
}

impl Execution {
    fn from_sdk(d: &DescribeExecutionOutput) -> Execution {
        Execution {
            arn: d.execution_arn().to_string(),
            state_machine_arn: d.state_machine_arn().to_string(),
            status: d.status().as_str().to_string(),
            event_id: d.input().and_then(input_event_id),
            start_ms: d.start_date().to_millis().unwrap_or(0),
            stop_ms: d.stop_date().and_then(|t| t.to_millis().ok()),
            error: d.error().map(str::to_string),
            cause: d.cause().map(str::to_string),
        }
    }

    /// Whether the execution has ended.
    pub fn finished(&self) -> bool {
        !matches!(self.status.as_str(), "RUNNING" | "PENDING_REDRIVE")
    }
}

/// Sleeps between polls: 100 ms, growing by half each time up to 500 ms (an execution's end is
/// seen within half a second; a poll costs one ListExecutions per state machine), never past
/// the deadline.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: Duration::from_millis(100) }
    }
}

impl Backoff {
    /// The next delay (and grows the one after).
    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 3 / 2).min(Duration::from_millis(500));
        d
    }

    /// Sleeps for the next delay, cut at `deadline`; false when the deadline has passed.
    pub async fn wait(&mut self, deadline: Instant) -> bool {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        tokio::time::sleep(self.next_delay().min(deadline - now)).await;
        true
    }
}

async fn describe(sfn: &aws_sdk_sfn::Client, arn: &str) -> Result<Execution, TrialError> {
    let policy = RetryPolicy::default();
    let d = with_retry(&policy, || sfn.describe_execution().execution_arn(arn).send())
        .await
        .map_err(|e| api_error("Step Functions", "DescribeExecution", arn, &e))?;
    Ok(Execution::from_sdk(&d))
}

/// Finds the executions of `state_machines` whose input carries one of `event_ids`.
#[derive(Debug)]
pub struct Finder<'a> {
    sfn: &'a aws_sdk_sfn::Client,
    state_machines: &'a [String],
    since_ms: i64,
    /// Executions already read: their event id, when they carry one.
    seen: BTreeMap<String, Option<String>>,
    /// The executions found, by event id.
    pub found: BTreeMap<String, Vec<Execution>>,
}

impl<'a> Finder<'a> {
    /// A finder for executions started after `sent_at` (less [`CLOCK_SKEW`]).
    pub fn new(sfn: &'a aws_sdk_sfn::Client, state_machines: &'a [String], sent_at: SystemTime) -> Finder<'a> {
        let since = sent_at.checked_sub(CLOCK_SKEW).unwrap_or(SystemTime::UNIX_EPOCH);
        let since_ms = since.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        Finder { sfn, state_machines, since_ms, seen: BTreeMap::new(), found: BTreeMap::new() }
    }

    /// One pass over every state machine's recent executions.
    pub async fn sweep(&mut self, event_ids: &BTreeSet<String>) -> Result<(), TrialError> {
        let policy = RetryPolicy::default();
        for sm in self.state_machines {
            let mut token: Option<String> = None;
            loop {
                let page = with_retry(&policy, || {
                    self.sfn
                        .list_executions()
                        .state_machine_arn(sm)
                        .max_results(100)
                        .set_next_token(token.clone())
                        .send()
                })
                .await
                .map_err(|e| api_error("Step Functions", "ListExecutions", sm, &e))?;
                let mut older = false;
                for item in page.executions() {
                    if item.start_date().to_millis().unwrap_or(i64::MAX) < self.since_ms {
                        older = true;
                        continue;
                    }
                    let arn = item.execution_arn();
                    if self.seen.contains_key(arn) {
                        continue;
                    }
                    let execution = describe(self.sfn, arn).await?;
                    self.seen.insert(arn.to_string(), execution.event_id.clone());
                    if let Some(id) = execution.event_id.as_ref().filter(|id| event_ids.contains(*id)) {
                        self.found.entry(id.clone()).or_default().push(execution);
                    }
                }
                token = page.next_token().map(str::to_string);
                // Newest first: once executions older than the events show up, the rest are too.
                if older || token.is_none() {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Sweeps until every event id has an execution or `deadline` passes.
    pub async fn find_all(&mut self, event_ids: &BTreeSet<String>, deadline: Instant) -> Result<(), TrialError> {
        let mut backoff = Backoff::default();
        loop {
            self.sweep(event_ids).await?;
            if event_ids.iter().all(|id| self.found.contains_key(id)) || !backoff.wait(deadline).await {
                return Ok(());
            }
        }
    }
}

/// Polls an execution (DescribeExecution) until it has ended or `deadline` passes; returns its
/// last description (an execution not seen ended is described once more, even past the
/// deadline, since finding other events' executions may have used up the time).
pub async fn follow(
    sfn: &aws_sdk_sfn::Client,
    execution: &Execution,
    deadline: Instant,
) -> Result<Execution, TrialError> {
    let mut current = execution.clone();
    let mut backoff = Backoff::default();
    let mut described_late = false;
    while !current.finished() && !described_late {
        described_late = !backoff.wait(deadline).await;
        current = describe(sfn, &execution.arn).await?;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sfn::primitives::DateTime;
    use aws_sdk_sfn::types::ExecutionStatus;

    #[test]
    fn the_event_id_comes_from_a_whole_event_only() {
        let event = r#"{"version":"0","id":"78e0d216-3f17-4c60-96fb-39db290d5c8d","detail-type":"message","source":"demo.sfn","account":"000000000000","time":"2026-11-25T21:45:54Z","region":"us-east-1","resources":[],"detail":{"Path":"C"}}"#;
        assert_eq!(input_event_id(event).as_deref(), Some("78e0d216-3f17-4c60-96fb-39db290d5c8d"));
        assert_eq!(input_event_id(r#"{"detail":{"id":"x"}}"#), None, "only the top-level id");
        assert_eq!(input_event_id(r#"{"id": 7}"#), None, "a string id");
        assert_eq!(input_event_id(r#"["id"]"#), None);
        assert_eq!(input_event_id("not json"), None);
        assert_eq!(input_event_id(""), None);
    }

    #[test]
    fn descriptions_become_executions() {
        let d = DescribeExecutionOutput::builder()
            .execution_arn("arn:aws:states:us-east-1:000000000000:execution:SM:e1")
            .state_machine_arn("arn:aws:states:us-east-1:000000000000:stateMachine:SM")
            .status(ExecutionStatus::Failed)
            .start_date(DateTime::from_millis(1_000))
            .stop_date(DateTime::from_millis(1_250))
            .input(r#"{"id":"ev-1","detail":{}}"#)
            .error("States.Fail")
            .cause("no path")
            .build()
            .unwrap();
        let e = Execution::from_sdk(&d);
        assert_eq!(e.event_id.as_deref(), Some("ev-1"));
        assert_eq!((e.status.as_str(), e.start_ms, e.stop_ms), ("FAILED", 1_000, Some(1_250)));
        assert_eq!((e.error.as_deref(), e.cause.as_deref()), (Some("States.Fail"), Some("no path")));
        assert!(e.finished());
        for (status, finished) in [
            ("RUNNING", false),
            ("PENDING_REDRIVE", false),
            ("SUCCEEDED", true),
            ("TIMED_OUT", true),
            ("ABORTED", true),
        ] {
            assert_eq!(Execution { status: status.into(), ..e.clone() }.finished(), finished, "{status}");
        }
    }

    #[test]
    fn backoff_grows_to_half_a_second() {
        let mut b = Backoff::default();
        let delays: Vec<u128> = (0..8).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 150, 225, 337, 500, 500, 500, 500]);
    }
}

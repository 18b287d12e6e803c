//! What the simulation of an event gives: the rules it matched (or why the closest one did
//! not), each target invocation (an execution started, or a failed invocation with its reason),
//! and each execution's result; with assertion helpers for tests, and the rows of the report
//! `send-events` prints ([`crate::report`]).

use serde_json::Value;

use crate::report::{Row, NOT_SENT, NOT_STARTED};
use crate::stepfunctions::interpreter::{Execution, Status};

/// A rule an event matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedRule {
    /// Its stack.
    pub stack: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its name.
    pub name: String,
}

/// How a target invocation went.
#[derive(Debug, Clone, PartialEq)]
pub enum InvocationResult {
    /// EventBridge started an execution of the state machine, and it ran to its end.
    Started {
        /// The execution's ARN.
        execution_arn: String,
        /// The state machine's ARN.
        state_machine_arn: String,
        /// The run.
        execution: Box<Execution>,
    },
    /// The invocation failed (EventBridge's `FailedInvocations` metric): no permission, no such
    /// state machine, an input that is not JSON...
    Failed {
        /// Why, in words.
        reason: String,
        /// The dead-letter queue the event went to, when the target has one.
        dead_letter: Option<String>,
    },
    /// A target of a kind the simulation does not run (not a Step Functions state machine).
    NotSimulated {
        /// Which kind, and why.
        reason: String,
    },
}

/// One target invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The rule's logical id.
    pub rule: String,
    /// The target's `Id`.
    pub target_id: String,
    /// The target's ARN.
    pub target_arn: String,
    /// What the target received (the execution input), when delivery got that far.
    pub input: Option<String>,
    /// What the simulation could not check (a condition it cannot evaluate, a role or managed
    /// policy not in the templates), in words.
    pub notes: Vec<String>,
    /// How it went.
    pub result: InvocationResult,
}

/// What one event (a PutEvents entry, or a scheduled rule's event) did.
#[derive(Debug, Clone, PartialEq)]
pub struct EventOutcome {
    /// The event file (or `schedule` for scheduled events), for the report.
    pub file: String,
    /// The entry's position, from 1.
    pub entry: usize,
    /// The event's id (none when the entry was refused).
    pub event_id: Option<String>,
    /// The event as EventBridge built it.
    pub event: Option<Value>,
    /// EventBridge's refusal of the entry: its error code and message.
    pub refused: Option<(String, String)>,
    /// The rules that matched.
    pub matched: Vec<MatchedRule>,
    /// When nothing ran: why, rule by rule (the report's hint).
    pub hint: Option<String>,
    /// The target invocations, in rule then target order.
    pub invocations: Vec<Invocation>,
}

impl EventOutcome {
    /// The executions the event started.
    pub fn executions(&self) -> impl Iterator<Item = &Execution> {
        self.invocations.iter().filter_map(|i| match &i.result {
            InvocationResult::Started { execution, .. } => Some(execution.as_ref()),
            _ => None,
        })
    }

    /// The only execution the event started; panics naming what happened instead.
    pub fn execution(&self) -> &Execution {
        let all: Vec<&Execution> = self.executions().collect();
        match all.as_slice() {
            [one] => one,
            _ => panic!(
                "expected the event to start exactly one execution; it started {}:\n{}",
                all.len(),
                self.describe()
            ),
        }
    }

    /// Asserts the event matched exactly the rules `names` (logical ids or names), in any order.
    pub fn assert_matched<S: AsRef<str>>(&self, names: impl IntoIterator<Item = S>) -> &Self {
        let mut want: Vec<String> = names.into_iter().map(|n| n.as_ref().to_string()).collect();
        want.sort();
        let mut got: Vec<String> = Vec::new();
        for m in &self.matched {
            got.push(if want.contains(&m.logical_id) { m.logical_id.clone() } else { m.name.clone() });
        }
        got.sort();
        assert_eq!(got, want, "the rules the event matched\n{}", self.describe());
        self
    }

    /// Asserts the event started one execution that ended with `status` after entering `states`.
    pub fn assert_execution<S: AsRef<str>>(&self, status: Status, states: impl IntoIterator<Item = S>) -> &Self {
        let run = self.execution();
        let want: Vec<String> = states.into_iter().map(|s| s.as_ref().to_string()).collect();
        assert_eq!((run.status, &run.states), (status, &want), "the execution's status and path\n{}", self.describe());
        self
    }

    /// Asserts no target was invoked, and that the hint says `contains`.
    pub fn assert_nothing_ran(&self, contains: &str) -> &Self {
        assert!(self.invocations.is_empty(), "expected no invocation\n{}", self.describe());
        let hint = self.hint.as_deref().unwrap_or_default();
        assert!(hint.contains(contains), "expected the hint to say {contains:?}\n{}", self.describe());
        self
    }

    /// Everything about the outcome, for assertion messages.
    pub fn describe(&self) -> String {
        let mut out = format!("{} entry {}", self.file, self.entry);
        if let Some((code, message)) = &self.refused {
            out.push_str(&format!(": refused: {code}: {message}"));
        }
        if let Some(id) = &self.event_id {
            out.push_str(&format!(": event {id}"));
        }
        let matched: Vec<&str> = self.matched.iter().map(|m| m.logical_id.as_str()).collect();
        out.push_str(&format!("\n  matched: {matched:?}"));
        for i in &self.invocations {
            out.push_str(&format!("\n  rule {} target {}: ", i.rule, i.target_id));
            match &i.result {
                InvocationResult::Started { execution, .. } => out.push_str(&format!(
                    "{} via {} (error {:?}, cause {:?})",
                    execution.status,
                    execution.states.join(" -> "),
                    execution.error,
                    execution.cause
                )),
                InvocationResult::Failed { reason, dead_letter } => {
                    out.push_str(&format!("FailedInvocation: {reason}"));
                    if let Some(dlq) = dead_letter {
                        out.push_str(&format!(" (sent to the dead-letter queue {dlq})"));
                    }
                }
                InvocationResult::NotSimulated { reason } => out.push_str(&format!("not simulated: {reason}")),
            }
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("\n  hint: {h}"));
        }
        out
    }

    /// The rows of the events report (one per execution; one for an entry that was refused or
    /// started nothing), as `send-events` reports the deployed system.
    pub fn rows(&self) -> Vec<Row> {
        let base =
            Row { file: self.file.clone(), entry: self.entry, event_id: self.event_id.clone(), ..Row::default() };
        if let Some((code, message)) = &self.refused {
            return vec![Row {
                status: NOT_SENT.into(),
                error: Some(code.clone()),
                cause: Some(message.clone()),
                ..base
            }];
        }
        let mut rows: Vec<Row> = self
            .invocations
            .iter()
            .filter_map(|i| match &i.result {
                InvocationResult::Started { execution_arn, state_machine_arn, execution } => Some(Row {
                    execution_arn: Some(execution_arn.clone()),
                    state_machine_arn: Some(state_machine_arn.clone()),
                    path: execution.states.clone(),
                    status: execution.status.as_str().into(),
                    error: execution.error.clone(),
                    cause: execution.cause.clone(),
                    duration_ms: Some((execution.elapsed_seconds() * 1000.0).round() as i64),
                    rule: Some(i.rule.clone()),
                    target: Some(i.target_id.clone()),
                    ..base.clone()
                }),
                _ => None,
            })
            .collect();
        if rows.is_empty() {
            let failed: Vec<String> = self
                .invocations
                .iter()
                .filter_map(|i| match &i.result {
                    InvocationResult::Failed { reason, .. } => {
                        Some(format!("rule {} target {}: {reason}", i.rule, i.target_id))
                    }
                    InvocationResult::NotSimulated { reason } => {
                        Some(format!("rule {} target {}: {reason}", i.rule, i.target_id))
                    }
                    _ => None,
                })
                .collect();
            let hint = if failed.is_empty() { self.hint.clone() } else { Some(failed.join("; ")) };
            rows.push(Row { status: NOT_STARTED.into(), hint, ..base });
        }
        rows
    }
}

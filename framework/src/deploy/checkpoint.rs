//! Where a run stands, shared between the deployment and whatever stops it (Ctrl-C, SIGTERM,
//! `--timeout`), so that a stopped run always leaves the stack in a state the next run
//! converges from and always says where things stand.
//!
//! The deployment records each stack's step: a change set being created or waiting (computed,
//! awaiting approval), an operation CloudFormation runs on the stack (and its last status seen),
//! or nothing in flight. Steps are kept per stack, because `--concurrency` runs several stacks at
//! once. [`Checkpoint::stop`] ends the run from another thread or task, for every stack in
//! flight:
//! - before `ExecuteChangeSet`, it deletes the change set (and the stack a CREATE change set
//!   made, still `REVIEW_IN_PROGRESS` and empty): nothing was changed;
//! - after it, CloudFormation goes on with the operation on its own; the message says so, with
//!   the last known status and how to follow it.
//!
//! The two cannot race: the deployment asks [`Checkpoint::executing`] before it executes, under
//! the same lock that `stop` takes, and a stopped checkpoint refuses.
//!
//! ```
//! use framework::deploy::{Checkpoint, Stop};
//! let checkpoint = Checkpoint::new();
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let message = runtime.block_on(checkpoint.stop(Stop::Interrupted("SIGINT")));
//! assert_eq!(message, "interrupted (SIGINT): nothing was in progress on CloudFormation; nothing was changed");
//! assert!(checkpoint.is_stopped());
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use aws_sdk_cloudformation::error::ProvideErrorMetadata;

use crate::deploy::client::CfnClient;
use crate::deploy::error::DeployError;
use crate::deploy::status::{Operation, StackStatus};

/// Why a run stops before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A signal (`SIGINT`, `SIGTERM`).
    Interrupted(&'static str),
    /// `--timeout` ran out.
    TimedOut(Duration),
}

impl Stop {
    /// The exit status a command ends with: 130 when interrupted (as a shell reports Ctrl-C),
    /// 1 on a timeout.
    pub fn exit_code(&self) -> u8 {
        match self {
            Stop::Interrupted(_) => 130,
            Stop::TimedOut(_) => 1,
        }
    }

    fn describe(&self) -> String {
        match self {
            Stop::Interrupted(signal) => format!("interrupted ({signal})"),
            Stop::TimedOut(t) => format!("timed out after {}s (--timeout)", t.as_secs()),
        }
    }
}

/// One stack's step in flight, as recorded.
#[derive(Debug, Clone)]
enum Phase {
    /// A change set is being created, computed or waits for approval: not executed.
    ChangeSet {
        cfn: CfnClient,
        stack_name: String,
        name: String,
        /// The stack this run created to hold a CREATE change set.
        created_stack: bool,
        /// Known once CreateChangeSet answered.
        stack_id: Option<String>,
    },
    /// CloudFormation runs an operation on a stack.
    Operation { stack_name: String, operation: Operation, last_status: StackStatus },
    /// Resources of a stack are being updated in place through their services' APIs.
    Hotswap { stack_name: String },
}

#[derive(Debug, Default)]
struct State {
    /// The stacks in flight, by region and stack name (a stack with nothing in flight has no
    /// entry; two regions may have stacks of the same name).
    phases: BTreeMap<(String, String), Phase>,
    /// The stacks this run changed and finished, for the message.
    done: Vec<String>,
    stopped: Option<Stop>,
}

/// Where a run stands (cheap to clone: clones share the state).
#[derive(Clone, Default)]
pub struct Checkpoint {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoint").field("state", &*self.lock()).finish()
    }
}

/// Two handles are equal when they share their state.
impl PartialEq for Checkpoint {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.state, &other.state)
    }
}

impl Eq for Checkpoint {}

/// How long winding down (deleting a change set) may take before the run ends anyway.
const WIND_DOWN_LIMIT: Duration = Duration::from_secs(30);

impl Checkpoint {
    /// A fresh checkpoint: nothing in flight.
    pub fn new() -> Checkpoint {
        Checkpoint::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the phase half-written: every update is one assignment.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.lock().stopped.is_some()
    }

    /// A change set named `name` is about to be created for `stack_name`.
    pub(crate) fn creating_change_set(
        &self,
        cfn: &CfnClient,
        stack_name: &str,
        name: &str,
        created_stack: bool,
    ) -> Result<(), DeployError> {
        let mut state = self.lock();
        if let Some(stop) = state.stopped {
            return Err(DeployError::Stopped { why: stop.describe() });
        }
        state.phases.insert(
            key(&cfn.region, stack_name),
            Phase::ChangeSet {
                cfn: cfn.clone(),
                stack_name: stack_name.to_string(),
                name: name.to_string(),
                created_stack,
                stack_id: None,
            },
        );
        Ok(())
    }

    /// CreateChangeSet answered with the stack's id.
    pub(crate) fn change_set_created(&self, region: &str, stack_name: &str, stack_id: &str) {
        if let Some(Phase::ChangeSet { stack_id: id, .. }) = self.lock().phases.get_mut(&key(region, stack_name)) {
            *id = Some(stack_id.to_string());
        }
    }

    /// The run is about to start `operation` on `stack_name` (ExecuteChangeSet, DeleteStack):
    /// refused once stopped, so that nothing starts after a Ctrl-C.
    pub(crate) fn executing(
        &self,
        region: &str,
        stack_name: &str,
        operation: Operation,
        status: &StackStatus,
    ) -> Result<(), DeployError> {
        let mut state = self.lock();
        if let Some(stop) = state.stopped {
            return Err(DeployError::Stopped { why: stop.describe() });
        }
        state.phases.insert(
            key(region, stack_name),
            Phase::Operation { stack_name: stack_name.to_string(), operation, last_status: status.clone() },
        );
        Ok(())
    }

    /// The followed stack's status changed.
    pub(crate) fn observed(&self, region: &str, stack_name: &str, status: &StackStatus) {
        if let Some(Phase::Operation { last_status, .. }) = self.lock().phases.get_mut(&key(region, stack_name)) {
            *last_status = status.clone();
        }
    }

    /// Nothing is in flight any more for `stack_name` (the change set was executed and
    /// followed, or deleted).
    pub(crate) fn idle(&self, region: &str, stack_name: &str) {
        let mut state = self.lock();
        if state.stopped.is_none() {
            state.phases.remove(&key(region, stack_name));
        }
    }

    /// Resources of `stack_name` are about to be updated in place (hotswap): refused once
    /// stopped.
    pub(crate) fn hotswapping(&self, region: &str, stack_name: &str) -> Result<(), DeployError> {
        let mut state = self.lock();
        if let Some(stop) = state.stopped {
            return Err(DeployError::Stopped { why: stop.describe() });
        }
        state.phases.insert(key(region, stack_name), Phase::Hotswap { stack_name: stack_name.to_string() });
        Ok(())
    }

    /// This run changed `stack_name` (created, updated, hotswapped) and is done with it.
    pub(crate) fn completed(&self, stack_name: &str) {
        self.lock().done.push(stack_name.to_string());
    }

    /// Stops the run: later steps are refused, every change set not executed yet is deleted
    /// (with the empty stack a CREATE change set made), and the message says where each stack
    /// in flight stands.
    pub async fn stop(&self, why: Stop) -> String {
        let (phases, done) = {
            let mut state = self.lock();
            state.stopped = Some(why);
            (std::mem::take(&mut state.phases), state.done.clone())
        };
        let head = why.describe();
        // Change sets are deleted side by side: the wind-down limit is for the run, not per stack.
        let mut sentences = Vec::new();
        for phase in phases.into_values() {
            sentences.push(wind_down(phase));
        }
        let mut sentences: Vec<String> = join_all(sentences).await;
        let mut message = match sentences.len() {
            0 if done.is_empty() => format!("{head}: nothing was in progress on CloudFormation; nothing was changed"),
            0 => format!("{head}: nothing was in progress on CloudFormation"),
            1 => format!("{head} {}", sentences.remove(0)),
            n => {
                let mut message = format!("{head} with {n} stacks in flight:");
                for s in sentences {
                    message.push_str("\n  - ");
                    message.push_str(&s);
                }
                message
            }
        };
        if !done.is_empty() {
            message.push_str(&format!("\n(this run had already deployed: {})", done.join(", ")));
        }
        message
    }
}

fn key(region: &str, stack_name: &str) -> (String, String) {
    (region.to_string(), stack_name.to_string())
}

/// Runs `futures` side by side (there are as many as stacks in flight, a handful), in order.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, out) in futures.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// Ends one stack's step and says where the stack stands (the message goes after the stop's
/// reason: "interrupted (SIGINT) <this>").
async fn wind_down(phase: Phase) -> String {
    match phase {
        Phase::Hotswap { stack_name } => format!(
            "during the hotswap of stack {stack_name}: some of its resources may have been updated in place already; \
             deploy again (with or without --hotswap) to bring them all to the app's template"
        ),
        Phase::Operation { stack_name, operation, last_status } => {
            let doing = match operation {
                Operation::Deploy => "deployment",
                Operation::Delete => "deletion",
            };
            format!(
                "during the {doing} of stack {stack_name} (last known status: {}): CloudFormation goes on \
                 with the operation on its own; follow it with `aws cloudformation describe-stack-events \
                 --stack-name {stack_name}`, or run the command again once it has finished",
                if last_status == StackStatus::None { "unknown".to_string() } else { last_status.to_string() }
            )
        }
        Phase::ChangeSet { cfn, stack_name, name, created_stack, stack_id } => {
            let cleanup = discard_change_set(&cfn, &stack_name, &name, created_stack, stack_id.as_deref());
            match tokio::time::timeout(WIND_DOWN_LIMIT, cleanup).await {
                Ok(Ok(stack_deleted)) => format!(
                    "before the change set {name} of stack {stack_name} was executed: it has been deleted{}; \
                     nothing was changed",
                    if stack_deleted { ", with the empty stack (REVIEW_IN_PROGRESS) created to hold it" } else { "" }
                ),
                Ok(Err(e)) => format!(
                    "before the change set {name} of stack {stack_name} was executed; nothing was changed, \
                     but deleting the change set failed ({e}): delete it with `aws cloudformation delete-change-set \
                     --stack-name {stack_name} --change-set-name {name}`, or just deploy again"
                ),
                Err(_) => format!(
                    "before the change set {name} of stack {stack_name} was executed; nothing was changed, \
                     but CloudFormation did not answer within {}s while it was being deleted: deploy again (a new \
                     run replaces it) or delete it with `aws cloudformation delete-change-set --stack-name \
                     {stack_name} --change-set-name {name}`",
                    WIND_DOWN_LIMIT.as_secs()
                ),
            }
        }
    }
}

/// Deletes change set `name` of `stack_name` (waiting while CloudFormation still computes it:
/// a change set being created cannot be deleted; retrying transient failures, for
/// [`WIND_DOWN_LIMIT`] at most), then the stack when this run created it and
/// it is still `REVIEW_IN_PROGRESS`. `Ok(true)` when the stack was deleted too.
pub(crate) async fn discard_change_set(
    cfn: &CfnClient,
    stack_name: &str,
    name: &str,
    created_stack: bool,
    stack_id: Option<&str>,
) -> Result<bool, DeployError> {
    let stack = stack_id.unwrap_or(stack_name);
    let mut wait = Duration::from_millis(100);
    let started = std::time::Instant::now();
    loop {
        match cfn.client.delete_change_set().stack_name(stack).change_set_name(name).send().await {
            Ok(_) => break,
            Err(e) => {
                let service = e.as_service_error();
                let code = service.and_then(|s| s.code()).unwrap_or_default();
                let message = service.and_then(|s| s.message()).unwrap_or_default();
                if code == "ChangeSetNotFound" || message.contains("does not exist") {
                    break; // never created, or already gone
                }
                let retryable = code == "InvalidChangeSetStatus"
                    || crate::deploy::retry::classify(&e) != crate::deploy::retry::ErrorClass::Permanent;
                if retryable && started.elapsed() < WIND_DOWN_LIMIT {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                    continue;
                }
                return Err(crate::deploy::error::api_error("DeleteChangeSet", stack_name, &e));
            }
        }
    }
    if !created_stack {
        return Ok(false);
    }
    match crate::deploy::stack::describe(cfn, stack).await? {
        Some(s) if s.status == StackStatus::ReviewInProgress => {
            crate::deploy::stack::start_delete(cfn, &s).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    #[test]
    fn after_execute_the_operation_goes_on_server_side() {
        let c = Checkpoint::new();
        c.executing("r", "S", Operation::Deploy, &StackStatus::UpdateComplete).unwrap();
        c.observed("r", "S", &StackStatus::UpdateInProgress);
        let message = run(c.stop(Stop::Interrupted("SIGINT")));
        assert!(
            message.starts_with(
                "interrupted (SIGINT) during the deployment of stack S (last known status: UPDATE_IN_PROGRESS)"
            ),
            "{message}"
        );
        assert!(message.contains("CloudFormation goes on with the operation on its own"), "{message}");
        assert!(message.contains("describe-stack-events --stack-name S"), "{message}");
    }

    #[test]
    fn a_stopped_run_starts_nothing_new() {
        let c = Checkpoint::new();
        let message = run(c.stop(Stop::TimedOut(Duration::from_secs(20))));
        assert!(message.starts_with("timed out after 20s (--timeout): nothing was in progress"), "{message}");
        let err = c.executing("r", "S", Operation::Delete, &StackStatus::CreateComplete).unwrap_err().to_string();
        assert!(err.contains("timed out after 20s"), "{err}");
        c.idle("r", "S");
        assert!(c.is_stopped(), "idle does not undo a stop");
        assert_eq!(Stop::Interrupted("SIGTERM").exit_code(), 130);
        assert_eq!(Stop::TimedOut(Duration::ZERO).exit_code(), 1);
    }

    #[test]
    fn clones_share_the_state() {
        let a = Checkpoint::new();
        let b = a.clone();
        b.executing("r", "S", Operation::Delete, &StackStatus::CreateComplete).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, Checkpoint::new());
        let message = run(a.stop(Stop::Interrupted("SIGTERM")));
        assert!(message.contains("during the deletion of stack S (last known status: CREATE_COMPLETE)"), "{message}");
    }

    #[test]
    fn every_stack_in_flight_is_reported() {
        let c = Checkpoint::new();
        c.executing("r", "A", Operation::Deploy, &StackStatus::CreateInProgress).unwrap();
        c.executing("r", "B", Operation::Delete, &StackStatus::DeleteInProgress).unwrap();
        c.executing("r", "C", Operation::Deploy, &StackStatus::UpdateInProgress).unwrap();
        c.executing("other-region", "A", Operation::Deploy, &StackStatus::CreateInProgress).unwrap();
        c.idle("other-region", "A");
        c.observed("r", "A", &StackStatus::CreateComplete);
        c.idle("r", "C");
        c.completed("Z");
        let message = run(c.stop(Stop::Interrupted("SIGINT")));
        assert!(
            message.starts_with(
                "interrupted (SIGINT) with 2 stacks in flight:\n  - during the deployment of stack A (last known \
                 status: CREATE_COMPLETE)"
            ),
            "{message}"
        );
        assert!(
            message.contains("\n  - during the deletion of stack B (last known status: DELETE_IN_PROGRESS)"),
            "{message}"
        );
        assert!(!message.contains("stack C"), "{message}");
        assert!(message.ends_with("\n(this run had already deployed: Z)"), "{message}");
        let c = Checkpoint::new();
        c.hotswapping("r", "H").unwrap();
        let message = run(c.stop(Stop::Interrupted("SIGINT")));
        assert!(
            message.starts_with("interrupted (SIGINT) during the hotswap of stack H: some of its resources"),
            "{message}"
        );
    }
}

//! Stack events: reading the new ones of an operation, showing them live (one line per event or
//! a progress bar), and following an operation to its terminal status.
//!
//! Polling adapts to the endpoint. Against a local emulator it starts at 100 ms, is 100 ms after
//! activity and backs off to 1 s while nothing happens, so a deployment ends within about a
//! second of the backend finishing it (the awscli's waiter polls every 30 s). Against AWS it
//! polls every 1 s after activity, backing off to 5 s, and slows down further after throttling,
//! so that large deployments stay far below the account's DescribeStacks/DescribeStackEvents
//! quotas.
//!
//! While an operation is followed, throttling and transient failures (network drops, timeouts,
//! 5xx answers) are retried for [`FOLLOW_PATIENCE`]: the operation runs on the server whatever
//! happens to the client. When contact is lost for longer, the error says the stack's last known
//! status and that CloudFormation goes on with the operation on its own.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::deploy::checkpoint::Checkpoint;
use crate::deploy::client::CfnClient;
use crate::deploy::error::{api_error, DeployError};
use crate::deploy::retry::{with_retry, with_retry_counted, Retries, RetryPolicy};
use crate::deploy::stack::{describe_with, DeployedStack};
pub use crate::deploy::stack_event::StackEvent;
use crate::deploy::status::{outcome, resource_failed, resource_settled, Operation, Outcome, StackStatus};
use crate::deploy::ui::Ui;
use crate::StackArtifact;

/// The events of one operation, read incrementally: everything newer than the newest event
/// seen before the operation started.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    marker: Option<String>,
    /// The operation's events so far, oldest first.
    pub events: Vec<StackEvent>,
    /// Their ids, so that telling a new event from one seen is not a scan of them all (a stack
    /// of 450 resources has over 1,000 events, read every 100 ms).
    seen: HashSet<String>,
}

/// At most this many pages are read per poll (100 events each).
const MAX_PAGES_PER_POLL: usize = 20;

impl EventLog {
    /// A log that shows every event of the stack (for a stack that did not exist before).
    #[cfg(test)]
    pub fn from_beginning() -> EventLog {
        EventLog::default()
    }

    /// A log that starts after the stack's newest event now.
    pub async fn after_latest(cfn: &CfnClient, stack_id: &str) -> Result<EventLog, DeployError> {
        let policy = RetryPolicy::default();
        let out = with_retry(&policy, || cfn.client.describe_stack_events().stack_name(stack_id).send())
            .await
            .map_err(|e| api_error("DescribeStackEvents", stack_id, &e))?;
        let marker = out.stack_events().first().and_then(|e| e.event_id()).map(str::to_string);
        Ok(EventLog { marker, ..EventLog::default() })
    }

    /// Takes a page of events, newest first, and returns those newer than the marker, oldest
    /// first, moving the marker; `done` tells whether the marker was reached (older pages
    /// need not be read).
    pub fn accept(&mut self, newest_first: &[StackEvent]) -> (Vec<StackEvent>, bool) {
        let mut fresh = Vec::new();
        let mut reached = false;
        for e in newest_first {
            if self.marker.as_deref() == Some(e.id.as_str()) || self.seen.contains(&e.id) {
                reached = true;
                break;
            }
            fresh.push(e.clone());
        }
        fresh.reverse();
        (fresh, reached)
    }

    /// Reads the events that happened since the last poll, oldest first.
    pub async fn poll(&mut self, cfn: &CfnClient, stack_id: &str) -> Result<Vec<StackEvent>, DeployError> {
        self.poll_with(cfn, stack_id, &RetryPolicy::default(), &mut Retries::default()).await
    }

    /// [`poll`](Self::poll) with a retry policy, counting retries.
    pub async fn poll_with(
        &mut self,
        cfn: &CfnClient,
        stack_id: &str,
        policy: &RetryPolicy,
        retries: &mut Retries,
    ) -> Result<Vec<StackEvent>, DeployError> {
        let mut pages: Vec<Vec<StackEvent>> = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES_PER_POLL {
            let out = with_retry_counted(policy, retries, || {
                cfn.client.describe_stack_events().stack_name(stack_id).set_next_token(token.clone()).send()
            })
            .await
            .map_err(|e| api_error("DescribeStackEvents", stack_id, &e))?;
            let page: Vec<StackEvent> = out.stack_events().iter().map(StackEvent::from_sdk).collect();
            let (fresh, reached) = self.accept(&page);
            let full_page = fresh.len() == page.len();
            pages.push(fresh);
            token = out.next_token().map(str::to_string);
            if reached || !full_page || token.is_none() {
                break;
            }
        }
        // Pages were read newest first; each page's fresh events are already oldest first.
        let fresh: Vec<StackEvent> = pages.into_iter().rev().flatten().collect();
        if let Some(newest) = fresh.last() {
            self.marker = Some(newest.id.clone());
        }
        self.seen.extend(fresh.iter().map(|e| e.id.clone()));
        self.events.extend(fresh.iter().cloned());
        Ok(fresh)
    }
}

/// How long transient failures are retried while an operation is followed.
pub const FOLLOW_PATIENCE: Duration = Duration::from_secs(300);

/// The polling interval. Local: 100 ms at first (a fast backend is done almost at once) and
/// after activity, doubling to at most 1 s while idle. AWS: 1 s at first and after
/// activity, doubling to at most 5 s while idle; after throttling, the interval doubles (up to
/// 4 times the idle cap) and only comes down again with activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    current: Duration,
    first: Duration,
    min: Duration,
    max: Duration,
    throttled: bool,
}

impl PollSchedule {
    /// The first interval against a local endpoint.
    pub const FIRST: Duration = Duration::from_millis(100);
    /// The interval after activity against a local endpoint.
    pub const MIN: Duration = Duration::from_millis(100);
    /// The longest idle interval against a local endpoint.
    pub const MAX: Duration = Duration::from_secs(1);
    /// The interval after activity against AWS.
    pub const REMOTE_MIN: Duration = Duration::from_secs(1);
    /// The longest idle interval against AWS.
    pub const REMOTE_MAX: Duration = Duration::from_secs(5);

    /// A fresh schedule for a local endpoint.
    pub fn new() -> PollSchedule {
        PollSchedule { current: Self::FIRST, first: Self::FIRST, min: Self::MIN, max: Self::MAX, throttled: false }
    }

    /// A fresh schedule for AWS's endpoints.
    pub fn remote() -> PollSchedule {
        PollSchedule {
            current: Self::REMOTE_MIN,
            first: Self::REMOTE_MIN,
            min: Self::REMOTE_MIN,
            max: Self::REMOTE_MAX,
            throttled: false,
        }
    }

    /// The schedule for where `cfn` points.
    pub fn for_client(cfn: &CfnClient) -> PollSchedule {
        if cfn.is_local() {
            PollSchedule::new()
        } else {
            PollSchedule::remote()
        }
    }

    /// The first interval.
    pub fn first(&self) -> Duration {
        self.first
    }

    /// The next wait: the short interval after activity, else twice the last one (capped);
    /// `retries` are what the last round of calls went through (throttling slows it down).
    pub fn next_after(&mut self, activity: bool, retries: Retries) -> Duration {
        if retries.throttled > 0 {
            self.throttled = true;
            self.current = (self.current * 2).min(self.max * 4);
            return self.current;
        }
        if activity {
            self.throttled = false;
        }
        let wait = if activity { self.min } else { self.current };
        let cap = if self.throttled { self.max * 4 } else { self.max };
        self.current = (wait * 2).min(cap);
        wait
    }

    /// The next wait with no retries seen.
    pub fn next(&mut self, activity: bool) -> Duration {
        self.next_after(activity, Retries::default())
    }
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule::new()
    }
}

/// One event as a line: `time  status  type  logical-id (construct path)  reason`.
pub fn format_event(e: &StackEvent, artifact: Option<&StackArtifact>) -> String {
    let time = e.time.as_deref().and_then(|t| t.get(11..19)).unwrap_or("--:--:--");
    let mut line = format!("{time}  {:<28} {:<34} {}", e.status, e.resource_type, e.logical_id);
    if let Some(path) = artifact.and_then(|a| a.path_of_logical_id(&e.logical_id)) {
        line.push_str(&format!(" ({})", path.trim_start_matches('/')));
    }
    if let Some(reason) = &e.reason {
        line.push_str(&format!("  {reason}"));
    }
    line
}

/// Shows events as they come: lines, or a bar counting settled resources.
pub struct Monitor<'a> {
    ui: Ui,
    artifact: Option<&'a StackArtifact>,
    bar: Option<ProgressBar>,
    settled: BTreeSet<String>,
    stack_name: String,
}

impl<'a> Monitor<'a> {
    /// A monitor for `stack_name`; `resources` is the number of resources expected to settle.
    pub fn new(ui: &Ui, stack_name: &str, artifact: Option<&'a StackArtifact>, resources: usize) -> Monitor<'a> {
        let bar = ui.bar_enabled().then(|| {
            let bar = ui.add_bar(ProgressBar::new(resources as u64));
            let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {elapsed} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(stack_name.to_string());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        Monitor { ui: ui.clone(), artifact, bar, settled: BTreeSet::new(), stack_name: stack_name.to_string() }
    }

    /// Shows one event.
    pub fn show(&mut self, ui: &mut Ui, e: &StackEvent) {
        let line = format_event(e, self.artifact);
        match &self.bar {
            None => ui.say(format!("{}  {line}", self.stack_name)),
            Some(bar) => {
                if !e.is_stack_event(&self.stack_name)
                    && resource_settled(&e.status)
                    && self.settled.insert(e.logical_id.clone())
                {
                    bar.inc(1);
                }
                if resource_failed(&e.status) {
                    // Above every stack's bar: named, as event lines are.
                    bar.println(format!("{}  {line}", self.stack_name));
                }
                bar.set_message(format!("{} {}", e.status, e.logical_id));
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            self.ui.remove_bar(&bar);
        }
    }
}

impl Drop for Monitor<'_> {
    fn drop(&mut self) {
        self.finish();
    }
}

/// How an operation ended.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The final stack status (`DELETE_COMPLETE` when the stack is gone).
    pub status: StackStatus,
    /// The stack's status reason.
    pub status_reason: Option<String>,
    /// The stack as described at the end (`None` once deleted).
    pub stack: Option<DeployedStack>,
    /// Succeeded or failed.
    pub outcome: Outcome,
}

/// Follows an operation started on `before` (the stack as it was just before) until the stack
/// reaches a terminal status, showing its events and recording the last status seen in
/// `checkpoint`.
///
/// The operation counts as started once the stack is seen in progress, a new event arrives, or
/// its status or last-change time differs from `before`; until then an old terminal status
/// (an `UPDATE_COMPLETE` from the previous deployment) is not mistaken for the end. A status
/// CloudFormation does not document is an error, not an endless wait. Calls that fail for
/// [`FOLLOW_PATIENCE`] end in [`DeployError::LostContact`].
pub async fn follow(
    cfn: &CfnClient,
    before: &DeployedStack,
    operation: Operation,
    log: &mut EventLog,
    monitor: &mut Monitor<'_>,
    ui: &mut Ui,
    checkpoint: &Checkpoint,
) -> Result<Finished, DeployError> {
    follow_with(cfn, before, operation, log, monitor, ui, checkpoint, FOLLOW_PATIENCE).await
}

#[allow(clippy::too_many_arguments)]
async fn follow_with(
    cfn: &CfnClient,
    before: &DeployedStack,
    operation: Operation,
    log: &mut EventLog,
    monitor: &mut Monitor<'_>,
    ui: &mut Ui,
    checkpoint: &Checkpoint,
    patience: Duration,
) -> Result<Finished, DeployError> {
    let mut schedule = PollSchedule::for_client(cfn);
    let policy = RetryPolicy::patient(patience);
    let mut started = false;
    let mut last = before.status.clone();
    loop {
        let mut retries = Retries::default();
        let lost = |last: &StackStatus, e: DeployError| DeployError::LostContact {
            stack: before.stack_name.clone(),
            operation,
            last_status: last.clone(),
            cause: e.to_string(),
        };
        let fresh = log.poll_with(cfn, &before.stack_id, &policy, &mut retries).await.map_err(|e| lost(&last, e))?;
        for e in &fresh {
            monitor.show(ui, e);
        }
        let now = describe_with(cfn, &before.stack_id, &policy, &mut retries).await.map_err(|e| lost(&last, e))?;
        let status = now.as_ref().map(|s| s.status.clone()).unwrap_or(StackStatus::DeleteComplete);
        if status != last {
            checkpoint.observed(&cfn.region, &before.stack_name, &status);
            last = status.clone();
        }
        started = started
            || !fresh.is_empty()
            || status.is_in_progress() && status != StackStatus::ReviewInProgress
            || now.as_ref().is_none_or(|s| s.status != before.status || s.last_changed != before.last_changed);
        if started {
            if !status.is_known() {
                return Err(DeployError::UnknownStatus {
                    stack: before.stack_name.clone(),
                    status: status.to_string(),
                });
            }
            if let Some(outcome) = outcome(operation, &status) {
                // Events written just before the status changed.
                for e in &log.poll(cfn, &before.stack_id).await.unwrap_or_default() {
                    monitor.show(ui, e);
                }
                monitor.finish();
                let status_reason = now.as_ref().and_then(|s| s.status_reason.clone());
                return Ok(Finished { status, status_reason, stack: now, outcome });
            }
        }
        tokio::time::sleep(schedule.next_after(!fresh.is_empty(), retries)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, logical: &str, status: &str) -> StackEvent {
        StackEvent {
            id: id.into(),
            logical_id: logical.into(),
            resource_type: "AWS::IAM::Role".into(),
            status: status.into(),
            ..StackEvent::default()
        }
    }

    #[test]
    fn accept_takes_events_newer_than_the_marker_oldest_first() {
        let mut log = EventLog { marker: Some("e1".into()), ..EventLog::default() };
        let page = [
            ev("e4", "Role", "CREATE_COMPLETE"),
            ev("e3", "Role", "CREATE_IN_PROGRESS"),
            ev("e2", "S", "CREATE_IN_PROGRESS"),
            ev("e1", "S", "REVIEW_IN_PROGRESS"),
            ev("e0", "S", "x"),
        ];
        let (fresh, reached) = log.accept(&page);
        assert!(reached);
        let ids: Vec<&str> = fresh.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e2", "e3", "e4"]);
    }

    #[test]
    fn accept_without_marker_takes_everything() {
        let mut log = EventLog::from_beginning();
        let (fresh, reached) = log.accept(&[ev("b", "R", "CREATE_COMPLETE"), ev("a", "R", "CREATE_IN_PROGRESS")]);
        assert!(!reached);
        assert_eq!(fresh.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    }

    use crate::deploy::fake_api::{self, ok, FakeApi, Reply};
    use crate::deploy::ui::{ProgressMode, ScriptedPrompt};

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    fn before() -> DeployedStack {
        DeployedStack {
            stack_id: "arn:stack".into(),
            stack_name: "S".into(),
            status: StackStatus::UpdateComplete,
            ..DeployedStack::default()
        }
    }

    fn follow_fake(fake: &FakeApi, patience: Duration) -> Result<Finished, DeployError> {
        let cfn = fake.cloudformation();
        let mut ui = Ui::new(Box::new(std::io::sink()), ProgressMode::Events, Box::new(ScriptedPrompt::default()));
        let checkpoint = Checkpoint::new();
        checkpoint.executing("us-east-1", "S", Operation::Deploy, &StackStatus::UpdateComplete).unwrap();
        run(async {
            let mut monitor = Monitor::new(&ui, "S", None, 0);
            let mut log = EventLog::from_beginning();
            follow_with(&cfn, &before(), Operation::Deploy, &mut log, &mut monitor, &mut ui, &checkpoint, patience)
                .await
        })
    }

    fn stack_with(status: &str) -> Reply {
        ok(
            "DescribeStacks",
            &format!(
                "<Stacks><member><StackId>arn:stack</StackId><StackName>S</StackName><StackStatus>{status}</StackStatus>\
                 <CreationTime>2026-12-01T00:00:00Z</CreationTime></member></Stacks>"
            ),
        )
    }

    #[test]
    fn an_unknown_status_ends_the_wait_with_an_error() {
        let fake =
            fake_api::start(vec![ok("DescribeStackEvents", "<StackEvents/>"), stack_with("UPDATE_SOMETHING_NEW")]);
        let err = follow_fake(&fake, Duration::from_secs(5)).unwrap_err().to_string();
        assert!(err.starts_with("stack S is in UPDATE_SOMETHING_NEW, a status this toolkit does not know"), "{err}");
    }

    #[test]
    fn a_followed_operation_survives_drops_and_ends() {
        let fake = fake_api::start(vec![
            Reply::Drop,
            ok("DescribeStackEvents", "<StackEvents/>"),
            Reply::Drop,
            Reply::Drop,
            stack_with("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"),
            ok("DescribeStackEvents", "<StackEvents/>"),
            stack_with("UPDATE_COMPLETE"),
            ok("DescribeStackEvents", "<StackEvents/>"),
        ]);
        let finished = follow_fake(&fake, Duration::from_secs(30)).expect("rides out the drops");
        assert_eq!((finished.outcome, finished.status), (Outcome::Succeeded, StackStatus::UpdateComplete));
    }

    #[test]
    fn losing_contact_for_longer_than_the_patience_says_where_things_stand() {
        let fake = fake_api::start(vec![
            ok("DescribeStackEvents", "<StackEvents/>"),
            stack_with("UPDATE_IN_PROGRESS"),
            Reply::Drop,
            Reply::Drop,
            Reply::Drop,
            Reply::Drop,
            Reply::Drop,
            Reply::Drop,
            Reply::Drop,
            Reply::Drop,
        ]);
        let err = follow_fake(&fake, Duration::from_millis(400)).unwrap_err().to_string();
        assert!(
            err.starts_with("lost contact with CloudFormation while following the deployment of stack S ("),
            "{err}"
        );
        assert!(
            err.contains("last known status: UPDATE_IN_PROGRESS; CloudFormation goes on with the operation on its own"),
            "{err}"
        );
    }

    #[test]
    fn polling_backs_off_to_one_second_and_resets_on_activity() {
        let mut s = PollSchedule::new();
        let waits: Vec<u128> =
            [false, false, false, false, false, true, false, false].iter().map(|a| s.next(*a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 100, 200, 400]);
    }

    #[test]
    fn polling_aws_stays_between_one_and_five_seconds_and_slows_down_when_throttled() {
        let mut s = PollSchedule::remote();
        let waits: Vec<u128> =
            [false, false, false, false, true, false].iter().map(|a| s.next(*a).as_millis()).collect();
        assert_eq!(waits, [1000, 2000, 4000, 5000, 1000, 2000]);
        let throttled = Retries { throttled: 1, transient: 0 };
        assert_eq!(s.next_after(false, throttled).as_millis(), 8000, "throttling doubles past the idle cap");
        assert_eq!(s.next_after(false, throttled).as_millis(), 16000);
        assert_eq!(s.next_after(false, throttled).as_millis(), 20000, "at most 4x the idle cap");
        assert_eq!(s.next(false).as_millis(), 20000, "stays slow while idle");
        assert_eq!(s.next(true).as_millis(), 1000, "activity brings it back");
        let mut local = PollSchedule::new();
        assert_eq!(local.next_after(false, throttled).as_millis(), 200, "local endpoints slow down too");
    }

    #[test]
    fn event_lines_name_the_construct_path() {
        let mut app = crate::App::new();
        crate::CfnResource::new("AWS::IAM::Role").add(app.add_stack("S"), "Role");
        let assembly = app.synth().unwrap();
        let artifact = assembly.stack("S").unwrap();
        let logical = artifact.logical_ids.values().find(|id| id.starts_with("Role")).unwrap().clone();
        let e = StackEvent {
            time: Some("2026-11-25T21:40:01Z".into()),
            reason: Some("Access denied".into()),
            ..ev("1", &logical, "CREATE_FAILED")
        };
        let line = format_event(&e, Some(artifact));
        assert!(line.starts_with("21:40:01  CREATE_FAILED"), "{line}");
        assert!(line.contains(&format!("{logical} (S/Role)")), "{line}");
        assert!(line.ends_with("Access denied"), "{line}");
        assert!(ev("x", "MyStack", "UPDATE_COMPLETE").resource_type != "AWS::CloudFormation::Stack");
        let stack_event =
            StackEvent { resource_type: "AWS::CloudFormation::Stack".into(), ..ev("y", "MyStack", "UPDATE_COMPLETE") };
        assert!(stack_event.is_stack_event("MyStack") && !stack_event.is_stack_event("Other"));
    }
}

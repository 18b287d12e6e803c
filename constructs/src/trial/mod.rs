//! Trying the deployed system (feature `trial`): send events, then see what they did.
//!
//! The trial is about two services at once (EventBridge sends, Step Functions runs), so it sits
//! at the root of the construct library rather than under `events` or `stepfunctions`. It reads
//! its event files with [`crate::events::envelope`] (the same parser and envelope as local
//! pattern matching) and connects with framework's service-neutral deploy plumbing
//! ([`AwsConfig`], `framework::deploy::retry`); the `send-events` command that runs it is in
//! [`crate::cli`].
//!
//! [`send_events`] reads nothing from the app but the stacks to watch. It lists the state
//! machines (and rules) of the deployed stacks, sends the entries of the event files with
//! EventBridge PutEvents, finds the executions each event started (the event id is in the
//! execution input: the rule's Step Functions target passes the whole event), follows each to
//! its end and reads its history: the states it went through and how it ended.
//!
//! Every execution of the watched state machines found before every event has one is
//! reported: an event that several rules route to several state machines shows all of its
//! executions that had started by then.
//!
//! The result is a [`TrialReport`]: a FAILED execution is an outcome like any other (the report
//! is "ok"); an entry EventBridge refused, an event that started nothing within the timeout
//! (with a hint: the event, and which rule of the stacks does or does not match it) or an
//! execution still running at the timeout makes the report not ok (`send-events` exits 1).
//!
//! ```no_run
//! use std::time::Duration;
//! use constructs::events::envelope::read_event_file;
//! use constructs::trial::{send_events, TrialOptions};
//! use framework::deploy::{load, Connection};
//!
//! # async fn run() -> Result<(), constructs::trial::TrialError> {
//! let config = load(&Connection { local: true, ..Connection::default() }).await?;
//! let files = vec![read_event_file("app/events/path-a.json".as_ref())?];
//! let options = TrialOptions { stacks: vec!["EventSfnDemo".into()], timeout: Duration::from_secs(30) };
//! let report = send_events(&config, &files, &options, &mut |line| eprintln!("{line}")).await?;
//! for row in &report.rows {
//!     println!("{} entry {}: {} via {}", row.file, row.entry, row.status, row.path.join(" -> "));
//! }
//! assert!(report.ok());
//! # Ok(()) }
//! ```

mod error;
pub mod executions;
pub mod hint;
pub mod history;
pub use crate::report;
pub mod send;
pub mod watched;

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_eventbridge::primitives::{DateTime, DateTimeFormat};
use framework::deploy::AwsConfig;

pub use error::TrialError;
pub use executions::input_event_id;
pub use report::{Row, TrialReport, NOT_SENT, NOT_STARTED};

use crate::events::envelope::{EventEntry, EventFile};
use executions::{follow, Execution, Finder};
use send::Sent;
use watched::{arn_account, watched_stack, WatchedStack};

/// What to watch and how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialOptions {
    /// CloudFormation stack names (or ARNs) whose state machines are watched.
    pub stacks: Vec<String>,
    /// How long to wait, from sending, for the executions to start and end.
    pub timeout: Duration,
}

impl Default for TrialOptions {
    fn default() -> Self {
        TrialOptions { stacks: Vec::new(), timeout: Duration::from_secs(60) }
    }
}

/// The watched stacks; an error when none of them is deployed with a state machine (then
/// nothing is sent: no execution could be found).
async fn watch(
    config: &AwsConfig,
    stacks: &[String],
    progress: &mut dyn FnMut(String),
) -> Result<Vec<WatchedStack>, TrialError> {
    if stacks.is_empty() {
        return Err(TrialError::NothingToWatch("no stack to watch: the app has none; name one with --stack".into()));
    }
    let cfn = config.cloudformation();
    let mut watched = Vec::new();
    let mut missing = Vec::new();
    for s in stacks {
        match watched_stack(&cfn, s).await? {
            Some(w) if !w.state_machines.is_empty() => watched.push(w),
            Some(_) => progress(format!("stack {s} has no state machine; not watched")),
            None => missing.push(s.as_str()),
        }
    }
    if !missing.is_empty() {
        progress(format!("stack(s) {} not deployed; not watched", missing.join(", ")));
    }
    if watched.is_empty() {
        return Err(TrialError::NothingToWatch(format!(
            "no state machine to watch: none of the stacks {} is deployed with an AWS::StepFunctions::StateMachine in {}{} \
             (deploy first, or name the stacks with --stack)",
            stacks.join(", "),
            config.region,
            config.endpoint.as_deref().map(|e| format!(" at {e}")).unwrap_or_default()
        )));
    }
    Ok(watched)
}

/// Sends the entries of `files`, finds and follows the executions they start in the state
/// machines of `options.stacks`, and reports what happened; `progress` gets a line now and then.
pub async fn send_events(
    config: &AwsConfig,
    files: &[EventFile],
    options: &TrialOptions,
    progress: &mut dyn FnMut(String),
) -> Result<TrialReport, TrialError> {
    let eb = aws_sdk_eventbridge::Client::new(&config.sdk_config);
    let sfn = aws_sdk_sfn::Client::new(&config.sdk_config);
    let watched = watch(config, &options.stacks, progress).await?;
    let machines: Vec<String> =
        watched.iter().flat_map(|w| w.state_machines.iter().map(|(_, arn)| arn.clone())).collect();

    let entries: Vec<(&EventFile, usize, &EventEntry)> =
        files.iter().flat_map(|f| f.entries.iter().enumerate().map(move |(i, e)| (f, i + 1, e))).collect();
    let names: Vec<&str> = watched.iter().map(|w| w.stack.as_str()).collect();
    progress(format!(
        "Sending {} event(s) from {} file(s); watching {} state machine(s) of {}",
        entries.len(),
        files.len(),
        machines.len(),
        names.join(", ")
    ));
    let sent_at = SystemTime::now();
    let t0 = Instant::now();
    let refs: Vec<&EventEntry> = entries.iter().map(|(_, _, e)| *e).collect();
    let delivery = send::put_events(&eb, &refs).await?;
    let sent = delivery.sent;
    let deadline = t0 + options.timeout;

    let ids: BTreeSet<String> = sent
        .iter()
        .filter_map(|s| match s {
            Sent::Accepted { event_id } => Some(event_id.clone()),
            Sent::Refused { .. } => None,
        })
        .collect();
    let mut finder = Finder::new(&sfn, &machines, sent_at);
    if !ids.is_empty() {
        finder.find_all(&ids, deadline).await?;
    }
    let mut ended: Vec<(String, Vec<Execution>)> = Vec::new();
    for (id, executions) in std::mem::take(&mut finder.found) {
        let mut followed = Vec::new();
        for e in &executions {
            followed.push(follow(&sfn, e, deadline).await?);
        }
        followed.sort_by(|a, b| a.arn.cmp(&b.arn));
        ended.push((id, followed));
    }
    let all_ended = ids.len() == ended.len() && ended.iter().all(|(_, es)| es.iter().all(Execution::finished));
    let finished_after = all_ended.then(|| t0.elapsed());

    let account = machines.first().and_then(|arn| arn_account(arn));
    let now = DateTime::from(SystemTime::now()).fmt(DateTimeFormat::DateTime).unwrap_or_default();
    let mut rows = Vec::new();
    for ((file, entry, event), result) in entries.iter().zip(&sent) {
        let base = Row { file: file.name.clone(), entry: *entry, ..Row::default() };
        match result {
            Sent::Refused { code, message } => rows.push(Row {
                status: NOT_SENT.into(),
                error: Some(code.clone()),
                cause: Some(message.clone()),
                ..base
            }),
            Sent::Accepted { event_id } => match ended.iter().find(|(id, _)| id == event_id) {
                None => {
                    let delivered = event.envelope(event_id, account.unwrap_or(""), &config.region, &now).to_string();
                    let checks = hint::check_rules(&eb, &watched, &delivered, event).await;
                    rows.push(Row {
                        event_id: Some(event_id.clone()),
                        status: NOT_STARTED.into(),
                        hint: Some(hint::hint(event, account, &checks)),
                        ..base
                    });
                }
                Some((_, executions)) => {
                    for e in executions {
                        let events = history::execution_history(&sfn, &e.arn).await?;
                        let (h_error, h_cause) = history::end_error(&events);
                        rows.push(Row {
                            event_id: Some(event_id.clone()),
                            execution_arn: Some(e.arn.clone()),
                            state_machine_arn: Some(e.state_machine_arn.clone()),
                            path: history::state_path(&events),
                            status: e.status.clone(),
                            error: e.error.clone().or(h_error),
                            cause: e.cause.clone().or(h_cause),
                            duration_ms: e.stop_ms.map(|stop| stop - e.start_ms),
                            ..base.clone()
                        });
                    }
                }
            },
        }
    }
    let possible_duplicates = delivery.possible_duplicates;
    Ok(TrialReport { rows, timeout: options.timeout, finished_after, possible_duplicates, simulation_differs: false })
}

//! The run loop: a scope's states one after another, each with its input and output processing
//! (the specification's "Input and Output Processing"), and Retry and Catch around the states
//! that have them. Task, Parallel and Map have a file each (`task.rs`, `parallel.rs`,
//! `map.rs`); the states without work of their own are here.
//!
//! # Decisions
//!
//! - **The order of the fields** (developer guide, "Processing input and output"): `InputPath`
//!   selects the effective input, `Parameters` builds the task's input from it, the result goes
//!   through `ResultSelector`, `ResultPath` places it into the state's *raw* input (as in the
//!   guide's examples, where `ResultPath` keeps the fields `InputPath` left out), and `OutputPath`
//!   selects the output. `InputPath: null` gives `{}`, `ResultPath: null` keeps the raw input,
//!   `OutputPath: null` gives `{}`.
//! - **Errors**: a state's error (a path without a match, an intrinsic's failure, a task's error)
//!   goes through its retriers, then its catchers (a catcher's `ResultPath` places
//!   `{"Error", "Cause"}` into the raw input; `OutputPath` is not applied), else fails the
//!   enclosing branch or the execution. `States.ALL` does not match `States.Runtime` or
//!   `States.DataLimitExceeded` ([`StatesError::matches`]); `States.TaskFailed` matches every
//!   error of a Task state but `States.Timeout` (the guide's "Error names"). A failure of the
//!   simulation itself (a Task without a handler, the history quota) is terminal: no catcher
//!   sees it, so it can never pass silently.
//! - **Retries** (the guide's "Retrying after an error"): the first retrier whose `ErrorEquals`
//!   matches decides; it retries while its own count is below `MaxAttempts` (default 3), after
//!   `IntervalSeconds` (default 1) × `BackoffRate` (default 2.0) to the power of its count, capped
//!   at `MaxDelaySeconds`; `JitterStrategy: FULL` draws the delay uniformly below that, from the
//!   run's seeded generator. `$$.State.RetryCount` counts every retry of the state.
//! - **Documents are shared, not copied**: a state's input and output are [`Doc`]s (`Arc<Value>`),
//!   so the history, a Parallel's branches and a state that passes its input on share one value;
//!   one is copied only where a state changes it. The context object is built the first time a
//!   state reads it.
//! - **States.Runtime's cause** is prefixed as AWS prefixes it: "An error occurred while executing
//!   the state '<name>' (entered at the event id #<n>). ".

use std::cell::OnceCell;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::clock::Time;
use super::error::{names, StatesError};
use super::execution::{Execution, Options, StartError, Status, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES};
use super::handler::Handlers;
use super::history::{Details, Event, EventType};
use super::jsonpath::{select, set, try_select, Purpose, SelectError};
use super::machine::{Kind, Machine, Node, Scope};
use super::payload::{Context, Env};
use super::random::SplitMix64;
use super::{choice, wait};
use crate::stepfunctions::asl::{JitterStrategy, PathOrNull, Retrier};

/// A JSON document of a run (a state's input or output), shared between the run and its history.
pub type Doc = Arc<Value>;

/// Why a scope stopped before its end.
#[derive(Debug)]
pub(crate) enum Stop {
    /// A state's error: retriers and catchers may handle it.
    Error(StatesError),
    /// A failure no catcher handles (the simulation's own: no handler, the history quota).
    Terminal(StatesError),
    /// The execution's `TimeoutSeconds` ran out at this instant.
    TimedOut(Time),
}

impl From<StatesError> for Stop {
    fn from(e: StatesError) -> Stop {
        Stop::Error(e)
    }
}

/// Where a state goes.
pub(crate) enum Flow {
    /// To the state at this index of the scope, with this input.
    Next(usize, Doc),
    /// The scope ends with this output.
    End(Doc),
}

/// Where the events of the states go: the execution's history, or (for the iterations of a
/// distributed Map, child executions with histories of their own) only counted against the
/// child's quota.
pub(crate) enum Recording {
    /// Into the execution's history.
    History,
    /// A child execution's events, counted.
    Child(usize),
}

/// A run in progress.
pub(crate) struct Runner<'h> {
    pub handlers: &'h mut Handlers,
    options: &'h Options,
    input: Doc,
    /// `Execution` and `StateMachine` of the context object, built on first use.
    run_context: Option<Doc>,
    pub history: Vec<Event>,
    pub states: Vec<String>,
    pub recording: Recording,
    rng: SplitMix64,
    pub deadline: Option<Time>,
}

impl Machine {
    /// Runs the definition on `input` with `handlers` for its Task states, in virtual time.
    ///
    /// ```
    /// use constructs::stepfunctions::interpreter::{Handlers, Machine, Options, Reply, Status};
    /// use serde_json::json;
    ///
    /// let machine = Machine::from_json_str(r#"{
    ///   "StartAt": "Charge",
    ///   "States": {
    ///     "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///                "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
    ///                "ResultSelector": {"receipt.$": "$.Payload"}, "ResultPath": "$.charge",
    ///                "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 60}], "Next": "Done"},
    ///     "Done": {"Type": "Succeed"}
    ///   }
    /// }"#).unwrap();
    /// let mut handlers = Handlers::new().on("charge", constructs::stepfunctions::interpreter::sequence([
    ///     Reply::error("Busy", "try again"),
    ///     Reply::output(json!({"id": "r-1"})),
    /// ]));
    /// let run = machine.run(json!({"amount": 5}), &mut handlers, &Options::default()).unwrap();
    /// assert_eq!(run.status, Status::Succeeded);
    /// assert_eq!(run.output, Some(json!({"amount": 5, "charge": {"receipt": {"id": "r-1"}}})));
    /// assert_eq!(run.states, ["Charge", "Done"]);
    /// assert_eq!(run.elapsed_seconds(), 60.0, "one retry after IntervalSeconds, in virtual time");
    /// ```
    pub fn run(&self, input: Value, handlers: &mut Handlers, options: &Options) -> Result<Execution, StartError> {
        if exceeds_payload(&input) {
            return Err(StartError::InputTooLarge);
        }
        let start = options.start_time;
        let input = Arc::new(input);
        let mut runner = Runner {
            handlers,
            options,
            input: input.clone(),
            run_context: None,
            history: Vec::with_capacity(16),
            states: Vec::new(),
            recording: Recording::History,
            rng: SplitMix64::new(options.seed),
            deadline: self.timeout_seconds.map(|s| start.plus_seconds(f64::from(s))),
        };
        let mut now = start;
        let started = Details { input: Some(input.clone()), ..Details::default() };
        let outcome = match runner.event(now, EventType::ExecutionStarted, started) {
            Ok(()) => runner.run_scope(&self.root, input, &mut now),
            Err(stop) => Err(stop),
        };
        let (status, output, error) = match outcome {
            Ok(output) => (Status::Succeeded, Some(output), None),
            Err(Stop::Error(e) | Stop::Terminal(e)) => (Status::Failed, None, Some(e)),
            Err(Stop::TimedOut(at)) => {
                now = at;
                let e = StatesError::new(names::TIMEOUT, "The execution ran longer than its TimeoutSeconds.");
                (Status::TimedOut, None, Some(e))
            }
        };
        let (kind, details) = match (status, &output, &error) {
            (Status::Succeeded, output, _) => {
                (EventType::ExecutionSucceeded, Details { output: output.clone(), ..Details::default() })
            }
            (status, _, error) => (
                if status == Status::TimedOut { EventType::ExecutionTimedOut } else { EventType::ExecutionFailed },
                Details {
                    error: error.as_ref().map(|e| e.error.clone()),
                    cause: error.as_ref().map(|e| e.cause.clone()),
                    ..Details::default()
                },
            ),
        };
        runner.push(now, kind, details);
        Ok(Execution {
            status,
            output: output.map(|o| (*o).clone()),
            // a Fail state without Error / Cause ends the execution with none (not an empty one)
            error: error.as_ref().map(|e| e.error.clone()).filter(|e| !e.is_empty()),
            cause: error.map(|e| e.cause).filter(|c| !c.is_empty()),
            states: runner.states,
            history: runner.history,
            start,
            stop: now,
        })
    }
}

impl Runner<'_> {
    /// The next 64 random bits of the run's seeded generator.
    pub(crate) fn random(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// `Execution` and `StateMachine` of the context object.
    pub(crate) fn run_context(&mut self) -> Doc {
        self.run_context.get_or_insert_with(|| Arc::new(run_context_of(self.options, &self.input))).clone()
    }

    /// Appends an event (or counts it, in a child execution); the run fails when the history
    /// quota is reached, keeping room for the execution's last event: terminally for the
    /// execution's own history, as the child execution's failure for a child's.
    pub(crate) fn event(&mut self, at: Time, kind: EventType, details: Details) -> Result<(), Stop> {
        let quota = || {
            StatesError::runtime(format!(
                "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
            ))
        };
        match &mut self.recording {
            Recording::Child(count) => {
                *count += 1;
                if *count + 1 >= MAX_HISTORY_EVENTS {
                    return Err(Stop::Error(quota()));
                }
            }
            Recording::History => {
                if self.history.len() + 1 >= MAX_HISTORY_EVENTS {
                    return Err(Stop::Terminal(quota()));
                }
                self.push(at, kind, details);
            }
        }
        Ok(())
    }

    fn push(&mut self, at: Time, kind: EventType, details: Details) {
        let id = self.history.len() + 1;
        self.history.push(Event { id, previous_event_id: id - 1, timestamp: at, kind, details });
    }

    /// Whether events go into the execution's history (not a child execution's).
    pub(crate) fn records(&self) -> bool {
        matches!(self.recording, Recording::History)
    }

    /// Fails with the execution's timeout when `at` is past its deadline.
    pub(crate) fn check_deadline(&self, at: Time) -> Result<(), Stop> {
        match self.deadline {
            Some(deadline) if at > deadline => Err(Stop::TimedOut(deadline)),
            _ => Ok(()),
        }
    }

    /// Runs a scope from its `StartAt` to its end.
    pub(crate) fn run_scope(&mut self, scope: &Scope, input: Doc, now: &mut Time) -> Result<Doc, Stop> {
        let mut at = scope.start;
        let mut input = input;
        loop {
            match self.run_state(&scope.nodes[at], input, now)? {
                Flow::Next(next, output) => {
                    at = next;
                    input = output;
                }
                Flow::End(output) => return Ok(output),
            }
        }
    }

    fn run_state(&mut self, node: &Node, raw: Doc, now: &mut Time) -> Result<Flow, Stop> {
        let records = self.records();
        if records {
            self.states.push(node.name.clone());
        }
        let (entered, exited) = state_events(&node.kind);
        let entered_id = self.history.len() + 1;
        let details = if records {
            Details { name: Some(node.name.clone()), input: Some(raw.clone()), ..Details::default() }
        } else {
            Details::default()
        };
        self.event(*now, entered, details)?;
        let entered_at = *now;
        let result = match &node.kind {
            Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_) => {
                self.with_error_handling(node, &raw, entered_at, now)
            }
            _ => self.run_simple(node, &raw, entered_at, now),
        };
        let result = result.map_err(|stop| match stop {
            Stop::Error(e) => Stop::Error(prefixed(e, &node.name, entered_id)),
            other => other,
        });
        let flow = match result? {
            Routed::Caught(next, output) => return Ok(Flow::Next(next, output)),
            Routed::To(next, output) => {
                let output = self.apply_output_path(node, output, entered_at)?;
                if exceeds_payload(&output) {
                    return Err(Stop::Error(data_limit(&node.name)));
                }
                match next {
                    Some(n) => Flow::Next(n, output),
                    None => Flow::End(output),
                }
            }
        };
        self.check_deadline(*now)?;
        if let Some(exited) = exited {
            let details = if records {
                let output = match &flow {
                    Flow::Next(_, o) | Flow::End(o) => o.clone(),
                };
                Details { name: Some(node.name.clone()), output: Some(output), ..Details::default() }
            } else {
                Details::default()
            };
            self.event(*now, exited, details)?;
        }
        Ok(flow)
    }

    /// Pass, Choice, Wait, Succeed and Fail: no Retry, no Catch.
    fn run_simple(&mut self, node: &Node, raw: &Doc, entered: Time, now: &mut Time) -> Result<Routed, Stop> {
        match &node.kind {
            Kind::Pass { result } => {
                let effective = self.effective_input(node, raw, entered, 0)?;
                let effective = self.apply_parameters(node, effective, entered, 0)?;
                let result = result.clone().unwrap_or(effective);
                Ok(Routed::To(node.next, apply_result_path(node.result_path.as_ref(), raw, result)?))
            }
            Kind::Succeed => Ok(Routed::To(None, self.effective_input(node, raw, entered, 0)?)),
            Kind::Wait(wait_for) => {
                let effective = self.effective_input(node, raw, entered, 0)?;
                let wake = wait::wake_time(wait_for, &effective, *now)?;
                if let Some(deadline) = self.deadline.filter(|d| wake > *d) {
                    return Err(Stop::TimedOut(deadline));
                }
                *now = wake.max(*now);
                Ok(Routed::To(node.next, effective))
            }
            Kind::Choice { rules, default } => {
                let effective = self.effective_input(node, raw, entered, 0)?;
                let run_context = OnceCell::new();
                let context_json = OnceCell::new();
                let resolve = |path: &str| -> Result<Option<Value>, StatesError> {
                    let (path, doc) = match path.strip_prefix('$') {
                        Some(rest) if rest.starts_with('$') => {
                            let run = run_context.get_or_init(|| match &self.run_context {
                                Some(built) => (**built).clone(),
                                None => run_context_of(self.options, &self.input),
                            });
                            (
                                rest,
                                context_json.get_or_init(|| Context::of_state(run, &node.name, entered, 0).to_json()),
                            )
                        }
                        _ => (path, &*effective),
                    };
                    match try_select(path, doc) {
                        Ok(v) => Ok(Some(v)),
                        Err(SelectError::NoMatch { .. }) => Ok(None),
                        Err(e) => Err(e.into_states_error(Purpose::Path, doc)),
                    }
                };
                let chosen = choice::choose(rules.iter().map(|(c, next)| (c, *next)), *default, &resolve)?;
                Ok(Routed::To(Some(chosen), effective))
            }
            Kind::Fail { error, cause, error_path: None, cause_path: None } => {
                Err(Stop::Error(StatesError::new(error.clone().unwrap_or_default(), cause.clone().unwrap_or_default())))
            }
            Kind::Fail { error, cause, error_path, cause_path } => {
                let run_context = self.run_context();
                let context = Context::of_state(&run_context, &node.name, entered, 0);
                let mut random = || 0u64;
                let mut env = Env::new(raw, &context, &mut random);
                let mut field =
                    |literal: &Option<String>, path: &Option<String>, name: &str| -> Result<String, StatesError> {
                        match (literal, path) {
                            (Some(l), _) => Ok(l.clone()),
                            (None, Some(p)) => match env.dollar_field(name, p)? {
                                Value::String(s) => Ok(s),
                                other => {
                                    Err(StatesError::runtime(format!("The value of {name} ({other}) must be a string")))
                                }
                            },
                            (None, None) => Ok(String::new()),
                        }
                    };
                let error = field(error, error_path, "ErrorPath")?;
                let cause = field(cause, cause_path, "CausePath")?;
                Err(Stop::Error(StatesError::new(error, cause)))
            }
            _ => unreachable!("states with error handling are run by with_error_handling"),
        }
    }

    /// Task, Parallel and Map: one attempt after another while a retrier says so, then the
    /// catchers.
    fn with_error_handling(&mut self, node: &Node, raw: &Doc, entered: Time, now: &mut Time) -> Result<Routed, Stop> {
        let mut counts = vec![0u32; node.retry.len()];
        let mut retry_count = 0u32;
        loop {
            let attempt = match &node.kind {
                Kind::Task(task) => self.task_attempt(node, task, raw, entered, retry_count, now),
                Kind::Parallel { branches } => self.parallel_attempt(node, branches, raw, entered, retry_count, now),
                Kind::Map(map) => self.map_attempt(node, map, raw, entered, retry_count, now),
                _ => unreachable!("only Task, Parallel and Map have Retry and Catch"),
            };
            let error = match attempt {
                Ok(output) => return Ok(Routed::To(node.next, output)),
                Err(Stop::Error(e)) => e,
                Err(other) => return Err(other),
            };
            let is_task = matches!(node.kind, Kind::Task(_));
            if let Some(i) = node.retry.iter().position(|r| error_matches(&error, &r.error_equals, is_task)) {
                let retrier = &node.retry[i];
                if counts[i] < retrier.max_attempts.unwrap_or(3) {
                    let delay = self.retry_delay(retrier, counts[i]);
                    counts[i] += 1;
                    retry_count += 1;
                    let wake = now.plus_seconds(delay);
                    if let Some(deadline) = self.deadline.filter(|d| wake > *d) {
                        return Err(Stop::TimedOut(deadline));
                    }
                    *now = wake;
                    continue;
                }
            }
            if let Some((catcher, next)) =
                node.catch.iter().find(|(c, _)| error_matches(&error, &c.error_equals, is_task))
            {
                let error_output = Arc::new(json!({"Error": error.error, "Cause": error.cause}));
                let output = apply_result_path(catcher.result_path.as_ref(), raw, error_output)?;
                return Ok(Routed::Caught(*next, output));
            }
            return Err(Stop::Error(error));
        }
    }

    /// The delay before retry number `count` (from 0) of `retrier`, in seconds.
    fn retry_delay(&mut self, retrier: &Retrier, count: u32) -> f64 {
        let interval = f64::from(retrier.interval_seconds.unwrap_or(1));
        let rate = retrier.backoff_rate.map(|r| r.as_f64()).unwrap_or(2.0);
        let mut delay = interval * rate.powi(count as i32);
        if let Some(max) = retrier.max_delay_seconds {
            delay = delay.min(f64::from(max));
        }
        if retrier.jitter_strategy == Some(JitterStrategy::Full) {
            delay *= self.rng.unit();
        }
        delay
    }

    /// `Parameters` applied to the effective input (the input itself without them).
    pub(crate) fn apply_parameters(
        &mut self,
        node: &Node,
        effective: Doc,
        entered: Time,
        retry_count: u32,
    ) -> Result<Doc, StatesError> {
        match &node.parameters {
            None => Ok(effective),
            Some(template) => {
                Ok(Arc::new(self.apply_template(template, &effective, &node.name, entered, retry_count, None)?))
            }
        }
    }

    /// The end of a Task, Parallel or Map attempt: `ResultSelector` applied to the state's
    /// result, then `ResultPath` placing it into the raw input.
    pub(crate) fn select_result(
        &mut self,
        node: &Node,
        raw: &Doc,
        result: Doc,
        entered: Time,
        retry_count: u32,
    ) -> Result<Doc, StatesError> {
        let selected = match &node.result_selector {
            None => result,
            Some(t) => Arc::new(self.apply_template(t, &result, &node.name, entered, retry_count, None)?),
        };
        apply_result_path(node.result_path.as_ref(), raw, selected)
    }

    /// The payload template `template` applied to `input`.
    pub(crate) fn apply_template(
        &mut self,
        template: &Value,
        input: &Value,
        state: &str,
        entered: Time,
        retry_count: u32,
        token: Option<&str>,
    ) -> Result<Value, StatesError> {
        let run_context = self.run_context();
        let context = Context { token, ..Context::of_state(&run_context, state, entered, retry_count) };
        let mut random = || self.random();
        Env::new(input, &context, &mut random).apply(template)
    }
}

/// `Execution` and `StateMachine` of the context object of a run of `input` with `options`.
fn run_context_of(o: &Options, input: &Value) -> Value {
    let role =
        o.role_arn.clone().unwrap_or_else(|| format!("arn:{}:iam::{}:role/StateMachineRole", o.partition, o.account));
    json!({
        "Execution": {
            "Id": o.execution_arn(),
            "Input": input,
            "Name": o.execution_name,
            "RoleArn": role,
            "StartTime": o.start_time.to_string(),
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": o.state_machine_arn(), "Name": o.state_machine_name},
    })
}

/// How a state with error handling ended.
pub(crate) enum Routed {
    /// Normally: to `Next` (`None`: the end), with the output before `OutputPath`.
    To(Option<usize>, Doc),
    /// Through a catcher: to its `Next`, with the output as is.
    Caught(usize, Doc),
}

/// The entered and exited event types of a state (Fail has no exit).
fn state_events(kind: &Kind) -> (EventType, Option<EventType>) {
    use EventType::*;
    match kind {
        Kind::Pass { .. } => (PassStateEntered, Some(PassStateExited)),
        Kind::Choice { .. } => (ChoiceStateEntered, Some(ChoiceStateExited)),
        Kind::Fail { .. } => (FailStateEntered, None),
        Kind::Succeed => (SucceedStateEntered, Some(SucceedStateExited)),
        Kind::Wait(_) => (WaitStateEntered, Some(WaitStateExited)),
        Kind::Parallel { .. } => (ParallelStateEntered, Some(ParallelStateExited)),
        Kind::Map(_) => (MapStateEntered, Some(MapStateExited)),
        Kind::Task(_) => (TaskStateEntered, Some(TaskStateExited)),
    }
}

/// Whether a retrier's or catcher's `ErrorEquals` matches `error`; `States.TaskFailed` matches
/// every error of a Task state but `States.Timeout` and the terminal ones.
fn error_matches(error: &StatesError, error_equals: &[String], in_task: bool) -> bool {
    error.matches(error_equals)
        || (in_task
            && error_equals.iter().any(|e| e == names::TASK_FAILED)
            && ![names::TIMEOUT, names::RUNTIME, names::DATA_LIMIT_EXCEEDED].contains(&error.error.as_str()))
}

/// AWS's prefix on the cause of the errors a state's own processing raises.
fn prefixed(e: StatesError, state: &str, entered_id: usize) -> StatesError {
    if e.error == names::RUNTIME && !e.cause.starts_with("An error occurred while executing the state") {
        let cause = format!(
            "An error occurred while executing the state '{state}' (entered at the event id #{entered_id}). {}",
            e.cause
        );
        StatesError::new(e.error, cause)
    } else {
        e
    }
}

/// The value at `path` of `doc`, or of the context object for `$$...` (the guide: `InputPath`
/// and `OutputPath` may read the context object too).
pub(crate) fn select_in(path: &str, doc: &Value, context: impl FnOnce() -> Value) -> Result<Value, StatesError> {
    match path.strip_prefix('$') {
        Some(rest) if rest.starts_with('$') => select(rest, &context()),
        _ => select(path, doc),
    }
}

impl Runner<'_> {
    /// `InputPath` applied to the raw input.
    pub(crate) fn effective_input(
        &mut self,
        node: &Node,
        raw: &Doc,
        entered: Time,
        retry_count: u32,
    ) -> Result<Doc, StatesError> {
        match &node.input_path {
            None => Ok(raw.clone()),
            Some(PathOrNull::Null) => Ok(Arc::new(Value::Object(Map::new()))),
            Some(PathOrNull::Path(p)) if p == "$" => Ok(raw.clone()),
            Some(PathOrNull::Path(p)) => {
                Ok(Arc::new(select_in(p, raw, || self.context(&node.name, entered, retry_count))?))
            }
        }
    }

    fn apply_output_path(&mut self, node: &Node, output: Doc, entered: Time) -> Result<Doc, StatesError> {
        match &node.output_path {
            None => Ok(output),
            Some(PathOrNull::Null) => Ok(Arc::new(Value::Object(Map::new()))),
            Some(PathOrNull::Path(p)) if p == "$" => Ok(output),
            Some(PathOrNull::Path(p)) => Ok(Arc::new(select_in(p, &output, || self.context(&node.name, entered, 0))?)),
        }
    }

    /// The context object of a state (no Map item, no task token).
    pub(crate) fn context(&mut self, state: &str, entered: Time, retry_count: u32) -> Value {
        let run_context = self.run_context();
        Context::of_state(&run_context, state, entered, retry_count).to_json()
    }
}

/// `ResultPath`: the result placed into the raw input.
pub(crate) fn apply_result_path(path: Option<&PathOrNull>, raw: &Doc, result: Doc) -> Result<Doc, StatesError> {
    match path {
        None => Ok(result),
        Some(PathOrNull::Null) => Ok(raw.clone()),
        Some(PathOrNull::Path(p)) if p == "$" => Ok(result),
        Some(PathOrNull::Path(p)) => {
            let mut doc = (**raw).clone();
            set(&mut doc, p, Arc::unwrap_or_clone(result))?;
            Ok(Arc::new(doc))
        }
    }
}

/// `States.DataLimitExceeded` for a state's output over the quota.
pub(crate) fn data_limit(state: &str) -> StatesError {
    StatesError::new(
        names::DATA_LIMIT_EXCEEDED,
        format!(
            "The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."
        ),
    )
}

/// Whether `value`'s JSON text is longer than [`MAX_PAYLOAD_BYTES`]. An upper bound of the text's
/// length (every byte of a string escaped, numbers at their longest) is computed first, with no
/// allocation; only a value that might be over the quota is written out and counted exactly.
pub(crate) fn exceeds_payload(value: &Value) -> bool {
    if upper_bound(value, MAX_PAYLOAD_BYTES) <= MAX_PAYLOAD_BYTES {
        return false;
    }
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            if self.0 > MAX_PAYLOAD_BYTES {
                return Err(std::io::Error::other("over the quota"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Count(0), value).is_err()
}

/// At least the length of `value`'s JSON text, stopping once past `limit` (an explicit stack, no
/// recursion).
fn upper_bound(value: &Value, limit: usize) -> usize {
    // a string's bytes may each become a six-character escape (\u0000)
    let text = |s: &str| 6 * s.len() + 2;
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 25,
            Value::String(s) => text(s),
            Value::Array(items) => {
                stack.extend(items.iter());
                2 + items.len()
            }
            Value::Object(map) => {
                stack.extend(map.values());
                2 + map.keys().map(|k| text(k) + 2).sum::<usize>()
            }
        };
        if total > limit {
            return total;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::{sequence, EventType, Handlers, Machine, Options, Reply, StartError, Status};

    fn machine(definition: Value) -> Machine {
        Machine::from_json(&definition).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn an_endless_loop_ends_at_the_history_quota() {
        let m = machine(json!({"StartAt": "Loop", "States": {
            "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Again"},
            "Again": {"Type": "Pass", "Next": "Loop"},
            "Done": {"Type": "Succeed"}
        }}));
        let run = m.run(json!({}), &mut Handlers::new(), &Options::default()).unwrap();
        assert_eq!(run.status, Status::Failed);
        assert_eq!(run.error.as_deref(), Some("States.Runtime"));
        assert_eq!(run.history.len(), super::MAX_HISTORY_EVENTS);
        assert_eq!(run.event_types().last(), Some(&EventType::ExecutionFailed));
        assert_eq!(run.history.last().map(|e| e.id), Some(super::MAX_HISTORY_EVENTS));
    }

    #[test]
    fn payloads_over_256_kib_are_refused() {
        let big = "x".repeat(super::MAX_PAYLOAD_BYTES);
        let m = machine(json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": big, "End": true}}}));
        let run = m.run(json!({}), &mut Handlers::new(), &Options::default()).unwrap();
        assert_eq!((run.status, run.error.as_deref()), (Status::Failed, Some("States.DataLimitExceeded")));
        let small = machine(json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}));
        let too_big =
            small.run(json!({"s": "x".repeat(super::MAX_PAYLOAD_BYTES)}), &mut Handlers::new(), &Options::default());
        assert_eq!(too_big.unwrap_err(), StartError::InputTooLarge);
        let just_fits = json!("x".repeat(super::MAX_PAYLOAD_BYTES - 2)); // with its quotes: exactly the quota
        assert_eq!(small.run(just_fits, &mut Handlers::new(), &Options::default()).unwrap().status, Status::Succeeded);
    }

    #[test]
    fn a_task_without_handler_fails_even_under_a_catch_all() {
        let m = machine(json!({"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "charge"},
                       "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}], "End": true},
            "Recover": {"Type": "Succeed"}
        }}));
        let run = m.run(json!({}), &mut Handlers::new(), &Options::default()).unwrap();
        assert_eq!(run.status, Status::Failed);
        assert_eq!(run.error.as_deref(), Some("Simulator.NoHandler"));
        let cause = run.cause.unwrap();
        assert!(cause.contains("\"Charge\"") && cause.contains("arn:aws:states:::lambda:invoke"), "{cause}");
        assert_eq!(run.states, ["Charge"], "the catcher is not taken");
    }

    #[test]
    fn the_execution_timeout_stops_a_long_wait_at_its_deadline() {
        let m = machine(
            json!({"TimeoutSeconds": 60, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": true}}}),
        );
        let run = m.run(json!({}), &mut Handlers::new(), &Options::default()).unwrap();
        assert_eq!((run.status, run.error.as_deref()), (Status::TimedOut, Some("States.Timeout")));
        assert_eq!(run.elapsed_seconds(), 60.0);
        assert_eq!(run.event_types().last(), Some(&EventType::ExecutionTimedOut));
    }

    #[test]
    fn jitter_follows_the_seed() {
        let m = machine(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 100, "MaxAttempts": 3, "JitterStrategy": "FULL"}], "End": true}}}),
        );
        let elapsed = |seed: u64| {
            let mut h = Handlers::new()
                .on("T", sequence([Reply::error("Busy", ""), Reply::error("Busy", ""), Reply::output(json!(1))]));
            let run = m.run(json!({}), &mut h, &Options::default().seed(seed)).unwrap();
            assert_eq!(run.status, Status::Succeeded);
            run.elapsed_seconds()
        };
        assert_eq!(elapsed(1), elapsed(1), "the same seed, the same delays");
        assert_ne!(elapsed(1), elapsed(2));
        assert!(elapsed(3) < 300.0, "full jitter draws below 100 s and 200 s");
    }

    #[test]
    fn a_failing_iteration_stops_the_ones_still_running() {
        let m = machine(json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {
        "StartAt": "Which", "States": {
            "Which": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Boom"}], "Default": "Slow"},
            "Slow": {"Type": "Wait", "Seconds": 100, "End": true},
            "Boom": {"Type": "Fail", "Error": "Boom"}
        }}}}}));
        let run = m.run(json!([0, 1, 2]), &mut Handlers::new(), &Options::default()).unwrap();
        assert_eq!((run.status, run.error.as_deref()), (Status::Failed, Some("Boom")));
        assert_eq!(run.elapsed_seconds(), 0.0, "the state fails when the item does, not when the others would end");
        let iterations: Vec<EventType> = run
            .event_types()
            .into_iter()
            .filter(|t| t.as_str().starts_with("MapIteration") && *t != EventType::MapIterationStarted)
            .collect();
        assert_eq!(
            iterations,
            [EventType::MapIterationAborted, EventType::MapIterationFailed, EventType::MapIterationAborted]
        );
    }

    #[test]
    fn task_resources_shape_their_results_and_events() {
        let m = machine(json!({"StartAt": "Invoke", "States": {
            "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                       "ResultPath": "$.invoke", "Next": "Direct"},
            "Direct": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:g", "ResultPath": "$.direct", "Next": "Callback"},
            "Callback": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                         "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}, "ResultPath": "$.callback", "End": true}
        }}));
        let mut handlers = Handlers::new()
            .on("f", Reply::output(json!({"from": "f"})))
            .on("g", Reply::output(json!("from g")))
            .on("Callback", |call: &super::super::TaskCall| {
                let token = call.context["Task"]["Token"].clone();
                assert_eq!(call.input["MessageBody"]["token"], token, "the token is in the context object");
                Reply::output(json!({"sent": token.is_string()}))
            });
        let run = m.run(json!({"x": 1}), &mut handlers, &Options::default()).unwrap();
        let output = run.output.clone().unwrap_or_else(|| panic!("{:?}: {:?}", run.error, run.cause));
        assert_eq!(output["invoke"]["Payload"], json!({"from": "f"}));
        assert_eq!(output["invoke"]["StatusCode"], 200);
        assert_eq!(output["direct"], "from g", "a function ARN gives the function's output itself");
        assert_eq!(output["callback"], json!({"sent": true}));
        let types: Vec<&str> = run.history.iter().map(|e| e.kind.as_str()).collect();
        for t in ["LambdaFunctionScheduled", "LambdaFunctionSucceeded", "TaskSubmitted"] {
            assert!(types.contains(&t), "{t} in {types:?}");
        }
        let scheduled = run.history.iter().find(|e| e.kind == EventType::TaskScheduled).unwrap();
        assert_eq!(scheduled.details.resource.as_deref(), Some("lambda:invoke"));
        assert_eq!(scheduled.details.input.as_deref(), Some(&json!({"FunctionName": "f", "Payload": {"x": 1}})));
        assert!(run.history.windows(2).all(|w| w[1].previous_event_id == w[0].id && w[1].timestamp >= w[0].timestamp));
    }
    #[test]
    fn a_distributed_map_of_ten_thousand_items_fits_where_an_inline_one_does_not() {
        let definition = |config: Value| {
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "End": true,
            "ItemProcessor": {"ProcessorConfig": config, "StartAt": "Odd?", "States": {
                "Odd?": {"Type": "Choice", "Choices": [{"Variable": "$.odd", "BooleanEquals": true, "Next": "Odd"}], "Default": "Even"},
                "Odd": {"Type": "Pass", "Result": "odd", "End": true},
                "Even": {"Type": "Pass", "Result": "even", "End": true}
            }}}}})
        };
        let items: Vec<Value> = (0..10_000).map(|i| json!({"odd": i % 2 == 1})).collect();
        let input = json!({"items": items});
        let distributed = machine(definition(json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})))
            .run(input.clone(), &mut Handlers::new(), &Options::default())
            .unwrap();
        assert_eq!(distributed.status, Status::Succeeded, "{:?}", distributed.cause);
        let output = distributed.output.unwrap();
        assert_eq!(output.as_array().map(Vec::len), Some(10_000));
        assert_eq!((&output[0], &output[1]), (&json!("even"), &json!("odd")));
        let types: Vec<&str> = distributed.history.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "MapStateEntered",
                "MapStateStarted",
                "MapRunStarted",
                "MapRunSucceeded",
                "MapStateSucceeded",
                "MapStateExited",
                "ExecutionSucceeded"
            ],
            "the children's events are their own"
        );
        assert_eq!(distributed.states, ["M"]);

        let inline = machine(definition(json!({"Mode": "INLINE"})))
            .run(input, &mut Handlers::new(), &Options::default())
            .unwrap();
        assert_eq!(
            (inline.status, inline.error.as_deref()),
            (Status::Failed, Some("States.Runtime")),
            "AWS's history quota"
        );
        assert_eq!(inline.history.len(), super::MAX_HISTORY_EVENTS);
    }
}

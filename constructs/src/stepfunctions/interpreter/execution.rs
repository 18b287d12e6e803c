//! What a run is given ([`Options`]) and what it gives back ([`Execution`]).

use serde_json::Value;

use super::clock::Time;
use super::history::{Event, EventType};

/// The most bytes an execution's input, a state's output or a task's result may have (AWS's
/// payload quota: 256 KiB of UTF-8 text).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// The most events an execution's history may have (AWS's quota for standard workflows); the run
/// fails when it would write more.
pub const MAX_HISTORY_EVENTS: usize = 25_000;

/// The settings of a simulated run: where and when it runs, and the seed of its random numbers.
///
/// ```
/// use constructs::stepfunctions::interpreter::{Options, Time};
/// let options = Options::default().start_time(Time::parse("2026-06-01T12:00:00Z").unwrap()).seed(42);
/// assert_eq!(options.account, "123456789012");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// When the execution starts (default 2026-01-01T00:00:00Z).
    pub start_time: Time,
    /// The seed of `States.MathRandom`, `States.UUID`, task tokens and retry jitter (default 0).
    pub seed: u64,
    /// The simulated account (default `123456789012`).
    pub account: String,
    /// The simulated region (default `us-east-1`).
    pub region: String,
    /// The partition (default `aws`).
    pub partition: String,
    /// The state machine's name (default `StateMachine`), in `$$.StateMachine` and the ARNs.
    pub state_machine_name: String,
    /// The execution's name (default `simulation`), in `$$.Execution`.
    pub execution_name: String,
    /// The execution role's ARN (default `arn:<partition>:iam::<account>:role/StateMachineRole`).
    pub role_arn: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            start_time: Time::from_millis(1_767_225_600_000),
            seed: 0,
            account: "123456789012".into(),
            region: "us-east-1".into(),
            partition: "aws".into(),
            state_machine_name: "StateMachine".into(),
            execution_name: "simulation".into(),
            role_arn: None,
        }
    }
}

impl Options {
    /// When the execution starts.
    pub fn start_time(mut self, time: Time) -> Options {
        self.start_time = time;
        self
    }
    /// The seed of the run's random numbers.
    pub fn seed(mut self, seed: u64) -> Options {
        self.seed = seed;
        self
    }
    /// The simulated account and region.
    pub fn environment(mut self, account: impl Into<String>, region: impl Into<String>) -> Options {
        self.account = account.into();
        self.region = region.into();
        self
    }
    /// The state machine's name.
    pub fn state_machine_name(mut self, name: impl Into<String>) -> Options {
        self.state_machine_name = name.into();
        self
    }
    /// The execution's name.
    pub fn execution_name(mut self, name: impl Into<String>) -> Options {
        self.execution_name = name.into();
        self
    }

    /// The state machine's ARN.
    pub fn state_machine_arn(&self) -> String {
        format!(
            "arn:{}:states:{}:{}:stateMachine:{}",
            self.partition, self.region, self.account, self.state_machine_name
        )
    }

    /// The execution's ARN.
    pub fn execution_arn(&self) -> String {
        format!(
            "arn:{}:states:{}:{}:execution:{}:{}",
            self.partition, self.region, self.account, self.state_machine_name, self.execution_name
        )
    }
}

/// How an execution ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `SUCCEEDED`.
    Succeeded,
    /// `FAILED`.
    Failed,
    /// `TIMED_OUT`: it ran longer than the definition's `TimeoutSeconds`.
    TimedOut,
}

impl Status {
    /// AWS's name of the status (`SUCCEEDED`, `FAILED`, `TIMED_OUT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
        }
    }

    /// Whether the execution succeeded.
    pub fn is_success(self) -> bool {
        self == Status::Succeeded
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    /// How it ended.
    pub status: Status,
    /// The output (`SUCCEEDED` only).
    pub output: Option<Value>,
    /// The error name (`FAILED`, `TIMED_OUT`).
    pub error: Option<String>,
    /// The error's cause.
    pub cause: Option<String>,
    /// Every state entered, in order, those of Parallel branches and Map iterations included.
    pub states: Vec<String>,
    /// The execution history.
    pub history: Vec<Event>,
    /// When it started.
    pub start: Time,
    /// When it ended (virtual time).
    pub stop: Time,
}

impl Execution {
    /// The event types of the history, in order.
    pub fn event_types(&self) -> Vec<EventType> {
        self.history.iter().map(|e| e.kind).collect()
    }

    /// Virtual seconds from start to end.
    pub fn elapsed_seconds(&self) -> f64 {
        self.stop.seconds_since(self.start)
    }

    /// The run as one JSON object: `{"status", "output", "error", "cause", "states", "history"}`
    /// (`history`: the event types), as `simulate --json` prints it.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "status": self.status.as_str(),
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "states": self.states,
            "history": self.history.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        })
    }
}

/// Why a run could not start (StartExecution's own checks).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// The input is larger than [`MAX_PAYLOAD_BYTES`].
    #[error("the execution input has more than {MAX_PAYLOAD_BYTES} bytes (AWS's payload quota)")]
    InputTooLarge,
}

//! The execution history: the events of a run, with the type names and details Step Functions'
//! `GetExecutionHistory` gives them (the API reference's `HistoryEvent`).
//!
//! Each event has an id (from 1), the id of the event it follows, its virtual timestamp, its
//! [`EventType`] and the details that type carries (state name, input, output, error, cause,
//! resource). Events of Parallel branches and Map iterations are written branch after branch
//! (item after item) in index order; on AWS they interleave as the branches run concurrently.

use super::clock::Time;
use super::run::Doc;

macro_rules! event_types {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// The type of a history event, named as AWS names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $($(#[$doc])* $name,)*
        }

        impl EventType {
            /// AWS's name of the type (`ExecutionStarted`, `PassStateEntered`...).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$name => stringify!($name),)*
                }
            }

            /// The type named `name`, if AWS has one by that name here.
            pub fn from_name(name: &str) -> Option<EventType> {
                match name {
                    $(stringify!($name) => Some(EventType::$name),)*
                    _ => None,
                }
            }
        }
    };
}

event_types! {
    /// The execution started.
    ExecutionStarted,
    /// The execution succeeded.
    ExecutionSucceeded,
    /// The execution failed.
    ExecutionFailed,
    /// The execution ran longer than its `TimeoutSeconds`.
    ExecutionTimedOut,
    /// A Pass state was entered.
    PassStateEntered,
    /// A Pass state was left.
    PassStateExited,
    /// A Choice state was entered.
    ChoiceStateEntered,
    /// A Choice state was left.
    ChoiceStateExited,
    /// A Wait state was entered.
    WaitStateEntered,
    /// A Wait state was left.
    WaitStateExited,
    /// A Succeed state was entered.
    SucceedStateEntered,
    /// A Succeed state was left.
    SucceedStateExited,
    /// A Fail state was entered.
    FailStateEntered,
    /// A Task state was entered.
    TaskStateEntered,
    /// A Task state was left.
    TaskStateExited,
    /// A service integration task was scheduled.
    TaskScheduled,
    /// A service integration task started.
    TaskStarted,
    /// A `.sync` or `.waitForTaskToken` task was submitted to its service.
    TaskSubmitted,
    /// A service integration task succeeded.
    TaskSucceeded,
    /// A service integration task failed.
    TaskFailed,
    /// A service integration task timed out.
    TaskTimedOut,
    /// A Lambda function task was scheduled.
    LambdaFunctionScheduled,
    /// A Lambda function task started.
    LambdaFunctionStarted,
    /// A Lambda function task succeeded.
    LambdaFunctionSucceeded,
    /// A Lambda function task failed.
    LambdaFunctionFailed,
    /// A Lambda function task timed out.
    LambdaFunctionTimedOut,
    /// An activity task was scheduled.
    ActivityScheduled,
    /// An activity task started (a worker took it).
    ActivityStarted,
    /// An activity task succeeded.
    ActivitySucceeded,
    /// An activity task failed.
    ActivityFailed,
    /// An activity task timed out.
    ActivityTimedOut,
    /// A Parallel state was entered.
    ParallelStateEntered,
    /// A Parallel state's branches started.
    ParallelStateStarted,
    /// Every branch of a Parallel state succeeded.
    ParallelStateSucceeded,
    /// A branch of a Parallel state failed.
    ParallelStateFailed,
    /// A Parallel state was left.
    ParallelStateExited,
    /// A Map state was entered.
    MapStateEntered,
    /// A Map state's iterations started.
    MapStateStarted,
    /// An iteration of a Map state started.
    MapIterationStarted,
    /// An iteration of a Map state succeeded.
    MapIterationSucceeded,
    /// An iteration of a Map state failed.
    MapIterationFailed,
    /// An iteration of a Map state was stopped because another one failed.
    MapIterationAborted,
    /// Every iteration of a Map state succeeded (or the failures were tolerated).
    MapStateSucceeded,
    /// A Map state failed.
    MapStateFailed,
    /// A Map state was left.
    MapStateExited,
    /// A distributed Map state's Map Run (its child executions) started.
    MapRunStarted,
    /// Every child execution of a Map Run succeeded (or the failures were tolerated).
    MapRunSucceeded,
    /// A Map Run failed.
    MapRunFailed,
}

/// One event of an execution's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its id: 1 for `ExecutionStarted`, then one more per event.
    pub id: usize,
    /// The id of the event it follows (0 for the first).
    pub previous_event_id: usize,
    /// When it happened, in virtual time.
    pub timestamp: Time,
    /// What happened.
    pub kind: EventType,
    /// What it carries.
    pub details: Details,
}

/// The details of an event; which fields are set depends on its type (as in AWS's
/// `...EventDetails` structures).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Details {
    /// The state's name (`...StateEntered`, `...StateExited`, `MapIteration...`).
    pub name: Option<String>,
    /// The input (`ExecutionStarted`, `...StateEntered`; a task's parameters for `...Scheduled`).
    pub input: Option<Doc>,
    /// The output (`...Succeeded`, `...StateExited`).
    pub output: Option<Doc>,
    /// The error name (`...Failed`, `...TimedOut`).
    pub error: Option<String>,
    /// The error's cause.
    pub cause: Option<String>,
    /// The task's resource (`TaskScheduled`...: e.g. `lambda:invoke`, the function's ARN).
    pub resource: Option<String>,
    /// The index of a Map iteration (`MapIteration...`).
    pub index: Option<usize>,
}

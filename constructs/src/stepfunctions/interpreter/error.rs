//! The errors a run raises: a name and a cause, as Step Functions reports them (`Error` and
//! `Cause` of a failed execution or of a state's failure event), with the predefined names AWS
//! documents ("Error names" in the Step Functions developer guide).

use std::fmt;

/// The predefined error names (the `States.` prefix is reserved for them).
pub mod names {
    /// Matches any error name (only alone, last in a retrier's or catcher's `ErrorEquals`).
    pub const ALL: &str = "States.ALL";
    /// A catch-all for errors `States.ALL` does not retry: an execution failed because of an
    /// exception it cannot process (for example a path that does not exist in the input).
    pub const RUNTIME: &str = "States.Runtime";
    /// A state or the execution ran longer than its `TimeoutSeconds`.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A Task state's task sent no heartbeat within `HeartbeatSeconds`.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// A Task state failed.
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// Insufficient privileges to run the Task state's code.
    pub const PERMISSIONS: &str = "States.Permissions";
    /// An output larger than the payload limit (256 KiB).
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// A state's `ResultPath` cannot be applied to its input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A field of `Parameters` (or `ItemSelector`, `ResultSelector`) whose path has no match.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    /// A Parallel state's branch failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    /// No rule of a Choice state matched and it has no `Default`.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// An intrinsic function call failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A Map state's failed items exceeded its tolerated failure threshold.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// An item of a Map state's ItemReader is invalid.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Map state's ResultWriter failed.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// A query with `QueryLanguage: JSONata` failed.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
}

/// An error of a run: its name (`Error`) and its cause (`Cause`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesError {
    /// The error name, e.g. `States.Runtime`, or a Task's own (`Lambda.ServiceException`).
    pub error: String,
    /// What happened, in words.
    pub cause: String,
}

impl StatesError {
    /// An error named `error` with `cause`.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> StatesError {
        StatesError { error: error.into(), cause: cause.into() }
    }

    /// `States.Runtime`.
    pub fn runtime(cause: impl Into<String>) -> StatesError {
        StatesError::new(names::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure`.
    pub fn intrinsic_failure(cause: impl Into<String>) -> StatesError {
        StatesError::new(names::INTRINSIC_FAILURE, cause)
    }

    /// `States.ParameterPathFailure`.
    pub fn parameter_path_failure(cause: impl Into<String>) -> StatesError {
        StatesError::new(names::PARAMETER_PATH_FAILURE, cause)
    }

    /// `States.ResultPathMatchFailure`.
    pub fn result_path_match_failure(cause: impl Into<String>) -> StatesError {
        StatesError::new(names::RESULT_PATH_MATCH_FAILURE, cause)
    }

    /// `States.NoChoiceMatched`.
    pub fn no_choice_matched(cause: impl Into<String>) -> StatesError {
        StatesError::new(names::NO_CHOICE_MATCHED, cause)
    }

    /// Whether a retrier's or catcher's `ErrorEquals` matches this error: the name itself, or
    /// `States.ALL`, which matches every error but the terminal `States.DataLimitExceeded` and
    /// `States.Runtime` (the developer guide's "Error names": `States.ALL` "can't catch the
    /// States.DataLimitExceeded terminal error or Runtime error types").
    pub fn matches(&self, error_equals: &[impl AsRef<str>]) -> bool {
        let wildcard_matches = self.error != names::RUNTIME && self.error != names::DATA_LIMIT_EXCEEDED;
        error_equals.iter().any(|e| {
            let e = e.as_ref();
            e == self.error || (e == names::ALL && wildcard_matches)
        })
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for StatesError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_all_matches_everything_but_runtime() {
        let task = StatesError::new("Lambda.ServiceException", "boom");
        assert!(task.matches(&["States.ALL"]) && task.matches(&["Lambda.ServiceException"]));
        assert!(!task.matches(&["States.Timeout"]));
        assert!(!StatesError::runtime("no path").matches(&["States.ALL"]), "States.Runtime is not retriable");
        let too_big = StatesError::new(names::DATA_LIMIT_EXCEEDED, "257 KiB");
        assert!(!too_big.matches(&["States.ALL"]), "a terminal error");
        assert!(StatesError::runtime("no path").matches(&["States.Runtime"]));
        assert_eq!(StatesError::intrinsic_failure("bad").to_string(), "States.IntrinsicFailure: bad");
    }
}

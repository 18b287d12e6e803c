//! The errors of `send-events` that stop it before it has a report: unreadable or invalid event
//! files, no connection, nothing deployed to watch, an API call that keeps failing. What the
//! events did (an entry EventBridge refused, an event that started nothing, a failed execution)
//! is not an error but part of the [`TrialReport`](crate::trial::TrialReport).

use crate::deploy::DeployError;

/// Why `send-events` could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrialError {
    /// An event file cannot be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file as given.
        file: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An event file is not a valid array of PutEvents entries.
    #[error("{file}: {message}")]
    InvalidFile {
        /// The file as given.
        file: String,
        /// What is wrong, naming the entry (`entry 2: Detail is missing`).
        message: String,
    },
    /// No region or credentials, or a CloudFormation call failed.
    #[error("{0}")]
    Deploy(#[from] DeployError),
    /// An EventBridge or Step Functions call failed (after retries, when it was retryable).
    #[error("{operation} failed for {target}: {message}")]
    Api {
        /// The API operation, e.g. `PutEvents`.
        operation: &'static str,
        /// What it was about (a bus, a state machine, an execution).
        target: String,
        /// The service's error code and message, or the transport error.
        message: String,
    },
    /// None of the stacks is deployed with a state machine, so no execution could be found.
    #[error("{0}; nothing was sent")]
    NothingToWatch(String),
}

/// Turns an SDK error of EventBridge or Step Functions into [`TrialError::Api`].
pub(crate) fn api_error<E, R>(
    service: &str,
    operation: &'static str,
    target: &str,
    err: &aws_sdk_cloudformation::error::SdkError<E, R>,
) -> TrialError
where
    E: aws_sdk_cloudformation::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    TrialError::Api {
        operation,
        target: target.to_string(),
        message: crate::deploy::error::sdk_error_message(service, err),
    }
}

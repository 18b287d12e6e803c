//! The errors of `send-events` that stop it before it has a report: unreadable or invalid event
//! files, no connection, nothing deployed to watch, an API call that keeps failing. What the
//! events did (an entry EventBridge refused, an event that started nothing, a failed execution)
//! is not an error but part of the [`TrialReport`](crate::trial::TrialReport).
//!
//! SDK errors become one line with [`sdk_error_message`], worded as the deploy commands word
//! theirs (`Code: message`, or why the endpoint cannot be reached).

use aws_sdk_eventbridge::error::{ProvideErrorMetadata, SdkError};
use framework::deploy::DeployError;

use crate::events::envelope::EventFileError;

/// Why `send-events` could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrialError {
    /// An event file cannot be read or is not a valid array of PutEvents entries (the message
    /// names the file and the entry: `a.json: entry 2: Detail is missing`).
    #[error(transparent)]
    EventFile(#[from] EventFileError),
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
pub(crate) fn api_error<E, R>(service: &str, operation: &'static str, target: &str, err: &SdkError<E, R>) -> TrialError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    TrialError::Api { operation, target: target.to_string(), message: sdk_error_message(service, err) }
}

pub(crate) use framework::deploy::sdk_error_message;

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eventbridge::config::http::HttpResponse;
    use aws_sdk_eventbridge::error::ConnectorError;
    use aws_sdk_eventbridge::operation::put_events::PutEventsError;

    #[test]
    fn unreachable_endpoints_name_the_cause_and_what_to_check() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        let err: SdkError<PutEventsError, HttpResponse> = SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        assert_eq!(
            sdk_error_message("EventBridge", &err),
            "cannot reach the EventBridge endpoint: Connection refused (os error 111) (check the endpoint and the \
             network; for --local, is the emulator running? `scripts/localstack up`)"
        );
        let err: SdkError<PutEventsError, HttpResponse> = SdkError::timeout_error("slow");
        assert!(sdk_error_message("Step Functions", &err)
            .starts_with("cannot reach the Step Functions endpoint: timed out"));
    }
}

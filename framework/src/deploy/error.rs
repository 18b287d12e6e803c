//! The errors of `deploy` and `destroy`.

use std::fmt;

use crate::deploy::root_cause::RootCause;
use crate::deploy::status::{Operation, StackStatus};

/// Why a deployment or a destroy did not complete.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// No region, no credentials, or an unusable endpoint.
    #[error("{0}")]
    Config(String),
    /// A CloudFormation API call failed (after retries, when it was retryable).
    #[error("{operation} failed for stack {stack}: {message}")]
    Api {
        /// The API operation, e.g. `CreateChangeSet`.
        operation: &'static str,
        /// The stack it was about.
        stack: String,
        /// The service's error code and message, or the transport error.
        message: String,
    },
    /// `--parameters` was malformed or names an unknown stack or parameter.
    #[error("--parameters: {0}")]
    Parameters(String),
    /// The minified template is over what CloudFormation accepts even from S3.
    #[error(
        "the template of stack {stack} is {bytes} bytes even minified; CloudFormation accepts at most \
         {limit} bytes, even from S3: split the stack"
    )]
    TemplateTooLarge {
        /// The stack.
        stack: String,
        /// The minified size.
        bytes: usize,
        /// The limit of a template read from S3 (1 MB).
        limit: usize,
    },
    /// A template over the inline limit needs the staging bucket, and there is none.
    #[error(
        "the template of stack {stack} is {bytes} bytes, over CloudFormation's {limit}-byte inline limit, so \
         it must be staged in S3, but there is no toolkit stack {toolkit} in region {region}: run `bootstrap` \
         there first (or name an existing one, such as the AWS CDK's CDKToolkit, with --toolkit-stack-name); \
         nothing was changed"
    )]
    NoStaging {
        /// The stack.
        stack: String,
        /// The minified size.
        bytes: usize,
        /// The inline limit (51,200 bytes).
        limit: usize,
        /// The toolkit stack looked for.
        toolkit: String,
        /// The region.
        region: String,
    },
    /// Staging a file for a stack failed.
    #[error("staging {location} for stack {stack} failed: {reason}")]
    Staging {
        /// The stack.
        stack: String,
        /// `s3://bucket/key`.
        location: String,
        /// What S3 said.
        reason: String,
    },
    /// Assets that cannot be published (unsupported kinds, missing sources), every one; found
    /// before anything was changed.
    #[error("{}\nnothing was changed", .0.join("\n"))]
    Assets(Vec<String>),
    /// Another operation is running on the stack; nothing was changed.
    #[error("stack {stack} is busy ({status}): another operation is in progress; nothing was changed, try again when it ends")]
    StackBusy {
        /// The stack.
        stack: String,
        /// Its current status.
        status: StackStatus,
    },
    /// The stack is in a state that a deployment cannot proceed from.
    #[error("stack {stack} is in {status}{}: {advice}", reason_suffix(.reason))]
    NeedsAttention {
        /// The stack.
        stack: String,
        /// Its current status.
        status: StackStatus,
        /// CloudFormation's status reason.
        reason: Option<String>,
        /// What the user can do.
        advice: String,
    },
    /// CloudFormation could not create the change set.
    #[error("the change set for stack {stack} failed: {reason}")]
    ChangeSetFailed {
        /// The stack.
        stack: String,
        /// CloudFormation's status reason.
        reason: String,
    },
    /// Approval is required but nobody can be asked.
    #[error("{action} of {stack} needs approval ({why}) but standard input is not a terminal, so nobody can be asked; refusing to go ahead: {remedy}")]
    ApprovalRequired {
        /// "deployment" or "destroy".
        action: &'static str,
        /// The stack(s).
        stack: String,
        /// Why approval is needed.
        why: String,
        /// How to go ahead without a terminal.
        remedy: String,
    },
    /// The user answered no.
    #[error("{action} of stack {stack} cancelled by the user; nothing was changed")]
    Declined {
        /// "deployment" or "destroy".
        action: &'static str,
        /// The stack.
        stack: String,
    },
    /// The stack operation ended in a failure status.
    #[error("{}", failure_message(.stack, .status, .status_reason, .root_cause))]
    Failed {
        /// The stack.
        stack: String,
        /// The final status, e.g. `ROLLBACK_COMPLETE`.
        status: StackStatus,
        /// The stack's status reason.
        status_reason: Option<String>,
        /// The first failed resource event.
        root_cause: Option<Box<RootCause>>,
    },
    /// The stack's environment pins it to another account than the credentials' (one line per
    /// stack, every mismatch at once); nothing was changed.
    #[error("{}", .mismatches.join("\n"))]
    AccountMismatch {
        /// One line per stack: stack, its account, the caller's account.
        mismatches: Vec<String>,
    },
    /// Following a stack failed for longer than the retry patience (network down, endpoint gone).
    #[error(
        "lost contact with CloudFormation while following the {} of stack {stack} ({cause}); last known \
         status: {last_status}; CloudFormation goes on with the operation on its own: follow it with \
         `aws cloudformation describe-stack-events --stack-name {stack}`, or run the command again once it has finished",
        match .operation { Operation::Deploy => "deployment", Operation::Delete => "deletion" }
    )]
    LostContact {
        /// The stack.
        stack: String,
        /// What was being followed.
        operation: Operation,
        /// The last status seen.
        last_status: StackStatus,
        /// The last call's error.
        cause: String,
    },
    /// The stack reached a status CloudFormation does not document.
    #[error("stack {stack} is in {status}, a status this toolkit does not know; stopped following it (check the stack in the CloudFormation console)")]
    UnknownStatus {
        /// The stack.
        stack: String,
        /// The status as CloudFormation spelled it.
        status: String,
    },
    /// The run was stopped (Ctrl-C, SIGTERM, `--timeout`) before this step.
    #[error("{why}: stopped before starting anything new")]
    Stopped {
        /// Why.
        why: String,
    },
    /// A hotswap's service call failed (the stack's other resources may have been updated in
    /// place already; a deploy without `--hotswap` reconciles them all).
    #[error(
        "hotswapping {resource_type} {logical_id} of stack {stack} failed: {reason} (deploy without --hotswap to \
         update the stack through CloudFormation)"
    )]
    Hotswap {
        /// The stack.
        stack: String,
        /// The resource.
        logical_id: String,
        /// Its type.
        resource_type: String,
        /// The service's message.
        reason: String,
    },
    /// Several stacks of a run failed (`--concurrency`: the running ones go on after a first
    /// failure); each failure in full.
    #[error("{}", several_message(.0))]
    Several(Vec<DeployError>),
    /// Writing the outputs file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
}

fn several_message(failures: &[DeployError]) -> String {
    let mut s = format!("{} stacks failed:", failures.len());
    for f in failures {
        // Each failure's lines indented under its bullet.
        s.push_str(&format!("\n  - {}", f.to_string().replace('\n', "\n    ")));
    }
    s
}

fn failure_message(
    stack: &str,
    status: &StackStatus,
    reason: &Option<String>,
    root: &Option<Box<RootCause>>,
) -> String {
    let mut s = String::new();
    if let Some(root) = root {
        s.push_str(&format!("{root}\n"));
    }
    s.push_str(&format!("stack {stack} failed: {status}{}", reason_suffix(reason)));
    s
}

/// Turns an SDK error into [`DeployError::Api`]: the service's code and message when the
/// service answered, the whole error chain otherwise (connection refused, timeout...).
pub(crate) fn api_error<E, R>(
    operation: &'static str,
    stack: &str,
    err: &aws_sdk_cloudformation::error::SdkError<E, R>,
) -> DeployError
where
    E: aws_sdk_cloudformation::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    DeployError::Api { operation, stack: stack.to_string(), message: sdk_error_message("CloudFormation", err) }
}

/// The message of an SDK error of any service: `Code: message` when the service answered, the
/// whole error chain otherwise (connection refused, timeout...).
pub fn sdk_error_message<E, R>(service: &str, err: &aws_sdk_cloudformation::error::SdkError<E, R>) -> String
where
    E: aws_sdk_cloudformation::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    use aws_sdk_cloudformation::error::{DisplayErrorContext, SdkError};
    match err {
        SdkError::ServiceError(service_err) => {
            let e = service_err.err();
            match (e.code(), e.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                _ => DisplayErrorContext(err).to_string(),
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            // The innermost cause says what happened ("Connection refused (os error 111)"); the
            // layers above it only repeat it with connector internals.
            let mut cause: &dyn std::error::Error = err;
            while let Some(next) = cause.source() {
                cause = next;
            }
            let what =
                if matches!(err, SdkError::TimeoutError(_)) { "timed out".to_string() } else { cause.to_string() };
            format!(
                "cannot reach the {service} endpoint: {what} (check the endpoint and the network; \
                 for --local, is the emulator running? `scripts/localstack up`)"
            )
        }
        _ => DisplayErrorContext(err).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::config::http::HttpResponse;
    use aws_sdk_cloudformation::error::ConnectorError;
    use aws_sdk_cloudformation::error::SdkError;
    use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;

    #[test]
    fn unreachable_endpoint_names_the_cause_and_what_to_check() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        let err: SdkError<DescribeStacksError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let message = sdk_error_message("CloudFormation", &err);
        assert_eq!(
            message,
            "cannot reach the CloudFormation endpoint: Connection refused (os error 111) (check the endpoint and \
             the network; for --local, is the emulator running? `scripts/localstack up`)"
        );
    }
}

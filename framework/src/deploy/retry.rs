//! Retries of CloudFormation API calls: throttling and transient failures (network errors,
//! timeouts, 5xx answers) are retried with capped exponential backoff and jitter; everything
//! else (validation errors, access denied, a stack that does not exist) fails at once.
//!
//! The SDK's own retry layer is turned off (see `client.rs`) so that this module is the single
//! place that decides, and so that the long polling loops of a deployment survive a throttled
//! or dropped request instead of aborting half-way.

use std::future::Future;
use std::time::Duration;

use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};

/// How often and how patiently a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry of a transient failure (doubles each time).
    pub transient_base: Duration,
    /// Delay before the first retry of a throttled call (doubles each time).
    pub throttling_base: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
    /// When set, retryable failures are retried for this long (however many attempts that
    /// takes) instead of `max_attempts` times: following a stack rides out a network outage.
    pub patience: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            transient_base: Duration::from_millis(100),
            throttling_base: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
            patience: None,
        }
    }
}

impl RetryPolicy {
    /// Retries throttling and transient failures for `patience` in all.
    pub fn patient(patience: Duration) -> RetryPolicy {
        RetryPolicy { patience: Some(patience), ..RetryPolicy::default() }
    }
}

/// What the retries of calls went through, for callers that adapt (polling slows down after
/// throttling).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retries {
    /// Throttled attempts.
    pub throttled: u32,
    /// Attempts that failed transiently (network, timeout, 5xx).
    pub transient: u32,
}

/// What kind of failure an error is, for retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The service asked us to slow down.
    Throttling,
    /// A failure that may not happen again: network, timeout, server error.
    Transient,
    /// Retrying would give the same answer.
    Permanent,
}

/// How an SDK error failed, reduced to what [`classify_parts`] needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The request could not be built (bad input, no credentials).
    Construction,
    /// The request timed out.
    Timeout,
    /// The request could not be sent or the connection broke (`user` = a client-side problem
    /// such as a malformed endpoint, which retrying cannot fix).
    Dispatch {
        /// The failure is the caller's (not retryable).
        user: bool,
    },
    /// The response could not be read.
    Response,
    /// The service answered with an error.
    Service,
}

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
];

const TRANSIENT_CODES: &[&str] =
    &["RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable"];

/// Classifies a failure from its kind, error code and HTTP status.
pub fn classify_parts(kind: FailureKind, code: Option<&str>, status: Option<u16>) -> ErrorClass {
    match kind {
        FailureKind::Construction | FailureKind::Dispatch { user: true } => ErrorClass::Permanent,
        FailureKind::Timeout | FailureKind::Dispatch { user: false } | FailureKind::Response => ErrorClass::Transient,
        FailureKind::Service => {
            if code.is_some_and(|c| THROTTLING_CODES.contains(&c)) || status == Some(429) {
                ErrorClass::Throttling
            } else if code.is_some_and(|c| TRANSIENT_CODES.contains(&c))
                || matches!(status, Some(500 | 502 | 503 | 504))
            {
                ErrorClass::Transient
            } else {
                ErrorClass::Permanent
            }
        }
    }
}

/// Classifies an SDK error.
pub fn classify<E: ProvideErrorMetadata>(
    err: &SdkError<E, aws_sdk_cloudformation::config::http::HttpResponse>,
) -> ErrorClass {
    match err {
        SdkError::ConstructionFailure(_) => classify_parts(FailureKind::Construction, None, None),
        SdkError::TimeoutError(_) => classify_parts(FailureKind::Timeout, None, None),
        SdkError::DispatchFailure(d) => classify_parts(FailureKind::Dispatch { user: d.is_user() }, None, None),
        SdkError::ResponseError(_) => classify_parts(FailureKind::Response, None, None),
        SdkError::ServiceError(s) => {
            classify_parts(FailureKind::Service, s.err().code(), Some(s.raw().status().as_u16()))
        }
        _ => ErrorClass::Permanent,
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1 = the first retry) of a failure of `class`:
    /// `base * 2^(retry-1)` capped at `max_delay`, then scaled by `jitter` in [0.5, 1.0] so that
    /// clients throttled together do not retry together.
    pub fn delay(&self, class: ErrorClass, retry: u32, jitter: f64) -> Duration {
        let base = match class {
            ErrorClass::Throttling => self.throttling_base,
            _ => self.transient_base,
        };
        let exp = base.saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        capped.mul_f64(jitter.clamp(0.5, 1.0))
    }
}

/// A jitter factor in [0.5, 1.0) from the clock's sub-second digits (enough to spread retries;
/// no cryptographic quality needed).
fn jitter() -> f64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    0.5 + f64::from(nanos % 1000) / 2000.0
}

/// Runs `call` until it succeeds, fails permanently or runs out of attempts (or of patience).
pub async fn with_retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    call: F,
) -> Result<T, SdkError<E, aws_sdk_cloudformation::config::http::HttpResponse>>
where
    E: ProvideErrorMetadata,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, aws_sdk_cloudformation::config::http::HttpResponse>>>,
{
    with_retry_counted(policy, &mut Retries::default(), call).await
}

/// [`with_retry`], adding what the retries went through to `retries`.
pub async fn with_retry_counted<T, E, F, Fut>(
    policy: &RetryPolicy,
    retries: &mut Retries,
    mut call: F,
) -> Result<T, SdkError<E, aws_sdk_cloudformation::config::http::HttpResponse>>
where
    E: ProvideErrorMetadata,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, aws_sdk_cloudformation::config::http::HttpResponse>>>,
{
    let started = tokio::time::Instant::now();
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                let class = classify(&e);
                match class {
                    ErrorClass::Throttling => retries.throttled += 1,
                    ErrorClass::Transient => retries.transient += 1,
                    ErrorClass::Permanent => return Err(e),
                }
                // Past a few attempts the delay stays at its cap (it no longer doubles).
                let delay = policy.delay(class, attempt.min(16), jitter());
                let give_up = match policy.patience {
                    Some(patience) => started.elapsed() + delay > patience,
                    None => attempt >= policy.max_attempts,
                };
                if give_up {
                    return Err(e);
                }
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_codes_and_429_are_throttling() {
        for code in ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"] {
            assert_eq!(classify_parts(FailureKind::Service, Some(code), Some(400)), ErrorClass::Throttling, "{code}");
        }
        assert_eq!(classify_parts(FailureKind::Service, None, Some(429)), ErrorClass::Throttling);
    }

    #[test]
    fn server_errors_and_network_failures_are_transient() {
        assert_eq!(classify_parts(FailureKind::Service, Some("InternalFailure"), Some(500)), ErrorClass::Transient);
        assert_eq!(classify_parts(FailureKind::Service, None, Some(503)), ErrorClass::Transient);
        assert_eq!(classify_parts(FailureKind::Timeout, None, None), ErrorClass::Transient);
        assert_eq!(classify_parts(FailureKind::Dispatch { user: false }, None, None), ErrorClass::Transient);
        assert_eq!(classify_parts(FailureKind::Response, None, None), ErrorClass::Transient);
    }

    #[test]
    fn client_errors_are_permanent() {
        for code in ["ValidationError", "AccessDenied", "InsufficientCapabilitiesException", "AlreadyExistsException"] {
            assert_eq!(classify_parts(FailureKind::Service, Some(code), Some(400)), ErrorClass::Permanent, "{code}");
        }
        assert_eq!(classify_parts(FailureKind::Construction, None, None), ErrorClass::Permanent);
        assert_eq!(classify_parts(FailureKind::Dispatch { user: true }, None, None), ErrorClass::Permanent);
    }

    type Error = SdkError<
        aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError,
        aws_sdk_cloudformation::config::http::HttpResponse,
    >;

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(f)
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            transient_base: Duration::from_millis(1),
            throttling_base: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            patience: None,
        }
    }

    #[test]
    fn transient_failures_are_retried_until_success_or_the_last_attempt() {
        let mut calls = 0;
        let result: Result<&str, Error> = run(with_retry(&quick(), || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(SdkError::timeout_error("slow"))
                } else {
                    Ok("done")
                }
            }
        }));
        assert_eq!((result.unwrap(), calls), ("done", 3));

        let mut calls = 0;
        let result: Result<(), Error> = run(with_retry(&quick(), || {
            calls += 1;
            async { Err(SdkError::timeout_error("always slow")) }
        }));
        assert!(result.is_err());
        assert_eq!(calls, 4, "max_attempts in all");
    }

    #[test]
    fn a_patient_policy_retries_for_a_duration_and_counts() {
        let policy = RetryPolicy { patience: Some(Duration::from_millis(40)), ..quick() };
        let mut calls = 0;
        let mut retries = Retries::default();
        let t0 = std::time::Instant::now();
        let result: Result<(), Error> = run(with_retry_counted(&policy, &mut retries, || {
            calls += 1;
            async { Err(SdkError::timeout_error("network down")) }
        }));
        assert!(result.is_err());
        assert!(calls > quick().max_attempts, "not bounded by attempts: {calls}");
        assert!(
            t0.elapsed() >= Duration::from_millis(30) && t0.elapsed() < Duration::from_secs(2),
            "{:?}",
            t0.elapsed()
        );
        assert_eq!(retries, Retries { throttled: 0, transient: calls });
        assert_eq!(RetryPolicy::patient(Duration::from_secs(300)).patience, Some(Duration::from_secs(300)));
    }

    #[test]
    fn permanent_failures_are_not_retried() {
        let mut calls = 0;
        let result: Result<(), Error> = run(with_retry(&quick(), || {
            calls += 1;
            async { Err(SdkError::construction_failure("bad input")) }
        }));
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(ErrorClass::Transient, 1, 1.0), Duration::from_millis(100));
        assert_eq!(p.delay(ErrorClass::Transient, 2, 1.0), Duration::from_millis(200));
        assert_eq!(p.delay(ErrorClass::Transient, 4, 1.0), Duration::from_millis(800));
        assert_eq!(p.delay(ErrorClass::Throttling, 1, 1.0), Duration::from_millis(500));
        assert_eq!(p.delay(ErrorClass::Throttling, 5, 1.0), Duration::from_secs(5), "capped");
        assert_eq!(p.delay(ErrorClass::Throttling, 40, 1.0), Duration::from_secs(5), "no overflow");
        assert_eq!(p.delay(ErrorClass::Transient, 2, 0.5), Duration::from_millis(100));
        assert_eq!(p.delay(ErrorClass::Transient, 2, 0.0), Duration::from_millis(100), "jitter clamped");
        let j = jitter();
        assert!((0.5..1.0).contains(&j), "{j}");
    }
}

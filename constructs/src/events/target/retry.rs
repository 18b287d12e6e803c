//! How EventBridge retries a failed delivery to a target.

use std::collections::BTreeMap;
use std::time::Duration;

use framework::Value;

/// `RetryPolicy` of a target.
///
/// ```
/// use constructs::events::RetryPolicy;
/// use std::time::Duration;
/// let r = RetryPolicy::new().max_retry_attempts(3).max_event_age(Duration::from_secs(3600));
/// assert!(r.problems().is_empty());
/// assert!(RetryPolicy::new().max_retry_attempts(186).problems()[0].contains("0 to 185"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryPolicy {
    /// `MaximumRetryAttempts` (0-185).
    pub maximum_retry_attempts: Option<u32>,
    /// `MaximumEventAgeInSeconds` (60-86400).
    pub maximum_event_age_seconds: Option<u64>,
}

impl RetryPolicy {
    /// EventBridge's defaults (185 attempts over 24 hours) until set.
    pub fn new() -> RetryPolicy {
        RetryPolicy::default()
    }
    /// How many times to retry (0-185).
    pub fn max_retry_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.maximum_retry_attempts = Some(attempts);
        self
    }
    /// How long to keep retrying an event (60 s to 24 h, whole seconds).
    pub fn max_event_age(mut self, age: Duration) -> RetryPolicy {
        self.maximum_event_age_seconds = Some(age.as_secs());
        self
    }

    /// The `RetryPolicy` property value.
    pub fn to_value(&self) -> Value {
        let mut map = BTreeMap::new();
        if let Some(n) = self.maximum_retry_attempts {
            map.insert("MaximumRetryAttempts".to_string(), Value::from(n));
        }
        if let Some(n) = self.maximum_event_age_seconds {
            map.insert("MaximumEventAgeInSeconds".to_string(), Value::from(n));
        }
        Value::Map(map)
    }

    /// Every problem with the policy.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = self.maximum_retry_attempts {
            if n > 185 {
                out.push(format!("RetryPolicy.MaximumRetryAttempts must be 0 to 185 (got {n})"));
            }
        }
        if let Some(n) = self.maximum_event_age_seconds {
            if !(60..=86400).contains(&n) {
                out.push(format!("RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400 (got {n})"));
            }
        }
        out
    }
}

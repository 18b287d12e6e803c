//! The error every `try_*` assertion returns.

/// Why an assertion failed: a readable report of what was expected and what the template
/// holds instead (closest candidates, and where each one differs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AssertionError {
    message: String,
}

impl AssertionError {
    /// An error with the given report.
    pub fn new(message: impl Into<String>) -> AssertionError {
        AssertionError { message: message.into() }
    }

    /// The full report.
    pub fn message(&self) -> &str {
        &self.message
    }
}

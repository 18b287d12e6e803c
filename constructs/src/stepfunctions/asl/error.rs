//! The error of an invalid or unreadable definition.

/// Every problem found in a definition, each naming the state it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid state machine definition:\n  {}", problems.join("\n  "))]
pub struct DefinitionError {
    /// The problems, one message each.
    pub problems: Vec<String>,
}

impl DefinitionError {
    /// True when a problem contains `needle`.
    pub fn has(&self, needle: &str) -> bool {
        self.problems.iter().any(|p| p.contains(needle))
    }
}

//! Rules for construct ids.

/// Why an id is not acceptable, or `None` when it is.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        Some("construct id must not be empty".to_string())
    } else if id.contains('/') {
        Some(format!("construct id {id:?} must not contain '/' (it separates path components)"))
    } else if id.chars().any(char::is_control) {
        Some(format!("construct id {id:?} must not contain control characters"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(id_problem("Role").is_none());
        assert!(id_problem("Which Path?").is_none());
        assert!(id_problem("").unwrap().contains("empty"));
        assert!(id_problem("a/b").unwrap().contains("'/'"));
    }
}

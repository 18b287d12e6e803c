//! Wildcard values: `*` matches any run of characters; `\*` and `\\` are a literal `*` and `\`.

use crate::wildcard::Piece;

/// Parses a wildcard value, or says what is wrong with it (EventBridge's rules: no consecutive
/// `*`, and a backslash may only escape `*` or `\`).
pub(super) fn parse(value: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    return Err(format!(
                        "wildcard {value:?} has consecutive '*' at position {i}, which EventBridge does not allow"
                    ));
                }
                out.push(Piece::Star);
            }
            '\\' => match chars.get(i + 1) {
                Some(c @ ('*' | '\\')) => {
                    out.push(Piece::Char(*c));
                    i += 1;
                }
                _ => {
                    return Err(format!(
                        "wildcard {value:?} has a backslash at position {i} that escapes neither '*' nor '\\'"
                    ))
                }
            },
            c => out.push(Piece::Char(c)),
        }
        i += 1;
    }
    Ok(out)
}

/// The problem with a wildcard value, if any.
pub(crate) fn problem(value: &str) -> Option<String> {
    parse(value).err()
}

/// Does `text` match the wildcard `pattern`? (An invalid pattern matches nothing.)
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let Ok(pieces) = parse(pattern) else { return false };
    crate::wildcard::matches(&pieces, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_rules() {
        assert!(problem("Simple*Service").is_none());
        assert!(problem(r"a\*b\\c").is_none());
        assert!(problem("a**b").unwrap().contains("consecutive '*' at position 1"));
        assert!(problem(r"a\b").unwrap().contains("backslash at position 1"));
        assert!(problem("trailing\\").unwrap().contains("backslash"));
    }

    #[test]
    fn matching() {
        assert!(matches("Simple*Service", "SimpleQueueService"));
        assert!(matches("Simple*Service", "SimpleService"));
        assert!(!matches("Simple*Service", "SimpleQueueServices"));
        assert!(matches("*/bin/*.jar", "/usr/bin/app.jar"));
        assert!(!matches("*/bin/*.jar", "/usr/lib/app.jar"));
        assert!(matches(r"a\*b", "a*b"));
        assert!(!matches(r"a\*b", "axb"));
        assert!(matches("*", ""));
        assert!(matches("a*a*a", "aaaa"));
        assert!(!matches("a**", "a"));
    }
}

//! Wildcard values: `*` matches any run of characters; `\*` and `\\` are a literal `*` and `\`.

use crate::wildcard::Piece;

/// Parses a wildcard value, or says what is wrong with it (EventBridge's rules: no consecutive
/// `*`, and a backslash may only escape `*` or `\`).
pub(super) fn parse(value: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::with_capacity(value.len());
    parse_into(value, |p| out.push(p)).map_err(|(i, what)| match what {
        Problem::Stars => {
            format!("wildcard {value:?} has consecutive '*' at position {i}, which EventBridge does not allow")
        }
        Problem::Escape => {
            format!("wildcard {value:?} has a backslash at position {i} that escapes neither '*' nor '\\'")
        }
    })?;
    Ok(out)
}

enum Problem {
    Stars,
    Escape,
}

/// The pieces of a wildcard value, one by one, or where (in characters) and what its problem is.
fn parse_into(value: &str, mut push: impl FnMut(Piece)) -> Result<(), (usize, Problem)> {
    let mut chars = value.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '*' => {
                if matches!(chars.peek(), Some((_, '*'))) {
                    return Err((i, Problem::Stars));
                }
                push(Piece::Star);
            }
            '\\' => match chars.next() {
                Some((_, c @ ('*' | '\\'))) => push(Piece::Char(c)),
                _ => return Err((i, Problem::Escape)),
            },
            c => push(Piece::Char(c)),
        }
    }
    Ok(())
}

/// The problem with a wildcard value, if any.
pub(crate) fn problem(value: &str) -> Option<String> {
    parse(value).err()
}

/// Does `text` match the wildcard `pattern`? (An invalid pattern matches nothing.)
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    // Patterns are short: their pieces go on the stack when they fit.
    let mut stack = [Piece::Star; 64];
    let mut n = 0;
    let mut heap = Vec::new();
    let parsed = parse_into(pattern, |p| {
        if n < stack.len() {
            stack[n] = p;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&stack);
            }
            heap.push(p);
        }
        n += 1;
    });
    if parsed.is_err() {
        return false;
    }
    let pieces = if n <= stack.len() { &stack[..n] } else { &heap[..] };
    crate::wildcard::matches(pieces, text)
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

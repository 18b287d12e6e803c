//! Matching a wildcard pattern (`*` = any run of characters, everything else literal) against a
//! text: shared by EventBridge's `wildcard` pattern operator and Step Functions' `StringMatches`.
//! Each service parses its own pattern syntax (their escapes and rules differ) into [`Piece`]s.

/// One piece of a parsed wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// `*`: any run of characters, the empty one included.
    Star,
    /// This character, literally.
    Char(char),
}

/// Whether `text` matches `pieces`: greedy, backtracking to the last star seen, linear in
/// practice (no exponential blow-up on patterns like `*a*a*a*b`).
pub(crate) fn matches(pieces: &[Piece], text: &str) -> bool {
    // Positions in `text` are byte offsets at character boundaries.
    let next = |t: usize| text[t..].chars().next().map(|c| (c, t + c.len_utf8()));
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some((c, after)) = next(t) {
        match pieces.get(p) {
            Some(Piece::Char(want)) if *want == c => {
                p += 1;
                t = after;
            }
            Some(Piece::Star) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    // The star takes one more character.
                    let st = next(st).map_or(text.len(), |(_, a)| a);
                    p = sp + 1;
                    t = st;
                    star = Some((sp, st));
                }
                None => return false,
            },
        }
    }
    pieces[p..].iter().all(|piece| *piece == Piece::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(pattern: &str) -> Vec<Piece> {
        pattern.chars().map(|c| if c == '*' { Piece::Star } else { Piece::Char(c) }).collect()
    }

    #[test]
    fn stars_match_any_run_and_backtrack() {
        assert!(matches(&pieces("*.log"), "app.log") && matches(&pieces("a*b*c"), "aXXbYYc"));
        assert!(matches(&pieces("*"), "") && matches(&pieces(""), "") && !matches(&pieces(""), "x"));
        assert!(!matches(&pieces("a*b"), "acbd") && matches(&pieces("*a*a*b"), "aaaaaaaaab"));
        assert!(!matches(&pieces("*a*a*a*b"), &"a".repeat(10_000)), "linear, not exponential");
        assert!(matches(&[Piece::Char('*')], "*") && !matches(&[Piece::Char('*')], "x"), "a literal star");
    }
}

//! JSON held in strings (a state machine `DefinitionString`, a policy as text, or an `Fn::Join`
//! of JSON parts): pretty-printed and compared line by line with `similar`.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::intrinsics::render_intrinsics;

/// Lines of context kept around each change.
const CONTEXT: usize = 3;

/// The pretty-printed JSON document that `v` holds as text, if it holds one: a string that parses
/// as a JSON object or array, or an `Fn::Join` whose parts (literals, with references rendered as
/// `${A.Attr}`) join into one.
pub fn json_text(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Join") => match render_intrinsics(v) {
            Value::String(s) => s,
            _ => return None,
        },
        _ => return None,
    };
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let parsed: Value = serde_json::from_str(&text).ok()?;
    serde_json::to_string_pretty(&parsed).ok()
}

/// One line of a line diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// Unchanged context line.
    Same(String),
    /// Line only in the old text.
    Removed(String),
    /// Line only in the new text.
    Added(String),
    /// Unchanged lines left out between two hunks.
    Gap,
}

/// A line diff of two texts, with 3 lines of context around each change; unchanged lines left out
/// (before, between and after the changes) are marked by a [`DiffLine::Gap`].
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    let groups = diff.grouped_ops(CONTEXT);
    let old_len = diff.old_slices().len();
    for (i, group) in groups.iter().enumerate() {
        let starts_late = group.first().is_some_and(|op| op.old_range().start > 0);
        if i > 0 || starts_late {
            out.push(DiffLine::Gap);
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches(['\n', '\r']).to_string();
                out.push(match change.tag() {
                    ChangeTag::Equal => DiffLine::Same(text),
                    ChangeTag::Delete => DiffLine::Removed(text),
                    ChangeTag::Insert => DiffLine::Added(text),
                });
            }
        }
    }
    if groups.last().and_then(|g| g.last()).is_some_and(|op| op.old_range().end < old_len) {
        out.push(DiffLine::Gap);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_and_literal_joins_hold_json() {
        assert!(json_text(&json!("{\"a\":1}")).is_some());
        assert!(json_text(&json!("[1,2]")).is_some());
        assert!(json_text(&json!("arn:aws:x")).is_none());
        assert!(json_text(&json!("{not json")).is_none());
        let join = json!({"Fn::Join": ["", ["{\"Resource\":\"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\"}"]]});
        assert_eq!(json_text(&join).unwrap(), "{\n  \"Resource\": \"${Fn.Arn}\"\n}");
    }

    #[test]
    fn line_diff_keeps_context_and_marks_gaps() {
        let old: String = (0..20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 2\n", "line two\n").replace("line 17\n", "line seventeen\n");
        let d = line_diff(&old, &new);
        assert!(d.contains(&DiffLine::Removed("line 2".into())));
        assert!(d.contains(&DiffLine::Added("line two".into())));
        assert_eq!(d.iter().filter(|l| **l == DiffLine::Gap).count(), 1, "{d:?}");
        assert_eq!(d.first(), Some(&DiffLine::Same("line 0".into())));
        assert_eq!(d.last(), Some(&DiffLine::Same("line 19".into())));
        let tail = line_diff(&old, &old.replace("line 18\n", "line eighteen\n"));
        assert_eq!(tail.first(), Some(&DiffLine::Gap));
        assert_eq!(tail.last(), Some(&DiffLine::Same("line 19".into())));
        let head = line_diff(&old, &old.replace("line 1\n", "line one\n"));
        assert_eq!(head.last(), Some(&DiffLine::Gap));
        assert!(!d.contains(&DiffLine::Same("line 10".into())));
        assert!(line_diff(&old, &old).is_empty());
    }
}

//! Short, single-line renderings of JSON values for failure messages.

use serde_json::Value as Json;

/// Longest rendering of a value inside a message before it is cut with `…`.
pub(crate) const MAX_VALUE_CHARS: usize = 160;

/// Compact JSON text of `value`, cut at [`MAX_VALUE_CHARS`] characters.
pub(crate) fn value(value: &Json) -> String {
    truncate(&value.to_string(), MAX_VALUE_CHARS)
}

/// `text` cut to at most `max` characters, ending with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What kind of JSON value this is, with an article: "a string", "an object", "null".
pub(crate) fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) if intrinsic_name(value).is_some() => "an intrinsic function",
        Json::Object(_) => "an object",
    }
}

/// The intrinsic function name when `value` is `{"Ref": ..}` or `{"Fn::X": ..}`.
pub(crate) fn intrinsic_name(value: &Json) -> Option<&str> {
    let obj = value.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    let key = obj.keys().next()?;
    (key == "Ref" || key == "Condition" || key.starts_with("Fn::")).then_some(key.as_str())
}

/// A value with its kind when that helps, e.g. `3 (a number)` or `{"Ref":"X"} (a Ref intrinsic)`.
pub(crate) fn value_with_kind(v: &Json) -> String {
    match intrinsic_name(v) {
        Some(name) => format!("{} (a {name} intrinsic)", value(v)),
        None => format!("{} ({})", value(v), kind(v)),
    }
}

/// Pluralizes `word` for `n`: `1 resource`, `2 resources`.
pub(crate) fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truncates_long_values_with_an_ellipsis() {
        let long = "x".repeat(500);
        let rendered = value(&json!(long));
        assert_eq!(rendered.chars().count(), MAX_VALUE_CHARS);
        assert!(rendered.ends_with('…'));
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn names_kinds_and_intrinsics() {
        assert_eq!(kind(&json!(null)), "null");
        assert_eq!(kind(&json!([1])), "an array");
        assert_eq!(kind(&json!({"a": 1})), "an object");
        assert_eq!(kind(&json!({"Ref": "X"})), "an intrinsic function");
        assert_eq!(intrinsic_name(&json!({"Fn::GetAtt": ["A", "Arn"]})), Some("Fn::GetAtt"));
        assert_eq!(intrinsic_name(&json!({"Fn::GetAtt": 1, "b": 2})), None);
        assert_eq!(value_with_kind(&json!(3)), "3 (a number)");
        assert_eq!(value_with_kind(&json!({"Ref": "X"})), r#"{"Ref":"X"} (a Ref intrinsic)"#);
        assert_eq!(count(1, "resource"), "1 resource");
        assert_eq!(count(0, "resource"), "0 resources");
    }
}

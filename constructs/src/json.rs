//! Small helpers on JSON values shared by the event-target delivery (`events::target`) and the
//! States Language interpreter (`stepfunctions::interpreter`).

use serde_json::Value;

/// The kind of a value, with its article, for messages: "null", "a boolean", "an array"...
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether `value` nests deeper than `limit` levels (a scalar is 1 level); an explicit stack, no
/// recursion, so any depth is safe.
pub(crate) fn depth_exceeds(value: &Value, limit: usize) -> bool {
    let mut stack = vec![(value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_counts_levels() {
        assert!(!depth_exceeds(&json!(1), 1));
        assert!(!depth_exceeds(&json!([1]), 2));
        assert!(depth_exceeds(&json!([1]), 1));
        assert!(depth_exceeds(&json!({"a": {"b": [true]}}), 3));
        assert!(!depth_exceeds(&json!({"a": {"b": [true]}}), 4));
        let deep: Value = serde_json::from_str(&format!("{}{}", "[".repeat(100), "]".repeat(100))).unwrap();
        assert!(depth_exceeds(&deep, 99) && !depth_exceeds(&deep, 100));
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name(&json!(null)), "null");
        assert_eq!(type_name(&json!("x")), "a string");
        assert_eq!(type_name(&json!({})), "an object");
    }
}

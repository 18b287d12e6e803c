//! Equality of template values as CloudFormation sees it.
//!
//! CloudFormation passes scalar property values to resource handlers as strings, so `"true"` and
//! `true`, `"10"` and `10` are the same value. `DependsOn` is a set (order and the string vs.
//! one-element list forms do not matter), and `aws:cdk:*` metadata keys are toolkit bookkeeping.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// Whether two template values are equal for CloudFormation: objects and arrays recursively,
/// scalars by their string form (and numerically when one side is a number).
pub fn cfn_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| cfn_equal(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| cfn_equal(v, w)),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => {
            s == if *x { "true" } else { "false" }
        }
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            *s == n.to_string() || s.parse::<f64>().ok().zip(n.as_f64()).is_some_and(|(p, q)| p == q)
        }
        _ => false,
    }
}

/// The `DependsOn` attribute as a set of logical IDs (`"A"` and `["A"]` are the same).
/// Non-string entries are kept in their JSON text form so that they still compare.
pub fn depends_on_set(v: Option<&Value>) -> BTreeSet<String> {
    match v {
        None | Some(Value::Null) => BTreeSet::new(),
        Some(Value::String(s)) => BTreeSet::from([s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(other) => BTreeSet::from([other.to_string()]),
    }
}

/// Resource `Metadata` without the `aws:cdk:*` keys; `None` when nothing else is left.
pub fn user_metadata(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::Object(m) => {
            let kept: Map<String, Value> =
                m.iter().filter(|(k, _)| !k.starts_with("aws:cdk:")).map(|(k, v)| (k.clone(), v.clone())).collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        Value::Null => None,
        other => Some(other.clone()),
    }
}

/// Paths (segments below the compared values; array indices as decimal text) of the places where
/// `old` and `new` differ, as deep as the structures allow. Arrays of different lengths and values
/// of different shapes differ as a whole. `None` stands for an absent value.
pub fn changed_paths(old: Option<&Value>, new: Option<&Value>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(old, new, &mut path, &mut out);
    out
}

fn walk(old: Option<&Value>, new: Option<&Value>, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match (old, new) {
        (None, None) => {}
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                path.push(k.clone());
                walk(a.get(k), b.get(k), path, out);
                path.pop();
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                path.push(i.to_string());
                walk(Some(x), Some(y), path, out);
                path.pop();
            }
        }
        (Some(a), Some(b)) if cfn_equal(a, b) => {}
        _ => out.push(path.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_compare_by_string_form() {
        assert!(cfn_equal(&json!("true"), &json!(true)));
        assert!(cfn_equal(&json!(false), &json!("false")));
        assert!(cfn_equal(&json!("10"), &json!(10)));
        assert!(cfn_equal(&json!(10), &json!("10.0")));
        assert!(cfn_equal(&json!(10), &json!(10.0)));
        assert!(!cfn_equal(&json!("10"), &json!("10.0")));
        assert!(!cfn_equal(&json!("true"), &json!(false)));
        assert!(!cfn_equal(&json!("yes"), &json!(true)));
        assert!(!cfn_equal(&json!(null), &json!("")));
        assert!(!cfn_equal(&json!(" 10"), &json!(10)));
    }

    #[test]
    fn objects_and_arrays_recursively() {
        assert!(cfn_equal(&json!({"a": {"b": ["1", true]}}), &json!({"a": {"b": [1, "true"]}})));
        assert!(!cfn_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!cfn_equal(&json!([1, 2]), &json!([2, 1])));
    }

    #[test]
    fn depends_on_is_a_set() {
        assert_eq!(depends_on_set(Some(&json!("A"))), depends_on_set(Some(&json!(["A"]))));
        assert_eq!(depends_on_set(Some(&json!(["B", "A"]))), depends_on_set(Some(&json!(["A", "B"]))));
        assert!(depends_on_set(None).is_empty());
    }

    #[test]
    fn cdk_metadata_is_ignored() {
        assert_eq!(user_metadata(Some(&json!({"aws:cdk:path": "S/R"}))), None);
        assert_eq!(user_metadata(Some(&json!({"aws:cdk:path": "S/R", "Owner": "me"}))), Some(json!({"Owner": "me"})));
    }

    #[test]
    fn changed_paths_go_deep() {
        let old = json!({"A": {"B": 1, "C": [1, 2]}, "D": [1]});
        let new = json!({"A": {"B": "1", "C": [1, 3]}, "D": [1, 2], "E": true});
        let paths = changed_paths(Some(&old), Some(&new));
        assert_eq!(paths, vec![vec!["A", "C", "1"], vec!["D"], vec!["E"]]);
        assert!(changed_paths(Some(&old), Some(&old)).is_empty());
        assert_eq!(changed_paths(None, Some(&json!(1))), vec![Vec::<String>::new()]);
    }
}

//! Importing an existing JSON pattern into the typed model, reporting every problem.

use framework::{json_kind, Pseudo, Value};
use serde_json::{Map, Value as J};

use super::matcher::{AnythingBut, AnythingButKind, Matcher};
use super::numeric::{CmpOp, Numeric};
use super::object::{PatternField, PatternObject};
use crate::num::Num;

/// Parses a pattern object; structural problems go to `out` with their field path.
pub(crate) fn parse_root(json: &J, out: &mut Vec<String>) -> PatternObject {
    match json {
        J::Object(map) => parse_object(map, "", out),
        other => {
            out.push(format!("the event pattern must be a JSON object, not {}", json_kind(other)));
            PatternObject::new()
        }
    }
}

fn parse_object(map: &Map<String, J>, path: &str, out: &mut Vec<String>) -> PatternObject {
    let mut obj = PatternObject::new();
    for (name, value) in map {
        let field_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        // `$or` followed by an object, or by an array with no object, is an ordinary field named
        // "$or" (event-ruler's README, "The backward compatibility of using "$or" as field name in
        // the rule"); only an array of objects is a set of alternatives.
        let legacy_field = match value {
            J::Object(_) => true,
            J::Array(items) => !items.iter().any(J::is_object),
            _ => false,
        };
        if name == "$or" && !legacy_field {
            match value {
                J::Array(items) => {
                    let mut alts = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        match item {
                            J::Object(m) => alts.push(parse_object(m, &format!("{field_path}[{i}]"), out)),
                            other => out.push(format!(
                                "{field_path}[{i}]: $or alternatives must be objects, not {}",
                                json_kind(other)
                            )),
                        }
                    }
                    obj.any_of = Some(alts);
                }
                other => {
                    out.push(format!("{field_path}: must be an array of at least 2 objects, not {}", json_kind(other)))
                }
            }
            continue;
        }
        match value {
            J::Object(m) => {
                obj.fields.insert(name.clone(), PatternField::Object(parse_object(m, &field_path, out)));
            }
            J::Array(items) => {
                let matchers = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| parse_matcher(item, &format!("{field_path}[{i}]"), out))
                    .collect();
                obj.fields.insert(name.clone(), PatternField::Matchers(matchers));
            }
            other => out.push(format!(
                "{field_path}: must be an object or an array of matchers, not {} (write [{other}])",
                json_kind(other)
            )),
        }
    }
    obj
}

/// A CloudFormation intrinsic used as a value (`{"Ref": "AWS::AccountId"}`, `{"Fn::Sub": "..."}`).
fn intrinsic(map: &Map<String, J>) -> Option<Value> {
    if map.len() != 1 {
        return None;
    }
    match map.iter().next()? {
        (k, J::String(name)) if k == "Ref" => Pseudo::from_name(name).map(Value::Pseudo),
        (k, J::String(template)) if k == "Fn::Sub" => Some(Value::sub(template.clone())),
        _ => None,
    }
}

/// A scalar value or intrinsic inside an operator.
fn operand(v: &J) -> Value {
    match v {
        J::Object(m) => intrinsic(m).unwrap_or_else(|| Value::from(v.clone())),
        other => Value::from(other.clone()),
    }
}

fn parse_matcher(item: &J, path: &str, out: &mut Vec<String>) -> Option<Matcher> {
    let map = match item {
        J::Object(map) => map,
        J::Array(_) => {
            out.push(format!("{path}: a matcher cannot be an array"));
            return None;
        }
        scalar => return Some(Matcher::Exact(Value::from(scalar.clone()))),
    };
    if let Some(token) = intrinsic(map) {
        return Some(Matcher::Exact(token));
    }
    let mut entries = map.iter();
    let (op, value) = match (entries.next(), map.len()) {
        (Some(entry), 1) => entry,
        (None, _) => {
            out.push(format!("{path}: a matcher object needs an operator (it is empty)"));
            return None;
        }
        _ => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            out.push(format!("{path}: a matcher object must have exactly one operator (found {})", keys.join(", ")));
            return None;
        }
    };
    let ignore_case = |v: &J, wrap: fn(Value) -> Matcher, plain: fn(Value) -> Matcher, out: &mut Vec<String>| match v {
        J::Object(inner) if intrinsic(inner).is_none() => match single(inner) {
            Some(("equals-ignore-case", x)) => Some(wrap(operand(x))),
            _ => {
                out.push(format!("{path}: {op} accepts a string or {{\"equals-ignore-case\": string}}"));
                None
            }
        },
        other => Some(plain(operand(other))),
    };
    match op.as_str() {
        "exactly" => match value {
            J::String(s) => Some(Matcher::Exact(Value::from(s.as_str()))),
            other => {
                out.push(format!("{path}: exactly must be a string, not {}", json_kind(other)));
                None
            }
        },
        "prefix" => ignore_case(value, Matcher::PrefixIgnoreCase, Matcher::Prefix, out),
        "suffix" => ignore_case(value, Matcher::SuffixIgnoreCase, Matcher::Suffix, out),
        "equals-ignore-case" => Some(Matcher::EqualsIgnoreCase(operand(value))),
        "wildcard" => Some(Matcher::Wildcard(operand(value))),
        "cidr" => Some(Matcher::Cidr(operand(value))),
        "exists" => match value {
            J::Bool(b) => Some(Matcher::Exists(*b)),
            other => {
                out.push(format!("{path}: exists must be true or false, not {}", json_kind(other)));
                None
            }
        },
        "numeric" => parse_numeric(value, path, out).map(Matcher::Numeric),
        "anything-but" => parse_anything_but(value, path, out).map(Matcher::AnythingBut),
        other => {
            out.push(format!(
                "{path}: unknown operator {other:?} (EventBridge knows prefix, suffix, equals-ignore-case, \
                 wildcard, anything-but, numeric, exists, cidr)"
            ));
            None
        }
    }
}

fn single(map: &Map<String, J>) -> Option<(&str, &J)> {
    if map.len() == 1 {
        map.iter().next().map(|(k, v)| (k.as_str(), v))
    } else {
        None
    }
}

fn parse_numeric(value: &J, path: &str, out: &mut Vec<String>) -> Option<Numeric> {
    let J::Array(items) = value else {
        out.push(format!("{path}: numeric must be an array like [\">\", 0, \"<=\", 5], not {}", json_kind(value)));
        return None;
    };
    if items.len() > 4 {
        out.push(format!("{path}: numeric has too many terms ({} elements; at most 4)", items.len()));
        return None;
    }
    if items.len() % 2 != 0 {
        out.push(format!("{path}: numeric must alternate operators and numbers (odd number of elements)"));
        return None;
    }
    let mut terms = Vec::new();
    let mut ok = true;
    for pair in items.chunks(2) {
        let op = match &pair[0] {
            J::String(s) => match CmpOp::parse(s) {
                Some(op) => Some(op),
                None => {
                    out.push(format!("{path}: numeric operator {s:?} is not one of =, <, <=, >, >="));
                    None
                }
            },
            other => {
                out.push(format!("{path}: numeric expected an operator string, found {}", json_kind(other)));
                None
            }
        };
        let n = match &pair[1] {
            J::Number(n) => Some(Num::from_json(n)),
            other => {
                out.push(format!("{path}: numeric operator values must be numbers, found {}", json_kind(other)));
                None
            }
        };
        match (op, n) {
            (Some(op), Some(n)) => terms.push((op, n)),
            _ => ok = false,
        }
    }
    ok.then(|| Numeric::from_terms(terms))
}

fn parse_anything_but(value: &J, path: &str, out: &mut Vec<String>) -> Option<AnythingBut> {
    let values_of = |v: &J| -> (Vec<Value>, bool) {
        match v {
            J::Array(items) => (items.iter().map(operand).collect(), true),
            other => (vec![operand(other)], false),
        }
    };
    match value {
        J::Object(map) if intrinsic(map).is_none() => {
            let Some((inner, v)) = single(map) else {
                out.push(format!("{path}: anything-but object must have exactly one operator"));
                return None;
            };
            let kind = match inner {
                "prefix" => AnythingButKind::Prefix,
                "suffix" => AnythingButKind::Suffix,
                "equals-ignore-case" => AnythingButKind::EqualsIgnoreCase,
                "wildcard" => AnythingButKind::Wildcard,
                "anything-but" => {
                    out.push(format!("{path}: anything-but cannot be nested inside anything-but"));
                    return None;
                }
                other => {
                    out.push(format!(
                        "{path}: anything-but cannot contain {other:?}; only prefix, suffix, equals-ignore-case or wildcard"
                    ));
                    return None;
                }
            };
            if let J::Object(_) = v {
                out.push(format!("{path}: anything-but {inner} must be a string or a list of strings"));
                return None;
            }
            let (values, listed) = values_of(v);
            Some(AnythingBut { kind, values, listed })
        }
        J::Null | J::Bool(_) => {
            out.push(format!(
                "{path}: anything-but must be a string, a number, a list, or an object, not {}",
                json_kind(value)
            ));
            None
        }
        other => {
            let (values, listed) = values_of(other);
            Some(AnythingBut { kind: AnythingButKind::Values, values, listed })
        }
    }
}

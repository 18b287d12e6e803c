//! Small value types shared by the states: transitions and nullable paths, and the checks on
//! paths and payload templates (`Parameters`, `ResultSelector`, `ItemSelector`).

use std::collections::BTreeMap;

use framework::Value;

use super::syntax::{json_path_problem, path_or_intrinsic_problem, reference_path_problem};

/// Where a state goes next: another state, or the end of the (sub-)workflow.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// `"Next": <state name>`.
    Next(String),
    /// `"End": true`.
    End,
}

impl Transition {
    pub(crate) fn render(this: &Option<Transition>, out: &mut BTreeMap<String, Value>) {
        match this {
            Some(Transition::Next(n)) => {
                out.insert("Next".into(), n.into());
            }
            Some(Transition::End) => {
                out.insert("End".into(), true.into());
            }
            None => {}
        }
    }
}

/// A path field that may also be JSON `null` (`InputPath`, `OutputPath`, `ResultPath`):
/// `null` means "use `{}` as input" / "discard the output" / "discard the result".
#[derive(Debug, Clone, PartialEq)]
pub enum PathOrNull {
    /// A JSONPath.
    Path(String),
    /// JSON `null`.
    Null,
}

impl<S: Into<String>> From<S> for PathOrNull {
    fn from(s: S) -> Self {
        PathOrNull::Path(s.into())
    }
}

impl PathOrNull {
    pub(crate) fn to_value(&self) -> Value {
        match self {
            PathOrNull::Path(p) => p.into(),
            PathOrNull::Null => Value::Null,
        }
    }
}

/// Inserts `value` under `key` when present.
pub(crate) fn put(out: &mut BTreeMap<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        out.insert(key.into(), v.into());
    }
}

/// Checks an `InputPath` / `OutputPath` (any JSONPath, or null).
pub(crate) fn check_path(ctx: &str, field: &str, path: &Option<PathOrNull>, out: &mut Vec<String>) {
    if let Some(PathOrNull::Path(p)) = path {
        if let Some(why) = json_path_problem(p) {
            out.push(format!("{ctx}: {field} {why}"));
        }
    }
}

/// Checks a `ResultPath` (a reference path, or null).
pub(crate) fn check_reference_path(ctx: &str, field: &str, path: &Option<PathOrNull>, out: &mut Vec<String>) {
    if let Some(PathOrNull::Path(p)) = path {
        if let Some(why) = reference_path_problem(p) {
            out.push(format!("{ctx}: {field} {why}"));
        }
    }
}

/// Checks a payload template: every key ending in `.$` must hold a path or an intrinsic function.
pub(crate) fn check_payload(ctx: &str, field: &str, template: &Option<Value>, out: &mut Vec<String>) {
    fn walk(ctx: &str, at: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Map(map) => {
                for (k, item) in map {
                    let here = format!("{at}.{k}");
                    if k.ends_with(".$") {
                        match item {
                            Value::String(s) => {
                                if let Some(why) = path_or_intrinsic_problem(s) {
                                    out.push(format!("{ctx}: {here}: {why}"));
                                }
                            }
                            v if v.is_token() => {}
                            _ => out.push(format!(
                                "{ctx}: {here}: a field ending in `.$` must hold a path or an intrinsic function string"
                            )),
                        }
                    } else {
                        walk(ctx, &here, item, out);
                    }
                }
            }
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(ctx, &format!("{at}[{i}]"), item, out);
                }
            }
            _ => {}
        }
    }
    if let Some(v) = template {
        walk(ctx, field, v, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_paths_are_checked() {
        let mut out = Vec::new();
        let tpl = Value::map([
            ("ok.$", Value::from("$.a")),
            ("fn.$", Value::from("States.Format('{}', $.a)")),
            ("bad.$", Value::from("a.b")),
            ("badfn.$", Value::from("States.Nope()")),
            ("nested", Value::map([("n.$", Value::from(3))])),
        ]);
        check_payload("state \"T\"", "Parameters", &Some(tpl), &mut out);
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(out[0].contains("Parameters.bad.$") && out[0].contains("neither a path"), "{out:?}");
        assert!(out[1].contains("Parameters.badfn.$") && out[1].contains("unknown intrinsic"), "{out:?}");
        assert!(out[2].contains("Parameters.nested.n.$") && out[2].contains("must hold a path"), "{out:?}");
    }

    #[test]
    fn paths_are_checked() {
        let mut out = Vec::new();
        check_path("state \"A\"", "InputPath", &Some("x".into()), &mut out);
        check_reference_path("state \"A\"", "ResultPath", &Some("$.a[*]".into()), &mut out);
        check_path("state \"A\"", "OutputPath", &Some(PathOrNull::Null), &mut out);
        assert_eq!(out.len(), 2);
        assert!(out[0].starts_with("state \"A\": InputPath"));
        assert!(out[1].contains("ResultPath") && out[1].contains("reference path"));
    }
}

//! What a target receives: the event (default), a literal, a part of the event, or a
//! transformation of it.

use std::collections::BTreeMap;

use framework::Value;

/// Placeholders EventBridge fills in without an `InputPathsMap` entry.
pub const PREDEFINED_PLACEHOLDERS: &[&str] = &[
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
];

/// The input a target receives. The three forms are exclusive by construction.
///
/// ```
/// use constructs::events::{InputTransformer, RuleTargetInput};
/// use framework::Value;
/// let literal = RuleTargetInput::literal(Value::map([("Path", "A")]));
/// let path = RuleTargetInput::from_event_path("$.detail");
/// let t = RuleTargetInput::transform(
///     InputTransformer::new(r#"{"path": <path>, "rule": <aws.events.rule-name>}"#).path("path", "$.detail.Path"),
/// );
/// assert!(t.problems().is_empty());
/// # let _ = (literal, path);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum RuleTargetInput {
    /// A fixed JSON value, sent as JSON text (`Input`).
    Literal(Value),
    /// The part of the event at a JSONPath (`InputPath`).
    EventPath(Value),
    /// Values picked from the event, placed into a template (`InputTransformer`).
    Transformer(InputTransformer),
}

impl RuleTargetInput {
    /// A fixed JSON value (objects, strings, numbers; tokens allowed).
    pub fn literal(value: impl Into<Value>) -> RuleTargetInput {
        RuleTargetInput::Literal(value.into())
    }
    /// The part of the event at `json_path` (e.g. `$.detail`).
    pub fn from_event_path(json_path: impl Into<Value>) -> RuleTargetInput {
        RuleTargetInput::EventPath(json_path.into())
    }
    /// An input transformer.
    pub fn transform(transformer: InputTransformer) -> RuleTargetInput {
        RuleTargetInput::Transformer(transformer)
    }

    /// Every problem with the input.
    pub fn problems(&self) -> Vec<String> {
        match self {
            RuleTargetInput::Literal(v) => {
                let size = super::super::pattern::value_to_json(v)
                    .and_then(|j| serde_json::to_string(&j).ok())
                    .map(|s| s.chars().count());
                match size {
                    Some(n) if n > 8192 => vec![format!("Input is {n} characters long; at most 8192")],
                    _ => Vec::new(),
                }
            }
            RuleTargetInput::EventPath(p) => json_path_problems("InputPath", p),
            RuleTargetInput::Transformer(t) => t.problems(),
        }
    }
}

/// `InputTransformer`: `InputPathsMap` (placeholder name -> JSONPath in the event) and the
/// `InputTemplate` that uses `<name>` placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct InputTransformer {
    /// Placeholder name -> JSONPath.
    pub paths: BTreeMap<String, Value>,
    /// The template (text or JSON with `<name>` placeholders).
    pub template: Value,
}

impl InputTransformer {
    /// A transformer with `template` and no paths yet.
    pub fn new(template: impl Into<Value>) -> InputTransformer {
        InputTransformer { paths: BTreeMap::new(), template: template.into() }
    }
    /// Maps placeholder `name` to the value at `json_path` in the event.
    pub fn path(mut self, name: impl Into<String>, json_path: impl Into<Value>) -> InputTransformer {
        self.paths.insert(name.into(), json_path.into());
        self
    }

    /// The `InputTransformer` property value.
    pub fn to_value(&self) -> Value {
        let mut map = BTreeMap::new();
        map.insert("InputTemplate".to_string(), self.template.clone());
        if !self.paths.is_empty() {
            map.insert("InputPathsMap".to_string(), Value::Map(self.paths.clone()));
        }
        Value::Map(map)
    }

    /// Every problem: paths map size and names, JSONPaths, template size and placeholders.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.paths.len() > 100 {
            out.push(format!("InputPathsMap has {} entries; at most 100", self.paths.len()));
        }
        for (name, path) in &self.paths {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                out.push(format!("InputPathsMap key {name:?} must be letters, digits, '_' or '-'"));
            }
            if name.to_ascii_lowercase().starts_with("aws.") {
                out.push(format!("InputPathsMap key {name:?} must not start with \"aws.\" (reserved)"));
            }
            out.extend(json_path_problems(&format!("InputPathsMap[{name:?}]"), path));
        }
        if let Value::String(template) = &self.template {
            let n = template.chars().count();
            if n == 0 || n > 8192 {
                out.push(format!("InputTemplate must be 1 to 8192 characters long (it has {n})"));
            }
            for placeholder in placeholders(template) {
                if !self.paths.contains_key(placeholder) && !PREDEFINED_PLACEHOLDERS.contains(&placeholder) {
                    out.push(format!(
                        "InputTemplate uses <{placeholder}>, which is neither in InputPathsMap nor predefined"
                    ));
                }
            }
        }
        out
    }
}

/// `<name>` placeholders in a template (names of letters, digits, `_`, `-`, `.`).
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end) => {
                let name = &after[..end];
                let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
                if is_name && !out.contains(&name) {
                    out.push(name);
                }
                rest = if is_name { &after[end + 1..] } else { after };
            }
            None => break,
        }
    }
    out
}

/// A JSONPath into the event: starts with `$`, at most 256 characters.
fn json_path_problems(field: &str, path: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::String(p) = path {
        if !p.starts_with('$') {
            out.push(format!("{field} {p:?} must be a JSONPath starting with '$' (e.g. \"$.detail\")"));
        }
        if p.chars().count() > 256 {
            out.push(format!("{field} is longer than 256 characters"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transformer_checks() {
        let t =
            InputTransformer::new("<a> <b> <aws.events.rule-arn> a<b x<c>").path("a", "$.detail.a").path("b", "detail");
        let p = t.problems();
        assert!(p.iter().any(|m| m.contains("InputPathsMap[\"b\"] \"detail\" must be a JSONPath")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("<c>")), "{p:?}");
        assert_eq!(p.len(), 2, "{p:?}");
        let bad_key = InputTransformer::new("<x y>").path("x y", "$.a").path("aws.x", "$.b");
        let p = bad_key.problems();
        assert!(p.iter().any(|m| m.contains("\"x y\" must be letters")));
        assert!(p.iter().any(|m| m.contains("reserved")));
        assert!(InputTransformer::new("").problems()[0].contains("1 to 8192"));
    }

    #[test]
    fn input_checks() {
        assert!(RuleTargetInput::from_event_path("detail").problems()[0].contains("JSONPath"));
        assert!(RuleTargetInput::from_event_path("$.detail").problems().is_empty());
        assert!(RuleTargetInput::literal("x".repeat(9000)).problems()[0].contains("at most 8192"));
        assert!(RuleTargetInput::literal(Value::map([("a", 1)])).problems().is_empty());
    }
}

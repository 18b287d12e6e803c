//! A level of a pattern: named fields (matcher lists or nested objects) and an optional `$or`.

use std::collections::BTreeMap;

use framework::Value;

use super::matcher::Matcher;

/// Field names EventBridge reserves inside `$or` alternatives (operator names and future ones).
pub const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

/// The value of a field in a pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternField {
    /// A leaf: the field matches when any of these matches.
    Matchers(Vec<Matcher>),
    /// A nested object (e.g. `detail`).
    Object(PatternObject),
}

/// One level of a pattern: fields (all must match) and `$or` alternatives (one must match).
///
/// ```
/// use constructs::events::{Matcher, PatternObject};
/// let alt = PatternObject::new().field("state", [Matcher::prefix("run")]);
/// assert_eq!(serde_json::to_string(&alt.to_json().unwrap()).unwrap(), r#"{"state":[{"prefix":"run"}]}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatternObject {
    pub(crate) fields: BTreeMap<String, PatternField>,
    pub(crate) any_of: Option<Vec<PatternObject>>,
}

/// A path to a field: one name (`"state"`) or several (`["detail", "instance", "state"]`).
pub trait FieldPath {
    /// The path's names, outermost first.
    fn names(self) -> Vec<String>;
}
impl FieldPath for &str {
    fn names(self) -> Vec<String> {
        vec![self.to_string()]
    }
}
impl FieldPath for String {
    fn names(self) -> Vec<String> {
        vec![self]
    }
}
impl<const N: usize> FieldPath for [&str; N] {
    fn names(self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}
impl FieldPath for &[&str] {
    fn names(self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}
impl FieldPath for Vec<String> {
    fn names(self) -> Vec<String> {
        self
    }
}

impl PatternObject {
    /// An empty level.
    pub fn new() -> PatternObject {
        PatternObject::default()
    }

    /// Sets the matchers of the field at `path` (creating nested objects on the way; a field set
    /// twice keeps the last value).
    pub fn field<M: Into<Matcher>>(mut self, path: impl FieldPath, matchers: impl IntoIterator<Item = M>) -> Self {
        let matchers = matchers.into_iter().map(Into::into).collect();
        self.set(&path.names(), PatternField::Matchers(matchers));
        self
    }

    /// Sets a nested object at `path`.
    pub fn object(mut self, path: impl FieldPath, object: PatternObject) -> Self {
        self.set(&path.names(), PatternField::Object(object));
        self
    }

    /// Sets the `$or` alternatives of this level.
    pub fn any_of(mut self, alternatives: impl IntoIterator<Item = PatternObject>) -> Self {
        self.any_of = Some(alternatives.into_iter().collect());
        self
    }

    /// The fields, by name.
    pub fn fields(&self) -> &BTreeMap<String, PatternField> {
        &self.fields
    }

    /// The `$or` alternatives, if any.
    pub fn alternatives(&self) -> Option<&[PatternObject]> {
        self.any_of.as_deref()
    }

    /// True when the level has no field and no `$or`.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.any_of.is_none()
    }

    pub(crate) fn set(&mut self, names: &[String], value: PatternField) {
        match names {
            [] => {}
            [name] => {
                self.fields.insert(name.clone(), value);
            }
            [name, rest @ ..] => {
                let entry =
                    self.fields.entry(name.clone()).or_insert_with(|| PatternField::Object(PatternObject::new()));
                if let PatternField::Matchers(_) = entry {
                    *entry = PatternField::Object(PatternObject::new());
                }
                if let PatternField::Object(obj) = entry {
                    obj.set(rest, value);
                }
            }
        }
    }

    pub(crate) fn object_at_mut(&mut self, names: &[String]) -> &mut PatternObject {
        match names.split_first() {
            None => self,
            Some((name, rest)) => {
                let entry =
                    self.fields.entry(name.clone()).or_insert_with(|| PatternField::Object(PatternObject::new()));
                if let PatternField::Matchers(_) = entry {
                    *entry = PatternField::Object(PatternObject::new());
                }
                match entry {
                    PatternField::Object(obj) => obj.object_at_mut(rest),
                    PatternField::Matchers(_) => unreachable!("replaced by an object just above"),
                }
            }
        }
    }

    /// The level as a pattern value (tokens kept as intrinsics).
    pub fn to_value(&self) -> Value {
        let mut map: BTreeMap<String, Value> = self
            .fields
            .iter()
            .map(|(k, f)| {
                let v = match f {
                    PatternField::Matchers(ms) => Value::List(ms.iter().map(Matcher::to_value).collect()),
                    PatternField::Object(o) => o.to_value(),
                };
                (k.clone(), v)
            })
            .collect();
        if let Some(alts) = &self.any_of {
            map.insert("$or".to_string(), Value::List(alts.iter().map(PatternObject::to_value).collect()));
        }
        Value::Map(map)
    }

    /// The level as JSON, when it has no tokens.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        super::value_to_json(&self.to_value())
    }

    /// Collects problems, each message starting with the field path (`detail.state[0]: ...`).
    pub(crate) fn collect_problems(&self, path: &str, inside_or: bool, out: &mut Vec<String>) {
        let at = |p: &str| if p.is_empty() { "the event pattern".to_string() } else { p.to_string() };
        if self.is_empty() {
            if path.is_empty() {
                out.push("the event pattern is empty: give at least one field".to_string());
            } else {
                out.push(format!("{}: empty objects are not allowed", at(path)));
            }
        }
        for (name, field) in &self.fields {
            let field_path = join(path, name);
            if name.is_empty() {
                out.push(format!("{}: field names must not be empty", at(path)));
            }
            if inside_or && RESERVED_IN_OR.contains(&name.as_str()) {
                out.push(format!("{field_path}: {name:?} is a reserved name and cannot be a field inside $or"));
            }
            match field {
                PatternField::Matchers(ms) if ms.is_empty() => {
                    out.push(format!("{field_path}: the list of matchers must not be empty"))
                }
                PatternField::Matchers(ms) => {
                    for (i, m) in ms.iter().enumerate() {
                        for p in m.problems() {
                            out.push(format!("{field_path}[{i}]: {p}"));
                        }
                    }
                }
                PatternField::Object(o) => o.collect_problems(&field_path, inside_or, out),
            }
        }
        if let Some(alts) = &self.any_of {
            let or_path = join(path, "$or");
            if alts.len() < 2 {
                out.push(format!("{or_path}: needs at least 2 alternatives (found {})", alts.len()));
            }
            for (i, alt) in alts.iter().enumerate() {
                alt.collect_problems(&format!("{or_path}[{i}]"), true, out);
            }
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

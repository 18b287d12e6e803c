//! One IAM policy statement, normalized for comparison and display.

use serde_json::Value;

/// `Effect` of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
    /// Missing, not a literal, or the statement could not be parsed.
    Unknown,
}

impl Effect {
    /// The text shown in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
            Effect::Unknown => "",
        }
    }
}

/// The values of `Action`/`NotAction` (or `Resource`, `Principal`), sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Targets {
    /// Whether these are `Not*` values.
    pub not: bool,
    /// The values; principals as `Service:states.amazonaws.com`, `AWS:arn:...`, `*`.
    pub values: Vec<String>,
}

impl Targets {
    fn parse(statement: &serde_json::Map<String, Value>, key: &str, not_key: &str) -> Targets {
        let (not, v) = match statement.get(not_key) {
            Some(v) => (true, Some(v)),
            None => (false, statement.get(key)),
        };
        let mut values = v.map(strings).unwrap_or_default();
        values.sort();
        Targets { not, values }
    }

    /// Puts `replacement` in place of an empty list or of `*` values.
    pub(crate) fn default_to(&mut self, replacement: &str) {
        if self.values.is_empty() {
            self.values.push(replacement.to_string());
        }
        for v in &mut self.values {
            if v == "*" {
                *v = replacement.to_string();
            }
        }
        self.values.sort();
    }

    /// One value per line, `NOT ` before each when negated.
    pub fn render(&self) -> String {
        let prefix = if self.not { "NOT " } else { "" };
        self.values.iter().map(|v| format!("{prefix}{v}")).collect::<Vec<_>>().join("\n")
    }
}

/// A value as a list of strings: a string is one, an object gives `key:value` per value.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Null => Vec::new(),
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|x| strings(x).join(",")).collect(),
        Value::Object(m) => {
            m.iter().flat_map(|(k, x)| strings(x).into_iter().map(move |s| format!("{k}:{s}"))).collect()
        }
        other => vec![other.to_string()],
    }
}

/// A policy statement (intrinsics already rendered as `${A.Arn}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamStatement {
    /// Logical ID of the resource the statement comes from.
    pub source: String,
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Resource` / `NotResource` (defaulted to the resource a resource policy is attached to).
    pub resources: Targets,
    /// `Action` / `NotAction`.
    pub actions: Targets,
    /// `Principal` / `NotPrincipal` (defaulted to `AWS:${Identity}` for identity policies).
    pub principals: Targets,
    /// `Condition`, as canonical JSON text (keys sorted), if any.
    pub condition: Option<String>,
    /// The statement as JSON text when it is not an object (an `Fn::If`...): then the other
    /// fields are empty.
    pub unparsed: Option<String>,
}

impl IamStatement {
    /// Parses one statement of `source`'s policy.
    pub fn parse(source: &str, v: &Value) -> IamStatement {
        let Value::Object(m) = v else {
            return IamStatement {
                source: source.to_string(),
                sid: None,
                effect: Effect::Unknown,
                resources: Targets::default(),
                actions: Targets::default(),
                principals: Targets::default(),
                condition: None,
                unparsed: Some(match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            };
        };
        let effect = match m.get("Effect").and_then(Value::as_str) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ => Effect::Unknown,
        };
        IamStatement {
            source: source.to_string(),
            sid: m.get("Sid").and_then(Value::as_str).map(str::to_string),
            effect,
            resources: Targets::parse(m, "Resource", "NotResource"),
            actions: Targets::parse(m, "Action", "NotAction"),
            principals: Targets::parse(m, "Principal", "NotPrincipal"),
            condition: m.get("Condition").filter(|c| !matches!(c, Value::Object(o) if o.is_empty())).map(canonical),
            unparsed: None,
        }
    }

    /// Whether the statement restricts rather than grants: a `Deny`, or an `Allow` with a
    /// `Not*` target (it allows everything but something). Unparsed statements are neither:
    /// see [`IamStatement::is_unknown`].
    pub fn is_negative(&self) -> bool {
        let not = self.actions.not || self.resources.not || self.principals.not;
        match self.effect {
            Effect::Allow => not,
            Effect::Deny => !not,
            Effect::Unknown => false,
        }
    }

    /// Whether the effect of the statement is unknown (not a literal `Allow`/`Deny`).
    pub fn is_unknown(&self) -> bool {
        self.effect == Effect::Unknown
    }

    /// The identity used to match statements between templates (everything but the source).
    pub(crate) fn key(&self) -> String {
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.sid, self.effect, self.resources, self.actions, self.principals, self.condition, self.unparsed
        )
    }

    /// Table cells: resource, effect, action, principal, condition.
    pub fn cells(&self) -> [String; 5] {
        if let Some(text) = &self.unparsed {
            return [text.clone(), String::new(), String::new(), self.principals.render(), String::new()];
        }
        [
            self.resources.render(),
            self.effect.as_str().to_string(),
            self.actions.render(),
            self.principals.render(),
            self.condition.as_deref().map(render_condition).unwrap_or_default(),
        ]
    }
}

/// JSON text with object keys sorted, so that equal conditions compare equal.
fn canonical(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<_> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(entries.into_iter().map(|(k, x)| (k.clone(), sort(x))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(v).to_string()
}

/// A condition as indented JSON without its outer braces.
fn render_condition(text: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(text) else { return text.to_string() };
    let pretty = serde_json::to_string_pretty(&v).unwrap_or_else(|_| text.to_string());
    let lines: Vec<&str> = pretty.lines().collect();
    if lines.len() < 3 || !v.is_object() {
        return pretty;
    }
    lines[1..lines.len() - 1].iter().map(|l| l.strip_prefix("  ").unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_normalizes() {
        let s = IamStatement::parse(
            "P",
            &json!({"Effect": "Allow", "Action": ["b:B", "a:A"], "Resource": "*",
                    "Principal": {"Service": "states.amazonaws.com"},
                    "Condition": {"StringEquals": {"k": "v"}}}),
        );
        assert_eq!(s.actions.values, vec!["a:A", "b:B"]);
        assert_eq!(s.principals.render(), "Service:states.amazonaws.com");
        assert_eq!(s.cells()[4], "\"StringEquals\": {\n  \"k\": \"v\"\n}");
        assert!(!s.is_negative());
    }

    #[test]
    fn negative_statements() {
        assert!(IamStatement::parse("P", &json!({"Effect": "Deny", "Action": "*"})).is_negative());
        assert!(IamStatement::parse("P", &json!({"Effect": "Allow", "NotAction": "iam:*"})).is_negative());
        assert!(!IamStatement::parse("P", &json!({"Effect": "Deny", "NotAction": "s3:*"})).is_negative());
        let unparsed = IamStatement::parse("P", &json!({"Fn::If": ["C", {}, {}]}));
        assert!(unparsed.is_unknown() && !unparsed.is_negative());
    }

    #[test]
    fn key_ignores_order_and_source() {
        let a =
            IamStatement::parse("A", &json!({"Effect": "Allow", "Action": ["x", "y"], "Condition": {"B": 1, "A": 2}}));
        let b =
            IamStatement::parse("B", &json!({"Action": ["y", "x"], "Effect": "Allow", "Condition": {"A": 2, "B": 1}}));
        assert_eq!(a.key(), b.key());
    }
}

//! Policy statements: effect, actions, resources, principals, conditions.

use std::collections::BTreeMap;

use framework::Value;

use crate::iam::principal::{principal_block, Principal};

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Effect {
    /// `Allow`: grants the actions (the default).
    #[default]
    Allow,
    /// `Deny`: refuses them, overriding any allow.
    Deny,
}

impl Effect {
    /// `Allow` / `Deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// Where a statement is used; decides which elements are required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementContext {
    /// In an identity policy (attached to a role): needs Resource, must not name a Principal.
    Identity,
    /// In a trust policy or resource policy: needs a Principal.
    Resource,
}

/// One statement of a policy document.
///
/// ```
/// use constructs::iam::PolicyStatement;
/// use framework::Value;
/// let s = PolicyStatement::allow()
///     .actions(["logs:CreateLogDelivery", "logs:GetLogDelivery"])
///     .resource("*");
/// assert!(s.problems(constructs::iam::StatementContext::Identity).is_empty());
/// let v = s.to_value();
/// assert_eq!(v, Value::map([
///     ("Action", Value::list(["logs:CreateLogDelivery", "logs:GetLogDelivery"])),
///     ("Effect", Value::from("Allow")),
///     ("Resource", Value::from("*")),
/// ]));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyStatement {
    /// `Sid`: the statement id.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action`: the actions covered (`service:Name`, `*` wildcards).
    pub actions: Vec<String>,
    /// `NotAction`: every action except these.
    pub not_actions: Vec<String>,
    /// `Resource`: the resources covered (ARNs or tokens).
    pub resources: Vec<Value>,
    /// `NotResource`: every resource except these.
    pub not_resources: Vec<Value>,
    /// `Principal`: who the statement is about (trust and resource policies).
    pub principals: Vec<Principal>,
    /// `NotPrincipal`: everyone except these.
    pub not_principals: Vec<Principal>,
    /// operator -> condition key -> value(s).
    pub conditions: BTreeMap<String, BTreeMap<String, Value>>,
}

impl PolicyStatement {
    /// An `Allow` statement with nothing else yet.
    pub fn allow() -> PolicyStatement {
        PolicyStatement::default()
    }
    /// A `Deny` statement with nothing else yet.
    pub fn deny() -> PolicyStatement {
        PolicyStatement { effect: Effect::Deny, ..Default::default() }
    }
    /// Sets the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }
    /// Adds an action (`service:Action`, wildcards allowed).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        push_unique(&mut self.actions, action.into());
        self
    }
    /// Adds actions.
    pub fn actions<S: Into<String>>(mut self, actions: impl IntoIterator<Item = S>) -> Self {
        for a in actions {
            push_unique(&mut self.actions, a.into());
        }
        self
    }
    /// Adds a `NotAction`.
    pub fn not_action(mut self, action: impl Into<String>) -> Self {
        push_unique(&mut self.not_actions, action.into());
        self
    }
    /// Adds a resource ARN (or `"*"`).
    pub fn resource(mut self, arn: impl Into<Value>) -> Self {
        push_unique(&mut self.resources, arn.into());
        self
    }
    /// Adds resources.
    pub fn resources<V: Into<Value>>(mut self, arns: impl IntoIterator<Item = V>) -> Self {
        for a in arns {
            push_unique(&mut self.resources, a.into());
        }
        self
    }
    /// Adds a `NotResource`.
    pub fn not_resource(mut self, arn: impl Into<Value>) -> Self {
        push_unique(&mut self.not_resources, arn.into());
        self
    }
    /// Adds a principal.
    pub fn principal(mut self, p: Principal) -> Self {
        push_unique(&mut self.principals, p);
        self
    }
    /// Adds a `NotPrincipal`.
    pub fn not_principal(mut self, p: Principal) -> Self {
        push_unique(&mut self.not_principals, p);
        self
    }
    /// Adds a condition: `{"<operator>": {"<key>": value}}`.
    pub fn condition(mut self, operator: impl Into<String>, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.conditions.entry(operator.into()).or_default().insert(key.into(), value.into());
        self
    }

    /// The statement as a template value (keys sorted; single items as scalars, as AWS CDK does).
    pub fn to_value(&self) -> Value {
        let mut m: BTreeMap<String, Value> = BTreeMap::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), sid.as_str().into());
        }
        m.insert("Effect".into(), self.effect.as_str().into());
        let scalar_or_list = |items: Vec<Value>| {
            if items.len() == 1 {
                items.into_iter().next().unwrap_or(Value::Null)
            } else {
                Value::List(items)
            }
        };
        if !self.actions.is_empty() {
            m.insert("Action".into(), scalar_or_list(self.actions.iter().map(Value::from).collect()));
        }
        if !self.not_actions.is_empty() {
            m.insert("NotAction".into(), scalar_or_list(self.not_actions.iter().map(Value::from).collect()));
        }
        if !self.resources.is_empty() {
            m.insert("Resource".into(), scalar_or_list(self.resources.clone()));
        }
        if !self.not_resources.is_empty() {
            m.insert("NotResource".into(), scalar_or_list(self.not_resources.clone()));
        }
        if !self.principals.is_empty() {
            m.insert("Principal".into(), principal_block(&self.principals));
        }
        if !self.not_principals.is_empty() {
            m.insert("NotPrincipal".into(), principal_block(&self.not_principals));
        }
        if !self.conditions.is_empty() {
            m.insert(
                "Condition".into(),
                Value::Map(self.conditions.iter().map(|(op, kv)| (op.clone(), Value::Map(kv.clone()))).collect()),
            );
        }
        Value::Map(m)
    }

    /// Everything wrong with this statement when used in `context`.
    pub fn problems(&self, context: StatementContext) -> Vec<String> {
        let mut out = Vec::new();
        match (self.actions.is_empty(), self.not_actions.is_empty()) {
            (true, true) => out.push("statement has no Action (or NotAction)".to_string()),
            (false, false) => out.push("statement cannot have both Action and NotAction".to_string()),
            _ => {}
        }
        for a in self.actions.iter().chain(&self.not_actions) {
            if let Some(p) = action_problem(a) {
                out.push(p);
            }
        }
        if !self.resources.is_empty() && !self.not_resources.is_empty() {
            out.push("statement cannot have both Resource and NotResource".to_string());
        }
        for r in self.resources.iter().chain(&self.not_resources) {
            if let Value::String(s) = r {
                if s != "*" && !s.starts_with("arn:") {
                    out.push(format!("resource {s:?} must be \"*\" or an ARN (arn:partition:service:...)"));
                }
            }
        }
        if !self.principals.is_empty() && !self.not_principals.is_empty() {
            out.push("statement cannot have both Principal and NotPrincipal".to_string());
        }
        for p in self.principals.iter().chain(&self.not_principals) {
            out.extend(p.problems());
        }
        let has_principal = !self.principals.is_empty() || !self.not_principals.is_empty();
        match context {
            StatementContext::Identity => {
                if has_principal {
                    out.push("a statement in an identity policy cannot name a Principal".to_string());
                }
                if self.resources.is_empty() && self.not_resources.is_empty() {
                    out.push("a statement in an identity policy needs a Resource (or NotResource)".to_string());
                }
            }
            StatementContext::Resource => {
                if !has_principal {
                    out.push("a statement in a trust or resource policy needs a Principal".to_string());
                }
            }
        }
        if let Some(sid) = &self.sid {
            if sid.is_empty() || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push(format!("Sid {sid:?} must be non-empty and alphanumeric"));
            }
        }
        for (op, keys) in &self.conditions {
            if let Some(p) = condition_operator_problem(op) {
                out.push(p);
            }
            if keys.is_empty() {
                out.push(format!("condition operator {op:?} has no keys"));
            }
        }
        out
    }
}

fn push_unique<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

fn action_problem(action: &str) -> Option<String> {
    if action == "*" {
        return None;
    }
    let ok = match action.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
        }
        None => false,
    };
    (!ok).then(|| format!("action {action:?} must be \"*\" or of the form service:Action (e.g. states:StartExecution)"))
}

const CONDITION_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

fn condition_operator_problem(op: &str) -> Option<String> {
    let base = op.strip_prefix("ForAllValues:").or_else(|| op.strip_prefix("ForAnyValue:")).unwrap_or(op);
    let base = match base.strip_suffix("IfExists") {
        Some(b) if b != "Null" => b,
        _ => base,
    };
    (!CONDITION_OPERATORS.contains(&base)).then(|| format!("unknown condition operator {op:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_statement_rules() {
        let s = PolicyStatement::allow();
        let p = s.problems(StatementContext::Identity);
        assert!(p.iter().any(|m| m.contains("no Action")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("needs a Resource")), "{p:?}");
        let s = PolicyStatement::allow().action("states:StartExecution").resource("*").principal(Principal::Any);
        assert!(s.problems(StatementContext::Identity).iter().any(|m| m.contains("cannot name a Principal")));
    }

    #[test]
    fn trust_statement_needs_principal() {
        let s = PolicyStatement::allow().action("sts:AssumeRole");
        assert!(s.problems(StatementContext::Resource).iter().any(|m| m.contains("needs a Principal")));
        let s = s.principal(Principal::service("states.amazonaws.com"));
        assert!(s.problems(StatementContext::Resource).is_empty());
    }

    #[test]
    fn action_and_resource_syntax() {
        let s = PolicyStatement::allow().actions(["states StartExecution", "s3:Get*", "*"]).resource("bucket");
        let p = s.problems(StatementContext::Identity);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("\"states StartExecution\""));
        assert!(p[1].contains("\"bucket\""));
    }

    #[test]
    fn conditions() {
        let s = PolicyStatement::allow()
            .action("sts:AssumeRole")
            .principal(Principal::service("events.amazonaws.com"))
            .condition("StringEquals", "aws:SourceAccount", "123456789012")
            .condition("ForAnyValue:StringLikeIfExists", "aws:TagKeys", "a*")
            .condition("StringEqualz", "k", "v");
        let p = s.problems(StatementContext::Resource);
        assert_eq!(p, vec!["unknown condition operator \"StringEqualz\"".to_string()]);
    }

    #[test]
    fn dedupes_and_scalarizes() {
        let s = PolicyStatement::allow().action("a:B").action("a:B").resource("*");
        assert_eq!(s.actions.len(), 1);
        assert_eq!(s.to_value(), Value::map([("Action", "a:B"), ("Effect", "Allow"), ("Resource", "*")]));
    }
}

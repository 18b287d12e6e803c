//! Principals: who a statement applies to (in trust policies and resource policies).

use std::collections::BTreeMap;

use framework::{Pseudo, Value};

/// A principal of a policy statement.
///
/// ```
/// use constructs::iam::Principal;
/// let p = Principal::service("states.amazonaws.com");
/// assert_eq!(p.key(), "Service");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service, e.g. `states.amazonaws.com`.
    Service(String),
    /// An AWS account (12-digit id or a token such as `Pseudo::AccountId`): its root principal.
    Account(Value),
    /// An IAM principal ARN (role, user, account root).
    Arn(Value),
    /// A federated identity provider.
    Federated(Value),
    /// A canonical user id (S3).
    CanonicalUser(Value),
    /// Everybody (`"*"`).
    Any,
}

impl Principal {
    /// A service principal.
    pub fn service(name: impl Into<String>) -> Principal {
        Principal::Service(name.into())
    }
    /// An account principal.
    pub fn account(id: impl Into<Value>) -> Principal {
        Principal::Account(id.into())
    }
    /// The account the stack deploys to.
    pub fn this_account() -> Principal {
        Principal::Account(Value::Pseudo(Pseudo::AccountId))
    }
    /// An ARN principal.
    pub fn arn(arn: impl Into<Value>) -> Principal {
        Principal::Arn(arn.into())
    }

    /// The key in the statement's `Principal` block.
    pub fn key(&self) -> &'static str {
        match self {
            Principal::Service(_) => "Service",
            Principal::Account(_) | Principal::Arn(_) | Principal::Any => "AWS",
            Principal::Federated(_) => "Federated",
            Principal::CanonicalUser(_) => "CanonicalUser",
        }
    }

    /// The value under [`key`](Self::key).
    pub fn value(&self) -> Value {
        match self {
            Principal::Service(s) => Value::from(s.as_str()),
            Principal::Account(id) => Value::join(
                "",
                [
                    Value::from("arn:"),
                    Value::Pseudo(Pseudo::Partition),
                    Value::from(":iam::"),
                    id.clone(),
                    Value::from(":root"),
                ],
            ),
            Principal::Arn(v) | Principal::Federated(v) | Principal::CanonicalUser(v) => v.clone(),
            Principal::Any => Value::from("*"),
        }
    }

    /// Problems with a literal principal.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Principal::Service(s) => {
                let ok = !s.is_empty()
                    && s.contains('.')
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
                if !ok {
                    out.push(format!("service principal {s:?} must look like \"states.amazonaws.com\""));
                }
            }
            Principal::Account(Value::String(id)) if id.len() != 12 || !id.chars().all(|c| c.is_ascii_digit()) => {
                out.push(format!("account principal {id:?} must be a 12-digit account id"));
            }
            Principal::Arn(Value::String(arn)) if !arn.starts_with("arn:") => {
                out.push(format!("principal ARN {arn:?} must start with \"arn:\""));
            }
            _ => {}
        }
        out
    }
}

/// Renders principals as a `Principal` block: grouped by key, a single value as a scalar.
pub(crate) fn principal_block(principals: &[Principal]) -> Value {
    if principals.len() == 1 && principals[0] == Principal::Any {
        return Value::from("*");
    }
    let mut grouped: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    for p in principals {
        let values = grouped.entry(p.key()).or_default();
        let v = p.value();
        if !values.contains(&v) {
            values.push(v);
        }
    }
    Value::Map(
        grouped
            .into_iter()
            .map(|(k, mut vs)| (k.to_string(), if vs.len() == 1 { vs.remove(0) } else { Value::List(vs) }))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_groups_and_scalarizes() {
        let b = principal_block(&[Principal::service("states.amazonaws.com")]);
        assert_eq!(b, Value::map([("Service", "states.amazonaws.com")]));
        let b = principal_block(&[Principal::service("a.amazonaws.com"), Principal::service("b.amazonaws.com")]);
        assert_eq!(b, Value::map([("Service", Value::list(["a.amazonaws.com", "b.amazonaws.com"]))]));
        assert_eq!(principal_block(&[Principal::Any]), Value::from("*"));
    }

    #[test]
    fn account_principal_is_root_arn() {
        let v = Principal::account("123456789012").value();
        assert!(v.is_token(), "partition is a token");
    }

    #[test]
    fn literal_checks() {
        assert!(Principal::service("states.amazonaws.com").problems().is_empty());
        assert_eq!(Principal::service("states").problems().len(), 1);
        assert_eq!(Principal::account("123").problems().len(), 1);
        assert!(Principal::this_account().problems().is_empty());
        assert_eq!(Principal::arn("role/x").problems().len(), 1);
    }
}

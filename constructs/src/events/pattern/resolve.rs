//! Turning pattern values into JSON: literals directly, tokens through a [`Resolver`].

use framework::{Pseudo, Value};

/// Literal JSON of a value, or `None` when it contains a token.
pub(crate) fn value_to_json(v: &Value) -> Option<serde_json::Value> {
    Resolver::none().resolve(v)
}

/// The deploy-time values of pseudo parameters, to resolve tokens in a pattern when matching
/// events locally (`{"account": [<AWS::AccountId>]}` matches events of `account`).
///
/// ```
/// use constructs::events::{EventPattern, Resolver};
/// use framework::Pseudo;
/// let pattern = EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]);
/// let event = serde_json::json!({"account": "123456789012", "source": "demo.sfn"});
/// assert!(pattern.matches_with(&event, &Resolver::new("123456789012", "eu-west-1")));
/// assert!(!pattern.matches(&event)); // the account token cannot be resolved
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolver {
    /// `AWS::AccountId`
    pub account: Option<String>,
    /// `AWS::Region`
    pub region: Option<String>,
    /// `AWS::Partition` (defaults to `aws` when the region is known)
    pub partition: Option<String>,
    /// `AWS::StackName`
    pub stack_name: Option<String>,
}

impl Resolver {
    /// Resolves nothing: only literal patterns match.
    pub fn none() -> Resolver {
        Resolver::default()
    }

    /// Resolves the account and region (partition `aws`).
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Resolver {
        Resolver {
            account: Some(account.into()),
            region: Some(region.into()),
            partition: Some("aws".to_string()),
            stack_name: None,
        }
    }

    fn pseudo(&self, p: Pseudo) -> Option<String> {
        match p {
            Pseudo::AccountId => self.account.clone(),
            Pseudo::Region => self.region.clone(),
            Pseudo::Partition => self.partition.clone(),
            Pseudo::StackName => self.stack_name.clone(),
            Pseudo::UrlSuffix => self.partition.as_ref().map(|_| "amazonaws.com".to_string()),
            _ => None,
        }
    }

    /// The JSON of `v`, or `None` when it holds a token this resolver cannot resolve.
    pub fn resolve(&self, v: &Value) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        Some(match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Number(n.clone()),
            Value::String(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(|i| self.resolve(i)).collect::<Option<_>>()?),
            Value::Map(map) => {
                J::Object(map.iter().map(|(k, v)| Some((k.clone(), self.resolve(v)?))).collect::<Option<_>>()?)
            }
            Value::Pseudo(p) => J::String(self.pseudo(*p)?),
            Value::Sub(template, vars) if vars.is_empty() => J::String(self.substitute(template)?),
            Value::Join(delimiter, parts) => {
                let parts: Option<Vec<String>> = parts
                    .iter()
                    .map(|p| match self.resolve(p)? {
                        J::String(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                J::String(parts?.join(delimiter))
            }
            _ => return None,
        })
    }

    /// `${AWS::X}` substitution in a `Fn::Sub` template with no variables.
    fn substitute(&self, template: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let end = after.find('}')?;
            out.push_str(&self.pseudo(Pseudo::from_name(&after[..end])?)?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pseudo_sub_and_join() {
        let r = Resolver::new("111122223333", "eu-west-1");
        assert_eq!(r.resolve(&Value::Pseudo(Pseudo::AccountId)), Some("111122223333".into()));
        assert_eq!(
            r.resolve(&Value::sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:x")),
            Some("arn:aws:states:eu-west-1:111122223333:x".into())
        );
        assert_eq!(
            r.resolve(&Value::join("", [Value::from("a-"), Value::Pseudo(Pseudo::Region)])),
            Some("a-eu-west-1".into())
        );
        assert_eq!(r.resolve(&Value::sub("${!Literal}")), Some("${Literal}".into()));
        assert_eq!(Resolver::none().resolve(&Value::Pseudo(Pseudo::AccountId)), None);
        assert_eq!(r.resolve(&Value::sub("${Unknown}")), None);
    }
}

//! Checks on literal property values that constructs share in their
//! [`Resource::validate`](crate::Resource::validate): a string's length and characters
//! ([`StringRule`]: role names, log group names, ...) and a number's range ([`check_range`]).
//! (Nothing to do with EventBridge rules, which are constructs in the construct library.)
//!
//! A check looks only at literals: a token (a `Ref`, a `Fn::Sub`...) passes, since its value is
//! known only at deploy time, where CloudFormation checks it. Messages name the property and the
//! value and say what is allowed, so the problem list alone tells what to change.

use crate::validation::Validator;
use crate::value::Value;

/// A rule for a string property: length bounds and allowed characters.
///
/// ```
/// use framework::{StringRule, Validator, Value};
/// let rule = StringRule::new(1, 64).chars(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c), "alphanumerics and +=,.@_-");
/// let mut problems = Vec::new();
/// rule.check(&mut Validator::new("Stack/Role", &mut problems), "RoleName", &Value::from("bad name!"));
/// assert!(problems[0].message.contains("RoleName"));
/// ```
#[derive(Clone, Copy)]
pub struct StringRule {
    min: usize,
    max: usize,
    chars: Option<CharRule>,
}

/// Which characters are allowed, and how to say so.
type CharRule = (fn(char) -> bool, &'static str);

impl StringRule {
    /// Length between `min` and `max` characters, inclusive.
    pub const fn new(min: usize, max: usize) -> StringRule {
        StringRule { min, max, chars: None }
    }
    /// Restricts the characters; `description` says which are allowed.
    pub const fn chars(mut self, allowed: fn(char) -> bool, description: &'static str) -> StringRule {
        self.chars = Some((allowed, description));
        self
    }
    /// The problems with `s`, as messages naming `field`.
    pub fn problems(&self, field: &str, s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let len = s.chars().count();
        if len < self.min || len > self.max {
            out.push(format!("{field} {s:?} must be {} to {} characters long (it has {len})", self.min, self.max));
        }
        if let Some((allowed, description)) = self.chars {
            let bad: Vec<String> = {
                let mut seen = Vec::new();
                for c in s.chars().filter(|c| !allowed(*c)) {
                    let shown = format!("{c:?}");
                    if !seen.contains(&shown) {
                        seen.push(shown);
                    }
                }
                seen
            };
            if !bad.is_empty() {
                out.push(format!(
                    "{field} {s:?} has characters that are not allowed ({}); allowed: {description}",
                    bad.join(", ")
                ));
            }
        }
        out
    }
    /// Checks a literal value (tokens pass); reports through `v`.
    pub fn check(&self, v: &mut Validator<'_>, field: &str, value: &Value) {
        if let Value::String(s) = value {
            v.errors(self.problems(field, s));
        }
    }
    /// Checks an optional value.
    pub fn check_opt(&self, v: &mut Validator<'_>, field: &str, value: Option<&Value>) {
        if let Some(value) = value {
            self.check(v, field, value);
        }
    }
}

/// Checks a literal number lies in `min..=max`.
pub fn check_range(v: &mut Validator<'_>, field: &str, value: Option<&Value>, min: i64, max: i64) {
    if let Some(Value::Number(n)) = value {
        match n.as_i64() {
            Some(i) if i >= min && i <= max => {}
            _ => v.error(format!("{field} must be between {min} and {max} (got {n})")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_chars() {
        let rule = StringRule::new(1, 5).chars(|c| c.is_ascii_lowercase(), "a-z");
        assert!(rule.problems("Name", "abc").is_empty());
        let p = rule.problems("Name", "abcdefG!");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("1 to 5"));
        assert!(p[1].contains("'G', '!'"));
        assert_eq!(rule.problems("Name", "").len(), 1);
    }

    #[test]
    fn tokens_pass() {
        let mut problems = Vec::new();
        let rule = StringRule::new(1, 2);
        rule.check(&mut Validator::new("S/R", &mut problems), "Name", &Value::sub("${AWS::StackName}-long"));
        assert!(problems.is_empty());
    }

    #[test]
    fn ranges() {
        let mut problems = Vec::new();
        let mut v = Validator::new("S/R", &mut problems);
        check_range(&mut v, "MaxSessionDuration", Some(&Value::from(100)), 3600, 43200);
        check_range(&mut v, "MaxSessionDuration", Some(&Value::from(3600)), 3600, 43200);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("between 3600 and 43200"));
    }
}

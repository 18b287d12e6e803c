//! Policy documents: a version and a list of statements.

use std::collections::BTreeMap;

use framework::Value;

use crate::iam::statement::{PolicyStatement, StatementContext};

/// An IAM policy document.
///
/// ```
/// use constructs::iam::{PolicyDocument, PolicyStatement};
/// let mut doc = PolicyDocument::new();
/// doc.add_statement(PolicyStatement::allow().action("states:StartExecution").resource("*"));
/// doc.add_statement(PolicyStatement::allow().action("states:StartExecution").resource("*"));
/// assert_eq!(doc.statements().len(), 1, "identical statements are kept once");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// An empty document.
    pub fn new() -> PolicyDocument {
        PolicyDocument::default()
    }
    /// A document with these statements.
    pub fn with_statements(statements: impl IntoIterator<Item = PolicyStatement>) -> PolicyDocument {
        let mut doc = PolicyDocument::new();
        for s in statements {
            doc.add_statement(s);
        }
        doc
    }
    /// Adds a statement (an identical one already present is not added twice).
    pub fn add_statement(&mut self, statement: PolicyStatement) {
        if !self.statements.contains(&statement) {
            self.statements.push(statement);
        }
    }
    /// The statements.
    pub fn statements(&self) -> &[PolicyStatement] {
        &self.statements
    }
    /// True when there are no statements.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
    /// `{"Version": "2012-10-17", "Statement": [...]}`.
    pub fn to_value(&self) -> Value {
        Value::Map(BTreeMap::from([
            ("Statement".to_string(), Value::List(self.statements.iter().map(PolicyStatement::to_value).collect())),
            ("Version".to_string(), Value::from("2012-10-17")),
        ]))
    }
    /// Problems of every statement, prefixed with its position.
    pub fn problems(&self, context: StatementContext) -> Vec<String> {
        let mut out = Vec::new();
        if self.statements.is_empty() {
            out.push("policy document has no statements".to_string());
        }
        for (i, s) in self.statements.iter().enumerate() {
            for p in s.problems(context) {
                out.push(format!("Statement[{i}]: {p}"));
            }
        }
        let mut sids: Vec<&str> = self.statements.iter().filter_map(|s| s.sid.as_deref()).collect();
        sids.sort_unstable();
        for w in sids.windows(2) {
            if w[0] == w[1] {
                out.push(format!("Sid {:?} is used by more than one statement", w[0]));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_version_and_statements() {
        let doc = PolicyDocument::with_statements([PolicyStatement::allow().action("a:B").resource("*")]);
        let v = doc.to_value();
        let Value::Map(m) = v else { panic!("map") };
        assert_eq!(m["Version"], Value::from("2012-10-17"));
        assert!(matches!(&m["Statement"], Value::List(l) if l.len() == 1));
    }

    #[test]
    fn problems_name_the_statement() {
        let doc = PolicyDocument::with_statements([
            PolicyStatement::allow().action("a:B").resource("*").sid("One"),
            PolicyStatement::allow().resource("*").sid("One"),
        ]);
        let p = doc.problems(StatementContext::Identity);
        assert!(p.contains(&"Statement[1]: statement has no Action (or NotAction)".to_string()), "{p:?}");
        assert!(p.iter().any(|m| m.contains("Sid \"One\"")), "{p:?}");
        assert_eq!(PolicyDocument::new().problems(StatementContext::Identity).len(), 1);
    }
}

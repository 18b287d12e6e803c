//! `--parameters Stack:Key=Value` (or `Key=Value` for every selected stack that declares the
//! parameter), and the parameter list a change set is created with.
//!
//! Values never appear in a message: a value may be the secret of a parameter declared with
//! `"NoEcho": true`, and which stack (and so which declaration) an assignment is meant for is
//! only known once the stacks are. So parsing fails only on an argument without `=` (it holds no
//! value; clap echoes a rejected argument whole), the name checks come in [`resolve`], and an
//! assignment is shown as `STACK:KEY=****` ([`Display`](std::fmt::Display) and `Debug` alike).

use std::collections::BTreeMap;
use std::str::FromStr;

use aws_sdk_cloudformation::types::Parameter;

use crate::deploy::error::DeployError;
use crate::deploy::stack::DeployedStack;
use crate::StackArtifact;

/// What a value is shown as in messages.
pub const MASK: &str = "****";

/// One `--parameters` value.
#[derive(Clone, PartialEq, Eq)]
pub struct ParameterAssignment {
    /// The stack (artifact id or stack name); `None` = every selected stack declaring `key`.
    pub stack: Option<String>,
    /// The template parameter's logical ID.
    pub key: String,
    /// Its value (may be empty; may contain `=` and `:`). Never shown: see the module docs.
    pub value: String,
}

impl FromStr for ParameterAssignment {
    type Err = DeployError;

    /// Splits `STACK:KEY=VALUE` or `KEY=VALUE` at the first `=` (and the key part at its first
    /// `:`); fails only without `=`. The names are checked by [`resolve`], where an error can name
    /// the assignment without its value.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((lhs, value)) = s.split_once('=') else {
            return Err(DeployError::Parameters(format!("{s:?}: no '='; expected STACK:KEY=VALUE or KEY=VALUE")));
        };
        let (stack, key) = match lhs.split_once(':') {
            Some((stack, key)) => (Some(stack.to_string()), key),
            None => (None, lhs),
        };
        Ok(ParameterAssignment { stack, key: key.to_string(), value: value.to_string() })
    }
}

impl ParameterAssignment {
    /// Checks the names: a non-empty stack before `:`, a non-empty alphanumeric key.
    fn check(&self) -> Result<(), DeployError> {
        let why = if self.stack.as_deref() == Some("") {
            "empty stack name before ':'"
        } else if self.key.is_empty() {
            "empty parameter name"
        } else if !self.key.chars().all(|c| c.is_ascii_alphanumeric()) {
            "parameter names are alphanumeric"
        } else {
            return Ok(());
        };
        Err(DeployError::Parameters(format!("{self}: {why}; expected STACK:KEY=VALUE or KEY=VALUE")))
    }
}

/// `STACK:KEY=****`: the value is masked (see the module docs).
impl std::fmt::Display for ParameterAssignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.stack {
            Some(s) => write!(f, "{s}:{}={MASK}", self.key),
            None => write!(f, "{}={MASK}", self.key),
        }
    }
}

/// Like [`Display`](std::fmt::Display), the value masked.
impl std::fmt::Debug for ParameterAssignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParameterAssignment")
            .field("stack", &self.stack)
            .field("key", &self.key)
            .field("value", &MASK)
            .finish()
    }
}

/// Whether `template` declares parameter `key` with `"NoEcho": true` (or `"true"`, which
/// CloudFormation accepts too).
pub fn is_no_echo(template: &serde_json::Value, key: &str) -> bool {
    match template.get("Parameters").and_then(|p| p.get(key)).and_then(|p| p.get("NoEcho")) {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn declared(artifact: &StackArtifact) -> Vec<&str> {
    artifact
        .template()
        .get("Parameters")
        .and_then(|p| p.as_object())
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn names_stack(assignment: &ParameterAssignment, artifact: &StackArtifact) -> bool {
    assignment.stack.as_deref().is_some_and(|s| s == artifact.id || s == artifact.stack_name)
}

/// The values given for each stack, checked: names well-formed, a named stack must be selected
/// and declare the parameter; an unqualified key must be declared by at least one selected stack.
/// Later values win over earlier ones. Errors never show a value.
pub fn resolve(
    stacks: &[&StackArtifact],
    assignments: &[ParameterAssignment],
) -> Result<BTreeMap<String, BTreeMap<String, String>>, DeployError> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> =
        stacks.iter().map(|s| (s.id.clone(), BTreeMap::new())).collect();
    for a in assignments {
        a.check()?;
        let targets: Vec<&&StackArtifact> = match &a.stack {
            Some(name) => {
                let target = stacks.iter().find(|s| names_stack(a, s)).ok_or_else(|| {
                    let ids: Vec<&str> = stacks.iter().map(|s| s.id.as_str()).collect();
                    DeployError::Parameters(format!(
                        "{a}: stack {name:?} is not among the stacks being deployed ({})",
                        ids.join(", ")
                    ))
                })?;
                if !declared(target).contains(&a.key.as_str()) {
                    return Err(DeployError::Parameters(format!(
                        "{a}: stack {} declares no parameter {:?} (it declares: {})",
                        target.id,
                        a.key,
                        list_or_none(&declared(target))
                    )));
                }
                vec![target]
            }
            None => {
                let t: Vec<&&StackArtifact> = stacks.iter().filter(|s| declared(s).contains(&a.key.as_str())).collect();
                if t.is_empty() {
                    return Err(DeployError::Parameters(format!(
                        "{a}: no stack being deployed declares a parameter {:?}",
                        a.key
                    )));
                }
                t
            }
        };
        for t in targets {
            out.entry(t.id.clone()).or_default().insert(a.key.clone(), a.value.clone());
        }
    }
    Ok(out)
}

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// The change set's parameter list: given values; for parameters not given, the previous value
/// when the deployed stack has one (`UsePreviousValue`), else nothing (the template default).
pub fn change_set_parameters(
    artifact: &StackArtifact,
    given: &BTreeMap<String, String>,
    deployed: Option<&DeployedStack>,
) -> Vec<Parameter> {
    declared(artifact)
        .into_iter()
        .filter_map(|key| {
            if let Some(value) = given.get(key) {
                Some(Parameter::builder().parameter_key(key).parameter_value(value).build())
            } else if deployed.is_some_and(|d| d.parameters.contains_key(key)) {
                Some(Parameter::builder().parameter_key(key).use_previous_value(true).build())
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, ParameterNode};

    fn p(s: &str) -> Result<ParameterAssignment, DeployError> {
        s.parse()
    }

    #[test]
    fn parsing() {
        assert_eq!(
            p("Web:Size=3").unwrap(),
            ParameterAssignment { stack: Some("Web".into()), key: "Size".into(), value: "3".into() }
        );
        assert_eq!(
            p("Size=a=b:c").unwrap(),
            ParameterAssignment { stack: None, key: "Size".into(), value: "a=b:c".into() }
        );
        assert_eq!(p("Web:Empty=").unwrap().value, "");
        let err = p("Size").unwrap_err().to_string();
        assert!(err.contains("STACK:KEY=VALUE") && err.contains("\"Size\": no '='"), "{err}");
        assert_eq!(p("Web:Size=3").unwrap().to_string(), "Web:Size=****");
        assert_eq!(p("Size=3").unwrap().to_string(), "Size=****");
    }

    #[test]
    fn malformed_names_are_rejected_by_resolve_without_their_value() {
        let a = two_stacks();
        let stacks: Vec<&StackArtifact> = a.stacks.iter().collect();
        for (bad, shown, why) in [
            (":Size=hunter2", ":Size=****", "empty stack name"),
            ("Web:=hunter2", "Web:=****", "empty parameter name"),
            ("=hunter2", "=****", "empty parameter name"),
            ("Web:Bad-Key=hunter2", "Web:Bad-Key=****", "alphanumeric"),
        ] {
            // Parsing succeeds: clap would echo a rejected argument, value included.
            let parsed = p(bad).unwrap();
            let err = resolve(&stacks, &[parsed]).unwrap_err().to_string();
            assert!(err.contains(shown) && err.contains(why) && err.contains("STACK:KEY=VALUE"), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    fn two_stacks() -> crate::CloudAssembly {
        let mut app = App::new();
        for id in ["Web", "Db"] {
            let stack = app.add_stack(id);
            stack.add_parameter("Size", ParameterNode::new("Number").default_value(1));
            crate::CfnResource::new("AWS::SNS::Topic").add(&mut *stack, "Topic");
            if id == "Db" {
                stack.add_parameter("Engine", ParameterNode::new("String"));
            }
        }
        app.synth().unwrap()
    }

    #[test]
    fn resolution_targets_stacks_and_checks_names() {
        let a = two_stacks();
        let stacks: Vec<&StackArtifact> = a.stacks.iter().collect();
        let given = [p("Size=2").unwrap(), p("Db:Engine=pg").unwrap(), p("Web:Size=5").unwrap()];
        let r = resolve(&stacks, &given).unwrap();
        assert_eq!(r["Web"], BTreeMap::from([("Size".to_string(), "5".to_string())]));
        assert_eq!(
            r["Db"],
            BTreeMap::from([("Engine".to_string(), "pg".to_string()), ("Size".to_string(), "2".to_string())])
        );

        let err = resolve(&stacks, &[p("Nope:Size=1").unwrap()]).unwrap_err().to_string();
        assert!(err.contains("\"Nope\"") && err.contains("Web, Db"), "{err}");
        let err = resolve(&stacks, &[p("Web:Engine=x").unwrap()]).unwrap_err().to_string();
        assert!(err.contains("declares no parameter \"Engine\"") && err.contains("declares: Size"), "{err}");
        let err = resolve(&stacks, &[p("Color=red").unwrap()]).unwrap_err().to_string();
        assert!(err.contains("no stack being deployed declares a parameter \"Color\""), "{err}");
    }

    #[test]
    fn change_set_parameters_keep_previous_values() {
        let a = two_stacks();
        let db = a.stack("Db").unwrap();
        let given = BTreeMap::from([("Engine".to_string(), "pg".to_string())]);
        let fresh = change_set_parameters(db, &given, None);
        assert_eq!(fresh.len(), 1, "Size keeps its template default on create");
        assert_eq!((fresh[0].parameter_key(), fresh[0].parameter_value()), (Some("Engine"), Some("pg")));

        let deployed = DeployedStack {
            parameters: BTreeMap::from([("Size".into(), "7".into()), ("Engine".into(), "my".into())]),
            ..DeployedStack::default()
        };
        let update = change_set_parameters(db, &given, Some(&deployed));
        let size = update.iter().find(|p| p.parameter_key() == Some("Size")).unwrap();
        assert_eq!(size.use_previous_value(), Some(true));
        assert_eq!(update.iter().find(|p| p.parameter_key() == Some("Engine")).unwrap().parameter_value(), Some("pg"));
    }

    /// A stack declaring a NoEcho parameter `Password` and a plain `Size`.
    fn secret_stack() -> crate::CloudAssembly {
        let mut app = App::new();
        let stack = app.add_stack("Db");
        stack.add_parameter("Password", ParameterNode::new("String").no_echo());
        stack.add_parameter("Size", ParameterNode::new("Number").default_value(1));
        crate::CfnResource::new("AWS::SNS::Topic").add(&mut *stack, "Topic");
        app.synth().unwrap()
    }

    #[test]
    fn no_echo_is_read_from_the_template() {
        let a = secret_stack();
        let t = a.stack("Db").unwrap().template();
        assert!(is_no_echo(t, "Password"));
        assert!(!is_no_echo(t, "Size") && !is_no_echo(t, "Nope"));
        assert!(is_no_echo(&serde_json::json!({"Parameters": {"P": {"Type": "String", "NoEcho": "true"}}}), "P"));
    }

    #[test]
    fn no_echo_values_never_appear_in_errors() {
        let a = secret_stack();
        let stacks: Vec<&StackArtifact> = a.stacks.iter().collect();
        let secret = "s3cr3t-Pa55";
        let cases = [
            format!("Web:Password={secret}"),
            format!("Db:Pass-word={secret}"),
            format!("Db:Passwrd={secret}"),
            format!(":Password={secret}"),
        ];
        for arg in &cases {
            let err = match p(arg) {
                Ok(parsed) => resolve(&stacks, &[parsed]).unwrap_err(),
                Err(e) => e,
            };
            let text = format!("{err} {err:?}");
            assert!(!text.contains(secret), "{text}");
        }
        let given = p(&format!("Db:Password={secret}")).unwrap();
        assert!(!format!("{given} {given:?}").contains(secret));
        let r = resolve(&stacks, &[given]).unwrap();
        assert_eq!(r["Db"]["Password"], secret, "the value itself is kept for the change set");
        let params = change_set_parameters(a.stack("Db").unwrap(), &r["Db"], None);
        assert_eq!(params[0].parameter_value(), Some(secret));
    }
}

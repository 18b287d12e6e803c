//! A state machine definition (or a Parallel branch / Map processor): `StartAt`, `States` and
//! the top-level fields, with rendering to a template value.

use std::collections::BTreeMap;

use framework::Value;
use serde_json::Value as Json;

use super::error::DefinitionError;
use super::fields::put;
use super::states::State;

/// An Amazon States Language definition: the states and where to start.
///
/// State names are kept in insertion order for validation messages; the rendered `States`
/// object has its keys sorted (deterministic output).
///
/// ```
/// use constructs::stepfunctions::asl::{Choice, Condition, Definition, Fail, Pass};
/// let definition = Definition::new("WhichPath?")
///     .comment("Simple State Machine with Choice")
///     .state("WhichPath?", Choice::new()
///         .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
///         .when(Condition::string_equals("$.detail.Path", "B"), "PathB")
///         .otherwise("Fail"))
///     .state("PathA", Pass::new().end())
///     .state("PathB", Pass::new().end())
///     .state("Fail", Fail::new());
/// assert!(definition.problems().is_empty());
/// let json = definition.to_json().unwrap();
/// assert_eq!(json["States"]["WhichPath?"]["Default"], "Fail");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// `StartAt`: the name of the first state.
    pub start_at: String,
    /// `States`: the states by name, in insertion order.
    pub states: Vec<(String, State)>,
    /// `Comment`.
    pub comment: Option<String>,
    /// `TimeoutSeconds`: the longest an execution may run.
    pub timeout_seconds: Option<u32>,
    /// `Version` of the language (only "1.0" exists).
    pub version: Option<String>,
}

impl Definition {
    /// A definition starting at the state named `start_at` (add it with [`Definition::state`]).
    pub fn new(start_at: impl Into<String>) -> Definition {
        Definition {
            start_at: start_at.into(),
            states: Vec::new(),
            comment: None,
            timeout_seconds: None,
            version: None,
        }
    }

    /// Adds a state named `name`.
    pub fn state(mut self, name: impl Into<String>, state: impl Into<State>) -> Self {
        self.states.push((name.into(), state.into()));
        self
    }

    /// `Comment`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// `TimeoutSeconds`: the maximum run time of an execution (top-level definitions only).
    pub fn timeout_seconds(mut self, seconds: u32) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// `Version` of the language (only "1.0" exists).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The state named `name` (the first one, if the name is duplicated).
    pub fn get(&self, name: &str) -> Option<&State> {
        self.states.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    /// The definition as a template value (keys sorted); tokens (e.g. a Task's resource ARN)
    /// stay tokens, so `Value::json_string` turns it into a `DefinitionString`.
    pub fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("StartAt".to_string(), Value::from(&self.start_at));
        let states: BTreeMap<String, Value> = self.states.iter().rev().map(|(n, s)| (n.clone(), s.render())).collect();
        m.insert("States".into(), Value::Map(states));
        put(&mut m, "Comment", self.comment.as_deref());
        put(&mut m, "TimeoutSeconds", self.timeout_seconds);
        put(&mut m, "Version", self.version.as_deref());
        Value::Map(m)
    }

    /// The definition as JSON, or `None` when it holds tokens (known only at deploy time).
    pub fn to_json(&self) -> Option<Json> {
        literal_json(&self.to_value())
    }

    /// Every problem of the definition (empty when it is valid), each naming its state.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.check_into("", true, &mut out);
        self.check_unique_across_scopes(&mut out);
        out
    }

    /// `Ok` when valid, else every problem.
    pub fn check(&self) -> Result<(), DefinitionError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DefinitionError { problems })
        }
    }
}

/// JSON of a value without tokens (`None` when it has any).
pub(crate) fn literal_json(v: &Value) -> Option<Json> {
    Some(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.clone()),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(literal_json).collect::<Option<_>>()?),
        Value::Map(m) => Json::Object(
            m.iter().map(|(k, v)| Some((k.clone(), literal_json(v)?))).collect::<Option<serde_json::Map<_, _>>>()?,
        ),
        Value::JsonString(inner) => Json::String(literal_json(inner)?.to_string()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use framework::{Pseudo, Value};
    use serde_json::json;

    #[test]
    fn flagship_definition_renders_exactly() {
        let definition = super::super::fixtures::flagship();
        assert_eq!(definition.problems(), Vec::<String>::new());
        let expected = json!({
            "Comment": "Simple State Machine with Choice",
            "StartAt": "WhichPath?",
            "States": {
                "Fail": {"Type": "Fail"},
                "PathA": {"End": true, "Type": "Pass"},
                "PathB": {"End": true, "Type": "Pass"},
                "WhichPath?": {
                    "Choices": [
                        {"Next": "PathA", "StringEquals": "A", "Variable": "$.detail.Path"},
                        {"Next": "PathB", "StringEquals": "B", "Variable": "$.detail.Path"}
                    ],
                    "Default": "Fail",
                    "Type": "Choice"
                }
            }
        });
        let json = definition.to_json().unwrap();
        assert_eq!(json, expected);
        // keys are sorted at every level: the text is deterministic
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            r#"{"Comment":"Simple State Machine with Choice","StartAt":"WhichPath?","States":{"Fail":{"Type":"Fail"},"PathA":{"End":true,"Type":"Pass"},"PathB":{"End":true,"Type":"Pass"},"WhichPath?":{"Choices":[{"Next":"PathA","StringEquals":"A","Variable":"$.detail.Path"},{"Next":"PathB","StringEquals":"B","Variable":"$.detail.Path"}],"Default":"Fail","Type":"Choice"}}}"#
        );
    }

    #[test]
    fn token_resources_stay_tokens() {
        let arn = Value::sub("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f");
        let d = Definition::new("T").state("T", Task::new(arn.clone()).end());
        assert_eq!(d.to_json(), None);
        let Value::Map(m) = d.to_value() else { panic!("a map") };
        let Value::Map(states) = &m["States"] else { panic!("a map") };
        let Value::Map(t) = &states["T"] else { panic!("a map") };
        assert_eq!(t["Resource"], arn);
        assert!(d.problems().is_empty());
        let _ = Pseudo::Region;
    }
}

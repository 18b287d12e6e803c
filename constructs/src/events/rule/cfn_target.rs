//! One entry of `AWS::Events::Rule.Targets`, typed.

use std::collections::BTreeMap;

use framework::{StringRule, Value};

use crate::events::target::{InputTransformer, RetryPolicy, RuleTargetInput};

fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".-_".contains(c)
}

/// Target ids: 1-64 of `[.\-_A-Za-z0-9]`.
pub const TARGET_ID: StringRule = StringRule::new(1, 64).chars(id_char, "letters, digits and .-_");

/// A rule target as CloudFormation takes it (`Input`, `InputPath` and `InputTransformer` are
/// separate fields here so that an imported or overridden target can be checked for exclusivity).
#[derive(Debug, Clone, PartialEq)]
pub struct CfnTarget {
    /// `Id`: unique among the rule's targets.
    pub id: String,
    /// `Arn`: the target resource.
    pub arn: Value,
    /// `RoleArn`: the role EventBridge assumes to invoke the target.
    pub role_arn: Option<Value>,
    /// `Input`: fixed JSON text sent instead of the event.
    pub input: Option<Value>,
    /// `InputPath`: the part of the event sent (JSONPath).
    pub input_path: Option<Value>,
    /// `InputTransformer`: the target input built from parts of the event.
    pub input_transformer: Option<InputTransformer>,
    /// `DeadLetterConfig.Arn`: the SQS queue for events that could not be delivered.
    pub dead_letter_arn: Option<Value>,
    /// `RetryPolicy`: how long and how often delivery is retried.
    pub retry_policy: Option<RetryPolicy>,
}

impl CfnTarget {
    /// A target with an id and an ARN.
    pub fn new(id: impl Into<String>, arn: impl Into<Value>) -> CfnTarget {
        CfnTarget {
            id: id.into(),
            arn: arn.into(),
            role_arn: None,
            input: None,
            input_path: None,
            input_transformer: None,
            dead_letter_arn: None,
            retry_policy: None,
        }
    }

    /// Sets the input fields from a typed input.
    pub fn set_input(&mut self, input: RuleTargetInput) {
        match input {
            RuleTargetInput::Literal(v) => self.input = Some(Value::json_string(v)),
            RuleTargetInput::EventPath(p) => self.input_path = Some(p),
            RuleTargetInput::Transformer(t) => self.input_transformer = Some(t),
        }
    }

    /// The `Targets` entry.
    pub fn to_value(&self) -> Value {
        let mut map = BTreeMap::new();
        map.insert("Id".to_string(), Value::from(self.id.as_str()));
        map.insert("Arn".to_string(), self.arn.clone());
        let mut opt = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                map.insert(k.to_string(), v);
            }
        };
        opt("RoleArn", self.role_arn.clone());
        opt("Input", self.input.clone());
        opt("InputPath", self.input_path.clone());
        opt("InputTransformer", self.input_transformer.as_ref().map(InputTransformer::to_value));
        opt("DeadLetterConfig", self.dead_letter_arn.clone().map(|arn| Value::map([("Arn", arn)])));
        opt("RetryPolicy", self.retry_policy.as_ref().map(RetryPolicy::to_value));
        Value::Map(map)
    }

    /// Every problem with the target.
    pub fn problems(&self) -> Vec<String> {
        let mut out = TARGET_ID.problems("Id", &self.id);
        if let Value::String(arn) = &self.arn {
            if !arn.starts_with("arn:") {
                out.push(format!("Arn {arn:?} is not an ARN"));
            }
        }
        let inputs = [self.input.is_some(), self.input_path.is_some(), self.input_transformer.is_some()];
        if inputs.iter().filter(|set| **set).count() > 1 {
            out.push("Input, InputPath and InputTransformer are mutually exclusive; set at most one".to_string());
        }
        if let Some(Value::String(text)) = &self.input {
            if serde_json::from_str::<serde_json::Value>(text).is_err() {
                out.push("Input must be valid JSON text".to_string());
            }
            if text.chars().count() > 8192 {
                out.push("Input is longer than 8192 characters".to_string());
            }
        }
        if let Some(Value::JsonString(v)) = &self.input {
            out.extend(RuleTargetInput::Literal((**v).clone()).problems());
        }
        if let Some(p) = &self.input_path {
            out.extend(RuleTargetInput::EventPath(p.clone()).problems());
        }
        if let Some(t) = &self.input_transformer {
            out.extend(t.problems());
        }
        if let Some(Value::String(arn)) = &self.dead_letter_arn {
            if !(arn.starts_with("arn:") && arn.split(':').nth(2) == Some("sqs")) {
                out.push(format!("DeadLetterConfig.Arn {arn:?} must be the ARN of an SQS queue"));
            }
        }
        if let Some(r) = &self.retry_policy {
            out.extend(r.problems());
        }
        out
    }
}

//! The construct library's hotswap for `deploy --hotswap` (feature `deploy`): what its services
//! can update in place, and the calls that do it. [`framework::deploy::hotswap`] decides when a
//! stack can be hotswapped; this module knows the services.
//!
//! Updated in place:
//!
//! | Resource type | Properties | Call |
//! | --- | --- | --- |
//! | `AWS::StepFunctions::StateMachine` | `DefinitionString`, `Definition`, `DefinitionSubstitutions` | `UpdateStateMachine` (definition only) |
//!
//! A state machine's definition is computed as CloudFormation computes it: `Definition` (an
//! object) serialized, or `DefinitionString`, with every `${key}` of `DefinitionSubstitutions`
//! replaced by its value, again and again while a replacement brings in another `${key}` (as
//! its resource provider does); both `Definition` and `DefinitionString`, or neither (a
//! definition in S3, `DefinitionS3Location`), take CloudFormation. So does every other change
//! (the role, logging, tracing, the name, any other resource). UpdateStateMachine publishes no
//! version; an update through CloudFormation changes the machine's `StateMachineRevisionId`, so
//! a template that refers to it (a `StateMachineVersion`, which aliases follow) is deployed
//! through CloudFormation too.
//!
//! `Ref` and `Fn::GetAtt` in the new values resolve against the deployed stack's physical IDs
//! ([`SimulatedResources::deployed`]: ARNs derived from names by each service's format).
//!
//! ```
//! use framework::deploy::Hotswap;
//! let hotswap = constructs::hotswap::hotswap();
//! assert_eq!(
//!     hotswap.0.properties("AWS::StepFunctions::StateMachine"),
//!     ["DefinitionString", "Definition", "DefinitionSubstitutions"]
//! );
//! assert!(hotswap.0.properties("AWS::IAM::Role").is_empty());
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use framework::deploy::retry::{with_retry, RetryPolicy};
use framework::deploy::{sdk_error_message, AwsConfig, Hotswap, HotswapWith, Update};
use framework::evaluate::{Environment, Resolver};
use serde_json::{Map, Value};

use crate::simulated::SimulatedResources;

const STATE_MACHINE: &str = "AWS::StepFunctions::StateMachine";
const STATE_MACHINE_PROPERTIES: &[&str] = &["DefinitionString", "Definition", "DefinitionSubstitutions"];

/// The construct library's [`Hotswap`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LibraryHotswap;

/// The library's hotswap, as `deploy` takes it (`framework::cli::Services::hotswap`).
pub fn hotswap() -> HotswapWith {
    HotswapWith(Arc::new(LibraryHotswap))
}

impl Hotswap for LibraryHotswap {
    fn properties(&self, resource_type: &str) -> &'static [&'static str] {
        match resource_type {
            STATE_MACHINE => STATE_MACHINE_PROPERTIES,
            _ => &[],
        }
    }

    fn changed_attributes(&self, resource_type: &str) -> &'static [&'static str] {
        match resource_type {
            STATE_MACHINE => &["StateMachineRevisionId"],
            _ => &[],
        }
    }

    fn check(&self, resource_type: &str, properties: &Map<String, Value>) -> Result<(), String> {
        match resource_type {
            STATE_MACHINE => state_machine_definition(properties).map(|_| ()),
            other => Err(format!("{other} cannot be hotswapped")),
        }
    }

    fn resolver(&self, env: &Environment, physical_ids: &BTreeMap<String, String>) -> Box<dyn Resolver + Send + Sync> {
        Box::new(SimulatedResources::deployed(env.clone(), physical_ids.clone()))
    }

    fn update<'a>(
        &'a self,
        config: &'a AwsConfig,
        resource_type: &'a str,
        physical_id: &'a str,
        properties: &'a Map<String, Value>,
    ) -> Update<'a> {
        Box::pin(async move {
            match resource_type {
                STATE_MACHINE => update_state_machine(config, physical_id, properties).await,
                other => Err(format!("{other} cannot be hotswapped")),
            }
        })
    }
}

/// How many rounds of substitution at most (a substitution that brings itself back is an
/// error rather than an endless loop).
const MAX_SUBSTITUTION_ROUNDS: usize = 32;
/// The largest definition Step Functions takes (1 MB).
const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// The definition CloudFormation would give the state machine.
pub fn state_machine_definition(properties: &Map<String, Value>) -> Result<String, String> {
    let mut text = match (properties.get("Definition"), properties.get("DefinitionString")) {
        (Some(_), Some(_)) => {
            return Err("Definition and DefinitionString are both set; CloudFormation takes one".into())
        }
        (Some(Value::Object(definition)), None) => {
            serde_json::to_string(definition).map_err(|e| format!("Definition: {e}"))?
        }
        (Some(other), None) => return Err(format!("Definition must be an object, not {other}")),
        (None, Some(Value::String(text))) => text.clone(),
        (None, Some(other)) => return Err(format!("DefinitionString must be a string, not {other}")),
        (None, None) => {
            return Err("the definition is not in the template (DefinitionS3Location): CloudFormation reads it".into())
        }
    };
    let Some(substitutions) = properties.get("DefinitionSubstitutions") else { return Ok(text) };
    let Some(substitutions) = substitutions.as_object() else {
        return Err("DefinitionSubstitutions must be an object".into());
    };
    let mut pairs = Vec::new();
    for (key, value) in substitutions {
        let value = match value {
            Value::String(s) => s.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            other => {
                return Err(format!("DefinitionSubstitutions.{key} must be a string, number or boolean, not {other}"))
            }
        };
        pairs.push((format!("${{{key}}}"), value));
    }
    // Replaced repeatedly, as the resource provider's replaceEachRepeatedly does.
    for _ in 0..MAX_SUBSTITUTION_ROUNDS {
        if !pairs.iter().any(|(placeholder, _)| text.contains(placeholder.as_str())) {
            return Ok(text);
        }
        for (placeholder, value) in &pairs {
            text = text.replace(placeholder, value);
            if text.len() > MAX_DEFINITION_BYTES {
                return Err(format!(
                    "DefinitionSubstitutions make the definition over {MAX_DEFINITION_BYTES} bytes, Step Functions' limit"
                ));
            }
        }
    }
    Err("DefinitionSubstitutions refer to each other without end".into())
}

async fn update_state_machine(config: &AwsConfig, arn: &str, properties: &Map<String, Value>) -> Result<(), String> {
    let definition = state_machine_definition(properties)?;
    let sfn = aws_sdk_sfn::Client::new(&config.sdk_config);
    with_retry(&RetryPolicy::default(), || {
        sfn.update_state_machine().state_machine_arn(arn).definition(&definition).send()
    })
    .await
    .map(|_| ())
    .map_err(|e| sdk_error_message("Step Functions", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn the_definition_is_computed_as_cloudformation_does() {
        let text = state_machine_definition(&props(json!({
            "DefinitionString": "{\"StartAt\":\"${First}\",\"TimeoutSeconds\":${Limit}}",
            "DefinitionSubstitutions": {"First": "A", "Limit": 30}
        })))
        .unwrap();
        assert_eq!(text, "{\"StartAt\":\"A\",\"TimeoutSeconds\":30}");
        let object = state_machine_definition(&props(json!({"Definition": {"StartAt": "A"}}))).unwrap();
        assert_eq!(object, "{\"StartAt\":\"A\"}");
        let err = state_machine_definition(&props(json!({}))).unwrap_err();
        assert!(err.contains("DefinitionS3Location"), "{err}");
        let both = state_machine_definition(&props(json!({"Definition": {}, "DefinitionString": "{}"}))).unwrap_err();
        assert!(both.contains("both set"), "{both}");
        let nested = state_machine_definition(&props(json!({
            "DefinitionString": "${A}", "DefinitionSubstitutions": {"A": "x${B}", "B": "y"}
        })));
        assert_eq!(nested.unwrap(), "xy", "a value bringing in another placeholder is replaced too");
        let growing = state_machine_definition(&props(json!({
            "DefinitionString": "${A}", "DefinitionSubstitutions": {"A": "${A}${A}"}
        })));
        assert!(growing.unwrap_err().contains("over 1048576 bytes"));
        let endless = state_machine_definition(&props(json!({
            "DefinitionString": "${A}", "DefinitionSubstitutions": {"A": "${B}", "B": "${A}"}
        })));
        assert!(endless.unwrap_err().contains("without end"));
        assert!(LibraryHotswap.check(STATE_MACHINE, &props(json!({"DefinitionString": "{}"}))).is_ok());
        assert!(LibraryHotswap.check(STATE_MACHINE, &props(json!({}))).is_err());
        let err =
            state_machine_definition(&props(json!({"DefinitionString": "x", "DefinitionSubstitutions": {"A": [1]}})))
                .unwrap_err();
        assert!(err.contains("DefinitionSubstitutions.A must be a string"), "{err}");
    }

    #[test]
    fn deployed_references_resolve_from_physical_ids() {
        let ids = BTreeMap::from([
            ("Role".to_string(), "S-Role-ABC".to_string()),
            ("SM".to_string(), "arn:aws:states:us-east-1:123456789012:stateMachine:S-SM-XYZ".to_string()),
        ]);
        let env = Environment::new("123456789012", "us-east-1", "S");
        let r = LibraryHotswap.resolver(&env, &ids);
        assert_eq!(
            r.attribute("Role", "AWS::IAM::Role", &json!({"Path": "/svc/"}), "Arn"),
            Some(json!("arn:aws:iam::123456789012:role/svc/S-Role-ABC"))
        );
        assert_eq!(r.attribute("SM", STATE_MACHINE, &json!({}), "Name"), Some(json!("S-SM-XYZ")));
        assert_eq!(
            r.reference("SM", STATE_MACHINE, &json!({})),
            Some(json!("arn:aws:states:us-east-1:123456789012:stateMachine:S-SM-XYZ"))
        );
    }
}

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
//! replaced by its value. Every other change (the role, logging, tracing, the name, any other
//! resource) goes through CloudFormation. UpdateStateMachine publishes no version and leaves
//! aliases alone, as a CloudFormation update of the definition alone does.
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

/// The definition CloudFormation would give the state machine.
pub fn state_machine_definition(properties: &Map<String, Value>) -> Result<String, String> {
    let mut text = match (properties.get("Definition"), properties.get("DefinitionString")) {
        (Some(Value::Object(definition)), _) => {
            serde_json::to_string(definition).map_err(|e| format!("Definition: {e}"))?
        }
        (Some(other), _) => return Err(format!("Definition must be an object, not {other}")),
        (None, Some(Value::String(text))) => text.clone(),
        (None, Some(other)) => return Err(format!("DefinitionString must be a string, not {other}")),
        (None, None) => return Err("the state machine has neither Definition nor DefinitionString".into()),
    };
    if let Some(substitutions) = properties.get("DefinitionSubstitutions") {
        let Some(substitutions) = substitutions.as_object() else {
            return Err("DefinitionSubstitutions must be an object".into());
        };
        for (key, value) in substitutions {
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => value.to_string(),
                other => {
                    return Err(format!(
                        "DefinitionSubstitutions.{key} must be a string, number or boolean, not {other}"
                    ))
                }
            };
            text = text.replace(&format!("${{{key}}}"), &value);
        }
    }
    Ok(text)
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
        assert!(err.contains("neither Definition nor DefinitionString"), "{err}");
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

//! What `send-events` watches: the state machines (and, for hints, the EventBridge rules) of the
//! deployed stacks, from ListStackResources.

use framework::deploy::retry::{with_retry, RetryPolicy};
use framework::deploy::{is_missing_stack, CfnClient, DeployError};

use crate::trial::error::sdk_error_message;

/// A deployed stack's state machines and rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchedStack {
    /// The stack name.
    pub stack: String,
    /// Physical IDs (ARNs) of its `AWS::StepFunctions::StateMachine` resources, with their
    /// logical IDs, in logical ID order.
    pub state_machines: Vec<(String, String)>,
    /// Physical IDs of its `AWS::Events::Rule` resources (`name`, or `bus|name` on a custom bus),
    /// with their logical IDs, in logical ID order.
    pub rules: Vec<(String, String)>,
}

/// A rule's physical ID split into (event bus, rule name): CloudFormation names a rule of a
/// custom bus `bus|name`.
pub fn rule_bus_and_name(physical_id: &str) -> (Option<&str>, &str) {
    match physical_id.split_once('|') {
        Some((bus, name)) => (Some(bus), name),
        None => (None, physical_id),
    }
}

/// The account of an ARN (`arn:partition:service:region:account:...`).
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Lists a stack's state machines and rules; `None` when the stack does not exist.
pub async fn watched_stack(cfn: &CfnClient, stack: &str) -> Result<Option<WatchedStack>, DeployError> {
    let policy = RetryPolicy::default();
    let mut watched = WatchedStack { stack: stack.to_string(), ..WatchedStack::default() };
    let mut token: Option<String> = None;
    loop {
        let page = with_retry(&policy, || {
            cfn.client.list_stack_resources().stack_name(stack).set_next_token(token.clone()).send()
        })
        .await;
        let page = match page {
            Ok(page) => page,
            Err(e) if e.as_service_error().is_some_and(is_missing_stack) => return Ok(None),
            Err(e) => {
                return Err(DeployError::Api {
                    operation: "ListStackResources",
                    stack: stack.to_string(),
                    message: sdk_error_message("CloudFormation", &e),
                })
            }
        };
        for r in page.stack_resource_summaries() {
            let (Some(physical), Some(logical)) = (r.physical_resource_id(), r.logical_resource_id()) else { continue };
            let entry = (logical.to_string(), physical.to_string());
            match r.resource_type() {
                Some("AWS::StepFunctions::StateMachine") => watched.state_machines.push(entry),
                Some("AWS::Events::Rule") => watched.rules.push(entry),
                _ => {}
            }
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    watched.state_machines.sort();
    watched.rules.sort();
    Ok(Some(watched))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_and_arns_split() {
        assert_eq!(rule_bus_and_name("MyStack-Rule4C995B7F-1X2Y"), (None, "MyStack-Rule4C995B7F-1X2Y"));
        assert_eq!(rule_bus_and_name("orders|MyStack-Rule-1X2Y"), (Some("orders"), "MyStack-Rule-1X2Y"));
        assert_eq!(arn_account("arn:aws:states:us-east-1:000000000000:stateMachine:S"), Some("000000000000"));
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_account("nonsense"), None);
    }
}

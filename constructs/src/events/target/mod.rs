//! Rule targets: what a rule sends matching events to.
//!
//! A target implements [`RuleTarget`]: when added to a rule it creates what it needs (a role,
//! grants) and returns its [`TargetConfig`]. The Step Functions state machine target ships here;
//! other kinds implement the same trait.

pub mod deliver;
mod input;
mod retry;
mod sfn;

pub use deliver::{deliver, Delivered, DeliveryContext, DeliveryError};
pub use input::{InputTransformer, RuleTargetInput, PREDEFINED_PLACEHOLDERS};
pub use retry::RetryPolicy;
pub use sfn::SfnStateMachine;

use framework::{NodeRef, Stack, Value};

use crate::events::rule::RuleRef;
use crate::iam::{Principal, Role, RoleRef};

/// Something a rule can send events to.
pub trait RuleTarget: std::fmt::Debug {
    /// Called once when the target is added to `rule`: creates and grants what the target needs,
    /// and returns its configuration.
    fn bind(&self, stack: &mut Stack, rule: RuleRef) -> TargetConfig;
}

/// A bound target: what goes into one entry of the rule's `Targets`.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetConfig {
    /// The target's `Id` (`Target<n>` in the order targets were added, when `None`).
    pub id: Option<String>,
    /// ARN of the target resource.
    pub arn: Value,
    /// Role EventBridge assumes to invoke the target.
    pub role_arn: Option<Value>,
    /// What the target receives (the matched event when `None`).
    pub input: Option<RuleTargetInput>,
    /// ARN of the SQS queue receiving events that could not be delivered.
    pub dead_letter_queue_arn: Option<Value>,
    /// Retry policy.
    pub retry_policy: Option<RetryPolicy>,
}

impl TargetConfig {
    /// A configuration with only the target ARN.
    pub fn new(arn: impl Into<Value>) -> TargetConfig {
        TargetConfig {
            id: None,
            arn: arn.into(),
            role_arn: None,
            input: None,
            dead_letter_queue_arn: None,
            retry_policy: None,
        }
    }
}

/// The role EventBridge assumes to reach a target that has no role of its own: construct
/// `<owner>/EventsRole`, assumed by `events.amazonaws.com`, created on first use and shared by
/// every rule sending to `owner` after that (AWS CDK's `singletonEventRole`, so the logical IDs
/// match). Each target grants it only what it needs. The library's one events-role mechanism.
pub(crate) fn singleton_events_role(stack: &mut Stack, owner: NodeRef) -> RoleRef {
    if let Some(role) = stack.find_child(owner, "EventsRole").and_then(|n| RoleRef::from_node(stack, n)) {
        return role;
    }
    Role::builder().assumed_by(Principal::service("events.amazonaws.com")).build(stack.at(owner), "EventsRole")
}

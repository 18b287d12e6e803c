//! The Step Functions state machine target: starts an execution per matched event.

use framework::{Stack, Value};

use crate::events::rule::RuleRef;
use crate::events::target::{RetryPolicy, RuleTarget, RuleTargetInput, TargetConfig};
use crate::iam::RoleRef;
use crate::stepfunctions::StateMachineRef;

/// Starts an execution of a state machine for each matched event.
///
/// EventBridge assumes a role to call `states:StartExecution`. Give one with
/// [`SfnStateMachine::role`]; otherwise the state machine's events role is used: construct
/// `<state machine>/EventsRole`, assumed by `events.amazonaws.com`, created on first use and
/// shared by every rule targeting that state machine (see [`StateMachineRef::events_role`]; the
/// same layout as AWS CDK, so logical IDs match). Either way the role is granted
/// `states:StartExecution` on this state machine, in its default policy.
///
/// ```
/// use constructs::events::{EventPattern, Rule, RuleTargetInput};
/// use constructs::events::target::SfnStateMachine;
/// use constructs::stepfunctions::asl::{Definition, Pass};
/// use constructs::stepfunctions::StateMachine;
/// use framework::{App, Pseudo, Value};
///
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let definition = Definition::new("Hello").state("Hello", Pass::new().end());
/// let sm = StateMachine::builder().definition(definition).build(&mut *stack, "SM");
/// Rule::builder()
///     .event_pattern(EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]))
///     .target(SfnStateMachine::new(sm).input(RuleTargetInput::from_event_path("$.detail")))
///     .build(&mut *stack, "Rule");
/// let assembly = app.synth().unwrap();
/// let targets = &assembly.stack("Stack").unwrap().template()["Resources"]["Rule4C995B7F"]["Properties"]["Targets"];
/// assert_eq!(targets[0]["Arn"]["Ref"], "SM934E715A");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SfnStateMachine {
    state_machine: StateMachineRef,
    role: Option<RoleRef>,
    input: Option<RuleTargetInput>,
    dead_letter_queue_arn: Option<Value>,
    retry_policy: Option<RetryPolicy>,
    id: Option<String>,
}

impl SfnStateMachine {
    /// A target starting `state_machine`.
    pub fn new(state_machine: StateMachineRef) -> SfnStateMachine {
        SfnStateMachine {
            state_machine,
            role: None,
            input: None,
            dead_letter_queue_arn: None,
            retry_policy: None,
            id: None,
        }
    }
    /// The role EventBridge assumes (granted `states:StartExecution` on the state machine).
    pub fn role(mut self, role: RoleRef) -> SfnStateMachine {
        self.role = Some(role);
        self
    }
    /// What the execution receives as input (the matched event by default).
    pub fn input(mut self, input: RuleTargetInput) -> SfnStateMachine {
        self.input = Some(input);
        self
    }
    /// SQS queue receiving events that could not be delivered.
    pub fn dead_letter_queue_arn(mut self, arn: impl Into<Value>) -> SfnStateMachine {
        self.dead_letter_queue_arn = Some(arn.into());
        self
    }
    /// Retry policy for failed deliveries.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> SfnStateMachine {
        self.retry_policy = Some(policy);
        self
    }
    /// The target's `Id` (`Target<n>` by default).
    pub fn id(mut self, id: impl Into<String>) -> SfnStateMachine {
        self.id = Some(id.into());
        self
    }
}

impl RuleTarget for SfnStateMachine {
    fn bind(&self, stack: &mut Stack, _rule: RuleRef) -> TargetConfig {
        let role = self.role.unwrap_or_else(|| self.state_machine.events_role(stack));
        self.state_machine.grant_start_execution(stack, role);
        TargetConfig {
            id: self.id.clone(),
            arn: self.state_machine.arn(),
            role_arn: Some(role.arn()),
            input: self.input.clone(),
            dead_letter_queue_arn: self.dead_letter_queue_arn.clone(),
            retry_policy: self.retry_policy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventPattern, Rule};
    use crate::iam::{Principal, Role};
    use crate::stepfunctions::asl::{Definition, Pass};
    use crate::stepfunctions::StateMachine;
    use framework::{App, Pseudo};
    use serde_json::{json, Value as J};

    fn state_machine(stack: &mut Stack) -> StateMachineRef {
        StateMachine::builder()
            .definition(Definition::new("Hello").state("Hello", Pass::new().end()))
            .build(&mut *stack, "SM")
    }

    fn flagship_pattern() -> EventPattern {
        EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"])
    }

    fn resources(app: &App) -> J {
        let asm = app.synth().unwrap_or_else(|e| panic!("{e}"));
        asm.stack("S").unwrap().template()["Resources"].clone()
    }

    fn of_type<'a>(resources: &'a J, cfn_type: &str) -> Vec<(&'a String, &'a J)> {
        resources.as_object().unwrap().iter().filter(|(_, r)| r["Type"] == cfn_type).collect()
    }

    #[test]
    fn creates_the_events_role_and_grants_start_execution() {
        let mut app = App::new();
        let stack = app.add_stack("S");
        let sm = state_machine(stack);
        Rule::builder().event_pattern(flagship_pattern()).target(SfnStateMachine::new(sm)).build(&mut *stack, "Rule");
        let r = resources(&app);
        assert_eq!(
            r["Rule4C995B7F"]["Properties"]["Targets"],
            json!([{
                "Arn": {"Ref": "SM934E715A"},
                "Id": "Target0",
                "RoleArn": {"Fn::GetAtt": ["SMEventsRoleB320A902", "Arn"]}
            }])
        );
        assert_eq!(
            r["SMEventsRoleB320A902"]["Properties"]["AssumeRolePolicyDocument"]["Statement"],
            json!([{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}}])
        );
        let policies = of_type(&r, "AWS::IAM::Policy");
        let (_, policy) = policies
            .iter()
            .find(|(id, _)| id.starts_with("SMEventsRoleDefaultPolicy"))
            .unwrap_or_else(|| panic!("no events role policy in {r:#}"));
        assert_eq!(
            policy["Properties"]["PolicyDocument"]["Statement"],
            json!([{"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": "SM934E715A"}}])
        );
        assert_eq!(policy["Properties"]["Roles"], json!([{"Ref": "SMEventsRoleB320A902"}]));
    }

    #[test]
    fn uses_a_given_role() {
        let mut app = App::new();
        let stack = app.add_stack("S");
        let sm = state_machine(stack);
        let project = stack.construct("MyProject");
        let role = Role::builder()
            .assumed_by(Principal::service("events.amazonaws.com"))
            .build(stack.at(project), "EventsRole");
        Rule::builder()
            .event_pattern(flagship_pattern())
            .target(
                SfnStateMachine::new(sm)
                    .role(role)
                    .id("StartSM")
                    .input(RuleTargetInput::from_event_path("$.detail"))
                    .dead_letter_queue_arn("arn:aws:sqs:eu-west-1:111122223333:dlq")
                    .retry_policy(RetryPolicy::new().max_retry_attempts(2)),
            )
            .build(&mut *stack, "Rule");
        let r = resources(&app);
        let target = &r["Rule4C995B7F"]["Properties"]["Targets"][0];
        assert_eq!(target["Id"], "StartSM");
        assert_eq!(
            target["RoleArn"],
            json!({"Fn::GetAtt": [r.as_object().unwrap().keys().find(|k| k.starts_with("MyProjectEventsRole") && !k.contains("Policy")).unwrap(), "Arn"]})
        );
        assert_eq!(target["InputPath"], "$.detail");
        assert_eq!(target["DeadLetterConfig"]["Arn"], "arn:aws:sqs:eu-west-1:111122223333:dlq");
        assert_eq!(target["RetryPolicy"], json!({"MaximumRetryAttempts": 2}));
        let policy = &r["MyProjectEventsRoleDefaultPolicy397DCBF8"];
        assert_eq!(
            policy["Properties"]["PolicyDocument"]["Statement"],
            json!([{"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": "SM934E715A"}}]),
            "{r:#}"
        );
        assert!(r.get("SMEventsRoleB320A902").is_none(), "no role is created when one is given");
    }

    #[test]
    fn rules_share_the_state_machines_events_role_and_grant_once() {
        let mut app = App::new();
        let stack = app.add_stack("S");
        let sm = state_machine(stack);
        Rule::builder()
            .event_pattern(flagship_pattern())
            .target(SfnStateMachine::new(sm))
            .target(SfnStateMachine::new(sm).input(RuleTargetInput::literal(framework::Value::map([("Path", "A")]))))
            .build(&mut *stack, "Rule");
        Rule::builder()
            .event_pattern(EventPattern::new().source(["other"]))
            .target(SfnStateMachine::new(sm))
            .build(&mut *stack, "Other");
        let r = resources(&app);
        // The state machine's own role, plus its one events role (as AWS CDK's singletonEventRole).
        assert_eq!(of_type(&r, "AWS::IAM::Role").len(), 2, "{r:#}");
        let policy = of_type(&r, "AWS::IAM::Policy")
            .into_iter()
            .find(|(id, _)| id.starts_with("SMEventsRoleDefaultPolicy"))
            .unwrap()
            .1;
        assert_eq!(policy["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().len(), 1);
        let targets = &r["Rule4C995B7F"]["Properties"]["Targets"];
        assert_eq!(targets[1]["Id"], "Target1");
        assert_eq!(targets[1]["Input"], "{\"Path\":\"A\"}");
        assert_eq!(targets[0]["RoleArn"], targets[1]["RoleArn"]);
        let (_, other) = of_type(&r, "AWS::Events::Rule").into_iter().find(|(id, _)| id.starts_with("Other")).unwrap();
        assert_eq!(other["Properties"]["Targets"][0]["RoleArn"], targets[0]["RoleArn"]);
    }
}

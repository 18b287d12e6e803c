//! The event-routing pattern as a reusable construct: an EventBridge rule starts a Step
//! Functions state machine that routes on `$.detail.Path`, logging everything to a log group.

use constructs::events::target::SfnStateMachine;
use constructs::events::{EventPattern, Rule, RuleRef};
use constructs::logs::{LogGroup, LogGroupRef};
use constructs::stepfunctions::asl::{Choice, Condition, Definition, Fail, Pass};
use constructs::stepfunctions::{LogLevel, LogOptions, StateMachine, StateMachineRef};
use framework::{OutputNode, Pseudo, Scope, Value};

/// The event source the rule listens to.
pub const EVENT_SOURCE: &str = "demo.sfn";

/// What the pattern created.
#[derive(Debug, Clone, Copy)]
pub struct RoutedStateMachine {
    pub log_group: LogGroupRef,
    pub state_machine: StateMachineRef,
    pub rule: RuleRef,
}

/// The state machine definition: Choice on `$.detail.Path`, "A" -> PathA, "B" -> PathB,
/// anything else -> Fail.
///
/// ```
/// let definition = app::pattern::definition();
/// assert!(definition.problems().is_empty());
/// ```
pub fn definition() -> Definition {
    routing_definition(&["A", "B"])
}

/// A definition routing on `$.detail.Path`: each route `X` goes to a Pass state `PathX` that
/// ends the execution; any other value goes to the Fail state.
///
/// ```
/// let three = app::pattern::routing_definition(&["A", "B", "C"]);
/// assert!(three.get("PathC").is_some());
/// ```
pub fn routing_definition(routes: &[&str]) -> Definition {
    let mut choice = Choice::new();
    for route in routes {
        choice = choice.when(Condition::string_equals("$.detail.Path", *route), format!("Path{route}"));
    }
    let mut definition = Definition::new("WhichPath?")
        .comment("Simple State Machine with Choice")
        .state("WhichPath?", choice.otherwise("Fail"));
    for route in routes {
        definition = definition.state(format!("Path{route}"), Pass::new().end());
    }
    definition.state("Fail", Fail::new())
}

/// The rule's pattern: events from [`EVENT_SOURCE`] in the stack's own account.
pub fn event_pattern() -> EventPattern {
    EventPattern::new().account([Pseudo::AccountId]).source([EVENT_SOURCE])
}

/// `/aws/vendedlogs/states/<stack name>-<suffix>-<stack uid>`, where the uid is the first part of
/// the stack id's UUID. The log group is retained when the stack goes (logs are data); the uid
/// makes the name new for every creation of the stack, so a stack destroyed and deployed again
/// does not collide with the group its previous life left behind.
pub fn log_group_name(suffix: &str) -> Value {
    let stack_uid = Value::select(0, Value::split("-", Value::select(2, Value::split("/", Pseudo::StackId))));
    Value::sub_with(
        format!("/aws/vendedlogs/states/${{AWS::StackName}}-{suffix}-${{StackUid}}"),
        [("StackUid", stack_uid)],
    )
}

impl RoutedStateMachine {
    /// Builds the pattern's constructs directly under `scope` (ids `LogGroup`, `StateMachine`,
    /// `Rule`) with outputs `<prefix>LogGroupName` and `<prefix>StateMachineName` in the stack.
    ///
    /// ```
    /// use framework::App;
    /// use framework::assertions::Template;
    /// let mut app = App::new();
    /// let stack = app.add_stack("Demo");
    /// app::pattern::RoutedStateMachine::build(&mut *stack, "");
    /// let template = Template::from_stack(&app, "Demo");
    /// template.resource_count_is("AWS::IAM::Role", 2);
    /// template.resource_count_is("AWS::StepFunctions::StateMachine", 1);
    /// ```
    pub fn build<'a>(scope: impl Into<Scope<'a>>, output_prefix: &str) -> RoutedStateMachine {
        RoutedStateMachine::build_with(scope, output_prefix, definition())
    }

    /// [`build`](Self::build) with another state machine definition.
    pub fn build_with<'a>(
        scope: impl Into<Scope<'a>>,
        output_prefix: &str,
        definition: Definition,
    ) -> RoutedStateMachine {
        let mut scope = scope.into();
        let name_suffix = {
            let path = scope.stack_ref().path(scope.parent());
            let below_stack: Vec<&str> = path.split('/').skip(1).collect();
            if below_stack.is_empty() {
                "StateMachine".to_string()
            } else {
                below_stack.join("-")
            }
        };
        let log_group =
            LogGroup::builder().log_group_name(log_group_name(&name_suffix)).build(scope.reborrow(), "LogGroup");
        let state_machine = StateMachine::builder()
            .definition(definition)
            .logs(LogOptions::new(log_group.arn()).level(LogLevel::All).include_execution_data(true))
            .build(scope.reborrow(), "StateMachine");
        let rule = Rule::builder()
            .description("Starts the state machine for demo.sfn events of this account")
            .event_pattern(event_pattern())
            .target(SfnStateMachine::new(state_machine))
            .build(scope.reborrow(), "Rule");
        let stack = scope.stack();
        stack.add_output(
            &format!("{output_prefix}LogGroupName"),
            OutputNode::new(log_group.name()).description("Log group receiving the state machine's logs"),
        );
        stack.add_output(
            &format!("{output_prefix}StateMachineName"),
            OutputNode::new(state_machine.name()).description("Name of the state machine"),
        );
        RoutedStateMachine { log_group, state_machine, rule }
    }
}

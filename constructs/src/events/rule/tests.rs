//! Rule synth and validation tests, with a simple target kind defined here.

use framework::{App, AsNode, Pseudo, Stack, Value};
use serde_json::json;

use super::*;
use crate::events::target::{InputTransformer, RetryPolicy, RuleTargetInput, TargetConfig};
use crate::events::{Matcher, Schedule, TimeUnit};
use crate::iam::PolicyStatement;

/// A queue-like target: sends to an ARN, optionally through the rule's shared events role
/// (`<rule>/EventsRole`).
#[derive(Debug, Clone)]
struct ArnTarget {
    arn: &'static str,
    id: Option<&'static str>,
    use_role: bool,
    input: Option<RuleTargetInput>,
    retry: Option<RetryPolicy>,
    dlq: Option<&'static str>,
}

fn target(arn: &'static str) -> ArnTarget {
    ArnTarget { arn, id: None, use_role: false, input: None, retry: None, dlq: None }
}

impl RuleTarget for ArnTarget {
    fn bind(&self, stack: &mut Stack, rule: RuleRef) -> TargetConfig {
        let mut config = TargetConfig::new(self.arn);
        config.id = self.id.map(str::to_string);
        if self.use_role {
            let role = crate::events::target::singleton_events_role(stack, rule.node());
            role.add_to_policy(stack, PolicyStatement::allow().action("sqs:SendMessage").resource(self.arn));
            config.role_arn = Some(role.arn());
        }
        config.input = self.input.clone();
        config.retry_policy = self.retry;
        config.dead_letter_queue_arn = self.dlq.map(Value::from);
        config
    }
}

fn problems(app: &App) -> Vec<String> {
    match app.synth() {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().iter().map(ToString::to_string).collect(),
    }
}

fn has(problems: &[String], needle: &str) -> bool {
    problems.iter().any(|p| p.contains(needle))
}

const QUEUE: &str = "arn:aws:sqs:eu-west-1:111122223333:q";

#[test]
fn synthesizes_the_flagship_rule() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let rule = Rule::builder()
        .event_pattern(EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]))
        .target(target(QUEUE))
        .build(&mut *stack, "Rule");
    assert_eq!(stack.path(rule.resource()), "S/Rule/Resource");
    let asm = app.synth().unwrap();
    let template = asm.stack("S").unwrap().template();
    assert_eq!(
        template["Resources"]["Rule4C995B7F"],
        json!({
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventPattern": {"account": [{"Ref": "AWS::AccountId"}], "source": ["demo.sfn"]},
                "State": "ENABLED",
                "Targets": [{"Arn": QUEUE, "Id": "Target0"}]
            }
        })
    );
}

#[test]
fn schedule_name_description_and_disabled() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    Rule::builder()
        .rule_name("nightly-job")
        .description("runs every night")
        .enabled(false)
        .schedule(Schedule::cron(crate::events::Cron::new().minute(0).hour(2)))
        .build(&mut *stack, "Nightly");
    Rule::builder().schedule(Schedule::rate(1, TimeUnit::Hours)).build(&mut *stack, "Hourly");
    let asm = app.synth().unwrap();
    let resources = &asm.stack("S").unwrap().template()["Resources"];
    let find = |prefix: &str| {
        resources.as_object().unwrap().iter().find(|(k, _)| k.starts_with(prefix)).map(|(_, v)| v.clone()).unwrap()
    };
    let nightly = &find("Nightly")["Properties"];
    assert_eq!(nightly["ScheduleExpression"], "cron(0 2 * * ? *)", "{resources:#}");
    assert_eq!(nightly["State"], "DISABLED");
    assert_eq!(nightly["Name"], "nightly-job");
    assert_eq!(nightly["Description"], "runs every night");
    assert_eq!(find("Hourly")["Properties"]["ScheduleExpression"], "rate(1 hour)");
}

#[test]
fn target_options_render() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let mut t = target(QUEUE);
    t.id = Some("Queue");
    t.use_role = true;
    t.retry = Some(RetryPolicy::new().max_retry_attempts(3).max_event_age(std::time::Duration::from_secs(600)));
    t.dlq = Some("arn:aws:sqs:eu-west-1:111122223333:dlq");
    t.input = Some(RuleTargetInput::transform(InputTransformer::new("{\"p\": <path>}").path("path", "$.detail.Path")));
    let mut literal = target(QUEUE);
    literal.input = Some(RuleTargetInput::literal(Value::map([("Path", "A")])));
    let mut path = target(QUEUE);
    path.input = Some(RuleTargetInput::from_event_path("$.detail"));
    path.use_role = true;
    Rule::builder()
        .event_pattern(EventPattern::new().source(["demo.sfn"]))
        .target(t)
        .target(literal)
        .target(path)
        .build(&mut *stack, "Rule");
    let asm = app.synth().unwrap();
    let resources = &asm.stack("S").unwrap().template()["Resources"];
    let targets = &resources["Rule4C995B7F"]["Properties"]["Targets"];
    assert_eq!(
        targets[0],
        json!({
            "Arn": QUEUE,
            "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-1:111122223333:dlq"},
            "Id": "Queue",
            "InputTransformer": {"InputPathsMap": {"path": "$.detail.Path"}, "InputTemplate": "{\"p\": <path>}"},
            "RetryPolicy": {"MaximumEventAgeInSeconds": 600, "MaximumRetryAttempts": 3},
            "RoleArn": {"Fn::GetAtt": ["RuleEventsRoleC51A4248", "Arn"]}
        }),
        "{resources:#}"
    );
    assert_eq!(targets[1]["Id"], "Target1");
    assert_eq!(targets[1]["Input"], "{\"Path\":\"A\"}");
    assert_eq!(targets[2]["InputPath"], "$.detail");
    assert_eq!(targets[2]["RoleArn"], targets[0]["RoleArn"], "targets share the rule's events role");
    let role = &resources["RuleEventsRoleC51A4248"]["Properties"];
    assert_eq!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "events.amazonaws.com");
    let roles = resources.as_object().unwrap().values().filter(|r| r["Type"] == "AWS::IAM::Role").count();
    assert_eq!(roles, 1);
}

#[test]
fn rule_level_problems_name_the_construct_path() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    Rule::builder().rule_name("bad name!").description("x".repeat(513)).build(&mut *stack, "Rule");
    let p = problems(&app);
    assert!(has(&p, "S/Rule/Resource: Name \"bad name!\" has characters that are not allowed"), "{p:#?}");
    assert!(has(&p, "S/Rule/Resource: Description"), "{p:#?}");
    assert!(has(&p, "S/Rule/Resource: a rule needs an event pattern, a schedule, or both"), "{p:#?}");
    let mut app = App::new();
    Rule::builder()
        .rule_name("x".repeat(65))
        .schedule(Schedule::rate(5, TimeUnit::Minutes))
        .build(app.add_stack("S"), "R");
    assert!(has(&problems(&app), "Name \"xxxx"), "{:?}", problems(&app));
}

#[test]
fn pattern_and_schedule_problems_are_reported_at_synth() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    Rule::builder()
        .event_pattern(EventPattern::new().source(["demo.sfn"]).detail_field("Path", [Matcher::prefix("")]))
        .schedule(Schedule::rate(0, TimeUnit::Minutes))
        .event_bus_name("custom-bus")
        .build(&mut *stack, "Rule");
    let p = problems(&app);
    assert!(has(&p, "S/Rule/Resource: EventPattern: detail.Path[0]: prefix value must not be empty"), "{p:#?}");
    assert!(has(&p, "S/Rule/Resource: ScheduleExpression \"rate(0 minutes)\": a rate must be a positive"), "{p:#?}");
    assert!(has(&p, "scheduled rules only run on the default event bus"), "{p:#?}");
    assert_eq!(p.len(), 3, "{p:#?}");
}

#[test]
fn pattern_size_quota_can_be_raised() {
    let big: Vec<String> = (0..300).map(|i| format!("value-{i:04}")).collect();
    let mut app = App::new();
    Rule::builder().event_pattern(EventPattern::new().source(big.clone())).build(app.add_stack("S"), "Rule");
    assert!(has(&problems(&app), "EventBridge's quota is 2048"));
    let mut app = App::new();
    Rule::builder()
        .event_pattern(EventPattern::new().source(big))
        .pattern_size_quota(8192usize)
        .build(app.add_stack("S"), "Rule");
    assert!(problems(&app).is_empty());
}

#[test]
fn target_problems() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let mut builder = Rule::builder().event_pattern(EventPattern::new().source(["s"]));
    for _ in 0..5 {
        let mut t = target(QUEUE);
        t.id = Some("Same");
        builder = builder.target(t);
    }
    let mut bad = target("not-an-arn");
    bad.id = Some("bad id");
    bad.retry = Some(RetryPolicy::new().max_retry_attempts(200).max_event_age(std::time::Duration::from_secs(30)));
    bad.dlq = Some("arn:aws:sns:eu-west-1:111122223333:topic");
    bad.input = Some(RuleTargetInput::from_event_path("detail"));
    let rule = builder.target(bad).build(&mut *stack, "Rule");
    if let Some(cfn) = stack.resource_spec_mut::<CfnRule>(rule.resource()) {
        cfn.targets[0].input = Some(Value::from("{}"));
        cfn.targets[0].input_path = Some(Value::from("$.detail"));
    }
    let p = problems(&app);
    for needle in [
        "a rule has at most 5 targets (this one has 6)",
        "Targets[1]: target Id \"Same\" is used by another target",
        "Targets[0] (Same): Input, InputPath and InputTransformer are mutually exclusive",
        "Targets[5] (bad id): Id \"bad id\" has characters that are not allowed",
        "Targets[5] (bad id): Arn \"not-an-arn\" is not an ARN",
        "RetryPolicy.MaximumRetryAttempts must be 0 to 185 (got 200)",
        "RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400 (got 30)",
        "DeadLetterConfig.Arn \"arn:aws:sns:eu-west-1:111122223333:topic\" must be the ARN of an SQS queue",
        "InputPath \"detail\" must be a JSONPath",
    ] {
        assert!(has(&p, needle), "missing {needle:?} in {p:#?}");
    }
    assert!(p.iter().all(|m| m.starts_with("S/Rule/Resource: ")), "{p:#?}");
}

#[test]
fn adding_a_target_to_a_rule_of_another_stack_is_a_problem() {
    let mut app = App::new();
    let rule = Rule::builder().event_pattern(EventPattern::new().source(["s"])).build(app.add_stack("A"), "Rule");
    rule.add_target(app.add_stack("B"), &target(QUEUE));
    assert!(has(&problems(&app), "B: cannot add a target: the rule belongs to another stack"), "{:?}", problems(&app));
}

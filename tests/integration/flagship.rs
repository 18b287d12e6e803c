//! The flagship app's template, asserted with the assertions module.

use framework::assertions::{Capture, Match, Template};
use framework::pattern;
use serde_json::json;

fn template() -> Template {
    Template::from_stack(&app::flagship_app(), app::STACK_ID)
}

#[test]
fn has_exactly_the_pattern_resources() {
    let t = template();
    t.resource_count_is("AWS::IAM::Role", 2);
    t.resource_count_is("AWS::IAM::Policy", 2);
    t.resource_count_is("AWS::Logs::LogGroup", 1);
    t.resource_count_is("AWS::StepFunctions::StateMachine", 1);
    t.resource_count_is("AWS::Events::Rule", 1);
    assert_eq!(t.to_json()["Resources"].as_object().unwrap().len(), app::RESOURCES_PER_PATTERN);
}

#[test]
fn state_machine_definition_routes_on_detail_path() {
    template().has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        pattern!({
            "DefinitionString": Match::serialized_json(pattern!({
                "Comment": "Simple State Machine with Choice",
                "StartAt": "WhichPath?",
                "States": {
                    "WhichPath?": {
                        "Type": "Choice",
                        "Choices": [
                            {"Variable": "$.detail.Path", "StringEquals": "A", "Next": "PathA"},
                            {"Variable": "$.detail.Path", "StringEquals": "B", "Next": "PathB"}
                        ],
                        "Default": "Fail"
                    },
                    "PathA": {"Type": "Pass", "End": true},
                    "PathB": {"Type": "Pass", "End": true},
                    "Fail": {"Type": "Fail"}
                }
            }))
        }),
    );
}

#[test]
fn state_machine_logs_everything_to_the_log_group() {
    let t = template();
    let log_group = t.resource_id("AWS::Logs::LogGroup", pattern!({}));
    t.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        pattern!({
            "LoggingConfiguration": {
                "Level": "ALL",
                "IncludeExecutionData": true,
                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [log_group, "Arn"]}}}]
            }
        }),
    );
    t.has_resource(
        "AWS::Logs::LogGroup",
        pattern!({
            "Properties": {"LogGroupName": {"Fn::Sub": [
                Match::string_like_regexp(r"^/aws/vendedlogs/states/\$\{AWS::StackName\}-StateMachine-\$\{StackUid\}$"),
                {"StackUid": Match::any_value()}
            ]}},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain"
        }),
    );
}

#[test]
fn state_machine_role_has_the_log_delivery_permissions_and_is_ready_before_the_state_machine() {
    let t = template();
    let role = t.resource_id(
        "AWS::IAM::Role",
        pattern!({"Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "states.amazonaws.com"}}]}}}),
    );
    let policy = t.resource_id(
        "AWS::IAM::Policy",
        pattern!({"Properties": {
            "Roles": [{"Ref": role.as_str()}],
            "PolicyDocument": {"Statement": Match::array_with(vec![Match::object_like(pattern!({
                "Effect": "Allow",
                "Resource": "*",
                "Action": [
                    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"
                ]
            }))])}
        }}),
    );
    t.has_resource(
        "AWS::StepFunctions::StateMachine",
        pattern!({"Properties": {"RoleArn": {"Fn::GetAtt": [role, "Arn"]}}, "DependsOn": [policy]}),
    );
}

#[test]
fn rule_matches_demo_events_of_this_account_and_starts_the_state_machine() {
    let t = template();
    let state_machine = t.resource_id("AWS::StepFunctions::StateMachine", pattern!({}));
    let events_role = t.resource_id(
        "AWS::IAM::Role",
        pattern!({"Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "events.amazonaws.com"}}]}}}),
    );
    let target_role = Capture::new();
    t.has_resource_properties(
        "AWS::Events::Rule",
        pattern!({
            "EventPattern": Match::object_equals(pattern!({"account": [{"Ref": "AWS::AccountId"}], "source": ["demo.sfn"]})),
            "State": "ENABLED",
            "Targets": [{"Arn": {"Ref": state_machine.as_str()}, "RoleArn": &target_role, "Id": Match::any_value()}]
        }),
    );
    assert_eq!(target_role.value(), json!({"Fn::GetAtt": [events_role, "Arn"]}));
    // The events role may start exactly this state machine, nothing else.
    t.has_resource_properties(
        "AWS::IAM::Policy",
        pattern!({
            "Roles": [{"Ref": events_role}],
            "PolicyDocument": {"Statement": Match::exact(pattern!([
                {"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": state_machine}}
            ]))}
        }),
    );
}

#[test]
fn outputs_name_the_log_group_and_the_state_machine() {
    let t = template();
    let log_group = t.resource_id("AWS::Logs::LogGroup", pattern!({}));
    let state_machine = t.resource_id("AWS::StepFunctions::StateMachine", pattern!({}));
    t.has_output("LogGroupName", pattern!({"Value": {"Ref": log_group}}));
    t.has_output("StateMachineName", pattern!({"Value": {"Fn::GetAtt": [state_machine, "Name"]}}));
}

#[test]
fn sample_events_match_the_rule_pattern() {
    use constructs::events::envelope;
    let pattern = app::pattern::event_pattern();
    let dir = suite::repo_root().join("app/events");
    let mut seen = 0;
    for name in ["path-a.json", "path-b.json", "path-c.json"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("sample event file");
        let entries: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        for entry in entries.as_array().expect("put-events --entries takes an array") {
            let event = envelope::from_put_events_entry(entry, "123456789012", "eu-west-1").expect("valid entry");
            let resolver = constructs::events::Resolver::new("123456789012", "eu-west-1");
            assert!(pattern.matches_with(&event, &resolver), "{name} must match the rule: {event:#}");
            seen += 1;
        }
    }
    assert_eq!(seen, 3);
}

#[test]
fn copies_stay_within_the_stack_size_limit() {
    let assembly = app::copies_app(1000).synth().expect("copies synthesize");
    assert_eq!(assembly.stacks.len(), 16);
    let mut total = 0;
    for s in &assembly.stacks {
        let n = s.template()["Resources"].as_object().unwrap().len();
        assert!(n <= app::MAX_RESOURCES_PER_STACK, "{} has {n} resources", s.id);
        total += n;
    }
    assert_eq!(total, 7000);
}

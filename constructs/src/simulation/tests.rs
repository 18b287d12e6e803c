//! The simulation's routing, permissions, delivery and refusals, on small templates.

use serde_json::{json, Value};

use super::*;
use crate::stepfunctions::interpreter::{Reply, Status};

/// A state machine `SM` (a Task `Work`, then Succeed), a rule on `bus` matching source `demo`
/// that targets it with the role `EventsRole` (trust and policy as given), and `extra` target
/// fields.
fn template(trust: Value, policy: Value, target_extra: Value, bus: Option<&str>) -> Value {
    let mut target = json!({"Id": "t", "Arn": {"Ref": "SM"}, "RoleArn": {"Fn::GetAtt": ["EventsRole", "Arn"]}});
    for (k, v) in target_extra.as_object().into_iter().flatten() {
        target[k] = v.clone();
    }
    let mut rule = json!({"EventPattern": {"source": ["demo"]}, "Targets": [target]});
    if let Some(bus) = bus {
        rule["EventBusName"] = json!(bus);
    }
    json!({"Resources": {
        "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString":
            "{\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"work\",\"Payload.$\":\"$\"},\"OutputPath\":\"$.Payload\",\"Next\":\"Done\"},\"Done\":{\"Type\":\"Succeed\"}}}"}},
        "EventsRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust,
            "Policies": [{"PolicyName": "p", "PolicyDocument": policy}]}},
        "Rule": {"Type": "AWS::Events::Rule", "Properties": rule}
    }})
}

fn trust_events() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
}

fn allow_start(resource: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": resource}]})
}

fn simulate(template: &Value) -> Simulation {
    Simulation::from_template("Demo", template)
        .unwrap_or_else(|e| panic!("{e}"))
        .handler("work", |call: &crate::stepfunctions::interpreter::TaskCall| {
            Reply::output(call.input["Payload"].clone())
        })
}

fn entry(source: &str) -> Value {
    json!({"Source": source, "DetailType": "d", "Detail": "{\"n\":1}"})
}

fn failed_reason(outcome: &EventOutcome) -> String {
    match &outcome.invocations[..] {
        [Invocation { result: InvocationResult::Failed { reason, .. }, .. }] => reason.clone(),
        other => panic!("expected one failed invocation, got {other:?}"),
    }
}

#[test]
fn an_allowed_target_starts_an_execution_with_the_whole_event() {
    let mut sim = simulate(&template(trust_events(), allow_start(json!({"Ref": "SM"})), json!({}), None));
    let out = sim.put_events(&[entry("demo")]).unwrap();
    out[0].assert_matched(["Rule"]).assert_execution(Status::Succeeded, ["Work", "Done"]);
    let run = out[0].execution();
    let output = run.output.as_ref().unwrap();
    assert_eq!((output["source"].as_str(), output["detail"]["n"].as_i64()), (Some("demo"), Some(1)));
    assert_eq!(output["account"], "123456789012");
    assert_eq!(output["id"].as_str(), out[0].event_id.as_deref());
}

#[test]
fn the_role_must_trust_eventbridge() {
    let lambda_trust = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let mut sim = simulate(&template(
        lambda_trust,
        allow_start(json!("*")),
        json!({"DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}}),
        None,
    ));
    let out = sim.put_events(&[entry("demo")]).unwrap();
    let reason = failed_reason(&out[0]);
    assert!(reason.contains("cannot assume role EventsRole"), "{reason}");
    assert!(
        matches!(&out[0].invocations[0].result, InvocationResult::Failed { dead_letter: Some(d), .. } if d.ends_with(":dlq"))
    );
    assert_eq!(out[0].rows()[0].status, crate::report::NOT_STARTED);
}

#[test]
fn the_policy_must_allow_start_execution_on_that_state_machine() {
    let other = json!("arn:aws:states:us-east-1:123456789012:stateMachine:Other");
    let mut sim = simulate(&template(trust_events(), allow_start(other), json!({}), None));
    let reason = failed_reason(&sim.put_events(&[entry("demo")]).unwrap()[0]);
    assert!(
        reason.contains("may not states:StartExecution on arn:aws:states:us-east-1:123456789012:stateMachine:Demo-SM"),
        "{reason}"
    );

    let denied = json!({"Statement": [
        {"Effect": "Allow", "Action": "states:*", "Resource": "*"},
        {"Sid": "NoStart", "Effect": "Deny", "Action": "states:Start*", "Resource": "*"}]});
    let mut sim = simulate(&template(trust_events(), denied, json!({}), None));
    let reason = failed_reason(&sim.put_events(&[entry("demo")]).unwrap()[0]);
    assert!(reason.contains("NoStart"), "an explicit deny names its statement: {reason}");
}

#[test]
fn an_unevaluable_condition_is_assumed_and_said() {
    let conditional = json!({"Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]});
    let mut sim = simulate(&template(trust_events(), conditional, json!({}), None));
    let out = sim.put_events(&[entry("demo")]).unwrap();
    out[0].assert_execution(Status::Succeeded, ["Work", "Done"]);
    let notes = &out[0].invocations[0].notes;
    assert!(notes.iter().any(|n| n.contains("aws:SourceIp") && n.contains("assumed")), "{notes:?}");
}

#[test]
fn an_input_transformer_shapes_the_execution_input() {
    let transformer = json!({"InputTransformer": {"InputPathsMap": {"n": "$.detail.n", "src": "$.source"},
        "InputTemplate": "{\"count\": <n>, \"from\": <src>, \"rule\": <aws.events.rule-name>}"}});
    let mut sim = simulate(&template(trust_events(), allow_start(json!("*")), transformer, None));
    let out = sim.put_events(&[entry("demo")]).unwrap();
    assert_eq!(out[0].execution().output, Some(json!({"count": 1, "from": "demo", "rule": "Demo-Rule"})));
}

#[test]
fn refused_entries_are_refused_one_by_one_and_the_rest_go_through() {
    let mut sim = simulate(&template(trust_events(), allow_start(json!("*")), json!({}), None));
    let bad_detail = json!({"Source": "demo", "DetailType": "d", "Detail": "[1]"});
    let no_source = json!({"DetailType": "d", "Detail": "{}"});
    let out = sim.put_events(&[bad_detail, entry("demo"), no_source]).unwrap();
    assert_eq!(out[0].refused.as_ref().map(|r| r.0.as_str()), Some("MalformedDetail"));
    out[1].assert_execution(Status::Succeeded, ["Work", "Done"]);
    assert_eq!(out[2].refused.as_ref().map(|r| r.0.as_str()), Some("InvalidArgument"));
    assert!(out[2].refused.as_ref().unwrap().1.contains("Source"));
    let eleven = vec![entry("demo"); 11];
    assert!(matches!(sim.put_events(&eleven), Err(SimulationError::TooManyEntries(11))));
}

#[test]
fn rules_listen_on_their_bus_and_disabled_rules_do_not_fire() {
    let mut on_orders = template(trust_events(), allow_start(json!("*")), json!({}), Some("orders"));
    on_orders["Resources"]["Orders"] = json!({"Type": "AWS::Events::EventBus", "Properties": {"Name": "orders"}});
    let mut sim = simulate(&on_orders);
    let default_bus = sim.put_events(&[entry("demo")]).unwrap();
    default_bus[0].assert_nothing_ran("listens on bus orders");
    let mut to_orders = entry("demo");
    to_orders["EventBusName"] = json!("arn:aws:events:us-east-1:123456789012:event-bus/orders");
    sim.put_events(&[to_orders]).unwrap()[0].assert_matched(["Rule"]);

    let mut disabled = template(trust_events(), allow_start(json!("*")), json!({}), None);
    disabled["Resources"]["Rule"]["Properties"]["State"] = json!("DISABLED");
    let out = simulate(&disabled).put_events(&[entry("demo")]).unwrap();
    out[0].assert_nothing_ran("rule Rule (pattern {\"source\":[\"demo\"]}) is disabled");
}

#[test]
fn templates_that_cannot_be_read_report_every_problem() {
    let mut broken = template(trust_events(), allow_start(json!("*")), json!({}), None);
    broken["Resources"]["Rule"]["Properties"]["EventPattern"] = json!({"source": "demo"});
    broken["Resources"]["SM"]["Properties"]["DefinitionString"] = json!("{\"StartAt\":\"X\",\"States\":{}}");
    let err = Simulation::from_template("Demo", &broken).unwrap_err().to_string();
    assert!(err.contains("Demo: Resources.Rule.Properties.EventPattern"), "{err}");
    assert!(err.contains("Resources.SM"), "{err}");
}

#[test]
fn scheduled_rules_fire_as_the_clock_advances() {
    let mut t = template(trust_events(), allow_start(json!("*")), json!({}), None);
    let rule = &mut t["Resources"]["Rule"]["Properties"];
    rule.as_object_mut().unwrap().remove("EventPattern");
    rule["ScheduleExpression"] = json!("rate(1 hour)");
    let mut sim = simulate(&t);
    let start = sim.now();
    let fired = sim.advance_to(start.plus_seconds(3.5 * 3600.0)).unwrap();
    assert_eq!(fired.len(), 3, "at 1 h, 2 h and 3 h");
    fired[0].assert_matched(["Rule"]).assert_execution(Status::Succeeded, ["Work", "Done"]);
    let event = fired[2].execution().output.clone().unwrap();
    assert_eq!(
        (event["source"].as_str(), event["detail-type"].as_str()),
        (Some("aws.events"), Some("Scheduled Event"))
    );
    assert_eq!(event["time"], "2026-01-01T03:00:00Z");
    assert_eq!(event["resources"][0], "arn:aws:events:us-east-1:123456789012:rule/Demo-Rule");
    assert_eq!(sim.now(), start.plus_seconds(3.5 * 3600.0));
    assert_eq!(sim.advance_to(start.plus_seconds(4.0 * 3600.0)).unwrap().len(), 1, "the 4 h firing, once");
    assert!(matches!(
        sim.advance_to(start.plus_seconds(3600.0 * 24.0 * 365.0 * 20.0)),
        Err(SimulationError::TooManyFirings { .. })
    ));
}

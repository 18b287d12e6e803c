//! Benchmark: diff (and render) of a realistic 450-resource stack pair.
//!
//! The pair is 64 copies of the flagship pattern (EventBridge role and policy, state machine role
//! and policy, log group, state machine with a DefinitionString, rule) plus two extra resources,
//! with about 10% of the resources changed in the new template: definitions edited, statements
//! added, role names changed (replacements that propagate), a pattern removed and one added.
//!
//! `cargo bench -p framework --bench diff` prints
//! `diff_450_resources: median X ms, p95 Y ms` (200 timed iterations after a warm-up).
//! With `DIFF_BENCH_PRINT=1` it also prints the rendered diff (to stderr).

use std::hint::black_box;
use std::time::{Duration, Instant};

use framework::diff::{diff_templates, RenderOptions};
use serde_json::{json, Map, Value};

const GROUPS: usize = 64;
const ITERATIONS: usize = 200;

fn definition(i: usize, changed: bool) -> Value {
    let mut states = json!({
        "WhichPath?": {"Type": "Choice", "Choices": [
            {"Variable": "$.detail.Path", "StringEquals": "A", "Next": "PathA"},
            {"Variable": "$.detail.Path", "StringEquals": "B", "Next": "PathB"}], "Default": "Fail"},
        "PathA": {"Type": "Pass", "End": true},
        "PathB": {"Type": "Pass", "End": true},
        "Fail": {"Type": "Fail", "Error": "UnknownPath", "Cause": format!("no path in copy {i}")}
    });
    if changed {
        states["PathB"] = json!({"Type": "Pass", "Next": "Audit"});
        states["Audit"] = json!({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
            "Parameters": {"QueueUrl": "__QUEUE__", "MessageBody.$": "$"}, "End": true});
    }
    let text =
        json!({"Comment": "Simple State Machine with Choice", "StartAt": "WhichPath?", "States": states}).to_string();
    // As synth renders it: a Join when the definition holds a token.
    let parts: Vec<Value> = text
        .split("__QUEUE__")
        .enumerate()
        .flat_map(|(n, p)| {
            let mut v = Vec::new();
            if n > 0 {
                v.push(json!({"Ref": "Queue4A7E3555"}));
            }
            v.push(Value::from(p));
            v
        })
        .collect();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        json!({"Fn::Join": ["", parts]})
    }
}

fn statement(actions: &[&str], resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resource})
}

#[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; the MSRV is 1.80.
fn group(i: usize, changed: bool, out: &mut Map<String, Value>) {
    let id = |s: &str| format!("P{i}{s}");
    let role = |service: &str, name: Option<String>| {
        let mut props = json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}});
        if let Some(n) = name {
            props["RoleName"] = json!(n);
        }
        json!({"Type": "AWS::IAM::Role", "Properties": props})
    };
    let policy = |name: String, role: String, statements: Vec<Value>| {
        json!({"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": name, "Roles": [{"Ref": role}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}})
    };
    let sm = id("StateMachineA1B2C3D4");
    let sm_role = id("StateMachineRoleB840431D");
    let ev_role = id("EventsRoleA1B2C3D4");
    let log_group = id("LogGroupF5B46931");

    // Changes in the new template, about one resource in ten.
    let definition_changed = changed && i % 5 == 0;
    let statement_added = changed && i % 6 == 1;
    let renamed = changed && i % 16 == 3;

    out.insert(ev_role.clone(), role("events.amazonaws.com", None));
    out.insert(
        id("EventsRoleDefaultPolicy5C1E5A0B"),
        policy(
            id("EventsRoleDefaultPolicy"),
            ev_role.clone(),
            vec![statement(&["states:StartExecution"], json!({"Ref": sm}))],
        ),
    );
    let name = if renamed { format!("pattern-{i}-sm-role-v2") } else { format!("pattern-{i}-sm-role") };
    out.insert(sm_role.clone(), role("states.amazonaws.com", Some(name)));
    let mut statements = vec![statement(
        // The construct library's own list: the bench's template is what the state machine grants.
        &constructs::stepfunctions::LOG_DELIVERY_ACTIONS,
        json!("*"),
    )];
    if statement_added {
        statements.push(statement(&["sqs:SendMessage"], json!({"Fn::GetAtt": ["Queue4A7E3555", "Arn"]})));
    }
    out.insert(
        id("StateMachineRoleDefaultPolicyDF1E6607"),
        policy(id("SMRoleDefaultPolicy"), sm_role.clone(), statements),
    );
    out.insert(
        log_group.clone(),
        json!({"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
               "Properties": {"LogGroupName": format!("/aws/vendedlogs/states/pattern-{i}"), "RetentionInDays": 30}}),
    );
    out.insert(
        sm.clone(),
        json!({"Type": "AWS::StepFunctions::StateMachine", "DependsOn": [id("StateMachineRoleDefaultPolicyDF1E6607"), sm_role.clone()],
               "Properties": {"RoleArn": {"Fn::GetAtt": [sm_role, "Arn"]}, "DefinitionString": definition(i, definition_changed),
                   "LoggingConfiguration": {"Level": "ALL", "IncludeExecutionData": true,
                       "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [log_group, "Arn"]}}}]}}}),
    );
    out.insert(
        id("Rule4C995B7F"),
        json!({"Type": "AWS::Events::Rule", "Properties": {
            "EventPattern": {"account": [{"Ref": "AWS::AccountId"}], "source": [format!("demo.sfn.{i}")]},
            "State": "ENABLED",
            "Targets": [{"Arn": {"Ref": sm}, "Id": "Target0", "RoleArn": {"Fn::GetAtt": [ev_role, "Arn"]}}]}}),
    );
}

fn stack(changed: bool) -> Value {
    let mut resources = Map::new();
    for i in 0..GROUPS {
        // The new template drops one pattern and adds another.
        if changed && i == 7 {
            continue;
        }
        group(i, changed, &mut resources);
    }
    if changed {
        group(GROUPS, changed, &mut resources);
    }
    resources
        .insert("Queue4A7E3555".into(), json!({"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}));
    resources.insert(
        "AlertsTopic1A2B3C4D".into(),
        json!({"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "alerts"}}),
    );
    json!({"Resources": resources, "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue4A7E3555"}}}})
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let old = stack(false);
    let new = stack(true);
    let count = |t: &Value| t["Resources"].as_object().map_or(0, Map::len);
    assert_eq!(count(&old), 450, "old template size");
    assert_eq!(count(&new), 450, "new template size");
    let opts = RenderOptions::default();

    let check = diff_templates(&old, &new);
    let c = check.counts();
    let changed = c.create + c.update + c.replace + c.may_replace + c.destroy + c.orphan;
    assert!(changed >= 45 && c.replace > 0 && c.create > 0 && c.orphan > 0, "unexpected diff: {c:?}");
    assert!(check.permissions_broaden());
    if std::env::var_os("DIFF_BENCH_PRINT").is_some() {
        eprint!("{}", check.render(&opts));
    }

    for _ in 0..10 {
        black_box(diff_templates(black_box(&old), black_box(&new)).render(&opts));
    }
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            let d = diff_templates(black_box(&old), black_box(&new));
            black_box(d.render(&opts));
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[ITERATIONS / 2];
    let p95 = times[ITERATIONS * 95 / 100 - 1];
    println!("diff_450_resources: median {:.2} ms, p95 {:.2} ms", ms(median), ms(p95));
    eprintln!("({changed} resources changed: {c:?}; diff + render of plain text)");
}

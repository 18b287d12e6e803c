//! A small app for the deploy end-to-end tests: an IAM role, a log group retained on deletion
//! (`DeletionPolicy: Retain`), a stack parameter and outputs, all through the `CfnResource`
//! escape hatch. `FIXTURE_STACK` sets the CloudFormation stack name (each test uses its own);
//! `FIXTURE_VARIANT` picks the app's version:
//! - `v1`: the base app;
//! - `v2`: the role's description changed and a second log group added (an update);
//! - `broken`: v1 plus a state machine whose definition is invalid (LocalStack and AWS reject it);
//! - `protected`: v1 with termination protection on;
//! - `unresolved`: v1 with a `Ref` to a resource that does not exist (an invalid template);
//! - `outputs`: v1 plus one output (an output-only change);
//! - `foreign`: v1 pinned to account 111111111111 (not the emulator's);
//! - `orphan`: v1 without its retained log group (and its output): the group is orphaned;
//! - `renamed`: v1 with the role's `Path` changed, which replaces the role;
//! - `consumer`: v1 plus a second stack (`<stack>-consumer`) whose role's description imports
//!   the first stack's role ARN: the first stack gains only an export;
//! - `fleet`: v1 plus `<stack>-b` (a role, independent of the first stack) and `<stack>-c` (a
//!   role), which depends on both: with `--concurrency 2` the first two deploy side by side;
//! - `fleet-broken`: `fleet` with an invalid state machine in `<stack>-b`, which fails;
//! - `machine`: v1 plus a state machine (`Workflow/Machine`) of one Pass state whose definition
//!   is a `Fn::Join` holding the role's ARN and `FIXTURE_COMMENT` (default `first`), for hotswap;
//! - `machine-tagged`: `machine` with the state machine's `TracingConfiguration` set (a change a
//!   hotswap cannot make).

use std::collections::BTreeMap;
use std::process::ExitCode;

use framework::{App, CfnResource, OutputNode, ParameterNode, RemovalPolicy, StackProps, Value};
use serde_json::json;

fn build(variant: &str, stack_name: &str) -> App {
    let mut app = App::new();
    let props = StackProps {
        stack_name: Some(stack_name.to_string()),
        tags: BTreeMap::from([("project".to_string(), "suite".to_string())]),
        termination_protection: variant == "protected",
        env: framework::Environment {
            account: (variant == "foreign").then(|| "111111111111".to_string()),
            region: None,
        },
        ..StackProps::default()
    };
    let stack = app.add_stack_with("Fixture", props);
    let stage = stack.add_parameter("Stage", ParameterNode::new("String").default_value("dev"));
    let description = if variant == "v2" { "deploy fixture role (v2)" } else { "deploy fixture role" };
    let role = CfnResource::new("AWS::IAM::Role")
        .property(
            "AssumeRolePolicyDocument",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        )
        .property("Description", description)
        .add(&mut *stack, "Role");
    // No fixed name: a retained log group left by a failed creation must not block the next one.
    if variant == "renamed" {
        stack.add_property_override(role, "Path", json!("/renamed/"));
    }
    let logs = (variant != "orphan").then(|| {
        let logs = CfnResource::new("AWS::Logs::LogGroup").property("RetentionInDays", 7).add(&mut *stack, "Logs");
        stack.set_removal_policy(logs, RemovalPolicy::Retain);
        logs
    });
    if variant == "v2" {
        CfnResource::new("AWS::Logs::LogGroup").property("RetentionInDays", 1).add(&mut *stack, "AuditLogs");
    }
    if variant == "unresolved" {
        // A Ref to a resource that does not exist, through the escape hatch: the template is invalid.
        stack.add_property_override(role, "Description", json!({"Ref": "Nope"}));
    }
    if variant == "broken" {
        let workflow = stack.construct("Workflow");
        CfnResource::new("AWS::StepFunctions::StateMachine")
            .property("RoleArn", Value::GetAtt(role, "Arn".into()))
            // A state of a type that does not exist: an invalid definition.
            .property(
                "DefinitionString",
                std::env::var("FIXTURE_DEFINITION")
                    .unwrap_or_else(|_| r#"{"StartAt": "A", "States": {"A": {"Type": "NoSuchType"}}}"#.into()),
            )
            .add(stack.at(workflow), "Machine");
    }
    if variant.starts_with("machine") {
        let comment = std::env::var("FIXTURE_COMMENT").unwrap_or_else(|_| "first".into());
        let workflow = stack.construct("Workflow");
        let definition = Value::Join(
            String::new(),
            vec![
                Value::from(format!(
                    r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Comment": "{comment}", "Result": ""#
                )),
                Value::GetAtt(role, "Arn".into()),
                Value::from(r#"", "End": true}}}"#),
            ],
        );
        let mut machine = CfnResource::new("AWS::StepFunctions::StateMachine")
            .property("RoleArn", Value::GetAtt(role, "Arn".into()))
            .property("DefinitionString", definition);
        if variant == "machine-tagged" {
            machine = machine.property("TracingConfiguration", json!({"Enabled": false}));
        }
        let machine = machine.add(stack.at(workflow), "Machine");
        stack.add_output("MachineArn", OutputNode::new(Value::Ref(machine)));
    }
    stack.add_output("RoleArn", OutputNode::new(Value::GetAtt(role, "Arn".into())));
    if let Some(logs) = logs {
        stack.add_output("LogGroupName", OutputNode::new(Value::Ref(logs)));
    }
    if variant == "outputs" {
        stack.add_output("Extra", OutputNode::new(Value::from("added")));
    }
    stack.add_output("StageName", OutputNode::new(stage.value()));
    if variant == "consumer" {
        let props = StackProps { stack_name: Some(format!("{stack_name}-consumer")), ..StackProps::default() };
        let consumer = app.add_stack_with("Consumer", props);
        CfnResource::new("AWS::IAM::Role")
            .property(
                "AssumeRolePolicyDocument",
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            )
            .property("Description", Value::GetAtt(role, "Arn".into()))
            .add(&mut *consumer, "Role");
    }
    if variant.starts_with("fleet") {
        let second = app.add_stack_with(
            "Second",
            StackProps { stack_name: Some(format!("{stack_name}-b")), ..StackProps::default() },
        );
        let role = CfnResource::new("AWS::IAM::Role")
            .property(
                "AssumeRolePolicyDocument",
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            )
            .add(&mut *second, "Role");
        if variant == "fleet-broken" {
            CfnResource::new("AWS::StepFunctions::StateMachine")
                .property("RoleArn", Value::GetAtt(role, "Arn".into()))
                .property("DefinitionString", r#"{"StartAt": "A", "States": {"A": {"Type": "NoSuchType"}}}"#)
                .add(&mut *second, "Machine");
        }
        let third = app.add_stack_with(
            "Third",
            StackProps { stack_name: Some(format!("{stack_name}-c")), ..StackProps::default() },
        );
        CfnResource::new("AWS::IAM::Role")
            .property(
                "AssumeRolePolicyDocument",
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            )
            .add(&mut *third, "Role");
        app.add_stack_dependency("Third", "Fixture");
        app.add_stack_dependency("Third", "Second");
    }
    app
}

/// The core's commands, with the construct library's services (the hotswap of `deploy
/// --hotswap`).
#[derive(Debug, clap::Subcommand)]
enum FixtureCommand {
    #[command(flatten)]
    Core(framework::cli::Command),
}

impl framework::cli::Commands for FixtureCommand {
    fn run(&self, app: &App) -> ExitCode {
        let FixtureCommand::Core(command) = self;
        command.run_with(app, &constructs::cli::services())
    }
}

fn main() -> ExitCode {
    let variant = std::env::var("FIXTURE_VARIANT").unwrap_or_else(|_| "v1".into());
    let stack_name = std::env::var("FIXTURE_STACK").unwrap_or_else(|_| "DeployFixture".into());
    framework::cli::run_with::<FixtureCommand>("deploy-fixture", "The deploy end-to-end tests' fixture app", || {
        build(&variant, &stack_name)
    })
}

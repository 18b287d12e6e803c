//! Bad input anywhere in an app is reported by synth all at once, each problem with the
//! construct path, and `synth` on the command line fails listing them.

use constructs::events::{EventPattern, Matcher, Rule, Schedule};
use constructs::iam::{PolicyStatement, Principal, Role};
use constructs::logs::LogGroup;
use constructs::stepfunctions::asl::{Choice, Condition, Definition, Pass};
use constructs::stepfunctions::StateMachine;
use framework::{App, CfnResource, Problems};

fn problems(app: &App) -> Problems {
    app.synth().expect_err("the app is invalid").problems().clone()
}

fn assert_has(problems: &Problems, path: &str, needle: &str) {
    assert!(
        problems.iter().any(|p| p.path == path && p.message.contains(needle)),
        "expected a problem at {path} containing {needle:?}; got:\n{problems}"
    );
}

/// One app with a mistake in every construct kind: synth lists every one of them.
#[test]
fn every_problem_of_every_construct_is_reported_at_once() {
    let mut app = App::new();
    let stack = app.add_stack("Bad");
    let role = Role::builder().role_name("no spaces allowed").build(&mut *stack, "Role");
    role.add_to_policy(stack, PolicyStatement::allow().action("states StartExecution").resource("*"));
    LogGroup::builder().log_group_name("bad name").build(&mut *stack, "Logs");
    let definition = Definition::new("Start")
        .state("Start", Choice::new().when(Condition::string_equals("detail.Path", "A"), "Missing"))
        .state("Orphan", Pass::new().end());
    StateMachine::builder().definition(definition).state_machine_name("has space").build(&mut *stack, "SM");
    Rule::builder().event_pattern(EventPattern::new().source(Vec::<&str>::new())).build(&mut *stack, "EmptyRule");
    Rule::builder()
        .event_pattern(EventPattern::new().detail_field("n", [Matcher::prefix("")]))
        .build(&mut *stack, "BadPrefix");
    Rule::builder().rule_name("x".repeat(65).as_str()).build(&mut *stack, "NoPatternNorSchedule");
    CfnResource::new("AWS::SNS::Topic").add(&mut *stack, "Role");
    let p = problems(&app);

    assert_has(&p, "Bad/Role", "missing required property assumed_by");
    assert_has(&p, "Bad/Role/Resource", "RoleName \"no spaces allowed\"");
    assert_has(&p, "Bad/Role/DefaultPolicy/Resource", "action \"states StartExecution\"");
    assert_has(&p, "Bad/Logs/Resource", "LogGroupName \"bad name\"");
    assert_has(&p, "Bad/SM/Resource", "Missing");
    assert_has(&p, "Bad/SM/Resource", "Orphan");
    assert_has(&p, "Bad/SM/Resource", "detail.Path");
    assert_has(&p, "Bad/SM/Resource", "has space");
    assert_has(&p, "Bad/EmptyRule/Resource", "source");
    assert_has(&p, "Bad/BadPrefix/Resource", "detail.n");
    assert_has(&p, "Bad/NoPatternNorSchedule/Resource", "1 to 64 characters");
    assert_has(&p, "Bad/NoPatternNorSchedule/Resource", "schedule");
    assert_has(&p, "Bad/Role", "there is already a construct with id \"Role\"");
    assert!(p.len() >= 13, "{p}");
}

#[test]
fn a_valid_schedule_rule_passes() {
    let mut app = App::new();
    let stack = app.add_stack("Ok");
    Rule::builder()
        .schedule(Schedule::expression("rate(5 minutes)").expect("valid expression"))
        .build(&mut *stack, "Every5");
    Role::builder().assumed_by(Principal::service("events.amazonaws.com")).build(&mut *stack, "Role");
    app.synth().expect("valid");
}

#[test]
fn references_between_apps_are_problems() {
    let mut other = App::new();
    let foreign = LogGroup::builder().build(other.add_stack("Other"), "Logs");
    let mut app = App::new();
    let stack = app.add_stack("S");
    let role = Role::builder().assumed_by(Principal::service("states.amazonaws.com")).build(&mut *stack, "Role");
    foreign.grant_write(stack, role);
    assert_has(&problems(&app), "S/Role/DefaultPolicy/Resource", "references a construct of another app");
}

#[test]
fn synth_command_fails_listing_all_problems() {
    let mut app = App::new();
    let stack = app.add_stack("Bad");
    Role::builder().build(&mut *stack, "One");
    Role::builder().build(&mut *stack, "Two");
    let out = suite::temp_dir("cli-fail");
    use clap::Parser;
    let cli = framework::cli::Cli::parse_from(["app", "synth", "--quiet", "--output", out.to_str().unwrap()]);
    let code = cli.command.run(&app);
    assert_eq!(code, std::process::ExitCode::FAILURE);
    assert!(!out.join("manifest.json").exists(), "nothing is written when synth fails");
}

//! `simulate` on the command line: the flagship's state machine from the app and a definition
//! file, text and `--json` output, handler files, and the exit codes (0 SUCCEEDED, 1 otherwise,
//! 2 invalid input), with no emulator and no AWS account.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use suite::process::{run_isolated, Run};

fn simulate(dir: &Path, args: &[&str]) -> Run {
    run_isolated(Command::new(env!("CARGO_BIN_EXE_flagship")).arg("simulate").args(args), dir)
}

fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

/// The event the flagship's rule delivers as the execution's input.
fn event(path: &str) -> String {
    json!({
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "message",
        "source": "demo.sfn", "account": "123456789012", "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1", "resources": [], "detail": {"Path": path}
    })
    .to_string()
}

#[test]
fn the_flagships_three_paths_from_the_app() {
    let dir = suite::temp_dir("simulate-flagship");
    for (path, status, code, states) in [
        ("A", "SUCCEEDED", 0, "WhichPath? -> PathA"),
        ("B", "SUCCEEDED", 0, "WhichPath? -> PathB"),
        ("C", "FAILED", 1, "WhichPath? -> Fail"),
    ] {
        let run = simulate(&dir, &["--state-machine", "EventSfnDemo/StateMachine", "--input", &event(path)]);
        assert_eq!(run.code, Some(code), "{}", run.text());
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines[..2], [states, status], "{}", run.text());
        let json = simulate(&dir, &["--state-machine", "StateMachine2E01A3A5", "--input", &event(path), "--json"]);
        let parsed: Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", json.text()));
        assert_eq!(parsed["status"], status);
        assert_eq!(parsed["states"][1], states.rsplit(" -> ").next().unwrap());
        assert_eq!(parsed["history"][0], "ExecutionStarted");
        assert_eq!(json.code, Some(code));
    }
}

#[test]
fn a_definition_file_with_handlers_and_virtual_time() {
    let dir = suite::temp_dir("simulate-definition");
    let definition = write(
        &dir,
        "order.asl.json",
        &json!({"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {"FunctionName": "charge", "Payload.$": "$"}, "OutputPath": "$.Payload",
                       "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 3600}], "Next": "Wait"},
            "Wait": {"Type": "Wait", "Seconds": 86400, "Next": "Done"},
            "Done": {"Type": "Succeed"}
        }}),
    );
    let handler = write(&dir, "charge.json", &json!([{"error": "Busy", "cause": "later"}, {"output": {"paid": true}}]));
    let input = write(&dir, "input.json", &json!({"amount": 5}));
    let handler_arg = format!("charge={}", handler.display());
    let args = ["--definition", definition.to_str().unwrap(), "--input-file", input.to_str().unwrap()];
    let run = simulate(&dir, &[&args[..], &["--handler", &handler_arg, "--json"]].concat());
    assert!(run.ok(), "{}", run.text());
    let parsed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(parsed["output"], json!({"paid": true}));
    assert_eq!(parsed["states"], json!(["Charge", "Wait", "Done"]));
    assert!(run.elapsed.as_secs() < 5, "a day of waiting and an hour of backoff, in virtual time");

    let no_handler = simulate(&dir, &args);
    assert_eq!(no_handler.code, Some(1), "{}", no_handler.text());
    assert!(
        no_handler.stdout.contains("Simulator.NoHandler") && no_handler.stdout.contains("\"Charge\""),
        "{}",
        no_handler.text()
    );
}

#[test]
fn invalid_input_is_every_problem_and_exit_2() {
    let dir = suite::temp_dir("simulate-invalid");
    let broken =
        write(&dir, "broken.asl.json", &json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}));
    let bad_handler = write(&dir, "h.json", &json!({"outptu": 1}));
    let handler_arg = format!("A={}", bad_handler.display());
    let run = simulate(&dir, &["--definition", broken.to_str().unwrap(), "--input", "{", "--handler", &handler_arg]);
    assert_eq!(run.code, Some(2), "{}", run.text());
    for needle in
        ["broken.asl.json: state \"A\": Next \"Nowhere\"", "--input: not valid JSON", "--handler A:", "outptu"]
    {
        assert!(run.stderr.contains(needle), "{needle:?} in:\n{}", run.text());
    }
    let jsonata = write(
        &dir,
        "jsonata.asl.json",
        &json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}),
    );
    let run = simulate(&dir, &["--definition", jsonata.to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not supported yet"), "{}", run.text());
    let unknown = simulate(&dir, &["--state-machine", "Nope"]);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr.contains("EventSfnDemo/StateMachine (StateMachine2E01A3A5)"), "{}", unknown.text());
}

fn repo(path: &str) -> String {
    suite::repo_root().join(path).display().to_string()
}

#[test]
fn event_files_through_the_app_a_template_and_an_aws_cdk_assembly() {
    let dir = suite::temp_dir("simulate-events");
    let events = ["app/events/path-a.json", "app/events/path-b.json", "app/events/path-c.json"].map(repo);
    let cdk_assembly = repo("tests/fixtures/cdk-flagship.out");
    let cdk_template = repo("tests/fixtures/cdk-flagship.out/EventSfnDemo.template.json");
    for extra in [vec![], vec!["--assembly", cdk_assembly.as_str()], vec!["--template", cdk_template.as_str()]] {
        let args: Vec<&str> = events.iter().map(String::as_str).chain(extra.iter().copied()).collect();
        let run = simulate(&dir, &args);
        assert!(run.ok(), "{}", run.text());
        for line in ["SUCCEEDED  WhichPath? -> PathA", "SUCCEEDED  WhichPath? -> PathB", "FAILED  WhichPath? -> Fail"] {
            assert!(run.stdout.contains(line), "{line:?} in {extra:?}:\n{}", run.text());
        }
        assert!(run.stdout.contains("3 event(s) sent, 3 execution(s): 1 FAILED, 2 SUCCEEDED"), "{}", run.text());
        let json = simulate(&dir, &[&args[..], &["--json"]].concat());
        let rows: Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", json.text()));
        assert_eq!(rows.as_array().map(Vec::len), Some(3));
        assert_eq!(rows[2]["path"], json!(["WhichPath?", "Fail"]));
    }
}

#[test]
fn an_event_no_rule_matches_says_why_and_exits_1() {
    let dir = suite::temp_dir("simulate-unmatched");
    let other = write(
        &dir,
        "other.json",
        &json!([{"Source": "other.app", "DetailType": "message", "Detail": "{\"Path\":\"A\"}"},
        {"Source": "demo.sfn", "DetailType": "message", "Detail": "[1]"}]),
    );
    let run = simulate(&dir, &[other.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.text());
    assert!(run.stdout.contains("started no execution"), "{}", run.text());
    assert!(
        run.stdout.contains("rule Rule4C995B7F") && run.stdout.contains("does not match the event"),
        "{}",
        run.text()
    );
    assert!(run.stdout.contains("not sent: MalformedDetail"), "{}", run.text());
}

#[test]
fn test_event_pattern_answers_as_the_aws_cli() {
    let dir = suite::temp_dir("test-event-pattern");
    let event = write(
        &dir,
        "event.json",
        &json!({"id": "1", "account": "123456789012", "source": "demo.sfn",
        "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail-type": "message", "detail": {"Path": "B"}}),
    );
    let event_arg = format!("file://{}", event.display());
    let tep = |pattern: &str| {
        run_isolated(
            Command::new(env!("CARGO_BIN_EXE_flagship")).args([
                "test-event-pattern",
                "--event-pattern",
                pattern,
                "--event",
                &event_arg,
            ]),
            &dir,
        )
    };
    let yes = tep(r#"{"source": ["demo.sfn"], "detail": {"Path": [{"prefix": "B"}]}}"#);
    assert_eq!((yes.code, yes.stdout.trim()), (Some(0), r#"{"Result":true}"#), "{}", yes.text());
    let no = tep(r#"{"detail": {"Path": ["A"]}}"#);
    assert_eq!((no.code, no.stdout.trim()), (Some(0), r#"{"Result":false}"#), "{}", no.text());
    let invalid = tep(r#"{"detail": {"Path": "A"}}"#);
    assert_eq!(invalid.code, Some(2), "{}", invalid.text());
    assert!(invalid.stderr.contains("--event-pattern: detail.Path"), "{}", invalid.text());
}

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

//! The EventBridge event-pattern conformance corpus (`tests/conformance/events/*.json`, format in
//! its README): every case's pattern imported and matched by `constructs::events::EventPattern`,
//! the verdict compared with the one its reference gives; and LocalStack's recorded verdicts
//! (`localstack-verdicts.json`, written by `scripts/events-differential`) compared with ours,
//! every difference named by a `localstack` note on its case. All mismatches are reported
//! together; cases marked `known_gap` (our engine departs from AWS's documented behaviour) are
//! listed, not failed.

use std::collections::BTreeSet;

use constructs::events::EventPattern;
use serde_json::Value;
use suite::corpus::{self, Case};

const DIR: &str = "tests/conformance/events";

fn corpus() -> Vec<Case> {
    corpus::load(DIR)
}

/// Our verdict: whether the event matches, or the pattern's problems.
fn run(case: &Case) -> Result<bool, Vec<String>> {
    let pattern = EventPattern::from_json(&case.body["pattern"]).map_err(|e| e.problems())?;
    Ok(pattern.matches(&case.body["event"]))
}

/// What is wrong with our verdict, if anything.
fn difference(expect: &Value, ours: &Result<bool, Vec<String>>) -> Option<String> {
    match (expect, ours) {
        (Value::Bool(want), Ok(got)) if want == got => None,
        (Value::Bool(want), Ok(got)) => Some(format!("expected {want}, got {got}")),
        (Value::Bool(want), Err(problems)) => {
            Some(format!("expected {want}, but the pattern was refused: {problems:?}"))
        }
        (Value::Object(o), Err(problems)) if o.contains_key("invalid") => {
            let missing: Vec<&str> = o["invalid"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|w| !problems.iter().any(|p| p.contains(w)))
                .collect();
            (!missing.is_empty()).then(|| format!("refused, but no problem mentions {missing:?}: {problems:?}"))
        }
        (Value::Object(o), Ok(got)) if o.contains_key("invalid") => {
            Some(format!("expected the pattern to be refused, but it was accepted (matches: {got})"))
        }
        (other, _) => Some(format!("expect must be true, false or {{\"invalid\": [...]}}, not {other}")),
    }
}

fn describe(case: &Case, what: &str) -> String {
    format!(
        "{}: {}: {what}\n    pattern {}\n    event   {}\n    expect  {}",
        case.file,
        case.name(),
        case.body["pattern"],
        case.body["event"],
        case.body["expect"]
    )
}

#[test]
fn every_case_gets_the_verdict_of_its_reference() {
    let cases = corpus();
    let mut failures = corpus::duplicate_names(&cases);
    let mut gaps = Vec::new();
    for case in &cases {
        let name = case.name().to_string();
        if case.note("reference").is_none() {
            failures.push(format!("{}: {name}: no reference", case.file));
        }
        for field in ["pattern", "event"] {
            if case.body.get(field).is_none() {
                failures.push(format!("{}: {name}: no {field}", case.file));
            }
        }
        let ours = match std::panic::catch_unwind(|| run(case)) {
            Ok(ours) => ours,
            Err(_) => {
                failures.push(format!("{}: {name}: the engine panicked", case.file));
                continue;
            }
        };
        match (difference(&case.body["expect"], &ours), case.note("known_gap")) {
            (Some(d), None) => failures.push(describe(case, &d)),
            (Some(d), Some(why)) => gaps.push(format!("{}\n    known gap: {why}", describe(case, &d))),
            (None, Some(_)) => failures.push(format!(
                "{}: {name}: marked known_gap, but the engine now gives the reference's verdict: remove the mark",
                case.file
            )),
            (None, None) => {}
        }
    }
    if !gaps.is_empty() {
        eprintln!("{} known gap(s), skipped:\n{}", gaps.len(), gaps.join("\n"));
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(cases.len() >= 400, "the corpus has {} cases; it should have at least 400", cases.len());
}

#[test]
fn localstack_departures_are_recorded_next_to_their_cases() {
    let verdicts = corpus::recorded_verdicts(DIR, "scripts/events-differential");
    let mut failures = Vec::new();
    let cases = corpus();
    let known: BTreeSet<&str> = cases.iter().map(Case::name).collect();
    for name in verdicts.keys() {
        if !known.contains(name.as_str()) {
            failures.push(format!(
                "{name}: a recorded verdict, but no such case (re-record with scripts/events-differential)"
            ));
        }
    }
    for case in &cases {
        let name = case.name();
        let Some(verdict) = verdicts.get(name) else {
            failures
                .push(format!("{name}: no recorded LocalStack verdict (re-record with scripts/events-differential)"));
            continue;
        };
        if verdict.get("skipped").is_some() {
            continue;
        }
        // AWS's side: the case's expectation (ours, where the engine has no known gap).
        let aws_refuses = case.body["expect"].get("invalid").is_some();
        let differs = match (verdict.get("result").and_then(Value::as_bool), verdict.get("error")) {
            (Some(result), _) => aws_refuses || case.body["expect"].as_bool() != Some(result),
            (None, Some(_)) => !aws_refuses,
            (None, None) => {
                failures.push(format!("{name}: the recorded verdict {verdict} has neither result nor error"));
                continue;
            }
        };
        match (differs, case.note("localstack")) {
            (true, None) => failures.push(format!(
                "{name}: LocalStack's verdict {verdict} differs from the case's expect {}; say how (and why AWS's side is pinned) in the case's \"localstack\" field",
                case.body["expect"]
            )),
            (false, Some(_)) => failures.push(format!("{name}: a \"localstack\" note, but LocalStack agrees ({verdict})")),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

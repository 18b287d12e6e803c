//! The Amazon States Language conformance corpus (`tests/conformance/asl/*.json`, format in its
//! README): every case run in the interpreter, its outcome compared with the verdict its
//! reference gives; and LocalStack's recorded verdicts (`localstack-verdicts.json`, written by
//! `scripts/asl-differential`) compared with ours, every difference named by a `localstack` note
//! on its case. All mismatches are reported together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use constructs::stepfunctions::interpreter::handler::from_json;
use constructs::stepfunctions::interpreter::{Execution, Handlers, Machine, Options, Time};
use serde_json::Value;

const DIR: &str = "tests/conformance/asl";
const VERDICTS: &str = "localstack-verdicts.json";

struct Case {
    file: String,
    body: Value,
}

impl Case {
    fn name(&self) -> &str {
        self.body["name"].as_str().unwrap_or("<unnamed>")
    }
}

fn corpus() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with(VERDICTS))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let Value::Array(items) = parsed else { panic!("{}: must be a JSON array of cases", file.display()) };
        let file = file.file_name().unwrap().to_string_lossy().into_owned();
        cases.extend(items.into_iter().map(|body| Case { file: file.clone(), body }));
    }
    cases
}

fn handlers(spec: &Value) -> Handlers {
    let mut handlers = Handlers::new();
    for (key, replies) in spec.as_object().into_iter().flatten() {
        let handler = from_json(replies).unwrap_or_else(|e| panic!("handler {key:?}: {e}"));
        handlers.insert(key.clone(), handler);
    }
    handlers
}

fn options(spec: &Value) -> Options {
    let mut o = Options::default();
    let text = |k: &str| spec.get(k).and_then(Value::as_str).map(str::to_string);
    if let Some(t) = text("start_time") {
        o.start_time = Time::parse(&t).unwrap_or_else(|| panic!("start_time {t:?} is not a timestamp"));
    }
    if let Some(seed) = spec.get("seed").and_then(Value::as_u64) {
        o.seed = seed;
    }
    o.account = text("account").unwrap_or(o.account);
    o.region = text("region").unwrap_or(o.region);
    o.state_machine_name = text("state_machine_name").unwrap_or(o.state_machine_name);
    o.execution_name = text("execution_name").unwrap_or(o.execution_name);
    o
}

/// The case run in the interpreter: the execution, or the definition's problems.
fn run(case: &Case) -> Result<Execution, Vec<String>> {
    let machine = Machine::from_json(&case.body["definition"]).map_err(|e| e.problems)?;
    let input = case.body.get("input").cloned().unwrap_or_else(|| serde_json::json!({}));
    let mut handlers = handlers(&case.body["handlers"]);
    machine.run(input, &mut handlers, &options(&case.body["options"])).map_err(|e| vec![e.to_string()])
}

/// Every difference between `expect` and the outcome.
fn differences(expect: &Value, outcome: &Result<Execution, Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    match (expect.get("definition_error"), outcome) {
        (Some(wanted), Err(problems)) => {
            for w in wanted.as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !problems.iter().any(|p| p.contains(w)) {
                    out.push(format!("no problem mentions {w:?}: {problems:?}"));
                }
            }
        }
        (Some(_), Ok(run)) => out.push(format!("expected the definition to be refused, but it ran: {}", run.status)),
        (None, Err(problems)) => out.push(format!("the definition was refused: {problems:?}")),
        (None, Ok(run)) => {
            let got = run.to_json();
            for field in ["status", "output", "error", "cause", "states", "history"] {
                if let Some(want) = expect.get(field) {
                    if want != &got[field] {
                        out.push(format!("{field}: expected {want}, got {}", got[field]));
                    }
                }
            }
            if let Some(part) = expect.get("cause_contains").and_then(Value::as_str) {
                if !run.cause.as_deref().unwrap_or_default().contains(part) {
                    out.push(format!("cause {:?} does not contain {part:?}", run.cause));
                }
            }
            if let Some(want) = expect.get("elapsed_seconds").and_then(Value::as_f64) {
                if (run.elapsed_seconds() - want).abs() > 1e-3 {
                    out.push(format!("elapsed_seconds: expected {want}, got {}", run.elapsed_seconds()));
                }
            }
        }
    }
    out
}

#[test]
fn every_case_gets_the_verdict_of_its_reference() {
    let cases = corpus();
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    for case in &cases {
        let name = case.name().to_string();
        if !names.insert(name.clone()) {
            failures.push(format!("{}: {name}: the name is used twice", case.file));
        }
        if case.body.get("reference").and_then(Value::as_str).is_none_or(str::is_empty) {
            failures.push(format!("{}: {name}: no reference", case.file));
        }
        let outcome = std::panic::catch_unwind(|| run(case));
        match outcome {
            Ok(outcome) => {
                for d in differences(&case.body["expect"], &outcome) {
                    failures.push(format!("{}: {name}: {d}", case.file));
                }
            }
            Err(_) => failures.push(format!("{}: {name}: the interpreter panicked", case.file)),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(cases.len() >= 300, "the corpus has {} cases; the issue asks for at least 300", cases.len());
}

#[test]
fn localstack_departures_are_recorded_next_to_their_cases() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR).join(VERDICTS);
    let Ok(text) = std::fs::read_to_string(&path) else {
        panic!("{}: missing; record it with scripts/asl-differential", path.display())
    };
    let recorded: Value = serde_json::from_str(&text).unwrap();
    let verdicts: BTreeMap<String, Value> =
        recorded["cases"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut failures = Vec::new();
    for case in corpus() {
        let name = case.name().to_string();
        let Some(verdict) = verdicts.get(&name) else { continue };
        if verdict.get("skipped").is_some() || verdict.get("stuck").is_some() {
            continue;
        }
        let ours = run(&case);
        let differs = match (&ours, verdict.get("refused").and_then(Value::as_bool)) {
            (Err(_), Some(refused)) => !refused,
            (Ok(_), Some(refused)) => refused,
            (Ok(run), None) => {
                let got = run.to_json();
                ["status", "output", "error", "states"]
                    .iter()
                    .any(|f| verdict.get(*f).unwrap_or(&Value::Null) != &got[*f])
            }
            (Err(_), None) => true,
        };
        let noted = case.body.get("localstack").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
        match (differs, noted) {
            (true, false) => failures.push(format!(
                "{name}: LocalStack's verdict {verdict} differs from ours; say how (and why AWS's side is pinned) in the case's \"localstack\" field"
            )),
            (false, true) => failures.push(format!("{name}: a \"localstack\" note, but LocalStack now agrees")),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! The Amazon States Language conformance corpus (`tests/conformance/asl/*.json`, format in its
//! README): every case run in the interpreter, its outcome compared with the verdict its
//! reference gives; and LocalStack's recorded verdicts (`localstack-verdicts.json`, written by
//! `scripts/asl-differential`) compared with ours, every difference named by a `localstack` note
//! on its case. All mismatches are reported together.

use constructs::stepfunctions::interpreter::handler::from_json;
use constructs::stepfunctions::interpreter::{Execution, Handlers, Machine, Options, SplitMix64 as Gen, Time};
use serde_json::Value;
use suite::corpus::{self, Case};

const DIR: &str = "tests/conformance/asl";

fn corpus() -> Vec<Case> {
    corpus::load(DIR)
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
    let mut failures = corpus::duplicate_names(&cases);
    for case in &cases {
        let name = case.name().to_string();
        if case.note("reference").is_none() {
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
    let verdicts = corpus::recorded_verdicts(DIR, "scripts/asl-differential");
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
        match (differs, case.note("localstack").is_some()) {
            (true, false) => failures.push(format!(
                "{name}: LocalStack's verdict {verdict} differs from ours; say how (and why AWS's side is pinned) in the case's \"localstack\" field"
            )),
            (false, true) => failures.push(format!("{name}: a \"localstack\" note, but LocalStack now agrees")),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Text mutations: JSON fragments that stress the reader and the run (deep nesting, huge and
/// odd numbers, invalid and lone-surrogate escapes, paths and intrinsics of every shape).
const FRAGMENTS: &[&str] = &[
    "1e308",
    "-1e400",
    "18446744073709551616",
    "-0",
    "0.000000000000000000001",
    "\"\\ud800\"",
    "\"\\uZZZZ\"",
    "\"\\x\"",
    "null",
    "true",
    "[]",
    "{}",
    "\"$\"",
    "\"$..*\"",
    "\"$[?(@.a>1)]\"",
    "\"$$.Map.Item.Value\"",
    "\"States.Format('{}{}', $, $$)\"",
    "\"States.ArrayRange(0, 1000000000, 1)\"",
    "\"States.MathAdd(9223372036854775807, 1)\"",
    "\"States.Hash($, 'SHA-512')\"",
    "\"Pass\"",
    "\"Map\"",
    "\"Parallel\"",
    "\"Task\"",
    "\"Wait\"",
    "\"Choice\"",
    "\"Fail\"",
    "\"Succeed\"",
    "\"\u{10FFFF}\"",
];

fn mutate(g: &mut Gen, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + g.below(4) {
        let at = g.below(chars.len() + 1);
        match g.below(5) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => {
                let fragment = FRAGMENTS[g.below(FRAGMENTS.len())];
                chars.splice(at..at, fragment.chars());
            }
            2 => {
                // replace a JSON value that starts here with a fragment
                if let Some(end) = chars[at.min(chars.len())..].iter().position(|c| matches!(c, ',' | '}' | ']')) {
                    let fragment = FRAGMENTS[g.below(FRAGMENTS.len())];
                    chars.splice(at..at + end, fragment.chars());
                }
            }
            3 => {
                let depth = 1 + g.below(300);
                let nested: String = "[".repeat(depth) + &"]".repeat(depth);
                chars.splice(at..at, nested.chars());
            }
            _ if at < chars.len() => chars[at] = ['"', '\\', '{', '[', ':', '$', '.', '*'][g.below(8)],
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Replaces one node of `doc` (any depth) with an odd value.
fn replace_a_node(g: &mut Gen, doc: &mut Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Object(m) => m.values().map(count).sum(),
            _ => 0,
        }
    }
    fn replace_nth(v: &mut Value, n: &mut usize, odd: &mut Option<Value>) -> bool {
        if *n == 0 {
            *v = odd.take().unwrap_or(Value::Null);
            return true;
        }
        *n -= 1;
        match v {
            Value::Array(items) => items.iter_mut().any(|i| replace_nth(i, n, odd)),
            Value::Object(m) => m.values_mut().any(|i| replace_nth(i, n, odd)),
            _ => false,
        }
    }
    let mut n = g.below(count(doc));
    let odd = loop {
        let fragment = FRAGMENTS[g.below(FRAGMENTS.len())];
        let depth = g.below(200);
        let text = format!("{}{fragment}{}", "[".repeat(depth), "]".repeat(depth));
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            break v;
        }
        if g.below(3) == 0 {
            break Value::String(fragment.to_string());
        }
    };
    replace_nth(doc, &mut n, &mut Some(odd));
}

#[test]
fn mutated_corpus_definitions_and_inputs_never_panic() {
    let cases = corpus();
    let mut g = Gen::new(0xC0FFEE);
    let (mut ran, mut refused) = (0usize, 0usize);
    for round in 0..4 {
        for case in &cases {
            let mut definition = case.body["definition"].clone();
            let mut input = case.body.get("input").cloned().unwrap_or(serde_json::json!({}));
            let (definition, input_text) = match g.below(3) {
                // text mutations: mostly unreadable JSON, for the reader
                0 => (mutate(&mut g, &definition.to_string()), mutate(&mut g, &input.to_string())),
                // value mutations: well-formed JSON with odd values where the definition had others
                1 => {
                    for _ in 0..1 + g.below(3) {
                        replace_a_node(&mut g, &mut definition);
                    }
                    replace_a_node(&mut g, &mut input);
                    (definition.to_string(), input.to_string())
                }
                // the definition as it is, on an odd input
                _ => {
                    replace_a_node(&mut g, &mut input);
                    (definition.to_string(), input.to_string())
                }
            };
            let outcome = std::panic::catch_unwind(|| {
                let Ok(machine) = Machine::from_json_str(&definition) else { return false };
                let Ok(input) = serde_json::from_str::<Value>(&input_text) else { return false };
                let mut handlers = handlers(&case.body["handlers"]);
                // a run either ends (any status) or is refused at the start (input over the quota)
                machine.run(input, &mut handlers, &Options::default()).is_ok()
            });
            match outcome {
                Ok(true) => ran += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!(
                    "round {round}, case {}: a panic on\ndefinition {definition}\ninput {input_text}",
                    case.name()
                ),
            }
        }
    }
    assert!(ran > 100 && refused > 100, "the mutations cover runs and refusals: {ran} ran, {refused} refused");
}

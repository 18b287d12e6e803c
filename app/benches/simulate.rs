//! Simulate benchmarks (`cargo bench -p app --bench simulate`): the local States Language
//! interpreter (`constructs::stepfunctions::interpreter`) against LocalStack's Step Functions.
//!
//! Measures, on the release build:
//! - the flagship state machine (the one the app deploys: `Machine::from_app` on the flagship app,
//!   "EventSfnDemo/StateMachine"), one `Machine::run` per execution, on each of the three events
//!   the rule delivers (the whole EventBridge event: version, id, detail-type, source, account,
//!   time, region, resources, and `detail` `{"Path": "A"}`, B or C; A and B succeed, C fails);
//!   target < 5 µs median per execution;
//! - a Map state over 10,000 small objects (`ItemsPath: $.items`, an inline Pass processor,
//!   `MaxConcurrency: 0`), one run; target < 20 ms. Every iteration writes 4 history events
//!   (iteration started, Pass entered and exited, iteration succeeded), so the 10,000 items need
//!   40,006 events and the execution fails at AWS's quota of 25,000 events per execution
//!   (`MAX_HISTORY_EVENTS`; AWS says to use a distributed Map for that many items), as the row
//!   says; the row after it runs the largest round Map whose history fits (6,000 items);
//! - compiling the flagship's definition (`Machine::from_json_str` of the synthesized
//!   `DefinitionString`), no target;
//! - the whole `app simulate --state-machine EventSfnDemo/StateMachine --input ...` process
//!   (spawn, build and synthesize the app, compile, run, print), no target;
//! - LocalStack, in the same run (`scripts/bench_sfn_localstack.py` with the boto3 of
//!   `.tools/localstack-venv`): the same flagship definition (byte for byte) and the same Map
//!   definition created as STANDARD state machines, the flagship executed [`LS_FLAGSHIP_RUNS`]
//!   times (the three events in turn, after one warm-up), the Map [`LS_MAP_RUNS`] times; each
//!   sample is the wall time from StartExecution to the DescribeExecution that reports a terminal
//!   status (polled every 10 ms). Its statuses and outputs are checked against ours (the Map's
//!   output against the items, since ours fails at the quota). LocalStack executes in real time
//!   over HTTP; the interpreter runs in virtual time in-process, so the ratio rows say how much
//!   sooner a caller has the result, not that the two do the same amount of work.
//!
//! LocalStack is started as the deploy benchmark and the tests start it (`suite::localstack`:
//! `scripts/localstack up` under the suite's lease, stopped again when this process ends; one
//! that was already running is left running). When it cannot be started, or the script fails,
//! the LocalStack rows say "not measured" and why; the interpreter rows stand.
//!
//! Inputs are cloned before the timer starts (`Machine::run` takes its input by value). Prints one
//! Markdown table row `| What | Median | p95 | Min | Target |` per measurement; `scripts/bench`
//! puts them in BENCHMARKS.md. Progress goes to stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use constructs::stepfunctions::interpreter::{Execution, Handlers, Machine, Options, Status, MAX_HISTORY_EVENTS};
use serde_json::{json, Value};

/// The flagship's state machine, by construct path.
const STATE_MACHINE: &str = "EventSfnDemo/StateMachine";
/// Items of the Map benchmark.
const MAP_ITEMS: usize = 10_000;
/// Items of the largest round Map whose history fits in [`MAX_HISTORY_EVENTS`].
const MAP_ITEMS_FITTING: usize = 6_000;
/// LocalStack executions of the flagship (the three events in turn) and of the Map.
const LS_FLAGSHIP_RUNS: usize = 20;
const LS_MAP_RUNS: usize = 3;
/// The most the LocalStack script may take (its Map executions take minutes each).
const LS_LIMIT: Duration = Duration::from_secs(40 * 60);

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);

    let app = app::flagship_app();
    let (name, machine) =
        Machine::from_app(&app, STATE_MACHINE, &Options::default()).expect("the flagship's state machine compiles");
    let options = Options::default().state_machine_name(name);
    let definition = flagship_definition(&app);

    // The three events, each checked to take its path.
    let events: Vec<(&str, Value)> = ["A", "B", "C"].into_iter().map(|p| (p, event(p))).collect();
    let expected =
        [("A", Status::Succeeded, "PathA"), ("B", Status::Succeeded, "PathB"), ("C", Status::Failed, "Fail")];
    let mut ours = Vec::new();
    for ((path, input), (_, status, last)) in events.iter().zip(expected) {
        let run = run(&machine, input.clone(), &options);
        assert_eq!(run.status, status, "event {path}: {run:?}");
        assert_eq!(run.states, ["WhichPath?", last], "event {path}");
        ours.push(run);
    }

    let mut all = Vec::new();
    for (path, input) in &events {
        let times = sample(1_000, 10_000, || input.clone(), |i| run(&machine, i, &options));
        all.extend_from_slice(&times);
        let s = stats(times);
        let outcome = if *path == "C" { "FAILED at Fail" } else { "SUCCEEDED" };
        report(
            &format!("flagship execution, in-process: one `Machine::run` of the EventBridge event with `detail` {{\"Path\": \"{path}\"}} ({outcome})"),
            &s,
            &target_us(s.median, Duration::from_micros(5)),
        );
    }
    let flagship = stats(all);

    let map = map_machine();
    let items = map_input(MAP_ITEMS);
    let attempt = run(&map, items.clone(), &options);
    let s = stats(sample(2, 20, || items.clone(), |i| run(&map, i, &options)));
    let map_row =
        "Map of 10,000 items (`ItemsPath: $.items`, inline Pass processor, `MaxConcurrency: 0`), in-process: one run";
    if attempt.status == Status::Succeeded {
        report(map_row, &s, &target_ms(s.median, Duration::from_millis(20)));
    } else {
        let cause = attempt.cause.as_deref().unwrap_or("").trim_end_matches('.');
        report(
            &format!(
                "{map_row}: ends {} ({}: {cause}) after {} history events (10,000 items need {})",
                attempt.status,
                attempt.error.as_deref().unwrap_or("no error"),
                attempt.history.len(),
                map_events(MAP_ITEMS)
            ),
            &s,
            "target < 20 ms: not met: the run fails at the history quota",
        );
    }
    let fitting_items = map_input(MAP_ITEMS_FITTING);
    let fitting_run = run(&map, fitting_items.clone(), &options);
    assert_eq!(fitting_run.status, Status::Succeeded, "the {MAP_ITEMS_FITTING}-item Map fits in the history quota");
    assert_eq!(fitting_run.output.as_ref(), fitting_items.get("items"));
    let fitting = stats(sample(2, 20, || fitting_items.clone(), |i| run(&map, i, &options)));
    report(
        &format!(
            "Map of 6,000 items (the same Map; {} history events, within the quota of {MAX_HISTORY_EVENTS}), in-process: one run (SUCCEEDED)",
            fitting_run.history.len()
        ),
        &fitting,
        "",
    );

    let compile = stats(sample(
        100,
        10_000,
        || (),
        |()| std::hint::black_box(Machine::from_json_str(&definition).expect("the flagship's definition compiles")),
    ));
    report(
        "compile the flagship's definition, in-process: `Machine::from_json_str` of its `DefinitionString`",
        &compile,
        "",
    );

    let exe = PathBuf::from(env!("CARGO_BIN_EXE_app"));
    let process = stats(sample(
        5,
        100,
        || (),
        |()| {
            let status = Command::new(&exe)
                .env_remove(app::STACK_NAME_ENV)
                .args(["simulate", "--state-machine", STATE_MACHINE, "--input", r#"{"detail":{"Path":"A"}}"#])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .status()
                .expect("run app simulate");
            assert!(status.success(), "app simulate failed: {status}");
        },
    ));
    report(
        "`app simulate --state-machine EventSfnDemo/StateMachine --input '{\"detail\":{\"Path\":\"A\"}}'` whole process: builds and synthesizes the app, compiles, runs, prints",
        &process,
        "",
    );

    eprintln!("simulate bench: LocalStack (its Map executions take minutes)");
    let ours = Ours { flagship: &flagship, process: &process, map: &fitting, outcomes: &ours };
    match localstack(&root, &definition, &events, &items) {
        Ok(result) => localstack_rows(&result, &ours, &items),
        Err(why) => {
            for what in ["flagship executions", "Map of 10,000 items"] {
                println!("| LocalStack: {what}: not measured: {} | | | | |", one_line(&why));
            }
        }
    }
}

/// The flagship's `DefinitionString`, as the app synthesizes it (a literal: no tokens).
fn flagship_definition(app: &framework::App) -> String {
    let assembly = app.synth().expect("flagship synthesizes");
    let template = assembly.stacks[0].template();
    let resources = template["Resources"].as_object().expect("the template has resources");
    let (_, sm) = resources
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::StepFunctions::StateMachine")
        .expect("the flagship has a state machine");
    sm["Properties"]["DefinitionString"].as_str().expect("its DefinitionString is a literal string").to_string()
}

/// The EventBridge event the rule delivers to the state machine for `detail` `{"Path": path}`.
fn event(path: &str) -> Value {
    json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "message",
        "source": app::pattern::EVENT_SOURCE,
        "account": "123456789012",
        "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"Path": path}
    })
}

/// The Map benchmark's definition.
fn map_definition() -> Value {
    json!({
        "Comment": "Map over $.items with a Pass processor",
        "StartAt": "Map",
        "States": {"Map": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 0,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Item",
                "States": {"Item": {"Type": "Pass", "End": true}}
            },
            "End": true
        }}
    })
}

fn map_machine() -> Machine {
    Machine::from_json(&map_definition()).expect("the Map definition compiles")
}

/// `{"items": [{"id": 0}, {"id": 1}, ...]}` (10,000 items: 139 kB, within the payload quota of
/// 256 KiB).
fn map_input(items: usize) -> Value {
    json!({"items": (0..items).map(|i| json!({"id": i})).collect::<Vec<_>>()})
}

/// History events of a successful run of the Map over `items` items: execution started and
/// succeeded, Map entered, started, succeeded and exited, and 4 per item.
fn map_events(items: usize) -> usize {
    6 + 4 * items
}

fn run(machine: &Machine, input: Value, options: &Options) -> Execution {
    machine.run(input, &mut Handlers::new(), options).expect("the input is within the payload quota")
}

/// Times `run` on a fresh `setup()` each time (setup untimed), after `warmup` untimed runs.
fn sample<I, R>(
    warmup: usize,
    runs: usize,
    mut setup: impl FnMut() -> I,
    mut run: impl FnMut(I) -> R,
) -> Vec<Duration> {
    for _ in 0..warmup {
        std::hint::black_box(run(setup()));
    }
    (0..runs)
        .map(|_| {
            let input = setup();
            let start = Instant::now();
            let out = run(input);
            let time = start.elapsed();
            drop(std::hint::black_box(out));
            time
        })
        .collect()
}

/// Our numbers the LocalStack rows compare with.
struct Ours<'a> {
    flagship: &'a Stats,
    process: &'a Stats,
    map: &'a Stats,
    outcomes: &'a [Execution],
}

/// One LocalStack execution, as the script reports it.
struct Sample {
    seconds: f64,
    status: String,
    output: Value,
    error: Option<String>,
    cause: Option<String>,
}

struct LocalStack {
    version: String,
    flagship: Vec<Sample>,
    map: Vec<Sample>,
}

/// Starts LocalStack when needed and runs the script on the two state machines.
fn localstack(root: &Path, definition: &str, events: &[(&str, Value)], items: &Value) -> Result<LocalStack, String> {
    let python = root.join(".tools/localstack-venv/bin/python");
    let script = root.join("scripts/bench_sfn_localstack.py");
    match suite::localstack::origin().map_err(|e| format!("LocalStack cannot be started: {e}"))? {
        suite::localstack::Origin::Started => {
            eprintln!("simulate bench: started LocalStack (stopped again when the bench ends)")
        }
        _ => eprintln!("simulate bench: using the LocalStack already running on {}", suite::localstack::ENDPOINT),
    }
    if !python.is_file() {
        return Err(format!("no {} (`scripts/localstack up` installs it)", python.display()));
    }
    let scratch = std::env::temp_dir().join(format!("simulate-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let spec = json!({"machines": [
        {
            "name": "flagship",
            "definition": definition,
            "inputs": events.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>(),
            "executions": LS_FLAGSHIP_RUNS,
            "warmup": 1,
            "timeout_seconds": 60
        },
        {
            "name": "map",
            "definition": map_definition().to_string(),
            "inputs": [items],
            "executions": LS_MAP_RUNS,
            "warmup": 0,
            "timeout_seconds": 900
        }
    ]});
    let spec_file = scratch.join("spec.json");
    let out_file = scratch.join("result.json");
    std::fs::write(&spec_file, spec.to_string()).map_err(|e| format!("cannot write {}: {e}", spec_file.display()))?;
    let mut cmd = Command::new(&python);
    cmd.arg(&script).arg(&spec_file).arg("--out").arg(&out_file).args(["--endpoint", suite::localstack::ENDPOINT]);
    let log = scratch.join("bench_sfn_localstack.log");
    suite::process::run_limited_ok("scripts/bench_sfn_localstack.py", &mut cmd, LS_LIMIT, &log)?;
    let text = std::fs::read_to_string(&out_file).map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    let result: Value = serde_json::from_str(&text).map_err(|e| format!("the script's result is not JSON: {e}"))?;
    let samples = |name: &str| -> Result<Vec<Sample>, String> {
        let list = result["machines"][name].as_array().ok_or(format!("no samples of {name} in the result"))?;
        list.iter()
            .map(|s| {
                Ok(Sample {
                    seconds: s["seconds"].as_f64().ok_or("a sample without seconds")?,
                    status: s["status"].as_str().unwrap_or("?").to_string(),
                    output: s["output"].clone(),
                    error: s["error"].as_str().map(str::to_string),
                    cause: s["cause"].as_str().map(str::to_string),
                })
            })
            .collect()
    };
    let ls = LocalStack {
        version: result["localstack"].as_str().unwrap_or("?").to_string(),
        flagship: samples("flagship")?,
        map: samples("map")?,
    };
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(ls)
}

fn localstack_rows(ls: &LocalStack, ours: &Ours, items: &Value) {
    let v = &ls.version;
    // The same outcomes: each event's status and output as ours (the inputs were taken in turn).
    let mut differ = Vec::new();
    for (i, s) in ls.flagship.iter().enumerate() {
        let mine = &ours.outcomes[i % ours.outcomes.len()];
        let my_output = mine.output.clone().unwrap_or(Value::Null);
        if s.status != mine.status.as_str() || s.output != my_output || s.error.as_deref() != mine.error.as_deref() {
            differ.push(format!("execution {i}: {} {:?} (ours {} {:?})", s.status, s.error, mine.status, mine.error));
        }
    }
    let same = if differ.is_empty() {
        "the same status, output and error as ours for each event".to_string()
    } else {
        format!("differs from ours: {}", differ.join("; "))
    };
    let times = |v: &[Sample]| v.iter().map(|s| Duration::from_secs_f64(s.seconds)).collect::<Vec<_>>();
    let s = stats(times(&ls.flagship));
    let ratio = |theirs: &Stats, ours: &Stats| theirs.median.as_secs_f64() / ours.median.as_secs_f64();
    report(
        &format!(
            "LocalStack {v}: flagship execution (STANDARD, the same definition; the three events in turn, after one warm-up; StartExecution to a terminal DescribeExecution, polled every 10 ms; {same})"
        ),
        &s,
        &format!(
            "ours is {} faster in-process ({} median over the three events), {} faster as a whole `app simulate` process",
            times_faster(ratio(&s, ours.flagship)),
            fmt(ours.flagship.median),
            times_faster(ratio(&s, ours.process))
        ),
    );

    // Each execution's status; a failure with its error and the start of its cause.
    let statuses: Vec<String> = ls
        .map
        .iter()
        .map(|s| match (&s.error, &s.cause) {
            (None, _) => s.status.clone(),
            (Some(e), cause) => {
                let cause: String = cause.as_deref().unwrap_or("").chars().take(120).collect();
                format!("{} ({e}: {cause})", s.status)
            }
        })
        .collect();
    let succeeded: Vec<&Sample> = ls.map.iter().filter(|s| s.status == "SUCCEEDED").collect();
    let all_items = succeeded.iter().all(|s| Some(&s.output) == items.get("items"));
    let s = stats(times(&ls.map));
    let per_item_theirs = s.median.as_secs_f64() / MAP_ITEMS as f64;
    let per_item_ours = ours.map.median.as_secs_f64() / MAP_ITEMS_FITTING as f64;
    report(
        &format!(
            "LocalStack {v}: Map of 10,000 items (the same definition and input; {}{}; it does not enforce the {MAX_HISTORY_EVENTS}-event history quota)",
            statuses.join(", "),
            if all_items { "; each success's output: the 10,000 items" } else { "; output: NOT the 10,000 items" }
        ),
        &s,
        &format!(
            "per item, ours (the 6,000-item run) is {} faster",
            times_faster(per_item_theirs / per_item_ours)
        ),
    );
}

/// "1234x" (or "12.3x" below 100).
fn times_faster(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}x")
    } else {
        format!("{ratio:.1}x")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "/")
}

struct Stats {
    median: Duration,
    p95: Duration,
    min: Duration,
    runs: usize,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let runs = times.len();
    let median = if runs % 2 == 1 { times[runs / 2] } else { (times[runs / 2 - 1] + times[runs / 2]) / 2 };
    Stats { median, p95: times[(runs * 95 / 100).min(runs - 1)], min: times[0], runs }
}

fn target_us(median: Duration, target: Duration) -> String {
    format!("target < {} µs: {}", target.as_micros(), verdict(median < target))
}

fn target_ms(median: Duration, target: Duration) -> String {
    format!("target < {} ms: {}", target.as_millis(), verdict(median < target))
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

/// "1.234 µs", "1.234 ms" or "1.234 s".
fn fmt(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.3} µs", s * 1e6)
    }
}

fn report(what: &str, s: &Stats, target: &str) {
    eprintln!("simulate bench: {what}: median {}", fmt(s.median));
    println!("| {what} | {} | {} | {} ({} runs) | {target} |", fmt(s.median), fmt(s.p95), fmt(s.min), s.runs);
}

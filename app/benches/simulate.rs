//! Simulate benchmarks (`cargo bench -p app --bench simulate`): the local States Language
//! interpreter (`constructs::stepfunctions::interpreter`) against LocalStack's Step Functions, and
//! the EventBridge simulation (`constructs::simulation`) against the emulator path (LocalStack
//! started, the flagship deployed to it, the events sent).
//!
//! Measures, on the release build:
//! - the flagship state machine (the one the app deploys: `Machine::from_app` on the flagship app,
//!   "EventSfnDemo/StateMachine"), one `Machine::run` per execution, on each of the three events
//!   the rule delivers (the whole EventBridge event: version, id, detail-type, source, account,
//!   time, region, resources, and `detail` `{"Path": "A"}`, B or C; A and B succeed, C fails);
//!   target < 5 µs median per execution;
//! - a distributed Map over 10,000 items (`ItemsPath: $.items`, the items `{"id": i, "odd": i % 2
//!   == 1}`; `ProcessorConfig` `{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}`), each item
//!   a Choice (`$.odd` `BooleanEquals` true → the Pass "Odd", `Result: "odd"`; otherwise the Pass
//!   "Even"), one run; checked to succeed with the 10,000 results ("even", "odd", ...); target
//!   < 20 ms. Each item runs as a child execution, so the parent's history has 8 events
//!   (execution started and succeeded; Map entered, started, MapRun started and succeeded, Map
//!   succeeded and exited) and each child has the 25,000-event quota for itself;
//! - the peak memory of that run: a counting global allocator (this binary's `#[global_allocator]`,
//!   [`Counting`], around `std::alloc::System`; it counts only while a measurement is on, so the
//!   other rows see one relaxed atomic load per allocation) records the most bytes allocated at
//!   once during the run above those allocated when it started (the input, built before, is not
//!   counted), next to the output's size in memory (the bytes a clone of it allocates), its size
//!   as JSON, and the history's event count: memory bounded by the result, not by the iterations;
//! - the same Map run INLINE over the same 10,000 items, an informative row with no target: each
//!   iteration writes 6 history events (iteration started and succeeded, Choice and Pass entered
//!   and exited), so it needs 60,006 and fails at AWS's quota of 25,000 events per execution
//!   (`MAX_HISTORY_EVENTS`), as AWS does (AWS says to use a distributed Map for that many items);
//! - the INLINE Map over the first 100 of the items (606 events), one run, no target;
//! - compiling the flagship's definition (`Machine::from_json_str` of the synthesized
//!   `DefinitionString`), no target;
//! - the whole `app simulate --state-machine EventSfnDemo/StateMachine --input ...` process
//!   (spawn, build and synthesize the app, compile, run, print), no target;
//! - the EventBridge simulation (`constructs::simulation::Simulation`), in-process: one
//!   `put_events` of the flagship's three sample events (the entries of `app/events/path-a.json`,
//!   `path-b.json` and `path-c.json`, read once) on a simulation built once, outside the timed
//!   region: each entry becomes an event, matches the flagship's rule, passes its role check, is
//!   delivered and runs its execution; checked to give SUCCEEDED `WhichPath?` -> `PathA`,
//!   SUCCEEDED -> `PathB` and FAILED -> `Fail`; target < 50 µs median for the three;
//! - building that simulation, `Simulation::from_app` of the flagship (synth included), no target;
//! - the whole `app simulate app/events/path-a.json app/events/path-b.json app/events/path-c.json`
//!   process (spawn, build and synthesize the app, read the files, route, run, print), checked to
//!   exit 0 with the summary line [`SAMPLE_SUMMARY`]; target < 10 ms median;
//! - LocalStack, in the same run (`scripts/bench_sfn_localstack.py` with the boto3 of
//!   `.tools/localstack-venv`): the same flagship definition (byte for byte), the same inline Map
//!   and the same distributed Map definitions created as STANDARD state machines; the flagship
//!   executed [`LS_FLAGSHIP_RUNS`] times (the three events in turn, after one warm-up), the inline
//!   Map of 100 items [`LS_INLINE_RUNS`] times (after one warm-up), then the distributed Map of
//!   10,000 items [`LS_DISTRIBUTED_RUNS`] times on the warm emulator, each bounded by
//!   [`LS_DISTRIBUTED_TIMEOUT`] (one still running then is stopped, and the rest are not
//!   started). Each sample is the wall time from StartExecution to the DescribeExecution that
//!   reports a terminal status (polled every 10 ms for the first 2 s, then every 100 ms). Medians
//!   are over the executions that SUCCEEDED (the rows say how many of how many did, and the
//!   others' status, error and cause); statuses and outputs are checked against ours; a row with
//!   no success has no median and no ratio. LocalStack executes in real time over HTTP; the
//!   interpreter runs in virtual time in-process, so the ratio rows say how much sooner a caller
//!   has the result, not that the two do the same amount of work.
//!
//! - the emulator path, in the same run, after the Step Functions rows, one run of each step:
//!   (a) LocalStack's cold start: `scripts/localstack down`, then `scripts/localstack up` timed
//!   until it reports ready; (b) the release `app deploy --local --require-approval never` of the
//!   flagship into a new stack, `EVENT_SFN_DEMO_STACK_NAME=bench-simulate-<pid>` (no clash with
//!   other stacks), right after the cold start; (c) `app send-events --local app/events/*.json`
//!   on that stack, checked to exit 0 with the same summary line as `app simulate`'s; (d) `app
//!   destroy --local --force`, untimed, and the log group the stack retains deleted (with
//!   `scripts/bench_sfn_localstack.py`, `delete_log_group_prefix`). The rows give each step, the
//!   sum (a) + (b) + (c), and the ratios of the sum and of (c) alone to our whole-process `app
//!   simulate` of the three events. Every step is bounded (a child past its limit is killed); a
//!   step that fails or times out gives a row saying what failed (the later steps say they were
//!   not run), never a panic. The children get only the emulator's dummy credentials (every
//!   `AWS_*` variable of the caller dropped, the shared AWS files replaced by `/dev/null`); their
//!   logs stay in a scratch directory, named on stderr, when a step fails.
//!
//! LocalStack is started as the deploy benchmark and the tests start it (`suite::localstack`:
//! `scripts/localstack up` under the suite's lease, stopped again when this process ends; one
//! that was already running is left running). When it cannot be started, or the script fails,
//! the LocalStack rows say "not measured" and why; the interpreter rows stand. The emulator path
//! restarts it for its cold start even when it was running before the bench (anything else using
//! it then sees it go away for those seconds); it is then left running, started again at the end
//! when the timed start failed. A LocalStack not started by `scripts/localstack` cannot be stopped
//! by it: the cold-start row says so and the other steps run on that one.
//!
//! Inputs are cloned before the timer starts (`Machine::run` takes its input by value). Prints one
//! Markdown table row `| What | Median | p95 | Min | Target |` per measurement; `scripts/bench`
//! puts them in BENCHMARKS.md. Progress goes to stderr.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use constructs::simulation::{EventOutcome, Simulation};
use constructs::stepfunctions::interpreter::{Execution, Handlers, Machine, Options, Status, MAX_HISTORY_EVENTS};
use serde_json::{json, Value};
use suite::bench::{self, fmt, stats, target_ms, target_us, Stats};

/// The flagship's state machine, by construct path.
const STATE_MACHINE: &str = "EventSfnDemo/StateMachine";
/// Items of the distributed Map (and of the informative inline one).
const MAP_ITEMS: usize = 10_000;
/// Items of the inline Map both sides run.
const INLINE_ITEMS: usize = 100;
/// LocalStack executions of the flagship (the three events in turn), of the inline Map of
/// [`INLINE_ITEMS`] and of the distributed Map of [`MAP_ITEMS`].
const LS_FLAGSHIP_RUNS: usize = 20;
const LS_INLINE_RUNS: usize = 5;
const LS_DISTRIBUTED_RUNS: usize = 1;
/// The most one LocalStack execution of the distributed Map may take; it is stopped then (it
/// fails or runs out of time on LocalStack 2026.3.0, so one run tells as much as three).
const LS_DISTRIBUTED_TIMEOUT: Duration = Duration::from_secs(2 * 60);
/// The most the LocalStack script may take (the distributed Map's executions bound it).
const LS_LIMIT: Duration = Duration::from_secs(25 * 60);
/// The flagship's sample event files, under the repository root, in order: Path A, B and C.
const SAMPLE_EVENTS: [&str; 3] = ["app/events/path-a.json", "app/events/path-b.json", "app/events/path-c.json"];
/// The summary line `app simulate` and `app send-events` print for the three sample events (the
/// latter goes on with the time the executions took).
const SAMPLE_SUMMARY: &str = "3 event(s) sent, 3 execution(s): 1 FAILED, 2 SUCCEEDED";
/// Time limits of the emulator path's steps (far above their normal times, seconds at most).
/// `scripts/localstack up` gives up by itself after `LOCALSTACK_START_TIMEOUT` (60 s by default).
const LS_DOWN_LIMIT: Duration = Duration::from_secs(60);
const LS_UP_LIMIT: Duration = Duration::from_secs(180);
const LS_DEPLOY_LIMIT: Duration = Duration::from_secs(180);
/// `send-events` waits at most its `--timeout` (60 s by default) for the executions.
const LS_SEND_LIMIT: Duration = Duration::from_secs(120);
const LS_DESTROY_LIMIT: Duration = Duration::from_secs(180);
const LS_SHORT_LIMIT: Duration = Duration::from_secs(60);

/// The global allocator: `System`, counting the bytes allocated while [`peak_bytes`] measures.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes allocated minus bytes freed since the measurement started (negative when it frees what
/// was allocated before).
static CURRENT: AtomicIsize = AtomicIsize::new(0);
/// The most [`CURRENT`] has been since the measurement started.
static PEAK: AtomicIsize = AtomicIsize::new(0);

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn counted(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let now = CURRENT.fetch_add(delta, Ordering::Relaxed) + delta;
        if delta > 0 {
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
    }
}

// SAFETY: every call goes to `System` with the caller's arguments; the counting touches no memory
// the allocations hand out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            counted(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            counted(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        counted(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            counted(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Runs `f` and returns its result with the most bytes allocated at once while it ran, above
/// those allocated when it started (its result is still allocated at the end, so counted).
fn peak_bytes<R>(f: impl FnOnce() -> R) -> (usize, R) {
    CURRENT.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let out = f();
    COUNTING.store(false, Ordering::SeqCst);
    (PEAK.load(Ordering::SeqCst).max(0) as usize, out)
}

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

    // The distributed Map of 10,000 items.
    let distributed = Machine::from_json(&map_definition("DISTRIBUTED")).expect("the distributed Map compiles");
    let items = map_input(MAP_ITEMS);
    let input_bytes = items.to_string().len();
    let dist_run = run(&distributed, items.clone(), &options);
    assert_eq!(dist_run.status, Status::Succeeded, "the distributed Map: {:?} {:?}", dist_run.error, dist_run.cause);
    let expected_output = map_output(MAP_ITEMS);
    let output = dist_run.output.as_ref().expect("a success has an output");
    let results = output.as_array().expect("the Map's output is an array");
    assert_eq!(results.len(), MAP_ITEMS);
    assert_eq!(results[..4], [json!("even"), json!("odd"), json!("even"), json!("odd")]);
    assert_eq!(output, &expected_output);
    let dist = stats(sample(2, 20, || items.clone(), |i| run(&distributed, i, &options)));
    report(
        &format!(
            "distributed Map of 10,000 items (`ItemsPath: $.items`, {input_bytes} bytes of input; `ProcessorConfig` DISTRIBUTED, STANDARD; each item a Choice on `$.odd` and a Pass), in-process: one run (SUCCEEDED; output the 10,000 results \"even\", \"odd\", ...; {} history events)",
            dist_run.history.len()
        ),
        &dist,
        &target_ms(dist.median, Duration::from_millis(20)),
    );
    let peaks: Vec<usize> = (0..5)
        .map(|_| {
            let input = items.clone();
            let (peak, run) = peak_bytes(|| run(&distributed, input, &options));
            assert_eq!(run.status, Status::Succeeded);
            peak
        })
        .collect();
    let peak = *peaks.iter().max().unwrap_or(&0);
    let (in_memory, copy) = peak_bytes(|| output.clone());
    drop(copy);
    let output_json = output.to_string().len();
    println!(
        "| peak memory of that run: the most bytes allocated at once during one run above those before it (max of {} runs; a counting global allocator around `System`) | {} | | | {} per item; the output is {} in memory ({} per item; {output_json} bytes as JSON, {} per item): the peak is {:.1}x the output in memory; {} history events; the input ({input_bytes} bytes as JSON) is allocated before and not counted |",
        peaks.len(),
        bytes(peak),
        bytes(peak / MAP_ITEMS),
        bytes(in_memory),
        bytes(in_memory / MAP_ITEMS),
        bytes(output_json / MAP_ITEMS),
        peak as f64 / in_memory as f64,
        dist_run.history.len(),
    );
    eprintln!("simulate bench: peak memory of the distributed Map: {}", bytes(peak));

    // The same Map inline: over 10,000 items it fails at the quota (informative); over 100 it fits.
    let inline = Machine::from_json(&map_definition("INLINE")).expect("the inline Map compiles");
    let attempt = run(&inline, items.clone(), &options);
    assert_eq!(attempt.status, Status::Failed, "the inline Map of 10,000 items exceeds the history quota");
    let s = stats(sample(1, 10, || items.clone(), |i| run(&inline, i, &options)));
    let cause = attempt.cause.as_deref().unwrap_or("").trim_end_matches('.');
    report(
        &format!(
            "informative: the same Map INLINE over the same 10,000 items, in-process: ends {} ({}: {cause}) after {} history events (10,000 items need {}; AWS fails it at its quota of {MAX_HISTORY_EVENTS} too)",
            attempt.status,
            attempt.error.as_deref().unwrap_or("no error"),
            attempt.history.len(),
            inline_events(MAP_ITEMS)
        ),
        &s,
        "",
    );
    let small = map_input(INLINE_ITEMS);
    let small_run = run(&inline, small.clone(), &options);
    assert_eq!(small_run.status, Status::Succeeded, "the inline Map of {INLINE_ITEMS} items");
    assert_eq!(small_run.output, Some(map_output(INLINE_ITEMS)));
    assert_eq!(small_run.history.len(), inline_events(INLINE_ITEMS));
    let inline_small = stats(sample(100, 2_000, || small.clone(), |i| run(&inline, i, &options)));
    report(
        &format!(
            "inline Map of 100 items (the same Map, `Mode: INLINE`, over the first 100 items; {} history events), in-process: one run (SUCCEEDED)",
            small_run.history.len()
        ),
        &inline_small,
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

    // The EventBridge simulation: the flagship's three sample events through its rule.
    let entries = sample_entries(&root);
    let mut sim = Simulation::from_app(&app, Options::default()).expect("the flagship simulates");
    check_sample_outcomes(&sim.put_events(&entries).expect("one PutEvents call of three entries"));
    let put = stats(sample(
        1_000,
        10_000,
        || (),
        |()| sim.put_events(&entries).expect("one PutEvents call of three entries"),
    ));
    report(
        "EventBridge simulation, in-process: one `Simulation::put_events` of the flagship's three sample events (`app/events/path-a.json`, `path-b.json`, `path-c.json`, read once): envelope, rule match, role check, delivery, three executions (SUCCEEDED WhichPath? -> PathA, SUCCEEDED -> PathB, FAILED -> Fail)",
        &put,
        &format!("{}; {} per event", target_us(put.median, Duration::from_micros(50)), fmt(put.median / 3)),
    );
    let build = stats(sample(
        20,
        1_000,
        || (),
        |()| Simulation::from_app(&app, Options::default()).expect("the flagship simulates"),
    ));
    report(
        "EventBridge simulation, in-process: `Simulation::from_app` of the flagship (synth included: the world read from its template)",
        &build,
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

    let process_events = stats(sample(5, 100, || (), |()| simulate_sample_events(&exe, &root)));
    report(
        "`app simulate app/events/path-a.json app/events/path-b.json app/events/path-c.json` whole process: builds and synthesizes the app, reads the three files, routes the events, runs the three executions, prints (exit 0, `3 event(s) sent, 3 execution(s): 1 FAILED, 2 SUCCEEDED`)",
        &process_events,
        &target_ms(process_events.median, Duration::from_millis(10)),
    );

    eprintln!("simulate bench: LocalStack (its distributed Map executions may take minutes)");
    let ours = Ours {
        flagship: &flagship,
        process: &process,
        outcomes: &ours,
        inline: &inline_small,
        inline_output: small_run.output.as_ref(),
        distributed: &dist,
        distributed_output: output,
    };
    match localstack(&root, &definition, &events, &small, &items) {
        Ok(result) => localstack_rows(&result, &ours),
        Err(why) => {
            for what in ["flagship executions", "inline Map of 100 items", "distributed Map of 10,000 items"] {
                println!("| LocalStack: {what}: not measured: {} | | | | |", one_line(&why));
            }
        }
    }

    eprintln!("simulate bench: the emulator path (LocalStack cold start, deploy, send-events, destroy)");
    emulator_path_rows(&emulator_path(&root, &exe), &process_events);
}

/// The entries of the three sample event files (each a JSON array of one PutEvents entry), in
/// order.
fn sample_entries(root: &Path) -> Vec<Value> {
    let mut entries = Vec::new();
    for file in SAMPLE_EVENTS {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let list = json.as_array().unwrap_or_else(|| panic!("{}: not a JSON array of entries", path.display()));
        assert_eq!(list.len(), 1, "{}: one entry", path.display());
        entries.extend(list.iter().cloned());
    }
    entries
}

/// Each sample event started one execution that took its path: A and B succeed, C fails.
fn check_sample_outcomes(outcomes: &[EventOutcome]) {
    let expected = [(Status::Succeeded, "PathA"), (Status::Succeeded, "PathB"), (Status::Failed, "Fail")];
    assert_eq!(outcomes.len(), expected.len(), "one outcome per event");
    for (outcome, (status, last)) in outcomes.iter().zip(expected) {
        let run = outcome.execution();
        assert_eq!(run.status, status, "{}", outcome.describe());
        assert_eq!(run.states, ["WhichPath?", last], "{}", outcome.describe());
    }
}

/// One `app simulate` of the three sample event files, checked to exit 0 with the summary line.
fn simulate_sample_events(exe: &Path, root: &Path) {
    let out = Command::new(exe)
        .current_dir(root)
        .env_remove(app::STACK_NAME_ENV)
        .arg("simulate")
        .args(SAMPLE_EVENTS)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("run app simulate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "app simulate of the sample events failed: {}\n{stdout}", out.status);
    assert!(stdout.contains(SAMPLE_SUMMARY), "app simulate of the sample events printed:\n{stdout}");
}

/// The emulator path's steps, each its wall time or why it was not measured.
struct EmulatorPath {
    /// LocalStack's version, when known.
    version: Option<String>,
    /// Was LocalStack running before this bench (then it is left running)?
    found_running: bool,
    start: Result<Duration, String>,
    deploy: Result<Duration, String>,
    send: Result<Duration, String>,
    /// The destroy (untimed) and the cleanup of the log group the stack retains.
    destroy: Result<(), String>,
    /// Left running at the end as found (only when it was found running).
    restored: Result<(), String>,
    stack: String,
}

/// `cmd` against the emulator with its documented dummy credentials only: no `AWS_*` variable of
/// the caller's environment, no shared config or credentials file.
fn emulator_env(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

/// LocalStack stopped and timed from `scripts/localstack up` to ready, then the flagship deployed
/// to it, the three sample events sent, and the stack destroyed: each step bounded, each failure
/// reported (never a panic).
fn emulator_path(root: &Path, exe: &Path) -> EmulatorPath {
    let stack = format!("bench-simulate-{}", std::process::id());
    let mut path = EmulatorPath {
        version: None,
        found_running: false,
        start: Err("not run".into()),
        deploy: Err("not run".into()),
        send: Err("not run".into()),
        destroy: Err("not run".into()),
        restored: Ok(()),
        stack: stack.clone(),
    };
    let origin = match suite::localstack::origin() {
        Ok(o) => o,
        Err(e) => {
            let why = format!("LocalStack cannot be started: {e}");
            path.start = Err(why.clone());
            path.deploy = Err(why.clone());
            path.send = Err(why.clone());
            path.destroy = Err(why);
            return path;
        }
    };
    // Started: this process started it, and the suite's watchdog stops it when the bench ends
    // (whatever its pid then). Otherwise it was running before: left running at the end.
    path.found_running = origin != suite::localstack::Origin::Started;
    let scratch = std::env::temp_dir().join(format!("simulate-bench-emulator-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    if let Err(e) = std::fs::create_dir_all(&scratch) {
        path.start = Err(format!("cannot create {}: {e}", scratch.display()));
        return path;
    }
    let script = root.join("scripts/localstack");
    let log = |what: &str| scratch.join(format!("{what}.log"));

    // (a) The cold start.
    let mut down = Command::new(&script);
    down.arg("down").current_dir(root);
    path.start = suite::process::run_limited_ok("`scripts/localstack down`", &mut down, LS_DOWN_LIMIT, &log("down"))
        .map_err(|e| format!("stopping it failed: {e}"))
        .and_then(|_| {
            let mut status = Command::new(&script);
            status.arg("status").current_dir(root);
            match suite::process::run_limited("`scripts/localstack status`", &mut status, LS_SHORT_LIMIT, &log("status"))
            {
                Ok((s, _)) if s.code() == Some(3) => Ok(()),
                Ok(_) => Err(format!(
                    "the LocalStack on {} was not started by `scripts/localstack` and is still running after `scripts/localstack down`: no cold start to time (the other steps ran on it)",
                    suite::localstack::ENDPOINT
                )),
                Err(e) => Err(e),
            }
        })
        .and_then(|()| {
            let mut up = Command::new(&script);
            up.arg("up").current_dir(root);
            suite::process::run_limited_ok("`scripts/localstack up`", &mut up, LS_UP_LIMIT, &log("up")).map(|t| t.wall)
        });
    let serving = match &path.start {
        Ok(t) => {
            eprintln!("simulate bench: LocalStack cold start: {}", fmt(*t));
            true
        }
        Err(e) => {
            eprintln!("simulate bench: LocalStack cold start not measured: {e}");
            ls_status(root, &script, &log("status-after"))
        }
    };
    if !serving {
        let why = "LocalStack is not running (see the start row)".to_string();
        path.deploy = Err(why.clone());
        path.send = Err(why.clone());
        path.destroy = Err(why);
    } else {
        path.version = ls_version(root, &scratch);
        let app = |args: &[&str]| {
            let mut cmd = Command::new(exe);
            emulator_env(&mut cmd).env(app::STACK_NAME_ENV, &stack).current_dir(&scratch).args(args);
            cmd
        };
        // (b) The deploy, from scratch into a new stack, right after the cold start.
        let mut deploy = app(&["deploy", "--local", "--require-approval", "never"]);
        path.deploy = suite::process::run_limited_ok(
            &format!("`app deploy --local` of stack {stack}"),
            &mut deploy,
            LS_DEPLOY_LIMIT,
            &log("deploy"),
        )
        .map(|t| t.wall);
        // (c) The three sample events, sent and followed to their executions' ends.
        if path.deploy.is_ok() {
            let mut send = app(&["send-events", "--local"]);
            send.args(event_files(root));
            path.send = suite::process::run_limited_ok(
                "`app send-events --local app/events/*.json`",
                &mut send,
                LS_SEND_LIMIT,
                &log("send-events"),
            )
            .and_then(|t| {
                let text = std::fs::read_to_string(log("send-events")).unwrap_or_default();
                if text.contains(SAMPLE_SUMMARY) {
                    Ok(t.wall)
                } else {
                    Err(format!("`app send-events` exited 0 without the summary `{SAMPLE_SUMMARY}`:\n{text}"))
                }
            });
        } else {
            path.send = Err("the deploy failed".into());
        }
        // (d) The destroy (untimed; tried whatever happened before), and the log group the stack
        // retains (`DeletionPolicy: Retain`).
        let mut destroy = app(&["destroy", "--local", "--force"]);
        path.destroy = suite::process::run_limited_ok(
            &format!("`app destroy --local --force` of stack {stack}"),
            &mut destroy,
            LS_DESTROY_LIMIT,
            &log("destroy"),
        )
        .map(|_| ())
        .and_then(|()| delete_retained_log_groups(root, &scratch, &stack));
    }
    for (what, step) in [("deploy", &path.deploy), ("send-events", &path.send)] {
        match step {
            Ok(t) => eprintln!("simulate bench: emulator path: {what}: {}", fmt(*t)),
            Err(e) => eprintln!("simulate bench: emulator path: {what} not measured: {e}"),
        }
    }
    if let Err(e) = &path.destroy {
        eprintln!("simulate bench: emulator path: destroy failed: {e}");
    }

    // Left running as found.
    if path.found_running && !ls_status(root, &script, &log("status-end")) {
        let mut up = Command::new(&script);
        up.arg("up").current_dir(root);
        path.restored = suite::process::run_limited_ok("`scripts/localstack up`", &mut up, LS_UP_LIMIT, &log("up-end"))
            .map(|_| ())
            .map_err(|e| format!("LocalStack was running before the bench and could not be started again: {e}"));
        if let Err(e) = &path.restored {
            eprintln!("simulate bench: {e}");
        }
    }
    if path.start.is_ok() && path.deploy.is_ok() && path.send.is_ok() && path.destroy.is_ok() {
        let _ = std::fs::remove_dir_all(&scratch);
    } else {
        eprintln!("simulate bench: the emulator path's logs are in {}", scratch.display());
    }
    path
}

/// `app/events/*.json`, sorted, as absolute paths.
fn event_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("app/events"))
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Is LocalStack serving (`scripts/localstack status` exits 0)?
fn ls_status(root: &Path, script: &Path, log: &Path) -> bool {
    let mut status = Command::new(script);
    status.arg("status").current_dir(root);
    matches!(suite::process::run_limited("`scripts/localstack status`", &mut status, LS_SHORT_LIMIT, log), Ok((s, _)) if s.success())
}

/// LocalStack's version from its health endpoint (`curl`, bounded), when it answers.
fn ls_version(root: &Path, scratch: &Path) -> Option<String> {
    let mut curl = Command::new("curl");
    curl.current_dir(root).args([
        "-sf",
        "--max-time",
        "5",
        &format!("{}/_localstack/health", suite::localstack::ENDPOINT),
    ]);
    let log = scratch.join("health.json");
    suite::process::run_limited_ok("`curl` of the health endpoint", &mut curl, LS_SHORT_LIMIT, &log).ok()?;
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&log).ok()?).ok()?;
    json["version"].as_str().map(str::to_string)
}

/// Deletes the log groups `stack` retained (`/aws/vendedlogs/states/<stack>-...`) with
/// `scripts/bench_sfn_localstack.py` (`delete_log_group_prefix`).
fn delete_retained_log_groups(root: &Path, scratch: &Path, stack: &str) -> Result<(), String> {
    let python = root.join(".tools/localstack-venv/bin/python");
    let spec = scratch.join("delete-log-groups.json");
    let spec_text = json!({"machines": [], "delete_log_group_prefix": format!("/aws/vendedlogs/states/{stack}-")});
    std::fs::write(&spec, spec_text.to_string()).map_err(|e| format!("cannot write {}: {e}", spec.display()))?;
    let mut cmd = Command::new(&python);
    emulator_env(&mut cmd)
        .current_dir(root)
        .arg(root.join("scripts/bench_sfn_localstack.py"))
        .arg(&spec)
        .arg("--out")
        .arg(scratch.join("delete-log-groups-result.json"))
        .args(["--endpoint", suite::localstack::ENDPOINT]);
    suite::process::run_limited_ok(
        "the retained log group's deletion (`scripts/bench_sfn_localstack.py`)",
        &mut cmd,
        LS_SHORT_LIMIT,
        &scratch.join("delete-log-groups.log"),
    )
    .map(|_| ())
}

/// The emulator path's rows: each step, their sum, and its ratios to our whole `app simulate`.
fn emulator_path_rows(path: &EmulatorPath, ours: &Stats) {
    let v = path.version.as_deref().map(|v| format!("LocalStack {v}")).unwrap_or_else(|| "LocalStack".into());
    let found = if path.found_running {
        "it was running before the bench: stopped with `scripts/localstack down` first, left running at the end"
    } else {
        "started by this bench: stopped again when it ends"
    };
    let ratio = |t: Duration| times_faster(t.as_secs_f64() / ours.median.as_secs_f64());
    // The services `scripts/localstack up` starts and waits for, as the script lists them.
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/localstack");
    let services = std::fs::read_to_string(&script)
        .ok()
        .and_then(|text| text.lines().find_map(|l| l.strip_prefix("SERVICES=").map(|s| s.replace(',', ", "))))
        .unwrap_or_else(|| "as scripts/localstack lists them".into());
    let steps = [
        (
            format!("emulator path, {v}: (a) cold start: `scripts/localstack up` from stopped until ready (the services {services}; {found})"),
            &path.start,
        ),
        (
            format!("emulator path, {v}: (b) `app deploy --local --require-approval never` of the flagship into a new stack ({}), right after the cold start, whole process", path.stack),
            &path.deploy,
        ),
        (
            format!("emulator path, {v}: (c) `app send-events --local app/events/*.json` (the three sample events), whole process: PutEvents, then follows the executions to their ends (exit 0, `{SAMPLE_SUMMARY}`)"),
            &path.send,
        ),
    ];
    for (what, step) in &steps {
        match step {
            Ok(t) => println!(
                "| {} | {} | | (1 run) | {} as long as our whole `app simulate` of the three events |",
                one_line(what),
                fmt(*t),
                ratio(*t)
            ),
            Err(why) => println!("| {}: not measured: {} | | | | |", one_line(what), one_line(why)),
        }
    }
    let destroy = match &path.destroy {
        Ok(()) => "then destroyed (`app destroy --local --force`, untimed; its retained log group deleted)".to_string(),
        Err(why) => format!("then the destroy (untimed) FAILED: {}", one_line(why)),
    };
    let restored = match &path.restored {
        Ok(()) => String::new(),
        Err(why) => format!("; {}", one_line(why)),
    };
    match (&path.start, &path.deploy, &path.send) {
        (Ok(a), Ok(b), Ok(c)) => {
            let sum = *a + *b + *c;
            println!(
                "| emulator path, {v}: sum of (a) cold start + (b) deploy + (c) send-events; {destroy}{restored} | {} | | (1 run) | {} as long as our whole `app simulate` of the three events ({} median); send-events alone takes {} as long |",
                fmt(sum),
                ratio(sum),
                fmt(ours.median),
                ratio(*c),
            );
        }
        _ => println!(
            "| emulator path, {v}: sum of (a) + (b) + (c): not measured (a step failed; see its row); {destroy}{restored} | | | | no ratio |"
        ),
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

/// The Map benchmarks' definition, `mode` "INLINE" or "DISTRIBUTED": over `$.items`, each item
/// a Choice on `$.odd` and a Pass whose result is "odd" or "even".
fn map_definition(mode: &str) -> Value {
    let config = if mode == "DISTRIBUTED" {
        json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})
    } else {
        json!({"Mode": mode})
    };
    json!({
        "Comment": format!("{mode} Map over $.items, each item a Choice and a Pass"),
        "StartAt": "Map",
        "States": {"Map": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": config,
                "StartAt": "OddOrEven?",
                "States": {
                    "OddOrEven?": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$.odd", "BooleanEquals": true, "Next": "Odd"}],
                        "Default": "Even"
                    },
                    "Odd": {"Type": "Pass", "Result": "odd", "End": true},
                    "Even": {"Type": "Pass", "Result": "even", "End": true}
                }
            },
            "End": true
        }}
    })
}

/// `{"items": [{"id": 0, "odd": false}, {"id": 1, "odd": true}, ...]}` (10,000 items: about
/// 233 kB, within the payload quota of 256 KiB).
fn map_input(items: usize) -> Value {
    json!({"items": (0..items).map(|i| json!({"id": i, "odd": i % 2 == 1})).collect::<Vec<_>>()})
}

/// The Map's output over `items` items: `["even", "odd", ...]`.
fn map_output(items: usize) -> Value {
    json!((0..items).map(|i| if i % 2 == 1 { "odd" } else { "even" }).collect::<Vec<_>>())
}

/// History events of a successful run of the inline Map over `items` items: execution started
/// and succeeded, Map entered, started, succeeded and exited, and 6 per item.
fn inline_events(items: usize) -> usize {
    6 + 6 * items
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
    outcomes: &'a [Execution],
    inline: &'a Stats,
    inline_output: Option<&'a Value>,
    distributed: &'a Stats,
    distributed_output: &'a Value,
}

/// One LocalStack execution, as the script reports it.
struct Sample {
    seconds: f64,
    status: String,
    output: Value,
    error: Option<String>,
    cause: Option<String>,
}

/// One machine's executions on LocalStack: those run, and how many were not started (after one
/// was still running at its timeout).
struct Runs {
    samples: Vec<Sample>,
    skipped: usize,
}

struct LocalStack {
    version: String,
    flagship: Runs,
    inline: Runs,
    distributed: Runs,
}

/// Starts LocalStack when needed and runs the script on the three state machines.
fn localstack(
    root: &Path,
    definition: &str,
    events: &[(&str, Value)],
    small: &Value,
    items: &Value,
) -> Result<LocalStack, String> {
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
            "name": "inline",
            "definition": map_definition("INLINE").to_string(),
            "inputs": [small],
            "executions": LS_INLINE_RUNS,
            "warmup": 1,
            "timeout_seconds": 120
        },
        {
            "name": "distributed",
            "definition": map_definition("DISTRIBUTED").to_string(),
            "inputs": [items],
            "executions": LS_DISTRIBUTED_RUNS,
            "warmup": 0,
            "timeout_seconds": LS_DISTRIBUTED_TIMEOUT.as_secs(),
            "stop_after_timeout": true
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
    let runs = |name: &str| -> Result<Runs, String> {
        let list = result["machines"][name].as_array().ok_or(format!("no samples of {name} in the result"))?;
        let samples = list
            .iter()
            .map(|s| {
                Ok(Sample {
                    seconds: s["seconds"].as_f64().ok_or("a sample without seconds")?,
                    status: s["status"].as_str().unwrap_or("?").to_string(),
                    output: s["output"].clone(),
                    error: s["error"].as_str().map(str::to_string),
                    cause: s["cause"].as_str().map(str::to_string),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let skipped = result["skipped"][name].as_u64().unwrap_or(0) as usize;
        Ok(Runs { samples, skipped })
    };
    let ls = LocalStack {
        version: result["localstack"].as_str().unwrap_or("?").to_string(),
        flagship: runs("flagship")?,
        inline: runs("inline")?,
        distributed: runs("distributed")?,
    };
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(ls)
}

fn localstack_rows(ls: &LocalStack, ours: &Ours) {
    let v = &ls.version;
    // The same outcomes: each event's status and output as ours (the inputs were taken in turn).
    let mut differ = Vec::new();
    for (i, s) in ls.flagship.samples.iter().enumerate() {
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
    let ratio = |theirs: &Stats, ours: &Stats| theirs.median.as_secs_f64() / ours.median.as_secs_f64();
    // the flagship's C fails by design: all its executions count
    let s = stats(times(&ls.flagship.samples));
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

    let maps = [
        (
            "inline Map of 100 items (the same definition and input; after one warm-up)",
            &ls.inline,
            ours.inline,
            ours.inline_output,
            LS_INLINE_RUNS,
        ),
        (
            "distributed Map of 10,000 items (the same definition and input; on the warm emulator; each execution bounded by 2 min)",
            &ls.distributed,
            ours.distributed,
            Some(ours.distributed_output),
            LS_DISTRIBUTED_RUNS,
        ),
    ];
    for (what, runs, mine, my_output, asked) in maps {
        let succeeded: Vec<&Sample> = runs.samples.iter().filter(|s| s.status == "SUCCEEDED").collect();
        let same_output = succeeded.iter().all(|s| Some(&s.output) == my_output);
        let others: Vec<String> = runs
            .samples
            .iter()
            .enumerate()
            .filter(|(_, s)| s.status != "SUCCEEDED")
            .map(|(i, s)| {
                let cause: String = s.cause.as_deref().unwrap_or("").chars().take(200).collect();
                format!(
                    "execution {}: {} after {:.1} s ({}: {})",
                    i + 1,
                    s.status,
                    s.seconds,
                    s.error.as_deref().unwrap_or("no error"),
                    one_line(&cause)
                )
            })
            .collect();
        let mut outcome = format!("{} of {asked} SUCCEEDED", succeeded.len());
        if !succeeded.is_empty() {
            outcome += if same_output {
                ", each with the same output as ours"
            } else {
                ", with an output NOT the same as ours"
            };
        }
        if !others.is_empty() {
            outcome += &format!("; {}", others.join("; "));
        }
        if runs.skipped > 0 {
            outcome += &format!("; {} not started after that timeout", runs.skipped);
        }
        let row = format!("LocalStack {v}: {what}: {outcome}");
        if succeeded.is_empty() {
            eprintln!("simulate bench: {row}");
            println!("| {} | no success: not measured | | | no ratio |", one_line(&row));
        } else {
            let s = stats(succeeded.iter().map(|s| Duration::from_secs_f64(s.seconds)).collect());
            report(
                &one_line(&row),
                &s,
                &format!(
                    "median over the successes; ours is {} faster in-process ({} median)",
                    times_faster(ratio(&s, mine)),
                    fmt(mine.median)
                ),
            );
        }
    }
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

/// "123 B", "12.3 kB" or "1.23 MB" (decimal units).
fn bytes(n: usize) -> String {
    let f = n as f64;
    if f >= 1e6 {
        format!("{:.2} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.1} kB", f / 1e3)
    } else {
        format!("{n} B")
    }
}

fn report(what: &str, s: &Stats, target: &str) {
    bench::report("simulate bench", what, s, target, fmt);
}

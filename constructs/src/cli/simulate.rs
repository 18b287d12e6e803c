//! `simulate`: runs the system locally, with no emulator and no AWS account, in two forms.
//!
//! - **Events** (`simulate EVENTS.json..`): the event files go through a simulation
//!   ([`crate::simulation`]) of the app's stacks, of a template (`--template`) or of a cloud
//!   assembly written by the AWS CDK (`--assembly`): rules, targets, permissions, executions. The
//!   report is `send-events`'s ([`crate::report`]), with its exit status: 0 when every entry was
//!   accepted and every event started an execution (FAILED included), 1 otherwise.
//! - **One state machine** (`--definition FILE` or `--state-machine PATH_OR_LOGICAL_ID`): runs it
//!   in the interpreter ([`crate::stepfunctions::interpreter`]) on `--input`; exit 0 when the
//!   execution SUCCEEDED, 1 when it ended otherwise (FAILED, TIMED_OUT).
//!
//! Task states run the handlers given with `--handler`. Exit 2 when the definition, the
//! templates, the input or a handler file is invalid (every problem is printed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::report::TrialReport;
use crate::simulation::Simulation;
use crate::stepfunctions::interpreter::{handler, Execution, Handlers, Machine, Options, Time};

/// Options of `simulate`.
#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("machine").args(["definition", "state_machine"]))]
#[command(group = clap::ArgGroup::new("templates").args(["template", "assembly"]))]
pub struct SimulateArgs {
    /// Event files to route through the simulated system: each a JSON array of PutEvents
    /// entries (the `aws events put-events --entries` shape).
    #[arg(value_name = "EVENTS.json", conflicts_with = "machine")]
    pub events: Vec<PathBuf>,
    /// Simulate this CloudFormation template (JSON) instead of the app's stacks.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Simulate the stacks of this cloud assembly directory (e.g. `cdk.out` of an AWS CDK app).
    #[arg(long, value_name = "DIR")]
    pub assembly: Option<PathBuf>,
    /// An Amazon States Language definition (JSON) to run.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// A state machine of the app to run: its construct path (`Stack/StateMachine`) or the
    /// logical id of its resource.
    #[arg(long, value_name = "PATH_OR_LOGICAL_ID")]
    pub state_machine: Option<String>,
    /// The execution input, as JSON text (default `{}`).
    #[arg(long, value_name = "JSON", conflicts_with = "input_file")]
    pub input: Option<String>,
    /// The execution input, from a JSON file.
    #[arg(long, value_name = "FILE")]
    pub input_file: Option<PathBuf>,
    /// What a Task state does: `STATE_OR_ARN=FILE`, FILE holding a reply or an array of replies
    /// taken in turn (`{"output": ...}` or `{"error": ..., "cause": ...}`, optional `"seconds"`
    /// and `"heartbeat_seconds"`). Repeatable.
    #[arg(long = "handler", value_name = "STATE_OR_ARN=FILE")]
    pub handlers: Vec<String>,
    /// When the execution starts (RFC 3339; default 2026-01-01T00:00:00Z).
    #[arg(long, value_name = "TIMESTAMP")]
    pub start_time: Option<String>,
    /// The seed of the run's random numbers (States.UUID, States.MathRandom, retry jitter).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The simulated account (default 123456789012).
    #[arg(long)]
    pub account: Option<String>,
    /// The simulated region (default us-east-1).
    #[arg(long)]
    pub region: Option<String>,
    /// Print one JSON object: {"status", "output", "error", "cause", "states", "history"}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `simulate`; `app` gives the stacks (events) or the state machines (`--state-machine`).
pub fn run(app: &framework::App, args: &SimulateArgs, out: &mut dyn Write) -> ExitCode {
    if !args.events.is_empty() || args.template.is_some() || args.assembly.is_some() {
        return run_events(app, args, out);
    }
    match prepare(app, args) {
        Err(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            ExitCode::from(2)
        }
        Ok((machine, input, mut handlers, options)) => match machine.run(input, &mut handlers, &options) {
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
            Ok(execution) => {
                let printed =
                    if args.json { writeln!(out, "{}", execution.to_json()) } else { write_text(&execution, out) };
                if let Err(e) = printed {
                    eprintln!("error: cannot print the result: {e}");
                    return ExitCode::FAILURE;
                }
                if execution.status.is_success() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
        },
    }
}

/// `simulate EVENTS.json..`: the event files through a simulation of the stacks.
fn run_events(app: &framework::App, args: &SimulateArgs, out: &mut dyn Write) -> ExitCode {
    let fail = |problems: Vec<String>| {
        for p in problems {
            eprintln!("error: {p}");
        }
        ExitCode::from(2)
    };
    if args.events.is_empty() {
        return fail(vec!["give the event files to simulate (EVENTS.json..)".into()]);
    }
    if args.input.is_some() || args.input_file.is_some() {
        return fail(vec!["--input and --input-file are for one state machine (--definition or --state-machine); \
            events give the executions their input"
            .into()]);
    }
    let (options, mut problems) = options(args);
    let mut handlers = Handlers::new();
    problems.extend(read_handlers(args, &mut handlers));
    if !problems.is_empty() {
        return fail(problems);
    }
    let simulation = match (&args.template, &args.assembly) {
        (Some(file), _) => read(file).and_then(|text| parse_json(&text, &file.display().to_string())).and_then(|t| {
            let stack = file.file_stem().map(|s| s.to_string_lossy().trim_end_matches(".template").to_string());
            let stack = stack.unwrap_or_else(|| "Stack".into());
            Simulation::new([(stack.as_str(), &t)], options).map_err(|e| e.to_string())
        }),
        (None, Some(dir)) => Simulation::from_assembly(dir, options).map_err(|e| e.to_string()),
        (None, None) => Simulation::from_app(app, options).map_err(|e| e.to_string()),
    };
    let mut simulation = match simulation {
        Ok(s) => s,
        Err(e) => return fail(vec![e]),
    };
    *simulation.handlers_mut() = handlers;
    let mut rows = Vec::new();
    for file in &args.events {
        match simulation.put_event_file(file) {
            Ok(outcomes) => rows.extend(outcomes.iter().flat_map(|o| o.rows())),
            Err(e) => return fail(vec![e.to_string()]),
        }
    }
    let report = TrialReport { rows, ..TrialReport::default() };
    let printed = if args.json { writeln!(out, "{}", report.to_json()) } else { write!(out, "{}", report.render()) };
    if let Err(e) = printed {
        eprintln!("error: cannot print the report: {e}");
        return ExitCode::FAILURE;
    }
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The path, the status, and the output or the error and cause.
fn write_text(execution: &Execution, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", execution.states.join(" -> "))?;
    writeln!(out, "{}", execution.status)?;
    if let Some(output) = &execution.output {
        writeln!(out, "output: {output}")?;
    }
    if let Some(error) = &execution.error {
        writeln!(out, "error: {error}")?;
    }
    if let Some(cause) = execution.cause.as_deref().filter(|c| !c.is_empty()) {
        writeln!(out, "cause: {cause}")?;
    }
    Ok(())
}

type Prepared = (Machine, Value, Handlers, Options);

/// The machine, the input, the handlers and the options, or every problem with them.
fn prepare(app: &framework::App, args: &SimulateArgs) -> Result<Prepared, Vec<String>> {
    let (mut options, mut problems) = options(args);
    let machine = match (&args.definition, &args.state_machine) {
        (Some(file), _) => match read(file) {
            Ok(text) => Machine::from_json_str(&text)
                .map_err(|e| problems.extend(e.problems.iter().map(|p| format!("{}: {p}", file.display()))))
                .ok(),
            Err(e) => {
                problems.push(e);
                None
            }
        },
        (None, Some(wanted)) => match Machine::from_app(app, wanted, &options) {
            Ok((name, machine)) => {
                options.state_machine_name = name;
                Some(machine)
            }
            Err(e) => {
                problems.extend(e.problems);
                None
            }
        },
        (None, None) => {
            problems.push(
                "give event files (EVENTS.json..), or --definition FILE or --state-machine PATH_OR_LOGICAL_ID".into(),
            );
            None
        }
    };
    let input = match (&args.input, &args.input_file) {
        (Some(text), _) => parse_json(text, "--input").map_err(|e| problems.push(e)).ok(),
        (None, Some(file)) => read(file)
            .and_then(|text| parse_json(&text, &file.display().to_string()))
            .map_err(|e| problems.push(e))
            .ok(),
        (None, None) => Some(Value::Object(Default::default())),
    };
    let mut handlers = Handlers::new();
    problems.extend(read_handlers(args, &mut handlers));
    match (machine, input) {
        (Some(machine), Some(input)) if problems.is_empty() => Ok((machine, input, handlers, options)),
        _ => Err(problems),
    }
}

/// The run's options from the flags, and the problems with them.
fn options(args: &SimulateArgs) -> (Options, Vec<String>) {
    let mut problems = Vec::new();
    let mut options = Options::default().seed(args.seed);
    if let Some(account) = &args.account {
        options.account = account.clone();
    }
    if let Some(region) = &args.region {
        options.region = region.clone();
    }
    if let Some(ts) = &args.start_time {
        match Time::parse(ts) {
            Some(t) => options.start_time = t,
            None => {
                problems.push(format!("--start-time {ts:?} is not an RFC 3339 timestamp (like 2026-01-01T00:00:00Z)"))
            }
        }
    }
    (options, problems)
}

/// The `--handler` files, into `handlers`; the problems with them.
fn read_handlers(args: &SimulateArgs, handlers: &mut Handlers) -> Vec<String> {
    let mut problems = Vec::new();
    for spec in &args.handlers {
        let Some((key, file)) = spec.split_once('=').filter(|(k, f)| !k.is_empty() && !f.is_empty()) else {
            problems.push(format!("--handler {spec:?}: expected STATE_OR_ARN=FILE"));
            continue;
        };
        let parsed = read(Path::new(file))
            .and_then(|text| parse_json(&text, file))
            .and_then(|json| handler::from_json(&json).map_err(|e| format!("{file}: {e}")));
        match parsed {
            Ok(h) => handlers.insert(key, h),
            Err(e) => problems.push(format!("--handler {key}: {e}")),
        }
    }
    problems
}

fn read(file: &Path) -> Result<String, String> {
    std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))
}

fn parse_json(text: &str, what: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{what}: not valid JSON: {e}"))
}

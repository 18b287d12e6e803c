//! `send-events`: sends event files to EventBridge and reports what each event did in the
//! deployed stacks' state machines (see [`crate::trial`]).
//!
//! Exit status: 0 when every entry was sent and every event started an execution that ended,
//! whatever its status (a FAILED execution is a valid outcome: the flagship's path C is meant
//! to fail); 1 when an entry was refused, an event started nothing within `--timeout`, an
//! execution was still running at the timeout, with `--check-simulation` when the simulation of
//! an event differs from what the deployed system did, or when the command could not run.
//!
//! It connects as the core's deploy commands do (the same connection flags, [`ConnectionArgs`],
//! and [`framework::deploy::load`]), and selects stacks with the core's [`select_stacks`].

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use framework::cli::{select_stacks, CliError, ConnectionArgs};

use crate::events::envelope::read_event_file;
use crate::report::Row;
use crate::trial::{send_events as run_trial, TrialError, TrialOptions, TrialReport};

/// Why `send-events` could not run (what the events did is in its report instead).
#[derive(Debug, thiserror::Error)]
pub enum SendEventsError {
    /// The app did not synthesize, a stack pattern matched nothing, or printing failed.
    #[error(transparent)]
    Cli(#[from] CliError),
    /// The event files, the connection or the trial failed.
    #[error(transparent)]
    Trial(#[from] TrialError),
    /// `--check-simulation`: the app's stacks cannot be simulated.
    #[error("--check-simulation: {0}")]
    Simulation(#[from] crate::simulation::SimulationError),
}

/// Options of `send-events`.
#[derive(Debug, Clone, clap::Args)]
pub struct SendEventsArgs {
    /// Event files: each a JSON array of PutEvents entries (the `aws events put-events
    /// --entries` shape: Source, DetailType, Detail...).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A stack whose state machines to watch: an app stack (construct id, `*` wildcards) or the
    /// name or ARN of any deployed stack. Repeatable; all the app's stacks when none.
    #[arg(long = "stack", value_name = "STACK")]
    pub stacks: Vec<String>,
    /// How long to wait, from sending, for the executions to start and end (seconds).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Print the outcome as a JSON array of {file, entry, event_id, execution_arn,
    /// state_machine_arn, path, status, error, cause, duration_ms, hint} (one item per
    /// execution; `entry` counts from 1; status NOT_SENT / NOT_STARTED when there is none).
    #[arg(long)]
    pub json: bool,
    /// Before sending, simulate each event locally (`simulate`); after following the real
    /// executions, report every difference between the simulated and the real outcome (status,
    /// path, error) and exit 1 when there is one: how to check the simulation against AWS.
    #[arg(long)]
    pub check_simulation: bool,
    /// How to reach AWS: the core's connection flags (`--profile`, `--region`, `--local`, ...).
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The CloudFormation stack names to watch: app stacks matched by construct id or stack name,
/// other names taken as deployed stacks' names; the app's stacks when none is given.
pub(crate) fn stack_names(app: &framework::App, patterns: &[String]) -> Result<Vec<String>, CliError> {
    let assembly = app.synth()?;
    if patterns.is_empty() {
        return Ok(assembly.stacks_in_dependency_order().iter().map(|s| s.stack_name.clone()).collect());
    }
    let mut names: Vec<String> = Vec::new();
    for p in patterns {
        let by_name: Vec<String> =
            assembly.stacks.iter().filter(|s| &s.stack_name == p).map(|s| s.stack_name.clone()).collect();
        let found = if !by_name.is_empty() {
            by_name
        } else if p.contains('*') || assembly.stacks.iter().any(|s| &s.id == p) {
            select_stacks(&assembly, std::slice::from_ref(p))?.iter().map(|s| s.stack_name.clone()).collect()
        } else {
            vec![p.clone()]
        };
        for n in found {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    Ok(names)
}

/// Runs the trial and prints its report; `Ok(report)` also when events did not start anything.
pub(crate) fn send_events(
    app: &framework::App,
    args: &SendEventsArgs,
    out: &mut dyn Write,
) -> Result<TrialReport, SendEventsError> {
    let files =
        args.files.iter().map(|f| read_event_file(f)).collect::<Result<Vec<_>, _>>().map_err(TrialError::from)?;
    let options = TrialOptions { stacks: stack_names(app, &args.stacks)?, timeout: Duration::from_secs(args.timeout) };
    let rt = runtime()?;
    let config = rt.block_on(framework::deploy::load(&args.connection.connection())).map_err(TrialError::from)?;
    let simulated = if args.check_simulation {
        let account = rt.block_on(config.caller_account()).map_err(TrialError::from)?;
        Some(simulate(app, &args.files, account, config.region.clone())?)
    } else {
        None
    };
    let report = rt.block_on(run_trial(&config, &files, &options, &mut |line| eprintln!("{line}")))?;
    // With --json, stdout holds only the JSON; the summary line goes to stderr with the progress.
    let text = if args.json {
        eprintln!("{}", report.summary());
        format!("{}\n", report.to_json())
    } else {
        report.render()
    };
    out.write_all(text.as_bytes())
        .map_err(|source| CliError::Io { context: "cannot write to stdout".into(), source })?;
    if let Some(simulated) = simulated {
        let differences = differences(&simulated, &report.rows);
        let mut lines = vec![if differences.is_empty() {
            "simulation check: the simulation agrees with the deployed system on every event".to_string()
        } else {
            format!(
                "simulation check: {} difference(s) between the simulation and the deployed system",
                differences.len()
            )
        }];
        lines.extend(differences.iter().map(|d| format!("  {d}")));
        let text = format!("{}\n", lines.join("\n"));
        // with --json, stdout holds only the report's JSON
        let written =
            if args.json { std::io::stderr().write_all(text.as_bytes()) } else { out.write_all(text.as_bytes()) };
        written.map_err(|source| CliError::Io { context: "cannot write the simulation check".into(), source })?;
        if !differences.is_empty() {
            return Ok(TrialReport { simulation_differs: true, ..report });
        }
    }
    Ok(report)
}

/// The rows the simulation of the app's stacks gives for the event files, in `account` and `region`.
fn simulate(
    app: &framework::App,
    files: &[PathBuf],
    account: String,
    region: String,
) -> Result<Vec<Row>, crate::simulation::SimulationError> {
    let options = crate::stepfunctions::interpreter::Options::default().environment(account, region);
    let mut simulation = crate::simulation::Simulation::from_app(app, options)?;
    let mut rows = Vec::new();
    for file in files {
        rows.extend(simulation.put_event_file(file)?.iter().flat_map(|o| o.rows()));
    }
    Ok(rows)
}

/// What an entry did, comparably: each execution's status, path and error, sorted.
fn outcomes<'a>(rows: &'a [Row], file: &str, entry: usize) -> Vec<(&'a str, &'a [String], Option<&'a str>)> {
    let mut out: Vec<_> = rows
        .iter()
        .filter(|r| r.file == file && r.entry == entry)
        .map(|r| (r.status.as_str(), r.path.as_slice(), r.error.as_deref()))
        .collect();
    out.sort();
    out
}

/// Every entry whose simulated outcome differs from the deployed system's, in words.
pub(crate) fn differences(simulated: &[Row], real: &[Row]) -> Vec<String> {
    let mut entries: Vec<(&str, usize)> = simulated.iter().chain(real).map(|r| (r.file.as_str(), r.entry)).collect();
    entries.sort();
    entries.dedup();
    let show = |o: &[(&str, &[String], Option<&str>)]| -> String {
        let parts: Vec<String> = o
            .iter()
            .map(|(status, path, error)| {
                let error = error.map(|e| format!(" (error {e})")).unwrap_or_default();
                format!("{status} via {}{error}", if path.is_empty() { "(no state)".into() } else { path.join(" -> ") })
            })
            .collect();
        parts.join("; ")
    };
    entries
        .into_iter()
        .filter_map(|(file, entry)| {
            let (s, r) = (outcomes(simulated, file, entry), outcomes(real, file, entry));
            (s != r).then(|| format!("{file} entry {entry}: simulated {}, deployed {}", show(&s), show(&r)))
        })
        .collect()
}

/// The async runtime the trial runs on: one thread, as the core's deploy commands use.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| CliError::Io { context: "cannot start the async runtime".into(), source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use framework::{App, CfnResource, StackProps};

    fn app() -> App {
        let mut app = App::new();
        let demo =
            app.add_stack_with("Demo", StackProps { stack_name: Some("demo-prod".into()), ..StackProps::default() });
        CfnResource::new("AWS::SNS::Topic").add(demo, "Topic");
        CfnResource::new("AWS::SNS::Topic").add(app.add_stack("Other"), "Topic");
        app
    }

    fn names(patterns: &[&str]) -> Result<Vec<String>, CliError> {
        stack_names(&app(), &patterns.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn stacks_resolve_to_cloudformation_names() {
        assert_eq!(names(&[]).unwrap(), ["demo-prod", "Other"]);
        assert_eq!(names(&["Demo"]).unwrap(), ["demo-prod"], "construct id");
        assert_eq!(names(&["demo-prod", "Demo"]).unwrap(), ["demo-prod"], "stack name, once");
        assert_eq!(names(&["Oth*"]).unwrap(), ["Other"]);
        assert_eq!(names(&["deployed-elsewhere"]).unwrap(), ["deployed-elsewhere"], "any deployed stack");
        let err = names(&["Nope*"]).unwrap_err().to_string();
        assert!(err.contains("no stack matches \"Nope*\""), "{err}");
    }

    /// The app binary's composition: the core's commands, then the library's.
    #[derive(Debug, clap::Subcommand)]
    enum Composed {
        #[command(flatten)]
        Core(framework::cli::Command),
        #[command(flatten)]
        Library(crate::cli::Command),
    }

    impl framework::cli::Commands for Composed {
        fn run(&self, _: &App) -> std::process::ExitCode {
            unreachable!("parsed only")
        }
    }

    type Cli = framework::cli::CommandLine<Composed>;

    #[test]
    fn flags_parse() {
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "app",
            "send-events",
            "a.json",
            "b.json",
            "--stack",
            "S1",
            "--stack",
            "S2",
            "--timeout",
            "5",
            "--json",
            "--local",
        ])
        .unwrap();
        let Composed::Library(crate::cli::Command::SendEvents(a)) = cli.command else { panic!("not send-events") };
        assert_eq!(a.files, [PathBuf::from("a.json"), PathBuf::from("b.json")]);
        assert_eq!(a.stacks, ["S1", "S2"]);
        assert_eq!((a.timeout, a.json, a.connection.local), (5, true, true));
        let d = Cli::try_parse_from(["app", "send-events", "a.json"]).unwrap();
        let Composed::Library(crate::cli::Command::SendEvents(d)) = d.command else { panic!("not send-events") };
        assert_eq!((d.timeout, d.json), (60, false));
        assert!(Cli::try_parse_from(["app", "send-events"]).is_err(), "a file is required");
        assert!(matches!(Cli::try_parse_from(["app", "ls"]).unwrap().command, Composed::Core(_)), "next to the core's");
    }

    fn row(file: &str, status: &str, path: &[&str], error: Option<&str>) -> Row {
        Row {
            file: file.into(),
            entry: 1,
            path: path.iter().map(|s| s.to_string()).collect(),
            status: status.into(),
            error: error.map(str::to_string),
            execution_arn: Some(format!("arn:{file}")),
            ..Row::default()
        }
    }

    #[test]
    fn the_simulation_check_compares_status_path_and_error_per_entry() {
        let simulated = [row("a.json", "SUCCEEDED", &["W", "A"], None), row("c.json", "FAILED", &["W", "Fail"], None)];
        let mut real = simulated.to_vec();
        real[0].execution_arn = Some("another arn, another duration".into());
        real[0].duration_ms = Some(120);
        assert!(differences(&simulated, &real).is_empty(), "ids, ARNs and durations are not outcomes");
        real[1] = row("c.json", "FAILED", &["W", "Fail"], Some("States.Runtime"));
        real.push(row("d.json", "NOT_STARTED", &[], None));
        assert_eq!(
            differences(&simulated, &real),
            [
                "c.json entry 1: simulated FAILED via W -> Fail, deployed FAILED via W -> Fail (error States.Runtime)",
                "d.json entry 1: simulated , deployed NOT_STARTED via (no state)",
            ]
        );
    }

    #[test]
    fn invalid_files_fail_before_connecting() {
        let dir = std::env::temp_dir().join(format!("constructs-cli-send-events-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.json");
        std::fs::write(&file, r#"[{"Source": "s", "DetailType": "t"}]"#).unwrap();
        let args = SendEventsArgs {
            check_simulation: false,
            files: vec![file.clone()],
            stacks: vec![],
            timeout: 1,
            json: false,
            // Nothing listens on port 9: reaching the network would fail differently.
            connection: ConnectionArgs {
                endpoint_url: Some("http://127.0.0.1:9".into()),
                local: true,
                ..ConnectionArgs::default()
            },
        };
        let err = send_events(&app(), &args, &mut Vec::new()).unwrap_err().to_string();
        assert_eq!(err, format!("{}: entry 1: Detail is missing", file.display()));
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! The flagship app: events on EventBridge start a Step Functions state machine that routes on
//! `$.detail.Path` ("A" -> PathA, "B" -> PathB, anything else -> Fail), logging to CloudWatch
//! Logs.
//!
//! ```
//! let app = app::flagship_app();
//! let assembly = app.synth().expect("the flagship app is valid");
//! assert_eq!(assembly.stacks[0].id, app::STACK_ID);
//! ```

pub mod pattern;

use framework::{App, StackProps};

pub use pattern::RoutedStateMachine;

/// The flagship stack's construct id (and stack name).
pub const STACK_ID: &str = "EventSfnDemo";

/// Resources in one copy of the pattern.
pub const RESOURCES_PER_PATTERN: usize = 7;

/// The most resources a benchmark stack holds (CloudFormation allows 500).
pub const MAX_RESOURCES_PER_STACK: usize = 450;

/// Environment variable naming the CloudFormation stack (default [`STACK_ID`]), so that several
/// copies of the flagship can be deployed side by side (tests, personal stacks).
pub const STACK_NAME_ENV: &str = "EVENT_SFN_DEMO_STACK_NAME";

/// Variations of the flagship app.
#[derive(Debug, Clone)]
pub struct FlagshipOptions {
    /// CloudFormation stack name (the construct id, and so the logical IDs, stay the same).
    pub stack_name: Option<String>,
    /// The state machine definition.
    pub definition: constructs::stepfunctions::asl::Definition,
}

impl Default for FlagshipOptions {
    fn default() -> Self {
        FlagshipOptions { stack_name: None, definition: pattern::definition() }
    }
}

impl FlagshipOptions {
    /// The defaults, with the stack name from [`STACK_NAME_ENV`] when it is set.
    pub fn from_env() -> FlagshipOptions {
        let stack_name = std::env::var(STACK_NAME_ENV).ok().filter(|s| !s.is_empty());
        FlagshipOptions { stack_name, ..FlagshipOptions::default() }
    }
}

/// The flagship app: one stack with the pattern at its root.
pub fn flagship_app() -> App {
    flagship_app_with(FlagshipOptions::default())
}

/// The flagship app, varied.
pub fn flagship_app_with(options: FlagshipOptions) -> App {
    let mut app = App::new();
    let stack = app.add_stack_with(
        STACK_ID,
        StackProps {
            stack_name: options.stack_name,
            description: Some(
                "EventBridge rule starting a Step Functions state machine that routes on $.detail.Path".into(),
            ),
            ..Default::default()
        },
    );
    RoutedStateMachine::build_with(stack, "", options.definition);
    app
}

/// `copies` copies of the pattern, spread over stacks of at most
/// [`MAX_RESOURCES_PER_STACK`] resources (for benchmarks and scale tests).
pub fn copies_app(copies: usize) -> App {
    copies_app_named(copies, None)
}

/// [`copies_app`] with the CloudFormation stack names `<prefix>01`, `<prefix>02`... (the
/// construct ids stay `Copies01`...), so that several can be deployed side by side.
pub fn copies_app_named(copies: usize, stack_prefix: Option<&str>) -> App {
    let per_stack = MAX_RESOURCES_PER_STACK / RESOURCES_PER_PATTERN;
    let mut app = App::new();
    let stacks = copies.div_ceil(per_stack);
    for s in 0..stacks {
        let props =
            StackProps { stack_name: stack_prefix.map(|p| format!("{p}{:02}", s + 1)), ..StackProps::default() };
        let stack = app.add_stack_with(&format!("Copies{:02}", s + 1), props);
        let first = s * per_stack;
        for i in first..copies.min(first + per_stack) {
            let id = format!("Pattern{i:04}");
            let group = stack.construct(&id);
            RoutedStateMachine::build(stack.at(group), &id);
        }
    }
    app
}

/// What the `app` binary says it is (`--help`).
pub const ABOUT: &str =
    "Event-driven Step Functions demo: an EventBridge rule starts a state machine that routes on $.detail.Path";

/// The app binary's subcommands: the core's (`synth`, `ls`, and with the `deploy` feature
/// `deploy`, `destroy`, `diff`), then the construct library's (`simulate`, and `send-events` with
/// `deploy`).
#[derive(Debug, clap::Subcommand)]
pub enum AppCommand {
    // The variants are flattened: their commands show as the app's own, in this order.
    /// The core's commands.
    #[command(flatten)]
    Core(framework::cli::Command),
    /// The construct library's commands.
    #[command(flatten)]
    Library(constructs::cli::Command),
}

impl framework::cli::Commands for AppCommand {
    fn run(&self, app: &App) -> std::process::ExitCode {
        match self {
            // The core's commands with what the construct library knows of its services.
            AppCommand::Core(command) => command.run_with(app, &constructs::cli::services()),
            AppCommand::Library(command) => framework::cli::Commands::run(command, app),
        }
    }
}

/// The app's command line ([`AppCommand`]: `synth`, `ls`, `deploy`, `destroy`, `diff`,
/// `simulate`, `send-events`), on the flagship app built with [`FlagshipOptions::from_env`]. The `app`
/// binary is exactly this.
pub fn run_cli() -> std::process::ExitCode {
    framework::cli::run_with::<AppCommand>("app", ABOUT, || flagship_app_with(FlagshipOptions::from_env()))
}

#[cfg(test)]
mod tests {
    use constructs::stepfunctions::interpreter::{EventType, Handlers, Machine, Options, Status};
    use serde_json::json;

    /// The state machine of the flagship, as synthesized, run in the interpreter on the event the
    /// rule delivers for each sample path: no emulator.
    #[test]
    fn the_state_machine_takes_path_a_path_b_and_fails_otherwise() {
        let options = Options::default();
        let (name, machine) = Machine::from_app(&super::flagship_app(), "EventSfnDemo/StateMachine", &options).unwrap();
        assert_eq!(name, format!("{}-StateMachine2E01A3A5", super::STACK_ID));
        for (path, status, last) in
            [("A", Status::Succeeded, "PathA"), ("B", Status::Succeeded, "PathB"), ("C", Status::Failed, "Fail")]
        {
            let event = json!({"source": "demo.sfn", "detail-type": "message", "detail": {"Path": path}});
            let run = machine.run(event.clone(), &mut Handlers::new(), &options).unwrap();
            assert_eq!(run.status, status, "path {path}");
            assert_eq!(run.states, ["WhichPath?", last], "path {path}");
            if status.is_success() {
                assert_eq!(run.output, Some(event), "a Pass state passes its input on");
            } else {
                assert_eq!((&run.error, &run.cause), (&None, &None), "the flagship's Fail state names no error");
                assert_eq!(run.event_types().last(), Some(&EventType::ExecutionFailed));
            }
        }
    }
    /// The seed's own test, with no emulator: the three sample events, through the flagship's
    /// rule (its pattern, its role's permissions, its target) into its state machine.
    #[test]
    fn the_three_sample_events_take_path_a_path_b_and_fail() {
        use constructs::simulation::Simulation;
        let mut sim = Simulation::from_app(&super::flagship_app(), Options::default()).unwrap();
        let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
        for (file, status, last) in [
            ("path-a.json", Status::Succeeded, "PathA"),
            ("path-b.json", Status::Succeeded, "PathB"),
            ("path-c.json", Status::Failed, "Fail"),
        ] {
            let outcomes = sim.put_event_file(&events.join(file)).unwrap();
            assert_eq!(outcomes.len(), 1, "{file}");
            let outcome = &outcomes[0];
            outcome.assert_matched(["Rule4C995B7F"]).assert_execution(status, ["WhichPath?", last]);
            assert!(
                outcome.invocations[0].notes.is_empty(),
                "every permission is checked: {:?}",
                outcome.invocations[0].notes
            );
            let input: serde_json::Value =
                serde_json::from_str(outcome.invocations[0].input.as_deref().unwrap()).unwrap();
            assert_eq!(input["source"], "demo.sfn", "the rule passes the whole event");
        }
        // an event from another source matches no rule, and the report says why
        let other = sim
            .put_events(&[json!({"Source": "other", "DetailType": "message", "Detail": "{\"Path\":\"A\"}"})])
            .unwrap();
        other[0].assert_nothing_ran("rule Rule4C995B7F");
    }
}

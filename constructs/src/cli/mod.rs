//! The construct library's subcommands (feature `cli`), for app binaries to put next to the
//! core's ([`framework::cli::Command`]): `simulate` (a state machine run locally, no AWS SDK),
//! `test-event-pattern`, with the `deploy` feature `bootstrap` (the toolkit's staging stack) and,
//! with the `trial` feature, `send-events`; one module each.
//!
//! The core knows no AWS service, so it cannot offer a command about events or executions; this
//! enum implements [`framework::cli::Commands`] and an app binary flattens it into its own
//! subcommand enum after the core's:
//!
//! ```no_run
//! use framework::cli::Commands;
//!
//! #[derive(clap::Subcommand)]
//! enum AppCommand {
//!     #[command(flatten)]
//!     Core(framework::cli::Command),
//!     #[command(flatten)]
//!     Library(constructs::cli::Command),
//! }
//!
//! impl Commands for AppCommand {
//!     fn run(&self, app: &framework::App) -> std::process::ExitCode {
//!         match self {
//!             AppCommand::Core(command) => command.run_with(app, &constructs::cli::services()),
//!             AppCommand::Library(command) => command.run(app),
//!         }
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     framework::cli::run_with::<AppCommand>("demo", "My infrastructure", framework::App::new)
//! }
//! ```

#[cfg(feature = "deploy")]
mod bootstrap;
#[cfg(feature = "trial")]
mod send_events;
mod simulate;
mod test_event_pattern;

use std::process::ExitCode;

#[cfg(feature = "deploy")]
pub use bootstrap::BootstrapArgs;
#[cfg(feature = "trial")]
pub use send_events::{SendEventsArgs, SendEventsError};
pub use simulate::SimulateArgs;
pub use test_event_pattern::{test_event_pattern, TestEventPatternArgs, REQUIRED_EVENT_FIELDS};

/// What the construct library lends the core's commands: with the `deploy` feature, its
/// hotswap ([`crate::hotswap`]) for `deploy --hotswap`. An app binary runs the core's commands
/// with these: `command.run_with(app, &constructs::cli::services())`.
pub fn services() -> framework::cli::Services {
    #[allow(unused_mut)] // without `deploy`, there is nothing to lend
    let mut services = framework::cli::Services::default();
    #[cfg(feature = "deploy")]
    {
        services.hotswap = Some(crate::hotswap::hotswap());
    }
    services
}

/// The construct library's subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create or update the toolkit's staging stack (an S3 bucket for templates over the
    /// inline limit and, later, file assets) in the target account and region; a no-op when it
    /// is up to date.
    #[cfg(feature = "deploy")]
    Bootstrap(BootstrapArgs),
    /// Send event files to EventBridge and show the path and final status of each execution
    /// they start in the deployed stacks' state machines; exit 0 when every event started an
    /// execution that ended (FAILED included), 1 otherwise.
    #[cfg(feature = "trial")]
    SendEvents(SendEventsArgs),
    /// Run a state machine locally, in virtual time, with AWS's semantics: from a definition file
    /// or the app; print the path through the states and the final status, output or error and
    /// cause; exit 0 when it SUCCEEDED, 1 when it ended otherwise, 2 when the input is invalid.
    Simulate(SimulateArgs),
    /// Test an event pattern against an event locally, as `aws events test-event-pattern` does:
    /// prints {"Result": true} or {"Result": false}; exit 2 when the pattern or the event is
    /// invalid.
    TestEventPattern(TestEventPatternArgs),
}

impl framework::cli::Commands for Command {
    fn run(&self, app: &framework::App) -> ExitCode {
        match self {
            #[cfg(feature = "deploy")]
            Command::Bootstrap(args) => bootstrap::run(args),
            Command::Simulate(args) => simulate::run(app, args, &mut std::io::stdout().lock()),
            Command::TestEventPattern(args) => test_event_pattern::run(args, &mut std::io::stdout().lock()),
            #[cfg(feature = "trial")]
            Command::SendEvents(args) => match send_events::send_events(app, args, &mut std::io::stdout().lock()) {
                Ok(report) if !report.ok() => ExitCode::FAILURE,
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => framework::cli::exit_code(Err(e)),
            },
        }
    }
}

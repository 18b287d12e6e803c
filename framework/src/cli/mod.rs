//! Command-line plumbing for app binaries: `synth` and `ls` (with `diff`/`deploy`/`destroy`/
//! `send-events` on top).
//!
//! An app binary builds its [`App`](crate::App) and hands it to [`run`]; apps with commands of
//! their own flatten [`Command`] into their own clap enum and call [`Command::run`].
//!
//! ```no_run
//! use clap::Parser;
//!
//! /// An app with a command of its own next to the standard ones.
//! #[derive(Parser)]
//! enum AppCli {
//!     #[command(flatten)]
//!     Standard(framework::cli::Command),
//!     /// Print the number of stacks.
//!     Count,
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     let app = framework::App::new();
//!     match AppCli::parse() {
//!         AppCli::Standard(command) => command.run(&app),
//!         AppCli::Count => {
//!             println!("{}", app.stacks().len());
//!             std::process::ExitCode::SUCCESS
//!         }
//!     }
//! }
//! ```

#[cfg(feature = "deploy")]
mod deploy;
#[cfg(feature = "deploy")]
mod diff;
#[cfg(feature = "deploy")]
mod send_events;
mod synth;
mod yaml;

use std::process::ExitCode;

#[cfg(feature = "deploy")]
pub use deploy::{ConnectionArgs, DeployArgs, DestroyArgs};
#[cfg(feature = "deploy")]
pub use diff::DiffArgs;
#[cfg(feature = "deploy")]
pub use send_events::SendEventsArgs;
pub use synth::{LsArgs, SynthArgs};
pub use yaml::to_yaml;

/// The toolkit's standard subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Synthesize the app into a cloud assembly (cdk.out) and print the template.
    Synth(SynthArgs),
    /// List the app's stacks.
    Ls(LsArgs),
    /// Deploy stacks through CloudFormation change sets (feature `deploy`).
    #[cfg(feature = "deploy")]
    Deploy(DeployArgs),
    /// Delete deployed stacks (feature `deploy`).
    #[cfg(feature = "deploy")]
    Destroy(DestroyArgs),
    /// Compare the app's templates with the deployed stacks (or --template FILE); exit 0, or 1
    /// with --fail when they differ (feature `deploy`).
    #[cfg(feature = "deploy")]
    Diff(DiffArgs),
    /// Send event files to EventBridge and show the path and final status of each execution
    /// they start in the deployed stacks' state machines; exit 0 when every event started an
    /// execution that ended (FAILED included), 1 otherwise (feature `deploy`).
    #[cfg(feature = "deploy")]
    SendEvents(SendEventsArgs),
}

impl Command {
    /// Runs the command against `app`; errors are printed to stderr.
    pub fn run(&self, app: &crate::App) -> ExitCode {
        let result = match self {
            Command::Synth(args) => synth::synth(app, args, &mut std::io::stdout().lock()),
            Command::Ls(args) => synth::ls(app, args, &mut std::io::stdout().lock()),
            #[cfg(feature = "deploy")]
            Command::Deploy(args) => deploy::deploy(app, args, &mut crate::deploy::Ui::terminal(args.progress)),
            #[cfg(feature = "deploy")]
            Command::Destroy(args) => deploy::destroy(app, args, &mut crate::deploy::Ui::terminal(args.progress)),
            #[cfg(feature = "deploy")]
            Command::Diff(args) => match diff::diff(app, args, &mut std::io::stdout().lock()) {
                Ok(diff::Differences(true)) if args.fail => return ExitCode::FAILURE,
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            },
            #[cfg(feature = "deploy")]
            Command::SendEvents(args) => match send_events::send_events(app, args, &mut std::io::stdout().lock()) {
                Ok(report) if !report.ok() => return ExitCode::FAILURE,
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Errors of the CLI commands.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The app did not validate.
    #[error("synth failed: {0}")]
    Synth(#[from] crate::SynthError),
    /// Writing the assembly or printing failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// Deploying or destroying failed.
    #[cfg(feature = "deploy")]
    #[error("{0}")]
    Deploy(#[from] crate::deploy::DeployError),
    /// Sending events or following their executions failed.
    #[cfg(feature = "deploy")]
    #[error("{0}")]
    Trial(#[from] crate::trial::TrialError),
    /// Options that do not go together.
    #[error("{0}")]
    Usage(String),
    /// A stack name given on the command line is not in the app.
    #[error("no stack matches {pattern:?}; the app has: {available}")]
    UnknownStack { pattern: String, available: String },
}

/// The toolkit's command line: one of the standard subcommands.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Parses the process's command line (as program `name`, described by `about`) and runs the
/// command on the app built by `build` (built after parsing, so `--help` costs nothing).
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     framework::cli::run("demo", "My infrastructure", framework::App::new)
/// }
/// ```
pub fn run(name: &'static str, about: &'static str, build: impl FnOnce() -> crate::App) -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().name(name).bin_name(name).about(about).get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli.command.run(&build()),
        Err(e) => e.exit(),
    }
}

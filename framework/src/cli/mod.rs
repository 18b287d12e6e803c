//! Command-line plumbing for app binaries: the core commands `synth` and `ls` (with `deploy`,
//! `destroy` and `diff` on top), and the way libraries add theirs.
//!
//! An app binary builds its [`App`](crate::App) and hands it to [`run`]. The core knows no AWS
//! service, so a command about a service comes from the library that knows the service: a
//! library offers a clap subcommand enum implementing [`Commands`], and the app binary composes
//! it with the core's [`Command`] in an enum of its own, flattening both, and runs it with
//! [`run_with`]. Commands of the app itself go in the same enum.
//!
//! ```no_run
//! use framework::cli::Commands;
//!
//! /// An app's commands: the core's, then one of its own.
//! #[derive(clap::Subcommand)]
//! enum AppCommand {
//!     #[command(flatten)]
//!     Core(framework::cli::Command),
//!     /// Print the number of stacks.
//!     Count,
//! }
//!
//! impl Commands for AppCommand {
//!     fn run(&self, app: &framework::App) -> std::process::ExitCode {
//!         match self {
//!             AppCommand::Core(command) => command.run(app),
//!             AppCommand::Count => {
//!                 println!("{}", app.stacks().len());
//!                 std::process::ExitCode::SUCCESS
//!             }
//!         }
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     framework::cli::run_with::<AppCommand>("demo", "My infrastructure", framework::App::new)
//! }
//! ```

#[cfg(feature = "deploy")]
mod deploy;
#[cfg(feature = "deploy")]
mod diff;
mod synth;
mod yaml;

use std::process::ExitCode;

#[cfg(feature = "deploy")]
pub use deploy::{ConnectionArgs, DeployArgs, DeployRunArgs, DestroyArgs};
#[cfg(feature = "deploy")]
pub use diff::DiffArgs;
pub use synth::{select_stacks, LsArgs, SynthArgs};
pub use yaml::to_yaml;

/// The core's subcommands (`deploy`, `destroy` and `diff` with the `deploy` feature).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Synthesize the app into a cloud assembly (cdk.out) and print the template.
    Synth(SynthArgs),
    /// List the app's stacks.
    Ls(LsArgs),
    /// Deploy stacks through CloudFormation change sets.
    #[cfg(feature = "deploy")]
    Deploy(DeployArgs),
    /// Delete deployed stacks.
    #[cfg(feature = "deploy")]
    Destroy(DestroyArgs),
    /// Compare the app's templates with the deployed stacks (or --template FILE); exit 0, or 1
    /// with --fail when they differ.
    #[cfg(feature = "deploy")]
    Diff(DiffArgs),
}

/// What libraries lend the core's commands at run time, about the services they know (the core
/// knows none): with the `deploy` feature, the hotswap of `deploy --hotswap`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Services {
    /// Updates resources in place for `deploy --hotswap` (none: the flag is refused).
    #[cfg(feature = "deploy")]
    pub hotswap: Option<crate::deploy::HotswapWith>,
}

impl Command {
    /// Runs the command against `app`, with no library's services; errors are printed to
    /// stderr.
    pub fn run(&self, app: &crate::App) -> ExitCode {
        self.run_with(app, &Services::default())
    }

    /// Runs the command against `app` with the `services` of the app's libraries.
    pub fn run_with(&self, app: &crate::App, services: &Services) -> ExitCode {
        #[cfg(not(feature = "deploy"))]
        let _ = services;
        let result = match self {
            Command::Synth(args) => synth::synth(app, args, &mut std::io::stdout().lock()),
            Command::Ls(args) => synth::ls(app, args, &mut std::io::stdout().lock()),
            #[cfg(feature = "deploy")]
            Command::Deploy(args) => {
                deploy::deploy(app, args, services, &mut crate::deploy::Ui::terminal(args.run.progress))
            }
            #[cfg(feature = "deploy")]
            Command::Destroy(args) => deploy::destroy(app, args, &mut crate::deploy::Ui::terminal(args.progress)),
            #[cfg(feature = "deploy")]
            Command::Diff(args) => match diff::diff(app, args, &mut std::io::stdout().lock()) {
                Ok(diff::Differences(true)) if args.fail => return ExitCode::FAILURE,
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            },
        };
        exit_code(result)
    }
}

impl Commands for Command {
    fn run(&self, app: &crate::App) -> ExitCode {
        Command::run(self, app)
    }
}

/// A set of subcommands an app binary offers: a clap subcommand enum whose chosen command runs
/// on the app. The core's [`Command`] is one; a library contributes its own, and an app binary
/// composes them (see the [module docs](self)).
pub trait Commands: clap::Subcommand {
    /// Runs the command against `app`; errors are printed to stderr.
    fn run(&self, app: &crate::App) -> ExitCode;
}

/// The exit status of a command's result: success, or the error printed to stderr
/// (`error: ...`) and failure, as every command of the toolkit reports them.
pub fn exit_code<E: std::fmt::Display>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Errors of the CLI commands.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The app did not validate.
    #[error("synth failed: {0}")]
    Synth(#[from] crate::SynthError),
    /// A cloud assembly given with `--assembly` could not be read.
    #[error("cannot read the cloud assembly: {0}")]
    Assembly(#[from] crate::AssemblyError),
    /// Writing the assembly or printing failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Deploying or destroying failed.
    #[cfg(feature = "deploy")]
    #[error("{0}")]
    Deploy(#[from] crate::deploy::DeployError),
    /// Options that do not go together.
    #[error("{0}")]
    Usage(String),
    /// A stack name given on the command line is not in the app.
    #[error("no stack matches {pattern:?}; the app has: {available}")]
    UnknownStack {
        /// The pattern as given.
        pattern: String,
        /// The app's stacks (construct ids), comma-separated.
        available: String,
    },
}

/// An app binary's command line: one of the subcommands `C`.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct CommandLine<C: Commands> {
    /// What to do.
    #[command(subcommand)]
    pub command: C,
}

/// The command line of the core's subcommands alone.
pub type Cli = CommandLine<Command>;

/// Parses the process's command line (as program `name`, described by `about`) and runs the
/// core command it names on the app built by `build` (built after parsing, so `--help` costs
/// nothing).
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     framework::cli::run("demo", "My infrastructure", framework::App::new)
/// }
/// ```
pub fn run(name: &'static str, about: &'static str, build: impl FnOnce() -> crate::App) -> ExitCode {
    run_with::<Command>(name, about, build)
}

/// [`run`] with the subcommands `C`: the core's composed with a library's (and the app's own),
/// see the [module docs](self).
pub fn run_with<C: Commands>(name: &'static str, about: &'static str, build: impl FnOnce() -> crate::App) -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = CommandLine::<C>::command().name(name).bin_name(name).about(about).get_matches();
    match CommandLine::<C>::from_arg_matches(&matches) {
        Ok(cli) => cli.command.run(&build()),
        Err(e) => e.exit(),
    }
}

//! The flagship app's command line: `synth`, `ls` (and the deploy-side commands).

use std::process::ExitCode;

use clap::Parser;

/// Event-driven Step Functions demo: EventBridge rule -> state machine routing on `$.detail.Path`.
#[derive(Parser)]
#[command(name = "app", version, about)]
struct Cli {
    #[command(subcommand)]
    command: framework::cli::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let app = app::flagship_app_with(app::FlagshipOptions::from_env());
    cli.command.run(&app)
}

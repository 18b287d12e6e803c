//! The flagship app (`app::flagship_app`) with the toolkit's deploy-side commands, for the
//! end-to-end tests of `send-events` (tests/send_events_localstack.rs). `FLAGSHIP_STACK` sets the
//! CloudFormation stack name, so that each test deploys its own copy.

use std::process::ExitCode;

fn main() -> ExitCode {
    let stack_name = std::env::var("FLAGSHIP_STACK").ok().filter(|s| !s.is_empty());
    framework::cli::run(|| app::flagship_app_named(stack_name.as_deref()))
}

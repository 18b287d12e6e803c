//! The `app` binary, built inside the test package so that the end-to-end tests of
//! `send-events` (tests/integration/send_events_localstack.rs) can run it: `EVENT_SFN_DEMO_STACK_NAME` sets
//! the CloudFormation stack name, so that each test deploys its own copy. Its commands are the
//! app's composition ([`app::AppCommand`]): the core's, then the construct library's
//! `send-events`.

fn main() -> std::process::ExitCode {
    app::run_cli()
}

//! The integration tests, one binary (so the toolkit and the AWS SDK are linked once, not once per
//! file). Each module is one subject; the end-to-end ones start LocalStack through
//! `suite::localstack` and give every test its own stack name, so all of them run in parallel.

mod asl_corpus;
mod bootstrap_localstack;
mod cdk_assets_localstack;
mod deploy_cli;
mod deploy_faults_localstack;
mod deploy_localstack;
mod event_pattern_corpus;
mod flagship;
mod flagship_lifecycle;
mod golden;
mod scale_localstack;
mod send_events_localstack;
mod simulate_cli;
mod validation;

//! Deploying and destroying stacks through the CloudFormation API (feature `deploy`).
//!
//! [`deploy`] takes synthesized stacks in dependency order and, for each, in its own account and
//! region ([`environment`]): skips it when its template, parameters and tags equal the deployed
//! ones (unless forced); otherwise stages a template over the inline limit in the toolkit stack's
//! bucket ([`staging`]), creates a change set (CREATE or UPDATE, IAM capabilities
//! included, idempotent), waits for it, prints its changes and what they destroy, asks for
//! approval as configured ([`approval`]), executes it and streams the stack events until the
//! stack settles, then prints (and optionally writes) its outputs. A run stopped by Ctrl-C or
//! a timeout leaves nothing half-done on the client's side ([`checkpoint`]). A stack left in
//! `ROLLBACK_COMPLETE` by a failed creation is deleted and created again; a busy stack is
//! reported and left alone; a failure reports the first failed resource with its construct path.
//! [`destroy()`] deletes stacks (dependents first) after confirmation and reports the resources
//! their `DeletionPolicy` kept.
//!
//! ```no_run
//! use framework::deploy::{deploy, load, Connection, DeployOptions, ProgressMode, RequireApproval, Targets, Ui};
//!
//! # async fn run(assembly: framework::CloudAssembly) -> Result<(), framework::deploy::DeployError> {
//! let config = load(&Connection { local: true, ..Connection::default() }).await?;
//! let stacks = assembly.stacks_in_dependency_order();
//! // Each stack's region and account; a stack pinned to another account is refused here.
//! let targets = Targets::resolve(&config, &stacks).await?;
//! let options = DeployOptions { require_approval: RequireApproval::Never, ..DeployOptions::default() };
//! let results = deploy(&targets, &stacks, &options, &mut Ui::terminal(ProgressMode::Events)).await?;
//! for r in results {
//!     println!("{}: {:?} in {:?}", r.stack_name, r.change, r.elapsed);
//! }
//! # Ok(()) }
//! ```

pub(crate) mod approval;
pub(crate) mod assets;
pub(crate) mod change_set;
pub(crate) mod checkpoint;
pub(crate) mod client;
pub(crate) mod deployment;
pub(crate) mod destroy;
pub(crate) mod environment;
pub(crate) mod error;
pub(crate) mod events;
#[cfg(test)]
pub(crate) mod fake_api;
pub(crate) mod hotswap;
pub(crate) mod noop;
pub(crate) mod outputs;
pub(crate) mod parameters;
pub mod retry;
pub(crate) mod root_cause;
pub(crate) mod schedule;
pub(crate) mod stack;
pub(crate) mod stack_event;
pub(crate) mod staging;
pub(crate) mod status;
pub(crate) mod summary;
pub(crate) mod ui;
pub(crate) mod zip;

pub use approval::{AffectedResource, DataLoss, Decision, Destruction, RequireApproval};
pub use change_set::{ChangeSet, ResourceChange, TemplateSource, TEMPLATE_BODY_LIMIT, TEMPLATE_URL_LIMIT};
pub use checkpoint::{Checkpoint, Stop};
pub use client::{
    connect, is_local_endpoint, load, AwsConfig, CfnClient, Connection, LOCAL_DEFAULT_REGION, LOCAL_ENDPOINT,
};
pub use deployment::{deploy, deploy_stack, preflight, DeployOptions, StackChange, StackResult};
pub use destroy::{destroy, DestroyOptions, DestroyResult, RetainedResource};
pub use environment::{Target, Targets};
pub use error::{sdk_error_message, DeployError};
pub use events::{Finished, PollSchedule, FOLLOW_PATIENCE};
pub use hotswap::{plan as hotswap_plan, Candidate, Hotswap, HotswapWith, Update};
pub use parameters::ParameterAssignment;
pub use root_cause::RootCause;
pub use stack::{current_template, deployed_template, describe, is_missing_stack, DeployedStack, StackOutput};
pub use stack_event::StackEvent;
pub use staging::{
    find_staging, template_key, Staged, Stager, StagingBucket, BOOTSTRAP_VERSION_OUTPUT, BUCKET_DOMAIN_NAME_OUTPUT,
    BUCKET_NAME_OUTPUT, DEFAULT_TOOLKIT_STACK_NAME,
};
pub use status::{Operation, Outcome, StackCondition, StackStatus};
pub use ui::{ProgressMode, Prompt, ScriptedPrompt, TerminalPrompt, Ui};

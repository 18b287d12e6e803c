//! Deploying and destroying stacks through the CloudFormation API (feature `deploy`).
//!
//! [`deploy`] takes synthesized stacks in dependency order and, for each: skips it when its
//! template, parameters and tags equal the deployed ones (unless forced); otherwise creates a
//! change set (CREATE or UPDATE, IAM capabilities included), waits for it, prints its changes,
//! asks for approval as configured, executes it and streams the stack events until the stack
//! settles, then prints (and optionally writes) its outputs. A stack left in
//! `ROLLBACK_COMPLETE` by a failed creation is deleted and created again; a busy stack is
//! reported and left alone; a failure reports the first failed resource with its construct path.
//! [`destroy()`] deletes stacks (dependents first) after confirmation and reports the resources
//! their `DeletionPolicy` kept.
//!
//! ```no_run
//! use framework::deploy::{connect, deploy, Connection, DeployOptions, ProgressMode, RequireApproval, Ui};
//!
//! # async fn run(assembly: framework::CloudAssembly) -> Result<(), framework::deploy::DeployError> {
//! let cfn = connect(&Connection { local: true, ..Connection::default() }).await?;
//! let stacks = assembly.stacks_in_dependency_order();
//! let options = DeployOptions { require_approval: RequireApproval::Never, ..DeployOptions::default() };
//! let results = deploy(&cfn, &stacks, &options, &mut Ui::terminal(ProgressMode::Events)).await?;
//! for r in results {
//!     println!("{}: {:?} in {:?}", r.stack_name, r.change, r.elapsed);
//! }
//! # Ok(()) }
//! ```

pub mod approval;
pub mod change_set;
pub mod client;
pub mod destroy;
mod deployment;
pub(crate) mod error;
pub mod events;
pub mod noop;
pub mod outputs;
pub mod parameters;
pub mod retry;
pub mod root_cause;
pub mod stack;
pub mod status;
pub mod ui;

pub use approval::RequireApproval;
pub use client::{connect, load, AwsConfig, CfnClient, Connection};
pub use deployment::{deploy, deploy_stack, DeployOptions, StackChange, StackResult};
pub use destroy::{destroy, DestroyOptions, DestroyResult, RetainedResource};
pub use error::DeployError;
pub use parameters::ParameterAssignment;
pub use root_cause::RootCause;
pub use ui::{ProgressMode, Prompt, ScriptedPrompt, TerminalPrompt, Ui};

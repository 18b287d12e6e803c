//! `bootstrap`: creates or updates the toolkit's staging stack ([`crate::staging`]) in the
//! account and region deploy targets, through the same deploy as any stack (change sets,
//! approval, live progress, a no-op when nothing changed).

use std::path::PathBuf;
use std::process::ExitCode;

use framework::cli::{ConnectionArgs, DeployArgs, DeployRunArgs};

use crate::staging::{staging_app, StagingOptions, DEFAULT_TOOLKIT_STACK_NAME};

/// Options of `bootstrap`.
#[derive(Debug, Clone, clap::Args)]
pub struct BootstrapArgs {
    /// The staging stack's name (as the AWS CDK CLI names this option).
    #[arg(long, default_value = DEFAULT_TOOLKIT_STACK_NAME, value_name = "NAME")]
    pub toolkit_stack_name: String,
    /// Days after which a staged object expires (deploy stages it again when it needs it).
    #[arg(long, default_value_t = 365, value_name = "DAYS")]
    pub staged_object_days: u32,
    /// Days after which an object version that is no longer current is removed.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub noncurrent_days: u32,
    /// Approval, progress and time limit, as deploy's.
    #[command(flatten)]
    pub run: DeployRunArgs,
    /// Where to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

impl BootstrapArgs {
    /// The staging stack these options describe.
    pub fn staging(&self) -> StagingOptions {
        StagingOptions {
            stack_name: self.toolkit_stack_name.clone(),
            staged_object_days: self.staged_object_days,
            noncurrent_days: self.noncurrent_days,
        }
    }

    /// The deploy of the staging app, its assembly written to `output`.
    fn deploy_args(&self, output: PathBuf) -> DeployArgs {
        DeployArgs {
            stacks: Vec::new(),
            exclusively: false,
            run: self.run.clone(),
            force: false,
            hotswap: false,
            parameters: Vec::new(),
            outputs_file: None,
            output,
            assembly: None,
            toolkit_stack_name: self.toolkit_stack_name.clone(),
            concurrency: 1,
            connection: self.connection.clone(),
        }
    }
}

/// Deploys the staging stack; its cloud assembly goes to a directory of its own (the app's
/// `cdk.out` is left alone), removed afterwards.
pub(crate) fn run(args: &BootstrapArgs) -> ExitCode {
    let app = staging_app(&args.staging());
    let output = std::env::temp_dir().join(format!("toolkit-staging-{}.out", std::process::id()));
    let code = framework::cli::Command::Deploy(args.deploy_args(output.clone())).run(&app);
    let _ = std::fs::remove_dir_all(&output);
    code
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: BootstrapArgs,
    }

    #[test]
    fn flags_parse_with_cdk_names() {
        let cli = Cli::try_parse_from(["bootstrap", "--toolkit-stack-name", "CDKToolkit2", "--local"]).unwrap();
        let staging = cli.args.staging();
        assert_eq!(staging.stack_name, "CDKToolkit2");
        assert_eq!((staging.staged_object_days, staging.noncurrent_days), (365, 30));
        assert!(cli.args.connection.local);
        let d = cli.args.deploy_args(PathBuf::from("x"));
        assert!(d.stacks.is_empty() && !d.force && d.connection.local);
        let default = Cli::try_parse_from(["bootstrap"]).unwrap();
        assert_eq!(default.args.toolkit_stack_name, DEFAULT_TOOLKIT_STACK_NAME);
    }
}

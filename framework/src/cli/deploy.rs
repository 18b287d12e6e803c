//! `deploy` and `destroy` (feature `deploy`).
//!
//! Both resolve each stack's account and region first ([`Targets`]: nothing is changed when a
//! stack belongs to another account), run under a watcher that ends the run cleanly on Ctrl-C,
//! SIGTERM or `--timeout` (see [`crate::deploy::checkpoint`]), and report where things stand.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::synth::select_stacks;
use crate::cli::CliError;
use crate::deploy::environment::pinned;
use crate::deploy::{
    self, Checkpoint, Connection, DeployOptions, DestroyOptions, ParameterAssignment, ProgressMode, RequireApproval,
    Stop, Targets, Ui,
};
use crate::{CloudAssembly, StackArtifact};

/// Where to deploy: the standard AWS chain, overridden by these.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConnectionArgs {
    /// Use this named profile from the shared AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// The AWS region (else AWS_REGION / the profile's region).
    #[arg(long)]
    pub region: Option<String>,
    /// Send every AWS request (of every service) to this endpoint
    /// (else AWS_ENDPOINT_URL / the AWS ones).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Target the local emulator on http://127.0.0.1:4566 (its test credentials and us-east-1
    /// unless credentials or a region are configured).
    #[arg(long)]
    pub local: bool,
}

impl ConnectionArgs {
    /// The connection these flags describe.
    pub fn connection(&self) -> Connection {
        Connection {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            local: self.local,
            fallback_region: None,
        }
    }

    /// The connection for `stacks`: a stack's pinned region serves when nothing else gives one.
    pub fn connection_for(&self, stacks: &[&StackArtifact]) -> Connection {
        Connection {
            fallback_region: stacks.iter().find_map(|s| pinned(&s.environment).1.map(str::to_string)),
            ..self.connection()
        }
    }
}

/// Loads the configuration and sets up every stack's target (its region's client); the account
/// check runs with [`Targets::verify`] (deploy runs it alongside its first reads).
pub(crate) async fn targets(args: &ConnectionArgs, stacks: &[&StackArtifact]) -> Result<Targets, CliError> {
    let config = deploy::load(&args.connection_for(stacks)).await?;
    Ok(Targets::new(&config, stacks))
}

/// Options of `deploy`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// Stacks to deploy (construct ids; `*` wildcards allowed); all when none. Their
    /// dependencies are deployed first unless --exclusively.
    pub stacks: Vec<String>,
    /// Deploy only the named stacks, not their dependencies.
    #[arg(long, short = 'e')]
    pub exclusively: bool,
    /// Approval, progress and time limit.
    #[command(flatten)]
    pub run: DeployRunArgs,
    /// How many stacks to deploy at once: independent stacks run side by side, and a stack
    /// starts only once the stacks it depends on are done. After a failure no new stack starts;
    /// the running ones finish and every stack's outcome is reported.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,

    /// Deploy even when template, parameters and tags are unchanged.
    #[arg(long)]
    pub force: bool,
    /// Update what a service API can update in place (state machine definitions) through that
    /// API instead of CloudFormation, for speed in development; any other change deploys
    /// normally. A hotswapped stack drifts from its template until the next deploy without it.
    /// With --force, every hotswappable property is put back to the template's value.
    #[arg(long)]
    pub hotswap: bool,
    /// A stack parameter: STACK:KEY=VALUE, or KEY=VALUE for every stack declaring KEY. Repeatable.
    #[arg(long = "parameters", value_name = "STACK:KEY=VALUE")]
    pub parameters: Vec<ParameterAssignment>,
    /// Write the stacks' outputs to this JSON file ({"Stack": {"Key": "value"}}).
    #[arg(long, value_name = "FILE")]
    pub outputs_file: Option<PathBuf>,
    /// Where to write the cloud assembly (not with --assembly).
    #[arg(long, short, default_value = "cdk.out", conflicts_with = "assembly")]
    pub output: PathBuf,
    /// Use this cloud assembly (a `cdk.out` written by this toolkit or by the AWS CDK) instead
    /// of synthesizing the app.
    #[arg(long, value_name = "DIR")]
    pub assembly: Option<PathBuf>,

    /// The toolkit stack whose bucket stages templates over 51,200 bytes (made by `bootstrap`;
    /// CDKToolkit uses the AWS CDK's).
    #[arg(long, value_name = "NAME", default_value = crate::deploy::DEFAULT_TOOLKIT_STACK_NAME)]
    pub toolkit_stack_name: String,
    /// Where to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// How a deployment runs: when it asks, how it shows progress, how long it may take (`deploy`
/// and the commands that deploy stacks of their own, such as `bootstrap`).
#[derive(Debug, Clone, clap::Args)]
pub struct DeployRunArgs {
    /// When to ask before executing changes: never; permissions (IAM permissions widen);
    /// broadening (IAM permissions widen, or a resource is replaced or removed without a
    /// retaining policy); any-change. With no terminal to ask on, a deployment that needs
    /// approval is refused.
    #[arg(long, value_enum, default_value_t = RequireApproval::Broadening)]
    pub require_approval: RequireApproval,
    /// How to show stack events: a progress bar (on a terminal) or one line per event.
    #[arg(long, value_enum, default_value_t = ProgressMode::Bar)]
    pub progress: ProgressMode,
    /// Give up after this many seconds in all: a change set not executed yet is deleted; an
    /// operation already running goes on in CloudFormation (the message says where it stands).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
}

/// Options of `destroy`.
#[derive(Debug, Clone, clap::Args)]
pub struct DestroyArgs {
    /// Stacks to destroy (construct ids; `*` wildcards allowed); all when none. Stacks that
    /// depend on them are destroyed first unless --exclusively.
    pub stacks: Vec<String>,
    /// Destroy only the named stacks, not the stacks depending on them.
    #[arg(long, short = 'e')]
    pub exclusively: bool,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub force: bool,
    /// How many stacks to destroy at once: independent stacks run side by side, and a stack
    /// starts only once the stacks that depend on it are gone. After a failure no new stack
    /// starts; the running ones finish and every stack's outcome is reported.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,

    /// How to show stack events.
    #[arg(long, value_enum, default_value_t = ProgressMode::Bar)]
    pub progress: ProgressMode,
    /// Use this cloud assembly (a `cdk.out` written by this toolkit or by the AWS CDK) instead
    /// of synthesizing the app.
    #[arg(long, value_name = "DIR")]
    pub assembly: Option<PathBuf>,

    /// Give up after this many seconds in all (a deletion already running goes on in
    /// CloudFormation; the message says where it stands).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Where to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The selected stacks plus their dependencies (or dependents), in dependency order.
pub(crate) fn selection<'a>(
    assembly: &'a CloudAssembly,
    patterns: &[String],
    exclusively: bool,
    upstream: bool,
) -> Result<Vec<&'a StackArtifact>, CliError> {
    let selected = select_stacks(assembly, patterns)?;
    let mut ids: Vec<&str> = selected.iter().map(|s| s.id.as_str()).collect();
    if !exclusively {
        loop {
            let before = ids.len();
            for s in &assembly.stacks {
                let linked = if upstream {
                    // a dependency of a selected stack
                    assembly.stacks.iter().any(|t| ids.contains(&t.id.as_str()) && t.dependencies.contains(&s.id))
                } else {
                    // a dependent of a selected stack
                    s.dependencies.iter().any(|d| ids.contains(&d.as_str()))
                };
                if linked && !ids.contains(&s.id.as_str()) {
                    ids.push(&s.id);
                }
            }
            if ids.len() == before {
                break;
            }
        }
    }
    Ok(assembly.stacks_in_dependency_order().into_iter().filter(|s| ids.contains(&s.id.as_str())).collect())
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| CliError::Io { context: "cannot start the async runtime".into(), source })
}

/// Watches for SIGINT, SIGTERM and the end of `timeout` on a thread of its own (a question
/// waiting on the terminal blocks the run's thread), and then stops the run through
/// `checkpoint`: prints where things stand and exits (130 on a signal, 1 on a timeout). A second
/// signal while winding down exits at once.
pub(crate) fn watch(checkpoint: &Checkpoint, timeout: Option<Duration>) -> Result<(), CliError> {
    let checkpoint = checkpoint.clone();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), std::io::Error>>();
    let spawned = std::thread::Builder::new().name("interrupt-watch".into()).spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        rt.block_on(async move {
            let mut signals = match Signals::new() {
                Ok(s) => s,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            let why = match timeout {
                Some(t) => tokio::select! {
                    signal = signals.next() => Stop::Interrupted(signal),
                    _ = tokio::time::sleep(t) => Stop::TimedOut(t),
                },
                None => Stop::Interrupted(signals.next().await),
            };
            // Below any progress bar or half-written line.
            eprintln!();
            let message = tokio::select! {
                m = checkpoint.stop(why) => m,
                signal = signals.next() => format!("{signal} again: exiting at once, without cleaning up"),
            };
            eprintln!("error: {message}");
            std::process::exit(i32::from(why.exit_code()));
        });
    });
    spawned.map_err(|source| CliError::Io { context: "cannot start the signal watcher".into(), source })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(CliError::Io { context: "cannot watch for Ctrl-C".into(), source }),
        Err(_) => Err(CliError::Io {
            context: "cannot watch for Ctrl-C".into(),
            source: std::io::Error::other("watcher ended"),
        }),
    }
}

/// SIGINT and SIGTERM (Ctrl-C only, off Unix).
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// The cloud assembly a command works on: the one in `dir` (`--assembly`), else the app's,
/// synthesized (and written to `output` when given).
pub(crate) fn assembly(
    app: &crate::App,
    dir: Option<&std::path::Path>,
    output: Option<&std::path::Path>,
) -> Result<CloudAssembly, CliError> {
    if let Some(dir) = dir {
        return Ok(CloudAssembly::read(dir)?);
    }
    let assembly = app.synth()?;
    if let Some(output) = output {
        assembly.write(output).map_err(|source| CliError::Io {
            context: format!("cannot write the cloud assembly to {}", output.display()),
            source,
        })?;
    }
    Ok(assembly)
}

pub(crate) fn deploy(
    app: &crate::App,
    args: &DeployArgs,
    services: &crate::cli::Services,
    ui: &mut Ui,
) -> Result<(), CliError> {
    let hotswap = match (args.hotswap, &services.hotswap) {
        (false, _) => None,
        (true, Some(h)) => Some(h.clone()),
        (true, None) => {
            return Err(CliError::Usage(
                "--hotswap: this app binary's libraries offer no hotswap (run it through `Command::run_with` with \
                 their `Services`)"
                    .into(),
            ))
        }
    };
    let assembly = assembly(app, args.assembly.as_deref(), Some(&args.output))?;
    let stacks = selection(&assembly, &args.stacks, args.exclusively, true)?;
    let checkpoint = Checkpoint::new();
    watch(&checkpoint, args.run.timeout.map(Duration::from_secs))?;
    let options = DeployOptions {
        require_approval: args.run.require_approval,
        force: args.force,
        parameters: args.parameters.clone(),
        outputs_file: args.outputs_file.clone(),
        checkpoint,
        toolkit_stack_name: Some(args.toolkit_stack_name.clone()),
        concurrency: usize::from(args.concurrency),
        hotswap,
    };
    // Input errors are reported before anything goes over the network.
    deploy::preflight(&stacks, &options)?;
    runtime()?.block_on(async {
        let targets = targets(&args.connection, &stacks).await?;
        deploy::deploy(&targets, &stacks, &options, ui).await?;
        Ok(())
    })
}

pub(crate) fn destroy(app: &crate::App, args: &DestroyArgs, ui: &mut Ui) -> Result<(), CliError> {
    let assembly = assembly(app, args.assembly.as_deref(), None)?;
    let stacks = selection(&assembly, &args.stacks, args.exclusively, false)?;
    let checkpoint = Checkpoint::new();
    watch(&checkpoint, args.timeout.map(Duration::from_secs))?;
    let options = DestroyOptions { force: args.force, checkpoint, concurrency: usize::from(args.concurrency) };
    runtime()?.block_on(async {
        let targets = targets(&args.connection, &stacks).await?;
        targets.account().await?;
        for line in targets.summary("Destroying", &stacks) {
            ui.say(line);
        }
        deploy::destroy(&targets, &stacks, &options, ui).await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::App;

    fn app() -> App {
        let mut app = App::new();
        // CloudFormation needs a resource in every stack.
        for id in ["Net", "Db", "Web", "Other"] {
            crate::CfnResource::new("AWS::SNS::Topic").add(app.add_stack(id), "Topic");
        }
        app.add_stack_dependency("Db", "Net");
        app.add_stack_dependency("Web", "Db");
        app
    }

    fn ids(v: Vec<&StackArtifact>) -> Vec<&str> {
        v.into_iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn deploy_selection_adds_dependencies_in_order() {
        let a = app().synth().unwrap();
        assert_eq!(ids(selection(&a, &["Web".into()], false, true).unwrap()), ["Net", "Db", "Web"]);
        assert_eq!(ids(selection(&a, &["Web".into()], true, true).unwrap()), ["Web"]);
        assert_eq!(ids(selection(&a, &[], false, true).unwrap()).len(), 4);
    }

    #[test]
    fn destroy_selection_adds_dependents() {
        let a = app().synth().unwrap();
        assert_eq!(ids(selection(&a, &["Net".into()], false, false).unwrap()), ["Net", "Db", "Web"]);
        assert_eq!(ids(selection(&a, &["Db".into()], true, false).unwrap()), ["Db"]);
    }

    #[test]
    fn flags_parse() {
        use crate::cli::Cli;
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "app",
            "deploy",
            "Web",
            "--require-approval",
            "any-change",
            "--progress",
            "events",
            "--parameters",
            "Web:Size=3",
            "--parameters",
            "Mode=a=b",
            "--outputs-file",
            "o.json",
            "--local",
            "--region",
            "eu-west-1",
            "--force",
        ])
        .unwrap();
        let crate::cli::Command::Deploy(d) = cli.command else { panic!("not deploy") };
        assert_eq!(d.run.require_approval, RequireApproval::AnyChange);
        assert_eq!(d.run.progress, ProgressMode::Events);
        assert_eq!(d.parameters.len(), 2);
        assert_eq!(d.parameters[1].value, "a=b");
        assert!(d.force && d.connection.local);
        assert_eq!(d.connection.connection().region.as_deref(), Some("eu-west-1"));
        let err = Cli::try_parse_from(["app", "deploy", "--parameters", "nokey"]).err().unwrap().to_string();
        assert!(err.contains("STACK:KEY=VALUE"), "{err}");
        let d = Cli::try_parse_from(["app", "destroy", "--force"]).unwrap();
        assert!(matches!(d.command, crate::cli::Command::Destroy(DestroyArgs { force: true, .. })));
    }
}

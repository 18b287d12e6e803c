//! Deploy benchmark (`cargo bench -p app --bench deploy`), on the local emulator: LocalStack on
//! 127.0.0.1:4566, started with `scripts/localstack up` when it is not running (and then stopped
//! at the end; a LocalStack that was already running is left running).
//!
//! Side by side in one run, on the same emulator and the same synthesized template (checked byte
//! for byte), three tools:
//! 1. ours: the release `app` binary (`deploy --local --require-approval never --progress
//!    events`), creating the flagship stack from scratch ([`CREATES`] times, each into a new stack
//!    name), then a no-op deploy of one of those stacks ([`OUR_NOOPS`] times);
//! 2. the AWS CDK CLI (`cdk deploy --app DIR`, the pinned aws-cdk that `scripts/tools` installs
//!    into `.tools/cdk`), the real peer: it deploys our cloud assembly, one assembly per stack
//!    name, synthesized (untimed) by the release `app synth --output DIR` with
//!    `EVENT_SFN_DEMO_STACK_NAME` set (the stack name lives in the assembly's manifest).
//!    [`CREATES`] creates, interleaved with ours, and [`CDK_NOOPS`] no-op deploys;
//! 3. `aws cloudformation deploy` (awscli v1, installed pinned into `.tools/awscli` by
//!    `scripts/tools --awscli`): one create and [`AWSCLI_NOOPS`] no-ops
//!    (`--no-fail-on-empty-changeset`). Its create mostly measures its waiter, which polls the
//!    stack every 30 s, whatever the backend does.
//!
//! For every create: the wall time of the whole process, the backend's own time from the stack's
//! events (its first `CREATE_IN_PROGRESS` to its `CREATE_COMPLETE`), and the time after the
//! backend finished: the process's end (its exit, polled every millisecond) minus the timestamp
//! of the stack's `CREATE_COMPLETE` event (the emulator runs on this machine: one clock). Also
//! the time before the backend started (the stack's first event, the change set's
//! `REVIEW_IN_PROGRESS`, minus the process's start). No-op deploys start no stack operation (each
//! must exit 0 and leave no new stack event), so all of their time is the tool's. Then the
//! ratios, with their targets: create and no-op, ours against `cdk deploy` (at least
//! [`CDK_CREATE_RATIO_TARGET`]x and [`CDK_NOOP_RATIO_TARGET`]x) and against the awscli.
//!
//! Before measuring, one unmeasured create with ours warms the emulator's services up, and one
//! unmeasured `cdk ls --app DIR` warms the CLI's files up. At the end every stack the run created
//! is deleted (`app destroy --local --force`, which deletes any flagship stack by name;
//! `aws cloudformation delete-stack` + a bounded wait for the awscli's), and so are the log
//! groups those stacks retain (`DeletionPolicy: Retain`, by design).
//!
//! How the AWS CDK CLI is made to deploy to LocalStack (no bootstrap, no cdklocal): the assembly
//! has no assets, no `requiresBootstrapStackVersion` and no roles to assume, and its template is
//! below 51,200 bytes, so `cdk deploy` sends the template inline (`TemplateBody`) with the
//! credentials it is given and never reads the bootstrap version SSM parameter. (It does look up
//! the `CDKToolkit` stack once, for its cross-account asset check; it finds none, logs that, and
//! goes on.) Its AWS SDK (JavaScript v3) honours `AWS_ENDPOINT_URL` for every service (STS for
//! the account, CloudFormation), so `AWS_ENDPOINT_URL=http://127.0.0.1:4566` with the dummy
//! credentials and `AWS_REGION=us-east-1` is all it needs. Offline otherwise: `CDK_DISABLE_VERSION_CHECK=1`,
//! `CDK_DISABLE_CLI_TELEMETRY=true`, `--no-notices`, its state in `.tools/cdk/home`
//! (`CDK_HOME`), run from an empty directory (no `cdk.json` or `cdk.context.json` read or
//! written). Flags: `--require-approval never --ci --progress events --method change-set
//! --no-color` (change sets, as ours).
//!
//! Prints one Markdown row `| What | Wall time | After the backend finished | Notes |` per
//! measurement, with the verdict against its target; `scripts/bench --deploy` puts them in
//! BENCHMARKS.md. Progress and errors go to stderr; the tools' own output goes to log files in a
//! scratch directory, whose tail is shown when one fails. Every wait is bounded: a child that runs
//! past its time limit is killed. The run exits non-zero with a clear message when the emulator
//! cannot be started, a tool cannot be installed, a deployment fails or times out, or the
//! cleanup fails.
//!
//! Credentials: only the emulator's documented dummy values. Every `AWS_*` variable of the
//! caller's environment is dropped, the shared config and credentials files are replaced by
//! `/dev/null`, and `AWS_ACCESS_KEY_ID=test`, `AWS_SECRET_ACCESS_KEY=test`,
//! `AWS_DEFAULT_REGION=us-east-1` are set, for this process and so for every child.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use framework::deploy::{connect, CfnClient, Connection};
use suite::bench::verdict;
use suite::process::{run_limited, run_limited_ok, tail, Timed};

/// The emulator's endpoint.
const ENDPOINT: &str = "http://127.0.0.1:4566";
/// Measured creates with ours and with `cdk deploy` (each into a fresh stack).
const CREATES: usize = 3;
/// No-op deploys with ours.
const OUR_NOOPS: usize = 10;
/// No-op deploys with `cdk deploy` (each starts node and the CLI: about 1.5 s).
const CDK_NOOPS: usize = 5;
/// No-op deploys with the awscli (each starts a Python interpreter: about 0.4 s).
const AWSCLI_NOOPS: usize = 5;

/// Target: our create finishes within about this much of the backend's own time.
const OVERHEAD_TARGET: Duration = Duration::from_secs(1);
/// Target: a no-op deploy takes less than this.
const NOOP_TARGET: Duration = Duration::from_millis(300);
/// Target: our create is at least this many times faster than `cdk deploy`'s.
const CDK_CREATE_RATIO_TARGET: f64 = 15.0;
/// Target: our no-op deploy is at least this many times faster than `cdk deploy`'s.
const CDK_NOOP_RATIO_TARGET: f64 = 50.0;
/// Target: our create is at least this many times faster than the awscli's.
const AWSCLI_RATIO_TARGET: f64 = 10.0;

/// Time limits (far above the normal times, which are seconds at most except the awscli's
/// create, about 31 s).
const INSTALL_LIMIT: Duration = Duration::from_secs(600);
const CREATE_LIMIT: Duration = Duration::from_secs(180);
const AWSCLI_CREATE_LIMIT: Duration = Duration::from_secs(300); // its waiter polls every 30 s
const NOOP_LIMIT: Duration = Duration::from_secs(60);
const DELETE_LIMIT: Duration = Duration::from_secs(180);
const SHORT_LIMIT: Duration = Duration::from_secs(60);

type Result<T, E = String> = std::result::Result<T, E>;

fn main() {
    // `cargo bench` passes `--bench`; there are no options.
    suite::bench::emulator_main("deploy bench", run_bench);
}

/// The whole benchmark: emulator and tools up, measurements, cleanup, emulator down when we
/// started it. `Ok(false)`: the measurements were printed but the cleanup failed.
fn run_bench(root: &Path) -> Result<bool> {
    let scratch = std::env::temp_dir().join(format!("deploy-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;

    // The tests' emulator handling: a LocalStack this run starts is stopped when it ends.
    match suite::localstack::origin().map_err(|e| format!("the local emulator (LocalStack) cannot be started: {e}"))? {
        suite::localstack::Origin::Started => {
            eprintln!("deploy bench: started LocalStack (stopped again when the bench ends)")
        }
        _ => eprintln!("deploy bench: using the LocalStack already running on {ENDPOINT} (left running)"),
    }
    let clean = with_emulator(root, &scratch)?;
    if clean {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(clean)
}

fn with_emulator(root: &Path, scratch: &Path) -> Result<bool> {
    let aws = ensure_awscli(root, scratch)?;
    let cdk = ensure_cdk(root, scratch)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let cfn = rt
        .block_on(connect(&Connection { local: true, ..Connection::default() }))
        .map_err(|e| format!("cannot connect to the emulator: {e}"))?;
    let cdk_run = scratch.join("cdk-run");
    std::fs::create_dir_all(&cdk_run).map_err(|e| format!("cannot create {}: {e}", cdk_run.display()))?;
    let mut bench = Bench {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_app")),
        aws,
        cdk,
        cdk_home: root.join(".tools/cdk/home"),
        cdk_run,
        scratch: scratch.to_path_buf(),
        rt,
        cfn,
        ours: Vec::new(),
        peers: Vec::new(),
        theirs: Vec::new(),
        prefix: format!("deploybench-{}-{}", unix_secs(), std::process::id()),
        logs: 0,
    };
    let measured = bench.measure();
    let cleanup = bench.cleanup();
    let mut rows = match measured {
        Ok(rows) => rows,
        Err(e) => {
            if let Err(c) = cleanup {
                eprintln!("deploy bench: error: {c}");
            }
            return Err(e);
        }
    };
    let clean = match cleanup {
        Ok(destroy_row) => {
            rows.push(destroy_row);
            true
        }
        Err(e) => {
            eprintln!("deploy bench: error: {e}");
            false
        }
    };
    for row in &rows {
        println!("{row}");
    }
    Ok(clean)
}

/// Installs the awscli when missing (`scripts/tools --awscli`) and returns its `aws`.
fn ensure_awscli(root: &Path, scratch: &Path) -> Result<PathBuf> {
    let mut tools = Command::new(root.join("scripts/tools"));
    tools.arg("--awscli");
    run_limited_ok("`scripts/tools --awscli`", &mut tools, INSTALL_LIMIT, &scratch.join("awscli-install.log"))
        .map_err(|e| format!("the awscli cannot be installed: {e}"))?;
    let aws = root.join(".tools/awscli/bin/aws");
    if !aws.is_file() {
        return Err(format!(
            "the awscli cannot be installed: {} is missing after `scripts/tools --awscli`",
            aws.display()
        ));
    }
    Ok(aws)
}

/// Installs the pinned AWS CDK CLI when missing (`scripts/tools`) and returns its `cdk`.
fn ensure_cdk(root: &Path, scratch: &Path) -> Result<PathBuf> {
    let mut tools = Command::new(root.join("scripts/tools"));
    run_limited_ok("`scripts/tools`", &mut tools, INSTALL_LIMIT, &scratch.join("tools-install.log"))
        .map_err(|e| format!("the AWS CDK CLI cannot be installed: {e}"))?;
    let cdk = root.join(".tools/cdk/node_modules/.bin/cdk");
    if !cdk.is_file() {
        return Err(format!("the AWS CDK CLI cannot be installed: {} is missing after `scripts/tools`", cdk.display()));
    }
    Ok(cdk)
}

/// One created stack's create, as measured.
struct Create {
    stack: String,
    run: Timed,
    backend: Backend,
}

impl Create {
    /// The backend's own time: first `CREATE_IN_PROGRESS` to `CREATE_COMPLETE`.
    fn backend(&self) -> Duration {
        secs_between(self.backend.started, self.backend.done)
    }

    /// From the change set's `REVIEW_IN_PROGRESS` to `CREATE_COMPLETE`.
    fn with_change_set(&self) -> Option<Duration> {
        self.backend.review.map(|r| secs_between(r, self.backend.done))
    }

    /// The process's end minus the stack's `CREATE_COMPLETE` timestamp.
    fn after(&self) -> Duration {
        secs_between(self.backend.done, self.run.end)
    }

    /// The stack's first event minus the process's start.
    fn before(&self) -> Duration {
        secs_between(self.run.start, self.backend.review.unwrap_or(self.backend.started))
    }
}

/// The timestamps (Unix seconds) of a create's stack events.
struct Backend {
    /// The stack's `REVIEW_IN_PROGRESS` (the change set's creation), when there is one.
    review: Option<f64>,
    /// The stack's first `CREATE_IN_PROGRESS`.
    started: f64,
    /// The stack's `CREATE_COMPLETE`.
    done: f64,
}

/// A stack as DescribeStacks shows it.
struct Described {
    status: String,
    outputs: Vec<(String, String)>,
}

struct Bench {
    exe: PathBuf,
    aws: PathBuf,
    cdk: PathBuf,
    cdk_home: PathBuf,
    /// The empty directory the AWS CDK CLI runs in.
    cdk_run: PathBuf,
    scratch: PathBuf,
    rt: tokio::runtime::Runtime,
    cfn: CfnClient,
    /// Stacks created with ours (or whose creation was started), for the cleanup.
    ours: Vec<String>,
    /// Stacks created with `cdk deploy`.
    peers: Vec<String>,
    /// Stacks created with the awscli.
    theirs: Vec<String>,
    prefix: String,
    logs: usize,
}

/// Everything measured, for the rows.
struct Measured {
    ours: Vec<Create>,
    our_noops: Vec<Duration>,
    cdk: Vec<Create>,
    cdk_noops: Vec<Duration>,
    cdk_version: String,
    awscli: Create,
    awscli_noops: Vec<Duration>,
    awscli_version: String,
}

impl Bench {
    fn measure(&mut self) -> Result<Vec<String>> {
        let template = self.synth_template()?;
        let cdk_version = self.cdk_version()?;

        eprintln!("deploy bench: warm-up: one unmeasured create with `app deploy`, one unmeasured `cdk ls`");
        self.our_create("warmup")?;
        self.cdk_warm_up()?;

        let mut ours = Vec::new();
        let mut cdk = Vec::new();
        for i in 1..=CREATES {
            let c = self.our_create(&format!("ours-{i}"))?;
            eprintln!(
                "deploy bench: `app deploy` create {i}/{CREATES}: {} (backend {}, after it {})",
                secs(c.run.wall),
                secs(c.backend()),
                secs(c.after())
            );
            ours.push(c);
            let c = self.cdk_create(&format!("cdk-{i}"), &template)?;
            eprintln!(
                "deploy bench: `cdk deploy` create {i}/{CREATES}: {} (backend {}, after it {})",
                secs(c.run.wall),
                secs(c.backend()),
                secs(c.after())
            );
            cdk.push(c);
        }
        self.same_template(&self.scratch.join(format!("cdk.out-{}", ours[0].stack)), &template)?;

        let noop_stack = ours[0].stack.clone();
        let our_noops = self.noops(&noop_stack, OUR_NOOPS, |b, log| {
            let mut cmd = b.app(&noop_stack);
            cmd.args(["deploy", "--local", "--require-approval", "never", "--progress", "events", "--output"]);
            cmd.arg(b.scratch.join(format!("cdk.out-{noop_stack}")));
            run_limited_ok("`app deploy` (no-op)", &mut cmd, NOOP_LIMIT, log).map(|t| t.wall)
        })?;
        eprintln!("deploy bench: `app deploy` no-op: median {}", secs(median(&our_noops)));

        let cdk_stack = cdk[0].stack.clone();
        let cdk_noops = self.noops(&cdk_stack, CDK_NOOPS, |b, log| {
            let mut cmd = b.cdk_deploy(&cdk_stack);
            run_limited_ok("`cdk deploy` (no-op)", &mut cmd, NOOP_LIMIT, log).map(|t| t.wall)
        })?;
        eprintln!("deploy bench: `cdk deploy` no-op: median {}", secs(median(&cdk_noops)));

        let awscli_version = self.awscli_version()?;
        eprintln!("deploy bench: `aws cloudformation deploy` create ({awscli_version}; its waiter polls every 30 s)");
        let awscli = self.awscli_create(&template)?;
        eprintln!(
            "deploy bench: `aws cloudformation deploy` create: {} (backend {}, after it {})",
            secs(awscli.run.wall),
            secs(awscli.backend()),
            secs(awscli.after())
        );
        let their_stack = awscli.stack.clone();
        let awscli_noops = self.noops(&their_stack, AWSCLI_NOOPS, |b, log| {
            let mut cmd = b.awscli_deploy(&template, &their_stack);
            cmd.arg("--no-fail-on-empty-changeset");
            run_limited_ok("`aws cloudformation deploy` (no-op)", &mut cmd, NOOP_LIMIT, log).map(|t| t.wall)
        })?;
        eprintln!("deploy bench: `aws cloudformation deploy` no-op: median {}", secs(median(&awscli_noops)));

        Ok(rows(&Measured { ours, our_noops, cdk, cdk_noops, cdk_version, awscli, awscli_noops, awscli_version }))
    }

    /// A fresh synth of the flagship (default stack name) into the scratch directory: the
    /// template the awscli deploys.
    fn synth_template(&mut self) -> Result<PathBuf> {
        let out = self.scratch.join("synth");
        let mut cmd = Command::new(&self.exe);
        cmd.env_remove(app::STACK_NAME_ENV).current_dir(&self.scratch).args(["synth", "--quiet", "--output"]).arg(&out);
        let log = self.log("synth");
        run_limited_ok("`app synth`", &mut cmd, SHORT_LIMIT, &log)?;
        let template = out.join(format!("{}.template.json", app::STACK_ID));
        if !template.is_file() {
            return Err(format!("`app synth` wrote no {}", template.display()));
        }
        Ok(template)
    }

    /// Checks that the assembly in `dir` holds the very template the awscli is given (the same
    /// work for every tool).
    fn same_template(&self, dir: &Path, template: &Path) -> Result<()> {
        let ours = dir.join(format!("{}.template.json", app::STACK_ID));
        let a = std::fs::read(&ours).map_err(|e| format!("cannot read {}: {e}", ours.display()))?;
        let b = std::fs::read(template).map_err(|e| format!("cannot read {}: {e}", template.display()))?;
        if a != b {
            return Err(format!(
                "the template in {} differs from the one given to the awscli ({})",
                ours.display(),
                template.display()
            ));
        }
        Ok(())
    }

    /// `app` with the stack name set, run in the scratch directory.
    fn app(&self, stack: &str) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.env(app::STACK_NAME_ENV, stack).current_dir(&self.scratch);
        cmd
    }

    fn our_create(&mut self, suffix: &str) -> Result<Create> {
        let stack = format!("{}-{suffix}", self.prefix);
        self.ours.push(stack.clone());
        let mut cmd = self.app(&stack);
        cmd.args(["deploy", "--local", "--require-approval", "never", "--progress", "events", "--output"]);
        cmd.arg(self.scratch.join(format!("cdk.out-{stack}")));
        let log = self.log(&format!("create-{stack}"));
        let run = run_limited_ok(&format!("`app deploy` of new stack {stack}"), &mut cmd, CREATE_LIMIT, &log)?;
        let backend = self.backend_create_times(&stack)?;
        Ok(Create { stack, run, backend })
    }

    /// The AWS CDK CLI, offline but for the emulator (see the header).
    fn cdk(&self) -> Command {
        let mut cmd = Command::new(&self.cdk);
        cmd.current_dir(&self.cdk_run)
            .env("AWS_ENDPOINT_URL", ENDPOINT)
            .env("CDK_HOME", &self.cdk_home)
            .env("CDK_DISABLE_VERSION_CHECK", "1")
            .env("CDK_DISABLE_CLI_TELEMETRY", "true")
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .env_remove("CDK_CONTEXT_JSON");
        cmd
    }

    /// The assembly directory `cdk deploy` deploys into `stack`.
    fn cdk_assembly(&self, stack: &str) -> PathBuf {
        self.scratch.join(format!("cdk-assembly-{stack}"))
    }

    /// `cdk deploy` of the assembly of `stack`.
    fn cdk_deploy(&self, stack: &str) -> Command {
        let mut cmd = self.cdk();
        cmd.args(["deploy", "--app"]).arg(self.cdk_assembly(stack)).args([
            app::STACK_ID,
            "--require-approval",
            "never",
            "--ci",
            "--progress",
            "events",
            "--method",
            "change-set",
            "--no-notices",
            "--no-color",
        ]);
        cmd
    }

    /// Synthesizes (untimed) the assembly for `stack` with the release `app synth`, checking that
    /// it names the stack and holds the same template as the others.
    fn cdk_synth(&mut self, stack: &str, template: &Path) -> Result<PathBuf> {
        let dir = self.cdk_assembly(stack);
        let mut cmd = self.app(stack);
        cmd.args(["synth", "--quiet", "--output"]).arg(&dir);
        let log = self.log(&format!("synth-{stack}"));
        run_limited_ok(&format!("`app synth` for stack {stack}"), &mut cmd, SHORT_LIMIT, &log)?;
        let manifest = std::fs::read_to_string(dir.join("manifest.json"))
            .map_err(|e| format!("cannot read {}/manifest.json: {e}", dir.display()))?;
        if !manifest.contains(&format!("\"stackName\": \"{stack}\"")) {
            return Err(format!("{}/manifest.json does not name stack {stack}", dir.display()));
        }
        self.same_template(&dir, template)?;
        Ok(dir)
    }

    fn cdk_create(&mut self, suffix: &str, template: &Path) -> Result<Create> {
        let stack = format!("{}-{suffix}", self.prefix);
        self.cdk_synth(&stack, template)?;
        self.peers.push(stack.clone());
        let mut cmd = self.cdk_deploy(&stack);
        let log = self.log(&format!("create-{stack}"));
        let run = run_limited_ok(&format!("`cdk deploy` of new stack {stack}"), &mut cmd, CREATE_LIMIT, &log)?;
        let backend = self.backend_create_times(&stack)?;
        Ok(Create { stack, run, backend })
    }

    /// An unmeasured `cdk ls --app DIR`: the CLI's files in the page cache, as ours are after its
    /// warm-up create.
    fn cdk_warm_up(&mut self) -> Result<()> {
        let dir = self.scratch.join("synth");
        let mut cmd = self.cdk();
        cmd.args(["ls", "--app"]).arg(&dir).args(["--no-notices", "--no-color"]);
        let log = self.log("cdk-ls");
        run_limited_ok("`cdk ls` (warm-up)", &mut cmd, SHORT_LIMIT, &log).map(|_| ())
    }

    fn cdk_version(&mut self) -> Result<String> {
        let mut cmd = self.cdk();
        cmd.arg("--version");
        let log = self.log("cdk-version");
        run_limited_ok("`cdk --version`", &mut cmd, SHORT_LIMIT, &log)?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        // "2.1148.1 (build fcf5e34)"
        let version =
            text.lines().rev().find_map(|l| l.split_whitespace().next().filter(|w| w.starts_with(char::is_numeric)));
        version
            .map(|v| format!("aws-cdk {v}"))
            .ok_or_else(|| format!("`cdk --version` printed no version: {}", text.trim()))
    }

    fn awscli_deploy(&self, template: &Path, stack: &str) -> Command {
        let mut cmd = Command::new(&self.aws);
        cmd.current_dir(&self.scratch).args(["cloudformation", "deploy", "--template-file"]).arg(template).args([
            "--stack-name",
            stack,
            "--capabilities",
            "CAPABILITY_IAM",
            "CAPABILITY_NAMED_IAM",
            "--endpoint-url",
            ENDPOINT,
        ]);
        cmd
    }

    fn awscli_create(&mut self, template: &Path) -> Result<Create> {
        let stack = format!("{}-awscli", self.prefix);
        self.theirs.push(stack.clone());
        let mut cmd = self.awscli_deploy(template, &stack);
        let log = self.log(&format!("create-{stack}"));
        let run = run_limited_ok(
            &format!("`aws cloudformation deploy` of new stack {stack}"),
            &mut cmd,
            AWSCLI_CREATE_LIMIT,
            &log,
        )?;
        let backend = self.backend_create_times(&stack)?;
        Ok(Create { stack, run, backend })
    }

    fn awscli_version(&mut self) -> Result<String> {
        let mut cmd = Command::new(&self.aws);
        cmd.arg("--version");
        let log = self.log("awscli-version");
        run_limited_ok("`aws --version`", &mut cmd, SHORT_LIMIT, &log)?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        // "aws-cli/1.46.2 Python/3.11.7 Linux/... botocore/1.43.62"
        let version = text.split_whitespace().find_map(|w| w.strip_prefix("aws-cli/")).map(str::to_string);
        version
            .map(|v| format!("awscli {v}"))
            .ok_or_else(|| format!("`aws --version` printed no version: {}", text.trim()))
    }

    /// Runs a no-op deploy `runs` times; each must succeed and leave the stack's status and
    /// events as they were. Returns the wall times.
    fn noops(
        &mut self,
        stack: &str,
        runs: usize,
        mut deploy: impl FnMut(&Self, &Path) -> Result<Duration>,
    ) -> Result<Vec<Duration>> {
        let before = self.stack_events(stack)?;
        let status = self.stack_status(stack)?;
        let mut times = Vec::new();
        for i in 1..=runs {
            let log = self.log(&format!("noop-{stack}-{i}"));
            times.push(deploy(self, &log)?);
        }
        let after = self.stack_events(stack)?;
        if after.len() != before.len() {
            return Err(format!(
                "the no-op deploys of {stack} changed it: {} new stack event(s) (logs in {})",
                after.len().saturating_sub(before.len()),
                self.scratch.display()
            ));
        }
        let now = self.stack_status(stack)?;
        if now != status {
            return Err(format!("the no-op deploys of {stack} changed its status from {status} to {now}"));
        }
        Ok(times)
    }

    /// DescribeStacks of one stack, straight through the SDK client; `None` when it does not
    /// exist.
    fn describe(&self, stack: &str) -> Result<Option<Described>> {
        self.rt.block_on(async {
            let out = match self.cfn.client.describe_stacks().stack_name(stack).send().await {
                Ok(out) => out,
                Err(e) => {
                    let missing = e
                        .as_service_error()
                        .and_then(|s| s.meta().message())
                        .is_some_and(|m| m.contains("does not exist"));
                    if missing {
                        return Ok(None);
                    }
                    return Err(format!("DescribeStacks of {stack} failed: {}", suite::bench::error_chain(&e)));
                }
            };
            Ok(out.stacks().first().map(|s| Described {
                status: s.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                outputs: s
                    .outputs()
                    .iter()
                    .map(|o| {
                        (
                            o.output_key().unwrap_or_default().to_string(),
                            o.output_value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            }))
        })
    }

    fn stack_status(&self, stack: &str) -> Result<String> {
        Ok(self.describe(stack)?.map(|s| s.status).unwrap_or_else(|| "(missing)".into()))
    }

    /// All the stack's events: (timestamp in seconds, resource type, logical id, status).
    fn stack_events(&self, stack: &str) -> Result<Vec<(f64, String, String, String)>> {
        suite::bench::stack_events(&self.rt, &self.cfn, stack)
    }

    /// The timestamps of the stack's creation, from its own events; also checks that the stack
    /// is `CREATE_COMPLETE`.
    fn backend_create_times(&self, stack: &str) -> Result<Backend> {
        let status = self.stack_status(stack)?;
        if status != "CREATE_COMPLETE" {
            return Err(format!("stack {stack} is {status} after its deployment, not CREATE_COMPLETE"));
        }
        let events = self.stack_events(stack)?;
        // The earliest (`f64::min`) or latest (`f64::max`) of the stack's own events with a status.
        let own = |wanted: &str, pick: fn(f64, f64) -> f64| {
            events
                .iter()
                .filter(|(t, ty, id, st)| {
                    ty == "AWS::CloudFormation::Stack" && id == stack && st == wanted && t.is_finite()
                })
                .map(|(t, ..)| *t)
                .reduce(pick)
        };
        let started = own("CREATE_IN_PROGRESS", f64::min);
        let done = own("CREATE_COMPLETE", f64::max);
        let review = own("REVIEW_IN_PROGRESS", f64::min);
        match (started, done) {
            (Some(started), Some(done)) if done >= started => Ok(Backend { review: review.filter(|r| *r <= started), started, done }),
            _ => Err(format!("stack {stack}: no CREATE_IN_PROGRESS and CREATE_COMPLETE event pair with timestamps among its {} events", events.len())),
        }
    }

    /// Deletes every stack this run created, and the log groups they retain. Returns the row
    /// timing our destroys (of the stacks ours created).
    fn cleanup(&mut self) -> Result<String> {
        let mut problems = Vec::new();
        let mut destroy_times = Vec::new();
        let mut retained_groups = Vec::new();
        for stack in self.ours.clone() {
            match self.destroy_ours(&stack) {
                Ok(Some((time, group))) => {
                    destroy_times.push(time);
                    retained_groups.extend(group);
                }
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        // `cdk deploy`'s stacks: the same flagship stack, deleted by name with ours (untimed).
        for stack in self.peers.clone() {
            match self.destroy_ours(&stack) {
                Ok(found) => retained_groups.extend(found.and_then(|(_, group)| group)),
                Err(e) => problems.push(e),
            }
        }
        for stack in self.theirs.clone() {
            match self.delete_theirs(&stack) {
                Ok(group) => retained_groups.extend(group),
                Err(e) => problems.push(e),
            }
        }
        for group in &retained_groups {
            if let Err(e) = self.delete_log_group(group) {
                problems.push(e);
            }
        }
        if !problems.is_empty() {
            return Err(format!(
                "cleanup failed; delete these by hand if they are still there:\n  {}",
                problems.join("\n  ")
            ));
        }
        eprintln!(
            "deploy bench: deleted {} stack(s) and the {} log group(s) they retained",
            self.ours.len() + self.peers.len() + self.theirs.len(),
            retained_groups.len()
        );
        if destroy_times.is_empty() {
            return Err("no stack was destroyed".into());
        }
        let n = destroy_times.len();
        Ok(format!(
            "| Destroy the flagship stack: `app destroy --force` whole process (median of {n}: every stack ours created) | {} | | min {}, max {}; exit 0, stack gone (its log group is retained by design; deleted afterwards) |",
            secs(median(&destroy_times)),
            secs(min(&destroy_times)),
            secs(max(&destroy_times)),
        ))
    }

    /// The stack's `LogGroupName` output (the log group it retains on deletion).
    fn retained_log_group(&self, stack: &str) -> Result<Option<String>> {
        Ok(self.describe(stack)?.and_then(|s| s.outputs.into_iter().find(|(k, _)| k == "LogGroupName").map(|(_, v)| v)))
    }

    /// `app destroy --local --force` of a flagship stack (when it exists): its wall time and
    /// the log group it retained.
    fn destroy_ours(&mut self, stack: &str) -> Result<Option<(Duration, Option<String>)>> {
        if self.stack_status(stack)? == "(missing)" {
            return Ok(None);
        }
        let group = self.retained_log_group(stack)?;
        let mut cmd = self.app(stack);
        cmd.args(["destroy", "--local", "--force", "--progress", "events"]);
        let log = self.log(&format!("destroy-{stack}"));
        let time = run_limited_ok(&format!("`app destroy` of stack {stack}"), &mut cmd, DELETE_LIMIT, &log)?.wall;
        let status = self.stack_status(stack)?;
        if status != "(missing)" {
            return Err(format!("stack {stack} is {status} after `app destroy`"));
        }
        Ok(Some((time, group)))
    }

    /// `aws cloudformation delete-stack`, then waits (polling DescribeStacks every 200 ms, at
    /// most [`DELETE_LIMIT`]) until the stack is gone. Returns the log group it retained.
    fn delete_theirs(&mut self, stack: &str) -> Result<Option<String>> {
        if self.stack_status(stack)? == "(missing)" {
            return Ok(None);
        }
        let group = self.retained_log_group(stack)?;
        let mut cmd = Command::new(&self.aws);
        cmd.current_dir(&self.scratch).args([
            "cloudformation",
            "delete-stack",
            "--stack-name",
            stack,
            "--endpoint-url",
            ENDPOINT,
        ]);
        let log = self.log(&format!("delete-{stack}"));
        run_limited_ok(&format!("`aws cloudformation delete-stack` of {stack}"), &mut cmd, SHORT_LIMIT, &log)?;
        let start = Instant::now();
        loop {
            let status = self.stack_status(stack)?;
            if status == "(missing)" {
                return Ok(group);
            }
            if start.elapsed() > DELETE_LIMIT {
                return Err(format!("stack {stack} is still {status} {} s after delete-stack", DELETE_LIMIT.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn delete_log_group(&mut self, group: &str) -> Result<()> {
        let mut cmd = Command::new(&self.aws);
        cmd.current_dir(&self.scratch).args([
            "logs",
            "delete-log-group",
            "--log-group-name",
            group,
            "--endpoint-url",
            ENDPOINT,
        ]);
        let log = self.log("delete-log-group");
        match run_limited("`aws logs delete-log-group`", &mut cmd, SHORT_LIMIT, &log)? {
            (status, _) if status.success() => Ok(()),
            // Already gone (an emulator that does not keep retained resources).
            _ if std::fs::read_to_string(&log).unwrap_or_default().contains("ResourceNotFoundException") => Ok(()),
            (status, _) => {
                Err(format!("`aws logs delete-log-group --log-group-name {group}` failed ({status}):\n{}", tail(&log)))
            }
        }
    }

    /// A fresh log file in the scratch directory.
    fn log(&mut self, what: &str) -> PathBuf {
        self.logs += 1;
        self.scratch.join(format!("{:03}-{what}.log", self.logs))
    }
}

/// The Markdown rows of the measurements.
fn rows(m: &Measured) -> Vec<String> {
    let list = |v: &[Duration]| v.iter().map(|d| secs(*d)).collect::<Vec<_>>().join(", ");
    let walls = |c: &[Create]| c.iter().map(|c| c.run.wall).collect::<Vec<_>>();
    let afters = |c: &[Create]| c.iter().map(Create::after).collect::<Vec<_>>();
    let backends = |c: &[Create]| c.iter().map(Create::backend).collect::<Vec<_>>();
    let befores = |c: &[Create]| c.iter().map(Create::before).collect::<Vec<_>>();
    let with_cs = |c: &[Create]| {
        let v: Vec<Duration> = c.iter().filter_map(Create::with_change_set).collect();
        if v.is_empty() {
            String::new()
        } else {
            format!(" (from the change set's REVIEW_IN_PROGRESS: {})", secs(median(&v)))
        }
    };
    let backend_note = |c: &[Create]| {
        format!(
            "backend (stack events, first CREATE_IN_PROGRESS to CREATE_COMPLETE): {}{}; before the backend started (process start to the stack's first event): {}",
            list(&backends(c)),
            with_cs(c),
            secs(median(&befores(c)))
        )
    };
    let n = m.ours.len();
    let ours = median(&walls(&m.ours));
    let our_overheads: Vec<Duration> = m.ours.iter().map(|c| c.run.wall.saturating_sub(c.backend())).collect();
    let our_overhead = median(&our_overheads);
    let cdk = median(&walls(&m.cdk));
    let awscli = &m.awscli;
    let our_noop = median(&m.our_noops);
    let cdk_noop = median(&m.cdk_noops);
    let awscli_noop = median(&m.awscli_noops);
    let create_ratio = cdk.as_secs_f64() / ours.as_secs_f64();
    let noop_ratio = cdk_noop.as_secs_f64() / our_noop.as_secs_f64();
    let awscli_ratio = awscli.run.wall.as_secs_f64() / ours.as_secs_f64();
    let noop_stats =
        |v: &[Duration]| format!("min {}, max {}; exit 0 every run, no new stack event", secs(min(v)), secs(max(v)));
    let no_op = "none: no stack operation";
    vec![
        format!(
            "| Create the flagship stack from scratch: `app deploy` whole process (median of {n}, each a new stack) | {} | {} | runs: {}; after: {}; {}; exit 0, CREATE_COMPLETE; wall minus backend (median) {}: target within about {}: {} |",
            secs(ours),
            secs(median(&afters(&m.ours))),
            list(&walls(&m.ours)),
            list(&afters(&m.ours)),
            backend_note(&m.ours),
            secs(our_overhead),
            target(OVERHEAD_TARGET),
            verdict(our_overhead <= OVERHEAD_TARGET)
        ),
        format!(
            "| Create: `cdk deploy --app DIR` ({}, the same template in our assembly; median of {}, each a new stack, interleaved with ours) | {} | {} | runs: {}; after: {}; {}; exit 0, CREATE_COMPLETE; its waiters poll the change set and the stack every 5 s |",
            m.cdk_version,
            m.cdk.len(),
            secs(cdk),
            secs(median(&afters(&m.cdk))),
            list(&walls(&m.cdk)),
            list(&afters(&m.cdk)),
            backend_note(&m.cdk),
        ),
        format!(
            "| Create: `aws cloudformation deploy` ({}, the same template, a new stack): measures its waiter, which polls the stack every 30 s | {} | {} | {}; exit 0, CREATE_COMPLETE |",
            m.awscli_version,
            secs(awscli.run.wall),
            secs(awscli.after()),
            backend_note(std::slice::from_ref(awscli)),
        ),
        format!(
            "| No-op deploy of the same stack: `app deploy` whole process (median of {}) | {} | {no_op} | {}; target < {}: {} |",
            m.our_noops.len(),
            secs(our_noop),
            noop_stats(&m.our_noops),
            target(NOOP_TARGET),
            verdict(our_noop < NOOP_TARGET)
        ),
        format!(
            "| No-op deploy: `cdk deploy --app DIR` (median of {}) | {} | {no_op} | {} |",
            m.cdk_noops.len(),
            secs(cdk_noop),
            noop_stats(&m.cdk_noops)
        ),
        format!(
            "| No-op deploy: `aws cloudformation deploy --no-fail-on-empty-changeset` (median of {}) | {} | {no_op} | {}; `app deploy` is {:.1}x faster |",
            m.awscli_noops.len(),
            secs(awscli_noop),
            noop_stats(&m.awscli_noops),
            awscli_noop.as_secs_f64() / our_noop.as_secs_f64()
        ),
        format!(
            "| Create: `app deploy` against `cdk deploy` | {create_ratio:.1}x faster | | {} / {} (medians); target at least {CDK_CREATE_RATIO_TARGET:.0}x: {} |",
            secs(cdk),
            secs(ours),
            verdict(create_ratio >= CDK_CREATE_RATIO_TARGET)
        ),
        format!(
            "| No-op deploy: `app deploy` against `cdk deploy` | {noop_ratio:.1}x faster | | {} / {} (medians); target at least {CDK_NOOP_RATIO_TARGET:.0}x: {} |",
            secs(cdk_noop),
            secs(our_noop),
            verdict(noop_ratio >= CDK_NOOP_RATIO_TARGET)
        ),
        format!(
            "| Create: `app deploy` against `aws cloudformation deploy` (its waiter) | {awscli_ratio:.1}x faster | | {} / {}; target at least {AWSCLI_RATIO_TARGET:.0}x: {} |",
            secs(awscli.run.wall),
            secs(ours),
            verdict(awscli_ratio >= AWSCLI_RATIO_TARGET)
        ),
    ]
}

/// `to - from` in seconds as a duration; zero when negative (event timestamps are rounded).
fn secs_between(from: f64, to: f64) -> Duration {
    Duration::from_secs_f64((to - from).max(0.0))
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

fn min(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn max(times: &[Duration]) -> Duration {
    times.iter().copied().max().unwrap_or_default()
}

/// "0.123 s" (or "31.2 s" from 10 s on).
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.3} s")
    }
}

/// A target as written in the issue: "1 s", "0.3 s".
fn target(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

fn unix_secs() -> u64 {
    unix_now() as u64
}

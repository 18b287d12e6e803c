//! Deploy benchmark (`cargo bench -p app --bench deploy`), on the local emulator: LocalStack on
//! 127.0.0.1:4566, started with `scripts/localstack up` when it is not running (and then stopped
//! at the end; a LocalStack that was already running is left running).
//!
//! Side by side in one run, on the same emulator and the same synthesized template:
//! 1. creating the flagship stack from scratch with the release `app` binary (`deploy --local
//!    --require-approval never --progress events`, a fresh stack name each time; median of
//!    [`OUR_CREATES`] runs), the wall time of the whole process, next to the backend's own time
//!    for the same operation, read from the stack's events (its first `CREATE_IN_PROGRESS` to its
//!    `CREATE_COMPLETE`): the difference is our overhead over the backend;
//! 2. a no-op deploy of that stack (median of [`OUR_NOOPS`] runs; each must exit 0 and leave no
//!    new stack event);
//! 3. `aws cloudformation deploy` (awscli v1, installed pinned into `.tools/awscli` by
//!    `scripts/tools --awscli` when missing) of the same template into another fresh stack, and
//!    its no-op deploy (`--no-fail-on-empty-changeset`);
//! 4. the ratio of the two creates.
//!
//! Before measuring, one unmeasured create warms the emulator's services up, so that neither tool
//! pays for their lazy start. At the end every stack the run created is deleted (`app destroy`,
//! `aws cloudformation delete-stack` + a bounded wait), and so are the log groups those stacks
//! retain (`DeletionPolicy: Retain`).
//!
//! Prints one Markdown row `| What | Wall time | Notes |` per measurement, with the verdict
//! against its target; `scripts/bench --deploy` puts them in BENCHMARKS.md. Progress and errors
//! go to stderr; the tools' own output goes to log files in a scratch directory, whose tail is
//! shown when one fails. Every wait is bounded: a child that runs past its time limit is killed.
//! The run exits non-zero with a clear message when the emulator cannot be started, the awscli
//! cannot be installed, a deployment fails or times out, or the cleanup fails.
//!
//! Credentials: only the emulator's documented dummy values. Every `AWS_*` variable of the
//! caller's environment is dropped, the shared config and credentials files are replaced by
//! `/dev/null`, and `AWS_ACCESS_KEY_ID=test`, `AWS_SECRET_ACCESS_KEY=test`,
//! `AWS_DEFAULT_REGION=us-east-1` are set, for this process and so for every child.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use framework::deploy::{connect, CfnClient, Connection};

/// The emulator's endpoint.
const ENDPOINT: &str = "http://127.0.0.1:4566";
/// Measured creates with our tool (each into a fresh stack).
const OUR_CREATES: usize = 3;
/// No-op deploys with our tool.
const OUR_NOOPS: usize = 10;
/// No-op deploys with the awscli (each starts a Python interpreter: about 0.7 s).
const AWSCLI_NOOPS: usize = 5;

/// Target: our create finishes within about this much of the backend's own time.
const OVERHEAD_TARGET: Duration = Duration::from_secs(1);
/// Target: a no-op deploy takes less than this.
const NOOP_TARGET: Duration = Duration::from_millis(300);
/// Target: our create is at least this many times faster than the awscli's.
const RATIO_TARGET: f64 = 10.0;

/// Time limits (far above the normal times, which are seconds at most except the awscli's
/// create, about 31 s).
const START_LIMIT: Duration = Duration::from_secs(900); // may include installing LocalStack (75 s)
const INSTALL_LIMIT: Duration = Duration::from_secs(600);
const CREATE_LIMIT: Duration = Duration::from_secs(180);
const AWSCLI_CREATE_LIMIT: Duration = Duration::from_secs(300); // its waiter polls every 30 s
const NOOP_LIMIT: Duration = Duration::from_secs(60);
const DELETE_LIMIT: Duration = Duration::from_secs(180);
const SHORT_LIMIT: Duration = Duration::from_secs(60);

type Result<T, E = String> = std::result::Result<T, E>;

fn main() {
    // `cargo bench` passes `--bench`; there are no options.
    use_emulator_credentials_only();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);
    let code = match run_bench(&root) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("deploy bench: error: {e}");
            1
        }
    };
    std::process::exit(code);
}

/// Drops every `AWS_*` variable and sets the emulator's dummy credentials and region. Runs first
/// thing in `main`, while this process has a single thread.
fn use_emulator_credentials_only() {
    let aws: Vec<_> = std::env::vars_os().map(|(k, _)| k).filter(|k| k.to_string_lossy().starts_with("AWS_")).collect();
    for k in aws {
        std::env::remove_var(k);
    }
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        std::env::set_var(k, v);
    }
}

/// The whole benchmark: emulator and awscli up, measurements, cleanup, emulator down when we started
/// it. `Ok(false)`: the measurements were printed but the cleanup failed.
fn run_bench(root: &Path) -> Result<bool> {
    let scratch = std::env::temp_dir().join(format!("deploy-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;

    let started_emulator = ensure_emulator(root, &scratch)?;
    let outcome = with_emulator(root, &scratch);
    let stopped = if started_emulator { stop_emulator(root, &scratch) } else { Ok(()) };
    let clean = outcome?;
    stopped?;
    if clean {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(clean)
}

fn with_emulator(root: &Path, scratch: &Path) -> Result<bool> {
    let aws = ensure_awscli(root, scratch)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let cfn = rt
        .block_on(connect(&Connection { local: true, ..Connection::default() }))
        .map_err(|e| format!("cannot connect to the emulator: {e}"))?;
    let mut bench = Bench {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_app")),
        aws,
        scratch: scratch.to_path_buf(),
        rt,
        cfn,
        ours: Vec::new(),
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

/// Makes sure LocalStack serves on 127.0.0.1:4566; `true` when this run started it.
fn ensure_emulator(root: &Path, scratch: &Path) -> Result<bool> {
    let script = root.join("scripts/localstack");
    let status = Command::new(&script)
        .arg("status")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    // 0: serving; 1: starting (someone else's start, waited for below); 3: not running.
    let start = status.code() == Some(3);
    if status.success() {
        eprintln!("deploy bench: using the LocalStack already running on {ENDPOINT} (left running)");
    } else if start {
        eprintln!("deploy bench: LocalStack is not running; starting it (scripts/localstack up)");
    }
    let mut up = Command::new(&script);
    up.arg("up");
    run_ok("`scripts/localstack up`", &mut up, START_LIMIT, &scratch.join("localstack-up.log"))
        .map_err(|e| format!("the local emulator (LocalStack) cannot be started: {e}"))?;
    Ok(start)
}

fn stop_emulator(root: &Path, scratch: &Path) -> Result<()> {
    eprintln!("deploy bench: stopping the LocalStack this run started");
    let mut down = Command::new(root.join("scripts/localstack"));
    down.arg("down");
    run_ok("`scripts/localstack down`", &mut down, SHORT_LIMIT, &scratch.join("localstack-down.log")).map(|_| ())
}

/// Installs the awscli when missing (`scripts/tools --awscli`) and returns its `aws`.
fn ensure_awscli(root: &Path, scratch: &Path) -> Result<PathBuf> {
    let mut tools = Command::new(root.join("scripts/tools"));
    tools.arg("--awscli");
    run_ok("`scripts/tools --awscli`", &mut tools, INSTALL_LIMIT, &scratch.join("awscli-install.log"))
        .map_err(|e| format!("the awscli cannot be installed: {e}"))?;
    let aws = root.join(".tools/awscli/bin/aws");
    if !aws.is_file() {
        return Err(format!("the awscli cannot be installed: {} is missing after `scripts/tools --awscli`", aws.display()));
    }
    Ok(aws)
}

/// One created stack's create, as measured.
struct Create {
    stack: String,
    wall: Duration,
    backend: Backend,
}

/// The backend's own times for a create, from the stack's events.
struct Backend {
    /// The stack's first `CREATE_IN_PROGRESS` to its `CREATE_COMPLETE`.
    create: Duration,
    /// The stack's `REVIEW_IN_PROGRESS` (the change set's creation) to its `CREATE_COMPLETE`.
    with_change_set: Option<Duration>,
}

struct Bench {
    exe: PathBuf,
    aws: PathBuf,
    scratch: PathBuf,
    rt: tokio::runtime::Runtime,
    cfn: CfnClient,
    /// Stacks created with our tool (or whose creation was started), for the cleanup.
    ours: Vec<String>,
    /// Stacks created with the awscli.
    theirs: Vec<String>,
    prefix: String,
    logs: usize,
}

impl Bench {
    fn measure(&mut self) -> Result<Vec<String>> {
        let template = self.synth_template()?;

        eprintln!("deploy bench: warm-up: one unmeasured create with `app deploy`");
        self.our_create("warmup")?;

        let mut creates = Vec::new();
        for i in 1..=OUR_CREATES {
            let c = self.our_create(&format!("ours-{i}"))?;
            eprintln!(
                "deploy bench: `app deploy` create {i}/{OUR_CREATES}: {} (backend {})",
                secs(c.wall),
                secs(c.backend.create)
            );
            creates.push(c);
        }
        self.same_template(&creates[0].stack, &template)?;

        let noop_stack = creates[0].stack.clone();
        let noops = self.noops(&noop_stack, OUR_NOOPS, |b, log| {
            let mut cmd = b.app(&noop_stack);
            cmd.args(["deploy", "--local", "--require-approval", "never", "--progress", "events", "--output"]);
            cmd.arg(b.scratch.join(format!("cdk.out-{noop_stack}")));
            run_ok("`app deploy` (no-op)", &mut cmd, NOOP_LIMIT, log)
        })?;
        eprintln!("deploy bench: `app deploy` no-op: median {}", secs(median(&noops)));

        let version = self.awscli_version()?;
        eprintln!("deploy bench: `aws cloudformation deploy` create ({version}; its waiter polls every 30 s)");
        let theirs = self.awscli_create(&template)?;
        eprintln!("deploy bench: `aws cloudformation deploy` create: {} (backend {})", secs(theirs.wall), secs(theirs.backend.create));
        let their_stack = theirs.stack.clone();
        let their_noops = self.noops(&their_stack, AWSCLI_NOOPS, |b, log| {
            let mut cmd = b.awscli_deploy(&template, &their_stack);
            cmd.arg("--no-fail-on-empty-changeset");
            run_ok("`aws cloudformation deploy` (no-op)", &mut cmd, NOOP_LIMIT, log)
        })?;
        eprintln!("deploy bench: `aws cloudformation deploy` no-op: median {}", secs(median(&their_noops)));

        Ok(rows(&creates, &noops, &theirs, &their_noops, &version))
    }

    /// A fresh synth of the flagship (default stack name) into the scratch directory: the
    /// template the awscli deploys.
    fn synth_template(&mut self) -> Result<PathBuf> {
        let out = self.scratch.join("synth");
        let mut cmd = Command::new(&self.exe);
        cmd.env_remove(app::STACK_NAME_ENV).current_dir(&self.scratch).args(["synth", "--quiet", "--output"]).arg(&out);
        let log = self.log("synth");
        run_ok("`app synth`", &mut cmd, SHORT_LIMIT, &log)?;
        let template = out.join(format!("{}.template.json", app::STACK_ID));
        if !template.is_file() {
            return Err(format!("`app synth` wrote no {}", template.display()));
        }
        Ok(template)
    }

    /// Checks that our deployment wrote the very template the awscli is given (the same work).
    fn same_template(&self, stack: &str, template: &Path) -> Result<()> {
        let ours = self.scratch.join(format!("cdk.out-{stack}")).join(format!("{}.template.json", app::STACK_ID));
        let a = std::fs::read(&ours).map_err(|e| format!("cannot read {}: {e}", ours.display()))?;
        let b = std::fs::read(template).map_err(|e| format!("cannot read {}: {e}", template.display()))?;
        if a != b {
            return Err(format!("the template `app deploy` deployed ({}) differs from the one given to the awscli ({})", ours.display(), template.display()));
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
        let wall = run_ok(&format!("`app deploy` of new stack {stack}"), &mut cmd, CREATE_LIMIT, &log)?;
        let backend = self.backend_create_time(&stack)?;
        Ok(Create { stack, wall, backend })
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
        let wall = run_ok(&format!("`aws cloudformation deploy` of new stack {stack}"), &mut cmd, AWSCLI_CREATE_LIMIT, &log)?;
        let backend = self.backend_create_time(&stack)?;
        Ok(Create { stack, wall, backend })
    }

    fn awscli_version(&mut self) -> Result<String> {
        let mut cmd = Command::new(&self.aws);
        cmd.arg("--version");
        let log = self.log("awscli-version");
        run_ok("`aws --version`", &mut cmd, SHORT_LIMIT, &log)?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        // "aws-cli/1.46.2 Python/3.11.7 Linux/... botocore/1.43.62"
        let version = text.split_whitespace().find_map(|w| w.strip_prefix("aws-cli/")).map(str::to_string);
        version.map(|v| format!("awscli {v}")).ok_or_else(|| format!("`aws --version` printed no version: {}", text.trim()))
    }

    /// Runs a no-op deploy `runs` times; each must succeed and leave the stack's status and
    /// events as they were. Returns the wall times.
    fn noops(&mut self, stack: &str, runs: usize, mut deploy: impl FnMut(&Self, &Path) -> Result<Duration>) -> Result<Vec<Duration>> {
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

    fn stack_status(&self, stack: &str) -> Result<String> {
        let described = self
            .rt
            .block_on(framework::deploy::stack::describe(&self.cfn, stack))
            .map_err(|e| format!("cannot describe stack {stack}: {e}"))?;
        Ok(described.map(|s| s.status).unwrap_or_else(|| "(missing)".into()))
    }

    /// All the stack's events: (timestamp in seconds, resource type, logical id, status).
    fn stack_events(&self, stack: &str) -> Result<Vec<(f64, String, String, String)>> {
        self.rt.block_on(async {
            let mut events = Vec::new();
            let mut token: Option<String> = None;
            for _ in 0..50 {
                let out = self
                    .cfn
                    .client
                    .describe_stack_events()
                    .stack_name(stack)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| format!("DescribeStackEvents of {stack} failed: {}", aws_sdk_error(&e)))?;
                for e in out.stack_events() {
                    events.push((
                        e.timestamp().map(|t| t.as_secs_f64()).unwrap_or(f64::NAN),
                        e.resource_type().unwrap_or_default().to_string(),
                        e.logical_resource_id().unwrap_or_default().to_string(),
                        e.resource_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    ));
                }
                token = out.next_token().map(str::to_string);
                if token.is_none() {
                    return Ok(events);
                }
            }
            Err(format!("DescribeStackEvents of {stack}: more than 50 pages"))
        })
    }

    /// The backend's time for the stack's creation, from its own events; also checks that the
    /// stack is `CREATE_COMPLETE`.
    fn backend_create_time(&self, stack: &str) -> Result<Backend> {
        let status = self.stack_status(stack)?;
        if status != "CREATE_COMPLETE" {
            return Err(format!("stack {stack} is {status} after its deployment, not CREATE_COMPLETE"));
        }
        let events = self.stack_events(stack)?;
        // The earliest (`f64::min`) or latest (`f64::max`) of the stack's own events with a status.
        let own = |wanted: &str, pick: fn(f64, f64) -> f64| {
            events
                .iter()
                .filter(|(t, ty, id, st)| ty == "AWS::CloudFormation::Stack" && id == stack && st == wanted && t.is_finite())
                .map(|(t, ..)| *t)
                .reduce(pick)
        };
        let started = own("CREATE_IN_PROGRESS", f64::min);
        let done = own("CREATE_COMPLETE", f64::max);
        let review = own("REVIEW_IN_PROGRESS", f64::min);
        match (started, done) {
            (Some(s), Some(d)) if d >= s => Ok(Backend {
                create: Duration::from_secs_f64(d - s),
                with_change_set: review.filter(|r| d >= *r).map(|r| Duration::from_secs_f64(d - r)),
            }),
            _ => Err(format!("stack {stack}: no CREATE_IN_PROGRESS and CREATE_COMPLETE event pair with timestamps among its {} events", events.len())),
        }
    }

    /// Deletes every stack this run created, and the log groups they retain. Returns the row
    /// timing our destroy of the first measured stack.
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
        eprintln!("deploy bench: deleted {} stack(s) and the {} log group(s) they retained", self.ours.len() + self.theirs.len(), retained_groups.len());
        if destroy_times.is_empty() {
            return Err("no stack was destroyed".into());
        }
        let n = destroy_times.len();
        Ok(format!(
            "| Destroy the flagship stack: `app destroy --force` whole process (median of {n}: every stack it created) | {} | min {}, max {}; exit 0, stack gone (its log group is retained by design; deleted afterwards) |",
            secs(median(&destroy_times)),
            secs(min(&destroy_times)),
            secs(max(&destroy_times)),
        ))
    }

    /// The stack's `LogGroupName` output (the log group it retains on deletion).
    fn retained_log_group(&self, stack: &str) -> Result<Option<String>> {
        let described = self
            .rt
            .block_on(framework::deploy::stack::describe(&self.cfn, stack))
            .map_err(|e| format!("cannot describe stack {stack}: {e}"))?;
        Ok(described.and_then(|s| s.outputs.into_iter().find(|o| o.key == "LogGroupName").map(|o| o.value)))
    }

    /// `app destroy --local --force` of one of our stacks (when it exists): its wall time and
    /// the log group it retained.
    fn destroy_ours(&mut self, stack: &str) -> Result<Option<(Duration, Option<String>)>> {
        if self.stack_status(stack)? == "(missing)" {
            return Ok(None);
        }
        let group = self.retained_log_group(stack)?;
        let mut cmd = self.app(stack);
        cmd.args(["destroy", "--local", "--force", "--progress", "events"]);
        let log = self.log(&format!("destroy-{stack}"));
        let time = run_ok(&format!("`app destroy` of stack {stack}"), &mut cmd, DELETE_LIMIT, &log)?;
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
        cmd.current_dir(&self.scratch).args(["cloudformation", "delete-stack", "--stack-name", stack, "--endpoint-url", ENDPOINT]);
        let log = self.log(&format!("delete-{stack}"));
        run_ok(&format!("`aws cloudformation delete-stack` of {stack}"), &mut cmd, SHORT_LIMIT, &log)?;
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
        cmd.current_dir(&self.scratch).args(["logs", "delete-log-group", "--log-group-name", group, "--endpoint-url", ENDPOINT]);
        let log = self.log("delete-log-group");
        match run("`aws logs delete-log-group`", &mut cmd, SHORT_LIMIT, &log)? {
            (status, _) if status.success() => Ok(()),
            // Already gone (an emulator that does not keep retained resources).
            _ if std::fs::read_to_string(&log).unwrap_or_default().contains("ResourceNotFoundException") => Ok(()),
            (status, _) => Err(format!("`aws logs delete-log-group --log-group-name {group}` failed ({status}):\n{}", tail(&log))),
        }
    }

    /// A fresh log file in the scratch directory.
    fn log(&mut self, what: &str) -> PathBuf {
        self.logs += 1;
        self.scratch.join(format!("{:03}-{what}.log", self.logs))
    }
}

/// The Markdown rows of the measurements.
fn rows(creates: &[Create], noops: &[Duration], theirs: &Create, their_noops: &[Duration], awscli: &str) -> Vec<String> {
    let walls: Vec<Duration> = creates.iter().map(|c| c.wall).collect();
    let backends: Vec<Duration> = creates.iter().map(|c| c.backend.create).collect();
    let with_cs: Vec<Duration> = creates.iter().filter_map(|c| c.backend.with_change_set).collect();
    let overheads: Vec<Duration> = creates.iter().map(|c| c.wall.saturating_sub(c.backend.create)).collect();
    let ours = median(&walls);
    let overhead = median(&overheads);
    let noop = median(noops);
    let their_noop = median(their_noops);
    let ratio = theirs.wall.as_secs_f64() / ours.as_secs_f64();
    let n = creates.len();
    let list = |v: &[Duration]| v.iter().map(|d| secs(*d)).collect::<Vec<_>>().join(", ");
    vec![
        format!(
            "| Create the flagship stack from scratch: `app deploy` whole process (median of {n}, each a new stack) | {} | runs: {}; exit 0, CREATE_COMPLETE |",
            secs(ours),
            list(&walls)
        ),
        format!(
            "| The backend's own time for that create (stack events: first CREATE_IN_PROGRESS to CREATE_COMPLETE; median) | {} | runs: {}{}; our overhead over the backend (median): {}; target within about {}: {} |",
            secs(median(&backends)),
            list(&backends),
            if with_cs.is_empty() {
                String::new()
            } else {
                format!("; from the change set's REVIEW_IN_PROGRESS: {}", secs(median(&with_cs)))
            },
            secs(overhead),
            target(OVERHEAD_TARGET),
            verdict(overhead <= OVERHEAD_TARGET)
        ),
        format!(
            "| No-op deploy of the same stack: `app deploy` whole process (median of {}) | {} | min {}, max {}; exit 0 every run, no new stack event; target < {}: {} |",
            noops.len(),
            secs(noop),
            secs(min(noops)),
            secs(max(noops)),
            target(NOOP_TARGET),
            verdict(noop < NOOP_TARGET)
        ),
        format!(
            "| Create the same template with `aws cloudformation deploy` ({awscli}), new stack | {} | backend (stack events): {}; the awscli's overhead over the backend: {} (its waiter polls every 30 s) |",
            secs(theirs.wall),
            secs(theirs.backend.create),
            secs(theirs.wall.saturating_sub(theirs.backend.create))
        ),
        format!(
            "| No-op deploy with `aws cloudformation deploy --no-fail-on-empty-changeset` (median of {}) | {} | min {}, max {}; exit 0 every run, no new stack event; `app deploy` is {:.1}x faster |",
            their_noops.len(),
            secs(their_noop),
            secs(min(their_noops)),
            secs(max(their_noops)),
            their_noop.as_secs_f64() / noop.as_secs_f64()
        ),
        format!(
            "| Create: `app deploy` against `aws cloudformation deploy` | {ratio:.1}x faster | {} / {}; target at least {RATIO_TARGET:.0}x: {} |",
            secs(theirs.wall),
            secs(ours),
            verdict(ratio >= RATIO_TARGET)
        ),
    ]
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

/// Runs a child with its output in `log`, stdin closed, killed after `limit`. Returns its exit
/// status and wall time (polled every millisecond).
fn run(what: &str, cmd: &mut Command, limit: Duration, log: &Path) -> Result<(ExitStatus, Duration)> {
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("cannot reopen {}: {e}", log.display()))?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok((status, start.elapsed())),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{what} did not finish within {} s; killed it. The end of its output ({}):\n{}",
                    limit.as_secs(),
                    log.display(),
                    tail(log)
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("cannot wait for {what}: {e}"));
            }
        }
    }
}

/// [`run`], requiring exit 0; returns the wall time.
fn run_ok(what: &str, cmd: &mut Command, limit: Duration, log: &Path) -> Result<Duration> {
    let (status, time) = run(what, cmd, limit, log)?;
    if status.success() {
        Ok(time)
    } else {
        Err(format!("{what} failed ({status}). The end of its output ({}):\n{}", log.display(), tail(log)))
    }
}

/// The last 30 lines of a log.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn aws_sdk_error(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
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

fn unix_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

//! Apps of real size and hotswap (`cargo bench -p app --bench scale`), on the local emulator:
//! LocalStack on 127.0.0.1:4566, started with `scripts/localstack up` when it is not running
//! (and then stopped at the end; one already running is left running). `scripts/bench --scale`
//! runs it and puts its rows in BENCHMARKS.md.
//!
//! Side by side in one run:
//! 1. **The 1000-copies app** (16 stacks, 7,000 resources, every template about 300 kB, so
//!    staged in S3), synthesized in-process into one cloud assembly per measurement (each with
//!    stack names of its own: the log groups a destroyed stack retains keep their names), and
//!    deployed from it with the release `app` binary (`deploy --assembly DIR`), after `app
//!    bootstrap` made a toolkit stack of its own: `--concurrency 1`, then `--concurrency 4`
//!    (every stack must end CREATE_COMPLETE), the no-op re-deploy ([`NOOPS`] times, each must
//!    start no stack operation), and `destroy` with each concurrency.
//! 2. **The AWS CDK CLI** (`cdk deploy --app DIR --all --concurrency 4`, the pinned aws-cdk of
//!    `scripts/tools`) on the same app's assembly (stack names of its own), with `--toolkit-stack-name`
//!    naming our toolkit stack: it reads the bucket from the same outputs (`BucketName`,
//!    `BucketDomainName`, `BootstrapVersion`) and stages each template there itself. Then one
//!    no-op `cdk deploy --all`. Its stacks are destroyed with ours afterwards.
//! 3. **Hotswap of the flagship's definition** (a new Pass state comment, nothing else): `app
//!    deploy --hotswap` of the changed assembly ([`HOTSWAPS`] times, each must leave the stack's
//!    events as they were: no CloudFormation operation), against a full deploy of the same kind
//!    of change ([`FULL`] times, alternating two definitions), whose backend time is read from
//!    the stack's events (UPDATE_IN_PROGRESS to UPDATE_COMPLETE).
//!
//! At the end, every stack the run made is deleted, and the log groups they retain and the
//! toolkit's bucket (`scripts/bench_cleanup.py`). Every wait is bounded (a child past its limit
//! is killed); a failed step ends the run with its log's tail. Credentials: only the emulator's
//! dummy values ([`suite::bench::use_emulator_credentials_only`]).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use framework::deploy::{connect, CfnClient, Connection};
use suite::bench::{stack_events, verdict};
use suite::process::{run_limited_ok, Timed};

const ENDPOINT: &str = "http://127.0.0.1:4566";
/// Copies of the pattern in the large app (`SCALE_BENCH_COPIES` overrides it, for a quick
/// trial of the bench itself; the rows then say how many).
const COPIES: usize = 1000;

fn copies() -> usize {
    std::env::var("SCALE_BENCH_COPIES").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(COPIES)
}
/// No-op re-deploys of the large app.
const NOOPS: usize = 3;
/// Hotswaps of the flagship measured.
const HOTSWAPS: usize = 5;
/// Full deploys of the flagship's definition change measured.
const FULL: usize = 3;
/// Target: a hotswap (the whole process) takes less than this.
const HOTSWAP_TARGET: Duration = Duration::from_millis(200);

const BIG_LIMIT: Duration = Duration::from_secs(1800);
const SHORT_LIMIT: Duration = Duration::from_secs(120);
const INSTALL_LIMIT: Duration = Duration::from_secs(600);

type Result<T, E = String> = std::result::Result<T, E>;

fn main() {
    // `cargo bench` passes `--bench`; there are no options.
    suite::bench::emulator_main("scale bench", run);
}

fn run(root: &Path) -> Result<bool> {
    let scratch = std::env::temp_dir().join(format!("scale-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("cdk-run"))
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    match suite::localstack::origin().map_err(|e| format!("the local emulator (LocalStack) cannot be started: {e}"))? {
        suite::localstack::Origin::Started => {
            eprintln!("scale bench: started LocalStack (stopped when the bench ends)")
        }
        _ => eprintln!("scale bench: using the LocalStack already running on {ENDPOINT} (left running)"),
    }
    let mut tools = Command::new(root.join("scripts/tools"));
    run_limited_ok("`scripts/tools`", &mut tools, INSTALL_LIMIT, &scratch.join("tools.log"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let cfn = rt
        .block_on(connect(&Connection { local: true, ..Connection::default() }))
        .map_err(|e| format!("cannot connect to the emulator: {e}"))?;
    let prefix = format!("scale{}", unix_secs() % 1_000_000);
    let mut bench = Bench {
        root: root.to_path_buf(),
        exe: PathBuf::from(env!("CARGO_BIN_EXE_app")),
        cdk: root.join(".tools/cdk/node_modules/.bin/cdk"),
        scratch: scratch.clone(),
        toolkit: format!("{prefix}-toolkit"),
        prefix,
        rt,
        cfn,
        assemblies: Vec::new(),
        logs: 0,
        last: PathBuf::new(),
    };
    let measured = bench.measure();
    let cleanup = bench.cleanup();
    let rows = measured?;
    for row in &rows {
        println!("{row}");
    }
    match cleanup {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&scratch);
            Ok(true)
        }
        Err(e) => {
            eprintln!("scale bench: cleanup: {e}");
            Ok(false)
        }
    }
}

struct Bench {
    root: PathBuf,
    exe: PathBuf,
    cdk: PathBuf,
    scratch: PathBuf,
    prefix: String,
    toolkit: String,
    rt: tokio::runtime::Runtime,
    cfn: CfnClient,
    /// The assemblies whose stacks the run may have created (destroyed at the end).
    assemblies: Vec<PathBuf>,
    logs: usize,
    /// The log of the last command run.
    last: PathBuf,
}

impl Bench {
    fn log(&mut self, what: &str) -> PathBuf {
        self.logs += 1;
        self.scratch.join(format!("{:02}-{what}.log", self.logs))
    }

    /// Runs `cmd`, which must succeed within `limit`.
    fn timed(&mut self, what: &str, cmd: &mut Command, limit: Duration) -> Result<Timed> {
        let log = self.log(&what.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
        self.last = log.clone();
        eprintln!("scale bench: {what}");
        let t = run_limited_ok(what, cmd, limit, &log)?;
        eprintln!("scale bench: {what}: {}", secs(t.wall));
        Ok(t)
    }

    /// The last run's output.
    fn last_log(&self) -> String {
        std::fs::read_to_string(&self.last).unwrap_or_default()
    }

    fn app(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.current_dir(&self.scratch).args(args).args(["--local", "--progress", "events"]);
        cmd
    }

    fn cdk(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.cdk);
        cmd.current_dir(self.scratch.join("cdk-run"))
            .args(args)
            .args(["--no-notices", "--no-color"])
            .env("AWS_ENDPOINT_URL", ENDPOINT)
            .env("CDK_HOME", self.root.join(".tools/cdk/home"))
            .env("CDK_DISABLE_VERSION_CHECK", "1")
            .env("CDK_DISABLE_CLI_TELEMETRY", "true")
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            .env_remove("CI");
        cmd
    }

    /// The 1000-copies app's assembly with stack names `<prefix>-<tag>-NN`.
    fn copies(&mut self, tag: &str) -> Result<PathBuf> {
        let dir = self.scratch.join(format!("copies-{tag}.out"));
        let assembly = app::copies_app_named(copies(), Some(&format!("{}-{tag}-", self.prefix)))
            .synth()
            .map_err(|e| format!("the copies do not synthesize: {e}"))?;
        for s in &assembly.stacks {
            let bytes = serde_json::to_string(s.template()).map_err(|e| e.to_string())?.len();
            if bytes <= framework::deploy::TEMPLATE_BODY_LIMIT {
                return Err(format!("{} is only {bytes} bytes: not staged", s.stack_name));
            }
        }
        assembly.write(&dir).map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        self.assemblies.push(dir.clone());
        Ok(dir)
    }

    fn deploy(&mut self, what: &str, dir: &Path, concurrency: &str) -> Result<Timed> {
        let d = dir.to_str().ok_or("a non-UTF-8 path")?.to_string();
        let mut cmd = self.app(&["deploy", "--assembly", &d, "--require-approval", "never"]);
        cmd.args(["--concurrency", concurrency, "--toolkit-stack-name", &self.toolkit.clone()]);
        self.timed(what, &mut cmd, BIG_LIMIT)
    }

    fn destroy(&mut self, what: &str, dir: &Path, concurrency: &str) -> Result<Timed> {
        let d = dir.to_str().ok_or("a non-UTF-8 path")?.to_string();
        let mut cmd = self.app(&["destroy", "--assembly", &d, "--force", "--concurrency", concurrency]);
        self.timed(what, &mut cmd, BIG_LIMIT)
    }

    /// Every stack of the assembly `dir` is CREATE_COMPLETE.
    fn all_created(&self, dir: &Path) -> Result<usize> {
        let assembly = framework::CloudAssembly::read(dir).map_err(|e| e.to_string())?;
        for s in &assembly.stacks {
            let described =
                self.rt.block_on(framework::deploy::describe(&self.cfn, &s.stack_name)).map_err(|e| e.to_string())?;
            let status = described.map(|d| d.status.to_string()).unwrap_or_else(|| "(missing)".into());
            if status != "CREATE_COMPLETE" {
                return Err(format!("stack {} is {status}, not CREATE_COMPLETE", s.stack_name));
            }
        }
        Ok(assembly.stacks.len())
    }

    fn measure(&mut self) -> Result<Vec<String>> {
        let mut rows = Vec::new();
        let cdk_version = {
            let mut cmd = self.cdk(&["--version"]);
            self.timed("`cdk --version`", &mut cmd, SHORT_LIMIT)?;
            let text = self.last_log();
            text.lines()
                .rev()
                .find_map(|l| {
                    l.split_whitespace().next().filter(|w| w.starts_with(char::is_numeric)).map(str::to_string)
                })
                .unwrap_or_else(|| "?".into())
        };
        let toolkit = self.toolkit.clone();
        let mut boot = self.app(&["bootstrap", "--toolkit-stack-name", &toolkit, "--require-approval", "never"]);
        self.timed("`app bootstrap`", &mut boot, SHORT_LIMIT)?;

        let c1 = self.copies("c1")?;
        let deploy1 = self.deploy("`app deploy --concurrency 1`", &c1, "1")?;
        let stacks = self.all_created(&c1)?;
        let destroy1 = self.destroy("`app destroy --concurrency 1`", &c1, "1")?;

        let c4 = self.copies("c4")?;
        let deploy4 = self.deploy("`app deploy --concurrency 4`", &c4, "4")?;
        self.all_created(&c4)?;
        let events_before = self.events_of_all(&c4)?;
        let mut noops = Vec::new();
        for i in 1..=NOOPS {
            noops.push(self.deploy(&format!("`app deploy --concurrency 4` no-op {i}/{NOOPS}"), &c4, "4")?.wall);
        }
        if self.events_of_all(&c4)? != events_before {
            return Err("a no-op re-deploy wrote stack events".into());
        }
        let destroy4 = self.destroy("`app destroy --concurrency 4`", &c4, "4")?;

        let theirs = self.copies("cdk")?;
        let d = theirs.to_str().ok_or("a non-UTF-8 path")?.to_string();
        let cdk_args = [
            "deploy",
            "--app",
            &d,
            "--all",
            "--concurrency",
            "4",
            "--require-approval",
            "never",
            "--ci",
            "--progress",
            "events",
            "--method",
            "change-set",
            "--toolkit-stack-name",
            &toolkit,
        ];
        let mut cmd = self.cdk(&cdk_args);
        let cdk_deploy = self.timed("`cdk deploy --all --concurrency 4`", &mut cmd, BIG_LIMIT)?;
        self.all_created(&theirs)?;
        let mut cmd = self.cdk(&cdk_args);
        let cdk_noop = self.timed("`cdk deploy --all --concurrency 4` no-op", &mut cmd, BIG_LIMIT)?;
        self.destroy("`app destroy --concurrency 4` of the CDK CLI's stacks", &theirs, "4")?;

        let resources: usize = copies() * app::RESOURCES_PER_PATTERN;
        let what = format!("{} copies: {stacks} stacks, {resources} resources, every template staged in S3", copies());
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        rows.push(format!(
            "| Deploy the {what}: `app deploy --assembly DIR --concurrency 1` | {} | exit 0, every stack CREATE_COMPLETE |",
            secs(deploy1.wall)
        ));
        rows.push(format!(
            "| The same with `--concurrency 4` (fresh stack names) | {} | {:.2}x the speed of `--concurrency 1`: the emulator's one Python process shares its CPU among the stacks in flight (the AWS CDK CLI's `--concurrency 4`, below, takes as long), so it, not the client, sets the pace; on AWS, CloudFormation runs stacks in parallel |",
            secs(deploy4.wall),
            ratio(deploy1.wall, deploy4.wall)
        ));
        let noop = median(&noops);
        rows.push(format!(
            "| No-op re-deploy, `--concurrency 4` (median of {NOOPS}) | {} | min {}, max {}; no new stack event in any stack |",
            secs(noop),
            secs(*noops.iter().min().unwrap_or(&noop)),
            secs(*noops.iter().max().unwrap_or(&noop))
        ));
        rows.push(format!(
            "| `cdk deploy --app DIR --all --concurrency 4` (aws-cdk {cdk_version}, the same app, its own stack names, our toolkit stack's bucket) | {} | `app deploy --concurrency 4` takes {:.2}x its time |",
            secs(cdk_deploy.wall),
            ratio(deploy4.wall, cdk_deploy.wall)
        ));
        rows.push(format!(
            "| No-op: `cdk deploy --all --concurrency 4` | {} | ours is {:.1}x faster |",
            secs(cdk_noop.wall),
            ratio(cdk_noop.wall, noop)
        ));
        rows.push(format!("| Destroy: `app destroy --concurrency 1` | {} | every stack gone |", secs(destroy1.wall)));
        rows.push(format!(
            "| Destroy: `app destroy --concurrency 4` | {} | {:.2}x the speed of `--concurrency 1` |",
            secs(destroy4.wall),
            ratio(destroy1.wall, destroy4.wall)
        ));
        rows.extend(self.hotswap()?);
        Ok(rows)
    }

    /// The number of events of every stack of `dir`.
    fn events_of_all(&self, dir: &Path) -> Result<Vec<usize>> {
        let assembly = framework::CloudAssembly::read(dir).map_err(|e| e.to_string())?;
        assembly.stacks.iter().map(|s| stack_events(&self.rt, &self.cfn, &s.stack_name).map(|e| e.len())).collect()
    }

    /// The flagship's assembly for stack `stack` with its definition's comment `comment`.
    fn flagship(&mut self, stack: &str, comment: &str) -> Result<PathBuf> {
        let dir = self.scratch.join(format!("flagship-{comment}.out"));
        let options = app::FlagshipOptions {
            stack_name: Some(stack.to_string()),
            definition: app::pattern::definition().comment(comment),
        };
        let assembly =
            app::flagship_app_with(options).synth().map_err(|e| format!("the flagship does not synthesize: {e}"))?;
        assembly.write(&dir).map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        self.assemblies.push(dir.clone());
        Ok(dir)
    }

    fn hotswap(&mut self) -> Result<Vec<String>> {
        let stack = format!("{}-hotswap", self.prefix);
        let (a, b) = (self.flagship(&stack, "version a")?, self.flagship(&stack, "version b")?);
        let (a_arg, b_arg) = (a.to_str().ok_or("path")?.to_string(), b.to_str().ok_or("path")?.to_string());
        let mut cmd = self.app(&["deploy", "--assembly", &a_arg, "--require-approval", "never"]);
        self.timed("`app deploy` of the flagship", &mut cmd, SHORT_LIMIT)?;
        // Full deploys: b, a, b (CloudFormation holds b's template afterwards).
        let mut full = Vec::new();
        let mut backend = Vec::new();
        for i in 0..FULL {
            let dir = if i % 2 == 0 { &b_arg } else { &a_arg };
            let mut cmd = self.app(&["deploy", "--assembly", dir, "--require-approval", "never"]);
            let t =
                self.timed(&format!("full deploy of the definition change {}/{FULL}", i + 1), &mut cmd, SHORT_LIMIT)?;
            if !self.last_log().contains("updated (UPDATE_COMPLETE)") {
                return Err(format!("the full deploy did not update the stack: {}", self.last_log()));
            }
            full.push(t.wall);
            backend.push(self.update_backend(&stack)?);
        }
        // Hotswaps of a (CloudFormation still holds b, so each is a change for it).
        let events = stack_events(&self.rt, &self.cfn, &stack)?.len();
        let mut swaps = Vec::new();
        for i in 1..=HOTSWAPS {
            let mut cmd = self.app(&["deploy", "--assembly", &a_arg, "--require-approval", "never", "--hotswap"]);
            let t = self.timed(&format!("`app deploy --hotswap` {i}/{HOTSWAPS}"), &mut cmd, SHORT_LIMIT)?;
            if !self.last_log().contains("hotswapped (UPDATE_COMPLETE)") {
                return Err(format!("the run did not hotswap: {}", self.last_log()));
            }
            swaps.push(t.wall);
        }
        let after = stack_events(&self.rt, &self.cfn, &stack)?.len();
        if after != events {
            return Err(format!("hotswaps wrote stack events: {events} before, {after} after"));
        }
        let (swap, full_median, backend_median) = (median(&swaps), median(&full), median(&backend));
        Ok(vec![
            format!(
                "| Hotswap of the flagship's definition: `app deploy --assembly DIR --hotswap` whole process (median of {HOTSWAPS}) | {} | min {}, max {}; UpdateStateMachine only: the stack's {events} events before and after; target < {} ms: {} |",
                secs(swap),
                secs(*swaps.iter().min().unwrap_or(&swap)),
                secs(*swaps.iter().max().unwrap_or(&swap)),
                HOTSWAP_TARGET.as_millis(),
                verdict(swap < HOTSWAP_TARGET)
            ),
            format!(
                "| The same change through CloudFormation: `app deploy` (median of {FULL}) | {} | backend (stack events, UPDATE_IN_PROGRESS to UPDATE_COMPLETE) {}; the hotswap takes {:.0}% of this wall time |",
                secs(full_median),
                secs(backend_median),
                100.0 * swap.as_secs_f64() / full_median.as_secs_f64()
            ),
        ])
    }

    /// The backend's time of the stack's last update, from its events (newest first).
    fn update_backend(&self, stack: &str) -> Result<Duration> {
        let events = stack_events(&self.rt, &self.cfn, stack)?;
        let own = |status: &str| {
            events
                .iter()
                .find(|(_, ty, id, st)| ty == "AWS::CloudFormation::Stack" && id == stack && st == status)
                .map(|e| e.0)
        };
        match (own("UPDATE_IN_PROGRESS"), own("UPDATE_COMPLETE")) {
            (Some(start), Some(end)) => Ok(Duration::from_secs_f64((end - start).max(0.0))),
            _ => Err(format!("stack {stack}: no UPDATE_IN_PROGRESS and UPDATE_COMPLETE events")),
        }
    }

    /// Deletes every stack the run may have made, then what they retain by design.
    fn cleanup(&mut self) -> Result<()> {
        let mut problems = Vec::new();
        for dir in self.assemblies.clone() {
            if let Err(e) = self.destroy(&format!("cleanup: destroy {}", dir.display()), &dir, "4") {
                problems.push(e);
            }
        }
        let toolkit = constructs::staging::StagingOptions { stack_name: self.toolkit.clone(), ..Default::default() };
        let bucket = self
            .rt
            .block_on(framework::deploy::find_staging(&self.cfn, &self.toolkit))
            .ok()
            .flatten()
            .map(|b| b.bucket);
        let dir = self.scratch.join("toolkit.out");
        match constructs::staging::staging_app(&toolkit).synth() {
            Ok(a) => {
                if let Err(e) = a.write(&dir) {
                    problems.push(e.to_string());
                } else if let Err(e) = self.destroy("cleanup: destroy the toolkit stack", &dir, "1") {
                    problems.push(e);
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
        let python = self.root.join(".tools/localstack-venv/bin/python");
        let mut cmd = Command::new(python);
        cmd.arg(self.root.join("scripts/bench_cleanup.py")).args(["--endpoint", ENDPOINT]);
        cmd.args(["--log-group-prefix", &format!("/aws/vendedlogs/states/{}-", self.prefix)]);
        if let Some(b) = bucket {
            cmd.args(["--bucket", &b]);
        }
        if let Err(e) = self.timed("cleanup: retained log groups and the toolkit bucket", &mut cmd, BIG_LIMIT) {
            problems.push(e);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

fn median(times: &[Duration]) -> Duration {
    suite::bench::stats(times.to_vec()).median
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(10) {
        format!("{:.3} s", d.as_secs_f64())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn unix_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

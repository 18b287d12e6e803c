//! Synth benchmarks (`cargo bench -p app --bench synth`).
//!
//! Measures, on the release build:
//! - the flagship app synthesized in-process (build the tree + validate + render), and the same
//!   with the cloud assembly written to disk;
//! - the whole `app synth` process (spawn, synth, write the cloud assembly, print the template);
//! - 1000 copies of the pattern (7000 resources in stacks of at most 450 resources), in-process
//!   and as a whole fresh process (this bench's own binary in child mode), with that process's
//!   peak memory (VmHWM);
//! - the same two apps written with AWS CDK in plain JavaScript (`app/benches/cdk-flagship/`:
//!   `app.js` for the flagship, `copies.js` for the 1000 copies), each run as `node app.js`
//!   writing its cloud assembly to `$CDK_OUTDIR`: with AWS CDK's default built-in template
//!   validation (aws-cdk-lib >= 2.27x validates every template at synth with a WebAssembly
//!   engine) and with it turned off (`CDK_VALIDATION=false`); and the flagship through the AWS CDK
//!   CLI as a user types it (`cdk synth --app "node app.js" --quiet`). Before timing, one run of
//!   each is compared with ours: the same stacks, resource logical IDs and types, and outputs.
//!
//! Every row that writes a cloud assembly writes into a directory that does not exist before the
//! run (a new one per run; the previous run's directory is removed outside the timed region),
//! and checks afterwards that the run wrote `manifest.json`. `CloudAssembly::write` skips files
//! whose content is unchanged, so rewriting an unchanged directory only compares: the one row that
//! measures that (the edit-synth loop) says so.
//!
//! AWS CDK comes from `.tools/cdk-lib/node_modules` (aws-cdk-lib and constructs, installed pinned
//! by `scripts/bench`; another directory with `CDK_LIB_NODE_MODULES`) and the CLI from
//! `.tools/cdk` (`scripts/tools`). When they are missing, the AWS CDK rows say "not measured"
//! and why.
//!
//! Prints one Markdown table row `| What | Median | p95 | Min | Target |` per measurement;
//! `scripts/bench` puts them in BENCHMARKS.md. Progress goes to stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use suite::bench::{self, stats, target_ms, verdict, Stats};

/// Child mode: build, synthesize and write 1000 copies into the directory this variable names,
/// then print the peak resident memory in KiB.
const CHILD_ENV: &str = "SYNTH_BENCH_CHILD";
/// Copies in the large app.
const COPIES: usize = 1000;

fn main() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child_copies(Path::new(&dir));
        return;
    }
    // `cargo bench` passes `--bench`; ignore arguments.
    let out = scratch_dir("synth-bench");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);

    let flagship = measure(20, 300, || {
        let app = app::flagship_app();
        std::hint::black_box(app.synth().expect("flagship synthesizes"));
    });
    report("flagship app, in-process: build + validate + synth (nothing written)", &flagship, "");

    let mut fresh = Fresh::new(&out, "flagship");
    let flagship_write = measure_fresh(20, 300, &mut fresh, |dir| {
        let app = app::flagship_app();
        app.synth().expect("flagship synthesizes").write(dir).expect("write");
    });
    report(
        "flagship app, in-process: build + validate + synth + write a new cloud assembly directory",
        &flagship_write,
        "",
    );

    let exe = PathBuf::from(env!("CARGO_BIN_EXE_app"));
    let app_synth = |dir: &Path| {
        let status = Command::new(&exe)
            .env_remove(app::STACK_NAME_ENV)
            .args(["synth", "--output"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .expect("run app synth");
        assert!(status.success(), "app synth failed");
    };
    let mut fresh = Fresh::new(&out, "process");
    let process = measure_fresh(5, 100, &mut fresh, app_synth);
    report(
        "`app synth` whole process: writes a new cloud assembly directory, prints the template",
        &process,
        &target_ms(process.median, Duration::from_millis(5)),
    );
    let unchanged = out.join("unchanged");
    app_synth(&unchanged);
    let rewrite = measure(5, 100, || app_synth(&unchanged));
    report(
        "`app synth` whole process into an unchanged cloud assembly directory (the edit-synth loop: compares each file, writes none), prints the template",
        &rewrite,
        "",
    );

    let mut fresh = Fresh::new(&out, "copies");
    let copies = measure_fresh(3, 20, &mut fresh, |dir| {
        let app = app::copies_app(COPIES);
        app.synth().expect("copies synthesize").write(dir).expect("write");
    });
    report(
        "1000 copies (7000 resources, 16 stacks), in-process: build + validate + synth + write a new cloud assembly directory",
        &copies,
        &target_ms(copies.median, Duration::from_millis(100)),
    );

    // A fresh process per run: its wall time and its peak memory.
    let mut peaks = Vec::new();
    let mut fresh = Fresh::new(&out, "copies-process");
    let copies_process = measure_fresh(1, 10, &mut fresh, |dir| peaks.push(copies_child(dir)));
    report(
        "1000 copies, whole process: a fresh process builds, validates, synthesizes and writes them into a new cloud assembly directory",
        &copies_process,
        "",
    );
    let peak = peaks.iter().copied().max().unwrap_or(0);
    println!(
        "| 1000 copies: peak memory of that process (VmHWM, highest of {} runs) | {:.1} MB | | | target < 50 MB: {} |",
        peaks.len(),
        peak as f64 / 1024.0,
        verdict(peak < 50 * 1024)
    );

    eprintln!("synth bench: AWS CDK");
    match AwsCdk::find(&root, &out) {
        Ok(cdk) => cdk.rows(&root, &process, &copies_process),
        Err(why) => {
            for what in ["`node app.js` (the flagship)", "`node copies.js` (1000 copies)", "`cdk synth` (the flagship)"]
            {
                println!("| AWS CDK {what}: not measured: {why} | | | | |");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// Runs in a fresh process: synthesize the copies into `dir`, print peak resident memory in KiB.
fn child_copies(dir: &Path) {
    let app = app::copies_app(COPIES);
    app.synth().expect("copies synthesize").write(dir).expect("write");
    drop(app);
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM in /proc/self/status");
    println!("{hwm}");
}

/// One child run into `dir`; its peak memory in KiB.
fn copies_child(dir: &Path) -> u64 {
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(exe).env(CHILD_ENV, dir).stdin(Stdio::null()).output().expect("run child");
    assert!(output.status.success(), "child failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("child prints KiB")
}

/// The AWS CDK side: node, aws-cdk-lib, the CLI and the JavaScript apps.
struct AwsCdk {
    node: PathBuf,
    node_modules: PathBuf,
    cli: PathBuf,
    apps: PathBuf,
    out: PathBuf,
    /// "aws-cdk-lib 2.276.0, node v20.20.2"
    versions: String,
}

impl AwsCdk {
    fn find(root: &Path, out: &Path) -> Result<AwsCdk, String> {
        let node_modules = std::env::var_os("CDK_LIB_NODE_MODULES")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join(".tools/cdk-lib/node_modules"));
        let lib = node_modules.join("aws-cdk-lib/package.json");
        if !lib.is_file() {
            return Err(format!(
                "aws-cdk-lib is not installed in {} (`scripts/bench` installs it)",
                node_modules.display()
            ));
        }
        let cli = root.join(".tools/cdk/node_modules/.bin/cdk");
        if !cli.is_file() {
            return Err("the AWS CDK CLI is not installed (`scripts/tools` installs it)".into());
        }
        let node = PathBuf::from(std::env::var_os("NODE").unwrap_or_else(|| "node".into()));
        let text = |cmd: &mut Command| -> Result<String, String> {
            let o = cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot run node: {e}"))?;
            if !o.status.success() {
                return Err(format!("node failed: {}", String::from_utf8_lossy(&o.stderr).trim()));
            }
            Ok(String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        let node_version = text(Command::new(&node).arg("--version"))?;
        let lib_version = text(Command::new(&node).args(["-p", "require(process.argv[1]).version"]).arg(&lib))?;
        let cli_version = text(
            Command::new(&node)
                .args(["-p", "require(process.argv[1]).version"])
                .arg(root.join(".tools/cdk/node_modules/aws-cdk/package.json")),
        )?;
        Ok(AwsCdk {
            node,
            node_modules,
            cli,
            apps: root.join("app/benches/cdk-flagship"),
            out: out.to_path_buf(),
            versions: format!("aws-cdk-lib {lib_version}, node {node_version}; CLI aws-cdk {cli_version}"),
        })
    }

    /// `node <script>` writing its assembly into `dir`, with AWS CDK's built-in validation on or off.
    fn node_app(&self, script: &str, validation: bool, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.node);
        cmd.arg(self.apps.join(script))
            .env("NODE_PATH", &self.node_modules)
            .env("CDK_OUTDIR", dir)
            .env_remove(app::STACK_NAME_ENV)
            .env_remove("CDK_CONTEXT_JSON")
            .current_dir(&self.out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if validation {
            cmd.env_remove("CDK_VALIDATION");
        } else {
            cmd.env("CDK_VALIDATION", "false");
        }
        cmd
    }

    /// The AWS CDK CLI's `cdk synth` of the flagship into `dir`, offline: no notices, version
    /// check, telemetry, credentials or AWS calls; its state in .tools/cdk/home; run from the
    /// scratch directory (no cdk.json or cdk.context.json of the repo is read or written).
    fn cli_synth(&self, root: &Path, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.cli);
        cmd.args(["synth", "--app"])
            .arg(format!("{} {}", self.node.display(), self.apps.join("app.js").display()))
            .arg("--output")
            .arg(dir)
            .args(["--quiet", "--no-notices", "--no-version-reporting", "--no-color", "--no-lookups"])
            .env("NODE_PATH", &self.node_modules)
            .env("CDK_HOME", root.join(".tools/cdk/home"))
            .env("CDK_DISABLE_VERSION_CHECK", "1")
            .env("CDK_DISABLE_CLI_TELEMETRY", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_REGION", "us-east-1")
            .env_remove("CI")
            .env_remove(app::STACK_NAME_ENV);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if k.starts_with("AWS_")
                && !matches!(
                    k.as_str(),
                    "AWS_CONFIG_FILE" | "AWS_SHARED_CREDENTIALS_FILE" | "AWS_EC2_METADATA_DISABLED" | "AWS_REGION"
                )
            {
                cmd.env_remove(k);
            }
        }
        cmd.current_dir(&self.out).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        cmd
    }

    fn rows(&self, root: &Path, ours_flagship: &Stats, ours_copies: &Stats) {
        // The same work: one run of each app compared with ours, before any timing.
        let ours = self.out.join("ours-flagship");
        app::flagship_app().synth().expect("flagship synthesizes").write(&ours).expect("write");
        let ours_copies_dir = self.out.join("ours-copies");
        app::copies_app(COPIES).synth().expect("copies synthesize").write(&ours_copies_dir).expect("write");
        let same_flagship = self.compare("app.js", &ours);
        let same_copies = self.compare("copies.js", &ours_copies_dir);

        let vs = |theirs: &Stats, ours: &Stats, what: &str| {
            format!("ours ({what}) is {:.0}x faster", theirs.median.as_secs_f64() / ours.median.as_secs_f64())
        };
        let v = &self.versions;
        let run = |script: &'static str, validation: bool| {
            move |dir: &Path| {
                let out = self.node_app(script, validation, dir).output().expect("run node");
                assert!(out.status.success(), "node {script} failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        };

        let mut fresh = Fresh::new(&self.out, "cdk-flagship");
        let s = measure_fresh(1, 10, &mut fresh, run("app.js", true));
        report(
            &format!("AWS CDK ({v}): `node app.js`, the flagship ({same_flagship}), writes a new cloud assembly directory; built-in template validation on (the default)"),
            &s,
            &vs(&s, ours_flagship, "`app synth` process"),
        );
        let mut fresh = Fresh::new(&self.out, "cdk-flagship-noval");
        let s = measure_fresh(1, 10, &mut fresh, run("app.js", false));
        report(
            "AWS CDK: the same, built-in template validation off (`CDK_VALIDATION=false`)",
            &s,
            &vs(&s, ours_flagship, "`app synth` process"),
        );
        let mut fresh = Fresh::new(&self.out, "cdk-cli");
        let s = measure_fresh(1, 5, &mut fresh, |dir| {
            let out = self.cli_synth(root, dir).output().expect("run cdk synth");
            assert!(out.status.success(), "cdk synth failed: {}", String::from_utf8_lossy(&out.stderr));
        });
        report(
            "AWS CDK CLI: `cdk synth --app \"node app.js\" --quiet` (offline), the flagship, writes a new cloud assembly directory; validation on",
            &s,
            &vs(&s, ours_flagship, "`app synth` process"),
        );
        let mut fresh = Fresh::new(&self.out, "cdk-copies");
        let s = measure_fresh(1, 3, &mut fresh, run("copies.js", true));
        report(
            &format!("AWS CDK: `node copies.js`, 1000 copies ({same_copies}), writes a new cloud assembly directory; validation on (the default)"),
            &s,
            &vs(&s, ours_copies, "whole process"),
        );
        let mut fresh = Fresh::new(&self.out, "cdk-copies-noval");
        let s = measure_fresh(1, 3, &mut fresh, run("copies.js", false));
        report("AWS CDK: the same, validation off (`CDK_VALIDATION=false`)", &s, &vs(&s, ours_copies, "whole process"));
    }

    /// Synthesizes `script` once and compares its assembly with ours (`compare.js`): a short
    /// description of what is the same, e.g. "the same 1 stack, 8 resources (logical IDs and
    /// types) and 2 outputs as ours". Panics when they differ.
    fn compare(&self, script: &str, ours: &Path) -> String {
        let theirs = self.out.join(format!("compare-{script}"));
        let out = self.node_app(script, false, &theirs).output().expect("run node");
        assert!(out.status.success(), "node {script} failed: {}", String::from_utf8_lossy(&out.stderr));
        let out = Command::new(&self.node)
            .arg(self.apps.join("compare.js"))
            .arg(ours)
            .arg(&theirs)
            .stdin(Stdio::null())
            .output()
            .expect("run compare.js");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            out.status.success(),
            "the AWS CDK app {script} does not synthesize what ours does:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_dir_all(&theirs);
        text
    }
}

/// New, not yet existing directories for the runs of one measurement.
struct Fresh {
    base: PathBuf,
    n: usize,
}

impl Fresh {
    fn new(out: &Path, name: &str) -> Fresh {
        Fresh { base: out.join(name), n: 0 }
    }

    fn next(&mut self) -> PathBuf {
        self.n += 1;
        let dir = self.base.with_file_name(format!("{}-{}", self.base.file_name().unwrap().to_string_lossy(), self.n));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}

fn measure(warmup: usize, runs: usize, mut f: impl FnMut()) -> Stats {
    for _ in 0..warmup {
        f();
    }
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    stats(times)
}

/// Like [`measure`], each run (warm-ups too) writing into a directory that does not exist
/// before it; checks that the run wrote a cloud assembly there, then removes it (untimed).
fn measure_fresh(warmup: usize, runs: usize, fresh: &mut Fresh, mut f: impl FnMut(&Path)) -> Stats {
    let mut one = || {
        let dir = fresh.next();
        assert!(!dir.exists(), "{} exists before the run", dir.display());
        let start = Instant::now();
        f(&dir);
        let time = start.elapsed();
        assert!(dir.join("manifest.json").is_file(), "the run wrote no {}/manifest.json", dir.display());
        std::fs::remove_dir_all(&dir).expect("remove the run's output");
        time
    };
    for _ in 0..warmup {
        one();
    }
    stats((0..runs).map(|_| one()).collect())
}

fn report(what: &str, s: &Stats, target: &str) {
    bench::report("synth bench", what, s, target, ms);
}

/// "0.079 ms"; "4.312 s" from 1 s on.
fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.3} s", d.as_secs_f64())
    } else {
        format!("{:.3} ms", d.as_secs_f64() * 1000.0)
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

//! Running the toolkit's binaries in end-to-end tests: isolated from the caller's AWS settings,
//! with no terminal, output captured.

use std::fs::File;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// One finished run of a binary.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Exit code 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Everything about the run, for assertion messages.
    pub fn text(&self) -> String {
        format!("exit {:?} after {:?}\n--- stdout\n{}--- stderr\n{}", self.code, self.elapsed, self.stdout, self.stderr)
    }
}

/// Runs `cmd` in `dir` with no `AWS_*` variables inherited from the caller (so nothing reaches a
/// real account), instance metadata off, and stdin closed (no terminal: prompts must refuse).
pub fn run_isolated(cmd: &mut Command, dir: &Path) -> Run {
    isolate(cmd, dir).stdin(Stdio::null());
    let t0 = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: t0.elapsed(),
    }
}

/// Prepares `cmd` as [`run_isolated`] does (no `AWS_*` variables, instance metadata off, in
/// `dir`), leaving stdin to the caller.
pub fn isolate<'a>(cmd: &'a mut Command, dir: &Path) -> &'a mut Command {
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true").current_dir(dir)
}

/// Starts `cmd` isolated, stdout and stderr captured, stdin closed; [`finish`] collects it.
pub fn spawn_isolated(cmd: &mut Command, dir: &Path) -> (std::process::Child, Instant) {
    isolate(cmd, dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    (child, Instant::now())
}

/// Waits for a child started by [`spawn_isolated`].
pub fn finish(child: std::process::Child, t0: Instant) -> Run {
    let out = child.wait_with_output().expect("wait for the child");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: t0.elapsed(),
    }
}

/// Sends `signal` (`INT`, `TERM`) to process `pid`.
pub fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Waits until `ready()` holds, checking every 50 ms for at most `limit`; false on time-out.
pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    ready()
}

/// A finished child: its wall time, and when it started and ended (Unix seconds).
#[derive(Clone, Copy)]
pub struct Timed {
    /// Wall time.
    pub wall: Duration,
    /// When it started, in seconds since the Unix epoch.
    pub start: f64,
    /// When it ended, in seconds since the Unix epoch.
    pub end: f64,
}

/// Runs a child with its output in `log`, stdin closed, killed after `limit`. Returns its exit
/// status and times (its exit polled every millisecond).
pub fn run_limited(what: &str, cmd: &mut Command, limit: Duration, log: &Path) -> Result<(ExitStatus, Timed), String> {
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("cannot reopen {}: {e}", log.display()))?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let start_at = unix_now();
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let wall = start.elapsed();
                return Ok((status, Timed { wall, start: start_at, end: start_at + wall.as_secs_f64() }));
            }
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

/// [`run_limited`], requiring exit 0.
pub fn run_limited_ok(what: &str, cmd: &mut Command, limit: Duration, log: &Path) -> Result<Timed, String> {
    let (status, time) = run_limited(what, cmd, limit, log)?;
    if status.success() {
        Ok(time)
    } else {
        Err(format!("{what} failed ({status}). The end of its output ({}):\n{}", log.display(), tail(log)))
    }
}

/// The last 30 lines of a log.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

//! Running the toolkit's binaries in end-to-end tests: isolated from the caller's AWS settings,
//! with no terminal, output captured.

use std::path::Path;
use std::process::{Command, Stdio};
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
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true").current_dir(dir).stdin(Stdio::null());
    let t0 = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: t0.elapsed(),
    }
}

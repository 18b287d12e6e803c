//! The local AWS emulator for end-to-end tests: [`endpoint`] makes sure LocalStack is serving
//! on 127.0.0.1:4566, starting it with `scripts/localstack up` when it is not.
//!
//! A LocalStack started by tests is stopped once the last test process using it has exited:
//! each process takes a lease and leaves a detached watchdog that drops the lease when the
//! process ends and stops the server when no lease is left (`tests/support/localstack-lease`).
//! A LocalStack that was already running when the tests began is never stopped by them.

use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::repo_root;

/// The emulator's endpoint.
pub const ENDPOINT: &str = "http://127.0.0.1:4566";

/// How the running LocalStack came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This process started it.
    Started,
    /// An earlier test process started it; shared.
    Shared,
    /// It was running before any test; never stopped by tests.
    External,
}

/// Ensures LocalStack is serving and returns its endpoint. Fails the calling test with the
/// script's output when it cannot be started.
pub fn endpoint() -> &'static str {
    match origin() {
        Ok(_) => ENDPOINT,
        Err(e) => panic!("{e}"),
    }
}

/// Ensures LocalStack is serving (once per process) and says who started it.
pub fn origin() -> Result<Origin, String> {
    static ORIGIN: OnceLock<Result<Origin, String>> = OnceLock::new();
    ORIGIN.get_or_init(acquire).clone()
}

fn acquire() -> Result<Origin, String> {
    let root = repo_root();
    let lease = root.join("tests/support/localstack-lease");
    let pid = std::process::id().to_string();
    let out = Command::new(&lease)
        .args(["acquire", &pid])
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", lease.display()))?;
    if !out.status.success() {
        return Err(format!(
            "starting LocalStack failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let origin = match String::from_utf8_lossy(&out.stdout).trim() {
        "started" => Origin::Started,
        "shared" => Origin::Shared,
        _ => return Ok(Origin::External),
    };
    // Detached (own session) so that it outlives this process, even on Ctrl-C.
    let spawned = Command::new("setsid")
        .arg(&lease)
        .args(["watch", &pid])
        .current_dir(&root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: cannot start the LocalStack watchdog ({e}); stop it with scripts/localstack down");
    }
    Ok(origin)
}

/// Held by the tests that send events on the emulator's default bus (`send-events`) and by the
/// one that deploys the 1000-copies app, so that they never run at the same time: each of the
/// copies' 1,000 rules matches the flagship's sample events, so each sample event would start
/// 1,000 executions, and the emulator would not start the test's own within its time limit.
pub fn default_bus() -> MutexGuard<'static, ()> {
    static BUS: Mutex<()> = Mutex::new(());
    // A test that failed while holding it leaves it poisoned; the bus is fine.
    BUS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

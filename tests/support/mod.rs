//! Shared support for the integration tests in `tests/`.

use std::path::PathBuf;

pub mod bench;
pub mod corpus;
pub mod fault_proxy;
pub mod fixture;
pub mod localstack;
pub mod process;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suite-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

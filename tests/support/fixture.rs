//! A deployable stack for one end-to-end test: a unique CloudFormation stack name (so tests run
//! in parallel and never see each other's stacks) and a working directory of its own, with the
//! emulator running.

use std::path::PathBuf;

use crate::localstack;

/// A test's stack name and directory.
#[derive(Debug)]
pub struct TestStack {
    /// The CloudFormation stack name: `suite-<test>-<pid>`.
    pub stack: String,
    /// A fresh directory for the test's runs (their `cdk.out/`, outputs files).
    pub dir: PathBuf,
}

impl TestStack {
    /// Makes sure LocalStack serves, and names the stack and directory of `test`.
    pub fn new(test: &str) -> TestStack {
        localstack::endpoint();
        let stack = format!("suite-{test}-{}", std::process::id());
        TestStack { dir: crate::temp_dir(&stack), stack }
    }
}

//! End-to-end tests of `deploy` and `destroy` when the API misbehaves: the fixture binary
//! (`tests/bin/deploy_fixture.rs`) talks to LocalStack through a [`FaultProxy`]
//! (`--endpoint-url`) that throttles, fails, delays or drops chosen CloudFormation calls. Each
//! test checks that the run converges (or, when the tool must give up, that it says so as
//! documented) and that a later run without faults converges too. Every test uses its own stack
//! name, so they run in parallel with each other and with `tests/deploy_localstack.rs`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use suite::fault_proxy::{Call, Calls, Fault, FaultProxy, Rule};
use suite::localstack;
use suite::process::{run_isolated, Run};

/// LocalStack, as the proxy's upstream.
const UPSTREAM: &str = "127.0.0.1:4566";

/// The `--timeout` of the runs that must give up.
const TIMEOUT_SECS: &str = "20";

/// How long a run with `--timeout 20` may take in all (start-up and the final report included).
const GIVE_UP_WITHIN: Duration = Duration::from_secs(25);

/// A stack of the fixture app (variant `v1`) with a unique name and its own working directory.
struct Fixture {
    stack: String,
    dir: PathBuf,
}

impl Fixture {
    fn new(test: &str) -> Fixture {
        localstack::endpoint();
        let stack = format!("suite-fault-{test}-{}", std::process::id());
        Fixture { dir: suite::temp_dir(&stack), stack }
    }

    /// Runs the fixture binary with `--local --progress events`, through `proxy` when given
    /// (`--endpoint-url`), else straight to the emulator.
    fn run(&self, proxy: Option<&FaultProxy>, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_deploy-fixture"));
        cmd.args(args).arg("--local").args(["--progress", "events"]);
        if let Some(proxy) = proxy {
            cmd.args(["--endpoint-url", &proxy.endpoint()]);
        }
        cmd.env("FIXTURE_STACK", &self.stack).env("FIXTURE_VARIANT", "v1");
        run_isolated(&mut cmd, &self.dir)
    }

    fn deploy(&self, proxy: Option<&FaultProxy>, extra: &[&str]) -> Run {
        let mut args = vec!["deploy", "--require-approval", "never"];
        args.extend_from_slice(extra);
        self.run(proxy, &args)
    }

    fn destroy(&self, proxy: Option<&FaultProxy>, extra: &[&str]) -> Run {
        let mut args = vec!["destroy", "--force"];
        args.extend_from_slice(extra);
        self.run(proxy, &args)
    }

    /// Asserts that `run` created the stack.
    fn assert_created(&self, run: &Run, proxy: &FaultProxy) {
        assert!(run.ok(), "{}{}", run.text(), log(proxy));
        let created = format!("{}: created (CREATE_COMPLETE)", self.stack);
        assert!(run.stdout.contains(&created), "{}{}", run.text(), log(proxy));
        assert_eq!(run.stdout.matches(&created).count(), 1, "{}", run.text());
    }

    /// Asserts that `run` deleted the stack.
    fn assert_destroyed(&self, run: &Run, proxy: &FaultProxy) {
        assert!(run.ok(), "{}{}", run.text(), log(proxy));
        assert!(run.stdout.contains("DELETE_COMPLETE"), "events streamed: {}{}", run.text(), log(proxy));
        assert!(run.stdout.contains(&format!("{}: destroyed", self.stack)), "{}{}", run.text(), log(proxy));
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Best effort: leave no stack behind, even when an assertion failed.
        let _ = self.destroy(None, &[]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The proxy's log, for assertion messages.
fn log(proxy: &FaultProxy) -> String {
    let lines: Vec<String> = proxy
        .calls()
        .iter()
        .map(|c| format!("  {} #{} fault {:?} upstream {:?}", c.operation, c.number, c.fault, c.upstream_status))
        .collect();
    format!("--- proxy log\n{}\n", lines.join("\n"))
}

/// The calls of `operation` that got `fault`.
fn faulted(proxy: &FaultProxy, operation: &str, fault: &Fault) -> Vec<Call> {
    proxy.calls_of(operation).into_iter().filter(|c| c.fault.as_ref() == Some(fault)).collect()
}

/// How many calls of `operation` the upstream answered with 200 (the call took effect).
fn succeeded(proxy: &FaultProxy, operation: &str) -> usize {
    proxy.calls_of(operation).iter().filter(|c| c.upstream_status == Some(200)).count()
}

/// Rules that lose every DescribeStacks request (and every DescribeStackEvents request, so that
/// no other way to see the end is left) once the upstream has answered `operation`: the run
/// cannot know how the operation ends, and must give up at its `--timeout`.
fn blind_after(operation: &str) -> Vec<Rule> {
    ["DescribeStacks", "DescribeStackEvents"]
        .iter()
        .map(|op| Rule::on(op, Calls::All, Fault::DropBeforeForward).after(operation))
        .collect()
}

/// Asserts that `run` gave up at its `--timeout` with the documented message, after requests
/// were lost.
fn assert_gave_up(run: &Run, proxy: &FaultProxy) {
    assert_eq!(run.code, Some(1), "{}{}", run.text(), log(proxy));
    assert!(run.elapsed < GIVE_UP_WITHIN, "gave up after {:?}: {}", run.elapsed, run.text());
    assert!(run.stderr.contains("error: "), "{}", run.text());
    assert!(run.stderr.contains("last known status"), "{}", run.text());
    assert!(run.stderr.contains("CloudFormation goes on with the operation on its own"), "{}", run.text());
    let lost = proxy.calls().iter().any(|c| c.fault == Some(Fault::DropBeforeForward));
    assert!(lost, "it gave up before losing any request: {}{}", run.text(), log(proxy));
}

#[test]
fn throttled_describe_calls_are_retried_by_deploy_and_destroy() {
    let f = Fixture::new("throttle");
    let rules = || {
        vec![
            Rule::on("DescribeStacks", Calls::First(3), Fault::Throttle),
            // Call 1 reads the newest event before the operation; 2 to 4 are the first polls.
            Rule::on("DescribeStackEvents", Calls::Range(2, 4), Fault::Throttle),
        ]
    };

    let proxy = FaultProxy::start(UPSTREAM, rules());
    let created = f.deploy(Some(&proxy), &[]);
    f.assert_created(&created, &proxy);
    assert!(created.stdout.contains("CREATE_COMPLETE"), "events streamed: {}", created.text());
    assert_eq!(faulted(&proxy, "DescribeStacks", &Fault::Throttle).len(), 3, "{}", log(&proxy));
    assert_eq!(faulted(&proxy, "DescribeStackEvents", &Fault::Throttle).len(), 3, "{}", log(&proxy));
    assert_eq!(succeeded(&proxy, "ExecuteChangeSet"), 1, "{}", log(&proxy));

    let proxy = FaultProxy::start(UPSTREAM, rules());
    let destroyed = f.destroy(Some(&proxy), &[]);
    f.assert_destroyed(&destroyed, &proxy);
    assert_eq!(faulted(&proxy, "DescribeStacks", &Fault::Throttle).len(), 3, "{}", log(&proxy));
    assert_eq!(faulted(&proxy, "DescribeStackEvents", &Fault::Throttle).len(), 3, "{}", log(&proxy));

    let again = f.destroy(None, &[]);
    assert!(again.ok() && again.stdout.contains("does not exist; nothing to destroy"), "{}", again.text());
}

#[test]
fn server_errors_on_the_change_set_calls_are_retried() {
    let f = Fixture::new("unavailable");
    let proxy = FaultProxy::start(
        UPSTREAM,
        vec![
            Rule::on("CreateChangeSet", Calls::Nth(1), Fault::ServerError(503)),
            Rule::on("ExecuteChangeSet", Calls::Nth(1), Fault::ServerError(503)),
        ],
    );
    let created = f.deploy(Some(&proxy), &[]);
    f.assert_created(&created, &proxy);
    for op in ["CreateChangeSet", "ExecuteChangeSet"] {
        assert_eq!(faulted(&proxy, op, &Fault::ServerError(503)).len(), 1, "{op}: {}", log(&proxy));
        assert_eq!(succeeded(&proxy, op), 1, "{op} took effect once: {}", log(&proxy));
    }

    let noop = f.deploy(None, &[]);
    assert!(noop.ok() && noop.stdout.contains("no changes"), "{}", noop.text());
}

#[test]
fn a_lost_create_change_set_answer_is_found_by_the_retry() {
    let f = Fixture::new("lost-create");
    let proxy = FaultProxy::start(UPSTREAM, vec![Rule::on("CreateChangeSet", Calls::Nth(1), Fault::DropAfterForward)]);
    let created = f.deploy(Some(&proxy), &[]);
    let creates = proxy.calls_of("CreateChangeSet");
    assert_eq!(creates[0].upstream_status, Some(200), "the first attempt landed: {}", log(&proxy));
    f.assert_created(&created, &proxy);
    assert!(creates.len() >= 2, "the answer was lost, so the call was retried: {}", log(&proxy));
    assert_eq!(succeeded(&proxy, "ExecuteChangeSet"), 1, "one change set executed: {}", log(&proxy));

    let noop = f.deploy(None, &[]);
    assert!(noop.ok() && noop.stdout.contains("no changes"), "{}", noop.text());
}

#[test]
fn a_lost_execute_change_set_answer_does_not_stop_the_deployment() {
    let f = Fixture::new("lost-execute");
    let proxy = FaultProxy::start(UPSTREAM, vec![Rule::on("ExecuteChangeSet", Calls::Nth(1), Fault::DropAfterForward)]);
    let created = f.deploy(Some(&proxy), &[]);
    let executes = proxy.calls_of("ExecuteChangeSet");
    assert_eq!(executes[0].upstream_status, Some(200), "the first attempt landed: {}", log(&proxy));
    f.assert_created(&created, &proxy);
    assert_eq!(succeeded(&proxy, "CreateChangeSet"), 1, "{}", log(&proxy));
    // A second execution of the same change set is refused (InvalidChangeSetStatus): it ran once.
    assert_eq!(succeeded(&proxy, "ExecuteChangeSet"), 1, "the stack was created once: {}", log(&proxy));

    let noop = f.deploy(None, &[]);
    assert!(noop.ok() && noop.stdout.contains("no changes"), "{}", noop.text());
}

#[test]
fn slow_describe_stacks_answers_only_slow_the_deployment_down() {
    let f = Fixture::new("slow");
    let delay = Duration::from_secs(2);
    let proxy = FaultProxy::start(UPSTREAM, vec![Rule::on("DescribeStacks", Calls::Range(2, 3), Fault::Delay(delay))]);
    let created = f.deploy(Some(&proxy), &[]);
    f.assert_created(&created, &proxy);
    let delayed = faulted(&proxy, "DescribeStacks", &Fault::Delay(delay));
    assert_eq!(delayed.len(), 2, "{}", log(&proxy));
    assert!(delayed.iter().all(|c| c.upstream_status == Some(200)), "forwarded after the delay: {}", log(&proxy));
    assert!(created.elapsed >= 2 * delay, "{:?}", created.elapsed);

    let noop = f.deploy(None, &[]);
    assert!(noop.ok() && noop.stdout.contains("no changes"), "{}", noop.text());
}

#[test]
fn deploy_gives_up_at_its_timeout_and_a_rerun_converges() {
    let f = Fixture::new("deploy-timeout");
    let proxy = FaultProxy::start(UPSTREAM, blind_after("ExecuteChangeSet"));
    let gave_up = f.deploy(Some(&proxy), &["--timeout", TIMEOUT_SECS]);
    assert_gave_up(&gave_up, &proxy);
    assert_eq!(succeeded(&proxy, "ExecuteChangeSet"), 1, "the change set was executed: {}", log(&proxy));

    let rerun = f.deploy(None, &[]);
    assert!(rerun.ok(), "{}", rerun.text());
    let converged = rerun.stdout.contains("no changes") || rerun.stdout.contains(&format!("{}: created", f.stack));
    assert!(converged, "{}", rerun.text());
}

#[test]
fn destroy_gives_up_at_its_timeout_and_a_rerun_converges() {
    let f = Fixture::new("destroy-timeout");
    let created = f.deploy(None, &[]);
    assert!(created.ok(), "{}", created.text());

    let proxy = FaultProxy::start(UPSTREAM, blind_after("DeleteStack"));
    let gave_up = f.destroy(Some(&proxy), &["--timeout", TIMEOUT_SECS]);
    assert_gave_up(&gave_up, &proxy);
    assert_eq!(succeeded(&proxy, "DeleteStack"), 1, "the deletion was started: {}", log(&proxy));

    let rerun = f.destroy(None, &[]);
    assert!(rerun.ok(), "{}", rerun.text());
    let converged =
        rerun.stdout.contains("does not exist; nothing to destroy") || rerun.stdout.contains("DELETE_COMPLETE");
    assert!(converged, "{}", rerun.text());
}

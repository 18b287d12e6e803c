//! End-to-end tests of `deploy` and `destroy` when the API misbehaves: the fixture binary
//! (`tests/bin/deploy_fixture.rs`) talks to LocalStack through a [`FaultProxy`]
//! (`--endpoint-url`) that throttles, fails, delays or drops chosen CloudFormation calls. Each
//! test checks that the run converges (or, when the tool must give up, that it says so as
//! documented) and that a later run without faults converges too. Every test uses its own stack
//! name, so they run in parallel with each other and with `deploy_localstack`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use suite::fault_proxy::{Call, Calls, Fault, FaultProxy, Rule};
use suite::fixture::TestStack;
use suite::process::{finish, run_isolated, send_signal, spawn_isolated, wait_until, Run};

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
        let TestStack { stack, dir } = TestStack::new(&format!("fault-{test}"));
        Fixture { stack, dir }
    }

    /// Runs the fixture binary with `--local --progress events`, through `proxy` when given
    /// (`--endpoint-url`), else straight to the emulator.
    fn run(&self, proxy: Option<&FaultProxy>, args: &[&str]) -> Run {
        run_isolated(&mut self.command(proxy, args), &self.dir)
    }

    /// The fixture binary's command line (`--local --progress events`, through `proxy`).
    fn command(&self, proxy: Option<&FaultProxy>, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_deploy-fixture"));
        cmd.args(args).arg("--local").args(["--progress", "events"]);
        if let Some(proxy) = proxy {
            cmd.args(["--endpoint-url", &proxy.endpoint()]);
        }
        cmd.env("FIXTURE_STACK", &self.stack).env("FIXTURE_VARIANT", "v1");
        cmd
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

/// How long a test waits for the run to reach the phase it interrupts.
const PHASE_LIMIT: Duration = Duration::from_secs(60);

/// Asserts that a run interrupted before ExecuteChangeSet deleted its change set (and the empty
/// stack a CREATE change set made), exited 130, and that the next run creates the stack anew.
fn assert_interrupted_before_execute(f: &Fixture, run: &Run) {
    assert_eq!(run.code, Some(130), "{}", run.text());
    let text = format!("{}{}", run.stdout, run.stderr);
    assert!(text.contains("error: interrupted (SIGINT) before the change set deploy-"), "{}", run.text());
    assert!(
        text.contains(
            "it has been deleted, with the empty stack (REVIEW_IN_PROGRESS) created to hold it; nothing was changed"
        ),
        "{}",
        run.text()
    );
    let rerun = f.deploy(None, &[]);
    assert!(rerun.ok(), "{}", rerun.text());
    assert!(rerun.stdout.contains("creating a change set (CREATE)"), "nothing was left behind: {}", rerun.text());
    assert!(rerun.stdout.contains(&format!("{}: created (CREATE_COMPLETE)", f.stack)), "{}", rerun.text());
}

#[test]
fn sigint_while_the_change_set_is_computed_deletes_it_and_the_empty_stack() {
    let f = Fixture::new("sigint-computing");
    // DescribeChangeSet answers slowly: the run sits in the "computing" phase.
    let proxy = FaultProxy::start(
        UPSTREAM,
        vec![Rule::on("DescribeChangeSet", Calls::All, Fault::Delay(Duration::from_secs(3)))],
    );
    let (child, t0) = spawn_isolated(&mut f.command(Some(&proxy), &["deploy", "--require-approval", "never"]), &f.dir);
    assert!(wait_until(PHASE_LIMIT, || proxy.count("DescribeChangeSet") > 0), "{}", log(&proxy));
    send_signal(child.id(), "INT");
    let run = finish(child, t0);
    assert_interrupted_before_execute(&f, &run);
    assert_eq!(proxy.count("ExecuteChangeSet"), 0, "{}", log(&proxy));
    assert!(proxy.count("DeleteChangeSet") > 0 && proxy.count("DeleteStack") > 0, "{}", log(&proxy));
}

#[test]
fn sigint_while_waiting_for_approval_deletes_the_change_set() {
    let f = Fixture::new("sigint-approval");
    // A terminal (script's pseudo-terminal) on stdin, so that the default approval level asks
    // (the fixture adds an IAM role) and waits for an answer that never comes.
    let marker = f.dir.join(format!("{}-outputs.json", f.stack));
    let exe = env!("CARGO_BIN_EXE_deploy-fixture");
    let line = format!("{exe} deploy --local --progress events --outputs-file {}", marker.display());
    let mut cmd = Command::new("script");
    cmd.args(["-qfec", &line, "/dev/null"]).env("FIXTURE_STACK", &f.stack).env("FIXTURE_VARIANT", "v1");
    suite::process::isolate(&mut cmd, &f.dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let t0 = std::time::Instant::now();
    let mut child = cmd.spawn().expect("script (util-linux) runs");
    // Held open: an EOF on the terminal would answer the question.
    let stdin = child.stdin.take();
    let mut stdout = child.stdout.take().expect("stdout");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let asked = wait_until(PHASE_LIMIT, || seen.lock().unwrap().contains("Proceed with the deployment"));
    assert!(asked, "no question: {}", seen.lock().unwrap());
    let pid = Command::new("pgrep").args(["-f", &marker.display().to_string()]).output().expect("pgrep");
    let pids = String::from_utf8_lossy(&pid.stdout).to_string();
    // The fixture itself (not script or its shell): the newest process with the marker.
    let fixture_pid: u32 = pids.lines().filter_map(|p| p.trim().parse().ok()).max().expect("the fixture's pid");
    send_signal(fixture_pid, "INT");
    let status = child.wait().expect("script ends");
    reader.join().expect("reader");
    drop(stdin);
    let text = seen.lock().unwrap().clone();
    let run = Run { code: status.code(), stdout: text, stderr: String::new(), elapsed: t0.elapsed() };
    assert_interrupted_before_execute(&f, &run);
}

#[test]
fn sigint_while_executing_says_the_operation_goes_on() {
    let f = Fixture::new("sigint-executing");
    // Once the change set is executed, the stack is seen slowly: the run sits in "executing".
    let rules = ["DescribeStacks", "DescribeStackEvents"]
        .iter()
        .map(|op| Rule::on(op, Calls::All, Fault::Delay(Duration::from_secs(3))).after("ExecuteChangeSet"))
        .collect();
    let proxy = FaultProxy::start(UPSTREAM, rules);
    let (child, t0) = spawn_isolated(&mut f.command(Some(&proxy), &["deploy", "--require-approval", "never"]), &f.dir);
    let executed = wait_until(PHASE_LIMIT, || succeeded(&proxy, "ExecuteChangeSet") > 0);
    assert!(executed, "{}", log(&proxy));
    send_signal(child.id(), "INT");
    let run = finish(child, t0);
    assert_eq!(run.code, Some(130), "{}", run.text());
    assert!(
        run.stderr.contains(&format!(
            "error: interrupted (SIGINT) during the deployment of stack {} (last known status: ",
            f.stack
        )),
        "{}",
        run.text()
    );
    assert!(run.stderr.contains("CloudFormation goes on with the operation on its own"), "{}", run.text());
    assert_eq!(proxy.count("DeleteChangeSet"), 0, "an executed change set is left alone: {}", log(&proxy));
    // The next run converges: the stack was created server-side.
    let converged = wait_until(PHASE_LIMIT, || {
        let rerun = f.deploy(None, &[]);
        rerun.ok() && rerun.stdout.contains("no changes")
    });
    assert!(converged, "the re-run converges");
}

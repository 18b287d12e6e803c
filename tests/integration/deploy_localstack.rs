//! End-to-end tests of `deploy`, `diff` and `destroy` against LocalStack (started by the test support
//! when it is not running), with the small app in `tests/bin/deploy_fixture.rs`. Every test uses
//! its own stack name, so they run in parallel and never see each other's stacks.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use suite::fixture::TestStack;
use suite::process::{run_isolated, Run};

/// A stack of the fixture app with a unique name and its own working directory.
struct Fixture {
    stack: String,
    dir: PathBuf,
}

impl Fixture {
    fn new(test: &str) -> Fixture {
        let TestStack { stack, dir } = TestStack::new(test);
        Fixture { stack, dir }
    }

    /// Runs the fixture binary (`FIXTURE_VARIANT=variant`) against the emulator, with no
    /// terminal on stdin and no AWS settings inherited from the caller's environment.
    fn run(&self, variant: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_deploy-fixture"));
        cmd.args(args).arg("--local");
        if args.first().is_some_and(|c| *c != "diff") {
            cmd.args(["--progress", "events"]);
        }
        self.command(&mut cmd, variant)
    }

    fn command(&self, cmd: &mut Command, variant: &str) -> Run {
        cmd.env("FIXTURE_STACK", &self.stack).env("FIXTURE_VARIANT", variant);
        run_isolated(cmd, &self.dir)
    }

    /// [`run`](Self::run) with `env` set too.
    fn run_env(&self, variant: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_deploy-fixture"));
        cmd.args(args).arg("--local");
        if args.first().is_some_and(|c| *c != "diff") {
            cmd.args(["--progress", "events"]);
        }
        cmd.envs(env.iter().copied());
        self.command(&mut cmd, variant)
    }

    fn deploy(&self, variant: &str, extra: &[&str]) -> Run {
        let mut args = vec!["deploy", "--require-approval", "never"];
        args.extend_from_slice(extra);
        self.run(variant, &args)
    }

    fn outputs(&self, file: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(self.dir.join(file)).expect("outputs file written");
        serde_json::from_str::<serde_json::Value>(&text).expect("outputs file is JSON")[&self.stack].clone()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Best effort: leave no stack behind, even when an assertion failed.
        let _ = self.run("v1", &["destroy", "--force"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn create_noop_update_and_destroy() {
    let f = Fixture::new("lifecycle");

    // Not deployed yet: everything is new.
    let all_new = f.run("v1", &["diff", "--fail"]);
    assert_eq!(all_new.code, Some(1), "--fail: differences exit 1: {}", all_new.text());
    assert!(all_new.stdout.contains(&format!("Stack {}", f.stack)), "{}", all_new.text());
    assert!(
        all_new.stdout.contains("[+] AWS::IAM::Role Role Role")
            && all_new.stdout.contains("[+] AWS::Logs::LogGroup Logs Logs"),
        "{}",
        all_new.text()
    );
    assert!(f.run("v1", &["diff"]).ok(), "without --fail, differences exit 0");

    let created = f.deploy("v1", &["--outputs-file", "out/outputs.json"]);
    assert!(created.ok(), "{}", created.text());
    assert!(created.stdout.contains(&format!("{}: creating a change set (CREATE)", f.stack)), "{}", created.text());
    assert!(
        created.stdout.contains("Add     Role  AWS::IAM::Role       (Fixture/Role)"),
        "changes listed: {}",
        created.text()
    );
    assert!(
        created.stdout.contains("CREATE_COMPLETE              AWS::IAM::Role"),
        "events streamed: {}",
        created.text()
    );
    assert!(created.stdout.contains(&format!("{}: created (CREATE_COMPLETE)", f.stack)), "{}", created.text());
    assert!(created.stdout.contains(&format!("{}.StageName = dev", f.stack)), "outputs printed: {}", created.text());
    let outputs = f.outputs("out/outputs.json");
    assert!(
        outputs["RoleArn"].as_str().is_some_and(|a| a.starts_with("arn:aws:iam::") && a.contains(":role/")),
        "{outputs}"
    );
    assert_eq!(outputs["StageName"], "dev");
    let log_group = outputs["LogGroupName"].as_str().expect("log group output").to_string();
    assert!(!log_group.is_empty());
    assert!(f.dir.join("cdk.out/Fixture.template.json").exists(), "the deployed assembly is written");

    let noop = f.deploy("v1", &[]);
    assert!(noop.ok(), "{}", noop.text());
    assert!(noop.stdout.contains("no changes (template, parameters and tags as deployed"), "{}", noop.text());
    assert!(!noop.stdout.contains("change set"), "a no-op creates no change set: {}", noop.text());
    assert!(noop.elapsed < Duration::from_secs(2), "no-op deploy took {:?}", noop.elapsed);

    let same = f.run("v1", &["diff", "--fail"]);
    assert!(same.ok() && same.stdout.contains("There were no differences"), "{}", same.text());

    let forced = f.deploy("v1", &["--force"]);
    assert!(forced.ok(), "{}", forced.text());
    assert!(
        forced.stdout.contains("no changes (CloudFormation found nothing to change; the change set has been deleted)"),
        "{}",
        forced.text()
    );

    let changes = f.run("v2", &["diff"]);
    assert!(changes.ok(), "{}", changes.text());
    let expected = "Resources\n[+] AWS::Logs::LogGroup AuditLogs AuditLogs\n[~] AWS::IAM::Role Role Role\n └─ [~] Description\n     ├─ [-] deploy fixture role\n     └─ [+] deploy fixture role (v2)\n";
    assert!(changes.stdout.contains(expected), "exactly the change: {}", changes.text());
    assert!(!changes.stdout.contains("IAM Statement Changes"), "{}", changes.text());

    let updated = f.deploy("v2", &["--parameters", "Fixture:Stage=prod", "--outputs-file", "outputs.json"]);
    assert!(updated.ok(), "{}", updated.text());
    assert!(updated.stdout.contains("the template changed; parameter Stage changed"), "{}", updated.text());
    assert!(updated.stdout.contains("creating a change set (UPDATE)"), "{}", updated.text());
    assert!(updated.stdout.contains("Add     AuditLogs  AWS::Logs::LogGroup"), "{}", updated.text());
    assert!(updated.stdout.contains("Modify  Role       AWS::IAM::Role"), "{}", updated.text());
    assert!(updated.stdout.contains(&format!("{}: updated (UPDATE_COMPLETE)", f.stack)), "{}", updated.text());
    assert_eq!(f.outputs("outputs.json")["StageName"], "prod");

    let same = f.run("v2", &["diff", "--fail"]);
    assert!(same.ok() && same.stdout.contains("There were no differences"), "{}", same.text());

    // A parameter not given keeps its deployed value: still a no-op.
    let noop = f.deploy("v2", &[]);
    assert!(noop.ok() && noop.stdout.contains("no changes"), "{}", noop.text());
    assert!(noop.stdout.contains(&format!("{}.StageName = prod", f.stack)), "{}", noop.text());

    let refused = f.run("v2", &["destroy"]);
    assert!(!refused.ok(), "{}", refused.text());
    assert!(refused.stderr.contains("not a terminal") && refused.stderr.contains("--force"), "{}", refused.text());

    let destroyed = f.run("v2", &["destroy", "--force"]);
    assert!(destroyed.ok(), "{}", destroyed.text());
    assert!(
        destroyed.stdout.contains("DELETE_COMPLETE              AWS::CloudFormation::Stack"),
        "events streamed: {}",
        destroyed.text()
    );
    let retained =
        format!("retained (DeletionPolicy): Logs AWS::Logs::LogGroup (Fixture/Logs) physical ID {log_group}");
    assert!(destroyed.stdout.contains(&retained), "{}", destroyed.text());
    assert!(!destroyed.stdout.contains("retained (DeletionPolicy): AuditLogs"), "{}", destroyed.text());

    let again = f.run("v2", &["destroy", "--force"]);
    assert!(again.ok() && again.stdout.contains("does not exist; nothing to destroy"), "{}", again.text());
}

#[test]
fn failed_create_names_the_resource_then_recovers_from_rollback_complete() {
    let f = Fixture::new("failure");

    let failed = f.deploy("broken", &[]);
    assert_eq!(failed.code, Some(1), "{}", failed.text());
    let cause = "root cause: WorkflowMachine5C3734F6 AWS::StepFunctions::StateMachine (construct Fixture/Workflow/Machine) CREATE_FAILED: ";
    assert!(failed.stderr.contains(cause), "{}", failed.text());
    assert!(failed.stderr.contains("NoSuchType"), "the service's reason is printed: {}", failed.text());
    assert!(failed.stderr.contains(&format!("stack {} failed: ROLLBACK_COMPLETE", f.stack)), "{}", failed.text());
    let root = failed.stderr.find("root cause").unwrap_or(usize::MAX);
    let status = failed.stderr.find("failed: ROLLBACK_COMPLETE").unwrap_or(0);
    assert!(root < status, "root cause first, then the final status: {}", failed.text());

    let fixed = f.deploy("v1", &[]);
    assert!(fixed.ok(), "{}", fixed.text());
    assert!(
        fixed.stdout.contains("ROLLBACK_COMPLETE after a failed creation; deleting it to create it again"),
        "{}",
        fixed.text()
    );
    assert!(fixed.stdout.contains(&format!("{}: created (CREATE_COMPLETE)", f.stack)), "{}", fixed.text());
}

#[test]
fn approval_needs_a_terminal_and_nothing_is_left_behind() {
    let f = Fixture::new("approval");

    // The default level (broadening) asks because the app adds an IAM role; stdin is no terminal.
    let refused = f.run("v1", &["deploy"]);
    assert_eq!(refused.code, Some(1), "{}", refused.text());
    assert!(refused.stdout.contains("Add     Role  AWS::IAM::Role"), "the changes are shown first: {}", refused.text());
    let widening = "Role adds Allow sts:AssumeRole on ${Role.Arn} for Service:states.amazonaws.com";
    assert!(refused.stdout.contains(&format!("permissions: {widening}")), "{}", refused.text());
    assert!(
        refused
            .stderr
            .contains(&format!("needs approval (--require-approval broadening: IAM permissions widen ({widening}))")),
        "{}",
        refused.text()
    );
    assert!(refused.stderr.contains("rerun with --require-approval never"), "{}", refused.text());

    let any = f.run("v1", &["deploy", "--require-approval", "any-change"]);
    assert_eq!(any.code, Some(1), "{}", any.text());
    assert!(any.stderr.contains("--require-approval any-change: 2 change(s)"), "{}", any.text());

    // The refused deployments created nothing: the next one is a plain CREATE.
    let created = f.deploy("v1", &[]);
    assert!(created.ok(), "{}", created.text());
    assert!(
        created.stdout.contains("creating a change set (CREATE)")
            && created.stdout.contains("created (CREATE_COMPLETE)"),
        "{}",
        created.text()
    );
}

#[test]
fn termination_protection_follows_the_app() {
    let f = Fixture::new("protection");

    let protected = f.deploy("protected", &[]);
    assert!(protected.ok(), "{}", protected.text());
    let refused = f.run("protected", &["destroy", "--force"]);
    assert_eq!(refused.code, Some(1), "{}", refused.text());
    assert!(refused.stderr.contains("termination protection is enabled"), "{}", refused.text());

    // Same template without protection: no change set, protection turned off.
    let unprotected = f.deploy("v1", &[]);
    assert!(unprotected.ok(), "{}", unprotected.text());
    assert!(
        unprotected.stdout.contains("no changes") && unprotected.stdout.contains("termination protection disabled"),
        "{}",
        unprotected.text()
    );
    let destroyed = f.run("v1", &["destroy", "--force"]);
    assert!(destroyed.ok(), "{}", destroyed.text());
}

#[test]
fn invalid_template_is_rejected_before_anything_is_created() {
    let f = Fixture::new("invalid");
    let rejected = f.deploy("unresolved", &[]);
    assert_eq!(rejected.code, Some(1), "{}", rejected.text());
    assert!(
        rejected.stderr.contains(&format!("CreateChangeSet failed for stack {}: ValidationError: ", f.stack)),
        "{}",
        rejected.text()
    );
    assert!(rejected.stderr.contains("Unresolved resource dependencies [Nope]"), "{}", rejected.text());
    let fixed = f.deploy("v1", &[]);
    assert!(fixed.ok() && fixed.stdout.contains("creating a change set (CREATE)"), "{}", fixed.text());
}

#[test]
fn an_output_only_change_is_deployed_and_read_back() {
    let f = Fixture::new("outputs");
    assert!(f.deploy("v1", &[]).ok());
    // Only an output changes: the change set has no resource change but is not empty.
    let added = f.deploy("outputs", &["--outputs-file", "outputs.json"]);
    assert!(added.ok(), "{}", added.text());
    assert!(
        added.stdout.contains("no resource changes; outputs, exports or stack metadata change"),
        "{}",
        added.text()
    );
    assert!(added.stdout.contains(&format!("{}: updated (UPDATE_COMPLETE)", f.stack)), "{}", added.text());
    assert!(added.stdout.contains(&format!("{}.Extra = added", f.stack)), "{}", added.text());
    assert_eq!(f.outputs("outputs.json")["Extra"], "added", "read back from DescribeStacks");
    let again = f.deploy("outputs", &[]);
    assert!(
        again.ok() && again.stdout.contains("no changes (template, parameters and tags as deployed"),
        "{}",
        again.text()
    );
}

#[test]
fn a_producer_gains_an_export_for_a_new_cross_stack_reference() {
    let f = Fixture::new("export");
    assert!(f.deploy("v1", &[]).ok());
    let both = f.deploy("consumer", &[]);
    assert!(both.ok(), "{}", both.text());
    // The producer's change set only adds the export; it is executed, so the import resolves.
    let producer = format!("{}: no resource changes; outputs, exports or stack metadata change", f.stack);
    assert!(both.stdout.contains(&producer), "{}", both.text());
    assert!(both.stdout.contains(&format!("{}: updated (UPDATE_COMPLETE)", f.stack)), "{}", both.text());
    assert!(both.stdout.contains(&format!("{}-consumer: created (CREATE_COMPLETE)", f.stack)), "{}", both.text());
    let destroyed = f.run("consumer", &["destroy", "--force"]);
    assert!(destroyed.ok(), "consumer first, then the producer: {}", destroyed.text());
}

#[test]
fn a_stack_of_another_account_is_refused_before_anything_changes() {
    let f = Fixture::new("foreign");
    let proxy = suite::fault_proxy::FaultProxy::start("127.0.0.1:4566", Vec::new());
    let endpoint = proxy.endpoint();
    for command in [&["deploy", "--require-approval", "never"][..], &["diff"], &["destroy", "--force"]] {
        let mut args = command.to_vec();
        args.extend(["--endpoint-url", endpoint.as_str()]);
        let refused = f.run("foreign", &args);
        assert_eq!(refused.code, Some(1), "{command:?}: {}", refused.text());
        let line = format!(
            "error: stack {} (Fixture) belongs to account 111111111111 (aws://111111111111/unknown-region), but the \
             credentials in use are for account 000000000000: refusing to touch it",
            f.stack
        );
        assert!(refused.stderr.contains(&line), "{command:?}: {}", refused.text());
    }
    // STS was asked; CloudFormation was at most read (deploy reads alongside the check), never changed.
    let operations: Vec<String> = proxy.counts().into_keys().collect();
    assert!(operations.contains(&"GetCallerIdentity".to_string()), "{operations:?}");
    let reads = ["GetCallerIdentity", "DescribeStacks", "GetTemplate"];
    assert!(operations.iter().all(|op| reads.contains(&op.as_str())), "only reads: {operations:?}");
    let created = f.deploy("v1", &[]);
    assert!(created.ok() && created.stdout.contains("creating a change set (CREATE)"), "{}", created.text());
    assert!(
        created.stdout.contains(&format!(
            "Deploying {} to account 000000000000, region us-east-1 at http://127.0.0.1:4566",
            f.stack
        )),
        "{}",
        created.text()
    );
}

#[test]
fn destruction_is_held_without_a_terminal_and_goes_through_when_allowed() {
    let f = Fixture::new("destructive");
    assert!(f.deploy("v2", &[]).ok());
    // Back to v1: AuditLogs (no retaining policy) would be deleted.
    let held = f.run("v1", &["deploy"]);
    assert_eq!(held.code, Some(1), "{}", held.text());
    assert!(held.stdout.contains("  destroys: AuditLogs AWS::Logs::LogGroup: removed"), "{}", held.text());
    assert!(
        held.stderr.contains(
            "needs approval (--require-approval broadening: 1 resource(s) would be destroyed (AuditLogs removed))"
        ),
        "{}",
        held.text()
    );
    assert!(held.stderr.contains("rerun with --require-approval permissions"), "{}", held.text());
    let diff = f.run("v1", &["diff", "--fail"]);
    assert_eq!(diff.code, Some(1), "nothing was deployed: {}", diff.text());

    let allowed = f.run("v1", &["deploy", "--require-approval", "permissions"]);
    assert!(allowed.ok(), "{}", allowed.text());
    assert!(allowed.stdout.contains("DELETE_COMPLETE") && allowed.stdout.contains("AuditLogs"), "{}", allowed.text());

    // A replacement is held too (LocalStack reports Replacement: True for a role's new Path, as AWS does).
    let replaced = f.run("renamed", &["deploy"]);
    assert_eq!(replaced.code, Some(1), "{}", replaced.text());
    assert!(
        replaced.stdout.contains("  destroys: Role AWS::IAM::Role (Fixture/Role): replaced"),
        "{}",
        replaced.text()
    );
    let allowed = f.deploy("renamed", &[]);
    assert!(allowed.ok(), "{}", allowed.text());

    // The retained log group removed from the app is orphaned, not destroyed (the role's Path
    // going back replaces it again, hence `permissions`).
    let orphaned = f.run("orphan", &["deploy", "--require-approval", "permissions"]);
    assert!(orphaned.ok(), "{}", orphaned.text());
    assert!(
        orphaned.stdout.contains("  orphans: Logs AWS::Logs::LogGroup: no longer managed by the stack but kept in the account (DeletionPolicy Retain)"),
        "{}",
        orphaned.text()
    );
    assert!(!orphaned.stdout.contains("destroys: Logs"), "{}", orphaned.text());
    assert!(orphaned.stdout.contains("DELETE_SKIPPED               AWS::Logs::LogGroup"), "{}", orphaned.text());
}

#[test]
fn concurrent_stacks_run_side_by_side_and_a_failure_stops_what_has_not_started() {
    let f = Fixture::new("fleet");
    let (first, second, third) = (f.stack.clone(), format!("{}-b", f.stack), format!("{}-c", f.stack));
    // The first two are independent and start together; the second fails; the third waits for
    // both, so it never starts. The first one finishes all the same.
    let broken = f.deploy("fleet-broken", &["--concurrency", "2"]);
    assert_eq!(broken.code, Some(1), "{}", broken.text());
    let out = &broken.stdout;
    let line = |l: &str| out.find(l).unwrap_or_else(|| panic!("no line {l:?} in: {}", broken.text()));
    assert!(
        line(&format!("{second}: creating a change set (CREATE)"))
            < line(&format!("{first}: created (CREATE_COMPLETE)")),
        "the second stack started before the first one ended: {}",
        broken.text()
    );
    assert!(!out.contains(&format!("{third}: creating a change set")), "{}", broken.text());
    assert!(out.contains("Summary: 3 stacks in "), "{}", broken.text());
    assert!(out.contains(&format!("  {first}: created (CREATE_COMPLETE) in ")), "{}", broken.text());
    assert!(
        out.contains(&format!("  {second}: failed: stack {second} failed: ROLLBACK_COMPLETE")),
        "{}",
        broken.text()
    );
    assert!(
        out.contains(&format!("  {third}: not started (it waits for {second}, which did not succeed)")),
        "{}",
        broken.text()
    );
    assert!(broken.stderr.contains(&format!("stack {second} failed")), "{}", broken.text());

    // Fixed: the failed creation is replaced, the first stack is left as it is, the third follows.
    let fixed = f.deploy("fleet", &["--concurrency", "2"]);
    assert!(fixed.ok(), "{}", fixed.text());
    assert!(fixed.stdout.contains(&format!("  {first}: unchanged (CREATE_COMPLETE)")), "{}", fixed.text());
    assert!(fixed.stdout.contains(&format!("  {second}: created (CREATE_COMPLETE)")), "{}", fixed.text());
    assert!(fixed.stdout.contains(&format!("  {third}: created (CREATE_COMPLETE)")), "{}", fixed.text());

    // Destroy goes the other way: the third before the two it depends on.
    let destroyed = f.run("fleet", &["destroy", "--force", "--concurrency", "2"]);
    assert!(destroyed.ok(), "{}", destroyed.text());
    let out = &destroyed.stdout;
    let at = |l: &str| out.find(l).unwrap_or_else(|| panic!("no line {l:?} in: {}", destroyed.text()));
    let third_gone = at(&format!("{third}: destroyed in "));
    assert!(third_gone < at(&format!("{first}: destroying")), "{}", destroyed.text());
    assert!(third_gone < at(&format!("{second}: destroying")), "{}", destroyed.text());
    assert!(out.contains("Summary: 3 stacks in ") && out.contains(": 3 succeeded"), "{}", destroyed.text());
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

/// How many events the stack has: a hotswap must add none.
fn stack_events(stack: &str) -> usize {
    runtime().block_on(async {
        let config = framework::deploy::load(&framework::deploy::Connection { local: true, ..Default::default() })
            .await
            .expect("connect");
        let cfn = config.cloudformation();
        let (mut count, mut token) = (0, None);
        loop {
            let page = cfn.client.describe_stack_events().stack_name(stack).set_next_token(token).send().await;
            let page = page.expect("DescribeStackEvents");
            count += page.stack_events().len();
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return count;
            }
        }
    })
}

/// The definition Step Functions has for the state machine `arn`.
fn definition(arn: &str) -> String {
    runtime().block_on(async {
        let config = framework::deploy::load(&framework::deploy::Connection { local: true, ..Default::default() })
            .await
            .expect("connect");
        let sfn = aws_sdk_sfn::Client::new(&config.sdk_config);
        let described = sfn.describe_state_machine().state_machine_arn(arn).send().await.expect("DescribeStateMachine");
        described.definition().to_string()
    })
}

#[test]
fn hotswap_updates_a_definition_in_place_and_a_normal_deploy_reconciles() {
    let f = Fixture::new("hotswap");
    let created = f.deploy("machine", &["--outputs-file", "out/first.json"]);
    assert!(created.ok(), "{}", created.text());
    let outputs = f.outputs("out/first.json");
    let (machine, role) = (outputs["MachineArn"].as_str().unwrap(), outputs["RoleArn"].as_str().unwrap());
    assert!(definition(machine).contains("\"Comment\": \"first\""), "{}", definition(machine));
    let events = stack_events(&f.stack);

    // Only the definition changes: Step Functions is called, CloudFormation changes nothing.
    let second = [("FIXTURE_COMMENT", "second")];
    let swapped = f.run_env("machine", &second, &["deploy", "--require-approval", "never", "--hotswap"]);
    assert!(swapped.ok(), "{}", swapped.text());
    let out = &swapped.stdout;
    let line = format!("{}: hotswapped AWS::StepFunctions::StateMachine ", f.stack);
    assert!(
        out.contains(&line) && out.contains("(Fixture/Workflow/Machine) (DefinitionString) in "),
        "{}",
        swapped.text()
    );
    assert!(out.contains("drift from their template on purpose"), "{}", swapped.text());
    assert!(out.contains(&format!("{}: hotswapped (CREATE_COMPLETE) in ", f.stack)), "{}", swapped.text());
    assert!(!out.contains("creating a change set"), "{}", swapped.text());
    assert_eq!(stack_events(&f.stack), events, "no new stack event: CloudFormation did nothing");
    // The Fn::Join was evaluated against the deployed stack: the role's real ARN is in it.
    let now = definition(machine);
    assert!(now.contains("\"Comment\": \"second\"") && now.contains(role), "{now}");

    // The stack has drifted: its template differs from CloudFormation's, and a normal deploy
    // reconciles it through a change set.
    let drift = f.run_env("machine", &second, &["diff", "--fail"]);
    assert_eq!(drift.code, Some(1), "{}", drift.text());
    let reconciled = f.run_env("machine", &second, &["deploy", "--require-approval", "never"]);
    assert!(reconciled.ok(), "{}", reconciled.text());
    assert!(reconciled.stdout.contains(&format!("{}: updated (UPDATE_COMPLETE)", f.stack)), "{}", reconciled.text());
    assert!(f.run_env("machine", &second, &["diff", "--fail"]).ok(), "in sync again");

    // A hotswap reverted in the code: the template is CloudFormation's again, so a deploy is a
    // no-op while the machine runs the hotswapped definition; `--hotswap --force` puts the
    // template's values back, still without a stack operation.
    let third = [("FIXTURE_COMMENT", "third")];
    let swapped = f.run_env("machine", &third, &["deploy", "--require-approval", "never", "--hotswap"]);
    assert!(swapped.ok() && definition(machine).contains("\"Comment\": \"third\""), "{}", swapped.text());
    let reverted = f.run_env("machine", &second, &["deploy", "--require-approval", "never"]);
    assert!(reverted.ok() && reverted.stdout.contains("no changes"), "{}", reverted.text());
    let events = stack_events(&f.stack);
    let forced = f.run_env("machine", &second, &["deploy", "--require-approval", "never", "--hotswap", "--force"]);
    assert!(forced.ok(), "{}", forced.text());
    assert!(forced.stdout.contains(&line), "{}", forced.text());
    assert!(definition(machine).contains("\"Comment\": \"second\""), "back to the template's: {}", definition(machine));
    assert_eq!(stack_events(&f.stack), events, "still no stack operation");

    // A change no API makes in place goes through CloudFormation, saying why.
    let cold = f.run_env("machine-tagged", &second, &["deploy", "--require-approval", "never", "--hotswap"]);
    assert!(cold.ok(), "{}", cold.text());
    assert!(
        cold.stdout.contains("cannot hotswap, deploying through CloudFormation: resource ")
            && cold.stdout.contains("TracingConfiguration cannot be updated in place"),
        "{}",
        cold.text()
    );
    assert!(cold.stdout.contains(&format!("{}: updated (UPDATE_COMPLETE)", f.stack)), "{}", cold.text());
}

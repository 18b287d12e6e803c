//! The 1000-copies app at full size on the local emulator: 16 stacks of up to 448 resources,
//! every template over CloudFormation's 51,200-byte inline limit (so staged in S3), deployed
//! from its cloud assembly (`deploy --assembly`) with `--concurrency 4`: bootstrap, create,
//! a no-op re-deploy, destroy. The stacks and the toolkit stack have names of their own.

use std::process::Command;

use suite::fixture::TestStack;
use suite::process::{run_isolated, Run};

#[test]
fn the_1000_copies_app_deploys_with_concurrency_then_is_a_no_op_then_is_destroyed() {
    // Its 1,000 rules match the flagship's sample events: no `send-events` test meanwhile.
    let _bus = suite::localstack::default_bus();
    let TestStack { stack: prefix, dir } = TestStack::new("copies");
    let toolkit = format!("{prefix}-toolkit");
    let assembly = dir.join("copies.out");
    let app = app::copies_app_named(1000, Some(&format!("{prefix}-")));
    let synthesized = app.synth().expect("the copies synthesize");
    synthesized.write(&assembly).expect("the assembly is written");
    assert_eq!(synthesized.stacks.len(), 16);
    for s in &synthesized.stacks {
        let bytes = serde_json::to_string(s.template()).expect("JSON").len();
        assert!(bytes > framework::deploy::TEMPLATE_BODY_LIMIT, "{} is {bytes} bytes", s.stack_name);
    }
    let run = |args: &[&str]| -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flagship"));
        cmd.args(args).args(["--local", "--progress", "events"]);
        run_isolated(&mut cmd, &dir)
    };
    let assembly_arg = assembly.to_str().expect("a UTF-8 path");
    // Whatever happens, no copy is left behind (its rules would keep matching sample events).
    let _cleanup = Cleanup(assembly.clone(), dir.clone());
    let deploy = |extra: &[&str]| {
        let mut args = vec!["deploy", "--assembly", assembly_arg, "--concurrency", "4"];
        args.extend(["--require-approval", "never", "--toolkit-stack-name", &toolkit]);
        args.extend_from_slice(extra);
        run(&args)
    };

    let bootstrap = run(&["bootstrap", "--toolkit-stack-name", &toolkit, "--require-approval", "never"]);
    assert!(bootstrap.ok(), "{}", bootstrap.text());

    let created = deploy(&[]);
    assert!(created.ok(), "{}", created.text());
    assert!(created.stdout.contains("Summary: 16 stacks in ") && created.stdout.contains(": 16 succeeded"));
    for n in 1..=16 {
        let name = format!("{prefix}-{n:02}");
        assert!(
            created.stdout.contains(&format!("  {name}: created (CREATE_COMPLETE) in ")),
            "{name}: {}",
            created.text()
        );
        assert!(created.stdout.contains(&format!("{name}: template of ")), "{name} was staged: {}", created.text());
    }
    assert!(!dir.join("cdk.out").exists(), "--assembly: nothing synthesized, nothing written");

    let again = deploy(&[]);
    assert!(again.ok(), "{}", again.text());
    assert_eq!(
        again.stdout.matches(": no changes (template, parameters and tags as deployed").count(),
        16,
        "{}",
        again.text()
    );
    assert!(!again.stdout.contains("creating a change set"), "{}", again.text());

    let destroy = |extra: &[&str]| {
        let mut args = vec!["destroy", "--assembly", assembly_arg, "--force", "--concurrency", "4"];
        args.extend_from_slice(extra);
        run(&args)
    };
    let destroyed = destroy(&[]);
    assert!(destroyed.ok(), "{}", destroyed.text());
    assert!(destroyed.stdout.contains("Summary: 16 stacks in ") && destroyed.stdout.contains(": 16 succeeded"));
    for n in 1..=16 {
        let name = format!("{prefix}-{n:02}");
        assert!(destroyed.stdout.contains(&format!("  {name}: destroyed in ")), "{name}: {}", destroyed.text());
    }
    let again = destroy(&[]);
    assert_eq!(again.stdout.matches(": does not exist; nothing to destroy").count(), 16, "all gone: {}", again.text());
    // The toolkit stack goes too, through its own assembly (its bucket is retained, by design).
    let options = constructs::staging::StagingOptions { stack_name: toolkit.clone(), ..Default::default() };
    let toolkit_assembly = dir.join("toolkit.out");
    constructs::staging::staging_app(&options).synth().expect("synth").write(&toolkit_assembly).expect("write");
    let gone = run(&["destroy", "--force", "--assembly", toolkit_assembly.to_str().expect("a UTF-8 path")]);
    assert!(gone.ok(), "{}", gone.text());
}

/// Destroys the copies of the assembly (`.0`, run from `.1`) when dropped, even after a failed
/// assertion (a no-op after the test's own destroy), then removes the test's directory.
struct Cleanup(std::path::PathBuf, std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flagship"));
        cmd.args(["destroy", "--force", "--concurrency", "4", "--local", "--assembly"]).arg(&self.0);
        let _ = run_isolated(&mut cmd, &self.1);
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

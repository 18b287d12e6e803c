//! `bootstrap` on the local emulator: the toolkit's staging stack is created, a second run is a
//! no-op, its outputs are the documented ones, and deleting it keeps the bucket (it may hold
//! what deployed stacks reference).

use std::process::Command;

use constructs::staging::{staging_app, StagingOptions, BOOTSTRAP_VERSION};
use framework::deploy::{destroy, load, Connection, DestroyOptions, ProgressMode, ScriptedPrompt, Targets, Ui};
use suite::fixture::TestStack;
use suite::process::run_isolated;

/// What deploy printed, kept for the assertions.
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        std::io::stderr().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

#[test]
fn bootstrap_creates_the_staging_stack_then_is_a_no_op() {
    suite::localstack::endpoint();
    let TestStack { stack: name, dir } = TestStack::new("toolkit");
    let bootstrap = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flagship"));
        cmd.args(["bootstrap", "--local", "--toolkit-stack-name", &name, "--require-approval", "never"]);
        cmd.args(["--progress", "events"]);
        run_isolated(&mut cmd, &dir)
    };
    let created = bootstrap();
    assert!(created.ok(), "{}", created.text());
    assert!(created.stdout.contains(&format!("{name}: creating a change set (CREATE)")), "{}", created.text());
    assert!(!dir.join("cdk.out").exists(), "the app's own cloud assembly is left alone");

    let again = bootstrap();
    assert!(again.ok(), "{}", again.text());
    assert!(
        again.stdout.contains(&format!("{name}: no changes (template, parameters and tags as deployed"))
            && !again.stdout.contains("creating a change set"),
        "a second run changes nothing: {}",
        again.text()
    );

    let options = StagingOptions { stack_name: name.clone(), ..StagingOptions::default() };
    let assembly = staging_app(&options).synth().expect("synth");
    let artifact = assembly.stack(&name).expect("the staging stack");
    runtime().block_on(async {
        let config = load(&Connection { local: true, ..Connection::default() }).await.expect("connect");
        let cfn = config.cloudformation();
        let deployed = framework::deploy::describe(&cfn, &name).await.expect("describe").expect("the stack exists");
        let output = |key: &str| deployed.outputs.iter().find(|o| o.key == key).map(|o| o.value.clone());
        assert!(output("BucketName").is_some_and(|b| !b.is_empty()), "{:?}", deployed.outputs);
        assert!(output("BucketDomainName").is_some(), "{:?}", deployed.outputs);
        assert_eq!(output("BootstrapVersion"), Some(BOOTSTRAP_VERSION.to_string()));

        let targets = Targets::resolve(&config, &[artifact]).await.expect("the emulator's account");
        let mut ui = Ui::new(Box::new(std::io::stderr()), ProgressMode::Events, Box::new(ScriptedPrompt::default()));
        let options = DestroyOptions { force: true, ..Default::default() };
        let destroyed = destroy(&targets, &[artifact], &options, &mut ui).await.expect("destroy");
        let mut retained: Vec<&str> = destroyed[0].retained.iter().map(|r| r.resource_type.as_str()).collect();
        retained.sort_unstable();
        assert_eq!(retained, ["AWS::S3::Bucket", "AWS::S3::BucketPolicy"], "the bucket outlives its stack");
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stack whose template is over the 51,200-byte inline limit: one state machine of 500 Pass
/// states.
fn large_stack(name: &str) -> framework::CloudAssembly {
    use constructs::stepfunctions::asl::{Definition, Pass};
    use constructs::stepfunctions::StateMachine;
    let mut definition = Definition::new("Step000");
    for i in 0..500 {
        let pass = Pass::new().comment(format!("step {i} of a long chain, to make the template large"));
        let pass = if i == 499 { pass.end() } else { pass.next(format!("Step{:03}", i + 1)) };
        definition = definition.state(format!("Step{i:03}"), pass);
    }
    let mut app = framework::App::new();
    let stack = app.add_stack(name);
    StateMachine::builder().definition(definition).build(&mut *stack, "Long");
    app.synth().expect("synth")
}

#[test]
fn templates_over_the_inline_limit_are_staged() {
    use framework::deploy::{deploy, DeployError, DeployOptions, RequireApproval, StackChange, TEMPLATE_BODY_LIMIT};
    suite::localstack::endpoint();
    let TestStack { stack: name, dir } = TestStack::new("large");
    let toolkit = format!("{name}-toolkit");
    let big = large_stack(&name);
    let artifact = big.stack(&name).expect("the stack");
    let bytes = serde_json::to_string(artifact.template()).unwrap().len();
    assert!(bytes > TEMPLATE_BODY_LIMIT, "{bytes} bytes");
    let staging = staging_app(&StagingOptions { stack_name: toolkit.clone(), ..StagingOptions::default() });
    let staging = staging.synth().expect("synth");
    let staging = staging.stack(&toolkit).expect("the toolkit stack");

    let log = Log::default();
    let mut ui = Ui::new(Box::new(log.clone()), ProgressMode::Events, Box::new(ScriptedPrompt::default()));
    runtime().block_on(async {
        let config = load(&Connection { local: true, ..Connection::default() }).await.expect("connect");
        let cfn = config.cloudformation();
        let opts = DeployOptions {
            require_approval: RequireApproval::Never,
            toolkit_stack_name: Some(toolkit.clone()),
            ..DeployOptions::default()
        };
        let targets = Targets::resolve(&config, &[artifact, staging]).await.expect("the emulator's account");

        // No toolkit stack yet: refused before anything is created, saying what to do.
        let err = deploy(&targets, &[artifact], &opts, &mut ui).await.unwrap_err();
        assert!(matches!(err, DeployError::NoStaging { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(&toolkit) && message.contains("run `bootstrap`"), "{message}");
        assert!(framework::deploy::describe(&cfn, &name).await.expect("describe").is_none(), "nothing created");

        deploy(&targets, &[staging], &opts, &mut ui).await.expect("bootstrap");
        let created = deploy(&targets, &[artifact], &opts, &mut ui).await.expect("create from S3");
        assert_eq!(created[0].change, StackChange::Created);
        assert_eq!(created[0].status, "CREATE_COMPLETE");
        assert!(log.text().contains(&format!("{name}: template of {bytes} bytes staged as s3://")), "{}", log.text());
        // The deployed template is read back whatever its size: diff finds nothing, the re-run
        // is a no-op.
        let deployed = framework::deploy::deployed_template(&cfn, &name).await.expect("GetTemplate").expect("deployed");
        let diff = framework::diff::diff_templates(&deployed, artifact.template());
        assert!(diff.is_empty(), "{}", diff.render(&Default::default()));
        let again = deploy(&targets, &[artifact], &opts, &mut ui).await.expect("no-op");
        assert_eq!(again[0].change, StackChange::Unchanged);
        // Forced: the template is already staged (content-addressed), nothing is uploaded again.
        let forced = DeployOptions { force: true, ..opts.clone() };
        deploy(&targets, &[artifact], &forced, &mut ui).await.expect("forced");
        assert!(
            log.text().contains(&format!("{name}: template of {bytes} bytes already staged as s3://")),
            "{}",
            log.text()
        );

        let options = DestroyOptions { force: true, ..Default::default() };
        destroy(&targets, &[artifact, staging], &options, &mut ui).await.expect("destroy");
    });
    let _ = std::fs::remove_dir_all(&dir);
}

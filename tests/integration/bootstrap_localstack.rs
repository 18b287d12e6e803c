//! `bootstrap` on the local emulator: the toolkit's staging stack is created, a second run is a
//! no-op, its outputs are the documented ones, and deleting it keeps the bucket (it may hold
//! what deployed stacks reference).

use std::process::Command;

use constructs::staging::{staging_app, StagingOptions, BOOTSTRAP_VERSION};
use framework::deploy::{destroy, load, Connection, DestroyOptions, ProgressMode, ScriptedPrompt, Targets, Ui};
use suite::fixture::TestStack;
use suite::process::run_isolated;

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

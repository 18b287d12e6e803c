//! The flagship app's life on the local emulator, through the framework's deploy API: create,
//! change the app (a new state), `diff` shows exactly that change, the update applies it, `diff`
//! then shows nothing and a repeated deploy is a no-op; `destroy` removes the stack and reports
//! the retained log group.

use framework::deploy::{
    deploy, destroy, load, CfnClient, Connection, DeployOptions, DestroyOptions, ProgressMode, RequireApproval,
    ScriptedPrompt, StackChange, Targets, Ui,
};
use framework::diff::{diff_templates, ResourceImpact};
use framework::StackArtifact;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

fn ui() -> Ui {
    Ui::new(Box::new(std::io::stderr()), ProgressMode::Events, Box::new(ScriptedPrompt::default()))
}

fn stack(options: app::FlagshipOptions) -> StackArtifact {
    let assembly = app::flagship_app_with(options).synth().expect("synth");
    assembly.stacks[0].clone()
}

async fn deployed_diff(cfn: &CfnClient, artifact: &StackArtifact) -> framework::diff::TemplateDiff {
    let deployed = framework::deploy::deployed_template(cfn, &artifact.stack_name)
        .await
        .expect("GetTemplate")
        .expect("the stack exists");
    diff_templates(&deployed, artifact.template())
}

#[test]
fn create_change_diff_update_noop_destroy() {
    suite::localstack::endpoint();
    let name = format!("suite-flagship-{}", std::process::id());
    let v1 = stack(app::FlagshipOptions { stack_name: Some(name.clone()), ..Default::default() });
    let v2 = stack(app::FlagshipOptions {
        stack_name: Some(name.clone()),
        definition: app::pattern::routing_definition(&["A", "B", "C"]),
    });
    let opts = DeployOptions { require_approval: RequireApproval::Never, ..DeployOptions::default() };

    runtime().block_on(async {
        let config = load(&Connection { local: true, ..Connection::default() }).await.expect("connect");
        let targets = Targets::resolve(&config, &[&v1]).await.expect("the emulator's account");
        let cfn = config.cloudformation();

        let created = deploy(&targets, &[&v1], &opts, &mut ui()).await.expect("create");
        assert_eq!(created[0].change, StackChange::Created);
        assert_eq!(created[0].status, "CREATE_COMPLETE");
        let outputs: Vec<&str> = created[0].outputs.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(outputs, ["LogGroupName", "StateMachineName"]);

        // The change: exactly the state machine's definition, updated in place.
        let diff = deployed_diff(&cfn, &v2).await;
        assert_eq!(diff.resources.len(), 1, "{}", diff.render(&Default::default()));
        let sm = &diff.resources[0];
        assert_eq!(sm.logical_id, "StateMachine2E01A3A5");
        assert_eq!(sm.impact, ResourceImpact::Update);
        let paths: Vec<String> = sm.properties.iter().map(|p| p.path.join(".")).collect();
        assert_eq!(paths, ["Properties.DefinitionString"]);
        let text = diff.render(&Default::default());
        assert!(text.contains("PathC"), "the definition's line diff shows the new state:\n{text}");
        assert!(!diff.permissions_broaden());

        let updated = deploy(&targets, &[&v2], &opts, &mut ui()).await.expect("update");
        assert_eq!(updated[0].change, StackChange::Updated);
        assert_eq!(updated[0].status, "UPDATE_COMPLETE");
        assert!(deployed_diff(&cfn, &v2).await.is_empty(), "nothing left to deploy");

        let again = deploy(&targets, &[&v2], &opts, &mut ui()).await.expect("no-op");
        assert_eq!(again[0].change, StackChange::Unchanged);

        let destroyed = destroy(&targets, &[&v2], &DestroyOptions { force: true, ..Default::default() }, &mut ui())
            .await
            .expect("destroy");
        assert!(destroyed[0].existed);
        let retained: Vec<(&str, &str)> =
            destroyed[0].retained.iter().map(|r| (r.logical_id.as_str(), r.resource_type.as_str())).collect();
        assert_eq!(retained, [("LogGroupF5B46931", "AWS::Logs::LogGroup")]);
        assert!(framework::deploy::describe(&cfn, &name).await.expect("describe").is_none(), "stack gone");

        // Deploying again after a destroy works: the retained log group of the first life keeps
        // its data and its name, and the new stack's group gets a new one.
        let recreated = deploy(&targets, &[&v2], &opts, &mut ui()).await.expect("create again");
        assert_eq!(recreated[0].change, StackChange::Created);
        let group = |r: &framework::deploy::StackResult| {
            r.outputs.iter().find(|o| o.key == "LogGroupName").map(|o| o.value.clone()).expect("LogGroupName output")
        };
        assert_ne!(group(&created[0]), group(&recreated[0]));
        assert!(group(&recreated[0]).starts_with(&format!("/aws/vendedlogs/states/{name}-StateMachine-")));
        destroy(&targets, &[&v2], &DestroyOptions { force: true, ..Default::default() }, &mut ui())
            .await
            .expect("destroy again");
    });
}

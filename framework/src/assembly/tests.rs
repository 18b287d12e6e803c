//! The assembly both ways: what synth writes reads back the same, and malformed assemblies are
//! refused naming the file and the field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};

use crate::{App, AssemblyError, CfnResource, CloudAssembly, Environment, OutputNode, StackProps, Value};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("framework-assembly-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Two stacks, one referring to the other (an export and a dependency), with a name, an
/// environment, tags and termination protection.
fn app() -> App {
    let mut app = App::new();
    let producer = app.add_stack_with(
        "Producer",
        StackProps {
            stack_name: Some("producer-stack".into()),
            env: Environment { account: Some("123456789012".into()), region: Some("eu-west-1".into()) },
            tags: BTreeMap::from([("team".to_string(), "infra".to_string())]),
            termination_protection: true,
            ..Default::default()
        },
    );
    let group = producer.construct("Group");
    let topic = CfnResource::new("AWS::SNS::Topic").property("TopicName", "t").add(producer.at(group), "Topic");
    let consumer = app.add_stack("Consumer");
    CfnResource::new("AWS::SNS::Subscription")
        .property("TopicArn", Value::Ref(topic))
        .property("Protocol", "email")
        .property("Endpoint", "a@example.com")
        .add(&mut *consumer, "Sub");
    consumer.add_output("Arn", OutputNode::new(Value::GetAtt(topic, "TopicArn".into())));
    app
}

/// Id, stack name, environment, dependencies, template text and logical-ID paths of a stack.
type Summary = (String, String, String, Vec<String>, String, BTreeMap<String, String>);

fn summary(a: &CloudAssembly) -> Vec<Summary> {
    a.stacks
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                s.stack_name.clone(),
                s.environment.clone(),
                s.dependencies.clone(),
                s.template_text().to_string(),
                s.logical_ids.clone(),
            )
        })
        .collect()
}

#[test]
fn what_synth_writes_reads_back_the_same() {
    let dir = TempDir::new("round-trip");
    let synthesized = app().synth().unwrap();
    synthesized.write(&dir.0).unwrap();
    let read = CloudAssembly::read(&dir.0).unwrap();
    assert_eq!(summary(&read), summary(&synthesized));
    for (r, s) in read.stacks.iter().zip(&synthesized.stacks) {
        assert_eq!(r.template(), s.template());
        assert_eq!((&r.tags, r.termination_protection), (&s.tags, s.termination_protection));
        assert_eq!(r.template_file(), s.template_file());
    }
    assert_eq!(read.stack("Consumer").unwrap().dependencies, ["Producer"]);
    let topic = &synthesized.stack("Producer").unwrap().logical_ids["/Producer/Group/Topic"];
    assert_eq!(read.stack("Producer").unwrap().path_of_logical_id(topic), Some("/Producer/Group/Topic"));
    assert_eq!(read.tree, synthesized.tree);
    let order: Vec<&str> = read.stacks_in_dependency_order().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(order, ["Producer", "Consumer"]);

    // Written again, the read assembly is the same bytes.
    let again = TempDir::new("round-trip-again");
    read.write(&again.0).unwrap();
    for file in ["manifest.json", "tree.json", "cdk.out", "Producer.template.json", "Consumer.template.json"] {
        assert_eq!(std::fs::read(dir.0.join(file)).unwrap(), std::fs::read(again.0.join(file)).unwrap(), "{file}");
    }
}

#[test]
fn the_committed_flagship_assembly_reads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cdk.out");
    let read = CloudAssembly::read(&dir).unwrap();
    assert!(!read.stacks.is_empty());
    for s in &read.stacks {
        assert!(s.template()["Resources"].is_object(), "{}", s.id);
        assert!(!s.logical_ids.is_empty(), "{}", s.id);
    }
    assert!(!read.tree.stacks.is_empty());
}

/// Reads a directory holding `manifest` and the given files.
fn read_with(name: &str, manifest: Json, files: &[(&str, &str)]) -> Result<CloudAssembly, AssemblyError> {
    let dir = TempDir::new(name);
    std::fs::write(dir.0.join("manifest.json"), manifest.to_string()).unwrap();
    for (file, text) in files {
        std::fs::write(dir.0.join(file), text).unwrap();
    }
    CloudAssembly::read(&dir.0)
}

fn stack_manifest(artifact: Json) -> Json {
    json!({"version": "55.0.0", "artifacts": {"S": artifact}})
}

fn field_error(err: AssemblyError) -> (String, String, String) {
    match err {
        AssemblyError::Field { file, field, problem } => {
            (file.file_name().unwrap().to_string_lossy().into_owned(), field, problem)
        }
        other => panic!("expected a field error, got {other}"),
    }
}

#[test]
fn a_missing_manifest_is_a_read_error_naming_it() {
    let dir = TempDir::new("no-manifest");
    let err = CloudAssembly::read(&dir.0).unwrap_err();
    assert!(matches!(err, AssemblyError::Read { .. }), "{err}");
    assert!(err.file().ends_with("manifest.json"));
    assert!(err.to_string().contains("manifest.json"), "{err}");
}

#[test]
fn a_manifest_that_is_not_json_names_the_file() {
    let dir = TempDir::new("not-json");
    std::fs::write(dir.0.join("manifest.json"), "{ not json").unwrap();
    let err = CloudAssembly::read(&dir.0).unwrap_err();
    assert!(matches!(err, AssemblyError::Json { .. }), "{err}");
    assert!(err.to_string().contains("manifest.json is not valid JSON"), "{err}");
}

#[test]
fn malformed_manifests_name_the_field() {
    let template = ("S.template.json", r#"{"Resources": {}}"#);
    let good = json!({"type": "aws:cloudformation:stack", "environment": "aws://1/r",
        "properties": {"templateFile": "S.template.json"}});
    let cases = [
        (json!({"artifacts": {}}), "version", "missing"),
        (json!({"version": "55.0.0", "artifacts": []}), "artifacts", "expected an object, found an array"),
        (stack_manifest(json!({"environment": "aws://1/r"})), "artifacts.S.type", "missing"),
        (
            stack_manifest(json!({"type": "aws:cloudformation:stack", "environment": "aws://1/r"})),
            "artifacts.S.properties",
            "missing",
        ),
        (
            stack_manifest(json!({"type": "aws:cloudformation:stack", "environment": "aws://1/r", "properties": {}})),
            "artifacts.S.properties.templateFile",
            "missing",
        ),
        (
            stack_manifest(
                json!({"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}),
            ),
            "artifacts.S.environment",
            "missing",
        ),
        (
            stack_manifest({
                let mut a = good.clone();
                a["properties"]["stackName"] = json!(7);
                a
            }),
            "artifacts.S.properties.stackName",
            "expected a string, found a number",
        ),
        (
            stack_manifest({
                let mut a = good.clone();
                a["properties"]["terminationProtection"] = json!("yes");
                a
            }),
            "artifacts.S.properties.terminationProtection",
            "expected true or false, found a string",
        ),
        (
            stack_manifest({
                let mut a = good.clone();
                a["properties"]["tags"] = json!({"team": 1});
                a
            }),
            "artifacts.S.properties.tags.team",
            "expected a string, found a number",
        ),
        (
            stack_manifest({
                let mut a = good.clone();
                a["dependencies"] = json!(["Nowhere"]);
                a
            }),
            "artifacts.S.dependencies[0]",
            "names artifact \"Nowhere\", which the manifest does not have",
        ),
        (
            stack_manifest({
                let mut a = good.clone();
                a["metadata"] = json!({"/S/T": [{"type": "aws:cdk:logicalId"}]});
                a
            }),
            "artifacts.S.metadata[\"/S/T\"][0].data",
            "missing",
        ),
    ];
    for (i, (manifest, field, problem)) in cases.into_iter().enumerate() {
        let err = read_with(&format!("malformed-{i}"), manifest, &[template]).unwrap_err();
        let shown = err.to_string();
        assert_eq!(field_error(err), ("manifest.json".to_string(), field.to_string(), problem.to_string()), "{shown}");
    }
}

#[test]
fn template_problems_name_the_template_file() {
    let manifest = stack_manifest(json!({"type": "aws:cloudformation:stack", "environment": "aws://1/r",
        "properties": {"templateFile": "S.template.json"}}));
    let missing = read_with("template-missing", manifest.clone(), &[]).unwrap_err();
    assert!(matches!(missing, AssemblyError::Read { .. }) && missing.file().ends_with("S.template.json"), "{missing}");
    let broken = read_with("template-broken", manifest.clone(), &[("S.template.json", "{")]).unwrap_err();
    assert!(matches!(broken, AssemblyError::Json { .. }) && broken.file().ends_with("S.template.json"), "{broken}");
    let array = read_with("template-array", manifest, &[("S.template.json", "[]")]).unwrap_err();
    assert_eq!(
        field_error(array),
        ("S.template.json".into(), "(top level)".into(), "a template must be a JSON object".into())
    );
}

#[test]
fn aws_cdk_manifests_read_with_their_defaults_and_other_artifacts_skipped() {
    // As AWS CDK writes them: an asset manifest the stack depends on, no stackName, no tree.
    let manifest = json!({"version": "55.0.0", "artifacts": {
        "S.assets": {"type": "cdk:asset-manifest", "properties": {"file": "S.assets.json"}},
        "S": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
              "properties": {"templateFile": "S.template.json", "validateOnSynth": false},
              "dependencies": ["S.assets"],
              "metadata": {"/S/T/Resource": [{"type": "aws:cdk:logicalId", "data": "T"},
                                             {"type": "aws:cdk:warning", "data": "ignored"}]}}}});
    let text = "{\n \"Resources\": {\n  \"T\": {\n   \"Type\": \"AWS::SNS::Topic\"\n  }\n }\n}";
    let assets = json!({"version": "55.0.0", "files": {"h": {
        "source": {"path": "S.template.json", "packaging": "file"},
        "destinations": {"current_account-current_region": {
            "bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", "objectKey": "h.json"}}}},
        "dockerImages": {}});
    let assets = assets.to_string();
    let read = read_with("aws-cdk", manifest, &[("S.template.json", text), ("S.assets.json", &assets)]).unwrap();
    let s = read.stack("S").unwrap();
    assert_eq!(s.assets.files.len(), 1, "the asset manifest the stack depends on is read");
    assert_eq!(s.assets.files[0].destinations[0].object_key, "h.json");
    assert!(s.assets.unsupported.is_empty());
    assert_eq!((s.stack_name.as_str(), s.termination_protection), ("S", false));
    assert!(s.dependencies.is_empty() && s.tags.is_empty());
    assert_eq!(s.logical_ids, BTreeMap::from([("/S/T/Resource".to_string(), "T".to_string())]));
    assert_eq!(s.template_text(), text);
    assert!(read.tree.stacks.is_empty());
}

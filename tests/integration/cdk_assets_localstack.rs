//! `deploy --assembly` of an assembly laid out as the AWS CDK's default synthesizer writes one:
//! a `cdk:asset-manifest` artifact the stack depends on, whose `*.assets.json` lists a directory
//! asset (zip packaging) and a file asset, destined for a bootstrap-style bucket named with
//! `${AWS::AccountId}` and `${AWS::Region}`. On the local emulator: the assets are published
//! before the stack is created, a second run finds them there, and a container image asset is
//! refused before anything changes.

use std::path::Path;
use std::process::Command;

use serde_json::json;
use suite::fixture::TestStack;
use suite::process::{run_isolated, Run};

/// The emulator's account and region, as the bucket placeholders become.
const ACCOUNT_REGION: &str = "000000000000-us-east-1";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The assembly in `dir`: stack `stack_name`, assets into buckets `<qualifier>-assets-...`, and
/// a container image asset too when `image`.
fn cdk_assembly(dir: &Path, stack_name: &str, qualifier: &str, image: bool) {
    let bucket = format!("{qualifier}-assets-${{AWS::AccountId}}-${{AWS::Region}}");
    let manifest = json!({"version": "55.0.0", "artifacts": {
        "Assets.assets": {"type": "cdk:asset-manifest", "properties": {
            "file": "Assets.assets.json", "requiresBootstrapStackVersion": 6,
            "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version"}},
        "Assets": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
            "properties": {"templateFile": "Assets.template.json", "stackName": stack_name},
            "dependencies": ["Assets.assets"],
            "metadata": {"/Assets/Role/Resource": [{"type": "aws:cdk:logicalId", "data": "Role"}]}}
    }});
    let template = json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Description": {"Fn::Sub": format!("code at s3://{bucket}/c0de.zip")}}}}});
    let mut assets = json!({"version": "55.0.0", "files": {
        "c0de": {"displayName": "Handler Code", "source": {"path": "asset.c0de", "packaging": "zip"},
            "destinations": {"current_account-current_region": {"bucketName": bucket, "objectKey": "c0de.zip",
                "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-file-publishing-role"}}},
        "da7a": {"source": {"path": "asset.da7a.txt", "packaging": "file"},
            "destinations": {"current_account-current_region": {"bucketName": bucket, "objectKey": "da7a.txt"}}}
    }, "dockerImages": {}});
    if image {
        assets["dockerImages"] = json!({"1mage": {"source": {"directory": "asset.1mage"}, "destinations": {}}});
    }
    write(&dir.join("manifest.json"), &manifest.to_string());
    write(&dir.join("Assets.template.json"), &serde_json::to_string_pretty(&template).expect("JSON"));
    write(&dir.join("Assets.assets.json"), &assets.to_string());
    write(&dir.join("asset.c0de/index.js"), "exports.handler = async () => 'hello';\n");
    write(&dir.join("asset.c0de/lib/util.js"), "module.exports = {};\n");
    write(&dir.join("asset.da7a.txt"), "some data\n");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

fn s3() -> (tokio::runtime::Runtime, aws_sdk_s3::Client) {
    let rt = runtime();
    let config = rt
        .block_on(framework::deploy::load(&framework::deploy::Connection { local: true, ..Default::default() }))
        .expect("connect");
    let s3 = aws_sdk_s3::config::Builder::from(&config.sdk_config).force_path_style(true).build();
    (rt, aws_sdk_s3::Client::from_conf(s3))
}

#[test]
fn file_assets_of_an_aws_cdk_assembly_are_published_before_the_stack_is_deployed() {
    let TestStack { stack, dir } = TestStack::new("cdk-assets");
    let qualifier = format!("cdk-{}", std::process::id());
    let bucket = format!("{qualifier}-assets-{ACCOUNT_REGION}");
    let (rt, s3) = s3();
    // The bootstrap's bucket (the AWS CDK's bootstrap stack needs ECR, which the emulator's
    // free services lack, so the test makes the bucket itself).
    rt.block_on(s3.create_bucket().bucket(&bucket).send()).expect("CreateBucket");
    let assembly = dir.join("cdk.out");
    cdk_assembly(&assembly, &stack, &qualifier, false);
    let run = |args: &[&str]| -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flagship"));
        cmd.args(args).args(["--assembly", assembly.to_str().expect("UTF-8"), "--local"]);
        run_isolated(&mut cmd, &dir)
    };
    let deploy = |extra: &[&str]| {
        let mut args = vec!["deploy", "--require-approval", "never", "--progress", "events"];
        args.extend_from_slice(extra);
        run(&args)
    };

    let created = deploy(&[]);
    assert!(created.ok(), "{}", created.text());
    let out = &created.stdout;
    let published =
        |what: &str, key: &str| format!("{stack}: asset {what} ({{}} bytes) published to s3://{bucket}/{key}");
    for (what, key) in [("Handler Code", "c0de.zip"), ("da7a", "da7a.txt")] {
        let head = published(what, key);
        let (before, after) = head.split_once("{}").expect("a size");
        assert!(out.lines().any(|l| l.starts_with(before) && l.ends_with(after)), "{what}: {}", created.text());
    }
    let asset_line = out.find("published to").expect("published");
    assert!(asset_line < out.find("creating a change set (CREATE)").expect("a change set"), "assets first");
    assert!(out.contains(&format!("{stack}: created (CREATE_COMPLETE)")), "{}", created.text());

    // What S3 holds: the file as it is, the directory as a ZIP of its two files.
    let get = |key: &str| {
        let object = rt.block_on(s3.get_object().bucket(&bucket).key(key).send()).expect("GetObject");
        rt.block_on(object.body.collect()).expect("body").into_bytes().to_vec()
    };
    assert_eq!(get("da7a.txt"), b"some data\n");
    let zip = get("c0de.zip");
    assert_eq!(&zip[..4], b"PK\x03\x04", "a ZIP archive");
    let end = zip.len() - 22;
    assert_eq!(&zip[end..end + 4], b"PK\x05\x06");
    assert_eq!(u16::from_le_bytes([zip[end + 10], zip[end + 11]]), 2, "two files");
    let text = String::from_utf8_lossy(&zip);
    assert!(text.contains("index.js") && text.contains("lib/util.js"), "entries named with `/`");

    // Published once: a forced re-deploy finds both objects there.
    let again = deploy(&["--force"]);
    assert!(again.ok(), "{}", again.text());
    assert_eq!(again.stdout.matches("already published at s3://").count(), 2, "{}", again.text());
    let diff = run(&["diff", "--fail"]);
    assert!(diff.ok(), "the deployed stack is the assembly's: {}", diff.text());

    // A container image asset is refused before anything changes (a stack of another name).
    let images = dir.join("images.out");
    let refused_stack = format!("{stack}-images");
    cdk_assembly(&images, &refused_stack, &qualifier, true);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flagship"));
    cmd.args(["deploy", "--require-approval", "never", "--local", "--assembly", images.to_str().expect("UTF-8")]);
    let refused = run_isolated(&mut cmd, &dir);
    assert_eq!(refused.code, Some(1), "{}", refused.text());
    assert!(
        refused.stderr.contains(&format!(
            "stack {refused_stack}: asset 1mage ({}) is a container image asset (dockerImages), which deploy cannot \
             publish",
            images.join("Assets.assets.json").display()
        )) && refused.stderr.contains("nothing was changed"),
        "{}",
        refused.text()
    );
    assert!(!refused.stdout.contains("creating a change set"), "{}", refused.text());

    let destroyed = run(&["destroy", "--force", "--progress", "events"]);
    assert!(destroyed.ok(), "{}", destroyed.text());
    let _ = std::fs::remove_dir_all(&dir);
}

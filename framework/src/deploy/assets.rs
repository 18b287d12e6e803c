//! Publishing a stack's file assets before its change set (assemblies written by the AWS CDK,
//! `deploy --assembly`), through the staging step ([`crate::deploy::staging`]).
//!
//! - **Checked first, every problem at once** ([`check`]): container images and assets built by
//!   a command are not supported, and a source missing from the assembly is an error; both are
//!   reported for every stack before any stack changes.
//! - **Where:** each destination's bucket and key, with `${AWS::AccountId}`, `${AWS::Region}`
//!   and `${AWS::Partition}` replaced for the stack's environment, in the destination's region
//!   (else the stack's). For an assembly of the AWS CDK's default synthesizer, that is the
//!   bootstrap's `cdk-hnb659fds-assets-<account>-<region>` bucket.
//! - **What:** a `file` asset as it is; a `zip` asset's directory as a deterministic archive
//!   ([`crate::deploy::zip`]), or, when the source is a file, that file (already an archive).
//! - **Once:** an object already at its key is not uploaded again (keys are the AWS CDK's
//!   content hashes).
//! - **Credentials:** the run's own. The AWS CDK CLI assumes the bootstrap's file-publishing
//!   role (`assumeRoleArn`) instead; here, credentials that may write to the bucket are needed
//!   (an account administrator's can).

use std::collections::BTreeSet;

use crate::assembly::{FileAsset, Packaging, StackArtifact};
use crate::deploy::environment::Target;
use crate::deploy::error::DeployError;
use crate::deploy::staging::{Stager, StagingBucket};
use crate::deploy::ui::Ui;

/// Every asset problem of `stacks`: unsupported kinds and missing sources.
pub(crate) fn check(stacks: &[&StackArtifact]) -> Result<(), DeployError> {
    let mut problems = Vec::new();
    for s in stacks {
        for u in &s.assets.unsupported {
            problems.push(format!(
                "stack {}: asset {} ({}) is {}, which deploy cannot publish",
                s.stack_name,
                u.id,
                u.manifest.display(),
                u.kind
            ));
        }
        for f in &s.assets.files {
            if !f.path.exists() {
                problems.push(format!(
                    "stack {}: the source of asset {} ({}) does not exist",
                    s.stack_name,
                    f.display_name,
                    f.path.display()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DeployError::Assets(problems))
    }
}

/// `text` with the placeholders of an asset manifest replaced.
pub(crate) fn substitute(text: &str, account: &str, region: &str, partition: &str) -> String {
    text.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region).replace("${AWS::Partition}", partition)
}

/// The bytes uploaded for `asset`.
fn body(asset: &FileAsset) -> Result<Vec<u8>, String> {
    match asset.packaging {
        Packaging::Zip if asset.path.is_dir() => crate::deploy::zip::zip_directory(&asset.path),
        _ => std::fs::read(&asset.path).map_err(|e| format!("cannot read {}: {e}", asset.path.display())),
    }
}

/// Publishes `artifact`'s file assets for `target` in `account`, saying what it did.
pub(crate) async fn publish(
    target: &Target,
    account: &str,
    artifact: &StackArtifact,
    ui: &mut Ui,
) -> Result<(), DeployError> {
    let name = artifact.stack_name.as_str();
    let partition = crate::evaluate::Environment::new(account, target.cfn.region.as_str(), name).partition;
    // One upload per distinct object (the template asset of several destinations, say).
    let mut done = BTreeSet::new();
    for asset in &artifact.assets.files {
        let mut bytes: Option<Vec<u8>> = None;
        for d in &asset.destinations {
            let region = match &d.region {
                Some(r) => substitute(r, account, &target.cfn.region, &partition),
                None => target.cfn.region.clone(),
            };
            let bucket = substitute(&d.bucket_name, account, &region, &partition);
            let key = substitute(&d.object_key, account, &region, &partition);
            if !done.insert((region.clone(), bucket.clone(), key.clone())) {
                continue;
            }
            let body = match &bytes {
                Some(b) => b,
                None => bytes.insert(body(asset).map_err(|reason| DeployError::Staging {
                    stack: name.to_string(),
                    location: format!("s3://{bucket}/{key}"),
                    reason,
                })?),
            };
            let config = target.config.for_region(&region);
            let domain = format!("{bucket}.s3.{region}.amazonaws.com");
            let destination = StagingBucket { toolkit_stack: String::new(), bucket, domain };
            let content_type = match asset.packaging {
                Packaging::Zip => "application/zip",
                Packaging::File => "application/octet-stream",
            };
            let staged = Stager::new(&config, destination).stage_bytes(name, &key, body, content_type).await?;
            let how = if staged.uploaded { "published to" } else { "already published at" };
            ui.say(format!("{name}: asset {} ({} bytes) {how} {}", asset.display_name, body.len(), staged.location));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced() {
        assert_eq!(
            substitute("cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", "123456789012", "eu-west-1", "aws"),
            "cdk-hnb659fds-assets-123456789012-eu-west-1"
        );
        assert_eq!(substitute("arn:${AWS::Partition}:s3:::b", "1", "cn-north-1", "aws-cn"), "arn:aws-cn:s3:::b");
    }

    #[test]
    fn unsupported_kinds_and_missing_sources_are_all_reported() {
        let mut app = crate::App::new();
        crate::CfnResource::new("AWS::SNS::Topic").add(app.add_stack("A"), "T");
        crate::CfnResource::new("AWS::SNS::Topic").add(app.add_stack("B"), "T");
        let mut assembly = app.synth().unwrap();
        assembly.stacks[0].assets.unsupported.push(crate::UnsupportedAsset {
            id: "img".into(),
            manifest: "A.assets.json".into(),
            kind: "a container image asset (dockerImages)".into(),
        });
        assembly.stacks[1].assets.files.push(FileAsset {
            id: "abc".into(),
            display_name: "Code".into(),
            path: "/nonexistent/asset.abc".into(),
            packaging: Packaging::Zip,
            destinations: Vec::new(),
        });
        let stacks: Vec<&StackArtifact> = assembly.stacks.iter().collect();
        let err = check(&stacks).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack A: asset img (A.assets.json) is a container image asset (dockerImages), which deploy cannot \
             publish\nstack B: the source of asset Code (/nonexistent/asset.abc) does not exist\nnothing was changed"
        );
    }
}

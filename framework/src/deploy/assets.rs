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
            let problem = if !f.path.exists() {
                "does not exist"
            } else if f.packaging == Packaging::File && f.path.is_dir() {
                "is a directory, but its packaging is \"file\""
            } else {
                continue;
            };
            problems.push(format!(
                "stack {}: the source of asset {} ({}) {problem}",
                s.stack_name,
                f.display_name,
                f.path.display()
            ));
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

/// The bytes uploaded for `asset`, read (and zipped) on the blocking pool, so that the other
/// stacks of the run go on meanwhile.
async fn body(asset: &FileAsset) -> Result<Vec<u8>, String> {
    let (path, packaging) = (asset.path.clone(), asset.packaging);
    let read = tokio::task::spawn_blocking(move || match packaging {
        Packaging::Zip if path.is_dir() => crate::deploy::zip::zip_directory(&path),
        _ => std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display())),
    });
    read.await.map_err(|e| format!("reading the asset failed: {e}"))?
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
            let config = target.config.for_region(&region);
            let domain = format!("{bucket}.s3.{region}.amazonaws.com");
            let location = format!("s3://{bucket}/{key}");
            let stager = Stager::new(&config, StagingBucket { toolkit_stack: String::new(), bucket, domain });
            // Looked for first: an asset already there is neither zipped nor read.
            if let Some(staged) = stager.existing(name, &key).await? {
                ui.say(format!("{name}: asset {} already published at {}", asset.display_name, staged.location));
                continue;
            }
            let body = match &bytes {
                Some(b) => b,
                None => {
                    let read = body(asset).await.map_err(|reason| DeployError::Staging {
                        stack: name.to_string(),
                        location: location.clone(),
                        reason,
                    })?;
                    bytes.insert(read)
                }
            };
            let content_type = match asset.packaging {
                Packaging::Zip => "application/zip",
                Packaging::File => "application/octet-stream",
            };
            let staged = stager.put(name, &key, body, content_type).await?;
            ui.say(format!(
                "{name}: asset {} ({} bytes) published to {}",
                asset.display_name,
                body.len(),
                staged.location
            ));
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

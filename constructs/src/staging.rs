//! The toolkit's staging stack: where `deploy` puts what CloudFormation must read from S3
//! (templates over the 51,200-byte inline limit now, file assets later), one per account and
//! region, created by `bootstrap`.
//!
//! It is an ordinary stack of ordinary constructs, synthesized and deployed like any other, so
//! its template is reviewed, diffed and validated the same way. It holds one bucket:
//!
//! - versioned, encrypted with S3-managed keys, every kind of public access blocked, and a
//!   bucket policy that denies every request not sent over TLS;
//! - a lifecycle rule: staged objects expire after [`StagingOptions::staged_object_days`]
//!   (a deploy uploads again whatever it needs and is missing: keys are content addresses, so
//!   an expired template is simply staged anew), the versions they leave behind after
//!   [`StagingOptions::noncurrent_days`], and unfinished multipart uploads after a day;
//! - retained when the stack is deleted: stacks deployed from it may still reference what it
//!   holds.
//!
//! Its outputs are named as the AWS CDK's bootstrap stack (`CDKToolkit`) names them, so that
//! `deploy` reads either the same way: `BucketName`, `BucketDomainName` (the regional domain
//! name) and `BootstrapVersion` ([`BOOTSTRAP_VERSION`]).

use framework::{App, OutputNode, Stack, Value};

use crate::s3::{Bucket, BucketRef, LifecycleRule};

/// The version of the staging stack's template, its `BootstrapVersion` output. It grows when
/// the template changes in a way deploy relies on.
pub const BOOTSTRAP_VERSION: u32 = 1;

/// The staging stack's name unless told otherwise (`--toolkit-stack-name`), and its outputs'
/// names: the protocol deploy reads the stack with, defined once in
/// [`framework::staging_protocol`].
pub use framework::staging_protocol::{
    BOOTSTRAP_VERSION_OUTPUT, BUCKET_DOMAIN_NAME_OUTPUT, BUCKET_NAME_OUTPUT, DEFAULT_TOOLKIT_STACK_NAME,
};

/// How the staging stack is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagingOptions {
    /// The stack's name.
    pub stack_name: String,
    /// Days after which a staged object expires (deploy stages it again when needed).
    pub staged_object_days: u32,
    /// Days after which a version that is no longer current is removed.
    pub noncurrent_days: u32,
}

impl Default for StagingOptions {
    fn default() -> Self {
        StagingOptions { stack_name: DEFAULT_TOOLKIT_STACK_NAME.into(), staged_object_days: 365, noncurrent_days: 30 }
    }
}

/// Adds the staging resources to `stack`; gives the bucket.
///
/// ```
/// use constructs::staging::{staging_app, StagingOptions};
/// let app = staging_app(&StagingOptions::default());
/// let assembly = app.synth().unwrap();
/// let template = assembly.stack("ToolkitStaging").unwrap().template();
/// assert_eq!(template["Outputs"]["BootstrapVersion"]["Value"], "1");
/// assert_eq!(template["Outputs"]["BucketName"]["Value"]["Ref"], "StagingBucket9644C37C");
/// ```
pub fn add_staging(stack: &mut Stack, options: &StagingOptions) -> BucketRef {
    let bucket = Bucket::builder()
        .versioned(true)
        .enforce_ssl(true)
        .lifecycle_rule(LifecycleRule {
            expiration_days: Some(options.staged_object_days),
            noncurrent_version_expiration_days: Some(options.noncurrent_days),
            abort_incomplete_multipart_upload_days: Some(1),
            ..LifecycleRule::new("ExpireStagedObjects")
        })
        .build(&mut *stack, "StagingBucket");
    let outputs = [
        (BUCKET_NAME_OUTPUT, bucket.name(), "The staging bucket"),
        (BUCKET_DOMAIN_NAME_OUTPUT, bucket.regional_domain_name(), "The staging bucket's regional domain name"),
        (
            BOOTSTRAP_VERSION_OUTPUT,
            Value::from(BOOTSTRAP_VERSION.to_string()),
            "The version of this staging stack's template",
        ),
    ];
    for (id, value, description) in outputs {
        stack.add_output(id, OutputNode { description: Some(description.into()), ..OutputNode::new(value) });
    }
    bucket
}

/// An app holding only the staging stack, as `bootstrap` deploys it.
pub fn staging_app(options: &StagingOptions) -> App {
    let mut app = App::new();
    let stack = app.add_stack(&options.stack_name);
    stack.props_mut().description = Some(
        "Staging resources of the infrastructure toolkit: templates and assets for deploy (made by bootstrap)".into(),
    );
    add_staging(stack, options);
    app
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_bucket_is_safe_and_retained() {
        let assembly = staging_app(&StagingOptions::default()).synth().unwrap();
        let template = assembly.stack(DEFAULT_TOOLKIT_STACK_NAME).unwrap().template();
        let bucket = &template["Resources"]["StagingBucket9644C37C"];
        assert_eq!(bucket["DeletionPolicy"], "Retain");
        assert_eq!(bucket["UpdateReplacePolicy"], "Retain");
        let p = &bucket["Properties"];
        assert_eq!(p["VersioningConfiguration"], json!({"Status": "Enabled"}));
        assert_eq!(
            p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
                ["SSEAlgorithm"],
            "AES256"
        );
        assert_eq!(
            p["PublicAccessBlockConfiguration"],
            json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
        );
        assert_eq!(
            p["LifecycleConfiguration"]["Rules"][0],
            json!({
                "Id": "ExpireStagedObjects",
                "Status": "Enabled",
                "ExpirationInDays": 365,
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}
            })
        );
        let policy = &template["Resources"]["StagingBucketPolicy83BEDEEE"];
        assert_eq!(policy["Type"], "AWS::S3::BucketPolicy");
        assert_eq!(policy["DeletionPolicy"], "Retain");
        let statement = &policy["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(statement["Effect"], "Deny");
        assert_eq!(statement["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
        assert_eq!(statement["Principal"], "*");
        for output in [BUCKET_NAME_OUTPUT, BUCKET_DOMAIN_NAME_OUTPUT, BOOTSTRAP_VERSION_OUTPUT] {
            assert!(template["Outputs"][output]["Value"] != json!(null), "{output}");
        }
    }

    #[test]
    fn synthesizes_the_same_bytes_every_time() {
        let text =
            |o: &StagingOptions| staging_app(o).synth().unwrap().stack(&o.stack_name).unwrap().template().to_string();
        assert_eq!(text(&StagingOptions::default()), text(&StagingOptions::default()));
        let other = StagingOptions { stack_name: "Other".into(), staged_object_days: 7, ..StagingOptions::default() };
        assert!(text(&other).contains("\"ExpirationInDays\":7"));
    }

    #[test]
    fn bad_options_are_reported_with_their_path() {
        let options = StagingOptions { staged_object_days: 0, noncurrent_days: 0, ..StagingOptions::default() };
        let problems = staging_app(&options).synth().unwrap_err().problems().to_string();
        assert!(problems.contains("ToolkitStaging/StagingBucket/Resource"), "{problems}");
        assert!(problems.contains("ExpirationInDays must be at least 1 day"), "{problems}");
        assert!(problems.contains("NoncurrentVersionExpiration must be at least 1 day"), "{problems}");
    }
}

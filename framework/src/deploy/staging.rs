//! Staging: what CloudFormation must read from S3 is uploaded to the toolkit's staging bucket
//! first. Today that is every template over the 51,200-byte inline limit; file assets (code
//! bundles of future constructs) go through the same step.
//!
//! The staging bucket belongs to a *toolkit stack* in the target account and region, found by
//! name: ours (`bootstrap` creates it, default [`DEFAULT_TOOLKIT_STACK_NAME`]) or the AWS CDK's
//! `CDKToolkit` (`--toolkit-stack-name CDKToolkit`), since both name their outputs the same:
//! [`BUCKET_NAME_OUTPUT`] and [`BUCKET_DOMAIN_NAME_OUTPUT`]. No toolkit stack is an error that
//! says to run `bootstrap`, raised before anything is changed.
//!
//! Keys are content addresses (`templates/<sha256>.json`): a file already there (HeadObject)
//! is not uploaded again, a re-run uploads nothing, and two stacks with the same template share
//! one object. The URL CloudFormation reads is the bucket's regional virtual-hosted one,
//! `https://<BucketDomainName>/<key>`.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use sha2::{Digest, Sha256};

use crate::deploy::client::AwsConfig;
use crate::deploy::client::CfnClient;
use crate::deploy::error::DeployError;
use crate::deploy::retry::{with_retry, RetryPolicy};
use crate::deploy::stack::describe;
use crate::deploy::status::StackCondition;

pub use crate::staging_protocol::{
    BOOTSTRAP_VERSION_OUTPUT, BUCKET_DOMAIN_NAME_OUTPUT, BUCKET_NAME_OUTPUT, DEFAULT_TOOLKIT_STACK_NAME,
};

/// A staging bucket, as its toolkit stack describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagingBucket {
    /// The toolkit stack it belongs to.
    pub toolkit_stack: String,
    /// The bucket's name.
    pub bucket: String,
    /// Its regional domain name (`<bucket>.s3.<region>.amazonaws.com`).
    pub domain: String,
}

impl StagingBucket {
    /// The URL CloudFormation reads `key` from.
    pub fn url(&self, key: &str) -> String {
        format!("https://{}/{key}", self.domain)
    }
}

/// The staging bucket of toolkit stack `name` in `cfn`'s account and region: `None` when the
/// stack does not exist (or was deleted); an error when it exists without the outputs.
pub async fn find_staging(cfn: &CfnClient, name: &str) -> Result<Option<StagingBucket>, DeployError> {
    let Some(stack) = describe(cfn, name).await? else { return Ok(None) };
    if stack.condition() == StackCondition::Missing {
        return Ok(None);
    }
    let output = |key: &str| stack.outputs.iter().find(|o| o.key == key).map(|o| o.value.clone());
    match (output(BUCKET_NAME_OUTPUT), output(BUCKET_DOMAIN_NAME_OUTPUT)) {
        (Some(bucket), Some(domain)) if !bucket.is_empty() && !domain.is_empty() => {
            Ok(Some(StagingBucket { toolkit_stack: name.to_string(), bucket, domain }))
        }
        _ => Err(DeployError::Config(format!(
            "toolkit stack {name} ({}) has no {BUCKET_NAME_OUTPUT} and {BUCKET_DOMAIN_NAME_OUTPUT} outputs: \
             is it a toolkit stack? Run `bootstrap` (or name another with --toolkit-stack-name)",
            stack.status
        ))),
    }
}

/// The content address of a staged template: `templates/<sha256 of its bytes>.json`.
pub fn template_key(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("templates/{hex}.json")
}

/// Uploads to one staging bucket.
#[derive(Debug, Clone)]
pub struct Stager {
    s3: aws_sdk_s3::Client,
    bucket: StagingBucket,
}

/// What staging a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    /// The URL CloudFormation reads it from.
    pub url: String,
    /// `s3://bucket/key`, for messages.
    pub location: String,
    /// False when it was already there.
    pub uploaded: bool,
}

impl Stager {
    /// A stager for `bucket`, with an S3 client on `config` (path-style addressing against a
    /// local endpoint, where bucket host names do not resolve).
    pub fn new(config: &AwsConfig, bucket: StagingBucket) -> Stager {
        let mut builder = aws_sdk_s3::config::Builder::from(&config.sdk_config);
        if config.endpoint.is_some() {
            builder = builder.force_path_style(true);
        }
        Stager { s3: aws_sdk_s3::Client::from_conf(builder.build()), bucket }
    }

    /// Stages `body` under `key` unless an object is there already (keys are content
    /// addresses); `stack` names the stack it is for, in errors.
    pub async fn stage(&self, stack: &str, key: &str, body: &str) -> Result<Staged, DeployError> {
        self.stage_bytes(stack, key, body.as_bytes(), "application/json").await
    }

    /// [`stage`](Self::stage) for any content (a file asset, an archive).
    pub async fn stage_bytes(
        &self,
        stack: &str,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<Staged, DeployError> {
        if let Some(staged) = self.existing(stack, key).await? {
            return Ok(staged);
        }
        self.put(stack, key, body, content_type).await
    }

    /// What is staged under `key` already (HeadObject), if anything.
    pub async fn existing(&self, stack: &str, key: &str) -> Result<Option<Staged>, DeployError> {
        let bucket = &self.bucket.bucket;
        let location = format!("s3://{bucket}/{key}");
        let policy = RetryPolicy::default();
        match with_retry(&policy, || self.s3.head_object().bucket(bucket).key(key).send()).await {
            Ok(_) => Ok(Some(Staged { url: self.bucket.url(key), location, uploaded: false })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(s3_error("HeadObject", stack, &location, &e)),
        }
    }

    /// Uploads `body` under `key` (PutObject).
    pub async fn put(&self, stack: &str, key: &str, body: &[u8], content_type: &str) -> Result<Staged, DeployError> {
        let bucket = &self.bucket.bucket;
        let location = format!("s3://{bucket}/{key}");
        with_retry(&RetryPolicy::default(), || {
            self.s3
                .put_object()
                .bucket(bucket)
                .key(key)
                .content_type(content_type)
                .body(ByteStream::from(body.to_vec()))
                .send()
        })
        .await
        .map_err(|e| s3_error("PutObject", stack, &location, &e))?;
        Ok(Staged { url: self.bucket.url(key), location, uploaded: true })
    }
}

fn s3_error<E: ProvideErrorMetadata + std::error::Error + 'static>(
    call: &str,
    stack: &str,
    location: &str,
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> DeployError {
    DeployError::Staging {
        stack: stack.to_string(),
        location: location.to_string(),
        reason: format!("{call}: {}", crate::deploy::error::sdk_error_message("S3", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_content_addresses() {
        let a = template_key("{\"Resources\":{}}");
        assert_eq!(a, template_key("{\"Resources\":{}}"));
        assert_ne!(a, template_key("{\"Resources\":{} }"));
        assert!(a.starts_with("templates/") && a.ends_with(".json") && a.len() == "templates/".len() + 64 + 5, "{a}");
        // The SHA-256 of the empty string, as every implementation gives it.
        assert_eq!(template_key(""), "templates/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.json");
    }

    #[test]
    fn urls_are_regional_virtual_hosted() {
        let b = StagingBucket {
            toolkit_stack: "ToolkitStaging".into(),
            bucket: "b".into(),
            domain: "b.s3.eu-west-1.amazonaws.com".into(),
        };
        assert_eq!(b.url("templates/x.json"), "https://b.s3.eu-west-1.amazonaws.com/templates/x.json");
    }
}

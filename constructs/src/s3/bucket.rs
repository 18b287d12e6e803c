//! S3 buckets: typed L1 (`CfnBucket`), L2 builder (`Bucket`), handle.
//!
//! The L2's defaults are the safe ones, as AWS's own guidance and the AWS CDK's newer defaults
//! have them: S3-managed encryption, every kind of public access blocked, and the bucket
//! retained when it leaves the stack (a bucket holds data). `enforce_ssl` adds the bucket policy
//! that denies every request not sent over TLS, as the AWS CDK's `enforceSSL` does.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{RemovalPolicy, Resource, Scope, Validator, Value};

use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::s3::bucket_policy::CfnBucketPolicy;

/// How a bucket encrypts objects at rest.
#[derive(Debug, Clone, PartialEq)]
pub enum BucketEncryption {
    /// `AES256`: keys S3 manages (SSE-S3).
    S3Managed,
    /// `aws:kms`: a KMS key (SSE-KMS); the account's AWS-managed `aws/s3` key when `None`.
    Kms(Option<Value>),
}

/// Which kinds of public access are blocked (`PublicAccessBlockConfiguration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockPublicAccess {
    /// `BlockPublicAcls`: refuse new public ACLs.
    pub block_public_acls: bool,
    /// `IgnorePublicAcls`: ignore existing public ACLs.
    pub ignore_public_acls: bool,
    /// `BlockPublicPolicy`: refuse public bucket policies.
    pub block_public_policy: bool,
    /// `RestrictPublicBuckets`: only the owner's account and AWS services reach a bucket with
    /// a public policy.
    pub restrict_public_buckets: bool,
}

impl BlockPublicAccess {
    /// Everything blocked.
    pub const ALL: BlockPublicAccess = BlockPublicAccess {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    fn to_value(self) -> Value {
        Value::map([
            ("BlockPublicAcls", Value::from(self.block_public_acls)),
            ("BlockPublicPolicy", Value::from(self.block_public_policy)),
            ("IgnorePublicAcls", Value::from(self.ignore_public_acls)),
            ("RestrictPublicBuckets", Value::from(self.restrict_public_buckets)),
        ])
    }
}

/// One lifecycle rule: what expires, under which key prefix (`LifecycleConfiguration.Rules`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LifecycleRule {
    /// `Id`: the rule's name (1 to 255 characters).
    pub id: String,
    /// `Prefix`: the rule applies to keys starting with this (all keys when unset).
    pub prefix: Option<String>,
    /// `ExpirationInDays`: current versions expire this many days after creation.
    pub expiration_days: Option<u32>,
    /// `NoncurrentVersionExpiration.NoncurrentDays`: versions that are no longer current are
    /// removed this many days after they stopped being current.
    pub noncurrent_version_expiration_days: Option<u32>,
    /// `AbortIncompleteMultipartUpload.DaysAfterInitiation`.
    pub abort_incomplete_multipart_upload_days: Option<u32>,
}

impl LifecycleRule {
    /// A rule named `id` with no action yet.
    pub fn new(id: impl Into<String>) -> LifecycleRule {
        LifecycleRule { id: id.into(), ..LifecycleRule::default() }
    }

    fn to_value(&self) -> Value {
        let mut m = BTreeMap::from([("Id".to_string(), Value::from(self.id.as_str()))]);
        m.insert("Status".into(), "Enabled".into());
        if let Some(p) = &self.prefix {
            m.insert("Prefix".into(), p.as_str().into());
        }
        if let Some(d) = self.expiration_days {
            m.insert("ExpirationInDays".into(), d.into());
        }
        if let Some(d) = self.noncurrent_version_expiration_days {
            m.insert("NoncurrentVersionExpiration".into(), Value::map([("NoncurrentDays", Value::from(d))]));
        }
        if let Some(d) = self.abort_incomplete_multipart_upload_days {
            m.insert("AbortIncompleteMultipartUpload".into(), Value::map([("DaysAfterInitiation", Value::from(d))]));
        }
        Value::Map(m)
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.id.is_empty() || self.id.chars().count() > 255 {
            out.push(format!("lifecycle rule id {:?} must have 1 to 255 characters", self.id));
        }
        let days = [
            ("ExpirationInDays", self.expiration_days),
            ("NoncurrentVersionExpiration", self.noncurrent_version_expiration_days),
            ("AbortIncompleteMultipartUpload", self.abort_incomplete_multipart_upload_days),
        ];
        if days.iter().all(|(_, d)| d.is_none()) {
            out.push(format!("lifecycle rule {:?} has no action: set an expiration", self.id));
        }
        for (what, d) in days {
            if d == Some(0) {
                out.push(format!("lifecycle rule {:?}: {what} must be at least 1 day", self.id));
            }
        }
        out
    }
}

/// `AWS::S3::Bucket`, typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CfnBucket {
    /// `BucketName` (CloudFormation generates one when unset).
    pub bucket_name: Option<Value>,
    /// `BucketEncryption`.
    pub encryption: Option<BucketEncryption>,
    /// `VersioningConfiguration`: `Enabled` when true (unset otherwise).
    pub versioned: bool,
    /// `PublicAccessBlockConfiguration`.
    pub block_public_access: Option<BlockPublicAccess>,
    /// `LifecycleConfiguration.Rules`.
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// `Tags`: key -> value.
    pub tags: BTreeMap<String, Value>,
}

impl Resource for CfnBucket {
    fn cfn_type(&self) -> &str {
        "AWS::S3::Bucket"
    }
    fn properties(&self) -> BTreeMap<String, Value> {
        let encryption = self.encryption.as_ref().map(|e| {
            let default = match e {
                BucketEncryption::S3Managed => Value::map([("SSEAlgorithm", Value::from("AES256"))]),
                BucketEncryption::Kms(key) => {
                    let mut m = BTreeMap::from([("SSEAlgorithm".to_string(), Value::from("aws:kms"))]);
                    if let Some(k) = key {
                        m.insert("KMSMasterKeyID".into(), k.clone());
                    }
                    Value::Map(m)
                }
            };
            Value::map([(
                "ServerSideEncryptionConfiguration",
                Value::List(vec![Value::map([("ServerSideEncryptionByDefault", default)])]),
            )])
        });
        let lifecycle = (!self.lifecycle_rules.is_empty()).then(|| {
            Value::map([("Rules", Value::List(self.lifecycle_rules.iter().map(LifecycleRule::to_value).collect()))])
        });
        BTreeMap::from([
            ("BucketName".to_string(), self.bucket_name.clone().into()),
            ("BucketEncryption".to_string(), encryption.into()),
            (
                "VersioningConfiguration".to_string(),
                self.versioned.then(|| Value::map([("Status", Value::from("Enabled"))])).into(),
            ),
            ("PublicAccessBlockConfiguration".to_string(), self.block_public_access.map(|b| b.to_value()).into()),
            ("LifecycleConfiguration".to_string(), lifecycle.into()),
            ("Tags".to_string(), crate::tags_value(&self.tags)),
        ])
    }
    fn validate(&self, v: &mut Validator<'_>) {
        if let Some(Value::String(name)) = &self.bucket_name {
            if let Some(problem) = bucket_name_problem(name) {
                v.error(format!("BucketName {name:?} {problem}"));
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for rule in &self.lifecycle_rules {
            for p in rule.problems() {
                v.error(p);
            }
            if !ids.insert(rule.id.as_str()) {
                v.error(format!("lifecycle rule id {:?} is used twice; ids must be unique", rule.id));
            }
        }
        if self.lifecycle_rules.len() > 1000 {
            v.error(format!("{} lifecycle rules: S3 allows at most 1,000", self.lifecycle_rules.len()));
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// What is wrong with a bucket name, by S3's naming rules for general purpose buckets.
pub fn bucket_name_problem(name: &str) -> Option<String> {
    let b = name.as_bytes();
    if !(3..=63).contains(&b.len()) {
        return Some(format!("must have 3 to 63 characters (it has {})", name.chars().count()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-')) {
        return Some(format!("has {c:?}: only lowercase letters, digits, '.' and '-' are allowed"));
    }
    let edge = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !edge(b[0]) || !edge(b[b.len() - 1]) {
        return Some("must begin and end with a lowercase letter or a digit".into());
    }
    if name.contains("..") {
        return Some("must not have two adjacent periods".into());
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("must not be formatted as an IP address".into());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Some(format!("must not start with the reserved prefix {prefix:?}"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Some(format!("must not end with the reserved suffix {suffix:?}"));
        }
    }
    None
}

/// Properties of a [`Bucket`].
#[derive(Debug, Clone, derive_builder::Builder)]
#[builder(pattern = "owned", build_fn(skip), setter(into, strip_option), name = "BucketBuilder")]
pub struct BucketProps {
    /// Physical name (generated by CloudFormation when unset).
    pub bucket_name: Option<Value>,
    /// Encryption at rest; S3-managed keys when unset.
    pub encryption: Option<BucketEncryption>,
    /// Keep every version of every object.
    pub versioned: Option<bool>,
    /// Public access blocked; everything when unset.
    pub block_public_access: Option<BlockPublicAccess>,
    /// Deny every request not sent over TLS (a bucket policy).
    pub enforce_ssl: Option<bool>,
    /// What happens to the bucket when it leaves the stack. A bucket holds data: the default
    /// is [`RemovalPolicy::Retain`].
    pub removal_policy: Option<RemovalPolicy>,
    /// Lifecycle rules.
    #[builder(setter(custom))]
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// Tags.
    #[builder(setter(custom))]
    pub tags: BTreeMap<String, Value>,
}

impl BucketBuilder {
    /// Adds a lifecycle rule.
    pub fn lifecycle_rule(mut self, rule: LifecycleRule) -> Self {
        self.lifecycle_rules.get_or_insert_with(Vec::new).push(rule);
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.tags.get_or_insert_with(BTreeMap::new).insert(key.into(), value.into());
        self
    }

    /// Adds the bucket (and its TLS-only policy, with `enforce_ssl`) under `scope` with
    /// construct id `id`.
    pub fn build<'a>(self, scope: impl Into<Scope<'a>>, id: &str) -> BucketRef {
        let mut scope = scope.into();
        let node = scope.add_construct(id, "constructs.s3.Bucket");
        let spec = CfnBucket {
            bucket_name: self.bucket_name.flatten(),
            encryption: Some(self.encryption.flatten().unwrap_or(BucketEncryption::S3Managed)),
            versioned: self.versioned.flatten().unwrap_or(false),
            block_public_access: Some(self.block_public_access.flatten().unwrap_or(BlockPublicAccess::ALL)),
            lifecycle_rules: self.lifecycle_rules.unwrap_or_default(),
            tags: self.tags.unwrap_or_default(),
        };
        let resource = scope.at(node).add_resource("Resource", Box::new(spec), "constructs.s3.CfnBucket");
        let policy = self.removal_policy.flatten().unwrap_or(RemovalPolicy::Retain);
        scope.stack().set_removal_policy(resource, policy);
        let bucket = BucketRef { node, resource };
        if self.enforce_ssl.flatten().unwrap_or(false) {
            let document = PolicyDocument::with_statements([PolicyStatement::deny()
                .actions(["s3:*"])
                .principal(Principal::Any)
                .resources([bucket.arn(), bucket.arn_for_objects("*")])
                .condition("Bool", "aws:SecureTransport", "false")]);
            let spec = CfnBucketPolicy { bucket: bucket.name(), document };
            let policy = scope.at(node).add_construct("Policy", "constructs.s3.BucketPolicy");
            let r = scope.at(policy).add_resource("Resource", Box::new(spec), "constructs.s3.CfnBucketPolicy");
            // Deleted with the bucket; kept with it when the bucket is kept.
            scope.stack().set_removal_policy(r, policy_removal(self.removal_policy.flatten()));
        }
        bucket
    }
}

fn policy_removal(bucket: Option<RemovalPolicy>) -> RemovalPolicy {
    match bucket {
        Some(RemovalPolicy::Destroy) => RemovalPolicy::Destroy,
        _ => RemovalPolicy::Retain,
    }
}

/// An S3 bucket (L2): encrypted, public access blocked, retained when removed from the stack
/// unless told otherwise.
///
/// ```
/// use constructs::s3::{Bucket, LifecycleRule};
/// use framework::App;
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let bucket = Bucket::builder()
///     .versioned(true)
///     .enforce_ssl(true)
///     .lifecycle_rule(LifecycleRule { noncurrent_version_expiration_days: Some(30), ..LifecycleRule::new("Old") })
///     .build(&mut *stack, "Staging");
/// let assembly = app.synth().unwrap();
/// let template = assembly.stack("Stack").unwrap().template();
/// let resource = &template["Resources"]["Staging12D1754E"];
/// assert_eq!(resource["DeletionPolicy"], "Retain");
/// assert_eq!(resource["Properties"]["VersioningConfiguration"]["Status"], "Enabled");
/// assert_eq!(template["Resources"]["StagingPolicyB16183D3"]["Type"], "AWS::S3::BucketPolicy");
/// # let _ = bucket.arn();
/// ```
pub struct Bucket;

impl Bucket {
    /// A builder for a new bucket.
    pub fn builder() -> BucketBuilder {
        BucketBuilder::default()
    }
}

crate::handle::handle!(Bucket, BucketRef);

impl BucketRef {
    /// The bucket's ARN (`Fn::GetAtt Arn`).
    pub fn arn(self) -> Value {
        Value::GetAtt(self.resource, "Arn".into())
    }
    /// The bucket's name (`Ref`).
    pub fn name(self) -> Value {
        Value::Ref(self.resource)
    }
    /// The ARN of the objects whose keys match `key_pattern` (`*` for all).
    pub fn arn_for_objects(self, key_pattern: &str) -> Value {
        Value::join("", [self.arn(), Value::from(format!("/{key_pattern}"))])
    }
    /// The bucket's regional domain name (`Fn::GetAtt RegionalDomainName`).
    pub fn regional_domain_name(self) -> Value {
        Value::GetAtt(self.resource, "RegionalDomainName".into())
    }
}

#[cfg(test)]
mod tests {
    use framework::App;
    use serde_json::json;

    use super::*;

    fn template(build: impl FnOnce(&mut framework::Stack)) -> serde_json::Value {
        let mut app = App::new();
        build(app.add_stack("S"));
        app.synth().unwrap().stack("S").unwrap().template().clone()
    }

    #[test]
    fn safe_defaults_and_kms() {
        let t = template(|s| {
            Bucket::builder().build(&mut *s, "B");
        });
        let b = t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::S3::Bucket").unwrap();
        assert_eq!(b["DeletionPolicy"], "Retain");
        assert_eq!(b["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"], true);
        assert!(
            b["Properties"].get("VersioningConfiguration").is_none() && t["Resources"].as_object().unwrap().len() == 1
        );
        let t = template(|s| {
            Bucket::builder()
                .encryption(BucketEncryption::Kms(Some("arn:aws:kms:eu-west-1:111122223333:key/abc".into())))
                .removal_policy(RemovalPolicy::Destroy)
                .enforce_ssl(true)
                .build(&mut *s, "B");
        });
        let b = t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::S3::Bucket").unwrap();
        assert_eq!(
            b["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
                ["ServerSideEncryptionByDefault"],
            json!({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/abc"})
        );
        assert_eq!(b["DeletionPolicy"], "Delete");
        let policy =
            t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::S3::BucketPolicy").unwrap();
        assert_eq!(policy["DeletionPolicy"], "Delete", "the policy goes with a bucket that goes");
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        for ok in ["abc", "my-bucket.2026", "a".repeat(63).as_str()] {
            assert_eq!(bucket_name_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("ab", "3 to 63"),
            ("My-Bucket", "lowercase"),
            ("-abc", "begin and end"),
            ("abc.", "begin and end"),
            ("a..b", "adjacent periods"),
            ("192.168.5.4", "IP address"),
            ("xn--abc", "reserved prefix"),
            ("abc-s3alias", "reserved suffix"),
        ] {
            let problem = bucket_name_problem(bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut app = App::new();
        Bucket::builder()
            .bucket_name("Bad_Name")
            .lifecycle_rule(LifecycleRule::new("Nothing"))
            .lifecycle_rule(LifecycleRule { expiration_days: Some(0), ..LifecycleRule::new("Nothing") })
            .build(app.add_stack("S"), "B");
        let problems = app.synth().unwrap_err().problems().to_string();
        for want in [
            "BucketName \"Bad_Name\" has 'B'",
            "lifecycle rule \"Nothing\" has no action",
            "ExpirationInDays must be at least 1 day",
            "lifecycle rule id \"Nothing\" is used twice",
        ] {
            assert!(problems.contains(want), "{want}: {problems}");
        }
        assert!(problems.contains("S/B/Resource"), "{problems}");
    }
}

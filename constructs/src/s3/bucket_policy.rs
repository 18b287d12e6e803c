//! `AWS::S3::BucketPolicy`, typed: a bucket's resource policy.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{Resource, Validator, Value};

use crate::iam::{PolicyDocument, StatementContext};

/// `AWS::S3::BucketPolicy`: the resource policy of one bucket (every statement names its
/// principal, since it is a resource policy).
#[derive(Debug, Clone, PartialEq)]
pub struct CfnBucketPolicy {
    /// `Bucket`: the bucket's name.
    pub bucket: Value,
    /// `PolicyDocument`.
    pub document: PolicyDocument,
}

impl Resource for CfnBucketPolicy {
    fn cfn_type(&self) -> &str {
        "AWS::S3::BucketPolicy"
    }
    fn properties(&self) -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("Bucket".to_string(), self.bucket.clone()),
            ("PolicyDocument".to_string(), self.document.to_value()),
        ])
    }
    fn validate(&self, v: &mut Validator<'_>) {
        if self.document.is_empty() {
            v.error("a bucket policy needs at least one statement");
        }
        for p in self.document.problems(StatementContext::Resource) {
            v.error(format!("PolicyDocument: {p}"));
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

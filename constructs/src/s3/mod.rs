//! Amazon S3: buckets encrypted, with public access blocked and retained by default, their
//! lifecycle rules, and bucket policies (a TLS-only one with `enforce_ssl`).

mod bucket;
mod bucket_policy;

pub use bucket::{
    bucket_name_problem, BlockPublicAccess, Bucket, BucketBuilder, BucketEncryption, BucketProps, BucketRef, CfnBucket,
    LifecycleRule,
};
pub use bucket_policy::CfnBucketPolicy;

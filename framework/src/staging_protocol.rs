//! The toolkit stack's protocol: its default name and the outputs through which deploy finds
//! its staging bucket. The AWS CDK's bootstrap stack (`CDKToolkit`) names its outputs the same,
//! so deploy reads either. The stack itself is a construct (the construct library's
//! `staging`); deploy's use of it is `deploy::staging` (feature `deploy`). Both take these
//! names from here, with no AWS SDK needed to know them.

/// The toolkit stack's name unless told otherwise (`--toolkit-stack-name`).
pub const DEFAULT_TOOLKIT_STACK_NAME: &str = "ToolkitStaging";
/// The output holding the staging bucket's name.
pub const BUCKET_NAME_OUTPUT: &str = "BucketName";
/// The output holding the staging bucket's regional domain name.
pub const BUCKET_DOMAIN_NAME_OUTPUT: &str = "BucketDomainName";
/// The output holding the version of the toolkit stack's template.
pub const BOOTSTRAP_VERSION_OUTPUT: &str = "BootstrapVersion";

//! Connecting to CloudFormation: region, credentials and endpoint through `aws-config`'s
//! standard chain (environment, shared config and credentials files, SSO, web identity,
//! container and instance metadata, `AWS_ENDPOINT_URL`), overridden by `--profile`, `--region`
//! and `--endpoint-url`; `--local` targets the emulator on `http://127.0.0.1:4566`.
//!
//! `--local` never sends ambient credentials to the emulator: it signs with `test`/`test`, the
//! emulator's documented dummy credentials (not secrets: the emulator accepts any key), unless
//! `--profile` is given on the command line. Keys in the environment (`AWS_ACCESS_KEY_ID`...),
//! `AWS_PROFILE`, the default profile and the instance-metadata providers are all left alone,
//! and per-service endpoint variables (`AWS_ENDPOINT_URL_CLOUDFORMATION`...) are ignored so that
//! nothing meant for the emulator goes elsewhere. The region comes from `--region`,
//! `AWS_REGION`, the chosen profile, else `us-east-1`.
//!
//! Each stack deploys to its own environment: a stack pinned to a region gets a client of that
//! region ([`AwsConfig::for_region`]), and [`AwsConfig::caller_account`] (STS
//! GetCallerIdentity) tells which account the credentials belong to (see
//! [`crate::deploy::environment`]).

use std::time::Duration;

use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::BehaviorVersion;
use aws_sdk_cloudformation::config::retry::RetryConfig;
use aws_sdk_cloudformation::config::timeout::TimeoutConfig;
use aws_sdk_cloudformation::config::{Credentials, ProvideCredentials, Region, SharedCredentialsProvider};

use crate::deploy::error::DeployError;

/// The emulator's endpoint used by `--local`.
pub const LOCAL_ENDPOINT: &str = "http://127.0.0.1:4566";
/// The region used by `--local` when none is configured.
pub const LOCAL_DEFAULT_REGION: &str = "us-east-1";

/// Where and as whom to connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// A named profile of the shared config files.
    pub profile: Option<String>,
    /// The region, overriding the chain.
    pub region: Option<String>,
    /// A custom endpoint, overriding the chain (and `--local`'s endpoint).
    pub endpoint_url: Option<String>,
    /// Target the local emulator.
    pub local: bool,
    /// The region to use when neither the flags nor the chain give one (a stack's pinned
    /// region, so that an app whose stacks all pin theirs needs no region configured).
    pub fallback_region: Option<String>,
}

impl Connection {
    /// The endpoint requests go to when it is set explicitly (`--endpoint-url` or `--local`).
    pub fn explicit_endpoint(&self) -> Option<&str> {
        self.endpoint_url.as_deref().or(if self.local { Some(LOCAL_ENDPOINT) } else { None })
    }
}

/// The loaded AWS configuration (region, credentials, endpoint, HTTP client) that every service
/// client of the toolkit is built from, with where it points (for messages).
#[derive(Debug, Clone)]
pub struct AwsConfig {
    /// The SDK configuration: `aws_sdk_<service>::Client::new(&config.sdk_config)` makes a
    /// client of any service (its own retries off: [`crate::deploy::retry`] decides).
    pub sdk_config: aws_config::SdkConfig,
    /// The region in use.
    pub region: String,
    /// The endpoint, when not the standard AWS one.
    pub endpoint: Option<String>,
}

impl AwsConfig {
    /// A CloudFormation client on this configuration.
    pub fn cloudformation(&self) -> CfnClient {
        CfnClient {
            client: aws_sdk_cloudformation::Client::new(&self.sdk_config),
            region: self.region.clone(),
            endpoint: self.endpoint.clone(),
        }
    }

    /// The same configuration in another region (a stack pinned to it).
    pub fn for_region(&self, region: &str) -> AwsConfig {
        if region == self.region {
            return self.clone();
        }
        let mut builder = self.sdk_config.to_builder();
        builder.set_region(Some(Region::new(region.to_string())));
        AwsConfig { sdk_config: builder.build(), region: region.to_string(), endpoint: self.endpoint.clone() }
    }

    /// The account the credentials belong to (STS GetCallerIdentity).
    pub async fn caller_account(&self) -> Result<String, DeployError> {
        let sts = aws_sdk_sts::Client::new(&self.sdk_config);
        let policy = crate::deploy::retry::RetryPolicy::default();
        let out =
            crate::deploy::retry::with_retry(&policy, || sts.get_caller_identity().send()).await.map_err(|e| {
                DeployError::Config(format!(
                    "cannot tell which account the credentials belong to (STS GetCallerIdentity): {}",
                    crate::deploy::error::sdk_error_message("STS", &e)
                ))
            })?;
        out.account()
            .map(str::to_string)
            .ok_or_else(|| DeployError::Config("STS GetCallerIdentity returned no account".into()))
    }
}

/// Whether an endpoint URL names this machine (loopback).
pub fn is_local_endpoint(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// A CloudFormation client ready to use, with where it points (for messages).
#[derive(Debug, Clone)]
pub struct CfnClient {
    /// The SDK client (its own retries off: [`crate::deploy::retry`] decides).
    pub client: aws_sdk_cloudformation::Client,
    /// The region in use.
    pub region: String,
    /// The endpoint, when not the standard AWS one.
    pub endpoint: Option<String>,
}

impl CfnClient {
    /// Whether requests go to an endpoint on this machine (the emulator): polling is faster.
    pub fn is_local(&self) -> bool {
        self.endpoint.as_deref().is_some_and(is_local_endpoint)
    }
}

/// Loads the configuration and checks that a region and credentials are there, with a one-line
/// error naming what is missing; returns a CloudFormation client on it.
pub async fn connect(conn: &Connection) -> Result<CfnClient, DeployError> {
    Ok(load(conn).await?.cloudformation())
}

/// Loads the configuration and checks that a region and credentials are there, with a one-line
/// error naming what is missing; other services' clients are built from the result.
pub async fn load(conn: &Connection) -> Result<AwsConfig, DeployError> {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled()).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(profile) = &conn.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = conn.explicit_endpoint() {
        loader = loader.endpoint_url(endpoint);
    }
    if conn.local {
        loader = loader.region(local_region_chain(conn)).credentials_provider(local_credentials_chain(conn));
    } else if let Some(region) = &conn.region {
        loader = loader.region(Region::new(region.clone()));
    }
    let mut config = loader.load().await;
    if conn.local {
        // Per-service endpoint variables and profile keys would win over the explicit endpoint
        // (the SDK treats the loader's endpoint as shared config): drop them.
        let mut builder = config.into_builder();
        builder.set_service_config(None::<NoServiceConfig>);
        config = builder.build();
    }
    if config.region().is_none() {
        if let Some(region) = &conn.fallback_region {
            let mut builder = config.into_builder();
            builder.set_region(Some(Region::new(region.clone())));
            config = builder.build();
        }
    }
    let region = config.region().map(|r| r.to_string()).ok_or_else(|| {
        DeployError::Config(
            "no AWS region configured: pass --region, set AWS_REGION, or set `region` in your profile \
             (or use --local for the emulator)"
                .into(),
        )
    })?;
    let provider =
        config.credentials_provider().ok_or_else(|| DeployError::Config("no AWS credentials provider".into()))?;
    if let Err(e) = provider.provide_credentials().await {
        return Err(DeployError::Config(format!(
            "no AWS credentials found ({}): configure a profile (aws configure / aws sso login), \
             set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --local for the emulator",
            one_line(&aws_sdk_cloudformation::error::DisplayErrorContext(&e).to_string())
        )));
    }
    let endpoint = conn.explicit_endpoint().map(str::to_string).or_else(|| config.endpoint_url().map(str::to_string));
    Ok(AwsConfig { sdk_config: config, region, endpoint })
}

fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.len() > 300 {
        let mut end = 300;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s
    }
}

/// No per-service settings from the environment or profiles (`AWS_ENDPOINT_URL_<SERVICE>`).
#[derive(Debug)]
struct NoServiceConfig;

impl aws_types::service_config::LoadServiceConfig for NoServiceConfig {
    fn load_config(&self, _key: aws_types::service_config::ServiceConfigKey<'_>) -> Option<String> {
        None
    }
}

fn local_region_chain(conn: &Connection) -> RegionProviderChain {
    let mut chain = match &conn.region {
        Some(r) => {
            RegionProviderChain::first_try(Region::new(r.clone())).or_else(EnvironmentVariableRegionProvider::new())
        }
        None => RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new()),
    };
    if let Some(profile) = &conn.profile {
        chain = chain.or_else(ProfileFileRegionProvider::builder().profile_name(profile).build());
    }
    chain.or_else(Region::from_static(LOCAL_DEFAULT_REGION))
}

/// `--local`: the profile named on the command line, else the emulator's test credentials;
/// never the environment's keys, `AWS_PROFILE` or the default profile.
fn local_credentials_chain(conn: &Connection) -> SharedCredentialsProvider {
    match &conn.profile {
        Some(profile) => {
            SharedCredentialsProvider::new(ProfileFileCredentialsProvider::builder().profile_name(profile).build())
        }
        // The emulator's documented dummy credentials.
        None => SharedCredentialsProvider::new(Credentials::new("test", "test", None, None, "EmulatorTestCredentials")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_uses_the_emulator_endpoint_unless_overridden() {
        let local = Connection { local: true, ..Connection::default() };
        assert_eq!(local.explicit_endpoint(), Some(LOCAL_ENDPOINT));
        let custom =
            Connection { local: true, endpoint_url: Some("http://127.0.0.1:4599".into()), ..Connection::default() };
        assert_eq!(custom.explicit_endpoint(), Some("http://127.0.0.1:4599"));
        assert_eq!(Connection::default().explicit_endpoint(), None);
    }

    #[test]
    fn loopback_endpoints_are_local() {
        for local in ["http://127.0.0.1:4566", "http://localhost:4566/", "http://[::1]:4566", "http://127.0.0.2"] {
            assert!(is_local_endpoint(local), "{local}");
        }
        for remote in
            ["https://cloudformation.eu-west-1.amazonaws.com", "http://10.0.0.1:4566", "http://localhost.example.com"]
        {
            assert!(!is_local_endpoint(remote), "{remote}");
        }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    /// `--local` signs with the emulator's test credentials and talks to the emulator whatever the
    /// environment holds: keys, a profile, per-service endpoints. (One test: it sets variables.)
    #[test]
    fn local_ignores_ambient_credentials_and_service_endpoints() {
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDAMBIENTKEY");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "ambient-secret");
        std::env::set_var("AWS_PROFILE", "somewhere-else");
        std::env::set_var("AWS_ENDPOINT_URL_CLOUDFORMATION", "http://127.0.0.1:1");
        let config = run(load(&Connection { local: true, ..Connection::default() })).expect("loads");
        let provider = config.sdk_config.credentials_provider().expect("a provider");
        let creds = run(provider.provide_credentials()).expect("credentials");
        assert_eq!((creds.access_key_id(), creds.secret_access_key()), ("test", "test"));
        assert!(config.sdk_config.service_config().is_none(), "per-service variables are not consulted");
        assert_eq!(config.sdk_config.endpoint_url(), Some(LOCAL_ENDPOINT));
        assert_eq!(config.endpoint.as_deref(), Some(LOCAL_ENDPOINT));
        assert!(config.cloudformation().is_local());
        let other = config.for_region("eu-west-1");
        assert_eq!(other.region, "eu-west-1");
        assert_eq!(other.sdk_config.region().map(|r| r.as_ref()), Some("eu-west-1"));
        for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL_CLOUDFORMATION"] {
            std::env::remove_var(k);
        }
    }

    #[test]
    fn long_errors_become_one_short_line() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        let long = "é".repeat(400);
        assert!(one_line(&long).ends_with("...") && one_line(&long).len() <= 303);
    }
}

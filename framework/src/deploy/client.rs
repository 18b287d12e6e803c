//! Connecting to CloudFormation: region, credentials and endpoint through `aws-config`'s
//! standard chain (environment, shared config and credentials files, SSO, web identity,
//! container and instance metadata, `AWS_ENDPOINT_URL`), overridden by `--profile`, `--region`
//! and `--endpoint-url`; `--local` targets the emulator on `http://127.0.0.1:4566`.
//!
//! With `--local`, credentials come from the environment or from an explicitly chosen profile
//! (`--profile` / `AWS_PROFILE`) when there are any; only when nothing is configured does the
//! client fall back to `test`/`test`, the emulator's documented dummy credentials (not secrets:
//! the emulator accepts any key). A default profile holding real AWS keys is deliberately not
//! picked up for the emulator, and neither are the instance-metadata providers, which would
//! probe the network. The region falls back to `us-east-1` the same way.

use std::time::Duration;

use aws_config::environment::{EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::BehaviorVersion;
use aws_sdk_cloudformation::config::retry::RetryConfig;
use aws_sdk_cloudformation::config::timeout::TimeoutConfig;
use aws_sdk_cloudformation::config::{Credentials, ProvideCredentials, Region};

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

/// Loads the configuration and checks that a region and credentials are there, with a one-line
/// error naming what is missing; returns a CloudFormation client on it.
pub async fn connect(conn: &Connection) -> Result<CfnClient, DeployError> {
    Ok(load(conn).await?.cloudformation())
}

/// Loads the configuration and checks that a region and credentials are there, with a one-line
/// error naming what is missing; other services' clients are built from the result.
pub async fn load(conn: &Connection) -> Result<AwsConfig, DeployError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
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
    let config = loader.load().await;
    let region = config.region().map(|r| r.to_string()).ok_or_else(|| {
        DeployError::Config(
            "no AWS region configured: pass --region, set AWS_REGION, or set `region` in your profile \
             (or use --local for the emulator)"
                .into(),
        )
    })?;
    let provider = config.credentials_provider().ok_or_else(|| DeployError::Config("no AWS credentials provider".into()))?;
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

/// Whether a profile was chosen explicitly (flag or `AWS_PROFILE`), which `--local` honours.
fn explicit_profile(conn: &Connection) -> Option<String> {
    conn.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
}

fn local_region_chain(conn: &Connection) -> RegionProviderChain {
    let mut chain = match &conn.region {
        Some(r) => RegionProviderChain::first_try(Region::new(r.clone())).or_else(EnvironmentVariableRegionProvider::new()),
        None => RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new()),
    };
    if let Some(profile) = explicit_profile(conn) {
        chain = chain.or_else(ProfileFileRegionProvider::builder().profile_name(profile).build());
    }
    chain.or_else(Region::from_static(LOCAL_DEFAULT_REGION))
}

fn local_credentials_chain(conn: &Connection) -> CredentialsProviderChain {
    let mut chain = CredentialsProviderChain::first_try("Environment", EnvironmentVariableCredentialsProvider::new());
    if let Some(profile) = explicit_profile(conn) {
        chain = chain.or_else("Profile", ProfileFileCredentialsProvider::builder().profile_name(profile).build());
    }
    // The emulator's documented dummy credentials; used only for --local when nothing is set.
    chain.or_else("EmulatorTestCredentials", Credentials::new("test", "test", None, None, "EmulatorTestCredentials"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_uses_the_emulator_endpoint_unless_overridden() {
        let local = Connection { local: true, ..Connection::default() };
        assert_eq!(local.explicit_endpoint(), Some(LOCAL_ENDPOINT));
        let custom = Connection { local: true, endpoint_url: Some("http://127.0.0.1:4599".into()), ..Connection::default() };
        assert_eq!(custom.explicit_endpoint(), Some("http://127.0.0.1:4599"));
        assert_eq!(Connection::default().explicit_endpoint(), None);
    }

    #[test]
    fn long_errors_become_one_short_line() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        let long = "é".repeat(400);
        assert!(one_line(&long).ends_with("...") && one_line(&long).len() <= 303);
    }
}

//! Each stack's own environment: the region its client talks to and the account it may change.
//!
//! A stack declared with `Environment { account, region }` deploys there and nowhere else. Its
//! region picks its CloudFormation client (whatever region the shell has); its account is
//! compared with the account the credentials belong to (STS GetCallerIdentity, once per run)
//! before anything is changed, and every stack pinned to another account is refused, all of them
//! in one error. Stacks without an environment go where the connection points, as in AWS CDK.
//! `deploy`, `diff` and `destroy` all resolve their stacks through [`Targets`].

use std::collections::BTreeMap;

use crate::deploy::client::{AwsConfig, CfnClient};
use crate::deploy::error::DeployError;
use crate::StackArtifact;

/// A stack's pinned account and region, read from its `aws://account/region` environment
/// (`unknown-account` / `unknown-region` mean not pinned).
pub fn pinned(environment: &str) -> (Option<&str>, Option<&str>) {
    let rest = environment.strip_prefix("aws://").unwrap_or(environment);
    let (account, region) = rest.split_once('/').unwrap_or((rest, ""));
    let account = Some(account).filter(|a| !a.is_empty() && *a != "unknown-account");
    let region = Some(region).filter(|r| !r.is_empty() && *r != "unknown-region");
    (account, region)
}

/// Every stack pinned to another account than `caller`, one line each (empty when all match).
pub fn account_mismatches(stacks: &[&StackArtifact], caller: &str) -> Vec<String> {
    stacks
        .iter()
        .filter_map(|s| {
            let (account, _) = pinned(&s.environment);
            let account = account.filter(|a| *a != caller)?;
            Some(format!(
                "stack {} ({}) belongs to account {account} ({}), but the credentials in use are for account \
                 {caller}: refusing to touch it; use credentials for account {account} (for example --profile), or \
                 change the stack's environment",
                s.stack_name, s.id, s.environment
            ))
        })
        .collect()
}

/// Where one stack goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its CloudFormation client (in its region).
    pub cfn: CfnClient,
    /// The account it deploys to.
    pub account: String,
    /// The region it deploys to.
    pub region: String,
}

impl Target {
    /// `account A, region R` (with the endpoint when it is not AWS's).
    pub fn describe(&self) -> String {
        let mut d = format!("account {}, region {}", self.account, self.region);
        if let Some(endpoint) = &self.cfn.endpoint {
            d.push_str(&format!(" at {endpoint}"));
        }
        d
    }
}

/// The targets of a run's stacks, checked: each stack's client in its region, every account
/// the credentials'.
#[derive(Debug, Clone)]
pub struct Targets {
    by_stack: BTreeMap<String, Target>,
    fallback: Target,
}

impl Targets {
    /// Resolves `stacks` against the configuration: asks STS which account the credentials
    /// belong to and refuses, before anything is changed, when a stack is pinned to another.
    pub async fn resolve(config: &AwsConfig, stacks: &[&StackArtifact]) -> Result<Targets, DeployError> {
        let account = config.caller_account().await?;
        Targets::with_account(config, stacks, &account)
    }

    /// [`resolve`](Self::resolve) with the caller's account already known.
    pub fn with_account(config: &AwsConfig, stacks: &[&StackArtifact], account: &str) -> Result<Targets, DeployError> {
        let mismatches = account_mismatches(stacks, account);
        if !mismatches.is_empty() {
            return Err(DeployError::AccountMismatch { mismatches });
        }
        let mut clients: BTreeMap<String, CfnClient> = BTreeMap::new();
        let mut by_stack = BTreeMap::new();
        for s in stacks {
            let region = pinned(&s.environment).1.unwrap_or(&config.region).to_string();
            let cfn = clients.entry(region.clone()).or_insert_with(|| config.for_region(&region).cloudformation()).clone();
            by_stack.insert(s.id.clone(), Target { cfn, account: account.to_string(), region });
        }
        let fallback = Target { cfn: config.cloudformation(), account: account.to_string(), region: config.region.clone() };
        Ok(Targets { by_stack, fallback })
    }

    /// Where `stack` goes (the connection's target for a stack not resolved here).
    pub fn of(&self, stack: &StackArtifact) -> &Target {
        self.by_stack.get(&stack.id).unwrap_or(&self.fallback)
    }

    /// `Deploying A, B to account X, region R` lines, one per distinct target, in stack order.
    pub fn summary(&self, verb: &str, stacks: &[&StackArtifact]) -> Vec<String> {
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        for s in stacks {
            let where_ = self.of(s).describe();
            match groups.iter_mut().find(|(w, _)| *w == where_) {
                Some((_, names)) => names.push(&s.stack_name),
                None => groups.push((where_, vec![&s.stack_name])),
            }
        }
        groups.into_iter().map(|(w, names)| format!("{verb} {} to {w}", names.join(", "))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, CfnResource, Environment, StackProps};

    fn assembly() -> crate::CloudAssembly {
        let mut app = App::new();
        let pinned = |account: Option<&str>, region: Option<&str>| StackProps {
            env: Environment { account: account.map(str::to_string), region: region.map(str::to_string) },
            ..StackProps::default()
        };
        for (id, props) in [
            ("Free", StackProps::default()),
            ("Prod", pinned(Some("111111111111"), Some("eu-west-1"))),
            ("Local", pinned(Some("000000000000"), None)),
            ("Regional", pinned(None, Some("eu-west-1"))),
        ] {
            CfnResource::new("AWS::SNS::Topic").add(app.add_stack_with(id, props), "Topic");
        }
        app.synth().unwrap()
    }

    #[test]
    fn environments_are_read_from_the_artifact() {
        assert_eq!(pinned("aws://111111111111/eu-west-1"), (Some("111111111111"), Some("eu-west-1")));
        assert_eq!(pinned("aws://unknown-account/unknown-region"), (None, None));
        assert_eq!(pinned("aws://unknown-account/us-east-2"), (None, Some("us-east-2")));
    }

    #[test]
    fn a_stack_of_another_account_is_refused_naming_both_accounts() {
        let a = assembly();
        let stacks: Vec<&StackArtifact> = a.stacks.iter().collect();
        let lines = account_mismatches(&stacks, "000000000000");
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("stack Prod (Prod) belongs to account 111111111111 (aws://111111111111/eu-west-1), but the credentials in use are for account 000000000000"), "{}", lines[0]);
        assert_eq!(account_mismatches(&stacks, "111111111111").len(), 1, "then Local is the stranger");
        assert!(account_mismatches(&stacks[..1], "222222222222").is_empty(), "an unpinned stack goes anywhere");
    }

    #[test]
    fn each_stack_gets_a_client_in_its_region() {
        let a = assembly();
        let config = AwsConfig {
            sdk_config: aws_config::SdkConfig::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_sdk_cloudformation::config::Region::new("us-east-1"))
                .build(),
            region: "us-east-1".into(),
            endpoint: Some("http://127.0.0.1:4566".into()),
        };
        let stacks: Vec<&StackArtifact> = a.stacks.iter().filter(|s| s.id != "Prod").collect();
        let targets = Targets::with_account(&config, &stacks, "000000000000").unwrap();
        let region = |id: &str| targets.of(a.stack(id).unwrap()).cfn.region.clone();
        assert_eq!((region("Free"), region("Local"), region("Regional")), ("us-east-1".into(), "us-east-1".into(), "eu-west-1".into()));
        assert_eq!(
            targets.summary("Deploying", &stacks),
            [
                "Deploying Free, Local to account 000000000000, region us-east-1 at http://127.0.0.1:4566",
                "Deploying Regional to account 000000000000, region eu-west-1 at http://127.0.0.1:4566",
            ]
        );
        let all: Vec<&StackArtifact> = a.stacks.iter().collect();
        let err = Targets::with_account(&config, &all, "000000000000").unwrap_err().to_string();
        assert!(err.contains("stack Prod (Prod) belongs to account 111111111111") && !err.contains('\n'), "{err}");
    }
}

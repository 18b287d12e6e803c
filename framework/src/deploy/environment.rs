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

/// Every stack pinned to another account than `caller`, one line each (empty when all match);
/// `stacks` as `(stack name, artifact id, environment)`.
pub fn account_mismatches(stacks: &[(String, String, String)], caller: &str) -> Vec<String> {
    stacks
        .iter()
        .filter_map(|(name, id, environment)| {
            let (account, _) = pinned(environment);
            let account = account.filter(|a| *a != caller)?;
            Some(format!(
                "stack {name} ({id}) belongs to account {account} ({environment}), but the credentials in use are for \
                 account {caller}: refusing to touch it; use credentials for account {account} (for example --profile), \
                 or change the stack's environment"
            ))
        })
        .collect()
}

/// Where one stack goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its CloudFormation client, in the region it deploys to (`cfn.region`).
    pub cfn: CfnClient,
    /// The configuration of that region (other services' clients: the staging bucket's S3).
    pub config: AwsConfig,
}

/// The targets of a run's stacks: each stack's client in its region, and, once
/// [`verify`](Self::verify) passed, the account the credentials belong to, which every pinned
/// stack's account matches.
#[derive(Debug)]
pub struct Targets {
    by_stack: BTreeMap<String, Target>,
    fallback: Target,
    config: AwsConfig,
    /// `(stack name, artifact id, environment)` of every stack, for the account check.
    environments: Vec<(String, String, String)>,
    account: tokio::sync::OnceCell<String>,
}

impl Targets {
    /// The stacks' clients, each in its region; no network yet (see [`verify`](Self::verify)).
    pub fn new(config: &AwsConfig, stacks: &[&StackArtifact]) -> Targets {
        let mut clients: BTreeMap<String, Target> = BTreeMap::new();
        let mut by_stack = BTreeMap::new();
        for s in stacks {
            let region = pinned(&s.environment).1.unwrap_or(&config.region).to_string();
            let target = clients
                .entry(region.clone())
                .or_insert_with(|| {
                    let config = config.for_region(&region);
                    Target { cfn: config.cloudformation(), config }
                })
                .clone();
            by_stack.insert(s.id.clone(), target);
        }
        Targets {
            by_stack,
            fallback: Target { cfn: config.cloudformation(), config: config.clone() },
            config: config.clone(),
            environments: stacks.iter().map(|s| (s.stack_name.clone(), s.id.clone(), s.environment.clone())).collect(),
            account: tokio::sync::OnceCell::new(),
        }
    }

    /// [`new`](Self::new), then [`account`](Self::account): the account is known and checked.
    pub async fn resolve(config: &AwsConfig, stacks: &[&StackArtifact]) -> Result<Targets, DeployError> {
        let targets = Targets::new(config, stacks);
        targets.account().await?;
        Ok(targets)
    }

    /// [`resolve`](Self::resolve) with the caller's account already known.
    pub fn with_account(config: &AwsConfig, stacks: &[&StackArtifact], account: &str) -> Result<Targets, DeployError> {
        let targets = Targets::new(config, stacks);
        targets.check(account)?;
        let _ = targets.account.set(account.to_string());
        Ok(targets)
    }

    fn check(&self, account: &str) -> Result<(), DeployError> {
        let mismatches = account_mismatches(&self.environments, account);
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(DeployError::AccountMismatch { mismatches })
        }
    }

    /// Refuses, before anything is changed, every stack pinned to another account than the
    /// credentials' (STS GetCallerIdentity, once per run). Without a pinned stack there is
    /// nothing to compare and no call is made.
    pub async fn verify(&self) -> Result<(), DeployError> {
        if self.environments.iter().any(|(_, _, env)| pinned(env).0.is_some()) {
            self.account().await?;
        }
        Ok(())
    }

    /// The account the credentials belong to: known from [`learn`](Self::learn) or an
    /// earlier call, else asked of STS (and checked against the pinned stacks).
    pub async fn account(&self) -> Result<&str, DeployError> {
        let account = self
            .account
            .get_or_try_init(|| async {
                let account = self.config.caller_account().await?;
                self.check(&account)?;
                Ok::<String, DeployError>(account)
            })
            .await?;
        Ok(account.as_str())
    }

    /// Takes the account from the ARN of a stack the credentials can see (it is theirs), so
    /// that an unpinned run needs no STS call. Ignored once the account is known.
    pub fn learn(&self, stack_arn: &str) {
        if let Some(account) = stack_arn.split(':').nth(4).filter(|a| !a.is_empty()) {
            if self.check(account).is_ok() {
                let _ = self.account.set(account.to_string());
            }
        }
    }

    /// Where `stack` goes (the connection's target for a stack not resolved here).
    pub fn of(&self, stack: &StackArtifact) -> &Target {
        self.by_stack.get(&stack.id).unwrap_or(&self.fallback)
    }

    /// `account A, region R` (with the endpoint when it is not AWS's) of `stack`.
    pub fn describe(&self, stack: &StackArtifact) -> String {
        let target = self.of(stack);
        let account = self.account.get().map_or("(not verified yet)", String::as_str);
        let mut d = format!("account {account}, region {}", target.cfn.region);
        if let Some(endpoint) = &target.cfn.endpoint {
            d.push_str(&format!(" at {endpoint}"));
        }
        d
    }

    /// `Deploying A, B to account X, region R` lines, one per distinct target, in stack order.
    pub fn summary(&self, verb: &str, stacks: &[&StackArtifact]) -> Vec<String> {
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        for s in stacks {
            let where_ = self.describe(s);
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
        let stacks: Vec<(String, String, String)> =
            a.stacks.iter().map(|s| (s.stack_name.clone(), s.id.clone(), s.environment.clone())).collect();
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
        assert_eq!(
            (region("Free"), region("Local"), region("Regional")),
            ("us-east-1".into(), "us-east-1".into(), "eu-west-1".into())
        );
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
        let unknown = Targets::new(&config, &stacks);
        assert!(unknown.summary("Deploying", &stacks[..1])[0].contains("account (not verified yet)"));
        unknown.learn("arn:aws:cloudformation:us-east-1:000000000000:stack/Free/1b2c");
        assert!(unknown.summary("Deploying", &stacks[..1])[0].contains("to account 000000000000, region us-east-1"));
    }
}

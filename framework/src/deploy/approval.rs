//! `--require-approval never|any-change|broadening`: which changes a person must approve before
//! they are executed, and asking them.
//!
//! Broadening is judged here from the change set: adding or modifying a resource of a type that
//! grants permissions (IAM principals and policies, resource policies, security-group rules)
//! counts as possibly broadening. That is conservative: a modification that only narrows a
//! policy is asked about too. The template diff engine (`framework::diff`) knows statement by
//! statement whether permissions widen; when it is available the deploy command can pass its
//! verdict to [`decide`] instead of [`broadening_changes`]' (the seam is the `broadening`
//! argument).

use crate::deploy::change_set::ResourceChange;
use crate::deploy::error::DeployError;
use crate::deploy::ui::Ui;

/// When to ask before executing a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum RequireApproval {
    /// Never ask.
    Never,
    /// Ask for every change.
    AnyChange,
    /// Ask when permissions may widen (the default).
    #[default]
    Broadening,
}

/// Resource types whose addition or modification can grant permissions.
const PERMISSION_TYPES: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::User",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::Group",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::UserToGroupAddition",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::AccessKey",
    "AWS::Lambda::Permission",
    "AWS::Lambda::LayerVersionPermission",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
    "AWS::KMS::Key",
    "AWS::KMS::Grant",
    "AWS::Events::EventBusPolicy",
    "AWS::Logs::ResourcePolicy",
    "AWS::SecretsManager::ResourcePolicy",
    "AWS::ECR::Repository",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::ApiGateway::RestApi",
];

/// The changes that may widen permissions: additions and modifications of permission-bearing
/// resources (removals only take permissions away).
pub fn broadening_changes(changes: &[ResourceChange]) -> Vec<&ResourceChange> {
    changes
        .iter()
        .filter(|c| c.action != "Remove" && PERMISSION_TYPES.contains(&c.resource_type.as_str()))
        .collect()
}

/// Whether to ask, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Proceed,
    /// Ask first; the reason is shown to the user.
    Ask(String),
}

/// Decides for one stack's changes; `broadening` names the changes that may widen permissions.
pub fn decide(level: RequireApproval, changes: &[ResourceChange], broadening: &[&ResourceChange]) -> Decision {
    match level {
        RequireApproval::Never => Decision::Proceed,
        _ if changes.is_empty() => Decision::Proceed,
        RequireApproval::AnyChange => Decision::Ask(format!("--require-approval any-change: {} change(s)", changes.len())),
        RequireApproval::Broadening if broadening.is_empty() => Decision::Proceed,
        RequireApproval::Broadening => {
            let ids: Vec<String> = broadening.iter().map(|c| format!("{} {}", c.logical_id, c.resource_type)).collect();
            Decision::Ask(format!("--require-approval broadening: permissions may widen ({})", ids.join(", ")))
        }
    }
}

/// Asks the user when the decision says so: `Ok` to go ahead; [`DeployError::Declined`] on no;
/// [`DeployError::ApprovalRequired`] when nobody can be asked.
pub fn confirm(decision: &Decision, stack: &str, action: &'static str, ui: &mut Ui) -> Result<(), DeployError> {
    let Decision::Ask(why) = decision else { return Ok(()) };
    match ui.ask(&format!("{why}\nProceed with the {action} of {stack}?")) {
        Some(true) => Ok(()),
        Some(false) => Err(DeployError::Declined { action, stack: stack.to_string() }),
        None => Err(DeployError::ApprovalRequired {
            action,
            stack: stack.to_string(),
            why: why.clone(),
            remedy: if action == "destroy" {
                "rerun with --force to destroy without confirmation"
            } else {
                "review the changes above and rerun with --require-approval never"
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::ui::{ProgressMode, ScriptedPrompt, Ui};

    fn change(action: &str, ty: &str) -> ResourceChange {
        ResourceChange { action: action.into(), logical_id: "X".into(), resource_type: ty.into(), ..Default::default() }
    }

    #[test]
    fn decisions_per_level() {
        let plain = [change("Add", "AWS::Logs::LogGroup")];
        let iam = [change("Add", "AWS::Logs::LogGroup"), change("Modify", "AWS::IAM::Policy")];
        let removal = [change("Remove", "AWS::IAM::Role")];

        assert_eq!(decide(RequireApproval::Never, &iam, &broadening_changes(&iam)), Decision::Proceed);
        assert_eq!(decide(RequireApproval::Broadening, &plain, &broadening_changes(&plain)), Decision::Proceed);
        assert_eq!(decide(RequireApproval::Broadening, &removal, &broadening_changes(&removal)), Decision::Proceed, "removing a role narrows");
        match decide(RequireApproval::Broadening, &iam, &broadening_changes(&iam)) {
            Decision::Ask(why) => assert!(why.contains("X AWS::IAM::Policy") && !why.contains("LogGroup"), "{why}"),
            d => panic!("{d:?}"),
        }
        assert!(matches!(decide(RequireApproval::AnyChange, &plain, &[]), Decision::Ask(_)));
        assert_eq!(decide(RequireApproval::AnyChange, &[], &[]), Decision::Proceed);
    }

    #[test]
    fn answers_and_no_terminal() {
        let ask = Decision::Ask("because".into());
        let mut prompt = ScriptedPrompt::default();
        prompt.answers.extend([Some(true), Some(false), None]);
        let mut ui = Ui::new(Box::new(std::io::sink()), ProgressMode::Events, Box::new(prompt));
        assert!(confirm(&ask, "S", "deployment", &mut ui).is_ok());
        assert!(matches!(confirm(&ask, "S", "deployment", &mut ui), Err(DeployError::Declined { .. })));
        let err = confirm(&ask, "S", "deployment", &mut ui).unwrap_err();
        assert!(matches!(err, DeployError::ApprovalRequired { .. }));
        assert!(err.to_string().contains("not a terminal") && err.to_string().contains("--require-approval never"), "{err}");
        let err = confirm(&ask, "S", "destroy", &mut ui).unwrap_err().to_string();
        assert!(err.starts_with("destroy of S needs approval") && err.contains("--force"), "{err}");
        assert!(confirm(&Decision::Proceed, "S", "deployment", &mut ui).is_ok(), "no question asked");
    }
}

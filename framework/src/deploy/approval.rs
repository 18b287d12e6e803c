//! `--require-approval never|any-change|broadening`: which changes a person must approve before
//! they are executed, and asking them.
//!
//! Broadening is judged by the template diff engine ([`crate::diff`]) on the deployed and the new
//! template, statement by statement, as `diff` shows it: an allowing IAM statement added, a
//! restricting one removed, or a managed policy attached.

use crate::deploy::change_set::ResourceChange;
use crate::deploy::error::DeployError;
use crate::deploy::ui::Ui;
use crate::diff::{IamStatement, TemplateDiff};

/// When to ask before executing a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum RequireApproval {
    /// Never ask.
    Never,
    /// Ask for every change.
    AnyChange,
    /// Ask when IAM permissions widen (the default).
    #[default]
    Broadening,
}

fn describe_statement(verb: &str, s: &IamStatement) -> String {
    if let Some(text) = &s.unparsed {
        return format!("{} {verb} statement {text}", s.source);
    }
    let mut d = format!("{} {verb} {} {}", s.source, s.effect.as_str(), s.actions.render().replace('\n', ","));
    let resources = s.resources.render().replace('\n', ",");
    if !resources.is_empty() {
        d.push_str(&format!(" on {resources}"));
    }
    let principals = s.principals.render().replace('\n', ",");
    if !principals.is_empty() {
        d.push_str(&format!(" for {principals}"));
    }
    d
}

/// What in a template diff widens permissions, one description each (empty = nothing).
pub fn broadening(diff: &TemplateDiff) -> Vec<String> {
    let iam = &diff.iam;
    let mut out: Vec<String> = Vec::new();
    out.extend(iam.added.iter().filter(|s| s.is_unknown() || !s.is_negative()).map(|s| describe_statement("adds", s)));
    out.extend(iam.removed.iter().filter(|s| s.is_unknown() || s.is_negative()).map(|s| describe_statement("removes", s)));
    out.extend(iam.managed_added.iter().map(|m| format!("{} attaches {}", m.identity, m.policy_arn)));
    out
}

/// Whether to ask, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Proceed,
    /// Ask first; the reason is shown to the user.
    Ask(String),
}

/// Decides for one stack's changes; `broadening` describes what widens permissions.
pub fn decide(level: RequireApproval, changes: &[ResourceChange], broadening: &[String]) -> Decision {
    match level {
        RequireApproval::Never => Decision::Proceed,
        _ if changes.is_empty() => Decision::Proceed,
        RequireApproval::AnyChange => Decision::Ask(format!("--require-approval any-change: {} change(s)", changes.len())),
        RequireApproval::Broadening if broadening.is_empty() => Decision::Proceed,
        RequireApproval::Broadening => {
            Decision::Ask(format!("--require-approval broadening: IAM permissions widen ({})", broadening.join("; ")))
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
    use crate::diff::diff_templates;
    use serde_json::json;

    fn change(action: &str, ty: &str) -> ResourceChange {
        ResourceChange { action: action.into(), logical_id: "X".into(), resource_type: ty.into(), ..Default::default() }
    }

    #[test]
    fn decisions_per_level() {
        let plain = [change("Add", "AWS::Logs::LogGroup")];
        let widening = vec!["Role adds Allow sts:AssumeRole".to_string()];
        assert_eq!(decide(RequireApproval::Never, &plain, &widening), Decision::Proceed);
        assert_eq!(decide(RequireApproval::Broadening, &plain, &[]), Decision::Proceed);
        match decide(RequireApproval::Broadening, &plain, &widening) {
            Decision::Ask(why) => assert!(why.contains("IAM permissions widen (Role adds Allow sts:AssumeRole)"), "{why}"),
            d => panic!("{d:?}"),
        }
        assert!(matches!(decide(RequireApproval::AnyChange, &plain, &[]), Decision::Ask(_)));
        assert_eq!(decide(RequireApproval::AnyChange, &[], &[]), Decision::Proceed);
        assert_eq!(decide(RequireApproval::Broadening, &[], &widening), Decision::Proceed, "no change, nothing to approve");
    }

    fn role(statements: serde_json::Value) -> serde_json::Value {
        json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": statements}}}}})
    }

    #[test]
    fn broadening_comes_from_the_template_diff() {
        let allow = json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "states.amazonaws.com"}});
        let deny = json!({"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}});
        let created = broadening(&diff_templates(&json!({}), &role(json!([allow.clone()]))));
        assert_eq!(created, ["Role adds Allow sts:AssumeRole on ${Role.Arn} for Service:states.amazonaws.com"]);
        assert!(broadening(&diff_templates(&role(json!([allow.clone()])), &role(json!([])))).is_empty(), "a removal narrows");
        let lifted = broadening(&diff_templates(&role(json!([allow.clone(), deny.clone()])), &role(json!([allow]))));
        assert_eq!(lifted.len(), 1);
        assert!(lifted[0].starts_with("Role removes Deny sts:AssumeRole"), "{lifted:?}");
        let logs = json!({"Resources": {"L": {"Type": "AWS::Logs::LogGroup"}}});
        assert!(broadening(&diff_templates(&json!({}), &logs)).is_empty());
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

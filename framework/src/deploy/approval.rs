//! `--require-approval never|permissions|broadening|any-change`: which changes a person must
//! approve before they are executed, and asking them.
//!
//! The levels, from the most permissive:
//! - `never`: nothing is held (scripts that review changes another way);
//! - `permissions`: held when IAM permissions widen (what AWS CDK calls `broadening`);
//!   replacements and removals go through;
//! - `broadening`, the default: held when IAM permissions widen **or** a resource would be
//!   destroyed: replaced (`Replacement` `True` or `Conditional`) without an
//!   `UpdateReplacePolicy` of `Retain`/`Snapshot`, or removed without a `DeletionPolicy` of
//!   `Retain`/`RetainExceptOnCreate`/`Snapshot`. A Terraform user gets what `plan` shows as
//!   "must be replaced" / "will be destroyed" held for a yes; a CDK user gets CDK's check plus
//!   that one;
//! - `any-change`: every change set with resource changes is held.
//!
//! Resources removed from the app whose `DeletionPolicy` keeps them are not destroyed: they are
//! reported as orphaned (kept in the account, no longer managed by the stack), never held.
//!
//! Broadening is judged by the template diff engine ([`crate::diff`]) on the deployed and the new
//! template, statement by statement, as `diff` shows it: an allowing IAM statement added, a
//! restricting one removed, or a managed policy attached, in every permission-granting resource
//! type the engine reads (identity policies and resource policies).

use crate::deploy::change_set::ResourceChange;
use crate::deploy::error::DeployError;
use crate::deploy::ui::Ui;
use crate::diff::{IamStatement, TemplateDiff};
use crate::StackArtifact;

/// When to ask before executing a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum RequireApproval {
    /// Never ask.
    Never,
    /// Ask when IAM permissions widen (AWS CDK's `broadening`); replacements and removals go
    /// ahead.
    Permissions,
    /// Ask when IAM permissions widen or a resource would be destroyed (replaced or removed
    /// without a retaining policy). The default.
    #[default]
    Broadening,
    /// Ask for every change.
    AnyChange,
}

impl RequireApproval {
    /// Whether this level looks at IAM permissions.
    pub fn checks_permissions(self) -> bool {
        matches!(self, RequireApproval::Permissions | RequireApproval::Broadening)
    }
}

/// How a resource would be destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destruction {
    /// `Replacement: True`: a new resource is created and the old one deleted.
    Replaced,
    /// `Replacement: Conditional`: replaced depending on values known only at execution.
    MayBeReplaced,
    /// Removed from the template, deleted with it.
    Removed,
}

impl Destruction {
    fn as_str(self) -> &'static str {
        match self {
            Destruction::Replaced => "replaced",
            Destruction::MayBeReplaced => "may be replaced",
            Destruction::Removed => "removed",
        }
    }
}

/// A resource of a change set, with its construct path when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedResource {
    /// The logical ID.
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// The construct path (`Stack/Role`), when the app still has it.
    pub path: Option<String>,
}

impl std::fmt::Display for AffectedResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.logical_id, self.resource_type)?;
        if let Some(path) = &self.path {
            write!(f, " ({path})")?;
        }
        Ok(())
    }
}

/// The policy CloudFormation applies when a resource names none: `Snapshot` for RDS clusters
/// and for RDS instances outside a cluster, `Delete` for everything else.
fn default_policy(resource: &serde_json::Value) -> &'static str {
    match resource["Type"].as_str() {
        Some("AWS::RDS::DBCluster") => "Snapshot",
        Some("AWS::RDS::DBInstance") if resource["Properties"].get("DBClusterIdentifier").is_none() => "Snapshot",
        _ => "Delete",
    }
}

/// What a change set destroys, and what it lets go of without destroying.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataLoss {
    /// Resources deleted by the change set (a replacement deletes the old one).
    pub destroyed: Vec<(AffectedResource, Destruction)>,
    /// Resources removed from the stack but kept in the account by their `DeletionPolicy`
    /// (`Retain`, `RetainExceptOnCreate`), or replaced but kept by their `UpdateReplacePolicy`,
    /// with the policy that keeps them.
    pub orphaned: Vec<(AffectedResource, String)>,
    /// Resources deleted after a final snapshot (`Snapshot` policies), with the policy.
    pub snapshotted: Vec<(AffectedResource, String)>,
}

impl DataLoss {
    /// Reads the change set's removals and replacements against the policies of the deployed
    /// template (removals: `DeletionPolicy`) and of the new one (replacements:
    /// `UpdateReplacePolicy`, the attribute CloudFormation applies during the update).
    pub fn of(changes: &[ResourceChange], deployed: &serde_json::Value, artifact: &StackArtifact) -> DataLoss {
        let mut loss = DataLoss::default();
        let policy = |template: &serde_json::Value, id: &str, attribute: &str| {
            let resource = &template["Resources"][id];
            match resource[attribute].as_str() {
                Some(p) => p.to_string(),
                None => default_policy(resource).to_string(),
            }
        };
        for c in changes {
            let resource = AffectedResource {
                logical_id: c.logical_id.clone(),
                resource_type: c.resource_type.clone(),
                path: artifact.path_of_logical_id(&c.logical_id).map(|p| p.trim_start_matches('/').to_string()),
            };
            let (kind, attribute, template) = match (c.action.as_str(), c.replacement.as_deref()) {
                ("Remove", _) => (Destruction::Removed, "DeletionPolicy", deployed),
                ("Modify", Some("True")) => (Destruction::Replaced, "UpdateReplacePolicy", artifact.template()),
                ("Modify", Some("Conditional")) => {
                    (Destruction::MayBeReplaced, "UpdateReplacePolicy", artifact.template())
                }
                _ => continue,
            };
            let kept_by = policy(template, &c.logical_id, attribute);
            match kept_by.as_str() {
                "Retain" | "RetainExceptOnCreate" => loss.orphaned.push((resource, format!("{attribute} {kept_by}"))),
                "Snapshot" => loss.snapshotted.push((resource, format!("{attribute} Snapshot"))),
                _ => loss.destroyed.push((resource, kind)),
            }
        }
        loss
    }

    /// The report lines (printed whatever the approval level).
    pub fn render(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (r, how) in &self.destroyed {
            out.push(format!("  destroys: {r}: {}", how.as_str()));
        }
        for (r, policy) in &self.snapshotted {
            out.push(format!("  destroys: {r}: deleted after a final snapshot ({policy})"));
        }
        for (r, policy) in &self.orphaned {
            out.push(format!(
                "  orphans: {r}: no longer managed by the stack but kept in the account ({policy}); delete it by hand \
                 when it is no longer needed"
            ));
        }
        out
    }

    fn summary(&self) -> String {
        let items: Vec<String> =
            self.destroyed.iter().map(|(r, how)| format!("{} {}", r.logical_id, how.as_str())).collect();
        format!("{} resource(s) would be destroyed ({})", self.destroyed.len(), items.join(", "))
    }
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
    out.extend(
        iam.removed.iter().filter(|s| s.is_unknown() || s.is_negative()).map(|s| describe_statement("removes", s)),
    );
    out.extend(iam.managed_added.iter().map(|m| format!("{} attaches {}", m.identity, m.policy_arn)));
    out
}

/// Whether to ask, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Proceed,
    /// Ask first.
    Ask {
        /// Shown to the user.
        why: String,
        /// How to go ahead when nobody can be asked (no terminal).
        remedy: String,
    },
}

/// Decides for one stack's changes; `broadening` describes what widens permissions, `loss` what
/// would be destroyed.
pub fn decide(level: RequireApproval, changes: &[ResourceChange], broadening: &[String], loss: &DataLoss) -> Decision {
    let never = "review the changes above and rerun with --require-approval never";
    match level {
        RequireApproval::Never => Decision::Proceed,
        _ if changes.is_empty() => Decision::Proceed,
        RequireApproval::AnyChange => Decision::Ask {
            why: format!("--require-approval any-change: {} change(s)", changes.len()),
            remedy: never.to_string(),
        },
        RequireApproval::Permissions if broadening.is_empty() => Decision::Proceed,
        RequireApproval::Permissions => Decision::Ask {
            why: format!("--require-approval permissions: IAM permissions widen ({})", broadening.join("; ")),
            remedy: never.to_string(),
        },
        RequireApproval::Broadening => {
            let mut reasons = Vec::new();
            if !broadening.is_empty() {
                reasons.push(format!("IAM permissions widen ({})", broadening.join("; ")));
            }
            if !loss.destroyed.is_empty() {
                reasons.push(loss.summary());
            }
            if reasons.is_empty() {
                return Decision::Proceed;
            }
            let remedy = if broadening.is_empty() {
                "review the changes above; to let replacements and removals through while IAM widening is still \
                 held, rerun with --require-approval permissions (or --require-approval never to hold nothing)"
                    .to_string()
            } else {
                never.to_string()
            };
            Decision::Ask { why: format!("--require-approval broadening: {}", reasons.join("; ")), remedy }
        }
    }
}

/// Asks the user when the decision says so: `Ok` to go ahead; [`DeployError::Declined`] on no;
/// [`DeployError::ApprovalRequired`] when nobody can be asked.
pub fn confirm(decision: &Decision, stack: &str, action: &'static str, ui: &mut Ui) -> Result<(), DeployError> {
    let Decision::Ask { why, remedy } = decision else { return Ok(()) };
    match ui.ask(&format!("{why}\nProceed with the {action} of {stack}?")) {
        Some(true) => Ok(()),
        Some(false) => Err(DeployError::Declined { action, stack: stack.to_string() }),
        None => Err(DeployError::ApprovalRequired {
            action,
            stack: stack.to_string(),
            why: why.clone(),
            remedy: remedy.clone(),
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
        let none = DataLoss::default();
        let plain = [change("Add", "AWS::Logs::LogGroup")];
        let widening = vec!["Role adds Allow sts:AssumeRole".to_string()];
        assert_eq!(decide(RequireApproval::Never, &plain, &widening, &none), Decision::Proceed);
        assert_eq!(decide(RequireApproval::Broadening, &plain, &[], &none), Decision::Proceed);
        match decide(RequireApproval::Broadening, &plain, &widening, &none) {
            Decision::Ask { why, remedy } => {
                assert_eq!(
                    why,
                    "--require-approval broadening: IAM permissions widen (Role adds Allow sts:AssumeRole)"
                );
                assert!(remedy.contains("--require-approval never"), "{remedy}");
            }
            d => panic!("{d:?}"),
        }
        assert!(matches!(decide(RequireApproval::Permissions, &plain, &widening, &none), Decision::Ask { .. }));
        assert!(matches!(decide(RequireApproval::AnyChange, &plain, &[], &none), Decision::Ask { .. }));
        assert_eq!(decide(RequireApproval::AnyChange, &[], &[], &none), Decision::Proceed);
        assert_eq!(
            decide(RequireApproval::Broadening, &[], &widening, &none),
            Decision::Proceed,
            "no change, nothing to approve"
        );
    }

    fn artifact(template: serde_json::Value) -> crate::CloudAssembly {
        let mut app = crate::App::new();
        let stack = app.add_stack("S");
        for (id, def) in template["Resources"].as_object().unwrap() {
            let mut r = crate::CfnResource::new(def["Type"].as_str().unwrap());
            if let Some(name) = def.get("Name") {
                r = r.property("Name", name.clone());
            }
            let handle = r.add(&mut *stack, id);
            if def.get("Retain").is_some() {
                stack.set_removal_policy(handle, crate::RemovalPolicy::Retain);
            }
        }
        app.synth().unwrap()
    }

    fn logical(a: &crate::CloudAssembly, id: &str) -> String {
        a.stack("S").unwrap().logical_ids[&format!("/S/{id}")].clone()
    }

    #[test]
    fn replacements_and_removals_without_a_retaining_policy_destroy() {
        let a = artifact(
            json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Logs": {"Type": "AWS::Logs::LogGroup", "Retain": true}}}),
        );
        let s = a.stack("S").unwrap();
        let (queue, logs) = (logical(&a, "Queue"), logical(&a, "Logs"));
        let deployed = json!({"Resources": {
            "Gone": {"Type": "AWS::SNS::Topic"},
            "Kept": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain"},
            "Snap": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot"},
        }});
        let modify = |id: &str, ty: &str, r: &str| ResourceChange {
            action: "Modify".into(),
            logical_id: id.into(),
            resource_type: ty.into(),
            replacement: Some(r.into()),
            ..Default::default()
        };
        let remove = |id: &str, ty: &str| ResourceChange {
            action: "Remove".into(),
            logical_id: id.into(),
            resource_type: ty.into(),
            ..Default::default()
        };
        let changes = [
            modify(&queue, "AWS::SQS::Queue", "True"),
            modify(&logs, "AWS::Logs::LogGroup", "True"),
            modify(&queue, "AWS::SQS::Queue", "False"),
            remove("Gone", "AWS::SNS::Topic"),
            remove("Kept", "AWS::Logs::LogGroup"),
            remove("Snap", "AWS::RDS::DBInstance"),
            change("Add", "AWS::SNS::Topic"),
        ];
        let loss = DataLoss::of(&changes, &deployed, s);
        let destroyed: Vec<(&str, Destruction)> =
            loss.destroyed.iter().map(|(r, d)| (r.logical_id.as_str(), *d)).collect();
        assert_eq!(destroyed, [(queue.as_str(), Destruction::Replaced), ("Gone", Destruction::Removed)]);
        assert_eq!(loss.destroyed[0].0.path.as_deref(), Some("S/Queue"), "construct path of a resource the app has");
        let orphaned: Vec<(&str, &str)> =
            loss.orphaned.iter().map(|(r, p)| (r.logical_id.as_str(), p.as_str())).collect();
        assert_eq!(orphaned, [(logs.as_str(), "UpdateReplacePolicy Retain"), ("Kept", "DeletionPolicy Retain")]);
        assert_eq!(loss.snapshotted[0].0.logical_id, "Snap");
        let lines = loss.render();
        assert!(lines[0].starts_with(&format!("  destroys: {queue} AWS::SQS::Queue (S/Queue): replaced")), "{lines:?}");
        assert_eq!(lines[1], "  destroys: Gone AWS::SNS::Topic: removed");
        assert!(lines.iter().any(|l| l.starts_with("  orphans: Kept AWS::Logs::LogGroup: no longer managed by the stack but kept in the account (DeletionPolicy Retain)")), "{lines:?}");

        let rds = json!({"Resources": {
            "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {}},
            "Member": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": "c"}},
        }});
        let gone =
            DataLoss::of(&[remove("Db", "AWS::RDS::DBInstance"), remove("Member", "AWS::RDS::DBInstance")], &rds, s);
        assert_eq!(gone.snapshotted.len(), 1, "CloudFormation's default for a standalone instance: {gone:?}");
        assert_eq!(gone.destroyed[0].0.logical_id, "Member");

        let conditional = [modify(&queue, "AWS::SQS::Queue", "Conditional")];
        assert_eq!(DataLoss::of(&conditional, &deployed, s).destroyed[0].1, Destruction::MayBeReplaced);

        match decide(RequireApproval::Broadening, &changes, &[], &loss) {
            Decision::Ask { why, remedy } => {
                assert_eq!(why, format!("--require-approval broadening: 2 resource(s) would be destroyed ({queue} replaced, Gone removed)"));
                assert!(
                    remedy.contains("--require-approval permissions") && remedy.contains("--require-approval never"),
                    "{remedy}"
                );
            }
            d => panic!("{d:?}"),
        }
        assert_eq!(
            decide(RequireApproval::Permissions, &changes, &[], &loss),
            Decision::Proceed,
            "permissions lets destruction through"
        );
        assert_eq!(decide(RequireApproval::Never, &changes, &[], &loss), Decision::Proceed);
        let kept_only = DataLoss::of(&[remove("Kept", "AWS::Logs::LogGroup")], &deployed, s);
        assert!(kept_only.destroyed.is_empty() && kept_only.orphaned.len() == 1);
        assert_eq!(
            decide(RequireApproval::Broadening, &changes, &[], &kept_only),
            Decision::Proceed,
            "an orphan is reported, not held"
        );
        let both = decide(RequireApproval::Broadening, &changes, &["Role adds Allow x".to_string()], &loss);
        let Decision::Ask { why, remedy } = both else { panic!() };
        assert!(why.contains("IAM permissions widen (Role adds Allow x); 2 resource(s) would be destroyed"), "{why}");
        assert!(!remedy.contains("permissions to let"), "permissions would still hold it: {remedy}");
    }

    fn role(statements: serde_json::Value) -> serde_json::Value {
        json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": statements}}}}})
    }

    #[test]
    fn broadening_comes_from_the_template_diff() {
        let allow =
            json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "states.amazonaws.com"}});
        let deny = json!({"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}});
        let created = broadening(&diff_templates(&json!({}), &role(json!([allow.clone()]))));
        assert_eq!(created, ["Role adds Allow sts:AssumeRole on ${Role.Arn} for Service:states.amazonaws.com"]);
        assert!(
            broadening(&diff_templates(&role(json!([allow.clone()])), &role(json!([])))).is_empty(),
            "a removal narrows"
        );
        let lifted = broadening(&diff_templates(&role(json!([allow.clone(), deny.clone()])), &role(json!([allow]))));
        assert_eq!(lifted.len(), 1);
        assert!(lifted[0].starts_with("Role removes Deny sts:AssumeRole"), "{lifted:?}");
        let logs = json!({"Resources": {"L": {"Type": "AWS::Logs::LogGroup"}}});
        assert!(broadening(&diff_templates(&json!({}), &logs)).is_empty());
    }

    #[test]
    fn answers_and_no_terminal() {
        let ask = Decision::Ask { why: "because".into(), remedy: "rerun with --require-approval never".into() };
        let mut prompt = ScriptedPrompt::default();
        prompt.answers.extend([Some(true), Some(false), None]);
        let mut ui = Ui::new(Box::new(std::io::sink()), ProgressMode::Events, Box::new(prompt));
        assert!(confirm(&ask, "S", "deployment", &mut ui).is_ok());
        assert!(matches!(confirm(&ask, "S", "deployment", &mut ui), Err(DeployError::Declined { .. })));
        let err = confirm(&ask, "S", "deployment", &mut ui).unwrap_err();
        assert!(matches!(err, DeployError::ApprovalRequired { .. }));
        assert!(
            err.to_string().contains("not a terminal") && err.to_string().contains("--require-approval never"),
            "{err}"
        );
        let destroy = Decision::Ask {
            why: "because".into(),
            remedy: "rerun with --force to destroy without confirmation".into(),
        };
        let err = confirm(&destroy, "S", "destroy", &mut ui).unwrap_err().to_string();
        assert!(err.starts_with("destroy of S needs approval") && err.contains("--force"), "{err}");
        assert!(confirm(&Decision::Proceed, "S", "deployment", &mut ui).is_ok(), "no question asked");
    }
}

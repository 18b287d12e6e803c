//! The root cause of a failed stack operation: the first resource that failed for a reason of
//! its own, with its logical ID and construct path. Resources that failed only because the
//! operation was cancelled ("Resource creation cancelled") and the stack's own summary events
//! are consequences, not causes.

use std::fmt;

use crate::deploy::stack_event::StackEvent;
use crate::deploy::status::resource_failed;
use crate::StackArtifact;

/// The first failed resource event of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCause {
    /// The resource's logical ID (or the stack name when no resource failed).
    pub logical_id: String,
    /// Its construct path in the app (`Stack/Machine/Resource`), when known.
    pub path: Option<String>,
    /// Its resource type.
    pub resource_type: String,
    /// The failed status, e.g. `CREATE_FAILED`.
    pub status: String,
    /// CloudFormation's reason.
    pub reason: String,
}

impl fmt::Display for RootCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "root cause: {} {}", self.logical_id, self.resource_type)?;
        if let Some(path) = &self.path {
            write!(f, " (construct {path})")?;
        }
        write!(f, " {}: {}", self.status, self.reason)
    }
}

fn is_cancellation(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("cancelled") || r.contains("canceled")
}

/// Finds the root cause among an operation's events (oldest first).
pub fn root_cause(events: &[StackEvent], stack_name: &str, artifact: Option<&StackArtifact>) -> Option<RootCause> {
    let failed = |e: &&StackEvent| resource_failed(&e.status) && !e.is_stack_event(stack_name);
    let with_reason = |e: &&StackEvent| e.reason.as_deref().is_some_and(|r| !is_cancellation(r));
    let chosen = events
        .iter()
        .filter(failed)
        .find(with_reason)
        .or_else(|| events.iter().find(failed))
        // No resource failed: the stack's own reason (e.g. a template error found on execute).
        .or_else(|| {
            events
                .iter()
                .filter(|e| e.is_stack_event(stack_name))
                .find(|e| e.reason.is_some() && (resource_failed(&e.status) || e.status.contains("ROLLBACK")))
        })?;
    Some(RootCause {
        logical_id: chosen.logical_id.clone(),
        path: artifact
            .and_then(|a| a.path_of_logical_id(&chosen.logical_id))
            .map(|p| p.trim_start_matches('/').to_string()),
        resource_type: chosen.resource_type.clone(),
        status: chosen.status.clone(),
        reason: chosen.reason.clone().unwrap_or_else(|| "(no reason given)".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(logical: &str, ty: &str, status: &str, reason: Option<&str>) -> StackEvent {
        StackEvent {
            id: format!("{logical}-{status}"),
            logical_id: logical.into(),
            resource_type: ty.into(),
            status: status.into(),
            reason: reason.map(str::to_string),
            ..StackEvent::default()
        }
    }

    const STACK: &str = "AWS::CloudFormation::Stack";

    #[test]
    fn first_real_failure_wins_over_cancellations_and_stack_summaries() {
        let events = [
            ev("S", STACK, "CREATE_IN_PROGRESS", Some("User Initiated")),
            ev("Role", "AWS::IAM::Role", "CREATE_IN_PROGRESS", None),
            ev("Logs", "AWS::Logs::LogGroup", "CREATE_FAILED", Some("Resource creation cancelled")),
            ev(
                "Machine",
                "AWS::StepFunctions::StateMachine",
                "CREATE_FAILED",
                Some("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED'"),
            ),
            ev("Role", "AWS::IAM::Role", "CREATE_FAILED", Some("Resource creation cancelled")),
            ev(
                "S",
                STACK,
                "ROLLBACK_IN_PROGRESS",
                Some("The following resource(s) failed to create: [Machine, Logs, Role]"),
            ),
            ev("Role", "AWS::IAM::Role", "DELETE_FAILED", Some("later failure")),
            ev("S", STACK, "ROLLBACK_COMPLETE", None),
        ];
        let rc = root_cause(&events, "S", None).unwrap();
        assert_eq!(rc.logical_id, "Machine");
        assert_eq!(rc.status, "CREATE_FAILED");
        assert!(rc.reason.contains("SCHEMA_VALIDATION_FAILED"));
    }

    #[test]
    fn the_construct_path_comes_from_the_assembly() {
        let mut app = crate::App::new();
        let stack = app.add_stack("S");
        let group = stack.construct("Group");
        crate::CfnResource::new("AWS::IAM::Role").add(stack.at(group), "Role");
        let assembly = app.synth().unwrap();
        let artifact = assembly.stack("S").unwrap();
        let (path, logical) = artifact.logical_ids.iter().find(|(p, _)| p.ends_with("/Role")).unwrap();
        let events = [ev(logical, "AWS::IAM::Role", "CREATE_FAILED", Some("MalformedPolicyDocument"))];
        let rc = root_cause(&events, "S", Some(artifact)).unwrap();
        assert_eq!(rc.path.as_deref(), Some(path.trim_start_matches('/')));
        let text = rc.to_string();
        assert!(
            text.contains(logical.as_str())
                && text.contains("S/Group/Role")
                && text.contains("MalformedPolicyDocument"),
            "{text}"
        );
    }

    #[test]
    fn falls_back_to_cancellations_then_to_the_stack_reason() {
        let only_cancelled = [ev("A", "AWS::IAM::Role", "UPDATE_FAILED", Some("Resource update cancelled"))];
        assert_eq!(root_cause(&only_cancelled, "S", None).unwrap().logical_id, "A");
        let stack_only = [
            ev("S", STACK, "UPDATE_IN_PROGRESS", Some("User Initiated")),
            ev("S", STACK, "UPDATE_ROLLBACK_IN_PROGRESS", Some("Template error: unresolved reference")),
        ];
        let rc = root_cause(&stack_only, "S", None).unwrap();
        assert_eq!((rc.logical_id.as_str(), rc.reason.as_str()), ("S", "Template error: unresolved reference"));
        assert_eq!(root_cause(&[ev("S", STACK, "CREATE_COMPLETE", None)], "S", None), None);
    }
}

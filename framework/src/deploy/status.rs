//! Stack status classification: what a deployment may do with a stack in a given status, and
//! how an operation ended.

/// What a deployment can do with a stack, given its current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackCondition {
    /// No such stack (or only a deleted one): create it.
    Missing,
    /// Created by a change set never executed (`REVIEW_IN_PROGRESS`): create it with a new one.
    ReviewInProgress,
    /// A first creation failed and rolled back (`ROLLBACK_COMPLETE`, `ROLLBACK_FAILED`): the
    /// stack can only be deleted, so delete it and create it again (as the AWS CDK does).
    FailedCreate,
    /// Stable and updatable.
    Deployed,
    /// Another operation is running: report it and leave the stack alone.
    Busy,
    /// Stable but not updatable without manual action (`UPDATE_ROLLBACK_FAILED`,
    /// `DELETE_FAILED`, `*_FAILED` after a create or update with rollback disabled).
    NeedsAttention,
}

/// Classifies a `StackStatus` string (`None` = the stack does not exist).
pub fn condition(status: Option<&str>) -> StackCondition {
    let Some(status) = status else { return StackCondition::Missing };
    match status {
        "DELETE_COMPLETE" => StackCondition::Missing,
        "REVIEW_IN_PROGRESS" => StackCondition::ReviewInProgress,
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => StackCondition::FailedCreate,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "UPDATE_ROLLBACK_COMPLETE" | "IMPORT_COMPLETE"
        | "IMPORT_ROLLBACK_COMPLETE" => StackCondition::Deployed,
        s if is_in_progress(s) => StackCondition::Busy,
        _ => StackCondition::NeedsAttention,
    }
}

/// What the user can do about a stack that [`StackCondition::NeedsAttention`].
pub fn advice(status: &str) -> &'static str {
    match status {
        "UPDATE_ROLLBACK_FAILED" => {
            "continue the rollback first (aws cloudformation continue-update-rollback), then deploy again"
        }
        "DELETE_FAILED" => "a delete failed; destroy the stack again (resources that cannot be deleted must be removed or retained by hand)",
        "IMPORT_ROLLBACK_FAILED" => "the import rollback failed; fix the resources named in the stack events, then deploy again",
        _ => "the stack cannot be updated from this status; fix it in the CloudFormation console or destroy it",
    }
}

/// Whether an operation is still running in this status (`REVIEW_IN_PROGRESS` included: the
/// stack is waiting for a change set).
pub fn is_in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS")
}

/// How a finished stack operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked.
    Succeeded,
    /// It failed (and usually rolled back).
    Failed,
}

/// The kind of operation being waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Creating or updating through a change set.
    Deploy,
    /// Deleting the stack.
    Delete,
}

/// The outcome of `operation` if `status` is terminal, `None` while it is still running.
pub fn outcome(operation: Operation, status: &str) -> Option<Outcome> {
    if is_in_progress(status) {
        return None;
    }
    let ok = match operation {
        Operation::Deploy => matches!(status, "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"),
        Operation::Delete => status == "DELETE_COMPLETE",
    };
    Some(if ok { Outcome::Succeeded } else { Outcome::Failed })
}

/// Whether a resource status means that resource is done (for progress counting).
pub fn resource_settled(status: &str) -> bool {
    status.ends_with("_COMPLETE") || status.ends_with("_FAILED") || status == "DELETE_SKIPPED"
}

/// Whether a resource status is a failure.
pub fn resource_failed(status: &str) -> bool {
    status.ends_with("_FAILED")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions() {
        use StackCondition::*;
        let cases = [
            (None, Missing),
            (Some("DELETE_COMPLETE"), Missing),
            (Some("REVIEW_IN_PROGRESS"), ReviewInProgress),
            (Some("ROLLBACK_COMPLETE"), FailedCreate),
            (Some("ROLLBACK_FAILED"), FailedCreate),
            (Some("CREATE_COMPLETE"), Deployed),
            (Some("UPDATE_COMPLETE"), Deployed),
            (Some("UPDATE_ROLLBACK_COMPLETE"), Deployed),
            (Some("IMPORT_COMPLETE"), Deployed),
            (Some("CREATE_IN_PROGRESS"), Busy),
            (Some("UPDATE_IN_PROGRESS"), Busy),
            (Some("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), Busy),
            (Some("UPDATE_ROLLBACK_IN_PROGRESS"), Busy),
            (Some("ROLLBACK_IN_PROGRESS"), Busy),
            (Some("DELETE_IN_PROGRESS"), Busy),
            (Some("IMPORT_IN_PROGRESS"), Busy),
            (Some("UPDATE_ROLLBACK_FAILED"), NeedsAttention),
            (Some("DELETE_FAILED"), NeedsAttention),
            (Some("CREATE_FAILED"), NeedsAttention),
            (Some("UPDATE_FAILED"), NeedsAttention),
        ];
        for (status, want) in cases {
            assert_eq!(condition(status), want, "{status:?}");
        }
        assert!(advice("UPDATE_ROLLBACK_FAILED").contains("continue-update-rollback"));
    }

    #[test]
    fn outcomes() {
        use Operation::*;
        assert_eq!(outcome(Deploy, "CREATE_IN_PROGRESS"), None);
        assert_eq!(outcome(Deploy, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), None, "wait for the cleanup");
        assert_eq!(outcome(Deploy, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"), None);
        assert_eq!(outcome(Deploy, "CREATE_COMPLETE"), Some(Outcome::Succeeded));
        assert_eq!(outcome(Deploy, "UPDATE_COMPLETE"), Some(Outcome::Succeeded));
        for failed in ["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "CREATE_FAILED", "UPDATE_FAILED", "DELETE_COMPLETE"] {
            assert_eq!(outcome(Deploy, failed), Some(Outcome::Failed), "{failed}");
        }
        assert_eq!(outcome(Delete, "DELETE_IN_PROGRESS"), None);
        assert_eq!(outcome(Delete, "DELETE_COMPLETE"), Some(Outcome::Succeeded));
        assert_eq!(outcome(Delete, "DELETE_FAILED"), Some(Outcome::Failed));
    }

    #[test]
    fn resource_statuses() {
        assert!(resource_settled("CREATE_COMPLETE") && resource_settled("DELETE_SKIPPED") && resource_settled("UPDATE_FAILED"));
        assert!(!resource_settled("CREATE_IN_PROGRESS"));
        assert!(resource_failed("CREATE_FAILED") && !resource_failed("CREATE_COMPLETE"));
    }
}

//! Stack statuses as a typed enum (CloudFormation's own list), what a deployment may do with a
//! stack in a given status, and how an operation ended.
//!
//! A status this toolkit does not know (a value CloudFormation added after this list was
//! written) is kept as [`StackStatus::Unknown`]; following an operation that reaches one is an
//! error rather than a wait that never ends.

use std::fmt;

macro_rules! stack_statuses {
    ($($variant:ident => $text:literal,)*) => {
        /// A CloudFormation `StackStatus`.
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub enum StackStatus {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )*
            /// A status not in CloudFormation's documented list (or none given).
            Unknown(String),
            /// No status yet (a stack not described).
            #[default]
            None,
        }

        impl StackStatus {
            /// Every documented status, for tests and documentation.
            pub const ALL: &'static [StackStatus] = &[$(StackStatus::$variant,)*];

            /// The status as CloudFormation spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(StackStatus::$variant => $text,)*
                    StackStatus::Unknown(s) => s,
                    StackStatus::None => "",
                }
            }

            /// Parses CloudFormation's spelling; anything else is [`StackStatus::Unknown`].
            pub fn parse(s: &str) -> StackStatus {
                match s {
                    $($text => StackStatus::$variant,)*
                    "" => StackStatus::None,
                    other => StackStatus::Unknown(other.to_string()),
                }
            }
        }
    };
}

stack_statuses! {
    CreateInProgress => "CREATE_IN_PROGRESS",
    CreateFailed => "CREATE_FAILED",
    CreateComplete => "CREATE_COMPLETE",
    RollbackInProgress => "ROLLBACK_IN_PROGRESS",
    RollbackFailed => "ROLLBACK_FAILED",
    RollbackComplete => "ROLLBACK_COMPLETE",
    DeleteInProgress => "DELETE_IN_PROGRESS",
    DeleteFailed => "DELETE_FAILED",
    DeleteComplete => "DELETE_COMPLETE",
    UpdateInProgress => "UPDATE_IN_PROGRESS",
    UpdateCompleteCleanupInProgress => "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    UpdateComplete => "UPDATE_COMPLETE",
    UpdateFailed => "UPDATE_FAILED",
    UpdateRollbackInProgress => "UPDATE_ROLLBACK_IN_PROGRESS",
    UpdateRollbackFailed => "UPDATE_ROLLBACK_FAILED",
    UpdateRollbackCompleteCleanupInProgress => "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    UpdateRollbackComplete => "UPDATE_ROLLBACK_COMPLETE",
    ReviewInProgress => "REVIEW_IN_PROGRESS",
    ImportInProgress => "IMPORT_IN_PROGRESS",
    ImportComplete => "IMPORT_COMPLETE",
    ImportRollbackInProgress => "IMPORT_ROLLBACK_IN_PROGRESS",
    ImportRollbackFailed => "IMPORT_ROLLBACK_FAILED",
    ImportRollbackComplete => "IMPORT_ROLLBACK_COMPLETE",
}

impl StackStatus {
    /// Whether an operation is running (`REVIEW_IN_PROGRESS` included: the stack is waiting for
    /// a change set).
    pub fn is_in_progress(&self) -> bool {
        self.as_str().ends_with("_IN_PROGRESS")
    }

    /// Whether the stack is at rest: no operation runs, a new one can be started or nothing
    /// more will happen on its own. Unknown statuses are not settled.
    pub fn is_settled(&self) -> bool {
        !self.is_in_progress() && !matches!(self, StackStatus::Unknown(_) | StackStatus::None)
    }

    /// Whether it is a status CloudFormation documents.
    pub fn is_known(&self) -> bool {
        !matches!(self, StackStatus::Unknown(_))
    }

    /// What a deployment can do with a stack in this status.
    pub fn condition(&self) -> StackCondition {
        use StackStatus::*;
        match self {
            None | DeleteComplete => StackCondition::Missing,
            ReviewInProgress => StackCondition::ReviewInProgress,
            RollbackComplete | RollbackFailed => StackCondition::FailedCreate,
            CreateComplete | UpdateComplete | UpdateRollbackComplete | ImportComplete | ImportRollbackComplete => {
                StackCondition::Deployed
            }
            s if s.is_in_progress() => StackCondition::Busy,
            Unknown(_) => StackCondition::Unknown,
            _ => StackCondition::NeedsAttention,
        }
    }
}

impl fmt::Display for StackStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for StackStatus {
    fn from(s: &str) -> StackStatus {
        StackStatus::parse(s)
    }
}

impl PartialEq<str> for StackStatus {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for StackStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

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
    /// A status this toolkit does not know: nothing is done to the stack.
    Unknown,
}

/// What the user can do about a stack that [`StackCondition::NeedsAttention`].
pub fn advice(status: &StackStatus) -> &'static str {
    match status {
        StackStatus::UpdateRollbackFailed => {
            "continue the rollback first (aws cloudformation continue-update-rollback), then deploy again"
        }
        StackStatus::DeleteFailed => "a delete failed; destroy the stack again (resources that cannot be deleted must be removed or retained by hand)",
        StackStatus::ImportRollbackFailed => "the import rollback failed; fix the resources named in the stack events, then deploy again",
        StackStatus::Unknown(_) => "this status is not one CloudFormation documents (a newer service?); check the stack in the CloudFormation console",
        _ => "the stack cannot be updated from this status; fix it in the CloudFormation console or destroy it",
    }
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
/// An unknown status is neither: see [`follow`](crate::deploy::events::follow), which reports it.
pub fn outcome(operation: Operation, status: &StackStatus) -> Option<Outcome> {
    if status.is_in_progress() || !status.is_known() {
        return None;
    }
    let ok = match operation {
        Operation::Deploy => {
            matches!(status, StackStatus::CreateComplete | StackStatus::UpdateComplete | StackStatus::ImportComplete)
        }
        Operation::Delete => *status == StackStatus::DeleteComplete,
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
            assert_eq!(status.map(StackStatus::parse).unwrap_or_default().condition(), want, "{status:?}");
        }
        assert!(advice(&StackStatus::UpdateRollbackFailed).contains("continue-update-rollback"));
    }

    #[test]
    fn outcomes() {
        use Operation::*;
        assert_eq!(outcome(Deploy, &"CREATE_IN_PROGRESS".into()), None);
        assert_eq!(outcome(Deploy, &"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS".into()), None, "wait for the cleanup");
        assert_eq!(outcome(Deploy, &"UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS".into()), None);
        assert_eq!(outcome(Deploy, &"CREATE_COMPLETE".into()), Some(Outcome::Succeeded));
        assert_eq!(outcome(Deploy, &"UPDATE_COMPLETE".into()), Some(Outcome::Succeeded));
        for failed in [
            "ROLLBACK_COMPLETE",
            "ROLLBACK_FAILED",
            "UPDATE_ROLLBACK_COMPLETE",
            "UPDATE_ROLLBACK_FAILED",
            "CREATE_FAILED",
            "UPDATE_FAILED",
            "DELETE_COMPLETE",
        ] {
            assert_eq!(outcome(Deploy, &failed.into()), Some(Outcome::Failed), "{failed}");
        }
        assert_eq!(outcome(Delete, &"DELETE_IN_PROGRESS".into()), None);
        assert_eq!(outcome(Delete, &"DELETE_COMPLETE".into()), Some(Outcome::Succeeded));
        assert_eq!(outcome(Delete, &"DELETE_FAILED".into()), Some(Outcome::Failed));
    }

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_kept() {
        for s in StackStatus::ALL {
            assert_eq!(&StackStatus::parse(s.as_str()), s);
            assert!(s.is_known());
        }
        assert_eq!(StackStatus::ALL.len(), 23, "CloudFormation's documented list");
        let odd = StackStatus::parse("MOVE_IN_PROGRESS_LATER");
        assert_eq!(odd, StackStatus::Unknown("MOVE_IN_PROGRESS_LATER".into()));
        assert!(!odd.is_known() && !odd.is_settled());
        assert_eq!(odd.condition(), StackCondition::Unknown);
        assert_eq!(outcome(Operation::Deploy, &odd), None, "neither success nor failure: follow reports it");
        assert!(StackStatus::UpdateComplete.is_settled() && !StackStatus::UpdateInProgress.is_settled());
        assert_eq!(StackStatus::parse(""), StackStatus::None);
        assert_eq!(StackStatus::ReviewInProgress.to_string(), "REVIEW_IN_PROGRESS");
    }

    #[test]
    fn resource_statuses() {
        assert!(
            resource_settled("CREATE_COMPLETE")
                && resource_settled("DELETE_SKIPPED")
                && resource_settled("UPDATE_FAILED")
        );
        assert!(!resource_settled("CREATE_IN_PROGRESS"));
        assert!(resource_failed("CREATE_FAILED") && !resource_failed("CREATE_COMPLETE"));
    }
}

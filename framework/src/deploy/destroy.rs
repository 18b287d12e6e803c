//! `destroy`: confirm, delete each stack (dependents first, `--concurrency` at a time), stream
//! its events and report the resources CloudFormation kept because of their `DeletionPolicy`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::deploy::approval::{confirm, Decision};
use crate::deploy::checkpoint::Checkpoint;
use crate::deploy::client::CfnClient;
use crate::deploy::environment::Targets;
use crate::deploy::error::DeployError;
use crate::deploy::events::{follow, EventLog, Finished, Monitor, PollSchedule, StackEvent};
use crate::deploy::root_cause::root_cause;
use crate::deploy::schedule::{self, waits_for, Direction};
use crate::deploy::stack::{deployed_template, describe, physical_ids, start_delete, DeployedStack};
use crate::deploy::status::{Operation, Outcome, StackCondition, StackStatus};
use crate::deploy::summary::{outcome, summary};
use crate::deploy::ui::Ui;
use crate::StackArtifact;

/// Options of a destroy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DestroyOptions {
    /// Do not ask for confirmation.
    pub force: bool,
    /// Where the run stands, for whatever stops it (Ctrl-C, `--timeout`).
    pub checkpoint: Checkpoint,
    /// How many stacks may be deleted at once (0 counts as 1).
    pub concurrency: usize,
}

/// A resource left in place by the deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetainedResource {
    /// Its logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// Its physical ID (name, ARN...), when known.
    pub physical_id: Option<String>,
    /// Its construct path, when known.
    pub path: Option<String>,
}

/// What happened to one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestroyResult {
    /// The stack name.
    pub stack_name: String,
    /// Whether there was a stack to delete.
    pub existed: bool,
    /// Resources kept by their deletion policy.
    pub retained: Vec<RetainedResource>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Resources of a template that a stack deletion keeps: `DeletionPolicy` `Retain` or
/// `RetainExceptOnCreate` (which retains on deletion), as (logical ID, type), sorted.
pub fn retained_in_template(template: &serde_json::Value) -> Vec<(String, String)> {
    let Some(resources) = template.get("Resources").and_then(|r| r.as_object()) else { return Vec::new() };
    let mut out: Vec<(String, String)> = resources
        .iter()
        .filter(|(_, r)| {
            matches!(r.get("DeletionPolicy").and_then(|p| p.as_str()), Some("Retain" | "RetainExceptOnCreate"))
        })
        .map(|(id, r)| (id.clone(), r.get("Type").and_then(|t| t.as_str()).unwrap_or_default().to_string()))
        .collect();
    out.sort();
    out
}

/// Combines the template's retained resources with the deletion's `DELETE_SKIPPED` events
/// (which carry physical IDs) and the physical IDs read before the deletion.
pub fn retained_resources(
    template_retained: &[(String, String)],
    events: &[StackEvent],
    physical_ids: &BTreeMap<String, String>,
    artifact: Option<&StackArtifact>,
) -> Vec<RetainedResource> {
    let mut by_id: BTreeMap<String, RetainedResource> = BTreeMap::new();
    for (id, ty) in template_retained {
        by_id.insert(
            id.clone(),
            RetainedResource {
                logical_id: id.clone(),
                resource_type: ty.clone(),
                physical_id: physical_ids.get(id).cloned(),
                path: None,
            },
        );
    }
    for e in events.iter().filter(|e| e.status == "DELETE_SKIPPED") {
        let entry = by_id.entry(e.logical_id.clone()).or_insert_with(|| RetainedResource {
            logical_id: e.logical_id.clone(),
            resource_type: e.resource_type.clone(),
            physical_id: None,
            path: None,
        });
        if e.physical_id.is_some() {
            entry.physical_id = e.physical_id.clone();
        }
    }
    by_id
        .into_values()
        .map(|mut r| {
            r.path = artifact
                .and_then(|a| a.path_of_logical_id(&r.logical_id))
                .map(|p| p.trim_start_matches('/').to_string());
            r
        })
        .collect()
}

/// Deletes a stack and waits for the end, retrying once when the deletion ends in
/// `DELETE_FAILED` (a second DeleteStack retries the resources that failed). Returns how it
/// ended and the deletion's events.
pub(crate) async fn delete_and_wait(
    cfn: &CfnClient,
    stack: &DeployedStack,
    artifact: Option<&StackArtifact>,
    ui: &mut Ui,
    checkpoint: &Checkpoint,
) -> Result<(Finished, Vec<StackEvent>), DeployError> {
    let mut events = Vec::new();
    let mut current = stack.clone();
    let mut retried = false;
    loop {
        let mut log = EventLog::after_latest(cfn, &current.stack_id).await?;
        checkpoint.executing(&cfn.region, &stack.stack_name, Operation::Delete, &current.status)?;
        start_delete(cfn, &current).await?;
        let mut monitor = Monitor::new(ui, &stack.stack_name, artifact, 0);
        let mut finished = follow(cfn, &current, Operation::Delete, &mut log, &mut monitor, ui, checkpoint).await?;
        checkpoint.idle(&cfn.region, &stack.stack_name);
        if finished.outcome == Outcome::Failed {
            // Confirm the failure with a second look a moment later: an implementation may
            // report DELETE_FAILED for a stack whose deletion then completes.
            tokio::time::sleep(PollSchedule::for_client(cfn).first()).await;
            for e in &log.poll(cfn, &current.stack_id).await? {
                monitor.show(ui, e);
            }
            if describe(cfn, &current.stack_id).await?.is_none() {
                finished = finished_deleted();
            }
        }
        drop(monitor);
        events.extend(log.events);
        match (finished.outcome, finished.stack) {
            (Outcome::Succeeded, _) => return Ok((finished_deleted(), events)),
            (Outcome::Failed, Some(now)) if !retried && now.status == "DELETE_FAILED" => {
                ui.say(format!("{}: {}; retrying the delete once", stack.stack_name, now.status));
                current = now;
                retried = true;
            }
            (Outcome::Failed, _) => {
                return Err(DeployError::Failed {
                    stack: stack.stack_name.clone(),
                    status: finished.status,
                    status_reason: finished.status_reason,
                    root_cause: root_cause(&events, &stack.stack_name, artifact).map(Box::new),
                })
            }
        }
    }
}

fn finished_deleted() -> Finished {
    Finished { status: StackStatus::DeleteComplete, status_reason: None, stack: None, outcome: Outcome::Succeeded }
}

/// Destroys `stacks` (given in deployment order), each in its target, `opts.concurrency` at a
/// time: a stack is deleted once the stacks that depend on it are gone. A failure stops new
/// deletions; the running ones finish, every stack's outcome is reported, and the error names
/// every failure. Results come in reverse deployment order.
pub async fn destroy(
    targets: &Targets,
    stacks: &[&StackArtifact],
    opts: &DestroyOptions,
    ui: &mut Ui,
) -> Result<Vec<DestroyResult>, DeployError> {
    let t0 = Instant::now();
    // Nothing is deleted in an account the stacks do not belong to.
    targets.account().await?;
    let mut found: Vec<Option<DeployedStack>> = Vec::new();
    for artifact in stacks {
        let stack = describe(&targets.of(artifact).cfn, &artifact.stack_name).await?;
        if stack.is_none() {
            ui.say(format!("{}: does not exist; nothing to destroy", artifact.stack_name));
        }
        found.push(stack);
    }
    for s in found.iter().flatten() {
        if s.condition() == StackCondition::Busy {
            return Err(DeployError::StackBusy { stack: s.stack_name.clone(), status: s.status.clone() });
        }
        if s.termination_protection {
            return Err(DeployError::NeedsAttention {
                stack: s.stack_name.clone(),
                status: s.status.clone(),
                reason: None,
                advice: "termination protection is enabled; turn it off in the app (termination_protection: false) and deploy, then destroy".into(),
            });
        }
    }
    let missing = |artifact: &StackArtifact| DestroyResult {
        stack_name: artifact.stack_name.clone(),
        existed: false,
        retained: Vec::new(),
        elapsed: Duration::ZERO,
    };
    if found.iter().all(Option::is_none) {
        return Ok(stacks.iter().rev().map(|a| missing(a)).collect());
    }
    if !opts.force {
        // Named in deletion order.
        let names: Vec<&str> = found.iter().rev().flatten().map(|s| s.stack_name.as_str()).collect();
        let decision = Decision::Ask {
            why: format!("This deletes stack(s) {} and their resources (except retained ones)", names.join(", ")),
            remedy: "rerun with --force to destroy without confirmation".into(),
        };
        confirm(&decision, &names.join(", "), "destroy", ui)?;
    }
    let waits = waits_for(stacks, Direction::Dependents);
    let slots = schedule::run(&waits, opts.concurrency, |i| {
        let artifact = stacks[i];
        let stack = found[i].clone();
        let mut ui = ui.clone();
        Box::pin(async move {
            match stack {
                None => Ok(missing(artifact)),
                Some(stack) => destroy_stack(&targets.of(artifact).cfn, artifact, stack, opts, &mut ui).await,
            }
        })
    })
    .await;
    if stacks.len() > 1 {
        let lines = summary(stacks, &slots, &waits, t0.elapsed(), |r: &DestroyResult| {
            if r.existed {
                format!("destroyed in {:.1}s", r.elapsed.as_secs_f64())
            } else {
                "did not exist".to_string()
            }
        });
        for line in lines {
            ui.say(line);
        }
    }
    let mut results = outcome(stacks, slots)?;
    results.reverse();
    Ok(results)
}

/// Deletes one stack, then reports the resources its deletion policy kept.
async fn destroy_stack(
    cfn: &CfnClient,
    artifact: &StackArtifact,
    stack: DeployedStack,
    opts: &DestroyOptions,
    ui: &mut Ui,
) -> Result<DestroyResult, DeployError> {
    let t0 = Instant::now();
    ui.say(format!("{}: destroying", stack.stack_name));
    let template_retained =
        deployed_template(cfn, &stack.stack_id).await?.map(|t| retained_in_template(&t)).unwrap_or_default();
    let ids = if template_retained.is_empty() { BTreeMap::new() } else { physical_ids(cfn, &stack).await? };
    let (_, events) = delete_and_wait(cfn, &stack, Some(artifact), ui, &opts.checkpoint).await?;
    let retained = retained_resources(&template_retained, &events, &ids, Some(artifact));
    ui.say(format!("{}: destroyed in {:.1}s", stack.stack_name, t0.elapsed().as_secs_f64()));
    for r in &retained {
        let mut line = format!("  retained (DeletionPolicy): {} {}", r.logical_id, r.resource_type);
        if let Some(path) = &r.path {
            line.push_str(&format!(" ({path})"));
        }
        if let Some(p) = &r.physical_id {
            line.push_str(&format!(" physical ID {p}"));
        }
        ui.say(line);
    }
    Ok(DestroyResult { stack_name: stack.stack_name.clone(), existed: true, retained, elapsed: t0.elapsed() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retained_resources_come_from_the_deletion_policy() {
        let t = json!({"Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain"},
            "Role": {"Type": "AWS::IAM::Role", "DeletionPolicy": "Delete"},
            "Data": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "RetainExceptOnCreate"},
            "Snap": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot"},
            "Plain": {"Type": "AWS::SNS::Topic"}
        }});
        assert_eq!(
            retained_in_template(&t),
            [
                ("Data".to_string(), "AWS::DynamoDB::Table".to_string()),
                ("Logs".to_string(), "AWS::Logs::LogGroup".to_string())
            ]
        );
        assert!(retained_in_template(&json!({})).is_empty());
    }

    #[test]
    fn events_and_physical_ids_complete_the_report() {
        let template = vec![("Logs".to_string(), "AWS::Logs::LogGroup".to_string())];
        let events = [
            StackEvent {
                id: "1".into(),
                logical_id: "Logs".into(),
                resource_type: "AWS::Logs::LogGroup".into(),
                status: "DELETE_SKIPPED".into(),
                physical_id: Some("/aws/x".into()),
                ..Default::default()
            },
            StackEvent {
                id: "2".into(),
                logical_id: "Other".into(),
                resource_type: "AWS::S3::Bucket".into(),
                status: "DELETE_SKIPPED".into(),
                ..Default::default()
            },
            StackEvent {
                id: "3".into(),
                logical_id: "Role".into(),
                resource_type: "AWS::IAM::Role".into(),
                status: "DELETE_COMPLETE".into(),
                ..Default::default()
            },
        ];
        let r = retained_resources(&template, &events, &BTreeMap::new(), None);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].logical_id.as_str(), r[0].physical_id.as_deref()), ("Logs", Some("/aws/x")));
        assert_eq!((r[1].logical_id.as_str(), r[1].physical_id.as_deref()), ("Other", None));
        let ids = BTreeMap::from([("Logs".to_string(), "/aws/y".to_string())]);
        let r = retained_resources(&template, &[], &ids, None);
        assert_eq!(r[0].physical_id.as_deref(), Some("/aws/y"), "known before the deletion");
    }
}

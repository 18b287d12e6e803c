//! Change sets: create one (CREATE for a new stack, UPDATE otherwise), wait until CloudFormation
//! has computed it, read its resource changes, then execute or delete it.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType, Parameter, Tag};

use crate::deploy::client::CfnClient;
use crate::deploy::error::{api_error, DeployError};
use crate::deploy::events::PollSchedule;
use crate::deploy::retry::{with_retry, RetryPolicy};
use crate::StackArtifact;

/// The most bytes CloudFormation accepts in `TemplateBody`.
pub const TEMPLATE_BODY_LIMIT: usize = 51_200;

/// The template as sent: minified JSON, checked against the inline size limit.
pub fn template_body(artifact: &StackArtifact) -> Result<String, DeployError> {
    let body = serde_json::to_string(artifact.template()).unwrap_or_default();
    if body.len() > TEMPLATE_BODY_LIMIT {
        return Err(DeployError::TemplateTooLarge { stack: artifact.stack_name.clone(), bytes: body.len(), limit: TEMPLATE_BODY_LIMIT });
    }
    Ok(body)
}

/// The capabilities a change set is created with: IAM always (the construct library creates
/// roles), AUTO_EXPAND when the template uses a transform.
pub fn capabilities(template: &serde_json::Value) -> Vec<Capability> {
    let mut caps = vec![Capability::CapabilityIam, Capability::CapabilityNamedIam];
    if template.get("Transform").is_some() {
        caps.push(Capability::CapabilityAutoExpand);
    }
    caps
}

/// One resource change of a change set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    /// The resource's logical ID.
    pub logical_id: String,
    /// The resource type.
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for modifications.
    pub replacement: Option<String>,
    /// The physical ID of an existing resource.
    pub physical_id: Option<String>,
}

/// What a change set turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSetResult {
    /// Ready to execute, with its changes.
    Ready(Vec<ResourceChange>),
    /// It contains no changes (CloudFormation refuses to create it).
    Empty,
}

/// A created change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// Its ARN.
    pub id: String,
    /// The stack's ARN (the stack exists from now on, in `REVIEW_IN_PROGRESS` when new).
    pub stack_id: String,
}

/// Everything a change set is created from.
#[derive(Debug, Clone)]
pub struct ChangeSetRequest<'a> {
    /// The stack.
    pub stack_name: &'a str,
    /// CREATE or UPDATE.
    pub create: bool,
    /// The minified template.
    pub template_body: &'a str,
    /// The template (for capabilities).
    pub template: &'a serde_json::Value,
    /// Parameters.
    pub parameters: Vec<Parameter>,
    /// Stack tags.
    pub tags: &'a BTreeMap<String, String>,
}

/// Whether a FAILED change set's reason means it simply has no changes.
pub fn is_no_changes_reason(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

/// Creates the change set (a unique name each time: an interrupted run leaves nothing that
/// blocks the next one, and executing a change set makes CloudFormation delete the others).
pub async fn create(cfn: &CfnClient, req: ChangeSetRequest<'_>) -> Result<ChangeSet, DeployError> {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let name = format!("deploy-{millis}");
    let tags: Vec<Tag> = req.tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
    let policy = RetryPolicy::default();
    let out = with_retry(&policy, || {
        cfn.client
            .create_change_set()
            .stack_name(req.stack_name)
            .change_set_name(&name)
            .change_set_type(if req.create { ChangeSetType::Create } else { ChangeSetType::Update })
            .template_body(req.template_body)
            .set_parameters(Some(req.parameters.clone()))
            .set_tags(Some(tags.clone()))
            .set_capabilities(Some(capabilities(req.template)))
            .description("Created by the framework deploy command")
            .send()
    })
    .await
    .map_err(|e| api_error("CreateChangeSet", req.stack_name, &e))?;
    Ok(ChangeSet { id: out.id().unwrap_or(&name).to_string(), stack_id: out.stack_id().unwrap_or(req.stack_name).to_string() })
}

/// Waits until the change set is computed and reads its changes (all pages).
pub async fn wait(cfn: &CfnClient, stack_name: &str, cs: &ChangeSet) -> Result<ChangeSetResult, DeployError> {
    let policy = RetryPolicy::default();
    let mut schedule = PollSchedule::new();
    loop {
        let out = with_retry(&policy, || cfn.client.describe_change_set().change_set_name(&cs.id).send())
            .await
            .map_err(|e| api_error("DescribeChangeSet", stack_name, &e))?;
        match out.status() {
            Some(ChangeSetStatus::CreateComplete) => {
                let mut changes: Vec<ResourceChange> = out.changes().iter().filter_map(change_from_sdk).collect();
                let mut token = out.next_token().map(str::to_string);
                while let Some(t) = token.take() {
                    let page = with_retry(&policy, || cfn.client.describe_change_set().change_set_name(&cs.id).next_token(&t).send())
                        .await
                        .map_err(|e| api_error("DescribeChangeSet", stack_name, &e))?;
                    changes.extend(page.changes().iter().filter_map(change_from_sdk));
                    token = page.next_token().map(str::to_string);
                }
                return Ok(if changes.is_empty() { ChangeSetResult::Empty } else { ChangeSetResult::Ready(changes) });
            }
            Some(ChangeSetStatus::Failed) => {
                let reason = out.status_reason().unwrap_or("no reason given").to_string();
                if is_no_changes_reason(&reason) {
                    return Ok(ChangeSetResult::Empty);
                }
                return Err(DeployError::ChangeSetFailed { stack: stack_name.to_string(), reason });
            }
            _ => tokio::time::sleep(schedule.next(false)).await,
        }
    }
}

fn change_from_sdk(c: &aws_sdk_cloudformation::types::Change) -> Option<ResourceChange> {
    let r = c.resource_change()?;
    Some(ResourceChange {
        action: r.action().map(|a| a.as_str().to_string()).unwrap_or_default(),
        logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
        resource_type: r.resource_type().unwrap_or_default().to_string(),
        replacement: r.replacement().map(|x| x.as_str().to_string()),
        physical_id: r.physical_resource_id().filter(|p| !p.is_empty()).map(str::to_string),
    })
}

/// Executes the change set.
pub async fn execute(cfn: &CfnClient, stack_name: &str, cs: &ChangeSet) -> Result<(), DeployError> {
    let policy = RetryPolicy::default();
    with_retry(&policy, || cfn.client.execute_change_set().change_set_name(&cs.id).send())
        .await
        .map_err(|e| api_error("ExecuteChangeSet", stack_name, &e))?;
    Ok(())
}

/// Deletes the change set.
pub async fn delete(cfn: &CfnClient, stack_name: &str, cs: &ChangeSet) -> Result<(), DeployError> {
    let policy = RetryPolicy::default();
    with_retry(&policy, || cfn.client.delete_change_set().change_set_name(&cs.id).send())
        .await
        .map_err(|e| api_error("DeleteChangeSet", stack_name, &e))?;
    Ok(())
}

/// The changes as a table: action, logical ID, type, replacement, construct path.
pub fn render_changes(changes: &[ResourceChange], artifact: Option<&StackArtifact>) -> Vec<String> {
    let id_width = changes.iter().map(|c| c.logical_id.len()).max().unwrap_or(0);
    let type_width = changes.iter().map(|c| c.resource_type.len()).max().unwrap_or(0);
    changes
        .iter()
        .map(|c| {
            let replacement = match c.replacement.as_deref() {
                Some("True") => "  replace",
                Some("Conditional") => "  may replace",
                _ => "",
            };
            let path = artifact
                .and_then(|a| a.path_of_logical_id(&c.logical_id))
                .map(|p| format!("  ({})", p.trim_start_matches('/')))
                .unwrap_or_default();
            format!("  {:<7} {:<id_width$}  {:<type_width$}{replacement}{path}", c.action, c.logical_id, c.resource_type)
                .trim_end()
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, CfnResource};

    #[test]
    fn template_body_is_minified_and_size_checked() {
        let mut app = App::new();
        let stack = app.add_stack("Big");
        CfnResource::new("AWS::SSM::Parameter").property("Value", "x".repeat(60_000)).property("Type", "String").add(&mut *stack, "P");
        let small = app.add_stack("Small");
        CfnResource::new("AWS::SSM::Parameter").property("Value", "x").property("Type", "String").add(&mut *small, "P");
        let a = app.synth().unwrap();
        let body = template_body(a.stack("Small").unwrap()).unwrap();
        assert!(!body.contains('\n') && !body.contains(": "), "{body}");
        let err = template_body(a.stack("Big").unwrap()).unwrap_err().to_string();
        assert!(err.contains("Big") && err.contains("51200") && err.contains("S3"), "{err}");
    }

    #[test]
    fn capabilities_always_include_iam() {
        let caps = capabilities(&serde_json::json!({"Resources": {}}));
        assert_eq!(caps, [Capability::CapabilityIam, Capability::CapabilityNamedIam]);
        assert!(capabilities(&serde_json::json!({"Transform": "AWS::Serverless-2016-10-31"})).contains(&Capability::CapabilityAutoExpand));
    }

    #[test]
    fn empty_change_set_reasons() {
        assert!(is_no_changes_reason("The submitted information didn't contain changes. Submit different information to create a change set."));
        assert!(is_no_changes_reason("No updates are to be performed."));
        assert!(!is_no_changes_reason("Template format error: Unresolved resource dependencies [X]"));
    }

    #[test]
    fn changes_render_as_aligned_rows() {
        let changes = [
            ResourceChange { action: "Add".into(), logical_id: "Topic".into(), resource_type: "AWS::SNS::Topic".into(), ..Default::default() },
            ResourceChange { action: "Modify".into(), logical_id: "Role1ABCC5F0".into(), resource_type: "AWS::IAM::Role".into(), replacement: Some("True".into()), ..Default::default() },
            ResourceChange { action: "Modify".into(), logical_id: "Q".into(), resource_type: "AWS::SQS::Queue".into(), replacement: Some("Conditional".into()), ..Default::default() },
            ResourceChange { action: "Remove".into(), logical_id: "Old".into(), resource_type: "AWS::Logs::LogGroup".into(), ..Default::default() },
        ];
        let rows = render_changes(&changes, None);
        assert_eq!(rows[0], "  Add     Topic         AWS::SNS::Topic");
        assert_eq!(rows[1], "  Modify  Role1ABCC5F0  AWS::IAM::Role       replace");
        assert_eq!(rows[2], "  Modify  Q             AWS::SQS::Queue      may replace");
        assert_eq!(rows[3], "  Remove  Old           AWS::Logs::LogGroup");
    }
}

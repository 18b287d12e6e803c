//! A deployed stack as CloudFormation describes it, and the calls that read or change a stack
//! as a whole (DescribeStacks, GetTemplate, DeleteStack, UpdateTerminationProtection).

use std::collections::BTreeMap;

use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::types::TemplateStage;

use crate::deploy::client::CfnClient;
use crate::deploy::error::{api_error, DeployError};
use crate::deploy::retry::{with_retry, with_retry_counted, Retries, RetryPolicy};
use crate::deploy::status::{StackCondition, StackStatus};

/// One stack output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackOutput {
    /// `OutputKey`.
    pub key: String,
    /// `OutputValue`.
    pub value: String,
    /// `Description`.
    pub description: Option<String>,
    /// `ExportName`.
    pub export_name: Option<String>,
}

/// What DescribeStacks says about a stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployedStack {
    /// The stack ARN.
    pub stack_id: String,
    /// The stack name.
    pub stack_name: String,
    /// `StackStatus`, e.g. `CREATE_COMPLETE`.
    pub status: StackStatus,
    /// `StackStatusReason`.
    pub status_reason: Option<String>,
    /// Parameter values (`****` for NoEcho parameters).
    pub parameters: BTreeMap<String, String>,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Outputs, sorted by key.
    pub outputs: Vec<StackOutput>,
    /// `EnableTerminationProtection`.
    pub termination_protection: bool,
    /// `LastUpdatedTime` (or `CreationTime`), to tell a new operation from an old one.
    pub last_changed: Option<String>,
}

impl DeployedStack {
    /// What a deployment can do with it.
    pub fn condition(&self) -> StackCondition {
        self.status.condition()
    }

    fn from_sdk(s: &aws_sdk_cloudformation::types::Stack) -> DeployedStack {
        let mut outputs: Vec<StackOutput> = s
            .outputs()
            .iter()
            .map(|o| StackOutput {
                key: o.output_key().unwrap_or_default().to_string(),
                value: o.output_value().unwrap_or_default().to_string(),
                description: o.description().map(str::to_string),
                export_name: o.export_name().map(str::to_string),
            })
            .collect();
        outputs.sort_by(|a, b| a.key.cmp(&b.key));
        DeployedStack {
            stack_id: s.stack_id().unwrap_or_default().to_string(),
            stack_name: s.stack_name().unwrap_or_default().to_string(),
            status: s.stack_status().map(|st| StackStatus::parse(st.as_str())).unwrap_or_default(),
            status_reason: s.stack_status_reason().map(str::to_string),
            parameters: s
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((p.parameter_key()?.to_string(), p.parameter_value().unwrap_or_default().to_string()))
                })
                .collect(),
            tags: s.tags().iter().filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string()))).collect(),
            outputs,
            termination_protection: s.enable_termination_protection().unwrap_or(false),
            last_changed: s.last_updated_time().or(s.creation_time()).map(|t| t.to_string()),
        }
    }
}

/// Whether an error says that the stack does not exist (CloudFormation answers a
/// `ValidationError` "Stack with id X does not exist").
pub fn is_missing_stack<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ValidationError") && e.message().is_some_and(|m| m.contains("does not exist"))
}

/// Describes a stack by name or ARN; `None` when it does not exist or is deleted.
pub async fn describe(cfn: &CfnClient, name_or_id: &str) -> Result<Option<DeployedStack>, DeployError> {
    describe_with(cfn, name_or_id, &RetryPolicy::default(), &mut Retries::default()).await
}

/// [`describe`] with a retry policy, counting retries.
pub async fn describe_with(
    cfn: &CfnClient,
    name_or_id: &str,
    policy: &RetryPolicy,
    retries: &mut Retries,
) -> Result<Option<DeployedStack>, DeployError> {
    let result =
        with_retry_counted(policy, retries, || cfn.client.describe_stacks().stack_name(name_or_id).send()).await;
    match result {
        Ok(out) => {
            let stack = out.stacks().first().map(DeployedStack::from_sdk);
            Ok(stack.filter(|s| s.condition() != StackCondition::Missing))
        }
        Err(e) if e.as_service_error().is_some_and(is_missing_stack) => Ok(None),
        Err(e) => Err(api_error("DescribeStacks", name_or_id, &e)),
    }
}

/// The template CloudFormation holds for a stack (as submitted), parsed as JSON. `Ok(None)` when
/// it is not JSON (a YAML template deployed by another tool).
pub async fn deployed_template(cfn: &CfnClient, name_or_id: &str) -> Result<Option<serde_json::Value>, DeployError> {
    let policy = RetryPolicy::default();
    let out = with_retry(&policy, || {
        cfn.client.get_template().stack_name(name_or_id).template_stage(TemplateStage::Original).send()
    })
    .await
    .map_err(|e| api_error("GetTemplate", name_or_id, &e))?;
    Ok(out.template_body().and_then(|body| serde_json::from_str(body).ok()))
}

/// Starts deleting a stack.
pub async fn start_delete(cfn: &CfnClient, stack: &DeployedStack) -> Result<(), DeployError> {
    let policy = RetryPolicy::default();
    with_retry(&policy, || cfn.client.delete_stack().stack_name(&stack.stack_id).send())
        .await
        .map_err(|e| api_error("DeleteStack", &stack.stack_name, &e))?;
    Ok(())
}

/// Turns termination protection on or off.
pub async fn set_termination_protection(
    cfn: &CfnClient,
    stack: &DeployedStack,
    enabled: bool,
) -> Result<(), DeployError> {
    let policy = RetryPolicy::default();
    with_retry(&policy, || {
        cfn.client
            .update_termination_protection()
            .stack_name(&stack.stack_id)
            .enable_termination_protection(enabled)
            .send()
    })
    .await
    .map_err(|e| api_error("UpdateTerminationProtection", &stack.stack_name, &e))?;
    Ok(())
}

/// The template a deployment would change, for `diff`: the deployed one, or `{}` when the stack
/// does not exist, was never executed (`REVIEW_IN_PROGRESS`) or only failed to be created (its
/// resources are gone, the next deployment creates it anew).
pub async fn current_template(cfn: &CfnClient, stack_name: &str) -> Result<serde_json::Value, DeployError> {
    let empty = serde_json::Value::Object(serde_json::Map::new());
    let Some(stack) = describe(cfn, stack_name).await? else { return Ok(empty) };
    match stack.condition() {
        StackCondition::Missing | StackCondition::ReviewInProgress | StackCondition::FailedCreate => Ok(empty),
        _ => deployed_template(cfn, &stack.stack_id).await?.ok_or_else(|| DeployError::Api {
            operation: "GetTemplate",
            stack: stack_name.to_string(),
            message: "the deployed template is not JSON (YAML templates are not compared)".into(),
        }),
    }
}

/// The physical IDs of a deployed stack's resources, by logical ID.
pub(crate) async fn physical_ids(
    cfn: &CfnClient,
    stack: &DeployedStack,
) -> Result<BTreeMap<String, String>, DeployError> {
    let policy = RetryPolicy::default();
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = with_retry(&policy, || {
            cfn.client.list_stack_resources().stack_name(&stack.stack_id).set_next_token(token.clone()).send()
        })
        .await
        .map_err(|e| api_error("ListStackResources", &stack.stack_name, &e))?;
        for r in page.stack_resource_summaries() {
            if let (Some(id), Some(p)) = (r.logical_resource_id(), r.physical_resource_id()) {
                out.insert(id.to_string(), p.to_string());
            }
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

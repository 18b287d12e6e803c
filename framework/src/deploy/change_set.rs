//! Change sets: create one (CREATE for a new stack, UPDATE otherwise), wait until CloudFormation
//! has computed it, read its resource changes, then execute or delete it.
//!
//! A change set is empty only when CloudFormation says so: it FAILED with the reason "The
//! submitted information didn't contain changes". One that reaches `CREATE_COMPLETE` with no
//! resource change still changes something (outputs, exports, the template's metadata) and is
//! executed (AWS CDK once treated it as empty and never deployed output-only changes).
//!
//! Both calls are idempotent: each change set has a unique name that is also its
//! `ClientToken`, and execution carries a `ClientRequestToken` derived from it. A retry whose
//! first attempt landed (the answer was lost) finds `AlreadyExistsException` or
//! `InvalidChangeSetStatus`, looks at the change set and continues.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType, ExecutionStatus, Parameter, Tag};

use crate::deploy::client::CfnClient;
use crate::deploy::error::{api_error, DeployError};
use crate::deploy::events::PollSchedule;
use crate::deploy::retry::{with_retry, RetryPolicy};
use crate::StackArtifact;

/// The most bytes CloudFormation accepts in `TemplateBody`; a larger template is staged in S3
/// ([`crate::deploy::staging`]) and passed as `TemplateURL`.
pub const TEMPLATE_BODY_LIMIT: usize = 51_200;

/// The most bytes CloudFormation accepts in a template read from S3 (`TemplateURL`): 1 MB.
pub const TEMPLATE_URL_LIMIT: usize = 1_000_000;

/// The template as sent: minified JSON, checked against the largest size CloudFormation takes
/// (from S3); over [`TEMPLATE_BODY_LIMIT`] it must be staged.
pub fn template_body(artifact: &StackArtifact) -> Result<String, DeployError> {
    let body = serde_json::to_string(artifact.template()).unwrap_or_default();
    if body.len() > TEMPLATE_URL_LIMIT {
        return Err(DeployError::TemplateTooLarge {
            stack: artifact.stack_name.clone(),
            bytes: body.len(),
            limit: TEMPLATE_URL_LIMIT,
        });
    }
    Ok(body)
}

/// Where CloudFormation reads a template from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource<'a> {
    /// Inline (`TemplateBody`), within [`TEMPLATE_BODY_LIMIT`].
    Body(&'a str),
    /// Staged in S3 (`TemplateURL`).
    Url(String),
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
    /// Ready to execute, with its resource changes (possibly none: outputs or exports change).
    Ready(Vec<ResourceChange>),
    /// It contains no changes at all (CloudFormation FAILED it with "didn't contain changes").
    Empty,
}

/// A created change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// Its name (unique per run; also its idempotency token).
    pub name: String,
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
    /// The change set's name, from [`new_name`].
    pub name: &'a str,
    /// CREATE or UPDATE.
    pub create: bool,
    /// The template's source: inline or staged.
    pub source: TemplateSource<'a>,
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

/// A fresh change set name: unique per run (an interrupted run leaves nothing that blocks the
/// next one, and executing a change set makes CloudFormation delete the others), usable as the
/// idempotency token of its creation.
pub fn new_name() -> String {
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("deploy-{}-{:08x}-{n}", now.as_millis(), std::process::id() ^ now.subsec_nanos())
}

/// Creates the change set. A retry that finds the change set already there (its first attempt
/// landed but the answer was lost) continues with it.
pub async fn create(cfn: &CfnClient, req: ChangeSetRequest<'_>) -> Result<ChangeSet, DeployError> {
    let tags: Vec<Tag> = req.tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
    let policy = RetryPolicy::default();
    let mut attempts = 0;
    let result = with_retry(&policy, || {
        attempts += 1;
        cfn.client
            .create_change_set()
            .stack_name(req.stack_name)
            .change_set_name(req.name)
            .client_token(req.name)
            .change_set_type(if req.create { ChangeSetType::Create } else { ChangeSetType::Update })
            .set_template_body(match &req.source {
                TemplateSource::Body(body) => Some(body.to_string()),
                TemplateSource::Url(_) => None,
            })
            .set_template_url(match &req.source {
                TemplateSource::Url(url) => Some(url.clone()),
                TemplateSource::Body(_) => None,
            })
            .set_parameters(Some(req.parameters.clone()))
            .set_tags(Some(tags.clone()))
            .set_capabilities(Some(capabilities(req.template)))
            .description("Created by the framework deploy command")
            .send()
    })
    .await;
    match result {
        Ok(out) => Ok(ChangeSet {
            name: req.name.to_string(),
            id: out.id().unwrap_or(req.name).to_string(),
            stack_id: out.stack_id().unwrap_or(req.stack_name).to_string(),
        }),
        Err(e) => {
            let code = e.as_service_error().and_then(|s| s.code()).unwrap_or_default().to_string();
            if attempts > 1 && code == "AlreadyExistsException" {
                // Ours: the name is unique to this run.
                if let Some(found) = find(cfn, req.stack_name, req.name).await? {
                    return Ok(found);
                }
            }
            Err(api_error("CreateChangeSet", req.stack_name, &e))
        }
    }
}

/// The change set `name` of `stack_name`, when it exists.
async fn find(cfn: &CfnClient, stack_name: &str, name: &str) -> Result<Option<ChangeSet>, DeployError> {
    let policy = RetryPolicy::default();
    match with_retry(&policy, || cfn.client.describe_change_set().stack_name(stack_name).change_set_name(name).send())
        .await
    {
        Ok(out) => Ok(Some(ChangeSet {
            name: name.to_string(),
            id: out.change_set_id().unwrap_or(name).to_string(),
            stack_id: out.stack_id().unwrap_or(stack_name).to_string(),
        })),
        Err(e) if e.as_service_error().and_then(|s| s.code()) == Some("ChangeSetNotFound") => Ok(None),
        Err(e) => Err(api_error("DescribeChangeSet", stack_name, &e)),
    }
}

/// Waits until the change set is computed and reads its changes (all pages).
pub async fn wait(cfn: &CfnClient, stack_name: &str, cs: &ChangeSet) -> Result<ChangeSetResult, DeployError> {
    let policy = RetryPolicy::default();
    let mut schedule = PollSchedule::for_client(cfn);
    loop {
        let out = with_retry(&policy, || cfn.client.describe_change_set().change_set_name(&cs.id).send())
            .await
            .map_err(|e| api_error("DescribeChangeSet", stack_name, &e))?;
        match out.status() {
            Some(ChangeSetStatus::CreateComplete) => {
                let mut changes: Vec<ResourceChange> = out.changes().iter().filter_map(change_from_sdk).collect();
                let mut token = out.next_token().map(str::to_string);
                while let Some(t) = token.take() {
                    let page = with_retry(&policy, || {
                        cfn.client.describe_change_set().change_set_name(&cs.id).next_token(&t).send()
                    })
                    .await
                    .map_err(|e| api_error("DescribeChangeSet", stack_name, &e))?;
                    changes.extend(page.changes().iter().filter_map(change_from_sdk));
                    token = page.next_token().map(str::to_string);
                }
                // No resource change is not "empty": outputs and exports change on execution.
                return Ok(ChangeSetResult::Ready(changes));
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

/// Executes the change set. A retry refused with `InvalidChangeSetStatus` because the first
/// attempt landed (the change set is executing or executed) continues.
pub async fn execute(cfn: &CfnClient, stack_name: &str, cs: &ChangeSet) -> Result<(), DeployError> {
    let policy = RetryPolicy::default();
    let token = format!("execute-{}", cs.name);
    let mut attempts = 0;
    let result = with_retry(&policy, || {
        attempts += 1;
        cfn.client.execute_change_set().change_set_name(&cs.id).client_request_token(&token).send()
    })
    .await;
    let Err(e) = result else { return Ok(()) };
    if attempts > 1 && e.as_service_error().and_then(|s| s.code()) == Some("InvalidChangeSetStatus") {
        let described = with_retry(&policy, || cfn.client.describe_change_set().change_set_name(&cs.id).send()).await;
        match described {
            Ok(out) if execution_started(out.execution_status()) => return Ok(()),
            // An executed change set may already be gone; the stack shows whether it ran.
            Err(d) if d.as_service_error().and_then(|s| s.code()) == Some("ChangeSetNotFound") => return Ok(()),
            _ => {}
        }
    }
    Err(api_error("ExecuteChangeSet", stack_name, &e))
}

/// Whether a change set's execution status says it was executed (or is being executed).
fn execution_started(status: Option<&ExecutionStatus>) -> bool {
    matches!(
        status,
        Some(ExecutionStatus::ExecuteInProgress | ExecutionStatus::ExecuteComplete | ExecutionStatus::ExecuteFailed)
    )
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
            format!(
                "  {:<7} {:<id_width$}  {:<type_width$}{replacement}{path}",
                c.action, c.logical_id, c.resource_type
            )
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
        CfnResource::new("AWS::SSM::Parameter")
            .property("Value", "x".repeat(60_000))
            .property("Type", "String")
            .add(&mut *stack, "P");
        let small = app.add_stack("Small");
        CfnResource::new("AWS::SSM::Parameter").property("Value", "x").property("Type", "String").add(&mut *small, "P");
        let huge = app.add_stack("Huge");
        CfnResource::new("AWS::SSM::Parameter")
            .property("Value", "x".repeat(1_000_001))
            .property("Type", "String")
            .add(&mut *huge, "P");
        let a = app.synth().unwrap();
        let body = template_body(a.stack("Small").unwrap()).unwrap();
        assert!(!body.contains('\n') && !body.contains(": "), "{body}");
        // Over the inline limit: staged, not refused.
        assert!(template_body(a.stack("Big").unwrap()).unwrap().len() > TEMPLATE_BODY_LIMIT);
        let err = template_body(a.stack("Huge").unwrap()).unwrap_err().to_string();
        assert!(err.contains("Huge") && err.contains("1000000") && err.contains("even from S3"), "{err}");
    }

    #[test]
    fn capabilities_always_include_iam() {
        let caps = capabilities(&serde_json::json!({"Resources": {}}));
        assert_eq!(caps, [Capability::CapabilityIam, Capability::CapabilityNamedIam]);
        assert!(capabilities(&serde_json::json!({"Transform": "AWS::Serverless-2016-10-31"}))
            .contains(&Capability::CapabilityAutoExpand));
    }

    #[test]
    fn empty_change_set_reasons() {
        assert!(is_no_changes_reason(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_changes_reason("No updates are to be performed."));
        assert!(!is_no_changes_reason("Template format error: Unresolved resource dependencies [X]"));
    }

    #[test]
    fn change_set_names_are_unique_tokens() {
        let (a, b) = (new_name(), new_name());
        assert!(a.starts_with("deploy-") && a.len() <= 128, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "a valid ClientToken: {a}");
        assert!(a.chars().next().is_some_and(|c| c.is_ascii_alphabetic()), "a change set name starts with a letter");
        assert_ne!(a, b);
    }

    #[test]
    fn executed_change_sets_are_recognised() {
        assert!(execution_started(Some(&ExecutionStatus::ExecuteInProgress)));
        assert!(execution_started(Some(&ExecutionStatus::ExecuteComplete)));
        assert!(!execution_started(Some(&ExecutionStatus::Available)));
        assert!(!execution_started(None));
    }

    use crate::deploy::fake_api::{self, error, ok, Reply};

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    fn request<'a>(
        body: &'a str,
        template: &'a serde_json::Value,
        tags: &'a BTreeMap<String, String>,
        name: &'a str,
    ) -> ChangeSetRequest<'a> {
        ChangeSetRequest {
            stack_name: "S",
            name,
            create: true,
            source: TemplateSource::Body(body),
            template,
            parameters: Vec::new(),
            tags,
        }
    }

    /// The form field `key` of a query-protocol request body.
    fn field<'a>(body: &'a str, key: &str) -> Option<&'a str> {
        body.split('&').find_map(|kv| kv.strip_prefix(&format!("{key}=")))
    }

    #[test]
    fn a_create_whose_answer_was_lost_finds_its_change_set_on_retry() {
        let fake = fake_api::start(vec![
            Reply::Drop,
            error("AlreadyExistsException", "ChangeSet deploy-1 already exists"),
            ok(
                "DescribeChangeSet",
                "<ChangeSetId>arn:cs</ChangeSetId><StackId>arn:stack</StackId><Status>CREATE_COMPLETE</Status>",
            ),
        ]);
        let cfn = fake.cloudformation();
        let (template, tags) = (serde_json::json!({"Resources": {}}), BTreeMap::new());
        let name = new_name();
        let cs = run(create(&cfn, request("{}", &template, &tags, &name))).expect("continues with its own change set");
        assert_eq!(cs, ChangeSet { name: name.clone(), id: "arn:cs".into(), stack_id: "arn:stack".into() });
        let bodies = fake.bodies();
        assert_eq!(bodies.len(), 3);
        for attempt in &bodies[..2] {
            assert_eq!(field(attempt, "Action"), Some("CreateChangeSet"), "{attempt}");
            assert_eq!(field(attempt, "ChangeSetName"), Some(name.as_str()), "the same name: {attempt}");
            assert_eq!(field(attempt, "ClientToken"), Some(name.as_str()), "the same token: {attempt}");
        }
        assert_eq!(field(&bodies[2], "Action"), Some("DescribeChangeSet"));
    }

    #[test]
    fn a_stack_that_exists_already_is_not_mistaken_for_a_lost_answer() {
        // First attempt refused: nothing of ours can exist; the error is reported as it is.
        let fake = fake_api::start(vec![error("AlreadyExistsException", "Stack [S] already exists")]);
        let (template, tags) = (serde_json::json!({"Resources": {}}), BTreeMap::new());
        let err =
            run(create(&fake.cloudformation(), request("{}", &template, &tags, "deploy-x"))).unwrap_err().to_string();
        assert!(
            err.contains("CreateChangeSet failed for stack S: AlreadyExistsException: Stack [S] already exists"),
            "{err}"
        );
        assert_eq!(fake.bodies().len(), 1);
    }

    fn change_set() -> ChangeSet {
        ChangeSet { name: "deploy-1".into(), id: "arn:cs".into(), stack_id: "arn:stack".into() }
    }

    #[test]
    fn an_execute_whose_answer_was_lost_continues() {
        let fake = fake_api::start(vec![
            Reply::Drop,
            error("InvalidChangeSetStatus", "ChangeSet [arn:cs] cannot be executed in its current status of [EXECUTE_IN_PROGRESS]"),
            ok("DescribeChangeSet", "<ChangeSetId>arn:cs</ChangeSetId><Status>CREATE_COMPLETE</Status><ExecutionStatus>EXECUTE_IN_PROGRESS</ExecutionStatus>"),
        ]);
        run(execute(&fake.cloudformation(), "S", &change_set())).expect("the first attempt landed");
        let bodies = fake.bodies();
        let tokens: Vec<Option<&str>> = bodies[..2].iter().map(|b| field(b, "ClientRequestToken")).collect();
        assert_eq!(tokens, [Some("execute-deploy-1"), Some("execute-deploy-1")], "{bodies:?}");
    }

    #[test]
    fn an_execute_refused_at_once_is_an_error() {
        let fake = fake_api::start(vec![error(
            "InvalidChangeSetStatus",
            "ChangeSet [arn:cs] cannot be executed in its current status of [CREATE_PENDING]",
        )]);
        let err = run(execute(&fake.cloudformation(), "S", &change_set())).unwrap_err().to_string();
        assert!(err.starts_with("ExecuteChangeSet failed for stack S: InvalidChangeSetStatus"), "{err}");
    }

    #[test]
    fn a_change_set_without_resource_changes_is_not_empty() {
        let fake = fake_api::start(vec![ok(
            "DescribeChangeSet",
            "<ChangeSetId>arn:cs</ChangeSetId><Status>CREATE_COMPLETE</Status><Changes/>",
        )]);
        assert_eq!(run(wait(&fake.cloudformation(), "S", &change_set())).unwrap(), ChangeSetResult::Ready(Vec::new()));
        let reason =
            "The submitted information didn't contain changes. Submit different information to create a change set.";
        let fake = fake_api::start(vec![ok(
            "DescribeChangeSet",
            &format!("<Status>FAILED</Status><StatusReason>{reason}</StatusReason>"),
        )]);
        assert_eq!(run(wait(&fake.cloudformation(), "S", &change_set())).unwrap(), ChangeSetResult::Empty);
        let fake = fake_api::start(vec![
            ok("DescribeChangeSet", "<Status>CREATE_IN_PROGRESS</Status>"),
            ok("DescribeChangeSet", "<Status>FAILED</Status><StatusReason>Template error: bad</StatusReason>"),
        ]);
        let err = run(wait(&fake.cloudformation(), "S", &change_set())).unwrap_err().to_string();
        assert_eq!(err, "the change set for stack S failed: Template error: bad");
    }

    #[test]
    fn changes_render_as_aligned_rows() {
        let changes = [
            ResourceChange {
                action: "Add".into(),
                logical_id: "Topic".into(),
                resource_type: "AWS::SNS::Topic".into(),
                ..Default::default()
            },
            ResourceChange {
                action: "Modify".into(),
                logical_id: "Role1ABCC5F0".into(),
                resource_type: "AWS::IAM::Role".into(),
                replacement: Some("True".into()),
                ..Default::default()
            },
            ResourceChange {
                action: "Modify".into(),
                logical_id: "Q".into(),
                resource_type: "AWS::SQS::Queue".into(),
                replacement: Some("Conditional".into()),
                ..Default::default()
            },
            ResourceChange {
                action: "Remove".into(),
                logical_id: "Old".into(),
                resource_type: "AWS::Logs::LogGroup".into(),
                ..Default::default()
            },
        ];
        let rows = render_changes(&changes, None);
        assert_eq!(rows[0], "  Add     Topic         AWS::SNS::Topic");
        assert_eq!(rows[1], "  Modify  Role1ABCC5F0  AWS::IAM::Role       replace");
        assert_eq!(rows[2], "  Modify  Q             AWS::SQS::Queue      may replace");
        assert_eq!(rows[3], "  Remove  Old           AWS::Logs::LogGroup");
    }
}

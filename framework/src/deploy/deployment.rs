//! `deploy`: one stack after the other in dependency order, each through a change set, each in
//! its own environment (see [`crate::deploy::environment`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::deploy::approval::{broadening, confirm, decide, DataLoss, RequireApproval};
use crate::deploy::change_set::{
    self, template_body, ChangeSetRequest, ChangeSetResult, TemplateSource, TEMPLATE_BODY_LIMIT,
};
use crate::deploy::checkpoint::{discard_change_set, Checkpoint};
use crate::deploy::client::CfnClient;
use crate::deploy::destroy::delete_and_wait;
use crate::deploy::environment::{Target, Targets};
use crate::deploy::error::DeployError;
use crate::deploy::events::{follow, EventLog, Monitor};
use crate::deploy::hotswap::{cannot_hotswap, hotswap_stack, HotswapWith, Hotswapped};
use crate::deploy::noop::differences;
use crate::deploy::outputs::{self, OutputsByStack};
use crate::deploy::parameters::{change_set_parameters, resolve, ParameterAssignment};
use crate::deploy::root_cause::root_cause;
use crate::deploy::schedule::{self, waits_for, Direction, Slot};
use crate::deploy::stack::{deployed_template, describe, set_termination_protection, DeployedStack, StackOutput};
use crate::deploy::staging::{find_staging, template_key, Stager, StagingBucket, DEFAULT_TOOLKIT_STACK_NAME};
use crate::deploy::status::{advice, Operation, Outcome, StackCondition, StackStatus};
use crate::deploy::summary::{outcome, summary};
use crate::deploy::ui::Ui;
use crate::diff::diff_templates;
use crate::StackArtifact;

/// Options of a deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployOptions {
    /// When to ask before executing a change set.
    pub require_approval: RequireApproval,
    /// Deploy even when nothing changed.
    pub force: bool,
    /// `--parameters` values.
    pub parameters: Vec<ParameterAssignment>,
    /// Where to write all stacks' outputs as JSON.
    pub outputs_file: Option<PathBuf>,
    /// Where the run stands, for whatever stops it (Ctrl-C, `--timeout`).
    pub checkpoint: Checkpoint,
    /// The toolkit stack whose bucket stages templates over the inline limit
    /// ([`DEFAULT_TOOLKIT_STACK_NAME`] when unset; the AWS CDK's is `CDKToolkit`).
    pub toolkit_stack_name: Option<String>,
    /// How many stacks may be deployed at once (0 counts as 1).
    pub concurrency: usize,
    /// `--hotswap`: update what a service can update in place through its API, with this
    /// library ([`crate::deploy::hotswap`]); everything else goes through CloudFormation.
    pub hotswap: Option<HotswapWith>,
}

impl DeployOptions {
    /// The toolkit stack's name.
    pub fn toolkit_stack(&self) -> &str {
        self.toolkit_stack_name.as_deref().unwrap_or(DEFAULT_TOOLKIT_STACK_NAME)
    }
}

/// What a deployment did to a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackChange {
    /// The stack was created.
    Created,
    /// The stack was updated.
    Updated,
    /// Nothing to do: same template, parameters and tags (or an empty change set).
    Unchanged,
    /// Updated in place through a service's API (`--hotswap`): the stack has drifted from its
    /// template.
    Hotswapped,
}

impl StackChange {
    /// `created`, `updated` or `unchanged`.
    pub fn verb(&self) -> &'static str {
        match self {
            StackChange::Created => "created",
            StackChange::Updated => "updated",
            StackChange::Unchanged => "unchanged",
            StackChange::Hotswapped => "hotswapped",
        }
    }
}

/// The result of deploying one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackResult {
    /// The stack name.
    pub stack_name: String,
    /// What happened.
    pub change: StackChange,
    /// The final status.
    pub status: StackStatus,
    /// Its outputs.
    pub outputs: Vec<StackOutput>,
    /// Wall time for this stack.
    pub elapsed: Duration,
}

/// Deploys `stacks` (already in dependency order), each to its target, `opts.concurrency` at a
/// time: a stack starts once the stacks it depends on are deployed ([`crate::deploy::schedule`]).
/// A failure stops new stacks from starting; the running ones finish, every stack's outcome is
/// reported, and the error names every failure. Outputs of the stacks deployed are written to
/// `outputs_file` even when another one fails.
///
/// The account check ([`Targets::verify`]) runs alongside the first stack's read-only look at
/// what is deployed, and nothing is changed before it passed; the run's first line then says
/// where each stack goes (the account read from the deployed stack's ARN, or from STS).
pub async fn deploy(
    targets: &Targets,
    stacks: &[&StackArtifact],
    opts: &DeployOptions,
    ui: &mut Ui,
) -> Result<Vec<StackResult>, DeployError> {
    let params = preflight(stacks, opts)?;
    let t0 = Instant::now();
    // The staging buckets the large templates need, one lookup per region, before any stack is
    // changed: a missing toolkit stack stops the run before its first change.
    let mut staging: BTreeMap<String, StagingBucket> = BTreeMap::new();
    for s in stacks {
        let target = targets.of(s);
        let bytes = template_body(s)?.len();
        if bytes > TEMPLATE_BODY_LIMIT && !staging.contains_key(&target.cfn.region) {
            let bucket = staging_bucket(target, s, bytes, opts).await?;
            staging.insert(target.cfn.region.clone(), bucket);
        }
    }
    let Some(first) = stacks.first() else { return Ok(Vec::new()) };
    let mut first_observed = match begin(targets, stacks, first, opts, ui).await {
        Ok(observed) => Some(observed),
        Err(e) => {
            if let Some(path) = &opts.outputs_file {
                outputs::write_file(path, &OutputsByStack::new())?;
            }
            return Err(e);
        }
    };
    // Known by now (verified in `begin`): asset destinations name it.
    let account = targets.account().await?.to_string();
    let account = account.as_str();
    let waits_for = waits_for(stacks, Direction::Dependencies);
    let slots = schedule::run(&waits_for, opts.concurrency, |i| {
        let s = stacks[i];
        let observed = if i == 0 { first_observed.take() } else { None };
        let given = params.get(&s.id).cloned().unwrap_or_default();
        let mut ui = ui.clone();
        let staging = &staging;
        Box::pin(async move {
            let target = targets.of(s);
            let observed = match observed {
                Some(o) => o,
                None => tokio::try_join!(observe(&target.cfn, s, opts), targets.verify())?.0,
            };
            let bucket = staging.get(&target.cfn.region);
            deploy_observed(target, s, &given, opts, &mut ui, observed, bucket, Some(account)).await
        })
    })
    .await;
    let mut all_outputs = OutputsByStack::new();
    for slot in &slots {
        if let Slot::Done(r) = slot {
            all_outputs
                .insert(r.stack_name.clone(), r.outputs.iter().map(|o| (o.key.clone(), o.value.clone())).collect());
        }
    }
    if let Some(path) = &opts.outputs_file {
        outputs::write_file(path, &all_outputs)?;
    }
    if stacks.len() > 1 {
        let lines = summary(stacks, &slots, &waits_for, t0.elapsed(), |r: &StackResult| {
            format!("{} ({}) in {:.2}s", r.change.verb(), r.status, r.elapsed.as_secs_f64())
        });
        for line in lines {
            ui.say(line);
        }
    }
    outcome(stacks, slots)
}

/// The first stack's read-only look at what is deployed, alongside the account check; then the
/// run's first line (where each stack goes).
async fn begin(
    targets: &Targets,
    stacks: &[&StackArtifact],
    first: &StackArtifact,
    opts: &DeployOptions,
    ui: &mut Ui,
) -> Result<Observed, DeployError> {
    let (observed, _) = tokio::try_join!(observe(&targets.of(first).cfn, first, opts), targets.verify())?;
    // The account the stacks go to: from the stack's ARN when it exists, else STS.
    if let Some(stack) = &observed.stack {
        targets.learn(&stack.stack_id);
    }
    targets.account().await?;
    for line in targets.summary("Deploying", stacks) {
        ui.say(line);
    }
    Ok(observed)
}

/// What is deployed of a stack, read before deciding anything: its description and, when a
/// no-op check will want it, its template (both read at once).
struct Observed {
    stack: Option<DeployedStack>,
    template: Option<serde_json::Value>,
}

async fn observe(cfn: &CfnClient, artifact: &StackArtifact, opts: &DeployOptions) -> Result<Observed, DeployError> {
    let name = artifact.stack_name.as_str();
    if opts.force && opts.hotswap.is_none() {
        return Ok(Observed { stack: describe(cfn, name).await?, template: None });
    }
    // GetTemplate by name fails for a stack that does not exist; the description says so.
    let (stack, template) = tokio::join!(describe(cfn, name), deployed_template(cfn, name));
    let stack = stack?;
    let template = match (&stack, template) {
        (Some(s), Ok(t)) if s.condition() == StackCondition::Deployed => t,
        (Some(s), Err(_)) if s.condition() == StackCondition::Deployed => deployed_template(cfn, &s.stack_id).await?,
        _ => None,
    };
    Ok(Observed { stack, template })
}

/// What can be checked without a network: `--parameters` against the templates, every template
/// within the size CloudFormation accepts (from S3). Returns the parameters given per stack.
pub fn preflight(
    stacks: &[&StackArtifact],
    opts: &DeployOptions,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, DeployError> {
    let params = resolve(stacks, &opts.parameters)?;
    for s in stacks {
        template_body(s)?; // every template fits (staged or not) before any stack is touched
    }
    crate::deploy::assets::check(stacks)?;
    Ok(params)
}

fn finish(
    ui: &mut Ui,
    artifact: &StackArtifact,
    change: StackChange,
    stack: &DeployedStack,
    t0: Instant,
    checkpoint: &Checkpoint,
) -> StackResult {
    if change != StackChange::Unchanged {
        checkpoint.completed(&artifact.stack_name);
    }
    let what = change.verb();
    ui.say(format!("{}: {what} ({}) in {:.2}s", artifact.stack_name, stack.status, t0.elapsed().as_secs_f64()));
    for line in outputs::render(&artifact.stack_name, &stack.outputs) {
        ui.say(line);
    }
    StackResult {
        stack_name: artifact.stack_name.clone(),
        change,
        status: stack.status.clone(),
        outputs: stack.outputs.clone(),
        elapsed: t0.elapsed(),
    }
}

async fn sync_termination_protection(
    cfn: &CfnClient,
    ui: &mut Ui,
    artifact: &StackArtifact,
    stack: &mut DeployedStack,
) -> Result<(), DeployError> {
    if stack.termination_protection != artifact.termination_protection {
        set_termination_protection(cfn, stack, artifact.termination_protection).await?;
        stack.termination_protection = artifact.termination_protection;
        let state = if artifact.termination_protection { "enabled" } else { "disabled" };
        ui.say(format!("{}: termination protection {state}", artifact.stack_name));
    }
    Ok(())
}

/// Deletes a change set that will not be executed and, when this run created its stack (still
/// `REVIEW_IN_PROGRESS`, without resources), that stack too. Best effort: the error that led here
/// is the one reported.
async fn discard(
    cfn: &CfnClient,
    name: &str,
    cs: &change_set::ChangeSet,
    created_empty_stack: bool,
    checkpoint: &Checkpoint,
) {
    let _ = discard_change_set(cfn, name, &cs.name, created_empty_stack, Some(&cs.stack_id)).await;
    checkpoint.idle(&cfn.region, name);
}

/// Deploys one stack to `target` (the caller has checked that it is the stack's account and
/// region: [`Targets::verify`]).
pub async fn deploy_stack(
    target: &Target,
    artifact: &StackArtifact,
    given: &BTreeMap<String, String>,
    opts: &DeployOptions,
    ui: &mut Ui,
) -> Result<StackResult, DeployError> {
    let observed = observe(&target.cfn, artifact, opts).await?;
    deploy_observed(target, artifact, given, opts, ui, observed, None, None).await
}

/// The staging bucket of the toolkit stack in `target`'s region, for `artifact`'s template of
/// `bytes` bytes (over the inline limit); none there is [`DeployError::NoStaging`].
async fn staging_bucket(
    target: &Target,
    artifact: &StackArtifact,
    bytes: usize,
    opts: &DeployOptions,
) -> Result<StagingBucket, DeployError> {
    let toolkit = opts.toolkit_stack();
    find_staging(&target.cfn, toolkit).await?.ok_or_else(|| DeployError::NoStaging {
        stack: artifact.stack_name.clone(),
        bytes,
        limit: TEMPLATE_BODY_LIMIT,
        toolkit: toolkit.to_string(),
        region: target.cfn.region.clone(),
    })
}

/// Where CloudFormation will read the template from: inline, or (over the inline limit) the
/// toolkit stack's staging bucket (`bucket`, else looked up), uploaded there unless it already
/// is.
async fn template_source<'b>(
    target: &Target,
    artifact: &StackArtifact,
    body: &'b str,
    opts: &DeployOptions,
    ui: &mut Ui,
    bucket: Option<&StagingBucket>,
) -> Result<TemplateSource<'b>, DeployError> {
    if body.len() <= TEMPLATE_BODY_LIMIT {
        return Ok(TemplateSource::Body(body));
    }
    let name = artifact.stack_name.as_str();
    let bucket = match bucket {
        Some(b) => b.clone(),
        None => staging_bucket(target, artifact, body.len(), opts).await?,
    };
    let staged = Stager::new(&target.config, bucket).stage(name, &template_key(body), body).await?;
    let how = if staged.uploaded { "staged as" } else { "already staged as" };
    ui.say(format!("{name}: template of {} bytes {how} {}", body.len(), staged.location));
    Ok(TemplateSource::Url(staged.url))
}

/// Publishes `artifact`'s file assets, if it has any (`account`: the run's, which their
/// destinations name).
async fn publish_assets(
    target: &Target,
    artifact: &StackArtifact,
    account: Option<&str>,
    ui: &mut Ui,
) -> Result<(), DeployError> {
    if artifact.assets.files.is_empty() {
        return Ok(());
    }
    let Some(account) = account else {
        return Err(DeployError::Config(format!(
            "stack {} has file assets, whose destinations name the account: deploy it with `deploy`, which knows \
             the account",
            artifact.stack_name
        )));
    };
    crate::deploy::assets::publish(target, account, artifact, ui).await
}

/// Deploys one stack whose deployed state was `observed`; `bucket` is its region's staging
/// bucket when looked up already, `account` the run's account (asset destinations name it).
#[allow(clippy::too_many_arguments)]
async fn deploy_observed(
    target: &Target,
    artifact: &StackArtifact,
    given: &BTreeMap<String, String>,
    opts: &DeployOptions,
    ui: &mut Ui,
    observed: Observed,
    bucket: Option<&StagingBucket>,
    account: Option<&str>,
) -> Result<StackResult, DeployError> {
    let t0 = Instant::now();
    let cfn = &target.cfn;
    let name = artifact.stack_name.as_str();
    let body = template_body(artifact)?;
    let mut existing = observed.stack;
    // Whether the stack's assets were published (before a hotswap that fell back).
    let mut published = false;
    // The deployed template, once read (for the no-op check and the approval diff).
    let mut deployed: Option<serde_json::Value> = observed.template;
    if let Some(stack) = &mut existing {
        match stack.condition() {
            StackCondition::Busy => {
                return Err(DeployError::StackBusy { stack: name.to_string(), status: stack.status.clone() })
            }
            StackCondition::NeedsAttention | StackCondition::Unknown => {
                return Err(DeployError::NeedsAttention {
                    stack: name.to_string(),
                    status: stack.status.clone(),
                    reason: stack.status_reason.clone(),
                    advice: advice(&stack.status).to_string(),
                })
            }
            StackCondition::FailedCreate => {
                ui.say(format!("{name}: {} after a failed creation; deleting it to create it again", stack.status));
                delete_and_wait(cfn, stack, Some(artifact), ui, &opts.checkpoint).await?;
                existing = None;
            }
            // With --hotswap --force, a stack whose template is unchanged is hotswapped too: its
            // hotswappable properties are put back to the template's values.
            StackCondition::Deployed if !opts.force || opts.hotswap.is_some() => {
                let why = differences(stack, deployed.as_ref(), artifact.template(), given, &artifact.tags);
                if why.is_empty() && !opts.force {
                    ui.say(format!(
                        "{name}: no changes (template, parameters and tags as deployed; --force deploys anyway)"
                    ));
                    sync_termination_protection(cfn, ui, artifact, stack).await?;
                    return Ok(finish(ui, artifact, StackChange::Unchanged, stack, t0, &opts.checkpoint));
                }
                match (&opts.hotswap, deployed.as_ref()) {
                    (None, _) => ui.say(format!("{name}: {}", why.join("; "))),
                    (Some(_), Some(old)) if why.iter().all(|w| w == "the template changed") => {
                        // What the new values may name is published first.
                        publish_assets(target, artifact, account, ui).await?;
                        published = true;
                        let hotswapped = hotswap_stack(target, artifact, stack, old, opts, ui).await?;
                        if let Hotswapped::Done = hotswapped {
                            sync_termination_protection(cfn, ui, artifact, stack).await?;
                            return Ok(finish(ui, artifact, StackChange::Hotswapped, stack, t0, &opts.checkpoint));
                        }
                    }
                    (Some(_), _) => ui.say(cannot_hotswap(name, &why)),
                }
            }
            StackCondition::Deployed | StackCondition::ReviewInProgress | StackCondition::Missing => {}
        }
    }
    // Assets published and the template staged (when over the inline limit) before anything is
    // created.
    if !published {
        publish_assets(target, artifact, account, ui).await?;
    }
    let source = template_source(target, artifact, &body, opts, ui, bucket).await?;
    let create = existing.as_ref().is_none_or(|s| s.condition() == StackCondition::ReviewInProgress);
    ui.say(format!("{name}: creating a change set ({})", if create { "CREATE" } else { "UPDATE" }));
    // A stack this run creates for its CREATE change set, to remove if nothing gets deployed.
    let created_empty_stack = existing.is_none();
    let cs_name = change_set::new_name();
    opts.checkpoint.creating_change_set(cfn, name, &cs_name, created_empty_stack)?;
    let cs = change_set::create(
        cfn,
        ChangeSetRequest {
            stack_name: name,
            name: &cs_name,
            create,
            source,
            template: artifact.template(),
            parameters: change_set_parameters(artifact, given, existing.as_ref()),
            tags: &artifact.tags,
        },
    )
    .await;
    let cs = match cs {
        Ok(cs) => cs,
        Err(e) => {
            // The creation may have landed even though it failed here (a lost answer).
            let _ = discard_change_set(cfn, name, &cs_name, created_empty_stack, None).await;
            opts.checkpoint.idle(&cfn.region, name);
            return Err(e);
        }
    };
    opts.checkpoint.change_set_created(&cfn.region, name, &cs.stack_id);
    let changes = match change_set::wait(cfn, name, &cs).await {
        Ok(ChangeSetResult::Ready(changes)) => changes,
        Ok(ChangeSetResult::Empty) => {
            discard(cfn, name, &cs, created_empty_stack, &opts.checkpoint).await;
            ui.say(format!(
                "{name}: no changes (CloudFormation found nothing to change; the change set has been deleted)"
            ));
            let mut stack = describe(cfn, &cs.stack_id).await?.unwrap_or_default();
            sync_termination_protection(cfn, ui, artifact, &mut stack).await?;
            return Ok(finish(ui, artifact, StackChange::Unchanged, &stack, t0, &opts.checkpoint));
        }
        Err(e) => {
            discard(cfn, name, &cs, created_empty_stack, &opts.checkpoint).await;
            return Err(e);
        }
    };
    if changes.is_empty() {
        ui.say(format!("{name}: no resource changes; outputs, exports or stack metadata change"));
    } else {
        ui.say(format!("{name}: {} change(s)", changes.len()));
    }
    for line in change_set::render_changes(&changes, Some(artifact)) {
        ui.say(line);
    }
    // The deployed template: what removals are judged by, and the old side of the IAM diff.
    let needs_old = opts.require_approval.checks_permissions() || changes.iter().any(|c| c.action == "Remove");
    let old = match (&existing, deployed.take()) {
        (_, Some(t)) => t,
        // Only a stack with resources has a template worth comparing with.
        (Some(s), None) if needs_old && s.condition() == StackCondition::Deployed => {
            deployed_template(cfn, &s.stack_id).await?.unwrap_or_else(|| serde_json::json!({}))
        }
        _ => serde_json::json!({}),
    };
    let widening = if opts.require_approval.checks_permissions() {
        broadening(&diff_templates(&old, artifact.template()))
    } else {
        Vec::new()
    };
    let loss = DataLoss::of(&changes, &old, artifact);
    for line in loss.render() {
        ui.say(line);
    }
    let decision = decide(opts.require_approval, &changes, &widening, &loss);
    if let crate::deploy::approval::Decision::Ask { .. } = decision {
        for line in &widening {
            ui.say(format!("  permissions: {line}"));
        }
    }
    if let Err(e) = confirm(&decision, name, "deployment", ui) {
        discard(cfn, name, &cs, created_empty_stack, &opts.checkpoint).await;
        return Err(e);
    }
    let before = describe(cfn, &cs.stack_id).await?.unwrap_or_else(|| DeployedStack {
        stack_id: cs.stack_id.clone(),
        stack_name: name.to_string(),
        status: StackStatus::ReviewInProgress,
        ..DeployedStack::default()
    });
    let mut log = EventLog::after_latest(cfn, &cs.stack_id).await?;
    if let Err(e) = opts.checkpoint.executing(&cfn.region, name, Operation::Deploy, &before.status) {
        discard(cfn, name, &cs, created_empty_stack, &opts.checkpoint).await;
        return Err(e);
    }
    change_set::execute(cfn, name, &cs).await?;
    let mut monitor = Monitor::new(ui, name, Some(artifact), changes.len());
    let finished = follow(cfn, &before, Operation::Deploy, &mut log, &mut monitor, ui, &opts.checkpoint).await?;
    drop(monitor);
    opts.checkpoint.idle(&cfn.region, name);
    match (finished.outcome, finished.stack) {
        (Outcome::Succeeded, Some(mut stack)) => {
            sync_termination_protection(cfn, ui, artifact, &mut stack).await?;
            Ok(finish(
                ui,
                artifact,
                if create { StackChange::Created } else { StackChange::Updated },
                &stack,
                t0,
                &opts.checkpoint,
            ))
        }
        (_, _) => Err(DeployError::Failed {
            stack: name.to_string(),
            status: finished.status,
            status_reason: finished.status_reason,
            root_cause: root_cause(&log.events, name, Some(artifact)).map(Box::new),
        }),
    }
}

//! The whole system offline: events -> rules -> targets -> executions, with AWS's semantics, in
//! virtual time, from the synthesized templates (this app's, a template file, or a cloud
//! assembly written by the AWS CDK).
//!
//! A [`Simulation`] reads the templates into a [`World`] (buses, rules, state machines, roles;
//! intrinsics evaluated for a simulated account and region), then routes events as EventBridge
//! does:
//!
//! 1. **Entries become events** ([`crate::events::envelope`]): checked as PutEvents checks them,
//!    each refused entry with its error code while the others go through; an event gets an id,
//!    `version` "0", the simulated account, region and time, and its `detail` parsed.
//! 2. **Rules match**: the enabled rules of the event's bus whose pattern matches
//!    ([`crate::events::EventPattern`], through a [`RuleIndex`], so thousands of rules cost
//!    little more than ten); when none does, the report says, rule by rule, why
//!    ([`crate::report::closest`]).
//! 3. **Targets are invoked**: EventBridge assumes the target's role, which must trust
//!    `events.amazonaws.com` and allow `states:StartExecution` on the state machine
//!    ([`crate::iam::evaluate`]: Allow/Deny, NotAction/NotResource, wildcards); LocalStack checks
//!    none of this. A refused invocation is a failed invocation with its reason (and goes to the
//!    target's dead-letter queue when it has one). A condition that cannot be evaluated locally is
//!    assumed to hold, and the invocation says so in its notes. The target receives the event,
//!    or its `Input`, `InputPath` or `InputTransformer` ([`crate::events::target::deliver`]).
//! 4. **Executions run** in the interpreter ([`crate::stepfunctions::interpreter`]) with the
//!    simulation's task handlers, starting at the simulated time.
//!
//! Scheduled rules fire as the clock advances ([`Simulation::advance_to`]): a `rate` rule one
//! period after the simulation starts (its rules' creation) and every period after, a `cron`
//! rule on its matching minutes, each with the event EventBridge sends (`source` `aws.events`,
//! `detail-type` `Scheduled Event`, the rule's ARN in `resources`).
//!
//! ```
//! use constructs::simulation::Simulation;
//! use constructs::stepfunctions::interpreter::Status;
//! use serde_json::json;
//!
//! let template = json!({"Resources": {
//!     "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
//!         "DefinitionString": "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}",
//!         "RoleArn": {"Fn::GetAtt": ["SMRole", "Arn"]}}},
//!     "SMRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
//!     "EventsRole": {"Type": "AWS::IAM::Role", "Properties": {
//!         "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!             "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
//!         "Policies": [{"PolicyName": "start", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
//!             {"Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": "SM"}}]}}]}},
//!     "Rule": {"Type": "AWS::Events::Rule", "Properties": {
//!         "EventPattern": {"source": ["demo"]},
//!         "Targets": [{"Id": "t", "Arn": {"Ref": "SM"}, "RoleArn": {"Fn::GetAtt": ["EventsRole", "Arn"]}}]}}
//! }});
//! let mut sim = Simulation::from_template("Demo", &template).unwrap();
//! let outcomes = sim.put_events(&[json!({"Source": "demo", "DetailType": "d", "Detail": "{}"})]).unwrap();
//! outcomes[0].assert_matched(["Rule"]).assert_execution(Status::Succeeded, ["P"]);
//! ```

mod outcome;
mod world;

use std::path::Path;

use serde_json::Value;

pub use outcome::{EventOutcome, Invocation, InvocationResult, MatchedRule};
pub use world::{RoleModel, RuleModel, StateMachineModel, TargetModel, World};

use crate::events::envelope::{EntryError, EventEntry};
use crate::events::target::deliver::{deliver, DeliveryContext};
use crate::events::RuleIndex;
use crate::iam::evaluate::{evaluate, trusts, Decision};
use crate::report::closest::{hint, same_bus, RuleCheck, Verdict};
use crate::stepfunctions::interpreter::{Handler, Handlers, Options, SplitMix64, Time};
use world::bus_name;

/// The most scheduled events one [`Simulation::advance_to`] fires (a guard against advancing a
/// `rate(1 minute)` rule by years).
pub const MAX_FIRINGS: usize = 100_000;

/// The most entries one PutEvents call takes.
pub const MAX_ENTRIES_PER_CALL: usize = 10;

/// Why a simulation could not be set up or an event call could not be made (what the events did
/// is in their outcomes instead).
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    /// The templates could not be read: every problem, each naming its stack and resource.
    #[error("the templates cannot be simulated:\n  {}", .0.join("\n  "))]
    Templates(Vec<String>),
    /// The app did not synthesize.
    #[error("the app does not synthesize: {0}")]
    Synth(String),
    /// A file or directory could not be read.
    #[error("{0}")]
    Read(String),
    /// Advancing the clock would fire more scheduled events than [`MAX_FIRINGS`].
    #[error("advancing to {until} fires more than {MAX_FIRINGS} scheduled events; advance in smaller steps")]
    TooManyFirings {
        /// The time asked for.
        until: Time,
    },
    /// More entries in one PutEvents call than it takes (the whole call is refused).
    #[error("PutEvents takes at most {MAX_ENTRIES_PER_CALL} entries per call, not {0}")]
    TooManyEntries(usize),
}

/// A simulated deployment: the world read from templates, the task handlers, the clock.
pub struct Simulation {
    world: World,
    /// The enabled rules with a pattern, by their index in `world.rules`.
    index: RuleIndex,
    handlers: Handlers,
    options: Options,
    now: Time,
    created: Time,
    rng: SplitMix64,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation").field("world", &self.world).field("now", &self.now).finish_non_exhaustive()
    }
}

impl Simulation {
    /// A simulation of the stacks `(name, template)`, deployed as `options` say (account,
    /// region, start time, seed).
    pub fn new<'a>(
        stacks: impl IntoIterator<Item = (&'a str, &'a Value)>,
        options: Options,
    ) -> Result<Simulation, SimulationError> {
        let mut world = World::default();
        for (name, template) in stacks {
            world.add_template(name, template, &options);
        }
        if !world.problems.is_empty() {
            return Err(SimulationError::Templates(world.problems));
        }
        let index = world
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.enabled)
            .filter_map(|(i, r)| r.pattern.as_ref().map(|(_, p)| (i, p.clone())))
            .collect();
        Ok(Simulation {
            world,
            index,
            handlers: Handlers::new(),
            now: options.start_time,
            created: options.start_time,
            rng: SplitMix64::new(options.seed),
            options,
        })
    }

    /// A simulation of one template, with the default options.
    pub fn from_template(stack_name: &str, template: &Value) -> Result<Simulation, SimulationError> {
        Simulation::new([(stack_name, template)], Options::default())
    }

    /// A simulation of an app's stacks, as synthesized.
    pub fn from_app(app: &framework::App, options: Options) -> Result<Simulation, SimulationError> {
        let assembly = app.synth().map_err(|e| SimulationError::Synth(e.to_string()))?;
        let stacks: Vec<(String, Value)> =
            assembly.stacks.iter().map(|s| (s.stack_name.clone(), s.template().clone())).collect();
        Simulation::new(stacks.iter().map(|(n, t)| (n.as_str(), t)), options)
    }

    /// A simulation of the stacks of a cloud assembly directory (ours or the AWS CDK's).
    pub fn from_assembly(dir: &Path, options: Options) -> Result<Simulation, SimulationError> {
        let assembly = framework::CloudAssembly::read(dir).map_err(|e| SimulationError::Read(e.to_string()))?;
        let stacks: Vec<(String, Value)> =
            assembly.stacks.iter().map(|s| (s.stack_name.clone(), s.template().clone())).collect();
        Simulation::new(stacks.iter().map(|(n, t)| (n.as_str(), t)), options)
    }

    /// What the simulation read from the templates.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Handles the Task states named (or with the resource) `key` in every state machine.
    pub fn handler(mut self, key: impl Into<String>, handler: impl Handler + 'static) -> Simulation {
        self.handlers.insert(key, handler);
        self
    }

    /// The task handlers, to add more.
    pub fn handlers_mut(&mut self) -> &mut Handlers {
        &mut self.handlers
    }

    /// The simulated time now.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Advances the clock to `until`, firing the scheduled rules on the way, in time order (rules
    /// in template order at the same instant); gives one outcome per scheduled event.
    pub fn advance_to(&mut self, until: Time) -> Result<Vec<EventOutcome>, SimulationError> {
        let mut firings: Vec<(i64, usize)> = Vec::new();
        for (i, rule) in self.world.rules.iter().enumerate() {
            let Some(schedule) = rule.schedule.as_ref().filter(|_| rule.enabled) else { continue };
            let times = schedule.fire_times(self.now.millis(), until.millis(), self.created.millis(), MAX_FIRINGS + 1);
            firings.extend(times.into_iter().map(|t| (t, i)));
            if firings.len() > MAX_FIRINGS {
                return Err(SimulationError::TooManyFirings { until });
            }
        }
        firings.sort();
        let mut outcomes = Vec::with_capacity(firings.len());
        for (n, (at, i)) in firings.into_iter().enumerate() {
            self.now = Time::from_millis(at);
            let (arn, logical_id) = (self.world.rules[i].arn.clone(), self.world.rules[i].logical_id.clone());
            let id = self.uuid();
            let event = serde_json::json!({
                "version": "0",
                "id": id,
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": self.options.account,
                "time": self.event_time(),
                "region": self.options.region,
                "resources": [arn],
                "detail": {},
            });
            let mut outcome = EventOutcome {
                file: format!("schedule of {logical_id}"),
                entry: n + 1,
                event_id: Some(id),
                event: None,
                refused: None,
                matched: Vec::new(),
                hint: None,
                invocations: Vec::new(),
            };
            self.fire(&mut outcome, i, &event);
            outcome.event = Some(event);
            outcomes.push(outcome);
        }
        self.now = self.now.max(until);
        Ok(outcomes)
    }

    /// Sends one PutEvents call of `entries` (the `aws events put-events --entries` shape) and
    /// routes each event; the outcomes are in entry order. More than ten entries refuse the call.
    pub fn put_events(&mut self, entries: &[Value]) -> Result<Vec<EventOutcome>, SimulationError> {
        self.put_events_from("entries", entries)
    }

    /// [`Simulation::put_events`], naming the event file the entries come from in the outcomes.
    pub fn put_events_from(&mut self, file: &str, entries: &[Value]) -> Result<Vec<EventOutcome>, SimulationError> {
        if entries.len() > MAX_ENTRIES_PER_CALL {
            return Err(SimulationError::TooManyEntries(entries.len()));
        }
        Ok(entries.iter().enumerate().map(|(i, e)| self.put_one(file, i + 1, e)).collect())
    }

    /// Reads an event file (a JSON array of entries) and sends its entries, ten per call.
    pub fn put_event_file(&mut self, path: &Path) -> Result<Vec<EventOutcome>, SimulationError> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| SimulationError::Read(format!("cannot read {name}: {e}")))?;
        let json: Value =
            serde_json::from_str(&text).map_err(|e| SimulationError::Read(format!("{name}: not JSON: {e}")))?;
        let Value::Array(entries) = json else {
            return Err(SimulationError::Read(format!(
                "{name}: expected a JSON array of PutEvents entries (the `aws events put-events --entries` shape), found {}",
                framework::json_kind(&json)
            )));
        };
        let mut out = Vec::with_capacity(entries.len());
        for (call, chunk) in entries.chunks(MAX_ENTRIES_PER_CALL).enumerate() {
            for (i, entry) in chunk.iter().enumerate() {
                out.push(self.put_one(&name, call * MAX_ENTRIES_PER_CALL + i + 1, entry));
            }
        }
        Ok(out)
    }

    /// A random UUID (version 4) from the simulation's seeded generator.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.rng.next_u64(), self.rng.next_u64());
        let hex = format!("{a:016x}{b:016x}");
        let variant = ["8", "9", "a", "b"][(b >> 62) as usize];
        format!("{}-{}-4{}-{variant}{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
    }

    /// EventBridge's time of an event: UTC, to the second.
    fn event_time(&self) -> String {
        let t = self.now.to_string();
        format!("{}Z", &t[..19])
    }

    fn put_one(&mut self, file: &str, entry: usize, json: &Value) -> EventOutcome {
        let mut outcome = EventOutcome {
            file: file.to_string(),
            entry,
            event_id: None,
            event: None,
            refused: None,
            matched: Vec::new(),
            hint: None,
            invocations: Vec::new(),
        };
        let parsed = match EventEntry::from_json(json) {
            Ok(e) => e,
            Err(e) => {
                outcome.refused = Some((error_code(&e).to_string(), e.to_string()));
                return outcome;
            }
        };
        let id = self.uuid();
        let event = parsed.envelope(&id, &self.options.account, &self.options.region, &self.event_time());
        outcome.event_id = Some(id);
        let bus = bus_name(parsed.bus());
        self.route(&mut outcome, &event, &bus, Some(&parsed));
        outcome.event = Some(event);
        outcome
    }

    /// Matches `event` on `bus` and invokes the targets of the rules that match.
    fn route(&mut self, outcome: &mut EventOutcome, event: &Value, bus: &str, entry: Option<&EventEntry>) {
        // every enabled rule's pattern is in the index; a rule fires for the event's bus only
        let mut matching = self.index.matching(event);
        matching.retain(|&i| self.world.rules[i].bus == bus);
        for &i in &matching {
            self.fire(outcome, i, event);
        }
        if outcome.invocations.is_empty() {
            if let Some(entry) = entry {
                let checks: Vec<RuleCheck> = self.world.rules.iter().map(|r| rule_check(r, event, entry)).collect();
                outcome.hint = Some(hint(entry, Some(&self.options.account), &checks));
            }
        }
    }

    /// The rule at `index` fires for `event`: each of its targets is invoked.
    fn fire(&mut self, outcome: &mut EventOutcome, index: usize, event: &Value) {
        // the world is read while the handlers and the generator change: set it aside meanwhile
        let world = std::mem::take(&mut self.world);
        let rule = &world.rules[index];
        outcome.matched.push(MatchedRule {
            stack: rule.stack.clone(),
            logical_id: rule.logical_id.clone(),
            name: rule.name.clone(),
        });
        for target in &rule.targets {
            let invocation = self.invoke(&world, rule, target, event);
            outcome.invocations.push(invocation);
        }
        self.world = world;
    }

    /// One target invocation: permissions, delivery, then the execution.
    fn invoke(&mut self, world: &World, rule: &RuleModel, target: &TargetModel, event: &Value) -> Invocation {
        let mut invocation = Invocation {
            rule: rule.logical_id.clone(),
            target_id: target.id.clone(),
            target_arn: target.arn.clone(),
            input: None,
            notes: Vec::new(),
            result: InvocationResult::NotSimulated { reason: String::new() },
        };
        let failed = |reason: String| InvocationResult::Failed { reason, dead_letter: target.dead_letter.clone() };
        if !target.arn.contains(":states:") || !target.arn.contains(":stateMachine:") {
            invocation.result = InvocationResult::NotSimulated {
                reason: format!(
                    "target {} is not a Step Functions state machine; only those are simulated",
                    target.arn
                ),
            };
            return invocation;
        }
        let Some(sm) = world.state_machines.get(&target.arn) else {
            invocation.result = failed(format!("no state machine {} in the simulated templates", target.arn));
            return invocation;
        };
        if let Err(reason) = check_permissions(world, target, &sm.arn, &mut invocation.notes) {
            invocation.result = failed(reason);
            return invocation;
        }
        let ctx = DeliveryContext { rule_arn: &rule.arn, rule_name: &rule.name, ingestion_time: &self.event_time() };
        let delivered = match deliver(&target.json, event, &ctx) {
            Ok(delivered) => delivered,
            Err(e) => {
                invocation.result = failed(format!("the target's input: {e}"));
                return invocation;
            }
        };
        let input = delivered.to_text();
        invocation.input = Some(input.clone());
        let Ok(input_json) = delivered.into_json() else {
            invocation.result = failed(format!("StartExecution refuses an input that is not JSON: {input:?}"));
            return invocation;
        };
        let name = self.uuid();
        let options = Options {
            start_time: self.now,
            seed: self.rng.next_u64(),
            state_machine_name: sm.name.clone(),
            execution_name: name,
            ..self.options.clone()
        };
        invocation.result = match sm.machine.run(input_json, &mut self.handlers, &options) {
            Ok(execution) => InvocationResult::Started {
                execution_arn: options.execution_arn(),
                state_machine_arn: sm.arn.clone(),
                execution: Box::new(execution),
            },
            Err(e) => failed(format!("StartExecution refuses the input: {e}")),
        };
        invocation
    }
}

/// Whether EventBridge may start an execution of `state_machine` with the target's role.
fn check_permissions(
    world: &World,
    target: &TargetModel,
    state_machine: &str,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let Some(role_arn) = &target.role_arn else {
        return Err("the target has no RoleArn: EventBridge needs a role to start a Step Functions execution".into());
    };
    let Some(role) = world.roles.get(role_arn) else {
        notes.push(format!("role {role_arn} is not in the simulated templates: its permissions are not checked"));
        return Ok(());
    };
    match trusts(&role.trust, "events.amazonaws.com") {
        Decision::Allowed => {}
        Decision::Undetermined { conditions } => notes.push(format!(
            "role {}: its trust policy's conditions ({}) cannot be evaluated here; assumed to hold",
            role.logical_id,
            conditions.join(", ")
        )),
        other => {
            return Err(format!(
                "EventBridge cannot assume role {} ({}): {}",
                role.logical_id,
                role.arn,
                other.reason()
            ))
        }
    }
    let policies: Vec<&Value> = role.policies.iter().collect();
    match evaluate(&policies, "states:StartExecution", state_machine) {
        Decision::Allowed => Ok(()),
        Decision::Undetermined { conditions } => {
            notes.push(format!(
                "role {}: conditions ({}) cannot be evaluated here; assumed to hold",
                role.logical_id,
                conditions.join(", ")
            ));
            Ok(())
        }
        Decision::ImplicitDeny if !role.unknown_managed_policies.is_empty() => {
            notes.push(format!(
                "role {}: no policy in the templates allows states:StartExecution on {state_machine}; the managed \
                 policies {} are not in the templates, so they may",
                role.logical_id,
                role.unknown_managed_policies.join(", ")
            ));
            Ok(())
        }
        other => Err(format!(
            "role {} ({}) may not states:StartExecution on {state_machine}: {}",
            role.logical_id,
            role.arn,
            other.reason()
        )),
    }
}

/// EventBridge's error code for an entry it refuses.
fn error_code(e: &EntryError) -> &'static str {
    match e {
        EntryError::DetailNotJson(_) | EntryError::DetailNotObject(_) | EntryError::DetailNotText => "MalformedDetail",
        _ => "InvalidArgument",
    }
}

/// What a rule makes of an event, for the hint.
fn rule_check(rule: &RuleModel, event: &Value, entry: &EventEntry) -> RuleCheck {
    let verdict = match &rule.pattern {
        _ if !same_bus(Some(&rule.bus), entry.bus()) => Verdict::OtherBus(rule.bus.clone()),
        None => Verdict::Scheduled,
        Some(_) if !rule.enabled => Verdict::Disabled,
        Some((_, p)) if p.matches(event) => Verdict::Matches,
        Some(_) => Verdict::DoesNotMatch,
    };
    RuleCheck { logical_id: rule.logical_id.clone(), pattern: rule.pattern.as_ref().map(|(t, _)| t.clone()), verdict }
}
#[cfg(test)]
mod tests;

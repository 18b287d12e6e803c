//! What a simulation knows of the deployed system, read from templates: the event buses and
//! their rules (patterns, schedules, state, targets), the state machines, and the IAM roles with
//! their trust and permission policies. Every property is evaluated first
//! ([`framework::evaluate`]), so `Ref`, `Fn::GetAtt`, `Fn::Sub`... have the values of the
//! simulated account and region ([`SimulatedResources`]).
//!
//! Reading collects every problem (a pattern that does not parse, a state machine that does not
//! compile, a property that cannot be evaluated), each naming its stack and resource, and keeps
//! what it could read.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::events::{EventPattern, Schedule};
use crate::simulated::SimulatedResources;
use crate::stepfunctions::interpreter::{Machine, Options};
use framework::evaluate::{Environment, Evaluator, Resolver};

/// An EventBridge rule of a template.
#[derive(Debug, Clone)]
pub struct RuleModel {
    /// The stack it is in.
    pub stack: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its name (the `Name` property, else the simulated physical name).
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// The bus it listens on (a name; `default` when not set).
    pub bus: String,
    /// Whether it is enabled (`State` other than `DISABLED`).
    pub enabled: bool,
    /// Its event pattern, as JSON text (for messages) and parsed.
    pub pattern: Option<(String, EventPattern)>,
    /// Its schedule.
    pub schedule: Option<Schedule>,
    /// Its targets, in template order.
    pub targets: Vec<TargetModel>,
}

/// A target of a rule.
#[derive(Debug, Clone)]
pub struct TargetModel {
    /// Its `Id`.
    pub id: String,
    /// Its `Arn`.
    pub arn: String,
    /// The role EventBridge assumes to invoke it (`RoleArn`).
    pub role_arn: Option<String>,
    /// The dead-letter queue (`DeadLetterConfig.Arn`).
    pub dead_letter: Option<String>,
    /// The whole target object (Input, InputPath, InputTransformer...), evaluated.
    pub json: Value,
}

/// A state machine of a template.
#[derive(Debug, Clone)]
pub struct StateMachineModel {
    /// The stack it is in.
    pub stack: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Its definition, compiled.
    pub machine: Machine,
}

/// An IAM role of a template, with the policies attached to it there.
#[derive(Debug, Clone)]
pub struct RoleModel {
    /// The stack it is in.
    pub stack: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// `AssumeRolePolicyDocument`.
    pub trust: Value,
    /// Its permission policies: inline ones, `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
    /// resources of the templates that name it.
    pub policies: Vec<Value>,
    /// Managed policy ARNs the templates do not define (their documents are unknown here).
    pub unknown_managed_policies: Vec<String>,
}

/// Everything the simulation read.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// The rules, by stack then template order.
    pub rules: Vec<RuleModel>,
    /// The state machines, by ARN.
    pub state_machines: BTreeMap<String, StateMachineModel>,
    /// The roles, by ARN.
    pub roles: BTreeMap<String, RoleModel>,
    /// The named buses the templates create (the default bus always exists).
    pub buses: Vec<String>,
    /// What could not be read, each naming its stack and resource.
    pub problems: Vec<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The last part of a bus name or ARN (`arn:...:event-bus/orders` -> `orders`).
pub(crate) fn bus_name(bus: &str) -> String {
    bus.rsplit('/').next().unwrap_or(bus).to_string()
}

impl World {
    /// Reads the stack `stack_name`'s `template` into the world, deployed as `options` say.
    pub fn add_template(&mut self, stack_name: &str, template: &Value, options: &Options) {
        let mut env = Environment::new(options.account.clone(), options.region.clone(), stack_name);
        env.partition = options.partition.clone();
        let resources = SimulatedResources::new(env.clone());
        let evaluator = Evaluator::new(template, env, &resources);
        let Some(all) = template.get("Resources").and_then(Value::as_object) else { return };
        let mut policies: Vec<(String, Value, Vec<String>)> = Vec::new();
        for (id, resource) in all {
            let ty = resource.get("Type").and_then(Value::as_str).unwrap_or_default();
            if !matches!(
                ty,
                "AWS::Events::Rule"
                    | "AWS::Events::EventBus"
                    | "AWS::StepFunctions::StateMachine"
                    | "AWS::IAM::Role"
                    | "AWS::IAM::Policy"
                    | "AWS::IAM::ManagedPolicy"
            ) {
                continue;
            }
            let at = format!("{stack_name}: Resources.{id}");
            let props = match evaluator.resource_properties(id) {
                Ok(p) => p,
                Err(e) => {
                    self.problems.extend(e.problems.into_iter().map(|p| format!("{stack_name}: {p}")));
                    continue;
                }
            };
            let arn = |attribute: &str| {
                resources.attribute(id, ty, &props, attribute).and_then(|v| v.as_str().map(str::to_string))
            };
            let name = |property: &str| text(&props, property).unwrap_or_else(|| format!("{stack_name}-{id}"));
            match ty {
                "AWS::Events::EventBus" => self.buses.push(name("Name")),
                "AWS::Events::Rule" => {
                    if let Some(rule) = self.read_rule(stack_name, id, &props, &at, arn("Arn"), name("Name")) {
                        self.rules.push(rule);
                    }
                }
                "AWS::StepFunctions::StateMachine" => match Machine::from_template(template, id, stack_name, options) {
                    Ok(machine) => {
                        let model = StateMachineModel {
                            stack: stack_name.into(),
                            logical_id: id.clone(),
                            name: name("StateMachineName"),
                            arn: arn("Arn").unwrap_or_default(),
                            machine,
                        };
                        self.state_machines.insert(model.arn.clone(), model);
                    }
                    Err(e) => self.problems.extend(e.problems.into_iter().map(|p| format!("{stack_name}: {p}"))),
                },
                "AWS::IAM::Role" => {
                    let mut role = RoleModel {
                        stack: stack_name.into(),
                        logical_id: id.clone(),
                        name: name("RoleName"),
                        arn: arn("Arn").unwrap_or_default(),
                        trust: props.get("AssumeRolePolicyDocument").cloned().unwrap_or(Value::Null),
                        policies: Vec::new(),
                        unknown_managed_policies: Vec::new(),
                    };
                    for inline in props.get("Policies").and_then(Value::as_array).into_iter().flatten() {
                        role.policies.extend(inline.get("PolicyDocument").cloned());
                    }
                    for arn in props.get("ManagedPolicyArns").and_then(Value::as_array).into_iter().flatten() {
                        role.unknown_managed_policies.extend(arn.as_str().map(str::to_string));
                    }
                    self.roles.insert(role.arn.clone(), role);
                }
                _ => {
                    // AWS::IAM::Policy and AWS::IAM::ManagedPolicy: attached by role name below
                    let roles = props.get("Roles").and_then(Value::as_array).into_iter().flatten();
                    let roles: Vec<String> = roles.filter_map(|r| r.as_str().map(bus_name)).collect();
                    let document = props.get("PolicyDocument").cloned().unwrap_or(Value::Null);
                    policies.push((arn("Arn").unwrap_or_default(), document, roles));
                }
            }
        }
        for (policy_arn, document, role_names) in policies {
            for role in self.roles.values_mut().filter(|r| role_names.contains(&r.name)) {
                role.policies.push(document.clone());
                role.unknown_managed_policies.retain(|a| a != &policy_arn);
            }
        }
    }

    fn read_rule(
        &mut self,
        stack: &str,
        id: &str,
        props: &Value,
        at: &str,
        arn: Option<String>,
        name: String,
    ) -> Option<RuleModel> {
        let pattern = match props.get("EventPattern") {
            None => None,
            Some(p) => {
                let json = match p {
                    Value::String(s) => serde_json::from_str(s).map_err(|e| e.to_string()),
                    other => Ok(other.clone()),
                };
                match json.map_err(|e| vec![e]).and_then(|j| {
                    EventPattern::from_json(&j).map(|parsed| (j.to_string(), parsed)).map_err(|e| e.problems())
                }) {
                    Ok(p) => Some(p),
                    Err(problems) => {
                        self.problems
                            .extend(problems.into_iter().map(|p| format!("{at}.Properties.EventPattern: {p}")));
                        return None;
                    }
                }
            }
        };
        let schedule = match props.get("ScheduleExpression").and_then(Value::as_str) {
            None => None,
            Some(expression) => match Schedule::expression(expression) {
                Ok(s) => Some(s),
                Err(e) => {
                    self.problems.push(format!("{at}.Properties.ScheduleExpression: {e}"));
                    None
                }
            },
        };
        let targets = props
            .get("Targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|t| TargetModel {
                id: text(t, "Id").unwrap_or_default(),
                arn: text(t, "Arn").unwrap_or_default(),
                role_arn: text(t, "RoleArn"),
                dead_letter: t.get("DeadLetterConfig").and_then(|d| text(d, "Arn")),
                json: t.clone(),
            })
            .collect();
        Some(RuleModel {
            stack: stack.into(),
            logical_id: id.into(),
            bus: text(props, "EventBusName").map(|b| bus_name(&b)).unwrap_or_else(|| "default".into()),
            enabled: text(props, "State").as_deref() != Some("DISABLED"),
            arn: arn.unwrap_or_default(),
            name,
            pattern,
            schedule,
            targets,
        })
    }
}

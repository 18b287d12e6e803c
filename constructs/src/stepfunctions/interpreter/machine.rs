//! A definition compiled for running: states by index, transitions resolved, payload templates
//! as JSON. Compiling checks the definition first ([`Definition::problems`], the same checks as
//! synth), then what only a run needs: that nothing holds a token known only at deploy time, and
//! that the Map states' items come from the input (no `ItemReader` yet).

use std::collections::HashMap;

use serde_json::Value;

use crate::stepfunctions::asl::definition::literal_json;
use crate::stepfunctions::asl::{
    Catcher, Condition, Definition, DefinitionError, PathOrNull, ProcessorMode, Retrier, State, Transition, WaitFor,
};

/// A state machine definition ready to run (see [`Machine::run`](crate::stepfunctions::interpreter::Machine::run)).
///
/// ```
/// use constructs::stepfunctions::interpreter::Machine;
/// let machine = Machine::from_json_str(r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#).unwrap();
/// # let _ = machine;
/// let refused = Machine::from_json_str(r#"{"QueryLanguage": "JSONata", "StartAt": "P",
///     "States": {"P": {"Type": "Pass", "End": true}}}"#).unwrap_err();
/// assert!(refused.has("JSONata\" is not supported yet"));
/// ```
#[derive(Debug, Clone)]
pub struct Machine {
    pub(crate) root: Scope,
    pub(crate) timeout_seconds: Option<u32>,
}

/// A definition, or a Parallel branch, or a Map processor: its states and where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub start: usize,
    pub nodes: Vec<Node>,
}

/// One state.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub name: String,
    pub input_path: Option<PathOrNull>,
    pub output_path: Option<PathOrNull>,
    pub parameters: Option<Value>,
    pub result_selector: Option<Value>,
    pub result_path: Option<PathOrNull>,
    pub retry: Vec<Retrier>,
    /// The catchers, each with the index of its `Next`.
    pub catch: Vec<(Catcher, usize)>,
    /// `Next` as an index; `None` for `End` (and for the states that have neither).
    pub next: Option<usize>,
    pub kind: Kind,
}

/// What a state does.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Pass { result: Option<super::run::Doc> },
    Choice { rules: Vec<(Condition, usize)>, default: Option<usize> },
    Fail { error: Option<String>, cause: Option<String>, error_path: Option<String>, cause_path: Option<String> },
    Succeed,
    Wait(WaitFor),
    Parallel { branches: Vec<Scope> },
    Map(Box<MapNode>),
    Task(Box<TaskNode>),
}

#[derive(Debug, Clone)]
pub(crate) struct MapNode {
    pub processor: Scope,
    pub items_path: Option<String>,
    pub item_selector: Option<Value>,
    pub max_concurrency: Option<u32>,
    pub max_concurrency_path: Option<String>,
    pub tolerated_failure_percentage: Option<f64>,
    pub tolerated_failure_count: Option<u32>,
    /// `ProcessorConfig.Mode: DISTRIBUTED`: each iteration is a child execution.
    pub distributed: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct TaskNode {
    pub resource: String,
    pub timeout_seconds: Option<u32>,
    pub timeout_seconds_path: Option<String>,
    pub heartbeat_seconds: Option<u32>,
    pub heartbeat_seconds_path: Option<String>,
}

impl Machine {
    /// Compiles `definition`; every problem is reported together, each naming its state.
    pub fn new(definition: &Definition) -> Result<Machine, DefinitionError> {
        definition.check()?;
        let mut problems = Vec::new();
        let root = compile_scope(definition, "", &mut problems);
        if problems.is_empty() {
            Ok(Machine { root, timeout_seconds: definition.timeout_seconds })
        } else {
            Err(DefinitionError { problems })
        }
    }

    /// Reads and compiles a definition's JSON text ([`Definition::from_json_str`], then
    /// [`Machine::new`]).
    pub fn from_json_str(text: &str) -> Result<Machine, DefinitionError> {
        Machine::new(&Definition::from_json_str(text)?)
    }

    /// Reads and compiles a definition's JSON ([`Definition::from_json`], then [`Machine::new`]).
    pub fn from_json(json: &Value) -> Result<Machine, DefinitionError> {
        Machine::new(&Definition::from_json(json)?)
    }
}

/// The JSON of a template field, or a problem when it holds a token.
fn literal(problems: &mut Vec<String>, ctx: &str, what: &str, v: &Option<framework::Value>) -> Option<Value> {
    let v = v.as_ref()?;
    let json = literal_json(v);
    if json.is_none() {
        problems.push(format!(
            "{ctx}: {what} holds a value known only at deploy time (a token); \
             simulate the synthesized template, whose tokens are resolved for a simulated account"
        ));
    }
    json
}

fn compile_scope(definition: &Definition, prefix: &str, problems: &mut Vec<String>) -> Scope {
    let index: HashMap<&str, usize> = definition.states.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i)).collect();
    // checked: every transition names a state of the scope
    let at = |name: &str| index.get(name).copied().unwrap_or(0);
    let nodes = definition
        .states
        .iter()
        .map(|(name, state)| {
            let ctx = format!("{prefix}state {name:?}");
            let fields = state.fields();
            let parameters = literal(problems, &ctx, "Parameters", &fields.parameters);
            let result_selector = literal(problems, &ctx, "ResultSelector", &fields.result_selector);
            let kind = match state {
                State::Pass(p) => {
                    Kind::Pass { result: literal(problems, &ctx, "Result", &p.result).map(std::sync::Arc::new) }
                }
                State::Choice(c) => Kind::Choice {
                    rules: c.rules.iter().map(|r| (r.condition.clone(), at(&r.next))).collect(),
                    default: c.default.as_deref().map(at),
                },
                State::Fail(f) => Kind::Fail {
                    error: f.error.clone(),
                    cause: f.cause.clone(),
                    error_path: f.error_path.clone(),
                    cause_path: f.cause_path.clone(),
                },
                State::Succeed(_) => Kind::Succeed,
                State::Wait(w) => Kind::Wait(w.wait_for.clone().unwrap_or(WaitFor::Seconds(0))),
                State::Parallel(p) => Kind::Parallel {
                    branches: p
                        .branches
                        .iter()
                        .enumerate()
                        .map(|(i, b)| compile_scope(b, &format!("{ctx} Branches[{i}]: "), problems))
                        .collect(),
                },
                State::Map(m) => {
                    if m.item_reader.is_some() || m.result_writer.is_some() || m.item_batcher.is_some() {
                        problems.push(format!(
                            "{ctx}: ItemReader, ItemBatcher and ResultWriter (S3 items and results of a distributed \
                             Map) are not supported yet; give the items in the input with ItemsPath"
                        ));
                    }
                    let selector = m.item_selector.as_ref().or(fields.parameters.as_ref()).cloned();
                    Kind::Map(Box::new(MapNode {
                        processor: compile_scope(&m.processor, &format!("{ctx} ItemProcessor: "), problems),
                        items_path: m.items_path.clone(),
                        item_selector: literal(problems, &ctx, "ItemSelector", &selector),
                        max_concurrency: m.max_concurrency,
                        max_concurrency_path: m.max_concurrency_path.clone(),
                        tolerated_failure_percentage: m.tolerated_failure_percentage.map(|n| n.as_f64()),
                        tolerated_failure_count: m.tolerated_failure_count,
                        distributed: m.processor_config.is_some_and(|c| c.mode == ProcessorMode::Distributed),
                    }))
                }
                State::Task(t) => {
                    let resource = match &t.resource {
                        framework::Value::String(s) => s.clone(),
                        _ => {
                            problems.push(format!(
                                "{ctx}: Resource is known only at deploy time (a token); simulate the synthesized \
                                 template, whose tokens are resolved for a simulated account"
                            ));
                            String::new()
                        }
                    };
                    Kind::Task(Box::new(TaskNode {
                        resource,
                        timeout_seconds: t.timeout_seconds,
                        timeout_seconds_path: t.timeout_seconds_path.clone(),
                        heartbeat_seconds: t.heartbeat_seconds,
                        heartbeat_seconds_path: t.heartbeat_seconds_path.clone(),
                    }))
                }
            };
            // a Map's Parameters are its ItemSelector (taken above)
            let parameters = if matches!(state, State::Map(_)) { None } else { parameters };
            Node {
                name: name.clone(),
                input_path: fields.input_path.clone(),
                output_path: fields.output_path.clone(),
                parameters,
                result_selector,
                result_path: fields.result_path.clone(),
                retry: fields.retry.clone(),
                catch: fields.catch.iter().map(|c| (c.clone(), at(&c.next))).collect(),
                next: match &fields.transition {
                    Some(Transition::Next(n)) => Some(at(n)),
                    _ => None,
                },
                kind,
            }
        })
        .collect();
    Scope { start: at(&definition.start_at), nodes }
}

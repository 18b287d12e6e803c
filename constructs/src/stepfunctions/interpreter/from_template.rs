//! State machines of templates and apps: the definition a stack would deploy, its intrinsics
//! (`Fn::Join`, `Fn::Sub`, `Ref`, `Fn::GetAtt`...) evaluated for the simulated account and region
//! ([`framework::evaluate`], with [`SimulatedResources`] for the resources' ARNs), its
//! `DefinitionSubstitutions` applied, then compiled like any definition.

use serde_json::Value;

use super::execution::Options;
use super::machine::Machine;
use crate::simulated::SimulatedResources;
use crate::stepfunctions::asl::DefinitionError;
use framework::evaluate::{Environment, Evaluator};

const STATE_MACHINE: &str = "AWS::StepFunctions::StateMachine";

fn problem(p: impl Into<String>) -> DefinitionError {
    DefinitionError { problems: vec![p.into()] }
}

impl Machine {
    /// The state machine `logical_id` of `template` (a stack named `stack_name`), deployed to the
    /// account and region of `options`.
    ///
    /// ```
    /// use constructs::stepfunctions::interpreter::{Handlers, Machine, Options};
    /// let template = serde_json::json!({"Resources": {"SM": {
    ///     "Type": "AWS::StepFunctions::StateMachine",
    ///     "Properties": {"DefinitionString": {"Fn::Sub":
    ///         "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":\"${AWS::Region}\",\"End\":true}}}"}}
    /// }}});
    /// let options = Options::default().environment("123456789012", "eu-west-1");
    /// let machine = Machine::from_template(&template, "SM", "Demo", &options).unwrap();
    /// let run = machine.run(serde_json::json!({}), &mut Handlers::new(), &options).unwrap();
    /// assert_eq!(run.output, Some(serde_json::json!("eu-west-1")));
    /// ```
    pub fn from_template(
        template: &Value,
        logical_id: &str,
        stack_name: &str,
        options: &Options,
    ) -> Result<Machine, DefinitionError> {
        let at = format!("Resources.{logical_id}");
        let resource = template.get("Resources").and_then(|r| r.get(logical_id));
        let Some(resource) = resource else { return Err(problem(format!("{at}: no such resource"))) };
        let ty = resource.get("Type").and_then(Value::as_str).unwrap_or_default();
        if ty != STATE_MACHINE {
            return Err(problem(format!("{at}: a {ty:?}, not an {STATE_MACHINE}")));
        }
        let mut env = Environment::new(options.account.clone(), options.region.clone(), stack_name);
        env.partition = options.partition.clone();
        let resources = SimulatedResources::new(env.clone());
        let evaluator = Evaluator::new(template, env, &resources);
        let properties =
            evaluator.resource_properties(logical_id).map_err(|e| DefinitionError { problems: e.problems })?;
        let definition = match (properties.get("Definition"), properties.get("DefinitionString")) {
            (Some(d), _) => d.to_string(),
            (None, Some(Value::String(s))) => s.clone(),
            (None, Some(other)) => {
                return Err(problem(format!("{at}.Properties.DefinitionString: a string is needed, not {other}")))
            }
            (None, None) if properties.get("DefinitionS3Location").is_some() => {
                return Err(problem(format!(
                    "{at}.Properties.DefinitionS3Location: a definition in S3 is not supported yet; inline it \
                     (Definition or DefinitionString)"
                )))
            }
            (None, None) => return Err(problem(format!("{at}.Properties: no Definition or DefinitionString"))),
        };
        let definition = substitute(&definition, properties.get("DefinitionSubstitutions"), &at)?;
        Machine::from_json_str(&definition)
            .map_err(|e| DefinitionError { problems: e.problems.into_iter().map(|p| format!("{at}: {p}")).collect() })
    }

    /// The state machine at the construct path (`Stack/StateMachine`) or with the logical id
    /// `wanted` in `app`, synthesized and deployed to the account and region of `options`;
    /// also gives the state machine's simulated name.
    pub fn from_app(
        app: &framework::App,
        wanted: &str,
        options: &Options,
    ) -> Result<(String, Machine), DefinitionError> {
        let assembly = app.synth().map_err(|e| problem(format!("the app does not synthesize: {e}")))?;
        let mut found = Vec::new();
        for stack in &assembly.stacks {
            let template = stack.template();
            let resources = template.get("Resources").and_then(Value::as_object).into_iter().flatten();
            for (id, _) in resources.filter(|(_, r)| r["Type"] == STATE_MACHINE) {
                let path = stack.path_of_logical_id(id).unwrap_or_default().trim_start_matches('/');
                let construct = path.strip_suffix("/Resource").unwrap_or(path);
                let wanted = wanted.trim_start_matches('/');
                if id == wanted || path == wanted || construct == wanted {
                    found.push((stack, id.clone(), construct.to_string()));
                }
            }
        }
        match found.as_slice() {
            [(stack, id, _)] => {
                let machine = Machine::from_template(stack.template(), id, &stack.stack_name, options)?;
                let name = stack.template()["Resources"][id]["Properties"]["StateMachineName"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}-{id}", stack.stack_name));
                Ok((name, machine))
            }
            [] => {
                let mut known = Vec::new();
                for stack in &assembly.stacks {
                    for (id, r) in stack.template()["Resources"].as_object().into_iter().flatten() {
                        if r["Type"] == STATE_MACHINE {
                            let path = stack.path_of_logical_id(id).unwrap_or_default().trim_start_matches('/');
                            known.push(format!("{} ({id})", path.strip_suffix("/Resource").unwrap_or(path)));
                        }
                    }
                }
                Err(problem(format!(
                    "no state machine {wanted:?} in the app; its state machines: {}",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                )))
            }
            many => Err(problem(format!(
                "{wanted:?} names {} state machines ({}); give a construct path",
                many.len(),
                many.iter().map(|(s, id, _)| format!("{}/{id}", s.id)).collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}

/// `DefinitionSubstitutions`: each `${key}` of the definition replaced by its value.
fn substitute(definition: &str, substitutions: Option<&Value>, at: &str) -> Result<String, DefinitionError> {
    let Some(subs) = substitutions else { return Ok(definition.to_string()) };
    let Some(subs) = subs.as_object() else {
        return Err(problem(format!("{at}.Properties.DefinitionSubstitutions: must be an object")));
    };
    let mut out = definition.to_string();
    for (key, value) in subs {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            other => {
                return Err(problem(format!(
                    "{at}.Properties.DefinitionSubstitutions.{key}: a string, number or boolean is needed, not {other}"
                )))
            }
        };
        out = out.replace(&format!("${{{key}}}"), &text);
    }
    Ok(out)
}

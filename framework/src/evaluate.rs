//! CloudFormation intrinsic functions evaluated for a *simulated* deployment.
//!
//! A local simulator reads resource properties out of a synthesized template (or one the AWS CDK
//! wrote) and needs them concrete: a state machine's `DefinitionString` is usually a `Fn::Join`
//! of literal JSON text and `Fn::GetAtt` ARNs. [`Evaluator`] turns such a JSON value into plain
//! JSON, the way CloudFormation would during a deployment into [`Environment`].
//!
//! ```
//! use framework::evaluate::{Environment, Evaluator, Resolver};
//! use serde_json::{json, Value};
//!
//! struct Arns;
//! impl Resolver for Arns {
//!     fn reference(&self, id: &str, _: &str, _: &Value) -> Option<Value> {
//!         Some(json!(format!("{id}-physical")))
//!     }
//!     fn attribute(&self, id: &str, _: &str, _: &Value, attribute: &str) -> Option<Value> {
//!         (attribute == "Arn").then(|| json!(format!("arn:aws:lambda:us-east-1:123456789012:function:{id}")))
//!     }
//! }
//! let template = json!({"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}});
//! let evaluator = Evaluator::new(&template, Environment::default(), &Arns);
//! let value = json!({"Fn::Sub": "${Fn.Arn} in ${AWS::Region}"});
//! let text = evaluator.evaluate(&value, "Outputs.Arn.Value").unwrap();
//! assert_eq!(text, "arn:aws:lambda:us-east-1:123456789012:function:Fn in us-east-1");
//! ```
//!
//! Design decisions:
//!
//! - **The evaluator knows CloudFormation, not AWS services.** Pseudo parameters come from the
//!   [`Environment`], parameters from the template's `Default` or [`Evaluator::parameter`],
//!   mappings and conditions from the template. What a resource's `Ref` or `Fn::GetAtt` gives (an
//!   ARN, a name, a URL) depends on the service, so it is asked of a [`Resolver`].
//! - **Every problem is collected.** Evaluation goes on past a failure so that one run reports
//!   them all ([`EvaluateError::problems`]). A function whose argument failed fails quietly: only
//!   the innermost cause is reported, not a cascade of follow-on messages.
//! - **Places.** A problem starts with the place of the value: the `at` given, extended through
//!   literal objects and lists (`.Key`, `[0]`). Inside a function's arguments the place stays the
//!   function's, and the message names the function instead
//!   (`Resources.SM.Properties.DefinitionString: Fn::GetAtt Role.Arn: ...`), as the position in
//!   an argument list says little to a reader.
//! - **`AWS::NoValue`** removes the object field or list item that holds it (also through
//!   `Fn::If`); a value that is `AWS::NoValue` as a whole evaluates to `null`.
//! - **What a resolver sees.** It gets the resource's type and its `Properties` evaluated as far
//!   as they can be: a part that cannot be evaluated (an attribute the resolver does not know, a
//!   cycle) stays as written, and no problem is reported for it, since the resolver may not need
//!   it. A resolver can then derive an ARN from a `FunctionName` built with `Fn::Sub`, while a
//!   reference to a function does not fail because of its role's unknown ARN.
//! - **As CloudFormation does:** `Fn::If` evaluates only the branch it takes, conditions only
//!   when asked for; parameter values are strings (`Number` defaults too), list-typed parameters
//!   (`CommaDelimitedList`, `List<...>`) are lists. Parameters of an `AWS::SSM::Parameter::Value`
//!   type are read from SSM at deploy time, so a value must be given with
//!   [`Evaluator::parameter`]. `AWS::StackId` is an ARN with a fixed, all-zero stack UUID.
//! - **Lenient where it costs nothing:** numbers and booleans are taken where strings are
//!   expected (`Fn::Join` items, `Fn::Sub` variables), `Fn::Select` takes `"1"` as an index.
//! - **No panics, bounded recursion.** Any JSON is accepted; wrong shapes are problems. Values
//!   nested deeper than 128 levels (functions and literals alike) are a problem rather than a
//!   stack overflow (at that depth a debug build uses about 1 MB of stack); conditions that
//!   refer to themselves are a problem too.
//!
//! Not supported (reported as problems): `Fn::ImportValue` (needs the exporting stack),
//! `Fn::Cidr`, `Fn::Transform` and `Fn::ForEach`.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

/// Values nested deeper than this are a problem (and never a stack overflow).
const MAX_DEPTH: usize = 128;

/// The stack UUID in the simulated `AWS::StackId`.
const SIMULATED_STACK_UUID: &str = "00000000-0000-0000-0000-000000000000";

/// The condition functions, usable in `Conditions` and (giving a boolean) anywhere else.
const CONDITION_FUNCTIONS: [&str; 4] = ["Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"];

/// What the evaluator cannot know by itself: the physical values of resources.
pub trait Resolver {
    /// The value of `{"Ref": logical_id}` for a resource of type `resource_type` (e.g. an ARN or
    /// a name), or None if unknown. `properties` are the resource's `Properties`, evaluated as far
    /// as they can be (see the module documentation).
    fn reference(&self, logical_id: &str, resource_type: &str, properties: &Value) -> Option<Value>;

    /// The value of `{"Fn::GetAtt": [logical_id, attribute]}`, or None if unknown.
    fn attribute(&self, logical_id: &str, resource_type: &str, properties: &Value, attribute: &str) -> Option<Value>;
}

/// Where the simulated stack is deployed: the values of the pseudo parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `AWS::AccountId`.
    pub account: String,
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::Partition`: `aws`, `aws-cn`, `aws-us-gov`...
    pub partition: String,
    /// `AWS::StackName`.
    pub stack_name: String,
    /// `AWS::URLSuffix`: `amazonaws.com`, `amazonaws.com.cn`...
    pub url_suffix: String,
}

impl Default for Environment {
    /// Account `123456789012`, region `us-east-1` (partition `aws`, `amazonaws.com`), stack
    /// `Stack`.
    fn default() -> Self {
        Environment::new("123456789012", "us-east-1", "Stack")
    }
}

impl Environment {
    /// An environment whose partition and URL suffix follow from the region: `aws-cn` and
    /// `amazonaws.com.cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, `aws` and `amazonaws.com`
    /// otherwise (and the ISO partitions for `us-iso-*` / `us-isob-*`).
    pub fn new(account: impl Into<String>, region: impl Into<String>, stack_name: impl Into<String>) -> Self {
        let region = region.into();
        let (partition, url_suffix) = partition_of(&region);
        Environment {
            account: account.into(),
            region,
            partition: partition.to_string(),
            stack_name: stack_name.into(),
            url_suffix: url_suffix.to_string(),
        }
    }

    /// `AWS::StackId`: `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`,
    /// with an all-zero UUID.
    pub fn stack_id(&self) -> String {
        let Environment { account, region, partition, stack_name, .. } = self;
        format!("arn:{partition}:cloudformation:{region}:{account}:stack/{stack_name}/{SIMULATED_STACK_UUID}")
    }

    /// The value of a pseudo parameter (`AWS::NoValue`, which has none, excepted).
    fn pseudo(&self, name: &str) -> Option<Value> {
        let text = match name {
            "AWS::AccountId" => self.account.clone(),
            "AWS::Region" => self.region.clone(),
            "AWS::Partition" => self.partition.clone(),
            "AWS::StackName" => self.stack_name.clone(),
            "AWS::StackId" => self.stack_id(),
            "AWS::URLSuffix" => self.url_suffix.clone(),
            "AWS::NotificationARNs" => return Some(Value::Array(Vec::new())),
            _ => return None,
        };
        Some(Value::String(text))
    }
}

/// The partition and URL suffix of a region.
fn partition_of(region: &str) -> (&'static str, &'static str) {
    if region.starts_with("cn-") {
        ("aws-cn", "amazonaws.com.cn")
    } else if region.starts_with("us-gov-") {
        ("aws-us-gov", "amazonaws.com")
    } else if region.starts_with("us-isob-") {
        ("aws-iso-b", "sc2s.sgov.gov")
    } else if region.starts_with("us-iso-") {
        ("aws-iso", "c2s.ic.gov")
    } else {
        ("aws", "amazonaws.com")
    }
}

/// Every problem found while evaluating, each starting with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct EvaluateError {
    /// The problems, in the order found, without duplicates
    /// (`Resources.SM.Properties.DefinitionString: Fn::GetAtt Role.Arn: ...`).
    pub problems: Vec<String>,
}

/// Evaluates intrinsic functions in values of one template.
pub struct Evaluator<'t> {
    template: &'t Value,
    env: Environment,
    resolver: &'t dyn Resolver,
    parameters: HashMap<String, Value>,
}

/// The outcome of evaluating one value: `None` for `AWS::NoValue`; `Err` once a problem has been
/// recorded.
type Eval = Result<Option<Value>, Reported>;

/// A problem has been recorded in the [`Walk`]: callers fail without adding their own.
#[derive(Debug, Clone, Copy)]
struct Reported;

/// Whether places extend into literal structure (outside functions) or stay (in arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Places {
    Extend,
    Keep,
}

/// The state of one evaluation.
#[derive(Default)]
struct Walk {
    problems: Vec<String>,
    depth: usize,
    /// Evaluating a referenced resource's properties for a resolver: failures keep the value as
    /// written.
    lenient: bool,
    conditions_in_progress: Vec<String>,
    resources_in_progress: Vec<String>,
    /// Resource properties evaluated leniently, by logical ID.
    resources: HashMap<String, Value>,
}

impl Walk {
    fn fail<T>(&mut self, at: &str, message: impl std::fmt::Display) -> Result<T, Reported> {
        self.problems.push(format!("{at}: {message}"));
        Err(Reported)
    }

    fn finish(mut self, out: Result<Value, Reported>, at: &str) -> Result<Value, EvaluateError> {
        match out {
            Ok(value) if self.problems.is_empty() => Ok(value),
            _ => {
                if self.problems.is_empty() {
                    self.problems.push(format!("{at}: could not be evaluated"));
                }
                let mut seen = HashSet::new();
                self.problems.retain(|p| seen.insert(p.clone()));
                Err(EvaluateError { problems: self.problems })
            }
        }
    }
}

impl<'t> Evaluator<'t> {
    /// An evaluator for values of `template`, deployed into `env`, with resource values from
    /// `resolver`.
    pub fn new(template: &'t Value, env: Environment, resolver: &'t dyn Resolver) -> Self {
        Evaluator { template, env, resolver, parameters: HashMap::new() }
    }

    /// Gives template parameter `name` the value `value` (overriding its `Default`). A string
    /// given for a list-typed parameter is split at commas.
    pub fn parameter(mut self, name: impl Into<String>, value: Value) -> Self {
        self.parameters.insert(name.into(), value);
        self
    }

    /// The environment of the simulated deployment.
    pub fn environment(&self) -> &Environment {
        &self.env
    }

    /// `value` with every intrinsic function evaluated. `at` names where the value is (e.g.
    /// `Resources.SM.Properties.DefinitionString`) and starts every problem's message.
    pub fn evaluate(&self, value: &Value, at: &str) -> Result<Value, EvaluateError> {
        let mut walk = Walk::default();
        let out = self.eval(value, at, &mut walk, Places::Extend).map(|v| v.unwrap_or(Value::Null));
        walk.finish(out, at)
    }

    /// The `Properties` of resource `logical_id`, evaluated (an empty object when it has none).
    pub fn resource_properties(&self, logical_id: &str) -> Result<Value, EvaluateError> {
        let Some(resource) = self.resource(logical_id) else {
            return Err(EvaluateError { problems: vec![format!("Resources.{logical_id}: no such resource")] });
        };
        match resource.get("Properties") {
            Some(properties) => self.evaluate(properties, &format!("Resources.{logical_id}.Properties")),
            None => Ok(Value::Object(Map::new())),
        }
    }

    fn resource(&self, logical_id: &str) -> Option<&'t Value> {
        self.template.get("Resources")?.get(logical_id).filter(|r| r.is_object())
    }

    // ---- structure ------------------------------------------------------------------------------

    fn eval(&self, value: &Value, at: &str, walk: &mut Walk, places: Places) -> Eval {
        if walk.depth >= MAX_DEPTH {
            return walk.fail(at, format!("nested more than {MAX_DEPTH} levels deep"));
        }
        walk.depth += 1;
        let out = self.eval_at_depth(value, at, walk, places);
        walk.depth -= 1;
        out
    }

    fn eval_at_depth(&self, value: &Value, at: &str, walk: &mut Walk, places: Places) -> Eval {
        match value {
            Value::Array(items) => self.eval_list(items, at, walk, places).map(|items| Some(Value::Array(items))),
            Value::Object(map) => match intrinsic(map) {
                Some((name, args)) => {
                    let out = self.function(name, args, at, walk);
                    if out.is_err() && walk.lenient {
                        return Ok(Some(value.clone()));
                    }
                    out
                }
                None => self.eval_object(map, at, walk, places).map(|map| Some(Value::Object(map))),
            },
            scalar => Ok(Some(scalar.clone())),
        }
    }

    fn eval_list(&self, items: &[Value], at: &str, walk: &mut Walk, places: Places) -> Result<Vec<Value>, Reported> {
        let mut out = Vec::with_capacity(items.len());
        let mut failed = false;
        for (i, item) in items.iter().enumerate() {
            let place = match places {
                Places::Extend => format!("{at}[{i}]"),
                Places::Keep => at.to_string(),
            };
            match self.eval(item, &place, walk, places) {
                Ok(Some(value)) => out.push(value),
                Ok(None) => {}
                Err(Reported) => failed = true,
            }
        }
        if failed {
            Err(Reported)
        } else {
            Ok(out)
        }
    }

    fn eval_object(
        &self,
        map: &Map<String, Value>,
        at: &str,
        walk: &mut Walk,
        places: Places,
    ) -> Result<Map<String, Value>, Reported> {
        let mut out = Map::new();
        let mut failed = false;
        for (key, item) in map {
            let place = match places {
                Places::Extend => format!("{at}.{key}"),
                Places::Keep => at.to_string(),
            };
            match self.eval(item, &place, walk, places) {
                Ok(Some(value)) => {
                    out.insert(key.clone(), value);
                }
                Ok(None) => {}
                Err(Reported) => failed = true,
            }
        }
        if failed {
            Err(Reported)
        } else {
            Ok(out)
        }
    }

    // ---- arguments ------------------------------------------------------------------------------

    /// A function argument, evaluated (places stay the function's).
    fn arg(&self, value: &Value, at: &str, walk: &mut Walk) -> Eval {
        self.eval(value, at, walk, Places::Keep)
    }

    /// A function argument that must evaluate to a list.
    fn arg_list(&self, value: &Value, at: &str, walk: &mut Walk, function: &str) -> Result<Vec<Value>, Reported> {
        match self.arg(value, at, walk)? {
            Some(Value::Array(items)) => Ok(items),
            other => walk.fail(at, format!("{function}: expects a list, got {}", kind(other.as_ref()))),
        }
    }

    /// A function argument that must evaluate to a string (a number or boolean is taken as its
    /// text).
    fn arg_string(&self, value: &Value, at: &str, walk: &mut Walk, function: &str) -> Result<String, Reported> {
        let value = self.arg(value, at, walk)?;
        match value.as_ref().and_then(text) {
            Some(s) => Ok(s),
            None => walk.fail(at, format!("{function}: expects a string, got {}", kind(value.as_ref()))),
        }
    }

    // ---- functions ------------------------------------------------------------------------------

    fn function(&self, name: &str, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        match name {
            "Ref" => self.reference(args, at, walk),
            "Fn::GetAtt" => self.get_att(args, at, walk),
            "Fn::Sub" => self.sub(args, at, walk),
            "Fn::Join" => self.join(args, at, walk),
            "Fn::Select" => self.select(args, at, walk),
            "Fn::Split" => self.split(args, at, walk),
            "Fn::If" => self.if_(args, at, walk),
            "Fn::FindInMap" => self.find_in_map(args, at, walk),
            "Fn::Base64" => Ok(Some(Value::String(base64(self.arg_string(args, at, walk, name)?.as_bytes())))),
            "Fn::GetAZs" => self.get_azs(args, at, walk),
            "Fn::ImportValue" => {
                let export = self.arg_string(args, at, walk, name)?;
                walk.fail(at, format!("Fn::ImportValue {export}: not supported: needs the exporting stack"))
            }
            "Fn::ToJsonString" => match self.arg(args, at, walk)? {
                Some(value) => Ok(Some(Value::String(value.to_string()))),
                None => walk.fail(at, "Fn::ToJsonString: expects an object or a list, got AWS::NoValue"),
            },
            "Fn::Length" => Ok(Some(Value::from(self.arg_list(args, at, walk, name)?.len()))),
            _ if CONDITION_FUNCTIONS.contains(&name) => {
                self.condition_function(name, args, at, walk).map(|b| Some(Value::Bool(b)))
            }
            "Fn::Cidr" | "Fn::Transform" | "Fn::ForEach" => walk.fail(at, format!("{name}: not supported")),
            _ => walk.fail(at, format!("{name}: unknown intrinsic function")),
        }
    }

    fn reference(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let Some(name) = args.as_str() else {
            return walk.fail(at, format!("Ref: expects a name, got {}", brief(args)));
        };
        if name == "AWS::NoValue" {
            return Ok(None);
        }
        if let Some(value) = self.env.pseudo(name) {
            return Ok(Some(value));
        }
        if name.starts_with("AWS::") {
            return walk.fail(at, format!("Ref {name}: unknown pseudo parameter"));
        }
        if let Some(value) = self.parameter_value(name, at, walk) {
            return value.map(Some);
        }
        let Some(resource) = self.resource(name) else {
            return walk.fail(at, format!("Ref {name}: no parameter or resource of that name"));
        };
        let resource_type = resource_type(resource);
        let properties = self.resolver_properties(name, resource, walk);
        match self.resolver.reference(name, resource_type, &properties) {
            Some(value) => Ok(Some(value)),
            None => walk.fail(at, format!("Ref {name}: the resolver has no value for this {resource_type}")),
        }
    }

    /// The value of parameter `name`, or None if it is neither declared nor given.
    fn parameter_value(&self, name: &str, at: &str, walk: &mut Walk) -> Option<Result<Value, Reported>> {
        let declared = self.template.get("Parameters").and_then(|p| p.get(name));
        let given = self.parameters.get(name);
        if declared.is_none() && given.is_none() {
            return None;
        }
        let declared_type = declared.and_then(|d| d.get("Type")).and_then(Value::as_str).unwrap_or("String");
        let from_ssm = declared_type.starts_with("AWS::SSM::Parameter::Value<");
        let default = declared.and_then(|d| d.get("Default")).filter(|_| !from_ssm);
        Some(match given.or(default) {
            Some(value) => Ok(typed_parameter(value, declared_type)),
            None if from_ssm => {
                walk.fail(at, format!("Ref {name}: parameter of type {declared_type} is read from SSM; give its value"))
            }
            None => walk.fail(at, format!("Ref {name}: parameter has no Default and no value was given")),
        })
    }

    /// A resource's properties for the resolver: evaluated where they can be, as written where
    /// not (no problems reported).
    fn resolver_properties(&self, logical_id: &str, resource: &Value, walk: &mut Walk) -> Value {
        let raw = resource.get("Properties").cloned().unwrap_or_else(|| Value::Object(Map::new()));
        if let Some(done) = walk.resources.get(logical_id) {
            return done.clone();
        }
        if walk.resources_in_progress.iter().any(|id| id == logical_id) {
            return raw;
        }
        let (problems, lenient) = (walk.problems.len(), walk.lenient);
        walk.lenient = true;
        walk.resources_in_progress.push(logical_id.to_string());
        let at = format!("Resources.{logical_id}.Properties");
        let out = self.eval(&raw, &at, walk, Places::Keep).ok().flatten().unwrap_or(raw);
        walk.resources_in_progress.pop();
        walk.lenient = lenient;
        walk.problems.truncate(problems);
        walk.resources.insert(logical_id.to_string(), out.clone());
        out
    }

    fn get_att(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let (logical_id, attribute) = match args {
            Value::String(s) => match s.split_once('.') {
                Some((id, attribute)) => (id.to_string(), attribute.to_string()),
                None => return walk.fail(at, format!("Fn::GetAtt {s}: expects \"Resource.Attribute\"")),
            },
            Value::Array(items) => match items.as_slice() {
                [Value::String(id), attribute] => (id.clone(), self.arg_string(attribute, at, walk, "Fn::GetAtt")?),
                _ => return walk.fail(at, format!("Fn::GetAtt: expects [resource, attribute], got {}", brief(args))),
            },
            _ => return walk.fail(at, format!("Fn::GetAtt: expects [resource, attribute], got {}", brief(args))),
        };
        self.attribute(&logical_id, &attribute, at, walk).map(Some)
    }

    fn attribute(&self, logical_id: &str, attribute: &str, at: &str, walk: &mut Walk) -> Result<Value, Reported> {
        let Some(resource) = self.resource(logical_id) else {
            return walk.fail(at, format!("Fn::GetAtt {logical_id}.{attribute}: no resource {logical_id}"));
        };
        let resource_type = resource_type(resource);
        let properties = self.resolver_properties(logical_id, resource, walk);
        match self.resolver.attribute(logical_id, resource_type, &properties, attribute) {
            Some(value) => Ok(value),
            None => walk.fail(
                at,
                format!("Fn::GetAtt {logical_id}.{attribute}: the resolver has no value for this {resource_type}"),
            ),
        }
    }

    fn sub(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let (template, vars) = match args {
            Value::String(s) => (s.as_str(), None),
            Value::Array(items) => match items.as_slice() {
                [Value::String(s), Value::Object(vars)] => (s.as_str(), Some(vars)),
                _ => return walk.fail(at, "Fn::Sub: expects a string or [string, {variables}]"),
            },
            _ => {
                return walk
                    .fail(at, format!("Fn::Sub: expects a string or [string, {{variables}}], got {}", brief(args)))
            }
        };
        let mut values = HashMap::new();
        for (name, value) in vars.into_iter().flatten() {
            values.insert(name.as_str(), self.arg_string(value, at, walk, &format!("Fn::Sub variable {name}")));
        }
        let mut out = String::with_capacity(template.len());
        let mut failed = values.values().any(Result::is_err);
        for piece in sub_pieces(template) {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Escaped(name) => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
                Piece::Var(name) => match values.get(name) {
                    Some(Ok(value)) => out.push_str(value),
                    Some(Err(Reported)) => {}
                    None => match self.sub_variable(name, at, walk) {
                        Ok(value) => out.push_str(&value),
                        Err(Reported) => failed = true,
                    },
                },
            }
        }
        if failed {
            Err(Reported)
        } else {
            Ok(Some(Value::String(out)))
        }
    }

    /// `${Name}` or `${Resource.Attribute}` without a variable of that name.
    fn sub_variable(&self, name: &str, at: &str, walk: &mut Walk) -> Result<String, Reported> {
        let value = match name.split_once('.') {
            Some((id, attribute)) => Some(self.attribute(id, attribute, at, walk)?),
            None => self.reference(&Value::String(name.to_string()), at, walk)?,
        };
        match value.as_ref().and_then(text) {
            Some(s) => Ok(s),
            None => walk.fail(at, format!("Fn::Sub ${{{name}}}: is {}, not a string", kind(value.as_ref()))),
        }
    }

    fn join(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let Some([Value::String(delimiter), list]) = args_of::<2>(args) else {
            return walk.fail(at, format!("Fn::Join: expects [delimiter, [values]], got {}", brief(args)));
        };
        let items = self.arg_list(list, at, walk, "Fn::Join")?;
        let mut parts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match text(item) {
                Some(part) => parts.push(part),
                None => return walk.fail(at, format!("Fn::Join: item {i} is {}, not a string", kind(Some(item)))),
            }
        }
        Ok(Some(Value::String(parts.join(delimiter))))
    }

    fn select(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let Some([index, list]) = args_of::<2>(args) else {
            return walk.fail(at, format!("Fn::Select: expects [index, list], got {}", brief(args)));
        };
        let index = self.arg_string(index, at, walk, "Fn::Select");
        let mut items = self.arg_list(list, at, walk, "Fn::Select")?;
        let index = index?;
        match index.trim().parse::<usize>() {
            Ok(i) if i < items.len() => Ok(Some(items.swap_remove(i))),
            Ok(i) => walk.fail(at, format!("Fn::Select: index {i} is out of range for a list of {}", items.len())),
            Err(_) => walk.fail(at, format!("Fn::Select: index {index:?} is not a non-negative integer")),
        }
    }

    fn split(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let Some([Value::String(delimiter), source]) = args_of::<2>(args) else {
            return walk.fail(at, format!("Fn::Split: expects [delimiter, string], got {}", brief(args)));
        };
        if delimiter.is_empty() {
            return walk.fail(at, "Fn::Split: the delimiter is empty");
        }
        let source = self.arg_string(source, at, walk, "Fn::Split")?;
        Ok(Some(Value::Array(source.split(delimiter.as_str()).map(|s| Value::String(s.to_string())).collect())))
    }

    fn if_(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let Some([Value::String(condition), then, otherwise]) = args_of::<3>(args) else {
            return walk
                .fail(at, format!("Fn::If: expects [condition, value if true, value if false], got {}", brief(args)));
        };
        let chosen = if self.condition_named(condition, at, walk)? { then } else { otherwise };
        self.arg(chosen, at, walk)
    }

    fn find_in_map(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let (keys, default) = match args.as_array().map(Vec::as_slice) {
            Some([map, top, second]) => ([map, top, second], None),
            Some([map, top, second, options]) => ([map, top, second], options.get("DefaultValue")),
            _ => return walk.fail(at, format!("Fn::FindInMap: expects [map, key, key], got {}", brief(args))),
        };
        let keys: Vec<_> = keys.iter().map(|key| self.arg_string(key, at, walk, "Fn::FindInMap")).collect();
        let keys = keys.into_iter().collect::<Result<Vec<String>, Reported>>()?;
        let found = self.template.get("Mappings").and_then(|m| m.get(&keys[0])?.get(&keys[1])?.get(&keys[2]));
        match (found, default) {
            (Some(value), _) => Ok(Some(value.clone())),
            (None, Some(default)) => self.arg(default, at, walk),
            (None, None) => walk.fail(at, format!("Fn::FindInMap {}: not in Mappings", keys.join("."))),
        }
    }

    fn get_azs(&self, args: &Value, at: &str, walk: &mut Walk) -> Eval {
        let region = self.arg_string(args, at, walk, "Fn::GetAZs")?;
        let region = if region.is_empty() { self.env.region.clone() } else { region };
        Ok(Some(Value::Array(["a", "b", "c"].iter().map(|zone| Value::String(format!("{region}{zone}"))).collect())))
    }

    // ---- conditions -----------------------------------------------------------------------------

    /// The value of the template's condition `name`.
    fn condition_named(&self, name: &str, at: &str, walk: &mut Walk) -> Result<bool, Reported> {
        let Some(expression) = self.template.get("Conditions").and_then(|c| c.get(name)) else {
            return walk.fail(at, format!("condition {name} is not defined in Conditions"));
        };
        if walk.conditions_in_progress.iter().any(|c| c == name) {
            return walk.fail(at, format!("condition {name} refers to itself"));
        }
        walk.conditions_in_progress.push(name.to_string());
        let out = self.condition(expression, &format!("Conditions.{name}"), walk);
        walk.conditions_in_progress.pop();
        out
    }

    /// A condition expression: a condition function, `{"Condition": name}`, or a value that
    /// evaluates to a boolean (or `"true"` / `"false"`).
    fn condition(&self, expression: &Value, at: &str, walk: &mut Walk) -> Result<bool, Reported> {
        if walk.depth >= MAX_DEPTH {
            return walk.fail(at, format!("nested more than {MAX_DEPTH} levels deep"));
        }
        walk.depth += 1;
        let out = self.condition_at_depth(expression, at, walk);
        walk.depth -= 1;
        out
    }

    fn condition_at_depth(&self, expression: &Value, at: &str, walk: &mut Walk) -> Result<bool, Reported> {
        if let Some((name, args)) = expression.as_object().and_then(single_entry) {
            if CONDITION_FUNCTIONS.contains(&name) {
                return self.condition_function(name, args, at, walk);
            }
            if name == "Condition" {
                return match args.as_str() {
                    Some(condition) => self.condition_named(condition, at, walk),
                    None => walk.fail(at, format!("Condition: expects a condition name, got {}", brief(args))),
                };
            }
        }
        let value = self.arg(expression, at, walk)?;
        match value {
            Some(Value::Bool(b)) => Ok(b),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            other => walk.fail(at, format!("expects a condition, got {}", kind(other.as_ref()))),
        }
    }

    fn condition_function(&self, name: &str, args: &Value, at: &str, walk: &mut Walk) -> Result<bool, Reported> {
        match (name, args.as_array().map(Vec::as_slice)) {
            ("Fn::Equals", Some([a, b])) => {
                let (a, b) = (self.arg(a, at, walk), self.arg(b, at, walk));
                Ok(same(a?.as_ref(), b?.as_ref()))
            }
            ("Fn::Not", Some([condition])) => Ok(!self.condition(condition, at, walk)?),
            ("Fn::And" | "Fn::Or", Some(conditions)) if !conditions.is_empty() => {
                let values: Vec<_> = conditions.iter().map(|c| self.condition(c, at, walk)).collect();
                let values = values.into_iter().collect::<Result<Vec<bool>, Reported>>()?;
                Ok(if name == "Fn::And" { values.iter().all(|b| *b) } else { values.iter().any(|b| *b) })
            }
            ("Fn::Equals", _) => walk.fail(at, format!("Fn::Equals: expects [value, value], got {}", brief(args))),
            ("Fn::Not", _) => walk.fail(at, format!("Fn::Not: expects [condition], got {}", brief(args))),
            _ => walk.fail(at, format!("{name}: expects a non-empty list of conditions, got {}", brief(args))),
        }
    }
}

// ---- helpers ------------------------------------------------------------------------------------

/// The only entry of a one-entry object.
fn single_entry(map: &Map<String, Value>) -> Option<(&str, &Value)> {
    let mut entries = map.iter();
    match (entries.next(), entries.next()) {
        (Some((key, value)), None) => Some((key.as_str(), value)),
        _ => None,
    }
}

/// The function name and arguments of `{"Ref": ...}` or `{"Fn::...": ...}`.
fn intrinsic(map: &Map<String, Value>) -> Option<(&str, &Value)> {
    single_entry(map).filter(|(key, _)| *key == "Ref" || key.starts_with("Fn::"))
}

/// The arguments as exactly `N` values.
fn args_of<const N: usize>(args: &Value) -> Option<&[Value; N]> {
    args.as_array().and_then(|items| <&[Value; N]>::try_from(items.as_slice()).ok())
}

fn resource_type(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or("")
}

/// A parameter value as `Ref` gives it: a string, or a list for list types.
fn typed_parameter(value: &Value, declared_type: &str) -> Value {
    let is_list = declared_type == "CommaDelimitedList"
        || declared_type.starts_with("List<")
        || declared_type.contains("<List<")
        || declared_type.contains("<CommaDelimitedList>");
    match value {
        Value::String(s) if is_list => {
            Value::Array(s.split(',').map(|item| Value::String(item.trim().into())).collect())
        }
        Value::Number(_) | Value::Bool(_) => Value::String(value.to_string()),
        other => other.clone(),
    }
}

/// The text of a string, number or boolean.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

/// `Fn::Equals`: scalars compare by their text (`"1"` equals `1`), the rest structurally.
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(text), b.and_then(text)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// What a value is, for messages.
fn kind(value: Option<&Value>) -> &'static str {
    match value {
        None => "AWS::NoValue",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "a boolean",
        Some(Value::Number(_)) => "a number",
        Some(Value::String(_)) => "a string",
        Some(Value::Array(_)) => "a list",
        Some(Value::Object(_)) => "an object",
    }
}

/// A value's JSON text for messages, cut at 80 characters.
fn brief(value: &Value) -> String {
    const MAX: usize = 80;
    let text = value.to_string();
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

/// A piece of a `Fn::Sub` template.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    /// `${!Literal}`: the text `${Literal}`.
    Escaped(&'a str),
    /// `${Name}` or `${Resource.Attribute}`.
    Var(&'a str),
}

/// Splits a `Fn::Sub` template; a `${` without a closing `}` is text.
fn sub_pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else { break };
        if start > 0 {
            pieces.push(Piece::Text(&rest[..start]));
        }
        let name = &rest[start + 2..start + 2 + len];
        pieces.push(match name.strip_prefix('!') {
            Some(literal) => Piece::Escaped(literal),
            None => Piece::Var(name.trim()),
        });
        rest = &rest[start + 3 + len..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// Standard base64 with padding (`Fn::Base64`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = byte(0) << 16 | byte(1) << 8 | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FN_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:fn";

    /// Lambda functions: Ref gives the logical ID lower-cased, Arn the fixed ARN. Topics: Ref
    /// gives an ARN from the (evaluated) TopicName. Databases: `Endpoint.Address`.
    struct TestResolver;

    impl Resolver for TestResolver {
        fn reference(&self, logical_id: &str, resource_type: &str, properties: &Value) -> Option<Value> {
            match resource_type {
                "AWS::Lambda::Function" => Some(json!(logical_id.to_lowercase())),
                "AWS::SNS::Topic" => {
                    let name = properties.get("TopicName")?.as_str()?;
                    Some(json!(format!("arn:aws:sns:us-east-1:123456789012:{name}")))
                }
                _ => None,
            }
        }

        fn attribute(&self, _: &str, resource_type: &str, _: &Value, attribute: &str) -> Option<Value> {
            match (resource_type, attribute) {
                ("AWS::Lambda::Function", "Arn") => Some(json!(FN_ARN)),
                ("AWS::RDS::DBInstance", "Endpoint.Address") => Some(json!("db.local")),
                _ => None,
            }
        }
    }

    fn template() -> Value {
        json!({
            "Parameters": {
                "Stage": {"Type": "String", "Default": "dev"},
                "Count": {"Type": "Number", "Default": 3},
                "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b,c"},
                "Required": {"Type": "String"},
                "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/version"}
            },
            "Mappings": {"Regions": {"us-east-1": {"Ami": "ami-1", "Zones": ["x", "y"]}}},
            "Conditions": {
                "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
                "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
                "DevInUsEast1": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]},
                "ProdOrDev": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]},
                "Loop": {"Fn::Not": [{"Condition": "Loop"}]}
            },
            "Resources": {
                "Fn9270CBC0": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {"Role": {"Fn::GetAtt": ["FnServiceRole", "Arn"]}}
                },
                "FnServiceRole": {"Type": "AWS::IAM::Role"},
                "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${AWS::StackName}-alerts"}}},
                "Db": {"Type": "AWS::RDS::DBInstance"},
                "SM": {
                    "Type": "AWS::StepFunctions::StateMachine",
                    "Properties": {
                        "DefinitionString": {"Fn::Join": ["", [
                            "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"",
                            {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
                            "\",\"End\":true}}}"
                        ]]},
                        "RoleArn": {"Fn::If": ["IsProd", "prod-role", {"Ref": "AWS::NoValue"}]}
                    }
                }
            }
        })
    }

    fn eval(value: Value) -> Result<Value, EvaluateError> {
        let template = template();
        Evaluator::new(&template, Environment::default(), &TestResolver).evaluate(&value, "Test")
    }

    fn ok(value: Value) -> Value {
        eval(value).expect("evaluates")
    }

    fn problems(value: Value) -> Vec<String> {
        eval(value).expect_err("fails").problems
    }

    #[test]
    fn cdk_definition_string() {
        let template = template();
        let evaluator = Evaluator::new(&template, Environment::default(), &TestResolver);
        let properties = evaluator.resource_properties("SM").unwrap();
        let definition = properties["DefinitionString"].as_str().unwrap();
        let parsed: Value = serde_json::from_str(definition).unwrap();
        assert_eq!(parsed["States"]["T"]["Resource"], FN_ARN);
        assert_eq!(properties.get("RoleArn"), None, "AWS::NoValue through Fn::If removes the field");
    }

    #[test]
    fn pseudo_parameters() {
        let refs = json!(["AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::StackName", "AWS::URLSuffix"]);
        let refs: Vec<Value> = refs.as_array().unwrap().iter().map(|name| json!({"Ref": name})).collect();
        assert_eq!(ok(json!(refs)), json!(["123456789012", "us-east-1", "aws", "Stack", "amazonaws.com"]));
        assert_eq!(
            ok(json!({"Ref": "AWS::StackId"})),
            "arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(ok(json!({"Ref": "AWS::NotificationARNs"})), json!([]));
        assert_eq!(problems(json!({"Ref": "AWS::Nope"})), ["Test: Ref AWS::Nope: unknown pseudo parameter"]);
    }

    #[test]
    fn environment_partitions() {
        let china = Environment::new("111", "cn-north-1", "S");
        assert_eq!((china.partition.as_str(), china.url_suffix.as_str()), ("aws-cn", "amazonaws.com.cn"));
        assert!(china.stack_id().starts_with("arn:aws-cn:cloudformation:cn-north-1:111:stack/S/"));
        let gov = Environment::new("111", "us-gov-west-1", "S");
        assert_eq!((gov.partition.as_str(), gov.url_suffix.as_str()), ("aws-us-gov", "amazonaws.com"));
        let default = Environment::default();
        assert_eq!(default, Environment::new("123456789012", "us-east-1", "Stack"));
        assert_eq!(default.partition, "aws");
        let template = json!({});
        let evaluator = Evaluator::new(&template, china, &TestResolver);
        assert_eq!(evaluator.evaluate(&json!({"Fn::Sub": "${AWS::URLSuffix}"}), "X").unwrap(), "amazonaws.com.cn");
    }

    #[test]
    fn no_value_removes_fields_and_items() {
        let none = json!({"Ref": "AWS::NoValue"});
        assert_eq!(ok(json!({"a": 1, "b": none, "c": [1, none, 2]})), json!({"a": 1, "c": [1, 2]}));
        assert_eq!(ok(none), Value::Null);
    }

    #[test]
    fn parameters() {
        assert_eq!(ok(json!({"Ref": "Stage"})), "dev");
        assert_eq!(ok(json!({"Ref": "Count"})), "3");
        assert_eq!(ok(json!({"Ref": "Subnets"})), json!(["a", "b", "c"]));
        let template = template();
        let evaluator = Evaluator::new(&template, Environment::default(), &TestResolver)
            .parameter("Stage", json!("prod"))
            .parameter("Required", json!("given"))
            .parameter("Subnets", json!("x,y"))
            .parameter("BootstrapVersion", json!("21"));
        let value = json!([{"Ref": "Stage"}, {"Ref": "Required"}, {"Ref": "Subnets"}, {"Ref": "BootstrapVersion"}]);
        assert_eq!(evaluator.evaluate(&value, "X").unwrap(), json!(["prod", "given", ["x", "y"], "21"]));
        assert_eq!(
            problems(json!({"Ref": "Required"})),
            ["Test: Ref Required: parameter has no Default and no value was given"]
        );
        assert!(problems(json!({"Ref": "BootstrapVersion"}))[0].contains("read from SSM"));
    }

    #[test]
    fn resource_refs_through_the_resolver() {
        assert_eq!(ok(json!({"Ref": "Fn9270CBC0"})), "fn9270cbc0");
        // The resolver sees the topic's properties evaluated.
        assert_eq!(ok(json!({"Ref": "Topic"})), "arn:aws:sns:us-east-1:123456789012:Stack-alerts");
        assert_eq!(
            problems(json!({"Ref": "Db"})),
            ["Test: Ref Db: the resolver has no value for this AWS::RDS::DBInstance"]
        );
        assert_eq!(problems(json!({"Ref": "Nothing"})), ["Test: Ref Nothing: no parameter or resource of that name"]);
        assert_eq!(problems(json!({"Ref": ["Fn"]})), ["Test: Ref: expects a name, got [\"Fn\"]"]);
    }

    #[test]
    fn get_att_both_forms() {
        assert_eq!(ok(json!({"Fn::GetAtt": ["Fn9270CBC0", "Arn"]})), FN_ARN);
        assert_eq!(ok(json!({"Fn::GetAtt": "Fn9270CBC0.Arn"})), FN_ARN);
        assert_eq!(ok(json!({"Fn::GetAtt": "Db.Endpoint.Address"})), "db.local");
        assert_eq!(ok(json!({"Fn::GetAtt": ["Fn9270CBC0", {"Fn::Join": ["", ["A", "rn"]]}]})), FN_ARN);
        assert_eq!(problems(json!({"Fn::GetAtt": ["Role", "Arn"]})), ["Test: Fn::GetAtt Role.Arn: no resource Role"]);
        assert_eq!(
            problems(json!({"Fn::GetAtt": "FnServiceRole.Arn"})),
            ["Test: Fn::GetAtt FnServiceRole.Arn: the resolver has no value for this AWS::IAM::Role"]
        );
        assert_eq!(
            problems(json!({"Fn::GetAtt": "NoDot"})),
            ["Test: Fn::GetAtt NoDot: expects \"Resource.Attribute\""]
        );
    }

    #[test]
    fn sub_forms() {
        let value = json!({"Fn::Sub": "${AWS::Region}|${Fn9270CBC0.Arn}|${!Literal}|${Stage}|${ Stage }|$x|${open"});
        assert_eq!(ok(value), format!("us-east-1|{FN_ARN}|${{Literal}}|dev|dev|$x|${{open"));
        let value = json!({"Fn::Sub": ["${Name}-${AWS::AccountId}-${Arn}", {
            "Name": {"Fn::Select": [1, ["a", "b"]]},
            "Arn": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
            "Unused": "u"
        }]});
        assert_eq!(ok(value), format!("b-123456789012-{FN_ARN}"));
        assert_eq!(ok(json!({"Fn::Sub": ["${N}", {"N": 5}]})), "5");
        assert_eq!(problems(json!({"Fn::Sub": "${Subnets}"})), ["Test: Fn::Sub ${Subnets}: is a list, not a string"]);
        assert_eq!(
            problems(json!({"Fn::Sub": "${Missing}"})),
            ["Test: Ref Missing: no parameter or resource of that name"]
        );
        assert_eq!(sub_pieces("${!a}b"), [Piece::Escaped("a"), Piece::Text("b")]);
    }

    #[test]
    fn join_select_split() {
        assert_eq!(ok(json!({"Fn::Join": [",", ["a", 1, true, {"Ref": "Stage"}]]})), "a,1,true,dev");
        assert_eq!(ok(json!({"Fn::Join": ["-", {"Ref": "Subnets"}]})), "a-b-c");
        assert_eq!(ok(json!({"Fn::Join": ["-", []]})), "");
        assert_eq!(ok(json!({"Fn::Select": ["1", {"Fn::Split": [",", "x,y,z"]}]})), "y");
        assert_eq!(ok(json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})), "us-east-1a");
        assert_eq!(ok(json!({"Fn::Split": ["/", "a//b"]})), json!(["a", "", "b"]));
        assert_eq!(
            problems(json!({"Fn::Select": [3, ["a"]]})),
            ["Test: Fn::Select: index 3 is out of range for a list of 1"]
        );
        assert_eq!(problems(json!({"Fn::Join": [",", [["x"]]]})), ["Test: Fn::Join: item 0 is a list, not a string"]);
        assert_eq!(problems(json!({"Fn::Split": ["", "ab"]})), ["Test: Fn::Split: the delimiter is empty"]);
    }

    #[test]
    fn conditions() {
        assert_eq!(ok(json!({"Fn::If": ["IsProd", "p", "d"]})), "d");
        assert_eq!(ok(json!({"Fn::If": ["IsDev", "d", {"Ref": "Missing"}]})), "d", "only the chosen branch");
        assert_eq!(ok(json!({"Fn::If": ["DevInUsEast1", 1, 2]})), 1);
        assert_eq!(ok(json!({"Fn::If": ["ProdOrDev", 1, 2]})), 1);
        assert_eq!(ok(json!({"Fn::Equals": [{"Ref": "Count"}, 3]})), true);
        let template = template();
        let prod = Evaluator::new(&template, Environment::default(), &TestResolver).parameter("Stage", json!("prod"));
        assert_eq!(prod.evaluate(&json!({"Fn::If": ["IsProd", "p", "d"]}), "X").unwrap(), "p");
        assert_eq!(prod.evaluate(&json!({"Fn::If": ["DevInUsEast1", 1, 2]}), "X").unwrap(), 2);
        assert_eq!(problems(json!({"Fn::If": ["Loop", 1, 2]})), ["Conditions.Loop: condition Loop refers to itself"]);
        assert_eq!(problems(json!({"Fn::If": ["Nope", 1, 2]})), ["Test: condition Nope is not defined in Conditions"]);
    }

    #[test]
    fn find_in_map() {
        assert_eq!(ok(json!({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]})), "ami-1");
        assert_eq!(ok(json!({"Fn::FindInMap": ["Regions", "us-east-1", "Zones"]})), json!(["x", "y"]));
        let with_default =
            json!({"Fn::FindInMap": ["Regions", "eu-west-1", "Ami", {"DefaultValue": {"Ref": "Stage"}}]});
        assert_eq!(ok(with_default), "dev");
        assert_eq!(
            problems(json!({"Fn::FindInMap": ["Regions", "eu-west-1", "Ami"]})),
            ["Test: Fn::FindInMap Regions.eu-west-1.Ami: not in Mappings"]
        );
    }

    #[test]
    fn base64_get_azs_import_value() {
        for (input, expected) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("hello world", "aGVsbG8gd29ybGQ=")]
        {
            assert_eq!(ok(json!({"Fn::Base64": input})), expected);
        }
        assert_eq!(ok(json!({"Fn::Base64": {"Fn::Sub": "${Stage}"}})), "ZGV2");
        assert_eq!(
            ok(json!({"Fn::GetAZs": {"Ref": "AWS::Region"}})),
            json!(["us-east-1a", "us-east-1b", "us-east-1c"])
        );
        assert_eq!(ok(json!({"Fn::GetAZs": "eu-west-1"})), json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"]));
        assert_eq!(
            problems(json!({"Fn::ImportValue": {"Fn::Sub": "${Stage}-VpcId"}})),
            ["Test: Fn::ImportValue dev-VpcId: not supported: needs the exporting stack"]
        );
    }

    #[test]
    fn to_json_string_and_length() {
        let value = json!({"Fn::ToJsonString": {"b": {"Ref": "Stage"}, "a": [1, {"Ref": "AWS::NoValue"}]}});
        assert_eq!(ok(value), r#"{"b":"dev","a":[1]}"#);
        assert_eq!(ok(json!({"Fn::Length": {"Ref": "Subnets"}})), 3);
        assert_eq!(ok(json!({"Fn::Length": [1, {"Ref": "AWS::NoValue"}]})), 1);
        assert_eq!(problems(json!({"Fn::Length": "abc"})), ["Test: Fn::Length: expects a list, got a string"]);
    }

    #[test]
    fn collects_every_problem_with_its_place() {
        let value = json!({
            "DefinitionString": {"Fn::Join": ["", ["x", {"Fn::GetAtt": ["Role", "Arn"]}, {"Ref": "Nothing"}]]},
            "Tags": [{"Value": {"Fn::Nope": 1}}],
            "Fine": {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::GetAtt": "Gone.Arn"}]}]}
        });
        let template = template();
        let evaluator = Evaluator::new(&template, Environment::default(), &TestResolver);
        let error = evaluator.evaluate(&value, "Resources.SM.Properties").unwrap_err();
        assert_eq!(
            error.problems,
            [
                "Resources.SM.Properties.DefinitionString: Fn::GetAtt Role.Arn: no resource Role",
                "Resources.SM.Properties.DefinitionString: Ref Nothing: no parameter or resource of that name",
                "Resources.SM.Properties.Tags[0].Value: Fn::Nope: unknown intrinsic function",
                "Resources.SM.Properties.Fine: Fn::GetAtt Gone.Arn: no resource Gone",
            ]
        );
        assert!(error.to_string().contains("\nResources.SM.Properties.Tags[0].Value"));
        assert_eq!(
            evaluator.resource_properties("Missing").unwrap_err().problems,
            ["Resources.Missing: no such resource"]
        );
        assert_eq!(evaluator.resource_properties("Db").unwrap(), json!({}));
    }

    #[test]
    fn odd_shapes_never_panic() {
        // Just past the limit: dropping much deeper serde_json values overflows a test thread's stack.
        let mut deep = json!("leaf");
        for _ in 0..150 {
            deep = json!({"Fn::Join": ["", [deep]]});
        }
        assert!(problems(deep)[0].contains("nested more than 128 levels deep"));
        let mut deep_literal = json!(1);
        for _ in 0..200 {
            deep_literal = json!([deep_literal]);
        }
        assert!(eval(deep_literal).is_err());

        let shapes = [
            json!(null),
            json!(7),
            json!(-1),
            json!(1.5),
            json!(true),
            json!(""),
            json!("x.y"),
            json!([]),
            json!([null]),
            json!([1, 2]),
            json!(["", ""]),
            json!([1, 2, 3]),
            json!(["a", "b", "c", "d"]),
            json!([[], {}]),
            json!({}),
            json!({"a": 1}),
            json!([{"Ref": 5}, {"Fn::If": []}]),
            json!([{"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}]),
            json!(["IsProd", {"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}]),
            json!(["Regions", "us-east-1", "Ami", 5]),
            json!(["${", {"": {"Ref": "AWS::NoValue"}}]),
            json!("${}${!}${.}${a.}${.b}ü${"),
        ];
        let functions = [
            "Ref",
            "Fn::GetAtt",
            "Fn::Sub",
            "Fn::Join",
            "Fn::Select",
            "Fn::Split",
            "Fn::If",
            "Fn::Equals",
            "Fn::And",
            "Fn::Or",
            "Fn::Not",
            "Fn::FindInMap",
            "Fn::Base64",
            "Fn::GetAZs",
            "Fn::ImportValue",
            "Fn::ToJsonString",
            "Fn::Length",
            "Fn::Cidr",
            "Fn::",
            "Condition",
        ];
        let odd_templates =
            [template(), json!(null), json!([1]), json!({"Resources": 5, "Conditions": [], "Mappings": "x"})];
        for odd_template in &odd_templates {
            let evaluator = Evaluator::new(odd_template, Environment::default(), &TestResolver);
            for function in functions {
                for shape in &shapes {
                    let value = json!({ function: shape });
                    let _ = evaluator.evaluate(&value, "X");
                    let _ = evaluator.evaluate(&json!({"Fn::If": [shape, 1, 2]}), "X");
                }
            }
            let _ = evaluator.resource_properties("SM");
            let _ = evaluator.resource_properties("");
        }
        assert_eq!(brief(&json!("é".repeat(100))).chars().count(), 83);
    }

    #[test]
    fn resolver_properties_stay_as_written_where_unknown() {
        struct Echo;
        impl Resolver for Echo {
            fn reference(&self, _: &str, _: &str, properties: &Value) -> Option<Value> {
                Some(properties.clone())
            }
            fn attribute(&self, _: &str, _: &str, _: &Value, _: &str) -> Option<Value> {
                None
            }
        }
        let template = json!({"Resources": {
            "A": {"Type": "T", "Properties": {"Name": {"Fn::Sub": "${AWS::Region}"}, "Other": {"Fn::GetAtt": "B.Arn"}, "Loop": {"Ref": "A"}}},
            "B": {"Type": "T"}
        }});
        let evaluator = Evaluator::new(&template, Environment::default(), &Echo);
        let seen = evaluator.evaluate(&json!({"Ref": "A"}), "X").unwrap();
        assert_eq!(seen["Name"], "us-east-1");
        assert_eq!(seen["Other"], json!({"Fn::GetAtt": "B.Arn"}));
        assert_eq!(seen["Loop"]["Name"], json!({"Fn::Sub": "${AWS::Region}"}), "a cycle sees them as written");
    }
}

//! The template model besides resources: the elements a stack holds next to its resources
//! (parameters, conditions, outputs) and the handles that refer to them.
//!
//! These are plain data, added with `Stack::add_parameter`, `add_condition` and `add_output` and
//! owned by the stack's arena like any construct, so they get construct paths and logical IDs
//! as resources do. Resources are modelled in `resource.rs` (a [`Resource`](crate::Resource)
//! spec in a [`ResourceNode`](crate::ResourceNode)); turning any of it into template JSON is
//! synth's render phase, so nothing here knows the template's text.

use crate::tree::{AsNode, NodeRef};
use crate::value::Value;

/// A template parameter (`Parameters` section).
#[derive(Debug, Clone, Default)]
pub struct ParameterNode {
    /// `Type`, e.g. `String`, `Number`, `AWS::SSM::Parameter::Value<String>`.
    pub param_type: String,
    /// `Default`: the value when none is given at deploy time.
    pub default: Option<serde_json::Value>,
    /// `Description`.
    pub description: Option<String>,
    /// `AllowedValues`: the only values accepted (any when empty).
    pub allowed_values: Vec<serde_json::Value>,
    /// `AllowedPattern`: a regular expression string values must match.
    pub allowed_pattern: Option<String>,
    /// `MinLength` of a string value.
    pub min_length: Option<u32>,
    /// `MaxLength` of a string value.
    pub max_length: Option<u32>,
    /// `MinValue` of a number value.
    pub min_value: Option<f64>,
    /// `MaxValue` of a number value.
    pub max_value: Option<f64>,
    /// `NoEcho`: the value is masked in the console and API.
    pub no_echo: bool,
}

impl ParameterNode {
    /// A parameter of the given type with nothing else set.
    pub fn new(param_type: impl Into<String>) -> ParameterNode {
        ParameterNode { param_type: param_type.into(), ..Default::default() }
    }
    /// Sets the default.
    pub fn default_value(mut self, v: impl Into<serde_json::Value>) -> Self {
        self.default = Some(v.into());
        self
    }
    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Restricts the values.
    pub fn allowed_values<V: Into<serde_json::Value>>(mut self, vs: impl IntoIterator<Item = V>) -> Self {
        self.allowed_values = vs.into_iter().map(Into::into).collect();
        self
    }
    /// Hides the value in the console and API.
    pub fn no_echo(mut self) -> Self {
        self.no_echo = true;
        self
    }
}

/// A handle to a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParameterRef(pub(crate) NodeRef);

impl ParameterRef {
    /// `{"Ref": <parameter>}`.
    pub fn value(self) -> Value {
        Value::Ref(self.0)
    }
}

impl AsNode for ParameterRef {
    fn node(&self) -> NodeRef {
        self.0
    }
}

/// A template output (`Outputs` section).
#[derive(Debug, Clone)]
pub struct OutputNode {
    /// `Value`: what the output shows (any value, references included).
    pub value: Value,
    /// `Description`.
    pub description: Option<String>,
    /// `Export.Name`: exports the value under this name for `Fn::ImportValue` elsewhere.
    pub export_name: Option<Value>,
    /// `Condition`: the output exists only when this condition holds.
    pub condition: Option<NodeRef>,
}

impl OutputNode {
    /// An output of `value`.
    pub fn new(value: impl Into<Value>) -> OutputNode {
        OutputNode { value: value.into(), description: None, export_name: None, condition: None }
    }
    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Exports the value under `name`.
    pub fn export_name(mut self, name: impl Into<Value>) -> Self {
        self.export_name = Some(name.into());
        self
    }
}

/// A template condition (`Conditions` section).
#[derive(Debug, Clone)]
pub struct ConditionNode {
    /// A condition expression: `Value::equals`, `Value::And`, ...
    pub expression: Value,
}

/// A handle to a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionRef(pub(crate) NodeRef);

impl ConditionRef {
    /// `{"Fn::If": [cond, then, else]}`.
    pub fn if_then(self, then: impl Into<Value>, otherwise: impl Into<Value>) -> Value {
        Value::If(self.0, Box::new(then.into()), Box::new(otherwise.into()))
    }
    /// `{"Condition": <cond>}` for use inside other condition expressions.
    pub fn reference(self) -> Value {
        Value::Condition(self.0)
    }
}

impl AsNode for ConditionRef {
    fn node(&self) -> NodeRef {
        self.0
    }
}

//! Resources: the typed-L1 trait, the raw escape hatch and per-resource options.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Debug;

use crate::tree::NodeRef;
use crate::validation::Validator;
use crate::value::Value;

/// A CloudFormation resource specification: its type, its properties and its own checks.
///
/// The construct library implements this for typed L1 structs (`CfnRole`, `CfnStateMachine`,
/// ...); [`CfnResource`] implements it for any type with free-form properties.
///
/// ```
/// use framework::{Resource, Validator, Value};
/// use std::collections::BTreeMap;
///
/// #[derive(Debug, Clone)]
/// struct CfnTopic { name: String }
///
/// impl Resource for CfnTopic {
///     fn cfn_type(&self) -> &str { "AWS::SNS::Topic" }
///     fn properties(&self) -> BTreeMap<String, Value> {
///         BTreeMap::from([("TopicName".to_string(), Value::from(self.name.as_str()))])
///     }
///     fn validate(&self, v: &mut Validator<'_>) {
///         if self.name.len() > 256 { v.error("TopicName must be at most 256 characters"); }
///     }
///     fn as_any(&self) -> &dyn std::any::Any { self }
///     fn as_any_mut(&mut self) -> &mut dyn std::any::Any { self }
/// }
/// # let _ = CfnTopic { name: "t".into() }.properties();
/// ```
pub trait Resource: Debug + Send + Sync + 'static {
    /// The CloudFormation type, e.g. `AWS::IAM::Role`.
    fn cfn_type(&self) -> &str;
    /// The `Properties` block. Null values and empty collections are left out of the template.
    fn properties(&self) -> BTreeMap<String, Value>;
    /// Checks on the resource's own values; report each problem with [`Validator::error`].
    fn validate(&self, _v: &mut Validator<'_>) {}
    /// For downcasting to the concrete type (`stack.resource_spec::<T>()`).
    fn as_any(&self) -> &dyn Any;
    /// For downcasting to the concrete type (`stack.resource_spec_mut::<T>()`).
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// What happens to a resource's physical resource when it leaves the stack or is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemovalPolicy {
    /// Delete it (CloudFormation's default).
    Destroy,
    /// Keep it, orphaned from the stack.
    Retain,
    /// Take a snapshot before deleting (for types that support it).
    Snapshot,
    /// Retain, except when the stack operation that created it rolls back (then delete it).
    RetainExceptOnCreate,
}

impl RemovalPolicy {
    /// The `DeletionPolicy` / `UpdateReplacePolicy` value.
    pub fn cfn_value(self) -> &'static str {
        match self {
            RemovalPolicy::Destroy => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
            RemovalPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
        }
    }
}

/// A resource in the tree: its specification plus template-level options.
#[derive(Debug)]
pub struct ResourceNode {
    /// The typed specification.
    pub spec: Box<dyn Resource>,
    /// `DeletionPolicy` and `UpdateReplacePolicy` (the latter never `RetainExceptOnCreate`).
    pub removal_policy: Option<RemovalPolicy>,
    /// Explicit dependencies; only those not implied by a Ref/GetAtt are emitted as `DependsOn`.
    pub depends_on: Vec<NodeRef>,
    /// `Condition` attribute.
    pub condition: Option<NodeRef>,
    /// `Metadata` attribute.
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// Raw overrides applied to the rendered resource, in order: (dotted path, value or delete).
    pub overrides: Vec<(String, Option<serde_json::Value>)>,
}

impl ResourceNode {
    /// A resource node with no options set.
    pub fn new(spec: Box<dyn Resource>) -> ResourceNode {
        ResourceNode {
            spec,
            removal_policy: None,
            depends_on: Vec::new(),
            condition: None,
            metadata: BTreeMap::new(),
            overrides: Vec::new(),
        }
    }
}

/// The escape hatch: a resource of any type with free-form properties.
///
/// ```
/// use framework::{App, CfnResource, Value};
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let topic = CfnResource::new("AWS::SNS::Topic")
///     .property("TopicName", "alerts")
///     .add(stack, "Topic");
/// let assembly = app.synth().unwrap();
/// let template = &assembly.stack("Stack").unwrap().template();
/// assert_eq!(template["Resources"]["Topic"]["Type"], "AWS::SNS::Topic");
/// # let _ = topic;
/// ```
#[derive(Debug, Clone)]
pub struct CfnResource {
    cfn_type: String,
    properties: BTreeMap<String, Value>,
}

impl CfnResource {
    /// A resource of `cfn_type` with no properties yet.
    pub fn new(cfn_type: impl Into<String>) -> CfnResource {
        CfnResource { cfn_type: cfn_type.into(), properties: BTreeMap::new() }
    }

    /// Sets one property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<Value>) -> CfnResource {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// Sets a property in place.
    pub fn set_property(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.properties.insert(name.into(), value.into());
    }

    /// Adds the resource to the tree under `scope` with construct id `id`.
    pub fn add<'a>(self, scope: impl Into<crate::Scope<'a>>, id: &str) -> NodeRef {
        let mut scope = scope.into();
        scope.add_resource(id, Box::new(self), "framework.CfnResource")
    }
}

impl Resource for CfnResource {
    fn cfn_type(&self) -> &str {
        &self.cfn_type
    }
    fn properties(&self) -> BTreeMap<String, Value> {
        self.properties.clone()
    }
    fn validate(&self, v: &mut Validator<'_>) {
        let t = &self.cfn_type;
        let parts: Vec<&str> = t.split("::").collect();
        let well_formed = (parts.len() == 3 && parts.iter().all(|p| !p.is_empty()))
            || (t.starts_with("Custom::") && t.len() > "Custom::".len());
        if !well_formed {
            v.error(format!("resource type {t:?} is not of the form Vendor::Service::Resource (or Custom::Name)"));
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

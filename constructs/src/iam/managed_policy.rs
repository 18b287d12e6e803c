//! Customer managed policies: `AWS::IAM::ManagedPolicy`.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{Resource, Scope, Stack, Validator, Value};

use crate::iam::document::PolicyDocument;
use crate::iam::identity_policy::{self, statement_setters, IdentityPolicy};
use crate::iam::names::{path_shape_problem, DESCRIPTION, PATH, POLICY_NAME};
use crate::iam::role::RoleRef;
use crate::iam::statement::PolicyStatement;

/// `AWS::IAM::ManagedPolicy`, typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CfnManagedPolicy {
    /// `ManagedPolicyName` (CloudFormation generates one when unset).
    pub managed_policy_name: Option<Value>,
    /// `Description`.
    pub description: Option<Value>,
    /// `Path`.
    pub path: Option<Value>,
    /// `PolicyDocument`: the permissions.
    pub policy_document: PolicyDocument,
    /// `Roles`: the names of the roles the policy is attached to.
    pub roles: Vec<Value>,
}

impl Resource for CfnManagedPolicy {
    fn cfn_type(&self) -> &str {
        "AWS::IAM::ManagedPolicy"
    }
    fn properties(&self) -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("ManagedPolicyName".to_string(), self.managed_policy_name.clone().into()),
            ("Description".to_string(), self.description.clone().into()),
            ("Path".to_string(), self.path.clone().into()),
            ("PolicyDocument".to_string(), self.policy_document.to_value()),
            ("Roles".to_string(), Value::List(self.roles.clone())),
        ])
    }
    fn validate(&self, v: &mut Validator<'_>) {
        POLICY_NAME.check_opt(v, "ManagedPolicyName", self.managed_policy_name.as_ref());
        DESCRIPTION.check_opt(v, "Description", self.description.as_ref());
        PATH.check_opt(v, "Path", self.path.as_ref());
        if let Some(Value::String(path)) = &self.path {
            if let Some(p) = path_shape_problem(path) {
                v.error(p);
            }
        }
        identity_policy::check_document(&self.policy_document, v);
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl IdentityPolicy for CfnManagedPolicy {
    fn document_mut(&mut self) -> &mut PolicyDocument {
        &mut self.policy_document
    }
}

/// Properties of a [`ManagedPolicy`].
#[derive(Debug, Clone, derive_builder::Builder)]
#[builder(pattern = "owned", build_fn(skip), setter(into, strip_option), name = "ManagedPolicyBuilder")]
pub struct ManagedPolicyProps {
    /// Physical name (generated when unset).
    pub managed_policy_name: Option<Value>,
    /// Description.
    pub description: Option<Value>,
    /// IAM path.
    pub path: Option<Value>,
    /// Statements.
    #[builder(setter(custom))]
    pub statements: Vec<PolicyStatement>,
    /// Roles it is attached to.
    #[builder(setter(custom))]
    pub roles: Vec<RoleRef>,
}

impl ManagedPolicyBuilder {
    statement_setters!();
    /// Adds the managed policy under `scope` with construct id `id`.
    pub fn build<'a>(self, scope: impl Into<Scope<'a>>, id: &str) -> ManagedPolicyRef {
        let mut scope = scope.into();
        let node = scope.add_construct(id, "constructs.iam.ManagedPolicy");
        let (policy_document, roles) = identity_policy::document_and_roles(self.statements, self.roles);
        let spec = CfnManagedPolicy {
            managed_policy_name: self.managed_policy_name.flatten(),
            description: self.description.flatten(),
            path: self.path.flatten(),
            policy_document,
            roles,
        };
        let resource = scope.at(node).add_resource("Resource", Box::new(spec), "constructs.iam.CfnManagedPolicy");
        ManagedPolicyRef { node, resource }
    }
}

/// A customer managed policy (L2).
///
/// ```
/// use constructs::iam::{ManagedPolicy, PolicyStatement};
/// use framework::App;
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let mp = ManagedPolicy::builder()
///     .statement(PolicyStatement::allow().action("logs:DescribeLogGroups").resource("*"))
///     .build(&mut *stack, "ReadLogs");
/// let _arn = mp.arn();
/// assert!(app.synth().is_ok());
/// ```
pub struct ManagedPolicy;

impl ManagedPolicy {
    /// A builder for a new managed policy.
    pub fn builder() -> ManagedPolicyBuilder {
        ManagedPolicyBuilder::default()
    }
}

crate::handle::handle!(ManagedPolicy, ManagedPolicyRef);

impl ManagedPolicyRef {
    /// The policy ARN (`Ref` of a managed policy is its ARN).
    pub fn arn(self) -> Value {
        Value::Ref(self.resource)
    }
    /// Adds a statement (kept once if already present).
    pub fn add_statement(self, stack: &mut Stack, statement: PolicyStatement) {
        identity_policy::add_statement::<CfnManagedPolicy>(stack, self.node, self.resource, statement);
    }
}

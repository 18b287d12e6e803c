//! Customer managed policies: `AWS::IAM::ManagedPolicy`.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{Resource, Scope, Stack, Validator, Value};

use crate::iam::document::PolicyDocument;
use crate::iam::names::{path_shape_problem, DESCRIPTION, PATH, POLICY_NAME};
use crate::iam::role::RoleRef;
use crate::iam::statement::{PolicyStatement, StatementContext};

/// `AWS::IAM::ManagedPolicy`, typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CfnManagedPolicy {
    pub managed_policy_name: Option<Value>,
    pub description: Option<Value>,
    pub path: Option<Value>,
    pub policy_document: PolicyDocument,
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
        for p in self.policy_document.problems(StatementContext::Identity) {
            v.error(format!("PolicyDocument: {p}"));
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
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
    /// Adds a statement.
    pub fn statement(mut self, statement: PolicyStatement) -> Self {
        self.statements.get_or_insert_with(Vec::new).push(statement);
        self
    }
    /// Attaches the policy to a role.
    pub fn role(mut self, role: RoleRef) -> Self {
        self.roles.get_or_insert_with(Vec::new).push(role);
        self
    }
    /// Adds the managed policy under `scope` with construct id `id`.
    pub fn build<'a>(self, scope: impl Into<Scope<'a>>, id: &str) -> ManagedPolicyRef {
        let mut scope = scope.into();
        let node = scope.add_construct(id, "constructs.iam.ManagedPolicy");
        let spec = CfnManagedPolicy {
            managed_policy_name: self.managed_policy_name.flatten(),
            description: self.description.flatten(),
            path: self.path.flatten(),
            policy_document: PolicyDocument::with_statements(self.statements.unwrap_or_default()),
            roles: self.roles.unwrap_or_default().into_iter().map(RoleRef::name).collect(),
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
    /// Adds a statement.
    pub fn add_statement(self, stack: &mut Stack, statement: PolicyStatement) {
        match stack.resource_spec_mut::<CfnManagedPolicy>(self.resource) {
            Some(p) => p.policy_document.add_statement(statement),
            None => stack.add_problem(self.node, "cannot add a statement: the policy belongs to another stack"),
        }
    }
}

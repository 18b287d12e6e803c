//! IAM policies attached to roles: the typed L1 (`CfnPolicy`), the L2 builder and its handle.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{NodeRef, Resource, Scope, Stack, Validator, Value};

use crate::iam::document::PolicyDocument;
use crate::iam::identity_policy::{self, statement_setters, IdentityPolicy};
use crate::iam::names::POLICY_NAME;
use crate::iam::role::RoleRef;
use crate::iam::statement::PolicyStatement;

/// `AWS::IAM::Policy`, typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CfnPolicy {
    /// `PolicyName`.
    pub policy_name: Value,
    /// `PolicyDocument`: the permissions.
    pub policy_document: PolicyDocument,
    /// `Roles`: the names of the roles the policy is attached to.
    pub roles: Vec<Value>,
    /// `Users`: the names of the users it is attached to.
    pub users: Vec<Value>,
    /// `Groups`: the names of the groups it is attached to.
    pub groups: Vec<Value>,
}

impl Resource for CfnPolicy {
    fn cfn_type(&self) -> &str {
        "AWS::IAM::Policy"
    }
    fn properties(&self) -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("PolicyName".to_string(), self.policy_name.clone()),
            ("PolicyDocument".to_string(), self.policy_document.to_value()),
            ("Roles".to_string(), Value::List(self.roles.clone())),
            ("Users".to_string(), Value::List(self.users.clone())),
            ("Groups".to_string(), Value::List(self.groups.clone())),
        ])
    }
    fn validate(&self, v: &mut Validator<'_>) {
        if self.policy_name == Value::Null {
            v.error("missing required property PolicyName");
        }
        POLICY_NAME.check(v, "PolicyName", &self.policy_name);
        identity_policy::check_document(&self.policy_document, v);
        if self.roles.is_empty() && self.users.is_empty() && self.groups.is_empty() {
            v.error("the policy is attached to nothing: give it at least one role, user or group");
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl IdentityPolicy for CfnPolicy {
    fn document_mut(&mut self) -> &mut PolicyDocument {
        &mut self.policy_document
    }
}

/// Properties of a [`Policy`].
#[derive(Debug, Clone, derive_builder::Builder)]
#[builder(pattern = "owned", build_fn(skip), setter(into, strip_option), name = "PolicyBuilder")]
pub struct PolicyProps {
    /// Policy name (defaults to the policy's logical ID, as AWS CDK does).
    pub policy_name: Option<Value>,
    /// Statements.
    #[builder(setter(custom))]
    pub statements: Vec<PolicyStatement>,
    /// Roles the policy is attached to.
    #[builder(setter(custom))]
    pub roles: Vec<RoleRef>,
}

impl PolicyBuilder {
    statement_setters!();

    /// Adds the policy under `scope` with construct id `id`.
    pub fn build<'a>(self, scope: impl Into<Scope<'a>>, id: &str) -> PolicyRef {
        let mut scope = scope.into();
        let node = scope.add_construct(id, "constructs.iam.Policy");
        let explicit_name = self.policy_name.flatten();
        let (policy_document, roles) = identity_policy::document_and_roles(self.statements, self.roles);
        let spec = CfnPolicy {
            policy_name: explicit_name.clone().unwrap_or(Value::Null),
            policy_document,
            roles,
            users: Vec::new(),
            groups: Vec::new(),
        };
        let resource = scope.at(node).add_resource("Resource", Box::new(spec), "constructs.iam.CfnPolicy");
        if explicit_name.is_none() {
            // Default name: the policy's own logical ID, as AWS CDK does.
            if let Some(p) = scope.stack().resource_spec_mut::<CfnPolicy>(resource) {
                p.policy_name = Value::LogicalId(resource);
            }
        }
        PolicyRef { node, resource }
    }
}

/// An IAM policy (L2) attached to roles.
///
/// ```
/// use constructs::iam::{Policy, PolicyStatement, Principal, Role};
/// use framework::App;
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let role = Role::builder().assumed_by(Principal::service("events.amazonaws.com")).build(&mut *stack, "Role");
/// Policy::builder()
///     .role(role)
///     .statement(PolicyStatement::allow().action("states:StartExecution").resource("*"))
///     .build(&mut *stack, "Policy");
/// assert!(app.synth().is_ok());
/// ```
pub struct Policy;

impl Policy {
    /// A builder for a new policy.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }
}

crate::handle::handle!(Policy, PolicyRef);

impl PolicyRef {
    /// The handle of an existing policy construct node (`None` if it is not one).
    pub fn from_node(stack: &Stack, node: NodeRef) -> Option<PolicyRef> {
        let resource = stack.find_child(node, "Resource")?;
        stack.resource_spec::<CfnPolicy>(resource)?;
        Some(PolicyRef { node, resource })
    }
    /// Adds a statement (kept once if already present).
    pub fn add_statement(self, stack: &mut Stack, statement: PolicyStatement) {
        identity_policy::add_statement::<CfnPolicy>(stack, self.node, self.resource, statement);
    }
    /// Attaches the policy to another role.
    pub fn attach_to_role(self, stack: &mut Stack, role: RoleRef) {
        match stack.resource_spec_mut::<CfnPolicy>(self.resource) {
            Some(p) => {
                if !p.roles.contains(&role.name()) {
                    p.roles.push(role.name())
                }
            }
            None => stack.add_problem(self.node, "cannot attach: the policy belongs to another stack"),
        }
    }
}

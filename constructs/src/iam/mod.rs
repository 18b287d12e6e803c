//! AWS Identity and Access Management: roles, policies, statements, principals and grants.

mod document;
pub mod evaluate;
mod grant;
mod identity_policy;
mod managed_policy;
mod names;
mod policy;
mod principal;
mod role;
mod statement;

pub use document::PolicyDocument;
pub use evaluate::{evaluate, evaluate_request, problems, trusts, trusts_with_context, Decision, Request};
pub use grant::grant;
pub use managed_policy::{CfnManagedPolicy, ManagedPolicy, ManagedPolicyBuilder, ManagedPolicyProps, ManagedPolicyRef};
pub use policy::{CfnPolicy, Policy, PolicyBuilder, PolicyProps, PolicyRef};
pub use principal::Principal;
pub use role::{CfnRole, Role, RoleBuilder, RoleProps, RoleRef};
pub use statement::{Effect, PolicyStatement, StatementContext};

//! Grants: give a role exactly the permissions it needs on a resource.

use framework::{Stack, Value};

use crate::iam::role::RoleRef;
use crate::iam::statement::PolicyStatement;

/// Adds one `Allow` statement with `actions` on `resources` to `grantee`'s default policy.
///
/// Constructs offer typed grants on top of this (`state_machine.grant_start_execution(stack, role)`).
///
/// ```
/// use constructs::iam::{grant, Principal, Role};
/// use framework::{App, Value};
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let role = Role::builder().assumed_by(Principal::service("events.amazonaws.com")).build(&mut *stack, "Role");
/// grant(stack, role, ["sqs:SendMessage"], [Value::from("arn:aws:sqs:eu-west-1:123456789012:q")]);
/// assert!(app.synth().is_ok());
/// ```
pub fn grant<A: Into<String>>(
    stack: &mut Stack,
    grantee: RoleRef,
    actions: impl IntoIterator<Item = A>,
    resources: impl IntoIterator<Item = Value>,
) {
    grantee.add_to_policy(stack, PolicyStatement::allow().actions(actions).resources(resources));
}

//! What [`Policy`](crate::iam::Policy) and [`ManagedPolicy`](crate::iam::ManagedPolicy) share:
//! an identity-based policy document attached to roles. The builders' `statement` / `role`
//! setters, the document and role list they start with, adding statements afterwards and the
//! document's checks are written once here.

use framework::{NodeRef, Resource, Stack, Validator, Value};

use crate::iam::document::PolicyDocument;
use crate::iam::role::RoleRef;
use crate::iam::statement::{PolicyStatement, StatementContext};

/// An L1 resource holding an identity-based policy document (`PolicyDocument`).
pub(crate) trait IdentityPolicy: Resource + 'static {
    /// The document, to add statements to.
    fn document_mut(&mut self) -> &mut PolicyDocument;
}

/// The builder setters of the statements and roles (fields `statements`, `roles`). Expands
/// inside the builder's `impl` block.
macro_rules! statement_setters {
    () => {
        /// Adds a statement (an identical one already added is kept once).
        pub fn statement(mut self, statement: $crate::iam::PolicyStatement) -> Self {
            self.statements.get_or_insert_with(Vec::new).push(statement);
            self
        }
        /// Attaches the policy to a role.
        pub fn role(mut self, role: $crate::iam::RoleRef) -> Self {
            self.roles.get_or_insert_with(Vec::new).push(role);
            self
        }
    };
}

pub(crate) use statement_setters;

/// The document of the builder's statements, and the names (`Ref`) of the roles it is attached to.
pub(crate) fn document_and_roles(
    statements: Option<Vec<PolicyStatement>>,
    roles: Option<Vec<RoleRef>>,
) -> (PolicyDocument, Vec<Value>) {
    let document = PolicyDocument::with_statements(statements.unwrap_or_default());
    (document, roles.unwrap_or_default().into_iter().map(RoleRef::name).collect())
}

/// Adds `statement` to the document of the policy `resource` (construct `node`), kept once if
/// already present; a policy of another stack is reported on `node`.
pub(crate) fn add_statement<P: IdentityPolicy>(
    stack: &mut Stack,
    node: NodeRef,
    resource: NodeRef,
    statement: PolicyStatement,
) {
    match stack.resource_spec_mut::<P>(resource) {
        Some(p) => p.document_mut().add_statement(statement),
        None => stack.add_problem(node, "cannot add a statement: the policy belongs to another stack"),
    }
}

/// The checks of an identity policy's document, reported under `PolicyDocument`.
pub(crate) fn check_document(document: &PolicyDocument, v: &mut Validator<'_>) {
    for p in document.problems(StatementContext::Identity) {
        v.error(format!("PolicyDocument: {p}"));
    }
}

#[cfg(test)]
mod tests {
    use framework::App;
    use serde_json::json;

    use crate::iam::{ManagedPolicy, Policy, PolicyStatement, Principal, Role};

    fn statement(action: &str) -> PolicyStatement {
        PolicyStatement::allow().action(action).resource("*")
    }

    #[test]
    fn both_policies_build_and_extend_their_documents_alike() {
        let mut app = App::new();
        let stack = app.add_stack("S");
        let role = Role::builder().assumed_by(Principal::service("states.amazonaws.com")).build(&mut *stack, "Role");
        let policy = Policy::builder()
            .statement(statement("a:One"))
            .statement(statement("a:One"))
            .role(role)
            .build(&mut *stack, "Policy");
        let managed = ManagedPolicy::builder()
            .statement(statement("a:One"))
            .statement(statement("a:One"))
            .role(role)
            .build(&mut *stack, "Managed");
        policy.add_statement(stack, statement("a:Two"));
        managed.add_statement(stack, statement("a:Two"));
        policy.add_statement(stack, statement("a:Two"));
        managed.add_statement(stack, statement("a:Two"));
        let asm = app.synth().unwrap();
        let resources = &asm.stack("S").unwrap().template()["Resources"];
        let expected = json!({
            "Statement": [
                {"Action": "a:One", "Effect": "Allow", "Resource": "*"},
                {"Action": "a:Two", "Effect": "Allow", "Resource": "*"}
            ],
            "Version": "2012-10-17"
        });
        for ty in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
            let r = resources.as_object().unwrap().values().find(|r| r["Type"] == ty).unwrap();
            assert_eq!(r["Properties"]["PolicyDocument"], expected, "{ty}: {resources:#}");
            assert_eq!(r["Properties"]["Roles"], json!([{"Ref": "Role1ABCC5F0"}]), "{ty}");
        }
    }

    /// The problems of a synth that must fail.
    fn problems(app: &App) -> Vec<String> {
        app.synth().expect_err("synth fails").problems().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn both_policies_report_an_empty_document() {
        let mut app = App::new();
        let stack = app.add_stack("S");
        let role = Role::builder().assumed_by(Principal::service("states.amazonaws.com")).build(&mut *stack, "Role");
        Policy::builder().role(role).build(&mut *stack, "Empty");
        ManagedPolicy::builder().build(&mut *stack, "EmptyManaged");
        let problems = problems(&app);
        for needle in [
            "S/Empty/Resource: PolicyDocument: policy document has no statements",
            "S/EmptyManaged/Resource: PolicyDocument: policy document has no statements",
        ] {
            assert!(problems.iter().any(|p| p.starts_with(needle)), "{needle}: {problems:#?}");
        }
    }

    #[test]
    fn both_policies_report_a_statement_added_through_a_foreign_handle() {
        let mut other = App::new();
        let other_stack = other.add_stack("O");
        let foreign_policy = Policy::builder().statement(statement("a:B")).build(&mut *other_stack, "P");
        let foreign_managed = ManagedPolicy::builder().statement(statement("a:B")).build(&mut *other_stack, "M");
        let add: [&dyn Fn(&mut framework::Stack); 2] =
            [&|stack| foreign_policy.add_statement(stack, statement("a:C")), &|stack| {
                foreign_managed.add_statement(stack, statement("a:C"))
            }];
        for add in add {
            let mut app = App::new();
            add(app.add_stack("S"));
            let problems = problems(&app);
            assert!(
                problems.contains(&"S: cannot add a statement: the policy belongs to another stack".into()),
                "{problems:#?}"
            );
        }
    }
}

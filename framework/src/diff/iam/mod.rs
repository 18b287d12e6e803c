//! IAM changes: policy statements and managed policy attachments added or removed by a
//! deployment, and whether permissions broaden.
//!
//! Statements are read from every resource type that grants permissions, escape hatches included:
//!
//! - identities: `AWS::IAM::Role` (its `AssumeRolePolicyDocument`, the resource defaulting to the
//!   role), and `AWS::IAM::Role`, `AWS::IAM::User`, `AWS::IAM::Group` with inline `Policies` (the
//!   principal defaulting to the identity) and `ManagedPolicyArns`;
//! - identity policies, their principal defaulting to the identity they are attached to:
//!   `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` (`Roles`, `Users`, `Groups`),
//!   `AWS::IAM::RolePolicy` (`RoleName`), `AWS::IAM::UserPolicy` (`UserName`),
//!   `AWS::IAM::GroupPolicy` (`GroupName`);
//! - resource policies, their resource defaulting to what they are attached to:
//!   `AWS::SQS::QueuePolicy` (`Queues`), `AWS::SNS::TopicPolicy` (`Topics`),
//!   `AWS::S3::BucketPolicy` (`Bucket`), `AWS::Logs::ResourcePolicy` (a document as JSON text),
//!   `AWS::Events::EventBusPolicy` (its `Statement`, or the older `Action`/`Principal`/`Condition`
//!   form, on the bus `EventBusName`, by default `default`), `AWS::KMS::Key` and
//!   `AWS::KMS::ReplicaKey` (`KeyPolicy`, an object or JSON text, on the key itself; a key
//!   without one gets KMS's default key policy: `kms:*` for the account), and
//!   `AWS::Lambda::Permission`.
//!
//! Statements of both templates are matched as multisets on everything but the resource they
//! come from (a statement moving from an `AWS::IAM::Policy` to an `AWS::IAM::RolePolicy` of the
//! same role is no change).
//!
//! Broadening follows AWS CDK's definition: an allowing statement is added, a restricting one
//! (a `Deny`, or an `Allow` with `NotAction`/`NotResource`/`NotPrincipal`) is removed, or a
//! managed policy is attached. A changed statement is the removal of the old one and the
//! addition of the new one, so a widened `Allow` broadens. Unlike CDK, a statement whose effect
//! cannot be read (an intrinsic such as `Fn::If`) counts as broadening when added or removed.

mod statement;

use std::collections::BTreeMap;

use serde_json::Value;

pub use statement::{Effect, IamStatement, Targets};

use super::intrinsics::render_intrinsics;

/// A managed policy attached to an identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManagedPolicyAttachment {
    /// The identity (`${Role1ABCC5F0}`).
    pub identity: String,
    /// The managed policy ARN (intrinsics rendered).
    pub policy_arn: String,
}

/// The IAM changes of a template diff.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IamChanges {
    /// Statements only in the new template.
    pub added: Vec<IamStatement>,
    /// Statements only in the old template.
    pub removed: Vec<IamStatement>,
    /// Managed policy attachments only in the new template.
    pub managed_added: Vec<ManagedPolicyAttachment>,
    /// Managed policy attachments only in the old template.
    pub managed_removed: Vec<ManagedPolicyAttachment>,
}

impl IamChanges {
    /// Compares the IAM content of resource definitions `(logical ID, old, new)`.
    pub fn from_resources<'a>(
        resources: impl IntoIterator<Item = (&'a str, Option<&'a Value>, Option<&'a Value>)>,
    ) -> IamChanges {
        let (mut old_st, mut new_st, mut old_mp, mut new_mp) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (id, old, new) in resources {
            if let Some(def) = old {
                read_resource(id, def, &mut old_st, &mut old_mp);
            }
            if let Some(def) = new {
                read_resource(id, def, &mut new_st, &mut new_mp);
            }
        }
        let (added, removed) = multiset_diff(old_st, new_st, IamStatement::key);
        let (managed_added, managed_removed) =
            multiset_diff(old_mp, new_mp, |m| format!("{}|{}", m.identity, m.policy_arn));
        IamChanges { added, removed, managed_added, managed_removed }
    }

    /// Whether there is any IAM change.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.managed_added.is_empty()
            && self.managed_removed.is_empty()
    }

    /// Whether the changes broaden permissions (see the module docs).
    pub fn permissions_broaden(&self) -> bool {
        self.added.iter().any(|s| s.is_unknown() || !s.is_negative())
            || self.removed.iter().any(|s| s.is_unknown() || s.is_negative())
            || !self.managed_added.is_empty()
    }
}

/// `(only in new, only in old)`, keeping multiplicities, in first-seen order.
fn multiset_diff<T>(old: Vec<T>, new: Vec<T>, key: impl Fn(&T) -> String) -> (Vec<T>, Vec<T>) {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for x in &old {
        *counts.entry(key(x)).or_default() += 1;
    }
    let mut added = Vec::new();
    for x in new {
        let c = counts.entry(key(&x)).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            added.push(x);
        }
    }
    // What is left in the counts was not matched by a new one.
    let mut removed = Vec::new();
    for x in old {
        let c = counts.entry(key(&x)).or_default();
        if *c > 0 {
            *c -= 1;
            removed.push(x);
        }
    }
    (added, removed)
}

/// Statements of a policy document (an object, or JSON text) with defaults applied.
fn statements(source: &str, doc: Option<&Value>) -> Vec<IamStatement> {
    let parsed;
    let doc = match doc {
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(v) => {
                parsed = render_intrinsics(&v);
                &parsed
            }
            Err(_) => return vec![IamStatement::parse(source, &Value::String(s.clone()))],
        },
        Some(v) => v,
        None => return Vec::new(),
    };
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().map(|s| IamStatement::parse(source, s)).collect(),
        Some(one @ Value::Object(_)) => vec![IamStatement::parse(source, one)],
        Some(other) => vec![IamStatement::parse(source, other)],
        None if !doc.is_object() => vec![IamStatement::parse(source, doc)],
        None => Vec::new(),
    }
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().map(super::intrinsics::display).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![super::intrinsics::display(one)],
    }
}

fn read_resource(id: &str, def: &Value, out: &mut Vec<IamStatement>, managed: &mut Vec<ManagedPolicyAttachment>) {
    let rtype = def.get("Type").and_then(Value::as_str).unwrap_or_default();
    let Some(props) = def.get("Properties") else { return };
    let props = render_intrinsics(props);
    let get = |k: &str| props.get(k);
    let identity = format!("AWS:${{{id}}}");
    match rtype {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
            if rtype == "AWS::IAM::Role" {
                let arn = format!("${{{id}.Arn}}");
                for mut s in statements(id, get("AssumeRolePolicyDocument")) {
                    s.resources.default_to(&arn);
                    out.push(s);
                }
            }
            if let Some(Value::Array(policies)) = get("Policies") {
                for p in policies {
                    let doc = p.get("PolicyDocument").or(Some(p));
                    for mut s in statements(id, doc) {
                        s.principals.default_to(&identity);
                        out.push(s);
                    }
                }
            }
            for arn in list(get("ManagedPolicyArns")) {
                managed.push(ManagedPolicyAttachment { identity: format!("${{{id}}}"), policy_arn: arn });
            }
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            let parsed = statements(id, get("PolicyDocument"));
            let mut principals: Vec<String> = Vec::new();
            for key in ["Groups", "Users", "Roles"] {
                principals.extend(list(get(key)));
            }
            attach(parsed, &principals, |s, p| s.principals.default_to(&format!("AWS:{p}")), out);
        }
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            let key = match rtype {
                "AWS::IAM::RolePolicy" => "RoleName",
                "AWS::IAM::UserPolicy" => "UserName",
                _ => "GroupName",
            };
            let parsed = statements(id, get("PolicyDocument"));
            attach(parsed, &list(get(key)), |s, p| s.principals.default_to(&format!("AWS:{p}")), out);
        }
        "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" | "AWS::S3::BucketPolicy" | "AWS::Logs::ResourcePolicy" => {
            let key = match rtype {
                "AWS::SQS::QueuePolicy" => "Queues",
                "AWS::SNS::TopicPolicy" => "Topics",
                "AWS::S3::BucketPolicy" => "Bucket",
                _ => "",
            };
            // Logs resource policies hold their document as JSON text; `statements` parses it.
            let parsed = statements(id, get("PolicyDocument"));
            let targets = if key.is_empty() { Vec::new() } else { list(get(key)) };
            attach(parsed, &targets, |s, t| s.resources.default_to(t), out);
        }
        "AWS::Events::EventBusPolicy" => out.extend(event_bus_policy(id, &props)),
        "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => {
            let arn = format!("${{{id}.Arn}}");
            let default = (rtype == "AWS::KMS::Key").then(default_key_policy);
            for mut s in statements(id, get("KeyPolicy").or(default.as_ref())) {
                s.resources.default_to(&arn);
                out.push(s);
            }
        }
        "AWS::Lambda::Permission" => out.push(lambda_permission(id, &props)),
        _ => {}
    }
}

/// `statements` once per target, `apply` defaulting each to it; as they are when no target.
fn attach(
    statements: Vec<IamStatement>,
    targets: &[String],
    apply: impl Fn(&mut IamStatement, &str),
    out: &mut Vec<IamStatement>,
) {
    if targets.is_empty() {
        out.extend(statements);
        return;
    }
    for t in targets {
        for mut s in statements.clone() {
            apply(&mut s, t);
            out.push(s);
        }
    }
}

/// The key policy KMS attaches to a key created without one: the account (and so the IAM
/// policies of the account) may do anything with the key.
fn default_key_policy() -> Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
        "Action": "kms:*",
        "Resource": "*"
    }]})
}

/// A principal given as an account id (`111122223333`), as an IAM policy names it.
fn account_principal(p: &str) -> Value {
    if p == "*" {
        Value::from("*")
    } else if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        serde_json::json!({"AWS": format!("arn:aws:iam::{p}:root")})
    } else {
        serde_json::json!({"AWS": p})
    }
}

/// The statement an `AWS::Events::EventBusPolicy` adds to its bus's policy: its `Statement`
/// (an object, or JSON text), or the one EventBridge builds from `StatementId`, `Action`,
/// `Principal` (an account id or `*`) and `Condition` (`{Type, Key, Value}`), which allows.
/// Its resource defaults to the bus (`EventBusName`, by default `default`).
fn event_bus_policy(id: &str, props: &Value) -> Vec<IamStatement> {
    let bus = props.get("EventBusName").map(super::intrinsics::display).unwrap_or_else(|| "default".into());
    let statements = match props.get("Statement") {
        Some(st) => statements(id, Some(&serde_json::json!({ "Statement": json_text_value(st) }))),
        None => {
            let mut st = serde_json::Map::new();
            if let Some(sid) = props.get("StatementId") {
                st.insert("Sid".into(), sid.clone());
            }
            st.insert("Effect".into(), "Allow".into());
            if let Some(a) = props.get("Action") {
                st.insert("Action".into(), a.clone());
            }
            if let Some(p) = props.get("Principal") {
                st.insert("Principal".into(), account_principal(&super::intrinsics::display(p)));
            }
            if let Some(c) = props.get("Condition") {
                st.insert("Condition".into(), bus_policy_condition(c));
            }
            vec![IamStatement::parse(id, &Value::Object(st))]
        }
    };
    statements
        .into_iter()
        .map(|mut s| {
            s.resources.default_to(&bus);
            s
        })
        .collect()
}

/// An EventBusPolicy `Condition` (`{"Type": "StringEquals", "Key": "aws:PrincipalOrgID",
/// "Value": "o-1234"}`) as a policy condition (`{"StringEquals": {"aws:PrincipalOrgID": "o-1234"}}`);
/// anything else as it is.
fn bus_policy_condition(c: &Value) -> Value {
    match (c.get("Type"), c.get("Key"), c.get("Value")) {
        (Some(Value::String(t)), Some(Value::String(k)), Some(v)) => serde_json::json!({ t: { k: v } }),
        _ => c.clone(),
    }
}

/// `v`, or the JSON object or array it holds as text (intrinsics rendered).
fn json_text_value(v: &Value) -> Value {
    match v {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(parsed @ (Value::Object(_) | Value::Array(_))) => render_intrinsics(&parsed),
            _ => v.clone(),
        },
        other => other.clone(),
    }
}

/// The statement Lambda adds to a function's policy for an `AWS::Lambda::Permission`.
fn lambda_permission(id: &str, props: &Value) -> IamStatement {
    let mut st = serde_json::Map::new();
    st.insert("Effect".into(), "Allow".into());
    if let Some(a) = props.get("Action") {
        st.insert("Action".into(), a.clone());
    }
    if let Some(f) = props.get("FunctionName") {
        st.insert("Resource".into(), f.clone());
    }
    if let Some(p) = props.get("Principal").and_then(Value::as_str) {
        let principal = if p == "*" {
            Value::from("*")
        } else if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
            serde_json::json!({"AWS": format!("arn:aws:iam::{p}:root")})
        } else {
            serde_json::json!({"Service": p})
        };
        st.insert("Principal".into(), principal);
    }
    let mut cond = serde_json::Map::new();
    if let Some(a) = props.get("SourceArn") {
        cond.insert("ArnLike".into(), serde_json::json!({"AWS:SourceArn": a}));
    }
    if let Some(a) = props.get("SourceAccount") {
        cond.insert("StringEquals".into(), serde_json::json!({"AWS:SourceAccount": a}));
    }
    if !cond.is_empty() {
        st.insert("Condition".into(), Value::Object(cond));
    }
    IamStatement::parse(id, &Value::Object(st))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(statements: Value) -> Value {
        json!({"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": statements}}]}})
    }

    fn policy(statements: Value) -> Value {
        json!({"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "P", "Roles": [{"Ref": "Role1ABCC5F0"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}})
    }

    #[test]
    fn added_allow_broadens() {
        let old = policy(json!([]));
        let new = policy(json!([{"Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": "SM"}}]));
        let c = IamChanges::from_resources([("P", Some(&old), Some(&new))]);
        assert_eq!(c.added.len(), 1);
        assert!(c.permissions_broaden());
        assert_eq!(c.added[0].principals.values, vec!["AWS:${Role1ABCC5F0}"]);
        assert_eq!(c.added[0].resources.values, vec!["${SM}"]);
    }

    #[test]
    fn removed_allow_and_added_deny_narrow() {
        let allow = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        let deny = json!({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"});
        let old = policy(json!([allow.clone()]));
        let new = policy(json!([deny]));
        let c = IamChanges::from_resources([("P", Some(&old), Some(&new))]);
        assert_eq!((c.added.len(), c.removed.len()), (1, 1));
        assert!(!c.permissions_broaden());
        // Removing a Deny broadens.
        let c = IamChanges::from_resources([("P", Some(&new), Some(&old))]);
        assert!(c.permissions_broaden());
    }

    #[test]
    fn widened_allow_broadens_and_reordering_does_not_change() {
        let narrow = role(json!([{"Effect": "Allow", "Action": ["logs:GetLogDelivery"], "Resource": "*"}]));
        let wide = role(json!([{"Effect": "Allow", "Action": ["logs:GetLogDelivery", "logs:*"], "Resource": "*"}]));
        let c = IamChanges::from_resources([("R", Some(&narrow), Some(&wide))]);
        assert!(c.permissions_broaden());
        let a = role(json!([{"Effect": "Allow", "Action": ["a:A", "b:B"], "Resource": "*"}]));
        let b = role(json!([{"Resource": "*", "Action": ["b:B", "a:A"], "Effect": "Allow"}]));
        assert!(IamChanges::from_resources([("R", Some(&a), Some(&b))]).is_empty());
    }

    #[test]
    fn trust_policy_defaults_resource_to_the_role() {
        let r = role(json!([]));
        let c = IamChanges::from_resources([("R", None, Some(&r))]);
        assert_eq!(c.added.len(), 1);
        assert_eq!(c.added[0].resources.values, vec!["${R.Arn}"]);
        assert_eq!(c.added[0].principals.values, vec!["Service:states.amazonaws.com"]);
    }

    #[test]
    fn managed_policies_and_resource_policies() {
        let old = json!({"Type": "AWS::IAM::Role", "Properties": {}});
        let new = json!({"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}});
        let c = IamChanges::from_resources([("R", Some(&old), Some(&new))]);
        assert_eq!(c.managed_added[0].policy_arn, "arn:aws:iam::aws:policy/ReadOnlyAccess");
        assert!(c.permissions_broaden());
        let qp = json!({"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Q"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}]}}});
        let c = IamChanges::from_resources([("QP", None, Some(&qp))]);
        assert_eq!(c.added[0].resources.values, vec!["${Q}"]);
        let perm = json!({"Type": "AWS::Lambda::Permission", "Properties": {"Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}, "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}});
        let c = IamChanges::from_resources([("Perm", None, Some(&perm))]);
        assert_eq!(c.added[0].principals.values, vec!["Service:events.amazonaws.com"]);
        assert!(c.added[0].condition.as_deref().unwrap().contains("${Rule.Arn}"));
    }

    #[test]
    fn statement_moving_between_policies_is_not_a_change() {
        let st = json!([{"Effect": "Allow", "Action": "x:Y", "Resource": "*"}]);
        let a = policy(st.clone());
        let b = policy(st);
        let c = IamChanges::from_resources([("P1", Some(&a), None), ("P2", None, Some(&b))]);
        assert!(c.is_empty());
    }

    /// A statement that allows and one that denies, for the checks below.
    fn allow() -> Value {
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    }

    fn deny() -> Value {
        json!({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"})
    }

    /// The checks every permission-granting type passes: `with(statement)` is the resource
    /// holding that one statement, `without` the resource holding none (`None`: no resource).
    /// An added Allow broadens, with `principal` and `resource` as rendered; a removed Allow
    /// narrows; a removed Deny broadens (and an added one narrows).
    fn semantics(id: &str, without: Option<Value>, with: impl Fn(Value) -> Value, principal: &str, resource: &str) {
        let (allowing, denying) = (with(allow()), with(deny()));
        let c = IamChanges::from_resources([(id, without.as_ref(), Some(&allowing))]);
        assert_eq!((c.added.len(), c.removed.len()), (1, 0), "{id}: {c:?}");
        assert!(c.permissions_broaden(), "{id}: an added Allow broadens");
        assert_eq!(c.added[0].principals.render(), principal, "{id}: principal");
        assert_eq!(c.added[0].resources.render(), resource, "{id}: resource");
        assert_eq!(c.added[0].source, id);
        let c = IamChanges::from_resources([(id, Some(&allowing), without.as_ref())]);
        assert_eq!((c.added.len(), c.removed.len()), (0, 1), "{id}: {c:?}");
        assert!(!c.permissions_broaden(), "{id}: a removed Allow narrows");
        let c = IamChanges::from_resources([(id, Some(&denying), without.as_ref())]);
        assert_eq!(c.removed.len(), 1, "{id}: {c:?}");
        assert!(c.permissions_broaden(), "{id}: a removed Deny broadens");
        assert!(!IamChanges::from_resources([(id, without.as_ref(), Some(&denying))]).permissions_broaden());
    }

    fn typed(rtype: &str, props: Value) -> Value {
        json!({"Type": rtype, "Properties": props})
    }

    #[test]
    fn inline_identity_policies_default_their_principal_to_the_identity() {
        for (rtype, key) in [
            ("AWS::IAM::RolePolicy", "RoleName"),
            ("AWS::IAM::UserPolicy", "UserName"),
            ("AWS::IAM::GroupPolicy", "GroupName"),
        ] {
            let make = |st: Vec<Value>| {
                typed(rtype, json!({"PolicyName": "p", key: {"Ref": "Who"}, "PolicyDocument": {"Statement": st}}))
            };
            semantics(rtype, Some(make(vec![])), |st| make(vec![st]), "AWS:${Who}", "arn:aws:s3:::b/*");
            // A literal name is the principal as it is.
            let named = typed(rtype, json!({key: "ops", "PolicyDocument": {"Statement": [allow()]}}));
            let c = IamChanges::from_resources([("P", None, Some(&named))]);
            assert_eq!(c.added[0].principals.values, vec!["AWS:ops"], "{rtype}");
        }
        // The same statement for the same role in an AWS::IAM::Policy: moved, not changed.
        let role_policy = typed(
            "AWS::IAM::RolePolicy",
            json!({"RoleName": {"Ref": "Role1ABCC5F0"}, "PolicyDocument": {"Statement": [allow()]}}),
        );
        let c = IamChanges::from_resources([
            ("P", Some(&policy(json!([allow()]))), None),
            ("RP", None, Some(&role_policy)),
        ]);
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn users_and_groups_inline_policies_and_managed_policy_attachments() {
        for rtype in ["AWS::IAM::User", "AWS::IAM::Group"] {
            let make = |st: Vec<Value>| {
                typed(rtype, json!({"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": st}}]}))
            };
            semantics("Ident", Some(make(vec![])), |st| make(vec![st]), "AWS:${Ident}", "arn:aws:s3:::b/*");
            let old = typed(rtype, json!({}));
            let new = typed(rtype, json!({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}));
            let c = IamChanges::from_resources([("Ident", Some(&old), Some(&new))]);
            assert_eq!(
                c.managed_added,
                [ManagedPolicyAttachment {
                    identity: "${Ident}".into(),
                    policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into()
                }]
            );
            assert!(c.permissions_broaden(), "{rtype}: an attached managed policy broadens");
        }
        for key in ["Users", "Groups", "Roles"] {
            let make = |st: Vec<Value>| {
                typed("AWS::IAM::ManagedPolicy", json!({key: [{"Ref": "Who"}], "PolicyDocument": {"Statement": st}}))
            };
            semantics("MP", Some(make(vec![])), |st| make(vec![st]), "AWS:${Who}", "arn:aws:s3:::b/*");
        }
        // Attached to two identities: one statement each.
        let two = typed(
            "AWS::IAM::ManagedPolicy",
            json!({"Users": ["alice"], "Roles": [{"Ref": "R"}], "PolicyDocument": {"Statement": [allow()]}}),
        );
        let c = IamChanges::from_resources([("MP", None, Some(&two))]);
        let principals: Vec<&str> = c.added.iter().map(|s| s.principals.values[0].as_str()).collect();
        assert_eq!(principals, ["AWS:alice", "AWS:${R}"]);
    }

    #[test]
    fn event_bus_policy_statement_form() {
        let make = |st: Value| {
            let mut st = st;
            st["Principal"] = json!({"AWS": "arn:aws:iam::111122223333:root"});
            st.as_object_mut().unwrap().remove("Resource");
            typed(
                "AWS::Events::EventBusPolicy",
                json!({"StatementId": "s", "EventBusName": {"Ref": "Bus"}, "Statement": st}),
            )
        };
        semantics("BusPolicy", None, make, "AWS:arn:aws:iam::111122223333:root", "${Bus}");
        // JSON text, on the default bus, its own resource kept.
        let text = typed(
            "AWS::Events::EventBusPolicy",
            json!({"StatementId": "s", "Statement": json!({"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
                "Resource": "arn:aws:events:us-east-1:123456789012:event-bus/default"}).to_string()}),
        );
        let c = IamChanges::from_resources([("BusPolicy", None, Some(&text))]);
        assert_eq!(c.added[0].actions.values, vec!["events:PutEvents"]);
        assert_eq!(c.added[0].principals.values, vec!["*"]);
        assert_eq!(c.added[0].resources.values, vec!["arn:aws:events:us-east-1:123456789012:event-bus/default"]);
        assert!(c.permissions_broaden());
        // Without an EventBusName, the statement is on the default bus.
        let mut st = allow();
        st.as_object_mut().unwrap().remove("Resource");
        let on_default = typed("AWS::Events::EventBusPolicy", json!({"StatementId": "s", "Statement": st}));
        let c = IamChanges::from_resources([("B", None, Some(&on_default))]);
        assert_eq!(c.added[0].resources.values, vec!["default"]);
    }

    #[test]
    fn event_bus_policy_action_principal_form() {
        let account = typed(
            "AWS::Events::EventBusPolicy",
            json!({"StatementId": "AllowAccount", "Action": "events:PutEvents", "Principal": "111122223333"}),
        );
        let c = IamChanges::from_resources([("BusPolicy", None, Some(&account))]);
        assert_eq!(c.added.len(), 1);
        let s = &c.added[0];
        assert_eq!((s.sid.as_deref(), s.effect), (Some("AllowAccount"), Effect::Allow));
        assert_eq!(s.actions.values, vec!["events:PutEvents"]);
        assert_eq!(s.principals.values, vec!["AWS:arn:aws:iam::111122223333:root"]);
        assert_eq!(s.resources.values, vec!["default"]);
        assert!(s.condition.is_none());
        assert!(c.permissions_broaden(), "an added bus permission broadens");
        let c = IamChanges::from_resources([("BusPolicy", Some(&account), None)]);
        assert_eq!(c.removed.len(), 1);
        assert!(!c.permissions_broaden(), "a removed one narrows");

        // Everyone in an organization, on a named bus.
        let org = typed(
            "AWS::Events::EventBusPolicy",
            json!({"StatementId": "AllowOrg", "EventBusName": "orders", "Action": "events:PutEvents", "Principal": "*",
                "Condition": {"Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": "o-1234567890"}}),
        );
        let c = IamChanges::from_resources([("Org", None, Some(&org))]);
        assert_eq!(c.added[0].principals.values, vec!["*"]);
        assert_eq!(c.added[0].resources.values, vec!["orders"]);
        assert_eq!(c.added[0].condition.as_deref(), Some(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}"#));
        // Widening it (dropping the condition) is a removal and an addition: broadening.
        let mut everyone = org.clone();
        everyone["Properties"].as_object_mut().unwrap().remove("Condition");
        let c = IamChanges::from_resources([("Org", Some(&org), Some(&everyone))]);
        assert_eq!((c.added.len(), c.removed.len()), (1, 1));
        assert!(c.permissions_broaden());
        // A principal given by reference is an account.
        let by_ref = typed(
            "AWS::Events::EventBusPolicy",
            json!({"StatementId": "s", "Action": "events:PutEvents", "Principal": {"Ref": "Account"}}),
        );
        let c = IamChanges::from_resources([("P", None, Some(&by_ref))]);
        assert_eq!(c.added[0].principals.values, vec!["AWS:${Account}"]);
    }

    #[test]
    fn kms_key_policies_default_their_resource_to_the_key() {
        let make = |st: Vec<Value>| {
            let st: Vec<Value> = st
                .into_iter()
                .map(|mut s| {
                    s["Resource"] = json!("*");
                    s["Principal"] = json!({"AWS": {"Fn::GetAtt": ["Role", "Arn"]}});
                    s
                })
                .collect();
            typed("AWS::KMS::Key", json!({"KeyPolicy": {"Version": "2012-10-17", "Statement": st}}))
        };
        semantics("Key", Some(make(vec![])), |st| make(vec![st]), "AWS:${Role.Arn}", "${Key.Arn}");
        // As JSON text, the same.
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:Decrypt", "Resource": "*"}]});
        let text = typed("AWS::KMS::Key", json!({"KeyPolicy": doc.to_string()}));
        let object = typed("AWS::KMS::Key", json!({"KeyPolicy": doc}));
        let c = IamChanges::from_resources([("Key", None, Some(&text))]);
        assert_eq!(c.added[0].resources.values, vec!["${Key.Arn}"]);
        assert_eq!(c.added[0].actions.values, vec!["kms:Decrypt"]);
        assert!(IamChanges::from_resources([("Key", Some(&object), Some(&text))]).is_empty());
        // Without a key policy, KMS gives the account kms:* on the key.
        let bare = typed("AWS::KMS::Key", json!({"Description": "k"}));
        let c = IamChanges::from_resources([("Key", None, Some(&bare))]);
        assert_eq!(c.added[0].actions.values, vec!["kms:*"]);
        assert_eq!(c.added[0].principals.values, vec!["AWS:arn:${AWS::Partition}:iam::${AWS::AccountId}:root"]);
        assert_eq!(c.added[0].resources.values, vec!["${Key.Arn}"]);
        let replica = typed("AWS::KMS::ReplicaKey", json!({"PrimaryKeyArn": "arn", "KeyPolicy": doc}));
        assert_eq!(
            IamChanges::from_resources([("Replica", None, Some(&replica))]).added[0].resources.values,
            vec!["${Replica.Arn}"]
        );
    }

    #[test]
    fn logs_resource_policies_are_read_from_json_text() {
        let make = |st: Vec<Value>| {
            let st: Vec<Value> = st
                .into_iter()
                .map(|mut s| {
                    s["Principal"] = json!({"Service": "delivery.logs.amazonaws.com"});
                    s
                })
                .collect();
            typed(
                "AWS::Logs::ResourcePolicy",
                json!({"PolicyName": "p", "PolicyDocument": json!({"Statement": st}).to_string()}),
            )
        };
        semantics(
            "LogsPolicy",
            Some(make(vec![])),
            |st| make(vec![st]),
            "Service:delivery.logs.amazonaws.com",
            "arn:aws:s3:::b/*",
        );
        // Built with Fn::Sub or Fn::Join, as templates often hold it.
        let sub = typed(
            "AWS::Logs::ResourcePolicy",
            json!({"PolicyName": "p", "PolicyDocument": {"Fn::Sub":
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},\"Action\":[\"logs:PutLogEvents\",\"logs:CreateLogStream\"],\"Resource\":\"arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/events/*:*\"}]}"}}),
        );
        let join = typed(
            "AWS::Logs::ResourcePolicy",
            json!({"PolicyName": "p", "PolicyDocument": {"Fn::Join": ["", [
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},\"Action\":[\"logs:PutLogEvents\",\"logs:CreateLogStream\"],\"Resource\":\"",
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":log-group:/aws/events/*:*"]]},
            "\"}]}"]]}}),
        );
        let c = IamChanges::from_resources([("L", None, Some(&sub))]);
        assert_eq!(c.added.len(), 1);
        assert_eq!(c.added[0].actions.values, vec!["logs:CreateLogStream", "logs:PutLogEvents"]);
        assert_eq!(
            c.added[0].resources.values,
            vec!["arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/events/*:*"]
        );
        assert!(IamChanges::from_resources([("L", Some(&sub), Some(&join))]).is_empty(), "the same document");
        // A document that cannot be read counts as broadening.
        let opaque = typed(
            "AWS::Logs::ResourcePolicy",
            json!({"PolicyName": "p", "PolicyDocument": {"Fn::ImportValue": "Doc"}}),
        );
        let c = IamChanges::from_resources([("L", None, Some(&opaque))]);
        assert!(c.added[0].is_unknown() && c.permissions_broaden(), "{c:?}");
    }
}

//! IAM changes: policy statements and managed policy attachments added or removed by a
//! deployment, and whether permissions broaden.
//!
//! Statements are read from `AWS::IAM::Role` (`AssumeRolePolicyDocument`, inline `Policies`,
//! `ManagedPolicyArns`), `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`, the resource policies
//! `AWS::SQS::QueuePolicy`, `AWS::SNS::TopicPolicy`, `AWS::S3::BucketPolicy`,
//! `AWS::Logs::ResourcePolicy`, and `AWS::Lambda::Permission`. Statements of both templates are
//! matched as multisets on everything but the resource they come from.
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
                principals.extend(list(get(key)).into_iter().map(|p| format!("AWS:{p}")));
            }
            if principals.is_empty() {
                out.extend(parsed);
            } else {
                for p in principals {
                    for mut s in parsed.clone() {
                        s.principals.default_to(&p);
                        out.push(s);
                    }
                }
            }
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
            if targets.is_empty() {
                out.extend(parsed);
            } else {
                for t in targets {
                    for mut s in parsed.clone() {
                        s.resources.default_to(&t);
                        out.push(s);
                    }
                }
            }
        }
        "AWS::Lambda::Permission" => out.push(lambda_permission(id, &props)),
        _ => {}
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
}

//! Tests of the whole engine on template pairs.

use serde_json::{json, Value};

use super::*;

fn template(resources: Value) -> Value {
    json!({"Resources": resources})
}

fn role(name: Option<&str>) -> Value {
    let mut props = json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}});
    if let Some(n) = name {
        props["RoleName"] = json!(n);
    }
    json!({"Type": "AWS::IAM::Role", "Properties": props})
}

fn state_machine(role_ref: Value, definition: &str, name: Option<&str>) -> Value {
    let mut props = json!({"RoleArn": role_ref, "DefinitionString": definition});
    if let Some(n) = name {
        props["StateMachineName"] = json!(n);
    }
    json!({"Type": "AWS::StepFunctions::StateMachine", "Properties": props})
}

const DEF_A: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
const DEF_B: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#;

fn impacts(d: &TemplateDiff) -> Vec<(&str, ResourceImpact)> {
    d.resources.iter().map(|r| (r.logical_id.as_str(), r.impact)).collect()
}

#[test]
fn empty_diff() {
    let t = template(json!({"Role": role(None)}));
    let d = diff_templates(&t, &t);
    assert!(d.is_empty());
    assert!(!d.permissions_broaden());
    assert_eq!(d.counts(), Counts::default());
    assert_eq!(d.render(&RenderOptions::default()), "There were no differences\n");
}

#[test]
fn new_stack_is_all_create() {
    let t =
        template(json!({"Role": role(None), "SM": state_machine(json!({"Fn::GetAtt": ["Role", "Arn"]}), DEF_A, None)}));
    let d = diff_templates(&json!({}), &t);
    assert_eq!(impacts(&d), vec![("Role", ResourceImpact::Create), ("SM", ResourceImpact::Create)]);
    assert_eq!(d.counts().create, 2);
    // The trust policy is new: allowing, so broadening.
    assert!(d.permissions_broaden());
    assert_eq!(diff_templates(&Value::Null, &t).counts().create, 2);
}

#[test]
fn every_impact_kind() {
    let old = template(json!({
        "Upd": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}},
        "Rep": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a"}},
        "May": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": "a", "ScheduleExpression": "rate(1 day)"}},
        "Gone": {"Type": "AWS::SNS::Topic"},
        "Kept": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
        "Same": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}
    }));
    let new = template(json!({
        "Upd": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 2}},
        "Rep": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}},
        "May": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": "b", "ScheduleExpression": "rate(1 day)"}},
        "New": {"Type": "AWS::SNS::Topic"},
        "Same": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}
    }));
    let d = diff_templates(&old, &new);
    assert_eq!(
        impacts(&d),
        vec![
            ("Gone", ResourceImpact::Destroy),
            ("Kept", ResourceImpact::Orphan),
            ("May", ResourceImpact::MayReplace),
            ("New", ResourceImpact::Create),
            ("Rep", ResourceImpact::Replace),
            ("Upd", ResourceImpact::Update),
        ]
    );
    assert_eq!(d.counts(), Counts { create: 1, update: 1, replace: 1, may_replace: 1, destroy: 1, orphan: 1 });
    assert!(d.resource("Same").is_none());
    let rep = d.resource("Rep").unwrap();
    assert_eq!(rep.properties[0].impact, PropertyImpact::Replace);
    assert_eq!(rep.properties[0].reason, "QueueName is create-only");
}

#[test]
fn type_change_is_replacement() {
    let old = template(json!({"X": {"Type": "AWS::SNS::Topic"}}));
    let new = template(json!({"X": {"Type": "AWS::SQS::Queue"}}));
    let d = diff_templates(&old, &new);
    assert_eq!(impacts(&d), vec![("X", ResourceImpact::Replace)]);
    let text = d.render(&RenderOptions::default());
    assert!(text.contains("[~] AWS::SQS::Queue X (requires replacement)\n └─ [~] Type (requires replacement)\n     ├─ [-] AWS::SNS::Topic\n     └─ [+] AWS::SQS::Queue\n"), "{text}");
}

#[test]
fn propagation_into_create_only_and_mutable_properties() {
    // Role is replaced (RoleName is create-only). SM references it via GetAtt in RoleArn
    // (mutable): updated. Policy references it in Roles (mutable): updated. Named references
    // it through StateMachineName (create-only): replaced, and that propagates to Alarm.
    let old = template(json!({
        "Role": role(Some("old-name")),
        "SM": state_machine(json!({"Fn::GetAtt": ["Role", "Arn"]}), DEF_A, None),
        "Named": state_machine(json!("arn:aws:iam::1:role/x"), DEF_A, None),
        "Alarm": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::Sub": "${Named.Name}"}}},
        "Untouched": {"Type": "AWS::SNS::Topic", "DependsOn": "Role"}
    }));
    let mut new = old.clone();
    new["Resources"]["Role"] = role(Some("new-name"));
    new["Resources"]["Named"]["Properties"]["StateMachineName"] = json!({"Fn::Sub": "${Role}-sm"});
    let mut old = old;
    old["Resources"]["Named"]["Properties"]["StateMachineName"] = json!({"Fn::Sub": "${Role}-sm"});

    let d = diff_templates(&old, &new);
    assert_eq!(
        impacts(&d),
        vec![
            ("Alarm", ResourceImpact::Update),
            ("Named", ResourceImpact::Replace),
            ("Role", ResourceImpact::Replace),
            ("SM", ResourceImpact::Update),
        ]
    );
    let sm = d.resource("SM").unwrap();
    assert_eq!(sm.properties.len(), 1);
    let p = &sm.properties[0];
    assert_eq!(
        (p.display_path().as_str(), p.kind, p.impact),
        ("RoleArn", ChangeKind::Propagated, PropertyImpact::Update)
    );
    assert_eq!(p.via, vec!["Role"]);
    assert!(p.reason.starts_with("references Role, which will be replaced"), "{}", p.reason);
    let named = d.resource("Named").unwrap();
    assert_eq!(named.properties[0].display_path(), "StateMachineName");
    assert_eq!(named.properties[0].impact, PropertyImpact::Replace);
    let alarm = d.resource("Alarm").unwrap();
    assert_eq!(alarm.properties[0].via, vec!["Named"]);
    // Propagation does not change the template: no IAM change, nothing for DependsOn.
    assert!(d.resource("Untouched").is_none());
    assert!(d.iam.is_empty());
}

#[test]
fn may_replace_propagates_as_may_replace() {
    let old = template(json!({
        "Thing": {"Type": "Custom::Thing", "Properties": {"A": 1}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Thing"}}}
    }));
    let mut new = old.clone();
    new["Resources"]["Thing"]["Properties"]["A"] = json!(2);
    let d = diff_templates(&old, &new);
    assert_eq!(impacts(&d), vec![("Q", ResourceImpact::MayReplace), ("Thing", ResourceImpact::MayReplace)]);
    assert!(d.resource("Q").unwrap().properties[0].reason.contains("which may be replaced"));
    assert!(d.resource("Thing").unwrap().properties[0].reason.starts_with("replacement unknown"));
}

#[test]
fn propagation_merges_with_template_changes_and_terminates_on_cycles() {
    // A and B reference each other through Sub vars (not valid for CloudFormation, but the
    // engine must not loop); A is replaced.
    let old = template(json!({
        "A": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a", "Tags": [{"Key": "b", "Value": {"Ref": "B"}}]}},
        "B": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${A.QueueName}-b"}, "DelaySeconds": 1}}
    }));
    let mut new = old.clone();
    new["Resources"]["A"]["Properties"]["QueueName"] = json!("a2");
    new["Resources"]["B"]["Properties"]["DelaySeconds"] = json!(2);
    let d = diff_templates(&old, &new);
    assert_eq!(impacts(&d), vec![("A", ResourceImpact::Replace), ("B", ResourceImpact::Replace)]);
    let a = d.resource("A").unwrap();
    assert_eq!(a.properties.iter().map(|p| p.display_path()).collect::<Vec<_>>(), vec!["QueueName", "Tags"]);
    let b = d.resource("B").unwrap();
    assert_eq!(
        b.properties.iter().map(|p| (p.display_path(), p.kind)).collect::<Vec<_>>(),
        vec![("DelaySeconds".to_string(), ChangeKind::Changed), ("QueueName".to_string(), ChangeKind::Propagated)]
    );
}

#[test]
fn equality_quirks_are_not_changes() {
    let old = template(json!({
        "Q": {"Type": "AWS::SQS::Queue", "DependsOn": ["B", "A"],
              "Metadata": {"aws:cdk:path": "Old/Q/Resource"},
              "Properties": {"FifoQueue": "true", "DelaySeconds": "10"}},
        "A": {"Type": "AWS::SNS::Topic"}, "B": {"Type": "AWS::SNS::Topic", "DependsOn": "A"}
    }));
    let new = template(json!({
        "Q": {"Type": "AWS::SQS::Queue", "DependsOn": ["A", "B"],
              "Metadata": {"aws:cdk:path": "New/Q/Resource"},
              "Properties": {"FifoQueue": true, "DelaySeconds": 10}},
        "A": {"Type": "AWS::SNS::Topic"}, "B": {"Type": "AWS::SNS::Topic", "DependsOn": ["A"]}
    }));
    assert!(diff_templates(&old, &new).is_empty());
}

#[test]
fn parameters_outputs_conditions() {
    let old = json!({"Parameters": {"P": {"Type": "String"}}, "Outputs": {"O": {"Value": "a"}},
                     "Conditions": {"C": {"Fn::Equals": ["a", "a"]}}, "Description": "one"});
    let new = json!({"Parameters": {"P": {"Type": "String", "Default": "x"}, "Q": {"Type": "Number"}},
                     "Outputs": {}, "Conditions": {"C": {"Fn::Equals": ["a", "b"]}}, "Description": "two"});
    let d = diff_templates(&old, &new);
    assert_eq!(
        d.parameters.iter().map(|c| (c.id.as_str(), c.kind())).collect::<Vec<_>>(),
        vec![("P", ChangeKind::Changed), ("Q", ChangeKind::Added)]
    );
    assert_eq!(d.outputs[0].kind(), ChangeKind::Removed);
    assert_eq!(d.conditions.len(), 1);
    assert_eq!(d.other[0].id, "Description");
    assert!(d.resources.is_empty() && !d.is_empty());
}

#[test]
fn malformed_templates_warn_instead_of_failing() {
    let d = diff_templates(&json!("nope"), &json!({"Resources": [1], "Outputs": {"O": {"Value": 1}}}));
    assert_eq!(d.warnings, vec!["old template is not a JSON object", "new template: Resources is not an object"]);
    assert_eq!(d.outputs.len(), 1);
    let d = diff_templates(&json!({}), &json!({"Resources": {"X": 3}}));
    assert_eq!(d.warnings, vec!["new template: resource X is not an object"]);
    assert_eq!(impacts(&d), vec![("X", ResourceImpact::Create)]);
}

fn policy(statements: Value) -> Value {
    policy_for("Role", statements)
}

fn policy_for(role: &str, statements: Value) -> Value {
    json!({"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "RoleDefaultPolicy",
        "Roles": [{"Ref": role}], "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}})
}

#[test]
fn iam_broadening_and_not() {
    let start = json!({"Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": "SM"}});
    let logs = json!({"Effect": "Allow", "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery"], "Resource": "*"});
    let old = template(json!({"Role": role(None), "Policy": policy(json!([start]))}));
    let added = template(json!({"Role": role(None), "Policy": policy(json!([start, logs]))}));
    let d = diff_templates(&old, &added);
    assert_eq!(d.iam.added.len(), 1);
    assert!(d.permissions_broaden());
    assert_eq!(impacts(&d), vec![("Policy", ResourceImpact::Update)]);

    // Removing an Allow narrows.
    let d = diff_templates(&added, &old);
    assert_eq!((d.iam.added.len(), d.iam.removed.len()), (0, 1));
    assert!(!d.permissions_broaden());

    // Adding a Deny narrows.
    let deny = json!({"Effect": "Deny", "Action": "states:DeleteStateMachine", "Resource": "*"});
    let denied = template(json!({"Role": role(None), "Policy": policy(json!([start, deny]))}));
    assert!(!diff_templates(&old, &denied).permissions_broaden());
    // Removing it broadens.
    assert!(diff_templates(&denied, &old).permissions_broaden());

    // Changes outside IAM content do not touch the IAM section.
    let mut renamed = old.clone();
    renamed["Resources"]["Policy"]["Properties"]["PolicyName"] = json!("Other");
    let d = diff_templates(&old, &renamed);
    assert!(d.iam.is_empty() && !d.permissions_broaden() && !d.is_empty());
}

#[test]
fn escape_hatch_permission_types_reach_the_iam_section() {
    // What `deploy --require-approval broadening` asks about: resources added through
    // `CfnResource`, each granting something.
    let old = template(json!({"Role": role(None)}));
    let new = template(json!({
        "Role": role(None),
        "Inline": {"Type": "AWS::IAM::RolePolicy", "Properties": {"PolicyName": "p", "RoleName": {"Ref": "Role"},
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}}},
        "BusPolicy": {"Type": "AWS::Events::EventBusPolicy", "Properties": {"StatementId": "AllowAccount",
            "Action": "events:PutEvents", "Principal": "111122223333"}},
        "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrypt", "Resource": "*"}]}}}
    }));
    let d = diff_templates(&old, &new);
    assert!(d.permissions_broaden());
    let rows: Vec<[String; 5]> = d.iam.added.iter().map(IamStatement::cells).collect();
    let row = |r: &str, e: &str, a: &str, p: &str| [r, e, a, p, ""].map(String::from);
    assert!(rows.contains(&row("*", "Allow", "sqs:*", "AWS:${Role}")), "{rows:?}");
    assert!(
        rows.contains(&row("default", "Allow", "events:PutEvents", "AWS:arn:aws:iam::111122223333:root")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&row("${Key.Arn}", "Allow", "kms:Decrypt", "AWS:arn:aws:iam::111122223333:root")),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 3);
    let text = d.render(&RenderOptions::default());
    assert!(text.starts_with("IAM Statement Changes\n") && text.contains("Permissions broaden"), "{text}");
    // Taking them away again narrows.
    assert!(!diff_templates(&new, &old).permissions_broaden());
}

#[test]
fn rendered_update_with_definition_line_diff_and_iam_table() {
    let role_arn = json!({"Fn::GetAtt": ["Role1ABCC5F0", "Arn"]});
    let old = template(json!({
        "Role1ABCC5F0": role(None),
        "RoleDefaultPolicy5FFB7DAB": policy_for("Role1ABCC5F0", json!([])),
        "SM934E715A": state_machine(role_arn.clone(), DEF_A, None),
        "LogGroupF5B46931": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 7}}
    }));
    let new = template(json!({
        "Role1ABCC5F0": role(Some("renamed")),
        "RoleDefaultPolicy5FFB7DAB": policy_for("Role1ABCC5F0",
            json!([{"Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": "SM934E715A"}}])),
        "SM934E715A": state_machine(role_arn, DEF_B, None)
    }));
    let d = diff_templates(&old, &new);
    let mut opts = RenderOptions::default();
    for (id, path) in [
        ("Role1ABCC5F0", "/Demo/Role/Resource"),
        ("RoleDefaultPolicy5FFB7DAB", "/Demo/Role/DefaultPolicy/Resource"),
        ("SM934E715A", "/Demo/SM/Resource"),
        ("LogGroupF5B46931", "/Demo/LogGroup/Resource"),
    ] {
        opts.construct_paths.insert(id.into(), path.into());
    }
    let text = d.render(&opts);
    assert_text(&text, SNAPSHOT);
    assert_eq!(d.resource("SM934E715A").unwrap().impact, ResourceImpact::Update);
    // Deterministic, and colored only when asked.
    assert_eq!(text, diff_templates(&old, &new).render(&opts));
    assert!(!text.contains('\x1b'));
    opts.color = true;
    let colored = d.render(&opts);
    assert!(colored.contains("\x1b[1;31m(requires replacement)\x1b[0m"));
    assert!(colored.contains("\x1b[32m[+]\x1b[0m"));
}

const SNAPSHOT: &str = r#"IAM Statement Changes
┌───┬───────────────┬────────┬───────────────────────┬─────────────────────┬───────────┐
│   │ Resource      │ Effect │ Action                │ Principal           │ Condition │
├───┼───────────────┼────────┼───────────────────────┼─────────────────────┼───────────┤
│ + │ ${SM934E715A} │ Allow  │ states:StartExecution │ AWS:${Role1ABCC5F0} │           │
└───┴───────────────┴────────┴───────────────────────┴─────────────────────┴───────────┘
Permissions broaden: statements granting access are added, or restricting ones removed.

Resources
[-] AWS::Logs::LogGroup LogGroup LogGroupF5B46931 (orphaned: retained)
[~] AWS::IAM::Role Role Role1ABCC5F0 (requires replacement)
 └─ [+] RoleName (requires replacement: RoleName is create-only)
     └─ renamed
[~] AWS::IAM::Policy Role/DefaultPolicy RoleDefaultPolicy5FFB7DAB
 ├─ [~] PolicyDocument
 │   └─ [~] .Statement:
 │       └─ [-] []
 │          [+] [
 │          [+]   {
 │          [+]     "Effect": "Allow",
 │          [+]     "Action": "states:StartExecution",
 │          [+]     "Resource": {
 │          [+]       "Ref": "SM934E715A"
 │          [+]     }
 │          [+]   }
 │          [+] ]
 └─ [~] Roles (updated: references Role1ABCC5F0, which will be replaced; updatable in place)
[~] AWS::StepFunctions::StateMachine SM SM934E715A
 ├─ [~] DefinitionString
 │   └─ ...
 │      [ ]   "States": {
 │      [ ]     "A": {
 │      [ ]       "Type": "Pass",
 │      [-]       "End": true
 │      [+]       "Next": "B"
 │      [+]     },
 │      [+]     "B": {
 │      [+]       "Type": "Succeed"
 │      [ ]     }
 │      [ ]   }
 │      [ ] }
 └─ [~] RoleArn (updated: references Role1ABCC5F0, which will be replaced; updatable in place)

"#;

/// Compares rendered text, printing both in full on a mismatch.
fn assert_text(actual: &str, expected: &str) {
    assert!(actual == expected, "rendered text differs.\n--- expected\n{expected}\n--- actual\n{actual}\n---");
}

#[test]
fn construct_library_types_have_replacement_data() {
    // The types named in the construct library's sources (and the ones it is planned to emit);
    // not those the simulation only reads from templates (`simulation/`, `simulated.rs`).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../constructs/src");
    let mut found = std::collections::BTreeSet::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("constructs/src is readable") {
            let path = entry.expect("dir entry").path();
            let reads_only = path.ends_with("simulation") || path.ends_with("simulated.rs");
            if reads_only {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source is readable");
                for part in text.split('"').skip(1).step_by(2) {
                    let segs: Vec<&str> = part.split("::").collect();
                    if segs.len() == 3
                        && segs[0] == "AWS"
                        && segs[1..].iter().all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))
                    {
                        found.insert(part.to_string());
                    }
                }
            }
        }
    }
    assert!(found.contains("AWS::IAM::Role"), "scan found {found:?}");
    for t in [
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::Logs::LogGroup",
        "AWS::StepFunctions::StateMachine",
        "AWS::Events::Rule",
    ] {
        found.insert(t.to_string());
    }
    let missing: Vec<_> = found.iter().filter(|t| schemas::lookup(t).is_none()).collect();
    assert!(missing.is_empty(), "no replacement data for {missing:?}: add them to scripts/vendor-schemas");
}

#[test]
fn getatt_in_create_only_property_propagates_replacement() {
    let function = |name: &str| {
        json!({"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": name, "Handler": "index.handler",
            "Runtime": "nodejs20.x", "Role": "arn:aws:iam::123456789012:role/x", "Code": {"ZipFile": "x"}}})
    };
    let old = template(json!({
        "Fn": function("one"),
        "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {"Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}, "Principal": "events.amazonaws.com"}},
        "Invoke": policy(json!([{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}}]))
    }));
    let mut new = old.clone();
    new["Resources"]["Fn"] = function("two");
    let d = diff_templates(&old, &new);
    assert_eq!(
        impacts(&d),
        vec![("Fn", ResourceImpact::Replace), ("Invoke", ResourceImpact::Update), ("Perm", ResourceImpact::Replace)]
    );
    let perm = &d.resource("Perm").unwrap().properties[0];
    assert_eq!((perm.display_path().as_str(), perm.impact), ("FunctionName", PropertyImpact::Replace));
    assert_eq!(perm.reason, "references Fn, which will be replaced; FunctionName is create-only");
    let invoke = &d.resource("Invoke").unwrap().properties[0];
    assert_eq!((invoke.display_path().as_str(), invoke.impact), ("PolicyDocument", PropertyImpact::Update));
    // A Ref to a replaced resource is a new physical ID too.
    let old = template(json!({"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}},
        "BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": {}}}}));
    let mut new = old.clone();
    new["Resources"]["B"]["Properties"]["BucketName"] = json!("b");
    assert_eq!(diff_templates(&old, &new).resource("BP").unwrap().impact, ResourceImpact::Replace);
}

#[test]
fn rendered_create_destroy_may_replace_and_sections() {
    let old = json!({
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
        "Resources": {
            "Old": {"Type": "AWS::SNS::Topic"},
            "Bus": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": "a", "State": "ENABLED"}},
            "Kept": {"Type": "AWS::SQS::Queue", "UpdateReplacePolicy": "Retain", "Properties": {"QueueName": "q1"}}
        },
        "Outputs": {"Name": {"Value": {"Ref": "Old"}}}
    });
    let new = json!({
        "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
        "Resources": {
            "New": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "new"}},
            "Bus": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": "b", "State": "DISABLED",
                "EventPattern": {"source": ["demo.sfn"]}}},
            "Kept": {"Type": "AWS::SQS::Queue", "UpdateReplacePolicy": "Retain", "Properties": {"QueueName": "q2"}}
        },
        "Outputs": {"Name": {"Value": {"Ref": "New"}}}
    });
    let text = diff_templates(&old, &new).render(&RenderOptions::default());
    assert_text(&text, SNAPSHOT_SECTIONS);
}

const SNAPSHOT_SECTIONS: &str = r#"Parameters
[~] Parameter Env: {"Type":"String","Default":"dev"} to {"Type":"String","Default":"prod"}

Resources
[~] AWS::Events::Rule Bus (may be replaced)
 ├─ [~] EventBusName (may cause replacement: EventBusName is conditionally create-only)
 │   ├─ [-] a
 │   └─ [+] b
 ├─ [+] EventPattern
 │   └─ [+] {
 │      [+]   "source": [
 │      [+]     "demo.sfn"
 │      [+]   ]
 │      [+] }
 └─ [~] State
     ├─ [-] ENABLED
     └─ [+] DISABLED
[~] AWS::SQS::Queue Kept (requires replacement; the old one is retained)
 └─ [~] QueueName (requires replacement: QueueName is create-only)
     ├─ [-] q1
     └─ [+] q2
[+] AWS::SNS::Topic New
[-] AWS::SNS::Topic Old

Outputs
[~] Output Name: {"Value":{"Ref":"Old"}} to {"Value":{"Ref":"New"}}

"#;

#[test]
fn replacement_with_retain_policy_keeps_the_old_resource() {
    let old = template(
        json!({"Q": {"Type": "AWS::SQS::Queue", "UpdateReplacePolicy": "Retain", "Properties": {"QueueName": "a"}}}),
    );
    let new = template(
        json!({"Q": {"Type": "AWS::SQS::Queue", "UpdateReplacePolicy": "Retain", "Properties": {"QueueName": "b"}}}),
    );
    assert!(diff_templates(&old, &new).resource("Q").unwrap().retains_replaced());
    let plain = template(json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}}}));
    let d =
        diff_templates(&plain, &template(json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "c"}}})));
    assert!(!d.resource("Q").unwrap().retains_replaced());
}

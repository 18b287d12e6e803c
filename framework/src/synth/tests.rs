//! Synth behaviour over whole apps: references, dependencies, exports, overrides, problems.

use serde_json::json;

use crate::{App, CfnResource, OutputNode, ParameterNode, Pseudo, RemovalPolicy, StackProps, Value};

fn topic(name: &str) -> CfnResource {
    CfnResource::new("AWS::SNS::Topic").property("TopicName", name)
}

#[test]
fn refs_imply_dependencies_and_depends_on_is_only_emitted_when_needed() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let a = topic("a").add(&mut *stack, "A");
    let b = topic("b").add(&mut *stack, "B");
    let c = CfnResource::new("AWS::SNS::Subscription")
        .property("TopicArn", Value::Ref(a))
        .property("Endpoint", Value::GetAtt(b, "TopicName".into()))
        .property("Protocol", "email")
        .add(&mut *stack, "C");
    stack.add_dependency(c, a); // implied by the Ref: no DependsOn
    stack.add_dependency(c, b); // implied by the GetAtt
    let d = topic("d").add(&mut *stack, "D");
    stack.add_dependency(d, a); // not implied
    stack.add_dependency(d, a); // twice: once
    let t = app.synth().unwrap().stack("S").unwrap().template().clone();
    assert!(t["Resources"]["C"].get("DependsOn").is_none(), "{t:#}");
    assert_eq!(t["Resources"]["D"]["DependsOn"], json!(["A"]));
    assert_eq!(t["Resources"]["C"]["Properties"]["TopicArn"], json!({"Ref": "A"}));
    assert_eq!(t["Resources"]["C"]["Properties"]["Endpoint"], json!({"Fn::GetAtt": ["B", "TopicName"]}));
}

#[test]
fn dependency_on_a_construct_means_all_its_resources() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let group = stack.construct("Group");
    topic("x").add(stack.at(group), "X");
    topic("y").add(stack.at(group), "Y");
    let z = topic("z").add(&mut *stack, "Z");
    stack.add_dependency(z, group);
    let t = app.synth().unwrap().stack("S").unwrap().template().clone();
    let deps = t["Resources"]["Z"]["DependsOn"].as_array().unwrap().clone();
    assert_eq!(deps.len(), 2, "{deps:?}");
}

#[test]
fn template_sections_parameters_conditions_outputs() {
    let mut app = App::new();
    let stack = app.add_stack_with("S", StackProps { description: Some("demo".into()), ..Default::default() });
    let env =
        stack.add_parameter("Env", ParameterNode::new("String").default_value("dev").allowed_values(["dev", "prod"]));
    let is_prod = stack.add_condition("IsProd", Value::equals(env.value(), "prod"));
    let t = topic("t").add(&mut *stack, "Topic");
    stack.set_condition(t, is_prod);
    stack.set_removal_policy(t, RemovalPolicy::RetainExceptOnCreate);
    stack.add_output("TopicName", OutputNode::new(Value::GetAtt(t, "TopicName".into())).description("the topic"));
    stack.add_output("Where", OutputNode::new(is_prod.if_then(Value::Pseudo(Pseudo::Region), "none")));
    let tpl = app.synth().unwrap().stack("S").unwrap().template().clone();
    let keys: Vec<&String> = tpl.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Description", "Parameters", "Conditions", "Resources", "Outputs"]);
    assert_eq!(tpl["Parameters"]["Env"], json!({"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}));
    assert_eq!(tpl["Conditions"]["IsProd"], json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}));
    assert_eq!(tpl["Resources"]["Topic"]["Condition"], "IsProd");
    assert_eq!(tpl["Resources"]["Topic"]["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(tpl["Resources"]["Topic"]["UpdateReplacePolicy"], "Retain");
    assert_eq!(tpl["Outputs"]["Where"]["Value"], json!({"Fn::If": ["IsProd", {"Ref": "AWS::Region"}, "none"]}));
}

#[test]
fn escape_hatches_override_properties_and_logical_ids() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let t = topic("t").add(&mut *stack, "Topic");
    stack.add_property_override(t, "FifoTopic", true);
    stack.add_property_override(t, "Tags", json!([{"Key": "a", "Value": "b"}]));
    stack.add_deletion_override(t, "Properties.TopicName");
    stack.override_logical_id(t, "MyTopic");
    let tpl = app.synth().unwrap().stack("S").unwrap().template().clone();
    assert_eq!(
        tpl["Resources"]["MyTopic"]["Properties"],
        json!({"FifoTopic": true, "Tags": [{"Key": "a", "Value": "b"}]})
    );
}

#[test]
fn cross_stack_references_become_exports_and_stack_dependencies() {
    let mut app = App::new();
    let producer = app.add_stack("Producer");
    let t = topic("t").add(&mut *producer, "Topic");
    let consumer = app.add_stack("Consumer");
    CfnResource::new("AWS::SNS::Subscription")
        .property("TopicArn", Value::Ref(t))
        .property("Protocol", "email")
        .property("Endpoint", "a@example.com")
        .add(&mut *consumer, "Sub");
    let asm = app.synth().unwrap();
    let consumer = asm.stack("Consumer").unwrap();
    assert_eq!(consumer.dependencies, vec!["Producer".to_string()]);
    let import = &consumer.template()["Resources"]["Sub"]["Properties"]["TopicArn"]["Fn::ImportValue"];
    let name = import.as_str().unwrap();
    assert!(name.starts_with("Producer:ExportsOutputRefTopic"), "{name}");
    let outputs = asm.stack("Producer").unwrap().template()["Outputs"].as_object().unwrap().clone();
    let (_, out) = outputs.iter().next().unwrap();
    assert_eq!(out["Export"]["Name"], *import);
    assert_eq!(out["Value"], json!({"Ref": "Topic"}));
    let order: Vec<&str> = asm.stacks_in_dependency_order().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(order, ["Producer", "Consumer"]);
}

#[test]
fn stack_cycles_are_problems() {
    let mut app = App::new();
    app.add_stack("A");
    app.add_stack("B");
    app.add_stack_dependency("A", "B");
    app.add_stack_dependency("B", "A");
    let err = app.synth().unwrap_err();
    assert!(err.problems().has("A", "cycle: A -> B -> A"), "{err}");
}

#[test]
fn all_tree_problems_are_reported_at_once() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    topic("a").add(&mut *stack, "Dup");
    topic("b").add(&mut *stack, "Dup");
    topic("c").add(&mut *stack, "");
    topic("d").add(&mut *stack, "a/b");
    CfnResource::new("NotAType").add(&mut *stack, "Bad");
    let x = topic("x").add(&mut *stack, "X");
    stack.override_logical_id(x, "not-valid");
    app.add_stack("S");
    app.add_stack_with("Named", StackProps { stack_name: Some("1bad_name".into()), ..Default::default() });
    let problems = app.synth().unwrap_err().problems().clone();
    let expect = [
        ("S/Dup", "there is already a construct with id \"Dup\" in S"),
        ("S/", "construct id must not be empty"),
        ("S/a/b", "must not contain '/'"),
        ("S/Bad", "resource type \"NotAType\" is not of the form"),
        ("S/X", "logical ID override \"not-valid\""),
        ("S", "there is already a stack with id \"S\""),
        ("Named", "stack name \"1bad_name\""),
        ("S/Dup", "logical ID \"Dup\" is also used by S/Dup"),
    ];
    for (path, msg) in expect {
        assert!(
            problems.iter().any(|p| p.path == path && p.message.contains(msg)),
            "missing [{path}] {msg}\n{problems}"
        );
    }
}

#[test]
fn references_to_non_resources_are_problems() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let group = stack.construct("Group");
    topic("t").property("DisplayName", Value::Ref(group)).add(&mut *stack, "T");
    let err = app.synth().unwrap_err();
    assert!(err.problems().has("S/T", "references S/Group, which is not a resource"), "{err}");
}

#[test]
fn json_string_renders_tokens_as_join() {
    let mut app = App::new();
    let stack = app.add_stack("S");
    let t = topic("t").add(&mut *stack, "T");
    CfnResource::new("AWS::SNS::TopicPolicy")
        .property("Doc", Value::json_string(Value::map([("arn", Value::Ref(t)), ("n", Value::from(1))])))
        .property("Plain", Value::json_string(Value::map([("n", 1)])))
        .add(&mut *stack, "P");
    let tpl = app.synth().unwrap().stack("S").unwrap().template().clone();
    assert_eq!(
        tpl["Resources"]["P"]["Properties"]["Doc"],
        json!({"Fn::Join": ["", ["{\"arn\":\"", {"Ref": "T"}, "\",\"n\":1}"]]})
    );
    assert_eq!(tpl["Resources"]["P"]["Properties"]["Plain"], json!("{\"n\":1}"));
}

#[test]
fn synth_is_deterministic() {
    let build = || {
        let mut app = App::new();
        let stack = app.add_stack("S");
        for i in 0..50 {
            topic(&format!("t{i}")).add(&mut *stack, &format!("T{i}"));
        }
        let a = app.synth().unwrap();
        (
            a.stacks[0].template_text().to_string(),
            crate::assembly::to_json_text(&a.manifest()),
            crate::assembly::to_json_text(&a.tree),
        )
    };
    assert_eq!(build(), build());
}

#[test]
fn manifest_has_cdk_shape() {
    let mut app = App::new();
    topic("t").add(app.add_stack("S"), "T");
    let m = app.synth().unwrap().manifest();
    assert_eq!(m["version"], crate::assembly::CLOUD_ASSEMBLY_VERSION);
    let s = &m["artifacts"]["S"];
    assert_eq!(s["type"], "aws:cloudformation:stack");
    assert_eq!(s["environment"], "aws://unknown-account/unknown-region");
    assert_eq!(s["properties"]["templateFile"], "S.template.json");
    assert_eq!(s["metadata"]["/S/T"], json!([{"type": "aws:cdk:logicalId", "data": "T"}]));
    assert_eq!(m["artifacts"]["Tree"]["properties"]["file"], "tree.json");
}

#[test]
fn parallel_synth_gives_the_same_bytes_and_problems_as_sequential() {
    let build = |bad: bool| {
        let mut app = App::new();
        let first = topic("first").add(app.add_stack("S0"), "T");
        for s in 0..5 {
            let stack = app.add_stack(&format!("S{}", s + 1));
            for i in 0..300 {
                topic(&format!("t{i}")).property("Peer", Value::Ref(first)).add(&mut *stack, &format!("T{i}"));
            }
            if bad {
                CfnResource::new("Bad").add(&mut *stack, "Bad");
            }
        }
        app
    };
    let app = build(false);
    let (seq, par) = (app.synth_phases(false).unwrap(), app.synth_phases(true).unwrap());
    let texts = |a: &crate::CloudAssembly| {
        a.stacks.iter().map(|s| (s.template_text().to_string(), s.dependencies.clone())).collect::<Vec<_>>()
    };
    assert_eq!(texts(&seq), texts(&par));
    assert_eq!(crate::assembly::to_json_text(&seq.manifest()), crate::assembly::to_json_text(&par.manifest()));
    let bad = build(true);
    assert_eq!(bad.synth_phases(false).unwrap_err().problems(), bad.synth_phases(true).unwrap_err().problems());
}

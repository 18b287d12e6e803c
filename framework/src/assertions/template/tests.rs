use serde_json::json;

use super::Template;
use crate::assertions::{Capture, Match};
use crate::{pattern, App, CfnResource, OutputNode, ParameterNode, RemovalPolicy, Value};

/// A stack with two roles (`Role1ABCC5F0`: Path "/service/", `Admin`: Path "/admin/"), a
/// policy on the first role that depends on the topic, a retained topic, an output, a parameter
/// and a condition.
fn app() -> App {
    let mut app = App::new();
    let stack = app.add_stack("Stack");
    let role_construct = stack.construct("Role");
    let role = CfnResource::new("AWS::IAM::Role")
        .property("Path", "/service/")
        .property("RoleName", "worker")
        .add(stack.at(role_construct), "Resource");
    CfnResource::new("AWS::IAM::Role")
        .property("Path", "/admin/")
        .property("MaxSessionDuration", 7200)
        .add(&mut *stack, "Admin");
    let topic = CfnResource::new("AWS::SNS::Topic").add(&mut *stack, "Topic");
    stack.set_removal_policy(topic, RemovalPolicy::Retain);
    let policy = CfnResource::new("AWS::IAM::Policy")
        .property("Roles", Value::list([Value::Ref(role)]))
        .property(
            "PolicyDocument",
            json!({"Version": "2012-10-17", "Statement": [
                {"Action": "sns:Publish", "Effect": "Allow", "Resource": "*"},
                {"Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery"], "Effect": "Allow", "Resource": "*"}
            ]}),
        )
        .add(&mut *stack, "Policy");
    stack.add_dependency(policy, topic);
    stack.add_output("RoleArn", OutputNode::new(Value::GetAtt(role, "Arn".into())).description("the role"));
    let env = stack.add_parameter("Env", ParameterNode::new("String").default_value("dev"));
    stack.add_condition("IsProd", Value::equals(env.value(), "prod"));
    app
}

fn template() -> Template {
    Template::from_stack(&app(), "Stack")
}

#[test]
fn from_stack_takes_the_synthesized_template() {
    let t = template();
    let assembly = app().synth().unwrap();
    assert_eq!(t, Template::from_artifact(assembly.stack("Stack").unwrap()));
    assert_eq!(t.to_json(), assembly.stack("Stack").unwrap().template());
    assert_eq!(t.clone().into_json()["Resources"]["Role1ABCC5F0"]["Type"], "AWS::IAM::Role");
    assert_eq!(Template::parse(&assembly.stack("Stack").unwrap().template_text()).unwrap(), t);
    let err = Template::parse("{oops").unwrap_err();
    assert!(err.message().starts_with("the template is not valid JSON: "), "{err}");
}

#[test]
fn from_stack_reports_synth_problems_and_unknown_stacks() {
    let mut app = App::new();
    let stack = app.add_stack("Stack");
    CfnResource::new("NotAType").add(&mut *stack, "Bad");
    let err = Template::try_from_stack(&app, "Stack").unwrap_err();
    assert!(
        err.message()
            .starts_with("cannot take the template of stack \"Stack\": synth failed with 1 validation problem:"),
        "{err}"
    );
    assert!(err.message().contains("[Stack/Bad] resource type \"NotAType\" is not of the form"), "{err}");

    let err = Template::try_from_stack(&crate::App::new(), "Nope").unwrap_err();
    assert_eq!(err.message(), "the app has no stack \"Nope\"; its stacks: none");
    let err = Template::try_from_stack(&app_with_two_stacks(), "Nope").unwrap_err();
    assert_eq!(err.message(), "the app has no stack \"Nope\"; its stacks: A, B");
}

fn app_with_two_stacks() -> App {
    let mut app = App::new();
    CfnResource::new("AWS::SNS::Topic").add(app.add_stack("A"), "Topic");
    CfnResource::new("AWS::SNS::Topic").add(app.add_stack("B"), "Topic");
    app
}

#[test]
#[should_panic(expected = "synth failed with 1 validation problem")]
fn from_stack_panics_on_synth_failure() {
    let mut app = App::new();
    let stack = app.add_stack("Stack");
    CfnResource::new("NotAType").add(&mut *stack, "Bad");
    Template::from_stack(&app, "Stack");
}

#[test]
fn has_resource_properties_matches_object_like() {
    let t = template();
    t.has_resource_properties("AWS::IAM::Role", json!({"Path": "/service/"}));
    t.has_resource_properties("AWS::IAM::Role", json!({}));
    t.has_resource_properties("AWS::IAM::Role", pattern!({"Path": "/admin/", "RoleName": Match::absent()}));
    t.has_resource_properties(
        "AWS::IAM::Policy",
        pattern!({"PolicyDocument": {"Statement": Match::array_with([
            json!({"Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery"], "Effect": "Allow", "Resource": "*"})
        ])}}),
    );
    // A resource without Properties counts as `{}`; absent() accepts it too.
    t.has_resource_properties("AWS::SNS::Topic", json!({}));
    t.has_resource_properties("AWS::SNS::Topic", Match::absent());
    t.has_resource_properties("AWS::SNS::Topic", pattern!({"TopicName": Match::absent()}));
    assert!(t.try_has_resource_properties("AWS::IAM::Role", Match::absent()).is_err());
}

#[test]
fn has_resource_properties_reports_the_closest_resources() {
    let err = template().try_has_resource_properties("AWS::IAM::Role", json!({"Path": "/"})).unwrap_err();
    assert_eq!(
        err.message(),
        r#"Expected a resource of type AWS::IAM::Role with properties matching {"Path": "/"}; the template has 2 resources of that type and none match. Closest:
  Admin (1 difference)
    at /Properties/Path: expected "/", got "/admin/"
  Role1ABCC5F0 (1 difference)
    at /Properties/Path: expected "/", got "/service/"
"#
    );
    // Fewer differences rank first.
    let err = template()
        .try_has_resource_properties("AWS::IAM::Role", json!({"Path": "/service/", "RoleName": "boss"}))
        .unwrap_err();
    let closest = err.message().split("Closest:\n").nth(1).unwrap();
    assert!(closest.starts_with("  Role1ABCC5F0 (1 difference)\n    at /Properties/RoleName: expected \"boss\", got \"worker\"\n  Admin (2 differences)\n"), "{err}");
    assert!(closest.contains("    at /Properties/RoleName: missing; expected \"boss\""), "{err}");
}

#[test]
fn has_resource_properties_hints_at_has_resource() {
    let err = template()
        .try_has_resource_properties("AWS::SNS::Topic", json!({"DeletionPolicy": "Retain", "Properties": {}}))
        .unwrap_err();
    assert!(
        err.message().contains(
            "(has_resource_properties matches inside \"Properties\"; to match the whole resource use has_resource)"
        ),
        "{err}"
    );
}

#[test]
#[should_panic(expected = "at /Properties/Path: expected \"/\", got \"/service/\"")]
fn has_resource_properties_panics_with_the_report() {
    template().has_resource_properties("AWS::IAM::Role", json!({"Path": "/", "RoleName": "worker"}));
}

#[test]
fn missing_types_list_the_types_present() {
    let err = template().try_has_resource_properties("AWS::IAM::role", json!({})).unwrap_err();
    assert_eq!(
        err.message(),
        "Expected a resource of type AWS::IAM::role with properties matching {}; the template has no resources of that type (types present: AWS::IAM::Policy (1), AWS::IAM::Role (2), AWS::SNS::Topic (1); did you mean AWS::IAM::Role?)."
    );
    let empty = Template::from_json(json!({}));
    assert_eq!(
        empty.try_has_resource("AWS::SNS::Topic", json!({})).unwrap_err().message(),
        "Expected a resource of type AWS::SNS::Topic matching {}; the template has no resources at all."
    );
}

#[test]
fn has_resource_matches_the_whole_definition() {
    let t = template();
    t.has_resource("AWS::SNS::Topic", json!({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}));
    t.has_resource(
        "AWS::IAM::Policy",
        json!({"DependsOn": ["Topic"], "Properties": {"Roles": [{"Ref": "Role1ABCC5F0"}]}}),
    );
    t.has_resource("AWS::IAM::Role", pattern!({"DependsOn": Match::absent(), "Properties": {"Path": "/admin/"}}));
    let err = t.try_has_resource("AWS::SNS::Topic", json!({"DeletionPolicy": "Delete"})).unwrap_err();
    assert_eq!(
        err.message(),
        r#"Expected a resource of type AWS::SNS::Topic matching {"DeletionPolicy": "Delete"}; the template has 1 resource of that type and none match. Closest:
  Topic (1 difference)
    at /DeletionPolicy: expected "Delete", got "Retain"
"#
    );
    let err = t.try_has_resource("AWS::IAM::Role", json!({"Path": "/admin/"})).unwrap_err();
    assert!(
        err.message().contains("(has_resource matches the whole resource definition; for properties use has_resource_properties or nest them under \"Properties\")"),
        "{err}"
    );
}

#[test]
fn resource_count_is_counts_by_type() {
    let t = template();
    t.resource_count_is("AWS::IAM::Role", 2);
    t.resource_count_is("AWS::Lambda::Function", 0);
    assert_eq!(
        t.try_resource_count_is("AWS::IAM::Role", 1).unwrap_err().message(),
        "Expected 1 resource of type AWS::IAM::Role, found 2: Role1ABCC5F0, Admin"
    );
    let err = t.try_resource_count_is("AWS::Lambda::Function", 1).unwrap_err();
    assert!(err.message().starts_with("Expected 1 resource of type AWS::Lambda::Function, found none; the template has no resources of that type (types present: "), "{err}");
}

#[test]
#[should_panic(expected = "Expected 3 resources of type AWS::IAM::Role, found 2: Role1ABCC5F0, Admin")]
fn resource_count_is_panics() {
    template().resource_count_is("AWS::IAM::Role", 3);
}

#[test]
fn resource_properties_count_is_counts_matches() {
    let t = template();
    t.resource_properties_count_is("AWS::IAM::Role", pattern!({"Path": Match::string_like_regexp("^/")}), 2);
    t.resource_properties_count_is("AWS::IAM::Role", json!({"Path": "/admin/"}), 1);
    t.resource_properties_count_is("AWS::IAM::Role", json!({"Path": "/"}), 0);
    assert_eq!(
        t.try_resource_properties_count_is("AWS::IAM::Role", json!({"Path": "/admin/"}), 2).unwrap_err().message(),
        r#"Expected 2 resources of type AWS::IAM::Role with properties matching {"Path": "/admin/"}, found 1 (matching: Admin; not matching: Role1ABCC5F0). Closest of the others:
  Role1ABCC5F0 (1 difference)
    at /Properties/Path: expected "/admin/", got "/service/"
"#
    );
    assert_eq!(
        t.try_resource_properties_count_is("AWS::IAM::Role", json!({}), 1).unwrap_err().message(),
        "Expected 1 resource of type AWS::IAM::Role with properties matching {}, found 2 (matching: Role1ABCC5F0, Admin; not matching: none)"
    );
}

#[test]
fn all_resources_requires_every_one_to_match() {
    let t = template();
    t.all_resources_properties("AWS::IAM::Role", pattern!({"Path": Match::any_value()}));
    t.all_resources("AWS::IAM::Role", json!({"Type": "AWS::IAM::Role"}));
    assert_eq!(
        t.try_all_resources_properties("AWS::IAM::Role", pattern!({"RoleName": Match::any_value()}))
            .unwrap_err()
            .message(),
        r#"Expected every resource of type AWS::IAM::Role to have properties matching {"RoleName": any_value()}; 1 of 2 resources do not:
  Admin (1 difference)
    at /Properties/RoleName: missing; expected any_value()
"#
    );
    let err = t.try_all_resources("AWS::S3::Bucket", json!({})).unwrap_err();
    assert!(
        err.message().starts_with(
            "Expected every resource of type AWS::S3::Bucket to match {}; the template has no resources of that type"
        ),
        "{err}"
    );
}

#[test]
fn find_resources_returns_matches_by_logical_id() {
    let t = template();
    let all = t.find_resources("AWS::IAM::Role", json!({}));
    assert_eq!(all.keys().collect::<Vec<_>>(), ["Admin", "Role1ABCC5F0"]);
    assert_eq!(all["Admin"]["Properties"]["MaxSessionDuration"], 7200);
    let found = t.find_resources("AWS::IAM::Role", json!({"Properties": {"Path": "/service/"}}));
    assert_eq!(found.keys().collect::<Vec<_>>(), ["Role1ABCC5F0"]);
    assert!(t.find_resources("AWS::IAM::Role", json!({"Path": "/service/"})).is_empty(), "whole-resource pattern");
    let by_props = t.find_resources_by_properties("AWS::IAM::Role", json!({"Path": "/service/"}));
    assert_eq!(by_props.keys().collect::<Vec<_>>(), ["Role1ABCC5F0"]);
    assert!(t.find_resources("AWS::Nope::Nope", json!({})).is_empty());
}

#[test]
fn resource_id_finds_the_single_match() {
    let t = template();
    assert_eq!(t.resource_id("AWS::IAM::Role", json!({"Properties": {"Path": "/admin/"}})), "Admin");
    assert_eq!(
        t.try_resource_id("AWS::IAM::Role", json!({})).unwrap_err().message(),
        "Expected one resource of type AWS::IAM::Role matching {}, found 2: Role1ABCC5F0, Admin"
    );
    let err = t.try_resource_id("AWS::IAM::Role", json!({"Properties": {"Path": "/x/"}})).unwrap_err();
    assert!(err.message().starts_with(r#"Expected one resource of type AWS::IAM::Role matching {"Properties": {"Path": "/x/"}}; the template has 2 resources"#), "{err}");
}

#[test]
fn captures_collect_from_every_matching_resource() {
    let path = Capture::new();
    template().has_resource_properties("AWS::IAM::Role", pattern!({"Path": &path}));
    assert_eq!(path.as_string(), "/service/");
    assert!(path.next());
    assert_eq!(path.as_string(), "/admin/");
    assert!(!path.next());

    let role = Capture::new();
    template().has_resource_properties("AWS::IAM::Policy", pattern!({"Roles": [&role]}));
    assert_eq!(role.as_object()["Ref"], "Role1ABCC5F0");
}

#[test]
fn outputs_by_id_or_any() {
    let t = template();
    t.has_output("RoleArn", json!({"Value": {"Fn::GetAtt": ["Role1ABCC5F0", "Arn"]}}));
    t.has_output("*", json!({"Description": "the role"}));
    assert_eq!(t.find_outputs("*", json!({})).keys().collect::<Vec<_>>(), ["RoleArn"]);
    assert!(t.find_outputs("Other", json!({})).is_empty());
    assert_eq!(
        t.try_has_output("RoleArn", json!({"Value": {"Ref": "Role1ABCC5F0"}})).unwrap_err().message(),
        r#"Expected output "RoleArn" matching {"Value": {"Ref": "Role1ABCC5F0"}}; it differs:
  at /Value/Ref: missing; expected "Role1ABCC5F0"
"#
    );
    assert_eq!(
        t.try_has_output("Missing", json!({})).unwrap_err().message(),
        r#"Expected output "Missing" matching {}; the template has no output with that ID (outputs: RoleArn)."#
    );
    assert_eq!(
        t.try_has_output("*", json!({"Description": "x"})).unwrap_err().message(),
        r#"Expected an output matching {"Description": "x"}; the template has 1 output and none match. Closest:
  RoleArn (1 difference)
    at /Description: expected "x", got "the role"
"#
    );
    assert_eq!(
        Template::from_json(json!({})).try_has_output("*", json!({})).unwrap_err().message(),
        "Expected an output matching {}; the template has no outputs."
    );
}

#[test]
fn parameters_conditions_and_mappings() {
    let t = template();
    t.has_parameter("Env", json!({"Type": "String", "Default": "dev"}));
    t.has_parameter("*", pattern!({"NoEcho": Match::absent()}));
    assert_eq!(t.find_parameters("*", json!({})).len(), 1);
    let err = t.try_has_parameter("Env", json!({"Default": "prod"})).unwrap_err();
    assert!(err.message().contains(r#"at /Default: expected "prod", got "dev""#), "{err}");

    t.has_condition("IsProd", json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}));
    assert_eq!(t.find_conditions("*", json!({})).keys().collect::<Vec<_>>(), ["IsProd"]);
    assert!(t.try_has_condition("*", json!({"Fn::Not": [{}]})).is_err());

    let with_mapping = Template::from_json(json!({"Mappings": {"RegionMap": {"us-east-1": {"Ami": "ami-1"}}}}));
    with_mapping.has_mapping("RegionMap", json!({"us-east-1": {"Ami": "ami-1"}}));
    with_mapping.has_mapping("*", pattern!({"eu-west-1": Match::absent()}));
    assert_eq!(with_mapping.find_mappings("RegionMap", json!({})).len(), 1);
    assert_eq!(
        with_mapping.try_has_mapping("Other", json!({})).unwrap_err().message(),
        r#"Expected mapping "Other" matching {}; the template has no mapping with that ID (mappings: RegionMap)."#
    );
    assert_eq!(
        t.try_has_mapping("*", json!({})).unwrap_err().message(),
        "Expected a mapping matching {}; the template has no mappings."
    );
}

#[test]
fn template_matches_the_whole_template() {
    let t = template();
    t.template_matches(json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}));
    t.template_matches(pattern!({"Resources": {"Nope": Match::absent()}, "Outputs": Match::any_value()}));
    assert_eq!(
        t.try_template_matches(json!({"Resources": {"Topic": {"Type": "AWS::SQS::Queue"}}, "Transform": "x"}))
            .unwrap_err()
            .message(),
        r#"Expected the template to match {"Resources": {"Topic": {"Type": "AWS::SQS::Queue"}}, "Transform": "x"}; it differs in 2 places:
  at /Resources/Topic/Type: expected "AWS::SQS::Queue", got "AWS::SNS::Topic"
  at /Transform: missing; expected "x"
"#
    );
}

#[test]
fn raw_json_templates_and_state_machine_definitions() {
    let definition = json!({"StartAt": "WhichPath?", "States": {
        "WhichPath?": {"Type": "Choice", "Choices": [
            {"Variable": "$.detail.Path", "StringEquals": "A", "Next": "PathA"}
        ], "Default": "Fail"},
        "PathA": {"Type": "Pass", "End": true},
        "Fail": {"Type": "Fail"}
    }});
    let t = Template::from_json(json!({"Resources": {"SM934E715A": {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"DefinitionString": definition.to_string(), "StateMachineType": "STANDARD"}
    }}}));
    t.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        pattern!({"DefinitionString": Match::serialized_json(definition.clone())}),
    );
    t.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        pattern!({"DefinitionString": Match::serialized_json(Match::object_like(pattern!({
            "StartAt": "WhichPath?",
            "States": {"PathA": {"Type": "Pass"}},
        })))}),
    );
    let err = t
        .try_has_resource_properties(
            "AWS::StepFunctions::StateMachine",
            pattern!({"DefinitionString": Match::serialized_json(Match::object_like(json!({"States": {"PathA": {"Type": "Succeed"}}})))}),
        )
        .unwrap_err();
    assert!(
        err.message().contains(r#"at /Properties/DefinitionString#/States/PathA/Type: expected "Succeed", got "Pass""#),
        "{err}"
    );
}

#[test]
fn serialized_json_matches_a_synthesized_definition_with_tokens() {
    let mut app = App::new();
    let stack = app.add_stack("Stack");
    let function = CfnResource::new("AWS::Lambda::Function").add(&mut *stack, "Fn");
    let definition = Value::map([
        ("StartAt", Value::from("Invoke")),
        (
            "States",
            Value::map([(
                "Invoke",
                Value::map([
                    ("Type", Value::from("Task")),
                    ("Resource", Value::GetAtt(function, "Arn".into())),
                    ("End", Value::from(true)),
                ]),
            )]),
        ),
    ]);
    CfnResource::new("AWS::StepFunctions::StateMachine")
        .property("DefinitionString", Value::json_string(definition))
        .add(&mut *stack, "SM");
    let t = Template::from_stack(&app, "Stack");
    let rendered = &t.to_json()["Resources"]["SM"]["Properties"]["DefinitionString"];
    assert!(rendered.get("Fn::Join").is_some(), "the definition has a token: {rendered}");

    let resource = Capture::new();
    t.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        pattern!({"DefinitionString": Match::serialized_json(pattern!({
            "StartAt": "Invoke",
            "States": {"Invoke": {"Type": "Task", "Resource": &resource, "End": true}},
        }))}),
    );
    assert_eq!(resource.value(), json!({"Fn::GetAtt": ["Fn", "Arn"]}));

    let err = t
        .try_has_resource_properties(
            "AWS::StepFunctions::StateMachine",
            pattern!({"DefinitionString": Match::serialized_json(Match::object_like(json!({"StartAt": "Other"})))}),
        )
        .unwrap_err();
    assert_eq!(
        err.message(),
        r#"Expected a resource of type AWS::StepFunctions::StateMachine with properties matching {"DefinitionString": serialized_json(object_like({"StartAt": "Other"}))}; the template has 1 resource of that type and none match. Closest:
  SM (1 difference)
    at /Properties/DefinitionString#/StartAt: expected "Other", got "Invoke"
    at /Properties/DefinitionString: the value is an Fn::Join with 1 token ({"Fn::GetAtt":["Fn","Arn"]}); each token is matched as its intrinsic object
"#
    );
}

use serde_json::{json, Value as Json};

use super::{render_path, test, Seg};
use crate::assertions::{Capture, Match, Matcher};
use crate::pattern;

/// The rendered differences (notes prefixed with `note: `), empty on a match.
fn diffs(m: impl Into<Matcher>, actual: Json) -> Vec<String> {
    let outcome = test(&m.into(), &actual, vec![]);
    outcome.commit_captures();
    outcome.failures.iter().map(|f| if f.note { format!("note: {}", f.render()) } else { f.render() }).collect()
}

fn matches(m: impl Into<Matcher>, actual: Json) -> bool {
    test(&m.into(), &actual, vec![]).is_match()
}

#[test]
fn paths_render_as_json_pointers() {
    assert_eq!(render_path(&[]), "the top level");
    assert_eq!(
        render_path(&[Seg::Key("a/b".into()), Seg::Index(2), Seg::Key("~".into()), Seg::Parsed, Seg::Key("S".into())]),
        "/a~1b/2/~0#/S"
    );
}

#[test]
fn scalars_match_equal_values() {
    assert!(matches("a", json!("a")));
    assert!(matches(3, json!(3)));
    assert!(matches(3, json!(3.0)), "numbers compare by value");
    assert!(matches(true, json!(true)));
    assert!(matches(json!(null), json!(null)));
    assert_eq!(diffs("/", json!("/service/")), [r#"at the top level: expected "/", got "/service/""#]);
    assert_eq!(diffs(3, json!("3")), [r#"at the top level: expected 3 (a number), got "3" (a string)"#]);
    assert_eq!(
        diffs("arn", json!({"Fn::GetAtt": ["R", "Arn"]})),
        [r#"at the top level: expected "arn" (a string), got {"Fn::GetAtt":["R","Arn"]} (a Fn::GetAtt intrinsic)"#]
    );
}

#[test]
fn literal_objects_match_object_like_at_the_top_recursively() {
    let actual = json!({"Path": "/", "Extra": 1, "Nested": {"A": 1, "B": 2}});
    assert!(matches(json!({"Path": "/", "Nested": {"A": 1}}), actual.clone()));
    assert_eq!(
        diffs(json!({"Path": "/x", "Missing": {"Q": 1}, "Nested": {"A": 2}}), actual),
        [
            r#"at /Path: expected "/x", got "/""#,
            r#"at /Missing: missing; expected {"Q": 1}"#,
            "at /Nested/A: expected 2, got 1",
        ]
    );
    assert_eq!(
        diffs(json!({"A": 1}), json!([1])),
        [r#"at the top level: expected an object matching {"A": 1}, got [1] (an array)"#]
    );
}

#[test]
fn literal_arrays_need_every_element_in_order() {
    assert!(matches(json!([1, {"a": 1}]), json!([1, {"a": 1, "b": 2}])), "objects inside stay object-like");
    assert_eq!(
        diffs(json!({"L": [1, 2]}), json!({"L": [2, 1]})),
        ["at /L/0: expected 1, got 2", "at /L/1: expected 2, got 1"]
    );
    assert_eq!(diffs(json!([1, 2, 3]), json!([1])), ["at the top level: expected 3 elements, got 1; missing: 2, 3"]);
    assert_eq!(
        diffs(json!([1]), json!([1, "x", 3])),
        [r#"at the top level: expected 1 element, got 3; extra: ["x",3]"#]
    );
    assert_eq!(
        diffs(json!([1]), json!("x")),
        [r#"at the top level: expected an array of 1 element, got "x" (a string)"#]
    );
}

#[test]
fn object_like_is_partial_even_inside_exact_contexts() {
    let actual = json!({"A": {"B": 1, "C": 2}, "D": 3});
    assert!(matches(Match::object_like(json!({"A": {"B": 1}})), actual.clone()));
    assert!(matches(Match::exact(pattern!({"A": Match::object_like(json!({"B": 1})), "D": 3})), actual.clone()));
    assert_eq!(diffs(Match::object_like(json!({"A": {"B": 2}})), actual), ["at /A/B: expected 2, got 1"]);
}

#[test]
fn object_equals_and_exact_reject_extra_keys_at_every_depth() {
    let actual = json!({"A": {"B": 1, "C": 2}, "D": 3});
    assert!(matches(Match::object_equals(json!({"A": {"B": 1, "C": 2}, "D": 3})), actual.clone()));
    assert!(matches(Match::exact(json!({"A": {"B": 1, "C": 2}, "D": 3})), actual.clone()));
    assert_eq!(
        diffs(Match::object_equals(json!({"A": {"B": 1}})), actual.clone()),
        ["at /A/C: unexpected key (exact match) holding 2", "at /D: unexpected key (exact match) holding 3"]
    );
    assert_eq!(
        diffs(Match::exact(json!({"A": {"B": 1, "C": 2}, "D": 3, "E": null})), actual),
        ["at /E: missing; expected null"]
    );
    assert!(matches(Match::exact("x"), json!("x")));
    assert!(matches(Match::exact(json!([{"a": 1}])), json!([{"a": 1}])));
    assert_eq!(
        diffs(Match::exact(json!([{"a": 1}])), json!([{"a": 1, "b": 2}])),
        ["at /0/b: unexpected key (exact match) holding 2"]
    );
}

#[test]
fn absent_requires_the_key_to_be_missing() {
    assert!(matches(pattern!({"Gone": Match::absent()}), json!({"Other": 1})));
    assert_eq!(
        diffs(pattern!({"Gone": Match::absent()}), json!({"Gone": "x"})),
        [r#"at /Gone: expected absent, got "x""#]
    );
    assert!(matches(Match::object_equals(pattern!({"A": 1, "Gone": Match::absent()})), json!({"A": 1})));
}

#[test]
fn any_value_requires_a_non_null_value() {
    assert!(matches(pattern!({"K": Match::any_value()}), json!({"K": [1]})));
    assert_eq!(diffs(pattern!({"K": Match::any_value()}), json!({"K": null})), ["at /K: expected any value, got null"]);
    assert_eq!(diffs(pattern!({"K": Match::any_value()}), json!({})), ["at /K: missing; expected any_value()"]);
}

#[test]
fn array_with_finds_a_subsequence() {
    let actual = json!(["a", "b", "c", "d"]);
    assert!(matches(Match::array_with(["a", "c"]), actual.clone()));
    assert!(matches(Match::array_with(["b", "c", "d"]), actual.clone()));
    assert!(matches(Match::array_with(Vec::<Json>::new()), actual.clone()), "the empty pattern is in every array");
    assert!(!matches(Match::array_with(["c", "a"]), actual.clone()), "order matters");
    assert!(!matches(Match::array_with(["a", "a"]), actual.clone()), "each element matches one pattern");
    assert_eq!(
        diffs(Match::array_with(["c", "a"]), actual),
        [r#"at the top level: no element matches array_with pattern #1 "a" after pattern #0 matched element 2; closest is element 3:"#
            .replace("at the top level", "note: at the top level"), r#"at /3: expected "a", got "d""#.into()]
    );
}

#[test]
fn array_with_reports_the_closest_element_and_the_exact_object_pitfall() {
    let statements = json!([
        {"Action": "logs:CreateLogDelivery", "Effect": "Allow", "Resource": "*"},
        {"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": "SM"}},
    ]);
    // Literal objects inside array_with are exact, as in AWS CDK.
    let partial = json!({"Action": "states:StartExecution", "Effect": "Allow"});
    assert_eq!(
        diffs(Match::array_with([partial.clone()]), statements.clone()),
        [
            r#"note: at the top level: no element matches array_with pattern #0 {"Action": "states:StartExecution", "Effect": "Allow"}; closest is element 1:"#,
            r#"at /1/Resource: unexpected key (exact match) holding {"Ref":"SM"}"#,
            "note: at the top level: array_with matches literal objects exactly; use Match::object_like(..) for the element to match partially",
        ]
    );
    assert!(matches(Match::array_with([Match::object_like(partial)]), statements.clone()));
    assert_eq!(
        diffs(Match::array_with([Match::object_like(json!({"Action": "states:StopExecution"}))]), statements.clone()),
        [
            r#"note: at the top level: no element matches array_with pattern #0 object_like({"Action": "states:StopExecution"}); closest is element 0:"#,
            r#"at /0/Action: expected "states:StopExecution", got "logs:CreateLogDelivery""#,
        ]
    );
    assert_eq!(
        diffs(Match::array_with(["x"]), json!([])),
        [r#"at the top level: no element matches array_with pattern #0 "x": the array is empty"#]
    );
    assert_eq!(
        diffs(Match::array_with(["a", "b"]), json!(["b", "a"])),
        [
            r#"at the top level: no element matches array_with pattern #1 "b" after pattern #0 matched element 1: no elements left to try"#
        ]
    );
    assert_eq!(
        diffs(Match::array_with(["a"]), json!({"a": 1})),
        [r#"at the top level: expected an array (array_with), got {"a":1} (an object)"#]
    );
    assert_eq!(
        diffs(Match::array_with([Match::absent()]), json!([1])),
        ["at the top level: Match::absent() cannot be used inside Match::array_with"]
    );
}

#[test]
fn array_equals_needs_the_same_elements_exactly() {
    assert!(matches(Match::array_equals(json!([1, {"a": 2}])), json!([1, {"a": 2}])));
    assert_eq!(
        diffs(Match::array_equals(json!([{"a": 2}])), json!([{"a": 2, "b": 3}])),
        ["at /0/b: unexpected key (exact match) holding 3"]
    );
    assert_eq!(
        diffs(Match::array_equals(vec![1]), json!([1, 2])),
        ["at the top level: expected 1 element, got 2; extra: [2]"]
    );
    assert!(matches(Match::array_equals(vec![Match::object_like(json!({"a": 2}))]), json!([{"a": 2, "b": 3}])));
}

#[test]
fn not_inverts_its_pattern() {
    assert!(matches(Match::not("a"), json!("b")));
    assert_eq!(diffs(Match::not("a"), json!("a")), [r#"at the top level: expected anything but "a", got "a""#]);
    // A literal inside not() is exact: a superset is not "the same".
    assert!(matches(Match::not(json!({"a": 1})), json!({"a": 1, "b": 2})));
    assert!(!matches(Match::not(Match::object_like(json!({"a": 1}))), json!({"a": 1, "b": 2})));
    assert!(matches(pattern!({"K": Match::not(Match::absent())}), json!({"K": 1})));
}

#[test]
fn serialized_json_parses_strings_and_matches_exactly() {
    let definition = json!({"Def": r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#});
    assert!(matches(
        pattern!({"Def": Match::serialized_json(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}))}),
        definition.clone()
    ));
    assert!(matches(
        pattern!({"Def": Match::serialized_json(Match::object_like(json!({"StartAt": "A"})))}),
        definition.clone()
    ));
    assert_eq!(
        diffs(pattern!({"Def": Match::serialized_json(json!({"StartAt": "B"}))}), definition.clone()),
        [
            r#"at /Def#/StartAt: expected "B", got "A""#,
            r#"at /Def#/States: unexpected key (exact match) holding {"A":{"Type":"Pass","End":true}}"#,
        ]
    );
    assert_eq!(
        diffs(pattern!({"Def": Match::serialized_json(json!({}))}), json!({"Def": {"A": 1}})),
        [r#"at /Def: expected a string of JSON text, got {"A":1} (an object)"#]
    );
}

#[test]
fn serialized_json_resolves_an_fn_join_with_tokens() {
    let actual = json!({"Def": {"Fn::Join": ["", [
        "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"",
        {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
        "\",\"End\":true}}}"
    ]]}});
    let expected = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]}, "End": true
    }}});
    assert!(matches(pattern!({"Def": Match::serialized_json(expected)}), actual.clone()));
    let wrong = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": {"Fn::GetAtt": ["Other", "Arn"]}, "End": true
    }}});
    assert_eq!(
        diffs(pattern!({"Def": Match::serialized_json(wrong)}), actual),
        [
            r#"at /Def#/States/T/Resource/Fn::GetAtt/0: expected "Other", got "Fn9270CBC0""#,
            r#"note: at /Def: the value is an Fn::Join with 1 token ({"Fn::GetAtt":["Fn9270CBC0","Arn"]}); each token is matched as its intrinsic object"#,
        ]
    );
}

#[test]
fn string_like_regexp_searches_strings() {
    assert!(matches(Match::string_like_regexp("^arn:aws:iam::"), json!("arn:aws:iam::123:role/x")));
    assert!(matches(Match::string_like_regexp("role"), json!("arn:aws:iam::123:role/x")), "unanchored search");
    assert_eq!(
        diffs(Match::string_like_regexp("^/service/$"), json!("/")),
        [r#"at the top level: expected a string matching /^/service/$/, got "/""#]
    );
    assert_eq!(
        diffs(Match::string_like_regexp("x"), json!({"Ref": "X"})),
        [r#"at the top level: expected a string matching /x/, got {"Ref":"X"} (a Ref intrinsic)"#]
    );
    let invalid = diffs(Match::string_like_regexp("(oops"), json!("(oops"));
    assert_eq!(invalid.len(), 1);
    assert!(invalid[0].starts_with(r#"at the top level: invalid regular expression "(oops": "#), "{invalid:?}");
}

#[test]
fn satisfies_runs_a_predicate() {
    let positive = || Match::satisfies("a positive number", |v| v.as_f64().is_some_and(|n| n > 0.0));
    assert!(matches(positive(), json!(3)));
    assert_eq!(diffs(positive(), json!(-1)), ["at the top level: expected a positive number, got -1"]);
}

#[test]
fn invalid_patterns_never_match_and_say_why() {
    assert_eq!(
        diffs(Match::object_like(json!("x")), json!("x")),
        [r#"at the top level: Match::object_like takes an object pattern, got "x""#]
    );
}

#[test]
fn captures_record_values_of_successful_matches_only() {
    let cap = Capture::new();
    assert!(diffs(pattern!({"A": &cap, "B": 1}), json!({"A": "first", "B": 1})).is_empty());
    assert_eq!(diffs(pattern!({"A": &cap, "B": 1}), json!({"A": "second", "B": 2})), ["at /B: expected 1, got 2"]);
    assert_eq!(cap.values(), [json!("first")], "a failed match records nothing");

    let cap = Capture::new();
    assert_eq!(diffs(pattern!({"A": &cap}), json!({"A": null})), ["at /A: cannot capture null"]);
    assert!(cap.is_empty());

    let cap = Capture::matching(json!({"Type": "Pass"}));
    assert!(diffs(pattern!({"S": [&cap, &cap]}), json!({"S": [{"Type": "Pass", "End": true}, {"Type": "Pass"}]}))
        .is_empty());
    assert_eq!(cap.len(), 2, "object-like pattern, both elements recorded");
    assert_eq!(
        diffs(pattern!({"S": &cap}), json!({"S": {"Type": "Task"}})),
        [r#"at /S/Type: expected "Pass", got "Task""#]
    );
    assert_eq!(cap.len(), 2);

    // Inside array_with, only the elements that matched are recorded.
    let cap = Capture::new();
    let statement = Capture::new();
    assert!(diffs(
        Match::array_with([pattern!({"Action": &cap, "Effect": "Allow"})]),
        json!([{"Action": "a", "Effect": "Deny"}, {"Action": "b", "Effect": "Allow"}])
    )
    .is_empty());
    assert_eq!(cap.values(), [json!("b")]);
    // Inside not(), nothing is recorded.
    assert!(diffs(Match::not(pattern!({"A": &statement})), json!({"B": 1})).is_empty());
    assert!(statement.is_empty());
}

#[test]
fn matchers_can_be_shared_across_threads() {
    fn send_sync<T: Send + Sync + Clone>() {}
    send_sync::<Matcher>();
    send_sync::<Capture>();
}

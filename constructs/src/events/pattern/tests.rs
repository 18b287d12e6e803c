//! Tests of the pattern model as a whole: rendering, validation paths, import round-trips.

use framework::{Pseudo, Value};
use serde_json::json;

use super::*;

fn has(problems: &[String], needle: &str) -> bool {
    problems.iter().any(|p| p.contains(needle))
}

#[test]
fn flagship_rule_renders_with_the_account_token() {
    let p = EventPattern::new().account([Value::Pseudo(Pseudo::AccountId)]).source(["demo.sfn"]);
    assert_eq!(
        p.to_value(),
        Value::map([
            ("account", Value::list([Value::Pseudo(Pseudo::AccountId)])),
            ("source", Value::list(["demo.sfn"])),
        ])
    );
    assert!(p.problems().is_empty());
    assert!(p.to_json().is_none(), "has a token");
}

#[test]
fn nested_detail_and_or_render() {
    let p = EventPattern::new().source(["aws.ec2"]).detail_path(["instance", "state"], ["running"]).detail_any_of([
        PatternObject::new().field("c-count", [Matcher::numeric(Numeric::gt(0).and_le(5))]),
        PatternObject::new().field("x-limit", [Matcher::numeric_eq(301.8)]),
    ]);
    assert_eq!(
        p.to_json().unwrap(),
        json!({
            "detail": {
                "$or": [
                    {"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                    {"x-limit": [{"numeric": ["=", 301.8]}]}
                ],
                "instance": {"state": ["running"]}
            },
            "source": ["aws.ec2"]
        })
    );
    assert!(p.problems().is_empty(), "{:?}", p.problems());
}

#[test]
fn all_top_level_fields() {
    let p = EventPattern::new()
        .source(["s"])
        .detail_type(["t"])
        .account(["111122223333"])
        .region(["eu-west-1"])
        .resources([Matcher::prefix("arn:")])
        .id([Matcher::exists(true)])
        .time([Matcher::prefix("2026-")])
        .version(["0"]);
    let json = p.to_json().unwrap();
    for key in ["source", "detail-type", "account", "region", "resources", "id", "time", "version"] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn empty_pattern_and_empty_lists() {
    assert!(has(&EventPattern::new().problems(), "the event pattern is empty"));
    let p = EventPattern::new().detail_field("state", Vec::<Matcher>::new());
    assert!(has(&p.problems(), "detail.state: the list of matchers must not be empty"));
    let p = EventPattern::from_object(PatternObject::new().object("detail", PatternObject::new()));
    assert!(has(&p.problems(), "detail: empty objects are not allowed"));
    let p = EventPattern::new().field(["detail", ""], ["x"]);
    assert!(has(&p.problems(), "detail: field names must not be empty"));
}

#[test]
fn matcher_problems_name_the_field_path() {
    let p = EventPattern::new()
        .source([Matcher::prefix("")])
        .detail_field("n", ["ok".into(), Matcher::numeric(Numeric::gt(5).and_lt(1))])
        .detail_path(["a", "b"], [Matcher::wildcard("x**")])
        .detail_field("ip", [Matcher::cidr("10.0.0.0/33")])
        .detail_field("s", [Matcher::suffix("")]);
    let problems = p.problems();
    assert!(has(&problems, "source[0]: prefix value must not be empty"), "{problems:?}");
    assert!(has(&problems, "detail.n[1]: numeric range is empty"), "{problems:?}");
    assert!(has(&problems, "detail.a.b[0]: wildcard \"x**\" has consecutive"), "{problems:?}");
    assert!(has(&problems, "detail.ip[0]: cidr \"10.0.0.0/33\""), "{problems:?}");
    assert!(has(&problems, "detail.s[0]: suffix value must not be empty"), "{problems:?}");
    assert_eq!(problems.len(), 5, "{problems:?}");
}

#[test]
fn or_rules() {
    let one = EventPattern::new().any_of([PatternObject::new().field("source", ["a"])]);
    assert!(has(&one.problems(), "$or: needs at least 2 alternatives (found 1)"));
    let reserved = EventPattern::new().detail_any_of([
        PatternObject::new().field("numeric", ["a"]),
        PatternObject::new().field("x", [Matcher::prefix("")]),
    ]);
    let problems = reserved.problems();
    assert!(has(&problems, "detail.$or[0].numeric: \"numeric\" is a reserved name"), "{problems:?}");
    assert!(has(&problems, "detail.$or[1].x[0]: prefix value must not be empty"), "{problems:?}");
    let empty_alt = EventPattern::new().any_of([PatternObject::new(), PatternObject::new().field("a", ["b"])]);
    assert!(has(&empty_alt.problems(), "$or[0]: empty objects are not allowed"));
}

#[test]
fn size_quota() {
    let big: Vec<String> = (0..300).map(|i| format!("value-{i:04}")).collect();
    let p = EventPattern::new().source(big);
    assert!(p.size() > 2048);
    assert!(has(&p.problems(), "EventBridge's quota is 2048"));
    assert!(p.problems_with_max_size(8192).is_empty());
    let flagship = EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]);
    assert_eq!(flagship.size(), r#"{"account":["123456789012"],"source":["demo.sfn"]}"#.len());
}

#[test]
fn import_round_trips() {
    let texts = [
        r#"{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"]}"#,
        r#"{"detail":{"state":[{"anything-but":"initializing"}],"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"anything-but":[100,200,300]}],"source-ip":[{"cidr":"10.0.0.0/8"}]},"time":[{"prefix":"2017-10-02"}]}"#,
        r#"{"detail":{"a":[{"prefix":{"equals-ignore-case":"EC2"}}],"b":[{"suffix":{"equals-ignore-case":".png"}}],"c":[{"equals-ignore-case":"x"}],"d":[{"wildcard":"a*b"}],"e":[{"exists":false}],"f":[null,true,1.5,"s"]}}"#,
        r#"{"detail":{"a":[{"anything-but":{"prefix":["init","error"]}}],"b":[{"anything-but":{"suffix":"1234"}}],"c":[{"anything-but":{"equals-ignore-case":["A","b"]}}],"d":[{"anything-but":{"wildcard":"*/bin/*.jar"}}],"e":[{"anything-but":["x"]}]}}"#,
        r#"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"],"$or":[{"metricId":[1234]},{"spaceId":[1000]}]}]}"#,
    ];
    for text in texts {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let pattern = EventPattern::from_json(&json).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(pattern.to_json().unwrap(), json, "{text}");
        assert_eq!(EventPattern::from_json(&pattern.to_json().unwrap()).unwrap(), pattern);
    }
}

#[test]
fn import_of_rendered_tokens() {
    let json = json!({"account": [{"Ref": "AWS::AccountId"}], "source": ["demo.sfn"]});
    let p: EventPattern = EventPattern::from_json(&json).unwrap();
    assert_eq!(p, EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]));
}

#[test]
fn import_reports_every_problem_with_its_path() {
    let text = r#"{
        "source": "aws.ec2",
        "detail": {
            "a": [{"prefix": 5}],
            "b": [{"numeric": [">", "x"]}],
            "c": [{"numeric": ["~", 1]}],
            "d": [{"anything-but": {"anything-but": "x"}}],
            "e": [{"anything-but": {"numeric": [1]}}],
            "f": [{"exists": "yes"}],
            "g": [{"regex": "a.*"}],
            "h": [{"prefix": "a", "suffix": "b"}],
            "i": [],
            "j": [{"numeric": [">", 1, "<", 2, "<", 3]}],
            "k": [{"anything-but": ["a", 1]}],
            "l": [{"prefix": {"other": "x"}}],
            "m": [{"exactly": 5}]
        },
        "$or": [{"x": ["y"]}]
    }"#;
    let err = EventPattern::from_json_str(text).unwrap_err();
    let problems = err.problems();
    let expect = [
        "source: must be an object or an array of matchers, not a string",
        "detail.a[0]: prefix value must be a string",
        "detail.b[0]: numeric operator values must be numbers",
        "detail.c[0]: numeric operator \"~\" is not one of",
        "detail.d[0]: anything-but cannot be nested inside anything-but",
        "detail.e[0]: anything-but cannot contain \"numeric\"",
        "detail.f[0]: exists must be true or false",
        "detail.g[0]: unknown operator \"regex\"",
        "detail.h[0]: a matcher object must have exactly one operator (found prefix, suffix)",
        "detail.i: the list of matchers must not be empty",
        "detail.j[0]: numeric has too many terms",
        "detail.k[0]: anything-but values must be all strings or all numbers",
        "detail.l[0]: prefix accepts a string or {\"equals-ignore-case\": string}",
        "detail.m[0]: exactly must be a string, not a number",
        "$or: needs at least 2 alternatives (found 1)",
    ];
    for e in expect {
        assert!(has(&problems, e), "missing {e:?} in {problems:#?}");
    }
    assert!(!has(&problems, "detail.b: the list of matchers must not be empty"), "{problems:#?}");
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
}

#[test]
fn import_rejects_non_objects_and_bad_json() {
    let err = EventPattern::from_json(&json!(["a"])).unwrap_err().problems();
    assert_eq!(err, vec!["the event pattern must be a JSON object, not an array".to_string()]);
    assert!(matches!(EventPattern::from_json_str("{"), Err(PatternError::Json(_))));
    assert!("{\"source\": [\"x\"]}".parse::<EventPattern>().is_ok());
    let exactly = EventPattern::from_json_str(r#"{"source": [{"exactly": "x"}]}"#).unwrap();
    assert_eq!(exactly, EventPattern::new().source(["x"]));
}

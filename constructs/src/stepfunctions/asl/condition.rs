//! Choice rules: comparisons of a variable against a literal or another path, type tests, and
//! the `And` / `Or` / `Not` combinators.
//!
//! ```
//! use constructs::stepfunctions::asl::Condition;
//! let c = Condition::and([
//!     Condition::string_equals("$.detail.Path", "A"),
//!     Condition::numeric_greater_than_equals("$.detail.Count", 10),
//!     Condition::not(Condition::is_null("$.detail.Owner")),
//! ]);
//! assert!(c.problems("rule 1").is_empty());
//! ```

use std::collections::BTreeMap;

use framework::Value;
use serde_json::Value as Json;

use super::reader::Reader;
use super::syntax::{json_path_problem, string_matches_problem, timestamp_problem};
use crate::num::Num;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `Equals`: equal to the operand.
    Equals,
    /// `LessThan`: less than the operand.
    LessThan,
    /// `GreaterThan`: greater than the operand.
    GreaterThan,
    /// `LessThanEquals`: less than or equal to the operand.
    LessThanEquals,
    /// `GreaterThanEquals`: greater than or equal to the operand.
    GreaterThanEquals,
}

impl Cmp {
    const ALL: [Cmp; 5] = [Cmp::Equals, Cmp::LessThan, Cmp::GreaterThan, Cmp::LessThanEquals, Cmp::GreaterThanEquals];
    fn name(self) -> &'static str {
        match self {
            Cmp::Equals => "Equals",
            Cmp::LessThan => "LessThan",
            Cmp::GreaterThan => "GreaterThan",
            Cmp::LessThanEquals => "LessThanEquals",
            Cmp::GreaterThanEquals => "GreaterThanEquals",
        }
    }
}

/// A type test (`IsNull`, `IsPresent`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeTest {
    /// `IsNull`: the value is null.
    Null,
    /// `IsPresent`: the path exists in the input.
    Present,
    /// `IsNumeric`: the value is a number.
    Numeric,
    /// `IsString`: the value is a string.
    String,
    /// `IsBoolean`: the value is a Boolean.
    Boolean,
    /// `IsTimestamp`: the value is an RFC 3339 timestamp string.
    Timestamp,
}

impl TypeTest {
    const ALL: [TypeTest; 6] = [
        TypeTest::Null,
        TypeTest::Present,
        TypeTest::Numeric,
        TypeTest::String,
        TypeTest::Boolean,
        TypeTest::Timestamp,
    ];
    fn operator(self) -> &'static str {
        match self {
            TypeTest::Null => "IsNull",
            TypeTest::Present => "IsPresent",
            TypeTest::Numeric => "IsNumeric",
            TypeTest::String => "IsString",
            TypeTest::Boolean => "IsBoolean",
            TypeTest::Timestamp => "IsTimestamp",
        }
    }
}

/// What a comparison tests the variable against.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `String<Cmp>`: a string literal.
    String(Cmp, String),
    /// `String<Cmp>Path`: the string at another path.
    StringPath(Cmp, String),
    /// `Numeric<Cmp>`.
    Numeric(Cmp, Num),
    /// `Numeric<Cmp>Path`.
    NumericPath(Cmp, String),
    /// `BooleanEquals`.
    Boolean(bool),
    /// `BooleanEqualsPath`.
    BooleanPath(String),
    /// `Timestamp<Cmp>`: an RFC 3339 literal.
    Timestamp(Cmp, String),
    /// `Timestamp<Cmp>Path`.
    TimestampPath(Cmp, String),
    /// `StringMatches`: a pattern with `*` wildcards.
    StringMatches(String),
    /// `Is<Type>`: true or false.
    Is(TypeTest, bool),
}

impl Test {
    /// The operator's field name, e.g. `NumericLessThanEqualsPath`.
    pub fn operator(&self) -> String {
        match self {
            Test::String(c, _) => format!("String{}", c.name()),
            Test::StringPath(c, _) => format!("String{}Path", c.name()),
            Test::Numeric(c, _) => format!("Numeric{}", c.name()),
            Test::NumericPath(c, _) => format!("Numeric{}Path", c.name()),
            Test::Boolean(_) => "BooleanEquals".into(),
            Test::BooleanPath(_) => "BooleanEqualsPath".into(),
            Test::Timestamp(c, _) => format!("Timestamp{}", c.name()),
            Test::TimestampPath(c, _) => format!("Timestamp{}Path", c.name()),
            Test::StringMatches(_) => "StringMatches".into(),
            Test::Is(t, _) => t.operator().into(),
        }
    }

    fn operand(&self) -> Value {
        match self {
            Test::String(_, s)
            | Test::StringPath(_, s)
            | Test::NumericPath(_, s)
            | Test::BooleanPath(s)
            | Test::Timestamp(_, s)
            | Test::TimestampPath(_, s)
            | Test::StringMatches(s) => s.into(),
            Test::Numeric(_, n) => n.to_value(),
            Test::Boolean(b) | Test::Is(_, b) => (*b).into(),
        }
    }

    /// Parses `operator: operand`; `None` when the operator is unknown, `Some(Err)` for a bad operand.
    fn parse(operator: &str, operand: &Json) -> Option<Result<Test, String>> {
        let want = |what: &str| Err(format!("{operator} must be {what}"));
        let string = |f: fn(String) -> Test| match operand {
            Json::String(s) => Ok(f(s.clone())),
            _ => want("a string"),
        };
        if let Some(t) = TypeTest::ALL.iter().find(|t| t.operator() == operator) {
            return Some(match operand {
                Json::Bool(b) => Ok(Test::Is(*t, *b)),
                _ => want("a boolean"),
            });
        }
        match operator {
            "BooleanEquals" => {
                return Some(match operand {
                    Json::Bool(b) => Ok(Test::Boolean(*b)),
                    _ => want("a boolean"),
                })
            }
            "BooleanEqualsPath" => return Some(string(Test::BooleanPath)),
            "StringMatches" => return Some(string(Test::StringMatches)),
            _ => {}
        }
        for c in Cmp::ALL {
            let n = c.name();
            let s = |p: &str| format!("{p}{n}");
            let sp = |p: &str| format!("{p}{n}Path");
            let text = match operand {
                Json::String(s) => Some(s.clone()),
                _ => None,
            };
            let r = if operator == s("String") {
                text.map(|t| Test::String(c, t)).ok_or("a string")
            } else if operator == sp("String") {
                text.map(|t| Test::StringPath(c, t)).ok_or("a path string")
            } else if operator == s("Numeric") {
                match operand {
                    Json::Number(x) => Ok(Test::Numeric(c, Num::from(x.clone()))),
                    _ => Err("a number"),
                }
            } else if operator == sp("Numeric") {
                text.map(|t| Test::NumericPath(c, t)).ok_or("a path string")
            } else if operator == s("Timestamp") {
                text.map(|t| Test::Timestamp(c, t)).ok_or("a timestamp string")
            } else if operator == sp("Timestamp") {
                text.map(|t| Test::TimestampPath(c, t)).ok_or("a path string")
            } else {
                continue;
            };
            return Some(r.or_else(want));
        }
        None
    }
}

/// A Boolean expression over the state input: the condition of a Choice rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `{"Variable": <path>, <operator>: <operand>}`.
    Test {
        /// `Variable`: the path of the value tested.
        variable: String,
        /// The operator and its operand.
        test: Test,
    },
    /// All of them hold (at least one).
    And(Vec<Condition>),
    /// Any of them holds (at least one).
    Or(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
}

macro_rules! comparisons {
    ($($lit:ident $path:ident: $variant:ident / $pvariant:ident, $cmp:ident, $ty:ty;)*) => {$(
        #[doc = concat!("`", stringify!($variant), "`-family test `", stringify!($cmp), "` against a literal.")]
        pub fn $lit(variable: impl Into<String>, value: impl Into<$ty>) -> Condition {
            Condition::test(variable, Test::$variant(Cmp::$cmp, value.into()))
        }
        #[doc = concat!("Like [`Condition::", stringify!($lit), "`], against the value at another path.")]
        pub fn $path(variable: impl Into<String>, path: impl Into<String>) -> Condition {
            Condition::test(variable, Test::$pvariant(Cmp::$cmp, path.into()))
        }
    )*};
}

macro_rules! type_tests {
    ($($yes:ident $no:ident: $t:ident;)*) => {$(
        #[doc = concat!("`Is", stringify!($t), ": true`.")]
        pub fn $yes(variable: impl Into<String>) -> Condition {
            Condition::test(variable, Test::Is(TypeTest::$t, true))
        }
        #[doc = concat!("`Is", stringify!($t), ": false`.")]
        pub fn $no(variable: impl Into<String>) -> Condition {
            Condition::test(variable, Test::Is(TypeTest::$t, false))
        }
    )*};
}

impl Condition {
    /// A test of `variable` (a reference path such as `$.detail.Path`).
    pub fn test(variable: impl Into<String>, test: Test) -> Condition {
        Condition::Test { variable: variable.into(), test }
    }

    comparisons! {
        string_equals string_equals_path: String / StringPath, Equals, String;
        string_less_than string_less_than_path: String / StringPath, LessThan, String;
        string_greater_than string_greater_than_path: String / StringPath, GreaterThan, String;
        string_less_than_equals string_less_than_equals_path: String / StringPath, LessThanEquals, String;
        string_greater_than_equals string_greater_than_equals_path: String / StringPath, GreaterThanEquals, String;
        numeric_equals numeric_equals_path: Numeric / NumericPath, Equals, Num;
        numeric_less_than numeric_less_than_path: Numeric / NumericPath, LessThan, Num;
        numeric_greater_than numeric_greater_than_path: Numeric / NumericPath, GreaterThan, Num;
        numeric_less_than_equals numeric_less_than_equals_path: Numeric / NumericPath, LessThanEquals, Num;
        numeric_greater_than_equals numeric_greater_than_equals_path: Numeric / NumericPath, GreaterThanEquals, Num;
        timestamp_equals timestamp_equals_path: Timestamp / TimestampPath, Equals, String;
        timestamp_less_than timestamp_less_than_path: Timestamp / TimestampPath, LessThan, String;
        timestamp_greater_than timestamp_greater_than_path: Timestamp / TimestampPath, GreaterThan, String;
        timestamp_less_than_equals timestamp_less_than_equals_path: Timestamp / TimestampPath, LessThanEquals, String;
        timestamp_greater_than_equals timestamp_greater_than_equals_path: Timestamp / TimestampPath, GreaterThanEquals, String;
    }

    type_tests! {
        is_null is_not_null: Null;
        is_present is_not_present: Present;
        is_numeric is_not_numeric: Numeric;
        is_string is_not_string: String;
        is_boolean is_not_boolean: Boolean;
        is_timestamp is_not_timestamp: Timestamp;
    }

    /// `BooleanEquals`.
    pub fn boolean_equals(variable: impl Into<String>, value: bool) -> Condition {
        Condition::test(variable, Test::Boolean(value))
    }

    /// `BooleanEqualsPath`.
    pub fn boolean_equals_path(variable: impl Into<String>, path: impl Into<String>) -> Condition {
        Condition::test(variable, Test::BooleanPath(path.into()))
    }

    /// `StringMatches`: `*` matches any run of characters; `\\*` is a literal star.
    pub fn string_matches(variable: impl Into<String>, pattern: impl Into<String>) -> Condition {
        Condition::test(variable, Test::StringMatches(pattern.into()))
    }

    /// `And`.
    pub fn and(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition::And(conditions.into_iter().collect())
    }

    /// `Or`.
    pub fn or(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition::Or(conditions.into_iter().collect())
    }

    /// `Not`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(condition: Condition) -> Condition {
        Condition::Not(Box::new(condition))
    }

    /// The rule as a JSON object (without `Next`).
    pub(crate) fn render(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        match self {
            Condition::Test { variable, test } => {
                out.insert("Variable".into(), variable.into());
                out.insert(test.operator(), test.operand());
            }
            Condition::And(items) => {
                out.insert("And".into(), Value::List(items.iter().map(|c| Value::Map(c.render())).collect()));
            }
            Condition::Or(items) => {
                out.insert("Or".into(), Value::List(items.iter().map(|c| Value::Map(c.render())).collect()));
            }
            Condition::Not(inner) => {
                out.insert("Not".into(), Value::Map(inner.render()));
            }
        }
        out
    }

    /// Problems with this condition, each prefixed by `ctx`.
    pub fn problems(&self, ctx: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.check(ctx, &mut out);
        out
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        match self {
            Condition::Test { variable, test } => {
                if let Some(why) = json_path_problem(variable) {
                    out.push(format!("{ctx}: Variable {why}"));
                }
                let op = test.operator();
                match test {
                    Test::StringPath(_, p)
                    | Test::NumericPath(_, p)
                    | Test::BooleanPath(p)
                    | Test::TimestampPath(_, p) => {
                        if let Some(why) = json_path_problem(p) {
                            out.push(format!("{ctx}: {op} {why}"));
                        }
                    }
                    Test::Timestamp(_, ts) => {
                        if let Some(why) = timestamp_problem(ts) {
                            out.push(format!("{ctx}: {op} {why}"));
                        }
                    }
                    Test::StringMatches(p) => {
                        if let Some(why) = string_matches_problem(p) {
                            out.push(format!("{ctx}: {why}"));
                        }
                    }
                    Test::Numeric(_, n) => {
                        if let Some(why) = n.problem() {
                            out.push(format!("{ctx}: {op}: {why}"));
                        }
                    }
                    Test::String(..) | Test::Boolean(_) | Test::Is(..) => {}
                }
            }
            Condition::And(items) | Condition::Or(items) => {
                let name = if matches!(self, Condition::And(_)) { "And" } else { "Or" };
                if items.is_empty() {
                    out.push(format!("{ctx}: {name} must hold at least one rule"));
                }
                for (i, c) in items.iter().enumerate() {
                    c.check(&format!("{ctx} {name}[{i}]"), out);
                }
            }
            Condition::Not(inner) => inner.check(&format!("{ctx} Not"), out),
        }
    }

    /// Reads a condition from a rule object whose `Next` (and `Comment`) were already taken.
    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Condition> {
        let combinators: Vec<&str> = ["And", "Or", "Not"].into_iter().filter(|k| r.has(k)).collect();
        if let Some(&name) = combinators.first() {
            if combinators.len() > 1 {
                r.problem(format!("has several combinators ({}); a rule holds exactly one", combinators.join(", ")));
                return None;
            }
            let ctx = format!("{} {name}", r.ctx);
            let cond = if name == "Not" {
                let inner = r.object(name)?;
                Condition::Not(Box::new(parse_nested(inner, &ctx, r.problems)?))
            } else {
                let items = r.array(name)?;
                let mut parsed = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let item_ctx = format!("{ctx}[{i}]");
                    match item.as_object() {
                        Some(o) => match parse_nested(o, &item_ctx, r.problems) {
                            Some(c) => parsed.push(c),
                            None => ok = false,
                        },
                        None => {
                            r.problems.push(format!("{item_ctx}: a rule must be an object"));
                            ok = false;
                        }
                    }
                }
                if !ok {
                    return None;
                }
                if name == "And" {
                    Condition::And(parsed)
                } else {
                    Condition::Or(parsed)
                }
            };
            return Some(cond);
        }
        let variable = r.string("Variable");
        let mut tests = Vec::new();
        let mut unknown = Vec::new();
        let keys: Vec<String> = r.keys();
        for key in keys {
            if key == "Variable" || key == "Next" || key == "Comment" {
                continue;
            }
            let Some(operand) = r.raw(&key) else { continue };
            match Test::parse(&key, operand) {
                Some(Ok(t)) => tests.push(t),
                Some(Err(why)) => {
                    r.problem(why);
                    return None;
                }
                None => unknown.push(key),
            }
        }
        for key in unknown {
            r.problem(format!("unknown comparison operator {key:?}"));
        }
        let test = match tests.len() {
            0 => {
                r.problem("has no comparison operator (StringEquals, NumericLessThan, IsPresent, ...) or And/Or/Not");
                return None;
            }
            1 => tests.pop()?,
            _ => {
                let names: Vec<String> = tests.iter().map(Test::operator).collect();
                r.problem(format!("has several comparison operators ({}); a rule holds exactly one", names.join(", ")));
                return None;
            }
        };
        let Some(variable) = variable else {
            r.problem(format!("missing required field Variable for {}", test.operator()));
            return None;
        };
        Some(Condition::Test { variable, test })
    }
}

/// A rule inside And/Or/Not: it must not have `Next`.
fn parse_nested(obj: &serde_json::Map<String, Json>, ctx: &str, problems: &mut Vec<String>) -> Option<Condition> {
    let mut r = Reader::new(obj, ctx, problems);
    if r.has("Next") {
        r.raw("Next");
        r.problem("a nested rule (inside And/Or/Not) must not have Next");
    }
    let c = Condition::parse(&mut r);
    r.finish("a nested Choice rule");
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_of(c: &Condition) -> Json {
        crate::stepfunctions::asl::definition::literal_json(&Value::Map(c.render())).unwrap()
    }

    #[test]
    fn every_operator_renders_its_name() {
        let cases: Vec<(Condition, &str, Json)> = vec![
            (Condition::string_equals("$.a", "x"), "StringEquals", json!("x")),
            (Condition::string_less_than("$.a", "x"), "StringLessThan", json!("x")),
            (Condition::string_greater_than("$.a", "x"), "StringGreaterThan", json!("x")),
            (Condition::string_less_than_equals("$.a", "x"), "StringLessThanEquals", json!("x")),
            (Condition::string_greater_than_equals("$.a", "x"), "StringGreaterThanEquals", json!("x")),
            (Condition::string_equals_path("$.a", "$.b"), "StringEqualsPath", json!("$.b")),
            (Condition::string_less_than_path("$.a", "$.b"), "StringLessThanPath", json!("$.b")),
            (Condition::string_greater_than_path("$.a", "$.b"), "StringGreaterThanPath", json!("$.b")),
            (Condition::string_less_than_equals_path("$.a", "$.b"), "StringLessThanEqualsPath", json!("$.b")),
            (Condition::string_greater_than_equals_path("$.a", "$.b"), "StringGreaterThanEqualsPath", json!("$.b")),
            (Condition::numeric_equals("$.a", 1), "NumericEquals", json!(1)),
            (Condition::numeric_less_than("$.a", 1.5), "NumericLessThan", json!(1.5)),
            (Condition::numeric_greater_than("$.a", 2), "NumericGreaterThan", json!(2)),
            (Condition::numeric_less_than_equals("$.a", 3), "NumericLessThanEquals", json!(3)),
            (Condition::numeric_greater_than_equals("$.a", 4), "NumericGreaterThanEquals", json!(4)),
            (Condition::numeric_equals_path("$.a", "$.b"), "NumericEqualsPath", json!("$.b")),
            (Condition::numeric_less_than_path("$.a", "$.b"), "NumericLessThanPath", json!("$.b")),
            (Condition::numeric_greater_than_path("$.a", "$.b"), "NumericGreaterThanPath", json!("$.b")),
            (Condition::numeric_less_than_equals_path("$.a", "$.b"), "NumericLessThanEqualsPath", json!("$.b")),
            (Condition::numeric_greater_than_equals_path("$.a", "$.b"), "NumericGreaterThanEqualsPath", json!("$.b")),
            (Condition::boolean_equals("$.a", true), "BooleanEquals", json!(true)),
            (Condition::boolean_equals_path("$.a", "$.b"), "BooleanEqualsPath", json!("$.b")),
            (
                Condition::timestamp_equals("$.a", "2020-01-01T00:00:00Z"),
                "TimestampEquals",
                json!("2020-01-01T00:00:00Z"),
            ),
            (
                Condition::timestamp_less_than("$.a", "2020-01-01T00:00:00Z"),
                "TimestampLessThan",
                json!("2020-01-01T00:00:00Z"),
            ),
            (
                Condition::timestamp_greater_than("$.a", "2020-01-01T00:00:00Z"),
                "TimestampGreaterThan",
                json!("2020-01-01T00:00:00Z"),
            ),
            (
                Condition::timestamp_less_than_equals("$.a", "2020-01-01T00:00:00Z"),
                "TimestampLessThanEquals",
                json!("2020-01-01T00:00:00Z"),
            ),
            (
                Condition::timestamp_greater_than_equals("$.a", "2020-01-01T00:00:00Z"),
                "TimestampGreaterThanEquals",
                json!("2020-01-01T00:00:00Z"),
            ),
            (Condition::timestamp_equals_path("$.a", "$.b"), "TimestampEqualsPath", json!("$.b")),
            (Condition::timestamp_less_than_path("$.a", "$.b"), "TimestampLessThanPath", json!("$.b")),
            (Condition::timestamp_greater_than_path("$.a", "$.b"), "TimestampGreaterThanPath", json!("$.b")),
            (Condition::timestamp_less_than_equals_path("$.a", "$.b"), "TimestampLessThanEqualsPath", json!("$.b")),
            (
                Condition::timestamp_greater_than_equals_path("$.a", "$.b"),
                "TimestampGreaterThanEqualsPath",
                json!("$.b"),
            ),
            (Condition::string_matches("$.a", "log-*"), "StringMatches", json!("log-*")),
            (Condition::is_null("$.a"), "IsNull", json!(true)),
            (Condition::is_not_null("$.a"), "IsNull", json!(false)),
            (Condition::is_present("$.a"), "IsPresent", json!(true)),
            (Condition::is_not_present("$.a"), "IsPresent", json!(false)),
            (Condition::is_numeric("$.a"), "IsNumeric", json!(true)),
            (Condition::is_not_numeric("$.a"), "IsNumeric", json!(false)),
            (Condition::is_string("$.a"), "IsString", json!(true)),
            (Condition::is_not_string("$.a"), "IsString", json!(false)),
            (Condition::is_boolean("$.a"), "IsBoolean", json!(true)),
            (Condition::is_not_boolean("$.a"), "IsBoolean", json!(false)),
            (Condition::is_timestamp("$.a"), "IsTimestamp", json!(true)),
            (Condition::is_not_timestamp("$.a"), "IsTimestamp", json!(false)),
        ];
        for (cond, op, operand) in cases {
            let j = json_of(&cond);
            assert_eq!(j, json!({"Variable": "$.a", op: operand}), "{op}");
            // and it parses back to the same condition
            let mut problems = Vec::new();
            let mut r = Reader::new(j.as_object().unwrap(), "rule", &mut problems);
            assert_eq!(Condition::parse(&mut r), Some(cond), "{op}");
            r.finish("a rule");
            assert!(problems.is_empty(), "{problems:?}");
        }
    }

    #[test]
    fn combinators_render_nested() {
        let c =
            Condition::and([Condition::or([Condition::is_present("$.a")]), Condition::not(Condition::is_null("$.b"))]);
        assert_eq!(
            json_of(&c),
            json!({"And": [
                {"Or": [{"Variable": "$.a", "IsPresent": true}]},
                {"Not": {"Variable": "$.b", "IsNull": true}}
            ]})
        );
    }

    #[test]
    fn bad_conditions_are_reported() {
        let c = Condition::and([
            Condition::string_equals("detail", "x"),
            Condition::or([]),
            Condition::timestamp_equals("$.t", "2020-01-01"),
            Condition::string_matches("$.s", "a\\b"),
            Condition::numeric_equals_path("$.n", "n"),
            Condition::not(Condition::numeric_equals("$.n", f64::INFINITY)),
        ]);
        let p = c.problems("state \"C\" rule 1");
        assert_eq!(p.len(), 6, "{p:#?}");
        assert!(p[0].starts_with("state \"C\" rule 1 And[0]: Variable \"detail\" is not a valid JSONPath"));
        assert_eq!(p[1], "state \"C\" rule 1 And[1]: Or must hold at least one rule");
        assert!(p[2].contains("TimestampEquals \"2020-01-01\" is not an RFC 3339 timestamp"));
        assert!(p[3].contains("escapes 'b'"));
        assert!(p[4].contains("NumericEqualsPath \"n\" is not a valid JSONPath"));
        assert!(p[5].starts_with("state \"C\" rule 1 And[5] Not: NumericEquals: inf is not a finite number"));
    }

    #[test]
    fn malformed_rules_are_reported_on_import() {
        let cases = [
            (json!({"Variable": "$.a", "StringEqualz": "x"}), "unknown comparison operator \"StringEqualz\""),
            (json!({"Variable": "$.a"}), "has no comparison operator"),
            (json!({"StringEquals": "x"}), "missing required field Variable for StringEquals"),
            (json!({"Variable": "$.a", "NumericEquals": "1"}), "NumericEquals must be a number"),
            (json!({"Variable": "$.a", "IsNull": "yes"}), "IsNull must be a boolean"),
            (json!({"Variable": "$.a", "StringEquals": "x", "IsNull": true}), "several comparison operators"),
            (
                json!({"And": [{"Variable": "$.a", "IsNull": true, "Next": "X"}]}),
                "rule And[0]: a nested rule (inside And/Or/Not) must not have Next",
            ),
            (json!({"And": [], "Or": []}), "several combinators"),
            (json!({"Not": [1]}), "Not must be an object"),
        ];
        for (rule, needle) in cases {
            let mut problems = Vec::new();
            let mut r = Reader::new(rule.as_object().unwrap(), "rule", &mut problems);
            let _ = Condition::parse(&mut r);
            r.finish("a rule");
            assert!(problems.iter().any(|p| p.contains(needle)), "{needle}: {problems:?}");
        }
    }
}

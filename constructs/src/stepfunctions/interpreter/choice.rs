//! Evaluating a Choice state's rules (JSONPath query language): [`evaluate`] decides whether one
//! [`Condition`] holds for a state's effective input, [`choose`] picks the `Next` of the first
//! rule that holds, else the `Default`, else fails with `States.NoChoiceMatched`.
//!
//! The paths are not evaluated here: the caller passes `resolve`, which gives the value at a
//! Reference Path of the effective input (or of the context object, for `$$...`), `None` when
//! the path matches nothing.
//!
//! ```
//! use constructs::stepfunctions::asl::Condition;
//! use constructs::stepfunctions::interpreter::choice::{choose, evaluate};
//! use serde_json::{json, Value};
//!
//! let input = json!({"type": "Private", "value": 20, "at": "2016-03-14T01:59:00Z"});
//! // a toy resolver for `$.<field>`; the interpreter's is `interpreter::jsonpath`
//! let resolve = |path: &str| -> Result<Option<Value>, _> {
//!     Ok(path.strip_prefix("$.").and_then(|k| input.get(k)).cloned())
//! };
//! let public = Condition::string_equals("$.type", "Public");
//! let small = Condition::and([
//!     Condition::numeric_greater_than_equals("$.value", 0),
//!     Condition::numeric_less_than("$.value", 100),
//! ]);
//! assert!(!evaluate(&public, &resolve).unwrap());
//! assert!(evaluate(&small, &resolve).unwrap());
//! let rules = [(&public, "Public"), (&small, "ValueInTwenties")];
//! assert_eq!(choose(rules, Some("Default"), &resolve).unwrap(), "ValueInTwenties");
//!
//! // a Variable that matches nothing fails the execution (IsPresent is the test for that)
//! let err = evaluate(&Condition::string_equals("$.missing", "x"), &resolve).unwrap_err();
//! assert_eq!(err.error, "States.Runtime");
//! assert!(evaluate(&Condition::is_not_present("$.missing"), &resolve).unwrap());
//! ```
//!
//! # Decisions on AWS's behaviour, with their sources
//!
//! - **Rules in order, first match wins; `And`/`Or` short-circuit.** The ASL specification
//!   ("Choice State": the interpreter "attempts pattern-matches against the Choice Rules in array
//!   order" and takes the first match) and the developer guide's "Choice workflow state". The
//!   guide's own example guards a `StringEquals` with a preceding `IsPresent` inside an `And`
//!   ("the StringEquals rule is only evaluated if `$.keyThatMightNotExist` exists because of the
//!   preceding IsPresent Choice Rule"), so `And` stops at the first false rule; `Or` likewise at
//!   the first true one.
//! - **A Variable (or a `...Path` operand) that matches nothing fails the execution** with
//!   `States.Runtime` and the cause `Invalid path '<path>': The choice state's condition path
//!   references an invalid value.` (AWS's wording as recorded from real executions; AWS prefixes
//!   it with "An error occurred while executing the state '<name>'...", which the caller adds, as
//!   only it knows the state). `IsPresent` is the one test of an absent value: it is then false
//!   (the guide: `IsPresent` "tests whether a field is present in the input"). The Variable and
//!   the operand path are both resolved before any type test, so a missing operand path fails
//!   even when the Variable has the wrong type.
//! - **A comparison whose value has the wrong type is false, not an error**: `NumericEquals` on
//!   a string, `StringEquals` on a number, `TimestampEquals` on a string that is not a timestamp,
//!   `BooleanEqualsPath` against a non-boolean... This is how the guide's type tests are meant to
//!   be combined with comparisons (test `IsNumeric` then compare); the specification states no
//!   error for it, and LocalStack's operators also return false. Not yet checked against a run
//!   on AWS: the conformance corpus will record it.
//! - **Numbers compare mathematically**: `1` equals `1.0`, and an integer beyond 2^53 is compared
//!   exactly against a float (no rounding of either through `f64`).
//! - **Strings compare by Unicode code point**, lexicographically (the specification says
//!   "compared lexically" without more; the code-point order is our choice, unverified against
//!   AWS for characters outside the Basic Multilingual Plane).
//! - **`StringMatches`**: `*` matches any run of characters (none included); `\*` is a literal
//!   star and `\\` a literal backslash (in a JSON definition these are written `"\\*"` and
//!   `"\\\\"`); no other character is special (the guide: "The wildcard character is escaped by
//!   using the standard \\ ... No characters other than `*` have any special meaning during
//!   matching"). A backslash before anything else is rejected by the definition's validation
//!   (`asl::syntax::string_matches_problem`); here it stands for itself.
//! - **Timestamps** are strings in the RFC 3339 profile of the specification's "Timestamps": an
//!   uppercase `T` between date and time, an uppercase `Z` or a numeric offset `±hh:mm`,
//!   optional fractional seconds (`2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123+01:00`);
//!   anything else is not a timestamp (`IsTimestamp` false, comparisons false). They compare as
//!   instants: the offset is applied (`2016-03-14T02:59:00+01:00` equals
//!   `2016-03-14T01:59:00Z`) and fractions compare at any precision (`.5` equals `.500`).
//! - **No rule matched and no `Default`**: `States.NoChoiceMatched` (the guide's "Error names",
//!   and its Choice page: the machine "will throw an error due to a failure to transition out of
//!   the state") with AWS's cause [`NO_CHOICE_MATCHED_CAUSE`], again without the state-name
//!   prefix the caller adds. (Other emulators' tests recorded against AWS report an unmatched
//!   Choice as `States.Runtime` with this same cause; the guide's "Error names" documents
//!   `States.NoChoiceMatched` for it, which is what this module raises.)
//!
//! # Where LocalStack departs
//!
//! Its choice operators (`localstack/localstack`, `services/stepfunctions/asl/component/state/
//! state_choice/comparison`) differ from the above; the `localstack_*` tests pin AWS's side:
//! an absent Variable makes every comparison false there (no `States.Runtime`); `StringMatches`
//! is Python's `fnmatch` (`?` and `[...]` are wildcards, `\*` is no escape); timestamps parse
//! only as `%Y-%m-%dT%H:%M:%SZ` (no offsets, no fractions); `BooleanEqualsPath` to a
//! non-boolean, and ordered `String`/`Numeric` `...Path` comparisons to a value of another type,
//! raise instead of being false; a `true` operand counts as the number 1 in `NumericEqualsPath`;
//! and no match without `Default` is a generic "No branching option reached" error.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::clock::Instant;
use super::error::StatesError;
use crate::stepfunctions::asl::{Cmp, Condition, Num, Test, TypeTest};

/// The cause of `States.NoChoiceMatched`, as AWS words it (after its "An error occurred while
/// executing the state '<name>' (entered at the event id #<n>). " prefix, which the caller adds).
pub const NO_CHOICE_MATCHED_CAUSE: &str =
    "Failed to transition out of the state. The state does not point to a next state.";

/// The `States.Runtime` error of a path in a rule that matches nothing, with AWS's cause.
pub fn invalid_path(path: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{path}': The choice state's condition path references an invalid value."
    ))
}

/// Whether `condition` holds. `resolve(path)` gives the value at a Reference Path of the state's
/// effective input (the context object's for `$$...`), `None` when it matches nothing.
///
/// Errors: `States.Runtime` when a Variable or a `...Path` operand matches nothing (but for
/// `IsPresent`, which is then false), and whatever `resolve` returns.
pub fn evaluate(
    condition: &Condition,
    resolve: &dyn Fn(&str) -> Result<Option<Value>, StatesError>,
) -> Result<bool, StatesError> {
    match condition {
        Condition::And(items) => {
            for c in items {
                if !evaluate(c, resolve)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::Or(items) => {
            for c in items {
                if evaluate(c, resolve)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner) => Ok(!evaluate(inner, resolve)?),
        Condition::Test { variable, test } => test_holds(variable, test, resolve),
    }
}

/// The `Next` of the first rule that holds, else `default`, else `States.NoChoiceMatched`. A
/// `Next` is whatever identifies a state to the caller: its name, or an index.
///
/// The rules are evaluated in order and only until one holds, so a later rule's error (a path
/// that matches nothing) does not count once an earlier rule matched.
pub fn choose<'a, T: Copy>(
    rules: impl IntoIterator<Item = (&'a Condition, T)>,
    default: Option<T>,
    resolve: &dyn Fn(&str) -> Result<Option<Value>, StatesError>,
) -> Result<T, StatesError> {
    for (condition, next) in rules {
        if evaluate(condition, resolve)? {
            return Ok(next);
        }
    }
    default.ok_or_else(|| StatesError::no_choice_matched(NO_CHOICE_MATCHED_CAUSE))
}

fn test_holds(
    variable: &str,
    test: &Test,
    resolve: &dyn Fn(&str) -> Result<Option<Value>, StatesError>,
) -> Result<bool, StatesError> {
    let value = resolve(variable)?;
    if let Test::Is(TypeTest::Present, expected) = test {
        return Ok(value.is_some() == *expected);
    }
    let value = value.ok_or_else(|| invalid_path(variable))?;
    let operand = |path: &str| resolve(path)?.ok_or_else(|| invalid_path(path));
    Ok(match test {
        Test::String(cmp, s) => value.as_str().is_some_and(|v| holds(*cmp, v.cmp(s.as_str()))),
        Test::StringPath(cmp, p) => {
            let other = operand(p)?;
            match (value.as_str(), other.as_str()) {
                (Some(a), Some(b)) => holds(*cmp, a.cmp(b)),
                _ => false,
            }
        }
        Test::Numeric(cmp, n) => match &value {
            Value::Number(v) => holds(*cmp, compare_numbers(exact(v), from_num(*n))),
            _ => false,
        },
        Test::NumericPath(cmp, p) => match (&value, &operand(p)?) {
            (Value::Number(a), Value::Number(b)) => holds(*cmp, compare_numbers(exact(a), exact(b))),
            _ => false,
        },
        Test::Boolean(b) => value.as_bool() == Some(*b),
        Test::BooleanPath(p) => match (value.as_bool(), operand(p)?.as_bool()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        Test::Timestamp(cmp, literal) => match (value.as_str().and_then(Instant::parse), Instant::parse(literal)) {
            (Some(a), Some(b)) => holds(*cmp, a.cmp(&b)),
            _ => false,
        },
        Test::TimestampPath(cmp, p) => {
            let other = operand(p)?;
            match (value.as_str().and_then(Instant::parse), other.as_str().and_then(Instant::parse)) {
                (Some(a), Some(b)) => holds(*cmp, a.cmp(&b)),
                _ => false,
            }
        }
        Test::StringMatches(pattern) => value.as_str().is_some_and(|v| string_matches(v, pattern)),
        Test::Is(kind, expected) => {
            let is = match kind {
                TypeTest::Null => value.is_null(),
                TypeTest::Present => true,
                TypeTest::Numeric => value.is_number(),
                TypeTest::String => value.is_string(),
                TypeTest::Boolean => value.is_boolean(),
                TypeTest::Timestamp => value.as_str().and_then(Instant::parse).is_some(),
            };
            is == *expected
        }
    })
}

/// Whether an ordering of the variable against the operand satisfies `cmp`.
fn holds(cmp: Cmp, ord: Ordering) -> bool {
    match cmp {
        Cmp::Equals => ord == Ordering::Equal,
        Cmp::LessThan => ord == Ordering::Less,
        Cmp::GreaterThan => ord == Ordering::Greater,
        Cmp::LessThanEquals => ord != Ordering::Greater,
        Cmp::GreaterThanEquals => ord != Ordering::Less,
    }
}

/// A number kept exact: an integer (any `i64` or `u64`) or a float.
#[derive(Debug, Clone, Copy)]
enum Exact {
    Int(i128),
    Float(f64),
}

fn exact(n: &Number) -> Exact {
    if let Some(i) = n.as_i64() {
        Exact::Int(i.into())
    } else if let Some(u) = n.as_u64() {
        Exact::Int(u.into())
    } else {
        Exact::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn from_num(n: Num) -> Exact {
    match n {
        Num::Int(i) => Exact::Int(i.into()),
        Num::Float(f) => Exact::Float(f),
    }
}

/// Compares two numbers mathematically (`1` equals `1.0`); NaN (which JSON cannot hold) is
/// treated as equal to nothing and compares as `Less`, so only `...LessThan...` could hold —
/// it never reaches here from a valid definition.
fn compare_numbers(a: Exact, b: Exact) -> Ordering {
    match (a, b) {
        (Exact::Int(x), Exact::Int(y)) => x.cmp(&y),
        (Exact::Float(x), Exact::Float(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Less),
        (Exact::Float(x), Exact::Int(y)) => compare_float_int(x, y),
        (Exact::Int(x), Exact::Float(y)) => compare_float_int(y, x).reverse(),
    }
}

/// `f` against `i` without rounding `i`: the nearest float to `i` orders `f` correctly unless
/// they are equal, and then `f` is an integral float that converts to `i128` exactly.
fn compare_float_int(f: f64, i: i128) -> Ordering {
    let Some(ord) = f.partial_cmp(&(i as f64)) else { return Ordering::Less };
    if ord != Ordering::Equal {
        return ord;
    }
    (f as i128).cmp(&i)
}

/// `StringMatches`: `*` matches any run of characters, `\*` a star, `\\` a backslash.
fn string_matches(text: &str, pattern: &str) -> bool {
    use crate::wildcard::Piece;
    let mut pieces = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => pieces.push(Piece::Star),
            '\\' => match chars.clone().next() {
                Some(e @ ('*' | '\\')) => {
                    chars.next();
                    pieces.push(Piece::Char(e));
                }
                _ => pieces.push(Piece::Char('\\')),
            },
            c => pieces.push(Piece::Char(c)),
        }
    }
    crate::wildcard::matches(&pieces, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A resolver for the tests: `$`, `$.a.b`, `$.a[0]`, and `$$.x` on a context object.
    fn resolver(input: Value) -> impl Fn(&str) -> Result<Option<Value>, StatesError> {
        let context = json!({"Execution": {"Id": "arn:aws:states:::execution:m:e"}, "State": {"Name": "C"}});
        move |path: &str| {
            let (mut at, rest) = match path.strip_prefix("$$") {
                Some(rest) => (&context, rest),
                None => (&input, path.strip_prefix('$').expect("a path")),
            };
            for step in rest.split('.').filter(|s| !s.is_empty()) {
                let (key, index) = match step.split_once('[') {
                    Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
                    None => (step, None),
                };
                if !key.is_empty() {
                    match at.get(key) {
                        Some(v) => at = v,
                        None => return Ok(None),
                    }
                }
                if let Some(i) = index {
                    match at.get(i) {
                        Some(v) => at = v,
                        None => return Ok(None),
                    }
                }
            }
            Ok(Some(at.clone()))
        }
    }

    fn eval(c: &Condition, input: Value) -> Result<bool, StatesError> {
        evaluate(c, &resolver(input))
    }

    fn yes(c: Condition, input: Value) {
        assert_eq!(eval(&c, input.clone()), Ok(true), "{c:?} on {input}");
    }

    fn no(c: Condition, input: Value) {
        assert_eq!(eval(&c, input.clone()), Ok(false), "{c:?} on {input}");
    }

    fn invalid(c: Condition, input: Value, path: &str) {
        assert_eq!(eval(&c, input.clone()), Err(invalid_path(path)), "{c:?} on {input}");
    }

    // --- String comparisons ---------------------------------------------------------------

    #[test]
    fn string_equals_guide_example() {
        // the guide: {"Variable": "$.foo", "StringEquals": "MyString"}
        yes(Condition::string_equals("$.foo", "MyString"), json!({"foo": "MyString"}));
        no(Condition::string_equals("$.foo", "MyString"), json!({"foo": "mystring"}));
    }

    #[test]
    fn string_equals_on_a_non_string_is_false() {
        no(Condition::string_equals("$.foo", "1"), json!({"foo": 1}));
        no(Condition::string_equals("$.foo", "true"), json!({"foo": true}));
        no(Condition::string_equals("$.foo", "null"), json!({"foo": null}));
    }

    #[test]
    fn string_greater_than_guide_example() {
        // the guide: {"Variable": "$.foo", "StringGreaterThan": "MyStringABC"}
        yes(Condition::string_greater_than("$.foo", "MyStringABC"), json!({"foo": "MyStringABD"}));
        no(Condition::string_greater_than("$.foo", "MyStringABC"), json!({"foo": "MyStringABC"}));
        no(Condition::string_greater_than("$.foo", "MyStringABC"), json!({"foo": 5}));
    }

    #[test]
    fn string_less_than_and_equals_forms() {
        yes(Condition::string_less_than("$.s", "b"), json!({"s": "a"}));
        no(Condition::string_less_than("$.s", "b"), json!({"s": "b"}));
        yes(Condition::string_less_than_equals("$.s", "b"), json!({"s": "b"}));
        no(Condition::string_less_than_equals("$.s", "b"), json!({"s": "c"}));
        yes(Condition::string_greater_than_equals("$.s", "b"), json!({"s": "b"}));
        no(Condition::string_greater_than_equals("$.s", "b"), json!({"s": "a"}));
        // lexical: a prefix sorts first, uppercase before lowercase
        yes(Condition::string_less_than("$.s", "abc"), json!({"s": "ab"}));
        yes(Condition::string_less_than("$.s", "a"), json!({"s": "Z"}));
        no(Condition::string_less_than_equals("$.s", "z"), json!({"s": ["a"]}));
    }

    #[test]
    fn string_path_forms() {
        let input = json!({"a": "x", "b": "x", "c": "y", "n": 1});
        yes(Condition::string_equals_path("$.a", "$.b"), input.clone());
        no(Condition::string_equals_path("$.a", "$.c"), input.clone());
        yes(Condition::string_less_than_path("$.a", "$.c"), input.clone());
        yes(Condition::string_greater_than_path("$.c", "$.a"), input.clone());
        yes(Condition::string_less_than_equals_path("$.a", "$.b"), input.clone());
        yes(Condition::string_greater_than_equals_path("$.a", "$.b"), input.clone());
        no(Condition::string_greater_than_equals_path("$.a", "$.c"), input.clone());
        // the operand of the wrong type: false
        no(Condition::string_equals_path("$.a", "$.n"), input.clone());
        no(Condition::string_equals_path("$.n", "$.a"), input);
    }

    // --- Numeric comparisons --------------------------------------------------------------

    #[test]
    fn numeric_equals_guide_example() {
        // the guide: {"Variable": "$.foo", "NumericEquals": 1}
        yes(Condition::numeric_equals("$.foo", 1), json!({"foo": 1}));
        no(Condition::numeric_equals("$.foo", 1), json!({"foo": 2}));
    }

    #[test]
    fn integers_and_floats_compare_mathematically() {
        yes(Condition::numeric_equals("$.foo", 1), json!({"foo": 1.0}));
        yes(Condition::numeric_equals("$.foo", 1.0), json!({"foo": 1}));
        yes(Condition::numeric_less_than("$.foo", 1.5), json!({"foo": 1}));
        yes(Condition::numeric_greater_than("$.foo", 1), json!({"foo": 1.000001}));
        yes(Condition::numeric_equals("$.foo", -0.0), json!({"foo": 0}));
        yes(Condition::numeric_less_than("$.foo", 0), json!({"foo": -0.5}));
    }

    #[test]
    fn large_integers_are_not_rounded_through_floats() {
        // 2^53 + 1 is not a float; 2^53 is
        let big = 9_007_199_254_740_993_i64;
        no(Condition::numeric_equals("$.n", 9_007_199_254_740_992.0), json!({"n": big}));
        yes(Condition::numeric_greater_than("$.n", 9_007_199_254_740_992.0), json!({"n": big}));
        yes(Condition::numeric_equals("$.n", big), json!({"n": big}));
        // above i64: a u64
        yes(Condition::numeric_greater_than("$.n", i64::MAX), json!({"n": u64::MAX}));
        yes(Condition::numeric_less_than("$.n", 1.0e300), json!({"n": u64::MAX}));
    }

    #[test]
    fn numeric_comparisons_on_guide_ranges() {
        // the guide's "ValueInTwenties": NumericGreaterThanEquals 20 and NumericLessThan 30
        let twenties = Condition::and([
            Condition::numeric_greater_than_equals("$.value", 20),
            Condition::numeric_less_than("$.value", 30),
        ]);
        yes(twenties.clone(), json!({"value": 20}));
        yes(twenties.clone(), json!({"value": 29.99}));
        no(twenties.clone(), json!({"value": 30}));
        no(twenties, json!({"value": 19}));
        yes(Condition::numeric_less_than_equals("$.v", 3), json!({"v": 3}));
        no(Condition::numeric_less_than_equals("$.v", 3), json!({"v": 3.5}));
        yes(Condition::numeric_greater_than("$.v", 3), json!({"v": 4}));
        no(Condition::numeric_greater_than("$.v", 3), json!({"v": 3}));
        no(Condition::numeric_greater_than_equals("$.v", 3), json!({"v": 2}));
    }

    #[test]
    fn numeric_on_a_non_number_is_false() {
        no(Condition::numeric_equals("$.foo", 1), json!({"foo": "1"}));
        no(Condition::numeric_less_than("$.foo", 1), json!({"foo": null}));
        no(Condition::numeric_greater_than_equals("$.foo", 0), json!({"foo": false}));
        no(Condition::numeric_equals("$.foo", 0), json!({"foo": {}}));
        // and Not of it is true
        yes(Condition::not(Condition::numeric_equals("$.foo", 1)), json!({"foo": "1"}));
    }

    #[test]
    fn numeric_path_forms() {
        let input = json!({"a": 1, "b": 1.0, "c": 2, "s": "1"});
        yes(Condition::numeric_equals_path("$.a", "$.b"), input.clone());
        no(Condition::numeric_equals_path("$.a", "$.c"), input.clone());
        yes(Condition::numeric_less_than_path("$.a", "$.c"), input.clone());
        yes(Condition::numeric_greater_than_path("$.c", "$.b"), input.clone());
        yes(Condition::numeric_less_than_equals_path("$.b", "$.a"), input.clone());
        yes(Condition::numeric_greater_than_equals_path("$.c", "$.a"), input.clone());
        no(Condition::numeric_greater_than_equals_path("$.a", "$.c"), input.clone());
        no(Condition::numeric_equals_path("$.a", "$.s"), input);
    }

    // --- Boolean --------------------------------------------------------------------------

    #[test]
    fn boolean_equals() {
        yes(Condition::boolean_equals("$.b", true), json!({"b": true}));
        yes(Condition::boolean_equals("$.b", false), json!({"b": false}));
        no(Condition::boolean_equals("$.b", true), json!({"b": false}));
        // not truthiness: "true", 1 and null are not booleans
        no(Condition::boolean_equals("$.b", true), json!({"b": "true"}));
        no(Condition::boolean_equals("$.b", true), json!({"b": 1}));
        no(Condition::boolean_equals("$.b", false), json!({"b": null}));
    }

    #[test]
    fn boolean_equals_path() {
        let input = json!({"t": true, "t2": true, "f": false, "s": "true"});
        yes(Condition::boolean_equals_path("$.t", "$.t2"), input.clone());
        no(Condition::boolean_equals_path("$.t", "$.f"), input.clone());
        no(Condition::boolean_equals_path("$.t", "$.s"), input.clone());
        no(Condition::boolean_equals_path("$.s", "$.t"), input);
    }

    // --- Timestamps -----------------------------------------------------------------------

    #[test]
    fn timestamp_equals_guide_example() {
        // the guide: {"Variable": "$.foo", "TimestampEquals": "2001-01-01T12:00:00Z"}
        yes(Condition::timestamp_equals("$.foo", "2001-01-01T12:00:00Z"), json!({"foo": "2001-01-01T12:00:00Z"}));
        no(Condition::timestamp_equals("$.foo", "2001-01-01T12:00:00Z"), json!({"foo": "2001-01-01T12:00:01Z"}));
    }

    #[test]
    fn timestamps_compare_as_instants_across_offsets() {
        let t = "2016-03-14T01:59:00Z"; // the specification's example
        yes(Condition::timestamp_equals("$.t", t), json!({"t": "2016-03-14T02:59:00+01:00"}));
        yes(Condition::timestamp_equals("$.t", t), json!({"t": "2016-03-13T20:29:00-05:30"}));
        yes(Condition::timestamp_equals("$.t", t), json!({"t": "2016-03-14T01:59:00+00:00"}));
        yes(Condition::timestamp_equals("$.t", t), json!({"t": "2016-03-14T01:59:00-00:00"}));
        // 01:00 at +01:00 is 00:00Z, before 01:59Z, though it reads later as text
        yes(Condition::timestamp_less_than("$.t", t), json!({"t": "2016-03-14T02:00:00+01:00"}));
        // across a day, a month and a year boundary
        yes(Condition::timestamp_equals("$.t", "2017-01-01T00:30:00+01:00"), json!({"t": "2016-12-31T23:30:00Z"}));
        // a leap day
        yes(Condition::timestamp_less_than("$.t", "2016-03-01T00:00:00Z"), json!({"t": "2016-02-29T23:59:59Z"}));
    }

    #[test]
    fn timestamp_fractions_compare_at_any_precision() {
        let t = "2016-03-14T01:59:00.5Z";
        yes(Condition::timestamp_equals("$.t", t), json!({"t": "2016-03-14T01:59:00.500Z"}));
        yes(Condition::timestamp_greater_than("$.t", t), json!({"t": "2016-03-14T01:59:00.51Z"}));
        yes(Condition::timestamp_less_than("$.t", t), json!({"t": "2016-03-14T01:59:00.499999999999Z"}));
        yes(Condition::timestamp_greater_than("$.t", "2016-03-14T01:59:00Z"), json!({"t": "2016-03-14T01:59:00.001Z"}));
        yes(Condition::timestamp_equals("$.t", "2016-03-14T01:59:00Z"), json!({"t": "2016-03-14T01:59:00.000Z"}));
        yes(
            Condition::timestamp_equals("$.t", "2016-03-14T01:59:00.25Z"),
            json!({"t": "2016-03-14T02:59:00.250+01:00"}),
        );
    }

    #[test]
    fn timestamp_ordering_operators() {
        let t = "2020-06-15T12:00:00Z";
        let early = json!({"t": "2020-06-15T11:59:59Z"});
        let same = json!({"t": t});
        let late = json!({"t": "2020-06-15T12:00:01Z"});
        yes(Condition::timestamp_less_than("$.t", t), early.clone());
        no(Condition::timestamp_less_than("$.t", t), same.clone());
        yes(Condition::timestamp_greater_than("$.t", t), late.clone());
        no(Condition::timestamp_greater_than("$.t", t), same.clone());
        yes(Condition::timestamp_less_than_equals("$.t", t), same.clone());
        no(Condition::timestamp_less_than_equals("$.t", t), late.clone());
        yes(Condition::timestamp_greater_than_equals("$.t", t), same);
        no(Condition::timestamp_greater_than_equals("$.t", t), early);
        yes(Condition::timestamp_greater_than_equals("$.t", t), late);
    }

    #[test]
    fn non_timestamps_compare_false() {
        let t = "2016-03-14T01:59:00Z";
        // lowercase t or z, no zone, a date alone, a space, a number: not the spec's profile
        for v in [
            json!("2016-03-14t01:59:00Z"),
            json!("2016-03-14T01:59:00z"),
            json!("2016-03-14T01:59:00"),
            json!("2016-03-14"),
            json!("2016-03-14 01:59:00Z"),
            json!("2016-02-30T01:59:00Z"),
            json!(1457920740),
            json!(null),
        ] {
            no(Condition::timestamp_equals("$.t", t), json!({"t": v}));
            no(Condition::timestamp_less_than("$.t", "2099-01-01T00:00:00Z"), json!({"t": v}));
        }
    }

    #[test]
    fn timestamp_path_forms() {
        let input = json!({
            "a": "2016-03-14T01:59:00Z",
            "b": "2016-03-14T03:59:00+02:00",
            "c": "2016-03-14T02:00:00Z",
            "x": "soon",
        });
        yes(Condition::timestamp_equals_path("$.a", "$.b"), input.clone());
        yes(Condition::timestamp_less_than_path("$.a", "$.c"), input.clone());
        yes(Condition::timestamp_greater_than_path("$.c", "$.b"), input.clone());
        yes(Condition::timestamp_less_than_equals_path("$.b", "$.a"), input.clone());
        yes(Condition::timestamp_greater_than_equals_path("$.a", "$.b"), input.clone());
        no(Condition::timestamp_greater_than_equals_path("$.a", "$.c"), input.clone());
        no(Condition::timestamp_equals_path("$.a", "$.x"), input);
    }

    // --- StringMatches --------------------------------------------------------------------

    #[test]
    fn string_matches_guide_example() {
        // the guide: {"Variable": "$.foo", "StringMatches": "log-*.txt"}
        let c = || Condition::string_matches("$.foo", "log-*.txt");
        yes(c(), json!({"foo": "log-2020.txt"}));
        yes(c(), json!({"foo": "log-.txt"}));
        yes(c(), json!({"foo": "log-a.b.txt"}));
        no(c(), json!({"foo": "log-2020.txt.gz"}));
        no(c(), json!({"foo": "mylog-1.txt"}));
        no(c(), json!({"foo": 5}));
    }

    #[test]
    fn string_matches_wildcards() {
        yes(Condition::string_matches("$.s", "*"), json!({"s": ""}));
        yes(Condition::string_matches("$.s", "*"), json!({"s": "anything"}));
        yes(Condition::string_matches("$.s", "a*b*c"), json!({"s": "aXbYbZc"}));
        no(Condition::string_matches("$.s", "a*b*c"), json!({"s": "aXcYb"}));
        yes(Condition::string_matches("$.s", "**x"), json!({"s": "yyx"}));
        yes(Condition::string_matches("$.s", "exact"), json!({"s": "exact"}));
        no(Condition::string_matches("$.s", "exact"), json!({"s": "exactly"}));
        // no other character is special
        yes(Condition::string_matches("$.s", "a?c.[d]"), json!({"s": "a?c.[d]"}));
        no(Condition::string_matches("$.s", "a?c"), json!({"s": "abc"}));
        yes(Condition::string_matches("$.s", "é*ü"), json!({"s": "éßü"}));
    }

    #[test]
    fn string_matches_escapes() {
        // the JSON "\\*" is the pattern `\*`: a literal star
        yes(Condition::string_matches("$.s", "a\\*b"), json!({"s": "a*b"}));
        no(Condition::string_matches("$.s", "a\\*b"), json!({"s": "aXb"}));
        // JSON "\\\\" is `\\`: a literal backslash
        yes(Condition::string_matches("$.s", "C:\\\\*"), json!({"s": "C:\\temp"}));
        no(Condition::string_matches("$.s", "C:\\\\*"), json!({"s": "C:/temp"}));
        // `\\*` in the pattern is a backslash then a wildcard
        yes(Condition::string_matches("$.s", "x\\\\*"), json!({"s": "x\\yz"}));
        // an escaped star then a wildcard
        yes(Condition::string_matches("$.s", "\\**"), json!({"s": "*rest"}));
        no(Condition::string_matches("$.s", "\\**"), json!({"s": "rest"}));
    }

    // --- Type tests -----------------------------------------------------------------------

    #[test]
    fn is_null() {
        // the guide: {"Variable": "$.possiblyNullValue", "IsNull": true}
        yes(Condition::is_null("$.possiblyNullValue"), json!({"possiblyNullValue": null}));
        no(Condition::is_null("$.possiblyNullValue"), json!({"possiblyNullValue": 0}));
        yes(Condition::is_not_null("$.v"), json!({"v": ""}));
        no(Condition::is_not_null("$.v"), json!({"v": null}));
    }

    #[test]
    fn is_present() {
        yes(Condition::is_present("$.v"), json!({"v": null}));
        no(Condition::is_present("$.v"), json!({"w": 1}));
        yes(Condition::is_not_present("$.v"), json!({}));
        no(Condition::is_not_present("$.v"), json!({"v": false}));
        no(Condition::is_present("$.a.b.c"), json!({"a": 1}));
        no(Condition::is_present("$.list[3]"), json!({"list": [1]}));
        yes(Condition::is_present("$.list[0]"), json!({"list": [1]}));
    }

    #[test]
    fn is_numeric_string_boolean() {
        yes(Condition::is_numeric("$.v"), json!({"v": 1.5}));
        no(Condition::is_numeric("$.v"), json!({"v": "1.5"}));
        yes(Condition::is_not_numeric("$.v"), json!({"v": "1.5"}));
        yes(Condition::is_string("$.v"), json!({"v": ""}));
        no(Condition::is_string("$.v"), json!({"v": null}));
        yes(Condition::is_not_string("$.v"), json!({"v": ["x"]}));
        yes(Condition::is_boolean("$.v"), json!({"v": false}));
        no(Condition::is_boolean("$.v"), json!({"v": "false"}));
        yes(Condition::is_not_boolean("$.v"), json!({"v": 0}));
    }

    #[test]
    fn is_timestamp() {
        yes(Condition::is_timestamp("$.v"), json!({"v": "2016-03-14T01:59:00Z"}));
        yes(Condition::is_timestamp("$.v"), json!({"v": "2016-03-14T01:59:00.123456-07:00"}));
        no(Condition::is_timestamp("$.v"), json!({"v": "2016-03-14T01:59:00"}));
        no(Condition::is_timestamp("$.v"), json!({"v": "2016-13-14T01:59:00Z"}));
        no(Condition::is_timestamp("$.v"), json!({"v": 1457920740}));
        yes(Condition::is_not_timestamp("$.v"), json!({"v": "yesterday"}));
        no(Condition::is_not_timestamp("$.v"), json!({"v": "2016-03-14T01:59:00Z"}));
    }

    // --- Absent values --------------------------------------------------------------------

    #[test]
    fn an_absent_variable_fails_with_states_runtime() {
        let err = eval(&Condition::string_equals("$.x", "a"), json!({})).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(err.cause, "Invalid path '$.x': The choice state's condition path references an invalid value.");
        invalid(Condition::numeric_equals("$.x", 1), json!({}), "$.x");
        invalid(Condition::boolean_equals("$.x", true), json!({}), "$.x");
        invalid(Condition::timestamp_equals("$.x", "2016-03-14T01:59:00Z"), json!({}), "$.x");
        invalid(Condition::string_matches("$.x", "*"), json!({}), "$.x");
        // only IsPresent tests absence: the other type tests fail too
        invalid(Condition::is_null("$.x"), json!({}), "$.x");
        invalid(Condition::is_not_string("$.x"), json!({}), "$.x");
        // Not does not turn the failure into a value
        invalid(Condition::not(Condition::string_equals("$.x", "a")), json!({}), "$.x");
    }

    #[test]
    fn an_absent_path_operand_fails_with_states_runtime() {
        invalid(Condition::string_equals_path("$.a", "$.b"), json!({"a": "x"}), "$.b");
        invalid(Condition::numeric_less_than_path("$.a", "$.b"), json!({"a": 1}), "$.b");
        invalid(Condition::boolean_equals_path("$.a", "$.b"), json!({"a": true}), "$.b");
        invalid(Condition::timestamp_less_than_path("$.a", "$.b"), json!({"a": "2016-03-14T01:59:00Z"}), "$.b");
        // resolved before any type test: a Variable of the wrong type does not hide it
        invalid(Condition::numeric_equals_path("$.a", "$.b"), json!({"a": "x"}), "$.b");
        // the Variable is reported first when both are absent
        invalid(Condition::string_equals_path("$.a", "$.b"), json!({}), "$.a");
    }

    #[test]
    fn is_present_guards_a_comparison_in_and() {
        // the guide: StringEquals "is only evaluated if $.keyThatMightNotExist exists because of
        // the preceding IsPresent Choice Rule"
        let guarded = Condition::and([
            Condition::is_present("$.keyThatMightNotExist"),
            Condition::string_equals("$.keyThatMightNotExist", "foo"),
        ]);
        no(guarded.clone(), json!({}));
        yes(guarded.clone(), json!({"keyThatMightNotExist": "foo"}));
        no(guarded, json!({"keyThatMightNotExist": "bar"}));
    }

    #[test]
    fn the_context_object_goes_through_resolve() {
        yes(Condition::string_equals("$$.State.Name", "C"), json!({}));
        yes(Condition::string_matches("$$.Execution.Id", "arn:aws:states:*"), json!({}));
        yes(Condition::string_equals_path("$.name", "$$.State.Name"), json!({"name": "C"}));
        invalid(Condition::string_equals("$$.Map.Item.Value", "x"), json!({}), "$$.Map.Item.Value");
    }

    #[test]
    fn the_whole_input_and_array_elements() {
        yes(Condition::numeric_equals("$", 7), json!(7));
        yes(Condition::string_equals("$[1]", "b"), json!(["a", "b"]));
        yes(Condition::is_null("$.a[0].b"), json!({"a": [{"b": null}]}));
    }

    #[test]
    fn resolve_errors_propagate() {
        let failing = |_: &str| -> Result<Option<Value>, StatesError> { Err(StatesError::runtime("boom")) };
        assert_eq!(evaluate(&Condition::is_present("$.a"), &failing), Err(StatesError::runtime("boom")));
    }

    // --- And / Or / Not -------------------------------------------------------------------

    #[test]
    fn and_or_not() {
        let input = json!({"a": 1, "b": "x"});
        yes(Condition::and([Condition::numeric_equals("$.a", 1), Condition::string_equals("$.b", "x")]), input.clone());
        no(Condition::and([Condition::numeric_equals("$.a", 1), Condition::string_equals("$.b", "y")]), input.clone());
        yes(Condition::or([Condition::numeric_equals("$.a", 2), Condition::string_equals("$.b", "x")]), input.clone());
        no(Condition::or([Condition::numeric_equals("$.a", 2), Condition::string_equals("$.b", "y")]), input.clone());
        yes(Condition::not(Condition::numeric_equals("$.a", 2)), input.clone());
        no(Condition::not(Condition::numeric_equals("$.a", 1)), input.clone());
        yes(Condition::not(Condition::not(Condition::numeric_equals("$.a", 1))), input);
    }

    #[test]
    fn nested_combinators_guide_example() {
        // the guide's rule: Not {StringEquals "$.type" "Private"} and the value in [20, 30)
        let rule = Condition::and([
            Condition::not(Condition::string_equals("$.type", "Private")),
            Condition::or([
                Condition::and([
                    Condition::numeric_greater_than_equals("$.value", 20),
                    Condition::numeric_less_than("$.value", 30),
                ]),
                Condition::is_null("$.value"),
            ]),
        ]);
        yes(rule.clone(), json!({"type": "Public", "value": 25}));
        yes(rule.clone(), json!({"type": "Public", "value": null}));
        no(rule.clone(), json!({"type": "Private", "value": 25}));
        no(rule, json!({"type": "Public", "value": 35}));
    }

    #[test]
    fn and_and_or_short_circuit() {
        // a later absent path is not reached once the outcome is known
        let input = json!({"a": 1});
        no(Condition::and([Condition::numeric_equals("$.a", 2), Condition::string_equals("$.x", "y")]), input.clone());
        yes(Condition::or([Condition::numeric_equals("$.a", 1), Condition::string_equals("$.x", "y")]), input.clone());
        // ...but is once it is
        invalid(
            Condition::and([Condition::numeric_equals("$.a", 1), Condition::string_equals("$.x", "y")]),
            input.clone(),
            "$.x",
        );
        invalid(
            Condition::or([Condition::numeric_equals("$.a", 2), Condition::string_equals("$.x", "y")]),
            input,
            "$.x",
        );
    }

    // --- choose ---------------------------------------------------------------------------

    #[test]
    fn choose_takes_the_first_rule_that_holds() {
        // the guide's example machine: NumericEquals 1, NumericLessThan 2, ...
        let one = Condition::numeric_equals("$.foo", 1);
        let lt2 = Condition::numeric_less_than("$.foo", 2);
        let rules = || [(&one, "FirstMatchState"), (&lt2, "SecondMatchState")];
        let r = |foo: Value| resolver(json!({ "foo": foo }));
        assert_eq!(choose(rules(), Some("DefaultState"), &r(json!(1))), Ok("FirstMatchState"));
        assert_eq!(choose(rules(), Some("DefaultState"), &r(json!(0))), Ok("SecondMatchState"));
        assert_eq!(choose(rules(), Some("DefaultState"), &r(json!(5))), Ok("DefaultState"));
    }

    #[test]
    fn no_choice_matched_without_default() {
        let one = Condition::numeric_equals("$.foo", 1);
        let err = choose([(&one, "A")], None, &resolver(json!({"foo": 2}))).unwrap_err();
        assert_eq!(err.error, "States.NoChoiceMatched");
        assert_eq!(err.cause, NO_CHOICE_MATCHED_CAUSE);
        assert_eq!(err, StatesError::no_choice_matched(NO_CHOICE_MATCHED_CAUSE));
        let none: [(&Condition, &str); 0] = [];
        assert!(choose(none, None, &resolver(json!({}))).is_err());
        let none: [(&Condition, &str); 0] = [];
        assert_eq!(choose(none, Some("D"), &resolver(json!({}))), Ok("D"));
    }

    #[test]
    fn choose_stops_at_the_first_match_and_propagates_earlier_errors() {
        let matches = Condition::is_present("$.a");
        let broken = Condition::string_equals("$.missing", "x");
        let r = resolver(json!({"a": 1}));
        // a broken rule after the match is never evaluated
        assert_eq!(choose([(&matches, "A"), (&broken, "B")], None, &r), Ok("A"));
        // before it, its States.Runtime fails the state even with a Default
        assert_eq!(choose([(&broken, "B"), (&matches, "A")], Some("D"), &r), Err(invalid_path("$.missing")));
    }

    // --- where LocalStack departs (its choice operators, localstack/localstack,
    // services/stepfunctions/asl/component/state/state_choice/comparison) ---------------------

    #[test]
    fn localstack_absent_variable_is_false_there_an_error_here() {
        // LocalStack samples an absent Variable as a `NoSuchVariable` marker, which no operator
        // but IsPresent recognises, so `StringEquals` on it is false and `IsNull: false` true;
        // AWS fails the execution with States.Runtime.
        invalid(Condition::string_equals("$.x", "a"), json!({}), "$.x");
        invalid(Condition::is_not_null("$.x"), json!({}), "$.x");
    }

    #[test]
    fn localstack_string_matches_is_fnmatch() {
        // LocalStack uses Python's fnmatch: `?` and `[...]` are wildcards there and `\*` is no
        // escape; per the guide only `*` is special and `\*` is a literal star.
        no(Condition::string_matches("$.s", "a?c"), json!({"s": "abc"}));
        no(Condition::string_matches("$.s", "[ab]"), json!({"s": "a"}));
        yes(Condition::string_matches("$.s", "[ab]"), json!({"s": "[ab]"}));
        yes(Condition::string_matches("$.s", "a\\*"), json!({"s": "a*"}));
        no(Condition::string_matches("$.s", "a\\*"), json!({"s": "a\\xyz"}));
    }

    #[test]
    fn localstack_timestamps_take_offsets_and_fractions() {
        // LocalStack parses timestamps with strptime("%Y-%m-%dT%H:%M:%SZ"): no offsets, no
        // fractions, so these are not timestamps there; the specification's RFC 3339 profile has
        // both.
        yes(Condition::is_timestamp("$.t"), json!({"t": "2016-03-14T01:59:00.5Z"}));
        yes(Condition::is_timestamp("$.t"), json!({"t": "2016-03-14T01:59:00+01:00"}));
        yes(Condition::timestamp_greater_than("$.t", "2016-03-14T01:59:00Z"), json!({"t": "2016-03-14T01:59:00.5Z"}));
    }

    #[test]
    fn localstack_boolean_equals_path_to_a_non_boolean_is_false() {
        // LocalStack raises a TypeError ("Expected type bool...") when the operand path holds no
        // boolean; a comparison of the wrong type is false.
        no(Condition::boolean_equals_path("$.a", "$.b"), json!({"a": true, "b": 1}));
        no(Condition::boolean_equals_path("$.a", "$.b"), json!({"a": true, "b": "true"}));
    }

    #[test]
    fn localstack_numeric_path_does_not_count_booleans_as_numbers() {
        // LocalStack checks only the Variable's type, so an operand `true` compares as Python's 1
        // (NumericEqualsPath 1 vs true holds there), and a string operand raises a TypeError.
        no(Condition::numeric_equals_path("$.a", "$.b"), json!({"a": 1, "b": true}));
        no(Condition::numeric_less_than_path("$.a", "$.b"), json!({"a": 1, "b": "2"}));
        no(Condition::string_less_than_path("$.a", "$.b"), json!({"a": "x", "b": 1}));
    }

    #[test]
    fn localstack_no_branching_option_is_no_choice_matched() {
        // LocalStack raises a generic RuntimeError("No branching option reached in state ...");
        // the guide names the error States.NoChoiceMatched.
        let never = Condition::is_null("$.a");
        let err = choose([(&never, "A")], None, &resolver(json!({"a": 1}))).unwrap_err();
        assert_eq!(err.error, "States.NoChoiceMatched");
    }

    // --- more edges -----------------------------------------------------------------------

    #[test]
    fn string_matches_backtracks_without_blowing_up() {
        let text = "a".repeat(2000);
        no(Condition::string_matches("$.s", "*a*a*a*a*a*b"), json!({ "s": text }));
        yes(Condition::string_matches("$.s", "*a*a*a*a*a*"), json!({ "s": text }));
        yes(Condition::string_matches("$.s", "*ab*ab"), json!({"s": "xxabyyabab"}));
    }

    #[test]
    fn string_matches_a_lone_backslash_stands_for_itself() {
        // validation rejects these patterns (asl::syntax::string_matches_problem); at run time a
        // backslash before anything but `*` or `\` is taken literally
        yes(Condition::string_matches("$.s", "a\\b"), json!({"s": "a\\b"}));
        yes(Condition::string_matches("$.s", "end\\"), json!({"s": "end\\"}));
    }

    #[test]
    fn string_equals_empty_and_unicode() {
        yes(Condition::string_equals("$.s", ""), json!({"s": ""}));
        no(Condition::string_equals("$.s", ""), json!({"s": " "}));
        yes(Condition::string_equals("$.s", "Zürich"), json!({"s": "Zürich"}));
        // by code point: 'é' (U+00E9) sorts after 'z'
        yes(Condition::string_greater_than("$.s", "z"), json!({"s": "é"}));
    }

    #[test]
    fn numeric_negative_and_fractional() {
        yes(Condition::numeric_less_than("$.n", -1), json!({"n": -1.5}));
        yes(Condition::numeric_greater_than("$.n", -2.5), json!({"n": -2}));
        yes(Condition::numeric_equals("$.n", 0.1), json!({"n": 0.1}));
        yes(Condition::numeric_greater_than_equals("$.n", i64::MIN), json!({"n": i64::MIN}));
        no(Condition::numeric_less_than("$.n", i64::MIN), json!({"n": i64::MIN}));
        yes(Condition::numeric_less_than("$.n", -1.0e300), json!({"n": -1.0e301}));
    }

    #[test]
    fn float_against_integer_exactly() {
        assert_eq!(compare_float_int(2.5, 2), Ordering::Greater);
        assert_eq!(compare_float_int(2.0, 2), Ordering::Equal);
        assert_eq!(compare_float_int(-0.0, 0), Ordering::Equal);
        // 2^63 as a float against i64::MAX (2^63 - 1): the float is greater
        assert_eq!(compare_float_int(9_223_372_036_854_775_808.0, i64::MAX.into()), Ordering::Greater);
        assert_eq!(compare_float_int(18_446_744_073_709_551_616.0, u64::MAX.into()), Ordering::Greater);
        assert_eq!(compare_float_int(-9_223_372_036_854_775_808.0, i64::MIN.into()), Ordering::Equal);
    }

    #[test]
    fn type_tests_on_arrays_and_objects() {
        for v in [json!([]), json!({}), json!([1, "a"]), json!({"k": null})] {
            no(Condition::is_null("$.v"), json!({ "v": v.clone() }));
            no(Condition::is_string("$.v"), json!({ "v": v.clone() }));
            no(Condition::is_numeric("$.v"), json!({ "v": v.clone() }));
            no(Condition::is_boolean("$.v"), json!({ "v": v.clone() }));
            no(Condition::is_timestamp("$.v"), json!({ "v": v.clone() }));
            yes(Condition::is_present("$.v"), json!({ "v": v }));
        }
    }

    #[test]
    fn timestamp_literal_with_an_offset() {
        // the operand may carry the offset, the variable be in UTC
        yes(Condition::timestamp_equals("$.t", "2016-03-14T01:59:00-08:00"), json!({"t": "2016-03-14T09:59:00Z"}));
        // 23:59 at +23:59 is midnight UTC of the same day
        yes(Condition::timestamp_less_than("$.t", "2016-03-14T23:59:00+23:59"), json!({"t": "2016-03-13T23:59:59Z"}));
        no(Condition::timestamp_less_than("$.t", "2016-03-14T23:59:00+23:59"), json!({"t": "2016-03-14T00:00:00Z"}));
        yes(Condition::timestamp_equals("$.t", "2016-03-14T23:59:00+23:59"), json!({"t": "2016-03-14T00:00:00Z"}));
    }

    #[test]
    fn timestamps_before_the_epoch_and_far_ahead() {
        yes(Condition::timestamp_less_than("$.t", "1970-01-01T00:00:00Z"), json!({"t": "1969-07-20T20:17:40Z"}));
        yes(Condition::timestamp_greater_than("$.t", "2999-12-31T23:59:59.999Z"), json!({"t": "9999-12-31T23:59:59Z"}));
        yes(Condition::timestamp_equals("$.t", "1900-03-01T00:00:00Z"), json!({"t": "1900-02-28T23:00:00-01:00"}));
    }

    #[test]
    fn invalid_path_wording() {
        let e = invalid_path("$$.Execution.Input.x");
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.to_string(),
            "States.Runtime: Invalid path '$$.Execution.Input.x': The choice state's condition path references \
             an invalid value."
        );
    }

    #[test]
    fn choose_with_nested_rules_and_resolve_errors() {
        let rule = Condition::or([Condition::is_null("$.a"), Condition::not(Condition::is_numeric("$.a"))]);
        assert_eq!(choose([(&rule, "NotANumber")], Some("Number"), &resolver(json!({"a": "1"}))), Ok("NotANumber"));
        assert_eq!(choose([(&rule, "NotANumber")], Some("Number"), &resolver(json!({"a": 1}))), Ok("Number"));
        let failing = |_: &str| -> Result<Option<Value>, StatesError> { Err(StatesError::runtime("bad path")) };
        assert_eq!(choose([(&rule, "X")], Some("D"), &failing), Err(StatesError::runtime("bad path")));
    }

    #[test]
    fn days_are_consecutive() {
        // every day from 1999 to 2001 is 86 400 seconds after the one before, including the
        // leap day of 2000 (divisible by 400) and not after 1999-02-28
        let mut previous = Instant::parse("1998-12-31T00:00:00Z").unwrap().seconds;
        let mut count = 0;
        for year in 1999..=2001 {
            for month in 1..=12 {
                for day in 1..=31 {
                    let Some(t) = Instant::parse(&format!("{year:04}-{month:02}-{day:02}T00:00:00Z")) else { continue };
                    assert_eq!(t.seconds - previous, 86_400, "{year}-{month}-{day}");
                    previous = t.seconds;
                    count += 1;
                }
            }
        }
        assert_eq!(count, 365 + 366 + 365);
    }

    #[test]
    fn string_comparisons_are_case_sensitive() {
        no(Condition::string_equals("$.s", "abc"), json!({"s": "ABC"}));
        yes(Condition::string_less_than("$.s", "abc"), json!({"s": "ABC"}));
        no(Condition::string_matches("$.s", "abc*"), json!({"s": "ABCdef"}));
    }

    #[test]
    fn string_comparison_to_a_number_literal_text() {
        // a number in the input never equals its text
        no(Condition::string_equals("$.s", "20"), json!({"s": 20}));
        no(Condition::string_greater_than_equals("$.s", ""), json!({"s": 20}));
        no(Condition::string_matches("$.s", "*"), json!({"s": null}));
    }

    #[test]
    fn timestamp_operand_path_not_a_timestamp() {
        let input = json!({"a": "2016-03-14T01:59:00Z", "n": 5, "s": "2016-03-14"});
        no(Condition::timestamp_less_than_path("$.a", "$.n"), input.clone());
        no(Condition::timestamp_greater_than_path("$.a", "$.s"), input.clone());
        no(Condition::timestamp_less_than_equals_path("$.s", "$.a"), input);
    }

    #[test]
    fn not_of_and_or_de_morgan() {
        let a = || Condition::numeric_equals("$.a", 1);
        let b = || Condition::string_equals("$.b", "x");
        for input in
            [json!({"a": 1, "b": "x"}), json!({"a": 2, "b": "x"}), json!({"a": 1, "b": "y"}), json!({"a": 2, "b": "y"})]
        {
            let left = eval(&Condition::not(Condition::and([a(), b()])), input.clone());
            let right = eval(&Condition::or([Condition::not(a()), Condition::not(b())]), input.clone());
            assert_eq!(left, right, "{input}");
            let left = eval(&Condition::not(Condition::or([a(), b()])), input.clone());
            let right = eval(&Condition::and([Condition::not(a()), Condition::not(b())]), input.clone());
            assert_eq!(left, right, "{input}");
        }
    }

    #[test]
    fn single_rule_and_or() {
        yes(Condition::and([Condition::is_present("$.a")]), json!({"a": 1}));
        no(Condition::or([Condition::is_present("$.b")]), json!({"a": 1}));
    }

    // --- the pieces -----------------------------------------------------------------------

    #[test]
    fn instants() {
        assert_eq!(Instant::parse("1970-01-01T00:00:00Z").unwrap().seconds, 0);
        assert_eq!(Instant::parse("2016-03-14T01:59:00Z").unwrap().seconds, 1_457_920_740);
        assert_eq!(Instant::parse("1969-12-31T23:59:59Z").unwrap().seconds, -1);
        assert_eq!(Instant::parse("2000-03-01T00:00:00Z").unwrap().seconds, 951_868_800);
        assert_eq!(Instant::parse("0001-01-01T00:00:00Z").unwrap().seconds, -62_135_596_800);
        assert_eq!(Instant::parse("2016-03-14T01:59:00.120Z").unwrap().fraction, "12");
        assert!(Instant::parse("2016-03-14T01:59:00+1:00").is_none());
    }
}

//! Matchers: JSON patterns with partial and special matching, built with [`Match`].

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

use super::capture::Capture;

/// A pattern a template value is tested against.
///
/// Anything that converts into a `Matcher` can be passed where one is expected: JSON values
/// (`json!({...})`), strings, numbers, booleans, `Vec`s / arrays of patterns, a [`Capture`],
/// and the special matchers built with [`Match`]. The [`pattern!`](crate::pattern) macro writes
/// JSON-shaped patterns with matchers inside.
///
/// A JSON literal is matched the way its surroundings say, as in AWS CDK: object-like (the
/// actual object may have more keys, recursively) at the top of an assertion and inside
/// [`Match::object_like`]; exactly inside [`Match::exact`], [`Match::object_equals`],
/// [`Match::array_with`], [`Match::array_equals`], [`Match::not`] and
/// [`Match::serialized_json`]. A literal array always needs the same number of elements.
#[derive(Clone)]
pub struct Matcher {
    pub(crate) kind: Kind,
}

#[derive(Clone)]
pub(crate) enum Kind {
    /// null, boolean, number or string: equal values.
    Scalar(Json),
    /// A literal object: partial or exact depending on where it is.
    Object(Vec<(String, Matcher)>),
    /// A literal array: same length, elements in order.
    Array(Vec<Matcher>),
    ObjectLike(Vec<(String, Matcher)>),
    ObjectEquals(Vec<(String, Matcher)>),
    Exact(Box<Matcher>),
    ArrayWith(Vec<Matcher>),
    ArrayEquals(Vec<Matcher>),
    Absent,
    AnyValue,
    Not(Box<Matcher>),
    SerializedJson(Box<Matcher>),
    Regex(regex_lite::Regex),
    Capture(Capture),
    Predicate(String, Arc<dyn Fn(&Json) -> bool + Send + Sync>),
    /// A pattern that cannot be built as written; never matches and says why.
    Invalid(String),
}

/// Builds the special matchers.
///
/// ```
/// use framework::assertions::{Match, Template};
/// use framework::pattern;
/// use serde_json::json;
///
/// let template = Template::from_json(json!({"Resources": {"Role": {
///     "Type": "AWS::IAM::Role",
///     "Properties": {"Path": "/", "ManagedPolicyArns": ["arn:a", "arn:b", "arn:c"]}
/// }}}));
/// template.has_resource_properties("AWS::IAM::Role", pattern!({
///     "ManagedPolicyArns": Match::array_with(["arn:a", "arn:c"]),
///     "RoleName": Match::absent(),
///     "Path": Match::string_like_regexp("^/"),
/// }));
/// ```
pub enum Match {}

impl Match {
    /// The key must not be present (in an object), or the value must be missing.
    pub fn absent() -> Matcher {
        Matcher { kind: Kind::Absent }
    }

    /// Any value but null (a key holding it must be present).
    pub fn any_value() -> Matcher {
        Matcher { kind: Kind::AnyValue }
    }

    /// An object with at least these keys, each value matching (literals partially, recursively).
    /// `pattern` must be an object (a JSON object or a [`pattern!`](crate::pattern) object).
    pub fn object_like(pattern: impl Into<Matcher>) -> Matcher {
        match pattern.into().kind {
            Kind::Object(entries) | Kind::ObjectLike(entries) | Kind::ObjectEquals(entries) => {
                Matcher { kind: Kind::ObjectLike(entries) }
            }
            other => invalid("object_like", "an object", &Matcher { kind: other }),
        }
    }

    /// An object with exactly these keys, each value matching (literals exactly).
    pub fn object_equals(pattern: impl Into<Matcher>) -> Matcher {
        match pattern.into().kind {
            Kind::Object(entries) | Kind::ObjectLike(entries) | Kind::ObjectEquals(entries) => {
                Matcher { kind: Kind::ObjectEquals(entries) }
            }
            other => invalid("object_equals", "an object", &Matcher { kind: other }),
        }
    }

    /// Deep exact match: objects nested in `pattern` must have exactly its keys. Matchers nested
    /// inside still apply.
    pub fn exact(pattern: impl Into<Matcher>) -> Matcher {
        Matcher { kind: Kind::Exact(Box::new(pattern.into())) }
    }

    /// An array containing elements matching each pattern, in this order, possibly with other
    /// elements between them (a subsequence). Literal elements are matched exactly; wrap them in
    /// [`Match::object_like`] to match objects partially.
    pub fn array_with(pattern: impl Into<Matcher>) -> Matcher {
        match pattern.into().kind {
            Kind::Array(items) | Kind::ArrayWith(items) | Kind::ArrayEquals(items) => {
                Matcher { kind: Kind::ArrayWith(items) }
            }
            other => invalid("array_with", "an array", &Matcher { kind: other }),
        }
    }

    /// An array with exactly these elements, in this order (literal elements matched exactly).
    pub fn array_equals(pattern: impl Into<Matcher>) -> Matcher {
        match pattern.into().kind {
            Kind::Array(items) | Kind::ArrayWith(items) | Kind::ArrayEquals(items) => {
                Matcher { kind: Kind::ArrayEquals(items) }
            }
            other => invalid("array_equals", "an array", &Matcher { kind: other }),
        }
    }

    /// Anything that does not match `pattern` (a literal is matched exactly).
    pub fn not(pattern: impl Into<Matcher>) -> Matcher {
        Matcher { kind: Kind::Not(Box::new(pattern.into())) }
    }

    /// A string holding JSON text whose parsed value matches `pattern` (a literal is matched
    /// exactly), e.g. a state machine's `DefinitionString`.
    ///
    /// When the value is an `Fn::Join` of text and tokens (how a definition that references other
    /// resources is synthesized), the text is parsed with each token in place of the string it
    /// stands in: `"Resource": "<token>"` parses as `"Resource": {"Fn::GetAtt": [..]}`, and a
    /// token inside longer text as an `Fn::Join` of the pieces. Patterns name tokens by their
    /// intrinsic objects.
    pub fn serialized_json(pattern: impl Into<Matcher>) -> Matcher {
        Matcher { kind: Kind::SerializedJson(Box::new(pattern.into())) }
    }

    /// A string in which the regular expression finds a match (anchor it with `^...$` to match
    /// the whole string). An invalid expression gives a matcher that fails and says why.
    pub fn string_like_regexp(regex: &str) -> Matcher {
        match regex_lite::Regex::new(regex) {
            Ok(re) => Matcher { kind: Kind::Regex(re) },
            Err(e) => Matcher { kind: Kind::Invalid(format!("invalid regular expression {regex:?}: {e}")) },
        }
    }

    /// A value for which `predicate` returns true; `description` names the expectation in
    /// failure messages ("a positive number").
    pub fn satisfies(
        description: impl Into<String>,
        predicate: impl Fn(&Json) -> bool + Send + Sync + 'static,
    ) -> Matcher {
        Matcher { kind: Kind::Predicate(description.into(), Arc::new(predicate)) }
    }
}

fn invalid(name: &str, expected: &str, got: &Matcher) -> Matcher {
    Matcher { kind: Kind::Invalid(format!("Match::{name} takes {expected} pattern, got {}", got.describe())) }
}

impl Matcher {
    /// A literal object pattern from `(key, pattern)` pairs, in order (what
    /// [`pattern!`](crate::pattern) builds for `{...}`).
    pub fn object<K: Into<String>, M: Into<Matcher>>(entries: impl IntoIterator<Item = (K, M)>) -> Matcher {
        Matcher { kind: Kind::Object(entries.into_iter().map(|(k, m)| (k.into(), m.into())).collect()) }
    }

    /// A literal array pattern (what [`pattern!`](crate::pattern) builds for `[...]`).
    pub fn array<M: Into<Matcher>>(items: impl IntoIterator<Item = M>) -> Matcher {
        Matcher { kind: Kind::Array(items.into_iter().map(Into::into).collect()) }
    }

    pub(crate) fn is_absent(&self) -> bool {
        matches!(self.kind, Kind::Absent)
    }

    /// The pattern written out on one line, e.g. `{"Path": "/", "Tags": absent()}`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        self.describe_into(&mut out);
        out
    }

    fn describe_into(&self, out: &mut String) {
        match &self.kind {
            Kind::Scalar(v) => out.push_str(&v.to_string()),
            Kind::Object(entries) => describe_entries(entries, out),
            Kind::Array(items) => describe_items(items, out),
            Kind::ObjectLike(entries) => wrap(out, "object_like", |o| describe_entries(entries, o)),
            Kind::ObjectEquals(entries) => wrap(out, "object_equals", |o| describe_entries(entries, o)),
            Kind::Exact(m) => wrap(out, "exact", |o| m.describe_into(o)),
            Kind::ArrayWith(items) => wrap(out, "array_with", |o| describe_items(items, o)),
            Kind::ArrayEquals(items) => wrap(out, "array_equals", |o| describe_items(items, o)),
            Kind::Absent => out.push_str("absent()"),
            Kind::AnyValue => out.push_str("any_value()"),
            Kind::Not(m) => wrap(out, "not", |o| m.describe_into(o)),
            Kind::SerializedJson(m) => wrap(out, "serialized_json", |o| m.describe_into(o)),
            Kind::Regex(re) => wrap(out, "string_like_regexp", |o| o.push_str(&Json::from(re.as_str()).to_string())),
            Kind::Capture(c) => wrap(out, "capture", |o| {
                if let Some(p) = c.pattern() {
                    p.describe_into(o)
                }
            }),
            Kind::Predicate(d, _) => wrap(out, "satisfies", |o| o.push_str(&Json::from(d.as_str()).to_string())),
            Kind::Invalid(msg) => wrap(out, "invalid", |o| o.push_str(msg)),
        }
    }
}

fn wrap(out: &mut String, name: &str, inner: impl FnOnce(&mut String)) {
    out.push_str(name);
    out.push('(');
    inner(out);
    out.push(')');
}

fn describe_entries(entries: &[(String, Matcher)], out: &mut String) {
    if entries.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push('{');
    for (i, (k, m)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&Json::from(k.as_str()).to_string());
        out.push_str(": ");
        m.describe_into(out);
    }
    out.push('}');
}

fn describe_items(items: &[Matcher], out: &mut String) {
    out.push('[');
    for (i, m) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        m.describe_into(out);
    }
    out.push(']');
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl From<Json> for Matcher {
    fn from(value: Json) -> Matcher {
        let kind = match value {
            Json::Object(map) => Kind::Object(map.into_iter().map(|(k, v)| (k, Matcher::from(v))).collect()),
            Json::Array(items) => Kind::Array(items.into_iter().map(Matcher::from).collect()),
            scalar => Kind::Scalar(scalar),
        };
        Matcher { kind }
    }
}

impl From<&Json> for Matcher {
    fn from(value: &Json) -> Matcher {
        Matcher::from(value.clone())
    }
}

impl From<Capture> for Matcher {
    fn from(capture: Capture) -> Matcher {
        Matcher { kind: Kind::Capture(capture) }
    }
}

impl From<&Capture> for Matcher {
    fn from(capture: &Capture) -> Matcher {
        Matcher { kind: Kind::Capture(capture.clone()) }
    }
}

impl From<&Matcher> for Matcher {
    fn from(m: &Matcher) -> Matcher {
        m.clone()
    }
}

impl<M: Into<Matcher>> From<Vec<M>> for Matcher {
    fn from(items: Vec<M>) -> Matcher {
        Matcher::array(items)
    }
}

impl<M: Into<Matcher>, const N: usize> From<[M; N]> for Matcher {
    fn from(items: [M; N]) -> Matcher {
        Matcher::array(items)
    }
}

macro_rules! scalar_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Matcher {
            fn from(v: $t) -> Matcher {
                Matcher { kind: Kind::Scalar(Json::from(v)) }
            }
        }
    )*};
}
scalar_from!(&str, String, bool, i32, i64, u32, u64, usize, f64);

impl From<&String> for Matcher {
    fn from(v: &String) -> Matcher {
        Matcher { kind: Kind::Scalar(Json::from(v.as_str())) }
    }
}

impl From<()> for Matcher {
    /// `()` is JSON `null`.
    fn from(_: ()) -> Matcher {
        Matcher { kind: Kind::Scalar(Json::Null) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn describes_patterns_on_one_line() {
        let m = Matcher::object([
            ("Path", Matcher::from("/")),
            ("Tags", Match::absent()),
            ("List", Match::array_with([json!({"a": 1})])),
            ("Def", Match::serialized_json(json!({"StartAt": "A"}))),
            ("Name", Match::string_like_regexp("^x")),
            ("N", Match::not(3)),
            ("Any", Match::any_value()),
            ("C", Capture::matching(json!({"k": true})).into()),
            ("P", Match::satisfies("a positive number", |v| v.as_f64().is_some_and(|n| n > 0.0))),
        ]);
        assert_eq!(
            m.describe(),
            r#"{"Path": "/", "Tags": absent(), "List": array_with([{"a": 1}]), "Def": serialized_json({"StartAt": "A"}), "Name": string_like_regexp("^x"), "N": not(3), "Any": any_value(), "C": capture({"k": true}), "P": satisfies("a positive number")}"#
        );
        assert_eq!(Match::object_like(json!({})).describe(), "object_like({})");
        assert_eq!(Match::exact(json!([1, null])).describe(), "exact([1, null])");
        assert_eq!(format!("{:?}", Match::array_equals(vec![1, 2])), "array_equals([1, 2])");
    }

    #[test]
    fn json_converts_recursively_keeping_key_order() {
        let m = Matcher::from(json!({"b": [1, {"c": null}], "a": "x"}));
        assert_eq!(m.describe(), r#"{"b": [1, {"c": null}], "a": "x"}"#);
    }

    #[test]
    fn wrong_pattern_shapes_become_failing_matchers() {
        assert_eq!(
            Match::object_like(json!([1])).describe(),
            "invalid(Match::object_like takes an object pattern, got [1])"
        );
        assert!(matches!(Match::array_with(json!({"a": 1})).kind, Kind::Invalid(_)));
        assert!(matches!(Match::array_equals("x").kind, Kind::Invalid(_)));
        assert!(matches!(Match::object_equals(1).kind, Kind::Invalid(_)));
        let bad = Match::string_like_regexp("(unclosed");
        assert!(bad.describe().starts_with("invalid(invalid regular expression \"(unclosed\""), "{}", bad.describe());
    }
}

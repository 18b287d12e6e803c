//! One matcher in a field's list: an exact value or a `{ "operator": ... }` object.

use framework::{Pseudo, Value};

use super::cidr::Cidr;
use super::numeric::Numeric;
use super::wildcard;
use crate::num::Num;

/// What an `anything-but` excludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnythingButKind {
    /// Exact values (all strings or all numbers).
    Values,
    /// `{"anything-but": {"prefix": ...}}`
    Prefix,
    /// `{"anything-but": {"suffix": ...}}`
    Suffix,
    /// `{"anything-but": {"equals-ignore-case": ...}}`
    EqualsIgnoreCase,
    /// `{"anything-but": {"wildcard": ...}}`
    Wildcard,
}

impl AnythingButKind {
    /// The inner operator name (`None` for plain values).
    pub fn operator(self) -> Option<&'static str> {
        match self {
            AnythingButKind::Values => None,
            AnythingButKind::Prefix => Some("prefix"),
            AnythingButKind::Suffix => Some("suffix"),
            AnythingButKind::EqualsIgnoreCase => Some("equals-ignore-case"),
            AnythingButKind::Wildcard => Some("wildcard"),
        }
    }
}

/// An `anything-but` matcher: the kind, the excluded values, and whether they were written as a
/// list (`["a", "b"]`) or a single value (`"a"`).
#[derive(Debug, Clone, PartialEq)]
pub struct AnythingBut {
    pub(crate) kind: AnythingButKind,
    pub(crate) values: Vec<Value>,
    pub(crate) listed: bool,
}

impl AnythingBut {
    /// The kind of exclusion.
    pub fn kind(&self) -> AnythingButKind {
        self.kind
    }
    /// The excluded values.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// One matcher of a field: the field matches when any of its matchers matches.
///
/// ```
/// use constructs::events::{Matcher, Numeric};
/// let m = Matcher::numeric(Numeric::gt(0).and_le(5));
/// assert_eq!(serde_json::to_string(&m.to_json().unwrap()).unwrap(), r#"{"numeric":[">",0,"<=",5]}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// An exact value: string, number, boolean, null, or a token resolving to a string.
    Exact(Value),
    /// `{"prefix": s}`
    Prefix(Value),
    /// `{"prefix": {"equals-ignore-case": s}}`
    PrefixIgnoreCase(Value),
    /// `{"suffix": s}`
    Suffix(Value),
    /// `{"suffix": {"equals-ignore-case": s}}`
    SuffixIgnoreCase(Value),
    /// `{"equals-ignore-case": s}`
    EqualsIgnoreCase(Value),
    /// `{"wildcard": s}`
    Wildcard(Value),
    /// `{"anything-but": ...}`
    AnythingBut(AnythingBut),
    /// `{"numeric": [...]}`
    Numeric(Numeric),
    /// `{"exists": bool}`
    Exists(bool),
    /// `{"cidr": "10.0.0.0/24"}`
    Cidr(Value),
}

impl Matcher {
    /// An exact value.
    pub fn exact(value: impl Into<Value>) -> Matcher {
        Matcher::Exact(value.into())
    }
    /// Matches JSON `null`.
    pub fn null() -> Matcher {
        Matcher::Exact(Value::Null)
    }
    /// Strings starting with `prefix`.
    pub fn prefix(prefix: impl Into<Value>) -> Matcher {
        Matcher::Prefix(prefix.into())
    }
    /// Strings starting with `prefix`, ignoring case.
    pub fn prefix_ignore_case(prefix: impl Into<Value>) -> Matcher {
        Matcher::PrefixIgnoreCase(prefix.into())
    }
    /// Strings ending with `suffix`.
    pub fn suffix(suffix: impl Into<Value>) -> Matcher {
        Matcher::Suffix(suffix.into())
    }
    /// Strings ending with `suffix`, ignoring case.
    pub fn suffix_ignore_case(suffix: impl Into<Value>) -> Matcher {
        Matcher::SuffixIgnoreCase(suffix.into())
    }
    /// Strings equal to `value`, ignoring case.
    pub fn equals_ignore_case(value: impl Into<Value>) -> Matcher {
        Matcher::EqualsIgnoreCase(value.into())
    }
    /// Strings matching a wildcard (`*` = any run of characters; `\*`, `\\` escape).
    pub fn wildcard(pattern: impl Into<Value>) -> Matcher {
        Matcher::Wildcard(pattern.into())
    }
    /// Any value except this one: `{"anything-but": v}`.
    pub fn anything_but(value: impl Into<Value>) -> Matcher {
        Self::but(AnythingButKind::Values, vec![value.into()], false)
    }
    /// Any value except these (all strings or all numbers): `{"anything-but": [..]}`.
    pub fn anything_but_any<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Matcher {
        Self::but(AnythingButKind::Values, values.into_iter().map(Into::into).collect(), true)
    }
    /// Any value not starting with `prefix`.
    pub fn anything_but_prefix(prefix: impl Into<Value>) -> Matcher {
        Self::but(AnythingButKind::Prefix, vec![prefix.into()], false)
    }
    /// Any value starting with none of `prefixes`.
    pub fn anything_but_prefixes<V: Into<Value>>(prefixes: impl IntoIterator<Item = V>) -> Matcher {
        Self::but(AnythingButKind::Prefix, prefixes.into_iter().map(Into::into).collect(), true)
    }
    /// Any value not ending with `suffix`.
    pub fn anything_but_suffix(suffix: impl Into<Value>) -> Matcher {
        Self::but(AnythingButKind::Suffix, vec![suffix.into()], false)
    }
    /// Any value ending with none of `suffixes`.
    pub fn anything_but_suffixes<V: Into<Value>>(suffixes: impl IntoIterator<Item = V>) -> Matcher {
        Self::but(AnythingButKind::Suffix, suffixes.into_iter().map(Into::into).collect(), true)
    }
    /// Any value not equal to `value`, ignoring case.
    pub fn anything_but_ignore_case(value: impl Into<Value>) -> Matcher {
        Self::but(AnythingButKind::EqualsIgnoreCase, vec![value.into()], false)
    }
    /// Any value equal to none of `values`, ignoring case.
    pub fn anything_but_ignore_case_any<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Matcher {
        Self::but(AnythingButKind::EqualsIgnoreCase, values.into_iter().map(Into::into).collect(), true)
    }
    /// Any value not matching the wildcard.
    pub fn anything_but_wildcard(pattern: impl Into<Value>) -> Matcher {
        Self::but(AnythingButKind::Wildcard, vec![pattern.into()], false)
    }
    /// Any value matching none of the wildcards.
    pub fn anything_but_wildcards<V: Into<Value>>(patterns: impl IntoIterator<Item = V>) -> Matcher {
        Self::but(AnythingButKind::Wildcard, patterns.into_iter().map(Into::into).collect(), true)
    }
    fn but(kind: AnythingButKind, values: Vec<Value>, listed: bool) -> Matcher {
        Matcher::AnythingBut(AnythingBut { kind, values, listed })
    }
    /// A numeric range or equality.
    pub fn numeric(range: Numeric) -> Matcher {
        Matcher::Numeric(range)
    }
    /// `{"numeric": ["=", n]}`
    pub fn numeric_eq(n: impl Into<Num>) -> Matcher {
        Matcher::Numeric(Numeric::eq(n))
    }
    /// The field is present (`true`) or absent (`false`).
    pub fn exists(present: bool) -> Matcher {
        Matcher::Exists(present)
    }
    /// IP addresses in a CIDR block (IPv4 or IPv6).
    pub fn cidr(block: impl Into<Value>) -> Matcher {
        Matcher::Cidr(block.into())
    }

    /// The operator name, for messages (`exact` for plain values).
    pub fn operator(&self) -> &'static str {
        match self {
            Matcher::Exact(_) => "exact value",
            Matcher::Prefix(_) => "prefix",
            Matcher::PrefixIgnoreCase(_) => "prefix/equals-ignore-case",
            Matcher::Suffix(_) => "suffix",
            Matcher::SuffixIgnoreCase(_) => "suffix/equals-ignore-case",
            Matcher::EqualsIgnoreCase(_) => "equals-ignore-case",
            Matcher::Wildcard(_) => "wildcard",
            Matcher::AnythingBut(_) => "anything-but",
            Matcher::Numeric(_) => "numeric",
            Matcher::Exists(_) => "exists",
            Matcher::Cidr(_) => "cidr",
        }
    }

    /// The matcher as it appears in the pattern (tokens kept as intrinsics).
    pub fn to_value(&self) -> Value {
        let op = |name: &str, v: Value| Value::map([(name.to_string(), v)]);
        match self {
            Matcher::Exact(v) => v.clone(),
            Matcher::Prefix(v) => op("prefix", v.clone()),
            Matcher::PrefixIgnoreCase(v) => op("prefix", op("equals-ignore-case", v.clone())),
            Matcher::Suffix(v) => op("suffix", v.clone()),
            Matcher::SuffixIgnoreCase(v) => op("suffix", op("equals-ignore-case", v.clone())),
            Matcher::EqualsIgnoreCase(v) => op("equals-ignore-case", v.clone()),
            Matcher::Wildcard(v) => op("wildcard", v.clone()),
            Matcher::AnythingBut(ab) => {
                let values = if ab.listed || ab.values.len() != 1 {
                    Value::List(ab.values.clone())
                } else {
                    ab.values[0].clone()
                };
                match ab.kind.operator() {
                    None => op("anything-but", values),
                    Some(inner) => op("anything-but", op(inner, values)),
                }
            }
            Matcher::Numeric(n) => op("numeric", n.to_value()),
            Matcher::Exists(b) => op("exists", Value::Bool(*b)),
            Matcher::Cidr(v) => op("cidr", v.clone()),
        }
    }

    /// The matcher as JSON, when it has no tokens.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        super::value_to_json(&self.to_value())
    }

    /// Problems with this matcher, as messages (the caller prefixes the field path).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Matcher::Exact(v) => match v {
                Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
                v if is_string_token(v) => {}
                _ => out.push("an exact value must be a string, number, boolean or null".to_string()),
            },
            Matcher::Prefix(v) | Matcher::Suffix(v) | Matcher::PrefixIgnoreCase(v) | Matcher::SuffixIgnoreCase(v) => {
                non_empty_string(&mut out, self.operator(), v)
            }
            Matcher::EqualsIgnoreCase(v) => string_value(&mut out, self.operator(), v),
            Matcher::Wildcard(v) => {
                string_value(&mut out, "wildcard", v);
                if let Value::String(s) = v {
                    out.extend(wildcard::problem(s));
                }
            }
            Matcher::AnythingBut(ab) => anything_but_problems(&mut out, ab),
            Matcher::Numeric(n) => out.extend(n.problems()),
            Matcher::Exists(_) => {}
            Matcher::Cidr(v) => {
                string_value(&mut out, "cidr", v);
                if let Value::String(s) = v {
                    if let Err(e) = Cidr::parse(s) {
                        out.push(e);
                    }
                }
            }
        }
        out
    }
}

/// Tokens that may stand for a string (references, pseudo parameters, Sub/Join...).
pub(crate) fn is_string_token(v: &Value) -> bool {
    v.is_token() && !matches!(v, Value::List(_) | Value::Map(_))
}

fn string_value(out: &mut Vec<String>, op: &str, v: &Value) {
    if !matches!(v, Value::String(_)) && !is_string_token(v) {
        out.push(format!("{op} value must be a string"));
    }
}

fn non_empty_string(out: &mut Vec<String>, op: &str, v: &Value) {
    match v {
        Value::String(s) if s.is_empty() => out.push(format!("{op} value must not be empty")),
        Value::String(_) => {}
        v if is_string_token(v) => {}
        _ => out.push(format!("{op} value must be a string")),
    }
}

fn anything_but_problems(out: &mut Vec<String>, ab: &AnythingBut) {
    if ab.values.is_empty() {
        out.push("anything-but needs at least one value".to_string());
        return;
    }
    match ab.kind {
        AnythingButKind::Values => {
            let strings = ab.values.iter().filter(|v| matches!(v, Value::String(_)) || is_string_token(v)).count();
            let numbers = ab.values.iter().filter(|v| matches!(v, Value::Number(_))).count();
            if strings + numbers != ab.values.len() {
                out.push(
                    "anything-but values must be strings or numbers (not null, booleans, lists or objects)".to_string(),
                );
            } else if strings > 0 && numbers > 0 {
                out.push("anything-but values must be all strings or all numbers, not a mix".to_string());
            }
            for v in &ab.values {
                if let Value::Number(n) = v {
                    out.extend(super::numeric::number_problem(Num::from_json(n)).map(|p| format!("anything-but {p}")));
                }
            }
        }
        kind => {
            let op = kind.operator().unwrap_or("anything-but");
            for v in &ab.values {
                match v {
                    Value::String(s) => {
                        if s.is_empty() && matches!(kind, AnythingButKind::Prefix | AnythingButKind::Suffix) {
                            out.push(format!("anything-but {op} value must not be empty"));
                        }
                        if kind == AnythingButKind::Wildcard {
                            out.extend(wildcard::problem(s).map(|p| format!("anything-but {p}")));
                        }
                    }
                    v if is_string_token(v) => {}
                    _ => out.push(format!("anything-but {op} values must be strings")),
                }
            }
        }
    }
}

impl From<&str> for Matcher {
    fn from(s: &str) -> Matcher {
        Matcher::Exact(s.into())
    }
}
impl From<String> for Matcher {
    fn from(s: String) -> Matcher {
        Matcher::Exact(s.into())
    }
}
impl From<Value> for Matcher {
    fn from(v: Value) -> Matcher {
        Matcher::Exact(v)
    }
}
impl From<Pseudo> for Matcher {
    fn from(p: Pseudo) -> Matcher {
        Matcher::Exact(Value::Pseudo(p))
    }
}
impl From<bool> for Matcher {
    fn from(b: bool) -> Matcher {
        Matcher::Exact(Value::Bool(b))
    }
}
macro_rules! matcher_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Matcher {
            fn from(n: $t) -> Matcher { Matcher::Exact(Value::from(n)) }
        }
    )*};
}
matcher_from_int!(i32, i64, u32, u64);
impl From<f64> for Matcher {
    fn from(n: f64) -> Matcher {
        Matcher::Exact(Value::from(n))
    }
}
impl From<Numeric> for Matcher {
    fn from(n: Numeric) -> Matcher {
        Matcher::Numeric(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::pattern::numeric::Numeric;

    fn json(m: Matcher) -> String {
        serde_json::to_string(&m.to_json().expect("literal")).unwrap()
    }

    #[test]
    fn every_operator_renders() {
        assert_eq!(json(Matcher::exact("a")), r#""a""#);
        assert_eq!(json(Matcher::exact(5)), "5");
        assert_eq!(json(Matcher::exact(true)), "true");
        assert_eq!(json(Matcher::null()), "null");
        assert_eq!(json(Matcher::prefix("2017-10-02")), r#"{"prefix":"2017-10-02"}"#);
        assert_eq!(json(Matcher::prefix_ignore_case("EC2")), r#"{"prefix":{"equals-ignore-case":"EC2"}}"#);
        assert_eq!(json(Matcher::suffix(".png")), r#"{"suffix":".png"}"#);
        assert_eq!(json(Matcher::suffix_ignore_case(".png")), r#"{"suffix":{"equals-ignore-case":".png"}}"#);
        assert_eq!(json(Matcher::equals_ignore_case("alice")), r#"{"equals-ignore-case":"alice"}"#);
        assert_eq!(json(Matcher::wildcard("dir/*.png")), r#"{"wildcard":"dir/*.png"}"#);
        assert_eq!(json(Matcher::anything_but("init")), r#"{"anything-but":"init"}"#);
        assert_eq!(json(Matcher::anything_but(123)), r#"{"anything-but":123}"#);
        assert_eq!(json(Matcher::anything_but_any(["a", "b"])), r#"{"anything-but":["a","b"]}"#);
        assert_eq!(json(Matcher::anything_but_any([100, 200])), r#"{"anything-but":[100,200]}"#);
        assert_eq!(json(Matcher::anything_but_prefix("init")), r#"{"anything-but":{"prefix":"init"}}"#);
        assert_eq!(json(Matcher::anything_but_prefixes(["a", "b"])), r#"{"anything-but":{"prefix":["a","b"]}}"#);
        assert_eq!(json(Matcher::anything_but_suffix(".png")), r#"{"anything-but":{"suffix":".png"}}"#);
        assert_eq!(json(Matcher::anything_but_suffixes(["1", "2"])), r#"{"anything-but":{"suffix":["1","2"]}}"#);
        assert_eq!(
            json(Matcher::anything_but_ignore_case("Stopped")),
            r#"{"anything-but":{"equals-ignore-case":"Stopped"}}"#
        );
        assert_eq!(
            json(Matcher::anything_but_ignore_case_any(["A", "b"])),
            r#"{"anything-but":{"equals-ignore-case":["A","b"]}}"#
        );
        assert_eq!(json(Matcher::anything_but_wildcard("*/lib/*")), r#"{"anything-but":{"wildcard":"*/lib/*"}}"#);
        assert_eq!(
            json(Matcher::anything_but_wildcards(["*.a", "*.b"])),
            r#"{"anything-but":{"wildcard":["*.a","*.b"]}}"#
        );
        assert_eq!(json(Matcher::numeric(Numeric::gt(0).and_le(5))), r#"{"numeric":[">",0,"<=",5]}"#);
        assert_eq!(json(Matcher::numeric_eq(301.8)), r#"{"numeric":["=",301.8]}"#);
        assert_eq!(json(Matcher::exists(false)), r#"{"exists":false}"#);
        assert_eq!(json(Matcher::cidr("10.0.0.0/24")), r#"{"cidr":"10.0.0.0/24"}"#);
    }

    #[test]
    fn tokens_render_as_intrinsics() {
        let m = Matcher::from(Pseudo::AccountId);
        assert_eq!(m.to_value(), Value::Pseudo(Pseudo::AccountId));
        assert!(m.to_json().is_none());
        assert!(m.problems().is_empty());
    }

    #[test]
    fn matcher_problems() {
        assert!(Matcher::prefix("").problems()[0].contains("prefix value must not be empty"));
        assert!(Matcher::suffix(5).problems()[0].contains("suffix value must be a string"));
        assert!(Matcher::suffix_ignore_case("").problems()[0].contains("must not be empty"));
        assert!(Matcher::equals_ignore_case(1).problems()[0].contains("must be a string"));
        assert!(Matcher::wildcard("a**").problems()[0].contains("consecutive"));
        assert!(Matcher::cidr("10.0.0.0/40").problems()[0].contains("prefix length"));
        assert!(Matcher::exact(Value::list(["a"])).problems()[0].contains("exact value"));
        assert!(Matcher::anything_but_any(Vec::<Value>::new()).problems()[0].contains("at least one"));
        assert!(Matcher::anything_but_any([Value::from("a"), Value::from(1)]).problems()[0].contains("not a mix"));
        assert!(Matcher::anything_but(true).problems()[0].contains("strings or numbers"));
        assert!(Matcher::anything_but_prefix("").problems()[0].contains("must not be empty"));
        assert!(Matcher::anything_but_ignore_case(3).problems()[0].contains("must be strings"));
        assert!(Matcher::anything_but_wildcard(r"a\b").problems()[0].contains("backslash"));
        assert!(Matcher::anything_but(6e9).problems()[0].contains("outside"));
    }
}

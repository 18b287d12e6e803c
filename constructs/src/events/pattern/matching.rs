//! Matching events against a pattern locally, with EventBridge's semantics.
//!
//! - every field of a level must match, and one `$or` alternative when there is a `$or`;
//! - a leaf matches when any of its matchers matches any of the event's values there (arrays
//!   in events are flattened: `"resources": ["a", "b"]` matches `["b"]`);
//! - a nested pattern under an array of objects must match within one element (EventBridge's
//!   array-consistent matching);
//! - `exists` only sees leaves: a field holding an object counts as absent;
//! - string operators only match strings, `numeric` only numbers, `cidr` only IP addresses;
//!   `anything-but` matches any present value that is not excluded;
//! - an exact number matches numerically (`5` matches `5.0`); exact strings that are both IP
//!   addresses compare as addresses.

use std::borrow::Cow;
use std::net::IpAddr;

use framework::Value;
use serde_json::Value as J;

use super::cidr::Cidr;
use super::matcher::{AnythingBut, AnythingButKind, Matcher};
use super::object::{PatternField, PatternObject};
use super::resolve::Resolver;
use super::scan::same_bytes;
use super::wildcard;

/// What matching needs of an event: objects by member name, arrays by position, and scalar
/// leaves. Implemented by `serde_json::Value` (the reference, [`super::EventPattern::matches_with`])
/// and by the index's borrowed, pruned parse of an event's text: the one implementation of the
/// semantics below runs on both.
pub(crate) trait EventValue<'a>: Copy {
    /// True for an object.
    fn is_object(self) -> bool;
    /// The items of an array (`None` for anything else).
    fn array_len(self) -> Option<usize>;
    /// Item `i` of an array (`i < array_len`).
    fn item(self, i: usize) -> Self;
    /// An object's member by name (`None` for a missing member or a non-object).
    fn member(self, name: &str) -> Option<Self>;
    /// The scalar this is (`None` for an array or an object).
    fn leaf(self) -> Option<Leaf<'a>>;
}

/// A scalar of an event (numbers as `serde_json::Number::as_f64` gives them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Leaf<'a> {
    Str(&'a str),
    Num(f64),
    Bool(bool),
    Null,
}

impl<'a> EventValue<'a> for &'a J {
    fn is_object(self) -> bool {
        J::is_object(self)
    }
    fn array_len(self) -> Option<usize> {
        self.as_array().map(Vec::len)
    }
    fn item(self, i: usize) -> Self {
        &self.as_array().expect("an array")[i]
    }
    fn member(self, name: &str) -> Option<Self> {
        self.as_object().and_then(|m| m.get(name))
    }
    fn leaf(self) -> Option<Leaf<'a>> {
        Some(match self {
            J::String(s) => Leaf::Str(s),
            // Always `Some` without serde_json's arbitrary precision.
            J::Number(n) => Leaf::Num(n.as_f64()?),
            J::Bool(b) => Leaf::Bool(*b),
            J::Null => Leaf::Null,
            J::Array(_) | J::Object(_) => return None,
        })
    }
}

pub(crate) fn match_object(obj: &PatternObject, event: Option<&J>, r: &Resolver) -> bool {
    match_object_in(obj, event, r)
}

pub(crate) fn match_object_in<'a, E: EventValue<'a>>(obj: &PatternObject, event: Option<E>, r: &Resolver) -> bool {
    match event {
        Some(e) if e.array_len().is_some() => {
            // Array-consistent: one element must match the whole level; with no object in the
            // array, the level is matched against nothing.
            let mut found = false;
            let hit = any_object(e, &mut found, &mut |o| match_level(obj, Some(o), r));
            hit || (!found && match_level::<E>(obj, None, r))
        }
        Some(e) if e.is_object() => match_level(obj, event, r),
        _ => match_level::<E>(obj, None, r),
    }
}

fn match_level<'a, E: EventValue<'a>>(obj: &PatternObject, event: Option<E>, r: &Resolver) -> bool {
    let get = |name: &str| event.and_then(|e| e.member(name));
    let fields_match = obj.fields.iter().all(|(name, field)| match field {
        PatternField::Object(o) => match_object_in(o, get(name), r),
        PatternField::Matchers(ms) => {
            let value = get(name);
            ms.iter().any(|m| match_leaf(m, value, r))
        }
    });
    fields_match && obj.any_of.as_ref().is_none_or(|alts| alts.iter().any(|alt| match_object_in(alt, event, r)))
}

/// Whether `f` holds for one of the objects at a position, through arrays (`found`: whether
/// there was any object).
fn any_object<'a, E: EventValue<'a>>(v: E, found: &mut bool, f: &mut impl FnMut(E) -> bool) -> bool {
    if let Some(n) = v.array_len() {
        (0..n).any(|i| any_object(v.item(i), found, f))
    } else if v.is_object() {
        *found = true;
        f(v)
    } else {
        false
    }
}

/// Whether `f` holds for one of the leaves (scalars) at a position, through arrays: a scalar
/// is its own only leaf, an object has none.
fn any_leaf<'a, E: EventValue<'a>>(v: Option<E>, f: &mut impl FnMut(Leaf<'a>) -> bool) -> bool {
    let Some(v) = v else { return false };
    match v.array_len() {
        Some(n) => (0..n).any(|i| any_leaf(Some(v.item(i)), f)),
        None => v.leaf().is_some_and(f),
    }
}

fn match_leaf<'a, E: EventValue<'a>>(m: &Matcher, value: Option<E>, r: &Resolver) -> bool {
    match m {
        Matcher::Exists(present) => *present == any_leaf(value, &mut |_| true),
        _ => any_leaf(value, &mut |leaf| match_value(m, leaf, r)),
    }
}

/// A pattern value as text: literal strings borrowed, tokens resolved (`None`: not a string, or
/// a token the resolver cannot resolve).
fn text<'v>(v: &'v Value, r: &Resolver) -> Option<Cow<'v, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        _ => match r.resolve(v) {
            Some(J::String(s)) => Some(Cow::Owned(s)),
            _ => None,
        },
    }
}

fn match_value(m: &Matcher, leaf: Leaf<'_>, r: &Resolver) -> bool {
    let leaf_str = match leaf {
        Leaf::Str(s) => Some(s),
        _ => None,
    };
    match m {
        Matcher::Exact(v) => exact(v, leaf, r),
        Matcher::Prefix(v) => both(leaf_str, text(v, r), |s, p| s.starts_with(p)),
        Matcher::PrefixIgnoreCase(v) => both(leaf_str, text(v, r), |s, p| folded(s, p, Affix::Prefix)),
        Matcher::Suffix(v) => both(leaf_str, text(v, r), |s, p| s.ends_with(p)),
        Matcher::SuffixIgnoreCase(v) => both(leaf_str, text(v, r), |s, p| folded(s, p, Affix::Suffix)),
        Matcher::EqualsIgnoreCase(v) => both(leaf_str, text(v, r), |s, p| folded(s, p, Affix::Whole)),
        Matcher::Wildcard(v) => both(leaf_str, text(v, r), |s, p| wildcard::matches(p, s)),
        Matcher::AnythingBut(ab) => anything_but(ab, leaf, r),
        Matcher::Numeric(n) => matches!(leaf, Leaf::Num(x) if n.accepts(x)),
        Matcher::Exists(_) => true,
        Matcher::Cidr(v) => both(leaf_str, text(v, r), |s, block| match (Cidr::parse(block), s.parse::<IpAddr>()) {
            (Ok(c), Ok(ip)) => c.contains(ip),
            _ => false,
        }),
    }
}

/// Which part of a text a case-insensitive operator compares.
#[derive(Clone, Copy)]
enum Affix {
    Prefix,
    Suffix,
    Whole,
}

/// Whether `p` is the prefix, suffix or whole of `s` once both are lowercased (`str::to_lowercase`,
/// Unicode's full mapping); ASCII texts are compared in place, without lowercasing them.
fn folded(s: &str, p: &str, affix: Affix) -> bool {
    if s.is_ascii() && p.is_ascii() {
        // ASCII lowercases byte for byte, so lengths and positions are kept.
        let (s, p) = (s.as_bytes(), p.as_bytes());
        return match affix {
            Affix::Whole => s.eq_ignore_ascii_case(p),
            Affix::Prefix => s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p),
            Affix::Suffix => s.len() >= p.len() && s[s.len() - p.len()..].eq_ignore_ascii_case(p),
        };
    }
    let (s, p) = (s.to_lowercase(), p.to_lowercase());
    match affix {
        Affix::Whole => s == p,
        Affix::Prefix => s.starts_with(&p),
        Affix::Suffix => s.ends_with(&p),
    }
}

fn both(leaf: Option<&str>, want: Option<Cow<'_, str>>, f: impl FnOnce(&str, &str) -> bool) -> bool {
    match (leaf, want) {
        (Some(s), Some(w)) => f(s, &w),
        _ => false,
    }
}

/// An exact pattern value against a leaf: literals without resolving (no allocation), others
/// resolved first.
fn exact(v: &Value, leaf: Leaf<'_>, r: &Resolver) -> bool {
    match v {
        Value::String(s) => same_string(s, leaf),
        _ => r.resolve(v).is_some_and(|want| same_value(&want, leaf)),
    }
}

fn same_string(want: &str, leaf: Leaf<'_>) -> bool {
    match leaf {
        Leaf::Str(b) => {
            same_bytes(want.as_bytes(), b.as_bytes()) || (maybe_ip(want) && maybe_ip(b) && same_ip(want, b))
        }
        _ => false,
    }
}

/// Only such strings can parse as an IP address (a cheap filter before parsing).
fn maybe_ip(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
}

fn same_ip(a: &str, b: &str) -> bool {
    matches!((a.parse::<IpAddr>(), b.parse::<IpAddr>()), (Ok(x), Ok(y)) if x == y)
}

/// Exact equality with EventBridge's number and IP address rules (the leaf is a scalar).
fn same_value(want: &J, leaf: Leaf<'_>) -> bool {
    match (want, leaf) {
        // Equal numbers have equal `f64`s, so comparing those is the whole test.
        (J::Number(a), Leaf::Num(b)) => a.as_f64().is_some_and(|a| a == b),
        (J::String(a), leaf) => same_string(a, leaf),
        (J::Bool(a), Leaf::Bool(b)) => *a == b,
        (J::Null, Leaf::Null) => true,
        _ => false,
    }
}

fn anything_but(ab: &AnythingBut, leaf: Leaf<'_>, r: &Resolver) -> bool {
    let literal = ab.values.iter().all(|v| matches!(v, Value::String(_)));
    let resolved;
    let excluded: &[J] = if literal {
        &[]
    } else {
        match ab.values.iter().map(|v| r.resolve(v)).collect::<Option<Vec<J>>>() {
            Some(v) => {
                resolved = v;
                &resolved
            }
            None => return false,
        }
    };
    // Whether `f` holds for one of the excluded values that are strings (literal ones borrowed).
    let strings = |f: &mut dyn FnMut(&str) -> bool| -> bool {
        if literal {
            ab.values.iter().any(|v| matches!(v, Value::String(s) if f(s)))
        } else {
            excluded.iter().filter_map(J::as_str).any(f)
        }
    };
    let leaf_str = match leaf {
        Leaf::Str(s) => Some(s),
        _ => None,
    };
    let hit = match (ab.kind, leaf_str) {
        (AnythingButKind::Values, _) => {
            if literal {
                strings(&mut |x| same_string(x, leaf))
            } else {
                excluded.iter().any(|x| same_value(x, leaf))
            }
        }
        (_, None) => false,
        (AnythingButKind::Prefix, Some(s)) => strings(&mut |p| s.starts_with(p)),
        (AnythingButKind::Suffix, Some(s)) => strings(&mut |p| s.ends_with(p)),
        (AnythingButKind::EqualsIgnoreCase, Some(s)) => strings(&mut |p| folded(s, p, Affix::Whole)),
        (AnythingButKind::Wildcard, Some(s)) => strings(&mut |p| wildcard::matches(p, s)),
    };
    !hit
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::events::pattern::{EventPattern, Matcher, Numeric, PatternObject, Resolver};
    use framework::{Pseudo, Value};

    fn ec2_event() -> serde_json::Value {
        json!({
            "version": "0",
            "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
            "detail-type": "EC2 Instance State-change Notification",
            "source": "aws.ec2",
            "account": "012345679012",
            "time": "2017-10-02T16:24:49Z",
            "region": "us-east-1",
            "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
            "detail": {
                "c-count": 5, "d-count": 3, "x-limit": 301.8,
                "source-ip": "10.0.0.33", "instance-id": "i-000000aaaaaa00000", "state": "running",
                "flag": true, "nothing": null
            }
        })
    }

    fn detail(name: &str, m: Matcher) -> bool {
        EventPattern::new().detail_field(name, [m]).matches(&ec2_event())
    }

    #[test]
    fn exact_values() {
        let p = EventPattern::new()
            .detail_type(["EC2 Instance State-change Notification"])
            .resources(["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"])
            .detail_field("state", ["initializing", "running"]);
        assert!(p.matches(&ec2_event()));
        assert!(!EventPattern::new().source(["aws.s3"]).matches(&ec2_event()));
        assert!(detail("c-count", Matcher::exact(5)));
        assert!(detail("x-limit", Matcher::exact(301.8)));
        assert!(detail("flag", Matcher::exact(true)));
        assert!(!detail("flag", Matcher::exact("true")));
        assert!(detail("nothing", Matcher::null()));
        assert!(!detail("c-count", Matcher::exact("5")));
    }

    #[test]
    fn string_operators() {
        assert!(EventPattern::new().time([Matcher::prefix("2017-10-02")]).matches(&ec2_event()));
        assert!(EventPattern::new().source([Matcher::prefix_ignore_case("AWS.")]).matches(&ec2_event()));
        assert!(!EventPattern::new().source([Matcher::prefix("AWS.")]).matches(&ec2_event()));
        assert!(EventPattern::new().source([Matcher::suffix("ec2")]).matches(&ec2_event()));
        assert!(EventPattern::new().source([Matcher::suffix_ignore_case("EC2")]).matches(&ec2_event()));
        assert!(EventPattern::new().source([Matcher::equals_ignore_case("AWS.EC2")]).matches(&ec2_event()));
        assert!(detail("instance-id", Matcher::wildcard("i-*0000")));
        assert!(!detail("instance-id", Matcher::wildcard("x-*")));
        assert!(!detail("c-count", Matcher::prefix("5")), "string operators only match strings");
    }

    #[test]
    fn anything_but() {
        assert!(detail("state", Matcher::anything_but("initializing")));
        assert!(!detail("state", Matcher::anything_but_any(["stopped", "running"])));
        assert!(!detail("x-limit", Matcher::anything_but_any([301.8, 5.0])));
        assert!(detail("x-limit", Matcher::anything_but_any([100, 200])));
        assert!(!detail("state", Matcher::anything_but_prefix("run")));
        assert!(detail("state", Matcher::anything_but_prefixes(["init", "stop"])));
        assert!(!detail("instance-id", Matcher::anything_but_suffix("000")));
        assert!(!detail("state", Matcher::anything_but_ignore_case("RUNNING")));
        assert!(!detail("state", Matcher::anything_but_wildcard("r*g")));
        assert!(detail("state", Matcher::anything_but_wildcards(["x*", "y*"])));
        assert!(!detail("missing", Matcher::anything_but("x")), "anything-but needs the field");
    }

    #[test]
    fn numeric_exists_and_cidr() {
        assert!(detail("c-count", Matcher::numeric(Numeric::gt(0).and_le(5))));
        assert!(!detail("c-count", Matcher::numeric(Numeric::gt(0).and_lt(5))));
        assert!(detail("x-limit", Matcher::numeric_eq(3.018e2)));
        assert!(!detail("state", Matcher::numeric(Numeric::ge(0))));
        assert!(detail("c-count", Matcher::exists(true)));
        assert!(!detail("c-count", Matcher::exists(false)));
        assert!(detail("missing", Matcher::exists(false)));
        assert!(detail("nothing", Matcher::exists(true)), "a null value is present");
        assert!(detail("source-ip", Matcher::cidr("10.0.0.0/24")));
        assert!(!detail("source-ip", Matcher::cidr("10.0.1.0/24")));
        assert!(!detail("state", Matcher::cidr("10.0.0.0/8")));
        let v6 = json!({"detail": {"ip": "2001:db8::1"}});
        assert!(EventPattern::new().detail_field("ip", [Matcher::cidr("2001:db8::/32")]).matches(&v6));
        assert!(EventPattern::new().detail_field("ip", ["2001:0db8:0:0:0:0:0:1"]).matches(&v6));
    }

    #[test]
    fn exists_only_sees_leaves() {
        let e = json!({"detail": {"c-count": {"c1": 100}}});
        assert!(EventPattern::new().detail_field("c-count", [Matcher::exists(false)]).matches(&e));
        assert!(!EventPattern::new().detail_field("c-count", [Matcher::exists(true)]).matches(&e));
        let empty = json!({"detail": {"list": []}});
        assert!(EventPattern::new().detail_field("list", [Matcher::exists(false)]).matches(&empty));
    }

    #[test]
    fn arrays() {
        let e = json!({"employees": [
            {"firstName": "John", "lastName": "Doe"},
            {"firstName": "Anna", "lastName": "Smith"},
            {"firstName": "Peter", "lastName": "Jones"}
        ]});
        assert!(EventPattern::new().field(["employees", "firstName"], ["Anna"]).matches(&e));
        let inconsistent =
            EventPattern::new().field(["employees", "firstName"], ["Anna"]).field(["employees", "lastName"], ["Jones"]);
        assert!(!inconsistent.matches(&e), "fields in different array elements do not match together");
        let nested = json!({"employees": [[{"firstName": "Anna"}], [{"firstName": "Peter"}]]});
        assert!(EventPattern::new().field(["employees", "firstName"], ["Peter"]).matches(&nested));
        let tags = json!({"tags": ["a", ["b", "c"]]});
        assert!(EventPattern::new().field("tags", ["c"]).matches(&tags));
    }

    #[test]
    fn or_alternatives() {
        let p = EventPattern::new().source(["aws.ec2"]).detail_any_of([
            PatternObject::new().field("c-count", [Matcher::numeric(Numeric::gt(10))]),
            PatternObject::new().field("state", ["running"]),
        ]);
        assert!(p.matches(&ec2_event()));
        let p = EventPattern::new().any_of([
            PatternObject::new().field("source", ["aws.s3"]),
            PatternObject::new().field(["detail", "state"], ["stopped"]),
        ]);
        assert!(!p.matches(&ec2_event()));
    }

    #[test]
    fn tokens_resolve_through_the_resolver() {
        let p = EventPattern::new().account([Value::Pseudo(Pseudo::AccountId)]).source(["demo.sfn"]);
        let e = json!({"account": "111122223333", "source": "demo.sfn"});
        assert!(p.matches_with(&e, &Resolver::new("111122223333", "us-east-1")));
        assert!(!p.matches_with(&e, &Resolver::new("999999999999", "us-east-1")));
        assert!(!p.matches(&e));
    }
}

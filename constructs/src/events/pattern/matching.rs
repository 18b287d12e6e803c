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

use std::net::IpAddr;

use serde_json::Value as J;

use super::cidr::Cidr;
use super::matcher::{AnythingBut, AnythingButKind, Matcher};
use super::object::{PatternField, PatternObject};
use super::resolve::Resolver;
use super::wildcard;

pub(crate) fn match_object(obj: &PatternObject, event: Option<&J>, r: &Resolver) -> bool {
    match event {
        Some(J::Array(_)) => {
            let mut objects = Vec::new();
            flatten(event, &mut objects, true);
            if objects.is_empty() {
                match_level(obj, None, r)
            } else {
                objects.into_iter().any(|o| match_level(obj, Some(o), r))
            }
        }
        Some(J::Object(_)) => match_level(obj, event, r),
        _ => match_level(obj, None, r),
    }
}

fn match_level(obj: &PatternObject, event: Option<&J>, r: &Resolver) -> bool {
    let get = |name: &str| event.and_then(|e| e.get(name));
    let fields_match = obj.fields.iter().all(|(name, field)| match field {
        PatternField::Object(o) => match_object(o, get(name), r),
        PatternField::Matchers(ms) => {
            let mut leaves = Vec::new();
            flatten(get(name), &mut leaves, false);
            ms.iter().any(|m| match_leaf(m, &leaves, r))
        }
    });
    fields_match && obj.any_of.as_ref().is_none_or(|alts| alts.iter().any(|alt| match_object(alt, event, r)))
}

/// Collects the leaves (scalars) or, with `objects`, the objects at a position, through arrays.
fn flatten<'a>(value: Option<&'a J>, out: &mut Vec<&'a J>, objects: bool) {
    match value {
        None => {}
        Some(J::Array(items)) => items.iter().for_each(|i| flatten(Some(i), out, objects)),
        Some(v @ J::Object(_)) if objects => out.push(v),
        Some(J::Object(_)) => {}
        Some(_) if objects => {}
        Some(v) => out.push(v),
    }
}

fn match_leaf(m: &Matcher, leaves: &[&J], r: &Resolver) -> bool {
    match m {
        Matcher::Exists(present) => *present != leaves.is_empty(),
        _ => leaves.iter().any(|leaf| match_value(m, leaf, r)),
    }
}

fn match_value(m: &Matcher, leaf: &J, r: &Resolver) -> bool {
    let text = |v: &framework::Value| match r.resolve(v) {
        Some(J::String(s)) => Some(s),
        _ => None,
    };
    let leaf_str = leaf.as_str();
    match m {
        Matcher::Exact(v) => r.resolve(v).is_some_and(|want| same_value(&want, leaf)),
        Matcher::Prefix(v) => both(leaf_str, text(v), |s, p| s.starts_with(p.as_str())),
        Matcher::PrefixIgnoreCase(v) => both(leaf_str, text(v), |s, p| s.to_lowercase().starts_with(&p.to_lowercase())),
        Matcher::Suffix(v) => both(leaf_str, text(v), |s, p| s.ends_with(p.as_str())),
        Matcher::SuffixIgnoreCase(v) => both(leaf_str, text(v), |s, p| s.to_lowercase().ends_with(&p.to_lowercase())),
        Matcher::EqualsIgnoreCase(v) => both(leaf_str, text(v), |s, p| s.to_lowercase() == p.to_lowercase()),
        Matcher::Wildcard(v) => both(leaf_str, text(v), |s, p| wildcard::matches(&p, s)),
        Matcher::AnythingBut(ab) => anything_but(ab, leaf, r),
        Matcher::Numeric(n) => leaf.as_f64().is_some_and(|x| leaf.is_number() && n.accepts(x)),
        Matcher::Exists(_) => true,
        Matcher::Cidr(v) => both(leaf_str, text(v), |s, block| match (Cidr::parse(&block), s.parse::<IpAddr>()) {
            (Ok(c), Ok(ip)) => c.contains(ip),
            _ => false,
        }),
    }
}

fn both(leaf: Option<&str>, want: Option<String>, f: impl FnOnce(&str, String) -> bool) -> bool {
    match (leaf, want) {
        (Some(s), Some(w)) => f(s, w),
        _ => false,
    }
}

/// Exact equality with EventBridge's number and IP address rules.
fn same_value(want: &J, leaf: &J) -> bool {
    match (want, leaf) {
        (J::Number(a), J::Number(b)) => a == b || a.as_f64().zip(b.as_f64()).is_some_and(|(a, b)| a == b),
        (J::String(a), J::String(b)) => {
            a == b || matches!((a.parse::<IpAddr>(), b.parse::<IpAddr>()), (Ok(x), Ok(y)) if x == y)
        }
        (a, b) => a == b,
    }
}

fn anything_but(ab: &AnythingBut, leaf: &J, r: &Resolver) -> bool {
    let Some(excluded) = ab.values.iter().map(|v| r.resolve(v)).collect::<Option<Vec<J>>>() else {
        return false;
    };
    let strings = || excluded.iter().filter_map(J::as_str);
    let hit = match (ab.kind, leaf.as_str()) {
        (AnythingButKind::Values, _) => excluded.iter().any(|x| same_value(x, leaf)),
        (_, None) => false,
        (AnythingButKind::Prefix, Some(s)) => strings().any(|p| s.starts_with(p)),
        (AnythingButKind::Suffix, Some(s)) => strings().any(|p| s.ends_with(p)),
        (AnythingButKind::EqualsIgnoreCase, Some(s)) => strings().any(|p| p.to_lowercase() == s.to_lowercase()),
        (AnythingButKind::Wildcard, Some(s)) => strings().any(|p| wildcard::matches(p, s)),
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

//! The matching engine: tests a JSON value against a [`Matcher`], collecting every difference
//! with its path, plus the values captured along the way.

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::capture::Capture;
use super::matcher::{Kind, Matcher};
use super::render;
use super::serialized;

/// One step of a path into the tested value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
    /// Into the parsed value of a string of JSON text.
    Parsed,
}

/// A difference between the pattern and the value, at a path.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub path: Vec<Seg>,
    pub message: String,
    /// Explains other failures; does not by itself make the match fail.
    pub note: bool,
}

impl Failure {
    /// `at /Properties/Path: expected "/", got "/service/"`.
    pub fn render(&self) -> String {
        format!("at {}: {}", render_path(&self.path), self.message)
    }
}

/// A JSON-pointer-like rendering: `/Properties/Statement/0/Action`; inside serialized JSON the
/// path goes on after `#`: `/Properties/DefinitionString#/States/A/Type`.
pub(crate) fn render_path(path: &[Seg]) -> String {
    if path.is_empty() {
        return "the top level".into();
    }
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                out.push('/');
                out.push_str(&k.replace('~', "~0").replace('/', "~1"));
            }
            Seg::Index(i) => {
                let _ = write!(out, "/{i}");
            }
            Seg::Parsed => out.push('#'),
        }
    }
    out
}

/// What testing one value produced.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub failures: Vec<Failure>,
    captures: Vec<(Capture, Json)>,
}

impl Outcome {
    /// Number of real differences (notes excluded); lower is closer.
    pub fn cost(&self) -> usize {
        self.failures.iter().filter(|f| !f.note).count()
    }

    /// True when the value matches.
    pub fn is_match(&self) -> bool {
        self.cost() == 0
    }

    /// Hands the captured values to their captures, when the value matched as a whole.
    pub fn commit_captures(&self) {
        if self.is_match() {
            for (capture, value) in &self.captures {
                capture.record(value.clone());
            }
        }
    }

    fn absorb(&mut self, other: Outcome) {
        self.failures.extend(other.failures);
        self.captures.extend(other.captures);
    }
}

/// Tests `actual` against `matcher` as the top of an assertion (literal objects match
/// object-like), reporting paths below `base`.
pub(crate) fn test(matcher: &Matcher, actual: &Json, base: Vec<Seg>) -> Outcome {
    let mut cx = Cx { path: base, out: Outcome::default() };
    cx.run(matcher, actual, true);
    cx.out
}

struct Cx {
    path: Vec<Seg>,
    out: Outcome,
}

impl Cx {
    fn fail(&mut self, message: impl Into<String>) {
        self.out.failures.push(Failure { path: self.path.clone(), message: message.into(), note: false });
    }

    fn note(&mut self, message: impl Into<String>) {
        self.out.failures.push(Failure { path: self.path.clone(), message: message.into(), note: true });
    }

    fn fail_at(&mut self, seg: Seg, message: impl Into<String>) {
        self.path.push(seg);
        self.fail(message);
        self.path.pop();
    }

    fn run_at(&mut self, seg: Seg, m: &Matcher, actual: &Json, partial: bool) {
        self.path.push(seg);
        self.run(m, actual, partial);
        self.path.pop();
    }

    /// Tests in a separate outcome (for trying alternatives), at `seg` below the current path.
    fn trial(&self, seg: Seg, m: &Matcher, actual: &Json, partial: bool) -> Outcome {
        let mut path = self.path.clone();
        path.push(seg);
        let mut cx = Cx { path, out: Outcome::default() };
        cx.run(m, actual, partial);
        cx.out
    }

    /// `partial`: whether literal objects here match object-like (true) or exactly (false).
    fn run(&mut self, m: &Matcher, actual: &Json, partial: bool) {
        match &m.kind {
            Kind::Scalar(expected) => self.scalar(expected, actual),
            Kind::Object(entries) => self.object(m, entries, actual, partial, partial),
            Kind::ObjectLike(entries) => self.object(m, entries, actual, true, true),
            Kind::ObjectEquals(entries) => self.object(m, entries, actual, false, false),
            Kind::Array(items) => self.full_array(items, actual, partial),
            Kind::ArrayEquals(items) => self.full_array(items, actual, false),
            Kind::ArrayWith(items) => self.array_with(items, actual),
            Kind::Exact(inner) => self.run(inner, actual, false),
            Kind::Absent => self.fail(format!("expected absent, got {}", render::value(actual))),
            Kind::AnyValue => {
                if actual.is_null() {
                    self.fail("expected any value, got null");
                }
            }
            Kind::Not(inner) => {
                let trial = {
                    let mut cx = Cx { path: self.path.clone(), out: Outcome::default() };
                    cx.run(inner, actual, false);
                    cx.out
                };
                if trial.is_match() {
                    self.fail(format!("expected anything but {}, got {}", describe(inner), render::value(actual)));
                }
            }
            Kind::SerializedJson(inner) => self.serialized_json(inner, actual),
            Kind::Regex(re) => match actual.as_str() {
                Some(s) if re.is_match(s) => {}
                Some(s) => self.fail(format!(
                    "expected a string matching /{}/, got {}",
                    re.as_str(),
                    render::value(&Json::from(s))
                )),
                None => self.fail(format!(
                    "expected a string matching /{}/, got {}",
                    re.as_str(),
                    render::value_with_kind(actual)
                )),
            },
            Kind::Capture(capture) => {
                if actual.is_null() {
                    self.fail("cannot capture null");
                    return;
                }
                if let Some(pattern) = capture.pattern() {
                    let before = self.out.cost();
                    self.run(pattern, actual, true);
                    if self.out.cost() > before {
                        return;
                    }
                }
                self.out.captures.push((capture.clone(), actual.clone()));
            }
            Kind::Predicate(description, predicate) => {
                if !predicate(actual) {
                    self.fail(format!("expected {description}, got {}", render::value(actual)));
                }
            }
            Kind::Invalid(message) => self.fail(message.clone()),
        }
    }

    fn scalar(&mut self, expected: &Json, actual: &Json) {
        if scalars_equal(expected, actual) {
            return;
        }
        let same_kind = std::mem::discriminant(expected) == std::mem::discriminant(actual);
        if same_kind {
            self.fail(format!("expected {}, got {}", render::value(expected), render::value(actual)));
        } else {
            self.fail(format!(
                "expected {} ({}), got {}",
                render::value(expected),
                render::kind(expected),
                render::value_with_kind(actual)
            ));
        }
    }

    fn object(
        &mut self,
        m: &Matcher,
        entries: &[(String, Matcher)],
        actual: &Json,
        allow_extra: bool,
        child_partial: bool,
    ) {
        let Some(obj) = actual.as_object() else {
            self.fail(format!("expected an object matching {}, got {}", describe(m), render::value_with_kind(actual)));
            return;
        };
        for (key, pattern) in entries {
            match obj.get(key) {
                None if pattern.is_absent() => {}
                None => self.fail_at(Seg::Key(key.clone()), format!("missing; expected {}", describe(pattern))),
                Some(value) => self.run_at(Seg::Key(key.clone()), pattern, value, child_partial),
            }
        }
        if !allow_extra {
            for (key, value) in obj {
                if !entries.iter().any(|(k, _)| k == key) {
                    self.fail_at(
                        Seg::Key(key.clone()),
                        format!("unexpected key (exact match) holding {}", render::value(value)),
                    );
                }
            }
        }
    }

    fn full_array(&mut self, items: &[Matcher], actual: &Json, child_partial: bool) {
        let Some(arr) = actual.as_array() else {
            self.fail(format!(
                "expected an array of {}, got {}",
                render::count(items.len(), "element"),
                render::value_with_kind(actual)
            ));
            return;
        };
        for (i, (pattern, value)) in items.iter().zip(arr).enumerate() {
            self.run_at(Seg::Index(i), pattern, value, child_partial);
        }
        if items.len() > arr.len() {
            let missing: Vec<String> = items[arr.len()..].iter().map(describe).collect();
            self.fail(format!(
                "expected {}, got {}; missing: {}",
                render::count(items.len(), "element"),
                arr.len(),
                render::truncate(&missing.join(", "), render::MAX_VALUE_CHARS)
            ));
        } else if arr.len() > items.len() {
            self.fail(format!(
                "expected {}, got {}; extra: {}",
                render::count(items.len(), "element"),
                arr.len(),
                render::value(&Json::Array(arr[items.len()..].to_vec()))
            ));
        }
    }

    fn array_with(&mut self, items: &[Matcher], actual: &Json) {
        if let Some(bad) = items.iter().find(|m| matches!(m.kind, Kind::Absent | Kind::AnyValue)) {
            self.fail(format!("Match::{} cannot be used inside Match::array_with", describe(bad)));
            return;
        }
        let Some(arr) = actual.as_array() else {
            self.fail(format!("expected an array (array_with), got {}", render::value_with_kind(actual)));
            return;
        };
        // Greedy: each pattern takes the first element after the previous match. This finds a
        // subsequence whenever one exists, since patterns are tested independently.
        let mut matched: Vec<(usize, Outcome)> = Vec::with_capacity(items.len());
        let mut attempts: Vec<(usize, Outcome)> = Vec::new();
        let mut next = 0;
        for (i, value) in arr.iter().enumerate() {
            let Some(pattern) = items.get(next) else { break };
            let trial = self.trial(Seg::Index(i), pattern, value, false);
            if trial.is_match() {
                matched.push((i, trial));
                attempts.clear();
                next += 1;
            } else {
                attempts.push((i, trial));
            }
        }
        if next == items.len() {
            for (_, outcome) in matched {
                self.out.absorb(outcome);
            }
            return;
        }
        let mut headline = format!("no element matches array_with pattern #{next} {}", describe(&items[next]));
        if let Some((at, _)) = matched.last() {
            let _ = write!(headline, " after pattern #{} matched element {at}", next - 1);
        }
        attempts.sort_by_key(|(i, o)| (o.cost(), *i));
        match attempts.into_iter().next() {
            Some((i, closest)) => {
                let exact_object_only =
                    closest.failures.iter().filter(|f| !f.note).all(|f| f.message.starts_with("unexpected key"));
                let _ = write!(headline, "; closest is element {i}:");
                self.note(headline);
                self.out.absorb(closest);
                if exact_object_only {
                    self.note(
                        "array_with matches literal objects exactly; use Match::object_like(..) for the element to match partially",
                    );
                }
            }
            None if arr.is_empty() => self.fail(format!("{headline}: the array is empty")),
            None => self.fail(format!("{headline}: no elements left to try")),
        }
    }

    fn serialized_json(&mut self, inner: &Matcher, actual: &Json) {
        match serialized::parse(actual) {
            Err(message) => self.fail(message),
            Ok(parsed) => {
                let before = self.out.cost();
                self.run_at(Seg::Parsed, inner, &parsed.value, false);
                if self.out.cost() > before {
                    if let Some(note) = parsed.note {
                        self.note(note);
                    }
                }
            }
        }
    }
}

fn describe(m: &Matcher) -> String {
    render::truncate(&m.describe(), render::MAX_VALUE_CHARS)
}

/// Equal JSON scalars; numbers compare by value (`1` equals `1.0`).
fn scalars_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64()),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests;

//! Typed EventBridge event patterns: building, validating, importing and matching.
//!
//! ```
//! use constructs::events::{EventPattern, Matcher, Numeric};
//! use framework::{Pseudo, Value};
//!
//! let pattern = EventPattern::new()
//!     .source(["demo.sfn"])
//!     .account([Value::Pseudo(Pseudo::AccountId)])
//!     .detail_field("Path", [Matcher::prefix("A")])
//!     .detail_field("count", [Matcher::numeric(Numeric::gt(0).and_le(5))]);
//! assert!(pattern.problems().is_empty());
//!
//! // Import an existing pattern: same model, same validation.
//! let imported = EventPattern::from_json_str(r#"{"source": ["demo.sfn"], "detail": {"Path": [{"prefix": ""}]}}"#);
//! let err = imported.unwrap_err().to_string();
//! assert!(err.contains("detail.Path[0]: prefix value must not be empty"), "{err}");
//! ```

mod cidr;
mod fxhash;
mod import;
mod index;
mod matcher;
mod matching;
mod names;
mod numeric;
mod object;
mod resolve;
mod scan;
mod wildcard;

use std::str::FromStr;

use framework::Value;

pub use crate::num::Num;
pub use index::RuleIndex;
pub use matcher::{AnythingBut, AnythingButKind, Matcher};
pub use numeric::{CmpOp, Numeric, NUMERIC_LIMIT, NUMERIC_MAX_DECIMALS};
pub use object::{FieldPath, PatternField, PatternObject, RESERVED_IN_OR};
pub use resolve::Resolver;

pub(crate) use resolve::value_to_json;

/// EventBridge's default quota on the size of an event pattern, in characters (adjustable
/// through a service quota increase).
pub const DEFAULT_MAX_PATTERN_SIZE: usize = 2048;

/// Why a pattern could not be imported or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    /// The text is not JSON.
    #[error("the event pattern is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The pattern has problems (every one, each naming its field path).
    #[error("invalid event pattern:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
}

impl PatternError {
    /// The problems (a single one for a JSON syntax error).
    pub fn problems(&self) -> Vec<String> {
        match self {
            PatternError::Json(e) => vec![format!("the event pattern is not valid JSON: {e}")],
            PatternError::Invalid(p) => p.clone(),
        }
    }
}

/// An EventBridge event pattern (CloudFormation's `EventPattern`).
///
/// Top-level fields have typed setters (`source`, `detail_type`, `account`, `region`,
/// `resources`, `id`, `time`, `version`); `detail` fields go through [`EventPattern::detail_field`]
/// and [`EventPattern::detail_path`]; any other path through [`EventPattern::field`]. Each setter
/// takes the field's matchers: strings and other values convert to exact matches, [`Matcher`]
/// builds the operators. Values may be tokens, e.g. `Pseudo::AccountId`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventPattern {
    root: PatternObject,
}

macro_rules! top_level_fields {
    ($($(#[$doc:meta])* $method:ident => $name:literal),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $method<M: Into<Matcher>>(self, matchers: impl IntoIterator<Item = M>) -> Self {
            self.field($name, matchers)
        }
    )*};
}

impl EventPattern {
    /// An empty pattern (invalid until a field is set).
    pub fn new() -> EventPattern {
        EventPattern::default()
    }

    /// A pattern from a built [`PatternObject`].
    pub fn from_object(root: PatternObject) -> EventPattern {
        EventPattern { root }
    }

    top_level_fields! {
        /// `source` matchers.
        source => "source",
        /// `detail-type` matchers.
        detail_type => "detail-type",
        /// `account` matchers.
        account => "account",
        /// `region` matchers.
        region => "region",
        /// `resources` matchers (matches when any resource of the event matches).
        resources => "resources",
        /// `id` matchers.
        id => "id",
        /// `time` matchers.
        time => "time",
        /// `version` matchers.
        version => "version",
    }

    /// Matchers of any field, by path (`"source"` or `["detail", "a", "b"]`).
    pub fn field<M: Into<Matcher>>(mut self, path: impl FieldPath, matchers: impl IntoIterator<Item = M>) -> Self {
        self.root = self.root.field(path, matchers);
        self
    }

    /// Matchers of `detail.<name>`.
    pub fn detail_field<M: Into<Matcher>>(self, name: &str, matchers: impl IntoIterator<Item = M>) -> Self {
        self.field(["detail", name], matchers)
    }

    /// Matchers of a field nested in `detail` at any depth: `detail_path(["a", "b"], ..)` sets
    /// `detail.a.b`.
    pub fn detail_path<M: Into<Matcher>>(self, path: impl FieldPath, matchers: impl IntoIterator<Item = M>) -> Self {
        let mut names = vec!["detail".to_string()];
        names.extend(path.names());
        self.field(names, matchers)
    }

    /// `$or` at the top level: one of the alternatives must match.
    pub fn any_of(mut self, alternatives: impl IntoIterator<Item = PatternObject>) -> Self {
        self.root = self.root.any_of(alternatives);
        self
    }

    /// `$or` inside `detail`.
    pub fn detail_any_of(self, alternatives: impl IntoIterator<Item = PatternObject>) -> Self {
        self.any_of_at(["detail"], alternatives)
    }

    /// `$or` inside the object at `path`.
    pub fn any_of_at(mut self, path: impl FieldPath, alternatives: impl IntoIterator<Item = PatternObject>) -> Self {
        let obj = self.root.object_at_mut(&path.names());
        obj.any_of = Some(alternatives.into_iter().collect());
        self
    }

    /// The top level of the pattern.
    pub fn root(&self) -> &PatternObject {
        &self.root
    }

    /// The pattern as a template value: a JSON object, tokens kept as intrinsics.
    pub fn to_value(&self) -> Value {
        self.root.to_value()
    }

    /// The pattern as JSON, when it has no tokens.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        self.root.to_json()
    }

    /// Every problem, each starting with its field path, including the default size quota.
    pub fn problems(&self) -> Vec<String> {
        self.problems_with_max_size(DEFAULT_MAX_PATTERN_SIZE)
    }

    /// Every problem, with a size quota of `max_size` characters (for raised quotas).
    pub fn problems_with_max_size(&self, max_size: usize) -> Vec<String> {
        let mut out = Vec::new();
        self.root.collect_problems("", false, &mut out);
        let size = self.size();
        if size > max_size {
            out.push(format!(
                "the event pattern is {size} characters long; EventBridge's quota is {max_size} \
                 (default 2048, adjustable)"
            ));
        }
        out
    }

    /// `Ok` when valid, else every problem.
    pub fn validate(&self) -> Result<(), PatternError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PatternError::Invalid(problems))
        }
    }

    /// Length of the pattern's compact JSON text. Tokens count as what they resolve to with a
    /// 12-digit account and a region like `us-east-1`, or as empty when unknown (a lower bound).
    pub fn size(&self) -> usize {
        let estimate = Resolver::new("123456789012", "us-east-1");
        let json = estimate.resolve(&self.to_value()).unwrap_or_else(|| self.json_with_empty_tokens(&estimate));
        serde_json::to_string(&json).map(|s| s.chars().count()).unwrap_or(0)
    }

    fn json_with_empty_tokens(&self, r: &Resolver) -> serde_json::Value {
        fn walk(v: &Value, r: &Resolver) -> serde_json::Value {
            match v {
                Value::List(items) => serde_json::Value::Array(items.iter().map(|i| walk(i, r)).collect()),
                Value::Map(map) => {
                    serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), walk(v, r))).collect())
                }
                other => r.resolve(other).unwrap_or(serde_json::Value::String(String::new())),
            }
        }
        walk(&self.to_value(), r)
    }

    /// Imports a JSON pattern, with the same validation as a built one; the error lists every
    /// problem with its field path.
    pub fn from_json(json: &serde_json::Value) -> Result<EventPattern, PatternError> {
        let mut problems = Vec::new();
        let root = import::parse_root(json, &mut problems);
        let pattern = EventPattern { root };
        // Problems with what could be read; "empty" ones caused by parts that could not be read
        // (already reported) are left out.
        let structural = problems.clone();
        problems.extend(pattern.problems().into_iter().filter(|p| !caused_by(p, &structural)));
        if problems.is_empty() {
            Ok(pattern)
        } else {
            Err(PatternError::Invalid(problems))
        }
    }

    /// Imports a pattern from JSON text.
    pub fn from_json_str(text: &str) -> Result<EventPattern, PatternError> {
        let json: serde_json::Value = serde_json::from_str(text)?;
        EventPattern::from_json(&json)
    }

    /// Does `event` match? Tokens in the pattern never match (see [`EventPattern::matches_with`]).
    pub fn matches(&self, event: &serde_json::Value) -> bool {
        self.matches_with(event, &Resolver::none())
    }

    /// Does `event` match, with tokens resolved by `resolver`?
    pub fn matches_with(&self, event: &serde_json::Value, resolver: &Resolver) -> bool {
        event.is_object() && matching::match_object(&self.root, Some(event), resolver)
    }
}

/// True when `p` reports an empty object, pattern or matcher list at a path where import
/// already reported something that it dropped.
fn caused_by(p: &str, structural: &[String]) -> bool {
    let (path, message) = match p.split_once(": ") {
        Some((path, message)) if !path.starts_with("the event pattern") => (path, message),
        _ => ("", p),
    };
    let derived = message.starts_with("the event pattern is empty")
        || message.starts_with("empty objects are not allowed")
        || message.starts_with("the list of matchers must not be empty")
        || message.starts_with("needs at least 2 alternatives");
    derived && structural.iter().any(|s| path.is_empty() || s.starts_with(path))
}

impl FromStr for EventPattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<EventPattern, PatternError> {
        EventPattern::from_json_str(s)
    }
}

#[cfg(test)]
mod tests;

//! `Capture`: a matcher that records the values it matched, for assertions on them afterwards.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value as Json};

use super::error::AssertionError;
use super::matcher::Matcher;
use super::render;

/// Records the values it matched, so a test can inspect them after the assertion.
///
/// Place it (a clone, or `&capture`) where a matcher is expected. Values are recorded only for
/// template entries that matched as a whole; when several entries match, every value is kept in
/// template order and [`Capture::next`] moves through them, as in AWS CDK.
///
/// ```
/// use framework::assertions::{Capture, Template};
/// use framework::pattern;
/// use serde_json::json;
///
/// let template = Template::from_json(json!({"Resources": {
///     "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}}
/// }}));
/// let name = Capture::new();
/// template.has_resource_properties("AWS::SNS::Topic", pattern!({"TopicName": &name}));
/// assert_eq!(name.as_string(), "alerts");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Capture {
    inner: Arc<Mutex<State>>,
    pattern: Option<Box<Matcher>>,
}

#[derive(Debug, Default)]
struct State {
    values: Vec<Json>,
    cursor: usize,
}

impl Capture {
    /// A capture of any non-null value.
    pub fn new() -> Capture {
        Capture::default()
    }

    /// A capture of values that also match `pattern` (a JSON literal is matched object-like).
    pub fn matching(pattern: impl Into<Matcher>) -> Capture {
        Capture { inner: Arc::default(), pattern: Some(Box::new(pattern.into())) }
    }

    pub(crate) fn pattern(&self) -> Option<&Matcher> {
        self.pattern.as_deref()
    }

    pub(crate) fn record(&self, value: Json) {
        self.state().values.push(value);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state inconsistent; keep going.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every value captured so far, in template order.
    pub fn values(&self) -> Vec<Json> {
        self.state().values.clone()
    }

    /// Number of values captured.
    pub fn len(&self) -> usize {
        self.state().values.len()
    }

    /// True when nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.state().values.is_empty()
    }

    /// Moves to the next captured value; false (and no move) when at the last one.
    pub fn next(&self) -> bool {
        let mut state = self.state();
        if state.cursor + 1 < state.values.len() {
            state.cursor += 1;
            true
        } else {
            false
        }
    }

    /// The current captured value.
    pub fn try_value(&self) -> Result<Json, AssertionError> {
        let state = self.state();
        state
            .values
            .get(state.cursor)
            .cloned()
            .ok_or_else(|| AssertionError::new("no value captured: the capture was not part of a successful match"))
    }

    fn typed<T>(&self, expected: &str, pick: impl FnOnce(Json) -> Result<T, Json>) -> Result<T, AssertionError> {
        pick(self.try_value()?).map_err(|other| {
            AssertionError::new(format!(
                "captured value is expected to be {expected} but is {}",
                render::value_with_kind(&other)
            ))
        })
    }

    /// The current value as a string.
    pub fn try_as_string(&self) -> Result<String, AssertionError> {
        self.typed("a string", |v| match v {
            Json::String(s) => Ok(s),
            other => Err(other),
        })
    }

    /// The current value as a number.
    pub fn try_as_number(&self) -> Result<f64, AssertionError> {
        self.typed("a number", |v| v.as_f64().ok_or(v))
    }

    /// The current value as a boolean.
    pub fn try_as_bool(&self) -> Result<bool, AssertionError> {
        self.typed("a boolean", |v| v.as_bool().ok_or(v))
    }

    /// The current value as an array.
    pub fn try_as_array(&self) -> Result<Vec<Json>, AssertionError> {
        self.typed("an array", |v| match v {
            Json::Array(a) => Ok(a),
            other => Err(other),
        })
    }

    /// The current value as an object.
    pub fn try_as_object(&self) -> Result<Map<String, Json>, AssertionError> {
        self.typed("an object", |v| match v {
            Json::Object(o) => Ok(o),
            other => Err(other),
        })
    }

    /// The current value. Panics when nothing was captured.
    #[track_caller]
    pub fn value(&self) -> Json {
        self.try_value().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The current value as a string. Panics when nothing was captured or it is not a string.
    #[track_caller]
    pub fn as_string(&self) -> String {
        self.try_as_string().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The current value as a number. Panics when nothing was captured or it is not a number.
    #[track_caller]
    pub fn as_number(&self) -> f64 {
        self.try_as_number().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The current value as a boolean. Panics when nothing was captured or it is not a boolean.
    #[track_caller]
    pub fn as_bool(&self) -> bool {
        self.try_as_bool().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The current value as an array. Panics when nothing was captured or it is not an array.
    #[track_caller]
    pub fn as_array(&self) -> Vec<Json> {
        self.try_as_array().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The current value as an object. Panics when nothing was captured or it is not an object.
    #[track_caller]
    pub fn as_object(&self) -> Map<String, Json> {
        self.try_as_object().unwrap_or_else(|e| panic!("{e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_accessors_check_the_type() {
        let c = Capture::new();
        assert!(c.is_empty());
        let err = c.try_as_string().unwrap_err();
        assert!(err.message().contains("no value captured"), "{err}");
        c.record(json!("a"));
        c.record(json!(3));
        c.record(json!({"k": [true]}));
        assert_eq!(c.len(), 3);
        assert_eq!(c.as_string(), "a");
        let err = c.try_as_number().unwrap_err();
        assert_eq!(err.message(), r#"captured value is expected to be a number but is "a" (a string)"#);
        assert!(c.next());
        assert_eq!(c.as_number(), 3.0);
        assert!(c.next());
        assert_eq!(c.as_object()["k"], json!([true]));
        assert!(c.try_as_array().is_err());
        assert!(!c.next(), "no value after the last one");
        assert_eq!(c.value(), json!({"k": [true]}));
        assert_eq!(c.values().len(), 3);
    }

    #[test]
    fn clones_share_the_values() {
        let c = Capture::new();
        let d = c.clone();
        d.record(json!([1, 2]));
        assert_eq!(c.as_array(), vec![json!(1), json!(2)]);
        assert!(Capture::new().is_empty(), "a new capture shares nothing");
    }

    #[test]
    #[should_panic(expected = "captured value is expected to be a boolean")]
    fn panicking_accessor_explains() {
        let c = Capture::new();
        c.record(json!("true"));
        c.as_bool();
    }
}

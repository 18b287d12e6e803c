//! Payload templates (`Parameters`, `ItemSelector`, `ResultSelector`) and the context object
//! (`$$`) they may read.
//!
//! The specification ("Payload Templates"): a field whose name ends in `.$` has a Path (or, for
//! `$$.`, a path into the context object) or an intrinsic function call as its value, and is
//! replaced by a field without the suffix holding what that selects; every other field is copied,
//! and objects nested in objects and arrays are processed the same way. The context object is
//! built only when a template reads it, so a state that does not pay nothing for it.

use std::cell::OnceCell;

use serde_json::{Map, Value};

use super::clock::Time;
use super::error::StatesError;
use super::intrinsics;
use super::jsonpath::{select_for, Purpose};

/// What the context object of one state holds (the developer guide's "Accessing execution data
/// from the Context object"); [`Context::to_json`] writes it.
#[derive(Debug, Clone)]
pub(crate) struct Context<'a> {
    /// `Execution` (`Id`, `Input`, `Name`, `RoleArn`, `StartTime`, `RedriveCount`) and
    /// `StateMachine` (`Id`, `Name`), the same for every state of the run.
    pub run: &'a Value,
    /// `State.Name`.
    pub state: &'a str,
    /// `State.EnteredTime`.
    pub entered: Time,
    /// `State.RetryCount`.
    pub retry_count: u32,
    /// `Map.Item.Index` and `Map.Item.Value` (in a Map state's `ItemSelector` only).
    pub item: Option<(usize, &'a Value)>,
    /// `Task.Token` (a `.waitForTaskToken` Task only).
    pub token: Option<&'a str>,
}

impl<'a> Context<'a> {
    /// The context of the state `state` of the run `run`, entered at `entered` and retried
    /// `retry_count` times (no Map item, no task token).
    pub(crate) fn of_state(run: &'a Value, state: &'a str, entered: Time, retry_count: u32) -> Context<'a> {
        Context { run, state, entered, retry_count, item: None, token: None }
    }

    /// The context object as JSON.
    pub(crate) fn to_json(&self) -> Value {
        let mut out = match self.run {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let mut state = Map::new();
        state.insert("EnteredTime".into(), Value::String(self.entered.to_string()));
        state.insert("Name".into(), Value::String(self.state.to_string()));
        state.insert("RetryCount".into(), Value::from(self.retry_count));
        out.insert("State".into(), Value::Object(state));
        if let Some((index, value)) = self.item {
            let item =
                Map::from_iter([("Index".to_string(), Value::from(index)), ("Value".to_string(), value.clone())]);
            out.insert("Map".into(), Value::Object(Map::from_iter([("Item".to_string(), Value::Object(item))])));
        }
        if let Some(token) = self.token {
            out.insert("Task".into(), serde_json::json!({"Token": token}));
        }
        Value::Object(out)
    }
}

/// The documents a template's paths read: the input (`$`), and the context object (`$$`), built
/// on first use.
pub(crate) struct Env<'a, 'r> {
    pub input: &'a Value,
    pub context: &'a Context<'a>,
    built: OnceCell<Value>,
    pub random: &'r mut dyn FnMut() -> u64,
}

impl<'a, 'r> Env<'a, 'r> {
    pub(crate) fn new(input: &'a Value, context: &'a Context<'a>, random: &'r mut dyn FnMut() -> u64) -> Self {
        Env { input, context, built: OnceCell::new(), random }
    }

    /// The context object.
    pub(crate) fn context_json(&self) -> &Value {
        self.built.get_or_init(|| self.context.to_json())
    }

    /// The value at `path` (`$...` in the input, `$$...` in the context object), for `purpose`.
    pub(crate) fn select(&self, path: &str, purpose: Purpose<'_>) -> Result<Value, StatesError> {
        match path.strip_prefix('$') {
            Some(context_path) if context_path.starts_with('$') => {
                select_for(context_path, self.context_json(), purpose)
            }
            _ => select_for(path, self.input, purpose),
        }
    }

    /// A `.$` field's value: a path, a context path or an intrinsic function call.
    pub(crate) fn dollar_field(&mut self, field: &str, expr: &str) -> Result<Value, StatesError> {
        if expr.starts_with('$') {
            return self.select(expr, Purpose::Parameter { field });
        }
        let random = &mut *self.random;
        let (input, context, built) = (self.input, self.context, &self.built);
        let resolve = |path: &str| match path.strip_prefix('$') {
            Some(context_path) if context_path.starts_with('$') => {
                select_for(context_path, built.get_or_init(|| context.to_json()), Purpose::Path)
            }
            _ => select_for(path, input, Purpose::Path),
        };
        intrinsics::evaluate(expr, &resolve, random)
    }

    /// Applies the payload template `template`.
    pub(crate) fn apply(&mut self, template: &Value) -> Result<Value, StatesError> {
        match template {
            Value::Object(fields) => {
                let mut out = Map::with_capacity(fields.len());
                for (key, value) in fields {
                    match (key.strip_suffix(".$"), value) {
                        (Some(name), Value::String(expr)) => {
                            let v = self.dollar_field(key, expr)?;
                            out.insert(name.to_string(), v);
                        }
                        _ => {
                            let v = self.apply(value)?;
                            out.insert(key.clone(), v);
                        }
                    }
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => items.iter().map(|i| self.apply(i)).collect::<Result<_, _>>().map(Value::Array),
            other => Ok(other.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context_run() -> Value {
        json!({
            "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:SM:x", "Name": "x", "Input": {"a": 1}},
            "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:SM", "Name": "SM"}
        })
    }

    fn apply(template: Value, input: Value) -> Result<Value, StatesError> {
        let run = context_run();
        let item = json!("it");
        let ctx = Context {
            run: &run,
            state: "S",
            entered: Time::from_millis(0),
            retry_count: 2,
            item: Some((4, &item)),
            token: Some("tok"),
        };
        let mut random = || 7u64;
        Env::new(&input, &ctx, &mut random).apply(&template)
    }

    #[test]
    fn the_specifications_payload_template_example() {
        // ASL specification, "Payload Templates": the example and its result
        let input = json!({"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]});
        let template = json!({
            "flagged": true,
            "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[-3:]"},
            "weekday.$": "$$.DayOfWeek",
            "formattedOutput.$": "States.Format('Today is {}', $$.DayOfWeek)"
        });
        let run = json!({"DayOfWeek": "TUESDAY"});
        let ctx =
            Context { run: &run, state: "S", entered: Time::from_millis(0), retry_count: 0, item: None, token: None };
        let mut random = || 0u64;
        let out = Env::new(&input, &ctx, &mut random).apply(&template).unwrap();
        assert_eq!(
            out,
            json!({
                "flagged": true,
                "parts": {"first": 0, "last3": [30, 40, 50]},
                "weekday": "TUESDAY",
                "formattedOutput": "Today is TUESDAY"
            })
        );
    }

    #[test]
    fn context_fields_and_nested_arrays() {
        let out = apply(
            json!({"list": [{"n.$": "$.a"}, "plain", {"keep": {"deep.$": "$$.State.RetryCount"}}],
                   "name.$": "$$.State.Name", "entered.$": "$$.State.EnteredTime",
                   "item.$": "$$.Map.Item", "token.$": "$$.Task.Token", "exec.$": "$$.Execution.Input.a"}),
            json!({"a": "A"}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"list": [{"n": "A"}, "plain", {"keep": {"deep": 2}}], "name": "S",
                   "entered": "1970-01-01T00:00:00.000Z", "item": {"Index": 4, "Value": "it"}, "token": "tok", "exec": 1})
        );
    }

    #[test]
    fn a_missing_path_names_the_field() {
        let err = apply(json!({"x.$": "$.missing"}), json!({"a": 1})).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(
            err.cause,
            "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{\"a\":1}'"
        );
        let intrinsic = apply(json!({"x.$": "States.ArrayGetItem($.a, 0)"}), json!({"a": 1})).unwrap_err();
        assert_eq!(intrinsic.error, "States.IntrinsicFailure");
        let in_context = apply(json!({"u.$": "States.Format('{}', $$.State.Name)"}), json!({})).unwrap();
        assert_eq!(in_context, json!({"u": "S"}));
    }
}

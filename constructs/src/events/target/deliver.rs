//! What EventBridge delivers to a target for a matched event, computed locally from the
//! CloudFormation-shaped target (one entry of an `AWS::Events::Rule`'s `Targets`).
//!
//! Sources: the EventBridge user guide ("Amazon EventBridge input transformation",
//! `eb-transform-target-input`, and "Tutorial: Use input transformers"), and the API reference
//! (`InputTransformer`, `Target`). The construct-side model of the same fields is
//! [`RuleTargetInput`](super::RuleTargetInput).
//!
//! # What the target receives
//!
//! - No `Input`, `InputPath` or `InputTransformer`: the whole event.
//! - `Input`: that JSON text ("Constant (JSON text)"), parsed; it must be JSON.
//! - `InputPath`: the part of the event the path selects.
//! - `InputTransformer`: values picked from the event by `InputPathsMap` ("up to 100
//!   variables"), put into `InputTemplate` in place of their `<name>` placeholders.
//!
//! At most one of the three may be set (else [`DeliveryError::Conflicting`]). A JSON `null`
//! counts as not set.
//!
//! # Paths
//!
//! The guide: "EventBridge does not support all JSON Path syntax and evaluate it at runtime.
//! Supported syntax includes: dot notation (for example, `$.detail`), dashes, underscores,
//! alphanumeric characters, array indices, wildcards (`*`), forward slashes"; the API reference
//! adds "You must use JSON dot notation, not bracket notation". So a path here is `$` followed by
//! steps `.name` (letters, digits, `-`, `_`, `/`), `.*`, `[n]` (n a non-negative integer) or
//! `[*]`; anything else is a [`DeliveryError::InvalidPath`] naming the field. The accepted path
//! is rewritten in bracket form (`$['detail']['instance-id']`) and evaluated with the Step
//! Functions interpreter's [`try_select`](crate::stepfunctions::interpreter::jsonpath::try_select):
//! on this subset (fields, indices, wildcards) its semantics are plain JSONPath and fit — a
//! definite path gives its one value or no match; a path with a wildcard gives the array of its
//! matches. Its other syntax (filters, slices, unions, deep scan, brackets) is rejected here
//! before it is reached, since EventBridge does not accept it.
//!
//! # Templates
//!
//! The placeholders are `<name>` with a name of letters, digits, `_`, `-` and `.`; "The
//! characters "<" and ">" cannot be escaped". Text that is not such a placeholder, or a
//! placeholder whose name is neither a key of `InputPathsMap` nor predefined, is kept as it is.
//! The template is scanned once, keeping track of whether a placeholder is inside a JSON string
//! of the template (`"..."`, with `\"` escaping a quote):
//!
//! | value                 | inside quotes (`"... <v> ..."`) | outside quotes (`<v>`)       |
//! |-----------------------|---------------------------------|------------------------------|
//! | string                | as is, no quotes, not escaped   | a quoted JSON string         |
//! | number, bool, null    | its JSON text                   | its JSON text                |
//! | object, array         | its JSON text, not escaped      | its JSON text                |
//! | path matched nothing  | nothing (empty)                 | `null`                       |
//!
//! - "EventBridge doesn't escape values extracted by Input Path, when populating the Input
//!   Template": a string with a `"`, or an object, inside quotes gives a template that is no
//!   longer JSON; it is then delivered as text ([`Delivered::Text`]), as EventBridge would send it.
//! - "If you specify a variable to match a JSON path that doesn't exist in the event, that
//!   variable isn't created and won't appear in the output": inside quotes it gives nothing;
//!   outside quotes it gives `null`, so that a JSON template stays JSON (the guide does not say
//!   what a bare placeholder becomes; this is the choice made here).
//! - The result is parsed: JSON (including a JSON string, the guide's "Simple string" example
//!   `"instance <instance> is in <state>"`) is [`Delivered::Json`]; anything else is
//!   [`Delivered::Text`] ("You can create a template that passes either a string or JSON to the
//!   target"). A target that needs JSON (Step Functions' execution input) calls
//!   [`Delivered::into_json`], which fails with [`DeliveryError::TemplateNotJson`].
//! - "The JSON that is passed to the target is minified": [`Delivered::to_text`] writes JSON
//!   minified, keys in their order.
//!
//! # Predefined variables
//!
//! Quoting the guide: "`aws.events.rule-arn` — The Amazon Resource Name (ARN) of the EventBridge
//! rule"; "`aws.events.rule-name` — The Name of the EventBridge rule";
//! "`aws.events.event.ingestion-time` — The time at which the event was received by EventBridge.
//! This is an ISO 8601 timestamp"; "`aws.events.event` — The original event payload as JSON
//! (without the `detail` field). Can only be used as a value for a JSON field, as it's contents
//! are not escaped"; "`aws.events.event.json` — The full original event payload as JSON. (with
//! the `detail` field). Can only be used as a value for a JSON field".
//!
//! The first three are strings (from [`DeliveryContext`]), inserted like any string. The two
//! event variables are objects; used inside quotes they are a [`DeliveryError::EventInString`]
//! (the guide: only "as a value for a JSON field"). Older versions of the guide describe
//! `aws.events.event` as "A copy of the original event"; the current text (without `detail`) is
//! followed. Predefined names win over `InputPathsMap` keys of the same name ("reserved",
//! "can't be overwritten"), which the API rejects anyway (keys match `[A-Za-z0-9_\-]+`).
//!
//! # Checks
//!
//! Like the API: `InputPathsMap` has at most 100 entries, keys match `[A-Za-z0-9_\-]+` and do not
//! start with `AWS.` (case-insensitively), values are strings; `InputTemplate` is a string;
//! `Input` is JSON text. Every error names the field. An event nested deeper than
//! [`MAX_EVENT_DEPTH`] levels is refused, so that nothing recurses without bound; nothing panics.
//!
//! # Example
//!
//! ```
//! use constructs::events::target::{deliver, Delivered, DeliveryContext};
//! use serde_json::json;
//!
//! let ctx = DeliveryContext {
//!     rule_arn: "arn:aws:events:us-east-2:123456789012:rule/example",
//!     rule_name: "example",
//!     ingestion_time: "2015-11-11T21:29:55Z",
//! };
//! let event = json!({"source": "aws.ec2", "detail": {"instance-id": "i-0123456789", "state": "RUNNING"}});
//! let target = json!({
//!     "Arn": "arn:aws:states:us-east-2:123456789012:stateMachine:SM",
//!     "InputTransformer": {
//!         "InputPathsMap": {"instance": "$.detail.instance-id", "state": "$.detail.state"},
//!         "InputTemplate": "{\"instance\": <instance>, \"status\": \"<instance> is <state>\", \"rule\": <aws.events.rule-name>}"
//!     }
//! });
//! let delivered = deliver(&target, &event, &ctx).unwrap();
//! assert_eq!(
//!     delivered,
//!     Delivered::Json(json!({"instance": "i-0123456789", "status": "i-0123456789 is RUNNING", "rule": "example"}))
//! );
//! assert_eq!(delivered.to_text(), r#"{"instance":"i-0123456789","status":"i-0123456789 is RUNNING","rule":"example"}"#);
//!
//! // No input settings: the whole event.
//! assert_eq!(deliver(&json!({"Arn": "x"}), &event, &ctx).unwrap(), Delivered::Json(event.clone()));
//! ```

use serde_json::{Map, Value};

use crate::json::{depth_exceeds, type_name};
use crate::stepfunctions::interpreter::jsonpath;

/// At most this many `InputPathsMap` entries (the API's limit).
pub const MAX_INPUT_PATHS: usize = 100;

/// Events nested deeper than this are refused ([`DeliveryError::EventTooDeep`]).
pub const MAX_EVENT_DEPTH: usize = 512;

/// What EventBridge knows about the delivery besides the event: the predefined variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryContext<'a> {
    /// `<aws.events.rule-arn>`.
    pub rule_arn: &'a str,
    /// `<aws.events.rule-name>`.
    pub rule_name: &'a str,
    /// `<aws.events.event.ingestion-time>`: when EventBridge received the event (RFC 3339).
    pub ingestion_time: &'a str,
}

/// What the target receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivered {
    /// A JSON value (sent minified).
    Json(Value),
    /// Text that is not JSON (an `InputTemplate` that is not JSON once filled in).
    Text(String),
}

impl Delivered {
    /// The text the target receives: JSON minified (keys in their order), or the text as is. For
    /// Step Functions, the execution input.
    pub fn to_text(&self) -> String {
        match self {
            Delivered::Json(v) => v.to_string(),
            Delivered::Text(t) => t.clone(),
        }
    }

    /// The JSON value, for a target that needs JSON; text is a [`DeliveryError::TemplateNotJson`].
    pub fn into_json(self) -> Result<Value, DeliveryError> {
        match self {
            Delivered::Json(v) => Ok(v),
            Delivered::Text(text) => {
                let error = serde_json::from_str::<Value>(&text).err().map(|e| e.to_string()).unwrap_or_default();
                Err(DeliveryError::TemplateNotJson { text, error })
            }
        }
    }
}

/// Why a target's input could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeliveryError {
    /// The target is not a JSON object.
    #[error("the target must be a JSON object (an entry of the rule's Targets), not {found}")]
    TargetNotObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// More than one of `Input`, `InputPath`, `InputTransformer`.
    #[error("at most one of Input, InputPath and InputTransformer may be set; the target sets {}", fields.join(", "))]
    Conflicting {
        /// The fields set.
        fields: Vec<&'static str>,
    },
    /// A field of the wrong JSON type.
    #[error("{field} must be {expected}, not {found}")]
    WrongType {
        /// The field, e.g. `InputTransformer.InputTemplate`.
        field: String,
        /// What it must be.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// `Input` is not JSON text.
    #[error("Input must be valid JSON text: {error}")]
    InputNotJson {
        /// The parser's message.
        error: String,
    },
    /// A path EventBridge does not accept.
    #[error("{field} {path:?} is not a JSONPath EventBridge accepts: {reason}")]
    InvalidPath {
        /// The field, e.g. `InputPath` or `InputTransformer.InputPathsMap["state"]`.
        field: String,
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// More than [`MAX_INPUT_PATHS`] `InputPathsMap` entries.
    #[error("InputTransformer.InputPathsMap has {count} entries; at most {MAX_INPUT_PATHS}")]
    TooManyPaths {
        /// The number of entries.
        count: usize,
    },
    /// An `InputPathsMap` key the API rejects.
    #[error("InputTransformer.InputPathsMap key {key:?} {reason}")]
    InvalidKey {
        /// The key.
        key: String,
        /// Why.
        reason: &'static str,
    },
    /// `InputTransformer` without `InputTemplate`.
    #[error("InputTransformer.InputTemplate is required")]
    MissingTemplate,
    /// `<aws.events.event>` or `<aws.events.event.json>` inside a JSON string of the template.
    #[error(
        "InputTransformer.InputTemplate uses <{placeholder}> inside a string; it can only be used as a value for a \
         JSON field"
    )]
    EventInString {
        /// The placeholder's name.
        placeholder: &'static str,
    },
    /// The filled-in template is not JSON, and the target needs JSON.
    #[error("InputTransformer.InputTemplate does not give valid JSON ({error}): {text}")]
    TemplateNotJson {
        /// The filled-in template.
        text: String,
        /// The parser's message.
        error: String,
    },
    /// The event nests deeper than [`MAX_EVENT_DEPTH`].
    #[error("the event is nested deeper than {MAX_EVENT_DEPTH} levels")]
    EventTooDeep,
}

const EVENT: &str = "aws.events.event";
const EVENT_JSON: &str = "aws.events.event.json";

/// What `target` (a rule's `Targets[i]`, CloudFormation-shaped) receives for `event`; see the
/// module docs for the rules.
pub fn deliver(target: &Value, event: &Value, ctx: &DeliveryContext) -> Result<Delivered, DeliveryError> {
    let Value::Object(target) = target else {
        return Err(DeliveryError::TargetNotObject { found: type_name(target) });
    };
    if depth_exceeds(event, MAX_EVENT_DEPTH) {
        return Err(DeliveryError::EventTooDeep);
    }
    let set = |name: &str| target.get(name).filter(|v| !v.is_null());
    let fields: Vec<&'static str> =
        ["Input", "InputPath", "InputTransformer"].into_iter().filter(|f| set(f).is_some()).collect();
    if fields.len() > 1 {
        return Err(DeliveryError::Conflicting { fields });
    }
    if let Some(input) = set("Input") {
        let text = as_str("Input", input)?;
        return serde_json::from_str(text)
            .map(Delivered::Json)
            .map_err(|e| DeliveryError::InputNotJson { error: e.to_string() });
    }
    if let Some(path) = set("InputPath") {
        let path = as_str("InputPath", path)?;
        return Ok(Delivered::Json(select("InputPath", path, event)?.unwrap_or(Value::Null)));
    }
    if let Some(transformer) = set("InputTransformer") {
        return transform(transformer, event, ctx);
    }
    Ok(Delivered::Json(event.clone()))
}

fn as_str<'v>(field: &str, v: &'v Value) -> Result<&'v str, DeliveryError> {
    v.as_str().ok_or_else(|| DeliveryError::WrongType {
        field: field.to_string(),
        expected: "a string",
        found: type_name(v),
    })
}

/// Checks `path` against EventBridge's syntax and rewrites it in bracket form for `try_select`.
fn to_bracket_path(field: &str, path: &str) -> Result<String, DeliveryError> {
    let invalid =
        |reason: String| DeliveryError::InvalidPath { field: field.to_string(), path: path.to_string(), reason };
    let Some(mut rest) = path.strip_prefix('$') else {
        return Err(invalid("it must start with '$' (e.g. \"$.detail\")".into()));
    };
    let mut out = String::from("$");
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name == "*" {
                out.push_str("[*]");
            } else if name.is_empty() {
                return Err(invalid("a '.' must be followed by a field name or '*'".into()));
            } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "-_/".contains(*c))) {
                return Err(invalid(format!(
                    "field names are letters, digits, '-', '_' and '/' (dot notation), not {c:?}"
                )));
            } else {
                out.push_str(&format!("['{name}']"));
            }
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(end) = after.find(']') else {
                return Err(invalid("'[' without ']'".into()));
            };
            let index = &after[..end];
            if index != "*" && (index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) || index.len() > 18) {
                return Err(invalid(format!(
                    "brackets hold an array index or '*', not {index:?} (use dot notation for fields)"
                )));
            }
            out.push_str(&format!("[{index}]"));
            rest = &after[end + 1..];
        } else {
            return Err(invalid(format!("unexpected {:?} (steps are '.name', '.*', '[n]', '[*]')", &rest[..1])));
        }
    }
    Ok(out)
}

/// The value at `path` in `event`, `None` when it matches nothing.
fn select(field: &str, path: &str, event: &Value) -> Result<Option<Value>, DeliveryError> {
    let bracketed = to_bracket_path(field, path)?;
    match jsonpath::try_select(&bracketed, event) {
        Ok(v) => Ok(Some(v)),
        Err(jsonpath::SelectError::NoMatch { .. }) => Ok(None),
        Err(jsonpath::SelectError::Parse(reason)) => {
            Err(DeliveryError::InvalidPath { field: field.to_string(), path: path.to_string(), reason })
        }
    }
}

/// A placeholder's value.
enum Slot {
    /// From `InputPathsMap` or a string variable; `None` when the path matched nothing.
    Value(Option<Value>),
    /// `aws.events.event` or `aws.events.event.json`.
    Event(&'static str, Value),
}

fn transform(transformer: &Value, event: &Value, ctx: &DeliveryContext) -> Result<Delivered, DeliveryError> {
    let Value::Object(transformer) = transformer else {
        return Err(DeliveryError::WrongType {
            field: "InputTransformer".into(),
            expected: "an object",
            found: type_name(transformer),
        });
    };
    let template = match transformer.get("InputTemplate") {
        None | Some(Value::Null) => return Err(DeliveryError::MissingTemplate),
        Some(t) => as_str("InputTransformer.InputTemplate", t)?,
    };
    let empty = Map::new();
    let paths = match transformer.get("InputPathsMap") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(DeliveryError::WrongType {
                field: "InputTransformer.InputPathsMap".into(),
                expected: "an object",
                found: type_name(other),
            })
        }
    };
    if paths.len() > MAX_INPUT_PATHS {
        return Err(DeliveryError::TooManyPaths { count: paths.len() });
    }
    let mut values: Vec<(&str, Option<Value>)> = Vec::with_capacity(paths.len());
    for (key, path) in paths {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(DeliveryError::InvalidKey { key: key.clone(), reason: "must match [A-Za-z0-9_\\-]+" });
        }
        if key.len() >= 4 && key[..4].eq_ignore_ascii_case("aws.") {
            return Err(DeliveryError::InvalidKey { key: key.clone(), reason: "must not start with \"AWS.\"" });
        }
        let field = format!("InputTransformer.InputPathsMap[{key:?}]");
        let path = as_str(&field, path)?;
        values.push((key, select(&field, path, event)?));
    }
    let lookup = |name: &str| -> Option<Slot> {
        let string = |s: &str| Some(Slot::Value(Some(Value::String(s.to_string()))));
        match name {
            "aws.events.rule-arn" => string(ctx.rule_arn),
            "aws.events.rule-name" => string(ctx.rule_name),
            "aws.events.event.ingestion-time" => string(ctx.ingestion_time),
            EVENT => {
                let mut without_detail = event.clone();
                if let Value::Object(m) = &mut without_detail {
                    m.shift_remove("detail");
                }
                Some(Slot::Event(EVENT, without_detail))
            }
            EVENT_JSON => Some(Slot::Event(EVENT_JSON, event.clone())),
            _ => values.iter().find(|(k, _)| *k == name).map(|(_, v)| Slot::Value(v.clone())),
        }
    };
    let text = fill(template, lookup)?;
    Ok(match serde_json::from_str::<Value>(&text) {
        Ok(v) => Delivered::Json(v),
        Err(_) => Delivered::Text(text),
    })
}

/// Replaces the placeholders of `template`, tracking whether each is inside a JSON string.
fn fill(template: &str, lookup: impl Fn(&str) -> Option<Slot>) -> Result<String, DeliveryError> {
    let mut out = String::with_capacity(template.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let after = &rest[1..];
            let name_len =
                after.find(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c))).unwrap_or(after.len());
            let name = &after[..name_len];
            if name_len > 0 && after[name_len..].starts_with('>') {
                if let Some(slot) = lookup(name) {
                    insert(&mut out, slot, in_string)?;
                    rest = &after[name_len + 1..];
                    escaped = false;
                    continue;
                }
            }
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

fn insert(out: &mut String, slot: Slot, in_string: bool) -> Result<(), DeliveryError> {
    match slot {
        Slot::Event(name, _) if in_string => return Err(DeliveryError::EventInString { placeholder: name }),
        Slot::Event(_, v) => out.push_str(&v.to_string()),
        Slot::Value(None) if in_string => {}
        Slot::Value(None) => out.push_str("null"),
        Slot::Value(Some(Value::String(s))) if in_string => out.push_str(&s),
        Slot::Value(Some(v)) => out.push_str(&v.to_string()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CTX: DeliveryContext<'static> = DeliveryContext {
        rule_arn: "arn:aws:events:us-east-2:123456789012:rule/example",
        rule_name: "example",
        ingestion_time: "2015-11-11T21:29:55Z",
    };

    /// The guide's example Amazon EC2 event.
    fn ec2_event() -> Value {
        json!({
            "version": "0",
            "id": "7bf73129-1428-4cd3-a780-95db273d1602",
            "detail-type": "EC2 Instance State-change Notification",
            "source": "aws.ec2",
            "account": "123456789012",
            "time": "2015-11-11T21:29:54Z",
            "region": "us-east-1",
            "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
            "detail": {"instance-id": "i-0123456789", "state": "RUNNING"}
        })
    }

    /// The guide's Input Path, with the guide's template.
    fn guide(template: &str) -> Result<Delivered, DeliveryError> {
        let target = json!({"InputTransformer": {
            "InputPathsMap": {
                "timestamp": "$.time",
                "instance": "$.detail.instance-id",
                "state": "$.detail.state",
                "resource": "$.resources[0]"
            },
            "InputTemplate": template
        }});
        deliver(&target, &ec2_event(), &CTX)
    }

    fn text(template: &str) -> String {
        guide(template).unwrap().to_text()
    }

    #[test]
    fn deliver_guide_simple_string() {
        assert_eq!(text(r#""instance <instance> is in <state>""#), r#""instance i-0123456789 is in RUNNING""#);
    }

    #[test]
    fn deliver_guide_string_with_escaped_quotes() {
        assert_eq!(text(r#""instance \"<instance>\" is in <state>""#), r#""instance \"i-0123456789\" is in RUNNING""#);
    }

    #[test]
    fn deliver_guide_simple_json() {
        let got = guide("{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}").unwrap();
        assert_eq!(got, Delivered::Json(json!({"instance": "i-0123456789", "state": "RUNNING"})));
        assert_eq!(got.to_text(), r#"{"instance":"i-0123456789","state":"RUNNING"}"#);
    }

    #[test]
    fn deliver_guide_json_with_strings_and_variables() {
        let t = "{\n \"instance\" : <instance>,\n \"state\": \"<state>\",\n \"instanceStatus\": \"instance \\\"<instance>\\\" is in <state>\"\n}";
        assert_eq!(
            guide(t).unwrap(),
            Delivered::Json(json!({
                "instance": "i-0123456789",
                "state": "RUNNING",
                "instanceStatus": "instance \"i-0123456789\" is in RUNNING"
            }))
        );
    }

    #[test]
    fn deliver_guide_mix_of_variables_and_static() {
        let t = "{\n  \"instance\" : <instance>,\n  \"state\": [ 9, <state>, true ],\n  \"Transformed\" : \"Yes\"\n}\n";
        assert_eq!(
            guide(t).unwrap(),
            Delivered::Json(json!({"instance": "i-0123456789", "state": [9, "RUNNING", true], "Transformed": "Yes"}))
        );
    }

    #[test]
    fn deliver_guide_reserved_variables_in_json() {
        let t = "{\n  \"instance\" : <instance>,\n  \"state\": <state>,\n  \"ruleArn\" : <aws.events.rule-arn>,\n  \
                 \"ruleName\" : <aws.events.rule-name>,\n  \"originalEvent\" : <aws.events.event>\n}";
        let mut original = ec2_event();
        original.as_object_mut().unwrap().shift_remove("detail");
        assert_eq!(
            guide(t).unwrap(),
            Delivered::Json(json!({
                "instance": "i-0123456789",
                "state": "RUNNING",
                "ruleArn": "arn:aws:events:us-east-2:123456789012:rule/example",
                "ruleName": "example",
                "originalEvent": original
            }))
        );
        let full = guide(r#"{"e": <aws.events.event.json>, "t": <aws.events.event.ingestion-time>}"#).unwrap();
        assert_eq!(full, Delivered::Json(json!({"e": ec2_event(), "t": "2015-11-11T21:29:55Z"})));
    }

    #[test]
    fn deliver_guide_reserved_variables_in_string() {
        assert_eq!(text(r#""<aws.events.rule-name> triggered""#), r#""example triggered""#);
    }

    #[test]
    fn deliver_guide_cloudwatch_log_group() {
        // The guide prints `{"timestamp" : 2015-11-11T21:29:54Z, "message": "instance "i-0123456789" is in RUNNING}`,
        // which is not JSON (and lacks a closing quote); the template gives this valid JSON.
        let t = "{\n  \"timestamp\" : <timestamp>,\n  \"message\": \"instance \\\"<instance>\\\" is in <state>\"\n}";
        assert_eq!(
            guide(t).unwrap(),
            Delivered::Json(
                json!({"timestamp": "2015-11-11T21:29:54Z", "message": "instance \"i-0123456789\" is in RUNNING"})
            )
        );
    }

    #[test]
    fn deliver_guide_array_index_and_tutorial() {
        assert_eq!(
            guide(r#"{"r": <resource>}"#).unwrap(),
            Delivered::Json(json!({"r": "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"}))
        );
        // The tutorial: Input Path {"detail-type":"$.detail-type"}, template "This event was of <detail-type> type."
        let target = json!({"InputTransformer": {
            "InputPathsMap": {"detail-type": "$.detail-type"},
            "InputTemplate": "\"This event was of <detail-type> type.\""
        }});
        let got = deliver(&target, &json!({"detail-type": "customerCreated"}), &CTX).unwrap();
        assert_eq!(got.to_text(), "\"This event was of customerCreated type.\"");
    }

    #[test]
    fn deliver_api_reference_examples() {
        let event = json!({"detail": {"instance": "i-1", "status": "ok"}});
        let paths = json!({"instance": "$.detail.instance", "status": "$.detail.status"});
        let run = |t: &str| {
            deliver(&json!({"InputTransformer": {"InputPathsMap": paths, "InputTemplate": t}}), &event, &CTX).unwrap()
        };
        // No outer quotes: strings outside quotes are quoted, the result is not JSON: text.
        assert_eq!(run("<instance> is in state <status>"), Delivered::Text(r#""i-1" is in state "ok""#.into()));
        assert_eq!(
            run(r#"{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}"#),
            Delivered::Json(json!({"myInstance": "i-1", "myStatus": "i-1 is in state \"ok\""}))
        );
    }

    #[test]
    fn deliver_input_forms() {
        let event = ec2_event();
        assert_eq!(deliver(&json!({"Arn": "a"}), &event, &CTX).unwrap(), Delivered::Json(event.clone()));
        assert_eq!(deliver(&json!({"Input": null}), &event, &CTX).unwrap(), Delivered::Json(event.clone()));
        let lit = deliver(&json!({"Input": "{\"b\": 1, \"a\": [true]}"}), &event, &CTX).unwrap();
        assert_eq!(lit.to_text(), r#"{"b":1,"a":[true]}"#);
        assert_eq!(
            deliver(&json!({"InputPath": "$.detail"}), &event, &CTX).unwrap(),
            Delivered::Json(json!({"instance-id": "i-0123456789", "state": "RUNNING"}))
        );
        assert_eq!(deliver(&json!({"InputPath": "$"}), &event, &CTX).unwrap(), Delivered::Json(event.clone()));
        assert_eq!(
            deliver(&json!({"InputPath": "$.detail.*"}), &event, &CTX).unwrap(),
            Delivered::Json(json!(["i-0123456789", "RUNNING"]))
        );
        assert_eq!(deliver(&json!({"InputPath": "$.nope"}), &event, &CTX).unwrap(), Delivered::Json(Value::Null));
    }

    #[test]
    fn deliver_values_inside_and_outside_quotes() {
        let event = json!({"n": 5, "b": false, "o": {"k": "v"}, "a": [1, "x"], "s": "q\"uote"});
        let paths = json!({"n": "$.n", "b": "$.b", "o": "$.o", "a": "$.a", "s": "$.s", "m": "$.missing"});
        let run = |t: &str| {
            deliver(&json!({"InputTransformer": {"InputPathsMap": paths, "InputTemplate": t}}), &event, &CTX).unwrap()
        };
        assert_eq!(
            run(r#"{"n": <n>, "b": <b>, "o": <o>, "a": <a>, "m": <m>, "t": "<n>/<b>/<m>"}"#),
            Delivered::Json(json!({"n": 5, "b": false, "o": {"k": "v"}, "a": [1, "x"], "m": null, "t": "5/false/"}))
        );
        // Not escaped: an object or a string with a quote inside quotes breaks the JSON.
        assert_eq!(run(r#"{"o": "<o>"}"#), Delivered::Text(r#"{"o": "{"k":"v"}"}"#.into()));
        assert_eq!(run(r#""<s>""#), Delivered::Text(r#""q"uote""#.into()));
        let err = run(r#""<s>""#).into_json().unwrap_err();
        assert!(err.to_string().contains("InputTransformer.InputTemplate does not give valid JSON"), "{err}");
        // Unknown placeholders and non-placeholders are text.
        assert_eq!(run("a <b> <unknown> <> <x y> <"), Delivered::Text("a false <unknown> <> <x y> <".into()));
        // An escaped quote does not close the string; the placeholder after it is inside.
        assert_eq!(run(r#""\"<s>""#), Delivered::Text(r#""\"q"uote""#.into()));
    }

    #[test]
    fn deliver_errors_name_the_field() {
        let e = ec2_event();
        let err = |t: Value| deliver(&t, &e, &CTX).unwrap_err().to_string();
        assert!(err(json!({"Input": "{", "InputPath": "$"})).contains("Input, InputPath"));
        assert!(err(json!({"Input": "{"})).starts_with("Input must be valid JSON"));
        assert!(err(json!({"Input": {"a": 1}})).contains("Input must be a string, not an object"));
        assert!(err(json!({"InputPath": "detail"})).contains("InputPath \"detail\""));
        assert!(err(json!({"InputPath": "$['detail']"})).contains("dot notation"));
        assert!(err(json!({"InputPath": "$..detail"})).contains("field name"));
        assert!(err(json!({"InputPath": "$.a[?(@.x)]"})).contains("array index"));
        assert!(err(json!({"InputPath": "$.a[-1]"})).contains("array index"));
        assert!(err(json!({"InputPath": "$.a b"})).contains("not ' '"));
        let m = err(json!({"InputTransformer": {"InputPathsMap": {"x": "$.a[0"}, "InputTemplate": "<x>"}}));
        assert!(m.contains(r#"InputTransformer.InputPathsMap["x"]"#), "{m}");
        assert!(err(json!({"InputTransformer": {"InputPathsMap": {"x y": "$"}, "InputTemplate": "1"}})).contains("x y"));
        assert!(
            err(json!({"InputTransformer": {"InputPathsMap": {"AWS.x": "$"}, "InputTemplate": "1"}})).contains("AWS.")
        );
        assert!(err(json!({"InputTransformer": {"InputPathsMap": {"x": 1}, "InputTemplate": "1"}}))
            .contains(r#"InputPathsMap["x"] must be a string"#));
        assert!(err(json!({"InputTransformer": {}})).contains("InputTemplate is required"));
        assert!(err(json!({"InputTransformer": {"InputTemplate": 3}})).contains("InputTemplate must be a string"));
        assert!(err(json!({"InputTransformer": {"InputTemplate": "\"<aws.events.event>\""}}))
            .contains("<aws.events.event> inside a string"));
        let many: Map<String, Value> = (0..101).map(|i| (format!("k{i}"), json!("$"))).collect();
        assert!(err(json!({"InputTransformer": {"InputPathsMap": many, "InputTemplate": "1"}})).contains("101 entries"));
        assert!(err(json!([1])).contains("not an array"));
    }

    #[test]
    fn deliver_odd_shapes_do_not_panic() {
        let events = [json!(null), json!("s"), json!([1, [2]]), json!({"detail": 1}), json!({"é": {"ü": "ß<>\""}})];
        let targets = [
            json!({}),
            json!(null),
            json!({"InputPath": "$.é"}),
            json!({"InputPath": "$[0][1]"}),
            json!({"InputPath": "$.*.*"}),
            json!({"InputPath": "$."}),
            json!({"InputPath": "$["}),
            json!({"InputPath": "$[99999999999999999999]"}),
            json!({"InputTransformer": "x"}),
            json!({"InputTransformer": {"InputPathsMap": [], "InputTemplate": "x"}}),
            json!({"InputTransformer": {"InputPathsMap": {"a": "$.detail"}, "InputTemplate": "\"<a>\\"}}),
            json!({"InputTransformer": {"InputPathsMap": {"a": "$[0]"}, "InputTemplate": "<a><a>é<aws.events.event>"}}),
            json!({"InputTransformer": {"InputTemplate": "<aws.events.event.json> \"\\\\\" <aws.events.rule-arn"}}),
        ];
        for event in &events {
            for target in &targets {
                let _ = deliver(target, event, &CTX).map(|d| d.to_text());
            }
        }
        let mut deep = json!(1);
        for _ in 0..600 {
            deep = json!([deep]);
        }
        assert_eq!(deliver(&json!({}), &deep, &CTX), Err(DeliveryError::EventTooDeep));
    }
}

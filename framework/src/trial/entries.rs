//! Event files: a JSON array of PutEvents entries, the shape `aws events put-events --entries
//! file://...` takes (`Source`, `DetailType`, `Detail` as the JSON text of an object, and the
//! optional `Resources`, `Time`, `EventBusName`, `TraceHeader`), read and checked before anything
//! is sent, with errors naming the file and the entry (counted from 1).

use std::path::Path;

use aws_sdk_eventbridge::primitives::{DateTime, DateTimeFormat};

use crate::trial::error::TrialError;

/// The largest entry PutEvents accepts, in bytes (as EventBridge counts them).
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;

const FIELDS: &[&str] = &["Source", "DetailType", "Detail", "Resources", "Time", "EventBusName", "TraceHeader"];

/// One PutEvents entry of an event file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEntry {
    /// `Source` (not empty, not `aws.`-prefixed: those are reserved for AWS services).
    pub source: String,
    /// `DetailType`.
    pub detail_type: String,
    /// `Detail`: the JSON text of an object.
    pub detail: String,
    /// `Resources` (ARNs).
    pub resources: Vec<String>,
    /// `Time`, RFC 3339 (EventBridge uses the time of the call when absent).
    pub time: Option<String>,
    /// `EventBusName` (name or ARN; the default bus when absent).
    pub event_bus_name: Option<String>,
    /// `TraceHeader` (X-Ray).
    pub trace_header: Option<String>,
}

impl EventEntry {
    /// The entry's size as EventBridge computes it for its 256 KiB limit: the UTF-8 bytes of
    /// Source, DetailType, Detail and each resource, plus 14 bytes for Time when given.
    pub fn size(&self) -> usize {
        self.source.len()
            + self.detail_type.len()
            + self.detail.len()
            + self.resources.iter().map(String::len).sum::<usize>()
            + if self.time.is_some() { 14 } else { 0 }
    }

    /// The bus the entry goes to, for messages.
    pub fn bus(&self) -> &str {
        self.event_bus_name.as_deref().unwrap_or("default")
    }
}

/// An event file: its name as given and its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFile {
    /// The path as the user gave it.
    pub name: String,
    /// The entries, in file order.
    pub entries: Vec<EventEntry>,
}

/// Reads and checks an event file.
pub fn read_event_file(path: &Path) -> Result<EventFile, TrialError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| TrialError::Read { file: name.clone(), source })?;
    let entries = parse_entries(&name, &text)?;
    Ok(EventFile { name, entries })
}

/// Parses and checks the text of an event file named `file` (for messages).
///
/// ```
/// use framework::trial::parse_entries;
/// let entries = parse_entries("a.json", r#"[{"Source": "demo", "DetailType": "m", "Detail": "{\"Path\":\"A\"}"}]"#).unwrap();
/// assert_eq!(entries[0].source, "demo");
/// let err = parse_entries("a.json", r#"[{"Source": "demo", "DetailType": "m", "Detail": "A"}]"#).unwrap_err();
/// assert!(err.to_string().starts_with("a.json: entry 1: Detail must be the JSON text of an object"));
/// ```
pub fn parse_entries(file: &str, text: &str) -> Result<Vec<EventEntry>, TrialError> {
    let invalid = |message: String| TrialError::InvalidFile { file: file.to_string(), message };
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let serde_json::Value::Array(items) = json else {
        return Err(invalid(format!(
            "expected a JSON array of PutEvents entries (the `aws events put-events --entries` shape), found {}",
            kind(&json)
        )));
    };
    if items.is_empty() {
        return Err(invalid("the array holds no entries".into()));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_entry(item).map_err(|m| invalid(format!("entry {}: {m}", i + 1))))
        .collect()
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn parse_entry(item: &serde_json::Value) -> Result<EventEntry, String> {
    let serde_json::Value::Object(map) = item else {
        return Err(format!("expected an object with Source, DetailType and Detail, found {}", kind(item)));
    };
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            let hint = FIELDS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(key) || f.replace("Type", "-type").eq_ignore_ascii_case(key))
                .map(|f| format!(" (did you mean {f}?)"))
                .unwrap_or_default();
            return Err(format!("unknown field {key:?}{hint}; a PutEvents entry has {}", FIELDS.join(", ")));
        }
    }
    let string = |key: &str, required: bool| -> Result<Option<String>, String> {
        match map.get(key) {
            None | Some(serde_json::Value::Null) if required => Err(format!("{key} is missing")),
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.is_empty() => Err(format!("{key} is empty")),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("{key} must be a string, found {}", kind(other))),
        }
    };
    let source = string("Source", true)?.unwrap_or_default();
    if source.len() > 256 {
        return Err(format!("Source is {} characters long; at most 256", source.len()));
    }
    if source.starts_with("aws.") {
        return Err(format!("Source {source:?}: sources starting with \"aws.\" are reserved for AWS services"));
    }
    let detail_type = string("DetailType", true)?.unwrap_or_default();
    if detail_type.len() > 128 {
        return Err(format!("DetailType is {} characters long; at most 128", detail_type.len()));
    }
    let detail = match map.get("Detail") {
        Some(serde_json::Value::Object(_)) => return Err(
            "Detail must be the JSON text of an object (a string such as \"{\\\"Path\\\":\\\"A\\\"}\"), not an object"
                .into(),
        ),
        _ => string("Detail", true)?.unwrap_or_default(),
    };
    match serde_json::from_str::<serde_json::Value>(&detail) {
        Ok(serde_json::Value::Object(_)) => {}
        Ok(other) => {
            return Err(format!("Detail must be the JSON text of an object, found the JSON text of {}", kind(&other)))
        }
        Err(e) => return Err(format!("Detail must be the JSON text of an object: {e}")),
    }
    let resources = match map.get("Resources") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, r)| match r {
                serde_json::Value::String(s) if !s.is_empty() => Ok(s.clone()),
                other => Err(format!("Resources[{i}] must be a non-empty string (an ARN), found {}", kind(other))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(format!("Resources must be an array of ARNs, found {}", kind(other))),
    };
    let time = string("Time", false)?;
    if let Some(t) = &time {
        if DateTime::from_str(t, DateTimeFormat::DateTime).is_err() {
            return Err(format!("Time {t:?} is not an RFC 3339 timestamp such as 2026-01-02T03:04:05Z"));
        }
    }
    let entry = EventEntry {
        source,
        detail_type,
        detail,
        resources,
        time,
        event_bus_name: string("EventBusName", false)?,
        trace_header: string("TraceHeader", false)?,
    };
    if entry.size() > MAX_ENTRY_BYTES {
        return Err(format!("the entry is {} bytes; PutEvents accepts at most {MAX_ENTRY_BYTES}", entry.size()));
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_entries("events.json", text).unwrap_err().to_string()
    }

    #[test]
    fn the_put_events_shape_parses() {
        let text = r#"[
            {"Source": "demo.sfn", "DetailType": "message", "Detail": "{\"Path\":\"A\"}"},
            {"Source": "demo.sfn", "DetailType": "message", "Detail": "{}", "Resources": ["arn:aws:s3:::b"],
             "Time": "2026-01-02T03:04:05Z", "EventBusName": "orders", "TraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793"}
        ]"#;
        let entries = parse_entries("events.json", text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].detail, r#"{"Path":"A"}"#);
        assert_eq!(entries[0].bus(), "default");
        assert_eq!(entries[1].bus(), "orders");
        assert_eq!(entries[1].resources, ["arn:aws:s3:::b"]);
        assert_eq!(entries[1].size(), "demo.sfn".len() + "message".len() + 2 + "arn:aws:s3:::b".len() + 14);
    }

    #[test]
    fn the_app_sample_events_parse() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/events");
        for (file, path) in [("path-a.json", "A"), ("path-b.json", "B"), ("path-c.json", "C")] {
            let f = read_event_file(&dir.join(file)).unwrap();
            assert_eq!(f.entries.len(), 1, "{file}");
            assert_eq!(f.entries[0].source, "demo.sfn");
            let detail: serde_json::Value = serde_json::from_str(&f.entries[0].detail).unwrap();
            assert_eq!(detail["Path"], path);
        }
    }

    #[test]
    fn file_level_errors_name_the_file() {
        assert!(err("{").starts_with("events.json: not JSON: "), "{}", err("{"));
        assert_eq!(
            err(r#"{"Source": "x"}"#),
            "events.json: expected a JSON array of PutEvents entries (the `aws events put-events --entries` shape), found an object"
        );
        assert_eq!(err("[]"), "events.json: the array holds no entries");
        let missing = std::path::Path::new("/nonexistent/events.json");
        let e = read_event_file(missing).unwrap_err().to_string();
        assert!(e.starts_with("cannot read /nonexistent/events.json: "), "{e}");
    }

    #[test]
    fn entry_errors_name_the_entry_and_field() {
        let ok = r#"{"Source": "s", "DetailType": "t", "Detail": "{}"}"#;
        let cases = [
            (r#"3"#, "entry 2: expected an object with Source, DetailType and Detail, found a number"),
            (r#"{"DetailType": "t", "Detail": "{}"}"#, "entry 2: Source is missing"),
            (r#"{"Source": "", "DetailType": "t", "Detail": "{}"}"#, "entry 2: Source is empty"),
            (r#"{"Source": 1, "DetailType": "t", "Detail": "{}"}"#, "entry 2: Source must be a string, found a number"),
            (
                r#"{"Source": "aws.s3", "DetailType": "t", "Detail": "{}"}"#,
                "entry 2: Source \"aws.s3\": sources starting with \"aws.\" are reserved",
            ),
            (r#"{"Source": "s", "Detail": "{}"}"#, "entry 2: DetailType is missing"),
            (r#"{"Source": "s", "DetailType": "t"}"#, "entry 2: Detail is missing"),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": {"a": 1}}"#,
                "entry 2: Detail must be the JSON text of an object (a string",
            ),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": "[1]"}"#,
                "entry 2: Detail must be the JSON text of an object, found the JSON text of an array",
            ),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": "{oops"}"#,
                "entry 2: Detail must be the JSON text of an object: key must be a string",
            ),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": "{}", "Resources": "arn"}"#,
                "entry 2: Resources must be an array of ARNs, found a string",
            ),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": "{}", "Resources": [1]}"#,
                "entry 2: Resources[0] must be a non-empty string (an ARN), found a number",
            ),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": "{}", "Time": "yesterday"}"#,
                "entry 2: Time \"yesterday\" is not an RFC 3339 timestamp",
            ),
            (
                r#"{"source": "s", "DetailType": "t", "Detail": "{}"}"#,
                "entry 2: unknown field \"source\" (did you mean Source?); a PutEvents entry has Source, DetailType",
            ),
            (
                r#"{"Source": "s", "detail-type": "t", "Detail": "{}"}"#,
                "entry 2: unknown field \"detail-type\" (did you mean DetailType?)",
            ),
            (
                r#"{"Source": "s", "DetailType": "t", "Detail": "{}", "Extra": 1}"#,
                "entry 2: unknown field \"Extra\"; a PutEvents entry has",
            ),
        ];
        for (entry, expected) in cases {
            let e = err(&format!("[{ok}, {entry}]"));
            assert!(e.starts_with(&format!("events.json: {expected}")), "{entry}: {e}");
        }
    }

    #[test]
    fn oversized_entries_are_rejected() {
        let big = format!("{{\"k\":\"{}\"}}", "x".repeat(MAX_ENTRY_BYTES));
        let text = serde_json::json!([{"Source": "s", "DetailType": "t", "Detail": big}]).to_string();
        let e = err(&text);
        assert!(
            e.starts_with("events.json: entry 1: the entry is ") && e.ends_with("PutEvents accepts at most 262144"),
            "{e}"
        );
    }
}

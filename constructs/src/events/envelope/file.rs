//! Event files: a JSON array of PutEvents entries, the shape `aws events put-events --entries
//! file://...` takes, read and checked before anything is sent, with errors naming the file and
//! the entry (counted from 1).

use std::path::Path;

use framework::json_kind as kind;

use crate::events::envelope::entry::{EntryError, EventEntry};

/// An event file: its name as given and its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFile {
    /// The path as the user gave it.
    pub name: String,
    /// The entries, in file order.
    pub entries: Vec<EventEntry>,
}

/// Why an event file cannot be used; the message starts with the file's name.
#[derive(Debug, thiserror::Error)]
pub enum EventFileError {
    /// The file cannot be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file as given.
        file: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON (the parser's message).
    #[error("{file}: not JSON: {message}")]
    NotJson {
        /// The file as given.
        file: String,
        /// What the JSON parser said.
        message: String,
    },
    /// The JSON is not an array (what it is instead).
    #[error(
        "{file}: expected a JSON array of PutEvents entries (the `aws events put-events --entries` shape), found {found}"
    )]
    NotAnArray {
        /// The file as given.
        file: String,
        /// What the JSON is.
        found: &'static str,
    },
    /// The array is empty.
    #[error("{file}: the array holds no entries")]
    NoEntries {
        /// The file as given.
        file: String,
    },
    /// An entry is not valid.
    #[error("{file}: entry {entry}: {error}")]
    Entry {
        /// The file as given.
        file: String,
        /// The entry's position, from 1.
        entry: usize,
        /// What is wrong with it.
        error: EntryError,
    },
}

/// Reads and checks an event file.
pub fn read_event_file(path: &Path) -> Result<EventFile, EventFileError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EventFileError::Read { file: name.clone(), source })?;
    let entries = parse_entries(&name, &text)?;
    Ok(EventFile { name, entries })
}

/// Parses and checks the text of an event file named `file` (for messages).
///
/// ```
/// use constructs::events::envelope::parse_entries;
/// let entries = parse_entries("a.json", r#"[{"Source": "demo", "DetailType": "m", "Detail": "{\"Path\":\"A\"}"}]"#).unwrap();
/// assert_eq!(entries[0].source, "demo");
/// let err = parse_entries("a.json", r#"[{"Source": "demo", "DetailType": "m", "Detail": "A"}]"#).unwrap_err();
/// assert!(err.to_string().starts_with("a.json: entry 1: Detail must be the JSON text of an object"));
/// ```
pub fn parse_entries(file: &str, text: &str) -> Result<Vec<EventEntry>, EventFileError> {
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| EventFileError::NotJson { file: file.to_string(), message: e.to_string() })?;
    let serde_json::Value::Array(items) = json else {
        return Err(EventFileError::NotAnArray { file: file.to_string(), found: kind(&json) });
    };
    if items.is_empty() {
        return Err(EventFileError::NoEntries { file: file.to_string() });
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            EventEntry::from_json(item).map_err(|error| EventFileError::Entry {
                file: file.to_string(),
                entry: i + 1,
                error,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::envelope::MAX_ENTRY_BYTES;

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

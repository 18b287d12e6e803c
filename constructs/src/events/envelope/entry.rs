//! One PutEvents entry (`Source`, `DetailType`, `Detail` as the JSON text of an object, and the
//! optional `Resources`, `Time`, `EventBusName`, `TraceHeader`), checked as EventBridge checks it
//! before anything is sent.
//!
//! The checks are EventBridge's documented limits (sizes, the reserved `aws.` sources, `Detail`
//! as object text); `Time` is checked with the same RFC 3339 rules as the AWS SDK's
//! `DateTime::from_str(.., DateTimeFormat::DateTime)`, which the trial uses to send it, so that an
//! entry accepted here is never dropped or refused later. That check uses the `time` crate, the
//! one the SDK uses, so that this module needs no SDK.

use framework::json_kind as kind;
use serde_json::Value as J;

/// The largest entry PutEvents accepts, in bytes (as EventBridge counts them).
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// The fields of a PutEvents entry.
pub const FIELDS: &[&str] = &["Source", "DetailType", "Detail", "Resources", "Time", "EventBusName", "TraceHeader"];

/// One PutEvents entry, checked.
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

/// Why a PutEvents entry is not valid; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The entry is not a JSON object (what it is instead).
    #[error("expected an object with Source, DetailType and Detail, found {0}")]
    NotAnObject(&'static str),
    /// A field PutEvents does not know, with the field it resembles.
    #[error(
        "unknown field {field:?}{}; a PutEvents entry has {}",
        suggestion.map(|f| format!(" (did you mean {f}?)")).unwrap_or_default(),
        FIELDS.join(", ")
    )]
    UnknownField {
        /// The field as written.
        field: String,
        /// The known field it resembles (case, `detail-type` for `DetailType`).
        suggestion: Option<&'static str>,
    },
    /// A required field is missing (or null).
    #[error("{0} is missing")]
    Missing(&'static str),
    /// A string field is empty.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// A field that must be a string is not.
    #[error("{field} must be a string, found {found}")]
    NotAString {
        /// The field.
        field: &'static str,
        /// What it is instead.
        found: &'static str,
    },
    /// A field is longer than EventBridge allows.
    #[error("{field} is {len} characters long; at most {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// `Source` starts with `aws.`.
    #[error("Source {0:?}: sources starting with \"aws.\" are reserved for AWS services")]
    ReservedSource(String),
    /// `Detail` is a JSON object instead of the text of one.
    #[error(
        "Detail must be the JSON text of an object (a string such as \"{{\\\"Path\\\":\\\"A\\\"}}\"), not an object"
    )]
    DetailNotText,
    /// `Detail` is the JSON text of something else than an object (what).
    #[error("Detail must be the JSON text of an object, found the JSON text of {0}")]
    DetailNotObject(&'static str),
    /// `Detail` is not JSON text (the parser's message).
    #[error("Detail must be the JSON text of an object: {0}")]
    DetailNotJson(String),
    /// `Resources` is not an array (what it is instead).
    #[error("Resources must be an array of ARNs, found {0}")]
    ResourcesNotArray(&'static str),
    /// An item of `Resources` is not a non-empty string.
    #[error("Resources[{index}] must be a non-empty string (an ARN), found {found}")]
    Resource {
        /// Its index, from 0.
        index: usize,
        /// What it is instead.
        found: &'static str,
    },
    /// `Time` is not an RFC 3339 UTC timestamp.
    #[error("Time {0:?} is not an RFC 3339 timestamp such as 2026-01-02T03:04:05Z")]
    Time(String),
    /// The entry is larger than PutEvents accepts (its size, see [`EventEntry::size`]).
    #[error("the entry is {0} bytes; PutEvents accepts at most {MAX_ENTRY_BYTES}")]
    TooLarge(usize),
}

/// Whether `t` is a timestamp the SDK's `DateTime::from_str(t, DateTimeFormat::DateTime)` parses:
/// RFC 3339 in UTC (`Z`), with `T` between date and time.
fn is_rfc3339_utc(t: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    t.ends_with('Z')
        && (t.len() <= 10 || matches!(t.as_bytes()[10], b'T' | b't'))
        && time::OffsetDateTime::parse(t, &Rfc3339).is_ok()
}

impl EventEntry {
    /// Parses and checks one entry of the `aws events put-events --entries` shape.
    ///
    /// ```
    /// use constructs::events::envelope::{EntryError, EventEntry};
    /// let entry = serde_json::json!({"Source": "demo", "DetailType": "m", "Detail": "{\"Path\":\"A\"}"});
    /// assert_eq!(EventEntry::from_json(&entry).unwrap().bus(), "default");
    /// let entry = serde_json::json!({"Source": "demo", "DetailType": "m"});
    /// assert_eq!(EventEntry::from_json(&entry), Err(EntryError::Missing("Detail")));
    /// ```
    pub fn from_json(item: &J) -> Result<EventEntry, EntryError> {
        let J::Object(map) = item else {
            return Err(EntryError::NotAnObject(kind(item)));
        };
        for key in map.keys() {
            if !FIELDS.contains(&key.as_str()) {
                let suggestion = FIELDS
                    .iter()
                    .find(|f| f.eq_ignore_ascii_case(key) || f.replace("Type", "-type").eq_ignore_ascii_case(key))
                    .copied();
                return Err(EntryError::UnknownField { field: key.clone(), suggestion });
            }
        }
        let string = |key: &'static str, required: bool| -> Result<Option<String>, EntryError> {
            match map.get(key) {
                None | Some(J::Null) if required => Err(EntryError::Missing(key)),
                None | Some(J::Null) => Ok(None),
                Some(J::String(s)) if s.is_empty() => Err(EntryError::Empty(key)),
                Some(J::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(EntryError::NotAString { field: key, found: kind(other) }),
            }
        };
        let source = string("Source", true)?.unwrap_or_default();
        if source.len() > 256 {
            return Err(EntryError::TooLong { field: "Source", len: source.len(), max: 256 });
        }
        if source.starts_with("aws.") {
            return Err(EntryError::ReservedSource(source));
        }
        let detail_type = string("DetailType", true)?.unwrap_or_default();
        if detail_type.len() > 128 {
            return Err(EntryError::TooLong { field: "DetailType", len: detail_type.len(), max: 128 });
        }
        let detail = match map.get("Detail") {
            Some(J::Object(_)) => return Err(EntryError::DetailNotText),
            _ => string("Detail", true)?.unwrap_or_default(),
        };
        match serde_json::from_str::<J>(&detail) {
            Ok(J::Object(_)) => {}
            Ok(other) => return Err(EntryError::DetailNotObject(kind(&other))),
            Err(e) => return Err(EntryError::DetailNotJson(e.to_string())),
        }
        let resources = match map.get("Resources") {
            None | Some(J::Null) => Vec::new(),
            Some(J::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, r)| match r {
                    J::String(s) if !s.is_empty() => Ok(s.clone()),
                    other => Err(EntryError::Resource { index, found: kind(other) }),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(EntryError::ResourcesNotArray(kind(other))),
        };
        let time = string("Time", false)?;
        if let Some(t) = &time {
            if !is_rfc3339_utc(t) {
                return Err(EntryError::Time(t.clone()));
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
            return Err(EntryError::TooLarge(entry.size()));
        }
        Ok(entry)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_in_utc() {
        for ok in
            ["2026-01-02T03:04:05Z", "2026-01-02t03:04:05Z", "2026-01-02T03:04:05.123456Z", "2024-02-29T00:00:00Z"]
        {
            assert!(is_rfc3339_utc(ok), "{ok}");
        }
        for bad in [
            "yesterday",
            "2026-01-02",
            "2026-01-02 03:04:05Z",
            "2026-01-02T03:04:05+01:00",
            "2026-01-02T03:04:05z",
            "2026-02-30T00:00:00Z",
            "2026-01-02T24:00:00Z",
            "",
        ] {
            assert!(!is_rfc3339_utc(bad), "{bad}");
        }
    }
}

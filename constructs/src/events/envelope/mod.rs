//! PutEvents entries and the events EventBridge delivers for them, in one place: sample events
//! are kept in the shape `aws events put-events --entries` takes, and both local pattern
//! matching and the trial of the deployed system (`send-events`: module `constructs::trial`,
//! feature `trial`) read them here.
//!
//! - [`EventEntry::from_json`] parses and checks one entry as EventBridge would (fields, sizes,
//!   `Detail` as the JSON text of an object, `Time` as RFC 3339); [`read_event_file`] and
//!   [`parse_entries`] do the same for a whole file, naming the file and the entry in errors.
//! - [`EventEntry::envelope`] builds the event EventBridge delivers for an entry (`version`,
//!   `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`): what
//!   patterns are tested against, locally ([`EventPattern::matches_with`]) or with
//!   TestEventPattern.
//!
//! [`EventPattern::matches_with`]: crate::events::EventPattern::matches_with
//!
//! ```
//! use constructs::events::envelope::from_put_events_entry;
//! use constructs::events::{EventPattern, Matcher, Resolver};
//! use framework::Pseudo;
//! let entry = serde_json::json!({"Source": "demo.sfn", "DetailType": "message", "Detail": "{\"Path\":\"A\"}"});
//! let event = from_put_events_entry(&entry, "123456789012", "eu-west-1").unwrap();
//! let rule = EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]).detail_field("Path", [Matcher::prefix("A")]);
//! assert!(rule.matches_with(&event, &Resolver::new("123456789012", "eu-west-1")));
//! ```

mod entry;
mod file;

use serde_json::{json, Value as J};

pub use entry::{EntryError, EventEntry, FIELDS, MAX_ENTRY_BYTES};
pub use file::{parse_entries, read_event_file, EventFile, EventFileError};

/// The event id [`from_put_events_entry`] gives (EventBridge assigns one on PutEvents).
pub const PLACEHOLDER_ID: &str = "00000000-0000-0000-0000-000000000000";

/// The time [`from_put_events_entry`] gives an entry without `Time` (EventBridge uses the time of
/// the call).
pub const PLACEHOLDER_TIME: &str = "1970-01-01T00:00:00Z";

impl EventEntry {
    /// The event EventBridge delivers for the entry: with EventBridge's `id`, in `account` and
    /// `region`, at the entry's `Time` or else `now_rfc3339`. A `Detail` that is not JSON (only
    /// possible for an entry built by hand) becomes `null`.
    pub fn envelope(&self, id: &str, account: &str, region: &str, now_rfc3339: &str) -> J {
        let detail: J = serde_json::from_str(&self.detail).unwrap_or(J::Null);
        json!({
            "version": "0",
            "id": id,
            "detail-type": self.detail_type,
            "source": self.source,
            "account": account,
            "time": self.time.as_deref().unwrap_or(now_rfc3339),
            "region": region,
            "resources": self.resources,
            "detail": detail,
        })
    }
}

/// The event envelope for one entry, checked with [`EventEntry::from_json`], as delivered in
/// `account` and `region`; `id` and `time` are [`PLACEHOLDER_ID`] and [`PLACEHOLDER_TIME`]
/// unless the entry sets `Time`.
pub fn from_put_events_entry(entry: &J, account: &str, region: &str) -> Result<J, EntryError> {
    Ok(EventEntry::from_json(entry)?.envelope(PLACEHOLDER_ID, account, region, PLACEHOLDER_TIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_envelope() {
        let e = from_put_events_entry(
            &json!({"Source": "s", "DetailType": "t", "Detail": "{\"a\":1}", "Resources": ["arn:x"]}),
            "111122223333",
            "us-east-1",
        )
        .unwrap();
        assert_eq!(e["detail"]["a"], 1);
        assert_eq!(e["resources"][0], "arn:x");
        assert_eq!(e["account"], "111122223333");
        assert_eq!(e["detail-type"], "t");
        assert_eq!((e["id"].as_str(), e["time"].as_str()), (Some(PLACEHOLDER_ID), Some(PLACEHOLDER_TIME)));
    }

    use super::testing::entry;

    #[test]
    fn the_event_is_built_as_eventbridge_delivers_it() {
        let json: serde_json::Value = serde_json::from_str(
            &entry().envelope("ev-1", "000000000000", "us-east-1", "2026-01-02T03:04:05Z").to_string(),
        )
        .unwrap();
        assert_eq!(json["id"], "ev-1");
        assert_eq!(json["detail-type"], "message");
        assert_eq!(json["detail"]["Path"], "A", "detail as an object");
        assert_eq!(json["account"], "000000000000");
        assert_eq!(json["time"], "2026-01-02T03:04:05Z");
        assert_eq!(json["resources"], serde_json::json!([]));
        let timed = EventEntry { time: Some("2025-05-05T00:00:00Z".into()), ..entry() };
        let json: serde_json::Value = serde_json::from_str(&timed.envelope("e", "1", "r", "now").to_string()).unwrap();
        assert_eq!(json["time"], "2025-05-05T00:00:00Z", "the entry's own time");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
        );
    }

    #[test]
    fn flagship_sample_events_match_the_flagship_rule() {
        use crate::events::{EventPattern, Resolver};
        use framework::Pseudo;
        let rule = EventPattern::new().account([Pseudo::AccountId]).source(["demo.sfn"]);
        let resolver = Resolver::new("111122223333", "eu-west-1");
        for path in ["A", "B", "C"] {
            let entry =
                json!({"Source": "demo.sfn", "DetailType": "message", "Detail": format!("{{\"Path\":\"{path}\"}}")});
            let event = from_put_events_entry(&entry, "111122223333", "eu-west-1").unwrap();
            assert!(rule.matches_with(&event, &resolver), "path {path}");
            let elsewhere = from_put_events_entry(&entry, "999999999999", "eu-west-1").unwrap();
            assert!(!rule.matches_with(&elsewhere, &resolver), "another account's event");
        }
        let other = json!({"Source": "other.app", "DetailType": "message", "Detail": "{}"});
        let event = from_put_events_entry(&other, "111122223333", "eu-west-1").unwrap();
        assert!(!rule.matches_with(&event, &resolver));
    }

    #[test]
    fn rejects_bad_entries() {
        assert_eq!(from_put_events_entry(&json!([]), "a", "r"), Err(EntryError::NotAnObject("an array")));
        assert_eq!(
            from_put_events_entry(&json!({"DetailType": "t", "Detail": "{}"}), "a", "r"),
            Err(EntryError::Missing("Source"))
        );
        assert_eq!(
            from_put_events_entry(&json!({"Source": "s", "DetailType": "t", "Detail": "[1]"}), "a", "r"),
            Err(EntryError::DetailNotObject("an array"))
        );
        assert_eq!(
            from_put_events_entry(
                &json!({"Source": "s", "DetailType": "t", "Detail": "{}", "Resources": [1]}),
                "a",
                "r"
            ),
            Err(EntryError::Resource { index: 0, found: "a number" })
        );
    }
}

/// A sample entry for the tests of this crate (the flagship's path-A event).
#[cfg(test)]
pub(crate) mod testing {
    use super::EventEntry;

    /// `{"Source": "demo.sfn", "DetailType": "message", "Detail": "{\"Path\":\"A\"}"}`.
    pub(crate) fn entry() -> EventEntry {
        EventEntry {
            source: "demo.sfn".into(),
            detail_type: "message".into(),
            detail: r#"{"Path":"A"}"#.into(),
            resources: vec![],
            time: None,
            event_bus_name: None,
            trace_header: None,
        }
    }
}

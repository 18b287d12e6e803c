//! The event EventBridge delivers for a `PutEvents` entry, to test patterns against sample
//! events kept in the shape `aws events put-events --entries` takes.
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

use serde_json::{json, Value as J};

/// Why an entry cannot be turned into an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The entry is not a JSON object.
    #[error("a PutEvents entry must be a JSON object")]
    NotAnObject,
    /// A required field is missing or not a string.
    #[error("a PutEvents entry needs a string {0}")]
    Missing(&'static str),
    /// `Detail` is not JSON object text.
    #[error("the entry's Detail must be the JSON text of an object: {0}")]
    Detail(String),
    /// `Resources` is not a list of strings.
    #[error("the entry's Resources must be a list of strings")]
    Resources,
}

/// The event envelope for one entry (`Source`, `DetailType`, `Detail`, optional `Resources`
/// and `Time`), as delivered in `account` and `region`; `id` and `time` are fixed placeholders
/// unless the entry sets `Time`.
pub fn from_put_events_entry(entry: &J, account: &str, region: &str) -> Result<J, EntryError> {
    let map = entry.as_object().ok_or(EntryError::NotAnObject)?;
    let text = |key: &'static str| map.get(key).and_then(J::as_str).ok_or(EntryError::Missing(key));
    let source = text("Source")?;
    let detail_type = text("DetailType")?;
    let detail: J = serde_json::from_str(text("Detail")?).map_err(|e| EntryError::Detail(e.to_string()))?;
    if !detail.is_object() {
        return Err(EntryError::Detail("not an object".to_string()));
    }
    let resources = match map.get("Resources") {
        None => Vec::new(),
        Some(J::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or(EntryError::Resources)?,
        Some(_) => return Err(EntryError::Resources),
    };
    let time = map.get("Time").and_then(J::as_str).unwrap_or("1970-01-01T00:00:00Z");
    Ok(json!({
        "version": "0",
        "id": "00000000-0000-0000-0000-000000000000",
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": time,
        "region": region,
        "resources": resources,
        "detail": detail,
    }))
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
        assert_eq!(from_put_events_entry(&json!([]), "a", "r"), Err(EntryError::NotAnObject));
        assert_eq!(
            from_put_events_entry(&json!({"DetailType": "t", "Detail": "{}"}), "a", "r"),
            Err(EntryError::Missing("Source"))
        );
        assert!(matches!(
            from_put_events_entry(&json!({"Source": "s", "DetailType": "t", "Detail": "[1]"}), "a", "r"),
            Err(EntryError::Detail(_))
        ));
        assert_eq!(
            from_put_events_entry(
                &json!({"Source": "s", "DetailType": "t", "Detail": "{}", "Resources": [1]}),
                "a",
                "r"
            ),
            Err(EntryError::Resources)
        );
    }
}

//! Duplicate keys in JSON text: `serde_json` keeps only the last value of a repeated key, which
//! would silently drop a state of an imported definition. This scan reports them instead.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Problems for every key repeated within one object of `text` (empty for invalid JSON, which
/// the regular parse reports).
pub(crate) fn duplicate_key_problems(text: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Scan { path: Vec::new(), found: &found }.deserialize(&mut de);
    found.into_inner()
}

struct Scan<'a> {
    path: Vec<String>,
    found: &'a RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                let message = if self.path.last().map(String::as_str) == Some("States") {
                    format!("state {key:?}: the name is used by more than one state (repeated key in the JSON text)")
                } else {
                    let at = if self.path.is_empty() { "/".to_string() } else { format!("/{}", self.path.join("/")) };
                    format!("definition: key {key:?} appears more than once in the object at {at}")
                };
                self.found.borrow_mut().push(message);
            }
            let mut path = self.path.clone();
            path.push(key);
            map.next_value_seed(Scan { path, found: self.found })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let mut path = self.path.clone();
            path.push(i.to_string());
            if seq.next_element_seed(Scan { path, found: self.found })?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_repeated_state_names_and_keys() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "End": true}, "A": {"Type": "Succeed"}}, "Comment": [{"x": 1, "x": 2}]}"#;
        assert_eq!(
            duplicate_key_problems(text),
            vec![
                "definition: key \"End\" appears more than once in the object at /States/A",
                "state \"A\": the name is used by more than one state (repeated key in the JSON text)",
                "definition: key \"x\" appears more than once in the object at /Comment/0",
            ]
        );
        assert!(duplicate_key_problems(r#"{"a": {"b": [1, {"c": null}]}}"#).is_empty());
        assert!(duplicate_key_problems("{broken").is_empty());
    }
}

//! Reading one JSON object of an imported definition: typed field access that records a clear
//! problem for a wrong type, a missing required field or a field the object may not have.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use super::fields::{PathOrNull, Transition};
use crate::num::Num;

/// A JSON object being read, with the context its problems are reported under.
pub(crate) struct Reader<'a, 'p> {
    obj: &'a Map<String, Json>,
    used: BTreeSet<&'a str>,
    pub ctx: String,
    pub problems: &'p mut Vec<String>,
}

impl<'a, 'p> Reader<'a, 'p> {
    pub fn new(obj: &'a Map<String, Json>, ctx: impl Into<String>, problems: &'p mut Vec<String>) -> Reader<'a, 'p> {
        Reader { obj, used: BTreeSet::new(), ctx: ctx.into(), problems }
    }

    pub fn problem(&mut self, message: impl AsRef<str>) {
        self.problems.push(format!("{}: {}", self.ctx, message.as_ref()));
    }

    /// The object's keys, in document order.
    pub fn keys(&self) -> Vec<String> {
        self.obj.keys().cloned().collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    /// The raw field, marked as read.
    pub fn raw(&mut self, key: &str) -> Option<&'a Json> {
        let (k, v) = self.obj.get_key_value(key)?;
        self.used.insert(k.as_str());
        Some(v)
    }

    fn wrong(&mut self, key: &str, expected: &str, got: &Json) {
        self.problem(format!("{key} must be {expected}, not {}", framework::json_kind(got)));
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.raw(key)? {
            Json::String(s) => Some(s.clone()),
            other => {
                self.wrong(key, "a string", other);
                None
            }
        }
    }

    pub fn required_string(&mut self, key: &str) -> Option<String> {
        if !self.has(key) {
            self.problem(format!("missing required field {key}"));
            return None;
        }
        self.string(key)
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.raw(key)? {
            Json::Bool(b) => Some(*b),
            other => {
                self.wrong(key, "a boolean", other);
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<Num> {
        match self.raw(key)? {
            Json::Number(n) => Some(Num::from(n.clone())),
            other => {
                self.wrong(key, "a number", other);
                None
            }
        }
    }

    /// A non-negative integer.
    pub fn uint(&mut self, key: &str) -> Option<u32> {
        match self.raw(key)? {
            Json::Number(n) => match n.as_u64().and_then(|u| u32::try_from(u).ok()) {
                Some(u) => Some(u),
                None => {
                    self.problem(format!("{key} must be a non-negative integer (got {n})"));
                    None
                }
            },
            other => {
                self.wrong(key, "a non-negative integer", other);
                None
            }
        }
    }

    /// Any JSON value, as a framework value.
    pub fn value(&mut self, key: &str) -> Option<framework::Value> {
        self.raw(key).map(|v| framework::Value::from(v.clone()))
    }

    pub fn object(&mut self, key: &str) -> Option<&'a Map<String, Json>> {
        match self.raw(key)? {
            Json::Object(o) => Some(o),
            other => {
                self.wrong(key, "an object", other);
                None
            }
        }
    }

    pub fn array(&mut self, key: &str) -> Option<&'a Vec<Json>> {
        match self.raw(key)? {
            Json::Array(a) => Some(a),
            other => {
                self.wrong(key, "an array", other);
                None
            }
        }
    }

    pub fn strings(&mut self, key: &str) -> Option<Vec<String>> {
        let items = self.array(key)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Json::String(s) => out.push(s.clone()),
                other => {
                    self.wrong(&format!("each item of {key}"), "a string", other);
                    return None;
                }
            }
        }
        Some(out)
    }

    pub fn path_or_null(&mut self, key: &str) -> Option<PathOrNull> {
        match self.raw(key)? {
            Json::Null => Some(PathOrNull::Null),
            Json::String(s) => Some(PathOrNull::Path(s.clone())),
            other => {
                self.wrong(key, "a path string or null", other);
                None
            }
        }
    }

    /// `Next` / `End`: exactly one of them (a missing one is left to graph validation).
    pub fn transition(&mut self) -> Option<Transition> {
        let next = self.string("Next");
        let end = self.bool("End").unwrap_or(false);
        match (next, end) {
            (Some(_), true) => {
                self.problem("has both Next and End; it must have exactly one of them");
                None
            }
            (Some(n), false) => Some(Transition::Next(n)),
            (None, true) => Some(Transition::End),
            (None, false) => None,
        }
    }

    /// Reports every field that was not read: it is not allowed in `what`.
    pub fn finish(mut self, what: &str) {
        let unknown: Vec<String> = self.obj.keys().filter(|k| !self.used.contains(k.as_str())).cloned().collect();
        for k in unknown {
            let message = match (k.as_str(), self.obj.get(&k)) {
                ("QueryLanguage", Some(Json::String(language))) if language == "JSONPath" => continue,
                ("QueryLanguage", Some(language)) => {
                    format!("QueryLanguage {language} is not supported yet (only JSONPath, the default)")
                }
                ("Assign", _) => "Assign (workflow variables) is not supported yet".to_string(),
                (field @ ("Arguments" | "Output" | "Condition" | "Items"), _) => {
                    format!("field {field:?} belongs to the JSONata query language, which is not supported yet")
                }
                _ => format!("field {k:?} is not allowed in {what}"),
            };
            self.problem(message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonata_and_variables_are_not_supported_yet() {
        let obj = json!({"QueryLanguage": "JSONata", "Assign": {"x": 1}, "Output": "{% $states.input %}"});
        let mut problems = Vec::new();
        Reader::new(obj.as_object().unwrap(), "state \"A\"", &mut problems).finish("a Pass state");
        assert_eq!(
            problems,
            [
                "state \"A\": QueryLanguage \"JSONata\" is not supported yet (only JSONPath, the default)",
                "state \"A\": Assign (workflow variables) is not supported yet",
                "state \"A\": field \"Output\" belongs to the JSONata query language, which is not supported yet",
            ]
        );
        let jsonpath = json!({"QueryLanguage": "JSONPath"});
        let mut none = Vec::new();
        Reader::new(jsonpath.as_object().unwrap(), "definition", &mut none).finish("a definition");
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn reports_wrong_types_missing_and_unknown_fields() {
        let obj = json!({"Type": "Pass", "Next": 3, "Seconds": -1, "Extra": true});
        let mut problems = Vec::new();
        let mut r = Reader::new(obj.as_object().unwrap(), "state \"A\"", &mut problems);
        assert_eq!(r.string("Type").as_deref(), Some("Pass"));
        assert_eq!(r.string("Next"), None);
        assert_eq!(r.uint("Seconds"), None);
        assert_eq!(r.required_string("Result"), None);
        r.finish("a Pass state");
        assert_eq!(
            problems,
            vec![
                "state \"A\": Next must be a string, not a number",
                "state \"A\": Seconds must be a non-negative integer (got -1)",
                "state \"A\": missing required field Result",
                "state \"A\": field \"Extra\" is not allowed in a Pass state",
            ]
        );
    }

    #[test]
    fn next_and_end_together() {
        let obj = json!({"Next": "B", "End": true});
        let mut problems = Vec::new();
        let mut r = Reader::new(obj.as_object().unwrap(), "state \"A\"", &mut problems);
        assert_eq!(r.transition(), None);
        assert!(problems[0].contains("both Next and End"));
    }
}

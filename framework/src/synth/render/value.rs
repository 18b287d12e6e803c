//! Typed values to template JSON: literals as they are, intrinsics as `Fn::*` calls, references
//! resolved on the way (see [`resolve`](crate::synth::resolve)), `Value::JsonString` as the JSON
//! text of its value with the tokens joined in (`Fn::Join`), as AWS CDK's `Stack.toJsonString`.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use crate::synth::prepare::LogicalIds;
use crate::synth::resolve::{resolve, Links, Resolved};
use crate::tree::{App, NodeRef};
use crate::validation::Problem;
use crate::value::Value;

/// State while rendering one element of one stack.
pub(crate) struct Renderer<'a> {
    pub app: &'a App,
    pub stack: usize,
    pub logical_ids: &'a LogicalIds,
    /// Path of the element being rendered (for problems).
    pub path: &'a str,
    /// Same-stack resources referenced (implicit dependencies).
    pub refs: BTreeSet<u32>,
    /// Cross-stack links found.
    pub links: &'a mut Links,
    pub problems: &'a mut Vec<Problem>,
}

impl Renderer<'_> {
    fn problem(&mut self, message: String) {
        let p = Problem { path: self.path.to_string(), message };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    /// The logical ID `target` renders to (or the export it is imported from), recording the
    /// dependency; `None` after a problem.
    fn target_id(&mut self, target: NodeRef, attribute: Option<&str>) -> Option<Resolved> {
        match resolve(self.app, self.logical_ids, self.stack, target, attribute, self.links, &mut self.refs) {
            Ok(resolved) => Some(resolved),
            Err(message) => {
                self.problem(message);
                None
            }
        }
    }

    /// Renders a value to template JSON.
    pub fn render(&mut self, value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(s.clone()),
            Value::List(items) => Json::Array(items.iter().map(|v| self.render(v)).collect()),
            Value::Map(map) => {
                let mut out = Map::with_capacity(map.len());
                for (k, v) in map {
                    out.insert(k.clone(), self.render(v));
                }
                Json::Object(out)
            }
            Value::Ref(target) => match self.target_id(*target, None) {
                Some(Resolved::Local(id)) => fun("Ref", Json::String(id)),
                Some(Resolved::Import(export)) => fun("Fn::ImportValue", Json::String(export)),
                None => Json::Null,
            },
            Value::GetAtt(target, attr) => match self.target_id(*target, Some(attr)) {
                Some(Resolved::Local(id)) => {
                    fun("Fn::GetAtt", Json::Array(vec![Json::String(id), Json::String(attr.clone())]))
                }
                Some(Resolved::Import(export)) => fun("Fn::ImportValue", Json::String(export)),
                None => Json::Null,
            },
            Value::Condition(target) => match self.target_id(*target, None) {
                Some(Resolved::Local(id)) => fun("Condition", Json::String(id)),
                _ => Json::Null,
            },
            Value::If(cond, a, b) => {
                let id = match self.target_id(*cond, None) {
                    Some(Resolved::Local(id)) => Json::String(id),
                    _ => Json::Null,
                };
                fun("Fn::If", Json::Array(vec![id, self.render(a), self.render(b)]))
            }
            Value::Pseudo(p) => fun("Ref", Json::String(p.name().to_string())),
            Value::LogicalId(target) => {
                let id = (target.app == self.app.id)
                    .then(|| self.logical_ids.get(target.stack as usize)?.get(target.node as usize)?.clone())
                    .flatten();
                match id {
                    Some(id) => Json::String(id),
                    None => {
                        self.problem("names the logical ID of an element that is not in this app".into());
                        Json::Null
                    }
                }
            }
            Value::Sub(template, vars) => {
                if vars.is_empty() {
                    fun("Fn::Sub", Json::String(template.clone()))
                } else {
                    let vars: Map<String, Json> = vars.iter().map(|(k, v)| (k.clone(), self.render(v))).collect();
                    fun("Fn::Sub", Json::Array(vec![Json::String(template.clone()), Json::Object(vars)]))
                }
            }
            Value::Join(delimiter, parts) => {
                let parts: Vec<Json> = parts.iter().map(|v| self.render(v)).collect();
                fun("Fn::Join", Json::Array(vec![Json::String(delimiter.clone()), Json::Array(parts)]))
            }
            Value::Select(i, list) => fun("Fn::Select", Json::Array(vec![Json::from(*i), self.render(list)])),
            Value::Split(d, source) => {
                fun("Fn::Split", Json::Array(vec![Json::String(d.clone()), self.render(source)]))
            }
            Value::ImportValue(v) => fun("Fn::ImportValue", self.render(v)),
            Value::Base64(v) => fun("Fn::Base64", self.render(v)),
            Value::GetAzs(v) => fun("Fn::GetAZs", self.render(v)),
            Value::Equals(a, b) => fun("Fn::Equals", Json::Array(vec![self.render(a), self.render(b)])),
            Value::And(items) => fun("Fn::And", Json::Array(items.iter().map(|v| self.render(v)).collect())),
            Value::Or(items) => fun("Fn::Or", Json::Array(items.iter().map(|v| self.render(v)).collect())),
            Value::Not(v) => fun("Fn::Not", Json::Array(vec![self.render(v)])),
            Value::JsonString(inner) => {
                let mut parts = JsonTextParts::default();
                parts.write_value(inner);
                let joined = Value::join("", parts.finish());
                self.render(&joined)
            }
        }
    }
}

/// `{name: value}`: an intrinsic function call, built without copying `value`.
pub(crate) fn fun(name: &str, value: Json) -> Json {
    let mut m = Map::with_capacity(1);
    m.insert(name.to_string(), value);
    Json::Object(m)
}

/// Builds the JSON text of a value with tokens as separate parts (for `Fn::Join`).
#[derive(Default)]
struct JsonTextParts {
    parts: Vec<Value>,
    buf: String,
}

impl JsonTextParts {
    fn flush(&mut self) {
        if !self.buf.is_empty() {
            self.parts.push(Value::String(std::mem::take(&mut self.buf)));
        }
    }

    fn write_value(&mut self, v: &Value) {
        match v {
            Value::Null => self.buf.push_str("null"),
            Value::Bool(b) => self.buf.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.buf.push_str(&n.to_string()),
            Value::String(s) => self.buf.push_str(&Json::String(s.clone()).to_string()),
            Value::List(items) => {
                self.buf.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(',');
                    }
                    self.write_value(item);
                }
                self.buf.push(']');
            }
            Value::Map(map) => {
                self.buf.push('{');
                for (i, (k, item)) in map.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(',');
                    }
                    self.buf.push_str(&Json::String(k.clone()).to_string());
                    self.buf.push(':');
                    self.write_value(item);
                }
                self.buf.push('}');
            }
            Value::JsonString(inner) => {
                // A JSON string nested in JSON text: only literal content can be escaped here.
                let mut nested = JsonTextParts::default();
                nested.write_value(inner);
                let parts = nested.finish();
                self.buf.push('"');
                for p in parts {
                    match p {
                        Value::String(s) => {
                            let quoted = Json::String(s).to_string();
                            self.buf.push_str(&quoted[1..quoted.len() - 1]);
                        }
                        token => {
                            self.flush();
                            self.parts.push(token);
                        }
                    }
                }
                self.buf.push('"');
            }
            token => {
                // Tokens resolve to strings (ARNs, names): quote them.
                self.buf.push('"');
                self.flush();
                self.parts.push(token.clone());
                self.buf.push('"');
            }
        }
    }

    fn finish(mut self) -> Vec<Value> {
        self.flush();
        self.parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_with_tokens_becomes_parts() {
        let mut parts = JsonTextParts::default();
        let v = Value::map([("a", Value::from(1)), ("b", Value::Pseudo(crate::Pseudo::Region))]);
        parts.write_value(&v);
        let parts = parts.finish();
        assert_eq!(
            parts,
            vec![Value::from("{\"a\":1,\"b\":\""), Value::Pseudo(crate::Pseudo::Region), Value::from("\"}")]
        );
    }
}

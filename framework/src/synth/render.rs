//! Rendering typed values to template JSON, resolving references to logical IDs.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use crate::tree::{App, NodeKind, NodeRef};
use crate::validation::Problem;
use crate::value::Value;

/// A reference from one stack to an element of another, satisfied by an export.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ExportRequest {
    pub producer: usize,
    pub target: NodeRef,
    pub attribute: Option<String>,
}

/// Logical IDs of every template element, per stack (indexed by node).
pub(crate) type LogicalIds = Vec<Vec<Option<String>>>;

/// State while rendering one element of one stack.
pub(crate) struct Renderer<'a> {
    pub app: &'a App,
    pub stack: usize,
    pub logical_ids: &'a LogicalIds,
    /// Path of the element being rendered (for problems).
    pub path: &'a str,
    /// Same-stack resources referenced (implicit dependencies).
    pub refs: BTreeSet<u32>,
    pub exports: &'a mut BTreeSet<ExportRequest>,
    pub stack_deps: &'a mut BTreeSet<(usize, usize)>,
    pub problems: &'a mut Vec<Problem>,
}

impl Renderer<'_> {
    fn problem(&mut self, message: String) {
        let p = Problem { path: self.path.to_string(), message };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    /// The logical ID `target` renders to, recording the dependency; `None` after a problem.
    fn target_id(&mut self, target: NodeRef, attribute: Option<&str>) -> Option<Result<String, String>> {
        if target.app != self.app.id {
            self.problem(format!(
                "references a construct of another app (node {} of that app's stack {}); \
                 constructs can only refer to constructs of the same app",
                target.node, target.stack
            ));
            return None;
        }
        let Some(stack) = self.app.stacks.get(target.stack as usize) else {
            self.problem("references a stack that does not exist".to_string());
            return None;
        };
        let Some(node) = stack.nodes.get(target.node as usize) else {
            self.problem("references a construct that does not exist".to_string());
            return None;
        };
        let target_path = stack.path_of(target.node);
        let Some(id) = self.logical_ids[target.stack as usize][target.node as usize].clone() else {
            self.problem(format!(
                "references {target_path}, which is not a resource, parameter or condition"
            ));
            return None;
        };
        if target.stack as usize == self.stack {
            if matches!(node.kind, NodeKind::Resource(_)) {
                self.refs.insert(target.node);
            }
            return Some(Ok(id));
        }
        if !matches!(node.kind, NodeKind::Resource(_)) {
            self.problem(format!(
                "references {target_path} of another stack; only resources can be shared between stacks"
            ));
            return None;
        }
        let producer = target.stack as usize;
        self.stack_deps.insert((self.stack, producer));
        let request = ExportRequest { producer, target, attribute: attribute.map(str::to_string) };
        let name = export_name(self.app, self.logical_ids, &request);
        self.exports.insert(request);
        Some(Err(name))
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
                Some(Ok(id)) => fun("Ref", Json::String(id)),
                Some(Err(export)) => fun("Fn::ImportValue", Json::String(export)),
                None => Json::Null,
            },
            Value::GetAtt(target, attr) => match self.target_id(*target, Some(attr)) {
                Some(Ok(id)) => fun("Fn::GetAtt", Json::Array(vec![Json::String(id), Json::String(attr.clone())])),
                Some(Err(export)) => fun("Fn::ImportValue", Json::String(export)),
                None => Json::Null,
            },
            Value::Condition(target) => match self.target_id(*target, None) {
                Some(Ok(id)) => fun("Condition", Json::String(id)),
                _ => Json::Null,
            },
            Value::If(cond, a, b) => {
                let id = match self.target_id(*cond, None) {
                    Some(Ok(id)) => Json::String(id),
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
            Value::Split(d, source) => fun("Fn::Split", Json::Array(vec![Json::String(d.clone()), self.render(source)])),
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

/// The export name for a cross-stack reference (same shape as AWS CDK's).
pub(crate) fn export_name(app: &App, logical_ids: &LogicalIds, request: &ExportRequest) -> String {
    let producer = &app.stacks[request.producer];
    let id = logical_ids[request.producer][request.target.node as usize].clone().unwrap_or_default();
    format!("{}:{}", producer.stack_name(), export_output_id(&id, request.attribute.as_deref()))
}

/// The logical ID of the output that carries an export.
pub(crate) fn export_output_id(logical_id: &str, attribute: Option<&str>) -> String {
    let human = match attribute {
        None => format!("ExportsOutputRef{logical_id}"),
        Some(attr) => format!(
            "ExportsOutputFnGetAtt{logical_id}{}",
            attr.chars().filter(char::is_ascii_alphanumeric).collect::<String>()
        ),
    };
    let hash = crate::logical_id(&["Exports", &human]).unwrap_or_default();
    format!("{human}{}", &hash[hash.len() - 8..])
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

/// Applies an escape-hatch override (dotted path, `\.` for a literal dot) to a rendered resource.
pub(crate) fn apply_override(resource: &mut Json, path: &str, value: Option<&Json>) {
    let mut keys: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                cur.push('.');
                chars.next();
            }
            '.' => keys.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    keys.push(cur);
    let Some((last, parents)) = keys.split_last() else { return };
    let mut node = resource;
    for key in parents {
        if !node.is_object() {
            *node = Json::Object(Map::new());
        }
        let obj = node.as_object_mut().expect("made an object above");
        if value.is_none() && !obj.contains_key(key) {
            return;
        }
        node = obj.entry(key.clone()).or_insert_with(|| Json::Object(Map::new()));
    }
    if !node.is_object() {
        if value.is_none() {
            return;
        }
        *node = Json::Object(Map::new());
    }
    let obj = node.as_object_mut().expect("made an object above");
    match value {
        Some(v) => {
            obj.insert(last.clone(), v.clone());
        }
        None => {
            obj.shift_remove(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overrides_create_delete_and_escape() {
        let mut r = json!({"Type": "T", "Properties": {"A": {"B": 1}}});
        apply_override(&mut r, "Properties.A.C", Some(&json!(2)));
        apply_override(&mut r, "Properties.X\\.Y", Some(&json!("dot")));
        apply_override(&mut r, "Properties.A.B", None);
        apply_override(&mut r, "Properties.Missing.Deep", None);
        assert_eq!(r, json!({"Type": "T", "Properties": {"A": {"C": 2}, "X.Y": "dot"}}));
    }

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

    #[test]
    fn export_ids_are_stable() {
        let a = export_output_id("Role1ABCC5F0", Some("Arn"));
        assert!(a.starts_with("ExportsOutputFnGetAttRole1ABCC5F0Arn"), "{a}");
        assert_eq!(a, export_output_id("Role1ABCC5F0", Some("Arn")));
        assert_ne!(a, export_output_id("Role1ABCC5F0", None));
    }
}

//! Typed CloudFormation values: literals plus intrinsic functions (tokens).
//!
//! Everything a construct puts into a template is a [`Value`]. Literals come from the usual Rust
//! types through `From`; references to other constructs come from their handles (`role.arn()`),
//! and pseudo parameters from [`Pseudo`]. Rendering to JSON happens at synth time, when logical
//! IDs are known; references recorded here become the implicit dependencies of a resource.
//!
//! ```
//! use framework::{Pseudo, Value};
//! let arn = Value::sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:demo");
//! let joined = Value::join("", ["arn:", "aws"]);
//! assert_eq!(joined, Value::from("arn:aws"));
//! let account: Value = Pseudo::AccountId.into();
//! assert!(account.is_token());
//! assert!(arn.is_token());
//! ```

use std::collections::BTreeMap;

use crate::tree::NodeRef;

/// A value in a CloudFormation template: a JSON literal or an intrinsic function.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// JSON `null` (left out of properties).
    #[default]
    Null,
    /// JSON boolean.
    Bool(bool),
    /// JSON number.
    Number(serde_json::Number),
    /// JSON string literal.
    String(String),
    /// JSON array.
    List(Vec<Value>),
    /// JSON object, keys sorted (deterministic output).
    Map(BTreeMap<String, Value>),
    /// `{"Ref": <logical id>}` of a resource, parameter or condition node.
    Ref(NodeRef),
    /// `{"Fn::GetAtt": [<logical id>, <attribute>]}`.
    GetAtt(NodeRef, String),
    /// `{"Ref": "AWS::..."}`.
    Pseudo(Pseudo),
    /// `{"Fn::Sub": template}` or `{"Fn::Sub": [template, {vars}]}`.
    Sub(String, BTreeMap<String, Value>),
    /// `{"Fn::Join": [delimiter, [parts]]}`.
    Join(String, Vec<Value>),
    /// `{"Fn::Select": [index, list]}`.
    Select(u32, Box<Value>),
    /// `{"Fn::Split": [delimiter, source]}`.
    Split(String, Box<Value>),
    /// `{"Fn::ImportValue": name}`.
    ImportValue(Box<Value>),
    /// `{"Fn::If": [condition, then, else]}`.
    If(NodeRef, Box<Value>, Box<Value>),
    /// `{"Fn::Base64": value}`.
    Base64(Box<Value>),
    /// `{"Fn::GetAZs": region}`.
    GetAzs(Box<Value>),
    /// `{"Fn::Equals": [a, b]}` (condition expressions).
    Equals(Box<Value>, Box<Value>),
    /// `{"Fn::And": [...]}` (condition expressions).
    And(Vec<Value>),
    /// `{"Fn::Or": [...]}` (condition expressions).
    Or(Vec<Value>),
    /// `{"Fn::Not": [cond]}` (condition expressions).
    Not(Box<Value>),
    /// `{"Condition": <logical id>}` inside condition expressions.
    Condition(NodeRef),
    /// The JSON text of a value that may contain tokens, rendered as a string (or `Fn::Join`
    /// when it has tokens).
    JsonString(Box<Value>),
    /// The logical ID of a template element, as a string (known once synth assigns IDs; follows
    /// logical ID overrides). Used for default physical names, as AWS CDK does.
    LogicalId(NodeRef),
}

/// CloudFormation pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pseudo {
    /// `AWS::AccountId`: the account the stack is deployed in.
    AccountId,
    /// `AWS::Region`: the region the stack is deployed in.
    Region,
    /// `AWS::Partition`: `aws`, `aws-cn`, `aws-us-gov`...
    Partition,
    /// `AWS::StackName`.
    StackName,
    /// `AWS::StackId`: the stack's ARN.
    StackId,
    /// `AWS::URLSuffix`: `amazonaws.com` (or the partition's).
    UrlSuffix,
    /// `AWS::NotificationARNs`: the stack's notification topics.
    NotificationArns,
    /// `AWS::NoValue`: removes the property it is given to.
    NoValue,
}

impl Pseudo {
    /// The name used in `{"Ref": ...}`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::NoValue => "AWS::NoValue",
        }
    }

    /// Parses `AWS::AccountId` and friends.
    pub fn from_name(name: &str) -> Option<Pseudo> {
        Some(match name {
            "AWS::AccountId" => Pseudo::AccountId,
            "AWS::Region" => Pseudo::Region,
            "AWS::Partition" => Pseudo::Partition,
            "AWS::StackName" => Pseudo::StackName,
            "AWS::StackId" => Pseudo::StackId,
            "AWS::URLSuffix" => Pseudo::UrlSuffix,
            "AWS::NotificationARNs" => Pseudo::NotificationArns,
            "AWS::NoValue" => Pseudo::NoValue,
            _ => return None,
        })
    }
}

impl Value {
    /// `Fn::Sub` with only pseudo parameters / resource references by logical id in `${}`.
    pub fn sub(template: impl Into<String>) -> Value {
        Value::Sub(template.into(), BTreeMap::new())
    }

    /// `Fn::Sub` with variables.
    pub fn sub_with<K: Into<String>>(template: impl Into<String>, vars: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Sub(template.into(), vars.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// `Fn::Join`, folding adjacent literal strings; a join of literals only is a literal.
    pub fn join<V: Into<Value>>(delimiter: &str, parts: impl IntoIterator<Item = V>) -> Value {
        let parts: Vec<Value> = parts.into_iter().map(Into::into).collect();
        if parts.iter().all(|p| matches!(p, Value::String(_))) {
            let strings: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
            return Value::String(strings.join(delimiter));
        }
        if delimiter.is_empty() {
            let mut folded: Vec<Value> = Vec::with_capacity(parts.len());
            for part in parts {
                match (folded.last_mut(), part) {
                    (_, Value::String(s)) if s.is_empty() => {}
                    (Some(Value::String(prev)), Value::String(s)) => prev.push_str(&s),
                    (_, Value::Join(d, inner)) if d.is_empty() => folded.extend(inner),
                    (_, other) => folded.push(other),
                }
            }
            if folded.len() == 1 {
                return folded.pop().unwrap_or(Value::String(String::new()));
            }
            return Value::Join(String::new(), folded);
        }
        Value::Join(delimiter.to_string(), parts)
    }

    /// The JSON text of `value`, as a string value (a `Fn::Join` when it contains tokens).
    pub fn json_string(value: impl Into<Value>) -> Value {
        Value::JsonString(Box::new(value.into()))
    }

    /// `Fn::Select`.
    pub fn select(index: u32, list: impl Into<Value>) -> Value {
        Value::Select(index, Box::new(list.into()))
    }

    /// `Fn::Split`.
    pub fn split(delimiter: impl Into<String>, source: impl Into<Value>) -> Value {
        Value::Split(delimiter.into(), Box::new(source.into()))
    }

    /// `Fn::ImportValue`.
    pub fn import_value(name: impl Into<Value>) -> Value {
        Value::ImportValue(Box::new(name.into()))
    }

    /// `Fn::Equals` (for conditions).
    pub fn equals(a: impl Into<Value>, b: impl Into<Value>) -> Value {
        Value::Equals(Box::new(a.into()), Box::new(b.into()))
    }

    /// An object from key/value pairs.
    pub fn map<K: Into<String>, V: Into<Value>>(pairs: impl IntoIterator<Item = (K, V)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// A list from items.
    pub fn list<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }

    /// The literal string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// True when this value is (or contains) an intrinsic function, so its final text is only
    /// known at deploy time.
    pub fn is_token(&self) -> bool {
        match self {
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => false,
            Value::List(items) => items.iter().any(Value::is_token),
            Value::Map(map) => map.values().any(Value::is_token),
            _ => true,
        }
    }

    /// Calls `f` for every node reference in this value (the implicit dependencies).
    pub fn visit_refs(&self, f: &mut dyn FnMut(NodeRef)) {
        match self {
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Pseudo(_) => {}
            Value::List(items) | Value::Join(_, items) | Value::And(items) | Value::Or(items) => {
                items.iter().for_each(|v| v.visit_refs(f))
            }
            Value::Map(map) | Value::Sub(_, map) => map.values().for_each(|v| v.visit_refs(f)),
            Value::Ref(r) | Value::GetAtt(r, _) | Value::Condition(r) => f(*r),
            Value::LogicalId(_) => {}
            Value::Select(_, v)
            | Value::Split(_, v)
            | Value::ImportValue(v)
            | Value::Base64(v)
            | Value::GetAzs(v)
            | Value::Not(v)
            | Value::JsonString(v) => v.visit_refs(f),
            Value::If(c, a, b) => {
                f(*c);
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Value::Equals(a, b) => {
                a.visit_refs(f);
                b.visit_refs(f);
            }
        }
    }

    /// The length in bytes of this value's compact JSON text, without building it; `None` when
    /// it contains a token (its text is only known at deploy time).
    ///
    /// ```
    /// use framework::{Pseudo, Value};
    /// let v = Value::map([("a", Value::list([Value::from("x\"y"), Value::from(10), Value::Null]))]);
    /// assert_eq!(v.literal_json_len(), Some(r#"{"a":["x\"y",10,null]}"#.len()));
    /// assert_eq!(Value::from(Pseudo::Region).literal_json_len(), None);
    /// ```
    pub fn literal_json_len(&self) -> Option<usize> {
        fn string_len(s: &str) -> usize {
            2 + s
                .chars()
                .map(|c| match c {
                    '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
                    c if (c as u32) < 0x20 => 6,
                    c => c.len_utf8(),
                })
                .sum::<usize>()
        }
        Some(match self {
            Value::Null => 4,
            Value::Bool(true) => 4,
            Value::Bool(false) => 5,
            Value::Number(n) => n.to_string().len(),
            Value::String(s) => string_len(s),
            Value::List(items) => {
                let mut len = 2 + items.len().saturating_sub(1);
                for item in items {
                    len += item.literal_json_len()?;
                }
                len
            }
            Value::Map(map) => {
                let mut len = 2 + map.len().saturating_sub(1);
                for (k, v) in map {
                    len += string_len(k) + 1 + v.literal_json_len()?;
                }
                len
            }
            _ => return None,
        })
    }

    /// True for an empty map, empty list or null: properties holding these are left out.
    pub fn is_empty_collection(&self) -> bool {
        match self {
            Value::Null => true,
            Value::List(items) => items.is_empty(),
            Value::Map(map) => map.is_empty(),
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self { Value::Number(n.into()) }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64, usize);
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null)
    }
}
impl From<Pseudo> for Value {
    fn from(p: Pseudo) -> Self {
        Value::Pseudo(p)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}
impl<V: Into<Value>> From<BTreeMap<String, V>> for Value {
    fn from(map: BTreeMap<String, V>) -> Self {
        Value::Map(map.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Into::into).collect()),
            serde_json::Value::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, v.into())).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_folds_literals() {
        assert_eq!(Value::join("", ["a", "b"]), Value::from("ab"));
        assert_eq!(Value::join(",", ["a", "b"]), Value::from("a,b"));
        let j = Value::join("", [Value::from("a"), Value::from("b"), Pseudo::Region.into(), Value::from("c")]);
        assert_eq!(j, Value::Join(String::new(), vec!["ab".into(), Value::Pseudo(Pseudo::Region), "c".into()]));
    }

    #[test]
    fn literal_json_len_matches_serde_json() {
        let v = serde_json::json!({"a": [1, 2.5, -3, true, false, null], "b\n": "tab\there \u{1} é \\ \"q\"", "c": {}, "d": []});
        let ours = Value::from(v.clone()).literal_json_len();
        assert_eq!(ours, Some(v.to_string().len()));
    }

    #[test]
    fn token_detection() {
        assert!(!Value::from("x").is_token());
        assert!(Value::list([Value::Pseudo(Pseudo::Region)]).is_token());
        assert!(!Value::map([("a", 1)]).is_token());
    }

    #[test]
    fn pseudo_names_round_trip() {
        for p in [Pseudo::AccountId, Pseudo::Region, Pseudo::Partition, Pseudo::StackName, Pseudo::NoValue] {
            assert_eq!(Pseudo::from_name(p.name()), Some(p));
        }
    }
}

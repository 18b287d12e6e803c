//! Human-readable rendering of CloudFormation intrinsics, for the IAM table and for JSON held in
//! strings: `{"Ref": "A"}` becomes `${A}`, `{"Fn::GetAtt": ["A", "Arn"]}` becomes `${A.Arn}`, an
//! `Fn::Join` of a literal list is joined, `AWS::NoValue` disappears. Other intrinsics stay as
//! their compact JSON text. Not meant to be parsed back.

use serde_json::{Map, Value};

/// `v` with its intrinsics rendered as strings (see the module docs).
pub fn render_intrinsics(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().filter(|x| !is_no_value(x)).map(render_intrinsics).collect()),
        Value::Object(m) => {
            if let Some(s) = intrinsic_text(m) {
                return Value::String(s);
            }
            let out: Map<String, Value> =
                m.iter().filter(|(_, x)| !is_no_value(x)).map(|(k, x)| (k.clone(), render_intrinsics(x))).collect();
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The text of an intrinsic object (one `Ref` or `Fn::*` key), or `None` for plain objects.
fn intrinsic_text(m: &Map<String, Value>) -> Option<String> {
    if m.len() != 1 {
        return None;
    }
    let (k, arg) = m.iter().next()?;
    match (k.as_str(), arg) {
        ("Ref", Value::String(id)) => Some(format!("${{{id}}}")),
        ("Fn::GetAtt", Value::Array(a)) if a.len() == 2 => match (&a[0], &a[1]) {
            (Value::String(id), Value::String(att)) => Some(format!("${{{id}.{att}}}")),
            _ => Some(compact(k, arg)),
        },
        ("Fn::GetAtt", Value::String(s)) => Some(format!("${{{s}}}")),
        ("Fn::Sub", Value::String(s)) => Some(s.clone()),
        ("Fn::Join", Value::Array(a)) if a.len() == 2 => match (&a[0], &a[1]) {
            (Value::String(sep), Value::Array(parts)) => {
                let texts: Vec<String> = parts
                    .iter()
                    .filter(|p| !is_no_value(p))
                    .map(|p| match render_intrinsics(p) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect();
                Some(texts.join(sep))
            }
            _ => Some(compact(k, arg)),
        },
        (k, _) if k == "Ref" || k.starts_with("Fn::") => Some(compact(k, arg)),
        _ => None,
    }
}

fn compact(k: &str, arg: &Value) -> String {
    let mut m = Map::new();
    m.insert(k.to_string(), render_intrinsics(arg));
    Value::Object(m).to_string()
}

fn is_no_value(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue"))
}

/// A value as one line of text: strings as they are, anything else as compact JSON.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_references_and_joins() {
        let v = json!({
            "A": {"Ref": "Role"},
            "B": {"Fn::GetAtt": ["Role", "Arn"]},
            "C": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b"]]},
            "D": {"Ref": "AWS::NoValue"},
            "E": [{"Ref": "AWS::NoValue"}, "x"],
            "F": {"Fn::If": ["Cond", "a", "b"]}
        });
        assert_eq!(
            render_intrinsics(&v),
            json!({"A": "${Role}", "B": "${Role.Arn}", "C": "arn:${AWS::Partition}:s3:::b",
                   "E": ["x"], "F": "{\"Fn::If\":[\"Cond\",\"a\",\"b\"]}"})
        );
    }
}

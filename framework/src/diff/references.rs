//! Where a template value references other resources: `Ref`, `Fn::GetAtt` and `Fn::Sub`
//! placeholders (`${A}`, `${A.Attr}`). `DependsOn` is not a reference to a value.

use serde_json::Value;

/// One reference found in a value: where it is (segments below the value) and to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Path of the intrinsic inside the scanned value.
    pub path: Vec<String>,
    /// Logical ID referenced (pseudo parameters such as `AWS::Region` are skipped).
    pub target: String,
}

/// Every reference to a logical ID in `v`, in document order.
pub fn references(v: &Value) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    scan(v, &mut path, &mut out);
    out
}

fn push(path: &[String], target: &str, out: &mut Vec<Reference>) {
    if !target.is_empty() && !target.starts_with("AWS::") {
        out.push(Reference { path: path.to_vec(), target: target.to_string() });
    }
}

fn scan(v: &Value, path: &mut Vec<String>, out: &mut Vec<Reference>) {
    match v {
        Value::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next().expect("one entry");
            match (k.as_str(), arg) {
                ("Ref", Value::String(id)) => push(path, id, out),
                ("Fn::GetAtt", Value::Array(a)) => {
                    if let Some(Value::String(id)) = a.first() {
                        push(path, id, out);
                    }
                    // The attribute name may itself be an intrinsic.
                    for (i, x) in a.iter().enumerate().skip(1) {
                        path.extend(["Fn::GetAtt".to_string(), i.to_string()]);
                        scan(x, path, out);
                        path.truncate(path.len() - 2);
                    }
                }
                ("Fn::GetAtt", Value::String(s)) => push(path, s.split('.').next().unwrap_or_default(), out),
                ("Fn::Sub", Value::String(s)) => {
                    for name in sub_placeholders(s) {
                        push(path, name, out);
                    }
                }
                ("Fn::Sub", Value::Array(a)) => {
                    let vars = a.get(1).and_then(Value::as_object);
                    if let Some(Value::String(s)) = a.first() {
                        for name in sub_placeholders(s) {
                            if !vars.is_some_and(|m| m.contains_key(name)) {
                                push(path, name, out);
                            }
                        }
                    }
                    if let Some(vars) = a.get(1) {
                        path.extend(["Fn::Sub".to_string(), "1".to_string()]);
                        scan(vars, path, out);
                        path.truncate(path.len() - 2);
                    }
                }
                _ => scan_children(v, path, out),
            }
        }
        _ => scan_children(v, path, out),
    }
}

fn scan_children(v: &Value, path: &mut Vec<String>, out: &mut Vec<Reference>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                scan(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                scan(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The logical IDs named by the `${...}` placeholders of an `Fn::Sub` string (the part before a
/// `.`); `${!Literal}` is an escape, not a placeholder.
pub fn sub_placeholders(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        if !inner.starts_with('!') {
            let name = inner.split('.').next().unwrap_or_default().trim();
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn targets(v: Value) -> Vec<(String, String)> {
        references(&v).into_iter().map(|r| (r.path.join("."), r.target)).collect()
    }

    #[test]
    fn finds_ref_getatt_and_sub() {
        let v = json!({
            "Role": {"Fn::GetAtt": ["Role1", "Arn"]},
            "Short": {"Fn::GetAtt": "Role2.Arn"},
            "Name": {"Ref": "Topic"},
            "Region": {"Ref": "AWS::Region"},
            "List": [{"Fn::Sub": "arn:${AWS::Partition}:x:${Queue.Arn}/${Bucket}-${!Literal}"}],
            "Vars": {"Fn::Sub": ["${X}-${Y}", {"X": {"Ref": "Other"}}]}
        });
        assert_eq!(
            targets(v),
            vec![
                ("Role".into(), "Role1".into()),
                ("Short".into(), "Role2".into()),
                ("Name".into(), "Topic".into()),
                ("List.0".into(), "Queue".into()),
                ("List.0".into(), "Bucket".into()),
                ("Vars".into(), "Y".into()),
                ("Vars.Fn::Sub.1.X".into(), "Other".into()),
            ]
        );
    }

    #[test]
    fn joins_are_scanned() {
        let v = json!({"Fn::Join": ["", ["{\"a\":\"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\"}"]]});
        assert_eq!(targets(v), vec![("Fn::Join.1.1".into(), "Fn".into())]);
    }
}

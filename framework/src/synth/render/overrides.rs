//! Escape-hatch overrides (`add_property_override`, `add_override`, `add_deletion_override`),
//! applied to a resource after it is rendered, exactly as AWS CDK applies them: a dotted path
//! (`\.` for a literal dot) into the resource's JSON, creating objects on the way; a deletion of
//! something absent does nothing.

use serde_json::{Map, Value as Json};

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
}

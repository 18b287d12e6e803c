//! YAML rendering of templates.
//!
//! CloudFormation reads YAML 1.1, where `on`, `yes`, `no`, `off`, `y`, `n` are booleans and
//! `0755` is octal. The YAML crates on crates.io emit YAML 1.2 and leave such strings unquoted
//! (checked: serde_yaml_ng 0.10, serde_norway 0.9), which would change a template's meaning, so
//! this small emitter quotes every string that is not unambiguously a string in both versions.

use serde_json::Value as Json;

/// The value as a YAML document (block style, key order kept, trailing newline).
pub fn to_yaml(value: &Json) -> String {
    let mut out = String::new();
    match value {
        Json::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Json::Array(a) if !a.is_empty() => write_list(&mut out, a, 0),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Json>, indent: usize) {
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str(&string_text(k));
        out.push(':');
        write_value_after_key(out, v, indent);
    }
}

fn write_list(out: &mut String, items: &[Json], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Json::Object(m) if !m.is_empty() => write_map(out, m, indent + 2),
            Json::Array(a) if !a.is_empty() => write_list(out, a, indent + 2),
            scalar => {
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

fn write_value_after_key(out: &mut String, v: &Json, indent: usize) {
    match v {
        Json::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, indent + 2);
        }
        Json::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_list(out, a, indent + 2);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => string_text(s),
        Json::Object(_) => "{}".into(),
        Json::Array(_) => "[]".into(),
    }
}

/// A string as a YAML scalar: plain when safe, single-quoted when printable, else double-quoted.
fn string_text(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else if s.chars().all(|c| !c.is_control()) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        Json::String(s.to_string()).to_string()
    }
}

fn is_plain_safe(s: &str) -> bool {
    const RESERVED: &[&str] =
        &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", ".nan", ".inf", "-.inf", "+.inf"];
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    s.chars().all(|c| c.is_ascii_alphanumeric() || " _-./:@()+=,".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_style_with_quoting() {
        let v = json!({
            "Resources": {
                "Topic": {
                    "Type": "AWS::SNS::Topic",
                    "Properties": {"TopicName": "on", "Mode": "0755", "Empty": {}, "List": ["a", {"k": 1, "j": [true]}], "Q": "it's"}
                }
            }
        });
        let expected = "\
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: 'on'
      Mode: '0755'
      Empty: {}
      List:
        - a
        - k: 1
          j:
            - true
      Q: 'it''s'
";
        assert_eq!(to_yaml(&v), expected);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(string_text("a\nb"), "\"a\\nb\"");
        assert_eq!(string_text("Fn::GetAtt"), "Fn::GetAtt");
        assert_eq!(string_text("a: b"), "'a: b'");
        assert_eq!(string_text(""), "''");
        assert_eq!(string_text("arn:aws:iam::aws:policy/X"), "arn:aws:iam::aws:policy/X");
    }
}

//! The JSON layout of every assembly file: one-space indent, keys in insertion order.

use serde::Serialize;

/// JSON with a one-space indent, as AWS CDK writes assembly files.
pub fn to_json_text<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::with_capacity(4096);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser).expect("JSON values always serialize");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

//! Exports for cross-stack references: their names and the producer outputs that carry them,
//! shaped as AWS CDK's (`<stack name>:ExportsOutputRef<logical id><hash>`), so a stack can move
//! between the two tools without renaming its exports.

use serde_json::{Map, Value as Json};

use crate::synth::prepare::LogicalIds;
use crate::synth::render::fun;
use crate::tree::{App, NodeRef};

/// A reference from one stack to an element of another, satisfied by an export.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ExportRequest {
    /// Index of the stack that exports.
    pub producer: usize,
    /// The element referred to.
    pub target: NodeRef,
    /// The attribute, for `Fn::GetAtt`; `None` for `Ref`.
    pub attribute: Option<String>,
}

/// The export name for a cross-stack reference (same shape as AWS CDK's).
pub(crate) fn export_name(app: &App, logical_ids: &LogicalIds, request: &ExportRequest) -> String {
    let producer = &app.stacks[request.producer];
    format!(
        "{}:{}",
        producer.stack_name(),
        export_output_id(&target_id(logical_ids, request), request.attribute.as_deref())
    )
}

/// The output (its logical ID and body) that exports `request` from its producer.
pub(crate) fn export_output(app: &App, logical_ids: &LogicalIds, request: &ExportRequest) -> (String, Json) {
    let id = target_id(logical_ids, request);
    let value = match &request.attribute {
        None => fun("Ref", Json::String(id.clone())),
        Some(attr) => fun("Fn::GetAtt", Json::Array(vec![Json::String(id.clone()), Json::String(attr.clone())])),
    };
    let mut out = Map::new();
    out.insert("Value".into(), value);
    out.insert("Export".into(), fun("Name", Json::String(export_name(app, logical_ids, request))));
    (export_output_id(&id, request.attribute.as_deref()), Json::Object(out))
}

fn target_id(logical_ids: &LogicalIds, request: &ExportRequest) -> String {
    logical_ids[request.producer][request.target.node as usize].clone().unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_ids_are_stable() {
        let a = export_output_id("Role1ABCC5F0", Some("Arn"));
        assert!(a.starts_with("ExportsOutputFnGetAttRole1ABCC5F0Arn"), "{a}");
        assert_eq!(a, export_output_id("Role1ABCC5F0", Some("Arn")));
        assert_ne!(a, export_output_id("Role1ABCC5F0", None));
    }
}

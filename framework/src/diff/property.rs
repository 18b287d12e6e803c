//! Property-level changes of one resource: each top-level property (and each resource attribute
//! such as `DependsOn`) that differs, with its own impact and the reason for it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::equality::{cfn_equal, changed_paths, depends_on_set, user_metadata};
use super::json_text::{json_text, line_diff, DiffLine};
use super::replacement::{decide, PropertyImpact};

/// How a property changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Present only in the new template.
    Added,
    /// Present only in the old template.
    Removed,
    /// Present in both with different values.
    Changed,
    /// Same in both templates, but it references a resource that is (or may be) replaced, so its
    /// value changes at deploy time.
    Propagated,
}

/// A change to one property of a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDiff {
    /// Path from the resource: `["Properties", "RoleName"]`, or a resource attribute such as
    /// `["DependsOn"]`, `["Metadata"]`, `["DeletionPolicy"]`.
    pub path: Vec<String>,
    /// How it changes.
    pub kind: ChangeKind,
    /// Value in the old template (`None` when added).
    pub old: Option<Value>,
    /// Value in the new template (`None` when removed).
    pub new: Option<Value>,
    /// What the change does to the resource.
    pub impact: PropertyImpact,
    /// Why that impact (`RoleName is create-only`, `replacement unknown: ...`).
    pub reason: String,
    /// Logical IDs of replaced resources this property references (the cause of a
    /// [`ChangeKind::Propagated`] change, or an extra one of a template change).
    pub via: Vec<String>,
}

impl PropertyDiff {
    /// The path as shown to people: below `Properties` for properties, `DependsOn` etc. for
    /// resource attributes; segments joined with `.`.
    pub fn display_path(&self) -> String {
        let segs = match self.path.split_first() {
            Some((first, rest)) if first == "Properties" && !rest.is_empty() => rest,
            _ => &self.path[..],
        };
        segs.join(".")
    }

    /// Whether this is a property below `Properties` (not a resource attribute).
    pub fn is_property(&self) -> bool {
        self.path.first().is_some_and(|p| p == "Properties")
    }

    /// A line diff of the pretty-printed JSON when both sides hold a JSON document as text
    /// (a state machine definition, a policy string, an `Fn::Join` of JSON parts).
    pub fn json_line_diff(&self) -> Option<Vec<DiffLine>> {
        if self.kind != ChangeKind::Changed {
            return None;
        }
        let old = json_text(self.old.as_ref()?)?;
        let new = json_text(self.new.as_ref()?)?;
        Some(line_diff(&old, &new))
    }
}

/// Resource attributes compared besides `Properties` (`Type` is handled by the caller).
const ATTRIBUTES: [&str; 7] =
    ["Condition", "CreationPolicy", "DeletionPolicy", "DependsOn", "Metadata", "UpdatePolicy", "UpdateReplacePolicy"];

/// The property and attribute changes between two definitions of a resource of type
/// `resource_type` (both `{"Type":..., "Properties":...}` objects): properties in name order,
/// then resource attributes.
pub fn diff_properties(resource_type: &str, old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<PropertyDiff> {
    let mut out = Vec::new();
    match (old.get("Properties"), new.get("Properties")) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => diff_property_maps(resource_type, a, b, &mut out),
        (None, Some(Value::Object(b))) => diff_property_maps(resource_type, &Map::new(), b, &mut out),
        (Some(Value::Object(a)), None) => diff_property_maps(resource_type, a, &Map::new(), &mut out),
        (a, b) => {
            // Properties as an intrinsic (Fn::If) or malformed: one change for the whole block.
            if !opt_equal(a, b) {
                let d = decide(resource_type, &[vec![]]);
                out.push(PropertyDiff {
                    path: vec!["Properties".to_string()],
                    kind: kind_of(a, b),
                    old: a.cloned(),
                    new: b.cloned(),
                    impact: d.impact,
                    reason: d.reason,
                    via: Vec::new(),
                });
            }
        }
    }
    for attr in ATTRIBUTES {
        let (a, b) = match attr {
            "Metadata" => (user_metadata(old.get(attr)), user_metadata(new.get(attr))),
            _ => (old.get(attr).cloned(), new.get(attr).cloned()),
        };
        let same = match attr {
            "DependsOn" => depends_on_set(a.as_ref()) == depends_on_set(b.as_ref()),
            _ => opt_equal(a.as_ref(), b.as_ref()),
        };
        if !same {
            out.push(PropertyDiff {
                path: vec![attr.to_string()],
                kind: kind_of(a.as_ref(), b.as_ref()),
                old: a,
                new: b,
                impact: PropertyImpact::Update,
                reason: "resource attribute: the physical resource is not changed".to_string(),
                via: Vec::new(),
            });
        }
    }
    out
}

fn diff_property_maps(
    resource_type: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    out: &mut Vec<PropertyDiff>,
) {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if opt_equal(x, y) {
            continue;
        }
        let paths: Vec<Vec<String>> = changed_paths(x, y)
            .into_iter()
            .map(|mut p| {
                p.insert(0, key.clone());
                p
            })
            .collect();
        let d = decide(resource_type, &paths);
        out.push(PropertyDiff {
            path: vec!["Properties".to_string(), key.clone()],
            kind: kind_of(x, y),
            old: x.cloned(),
            new: y.cloned(),
            impact: d.impact,
            reason: d.reason,
            via: Vec::new(),
        });
    }
}

fn opt_equal(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => cfn_equal(x, y),
        _ => false,
    }
}

fn kind_of(a: Option<&Value>, b: Option<&Value>) -> ChangeKind {
    match (a, b) {
        (None, _) => ChangeKind::Added,
        (_, None) => ChangeKind::Removed,
        _ => ChangeKind::Changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn each_changed_property_with_its_impact() {
        let old =
            obj(json!({"Type": "AWS::IAM::Role", "Properties": {"RoleName": "a", "Path": "/", "Description": "x"}}));
        let new = obj(
            json!({"Type": "AWS::IAM::Role", "Properties": {"RoleName": "b", "Path": "/", "MaxSessionDuration": 3600}}),
        );
        let d = diff_properties("AWS::IAM::Role", &old, &new);
        let summary: Vec<_> = d.iter().map(|p| (p.display_path(), p.kind, p.impact)).collect();
        assert_eq!(
            summary,
            vec![
                ("Description".into(), ChangeKind::Removed, PropertyImpact::Update),
                ("MaxSessionDuration".into(), ChangeKind::Added, PropertyImpact::Update),
                ("RoleName".into(), ChangeKind::Changed, PropertyImpact::Replace),
            ]
        );
    }

    #[test]
    fn attributes_compare_as_cloudformation_does() {
        let old = obj(json!({"Type": "T", "DependsOn": ["B", "A"], "Metadata": {"aws:cdk:path": "S/X"}}));
        let new = obj(json!({"Type": "T", "DependsOn": ["A", "B"], "Metadata": {"aws:cdk:path": "S/Y"}}));
        assert!(diff_properties("T", &old, &new).is_empty());
        let single = obj(json!({"Type": "T", "DependsOn": "A"}));
        let list = obj(json!({"Type": "T", "DependsOn": ["A"]}));
        assert!(diff_properties("T", &single, &list).is_empty());
        let retained = obj(json!({"Type": "T", "DeletionPolicy": "Retain"}));
        let d = diff_properties("T", &single, &retained);
        assert_eq!(d.iter().map(|p| p.display_path()).collect::<Vec<_>>(), vec!["DeletionPolicy", "DependsOn"]);
        assert!(d.iter().all(|p| p.impact == PropertyImpact::Update && !p.is_property()));
    }

    #[test]
    fn json_strings_get_a_line_diff() {
        let old = obj(
            json!({"Properties": {"DefinitionString": "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"}}),
        );
        let new = obj(
            json!({"Properties": {"DefinitionString": "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"}}),
        );
        let d = diff_properties("AWS::StepFunctions::StateMachine", &old, &new);
        let lines = d[0].json_line_diff().unwrap();
        assert!(lines.contains(&DiffLine::Removed("      \"Type\": \"Pass\",".into())));
        assert!(lines.contains(&DiffLine::Added("      \"Type\": \"Succeed\"".into())));
    }
}

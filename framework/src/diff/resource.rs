//! Resource-level changes: one [`ResourceDiff`] per logical ID that differs.

use serde_json::{Map, Value};

use super::property::{diff_properties, ChangeKind, PropertyDiff};
use super::replacement::PropertyImpact;

/// What a deployment does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceImpact {
    /// Created (only in the new template).
    Create,
    /// Updated in place.
    Update,
    /// May be replaced (a conditionally create-only property, a type without replacement data,
    /// or a reference to a resource that may be replaced).
    MayReplace,
    /// Replaced: a new physical resource, the old one deleted (type changed, create-only property
    /// changed, or a create-only property references a replaced resource).
    Replace,
    /// Deleted (only in the old template).
    Destroy,
    /// Removed from the template but kept by its `DeletionPolicy` (Retain / RetainExceptOnCreate).
    Orphan,
}

impl ResourceImpact {
    /// The resource impact that a property impact amounts to.
    pub fn from_property(p: PropertyImpact) -> ResourceImpact {
        match p {
            PropertyImpact::Update => ResourceImpact::Update,
            PropertyImpact::MayReplace => ResourceImpact::MayReplace,
            PropertyImpact::Replace => ResourceImpact::Replace,
        }
    }

    /// Whether the physical resource is, or may be, replaced.
    pub fn replaces(self) -> bool {
        matches!(self, ResourceImpact::Replace | ResourceImpact::MayReplace)
    }
}

/// The change to one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    /// Logical ID.
    pub logical_id: String,
    /// Type in the old template (`None` when created).
    pub old_type: Option<String>,
    /// Type in the new template (`None` when removed).
    pub new_type: Option<String>,
    /// What the deployment does to it.
    pub impact: ResourceImpact,
    /// Why, when not explained by the properties (type change, retained on removal).
    pub reason: Option<String>,
    /// Property-level changes (empty for created, destroyed and orphaned resources): properties
    /// in name order, then resource attributes (`DependsOn`, `DeletionPolicy`...).
    pub properties: Vec<PropertyDiff>,
    /// Old definition (`None` when created).
    pub old: Option<Value>,
    /// New definition (`None` when removed).
    pub new: Option<Value>,
}

impl ResourceDiff {
    /// The resource type (the new one, or the old one when removed).
    pub fn resource_type(&self) -> &str {
        self.new_type.as_deref().or(self.old_type.as_deref()).unwrap_or_default()
    }

    /// Whether a replacement keeps the old physical resource (`UpdateReplacePolicy` `Retain` in
    /// the old template): it is then left behind, outside the stack.
    pub fn retains_replaced(&self) -> bool {
        self.impact.replaces()
            && self.old.as_ref().and_then(|o| o.get("UpdateReplacePolicy")).and_then(Value::as_str) == Some("Retain")
    }

    /// Recomputes the impact of a resource present in both templates from its properties.
    pub(crate) fn recompute_impact(&mut self) {
        if self.old_type != self.new_type {
            self.impact = ResourceImpact::Replace;
            return;
        }
        self.impact = self
            .properties
            .iter()
            .map(|p| ResourceImpact::from_property(p.impact))
            .max()
            .unwrap_or(ResourceImpact::Update);
    }
}

fn type_of(def: &Map<String, Value>) -> String {
    def.get("Type").and_then(Value::as_str).unwrap_or_default().to_string()
}

/// The change to resource `id` between two definitions; `None` when nothing changes.
pub fn diff_resource(id: &str, old: Option<&Value>, new: Option<&Value>) -> Option<ResourceDiff> {
    let empty = Map::new();
    let old_def = old.map(|v| v.as_object().unwrap_or(&empty));
    let new_def = new.map(|v| v.as_object().unwrap_or(&empty));
    let mut diff = ResourceDiff {
        logical_id: id.to_string(),
        old_type: old_def.map(type_of),
        new_type: new_def.map(type_of),
        impact: ResourceImpact::Update,
        reason: None,
        properties: Vec::new(),
        old: old.cloned(),
        new: new.cloned(),
    };
    match (old_def, new_def) {
        (None, None) => return None,
        (None, Some(_)) => diff.impact = ResourceImpact::Create,
        (Some(o), None) => {
            let policy = o.get("DeletionPolicy").and_then(Value::as_str).unwrap_or("Delete");
            if matches!(policy, "Retain" | "RetainExceptOnCreate") {
                diff.impact = ResourceImpact::Orphan;
                diff.reason = Some(format!("DeletionPolicy {policy}: removed from the stack, kept in the account"));
            } else {
                diff.impact = ResourceImpact::Destroy;
            }
        }
        (Some(o), Some(n)) => {
            let (old_type, new_type) = (type_of(o), type_of(n));
            diff.properties = diff_properties(&new_type, o, n);
            if old_type != new_type {
                diff.reason = Some(format!("type changes from {old_type} to {new_type}"));
                for p in &mut diff.properties {
                    if p.is_property() {
                        p.impact = PropertyImpact::Replace;
                        p.reason = "the resource type changes".to_string();
                    }
                }
            } else if diff.properties.is_empty() {
                return None;
            }
            diff.recompute_impact();
        }
    }
    Some(diff)
}

/// Adds (or merges into an existing one) the change that the replacement of `target` causes to
/// property `path` of `diff`. Returns whether anything changed.
pub(crate) fn add_propagated(
    diff: &mut ResourceDiff,
    path: Vec<String>,
    value: Option<&Value>,
    target: &str,
    impact: PropertyImpact,
    reason: String,
) -> bool {
    if let Some(existing) = diff.properties.iter_mut().find(|p| p.path == path) {
        if existing.via.iter().any(|v| v == target) && existing.impact >= impact {
            return false;
        }
        if !existing.via.iter().any(|v| v == target) {
            existing.via.push(target.to_string());
        }
        if impact > existing.impact {
            existing.impact = impact;
            existing.reason = reason;
        }
        return true;
    }
    // Properties come first, in name order, then resource attributes.
    let at = diff.properties.partition_point(|p| p.is_property() && p.path < path);
    diff.properties.insert(
        at,
        PropertyDiff {
            path,
            kind: ChangeKind::Propagated,
            old: value.cloned(),
            new: value.cloned(),
            impact,
            reason,
            via: vec![target.to_string()],
        },
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn created_destroyed_orphaned() {
        let def = json!({"Type": "AWS::SQS::Queue"});
        assert_eq!(diff_resource("Q", None, Some(&def)).unwrap().impact, ResourceImpact::Create);
        assert_eq!(diff_resource("Q", Some(&def), None).unwrap().impact, ResourceImpact::Destroy);
        let kept = json!({"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain"});
        let d = diff_resource("L", Some(&kept), None).unwrap();
        assert_eq!(d.impact, ResourceImpact::Orphan);
        assert!(d.reason.unwrap().contains("Retain"));
        let kept = json!({"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "RetainExceptOnCreate"});
        assert_eq!(diff_resource("L", Some(&kept), None).unwrap().impact, ResourceImpact::Orphan);
        let snap = json!({"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot"});
        assert_eq!(diff_resource("D", Some(&snap), None).unwrap().impact, ResourceImpact::Destroy);
        assert!(diff_resource("Q", Some(&def), Some(&def)).is_none());
    }

    #[test]
    fn type_change_replaces() {
        let old = json!({"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}});
        let new = json!({"Type": "AWS::SQS::Queue", "Properties": {"DisplayName": "x"}});
        let d = diff_resource("X", Some(&old), Some(&new)).unwrap();
        assert_eq!(d.impact, ResourceImpact::Replace);
        assert_eq!(d.reason.as_deref(), Some("type changes from AWS::SNS::Topic to AWS::SQS::Queue"));
        assert_eq!(d.resource_type(), "AWS::SQS::Queue");
    }

    #[test]
    fn impact_is_the_worst_property_impact() {
        let old = json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a", "DelaySeconds": 1}});
        let upd = json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a", "DelaySeconds": 2}});
        let rep = json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b", "DelaySeconds": 2}});
        assert_eq!(diff_resource("Q", Some(&old), Some(&upd)).unwrap().impact, ResourceImpact::Update);
        assert_eq!(diff_resource("Q", Some(&old), Some(&rep)).unwrap().impact, ResourceImpact::Replace);
        let unknown_old = json!({"Type": "Custom::X", "Properties": {"A": 1}});
        let unknown_new = json!({"Type": "Custom::X", "Properties": {"A": 2}});
        assert_eq!(
            diff_resource("C", Some(&unknown_old), Some(&unknown_new)).unwrap().impact,
            ResourceImpact::MayReplace
        );
    }
}

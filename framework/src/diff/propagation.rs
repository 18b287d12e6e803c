//! Replacement propagation: when resource A is (or may be) replaced, its physical ID and
//! attributes change, so every property of another resource that references A (`Ref`,
//! `Fn::GetAtt`, `Fn::Sub` placeholders) changes value at deploy time even though the template
//! text is the same. That property's impact comes from its own schema (create-only: replace),
//! and a resulting replacement propagates further. `DependsOn` does not carry a value.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::references::references;
use super::replacement::{decide, PropertyImpact};
use super::resource::{add_propagated, ResourceDiff, ResourceImpact};

/// A place in resource `source`'s property `property` (at `path` inside it) that references a
/// resource.
struct Referrer<'a> {
    source: &'a str,
    property: &'a str,
    path: Vec<String>,
}

/// Applies replacement propagation to `diffs` (changed resources by logical ID), adding changes
/// to resources that reference replaced ones (and entries for resources that had none).
pub fn propagate(diffs: &mut BTreeMap<String, ResourceDiff>, old: &Map<String, Value>, new: &Map<String, Value>) {
    let mut queue: Vec<String> = diffs.values().filter(|d| d.impact.replaces()).map(|d| d.logical_id.clone()).collect();
    if queue.is_empty() {
        return;
    }
    let index = referrers(old, new);
    while let Some(target) = queue.pop() {
        let Some(target_impact) = diffs.get(&target).map(|d| d.impact) else { continue };
        for r in index.get(target.as_str()).into_iter().flatten() {
            if r.source == target {
                continue;
            }
            let Some(new_def) = new.get(r.source) else { continue };
            let rtype = type_of(new_def);
            let mut full = vec![r.property.to_string()];
            full.extend(r.path.iter().cloned());
            let d = decide(rtype, &[full]);
            let (impact, verb) = match target_impact {
                ResourceImpact::Replace => (d.impact, "will be"),
                _ => (d.impact.min(PropertyImpact::MayReplace), "may be"),
            };
            let reason = format!("references {target}, which {verb} replaced; {}", d.reason);
            let entry = diffs.entry(r.source.to_string()).or_insert_with(|| ResourceDiff {
                logical_id: r.source.to_string(),
                old_type: Some(rtype.to_string()),
                new_type: Some(rtype.to_string()),
                impact: ResourceImpact::Update,
                reason: None,
                properties: Vec::new(),
                old: old.get(r.source).cloned(),
                new: Some(new_def.clone()),
            });
            let value = new_def.get("Properties").and_then(|p| p.get(r.property));
            let path = vec!["Properties".to_string(), r.property.to_string()];
            if add_propagated(entry, path, value, &target, impact, reason) {
                let before = entry.impact;
                entry.recompute_impact();
                if entry.impact.replaces() && entry.impact > before {
                    queue.push(r.source.to_string());
                }
            }
        }
    }
}

fn type_of(def: &Value) -> &str {
    def.get("Type").and_then(Value::as_str).unwrap_or_default()
}

/// For each referenced logical ID, the places that reference it, among the resources present in
/// both templates with the same type (created and removed resources have nothing to update).
fn referrers<'a>(old: &Map<String, Value>, new: &'a Map<String, Value>) -> BTreeMap<String, Vec<Referrer<'a>>> {
    let mut index: BTreeMap<String, Vec<Referrer<'a>>> = BTreeMap::new();
    for (id, def) in new {
        if old.get(id).map(type_of) != Some(type_of(def)) {
            continue;
        }
        let Some(Value::Object(props)) = def.get("Properties") else { continue };
        for (key, value) in props {
            for r in references(value) {
                index.entry(r.target).or_default().push(Referrer { source: id, property: key, path: r.path });
            }
        }
    }
    index
}

//! Template diff: what deploying a new template over an old one changes, as CloudFormation would
//! do it, for `diff` and for deploy approvals. Pure computation on `serde_json` values.
//!
//! - [`diff_templates`] compares two templates (the old one may be `{}`: a stack that does not
//!   exist yet) into a [`TemplateDiff`]: parameter, condition, mapping, output and other top-level
//!   changes, and one [`ResourceDiff`] per changed logical ID with its [`ResourceImpact`] and its
//!   [`PropertyDiff`]s.
//! - Replacement comes from the create-only properties of the CloudFormation resource schemas
//!   ([`schemas`]); types without data **may replace** ([`replacement`]). A replacement propagates
//!   to every property of another resource that references the replaced one (`Ref`,
//!   `Fn::GetAtt`, `Fn::Sub` placeholders; not `DependsOn`): its value changes at deploy time, so
//!   it gets a [`ChangeKind::Propagated`] change whose impact comes from its own schema
//!   (create-only: replace), transitively; see [`PropertyDiff::via`].
//! - Values compare as CloudFormation sees them ([`equality`]).
//! - IAM statement changes and broadening ([`iam`]).
//! - Text output like `cdk diff` ([`TemplateDiff::render`]).
//!
//! ```
//! use framework::diff::{diff_templates, RenderOptions, ResourceImpact};
//! use serde_json::json;
//!
//! let old = json!({"Resources": {"Role1ABCC5F0": {"Type": "AWS::IAM::Role",
//!     "Properties": {"RoleName": "old", "AssumeRolePolicyDocument": {}}}}});
//! let new = json!({"Resources": {"Role1ABCC5F0": {"Type": "AWS::IAM::Role",
//!     "Properties": {"RoleName": "new", "AssumeRolePolicyDocument": {}}}}});
//! let diff = diff_templates(&old, &new);
//! assert_eq!(diff.resource("Role1ABCC5F0").unwrap().impact, ResourceImpact::Replace);
//! assert_eq!(diff.counts().replace, 1);
//! let text = diff.render(&RenderOptions::default());
//! assert!(text.contains("[~] AWS::IAM::Role Role1ABCC5F0 (requires replacement)"));
//! assert!(diff_templates(&new, &new).is_empty());
//! ```

pub(crate) mod equality;
pub(crate) mod iam;
pub(crate) mod intrinsics;
pub(crate) mod json_text;
mod propagation;
pub(crate) mod property;
pub(crate) mod references;
pub(crate) mod render;
pub(crate) mod replacement;
pub(crate) mod resource;
pub(crate) mod schemas;
mod table;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

pub use iam::{Effect, IamChanges, IamStatement, ManagedPolicyAttachment, Targets as StatementTargets};
pub use json_text::DiffLine;
pub use property::{ChangeKind, PropertyDiff};
pub use render::RenderOptions;
pub use replacement::PropertyImpact;
pub use resource::{ResourceDiff, ResourceImpact};
/// The resource types with replacement rules, and the cfn-lint release their schemas come from.
pub use schemas::{known_types as known_resource_types, CFN_LINT_VERSION};

/// A change to a named template entry other than a resource (parameter, output...).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    /// Name of the entry (parameter name, output name, or `Description` for top-level keys).
    pub id: String,
    /// Old value (`None` when added).
    pub old: Option<Value>,
    /// New value (`None` when removed).
    pub new: Option<Value>,
}

impl ValueChange {
    /// Added, removed or changed.
    pub fn kind(&self) -> ChangeKind {
        match (&self.old, &self.new) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Removed,
            _ => ChangeKind::Changed,
        }
    }
}

/// Number of resources per impact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Created.
    pub create: usize,
    /// Updated in place.
    pub update: usize,
    /// Replaced.
    pub replace: usize,
    /// Possibly replaced.
    pub may_replace: usize,
    /// Deleted.
    pub destroy: usize,
    /// Removed from the stack but retained.
    pub orphan: usize,
}

/// Everything a deployment of the new template changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateDiff {
    /// `Parameters` entries that differ, by name.
    pub parameters: Vec<ValueChange>,
    /// `Mappings` entries that differ.
    pub mappings: Vec<ValueChange>,
    /// `Conditions` entries that differ.
    pub conditions: Vec<ValueChange>,
    /// Changed resources, sorted by logical ID (unchanged ones are left out).
    pub resources: Vec<ResourceDiff>,
    /// `Outputs` entries that differ.
    pub outputs: Vec<ValueChange>,
    /// Other top-level keys that differ (`Description`, `Transform`, `AWSTemplateFormatVersion`...).
    pub other: Vec<ValueChange>,
    /// IAM statement and managed policy changes.
    pub iam: IamChanges,
    /// Problems with the templates' shape (a section that is not an object...), which were read
    /// as empty.
    pub warnings: Vec<String>,
}

/// Top-level sections with their own field in [`TemplateDiff`]; template `Metadata` and `Rules`
/// go to `other`.
const SECTIONS: [&str; 5] = ["Parameters", "Mappings", "Conditions", "Resources", "Outputs"];

/// Compares two templates. `old` may be `{}` (or `null`) for a stack that does not exist:
/// everything is then created. Never fails: malformed sections are read as empty, with a warning.
pub fn diff_templates(old: &Value, new: &Value) -> TemplateDiff {
    let mut warnings = Vec::new();
    let empty = Map::new();
    let old_t = top(old, "old", &mut warnings).unwrap_or(&empty);
    let new_t = top(new, "new", &mut warnings).unwrap_or(&empty);
    let section = |name: &str, warnings: &mut Vec<String>| {
        (sub(old_t, name, "old", warnings).unwrap_or(&empty), sub(new_t, name, "new", warnings).unwrap_or(&empty))
    };

    let (old_r, new_r) = section("Resources", &mut warnings);
    let mut diffs: BTreeMap<String, ResourceDiff> = BTreeMap::new();
    for id in union(old_r, new_r) {
        let (o, n) = (old_r.get(id), new_r.get(id));
        for (side, v) in [("old", o), ("new", n)] {
            if v.is_some_and(|v| !v.is_object()) {
                warnings.push(format!("{side} template: resource {id} is not an object"));
            }
        }
        if let Some(d) = resource::diff_resource(id, o, n) {
            diffs.insert(id.clone(), d);
        }
    }
    // IAM content only differs in resources whose template text differs (propagated changes
    // keep the template text).
    let iam =
        IamChanges::from_resources(diffs.values().map(|d| (d.logical_id.as_str(), d.old.as_ref(), d.new.as_ref())));
    propagation::propagate(&mut diffs, old_r, new_r);

    let named = |name: &str, warnings: &mut Vec<String>| {
        let (a, b) = section(name, warnings);
        value_changes(a, b)
    };
    let parameters = named("Parameters", &mut warnings);
    let mappings = named("Mappings", &mut warnings);
    let conditions = named("Conditions", &mut warnings);
    let outputs = named("Outputs", &mut warnings);
    let mut other_old = old_t.clone();
    let mut other_new = new_t.clone();
    for s in SECTIONS {
        other_old.remove(s);
        other_new.remove(s);
    }
    let other = value_changes(&other_old, &other_new);

    TemplateDiff {
        parameters,
        mappings,
        conditions,
        resources: diffs.into_values().collect(),
        outputs,
        other,
        iam,
        warnings,
    }
}

fn top<'a>(v: &'a Value, side: &str, warnings: &mut Vec<String>) -> Option<&'a Map<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        Value::Null => None,
        _ => {
            warnings.push(format!("{side} template is not a JSON object"));
            None
        }
    }
}

fn sub<'a>(
    t: &'a Map<String, Value>,
    name: &str,
    side: &str,
    warnings: &mut Vec<String>,
) -> Option<&'a Map<String, Value>> {
    match t.get(name) {
        Some(Value::Object(m)) => Some(m),
        None | Some(Value::Null) => None,
        Some(_) => {
            let w = format!("{side} template: {name} is not an object");
            if !warnings.contains(&w) {
                warnings.push(w);
            }
            None
        }
    }
}

fn union<'a>(a: &'a Map<String, Value>, b: &'a Map<String, Value>) -> BTreeSet<&'a String> {
    a.keys().chain(b.keys()).collect()
}

fn value_changes(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<ValueChange> {
    union(a, b)
        .into_iter()
        .filter_map(|k| {
            let (x, y) = (a.get(k), b.get(k));
            let same = match (x, y) {
                (Some(x), Some(y)) => equality::cfn_equal(x, y),
                (None, None) => true,
                _ => false,
            };
            (!same).then(|| ValueChange { id: k.clone(), old: x.cloned(), new: y.cloned() })
        })
        .collect()
}

impl TemplateDiff {
    /// Whether deploying changes nothing.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty()
            && self.mappings.is_empty()
            && self.conditions.is_empty()
            && self.resources.is_empty()
            && self.outputs.is_empty()
            && self.other.is_empty()
            && self.iam.is_empty()
    }

    /// Whether IAM permissions broaden (see [`iam`]): what `--require-approval broadening` asks about.
    pub fn permissions_broaden(&self) -> bool {
        self.iam.permissions_broaden()
    }

    /// The change to resource `logical_id`, if it changes.
    pub fn resource(&self, logical_id: &str) -> Option<&ResourceDiff> {
        self.resources.binary_search_by(|d| d.logical_id.as_str().cmp(logical_id)).ok().map(|i| &self.resources[i])
    }

    /// Number of resources per impact.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.resources {
            match r.impact {
                ResourceImpact::Create => c.create += 1,
                ResourceImpact::Update => c.update += 1,
                ResourceImpact::Replace => c.replace += 1,
                ResourceImpact::MayReplace => c.may_replace += 1,
                ResourceImpact::Destroy => c.destroy += 1,
                ResourceImpact::Orphan => c.orphan += 1,
            }
        }
        c
    }
}

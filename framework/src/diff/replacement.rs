//! Whether changing a property updates a resource in place or replaces it, from the vendored
//! create-only data (see [`super::schemas`]).
//!
//! Decision for types without vendored data: **may replace**, with the reason "replacement
//! unknown". CDK shows such changes as plain updates; this engine prefers to overstate the risk,
//! since a wrong "update" can hide the loss of a stateful resource and approvals depend on it.

use super::schemas;

/// What a property change does to its resource, least to most disruptive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PropertyImpact {
    /// Updated in place.
    Update,
    /// May replace the resource (conditionally create-only, or no replacement data).
    MayReplace,
    /// Replaces the resource (create-only property).
    Replace,
}

/// An impact with the reason it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The impact.
    pub impact: PropertyImpact,
    /// Why, for people (`RoleName is create-only`).
    pub reason: String,
}

/// The impact of changes at `paths` (segments below `Properties`; an empty path is the whole
/// `Properties` block) of a resource of type `resource_type`.
pub fn decide(resource_type: &str, paths: &[Vec<String>]) -> Decision {
    let Some(schema) = schemas::lookup(resource_type) else {
        return Decision {
            impact: PropertyImpact::MayReplace,
            reason: format!("replacement unknown: no schema data for {resource_type}"),
        };
    };
    let hit = |patterns: &[&'static str]| {
        patterns.iter().find(|p| paths.iter().any(|path| schemas::touches(p, path))).copied()
    };
    if let Some(p) = hit(schema.create_only) {
        return Decision { impact: PropertyImpact::Replace, reason: format!("{} is create-only", dotted(p)) };
    }
    if let Some(p) = hit(schema.conditional_create_only) {
        return Decision {
            impact: PropertyImpact::MayReplace,
            reason: format!("{} is conditionally create-only", dotted(p)),
        };
    }
    Decision { impact: PropertyImpact::Update, reason: "updatable in place".to_string() }
}

fn dotted(pattern: &str) -> String {
    pattern.replace('/', ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    #[test]
    fn create_only_replaces() {
        let d = decide("AWS::IAM::Role", &[path("RoleName")]);
        assert_eq!(d.impact, PropertyImpact::Replace);
        assert_eq!(d.reason, "RoleName is create-only");
        assert_eq!(
            decide("AWS::StepFunctions::StateMachine", &[path("StateMachineType")]).impact,
            PropertyImpact::Replace
        );
    }

    #[test]
    fn mutable_updates() {
        let d = decide("AWS::IAM::Role", &[path("AssumeRolePolicyDocument.Statement.0.Action")]);
        assert_eq!(d.impact, PropertyImpact::Update);
        assert_eq!(
            decide("AWS::StepFunctions::StateMachine", &[path("DefinitionString")]).impact,
            PropertyImpact::Update
        );
    }

    #[test]
    fn conditional_may_replace() {
        let d = decide("AWS::Events::Rule", &[path("EventBusName")]);
        assert_eq!(d.impact, PropertyImpact::MayReplace);
        assert!(d.reason.contains("conditionally"));
    }

    #[test]
    fn unknown_types_may_replace() {
        let d = decide("Custom::Thing", &[path("Anything")]);
        assert_eq!(d.impact, PropertyImpact::MayReplace);
        assert!(d.reason.starts_with("replacement unknown"));
    }

    #[test]
    fn whole_properties_block_touches_everything() {
        assert_eq!(decide("AWS::IAM::Role", &[vec![]]).impact, PropertyImpact::Replace);
        assert_eq!(decide("AWS::IAM::Policy", &[vec![]]).impact, PropertyImpact::Update);
    }
}

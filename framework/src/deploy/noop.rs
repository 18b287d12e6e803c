//! No-op detection: a deployed stack whose template, parameters and tags equal what would be
//! deployed needs no change set (and no API round trips beyond DescribeStacks + GetTemplate).
//!
//! The reasons name parameters by key only, never with a value: a parameter the template
//! declares `"NoEcho": true` holds a secret (CloudFormation returns its deployed value as `****`;
//! an emulator may return it as it is), and the others are not needed to say what changed.

use std::collections::BTreeMap;

use crate::deploy::parameters::is_no_echo;
use crate::deploy::stack::DeployedStack;
use crate::deploy::status::StackCondition;

/// What a deployment would change, in words (parameters by key only); empty = nothing (skip it).
pub fn differences(
    deployed: &DeployedStack,
    deployed_template: Option<&serde_json::Value>,
    template: &serde_json::Value,
    given_parameters: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut why = Vec::new();
    if deployed.condition() != StackCondition::Deployed {
        why.push(format!("the stack is in {}", deployed.status));
        return why;
    }
    if deployed.status.as_str().ends_with("ROLLBACK_COMPLETE") {
        why.push(format!("the last deployment failed ({})", deployed.status));
    }
    match deployed_template {
        None => why.push("the deployed template is not JSON or could not be read".into()),
        // serde_json object equality ignores key order.
        Some(t) if t != template => why.push("the template changed".into()),
        Some(_) => {}
    }
    for (key, value) in given_parameters {
        let no_echo = if is_no_echo(template, key) { " (NoEcho)" } else { "" };
        match deployed.parameters.get(key) {
            Some(old) if old == value && !is_masked(old) => {}
            Some(old) if is_masked(old) => {
                why.push(format!("parameter {key} is NoEcho (its deployed value cannot be compared)"))
            }
            _ => why.push(format!("parameter {key}{no_echo} changed")),
        }
    }
    if &deployed.tags != tags {
        why.push("the stack tags changed".into());
    }
    why
}

/// Whether a deployed parameter value is masked (`****`: NoEcho).
pub(crate) fn is_masked(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployed() -> DeployedStack {
        DeployedStack {
            stack_name: "S".into(),
            status: "UPDATE_COMPLETE".into(),
            parameters: BTreeMap::from([("Size".into(), "3".into()), ("Secret".into(), "****".into())]),
            tags: BTreeMap::from([("team".into(), "a".into())]),
            ..DeployedStack::default()
        }
    }

    fn tags() -> BTreeMap<String, String> {
        BTreeMap::from([("team".into(), "a".into())])
    }

    #[test]
    fn identical_stack_is_a_no_op_whatever_the_key_order() {
        let deployed_t = json!({"Resources": {"A": {"Type": "T", "Properties": {"x": 1, "y": 2}}}, "Outputs": {}});
        let t = json!({"Outputs": {}, "Resources": {"A": {"Properties": {"y": 2, "x": 1}, "Type": "T"}}});
        let given = BTreeMap::from([("Size".to_string(), "3".to_string())]);
        assert!(differences(&deployed(), Some(&deployed_t), &t, &given, &tags()).is_empty());
        assert!(
            differences(&deployed(), Some(&deployed_t), &t, &BTreeMap::new(), &tags()).is_empty(),
            "not given = previous value"
        );
    }

    #[test]
    fn each_kind_of_change_is_named() {
        let t = json!({"Resources": {}});
        let d = deployed();
        let changed = json!({"Resources": {"B": {}}});
        assert_eq!(differences(&d, Some(&changed), &t, &BTreeMap::new(), &tags()), ["the template changed"]);
        assert_eq!(
            differences(&d, None, &t, &BTreeMap::new(), &tags()),
            ["the deployed template is not JSON or could not be read"]
        );
        let p = BTreeMap::from([("Size".to_string(), "4".to_string())]);
        assert_eq!(differences(&d, Some(&t), &t, &p, &tags()), ["parameter Size changed"]);
        let p = BTreeMap::from([("New".to_string(), "1".to_string())]);
        assert_eq!(differences(&d, Some(&t), &t, &p, &tags()), ["parameter New changed"]);
        let p = BTreeMap::from([("Secret".to_string(), "****".to_string())]);
        assert!(differences(&d, Some(&t), &t, &p, &tags())[0].contains("NoEcho"));
        assert_eq!(differences(&d, Some(&t), &t, &BTreeMap::new(), &BTreeMap::new()), ["the stack tags changed"]);
    }

    #[test]
    fn failed_or_unusual_states_are_never_no_ops() {
        let t = json!({"Resources": {}});
        let rolled_back = DeployedStack { status: "UPDATE_ROLLBACK_COMPLETE".into(), ..deployed() };
        assert!(
            differences(&rolled_back, Some(&t), &t, &BTreeMap::new(), &tags())[0].contains("last deployment failed")
        );
        let review = DeployedStack { status: "REVIEW_IN_PROGRESS".into(), ..deployed() };
        assert!(!differences(&review, Some(&t), &t, &BTreeMap::new(), &tags()).is_empty());
    }

    #[test]
    fn no_echo_values_never_appear_in_the_reasons() {
        let secret = "s3cr3t-Pa55";
        let t = json!({"Parameters": {"Password": {"Type": "String", "NoEcho": true}}, "Resources": {}});
        let given = BTreeMap::from([("Password".to_string(), secret.to_string())]);
        let masked = DeployedStack { parameters: BTreeMap::from([("Password".into(), "****".into())]), ..deployed() };
        // An emulator may hand back the deployed value unmasked.
        let unmasked =
            DeployedStack { parameters: BTreeMap::from([("Password".into(), "old-secret".into())]), ..deployed() };
        let fresh = DeployedStack { parameters: BTreeMap::new(), ..deployed() };
        let changed = json!({"Parameters": {"Password": {"Type": "String", "NoEcho": true}}, "Resources": {"B": {}}});
        let reasons: Vec<String> = [
            differences(&masked, Some(&t), &t, &given, &tags()),
            differences(&unmasked, Some(&t), &t, &given, &tags()),
            differences(&fresh, Some(&t), &t, &given, &tags()),
            differences(&unmasked, Some(&changed), &t, &given, &BTreeMap::new()),
        ]
        .concat();
        assert!(reasons.contains(&"parameter Password is NoEcho (its deployed value cannot be compared)".to_string()));
        assert!(reasons.contains(&"parameter Password (NoEcho) changed".to_string()), "{reasons:?}");
        for r in &reasons {
            assert!(!r.contains(secret) && !r.contains("old-secret"), "{r}");
        }
        let same = DeployedStack { parameters: given.clone(), ..deployed() };
        assert!(differences(&same, Some(&t), &t, &given, &tags()).is_empty(), "an unmasked equal value is no change");
    }
}

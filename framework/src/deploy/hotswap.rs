//! `deploy --hotswap`: when the only changes in a deployed stack are properties that a service
//! API can update in place, update them through that API instead of a CloudFormation update.
//!
//! The core knows no service, so what can be hotswapped, what a deployed resource's `Ref` and
//! `Fn::GetAtt` give, and the API call itself come from a library through [`Hotswap`] (the
//! construct library's covers Step Functions state machine definitions). The core decides:
//!
//! - **Only a template change.** Parameters, tags, and a stack whose last deployment failed go
//!   through CloudFormation. So does every change outside resources' hotswappable properties: a
//!   resource added, removed or of another type, an attribute such as `DependsOn` or
//!   `DeletionPolicy`, any other section (Outputs, Parameters, Conditions...). Resource
//!   `Metadata` is the exception: it changes nothing in the account.
//! - **Every reason at once.** When a stack cannot be hotswapped, the run says why (each
//!   change that rules it out) and deploys it normally.
//! - **Values as CloudFormation would compute them.** The new property values are evaluated
//!   ([`crate::evaluate`]) against the deployed stack: its account, region and name, its
//!   parameter values and its resources' physical IDs (ListStackResources). A value that cannot
//!   be evaluated (an attribute the library does not know, `AWS::StackId`, a NoEcho parameter)
//!   sends the stack through CloudFormation.
//! - **Whole or not at all.** Every new value is evaluated and checked by the library
//!   ([`Hotswap::check`]) before the first call; a template that refers to an attribute an
//!   update in place changes ([`Hotswap::changed_attributes`]) takes CloudFormation.
//! - **Drift, said out loud.** After a hotswap the account no longer matches the template
//!   CloudFormation holds. The run says so, as the AWS CDK does. The next deploy without
//!   `--hotswap` sees the template differ from the deployed one and reconciles the stack through
//!   a change set. One case it cannot see (nor can the AWS CDK): a hotswap reverted in the code,
//!   whose template is CloudFormation's again. For that, `deploy --hotswap --force` updates every
//!   hotswappable property of the stack to the template's value, changed or not.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::deploy::client::AwsConfig;
use crate::deploy::deployment::DeployOptions;
use crate::deploy::environment::Target;
use crate::deploy::error::DeployError;
use crate::deploy::noop::is_masked;
use crate::deploy::stack::{physical_ids, DeployedStack};
use crate::deploy::ui::Ui;
use crate::evaluate::{Environment, Evaluator, Resolver};
use crate::StackArtifact;

/// A future of a hotswap update.
pub type Update<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// What a library knows about updating its services' resources in place.
///
/// ```
/// use framework::deploy::{AwsConfig, Hotswap, Update};
/// use framework::evaluate::{Environment, Resolver};
/// use serde_json::{Map, Value};
/// use std::collections::BTreeMap;
///
/// /// Topics' display names, updated in place (an illustration: no call is made).
/// struct Topics;
/// struct PhysicalIds(BTreeMap<String, String>);
/// impl Resolver for PhysicalIds {
///     fn reference(&self, id: &str, _: &str, _: &Value) -> Option<Value> {
///         self.0.get(id).cloned().map(Value::String)
///     }
///     fn attribute(&self, _: &str, _: &str, _: &Value, _: &str) -> Option<Value> {
///         None
///     }
/// }
/// impl Hotswap for Topics {
///     fn properties(&self, resource_type: &str) -> &'static [&'static str] {
///         if resource_type == "AWS::SNS::Topic" { &["DisplayName"] } else { &[] }
///     }
///     fn resolver(&self, _: &Environment, physical_ids: &BTreeMap<String, String>) -> Box<dyn Resolver + Send + Sync> {
///         Box::new(PhysicalIds(physical_ids.clone()))
///     }
///     fn update<'a>(&'a self, _: &'a AwsConfig, _: &'a str, _: &'a str, _: &'a Map<String, Value>) -> Update<'a> {
///         Box::pin(async { Ok(()) })
///     }
/// }
/// assert_eq!(Topics.properties("AWS::SNS::Topic"), ["DisplayName"]);
/// ```
pub trait Hotswap: Send + Sync {
    /// The properties of `resource_type` that [`update`](Self::update) can change in place
    /// (none: the type is not hotswappable).
    fn properties(&self, resource_type: &str) -> &'static [&'static str];

    /// What `Ref` and `Fn::GetAtt` give for the resources of a deployed stack in `env`, given
    /// their physical IDs by logical ID.
    fn resolver(&self, env: &Environment, physical_ids: &BTreeMap<String, String>) -> Box<dyn Resolver + Send + Sync>;

    /// The attributes of `resource_type` that an update in place changes (a new revision id):
    /// when the template refers to one, the stack takes CloudFormation, which updates what
    /// refers to it.
    fn changed_attributes(&self, resource_type: &str) -> &'static [&'static str] {
        let _ = resource_type;
        &[]
    }

    /// Whether the new `properties` (evaluated, as [`update`](Self::update) would get them)
    /// can be applied in place; the reason why not otherwise. Asked of every resource before
    /// any is updated, so that a stack is hotswapped whole or not at all.
    fn check(&self, resource_type: &str, properties: &Map<String, Value>) -> Result<(), String> {
        let _ = (resource_type, properties);
        Ok(())
    }

    /// Updates the deployed resource `physical_id` of `resource_type` in place, to the new
    /// values of its hotswappable `properties` (evaluated; a property absent has been removed).
    /// The error is the service's message.
    fn update<'a>(
        &'a self,
        config: &'a AwsConfig,
        resource_type: &'a str,
        physical_id: &'a str,
        properties: &'a Map<String, Value>,
    ) -> Update<'a>;
}

/// The library that hotswaps for a deployment (`DeployOptions::hotswap`); handles are equal when
/// they share the library.
#[derive(Clone)]
pub struct HotswapWith(pub Arc<dyn Hotswap>);

impl std::fmt::Debug for HotswapWith {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HotswapWith(..)")
    }
}

impl PartialEq for HotswapWith {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for HotswapWith {}

/// One resource to update in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// The hotswappable properties that changed.
    pub changed: Vec<String>,
}

/// The template sections other than `Resources`: a change there needs CloudFormation.
const SECTIONS: [&str; 8] =
    ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings", "Conditions", "Rules", "Outputs"];

/// The resources to update in place to go from `old` to `new`, or every reason why it takes
/// CloudFormation. With `force`, every resource with hotswappable properties is a candidate,
/// changed or not (to put them back to the template's values after a hotswap was reverted in
/// the code).
pub fn plan(old: &Value, new: &Value, hotswap: &dyn Hotswap, force: bool) -> Result<Vec<Candidate>, Vec<String>> {
    let mut why = Vec::new();
    for section in SECTIONS.iter().copied().chain(["Transform"]) {
        if old.get(section) != new.get(section) {
            why.push(format!("the template's {section} changed"));
        }
    }
    let empty = Map::new();
    let resources = |t: &Value| t.get("Resources").and_then(Value::as_object).unwrap_or(&empty).clone();
    let (old_resources, new_resources) = (resources(old), resources(new));
    let mut candidates = Vec::new();
    for id in old_resources.keys().filter(|id| !new_resources.contains_key(*id)) {
        why.push(format!("resource {id} is removed"));
    }
    for (id, now) in &new_resources {
        let Some(before) = old_resources.get(id) else {
            why.push(format!("resource {id} is added"));
            continue;
        };
        let ty = now.get("Type").and_then(Value::as_str).unwrap_or_default();
        if before == now {
            let present: Vec<String> = hotswap
                .properties(ty)
                .iter()
                .filter(|p| now.get("Properties").and_then(|ps| ps.get(**p)).is_some())
                .map(|p| p.to_string())
                .collect();
            if force && !present.is_empty() {
                candidates.push(Candidate { logical_id: id.clone(), resource_type: ty.to_string(), changed: present });
            }
            continue;
        }
        if before.get("Type") != now.get("Type") {
            why.push(format!("resource {id} changes type"));
            continue;
        }
        let keys = |r: &Value| r.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        let mut attributes: Vec<String> = keys(before).into_iter().chain(keys(now)).collect();
        attributes.sort();
        attributes.dedup();
        for attribute in attributes.iter().filter(|a| !matches!(a.as_str(), "Properties" | "Metadata" | "Type")) {
            if before.get(attribute) != now.get(attribute) {
                why.push(format!("resource {id} ({ty}): its {attribute} changed"));
            }
        }
        let properties = |r: &Value| r.get("Properties").and_then(Value::as_object).unwrap_or(&empty).clone();
        let (was, is) = (properties(before), properties(now));
        let mut names: Vec<&String> = was.keys().chain(is.keys()).collect();
        names.sort();
        names.dedup();
        let changed: Vec<String> = names.into_iter().filter(|p| was.get(*p) != is.get(*p)).cloned().collect();
        let hotswappable = hotswap.properties(ty);
        let cold: Vec<&str> = changed.iter().map(String::as_str).filter(|p| !hotswappable.contains(p)).collect();
        if !cold.is_empty() {
            why.push(format!("resource {id} ({ty}): {} cannot be updated in place", cold.join(", ")));
        } else if !changed.is_empty() {
            candidates.push(Candidate { logical_id: id.clone(), resource_type: ty.to_string(), changed });
        }
    }
    // An attribute an update in place changes, referred to: CloudFormation must update the
    // referrers (a state machine version that follows the revision, say).
    for c in &candidates {
        for attribute in hotswap.changed_attributes(&c.resource_type) {
            if refers_to_attribute(new, &c.logical_id, attribute) {
                why.push(format!(
                    "the template refers to {}.{attribute}, which an update in place changes",
                    c.logical_id
                ));
            }
        }
    }
    if why.is_empty() {
        Ok(candidates)
    } else {
        Err(why)
    }
}

/// Whether `value` holds `{"Fn::GetAtt": [id, attribute]}` (or `"id.attribute"`) or `${id.attribute}`.
fn refers_to_attribute(value: &Value, id: &str, attribute: &str) -> bool {
    match value {
        Value::Object(o) => {
            if let Some(get) = o.get("Fn::GetAtt") {
                let dotted = format!("{id}.{attribute}");
                let hit = match get {
                    Value::Array(a) => a.len() == 2 && a[0] == id && a[1] == attribute,
                    Value::String(s) => *s == dotted,
                    _ => false,
                };
                if hit {
                    return true;
                }
            }
            if let Some(sub) = o.get("Fn::Sub") {
                if sub.to_string().contains(&format!("${{{id}.{attribute}}}")) {
                    return true;
                }
            }
            o.values().any(|v| refers_to_attribute(v, id, attribute))
        }
        Value::Array(a) => a.iter().any(|v| refers_to_attribute(v, id, attribute)),
        _ => false,
    }
}

/// The line that says a stack takes CloudFormation, and why.
pub(crate) fn cannot_hotswap(stack: &str, why: &[String]) -> String {
    format!("{stack}: cannot hotswap, deploying through CloudFormation: {}", why.join("; "))
}

/// The account and region in a stack ARN (`arn:aws:cloudformation:<region>:<account>:stack/..`).
fn environment_of(stack: &DeployedStack, fallback_region: &str) -> Option<Environment> {
    let mut parts = stack.stack_id.split(':');
    let (_, _, _, region, account) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let region = if region.is_empty() { fallback_region } else { region };
    Some(Environment::new(account, region, stack.stack_name.clone()))
}

/// What a hotswap attempt came to.
#[derive(Debug)]
pub(crate) enum Hotswapped {
    /// The resources were updated in place.
    Done,
    /// It takes CloudFormation, for these reasons (already reported).
    NotPossible,
}

/// Tries to hotswap `artifact` over `stack`, whose deployed template is `old` and whose
/// parameters and tags are unchanged, with `opts.hotswap` (`opts.force`: every hotswappable
/// property, changed or not). Reports what it does, or why the stack takes CloudFormation.
pub(crate) async fn hotswap_stack(
    target: &Target,
    artifact: &StackArtifact,
    stack: &DeployedStack,
    old: &Value,
    opts: &DeployOptions,
    ui: &mut Ui,
) -> Result<Hotswapped, DeployError> {
    let name = artifact.stack_name.as_str();
    let Some(HotswapWith(hotswap)) = &opts.hotswap else { return Ok(Hotswapped::NotPossible) };
    let (hotswap, force, checkpoint) = (hotswap.as_ref(), opts.force, &opts.checkpoint);
    let fall_back = |ui: &mut Ui, why: &[String]| {
        ui.say(cannot_hotswap(name, why));
        Ok(Hotswapped::NotPossible)
    };
    let candidates = match plan(old, artifact.template(), hotswap, force) {
        Ok(c) => c,
        Err(why) => return fall_back(ui, &why),
    };
    let config = &target.config;
    let Some(env) = environment_of(stack, &target.cfn.region) else {
        return fall_back(ui, &[format!("the stack id {} is not an ARN", stack.stack_id)]);
    };
    let ids = physical_ids(&target.cfn, stack).await?;
    let resolver = hotswap.resolver(&env, &ids);
    let mut evaluator = Evaluator::new(artifact.template(), env, resolver.as_ref());
    for (key, value) in &stack.parameters {
        // DescribeStacks gives an SSM-typed parameter's path, not its value: left out, a
        // reference to it cannot be evaluated and the stack takes CloudFormation.
        let ty = artifact.template()["Parameters"][key]["Type"].as_str().unwrap_or_default();
        if !ty.starts_with("AWS::SSM::Parameter::Value") {
            evaluator = evaluator.parameter(key.clone(), Value::String(value.clone()));
        }
    }
    // Every update evaluated before any is made: all or nothing goes to the services' APIs.
    let mut updates = Vec::new();
    let mut why = Vec::new();
    for c in &candidates {
        let Some(physical_id) = ids.get(&c.logical_id) else {
            why.push(format!("resource {} has no physical ID in the deployed stack", c.logical_id));
            continue;
        };
        let written = &artifact.template()["Resources"][&c.logical_id]["Properties"];
        let mut values = Map::new();
        for p in hotswap.properties(&c.resource_type) {
            let Some(value) = written.get(*p) else { continue };
            let at = format!("Resources.{}.Properties.{p}", c.logical_id);
            if value.to_string().contains("AWS::StackId") || mentions_masked_parameter(value, stack) {
                why.push(format!("{at}: refers to AWS::StackId or a NoEcho parameter, whose value is not known here"));
                continue;
            }
            match evaluator.evaluate(value, &at) {
                Ok(v) => {
                    values.insert((*p).to_string(), v);
                }
                Err(e) => why.extend(e.problems),
            }
        }
        if let Err(reason) = hotswap.check(&c.resource_type, &values) {
            why.push(format!("resource {} ({}): {reason}", c.logical_id, c.resource_type));
        }
        updates.push((c, physical_id.clone(), values));
    }
    if !why.is_empty() {
        return fall_back(ui, &why);
    }
    if updates.is_empty() {
        ui.say(format!("{name}: hotswap: no resource changes (only resource metadata differs)"));
    }
    checkpoint.hotswapping(&target.cfn.region, name)?;
    for (c, physical_id, values) in &updates {
        let t0 = Instant::now();
        if let Err(reason) = hotswap.update(config, &c.resource_type, physical_id, values).await {
            checkpoint.idle(&target.cfn.region, name);
            return Err(DeployError::Hotswap {
                stack: name.to_string(),
                logical_id: c.logical_id.clone(),
                resource_type: c.resource_type.clone(),
                reason,
            });
        }
        let path = artifact.path_of_logical_id(&c.logical_id).map(|p| format!(" ({})", p.trim_start_matches('/')));
        ui.say(format!(
            "{name}: hotswapped {} {}{} ({}) in {:.2}s",
            c.resource_type,
            c.logical_id,
            path.unwrap_or_default(),
            c.changed.join(", "),
            t0.elapsed().as_secs_f64()
        ));
    }
    checkpoint.idle(&target.cfn.region, name);
    ui.say(format!(
        "{name}: warning: hotswapped stacks drift from their template on purpose: CloudFormation still holds the \
         previous template. Deploy without --hotswap to reconcile (if the code goes back to what CloudFormation \
         holds, `deploy --hotswap --force` puts the template's values back); never hotswap a production stack."
    ));
    Ok(Hotswapped::Done)
}

/// Whether `value` refers (`Ref`, `${..}`) to a parameter whose deployed value is masked.
fn mentions_masked_parameter(value: &Value, stack: &DeployedStack) -> bool {
    let text = value.to_string();
    stack
        .parameters
        .iter()
        .filter(|(_, v)| is_masked(v))
        .any(|(k, _)| text.contains(&format!("\"{k}\"")) || text.contains(&format!("${{{k}}}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Definitions;
    impl Hotswap for Definitions {
        fn properties(&self, resource_type: &str) -> &'static [&'static str] {
            if resource_type == "AWS::StepFunctions::StateMachine" {
                &["DefinitionString", "Definition"]
            } else {
                &[]
            }
        }
        fn changed_attributes(&self, _: &str) -> &'static [&'static str] {
            &["StateMachineRevisionId"]
        }
        fn resolver(&self, _: &Environment, _: &BTreeMap<String, String>) -> Box<dyn Resolver + Send + Sync> {
            unimplemented!("not needed to plan")
        }
        fn update<'a>(&'a self, _: &'a AwsConfig, _: &'a str, _: &'a str, _: &'a Map<String, Value>) -> Update<'a> {
            unimplemented!("not needed to plan")
        }
    }

    fn template(definition: &str, extra: Value) -> Value {
        let mut t = json!({"Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Description": "r"}},
            "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
                "DefinitionString": definition, "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]}}}
        }});
        if let (Some(t), Some(extra)) = (t.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                t.insert(k.clone(), v.clone());
            }
        }
        t
    }

    #[test]
    fn a_definition_change_alone_is_hotswapped() {
        let old = template("{\"a\":1}", json!({}));
        let mut new = template("{\"a\":2}", json!({}));
        new["Resources"]["SM"]["Metadata"] = json!({"aws:cdk:path": "S/SM"});
        let plan = plan(&old, &new, &Definitions, false).unwrap();
        assert_eq!(
            plan,
            [Candidate {
                logical_id: "SM".into(),
                resource_type: "AWS::StepFunctions::StateMachine".into(),
                changed: vec!["DefinitionString".into()]
            }]
        );
        assert_eq!(super::plan(&old, &old, &Definitions, false).unwrap(), [], "nothing to do");
        let forced = super::plan(&old, &old, &Definitions, true).unwrap();
        assert_eq!(forced.len(), 1, "--force: every hotswappable resource, changed or not");
        assert_eq!(forced[0].changed, ["DefinitionString"]);
    }

    #[test]
    fn anything_else_takes_cloudformation_with_every_reason() {
        let old = template("{\"a\":1}", json!({}));
        let mut new = template("{\"a\":2}", json!({"Outputs": {"X": {"Value": "x"}}}));
        new["Resources"]["Role"]["Properties"]["Description"] = json!("changed");
        new["Resources"]["SM"]["DeletionPolicy"] = json!("Retain");
        new["Resources"]["SM"]["Properties"]["StateMachineName"] = json!("named");
        new["Resources"]["Queue"] = json!({"Type": "AWS::SQS::Queue"});
        let why = plan(&old, &new, &Definitions, false).unwrap_err();
        assert_eq!(
            why,
            [
                "the template's Outputs changed",
                "resource Role (AWS::IAM::Role): Description cannot be updated in place",
                "resource SM (AWS::StepFunctions::StateMachine): its DeletionPolicy changed",
                "resource SM (AWS::StepFunctions::StateMachine): StateMachineName cannot be updated in place",
                "resource Queue is added",
            ]
        );
        let mut gone = old.clone();
        gone["Resources"].as_object_mut().unwrap().remove("Role");
        assert_eq!(plan(&old, &gone, &Definitions, false).unwrap_err(), ["resource Role is removed"]);
        // A version that follows the revision must be updated by CloudFormation.
        let mut versioned = template("{\"a\":2}", json!({}));
        versioned["Resources"]["V"] = json!({"Type": "AWS::StepFunctions::StateMachineVersion",
            "Properties": {"StateMachineRevisionId": {"Fn::GetAtt": ["SM", "StateMachineRevisionId"]}}});
        let mut was = old.clone();
        was["Resources"]["V"] = versioned["Resources"]["V"].clone();
        assert_eq!(
            plan(&was, &versioned, &Definitions, false).unwrap_err(),
            ["the template refers to SM.StateMachineRevisionId, which an update in place changes"]
        );
    }

    #[test]
    fn the_environment_comes_from_the_stack_arn() {
        let stack = DeployedStack {
            stack_id: "arn:aws:cloudformation:eu-west-1:111122223333:stack/S/abc".into(),
            stack_name: "S".into(),
            ..DeployedStack::default()
        };
        let env = environment_of(&stack, "us-east-1").unwrap();
        assert_eq!(
            (env.account.as_str(), env.region.as_str(), env.stack_name.as_str()),
            ("111122223333", "eu-west-1", "S")
        );
        assert!(environment_of(&DeployedStack { stack_id: "S".into(), ..stack }, "us-east-1").is_none());
    }

    #[test]
    fn masked_parameters_are_noticed() {
        let stack = DeployedStack {
            parameters: BTreeMap::from([("Secret".to_string(), "****".to_string()), ("Stage".into(), "dev".into())]),
            ..DeployedStack::default()
        };
        assert!(mentions_masked_parameter(&json!({"Ref": "Secret"}), &stack));
        assert!(mentions_masked_parameter(&json!({"Fn::Sub": "x ${Secret}"}), &stack));
        assert!(!mentions_masked_parameter(&json!({"Ref": "Stage"}), &stack));
    }
}

//! The physical values of resources in a simulated deployment: what `Ref` and `Fn::GetAtt` give
//! for the resource types of this library (and a few common others), for a simulated account,
//! region and stack ([`framework::evaluate`] asks; this module answers, as the core knows no
//! service).
//!
//! A resource's name is its name property when the template sets one, else
//! `<stack name>-<logical id>` (CloudFormation would add a random suffix; a simulation stays
//! deterministic). ARNs follow each service's documented format.
//!
//! ```
//! use constructs::simulated::SimulatedResources;
//! use framework::evaluate::{Environment, Evaluator};
//! use serde_json::json;
//!
//! let template = json!({"Resources": {
//!     "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "echo"}},
//!     "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
//!         "DefinitionString": {"Fn::Join": ["", ["{\"Resource\":\"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\"}"]]}}}
//! }});
//! let resources = SimulatedResources::new(Environment::new("123456789012", "eu-west-1", "Demo"));
//! let evaluator = Evaluator::new(&template, resources.environment().clone(), &resources);
//! let properties = evaluator.resource_properties("SM").unwrap();
//! assert_eq!(properties["DefinitionString"], r#"{"Resource":"arn:aws:lambda:eu-west-1:123456789012:function:echo"}"#);
//! ```

use std::collections::BTreeMap;

use framework::evaluate::{Environment, Resolver};
use serde_json::Value;

/// [`Resolver`] for a simulated deployment of one stack, or (with [`deployed`](Self::deployed))
/// for a real one whose physical IDs are known.
#[derive(Debug, Clone)]
pub struct SimulatedResources {
    env: Environment,
    /// The deployed stack's physical IDs by logical ID (empty when simulated).
    physical: BTreeMap<String, String>,
}

impl SimulatedResources {
    /// The resources of a stack deployed to `env`.
    pub fn new(env: Environment) -> SimulatedResources {
        SimulatedResources { env, physical: BTreeMap::new() }
    }

    /// The resources of a stack deployed to `env` for real: a resource's `Ref` is its physical
    /// ID, its name is read from it, and only attributes that follow from the name (ARNs) are
    /// known.
    ///
    /// ```
    /// use constructs::simulated::SimulatedResources;
    /// use framework::evaluate::{Environment, Resolver};
    /// use serde_json::json;
    /// let ids = [("Role".to_string(), "Demo-Role-1A2B3C".to_string())].into();
    /// let r = SimulatedResources::deployed(Environment::new("123456789012", "us-east-1", "Demo"), ids);
    /// assert_eq!(r.reference("Role", "AWS::IAM::Role", &json!({})), Some(json!("Demo-Role-1A2B3C")));
    /// assert_eq!(
    ///     r.attribute("Role", "AWS::IAM::Role", &json!({}), "Arn"),
    ///     Some(json!("arn:aws:iam::123456789012:role/Demo-Role-1A2B3C"))
    /// );
    /// assert_eq!(r.attribute("Role", "AWS::IAM::Role", &json!({}), "RoleId"), None, "not derivable");
    /// assert_eq!(r.reference("Gone", "AWS::IAM::Role", &json!({})), None);
    /// ```
    pub fn deployed(env: Environment, physical_ids: BTreeMap<String, String>) -> SimulatedResources {
        SimulatedResources { env, physical: physical_ids }
    }

    fn is_deployed(&self) -> bool {
        !self.physical.is_empty()
    }

    /// The simulated account, region and stack.
    pub fn environment(&self) -> &Environment {
        &self.env
    }

    fn name(&self, logical_id: &str, properties: &Value, property: &str) -> String {
        if let Some(physical) = self.physical.get(logical_id) {
            return name_in(physical).to_string();
        }
        properties
            .get(property)
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}-{logical_id}", self.env.stack_name))
    }

    fn arn(&self, service: &str, regional: bool, resource: &str) -> String {
        let region = if regional { self.env.region.as_str() } else { "" };
        let account = if service == "s3" { "" } else { self.env.account.as_str() };
        format!("arn:{}:{service}:{region}:{account}:{resource}", self.env.partition)
    }

    /// (`Ref`, `Arn`, `Name`) of a resource of a known type.
    fn values(&self, logical_id: &str, resource_type: &str, p: &Value) -> Option<(String, Option<String>, String)> {
        let v = match resource_type {
            "AWS::StepFunctions::StateMachine" => {
                let name = self.name(logical_id, p, "StateMachineName");
                let arn = self.arn("states", true, &format!("stateMachine:{name}"));
                (arn.clone(), Some(arn), name)
            }
            "AWS::StepFunctions::Activity" => {
                let name = self.name(logical_id, p, "Name");
                let arn = self.arn("states", true, &format!("activity:{name}"));
                (arn.clone(), Some(arn), name)
            }
            "AWS::IAM::Role" => {
                let name = self.name(logical_id, p, "RoleName");
                let path = p.get("Path").and_then(Value::as_str).unwrap_or("/");
                (name.clone(), Some(self.arn("iam", false, &format!("role{path}{name}"))), name)
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                let name = self.name(
                    logical_id,
                    p,
                    if resource_type.ends_with("ManagedPolicy") { "ManagedPolicyName" } else { "PolicyName" },
                );
                let arn = self.arn("iam", false, &format!("policy/{name}"));
                let reference = if resource_type.ends_with("ManagedPolicy") { arn.clone() } else { name.clone() };
                (reference, Some(arn), name)
            }
            "AWS::Logs::LogGroup" => {
                let name = self.name(logical_id, p, "LogGroupName");
                (name.clone(), Some(self.arn("logs", true, &format!("log-group:{name}:*"))), name)
            }
            "AWS::Lambda::Function" => {
                let name = self.name(logical_id, p, "FunctionName");
                (name.clone(), Some(self.arn("lambda", true, &format!("function:{name}"))), name)
            }
            "AWS::Events::Rule" => {
                let name = self.name(logical_id, p, "Name");
                let bus = p.get("EventBusName").and_then(Value::as_str).filter(|b| *b != "default");
                let resource = match bus {
                    Some(bus) => format!("rule/{bus}/{name}"),
                    None => format!("rule/{name}"),
                };
                let arn = self.arn("events", true, &resource);
                let reference =
                    if bus.is_some() { format!("{}|{name}", bus.unwrap_or_default()) } else { name.clone() };
                (reference, Some(arn), name)
            }
            "AWS::Events::EventBus" => {
                let name = self.name(logical_id, p, "Name");
                (name.clone(), Some(self.arn("events", true, &format!("event-bus/{name}"))), name)
            }
            "AWS::SQS::Queue" => {
                let name = self.name(logical_id, p, "QueueName");
                let url =
                    format!("https://sqs.{}.{}/{}/{name}", self.env.region, self.env.url_suffix, self.env.account);
                (url, Some(self.arn("sqs", true, &name)), name)
            }
            "AWS::SNS::Topic" => {
                let name = self.name(logical_id, p, "TopicName");
                let arn = self.arn("sns", true, &name);
                (arn.clone(), Some(arn), name)
            }
            "AWS::DynamoDB::Table" => {
                let name = self.name(logical_id, p, "TableName");
                (name.clone(), Some(self.arn("dynamodb", true, &format!("table/{name}"))), name)
            }
            "AWS::S3::Bucket" => {
                let name = self.name(logical_id, p, "BucketName").to_lowercase();
                (name.clone(), Some(self.arn("s3", false, &name)), name)
            }
            _ => return None,
        };
        Some(v)
    }
}

/// A resource's name in its physical ID: the last part of an ARN (`stateMachine:<name>`,
/// `policy/<name>`), of a queue URL, or of a rule's `<bus>|<name>`; the ID itself otherwise.
fn name_in(physical: &str) -> &str {
    let tail = if physical.starts_with("arn:") || physical.starts_with("https://") {
        physical.rsplit([':', '/']).next().unwrap_or(physical)
    } else {
        physical
    };
    tail.rsplit('|').next().unwrap_or(tail)
}

impl Resolver for SimulatedResources {
    fn reference(&self, logical_id: &str, resource_type: &str, properties: &Value) -> Option<Value> {
        if self.is_deployed() {
            return self.physical.get(logical_id).cloned().map(Value::String);
        }
        let reference = self.values(logical_id, resource_type, properties).map(|(r, ..)| r);
        Some(Value::String(reference.unwrap_or_else(|| logical_id.to_string())))
    }

    fn attribute(&self, logical_id: &str, resource_type: &str, properties: &Value, attribute: &str) -> Option<Value> {
        if self.is_deployed() && !self.physical.contains_key(logical_id) {
            return None;
        }
        let (_, arn, name) = self.values(logical_id, resource_type, properties)?;
        match attribute {
            // An id the service makes up: only a simulation can invent one.
            "RoleId" if self.is_deployed() => None,
            "Arn" => arn.map(Value::String),
            "Name" | "StateMachineName" | "LogGroupName" | "QueueName" | "TopicName" | "RoleId" => {
                Some(Value::String(name))
            }
            "QueueUrl" => self.reference(logical_id, resource_type, properties),
            _ => None,
        }
    }
}

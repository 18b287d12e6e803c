//! The core of the toolkit: construct tree, typed values (tokens), template model, synth to a
//! cloud assembly, validation and test assertions.
//!
//! ```
//! use framework::{App, CfnResource, OutputNode, Pseudo, Value};
//!
//! let mut app = App::new();
//! let stack = app.add_stack("Demo");
//! let topic = CfnResource::new("AWS::SNS::Topic")
//!     .property("TopicName", Value::sub("${AWS::StackName}-alerts"))
//!     .add(&mut *stack, "Topic");
//! stack.add_output("TopicArn", OutputNode::new(Value::Ref(topic)));
//! let assembly = app.synth().expect("valid app");
//! let template = &assembly.stack("Demo").unwrap().template();
//! assert_eq!(template["Outputs"]["TopicArn"]["Value"]["Ref"], "Topic");
//! # let _ = Pseudo::Region;
//! ```

#![warn(missing_docs)]

pub mod assembly;
pub mod assertions;
pub mod diff;
pub mod evaluate;
pub mod logical_id;
mod resource;
pub mod staging_protocol;
pub mod synth;
mod template;
pub mod tree;
mod validation;
mod value;

pub use assembly::{
    AssemblyError, AssetDestination, Assets, CloudAssembly, FileAsset, Packaging, StackArtifact, UnsupportedAsset,
};
pub use logical_id::logical_id;
pub use resource::{CfnResource, RemovalPolicy, Resource, ResourceNode};
pub use synth::SynthError;
pub use template::{ConditionNode, ConditionRef, OutputNode, ParameterNode, ParameterRef};
pub use tree::{App, AppId, AsNode, Environment, Node, NodeKind, NodeRef, Scope, Stack, StackProps};
pub use validation::{check_range, json_kind, Problem, Problems, StringRule, Validator};
pub use value::{Pseudo, Value};

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "deploy")]
pub mod deploy;
#[cfg(any(test, feature = "test-util"))]
pub mod testing;

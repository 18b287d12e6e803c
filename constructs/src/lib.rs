//! The construct library: one module per AWS service.
//!
//! Constructors take a scope (`&mut Stack` or `stack.at(node)`) and an id, and return a small
//! copyable handle (`RoleRef`, `StateMachineRef`, ...) whose methods yield attribute values and
//! whose mutations (grants) go through the stack.
//!
//! With the `trial` feature, the library also tries the deployed system (module `trial`: send
//! events, follow the executions they start) and offers the command that does it, `send-events`,
//! for app binaries to put next to the core's commands (module `cli`). Without the feature the
//! library needs no AWS SDK.

#![warn(missing_docs)]

pub mod events;
/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExample;

mod civil;
#[cfg(feature = "cli")]
pub mod cli;
mod handle;
#[cfg(feature = "deploy")]
pub mod hotswap;
pub mod iam;
mod json;
pub mod logs;
mod num;
pub mod report;
pub mod s3;
pub mod simulated;
pub mod simulation;
pub mod staging;
pub mod stepfunctions;
#[cfg(feature = "trial")]
pub mod trial;
mod wildcard;

/// `[{"Key": k, "Value": v}, ...]`, sorted by key: the tag list most resource types take.
pub(crate) fn tags_value(tags: &std::collections::BTreeMap<String, framework::Value>) -> framework::Value {
    framework::Value::List(
        tags.iter()
            .map(|(k, v)| framework::Value::map([("Key", framework::Value::from(k.as_str())), ("Value", v.clone())]))
            .collect(),
    )
}

//! The construct library: one module per AWS service.
//!
//! Constructors take a scope (`&mut Stack` or `stack.at(node)`) and an id, and return a small
//! copyable handle (`RoleRef`, `StateMachineRef`, ...) whose methods yield attribute values and
//! whose mutations (grants) go through the stack.

pub mod events;
/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExample;

mod handle;
pub mod iam;
pub mod logs;
mod num;
pub mod stepfunctions;

/// `[{"Key": k, "Value": v}, ...]`, sorted by key: the tag list most resource types take.
pub(crate) fn tags_value(tags: &std::collections::BTreeMap<String, framework::Value>) -> framework::Value {
    framework::Value::List(
        tags.iter()
            .map(|(k, v)| framework::Value::map([("Key", framework::Value::from(k.as_str())), ("Value", v.clone())]))
            .collect(),
    )
}

//! The construct library: one module per AWS service.
//!
//! Constructors take a scope (`&mut Stack` or `stack.at(node)`) and an id, and return a small
//! copyable handle (`RoleRef`, `StateMachineRef`, ...) whose methods yield attribute values and
//! whose mutations (grants) go through the stack.

pub mod iam;

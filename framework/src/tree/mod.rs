//! The construct tree: an [`App`] holds [`Stack`]s; a stack owns its constructs in an arena and
//! hands out copyable [`NodeRef`] handles.
//!
//! Design: constructs refer to each other (a rule targets a state machine, a grant edits a role's
//! policy after both exist). Rather than a web of `Rc<RefCell<..>>`, each stack owns its nodes in
//! a `Vec`; constructors return small `Copy` handles (app id, stack index, node index) that yield
//! attribute values (`Value::GetAtt(handle, "Arn")`) without borrowing anything, and every
//! mutation goes through `&mut Stack`. Handles from another app or stack are detected, reported
//! as problems with the construct path, and never panic.

mod app;
mod id;
mod node;
mod stack;

pub use app::App;
pub use id::id_problem;
pub use node::{AppId, AsNode, Node, NodeIdx, NodeKind, NodeRef};
pub use stack::{Environment, Scope, Stack, StackProps};

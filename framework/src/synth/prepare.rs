//! Phase 1, prepare: what every later phase reads, computed once per stack: the construct path
//! of each node and the logical ID of each template element.
//!
//! AWS CDK's prepare phase also settles lazy values (the IAM `DefaultPolicy` a grant creates on
//! first use, for example). Here constructs make such resources eagerly, when the grant is made
//! (`RoleRef::default_policy` finds or creates it), so the tree is final when synth starts and
//! prepare only computes: nothing in the tree changes during synth, which is what lets render run
//! on several threads.

use std::collections::BTreeMap;

use crate::logical_id::{is_valid_logical_id, logical_id};
use crate::tree::{App, NodeIdx, NodeKind, Stack};
use crate::validation::Problem;

/// Logical IDs of every template element, per stack (indexed by node; `None` for constructs).
pub(crate) type LogicalIds = Vec<Vec<Option<String>>>;

/// The paths and logical IDs of the whole app.
pub(crate) struct Prepared {
    /// Construct path of every node, per stack (indexed by node).
    pub paths: Vec<Vec<String>>,
    /// Logical ID of every template element.
    pub logical_ids: LogicalIds,
}

/// Paths and logical IDs of every stack, with each stack's problems so far: those recorded
/// while the tree was built, then invalid logical-ID overrides and collisions.
pub(crate) fn prepare(app: &App) -> (Prepared, Vec<Vec<Problem>>) {
    let mut prepared =
        Prepared { paths: Vec::with_capacity(app.stacks.len()), logical_ids: Vec::with_capacity(app.stacks.len()) };
    let mut problems = Vec::with_capacity(app.stacks.len());
    for stack in &app.stacks {
        let mut stack_problems = stack.problems.clone();
        let paths = stack.all_paths();
        prepared.logical_ids.push(stack_logical_ids(stack, &paths, &mut stack_problems));
        prepared.paths.push(paths);
        problems.push(stack_problems);
    }
    (prepared, problems)
}

/// Logical IDs of a stack's template elements (indexed by node), with problems for invalid
/// overrides and collisions.
fn stack_logical_ids(stack: &Stack, paths: &[String], problems: &mut Vec<Problem>) -> Vec<Option<String>> {
    let mut ids = vec![None; stack.nodes.len()];
    let mut owners: BTreeMap<String, NodeIdx> = BTreeMap::new();
    for (i, node) in stack.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Stack | NodeKind::Construct) {
            continue;
        }
        let id = match &node.logical_id_override {
            Some(id) => {
                if !is_valid_logical_id(id) {
                    problems.push(Problem {
                        path: paths[i].clone(),
                        message: format!("logical ID override {id:?} must be 1-255 alphanumeric characters"),
                    });
                }
                id.clone()
            }
            None => logical_id(&stack.components_below_stack(i as NodeIdx)).unwrap_or_else(|| {
                problems.push(Problem {
                    path: paths[i].clone(),
                    message: "cannot compute a logical ID: every path component is \"Default\"".into(),
                });
                String::new()
            }),
        };
        if let Some(other) = owners.insert(id.clone(), i as NodeIdx) {
            problems.push(Problem {
                path: paths[i].clone(),
                message: format!("logical ID {id:?} is also used by {}", paths[other as usize]),
            });
        }
        ids[i] = Some(id);
    }
    ids
}

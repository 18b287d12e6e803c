//! Phase 5, assemble: the cloud assembly from the rendered, joined stacks: one
//! [`StackArtifact`] per stack (name, environment, dependencies, construct path of each logical
//! ID, tags, termination protection) and the construct tree for `tree.json`.

use std::borrow::Cow;

use crate::assembly::{CloudAssembly, ConstructTree, StackArtifact, TreeNode};
use crate::synth::prepare::Prepared;
use crate::synth::resolve::Joined;
use crate::tree::{App, NodeIdx, NodeKind, Stack};

/// The cloud assembly of `app`.
pub(crate) fn assemble(app: &App, prepared: &Prepared, joined: Joined) -> CloudAssembly {
    let Joined { templates, stack_deps } = joined;
    let stacks = app
        .stacks
        .iter()
        .zip(templates)
        .enumerate()
        .map(|(i, (stack, template))| {
            let dependencies =
                stack_deps.iter().filter(|(a, _)| *a == i).map(|(_, b)| app.stacks[*b].id().to_string()).collect();
            let logical_ids = prepared.logical_ids[i]
                .iter()
                .enumerate()
                .filter_map(|(n, id)| id.clone().map(|id| (format!("/{}", prepared.paths[i][n]), id)))
                .collect();
            StackArtifact::new(
                stack.id().to_string(),
                stack.stack_name().to_string(),
                stack.props.env.uri(),
                template.finish(),
                dependencies,
                logical_ids,
                stack.props.tags.clone(),
                stack.props.termination_protection,
            )
        })
        .collect();
    let tree = ConstructTree {
        stacks: app.stacks.iter().enumerate().map(|(i, s)| tree_node(s, 0, &prepared.logical_ids[i])).collect(),
    };
    CloudAssembly::new(stacks, tree)
}

/// The construct `idx` of `stack` and everything below it, for `tree.json`.
fn tree_node(stack: &Stack, idx: NodeIdx, ids: &[Option<String>]) -> TreeNode {
    let n = &stack.nodes[idx as usize];
    TreeNode {
        id: n.id.clone(),
        fqn: Cow::Borrowed(n.fqn),
        cfn_type: match &n.kind {
            NodeKind::Resource(r) => Some(r.spec.cfn_type().to_string()),
            _ => None,
        },
        logical_id: match &n.kind {
            NodeKind::Resource(_) => ids[idx as usize].clone(),
            _ => None,
        },
        children: n.children.iter().map(|c| tree_node(stack, *c, ids)).collect(),
    }
}

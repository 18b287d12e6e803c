//! Phase 4, resolve references and exports: what a `Value::Ref`/`GetAtt` to another construct
//! becomes, and the cross-stack joins that follow.
//!
//! It works in two halves, because a reference is only met while its value is rendered, and a
//! cross-stack reference changes another stack's template:
//! - [`resolve`], called by render for each reference (one walk over the values): a same-stack
//!   target becomes its logical ID (an implicit dependency when it is a resource); a target in
//!   another stack becomes an `Fn::ImportValue` of an export name known from the producer's
//!   logical IDs alone, recorded in [`Links`] with the stack dependency it implies.
//! - [`join`], once every stack is rendered: the exports are added as outputs of their producers,
//!   the stack dependencies merged with the declared ones, and a cycle among them is a problem.
//!
//! Both are deterministic: links are sets, merged in stack order, so threads do not change bytes.

mod cycle;
mod exports;

use std::collections::BTreeSet;

pub(crate) use exports::ExportRequest;

use crate::synth::prepare::LogicalIds;
use crate::synth::render::RenderedStack;
use crate::synth::render::TemplateText;
use crate::tree::{App, NodeKind, NodeRef};
use crate::validation::Problem;

/// What a reference resolves to.
pub(crate) enum Resolved {
    /// A template element of the referring stack, by logical ID.
    Local(String),
    /// An element of another stack, through the export of this name.
    Import(String),
}

/// The cross-stack links one stack's rendering found.
#[derive(Debug, Default)]
pub(crate) struct Links {
    /// The exports other stacks must provide.
    pub exports: BTreeSet<ExportRequest>,
    /// `(dependent, dependency)` stack indexes.
    pub stack_deps: BTreeSet<(usize, usize)>,
}

/// Resolves a reference from stack `from` to `target` (with `attribute` for `Fn::GetAtt`),
/// recording cross-stack links; `same_stack_resources` collects same-stack resources referred
/// to (implicit dependencies). `Err` is the problem to report at the referring element.
pub(crate) fn resolve(
    app: &App,
    logical_ids: &LogicalIds,
    from: usize,
    target: NodeRef,
    attribute: Option<&str>,
    links: &mut Links,
    same_stack_resources: &mut BTreeSet<u32>,
) -> Result<Resolved, String> {
    if target.app != app.id {
        return Err(format!(
            "references a construct of another app (node {} of that app's stack {}); \
             constructs can only refer to constructs of the same app",
            target.node, target.stack
        ));
    }
    let stack = app.stacks.get(target.stack as usize).ok_or("references a stack that does not exist")?;
    let node = stack.nodes.get(target.node as usize).ok_or("references a construct that does not exist")?;
    let target_path = stack.path_of(target.node);
    let Some(id) = logical_ids[target.stack as usize][target.node as usize].clone() else {
        return Err(format!("references {target_path}, which is not a resource, parameter or condition"));
    };
    if target.stack as usize == from {
        if matches!(node.kind, NodeKind::Resource(_)) {
            same_stack_resources.insert(target.node);
        }
        return Ok(Resolved::Local(id));
    }
    if !matches!(node.kind, NodeKind::Resource(_)) {
        return Err(format!("references {target_path} of another stack; only resources can be shared between stacks"));
    }
    let producer = target.stack as usize;
    links.stack_deps.insert((from, producer));
    let request = ExportRequest { producer, target, attribute: attribute.map(str::to_string) };
    let name = exports::export_name(app, logical_ids, &request);
    links.exports.insert(request);
    Ok(Resolved::Import(name))
}

/// The templates with their exports, and every stack dependency.
pub(crate) struct Joined {
    /// Templates, per stack.
    pub templates: Vec<TemplateText>,
    /// `(dependent, dependency)` stack indexes: declared and implied by references.
    pub stack_deps: BTreeSet<(usize, usize)>,
}

/// Joins the stacks rendered one by one: adds their problems to `problems` (in stack order),
/// the exports to their producers' outputs, and a problem for a dependency cycle.
pub(crate) fn join(
    app: &App,
    logical_ids: &LogicalIds,
    rendered: Vec<RenderedStack>,
    problems: &mut Vec<Problem>,
) -> Joined {
    let mut exports = BTreeSet::new();
    let mut stack_deps: BTreeSet<(usize, usize)> = app.stack_dependencies.iter().copied().collect();
    let mut templates = Vec::with_capacity(rendered.len());
    for stack in rendered {
        templates.push(stack.template);
        exports.extend(stack.links.exports);
        stack_deps.extend(stack.links.stack_deps);
        problems.extend(stack.problems);
    }
    for request in &exports {
        let (id, output) = exports::export_output(app, logical_ids, request);
        templates[request.producer].outputs.insert(id, output);
    }
    if let Some(cycle) = cycle::find_cycle(app.stacks.len(), &stack_deps) {
        let names: Vec<&str> = cycle.iter().map(|i| app.stacks[*i].id()).collect();
        problems.push(Problem {
            path: names[0].to_string(),
            message: format!("stacks depend on each other in a cycle: {}", names.join(" -> ")),
        });
    }
    Joined { templates, stack_deps }
}

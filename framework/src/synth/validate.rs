//! Phase 2, validate: the checks on the tree itself (stack names, each resource's own
//! [`Resource::validate`](crate::Resource::validate), resource counts), and the gate synth passes
//! only without problems.
//!
//! Validation never stops at the first problem: each phase adds what it finds (prepare the
//! logical-ID collisions, render and resolve the broken references and cycles), and synth fails
//! once, after resolving, with every problem of every phase, each at its construct path. The
//! order is stable (app, then stack by stack, then rendering, then cycles), so the same app always
//! reports the same list, on one thread or several.

use std::collections::BTreeSet;

use crate::synth::prepare::Prepared;
use crate::synth::SynthError;
use crate::tree::{App, NodeKind, Stack};
use crate::validation::{Problem, Problems, Validator};

/// The app's problems so far: those recorded on the app, then each stack's (`stack_problems`,
/// from prepare) followed by what validating that stack finds.
pub(crate) fn validate(app: &App, prepared: &Prepared, stack_problems: Vec<Vec<Problem>>) -> Vec<Problem> {
    let mut problems = app.problems.clone();
    for ((stack, paths), mut found) in app.stacks.iter().zip(&prepared.paths).zip(stack_problems) {
        validate_stack(stack, paths, &mut found);
        problems.extend(found);
    }
    problems
}

/// Fails with every problem (each once, in the order found) unless there are none.
pub(crate) fn all_at_once(mut problems: Vec<Problem>) -> Result<(), SynthError> {
    if problems.is_empty() {
        return Ok(());
    }
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    Err(SynthError::Invalid(Problems(problems)))
}

fn validate_stack(stack: &Stack, paths: &[String], problems: &mut Vec<Problem>) {
    if let Some(name) = &stack.props.stack_name {
        let ok = !name.is_empty()
            && name.len() <= 128
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            problems.push(Problem {
                path: stack.id().to_string(),
                message: format!(
                    "stack name {name:?} must be 1-128 characters, start with a letter and contain only letters, digits and '-'"
                ),
            });
        }
    }
    let mut resources = 0;
    for (i, node) in stack.nodes.iter().enumerate() {
        if let NodeKind::Resource(res) = &node.kind {
            resources += 1;
            res.spec.validate(&mut Validator::new(&paths[i], problems));
        }
    }
    if resources == 0 {
        problems.push(Problem {
            path: stack.id().to_string(),
            message:
                "the stack has no resources; CloudFormation requires at least one (add a construct or remove the stack)"
                    .into(),
        });
    } else if resources > 500 {
        problems.push(Problem {
            path: stack.id().to_string(),
            message: format!(
                "the stack has {resources} resources; CloudFormation allows at most 500 (split it into several stacks)"
            ),
        });
    }
}

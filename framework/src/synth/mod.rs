//! Synthesis: from the construct tree to a cloud assembly, in five phases, each a module of its
//! own and each reading only what the phases before it produced (as aws-cdk-lib's synthesis
//! runs prepare, validate, synthesize):
//!
//! 1. `prepare`: every node's construct path and every template element's logical ID (the
//!    AWS CDK algorithm, overrides checked, collisions found). Constructs create their lazy parts
//!    (an IAM `DefaultPolicy` on the first grant) eagerly, so the tree does not change during
//!    synth.
//! 2. `validate`: the checks on the tree itself (stack names, each resource's own rules,
//!    resource counts). Problems are collected, never thrown: synth fails once, after phase 4,
//!    listing every problem of every phase with its construct path.
//! 3. `render`: each stack's template, as text, stacks on several threads for large apps (the
//!    output is the same bytes either way).
//! 4. `resolve`: references to logical IDs while rendering; afterwards the joins between stacks
//!    (cross-stack references become exports in the producer and `Fn::ImportValue` in the
//!    consumer, plus a stack dependency; a dependency cycle is a problem).
//! 5. `assemble`: the [`CloudAssembly`] (see [`crate::assembly`], which writes and reads it):
//!    stack artifacts (manifest entries) and the construct tree.
//!
//! Nothing in synth reads the clock, a random source or the environment, and every collection
//! that reaches the output is ordered, so the same app always gives the same bytes.

mod assemble;
mod parallel;
mod prepare;
mod render;
mod resolve;
#[cfg(test)]
mod tests;
mod validate;

use crate::assembly::CloudAssembly;
use crate::tree::App;
use crate::validation::Problems;

/// Why synth failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The app has problems; all of them are listed.
    #[error("{0}")]
    Invalid(Problems),
}

impl SynthError {
    /// The problems, when synth failed on validation.
    pub fn problems(&self) -> &Problems {
        match self {
            SynthError::Invalid(p) => p,
        }
    }
}

impl App {
    /// Validates the whole tree and renders every stack. Fails with every problem found.
    ///
    /// Stacks are independent until cross-stack references are joined up, so large apps are
    /// rendered on several threads (results are merged in stack order: the output is the same
    /// bytes either way).
    pub fn synth(&self) -> Result<CloudAssembly, SynthError> {
        let parallel = self.stacks.len() > 1 && self.stacks.iter().map(|s| s.nodes.len()).sum::<usize>() > 2_000;
        self.synth_phases(parallel)
    }

    /// The phases in order, rendering on several threads when `parallel`.
    pub(crate) fn synth_phases(&self, parallel: bool) -> Result<CloudAssembly, SynthError> {
        let (prepared, stack_problems) = prepare::prepare(self);
        let mut problems = validate::validate(self, &prepared, stack_problems);
        let rendered = render::render(self, &prepared, parallel);
        let joined = resolve::join(self, &prepared.logical_ids, rendered, &mut problems);
        validate::all_at_once(problems)?;
        Ok(assemble::assemble(self, &prepared, joined))
    }
}

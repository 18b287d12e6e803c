//! Phase 3, render: each stack's template, as the text written to disk.
//!
//! Stacks render independently (on several threads for large apps, see
//! [`par_map`]): a stack's elements are visited in creation
//! order, typed values become template JSON ([`value`]), references are resolved on the way
//! ([`resolve`](crate::synth::resolve::resolve)), and each resource is turned into text as soon
//! as it is rendered ([`text`]), so a large app is never held as one JSON value. Only a stack's
//! outputs stay a value until the end, because cross-stack references add exports to them when
//! the stacks are joined.

mod overrides;
mod stack;
mod text;
mod value;

pub(crate) use text::TemplateText;
pub(crate) use value::fun;

use crate::synth::parallel::par_map;
use crate::synth::prepare::Prepared;
use crate::synth::resolve::Links;
use crate::tree::App;
use crate::validation::Problem;

/// One stack, rendered.
pub(crate) struct RenderedStack {
    /// The template (outputs still open for exports).
    pub template: TemplateText,
    /// Cross-stack links its references need.
    pub links: Links,
    /// Problems found while rendering (broken references), in the order found.
    pub problems: Vec<Problem>,
}

/// Renders every stack of `app`, on several threads when `parallel`; results in stack order.
pub(crate) fn render(app: &App, prepared: &Prepared, parallel: bool) -> Vec<RenderedStack> {
    par_map(&app.stacks, parallel, |i, stack| {
        let (mut links, mut problems) = (Links::default(), Vec::new());
        let template = stack::StackCx {
            app,
            stack_index: i,
            stack,
            paths: &prepared.paths[i],
            logical_ids: &prepared.logical_ids,
            links: &mut links,
            problems: &mut problems,
        }
        .template();
        RenderedStack { template, links, problems }
    })
}

//! One attempt of a Parallel state: every branch on a copy of the effective input, starting at
//! the same virtual instant.
//!
//! The output is the array of the branches' outputs in branch order; the state ends when the
//! last branch does. When a branch fails, the state fails with that branch's error (the guide's
//! "Parallel workflow state": "If any branch fails ... the entire Parallel state fails"); when
//! several fail, the one that failed first in virtual time (then the first in order). Branches
//! run one after another in this simulation, so a branch still runs to its end after another
//! one failed earlier; on AWS it would be stopped.

use std::sync::Arc;

use serde_json::Value;

use super::clock::Time;
use super::history::{Details, EventType};
use super::machine::{Node, Scope};
use super::run::{Doc, Runner, Stop};

impl Runner<'_> {
    pub(crate) fn parallel_attempt(
        &mut self,
        node: &Node,
        branches: &[Scope],
        raw: &Doc,
        entered: Time,
        retry_count: u32,
        now: &mut Time,
    ) -> Result<Doc, Stop> {
        let effective = self.effective_input(node, raw, entered, retry_count)?;
        let input = self.apply_parameters(node, effective, entered, retry_count)?;
        let start = *now;
        self.event(start, EventType::ParallelStateStarted, Details::default())?;
        let mut outputs = Vec::with_capacity(branches.len());
        let mut end = start;
        let mut first_failure: Option<(Time, super::StatesError)> = None;
        for branch in branches {
            let mut clock = start;
            match self.run_scope(branch, input.clone(), &mut clock) {
                Ok(output) => outputs.push(Arc::unwrap_or_clone(output)),
                Err(Stop::Error(e)) => {
                    if first_failure.as_ref().is_none_or(|(at, _)| clock < *at) {
                        first_failure = Some((clock, e));
                    }
                }
                Err(other) => return Err(other),
            }
            end = end.max(clock);
        }
        if let Some((at, error)) = first_failure {
            *now = at;
            let details =
                Details { error: Some(error.error.clone()), cause: Some(error.cause.clone()), ..Details::default() };
            self.event(at, EventType::ParallelStateFailed, details)?;
            return Err(Stop::Error(error));
        }
        *now = end;
        self.event(end, EventType::ParallelStateSucceeded, Details::default())?;
        Ok(self.select_result(node, raw, Arc::new(Value::Array(outputs)), entered, retry_count)?)
    }
}

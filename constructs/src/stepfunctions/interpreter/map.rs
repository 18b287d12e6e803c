//! One attempt of a Map state: the processor run for each item of the array `ItemsPath` selects.
//! A distributed Map (`ProcessorConfig.Mode: DISTRIBUTED`) runs each item as a child execution
//! (the guide's "Distributed mode"): the parent's history has `MapRunStarted` and
//! `MapRunSucceeded` / `MapRunFailed` instead of the iterations' events, the states of the
//! children are not in the parent's states, and each child has the history quota for itself, so a
//! Map over many thousands of items fits; their items come from the input (no `ItemReader` yet).
//!
//! # Decisions
//!
//! - **Each iteration's input** is `ItemSelector` (or its legacy name `Parameters`) applied to
//!   the effective input, with `$$.Map.Item.Index` and `$$.Map.Item.Value` in the context
//!   object; without one, the item itself (the guide's "Map state input and output fields").
//! - **Concurrency in virtual time**: with `MaxConcurrency` (or `MaxConcurrencyPath`) `n > 0`, an
//!   iteration starts when one of `n` slots is free; with 0 (the default) every iteration starts
//!   at once. The state ends when the last iteration does. Iterations run one after another in
//!   this simulation and are written to the history in index order.
//! - **Failures**: without a tolerated failure threshold, the first iteration to fail (in virtual
//!   time, then in index order) fails the state with its own error; no iteration starts after
//!   that instant, and those still running then end as `MapIterationAborted`. With `ToleratedFailureCount` / `ToleratedFailurePercentage`, failures within
//!   the threshold are tolerated (their items' results are `{"Error", "Cause"}`); one more fails
//!   the state with `States.ExceedToleratedFailureThreshold`.
//! - `ItemsPath` must select an array, `MaxConcurrencyPath` a non-negative integer; otherwise
//!   `States.Runtime`. The guide disagrees with itself on objects: its Inline mode page says the
//!   Map "accepts only a JSON array", its newer ItemsPath page that an object is iterated by
//!   key-value pairs, without the shape of a pair; an object fails here too, with a cause that
//!   says so (never a guessed run).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use std::sync::Arc;

use serde_json::{json, Value};

use super::clock::Time;
use super::error::{names, StatesError};
use super::history::{Details, EventType};
use super::jsonpath::select;
use super::machine::{MapNode, Node};
use super::payload::{Context, Env};
use super::run::{select_in, Doc, Recording, Runner, Stop};

impl Runner<'_> {
    pub(crate) fn map_attempt(
        &mut self,
        node: &Node,
        map: &MapNode,
        raw: &Doc,
        entered: Time,
        retry_count: u32,
        now: &mut Time,
    ) -> Result<Doc, Stop> {
        let effective = self.effective_input(node, raw, entered, retry_count)?;
        let selected;
        let items = match map.items_path.as_deref() {
            None | Some("$") => &*effective,
            Some(path) => {
                selected = select_in(path, &effective, || self.context(&node.name, entered, retry_count))?;
                &selected
            }
        };
        let Value::Array(items) = items else {
            let path = map.items_path.as_deref().unwrap_or("$");
            let why = if items.is_object() {
                " (the guide's ItemsPath page also lets a Map iterate an object's key-value pairs, but does not say \
                 what an iteration's input is then; this simulator refuses rather than guess)"
            } else {
                ""
            };
            return Err(Stop::Error(StatesError::runtime(format!(
                "Invalid path '{path}': The Map state's items must be a JSON array, not {}{why}",
                framework::json_kind(items)
            ))));
        };
        let concurrency = match &map.max_concurrency_path {
            Some(path) => match select(path, &effective)? {
                Value::Number(n) if n.as_u64().is_some() => n.as_u64().unwrap_or(0),
                other => {
                    return Err(Stop::Error(StatesError::runtime(format!(
                    "The MaxConcurrencyPath parameter does not reference a non-negative integer: '{path}' is {other}"
                ))))
                }
            },
            None => u64::from(map.max_concurrency.unwrap_or(0)),
        };
        let start = *now;
        self.event(start, EventType::MapStateStarted, Details::default())?;
        // a distributed Map runs each item as a child execution, whose events are its own
        let children = map.distributed && self.records();
        if children {
            self.event(start, EventType::MapRunStarted, Details::default())?;
        }

        let tolerant = map.tolerated_failure_count.is_some() || map.tolerated_failure_percentage.is_some();
        let total = items.len();
        let mut slots: BinaryHeap<Reverse<Time>> = BinaryHeap::new();
        let mut results = Vec::with_capacity(total);
        let mut failures = 0usize;
        let mut failed_at: Option<(Time, StatesError)> = None;
        let mut end = start;
        // (history index, end) of the iterations that succeeded, to mark those a failure stops
        let mut succeeded: Vec<(usize, Time)> = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let begin = if concurrency == 0 || (slots.len() as u64) < concurrency {
                start
            } else {
                slots.pop().map_or(start, |Reverse(t)| t)
            };
            if failed_at.as_ref().is_some_and(|(at, _)| *at < begin) {
                break;
            }
            let input = Arc::new(match &map.item_selector {
                None => item.clone(),
                Some(selector) => {
                    let run_context = self.run_context();
                    let context = Context {
                        item: Some((index, item)),
                        ..Context::of_state(&run_context, &node.name, entered, retry_count)
                    };
                    let mut random = || self.random();
                    Env::new(&effective, &context, &mut random).apply(selector)?
                }
            });
            let iteration = Details { name: Some(node.name.clone()), index: Some(index), ..Details::default() };
            if !children {
                self.event(begin, EventType::MapIterationStarted, iteration.clone())?;
            }
            let mut clock = begin;
            let outcome = if children {
                let parent = std::mem::replace(&mut self.recording, Recording::Child(0));
                let outcome = self.run_scope(&map.processor, input, &mut clock);
                self.recording = parent;
                outcome
            } else {
                self.run_scope(&map.processor, input, &mut clock)
            };
            slots.push(Reverse(clock));
            end = end.max(clock);
            match outcome {
                Ok(output) => {
                    if !children {
                        succeeded.push((self.history.len(), clock));
                        self.event(clock, EventType::MapIterationSucceeded, iteration)?;
                    }
                    results.push(Arc::unwrap_or_clone(output));
                }
                Err(Stop::Error(e)) => {
                    if !children {
                        self.event(clock, EventType::MapIterationFailed, iteration)?;
                    }
                    failures += 1;
                    let exceeded = !tolerant || self.exceeds_tolerance(map, failures, total);
                    if exceeded {
                        let e = if tolerant {
                            StatesError::new(
                                names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                "The specified tolerated failure threshold was exceeded",
                            )
                        } else {
                            e
                        };
                        if failed_at.as_ref().is_none_or(|(at, _)| clock < *at) {
                            failed_at = Some((clock, e));
                        }
                    } else {
                        results.push(json!({"Error": e.error, "Cause": e.cause}));
                    }
                }
                Err(other) => return Err(other),
            }
        }
        if let Some((at, error)) = failed_at {
            // iterations still running when the state failed were stopped then
            for (event, _) in succeeded.iter().filter(|(_, ended)| *ended > at) {
                let e = &mut self.history[*event];
                e.kind = EventType::MapIterationAborted;
                e.timestamp = at;
            }
            *now = at;
            let details =
                Details { error: Some(error.error.clone()), cause: Some(error.cause.clone()), ..Details::default() };
            if children {
                self.event(at, EventType::MapRunFailed, details.clone())?;
            }
            self.event(at, EventType::MapStateFailed, details)?;
            return Err(Stop::Error(error));
        }
        *now = end;
        if children {
            self.event(end, EventType::MapRunSucceeded, Details::default())?;
        }
        self.event(end, EventType::MapStateSucceeded, Details::default())?;
        Ok(self.select_result(node, raw, Arc::new(Value::Array(results)), entered, retry_count)?)
    }

    fn exceeds_tolerance(&self, map: &MapNode, failures: usize, total: usize) -> bool {
        let over_count = map.tolerated_failure_count.is_some_and(|n| failures as u64 > u64::from(n));
        let over_share = map.tolerated_failure_percentage.is_some_and(|p| (failures as f64) * 100.0 > p * total as f64);
        over_count || over_share
    }
}

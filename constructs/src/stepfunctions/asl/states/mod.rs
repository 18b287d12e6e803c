//! The state types of the States Language, one file each, and the [`State`] enum over them.

mod choice;
mod common;
mod fail;
mod map;
mod parallel;
mod pass;
mod succeed;
mod task;
mod wait;

pub use choice::{Choice, ChoiceRule};
pub use common::CommonFields;
pub use fail::Fail;
pub use map::{Map, ProcessorConfig, ProcessorMode};
pub use parallel::Parallel;
pub use pass::Pass;
pub use succeed::Succeed;
pub use task::Task;
pub use wait::{Wait, WaitFor};

use std::collections::BTreeMap;

use framework::Value;
use serde_json::{Map as JsonMap, Value as Json};

use super::fields::Transition;
use super::reader::Reader;
use common::Takes;

/// The accessor and setters of the [`CommonFields`] a state type takes. Each expands inside
/// the state's `impl` block and works on `self.fields`.
macro_rules! common_fields {
    () => {
        /// The shared fields (`Comment`, paths, `Parameters`, `ResultSelector`, `Retry`, `Catch`,
        /// `Next` / `End`) as set on this state.
        pub fn fields(&self) -> &$crate::stepfunctions::asl::CommonFields {
            &self.fields
        }
        /// `Comment`.
        pub fn comment(mut self, comment: impl Into<String>) -> Self {
            self.fields.comment = Some(comment.into());
            self
        }
    };
}

macro_rules! io_setters {
    () => {
        /// `InputPath`: the part of the input the state works on.
        pub fn input_path(mut self, path: impl Into<$crate::stepfunctions::asl::PathOrNull>) -> Self {
            self.fields.input_path = Some(path.into());
            self
        }
        /// `OutputPath`: the part of the output passed on.
        pub fn output_path(mut self, path: impl Into<$crate::stepfunctions::asl::PathOrNull>) -> Self {
            self.fields.output_path = Some(path.into());
            self
        }
    };
}

macro_rules! next_setters {
    () => {
        /// `Next`: the state to go to afterwards.
        pub fn next(mut self, state: impl Into<String>) -> Self {
            self.fields.transition = Some($crate::stepfunctions::asl::Transition::Next(state.into()));
            self
        }
        /// `End: true`: the (sub-)workflow ends after this state.
        pub fn end(mut self) -> Self {
            self.fields.transition = Some($crate::stepfunctions::asl::Transition::End);
            self
        }
    };
}

macro_rules! result_setters {
    () => {
        /// `ResultPath`: where the result goes in the input (a reference path).
        pub fn result_path(mut self, path: impl Into<$crate::stepfunctions::asl::PathOrNull>) -> Self {
            self.fields.result_path = Some(path.into());
            self
        }
        /// `ResultPath: null`: discard the result and pass the input on.
        pub fn discard_result(mut self) -> Self {
            self.fields.result_path = Some($crate::stepfunctions::asl::PathOrNull::Null);
            self
        }
        /// `Parameters`: a payload template for the state's input (keys ending in `.$` take paths).
        pub fn parameters(mut self, template: impl Into<framework::Value>) -> Self {
            self.fields.parameters = Some(template.into());
            self
        }
    };
}

macro_rules! error_setters {
    () => {
        /// `ResultSelector`: a payload template applied to the result.
        pub fn result_selector(mut self, template: impl Into<framework::Value>) -> Self {
            self.fields.result_selector = Some(template.into());
            self
        }
        /// Adds a retrier (`Retry`).
        pub fn retry(mut self, retrier: $crate::stepfunctions::asl::Retrier) -> Self {
            self.fields.retry.push(retrier);
            self
        }
        /// Adds a catcher (`Catch`).
        pub fn catch(mut self, catcher: $crate::stepfunctions::asl::Catcher) -> Self {
            self.fields.catch.push(catcher);
            self
        }
    };
}

pub(crate) use {common_fields, error_setters, io_setters, next_setters, result_setters};

/// One state of a definition.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // built once per state; boxing would only add noise
pub enum State {
    /// `Pass`: passes its input (or a fixed result) to its output.
    Pass(Pass),
    /// `Choice`: branches on rules over the input.
    Choice(Choice),
    /// `Fail`: ends the execution as failed.
    Fail(Fail),
    /// `Succeed`: ends the (sub-)workflow successfully.
    Succeed(Succeed),
    /// `Wait`: delays for a time or until a timestamp.
    Wait(Wait),
    /// `Parallel`: runs branches concurrently.
    Parallel(Parallel),
    /// `Map`: runs a processor for each item of an array.
    Map(Map),
    /// `Task`: one unit of work done by a resource.
    Task(Task),
}

macro_rules! from_state {
    ($($t:ident),*) => {$(
        impl From<$t> for State {
            fn from(s: $t) -> State { State::$t(s) }
        }
    )*};
}
from_state!(Pass, Choice, Fail, Succeed, Wait, Parallel, Map, Task);

/// Where a transition is written, for messages (`Next`, `Default`, `Choices[0].Next`, `Catch[1].Next`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edge<'a> {
    pub field: String,
    pub target: &'a str,
}

impl State {
    /// The `Type` field.
    pub fn type_name(&self) -> &'static str {
        match self {
            State::Pass(_) => "Pass",
            State::Choice(_) => "Choice",
            State::Fail(_) => "Fail",
            State::Succeed(_) => "Succeed",
            State::Wait(_) => "Wait",
            State::Parallel(_) => "Parallel",
            State::Map(_) => "Map",
            State::Task(_) => "Task",
        }
    }

    /// Which of the shared fields the state's type takes.
    fn takes(&self) -> Takes {
        match self {
            State::Pass(_) => Pass::TAKES,
            State::Choice(_) => Choice::TAKES,
            State::Fail(_) => Fail::TAKES,
            State::Succeed(_) => Succeed::TAKES,
            State::Wait(_) => Wait::TAKES,
            State::Parallel(_) => Parallel::TAKES,
            State::Map(_) => Map::TAKES,
            State::Task(_) => Task::TAKES,
        }
    }

    /// The shared fields of the state (those its type does not take are unset).
    pub fn fields(&self) -> &CommonFields {
        match self {
            State::Pass(s) => &s.fields,
            State::Choice(s) => &s.fields,
            State::Fail(s) => &s.fields,
            State::Succeed(s) => &s.fields,
            State::Wait(s) => &s.fields,
            State::Parallel(s) => &s.fields,
            State::Map(s) => &s.fields,
            State::Task(s) => &s.fields,
        }
    }

    /// `Next` / `End` of the states that have one (not Choice, Fail, Succeed).
    pub(crate) fn transition(&self) -> Option<&Option<Transition>> {
        self.takes().transition().then(|| &self.fields().transition)
    }

    /// True when execution may stop at this state (Succeed, Fail, or `End: true`).
    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, State::Succeed(_) | State::Fail(_)) || self.transition() == Some(&Some(Transition::End))
    }

    /// Every transition out of this state.
    pub(crate) fn edges(&self) -> Vec<Edge<'_>> {
        let mut out = Vec::new();
        if let Some(Some(Transition::Next(n))) = self.transition() {
            out.push(Edge { field: "Next".into(), target: n });
        }
        if let State::Choice(c) = self {
            for (i, rule) in c.rules.iter().enumerate() {
                out.push(Edge { field: format!("Choices[{i}].Next"), target: &rule.next });
            }
            if let Some(d) = &c.default {
                out.push(Edge { field: "Default".into(), target: d });
            }
        }
        for (i, c) in self.fields().catch.iter().enumerate() {
            out.push(Edge { field: format!("Catch[{i}].Next"), target: &c.next });
        }
        out
    }

    /// The state as a JSON object.
    pub(crate) fn render(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Type".to_string(), Value::from(self.type_name()));
        self.fields().render(&mut m);
        match self {
            State::Pass(s) => s.render(&mut m),
            State::Choice(s) => s.render(&mut m),
            State::Fail(s) => s.render(&mut m),
            State::Succeed(_) => {}
            State::Wait(s) => s.render(&mut m),
            State::Parallel(s) => s.render(&mut m),
            State::Map(s) => s.render(&mut m),
            State::Task(s) => s.render(&mut m),
        }
        Value::Map(m)
    }

    /// The state's checks: the shared fields, then its type's own (fields, nested definitions);
    /// Task and Map interleave the shared checks with their own, in the order their problems have
    /// always been reported. Graph checks are the definition's.
    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        if !matches!(self, State::Task(_) | State::Map(_)) {
            self.fields().check(ctx, self.type_name(), self.takes(), out);
        }
        match self {
            State::Pass(_) | State::Succeed(_) => {}
            State::Choice(s) => s.check(ctx, out),
            State::Fail(s) => s.check(ctx, out),
            State::Wait(s) => s.check(ctx, out),
            State::Parallel(s) => s.check(ctx, out),
            State::Map(s) => s.check(ctx, out),
            State::Task(s) => s.check(ctx, out),
        }
    }

    /// Reads a state object; `None` (with problems recorded) when it cannot be read.
    pub(crate) fn parse(obj: &JsonMap<String, Json>, ctx: &str, problems: &mut Vec<String>) -> Option<State> {
        let mut r = Reader::new(obj, ctx, problems);
        let ty = r.required_string("Type")?;
        let state = match ty.as_str() {
            "Pass" => Pass::parse(&mut r).map(State::Pass),
            "Choice" => Choice::parse(&mut r).map(State::Choice),
            "Fail" => Fail::parse(&mut r).map(State::Fail),
            "Succeed" => Succeed::parse(&mut r).map(State::Succeed),
            "Wait" => Wait::parse(&mut r).map(State::Wait),
            "Parallel" => Parallel::parse(&mut r).map(State::Parallel),
            "Map" => Map::parse(&mut r).map(State::Map),
            "Task" => Task::parse(&mut r).map(State::Task),
            other => {
                r.problem(format!(
                    "unknown state Type {other:?} (expected Pass, Choice, Fail, Succeed, Wait, Parallel, Map or Task)"
                ));
                return None;
            }
        };
        let what = format!("a {ty} state");
        r.finish(&what);
        state
    }
}

//! A typed Amazon States Language (ASL) builder: definitions, states, Choice conditions,
//! retry/catch, validation of the graph and import of existing JSON definitions.
//!
//! Each state type is a struct with exactly the fields the specification allows it (its own, and
//! those of the [`CommonFields`] its type takes, set through its builder methods), so a Fail
//! state cannot get a `Next` and a Choice rule nested in `And` cannot get one either.
//! [`Definition::problems`] (run at synth by the state machine) reports every remaining problem,
//! each naming its state (`state "P" Branches[0]: state "X": ...` for nested ones):
//!
//! - `StartAt` names a state; every `Next`, Choice rule `Next`, `Default` and `Catch` `Next`
//!   names a state of the same scope (transitions may not leave a Parallel branch or Map processor);
//! - every state is reachable from `StartAt`, and a terminal state (Succeed, Fail, `End: true`)
//!   is reachable from every state;
//! - states other than Choice / Succeed / Fail have `Next` or `End`;
//! - names are 1-80 characters and unique in the whole state machine;
//! - paths are JSONPath starting with `$` (reference paths where one node is required),
//!   `.$` payload fields hold paths or known intrinsic functions, timestamps are RFC 3339,
//!   `StringMatches` patterns escape only `*` and `\`, `And` / `Or` are non-empty;
//! - Wait has exactly one of its four fields; Task timeouts are positive and the heartbeat is
//!   below the timeout; Retry / Catch name known `States.*` errors with `States.ALL` alone and
//!   last; retry intervals, attempts and backoff rates are in range; Map fields match its mode.
//!
//! [`Definition::from_json_str`] imports an existing definition and reports unknown state types,
//! missing or misplaced fields, wrong value types and repeated keys, then runs the same checks.
//!
//! ```
//! use constructs::stepfunctions::asl::{Choice, Condition, Definition, Fail, Pass};
//! let definition = Definition::new("WhichPath?")
//!     .state("WhichPath?", Choice::new()
//!         .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
//!         .otherwise("Fail"))
//!     .state("PathA", Pass::new().end())
//!     .state("Fail", Fail::new());
//! assert_eq!(definition.problems(), Vec::<String>::new());
//!
//! let broken = Definition::new("A").state("A", Pass::new().next("B"));
//! assert_eq!(broken.problems(), vec!["state \"A\": Next \"B\" is not a state of the definition"]);
//! ```

mod condition;
pub(crate) mod definition;
mod duplicates;
mod error;
mod error_handling;
mod fields;
#[cfg(test)]
pub(crate) mod fixtures;
mod import;
#[cfg(test)]
mod problem_order;
mod reader;
mod states;
pub mod syntax;
mod validate;

pub use crate::num::Num;
pub use condition::{Cmp, Condition, Test, TypeTest};
pub use definition::Definition;
pub use error::DefinitionError;
pub use error_handling::{Catcher, JitterStrategy, Retrier, STATES_ERRORS};
pub use fields::{PathOrNull, Transition};
pub use states::{
    Choice, ChoiceRule, CommonFields, Fail, Map, Parallel, Pass, ProcessorConfig, ProcessorMode, State, Succeed, Task,
    Wait, WaitFor,
};
pub use validate::MAX_STATE_NAME;

//! Running state machines locally with AWS's semantics: an Amazon States Language interpreter
//! (JSONPath query language), no AWS SDK and no tokio.
//!
//! A [`Machine`] is a definition compiled for running (from the typed builder, or from JSON with
//! the same validation as synth); [`Machine::run`] runs it on an input with [`Handlers`] for its
//! Task states, in virtual time ([`Options`] sets the start time, the seed, the account and
//! region), and returns the [`Execution`]: status, output or error and cause, the states entered
//! and the history with AWS's event types.
//!
//! ```
//! use constructs::stepfunctions::asl::{Choice, Condition, Definition, Fail, Pass};
//! use constructs::stepfunctions::interpreter::{EventType, Handlers, Machine, Options, Status};
//! use serde_json::json;
//!
//! let definition = Definition::new("WhichPath?")
//!     .state("WhichPath?", Choice::new()
//!         .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
//!         .otherwise("Fail"))
//!     .state("PathA", Pass::new().end())
//!     .state("Fail", Fail::new().error("NoPath"));
//! let machine = Machine::new(&definition).unwrap();
//! let run = |input| machine.run(input, &mut Handlers::new(), &Options::default()).unwrap();
//!
//! let a = run(json!({"detail": {"Path": "A"}}));
//! assert_eq!(a.status, Status::Succeeded);
//! assert_eq!(a.states, ["WhichPath?", "PathA"]);
//! assert_eq!(a.output, Some(json!({"detail": {"Path": "A"}})));
//!
//! let c = run(json!({"detail": {"Path": "C"}}));
//! assert_eq!((c.status, c.error.as_deref()), (Status::Failed, Some("NoPath")));
//! assert_eq!(c.event_types().last(), Some(&EventType::ExecutionFailed));
//! ```
//!
//! Each module is one piece of the runtime, checked against the ASL specification and the Step
//! Functions developer guide (AWS is the oracle; where LocalStack departs from it, the tests say
//! so), with its decisions in its own docs:
//! - [`jsonpath`], [`intrinsics`], [`choice`]: paths, intrinsic functions, Choice rules;
//! - `payload`: payload templates and the context object; `run`: the run loop, input and output
//!   processing, Retry and Catch; `task`, `parallel`, `map`, `wait`: those states;
//! - [`handler`]: what Task states do in a simulation; [`history`]: the events; [`clock`]:
//!   virtual time; [`error`]: the errors, with AWS's names.

pub mod choice;
pub mod clock;
pub mod error;
mod execution;
mod from_template;
pub mod handler;
pub mod history;
pub mod intrinsics;
pub mod jsonpath;
mod machine;
mod map;
#[cfg(test)]
mod no_panic;
mod parallel;
mod payload;
pub mod random;
mod run;
mod task;
mod wait;

pub use clock::Time;
pub use error::StatesError;
pub use execution::{Execution, Options, StartError, Status, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES};
pub use handler::{sequence, Handler, Handlers, Reply, Sequence, TaskCall};
pub use history::{Details, Event, EventType};
pub use machine::Machine;
pub use random::SplitMix64;
pub use run::Doc;

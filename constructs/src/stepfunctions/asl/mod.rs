//! A typed Amazon States Language (ASL) builder: definitions, states, Choice conditions,
//! retry/catch, validation of the graph and import of existing JSON definitions.
//!
//! ```
//! use constructs::stepfunctions::asl::{Choice, Condition, Definition, Fail, Pass};
//! let definition = Definition::new("WhichPath?")
//!     .state("WhichPath?", Choice::new()
//!         .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
//!         .otherwise("Fail"))
//!     .state("PathA", Pass::new().end())
//!     .state("Fail", Fail::new());
//! assert_eq!(definition.validate(), Vec::<String>::new());
//!
//! let broken = Definition::new("A").state("A", Pass::new().next("B"));
//! assert_eq!(broken.validate(), vec!["state \"A\": Next \"B\" is not a state of the definition"]);
//! ```

mod condition;
pub(crate) mod definition;
mod error;
mod error_handling;
mod fields;
mod import;
mod reader;
mod states;
pub mod syntax;
mod validate;

pub use condition::{Cmp, Condition, Test, TypeTest};
pub use definition::Definition;
pub use error::DefinitionError;
pub use error_handling::{Catcher, JitterStrategy, Retrier, STATES_ERRORS};
pub use fields::{Num, PathOrNull, Transition};
pub use states::{
    Choice, ChoiceRule, Fail, Map, Parallel, Pass, ProcessorConfig, ProcessorMode, State, Succeed, Task, Wait, WaitFor,
};
pub use validate::MAX_STATE_NAME;

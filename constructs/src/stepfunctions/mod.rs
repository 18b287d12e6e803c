//! AWS Step Functions: the typed States Language builder ([`asl`]) and the state machine
//! construct ([`StateMachine`]) with its L1 ([`CfnStateMachine`]).
//!
//! ```
//! use constructs::stepfunctions::asl::{Choice, Condition, Definition, Fail, Pass};
//! use constructs::stepfunctions::StateMachine;
//! use framework::App;
//!
//! let mut app = App::new();
//! let stack = app.add_stack("Stack");
//! let definition = Definition::new("WhichPath?")
//!     .state("WhichPath?", Choice::new()
//!         .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
//!         .otherwise("Fail"))
//!     .state("PathA", Pass::new().end())
//!     .state("Fail", Fail::new());
//! let sm = StateMachine::builder().definition(definition).build(&mut *stack, "SM");
//! let assembly = app.synth().unwrap();
//! # let _ = (sm, assembly);
//! ```

pub mod asl;
mod cfn_state_machine;
pub mod interpreter;
mod options;
mod state_machine;

pub use cfn_state_machine::{CfnLoggingConfiguration, CfnStateMachine, MAX_DEFINITION_BYTES, STATE_MACHINE_NAME};
pub use options::{DefinitionBody, LogLevel, LogOptions, StateMachineType};
pub use state_machine::{
    StateMachine, StateMachineBuilder, StateMachineProps, StateMachineRef, LOG_DELIVERY_ACTIONS, XRAY_ACTIONS,
};

//! Running state machines locally with AWS's semantics: the Amazon States Language interpreter's
//! building blocks (JSONPath query language), no AWS SDK and no tokio.
//!
//! Each module is one piece of the States Language's runtime, checked against the ASL
//! specification and the Step Functions developer guide (AWS is the oracle; where LocalStack
//! departs from it, the tests say so):
//! - [`error`]: the errors a run raises, with the names AWS documents (`States.Runtime`...);
//! - [`jsonpath`]: evaluating Paths and Reference Paths on a JSON document, and writing at a
//!   Reference Path (`ResultPath`);
//! - [`intrinsics`]: the intrinsic functions (`States.Format(...)`, ...);
//! - [`choice`]: evaluating a Choice state's rules.
//!
//! The states themselves (input/output processing, Retry/Catch, Map, Parallel, virtual time, the
//! history) build on these.

pub mod choice;
pub mod error;
pub mod intrinsics;
pub mod jsonpath;

pub use error::StatesError;

//! Test assertions on synthesized templates, in the manner of `aws-cdk-lib/assertions`.
//!
//! Take a [`Template`] from an app ([`Template::from_stack`]), a synthesized stack or JSON, then
//! assert on it: [`Template::has_resource_properties`], [`Template::resource_count_is`],
//! [`Template::has_output`], [`Template::template_matches`] ... Patterns are JSON literals
//! (matched object-like: the template may hold more keys, at any depth) or matchers from
//! [`Match`]; [`pattern!`](crate::pattern) mixes both in JSON syntax, and a [`Capture`] records
//! the values it matched.
//!
//! A failed assertion panics (or, with the `try_*` variants, returns an [`AssertionError`]) with a
//! report naming what was expected, the closest candidates, and for each one where it differs:
//!
//! ```text
//! Expected a resource of type AWS::IAM::Role with properties matching {"Path": "/"}; the template has 2 resources of that type and none match. Closest:
//!   Role1ABCC5F0 (1 difference)
//!     at /Properties/Path: expected "/", got "/service/"
//!   OtherRole7A8C9D10 (2 differences)
//!     ...
//! ```
//!
//! Paths are JSON pointers from the resource (or output, parameter...); inside a string parsed by
//! [`Match::serialized_json`] they continue after `#`, e.g.
//! `/Properties/DefinitionString#/States/PathA/Type`.

mod capture;
mod error;
mod matcher;
mod matching;
mod pattern;
mod render;
mod section;
mod serialized;
mod template;

pub use crate::pattern;
pub use capture::Capture;
pub use error::AssertionError;
pub use matcher::{Match, Matcher};
pub use template::Template;

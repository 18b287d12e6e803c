//! The Succeed state: ends the (sub-)workflow successfully.

use super::super::reader::Reader;
use super::common::{CommonFields, Takes};
use super::{common_fields, io_setters};

/// A Succeed state (terminal).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Succeed {
    pub(crate) fields: CommonFields,
}

impl Succeed {
    pub(crate) const TAKES: Takes = Takes::IO;

    /// A Succeed state.
    pub fn new() -> Succeed {
        Succeed::default()
    }
    common_fields!();
    io_setters!();

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Succeed> {
        Some(Succeed { fields: CommonFields::parse(r, Succeed::TAKES) })
    }
}

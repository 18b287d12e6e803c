//! The Parallel state: runs branches (nested definitions) concurrently.

use std::collections::BTreeMap;

use framework::Value;

use super::super::definition::Definition;
use super::super::reader::Reader;
use super::common::{CommonFields, Takes};
use super::{common_fields, error_setters, io_setters, next_setters, result_setters};

/// A Parallel state. Each branch is its own [`Definition`] with its own state names; a branch's
/// transitions may not leave it.
///
/// ```
/// use constructs::stepfunctions::asl::{Definition, Parallel, Pass};
/// let p = Parallel::new()
///     .branch(Definition::new("A").state("A", Pass::new().end()))
///     .branch(Definition::new("B").state("B", Pass::new().end()))
///     .end();
/// # let _ = p;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parallel {
    pub(crate) fields: CommonFields,
    /// `Branches`: the definitions run concurrently.
    pub branches: Vec<Definition>,
}

impl Parallel {
    pub(crate) const TAKES: Takes = Takes::ALL;

    /// A Parallel state with no branches yet.
    pub fn new() -> Parallel {
        Parallel::default()
    }
    common_fields!();
    io_setters!();
    next_setters!();
    result_setters!();
    error_setters!();
    /// Adds a branch.
    pub fn branch(mut self, branch: Definition) -> Self {
        self.branches.push(branch);
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        m.insert("Branches".into(), Value::List(self.branches.iter().map(Definition::to_value).collect()));
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        if self.branches.is_empty() {
            out.push(format!("{ctx}: a Parallel state must have at least one branch"));
        }
        for (i, b) in self.branches.iter().enumerate() {
            b.check_into(&format!("{ctx} Branches[{i}]"), false, out);
        }
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Parallel> {
        let mut p = Parallel { fields: CommonFields::parse(r, Parallel::TAKES), branches: Vec::new() };
        if !r.has("Branches") {
            r.problem("missing required field Branches");
            return None;
        }
        let items = r.array("Branches")?;
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ctx = format!("{} Branches[{i}]", r.ctx);
            match item.as_object() {
                Some(o) => match Definition::parse_object(o, &ctx, r.problems) {
                    Some(d) => p.branches.push(d),
                    None => ok = false,
                },
                None => {
                    r.problems.push(format!("{ctx}: a branch must be an object"));
                    ok = false;
                }
            }
        }
        ok.then_some(p)
    }
}

//! The Parallel state: runs branches (nested definitions) concurrently.

use std::collections::BTreeMap;

use framework::Value;

use super::super::definition::Definition;
use super::super::error_handling::{check_catch, check_retry, parse_retry_catch, render_error_handling, Catcher, Retrier};
use super::super::fields::{check_path, check_payload, check_reference_path, put, PathOrNull, Transition};
use super::super::reader::Reader;
use super::{error_setters, io_setters, next_setters, result_setters};

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
    pub comment: Option<String>,
    pub input_path: Option<PathOrNull>,
    pub output_path: Option<PathOrNull>,
    pub parameters: Option<Value>,
    pub result_selector: Option<Value>,
    pub result_path: Option<PathOrNull>,
    pub branches: Vec<Definition>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Option<Transition>,
}

impl Parallel {
    /// A Parallel state with no branches yet.
    pub fn new() -> Parallel {
        Parallel::default()
    }
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
        put(m, "Comment", self.comment.as_deref());
        put(m, "InputPath", self.input_path.as_ref().map(PathOrNull::to_value));
        put(m, "OutputPath", self.output_path.as_ref().map(PathOrNull::to_value));
        put(m, "Parameters", self.parameters.clone());
        put(m, "ResultSelector", self.result_selector.clone());
        put(m, "ResultPath", self.result_path.as_ref().map(PathOrNull::to_value));
        m.insert("Branches".into(), Value::List(self.branches.iter().map(Definition::to_value).collect()));
        render_error_handling(&self.retry, &self.catch, m);
        Transition::render(&self.transition, m);
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        check_path(ctx, "InputPath", &self.input_path, out);
        check_path(ctx, "OutputPath", &self.output_path, out);
        check_reference_path(ctx, "ResultPath", &self.result_path, out);
        check_payload(ctx, "Parameters", &self.parameters, out);
        check_payload(ctx, "ResultSelector", &self.result_selector, out);
        check_retry(ctx, &self.retry, out);
        check_catch(ctx, &self.catch, out);
        if self.branches.is_empty() {
            out.push(format!("{ctx}: a Parallel state must have at least one branch"));
        }
        for (i, b) in self.branches.iter().enumerate() {
            b.check_into(&format!("{ctx} Branches[{i}]"), false, out);
        }
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Parallel> {
        let (retry, catch) = parse_retry_catch(r);
        let mut p = Parallel {
            comment: r.string("Comment"),
            input_path: r.path_or_null("InputPath"),
            output_path: r.path_or_null("OutputPath"),
            parameters: r.value("Parameters"),
            result_selector: r.value("ResultSelector"),
            result_path: r.path_or_null("ResultPath"),
            branches: Vec::new(),
            retry,
            catch,
            transition: r.transition(),
        };
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

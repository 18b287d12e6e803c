//! The Choice state: branches on rules over the input.

use std::collections::BTreeMap;

use framework::Value;

use super::super::condition::Condition;
use super::super::fields::put;
use super::super::reader::Reader;
use super::common::{CommonFields, Takes};
use super::{common_fields, io_setters};

/// A top-level Choice rule: a condition and the state to go to when it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    /// The rule's condition (`Variable` and operator, or `And` / `Or` / `Not`).
    pub condition: Condition,
    /// `Next`: the state to go to when the condition holds.
    pub next: String,
    /// `Comment`.
    pub comment: Option<String>,
}

/// A Choice state: the first rule that holds picks `Next`; otherwise `Default` (or the
/// execution fails with `States.NoChoiceMatched`).
///
/// ```
/// use constructs::stepfunctions::asl::{Choice, Condition};
/// let c = Choice::new()
///     .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
///     .when(Condition::string_equals("$.detail.Path", "B"), "PathB")
///     .otherwise("Fail");
/// # let _ = c;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Choice {
    pub(crate) fields: CommonFields,
    /// `Choices`: the rules, tried in order.
    pub rules: Vec<ChoiceRule>,
    /// `Default`: the state to go to when no rule holds.
    pub default: Option<String>,
}

impl Choice {
    pub(crate) const TAKES: Takes = Takes::IO;

    /// A Choice state with no rules yet.
    pub fn new() -> Choice {
        Choice::default()
    }
    common_fields!();
    io_setters!();
    /// Adds a rule: when `condition` holds, go to `next`.
    pub fn when(mut self, condition: Condition, next: impl Into<String>) -> Self {
        self.rules.push(ChoiceRule { condition, next: next.into(), comment: None });
        self
    }
    /// `Default`: where to go when no rule holds.
    pub fn otherwise(mut self, next: impl Into<String>) -> Self {
        self.default = Some(next.into());
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        let rules = self
            .rules
            .iter()
            .map(|r| {
                let mut obj = r.condition.render();
                obj.insert("Next".into(), (&r.next).into());
                put(&mut obj, "Comment", r.comment.as_deref());
                Value::Map(obj)
            })
            .collect();
        m.insert("Choices".into(), Value::List(rules));
        put(m, "Default", self.default.as_deref());
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        if self.rules.is_empty() {
            out.push(format!("{ctx}: a Choice state must have at least one rule in Choices"));
        }
        for (i, rule) in self.rules.iter().enumerate() {
            rule.condition.check(&format!("{ctx}: Choices[{i}]"), out);
        }
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Choice> {
        let fields = CommonFields::parse(r, Choice::TAKES);
        let default = r.string("Default");
        if !r.has("Choices") {
            r.problem("missing required field Choices");
        }
        let items = r.array("Choices");
        let mut rules = Vec::new();
        let mut ok = items.is_some();
        for (i, item) in items.into_iter().flatten().enumerate() {
            let ctx = format!("{}: Choices[{i}]", r.ctx);
            let Some(obj) = item.as_object() else {
                r.problems.push(format!("{ctx}: a rule must be an object"));
                ok = false;
                continue;
            };
            let mut rr = Reader::new(obj, ctx, r.problems);
            let next = rr.string("Next");
            let comment = rr.string("Comment");
            if next.is_none() && !rr.has("Next") {
                rr.problem("a top-level Choice rule must have Next");
            }
            let condition = Condition::parse(&mut rr);
            rr.finish("a Choice rule");
            match (condition, next) {
                (Some(condition), Some(next)) => rules.push(ChoiceRule { condition, next, comment }),
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(Choice { fields, rules, default })
    }
}

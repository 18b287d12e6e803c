//! Amazon EventBridge: rules with typed event patterns and schedules, and their targets.
//!
//! - [`EventPattern`] / [`Matcher`]: typed patterns with every EventBridge operator, validation
//!   naming field paths, import from JSON, and local matching of events.
//! - [`Schedule`]: `rate(...)` and `cron(...)` expressions, typed or parsed.
//! - [`Rule`] (L2) over [`CfnRule`] (typed L1), with targets implementing [`RuleTarget`].
//! - [`envelope`]: the event EventBridge builds from a `PutEvents` entry, to test patterns
//!   against sample events.

pub mod envelope;
pub mod pattern;
pub mod rule;
pub mod schedule;
pub mod target;

pub use pattern::{
    AnythingBut, AnythingButKind, CmpOp, EventPattern, FieldPath, Matcher, Num, Numeric, PatternError, PatternField,
    PatternObject, Resolver, DEFAULT_MAX_PATTERN_SIZE,
};
pub use rule::{CfnRule, CfnTarget, Rule, RuleBuilder, RuleProps, RuleRef, RuleState};
pub use schedule::{Cron, Schedule, ScheduleError, TimeUnit};
pub use target::{InputTransformer, RetryPolicy, RuleTarget, RuleTargetInput, SfnStateMachine, TargetConfig};

//! Amazon EventBridge: rules with typed event patterns and schedules, and their targets.
//!
//! - [`EventPattern`] / [`Matcher`]: typed patterns with every EventBridge operator, validation
//!   naming field paths, import from JSON, and local matching of events.
//! - [`Schedule`]: `rate(...)` and `cron(...)` expressions, typed or parsed.

pub mod pattern;
pub mod schedule;

pub use pattern::{
    AnythingBut, AnythingButKind, CmpOp, EventPattern, FieldPath, Matcher, Num, Numeric, PatternError, PatternField,
    PatternObject, Resolver, DEFAULT_MAX_PATTERN_SIZE,
};
pub use schedule::{Cron, Schedule, ScheduleError, TimeUnit};

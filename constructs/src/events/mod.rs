//! Amazon EventBridge: rules with typed event patterns and schedules, and their targets.
//!
//! - [`EventPattern`] / [`Matcher`]: typed patterns with every EventBridge operator, validation
//!   naming field paths, import from JSON, and local matching of events.
//! - [`Schedule`]: `rate(...)` and `cron(...)` expressions, typed or parsed.
//! - [`Rule`] (L2) over [`CfnRule`] (typed L1), with targets implementing [`RuleTarget`].
//! - [`envelope`]: the event EventBridge builds from a `PutEvents` entry, to test patterns
//!   against sample events.
//!
//! ```
//! use constructs::events::{EventPattern, Matcher, Resolver, Rule, SfnStateMachine};
//! use constructs::stepfunctions::asl::{Definition, Pass};
//! use constructs::stepfunctions::StateMachine;
//! use framework::{App, Pseudo};
//!
//! let mut app = App::new();
//! let stack = app.add_stack("Demo");
//! let sm = StateMachine::builder()
//!     .definition(Definition::new("Hello").state("Hello", Pass::new().end()))
//!     .build(&mut *stack, "SM");
//! let pattern = EventPattern::new()
//!     .account([Pseudo::AccountId])
//!     .source(["demo.sfn"])
//!     .detail_field("Path", [Matcher::prefix("A"), Matcher::prefix("B")]);
//!
//! // The pattern can be checked against sample events before deploying.
//! let event = serde_json::json!({"account": "111122223333", "source": "demo.sfn", "detail": {"Path": "A1"}});
//! assert!(pattern.matches_with(&event, &Resolver::new("111122223333", "eu-west-1")));
//!
//! let rule = Rule::builder()
//!     .description("start the demo state machine")
//!     .event_pattern(pattern)
//!     .target(SfnStateMachine::new(sm)) // creates SM/EventsRole, grants states:StartExecution
//!     .build(&mut *stack, "Rule");
//! let assembly = app.synth().expect("valid");
//! let template = &assembly.stack("Demo").unwrap().template();
//! assert_eq!(template["Resources"]["Rule4C995B7F"]["Properties"]["EventPattern"]["account"][0]["Ref"], "AWS::AccountId");
//! # let _ = rule.arn();
//! ```

pub mod envelope;
pub mod pattern;
pub mod rule;
pub mod schedule;
pub mod target;

pub use pattern::{
    AnythingBut, AnythingButKind, CmpOp, EventPattern, FieldPath, Matcher, Num, Numeric, PatternError, PatternField,
    PatternObject, Resolver, RuleIndex, DEFAULT_MAX_PATTERN_SIZE,
};
pub use rule::{CfnRule, CfnTarget, Rule, RuleBuilder, RuleProps, RuleRef, RuleState};
pub use schedule::{Cron, Schedule, ScheduleError, TimeUnit};
pub use target::{InputTransformer, RetryPolicy, RuleTarget, RuleTargetInput, SfnStateMachine, TargetConfig};

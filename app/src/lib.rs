//! The flagship app: events on EventBridge start a Step Functions state machine that routes on
//! `$.detail.Path` ("A" -> PathA, "B" -> PathB, anything else -> Fail), logging to CloudWatch
//! Logs.
//!
//! ```
//! let app = app::flagship_app();
//! let assembly = app.synth().expect("the flagship app is valid");
//! assert_eq!(assembly.stacks[0].id, app::STACK_ID);
//! ```

pub mod pattern;

use framework::{App, StackProps};

pub use pattern::RoutedStateMachine;

/// The flagship stack's construct id (and stack name).
pub const STACK_ID: &str = "EventSfnDemo";

/// Resources in one copy of the pattern.
pub const RESOURCES_PER_PATTERN: usize = 7;

/// The most resources a benchmark stack holds (CloudFormation allows 500).
pub const MAX_RESOURCES_PER_STACK: usize = 450;

/// The flagship app: one stack with the pattern at its root.
pub fn flagship_app() -> App {
    flagship_app_named(None)
}

/// The flagship app with its stack deployed under another CloudFormation stack name (the
/// construct id, and so the template, stay the same): for tests that deploy copies side by side.
///
/// ```
/// let assembly = app::flagship_app_named(Some("demo-copy-1")).synth().unwrap();
/// assert_eq!(assembly.stacks[0].stack_name, "demo-copy-1");
/// ```
pub fn flagship_app_named(stack_name: Option<&str>) -> App {
    let mut app = App::new();
    let stack = app.add_stack_with(
        STACK_ID,
        StackProps {
            description: Some("EventBridge rule starting a Step Functions state machine that routes on $.detail.Path".into()),
            stack_name: stack_name.map(str::to_string),
            ..Default::default()
        },
    );
    RoutedStateMachine::build(stack, "");
    app
}

/// `copies` copies of the pattern, spread over stacks of at most
/// [`MAX_RESOURCES_PER_STACK`] resources (for benchmarks and scale tests).
pub fn copies_app(copies: usize) -> App {
    let per_stack = MAX_RESOURCES_PER_STACK / RESOURCES_PER_PATTERN;
    let mut app = App::new();
    let stacks = copies.div_ceil(per_stack);
    for s in 0..stacks {
        let stack = app.add_stack(&format!("Copies{:02}", s + 1));
        let first = s * per_stack;
        for i in first..copies.min(first + per_stack) {
            let id = format!("Pattern{i:04}");
            let group = stack.construct(&id);
            RoutedStateMachine::build(stack.at(group), &id);
        }
    }
    app
}

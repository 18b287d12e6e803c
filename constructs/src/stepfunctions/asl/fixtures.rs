//! Definitions shared by the tests of this module and of the state machine construct.

use super::{Choice, Condition, Definition, Fail, Pass};

/// The flagship's definition: Choice on `$.detail.Path`, "A" -> PathA, "B" -> PathB, else Fail.
pub(crate) fn flagship() -> Definition {
    Definition::new("WhichPath?")
        .comment("Simple State Machine with Choice")
        .state(
            "WhichPath?",
            Choice::new()
                .when(Condition::string_equals("$.detail.Path", "A"), "PathA")
                .when(Condition::string_equals("$.detail.Path", "B"), "PathB")
                .otherwise("Fail"),
        )
        .state("PathA", Pass::new().end())
        .state("PathB", Pass::new().end())
        .state("Fail", Fail::new())
}

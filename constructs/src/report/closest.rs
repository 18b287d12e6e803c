//! Why an event may have started nothing: each rule's verdict on the event (it matches, it does
//! not, it is disabled, it listens on another bus...), and the hint that names them. The trial
//! gets the verdicts from the deployed rules (DescribeRule, TestEventPattern), the simulation
//! from the template's rules and the local pattern engine; the hint is the same.

use crate::events::envelope::EventEntry;

/// What one rule makes of the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The pattern matches the event.
    Matches,
    /// The pattern does not match the event.
    DoesNotMatch,
    /// The rule is disabled.
    Disabled,
    /// The rule listens on another bus than the one the event went to.
    OtherBus(String),
    /// A scheduled rule (no event pattern).
    Scheduled,
    /// The rule could not be read or tested.
    Unknown(String),
}

/// One rule's verdict, with what the hint shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheck {
    /// The rule's logical ID in its stack.
    pub logical_id: String,
    /// Its event pattern, when it has one.
    pub pattern: Option<String>,
    /// What it makes of the event.
    pub verdict: Verdict,
}

/// Whether a rule's bus (`None` = default) is the bus an entry went to (name or ARN).
pub fn same_bus(rule_bus: Option<&str>, entry_bus: &str) -> bool {
    let name = |b: &str| b.rsplit('/').next().unwrap_or(b).to_string();
    name(rule_bus.unwrap_or("default")) == name(entry_bus)
}

/// The hint for an event that started no execution: what the event was, then each rule's verdict.
pub fn hint(entry: &EventEntry, account: Option<&str>, checks: &[RuleCheck]) -> String {
    let mut lines = vec![format!(
        "the event: source {:?}, detail-type {:?}, account {}, bus {}",
        entry.source,
        entry.detail_type,
        account.unwrap_or("(unknown)"),
        entry.bus()
    )];
    if checks.is_empty() {
        lines.push(
            "no EventBridge rule in the watched stacks: nothing there routes events to the state machines".into(),
        );
    }
    for c in checks {
        let pattern = c.pattern.as_deref().map(|p| format!(" (pattern {p})")).unwrap_or_default();
        lines.push(match &c.verdict {
            Verdict::Matches => format!(
                "rule {}{pattern} matches the event: check its target (the state machine ARN, the role EventBridge assumes and its \
                 states:StartExecution permission) and that it passes the whole event (no Input, InputPath or InputTransformer), \
                 which carries the event id",
                c.logical_id
            ),
            Verdict::DoesNotMatch => format!("rule {}{pattern} does not match the event", c.logical_id),
            Verdict::Disabled => format!("rule {}{pattern} is disabled", c.logical_id),
            Verdict::OtherBus(bus) => format!("rule {} listens on bus {bus}, the event went to bus {}", c.logical_id, entry.bus()),
            Verdict::Scheduled => format!("rule {} is a scheduled rule (no event pattern)", c.logical_id),
            Verdict::Unknown(why) => format!("rule {}: cannot check it ({why})", c.logical_id),
        });
    }
    lines.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::events::envelope::testing::entry;

    #[test]
    fn buses_compare_by_name() {
        assert!(same_bus(None, "default"));
        assert!(same_bus(Some("orders"), "arn:aws:events:us-east-1:1:event-bus/orders"));
        assert!(!same_bus(None, "orders"));
    }

    #[test]
    fn hints_name_the_event_and_each_rule() {
        let checks = [
            RuleCheck {
                logical_id: "Rule4C995B7F".into(),
                pattern: Some(r#"{"source":["other"]}"#.into()),
                verdict: Verdict::DoesNotMatch,
            },
            RuleCheck { logical_id: "Nightly".into(), pattern: None, verdict: Verdict::Scheduled },
            RuleCheck { logical_id: "Orders".into(), pattern: None, verdict: Verdict::OtherBus("orders".into()) },
        ];
        let h = hint(&entry(), Some("000000000000"), &checks);
        assert_eq!(
            h,
            "the event: source \"demo.sfn\", detail-type \"message\", account 000000000000, bus default; \
             rule Rule4C995B7F (pattern {\"source\":[\"other\"]}) does not match the event; \
             rule Nightly is a scheduled rule (no event pattern); \
             rule Orders listens on bus orders, the event went to bus default"
        );
        let matching = [RuleCheck { logical_id: "R".into(), pattern: Some("{}".into()), verdict: Verdict::Matches }];
        assert!(hint(&entry(), None, &matching).contains("account (unknown)"));
        assert!(hint(&entry(), None, &matching).contains("rule R (pattern {}) matches the event: check its target"));
        assert!(hint(&entry(), None, &[])
            .ends_with("no EventBridge rule in the watched stacks: nothing there routes events to the state machines"));
    }
}

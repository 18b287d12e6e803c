//! Why an event may have started nothing: each rule of the watched stacks is described
//! (DescribeRule) and its pattern tested against the event as EventBridge delivered it
//! ([`EventEntry::envelope`], with TestEventPattern), so the hint ([`crate::report::closest`])
//! says which rule does not match and why, or that a rule matches and the target is the place to
//! look.

use framework::deploy::retry::{with_retry, RetryPolicy};

use crate::events::envelope::EventEntry;
use crate::report::closest::same_bus;
pub use crate::report::closest::{hint, RuleCheck, Verdict};
use crate::trial::error::sdk_error_message;
use crate::trial::watched::{rule_bus_and_name, WatchedStack};

/// Checks every rule of the watched stacks against the event.
pub async fn check_rules(
    eb: &aws_sdk_eventbridge::Client,
    stacks: &[WatchedStack],
    event: &str,
    entry: &EventEntry,
) -> Vec<RuleCheck> {
    let policy = RetryPolicy::default();
    let mut checks = Vec::new();
    for (logical_id, physical) in stacks.iter().flat_map(|s| &s.rules) {
        let (bus, name) = rule_bus_and_name(physical);
        let mut check = RuleCheck { logical_id: logical_id.clone(), pattern: None, verdict: Verdict::Matches };
        if !same_bus(bus, entry.bus()) {
            check.verdict = Verdict::OtherBus(bus.unwrap_or("default").to_string());
            checks.push(check);
            continue;
        }
        let rule =
            with_retry(&policy, || eb.describe_rule().name(name).set_event_bus_name(bus.map(str::to_string)).send())
                .await;
        let rule = match rule {
            Ok(rule) => rule,
            Err(e) => {
                check.verdict = Verdict::Unknown(sdk_error_message("EventBridge", &e));
                checks.push(check);
                continue;
            }
        };
        check.pattern = rule.event_pattern().map(str::to_string);
        check.verdict = match (&check.pattern, rule.state().map(|s| s.as_str())) {
            (None, _) => Verdict::Scheduled,
            (Some(_), Some("DISABLED")) => Verdict::Disabled,
            (Some(pattern), _) => {
                match with_retry(&policy, || eb.test_event_pattern().event_pattern(pattern).event(event).send()).await {
                    Ok(r) if r.result() => Verdict::Matches,
                    Ok(_) => Verdict::DoesNotMatch,
                    Err(e) => Verdict::Unknown(sdk_error_message("EventBridge", &e)),
                }
            }
        };
        checks.push(check);
    }
    checks
}

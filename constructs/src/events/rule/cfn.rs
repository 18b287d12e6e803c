//! `AWS::Events::Rule`, typed.

use std::any::Any;
use std::collections::BTreeMap;

use framework::{Resource, StringRule, Validator, Value};

use crate::events::pattern::{EventPattern, DEFAULT_MAX_PATTERN_SIZE};
use crate::events::rule::cfn_target::CfnTarget;
use crate::events::schedule::Schedule;

fn rule_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".-_".contains(c)
}
fn bus_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/.-_".contains(c)
}
fn bus_arn_char(c: char) -> bool {
    bus_name_char(c) || c == ':'
}

/// Rule names: 1-64 of `[.\-_A-Za-z0-9]`.
pub const RULE_NAME: StringRule = StringRule::new(1, 64).chars(rule_name_char, "letters, digits and .-_");
/// Descriptions: at most 512 characters.
pub const RULE_DESCRIPTION: StringRule = StringRule::new(0, 512);
/// Event bus names: 1-256 of `[/.\-_A-Za-z0-9]`.
pub const EVENT_BUS_NAME: StringRule = StringRule::new(1, 256).chars(bus_name_char, "letters, digits and /.-_");
/// Event bus ARNs: up to 1600 characters.
const EVENT_BUS_ARN: StringRule = StringRule::new(1, 1600).chars(bus_arn_char, "letters, digits and /.-_:");

/// Most targets a rule may have.
pub const MAX_TARGETS: usize = 5;

/// The `State` of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleState {
    /// `ENABLED`
    Enabled,
    /// `DISABLED`
    Disabled,
    /// `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (also matches read-only management events)
    EnabledWithAllCloudtrailManagementEvents,
}

impl RuleState {
    /// The CloudFormation value.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleState::Enabled => "ENABLED",
            RuleState::Disabled => "DISABLED",
            RuleState::EnabledWithAllCloudtrailManagementEvents => "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
        }
    }
}

/// `AWS::Events::Rule`, typed: the pattern and schedule are kept typed so that synth validates
/// them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CfnRule {
    /// `Name` (CloudFormation generates one when unset).
    pub name: Option<Value>,
    /// `Description`.
    pub description: Option<Value>,
    /// `EventBusName`: the bus the rule is on, by name or ARN (the default bus when unset).
    pub event_bus_name: Option<Value>,
    /// `EventPattern`: which events the rule matches.
    pub event_pattern: Option<EventPattern>,
    /// `ScheduleExpression`: `rate(...)` or `cron(...)`.
    pub schedule_expression: Option<Schedule>,
    /// `State`: whether the rule is enabled.
    pub state: Option<RuleState>,
    /// `RoleArn`: the role the rule uses to invoke its targets.
    pub role_arn: Option<Value>,
    /// `Targets`: where matched events go.
    pub targets: Vec<CfnTarget>,
    /// The account's event pattern size quota in characters (2048 when unset); not rendered.
    pub pattern_size_quota: Option<usize>,
}

impl Resource for CfnRule {
    fn cfn_type(&self) -> &str {
        "AWS::Events::Rule"
    }

    fn properties(&self) -> BTreeMap<String, Value> {
        let mut p = BTreeMap::new();
        p.insert("Name".into(), self.name.clone().into());
        p.insert("Description".into(), self.description.clone().into());
        p.insert("EventBusName".into(), self.event_bus_name.clone().into());
        p.insert("EventPattern".into(), self.event_pattern.as_ref().map(EventPattern::to_value).into());
        p.insert("ScheduleExpression".into(), self.schedule_expression.as_ref().map(|s| s.to_string()).into());
        p.insert("State".into(), self.state.map(RuleState::as_str).into());
        p.insert("RoleArn".into(), self.role_arn.clone().into());
        p.insert("Targets".into(), Value::List(self.targets.iter().map(CfnTarget::to_value).collect()));
        p
    }

    fn validate(&self, v: &mut Validator<'_>) {
        RULE_NAME.check_opt(v, "Name", self.name.as_ref());
        RULE_DESCRIPTION.check_opt(v, "Description", self.description.as_ref());
        if let Some(bus @ Value::String(s)) = &self.event_bus_name {
            let rule = if s.starts_with("arn:") { EVENT_BUS_ARN } else { EVENT_BUS_NAME };
            rule.check(v, "EventBusName", bus);
        }
        if self.event_pattern.is_none() && self.schedule_expression.is_none() {
            v.error("a rule needs an event pattern, a schedule, or both");
        }
        if let Some(pattern) = &self.event_pattern {
            let quota = self.pattern_size_quota.unwrap_or(DEFAULT_MAX_PATTERN_SIZE);
            for p in pattern.problems_with_max_size(quota) {
                v.error(format!("EventPattern: {p}"));
            }
        }
        if let Some(schedule) = &self.schedule_expression {
            for p in schedule.problems() {
                v.error(format!("ScheduleExpression {:?}: {p}", schedule.to_string()));
            }
            if let Some(Value::String(bus)) = &self.event_bus_name {
                if bus != "default" && !bus.ends_with(":event-bus/default") {
                    v.error(format!(
                        "ScheduleExpression: scheduled rules only run on the default event bus (EventBusName is {bus:?})"
                    ));
                }
            }
        }
        if self.targets.len() > MAX_TARGETS {
            v.error(format!("a rule has at most {MAX_TARGETS} targets (this one has {})", self.targets.len()));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            if seen.contains(&t.id.as_str()) {
                v.error(format!("Targets[{i}]: target Id {:?} is used by another target of this rule", t.id));
            }
            seen.push(&t.id);
            for p in t.problems() {
                v.error(format!("Targets[{i}] ({}): {p}", t.id));
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

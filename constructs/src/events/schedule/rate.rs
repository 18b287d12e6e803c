//! `rate(value unit)` expressions.

use super::Schedule;

/// The unit of a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// `minute` / `minutes`
    Minutes,
    /// `hour` / `hours`
    Hours,
    /// `day` / `days`
    Days,
}

impl TimeUnit {
    /// The unit as written for `value`: singular for 1, plural otherwise (AWS rejects others).
    pub fn name(self, value: u32) -> &'static str {
        match (self, value == 1) {
            (TimeUnit::Minutes, true) => "minute",
            (TimeUnit::Minutes, false) => "minutes",
            (TimeUnit::Hours, true) => "hour",
            (TimeUnit::Hours, false) => "hours",
            (TimeUnit::Days, true) => "day",
            (TimeUnit::Days, false) => "days",
        }
    }
}

/// Parses the inside of `rate(...)`.
pub(super) fn parse(inner: &str) -> Result<Schedule, String> {
    let Some((value, unit_text)) = inner.split_once(' ') else {
        return Err("a rate must be written rate(value unit), e.g. rate(5 minutes)".to_string());
    };
    let value: u32 = value.parse().map_err(|_| format!("the rate value {value:?} must be a positive whole number"))?;
    let (unit, plural) = match unit_text {
        "minute" => (TimeUnit::Minutes, false),
        "minutes" => (TimeUnit::Minutes, true),
        "hour" => (TimeUnit::Hours, false),
        "hours" => (TimeUnit::Hours, true),
        "day" => (TimeUnit::Days, false),
        "days" => (TimeUnit::Days, true),
        other => {
            return Err(format!("the rate unit must be minute(s), hour(s) or day(s), not {other:?}"));
        }
    };
    if value == 1 && plural {
        return Err(format!("a rate of 1 takes the singular unit {:?}", unit.name(1)));
    }
    if value > 1 && !plural {
        return Err(format!("a rate of {value} takes the plural unit {:?}", unit.name(value)));
    }
    Ok(Schedule::Rate { value, unit })
}

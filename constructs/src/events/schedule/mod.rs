//! Schedule expressions of EventBridge rules: `rate(5 minutes)` and `cron(0 12 * * ? *)`.
//!
//! ```
//! use constructs::events::{Cron, Schedule, TimeUnit};
//! assert_eq!(Schedule::rate(1, TimeUnit::Minutes).to_string(), "rate(1 minute)");
//! assert_eq!(Schedule::rate(5, TimeUnit::Hours).to_string(), "rate(5 hours)");
//! assert_eq!(Schedule::cron(Cron::new().minute("0").hour("12")).to_string(), "cron(0 12 * * ? *)");
//! let parsed = Schedule::expression("cron(0 8 ? * MON-FRI *)").unwrap();
//! assert!(parsed.problems().is_empty());
//! let err = Schedule::expression("rate(1 minutes)").unwrap_err();
//! assert!(err.to_string().contains("singular unit \"minute\""));
//! ```

mod cron;
pub mod next;
mod rate;

use std::fmt;
use std::time::Duration;

pub use cron::Cron;
pub use rate::TimeUnit;

/// Why a schedule expression is not valid (every problem found).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid schedule expression {expression:?}: {}", problems.join("; "))]
pub struct ScheduleError {
    /// The expression as given.
    pub expression: String,
    /// What is wrong with it.
    pub problems: Vec<String>,
}

/// When a scheduled rule runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `rate(value unit)`: every `value` minutes, hours or days.
    Rate {
        /// How many units between runs (at least 1).
        value: u32,
        /// The unit.
        unit: TimeUnit,
    },
    /// `cron(minutes hours day-of-month month day-of-week year)`.
    Cron(Cron),
}

impl Schedule {
    /// Every `value` units; rendered with the singular unit for 1 (`rate(1 hour)`).
    pub fn rate(value: u32, unit: TimeUnit) -> Schedule {
        Schedule::Rate { value, unit }
    }

    /// Every `duration`, in the largest whole unit (days, hours or minutes). A duration that is
    /// not a whole number of minutes gives a rate of 0 minutes, reported by validation.
    pub fn every(duration: Duration) -> Schedule {
        let secs = duration.as_secs();
        let whole_minutes = duration.subsec_nanos() == 0 && secs.is_multiple_of(60);
        let minutes = if whole_minutes { secs / 60 } else { 0 };
        let (value, unit) = if minutes > 0 && minutes.is_multiple_of(1440) {
            (minutes / 1440, TimeUnit::Days)
        } else if minutes > 0 && minutes.is_multiple_of(60) {
            (minutes / 60, TimeUnit::Hours)
        } else {
            (minutes, TimeUnit::Minutes)
        };
        Schedule::Rate { value: u32::try_from(value).unwrap_or(u32::MAX), unit }
    }

    /// A cron schedule.
    pub fn cron(cron: Cron) -> Schedule {
        Schedule::Cron(cron)
    }

    /// Parses and validates `rate(...)` or `cron(...)`.
    pub fn expression(text: &str) -> Result<Schedule, ScheduleError> {
        let fail = |problems: Vec<String>| ScheduleError { expression: text.to_string(), problems };
        let schedule = if let Some(inner) = text.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
            rate::parse(inner).map_err(|p| fail(vec![p]))?
        } else if let Some(inner) = text.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
            Schedule::Cron(Cron::parse(inner).map_err(|e| fail(e.problems))?)
        } else {
            return Err(fail(vec![
                "a schedule expression must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year)"
                    .to_string(),
            ]));
        };
        let problems = schedule.problems();
        if problems.is_empty() {
            Ok(schedule)
        } else {
            Err(fail(problems))
        }
    }

    /// Every problem with this schedule.
    pub fn problems(&self) -> Vec<String> {
        match self {
            Schedule::Rate { value: 0, .. } => {
                vec!["a rate must be a positive whole number of minutes, hours or days (got 0)".to_string()]
            }
            Schedule::Rate { .. } => Vec::new(),
            Schedule::Cron(c) => c.problems(),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Rate { value, unit } => write!(f, "rate({value} {})", unit.name(*value)),
            Schedule::Cron(c) => write!(f, "cron({c})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_use_singular_for_one() {
        assert_eq!(Schedule::rate(1, TimeUnit::Minutes).to_string(), "rate(1 minute)");
        assert_eq!(Schedule::rate(2, TimeUnit::Minutes).to_string(), "rate(2 minutes)");
        assert_eq!(Schedule::rate(1, TimeUnit::Days).to_string(), "rate(1 day)");
        assert!(Schedule::rate(0, TimeUnit::Hours).problems()[0].contains("positive"));
    }

    #[test]
    fn every_picks_the_largest_unit() {
        assert_eq!(Schedule::every(Duration::from_secs(300)).to_string(), "rate(5 minutes)");
        assert_eq!(Schedule::every(Duration::from_secs(7200)).to_string(), "rate(2 hours)");
        assert_eq!(Schedule::every(Duration::from_secs(86400)).to_string(), "rate(1 day)");
        assert_eq!(Schedule::every(Duration::from_secs(90)).problems().len(), 1);
    }

    #[test]
    fn parses_and_round_trips() {
        for text in [
            "rate(1 minute)",
            "rate(15 minutes)",
            "rate(1 hour)",
            "rate(3 days)",
            "cron(0 12 * * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0 8 ? * MON-FRI *)",
            "cron(0 18 L * ? *)",
            "cron(0 9 15W * ? 2026-2030)",
            "cron(30 6 ? JAN,JUL 2#1 *)",
            "cron(0 10 ? * 6L *)",
        ] {
            let s = Schedule::expression(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.to_string(), text);
        }
    }

    #[test]
    fn rejects_bad_expressions() {
        let err = |t: &str| Schedule::expression(t).unwrap_err().to_string();
        assert!(err("rate(1 minutes)").contains("singular unit \"minute\""));
        assert!(err("rate(5 hour)").contains("plural unit \"hours\""));
        assert!(err("rate(0 minutes)").contains("positive"));
        assert!(err("rate(5 weeks)").contains("unit must be"));
        assert!(err("rate(five minutes)").contains("positive whole number"));
        assert!(err("every 5 minutes").contains("must be rate("));
        assert!(err("cron(0 12 * * *)").contains("6 fields"));
        assert!(err("cron(0 12 * * * *)").contains("'?'"));
        assert!(err("cron(0 12 ? * ? *)").contains("'?'"));
        assert!(err("cron(60 12 * * ? *)").contains("minutes"));
        assert!(err("cron(0 24 * * ? *)").contains("hours"));
        assert!(err("cron(0 12 32 * ? *)").contains("day-of-month"));
        assert!(err("cron(0 12 * 13 ? *)").contains("month"));
        assert!(err("cron(0 12 ? * 8 *)").contains("day-of-week"));
        assert!(err("cron(0 12 * * ? 1969)").contains("year"));
        assert!(err("cron(0 12 ? * 2#6 *)").contains("day-of-week"));
        assert!(err("cron(0 12 * * ? * )").contains("6 fields") || err("cron(0 12 * * ? * )").contains("empty"));
    }
}

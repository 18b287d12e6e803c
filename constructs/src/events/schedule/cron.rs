//! `cron(minutes hours day-of-month month day-of-week year)` expressions.

use std::fmt;

use super::ScheduleError;

/// A cron schedule (UTC). Unset fields default as in AWS CDK: minute, hour, month and year to
/// `*`; day-of-month to `*` unless a day-of-week is given (then `?`); day-of-week to `?`.
///
/// ```
/// use constructs::events::Cron;
/// let c = Cron::new().minute("0").hour("8").week_day("MON-FRI");
/// assert_eq!(c.to_string(), "0 8 ? * MON-FRI *");
/// assert!(c.problems().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cron {
    minute: Option<String>,
    hour: Option<String>,
    day: Option<String>,
    month: Option<String>,
    week_day: Option<String>,
    year: Option<String>,
}

/// What one field accepts.
struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    question: bool,
}

const MINUTES: FieldSpec = FieldSpec { name: "minutes", min: 0, max: 59, names: &[], question: false };
const HOURS: FieldSpec = FieldSpec { name: "hours", min: 0, max: 23, names: &[], question: false };
const DAY_OF_MONTH: FieldSpec = FieldSpec { name: "day-of-month", min: 1, max: 31, names: &[], question: true };
const MONTH: FieldSpec = FieldSpec {
    name: "month",
    min: 1,
    max: 12,
    names: &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    question: false,
};
const DAY_OF_WEEK: FieldSpec = FieldSpec {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    question: true,
};
const YEAR: FieldSpec = FieldSpec { name: "year", min: 1970, max: 2199, names: &[], question: false };

impl Cron {
    /// A cron schedule with every field at its default.
    pub fn new() -> Cron {
        Cron::default()
    }
    /// Minutes (0-59).
    pub fn minute(mut self, v: impl ToString) -> Cron {
        self.minute = Some(v.to_string());
        self
    }
    /// Hours (0-23, UTC).
    pub fn hour(mut self, v: impl ToString) -> Cron {
        self.hour = Some(v.to_string());
        self
    }
    /// Day of month (1-31, `L`, `W`).
    pub fn day(mut self, v: impl ToString) -> Cron {
        self.day = Some(v.to_string());
        self
    }
    /// Month (1-12 or JAN-DEC).
    pub fn month(mut self, v: impl ToString) -> Cron {
        self.month = Some(v.to_string());
        self
    }
    /// Day of week (1-7 or SUN-SAT, `L`, `#`).
    pub fn week_day(mut self, v: impl ToString) -> Cron {
        self.week_day = Some(v.to_string());
        self
    }
    /// Year (1970-2199).
    pub fn year(mut self, v: impl ToString) -> Cron {
        self.year = Some(v.to_string());
        self
    }

    /// Parses the six fields inside `cron(...)`.
    pub fn parse(fields: &str) -> Result<Cron, ScheduleError> {
        let parts: Vec<&str> = fields.split(' ').collect();
        if parts.len() != 6 || parts.iter().any(|p| p.is_empty()) {
            return Err(ScheduleError {
                expression: format!("cron({fields})"),
                problems: vec![format!(
                    "a cron expression has 6 fields separated by single spaces (minutes hours day-of-month month \
                     day-of-week year); found {}",
                    parts.iter().filter(|p| !p.is_empty()).count()
                )],
            });
        }
        let f = |i: usize| Some(parts[i].to_string());
        Ok(Cron { minute: f(0), hour: f(1), day: f(2), month: f(3), week_day: f(4), year: f(5) })
    }

    /// The six fields, with defaults applied.
    pub fn fields(&self) -> [String; 6] {
        let or = |v: &Option<String>, d: &str| v.clone().unwrap_or_else(|| d.to_string());
        let day_default = if self.week_day.is_some() { "?" } else { "*" };
        [
            or(&self.minute, "*"),
            or(&self.hour, "*"),
            or(&self.day, day_default),
            or(&self.month, "*"),
            or(&self.week_day, "?"),
            or(&self.year, "*"),
        ]
    }

    /// Every problem with the fields.
    pub fn problems(&self) -> Vec<String> {
        let fields = self.fields();
        let specs = [&MINUTES, &HOURS, &DAY_OF_MONTH, &MONTH, &DAY_OF_WEEK, &YEAR];
        let mut out = Vec::new();
        for (field, spec) in fields.iter().zip(specs) {
            out.extend(check_field(field, spec));
        }
        let (dom, dow) = (fields[2].as_str(), fields[4].as_str());
        if (dom == "?") == (dow == "?") {
            out.push(format!(
                "exactly one of day-of-month ({dom:?}) and day-of-week ({dow:?}) must be '?': AWS does not allow \
                 both, and one of them must be given"
            ));
        }
        out
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fields().join(" "))
    }
}

fn check_field(field: &str, spec: &FieldSpec) -> Vec<String> {
    let bad = |why: String| vec![format!("cron {} field {field:?}: {why}", spec.name)];
    if field == "?" {
        return if spec.question {
            Vec::new()
        } else {
            bad("'?' is only allowed in day-of-month and day-of-week".into())
        };
    }
    let mut out = Vec::new();
    for item in field.split(',') {
        if let Err(why) = check_item(item, spec) {
            out.extend(bad(why));
        }
    }
    out
}

fn check_item(item: &str, spec: &FieldSpec) -> Result<(), String> {
    if item.is_empty() {
        return Err("empty list item".into());
    }
    if spec.name == "day-of-month" {
        if item == "L" || item == "LW" {
            return Ok(());
        }
        if let Some(day) = item.strip_suffix('W') {
            return value(day, spec).map(|_| ());
        }
    }
    if spec.name == "day-of-week" {
        if item == "L" {
            return Ok(());
        }
        if let Some(day) = item.strip_suffix('L') {
            return value(day, spec).map(|_| ());
        }
        if let Some((day, nth)) = item.split_once('#') {
            value(day, spec)?;
            return match nth.parse::<u32>() {
                Ok(1..=5) => Ok(()),
                _ => Err(format!("the occurrence after '#' must be 1 to 5, not {nth:?}")),
            };
        }
    }
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(n) if n >= 1 => {}
            _ => return Err(format!("the increment after '/' must be a positive whole number, not {step:?}")),
        }
    }
    if range == "*" {
        return Ok(());
    }
    match range.split_once('-') {
        Some((a, b)) => {
            value(a, spec)?;
            value(b, spec)?;
            Ok(())
        }
        None => value(range, spec).map(|_| ()),
    }
}

fn value(text: &str, spec: &FieldSpec) -> Result<u32, String> {
    if let Some(i) = spec.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(spec.min + i as u32);
    }
    match text.parse::<u32>() {
        Ok(n) if (spec.min..=spec.max).contains(&n) => Ok(n),
        _ => {
            let names = if spec.names.is_empty() {
                String::new()
            } else {
                format!(" or {}-{}", spec.names[0], spec.names[spec.names.len() - 1])
            };
            Err(format!("{text:?} is not a value from {} to {}{names}", spec.min, spec.max))
        }
    }
}

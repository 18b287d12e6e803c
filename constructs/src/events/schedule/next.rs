//! When a schedule fires: [`Schedule::next_after`] and [`Schedule::fire_times`], for a simulated
//! clock (milliseconds since the Unix epoch, UTC).
//!
//! Decisions, following the EventBridge user guide ("Schedule expressions for rules") and, where
//! it is silent, the Quartz scheduler whose syntax it borrows:
//!
//! - **Rates** fire one period after the rule is created, then every period: at
//!   `created + k × period` for k ≥ 1, to the millisecond (no rounding to the minute). A rate of 0
//!   never fires.
//! - **Crons** fire at second 0 of every matching minute, in UTC, from 1970 to the end of 2199
//!   (the year field's range); after that, or when nothing matches again (a year in the past, the
//!   30th of February), the answer is `None`. The search skips whole years, months, days and
//!   hours that cannot match, so it does at most a few thousand small steps however far the next
//!   firing is.
//! - Fields: `*`, single values, `a-b` ranges, `,` lists and `/` increments (`a/n` is a, a+n, …
//!   up to the field's maximum; `a-b/n` stops at b; `*/n` starts at the minimum). A range whose
//!   start is after its end wraps around (`FRI-MON` is Friday to Monday, `22-2` is 22:00 to
//!   02:00), as in Quartz. Month names `JAN`-`DEC` and day names `SUN`-`SAT` in any case.
//! - Day-of-week values are 1-7 = `SUN`-`SAT`. Exactly one of day-of-month and day-of-week is
//!   `?`; the other one decides the day.
//! - Day-of-month: `L` is the last day of the month, `LW` its last weekday (Monday to Friday),
//!   `nW` the weekday nearest to day n without leaving the month (a Saturday moves to the Friday
//!   before, or to Monday the 3rd for `1W`; a Sunday to the Monday after, or to the Friday before
//!   when it is the last day). Days past the end of a month (`31` in April, `30W` in February)
//!   do not fire that month.
//! - Day-of-week: `L` alone is Saturday (the last day of the week), `nL` the last day n of the
//!   month (`5L` = the last Thursday), `n#k` the k-th day n of the month (`2#1` = the first
//!   Monday); a fifth occurrence that a month lacks does not fire that month. Lists may mix these.
//! - A schedule that is not valid (see [`Schedule::problems`]) never fires; nothing here panics.
//!
//! ```
//! use constructs::events::Schedule;
//!
//! const JAN_1_2024: i64 = 1_704_067_200_000; // a Monday, 00:00 UTC
//! const HOUR: i64 = 3_600_000;
//! const DAY: i64 = 24 * HOUR;
//!
//! let weekdays = Schedule::expression("cron(0 18 ? * MON-FRI *)").unwrap();
//! assert_eq!(weekdays.next_after(JAN_1_2024, 0), Some(JAN_1_2024 + 18 * HOUR));
//! // Strictly after: from 18:00 on Friday the 5th, the next run is Monday the 8th.
//! assert_eq!(weekdays.next_after(JAN_1_2024 + 4 * DAY + 18 * HOUR, 0), Some(JAN_1_2024 + 7 * DAY + 18 * HOUR));
//! assert_eq!(weekdays.fire_times(JAN_1_2024, JAN_1_2024 + 7 * DAY, 0, 100).len(), 5);
//!
//! // A rate counts from when the rule was created.
//! let created = JAN_1_2024 + 12_345;
//! let rate = Schedule::expression("rate(5 minutes)").unwrap();
//! assert_eq!(rate.next_after(created, created), Some(created + 300_000));
//! assert_eq!(rate.fire_times(created, created + HOUR, created, 3), [1, 2, 3].map(|k| created + k * 300_000));
//!
//! // A year in the past never fires again.
//! let past = Schedule::expression("cron(0 12 * * ? 2020)").unwrap();
//! assert_eq!(past.next_after(JAN_1_2024, 0), None);
//! ```

use super::{Schedule, TimeUnit};
use crate::civil;

const MINUTE_MS: i64 = 60_000;
const MINUTES_PER_DAY: i64 = 1_440;
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2199;

impl Schedule {
    /// The first instant strictly after `after_ms` at which the schedule fires, in milliseconds
    /// since the Unix epoch (UTC). A rate schedule counts from `created_ms` (it first fires one
    /// period after it is created); a cron one fires at second 0 of its matching minutes and
    /// ignores `created_ms`. `None` when it never fires again (a cron whose years are past, one
    /// that matches no day, anything after 2199, or a schedule that is not valid).
    pub fn next_after(&self, after_ms: i64, created_ms: i64) -> Option<i64> {
        Firing::new(self)?.next_after(after_ms, created_ms)
    }

    /// Every firing time in `(from_ms, until_ms]`, in order, at most `limit` of them.
    pub fn fire_times(&self, from_ms: i64, until_ms: i64, created_ms: i64, limit: usize) -> Vec<i64> {
        let mut out = Vec::new();
        let Some(firing) = Firing::new(self) else {
            return out;
        };
        let mut at = from_ms;
        while out.len() < limit {
            match firing.next_after(at, created_ms) {
                Some(next) if next <= until_ms => {
                    out.push(next);
                    at = next;
                }
                _ => break,
            }
        }
        out
    }
}

/// A schedule compiled for computing firing times.
enum Firing {
    /// The period in milliseconds (positive).
    Rate(i64),
    Cron(Box<CronSets>),
}

impl Firing {
    fn new(schedule: &Schedule) -> Option<Firing> {
        match schedule {
            Schedule::Rate { value, unit } => {
                let unit_ms = match unit {
                    TimeUnit::Minutes => MINUTE_MS,
                    TimeUnit::Hours => 60 * MINUTE_MS,
                    TimeUnit::Days => MINUTES_PER_DAY * MINUTE_MS,
                };
                let period = i64::from(*value).checked_mul(unit_ms)?;
                (period > 0).then_some(Firing::Rate(period))
            }
            Schedule::Cron(cron) => CronSets::parse(&cron.fields()).map(|c| Firing::Cron(Box::new(c))),
        }
    }

    fn next_after(&self, after_ms: i64, created_ms: i64) -> Option<i64> {
        match self {
            Firing::Rate(period) => {
                let first = created_ms.checked_add(*period)?;
                if after_ms < first {
                    return Some(first);
                }
                // after_ms - created_ms >= period > 0, so k >= 2.
                let elapsed = i128::from(after_ms) - i128::from(created_ms);
                let k = elapsed / i128::from(*period) + 1;
                i64::try_from(i128::from(created_ms) + k * i128::from(*period)).ok()
            }
            Firing::Cron(sets) => {
                let start = after_ms.div_euclid(MINUTE_MS).checked_add(1)?.max(0);
                sets.next_minute(start).map(|minute| minute * MINUTE_MS)
            }
        }
    }
}

/// The values of one field: its range and names.
struct Spec {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Spec = Spec { min: 0, max: 59, names: &[] };
const HOURS: Spec = Spec { min: 0, max: 23, names: &[] };
const DAY_OF_MONTH: Spec = Spec { min: 1, max: 31, names: &[] };
const MONTH: Spec = Spec {
    min: 1,
    max: 12,
    names: &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
};
const DAY_OF_WEEK: Spec = Spec { min: 1, max: 7, names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] };
const YEAR: Spec = Spec { min: 1970, max: 2199, names: &[] };

/// How the day is chosen.
#[derive(Debug, PartialEq)]
enum Days {
    /// By day-of-month (day-of-week is `?`).
    OfMonth {
        /// Bit d for day d (1-31).
        days: u32,
        /// `L`
        last: bool,
        /// `LW`
        last_weekday: bool,
        /// `nW`: the days n.
        nearest_weekday: Vec<u32>,
    },
    /// By day-of-week (day-of-month is `?`).
    OfWeek {
        /// Bit w for weekday w (1 = Sunday … 7 = Saturday).
        days: u8,
        /// `wL`: bit w for the last weekday w of the month.
        last: u8,
        /// `w#k`: (w, k).
        nth: Vec<(u32, u32)>,
    },
}

/// A cron expression as sets of values.
struct CronSets {
    /// Bit m for minute m.
    minutes: u64,
    /// Bit h for hour h.
    hours: u32,
    days: Days,
    /// Bit m for month m (1-12).
    months: u16,
    /// Bit (y - 1970) for year y.
    years: [u64; 4],
}

impl CronSets {
    fn parse(fields: &[String; 6]) -> Option<CronSets> {
        let mut minutes = 0u64;
        for v in field_values(&fields[0], &MINUTES)? {
            minutes |= 1 << v;
        }
        let mut hours = 0u32;
        for v in field_values(&fields[1], &HOURS)? {
            hours |= 1 << v;
        }
        let mut months = 0u16;
        for v in field_values(&fields[3], &MONTH)? {
            months |= 1 << v;
        }
        let mut years = [0u64; 4];
        for v in field_values(&fields[5], &YEAR)? {
            let i = (v - YEAR.min) as usize;
            years[i / 64] |= 1 << (i % 64);
        }
        let days = match (fields[2].as_str(), fields[4].as_str()) {
            ("?", "?") => return None,
            (dom, "?") => parse_day_of_month(dom)?,
            ("?", dow) => parse_day_of_week(dow)?,
            _ => return None,
        };
        Some(CronSets { minutes, hours, days, months, years })
    }

    fn has_year(&self, year: i32) -> bool {
        let i = (year - FIRST_YEAR) as usize;
        self.years[i / 64] & (1 << (i % 64)) != 0
    }

    /// Bit d set for each day d of the month that matches the day fields.
    fn day_mask(&self, year: i32, month: u32) -> u32 {
        let len = days_in_month(year, month);
        let first = weekday(days_from_civil(year, month, 1));
        let weekday_of = |day: u32| (first - 1 + day - 1) % 7 + 1;
        let mut mask = 0u32;
        match &self.days {
            Days::OfMonth { days, last, last_weekday, nearest_weekday } => {
                mask = days & (((1u64 << (len + 1)) - 1) as u32);
                if *last {
                    mask |= 1 << len;
                }
                if *last_weekday {
                    let day = match weekday_of(len) {
                        7 => len - 1,
                        1 => len - 2,
                        _ => len,
                    };
                    mask |= 1 << day;
                }
                for &n in nearest_weekday.iter().filter(|&&n| n <= len) {
                    let day = match weekday_of(n) {
                        7 if n == 1 => 3,
                        7 => n - 1,
                        1 if n == len => n - 2,
                        1 => n + 1,
                        _ => n,
                    };
                    mask |= 1 << day;
                }
            }
            Days::OfWeek { days, last, nth } => {
                for day in 1..=len {
                    let w = weekday_of(day);
                    if days & (1 << w) != 0 || (last & (1 << w) != 0 && day + 7 > len) {
                        mask |= 1 << day;
                    }
                }
                for &(w, k) in nth {
                    let day = 1 + (w + 7 - first) % 7 + 7 * (k - 1);
                    if day <= len {
                        mask |= 1 << day;
                    }
                }
            }
        }
        mask
    }

    /// The first (hour, minute) at or after `hour:minute` that matches, on a matching day.
    fn time_from(&self, hour: u32, minute: u32) -> Option<(u32, u32)> {
        if self.hours & (1 << hour) != 0 {
            if let Some(m) = next_bit(self.minutes, minute) {
                return Some((hour, m));
            }
        }
        let h = next_bit(u64::from(self.hours), hour + 1)?;
        Some((h, self.minutes.trailing_zeros()))
    }

    /// The first matching minute (since the epoch) at or after `start` (>= 0), up to 2199.
    fn next_minute(&self, start: i64) -> Option<i64> {
        let end = days_from_civil(LAST_YEAR + 1, 1, 1) * MINUTES_PER_DAY;
        if start >= end {
            return None;
        }
        let (y0, m0, d0) = civil_from_days(start.div_euclid(MINUTES_PER_DAY));
        let in_day = start.rem_euclid(MINUTES_PER_DAY) as u32;
        let (h0, min0) = (in_day / 60, in_day % 60);
        for year in y0..=LAST_YEAR {
            if !self.has_year(year) {
                continue;
            }
            let first_month = if year == y0 { m0 } else { 1 };
            for month in first_month..=12 {
                if self.months & (1 << month) == 0 {
                    continue;
                }
                let starting = year == y0 && month == m0;
                let mask = u64::from(self.day_mask(year, month));
                let mut from = if starting { d0 } else { 1 };
                while let Some(day) = next_bit(mask, from) {
                    let (h, m) = if starting && day == d0 { (h0, min0) } else { (0, 0) };
                    if let Some((hour, minute)) = self.time_from(h, m) {
                        let days = days_from_civil(year, month, day);
                        return Some(days * MINUTES_PER_DAY + i64::from(hour * 60 + minute));
                    }
                    from = day + 1;
                }
            }
        }
        None
    }
}

/// The lowest set bit of `mask` at or above `from`.
fn next_bit(mask: u64, from: u32) -> Option<u32> {
    if from >= 64 {
        return None;
    }
    let rest = mask & (u64::MAX << from);
    (rest != 0).then(|| rest.trailing_zeros())
}

fn parse_day_of_month(field: &str) -> Option<Days> {
    let (mut days, mut last, mut last_weekday, mut nearest_weekday) = (0u32, false, false, Vec::new());
    for item in field.split(',') {
        if item == "L" {
            last = true;
        } else if item == "LW" {
            last_weekday = true;
        } else if let Some(day) = item.strip_suffix('W') {
            nearest_weekday.push(value(day, &DAY_OF_MONTH)?);
        } else {
            for v in item_values(item, &DAY_OF_MONTH)? {
                days |= 1 << v;
            }
        }
    }
    Some(Days::OfMonth { days, last, last_weekday, nearest_weekday })
}

fn parse_day_of_week(field: &str) -> Option<Days> {
    let (mut days, mut last, mut nth) = (0u8, 0u8, Vec::new());
    for item in field.split(',') {
        if item == "L" {
            days |= 1 << DAY_OF_WEEK.max;
        } else if let Some(day) = item.strip_suffix('L') {
            last |= 1 << value(day, &DAY_OF_WEEK)?;
        } else if let Some((day, k)) = item.split_once('#') {
            let k = k.parse::<u32>().ok().filter(|k| (1..=5).contains(k))?;
            nth.push((value(day, &DAY_OF_WEEK)?, k));
        } else {
            for v in item_values(item, &DAY_OF_WEEK)? {
                days |= 1 << v;
            }
        }
    }
    Some(Days::OfWeek { days, last, nth })
}

/// Every value of a plain field (a `,` list of items); `None` if any item is not valid.
fn field_values(field: &str, spec: &Spec) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for item in field.split(',') {
        out.extend(item_values(item, spec)?);
    }
    Some(out)
}

/// The values of `*`, `v`, `a-b`, with an optional `/step`; a range past its end wraps around.
fn item_values(item: &str, spec: &Spec) -> Option<Vec<u32>> {
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, step.parse::<u32>().ok().filter(|&n| n >= 1)?),
        None => (item, 0),
    };
    let (a, b) = if range == "*" {
        (spec.min, spec.max)
    } else if let Some((a, b)) = range.split_once('-') {
        (value(a, spec)?, value(b, spec)?)
    } else {
        let a = value(range, spec)?;
        (a, if step > 0 { spec.max } else { a })
    };
    let width = spec.max - spec.min + 1;
    let span = (b + width - a) % width;
    let step = step.max(1) as usize;
    Some((0..=span).step_by(step).map(|offset| spec.min + (a - spec.min + offset) % width).collect())
}

/// A number in the field's range, or one of its names (any case).
fn value(text: &str, spec: &Spec) -> Option<u32> {
    if let Some(i) = spec.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Some(spec.min + i as u32);
    }
    text.parse::<u32>().ok().filter(|n| (spec.min..=spec.max).contains(n))
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 1 = Sunday … 7 = Saturday, for a day counted from 1970-01-01 (a Thursday).
fn weekday(days: i64) -> u32 {
    ((days + 4).rem_euclid(7) + 1) as u32
}

/// Days since 1970-01-01 of a date ([`crate::civil::days_from_civil`] in this module's types).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    civil::days_from_civil(year.into(), month.into(), day.into())
}

/// The date of a day since 1970-01-01 (within the years 1970-2200, so the narrowing is exact).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let (year, month, day) = civil::civil_from_days(days);
    (year as i32, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Cron;

    const HOUR: i64 = 60 * MINUTE_MS;
    const DAY: i64 = 24 * HOUR;

    /// Milliseconds of a UTC date and time.
    fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> i64 {
        (days_from_civil(year, month, day) * MINUTES_PER_DAY + i64::from(hour * 60 + minute)) * MINUTE_MS
    }

    fn cron(text: &str) -> Schedule {
        Schedule::expression(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn next(text: &str, after: i64) -> Option<i64> {
        cron(text).next_after(after, 0)
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(at(2024, 1, 1, 0, 0), 1_704_067_200_000);
        assert_eq!(weekday(days_from_civil(2024, 1, 1)), 2); // Monday
        assert_eq!(weekday(days_from_civil(2024, 2, 29)), 5); // Thursday
        for days in [0, 59, 365, 11_016, 19_782, 47_541, 83_000, days_from_civil(2200, 1, 1) - 1] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }

    #[test]
    fn guide_examples() {
        let t = at(2024, 1, 1, 11, 0); // Monday
        assert_eq!(next("cron(0 10 * * ? *)", t), Some(at(2024, 1, 2, 10, 0)));
        assert_eq!(next("cron(0 10 * * ? *)", at(2024, 1, 2, 9, 59)), Some(at(2024, 1, 2, 10, 0)));
        assert_eq!(next("cron(15 12 * * ? *)", t), Some(at(2024, 1, 1, 12, 15)));
        assert_eq!(next("cron(0 18 ? * MON-FRI *)", at(2024, 1, 5, 18, 0)), Some(at(2024, 1, 8, 18, 0)));
        assert_eq!(next("cron(0 8 1 * ? *)", at(2024, 1, 1, 8, 0)), Some(at(2024, 2, 1, 8, 0)));
        assert_eq!(next("cron(0 8 1 * ? *)", at(2024, 12, 1, 8, 0)), Some(at(2025, 1, 1, 8, 0)));

        let quarter = cron("cron(0/15 * * * ? *)");
        assert_eq!(
            quarter.fire_times(at(2024, 1, 1, 10, 7), at(2024, 1, 1, 11, 0), 0, 10),
            [at(2024, 1, 1, 10, 15), at(2024, 1, 1, 10, 30), at(2024, 1, 1, 10, 45), at(2024, 1, 1, 11, 0)]
        );
        // Exactly on a firing: the next one.
        assert_eq!(quarter.next_after(at(2024, 1, 1, 10, 15), 0), Some(at(2024, 1, 1, 10, 30)));
        assert_eq!(quarter.next_after(at(2024, 1, 1, 10, 15) - 1, 0), Some(at(2024, 1, 1, 10, 15)));

        let ten = cron("cron(0/10 * ? * MON-FRI *)");
        assert_eq!(ten.next_after(at(2024, 1, 5, 23, 55), 0), Some(at(2024, 1, 8, 0, 0)));
        assert_eq!(ten.fire_times(at(2024, 1, 1, 0, 0) - 1, at(2024, 1, 8, 0, 0) - 1, 0, 10_000).len(), 5 * 24 * 6);

        let office = cron("cron(0/5 8-17 ? * MON-FRI *)");
        assert_eq!(office.next_after(at(2024, 1, 1, 17, 55), 0), Some(at(2024, 1, 2, 8, 0)));
        assert_eq!(office.fire_times(at(2024, 1, 1, 0, 0), at(2024, 1, 2, 0, 0), 0, 1_000).len(), 10 * 12);

        // First Monday of the month: Feb 2024 starts on a Thursday, March on a Friday.
        let first_monday = cron("cron(0 9 ? * 2#1 *)");
        assert_eq!(
            first_monday.fire_times(at(2024, 1, 15, 0, 0), at(2024, 4, 30, 0, 0), 0, 10),
            [at(2024, 2, 5, 9, 0), at(2024, 3, 4, 9, 0), at(2024, 4, 1, 9, 0)]
        );
    }

    #[test]
    fn last_day_and_leap_years() {
        let last = cron("cron(0 18 L * ? *)");
        assert_eq!(last.next_after(at(2024, 2, 10, 0, 0), 0), Some(at(2024, 2, 29, 18, 0)));
        assert_eq!(last.next_after(at(2023, 2, 10, 0, 0), 0), Some(at(2023, 2, 28, 18, 0)));
        assert_eq!(last.next_after(at(2100, 2, 1, 0, 0), 0), Some(at(2100, 2, 28, 18, 0)));
        assert_eq!(last.next_after(at(2000, 2, 1, 0, 0), 0), Some(at(2000, 2, 29, 18, 0)));
        assert_eq!(last.next_after(at(2024, 4, 30, 18, 0), 0), Some(at(2024, 5, 31, 18, 0)));
        assert_eq!(last.next_after(at(2024, 12, 31, 18, 0), 0), Some(at(2025, 1, 31, 18, 0)));

        // The 29th of February: only in leap years (2100 is not one).
        let leap = cron("cron(0 0 29 FEB ? *)");
        assert_eq!(leap.next_after(at(2024, 3, 1, 0, 0), 0), Some(at(2028, 2, 29, 0, 0)));
        assert_eq!(leap.next_after(at(2096, 3, 1, 0, 0), 0), Some(at(2104, 2, 29, 0, 0)));

        // The 31st: skips the shorter months.
        let thirty_first = cron("cron(0 0 31 * ? *)");
        assert_eq!(
            thirty_first.fire_times(at(2024, 1, 31, 0, 0), at(2024, 9, 1, 0, 0), 0, 10),
            [at(2024, 3, 31, 0, 0), at(2024, 5, 31, 0, 0), at(2024, 7, 31, 0, 0), at(2024, 8, 31, 0, 0)]
        );
    }

    #[test]
    fn nearest_weekday() {
        // June 2024: the 1st and 15th are Saturdays, the 30th a Sunday.
        assert_eq!(next("cron(0 9 15W * ? *)", at(2024, 6, 1, 0, 0)), Some(at(2024, 6, 14, 9, 0)));
        assert_eq!(next("cron(0 9 1W * ? *)", at(2024, 5, 31, 0, 0)), Some(at(2024, 6, 3, 9, 0)));
        assert_eq!(next("cron(0 9 16W * ? *)", at(2024, 6, 1, 0, 0)), Some(at(2024, 6, 17, 9, 0)));
        assert_eq!(next("cron(0 9 30W * ? *)", at(2024, 6, 1, 0, 0)), Some(at(2024, 6, 28, 9, 0)));
        assert_eq!(next("cron(0 9 LW * ? *)", at(2024, 6, 1, 0, 0)), Some(at(2024, 6, 28, 9, 0)));
        // A weekday is itself; March 31st 2024 is a Sunday.
        assert_eq!(next("cron(0 9 3W * ? *)", at(2024, 6, 1, 0, 0)), Some(at(2024, 6, 3, 9, 0)));
        assert_eq!(next("cron(0 9 31W * ? *)", at(2024, 3, 1, 0, 0)), Some(at(2024, 3, 29, 9, 0)));
        assert_eq!(next("cron(0 9 LW * ? *)", at(2024, 3, 1, 0, 0)), Some(at(2024, 3, 29, 9, 0)));
        // 31W does not fire in 30-day months: after March 2024, May 31st (a Friday).
        assert_eq!(next("cron(0 9 31W * ? *)", at(2024, 3, 30, 0, 0)), Some(at(2024, 5, 31, 9, 0)));
    }

    #[test]
    fn week_day_specials() {
        // 5L = last Thursday: Feb 29th 2024, Nov 28th 2024.
        assert_eq!(next("cron(0 12 ? * 5L *)", at(2024, 2, 1, 0, 0)), Some(at(2024, 2, 29, 12, 0)));
        assert_eq!(next("cron(0 12 ? * THUL *)", at(2024, 11, 1, 0, 0)), Some(at(2024, 11, 28, 12, 0)));
        assert_eq!(next("cron(0 10 ? * 6L *)", at(2024, 3, 1, 0, 0)), Some(at(2024, 3, 29, 10, 0)));
        // L alone = Saturday.
        assert_eq!(next("cron(0 10 ? * L *)", at(2024, 1, 1, 0, 0)), Some(at(2024, 1, 6, 10, 0)));
        // A fifth Monday: January 2024, then not until April.
        let fifth = cron("cron(0 0 ? * 2#5 *)");
        assert_eq!(fifth.next_after(at(2024, 1, 1, 0, 0), 0), Some(at(2024, 1, 29, 0, 0)));
        assert_eq!(fifth.next_after(at(2024, 1, 29, 0, 0), 0), Some(at(2024, 4, 29, 0, 0)));
        // Second Tuesday (the guide's 3#2), and a list mixing kinds.
        assert_eq!(next("cron(0 0 ? * 3#2 *)", at(2024, 1, 1, 0, 0)), Some(at(2024, 1, 9, 0, 0)));
        let mixed = cron("cron(0 0 ? * SUN,6L *)");
        assert_eq!(
            mixed.fire_times(at(2024, 3, 20, 0, 0), at(2024, 4, 1, 0, 0), 0, 10),
            [at(2024, 3, 24, 0, 0), at(2024, 3, 29, 0, 0), at(2024, 3, 31, 0, 0)]
        );
        // Wrapping range: Friday to Monday.
        let weekend = cron("cron(0 0 ? * FRI-MON *)");
        assert_eq!(weekend.fire_times(at(2024, 1, 1, 0, 0), at(2024, 1, 8, 0, 0), 0, 10).len(), 4);
        assert_eq!(weekend.next_after(at(2024, 1, 1, 0, 0), 0), Some(at(2024, 1, 5, 0, 0)));
    }

    #[test]
    fn fields_steps_and_years() {
        assert_eq!(next("cron(1/10 * * * ? *)", at(2024, 1, 1, 0, 51)), Some(at(2024, 1, 1, 1, 1)));
        assert_eq!(next("cron(0 22-2 * * ? *)", at(2024, 1, 1, 3, 0)), Some(at(2024, 1, 1, 22, 0)));
        assert_eq!(next("cron(0 22-2 * * ? *)", at(2024, 1, 1, 23, 0)), Some(at(2024, 1, 2, 0, 0)));
        assert_eq!(next("cron(0 0 1 jan,Jul ? *)", at(2024, 1, 1, 0, 0)), Some(at(2024, 7, 1, 0, 0)));
        assert_eq!(next("cron(0 0 1 1 ? 2030/5)", at(2024, 1, 1, 0, 0)), Some(at(2030, 1, 1, 0, 0)));
        assert_eq!(next("cron(0 0 1 1 ? 2030/5)", at(2030, 1, 1, 0, 0)), Some(at(2035, 1, 1, 0, 0)));
        assert_eq!(next("cron(0 0 1-10/3 * ? *)", at(2024, 1, 1, 0, 0)), Some(at(2024, 1, 4, 0, 0)));
        assert_eq!(next("cron(0 0 1-10/3 * ? *)", at(2024, 1, 10, 0, 0)), Some(at(2024, 2, 1, 0, 0)));
        assert_eq!(next("cron(0 12 * * ? 2020)", at(2024, 1, 1, 0, 0)), None);
        assert_eq!(next("cron(0 12 * * ? 2020)", at(2019, 1, 1, 0, 0)), Some(at(2020, 1, 1, 12, 0)));
        let last_minute = cron("cron(59 23 31 12 ? 2199)");
        assert_eq!(last_minute.next_after(0, 0), Some(at(2199, 12, 31, 23, 59)));
        assert_eq!(last_minute.next_after(at(2199, 12, 31, 23, 59), 0), None);
        assert_eq!(next("cron(* * * * ? *)", at(2200, 1, 1, 0, 0)), None);
        assert_eq!(next("cron(* * * * ? *)", i64::MAX), None);
        assert_eq!(next("cron(* * * * ? *)", i64::MIN), Some(0));
        assert_eq!(next("cron(* * * * ? *)", -1), Some(0));
        assert_eq!(next("cron(* * * * ? *)", 1), Some(MINUTE_MS));
    }

    #[test]
    fn rates() {
        let created = at(2024, 1, 1, 10, 0) + 1_234;
        let every = |text: &str, period: i64| {
            let s = cron(text);
            assert_eq!(s.next_after(created - DAY, created), Some(created + period), "{text}");
            assert_eq!(s.next_after(created, created), Some(created + period), "{text}");
            assert_eq!(s.next_after(created + period - 1, created), Some(created + period), "{text}");
            assert_eq!(s.next_after(created + period, created), Some(created + 2 * period), "{text}");
            assert_eq!(s.next_after(created + 10 * period + 1, created), Some(created + 11 * period), "{text}");
            let times = s.fire_times(created, created + 3 * period, created, 10);
            assert_eq!(times, [1, 2, 3].map(|k| created + k * period), "{text}");
            assert_eq!(s.fire_times(created, created + 3 * period, created, 2).len(), 2);
        };
        every("rate(1 minute)", MINUTE_MS);
        every("rate(5 minutes)", 5 * MINUTE_MS);
        every("rate(1 hour)", HOUR);
        every("rate(7 days)", 7 * DAY);
        assert_eq!(Schedule::rate(0, TimeUnit::Minutes).next_after(0, 0), None);
        assert_eq!(Schedule::rate(1, TimeUnit::Minutes).next_after(i64::MAX - 1, 0), None);
        assert_eq!(Schedule::rate(1, TimeUnit::Minutes).next_after(0, i64::MAX), None);
        assert_eq!(
            Schedule::rate(u32::MAX, TimeUnit::Days).next_after(i64::MIN, i64::MIN),
            Some(i64::MIN + i64::from(u32::MAX) * DAY)
        );
    }

    #[test]
    fn odd_schedules_do_not_panic() {
        // Valid but never firing.
        assert_eq!(next("cron(0 0 30 FEB ? *)", 0), None);
        assert_eq!(next("cron(0 0 31 APR,JUN,SEP,NOV ? *)", 0), None);
        assert_eq!(next("cron(0 0 30W 2 ? *)", 0), None);
        // Valid and odd.
        assert_eq!(next("cron(59/59 23/23 31/31 12/12 ? 2199/1)", 0), Some(at(2199, 12, 31, 23, 59)));
        assert_eq!(next("cron(0 0 L,LW,1W,15 * ? *)", at(2024, 6, 1, 0, 0)), Some(at(2024, 6, 3, 0, 0)));
        assert_eq!(next("cron(0 0 ? * 1-7/7 *)", at(2024, 1, 1, 0, 0)), Some(at(2024, 1, 7, 0, 0)));
        assert_eq!(next("cron(0 0 ? * 7#5,1#5,L *)", at(2024, 1, 1, 0, 0)), Some(at(2024, 1, 6, 0, 0)));
        assert_eq!(next("cron(0/99 0 1 1 ? 1970)", -1), Some(0));
        // Not valid: never fire.
        let invalid = [
            Schedule::Cron(Cron::new().minute("abc")),
            Schedule::Cron(Cron::new().day("?")),
            Schedule::Cron(Cron::new().day("1").week_day("MON")),
            Schedule::Cron(Cron::new().minute("0/0")),
            Schedule::Cron(Cron::new().minute("1,,2")),
            Schedule::Cron(Cron::new().hour("24")),
            Schedule::Cron(Cron::new().week_day("2#6")),
            Schedule::Cron(Cron::new().day("0W")),
            Schedule::Cron(Cron::new().day("32")),
            Schedule::Cron(Cron::new().year("1969")),
            Schedule::Cron(Cron::new().minute("5-").hour("-")),
            Schedule::Cron(Cron::new().minute("/5")),
        ];
        for s in invalid {
            assert!(!s.problems().is_empty(), "{s}");
            assert_eq!(s.next_after(0, 0), None, "{s}");
            assert!(s.fire_times(0, i64::MAX, 0, usize::MAX).is_empty(), "{s}");
        }
        // The default cron fires every minute.
        assert_eq!(Schedule::Cron(Cron::new()).next_after(0, 0), Some(MINUTE_MS));
        assert!(cron("rate(1 minute)").fire_times(10, 5, 0, 10).is_empty());
        assert!(cron("rate(1 minute)").fire_times(0, DAY, 0, 0).is_empty());
    }

    /// Every valid schedule agrees with a minute-by-minute scan over the compiled sets.
    #[test]
    fn search_agrees_with_a_scan() {
        let from = at(2023, 12, 20, 0, 0) - 1;
        let until = at(2024, 3, 10, 0, 0);
        for text in [
            "cron(0 10 * * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(7,37 */5 ? * MON-FRI *)",
            "cron(0 0 L * ? *)",
            "cron(30 6 15W * ? *)",
            "cron(0 9 ? * 2#1,6L *)",
            "cron(45 23 ? * SAT-SUN 2024)",
            "cron(0 12 29 FEB ? *)",
        ] {
            let s = cron(text);
            let Schedule::Cron(c) = &s else { unreachable!() };
            let sets = CronSets::parse(&c.fields()).unwrap();
            let mut expected = Vec::new();
            let mut minute = from.div_euclid(MINUTE_MS) + 1;
            while minute * MINUTE_MS <= until {
                let (y, mo, d) = civil_from_days(minute.div_euclid(MINUTES_PER_DAY));
                let in_day = minute.rem_euclid(MINUTES_PER_DAY) as u32;
                if sets.has_year(y)
                    && sets.months & (1 << mo) != 0
                    && sets.day_mask(y, mo) & (1 << d) != 0
                    && sets.hours & (1 << (in_day / 60)) != 0
                    && sets.minutes & (1 << (in_day % 60)) != 0
                {
                    expected.push(minute * MINUTE_MS);
                }
                minute += 1;
            }
            assert!(!expected.is_empty(), "{text}");
            let found = s.fire_times(from, until, 0, usize::MAX);
            let first_difference = found.iter().zip(&expected).position(|(a, b)| a != b);
            assert_eq!((found.len(), first_difference), (expected.len(), None), "{text}");
        }
    }
}

//! Virtual time: instants of a simulated run, parsed from and written as the States Language's
//! timestamps.
//!
//! A run never reads the machine's clock: it starts at a settable [`Time`] and advances only
//! when a Wait waits, a task takes time or a retry backs off, so a workflow that waits a day runs
//! in microseconds and every run of the same input gives the same history.
//!
//! Timestamps are the specification's RFC 3339 profile ("Timestamps": an uppercase `T`, `Z` or a
//! numeric offset, optional fractional seconds); they are written as AWS writes the context
//! object's `StartTime` and `EnteredTime`: UTC, milliseconds, `Z` (`2026-01-01T00:00:00.000Z`).

use std::fmt;

use crate::civil::{civil_from_days, days_from_civil};
use crate::stepfunctions::asl::syntax::timestamp_problem;

/// An instant of virtual time: milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

impl Time {
    /// The instant `ms` milliseconds after the Unix epoch.
    pub const fn from_millis(ms: i64) -> Time {
        Time(ms)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 timestamp (the specification's profile); sub-millisecond digits are
    /// dropped. `None` for anything else.
    ///
    /// ```
    /// use constructs::stepfunctions::interpreter::Time;
    /// let t = Time::parse("2016-03-14T02:59:00.5+01:00").unwrap();
    /// assert_eq!(t.to_string(), "2016-03-14T01:59:00.500Z");
    /// assert_eq!(Time::parse("2016-03-14 01:59:00"), None);
    /// ```
    pub fn parse(ts: &str) -> Option<Time> {
        let instant = Instant::parse(ts)?;
        let ms: i64 = format!("{:0<3}", instant.fraction).get(..3)?.parse().ok()?;
        instant.seconds.checked_mul(1000)?.checked_add(ms).map(Time)
    }

    /// This instant plus `seconds` (fractions of a millisecond round to the nearest), saturating.
    pub fn plus_seconds(self, seconds: f64) -> Time {
        let ms = (seconds * 1000.0).round();
        if ms >= i64::MAX as f64 {
            return Time(i64::MAX);
        }
        Time(self.0.saturating_add(ms.max(0.0) as i64))
    }

    /// Seconds from `earlier` to this instant.
    pub fn seconds_since(self, earlier: Time) -> f64 {
        (self.0.saturating_sub(earlier.0)) as f64 / 1000.0
    }
}

impl fmt::Display for Time {
    /// `YYYY-MM-DDThh:mm:ss.mmmZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (days, ms_of_day) = (self.0.div_euclid(86_400_000), self.0.rem_euclid(86_400_000));
        let (year, month, day) = civil_from_days(days);
        let (s, ms) = (ms_of_day / 1000, ms_of_day % 1000);
        write!(f, "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z", s / 3600, s / 60 % 60, s % 60)
    }
}

/// A timestamp as an instant: seconds since the Unix epoch (UTC) and the fraction's digits
/// without trailing zeros (which order correctly as strings), so that Choice comparisons are
/// exact at any precision.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant {
    pub(crate) seconds: i64,
    pub(crate) fraction: String,
}

impl Instant {
    /// Parses the specification's RFC 3339 profile; `None` for anything else.
    pub(crate) fn parse(ts: &str) -> Option<Instant> {
        if timestamp_problem(ts).is_some() {
            return None;
        }
        // the shape is checked: YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)
        let num = |r: std::ops::Range<usize>| ts.get(r)?.parse::<i64>().ok();
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let rest = &ts[19..];
        let (fraction, zone) = match rest.strip_prefix('.') {
            Some(f) => {
                let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
                (f[..end].trim_end_matches('0'), &f[end..])
            }
            None => ("", rest),
        };
        let offset = match zone.as_bytes().first()? {
            b'Z' => 0,
            sign => {
                let h: i64 = zone.get(1..3)?.parse().ok()?;
                let m: i64 = zone.get(4..6)?.parse().ok()?;
                let o = h * 3600 + m * 60;
                if *sign == b'-' {
                    -o
                } else {
                    o
                }
            }
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
        Some(Instant { seconds, fraction: fraction.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_aws_timestamps() {
        let t = Time::parse("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-01-01T00:00:00.000Z");
        assert_eq!(t.plus_seconds(86_400.25).to_string(), "2026-01-02T00:00:00.250Z");
        assert_eq!(Time::parse("2024-02-29T23:59:59.999-00:30").unwrap().to_string(), "2024-03-01T00:29:59.999Z");
        assert_eq!(Time::parse("1969-12-31T23:59:59.5Z").unwrap().millis(), -500);
        assert_eq!(Time::from_millis(-500).to_string(), "1969-12-31T23:59:59.500Z");
        assert_eq!(t.plus_seconds(1.5).seconds_since(t), 1.5);
        assert_eq!(t.plus_seconds(-3.0), t, "time does not go back");
        assert_eq!(Time::parse("not a time"), None);
    }
}

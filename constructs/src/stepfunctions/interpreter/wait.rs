//! When a Wait state wakes, in virtual time.
//!
//! `Seconds` and `SecondsPath` wait that many seconds from now; `Timestamp` and `TimestampPath`
//! until that instant, or not at all when it has passed (the guide's "Wait workflow state").
//! `SecondsPath` must select a non-negative integer and `TimestampPath` an RFC 3339 timestamp:
//! anything else fails with `States.Runtime` (the values are checked at run time, since the
//! definition cannot check them).

use serde_json::Value;

use super::clock::Time;
use super::error::StatesError;
use super::jsonpath::select;
use crate::stepfunctions::asl::WaitFor;

/// The instant a Wait state waiting as `wait_for`, entered at `now` with `effective` input, wakes.
pub(crate) fn wake_time(wait_for: &WaitFor, effective: &Value, now: Time) -> Result<Time, StatesError> {
    match wait_for {
        WaitFor::Seconds(s) => Ok(now.plus_seconds(f64::from(*s))),
        WaitFor::Timestamp(ts) => Ok(until(ts, "Timestamp")?.max(now)),
        WaitFor::SecondsPath(path) => match select(path, effective)? {
            Value::Number(n) if n.as_u64().is_some() => Ok(now.plus_seconds(n.as_u64().unwrap_or(0) as f64)),
            other => Err(StatesError::runtime(format!(
                "The SecondsPath parameter does not reference a non-negative integer: '{path}' is {other}"
            ))),
        },
        WaitFor::TimestampPath(path) => match select(path, effective)? {
            Value::String(ts) => Ok(until(&ts, "TimestampPath")?.max(now)),
            other => Err(StatesError::runtime(format!(
                "The TimestampPath parameter does not reference a timestamp: '{path}' is {other}"
            ))),
        },
    }
}

fn until(ts: &str, field: &str) -> Result<Time, StatesError> {
    Time::parse(ts).ok_or_else(|| {
        StatesError::runtime(format!("The {field} parameter does not reference a valid ISO-8601 timestamp: {ts:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_way_to_wait() {
        let now = Time::parse("2026-01-01T00:00:00Z").unwrap();
        let input = json!({"s": 90, "t": "2026-01-02T00:00:00Z", "past": "2025-01-01T00:00:00Z", "neg": -1, "f": 1.5});
        let wake = |w: WaitFor| wake_time(&w, &input, now).map(|t| t.to_string());
        assert_eq!(wake(WaitFor::Seconds(10)).unwrap(), "2026-01-01T00:00:10.000Z");
        assert_eq!(wake(WaitFor::SecondsPath("$.s".into())).unwrap(), "2026-01-01T00:01:30.000Z");
        assert_eq!(wake(WaitFor::TimestampPath("$.t".into())).unwrap(), "2026-01-02T00:00:00.000Z");
        assert_eq!(wake(WaitFor::TimestampPath("$.past".into())).unwrap(), now.to_string(), "the past: no wait");
        assert_eq!(wake(WaitFor::Timestamp("2026-01-01T01:00:00+01:00".into())).unwrap(), now.to_string());
        for bad in ["$.neg", "$.f", "$.t"] {
            assert_eq!(wake(WaitFor::SecondsPath(bad.into())).unwrap_err().error, "States.Runtime", "{bad}");
        }
        assert_eq!(wake(WaitFor::TimestampPath("$.s".into())).unwrap_err().error, "States.Runtime");
        assert_eq!(wake(WaitFor::SecondsPath("$.missing".into())).unwrap_err().error, "States.Runtime");
    }
}

//! `test-event-pattern`: EventBridge's TestEventPattern, locally: does the pattern match the
//! event? Prints `{"Result": true}` or `{"Result": false}` as `aws events test-event-pattern`
//! does; both arguments take JSON text or `file://PATH`, as the AWS CLI takes them.
//!
//! As TestEventPattern, it refuses an event without the fields EventBridge's events always have
//! (`id`, `account`, `source`, `time`, `region`, `resources`, `detail-type`), and a pattern that
//! is not valid (every problem, each naming its field): exit 2. Otherwise exit 0, whatever the
//! result.

use std::io::Write;
use std::process::ExitCode;

use serde_json::Value;

use crate::events::EventPattern;

/// The fields TestEventPattern requires of an event.
pub const REQUIRED_EVENT_FIELDS: &[&str] = &["id", "account", "source", "time", "region", "resources", "detail-type"];

/// Options of `test-event-pattern`.
#[derive(Debug, Clone, clap::Args)]
pub struct TestEventPatternArgs {
    /// The event pattern: JSON text, or `file://PATH`.
    #[arg(long, value_name = "JSON")]
    pub event_pattern: String,
    /// The event: JSON text, or `file://PATH`.
    #[arg(long, value_name = "JSON")]
    pub event: String,
}

/// Whether `pattern` matches `event` (both JSON text), or every problem with them.
pub fn test_event_pattern(pattern: &str, event: &str) -> Result<bool, Vec<String>> {
    let mut problems = Vec::new();
    let pattern = match EventPattern::from_json_str(pattern) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.extend(e.problems().into_iter().map(|p| format!("--event-pattern: {p}")));
            None
        }
    };
    let event = match serde_json::from_str::<Value>(event) {
        Ok(Value::Object(m)) => {
            let missing: Vec<&str> = REQUIRED_EVENT_FIELDS.iter().copied().filter(|f| !m.contains_key(*f)).collect();
            if !missing.is_empty() {
                problems.push(format!(
                    "--event: the event lacks {} (TestEventPattern needs {})",
                    missing.join(", "),
                    REQUIRED_EVENT_FIELDS.join(", ")
                ));
            }
            Some(Value::Object(m))
        }
        Ok(other) => {
            problems.push(format!("--event: an event is a JSON object, not {}", framework::json_kind(&other)));
            None
        }
        Err(e) => {
            problems.push(format!("--event: not valid JSON: {e}"));
            None
        }
    };
    match (pattern, event) {
        (Some(p), Some(e)) if problems.is_empty() => Ok(p.matches(&e)),
        _ => Err(problems),
    }
}

/// The text of an argument: itself, or the file a `file://` prefix names.
fn argument(text: &str, flag: &str) -> Result<String, String> {
    match text.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{flag} file://{path}: {e}")),
        None => Ok(text.to_string()),
    }
}

/// Runs `test-event-pattern`.
pub fn run(args: &TestEventPatternArgs, out: &mut dyn Write) -> ExitCode {
    let texts = (argument(&args.event_pattern, "--event-pattern"), argument(&args.event, "--event"));
    let result = match texts {
        (Ok(p), Ok(e)) => test_event_pattern(&p, &e),
        (p, e) => Err([p.err(), e.err()].into_iter().flatten().collect()),
    };
    match result {
        Ok(matched) => match writeln!(out, "{}", serde_json::json!({"Result": matched})) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"id": "1", "account": "123456789012", "source": "demo.sfn", "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1", "resources": [], "detail-type": "message", "detail": {"Path": "A"}}"#;

    #[test]
    fn matches_as_test_event_pattern_does() {
        assert_eq!(test_event_pattern(r#"{"source": ["demo.sfn"]}"#, EVENT), Ok(true));
        assert_eq!(test_event_pattern(r#"{"detail": {"Path": ["B"]}}"#, EVENT), Ok(false));
    }

    #[test]
    fn every_problem_at_once() {
        let problems = test_event_pattern(r#"{"source": "demo.sfn"}"#, r#"{"source": "x"}"#).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("--event-pattern: "), "{problems:?}");
        assert!(problems[1].contains("lacks id, account, time, region, resources, detail-type"), "{problems:?}");
        assert_eq!(
            argument("file:///nope", "--event").unwrap_err(),
            "--event file:///nope: No such file or directory (os error 2)"
        );
    }
}

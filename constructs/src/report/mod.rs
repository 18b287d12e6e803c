//! What events did: one row per execution an event started (or per entry that was not sent or
//! started nothing), rendered as text for people or as JSON for tests and scripts. `send-events`
//! (the deployed system) and `simulate` (the local simulation) report with this same code, so
//! their outputs compare line for line.

pub mod closest;

use std::collections::BTreeMap;
use std::time::Duration;

/// `status` of an entry that EventBridge refused (`error`/`cause` = its error code/message).
pub const NOT_SENT: &str = "NOT_SENT";
/// `status` of an event that started no execution in the watched state machines in time.
pub const NOT_STARTED: &str = "NOT_STARTED";

/// One row of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    /// The event file, as given.
    pub file: String,
    /// The entry's position in the file, from 1.
    pub entry: usize,
    /// The `EventId` EventBridge gave the event.
    pub event_id: Option<String>,
    /// The execution the event started.
    pub execution_arn: Option<String>,
    /// Its state machine.
    pub state_machine_arn: Option<String>,
    /// The states it entered, in order.
    pub path: Vec<String>,
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, `RUNNING` (had not ended at the timeout),
    /// [`NOT_SENT`] or [`NOT_STARTED`].
    pub status: String,
    /// The execution's error (or the entry's PutEvents error code).
    pub error: Option<String>,
    /// The execution's cause (or the entry's PutEvents error message).
    pub cause: Option<String>,
    /// How long the execution ran, in milliseconds.
    pub duration_ms: Option<i64>,
    /// Why an event may have started nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The rule (logical id) whose target started the execution, when known (the simulation
    /// knows; the deployed system does not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// That target's `Id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl Row {
    /// Whether the row is a problem of the trial (not sent, started nothing, did not end in
    /// time) rather than an outcome of the system (a FAILED execution is an outcome).
    pub fn is_problem(&self) -> bool {
        matches!(self.status.as_str(), NOT_SENT | NOT_STARTED | "RUNNING" | "PENDING_REDRIVE")
    }
}

/// What the events did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrialReport {
    /// Rows in file order, then entry order, then execution ARN.
    pub rows: Vec<Row>,
    /// How long the trial waited at most.
    pub timeout: Duration,
    /// From the first PutEvents call until the last execution was seen ended (when all ended).
    pub finished_after: Option<Duration>,
    /// Events that may have been delivered twice: a PutEvents call carrying them failed in
    /// transit and was retried (`send-events`' trial).
    pub possible_duplicates: usize,
    /// `send-events --check-simulation` found a difference between the simulated and the real
    /// outcome of an event.
    pub simulation_differs: bool,
}

impl TrialReport {
    /// Exit status 0: every entry was sent, and every event started an execution that ended.
    pub fn ok(&self) -> bool {
        !self.simulation_differs && !self.rows.iter().any(Row::is_problem)
    }

    /// The rows as a JSON array (pretty-printed).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.rows).unwrap_or_else(|_| "[]".into())
    }

    /// The report for people.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut last: Option<(&str, usize)> = None;
        for r in &self.rows {
            if last != Some((&r.file, r.entry)) {
                out.push_str(&format!("{} entry {}", r.file, r.entry));
                if let Some(id) = &r.event_id {
                    out.push_str(&format!(": event {id}"));
                }
                out.push('\n');
                last = Some((&r.file, r.entry));
            }
            match r.status.as_str() {
                NOT_SENT => out.push_str(&format!(
                    "  not sent: {}: {}\n",
                    r.error.as_deref().unwrap_or("error"),
                    r.cause.as_deref().unwrap_or("")
                )),
                NOT_STARTED => {
                    if self.timeout.is_zero() {
                        out.push_str("  started no execution\n"); // a simulation waits for nothing
                    } else {
                        out.push_str(&format!("  started no execution within {} s\n", self.timeout.as_secs()));
                    }
                    if let Some(h) = &r.hint {
                        out.push_str(&format!("  hint: {h}\n"));
                    }
                }
                status => {
                    out.push_str(&format!(
                        "  {status}  {}",
                        if r.path.is_empty() { "(no state entered)".into() } else { r.path.join(" -> ") }
                    ));
                    if let Some(ms) = r.duration_ms {
                        out.push_str(&format!("  ({:.2} s)", ms as f64 / 1000.0));
                    }
                    if r.is_problem() {
                        out.push_str(&format!("  still running after {} s", self.timeout.as_secs()));
                    }
                    match (&r.error, &r.cause) {
                        (None, None) => {}
                        (e, c) => {
                            let parts: Vec<String> =
                                [e.as_ref().map(|e| format!("error {e}")), c.as_ref().map(|c| format!("cause {c}"))]
                                    .into_iter()
                                    .flatten()
                                    .collect();
                            out.push_str(&format!(": {}", parts.join(", ")));
                        }
                    }
                    out.push('\n');
                    if let Some(arn) = &r.execution_arn {
                        out.push_str(&format!("  execution {arn}\n"));
                    }
                    if let (Some(rule), Some(target)) = (&r.rule, &r.target) {
                        out.push_str(&format!("  started by rule {rule}, target {target}\n"));
                    }
                }
            }
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// One line: what was sent, what ran, how it ended and how long it took; how many events
    /// may have been sent twice, if any.
    pub fn summary(&self) -> String {
        let mut entries: Vec<(&str, usize)> = self.rows.iter().map(|r| (r.file.as_str(), r.entry)).collect();
        entries.dedup();
        let not_sent = self.rows.iter().filter(|r| r.status == NOT_SENT).count();
        let not_started = self.rows.iter().filter(|r| r.status == NOT_STARTED).count();
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for r in self.rows.iter().filter(|r| r.execution_arn.is_some()) {
            *by_status.entry(r.status.as_str()).or_default() += 1;
        }
        let executions: usize = by_status.values().sum();
        let mut s = format!("{} event(s) sent", entries.len() - not_sent);
        if not_sent > 0 {
            s.push_str(&format!(", {not_sent} refused"));
        }
        s.push_str(&format!(", {executions} execution(s)"));
        if !by_status.is_empty() {
            let parts: Vec<String> = by_status.iter().map(|(k, v)| format!("{v} {k}")).collect();
            s.push_str(&format!(": {}", parts.join(", ")));
        }
        if not_started > 0 {
            s.push_str(&format!("; {not_started} event(s) started nothing"));
        }
        if let Some(d) = self.finished_after {
            s.push_str(&format!("; all ended {:.2} s after sending", d.as_secs_f64()));
        }
        if self.possible_duplicates > 0 {
            s.push_str(&format!(
                "; {} event(s) may have been sent twice (a PutEvents call failed in transit and was retried)",
                self.possible_duplicates
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn execution(file: &str, id: &str, path: &[&str], status: &str) -> Row {
        Row {
            file: file.into(),
            entry: 1,
            event_id: Some(id.into()),
            execution_arn: Some(format!("arn:aws:states:us-east-1:000000000000:execution:SM:{id}")),
            state_machine_arn: Some("arn:aws:states:us-east-1:000000000000:stateMachine:SM".into()),
            path: path.iter().map(|s| s.to_string()).collect(),
            status: status.into(),
            duration_ms: Some(120),
            ..Row::default()
        }
    }

    fn report() -> TrialReport {
        let mut failed = execution("path-c.json", "ev-c", &["WhichPath?", "Fail"], "FAILED");
        failed.error = Some("NoPath".into());
        failed.cause = Some("Path was C".into());
        TrialReport {
            rows: vec![
                execution("path-a.json", "ev-a", &["WhichPath?", "PathA"], "SUCCEEDED"),
                execution("path-b.json", "ev-b", &["WhichPath?", "PathB"], "SUCCEEDED"),
                failed,
            ],
            timeout: Duration::from_secs(30),
            finished_after: Some(Duration::from_millis(420)),
            possible_duplicates: 0,
            simulation_differs: false,
        }
    }

    #[test]
    fn outcomes_render_per_file_and_entry() {
        let expected = "\
path-a.json entry 1: event ev-a
  SUCCEEDED  WhichPath? -> PathA  (0.12 s)
  execution arn:aws:states:us-east-1:000000000000:execution:SM:ev-a
path-b.json entry 1: event ev-b
  SUCCEEDED  WhichPath? -> PathB  (0.12 s)
  execution arn:aws:states:us-east-1:000000000000:execution:SM:ev-b
path-c.json entry 1: event ev-c
  FAILED  WhichPath? -> Fail  (0.12 s): error NoPath, cause Path was C
  execution arn:aws:states:us-east-1:000000000000:execution:SM:ev-c
3 event(s) sent, 3 execution(s): 1 FAILED, 2 SUCCEEDED; all ended 0.42 s after sending
";
        assert_eq!(report().render(), expected);
        assert!(report().ok(), "a FAILED execution is an outcome, not a problem");
    }

    #[test]
    fn problems_render_and_fail_the_trial() {
        let mut r = report();
        r.finished_after = None;
        r.rows.push(Row {
            file: "bad.json".into(),
            entry: 2,
            status: NOT_SENT.into(),
            error: Some("InvalidArgument".into()),
            cause: Some("Parameter Detail is not valid.".into()),
            ..Row::default()
        });
        r.rows.push(Row {
            file: "other.json".into(),
            entry: 1,
            event_id: Some("ev-x".into()),
            status: NOT_STARTED.into(),
            hint: Some("rule R does not match the event".into()),
            ..Row::default()
        });
        let mut running = execution("slow.json", "ev-s", &["Wait"], "RUNNING");
        running.duration_ms = None;
        r.rows.push(running);
        let text = r.render();
        assert!(
            text.contains("bad.json entry 2\n  not sent: InvalidArgument: Parameter Detail is not valid.\n"),
            "{text}"
        );
        assert!(text.contains("other.json entry 1: event ev-x\n  started no execution within 30 s\n  hint: rule R does not match the event\n"), "{text}");
        assert!(text.contains("slow.json entry 1: event ev-s\n  RUNNING  Wait  still running after 30 s\n"), "{text}");
        assert!(text.ends_with("5 event(s) sent, 1 refused, 4 execution(s): 1 FAILED, 1 RUNNING, 2 SUCCEEDED; 1 event(s) started nothing\n"), "{text}");
        assert!(!r.ok());
        for i in 3..6 {
            let mut one = report();
            one.rows.push(r.rows[i].clone());
            assert!(!one.ok(), "{:?}", r.rows[i].status);
        }
    }

    #[test]
    fn possible_duplicates_are_told() {
        let mut r = report();
        r.possible_duplicates = 2;
        let text = r.render();
        assert!(
            text.ends_with(
                "all ended 0.42 s after sending; 2 event(s) may have been sent twice \
                 (a PutEvents call failed in transit and was retried)\n"
            ),
            "{text}"
        );
        assert!(r.ok(), "a possible duplicate is not a problem of the trial");
        assert!(!report().summary().contains("twice"));
    }

    #[test]
    fn json_rows_have_the_documented_fields() {
        let json: serde_json::Value = serde_json::from_str(&report().to_json()).unwrap();
        let rows = json.as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[2],
            serde_json::json!({
                "file": "path-c.json", "entry": 1, "event_id": "ev-c",
                "execution_arn": "arn:aws:states:us-east-1:000000000000:execution:SM:ev-c",
                "state_machine_arn": "arn:aws:states:us-east-1:000000000000:stateMachine:SM",
                "path": ["WhichPath?", "Fail"], "status": "FAILED", "error": "NoPath", "cause": "Path was C",
                "duration_ms": 120
            })
        );
        assert!(rows[0]["error"].is_null() && rows[0].get("hint").is_none());
    }
}

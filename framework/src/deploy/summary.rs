//! The end of a run over several stacks: one line per stack (what happened to it, or why it
//! failed or never started), and the run's result, which names every failure at once.

use std::time::Duration;

use crate::deploy::error::DeployError;
use crate::deploy::schedule::Slot;
use crate::StackArtifact;

/// The report's lines: a head with the counts, then one line per stack in the given order.
/// `done` says what happened to a stack that succeeded.
pub(crate) fn summary<T>(
    stacks: &[&StackArtifact],
    slots: &[Slot<T, DeployError>],
    waits_for: &[Vec<usize>],
    elapsed: Duration,
    done: impl Fn(&T) -> String,
) -> Vec<String> {
    let count = |f: fn(&Slot<T, DeployError>) -> bool| slots.iter().filter(|s| f(s)).count();
    let succeeded = count(|s| matches!(s, Slot::Done(_)));
    let failed = count(|s| matches!(s, Slot::Failed(_)));
    let not_started = count(|s| matches!(s, Slot::NotStarted));
    let mut head = format!("Summary: {} stacks in {:.1}s: {succeeded} succeeded", stacks.len(), elapsed.as_secs_f64());
    if failed > 0 {
        head.push_str(&format!(", {failed} failed"));
    }
    if not_started > 0 {
        head.push_str(&format!(", {not_started} not started"));
    }
    let mut lines = vec![head];
    for (i, (stack, slot)) in stacks.iter().zip(slots).enumerate() {
        let what = match slot {
            Slot::Done(t) => done(t),
            Slot::Failed(e) => {
                let message = e.to_string();
                // A root cause comes first, the stack's own line last: that one, when it names
                // the stack; else the whole error on one line.
                let last = message.lines().last().unwrap_or_default();
                if last.contains(stack.stack_name.as_str()) {
                    format!("failed: {last}")
                } else {
                    format!("failed: {}", message.lines().collect::<Vec<_>>().join("; "))
                }
            }
            Slot::NotStarted => {
                let blocked: Vec<&str> = waits_for
                    .get(i)
                    .into_iter()
                    .flatten()
                    .filter(|&&d| !matches!(slots.get(d), Some(Slot::Done(_))))
                    .map(|&d| stacks[d].stack_name.as_str())
                    .collect();
                if blocked.is_empty() {
                    "not started (a stack failed before it could start)".to_string()
                } else {
                    format!("not started (it waits for {}, which did not succeed)", blocked.join(", "))
                }
            }
        };
        lines.push(format!("  {}: {what}", stack.stack_name));
    }
    lines
}

/// Every success in order, or the failure (one) or failures (several, [`DeployError::Several`]).
pub(crate) fn outcome<T>(stacks: &[&StackArtifact], slots: Vec<Slot<T, DeployError>>) -> Result<Vec<T>, DeployError> {
    let mut done = Vec::new();
    let mut failures = Vec::new();
    let mut stranded = Vec::new();
    for (stack, slot) in stacks.iter().zip(slots) {
        match slot {
            Slot::Done(t) => done.push(t),
            Slot::Failed(e) => failures.push(e),
            Slot::NotStarted => stranded.push(stack.stack_name.as_str()),
        }
    }
    if failures.is_empty() && !stranded.is_empty() {
        // Only a dependency cycle does this, and assemblies refuse cycles.
        failures.push(DeployError::Config(format!(
            "stacks {} were not started: they wait for each other",
            stranded.join(", ")
        )));
    }
    match failures.len() {
        0 => Ok(done),
        1 => Err(failures.remove(0)),
        _ => Err(DeployError::Several(failures)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stacks() -> crate::CloudAssembly {
        let mut app = crate::App::new();
        for id in ["Net", "Db", "Web", "Other"] {
            crate::CfnResource::new("AWS::SNS::Topic").add(app.add_stack(id), "Topic");
        }
        app.add_stack_dependency("Db", "Net");
        app.add_stack_dependency("Web", "Db");
        app.synth().unwrap()
    }

    #[test]
    fn every_stack_has_a_line_and_every_failure_is_in_the_error() {
        let assembly = stacks();
        let order = assembly.stacks_in_dependency_order();
        let names: Vec<&str> = order.iter().map(|s| s.stack_name.as_str()).collect();
        assert_eq!(names, ["Net", "Db", "Web", "Other"]);
        let waits = crate::deploy::schedule::waits_for(&order, crate::deploy::schedule::Direction::Dependencies);
        assert_eq!(waits, [vec![], vec![0], vec![1], vec![]]);
        let slots = vec![
            Slot::Done("created"),
            Slot::Failed(DeployError::Config("root cause\nstack Db failed: ROLLBACK_COMPLETE".into())),
            Slot::NotStarted,
            Slot::Failed(DeployError::Config("stack Other failed: ROLLBACK_COMPLETE".into())),
        ];
        let lines = summary(&order, &slots, &waits, Duration::from_millis(1500), |t| t.to_string());
        assert_eq!(
            lines,
            [
                "Summary: 4 stacks in 1.5s: 1 succeeded, 2 failed, 1 not started",
                "  Net: created",
                "  Db: failed: stack Db failed: ROLLBACK_COMPLETE",
                "  Web: not started (it waits for Db, which did not succeed)",
                "  Other: failed: stack Other failed: ROLLBACK_COMPLETE",
            ]
        );
        let err = outcome(&order, slots).unwrap_err().to_string();
        assert_eq!(
            err,
            "2 stacks failed:\n  - root cause\n    stack Db failed: ROLLBACK_COMPLETE\n  - stack Other failed: ROLLBACK_COMPLETE"
        );
        let reverse = crate::deploy::schedule::waits_for(&order, crate::deploy::schedule::Direction::Dependents);
        assert_eq!(reverse, [vec![1], vec![2], vec![], vec![]], "destroy: a stack waits for its dependents");
    }

    #[test]
    fn one_failure_is_the_error_itself() {
        let assembly = stacks();
        let order = assembly.stacks_in_dependency_order();
        let slots: Vec<Slot<(), DeployError>> =
            vec![Slot::Done(()), Slot::Failed(DeployError::Config("x".into())), Slot::NotStarted, Slot::NotStarted];
        assert!(matches!(outcome(&order, slots), Err(DeployError::Config(m)) if m == "x"));
        let ok: Vec<Slot<u8, DeployError>> = vec![Slot::Done(1), Slot::Done(2), Slot::Done(3), Slot::Done(4)];
        assert_eq!(outcome(&order, ok).unwrap(), [1, 2, 3, 4]);
    }
}

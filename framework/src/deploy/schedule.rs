//! The order stacks run in, for `deploy` and `destroy` with `--concurrency N`.
//!
//! A stack starts once every stack it waits for is done (for a deployment, its dependencies; for
//! a destroy, its dependents), at most N at a time, the earliest in the given order first among
//! those ready. A failure stops new stacks from starting, while the running ones go on to their
//! end: a CloudFormation operation already executing cannot be taken back, and abandoning its
//! follow-up would hide how it ended. Every stack then has an outcome: done, failed, or not
//! started.
//!
//! Everything runs on the caller's task, polled together, rather than spawned: the work is
//! waiting on the network, the futures may borrow the run's state (the stacks, the targets, the
//! options), and a Ctrl-C stops them all at once through the checkpoint.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use crate::StackArtifact;

/// A stack's job: deploying or deleting it.
pub(crate) type Job<'a, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + 'a>>;

/// How one stack's job ended.
#[derive(Debug)]
pub(crate) enum Slot<T, E> {
    /// It succeeded.
    Done(T),
    /// It failed.
    Failed(E),
    /// It never started: a stack failed first (or one it waits for did not succeed).
    NotStarted,
}

impl<T, E> Slot<T, E> {
    fn is_done(&self) -> bool {
        matches!(self, Slot::Done(_))
    }
}

/// Runs `start(i)` for every stack `i` once all of `waits_for[i]` are done, at most
/// `concurrency` (at least 1) at a time; after the first failure, none is started. Returns each
/// stack's outcome, by index.
pub(crate) async fn run<'a, T, E>(
    waits_for: &[Vec<usize>],
    concurrency: usize,
    mut start: impl FnMut(usize) -> Job<'a, T, E>,
) -> Vec<Slot<T, E>> {
    let n = waits_for.len();
    let lanes = concurrency.max(1);
    let mut slots: Vec<Option<Slot<T, E>>> = (0..n).map(|_| None).collect();
    let mut started = vec![false; n];
    let mut running: Vec<(usize, Job<'a, T, E>)> = Vec::new();
    let mut failed = false;
    loop {
        if !failed {
            for i in 0..n {
                if running.len() >= lanes {
                    break;
                }
                let ready =
                    waits_for[i].iter().all(|&d| slots.get(d).is_some_and(|s| s.as_ref().is_some_and(Slot::is_done)));
                if !started[i] && ready {
                    started[i] = true;
                    running.push((i, start(i)));
                }
            }
        }
        if running.is_empty() {
            break;
        }
        // The first job to end (all are polled on every wake: there are at most `lanes`).
        let (k, result) = std::future::poll_fn(|cx| {
            for (k, (_, job)) in running.iter_mut().enumerate() {
                if let Poll::Ready(result) = job.as_mut().poll(cx) {
                    return Poll::Ready((k, result));
                }
            }
            Poll::Pending
        })
        .await;
        let (i, _) = running.remove(k);
        slots[i] = Some(match result {
            Ok(t) => Slot::Done(t),
            Err(e) => {
                failed = true;
                Slot::Failed(e)
            }
        });
    }
    slots.into_iter().map(|s| s.unwrap_or(Slot::NotStarted)).collect()
}

/// Which way stacks wait for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// A stack waits for its dependencies (deploy).
    Dependencies,
    /// A stack waits for the stacks that depend on it (destroy).
    Dependents,
}

/// For each of `stacks`, the indices of the stacks among them it waits for. Dependencies on
/// stacks outside the selection (`--exclusively`) are not waited for.
pub(crate) fn waits_for(stacks: &[&StackArtifact], direction: Direction) -> Vec<Vec<usize>> {
    let index: BTreeMap<&str, usize> = stacks.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut waits = vec![Vec::new(); stacks.len()];
    for (i, s) in stacks.iter().enumerate() {
        for d in s.dependencies.iter().filter_map(|d| index.get(d.as_str())) {
            match direction {
                Direction::Dependencies => waits[i].push(*d),
                Direction::Dependents => waits[*d].push(i),
            }
        }
    }
    waits
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::time::Duration;

    fn block_on<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap().block_on(f)
    }

    /// Jobs that take `millis[i]` of (paused, virtual) time and fail when `fails[i]`; the log
    /// records starts and ends in order.
    fn simulate(
        waits_for: &[Vec<usize>],
        lanes: usize,
        millis: &[u64],
        fails: &[usize],
    ) -> (Vec<String>, Vec<&'static str>) {
        let log = RefCell::new(Vec::new());
        let slots = block_on(run(waits_for, lanes, |i| {
            let log = &log;
            let ms = millis[i];
            let fail = fails.contains(&i);
            Box::pin(async move {
                log.borrow_mut().push(format!("start {i}"));
                tokio::time::sleep(Duration::from_millis(ms)).await;
                log.borrow_mut().push(format!("end {i}"));
                if fail {
                    Err(format!("{i} failed"))
                } else {
                    Ok(i)
                }
            })
        }));
        let kinds = slots
            .iter()
            .map(|s| match s {
                Slot::Done(_) => "done",
                Slot::Failed(_) => "failed",
                Slot::NotStarted => "not started",
            })
            .collect();
        (log.into_inner(), kinds)
    }

    #[test]
    fn one_lane_runs_in_the_given_order() {
        let (log, kinds) = simulate(&[vec![], vec![0], vec![]], 1, &[10, 10, 10], &[]);
        assert_eq!(log, ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
        assert_eq!(kinds, ["done"; 3]);
    }

    #[test]
    fn independent_stacks_run_side_by_side_and_dependents_wait() {
        // 0 and 1 are independent; 2 waits for both; 3 waits for nothing.
        let (log, kinds) = simulate(&[vec![], vec![], vec![0, 1], vec![]], 3, &[10, 30, 10, 5], &[]);
        assert_eq!(log[..3], ["start 0", "start 1", "start 3"]);
        let start_2 = log.iter().position(|l| l == "start 2").unwrap();
        let end_1 = log.iter().position(|l| l == "end 1").unwrap();
        assert!(start_2 > end_1, "2 starts after both of its dependencies: {log:?}");
        assert_eq!(kinds, ["done"; 4]);
    }

    #[test]
    fn at_most_n_run_at_once() {
        let waits = vec![vec![]; 6];
        let (log, _) = simulate(&waits, 2, &[10; 6], &[]);
        let mut running = 0usize;
        let mut peak = 0;
        for l in &log {
            running = if l.starts_with("start") { running + 1 } else { running - 1 };
            peak = peak.max(running);
        }
        assert_eq!(peak, 2, "{log:?}");
    }

    #[test]
    fn a_failure_stops_new_stacks_but_running_ones_finish() {
        // 0 fails fast while 1 runs; 2 (independent) and 3 (waits for 0) never start.
        let (log, kinds) = simulate(&[vec![], vec![], vec![], vec![0]], 2, &[5, 50, 5, 5], &[0]);
        assert_eq!(log, ["start 0", "start 1", "end 0", "end 1"]);
        assert_eq!(kinds, ["failed", "done", "not started", "not started"]);
    }

    #[test]
    fn a_wait_that_can_never_end_leaves_the_stack_not_started() {
        // A cycle (impossible from an assembly, which refuses them) must not hang.
        let (_, kinds) = simulate(&[vec![1], vec![0], vec![]], 2, &[1, 1, 1], &[]);
        assert_eq!(kinds, ["not started", "not started", "done"]);
    }
}

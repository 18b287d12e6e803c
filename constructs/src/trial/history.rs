//! An execution's history (GetExecutionHistory): its path through the states and how it ended.

use aws_sdk_sfn::types::{HistoryEvent, HistoryEventType};

use framework::deploy::retry::{with_retry, RetryPolicy};

use crate::trial::error::{api_error, TrialError};

/// The names of the states an execution entered, in the order it entered them (the
/// `*StateEntered` events by event id; states inside Parallel branches and Map iterations
/// included, as they appear).
pub fn state_path(events: &[HistoryEvent]) -> Vec<String> {
    let mut entered: Vec<(i64, &str)> =
        events.iter().filter_map(|e| e.state_entered_event_details().map(|d| (e.id(), d.name()))).collect();
    entered.sort_by_key(|(id, _)| *id);
    entered.into_iter().map(|(_, name)| name.to_string()).collect()
}

/// The error and cause that ended the execution, from its last `ExecutionFailed`,
/// `ExecutionTimedOut` or `ExecutionAborted` event.
pub fn end_error(events: &[HistoryEvent]) -> (Option<String>, Option<String>) {
    let mut last = None;
    for e in events {
        let pair = match e.r#type() {
            HistoryEventType::ExecutionFailed => e.execution_failed_event_details().map(|d| (d.error(), d.cause())),
            HistoryEventType::ExecutionTimedOut => {
                e.execution_timed_out_event_details().map(|d| (d.error(), d.cause()))
            }
            HistoryEventType::ExecutionAborted => e.execution_aborted_event_details().map(|d| (d.error(), d.cause())),
            _ => continue,
        };
        last = Some((e.id(), pair.unwrap_or((None, None))));
    }
    match last {
        Some((_, (error, cause))) => (error.map(str::to_string), cause.map(str::to_string)),
        None => (None, None),
    }
}

/// The whole history of an execution, oldest event first.
pub async fn execution_history(
    sfn: &aws_sdk_sfn::Client,
    execution_arn: &str,
) -> Result<Vec<HistoryEvent>, TrialError> {
    let policy = RetryPolicy::default();
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = with_retry(&policy, || {
            sfn.get_execution_history()
                .execution_arn(execution_arn)
                .max_results(1000)
                .set_next_token(token.clone())
                .send()
        })
        .await
        .map_err(|e| api_error("Step Functions", "GetExecutionHistory", execution_arn, &e))?;
        events.extend_from_slice(page.events());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(events);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sfn::primitives::DateTime;
    use aws_sdk_sfn::types::{ExecutionFailedEventDetails, StateEnteredEventDetails};

    fn event(id: i64, kind: HistoryEventType) -> aws_sdk_sfn::types::builders::HistoryEventBuilder {
        HistoryEvent::builder().id(id).r#type(kind).timestamp(DateTime::from_secs(id))
    }

    fn entered(id: i64, kind: HistoryEventType, name: &str) -> HistoryEvent {
        event(id, kind)
            .state_entered_event_details(StateEnteredEventDetails::builder().name(name).build().unwrap())
            .build()
            .unwrap()
    }

    /// The history LocalStack and AWS give for the flagship's path C.
    fn failed_history() -> Vec<HistoryEvent> {
        vec![
            event(1, HistoryEventType::ExecutionStarted).build().unwrap(),
            entered(2, HistoryEventType::ChoiceStateEntered, "WhichPath?"),
            event(3, HistoryEventType::ChoiceStateExited).build().unwrap(),
            entered(4, HistoryEventType::FailStateEntered, "Fail"),
            event(5, HistoryEventType::ExecutionFailed)
                .execution_failed_event_details(
                    ExecutionFailedEventDetails::builder().error("NoPath").cause("Path was C").build(),
                )
                .build()
                .unwrap(),
        ]
    }

    #[test]
    fn the_path_is_the_entered_states_in_event_order() {
        assert_eq!(state_path(&failed_history()), ["WhichPath?", "Fail"]);
        let mut shuffled = failed_history();
        shuffled.reverse();
        assert_eq!(state_path(&shuffled), ["WhichPath?", "Fail"], "ordered by event id, not by position");
        let passes = vec![
            event(1, HistoryEventType::ExecutionStarted).build().unwrap(),
            entered(2, HistoryEventType::ChoiceStateEntered, "WhichPath?"),
            entered(4, HistoryEventType::PassStateEntered, "PathA"),
            entered(6, HistoryEventType::TaskStateEntered, "Notify"),
            event(8, HistoryEventType::ExecutionSucceeded).build().unwrap(),
        ];
        assert_eq!(state_path(&passes), ["WhichPath?", "PathA", "Notify"]);
        assert!(state_path(&[]).is_empty());
    }

    #[test]
    fn the_end_error_comes_from_the_terminal_event() {
        assert_eq!(end_error(&failed_history()), (Some("NoPath".into()), Some("Path was C".into())));
        let no_details = vec![event(1, HistoryEventType::ExecutionFailed).build().unwrap()];
        assert_eq!(end_error(&no_details), (None, None), "a Fail state without Error/Cause");
        let timed_out = vec![event(9, HistoryEventType::ExecutionTimedOut)
            .execution_timed_out_event_details(
                aws_sdk_sfn::types::ExecutionTimedOutEventDetails::builder().error("States.Timeout").build(),
            )
            .build()
            .unwrap()];
        assert_eq!(end_error(&timed_out), (Some("States.Timeout".into()), None));
        let succeeded = vec![event(1, HistoryEventType::ExecutionSucceeded).build().unwrap()];
        assert_eq!(end_error(&succeeded), (None, None));
    }
}

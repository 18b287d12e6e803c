//! Sending entries with EventBridge PutEvents: in requests of at most 10 entries and 256 KiB,
//! each call retried only as far as a retry cannot deliver an event twice unnoticed.
//!
//! A failed call is retried (with capped backoff, see [`framework::deploy::retry`]) when:
//!
//! - EventBridge throttled it, or the request never left: no connection could be made (connection
//!   refused, DNS, TLS handshake, connect timeout). No entry was accepted, so a retry is safe;
//! - it failed in transit: a timeout, the connection dropped mid-request, a 5xx answer. The
//!   request may have reached EventBridge and its entries been accepted, so the retry may deliver
//!   them twice (each copy is an event with its own id; only the id of the last call is
//!   followed). The entries it then delivers are counted in [`Delivery::possible_duplicates`], and
//!   the report says so; an entry refused in the end says that it may have been delivered, and a
//!   call that keeps failing says how many of its events may have been.
//!
//! Other failures (validation, access denied, a request that cannot be built) are not retried.
//! Entries that EventBridge reports as throttled or failed internally (`FailedEntryCount`) were not
//! accepted: they are sent again with backoff; other refused entries are reported with their
//! error code and message.

use std::future::Future;

use aws_sdk_eventbridge::config::http::HttpResponse;
use aws_sdk_eventbridge::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_eventbridge::primitives::{DateTime, DateTimeFormat};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use framework::deploy::retry::{classify_parts, ErrorClass, FailureKind, RetryPolicy};

use crate::events::envelope::{EventEntry, MAX_ENTRY_BYTES};
use crate::trial::error::{api_error, TrialError};

/// At most this many entries go in one PutEvents request.
pub const MAX_ENTRIES_PER_CALL: usize = 10;

/// What EventBridge said about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Accepted, with the id of the event it became.
    Accepted {
        /// The `EventId`.
        event_id: String,
    },
    /// Refused.
    Refused {
        /// The `ErrorCode`.
        code: String,
        /// The `ErrorMessage`.
        message: String,
    },
}

/// What became of the entries given to [`put_events`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// One result per entry, in order.
    pub sent: Vec<Sent>,
    /// Accepted entries that a call which failed in transit had carried before: each may have
    /// been delivered twice.
    pub possible_duplicates: usize,
}

/// What a failed PutEvents call means for the entries it carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFailure {
    /// None of them was accepted (throttled, or the request never left): retry, waiting as for
    /// the class given.
    NotDelivered(ErrorClass),
    /// The request may have reached EventBridge (timeout, connection dropped mid-request, 5xx):
    /// retry, knowing that the retry may deliver them twice.
    InTransit,
    /// Retrying would fail the same way.
    Permanent,
}

/// Classifies a failed call from its kind, error code and HTTP status (as
/// [`classify_parts`]) and whether the request provably never left (`before_sending`: no
/// connection could be made).
pub fn classify_call(kind: FailureKind, code: Option<&str>, status: Option<u16>, before_sending: bool) -> CallFailure {
    match classify_parts(kind, code, status) {
        ErrorClass::Permanent => CallFailure::Permanent,
        // EventBridge refused the whole request before taking any entry.
        ErrorClass::Throttling => CallFailure::NotDelivered(ErrorClass::Throttling),
        ErrorClass::Transient => match kind {
            FailureKind::Dispatch { .. } if before_sending => CallFailure::NotDelivered(ErrorClass::Transient),
            _ => CallFailure::InTransit,
        },
    }
}

/// Whether an error chain says the connection could not be made, so that no byte of the request
/// was sent: the HTTP client's connect error (DNS, TCP connect, TLS handshake, connect timeout),
/// a refused connection, or a failed DNS lookup.
pub fn failed_before_sending(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        let refused =
            e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        // hyper-util's `Error` of kind `Connect`, and aws-smithy's `ResolveDnsError`: neither
        // crate is a dependency of this one, so they are recognized by their text.
        let text = e.to_string();
        if refused || text == "client error (Connect)" || text == "failed to perform DNS lookup" {
            return true;
        }
        next = e.source();
    }
    false
}

/// Classifies an SDK error of a PutEvents call (see [`classify_call`]).
pub fn classify_error<E>(err: &SdkError<E, HttpResponse>) -> CallFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ConstructionFailure(_) => classify_call(FailureKind::Construction, None, None, true),
        SdkError::TimeoutError(_) => classify_call(FailureKind::Timeout, None, None, false),
        SdkError::DispatchFailure(d) => {
            let before = d.as_connector_error().is_some_and(|c| failed_before_sending(c));
            classify_call(FailureKind::Dispatch { user: d.is_user() }, None, None, before)
        }
        SdkError::ResponseError(_) => classify_call(FailureKind::Response, None, None, false),
        SdkError::ServiceError(s) => {
            classify_call(FailureKind::Service, s.err().code(), Some(s.raw().status().as_u16()), false)
        }
        _ => CallFailure::Permanent,
    }
}

/// Runs `call` until it succeeds, fails permanently or runs out of attempts; also says whether
/// an attempt failed in transit (then what the call carried may have been delivered already).
async fn call_with_retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    mut call: F,
) -> (Result<T, SdkError<E, HttpResponse>>, bool)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
{
    let mut in_transit = false;
    let mut attempt = 1;
    loop {
        let e = match call().await {
            Ok(v) => return (Ok(v), in_transit),
            Err(e) => e,
        };
        let class = match classify_error(&e) {
            CallFailure::Permanent => return (Err(e), in_transit),
            CallFailure::NotDelivered(class) => class,
            CallFailure::InTransit => {
                in_transit = true;
                ErrorClass::Transient
            }
        };
        if attempt >= policy.max_attempts {
            return (Err(e), in_transit);
        }
        tokio::time::sleep(policy.delay(class, attempt, 1.0)).await;
        attempt += 1;
    }
}

/// Entry error codes worth sending again.
const RETRYABLE_ENTRY_CODES: &[&str] =
    &["ThrottlingException", "InternalFailure", "InternalException", "ServiceUnavailable"];

/// Groups entry indexes into requests: at most [`MAX_ENTRIES_PER_CALL`] entries and
/// [`MAX_ENTRY_BYTES`] bytes each, in order.
pub fn batches(entries: &[&EventEntry]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut size = 0;
    for (i, e) in entries.iter().enumerate() {
        let fits = out.last().is_some_and(|b| b.len() < MAX_ENTRIES_PER_CALL && size + e.size() <= MAX_ENTRY_BYTES);
        if !fits {
            out.push(Vec::new());
            size = 0;
        }
        size += e.size();
        if let Some(b) = out.last_mut() {
            b.push(i);
        }
    }
    out
}

fn sdk_entry(e: &EventEntry) -> PutEventsRequestEntry {
    PutEventsRequestEntry::builder()
        .source(&e.source)
        .detail_type(&e.detail_type)
        .detail(&e.detail)
        .set_resources(if e.resources.is_empty() { None } else { Some(e.resources.clone()) })
        .set_time(e.time.as_deref().and_then(|t| DateTime::from_str(t, DateTimeFormat::DateTime).ok()))
        .set_event_bus_name(e.event_bus_name.clone())
        .set_trace_header(e.trace_header.clone())
        .build()
}

/// Sends the entries and says what became of each, in order (see the module docs).
pub async fn put_events(client: &aws_sdk_eventbridge::Client, entries: &[&EventEntry]) -> Result<Delivery, TrialError> {
    put_events_with(client, entries, &RetryPolicy::default()).await
}

async fn put_events_with(
    client: &aws_sdk_eventbridge::Client,
    entries: &[&EventEntry],
    policy: &RetryPolicy,
) -> Result<Delivery, TrialError> {
    let mut results: Vec<Option<Sent>> = vec![None; entries.len()];
    // Entries a call that failed in transit carried.
    let mut in_transit = vec![false; entries.len()];
    for batch in batches(entries) {
        let mut pending = batch;
        let mut attempt = 1;
        while !pending.is_empty() {
            let request: Vec<PutEventsRequestEntry> = pending.iter().map(|&i| sdk_entry(entries[i])).collect();
            let (out, failed_in_transit) =
                call_with_retry(policy, || client.put_events().set_entries(Some(request.clone())).send()).await;
            if failed_in_transit {
                for &i in &pending {
                    in_transit[i] = true;
                }
            }
            let out = out.map_err(|e| {
                let buses: Vec<&str> = pending.iter().map(|&i| entries[i].bus()).collect();
                let mut err = api_error("EventBridge", "PutEvents", &format!("event bus {}", buses.join(", ")), &e);
                let maybe = pending.iter().filter(|&&i| in_transit[i]).count();
                if let TrialError::Api { message, .. } = &mut err {
                    if maybe > 0 {
                        message.push_str(&format!(
                            " ({maybe} event(s) may have been delivered all the same: \
                             a PutEvents call failed in transit)"
                        ));
                    }
                }
                err
            })?;
            let mut again = Vec::new();
            for (n, &i) in pending.iter().enumerate() {
                let Some(r) = out.entries().get(n) else {
                    results[i] = Some(Sent::Refused {
                        code: "NoResult".into(),
                        message: "PutEvents returned no result for this entry".into(),
                    });
                    continue;
                };
                match (r.event_id(), r.error_code()) {
                    (Some(id), None) => results[i] = Some(Sent::Accepted { event_id: id.to_string() }),
                    (_, code) => {
                        let code = code.unwrap_or("Unknown").to_string();
                        if RETRYABLE_ENTRY_CODES.contains(&code.as_str()) && attempt < policy.max_attempts {
                            again.push(i);
                        }
                        results[i] =
                            Some(Sent::Refused { code, message: r.error_message().unwrap_or_default().to_string() });
                    }
                }
            }
            if !again.is_empty() {
                tokio::time::sleep(policy.delay(ErrorClass::Throttling, attempt, 1.0)).await;
            }
            pending = again;
            attempt += 1;
        }
    }
    let sent: Vec<Sent> = results
        .into_iter()
        .zip(&in_transit)
        .map(|(r, &maybe)| match r {
            Some(Sent::Refused { code, mut message }) if maybe => {
                message
                    .push_str(" (an earlier PutEvents call carrying it failed in transit: it may have been delivered)");
                Sent::Refused { code, message }
            }
            Some(r) => r,
            None => Sent::Refused { code: "NotSent".into(), message: "the entry was not sent".into() },
        })
        .collect();
    let possible_duplicates =
        sent.iter().zip(&in_transit).filter(|(s, &maybe)| maybe && matches!(s, Sent::Accepted { .. })).count();
    Ok(Delivery { sent, possible_duplicates })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(detail_len: usize) -> EventEntry {
        EventEntry {
            source: "s".into(),
            detail_type: "t".into(),
            detail: "x".repeat(detail_len),
            resources: vec![],
            time: None,
            event_bus_name: None,
            trace_header: None,
        }
    }

    #[test]
    fn requests_hold_at_most_ten_entries_and_256_kib() {
        let small: Vec<EventEntry> = (0..23).map(|_| entry(10)).collect();
        let refs: Vec<&EventEntry> = small.iter().collect();
        let b = batches(&refs);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 3]);
        assert_eq!(b.concat(), (0..23).collect::<Vec<_>>(), "in order, each once");

        let big: Vec<EventEntry> = (0..3).map(|_| entry(100 * 1024)).collect();
        let refs: Vec<&EventEntry> = big.iter().collect();
        assert_eq!(batches(&refs), [vec![0, 1], vec![2]]);
        assert!(batches(&[]).is_empty());
    }

    /// How the fake EventBridge answers one request.
    #[derive(Clone, Copy)]
    enum Reply {
        /// 200 with this PutEvents response.
        Ok(&'static str),
        /// This status and JSON error body.
        Error(u16, &'static str),
        /// Reads the request, then closes the connection without answering.
        Drop,
    }

    /// The shared scripted fake (`framework::testing`) as EventBridge: JSON answers (the 429, 400
    /// and 5xx statuses as given), the request bodies parsed back.
    fn fake_eventbridge(replies: Vec<Reply>) -> (String, impl FnOnce() -> Vec<serde_json::Value>) {
        use framework::testing::{FakeApi, Reply as Scripted};
        let scripted = replies
            .into_iter()
            .map(|r| match r {
                Reply::Ok(body) => Scripted::Answer(200, body.to_string()),
                Reply::Error(status, body) => Scripted::Answer(status, body.to_string()),
                Reply::Drop => Scripted::Drop,
            })
            .collect();
        let fake = FakeApi::start("application/x-amz-json-1.1", scripted);
        let endpoint = fake.endpoint.clone();
        (endpoint, move || fake.bodies().iter().map(|b| serde_json::from_str(b).expect("a JSON request")).collect())
    }

    // The struct update keeps this compiling when the policy gains a field.
    #[allow(clippy::needless_update)]
    fn quick() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            transient_base: std::time::Duration::from_millis(1),
            throttling_base: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(2),
            ..RetryPolicy::default()
        }
    }

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    fn client(endpoint: String) -> aws_sdk_eventbridge::Client {
        run(async {
            let conn =
                framework::deploy::Connection { local: true, endpoint_url: Some(endpoint), ..Default::default() };
            let config = framework::deploy::load(&conn).await.unwrap();
            aws_sdk_eventbridge::Client::new(&config.sdk_config)
        })
    }

    /// Sends entries with sources `s0`, `s1`... to a fake EventBridge: the delivery and the
    /// sources of each request it got.
    fn send(replies: Vec<Reply>, n: usize) -> (Result<Delivery, TrialError>, Vec<Vec<String>>) {
        let (endpoint, server) = fake_eventbridge(replies);
        let entries: Vec<EventEntry> = (0..n).map(|i| EventEntry { source: format!("s{i}"), ..entry(2) }).collect();
        let refs: Vec<&EventEntry> = entries.iter().collect();
        let eb = client(endpoint);
        let delivery = run(put_events_with(&eb, &refs, &quick()));
        let sources = server()
            .iter()
            .map(|b| {
                b["Entries"].as_array().unwrap().iter().map(|e| e["Source"].as_str().unwrap().to_string()).collect()
            })
            .collect();
        (delivery, sources)
    }

    fn accepted(id: &str) -> Sent {
        Sent::Accepted { event_id: id.into() }
    }

    #[test]
    fn refused_entries_are_reported_and_throttled_ones_sent_again() {
        let (delivery, sources) = send(
            vec![
                Reply::Ok(
                    r#"{"FailedEntryCount": 2, "Entries": [{"EventId": "ev-1"}, {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"},
                {"ErrorCode": "InvalidArgument", "ErrorMessage": "Parameter Detail is not valid."}]}"#,
                ),
                Reply::Ok(r#"{"FailedEntryCount": 0, "Entries": [{"EventId": "ev-2"}]}"#),
            ],
            3,
        );
        let delivery = delivery.unwrap();
        assert_eq!(
            delivery.sent,
            [
                accepted("ev-1"),
                accepted("ev-2"),
                Sent::Refused { code: "InvalidArgument".into(), message: "Parameter Detail is not valid.".into() },
            ]
        );
        assert_eq!(delivery.possible_duplicates, 0, "entries EventBridge refused were not accepted");
        assert_eq!(sources, [vec!["s0", "s1", "s2"], vec!["s1"]], "only the throttled entry again");
    }

    #[test]
    fn throttled_calls_are_retried_without_duplicates() {
        for status in [400, 429] {
            let (delivery, sources) = send(
                vec![
                    Reply::Error(status, r#"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#),
                    Reply::Ok(r#"{"FailedEntryCount": 0, "Entries": [{"EventId": "ev-1"}, {"EventId": "ev-2"}]}"#),
                ],
                2,
            );
            let delivery = delivery.unwrap();
            assert_eq!(delivery.sent, [accepted("ev-1"), accepted("ev-2")]);
            assert_eq!(delivery.possible_duplicates, 0, "{status}");
            assert_eq!(sources.len(), 2);
        }
    }

    #[test]
    fn calls_failing_in_transit_are_retried_and_counted() {
        let ok = r#"{"FailedEntryCount": 0, "Entries": [{"EventId": "ev-1"}, {"EventId": "ev-2"}]}"#;
        for first in [Reply::Drop, Reply::Error(500, r#"{"__type": "InternalFailure"}"#)] {
            let (delivery, sources) = send(vec![first, Reply::Ok(ok)], 2);
            let delivery = delivery.unwrap();
            assert_eq!(delivery.sent, [accepted("ev-1"), accepted("ev-2")]);
            assert_eq!(delivery.possible_duplicates, 2);
            assert_eq!(sources, [vec!["s0", "s1"], vec!["s0", "s1"]]);
        }
        // Only what the failed call carried: s0 was accepted before.
        let (delivery, sources) = send(
            vec![
                Reply::Ok(
                    r#"{"FailedEntryCount": 1, "Entries": [{"EventId": "ev-1"}, {"ErrorCode": "ThrottlingException"}]}"#,
                ),
                Reply::Drop,
                Reply::Ok(r#"{"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure"}]}"#),
                Reply::Ok(r#"{"FailedEntryCount": 0, "Entries": [{"EventId": "ev-2"}]}"#),
            ],
            2,
        );
        let delivery = delivery.unwrap();
        assert_eq!(delivery.sent, [accepted("ev-1"), accepted("ev-2")]);
        assert_eq!(delivery.possible_duplicates, 1);
        assert_eq!(sources, [vec!["s0", "s1"], vec!["s1"], vec!["s1"], vec!["s1"]]);
    }

    #[test]
    fn a_call_that_keeps_failing_in_transit_says_its_events_may_have_been_delivered() {
        let (delivery, sources) = send(vec![Reply::Drop; 4], 1);
        let err = delivery.unwrap_err().to_string();
        assert!(err.contains("1 event(s) may have been delivered all the same"), "{err}");
        assert_eq!(sources.len(), 4, "max_attempts calls");
    }

    #[test]
    fn refused_connections_are_retried_as_not_delivered() {
        // A port nothing listens on (bound, then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let eb = client(format!("http://127.0.0.1:{port}"));
        let one = entry(2);
        let err = run(eb.put_events().set_entries(Some(vec![sdk_entry(&one)])).send()).unwrap_err();
        assert_eq!(classify_error(&err), CallFailure::NotDelivered(ErrorClass::Transient), "{err:?}");
        let err = run(put_events_with(&eb, &[&one], &quick())).unwrap_err().to_string();
        assert!(err.contains("PutEvents failed") && !err.contains("may have been delivered"), "{err}");
    }

    #[test]
    fn classification_of_failed_calls() {
        let dispatch = FailureKind::Dispatch { user: false };
        for (code, status) in [(Some("ThrottlingException"), Some(400)), (None, Some(429))] {
            assert_eq!(
                classify_call(FailureKind::Service, code, status, false),
                CallFailure::NotDelivered(ErrorClass::Throttling)
            );
        }
        assert_eq!(classify_call(dispatch, None, None, true), CallFailure::NotDelivered(ErrorClass::Transient));
        assert_eq!(classify_call(dispatch, None, None, false), CallFailure::InTransit, "dropped mid-request");
        assert_eq!(classify_call(FailureKind::Timeout, None, None, false), CallFailure::InTransit);
        assert_eq!(classify_call(FailureKind::Response, None, None, false), CallFailure::InTransit);
        for (code, status) in
            [(Some("InternalFailure"), Some(500)), (None, Some(502)), (Some("ServiceUnavailable"), Some(503))]
        {
            assert_eq!(classify_call(FailureKind::Service, code, status, false), CallFailure::InTransit, "{status:?}");
        }
        assert_eq!(
            classify_call(FailureKind::Service, Some("ValidationException"), Some(400), false),
            CallFailure::Permanent
        );
        assert_eq!(
            classify_call(FailureKind::Service, Some("AccessDeniedException"), Some(400), false),
            CallFailure::Permanent
        );
        assert_eq!(classify_call(FailureKind::Construction, None, None, true), CallFailure::Permanent);
        assert_eq!(classify_call(FailureKind::Dispatch { user: true }, None, None, true), CallFailure::Permanent);
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn std::error::Error + Send + Sync>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn connect_failures_are_told_from_failures_after_sending() {
        use std::io::{Error, ErrorKind};
        let wrap = |text, inner: Box<dyn std::error::Error + Send + Sync>| Layer(text, Some(inner));
        let refused = wrap("io error", Box::new(Error::new(ErrorKind::ConnectionRefused, "refused")));
        assert!(failed_before_sending(&refused));
        let dns = wrap("client error (Connect)", Box::new(Layer("dns error", None)));
        assert!(failed_before_sending(&wrap("dispatch failure", Box::new(dns))));
        let reset = wrap("client error (SendRequest)", Box::new(Error::new(ErrorKind::ConnectionReset, "reset")));
        assert!(!failed_before_sending(&reset));
        assert!(!failed_before_sending(&Layer("connection closed before message completed", None)));
    }

    type PutError = aws_sdk_eventbridge::operation::put_events::PutEventsError;

    #[test]
    fn retries_say_whether_a_call_failed_in_transit() {
        use aws_sdk_eventbridge::error::ConnectorError;
        let refused = || {
            let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
            SdkError::dispatch_failure(ConnectorError::io(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(io)),
            ))))
        };
        let mut calls = 0;
        let (result, in_transit) = run(call_with_retry(&quick(), || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err::<&str, SdkError<PutError, HttpResponse>>(refused())
                } else {
                    Ok("done")
                }
            }
        }));
        assert_eq!((result.unwrap(), in_transit, calls), ("done", false, 3));

        let mut calls = 0;
        let (result, in_transit) = run(call_with_retry(&quick(), || {
            calls += 1;
            let n = calls;
            async move {
                if n == 1 {
                    Err::<&str, SdkError<PutError, HttpResponse>>(SdkError::timeout_error("slow"))
                } else {
                    Ok("done")
                }
            }
        }));
        assert_eq!((result.unwrap(), in_transit, calls), ("done", true, 2));

        let mut calls = 0;
        let (result, _) = run(call_with_retry(&quick(), || {
            calls += 1;
            async { Err::<(), SdkError<PutError, HttpResponse>>(SdkError::construction_failure("bad input")) }
        }));
        assert!(result.is_err());
        assert_eq!(calls, 1, "not retried");
    }

    #[test]
    fn entry_times_are_checked_as_the_sdk_parses_them() {
        // An entry whose Time the SDK could not parse would go without one: the check of
        // events::envelope must agree with the SDK on every case.
        for t in [
            "2026-01-02T03:04:05Z",
            "2026-01-02t03:04:05Z",
            "2026-01-02T03:04:05.123456789Z",
            "2024-02-29T23:59:59Z",
            "1985-04-12T23:20:50.52Z",
            "yesterday",
            "2026-01-02",
            "2026-01-02 03:04:05Z",
            "2026-01-02T03:04:05+01:00",
            "2026-01-02T03:04:05z",
            "2026-02-30T00:00:00Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02T03:04Z",
            "0000-01-01T00:00:00Z",
        ] {
            let json = serde_json::json!({"Source": "s", "DetailType": "t", "Detail": "{}", "Time": t});
            let ours = EventEntry::from_json(&json).is_ok();
            let sdk = DateTime::from_str(t, DateTimeFormat::DateTime).is_ok();
            assert_eq!(ours, sdk, "{t}");
        }
    }

    #[test]
    fn entries_convert_to_the_sdk_shape() {
        let mut e = entry(2);
        e.detail = r#"{"Path":"A"}"#.into();
        e.time = Some("2026-01-02T03:04:05Z".into());
        e.event_bus_name = Some("orders".into());
        e.resources = vec!["arn:aws:s3:::b".into()];
        let s = sdk_entry(&e);
        assert_eq!(s.source(), Some("s"));
        assert_eq!(s.detail(), Some(r#"{"Path":"A"}"#));
        assert_eq!(s.event_bus_name(), Some("orders"));
        assert_eq!(s.resources(), ["arn:aws:s3:::b"]);
        assert_eq!(s.time().map(|t| t.secs()), Some(1_767_323_045));
        assert!(sdk_entry(&entry(1)).resources().is_empty() && sdk_entry(&entry(1)).time().is_none());
    }
}

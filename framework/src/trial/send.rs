//! Sending entries with EventBridge PutEvents: in requests of at most 10 entries and 256 KiB,
//! each call retried on throttling and transient failures (see [`crate::deploy::retry`]), and
//! entries that EventBridge reports as throttled or failed internally (`FailedEntryCount`) sent
//! again with backoff; other refused entries are reported with their error code and message.
//!
//! A call that failed in transit may have reached EventBridge, so a retry can deliver an event
//! twice (as the AWS CLI's retries can); each copy has its own event id and only the id
//! EventBridge returned is followed.

use aws_sdk_eventbridge::primitives::{DateTime, DateTimeFormat};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

use crate::deploy::retry::{with_retry, ErrorClass, RetryPolicy};
use crate::trial::entries::{EventEntry, MAX_ENTRY_BYTES};
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

/// Sends the entries and returns what became of each, in order.
pub async fn put_events(
    client: &aws_sdk_eventbridge::Client,
    entries: &[&EventEntry],
) -> Result<Vec<Sent>, TrialError> {
    let policy = RetryPolicy::default();
    let mut results: Vec<Option<Sent>> = vec![None; entries.len()];
    for batch in batches(entries) {
        let mut pending = batch;
        let mut attempt = 1;
        while !pending.is_empty() {
            let request: Vec<PutEventsRequestEntry> = pending.iter().map(|&i| sdk_entry(entries[i])).collect();
            let buses: Vec<&str> = pending.iter().map(|&i| entries[i].bus()).collect();
            let out = with_retry(&policy, || client.put_events().set_entries(Some(request.clone())).send())
                .await
                .map_err(|e| api_error("EventBridge", "PutEvents", &format!("event bus {}", buses.join(", ")), &e))?;
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
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or(Sent::Refused { code: "NotSent".into(), message: "the entry was not sent".into() }))
        .collect())
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

    /// A one-connection HTTP server answering each request with the next canned PutEvents
    /// response; returns its address and, when done, the request bodies it got.
    fn fake_eventbridge(responses: Vec<&'static str>) -> (String, std::thread::JoinHandle<Vec<serde_json::Value>>) {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut bodies = Vec::new();
            let mut responses = responses.into_iter();
            'connections: while let Ok((stream, _)) = listener.accept() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let mut length = 0;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            continue 'connections;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = line.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                length = v.trim().parse().unwrap();
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    bodies.push(serde_json::from_slice(&body).unwrap());
                    let Some(response) = responses.next() else { break 'connections };
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{response}",
                        response.len()
                    );
                    writer.write_all(reply.as_bytes()).unwrap();
                    if responses.len() == 0 {
                        break 'connections;
                    }
                }
            }
            bodies
        });
        (addr, handle)
    }

    #[test]
    fn refused_entries_are_reported_and_throttled_ones_sent_again() {
        let (endpoint, server) = fake_eventbridge(vec![
            r#"{"FailedEntryCount": 2, "Entries": [{"EventId": "ev-1"}, {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"},
                {"ErrorCode": "InvalidArgument", "ErrorMessage": "Parameter Detail is not valid."}]}"#,
            r#"{"FailedEntryCount": 0, "Entries": [{"EventId": "ev-2"}]}"#,
        ]);
        let entries: Vec<EventEntry> = (0..3).map(|i| EventEntry { source: format!("s{i}"), ..entry(2) }).collect();
        let refs: Vec<&EventEntry> = entries.iter().collect();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let sent = rt.block_on(async {
            let conn = crate::deploy::Connection { local: true, endpoint_url: Some(endpoint), ..Default::default() };
            let config = crate::deploy::load(&conn).await.unwrap();
            put_events(&aws_sdk_eventbridge::Client::new(&config.sdk_config), &refs).await.unwrap()
        });
        assert_eq!(
            sent,
            [
                Sent::Accepted { event_id: "ev-1".into() },
                Sent::Accepted { event_id: "ev-2".into() },
                Sent::Refused { code: "InvalidArgument".into(), message: "Parameter Detail is not valid.".into() },
            ]
        );
        let bodies = server.join().unwrap();
        assert_eq!(bodies.len(), 2);
        let sources = |b: &serde_json::Value| -> Vec<String> {
            b["Entries"].as_array().unwrap().iter().map(|e| e["Source"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(sources(&bodies[0]), ["s0", "s1", "s2"]);
        assert_eq!(sources(&bodies[1]), ["s1"], "only the throttled entry again");
        assert_eq!(bodies[0]["Entries"][0]["DetailType"], "t");
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

//! A scripted HTTP server on 127.0.0.1 standing in for an AWS API in unit tests: each request
//! gets the next scripted reply (an answer, or a dropped connection: the request arrived but
//! its answer was lost), and the request bodies are kept for assertions. Bounded: it stops after
//! its last reply.

use std::io::{BufRead, BufReader, Read, Write};
use std::thread::JoinHandle;

/// How the server answers one request.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// This HTTP status and body (`text/xml`, as the query protocol answers).
    Answer(u16, String),
    /// Reads the request, then closes the connection without answering.
    Drop,
}

/// A running fake: its endpoint, and the bodies it got once it is done.
pub(crate) struct FakeApi {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    handle: JoinHandle<Vec<String>>,
}

impl FakeApi {
    /// Serves `replies` in order, one per request, then stops.
    pub(crate) fn start(replies: Vec<Reply>) -> FakeApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let endpoint = format!("http://{}", listener.local_addr().expect("local address"));
        let handle = std::thread::spawn(move || {
            let mut bodies = Vec::new();
            let mut replies = replies.into_iter().peekable();
            'connections: while replies.peek().is_some() {
                let Ok((stream, _)) = listener.accept() else { break };
                let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
                let mut writer = stream;
                while replies.peek().is_some() {
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
                                length = v.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        continue 'connections;
                    }
                    bodies.push(String::from_utf8_lossy(&body).into_owned());
                    match replies.next() {
                        Some(Reply::Answer(status, text)) => {
                            let reply = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{text}",
                                text.len()
                            );
                            if writer.write_all(reply.as_bytes()).is_err() {
                                continue 'connections;
                            }
                        }
                        _ => continue 'connections,
                    }
                }
            }
            bodies
        });
        FakeApi { endpoint, handle }
    }

    /// Waits for the last reply and returns every request body, in order.
    pub(crate) fn bodies(self) -> Vec<String> {
        self.handle.join().expect("the fake API thread")
    }

    /// A CloudFormation client on this fake (no SDK retries, test credentials).
    pub(crate) fn cloudformation(&self) -> crate::deploy::CfnClient {
        use aws_sdk_cloudformation::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_cloudformation::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(&self.endpoint)
            .retry_config(aws_sdk_cloudformation::config::retry::RetryConfig::disabled())
            .build();
        crate::deploy::CfnClient {
            client: aws_sdk_cloudformation::Client::from_conf(config),
            region: "us-east-1".into(),
            endpoint: Some(self.endpoint.clone()),
        }
    }
}

/// A query-protocol error answer (HTTP 400).
pub(crate) fn error(code: &str, message: &str) -> Reply {
    Reply::Answer(
        400,
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
             <RequestId>r</RequestId></ErrorResponse>"
        ),
    )
}

/// A query-protocol success answer of `operation` with `result` inside its result element.
pub(crate) fn ok(operation: &str, result: &str) -> Reply {
    Reply::Answer(
        200,
        format!(
            "<{operation}Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><{operation}Result>\
             {result}</{operation}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{operation}Response>"
        ),
    )
}

//! Test support (feature `test-util`, and this crate's own tests): a scripted HTTP server on
//! 127.0.0.1 standing in for an AWS API in unit tests. Each request gets the next scripted reply
//! (an answer, or a dropped connection: the request arrived but its answer was lost), and the
//! request bodies are kept for assertions. Bounded: it stops after its last reply.
//!
//! ```
//! use framework::testing::{FakeApi, Reply};
//! let fake = FakeApi::start("application/json", vec![Reply::Answer(200, "{}".into())]);
//! assert!(fake.endpoint.starts_with("http://127.0.0.1:"));
//! # drop(fake);
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::thread::JoinHandle;

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// This HTTP status and body.
    Answer(u16, String),
    /// Reads the request, then closes the connection without answering.
    Drop,
}

/// A running fake: its endpoint, and the bodies it got once it is done.
pub struct FakeApi {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    handle: JoinHandle<Vec<String>>,
}

impl FakeApi {
    /// Serves `replies` in order, one per request (answers with `content_type`), then stops.
    pub fn start(content_type: &'static str, replies: Vec<Reply>) -> FakeApi {
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
                                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{text}",
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
    pub fn bodies(self) -> Vec<String> {
        self.handle.join().expect("the fake API thread")
    }
}

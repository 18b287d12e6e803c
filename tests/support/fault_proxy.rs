//! A fault-injection HTTP proxy for end-to-end tests: it sits between the toolkit's binary
//! (`--endpoint-url` [`FaultProxy::endpoint`]) and LocalStack, forwards every HTTP/1.1 request,
//! names each request's API operation and, following a list of [`Rule`]s, answers some calls
//! itself with a throttling or server error, delays them, or drops the connection before or
//! after forwarding them (the request lost, or the request executed but its answer lost).
//!
//! Operations are found as the AWS protocols carry them: the `X-Amz-Target` header of the JSON
//! protocols (`AWSEvents.PutEvents` is `PutEvents`), the `/service/S/operation/Op` path of the
//! Smithy RPC v2 CBOR protocol, and the `Action` parameter of the query protocol
//! (`Action=DescribeStacks&...`, the form body aws-sdk-cloudformation sends).
//!
//! Every call is recorded ([`FaultProxy::calls`]: operation, its number among that operation's
//! calls, the fault applied, the upstream's status) and counted per operation.
//!
//! The client side keeps connections alive; each forwarded request goes upstream on a fresh
//! connection with `Connection: close`, and the answer is read whole (`Content-Length`, chunked
//! or until close) and passed on with a `Content-Length`, so any upstream framing reaches the
//! client correctly. Requests may carry `Content-Length` or chunked bodies; `Expect:
//! 100-continue` is answered by the proxy. Only std is used (threads and `std::net`). The proxy
//! listens on 127.0.0.1 only and stops when dropped: every wait polls a stop flag, and every
//! loop is bounded.

use std::collections::BTreeMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The operation recorded for a request whose operation cannot be identified.
pub const UNKNOWN_OPERATION: &str = "(unknown)";

/// How often blocked reads and the accept loop look at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// An idle client connection is closed after this long without a request.
const IDLE_LIMIT: Duration = Duration::from_secs(120);
/// The longest one request or one upstream answer may take to arrive.
const EXCHANGE_LIMIT: Duration = Duration::from_secs(120);
const CONNECT_LIMIT: Duration = Duration::from_secs(5);
const WRITE_LIMIT: Duration = Duration::from_secs(30);
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;
const MAX_CONNECTIONS: usize = 256;
const MAX_REQUESTS_PER_CONNECTION: usize = 100_000;

/// What the proxy does to a call a rule selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answers HTTP 400 `Throttling` / "Rate exceeded" without forwarding (XML for the query
    /// protocol as CloudFormation answers; JSON or CBOR for the other protocols).
    Throttle,
    /// Answers this HTTP status (503: `ServiceUnavailable`, 500: `InternalFailure`) without
    /// forwarding.
    ServerError(u16),
    /// Waits this long, then forwards.
    Delay(Duration),
    /// Reads the request, then closes the connection without forwarding or answering.
    DropBeforeForward,
    /// Forwards the request and reads the upstream's answer (the call took effect), then
    /// closes the client's connection without answering.
    DropAfterForward,
}

/// Which of the calls a rule sees it applies to, numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calls {
    /// Every call.
    All,
    /// Calls 1 to K.
    First(usize),
    /// Call N only.
    Nth(usize),
    /// Calls N to M, both included.
    Range(usize, usize),
    /// Call N and every later one.
    From(usize),
}

impl Calls {
    /// Whether call number `n` (from 1) is selected.
    pub fn contains(&self, n: usize) -> bool {
        match *self {
            Calls::All => true,
            Calls::First(k) => n <= k,
            Calls::Nth(m) => n == m,
            Calls::Range(from, to) => (from..=to).contains(&n),
            Calls::From(from) => n >= from,
        }
    }
}

/// One fault to inject: which operation (`None`: any), which of its calls, what to do.
///
/// A rule sees the calls of its operation (all calls for `None`), once it is active (see
/// [`Rule::after`]), and numbers them from 1; for a rule without `after` that number is the
/// operation's call number. Every rule counts every call it sees; the first rule, in list
/// order, that selects a call applies its fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The exact operation name (`DescribeStacks`), or `None` for any operation.
    pub operation: Option<String>,
    /// The calls it applies to.
    pub calls: Calls,
    /// What it does to them.
    pub fault: Fault,
    /// When set, the rule sees nothing until the upstream has answered a call of this
    /// operation (e.g. `ExecuteChangeSet`: only the calls made after the change set executed).
    pub after: Option<String>,
}

impl Rule {
    /// A rule for the calls of `operation`.
    pub fn on(operation: &str, calls: Calls, fault: Fault) -> Rule {
        Rule { operation: Some(operation.to_string()), calls, fault, after: None }
    }

    /// A rule for the calls of every operation.
    pub fn any(calls: Calls, fault: Fault) -> Rule {
        Rule { operation: None, calls, fault, after: None }
    }

    /// The same rule, active only once the upstream has answered a call of `operation`.
    pub fn after(mut self, operation: &str) -> Rule {
        self.after = Some(operation.to_string());
        self
    }
}

/// One call through the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The operation ([`UNKNOWN_OPERATION`] when it could not be identified).
    pub operation: String,
    /// Its number among the calls of that operation, from 1.
    pub number: usize,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
    /// The status the upstream answered, when the call was forwarded and answered (still
    /// `None` while it is in flight).
    pub upstream_status: Option<u16>,
}

/// A running proxy; stops (and joins its threads) when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1 (a free port) forwarding to `upstream` (`host:port`, e.g.
    /// `127.0.0.1:4566`) and applying `rules`. Panics when it cannot listen.
    pub fn start(upstream: &str, rules: Vec<Rule>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("fault proxy: bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("fault proxy: nonblocking listener");
        let addr = listener.local_addr().expect("fault proxy: local address");
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
        let state = State { rules: rules.into_iter().map(|r| (r, 0)).collect(), ..State::default() };
        let shared = Arc::new(Shared {
            upstream,
            stop: AtomicBool::new(false),
            state: Mutex::new(state),
            ids: AtomicU64::new(0),
        });
        let accept_shared = shared.clone();
        let accept = thread::Builder::new()
            .name("fault-proxy-accept".into())
            .spawn(move || accept_loop(accept_shared, listener))
            .expect("fault proxy: spawn the accept thread");
        FaultProxy { addr, shared, accept: Some(accept) }
    }

    /// The URL clients use: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The calls of one operation so far, in arrival order.
    pub fn calls_of(&self, operation: &str) -> Vec<Call> {
        self.shared.lock().calls.iter().filter(|c| c.operation == operation).cloned().collect()
    }

    /// How many calls of `operation` arrived so far.
    pub fn count(&self, operation: &str) -> usize {
        self.shared.lock().counts.get(operation).copied().unwrap_or(0)
    }

    /// How many calls of each operation arrived so far.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.shared.lock().counts.clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// What the threads share.
struct Shared {
    upstream: String,
    stop: AtomicBool,
    state: Mutex<State>,
    ids: AtomicU64,
}

#[derive(Default)]
struct State {
    /// Each rule with the number of calls it has seen.
    rules: Vec<(Rule, usize)>,
    calls: Vec<Call>,
    counts: BTreeMap<String, usize>,
    /// Calls the upstream answered, per operation (for [`Rule::after`]).
    answered: BTreeMap<String, usize>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Records the arrival of a call and decides its fault; returns the call's log index.
    fn arrive(&self, operation: &str) -> (usize, Option<Fault>) {
        let mut guard = self.lock();
        let state = &mut *guard;
        let count = state.counts.entry(operation.to_string()).or_insert(0);
        *count += 1;
        let number = *count;
        let mut fault = None;
        for (rule, seen) in &mut state.rules {
            let for_it = rule.operation.as_deref().is_none_or(|o| o == operation);
            let active = rule.after.as_deref().is_none_or(|a| state.answered.get(a).is_some_and(|n| *n > 0));
            if for_it && active {
                *seen += 1;
                if fault.is_none() && rule.calls.contains(*seen) {
                    fault = Some(rule.fault.clone());
                }
            }
        }
        state.calls.push(Call {
            operation: operation.to_string(),
            number,
            fault: fault.clone(),
            upstream_status: None,
        });
        (state.calls.len() - 1, fault)
    }

    /// Records the upstream's answer to call `index`.
    fn answered(&self, index: usize, status: Option<u16>) {
        let mut state = self.lock();
        let Some(call) = state.calls.get_mut(index) else { return };
        call.upstream_status = status;
        if status.is_some() {
            let operation = call.operation.clone();
            *state.answered.entry(operation).or_insert(0) += 1;
        }
    }

    fn request_id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::SeqCst);
        format!("fa017000-0000-4000-8000-{n:012x}")
    }
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stopping() {
        match listener.accept() {
            Ok((stream, _)) => {
                workers.retain(|w| !w.is_finished());
                if workers.len() >= MAX_CONNECTIONS || stream.set_nonblocking(false).is_err() {
                    continue; // dropping the stream closes it
                }
                let worker_shared = shared.clone();
                match thread::Builder::new()
                    .name("fault-proxy-conn".into())
                    .spawn(move || serve(&worker_shared, stream))
                {
                    Ok(worker) => workers.push(worker),
                    Err(_) => continue,
                }
            }
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
}

/// Serves one client connection: request after request while the client keeps it alive.
fn serve(shared: &Shared, stream: TcpStream) {
    let Ok(mut client) = Wire::new(stream) else { return };
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let request = match read_request(&mut client, Instant::now() + IDLE_LIMIT, &shared.stop) {
            Ok(Some(request)) => request,
            Ok(None) | Err(_) => return,
        };
        let keep_alive = request.keep_alive();
        let operation = operation(&request);
        let (index, fault) = shared.arrive(&operation);
        if let Some(Fault::Delay(delay)) = &fault {
            if !pause(*delay, &shared.stop) {
                return;
            }
        }
        let forwarded = match &fault {
            Some(Fault::Throttle | Fault::ServerError(_) | Fault::DropBeforeForward) => None,
            _ => Some(forward(shared, &request)),
        };
        let status = forwarded.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.status);
        shared.answered(index, status);
        let reply = match (&fault, forwarded) {
            (Some(Fault::DropBeforeForward | Fault::DropAfterForward), _) => None,
            (Some(Fault::Throttle), _) => Some(error_reply(&request, 400, "Throttling", "Rate exceeded", shared)),
            (Some(Fault::ServerError(code)), _) => {
                let (name, message) = server_error_name(*code);
                Some(error_reply(&request, *code, name, message, shared))
            }
            (_, Some(Ok(response))) => Some(response),
            (_, Some(Err(e))) => {
                let message = format!("fault proxy: upstream {} failed: {e}", shared.upstream);
                Some(error_reply(&request, 502, "BadGateway", &message, shared))
            }
            (_, None) => None,
        };
        let Some(reply) = reply else {
            let _ = client.stream.shutdown(Shutdown::Both);
            return;
        };
        let bytes = reply.to_bytes(keep_alive, request.method.eq_ignore_ascii_case("HEAD"));
        if client.stream.write_all(&bytes).and_then(|_| client.stream.flush()).is_err() || !keep_alive {
            let _ = client.stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Sleeps `delay` in short steps; false when the proxy stops meanwhile.
fn pause(delay: Duration, stop: &AtomicBool) -> bool {
    let until = Instant::now() + delay;
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= until {
            return true;
        }
        thread::sleep((until - now).min(POLL));
    }
}

/// Sends `request` upstream on a new connection and reads the whole answer.
fn forward(shared: &Shared, request: &Request) -> io::Result<Response> {
    let addr = shared
        .upstream
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(ErrorKind::NotFound, format!("no address for {}", shared.upstream)))?;
    let mut upstream = Wire::new(TcpStream::connect_timeout(&addr, CONNECT_LIMIT)?)?;
    upstream.stream.write_all(&request.upstream_bytes())?;
    upstream.stream.flush()?;
    read_response(&mut upstream, &request.method, Instant::now() + EXCHANGE_LIMIT, &shared.stop)?
        .ok_or_else(|| io::Error::new(ErrorKind::UnexpectedEof, "the upstream closed the connection without answering"))
}

/// The API operation a request calls, or [`UNKNOWN_OPERATION`].
pub fn operation_of(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> String {
    let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    if let Some(amz_target) = header("x-amz-target").map(str::trim).filter(|t| !t.is_empty()) {
        return amz_target.rsplit('.').next().unwrap_or(amz_target).to_string();
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let [.., "service", _, "operation", op] = segments.as_slice() {
        return (*op).to_string();
    }
    let form = if method.eq_ignore_ascii_case("GET") { query.as_bytes() } else { body };
    let action = String::from_utf8_lossy(form)
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action=").map(percent_decode))
        .or_else(|| query.split('&').find_map(|pair| pair.strip_prefix("Action=").map(percent_decode)));
    action.filter(|a| !a.is_empty()).unwrap_or_else(|| UNKNOWN_OPERATION.to_string())
}

fn operation(request: &Request) -> String {
    operation_of(&request.method, &request.target, &request.head.headers, &request.body)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The error code and message of a [`Fault::ServerError`] status.
fn server_error_name(status: u16) -> (&'static str, &'static str) {
    match status {
        503 => ("ServiceUnavailable", "Service is unavailable; please try again later"),
        502 => ("BadGateway", "Bad gateway"),
        504 => ("GatewayTimeout", "Gateway timeout"),
        _ => ("InternalFailure", "The request processing has failed because of an unknown error"),
    }
}

/// An error answer in the protocol of `request`: query (XML `ErrorResponse`, as CloudFormation
/// answers), JSON (`__type`) for `X-Amz-Target` requests, CBOR for Smithy RPC v2 requests.
fn error_reply(request: &Request, status: u16, code: &str, message: &str, shared: &Shared) -> Response {
    let request_id = shared.request_id();
    let mut headers = vec![("x-amzn-RequestId".to_string(), request_id.clone())];
    let body = if request.head.header("x-amz-target").is_some() {
        let content_type = request.head.header("content-type").unwrap_or("application/x-amz-json-1.1");
        headers.push(("Content-Type".into(), content_type.to_string()));
        headers.push(("x-amzn-query-error".into(), format!("{code};{}", error_type(status))));
        format!("{{\"__type\":\"{}\",\"message\":\"{}\"}}", json_escape(code), json_escape(message)).into_bytes()
    } else if request.target.contains("/operation/") || request.head.header("smithy-protocol").is_some() {
        headers.push(("Content-Type".into(), "application/cbor".into()));
        headers.push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
        cbor_text_map(&[("__type", code), ("message", message)])
    } else {
        headers.push(("Content-Type".into(), "text/xml".into()));
        format!(
            "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>{}</Type>\
             <Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
            error_type(status),
            xml_escape(code),
            xml_escape(message)
        )
        .into_bytes()
    };
    Response { status, reason: reason_phrase(status).to_string(), headers, body }
}

fn error_type(status: u16) -> &'static str {
    if status < 500 {
        "Sender"
    } else {
        "Receiver"
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn json_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).chars().collect(),
            c => vec![c],
        })
        .collect()
}

/// A CBOR map of text keys to text values.
fn cbor_text_map(entries: &[(&str, &str)]) -> Vec<u8> {
    fn head(major: u8, len: usize, out: &mut Vec<u8>) {
        let m = major << 5;
        match len {
            0..=23 => out.push(m | len as u8),
            24..=0xff => out.extend([m | 24, len as u8]),
            0x100..=0xffff => {
                out.push(m | 25);
                out.extend((len as u16).to_be_bytes());
            }
            _ => {
                out.push(m | 26);
                out.extend((len as u32).to_be_bytes());
            }
        }
    }
    let mut out = Vec::new();
    head(5, entries.len(), &mut out);
    for (k, v) in entries {
        for text in [k, v] {
            head(3, text.len(), &mut out);
            out.extend_from_slice(text.as_bytes());
        }
    }
    out
}

/// A start line and headers.
#[derive(Debug, Clone, Default)]
struct Head {
    start: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn parse(bytes: &[u8]) -> io::Result<Head> {
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.split("\r\n");
        let start = lines.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':').ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        Ok(Head { start, headers })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated header holds `token` (case-insensitive).
    fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .any(|(_, v)| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }

    fn chunked(&self) -> bool {
        self.has_token("transfer-encoding", "chunked")
    }

    fn content_length(&self) -> io::Result<Option<usize>> {
        match self.header("content-length") {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| invalid(format!("bad Content-Length {v:?}"))),
        }
    }
}

/// Headers that describe one hop's connection or framing; never passed on.
fn hop_by_hop(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "content-length",
        "te",
        "trailer",
        "upgrade",
        "expect",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// A request, body read whole.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    target: String,
    version: String,
    head: Head,
    body: Vec<u8>,
}

impl Request {
    /// Whether the client keeps the connection open after the answer.
    fn keep_alive(&self) -> bool {
        if self.head.has_token("connection", "close") {
            false
        } else if self.version.eq_ignore_ascii_case("HTTP/1.0") {
            self.head.has_token("connection", "keep-alive")
        } else {
            true
        }
    }

    /// The request as sent upstream: same line and headers, body with a `Content-Length`, and
    /// `Connection: close`.
    fn upstream_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        for (k, v) in self.head.headers.iter().filter(|(k, _)| !hop_by_hop(k)) {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        let has_framing = self.head.header("content-length").is_some() || self.head.chunked();
        if has_framing || !self.body.is_empty() {
            out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        out.push_str("Connection: close\r\n\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// A response, body read whole (decoded when it was chunked).
#[derive(Debug, Clone)]
struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// The response as sent to the client, framed by `Content-Length` (or, for HEAD and
    /// bodyless statuses, with the upstream's own `Content-Length`).
    fn to_bytes(&self, keep_alive: bool, head_request: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        for (k, v) in self.headers.iter().filter(|(k, _)| !hop_by_hop(k)) {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        let bodyless = head_request || self.status == 204 || self.status == 304 || self.status < 200;
        if bodyless {
            if let Some((_, v)) = self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
                out.push_str(&format!("Content-Length: {v}\r\n"));
            }
        } else {
            out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        if !keep_alive {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !bodyless {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, message.into())
}

fn eof() -> io::Error {
    io::Error::new(ErrorKind::UnexpectedEof, "connection closed in the middle of a message")
}

/// A connection with a read buffer; reads time out every [`POLL`] to look at the stop flag.
struct Wire {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Wire {
    fn new(stream: TcpStream) -> io::Result<Wire> {
        stream.set_read_timeout(Some(POLL))?;
        stream.set_write_timeout(Some(WRITE_LIMIT))?;
        let _ = stream.set_nodelay(true);
        Ok(Wire { stream, buf: Vec::new() })
    }

    /// Reads more bytes; false at the end of the stream. Fails at `until` or when stopping.
    fn fill(&mut self, until: Instant, stop: &AtomicBool) -> io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                    if stop.load(Ordering::SeqCst) {
                        return Err(io::Error::other("the fault proxy is stopping"));
                    }
                    if Instant::now() >= until {
                        return Err(io::Error::new(ErrorKind::TimedOut, "timed out waiting for the peer"));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The next head, or `None` when the peer closed the connection before sending a byte.
    fn head(&mut self, until: Instant, stop: &AtomicBool) -> io::Result<Option<Head>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head: Vec<u8> = self.buf.drain(..end + 4).collect();
                return Head::parse(&head[..end]).map(Some);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(invalid("head too large"));
            }
            if !self.fill(until, stop)? {
                return if self.buf.is_empty() { Ok(None) } else { Err(eof()) };
            }
        }
    }

    fn take(&mut self, n: usize, until: Instant, stop: &AtomicBool) -> io::Result<Vec<u8>> {
        if n > MAX_BODY {
            return Err(invalid("body too large"));
        }
        while self.buf.len() < n {
            if !self.fill(until, stop)? {
                return Err(eof());
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    /// One line, without its CRLF.
    fn line(&mut self, until: Instant, stop: &AtomicBool) -> io::Result<Vec<u8>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n") {
                let mut line: Vec<u8> = self.buf.drain(..end + 2).collect();
                line.truncate(end);
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(invalid("line too long"));
            }
            if !self.fill(until, stop)? {
                return Err(eof());
            }
        }
    }

    /// Everything up to the end of the stream.
    fn rest(&mut self, until: Instant, stop: &AtomicBool) -> io::Result<Vec<u8>> {
        while self.fill(until, stop)? {
            if self.buf.len() > MAX_BODY {
                return Err(invalid("body too large"));
            }
        }
        Ok(std::mem::take(&mut self.buf))
    }

    /// A chunked body, decoded (trailers are read and dropped).
    fn chunked(&mut self, until: Instant, stop: &AtomicBool) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line(until, stop)?;
            let text = String::from_utf8_lossy(&line);
            let size_hex = text.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16).map_err(|_| invalid(format!("bad chunk size {text:?}")))?;
            if size == 0 {
                for _ in 0..1000 {
                    if self.line(until, stop)?.is_empty() {
                        return Ok(body);
                    }
                }
                return Err(invalid("too many trailers"));
            }
            if body.len() + size > MAX_BODY {
                return Err(invalid("body too large"));
            }
            body.extend(self.take(size, until, stop)?);
            if self.take(2, until, stop)? != b"\r\n" {
                return Err(invalid("chunk not followed by CRLF"));
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the next request (waiting for its first byte until `idle_until`); `None` when the
/// client closed the connection between requests. Answers `Expect: 100-continue` itself.
fn read_request(wire: &mut Wire, idle_until: Instant, stop: &AtomicBool) -> io::Result<Option<Request>> {
    let Some(head) = wire.head(idle_until, stop)? else { return Ok(None) };
    let mut parts = head.start.split_whitespace();
    let (Some(method), Some(target), version) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid(format!("bad request line {:?}", head.start)));
    };
    let (method, target, version) = (method.to_string(), target.to_string(), version.unwrap_or("HTTP/1.0").to_string());
    if head.has_token("expect", "100-continue") && wire.buf.is_empty() {
        wire.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let until = Instant::now() + EXCHANGE_LIMIT;
    let body = if head.chunked() {
        wire.chunked(until, stop)?
    } else {
        match head.content_length()? {
            Some(n) => wire.take(n, until, stop)?,
            None => Vec::new(),
        }
    };
    Ok(Some(Request { method, target, version, head, body }))
}

/// Reads a whole response to a `method` request; `None` when the peer closed the connection
/// before answering. Interim (1xx) answers are skipped.
fn read_response(wire: &mut Wire, method: &str, until: Instant, stop: &AtomicBool) -> io::Result<Option<Response>> {
    for _ in 0..10 {
        let Some(head) = wire.head(until, stop)? else { return Ok(None) };
        let mut parts = head.start.splitn(3, ' ');
        let _version = parts.next();
        let status: u16 = parts
            .next()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| invalid(format!("bad status line {:?}", head.start)))?;
        let reason = parts.next().unwrap_or_default().trim().to_string();
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        let bodyless = method.eq_ignore_ascii_case("HEAD") || status == 204 || status == 304 || status < 200;
        let body = if bodyless {
            Vec::new()
        } else if head.chunked() {
            wire.chunked(until, stop)?
        } else {
            match head.content_length()? {
                Some(n) => wire.take(n, until, stop)?,
                None => wire.rest(until, stop)?,
            }
        };
        return Ok(Some(Response { status, reason, headers: head.headers, body }));
    }
    Err(invalid("too many interim answers"))
}

#[cfg(test)]
mod tests {
    use super::*;

    static NEVER: AtomicBool = AtomicBool::new(false);

    /// How the fake upstream frames its answers.
    #[derive(Debug, Clone, Copy)]
    enum Framing {
        Length,
        Chunked,
        Close,
    }

    /// A tiny upstream on 127.0.0.1: one request per connection, answered 200 with a body
    /// `OPERATION:REQUEST-BODY`; records the operations and `Connection` headers it saw.
    struct Upstream {
        addr: SocketAddr,
        stop: Arc<AtomicBool>,
        seen: Arc<Mutex<Vec<(String, String)>>>,
        thread: Option<JoinHandle<()>>,
    }

    impl Upstream {
        fn start(framing: Framing) -> Upstream {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let addr = listener.local_addr().unwrap();
            let stop = Arc::new(AtomicBool::new(false));
            let seen = Arc::new(Mutex::new(Vec::new()));
            let (s, log) = (stop.clone(), seen.clone());
            let thread = thread::spawn(move || {
                while !s.load(Ordering::SeqCst) {
                    let Ok((stream, _)) = listener.accept() else {
                        thread::sleep(Duration::from_millis(5));
                        continue;
                    };
                    stream.set_nonblocking(false).unwrap();
                    let mut wire = Wire::new(stream).unwrap();
                    let deadline = Instant::now() + Duration::from_secs(5);
                    let Ok(Some(req)) = read_request(&mut wire, deadline, &s) else { continue };
                    let op = operation(&req);
                    let connection = req.head.header("connection").unwrap_or_default().to_string();
                    log.lock().unwrap().push((op.clone(), connection));
                    let body = format!("{op}:{}", String::from_utf8_lossy(&req.body));
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nx-amzn-RequestId: up-1\r\n";
                    let answer = match framing {
                        Framing::Length => format!("{head}Content-Length: {}\r\n\r\n{body}", body.len()),
                        Framing::Chunked => {
                            let (a, b) = body.split_at(body.len() / 2);
                            let chunks = format!("{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n", a.len(), b.len());
                            format!("{head}Transfer-Encoding: chunked\r\n\r\n{chunks}0\r\nX-Trailer: t\r\n\r\n")
                        }
                        Framing::Close => format!("{head}Connection: close\r\n\r\n{body}"),
                    };
                    let _ = wire.stream.write_all(answer.as_bytes());
                    let _ = wire.stream.shutdown(Shutdown::Both);
                }
            });
            Upstream { addr, stop, seen, thread: Some(thread) }
        }

        fn ops(&self) -> Vec<String> {
            self.seen.lock().unwrap().iter().map(|(op, _)| op.clone()).collect()
        }
    }

    impl Drop for Upstream {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// A keep-alive client connection to the proxy.
    struct Client {
        wire: Wire,
    }

    impl Client {
        fn connect(proxy: &FaultProxy) -> Client {
            Client { wire: Wire::new(TcpStream::connect(proxy.addr()).unwrap()).unwrap() }
        }

        /// Sends raw request bytes; the answer, or `None` when the proxy closed the connection.
        fn send(&mut self, bytes: &[u8]) -> Option<Response> {
            self.wire.stream.write_all(bytes).ok()?;
            read_response(&mut self.wire, "POST", Instant::now() + Duration::from_secs(10), &NEVER).ok().flatten()
        }

        fn query(&mut self, action: &str) -> Option<Response> {
            self.send(&query_request(action))
        }
    }

    fn query_request(action: &str) -> Vec<u8> {
        let body = format!("Action={action}&Version=2010-05-15&StackName=s%2F1");
        format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    fn text(r: &Response) -> String {
        String::from_utf8_lossy(&r.body).into_owned()
    }

    fn header(r: &Response, name: &str) -> Option<String> {
        r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }

    fn upstream_addr(u: &Upstream) -> String {
        u.addr.to_string()
    }

    #[test]
    fn operations_come_from_the_query_action_the_target_header_or_the_rpc_path() {
        let form = [("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string())];
        assert_eq!(operation_of("POST", "/", &form, b"Action=DescribeStacks&Version=2010-05-15"), "DescribeStacks");
        assert_eq!(operation_of("POST", "/", &form, b"Version=2010-05-15&Action=CreateChangeSet"), "CreateChangeSet");
        assert_eq!(operation_of("GET", "/?Action=ListStacks&Version=1", &[], b""), "ListStacks");
        let json = [("X-Amz-Target".to_string(), "AWSEvents.PutEvents".to_string())];
        assert_eq!(operation_of("POST", "/", &json, b"{}"), "PutEvents");
        let states = [("x-amz-target".to_string(), "AWSStepFunctions.StartExecution".to_string())];
        assert_eq!(operation_of("POST", "/", &states, b"{}"), "StartExecution");
        let cfn_json = [("X-Amz-Target".to_string(), "CloudFormation.DescribeStacks".to_string())];
        assert_eq!(operation_of("POST", "/", &cfn_json, b"{}"), "DescribeStacks");
        assert_eq!(
            operation_of("POST", "/service/CloudFormation/operation/DescribeStackEvents", &[], b"\xa0"),
            "DescribeStackEvents"
        );
        assert_eq!(operation_of("POST", "/", &[], b"{\"x\":1}"), UNKNOWN_OPERATION);
        assert_eq!(percent_decode("a%2Fb+c%zz%4"), "a/b c%zz%4");
    }

    #[test]
    fn call_ranges() {
        assert!(Calls::All.contains(1) && Calls::All.contains(99));
        assert!(Calls::First(3).contains(3) && !Calls::First(3).contains(4));
        assert!(Calls::Nth(2).contains(2) && !Calls::Nth(2).contains(1) && !Calls::Nth(2).contains(3));
        assert!(Calls::Range(2, 4).contains(2) && Calls::Range(2, 4).contains(4) && !Calls::Range(2, 4).contains(5));
        assert!(Calls::From(3).contains(30) && !Calls::From(3).contains(2));
    }

    #[test]
    fn forwards_several_requests_on_one_kept_alive_connection_and_counts_them() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(&upstream_addr(&upstream), vec![]);
        assert!(proxy.endpoint().starts_with("http://127.0.0.1:"));
        let mut client = Client::connect(&proxy);
        for op in ["DescribeStacks", "DescribeStacks", "CreateChangeSet"] {
            let r = client.query(op).expect("answered");
            assert_eq!(r.status, 200);
            assert_eq!(
                text(&r),
                format!("{op}:Action={op}&Version=2010-05-15&StackName=s%2F1"),
                "body forwarded whole"
            );
            assert_eq!(header(&r, "x-amzn-RequestId").as_deref(), Some("up-1"), "upstream headers passed on");
            assert_eq!(header(&r, "connection"), None, "kept alive");
        }
        assert_eq!(proxy.count("DescribeStacks"), 2);
        assert_eq!(proxy.count("CreateChangeSet"), 1);
        assert_eq!(proxy.count("ExecuteChangeSet"), 0);
        assert_eq!(proxy.counts().len(), 2);
        let calls = proxy.calls();
        assert_eq!(calls.len(), 3);
        assert_eq!(
            calls[1],
            Call { operation: "DescribeStacks".into(), number: 2, fault: None, upstream_status: Some(200) }
        );
        assert_eq!(upstream.ops(), ["DescribeStacks", "DescribeStacks", "CreateChangeSet"]);
        assert!(upstream.seen.lock().unwrap().iter().all(|(_, c)| c == "close"), "upstream connections are closed");
    }

    #[test]
    fn chunked_and_close_delimited_answers_reach_the_client_framed_by_length() {
        for framing in [Framing::Chunked, Framing::Close] {
            let upstream = Upstream::start(framing);
            let proxy = FaultProxy::start(&upstream_addr(&upstream), vec![]);
            let mut client = Client::connect(&proxy);
            for op in ["DescribeStacks", "GetTemplate"] {
                let r = client.query(op).unwrap_or_else(|| panic!("{framing:?}: answered"));
                assert_eq!(text(&r), format!("{op}:Action={op}&Version=2010-05-15&StackName=s%2F1"), "{framing:?}");
                assert_eq!(header(&r, "transfer-encoding"), None, "{framing:?}");
                assert_eq!(header(&r, "content-length"), Some(r.body.len().to_string()), "{framing:?}");
            }
            assert_eq!(proxy.count("GetTemplate"), 1, "{framing:?}: the connection was reused");
        }
    }

    #[test]
    fn chunked_requests_and_expect_continue_are_forwarded_with_a_length() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(&upstream_addr(&upstream), vec![]);
        let mut client = Client::connect(&proxy);
        let chunked =
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nAction=\r\n5\r\nListX\r\n0\r\n\r\n";
        assert_eq!(text(&client.send(chunked).expect("answered")), "ListX:Action=ListX");

        let body = "Action=DescribeStacks";
        let head =
            format!("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n", body.len());
        client.wire.stream.write_all(head.as_bytes()).unwrap();
        let interim = client.wire.head(Instant::now() + Duration::from_secs(5), &NEVER).unwrap().unwrap();
        assert!(interim.start.contains("100"), "{interim:?}");
        let r = client.send(body.as_bytes()).expect("answered after the body");
        assert_eq!(text(&r), "DescribeStacks:Action=DescribeStacks");
    }

    #[test]
    fn throttle_answers_the_first_calls_with_a_cloudformation_error_without_forwarding() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(
            &upstream_addr(&upstream),
            vec![Rule::on("DescribeStacks", Calls::First(2), Fault::Throttle)],
        );
        let mut client = Client::connect(&proxy);
        for _ in 0..2 {
            let r = client.query("DescribeStacks").expect("answered");
            assert_eq!(r.status, 400);
            assert_eq!(header(&r, "content-type").as_deref(), Some("text/xml"));
            let body = text(&r);
            assert!(body.starts_with("<ErrorResponse"), "{body}");
            let error = "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>";
            assert!(body.contains(&format!("{error}<RequestId>")), "{body}");
        }
        assert_eq!(client.query("DescribeStackEvents").expect("other operations pass").status, 200);
        assert_eq!(client.query("DescribeStacks").expect("the third passes").status, 200);
        assert_eq!(upstream.ops(), ["DescribeStackEvents", "DescribeStacks"]);
        let stacks = proxy.calls_of("DescribeStacks");
        let faults: Vec<Option<Fault>> = stacks.iter().map(|c| c.fault.clone()).collect();
        assert_eq!(faults, [Some(Fault::Throttle), Some(Fault::Throttle), None]);
        assert_eq!(stacks.iter().map(|c| c.upstream_status).collect::<Vec<_>>(), [None, None, Some(200)]);
    }

    #[test]
    fn json_protocol_errors_are_json() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(&upstream_addr(&upstream), vec![Rule::any(Calls::All, Fault::Throttle)]);
        let mut client = Client::connect(&proxy);
        let body = "{\"Entries\":[]}";
        let request = format!(
            "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSEvents.PutEvents\r\n\
             Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let r = client.send(request.as_bytes()).expect("answered");
        assert_eq!(r.status, 400);
        assert_eq!(text(&r), r#"{"__type":"Throttling","message":"Rate exceeded"}"#);
        assert_eq!(header(&r, "content-type").as_deref(), Some("application/x-amz-json-1.1"));
        assert_eq!(proxy.calls()[0].operation, "PutEvents");
        assert!(upstream.ops().is_empty());
        assert_eq!(cbor_text_map(&[("a", "bc")]), [0xa1, 0x61, b'a', 0x62, b'b', b'c']);
    }

    #[test]
    fn server_error_answers_503_service_unavailable() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(
            &upstream_addr(&upstream),
            vec![Rule::on("CreateChangeSet", Calls::Nth(1), Fault::ServerError(503))],
        );
        let mut client = Client::connect(&proxy);
        let r = client.query("CreateChangeSet").expect("answered");
        assert_eq!(r.status, 503);
        assert!(text(&r).contains("<Type>Receiver</Type><Code>ServiceUnavailable</Code>"), "{}", text(&r));
        assert_eq!(client.query("CreateChangeSet").expect("answered").status, 200);
        assert_eq!(upstream.ops(), ["CreateChangeSet"]);
    }

    #[test]
    fn delay_waits_then_forwards() {
        let upstream = Upstream::start(Framing::Length);
        let delay = Duration::from_millis(300);
        let proxy = FaultProxy::start(
            &upstream_addr(&upstream),
            vec![Rule::on("DescribeStacks", Calls::All, Fault::Delay(delay))],
        );
        let mut client = Client::connect(&proxy);
        let t0 = Instant::now();
        assert_eq!(client.query("DescribeStacks").expect("answered").status, 200);
        assert!(t0.elapsed() >= delay, "{:?}", t0.elapsed());
        assert_eq!(proxy.calls()[0].fault, Some(Fault::Delay(delay)));
        assert_eq!(proxy.calls()[0].upstream_status, Some(200));
        assert_eq!(upstream.ops(), ["DescribeStacks"]);
    }

    #[test]
    fn drop_before_forward_loses_the_request() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(
            &upstream_addr(&upstream),
            vec![Rule::on("ExecuteChangeSet", Calls::First(1), Fault::DropBeforeForward)],
        );
        let mut client = Client::connect(&proxy);
        assert!(client.query("ExecuteChangeSet").is_none(), "closed without an answer");
        assert!(upstream.ops().is_empty(), "not forwarded");
        let mut again = Client::connect(&proxy);
        assert_eq!(again.query("ExecuteChangeSet").expect("the retry passes").status, 200);
        let calls = proxy.calls();
        assert_eq!((calls[0].fault.clone(), calls[0].upstream_status), (Some(Fault::DropBeforeForward), None));
        assert_eq!((calls[1].number, calls[1].fault.clone()), (2, None));
    }

    #[test]
    fn drop_after_forward_executes_the_request_and_loses_the_answer() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(
            &upstream_addr(&upstream),
            vec![Rule::on("CreateChangeSet", Calls::First(1), Fault::DropAfterForward)],
        );
        let mut client = Client::connect(&proxy);
        assert!(client.query("CreateChangeSet").is_none(), "closed without an answer");
        assert_eq!(upstream.ops(), ["CreateChangeSet"], "forwarded");
        assert_eq!(proxy.calls()[0].upstream_status, Some(200));
        assert_eq!(proxy.calls()[0].fault, Some(Fault::DropAfterForward));
    }

    #[test]
    fn after_rules_wait_for_the_upstream_to_answer_an_operation() {
        let upstream = Upstream::start(Framing::Length);
        let rule = Rule::on("DescribeStacks", Calls::First(1), Fault::ServerError(500)).after("ExecuteChangeSet");
        let proxy = FaultProxy::start(&upstream_addr(&upstream), vec![rule]);
        let mut client = Client::connect(&proxy);
        assert_eq!(client.query("DescribeStacks").unwrap().status, 200, "not active yet");
        assert_eq!(client.query("ExecuteChangeSet").unwrap().status, 200);
        let r = client.query("DescribeStacks").unwrap();
        assert_eq!(r.status, 500, "the first call after");
        assert!(text(&r).contains("<Code>InternalFailure</Code>"));
        assert_eq!(client.query("DescribeStacks").unwrap().status, 200);
        assert_eq!(proxy.calls_of("DescribeStacks").iter().map(|c| c.number).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn an_unreachable_upstream_is_a_502() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // closed again at once
        let proxy = FaultProxy::start(&port.to_string(), vec![]);
        let r = Client::connect(&proxy).query("DescribeStacks").expect("answered");
        assert_eq!(r.status, 502);
        assert_eq!(proxy.calls()[0].upstream_status, None);
    }

    #[test]
    fn dropping_the_proxy_stops_it_with_idle_connections_open() {
        let upstream = Upstream::start(Framing::Length);
        let proxy = FaultProxy::start(&upstream_addr(&upstream), vec![]);
        let addr = proxy.addr();
        let mut client = Client::connect(&proxy);
        assert!(client.query("DescribeStacks").is_some());
        let t0 = Instant::now();
        drop(proxy);
        assert!(t0.elapsed() < Duration::from_secs(2), "stopped in {:?}", t0.elapsed());
        assert!(client.query("DescribeStacks").is_none(), "the idle connection was closed");
        assert!(TcpStream::connect(addr).is_err(), "no longer listening");
    }
}

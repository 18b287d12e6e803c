//! Paths and Reference Paths (JSONPath query language): parsing, evaluating a Path on a JSON
//! document ([`select`]) and writing at a Reference Path ([`set`], for `ResultPath`).
//!
//! Sources: the Amazon States Language specification ("Paths", "Reference Paths", "Input and
//! Output Processing") and the Step Functions developer guide ("Using JSONPath paths",
//! "Specifying state output using ResultPath"). Step Functions evaluates Paths with Jayway
//! JsonPath, so where the spec is silent this module does what Jayway does.
//!
//! # The subset
//!
//! `$`, `.name`, `['name']` / `["name"]` (escapes `\'`, `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`,
//! `\t`, `\uXXXX`), `[n]` (a negative `n` counts from the end, as in Jayway), `[*]` and `.*`,
//! `..name` / `..*` / `..[n]` (deep scan), unions `['a','b']` / `[0,2]`, slices `[start:end]`
//! (either bound optional, negative bounds count from the end, the end is exclusive), and
//! filters `[?(@.x == 1)]` (`==`, `!=`, `<`, `<=`, `>`, `>=` against a number, a string, `true`,
//! `false` or `null`) and `[?(@.x)]` (existence). The context object (`$$.`) is the caller's:
//! pass the context document to [`select`] with the leading `$` stripped.
//!
//! # Decisions
//!
//! - **Definite and indefinite paths** (Jayway): a path without a wildcard, deep scan, filter,
//!   union or slice ([`is_definite`]) selects one value or fails; any other path selects the JSON
//!   array of its matches, possibly empty (the guide's `$.jar[?(@.a >= 5)] => [{"a": 5}, {"a": 7}]`).
//! - **A definite path that matches nothing fails.** The error name depends on where the path is
//!   used ([`Purpose`]): `States.Runtime` for `InputPath`, `OutputPath`, `ItemsPath`, a Choice's
//!   `Variable` (the guide: `States.Runtime` "for example a path that does not exist in the
//!   input"), with Jayway's wording `Invalid path '$.x' : No results for path: $['x']`. A `.$`
//!   field of `Parameters`, `ItemSelector` or `ResultSelector` ([`Purpose::Parameter`]) also
//!   raises `States.Runtime`, with the cause `The JSONPath '$.a' specified for the field 'a.$'
//!   could not be found in the input '{...}'`: that is what executions report (an execution
//!   history on AWS in the AWS Step Functions workshop, `"error": "States.Runtime"` for
//!   `'address.$'`; Step Functions Local 2.0.0 and AWS in floci-io/floci#2521), although the spec
//!   ("Parameters") and the guide ("Error names") name `States.ParameterPathFailure` for it. AWS
//!   is the oracle; `States.Runtime` is also not caught by `States.ALL`, which matters to Catch.
//! - **Filters only test objects**: the guide says `@` "doesn't match scalar values. It only
//!   matches objects"; scalars in a filtered array are skipped. A filter on an object tests the
//!   object itself (Jayway). A comparison on a missing field or on values of different types is
//!   false, except `!=`, which Jayway evaluates as the negation of `==` without checking that the
//!   field exists (so it is true; the same negation json-path/JsonPath#940 reports for `nin`).
//! - **Reference Paths** ([`check_reference_path`]) are only `.name`, `['name']` and `[n]` steps
//!   (the spec: a Reference Path "is a Path with syntax limited in such a way that it can only
//!   identify a single node").
//! - **`ResultPath`** ([`set`]): `$` replaces the whole document; missing fields along the path are
//!   created as objects (the guide's `"ResultPath": "$.taskresult"` examples); writing a field into
//!   a non-object, or an index that is out of range or into a non-array, fails with
//!   `States.ResultPathMatchFailure` ("Unable to apply ResultPath ... to input ..."). `ResultPath:
//!   null` (keep the input, discard the result) is not a path: the caller handles it, without
//!   calling [`set`].
//! - **Parsed once**: each thread keeps the paths it parsed (at most 4096, then it starts over),
//!   since a run evaluates the same few paths again and again.
//! - **Bounded recursion**: the evaluator keeps its own stacks (a deep scan walks an explicit
//!   stack), so a deeply nested document cannot overflow the thread's stack; an error message
//!   quotes the input only when it is nested less than [`MAX_QUOTED_DEPTH`] levels.
//!
//! # Example
//!
//! ```
//! use constructs::stepfunctions::interpreter::jsonpath::{select, set};
//! use serde_json::json;
//!
//! let doc = json!({"foo": 123, "bar": ["a", "b", "c"], "car": {"cdr": true}});
//! assert_eq!(select("$.car.cdr", &doc).unwrap(), json!(true));
//! assert_eq!(select("$.bar[1:]", &doc).unwrap(), json!(["b", "c"]));
//! assert_eq!(select("$.nope", &doc).unwrap_err().error, "States.Runtime");
//!
//! let mut input = json!({"comment": "This is a test"});
//! set(&mut input, "$.taskresult", json!("Hello, Step Functions!")).unwrap();
//! assert_eq!(input, json!({"comment": "This is a test", "taskresult": "Hello, Step Functions!"}));
//! ```

use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use super::error::{names, StatesError};
use crate::json::depth_exceeds;

/// Error messages quote the input only if it is nested less deep than this (serializing is
/// recursive).
pub const MAX_QUOTED_DEPTH: usize = 512;

/// One step of a parsed path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// `.name` or `['name']`.
    Field(String),
    /// `[n]`.
    Index(i64),
    /// `.*` or `[*]`.
    Wildcard,
    /// `..` followed by a step, applied to the node and each of its descendants.
    DeepScan(Box<Step>),
    /// `['a','b']`.
    FieldUnion(Vec<String>),
    /// `[0,2]`.
    IndexUnion(Vec<i64>),
    /// `[start:end]`.
    Slice(Option<i64>, Option<i64>),
    /// `[?(...)]`.
    Filter(Filter),
}

/// A comparison operator of a filter.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `[?(@.a.b)]` or `[?(@.a.b <op> literal)]`.
#[derive(Debug, Clone, PartialEq)]
struct Filter {
    path: Vec<Step>,
    comparison: Option<(Op, Value)>,
}

/// A parsed Path.
#[derive(Debug, Clone, PartialEq)]
struct Parsed {
    steps: Vec<Step>,
}

fn quote(name: &str) -> String {
    format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Field(name) => f.write_str(&quote(name)),
            Step::Index(i) => write!(f, "[{i}]"),
            Step::Wildcard => f.write_str("[*]"),
            Step::DeepScan(inner) => write!(f, "..{inner}"),
            Step::FieldUnion(names) => {
                let parts: Vec<String> = names.iter().map(|n| format!("'{}'", n.replace('\'', "\\'"))).collect();
                write!(f, "[{}]", parts.join(","))
            }
            Step::IndexUnion(indexes) => {
                let parts: Vec<String> = indexes.iter().map(|i| i.to_string()).collect();
                write!(f, "[{}]", parts.join(","))
            }
            Step::Slice(start, end) => {
                let s = start.map(|s| s.to_string()).unwrap_or_default();
                let e = end.map(|e| e.to_string()).unwrap_or_default();
                write!(f, "[{s}:{e}]")
            }
            Step::Filter(_) => f.write_str("[?]"),
        }
    }
}

impl fmt::Display for Parsed {
    /// Jayway's normalized form, e.g. `$['store']['book'][*]['author']`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.steps {
            write!(f, "{step}")?;
        }
        Ok(())
    }
}

struct Parser<'a> {
    path: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(path: &'a str) -> Parser<'a> {
        Parser { path, chars: path.chars().collect(), pos: 0 }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("Invalid path '{}': {} at position {}", self.path, what, self.pos))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.pos += 1;
        }
    }

    fn parse(mut self) -> Result<Parsed, String> {
        if !self.eat('$') {
            return self.err("a path starts with '$'");
        }
        let steps = self.steps(false)?;
        Ok(Parsed { steps })
    }

    /// Steps until the end (or, in a filter, until a space, an operator or `)`).
    fn steps(&mut self, in_filter: bool) -> Result<Vec<Step>, String> {
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                None => return Ok(steps),
                Some('.') => {
                    self.pos += 1;
                    if self.eat('.') {
                        if in_filter {
                            return self.err("deep scan in a filter is not supported");
                        }
                        let inner = match self.peek() {
                            Some('[') => self.bracket()?,
                            Some('*') => {
                                self.pos += 1;
                                Step::Wildcard
                            }
                            _ => Step::Field(self.dot_name()?),
                        };
                        steps.push(Step::DeepScan(Box::new(inner)));
                    } else if self.eat('*') {
                        steps.push(Step::Wildcard);
                    } else if self.peek() == Some('[') {
                        // `$.abc.['def ghi']`, as the guide writes it (Jayway accepts it)
                        steps.push(self.bracket()?);
                    } else {
                        steps.push(Step::Field(self.dot_name()?));
                    }
                }
                Some('[') => steps.push(self.bracket()?),
                Some(' ' | ')' | '=' | '!' | '<' | '>') if in_filter => return Ok(steps),
                Some(c) => return self.err(&format!("unexpected '{c}'")),
            }
        }
    }

    fn dot_name(&mut self) -> Result<String, String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(c, '.' | '[' | ']' | ' ' | '(' | ')' | '=' | '!' | '<' | '>' | '\'' | '"' | ',' | '?' | '@') {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return self.err("expected a field name");
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn bracket(&mut self) -> Result<Step, String> {
        self.pos += 1; // '['
        self.skip_spaces();
        let step = match self.peek() {
            Some('*') => {
                self.pos += 1;
                Step::Wildcard
            }
            Some('\'' | '"') => {
                let mut names = vec![self.quoted()?];
                self.skip_spaces();
                while self.eat(',') {
                    self.skip_spaces();
                    names.push(self.quoted()?);
                    self.skip_spaces();
                }
                if names.len() == 1 {
                    Step::Field(names.pop().unwrap_or_default())
                } else {
                    Step::FieldUnion(names)
                }
            }
            Some('?') => {
                self.pos += 1;
                Step::Filter(self.filter()?)
            }
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => {
                let first = if c == ':' { None } else { Some(self.integer()?) };
                self.skip_spaces();
                if self.eat(':') {
                    self.skip_spaces();
                    let end = if matches!(self.peek(), Some(c) if c == '-' || c.is_ascii_digit()) {
                        Some(self.integer()?)
                    } else {
                        None
                    };
                    Step::Slice(first, end)
                } else {
                    let mut indexes = vec![first.unwrap_or_default()];
                    while self.eat(',') {
                        self.skip_spaces();
                        indexes.push(self.integer()?);
                        self.skip_spaces();
                    }
                    if indexes.len() == 1 {
                        Step::Index(indexes[0])
                    } else {
                        Step::IndexUnion(indexes)
                    }
                }
            }
            _ => return self.err("expected a quoted name, an index, '*', a slice or a filter after '['"),
        };
        self.skip_spaces();
        if !self.eat(']') {
            return self.err("expected ']'");
        }
        Ok(step)
    }

    fn integer(&mut self) -> Result<i64, String> {
        let start = self.pos;
        self.eat('-');
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse() {
            Ok(n) => Ok(n),
            Err(_) => {
                self.pos = start;
                self.err("expected an integer")
            }
        }
    }

    fn quoted(&mut self) -> Result<String, String> {
        let quote = match self.peek() {
            Some(q @ ('\'' | '"')) => q,
            _ => return self.err("expected a quoted name"),
        };
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return self.err("unterminated quoted name"),
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(c @ ('\'' | '"' | '\\' | '/')) => c,
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => {
                            let hex: String = self.chars.iter().skip(self.pos + 1).take(4).collect();
                            let code = u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 4);
                            match code.and_then(char::from_u32) {
                                Some(c) => {
                                    self.pos += 4;
                                    c
                                }
                                None => return self.err("invalid \\u escape"),
                            }
                        }
                        _ => return self.err("invalid escape"),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(c) => {
                    self.pos += 1;
                    out.push(c);
                }
            }
        }
    }

    fn filter(&mut self) -> Result<Filter, String> {
        if !self.eat('(') {
            return self.err("expected '(' after '?'");
        }
        self.skip_spaces();
        if !self.eat('@') {
            return self.err("a filter starts with '@'");
        }
        let path = self.steps(true)?;
        if path.iter().any(|s| !matches!(s, Step::Field(_) | Step::Index(_))) {
            return self.err("a filter's path has only names and indexes");
        }
        self.skip_spaces();
        let op = match (self.peek(), self.chars.get(self.pos + 1).copied()) {
            (Some('='), Some('=')) => Some((Op::Eq, 2)),
            (Some('!'), Some('=')) => Some((Op::Ne, 2)),
            (Some('<'), Some('=')) => Some((Op::Le, 2)),
            (Some('>'), Some('=')) => Some((Op::Ge, 2)),
            (Some('<'), _) => Some((Op::Lt, 1)),
            (Some('>'), _) => Some((Op::Gt, 1)),
            (Some(')'), _) => None,
            _ => return self.err("expected a comparison operator or ')'"),
        };
        let comparison = match op {
            None => None,
            Some((op, len)) => {
                self.pos += len;
                self.skip_spaces();
                let literal = self.literal()?;
                self.skip_spaces();
                Some((op, literal))
            }
        };
        if !self.eat(')') {
            return self.err("expected ')'");
        }
        Ok(Filter { path, comparison })
    }

    fn literal(&mut self) -> Result<Value, String> {
        match self.peek() {
            Some('\'' | '"') => Ok(Value::String(self.quoted()?)),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c.is_ascii_digit())
                {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                match serde_json::from_str::<Value>(&text) {
                    Ok(n @ Value::Number(_)) => Ok(n),
                    _ => {
                        self.pos = start;
                        self.err("invalid number")
                    }
                }
            }
            _ => {
                for (word, value) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)]
                {
                    let end = self.pos + word.len();
                    if end <= self.chars.len() && self.chars[self.pos..end].iter().copied().eq(word.chars()) {
                        self.pos = end;
                        return Ok(value);
                    }
                }
                self.err("expected a number, a string, true, false or null")
            }
        }
    }
}

/// The most parsed paths a thread keeps (a definition has a few dozen; the bound keeps a
/// stream of generated paths from growing the cache without end).
const CACHED_PATHS: usize = 4096;

thread_local! {
    /// Paths parsed on this thread: a run evaluates the same few paths again and again.
    static PARSED: std::cell::RefCell<std::collections::HashMap<String, Rc<Parsed>>> = Default::default();
}

/// `path` parsed, from this thread's cache when it was parsed before.
fn parse(path: &str) -> Result<Rc<Parsed>, String> {
    if let Some(hit) = PARSED.with(|c| c.borrow().get(path).cloned()) {
        return Ok(hit);
    }
    let parsed = Rc::new(Parser::new(path).parse()?);
    PARSED.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHED_PATHS {
            cache.clear();
        }
        cache.insert(path.to_string(), parsed.clone());
    });
    Ok(parsed)
}

fn is_definite_steps(steps: &[Step]) -> bool {
    steps.iter().all(|s| matches!(s, Step::Field(_) | Step::Index(_)))
}

/// Whether `path` is definite: it parses and has no wildcard, deep scan, filter, union or slice,
/// so it selects at most one node (Jayway's definite path; the spec's Reference Path). A path that
/// does not parse is not definite.
pub fn is_definite(path: &str) -> bool {
    parse(path).map(|p| is_definite_steps(&p.steps)).unwrap_or(false)
}

/// Checks that `path` is a Reference Path (the spec's "Reference Paths": only `.name`, `['name']`
/// and `[n]` steps after `$`), as `ResultPath` requires; the error says why not.
pub fn check_reference_path(path: &str) -> Result<(), String> {
    let parsed = parse(path)?;
    match parsed.steps.iter().find(|s| !matches!(s, Step::Field(_) | Step::Index(_))) {
        None => Ok(()),
        Some(step) => {
            Err(format!("Invalid path '{path}': a Reference Path has only '.name', ['name'] and [n] steps, not {step}"))
        }
    }
}

/// Where a path is used, which decides the error a path without a match raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'a> {
    /// `InputPath`, `OutputPath`, `ItemsPath`, a Choice rule's `Variable`...: `States.Runtime`.
    Path,
    /// The value of the `.$` field `field` (named with its `.$`) of `Parameters`, `ItemSelector`
    /// or `ResultSelector`: `States.Runtime` as executions report it (not the spec's
    /// `States.ParameterPathFailure`; see the module docs), with AWS's cause naming the field.
    Parameter {
        /// The field's name, e.g. `address.$`.
        field: &'a str,
    },
}

/// Why [`try_select`] selected nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// The path does not parse (the message names the path and the position).
    Parse(String),
    /// A definite path with no match.
    NoMatch {
        /// The path as written.
        path: String,
        /// Jayway's normalized form of it, e.g. `$['x']`.
        normalized: String,
    },
}

impl SelectError {
    /// The error a run raises for this failure when the path is used for `purpose`, with the
    /// cause AWS reports ([`Purpose`]); `input` is the document the path was evaluated on.
    pub fn into_states_error(self, purpose: Purpose<'_>, input: &Value) -> StatesError {
        match (self, purpose) {
            (SelectError::Parse(message), _) => StatesError::runtime(message),
            (SelectError::NoMatch { path, normalized }, Purpose::Path) => {
                StatesError::runtime(format!("Invalid path '{path}' : No results for path: {normalized}"))
            }
            (SelectError::NoMatch { path, .. }, Purpose::Parameter { field }) => StatesError::runtime(format!(
                "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
                quoted_input(input)
            )),
        }
    }
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Parse(message) => f.write_str(message),
            SelectError::NoMatch { path, normalized } => {
                write!(f, "Invalid path '{path}' : No results for path: {normalized}")
            }
        }
    }
}

impl std::error::Error for SelectError {}

fn quoted_input(input: &Value) -> String {
    if depth_exceeds(input, MAX_QUOTED_DEPTH) {
        format!("<a document nested deeper than {MAX_QUOTED_DEPTH} levels>")
    } else {
        input.to_string()
    }
}

/// `i` counted from the end when negative (Jayway), if in `0..len`.
fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if i < 0 { len + i } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

fn slice_bound(b: i64, len: i64) -> i64 {
    if b < 0 {
        (len + b).max(0)
    } else {
        b.min(len)
    }
}

fn compare(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

fn filter_matches(filter: &Filter, candidate: &Value) -> bool {
    if !candidate.is_object() {
        return false; // the guide: `@` only matches objects
    }
    let mut nodes = vec![candidate];
    for step in &filter.path {
        nodes = apply(step, &nodes);
    }
    let found = nodes.first().copied();
    match (&filter.comparison, found) {
        (None, found) => found.is_some(),
        (Some((Op::Ne, literal)), found) => found.and_then(|v| compare(v, literal)) != Some(Ordering::Equal),
        (Some(_), None) => false,
        (Some((op, literal)), Some(v)) => match compare(v, literal) {
            None => false,
            Some(ord) => match op {
                Op::Eq => ord == Ordering::Equal,
                Op::Ne => ord != Ordering::Equal,
                Op::Lt => ord == Ordering::Less,
                Op::Le => ord != Ordering::Greater,
                Op::Gt => ord == Ordering::Greater,
                Op::Ge => ord != Ordering::Less,
            },
        },
    }
}

/// The node and its descendants, in document order (pre-order), with an explicit stack.
fn self_and_descendants(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(node) = stack.pop() {
        out.push(node);
        match node {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => stack.extend(map.values().rev()),
            _ => {}
        }
    }
    out
}

fn apply<'v>(step: &Step, nodes: &[&'v Value]) -> Vec<&'v Value> {
    let mut out = Vec::new();
    for &node in nodes {
        match step {
            Step::Field(name) => out.extend(node.as_object().and_then(|m| m.get(name))),
            Step::Index(i) => {
                if let Value::Array(items) = node {
                    out.extend(resolve_index(*i, items.len()).map(|i| &items[i]));
                }
            }
            Step::Wildcard => match node {
                Value::Array(items) => out.extend(items.iter()),
                Value::Object(map) => out.extend(map.values()),
                _ => {}
            },
            Step::DeepScan(inner) => {
                let all = self_and_descendants(node);
                out.extend(apply(inner, &all));
            }
            Step::FieldUnion(names) => {
                if let Value::Object(map) = node {
                    out.extend(names.iter().filter_map(|n| map.get(n)));
                }
            }
            Step::IndexUnion(indexes) => {
                if let Value::Array(items) = node {
                    out.extend(indexes.iter().filter_map(|&i| resolve_index(i, items.len())).map(|i| &items[i]));
                }
            }
            Step::Slice(start, end) => {
                if let Value::Array(items) = node {
                    let len = items.len() as i64;
                    let s = slice_bound(start.unwrap_or(0), len);
                    let e = slice_bound(end.unwrap_or(len), len);
                    if s < e {
                        out.extend(items[s as usize..e as usize].iter());
                    }
                }
            }
            Step::Filter(filter) => match node {
                Value::Array(items) => out.extend(items.iter().filter(|i| filter_matches(filter, i))),
                other if filter_matches(filter, other) => out.push(other),
                _ => {}
            },
        }
    }
    out
}

/// Evaluates `path` on `doc`: a definite path's value (or [`SelectError::NoMatch`]), an
/// indefinite path's JSON array of matches (possibly empty), as Jayway does.
pub fn try_select(path: &str, doc: &Value) -> Result<Value, SelectError> {
    let parsed = parse(path).map_err(SelectError::Parse)?;
    let mut nodes = vec![doc];
    for step in &parsed.steps {
        nodes = apply(step, &nodes);
    }
    if is_definite_steps(&parsed.steps) {
        match nodes.first() {
            Some(v) => Ok((*v).clone()),
            None => Err(SelectError::NoMatch { path: path.to_string(), normalized: parsed.to_string() }),
        }
    } else {
        Ok(Value::Array(nodes.into_iter().cloned().collect()))
    }
}

/// Evaluates `path` on `doc` for `purpose`: [`try_select`], its failure turned into the error
/// AWS raises there ([`SelectError::into_states_error`]).
pub fn select_for(path: &str, doc: &Value, purpose: Purpose<'_>) -> Result<Value, StatesError> {
    try_select(path, doc).map_err(|e| e.into_states_error(purpose, doc))
}

/// Evaluates `path` on `doc` as `InputPath`/`OutputPath` do ([`Purpose::Path`]): a definite path
/// that matches nothing raises `States.Runtime` ("Invalid path '$.x' : No results for path:
/// $['x']"); an indefinite path gives the array of its matches.
pub fn select(path: &str, doc: &Value) -> Result<Value, StatesError> {
    select_for(path, doc, Purpose::Path)
}

fn result_path_failure(path: &str, doc: &Value, why: &str) -> StatesError {
    StatesError::result_path_match_failure(format!(
        "Unable to apply ResultPath '{path}' to input '{}': {why}",
        quoted_input(doc)
    ))
}

/// Writes `value` at the Reference Path `reference_path` of `doc` (`ResultPath`): `$` replaces
/// the document; missing fields along the way are created as objects; a field of a non-object,
/// an index of a non-array or an index out of range fails with `States.ResultPathMatchFailure`,
/// leaving `doc` unchanged. (`ResultPath: null`, keeping the input, is the caller's.)
pub fn set(doc: &mut Value, reference_path: &str, value: Value) -> Result<(), StatesError> {
    check_reference_path(reference_path).map_err(|e| StatesError::new(names::RESULT_PATH_MATCH_FAILURE, e))?;
    let parsed = parse(reference_path).map_err(StatesError::result_path_match_failure)?;
    let steps = &parsed.steps;
    // Check first, on the unchanged document, so that a failure changes nothing.
    let mut cur: Option<&Value> = Some(doc);
    for (n, step) in steps.iter().enumerate() {
        let shown = || Parsed { steps: steps[..=n].to_vec() };
        cur = match (step, cur) {
            (Step::Field(_), None) => None, // created
            (Step::Field(name), Some(Value::Object(map))) => map.get(name),
            (Step::Field(_), Some(_)) => {
                return Err(result_path_failure(reference_path, doc, &format!("{} is not inside an object", shown())))
            }
            (Step::Index(i), Some(Value::Array(items))) => match resolve_index(*i, items.len()) {
                Some(i) => Some(&items[i]),
                None => {
                    return Err(result_path_failure(reference_path, doc, &format!("{}: index out of range", shown())))
                }
            },
            (Step::Index(_), _) => {
                return Err(result_path_failure(reference_path, doc, &format!("{} is not inside an array", shown())))
            }
            _ => unreachable!("checked: a reference path"),
        };
    }
    let mut target: &mut Value = doc;
    for step in steps {
        target = match (step, target) {
            (Step::Field(name), Value::Object(map)) => {
                map.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()))
            }
            (Step::Index(i), Value::Array(items)) => {
                let i = resolve_index(*i, items.len()).unwrap_or_default();
                &mut items[i]
            }
            _ => unreachable!("checked above"),
        };
    }
    *target = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The JSONPath "store" document (Goessner's, used by Jayway's README and the spec's Paths
    /// section style `$.store.book[*].author`).
    fn store() -> Value {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "expensive": 10
        })
    }

    /// The guide's "Reference Paths" input.
    fn guide() -> Value {
        json!({
            "foo": 123,
            "bar": ["a", "b", "c"],
            "car": {"cdr": true},
            "jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}]
        })
    }

    fn sel(path: &str, doc: &Value) -> Value {
        select(path, doc).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    // --- the guide's "Reference Paths" examples ---
    #[test]
    fn guide_reference_path_foo() {
        assert_eq!(sel("$.foo", &guide()), json!(123));
    }
    #[test]
    fn guide_reference_path_bar() {
        assert_eq!(sel("$.bar", &guide()), json!(["a", "b", "c"]));
    }
    #[test]
    fn guide_reference_path_car_cdr() {
        assert_eq!(sel("$.car.cdr", &guide()), json!(true));
    }
    #[test]
    fn guide_filter_jar_ge_5() {
        assert_eq!(sel("$.jar[?(@.a >= 5)]", &guide()), json!([{"a": 5}, {"a": 7}]));
    }
    #[test]
    fn dollar_is_the_whole_document() {
        // the spec: "$" is the whole input
        assert_eq!(sel("$", &guide()), guide());
    }
    #[test]
    fn guide_bracket_notation_for_special_characters() {
        // the guide: `$.abc.['def ghi']` (bracket notation after a dot, as Jayway accepts)
        let doc = json!({"abc": {"def ghi": 1}});
        assert_eq!(sel("$.abc['def ghi']", &doc), json!(1));
        assert_eq!(sel("$.abc.['def ghi']", &doc), json!(1));
    }

    // --- the store document (Jayway's README examples) ---
    #[test]
    fn store_all_authors() {
        assert_eq!(
            sel("$.store.book[*].author", &store()),
            json!(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])
        );
    }
    #[test]
    fn store_deep_scan_authors() {
        assert_eq!(sel("$..author", &store()).as_array().map(Vec::len), Some(4));
    }
    #[test]
    fn store_everything_in_store() {
        assert_eq!(sel("$.store.*", &store()).as_array().map(Vec::len), Some(2));
    }
    #[test]
    fn store_all_prices_deep() {
        assert_eq!(sel("$.store..price", &store()), json!([8.95, 12.99, 8.99, 22.99, 19.95]));
    }
    #[test]
    fn store_third_book() {
        assert_eq!(sel("$..book[2].title", &store()), json!(["Moby Dick"]));
    }
    #[test]
    fn store_second_to_last_book_negative_index() {
        assert_eq!(sel("$.store.book[-2].title", &store()), json!("Moby Dick"));
    }
    #[test]
    fn store_last_book_slice() {
        assert_eq!(sel("$.store.book[-1:].title", &store()), json!(["The Lord of the Rings"]));
    }
    #[test]
    fn store_first_two_books_union() {
        assert_eq!(sel("$.store.book[0,1].author", &store()), json!(["Nigel Rees", "Evelyn Waugh"]));
    }
    #[test]
    fn store_first_two_books_slice() {
        assert_eq!(sel("$.store.book[:2].author", &store()), json!(["Nigel Rees", "Evelyn Waugh"]));
    }
    #[test]
    fn store_books_from_index_1_to_2() {
        assert_eq!(sel("$.store.book[1:2].author", &store()), json!(["Evelyn Waugh"]));
    }
    #[test]
    fn store_books_from_2() {
        assert_eq!(sel("$.store.book[2:].author", &store()), json!(["Herman Melville", "J. R. R. Tolkien"]));
    }
    #[test]
    fn store_books_with_isbn() {
        assert_eq!(sel("$..book[?(@.isbn)].title", &store()), json!(["Moby Dick", "The Lord of the Rings"]));
    }
    #[test]
    fn store_books_cheaper_than_10() {
        assert_eq!(sel("$.store.book[?(@.price < 10)].price", &store()), json!([8.95, 8.99]));
    }
    #[test]
    fn store_books_le_8_99() {
        assert_eq!(sel("$.store.book[?(@.price <= 8.99)].price", &store()), json!([8.95, 8.99]));
    }
    #[test]
    fn store_books_gt_20() {
        assert_eq!(sel("$.store.book[?(@.price > 20)].title", &store()), json!(["The Lord of the Rings"]));
    }
    #[test]
    fn store_filter_string_equality() {
        assert_eq!(sel("$.store.book[?(@.category == 'reference')].author", &store()), json!(["Nigel Rees"]));
        assert_eq!(sel("$.store.book[?(@.author == \"Herman Melville\")].price", &store()), json!([8.99]));
    }
    #[test]
    fn store_filter_not_equal() {
        assert_eq!(sel("$.store.book[?(@.category != 'fiction')].author", &store()), json!(["Nigel Rees"]));
    }
    #[test]
    fn store_everything_deep() {
        // `$..*`: every node but the root (store, book, 4 books, their 18 fields, bicycle, its 2
        // fields, expensive)
        let all = sel("$..*", &store());
        assert_eq!(all.as_array().map(Vec::len), Some(28));
    }
    #[test]
    fn store_field_union() {
        assert_eq!(sel("$.store.bicycle['color','price']", &store()), json!(["red", 19.95]));
    }
    #[test]
    fn store_bracket_path() {
        assert_eq!(sel("$['store']['bicycle']['color']", &store()), json!("red"));
        assert_eq!(sel("$[\"store\"][\"bicycle\"][\"color\"]", &store()), json!("red"));
    }
    #[test]
    fn store_deep_scan_index() {
        assert_eq!(sel("$..book[0].author", &store()), json!(["Nigel Rees"]));
    }

    // --- filters ---
    #[test]
    fn filter_on_scalars_matches_nothing() {
        // the guide: "@ ... doesn't match scalar values. It only matches objects"
        assert_eq!(sel("$.bar[?(@.x)]", &guide()), json!([]));
    }
    #[test]
    fn filter_on_booleans_and_null() {
        let doc = json!([{"ok": true, "v": null}, {"ok": false, "v": 1}]);
        assert_eq!(sel("$[?(@.ok == true)].v", &doc), json!([null]));
        assert_eq!(sel("$[?(@.ok == false)].v", &doc), json!([1]));
        assert_eq!(sel("$[?(@.v == null)].ok", &doc), json!([true]));
    }
    #[test]
    fn filter_type_mismatch_is_false_but_not_equal_is_true() {
        let doc = json!([{"a": "1"}, {"a": 1}, {"b": 2}]);
        assert_eq!(sel("$[?(@.a == 1)]", &doc), json!([{"a": 1}]));
        assert_eq!(sel("$[?(@.a < 2)]", &doc), json!([{"a": 1}]));
        assert_eq!(sel("$[?(@.a != 1)]", &doc), json!([{"a": "1"}, {"b": 2}]));
    }
    #[test]
    fn filter_nested_path_and_negative_number() {
        let doc = json!([{"x": {"y": -1.5}}, {"x": {"y": 3}}]);
        assert_eq!(sel("$[?(@.x.y < -1)].x.y", &doc), json!([-1.5]));
        assert_eq!(sel("$[?(@['x']['y'] >= 3)].x.y", &doc), json!([3]));
    }
    #[test]
    fn filter_on_an_object_tests_the_object() {
        // Jayway: a filter on an object evaluates the object itself
        assert_eq!(sel("$.car[?(@.cdr == true)]", &guide()), json!([{"cdr": true}]));
    }
    #[test]
    fn filter_string_ordering() {
        let doc = json!([{"n": "apple"}, {"n": "pear"}]);
        assert_eq!(sel("$[?(@.n > 'b')].n", &doc), json!(["pear"]));
    }

    // --- indefinite paths give arrays (Jayway) ---
    #[test]
    fn indefinite_path_without_matches_is_empty_array() {
        assert_eq!(sel("$.nope[*]", &guide()), json!([]));
        assert_eq!(sel("$..nope", &guide()), json!([]));
    }
    #[test]
    fn wildcard_on_object_and_array() {
        assert_eq!(sel("$.bar[*]", &guide()), json!(["a", "b", "c"]));
        assert_eq!(sel("$.car.*", &guide()), json!([true]));
    }
    #[test]
    fn wildcard_keeps_object_order() {
        // serde_json with preserve_order keeps the document's order, as Jayway does
        let doc = json!({"z": 1, "a": 2, "m": 3});
        assert_eq!(sel("$.*", &doc), json!([1, 2, 3]));
    }
    #[test]
    fn slice_out_of_range_is_clamped() {
        assert_eq!(sel("$.bar[1:10]", &guide()), json!(["b", "c"]));
        assert_eq!(sel("$.bar[-10:1]", &guide()), json!(["a"]));
        assert_eq!(sel("$.bar[2:1]", &guide()), json!([]));
    }
    #[test]
    fn union_skips_missing_indexes() {
        assert_eq!(sel("$.bar[0,5,-1]", &guide()), json!(["a", "c"]));
    }
    #[test]
    fn guide_flatten_array_of_arrays() {
        // the guide's "Flattening an array of arrays": `$[*][*]`
        let doc = json!([[1, 2, 3], [4, 5, 6], [7, 8]]);
        assert_eq!(sel("$[*][*]", &doc), json!([1, 2, 3, 4, 5, 6, 7, 8]));
    }

    // --- definite paths that match nothing ---
    #[test]
    fn input_path_no_match_is_states_runtime() {
        let err = select("$.x", &json!({})).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(err.cause, "Invalid path '$.x' : No results for path: $['x']");
    }
    #[test]
    fn no_match_names_the_normalized_path() {
        let err = select("$.a[0].b", &json!({"a": []})).unwrap_err();
        assert_eq!(err.cause, "Invalid path '$.a[0].b' : No results for path: $['a'][0]['b']");
    }
    #[test]
    fn field_of_a_non_object_is_no_match() {
        assert!(select("$.foo.bar", &guide()).is_err());
        assert!(select("$.bar.x", &guide()).is_err());
    }
    #[test]
    fn index_out_of_range_is_no_match() {
        assert!(select("$.bar[3]", &guide()).is_err());
        assert!(select("$.bar[-4]", &guide()).is_err());
        assert_eq!(sel("$.bar[-3]", &guide()), json!("a"));
    }
    #[test]
    fn index_of_an_object_is_no_match() {
        assert!(select("$.car[0]", &guide()).is_err());
    }
    #[test]
    fn parameter_no_match_is_runtime_as_aws_reports() {
        // the error and cause an AWS execution reports for `"address.$": "$.application.address"`
        // on `{"flagged":false}` (AWS Step Functions workshop; floci-io/floci#2521 for SFN Local)
        let input = json!({"flagged": false});
        let err = select_for("$.application.address", &input, Purpose::Parameter { field: "address.$" }).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert!(!err.matches(&["States.ALL"]), "not caught by States.ALL");
        assert_eq!(
            err.cause,
            "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'"
        );
    }
    #[test]
    fn try_select_reports_no_match() {
        assert_eq!(
            try_select("$.x", &json!(1)),
            Err(SelectError::NoMatch { path: "$.x".into(), normalized: "$['x']".into() })
        );
    }
    #[test]
    fn null_value_is_a_match() {
        assert_eq!(sel("$.a", &json!({"a": null})), Value::Null);
    }

    // --- parsing ---
    #[test]
    fn escapes_in_quoted_names() {
        let doc = json!({"it's": 1, "a\"b": 2, "back\\slash": 3, "tab\t": 4, "é": 5});
        assert_eq!(sel(r"$['it\'s']", &doc), json!(1));
        assert_eq!(sel(r#"$["a\"b"]"#, &doc), json!(2));
        assert_eq!(sel(r"$['back\\slash']", &doc), json!(3));
        assert_eq!(sel(r"$['tab\t']", &doc), json!(4));
        assert_eq!(sel(r"$['\u00e9']", &doc), json!(5));
    }
    #[test]
    fn dot_names_with_dashes_and_digits() {
        let doc = json!({"a-b": {"0": "zero"}});
        assert_eq!(sel("$.a-b.0", &doc), json!("zero"));
    }
    #[test]
    fn spaces_inside_brackets() {
        assert_eq!(sel("$.bar[ 1 ]", &guide()), json!("b"));
        assert_eq!(sel("$.jar[?( @.a == 7 )]", &guide()), json!([{"a": 7}]));
    }
    #[test]
    fn parse_error_must_start_with_dollar() {
        let err = select("foo", &json!({})).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(err.cause, "Invalid path 'foo': a path starts with '$' at position 0");
    }
    #[test]
    fn parse_error_unclosed_bracket_names_position() {
        let err = try_select("$.a[0", &json!({})).unwrap_err();
        assert_eq!(err, SelectError::Parse("Invalid path '$.a[0': expected ']' at position 5".into()));
    }
    #[test]
    fn parse_error_empty_name() {
        assert!(matches!(try_select("$.", &json!({})), Err(SelectError::Parse(m)) if m.contains("position 2")));
        assert!(matches!(try_select("$.a..", &json!({})), Err(SelectError::Parse(_))));
    }
    #[test]
    fn parse_error_unterminated_quote() {
        assert!(matches!(try_select("$['a", &json!({})), Err(SelectError::Parse(m)) if m.contains("unterminated")));
    }
    #[test]
    fn parse_error_bad_filter() {
        assert!(try_select("$[?(@.a = 1)]", &json!([])).is_err());
        assert!(try_select("$[?(a == 1)]", &json!([])).is_err());
        assert!(try_select("$[?(@.a == )]", &json!([])).is_err());
        assert!(try_select("$[?@.a]", &json!([])).is_err());
    }
    #[test]
    fn parse_error_trailing_garbage() {
        assert!(try_select("$.a]", &json!({})).is_err());
        assert!(try_select("$a", &json!({})).is_err());
    }
    #[test]
    fn parse_error_bad_escape() {
        assert!(try_select(r"$['\q']", &json!({})).is_err());
        assert!(try_select(r"$['\u12']", &json!({})).is_err());
    }

    // --- is_definite and check_reference_path ---
    #[test]
    fn definite_paths() {
        for p in ["$", "$.a", "$['a'].b[0]", "$.a[-1]"] {
            assert!(is_definite(p), "{p}");
        }
    }
    #[test]
    fn indefinite_paths() {
        for p in ["$.a[*]", "$.*", "$..a", "$.a[0,1]", "$['a','b']", "$.a[1:]", "$.a[?(@.b)]", "nope"] {
            assert!(!is_definite(p), "{p}");
        }
    }
    #[test]
    fn spec_reference_paths_accepted() {
        // the spec: a Reference Path identifies a single node
        assert_eq!(check_reference_path("$.a.b[2]['c d']"), Ok(()));
        assert_eq!(check_reference_path("$"), Ok(()));
    }
    #[test]
    fn spec_reference_paths_rejected() {
        for p in ["$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0:1]", "$['a','b']"] {
            assert!(check_reference_path(p).is_err(), "{p}");
        }
        assert!(check_reference_path("a.b").is_err());
    }

    // --- set (ResultPath), the guide's "Specifying state output using ResultPath" ---
    fn guide_input() -> Value {
        json!({"comment": "This is a test", "details": "Default example", "who": "Step Functions"})
    }

    #[test]
    fn guide_result_path_dollar_replaces_input() {
        let mut doc = guide_input();
        set(&mut doc, "$", json!("Hello, Step Functions!")).unwrap();
        assert_eq!(doc, json!("Hello, Step Functions!"));
    }
    #[test]
    fn guide_result_path_includes_result_with_input() {
        let mut doc = guide_input();
        set(&mut doc, "$.taskresult", json!("Hello, Step Functions!")).unwrap();
        assert_eq!(
            doc,
            json!({"comment": "This is a test", "details": "Default example", "who": "Step Functions", "taskresult": "Hello, Step Functions!"})
        );
    }
    #[test]
    fn guide_result_path_updates_a_node() {
        // the guide: "ResultPath": "$.comment" replaces that node of the input
        let mut doc = guide_input();
        set(&mut doc, "$.comment", json!("Hello, Step Functions!")).unwrap();
        assert_eq!(doc["comment"], json!("Hello, Step Functions!"));
        assert_eq!(doc.as_object().map(|m| m.keys().next().cloned()), Some(Some("comment".into())), "order kept");
    }
    #[test]
    fn guide_result_path_error_in_catch() {
        // the guide: a Catch with "ResultPath": "$.error" keeps the input and adds the error
        let mut doc = json!({"foo": "bar"});
        set(&mut doc, "$.error", json!({"Error": "States.TaskFailed", "Cause": "boom"})).unwrap();
        assert_eq!(doc, json!({"foo": "bar", "error": {"Error": "States.TaskFailed", "Cause": "boom"}}));
    }
    #[test]
    fn result_path_creates_missing_objects() {
        let mut doc = json!({"a": {}});
        set(&mut doc, "$.a.b.c", json!(1)).unwrap();
        assert_eq!(doc, json!({"a": {"b": {"c": 1}}}));
    }
    #[test]
    fn result_path_into_existing_array_index() {
        let mut doc = json!({"list": [1, 2, 3]});
        set(&mut doc, "$.list[1]", json!("x")).unwrap();
        set(&mut doc, "$.list[-1]", json!("z")).unwrap();
        assert_eq!(doc, json!({"list": [1, "x", "z"]}));
    }
    #[test]
    fn result_path_bracket_names() {
        let mut doc = json!({});
        set(&mut doc, "$['a b']['c']", json!(true)).unwrap();
        assert_eq!(doc, json!({"a b": {"c": true}}));
    }
    #[test]
    fn result_path_into_string_input_fails() {
        let mut doc = json!("just a string");
        let err = set(&mut doc, "$.result", json!(1)).unwrap_err();
        assert_eq!(err.error, "States.ResultPathMatchFailure");
        assert!(
            err.cause.starts_with("Unable to apply ResultPath '$.result' to input '\"just a string\"'"),
            "{}",
            err.cause
        );
        assert_eq!(doc, json!("just a string"), "unchanged");
    }
    #[test]
    fn result_path_into_a_number_fails() {
        let mut doc = json!({"a": 1});
        let err = set(&mut doc, "$.a.b", json!(2)).unwrap_err();
        assert_eq!(err.error, "States.ResultPathMatchFailure");
        assert_eq!(doc, json!({"a": 1}));
    }
    #[test]
    fn result_path_index_out_of_range_fails() {
        let mut doc = json!({"list": [1]});
        let err = set(&mut doc, "$.list[1]", json!(2)).unwrap_err();
        assert_eq!(err.error, "States.ResultPathMatchFailure");
        assert!(err.cause.contains("index out of range"));
    }
    #[test]
    fn result_path_index_into_missing_field_fails() {
        let mut doc = json!({});
        assert!(set(&mut doc, "$.list[0]", json!(2)).is_err());
        assert_eq!(doc, json!({}), "nothing created on failure");
    }
    #[test]
    fn result_path_must_be_a_reference_path() {
        let mut doc = json!({"a": [1]});
        let err = set(&mut doc, "$.a[*]", json!(2)).unwrap_err();
        assert_eq!(err.error, "States.ResultPathMatchFailure");
        assert!(set(&mut doc, "not a path", json!(2)).is_err());
    }

    // --- bounded recursion ---
    fn nested(depth: usize) -> Value {
        let mut v = json!({"leaf": 1});
        for _ in 0..depth {
            let mut m = Map::new();
            m.insert("n".into(), v);
            v = Value::Object(m);
        }
        v
    }
    /// Drops a deep document without recursing.
    fn dismantle(mut v: Value) {
        while let Some(inner) = v.as_object_mut().and_then(|m| m.remove("n")) {
            v = inner;
        }
    }
    #[test]
    fn deep_scan_on_deep_document_does_not_overflow() {
        let doc = nested(100_000);
        let found = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let found = try_select("$..leaf", &doc).map(|v| v.as_array().map(Vec::len));
                let missing = try_select("$..nope", &doc).map(|v| v.as_array().map(Vec::len));
                let quoted = quoted_input(&doc);
                dismantle(doc);
                (found, missing, quoted)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(found.0, Ok(Some(1)));
        assert_eq!(found.1, Ok(Some(0)));
        assert!(found.2.contains("nested deeper"));
    }
    #[test]
    fn error_on_deep_document_does_not_serialize_it() {
        let doc = nested(MAX_QUOTED_DEPTH + 10);
        let err = select_for("$.x", &doc, Purpose::Parameter { field: "x.$" }).unwrap_err();
        assert!(err.cause.contains("nested deeper than"));
        dismantle(doc);
    }
}

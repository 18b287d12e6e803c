//! The intrinsic functions of the States Language (JSONPath query language): `States.Format`,
//! `States.Array`, `States.Hash`, ... parsed from the string of a `.$` field and evaluated with
//! AWS's argument rules, as the Step Functions developer guide's "Intrinsic functions for
//! JSONPath states" describes them (AWS is the oracle; the guide's examples are the tests).
//!
//! # Syntax
//!
//! A call is `States.Name(arg, ...)`; an argument is
//! - a string literal in single quotes, where the reserved characters `'`, `{`, `}` and `\` are
//!   escaped with a backslash (`'it\'s'`, `'\{\}'`, `'a\\b'`); the guide's "Reserved characters
//!   in intrinsic functions" names these four, so any other escape is rejected;
//! - a number (`4`, `-1`, `2.5`), `true`, `false` or `null` (JSON literals; `States.JsonMerge`'s
//!   third argument is the literal `false`);
//! - a path (`$.a.b`, `$['k']`, `$$.Execution.Id`), which the caller resolves: `evaluate` takes
//!   a `resolve` closure, so the JSONPath evaluation of the input or of the context object
//!   stays in one place (`interpreter::jsonpath`) and this module knows no document;
//! - a nested call (`States.Format('{}', States.ArrayLength($.a))`).
//!
//! The names are the ones [`INTRINSIC_FUNCTIONS`] lists (shared with the synth-time check,
//! `asl::syntax::intrinsic_problem`, so the two cannot disagree about which functions exist).
//! The synth-time check only verifies names and balanced quotes and parentheses; this module
//! needs the argument tree, so it has its own small recursive-descent parser.
//!
//! # Design decisions
//!
//! - **Randomness is injected.** `States.MathRandom` without a seed and `States.UUID` draw 64-bit
//!   words from the caller's `random` closure and nothing else (no clock, no OS entropy), so a
//!   run with a scripted or seeded generator is reproducible. `States.MathRandom` with a seed
//!   (its optional third argument) does not touch `random` at all: the value is a pure function
//!   of the seed (SplitMix64 of it), as the guide says a seed makes the result deterministic.
//! - **Failures** are `States.IntrinsicFailure` with a cause naming the function and the problem
//!   (`Invalid arguments in States.ArrayGetItem: ...`); the guide gives rules, not AWS's exact
//!   messages, so the wording is ours. A path that does not resolve is the caller's error
//!   (whatever `resolve` returns is passed through unchanged).
//! - **Limits**, each from the guide: at most [`MAX_CALLS`] intrinsic functions in one field
//!   ("You can nest up to 10 intrinsic functions within a field"; its example with nine counts
//!   every call, the outermost included, so we count calls the same way);
//!   `States.ArrayRange` returns at most [`MAX_ARRAY_RANGE`] elements (the guide's limit on
//!   its result); `States.Base64Encode`, `States.Base64Decode` and `States.Hash` take input of at
//!   most [`MAX_ENCODE_INPUT`] characters (the guide's limit on each of their inputs).
//! - **Integers**: arguments the guide calls integers (chunk size, index, range bounds and step,
//!   MathRandom's bounds and seed, MathAdd's operands) must be JSON integers; `2.5` is rejected.
//!   `States.MathAdd` fails on 64-bit overflow rather than wrapping.
//! - **Choices where the guide is silent**, documented on each function below: a `Format`
//!   template from a path has no escapes (only a literal's are processed); `ArrayRange` whose
//!   step points away from its end is empty; `StringSplit` splits at every character of its
//!   splitter and drops empty pieces (the guide's example `'.+,='` splits
//!   `This.is+a,test=string` into five words); `ArrayUnique` keeps first occurrences in order;
//!   `JsonMerge` keeps the first object's key order and appends the second's new keys.
//! - **No new dependencies**: Base64, MD5 (RFC 1321), SHA-1, SHA-256, SHA-384 and SHA-512
//!   (FIPS 180-4) are implemented here and pinned by their standard test vectors; the round
//!   constants were derived from their definitions (sines, square and cube roots of primes).
//!
//! # Example
//!
//! ```
//! use constructs::stepfunctions::interpreter::intrinsics::evaluate;
//! use constructs::stepfunctions::interpreter::StatesError;
//! use serde_json::json;
//!
//! let input = json!({"name": "Arnav", "items": [1, 2, 3]});
//! let resolve = |path: &str| match path {
//!     "$.name" => Ok(input["name"].clone()),
//!     "$.items" => Ok(input["items"].clone()),
//!     _ => Err(StatesError::runtime(format!("no {path}"))),
//! };
//! let mut random = || 42u64;
//! let hello = evaluate("States.Format('Hello, {}!', $.name)", &resolve, &mut random).unwrap();
//! assert_eq!(hello, json!("Hello, Arnav!"));
//! let n = evaluate("States.Format('{} items', States.ArrayLength($.items))", &resolve, &mut random);
//! assert_eq!(n.unwrap(), json!("3 items"));
//! let bad = evaluate("States.ArrayGetItem($.items, 3)", &resolve, &mut random).unwrap_err();
//! assert_eq!(bad.error, "States.IntrinsicFailure");
//! ```

use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use super::error::StatesError;
use crate::json::type_name;
pub use crate::stepfunctions::asl::syntax::INTRINSIC_FUNCTIONS;

/// The most intrinsic function calls one field may hold, nested ones included (the guide: "You
/// can nest up to 10 intrinsic functions within a field").
pub const MAX_CALLS: usize = 10;

/// The most elements `States.ArrayRange` may return (the guide limits its result to 1000 items).
pub const MAX_ARRAY_RANGE: usize = 1000;

/// The most characters `States.Base64Encode`, `States.Base64Decode` and `States.Hash` accept as
/// input (the guide's limit for each of them: 10,000 characters).
pub const MAX_ENCODE_INPUT: usize = 10_000;

/// The algorithms `States.Hash` accepts, spelled as its second argument must spell them.
pub const HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Parses the intrinsic function call `call` (`States.Format('Hello, {}!', $.name)`) and
/// evaluates it: paths are resolved with `resolve` (against the input or, for `$$.`, the
/// context object; its errors are returned as they are), and `random` supplies the 64-bit words
/// of `States.MathRandom` without a seed and of `States.UUID`.
///
/// A malformed call, an unknown function, more than [`MAX_CALLS`] calls, or arguments that
/// break a function's rules fail with `States.IntrinsicFailure`.
pub fn evaluate(
    call: &str,
    resolve: &dyn Fn(&str) -> Result<Value, StatesError>,
    random: &mut dyn FnMut() -> u64,
) -> Result<Value, StatesError> {
    let parsed = Parser::new(call).parse()?;
    let calls = parsed.count();
    if calls > MAX_CALLS {
        return Err(StatesError::intrinsic_failure(format!(
            "{call:?} has {calls} intrinsic functions; at most {MAX_CALLS} may be nested in a field"
        )));
    }
    eval_call(&parsed, resolve, random)
}

#[derive(Debug)]
enum Arg {
    Literal(Value),
    Str { value: String, raw: String },
    Path(String),
    Call(Call),
}

#[derive(Debug)]
struct Call {
    name: String,
    args: Vec<Arg>,
}

impl Call {
    fn count(&self) -> usize {
        1 + self.args.iter().map(|a| if let Arg::Call(c) = a { c.count() } else { 0 }).sum::<usize>()
    }
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Parser<'a> {
        Parser { src, chars: src.chars().collect(), pos: 0 }
    }

    fn err(&self, why: impl std::fmt::Display) -> StatesError {
        StatesError::intrinsic_failure(format!(
            "{:?} is not a valid intrinsic function call: {why} (at character {})",
            self.src, self.pos
        ))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn parse(mut self) -> Result<Call, StatesError> {
        let call = self.call()?;
        self.skip_ws();
        if self.pos != self.chars.len() {
            return Err(self.err("text after the closing `)`"));
        }
        Ok(call)
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn call(&mut self) -> Result<Call, StatesError> {
        self.skip_ws();
        let name = self.word();
        if name.is_empty() {
            return Err(self.err("expected a function name like `States.Format`"));
        }
        if !INTRINSIC_FUNCTIONS.contains(&name.as_str()) {
            return Err(StatesError::intrinsic_failure(format!(
                "{:?} calls {name:?}, which is not an intrinsic function",
                self.src
            )));
        }
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.err(format!("expected `(` after {name}")));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
            return Ok(Call { name, args });
        }
        loop {
            args.push(self.arg()?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    return Ok(Call { name, args });
                }
                Some(c) => return Err(self.err(format!("expected `,` or `)`, found {c:?}"))),
                None => return Err(self.err(format!("{name} is missing its closing `)`"))),
            }
        }
    }

    fn arg(&mut self) -> Result<Arg, StatesError> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("expected an argument")),
            Some('\'') => self.string(),
            Some('$') => Ok(self.path()),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(_) => {
                let start = self.pos;
                let word = self.word();
                match word.as_str() {
                    "true" => Ok(Arg::Literal(Value::Bool(true))),
                    "false" => Ok(Arg::Literal(Value::Bool(false))),
                    "null" => Ok(Arg::Literal(Value::Null)),
                    w if w.starts_with("States.") => {
                        self.pos = start;
                        Ok(Arg::Call(self.call()?))
                    }
                    _ => {
                        self.pos = start;
                        Err(self.err(format!(
                            "unexpected {:?}; an argument is a quoted string, a number, true, false, null, a path \
                             or an intrinsic function",
                            self.peek().unwrap_or(' ')
                        )))
                    }
                }
            }
        }
    }

    fn string(&mut self) -> Result<Arg, StatesError> {
        self.pos += 1;
        let (mut value, mut raw) = (String::new(), String::new());
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated string literal"));
            };
            self.pos += 1;
            match c {
                '\'' => return Ok(Arg::Str { value, raw }),
                '\\' => match self.peek() {
                    Some(e @ ('\'' | '{' | '}' | '\\')) => {
                        self.pos += 1;
                        raw.push('\\');
                        raw.push(e);
                        value.push(e);
                    }
                    Some(e) => {
                        return Err(self.err(format!(
                            "`\\{e}` is not an escape; only the reserved characters ' {{ }} \\ are escaped"
                        )))
                    }
                    None => return Err(self.err("unterminated string literal")),
                },
                c => {
                    raw.push(c);
                    value.push(c);
                }
            }
        }
    }

    fn path(&mut self) -> Arg {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            if let Some(q) = quote {
                if c == '\\' {
                    self.pos += 1;
                } else if c == q {
                    quote = None;
                }
            } else {
                match c {
                    '\'' | '"' if depth > 0 => quote = Some(c),
                    '[' => depth += 1,
                    ']' => depth = depth.saturating_sub(1),
                    ',' | ')' if depth == 0 => break,
                    _ => {}
                }
            }
            self.pos += 1;
        }
        let end = self.pos.min(self.chars.len());
        Arg::Path(self.chars[start..end].iter().collect::<String>().trim_end().to_string())
    }

    fn number(&mut self) -> Result<Arg, StatesError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match serde_json::from_str::<Number>(&text) {
            Ok(n) => Ok(Arg::Literal(Value::Number(n))),
            Err(_) => {
                self.pos = start;
                Err(self.err(format!("{text:?} is not a number")))
            }
        }
    }
}

fn eval_call(
    call: &Call,
    resolve: &dyn Fn(&str) -> Result<Value, StatesError>,
    random: &mut dyn FnMut() -> u64,
) -> Result<Value, StatesError> {
    let mut values = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        values.push(match arg {
            Arg::Literal(v) => v.clone(),
            Arg::Str { value, .. } => Value::String(value.clone()),
            Arg::Path(p) => resolve(p)?,
            Arg::Call(c) => eval_call(c, resolve, random)?,
        });
    }
    let a = Args { name: &call.name, values: &values };
    match call.name.as_str() {
        "States.Format" => {
            let template = match call.args.first() {
                Some(Arg::Str { raw, .. }) => Template::Escaped(raw),
                _ => Template::Plain(a.string(0, "the template")?),
            };
            format(&a, template)
        }
        "States.StringToJson" => {
            a.count(1)?;
            let s = a.string(0, "the string to parse")?;
            serde_json::from_str(s).map_err(|e| a.fail(format!("the argument is not valid JSON: {e}")))
        }
        "States.JsonToString" => {
            a.count(1)?;
            Ok(Value::String(values[0].to_string()))
        }
        "States.Array" => Ok(Value::Array(values.clone())),
        "States.ArrayPartition" => {
            a.count(2)?;
            let array = a.array(0, "the array")?;
            let size = a.int(1, "the chunk size")?;
            if size <= 0 {
                return Err(a.fail(format!("the chunk size must be a positive integer, got {size}")));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(array.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
        }
        "States.ArrayContains" => {
            a.count(2)?;
            Ok(Value::Bool(a.array(0, "the array")?.contains(&values[1])))
        }
        "States.ArrayRange" => {
            a.count(3)?;
            let (start, end, step) = (a.int(0, "the start")?, a.int(1, "the end")?, a.int(2, "the step")?);
            array_range(&a, start, end, step)
        }
        "States.ArrayGetItem" => {
            a.count(2)?;
            let array = a.array(0, "the array")?;
            let index = a.int(1, "the index")?;
            usize::try_from(index)
                .ok()
                .and_then(|i| array.get(i))
                .cloned()
                .ok_or_else(|| a.fail(format!("index {index} is out of bounds of an array of length {}", array.len())))
        }
        "States.ArrayLength" => {
            a.count(1)?;
            Ok(Value::from(a.array(0, "the array")?.len()))
        }
        "States.ArrayUnique" => {
            a.count(1)?;
            let mut seen = HashSet::new();
            let unique = a.array(0, "the array")?.iter().filter(|v| seen.insert(canonical(v))).cloned().collect();
            Ok(Value::Array(unique))
        }
        "States.Base64Encode" => {
            a.count(1)?;
            let s = a.limited_string(0, "the string to encode")?;
            Ok(Value::String(base64_encode(s.as_bytes())))
        }
        "States.Base64Decode" => {
            a.count(1)?;
            let s = a.limited_string(0, "the Base64 string")?;
            let bytes = base64_decode(s).ok_or_else(|| a.fail("the argument is not valid Base64"))?;
            String::from_utf8(bytes).map(Value::String).map_err(|_| a.fail("the decoded data is not a UTF-8 string"))
        }
        "States.Hash" => {
            a.count(2)?;
            let data = a.limited_string(0, "the data")?;
            let algorithm = a.string(1, "the algorithm")?;
            let digest = match algorithm {
                "MD5" => md5(data.as_bytes()),
                "SHA-1" => sha1(data.as_bytes()),
                "SHA-256" => sha256(data.as_bytes()),
                "SHA-384" => sha512(data.as_bytes(), &SHA384_H, 48),
                "SHA-512" => sha512(data.as_bytes(), &SHA512_H, 64),
                other => {
                    return Err(a.fail(format!(
                        "the algorithm {other:?} is not supported; use one of {}",
                        HASH_ALGORITHMS.join(", ")
                    )))
                }
            };
            Ok(Value::String(digest.iter().map(|b| format!("{b:02x}")).collect()))
        }
        "States.JsonMerge" => {
            a.count(3)?;
            let mut merged = a.object(0, "the first object")?.clone();
            let second = a.object(1, "the second object")?;
            let Value::Bool(deep) = values[2] else {
                return Err(a.type_error(2, "the deep-merge flag", "a boolean"));
            };
            if deep {
                return Err(a.fail("deep merging is not supported; the third argument must be false"));
            }
            for (k, v) in second {
                merged.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(merged))
        }
        "States.MathRandom" => {
            a.count_between(2, 3)?;
            let (start, end) = (a.int(0, "the start")?, a.int(1, "the end")?);
            if start >= end {
                return Err(a.fail(format!("the start ({start}) must be less than the end ({end})")));
            }
            let word = if values.len() == 3 { splitmix64(a.int(2, "the seed")? as u64) } else { random() };
            let span = (end as i128 - start as i128) as u128;
            let offset = ((word as u128 * span) >> 64) as i128;
            Ok(Value::from((start as i128 + offset) as i64))
        }
        "States.MathAdd" => {
            a.count(2)?;
            let (x, y) = (a.int(0, "the first number")?, a.int(1, "the second number")?);
            x.checked_add(y).map(Value::from).ok_or_else(|| a.fail(format!("{x} + {y} overflows")))
        }
        "States.StringSplit" => {
            a.count(2)?;
            let s = a.string(0, "the string to split")?;
            let splitter = a.string(1, "the splitter")?;
            let parts = s.split(|c| splitter.contains(c)).filter(|p| !p.is_empty());
            Ok(Value::Array(parts.map(|p| Value::String(p.to_string())).collect()))
        }
        "States.UUID" => {
            a.count(0)?;
            Ok(Value::String(uuid_v4(random(), random())))
        }
        other => Err(a.fail(format!("{other} is not implemented"))),
    }
}

/// The arguments of one call, with the checks every function shares.
struct Args<'a> {
    name: &'a str,
    values: &'a [Value],
}

const ORDINALS: [&str; 4] = ["first", "second", "third", "fourth"];

impl Args<'_> {
    fn fail(&self, why: impl std::fmt::Display) -> StatesError {
        StatesError::intrinsic_failure(format!("Invalid arguments in {}: {why}", self.name))
    }

    fn count(&self, n: usize) -> Result<(), StatesError> {
        self.count_between(n, n)
    }

    fn count_between(&self, min: usize, max: usize) -> Result<(), StatesError> {
        let got = self.values.len();
        if (min..=max).contains(&got) {
            return Ok(());
        }
        let expected = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        let s = if max == 1 { "" } else { "s" };
        Err(self.fail(format!("it takes {expected} argument{s}, got {got}")))
    }

    fn type_error(&self, i: usize, what: &str, expected: &str) -> StatesError {
        let ord = ORDINALS.get(i).copied().unwrap_or("an");
        self.fail(format!("the {ord} argument ({what}) must be {expected}, got {}", type_name(&self.values[i])))
    }

    fn string(&self, i: usize, what: &str) -> Result<&str, StatesError> {
        match self.values.get(i) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.type_error(i, what, "a string")),
            None => Err(self.fail(format!("{what} is missing"))),
        }
    }

    fn limited_string(&self, i: usize, what: &str) -> Result<&str, StatesError> {
        let s = self.string(i, what)?;
        let n = s.chars().count();
        if n > MAX_ENCODE_INPUT {
            return Err(self.fail(format!("{what} has {n} characters; at most {MAX_ENCODE_INPUT} are allowed")));
        }
        Ok(s)
    }

    fn int(&self, i: usize, what: &str) -> Result<i64, StatesError> {
        match &self.values[i] {
            Value::Number(n) if n.is_i64() => Ok(n.as_i64().unwrap_or_default()),
            Value::Number(n) if n.is_u64() => Err(self.fail(format!("{what} ({n}) is out of range"))),
            _ => Err(self.type_error(i, what, "an integer")),
        }
    }

    fn array(&self, i: usize, what: &str) -> Result<&Vec<Value>, StatesError> {
        match &self.values[i] {
            Value::Array(a) => Ok(a),
            _ => Err(self.type_error(i, what, "an array")),
        }
    }

    fn object(&self, i: usize, what: &str) -> Result<&Map<String, Value>, StatesError> {
        match &self.values[i] {
            Value::Object(o) => Ok(o),
            _ => Err(self.type_error(i, what, "an object")),
        }
    }
}

enum Template<'a> {
    /// A string literal's text with its escapes still in (`\{` is a brace, not a placeholder).
    Escaped(&'a str),
    /// A template from a path: no escapes, every `{}` is a placeholder.
    Plain(&'a str),
}

/// `States.Format`: the template's `{}` placeholders replaced, in order, by the other
/// arguments, which must be strings, numbers, booleans or null (strings unquoted, the rest as
/// JSON), as many as there are placeholders.
fn format(a: &Args, template: Template) -> Result<Value, StatesError> {
    if a.values.is_empty() {
        return Err(a.fail("it takes a template string and its values"));
    }
    let (text, escaped) = match template {
        Template::Escaped(t) => (t, true),
        Template::Plain(t) => (t, false),
    };
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if escaped => {
                if let Some(e) = chars.next() {
                    current.push(e);
                }
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(std::mem::take(&mut current));
            }
            c => current.push(c),
        }
    }
    pieces.push(current);
    let placeholders = pieces.len() - 1;
    let given = a.values.len() - 1;
    if placeholders != given {
        return Err(
            a.fail(format!("the template has {placeholders} placeholder(s) `{{}}` but {given} value(s) were given"))
        );
    }
    let mut out = pieces[0].clone();
    for (i, (value, piece)) in a.values[1..].iter().zip(&pieces[1..]).enumerate() {
        match value {
            Value::String(s) => out.push_str(s),
            Value::Number(_) | Value::Bool(_) | Value::Null => out.push_str(&value.to_string()),
            _ => return Err(a.type_error(i + 1, "a value", "a string, number, boolean or null")),
        }
        out.push_str(piece);
    }
    Ok(Value::String(out))
}

/// `States.ArrayRange(start, end, step)`: `start`, `start + step`, ... up to and including `end`;
/// a step of zero fails; a step pointing away from `end` gives `[]` (the guide is silent).
fn array_range(a: &Args, start: i64, end: i64, step: i64) -> Result<Value, StatesError> {
    if step == 0 {
        return Err(a.fail("the step must not be 0"));
    }
    let (start, end, step) = (start as i128, end as i128, step as i128);
    let span = end - start;
    let count = if span != 0 && (span < 0) != (step < 0) { 0 } else { span / step + 1 };
    if count > MAX_ARRAY_RANGE as i128 {
        return Err(a.fail(format!("the range has {count} elements; at most {MAX_ARRAY_RANGE} are allowed")));
    }
    Ok(Value::Array((0..count).map(|i| Value::from((start + i * step) as i64)).collect()))
}

/// A key equal values share (objects' keys sorted), for `States.ArrayUnique`.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let mut entries: Vec<_> = o.iter().collect();
            entries.sort_by(|x, y| x.0.cmp(y.0));
            let inner: Vec<String> =
                entries.iter().map(|(k, v)| format!("{}:{}", Value::String((*k).clone()), canonical(v))).collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// SplitMix64: the value of a seeded `States.MathRandom`, a pure function of the seed.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An RFC 9562 version 4 UUID from 128 random bits (version and variant bits set).
fn uuid_v4(hi: u64, lo: u64) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 (RFC 4648, standard alphabet, padded).
fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let word =
            (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= n {
                out.push(BASE64[(word >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes RFC 4648 Base64 (standard alphabet; the padding may be left out); `None` if `s` is
/// not Base64.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 || (s.len() != body.len() && !s.len().is_multiple_of(4)) || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in body.bytes() {
        let v = BASE64.iter().position(|&b| b == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if acc != 0 {
        return None;
    }
    Some(out)
}

/// The message padded for MD5 and the SHA family: `0x80`, zeros, and the bit length in
/// `len_bytes` bytes, to a multiple of `block` bytes.
fn pad(data: &[u8], block: usize, len_bytes: usize, little_endian: bool) -> Vec<u8> {
    let mut m = data.to_vec();
    m.push(0x80);
    while m.len() % block != block - len_bytes {
        m.push(0);
    }
    let bits = (data.len() as u128) * 8;
    if little_endian {
        m.extend_from_slice(&bits.to_le_bytes()[..len_bytes]);
    } else {
        m.extend_from_slice(&bits.to_be_bytes()[16 - len_bytes..]);
    }
    m
}

/// MD5 (RFC 1321).
fn md5(data: &[u8]) -> Vec<u8> {
    const S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    let mut h: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in pad(data, 64, 8, true).chunks(64) {
        let m: Vec<u32> = block.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(MD5_K[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[(i / 16) * 4 + i % 4]));
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// SHA-1 (FIPS 180-4, 6.1).
fn sha1(data: &[u8]) -> Vec<u8> {
    let mut h: [u32; 5] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];
    for block in pad(data, 64, 8, false).chunks(64) {
        let mut w = [0u32; 80];
        for (i, c) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5a82_7999),
                1 => (b ^ c ^ d, 0x6ed9_eba1),
                2 => ((b & c) | (b & d) | (c & d), 0x8f1b_bcdc),
                _ => (b ^ c ^ d, 0xca62_c1d6u32),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// SHA-256 (FIPS 180-4, 6.2).
fn sha256(data: &[u8]) -> Vec<u8> {
    let mut h = SHA256_H;
    for block in pad(data, 64, 8, false).chunks(64) {
        let mut w = [0u32; 64];
        for (i, c) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let [a, b, c, d, e, f, g, hh] = v;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(SHA256_K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// SHA-512 (FIPS 180-4, 6.4) from the initial hash value `init`, truncated to `out_len` bytes:
/// SHA-384 is SHA-512 with its own initial value, truncated to 48 bytes (6.5).
fn sha512(data: &[u8], init: &[u64; 8], out_len: usize) -> Vec<u8> {
    let mut h = *init;
    for block in pad(data, 128, 16, false).chunks(128) {
        let mut w = [0u64; 80];
        for (i, c) in block.chunks(8).enumerate() {
            w[i] = u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..80 {
            let [a, b, c, d, e, f, g, hh] = v;
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(SHA512_K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|w| w.to_be_bytes()).take(out_len).collect()
}

// The round constants and initial hash values, derived from their definitions: MD5's
// floor(|sin(i + 1)| * 2^32) (RFC 1321, 3.4); SHA-256's and SHA-512's first 32 or 64 bits of the
// fractional parts of the cube roots of the first 64 or 80 primes (K) and of the square roots of
// the first 8 primes (H), SHA-384's of the 9th to 16th primes (FIPS 180-4, 4.2 and 5.3).
const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

const SHA256_H: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const SHA512_K: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];

const SHA512_H: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const SHA384_H: [u64; 8] = [
    0xcbbb9d5dc1059ed8,
    0x629a292a367cd507,
    0x9159015a3070dd17,
    0x152fecd8f70e5939,
    0x67332667ffc00b31,
    0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7,
    0x47b5481dbefa4fa4,
];

const MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
    0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
    0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
    0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
    0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
    0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A stand-in for `interpreter::jsonpath`: `$`, `$.a.b` and `$.a[0]` on `input`, `$$.x` on a
    /// fixed context object.
    fn lookup(doc: &Value, path: &str) -> Result<Value, StatesError> {
        let mut node = doc;
        for part in path.split('.').skip(1) {
            let (name, index) = match part.split_once('[') {
                Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().ok()),
                None => (part, None),
            };
            node = node.get(name).ok_or_else(|| StatesError::runtime(format!("no {path}")))?;
            if let Some(i) = index {
                node = node.get(i).ok_or_else(|| StatesError::runtime(format!("no {path}")))?;
            }
        }
        Ok(node.clone())
    }

    fn run(call: &str, input: Value) -> Result<Value, StatesError> {
        let context = json!({"Execution": {"Id": "arn:exec:1"}});
        let resolve = move |p: &str| {
            if let Some(rest) = p.strip_prefix("$$") {
                lookup(&context, &format!("${rest}"))
            } else {
                lookup(&input, p)
            }
        };
        let mut state = 0u64;
        let mut random = move || {
            state = state.wrapping_add(0x1234_5678_9abc_def1);
            state
        };
        evaluate(call, &resolve, &mut random)
    }

    fn ok(call: &str, input: Value) -> Value {
        run(call, input).unwrap_or_else(|e| panic!("{call}: {e}"))
    }

    /// The call fails with `States.IntrinsicFailure` and a cause containing `want`.
    fn fails(call: &str, input: Value, want: &str) {
        let e = run(call, input).expect_err(call);
        assert_eq!(e.error, "States.IntrinsicFailure", "{call}: {e}");
        assert!(e.cause.contains(want), "{call}: {:?} lacks {want:?}", e.cause);
    }

    fn hash(data: &str, algorithm: &str) -> String {
        let call = format!("States.Hash($.d, '{algorithm}')");
        ok(&call, json!({"d": data})).as_str().unwrap().to_string()
    }

    // States.Format

    #[test]
    fn format_guide_example() {
        // The guide's States.Format example: {"name": "Arnav", "template": "Hello, my name is {}."}.
        let input = json!({"name": "Arnav", "template": "Hello, my name is {}."});
        assert_eq!(
            ok("States.Format('Hello, my name is {}.', $.name)", input.clone()),
            json!("Hello, my name is Arnav.")
        );
        assert_eq!(ok("States.Format($.template, $.name)", input), json!("Hello, my name is Arnav."));
    }

    #[test]
    fn format_values_of_every_scalar_type() {
        let input = json!({"n": 3, "f": 2.5, "b": true, "z": null, "s": "x"});
        assert_eq!(ok("States.Format('{} {} {} {} {}', $.n, $.f, $.b, $.z, $.s)", input), json!("3 2.5 true null x"));
    }

    #[test]
    fn format_literal_arguments() {
        assert_eq!(ok("States.Format('{}-{}-{}', 1, false, 'a')", json!({})), json!("1-false-a"));
    }

    #[test]
    fn format_escaped_braces_are_not_placeholders() {
        assert_eq!(ok("States.Format('\\{\\} and {}', 'x')", json!({})), json!("{} and x"));
    }

    #[test]
    fn format_escaped_quote_and_backslash() {
        assert_eq!(ok("States.Format('it\\'s {} \\\\ ok', 'x')", json!({})), json!("it's x \\ ok"));
    }

    #[test]
    fn format_no_placeholders() {
        assert_eq!(ok("States.Format('plain')", json!({})), json!("plain"));
    }

    #[test]
    fn format_too_few_values() {
        fails("States.Format('{} {}', 'a')", json!({}), "2 placeholder(s)");
    }

    #[test]
    fn format_too_many_values() {
        fails("States.Format('{}', 'a', 'b')", json!({}), "but 2 value(s)");
    }

    #[test]
    fn format_rejects_objects_and_arrays() {
        fails("States.Format('{}', $.o)", json!({"o": {"a": 1}}), "a string, number, boolean or null");
        fails("States.Format('{}', $.o)", json!({"o": [1]}), "got an array");
    }

    #[test]
    fn format_template_must_be_a_string() {
        fails("States.Format(1)", json!({}), "must be a string");
        fails("States.Format()", json!({}), "template");
    }

    #[test]
    fn format_context_object_path() {
        assert_eq!(ok("States.Format('run {}', $$.Execution.Id)", json!({})), json!("run arn:exec:1"));
    }

    // States.StringToJson, States.JsonToString

    #[test]
    fn string_to_json_guide_example() {
        // The guide: {"escapedJsonString": "{\"foo\": \"bar\"}"} -> {"foo": "bar"}.
        let input = json!({"escapedJsonString": "{\"foo\": \"bar\"}"});
        assert_eq!(ok("States.StringToJson($.escapedJsonString)", input), json!({"foo": "bar"}));
    }

    #[test]
    fn string_to_json_rejects_bad_json_and_non_strings() {
        fails("States.StringToJson('{nope')", json!({}), "not valid JSON");
        fails("States.StringToJson($.n)", json!({"n": 1}), "must be a string");
        fails("States.StringToJson('1', '2')", json!({}), "takes 1 argument, got 2");
    }

    #[test]
    fn json_to_string_guide_example() {
        // The guide's States.JsonToString: the JSON at a path as (compact, unescaped) text.
        let input = json!({"foo": {"bar": "baz"}});
        assert_eq!(ok("States.JsonToString($.foo)", input), json!("{\"bar\":\"baz\"}"));
    }

    #[test]
    fn json_to_string_keeps_key_order_and_round_trips() {
        let input = json!({"o": {"z": 1, "a": [true, null]}});
        assert_eq!(ok("States.JsonToString($.o)", input.clone()), json!("{\"z\":1,\"a\":[true,null]}"));
        assert_eq!(ok("States.StringToJson(States.JsonToString($.o))", input.clone()), input["o"]);
        fails("States.JsonToString()", json!({}), "takes 1 argument, got 0");
    }

    // States.Array

    #[test]
    fn array_guide_example() {
        // The guide: {"Id": 123456} with "BuildId.$": "States.Array($.Id)" -> [123456].
        assert_eq!(ok("States.Array($.Id)", json!({"Id": 123456})), json!([123456]));
    }

    #[test]
    fn array_of_mixed_and_no_arguments() {
        assert_eq!(
            ok("States.Array('a', 1, true, null, $.o)", json!({"o": {"k": 1}})),
            json!(["a", 1, true, null, {"k": 1}])
        );
        assert_eq!(ok("States.Array()", json!({})), json!([]));
    }

    // States.ArrayPartition

    #[test]
    fn array_partition_guide_example() {
        // The guide: [1..9] partitioned into chunks of 4 -> [[1,2,3,4],[5,6,7,8],[9]].
        let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]});
        assert_eq!(ok("States.ArrayPartition($.inputArray,4)", input), json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]]));
    }

    #[test]
    fn array_partition_edges() {
        assert_eq!(ok("States.ArrayPartition($.a, 5)", json!({"a": [1, 2]})), json!([[1, 2]]));
        assert_eq!(ok("States.ArrayPartition($.a, 1)", json!({"a": []})), json!([]));
    }

    #[test]
    fn array_partition_chunk_size_must_be_positive_integer() {
        fails("States.ArrayPartition($.a, 0)", json!({"a": [1]}), "positive integer");
        fails("States.ArrayPartition($.a, -2)", json!({"a": [1]}), "positive integer");
        fails("States.ArrayPartition($.a, 1.5)", json!({"a": [1]}), "must be an integer");
        fails("States.ArrayPartition($.a, 1)", json!({"a": "x"}), "must be an array");
    }

    // States.ArrayContains

    #[test]
    fn array_contains_guide_example() {
        // The guide: {"inputArray": [1..9], "lookingFor": 5} -> true.
        let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5});
        assert_eq!(ok("States.ArrayContains($.inputArray, $.lookingFor)", input), json!(true));
    }

    #[test]
    fn array_contains_compares_json_values() {
        let input = json!({"a": [{"k": [1]}, "x"], "v": {"k": [1]}});
        assert_eq!(ok("States.ArrayContains($.a, $.v)", input.clone()), json!(true));
        assert_eq!(ok("States.ArrayContains($.a, 'y')", input), json!(false));
        fails("States.ArrayContains($.a)", json!({"a": []}), "takes 2 arguments, got 1");
    }

    // States.ArrayRange

    #[test]
    fn array_range_guide_example() {
        // The guide: States.ArrayRange(1, 9, 2) -> [1,3,5,7,9].
        assert_eq!(ok("States.ArrayRange(1, 9, 2)", json!({})), json!([1, 3, 5, 7, 9]));
    }

    #[test]
    fn array_range_end_is_inclusive_when_reached() {
        assert_eq!(ok("States.ArrayRange(0, 10, 3)", json!({})), json!([0, 3, 6, 9]));
        assert_eq!(ok("States.ArrayRange(5, 5, 1)", json!({})), json!([5]));
    }

    #[test]
    fn array_range_counts_down() {
        assert_eq!(ok("States.ArrayRange(3, -3, -2)", json!({})), json!([3, 1, -1, -3]));
        assert_eq!(ok("States.ArrayRange(3, 1, 1)", json!({})), json!([]));
    }

    #[test]
    fn array_range_limit_is_1000_elements() {
        assert_eq!(ok("States.ArrayRange(1, 1000, 1)", json!({})).as_array().unwrap().len(), 1000);
        fails("States.ArrayRange(0, 1000, 1)", json!({}), "1001 elements; at most 1000");
    }

    #[test]
    fn array_range_argument_errors() {
        fails("States.ArrayRange(1, 9, 0)", json!({}), "step must not be 0");
        fails("States.ArrayRange(1, 9)", json!({}), "takes 3 arguments, got 2");
        fails("States.ArrayRange('1', 9, 1)", json!({}), "the first argument (the start) must be an integer");
    }

    // States.ArrayGetItem

    #[test]
    fn array_get_item_guide_example() {
        // The guide: {"inputArray": [1..9], "index": 5} -> 6.
        let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5});
        assert_eq!(ok("States.ArrayGetItem($.inputArray, $.index)", input), json!(6));
    }

    #[test]
    fn array_get_item_out_of_bounds_and_negative() {
        fails("States.ArrayGetItem($.a, 2)", json!({"a": [1, 2]}), "index 2 is out of bounds of an array of length 2");
        fails("States.ArrayGetItem($.a, -1)", json!({"a": [1, 2]}), "out of bounds");
        fails("States.ArrayGetItem($.a, '0')", json!({"a": [1, 2]}), "must be an integer");
    }

    // States.ArrayLength

    #[test]
    fn array_length_guide_example() {
        // The guide: {"inputArray": [1..9]} -> 9.
        assert_eq!(
            ok("States.ArrayLength($.inputArray)", json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]})),
            json!(9)
        );
    }

    #[test]
    fn array_length_errors() {
        assert_eq!(ok("States.ArrayLength($.a)", json!({"a": []})), json!(0));
        fails("States.ArrayLength($.a)", json!({"a": {"k": 1}}), "must be an array, got an object");
    }

    // States.ArrayUnique

    #[test]
    fn array_unique_guide_example() {
        // The guide: [1,2,3,3,3,3,3,3,4] -> [1,2,3,4].
        let input = json!({"inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4]});
        assert_eq!(ok("States.ArrayUnique($.inputArray)", input), json!([1, 2, 3, 4]));
    }

    #[test]
    fn array_unique_keeps_first_occurrences_and_compares_objects() {
        let input = json!({"a": ["b", {"x": 1, "y": 2}, "a", "b", {"y": 2, "x": 1}, [1], [1]]});
        assert_eq!(ok("States.ArrayUnique($.a)", input), json!(["b", {"x": 1, "y": 2}, "a", [1]]));
        fails("States.ArrayUnique(1)", json!({}), "must be an array");
    }

    // States.Base64Encode, States.Base64Decode

    #[test]
    fn base64_encode_guide_example() {
        // The guide: {"input": "Data to encode"} -> "RGF0YSB0byBlbmNvZGU=".
        assert_eq!(
            ok("States.Base64Encode($.input)", json!({"input": "Data to encode"})),
            json!("RGF0YSB0byBlbmNvZGU=")
        );
    }

    #[test]
    fn base64_decode_guide_example() {
        // The guide: {"base64": "RGF0YSB0byBlbmNvZGU="} -> "Data to encode".
        assert_eq!(
            ok("States.Base64Decode($.base64)", json!({"base64": "RGF0YSB0byBlbmNvZGU="})),
            json!("Data to encode")
        );
    }

    #[test]
    fn base64_rfc4648_vectors() {
        // RFC 4648, section 10.
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn base64_round_trips_unicode() {
        let input = json!({"s": "héllo wörld ✓"});
        assert_eq!(ok("States.Base64Decode(States.Base64Encode($.s))", input.clone()), input["s"]);
    }

    #[test]
    fn base64_decode_rejects_invalid() {
        fails("States.Base64Decode('abc!')", json!({}), "not valid Base64");
        fails("States.Base64Decode('Zg===')", json!({}), "not valid Base64");
        fails("States.Base64Decode('Z')", json!({}), "not valid Base64");
        fails("States.Base64Decode('/w==')", json!({}), "not a UTF-8 string");
    }

    #[test]
    fn base64_input_limit_is_10000_characters() {
        let at_limit = "a".repeat(MAX_ENCODE_INPUT);
        assert!(run("States.Base64Encode($.s)", json!({"s": at_limit})).is_ok());
        fails("States.Base64Encode($.s)", json!({"s": "a".repeat(10_001)}), "10001 characters; at most 10000");
        fails("States.Base64Decode($.s)", json!({"s": "A".repeat(10_004)}), "at most 10000");
        fails("States.Base64Encode(1)", json!({}), "must be a string");
    }

    // States.Hash

    #[test]
    fn hash_guide_example() {
        // The guide's States.Hash example: {"Data": "input data", "Algorithm": "SHA-1"} (the value
        // checked against `sha1sum`).
        let input = json!({"Data": "input data", "Algorithm": "SHA-1"});
        assert_eq!(ok("States.Hash($.Data, $.Algorithm)", input), json!("aaff4a450a104cd177d28d18d74485e8cae074b7"));
    }

    #[test]
    fn md5_rfc1321_vectors() {
        assert_eq!(hash("", "MD5"), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hash("abc", "MD5"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hash("message digest", "MD5"), "f96b697d7cb7938d525a2f31aaf161d0");
        let long = "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
        assert_eq!(hash(long, "MD5"), "57edf4a22be3c955ac49da2e2107b67a");
    }

    #[test]
    fn sha1_fips_vectors() {
        assert_eq!(hash("abc", "SHA-1"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hash("", "SHA-1"), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        let two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(hash(two_blocks, "SHA-1"), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }

    #[test]
    fn sha256_fips_vectors() {
        assert_eq!(hash("abc", "SHA-256"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(hash("", "SHA-256"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(hash(two_blocks, "SHA-256"), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    #[test]
    fn sha384_fips_vectors() {
        assert_eq!(
            hash("abc", "SHA-384"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hash("", "SHA-384"),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        );
    }

    #[test]
    fn sha512_fips_vectors() {
        assert_eq!(
            hash("abc", "SHA-512"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd\
             454d4423643ce80e2a9ac94fa54ca49f"
        );
        let two_blocks = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
        assert_eq!(
            hash(two_blocks, "SHA-512"),
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433a\
             c7d329eeb6dd26545e96e55b874be909"
        );
    }

    #[test]
    fn hash_of_unicode_uses_utf8() {
        // printf 'é' | sha256sum
        assert_eq!(hash("é", "SHA-256"), "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
    }

    #[test]
    fn hash_argument_errors() {
        fails("States.Hash('x', 'SHA-3')", json!({}), "\"SHA-3\" is not supported; use one of MD5, SHA-1");
        fails("States.Hash('x', 'sha-1')", json!({}), "not supported");
        fails("States.Hash($.n, 'MD5')", json!({"n": 1}), "the first argument (the data) must be a string");
        fails("States.Hash('x')", json!({}), "takes 2 arguments, got 1");
        fails("States.Hash($.s, 'MD5')", json!({"s": "a".repeat(10_001)}), "at most 10000");
    }

    // States.JsonMerge

    #[test]
    fn json_merge_guide_example() {
        // The guide: a shallow merge; json2's "a" replaces json1's.
        let input = json!({"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}});
        let merged = ok("States.JsonMerge($.json1, $.json2, false)", input);
        assert_eq!(merged, json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}));
        assert_eq!(merged.as_object().unwrap().keys().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn json_merge_deep_is_not_supported() {
        fails("States.JsonMerge($.a, $.b, true)", json!({"a": {}, "b": {}}), "deep merging is not supported");
    }

    #[test]
    fn json_merge_argument_errors() {
        fails("States.JsonMerge($.a, $.b)", json!({"a": {}, "b": {}}), "takes 3 arguments, got 2");
        fails(
            "States.JsonMerge($.a, $.b, false)",
            json!({"a": [], "b": {}}),
            "the first argument (the first object) must be an object",
        );
        fails("States.JsonMerge($.a, $.b, 'false')", json!({"a": {}, "b": {}}), "must be a boolean");
    }

    // States.MathRandom

    #[test]
    fn math_random_guide_example_is_in_range() {
        // The guide: {"start": 1, "end": 999} -> a number between them.
        for _ in 0..3 {
            let n = ok("States.MathRandom($.start, $.end)", json!({"start": 1, "end": 999})).as_i64().unwrap();
            assert!((1..999).contains(&n), "{n}");
        }
    }

    #[test]
    fn math_random_uses_the_injected_generator() {
        let resolve = |_: &str| Ok(Value::Null);
        let mut low = || 0u64;
        assert_eq!(evaluate("States.MathRandom(10, 20)", &resolve, &mut low).unwrap(), json!(10));
        let mut high = || u64::MAX;
        assert_eq!(evaluate("States.MathRandom(10, 20)", &resolve, &mut high).unwrap(), json!(19), "end is exclusive");
    }

    #[test]
    fn math_random_with_seed_is_deterministic_and_ignores_random() {
        let resolve = |_: &str| Ok(Value::Null);
        let mut never = || -> u64 { panic!("a seeded MathRandom must not draw") };
        let a = evaluate("States.MathRandom(1, 1000, 42)", &resolve, &mut never).unwrap();
        let b = evaluate("States.MathRandom(1, 1000, 42)", &resolve, &mut never).unwrap();
        assert_eq!(a, b);
        assert!((1..1000).contains(&a.as_i64().unwrap()));
        let others: HashSet<i64> = (0..20)
            .map(|s| {
                evaluate(&format!("States.MathRandom(1, 1000, {s})"), &resolve, &mut never).unwrap().as_i64().unwrap()
            })
            .collect();
        assert!(others.len() > 10, "seeds give different values: {others:?}");
    }

    #[test]
    fn math_random_argument_errors() {
        fails("States.MathRandom(5, 5)", json!({}), "the start (5) must be less than the end (5)");
        fails("States.MathRandom(1)", json!({}), "takes 2 to 3 arguments, got 1");
        fails("States.MathRandom(1, 2.5)", json!({}), "must be an integer");
        fails("States.MathRandom(1, 5, 'seed')", json!({}), "the third argument (the seed) must be an integer");
    }

    // States.MathAdd

    #[test]
    fn math_add_guide_example() {
        // The guide: {"value1": 111, "step": -1} -> 110.
        assert_eq!(ok("States.MathAdd($.value1, $.step)", json!({"value1": 111, "step": -1})), json!(110));
    }

    #[test]
    fn math_add_argument_errors() {
        assert_eq!(ok("States.MathAdd(-5, 5)", json!({})), json!(0));
        fails("States.MathAdd(1.5, 1)", json!({}), "must be an integer");
        fails("States.MathAdd(1)", json!({}), "takes 2 arguments, got 1");
        fails("States.MathAdd($.n, 1)", json!({"n": i64::MAX}), "overflows");
    }

    // States.StringSplit

    #[test]
    fn string_split_guide_examples() {
        // The guide: "1,2,3,4,5" split at "," and "This.is+a,test=string" split at ".+,=".
        let input = json!({"inputString": "1,2,3,4,5", "splitter": ","});
        assert_eq!(ok("States.StringSplit($.inputString, $.splitter)", input), json!(["1", "2", "3", "4", "5"]));
        let input = json!({"inputString": "This.is+a,test=string", "splitter": ".+,="});
        assert_eq!(
            ok("States.StringSplit($.inputString, $.splitter)", input),
            json!(["This", "is", "a", "test", "string"])
        );
    }

    #[test]
    fn string_split_drops_empty_pieces() {
        assert_eq!(ok("States.StringSplit(',a,,b,', ',')", json!({})), json!(["a", "b"]));
        assert_eq!(ok("States.StringSplit('abc', '')", json!({})), json!(["abc"]));
    }

    #[test]
    fn string_split_argument_errors() {
        fails("States.StringSplit($.n, ',')", json!({"n": 1}), "must be a string");
        fails("States.StringSplit('a')", json!({}), "takes 2 arguments, got 1");
    }

    // States.UUID

    #[test]
    fn uuid_is_version_4_from_random() {
        let v = ok("States.UUID()", json!({}));
        let s = v.as_str().unwrap();
        let groups: Vec<&str> = s.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{s}");
        assert!(groups[2].starts_with('4'), "version 4: {s}");
        assert!(matches!(groups[3].chars().next(), Some('8' | '9' | 'a' | 'b')), "RFC variant: {s}");
        assert!(s.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn uuid_is_reproducible_with_the_same_generator() {
        let resolve = |_: &str| Ok(Value::Null);
        let mut zeros = || 0u64;
        assert_eq!(
            evaluate("States.UUID()", &resolve, &mut zeros).unwrap(),
            json!("00000000-0000-4000-8000-000000000000")
        );
        let mut ones = || u64::MAX;
        assert_eq!(
            evaluate("States.UUID()", &resolve, &mut ones).unwrap(),
            json!("ffffffff-ffff-4fff-bfff-ffffffffffff")
        );
        fails("States.UUID(1)", json!({}), "takes 0 arguments, got 1");
    }

    // Nesting and limits

    #[test]
    fn nested_format_of_array_length() {
        assert_eq!(ok("States.Format('{}', States.ArrayLength($.a))", json!({"a": [1, 2, 3]})), json!("3"));
    }

    #[test]
    fn guide_example_with_nine_nested_functions() {
        // The guide's myArn example (nine intrinsic functions in one field).
        let call = "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
        let input =
            json!({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe/1.0.0"}});
        // As printed, the template has three placeholders for two values: it fails on that, not
        // on the nesting; with two placeholders it gives the recipe's major.minor version.
        fails(call, input.clone(), "3 placeholder(s)");
        assert_eq!(ok(&call.replacen("'{}.{}.{}'", "'{}.{}'", 1), input), json!("1.0"));
    }

    #[test]
    fn more_than_ten_functions_fail() {
        let ten = "States.Array(".repeat(10) + &")".repeat(10);
        assert!(run(&ten, json!({})).is_ok());
        let eleven = "States.Array(".repeat(11) + &")".repeat(11);
        fails(&eleven, json!({}), "11 intrinsic functions; at most 10");
    }

    #[test]
    fn nested_calls_as_several_arguments() {
        let call = "States.Array(States.MathAdd(1, 2), States.Base64Encode('a'), States.ArrayRange(1, 2, 1))";
        assert_eq!(ok(call, json!({})), json!([3, "YQ==", [1, 2]]));
    }

    // Parsing

    #[test]
    fn whitespace_is_allowed_between_tokens() {
        assert_eq!(ok("  States.MathAdd (  1 ,\t2 )  ", json!({})), json!(3));
    }

    #[test]
    fn strings_keep_commas_and_parentheses() {
        assert_eq!(ok("States.Array('a, b)', '(c')", json!({})), json!(["a, b)", "(c"]));
    }

    #[test]
    fn paths_with_brackets_and_quotes() {
        let resolve = |p: &str| Ok(json!(p));
        let mut random = || 0u64;
        let got = evaluate("States.Array($.a['x,y)'], $.b[0], $$.Execution.Id)", &resolve, &mut random).unwrap();
        assert_eq!(got, json!(["$.a['x,y)']", "$.b[0]", "$$.Execution.Id"]));
    }

    #[test]
    fn literal_types() {
        assert_eq!(
            ok("States.Array(1, -2, 2.5, 1e3, true, false, null, '')", json!({})),
            json!([1, -2, 2.5, 1000.0, true, false, null, ""])
        );
    }

    #[test]
    fn resolve_errors_pass_through() {
        let e = run("States.ArrayLength($.missing)", json!({})).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
    }

    #[test]
    fn unknown_function() {
        fails("States.Nope(1)", json!({}), "\"States.Nope\", which is not an intrinsic function");
        fails("Format('x')", json!({}), "not an intrinsic function");
    }

    #[test]
    fn malformed_calls() {
        fails("States.Format('x'", json!({}), "missing its closing `)`");
        fails("States.Format('x", json!({}), "unterminated string literal");
        fails("States.Format('x') y", json!({}), "text after the closing `)`");
        fails("States.Format", json!({}), "expected `(`");
        fails("States.Array(1,)", json!({}), "unexpected ')'");
        fails("States.Array(1,", json!({}), "expected an argument");
        fails("States.Array(1 2)", json!({}), "expected `,` or `)`");
        fails("States.Array(yes)", json!({}), "unexpected 'y'");
        fails("States.Array(1-2)", json!({}), "\"1-2\" is not a number");
        fails("", json!({}), "expected a function name");
    }

    #[test]
    fn invalid_escape() {
        fails("States.Format('a\\nb')", json!({}), "`\\n` is not an escape");
    }

    #[test]
    fn odd_inputs_never_panic() {
        for s in [
            "(",
            ")",
            "States.",
            "States.Array(",
            "States.Array('\\",
            "States.Array($",
            "States.Array($[",
            "é(",
            "States.Array(-)",
            "States.Array(States.)",
        ] {
            let _ = run(s, json!({}));
        }
    }
}

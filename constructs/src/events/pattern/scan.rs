//! The fast scanner behind [`RuleIndex::matching_text`](super::RuleIndex::matching_text): an
//! event's JSON text read in one pass, keeping only the members on the index's field paths.
//!
//! Building a whole `serde_json::Value` is most of the cost of matching an event against a few
//! candidate rules, and most of an event's members are named by no rule. The scanner goes over
//! the bytes once, checking every value but building only the members whose names are on a
//! field path ([`Paths`]), into a flat [`Tree`] that borrows its strings from the text. The
//! buffers the tree lives in ([`Buffers`]) are reused from event to event, so a scan allocates
//! nothing once they have grown (only a string with escapes on a field path is copied, to
//! unescape it).
//!
//! The scanner takes only what serde_json takes, with the same values: numbers are read as
//! serde_json reads them (a number of at most 15 significant digits and no exponent is
//! computed as serde_json computes it, one exact integer over an exact power of ten; any other
//! is handed to serde_json's own parser), and a repeated member keeps its last value, as
//! serde_json's map does. Whatever it is unsure of (any error, `\u` escapes, an escaped member
//! name where names are looked up, control characters, nesting deeper than 100, a document that
//! is not an object) it declines with `None`, and the caller lets serde_json parse the text.
//!
//! Design decisions:
//! - positions instead of references: items hold byte offsets into the text, so the buffers
//!   have no lifetime and can be kept in a thread-local between events;
//! - a value that is skipped has its own routine ([`Scan::skip`]) that only validates, so the
//!   common case (a member no rule names) pushes nothing;
//! - strings are searched 8 bytes at a time for the quote, the backslash and control characters
//!   (the usual SWAR bit tricks), since most of an event's bytes are inside strings.

use super::matching::{EventValue, Leaf};
use super::names::print;

/// The tree of field paths the scanner keeps: node 0 is the document's top level.
pub(super) trait Paths {
    /// The node of member `name` under `node`, when some rule names it, and its position
    /// among `node`'s children (each child has its own).
    fn child(&self, node: u32, name: &str) -> Option<(u32, usize)>;
}

/// A value of the tree: scalars as positions in the text (strings with escapes unescaped into
/// [`Buffers::owned`]), containers as ranges of [`Buffers::items`].
#[derive(Debug, Clone, Copy)]
pub(super) enum Tv {
    Null,
    Bool(bool),
    Num(f64),
    /// Start and length in bytes of a string's text (between its quotes, no escapes).
    Str(u32, u32),
    Owned(u32),
    Arr(u32, u32),
    Obj(u32, u32),
}

/// An object member (its name's position and its node) or an array item (the array's node).
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    name_at: u32,
    name_len: u32,
    node: u32,
    value: Tv,
}

/// The buffers a scan fills, reused from event to event.
#[derive(Default)]
pub(super) struct Buffers {
    items: Vec<Item>,
    stack: Vec<Item>,
    owned: Vec<String>,
}

/// A scanned event: the text and the buffers holding its kept members.
pub(super) struct Tree<'a> {
    text: &'a str,
    items: &'a [Item],
    owned: &'a [String],
    root: Tv,
}

impl<'a> Tree<'a> {
    /// The document (an object).
    pub(super) fn root(&self) -> TRef<'_, 'a> {
        TRef { tree: self, v: self.root }
    }
}

/// A value in a [`Tree`], as matching reads events.
#[derive(Clone, Copy)]
pub(super) struct TRef<'r, 'a> {
    tree: &'r Tree<'a>,
    v: Tv,
}

impl<'r, 'a> TRef<'r, 'a> {
    /// The members (with their nodes) of an object, or the items of an array (with the array's
    /// node); nothing for a scalar.
    pub(super) fn children(self) -> impl Iterator<Item = (u32, TRef<'r, 'a>)> {
        let range = match self.v {
            Tv::Obj(start, len) | Tv::Arr(start, len) => start as usize..(start + len) as usize,
            _ => 0..0,
        };
        let tree = self.tree;
        tree.items[range].iter().map(move |m| (m.node, TRef { tree, v: m.value }))
    }

    /// True for a container (an object or an array).
    pub(super) fn is_container(self) -> bool {
        matches!(self.v, Tv::Obj(..) | Tv::Arr(..))
    }
}

impl<'r, 'a: 'r> EventValue<'r> for TRef<'r, 'a> {
    fn is_object(self) -> bool {
        matches!(self.v, Tv::Obj(..))
    }
    fn array_len(self) -> Option<usize> {
        match self.v {
            Tv::Arr(_, len) => Some(len as usize),
            _ => None,
        }
    }
    fn item(self, i: usize) -> Self {
        match self.v {
            Tv::Arr(start, _) => TRef { tree: self.tree, v: self.tree.items[start as usize + i].value },
            _ => unreachable!("item of a non-array"),
        }
    }
    fn member(self, name: &str) -> Option<Self> {
        let Tv::Obj(start, len) = self.v else { return None };
        let text = self.tree.text.as_bytes();
        self.tree.items[start as usize..(start + len) as usize]
            .iter()
            .find(|m| {
                m.name_len as usize == name.len()
                    && same_bytes(&text[m.name_at as usize..(m.name_at + m.name_len) as usize], name.as_bytes())
            })
            .map(|m| TRef { tree: self.tree, v: m.value })
    }
    fn leaf(self) -> Option<Leaf<'r>> {
        Some(match self.v {
            Tv::Null => Leaf::Null,
            Tv::Bool(b) => Leaf::Bool(b),
            Tv::Num(x) => Leaf::Num(x),
            Tv::Str(at, len) => Leaf::Str(&self.tree.text[at as usize..(at + len) as usize]),
            Tv::Owned(i) => Leaf::Str(&self.tree.owned[i as usize]),
            Tv::Arr(..) | Tv::Obj(..) => return None,
        })
    }
}

/// serde_json's limit is 128 levels; below that, nothing to decide.
const SCAN_DEPTH: usize = 100;

/// Scans `text` keeping the members on `paths` into `buffers` (cleared first); `None` when the
/// scanner declines (see the module documentation).
pub(super) fn scan<'a>(text: &'a str, paths: &impl Paths, buffers: &'a mut Buffers) -> Option<Tree<'a>> {
    // Offsets are u32: a longer text (far over EventBridge's 256 KB) goes to serde_json.
    if text.len() >= u32::MAX as usize {
        return None;
    }
    buffers.items.clear();
    buffers.stack.clear();
    buffers.owned.clear();
    let mut scan = Scan { b: text.as_bytes(), text, pos: 0, paths, buf: buffers };
    scan.ws();
    if scan.peek()? != b'{' {
        return None;
    }
    let root = scan.value(0, 0)?;
    scan.ws();
    if scan.pos != scan.b.len() {
        return None;
    }
    let Buffers { items, owned, .. } = buffers;
    Some(Tree { text, items, owned, root })
}

struct Scan<'t, 'p, P> {
    b: &'t [u8],
    text: &'t str,
    pos: usize,
    paths: &'p P,
    buf: &'t mut Buffers,
}

impl<P: Paths> Scan<'_, '_, P> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// After optional whitespace: a `,` (true: more follows) or `close` (false: the end).
    #[inline]
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let c = self.peek()?;
        self.pos += 1;
        if c == b',' {
            Some(true)
        } else if c == close {
            Some(false)
        } else {
            None
        }
    }

    /// Opens a container: true when it is empty (and already closed).
    #[inline]
    fn open(&mut self, depth: usize, close: u8) -> Option<bool> {
        if depth >= SCAN_DEPTH {
            return None;
        }
        self.pos += 1;
        self.ws();
        if self.peek()? == close {
            self.pos += 1;
            return Some(true);
        }
        Some(false)
    }

    /// A member name and its `:`; the name's start and length, and whether it has escapes.
    #[inline(always)]
    fn name(&mut self) -> Option<(usize, usize, bool)> {
        self.ws();
        if self.peek()? != b'"' {
            return None;
        }
        let (start, len, escaped) = self.string_raw()?;
        self.ws();
        if self.peek()? != b':' {
            return None;
        }
        self.pos += 1;
        Some((start, len, escaped))
    }

    /// A kept value at `node`.
    fn value(&mut self, node: u32, depth: usize) -> Option<Tv> {
        self.ws();
        match self.peek()? {
            b'{' => {
                let mark = self.buf.stack.len();
                // The children seen in this object (by position, the first 64), to find a
                // repeated member without searching.
                let mut seen = 0u64;
                if !self.open(depth, b'}')? {
                    loop {
                        let (start, len, escaped) = self.name()?;
                        if escaped {
                            // An escaped name may be a named one: serde_json decides.
                            return None;
                        }
                        match self.paths.child(node, &self.text[start..start + len]) {
                            Some((c, position)) => {
                                let value = self.value(c, depth + 1)?;
                                let bit = 1u64.checked_shl(position as u32).unwrap_or(0);
                                let again = bit == 0 || seen & bit != 0;
                                seen |= bit;
                                // A repeated member: the last one counts, as in serde_json's map.
                                let earlier =
                                    if again { self.buf.stack[mark..].iter_mut().find(|m| m.node == c) } else { None };
                                match earlier {
                                    Some(m) => m.value = value,
                                    None => self.buf.stack.push(Item {
                                        name_at: start as u32,
                                        name_len: len as u32,
                                        node: c,
                                        value,
                                    }),
                                }
                            }
                            None => self.skip(depth + 1)?,
                        }
                        if !self.next_or_close(b'}')? {
                            break;
                        }
                    }
                }
                let (start, len) = self.close(mark);
                Some(Tv::Obj(start, len))
            }
            b'[' => {
                let mark = self.buf.stack.len();
                if !self.open(depth, b']')? {
                    loop {
                        let value = self.value(node, depth + 1)?;
                        self.buf.stack.push(Item { name_at: 0, name_len: 0, node, value });
                        if !self.next_or_close(b']')? {
                            break;
                        }
                    }
                }
                let (start, len) = self.close(mark);
                Some(Tv::Arr(start, len))
            }
            b'"' => {
                let (start, len, escaped) = self.string_raw()?;
                if !escaped {
                    return Some(Tv::Str(start as u32, len as u32));
                }
                self.buf.owned.push(unescape(&self.text[start..start + len])?);
                Some(Tv::Owned((self.buf.owned.len() - 1) as u32))
            }
            b't' => self.literal(b"true").map(|_| Tv::Bool(true)),
            b'f' => self.literal(b"false").map(|_| Tv::Bool(false)),
            b'n' => self.literal(b"null").map(|_| Tv::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                let simple = self.number()?;
                let text = &self.text[start..self.pos];
                simple.map(Tv::Num).or_else(|| {
                    // serde_json's own reading (integers as `u64`/`i64` then `f64`, as
                    // `Number::as_f64`; out of range is an error).
                    serde_json::from_str::<f64>(text).ok().map(Tv::Num)
                })
            }
            _ => None,
        }
    }

    /// A skipped value: checked, not kept. Iterative (the containers it is inside are bits of
    /// `open`, 1 for an object), so a skipped subtree costs no call per value.
    fn skip(&mut self, depth: usize) -> Option<()> {
        let mut open: u128 = 0;
        let mut level = 0usize;
        loop {
            // A value.
            self.ws();
            match self.peek()? {
                c @ (b'{' | b'[') => {
                    let object = c == b'{';
                    if depth + level >= SCAN_DEPTH {
                        return None;
                    }
                    self.pos += 1;
                    self.ws();
                    if self.peek()? == if object { b'}' } else { b']' } {
                        self.pos += 1;
                    } else {
                        open = open << 1 | object as u128;
                        level += 1;
                        if object {
                            self.name()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.string_raw()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => return None,
            }
            // After a value: the next one in the innermost container, or its end.
            loop {
                if level == 0 {
                    return Some(());
                }
                let object = open & 1 == 1;
                if self.next_or_close(if object { b'}' } else { b']' })? {
                    if object {
                        self.name()?;
                    }
                    break;
                }
                open >>= 1;
                level -= 1;
            }
        }
    }

    /// Moves the items pushed since `mark` to their final place: their range in `items`.
    fn close(&mut self, mark: usize) -> (u32, u32) {
        let start = self.buf.items.len() as u32;
        self.buf.items.extend_from_slice(&self.buf.stack[mark..]);
        self.buf.stack.truncate(mark);
        (start, self.buf.items.len() as u32 - start)
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    #[inline]
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; its value when it has at most 15
    /// digits and no exponent (`Some(None)`: a valid number to hand to serde_json).
    fn number(&mut self) -> Option<Option<f64>> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.peek()? {
            b'0' => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return None;
                }
            }
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        let int_end = self.pos;
        let mut frac = int_end..int_end;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let start = self.pos;
            if self.digits() == 0 {
                return None;
            }
            frac = start..self.pos;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
            return Some(None);
        }
        Some(simple_number(&self.b[int_start..int_end], &self.b[frac], negative))
    }

    /// A string's raw text between its quotes (start and length in bytes), and whether it holds
    /// escapes (checked: only the simple ones, no `\u`, no control characters).
    #[inline(always)]
    fn string_raw(&mut self) -> Option<(usize, usize, bool)> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let (n, c) = special(self.b.get(self.pos..)?)?;
            self.pos += n;
            match c {
                b'"' => {
                    self.pos += 1;
                    return Some((start, self.pos - 1 - start, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match self.b.get(self.pos + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }
}

/// `a == b`, inlined for the short texts of names and values (a call to `memcmp` costs more
/// than comparing two words): up to 16 bytes a text's fingerprint is the text.
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && if a.len() <= 16 { print(a) == print(b) } else { a == b }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The index of the first `"`, `\` or control character in `b`, and that byte (`None`: there
/// is none).
#[inline(always)]
fn special(b: &[u8]) -> Option<(usize, u8)> {
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // A byte is flagged when it is 0 after the xor (the quote, the backslash) or below 0x20;
        // the lowest flagged byte is exact (borrows only run upwards).
        let quote = w ^ (ONES * b'"' as u64);
        let backslash = w ^ (ONES * b'\\' as u64);
        let flags = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | w.wrapping_sub(ONES * 0x20) & !w)
            & HIGHS;
        if flags != 0 {
            let shift = flags.trailing_zeros() & !7;
            return Some((at + (shift / 8) as usize, (w >> shift) as u8));
        }
        at += 8;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).map(|i| (at + i, rest[i]))
}

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// The value of a number of at most 15 digits without exponent (`None` otherwise), as
/// serde_json computes it: the digits as an exact integer, divided by an exact power of ten
/// (one correctly rounded operation, so any correct parser gives the same `f64`), negated.
#[inline]
fn simple_number(int: &[u8], frac: &[u8], negative: bool) -> Option<f64> {
    if int.len() + frac.len() > 15 {
        return None;
    }
    let significand = int.iter().chain(frac).fold(0u64, |n, d| n * 10 + (d - b'0') as u64);
    let x = significand as f64 / POW10[frac.len()];
    Some(if negative { -x } else { x })
}

/// The text of a string's simple escapes (`string_raw` checked them).
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stepfunctions::interpreter::SplitMix64;

    #[test]
    fn same_bytes_is_equality() {
        let base = b"com.acme.service01/and-a-longer-tail";
        for n in 0..=base.len() {
            let a = &base[..n];
            assert!(same_bytes(a, a));
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 0x20;
                assert!(!same_bytes(a, &b), "{a:?} at {i}");
            }
            assert!(!same_bytes(a, &base[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn special_finds_the_first_quote_backslash_or_control_character() {
        for text in ["", "abc", "abcdefgh", "abcdefghijklmnop", "héllo wörld ü 日本語 more text"] {
            assert_eq!(special(text.as_bytes()), None, "{text:?}");
        }
        let mut rng = SplitMix64::new(7);
        for _ in 0..2000 {
            let len = rng.below(40);
            let mut b: Vec<u8> = (0..len).map(|_| b"abcXYZ \x7f\xc3\xa9"[rng.below(10)]).collect();
            if len > 0 && rng.below(4) != 0 {
                let at = rng.below(len);
                b[at] = [b'"', b'\\', 0x00, 0x1f, b'\n'][rng.below(5)];
                for (i, c) in b.iter_mut().enumerate().skip(at + 1) {
                    if rng.below(3) == 0 {
                        *c = [b'"', b'\\', 0x01][i % 3];
                    }
                }
            }
            let want = b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            assert_eq!(special(&b), want.map(|i| (i, b[i])), "{b:?}");
        }
    }

    #[test]
    fn simple_numbers_are_read_as_serde_json_reads_them() {
        let mut rng = SplitMix64::new(11);
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "-1",
            "0.1",
            "0.3",
            "123456789012345",
            "99999999999999.9",
            "1.000000000000001",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..20_000 {
            let int = rng.below(1_000_000_000) as u64 * (1 + rng.below(100_000) as u64);
            let mut t = format!("{}{int}", if rng.below(2) == 0 { "-" } else { "" });
            if rng.below(3) != 0 {
                let frac: String = (0..1 + rng.below(16)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
                t = format!("{t}.{frac}");
            }
            texts.push(t);
        }
        for t in texts {
            let want: f64 = serde_json::from_str(&t).unwrap();
            let (int, frac) = t.trim_start_matches('-').split_once('.').unwrap_or((t.trim_start_matches('-'), ""));
            if let Some(got) = simple_number(int.as_bytes(), frac.as_bytes(), t.starts_with('-')) {
                assert_eq!(got.to_bits(), want.to_bits(), "{t}");
            } else {
                assert!(int.len() + frac.len() > 15, "{t} is simple");
            }
        }
    }
}

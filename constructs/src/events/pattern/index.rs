//! [`RuleIndex`]: many event patterns matched at once, without testing every pattern.
//!
//! EventBridge matches each event against every rule of a bus, and AWS's own engine
//! ([aws/event-ruler](https://github.com/aws/event-ruler)) is built so that "the time it takes
//! to match events doesn't depend on the number of rules": it compiles all rules into one state
//! machine over the event's fields in sorted name order, and walks it once per event. This module
//! gets most of that benefit with much less machinery, and with one property event-ruler does not
//! need but we do: **it cannot disagree with [`EventPattern::matches_with`]**, whose behaviour is
//! the reference (the conformance corpus is written against it).
//!
//! # The design: necessary conditions, then confirmation
//!
//! A pattern is never evaluated by the index itself. Instead, each rule is filed under its
//! *anchors*: conditions that every event the rule matches must satisfy, cheap to look up. An
//! event is flattened once into `(field path, leaf value)` pairs (arrays are transparent, as in
//! matching: `"resources": ["a", "b"]` gives two leaves at `resources`), each pair is looked up
//! in the anchor tables, and a rule all of whose anchors were found is a *candidate*. Only a
//! rule's *primary* anchor (its cheapest) lists the rule; every key has an id, a probe records
//! the ids of the keys it finds, and a rule reached through its primary anchor is a candidate
//! when each of its other anchors has a key among them (a few bit tests), so a popular key that
//! is only a secondary anchor costs one id per event, not one entry per rule. Such a rule
//! is checked with its own [`EventPattern::matches_with`] on the whole event. Since anchors are
//! *necessary* conditions, a rule that matches is always a candidate; since every candidate is
//! confirmed by
//! the reference matcher, a rule that does not match is never reported. The index can only make
//! matching faster or slower, never different: a weak anchor costs time, not correctness.
//!
//! Why not event-ruler's full state machine? It evaluates the operators itself (its states
//! encode prefixes, numeric ranges, anything-but...), so it is a second implementation of the
//! semantics, and every difference (numbers `5` vs `5.0`, IP address equality, `exists` on
//! objects, array-consistent matching) would be a bug to find. Confirmation keeps one
//! implementation. In practice real rules name a distinct `source` or `detail-type`, so an event
//! has a handful of candidates whatever the number of rules, and confirming them costs about as
//! much as the lookups; the time per event stays nearly flat from 10 to 1,000 rules
//! (`cargo bench -p app --bench event_match`).
//!
//! # Anchors
//!
//! An anchor is a *disjunction* of keys at field paths: the rule can only match when the event
//! has a leaf satisfying at least one of them. From a field's matcher list (any matcher may
//! match, so the keys of all its matchers are needed):
//!
//! - an exact value: the value itself, keyed as matching compares it: numbers by their `f64`
//!   (`5` and `5.0` are one key), strings that are IP addresses by the address (`2001:db8::1`
//!   and `2001:0db8:0:0:0:0:0:1` are one key), other strings as they are, `true`, `false`,
//!   `null`;
//! - `equals-ignore-case`: the lowercased value (looked up with the lowercased leaf);
//! - `prefix`, `suffix` (and their `equals-ignore-case` forms, lowercased): the affix, looked up
//!   by cutting the leaf at each affix length the field's table holds (a few lengths, whatever
//!   the number of rules);
//! - `wildcard`: the literal text before its first `*` as a prefix, or else after its last `*` as
//!   a suffix; `"*"` alone needs only some string;
//! - `numeric`: some number at the path; `cidr`: some string; `anything-but` and
//!   `exists: true`: some leaf at all (each of these needs a value to be present: these
//!   *presence* keys are the weakest);
//! - `exists: false` needs nothing: a field holding it gives no anchor.
//!
//! A matcher that can never match (a token the resolver cannot resolve, an invalid wildcard, a
//! string operator on a number) adds no key; a field whose matchers all are such has an empty
//! disjunction, and a rule anchored on it is filed nowhere (it matches no event).
//!
//! Every field of a level is required, so each field's anchor (and, through nested objects,
//! each nested field's, with the path extended) is a candidate anchor of the rule; a `$or` gives
//! one more when every alternative has an anchor: the union of the alternatives' cheapest
//! anchors (exact keys cost least, long affixes less than short ones, presence keys most, plus,
//! per key, the number of rules already filed under it: the rarest key known when the rule is
//! added). A rule is filed under all its anchors that hold no presence key (at most 64, the
//! cheapest), so a rule with a shared `source` (`aws.ec2`) is a candidate only for events that
//! also have its `detail-type`, its `detail.state`... Presence keys (some leaf, number, string)
//! are found in most events, so counting them would cost time growing with the rules for little
//! filtering: a rule is filed under them only when it has no other anchor, and then not under
//! those at envelope fields (`source`, `detail-type`...: every event has them) unless it has
//! nothing else. Rules with no anchor
//! at all (only `exists: false` fields, or an empty pattern, which matches every event) are
//! checked for every event.
//!
//! # Tokens
//!
//! Patterns may hold tokens (`Pseudo::AccountId`), which matching resolves with a [`Resolver`].
//! The index takes its resolver when it is built ([`RuleIndex::with_resolver`]; [`RuleIndex::new`]
//! resolves nothing, like [`EventPattern::matches`]): anchors are computed from the resolved
//! values and candidates are confirmed with the same resolver.
//!
//! # Parsing only what the rules look at
//!
//! [`RuleIndex::matching_text`] starts from the event's JSON text, and building a whole
//! `serde_json::Value` is most of the cost of matching an event against a few candidates. The
//! index keeps a tree of every field path its patterns name (anchored or not, `$or` alternatives
//! included), and the scanner of the `scan` module goes over the bytes once, checking every
//! value but keeping only those paths, in a flat tree of positions in the text (see that
//! module for the design and for what it declines). Matching only ever looks up the names a
//! pattern holds, through the same arrays and objects, so each pattern gives the same answer on
//! the pruned event as on the whole one; candidates are confirmed on that tree by the *same*
//! matching code as [`EventPattern::matches_with`] (it is generic over the event's
//! representation), so there is still one implementation of the semantics. When the scanner
//! declines a text, serde_json parses it instead, building only the named paths
//! (`serde::de::IgnoredAny` elsewhere); errors are serde_json's. One difference from
//! `serde_json::from_str` remains: in a skipped member serde_json does not check that `\u`
//! escapes form valid UTF-16, so such an escape there is not an error.
//!
//! A tree node's member names are looked up by fingerprint (the `names` module), its anchor
//! keys in hash tables with a word-at-a-time FxHash (`fxhash`). Each rule is listed at its
//! primary anchor's keys as one record (its slot and its other anchors' key ids), so checking a
//! probe's rules reads one contiguous list. Per-event buffers (the scanner's tree, table
//! entries, anchor bits, candidates) are reused from event to event (per thread).
//!
//! # Equal patterns
//!
//! Rules often share a pattern (one pattern, several targets or accounts). Rules whose patterns
//! are equal form a group, and a group is confirmed once per event, whatever the number of its
//! rules.
//!
//! # Changing the rules
//!
//! [`RuleIndex::insert`] under an id already present replaces the rule, [`RuleIndex::remove`]
//! removes one; both update the anchor tables. The tree of field paths only grows (a removed
//! rule's paths are still parsed), which costs a little parsing, never correctness.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as J;

use super::fxhash::FastMap;
use super::matcher::Matcher;
use super::matching::{self, EventValue, Leaf};
use super::names::Names;
use super::object::{PatternField, PatternObject};
use super::resolve::Resolver;
use super::scan::{self, Buffers, Paths, TRef};
use super::wildcard;
use super::EventPattern;
use crate::wildcard::Piece;

/// Many event patterns, each under an id, matched against events at once: the ids of exactly
/// the patterns whose [`EventPattern::matches_with`] is true, without testing every pattern (see
/// the [module documentation](self) for how).
///
/// ```
/// use constructs::events::{EventPattern, Matcher, Numeric, RuleIndex};
///
/// let mut index = RuleIndex::new();
/// index.insert(1, EventPattern::new().source(["aws.ec2"]).detail_field("state", ["running"]));
/// index.insert(2, EventPattern::new().source([Matcher::prefix("aws.")]));
/// index.insert(3, EventPattern::new().detail_field("count", [Matcher::numeric(Numeric::gt(10))]));
///
/// let event = r#"{"source": "aws.ec2", "detail-type": "x", "detail": {"state": "running", "count": 3}}"#;
/// assert_eq!(index.matching_text(event).unwrap(), vec![1, 2]);
/// let event = serde_json::json!({"source": "demo", "detail": {"count": [1, 30]}});
/// assert_eq!(index.matching(&event), vec![3]);
/// ```
pub struct RuleIndex<K = usize> {
    resolver: Resolver,
    ids: BTreeMap<K, u32>,
    slots: Vec<Option<Slot<K>>>,
    free: Vec<u32>,
    /// The tree of field paths; `nodes[0]` is the event's top level.
    nodes: Vec<Node>,
    /// Slots with no anchor: checked for every event.
    always: Vec<u32>,
    /// The ids of the keys in the tables.
    keys: KeyIds,
    /// Rules with equal patterns share a group, confirmed once per event.
    groups: Groups,
}

struct Slot<K> {
    id: K,
    pattern: EventPattern,
    /// Where the rule's anchors are (node, key, whether the rule is listed there: its primary
    /// anchor's keys): empty when it is checked for every event.
    filed: Vec<(usize, Key, bool)>,
    /// The group of rules with a pattern equal to this one.
    group: u32,
}

/// A field path's place in the tree: its children by name and the rules anchored there. The
/// tables are boxed, and how many keys they hold is kept here as well, so that the nodes the
/// scanner and the probes walk through stay small (most have no table).
#[derive(Default)]
struct Node {
    children: Names,
    /// `tables.filed`.
    filed: usize,
    tables: Box<Tables>,
}

/// One anchor key at a path.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Str(Box<str>),
    Ip(IpAddr),
    Num(u64),
    Bool(bool),
    Null,
    Folded(Box<str>),
    Prefix(Box<str>),
    PrefixFolded(Box<str>),
    Suffix(Box<str>),
    SuffixFolded(Box<str>),
    /// Some leaf, some number, some string.
    AnyLeaf,
    AnyNumber,
    AnyString,
}

impl Key {
    /// The static part of the cost of filing a rule under this key: how many events it lets
    /// through, roughly.
    fn weight(&self) -> f64 {
        let affix = |s: &str| 2.0 + 8.0 / (s.chars().count() as f64);
        match self {
            // Longer strings are a little more specific (a tie-breaker).
            Key::Str(s) => 1.0 + 0.5 / (1.0 + s.len() as f64),
            Key::Ip(_) | Key::Num(_) => 1.2,
            Key::Bool(_) | Key::Null => 4.0,
            Key::Folded(s) => 1.5 + 0.5 / (1.0 + s.len() as f64),
            Key::Prefix(s) | Key::Suffix(s) => affix(s),
            Key::PrefixFolded(s) | Key::SuffixFolded(s) => 0.5 + affix(s),
            Key::AnyNumber | Key::AnyString => 40.0,
            Key::AnyLeaf => 50.0,
        }
    }
}

/// A candidate anchor while a pattern is analysed: keys at paths (outermost name first).
type Anchor = Vec<(Vec<String>, Key)>;

impl RuleIndex<usize> {
    /// An empty index whose patterns' tokens resolve to nothing (as [`EventPattern::matches`]).
    pub fn new() -> RuleIndex<usize> {
        RuleIndex::with_resolver(Resolver::none())
    }
}

impl Default for RuleIndex<usize> {
    fn default() -> Self {
        RuleIndex::new()
    }
}

impl<K> fmt::Debug for RuleIndex<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleIndex")
            .field("rules", &self.ids.len())
            .field("always_checked", &self.always.len())
            .field("paths", &self.nodes.len())
            .finish()
    }
}

impl<K: Ord + Clone> RuleIndex<K> {
    /// An empty index whose patterns' tokens resolve through `resolver` (as
    /// [`EventPattern::matches_with`]), with ids of any ordered type.
    ///
    /// ```
    /// use constructs::events::{EventPattern, Resolver, RuleIndex};
    /// use framework::Pseudo;
    ///
    /// let mut index = RuleIndex::with_resolver(Resolver::new("111122223333", "eu-west-1"));
    /// index.insert("mine", EventPattern::new().account([Pseudo::AccountId]));
    /// index.insert("other", EventPattern::new().account(["999999999999"]));
    /// let event = serde_json::json!({"account": "111122223333"});
    /// assert_eq!(index.matching(&event), vec!["mine"]);
    /// ```
    pub fn with_resolver(resolver: Resolver) -> RuleIndex<K> {
        RuleIndex {
            resolver,
            ids: BTreeMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            nodes: vec![Node::default()],
            always: Vec::new(),
            keys: KeyIds::default(),
            groups: Groups::default(),
        }
    }

    /// The resolver of the patterns' tokens.
    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of rules with no anchor, checked against every event (see the module
    /// documentation): patterns made only of `exists: false` fields, or empty.
    ///
    /// ```
    /// use constructs::events::{EventPattern, Matcher, RuleIndex};
    /// let mut index = RuleIndex::new();
    /// index.insert(0, EventPattern::new().source(["a"]));
    /// index.insert(1, EventPattern::new().detail_field("error", [Matcher::exists(false)]));
    /// assert_eq!(index.always_checked(), 1);
    /// ```
    pub fn always_checked(&self) -> usize {
        self.always.len()
    }

    /// The pattern filed under `id`.
    pub fn get(&self, id: &K) -> Option<&EventPattern> {
        let slot = *self.ids.get(id)?;
        self.slots[slot as usize].as_ref().map(|s| &s.pattern)
    }

    /// Adds `pattern` under `id`, replacing (and returning) the pattern already there.
    ///
    /// ```
    /// use constructs::events::{EventPattern, RuleIndex};
    /// let mut index = RuleIndex::new();
    /// assert!(index.insert(7, EventPattern::new().source(["a"])).is_none());
    /// assert!(index.insert(7, EventPattern::new().source(["b"])).is_some());
    /// assert_eq!(index.matching(&serde_json::json!({"source": "b"})), vec![7]);
    /// assert!(index.matching(&serde_json::json!({"source": "a"})).is_empty());
    /// ```
    pub fn insert(&mut self, id: K, pattern: EventPattern) -> Option<EventPattern> {
        let old = self.remove(&id);
        self.add_paths(pattern.root(), 0);
        let anchors = self.chosen_anchors(pattern.root());
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let (mut filed, mut rest) = (Vec::new(), Vec::new());
        for (i, keys) in anchors.iter().enumerate() {
            let primary = i == 0;
            if !primary {
                rest.push(keys.len() as u32);
            }
            for (path, key) in keys {
                let node = self.node_for(path);
                let n = &mut self.nodes[node];
                let id = n.tables.add(key, &mut self.keys);
                n.filed = n.tables.filed;
                if !primary {
                    rest.push(id);
                }
                filed.push((node, key.clone(), primary));
            }
        }
        // The rule is listed at its primary anchor's keys with its other anchors (a record).
        let record: Vec<u32> = [slot, rest.len() as u32].into_iter().chain(rest.iter().copied()).collect();
        for (node, key, primary) in &filed {
            if *primary {
                self.nodes[*node].tables.list(key, &record);
            }
        }
        if anchors.is_empty() {
            self.always.push(slot);
        }
        self.ids.insert(id.clone(), slot);
        let slots = &self.slots;
        let group =
            self.groups.join(&pattern, slot, |rep| slots[rep as usize].as_ref().is_some_and(|s| s.pattern == pattern));
        self.slots[slot as usize] = Some(Slot { id, pattern, filed, group });
        old
    }

    /// Removes the pattern under `id`, returning it.
    ///
    /// ```
    /// use constructs::events::{EventPattern, RuleIndex};
    /// let mut index = RuleIndex::new();
    /// index.insert(1, EventPattern::new().source(["a"]));
    /// assert!(index.remove(&1).is_some());
    /// assert!(index.is_empty() && index.matching(&serde_json::json!({"source": "a"})).is_empty());
    /// ```
    pub fn remove(&mut self, id: &K) -> Option<EventPattern> {
        let slot = self.ids.remove(id)?;
        let removed = self.slots[slot as usize].take()?;
        let slots = &self.slots;
        self.groups.leave(removed.group, slot, || {
            slots.iter().position(|s| s.as_ref().is_some_and(|s| s.group == removed.group)).map(|s| s as u32)
        });
        for (node, key, primary) in &removed.filed {
            let n = &mut self.nodes[*node];
            n.tables.remove(key, primary.then_some(slot), &mut self.keys);
            n.filed = n.tables.filed;
        }
        self.always.retain(|s| *s != slot);
        self.free.push(slot);
        Some(removed.pattern)
    }

    /// The ids of the patterns that match `event`, in ascending order: exactly those whose
    /// `matches_with(event, resolver)` is true.
    ///
    /// ```
    /// use constructs::events::{EventPattern, RuleIndex};
    /// let index: RuleIndex = [(2, EventPattern::new().source(["a"])), (1, EventPattern::new().region(["r"]))]
    ///     .into_iter()
    ///     .collect();
    /// assert_eq!(index.matching(&serde_json::json!({"source": "a", "region": "r"})), vec![1, 2]);
    /// ```
    pub fn matching(&self, event: &J) -> Vec<K> {
        if !event.is_object() || self.ids.is_empty() {
            return Vec::new();
        }
        with_scratch(|scratch| {
            self.visit(0, event, &mut scratch.found.found());
            self.confirm(event, &mut scratch.found)
        })
    }

    /// Parses `text` (an event as JSON) and gives the ids of the patterns that match it, as
    /// [`RuleIndex::matching`]; only the fields the patterns name are built (see the module
    /// documentation). A document that is not an object matches nothing.
    ///
    /// ```
    /// use constructs::events::{EventPattern, Matcher, RuleIndex};
    /// let mut index = RuleIndex::new();
    /// index.insert(0, EventPattern::new().detail_field("key", [Matcher::suffix(".png")]));
    /// assert_eq!(index.matching_text(r#"{"detail": {"key": "a/b.png", "size": 10}}"#).unwrap(), vec![0]);
    /// assert!(index.matching_text("{not json").is_err());
    /// ```
    pub fn matching_text(&self, text: &str) -> Result<Vec<K>, serde_json::Error> {
        let scanned = with_scratch(|scratch| {
            let Scratch { buffers, found } = scratch;
            let tree = scan::scan(text, &PathTree(&self.nodes), buffers)?;
            if self.ids.is_empty() {
                return Some(Vec::new());
            }
            let root = tree.root();
            self.visit_tree(0, root, &mut found.found());
            Some(self.confirm(root, found))
        });
        if let Some(ids) = scanned {
            return Ok(ids);
        }
        // Anything the fast scanner does not take (an error, a document that is not an object,
        // `\u` escapes, escaped member names, deep nesting): serde_json decides.
        let mut de = serde_json::Deserializer::from_str(text);
        let event = Pruned { nodes: &self.nodes, node: 0 }.deserialize(&mut de)?;
        de.end()?;
        Ok(self.matching(&event))
    }

    /// From the keys and rules found for an event (in `scratch`): the candidates (rules whose
    /// primary anchor was found and then each of their other anchors, and the rules with none),
    /// each confirmed by its own pattern on `event`.
    fn confirm<'a, E: EventValue<'a>>(&self, event: E, scratch: &mut Probed) -> Vec<K> {
        let Probed { records, keys, hit, seen, candidates, verdicts, .. } = scratch;
        if seen.len() < self.slots.len() {
            seen.resize(self.slots.len(), false);
        }
        let words = (self.keys.next as usize).div_ceil(64);
        if hit.len() < words {
            hit.resize(words, 0);
        }
        for &k in keys.iter() {
            hit[(k / 64) as usize] |= 1 << (k % 64);
        }
        let found = |k: &u32| hit[(*k / 64) as usize] >> (k % 64) & 1 == 1;
        let mut at = 0;
        while at < records.len() {
            let (slot, n) = (records[at], records[at + 1] as usize);
            let mut rest = &records[at + 2..at + 2 + n];
            at += 2 + n;
            let mut holds = true;
            while let Some((&m, tail)) = rest.split_first() {
                let (anchor, tail) = tail.split_at(m as usize);
                if !anchor.iter().any(found) {
                    holds = false;
                    break;
                }
                rest = tail;
            }
            // A rule found through two keys of its primary anchor is a candidate once.
            if holds && !std::mem::replace(&mut seen[slot as usize], true) {
                candidates.push(slot);
            }
        }
        for &s in candidates.iter() {
            seen[s as usize] = false;
        }
        for &k in keys.iter() {
            hit[(k / 64) as usize] = 0;
        }
        candidates.extend_from_slice(&self.always);
        if verdicts.len() < self.groups.len() {
            verdicts.resize(self.groups.len(), Verdict::Unknown);
        }
        let mut out: Vec<K> = Vec::new();
        for slot in candidates.iter().filter_map(|s| self.slots[*s as usize].as_ref()) {
            let verdict = &mut verdicts[slot.group as usize];
            if *verdict == Verdict::Unknown {
                let matched = matching::match_object_in(slot.pattern.root(), Some(event), &self.resolver);
                *verdict = if matched { Verdict::Matches } else { Verdict::Fails };
            }
            if *verdict == Verdict::Matches {
                out.push(slot.id.clone());
            }
        }
        for slot in candidates.iter().filter_map(|s| self.slots[*s as usize].as_ref()) {
            verdicts[slot.group as usize] = Verdict::Unknown;
        }
        records.clear();
        keys.clear();
        candidates.clear();
        out.sort_unstable();
        out
    }

    /// Creates the tree nodes of every field path `obj` names (at `node`).
    fn add_paths(&mut self, obj: &PatternObject, node: usize) {
        for (name, field) in &obj.fields {
            let child = self.child(node, name);
            if let PatternField::Object(o) = field {
                self.add_paths(o, child);
            }
        }
        for alt in obj.any_of.iter().flatten() {
            self.add_paths(alt, node);
        }
    }

    fn child(&mut self, node: usize, name: &str) -> usize {
        if let Some((_, c)) = self.nodes[node].children.get(name) {
            return c as usize;
        }
        self.nodes.push(Node::default());
        let c = self.nodes.len() - 1;
        self.nodes[node].children.insert(name, c as u32);
        c
    }

    fn node_for(&mut self, path: &[String]) -> usize {
        path.iter().fold(0, |node, name| self.child(node, name))
    }

    /// The current number of rules filed under `key` at `path` (0 for a path not in the tree).
    fn popularity(&self, path: &[String], key: &Key) -> usize {
        let mut node = 0;
        for name in path {
            match self.nodes[node].children.get(name.as_str()) {
                Some((_, c)) => node = c as usize,
                None => return 0,
            }
        }
        self.nodes[node].tables.count(key)
    }

    fn cost(&self, anchor: &Anchor) -> f64 {
        anchor.iter().map(|(path, key)| key.weight() + self.popularity(path, key) as f64).sum()
    }

    /// The necessary conditions of `obj` the rule is filed under: all of them, the cheapest
    /// first, at most 64 (an empty one, which no event satisfies, alone).
    fn chosen_anchors(&self, obj: &PatternObject) -> Vec<Anchor> {
        let mut candidates = Vec::new();
        self.anchors(obj, &mut Vec::new(), &mut candidates);
        if let Some(empty) = candidates.iter().position(Vec::is_empty) {
            return vec![candidates.swap_remove(empty)];
        }
        let mut costed: Vec<(f64, Anchor)> = candidates.into_iter().map(|a| (self.cost(&a), a)).collect();
        costed.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Presence keys (some leaf, number, string) are found in most events when a stronger
        // anchor exists, so they are not filed: every event would count them for nothing (the
        // counting cost would grow with the rules). Presence at an envelope field, which every
        // event has, is never worth filing when anything else is.
        let weak = |a: &Anchor| a.iter().any(|(_, k)| matches!(k, Key::AnyLeaf | Key::AnyNumber | Key::AnyString));
        let envelope = |a: &Anchor| a.iter().all(|(p, _)| p.len() == 1 && ENVELOPE.contains(&p[0].as_str()));
        let strong: Vec<Anchor> = costed.iter().filter(|(_, a)| !weak(a)).map(|(_, a)| a.clone()).collect();
        let chosen = if !strong.is_empty() {
            strong
        } else {
            let inner: Vec<Anchor> = costed.iter().filter(|(_, a)| !envelope(a)).map(|(_, a)| a.clone()).collect();
            if inner.is_empty() {
                costed.into_iter().take(1).map(|(_, a)| a).collect()
            } else {
                inner
            }
        };
        chosen.into_iter().take(64).collect()
    }

    /// Collects the candidate anchors of `obj` at `path`: one per anchorable field (nested ones
    /// included) and one for its `$or` when every alternative has one.
    fn anchors(&self, obj: &PatternObject, path: &mut Vec<String>, out: &mut Vec<Anchor>) {
        for (name, field) in &obj.fields {
            path.push(name.clone());
            match field {
                PatternField::Matchers(ms) => {
                    if let Some(keys) = field_keys(ms, &self.resolver) {
                        out.push(keys.into_iter().map(|k| (path.clone(), k)).collect());
                    }
                }
                PatternField::Object(o) => self.anchors(o, path, out),
            }
            path.pop();
        }
        if let Some(alts) = &obj.any_of {
            let mut union = Vec::new();
            for alt in alts {
                let mut theirs = Vec::new();
                self.anchors(alt, path, &mut theirs);
                let best = theirs.into_iter().map(|a| (self.cost(&a), a)).min_by(|a, b| a.0.total_cmp(&b.0));
                match best {
                    Some((_, a)) => union.extend(a),
                    None => return,
                }
            }
            // An empty `$or` never matches: the empty union says so.
            out.push(union);
        }
    }

    /// Adds the candidates of the leaves under `v` at `node`.
    fn visit(&self, node: usize, v: &J, out: &mut Found<'_>) {
        let n = &self.nodes[node];
        match v {
            J::Object(map) => {
                if n.children.len() <= map.len() {
                    for (name, child) in n.children.iter() {
                        if let Some(v) = map.get(name) {
                            self.visit(child as usize, v, out);
                        }
                    }
                } else {
                    for (name, v) in map {
                        if let Some((_, child)) = n.children.get(name.as_str()) {
                            self.visit(child as usize, v, out);
                        }
                    }
                }
            }
            J::Array(items) => items.iter().for_each(|i| self.visit(node, i, out)),
            leaf => {
                if let Some(leaf) = leaf.leaf() {
                    n.tables.probe(leaf, out);
                }
            }
        }
    }

    /// [`RuleIndex::visit`] on the scanner's tree (whose members already know their node).
    fn visit_tree(&self, node: usize, v: TRef<'_, '_>, out: &mut Found<'_>) {
        if v.is_container() {
            for (child, item) in v.children() {
                self.visit_tree(child as usize, item, out);
            }
            return;
        }
        let n = &self.nodes[node];
        if n.filed > 0 {
            if let Some(leaf) = v.leaf() {
                n.tables.probe(leaf, out);
            }
        }
    }
}

/// The tree of field paths, as the scanner looks names up.
struct PathTree<'a>(&'a [Node]);

impl Paths for PathTree<'_> {
    #[inline]
    fn child(&self, node: u32, name: &str) -> Option<(u32, usize)> {
        self.0[node as usize].children.find(name).map(|(_, c, position)| (c, position))
    }
}

impl<K: Ord + Clone> FromIterator<(K, EventPattern)> for RuleIndex<K> {
    /// An index of the patterns (tokens resolve to nothing); a later id replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (K, EventPattern)>>(iter: I) -> Self {
        let mut index = RuleIndex::with_resolver(Resolver::none());
        index.extend(iter);
        index
    }
}

impl<K: Ord + Clone> Extend<(K, EventPattern)> for RuleIndex<K> {
    fn extend<I: IntoIterator<Item = (K, EventPattern)>>(&mut self, iter: I) {
        for (id, pattern) in iter {
            self.insert(id, pattern);
        }
    }
}

/// The keys of a field's matcher list (one of them must hold for the field to match), or
/// `None` when the field can match without any leaf (`exists: false`).
fn field_keys(ms: &[Matcher], r: &Resolver) -> Option<Vec<Key>> {
    let mut keys = Vec::new();
    for m in ms {
        let text = |v: &framework::Value| match r.resolve(v) {
            Some(J::String(s)) => Some(s),
            _ => None,
        };
        let key = match m {
            Matcher::Exact(v) => r.resolve(v).and_then(|j| exact_key(&j)),
            Matcher::EqualsIgnoreCase(v) => text(v).map(|s| Key::Folded(s.to_lowercase().into())),
            Matcher::Prefix(v) => text(v).map(|s| Key::Prefix(s.into())),
            Matcher::PrefixIgnoreCase(v) => text(v).map(|s| Key::PrefixFolded(s.to_lowercase().into())),
            Matcher::Suffix(v) => text(v).map(|s| Key::Suffix(s.into())),
            Matcher::SuffixIgnoreCase(v) => text(v).map(|s| Key::SuffixFolded(s.to_lowercase().into())),
            Matcher::Wildcard(v) => text(v).and_then(|s| wildcard_key(&s)),
            Matcher::Cidr(v) => text(v).map(|_| Key::AnyString),
            Matcher::Numeric(_) => Some(Key::AnyNumber),
            // Matches some present value unless one of its values is an unresolved token.
            Matcher::AnythingBut(ab) => ab.values.iter().all(|v| r.resolve(v).is_some()).then_some(Key::AnyLeaf),
            Matcher::Exists(true) => Some(Key::AnyLeaf),
            Matcher::Exists(false) => return None,
        };
        // No key: the matcher never matches.
        if let Some(k) = key {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    Some(keys)
}

/// The key of an exact value, as `same_value` compares it (`None`: it matches no leaf).
fn exact_key(v: &J) -> Option<Key> {
    Some(match v {
        J::String(s) => match s.parse::<IpAddr>() {
            Ok(ip) => Key::Ip(ip),
            Err(_) => Key::Str(s.as_str().into()),
        },
        J::Number(n) => match n.as_f64() {
            Some(x) => Key::Num(number_bits(x)),
            None => Key::AnyNumber,
        },
        J::Bool(b) => Key::Bool(*b),
        J::Null => Key::Null,
        J::Array(_) | J::Object(_) => return None,
    })
}

/// `-0.0` and `0.0` are one key (they compare equal).
fn number_bits(x: f64) -> u64 {
    if x == 0.0 {
        0
    } else {
        x.to_bits()
    }
}

/// A wildcard's literal prefix, else its literal suffix, else "some string" (`None`: invalid,
/// it matches nothing).
fn wildcard_key(pattern: &str) -> Option<Key> {
    let pieces = wildcard::parse(pattern).ok()?;
    let literal = |ps: &mut dyn Iterator<Item = &Piece>| -> String {
        ps.map_while(|p| match p {
            Piece::Char(c) => Some(*c),
            Piece::Star => None,
        })
        .collect()
    };
    let prefix = literal(&mut pieces.iter());
    if !prefix.is_empty() {
        return Some(Key::Prefix(prefix.into()));
    }
    let suffix: String = literal(&mut pieces.iter().rev()).chars().rev().collect();
    Some(if suffix.is_empty() { Key::AnyString } else { Key::Suffix(suffix.into()) })
}

/// The keys at one field path. Each key has an id (its bit in the per-event set of keys found)
/// and the rules whose *primary* anchor holds it (the only rules a probe reports).
#[derive(Default)]
struct Tables {
    strings: FastMap<Box<str>, Entry>,
    ips: FastMap<IpAddr, Entry>,
    numbers: FastMap<u64, Entry>,
    trues: Option<Entry>,
    falses: Option<Entry>,
    nulls: Option<Entry>,
    folded: FastMap<Box<str>, Entry>,
    prefixes: Affixes,
    prefixes_folded: Affixes,
    suffixes: Affixes,
    suffixes_folded: Affixes,
    any_leaf: Option<Entry>,
    any_number: Option<Entry>,
    any_string: Option<Entry>,
    /// References to keys here, all tables together (a leaf at a path without any is skipped
    /// at once).
    filed: usize,
}

/// One key at a path: its id, how many anchors of rules hold it, and the rules whose primary
/// anchor holds it, as records `[slot, n, the rule's other anchors (n ids)]` (each anchor as
/// `[m, key id 1, ... key id m]`), so that a probe's rules are checked from one contiguous
/// list.
struct Entry {
    key: u32,
    refs: u32,
    /// Number of records.
    count: u32,
    records: Vec<u32>,
}

/// Key ids, reused once no anchor holds them.
#[derive(Default)]
struct KeyIds {
    next: u32,
    free: Vec<u32>,
}

impl KeyIds {
    fn take(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.next += 1;
            self.next - 1
        })
    }
}

/// Prefixes (or suffixes) and the lengths present, to look a text up by cutting it.
#[derive(Default)]
struct Affixes {
    by_text: FastMap<Box<str>, Entry>,
    /// Lengths in bytes, ascending, each with how many affixes have it.
    lengths: Vec<(usize, usize)>,
}

impl Affixes {
    fn entry(&mut self, s: &str, new: impl FnOnce() -> Entry) -> &mut Entry {
        if !self.by_text.contains_key(s) {
            match self.lengths.binary_search_by_key(&s.len(), |(len, _)| *len) {
                Ok(i) => self.lengths[i].1 += 1,
                Err(i) => self.lengths.insert(i, (s.len(), 1)),
            }
        }
        self.by_text.entry(s.into()).or_insert_with(new)
    }

    fn drop_key(&mut self, s: &str) {
        if self.by_text.remove(s).is_some() {
            if let Ok(i) = self.lengths.binary_search_by_key(&s.len(), |(len, _)| *len) {
                self.lengths[i].1 -= 1;
                if self.lengths[i].1 == 0 {
                    self.lengths.remove(i);
                }
            }
        }
    }

    fn probe(&self, text: &str, prefix: bool, out: &mut Found<'_>) {
        for &(len, _) in &self.lengths {
            if len > text.len() {
                break;
            }
            let cut = if prefix { len } else { text.len() - len };
            if !text.is_char_boundary(cut) {
                continue;
            }
            let part = if prefix { &text[..cut] } else { &text[cut..] };
            out.add(self.by_text.get(part));
        }
    }
}

/// What probing an event's leaves finds: the ids of the keys it satisfies, and the records of
/// the rules whose primary anchor holds one of them.
struct Found<'s> {
    keys: &'s mut Vec<u32>,
    records: &'s mut Vec<u32>,
    /// A buffer for a leaf's lowercased text.
    lower: &'s mut String,
}

impl Found<'_> {
    #[inline]
    fn add(&mut self, entry: Option<&Entry>) {
        if let Some(e) = entry {
            self.keys.push(e.key);
            self.records.extend_from_slice(&e.records);
        }
    }
}

impl Tables {
    fn entry(&mut self, key: &Key, ids: &mut KeyIds) -> &mut Entry {
        let mut new = || Entry { key: ids.take(), refs: 0, count: 0, records: Vec::new() };
        match key {
            Key::Str(s) => self.strings.entry(s.clone()).or_insert_with(new),
            Key::Ip(ip) => self.ips.entry(*ip).or_insert_with(new),
            Key::Num(n) => self.numbers.entry(*n).or_insert_with(new),
            Key::Bool(true) => self.trues.get_or_insert_with(new),
            Key::Bool(false) => self.falses.get_or_insert_with(new),
            Key::Null => self.nulls.get_or_insert_with(new),
            Key::Folded(s) => self.folded.entry(s.clone()).or_insert_with(new),
            Key::Prefix(s) => self.prefixes.entry(s, &mut new),
            Key::PrefixFolded(s) => self.prefixes_folded.entry(s, &mut new),
            Key::Suffix(s) => self.suffixes.entry(s, &mut new),
            Key::SuffixFolded(s) => self.suffixes_folded.entry(s, &mut new),
            Key::AnyLeaf => self.any_leaf.get_or_insert_with(new),
            Key::AnyNumber => self.any_number.get_or_insert_with(new),
            Key::AnyString => self.any_string.get_or_insert_with(new),
        }
    }

    fn get(&self, key: &Key) -> Option<&Entry> {
        match key {
            Key::Str(s) => self.strings.get(&**s),
            Key::Ip(ip) => self.ips.get(ip),
            Key::Num(n) => self.numbers.get(n),
            Key::Bool(true) => self.trues.as_ref(),
            Key::Bool(false) => self.falses.as_ref(),
            Key::Null => self.nulls.as_ref(),
            Key::Folded(s) => self.folded.get(&**s),
            Key::Prefix(s) => self.prefixes.by_text.get(&**s),
            Key::PrefixFolded(s) => self.prefixes_folded.by_text.get(&**s),
            Key::Suffix(s) => self.suffixes.by_text.get(&**s),
            Key::SuffixFolded(s) => self.suffixes_folded.by_text.get(&**s),
            Key::AnyLeaf => self.any_leaf.as_ref(),
            Key::AnyNumber => self.any_number.as_ref(),
            Key::AnyString => self.any_string.as_ref(),
        }
    }

    fn get_mut(&mut self, key: &Key) -> Option<&mut Entry> {
        match key {
            Key::Str(s) => self.strings.get_mut(&**s),
            Key::Ip(ip) => self.ips.get_mut(ip),
            Key::Num(n) => self.numbers.get_mut(n),
            Key::Bool(true) => self.trues.as_mut(),
            Key::Bool(false) => self.falses.as_mut(),
            Key::Null => self.nulls.as_mut(),
            Key::Folded(s) => self.folded.get_mut(&**s),
            Key::Prefix(s) => self.prefixes.by_text.get_mut(&**s),
            Key::PrefixFolded(s) => self.prefixes_folded.by_text.get_mut(&**s),
            Key::Suffix(s) => self.suffixes.by_text.get_mut(&**s),
            Key::SuffixFolded(s) => self.suffixes_folded.by_text.get_mut(&**s),
            Key::AnyLeaf => self.any_leaf.as_mut(),
            Key::AnyNumber => self.any_number.as_mut(),
            Key::AnyString => self.any_string.as_mut(),
        }
    }

    fn drop_key(&mut self, key: &Key) {
        match key {
            Key::Str(s) => drop(self.strings.remove(&**s)),
            Key::Ip(ip) => drop(self.ips.remove(ip)),
            Key::Num(n) => drop(self.numbers.remove(n)),
            Key::Bool(true) => self.trues = None,
            Key::Bool(false) => self.falses = None,
            Key::Null => self.nulls = None,
            Key::Folded(s) => drop(self.folded.remove(&**s)),
            Key::Prefix(s) => self.prefixes.drop_key(s),
            Key::PrefixFolded(s) => self.prefixes_folded.drop_key(s),
            Key::Suffix(s) => self.suffixes.drop_key(s),
            Key::SuffixFolded(s) => self.suffixes_folded.drop_key(s),
            Key::AnyLeaf => self.any_leaf = None,
            Key::AnyNumber => self.any_number = None,
            Key::AnyString => self.any_string = None,
        }
    }

    /// References `key` for an anchor of a rule; gives the key's id.
    fn add(&mut self, key: &Key, ids: &mut KeyIds) -> u32 {
        self.filed += 1;
        let e = self.entry(key, ids);
        e.refs += 1;
        e.key
    }

    /// Lists a rule's record (`[slot, n, its other anchors...]`) at `key`, one of its primary
    /// anchor's keys (already added).
    fn list(&mut self, key: &Key, record: &[u32]) {
        if let Some(e) = self.get_mut(key) {
            e.records.extend_from_slice(record);
            e.count += 1;
        }
    }

    /// Undoes one [`Tables::add`] (and the listing of `slot` when it is a primary anchor).
    fn remove(&mut self, key: &Key, slot: Option<u32>, ids: &mut KeyIds) {
        self.filed -= 1;
        let Some(e) = self.get_mut(key) else { return };
        e.refs -= 1;
        if let Some(s) = slot {
            let mut at = 0;
            while at < e.records.len() {
                let len = 2 + e.records[at + 1] as usize;
                if e.records[at] == s {
                    e.records.drain(at..at + len);
                    e.count -= 1;
                    break;
                }
                at += len;
            }
        }
        if e.refs == 0 {
            ids.free.push(e.key);
            self.drop_key(key);
        }
    }

    /// How many rules' primary anchors hold `key`.
    fn count(&self, key: &Key) -> usize {
        self.get(key).map_or(0, |e| e.count as usize)
    }

    /// Adds the keys here that `leaf` satisfies (and their rules).
    fn probe(&self, leaf: Leaf<'_>, out: &mut Found<'_>) {
        if self.filed == 0 {
            return;
        }
        out.add(self.any_leaf.as_ref());
        match leaf {
            Leaf::Str(s) => {
                out.add(self.any_string.as_ref());
                out.add(self.strings.get(s));
                if !self.ips.is_empty() {
                    out.add(s.parse::<IpAddr>().ok().and_then(|ip| self.ips.get(&ip)));
                }
                self.prefixes.probe(s, true, out);
                self.suffixes.probe(s, false, out);
                if !self.folded.is_empty()
                    || !self.prefixes_folded.lengths.is_empty()
                    || !self.suffixes_folded.lengths.is_empty()
                {
                    // ASCII lowercases in place (into a reused buffer); other text as
                    // `str::to_lowercase` does, as matching compares.
                    let mut lower = std::mem::take(out.lower);
                    if s.is_ascii() {
                        lower.clear();
                        lower.extend(s.bytes().map(|b| b.to_ascii_lowercase() as char));
                    } else {
                        lower = s.to_lowercase();
                    }
                    out.add(self.folded.get(lower.as_str()));
                    self.prefixes_folded.probe(&lower, true, out);
                    self.suffixes_folded.probe(&lower, false, out);
                    *out.lower = lower;
                }
            }
            Leaf::Num(x) => {
                out.add(self.any_number.as_ref());
                out.add(self.numbers.get(&number_bits(x)));
            }
            Leaf::Bool(true) => out.add(self.trues.as_ref()),
            Leaf::Bool(false) => out.add(self.falses.as_ref()),
            Leaf::Null => out.add(self.nulls.as_ref()),
        }
    }
}

/// Parses a JSON value keeping, in objects, only the members whose names are children of
/// `node` in the tree of field paths (recursively); arrays and scalars are kept whole.
struct Pruned<'a> {
    nodes: &'a [Node],
    node: usize,
}

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = J;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<J, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = J;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J, E> {
        // As serde_json's own `Value`.
        Ok(serde_json::Number::from_f64(v).map_or(J::Null, J::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<J, E> {
        Ok(J::String(v))
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<J, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Pruned { nodes: self.nodes, node: self.node })? {
            items.push(item);
        }
        Ok(J::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut out = serde_json::Map::new();
        let children = &self.nodes[self.node].children;
        while let Some(child) = map.next_key_seed(Member(children))? {
            match child {
                Some((name, node)) => {
                    let value = map.next_value_seed(Pruned { nodes: self.nodes, node: node as usize })?;
                    out.insert(name.to_string(), value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(J::Object(out))
    }
}

/// An object member's name, looked up among a node's children without allocating.
struct Member<'a>(&'a Names);

impl<'de, 'a> DeserializeSeed<'de> for Member<'a> {
    type Value = Option<(&'a str, u32)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'a> Visitor<'de> for Member<'a> {
    type Value = Option<(&'a str, u32)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.get(v))
    }
}

/// Buffers reused from event to event (per thread): the scanner's, and the probes'.
#[derive(Default)]
struct Scratch {
    buffers: Buffers,
    found: Probed,
}

/// What probing an event found: the rules' records and key ids, a bit per key id and a flag
/// per slot (all zero between events), the candidates.
#[derive(Default)]
struct Probed {
    records: Vec<u32>,
    keys: Vec<u32>,
    hit: Vec<u64>,
    seen: Vec<bool>,
    candidates: Vec<u32>,
    /// Per group of equal patterns (all unknown between events).
    verdicts: Vec<Verdict>,
    lower: String,
}

/// Whether a group's pattern matches the event, once confirmed.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Verdict {
    #[default]
    Unknown,
    Matches,
    Fails,
}

/// Groups of rules whose patterns are equal (many rules often share one pattern, each with its
/// own targets): a group is confirmed once per event, whatever the number of its rules. A
/// group is found by its pattern's `Debug` text, and a rule joins it only when its pattern is
/// `==` to the group's representative rule's.
#[derive(Default)]
struct Groups {
    by_text: FastMap<String, Vec<u32>>,
    /// Per group id: its text, rules (0: free) and representative slot.
    text: Vec<String>,
    refs: Vec<u32>,
    rep: Vec<u32>,
    free: Vec<u32>,
}

impl Groups {
    /// The group of `pattern` (the rule in `slot`): one with its text whose representative
    /// `same` accepts, or a new one.
    fn join(&mut self, pattern: &EventPattern, slot: u32, same: impl Fn(u32) -> bool) -> u32 {
        let text = format!("{pattern:?}");
        let list = self.by_text.entry(text.clone()).or_default();
        let group = match list.iter().copied().find(|g| same(self.rep[*g as usize])) {
            Some(g) => g,
            None => {
                let g = match self.free.pop() {
                    Some(g) => {
                        self.text[g as usize] = text;
                        self.rep[g as usize] = slot;
                        g
                    }
                    None => {
                        self.text.push(text);
                        self.refs.push(0);
                        self.rep.push(slot);
                        (self.refs.len() - 1) as u32
                    }
                };
                list.push(g);
                g
            }
        };
        self.refs[group as usize] += 1;
        group
    }

    /// The rule in `slot` leaves `group`; `other` finds another of its rules (when `slot` was
    /// its representative).
    fn leave(&mut self, group: u32, slot: u32, other: impl FnOnce() -> Option<u32>) {
        let g = group as usize;
        self.refs[g] -= 1;
        if self.refs[g] > 0 {
            if self.rep[g] == slot {
                self.rep[g] = other().unwrap_or(slot);
            }
            return;
        }
        self.free.push(group);
        let text = std::mem::take(&mut self.text[g]);
        if let Some(list) = self.by_text.get_mut(&text) {
            list.retain(|x| *x != group);
            if list.is_empty() {
                self.by_text.remove(&text);
            }
        }
    }

    /// Number of group ids.
    fn len(&self) -> usize {
        self.refs.len()
    }
}

impl Probed {
    fn found(&mut self) -> Found<'_> {
        Found { keys: &mut self.keys, records: &mut self.records, lower: &mut self.lower }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        // Re-entered (an id's `Ord` or `Clone` matching events itself): fresh buffers.
        Err(_) => f(&mut Scratch::default()),
    })
}

/// The fields of EventBridge's envelope, present in every event.
const ENVELOPE: &[&str] = &["version", "id", "detail-type", "source", "account", "time", "region", "resources"];

#[cfg(test)]
mod tests {
    use framework::{Pseudo, Value};
    use serde_json::{json, Value as J};

    use super::RuleIndex;
    use crate::events::pattern::{EventPattern, Matcher, Numeric, PatternObject, Resolver};
    use crate::stepfunctions::interpreter::SplitMix64;

    const TOP: &[&str] = &["source", "detail-type", "account", "region", "resources", "detail"];
    const INNER: &[&str] = &["state", "n", "ip", "tags", "x", "a.b"];
    const STRINGS: &[&str] = &[
        "aws.ec2",
        "aws.s3",
        "AWS.EC2",
        "running",
        "Running",
        "run",
        "",
        "10.0.0.1",
        "10.0.0.7",
        "::1",
        "0:0:0:0:0:0:0:1",
        "111122223333",
        "eu-west-1",
        "a*b",
        "ab",
        "ß",
        "SS",
        "İx",
        "i\u{307}x",
        "x.png",
        // Escapes in the text: simple ones (unescaped by the scanner), `\u` ones (serde_json).
        "a\"b/c\\d\n",
        "\u{1}x",
    ];
    const NUMBERS: &[f64] = &[0.0, -0.0, 1.0, 5.0, 2.5, -3.0, 1e3, 9007199254740993.0];

    fn pick<'a, T>(rng: &mut SplitMix64, items: &'a [T]) -> &'a T {
        &items[rng.below(items.len())]
    }

    fn string(rng: &mut SplitMix64) -> String {
        pick(rng, STRINGS).to_string()
    }

    fn number(rng: &mut SplitMix64) -> J {
        let x = *pick(rng, NUMBERS);
        if rng.below(3) == 0 && x.fract() == 0.0 && x.abs() < 1e15 {
            json!(x as i64)
        } else {
            json!(x)
        }
    }

    fn leaf(rng: &mut SplitMix64) -> J {
        match rng.below(10) {
            0..=5 => J::String(string(rng)),
            6 | 7 => number(rng),
            8 => J::Bool(rng.below(2) == 0),
            _ => J::Null,
        }
    }

    fn token_or_string(rng: &mut SplitMix64) -> Value {
        match rng.below(12) {
            0 => Value::Pseudo(Pseudo::AccountId),
            1 => Value::Pseudo(Pseudo::Region),
            2 => Value::Pseudo(Pseudo::StackName),
            _ => Value::from(string(rng)),
        }
    }

    fn number_value(rng: &mut SplitMix64) -> Value {
        match number(rng) {
            J::Number(n) if n.is_i64() => Value::from(n.as_i64().unwrap_or(0)),
            J::Number(n) => Value::from(n.as_f64().unwrap_or(0.0)),
            _ => Value::from(0),
        }
    }

    fn matcher(rng: &mut SplitMix64) -> Matcher {
        let wildcards = ["a*", "*b", "a*b", "*", "x*.png", "*.png", "a**", r"a\*b", "run*ing", "*un*"];
        match rng.below(22) {
            0..=4 => Matcher::Exact(token_or_string(rng)),
            5 => Matcher::Exact(number_value(rng)),
            6 => match rng.below(3) {
                0 => Matcher::exact(true),
                1 => Matcher::exact(false),
                _ => Matcher::null(),
            },
            7 => Matcher::prefix(token_or_string(rng)),
            8 => Matcher::prefix_ignore_case(token_or_string(rng)),
            9 => Matcher::suffix(token_or_string(rng)),
            10 => Matcher::suffix_ignore_case(token_or_string(rng)),
            11 => Matcher::equals_ignore_case(token_or_string(rng)),
            12 => Matcher::wildcard(*pick(rng, &wildcards)),
            13 => Matcher::anything_but_any([token_or_string(rng), token_or_string(rng)]),
            14 => Matcher::anything_but_any([number_value(rng)]),
            15 => match rng.below(4) {
                0 => Matcher::anything_but_prefix(token_or_string(rng)),
                1 => Matcher::anything_but_suffix(token_or_string(rng)),
                2 => Matcher::anything_but_ignore_case(token_or_string(rng)),
                _ => Matcher::anything_but_wildcard(*pick(rng, &wildcards)),
            },
            16 | 17 => {
                let lo = rng.below(8) as i64 - 4;
                match rng.below(3) {
                    0 => Matcher::numeric(Numeric::gt(lo).and_le(lo + 4)),
                    1 => Matcher::numeric(Numeric::ge(lo)),
                    _ => Matcher::numeric_eq(number(rng).as_f64().unwrap_or(0.0)),
                }
            }
            18 | 19 => Matcher::exists(rng.below(3) != 0),
            20 => Matcher::cidr(*pick(rng, &["10.0.0.0/24", "10.0.0.0/30", "::/0", "10.0.0.0/40"])),
            _ => Matcher::Exact(Value::list([Value::from("a")])),
        }
    }

    fn matchers(rng: &mut SplitMix64) -> Vec<Matcher> {
        // Rarely an empty list (an invalid pattern: it matches nothing).
        let n = if rng.below(40) == 0 { 0 } else { 1 + rng.below(3) };
        (0..n).map(|_| matcher(rng)).collect()
    }

    fn object(rng: &mut SplitMix64, names: &[&str], depth: usize) -> PatternObject {
        let mut obj = PatternObject::new();
        for _ in 0..1 + rng.below(3) {
            let name = *pick(rng, names);
            if depth > 0 && rng.below(4) == 0 {
                obj = obj.object(name, object(rng, INNER, depth - 1));
            } else {
                obj = obj.field(name, matchers(rng));
            }
        }
        if depth > 0 && rng.below(5) == 0 {
            let alts = (0..1 + rng.below(3)).map(|_| object(rng, names, depth - 1)).collect::<Vec<_>>();
            obj = obj.any_of(alts);
        }
        obj
    }

    fn pattern(rng: &mut SplitMix64) -> EventPattern {
        if rng.below(60) == 0 {
            return EventPattern::new(); // empty: matches every object
        }
        let mut root = object(rng, TOP, 3);
        if rng.below(3) == 0 {
            root = root.object("detail", object(rng, INNER, 2));
        }
        EventPattern::from_object(root)
    }

    fn value(rng: &mut SplitMix64, depth: usize) -> J {
        match rng.below(if depth == 0 { 6 } else { 10 }) {
            0..=4 => leaf(rng),
            5 => J::Array((0..rng.below(4)).map(|_| leaf(rng)).collect()),
            6 | 7 => inner_object(rng, depth - 1),
            8 => J::Array((0..rng.below(3)).map(|_| inner_object(rng, depth - 1)).collect()),
            _ => J::Array((0..rng.below(3)).map(|_| value(rng, depth - 1)).collect()),
        }
    }

    fn inner_object(rng: &mut SplitMix64, depth: usize) -> J {
        let mut map = serde_json::Map::new();
        for _ in 0..rng.below(5) {
            map.insert(pick(rng, INNER).to_string(), value(rng, depth));
        }
        J::Object(map)
    }

    fn event(rng: &mut SplitMix64) -> J {
        let mut map = serde_json::Map::new();
        for _ in 0..rng.below(7) {
            let name = *pick(rng, TOP);
            let v = if name == "detail" && rng.below(2) == 0 { inner_object(rng, 3) } else { value(rng, 3) };
            map.insert(name.to_string(), v);
        }
        map.insert("unrelated".into(), json!({"deep": [1, {"state": "running"}]}));
        J::Object(map)
    }

    fn naive(rules: &[(usize, EventPattern)], event: &J, r: &Resolver) -> Vec<usize> {
        let mut ids: Vec<usize> = rules.iter().filter(|(_, p)| p.matches_with(event, r)).map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The property: over thousands of random rule sets and events, the index gives exactly the
    /// rules whose own `matches_with` is true, from the value and from the text.
    #[test]
    fn same_as_testing_every_rule() {
        let mut rng = SplitMix64::new(0x5EED_E7E7);
        let (mut draws, mut matched, mut candidates_saved) = (0usize, 0usize, 0usize);
        for round in 0..1_500 {
            let resolver = if round % 2 == 0 { Resolver::none() } else { Resolver::new("111122223333", "eu-west-1") };
            let mut index = RuleIndex::with_resolver(resolver.clone());
            let count = 1 + rng.below(40);
            // Ids in random order, some repeated (a later insert replaces).
            let mut rules: Vec<(usize, EventPattern)> = Vec::new();
            for _ in 0..count {
                let id = rng.below(60);
                // Some rules share a pattern (one group, confirmed once).
                let p = match rules.len() {
                    n if n > 0 && rng.below(4) == 0 => rules[rng.below(n)].1.clone(),
                    _ => pattern(&mut rng),
                };
                index.insert(id, p.clone());
                rules.retain(|(i, _)| *i != id);
                rules.push((id, p));
            }
            for _ in 0..rng.below(4) {
                if rng.below(2) == 0 && !rules.is_empty() {
                    let (id, _) = rules.remove(rng.below(rules.len()));
                    assert!(index.remove(&id).is_some());
                }
            }
            assert_eq!(index.len(), rules.len());
            for _ in 0..8 {
                let e = event(&mut rng);
                let want = naive(&rules, &e, &resolver);
                let got = index.matching(&e);
                assert_eq!(got, want, "round {round}: event {e}\nrules {rules:#?}");
                let text = e.to_string();
                assert_eq!(index.matching_text(&text).expect("valid JSON"), want, "round {round}: text {text}");
                // Whitespace everywhere, and a repeated member (the last one counts).
                let pretty = serde_json::to_string_pretty(&e).expect("JSON");
                assert_eq!(index.matching_text(&pretty).expect("valid JSON"), want, "round {round}: text {pretty}");
                if let Some(rest) = text.strip_prefix('{') {
                    let repeated = format!(r#"{{"source": ["x", 1], "detail": {{"state": "running"}},{rest}"#);
                    let repeated = repeated.replacen(",}", "}", 1);
                    let parsed: J = serde_json::from_str(&repeated).expect("valid JSON");
                    let want = naive(&rules, &parsed, &resolver);
                    assert_eq!(index.matching_text(&repeated).expect("valid JSON"), want, "round {round}: {repeated}");
                }
                draws += 1;
                matched += want.len();
                candidates_saved += rules.len() - want.len();
            }
        }
        assert!(draws >= 10_000 && matched > 1_000 && candidates_saved > 1_000, "{draws} {matched}");
    }

    #[test]
    fn equal_patterns_share_one_group() {
        let same = || EventPattern::new().source(["a"]).detail_field("n", [Matcher::numeric(Numeric::gt(1))]);
        let mut index = RuleIndex::new();
        for id in [1, 2, 3] {
            index.insert(id, same());
        }
        index.insert(4, EventPattern::new().source(["a"]));
        let hit = r#"{"source": "a", "detail": {"n": 5}}"#;
        let miss = r#"{"source": "a", "detail": {"n": 0}}"#;
        assert_eq!(index.matching_text(hit).unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(index.matching_text(miss).unwrap(), vec![4]);
        // The group's first rule leaves; the others still match, and a new one joins.
        index.remove(&1);
        index.insert(5, same());
        assert_eq!(index.matching_text(hit).unwrap(), vec![2, 3, 4, 5]);
        for id in [2, 3, 5] {
            index.remove(&id);
        }
        assert_eq!(index.matching_text(hit).unwrap(), vec![4]);
        // A pattern replacing another under the same id leaves the old group.
        index.insert(6, same());
        index.insert(6, EventPattern::new().source(["b"]));
        assert_eq!(index.matching_text(hit).unwrap(), vec![4]);
        assert_eq!(index.groups.by_text.len(), 2);
    }

    #[test]
    fn anchors_prefer_rare_exact_values() {
        let mut index = RuleIndex::new();
        for i in 0..100 {
            index.insert(
                i,
                EventPattern::new()
                    .source(["aws.ec2"])
                    .detail_type([format!("type {i}")])
                    .detail_field("n", [Matcher::numeric(Numeric::gt(0))]),
            );
        }
        index.insert(100, EventPattern::new().detail_field("gone", [Matcher::exists(false)]));
        assert_eq!(index.always_checked(), 1);
        let e = json!({"source": "aws.ec2", "detail-type": "type 42", "detail": {"n": 3}});
        assert_eq!(index.matching(&e), vec![42, 100]);
        // Every rule is filed under its detail-type too.
        let node = index.nodes[0].children.get("detail-type").unwrap().1 as usize;
        assert!(index.nodes[node].tables.strings.len() >= 99);
    }

    #[test]
    fn text_errors_and_non_objects() {
        let mut index = RuleIndex::new();
        index.insert(0, EventPattern::new());
        assert_eq!(index.matching_text("{}").unwrap(), vec![0]);
        assert!(index.matching_text("[1]").unwrap().is_empty());
        assert!(index.matching(&json!("x")).is_empty());
        for bad in ["", "{", r#"{"a": }"#, "{} x", r#"{"a": "\x"}"#] {
            assert!(index.matching_text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn string_ids_and_iterators() {
        let index: RuleIndex<&str> =
            [("b", EventPattern::new().source(["s"])), ("a", EventPattern::new().source([Matcher::suffix("s")]))]
                .into_iter()
                .collect();
        assert_eq!(index.matching(&json!({"source": "s"})), vec!["a", "b"]);
        assert!(index.get(&"a").is_some() && format!("{index:?}").contains("rules: 2"));
    }
}

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
//! included), and a hand-written scanner goes over the bytes once, checking every value but
//! keeping only those paths, in a flat tree borrowed from the text (strings are slices, numbers
//! are read by serde_json's own number parser, no allocation per field). Matching only ever
//! looks up the names a pattern holds, through the same arrays and objects, so each pattern
//! gives the same answer on the pruned event as on the whole one; candidates are confirmed on
//! that tree by the *same* matching code as [`EventPattern::matches_with`] (it is generic over
//! the event's representation), so there is still one implementation of the semantics.
//!
//! The scanner takes only what serde_json takes, with the same values (a repeated member: the
//! last one). Whatever it is unsure of (any error, `\u` escapes, escaped member names, control
//! characters, nesting deeper than 100, a document that is not an object) it declines, and
//! serde_json parses the text instead, building only the named paths (`serde::de::IgnoredAny`
//! elsewhere); errors are serde_json's. One difference from `serde_json::from_str` remains: in a
//! skipped member serde_json does not check that `\u` escapes form valid UTF-16, so such an
//! escape there is not an error.
//!
//! Per-event buffers (table entries, anchor bits, candidates) are reused from event to event
//! (per thread).
//!
//! # Changing the rules
//!
//! [`RuleIndex::insert`] under an id already present replaces the rule, [`RuleIndex::remove`]
//! removes one; both update the anchor tables. The tree of field paths only grows (a removed
//! rule's paths are still parsed), which costs a little parsing, never correctness.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as J;

use super::matcher::Matcher;
use super::matching::{self, EventValue, Leaf};
use super::object::{PatternField, PatternObject};
use super::resolve::Resolver;
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
}

struct Slot<K> {
    id: K,
    pattern: EventPattern,
    /// Where the rule's anchors are (node, key, whether the rule is listed there: its primary
    /// anchor's keys): empty when it is checked for every event.
    filed: Vec<(usize, Key, bool)>,
    /// Its other anchors, the most selective first, each as `[n, key id 1, ... key id n]`: one
    /// of each anchor's keys must be found for the rule to be a candidate.
    rest: Vec<u32>,
}

/// A field path's place in the tree: its children by name and the rules anchored there.
#[derive(Default)]
struct Node {
    children: FastMap<Box<str>, usize>,
    tables: Tables,
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
                let id = self.nodes[node].tables.add(key, primary.then_some(slot), &mut self.keys);
                if !primary {
                    rest.push(id);
                }
                filed.push((node, key.clone(), primary));
            }
        }
        if anchors.is_empty() {
            self.always.push(slot);
        }
        self.ids.insert(id.clone(), slot);
        self.slots[slot as usize] = Some(Slot { id, pattern, filed, rest });
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
        for (node, key, primary) in &removed.filed {
            self.nodes[*node].tables.remove(key, primary.then_some(slot), &mut self.keys);
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
            self.visit(0, event, &mut scratch.found());
            self.confirm(event, scratch)
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
        if let Some(tree) = Scan::run(text, &self.nodes) {
            if self.ids.is_empty() {
                return Ok(Vec::new());
            }
            let root = TRef { tree: &tree, v: tree.root };
            return Ok(with_scratch(|scratch| {
                self.visit_tree(0, root, &mut scratch.found());
                self.confirm(root, scratch)
            }));
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
    fn confirm<'a, E: EventValue<'a>>(&self, event: E, scratch: &mut Scratch) -> Vec<K> {
        let Scratch { rules, keys, hit, seen, candidates } = scratch;
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
        for &s in rules.iter() {
            if std::mem::replace(&mut seen[s as usize], true) {
                continue;
            }
            let Some(slot) = &self.slots[s as usize] else { continue };
            let mut rest = &slot.rest[..];
            let mut holds = true;
            while let Some((&n, tail)) = rest.split_first() {
                let (anchor, tail) = tail.split_at(n as usize);
                if !anchor.iter().any(found) {
                    holds = false;
                    break;
                }
                rest = tail;
            }
            if holds {
                candidates.push(s);
            }
        }
        for &s in rules.iter() {
            seen[s as usize] = false;
        }
        for &k in keys.iter() {
            hit[(k / 64) as usize] = 0;
        }
        candidates.extend_from_slice(&self.always);
        let mut out: Vec<&K> = candidates
            .iter()
            .filter_map(|s| self.slots[*s as usize].as_ref())
            .filter(|s| matching::match_object_in(s.pattern.root(), Some(event), &self.resolver))
            .map(|s| &s.id)
            .collect();
        rules.clear();
        keys.clear();
        candidates.clear();
        out.sort_unstable();
        out.into_iter().cloned().collect()
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
        if let Some(c) = self.nodes[node].children.get(name) {
            return *c;
        }
        self.nodes.push(Node::default());
        let c = self.nodes.len() - 1;
        self.nodes[node].children.insert(name.into(), c);
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
                Some(c) => node = *c,
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
                    for (name, child) in &n.children {
                        if let Some(v) = map.get(&**name) {
                            self.visit(*child, v, out);
                        }
                    }
                } else {
                    for (name, v) in map {
                        if let Some(child) = n.children.get(name.as_str()) {
                            self.visit(*child, v, out);
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
        match v.v {
            Tv::Obj(start, len) | Tv::Arr(start, len) => {
                let is_obj = matches!(v.v, Tv::Obj(..));
                for m in &v.tree.items[start as usize..(start + len) as usize] {
                    let child = if is_obj { m.node as usize } else { node };
                    self.visit_tree(child, TRef { tree: v.tree, v: m.value }, out);
                }
            }
            _ => {
                let n = &self.nodes[node];
                if n.tables.filed > 0 {
                    if let Some(leaf) = v.leaf() {
                        n.tables.probe(leaf, out);
                    }
                }
            }
        }
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
/// anchor holds it.
struct Entry {
    key: u32,
    refs: u32,
    rules: Vec<u32>,
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
    /// Length in bytes -> how many affixes have it.
    lengths: BTreeMap<usize, usize>,
}

impl Affixes {
    fn entry(&mut self, s: &str, new: impl FnOnce() -> Entry) -> &mut Entry {
        if !self.by_text.contains_key(s) {
            *self.lengths.entry(s.len()).or_default() += 1;
        }
        self.by_text.entry(s.into()).or_insert_with(new)
    }

    fn drop_key(&mut self, s: &str) {
        if self.by_text.remove(s).is_some() {
            if let Some(n) = self.lengths.get_mut(&s.len()) {
                *n -= 1;
                if *n == 0 {
                    self.lengths.remove(&s.len());
                }
            }
        }
    }

    fn probe(&self, text: &str, prefix: bool, out: &mut Found<'_>) {
        for &len in self.lengths.keys() {
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

/// What probing an event's leaves finds: the ids of the keys it satisfies, and the rules whose
/// primary anchor holds one of them.
struct Found<'s> {
    keys: &'s mut Vec<u32>,
    rules: &'s mut Vec<u32>,
}

impl Found<'_> {
    #[inline]
    fn add(&mut self, entry: Option<&Entry>) {
        if let Some(e) = entry {
            self.keys.push(e.key);
            self.rules.extend_from_slice(&e.rules);
        }
    }
}

impl Tables {
    fn entry(&mut self, key: &Key, ids: &mut KeyIds) -> &mut Entry {
        let mut new = || Entry { key: ids.take(), refs: 0, rules: Vec::new() };
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

    /// References `key` for an anchor of a rule, listing the rule (`slot`) when it is its
    /// primary anchor; gives the key's id.
    fn add(&mut self, key: &Key, slot: Option<u32>, ids: &mut KeyIds) -> u32 {
        self.filed += 1;
        let e = self.entry(key, ids);
        e.refs += 1;
        if let Some(s) = slot {
            e.rules.push(s);
        }
        e.key
    }

    /// Undoes one [`Tables::add`].
    fn remove(&mut self, key: &Key, slot: Option<u32>, ids: &mut KeyIds) {
        self.filed -= 1;
        let Some(e) = self.get_mut(key) else { return };
        e.refs -= 1;
        if let Some(s) = slot {
            e.rules.retain(|x| *x != s);
        }
        if e.refs == 0 {
            ids.free.push(e.key);
            self.drop_key(key);
        }
    }

    /// How many rules' primary anchors hold `key`.
    fn count(&self, key: &Key) -> usize {
        self.get(key).map_or(0, |e| e.rules.len())
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
                    let lower = s.to_lowercase();
                    out.add(self.folded.get(lower.as_str()));
                    self.prefixes_folded.probe(&lower, true, out);
                    self.suffixes_folded.probe(&lower, false, out);
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
                    let value = map.next_value_seed(Pruned { nodes: self.nodes, node })?;
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
struct Member<'a>(&'a FastMap<Box<str>, usize>);

impl<'de, 'a> DeserializeSeed<'de> for Member<'a> {
    type Value = Option<(&'a str, usize)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'a> Visitor<'de> for Member<'a> {
    type Value = Option<(&'a str, usize)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.get_key_value(v).map(|(k, c)| (&**k, *c)))
    }
}

/// Buffers reused from event to event (per thread): the rules and key ids found, a bit per key
/// id and a flag per slot (all zero between events), the candidates.
#[derive(Default)]
struct Scratch {
    rules: Vec<u32>,
    keys: Vec<u32>,
    hit: Vec<u64>,
    seen: Vec<bool>,
    candidates: Vec<u32>,
}

impl Scratch {
    fn found(&mut self) -> Found<'_> {
        Found { keys: &mut self.keys, rules: &mut self.rules }
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

/// A value of the scanner's tree: scalars borrowed from the text (strings with escapes
/// unescaped into `Tree::owned`), containers as ranges of `Tree::items`.
#[derive(Debug, Clone, Copy)]
enum Tv<'t> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'t str),
    Owned(u32),
    Arr(u32, u32),
    Obj(u32, u32),
}

/// An object member (its name and node) or an array item (empty name, the array's node).
#[derive(Debug, Clone, Copy)]
struct Item<'t> {
    name: &'t str,
    node: u32,
    value: Tv<'t>,
}

/// An event parsed from its text keeping only the members in the tree of field paths: the
/// same pruned event as [`Pruned`] builds, borrowed and flat.
struct Tree<'t> {
    items: Vec<Item<'t>>,
    owned: Vec<String>,
    root: Tv<'t>,
}

#[derive(Clone, Copy)]
struct TRef<'a, 't> {
    tree: &'a Tree<'t>,
    v: Tv<'t>,
}

impl<'a, 't: 'a> EventValue<'a> for TRef<'a, 't> {
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
        match self.v {
            Tv::Obj(start, len) => self.tree.items[start as usize..(start + len) as usize]
                .iter()
                .find(|m| m.name == name)
                .map(|m| TRef { tree: self.tree, v: m.value }),
            _ => None,
        }
    }
    fn leaf(self) -> Option<Leaf<'a>> {
        Some(match self.v {
            Tv::Null => Leaf::Null,
            Tv::Bool(b) => Leaf::Bool(b),
            Tv::Num(x) => Leaf::Num(x),
            Tv::Str(s) => Leaf::Str(s),
            Tv::Owned(i) => Leaf::Str(&self.tree.owned[i as usize]),
            Tv::Arr(..) | Tv::Obj(..) => return None,
        })
    }
}

/// The fast scanner behind [`RuleIndex::matching_text`]: one pass over the bytes, members not in
/// the tree of field paths skipped (checked, not built), no allocation per field. It takes only
/// documents serde_json takes and builds what [`Pruned`] would; whatever it is unsure of (any
/// error, `\u` escapes, escaped member names, control characters, deep nesting, a document that
/// is not an object) it declines (`None`), and serde_json parses the text instead.
struct Scan<'t, 'n> {
    b: &'t [u8],
    text: &'t str,
    pos: usize,
    nodes: &'n [Node],
    items: Vec<Item<'t>>,
    stack: Vec<Item<'t>>,
    owned: Vec<String>,
}

/// serde_json's limit is 128 levels; below that, nothing to decide.
const SCAN_DEPTH: usize = 100;

impl<'t, 'n> Scan<'t, 'n> {
    fn run(text: &'t str, nodes: &'n [Node]) -> Option<Tree<'t>> {
        let mut scan = Scan {
            b: text.as_bytes(),
            text,
            pos: 0,
            nodes,
            items: Vec::with_capacity(32),
            stack: Vec::with_capacity(32),
            owned: Vec::new(),
        };
        scan.ws();
        if scan.peek()? != b'{' {
            return None;
        }
        let root = scan.value(Some(0), 0)?;
        scan.ws();
        if scan.pos != scan.b.len() {
            return None;
        }
        Some(Tree { items: scan.items, owned: scan.owned, root })
    }

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

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.pos += 1)
    }

    /// A value at `node` (`None`: skipped, only checked).
    fn value(&mut self, node: Option<usize>, depth: usize) -> Option<Tv<'t>> {
        self.ws();
        match self.peek()? {
            b'{' => {
                if depth >= SCAN_DEPTH {
                    return None;
                }
                self.pos += 1;
                let mark = self.stack.len();
                self.ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        if self.peek()? != b'"' {
                            return None;
                        }
                        let (name, escaped) = self.string_raw()?;
                        self.eat(b':')?;
                        let child = match node {
                            Some(n) if !escaped => self.nodes[n].children.get(name).copied(),
                            // An escaped name may be a tracked one: serde_json decides.
                            Some(_) => return None,
                            None => None,
                        };
                        match child {
                            Some(c) => {
                                let value = self.value(Some(c), depth + 1)?;
                                // A repeated member: the last one counts, as in serde_json's map.
                                match self.stack[mark..].iter_mut().find(|m| m.node == c as u32) {
                                    Some(m) => m.value = value,
                                    None => self.stack.push(Item { name, node: c as u32, value }),
                                }
                            }
                            None => {
                                self.value(None, depth + 1)?;
                            }
                        }
                        self.ws();
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Some(self.close(mark, node.is_some(), true))
            }
            b'[' => {
                if depth >= SCAN_DEPTH {
                    return None;
                }
                self.pos += 1;
                let mark = self.stack.len();
                self.ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    loop {
                        let value = self.value(node, depth + 1)?;
                        if let Some(n) = node {
                            self.stack.push(Item { name: "", node: n as u32, value });
                        }
                        self.ws();
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Some(self.close(mark, node.is_some(), false))
            }
            b'"' => {
                let (s, escaped) = self.string_raw()?;
                Some(match (node, escaped) {
                    (None, _) | (_, false) => Tv::Str(s),
                    (Some(_), true) => {
                        self.owned.push(unescape(s)?);
                        Tv::Owned((self.owned.len() - 1) as u32)
                    }
                })
            }
            b't' => self.literal(b"true", Tv::Bool(true)),
            b'f' => self.literal(b"false", Tv::Bool(false)),
            b'n' => self.literal(b"null", Tv::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                self.number()?;
                if node.is_none() {
                    return Some(Tv::Null);
                }
                // serde_json's own reading of the number (integers as `u64`/`i64` then `f64`,
                // as `Number::as_f64`; out of range is an error).
                serde_json::from_str::<f64>(&self.text[start..self.pos]).ok().map(Tv::Num)
            }
            _ => None,
        }
    }

    /// Moves the members pushed since `mark` to their final place.
    fn close(&mut self, mark: usize, kept: bool, object: bool) -> Tv<'t> {
        if !kept {
            return Tv::Null;
        }
        let start = self.items.len() as u32;
        self.items.extend(self.stack.drain(mark..));
        let len = self.items.len() as u32 - start;
        if object {
            Tv::Obj(start, len)
        } else {
            Tv::Arr(start, len)
        }
    }

    fn literal(&mut self, word: &[u8], v: Tv<'t>) -> Option<Tv<'t>> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
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
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    /// A string's raw text between its quotes, and whether it holds escapes (checked: only the
    /// simple ones, no `\u`, no control characters).
    fn string_raw(&mut self) -> Option<(&'t str, bool)> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            // Fast forward over ordinary bytes.
            let rest = &self.b[self.pos..];
            let n = rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
            self.pos += n;
            match self.b[self.pos] {
                b'"' => {
                    let s = &self.text[start..self.pos];
                    self.pos += 1;
                    return Some((s, escaped));
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

/// FxHash (rustc's hasher): the keys are short strings and numbers from rules and events, so a
/// fast non-cryptographic hash is enough (the tables are built from the rules, not by senders).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The fields of EventBridge's envelope, present in every event.
const ENVELOPE: &[&str] = &["version", "id", "detail-type", "source", "account", "time", "region", "resources"];

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

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
                let p = pattern(&mut rng);
                index.insert(id, p.clone());
                rules.retain(|(i, _)| *i != id);
                rules.push((id, p));
            }
            if rng.below(4) == 0 && !rules.is_empty() {
                let (id, _) = rules.remove(rng.below(rules.len()));
                assert!(index.remove(&id).is_some());
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
        let node = index.nodes[0].children["detail-type"];
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

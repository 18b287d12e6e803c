//! [`Names`]: the member names under one node of the rule index's tree of field paths, looked up
//! by the scanner once per member of every event.
//!
//! A name is looked up far more often than anything else while an event is scanned (every
//! member of every object on a field path), and most names are short. So a name is reduced to a
//! *fingerprint*: its length and two words read from its bytes (for 8 to 16 bytes, the first and
//! the last 8; for 4 to 7, the first and last 4; below, the first, middle and last byte). For a
//! name of at most 16 bytes the fingerprint *is* the name (its words cover every byte), so
//! comparing fingerprints is comparing names, with no call to `memcmp`; a longer name is also
//! compared in full. Fingerprints sit in an open-addressing table (linear probing, at most half
//! full) indexed by one multiplication of the fingerprint, so a lookup reads one or two slots.
//!
//! Names are only ever added (the tree of field paths only grows), so there is no removal.

/// The names under a node, each with its child node.
#[derive(Default)]
pub(super) struct Names {
    /// Power-of-two sized; `None`: empty.
    slots: Vec<Option<Slot>>,
    /// The names, in the order they were added.
    names: Vec<(Box<str>, u32)>,
}

#[derive(Clone, Copy)]
struct Slot {
    print: Print,
    /// Index in `names`.
    at: u32,
}

/// A name's fingerprint (see the module documentation): for at most 16 bytes, the name itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Print {
    len: usize,
    head: u64,
    tail: u64,
}

#[inline]
pub(super) fn print(b: &[u8]) -> Print {
    let n = b.len();
    let w = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let h = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as u64;
    let (head, tail) = match n {
        0 => (0, 0),
        1..=3 => (b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16, 0),
        4..=7 => (h(0), h(n - 4)),
        _ => (w(0), w(n - 8)),
    };
    Print { len: n, head, tail }
}

impl Print {
    #[inline]
    fn slot(&self, mask: usize) -> usize {
        let x = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (x >> 32) as usize & mask
    }
}

impl Names {
    /// The child under `name`, with the name as stored.
    #[inline]
    pub(super) fn get(&self, name: &str) -> Option<(&str, u32)> {
        self.find(name).map(|(stored, child, _)| (stored, child))
    }

    /// The child under `name`, with the name as stored and its position among the names (the
    /// order they were added).
    #[inline]
    pub(super) fn find(&self, name: &str) -> Option<(&str, u32, usize)> {
        if self.names.is_empty() {
            return None;
        }
        let p = print(name.as_bytes());
        let mask = self.slots.len() - 1;
        let mut i = p.slot(mask);
        loop {
            let slot = self.slots[i].as_ref()?;
            if slot.print == p {
                let (stored, child) = &self.names[slot.at as usize];
                if p.len <= 16 || **stored == *name {
                    return Some((stored, *child, slot.at as usize));
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `name` (not already there) with its child.
    pub(super) fn insert(&mut self, name: &str, child: u32) {
        debug_assert!(self.get(name).is_none(), "{name} is new");
        self.names.push((name.into(), child));
        if self.slots.len() < 2 * self.names.len() {
            let size = (4 * self.names.len()).next_power_of_two();
            self.slots = vec![None; size];
            for at in 0..self.names.len() {
                self.place(at);
            }
        } else {
            self.place(self.names.len() - 1);
        }
    }

    fn place(&mut self, at: usize) {
        let p = print(self.names[at].0.as_bytes());
        let mask = self.slots.len() - 1;
        let mut i = p.slot(mask);
        while self.slots[i].is_some() {
            i = (i + 1) & mask;
        }
        self.slots[i] = Some(Slot { print: p, at: at as u32 });
    }

    /// Number of names.
    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    /// The names and their children, in the order they were added.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.names.iter().map(|(n, c)| (&**n, *c))
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn finds_exactly_the_names_added() {
        let mut names = Names::default();
        assert_eq!(names.get("a"), None);
        let added: Vec<String> = (0..300)
            .map(|i| match i % 6 {
                0 => format!("m{i}"),
                1 => format!("flag{i}"),
                2 => "x".repeat(i % 40),
                3 => format!("a-long-name-that-differs-only-in-the-middle-{i:03}-of-its-bytes"),
                4 => format!("détail-{i}"),
                _ => format!("{i}"),
            })
            .collect();
        let mut unique = Vec::new();
        for n in &added {
            if names.get(n).is_none() {
                names.insert(n, unique.len() as u32);
                unique.push(n.clone());
            }
        }
        assert_eq!(names.len(), unique.len());
        for (i, n) in unique.iter().enumerate() {
            assert_eq!(names.get(n), Some((n.as_str(), i as u32)), "{n}");
            let mut other = n.clone().into_bytes();
            if let Some(b) = other.iter_mut().find(|b| b.is_ascii_alphanumeric()) {
                *b ^= 0x01;
                let other = String::from_utf8(other).unwrap();
                if !unique.contains(&other) {
                    assert_eq!(names.get(&other), None, "{other}");
                }
            }
            assert_eq!(
                names.get(&format!("{n}!")).map(|(s, _)| s.to_string()),
                unique.iter().find(|u| **u == format!("{n}!")).cloned()
            );
        }
        assert_eq!(names.iter().count(), unique.len());
    }
}

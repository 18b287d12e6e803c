//! [`FastMap`]: a `HashMap` with FxHash (rustc's hasher) over 8-byte words, for the rule
//! index's tables and tree of field paths.
//!
//! The keys are short strings and numbers from rules and events, so a fast non-cryptographic
//! hash is enough: the tables are built from the rules, not by senders, and an event's strings
//! are only looked up. A string's bytes are read as overlapping unaligned words (no copy of a
//! partial last word), and the result is rotated so that the low bits hashbrown indexes with
//! depend on every input bit.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` hashed with [`FxHasher`].
pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// FxHash over 8-byte words (see the module documentation).
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[inline]
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        if n >= 8 {
            let mut at = 0;
            while at + 8 < n {
                self.add(word(bytes, at));
                at += 8;
            }
            // The last 8 bytes, overlapping the previous word when `n` is not a multiple of 8.
            self.add(word(bytes, n - 8) ^ ((n as u64) << 56));
        } else if n >= 4 {
            let lo = u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes")) as u64;
            let hi = u32::from_le_bytes(bytes[n - 4..].try_into().expect("4 bytes")) as u64;
            self.add(lo | hi << 32 ^ (n as u64) << 56);
        } else if n > 0 {
            let w = bytes[0] as u64 | (bytes[n / 2] as u64) << 8 | (bytes[n - 1] as u64) << 16;
            self.add(w | (n as u64) << 56);
        } else {
            self.add(0);
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
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, BuildHasherDefault};

    use super::FxHasher;

    #[test]
    fn every_byte_counts() {
        let hash = |s: &str| BuildHasherDefault::<FxHasher>::default().hash_one(s);
        let base = "com.acme.service01-and-a-longer-tail";
        for n in 0..=base.len() {
            let s = &base[..n];
            for i in 0..n {
                let mut b = s.as_bytes().to_vec();
                b[i] ^= 1;
                let t = String::from_utf8(b).unwrap();
                assert_ne!(hash(s), hash(&t), "{s:?} vs {t:?}");
            }
            if n > 0 {
                assert_ne!(hash(s), hash(&base[..n - 1]), "{s:?} and its prefix");
            }
        }
    }
}

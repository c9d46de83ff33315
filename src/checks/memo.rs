//! A small per-thread memo for pure functions of one string. Real policy
//! trees repeat a handful of values (the same misspelt action in hundreds of
//! files), and some answers cost a scan of a whole operation table.

use std::collections::HashMap;

/// Entries kept before the memo starts over: enough for the distinct values
/// of a real tree, small enough that hostile input cannot grow it.
const CAPACITY: usize = 1024;
/// Longer keys are computed every time, so memory stays within
/// `CAPACITY * MAX_KEY` bytes of keys whatever the input holds.
const MAX_KEY: usize = 256;

pub(super) struct Memo<V> {
    entries: HashMap<Box<str>, V>,
}

impl<V: Clone> Memo<V> {
    pub(super) fn new() -> Memo<V> {
        Memo {
            entries: HashMap::new(),
        }
    }

    /// `compute()`'s value, which must depend only on `key`.
    pub(super) fn get_or_compute(&mut self, key: &str, compute: impl FnOnce() -> V) -> V {
        if key.len() > MAX_KEY {
            return compute();
        }
        if let Some(value) = self.entries.get(key) {
            return value.clone();
        }
        let value = compute();
        if self.entries.len() >= CAPACITY {
            // Starting over is cheaper to reason about than eviction, and a
            // real tree never gets here.
            self.entries.clear();
        }
        self.entries.insert(key.into(), value.clone());
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_key_is_computed_once_and_answers_stay_right() {
        let calls = Cell::new(0);
        let mut memo = Memo::new();
        let mut length = |key: &str| {
            memo.get_or_compute(key, || {
                calls.set(calls.get() + 1);
                key.len()
            })
        };
        assert_eq!(length("ens:CreatImage"), 14);
        assert_eq!(length("ens:CreatImage"), 14);
        assert_eq!(length("ens:X"), 5);
        assert_eq!(length("ens:CreatImage"), 14);
        assert_eq!(calls.get(), 2);
    }

    #[test]
    fn size_is_bounded() {
        let mut memo = Memo::new();
        for i in 0..CAPACITY * 3 {
            let key = i.to_string();
            assert_eq!(memo.get_or_compute(&key, || i), i);
            assert!(memo.entries.len() <= CAPACITY);
        }
        let long = "a".repeat(MAX_KEY + 1);
        memo.entries.clear();
        assert_eq!(memo.get_or_compute(&long, || 7), 7);
        assert!(memo.entries.is_empty(), "a key past MAX_KEY is not kept");
    }
}

//! Glob patterns as regular languages, for `diff`: every combination of
//! "which groups of patterns accept" that some string realizes, each with a
//! shortest string realizing it.
//!
//! A glob (`*` any run, `?` one character, RAM's semantics in
//! [`crate::wildcard`]) is an NFA whose states are positions in the pattern.
//! Running all patterns' NFAs in lockstep over an alphabet made of every
//! character the patterns name plus one character they do not (which stands
//! for every other character: no pattern tells them apart) visits every
//! reachable product state; the acceptance vector of a state is a
//! realizable signature, and the breadth-first path to it a shortest
//! witness. That is exact, so a signature not found is not realizable.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::wildcard::Case;

/// One pattern: its text, whether letters fold case, and whether `*`/`?`
/// are wildcards (false for `StringEquals` values, compared literally).
#[derive(Debug, Clone)]
pub struct Item {
    pub chars: Vec<char>,
    pub case: Case,
    pub wildcards: bool,
    /// The group the pattern belongs to (a statement element's values, a
    /// condition entry's values): a group accepts when any of its items does.
    pub group: usize,
}

impl Item {
    pub fn new(text: &str, case: Case, wildcards: bool, group: usize) -> Item {
        Item {
            chars: text.chars().collect(),
            case,
            wildcards,
            group,
        }
    }

    fn char_matches(&self, p: char, c: char) -> bool {
        match self.case {
            Case::Sensitive => p == c,
            Case::Insensitive => p.eq_ignore_ascii_case(&c),
        }
    }

    /// Positions reachable from `pos` without reading (through `*`).
    fn close(&self, set: &mut [bool]) {
        for i in 0..self.chars.len() {
            if set[i] && self.wildcards && self.chars[i] == '*' {
                set[i + 1] = true;
            }
        }
    }

    fn start(&self) -> Vec<bool> {
        let mut set = vec![false; self.chars.len() + 1];
        set[0] = true;
        self.close(&mut set);
        set
    }

    fn step(&self, set: &[bool], c: char) -> Vec<bool> {
        let mut next = vec![false; self.chars.len() + 1];
        for (i, &p) in self.chars.iter().enumerate() {
            if !set[i] {
                continue;
            }
            if self.wildcards && p == '*' {
                next[i] = true;
            } else if (self.wildcards && p == '?') || self.char_matches(p, c) {
                next[i + 1] = true;
            }
        }
        self.close(&mut next);
        next
    }
}

/// The alphabet that tells every string apart for `items`: their characters
/// (both cases of letters where a pattern folds case) and one fresh one.
fn alphabet(items: &[Item]) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for item in items {
        for &c in &item.chars {
            if item.wildcards && (c == '*' || c == '?') {
                continue;
            }
            chars.push(c);
            if item.case == Case::Insensitive {
                chars.push(c.to_ascii_lowercase());
                chars.push(c.to_ascii_uppercase());
            }
        }
    }
    chars.sort_unstable();
    chars.dedup();
    // A readable fresh character: the first of these no pattern names (in
    // either case, so case folding cannot make it equal to one).
    let fresh = "x0123456789zqjkvwy-_"
        .chars()
        .chain('\u{e000}'..)
        .find(|c| !chars.iter().any(|k| k.eq_ignore_ascii_case(c)))
        .unwrap_or('\u{e000}');
    chars.push(fresh);
    chars
}

/// Every realizable acceptance vector over `groups` groups, with a shortest
/// witness; `None` when more than `limit` product states would be visited
/// (the answer is then unknown, never a guess).
pub fn signatures(items: &[Item], groups: usize, limit: usize) -> Option<Vec<(Vec<bool>, String)>> {
    let alphabet = alphabet(items);
    let start: Vec<Vec<bool>> = items.iter().map(Item::start).collect();
    let mut seen: HashSet<Vec<Vec<bool>>> = HashSet::new();
    let mut found: HashMap<Vec<bool>, String> = HashMap::new();
    let mut order: Vec<Vec<bool>> = Vec::new();
    let mut queue = VecDeque::new();
    seen.insert(start.clone());
    queue.push_back((start, String::new()));
    while let Some((state, word)) = queue.pop_front() {
        let mut signature = vec![false; groups];
        for (item, set) in items.iter().zip(&state) {
            if set[item.chars.len()] {
                signature[item.group] = true;
            }
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = found.entry(signature) {
            order.push(slot.key().clone());
            slot.insert(word.clone());
        }
        for &c in &alphabet {
            let next: Vec<Vec<bool>> = items
                .iter()
                .zip(&state)
                .map(|(item, set)| item.step(set, c))
                .collect();
            if !seen.contains(&next) {
                if seen.len() >= limit {
                    return None;
                }
                seen.insert(next.clone());
                let mut longer = word.clone();
                longer.push(c);
                queue.push_back((next, longer));
            }
        }
    }
    Some(
        order
            .into_iter()
            .map(|signature| {
                let word = found.remove(&signature).unwrap_or_default();
                (signature, word)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wildcard::matches;

    #[test]
    fn every_signature_is_realized_by_its_witness() {
        let patterns = [
            "acs:ecs:*:*:instance/*",
            "acs:ecs:*:*:instance/i-1",
            "*",
            "acs:ecs:cn-*",
        ];
        let items: Vec<Item> = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| Item::new(p, Case::Sensitive, true, i))
            .collect();
        let found = signatures(&items, patterns.len(), 10_000).expect("small");
        for (signature, word) in &found {
            let actual: Vec<bool> = patterns
                .iter()
                .map(|p| matches(p, word, Case::Sensitive))
                .collect();
            assert_eq!(&actual, signature, "{word}");
        }
        // A string matched by the instance wildcard but not the literal nor cn-*.
        assert!(
            found.contains(&(
                vec![true, false, true, false],
                "acs:ecs:x:x:instance/".to_string()
            )) || found.iter().any(|(s, _)| s == &[true, false, true, false])
        );
        assert!(
            !found.iter().any(|(s, _)| s == &[false, true, true, false]),
            "the literal is inside the wildcard"
        );
    }

    #[test]
    fn literals_and_case_folding() {
        let items = vec![
            Item::new("a*b", Case::Sensitive, false, 0),
            Item::new("A*B", Case::Insensitive, true, 1),
        ];
        let found = signatures(&items, 2, 10_000).expect("small");
        let witness = |s: [bool; 2]| found.iter().find(|(x, _)| x == &s).map(|(_, w)| w.clone());
        assert_eq!(witness([true, true]).as_deref(), Some("a*b"));
        assert!(witness([false, true]).is_some());
        assert!(
            witness([true, false]).is_none(),
            "`a*b` literally is matched by A*B ignoring case"
        );
    }
}

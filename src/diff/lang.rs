//! Regular languages for `diff`: glob patterns, the syntax of an action
//! and finite word lists, run in lockstep to find every combination of
//! "which groups accept" that some string realizes, each with a shortest
//! string realizing it.
//!
//! A glob (`*` any run, `?` one character, RAM's semantics in
//! [`crate::wildcard`]) is an NFA whose states are positions in the
//! pattern. The product of all items is explored breadth first, and only
//! its live parts are kept: a state lists the items still able to accept,
//! with their position sets. From a state, only the characters that the
//! live items name (each with every character of its case-folding class
//! where an item folds case) can lead anywhere different from a fresh
//! character none of them names, so those and one fresh character are the
//! only steps tried. That is exact, so a signature not found is not
//! realizable, and a state costs what its live items cost, not the
//! alphabet times every pattern.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use crate::wildcard::{fold_char, Case};

/// What one item recognizes.
#[derive(Debug, Clone)]
enum Kind {
    /// A glob (or, without wildcards, a literal); letters are kept folded
    /// when `case` is insensitive.
    Glob {
        chars: Vec<char>,
        /// As written: a witness follows the pattern's own spelling.
        written: Vec<char>,
        case: Case,
        wildcards: bool,
    },
    /// `service:Name` as a request names an action: two non-empty parts,
    /// one colon, no wildcard characters and no white space.
    ActionSyntax,
    /// A finite set of words compared with case folded: a trie.
    Words(Trie),
}

/// One language and the group it counts for: a group accepts when any of
/// its items does.
#[derive(Debug, Clone)]
pub struct Item {
    kind: Kind,
    pub group: usize,
    /// Strings this item can no longer accept are not explored further.
    required: bool,
}

impl Item {
    /// A pattern: its text, whether letters fold case, and whether `*`/`?`
    /// are wildcards (false for `StringEquals` values, compared literally).
    pub fn new(text: &str, case: Case, wildcards: bool, group: usize) -> Item {
        let chars = text
            .chars()
            .map(|c| match case {
                Case::Insensitive => fold_char(c),
                Case::Sensitive => c,
            })
            .collect();
        Item {
            kind: Kind::Glob {
                chars,
                written: text.chars().collect(),
                case,
                wildcards,
            },
            group,
            required: false,
        }
    }

    /// Well-formed actions only; every string explored is one.
    pub fn action_syntax(group: usize) -> Item {
        Item {
            kind: Kind::ActionSyntax,
            group,
            required: true,
        }
    }

    /// Exactly `words`, case folded.
    pub fn words<'w>(words: impl IntoIterator<Item = &'w str>, group: usize) -> Item {
        let mut trie = Trie {
            nodes: vec![TrieNode::default()],
        };
        for word in words {
            trie.insert(word);
        }
        Item {
            kind: Kind::Words(trie),
            group,
            required: false,
        }
    }

    fn start(&self) -> Vec<u32> {
        match &self.kind {
            Kind::Glob { chars, wildcards, .. } => close(chars, *wildcards, vec![0]),
            Kind::ActionSyntax => vec![SERVICE_EMPTY],
            Kind::Words(_) => vec![0],
        }
    }

    fn accepts(&self, state: &[u32]) -> bool {
        match &self.kind {
            Kind::Glob { chars, .. } => state.last() == Some(&(chars.len() as u32)),
            Kind::ActionSyntax => state == [NAME],
            Kind::Words(trie) => trie.nodes[state[0] as usize].end,
        }
    }

    /// The state after reading `c` (`folded` is `fold_char(c)`); empty when dead.
    fn step(&self, state: &[u32], c: char, folded: char) -> Vec<u32> {
        match &self.kind {
            Kind::Glob {
                chars,
                case,
                wildcards,
                ..
            } => {
                let c = if *case == Case::Insensitive { folded } else { c };
                let mut next = Vec::new();
                for &p in state {
                    let Some(&at) = chars.get(p as usize) else {
                        continue;
                    };
                    if *wildcards && at == '*' {
                        next.push(p);
                    } else if (*wildcards && at == '?') || at == c {
                        next.push(p + 1);
                    }
                }
                next.sort_unstable();
                next.dedup();
                close(chars, *wildcards, next)
            }
            Kind::ActionSyntax => {
                if c == ':' {
                    return if state == [SERVICE] {
                        vec![NAME_EMPTY]
                    } else {
                        Vec::new()
                    };
                }
                if c == '*' || c == '?' || c.is_whitespace() {
                    return Vec::new();
                }
                match state {
                    [SERVICE_EMPTY] | [SERVICE] => vec![SERVICE],
                    _ => vec![NAME],
                }
            }
            Kind::Words(trie) => trie.nodes[state[0] as usize]
                .children
                .iter()
                .find(|(k, _)| *k == folded)
                .map(|(_, n)| vec![*n])
                .unwrap_or_default(),
        }
    }

    /// The characters that may lead this item somewhere a fresh character
    /// does not.
    fn named(&self, state: &[u32], out: &mut Vec<char>) {
        match &self.kind {
            Kind::Glob {
                written,
                case,
                wildcards,
                ..
            } => {
                for &p in state {
                    let Some(&c) = written.get(p as usize) else {
                        continue;
                    };
                    if *wildcards && (c == '*' || c == '?') {
                        continue;
                    }
                    out.push(c);
                    if *case == Case::Insensitive {
                        out.extend(fold_class(c));
                    }
                }
            }
            Kind::ActionSyntax => out.push(':'),
            Kind::Words(trie) => {
                for (c, _) in &trie.nodes[state[0] as usize].children {
                    out.extend(fold_class(*c));
                }
            }
        }
    }

    /// Every character this item names anywhere, for choosing a fresh one.
    fn all_named(&self, out: &mut Vec<char>) {
        match &self.kind {
            Kind::Glob { chars, .. } => out.extend(chars.iter().copied()),
            Kind::ActionSyntax => out.push(':'),
            Kind::Words(trie) => {
                out.extend(trie.nodes.iter().flat_map(|n| n.children.iter().map(|(c, _)| *c)))
            }
        }
    }
}

const SERVICE_EMPTY: u32 = 0;
const SERVICE: u32 = 1;
const NAME_EMPTY: u32 = 2;
const NAME: u32 = 3;

/// Positions reachable without reading (through `*`), kept sorted.
fn close(chars: &[char], wildcards: bool, mut set: Vec<u32>) -> Vec<u32> {
    if !wildcards {
        return set;
    }
    let mut i = 0;
    while i < set.len() {
        let p = set[i] as usize;
        if chars.get(p) == Some(&'*') && !set.contains(&(p as u32 + 1)) {
            set.push(p as u32 + 1);
        }
        i += 1;
    }
    set.sort_unstable();
    set
}

#[derive(Debug, Clone, Default)]
pub struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    children: Vec<(char, u32)>,
    end: bool,
}

impl Trie {
    fn insert(&mut self, word: &str) {
        let mut at = 0usize;
        for c in word.chars().map(fold_char) {
            at = match self.nodes[at].children.iter().find(|(k, _)| *k == c) {
                Some(&(_, n)) => n as usize,
                None => {
                    self.nodes.push(TrieNode::default());
                    let n = self.nodes.len() - 1;
                    self.nodes[at].children.push((c, n as u32));
                    n
                }
            };
        }
        self.nodes[at].end = true;
    }
}

/// Every character whose [`fold_char`] is `fold_char(c)`.
pub fn fold_class(c: char) -> Vec<char> {
    let folded = fold_char(c);
    if folded.is_ascii() {
        // Non-ASCII characters that fold to ASCII letters (checked against
        // the full table by a test).
        let extra: &[char] = match folded {
            'k' => &['\u{212A}'],
            's' => &['\u{17F}'],
            'i' => &['\u{131}'],
            _ => &[],
        };
        let mut class = vec![folded];
        if folded.is_ascii_lowercase() {
            class.push(folded.to_ascii_uppercase());
        }
        class.extend(extra);
        return class;
    }
    let table = folds();
    let from = table.partition_point(|&(f, _)| f < folded);
    let mut class: Vec<char> = table[from..]
        .iter()
        .take_while(|&&(f, _)| f == folded)
        .map(|&(_, c)| c)
        .chain([folded])
        .collect();
    class.sort_unstable();
    class
}

/// The non-ASCII characters that fold to another non-ASCII character, as
/// (folded, character), sorted: a few thousand pairs from the whole table
/// (built on first use: only a pattern with such a character asks). A
/// character folding to itself is not listed, so the table stays small (a
/// map from every character to its class held about 165 MiB).
fn folds() -> &'static [(char, char)] {
    static FOLDS: OnceLock<Vec<(char, char)>> = OnceLock::new();
    FOLDS.get_or_init(|| {
        let mut pairs: Vec<(char, char)> = (0x80..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter_map(|c| {
                let f = fold_char(c);
                (f != c && !f.is_ascii()).then_some((f, c))
            })
            .collect();
        pairs.sort_unstable();
        pairs
    })
}

/// A character none of `items` names, in no folding class with one they
/// name, and usable in an action name: what "any other character" reads.
fn fresh(items: &[Item]) -> char {
    let mut named = Vec::new();
    for item in items {
        item.all_named(&mut named);
    }
    let named: HashSet<char> = named.into_iter().map(fold_char).collect();
    "x0123456789zqjvwyb"
        .chars()
        .chain('\u{e000}'..)
        .find(|c| !named.contains(&fold_char(*c)))
        .unwrap_or('\u{e000}')
}

/// A product state: for each live item, its index and its state.
type State = Vec<(u32, Vec<u32>)>;

/// Every realizable acceptance vector over `groups` groups, with a shortest
/// witness; `None` when more than `limit` product states would be visited
/// (the answer is then unknown, never a guess).
pub fn signatures(items: &[Item], groups: usize, limit: usize) -> Option<Vec<(Vec<bool>, String)>> {
    let fresh = fresh(items);
    let start: State = items
        .iter()
        .enumerate()
        .map(|(i, item)| (i as u32, item.start()))
        .collect();
    let required: Vec<u32> = (0..items.len() as u32)
        .filter(|&i| items[i as usize].required)
        .collect();
    let mut seen: HashSet<State> = HashSet::new();
    let mut found: HashMap<Vec<bool>, String> = HashMap::new();
    let mut order: Vec<Vec<bool>> = Vec::new();
    let mut queue = VecDeque::new();
    seen.insert(start.clone());
    queue.push_back((start, String::new()));
    let mut chars = Vec::new();
    while let Some((state, word)) = queue.pop_front() {
        let mut signature = vec![false; groups];
        for (i, s) in &state {
            let item = &items[*i as usize];
            if item.accepts(s) {
                signature[item.group] = true;
            }
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = found.entry(signature) {
            order.push(slot.key().clone());
            slot.insert(word.clone());
        }
        chars.clear();
        for (i, s) in &state {
            items[*i as usize].named(s, &mut chars);
        }
        // In the order named, the pattern's own spelling first; repeats
        // would only reach states already seen.
        let mut distinct: Vec<char> = Vec::with_capacity(chars.len() + 1);
        for &c in &chars {
            if !distinct.contains(&c) {
                distinct.push(c);
            }
        }
        distinct.push(fresh);
        let chars_here = distinct;
        for &c in &chars_here {
            let folded = fold_char(c);
            let next: State = state
                .iter()
                .filter_map(|(i, s)| {
                    let n = items[*i as usize].step(s, c, folded);
                    (!n.is_empty()).then_some((*i, n))
                })
                .collect();
            let alive = |r: &u32| next.binary_search_by_key(r, |(i, _)| *i).is_ok();
            if !required.iter().all(alive) || seen.contains(&next) {
                continue;
            }
            if seen.len() >= limit {
                return None;
            }
            seen.insert(next.clone());
            let mut longer = word.clone();
            longer.push(c);
            queue.push_back((next, longer));
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
        assert!(found.iter().any(|(s, _)| s == &[true, false, true, false]));
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

    #[test]
    fn folding_classes_reach_the_kelvin_sign() {
        // `k` ignoring case but not the sensitive `k`/`K`: only U+212A.
        let items = vec![
            Item::new("k", Case::Insensitive, false, 0),
            Item::new("k", Case::Sensitive, false, 1),
            Item::new("K", Case::Sensitive, false, 1),
        ];
        let found = signatures(&items, 2, 1000).expect("small");
        let only = found
            .iter()
            .find(|(s, _)| s == &[true, false])
            .map(|(_, w)| w.as_str());
        assert_eq!(only, Some("\u{212A}"));
    }

    #[test]
    fn ascii_folding_classes_match_the_table() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let f = fold_char(c);
            if f.is_ascii() {
                assert!(fold_class(f).contains(&c), "{c:?} folds to {f:?}");
            }
        }
        assert!(fold_class('\u{2126}').contains(&'\u{3a9}'));
    }

    #[test]
    fn actions_are_well_formed_and_reach_past_word_lists() {
        let items = vec![
            Item::action_syntax(0),
            Item::new("ecs:DescribeInstance?", Case::Insensitive, true, 1),
            Item::words(["ecs:DescribeInstances"], 2),
            Item::new("*", Case::Insensitive, true, 3),
        ];
        let found = signatures(&items, 4, 10_000).expect("small");
        for (signature, word) in &found {
            // Only the empty start is not an action; nothing past a
            // malformed prefix is explored.
            assert_eq!(signature[0], !word.is_empty(), "{word}");
            assert!(
                word.is_empty() || !signature[0] || crate::simulate::check_action(word).is_ok(),
                "{word}"
            );
        }
        let outside = found
            .iter()
            .find(|(s, _)| s == &[true, true, false, true])
            .map(|(_, w)| w.clone());
        assert_eq!(outside.as_deref(), Some("ecs:DescribeInstancex"));
    }
}

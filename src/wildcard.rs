//! RAM's glob matching, shared by the checks (Action and Resource patterns),
//! the simulator and the condition `*Like` operators.
//!
//! `*` matches any run of characters, `:` and `/` included; `?` matches exactly
//! one character. There is no escape: RAM documents none. Files come from
//! strangers, so matching is linear in pattern plus text: the runs between
//! stars are found leftmost first with a substring search (see [`glob`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Whether letters must match in case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    /// Characters equal after [`fold_char`] match: the one case-folding
    /// rule of the project (docs/design/actions-and-resources.md).
    Insensitive,
}

impl Case {
    fn eq_bytes(self, a: &[u8], b: &[u8]) -> bool {
        match self {
            Case::Sensitive => a == b,
            Case::Insensitive if a.is_ascii() && b.is_ascii() => a.eq_ignore_ascii_case(b),
            // Both are whole UTF-8 strings here (see `matches`).
            Case::Insensitive => match (std::str::from_utf8(a), std::str::from_utf8(b)) {
                (Ok(a), Ok(b)) => a.chars().map(fold_char).eq(b.chars().map(fold_char)),
                _ => false,
            },
        }
    }
}

/// The case-folding rule shared by Action matching, the `*IgnoreCase`
/// condition operators, the catalogue and `diff`: a character stands for
/// the lowercase of its uppercase, each mapping taken only when it is one
/// character (so `ß` stays `ß`, and `İ`, whose lowercase is two
/// characters, stays itself). This is Java's `String.equalsIgnoreCase`
/// rule per character; it folds the Kelvin sign U+212A to `k`, the ohm
/// sign U+2126 to `ω` and the angstrom sign U+212B to `å`. It maps one
/// character to one, so `?` still counts characters after folding.
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let upper = single(c.to_uppercase()).unwrap_or(c);
    single(upper.to_lowercase())
        .or_else(|| single(c.to_lowercase()))
        .unwrap_or(c)
}

/// The one character a case mapping gives, if it gives one.
fn single(mut mapped: impl Iterator<Item = char>) -> Option<char> {
    let first = mapped.next()?;
    mapped.next().is_none().then_some(first)
}

/// `s` folded by [`fold_char`], character by character.
pub(crate) fn fold_str(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.chars().map(fold_char).collect())
    }
}

/// True when `s` holds a `*` or `?`.
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// The bytes `s` holds, ASCII case ignored, as a set of 64 classes (each
/// letter and digit its own, other bytes shared). A text can match a pattern
/// only if its set holds the pattern's [`literal_bytes`]: a cheap test that
/// rules out most of a catalogue before any matching.
pub(crate) fn byte_classes(s: &str) -> u64 {
    // A non-ASCII character may fold to an ASCII letter (U+212A to `k`):
    // such a text is never ruled out.
    if !s.is_ascii() {
        return u64::MAX;
    }
    s.bytes().fold(0, |set, b| set | class(b))
}

/// The classes of the bytes a pattern's literal characters need in any text
/// it matches (`*` and `?` need none).
pub(crate) fn literal_bytes(pattern: &str) -> u64 {
    pattern
        .bytes()
        .filter(|&b| b != b'*' && b != b'?' && b.is_ascii())
        .fold(0, |set, b| set | class(b))
}

fn class(b: u8) -> u64 {
    let b = b.to_ascii_lowercase();
    1 << match b {
        b'a'..=b'z' => b - b'a',
        b'0'..=b'9' => 26 + b - b'0',
        _ => 36 + b % 28,
    }
}

/// Whether `pattern` matches all of `text`.
pub(crate) fn matches(pattern: &str, text: &str, case: Case) -> bool {
    // Folding can change a character's byte length (U+212A is three bytes,
    // `k` one): the byte comparisons below hold for ASCII only.
    if case == Case::Insensitive && !(pattern.is_ascii() && text.is_ascii()) {
        return glob(pattern, text, case, Question::AnyChar);
    }
    // Nearly every pattern people write is a literal or a literal with one
    // trailing `*` (`ens:Describe*`, `*`); those compare as byte slices, which
    // resolving a pattern against the whole catalogue does hundreds of times.
    // Byte equality of a whole literal is char equality (ASCII case folding
    // never touches the bytes of other characters).
    let (literal, prefix_only) = match pattern.strip_suffix('*') {
        Some(literal) => (literal, true),
        None => (pattern, false),
    };
    if !has_wildcard(literal) {
        let head = if prefix_only {
            text.as_bytes().get(..literal.len())
        } else {
            Some(text.as_bytes())
        };
        return head.is_some_and(|head| case.eq_bytes(head, literal.as_bytes()));
    }
    // Most texts a pattern is tried against (the catalogue) already differ
    // in the literal tail: rule those out before folding or splitting.
    let tail = &pattern.as_bytes()[pattern.rfind(['*', '?']).map_or(0, |p| p + 1)..];
    let ends = text.len() >= tail.len() && case.eq_bytes(tail, &text.as_bytes()[text.len() - tail.len()..]);
    ends && glob(pattern, text, case, Question::AnyChar)
}

/// Whether every string `specific` matches is also matched by `general`: the
/// patterns are compared as patterns, so `ens:*` covers `ens:Create*` but
/// `ens:?` does not cover `ens:*`. Exact for the patterns people write; when
/// it errs, it errs towards "does not cover".
pub(crate) fn covers(general: &str, specific: &str, case: Case) -> bool {
    // A literal character of `general` is never `*` or `?`, so it matches
    // only the same character of `specific`.
    glob(general, specific, case, Question::NotStar)
}

/// For each of `values`, the index of the first other value that covers it,
/// where of two values that cover each other only the earlier covers the
/// later (a repeat is reported once, on the repeat). `covers` must imply
/// [`covers`] in `case` (it may be stricter) and give the same answers for
/// values equal up to `case`; in particular a value without wildcards covers
/// only the values equal to it, and never a pattern.
///
/// Lists come from strangers, so no value is compared with every other: a
/// value without wildcards is looked up among the literals by key, and a
/// value is tried only against the patterns a [`PatternIndex`] finds for it.
pub(crate) fn first_covers(
    values: &[&str],
    case: Case,
    covers: impl Fn(&str, &str) -> bool,
) -> Vec<Option<usize>> {
    if values.len() > SHORT_LIST {
        return first_covers_indexed(values, case, covers);
    }
    // Building the index costs more than comparing every pair of a short list.
    (0..values.len())
        .map(|i| {
            (0..values.len())
                .find(|&j| j != i && covers(values[j], values[i]) && !(j > i && covers(values[i], values[j])))
        })
        .collect()
}

/// Lists up to this long are compared pair by pair (at most 56 pairs).
const SHORT_LIST: usize = 8;

/// [`first_covers`] through a [`PatternIndex`], for lists of any length.
fn first_covers_indexed(
    values: &[&str],
    case: Case,
    covers: impl Fn(&str, &str) -> bool,
) -> Vec<Option<usize>> {
    let folded: Vec<Cow<'_, str>> = values.iter().map(|v| fold(v, case)).collect();
    let index = PatternIndex::new(&folded);
    let mut first_literal = HashMap::new();
    folded
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let candidates = index.candidates(value);
            if has_wildcard(value) {
                // Only a pattern can cover a pattern.
                return candidates.into_iter().find(|&j| {
                    j != i && covers(values[j], values[i]) && !(j > i && covers(values[i], values[j]))
                });
            }
            let repeat = *first_literal.entry(value.as_ref()).or_insert(i);
            let earlier = (repeat < i).then_some(repeat);
            let pattern = candidates
                .into_iter()
                .take_while(|&j| earlier.is_none_or(|e| j < e))
                .find(|&j| covers(values[j], values[i]));
            pattern.or(earlier)
        })
        .collect()
}

/// The distinct values of a list (up to case), indexed so that the values
/// that may cover a text are found without comparing it with all of them.
pub(crate) struct CoverIndex {
    /// Where each distinct value appears in the list, in order.
    at: Vec<Vec<usize>>,
    /// Distinct values without wildcards, by folded text.
    literals: HashMap<String, usize>,
    patterns: PatternIndex,
    case: Case,
}

impl CoverIndex {
    pub(crate) fn new(values: &[&str], case: Case) -> CoverIndex {
        let mut ids: HashMap<Cow<'_, str>, usize> = HashMap::new();
        let mut distinct: Vec<Cow<'_, str>> = Vec::new();
        let mut at: Vec<Vec<usize>> = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let folded = fold(value, case);
            let id = *ids.entry(folded.clone()).or_insert_with(|| {
                distinct.push(folded);
                at.push(Vec::new());
                at.len() - 1
            });
            at[id].push(i);
        }
        let literals = distinct
            .iter()
            .enumerate()
            .filter(|(_, v)| !has_wildcard(v))
            .map(|(id, v)| (v.to_string(), id))
            .collect();
        CoverIndex {
            patterns: PatternIndex::new(&distinct),
            at,
            literals,
            case,
        }
    }

    /// The distinct values that may cover `text` (an equal literal, or a
    /// pattern the index cannot rule out), as ids in list order.
    pub(crate) fn candidates(&self, text: &str) -> Vec<usize> {
        let text = fold(text, self.case);
        let mut ids = self.patterns.candidates(&text);
        if let Some(&id) = self.literals.get(text.as_ref()) {
            let at = ids.partition_point(|&j| j < id);
            ids.insert(at, id);
        }
        ids
    }

    /// Where distinct value `id` appears in the list, ascending.
    pub(crate) fn occurrences(&self, id: usize) -> &[usize] {
        &self.at[id]
    }
}

/// The patterns of a list, indexed by what any value one of them covers must
/// hold: its literal head as a prefix, its literal tail as a suffix, and one
/// of its inner literal runs (the one fewest patterns share; its first
/// [`RUN_KEY`] bytes) somewhere. A value's candidates are the smallest of the
/// three sets; a pattern equal to an earlier one is left out, as it covers
/// exactly what that one covers.
/// Bytes of an inner run the index keys it by: a value is looked up at
/// each of its bytes once per key length, so the cost stays linear.
const RUN_KEY: usize = 16;

/// Up to this many patterns a list is not indexed (see [`PatternIndex::few`]);
/// quadratic in this constant only.
const FEW: usize = 8;

struct PatternIndex {
    /// A list of at most [`FEW`] distinct patterns, kept as it is: trying
    /// each costs less than building the tries and maps for them.
    few: Option<Vec<usize>>,
    heads: Trie,
    tails: Trie,
    /// The chosen inner runs' keys, each with its id in `runs`, and the
    /// lengths they come in.
    inner: HashMap<Vec<u8>, usize>,
    key_lengths: Vec<usize>,
    /// The bytes a key starts with: a value is looked up only at those.
    key_starts: [bool; 256],
    /// `runs[k]` lists the patterns whose chosen run has key `k`.
    runs: Vec<Vec<usize>>,
    /// Patterns with no inner run, which any value may hold.
    no_run: Vec<usize>,
}

impl PatternIndex {
    fn new(folded: &[Cow<'_, str>]) -> PatternIndex {
        let wild: Vec<usize> = (0..folded.len()).filter(|&j| has_wildcard(&folded[j])).collect();
        if wild.len() <= FEW {
            let distinct = wild
                .iter()
                .enumerate()
                .filter(|&(k, &j)| !wild[..k].iter().any(|&e| folded[e] == folded[j]))
                .map(|(_, &j)| j)
                .collect();
            return PatternIndex {
                few: Some(distinct),
                heads: Trie::default(),
                tails: Trie::default(),
                inner: HashMap::new(),
                key_lengths: Vec::new(),
                key_starts: [false; 256],
                runs: Vec::new(),
                no_run: Vec::new(),
            };
        }
        let mut seen = HashSet::new();
        let patterns: Vec<usize> = wild
            .into_iter()
            .filter(|&j| seen.insert(folded[j].as_ref()))
            .collect();
        let mut heads = Trie::default();
        let mut tails = Trie::default();
        let mut inner_runs: Vec<Vec<&[u8]>> = Vec::new();
        let mut sharing: HashMap<&[u8], usize> = HashMap::new();
        for &j in &patterns {
            let value = folded[j].as_ref();
            let head = value.find(['*', '?']).unwrap_or(value.len());
            let tail = value.rfind(['*', '?']).map_or(value.len(), |p| p + 1);
            heads.insert(value[..head].bytes(), j);
            tails.insert(value[tail..].bytes().rev(), j);
            let runs: Vec<&[u8]> = value[head..tail]
                .split(['*', '?'])
                .filter(|run| !run.is_empty())
                .map(|run| &run.as_bytes()[..run.len().min(RUN_KEY)])
                .collect();
            for run in &runs {
                *sharing.entry(run).or_default() += 1;
            }
            inner_runs.push(runs);
        }
        let mut inner: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut runs: Vec<Vec<usize>> = Vec::new();
        let mut no_run = Vec::new();
        for (&j, candidates) in patterns.iter().zip(&inner_runs) {
            match candidates
                .iter()
                .min_by_key(|run| (sharing[*run], std::cmp::Reverse(run.len())))
            {
                Some(run) => {
                    let id = *inner.entry(run.to_vec()).or_insert_with(|| {
                        runs.push(Vec::new());
                        runs.len() - 1
                    });
                    runs[id].push(j);
                }
                None => no_run.push(j),
            }
        }
        let mut key_lengths: Vec<usize> = inner.keys().map(Vec::len).collect();
        key_lengths.sort_unstable();
        key_lengths.dedup();
        let mut key_starts = [false; 256];
        for key in inner.keys() {
            key_starts[usize::from(key[0])] = true;
        }
        PatternIndex {
            few: None,
            heads,
            tails,
            inner,
            key_lengths,
            key_starts,
            runs,
            no_run,
        }
    }

    /// The patterns that may cover `value` (folded), in list order.
    fn candidates(&self, value: &str) -> Vec<usize> {
        if let Some(few) = &self.few {
            return few.clone();
        }
        let heads = self.heads.along(value.bytes());
        let tails = self.tails.along(value.bytes().rev());
        let count = |lists: &[&Vec<usize>]| lists.iter().map(|l| l.len()).sum::<usize>();
        let (head_count, tail_count) = (count(&heads), count(&tails));
        let (mut best, mut best_count) = if head_count <= tail_count {
            (heads, head_count)
        } else {
            (tails, tail_count)
        };
        // The keys a value holds: at most `RUN_KEY` lookups per byte.
        if !self.inner.is_empty() && best_count > self.no_run.len() {
            let mut found = vec![&self.no_run];
            let mut found_count = self.no_run.len();
            let mut hit = HashSet::new();
            let bytes = value.as_bytes();
            'search: for start in 0..bytes.len() {
                if !self.key_starts[usize::from(bytes[start])] {
                    continue;
                }
                for &len in &self.key_lengths {
                    let Some(key) = bytes.get(start..start + len) else {
                        break;
                    };
                    // Enough: the set found so far is already no smaller.
                    if found_count >= best_count {
                        break 'search;
                    }
                    if let Some(&run) = self.inner.get(key) {
                        if hit.insert(run) {
                            found.push(&self.runs[run]);
                            found_count += self.runs[run].len();
                        }
                    }
                }
            }
            if found_count < best_count {
                (best, best_count) = (found, found_count);
            }
        }
        debug_assert_eq!(count(&best), best_count);
        let mut candidates: Vec<usize> = best.into_iter().flatten().copied().collect();
        candidates.sort_unstable();
        candidates
    }
}

/// A byte trie of patterns' literal ends; each node lists the patterns whose
/// end is the path to it.
#[derive(Default)]
struct Trie {
    edges: HashMap<(usize, u8), usize>,
    ends: Vec<Vec<usize>>,
}

impl Trie {
    fn insert(&mut self, bytes: impl Iterator<Item = u8>, pattern: usize) {
        if self.ends.is_empty() {
            self.ends.push(Vec::new());
        }
        let mut node = 0;
        for b in bytes {
            let next = self.ends.len();
            node = *self.edges.entry((node, b)).or_insert(next);
            if node == next {
                self.ends.push(Vec::new());
            }
        }
        self.ends[node].push(pattern);
    }

    /// The lists of every node along `bytes`: the patterns whose end `bytes` starts with.
    fn along(&self, bytes: impl Iterator<Item = u8>) -> Vec<&Vec<usize>> {
        let Some(root) = self.ends.first() else {
            return Vec::new();
        };
        let mut lists = vec![root];
        let mut node = 0;
        for b in bytes {
            match self.edges.get(&(node, b)) {
                Some(&next) => {
                    node = next;
                    lists.push(&self.ends[node]);
                }
                None => break,
            }
        }
        lists
    }
}

#[cfg(test)]
thread_local! {
    /// Globs run on this thread: tests count them to check that a check
    /// compares a bounded number of pairs, without timing anything.
    pub static GLOB_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Globs run on this thread so far (tests only).
#[cfg(test)]
pub(crate) fn glob_calls() -> usize {
    GLOB_CALLS.with(|calls| calls.get())
}

/// What `?` may stand for: any character when matching a text, any but `*`
/// when comparing two patterns (a `*` in the specific pattern may be longer).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Question {
    AnyChar,
    NotStar,
}

/// `pattern` against all of `text`. The pattern splits at its stars into
/// runs: the first must match at the start, the last at the end, and each
/// other run at its leftmost place after the previous one (taking the
/// leftmost never loses a match a later place would allow). A run without
/// `?` is found with `str::find`, which is linear (two-way search); a run
/// with `?` inside, with bit-parallel search over its characters
/// ([`find_with_questions`]). Case is folded once up front, so the search
/// itself compares bytes.
fn glob(pattern: &str, text: &str, case: Case, question: Question) -> bool {
    #[cfg(test)]
    GLOB_CALLS.with(|calls| calls.set(calls.get() + 1));
    let (pattern, text) = (fold(pattern, case), fold(text, case));
    let (pattern, text) = (pattern.as_ref(), text.as_ref());
    let Some((first, rest)) = pattern.split_once('*') else {
        return match_here(pattern, text, question) == Some(text.len());
    };
    let Some(mut at) = match_here(first, text, question) else {
        return false;
    };
    let (middle, last) = rest.rsplit_once('*').unwrap_or(("", rest));
    // The last run is anchored at the end: it takes the text's last
    // `chars(last)` characters, which must not overlap what came before.
    let Some(end) = back(text, text.len(), last.chars().count()).filter(|&end| end >= at) else {
        return false;
    };
    if match_here(last, &text[end..], question) != Some(text.len() - end) {
        return false;
    }
    for run in middle.split('*').filter(|run| !run.is_empty()) {
        let found = if run.len() > end - at {
            // Cheap, and spares building a searcher for a long run.
            None
        } else if run.contains('?') {
            find_with_questions(run, &text[at..end], question)
        } else {
            find(&text[at..end], run).map(|start| (start, start + run.len()))
        };
        match found {
            Some((_, run_end)) => at += run_end,
            None => return false,
        }
    }
    true
}

/// Texts up to this many bytes are searched by comparing at each place:
/// building a two-way searcher costs more than that on an action name.
const SHORT_TEXT: usize = 64;

/// The leftmost place of `run` in `text`: [`str::find`] (linear) on long
/// texts, a comparison at each place on short ones (bounded by
/// `SHORT_TEXT` squared). A byte match of a whole UTF-8 run starts on a
/// character boundary, as a run never starts with a continuation byte.
fn find(text: &str, run: &str) -> Option<usize> {
    if text.len() > SHORT_TEXT {
        return text.find(run);
    }
    text.as_bytes()
        .windows(run.len())
        .position(|place| place == run.as_bytes())
}

/// `s` folded by [`fold_char`] when case does not matter.
fn fold(s: &str, case: Case) -> Cow<'_, str> {
    match case {
        Case::Insensitive => fold_str(s),
        Case::Sensitive => Cow::Borrowed(s),
    }
}

/// Byte offset `count` characters before `offset`, if there are that many.
fn back(text: &str, offset: usize, count: usize) -> Option<usize> {
    if count == 0 {
        return Some(offset);
    }
    text[..offset].char_indices().rev().nth(count - 1).map(|(i, _)| i)
}

/// Where a star-free `run` matching at the start of `text` ends, in bytes.
fn match_here(run: &str, text: &str, question: Question) -> Option<usize> {
    let mut chars = text.char_indices();
    for p in run.chars() {
        let (_, t) = chars.next()?;
        let ok = match p {
            '?' => question == Question::AnyChar || t != '*',
            p => p == t,
        };
        if !ok {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(i, _)| i))
}

/// Most bit-mask words a run's character table may take; past it (a run of
/// tens of thousands of distinct characters) the search compares at each
/// place instead.
const MAX_MASK_WORDS: usize = 1 << 20;

/// The leftmost match of a star-free `run` holding `?` in `text`, as a byte
/// range: Shift-And, one bit per run character, so each text character
/// costs `chars(run) / 64` word operations, not `chars(run)`.
fn find_with_questions(run: &str, text: &str, question: Question) -> Option<(usize, usize)> {
    let len = run.chars().count();
    let words = len.div_ceil(64);
    // The bits of `?` and, per distinct literal character, of its places.
    let mut any = vec![0u64; words];
    let mut literal: HashMap<char, Vec<u64>> = HashMap::new();
    for (i, c) in run.chars().enumerate() {
        if c == '?' {
            any[i / 64] |= 1 << (i % 64);
        }
    }
    let distinct = run.chars().filter(|&c| c != '?').collect::<HashSet<_>>();
    if distinct.len().saturating_mul(words) > MAX_MASK_WORDS {
        return text
            .char_indices()
            .find_map(|(start, _)| match_here(run, &text[start..], question).map(|n| (start, start + n)));
    }
    for (i, c) in run.chars().enumerate() {
        if c != '?' {
            let mask = literal.entry(c).or_insert_with(|| any.clone());
            mask[i / 64] |= 1 << (i % 64);
        }
    }
    let none = vec![0u64; words];
    let mut state = vec![0u64; words];
    let last = (len - 1) / 64;
    let top = 1u64 << ((len - 1) % 64);
    for (at, c) in text.char_indices() {
        let mask = match literal.get(&c) {
            Some(mask) => mask,
            None if c == '*' && question == Question::NotStar => &none,
            None => &any,
        };
        // state = ((state << 1) | 1) & mask, across the words.
        let mut carry = 1;
        for (word, m) in state.iter_mut().zip(mask) {
            let next = *word >> 63;
            *word = ((*word << 1) | carry) & m;
            carry = next;
        }
        if state[last] & top != 0 {
            let end = at + c.len_utf8();
            let start = back(text, end, len).unwrap_or(0);
            return Some((start, end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn m(pattern: &str, text: &str) -> bool {
        matches(pattern, text, Case::Sensitive)
    }

    #[test]
    fn star_and_question_mark() {
        assert!(m("ens:Create*", "ens:CreateImage"));
        assert!(m("ens:Create*", "ens:Create"));
        assert!(!m("ens:Create*", "ens:DeleteImage"));
        assert!(m("ens:*Image", "ens:CreateImage"));
        assert!(m("ens:Create?mage", "ens:CreateImage"));
        assert!(!m("ens:Create?mage", "ens:Createmage"));
        assert!(m("*", ""));
        assert!(!m("?", ""));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("a**b", "ab"));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("*a*b*", "xxbxxaxx"));
    }

    #[test]
    fn star_crosses_colons_and_slashes() {
        assert!(m("*", "acs:oss:*:*:bucket/dir/object"));
        assert!(m("acs:oss:*:*:bucket/*", "acs:oss:*:*:bucket/dir/object.jpg"));
        assert!(m("*:Describe*", "ens:DescribeImages"));
        assert!(m("acs:*:*", "acs:ens:cn-beijing:123:instance/i-1"));
    }

    #[test]
    fn case_folds_by_one_rule_and_is_optional() {
        assert!(!m("ens:createimage", "ens:CreateImage"));
        assert!(matches("ens:createimage", "ens:CreateImage", Case::Insensitive));
        assert!(matches("ENS:CREATE*", "ens:CreateImage", Case::Insensitive));
        assert!(matches("é", "É", Case::Insensitive));
        assert!(!m("é", "É"));
        // The Kelvin, ohm and angstrom signs fold to k, ω and å.
        for (sign, plain) in [("\u{212A}", "k"), ("\u{2126}", "\u{3c9}"), ("\u{212B}", "\u{e5}")] {
            assert!(matches(sign, plain, Case::Insensitive), "{sign}");
            assert!(matches(plain, sign, Case::Insensitive), "{sign}");
            assert!(matches(
                &format!("*{sign}?"),
                &format!("a{plain}b"),
                Case::Insensitive
            ));
            assert!(!matches(sign, plain, Case::Sensitive));
        }
        assert!(matches("ens:\u{212A}ill", "ens:KILL", Case::Insensitive));
        assert!(matches("ens:kill*", "ens:\u{212A}ILLER", Case::Insensitive));
        // One character to one: `ß` does not become `ss`, `İ` stays itself.
        assert!(!matches("ss", "ß", Case::Insensitive));
        assert!(matches("?", "\u{130}", Case::Insensitive));
        assert!(!matches("i", "\u{130}", Case::Insensitive));
        assert!(matches("\u{3c3}", "\u{3c2}", Case::Insensitive), "final sigma");
    }

    #[test]
    fn folding_never_makes_or_unmakes_a_wildcard() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let f = fold_char(c);
            assert_eq!(f == '*' || f == '?', c == '*' || c == '?', "{c:?}");
            assert_eq!(fold_char(f), f, "folding is idempotent at {c:?}");
        }
    }

    #[test]
    fn question_mark_is_one_character_not_one_byte() {
        assert!(m("a?c", "a镜c"));
        assert!(!m("a??c", "a镜c"));
        assert!(m("*镜*", "创建镜像"));
    }

    #[test]
    fn pathological_patterns_finish_quickly() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "a*".repeat(2_000));
        let start = Instant::now();
        assert!(!m(&pattern, &text));
        assert!(m(&format!("{}a", "*a".repeat(2_000)), &text));
        assert!(!m(&"*?".repeat(15_000), &text));
        // The algorithm's real worst case: every retry rescans the literal run.
        assert!(!m(&format!("*{}b", "a".repeat(200)), &text));
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
    }

    /// Literals against patterns that share their head and tail (`ens:`
    /// and nothing): every pair passes the cheap end checks, so comparing
    /// pairs would run n x n globs; the inner-run index runs none.
    #[test]
    fn literals_are_not_compared_with_every_pattern() {
        let n = 2_000;
        let values: Vec<String> = (0..n)
            .map(|i| format!("ens:Describe{i}"))
            .chain((0..n).map(|j| format!("ens:*x{j}*")))
            .collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let cover = |g: &str, s: &str| covers(g, s, Case::Insensitive);
        let before = glob_calls();
        let found = first_covers(&values, Case::Insensitive, cover);
        let calls = glob_calls() - before;
        // `ens:*x1*` covers `ens:*x10*` and its kind: a few per pattern.
        assert!(calls < 20 * n, "{calls} globs for {n} literals and {n} patterns");
        assert!(found[..n].iter().all(Option::is_none));
        assert_eq!(found[n + 10], Some(n + 1), "`ens:*x1*` covers `ens:*x10*`");
    }

    /// The reproduction of issue 11: the old matcher took 268 s here.
    #[test]
    fn a_long_run_between_stars_is_found_in_linear_time() {
        let n = 640_000;
        let text = format!("ens:{}", "a".repeat(n));
        let pattern = format!("ens:*{}b*", "a".repeat(n / 2));
        assert!(!m(&pattern, &text));
        assert!(m(&format!("ens:*{}*", "a".repeat(n / 2)), &text));
        assert!(!m(&format!("ens:*{}?b", "a".repeat(n / 2)), &text));
        assert!(matches(
            &format!("ENS:*{}*a", "A".repeat(n / 2)),
            &text,
            Case::Insensitive
        ));
    }

    #[test]
    fn covers_compares_patterns() {
        let c = |g: &str, s: &str| covers(g, s, Case::Insensitive);
        assert!(c("*", "ens:Create*"));
        assert!(c("ens:*", "ens:Create*"));
        assert!(c("ens:Create*", "ens:CreateImage"));
        assert!(c("ens:create*", "ens:CreateImage"));
        assert!(c("ens:Create*", "ens:Create*"));
        assert!(c("ens:Create?mage", "ens:Create?mage"));
        assert!(!c("ens:Create*", "ens:*"));
        assert!(!c("ens:?", "ens:*"));
        assert!(!c("ens:Create*", "ens:C*"));
        assert!(!c("ens:CreateImage", "ens:Create?mage"));
        assert!(!covers("ens:create*", "ens:CreateImage", Case::Sensitive));
    }

    /// The textbook dynamic program, as the reference the fast matcher must agree with.
    fn reference(pattern: &[char], text: &[char]) -> bool {
        reference_with(pattern, text, |p, t| p == '?' || p == t)
    }

    /// The dynamic program with `one` deciding a non-star pattern character.
    fn reference_with(pattern: &[char], text: &[char], one: impl Fn(char, char) -> bool) -> bool {
        let mut row = vec![false; text.len() + 1];
        row[0] = true;
        for &pc in pattern {
            let mut next = vec![false; text.len() + 1];
            if pc == '*' {
                let mut any = false;
                for j in 0..=text.len() {
                    any |= row[j];
                    next[j] = any;
                }
            } else {
                for j in 1..=text.len() {
                    next[j] = row[j - 1] && one(pc, text[j - 1]);
                }
            }
            row = next;
        }
        row[text.len()]
    }

    proptest! {
        #[test]
        fn agrees_with_the_reference(pattern in "[ab*?:]{0,12}", text in "[ab:]{0,12}") {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            prop_assert_eq!(m(&pattern, &text), reference(&p, &t));
        }

        /// Pattern against pattern: `?` never stands for a `*`.
        #[test]
        fn covers_agrees_with_the_reference(general in "[aAb*?]{0,10}", specific in "[aAb*?]{0,10}") {
            let g: Vec<char> = general.chars().collect();
            let t: Vec<char> = specific.chars().collect();
            let slow = reference_with(&g, &t, |p, t| if p == '?' { t != '*' } else { fold_char(p) == fold_char(t) });
            prop_assert_eq!(covers(&general, &specific, Case::Insensitive), slow);
        }

        /// Case folding by [`fold_char`], on the characters that fold across
        /// byte lengths (U+212A and `k`, U+2126 and `ω`, U+212B and `å`).
        #[test]
        fn folding_agrees_with_the_reference(
            pattern in "[kK\u{212A}\u{2126}\u{3c9}\u{212B}\u{e5}\u{c5}*?]{0,8}",
            text in "[kK\u{212A}\u{2126}\u{3a9}\u{212B}\u{e5}x]{0,8}"
        ) {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            let slow = reference_with(&p, &t, |p, t| p == '?' || fold_char(p) == fold_char(t));
            prop_assert_eq!(matches(&pattern, &text, Case::Insensitive), slow);
        }

        /// Runs with `?` longer than one 64-bit word of the bit-parallel search.
        #[test]
        fn long_runs_with_question_marks_agree_with_the_reference(
            run in "[ab?]{60,140}", text in "[ab]{0,200}", cut in 0usize..200
        ) {
            let text = format!("{}{}{}", &text[..cut.min(text.len())], run.replace('?', "b"), &text[cut.min(text.len())..]);
            for pattern in [format!("*{run}*"), format!("a*{run}*b"), format!("*{run}")] {
                let p: Vec<char> = pattern.chars().collect();
                let t: Vec<char> = text.chars().collect();
                prop_assert_eq!(m(&pattern, &text), reference(&p, &t), "{}", pattern);
            }
        }

        /// The indexed search finds exactly what comparing every pair finds,
        /// on lists short enough to go unindexed and long enough not to.
        #[test]
        fn first_covers_agrees_with_every_pair(values in prop::collection::vec("[aAb/*?]{0,6}", 0..28)) {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            for case in [Case::Sensitive, Case::Insensitive] {
                let cover = |g: &str, s: &str| covers(g, s, case);
                let slow: Vec<Option<usize>> = (0..values.len())
                    .map(|i| {
                        (0..values.len()).find(|&j| {
                            j != i && cover(values[j], values[i]) && !(j > i && cover(values[i], values[j]))
                        })
                    })
                    .collect();
                prop_assert_eq!(first_covers_indexed(&values, case, cover), slow.clone(), "{:?}", case);
                prop_assert_eq!(first_covers(&values, case, cover), slow, "{:?}", case);
            }
        }

        /// The literal fast paths, on multi-byte text and in both case modes.
        #[test]
        fn literal_patterns_agree_with_the_glob(literal in "[aAé镜:]{0,5}", star in any::<bool>(), text in "[aAé镜:]{0,7}") {
            let pattern = if star { format!("{literal}*") } else { literal };
            for case in [Case::Sensitive, Case::Insensitive] {
                let slow = glob(&pattern, &text, case, Question::AnyChar);
                prop_assert_eq!(matches(&pattern, &text, case), slow, "{:?}", case);
            }
        }

        #[test]
        fn a_covered_pattern_only_matches_what_the_cover_matches(
            general in "[ab*?]{0,6}", specific in "[ab*?]{0,6}", text in "[ab]{0,8}"
        ) {
            if covers(&general, &specific, Case::Sensitive) && m(&specific, &text) {
                prop_assert!(m(&general, &text));
            }
        }
    }
}

//! Core: text helpers every layer shares: the "did you mean" suggestion for
//! a misspelt rule id, action, condition key or element name, and counted
//! nouns ("1 finding", "2 findings").

/// `n` and `noun`, plural (with `s`) unless `n` is 1: `1 finding`, `2 findings`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The candidate closest to `word`: an exact match ignoring case, or the best
/// Jaro similarity above 0.8 (Jaro, not Jaro-Winkler, which overrates long
/// shared prefixes).
pub fn nearest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    Vocabulary::new(candidates).nearest(word)
}

/// Candidates for [`nearest`], prepared once: a "did you mean" over an
/// operation table runs for every unknown action of a file, and a hostile
/// file can hold tens of thousands.
pub struct Vocabulary<'c> {
    words: Vec<Candidate<'c>>,
}

struct Candidate<'c> {
    word: &'c str,
    lower: String,
    /// Letter classes ([`letter_classes`]); `None` when the word is not
    /// ASCII or too long for the counts, and so is never pruned.
    classes: Option<[u8; CLASSES]>,
}

impl<'c> Vocabulary<'c> {
    pub fn new(candidates: &[&'c str]) -> Self {
        Vocabulary {
            words: candidates
                .iter()
                .map(|&word| Candidate {
                    word,
                    lower: word.to_ascii_lowercase(),
                    classes: letter_classes(word).filter(|_| word.len() <= usize::from(u8::MAX)),
                })
                .collect(),
        }
    }

    /// As [`nearest`] over this vocabulary.
    pub fn nearest(&self, word: &str) -> Option<&'c str> {
        if let Some(same) = self.words.iter().find(|c| c.word.eq_ignore_ascii_case(word)) {
            return Some(same.word);
        }
        let lower = word.to_ascii_lowercase();
        let classes = letter_classes(&lower);
        // The best so far; a later candidate of equal score wins, as with
        // `max_by`. One whose bound is below the best cannot win, so its
        // score is not computed.
        let mut best: Option<(f64, &'c str)> = None;
        for c in &self.words {
            let bound = upper_bound(&lower, classes.as_ref(), c);
            if bound <= 0.8 || best.is_some_and(|(score, _)| bound < score) {
                continue;
            }
            let score = strsim::jaro(&lower, &c.lower);
            if score > 0.8 && best.is_none_or(|(before, _)| score >= before) {
                best = Some((score, c.word));
            }
        }
        best.map(|(_, word)| word)
    }
}

/// Letter classes counted by [`letter_classes`].
const CLASSES: usize = 32;

/// How many bytes of an ASCII word fall in each of 32 classes (each letter,
/// ignoring case, its own; digits in four; `:`; the rest), saturating at
/// 255; `None` for a word that is not ASCII.
fn letter_classes(word: &str) -> Option<[u8; CLASSES]> {
    if !word.is_ascii() {
        return None;
    }
    let mut counts = [0u8; CLASSES];
    for b in word.bytes().map(|b| b.to_ascii_lowercase()) {
        let class = match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + b % 4,
            b':' => 30,
            _ => 31,
        };
        let slot = &mut counts[usize::from(class)];
        *slot = slot.saturating_add(1);
    }
    Some(counts)
}

/// A cheap upper bound on the Jaro similarity, so that most of a long
/// candidate list (hundreds of actions per unknown action) is ruled out
/// without computing it. Jaro's matching characters are common characters,
/// so with `m` at most the multiset intersection of the two words,
/// `(m/|a| + m/|b| + 1) / 3` bounds the score. The intersection of the
/// class counts is at least that of the characters (classes merge some),
/// and a saturated count only lowers the word's side where the candidate,
/// at most 255 bytes, has fewer anyway. Only ASCII words are bounded (there
/// bytes are characters); for anything else the bound is 1.
fn upper_bound(lower: &str, classes: Option<&[u8; CLASSES]>, candidate: &Candidate<'_>) -> f64 {
    let (Some(word), Some(theirs)) = (classes, candidate.classes.as_ref()) else {
        return 1.0;
    };
    if lower.is_empty() || candidate.lower.is_empty() {
        return 1.0;
    }
    let common: u32 = word.iter().zip(theirs).map(|(&a, &b)| u32::from(a.min(b))).sum();
    let m = f64::from(common);
    (m / lower.len() as f64 + m / candidate.lower.len() as f64 + 1.0) / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_only_for_one() {
        assert_eq!(count(0, "finding"), "0 findings");
        assert_eq!(count(1, "finding"), "1 finding");
        assert_eq!(count(2, "policy document"), "2 policy documents");
    }
}

//! RAM's glob matching, shared by the checks (Action and Resource patterns),
//! the simulator and the condition `*Like` operators.
//!
//! `*` matches any run of characters, `:` and `/` included; `?` matches exactly
//! one character. There is no escape: RAM documents none. Matching is the
//! greedy two-pointer algorithm with one backtrack point, so it takes at most
//! O(pattern × text) steps and never backtracks exponentially, whatever the
//! user writes.

/// Whether letters must match in case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    /// ASCII letters match either case; other characters must be equal.
    Insensitive,
}

impl Case {
    fn eq(self, a: char, b: char) -> bool {
        match self {
            Case::Sensitive => a == b,
            Case::Insensitive => a.eq_ignore_ascii_case(&b),
        }
    }

    fn eq_bytes(self, a: &[u8], b: &[u8]) -> bool {
        match self {
            Case::Sensitive => a == b,
            Case::Insensitive => a.eq_ignore_ascii_case(b),
        }
    }
}

/// True when `s` holds a `*` or `?`.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Whether `pattern` matches all of `text`.
pub fn matches(pattern: &str, text: &str, case: Case) -> bool {
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
    glob(pattern, text, |p, t| p == '?' || case.eq(p, t))
}

/// Whether every string `specific` matches is also matched by `general`: the
/// patterns are compared as patterns, so `ens:*` covers `ens:Create*` but
/// `ens:?` does not cover `ens:*`. Exact for the patterns people write; when
/// it errs, it errs towards "does not cover".
pub fn covers(general: &str, specific: &str, case: Case) -> bool {
    glob(general, specific, |p, t| match (p, t) {
        // `?` stands for one character, which a `*` in `specific` may exceed.
        ('?', t) => t != '*',
        (_, '*' | '?') => false,
        (p, t) => case.eq(p, t),
    })
}

/// The two-pointer glob: `*` in `pattern` takes any run of `text`; every other
/// pattern character must satisfy `one` against one text character.
fn glob(pattern: &str, text: &str, one: impl Fn(char, char) -> bool) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*`: the pattern just past it, and the
    // text position the star's run ends at so far.
    let mut resume: Option<(usize, usize)> = None;
    while let Some(tc) = text[t..].chars().next() {
        match pattern[p..].chars().next() {
            Some('*') => {
                p += 1;
                resume = Some((p, t));
                continue;
            }
            Some(pc) if one(pc, tc) => {
                p += pc.len_utf8();
                t += tc.len_utf8();
                continue;
            }
            _ => {}
        }
        let Some((star_p, star_t)) = resume else {
            return false;
        };
        // Let the star take one more character and retry from there.
        let grown = star_t + text[star_t..].chars().next().map_or(0, char::len_utf8);
        resume = Some((star_p, grown));
        p = star_p;
        t = grown;
    }
    pattern[p..].chars().all(|c| c == '*')
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
    fn case_is_ascii_only_and_optional() {
        assert!(!m("ens:createimage", "ens:CreateImage"));
        assert!(matches("ens:createimage", "ens:CreateImage", Case::Insensitive));
        assert!(matches("ENS:CREATE*", "ens:CreateImage", Case::Insensitive));
        assert!(!matches("é", "É", Case::Insensitive));
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
                    next[j] = row[j - 1] && (pc == '?' || pc == text[j - 1]);
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

        /// The literal fast paths, on multi-byte text and in both case modes.
        #[test]
        fn literal_patterns_agree_with_the_glob(literal in "[aAé镜:]{0,5}", star in any::<bool>(), text in "[aAé镜:]{0,7}") {
            let pattern = if star { format!("{literal}*") } else { literal };
            for case in [Case::Sensitive, Case::Insensitive] {
                let slow = glob(&pattern, &text, |p, t| p == '?' || case.eq(p, t));
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

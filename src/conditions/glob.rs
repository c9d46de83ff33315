//! `*`/`?` pattern matching for `StringLike` and for the vocabulary's own
//! patterns. Kept private to the condition code until the shared wildcard
//! matcher lands on main.

/// Whether `text` matches `pattern`, where `*` is any run of characters and
/// `?` exactly one; case-sensitive. Greedy with a single resume point, so the
/// cost is at most pattern length times text length, never exponential.
pub fn matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Position after the last `*`, and the text position it was tried at.
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                resume = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match resume {
                Some((after_star, tried)) => {
                    p = after_star;
                    t = tried + 1;
                    resume = Some((after_star, tried + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn decision_table() {
        let cases = [
            ("*", "", true),
            ("*", "anything", true),
            ("", "", true),
            ("", "a", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true),
            ("vpc-*", "vpc-123", true),
            ("vpc-*", "VPC-123", false),
            ("*IfExists", "StringEqualsIfExists", true),
            ("*IfExists", "IfExistsNot", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("hangzhou/2015/*", "hangzhou/2015/x/y", true),
            ("ab", "abab", false),
            ("*ab", "abab", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(matches(pattern, text), expected, "{pattern:?} vs {text:?}");
        }
    }
}

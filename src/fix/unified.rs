//! `--diff`: a unified diff (as `diff -u` and ruff print it) between a file
//! and its fixed text, by lines, with three lines of context, made by the
//! `similar` crate (docs/design/dependencies.md).

use std::time::Duration;

use similar::{Algorithm, TextDiff};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// How long the alignment may take before the rest of a change is shown as
/// one replaced block: Myers' algorithm costs the product of the changed
/// lines in the worst case, and `--diff` of a hostile file must stay quick.
const DEADLINE: Duration = Duration::from_secs(2);

/// The unified diff from `old` to `new`, labelled `a/<name>` and
/// `b/<name>`; empty when they are equal.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(DEADLINE)
        .diff_lines(old, new);
    diff.unified_diff()
        .context_radius(CONTEXT)
        .missing_newline_hint(true)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        assert_eq!(
            unified_diff("p.json", old, new),
            "--- a/p.json\n+++ b/p.json\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_and_a_missing_newline_is_said() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect::<String>() + "end";
        let new = old.replacen("2\n", "two\n", 1).replace("end", "END");
        let diff = unified_diff("x", &old, &new);
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("-end\n\\ No newline at end of file\n+END\n\\ No newline at end of file\n"));
        assert_eq!(unified_diff("x", "same", "same"), "");
    }

    #[test]
    fn a_removed_line_counts_right() {
        let diff = unified_diff("x", "a\nb\nc\n", "a\nc\n");
        assert_eq!(diff, "--- a/x\n+++ b/x\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
    }
}

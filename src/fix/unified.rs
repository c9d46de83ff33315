//! `--diff`: a unified diff (as `diff -u` and ruff print it) between a file
//! and its fixed text, by lines, with three lines of context.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Above this many lines (each side, after the common head and tail are
/// cut) the changed middle is shown as one replaced block instead of being
/// aligned line by line, which costs their product in time and memory.
const MAX_ALIGNED: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The unified diff from `old` to `new`, labelled `a/<name>` and
/// `b/<name>`; empty when they are equal.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = align(&a, &b);
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    // Indices of ops that change something, grouped into hunks whose
    // contexts touch.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i <= *end + 2 * CONTEXT + 1 => *end = i,
            _ => groups.push((i, i)),
        }
    }
    for (first, last) in groups {
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        // Where the hunk starts in each file: the line of its first op.
        let (mut a_line, mut b_line) = position(&ops[..start]);
        let a_count = hunk.iter().filter(|op| !matches!(op, Op::Insert(_))).count();
        let b_count = hunk.iter().filter(|op| !matches!(op, Op::Delete(_))).count();
        if a_count > 0 {
            a_line += 1;
        }
        if b_count > 0 {
            b_line += 1;
        }
        out.push_str(&format!("@@ -{a_line},{a_count} +{b_line},{b_count} @@\n"));
        for op in hunk {
            let (sign, line) = match *op {
                Op::Same(i, _) => (' ', a[i]),
                Op::Delete(i) => ('-', a[i]),
                Op::Insert(j) => ('+', b[j]),
            };
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// Lines of each file before the ops `done`.
fn position(done: &[Op]) -> (usize, usize) {
    done.iter().fold((0, 0), |(a, b), op| match op {
        Op::Same(..) => (a + 1, b + 1),
        Op::Delete(_) => (a + 1, b),
        Op::Insert(_) => (a, b + 1),
    })
}

/// An edit script from `a` to `b`: common head and tail kept, the middle
/// aligned by longest common subsequence.
fn align(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    if am.len() > MAX_ALIGNED || bm.len() > MAX_ALIGNED {
        ops.extend((0..am.len()).map(|i| Op::Delete(head + i)));
        ops.extend((0..bm.len()).map(|j| Op::Insert(head + j)));
    } else {
        // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
        let width = bm.len() + 1;
        let mut lcs = vec![0u32; (am.len() + 1) * width];
        for i in (0..am.len()).rev() {
            for j in (0..bm.len()).rev() {
                lcs[i * width + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < am.len() || j < bm.len() {
            if i < am.len() && j < bm.len() && am[i] == bm[j] {
                ops.push(Op::Same(head + i, head + j));
                i += 1;
                j += 1;
            } else if j < bm.len() && (i == am.len() || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j]) {
                ops.push(Op::Insert(head + j));
                j += 1;
            } else {
                ops.push(Op::Delete(head + i));
                i += 1;
            }
        }
        // Deletions before insertions within a changed run, as diff prints.
        normalize(&mut ops);
    }
    let (a_end, b_end) = (a.len() - tail, b.len() - tail);
    ops.extend((0..tail).map(|k| Op::Same(a_end + k, b_end + k)));
    ops
}

/// Within each run of changes, every deletion before every insertion.
fn normalize(ops: &mut [Op]) {
    let mut start = 0;
    while start < ops.len() {
        if matches!(ops[start], Op::Same(..)) {
            start += 1;
            continue;
        }
        let end = ops[start..]
            .iter()
            .position(|op| matches!(op, Op::Same(..)))
            .map_or(ops.len(), |k| start + k);
        ops[start..end].sort_by_key(|op| match op {
            Op::Delete(i) => (0, *i),
            Op::Insert(j) => (1, *j),
            Op::Same(..) => (2, 0),
        });
        start = end;
    }
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

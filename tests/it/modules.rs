//! The module graph of `src/` has no cycle: read from the `crate::` and
//! `super::` paths each file names, at two levels. Between files: a module
//! may use its parent (a check uses `checks::Context`) but not a sibling that
//! uses it back. Between top-level modules (a folder with its files counts as
//! one): `fix` and `lint` may not lean on each other either way. A parent
//! naming its own children is containment, not a dependency, and is left
//! out. `core` imports nothing else of the crate. Set `MODULE_GRAPH=1` to
//! print every edge.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// `src/a/b.rs` -> `a::b`; `src/a/mod.rs` and `src/a.rs` -> `a`; `lib.rs` -> ``.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts.join("::")
}

/// The file's tokens with comments, strings and character literals left out.
fn tokens(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < bytes.len() {
                if text[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if text[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'r'
            && (rest.starts_with("r\"") || rest.starts_with("r#"))
            && raw_string_end(rest).is_some()
        {
            i += raw_string_end(rest).unwrap();
        } else if c == b'b' && rest.starts_with("br") && raw_string_end(&rest[1..]).is_some() {
            i += 1 + raw_string_end(&rest[1..]).unwrap();
        } else if c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == b'\'' {
            // A character literal ('x', '\n', '\u{..}') or a lifetime ('a).
            let close = rest[1..].find('\'').map(|n| n + 1);
            match close {
                Some(n) if n <= 11 && (rest.as_bytes()[1] == b'\\' || rest[1..n].chars().count() == 1) => {
                    i += n + 1
                }
                _ => i += 1,
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            i += end;
        } else if rest.starts_with("::") {
            out.push("::".into());
            i += 2;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            let width = rest.chars().next().map_or(1, char::len_utf8);
            out.push(rest[..width].to_string());
            i += width;
        }
    }
    out
}

/// The length of a raw string literal at the start of `text` (`r"..."`, `r#"..."#`).
fn raw_string_end(text: &str) -> Option<usize> {
    let hashes = text[1..].bytes().take_while(|&b| b == b'#').count();
    if text.as_bytes().get(1 + hashes) != Some(&b'"') {
        return None;
    }
    let close = format!("\"{}", "#".repeat(hashes));
    let body = 2 + hashes;
    text[body..].find(&close).map(|n| body + n + close.len())
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// Every path a use tree starting at `tokens[at]` names: `a::{b, c::d}` gives
/// `a::b` and `a::c::d`. Returns the paths and where the tree ends.
fn use_tree(tokens: &[String], mut at: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(at).map(String::as_str) {
            Some("{") => {
                at += 1;
                loop {
                    match tokens.get(at).map(String::as_str) {
                        Some("}") => return at + 1,
                        Some(",") => at += 1,
                        None => return at,
                        _ => at = use_tree(tokens, at, &path, out),
                    }
                }
            }
            Some(token) if is_ident(token) => {
                if token != "self" || path.is_empty() {
                    path.push(token.to_string());
                }
                at += 1;
                if tokens.get(at).map(String::as_str) == Some("::") {
                    at += 1;
                    continue;
                }
                out.push(path);
                return at;
            }
            _ => {
                out.push(path);
                return at;
            }
        }
    }
}

/// The modules `file` names, each as a full path from the crate root.
fn referenced_paths(module: &str, text: &str) -> Vec<Vec<String>> {
    let tokens = tokens(text);
    let base: Vec<String> = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    // Inline modules (`mod tests { ... }`) open a scope `super` climbs out of.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).map(String::as_str) == Some("{") => {
                inline.push((tokens[i + 1].clone(), depth));
            }
            "crate" | "super" if tokens.get(i + 1).map(String::as_str) == Some("::") => {
                // Not the tail of a longer path (`a::super` does not occur).
                if i > 0 && tokens[i - 1] == "::" {
                    i += 1;
                    continue;
                }
                let mut scope: Vec<String> = base.clone();
                scope.extend(inline.iter().map(|(name, _)| name.clone()));
                let mut at = i;
                let prefix = if tokens[i] == "crate" {
                    at += 2;
                    Vec::new()
                } else {
                    while tokens.get(at).map(String::as_str) == Some("super")
                        && tokens.get(at + 1).map(String::as_str) == Some("::")
                    {
                        scope.pop();
                        at += 2;
                    }
                    scope
                };
                let mut found = Vec::new();
                let end = use_tree(&tokens, at, &prefix, &mut found);
                out.extend(found);
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The module graph: each file module and the file modules it depends on.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = crate::common::library_sources();
    // `main.rs` is the binary; it reaches the library by its crate name.
    files.retain(|f| f != &src.join("main.rs") && !f.starts_with(src.join("bin")));
    let modules: BTreeMap<String, PathBuf> = files.iter().map(|f| (module_of(&src, f), f.clone())).collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let text = fs::read_to_string(file).expect("readable");
        let mut targets = BTreeSet::new();
        for path in referenced_paths(module, &text) {
            // The longest prefix that is a module file.
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|candidate| modules.contains_key(candidate))
                .unwrap_or_default();
            let inside = module.is_empty() || target == *module || target.starts_with(&format!("{module}::"));
            if !inside {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    if std::env::var_os("MODULE_GRAPH").is_some() {
        for (module, targets) in &graph {
            eprintln!(
                "{module} -> {}",
                targets.iter().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    graph
}

/// The strongly connected components of more than one node (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, node: &'g str) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        let graph = s.graph;
        for next in graph.get(node).into_iter().flatten() {
            let next = next.as_str();
            if !s.index.contains_key(next) {
                visit(s, next);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut component = Vec::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                component.push(top.to_string());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The same graph with each module folded into its top-level module.
fn folders(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let top = |m: &str| m.split("::").next().unwrap_or_default().to_string();
    let mut folded: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, targets) in graph {
        let entry = folded.entry(top(module)).or_default();
        entry.extend(
            targets
                .iter()
                .map(|t| top(t))
                .filter(|t| *t != top(module) && !t.is_empty()),
        );
    }
    folded.remove("");
    folded
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let found = cycles(&graph());
    assert!(found.is_empty(), "module cycles between files: {found:?}");
}

#[test]
fn no_top_level_module_depends_on_itself_through_others() {
    let found = cycles(&folders(&graph()));
    assert!(
        found.is_empty(),
        "module cycles between top-level modules: {found:?}"
    );
}

#[test]
fn core_imports_nothing_else_of_the_crate() {
    let outside: Vec<(String, String)> = graph()
        .into_iter()
        .filter(|(module, _)| module == "core" || module.starts_with("core::"))
        .flat_map(|(module, targets)| targets.into_iter().map(move |t| (module.clone(), t)))
        .filter(|(_, target)| target != "core" && !target.starts_with("core::"))
        .collect();
    assert!(outside.is_empty(), "core depends on: {outside:?}");
}

#[test]
fn the_checker_sees_a_cycle_when_there_is_one() {
    // Two files naming each other through `crate::` and `super::` paths,
    // with a use tree, a comment and a string that must not count.
    let a = "use crate::b::{self, Thing};\n// crate::c::X\nconst S: &str = \"crate::c\";";
    let b = "mod tests { use super::super::a::f; }";
    let mut graph = BTreeMap::new();
    for (module, text) in [("a", a), ("b", b)] {
        let targets = referenced_paths(module, text)
            .into_iter()
            .map(|p| p[0].clone())
            .filter(|t| t != module)
            .collect();
        graph.insert(module.to_string(), targets);
    }
    assert_eq!(graph["a"], BTreeSet::from(["b".to_string()]));
    assert_eq!(graph["b"], BTreeSet::from(["a".to_string()]));
    assert_eq!(cycles(&graph), vec![vec!["a".to_string(), "b".to_string()]]);
}

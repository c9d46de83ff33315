//! The operation tables' format (rules/operations/README.md), read and checked
//! by build.rs, which encodes every table into the compact form that
//! `src/catalog.rs` decodes on first use; the crate's unit tests compile this
//! file too, to feed it malformed tables.

use std::collections::HashMap;

pub(crate) const HEADER: &str =
    "action\taccess_level\tresource_type\tcondition_keys\tdependent_actions\tsource";

/// The access levels, in the order their code (index + 1) is encoded.
pub(crate) const LEVELS: [&str; 6] = ["create", "update", "delete", "get", "list", "none"];

/// Added to a level's code when the level was guessed from the verb.
pub(crate) const INFERRED: u8 = 8;

/// One row, its cells checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row<'a> {
    pub(crate) action: &'a str,
    /// 0: unknown; else the index in [`LEVELS`] + 1, plus [`INFERRED`].
    pub(crate) level: u8,
    pub(crate) resource: &'a str,
    pub(crate) keys: &'a str,
    pub(crate) dependent: &'a str,
    pub(crate) source: &'a str,
}

/// One service's table: its rows with those of the supplement that belong to
/// it, sorted by action ignoring ASCII case.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    pub(crate) complete: bool,
    pub(crate) as_of: &'a str,
    pub(crate) rows: Vec<Row<'a>>,
}

/// Parses `service`'s table and its rows of `supplement` (a table of any
/// services' actions, without the header comments).
pub(crate) fn parse_table<'a>(
    service: &str,
    text: &'a str,
    supplement: &'a str,
) -> Result<Table<'a>, String> {
    let comments: Vec<&str> = text.lines().take_while(|line| line.starts_with('#')).collect();
    let comment = |key: &str| {
        comments
            .iter()
            .find_map(|line| line.strip_prefix(key))
            .map(str::trim)
            .ok_or_else(|| format!("{service}.tsv: no `{key}` line in the header comment"))
    };
    let complete = match comment("# complete:")?.split_whitespace().next() {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            return Err(format!(
                "{service}.tsv: `# complete:` must start with `yes` or `no`"
            ))
        }
    };
    let as_of = comment("# as-of:")?;
    let mut rows = body(text).map_err(|e| format!("{service}.tsv: {e}"))?;
    let mut out = Vec::with_capacity(rows.len());
    for (line, text) in rows.drain(..) {
        out.push(parse_row(service, text).map_err(|e| format!("{service}.tsv: line {line}: {e}"))?);
    }
    let prefix = format!("{service}:");
    for (line, text) in body(supplement).map_err(|e| format!("ram-only.tsv: {e}"))? {
        if text.starts_with(&prefix) {
            out.push(parse_row(service, text).map_err(|e| format!("ram-only.tsv: line {line}: {e}"))?);
        }
    }
    out.sort_by_cached_key(|row| row.action.to_ascii_lowercase());
    for pair in out.windows(2) {
        if pair[0].action.eq_ignore_ascii_case(pair[1].action) {
            return Err(format!(
                "{service}: `{}` and `{}` are the same action ignoring case",
                pair[0].action, pair[1].action
            ));
        }
    }
    Ok(Table {
        complete,
        as_of,
        rows: out,
    })
}

/// The supplement's rows must each name a service in `services`.
pub(crate) fn check_supplement(supplement: &str, services: &[&str]) -> Result<(), String> {
    for (line, text) in body(supplement).map_err(|e| format!("ram-only.tsv: {e}"))? {
        let known = text
            .split_once(':')
            .is_some_and(|(service, _)| services.contains(&service));
        if !known {
            return Err(format!(
                "ram-only.tsv: line {line}: `{text}` names a service without a table"
            ));
        }
    }
    Ok(())
}

/// The data rows after the header row, with their line numbers.
fn body(text: &str) -> Result<Vec<(usize, &str)>, String> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(i, line)| (i + 1, line));
    if rows.next().map(|(_, line)| line) != Some(HEADER) {
        return Err(format!("the first row must be the header `{HEADER}`"));
    }
    Ok(rows.collect())
}

pub(crate) fn parse_row<'a>(service: &str, line: &'a str) -> Result<Row<'a>, String> {
    let cells: Vec<&str> = line.split('\t').collect();
    let [action, level, resource, keys, dependent, source] = cells[..] else {
        return Err(format!("expected 6 tab-separated cells, found {}", cells.len()));
    };
    // RAM's own names may be lower case (`pvtz:read`); API names never are.
    let well_formed = action.split_once(':').is_some_and(|(s, name)| {
        s == service
            && name.len() < 256
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !well_formed {
        return Err(format!("`{action}` is not `{service}:<ApiName>`"));
    }
    if source.trim().is_empty() {
        return Err(format!("`{action}` has no source"));
    }
    let (name, inferred) = match level.split_once(' ') {
        Some((name, "inferred")) => (name, true),
        Some(_) => {
            return Err(format!(
                "`{action}`: an access level is `<level>` or `<level> inferred`"
            ))
        }
        None => (level, false),
    };
    let level = match name {
        "" => 0,
        name => match LEVELS.iter().position(|l| *l == name) {
            Some(i) => i as u8 + 1 + if inferred { INFERRED } else { 0 },
            None => {
                return Err(format!(
                    "`{action}`: unknown access level `{name}` (expected create, update, delete, get, list or none)"
                ))
            }
        },
    };
    for entry in resource
        .split(", ")
        .filter(|e| !e.is_empty() && *e != "All Resources")
    {
        let name = entry.split(' ').next().unwrap_or("").trim_start_matches('*');
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) || entry.split(' ').count() > 2
        {
            return Err(format!("`{action}`: resource `{entry}` is not `[*]Type [arn]`"));
        }
    }
    Ok(Row {
        action,
        level,
        resource,
        keys,
        dependent,
        source,
    })
}

/// Every table, encoded: one byte string for all rows, and the distinct
/// cell texts the rows refer to by index.
pub(crate) struct Encoded {
    pub(crate) bytes: Vec<u8>,
    pub(crate) cells: Vec<String>,
    /// Per table, `[start, end)` in `bytes` and its row count.
    pub(crate) spans: Vec<(usize, usize, usize)>,
}

/// Each row is the action's name (after `service:`) front-coded against the
/// previous row's (a byte of shared length, a byte of suffix length, the
/// suffix), its level byte, then its resource, keys, dependent-actions and
/// source cells as LEB128 indices into `cells`, commonest cell first: most
/// rows cost their name's new bytes plus six.
pub(crate) fn encode(tables: &[(&str, &Table<'_>)]) -> Encoded {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, table) in tables {
        for row in &table.rows {
            for cell in [row.resource, row.keys, row.dependent, row.source] {
                *counts.entry(cell).or_default() += 1;
            }
        }
    }
    let mut cells: Vec<(&str, usize)> = counts.into_iter().collect();
    cells.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let index: HashMap<&str, usize> = cells.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
    let mut bytes = Vec::new();
    let mut spans = Vec::new();
    for (service, table) in tables {
        let start = bytes.len();
        let mut previous: &[u8] = &[];
        for row in &table.rows {
            let name = &row.action.as_bytes()[service.len() + 1..];
            let shared = previous
                .iter()
                .zip(name)
                .take_while(|(a, b)| a == b)
                .count()
                .min(255);
            bytes.push(shared as u8);
            bytes.push((name.len() - shared) as u8);
            bytes.extend_from_slice(&name[shared..]);
            bytes.push(row.level);
            for cell in [row.resource, row.keys, row.dependent, row.source] {
                let mut n = index[cell];
                loop {
                    let low = (n & 0x7f) as u8;
                    n >>= 7;
                    if n == 0 {
                        bytes.push(low);
                        break;
                    }
                    bytes.push(low | 0x80);
                }
            }
            previous = name;
        }
        spans.push((start, bytes.len(), table.rows.len()));
    }
    Encoded {
        bytes,
        cells: cells.into_iter().map(|(c, _)| c.to_string()).collect(),
        spans,
    }
}

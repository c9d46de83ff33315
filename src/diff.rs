//! `policy-check diff OLD NEW`: decides offline whether NEW's identity
//! policies allow any request OLD's do not, and finds a witness request when
//! they do ([`compare`]); the reports live in [`output`].
//!
//! The decision is exact by construction (docs/design/diff.md). Actions are
//! a language, not a list: they are split into classes no statement tells
//! apart, over every well-formed action, catalogued or not ([`lang`]). For
//! one class, a request is a point in a product of independent dimensions
//! (the resource; each condition key's values), and each dimension has
//! finitely many choices that differ for the statements in play (one
//! resource per realizable combination of patterns, values at and beside
//! every boundary, one value set per realizable combination of entries).
//! [`search`] walks the dimensions keeping only the distinct, undominated
//! vectors of "still applying" statements, so it never enumerates the
//! product. Every choice is judged by the simulator's own evaluator, and
//! every witness is re-checked through [`crate::simulate::simulate`]
//! before it is reported. `unknown` is left for what the model does not
//! cover: an operator it does not know, a key tested by operators of
//! different types, a value that does not parse.

pub mod git;
pub mod lang;
pub mod output;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant as Clock};

use rayon::prelude::*;

use crate::catalog::{catalog, ResourceType};
use crate::conditions::evaluate;
use crate::conditions::values::{parse_date_time, parse_ip_range, Instant};
use crate::conditions::{vocabulary, Family, Quantifier};
use crate::core::date::civil_from_days;
use crate::core::Span;
use crate::model::{Effect, Element, Policy, Statement};
use crate::simulate::eval::{decide, element_applies, evaluate_policy, Decision, Request, StatementResult};
use crate::simulate::{to_host, FileStatus, PolicyFile};
use crate::wildcard::{self, fold_str, Case};
use lang::Item;

/// Product states one automaton search may visit: a bound on memory for
/// hostile input (about a hundred bytes a state), far above what policies
/// of RAM's sizes reach.
const STATE_LIMIT: usize = 2_000_000;
/// Value sets kept for one condition key: the sets of values a request
/// may carry that differ for the entries testing the key.
const SET_LIMIT: usize = 4096;

/// A statement of one side, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: String,
    /// 0-based statement index in its file.
    pub statement: usize,
    pub span: Span,
    pub line: usize,
    pub column: usize,
}

/// A request NEW allows and OLD does not, confirmed through `simulate`.
#[derive(Debug, Clone)]
pub struct NewAccess {
    /// Every action the witness holds for (same statements, same verdicts),
    /// the witness's own first.
    pub actions: Vec<String>,
    pub request: Request,
    /// `*` for an operation without resource-level authorization.
    pub evaluated_resource: String,
    pub allowed_by: Vec<Located>,
    pub old_decision: Decision,
    pub old_reason: String,
}

/// A part of the comparison that could not be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub actions: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub new_access: Vec<NewAccess>,
    pub unknown: Vec<Unknown>,
    /// Distinct actions NEW allows somewhere, all compared.
    pub actions_compared: usize,
}

impl Comparison {
    pub fn verdict(&self) -> &'static str {
        if !self.new_access.is_empty() {
            "new-access"
        } else if !self.unknown.is_empty() {
            "unknown"
        } else {
            "no-new-access"
        }
    }
}

/// Why two sides could not be compared: their documents cannot be evaluated.
#[derive(Debug, Clone)]
pub struct Unusable {
    pub side: &'static str,
    pub files: Vec<PolicyFile>,
}

/// One side's documents, as the engine read them.
struct Side<'a> {
    files: &'a [PolicyFile],
    policies: Vec<(usize, Policy<'a>)>,
}

impl<'a> Side<'a> {
    fn statements(&self) -> impl Iterator<Item = (usize, &Statement<'a>)> {
        self.policies
            .iter()
            .flat_map(|(file, policy)| policy.statements.iter().map(move |s| (*file, s)))
    }

    fn evaluate(&self, request: &Request) -> Result<Vec<StatementResult>, String> {
        let mut results = Vec::new();
        for (file, policy) in &self.policies {
            let found = evaluate_policy(*file, policy, request).map_err(|e| e.message)?;
            results.extend(found.into_iter().map(|mut r| {
                if let Some(tree) = &self.files[*file].tree {
                    to_host(&mut r, tree);
                }
                r
            }));
        }
        Ok(results)
    }
}

/// Compares the loaded policies of OLD and NEW.
pub fn compare(old: &[PolicyFile], new: &[PolicyFile]) -> Result<Comparison, Unusable> {
    compare_with_progress(old, new, None)
}

/// [`compare`], showing `progress` while it runs.
pub fn compare_with_progress(
    old: &[PolicyFile],
    new: &[PolicyFile],
    progress: Option<&Progress>,
) -> Result<Comparison, Unusable> {
    for (side, files) in [("OLD", old), ("NEW", new)] {
        if files.iter().any(|f| matches!(f.status, FileStatus::Unusable(_))) {
            return Err(Unusable {
                side,
                files: files.to_vec(),
            });
        }
    }
    // The trees the engine kept when it read the files: nothing is parsed here.
    Ok(run(&make_side(old), &make_side(new), progress))
}

fn make_side(files: &[PolicyFile]) -> Side<'_> {
    let policies = files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.status == FileStatus::Evaluated)
        .filter_map(|(i, file)| Policy::from_root(&file.tree.as_ref()?.root).map(|p| (i, p)))
        .collect();
    Side { files, policies }
}

/// The actions worth asking, one or more per class of actions no statement
/// tells apart: every catalogued operation, and one shortest action per
/// realizable combination of the Action patterns and the All Resources
/// operations, found on the language of well-formed actions ([`lang`]), so
/// an action no table names is asked whenever a pattern reaches it. Each
/// comes with the distinct Action/NotAction values (`patterns`, in order)
/// that match it.
struct Universe<'p> {
    patterns: Vec<&'p str>,
    actions: Vec<String>,
    /// Per action, the patterns that match it (indices into `patterns`).
    matched: Vec<Vec<u32>>,
}

fn action_universe<'p>(old: &Side<'p>, new: &Side<'p>) -> Result<Universe<'p>, String> {
    let catalog = catalog();
    let mut patterns: Vec<&'p str> = Vec::new();
    let mut folded: HashSet<String> = HashSet::new();
    for (_, statement) in old.statements().chain(new.statements()) {
        for value in statement.action.iter().flat_map(|e| &e.values) {
            if folded.insert(fold_str(value.value).into_owned()) {
                patterns.push(value.value);
            }
        }
    }
    patterns.sort_unstable();
    let mut actions: Vec<String> = catalog.operations().map(|op| op.action.to_string()).collect();
    let index: HashMap<&str, usize> = catalog
        .operations()
        .enumerate()
        .map(|(i, op)| (op.action, i))
        .collect();
    let mut matched: Vec<Vec<u32>> = vec![Vec::new(); actions.len()];
    // Catalogued operations through the catalogue's index (a pattern is
    // tried only on the operations its literal head allows).
    for (p, pattern) in patterns.iter().enumerate() {
        if pattern.is_ascii() {
            for op in catalog.resolve(pattern) {
                if let Some(&i) = index.get(op.action) {
                    matched[i].push(p as u32);
                }
            }
        } else {
            for (i, op) in catalog.operations().enumerate() {
                if wildcard::matches(pattern, op.action, Case::Insensitive) {
                    matched[i].push(p as u32);
                }
            }
        }
    }
    let mut seen: HashSet<String> = actions.iter().map(|a| fold_str(a).into_owned()).collect();
    let mut items = vec![Item::action_syntax(0)];
    for (i, pattern) in patterns.iter().enumerate() {
        items.push(Item::new(pattern, Case::Insensitive, true, i + 1));
    }
    let all_resources = catalog
        .operations()
        .filter(|op| op.resource_type == ResourceType::AllResources)
        .map(|op| op.action);
    items.push(Item::words(all_resources, patterns.len() + 1));
    let found = lang::signatures(&items, patterns.len() + 2, STATE_LIMIT)
        .ok_or_else(|| "the Action patterns are too many to compare exactly".to_string())?;
    for (signature, word) in found {
        if signature[0] && seen.insert(fold_str(&word).into_owned()) {
            matched.push(
                (0..patterns.len() as u32)
                    .filter(|&p| signature[p as usize + 1])
                    .collect(),
            );
            actions.push(word);
        }
    }
    Ok(Universe {
        patterns,
        actions,
        matched,
    })
}

/// For each statement, which of `patterns` its Action/NotAction values are,
/// and whether the element is negated (`None`: no such element).
fn statement_patterns(
    statements: &[(usize, &Statement<'_>)],
    patterns: &[&str],
) -> Vec<Option<(Vec<usize>, bool)>> {
    let position: HashMap<String, usize> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| (fold_str(p).into_owned(), i))
        .collect();
    statements
        .iter()
        .map(|(_, s)| {
            s.action.as_ref().map(|e| {
                let ids = e
                    .values
                    .iter()
                    .filter_map(|v| position.get(fold_str(v.value).as_ref()).copied())
                    .collect();
                (ids, e.negated)
            })
        })
        .collect()
}

/// What the search found for one group: a witness, nothing, or why it is unknown.
type Outcome = Result<Option<NewAccess>, String>;

/// A group of actions no statement tells apart: the statements of each side
/// that apply to them, and whether they are All Resources operations.
/// The statement sets are bitsets (64 statements a word): a key is built
/// and hashed for every action asked.
type GroupKey = (Vec<u64>, Vec<u64>, bool);

/// One side's Action/NotAction elements indexed by pattern: which
/// statements name each pattern in an Action, and in a NotAction.
struct ByPattern {
    statements: usize,
    plain: Vec<Vec<usize>>,
    negated: Vec<Vec<usize>>,
    /// The statements with a NotAction: they apply unless a value matches.
    with_negated: Vec<usize>,
}

impl ByPattern {
    fn new(elements: &[Option<(Vec<usize>, bool)>], patterns: usize) -> ByPattern {
        let mut by = ByPattern {
            statements: elements.len(),
            plain: vec![Vec::new(); patterns],
            negated: vec![Vec::new(); patterns],
            with_negated: Vec::new(),
        };
        for (s, element) in elements.iter().enumerate() {
            let Some((ids, negated)) = element else { continue };
            if *negated {
                by.with_negated.push(s);
            }
            for &p in ids {
                let list = if *negated {
                    &mut by.negated[p]
                } else {
                    &mut by.plain[p]
                };
                if list.last() != Some(&s) {
                    list.push(s);
                }
            }
        }
        by
    }

    /// The statements that apply to an action `matched` patterns match, as
    /// a bitset; work in proportion to what matches, not to the side.
    fn applying(&self, matched: &[u32]) -> Vec<u64> {
        let mut bits = vec![0u64; self.statements.div_ceil(64)];
        for &s in &self.with_negated {
            bits[s / 64] |= 1 << (s % 64);
        }
        for &p in matched {
            for &s in &self.negated[p as usize] {
                bits[s / 64] &= !(1 << (s % 64));
            }
        }
        for &p in matched {
            for &s in &self.plain[p as usize] {
                bits[s / 64] |= 1 << (s % 64);
            }
        }
        bits
    }
}

fn is_set(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

fn run(old: &Side<'_>, new: &Side<'_>, progress: Option<&Progress>) -> Comparison {
    let universe = match action_universe(old, new) {
        Ok(universe) => universe,
        Err(reason) => {
            return Comparison {
                new_access: Vec::new(),
                unknown: vec![Unknown {
                    actions: Vec::new(),
                    reason,
                }],
                actions_compared: 0,
            }
        }
    };
    let old_statements: Vec<(usize, &Statement<'_>)> = old.statements().collect();
    let new_statements: Vec<(usize, &Statement<'_>)> = new.statements().collect();
    let new_patterns = statement_patterns(&new_statements, &universe.patterns);
    let old_patterns = statement_patterns(&old_statements, &universe.patterns);
    let new_by = ByPattern::new(&new_patterns, universe.patterns.len());
    let old_by = ByPattern::new(&old_patterns, universe.patterns.len());
    // An action no pattern matches is allowed only through a NotAction.
    let negated_allow = new_patterns
        .iter()
        .zip(&new_statements)
        .any(|(e, (_, s))| s.is_allow() && e.as_ref().is_some_and(|(_, negated)| *negated));
    let mut groups: HashMap<GroupKey, Vec<String>> = HashMap::new();
    let mut order: Vec<GroupKey> = Vec::new();
    for (action, matched) in universe.actions.into_iter().zip(&universe.matched) {
        if !negated_allow && matched.is_empty() {
            continue;
        }
        let on_new = new_by.applying(matched);
        let allowed = new_statements
            .iter()
            .enumerate()
            .any(|(i, (_, s))| is_set(&on_new, i) && s.is_allow());
        if !allowed {
            continue;
        }
        let on_old = old_by.applying(matched);
        let all_resources = catalog()
            .lookup(&action)
            .is_some_and(|op| op.resource_type == ResourceType::AllResources);
        let key = (on_new, on_old, all_resources);
        match groups.get_mut(&key) {
            Some(list) => list.push(action),
            None => {
                order.push(key.clone());
                groups.insert(key, vec![action]);
            }
        }
    }
    let actions_compared = groups.values().map(Vec::len).sum();
    let jobs: Vec<(GroupKey, Vec<String>)> = order
        .into_iter()
        .map(|key| {
            let actions = groups.remove(&key).unwrap_or_default();
            (key, actions)
        })
        .collect();
    if let Some(progress) = progress {
        progress.total.store(jobs.len(), Ordering::Relaxed);
    }
    // Groups are independent: compared in parallel, reported in order.
    let outcomes: Vec<(Vec<String>, Outcome)> = jobs
        .into_par_iter()
        .map(|((on_new, on_old, all_resources), actions)| {
            let pick = |list: &[(usize, &'_ Statement<'_>)], on: &[u64]| -> Vec<usize> {
                (0..list.len()).filter(|&i| is_set(on, i)).collect()
            };
            let relevant = Relevant {
                new: pick(&new_statements, &on_new)
                    .into_iter()
                    .map(|i| new_statements[i].1)
                    .collect(),
                old: pick(&old_statements, &on_old)
                    .into_iter()
                    .map(|i| old_statements[i].1)
                    .collect(),
            };
            let outcome = search(old, new, &actions, &relevant, all_resources);
            if let Some(progress) = progress {
                progress.tick();
            }
            (actions, outcome)
        })
        .collect();
    if let Some(progress) = progress {
        progress.finish();
    }
    let mut comparison = Comparison {
        new_access: Vec::new(),
        unknown: Vec::new(),
        actions_compared,
    };
    for (actions, outcome) in outcomes {
        match outcome {
            Ok(Some(found)) => comparison.new_access.push(found),
            Ok(None) => {}
            Err(reason) => comparison.unknown.push(Unknown { actions, reason }),
        }
    }
    comparison
}

/// A progress line on a terminal for comparisons that take more than a
/// second: on standard error, only when it is a terminal.
pub struct Progress {
    started: Clock,
    total: AtomicUsize,
    done: AtomicUsize,
    shown: AtomicBool,
    last: Mutex<Clock>,
}

impl Progress {
    /// A progress line, when standard error is a terminal.
    pub fn on_terminal() -> Option<Progress> {
        use std::io::IsTerminal;
        std::io::stderr().is_terminal().then(|| Progress {
            started: Clock::now(),
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            shown: AtomicBool::new(false),
            last: Mutex::new(Clock::now()),
        })
    }

    fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if self.shown.load(Ordering::Relaxed) && last.elapsed() < Duration::from_millis(200) {
            return;
        }
        *last = Clock::now();
        self.shown.store(true, Ordering::Relaxed);
        eprint!(
            "\rpolicy-check diff: compared {done} of {} action groups",
            self.total.load(Ordering::Relaxed)
        );
    }

    fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) {
            eprint!("\r\x1b[K");
        }
    }
}

/// The statements of each side that apply to a group's actions.
struct Relevant<'s, 'a> {
    new: Vec<&'s Statement<'a>>,
    old: Vec<&'s Statement<'a>>,
}

/// The resources worth asking for `statements`: one per realizable
/// combination of their Resource patterns, and `*` itself.
fn resource_candidates(statements: &[&Statement<'_>], all_resources: bool) -> Result<Vec<String>, String> {
    if all_resources {
        return Ok(vec!["*".to_string()]);
    }
    let mut items = Vec::new();
    for (group, statement) in statements.iter().enumerate() {
        for value in statement.resource.iter().flat_map(|e: &Element<'_>| &e.values) {
            items.push(Item::new(value.value, Case::Sensitive, true, group));
        }
    }
    // A last group for "not empty": no request names an empty resource.
    items.push(Item::new("?*", Case::Sensitive, true, statements.len()));
    let found = lang::signatures(&items, statements.len() + 1, STATE_LIMIT)
        .ok_or_else(|| "the resource patterns are too many to compare exactly".to_string())?;
    // The words hold no `*` (no pattern names one literally), so `*`,
    // which only a value of stars grants, is asked on its own.
    let mut resources: Vec<String> = found
        .into_iter()
        .filter(|(signature, _)| signature[statements.len()])
        .map(|(_, word)| word)
        .collect();
    resources.push("*".to_string());
    Ok(resources)
}

/// One condition entry of the statements in play, for one key.
#[derive(Clone)]
struct Entry<'a> {
    operator: &'a str,
    values: Vec<&'a str>,
    negated: bool,
}

/// The value sets worth asking for one key (`None`: the key absent).
/// `most` is the most entries one statement has on the key; `want[e]`
/// says whether entry `e`'s statement helps new access by applying.
fn context_candidates(
    key: &str,
    entries: &[Entry<'_>],
    most: usize,
    want: &[bool],
) -> Result<Vec<Option<Vec<String>>>, String> {
    let singles = single_values(key, entries)?;
    // What one value does to each entry, before negation; a value set's
    // verdicts follow from the OR and the AND of its members' vectors.
    let mut singles_by_vector: Vec<(Vec<bool>, String)> = Vec::new();
    for value in singles {
        let mut vector = Vec::new();
        for entry in entries {
            let outcome = evaluate(entry.operator, key, &entry.values, Some(&[value.as_str()]))
                .map_err(|e| format!("`{key}`: {e}"))?;
            vector.push(outcome.holds != entry.negated);
        }
        if !singles_by_vector.iter().any(|(v, _)| *v == vector) {
            singles_by_vector.push((vector, value));
        }
    }
    // When every entry holds as soon as some value satisfies it (a positive
    // operator, or `ForAnyValue:`), more values only make more entries
    // hold: a witness keeps one value per entry of the NEW Allow and the
    // OLD Deny it needs, and dropping the rest switches nothing on. So
    // sets of at most twice the most entries one statement has on the key
    // are enough. Otherwise every set is built.
    let any_style = entries.iter().all(|entry| {
        vocabulary()
            .parse_operator(entry.operator)
            .is_some_and(|p| match p.qualifier.map(|q| q.quantifier) {
                Some(Quantifier::Any) => true,
                Some(Quantifier::All) => false,
                None => !p.operator.negated,
            })
    });
    let bound = if any_style { 2 * most } else { usize::MAX };
    // How each entry's verdict follows from a set's vectors: from the OR
    // (some value matches) or the AND (every value matches), inverted or
    // not. Adding a value moves both monotonically, so a set whose verdicts
    // are at least as good for every entry (`want`: the entry's statement
    // helps by applying) stays so after any addition: a dominated set is
    // dropped. With the size bound above this is not used: a dominating
    // set may be larger.
    let readings: Vec<(bool, bool)> = entries
        .iter()
        .map(|entry| {
            vocabulary()
                .parse_operator(entry.operator)
                .map_or((true, false), |p| {
                    match (p.qualifier.map(|q| q.quantifier), p.operator.negated) {
                        (None, negated) => (true, negated),
                        (Some(Quantifier::Any), false) => (true, false),
                        (Some(Quantifier::Any), true) => (false, true),
                        (Some(Quantifier::All), false) => (false, false),
                        (Some(Quantifier::All), true) => (true, true),
                    }
                })
        })
        .collect();
    let verdict = |or: &[bool], and: &[bool], e: usize| {
        let (from_or, inverted) = readings[e];
        (if from_or { or[e] } else { and[e] }) != inverted
    };
    let dominated = |kept: &[(Vec<bool>, Vec<bool>, Vec<String>)], or: &[bool], and: &[bool]| {
        bound == usize::MAX
            && kept.iter().any(|(o, a, _)| {
                (0..entries.len()).all(|e| {
                    let (x, y) = (verdict(o, a, e), verdict(or, and, e));
                    if want[e] {
                        x || !y
                    } else {
                        !x || y
                    }
                })
            })
    };
    // Sets grow one value at a time, smallest first, so each distinct pair
    // of vectors is kept with a smallest set realizing it.
    let mut seen: HashSet<(Vec<bool>, Vec<bool>)> = HashSet::new();
    let mut sets: Vec<(Vec<bool>, Vec<bool>, Vec<String>)> = Vec::new();
    for (vector, value) in &singles_by_vector {
        seen.insert((vector.clone(), vector.clone()));
        sets.push((vector.clone(), vector.clone(), vec![value.clone()]));
    }
    let mut level = 0..sets.len();
    let mut size = 1;
    while size < bound && !level.is_empty() {
        let start = sets.len();
        for i in level.clone() {
            for (vector, value) in &singles_by_vector {
                let or: Vec<bool> = sets[i].0.iter().zip(vector).map(|(a, b)| *a || *b).collect();
                let and: Vec<bool> = sets[i].1.iter().zip(vector).map(|(a, b)| *a && *b).collect();
                if seen.insert((or.clone(), and.clone())) && !dominated(&sets, &or, &and) {
                    if sets.len() >= SET_LIMIT {
                        return Err(format!(
                            "the value sets of `{key}` are too many to compare exactly"
                        ));
                    }
                    let mut values = sets[i].2.clone();
                    values.push(value.clone());
                    sets.push((or, and, values));
                }
            }
        }
        level = start..sets.len();
        size += 1;
    }
    let mut candidates = vec![None];
    candidates.extend(sets.into_iter().map(|(_, _, values)| Some(values)));
    Ok(candidates)
}

/// The single values worth asking for one key: one per realizable
/// combination of its string patterns, the boundaries of its numbers, dates
/// and addresses (and the values beside them), or both booleans.
fn single_values(key: &str, entries: &[Entry<'_>]) -> Result<Vec<String>, String> {
    let mut families = Vec::new();
    for entry in entries {
        let parsed = vocabulary()
            .parse_operator(entry.operator)
            .ok_or_else(|| format!("`{}` is not a condition operator diff models", entry.operator))?;
        if !families.contains(&parsed.operator.family) {
            families.push(parsed.operator.family);
        }
    }
    if families.len() > 1 {
        return Err(format!("`{key}` is tested by operators of different types"));
    }
    let singles: Vec<String> = match families.first() {
        None => Vec::new(),
        Some(Family::Bool) => vec!["true".into(), "false".into()],
        Some(Family::String) => {
            let mut items = Vec::new();
            for (group, entry) in entries.iter().enumerate() {
                let op = vocabulary().parse_operator(entry.operator).map(|p| p.operator);
                let (case, wild) = op.map_or((Case::Sensitive, false), |op| {
                    let case = if op.ignore_case {
                        Case::Insensitive
                    } else {
                        Case::Sensitive
                    };
                    (case, op.wildcards)
                });
                for value in &entry.values {
                    items.push(Item::new(value, case, wild, group));
                }
            }
            lang::signatures(&items, entries.len(), STATE_LIMIT)
                .ok_or_else(|| format!("the values of `{key}` are too many to compare exactly"))?
                .into_iter()
                .map(|(_, word)| word)
                .collect()
        }
        Some(Family::Numeric) => numeric_candidates(entries.iter().flat_map(|e| e.values.iter().copied()))
            .ok_or_else(|| format!("a number tested on `{key}` is not plain decimal notation"))?,
        Some(Family::Date) => date_candidates(entries.iter().flat_map(|e| e.values.iter().copied()))
            .ok_or_else(|| format!("a date tested on `{key}` does not parse"))?,
        Some(Family::Ip) => ip_candidates(entries.iter().flat_map(|e| e.values.iter().copied()))
            .ok_or_else(|| format!("an address tested on `{key}` does not parse"))?,
    };
    Ok(singles)
}

/// A plain decimal as an integer at `scale` digits after the point.
fn plain_decimal(text: &str) -> Option<(i128, u32)> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !ok(whole)
        || !ok(fraction)
        || (digits.contains('.') && fraction.is_empty())
        || digits.len() > 30
    {
        return None;
    }
    let value: i128 = format!("{whole}{fraction}").parse().ok()?;
    Some((if negative { -value } else { value }, fraction.len() as u32))
}

fn format_decimal(value: i128, scale: u32) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let digits = format!("{:0>width$}", value.unsigned_abs(), width = scale as usize + 1);
    let (whole, fraction) = digits.split_at(digits.len() - scale as usize);
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// Every boundary and a value just beside it on each side: between two
/// boundaries every value compares alike.
fn numeric_candidates<'a>(values: impl Iterator<Item = &'a str>) -> Option<Vec<String>> {
    let parsed: Vec<(i128, u32)> = values.map(plain_decimal).collect::<Option<_>>()?;
    let scale = parsed.iter().map(|(_, s)| *s).max().unwrap_or(0) + 1;
    let mut out = vec!["0".to_string()];
    for (value, s) in parsed {
        let at = value.checked_mul(10i128.checked_pow(scale - s)?)?;
        for v in [at - 1, at, at + 1] {
            out.push(format_decimal(v, scale));
        }
    }
    Some(out)
}

fn date_candidates<'a>(values: impl Iterator<Item = &'a str>) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for value in values {
        let instant = parse_date_time(value).ok()?;
        let total = i128::from(instant.seconds) * 1_000_000_000 + i128::from(instant.nanos);
        for t in [total - 1, total, total + 1] {
            out.push(format_instant(t)?);
        }
    }
    if out.is_empty() {
        out.push("2026-01-01T00:00:00Z".to_string());
    }
    Some(out)
}

/// `YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ` for nanoseconds since the epoch.
fn format_instant(nanos: i128) -> Option<String> {
    let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
    let fraction = nanos.rem_euclid(1_000_000_000);
    let rest = seconds.rem_euclid(86_400);
    // The one calendar (core/date.rs), as the evaluator's own parser uses.
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    if !(0..=9999).contains(&year) {
        return None;
    }
    let text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:09}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    );
    // The evaluator is the judge: a value it reads differently is useless.
    let back = parse_date_time(&text).ok()?;
    (back
        == Instant {
            seconds,
            nanos: fraction as u32,
        })
    .then_some(text)
}

/// The first and last address of every block, and the addresses just
/// outside them, for both families: membership changes only there.
fn ip_candidates<'a>(values: impl Iterator<Item = &'a str>) -> Option<Vec<String>> {
    let mut v4: Vec<u32> = vec![0];
    let mut v6: Vec<u128> = vec![0];
    for value in values {
        let range = parse_ip_range(value).ok()?;
        match range.address {
            IpAddr::V4(a) => {
                let host = 32 - u32::from(range.prefix.min(32));
                let mask = u32::MAX.checked_shl(host).unwrap_or(0);
                let start = u32::from(a) & mask;
                let end = start | !mask;
                v4.extend(
                    [Some(start), Some(end), start.checked_sub(1), end.checked_add(1)]
                        .into_iter()
                        .flatten(),
                );
            }
            IpAddr::V6(a) => {
                let host = 128 - u32::from(range.prefix.min(128));
                let mask = u128::MAX.checked_shl(host).unwrap_or(0);
                let start = u128::from(a) & mask;
                let end = start | !mask;
                v6.extend(
                    [Some(start), Some(end), start.checked_sub(1), end.checked_add(1)]
                        .into_iter()
                        .flatten(),
                );
            }
        }
    }
    v4.sort_unstable();
    v4.dedup();
    v6.sort_unstable();
    v6.dedup();
    let mut out: Vec<String> = v4.into_iter().map(|a| Ipv4Addr::from(a).to_string()).collect();
    out.extend(v6.into_iter().map(|a| Ipv6Addr::from(a).to_string()));
    Some(out)
}

/// One dimension of a request (its resource, or one condition key's
/// values): each choice with which relevant statements it lets through.
struct Dimension {
    key: Option<String>,
    choices: Vec<(Vec<bool>, Choice)>,
}

#[derive(Clone)]
enum Choice {
    Resource(String),
    Values(Option<Vec<String>>),
}

/// Whether vector `a` is at least as good as `b` for finding new access:
/// every statement whose applying helps (`wanted`) applies in `a` if in
/// `b`, and every other applies in `a` only if in `b`. Applying only ever
/// gets narrower as dimensions are added, so a dominated vector can be
/// dropped without losing an answer.
fn dominates(a: &[bool], b: &[bool], wanted: &[bool]) -> bool {
    a.iter()
        .zip(b)
        .zip(wanted)
        .all(|((&a, &b), &w)| if w { a || !b } else { !a || b })
}

/// The vectors no other one dominates, each with its choices.
fn pareto<T>(items: Vec<(Vec<bool>, T)>, wanted: &[bool]) -> Vec<(Vec<bool>, T)> {
    let mut kept: Vec<(Vec<bool>, T)> = Vec::new();
    for (vector, payload) in items {
        if kept.iter().any(|(k, _)| dominates(k, &vector, wanted)) {
            continue;
        }
        kept.retain(|(k, _)| !dominates(&vector, k, wanted));
        kept.push((vector, payload));
    }
    kept
}

/// Decides one group of actions. A request is a point in a product of
/// independent dimensions (the resource, each condition key), and a
/// statement applies when every dimension lets it through; so the search
/// runs over dimensions, keeping for each reachable vector of "still
/// applying" statements one way to reach it, and only the vectors no other
/// one dominates. Nothing is enumerated as a combination: the work is the
/// number of distinct vectors, not the product of the choices.
fn search(
    old: &Side<'_>,
    new: &Side<'_>,
    actions: &[String],
    relevant: &Relevant<'_, '_>,
    all_resources: bool,
) -> Result<Option<NewAccess>, String> {
    if unchanged(relevant) {
        return Ok(None);
    }
    let statements: Vec<&Statement<'_>> = relevant.new.iter().chain(&relevant.old).copied().collect();
    let new_count = relevant.new.len();
    // Applying helps for NEW's Allows and OLD's Denies.
    let wanted: Vec<bool> = statements
        .iter()
        .enumerate()
        .map(|(i, s)| (i < new_count) == s.is_allow())
        .collect();
    let mut dimensions = Vec::new();
    let resources = resource_candidates(&statements, all_resources)?;
    let choices = resources
        .into_iter()
        .map(|r| {
            let vector = statements
                .iter()
                .map(|s| element_applies(s.resource.as_ref(), true, &r))
                .collect();
            (vector, Choice::Resource(r))
        })
        .collect();
    dimensions.push(Dimension {
        key: None,
        choices: pareto(choices, &wanted),
    });
    for (key, entries) in condition_keys(&statements) {
        let flat: Vec<Entry<'_>> = entries.iter().map(|(_, e)| e.clone()).collect();
        let mut choices = Vec::new();
        let most = (0..statements.len())
            .map(|s| entries.iter().filter(|(t, _)| *t == s).count())
            .max()
            .unwrap_or(0);
        let want: Vec<bool> = entries.iter().map(|(s, _)| wanted[*s]).collect();
        for candidate in context_candidates(&key, &flat, most, &want)? {
            let mut vector = vec![true; statements.len()];
            for (s, entry) in &entries {
                let holds = evaluate(entry.operator, &key, &entry.values, candidate.as_deref())
                    .map_err(|e| format!("`{key}`: {e}"))?
                    .holds;
                vector[*s] &= holds;
            }
            choices.push((vector, Choice::Values(candidate)));
        }
        dimensions.push(Dimension {
            key: Some(key),
            choices: pareto(choices, &wanted),
        });
    }
    let new_allows = |v: &[bool]| (0..new_count).any(|i| v[i] && statements[i].is_allow());
    let mut reached: Vec<(Vec<bool>, Vec<usize>)> = vec![(vec![true; statements.len()], Vec::new())];
    for dimension in &dimensions {
        let mut next = Vec::new();
        for (vector, path) in &reached {
            for (c, (choice, _)) in dimension.choices.iter().enumerate() {
                let both: Vec<bool> = vector.iter().zip(choice).map(|(a, b)| *a && *b).collect();
                if !new_allows(&both) {
                    continue;
                }
                let mut longer = path.clone();
                longer.push(c);
                next.push((both, longer));
            }
        }
        next.sort_by(|a, b| a.0.cmp(&b.0));
        next.dedup_by(|a, b| a.0 == b.0);
        reached = pareto(next, &wanted);
    }
    let goal = |v: &[bool]| {
        let applies = |range: std::ops::Range<usize>, allow: bool| {
            range
                .into_iter()
                .any(|i| v[i] && statements[i].is_allow() == allow)
        };
        applies(0..new_count, true)
            && !applies(0..new_count, false)
            && (!applies(new_count..statements.len(), true) || applies(new_count..statements.len(), false))
    };
    let Some((_, path)) = reached.iter().find(|(v, _)| goal(v)) else {
        return Ok(None);
    };
    let mut request = Request {
        action: actions[0].clone(),
        resource: "*".to_string(),
        context: Vec::new(),
    };
    for (dimension, &c) in dimensions.iter().zip(path) {
        match (&dimension.key, &dimension.choices[c].1) {
            (None, Choice::Resource(r)) => request.resource = r.clone(),
            (Some(key), Choice::Values(Some(values))) => request.context.push((key.clone(), values.clone())),
            _ => {}
        }
    }
    // Reasons are given for every statement, as `simulate` gives them.
    let new_results = new.evaluate(&request)?;
    let old_results = old.evaluate(&request)?;
    let old_decision = decide(&old_results);
    if decide(&new_results) != Decision::Allow || old_decision == Decision::Allow {
        return Err("the search and the evaluator disagree on a request (a bug: please report it)".into());
    }
    confirm(
        old,
        new,
        actions,
        request,
        &new_results,
        &old_results,
        old_decision,
    )
    .map(Some)
}

/// What a statement says about a request once its Action applies: its
/// effect, Resource element and conditions, as written (keys folded as the
/// context folds them), in a canonical order.
type Body<'a> = (
    bool,
    Option<(bool, Vec<&'a str>)>,
    Vec<(&'a str, String, Vec<&'a str>)>,
);

fn body<'a>(statement: &Statement<'a>) -> Body<'a> {
    let resource = statement.resource.as_ref().map(|e| {
        let mut values: Vec<&str> = e.values.iter().map(|v| v.value).collect();
        values.sort_unstable();
        values.dedup();
        (e.negated, values)
    });
    let mut conditions: Vec<(&str, String, Vec<&str>)> = statement
        .condition
        .iter()
        .flat_map(|block| {
            block.entries.iter().map(|entry| {
                let mut values: Vec<&str> = entry.values.iter().map(|v| v.value).collect();
                values.sort_unstable();
                values.dedup();
                (block.operator.value, entry.key.value.to_ascii_lowercase(), values)
            })
        })
        .collect();
    conditions.sort();
    (statement.is_allow(), resource, conditions)
}

/// A proof of "no new access" that needs no search: every NEW Allow in play
/// is also an OLD Allow, and every OLD Deny also a NEW Deny (same
/// Resource and conditions, the Action applying on both sides). Then any
/// request NEW allows has its OLD twin applying and no OLD Deny applying
/// (its NEW twin would deny it): OLD allows it too. This decides reordered
/// and repeated statements at once, however many keys they share.
fn unchanged(relevant: &Relevant<'_, '_>) -> bool {
    if relevant
        .new
        .iter()
        .chain(&relevant.old)
        .any(|s| !s.condition_complete)
    {
        return false;
    }
    let old: HashSet<Body<'_>> = relevant.old.iter().map(|s| body(s)).collect();
    let new: HashSet<Body<'_>> = relevant.new.iter().map(|s| body(s)).collect();
    let allows = new.iter().filter(|b| b.0).all(|b| old.contains(b));
    let denies = old.iter().filter(|b| !b.0).all(|b| new.contains(b));
    allows && denies
}

/// The condition keys the statements test (keys compared ignoring case, as
/// the request context does), each with its entries and their statements.
fn condition_keys<'a>(statements: &[&Statement<'a>]) -> Vec<(String, Vec<(usize, Entry<'a>)>)> {
    let mut keys: Vec<(String, Vec<(usize, Entry<'a>)>)> = Vec::new();
    for (s, statement) in statements.iter().enumerate() {
        for block in &statement.condition {
            let negated = vocabulary()
                .parse_operator(block.operator.value)
                .is_some_and(|p| p.operator.negated);
            for entry in &block.entries {
                let e = Entry {
                    operator: block.operator.value,
                    values: entry.values.iter().map(|v| v.value).collect(),
                    negated,
                };
                match keys
                    .iter_mut()
                    .find(|(k, _)| k.eq_ignore_ascii_case(entry.key.value))
                {
                    Some((_, list)) => list.push((s, e)),
                    None => keys.push((entry.key.value.to_string(), vec![(s, e)])),
                }
            }
        }
    }
    keys
}

/// Re-checks a witness through `simulate` on both sides and words it.
fn confirm(
    old: &Side<'_>,
    new: &Side<'_>,
    actions: &[String],
    request: Request,
    new_results: &[StatementResult],
    old_results: &[StatementResult],
    old_decision: Decision,
) -> Result<NewAccess, String> {
    // The witness's own action end to end, through `simulate` as a user
    // replays it (files loaded again).
    let on_new = crate::simulate::simulate(request.clone(), new.files.to_vec(), None);
    let on_old = crate::simulate::simulate(request.clone(), old.files.to_vec(), None);
    match (on_new, on_old) {
        (Ok(n), Ok(o)) if n.decision == Decision::Allow && o.decision != Decision::Allow => {}
        _ => return Err("a witness was found but `simulate` did not confirm it".to_string()),
    }
    // The rest of the group share every statement's verdict with it by
    // construction (the same statements apply, the same resource rule);
    // tests/diff_differential.rs replays each of them through `simulate`.
    let confirmed = actions.to_vec();
    let allowed_by = new_results
        .iter()
        .filter(|r| r.applies && r.effect == Effect::Allow)
        .map(|r| locate(&new.files[r.file], r))
        .collect();
    let old_reason = match old_decision {
        Decision::ExplicitDeny => old_results
            .iter()
            .filter(|r| r.applies && r.effect == Effect::Deny)
            .map(|r| format!("{} statement {} denies it", old.files[r.file].name, r.index))
            .collect::<Vec<_>>()
            .join("; "),
        _ => {
            let reasons: Vec<String> = old_results
                .iter()
                .filter(|r| r.effect == Effect::Allow)
                .map(|r| format!("{} statement {}: {}", old.files[r.file].name, r.index, r.reason))
                .collect();
            if reasons.is_empty() {
                "no Allow statement".to_string()
            } else {
                format!("no Allow statement applies ({})", reasons.join("; "))
            }
        }
    };
    let evaluated_resource = crate::simulate::evaluated_resource(&request);
    Ok(NewAccess {
        actions: confirmed,
        request,
        evaluated_resource,
        allowed_by,
        old_decision,
        old_reason,
    })
}

fn locate(file: &PolicyFile, result: &StatementResult) -> Located {
    let index = crate::core::LineIndex::new(&file.text);
    let at = index.line_column(&file.text, result.span.start);
    Located {
        file: file.name.clone(),
        statement: result.index,
        span: result.span,
        line: at.line,
        column: at.column,
    }
}

/// Arguments of `policy-check diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// OLD then NEW: the policies before and after (each a file or a
    /// directory); with --reference, NEW alone; with --base, the paths to
    /// compare with themselves at that revision
    #[arg(value_name = "OLD NEW", required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// A policy NEW may never grant beyond: compared as OLD
    #[arg(long, value_name = "ALLOWLIST", conflicts_with = "base")]
    pub reference: Option<PathBuf>,
    /// Compare the paths in the working tree (NEW) with the same paths at
    /// this git revision (OLD), such as a pull request's base branch
    #[arg(long, value_name = "GIT-REV")]
    pub base: Option<String>,
    /// Output format: each new access with its witness request, then the verdict; or one
    /// JSON document (shape in docs/diff.md)
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::DocumentFormat,
}

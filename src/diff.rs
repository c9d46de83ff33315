//! `policy-check diff OLD NEW`: decides offline whether NEW's identity
//! policies allow any request OLD's do not, and finds a witness request when
//! they do ([`compare`]); the reports live in [`output`].
//!
//! The decision is exact by construction (docs/design/diff.md). Actions are
//! a language, not a list: they are split into classes no statement tells
//! apart, over every well-formed action, catalogued or not ([`lang`]). For
//! one class, a request is a resource and a set of values per condition
//! key, and each has finitely many choices that differ for the statements
//! in play (one resource per realizable combination of patterns, one value
//! class per realizable combination of a key's entries). [`search`] asks
//! one satisfiability question over those choices (`sat`), so nothing is
//! enumerated or capped. Every choice is judged by the simulator's own
//! evaluator, and every witness is re-checked through
//! [`crate::simulate::simulate`] before it is reported. `unknown` is left
//! for what the model does not cover: an operator it does not know, a key
//! tested by operators of different types, a value that does not parse (and
//! one memory bound on the automata, see the design page).

pub mod git;
pub mod lang;
pub mod output;
mod sat;

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
use sat::{Lit, Solver};

/// Product states one automaton search may visit: a bound on memory for
/// hostile input (about a hundred bytes a state), far above what policies
/// of RAM's sizes reach.
const STATE_LIMIT: usize = 2_000_000;

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
    /// Per action, the patterns that match it (indices into `patterns`;
    /// for an action the search found, one per class of interchangeable
    /// patterns, which tells the same statements apart).
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
    // Patterns that appear in the same statements (same side, same
    // element kind) are interchangeable: an action's verdicts depend only
    // on whether any of them matches. So each such class is one group of
    // the search, and the realizable combinations are counted over
    // classes, not patterns (16 patterns of one statement give two, not
    // 65,536).
    let position: HashMap<String, usize> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| (fold_str(p).into_owned(), i))
        .collect();
    let mut membership: Vec<Vec<(bool, usize, bool)>> = vec![Vec::new(); patterns.len()];
    for (side, statements) in [(false, old), (true, new)] {
        for (s, (_, statement)) in statements.statements().enumerate() {
            let Some(element) = &statement.action else {
                continue;
            };
            for value in &element.values {
                let entry = (side, s, element.negated);
                let list = &mut membership[position[fold_str(value.value).as_ref()]];
                if list.last() != Some(&entry) {
                    list.push(entry);
                }
            }
        }
    }
    let mut classes: HashMap<&[(bool, usize, bool)], usize> = HashMap::new();
    // Per class, one of its patterns: it matches what any of them would
    // tell apart.
    let mut representative: Vec<u32> = Vec::new();
    let class_of: Vec<usize> = membership
        .iter()
        .enumerate()
        .map(|(p, key)| {
            *classes.entry(key.as_slice()).or_insert_with(|| {
                representative.push(p as u32);
                representative.len() - 1
            })
        })
        .collect();
    let mut items = vec![Item::action_syntax(0)];
    for (pattern, class) in patterns.iter().zip(&class_of) {
        items.push(Item::new(pattern, Case::Insensitive, true, class + 1));
    }
    let all_resources = catalog
        .operations()
        .filter(|op| op.resource_type == ResourceType::AllResources)
        .map(|op| op.action);
    let groups = representative.len();
    items.push(Item::words(all_resources, groups + 1));
    let found = lang::signatures(&items, groups + 2, STATE_LIMIT)
        .ok_or_else(|| "the Action patterns are too many to compare exactly".to_string())?;
    for (signature, word) in found {
        if signature[0] && seen.insert(fold_str(&word).into_owned()) {
            matched.push(
                (0..groups)
                    .filter(|&c| signature[c + 1])
                    .map(|c| representative[c])
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
/// second: on standard error, only when it is a terminal outside CI, as
/// the linter's bar (`POLICY_CHECK_PROGRESS_DELAY_MS` sets the delay, for
/// tests).
pub struct Progress {
    started: Clock,
    delay: Duration,
    total: AtomicUsize,
    done: AtomicUsize,
    shown: AtomicBool,
    last: Mutex<Clock>,
}

impl Progress {
    /// A progress line, when standard error is a terminal outside CI.
    pub fn on_terminal() -> Option<Progress> {
        crate::progress::on_terminal().map(|delay| Progress {
            started: Clock::now(),
            delay,
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            shown: AtomicBool::new(false),
            last: Mutex::new(Clock::now()),
        })
    }

    fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.started.elapsed() < self.delay {
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

/// The resource a request names, as atoms: one per candidate (at least
/// one chosen; each one chosen fixes every statement's Resource verdict,
/// so two chosen at once agree and either reads back as the request's).
/// Adds each statement's Resource verdict to what it `needs`; returns
/// each atom with its resource.
fn encode_resources(
    sat: &mut Solver,
    statements: &[&Statement<'_>],
    all_resources: bool,
    needs: &mut [Vec<Lit>],
) -> Result<Vec<(Lit, String)>, String> {
    let mut resources: Vec<(Vec<bool>, String)> = Vec::new();
    for r in resource_candidates(statements, all_resources)? {
        let vector: Vec<bool> = statements
            .iter()
            .map(|s| element_applies(s.resource.as_ref(), true, &r))
            .collect();
        if !resources.iter().any(|(v, _)| *v == vector) {
            resources.push((vector, r));
        }
    }
    let chosen: Vec<Lit> = resources.iter().map(|_| sat.var()).collect();
    sat.clause(&chosen);
    for (s, need) in needs.iter_mut().enumerate() {
        if resources.iter().all(|(v, _)| v[s]) {
            continue;
        }
        let on = sat.var();
        need.push(on);
        for ((vector, _), &z) in resources.iter().zip(&chosen) {
            sat.clause(&[!z, if vector[s] { on } else { !on }]);
        }
    }
    Ok(chosen
        .into_iter()
        .zip(resources.into_iter().map(|(_, r)| r))
        .collect())
}

/// One condition key as atoms: whether it is present, and which classes
/// of values it carries (values with the same verdict on every entry of
/// the key are one class). Each entry's verdict joins what its statement
/// `needs`: on a non-empty set it follows from its verdict on each value
/// as the evaluator reads a set (every value must satisfy a
/// `ForAllValues:` or unqualified negated operator, some value the
/// others); on an absent key it is the evaluator's own constant.
fn encode_key(
    sat: &mut Solver,
    key: String,
    entries: &[(usize, Entry<'_>)],
    needs: &mut [Vec<Lit>],
) -> Result<KeyAtoms, String> {
    let flat: Vec<Entry<'_>> = entries.iter().map(|(_, e)| e.clone()).collect();
    let mut classes: Vec<(Vec<bool>, String)> = Vec::new();
    for value in single_values(&key, &flat)? {
        let mut vector = Vec::new();
        for entry in &flat {
            let holds = evaluate(entry.operator, &key, &entry.values, Some(&[value.as_str()]))
                .map_err(|e| format!("`{key}`: {e}"))?
                .holds;
            vector.push(holds);
        }
        if !classes.iter().any(|(v, _)| *v == vector) {
            classes.push((vector, value));
        }
    }
    let carried: Vec<Lit> = classes.iter().map(|_| sat.var()).collect();
    let present = sat.var();
    let mut some = vec![!present];
    some.extend(&carried);
    sat.clause(&some);
    for &c in &carried {
        sat.clause(&[!c, present]);
    }
    for (e, (s, entry)) in entries.iter().enumerate() {
        let absent = evaluate(entry.operator, &key, &entry.values, None::<&[&str]>)
            .map_err(|e| format!("`{key}`: {e}"))?
            .holds;
        let parsed = vocabulary()
            .parse_operator(entry.operator)
            .ok_or_else(|| format!("`{}` is not a condition operator diff models", entry.operator))?;
        let every = match parsed.qualifier.map(|q| q.quantifier) {
            Some(Quantifier::All) => true,
            Some(Quantifier::Any) => false,
            None => parsed.operator.negated,
        };
        // The classes that decide: a failing one for "every value", a
        // satisfying one for "some value".
        let deciding: Vec<Lit> = classes
            .iter()
            .zip(&carried)
            .filter(|((vector, _), _)| vector[e] != every)
            .map(|(_, &c)| c)
            .collect();
        let aggregate = sat.var();
        // `any` <=> one of them carried: the verdict for "some value", its
        // negation for "every value".
        let any = if every { !aggregate } else { aggregate };
        let mut clause = vec![!any];
        clause.extend(&deciding);
        sat.clause(&clause);
        for &c in &deciding {
            sat.clause(&[any, !c]);
        }
        let verdict = sat.var();
        sat.clause(&[!present, !verdict, aggregate]);
        sat.clause(&[!present, verdict, !aggregate]);
        sat.clause(&[present, if absent { verdict } else { !verdict }]);
        needs[*s].push(verdict);
    }
    let carried = carried
        .into_iter()
        .zip(classes.into_iter().map(|(_, v)| v))
        .collect();
    Ok((key, present, carried))
}

/// Each statement applies exactly when all it needs holds; the goal is
/// that some NEW Allow applies, no NEW Deny does, and no OLD Allow does or
/// some OLD Deny does.
fn encode_goal(sat: &mut Solver, statements: &[&Statement<'_>], new_count: usize, needs: &[Vec<Lit>]) {
    let applies: Vec<Lit> = needs
        .iter()
        .map(|need| {
            let a = sat.var();
            let mut clause = vec![a];
            for &n in need {
                sat.clause(&[!a, n]);
                clause.push(!n);
            }
            sat.clause(&clause);
            a
        })
        .collect();
    let side = |range: std::ops::Range<usize>, allow: bool| -> Vec<Lit> {
        range
            .filter(|&i| statements[i].is_allow() == allow)
            .map(|i| applies[i])
            .collect()
    };
    sat.clause(&side(0..new_count, true));
    for d in side(0..new_count, false) {
        sat.clause(&[!d]);
    }
    let no_old_allow = sat.var();
    for a in side(new_count..statements.len(), true) {
        sat.clause(&[!no_old_allow, !a]);
    }
    let mut old_denies = side(new_count..statements.len(), false);
    old_denies.push(no_old_allow);
    sat.clause(&old_denies);
}

/// A condition key in the formula: its name, the atom "present", and each
/// value class's atom with a value of the class.
type KeyAtoms = (String, Lit, Vec<(Lit, String)>);

/// Decides one group of actions exactly, as one satisfiability question
/// (docs/design/diff.md): is there a request that some NEW Allow applies
/// to, no NEW Deny applies to, and that no OLD Allow applies to or some
/// OLD Deny does? The atoms are which resource the request names (one per
/// realizable combination of Resource patterns, and `*`) and, per
/// condition key, which classes of values it carries (one class per
/// realizable combination of the key's entries, [`single_values`]); each
/// entry's verdict on a value set follows from its verdict on each value
/// (some value satisfies it, or every value does, as the evaluator
/// defines), and on an absent key it is the evaluator's own constant. So
/// the formula is exact, its size is linear in the statements times their
/// choices, and nothing is enumerated or capped: the solver learns from
/// every dead end. The model found is read back as a request and judged by
/// the evaluator and `simulate`, which must agree.
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
    if !statements[..new_count].iter().any(|s| s.is_allow()) {
        return Ok(None);
    }
    let mut sat = Solver::new();
    // Per statement, what its applying needs, all of it.
    let mut needs: Vec<Vec<Lit>> = vec![Vec::new(); statements.len()];
    let chosen = encode_resources(&mut sat, &statements, all_resources, &mut needs)?;
    let mut keys: Vec<KeyAtoms> = Vec::new();
    for (key, entries) in condition_keys(&statements) {
        keys.push(encode_key(&mut sat, key, &entries, &mut needs)?);
    }
    encode_goal(&mut sat, &statements, new_count, &needs);
    let Some(model) = sat.solve() else {
        return Ok(None);
    };
    let holds = |lit: Lit| model[lit.var()];
    let resource = chosen
        .into_iter()
        .find(|(z, _)| holds(*z))
        .map_or_else(|| "*".to_string(), |(_, r)| r);
    let mut request = Request {
        action: actions[0].clone(),
        resource,
        context: Vec::new(),
    };
    for (key, present, carried) in keys {
        if holds(present) {
            let values = carried
                .into_iter()
                .filter(|(c, _)| holds(*c))
                .map(|(_, v)| v)
                .collect();
            request.context.push((key, values));
        }
    }
    let request = smallest(old, new, request)?;
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

/// The request with every key and value dropped that it can lose and
/// still be allowed by NEW and not by OLD, so a witness carries what it
/// needs (a model of the formula may carry more).
fn smallest(old: &Side<'_>, new: &Side<'_>, mut request: Request) -> Result<Request, String> {
    let witness = |r: &Request| -> Result<bool, String> {
        Ok(decide(&new.evaluate(r)?) == Decision::Allow && decide(&old.evaluate(r)?) != Decision::Allow)
    };
    let mut k = 0;
    while k < request.context.len() {
        let mut without = request.clone();
        without.context.remove(k);
        if witness(&without)? {
            request = without;
            continue;
        }
        let mut i = 0;
        while request.context[k].1.len() > 1 && i < request.context[k].1.len() {
            let mut fewer = request.clone();
            fewer.context[k].1.remove(i);
            if witness(&fewer)? {
                request = fewer;
            } else {
                i += 1;
            }
        }
        k += 1;
    }
    Ok(request)
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
            for entry in &block.entries {
                let e = Entry {
                    operator: block.operator.value,
                    values: entry.values.iter().map(|v| v.value).collect(),
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
    // tests/it/diff_differential.rs replays each of them through `simulate`.
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

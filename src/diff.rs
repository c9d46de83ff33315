//! `policy-check diff OLD NEW`: decides offline whether NEW's identity
//! policies allow any request OLD's do not, and finds a witness request when
//! they do ([`compare`]); the reports live in [`output`].
//!
//! The decision is exact by partition, not by sampling. For one action, a
//! statement's verdict depends only on which of the patterns and condition
//! values in play a request matches. So the requests worth asking are one per
//! realizable combination: actions grouped by the statements that name them,
//! one resource per realizable combination of resource patterns
//! ([`lang::signatures`]), and per condition key one value set per
//! realizable combination of the entries testing it (values at and beside
//! every numeric, date and CIDR boundary; strings from the pattern
//! automaton; absent). Every such request is evaluated with the simulator's
//! own evaluator on both sides, so the semantics are `simulate`'s by
//! construction. Whatever the partition cannot cover exactly is reported as
//! `unknown`, never as "no new access", and every witness is re-checked
//! through [`crate::simulate::simulate`] before it is reported.

pub mod git;
pub mod lang;
pub mod output;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use crate::catalog::{catalog, ResourceType};
use crate::conditions::evaluate;
use crate::conditions::values::{parse_date_time, parse_ip_range, Instant};
use crate::conditions::{vocabulary, Family};
use crate::core::Span;
use crate::host::Embedded;
use crate::model::{Effect, Element, Policy, Statement};
use crate::parse::Node;
use crate::simulate::eval::{decide, evaluate_policy, Decision, Request, StatementResult};
use crate::simulate::{to_host, FileStatus, PolicyFile, Reparsed};
use crate::wildcard::{self, Case};
use lang::Item;
use std::borrow::Cow;

/// Product states one pattern automaton may visit before the answer is unknown.
const STATE_LIMIT: usize = 50_000;
/// Requests asked for one group of actions before the answer is unknown.
const REQUEST_LIMIT: usize = 200_000;
/// Value sets kept for one condition key before the answer is unknown.
const SET_LIMIT: usize = 512;

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

/// One side's documents, parsed once.
struct Side<'a> {
    files: &'a [PolicyFile],
    policies: Vec<(usize, Policy<'a>)>,
    /// Per file, how a host document's spans lead back to host bytes.
    embedded: Vec<Option<&'a Embedded>>,
}

impl<'a> Side<'a> {
    fn statements(&self) -> impl Iterator<Item = (usize, &Statement<'a>)> {
        self.policies
            .iter()
            .flat_map(|(file, policy)| policy.statements.iter().map(move |s| (*file, s)))
    }

    /// The same side with only the statements whose Action/NotAction
    /// applies to `action`: the others cannot change a decision about it,
    /// and a group's search asks many requests.
    fn restricted(&self, action: &str) -> Side<'a> {
        let policies = self
            .policies
            .iter()
            .map(|(file, policy)| {
                let statements = policy
                    .statements
                    .iter()
                    .filter(|s| action_applies(s, action))
                    .cloned()
                    .collect();
                (
                    *file,
                    Policy {
                        root: policy.root,
                        kind: policy.kind,
                        statements,
                    },
                )
            })
            .filter(|(_, policy)| !policy.statements.is_empty())
            .collect();
        Side {
            files: self.files,
            policies,
            embedded: self.embedded.clone(),
        }
    }

    fn evaluate(&self, request: &Request) -> Result<Vec<StatementResult>, String> {
        let mut results = Vec::new();
        for (file, policy) in &self.policies {
            let found = evaluate_policy(*file, policy, request).map_err(|e| e.message)?;
            results.extend(found.into_iter().map(|mut r| {
                to_host(&mut r, self.embedded[*file]);
                r
            }));
        }
        Ok(results)
    }
}

/// Compares the loaded policies of OLD and NEW.
pub fn compare(old: &[PolicyFile], new: &[PolicyFile]) -> Result<Comparison, Unusable> {
    for (side, files) in [("OLD", old), ("NEW", new)] {
        if files.iter().any(|f| matches!(f.status, FileStatus::Unusable(_))) {
            return Err(Unusable {
                side,
                files: files.to_vec(),
            });
        }
    }
    let old_parsed: Vec<_> = old.iter().map(Reparsed::new).collect();
    let new_parsed: Vec<_> = new.iter().map(Reparsed::new).collect();
    let old_roots: Vec<_> = old_parsed.iter().map(Reparsed::root).collect();
    let new_roots: Vec<_> = new_parsed.iter().map(Reparsed::root).collect();
    let old_side = make_side(old, &old_roots);
    let new_side = make_side(new, &new_roots);
    Ok(run(&old_side, &new_side))
}

/// A document's tree and the way from its spans back to host bytes.
type Root<'a> = Option<(Cow<'a, Node<'a>>, Option<&'a Embedded>)>;

fn make_side<'a>(files: &'a [PolicyFile], roots: &'a [Root<'a>]) -> Side<'a> {
    let policies = files
        .iter()
        .zip(roots)
        .enumerate()
        .filter(|(_, (file, _))| file.status == FileStatus::Evaluated)
        .filter_map(|(i, (_, root))| {
            let (root, _) = root.as_ref()?;
            Policy::from_root(root).map(|p| (i, p))
        })
        .collect();
    let embedded = roots
        .iter()
        .map(|root| root.as_ref().and_then(|(_, e)| *e))
        .collect();
    Side {
        files,
        policies,
        embedded,
    }
}

/// Whether a statement's Action/NotAction applies to `action`.
fn action_applies(statement: &Statement<'_>, action: &str) -> bool {
    statement.action.as_ref().is_some_and(|element| {
        let hit = element
            .values
            .iter()
            .any(|v| wildcard::matches(v.value, action, Case::Insensitive));
        hit != element.negated
    })
}

/// The most catalogued services a wildcard service part may bring into the
/// exact search for uncatalogued actions (the SDK era had 19 tables).
const WIDE_SERVICE_LIMIT: usize = 32;

/// The actions worth asking: the catalogued operations an Action value
/// matches (every one when a statement has NotAction), every literal
/// action either side names, and for the actions of uncatalogued services
/// one witness per realizable combination of the wildcard patterns. The
/// second value says why that last part is unknown, when it is.
fn action_universe(old: &Side<'_>, new: &Side<'_>) -> (Vec<String>, Option<String>) {
    let catalog = catalog();
    // A catalogued action no statement's Action matches applies to no
    // statement on either side, so it cannot differ: with 25,000 of them,
    // only those some Action value matches are asked (all of them when a
    // NotAction, which applies to every action it does not list, is there).
    let statements: Vec<&Statement<'_>> = old.statements().chain(new.statements()).map(|(_, s)| s).collect();
    let every = statements
        .iter()
        .any(|s| s.action.as_ref().is_some_and(|a| a.negated));
    let mut actions: Vec<String> = if every {
        catalog.operations().map(|op| op.action.to_string()).collect()
    } else {
        // Catalogue order (service, then action ignoring case), without
        // decoding the tables no value reaches.
        let mut named: Vec<&'static str> = statements
            .iter()
            .filter_map(|s| s.action.as_ref())
            .flat_map(|a| &a.values)
            .flat_map(|value| catalog.resolve(value.value).into_iter().map(|op| op.action))
            .collect();
        named.sort_by_cached_key(|action| {
            let (service, _) = action.split_once(':').unwrap_or((action, ""));
            (service, action.to_ascii_lowercase())
        });
        named.dedup();
        named.into_iter().map(str::to_string).collect()
    };
    let mut seen: HashMap<String, ()> = actions.iter().map(|a| (a.to_ascii_lowercase(), ())).collect();
    let mut patterns: Vec<String> = Vec::new();
    for (_, statement) in old.statements().chain(new.statements()) {
        for value in statement.action.iter().flat_map(|e| &e.values) {
            if wildcard::has_wildcard(value.value) {
                patterns.push(value.value.to_string());
            } else if seen.insert(value.value.to_ascii_lowercase(), ()).is_none() {
                actions.push(value.value.to_string());
            }
        }
    }
    patterns.sort_unstable();
    patterns.dedup();
    if patterns.is_empty() {
        return (actions, None);
    }
    // Group 0: a well-formed `service:Name`; then one group per pattern;
    // then the catalogued services, whose actions are the table's.
    let mut items = vec![Item::new("?*:?*", Case::Insensitive, true, 0)];
    for (i, pattern) in patterns.iter().enumerate() {
        items.push(Item::new(pattern, Case::Insensitive, true, i + 1));
    }
    let first_service = patterns.len() + 1;
    // Each catalogued service is an automaton every product state steps, and
    // there are three hundred: only those some pattern can reach are added
    // (`ens:Delete*` reaches ens, `e*` every service starting with e). When
    // patterns with a wildcard service part reach more than
    // WIDE_SERVICE_LIMIT, only the services named exactly are added, and a
    // witness that falls in another catalogued service is not used: the
    // comparison then says it is not exact, rather than guess.
    let heads: Vec<String> = patterns
        .iter()
        .map(|p| {
            let p = p.to_ascii_lowercase();
            p[..p.find(['*', '?']).unwrap_or(p.len())].to_string()
        })
        .collect();
    let exact = |service: &str| {
        heads
            .iter()
            .any(|h| h.split_once(':').is_some_and(|(s, _)| s == service))
    };
    let wide = |service: &str| {
        heads
            .iter()
            .any(|h| !h.contains(':') && service.starts_with(h.as_str()))
    };
    let wide_count = catalog.tables_reached(|s| wide(s) && !exact(s)).count();
    let all_of_them = wide_count <= WIDE_SERVICE_LIMIT;
    let services: Vec<&str> = catalog
        .tables_reached(|s| exact(s) || (all_of_them && wide(s)))
        .collect();
    for (i, service) in services.iter().enumerate() {
        items.push(Item::new(
            &format!("{service}:*"),
            Case::Insensitive,
            true,
            first_service + i,
        ));
    }
    let Some(found) = lang::signatures(&items, first_service + services.len(), STATE_LIMIT) else {
        return (
            actions,
            Some("the wildcard actions of uncatalogued services are too many to compare exactly".into()),
        );
    };
    let mut inexact = false;
    for (signature, word) in found {
        let uncatalogued = signature[0] && !signature[first_service..].iter().any(|&b| b);
        if !uncatalogued || !signature[1..first_service].iter().any(|&b| b) {
            continue;
        }
        if !all_of_them
            && word
                .split_once(':')
                .is_some_and(|(s, _)| catalog.is_catalogued(s))
        {
            inexact = true;
            continue;
        }
        if seen.insert(word.to_ascii_lowercase(), ()).is_none() {
            actions.push(word);
        }
    }
    let reason = inexact
        .then(|| "the wildcard actions of uncatalogued services are too many to compare exactly".to_string());
    (actions, reason)
}

fn run(old: &Side<'_>, new: &Side<'_>) -> Comparison {
    let (actions, action_unknown) = action_universe(old, new);
    let old_statements: Vec<(usize, &Statement<'_>)> = old.statements().collect();
    let new_statements: Vec<(usize, &Statement<'_>)> = new.statements().collect();
    // Actions with the same applying statements on both sides and the same
    // resource rule are indistinguishable: one is asked for all.
    let mut groups: BTreeMap<(Vec<bool>, Vec<bool>, bool), Vec<String>> = BTreeMap::new();
    let mut order: Vec<(Vec<bool>, Vec<bool>, bool)> = Vec::new();
    for action in actions {
        let on_new: Vec<bool> = new_statements
            .iter()
            .map(|(_, s)| action_applies(s, &action))
            .collect();
        let allowed = new_statements
            .iter()
            .zip(&on_new)
            .any(|((_, s), &a)| a && s.is_allow());
        if !allowed {
            continue;
        }
        let on_old: Vec<bool> = old_statements
            .iter()
            .map(|(_, s)| action_applies(s, &action))
            .collect();
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
    let mut comparison = Comparison {
        new_access: Vec::new(),
        unknown: Vec::new(),
        actions_compared: groups.values().map(Vec::len).sum(),
    };
    if let Some(reason) = action_unknown {
        comparison.unknown.push(Unknown {
            actions: Vec::new(),
            reason,
        });
    }
    for key in order {
        let actions = groups.remove(&key).unwrap_or_default();
        let (on_new, on_old, all_resources) = key;
        let relevant: Vec<&Statement<'_>> = new_statements
            .iter()
            .zip(&on_new)
            .chain(old_statements.iter().zip(&on_old))
            .filter(|(_, &a)| a)
            .map(|((_, s), _)| *s)
            .collect();
        match search(old, new, &actions, &relevant, all_resources) {
            Ok(Some(found)) => comparison.new_access.push(found),
            Ok(None) => {}
            Err(reason) => comparison.unknown.push(Unknown { actions, reason }),
        }
    }
    comparison
}

/// The resources worth asking for `statements`.
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
    Ok(found
        .into_iter()
        .filter(|(signature, _)| signature[statements.len()])
        .map(|(_, word)| word)
        .collect())
}

/// One condition entry of the statements in play, for one key.
struct Entry<'a> {
    operator: &'a str,
    values: Vec<&'a str>,
    negated: bool,
}

/// The value sets worth asking for one key (`None`: the key absent).
fn context_candidates(key: &str, entries: &[Entry<'_>]) -> Result<Vec<Option<Vec<String>>>, String> {
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
    // What one value does to each entry, before negation; a value set's
    // verdicts follow from the OR and the AND of its members' vectors.
    let mut sets: Vec<(Vec<bool>, Vec<bool>, Vec<String>)> = Vec::new();
    for value in singles {
        let mut vector = Vec::new();
        for entry in entries {
            let outcome = evaluate(entry.operator, key, &entry.values, Some(&[value.as_str()]))
                .map_err(|e| format!("`{key}`: {e}"))?;
            vector.push(outcome.holds != entry.negated);
        }
        if !sets.iter().any(|(or, _, _)| *or == vector) {
            sets.push((vector.clone(), vector, vec![value]));
        }
    }
    let mut i = 0;
    while i < sets.len() {
        for j in 0..i {
            let or: Vec<bool> = sets[i].0.iter().zip(&sets[j].0).map(|(a, b)| *a || *b).collect();
            let and: Vec<bool> = sets[i].1.iter().zip(&sets[j].1).map(|(a, b)| *a && *b).collect();
            if !sets.iter().any(|(o, a, _)| *o == or && *a == and) {
                if sets.len() >= SET_LIMIT {
                    return Err(format!(
                        "the value sets of `{key}` are too many to compare exactly"
                    ));
                }
                let mut values = sets[j].2.clone();
                values.extend(sets[i].2.iter().cloned());
                sets.push((or, and, values));
            }
        }
        i += 1;
    }
    let mut candidates = vec![None];
    candidates.extend(sets.into_iter().map(|(_, _, values)| Some(values)));
    Ok(candidates)
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
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
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

/// Asks every distinguishing request for one group of actions; the first
/// that NEW allows and OLD does not, confirmed, is the witness.
fn search(
    old: &Side<'_>,
    new: &Side<'_>,
    actions: &[String],
    statements: &[&Statement<'_>],
    all_resources: bool,
) -> Result<Option<NewAccess>, String> {
    let action = &actions[0];
    let (new_only, old_only) = (new.restricted(action), old.restricted(action));
    let resources = resource_candidates(statements, all_resources)?;
    let mut keys: Vec<(String, Vec<Entry<'_>>)> = Vec::new();
    for statement in statements {
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
                    Some((_, list)) => list.push(e),
                    None => keys.push((entry.key.value.to_string(), vec![e])),
                }
            }
        }
    }
    let mut domains: Vec<(String, Vec<Option<Vec<String>>>)> = Vec::new();
    for (key, entries) in &keys {
        domains.push((key.clone(), context_candidates(key, entries)?));
    }
    let total = domains
        .iter()
        .try_fold(resources.len(), |n, (_, d)| n.checked_mul(d.len()))
        .filter(|&n| n <= REQUEST_LIMIT)
        .ok_or_else(|| {
            "the combinations of resources and condition values are too many to compare exactly".to_string()
        })?;
    for index in 0..total {
        let mut rest = index;
        let resource = &resources[rest % resources.len()];
        rest /= resources.len();
        let mut request = Request {
            action: action.clone(),
            resource: resource.clone(),
            context: Vec::new(),
        };
        for (key, domain) in &domains {
            if let Some(values) = &domain[rest % domain.len()] {
                request.context.push((key.clone(), values.clone()));
            }
            rest /= domain.len();
        }
        if decide(&new_only.evaluate(&request)?) != Decision::Allow
            || decide(&old_only.evaluate(&request)?) == Decision::Allow
        {
            continue;
        }
        // Reasons are given for every statement, as `simulate` gives them.
        let new_results = new.evaluate(&request)?;
        let old_results = old.evaluate(&request)?;
        let old_decision = decide(&old_results);
        return confirm(
            old,
            new,
            actions,
            request,
            &new_results,
            &old_results,
            old_decision,
        )
        .map(Some);
    }
    Ok(None)
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
    let mut confirmed = Vec::new();
    for action in actions {
        let asked = Request {
            action: action.clone(),
            ..request.clone()
        };
        let on_new = crate::simulate::simulate(asked.clone(), new.files.to_vec(), None);
        let on_old = crate::simulate::simulate(asked, old.files.to_vec(), None);
        match (on_new, on_old) {
            (Ok(n), Ok(o)) if n.decision == Decision::Allow && o.decision != Decision::Allow => {
                confirmed.push(action.clone());
            }
            _ if action == &actions[0] => {
                return Err("a witness was found but `simulate` did not confirm it".to_string())
            }
            // The group shares every verdict, so this cannot happen; if it
            // does, that action is left out rather than claimed.
            _ => {}
        }
    }
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

/// `--format` of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Each new access with its witness request, then the verdict
    Human,
    /// One JSON document (shape in docs/diff.md)
    Json,
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
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiffFormat,
}

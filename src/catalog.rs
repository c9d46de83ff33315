//! The operation catalogue: what `rules/operations/*.tsv` says about each
//! service's RAM actions, read by the semantic checks and the simulator.
//!
//! The tables are compiled in with `include_str!`; each service's table is
//! parsed and indexed on first use, so a run that only meets `ecs:` actions
//! never parses the other seventeen. Lookups ignore ASCII case because RAM
//! matches actions that way "in most cases".

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::wildcard::{self, Case};

/// Every catalogued service: its RAM code and its table, sorted by code.
/// Catalogue order is service, then action ignoring case.
const TABLES: &[(&str, &str)] = &[
    ("cms", include_str!("../rules/operations/cms.tsv")),
    ("cr", include_str!("../rules/operations/cr.tsv")),
    ("cs", include_str!("../rules/operations/cs.tsv")),
    ("eci", include_str!("../rules/operations/eci.tsv")),
    ("ecs", include_str!("../rules/operations/ecs.tsv")),
    ("ens", include_str!("../rules/operations/ens.tsv")),
    ("ess", include_str!("../rules/operations/ess.tsv")),
    ("fc", include_str!("../rules/operations/fc.tsv")),
    ("kms", include_str!("../rules/operations/kms.tsv")),
    ("log", include_str!("../rules/operations/log.tsv")),
    ("nas", include_str!("../rules/operations/nas.tsv")),
    ("oss", include_str!("../rules/operations/oss.tsv")),
    ("ram", include_str!("../rules/operations/ram.tsv")),
    ("rds", include_str!("../rules/operations/rds.tsv")),
    (
        "resourcemanager",
        include_str!("../rules/operations/resourcemanager.tsv"),
    ),
    ("ros", include_str!("../rules/operations/ros.tsv")),
    ("slb", include_str!("../rules/operations/slb.tsv")),
    ("sts", include_str!("../rules/operations/sts.tsv")),
    ("vpc", include_str!("../rules/operations/vpc.tsv")),
];

/// Actions RAM knows that no SDK package names (`ram:PassRole`): each row
/// joins its service's table.
const RAM_ONLY: &str = include_str!("../rules/operations/ram-only.tsv");

const HEADER: &str = "action\taccess_level\tresource_type\tcondition_keys\tdependent_actions\tsource";

/// An operation's access level, as the API reference's authorization table
/// gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    Create,
    Update,
    Delete,
    Get,
    List,
    /// The table's literal `none`: the docs give the operation no level, which
    /// is not the same as not knowing it.
    Unrated,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 6] = [
        AccessLevel::Create,
        AccessLevel::Update,
        AccessLevel::Delete,
        AccessLevel::Get,
        AccessLevel::List,
        AccessLevel::Unrated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Create => "create",
            AccessLevel::Update => "update",
            AccessLevel::Delete => "delete",
            AccessLevel::Get => "get",
            AccessLevel::List => "list",
            AccessLevel::Unrated => "none",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccessLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccessLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == s)
            .ok_or_else(|| {
                format!("unknown access level `{s}` (expected create, update, delete, get, list or none)")
            })
    }
}

/// Which resources an operation can be authorized on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceType {
    /// No resource-level authorization: the Resource element must be `*`.
    AllResources,
    /// Authorized per resource of type `name`.
    ResourceLevel {
        name: &'static str,
        /// The docs mark the type as required (`*Instance`).
        required: bool,
        /// The ARN pattern, with the docs' `{#placeholders}`, when it was captured.
        arn: Option<&'static str>,
    },
    /// The table does not say; never to be read as All Resources.
    Unknown,
}

/// One catalogued RAM action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The canonical action, `service:ApiName`, spelled as the API spells it.
    pub action: &'static str,
    /// `None` when the level is unknown.
    pub access_level: Option<AccessLevel>,
    /// The level was guessed from the operation's verb (`<level> inferred`
    /// in the table), not read from the API reference.
    pub level_inferred: bool,
    pub resource_type: ResourceType,
    /// Service condition keys; `None` when unknown, empty when the docs say none.
    pub condition_keys: Option<Vec<&'static str>>,
    /// Operations the caller also needs; `None` when unknown, empty when none.
    pub dependent_actions: Option<Vec<&'static str>>,
    /// Where the row's facts come from, first source first.
    pub source: &'static str,
}

impl Operation {
    /// The RAM service code, such as `ens`.
    pub fn service(&self) -> &'static str {
        self.action.split_once(':').map_or("", |(service, _)| service)
    }

    /// The API name, such as `CreateImage`.
    pub fn name(&self) -> &'static str {
        self.action.split_once(':').map_or(self.action, |(_, name)| name)
    }

    /// "create", or "create, inferred from its name": the level as a
    /// message should state it; `None` when unknown.
    pub fn level_text(&self) -> Option<String> {
        let level = self.access_level?;
        Some(if self.level_inferred {
            format!("{level}, inferred from its name")
        } else {
            level.to_string()
        })
    }
}

/// One service's table, parsed: its operations sorted by action ignoring case.
#[derive(Debug)]
pub struct Table {
    service: &'static str,
    /// The table lists every action of its service (`# complete: yes`): an
    /// action it lacks does not exist. Tables generated from an SDK are not.
    complete: bool,
    /// The header's `# as-of:` text: the date and the sources read.
    as_of: &'static str,
    operations: Vec<Operation>,
    /// Each operation's action in lower case, in table order (so sorted).
    lowercase: Vec<String>,
    /// Each operation's [`wildcard::byte_classes`], in table order.
    classes: Vec<u64>,
    by_lowercase: HashMap<String, usize>,
}

impl Table {
    /// Parses one service's table, with the rows of `supplement` (a table of
    /// any services' actions) that belong to it.
    pub fn parse(
        service: &'static str,
        text: &'static str,
        supplement: &'static str,
    ) -> Result<Table, String> {
        let mut operations = Vec::new();
        let header = parse_rows(service, text, &mut operations).map_err(|e| format!("{service}.tsv: {e}"))?;
        let prefix = format!("{service}:");
        for (index, line) in supplement
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(&prefix))
        {
            let row =
                parse_row(service, line).map_err(|e| format!("ram-only.tsv: line {}: {e}", index + 1))?;
            operations.push(row);
        }
        let comment = |key: &str| {
            header
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
        operations.sort_by_cached_key(|op| op.action.to_ascii_lowercase());
        let lowercase: Vec<String> = operations
            .iter()
            .map(|op| op.action.to_ascii_lowercase())
            .collect();
        let mut by_lowercase = HashMap::with_capacity(operations.len());
        for (i, lower) in lowercase.iter().enumerate() {
            if let Some(first) = by_lowercase.insert(lower.clone(), i) {
                return Err(format!(
                    "{service}: `{}` and `{}` are the same action ignoring case",
                    operations[first].action, operations[i].action
                ));
            }
        }
        let classes = lowercase.iter().map(|a| wildcard::byte_classes(a)).collect();
        Ok(Table {
            service,
            complete,
            as_of,
            operations,
            lowercase,
            classes,
            by_lowercase,
        })
    }

    pub fn service(&self) -> &'static str {
        self.service
    }

    /// Whether an action missing from the table is known not to exist.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The table's date and sources, as its header gives them.
    pub fn as_of(&self) -> &'static str {
        self.as_of
    }

    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    fn lookup(&self, action: &str) -> Option<&Operation> {
        self.by_lowercase
            .get(wildcard::fold_str(action).as_ref())
            .map(|&i| &self.operations[i])
    }

    /// Pushes the operations `pattern` matches, in table order.
    fn resolve_into<'t>(&'t self, pattern: &str, case: Case, out: &mut Vec<&'t Operation>) {
        let (head, run) = self.run(pattern);
        // `ens:*` and `*`, the commonest patterns, match their whole run when
        // case is ignored: the run is then the answer, with nothing to test.
        if case == Case::Insensitive && pattern.len() == head + 1 && pattern.ends_with('*') {
            out.extend(&self.operations[run]);
            return;
        }
        out.extend(self.matching(pattern, case, run));
    }

    fn matches_any(&self, pattern: &str, case: Case) -> bool {
        let (_, run) = self.run(pattern);
        self.matching(pattern, case, run).next().is_some()
    }

    /// The operations in `run` that `pattern` matches. Patterns come from
    /// strangers, thousands to a file: each is folded once, and an
    /// operation lacking a byte the pattern needs is ruled out before
    /// matching.
    fn matching<'t>(
        &'t self,
        pattern: &str,
        case: Case,
        run: std::ops::Range<usize>,
    ) -> impl Iterator<Item = &'t Operation> + 't {
        let needs = wildcard::literal_bytes(pattern);
        let pattern = match case {
            Case::Insensitive => wildcard::fold_str(pattern).into_owned(),
            Case::Sensitive => pattern.to_string(),
        };
        run.filter(move |&i| self.classes[i] & needs == needs)
            .filter(move |&i| {
                // Folded pattern against folded action: case is already
                // taken care of.
                let text = match case {
                    Case::Insensitive => self.lowercase[i].as_str(),
                    Case::Sensitive => self.operations[i].action,
                };
                wildcard::matches(&pattern, text, Case::Sensitive)
            })
            .map(|i| &self.operations[i])
    }

    /// The length of `pattern`'s literal head, and where in the table the
    /// operations that can match it are. Whatever the pattern matches starts with that head (in either
    /// case mode, up to ASCII case), and in a list sorted by lower-case action
    /// those operations form one run: `ens:Describe*` tests its run of
    /// Describe operations instead of the whole table.
    fn run(&self, pattern: &str) -> (usize, std::ops::Range<usize>) {
        let head = literal_head(pattern);
        let lower = wildcard::fold_str(head);
        let lower = lower.as_ref();
        let start = self.lowercase.partition_point(|a| a.as_str() < lower);
        let run = self.lowercase[start..].partition_point(|a| a.starts_with(lower));
        (head.len(), start..start + run)
    }
}

/// A pattern's text before its first wildcard.
fn literal_head(pattern: &str) -> &str {
    &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())]
}

/// Every catalogued service's table, each parsed on first use.
#[derive(Debug)]
pub struct Catalog {
    /// `(service, table text)`, sorted by service.
    sources: Vec<(&'static str, &'static str)>,
    supplement: &'static str,
    tables: Vec<OnceLock<Table>>,
}

/// The built-in catalogue; no table is parsed until it is asked for.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::lazy(TABLES, RAM_ONLY))
}

impl Catalog {
    fn lazy(tables: &[(&'static str, &'static str)], supplement: &'static str) -> Catalog {
        let mut sources = tables.to_vec();
        sources.sort_by_key(|(service, _)| *service);
        Catalog {
            tables: sources.iter().map(|_| OnceLock::new()).collect(),
            sources,
            supplement,
        }
    }

    /// Parses `(service, table text)` pairs and a supplement of extra rows
    /// now, so a malformed table is an error here rather than on first use.
    pub fn from_tables(
        tables: &[(&'static str, &'static str)],
        supplement: &'static str,
    ) -> Result<Catalog, String> {
        let catalog = Catalog::lazy(tables, supplement);
        for (i, (service, text)) in catalog.sources.iter().enumerate() {
            let table = Table::parse(service, text, supplement)?;
            let _ = catalog.tables[i].set(table);
        }
        let first_row = supplement
            .lines()
            .find(|line| !line.starts_with('#') && !line.trim().is_empty());
        if first_row != Some(HEADER) {
            return Err(format!(
                "ram-only.tsv: the first row must be the header `{HEADER}`"
            ));
        }
        let orphan = supplement.lines().find(|line| {
            !line.starts_with('#')
                && !line.starts_with("action\t")
                && !line.trim().is_empty()
                && line
                    .split_once(':')
                    .is_none_or(|(service, _)| catalog.service_index(service).is_none())
        });
        if let Some(line) = orphan {
            return Err(format!("ram-only.tsv: `{line}` names a service without a table"));
        }
        Ok(catalog)
    }

    fn service_index(&self, service: &str) -> Option<usize> {
        self.sources
            .iter()
            .position(|(code, _)| wildcard::fold_str(code) == wildcard::fold_str(service))
    }

    fn table_at(&self, i: usize) -> &Table {
        self.tables[i].get_or_init(|| {
            let (service, text) = self.sources[i];
            // The tables ship inside the binary and a unit test parses each
            // one, so a failure here is a build defect, never a user's doing.
            Table::parse(service, text, self.supplement)
                .unwrap_or_else(|e| panic!("built-in operation table: {e}"))
        })
    }

    /// The table of `service` (any case), parsed on first use.
    pub fn table(&self, service: &str) -> Option<&Table> {
        self.service_index(service).map(|i| self.table_at(i))
    }

    /// Every table, in service order (parsing those not yet parsed).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        (0..self.sources.len()).map(|i| self.table_at(i))
    }

    /// Every catalogued operation, in catalogue order.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.tables().flat_map(|table| table.operations.iter())
    }

    /// The operation `action` names, ignoring ASCII case; `None` for patterns,
    /// unknown actions and services without a table.
    pub fn lookup(&self, action: &str) -> Option<&Operation> {
        let (service, _) = action.split_once(':')?;
        self.table(service)?.lookup(action)
    }

    /// Whether `service` (any case) has a table. Actions of other services are
    /// never reported as unknown: the catalogue cannot know them.
    pub fn is_catalogued(&self, service: &str) -> bool {
        self.service_index(service).is_some()
    }

    /// The canonical spelling of a catalogued service code.
    pub fn service_code(&self, service: &str) -> Option<&'static str> {
        self.service_index(service).map(|i| self.sources[i].0)
    }

    /// The catalogued operations an Action pattern covers (`*`, `?`, any case),
    /// in catalogue order.
    pub fn resolve(&self, pattern: &str) -> Vec<&Operation> {
        self.resolve_with(pattern, Case::Insensitive)
    }

    /// As [`Catalog::resolve`], with the case rule chosen by the caller.
    pub fn resolve_with(&self, pattern: &str, case: Case) -> Vec<&Operation> {
        let mut out = Vec::new();
        for table in self.tables_for(pattern) {
            table.resolve_into(pattern, case, &mut out);
        }
        out
    }

    /// Whether [`Catalog::resolve_with`] would find anything.
    pub fn matches_any_with(&self, pattern: &str, case: Case) -> bool {
        self.tables_for(pattern)
            .any(|table| table.matches_any(pattern, case))
    }

    /// The tables a pattern can reach: only its own service's when the
    /// literal head names one (`ecs:Describe*`), else those whose code starts
    /// with the head (`e*` reaches eci, ecs, ens and ess; `*` every table).
    fn tables_for<'c>(&'c self, pattern: &str) -> impl Iterator<Item = &'c Table> + 'c {
        let head = literal_head(pattern).to_ascii_lowercase();
        let (service, exact) = match head.split_once(':') {
            Some((service, _)) => (service.to_string(), true),
            None => (head, false),
        };
        (0..self.sources.len())
            .filter(move |&i| {
                let code = self.sources[i].0;
                if exact {
                    code == service
                } else {
                    code.starts_with(service.as_str())
                }
            })
            .map(|i| self.table_at(i))
    }
}

/// Parses a table's rows into `out`; returns its header comment lines.
fn parse_rows(
    service: &str,
    text: &'static str,
    out: &mut Vec<Operation>,
) -> Result<Vec<&'static str>, String> {
    let comments: Vec<&'static str> = text.lines().take_while(|line| line.starts_with('#')).collect();
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty());
    let header = rows.next().map(|(_, line)| line);
    if header != Some(HEADER) {
        return Err(format!("the first row must be the header `{HEADER}`"));
    }
    for (index, line) in rows {
        let row = parse_row(service, line).map_err(|e| format!("line {}: {e}", index + 1))?;
        out.push(row);
    }
    Ok(comments)
}

fn parse_row(service: &str, line: &'static str) -> Result<Operation, String> {
    let cells: Vec<&'static str> = line.split('\t').collect();
    let [action, level, resource, keys, dependent, source] = cells[..] else {
        return Err(format!("expected 6 tab-separated cells, found {}", cells.len()));
    };
    let well_formed = action.split_once(':').is_some_and(|(s, name)| {
        s == service
            && !name.is_empty()
            && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !well_formed {
        return Err(format!("`{action}` is not `{service}:<ApiName>`"));
    }
    if source.trim().is_empty() {
        return Err(format!("`{action}` has no source"));
    }
    let (level, level_inferred) = match level.split_once(' ') {
        Some((level, "inferred")) => (level, true),
        Some(_) => {
            return Err(format!(
                "`{action}`: an access level is `<level>` or `<level> inferred`"
            ))
        }
        None => (level, false),
    };
    Ok(Operation {
        action,
        access_level: match level {
            "" => None,
            level => Some(level.parse()?),
        },
        level_inferred,
        resource_type: parse_resource_type(resource),
        condition_keys: list(keys),
        dependent_actions: list(dependent),
        source,
    })
}

/// `All Resources`, `*Instance`, `Instance acs:ens:*:{#accountId}:instance/*`, or empty.
fn parse_resource_type(cell: &'static str) -> ResourceType {
    match cell.trim() {
        "" => ResourceType::Unknown,
        "All Resources" => ResourceType::AllResources,
        cell => {
            let (name, arn) = match cell.split_once(' ') {
                Some((name, arn)) => (name, Some(arn.trim())),
                None => (cell, None),
            };
            let (name, required) = match name.strip_prefix('*') {
                Some(name) => (name, true),
                None => (name, false),
            };
            ResourceType::ResourceLevel { name, required, arn }
        }
    }
}

/// `none` -> empty, empty -> unknown, else the `, `-separated items.
fn list(cell: &'static str) -> Option<Vec<&'static str>> {
    match cell.trim() {
        "" => None,
        "none" => Some(Vec::new()),
        cell => Some(cell.split(',').map(str::trim).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ens() -> &'static Table {
        catalog().table("ens").expect("ens is catalogued")
    }

    #[test]
    fn every_table_parses_with_unique_well_formed_names() {
        // Parsing eagerly also checks ram-only.tsv and that each of its rows
        // names a catalogued service.
        let eager = Catalog::from_tables(TABLES, RAM_ONLY).expect("built-in tables parse");
        let mut seen = HashSet::new();
        for table in eager.tables() {
            assert!(!table.operations().is_empty(), "{}", table.service());
            assert!(!table.as_of().is_empty());
            for op in table.operations() {
                assert!(seen.insert(op.action.to_ascii_lowercase()), "{} twice", op.action);
                assert_eq!(op.service(), table.service());
                assert!(!op.source.is_empty());
            }
        }
        assert_eq!(ens().operations().len(), 371);
        assert_eq!(eager.tables().count(), 19);
        // Only the hand-checked ENS table claims to be complete.
        let complete: Vec<&str> = eager
            .tables()
            .filter(|t| t.is_complete())
            .map(Table::service)
            .collect();
        assert_eq!(complete, ["ens"]);
    }

    #[test]
    fn every_operation_of_the_ens_sdk_is_in_the_ens_table() {
        // Written by scripts/generate-operation-tables.py from the SDK package.
        let listing = include_str!("../testdata/operations/alibabacloud_ens20171110.txt");
        let names: Vec<&str> = listing.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(names.len(), 339);
        let missing: Vec<&&str> = names
            .iter()
            .filter(|name| {
                ens()
                    .lookup(&format!("ens:{name}"))
                    .is_none_or(|op| op.name() != **name)
            })
            .collect();
        assert!(missing.is_empty(), "missing from ens.tsv: {missing:?}");
    }

    #[test]
    fn generated_tables_know_the_sdk_and_the_ram_only_actions() {
        let catalog = catalog();
        let op = catalog.lookup("ecs:DescribeInstances").expect("in the ECS SDK");
        assert_eq!(op.access_level, Some(AccessLevel::List));
        assert!(op.level_inferred);
        assert_eq!(op.level_text().as_deref(), Some("list, inferred from its name"));
        assert_eq!(op.resource_type, ResourceType::Unknown);
        assert_eq!(op.condition_keys, None);
        assert!(
            op.source.starts_with("alibabacloud-ecs20140526 "),
            "{}",
            op.source
        );
        let level = |a: &str| catalog.lookup(a).and_then(|op| op.access_level);
        assert_eq!(level("ecs:DeleteInstance"), Some(AccessLevel::Delete));
        assert_eq!(level("ecs:DescribeInstanceAttribute"), Some(AccessLevel::Get));
        assert_eq!(level("ecs:CreateInstance"), Some(AccessLevel::Create));
        assert_eq!(level("ecs:ModifyInstanceAttribute"), Some(AccessLevel::Update));
        assert_eq!(level("oss:GetObject"), Some(AccessLevel::Get));
        // RAM-only: in ram-only.tsv with its source and, for PassRole, no level.
        let pass_role = catalog.lookup("ram:PassRole").expect("a known RAM-only action");
        assert_eq!(pass_role.access_level, None);
        assert!(pass_role.source.contains("corpus 046"), "{}", pass_role.source);
        assert!(catalog.lookup("ecs:ConfigureSecurityGroupPermissions").is_some());
        assert!(catalog.lookup("ecs:DescribeInstnces").is_none());
        let ecs = catalog.table("ECS").expect("catalogued");
        assert!(!ecs.is_complete());
        assert!(
            ecs.as_of().contains("alibabacloud-ecs20140526"),
            "{}",
            ecs.as_of()
        );
        // ENS keeps its documented, not inferred, levels.
        assert!(!catalog.lookup("ens:CreateImage").expect("ens").level_inferred);
    }

    #[test]
    fn tables_are_parsed_only_when_asked_for() {
        let catalog = Catalog::lazy(TABLES, RAM_ONLY);
        assert!(catalog.is_catalogued("vpc"));
        assert!(catalog.lookup("ecs:DescribeInstances").is_some());
        assert!(!catalog.resolve("ens:Describe*").is_empty());
        let parsed: Vec<&str> = catalog
            .sources
            .iter()
            .zip(&catalog.tables)
            .filter(|(_, t)| t.get().is_some())
            .map(|((s, _), _)| *s)
            .collect();
        assert_eq!(parsed, ["ecs", "ens"]);
        // `e*` reaches eci, ecs, ens and ess; three of them have the API.
        assert_eq!(catalog.resolve("e*:DescribeRegions").len(), 3);
        assert_eq!(catalog.tables.iter().filter(|t| t.get().is_some()).count(), 4);
    }

    #[test]
    fn create_image_is_create_on_all_resources_without_keys() {
        let op = catalog().lookup("ens:CreateImage").expect("catalogued");
        assert_eq!(op.access_level, Some(AccessLevel::Create));
        assert_eq!(op.level_text().as_deref(), Some("create"));
        assert_eq!(op.resource_type, ResourceType::AllResources);
        assert_eq!(op.condition_keys, Some(Vec::new()));
        assert_eq!(op.dependent_actions, Some(Vec::new()));
        assert!(op.source.contains("createimage"));
    }

    #[test]
    fn lookup_ignores_case_and_keeps_real_misspellings() {
        let catalog = catalog();
        assert_eq!(
            catalog.lookup("ENS:createimage").map(|op| op.action),
            Some("ens:CreateImage")
        );
        assert!(catalog.lookup("ens:AccosicateNetworkAcl").is_some());
        assert!(catalog.lookup("ens:DescribeServcieSchedule").is_some());
        assert!(catalog.lookup("ens:AssociateNetworkAcl").is_none());
        assert!(catalog.lookup("ens:Create*").is_none());
        assert!(catalog.lookup("ecs:CreateImage").is_some());
        assert!(catalog.lookup("bss:CreateImage").is_none());
        assert!(catalog.lookup("CreateImage").is_none());
    }

    #[test]
    fn table_facts_survive_parsing() {
        let catalog = catalog();
        let level = |a: &str| catalog.lookup(a).and_then(|op| op.access_level);
        assert_eq!(level("ens:DeleteNetworkAcl"), Some(AccessLevel::Create));
        assert_eq!(level("ens:RenewInstance"), Some(AccessLevel::Unrated));
        assert_eq!(level("ens:AddSnatIpForSnatEntry"), Some(AccessLevel::Create));
        assert!(catalog
            .lookup("ens:AddSnatIpForSnatEntry")
            .is_some_and(|op| op.level_inferred));
        let resource = |a: &str| catalog.lookup(a).map(|op| op.resource_type.clone());
        assert_eq!(
            resource("ens:StartInstance"),
            Some(ResourceType::ResourceLevel {
                name: "Instance",
                required: true,
                arn: Some("acs:ens:*:{#accountId}:instance/{#InstanceId}"),
            })
        );
        assert_eq!(
            resource("ens:RunInstances"),
            Some(ResourceType::ResourceLevel {
                name: "Instance",
                required: false,
                arn: Some("acs:ens:*:{#accountId}:instance/*"),
            })
        );
        assert_eq!(resource("ens:JoinSecurityGroup"), Some(ResourceType::Unknown));
        assert_eq!(
            catalog
                .lookup("ens:ReinitInstance")
                .and_then(|op| op.condition_keys.clone()),
            Some(Vec::new())
        );
        let counts =
            |pred: &dyn Fn(&Operation) -> bool| ens().operations().iter().filter(|op| pred(op)).count();
        assert_eq!(counts(&|op| op.access_level.is_some() && !op.level_inferred), 283);
        assert_eq!(counts(&|op| op.resource_type != ResourceType::Unknown), 31);
        assert_eq!(counts(&|op| op.resource_type == ResourceType::AllResources), 21);
        // The levels the ENS sources do not give, guessed from the verb; two
        // verbs say nothing (`ens:CleanDistData`, `ens:DistApplicationData`).
        assert_eq!(counts(&|op| op.level_inferred), 86);
        assert_eq!(counts(&|op| op.access_level.is_none()), 2);
    }

    #[test]
    fn only_services_with_a_table_are_catalogued() {
        let catalog = catalog();
        assert!(catalog.is_catalogued("ens"));
        assert!(catalog.is_catalogued("ENS"));
        assert_eq!(catalog.service_code("Ens"), Some("ens"));
        for service in ["ecs", "oss", "ram", "log", "resourcemanager"] {
            assert!(catalog.is_catalogued(service), "{service}");
        }
        for service in ["bss", "sls", "", "*"] {
            assert!(!catalog.is_catalogued(service), "{service}");
        }
    }

    #[test]
    fn patterns_resolve_to_the_operations_they_cover() {
        let catalog = catalog();
        let creates = catalog.resolve("ens:Create*");
        assert_eq!(creates.len(), 42);
        assert!(creates.iter().any(|op| op.action == "ens:CreateImage"));
        assert_eq!(catalog.resolve("ens:create*").len(), 42);
        assert!(catalog.resolve_with("ens:create*", Case::Sensitive).is_empty());
        let all = catalog.operations().count();
        assert_eq!(catalog.resolve("*").len(), all);
        assert_eq!(catalog.resolve("ens:*").len(), 371);
        assert_eq!(
            catalog.resolve("ecs:*").len(),
            catalog.table("ecs").map_or(0, |t| t.operations().len())
        );
        // ecs and ens both have CreateImage.
        assert_eq!(catalog.resolve("*:CreateImage").len(), 2);
        assert!(catalog
            .resolve("ens:Describe*")
            .iter()
            .all(|op| op.action != "ens:CreateImage"));
        assert!(catalog.resolve("ens:Nothing*").is_empty());
        assert!(catalog.resolve("bss:*").is_empty());
        // A wildcard in the service part reaches every service it can match.
        let services: HashSet<&str> = catalog
            .resolve("e?s:TagResources")
            .iter()
            .map(|op| op.service())
            .collect();
        assert_eq!(services, HashSet::from(["ecs", "ens", "ess"]));
    }

    /// What resolving was before the prefix index: every operation tested.
    fn resolve_by_scan(pattern: &str, case: Case) -> Vec<&'static str> {
        catalog()
            .operations()
            .filter(|op| wildcard::matches(pattern, op.action, case))
            .map(|op| op.action)
            .collect()
    }

    proptest::proptest! {
        /// The indexed search finds what testing every operation finds, for
        /// catalogued prefixes in any case with wildcards after them, and for
        /// arbitrary short patterns.
        #[test]
        fn resolve_agrees_with_a_full_scan(
            op in 0usize..3000,
            cut in 0usize..40,
            flips in proptest::prelude::any::<u64>(),
            tail in "[*?aAeE]{0,3}",
            noise in "[enscrtEDIé:*?]{0,8}",
        ) {
            let action = catalog().operations().nth(op).expect("over 3000 operations").action;
            let kept: String = action
                .chars()
                .take(cut)
                .enumerate()
                .map(|(i, c)| if flips >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c })
                .collect();
            for pattern in [format!("{kept}{tail}"), noise.clone()] {
                for case in [Case::Sensitive, Case::Insensitive] {
                    let fast: Vec<&str> = catalog().resolve_with(&pattern, case).iter().map(|op| op.action).collect();
                    let slow = resolve_by_scan(&pattern, case);
                    proptest::prop_assert_eq!(catalog().matches_any_with(&pattern, case), !slow.is_empty());
                    proptest::prop_assert_eq!(fast, slow, "{} {:?}", pattern, case);
                }
            }
        }
    }

    #[test]
    fn malformed_tables_are_rejected() {
        let table = |header: &str, rows: &str| -> &'static str {
            Box::leak(format!("# c\n{header}{HEADER}\n{rows}").into_boxed_str())
        };
        let ok = "# as-of: today\n# complete: no\n";
        let parse =
            |text: &'static str, supplement: &'static str| Catalog::from_tables(&[("ens", text)], supplement);
        let none = table("", "");
        assert!(parse(table(ok, "ens:A\tcreate\t\t\t\tdocs\n"), none).is_ok());
        assert!(parse(table(ok, "ens:A\tcreate inferred\t\t\t\tdocs\n"), none).is_ok());
        assert!(parse(
            table(ok, "ens:A\t\t\t\t\tdocs\n"),
            table("", "ens:B\t\t\t\t\tdocs\n")
        )
        .is_ok());
        for rows in [
            "ens:A\tcreate\t\t\tdocs\n",
            "ens:A\twrite\t\t\t\tdocs\n",
            "ens:A\tcreate guessed\t\t\t\tdocs\n",
            "ecs:A\tcreate\t\t\t\tdocs\n",
            "ens:a b\tcreate\t\t\t\tdocs\n",
            "ens:A\tcreate\t\t\t\t\n",
            "ens:Ab\t\t\t\t\tdocs\nens:AB\t\t\t\t\tdocs\n",
        ] {
            assert!(parse(table(ok, rows), none).is_err(), "{rows:?}");
        }
        let row = "ens:A\t\t\t\t\tdocs\n";
        assert!(parse("ens:A\t\t\t\t\tdocs\n", none).is_err());
        assert!(parse(table("# complete: no\n", row), none).is_err(), "no as-of");
        assert!(
            parse(table("# as-of: today\n", row), none).is_err(),
            "no completeness"
        );
        assert!(parse(table("# as-of: today\n# complete: maybe\n", row), none).is_err());
        // The supplement: a duplicate of a table row, a service without a
        // table, a missing header.
        assert!(parse(table(ok, row), table("", row)).is_err());
        assert!(parse(table(ok, row), table("", "bss:B\t\t\t\t\tdocs\n")).is_err());
        assert!(parse(table(ok, row), "ens:B\t\t\t\t\tdocs\n").is_err());
    }
}

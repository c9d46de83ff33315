//! The operation catalogue: what `rules/operations/*.tsv` says about each
//! service's RAM actions, read by the semantic checks and the simulator.
//!
//! build.rs checks the tables and compiles them into one compact byte string
//! (`operations.bin`, front-coded names and indexed cells); each service's
//! table is decoded on first use, so a run that only meets `ecs:` actions
//! never decodes the other three hundred. Lookups ignore ASCII case because
//! RAM matches actions that way "in most cases".

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::wildcard::{self, Case};

/// One compiled table: where its rows are in `ROWS`.
struct Service {
    code: &'static str,
    complete: bool,
    as_of: &'static str,
    start: u32,
    end: u32,
    rows: u32,
}

// SERVICES (sorted by code), CELLS, ROWS, RENAMES and CONDITION_KEYS.
include!(concat!(env!("OUT_DIR"), "/operations.rs"));

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
    /// The first of `resource_types()`: the one type most tables give.
    pub resource_type: ResourceType,
    /// The table's resource cell, every type the operation is authorized on
    /// (`*Zone acs:pvtz::{#accountId}:zone/{#ZoneId}, Endpoint ...`).
    resource_cell: &'static str,
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
        // A byte search: `resolve` asks this of every operation a wildcard
        // covers, and a `char` search costs a call per `:`.
        let bytes = self.action.as_bytes();
        bytes
            .iter()
            .position(|&b| b == b':')
            .map_or("", |colon| &self.action[..colon])
    }

    /// The API name, such as `CreateImage`.
    pub fn name(&self) -> &'static str {
        self.action.split_once(':').map_or(self.action, |(_, name)| name)
    }

    /// Every resource type the table gives, in its order; empty when unknown.
    pub fn resource_types(&self) -> Vec<ResourceType> {
        self.resource_cell
            .split(", ")
            .map(parse_resource_type)
            .filter(|r| *r != ResourceType::Unknown)
            .collect()
    }

    /// What kind of source gave the row's values: `ram-block`,
    /// `openapi-systemtags`, `sdk`, `docs`, or `policy` (a published policy
    /// uses the action: `ram-only.tsv`).
    pub fn source_kind(&self) -> &'static str {
        source_kind(self.source)
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

/// One service's table, decoded: its operations sorted by action ignoring case.
#[derive(Debug)]
pub struct Table {
    service: &'static str,
    /// The table lists every action of its service (`# complete: yes`): an
    /// action it lacks does not exist. Tables of API names are not.
    complete: bool,
    /// The header's `# as-of:` text: the date and the sources read.
    as_of: &'static str,
    operations: Vec<Operation>,
    /// Each operation's action in lower case, in table order (so sorted).
    lowercase: Vec<String>,
    /// Each operation's [`wildcard::byte_classes`], in table order.
    classes: Vec<u64>,
}

impl Table {
    /// Decodes one compiled table. Its names are built into one buffer that
    /// lives as long as the process, like the catalogue that holds the table.
    fn decode(service: &Service) -> Table {
        let bytes = &ROWS[service.start as usize..service.end as usize];
        let rows = service.rows as usize;
        let mut names = String::with_capacity(bytes.len() + rows * (service.code.len() + 1));
        let mut raw = Vec::with_capacity(rows);
        // The previous row's name, which the next one shares a prefix with.
        let mut previous: Vec<u8> = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let (shared, len) = (bytes[at] as usize, bytes[at + 1] as usize);
            let start = names.len();
            names.push_str(service.code);
            names.push(':');
            let mut name = previous[..shared].to_vec();
            name.extend_from_slice(&bytes[at + 2..at + 2 + len]);
            // build.rs admits ASCII names only.
            names.push_str(std::str::from_utf8(&name).expect("ASCII action names"));
            at += 2 + len;
            let level = bytes[at];
            at += 1;
            let mut cells = [0usize; 4];
            for cell in &mut cells {
                let mut shift = 0;
                loop {
                    let byte = bytes[at];
                    at += 1;
                    *cell |= ((byte & 0x7f) as usize) << shift;
                    shift += 7;
                    if byte & 0x80 == 0 {
                        break;
                    }
                }
            }
            raw.push((start..names.len(), level, cells));
            previous = name;
        }
        let names: &'static str = Box::leak(names.into_boxed_str());
        let operations: Vec<Operation> = raw
            .into_iter()
            .map(|(range, level, [resource, keys, dependent, source])| {
                operation(
                    &names[range],
                    level,
                    CELLS[resource],
                    CELLS[keys],
                    CELLS[dependent],
                    CELLS[source],
                )
            })
            .collect();
        let lowercase: Vec<String> = operations
            .iter()
            .map(|op| op.action.to_ascii_lowercase())
            .collect();
        let classes = lowercase.iter().map(|a| wildcard::byte_classes(a)).collect();
        Table {
            service: service.code,
            complete: service.complete,
            as_of: service.as_of,
            operations,
            lowercase,
            classes,
        }
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

    /// The date of the table's newest source: the first word of `as_of`.
    pub fn snapshot_date(&self) -> &'static str {
        self.as_of.split_whitespace().next().unwrap_or("")
    }

    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The distinct kinds of source its rows come from, commonest first
    /// (ties by name).
    pub fn source_kinds(&self) -> Vec<(&'static str, usize)> {
        let mut kinds: Vec<(&'static str, usize)> = Vec::new();
        for op in &self.operations {
            match kinds.iter_mut().find(|(k, _)| *k == op.source_kind()) {
                Some((_, n)) => *n += 1,
                None => kinds.push((op.source_kind(), 1)),
            }
        }
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        kinds
    }

    fn lookup(&self, action: &str) -> Option<&Operation> {
        // Names are ASCII, so folding them is lowercasing them; a looked-up
        // action is folded by the one rule (`ecs:DescribeInstance\u{212a}`...).
        let lower = wildcard::fold_str(action);
        self.lowercase
            .binary_search_by(|a| a.as_str().cmp(lower.as_ref()))
            .ok()
            .map(|i| &self.operations[i])
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

    /// How many operations `pattern` matches, ignoring case.
    fn count_matching(&self, pattern: &str) -> usize {
        let (head, run) = self.run(pattern);
        if pattern.len() == head + 1 && pattern.ends_with('*') {
            return run.len();
        }
        self.matching(pattern, Case::Insensitive, run).count()
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

/// Every catalogued service's table, each decoded on first use.
#[derive(Debug)]
pub struct Catalog {
    /// One per entry of `SERVICES`, in its order (by code).
    tables: Vec<OnceLock<Table>>,
}

/// The built-in catalogue; no table is decoded until it is asked for.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::lazy)
}

impl Catalog {
    fn lazy() -> Catalog {
        Catalog {
            tables: SERVICES.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// `service`'s index in `SERVICES`, ignoring case by the one folding rule.
    fn service_index(&self, service: &str) -> Option<usize> {
        let folded = wildcard::fold_str(service);
        SERVICES
            .binary_search_by(|entry| entry.code.bytes().cmp(folded.bytes()))
            .ok()
    }

    fn table_at(&self, i: usize) -> &Table {
        self.tables[i].get_or_init(|| Table::decode(&SERVICES[i]))
    }

    /// The RAM action an API's name is authorized as, when the two differ
    /// (`cr:DeleteRepoSyncRule` is authorized as `cr:DeleteSyncRule`):
    /// `rules/operations/renames.tsv`. Ignores ASCII case.
    pub fn renamed(&self, action: &str) -> Option<&'static str> {
        let lower = wildcard::fold_str(action);
        RENAMES
            .binary_search_by(|(key, _, _)| (*key).cmp(lower.as_ref()))
            .ok()
            .map(|i| RENAMES[i].2)
    }

    /// Every rename, `(API action, RAM action)`, sorted by API action
    /// ignoring case.
    pub fn renames(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        RENAMES.iter().map(|(_, api, ram)| (*api, *ram))
    }

    /// A service condition key the metadata defines (`log:TLSVersion`): its
    /// value type (`string`, `boolean`, ...) and allowed values (empty: any).
    pub fn condition_key(&self, key: &str) -> Option<(&'static str, Vec<&'static str>)> {
        CONDITION_KEYS
            .iter()
            .find(|(name, _, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, kind, values)| (*kind, values.split(',').filter(|v| !v.is_empty()).collect()))
    }

    /// The table of `service` (any case), parsed on first use.
    pub fn table(&self, service: &str) -> Option<&Table> {
        self.service_index(service).map(|i| self.table_at(i))
    }

    /// Every table, in service order (parsing those not yet parsed).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        (0..SERVICES.len()).map(|i| self.table_at(i))
    }

    /// The codes of the catalogued services `keep` accepts, in order,
    /// without decoding their tables.
    pub fn tables_reached<'c>(
        &'c self,
        keep: impl Fn(&str) -> bool + 'c,
    ) -> impl Iterator<Item = &'static str> + 'c {
        SERVICES.iter().map(|s| s.code).filter(move |code| keep(code))
    }

    /// How many operations the catalogue holds, without decoding a table
    /// (decoding all of them costs megabytes).
    pub fn operation_count(&self) -> usize {
        SERVICES.iter().map(|entry| entry.rows as usize).sum()
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
        self.service_index(service).map(|i| SERVICES[i].code)
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

    /// How many operations [`Catalog::resolve`] finds in each service the
    /// pattern reaches: (service code, count), in catalogue order.
    pub fn covered_per_service<'c>(
        &'c self,
        pattern: &'c str,
    ) -> impl Iterator<Item = (&'static str, usize)> + 'c {
        self.tables_for(pattern)
            .map(move |table| (table.service(), table.count_matching(pattern)))
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
        let head = wildcard::fold_str(literal_head(pattern));
        // `SERVICES` is sorted by code: a named service is one entry, and the
        // codes a head starts are one run of entries.
        let reached = match head.split_once(':') {
            Some((service, _)) => match SERVICES.binary_search_by(|entry| entry.code.cmp(service)) {
                Ok(i) => i..i + 1,
                Err(_) => 0..0,
            },
            None => {
                let start = SERVICES.partition_point(|entry| entry.code < head.as_ref());
                let run = SERVICES[start..].partition_point(|entry| entry.code.starts_with(head.as_ref()));
                start..start + run
            }
        };
        reached.map(|i| self.table_at(i))
    }
}

/// One decoded row; build.rs has checked every cell.
fn operation(
    action: &'static str,
    level: u8,
    resource: &'static str,
    keys: &'static str,
    dependent: &'static str,
    source: &'static str,
) -> Operation {
    // The level byte: 0 unknown, else 1 + the index in AccessLevel::ALL
    // (build.rs's LEVELS order), plus 8 when inferred.
    Operation {
        action,
        access_level: match level & 7 {
            0 => None,
            n => Some(AccessLevel::ALL[n as usize - 1]),
        },
        level_inferred: level & 8 != 0,
        resource_type: parse_resource_type(resource.split(", ").next().unwrap_or("")),
        resource_cell: resource,
        condition_keys: list(keys),
        dependent_actions: list(dependent),
        source,
    }
}

/// The kind of a `source` cell, by how it starts.
fn source_kind(source: &str) -> &'static str {
    if source.starts_with("ram-block") {
        "ram-block"
    } else if source.starts_with("openapi-systemtags") || source.starts_with("dew-serverless/acs-metadata") {
        "openapi-systemtags"
    } else if source.starts_with("sdk ")
        // A package name such as `alibabacloud_ens20171110@12.1.0`, not
        // a repository such as `alibabacloud-automation/...`.
        || (source.starts_with("alibabacloud")
            && source.split(['/', ' ']).next().is_some_and(|word| word.bytes().any(|b| b.is_ascii_digit())))
    {
        "sdk"
    } else if source.starts_with("docs") || source.starts_with("http") {
        "docs"
    } else {
        "policy"
    }
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

/// build.rs's table reader, compiled into the tests to be fed malformed tables.
#[cfg(test)]
#[path = "../build/operation_tables.rs"]
mod table_format;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ens() -> &'static Table {
        catalog().table("ens").expect("ens is catalogued")
    }

    #[test]
    fn every_table_decodes_with_unique_well_formed_names() {
        let mut seen = HashSet::new();
        let catalog = Catalog::lazy();
        for (table, entry) in catalog.tables().zip(&SERVICES) {
            assert_eq!(
                table.operations().len(),
                entry.rows as usize,
                "{}",
                table.service()
            );
            assert!(!table.operations().is_empty(), "{}", table.service());
            assert!(!table.as_of().is_empty());
            for op in table.operations() {
                assert!(seen.insert(op.action.to_ascii_lowercase()), "{} twice", op.action);
                assert_eq!(op.service(), table.service());
                assert!(!op.source.is_empty());
            }
        }
        assert_eq!(ens().operations().len(), 371);
        assert_eq!(catalog.operation_count(), catalog.operations().count());
        assert!(catalog.tables().count() >= 250, "{}", catalog.tables().count());
        // Only the hand-checked ENS table: a `ram` block lists a product's
        // API actions, not its console-only ones (`odps:GetJobCount`).
        let complete: Vec<&str> = catalog
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
    fn generated_tables_know_the_metadata_the_sdk_and_the_ram_only_actions() {
        let catalog = catalog();
        let op = catalog
            .lookup("ecs:DescribeInstances")
            .expect("in the ECS metadata");
        assert_eq!(op.access_level, Some(AccessLevel::List));
        assert!(!op.level_inferred);
        assert_eq!(op.level_text().as_deref(), Some("list"));
        assert_eq!(op.resource_type, ResourceType::Unknown);
        assert_eq!(op.condition_keys, None);
        assert_eq!(op.source_kind(), "openapi-systemtags");
        // An operation only the SDK names keeps its inferred level.
        let sdk = catalog
            .operations()
            .find(|op| op.source_kind() == "sdk" && op.service() == "ecs")
            .expect("ecs has SDK-only operations");
        assert!(
            sdk.source.starts_with("sdk alibabacloud-ecs20140526 "),
            "{}",
            sdk.source
        );
        let level = |a: &str| catalog.lookup(a).and_then(|op| op.access_level);
        assert_eq!(level("ecs:DeleteInstance"), Some(AccessLevel::Delete));
        assert_eq!(level("ecs:CreateInstance"), Some(AccessLevel::Create));
        assert_eq!(level("oss:GetObject"), Some(AccessLevel::Get));
        // RAM-only: in ram-only.tsv with its source and, for PassRole, no level.
        let pass_role = catalog.lookup("ram:PassRole").expect("a known RAM-only action");
        assert_eq!(pass_role.access_level, None);
        assert_eq!(pass_role.source_kind(), "policy");
        assert!(pass_role.source.contains("corpus 046"), "{}", pass_role.source);
        assert!(catalog.lookup("ecs:DescribeInstnces").is_none());
        let ecs = catalog.table("ECS").expect("catalogued");
        assert!(!ecs.is_complete());
        assert_eq!(ecs.snapshot_date(), "2025-12-19");
        assert!(ecs.as_of().contains("acs-metadata@"), "{}", ecs.as_of());
        assert!(
            ecs.as_of().contains("alibabacloud-ecs20140526"),
            "{}",
            ecs.as_of()
        );
        // ENS keeps its documented, not inferred, levels.
        assert!(!catalog.lookup("ens:CreateImage").expect("ens").level_inferred);
    }

    #[test]
    fn ram_blocks_give_names_resources_and_condition_keys() {
        let catalog = catalog();
        let op = catalog.lookup("log:CreateIndex").expect("in the SLS ram block");
        assert_eq!(op.source_kind(), "ram-block");
        assert_eq!(op.condition_keys, Some(vec!["log:TLSVersion"]));
        assert_eq!(
            op.resource_type,
            ResourceType::ResourceLevel {
                name: "LogStore",
                required: true,
                arn: Some("acs:log:{#regionId}:{#accountId}:project/{#project}/logstore/{#logstore}"),
            }
        );
        // `authLevel: operate`: no resource-level authorization.
        let regions = catalog.lookup("pvtz:DescribeRegions").expect("pvtz");
        assert_eq!(regions.resource_type, ResourceType::AllResources);
        // Coarse RAM actions several APIs share.
        assert!(catalog.lookup("pvtz:read").is_some());
        assert_eq!(catalog.renamed("pvtz:DescribeCustomLines"), Some("pvtz:read"));
        assert_eq!(catalog.renamed("log:GetCursor"), Some("log:GetCursorOrData"));
        assert_eq!(catalog.renamed("LOG:getcursor"), Some("log:GetCursorOrData"));
        assert_eq!(catalog.renamed("log:GetCursorOrData"), None);
        let (kind, values) = catalog.condition_key("log:TLSVersion").expect("defined");
        assert_eq!(kind, "string");
        assert_eq!(values, ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
        assert!(catalog.condition_key("log:Nothing").is_none());
    }

    #[test]
    fn tables_are_decoded_only_when_asked_for() {
        let catalog = Catalog::lazy();
        assert!(catalog.is_catalogued("vpc"));
        assert!(catalog.lookup("ecs:DescribeInstances").is_some());
        assert!(!catalog.resolve("ens:Describe*").is_empty());
        let decoded: Vec<&str> = SERVICES
            .iter()
            .zip(&catalog.tables)
            .filter(|(_, t)| t.get().is_some())
            .map(|(s, _)| s.code)
            .collect();
        assert_eq!(decoded, ["ecs", "ens"]);
        // `e*` reaches every service whose code starts with `e`.
        let reached = SERVICES.iter().filter(|s| s.code.starts_with('e')).count();
        let with_regions = catalog.resolve("e*:DescribeRegions").len();
        assert!(with_regions >= 3, "{with_regions}");
        assert_eq!(
            catalog.tables.iter().filter(|t| t.get().is_some()).count(),
            reached
        );
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
        // ecs and ens both have CreateImage, and a few more services.
        assert_eq!(
            catalog
                .resolve("*:CreateImage")
                .iter()
                .map(|op| op.action)
                .collect::<Vec<_>>(),
            resolve_by_scan("*:CreateImage", Case::Insensitive)
        );
        assert!(catalog.resolve("*:CreateImage").len() >= 2);
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
        assert!(
            ["ecs", "ens", "ess"].iter().all(|s| services.contains(s)),
            "{services:?}"
        );
        assert!(services
            .iter()
            .all(|s| s.len() == 3 && s.starts_with('e') && s.ends_with('s')));
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
        // Each case scans the 25,000 operations four times for its oracle.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The indexed search finds what testing every operation finds, for
        /// catalogued prefixes in any case with wildcards after them, and for
        /// arbitrary short patterns.
        #[test]
        fn resolve_agrees_with_a_full_scan(
            op in 0usize..24_000,
            cut in 0usize..40,
            flips in proptest::prelude::any::<u64>(),
            tail in "[*?aAeE]{0,3}",
            noise in "[enscrtEDIé:*?]{0,8}",
        ) {
            let action = catalog().operations().nth(op).expect("over 24,000 operations").action;
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
                // A literal action is looked up as a full scan finds it.
                if !wildcard::has_wildcard(&pattern) {
                    let found = catalog().lookup(&pattern).map(|op| op.action);
                    let folded = wildcard::fold_str(&pattern);
                    let slow = catalog().operations().find(|op| wildcard::fold_str(op.action) == folded).map(|op| op.action);
                    proptest::prop_assert_eq!(found, slow, "{}", pattern);
                }
                // Counted per service, as the broad-wildcard check asks.
                let mut slow: Vec<(&str, usize)> = Vec::new();
                for action in resolve_by_scan(&pattern, Case::Insensitive) {
                    let service = action.split_once(':').map_or(action, |(s, _)| s);
                    match slow.last_mut() {
                        Some((last, count)) if *last == service => *count += 1,
                        _ => slow.push((service, 1)),
                    }
                }
                let fast: Vec<(&str, usize)> =
                    catalog().covered_per_service(&pattern).filter(|&(_, count)| count > 0).collect();
                proptest::prop_assert_eq!(fast, slow, "{}", pattern);
            }
        }
    }

    use super::table_format as format;

    #[test]
    fn malformed_tables_are_rejected() {
        use format::{check_supplement, parse_table, HEADER};
        let table = |header: &str, rows: &str| format!("# c\n{header}{HEADER}\n{rows}");
        let ok = "# as-of: today\n# complete: no\n";
        let none = table("", "");
        let parse = |text: &str, supplement: &str| parse_table("ens", text, supplement).map(|t| t.rows.len());
        assert_eq!(parse(&table(ok, "ens:A\tcreate\t\t\t\tdocs\n"), &none), Ok(1));
        assert!(parse(&table(ok, "ens:A\tcreate inferred\t\t\t\tdocs\n"), &none).is_ok());
        assert!(parse(
            &table(
                ok,
                "ens:read\tget\t*Zone acs:ens::{#accountId}:zone/{#ZoneId}, Other\t\t\tram-block\n"
            ),
            &none
        )
        .is_ok());
        assert_eq!(
            parse(
                &table(ok, "ens:A\t\t\t\t\tdocs\n"),
                &table("", "ens:B\t\t\t\t\tdocs\n")
            ),
            Ok(2)
        );
        for rows in [
            "ens:A\tcreate\t\t\tdocs\n",
            "ens:A\twrite\t\t\t\tdocs\n",
            "ens:A\tcreate guessed\t\t\t\tdocs\n",
            "ecs:A\tcreate\t\t\t\tdocs\n",
            "ens:a b\tcreate\t\t\t\tdocs\n",
            "ens:1a\tcreate\t\t\t\tdocs\n",
            "ens:A\tcreate\t\t\t\t\n",
            "ens:A\tcreate\tZone a b\t\t\tdocs\n",
            "ens:Ab\t\t\t\t\tdocs\nens:AB\t\t\t\t\tdocs\n",
        ] {
            assert!(parse(&table(ok, rows), &none).is_err(), "{rows:?}");
        }
        let row = "ens:A\t\t\t\t\tdocs\n";
        assert!(parse(row, &none).is_err());
        assert!(parse(&table("# complete: no\n", row), &none).is_err(), "no as-of");
        assert!(
            parse(&table("# as-of: today\n", row), &none).is_err(),
            "no completeness"
        );
        assert!(parse(&table("# as-of: today\n# complete: maybe\n", row), &none).is_err());
        // The supplement: a duplicate of a table row, a service without a
        // table, a missing header.
        assert!(parse(&table(ok, row), &table("", row)).is_err());
        assert!(check_supplement(&table("", "bss:B\t\t\t\t\tdocs\n"), &["ens"]).is_err());
        assert!(check_supplement(&table("", row), &["ens"]).is_ok());
        assert!(parse(&table(ok, row), "ens:B\t\t\t\t\tdocs\n").is_err());
    }

    #[test]
    fn encoding_round_trips_through_decoding() {
        // What build.rs writes for the ENS table decodes to the same rows.
        let text = include_str!("../rules/operations/ens.tsv");
        let supplement = include_str!("../rules/operations/ram-only.tsv");
        let parsed = format::parse_table("ens", text, supplement).expect("ens.tsv parses");
        let decoded = ens();
        let entry = SERVICES.iter().find(|s| s.code == "ens").expect("compiled");
        assert_eq!((parsed.complete, parsed.as_of), (entry.complete, entry.as_of));
        // Encoded alone, the table's rows are the same bytes up to the cell
        // numbering, which counts every table: compare lengths of the names.
        let alone = format::encode(&[("ens", &parsed)]);
        assert_eq!(alone.spans[0].2, entry.rows as usize);
        assert!(alone.cells.iter().all(|cell| CELLS.contains(&cell.as_str())));
        assert!(alone.bytes.len() <= (entry.end - entry.start) as usize + parsed.rows.len() * 4);
        assert_eq!(parsed.rows.len(), decoded.operations().len());
        for (row, op) in parsed.rows.iter().zip(decoded.operations()) {
            assert_eq!(row.action, op.action);
            assert_eq!(row.source, op.source);
            assert_eq!(row.resource, op.resource_cell);
            assert_eq!(row.level == 0, op.access_level.is_none(), "{}", row.action);
            assert_eq!(
                row.level & format::INFERRED != 0,
                op.level_inferred,
                "{}",
                row.action
            );
        }
    }
}

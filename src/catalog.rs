//! The operation catalogue: what `rules/operations/*.tsv` says about each
//! service's RAM actions, read by the semantic checks and the simulator.
//!
//! The tables are compiled in with `include_str!` and parsed once, on first
//! use, so runs that never look at an action pay nothing. Lookups ignore ASCII
//! case because RAM matches actions that way "in most cases".

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::wildcard::{self, Case};

/// Every catalogued service: its RAM code and its table.
const TABLES: &[(&str, &str)] = &[("ens", include_str!("../rules/operations/ens.tsv"))];

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
}

/// All catalogued operations, sorted by action ignoring case.
#[derive(Debug)]
pub struct Catalog {
    operations: Vec<Operation>,
    /// Each operation's action in lower case, in catalogue order (so sorted).
    lowercase: Vec<String>,
    by_lowercase: HashMap<String, usize>,
    /// The catalogued service codes.
    services: Vec<&'static str>,
}

/// The built-in catalogue, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The tables ship inside the binary and a unit test parses them, so a
        // failure here is a build defect, never something a user can cause.
        Catalog::from_tables(TABLES).unwrap_or_else(|e| panic!("built-in operation table: {e}"))
    })
}

impl Catalog {
    /// Parses `(service, table text)` pairs.
    pub fn from_tables(tables: &[(&'static str, &'static str)]) -> Result<Catalog, String> {
        let mut operations = Vec::new();
        for (service, text) in tables {
            parse_table(service, text, &mut operations).map_err(|e| format!("{service}.tsv: {e}"))?;
        }
        operations.sort_by_cached_key(|op| op.action.to_ascii_lowercase());
        let lowercase: Vec<String> = operations
            .iter()
            .map(|op| op.action.to_ascii_lowercase())
            .collect();
        let mut by_lowercase = HashMap::with_capacity(operations.len());
        for (i, lower) in lowercase.iter().enumerate() {
            if let Some(first) = by_lowercase.insert(lower.clone(), i) {
                return Err(format!(
                    "`{}` and `{}` are the same action ignoring case",
                    operations[first].action, operations[i].action
                ));
            }
        }
        Ok(Catalog {
            operations,
            lowercase,
            by_lowercase,
            services: tables.iter().map(|(service, _)| *service).collect(),
        })
    }

    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation `action` names, ignoring ASCII case; `None` for patterns,
    /// unknown actions and services without a table.
    pub fn lookup(&self, action: &str) -> Option<&Operation> {
        self.by_lowercase
            .get(&action.to_ascii_lowercase())
            .map(|&i| &self.operations[i])
    }

    /// Whether `service` (any case) has a table. Actions of other services are
    /// never reported as unknown: the catalogue cannot know them.
    pub fn is_catalogued(&self, service: &str) -> bool {
        self.services.iter().any(|s| s.eq_ignore_ascii_case(service))
    }

    /// The canonical spelling of a catalogued service code.
    pub fn service_code(&self, service: &str) -> Option<&'static str> {
        self.services
            .iter()
            .copied()
            .find(|s| s.eq_ignore_ascii_case(service))
    }

    /// The catalogued operations an Action pattern covers (`*`, `?`, any case),
    /// in catalogue order.
    pub fn resolve<'c>(&'c self, pattern: &str) -> Vec<&'c Operation> {
        self.resolve_with(pattern, Case::Insensitive)
    }

    /// As [`Catalog::resolve`], with the case rule chosen by the caller.
    pub fn resolve_with<'c>(&'c self, pattern: &str, case: Case) -> Vec<&'c Operation> {
        let (head, run) = self.run(pattern);
        // `ens:*` and `*`, the commonest patterns, match their whole run when
        // case is ignored: the run is then the answer, with nothing to test.
        if case == Case::Insensitive && pattern.len() == head + 1 && pattern.ends_with('*') {
            return run.iter().collect();
        }
        run.iter()
            .filter(|op| wildcard::matches(pattern, op.action, case))
            .collect()
    }

    /// Whether [`Catalog::resolve_with`] would find anything.
    pub fn matches_any_with(&self, pattern: &str, case: Case) -> bool {
        self.run(pattern)
            .1
            .iter()
            .any(|op| wildcard::matches(pattern, op.action, case))
    }

    /// The length of `pattern`'s literal head, and the operations that can
    /// match it. Whatever the pattern matches starts with that head (in either
    /// case mode, up to ASCII case), and in a list sorted by lower-case action
    /// those operations form one run: `ens:Describe*` tests its run of
    /// Describe operations instead of the whole catalogue.
    fn run(&self, pattern: &str) -> (usize, &[Operation]) {
        let head = &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())];
        let lower = head.to_ascii_lowercase();
        let start = self.lowercase.partition_point(|a| a.as_str() < lower.as_str());
        let run = self.lowercase[start..].partition_point(|a| a.starts_with(&lower));
        (head.len(), &self.operations[start..start + run])
    }
}

fn parse_table(service: &str, text: &'static str, out: &mut Vec<Operation>) -> Result<(), String> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty());
    let header = rows.next().map(|(_, line)| line);
    let expected = "action\taccess_level\tresource_type\tcondition_keys\tdependent_actions\tsource";
    if header != Some(expected) {
        return Err(format!("the first row must be the header `{expected}`"));
    }
    for (index, line) in rows {
        let row = parse_row(service, line).map_err(|e| format!("line {}: {e}", index + 1))?;
        out.push(row);
    }
    Ok(())
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
    Ok(Operation {
        action,
        access_level: match level {
            "" => None,
            level => Some(level.parse()?),
        },
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

    #[test]
    fn every_catalogued_name_is_unique_and_well_formed() {
        let catalog = catalog();
        assert_eq!(catalog.operations().len(), 371);
        let mut seen = HashSet::new();
        for op in catalog.operations() {
            assert!(seen.insert(op.action.to_ascii_lowercase()), "{} twice", op.action);
            assert_eq!(op.service(), "ens");
            assert!(
                op.name().chars().all(|c| c.is_ascii_alphanumeric()),
                "{}",
                op.action
            );
            assert!(!op.source.is_empty());
        }
    }

    #[test]
    fn create_image_is_create_on_all_resources_without_keys() {
        let op = catalog().lookup("ens:CreateImage").expect("catalogued");
        assert_eq!(op.access_level, Some(AccessLevel::Create));
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
        assert!(catalog.lookup("ecs:CreateImage").is_none());
    }

    #[test]
    fn table_facts_survive_parsing() {
        let catalog = catalog();
        let level = |a: &str| catalog.lookup(a).and_then(|op| op.access_level);
        assert_eq!(level("ens:DeleteNetworkAcl"), Some(AccessLevel::Create));
        assert_eq!(level("ens:RenewInstance"), Some(AccessLevel::Unrated));
        assert_eq!(level("ens:AddSnatIpForSnatEntry"), None);
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
            |pred: &dyn Fn(&Operation) -> bool| catalog.operations().iter().filter(|op| pred(op)).count();
        assert_eq!(counts(&|op| op.access_level.is_some()), 283);
        assert_eq!(counts(&|op| op.resource_type != ResourceType::Unknown), 31);
        assert_eq!(counts(&|op| op.resource_type == ResourceType::AllResources), 21);
    }

    #[test]
    fn services_without_a_table_are_not_catalogued() {
        let catalog = catalog();
        assert!(catalog.is_catalogued("ens"));
        assert!(catalog.is_catalogued("ENS"));
        assert_eq!(catalog.service_code("Ens"), Some("ens"));
        for service in ["ecs", "oss", "ram", "", "*"] {
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
        assert_eq!(catalog.resolve("*").len(), 371);
        assert_eq!(catalog.resolve("ens:*").len(), 371);
        assert_eq!(catalog.resolve("*:CreateImage").len(), 1);
        assert!(catalog
            .resolve("ens:Describe*")
            .iter()
            .all(|op| op.action != "ens:CreateImage"));
        assert!(catalog.resolve("ens:Nothing*").is_empty());
        assert!(catalog.resolve("ecs:*").is_empty());
    }

    /// What resolving was before the prefix index: every operation tested.
    fn resolve_by_scan(pattern: &str, case: Case) -> Vec<&'static str> {
        catalog()
            .operations()
            .iter()
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
            op in 0usize..371,
            cut in 0usize..40,
            flips in proptest::prelude::any::<u64>(),
            tail in "[*?aAeE]{0,3}",
            noise in "[enscrtEDIé:*?]{0,8}",
        ) {
            let action = catalog().operations()[op].action;
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
        const HEADER: &str =
            "action\taccess_level\tresource_type\tcondition_keys\tdependent_actions\tsource\n";
        let table =
            |rows: &str| -> &'static str { Box::leak(format!("# c\n{HEADER}{rows}").into_boxed_str()) };
        assert!(Catalog::from_tables(&[("ens", table("ens:A\tcreate\t\t\t\tdocs\n"))]).is_ok());
        for rows in [
            "ens:A\tcreate\t\t\tdocs\n",
            "ens:A\twrite\t\t\t\tdocs\n",
            "ecs:A\tcreate\t\t\t\tdocs\n",
            "ens:a b\tcreate\t\t\t\tdocs\n",
            "ens:A\tcreate\t\t\t\t\n",
            "ens:Ab\t\t\t\t\tdocs\nens:AB\t\t\t\t\tdocs\n",
        ] {
            assert!(Catalog::from_tables(&[("ens", table(rows))]).is_err(), "{rows:?}");
        }
        assert!(Catalog::from_tables(&[("ens", "ens:A\t\t\t\t\tdocs\n")]).is_err());
    }
}

//! A Terraform module is every `.tf` file of one folder, read by Terraform
//! as one unit: a `data` source or a `locals` value written in one file is
//! used in another. [`Module`] is what the Terraform host knows about a
//! file's siblings, so that a reference to them is resolved instead of
//! being an unknown value; each policy is still linted in the file that
//! holds it (see docs/inputs.md). The resource table
//! (`rules/data/terraform-resources.tsv`) is read here, for the module and
//! for the Terraform host.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Body};

use crate::model::PolicyKind;

const TABLE: &str = include_str!("../../rules/data/terraform-resources.tsv");

/// A row of the resource table: the resource type, the attribute's path,
/// and the policy kind when it is more than the content shows.
type Row = (&'static str, Vec<&'static str>, Option<PolicyKind>);

/// The rows of the resource table.
pub(crate) fn table() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        super::resource_table(TABLE)
            .map(|(resource, attribute, kind)| (resource, attribute.split('.').collect(), kind))
            .collect()
    })
}

/// The top-level attributes of resource type `kind` that hold a policy.
pub fn attributes_for(kind: &str) -> impl Iterator<Item = &'static str> + '_ {
    table()
        .iter()
        .filter(move |(t, path, _)| *t == kind && path.len() == 1)
        .map(|(_, path, _)| path[0])
}

/// The data source whose blocks are a policy document.
pub const POLICY_DOCUMENT: &str = "alicloud_ram_policy_document";

/// At most this many files of a folder are read as its module, so that a
/// folder of many `.tf` files costs a bounded amount per file.
pub const MAX_SIBLINGS: usize = 64;

/// What a file's siblings in its module define and use.
#[derive(Debug, Default, Clone)]
pub struct Module {
    /// Names of the `data "alicloud_ram_policy_document"` blocks.
    pub data_documents: BTreeSet<String>,
    /// Names of the `locals` values.
    pub locals: BTreeSet<String>,
    /// Locals a policy attribute of a resource names (`policy_document =
    /// local.NAME`): each is a policy wherever it is written.
    pub policy_locals: BTreeSet<String>,
}

impl Module {
    /// Adds what one file's body defines and uses.
    pub fn add(&mut self, body: &Body) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(label).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("data", [POLICY_DOCUMENT, name]) => {
                    self.data_documents.insert((*name).to_string());
                }
                ("locals", []) => {
                    self.locals
                        .extend(block.body.attributes().map(|a| a.key.as_str().to_string()));
                }
                ("resource", [kind, _]) => {
                    for attribute in attributes_for(kind) {
                        if let Some(name) = block
                            .body
                            .get_attribute(attribute)
                            .and_then(|a| local_name(&a.value))
                        {
                            self.policy_locals.insert(name.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The module in `folder`: its `.tf` files, each read with `read` (the
    /// caller's bounded reader). Symbolic links are not followed (a link
    /// could lead out of the tree being linted); a file that cannot be read
    /// adds nothing. A file linted in it adds itself again, which changes
    /// nothing, so one module serves every file of the folder.
    pub fn read(folder: &Path, read: impl Fn(&Path) -> Option<Vec<u8>>) -> Module {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Module::default();
        };
        let mut siblings: Vec<_> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    let n = n.to_ascii_lowercase();
                    n.ends_with(".tf") || n.ends_with(".tf.json")
                })
            })
            .collect();
        // Sorted, so the same siblings are read whatever the folder's order.
        siblings.sort();
        siblings.truncate(MAX_SIBLINGS);
        let mut module = Module::default();
        for path in &siblings {
            let Some(text) = read(path).and_then(|bytes| String::from_utf8(bytes).ok()) else {
                continue;
            };
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
                module.add_json(&text);
            } else {
                crate::parse::count_parse();
                if let Ok(body) = hcl_edit::parser::parse_body(&text) {
                    module.add(&body);
                }
            }
        }
        module
    }

    /// Adds the policy document data sources of a `.tf.json` file (which
    /// it lints itself; its locals are not read, so they stay unknown).
    pub fn add_json(&mut self, text: &str) {
        let parsed = crate::parse::parse(text);
        let Some(data) = parsed.root.as_ref().and_then(|root| root.get("data")) else {
            return;
        };
        let groups: Vec<&crate::parse::Node<'_>> = match &data.value.value {
            crate::parse::Value::Array(items) => items.iter().collect(),
            _ => vec![&data.value],
        };
        for group in groups {
            for kind in group.as_object().unwrap_or(&[]) {
                if kind.key == POLICY_DOCUMENT {
                    let names = kind.value.as_object().unwrap_or(&[]).iter();
                    self.data_documents.extend(names.map(|m| m.key.to_string()));
                }
            }
        }
    }
}

pub(crate) fn label(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::Ident(ident) => ident.as_str(),
        BlockLabel::String(string) => string.as_str(),
    }
}

/// `NAME` when `expr` is `local.NAME`.
pub(crate) fn local_name(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(traversal) = expr else {
        return None;
    };
    let Expression::Variable(root) = &traversal.expr else {
        return None;
    };
    match (root.as_str(), traversal.operators.first().map(|o| o.value())) {
        ("local", Some(TraversalOperator::GetAttr(name))) if traversal.operators.len() == 1 => {
            Some(name.as_str())
        }
        _ => None,
    }
}

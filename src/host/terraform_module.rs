//! A Terraform module is every `.tf` file of one folder, read by Terraform
//! as one unit: a `data` source or a `locals` value written in one file is
//! used in another. [`Module`] is what the Terraform host knows about a
//! file's siblings, so that a reference to them is resolved instead of
//! being an unknown value; each policy is still linted in the file that
//! holds it (see docs/inputs.md).

use std::collections::BTreeSet;
use std::path::Path;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Body};

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
    /// The module made of `texts` (files that do not parse add nothing:
    /// they are reported when they are linted themselves).
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Module {
        let mut module = Module::default();
        for text in texts {
            if let Ok(body) = hcl_edit::parser::parse_body(text) {
                module.add(&body);
            }
        }
        module
    }

    /// Adds what one file's body defines and uses.
    pub fn add(&mut self, body: &Body) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(label).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("data", [super::terraform::POLICY_DOCUMENT, name]) => {
                    self.data_documents.insert((*name).to_string());
                }
                ("locals", []) => {
                    self.locals
                        .extend(block.body.attributes().map(|a| a.key.as_str().to_string()));
                }
                ("resource", [kind, _]) => {
                    for attribute in super::terraform::attributes_for(kind) {
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
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.to_ascii_lowercase().ends_with(".tf"))
            })
            .collect();
        // Sorted, so the same siblings are read whatever the folder's order.
        siblings.sort();
        siblings.truncate(MAX_SIBLINGS);
        let texts: Vec<String> = siblings
            .iter()
            .filter_map(|p| read(p))
            .filter_map(|bytes| String::from_utf8(bytes).ok())
            .collect();
        Module::of(texts.iter().map(String::as_str))
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

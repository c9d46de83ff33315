//! Terraform HCL (`.tf`): policies in the attributes listed in
//! `rules/data/terraform-resources.tsv`, in `data "alicloud_ram_policy_document"`
//! blocks they reference, and (found by their shape) in `locals`, `variable`
//! defaults and module inputs. hcl-edit parses the file and gives every
//! expression its byte span; heredocs and quoted strings are then read from
//! the host text itself, so that each decoded byte keeps its host offset
//! through escapes and stripped indentation.

use std::borrow::Cow;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::Block;

pub use super::terraform_module::{attributes_for, Module, POLICY_DOCUMENT};
use super::terraform_module::{label, local_name, table};
use super::{Document, Embedded, Extraction, FileReference, Kind, Source, SourceMap};
use crate::core::Span;
use crate::fix::Encoding;
use crate::model::PolicyKind;
use crate::parse::json::MAX_DEPTH;
use crate::parse::{Member, Node, Value};

pub const KIND: Kind = Kind {
    name: "Terraform",
    claims: |name, _| crate::core::Syntax::of(name) == Some(crate::core::Syntax::Hcl),
    extract,
};

/// Where a Terraform file's strings, templates and heredocs are, for a
/// caller that reads its comments without having extracted it (outside them
/// `#`, `//` and `/* */` always start comments); `None` when it does not
/// parse.
pub fn string_spans(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    crate::parse::count_parse();
    hcl_edit::parser::parse_body(text)
        .ok()
        .map(|body| string_spans_of(&body))
}

/// The byte ranges of a parsed body's strings, templates and heredocs.
fn string_spans_of(body: &hcl_edit::structure::Body) -> Vec<std::ops::Range<usize>> {
    let mut strings = StringSpans(Vec::new());
    hcl_edit::visit::Visit::visit_body(&mut strings, body);
    let mut strings = strings.0;
    strings.sort_by_key(|s| s.start);
    strings
}

/// Collects the spans of every string, template and heredoc of a body.
struct StringSpans(Vec<std::ops::Range<usize>>);

impl StringSpans {
    fn add(&mut self, node: &impl hcl_edit::Span) {
        self.0.extend(node.span());
    }
}

impl hcl_edit::visit::Visit for StringSpans {
    fn visit_string(&mut self, node: &hcl_edit::Decorated<String>) {
        self.add(node);
    }
    fn visit_string_template(&mut self, node: &hcl_edit::template::StringTemplate) {
        self.add(node);
    }
    fn visit_heredoc_template(&mut self, node: &hcl_edit::template::HeredocTemplate) {
        self.add(node);
    }
}

/// The file's documents, read as a file alone (its siblings unknown).
pub fn extract(text: &str) -> Extraction<'_> {
    extract_in(text, &Module::default())
}

/// The file's documents, read as one file of `module`: a reference to a
/// data source or local written in any file of it is resolved, and each
/// policy is a document of the file that holds it.
pub fn extract_in<'h>(text: &'h str, module: &Module) -> Extraction<'h> {
    let mut out = Extraction::default();
    crate::parse::count_parse();
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(error) => {
            let at = error.location().offset().min(text.len());
            let width = text[at..].chars().next().map_or(0, char::len_utf8);
            out.diagnostics.push(crate::parse::host_syntax_error(
                Span::new(at, at + width),
                format!("the Terraform file does not parse: {}", error.message()),
            ));
            return out;
        }
    };
    if crate::core::syntax::holds_suppression_marker(text.as_bytes()) {
        out.strings = Some(string_spans_of(&body));
    }
    let mut module = module.clone();
    module.add(&body);
    let reader = Reader {
        text,
        module: &module,
    };
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(label).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [kind, name]) => reader.resource(block, kind, &format!("{kind}.{name}"), &mut out),
            // The provider's `assume_role { policy }`: a session policy that
            // narrows what the assumed role's credentials may do.
            ("provider", [name]) => {
                let row = format!("provider.{name}");
                reader.resource(block, &row, &row, &mut out);
            }
            // Every policy document data source is linted where it is
            // written, whether a resource of this file, of another file of
            // the module, or none uses it.
            ("data", [POLICY_DOCUMENT, name]) => out.documents.push(Document {
                location: format!("data.{POLICY_DOCUMENT}.{name}"),
                source: Source::Tree(reader.statements_document(block)),
                kind: None,
            }),
            ("locals", []) => {
                for attr in block.body.attributes() {
                    let location = format!("local.{}", attr.key.as_str());
                    if module.policy_locals.contains(attr.key.as_str()) {
                        // A resource of the module takes it as its policy.
                        reader.attribute(&attr.value, location, None, &mut out);
                    } else {
                        reader.nested_by_shape(&attr.value, location, &mut out, 0);
                    }
                }
            }
            ("variable", [name]) => {
                if let Some(default) = block.body.get_attribute("default") {
                    let location = format!("var.{name}.default");
                    reader.nested_by_shape(&default.value, location, &mut out, 0);
                }
            }
            ("module", [name]) => {
                for attr in block.body.attributes() {
                    let location = format!("module.{name}.{}", attr.key.as_str());
                    reader.nested_by_shape(&attr.value, location, &mut out, 0);
                }
            }
            _ => {}
        }
    }
    out
}

fn span_of(item: &impl hcl_edit::Span) -> Span {
    item.span()
        .map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

struct Reader<'h, 'm> {
    text: &'h str,
    /// The module, this file included.
    module: &'m Module,
}

/// What an expression holds, as far as a policy goes.
enum Found<'h> {
    Document(Source<'h>),
    /// `file("x.json")`: a policy in another file, at this path relative to
    /// the module's folder.
    File(String),
    /// A data source or local of the module, linted in the file that
    /// holds it.
    Elsewhere,
    /// Computed by Terraform: a variable, a call, a conditional, ...
    Unknown,
}

impl<'h> Reader<'h, '_> {
    /// The policies of a block whose table row is `kind`, each located
    /// under `at_block` (`alicloud_ram_policy.NAME`, `provider.alicloud`).
    fn resource(&self, block: &Block, kind: &str, at_block: &str, out: &mut Extraction<'h>) {
        for (_, path, policy) in table().iter().filter(|(t, _, _)| *t == kind) {
            let (attribute, blocks) = path.split_last().expect("rows have an attribute");
            let mut bodies = vec![(&block.body, String::new())];
            for nested in blocks {
                bodies = bodies
                    .into_iter()
                    .flat_map(|(body, at)| {
                        body.blocks()
                            .filter(|b| b.ident.as_str() == *nested)
                            .enumerate()
                            .map(move |(i, b)| (&b.body, format!("{at}.{nested}[{i}]")))
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
            for (body, at) in bodies {
                let Some(attr) = body.get_attribute(attribute) else {
                    continue;
                };
                let location = format!("{at_block}{at}.{attribute}");
                self.attribute(&attr.value, location, *policy, out);
            }
        }
        // Terraform 0.11's `statement = [{ effect = ..., ... }]`.
        if let (true, Some(attr)) = (
            kind == "alicloud_ram_policy",
            block.body.get_attribute("statement"),
        ) {
            let tree = self.statement_list(block, &attr.key, &attr.value);
            out.documents.push(Document {
                location: format!("{at_block}.statement"),
                source: Source::Tree(tree),
                kind: None,
            });
        }
        // The deprecated `statement` blocks of `alicloud_ram_policy`.
        if kind == "alicloud_ram_policy" && block.body.blocks().any(|b| b.ident.as_str() == "statement") {
            let tree = self.statements_document(block);
            out.documents.push(Document {
                location: format!("{at_block}.statement"),
                source: Source::Tree(tree),
                kind: None,
            });
        }
    }

    /// An attribute that holds a policy, at `location`.
    fn attribute(
        &self,
        expr: &Expression,
        location: String,
        kind: Option<PolicyKind>,
        out: &mut Extraction<'h>,
    ) {
        match self.expression(expr) {
            Found::Document(source) => out.documents.push(Document {
                location,
                source,
                kind,
            }),
            Found::File(path) => out.files.push(FileReference { location, path }),
            Found::Elsewhere => out.elsewhere += 1,
            Found::Unknown => out.unknown += 1,
        }
    }

    /// A value outside the resource table: a policy only if it reads as one
    /// (a JSON object with a `Statement`).
    fn by_shape(&self, expr: &Expression, location: String, out: &mut Extraction<'h>) {
        if let Found::Document(source) = self.expression(expr) {
            let is_policy = match &source {
                Source::Tree(root) => root.get("Statement").is_some(),
                Source::Text(embedded) => looks_like_policy(embedded),
            };
            if is_policy {
                out.documents.push(Document {
                    location,
                    source,
                    kind: None,
                });
            }
        }
    }

    /// Module inputs: the value itself, or policies inside its lists and
    /// objects (`inline_policies = [{ policy_document = <<EOF ... }]`).
    fn nested_by_shape(&self, expr: &Expression, location: String, out: &mut Extraction<'h>, depth: usize) {
        if depth > 8 {
            return;
        }
        match expr {
            Expression::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.nested_by_shape(item, format!("{location}[{i}]"), out, depth + 1);
                }
            }
            Expression::Object(object) => {
                for (key, value) in object.iter() {
                    let Some(name) = object_key(key) else { continue };
                    self.nested_by_shape(value.expr(), format!("{location}.{name}"), out, depth + 1);
                }
            }
            _ => self.by_shape(expr, location, out),
        }
    }

    fn expression(&self, expr: &Expression) -> Found<'h> {
        let span = span_of(expr);
        match expr {
            Expression::HeredocTemplate(_) => match heredoc(self.text, span) {
                Some(embedded) => Found::Document(Source::Text(embedded)),
                None => Found::Unknown,
            },
            Expression::String(_) | Expression::StringTemplate(_) => match quoted(self.text, span) {
                Some(embedded) => Found::Document(Source::Text(embedded)),
                None => Found::Unknown,
            },
            Expression::Parenthesis(inner) => self.expression(inner.inner()),
            Expression::FuncCall(call)
                if call.name.namespace.is_empty() && call.name.name.as_str() == "jsonencode" =>
            {
                match call.args.iter().next() {
                    Some(arg @ Expression::Object(_)) => Found::Document(Source::Tree(self.lower(arg, 0))),
                    _ => Found::Unknown,
                }
            }
            Expression::FuncCall(call)
                if call.name.namespace.is_empty()
                    && call.name.name.as_str() == "file"
                    && call.args.len() == 1 =>
            {
                match call.args.iter().next().and_then(file_path) {
                    Some(path) => Found::File(path),
                    None => Found::Unknown,
                }
            }
            Expression::Traversal(traversal) => {
                let data = self.data_reference(traversal);
                let local = local_name(expr);
                if data.is_some_and(|name| self.module.data_documents.contains(name))
                    || local.is_some_and(|name| self.module.locals.contains(name))
                {
                    Found::Elsewhere
                } else {
                    Found::Unknown
                }
            }
            _ => Found::Unknown,
        }
    }

    /// The `NAME` of `data.alicloud_ram_policy_document.NAME.document` (or
    /// `.json`, with an optional `[0]` for a counted data source).
    fn data_reference<'t>(&self, traversal: &'t hcl_edit::expr::Traversal) -> Option<&'t str> {
        let Expression::Variable(root) = &traversal.expr else {
            return None;
        };
        if root.as_str() != "data" {
            return None;
        }
        let names: Vec<&str> = traversal
            .operators
            .iter()
            .filter_map(|op| match op.value() {
                TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
                _ => None,
            })
            .collect();
        let [POLICY_DOCUMENT, name, "document" | "json"] = names.as_slice() else {
            return None;
        };
        Some(*name)
    }

    /// An HCL expression as a JSON tree with host spans; what Terraform
    /// computes is unknown.
    fn lower(&self, expr: &Expression, depth: usize) -> Node<'h> {
        let span = span_of(expr);
        let value = if depth > MAX_DEPTH {
            Value::Unknown
        } else {
            match expr {
                Expression::Null(_) => Value::Null,
                Expression::Bool(b) => Value::Bool(*b.value()),
                Expression::Number(_) => Value::Number(Cow::Borrowed(&self.text[span.start..span.end])),
                Expression::String(s) => Value::String(Cow::Owned(s.value().clone())),
                Expression::Array(items) => {
                    Value::Array(items.iter().map(|e| self.lower(e, depth + 1)).collect())
                }
                Expression::Object(object) => {
                    let mut members = Vec::new();
                    for (key, value) in object.iter() {
                        let Some(name) = object_key(key) else {
                            // A computed key: the object's shape is unknown.
                            return Node {
                                span,
                                value: Value::Unknown,
                            };
                        };
                        members.push(Member {
                            key: Cow::Owned(name.to_string()),
                            key_span: span_of(key),
                            value: self.lower(value.expr(), depth + 1),
                        });
                    }
                    Value::Object(members)
                }
                Expression::Parenthesis(inner) => return self.lower(inner.inner(), depth + 1),
                Expression::StringTemplate(template) => template_value(template),
                _ => Value::Unknown,
            }
        };
        Node { span, value }
    }

    /// A `data "alicloud_ram_policy_document"` block, or the `statement`
    /// blocks of a resource, as a policy tree. Synthesised elements
    /// (`Statement`, defaults) carry the span of the block they stand for.
    fn statements_document(&self, block: &Block) -> Node<'h> {
        let block_span = span_of(block);
        let head = block.labels.first().map_or(block_span, span_of);
        let mut members = Vec::new();
        if let Some(version) = block.body.get_attribute("version") {
            members.push(self.member("Version", &version.key, &version.value));
        } else {
            members.push(synthetic("Version", head, Value::String(Cow::Borrowed("1"))));
        }
        let statements: Vec<&Block> = block
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == "statement")
            .collect();
        let dynamic = block.body.blocks().any(|b| {
            b.ident.as_str() == "dynamic" && b.labels.first().is_some_and(|l| label(l) == "statement")
        });
        if let (Some(first), Some(last)) = (statements.first(), statements.last()) {
            let span = Span::new(span_of(*first).start, span_of(*last).end);
            let value = if dynamic {
                Value::Unknown
            } else {
                Value::Array(statements.iter().map(|s| self.statement(s)).collect())
            };
            members.push(Member {
                key: Cow::Borrowed("Statement"),
                key_span: span_of(&first.ident),
                value: Node { span, value },
            });
        } else if dynamic {
            members.push(synthetic("Statement", head, Value::Unknown));
        }
        Node {
            span: block_span,
            value: Value::Object(members),
        }
    }

    /// `statement = [{ effect, action, resource }]` as a policy tree: the
    /// provider's field names become RAM's element names.
    fn statement_list(
        &self,
        block: &Block,
        key: &hcl_edit::Decorated<hcl_edit::Ident>,
        value: &Expression,
    ) -> Node<'h> {
        let head = block.labels.first().map_or(span_of(block), span_of);
        let mut statements = self.lower(value, 1);
        if let Value::Array(items) = &mut statements.value {
            for item in items {
                if let Value::Object(members) = &mut item.value {
                    for m in members.iter_mut() {
                        m.key = Cow::Borrowed(match m.key.as_ref() {
                            "effect" => "Effect",
                            "action" => "Action",
                            "resource" => "Resource",
                            _ => continue,
                        });
                    }
                }
            }
        }
        Node {
            span: span_of(block),
            value: Value::Object(vec![
                synthetic("Version", head, Value::String(Cow::Borrowed("1"))),
                Member {
                    key: Cow::Borrowed("Statement"),
                    key_span: span_of(key),
                    value: statements,
                },
            ]),
        }
    }

    fn statement(&self, block: &Block) -> Node<'h> {
        let span = span_of(block);
        let mut members = Vec::new();
        let mut has_effect = false;
        for attr in block.body.attributes() {
            let key = match attr.key.as_str() {
                "effect" => {
                    has_effect = true;
                    "Effect"
                }
                "action" => "Action",
                "resource" => "Resource",
                "sid" => "Sid",
                // Not an element of the data source: left to Terraform.
                _ => continue,
            };
            members.push(self.member(key, &attr.key, &attr.value));
        }
        if !has_effect {
            // The data source's default.
            members.push(synthetic(
                "Effect",
                span_of(&block.ident),
                Value::String(Cow::Borrowed("Allow")),
            ));
        }
        let principals: Vec<&Block> = block
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == "principal")
            .collect();
        if let (Some(first), Some(last)) = (principals.first(), principals.last()) {
            let members_of = principals
                .iter()
                .map(|p| {
                    let entity = p.body.get_attribute("entity");
                    let identifiers = p.body.get_attribute("identifiers");
                    match (entity.map(|e| self.lower(&e.value, 1)), identifiers) {
                        (
                            Some(Node {
                                span,
                                value: Value::String(name),
                            }),
                            Some(ids),
                        ) => Some(Member {
                            key: name,
                            key_span: span,
                            value: self.lower(&ids.value, 1),
                        }),
                        _ => None,
                    }
                })
                .collect::<Option<Vec<_>>>();
            let span = Span::new(span_of(*first).start, span_of(*last).end);
            members.push(Member {
                key: Cow::Borrowed("Principal"),
                key_span: span_of(&first.ident),
                value: Node {
                    span,
                    value: members_of.map_or(Value::Unknown, Value::Object),
                },
            });
        }
        let conditions: Vec<&Block> = block
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == "condition")
            .collect();
        if let (Some(first), Some(last)) = (conditions.first(), conditions.last()) {
            members.push(Member {
                key: Cow::Borrowed("Condition"),
                key_span: span_of(&first.ident),
                value: Node {
                    span: Span::new(span_of(*first).start, span_of(*last).end),
                    value: self.conditions(&conditions),
                },
            });
        }
        if block.body.blocks().any(|b| b.ident.as_str() == "dynamic") {
            return Node {
                span,
                value: Value::Unknown,
            };
        }
        members.sort_by_key(|m| m.key_span.start);
        Node {
            span,
            value: Value::Object(members),
        }
    }

    /// `condition { operator, variable, values }` blocks, grouped by operator
    /// as the provider renders them.
    fn conditions(&self, blocks: &[&Block]) -> Value<'h> {
        let mut operators: Vec<Member<'h>> = Vec::new();
        for block in blocks {
            let (Some(operator), Some(variable), Some(values)) = (
                block.body.get_attribute("operator"),
                block.body.get_attribute("variable"),
                block.body.get_attribute("values"),
            ) else {
                return Value::Unknown;
            };
            let (
                Node {
                    span: op_span,
                    value: Value::String(op),
                },
                Node {
                    span: var_span,
                    value: Value::String(var),
                },
            ) = (self.lower(&operator.value, 1), self.lower(&variable.value, 1))
            else {
                return Value::Unknown;
            };
            let entry = Member {
                key: var,
                key_span: var_span,
                value: self.lower(&values.value, 1),
            };
            let block_span = span_of(*block);
            match operators.iter_mut().find(|m| m.key == op) {
                Some(existing) => {
                    existing.value.span = Span::new(existing.value.span.start, block_span.end);
                    if let Value::Object(entries) = &mut existing.value.value {
                        entries.push(entry);
                    }
                }
                None => operators.push(Member {
                    key: op,
                    key_span: op_span,
                    value: Node {
                        span: Span::new(op_span.start.min(block_span.start), block_span.end),
                        value: Value::Object(vec![entry]),
                    },
                }),
            }
        }
        Value::Object(operators)
    }

    fn member(
        &self,
        key: &'static str,
        ident: &hcl_edit::Decorated<hcl_edit::Ident>,
        value: &Expression,
    ) -> Member<'h> {
        Member {
            key: Cow::Borrowed(key),
            key_span: span_of(ident),
            value: self.lower(value, 1),
        }
    }
}

/// The path a `file()` argument names when Terraform would not have to
/// compute it: a literal, or a literal after a leading `${path.module}`
/// (the module's folder, written `.`). `path.root`, `path.cwd`, variables
/// and calls are not known here.
fn file_path(expr: &Expression) -> Option<String> {
    use hcl_edit::template::Element;
    match expr {
        Expression::String(s) => Some(s.value().clone()),
        Expression::Parenthesis(inner) => file_path(inner.inner()),
        Expression::StringTemplate(template) => {
            let mut path = String::new();
            for (i, element) in template.iter().enumerate() {
                match element {
                    Element::Literal(literal) => path.push_str(literal.value()),
                    Element::Interpolation(interpolation)
                        if i == 0 && is_path_module(&interpolation.expr) =>
                    {
                        path.push('.');
                    }
                    _ => return None,
                }
            }
            Some(path)
        }
        _ => None,
    }
}

fn is_path_module(expr: &Expression) -> bool {
    let Expression::Traversal(traversal) = expr else {
        return false;
    };
    let names: Vec<Option<&str>> = traversal
        .operators
        .iter()
        .map(|op| match op.value() {
            TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
            _ => None,
        })
        .collect();
    matches!(&traversal.expr, Expression::Variable(root) if root.as_str() == "path")
        && names == [Some("module")]
}

/// A quoted template (`"acs:ens:*:${var.account}:instance/*"`): its
/// literal text around the interpolations, or unknown when a directive
/// (`%{if}`) repeats or drops text, or when nothing is literal.
fn template_value<'h>(template: &hcl_edit::template::StringTemplate) -> Value<'h> {
    use hcl_edit::template::Element;
    let mut segments = vec![String::new()];
    for element in template.iter() {
        match element {
            Element::Literal(literal) => {
                if let Some(last) = segments.last_mut() {
                    last.push_str(literal.value());
                }
            }
            Element::Interpolation(_) => segments.push(String::new()),
            Element::Directive(_) => return Value::Unknown,
        }
    }
    if segments.len() < 2 || segments.iter().all(String::is_empty) {
        return Value::Unknown;
    }
    Value::Partial(segments.into_iter().map(Cow::Owned).collect())
}

fn synthetic<'h>(key: &'static str, span: Span, value: Value<'h>) -> Member<'h> {
    Member {
        key: Cow::Borrowed(key),
        key_span: span,
        value: Node { span, value },
    }
}

fn object_key(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().as_str()),
        ObjectKey::Expression(_) => None,
    }
}

/// Whether decoded text outside the resource table reads as a policy.
fn looks_like_policy(embedded: &Embedded) -> bool {
    let text = embedded.text.trim_start();
    text.starts_with('{') && text.contains("\"Statement\"")
}

/// A heredoc at `span` (`<<EOF` ... `EOF`, or `<<-EOF` with its common
/// indentation stripped). `None` when it holds template directives.
fn heredoc(host: &str, span: Span) -> Option<Embedded> {
    let raw = host.get(span.start..span.end)?;
    let indented = raw.starts_with("<<-");
    let body_start = span.start + raw.find('\n')? + 1;
    // The closing marker's line is not content.
    let body_end = span.start + raw.rfind('\n')? + 1;
    let body = host.get(body_start..body_end.max(body_start))?;
    let lines: Vec<(usize, &str)> = body
        .split_inclusive('\n')
        .scan(body_start, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .collect();
    let strip = if indented {
        lines
            .iter()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(_, line)| line.len() - line.trim_start_matches([' ', '\t']).len())
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let mut text = String::with_capacity(body.len());
    let mut map = SourceMap::default();
    for (start, line) in lines {
        let cut = strip.min(line.len() - line.trim_start_matches([' ', '\t']).len());
        let kept = &line[cut..];
        map.push(kept.len(), Span::new(start + cut, start + line.len()));
        text.push_str(kept);
    }
    let holes = template_holes_checked(&mut text, &[])?;
    repair_holes(&mut text, &holes);
    Some(Embedded {
        text,
        map,
        holes,
        encoding: Encoding::Heredoc,
    })
}

/// A quoted HCL string at `span`, its escapes decoded.
fn quoted(host: &str, span: Span) -> Option<Embedded> {
    let raw = host.get(span.start + 1..span.end.checked_sub(1)?)?;
    let base = span.start + 1;
    let mut text = String::with_capacity(raw.len());
    let mut map = SourceMap::default();
    let mut run_start = 0;
    let mut i = 0;
    let mut escaped = Vec::new();
    let bytes = raw.as_bytes();
    while i < raw.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if run_start < i {
            map.push(i - run_start, Span::new(base + run_start, base + i));
            text.push_str(&raw[run_start..i]);
        }
        let (decoded, len) = hcl_escape(&raw[i..]);
        map.push(decoded.len_utf8(), Span::new(base + i, base + i + len));
        if matches!(decoded, '$' | '%') {
            // `\u0024{` is the text `${`: HCL reads templates before escapes.
            escaped.push(text.len());
        }
        text.push(decoded);
        i += len;
        run_start = i;
    }
    if run_start < raw.len() {
        map.push(
            raw.len() - run_start,
            Span::new(base + run_start, base + raw.len()),
        );
        text.push_str(&raw[run_start..]);
    }
    let holes = template_holes_checked(&mut text, &escaped)?;
    repair_holes(&mut text, &holes);
    Some(Embedded {
        text,
        map,
        holes,
        encoding: Encoding::HclString,
    })
}

/// The character an HCL escape at the start of `raw` stands for, and its
/// length in the source.
fn hcl_escape(raw: &str) -> (char, usize) {
    let hex = |n: usize| {
        raw.get(2..2 + n)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
    };
    match raw.as_bytes().get(1) {
        Some(b'n') => ('\n', 2),
        Some(b'r') => ('\r', 2),
        Some(b't') => ('\t', 2),
        Some(b'"') => ('"', 2),
        Some(b'\\') => ('\\', 2),
        Some(b'u') => hex(4).map_or(('\\', 1), |c| (c, 6)),
        Some(b'U') => hex(8).map_or(('\\', 1), |c| (c, 10)),
        _ => ('\\', 1),
    }
}

/// [`template_holes_literal`], and `None` when the text holds a directive.
fn template_holes_checked(text: &mut String, literal: &[usize]) -> Option<Vec<Span>> {
    let holes = template_holes_literal(text, literal);
    // A directive repeats or drops text: the document is not known.
    (!holes.iter().any(|h| text.as_bytes()[h.start] == b'%')).then_some(holes)
}

/// Finds the `${...}` interpolations and `%{...}` directives of a Terraform
/// template and overwrites each interpolation, in place and at the same
/// length, with a placeholder JSON can parse: underscores inside a JSON
/// string, a string of underscores where a value stands. Directives are
/// left as they are (the caller gives up on such a text).
pub fn template_holes(text: &mut String) -> Vec<Span> {
    template_holes_literal(text, &[])
}

/// [`template_holes`], where a `$` or `%` at an offset of `literal` (an
/// escape in the host, such as `\u0024`) opens nothing.
fn template_holes_literal(text: &mut String, literal: &[usize]) -> Vec<Span> {
    let mut holes = Vec::new();
    let mut bytes = std::mem::take(text).into_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (b == b'$' || b == b'%') && bytes.get(i + 1) == Some(&b'{') && literal.binary_search(&i).is_err() {
            // `$${` and `%%{` are escapes for the literal text.
            if i > 0 && bytes[i - 1] == b {
                i += 2;
                continue;
            }
            let end = closing_brace(&bytes, i + 2);
            holes.push(Span::new(i, end));
            if b == b'$' {
                fill(&mut bytes[i..end], in_string);
            }
            i = end;
            continue;
        }
        if in_string && b == b'\\' {
            i += 2;
            continue;
        }
        if b == b'"' {
            in_string = !in_string;
        }
        i += 1;
    }
    // Only ASCII was written over whole characters (an interpolation is
    // replaced from its `$` to its `}`), so the text is still UTF-8.
    *text = String::from_utf8(bytes).unwrap_or_default();
    holes
}

/// Templates with more holes than this are not repaired (each attempt
/// parses the whole text).
const MAX_REPAIRED_HOLES: usize = 64;

/// What an interpolation outside a JSON string may stand for besides a
/// value: one or more members of an object, with the commas around them
/// (`{"Effect": "Allow", ${var.condition} "Action": ...}`).
const MEMBER_FILLERS: &[&str] = &["\"\":0", "\"\":0,", ",\"\":0", ",\"\":0,"];

/// A text whose holes, filled as values, do not parse: each hole before
/// the first error is tried as members instead, until the text parses.
/// A member filler's key lies in the hole, so the object holding it is
/// unknown whole (`mark_holes`): nothing is concluded from what the
/// object lacks. When no filling parses the text is left as it was (the
/// document is then not read, and counted as unknown).
pub(crate) fn repair_holes(text: &mut String, holes: &[Span]) {
    if holes.is_empty() || holes.len() > MAX_REPAIRED_HOLES {
        return;
    }
    let original = text.clone();
    // Holes outside a string were filled as a quoted value.
    let outside: Vec<Span> = holes
        .iter()
        .copied()
        .filter(|h| original.as_bytes().get(h.start) == Some(&b'"'))
        .collect();
    let mut choice = vec![0usize; outside.len()];
    let mut bytes = original.clone().into_bytes();
    for _ in 0..=outside.len() * MEMBER_FILLERS.len() {
        let Ok(candidate) = std::str::from_utf8(&bytes) else {
            return;
        };
        let parsed = crate::parse::parse(candidate);
        let Some(error) = parsed.errors.first() else {
            *text = candidate.to_string();
            return;
        };
        let Some(i) = outside.iter().rposition(|h| h.start <= error.span.start) else {
            return;
        };
        // The next filler of that hole that fits it.
        let hole = outside[i];
        let fitted = loop {
            choice[i] += 1;
            let Some(filler) = MEMBER_FILLERS.get(choice[i] - 1) else {
                break false;
            };
            let region = &original.as_bytes()[hole.start..hole.end];
            if region.len() >= filler.len() && !region[..filler.len()].contains(&b'\n') {
                for (k, b) in bytes[hole.start..hole.end].iter_mut().enumerate() {
                    *b = match filler.as_bytes().get(k) {
                        Some(&f) => f,
                        None if region[k] == b'\n' => b'\n',
                        None => b' ',
                    };
                }
                break true;
            }
        };
        if !fitted {
            return;
        }
    }
}

/// The offset past the `}` that closes a template sequence opened before
/// `from`, skipping nested braces and quoted strings.
fn closing_brace(bytes: &[u8], from: usize) -> usize {
    let mut depth = 1;
    let mut i = from;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Overwrites an interpolation with a placeholder of the same length,
/// keeping line breaks so that later positions stay on their lines.
fn fill(hole: &mut [u8], in_string: bool) {
    for b in hole.iter_mut() {
        if *b != b'\n' {
            *b = b'_';
        }
    }
    if !in_string && hole.len() >= 2 {
        hole[0] = b'"';
        let last = hole.len() - 1;
        hole[last] = b'"';
    }
}

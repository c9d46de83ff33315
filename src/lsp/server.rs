//! The server loop: one thread reads messages in order, answers requests,
//! keeps the open documents, and lints a changed document once the user
//! pauses (debounced), so a burst of keystrokes costs one lint. Nothing a
//! client sends ends the loop except `exit` (or the end of its input): a
//! bad request gets an error response, a bad notification a log message.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, CompletionOptions,
    CompletionParams, CompletionResponse, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeParams, InitializeResult, MarkupContent, MarkupKind,
    PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;

use crate::workspace::settings::Workspace;

use super::actions;
use super::diagnostics::{self, ConfigProblem};
use super::documents::{file_path, Document, Encoding};
use super::transport::log_message;

/// The code action kind of "fix everything safe in this file".
pub(super) const FIX_ALL: &str = "source.fixAll.policy-check";

/// How long the user must pause after a change before it is linted, and
/// the longest a change waits while the user keeps typing.
const DEBOUNCE: Duration = Duration::from_millis(40);
const MAX_WAIT: Duration = Duration::from_millis(300);

/// Why the loop ended.
enum Flow {
    Continue,
    Exit,
}

pub(super) struct Server {
    sender: Sender<Message>,
    receiver: Receiver<Message>,
    encoding: Encoding,
    root: PathBuf,
    workspace: Workspace,
    documents: HashMap<Uri, Document>,
    /// Configuration diagnostics last published, by TOML file.
    config_published: HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    debounce: Duration,
    can_create_files: bool,
    watch_files: bool,
    shut_down: bool,
    next_id: i32,
}

impl Server {
    pub(super) fn new(sender: Sender<Message>, receiver: Receiver<Message>) -> Self {
        let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Server {
            sender,
            receiver,
            encoding: Encoding::Utf16,
            workspace: diagnostics::workspace(&root),
            root,
            documents: HashMap::new(),
            config_published: HashMap::new(),
            debounce: DEBOUNCE,
            can_create_files: false,
            watch_files: false,
            shut_down: false,
            next_id: 0,
        }
    }

    /// Serves until `exit`; returns the process exit code (0 when `exit`
    /// came after `shutdown`, as the protocol asks, else 1).
    pub(super) fn run(mut self) -> u8 {
        if !self.wait_for_initialize() {
            return 1;
        }
        loop {
            let deadline = self.next_deadline();
            let message = match deadline {
                Some(deadline) => {
                    match self
                        .receiver
                        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    {
                        Ok(message) => Some(message),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                None => match self.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => break,
                },
            };
            if let Some(message) = message {
                if let Flow::Exit = self.handle(message) {
                    return if self.shut_down { 0 } else { 1 };
                }
            }
            self.lint_due();
        }
        1
    }

    fn send(&self, message: impl Into<Message>) {
        // The writer is gone only when the client is: nothing to tell.
        let _ = self.sender.send(message.into());
    }

    fn log(&self, text: &str) {
        self.send(log_message(text));
    }

    /// Answers requests before `initialize` with an error, as the protocol
    /// asks; returns false when the client left first.
    fn wait_for_initialize(&mut self) -> bool {
        while let Ok(message) = self.receiver.recv() {
            match message {
                Message::Request(request) if request.method == "initialize" => {
                    match serde_json::from_value::<InitializeParams>(request.params) {
                        Ok(params) => {
                            let result = self.initialize(params);
                            self.send(Response::new_ok(request.id, result));
                            return true;
                        }
                        Err(e) => self.send(Response::new_err(
                            request.id,
                            ErrorCode::InvalidParams as i32,
                            format!("invalid initialize parameters: {e}"),
                        )),
                    }
                }
                Message::Request(request) => self.send(Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized yet".into(),
                )),
                Message::Notification(n) if n.method == "exit" => return false,
                _ => {}
            }
        }
        false
    }

    fn initialize(&mut self, params: InitializeParams) -> InitializeResult {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        if offered.is_some_and(|list| list.contains(&PositionEncodingKind::UTF8)) {
            self.encoding = Encoding::Utf8;
        }
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|uri| file_path(&uri));
        if let Some(root) = root {
            self.root = root;
            self.workspace = diagnostics::workspace(&self.root);
        }
        if let Some(ms) = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(|v| v.as_u64())
        {
            self.debounce = Duration::from_millis(ms);
        }
        let workspace = params.capabilities.workspace.as_ref();
        self.can_create_files = workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&lsp_types::ResourceOperationKind::Create));
        self.watch_files = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let encoding = match self.encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        };
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".into(), "\"".into()]),
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
                    ..Default::default()
                })),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "policy-check".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    fn handle(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) => return self.notification(notification),
            // Answers to our own requests (the watcher registration).
            Message::Response(_) => {}
        }
        Flow::Continue
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shut_down {
            return self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shut down".into(),
            ));
        }
        let response = match request.method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                Response::new_ok(id, ())
            }
            "initialize" => {
                Response::new_err(id, ErrorCode::InvalidRequest as i32, "already initialized".into())
            }
            "textDocument/hover" => self.with_params(id, request.params, Self::hover),
            "textDocument/completion" => self.with_params(id, request.params, Self::completion),
            "textDocument/codeAction" => self.with_params(id, request.params, Self::code_action),
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{method}`"),
            ),
        };
        self.send(response);
    }

    /// Decodes a request's parameters and answers with `handler`'s result.
    fn with_params<P: DeserializeOwned, R: serde::Serialize>(
        &mut self,
        id: RequestId,
        params: serde_json::Value,
        handler: fn(&mut Self, P) -> R,
    ) -> Response {
        match serde_json::from_value::<P>(params) {
            Ok(params) => Response::new_ok(id, handler(self, params)),
            Err(e) => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("invalid parameters: {e}"),
            ),
        }
    }

    fn notification(&mut self, notification: Notification) -> Flow {
        let method = notification.method.clone();
        let params = notification.params;
        fn parse<P: DeserializeOwned>(params: serde_json::Value) -> Result<P, String> {
            serde_json::from_value(params).map_err(|e| e.to_string())
        }
        let result = match method.as_str() {
            "exit" => return Flow::Exit,
            "initialized" => {
                self.register_watcher();
                Ok(())
            }
            "textDocument/didOpen" => parse(params).map(|p| self.did_open(p)),
            "textDocument/didChange" => parse(params).map(|p| self.did_change(p)),
            "textDocument/didSave" => parse(params).map(|p| self.did_save(p)),
            "textDocument/didClose" => parse(params).map(|p| self.did_close(p)),
            "workspace/didChangeWatchedFiles" => parse(params).map(|p| self.watched_files(p)),
            // `$/cancelRequest`, `$/setTrace` and anything else: nothing to do.
            _ => Ok(()),
        };
        if let Err(problem) = result {
            self.log(&format!("policy-check: ignored `{method}`: {problem}"));
        }
        Flow::Continue
    }

    /// Asks the client to tell us about configuration files it sees change.
    fn register_watcher(&mut self) {
        if !self.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{}", crate::config::FILE_NAME)),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "policy-check-config".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        let id = RequestId::from(format!("policy-check-{}", self.next_id));
        self.send(Request::new(id, "client/registerCapability".into(), params));
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let doc = Document::new(item.uri.clone(), item.version, item.text);
        self.documents.insert(item.uri.clone(), doc);
        self.lint_and_publish(&item.uri);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let encoding = self.encoding;
        let Some(doc) = self.documents.get_mut(&uri) else {
            return self.log(&format!(
                "policy-check: ignored a change to `{}`, which is not open",
                uri.as_str()
            ));
        };
        for change in params.content_changes {
            doc.text.apply(change, encoding);
        }
        doc.version = params.text_document.version;
        let now = Instant::now();
        doc.pending = Some(match doc.pending {
            Some((first, _)) => (first, now),
            None => (now, now),
        });
    }

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if file_path(&uri).is_some_and(|p| diagnostics::is_config(&p)) {
            self.reload();
        } else if self.documents.get(&uri).is_some_and(|d| d.pending.is_some()) {
            self.lint_and_publish(&uri);
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.documents.remove(&uri).is_some()
            && !file_path(&uri).is_some_and(|p| diagnostics::is_config(&p))
        {
            self.publish(uri, Vec::new(), None);
        }
    }

    fn watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|c| file_path(&c.uri).is_some_and(|p| diagnostics::is_config(&p)))
        {
            self.reload();
        }
    }

    /// A configuration changed: forget every loaded one and lint every open
    /// document again; configuration diagnostics that no longer apply go.
    // lsp-types keys edits by `Uri`, whose parsed form caches lazily; the
    // key never changes once built.
    #[allow(clippy::mutable_key_type)]
    fn reload(&mut self) {
        self.workspace = diagnostics::workspace(&self.root);
        let stale: Vec<Uri> = self.config_published.keys().cloned().collect();
        let mut problems = Vec::new();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            problems.extend(self.lint_and_publish_quiet(&uri));
        }
        let mut fresh: HashMap<Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for problem in problems {
            let list = fresh.entry(problem.uri).or_default();
            if !list.contains(&problem.diagnostic) {
                list.push(problem.diagnostic);
            }
        }
        for uri in stale {
            if !fresh.contains_key(&uri) {
                self.publish(uri, Vec::new(), None);
            }
        }
        for (uri, list) in &fresh {
            self.publish(uri.clone(), list.clone(), None);
        }
        self.config_published = fresh;
    }

    /// The earliest moment a pending change is due to be linted.
    fn next_deadline(&self) -> Option<Instant> {
        self.documents
            .values()
            .filter_map(|d| d.pending)
            .map(|(first, last)| (last + self.debounce).min(first + MAX_WAIT))
            .min()
    }

    fn lint_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .documents
            .values()
            .filter(|d| {
                d.pending
                    .is_some_and(|(first, last)| (last + self.debounce).min(first + MAX_WAIT) <= now)
            })
            .map(|d| d.uri.clone())
            .collect();
        for uri in due {
            self.lint_and_publish(&uri);
        }
    }

    /// Lints a document now and publishes its diagnostics and any new
    /// configuration problem.
    fn lint_and_publish(&mut self, uri: &Uri) {
        let problems = self.lint_and_publish_quiet(uri);
        let mut changed: Vec<Uri> = Vec::new();
        for problem in problems {
            let list = self.config_published.entry(problem.uri.clone()).or_default();
            if !list.contains(&problem.diagnostic) {
                list.push(problem.diagnostic);
                changed.push(problem.uri);
            }
        }
        for uri in changed {
            let list = self.config_published[&uri].clone();
            self.publish(uri, list, None);
        }
    }

    /// Lints and publishes a document's own diagnostics; returns the
    /// problems of configuration files, for the caller to publish.
    fn lint_and_publish_quiet(&mut self, uri: &Uri) -> Vec<ConfigProblem> {
        let encoding = self.encoding;
        let Some(doc) = self.documents.get_mut(uri) else {
            return Vec::new();
        };
        doc.pending = None;
        if doc.path.as_deref().is_some_and(diagnostics::is_config) {
            return Vec::new();
        }
        let linted = diagnostics::lint(doc, &mut self.workspace, encoding);
        doc.findings = linted.findings;
        doc.outline = linted.outline;
        doc.fixed = OnceCell::new();
        let mut published: Vec<lsp_types::Diagnostic> = doc
            .findings
            .iter()
            .map(|f| diagnostics::to_lsp(f, &doc.uri, &doc.text, encoding))
            .collect();
        published.extend(linted.notes);
        let mut others = Vec::new();
        for problem in linted.config_problems {
            if problem.uri == doc.uri {
                published.push(problem.diagnostic);
            } else {
                others.push(problem);
            }
        }
        let version = doc.version;
        self.publish(uri.clone(), published, Some(version));
        others
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        ));
    }

    /// The open document `uri`, linted first if a change is pending (a
    /// request must see the text the client sees).
    fn current(&mut self, uri: &Uri) -> Option<&Document> {
        if self.documents.get(uri)?.pending.is_some() {
            self.lint_and_publish(uri);
        }
        self.documents.get(uri)
    }

    fn hover(&mut self, params: HoverParams) -> Option<Hover> {
        let encoding = self.encoding;
        let position = params.text_document_position_params;
        let doc = self
            .current(&position.text_document.uri)
            .filter(|d| !too_large(d))?;
        let offset = doc.text.offset(position.position, encoding);
        let (markdown, span) = super::hover::hover(
            &doc.text.text,
            offset,
            (&doc.findings, &doc.outline),
            is_yaml(&doc.name),
        )?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(doc.text.range(span, encoding)),
        })
    }

    fn completion(&mut self, params: CompletionParams) -> Option<CompletionResponse> {
        let encoding = self.encoding;
        let position = params.text_document_position;
        let doc = self
            .documents
            .get(&position.text_document.uri)
            .filter(|d| !too_large(d))?;
        let offset = doc.text.offset(position.position, encoding);
        let items = super::completion::complete(&doc.text.text, offset, is_yaml(&doc.name), &|span| {
            doc.text.range(span, encoding)
        });
        Some(CompletionResponse::Array(items))
    }

    fn code_action(&mut self, params: CodeActionParams) -> Option<Vec<lsp_types::CodeActionOrCommand>> {
        let encoding = self.encoding;
        let can_create = self.can_create_files;
        let uri = params.text_document.uri;
        let wanted = |kind: &CodeActionKind| {
            params.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|o| {
                    kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                })
            })
        };
        let fix_all = wanted(&CodeActionKind::new(FIX_ALL))
            .then(|| self.fix_all(&uri))
            .flatten();
        let doc = self.current(&uri)?;
        let range = doc.text.span(params.range, encoding);
        let mut out = Vec::new();
        if wanted(&CodeActionKind::QUICKFIX) {
            let touched = doc
                .findings
                .iter()
                .filter(|f| f.span.start <= range.end && range.start <= f.span.end);
            let mut suppressions = Vec::new();
            for finding in touched {
                let lsp = diagnostics::to_lsp(finding, &doc.uri, &doc.text, encoding);
                out.extend(actions::fix(doc, finding, lsp.clone(), encoding));
                suppressions.extend(actions::suppression(doc, finding, lsp, encoding, can_create));
            }
            // Fixes first: an editor offers the first preferred action.
            out.extend(suppressions);
        }
        out.extend(fix_all);
        Some(
            out.into_iter()
                .map(lsp_types::CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }

    /// Every safe fix of the document, applied by the engine's fix loop as
    /// `--fix` applies them (a fix that would make the document parse worse
    /// is left out, the others kept), as one edit; `None` when there is
    /// nothing to fix. The loop runs at most once per version, and not at
    /// all when no finding of that version has a safe fix: it would start
    /// from those very findings.
    // lsp-types keys edits by `Uri`, whose parsed form caches lazily; the
    // key never changes once built.
    #[allow(clippy::mutable_key_type)]
    fn fix_all(&mut self, uri: &Uri) -> Option<lsp_types::CodeAction> {
        let encoding = self.encoding;
        self.current(uri)?;
        let doc = self.documents.get(uri)?;
        let fixable = |f: &crate::core::Diagnostic| f.fix.as_ref().is_some_and(|fix| fix.applies(false));
        if !doc.findings.iter().any(fixable) {
            return None;
        }
        let workspace = &mut self.workspace;
        let fixed = doc
            .fixed
            .get_or_init(|| diagnostics::analyze(doc, workspace, encoding, true).fixed);
        let edit = actions::minimal_edit(&doc.text, fixed.as_ref()?, encoding);
        let mut changes = HashMap::new();
        changes.insert(uri.clone(), vec![edit]);
        Some(lsp_types::CodeAction {
            title: "Fix all safely fixable policy-check findings".into(),
            kind: Some(CodeActionKind::new(FIX_ALL)),
            edit: Some(lsp_types::WorkspaceEdit::new(changes)),
            ..Default::default()
        })
    }
}

/// Whether a document is over the size the linter reads: hover and
/// completion, which scan it, stay off it too.
fn too_large(doc: &Document) -> bool {
    doc.text.text.len() as u64 > crate::workspace::read::DEFAULT_MAX_FILE_SIZE
}

/// Whether the document is read as YAML (a ROS template).
fn is_yaml(name: &str) -> bool {
    crate::core::Syntax::of(name) == Some(crate::core::Syntax::Yaml)
}

//! `policy-check lsp`: a Language Server Protocol server over stdio, so any
//! editor shows the findings as the user types, explains actions, condition
//! keys and rules on hover, completes names from the operation tables and
//! condition vocabulary, and offers fixes and suppressions as code actions.
//!
//! [`transport`] frames messages, [`server`] runs the loop, [`documents`]
//! holds the open texts and converts positions, [`diagnostics`] lints with
//! the command line's settings, and [`context`], [`hover`], [`completion`]
//! and [`actions`] answer the requests.

mod actions;
mod completion;
mod context;
mod diagnostics;
mod documents;
mod hover;
mod server;
pub mod transport;

use std::io;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::Message;

/// Serves on standard input and output until the client says `exit`;
/// returns the exit code the protocol asks for.
pub fn run() -> io::Result<u8> {
    let (sender, receiver, threads) = transport::stdio();
    let code = serve(sender, receiver);
    // The server (and with it the last sender) is gone: the writer drains
    // what is queued and stops.
    threads.join()?;
    Ok(code)
}

/// Serves the messages `receiver` yields, on the calling thread, answering
/// on `sender`, until `exit` or until `receiver` has nothing more; returns
/// the exit code the protocol asks for. [`run`] serves stdio with it; a
/// test serves channels, and so sees what the server does on its thread.
pub fn serve(sender: Sender<Message>, receiver: Receiver<Message>) -> u8 {
    server::Server::new(sender, receiver).run()
}

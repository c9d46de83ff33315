//! The language server's wire: `Content-Length` framed JSON-RPC over stdio,
//! read by a thread of our own rather than lsp-server's, because lsp-server's
//! reader stops (and so ends the server) at the first malformed frame. This
//! one reports a bad frame to the client and reads on from the next
//! `Content-Length` header it finds.

use std::io::{self, BufRead};
use std::thread;

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, RequestId, Response};

/// The largest message body read; a larger one is skipped unread, so a
/// hostile `Content-Length` cannot make the server allocate without bound.
/// A 20 MB document in `didOpen` is still read (and reported as too large
/// to lint by the server).
pub const MAX_MESSAGE: usize = 64 << 20;

/// The longest header line kept while looking for `Content-Length`.
const MAX_HEADER_LINE: usize = 8 << 10;

/// What the reader makes of one frame.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// Not a message: why, and the request id when the body had one, so the
    /// client gets an error response for it.
    Malformed {
        problem: String,
        id: Option<RequestId>,
    },
}

/// The two threads behind [`stdio`]; joined when the server ends.
pub struct IoThreads {
    writer: thread::JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits until every queued message is written. The reader thread is
    /// not joined: it may be blocked on a standard input the client keeps
    /// open, and it ends with the process.
    pub fn join(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// Channels to and from the client over standard input and output: the
/// receiver yields messages in order (malformed frames already answered),
/// the sender writes them.
pub fn stdio() -> (Sender<Message>, Receiver<Message>, IoThreads) {
    let (out_tx, out_rx) = bounded::<Message>(64);
    let writer = thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut stdout = stdout.lock();
            for message in out_rx {
                write_escaped(&message, &mut stdout)?;
            }
            Ok(())
        })
        .expect("spawning the writer thread");
    let (in_tx, in_rx) = bounded::<Message>(64);
    let errors = out_tx.clone();
    thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = io::BufReader::with_capacity(1 << 16, stdin.lock());
            pump(&mut stdin, &in_tx, &errors);
        })
        .expect("spawning the reader thread");
    (out_tx, in_rx, IoThreads { writer })
}

/// Writes one message as lsp-server would, with every character that could
/// reorder or hide text in an editor (bidirectional controls, invisible
/// separators) escaped as `\uXXXX`: diagnostics quote policy text that a
/// stranger wrote, and JSON would otherwise carry it raw.
fn write_escaped(message: &Message, out: &mut impl io::Write) -> io::Result<()> {
    let mut value = serde_json::to_value(message).map_err(io::Error::other)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("jsonrpc".into(), "2.0".into());
    }
    let text = serde_json::to_string(&value).map_err(io::Error::other)?;
    let text = crate::report::escape::json(text);
    write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    out.flush()
}

/// Reads frames until end of input or until the server stops listening;
/// a malformed frame is answered on `errors` and reading goes on.
pub fn pump(input: &mut impl BufRead, messages: &Sender<Message>, errors: &Sender<Message>) {
    let mut resume = None;
    loop {
        match read_frame(input, &mut resume) {
            Ok(None) => return,
            Ok(Some(Frame::Message(message))) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if messages.send(message).is_err() || exit {
                    return;
                }
            }
            Ok(Some(Frame::Malformed { problem, id })) => {
                let reply = match id {
                    Some(id) => Response::new_err(id, ErrorCode::InvalidRequest as i32, problem).into(),
                    None => log_message(&format!("policy-check: ignored a malformed message: {problem}")),
                };
                if errors.send(reply).is_err() {
                    return;
                }
            }
            // Standard input itself failed: nothing more can come.
            Err(_) => return,
        }
    }
}

/// A `window/logMessage` warning, for what the client should see in its log.
pub fn log_message(text: &str) -> Message {
    Notification::new(
        "window/logMessage".into(),
        serde_json::json!({ "type": 2, "message": text }),
    )
    .into()
}

/// Reads one frame: headers up to an empty line, then the body. A header
/// block without `Content-Length` is skipped; a line with garbage before a
/// `Content-Length` header (the tail of a body whose length was wrong) is
/// read from that header on. `None` at end of input. `resume` carries a
/// header found while skipping an oversized body to the next call.
pub fn read_frame(input: &mut impl BufRead, resume: &mut Option<usize>) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = resume.take().map(Ok);
    let mut garbage = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if read_line(input, &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_some() {
                break;
            }
            if garbage {
                return Ok(Some(malformed("a header block without Content-Length")));
            }
            continue;
        }
        let lower = text.to_ascii_lowercase();
        match lower.find("content-length:") {
            Some(at) => {
                garbage |= at > 0;
                let value = text[at + "content-length:".len()..].trim();
                length = Some(value.parse::<usize>().map_err(|_| value.to_string()));
            }
            None if lower.contains(':') && !garbage && lower.is_ascii() => {} // another header
            None => garbage = true,
        }
    }
    let size = match length {
        Some(Ok(size)) => size,
        Some(Err(value)) => {
            return Ok(Some(malformed(&format!(
                "Content-Length `{value}` is not a number"
            ))));
        }
        None => unreachable!("the header loop ends only with a length"),
    };
    if size > MAX_MESSAGE {
        *resume = skip_body(input, size)?;
        return Ok(Some(malformed(&format!(
            "a message of {size} bytes, over the {} MiB limit, was skipped",
            MAX_MESSAGE >> 20
        ))));
    }
    let mut body = vec![0; size];
    input.read_exact(&mut body)?;
    Ok(Some(parse_body(&body)))
}

/// Discards the body of an oversized frame: `size` bytes, unless a
/// `Content-Length: N` line ends in CR LF inside them first, which no JSON
/// body can hold (raw CR and LF appear in JSON only between tokens, where
/// `Content-Length:` cannot). A lying length, up to 2^64 - 1, therefore
/// costs one frame, not every later one: the length of the next real
/// frame, whose header has been read up to its line end, is returned.
fn skip_body(input: &mut impl BufRead, size: usize) -> io::Result<Option<usize>> {
    const KEY: &[u8] = b"content-length:";
    enum Scan {
        Key(usize),
        Spaces,
        Digits(usize),
        Cr(usize),
    }
    let restart = |b: u8| Scan::Key(usize::from(b.eq_ignore_ascii_case(&KEY[0])));
    let mut scan = Scan::Key(0);
    let mut left = size;
    while left > 0 {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(None);
        }
        let chunk = &buffer[..buffer.len().min(left)];
        let mut found = None;
        for (at, &b) in chunk.iter().enumerate() {
            scan = match scan {
                Scan::Key(i) if b.eq_ignore_ascii_case(&KEY[i]) && i + 1 == KEY.len() => Scan::Spaces,
                Scan::Key(i) if b.eq_ignore_ascii_case(&KEY[i]) => Scan::Key(i + 1),
                Scan::Spaces if b == b' ' || b == b'\t' => Scan::Spaces,
                Scan::Spaces | Scan::Digits(_) if b.is_ascii_digit() => {
                    let so_far = if let Scan::Digits(v) = scan { v } else { 0 };
                    Scan::Digits(so_far.saturating_mul(10).saturating_add(usize::from(b - b'0')))
                }
                Scan::Digits(v) if b == b'\r' => Scan::Cr(v),
                Scan::Cr(v) if b == b'\n' => {
                    found = Some((at, v));
                    break;
                }
                _ => restart(b),
            };
        }
        let used = found.map_or(chunk.len(), |(at, _)| at + 1);
        input.consume(used);
        left -= used;
        if let Some((_, length)) = found {
            return Ok(Some(length));
        }
    }
    Ok(None)
}

/// Reads a line, keeping at most [`MAX_HEADER_LINE`] bytes of it.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(total);
        }
        let (chunk, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (&buffer[..=at], true),
            None => (buffer, false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        input.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

fn malformed(problem: &str) -> Frame {
    Frame::Malformed {
        problem: problem.to_string(),
        id: None,
    }
}

/// A body as a message; a JSON body that is not one is answered by its id.
fn parse_body(body: &[u8]) -> Frame {
    match serde_json::from_slice::<Message>(body) {
        Ok(message) => Frame::Message(message),
        Err(error) => {
            let id = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|value| serde_json::from_value::<RequestId>(value.get("id")?.clone()).ok());
            Frame::Malformed {
                problem: format!("not a JSON-RPC message: {error}"),
                id,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut input = io::Cursor::new(input.to_vec());
        let mut out = Vec::new();
        let mut resume = None;
        while let Some(frame) = read_frame(&mut input, &mut resume).unwrap() {
            out.push(match frame {
                Frame::Message(Message::Notification(n)) => n.method,
                Frame::Message(other) => format!("{other:?}"),
                Frame::Malformed { problem, id } => format!("bad({problem}, {id:?})"),
            });
        }
        out
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_on_after_bad_frames() {
        let good = framed(r#"{"jsonrpc":"2.0","method":"a"}"#);
        let short = r#"Content-Length: 5

{"jsonrpc":"2.0","method":"lost"}"#;
        let input = format!(
            "garbage line\r\n\r\n{good}{short}{good}Content-Length: x\r\n\r\n{}{good}",
            framed(r#"{"jsonrpc":"2.0","id":7,"method":3}"#)
        );
        let got = frames(input.as_bytes());
        assert_eq!(got[0], "bad(a header block without Content-Length, None)");
        assert_eq!(got[1], "a");
        assert!(got[2].starts_with("bad(not a JSON-RPC message"), "{got:?}");
        assert_eq!(got[3], "a", "{got:?}");
        assert!(got[4].contains("is not a number"), "{got:?}");
        assert!(got[5].contains("Some(RequestId(I32(7)))"), "{got:?}");
        assert_eq!(got[6], "a");
        assert_eq!(got.len(), 7);
    }

    #[test]
    fn an_oversized_length_is_skipped_not_allocated() {
        let input = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 1);
        let got = frames(input.as_bytes());
        // The body is cut short by the end of input: nothing more is read.
        assert!(got.is_empty() || got[0].contains("over the"), "{got:?}");
    }

    #[test]
    fn a_lying_length_costs_one_frame_not_the_rest_of_the_session() {
        let good = framed(r#"{"jsonrpc":"2.0","method":"a"}"#);
        let input = format!("Content-Length: 18446744073709551615\r\n\r\n{{}}{good}{good}");
        let got = frames(input.as_bytes());
        assert!(got[0].contains("over the"), "{got:?}");
        assert_eq!(&got[1..], ["a", "a"], "{got:?}");
        // An honest oversized body is skipped whole, CR LF and all, and the
        // frame after it is read.
        let big = format!(
            "{{\"jsonrpc\":\"2.0\",\r\n\"method\":\"{}\"}}",
            "Content-Length: 1".repeat(MAX_MESSAGE / 16)
        );
        let input = format!("{}{good}", framed(&big));
        let got = frames(input.as_bytes());
        assert_eq!(got.len(), 2, "{:?}", &got[..got.len().min(3)]);
        assert_eq!(got[1], "a");
    }
}

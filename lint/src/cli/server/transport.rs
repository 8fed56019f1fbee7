//! JSON-RPC over standard input and output, forgiving where `lsp-server`'s own stdio transport
//! stops: a message that is not JSON, not UTF-8 or has a bad header is skipped (and said so
//! on standard error, without its text, which may be a buffer's) and the next one is read.

use std::io::{BufRead, Read, Write};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message};

/// A message larger than this is skipped unread: no editor sends one, and garbage must not
/// make the server allocate what a length header says.
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// The server's end of a connection over stdio, and the threads that carry it.
pub fn stdio() -> (Connection, Vec<JoinHandle<()>>) {
    let (server, io) = Connection::memory();
    let Connection { sender, receiver } = io;
    let reader = std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        while let Some(body) = read_body(&mut input) {
            let Some(body) = body else { continue };
            match serde_json::from_slice::<Message>(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if sender.send(message).is_err() || exit {
                        break;
                    }
                }
                Err(e) => super::log_stderr(&format!(
                    "skipped a malformed message ({} bytes): {}",
                    body.len(),
                    e.classify_name()
                )),
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for message in receiver {
            if message.write(&mut out).is_err() {
                break;
            }
        }
        let _ = out.flush();
    });
    (server, vec![reader, writer])
}

/// Names a JSON error's kind without its text (which quotes the input).
trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "cannot read it",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "not a JSON-RPC message",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}

/// The next message's body: `None` at the end of the input, `Some(None)` for a message to
/// skip (no `Content-Length`, or too large).
fn read_body(input: &mut impl BufRead) -> Option<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    let mut line = Vec::new();
    let mut headers = 0;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if headers == 0 {
                // A blank line between messages.
                continue;
            }
            break;
        }
        headers += 1;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length else {
        super::log_stderr("skipped a message without a valid Content-Length header");
        return Some(None);
    };
    if length > MAX_MESSAGE {
        super::log_stderr(&format!("skipped a message of {length} bytes"));
        let skipped = std::io::copy(&mut input.take(length as u64), &mut std::io::sink()).ok()?;
        return (skipped == length as u64).then_some(None);
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    Some(Some(body))
}

#[cfg(test)]
mod tests {
    use super::read_body;

    #[test]
    fn bad_headers_are_skipped() {
        let mut input: &[u8] = b"Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(read_body(&mut input), Some(None));
        assert_eq!(read_body(&mut input), Some(Some(b"{}".to_vec())));
        assert_eq!(read_body(&mut input), None);
    }
}

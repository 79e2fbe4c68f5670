//! Lines typed (or pasted without bracketed paste) while a statement ran. The terminal is in
//! its normal line mode then, so the kernel holds them as complete lines; the line editor would
//! read them all at once and keep only the first. Before each prompt the REPL takes the
//! complete lines here, one `read` each, and runs them in order; a line still being typed stays
//! for the editor. Unix terminals only; elsewhere nothing is taken.

/// What was waiting on standard input.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Typeahead {
    pub lines: Vec<String>,
    /// Ctrl-D was typed at the start of a line.
    pub eof: bool,
}

/// The complete lines waiting on standard input, without blocking.
#[cfg(unix)]
pub fn take() -> Typeahead {
    take_from(libc::STDIN_FILENO)
}

#[cfg(not(unix))]
pub fn take() -> Typeahead {
    Typeahead::default()
}

/// Longest line kept whole; a longer one is split (terminals cap a line at 4096 bytes anyway).
#[cfg(unix)]
const MAX_LINE: usize = 64 * 1024;

#[cfg(unix)]
fn take_from(fd: libc::c_int) -> Typeahead {
    let mut found = Typeahead::default();
    let mut line: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    while ready(fd) {
        // SAFETY: `buf` is valid for `buf.len()` bytes; `fd` is open for the process's life.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        let Ok(n) = usize::try_from(n) else {
            break; // EINTR, EAGAIN: take the rest next time
        };
        if n == 0 {
            found.eof = true;
            break;
        }
        line.extend_from_slice(&buf[..n]);
        // In line mode each read ends at a line's end; Ctrl-D mid-line hands over what was
        // typed without one. Either way it is a line to run.
        if line.ends_with(b"\n") || n < buf.len() || line.len() >= MAX_LINE {
            found.lines.push(text(&line));
            line.clear();
        }
    }
    if !line.is_empty() {
        found.lines.push(text(&line));
    }
    found
}

#[cfg(unix)]
fn ready(fd: libc::c_int) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let n = unsafe { libc::poll(&mut pfd, 1, 0) };
    n > 0 && pfd.revents & (libc::POLLIN | libc::POLLHUP) != 0
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches(['\n', '\r'])
        .to_string()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn pipe() -> (libc::c_int, libc::c_int) {
        let mut fds = [0; 2];
        // SAFETY: two ints for pipe(2) to fill.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    }

    fn write(fd: libc::c_int, text: &str) {
        // SAFETY: writes `text`'s bytes to a pipe we own.
        let n = unsafe { libc::write(fd, text.as_ptr().cast(), text.len()) };
        assert_eq!(usize::try_from(n).unwrap(), text.len());
    }

    #[test]
    fn nothing_waiting_takes_nothing_and_does_not_block() {
        let (r, w) = pipe();
        assert_eq!(take_from(r), Typeahead::default());
        write(w, "SHOW CONNECTORS;\n");
        let found = take_from(r);
        assert_eq!(found.lines, vec!["SHOW CONNECTORS;"]);
        // SAFETY: closing the pipe we opened.
        unsafe { libc::close(w) };
        assert!(take_from(r).eof);
        unsafe { libc::close(r) };
    }
}

//! WATCH at a terminal: the alternate screen, keys read without blocking, and the promise
//! that the terminal comes back as it was on every way out: the guard's drop (return, error,
//! unwinding panic), a panic hook (so the panic's message lands on the normal screen), and
//! SIGTERM/SIGHUP (restored in the handler; then the signal's default action when nobody else
//! handles it). Ctrl-C stays a signal (the shell's latch ends the WATCH); Ctrl-Z and Ctrl-\
//! are switched off while watching, so the process cannot stop or dump with the screen taken.
//! Unix only; elsewhere [`Screen::enter`] fails and WATCH logs instead. Draws what it is
//! given: it knows nothing of statements.

use std::io;

/// A key WATCH acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Quit,
}

/// The terminal taken over; dropping it gives it back.
#[derive(Debug)]
pub struct Screen {
    _private: (),
}

#[cfg(unix)]
mod imp {
    use std::cell::UnsafeCell;
    use std::mem::MaybeUninit;
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Alternate screen, cursor hidden.
    pub const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l";
    /// Cursor shown, normal screen back.
    pub const LEAVE: &[u8] = b"\x1b[?25h\x1b[?1049l";

    /// The terminal settings from before; written before `ACTIVE` is set, read after it is
    /// cleared (by whoever clears it: drop, panic hook or signal handler, exactly once).
    struct Saved(UnsafeCell<MaybeUninit<libc::termios>>);
    // SAFETY: access is ordered by `ACTIVE` (see above).
    unsafe impl Sync for Saved {}
    static SAVED: Saved = Saved(UnsafeCell::new(MaybeUninit::uninit()));
    static ACTIVE: AtomicBool = AtomicBool::new(false);
    static HOOKS: Once = Once::new();

    /// Gives the terminal back if it is taken; async-signal-safe (write, tcsetattr).
    pub fn restore() {
        if ACTIVE.swap(false, Ordering::AcqRel) {
            // SAFETY: SAVED was written before ACTIVE was set; fds 0 and 1 are the terminal.
            unsafe {
                libc::write(libc::STDOUT_FILENO, LEAVE.as_ptr().cast(), LEAVE.len());
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, (*SAVED.0.get()).as_ptr());
            }
        }
    }

    /// Once per process: the panic hook and the SIGTERM/SIGHUP handlers that restore.
    fn install_hooks() {
        HOOKS.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info)
            }));
            for signal in [libc::SIGTERM, libc::SIGHUP] {
                // Whoever had it at its default (the REPL) gets the default after restoring;
                // a script's own handler (its report) runs as before.
                let default = is_default(signal);
                let action = move || {
                    restore();
                    if default {
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                    }
                };
                // SAFETY: the action only calls async-signal-safe functions.
                let _ = unsafe { signal_hook::low_level::register(signal, action) };
            }
        });
    }

    fn is_default(signal: libc::c_int) -> bool {
        // SAFETY: querying only (null new action).
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, std::ptr::null(), &mut old) == 0
                && old.sa_sigaction == libc::SIG_DFL
        }
    }

    pub fn enter() -> std::io::Result<()> {
        install_hooks();
        // SAFETY: a valid termios out-parameter; fd 0.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if ACTIVE.load(Ordering::Acquire) {
            return Err(std::io::Error::other("the screen is already taken"));
        }
        // SAFETY: not ACTIVE, so nobody reads SAVED now.
        unsafe { (*SAVED.0.get()).write(t) };
        let mut raw = t;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO);
        raw.c_cc[libc::VMIN] = 0;
        raw.c_cc[libc::VTIME] = 0;
        raw.c_cc[libc::VSUSP] = 0;
        raw.c_cc[libc::VQUIT] = 0;
        ACTIVE.store(true, Ordering::Release);
        // SAFETY: fd 0 and a valid termios.
        if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) } != 0 {
            let e = std::io::Error::last_os_error();
            restore();
            return Err(e);
        }
        // SAFETY: fd 1 and a valid buffer.
        unsafe { libc::write(libc::STDOUT_FILENO, ENTER.as_ptr().cast(), ENTER.len()) };
        Ok(())
    }

    /// Bytes typed, without waiting.
    pub fn read_keys() -> Vec<u8> {
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            let mut pfd = libc::pollfd {
                fd: libc::STDIN_FILENO,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, no wait.
            if unsafe { libc::poll(&mut pfd, 1, 0) } <= 0 || pfd.revents & libc::POLLIN == 0 {
                break;
            }
            // SAFETY: `buf` is valid for its length.
            let n = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
            match usize::try_from(n) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            if got.len() > 4096 {
                break;
            }
        }
        got
    }
}

impl Screen {
    /// Takes the terminal (standard input and output must be one).
    pub fn enter() -> io::Result<Screen> {
        #[cfg(unix)]
        {
            imp::enter()?;
            Ok(Screen { _private: () })
        }
        #[cfg(not(unix))]
        {
            Err(io::Error::other("no terminal screen on this platform"))
        }
    }

    /// The keys typed since the last call that WATCH acts on (`q` quits).
    pub fn keys(&self) -> Vec<Key> {
        #[cfg(unix)]
        {
            keys_in(&imp::read_keys())
        }
        #[cfg(not(unix))]
        {
            Vec::new()
        }
    }

    /// Replaces the screen's content with `lines` (already fitted to the terminal).
    pub fn draw(&self, out: &mut dyn io::Write, lines: &[String]) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(8192);
        bytes.extend_from_slice(b"\x1b[H");
        for line in lines {
            bytes.extend_from_slice(line.as_bytes());
            // Clear the rest of the line: the last frame may have been wider.
            bytes.extend_from_slice(b"\x1b[K\r\n");
        }
        bytes.extend_from_slice(b"\x1b[J");
        out.write_all(&bytes)?;
        out.flush()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        #[cfg(unix)]
        imp::restore();
    }
}

/// The keys among typed bytes.
fn keys_in(bytes: &[u8]) -> Vec<Key> {
    bytes
        .iter()
        .filter_map(|b| match b {
            b'q' | b'Q' => Some(Key::Quit),
            _ => None,
        })
        .collect()
}

/// `lines` cut to `rows` lines (the last saying how many more there were) and each line to
/// `cols` visible characters (escape sequences kept, not counted).
pub fn fit(lines: Vec<String>, cols: usize, rows: usize) -> Vec<String> {
    let rows = rows.max(2);
    let mut lines: Vec<String> = lines.into_iter().map(|l| cut(&l, cols)).collect();
    if lines.len() > rows {
        let more = lines.len() - (rows - 1);
        lines.truncate(rows - 1);
        lines.push(cut(
            &format!("... {more} more lines (a larger terminal shows them)"),
            cols,
        ));
    }
    lines
}

/// `line` with at most `cols` visible characters; an escape sequence (`ESC [ ... letter`)
/// counts as none; a cut line ends with a reset, so no colour runs on.
fn cut(line: &str, cols: usize) -> String {
    let mut out = String::with_capacity(line.len());
    let mut visible = 0;
    let mut chars = line.chars().peekable();
    let mut cut = false;
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            out.push(c);
            if chars.peek() == Some(&'[') {
                for c in chars.by_ref() {
                    out.push(c);
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        if visible == cols {
            cut = true;
            break;
        }
        out.push(c);
        visible += 1;
    }
    if cut && out.contains('\u{1b}') {
        out.push_str("\x1b[0m");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_quits_other_keys_do_nothing() {
        assert_eq!(keys_in(b"xQ\x1b[A q"), vec![Key::Quit, Key::Quit]);
        assert!(keys_in(b"\x03abc").is_empty());
    }

    #[test]
    fn fitting_counts_visible_characters_only() {
        assert_eq!(cut("abcdef", 3), "abc");
        assert_eq!(cut("\x1b[32mRUNNING\x1b[0m", 3), "\x1b[32mRUN\x1b[0m");
        assert_eq!(cut("\x1b[32mok\x1b[0m", 10), "\x1b[32mok\x1b[0m");
        let lines: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        let fitted = fit(lines, 80, 4);
        assert_eq!(fitted.len(), 4);
        assert_eq!(fitted[3], "... 7 more lines (a larger terminal shows them)");
        assert_eq!(fit(vec!["x".into()], 0, 0), vec![String::new()]);
    }
}

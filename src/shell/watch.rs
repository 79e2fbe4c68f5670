//! The WATCH loop: runs the watched statement through the session every tick (the one exec
//! path: live, dry run and its masking apply as to any statement), diffs each result with the
//! last (`watch::diff`), and shows it: at a terminal (tabular output, standard input and
//! output terminals) a screen redrawn in place until `q` or Ctrl-C; otherwise a log, the
//! starting state then one line (or JSON document) per change, each flushed when it happens.
//! `RESTART FAILED` restarts failing connectors in view with `watch::restart`'s backoff,
//! through ordinary RESTART CONNECTOR statements, and logs each with Connect's answer.
//!
//! Nothing waits without a bound: each tick's requests run on a thread with a session of their
//! own (a reader of the shell's) and are given up after [`tick_bound`], the session with them;
//! keys and signals are looked at every [`POLL`] meanwhile. The first fetch failing fails the
//! WATCH (a typo ends at once); after that a failed fetch is a line in the log and WATCH goes
//! on (a worker restarting must not end a night's log), the same error said once with a count.
//! Ends on `q`, a signal (left in the shell's latch, so a script reports and exits 128+n) or a
//! closed output.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Done, Flow, Shell, render_context};
use crate::error::Error;
use crate::exec::Session;
use crate::lang::ast::{Name, Statement, Target};
use crate::lang::statement::{RestartConnector, Watch};
use crate::output::{Block, Format, Output};
use crate::render::style::{Colour, paint};
use crate::watch::clock;
use crate::watch::diff::{self, Change};
use crate::watch::log::{self, Event};
use crate::watch::restart::{Backoff, Decision};
use crate::watch::screen::{self, Key, Screen};

/// How often keys, signals and the terminal's size are looked at.
const POLL: Duration = Duration::from_millis(50);

/// Change lines kept on the screen.
const RECENT: usize = 10;

/// How long a changed row stays marked on the screen (at least one tick).
const MARKED: Duration = Duration::from_secs(10);

/// How long one tick's requests may take before they are given up: twice the interval, within
/// 10 s to 60 s (the client's own timeout may be longer: a WATCH must keep its rhythm).
pub fn tick_bound(interval: Duration) -> Duration {
    (interval * 2).clamp(Duration::from_secs(10), Duration::from_secs(60))
}

/// Runs `watch` until it is stopped. The outer `Result` is a failed write to `out`.
pub(super) fn run(
    shell: &mut Shell,
    watch: &Watch,
    out: &mut dyn Write,
) -> io::Result<Result<Done, Error>> {
    let at_terminal =
        shell.fit_terminal && shell.renderer.format == Format::Tabular && io::stdin().is_terminal();
    let mut view = if at_terminal {
        match Screen::enter() {
            Ok(screen) => View::Screen(Box::new(ScreenView::new(screen))),
            Err(_) => View::Log,
        }
    } else {
        View::Log
    };
    let result = Loop::new(shell, watch).run(&mut view, out);
    drop(view); // the terminal back before anything else is printed
    result
}

/// Where results go.
enum View {
    Log,
    Screen(Box<ScreenView>),
}

/// Why waiting ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Key,
    Signal,
    /// Nobody reads the log any more (`kcsh -e 'WATCH ...' | head -3`).
    Closed,
}

/// What became of work given a bounded time on its own thread.
enum Bounded<T> {
    Done(Result<T, Error>),
    Stopped(Stop),
    /// No answer within the bound: the session was given up with its thread.
    TimedOut,
}

struct Loop<'a> {
    shell: &'a mut Shell,
    watch: &'a Watch,
    statement: Statement,
    interval: Duration,
    /// The session ticks run on; `None` after one was given up.
    session: Option<Session>,
    last: Option<Output>,
    failures: u32,
    last_error: Option<String>,
    backoff: Backoff,
    changed: bool,
}

impl<'a> Loop<'a> {
    fn new(shell: &'a mut Shell, watch: &'a Watch) -> Loop<'a> {
        Loop {
            statement: (*watch.statement).clone(),
            interval: Duration::from_secs(watch.interval_secs()),
            shell,
            watch,
            session: None,
            last: None,
            failures: 0,
            last_error: None,
            backoff: Backoff::default(),
            changed: false,
        }
    }

    fn done(&self) -> Done {
        Done {
            flow: Flow::Continue,
            changed: self.changed,
        }
    }

    fn run(mut self, view: &mut View, out: &mut dyn Write) -> io::Result<Result<Done, Error>> {
        loop {
            let tick = Instant::now();
            let statement = self.statement.clone();
            match self.bounded(view, out, false, move |s| s.execute(&statement))? {
                Bounded::Stopped(_) => return Ok(Ok(self.done())),
                Bounded::Done(Ok(output)) => {
                    if self.failures > 0 {
                        let failures = std::mem::take(&mut self.failures);
                        self.last_error = None;
                        self.emit(view, out, &Event::Recovered { failures })?;
                    }
                    self.show(view, out, output)?;
                    if self.watch.restart_failed
                        && let Some(stop) = self.restart_failed(view, out)?
                    {
                        let _ = stop;
                        return Ok(Ok(self.done()));
                    }
                }
                Bounded::Done(Err(e)) if self.last.is_none() => return Ok(Err(e)),
                Bounded::Done(Err(e)) => self.failed(view, out, e.to_string())?,
                Bounded::TimedOut if self.last.is_none() => {
                    return Ok(Err(Error::statement(no_answer(self.bound()))));
                }
                Bounded::TimedOut => self.failed(view, out, no_answer(self.bound()))?,
            }
            if let Some(_stop) = self.wait_until(view, out, tick + self.interval)? {
                return Ok(Ok(self.done()));
            }
        }
    }

    fn bound(&self) -> Duration {
        tick_bound(self.interval)
    }

    /// A fetch failed (after the first): said once per distinct error, with a count.
    fn failed(&mut self, view: &mut View, out: &mut dyn Write, message: String) -> io::Result<()> {
        self.failures += 1;
        let repeats = self.failures;
        if self.last_error.as_deref() == Some(message.as_str()) && !repeats.is_power_of_two() {
            // The same error again: said again only at 2, 4, 8, ... in a row.
            if let View::Screen(s) = view {
                s.failing = Some((message, repeats));
                s.redraw(out, self.interval)?;
            }
            return Ok(());
        }
        self.last_error = Some(message.clone());
        if let View::Screen(s) = view {
            s.failing = Some((message.clone(), repeats));
        }
        self.emit(view, out, &Event::FetchFailed { message, repeats })
    }

    /// The first result (the starting state) or the changes since the last.
    fn show(&mut self, view: &mut View, out: &mut dyn Write, output: Output) -> io::Result<()> {
        let json = self.shell.renderer.format == Format::Json;
        let time = clock::now();
        match (&self.last, view) {
            (None, View::Log) => {
                let start = Event::Start {
                    statement: self.statement.to_string(),
                    every_secs: self.watch.interval_secs(),
                };
                if json {
                    let mut doc = log::json(&time, &start);
                    doc["result"] = crate::render::json::to_value(&output);
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string(&doc).map_err(io::Error::other)?
                    )?;
                } else {
                    writeln!(out, "{}", log::line(&time, &start))?;
                    let ctx = render_context(&self.statement);
                    self.shell.renderer.render(&output, &ctx, out)?;
                }
                out.flush()?;
            }
            (Some(last), View::Log) => {
                for change in diff::diff(last, &output) {
                    write_event(out, json, &time, &Event::Change(change))?;
                }
            }
            (last, View::Screen(s)) => {
                let changes = last
                    .as_ref()
                    .map(|l| diff::diff(l, &output))
                    .unwrap_or_default();
                s.failing = None;
                s.update(&output, &changes, &time, self.shell, &self.statement);
                s.redraw(out, self.interval)?;
            }
        }
        self.last = Some(output);
        Ok(())
    }

    fn emit(&self, view: &mut View, out: &mut dyn Write, event: &Event) -> io::Result<()> {
        let time = clock::now();
        match view {
            View::Log => write_event(
                out,
                self.shell.renderer.format == Format::Json,
                &time,
                event,
            ),
            View::Screen(s) => {
                s.note(log::line(&time, event));
                s.redraw(out, self.interval)
            }
        }
    }

    /// `RESTART FAILED`'s part of a tick: which connectors in view fail, what the backoff
    /// allows, the restarts (as RESTART CONNECTOR statements) and their answers.
    fn restart_failed(&mut self, view: &mut View, out: &mut dyn Write) -> io::Result<Option<Stop>> {
        let in_view = self.last.as_ref().map(diff::subjects).unwrap_or_default();
        let failures = match self.bounded(view, out, false, |s| s.failures())? {
            Bounded::Stopped(stop) => return Ok(Some(stop)),
            Bounded::Done(Ok(f)) => f,
            Bounded::Done(Err(e)) => {
                self.failed(view, out, e.to_string())?;
                return Ok(None);
            }
            Bounded::TimedOut => {
                self.failed(view, out, no_answer(self.bound()))?;
                return Ok(None);
            }
        };
        let failing: Vec<_> = failures
            .into_iter()
            .filter(|f| in_view.contains(&f.connector))
            .collect();
        let names: Vec<String> = failing.iter().map(|f| f.connector.clone()).collect();
        let decisions = self
            .backoff
            .decide(Instant::now(), &names, |n| in_view.iter().any(|v| v == n));
        for (name, decision) in decisions {
            let attempt = match decision {
                Decision::GiveUp { restarts } => {
                    self.emit(
                        view,
                        out,
                        &Event::GiveUp {
                            connector: name,
                            restarts,
                        },
                    )?;
                    continue;
                }
                Decision::Restart { attempt } => attempt,
            };
            let why = failing
                .iter()
                .find(|f| f.connector == name)
                .map(reason)
                .unwrap_or_default();
            let stmt = Statement::RestartConnector(RestartConnector {
                target: Target::One(Name::Quoted(name.clone())),
                include_tasks: true,
                only_failed: true,
            });
            let job = move |s: &mut Session| {
                let result = s.execute(&stmt);
                Ok((result, s.changed_state()))
            };
            let answer = match self.bounded(view, out, true, job)? {
                Bounded::Done(Ok((Ok(output), changed))) => {
                    self.changed |= changed;
                    Ok(gist(&output))
                }
                Bounded::Done(Ok((Err(e), _)) | Err(e)) => Err(e.to_string()),
                Bounded::TimedOut => Err(format!(
                    "{}; the restart was sent and may have been applied",
                    no_answer(self.bound())
                )),
                Bounded::Stopped(stop) => {
                    let e = Error::maybe_applied(
                        "stopped while the restart was sent: it may have been applied",
                    );
                    let event = Event::Restart {
                        connector: name,
                        attempt,
                        max: Backoff::MAX_RESTARTS,
                        why,
                        answer: Err(e.to_string()),
                    };
                    self.emit(view, out, &event)?;
                    return Ok(Some(stop));
                }
            };
            let event = Event::Restart {
                connector: name,
                attempt,
                max: Backoff::MAX_RESTARTS,
                why,
                answer,
            };
            self.emit(view, out, &event)?;
        }
        Ok(None)
    }

    /// Runs `f` on the tick session on its own thread for at most [`tick_bound`], looking at
    /// keys and signals meanwhile. A stopped read is left at once; a stopped write gets the
    /// shell's grace to end by itself (its answer is then the truth).
    fn bounded<T: Send + 'static>(
        &mut self,
        view: &mut View,
        out: &mut dyn Write,
        writes: bool,
        f: impl FnOnce(&mut Session) -> Result<T, Error> + Send + 'static,
    ) -> io::Result<Bounded<T>> {
        let mut session = match self.session.take() {
            Some(s) => s,
            None => match self.shell.reader() {
                Ok(s) => s,
                Err(e) => return Ok(Bounded::Done(Err(e))),
            },
        };
        session.set_progress(false);
        let cancel = session.cancel_flag();
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("kcsh-watch".into())
            .spawn(move || {
                let result = f(&mut session);
                let _ = tx.send((session, result));
            });
        if let Err(e) = spawned {
            return Ok(Bounded::Done(Err(Error::statement(format!(
                "cannot start the request: {e}"
            )))));
        }
        let deadline = Instant::now() + self.bound();
        loop {
            match rx.recv_timeout(POLL) {
                Ok((session, result)) => {
                    self.session = Some(session);
                    return Ok(Bounded::Done(result));
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Ok(Bounded::Done(Err(Error::statement(
                        "internal error: the request's thread ended without an answer",
                    ))));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some(stop) = self.poll(view, out)? {
                cancel.store(true, Ordering::SeqCst);
                if writes && let Ok((session, result)) = rx.recv_timeout(super::cancel::GRACE) {
                    cancel.store(false, Ordering::SeqCst);
                    self.session = Some(session);
                    return Ok(Bounded::Done(result));
                }
                return Ok(Bounded::Stopped(stop));
            }
            if Instant::now() >= deadline {
                cancel.store(true, Ordering::SeqCst);
                return Ok(Bounded::TimedOut);
            }
        }
    }

    /// Waits until `until`, looking at keys, signals and the terminal's size.
    fn wait_until(
        &mut self,
        view: &mut View,
        out: &mut dyn Write,
        until: Instant,
    ) -> io::Result<Option<Stop>> {
        loop {
            if let Some(stop) = self.poll(view, out)? {
                return Ok(Some(stop));
            }
            let now = Instant::now();
            if now >= until {
                return Ok(None);
            }
            std::thread::sleep(POLL.min(until - now));
        }
    }

    /// A signal (left set for the shell's caller), `q`, or nothing; redraws a resized screen.
    fn poll(&mut self, view: &mut View, out: &mut dyn Write) -> io::Result<Option<Stop>> {
        if self
            .shell
            .interrupts
            .as_ref()
            .is_some_and(|i| i.peek().is_some())
        {
            return Ok(Some(Stop::Signal));
        }
        if matches!(view, View::Log) && stdout_closed() {
            return Ok(Some(Stop::Closed));
        }
        if let View::Screen(s) = view {
            if s.screen.keys().contains(&Key::Quit) {
                return Ok(Some(Stop::Key));
            }
            if s.size != terminal() {
                s.redraw(out, self.interval)?;
            }
        }
        Ok(None)
    }
}

/// Whether standard output is a pipe whose reader has gone (checked without writing, so a
/// quiet log ends when its reader does, not at the next change).
fn stdout_closed() -> bool {
    #[cfg(unix)]
    {
        let mut pfd = libc::pollfd {
            fd: libc::STDOUT_FILENO,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait.
        let n = unsafe { libc::poll(&mut pfd, 1, 0) };
        n > 0 && pfd.revents & (libc::POLLERR | libc::POLLHUP) != 0
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn write_event(out: &mut dyn Write, json: bool, time: &str, event: &Event) -> io::Result<()> {
    if json {
        let doc = log::json(time, event);
        writeln!(
            out,
            "{}",
            serde_json::to_string(&doc).map_err(io::Error::other)?
        )?;
    } else {
        writeln!(out, "{}", log::line(time, event))?;
    }
    out.flush()
}

fn no_answer(bound: Duration) -> String {
    format!(
        "no answer within {} s (WATCH's bound for one tick); trying again next tick",
        bound.as_secs()
    )
}

/// Why a connector is restarted: `connector FAILED, tasks 0, 2 FAILED: <trace>`.
fn reason(f: &crate::exec::Failure) -> String {
    let mut parts = Vec::new();
    if f.connector_failed {
        parts.push("connector FAILED".to_string());
    }
    match f.failed_tasks.as_slice() {
        [] => {}
        [one] => parts.push(format!("task {one} FAILED")),
        many => parts.push(format!(
            "tasks {} FAILED",
            many.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    let mut text = parts.join(", ");
    if let Some(trace) = &f.trace {
        text.push_str(": ");
        text.push_str(trace);
    }
    text
}

/// The gist of a statement's result, for a log line: its messages, warnings and texts.
fn gist(out: &Output) -> String {
    let parts: Vec<String> = out
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Message(m) | Block::Warning(m) => Some(m.clone()),
            Block::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        "done".into()
    } else {
        parts.join("; ")
    }
}

/// The terminal's size (columns, rows), 80x24 when unknown.
fn terminal() -> (u16, u16) {
    terminal_size::terminal_size().map_or((80, 24), |(w, h)| (w.0, h.0))
}

/// What the screen shows: a header, the last result with the rows that changed in the last
/// tick marked, the last failure if fetching fails now, and the latest change lines.
struct ScreenView {
    screen: Screen,
    size: (u16, u16),
    title: String,
    time: String,
    body: Vec<String>,
    /// Texts that start changed lines (see [`marks`]), with when they changed.
    marked: Vec<(String, Instant)>,
    recent: Vec<String>,
    failing: Option<(String, u32)>,
    color: bool,
    interval: Duration,
}

impl ScreenView {
    fn new(screen: Screen) -> ScreenView {
        ScreenView {
            screen,
            size: (0, 0),
            title: String::new(),
            time: String::new(),
            body: Vec::new(),
            marked: Vec::new(),
            recent: Vec::new(),
            failing: None,
            color: false,
            interval: Duration::ZERO,
        }
    }

    fn update(
        &mut self,
        output: &Output,
        changes: &[Change],
        time: &str,
        shell: &Shell,
        statement: &Statement,
    ) {
        self.title = statement.to_string();
        self.time = time.to_string();
        let (cols, _) = terminal();
        let mut renderer = shell.renderer;
        renderer.width = Some(cols.saturating_sub(2));
        self.color = renderer.color;
        let mut bytes = Vec::new();
        let _ = renderer.render(output, &render_context(statement), &mut bytes);
        let text = String::from_utf8_lossy(&bytes);
        let has_fields = output
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Fields { .. }));
        let now = Instant::now();
        let keep = MARKED.max(self.interval);
        self.marked
            .retain(|(_, at)| now.saturating_duration_since(*at) < keep);
        self.marked
            .extend(marks(changes, has_fields).into_iter().map(|m| (m, now)));
        let marks: Vec<&str> = self.marked.iter().map(|(m, _)| m.as_str()).collect();
        self.body = text
            .lines()
            .map(|line| {
                let trimmed = line.trim_start();
                let changed = marks.iter().any(|m| {
                    trimmed
                        .strip_prefix(*m)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '|']))
                });
                if changed {
                    format!("{} {line}", paint(">", Colour::Yellow, self.color))
                } else {
                    format!("  {line}")
                }
            })
            .collect();
        for change in changes {
            self.note(log::line(time, &Event::Change(change.clone())));
        }
    }

    fn note(&mut self, line: String) {
        self.recent.push(line);
        if self.recent.len() > RECENT {
            let extra = self.recent.len() - RECENT;
            self.recent.drain(..extra);
        }
    }

    fn redraw(&mut self, out: &mut dyn Write, interval: Duration) -> io::Result<()> {
        self.size = terminal();
        let (cols, rows) = self.size;
        let mut lines = vec![paint(
            &format!(
                "Every {}s: {}   {}   q or Ctrl-C stops",
                interval.as_secs(),
                self.title,
                self.time
            ),
            Colour::Bold,
            self.color,
        )];
        if let Some((message, n)) = &self.failing {
            let first = message.lines().next().unwrap_or("");
            lines.push(paint(
                &format!("fetch failed ({n} in a row): {first}; showing the last result"),
                Colour::Red,
                self.color,
            ));
        }
        lines.push(String::new());
        lines.extend(self.body.iter().cloned());
        if !self.recent.is_empty() {
            lines.push(String::new());
            lines.push(paint("Changes:", Colour::Bold, self.color));
            let last = self.recent.len() - 1;
            for (i, line) in self.recent.iter().enumerate() {
                let line = crate::secrets::escape_control(line).into_owned();
                lines.push(if i == last {
                    paint(&line, Colour::Yellow, self.color)
                } else {
                    line
                });
            }
        }
        let lines = screen::fit(lines, usize::from(cols), usize::from(rows));
        self.screen.draw(out, &lines)
    }
}

/// The texts that start a rendered line of something that changed: a row's key, or a field's
/// label when the result is about one thing (`has_fields`: its own values have no row).
fn marks(changes: &[Change], has_fields: bool) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match &c.field {
            Some(field) if has_fields && c.subject.len() == 1 => Some(field.title.clone()),
            _ => c.subject.last().map(|(_, id)| id.clone()),
        })
        .filter(|m| !m.is_empty())
        .collect()
}

//! Plan and apply a set of scripts as a whole: `-f FILES/DIRS` with `--dry-run`, `--prune`
//! or `--plan-file`. Everything is parsed (every file's syntax error reported), then every
//! statement is planned, which is its own run over the executor's dry-run transport
//! ([`crate::exec::Session::plan`]), never a model of what statements do; `--prune` adds a
//! `DROP CONNECTOR` for each connector on the cluster that matches and that no script
//! declares, planned the same way. A statement that fails to plan fails the plan: nothing
//! is applied.
//!
//! `--dry-run` prints the plan and exits 0 (nothing to change) or 4 (changes pending); with
//! `--plan-file` it also saves it. Applying plans again first (and, with `--plan-file`,
//! refuses unless that gives the saved plan, read from the same cluster state), then runs
//! only the statements with changes, with the executor's guard on: the first write about a
//! connector re-reads it and is refused when it changed since the plan read it.
//! Limits: client statements other than DEFINE/UNDEFINE (and RUN SCRIPT) are refused in a
//! plan; a statement that depends on an earlier one's write (CREATE x; PAUSE x) plans against
//! the cluster as it is, where x does not exist yet, and so fails to plan.
//! The plan file holds no secret, not even a hash of one: a change of only a secret value
//! between `--dry-run --plan-file` and the apply is not detected by the file.

pub mod files;
pub mod model;
pub mod syntax;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::cli::Cli;
use crate::error::{EXIT_CHANGES_PENDING, Error, ErrorKind};
use crate::exec::{Basis, Change};
use crate::lang::ParseError;
use crate::lang::ast::{ClientStatement, Located, Name, Statement};
use crate::lang::statement::{CreateConnector, DropConnector};
use crate::output::Format;
use crate::script::{self, Run, Source};
use crate::shell::Shell;
use model::{Entry, Plan};

/// What the command line asks of a plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--dry-run`: show the plan, apply nothing.
    pub dry_run: bool,
    pub prune: Option<String>,
    pub plan_file: Option<PathBuf>,
}

impl Options {
    /// The plan options of the command line, when it asks for a plan: `-f` with `--dry-run`,
    /// `--prune` or `--plan-file` (a plain `-f` runs its statements as a script). `--prune`
    /// and `--plan-file` without `-f` are usage errors.
    pub fn of(cli: &Cli) -> Result<Option<Options>, Error> {
        if cli.file.is_empty() {
            let flag = match (&cli.prune, &cli.plan_file) {
                (Some(_), _) => "--prune",
                (None, Some(_)) => "--plan-file",
                (None, None) => return Ok(None),
            };
            return Err(Error::usage(format!(
                "{flag} needs -f FILE|DIR: the scripts that declare the connectors"
            )));
        }
        if cli.show_secrets && cli.plan_file.is_some() {
            // The saved plan is an artifact (CI keeps it): it holds no secret, ever.
            return Err(Error::usage(
                "--plan-file never holds a secret value: leave out --show-secrets",
            ));
        }
        let wanted = cli.dry_run || cli.prune.is_some() || cli.plan_file.is_some();
        Ok(wanted.then(|| Options {
            dry_run: cli.dry_run,
            prune: cli.prune.clone(),
            plan_file: cli.plan_file.clone(),
        }))
    }
}

/// A `--prune` pattern must have a literal character: one of only `%` and `_` (or an empty
/// one, as `"$PREFIX%"` gives with `PREFIX` unset) would prune every connector the scripts
/// do not declare.
pub fn check_prune_pattern(pattern: &str) -> Result<(), Error> {
    if pattern.chars().all(|c| c == '%' || c == '_') {
        return Err(Error::usage(format!(
            "--prune '{pattern}' matches every connector name; give a pattern with a literal \
             part, such as 'team-a-%'"
        )));
    }
    Ok(())
}

/// Plans (and unless `--dry-run`, applies) `sources`; returns the exit code. `Err` only when
/// writing to `out`/`err` fails.
pub fn run(
    shell: &mut Shell,
    sources: &[Source],
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    if let Some(pattern) = &opts.prune
        && let Err(e) = check_prune_pattern(pattern)
    {
        shell.print_error(err, &e)?;
        return Ok(e.exit_code());
    }
    let parsed = match script::parse_sources(shell, sources, err)? {
        Ok(parsed) => parsed,
        Err(code) => return Ok(code),
    };
    let mut planner = Planner {
        shell,
        err,
        declared: BTreeMap::new(),
        bases: BTreeMap::new(),
        entries: Vec::new(),
        code: 0,
    };
    let mut steps = Vec::new();
    for (source, statements) in &parsed {
        let pending = planner.source(source, statements)?;
        steps.push((*source, statements.clone(), pending));
        if planner.stop() {
            break;
        }
    }
    let mut pruned = None;
    if let Some(pattern) = &opts.prune
        && planner.code == 0
    {
        pruned = planner.prune(pattern)?;
        if let Some((source, statements)) = &pruned {
            // A drop that fails to plan fails the plan (nothing is applied).
            planner.source(source, statements)?;
        }
    }
    if let Some(code) = planner.failed()? {
        return Ok(code);
    }
    let Planner {
        shell,
        err,
        entries,
        bases,
        ..
    } = planner;
    let plan = Plan {
        files: sources
            .iter()
            .map(|s| s.origin.clone().unwrap_or_else(|| "-".into()))
            .collect(),
        prune: opts.prune.clone(),
        entries,
    };

    if opts.dry_run {
        show(shell, &plan, out)?;
        if let Some(path) = &opts.plan_file
            && let Err(e) = save(&plan, path)
        {
            shell.print_error(err, &e)?;
            return Ok(e.exit_code());
        }
        return Ok(if plan.pending() {
            EXIT_CHANGES_PENDING
        } else {
            0
        });
    }
    if let Some(path) = &opts.plan_file
        && let Err(e) = compare(&plan, path)
    {
        shell.print_error(err, &e)?;
        return Ok(e.exit_code());
    }
    show(shell, &plan, out)?;
    if !plan.pending() {
        return Ok(0);
    }
    if shell.renderer.format == Format::Tabular {
        writeln!(out)?;
    }
    if let Err(e) = shell.guard(bases) {
        shell.print_error(err, &e)?;
        return Ok(e.exit_code());
    }
    let mut run = Run::new(shell, out, err);
    for (source, statements, pending) in &steps {
        run.planned(source, statements, pending)?;
    }
    if let Some((source, statements)) = &pruned {
        run.planned(source, statements, &vec![true; statements.len()])?;
    }
    run.finish()
}

/// Plans statement after statement, collecting entries, what the plan read, and failures.
struct Planner<'a> {
    shell: &'a mut Shell,
    err: &'a mut dyn Write,
    /// Connectors the scripts create, with where.
    declared: BTreeMap<String, String>,
    /// What the plan read of each connector it writes, first read first.
    bases: BTreeMap<String, Basis>,
    entries: Vec<Entry>,
    /// The highest exit code of the failures so far.
    code: u8,
}

impl Planner<'_> {
    /// Plans the statements of `source`; returns, for each, whether it has changes to send.
    fn source(&mut self, source: &Source, statements: &[Located]) -> io::Result<Vec<bool>> {
        let mut pending = Vec::new();
        for located in statements {
            if self.stop() {
                pending.push(false);
                continue;
            }
            let place = script::place(source, located);
            match self.statement(source, located, &place) {
                Ok(p) => pending.push(p),
                Err(e) => {
                    pending.push(false);
                    let masked = crate::secrets::MaskedText::within(&located.text, &source.text);
                    writeln!(
                        self.err,
                        "Statement at {place} failed to plan: {}",
                        script::first_line(&masked.text)
                    )?;
                    self.shell.print_error(self.err, &e)?;
                    self.code = self.code.max(e.exit_code());
                }
            }
        }
        Ok(pending)
    }

    /// Plans one statement; `Ok(true)` when it has changes to send.
    fn statement(
        &mut self,
        source: &Source,
        located: &Located,
        place: &str,
    ) -> Result<bool, Error> {
        let at = |message: String| {
            Error::usage(
                ParseError::at(&source.text, located.span, message)
                    .render(&source.text, source.origin.as_deref()),
            )
        };
        let resolved = self.shell.resolve(&located.statement)?;
        let declared = match &resolved {
            Statement::Client(
                ClientStatement::Define { .. } | ClientStatement::Undefine { .. },
            ) => {
                // Variables for the statements after it, in the plan as when applying.
                self.shell
                    .run_resolved(&resolved, &mut io::sink())
                    .map_err(|e| Error::usage(e.to_string()))??;
                return Ok(true);
            }
            Statement::Client(_) => {
                return Err(at(
                    "a plan takes connector statements, DEFINE and UNDEFINE only; \
                     list every script with -f instead of RUN SCRIPT"
                        .into(),
                ));
            }
            // A WATCH never ends: it has no place in a plan (one tick would plan as a read).
            Statement::Watch(_) => {
                return Err(at(
                    "a plan cannot hold a WATCH: it runs until stopped; run it on its own".into(),
                ));
            }
            Statement::CreateConnector(CreateConnector { name, .. }) => {
                let name = name.value();
                if let Some(first) = self.declared.get(&name) {
                    return Err(at(format!(
                        "connector {name} is declared twice: at {first} and here"
                    )));
                }
                self.declared.insert(name.clone(), place.to_string());
                Some(name)
            }
            _ => None,
        };
        let effects = self.shell.plan(&resolved)?;
        if effects.is_empty()
            && let Some(name) = declared
        {
            self.entries.push(Entry::unchanged(&name, place));
            return Ok(false);
        }
        let pending = effects.iter().any(|e| e.change != Change::Unchanged);
        for effect in effects {
            if let (Some(name), Some(basis)) = (&effect.connector, &effect.basis) {
                self.bases
                    .entry(name.clone())
                    .or_insert_with(|| basis.clone());
            }
            self.entries.push(Entry::from_effect(effect, place));
        }
        Ok(pending)
    }

    /// `--prune`: a `DROP CONNECTOR` statement for each connector on the cluster that matches
    /// `pattern`, is not declared and is not dropped by the scripts already; `None` if none.
    fn prune(&mut self, pattern: &str) -> io::Result<Option<(Source, Vec<Located>)>> {
        let names = match self.shell.connector_names_now() {
            Ok(names) => names,
            Err(e) => {
                self.shell.print_error(self.err, &e)?;
                self.code = self.code.max(e.exit_code());
                return Ok(None);
            }
        };
        let dropped: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| e.change == Change::Drop)
            .map(|e| e.connector.as_str())
            .collect();
        let targets: Vec<&String> = names
            .iter()
            .filter(|n| crate::lang::like::like(pattern, n))
            .filter(|n| !self.declared.contains_key(*n) && !dropped.contains(&n.as_str()))
            .collect();
        if targets.is_empty() {
            return Ok(None);
        }
        let source = Source {
            text: drop_script(&targets),
            origin: Some(format!("--prune '{pattern}'")),
            allow_missing_semicolon: false,
        };
        let opts = crate::lang::ParseOptions::default();
        match crate::lang::parse_script(&source.text, &opts) {
            Ok(statements) => Ok(Some((source, statements))),
            Err(e) => {
                // A name the canonical printer cannot write back is a defect: say so, prune nothing.
                let e = Error::statement(format!(
                    "--prune: cannot write a DROP statement for a connector name: {}",
                    e.render(&source.text, source.origin.as_deref())
                ));
                self.shell.print_error(self.err, &e)?;
                self.code = self.code.max(e.exit_code());
                Ok(None)
            }
        }
    }

    /// A signal arrived or the cluster is unreachable: plan no further.
    fn stop(&self) -> bool {
        self.code == ErrorKind::Unreachable.exit_code()
            || self
                .shell
                .interrupts
                .as_ref()
                .and_then(|i| i.peek())
                .is_some()
    }

    /// After planning: `Some(code)` when something failed (said so on `err`) or a signal came.
    fn failed(&mut self) -> io::Result<Option<u8>> {
        if let Some(n) = self.shell.interrupts.as_ref().and_then(|i| i.peek()) {
            writeln!(
                self.err,
                "Stopped by {} while planning; nothing was applied.",
                crate::shell::cancel::signal_name(n)
            )?;
            return Ok(Some(128u8.saturating_add(u8::try_from(n).unwrap_or(0))));
        }
        if self.code != 0 {
            writeln!(self.err, "The plan failed; nothing was applied.")?;
            return Ok(Some(self.code));
        }
        Ok(None)
    }
}

/// `DROP CONNECTOR` for each name, one a line, in the statements' canonical text: quoted
/// names, which are kept exactly (never upper-cased, no variable substituted in them).
fn drop_script(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| {
            let drop = Statement::DropConnector(DropConnector {
                if_exists: false,
                name: Name::Quoted(n.to_string()),
            });
            format!("{drop};\n")
        })
        .collect()
}

/// Prints the plan on `out` in the shell's output format.
fn show(shell: &Shell, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    match shell.renderer.format {
        Format::Json => {
            let doc = plan.to_json();
            let text = if shell.renderer.pretty_json {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            }
            .map_err(io::Error::other)?;
            writeln!(out, "{text}")?;
        }
        Format::Tabular => {
            shell
                .renderer
                .render(&plan.to_output(), &Default::default(), out)?;
        }
    }
    out.flush()
}

/// `--plan-file` at plan time: the plan as data (it holds no secret value).
fn save(plan: &Plan, path: &std::path::Path) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(&plan.to_file()).unwrap_or_default();
    std::fs::write(path, text + "\n")
        .map_err(|e| Error::usage(format!("cannot write the plan to {}: {e}", path.display())))
}

/// `--plan-file` when applying: the plan just made must be the saved one.
fn compare(plan: &Plan, path: &std::path::Path) -> Result<(), Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read the plan {}: {e}", path.display())))?;
    let saved: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::usage(format!(
            "{} is not a plan saved by kcsh: {e}",
            path.display()
        ))
    })?;
    if saved["type"] != "plan" {
        return Err(Error::usage(format!(
            "{} is not a plan saved by kcsh",
            path.display()
        )));
    }
    let differences = plan.differences(&saved);
    if differences.is_empty() {
        return Ok(());
    }
    Err(Error::statement(format!(
        "the cluster or the scripts changed since the plan in {} was made; nothing was applied.\n\
         Differs: {}",
        path.display(),
        differences.join(", ")
    ))
    .with_hint("plan again (--dry-run --plan-file) and review the new plan"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names from the cluster come back exactly, whatever they hold: a `${x}` is no variable
    /// (it was once escaped to `$${x}` and so named another connector), quotes stay quotes.
    #[test]
    fn prune_drops_name_exactly_the_cluster_names() {
        let names: Vec<String> = [
            "h-${x}",
            "it's",
            "a\"b",
            "back`tick",
            "ünï €",
            "x\\y",
            "UPPER",
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        let refs: Vec<&String> = names.iter().collect();
        let text = drop_script(&refs);
        let mut vars = crate::lang::vars::Variables::new();
        vars.define("x", "zzz");
        let opts = crate::lang::ParseOptions {
            ksql_compat: true,
            allow_missing_semicolon: false,
        };
        let parsed = crate::lang::parse_script(&text, &opts).unwrap();
        assert_eq!(parsed.len(), names.len());
        for (located, name) in parsed.iter().zip(&names) {
            let mut resolved = crate::lang::vars::resolve(&located.statement, &vars).unwrap();
            crate::lang::apply_ksql_compat(&mut resolved);
            let Statement::DropConnector(DropConnector {
                if_exists,
                name: got,
            }) = resolved
            else {
                panic!("{text}");
            };
            assert!(!if_exists);
            assert_eq!(&got.value(), name, "{text}");
        }
    }

    #[test]
    fn plan_options_come_from_the_command_line() {
        use clap::Parser;
        let of = |args: &[&str]| {
            let cli = Cli::try_parse_from([&["kcsh"], args].concat()).unwrap();
            Options::of(&cli)
        };
        assert!(of(&["-f", "d"]).unwrap().is_none(), "plain -f is a script");
        assert!(of(&["-e", "SHOW PLUGINS", "--dry-run"]).unwrap().is_none());
        let o = of(&["-f", "d", "e.sql", "--dry-run"]).unwrap().unwrap();
        assert!(o.dry_run && o.prune.is_none());
        let o = of(&["-f", "d", "--prune", "a-%"]).unwrap().unwrap();
        assert_eq!((o.dry_run, o.prune.as_deref()), (false, Some("a-%")));
        for args in [
            &["-e", "SHOW PLUGINS", "--prune", "a-%"][..],
            &["-e", "SHOW PLUGINS", "--plan-file", "p.json"],
            &[
                "-f",
                "d",
                "--plan-file",
                "p.json",
                "--show-secrets",
                "--dry-run",
            ],
        ] {
            assert_eq!(of(args).unwrap_err().exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn prune_patterns_need_a_literal_part() {
        for p in ["", "%", "%%", "_", "%_%"] {
            let e = check_prune_pattern(p).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{p}");
        }
        for p in ["app-%", "a", "%-old"] {
            check_prune_pattern(p).unwrap();
        }
    }
}

//! The interactive shell asks before a bulk `DROP CONNECTORS` without FORCE: it lists the
//! connectors the statement selects now, asks on the terminal, and on "yes" runs the statement
//! with FORCE narrowed to exactly the names it showed (`... AND name IN (...)`), so a connector
//! that starts to match in between is never dropped unseen. The executor never reads input; in
//! scripts it refuses instead. A dry run needs no question: it drops nothing.

use std::io::Write;

use rustyline::Editor;
use rustyline::history::DefaultHistory;

use super::helper::KcshHelper;
use crate::error::Error;
use crate::lang::ast::{DropConnectors, Filter, Statement};
use crate::lang::ident::quote_name;
use crate::shell::Shell;

/// What to run for `stmt`: itself, the confirmed FORCE form, or nothing (`None`: declined).
pub fn drop_connectors(
    shell: &mut Shell,
    editor: &mut Editor<KcshHelper, DefaultHistory>,
    stmt: &DropConnectors,
    out: &mut dyn Write,
) -> Result<Option<Statement>, Error> {
    if stmt.force || shell.dry_run() {
        return Ok(Some(Statement::DropConnectors(stmt.clone())));
    }
    let names = shell.matching_connectors(stmt.like.as_deref(), stmt.filter.as_ref())?;
    if names.is_empty() {
        // The executor says that nothing matches.
        return Ok(Some(Statement::DropConnectors(stmt.clone())));
    }
    let _ = writeln!(out, "{}", listing(&names));
    let _ = out.flush();
    let question = format!("Drop these {} connector(s)? [y/N] ", names.len());
    let answer = editor.readline(&question).unwrap_or_default();
    if !is_yes(&answer) {
        let _ = writeln!(out, "Nothing was dropped.");
        return Ok(None);
    }
    let exactly = Filter::names_in(&names);
    Ok(Some(Statement::DropConnectors(DropConnectors {
        like: stmt.like.clone(),
        filter: Some(match &stmt.filter {
            Some(f) => Filter::and(vec![f.clone(), exactly]),
            None => exactly,
        }),
        force: true,
    })))
}

/// `DROP CONNECTORS would drop:` and one name a line, as typed in a statement.
fn listing(names: &[String]) -> String {
    let mut text = String::from("DROP CONNECTORS would drop:");
    for n in names {
        text.push_str("\n  ");
        text.push_str(&crate::secrets::escape_control(&quote_name(n)));
    }
    text
}

fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_confirms_and_names_print_as_typed() {
        assert!(is_yes(" Y ") && is_yes("yes"));
        assert!(!is_yes("") && !is_yes("n") && !is_yes("yess"));
        assert_eq!(
            listing(&["a".into(), "b c".into(), "x\u{1b}[31m".into()]),
            "DROP CONNECTORS would drop:\n  a\n  \"b c\"\n  \"x\\u{1b}[31m\""
        );
    }
}

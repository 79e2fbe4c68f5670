//! The kcsh statement language (`../shared/spec/LANGUAGE.md`): lexer, parser, AST, variables,
//! connector templates. Pure text processing: nothing here knows about HTTP, tables or terminals.
//!
//! API used by the rest of the crate:
//! - [`parse_script`]`(src, &ParseOptions) -> Result<Vec<ast::Located>, ParseError>` and
//!   [`parse_statement`] for exactly one statement; `ParseError::render` draws the report.
//! - [`ident`]: what a plain name is, quoting and unquoting, `closest` for did-you-mean.
//! - [`like::like`]: the `LIKE 'pattern'` match, bounded on any input.
//! - [`lexer::tokenize`] (never fails) and [`lexer::statement_complete`] for the REPL.
//! - [`vars::Variables`], [`vars::resolve`], [`vars::parse_define_arg`] for `${name}` and `-d`.
//! - [`apply_ksql_compat`]: ksqlDB's upper-casing of unquoted names and keys, for statements
//!   parsed before `SET 'ksql.compat'='true'` or whose variables were resolved later.
//! - [`templates::apply`]: the JDBC source template, for the body of CREATE.
//! - [`source_from_bytes`]: script bytes to text, with the position of invalid UTF-8.
//! - `impl Display for ast::Statement`: the canonical text (no trailing `;`).

pub mod ast;
pub mod error;
pub mod ident;
pub mod invariants;
pub mod lexer;
pub mod like;
pub mod parser;
pub mod templates;
pub mod vars;

pub use error::{ParseError, source_from_bytes};
pub use parser::{ParseOptions, parse_script, parse_statement};

use ast::{Name, Statement, Target};

/// Calls `f` on every name and property key in `statement` (including under EXPLAIN).
pub fn for_each_name_mut(statement: &mut Statement, f: &mut dyn FnMut(&mut Name)) {
    match statement {
        Statement::CreateConnector {
            name, properties, ..
        }
        | Statement::AlterConnectorSet { name, properties } => {
            f(name);
            properties.iter_mut().for_each(|p| f(&mut p.key));
        }
        Statement::ValidateConnector {
            name, properties, ..
        } => {
            if let Some(name) = name {
                f(name);
            }
            properties.iter_mut().for_each(|p| f(&mut p.key));
        }
        Statement::AlterConnectorUnset { name, keys } => {
            f(name);
            keys.iter_mut().for_each(&mut *f);
        }
        Statement::AlterConnectorOffset {
            name,
            partition,
            offset,
        } => {
            f(name);
            partition.iter_mut().for_each(|p| f(&mut p.key));
            if let Some(offset) = offset {
                offset.iter_mut().for_each(|p| f(&mut p.key));
            }
        }
        Statement::DropConnector { name, .. }
        | Statement::DescribeConnector { name, .. }
        | Statement::RestartTask { name, .. }
        | Statement::ShowCreateConnector { name }
        | Statement::ShowConnectorOffsets { name }
        | Statement::ResetConnectorOffsets { name }
        | Statement::ResetConnectorTopics { name }
        | Statement::WaitForConnector { name, .. } => f(name),
        Statement::Lifecycle { target, .. } | Statement::RestartConnector { target, .. } => {
            if let Target::One(name) = target {
                f(name);
            }
        }
        Statement::Explain(inner) => for_each_name_mut(inner, f),
        Statement::ShowConnectors { .. }
        | Statement::ShowConnectorPlugins
        | Statement::ShowPlugins
        | Statement::DescribePlugin { .. }
        | Statement::ShowCluster
        | Statement::ShowLoggers { .. }
        | Statement::SetLogger { .. }
        | Statement::Client(_) => {}
    }
}

/// ksqlDB's rule (`--ksql-compat`): unquoted names and keys are upper-cased. Idempotent.
pub fn apply_ksql_compat(statement: &mut Statement) {
    for_each_name_mut(statement, &mut |name| {
        if let Name::Plain(s) = name {
            *s = s.to_uppercase();
        }
    });
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;

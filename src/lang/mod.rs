//! The kcsh statement language (`../shared/spec/LANGUAGE.md`): lexer, parser, AST, variables,
//! connector templates. Pure text processing: nothing here knows about HTTP, tables or terminals.
//!
//! API used by the rest of the crate:
//! - [`parse_script`]`(src, &ParseOptions) -> Result<Vec<ast::Located>, ParseError>` and
//!   [`parse_statement`] for exactly one statement; `ParseError::render` draws the report.
//! - [`ident`]: what a plain name is, quoting and unquoting, `closest` for did-you-mean.
//! - [`like::like`]: the `LIKE 'pattern'` match, bounded on any input.
//! - [`filter`]: `WHERE condition`: the attribute table, the typed condition, its evaluation.
//! - [`lexer::tokenize`] (never fails) and [`lexer::statement_complete`] for the REPL.
//! - [`vars::Variables`], [`vars::resolve`], [`vars::parse_define_arg`] for `${name}` and `-d`.
//! - [`apply_ksql_compat`]: ksqlDB's upper-casing of unquoted names and keys, for statements
//!   parsed before `SET 'ksql.compat'='true'` or whose variables were resolved later.
//! - [`templates::apply`]: the JDBC source template, for the body of CREATE.
//! - [`source_from_bytes`]: script bytes to text, with the position of invalid UTF-8.
//! - `impl Display for ast::Statement`: the canonical text (no trailing `;`).
//! - [`visit::VisitMut`]: one walk over names, keys, literals and texts (variables, ksqlDB).
//!
//! How to add a statement (and nothing else needs to change here):
//! 1. `statement.rs`: the struct with its fields, a `visits!(Struct, fields...)` line naming the
//!    fields that hold names, property lists or texts, its `Display`, and one line in the
//!    `statements!` list. Variable resolution and `--ksql-compat` follow from `visits!`.
//! 2. `parser.rs`: one function for its grammar rule, called from `statement()` (or the rule
//!    that owns its leading keyword). Completion follows from what that function expects.
//! 3. The executor runs it (`exec`), and `help.rs` gets its topic (a test fails until it has
//!    one whose example parses).
//! 4. Tests: accepted and rejected examples in `tests.rs`, a generator case in `proptests.rs`.

pub mod ast;
pub mod error;
pub mod expect;
pub mod filter;
pub mod ident;
pub mod invariants;
pub mod lexer;
pub mod like;
pub mod parser;
pub mod statement;
pub mod templates;
pub mod vars;
pub mod visit;

pub use error::{ParseError, source_from_bytes};
pub use parser::{ParseOptions, expected_after, parse_script, parse_statement};

use ast::{Name, Statement};
use visit::{EachName, Node};

/// Calls `f` on every name and property key in `statement` (including under EXPLAIN).
pub fn for_each_name_mut(statement: &mut Statement, f: &mut dyn FnMut(&mut Name)) {
    statement.visit_mut(&mut EachName(f));
}

/// ksqlDB's rule (`--ksql-compat`): unquoted names and keys are upper-cased. Idempotent.
pub fn apply_ksql_compat(statement: &mut Statement) {
    for_each_name_mut(statement, &mut ident::ksql_compat);
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests_filter;

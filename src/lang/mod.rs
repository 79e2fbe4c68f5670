//! The kcsh statement language (`../shared/spec/LANGUAGE.md`): lexer, parser, AST, variables.
//! Pure text processing: nothing here knows about HTTP, tables or terminals.
//!
//! Contract used by the rest of the crate (the `lang` owner fills these in):
//! - `parse_script(src, &ParseOptions) -> Result<Vec<ast::Located>, error::ParseError>`
//! - `lexer::tokenize(src) -> Vec<lexer::Token>`: never fails (unterminated tokens come back
//!   as such), for the REPL's highlighter and completer.
//! - `lexer::statement_complete(src) -> bool`: the input ends with an unquoted `;` (REPL validator).
//! - `vars::Variables` and `vars::resolve(&Statement, &Variables) -> Result<Statement, VarError>`.

pub mod ast;

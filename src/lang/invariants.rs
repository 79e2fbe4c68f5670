//! The language's invariants over arbitrary input, as one function that panics when one breaks:
//! shared by the fuzz target (`fuzz/fuzz_targets/lang.rs`) and the regression test that replays
//! the committed fuzz corpus (`tests/it/fuzz_corpus.rs`), so both check exactly the same things.
//!
//! For any bytes: decoding, lexing, parsing and completion's parse never panic; every statement
//! that parses prints a canonical text that parses back to the same statement; resolving
//! variables never panics.

use super::vars::Variables;
use super::{ParseOptions, lexer, parse_script, parse_statement, source_from_bytes, vars};

/// Runs the whole text path over `data`; panics with the failing text when an invariant breaks.
pub fn check(data: &[u8]) {
    let Ok(src) = source_from_bytes(data) else {
        return;
    };
    let _ = lexer::tokenize(&src);
    let _ = lexer::statement_complete(&src);
    // Completion parses any prefix the user may have typed.
    let _ = super::expected_after(&src, &ParseOptions::default());
    let mut variables = Variables::new();
    variables.define("x", "v'al");
    variables.define("name", "conn-1");
    for opts in [
        ParseOptions::default(),
        ParseOptions {
            ksql_compat: true,
            allow_missing_semicolon: true,
        },
    ] {
        let Ok(statements) = parse_script(&src, &opts) else {
            continue;
        };
        for located in statements {
            let text = located.statement.to_string();
            let again = parse_statement(&text, &opts).unwrap_or_else(|e| {
                panic!("canonical text {text:?} does not parse: {}", e.message)
            });
            assert_eq!(again, located.statement, "round trip of {text:?}");
            let _ = vars::resolve(&located.statement, &variables);
        }
    }
}

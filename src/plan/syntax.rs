//! Every syntax error of a script, not only the first: after an error, parsing resumes after
//! the next `;` the lexer sees (a `;` inside a string or quoted name is no end). Each error is
//! positioned in the original text. Bounded: at most [`MAX_ERRORS`] per script, each resume
//! parses the rest once (the lexer never fails, strings that never close end the search).

use crate::lang::lexer::{TokenKind, tokenize};
use crate::lang::{ParseError, ParseOptions, parse_script};

/// More errors than this in one script are summed up in one line.
pub const MAX_ERRORS: usize = 20;

/// The syntax errors of `src` in order (empty when it parses), and whether more were left
/// out after [`MAX_ERRORS`].
pub fn all_errors(src: &str, opts: &ParseOptions) -> (Vec<ParseError>, bool) {
    let tokens = tokenize(src);
    let mut errors = Vec::new();
    let mut from = 0usize;
    loop {
        // The text before `from` blanked (same bytes, same lines), so spans stay the original's.
        let blanked: String = src[..from]
            .bytes()
            .map(|b| if b == b'\n' { '\n' } else { ' ' })
            .collect::<String>()
            + &src[from..];
        let Err(e) = parse_script(&blanked, opts) else {
            return (errors, false);
        };
        if errors.len() == MAX_ERRORS {
            return (errors, true);
        }
        let mut error = ParseError::at(src, e.span, e.message);
        error.hint = e.hint;
        errors.push(error);
        let resume = tokens
            .iter()
            .find(|t| t.kind == TokenKind::Semicolon && t.span.start >= e.span.start.max(from))
            .map(|t| t.span.end);
        match resume {
            Some(end) if end > from => from = end,
            _ => return (errors, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_with_an_error_is_reported_in_place() {
        let src = "SHOW CONNECTORS;\nDROP CONNECTOR ;\nCREATE CONNECTOR x WITH ('a' = ';');\nPAUSE CONNECTR y;\nSHOW PLUGINS;";
        let (errors, more) = all_errors(src, &ParseOptions::default());
        assert!(!more);
        let places: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(places, [(2, 16), (4, 7)], "{errors:?}");
        assert!(
            errors[1]
                .render(src, Some("a.sql"))
                .contains("4 | PAUSE CONNECTR y;")
        );
        let (errors, _) = all_errors("SHOW CONNECTORS;", &ParseOptions::default());
        assert!(errors.is_empty());
    }

    #[test]
    fn bounded_on_many_errors_and_unclosed_strings() {
        let src = "DROP CONNECTOR ;".repeat(1000);
        let (errors, more) = all_errors(&src, &ParseOptions::default());
        assert_eq!((errors.len(), more), (MAX_ERRORS, true));
        let (errors, more) = all_errors(
            "DROP CONNECTOR ;\nSHOW 'never closed; DROP ;",
            &ParseOptions::default(),
        );
        assert_eq!((errors.len(), more), (2, false), "{errors:?}");
    }
}

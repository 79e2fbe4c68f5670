//! Tokens of the kcsh language (LANGUAGE.md "Lexical rules"), built from nom 8 combinators.
//! The lexer never fails: anything it cannot make sense of comes back as a `Punct` or an
//! `Unterminated` token, so the REPL can highlight half-typed input. It knows no grammar:
//! keywords are only classified (for highlighting); the parser decides what a word means.

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag, take_till, take_until, take_while};
use nom::character::complete::{char, digit0, digit1, one_of, satisfy};
use nom::combinator::{opt, peek, recognize};
use nom::multi::many0_count;
use nom::{IResult, Parser};

use super::ast::Span;

/// What a token is. Whitespace is not a token: it is the gap between spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An unquoted word that is one of kcsh's keywords ([`KEYWORDS`]), any case.
    Keyword,
    /// Any other unquoted word: `my-conn.v2`, `_x`, `1abc`.
    Ident,
    /// `"double quoted"` or `` `back quoted` `` identifier.
    QuotedIdent,
    /// `'single quoted'` string (may span lines).
    String,
    /// `1`, `-1`, `123.000`, `1e3`.
    Number,
    /// `${name}`.
    Variable,
    /// `-- ...` (including `--@directive`) or `/* ... */`.
    Comment,
    /// Any other single character: `(`, `)`, `,`, `=`, and characters the language does not use.
    Punct,
    /// `;`
    Semicolon,
    /// A string, quoted identifier or block comment that reaches the end of the input.
    Unterminated(Unterminated),
}

/// What an unterminated token was meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unterminated {
    String,
    QuotedIdent,
    Comment,
}

/// One token: its kind and where it stands in the source (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token's source text.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.span.start..self.span.end]
    }

    /// True for an unquoted word (keyword or identifier).
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Keyword | TokenKind::Ident)
    }
}

/// Every keyword of the language (statements, clauses, literals), upper-case and sorted.
/// Keywords are not reserved: where a name is expected, any word is a name.
pub const KEYWORDS: &[&str] = &[
    "ALTER",
    "AND",
    "CAUGHT",
    "CLEAR",
    "CLUSTER",
    "CONNECTOR",
    "CONNECTORS",
    "CREATE",
    "DEFINE",
    "DESCRIBE",
    "DROP",
    "ERRORS",
    "EVERY",
    "EXISTS",
    "EXIT",
    "EXPLAIN",
    "EXTENDED",
    "FAILED",
    "FALSE",
    "FOR",
    "FORCE",
    "HELP",
    "HISTORY",
    "IF",
    "IN",
    "INCLUDE",
    "JSON",
    "LIKE",
    "LIMIT",
    "LIST",
    "LOGGER",
    "LOGGERS",
    "NOT",
    "NULL",
    "OFFSET",
    "OFFSETS",
    "ONLY",
    "OR",
    "OUTPUT",
    "PARTITION",
    "PAUSE",
    "PLUGIN",
    "PLUGINS",
    "PROPERTIES",
    "QUIT",
    "REPLACE",
    "RESET",
    "RESTART",
    "RESUME",
    "RUN",
    "SCRIPT",
    "SECOND",
    "SECONDS",
    "SERVER",
    "SET",
    "SHOW",
    "SINK",
    "SOURCE",
    "STOP",
    "TABULAR",
    "TASK",
    "TASKS",
    "TIMEOUT",
    "TO",
    "TOPICS",
    "TRUE",
    "UNDEFINE",
    "UNSET",
    "UP",
    "VALIDATE",
    "VARIABLES",
    "WAIT",
    "WATCH",
    "WHERE",
    "WITH",
];

/// True if `word` is a keyword, in any case.
pub fn is_keyword(word: &str) -> bool {
    // Compared without allocating: this runs for every word of every script.
    KEYWORDS
        .binary_search_by(|k| k.bytes().cmp(word.bytes().map(|b| b.to_ascii_uppercase())))
        .is_ok()
}

/// Characters that may continue an unquoted identifier (besides inner `-` and `.`).
pub fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '@'
}

/// Characters that may start an unquoted identifier.
pub fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Splits `src` into tokens, comments included, whitespace skipped. Never fails.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(token) = next_token(src, pos) {
        pos = token.span.end;
        tokens.push(token);
    }
    tokens
}

/// True when `src` is ready to run: it ends with an unquoted `;` (trailing whitespace and comments
/// ignored), its last statement is a client command (which may omit the `;`), or it holds no
/// statement at all. False while a string, quoted identifier or block comment is open.
pub fn statement_complete(src: &str) -> bool {
    let tokens = tokenize(src);
    if tokens
        .iter()
        .any(|t| matches!(t.kind, TokenKind::Unterminated(_)))
    {
        return false;
    }
    let code: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect();
    let Some(last) = code.last() else {
        return true;
    };
    if last.kind == TokenKind::Semicolon {
        return true;
    }
    // First token of the last (unfinished) statement.
    let start = code
        .iter()
        .rposition(|t| t.kind == TokenKind::Semicolon)
        .map_or(0, |i| i + 1);
    let first = code[start];
    first.is_word() && is_client_command(first.text(src))
}

/// True if `word` starts a client command that may omit the `;` (the one table of them is
/// [`crate::commands::ClientCommand`]).
pub fn is_client_command(word: &str) -> bool {
    crate::commands::ClientCommand::from_word(word).is_some()
}

/// The next token at or after byte `pos` (whitespace skipped), or `None` at the end.
pub(crate) fn next_token(src: &str, pos: usize) -> Option<Token> {
    let rest = &src[pos..];
    let trimmed = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.is_empty() {
        return None;
    }
    let start = src.len() - trimmed.len();
    let (after, kind) = match token(trimmed) {
        Ok(ok) => ok,
        // Unreachable in practice (the last alternative takes any character); stay total anyway.
        Err(_) => {
            let c = trimmed.chars().next().map_or(1, char::len_utf8);
            (&trimmed[c..], TokenKind::Punct)
        }
    };
    let end = src.len() - after.len();
    let kind = if kind == TokenKind::Ident && is_keyword(&src[start..end]) {
        TokenKind::Keyword
    } else {
        kind
    };
    Some(Token {
        kind,
        span: Span::new(start, end),
    })
}

type Res<'a> = IResult<&'a str, TokenKind>;

/// token := comment | string | quoted_ident | variable | number | word | ';' | any character
///
/// The first character picks the alternatives worth trying (same result as one big `alt`,
/// without building an error for every alternative that cannot match).
fn token(i: &str) -> Res<'_> {
    match i.chars().next() {
        Some('-') => alt((line_comment, number_or_digit_ident, punct)).parse(i),
        Some('/') => alt((block_comment, punct)).parse(i),
        Some('\'') => string(i),
        Some('"') => double_quoted(i),
        Some('`') => back_quoted(i),
        Some('$') => alt((variable, punct)).parse(i),
        Some(';') => semicolon(i),
        Some(c) if c.is_ascii_digit() || c == '.' => alt((number_or_digit_ident, punct)).parse(i),
        Some(c) if is_ident_start(c) => ident(i),
        _ => punct(i),
    }
}

/// `-- to end of line` (also `--@directive`).
fn line_comment(i: &str) -> Res<'_> {
    let (i, _) = (tag("--"), take_till(|c| c == '\n')).parse(i)?;
    Ok((i, TokenKind::Comment))
}

/// `/* bracketed */`, not nested.
fn block_comment(i: &str) -> Res<'_> {
    let (i, _) = tag("/*").parse(i)?;
    match take_until::<_, _, nom::error::Error<&str>>("*/").parse(i) {
        Ok((rest, _)) => Ok((&rest[2..], TokenKind::Comment)),
        Err(_) => Ok(("", TokenKind::Unterminated(Unterminated::Comment))),
    }
}

/// Text in `q` quotes where a doubled quote escapes itself.
fn quoted<'a>(
    i: &'a str,
    q: char,
    doubled: &'static str,
    kind: TokenKind,
    open: Unterminated,
) -> Res<'a> {
    let stop = match q {
        '\'' => "'",
        '"' => "\"",
        _ => "`",
    };
    let (i, _) = char(q).parse(i)?;
    let (i, _) = many0_count(alt((is_not(stop), tag(doubled)))).parse(i)?;
    match char::<_, nom::error::Error<&str>>(q).parse(i) {
        Ok((i, _)) => Ok((i, kind)),
        Err(_) => Ok((i, TokenKind::Unterminated(open))),
    }
}

/// `'string'` with `''` escapes; newlines allowed.
fn string(i: &str) -> Res<'_> {
    quoted(i, '\'', "''", TokenKind::String, Unterminated::String)
}

/// `"quoted identifier"` with `""` escapes.
fn double_quoted(i: &str) -> Res<'_> {
    quoted(
        i,
        '"',
        "\"\"",
        TokenKind::QuotedIdent,
        Unterminated::QuotedIdent,
    )
}

/// `` `quoted identifier` `` with doubled back-quote escapes.
fn back_quoted(i: &str) -> Res<'_> {
    quoted(
        i,
        '`',
        "``",
        TokenKind::QuotedIdent,
        Unterminated::QuotedIdent,
    )
}

/// `${name}` with name `[A-Za-z_][A-Za-z0-9_]*`.
fn variable(i: &str) -> Res<'_> {
    let (i, _) = (
        tag("${"),
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
        char('}'),
    )
        .parse(i)?;
    Ok((i, TokenKind::Variable))
}

/// `-` or `.` inside an identifier: only when an identifier character follows (so never `--`).
fn inner_separator(i: &str) -> IResult<&str, char> {
    let (i, c) = one_of("-.").parse(i)?;
    let (i, _) = peek(satisfy(is_ident_char)).parse(i)?;
    Ok((i, c))
}

/// The rest of a word after its first character.
fn word_tail(i: &str) -> IResult<&str, usize> {
    many0_count(alt((satisfy(is_ident_char), inner_separator))).parse(i)
}

/// An unquoted word starting with a letter or `_`.
fn word(i: &str) -> IResult<&str, &str> {
    recognize((satisfy(is_ident_start), word_tail)).parse(i)
}

fn ident(i: &str) -> Res<'_> {
    let (i, _) = word(i)?;
    Ok((i, TokenKind::Ident))
}

/// `[-] (digits [. digits] | . digits) [e [+-] digits]`
fn number(i: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        alt((
            recognize((digit1, opt((char('.'), digit0)))),
            recognize((char('.'), digit1)),
        )),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(i)
}

/// A number, unless word characters follow: then a digit identifier (`1abc`, ksqlDB's
/// DIGIT_IDENTIFIER), or for `-1abc` a lone `-`.
fn number_or_digit_ident(i: &str) -> Res<'_> {
    let (rest, _) = number(i)?;
    let continues = matches!(word_tail(rest), Ok((_, n)) if n > 0);
    if !continues {
        return Ok((rest, TokenKind::Number));
    }
    if i.starts_with(|c: char| c.is_ascii_digit()) {
        let (rest, _) = recognize((satisfy(|c| c.is_ascii_digit()), word_tail)).parse(i)?;
        Ok((rest, TokenKind::Ident))
    } else {
        // `-` or `.` not part of a number: one punctuation character.
        Ok((&i[1..], TokenKind::Punct))
    }
}

fn semicolon(i: &str) -> Res<'_> {
    let (i, _) = char(';').parse(i)?;
    Ok((i, TokenKind::Semicolon))
}

fn punct(i: &str) -> Res<'_> {
    let (i, _) = satisfy(|_| true).parse(i)?;
    Ok((i, TokenKind::Punct))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .into_iter()
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn keywords_are_case_insensitive() {
        assert_eq!(
            kinds("DRoP CONNEcTOR x;"),
            vec![
                (TokenKind::Keyword, "DRoP"),
                (TokenKind::Keyword, "CONNEcTOR"),
                (TokenKind::Ident, "x"),
                (TokenKind::Semicolon, ";"),
            ]
        );
    }

    #[test]
    fn identifiers_with_dashes_and_dots_but_not_comments() {
        assert_eq!(
            kinds("my-conn.v2 a--b c- d."),
            vec![
                (TokenKind::Ident, "my-conn.v2"),
                (TokenKind::Ident, "a"),
                (TokenKind::Comment, "--b c- d."),
            ]
        );
        assert_eq!(
            kinds("c- d. e@f"),
            vec![
                (TokenKind::Ident, "c"),
                (TokenKind::Punct, "-"),
                (TokenKind::Ident, "d"),
                (TokenKind::Punct, "."),
                (TokenKind::Ident, "e@f"),
            ]
        );
    }

    #[test]
    fn numbers_and_digit_identifiers() {
        assert_eq!(
            kinds("1 -1 123.000 1e3 -2.5E-7 .5 1abc 1.5.6"),
            vec![
                (TokenKind::Number, "1"),
                (TokenKind::Number, "-1"),
                (TokenKind::Number, "123.000"),
                (TokenKind::Number, "1e3"),
                (TokenKind::Number, "-2.5E-7"),
                (TokenKind::Number, ".5"),
                (TokenKind::Ident, "1abc"),
                (TokenKind::Ident, "1.5.6"),
            ]
        );
    }

    #[test]
    fn strings_quotes_and_variables() {
        assert_eq!(
            kinds("'it''s\n;' \"a\"\"b\" `c``d` ${x_1} $${y}"),
            vec![
                (TokenKind::String, "'it''s\n;'"),
                (TokenKind::QuotedIdent, "\"a\"\"b\""),
                (TokenKind::QuotedIdent, "`c``d`"),
                (TokenKind::Variable, "${x_1}"),
                (TokenKind::Punct, "$"),
                (TokenKind::Variable, "${y}"),
            ]
        );
    }

    #[test]
    fn comments() {
        assert_eq!(
            kinds("--@directive\n/* a ; b */ x -- tail"),
            vec![
                (TokenKind::Comment, "--@directive"),
                (TokenKind::Comment, "/* a ; b */"),
                (TokenKind::Ident, "x"),
                (TokenKind::Comment, "-- tail"),
            ]
        );
    }

    #[test]
    fn unterminated_tokens_are_reported_not_errors() {
        assert_eq!(
            kinds("x 'abc"),
            vec![
                (TokenKind::Ident, "x"),
                (TokenKind::Unterminated(Unterminated::String), "'abc"),
            ]
        );
        assert_eq!(
            kinds("\"ab"),
            vec![(TokenKind::Unterminated(Unterminated::QuotedIdent), "\"ab")]
        );
        assert_eq!(
            kinds("/* ab"),
            vec![(TokenKind::Unterminated(Unterminated::Comment), "/* ab")]
        );
    }

    #[test]
    fn complete_statements() {
        assert!(statement_complete("SHOW CONNECTORS;"));
        assert!(statement_complete("SHOW CONNECTORS; -- done\n  "));
        assert!(statement_complete("SHOW CONNECTORS /* x */ ;  /* y */"));
        assert!(!statement_complete("SHOW CONNECTORS"));
        assert!(!statement_complete("CREATE CONNECTOR x WITH ('a'=';"));
        assert!(!statement_complete("SHOW CONNECTORS -- ;"));
        assert!(!statement_complete("SHOW CONNECTORS /* ; */"));
        assert!(!statement_complete("SHOW CONNECTORS; DROP CONNECTOR x"));
        assert!(statement_complete("help"));
        assert!(statement_complete("exit"));
        assert!(statement_complete("SHOW CONNECTORS; quit"));
        assert!(statement_complete("output json"));
        assert!(statement_complete("server http://localhost:8083"));
        assert!(statement_complete(""));
        assert!(statement_complete("  -- only a comment"));
    }
}

//! Statements from tokens: one function per grammar rule of LANGUAGE.md, each labelled with the
//! rule it parses. Once a rule has seen its leading keywords it commits: any later mismatch is a
//! hard error that says what was expected and after what. The parser splits scripts itself.
//!
//! Why not nom here too: the lexer (nom 8) has already turned text into a flat token list, and
//! the grammar is LL(2) keywords; a small recursive-descent parser over tokens gives exact
//! "expected X after Y" messages with no nom error types to translate (InfluxQL does the same
//! translation with `cut` + custom errors; this is the direct form of it).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::commands::ClientCommand;

use super::ast::{
    ClientStatement, ConnectorType, InitialState, Lifecycle, Literal, Located, Name, OutputFormat,
    Property, Span, Statement, Target,
};
use super::error::ParseError;
use super::expect::{Expected, Slot};
use super::ident::{closest, quote_string, unquote};
use super::lexer::{self, Token, TokenKind, Unterminated};
use super::statement::*;

mod filter;

/// How to parse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// ksqlDB's rule: unquoted names and keys are upper-cased (`--ksql-compat`).
    pub ksql_compat: bool,
    /// Accept a last statement without `;` (for `-e`). Client commands never need one.
    pub allow_missing_semicolon: bool,
}

/// Words that can start a statement other than a client command.
const STATEMENT_WORDS: &[&str] = &[
    "ALTER", "CREATE", "DEFINE", "DESCRIBE", "DROP", "EXPLAIN", "INSTALL", "LIST", "PAUSE",
    "PRINT", "RESTART", "RESUME", "SET", "SHOW", "STOP", "UNDEFINE", "UNSET", "VALIDATE", "WAIT",
    "WATCH",
];

/// Every word that can start a statement, sorted: [`STATEMENT_WORDS`] and the client commands'
/// (for `did you mean ...?` and completion).
pub fn statement_keywords() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = STATEMENT_WORDS
        .iter()
        .copied()
        .chain(crate::commands::ClientCommand::words())
        .collect();
    words.sort_unstable();
    words
}

type PResult<T> = Result<T, ParseError>;

/// Parses a whole script: any number of statements, each ended by `;` (client commands may end
/// at the end of their line instead). Empty statements (`;;`) are skipped.
pub fn parse_script(src: &str, opts: &ParseOptions) -> Result<Vec<Located>, ParseError> {
    let mut p = Parser::new(src, *opts);
    let mut out = Vec::new();
    loop {
        while p.peek_kind() == Some(TokenKind::Semicolon) {
            p.bump();
        }
        let Some(first) = p.peek() else { break };
        p.statement_start = p.pos;
        let statement = p.statement()?;
        let span = Span::new(first.span.start, p.last_end);
        p.end_of_statement(&statement)?;
        let (line, column) = p.lines.position(src, first.span.start);
        out.push(Located {
            statement,
            span,
            line,
            column,
            text: src[span.start..span.end].to_owned(),
        });
    }
    Ok(out)
}

/// Parses exactly one statement (a final `;` is optional).
pub fn parse_statement(src: &str, opts: &ParseOptions) -> Result<Statement, ParseError> {
    let opts = ParseOptions {
        allow_missing_semicolon: true,
        ..*opts
    };
    let mut located = parse_script(src, &opts)?;
    match located.len() {
        1 => Ok(located.remove(0).statement),
        0 => Err(ParseError::at(
            src,
            Span::new(src.len(), src.len()),
            "expected a statement, found end of input",
        )),
        _ => {
            let second = &located[1];
            Err(ParseError::at(
                src,
                second.span,
                "expected one statement, found a second one",
            ))
        }
    }
}

/// What may come next at the end of `src`, the start of a statement cut where the word under
/// the cursor begins (for completion). Recorded by the parsing functions themselves.
pub fn expected_after(src: &str, opts: &ParseOptions) -> Expected {
    let mut p = Parser::new(src, *opts);
    p.completing = true;
    while p.peek_kind() == Some(TokenKind::Semicolon) {
        p.bump();
    }
    // Parsed or not, what was looked for at the end is recorded; the result does not matter.
    let _ = p.statement();
    p.expected.into_inner()
}

/// True for the client commands that may end at the end of their line without `;`.
pub(crate) fn may_omit_semicolon(s: &Statement) -> bool {
    matches!(s, Statement::Client(c) if c.may_omit_semicolon())
}

/// True for statements that only the shell runs (not allowed under EXPLAIN).
fn is_client_statement(s: &Statement) -> bool {
    matches!(s, Statement::Client(_) | Statement::Explain(Explain(_)))
}

/// Line starts of the source, with a cursor so that positions asked in increasing order on one
/// long line cost O(distance), not O(line length).
struct Lines {
    starts: Vec<usize>,
    /// (offset, line index, column) of the last answer.
    cache: Cell<(usize, usize, usize)>,
}

impl Lines {
    fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines {
            starts,
            cache: Cell::new((0, 0, 1)),
        }
    }

    fn line_index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// 1-based (line, column in characters) of `offset`.
    fn position(&self, src: &str, offset: usize) -> (usize, usize) {
        let idx = self.line_index(offset);
        let (c_off, c_idx, c_col) = self.cache.get();
        let col = if c_idx == idx && c_off <= offset {
            c_col + src[c_off..offset].chars().count()
        } else {
            1 + src[self.starts[idx]..offset].chars().count()
        };
        self.cache.set((offset, idx, col));
        (idx + 1, col)
    }
}

struct Parser<'a> {
    src: &'a str,
    /// Tokens without comments.
    tokens: Vec<Token>,
    pos: usize,
    /// End of the last consumed token.
    last_end: usize,
    opts: ParseOptions,
    lines: Lines,
    /// Index of the first token of the statement being parsed (for hints about it).
    statement_start: usize,
    /// Recording what is expected at the end of the input (completion only).
    completing: bool,
    expected: RefCell<Expected>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, opts: ParseOptions) -> Self {
        let mut tokens = Vec::with_capacity(src.len() / 4);
        let mut pos = 0;
        while let Some(t) = lexer::next_token(src, pos) {
            pos = t.span.end;
            if t.kind != TokenKind::Comment {
                tokens.push(t);
            }
        }
        Parser {
            src,
            tokens,
            pos: 0,
            last_end: 0,
            opts,
            lines: Lines::new(src),
            statement_start: 0,
            completing: false,
            expected: RefCell::default(),
        }
    }

    // ---- token helpers ----

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<Token> {
        self.tokens.get(self.pos + n).copied()
    }

    fn peek_kind(&self) -> Option<TokenKind> {
        self.peek().map(|t| t.kind)
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos];
        self.pos += 1;
        self.last_end = t.span.end;
        t
    }

    fn text(&self, t: Token) -> &'a str {
        t.text(self.src)
    }

    fn word_is(&self, t: Option<Token>, kw: &str) -> bool {
        matches!(t, Some(t) if t.is_word() && self.text(t).eq_ignore_ascii_case(kw))
    }

    fn punct_is(&self, t: Option<Token>, c: &str) -> bool {
        matches!(t, Some(t) if t.kind == TokenKind::Punct && self.text(t) == c)
    }

    /// The next token is the keyword `kw`. (At the end of the input, `kw` is expected there.)
    fn at(&self, kw: &str) -> bool {
        if self.at_end() {
            self.expected.borrow_mut().keyword(kw);
        }
        self.word_is(self.peek(), kw)
    }

    /// Completing, and at the end of the input: what is looked for here is what may come next.
    fn at_end(&self) -> bool {
        self.completing && self.pos == self.tokens.len()
    }

    /// Records that a value of kind `slot` may come next (completion only).
    fn offer(&self, slot: Slot) {
        if self.at_end() {
            self.expected.borrow_mut().slot(slot);
        }
    }

    /// Records the connector the statement is about, and its type (completion only).
    fn note_connector(&self, name: Option<&Name>, kind: Option<ConnectorType>) {
        if self.completing {
            let mut e = self.expected.borrow_mut();
            if let Some(name) = name {
                e.connector = Some(name.value());
            }
            if kind.is_some() {
                e.connector_type = kind;
            }
        }
    }

    /// The next two tokens are the keywords `a b`.
    fn at2(&self, a: &str, b: &str) -> bool {
        if self.completing && self.pos + 1 == self.tokens.len() && self.at(a) {
            self.expected.borrow_mut().keyword(b);
        }
        self.at(a) && self.word_is(self.peek_at(1), b)
    }

    fn eat(&mut self, kw: &str) -> bool {
        let yes = self.at(kw);
        if yes {
            self.bump();
        }
        yes
    }

    fn expect(&mut self, kw: &str, after: &str) -> PResult<()> {
        if self.eat(kw) {
            Ok(())
        } else {
            Err(self.expected_keywords(&[kw], after))
        }
    }

    fn expect_punct(&mut self, c: &str, after: &str) -> PResult<()> {
        if self.punct_is(self.peek(), c) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(&format!("'{c}'"), after))
        }
    }

    // ---- errors ----

    /// `expected WHAT after AFTER, found X` at the next token (or at the end of the input).
    fn expected(&self, what: &str, after: &str) -> ParseError {
        let (span, found) = match self.peek() {
            Some(t) => {
                if let TokenKind::Unterminated(kind) = t.kind {
                    return self.unterminated(t, kind);
                }
                (t.span, describe(self.src, t))
            }
            // Right after the last token, not after trailing comments and blank lines.
            None => (
                Span::new(self.last_end, self.last_end),
                "end of input".to_owned(),
            ),
        };
        let message = if after.is_empty() {
            format!("expected {what}, found {found}")
        } else {
            format!("expected {what} after {after}, found {found}")
        };
        let err = ParseError::at(self.src, span, message);
        match self.quote_hint(self.pos) {
            Some(hint) => err.with_hint(hint),
            None => err,
        }
    }

    /// A quote missing (or a lone `'` inside a string) mid-statement pairs every later quote
    /// wrongly, and the error shows up further on. Points at where the wrong pairing began:
    /// the first string of the statement that swallowed a separator (`'b, '` in
    /// `'a' = 'b, 'c' = 'd'`), or a string that ends right before the word at `upto`
    /// (`'it's'`). Names positions only, never the text (which may be a secret).
    fn quote_hint(&self, upto: usize) -> Option<String> {
        let upto = upto.min(self.tokens.len());
        let start = self.statement_start.min(upto);
        let quoted = |t: &Token| matches!(t.kind, TokenKind::String | TokenKind::QuotedIdent);
        let swallowed = self.tokens[start..upto].iter().find(|t| {
            quoted(t)
                && unquote(self.text(**t))
                    .trim_end()
                    .ends_with([',', '=', '('])
        });
        if let Some(t) = swallowed {
            let (line, column) = self.lines.position(self.src, t.span.start);
            return Some(format!(
                "a closing quote may be missing: the string that opens at line {line}, column \
                 {column} runs on into the next item"
            ));
        }
        let (prev, next) = (upto.checked_sub(1)?, self.tokens.get(upto)?);
        let prev = self
            .tokens
            .get(prev)
            .filter(|p| p.span.end == next.span.start)?;
        if quoted(prev) && next.is_word() && upto > start {
            let (line, column) = self.lines.position(self.src, prev.span.end - 1);
            let q = &self.text(*prev)[..1];
            return Some(format!(
                "the {q} at line {line}, column {column} closes the text; if it belongs to \
                 the text, write it twice ({q}{q})"
            ));
        }
        None
    }

    /// Like `expected`, listing keywords, with `did you mean` when the found word is close.
    fn expected_keywords(&self, kws: &[&str], after: &str) -> ParseError {
        let what = one_of(kws);
        let err = self.expected(&what, after);
        if let Some(t) = self.peek()
            && t.is_word()
            && is_ksql_only(self.text(t))
        {
            return err.with_hint(KSQL_ONLY_HINT);
        }
        match self.peek() {
            Some(t) if t.is_word() => match closest(self.text(t), kws.iter().copied()) {
                Some(kw) => err.with_hint(format!("did you mean {kw}?")),
                None => err,
            },
            _ => err,
        }
    }

    fn unterminated(&self, t: Token, kind: Unterminated) -> ParseError {
        let (what, close) = match kind {
            Unterminated::String => ("string", "'"),
            Unterminated::QuotedIdent => {
                if self.text(t).starts_with('`') {
                    ("quoted identifier", "`")
                } else {
                    ("quoted identifier", "\"")
                }
            }
            Unterminated::Comment => ("comment", "*/"),
        };
        let span = Span::new(t.span.start, t.span.start + 1);
        let index = self.tokens.iter().position(|x| x.span == t.span);
        if let Some(hint) = index.and_then(|i| self.quote_hint(i)) {
            return ParseError::at(
                self.src,
                span,
                format!("unterminated {what}: the closing {close} is missing"),
            )
            .with_hint(hint);
        }
        ParseError::at(
            self.src,
            span,
            format!("unterminated {what}: the closing {close} is missing"),
        )
        .with_hint(match kind {
            Unterminated::Comment => "block comments end with */".to_owned(),
            _ => format!("inside quotes, write {close} twice ({close}{close}) for one {close}"),
        })
    }

    // ---- terminals ----

    /// Upper-cases an unquoted name under `--ksql-compat`.
    fn plain(&self, text: &str) -> Name {
        let mut name = Name::Plain(text.to_owned());
        if self.opts.ksql_compat {
            super::ident::ksql_compat(&mut name);
        }
        name
    }

    /// name := word | "quoted" | `quoted` | ${var}
    /// (`WITH (` is never a name, so `CREATE CONNECTOR WITH (...)` says the name is missing.)
    fn name(&mut self, what: &str, after: &str) -> PResult<Name> {
        self.name_as(Slot::ConnectorName, what, after)
    }

    /// A name standing for `slot` (completion offers what fits there).
    fn name_as(&mut self, slot: Slot, what: &str, after: &str) -> PResult<Name> {
        self.offer(slot);
        let t = self.peek();
        if self.word_is(self.peek(), "WITH") && self.punct_is(self.peek_at(1), "(") {
            return Err(self.expected(what, after));
        }
        match t {
            Some(t) if t.is_word() => {
                self.bump();
                Ok(self.plain(self.text(t)))
            }
            Some(t) if t.kind == TokenKind::QuotedIdent => {
                self.bump();
                Ok(Name::Quoted(unquote(self.text(t))))
            }
            Some(t) if t.kind == TokenKind::Variable => {
                self.bump();
                Ok(Name::Var(variable_name(self.text(t))))
            }
            _ => Err(self.expected(what, after)),
        }
    }

    /// string := 'text'
    fn string(&mut self, what: &str, after: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::String => {
                self.bump();
                Ok(unquote(self.text(t)))
            }
            _ => Err(self.expected(what, after)),
        }
    }

    /// text := 'string' | word | "quoted" | number | ${var} — for settings, plugins and loggers,
    /// where quoting is optional. A variable is kept as `${name}` text, substituted like a
    /// variable inside a string (ksqlDB's `SET (VARIABLE | STRING) = (VARIABLE | STRING)`).
    fn text_value(&mut self, what: &str, after: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Variable => {
                self.bump();
                Ok(self.text(t).to_owned())
            }
            Some(t) if matches!(t.kind, TokenKind::String | TokenKind::QuotedIdent) => {
                self.bump();
                Ok(unquote(self.text(t)))
            }
            Some(t) if t.is_word() || t.kind == TokenKind::Number => {
                self.bump();
                Ok(self.text(t).to_owned())
            }
            _ => Err(self.expected(what, after)),
        }
    }

    /// A whole non-negative number.
    fn integer<T: std::str::FromStr>(&mut self, what: &str, after: &str) -> PResult<T> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Number => match self.text(t).parse::<T>() {
                Ok(n) => {
                    self.bump();
                    Ok(n)
                }
                Err(_) => Err(ParseError::at(
                    self.src,
                    t.span,
                    format!(
                        "expected {what} after {after}, found {}: it must be a whole number",
                        self.text(t)
                    ),
                )),
            },
            _ => Err(self.expected(what, after)),
        }
    }

    /// like := LIKE 'pattern'
    fn like(&mut self, after: &str) -> PResult<Option<String>> {
        if self.eat("LIKE") {
            let quotable = matches!(self.peek(), Some(t) if t.is_word()
                || t.kind == TokenKind::QuotedIdent
                || (t.kind == TokenKind::Punct && self.text(t) == "%"));
            self.string(
                "a 'pattern' (% and _ are wildcards)",
                &format!("{after} LIKE"),
            )
            .map(Some)
            .map_err(|e| {
                if quotable {
                    e.with_hint("patterns are 'single quoted': LIKE 'jdbc-%'")
                } else {
                    e
                }
            })
        } else {
            Ok(None)
        }
    }

    /// The rest of the line up to `;` as written (for `HELP topic`, `SERVER url`, `RUN SCRIPT path`),
    /// or a single string literal.
    fn rest_of_line(&mut self, keyword_end: usize) -> PResult<Option<String>> {
        let line = self.lines.line_index(keyword_end.saturating_sub(1));
        let mut first: Option<Token> = None;
        let mut last: Option<Token> = None;
        while let Some(t) = self.peek() {
            if t.kind == TokenKind::Semicolon || self.lines.line_index(t.span.start) != line {
                break;
            }
            if let TokenKind::Unterminated(kind) = t.kind {
                return Err(self.unterminated(t, kind));
            }
            self.bump();
            first.get_or_insert(t);
            last = Some(t);
        }
        Ok(match (first, last) {
            (Some(f), Some(l)) if f == l && f.kind == TokenKind::String => {
                Some(unquote(self.text(f)))
            }
            (Some(f), Some(l)) => Some(self.src[f.span.start..l.span.end].to_owned()),
            _ => None,
        })
    }

    // ---- properties ----

    /// property_list := '(' property (',' property)* ')'; a key given twice is an error.
    fn property_list(&mut self, after: &str) -> PResult<Vec<Property>> {
        self.expect_punct("(", after)?;
        let inside = format!("{after} (");
        let mut props: Vec<Property> = Vec::new();
        // Short lists (nearly all) are checked for duplicates by a scan; long ones by an index.
        let mut index: Option<HashMap<String, Span>> = None;
        loop {
            if props.is_empty() && self.punct_is(self.peek(), ")") {
                return Err(self
                    .expected("a property (key = value)", &inside)
                    .with_hint("a property list needs at least one `key = value`"));
            }
            let prop = match self.property(&inside) {
                Ok(prop) => prop,
                Err(e) => {
                    // Completing inside this list: what it holds so far (once, at the end).
                    if self.at_end() {
                        let mut x = self.expected.borrow_mut();
                        x.present_keys = props.iter().map(|p| p.key.value()).collect();
                        x.class = props
                            .iter()
                            .find(|p| p.key.text() == "connector.class")
                            .map(|p| p.value.to_config_string());
                    }
                    return Err(e);
                }
            };
            let key = prop.key.text();
            let first = if props.len() < 32 {
                props.iter().find(|p| p.key.text() == key).map(|p| p.span)
            } else {
                let index = index
                    .get_or_insert_with(|| props.iter().map(|p| (p.key.value(), p.span)).collect());
                let first = index.get(key.as_ref()).copied();
                index.insert(key.clone().into_owned(), prop.span);
                first
            };
            if let Some(first) = first {
                let (l1, c1) = self.lines.position(self.src, first.start);
                let (l2, c2) = self.lines.position(self.src, prop.span.start);
                return Err(ParseError::at(
                    self.src,
                    prop.span,
                    format!(
                        "property '{key}' is given twice: at line {l1}, column {c1} and at line {l2}, column {c2}"
                    ),
                )
                .with_hint("remove one of them"));
            }
            drop(key);
            props.push(prop);
            if self.punct_is(self.peek(), ",") {
                self.bump();
                continue;
            }
            if self.punct_is(self.peek(), ")") {
                self.bump();
                return Ok(props);
            }
            let last = props.last().map(|p| p.to_string()).unwrap_or_default();
            return Err(self.expected("',' or ')'", &last));
        }
    }

    /// property := key '=' value
    fn property(&mut self, after: &str) -> PResult<Property> {
        let start = self.peek().map_or(self.src.len(), |t| t.span.start);
        let key = self.key("a property key", after)?;
        let span = Span::new(start, self.last_end);
        // Contexts are formatted only on error: this is the hot path of long WITH lists.
        if !self.punct_is(self.peek(), "=") {
            return Err(self.expected("'='", &format!("the key {}", super::ast::Key(&key))));
        }
        self.bump();
        let value = self.value(&key)?;
        Ok(Property { key, value, span })
    }

    /// key := 'string' | "quoted" | word | ${var}
    fn key(&mut self, what: &str, after: &str) -> PResult<Name> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::String => {
                self.bump();
                Ok(Name::Quoted(unquote(self.text(t))))
            }
            _ => self.name_as(Slot::PropertyKey, what, after),
        }
    }

    /// value := 'string' | number | TRUE | FALSE | NULL | ${var}
    fn value(&mut self, key: &Name) -> PResult<Literal> {
        self.offer(Slot::Value(key.value()));
        let after = || format!("{} =", super::ast::Key(key));
        let Some(t) = self.peek() else {
            return Err(self.expected("a value", &after()));
        };
        let text = self.text(t);
        let lit = match t.kind {
            TokenKind::String => Literal::String(unquote(text)),
            TokenKind::Number => Literal::Number(text.to_owned()),
            TokenKind::Variable => Literal::Var(variable_name(text)),
            // ksqlDB's grammar allows `- 1` (MINUS? number): keep it as the number `-1`.
            TokenKind::Punct
                if text == "-"
                    && matches!(self.peek_at(1), Some(n) if n.kind == TokenKind::Number
                        && !self.text(n).starts_with('-')) =>
            {
                self.bump();
                Literal::Number(format!("-{}", self.text(self.peek().unwrap_or(t))))
            }
            _ if self.word_is(Some(t), "TRUE") => Literal::Boolean(true),
            _ if self.word_is(Some(t), "FALSE") => Literal::Boolean(false),
            _ if self.word_is(Some(t), "NULL") => Literal::Null,
            _ => {
                let err = self.expected(
                    "a value ('string', number, TRUE, FALSE, NULL or ${variable})",
                    &after(),
                );
                return Err(if t.is_word() || t.kind == TokenKind::QuotedIdent {
                    err.with_hint(format!(
                        "text values are 'single quoted': {}",
                        quote_string(&unquote(text))
                    ))
                } else {
                    err
                });
            }
        };
        self.bump();
        Ok(lit)
    }

    // ---- statements ----

    /// statement := one of the rules below, chosen by the first word.
    fn statement(&mut self) -> PResult<Statement> {
        if self.at_end() {
            let mut e = self.expected.borrow_mut();
            statement_keywords().iter().for_each(|k| e.keyword(k));
        }
        let Some(t) = self.peek() else {
            return Err(self.expected("a statement", ""));
        };
        if !t.is_word() {
            return Err(self
                .expected("a statement", "")
                .with_hint(statement_list_hint()));
        }
        let word = self.text(t).to_ascii_uppercase();
        if let Some(command) = ClientCommand::from_word(&word) {
            return self.client_command(command);
        }
        match word.as_str() {
            "CREATE" => self.create_connector(),
            "DROP" => self.drop_connector(),
            "DESCRIBE" => self.describe(),
            "SHOW" | "LIST" => self.show(),
            "VALIDATE" => self.validate_connector(),
            "PAUSE" | "RESUME" | "STOP" => self.lifecycle(),
            "RESTART" => self.restart(),
            "ALTER" => self.alter_connector(),
            "WAIT" => self.wait_for_connector(),
            "PRINT" => self.print(),
            "INSTALL" => self.install_plugin(),
            "EXPLAIN" => self.explain(),
            "WATCH" => self.watch(),
            "SET" => self.set(),
            "UNSET" => self.unset(),
            "DEFINE" => self.define(),
            "UNDEFINE" => self.undefine(),
            _ if is_ksql_only(&word) => Err(ParseError::at(
                self.src,
                t.span,
                format!("unknown statement '{}'", self.text(t)),
            )
            .with_hint(KSQL_ONLY_HINT)),
            _ => {
                let text = self.text(t);
                let message = match closest(text, statement_keywords()) {
                    Some(kw) => format!("unknown statement '{text}': did you mean {kw}?"),
                    None => format!("unknown statement '{text}'"),
                };
                Err(ParseError::at(self.src, t.span, message).with_hint(statement_list_hint()))
            }
        }
    }

    /// After a statement: `;`, or the end of the input (`-e`, client commands), or for a client
    /// command the end of its line.
    fn end_of_statement(&mut self, statement: &Statement) -> PResult<()> {
        let client = may_omit_semicolon(statement);
        match self.peek() {
            Some(t) if t.kind == TokenKind::Semicolon => {
                self.bump();
                Ok(())
            }
            None if client || self.opts.allow_missing_semicolon => Ok(()),
            Some(t)
                if client
                    && self.lines.line_index(t.span.start)
                        > self.lines.line_index(self.last_end.saturating_sub(1)) =>
            {
                Ok(())
            }
            _ => {
                let head = statement.to_string();
                let head: String = head.chars().take(40).collect();
                let ell = if head.len() < statement.to_string().len() {
                    "..."
                } else {
                    ""
                };
                // A statement keyword on a later line: the `;` was forgotten at the end of this
                // statement, so point there rather than at the next statement.
                if let Some(t) = self.peek() {
                    let later = self.lines.line_index(t.span.start)
                        > self.lines.line_index(self.last_end.saturating_sub(1));
                    let word = self.text(t);
                    if later
                        && t.is_word()
                        && statement_keywords()
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(word))
                    {
                        let line = self.lines.line_index(t.span.start) + 1;
                        return Err(ParseError::at(
                            self.src,
                            Span::new(self.last_end, self.last_end),
                            format!(
                                "expected ';' after {head}{ell}, found '{word}' on line {line}"
                            ),
                        )
                        .with_hint("each statement ends with ';'"));
                    }
                }
                Err(self.expected("';'", &format!("{head}{ell}")))
            }
        }
    }

    /// create_connector := CREATE [OR REPLACE] [SOURCE|SINK] CONNECTOR [IF NOT EXISTS] name
    ///                     WITH property_list [INITIALLY state] [WITH OFFSETS offsets]
    ///                     (the last two in either order)
    fn create_connector(&mut self) -> PResult<Statement> {
        self.bump();
        let mut after = String::from("CREATE");
        let or_replace = self.at("OR");
        if or_replace {
            self.bump();
            self.expect("REPLACE", "CREATE OR")?;
            after.push_str(" OR REPLACE");
        }
        let kind = self.connector_type();
        if let Some(k) = kind {
            after.push_str(&format!(" {k}"));
        }
        if !self.at("CONNECTOR") {
            let mut kws = Vec::new();
            if kind.is_none() {
                kws.extend(["SOURCE", "SINK"]);
                if !or_replace {
                    kws.push("OR REPLACE");
                }
            }
            kws.push("CONNECTOR");
            return Err(self.expected_keywords(&kws, &after));
        }
        self.bump();
        after.push_str(" CONNECTOR");
        let if_not_exists = self.if_not_exists(&after)?;
        if if_not_exists {
            if or_replace {
                return Err(ParseError::at(
                    self.src,
                    Span::new(self.last_end, self.last_end),
                    "CREATE OR REPLACE cannot be combined with IF NOT EXISTS",
                )
                .with_hint("OR REPLACE already succeeds when the connector exists"));
            }
            after.push_str(" IF NOT EXISTS");
        }
        self.note_connector(None, kind);
        let name = self.name_as(Slot::NewConnectorName, "a connector name", &after)?;
        after = format!("{after} {name}");
        self.expect("WITH", &after)?;
        let properties = self.property_list(&format!("{after} WITH"))?;
        let after = format!("{after} WITH (...)");
        let (mut initially, mut offsets) = (None, Vec::new());
        loop {
            if initially.is_none() && self.eat("INITIALLY") {
                initially = Some(self.initial_state(&format!("{after} INITIALLY"))?);
            } else if offsets.is_empty() && self.at2("WITH", "OFFSETS") {
                let start = self.peek().map_or(0, |t| t.span.start);
                self.bump();
                self.bump();
                offsets = self.offsets(&format!("{after} WITH OFFSETS"))?;
                if or_replace {
                    return Err(ParseError::at(
                        self.src,
                        Span::new(start, self.last_end),
                        "WITH OFFSETS sets the offsets of a new connector; CREATE OR REPLACE \
                         may update an existing one instead",
                    )
                    .with_hint("write CREATE ... CONNECTOR IF NOT EXISTS name WITH (...) WITH OFFSETS (...)"));
                }
            } else {
                break;
            }
        }
        Ok(Statement::CreateConnector(CreateConnector {
            or_replace,
            if_not_exists,
            kind,
            name,
            properties,
            initially,
            offsets,
        }))
    }

    /// state := RUNNING | PAUSED | STOPPED (the words `InitialState` knows)
    fn initial_state(&mut self, after: &str) -> PResult<InitialState> {
        if self.at_end() {
            let mut e = self.expected.borrow_mut();
            InitialState::ALL
                .iter()
                .for_each(|s| e.keyword(s.keyword()));
        }
        let state = self
            .peek()
            .filter(|t| t.is_word())
            .and_then(|t| InitialState::from_keyword(self.text(t)));
        match state {
            Some(state) => {
                self.bump();
                Ok(state)
            }
            None => {
                let words: Vec<&str> = InitialState::ALL.iter().map(|s| s.keyword()).collect();
                Err(self.expected_keywords(&words, after))
            }
        }
    }

    /// offsets := '(' partition_offset (',' partition_offset)* ')'
    fn offsets(&mut self, after: &str) -> PResult<Vec<PartitionOffset>> {
        self.expect_punct("(", after)?;
        let mut list = Vec::new();
        loop {
            list.push(self.partition_offset(&format!("{after} ("))?);
            if self.punct_is(self.peek(), ",") {
                self.bump();
            } else if self.punct_is(self.peek(), ")") {
                self.bump();
                return Ok(list);
            } else {
                return Err(self.expected("',' or ')'", "PARTITION (...) TO (...)"));
            }
        }
    }

    /// partition_offset := PARTITION property_list TO (property_list | NULL)
    fn partition_offset(&mut self, after: &str) -> PResult<PartitionOffset> {
        self.expect("PARTITION", after)?;
        let a = format!("{after} PARTITION");
        let partition = self.property_list(&a)?;
        self.expect("TO", &format!("{a} (...)"))?;
        let offset = if self.eat("NULL") {
            None
        } else {
            Some(self.property_list(&format!("{a} (...) TO"))?)
        };
        Ok(PartitionOffset { partition, offset })
    }

    /// connector_type := SOURCE | SINK
    fn connector_type(&mut self) -> Option<ConnectorType> {
        if self.eat("SOURCE") {
            Some(ConnectorType::Source)
        } else if self.eat("SINK") {
            Some(ConnectorType::Sink)
        } else {
            None
        }
    }

    /// if_not_exists := IF NOT EXISTS (IF not followed by NOT is a name)
    fn if_not_exists(&mut self, after: &str) -> PResult<bool> {
        if !self.at2("IF", "NOT") {
            return Ok(false);
        }
        self.bump();
        self.bump();
        self.expect("EXISTS", &format!("{after} IF NOT"))?;
        Ok(true)
    }

    /// drop_connector := DROP CONNECTOR [IF EXISTS] name | drop_connectors (parser/filter.rs)
    fn drop_connector(&mut self) -> PResult<Statement> {
        self.bump();
        if self.eat("CONNECTORS") {
            return self.drop_connectors();
        }
        if !self.eat("CONNECTOR") {
            return Err(self.expected_keywords(&["CONNECTOR", "CONNECTORS"], "DROP"));
        }
        let if_exists = self.at2("IF", "EXISTS");
        let after = if if_exists {
            self.bump();
            self.bump();
            "DROP CONNECTOR IF EXISTS"
        } else {
            "DROP CONNECTOR"
        };
        let name = self.name("a connector name", after)?;
        Ok(Statement::DropConnector(DropConnector { if_exists, name }))
    }

    /// describe := DESCRIBE CONNECTOR name [EXTENDED] | DESCRIBE PLUGIN 'class-or-alias'
    fn describe(&mut self) -> PResult<Statement> {
        self.bump();
        if self.eat("CONNECTOR") {
            let name = self.name("a connector name", "DESCRIBE CONNECTOR")?;
            let extended = self.eat("EXTENDED");
            Ok(Statement::DescribeConnector(DescribeConnector {
                name,
                extended,
            }))
        } else if self.eat("PLUGIN") {
            self.offer(Slot::PluginClass);
            let plugin = self.text_value("a plugin class or alias", "DESCRIBE PLUGIN")?;
            let version = if self.eat("VERSION") {
                Some(self.text_value(
                    "a 'version' (or version range)",
                    &format!("DESCRIBE PLUGIN {} VERSION", quote_string(&plugin)),
                )?)
            } else {
                None
            };
            Ok(Statement::DescribePlugin(DescribePlugin {
                plugin,
                version,
            }))
        } else {
            Err(self.expected_keywords(&["CONNECTOR", "PLUGIN"], "DESCRIBE"))
        }
    }

    /// show := SHOW|LIST ( [SOURCE|SINK] CONNECTORS [LIKE 'p'] [WHERE condition] | CONNECTOR PLUGINS
    ///       | CONNECTOR OFFSETS name | CONNECTOR ERRORS name [LIMIT n] | CREATE CONNECTOR name | PLUGINS | CLUSTER
    ///       | LOGGERS [LIKE 'p'] | PROPERTIES | VARIABLES )
    fn show(&mut self) -> PResult<Statement> {
        let t = self.bump();
        let verb = self.text(t).to_ascii_uppercase();
        let kind = self.connector_type();
        if let Some(k) = kind {
            let after = format!("{verb} {k}");
            self.expect("CONNECTORS", &after)?;
            let like = self.like(&format!("{after} CONNECTORS"))?;
            let filter = self.where_clause(&format!("{after} CONNECTORS"))?;
            return Ok(Statement::ShowConnectors(ShowConnectors {
                kind,
                like,
                filter,
            }));
        }
        if self.eat("CONNECTORS") {
            let like = self.like(&format!("{verb} CONNECTORS"))?;
            let filter = self.where_clause(&format!("{verb} CONNECTORS"))?;
            return Ok(Statement::ShowConnectors(ShowConnectors {
                kind: None,
                like,
                filter,
            }));
        }
        if self.eat("CONNECTOR") {
            if self.eat("PLUGINS") {
                return Ok(Statement::ShowConnectorPlugins(ShowConnectorPlugins));
            }
            if self.eat("OFFSETS") {
                let name = self.name("a connector name", &format!("{verb} CONNECTOR OFFSETS"))?;
                return Ok(Statement::ShowConnectorOffsets(ShowConnectorOffsets {
                    name,
                }));
            }
            if self.eat("ERRORS") {
                return self.show_connector_errors(&verb);
            }
            let err = self.expected_keywords(
                &["PLUGINS", "OFFSETS", "ERRORS"],
                &format!("{verb} CONNECTOR"),
            );
            // `SHOW CONNECTOR;` meant the list; `SHOW CONNECTOR x` one connector.
            return Err(match self.peek() {
                None => err.with_hint(format!("did you mean {verb} CONNECTORS?")),
                Some(t) if t.kind == TokenKind::Semicolon || self.word_is(Some(t), "LIKE") => {
                    err.with_hint(format!("did you mean {verb} CONNECTORS?"))
                }
                Some(t) if err.hint.is_none() && (t.is_word() || t.kind == TokenKind::QuotedIdent) => {
                    err.with_hint(format!(
                        "to see one connector: DESCRIBE CONNECTOR {}; to list them: {verb} CONNECTORS",
                        self.text(t)
                    ))
                }
                Some(_) => err,
            });
        }
        if self.eat("CREATE") {
            let after = format!("{verb} CREATE");
            self.expect("CONNECTOR", &after)?;
            let name = self.name("a connector name", &format!("{after} CONNECTOR"))?;
            let with_offsets = self.at2("WITH", "OFFSETS");
            if with_offsets {
                self.bump();
                self.bump();
            }
            return Ok(Statement::ShowCreateConnector(ShowCreateConnector {
                name,
                with_offsets,
            }));
        }
        if self.eat("PLUGINS") {
            return Ok(Statement::ShowPlugins(ShowPlugins));
        }
        if self.eat("CLUSTER") {
            return Ok(Statement::ShowCluster(ShowCluster));
        }
        if self.eat("LOGGERS") {
            let like = self.like(&format!("{verb} LOGGERS"))?;
            return Ok(Statement::ShowLoggers(ShowLoggers { like }));
        }
        if let Some(topics) = self.show_topics(&verb)? {
            return Ok(topics);
        }
        if self.eat("PROPERTIES") {
            return Ok(Statement::Client(ClientStatement::ShowProperties));
        }
        if self.eat("VARIABLES") {
            return Ok(Statement::Client(ClientStatement::ShowVariables));
        }
        Err(self.expected_keywords(
            &[
                "CONNECTORS",
                "SOURCE",
                "SINK",
                "CONNECTOR",
                "CREATE",
                "PLUGINS",
                "CLUSTER",
                "LOGGERS",
                "TOPICS",
                "ALL TOPICS",
                "PROPERTIES",
                "VARIABLES",
            ],
            &verb,
        ))
    }

    /// show_topics := SHOW|LIST [ALL] TOPICS [EXTENDED] [LIKE 'p']; `None` when neither word
    /// is next.
    fn show_topics(&mut self, verb: &str) -> PResult<Option<Statement>> {
        let all = self.eat("ALL");
        if all {
            self.expect("TOPICS", &format!("{verb} ALL"))?;
        } else if !self.eat("TOPICS") {
            return Ok(None);
        }
        let mut after = format!("{verb} {}TOPICS", if all { "ALL " } else { "" });
        let extended = self.eat("EXTENDED");
        if extended {
            after.push_str(" EXTENDED");
        }
        if self.completing && self.at("LIKE") && self.pos + 1 == self.tokens.len() {
            self.expected.borrow_mut().slot(Slot::TopicName);
        }
        let like = self.like(&after)?;
        Ok(Some(Statement::ShowTopics(ShowTopics {
            all,
            extended,
            like,
        })))
    }

    /// print := PRINT ('topic' | name) [FROM BEGINNING] [(INTERVAL | SAMPLE) n] [LIMIT n]
    fn print(&mut self) -> PResult<Statement> {
        self.bump();
        self.offer(Slot::TopicName);
        let topic = match self.peek() {
            Some(t) if t.kind == TokenKind::String => {
                self.bump();
                Name::Quoted(unquote(self.text(t)))
            }
            _ => self.name_as(Slot::TopicName, "a topic name", "PRINT")?,
        };
        let mut after = format!("PRINT {}", super::ast::Key(&topic));
        let from_beginning = self.eat("FROM");
        if from_beginning {
            self.expect("BEGINNING", &format!("{after} FROM"))?;
            after.push_str(" FROM BEGINNING");
        }
        let interval = match self.peek() {
            Some(t) if self.at("INTERVAL") || self.at("SAMPLE") => {
                self.bump();
                let word = self.text(t).to_ascii_uppercase();
                let n = self.count(&format!("{after} {word}"))?;
                after.push_str(&format!(" {word} {n}"));
                Some(n)
            }
            _ => None,
        };
        let limit = if self.eat("LIMIT") {
            Some(self.count(&format!("{after} LIMIT"))?)
        } else {
            None
        };
        Ok(Statement::Print(Print {
            topic,
            from_beginning,
            interval,
            limit,
        }))
    }

    /// A number of records, at least 1 (LIMIT 0 or INTERVAL 0 would print nothing).
    fn count(&mut self, after: &str) -> PResult<u64> {
        let start = self.peek().map(|t| t.span);
        let n: u64 = self
            .integer("a number of records", after)
            .map_err(|e| e.with_hint("a whole number from 1"))?;
        if n == 0 {
            let span = start.unwrap_or(Span::new(self.last_end, self.last_end));
            return Err(ParseError::at(
                self.src,
                span,
                format!("{after} takes a number from 1: 0 would print nothing"),
            )
            .with_hint("leave LIMIT out to print until Ctrl-C"));
        }
        Ok(n)
    }

    /// validate_connector := VALIDATE [SOURCE|SINK] CONNECTOR [name] WITH property_list
    fn validate_connector(&mut self) -> PResult<Statement> {
        self.bump();
        let kind = self.connector_type();
        let mut after = String::from("VALIDATE");
        if let Some(k) = kind {
            after.push_str(&format!(" {k}"));
        }
        if !self.at("CONNECTOR") {
            let kws: &[&str] = if kind.is_none() {
                &["SOURCE", "SINK", "CONNECTOR"]
            } else {
                &["CONNECTOR"]
            };
            return Err(self.expected_keywords(kws, &after));
        }
        self.bump();
        after.push_str(" CONNECTOR");
        self.note_connector(None, kind);
        let name = if self.at("WITH") && self.punct_is(self.peek_at(1), "(") {
            None
        } else {
            let name = self.name_as(Slot::NewConnectorName, "a connector name or WITH", &after)?;
            after = format!("{after} {name}");
            Some(name)
        };
        self.expect("WITH", &after)?;
        let properties = self.property_list(&format!("{after} WITH"))?;
        Ok(Statement::ValidateConnector(ValidateConnector {
            kind,
            name,
            properties,
        }))
    }

    /// target := CONNECTOR name | CONNECTORS [LIKE 'pattern'] [WHERE condition]
    fn target(&mut self, verb: &str) -> PResult<Target> {
        if self.eat("CONNECTOR") {
            Ok(Target::One(
                self.name("a connector name", &format!("{verb} CONNECTOR"))?,
            ))
        } else if self.eat("CONNECTORS") {
            let like = self.like(&format!("{verb} CONNECTORS"))?;
            let filter = self.where_clause(&format!("{verb} CONNECTORS"))?;
            Ok(Target::All { like, filter })
        } else {
            Err(self.expected_keywords(&["CONNECTOR", "CONNECTORS"], verb))
        }
    }

    /// lifecycle := PAUSE|RESUME|STOP target
    fn lifecycle(&mut self) -> PResult<Statement> {
        let t = self.bump();
        let verb = self.text(t).to_ascii_uppercase();
        let action = match verb.as_str() {
            "PAUSE" => Lifecycle::Pause,
            "RESUME" => Lifecycle::Resume,
            _ => Lifecycle::Stop,
        };
        let target = self.target(&verb)?;
        Ok(Statement::Lifecycle(LifecycleConnector { action, target }))
    }

    /// restart := RESTART CONNECTOR name TASK n
    ///          | RESTART target [INCLUDE TASKS] [ONLY FAILED]   (either order)
    fn restart(&mut self) -> PResult<Statement> {
        self.bump();
        let target = self.target("RESTART")?;
        let after = format!("RESTART {target}");
        if let Target::One(name) = &target
            && self.eat("TASK")
        {
            let task = self.integer("a task number", &format!("{after} TASK"))?;
            return Ok(Statement::RestartTask(RestartTask {
                name: name.clone(),
                task,
            }));
        }
        let (mut include_tasks, mut only_failed) = (false, false);
        loop {
            if !include_tasks && self.eat("INCLUDE") {
                self.expect("TASKS", &format!("{after} INCLUDE"))?;
                include_tasks = true;
            } else if !only_failed && self.eat("ONLY") {
                self.expect("FAILED", &format!("{after} ONLY"))?;
                only_failed = true;
            } else {
                break;
            }
        }
        Ok(Statement::RestartConnector(RestartConnector {
            target,
            include_tasks,
            only_failed,
        }))
    }

    /// alter_connector := ALTER CONNECTOR name ( SET property_list
    ///     | SET OFFSET PARTITION property_list TO (property_list | NULL)
    ///     | UNSET '(' key (',' key)* ')' | RESET OFFSETS | RESET TOPICS )
    fn alter_connector(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect("CONNECTOR", "ALTER")?;
        let name = self.name("a connector name", "ALTER CONNECTOR")?;
        self.note_connector(Some(&name), None);
        let after = format!("ALTER CONNECTOR {name}");
        if self.eat("SET") {
            if self.eat("OFFSET") {
                let PartitionOffset { partition, offset } =
                    self.partition_offset(&format!("{after} SET OFFSET"))?;
                return Ok(Statement::AlterConnectorOffset(AlterConnectorOffset {
                    name,
                    partition,
                    offset,
                }));
            }
            if !self.punct_is(self.peek(), "(") {
                return Err(self.expected("'(' or OFFSET", &format!("{after} SET")));
            }
            let properties = self.property_list(&format!("{after} SET"))?;
            return Ok(Statement::AlterConnectorSet(AlterConnectorSet {
                name,
                properties,
            }));
        }
        if self.eat("UNSET") {
            let a = format!("{after} UNSET");
            self.expect_punct("(", &a)?;
            let mut keys = Vec::new();
            loop {
                keys.push(self.key("a property key", &format!("{a} ("))?);
                if self.punct_is(self.peek(), ",") {
                    self.bump();
                } else if self.punct_is(self.peek(), ")") {
                    self.bump();
                    break;
                } else {
                    let last = keys.last().map(|k| super::ast::Key(k).to_string());
                    return Err(self.expected("',' or ')'", &last.unwrap_or_default()));
                }
            }
            return Ok(Statement::AlterConnectorUnset(AlterConnectorUnset {
                name,
                keys,
            }));
        }
        if self.eat("RESET") {
            if self.eat("OFFSETS") {
                return Ok(Statement::ResetConnectorOffsets(ResetConnectorOffsets {
                    name,
                }));
            }
            if self.eat("TOPICS") {
                return Ok(Statement::ResetConnectorTopics(ResetConnectorTopics {
                    name,
                }));
            }
            return Err(self.expected_keywords(&["OFFSETS", "TOPICS"], &format!("{after} RESET")));
        }
        Err(self.expected_keywords(&["SET", "UNSET", "RESET"], &after))
    }

    /// show_connector_errors := SHOW|LIST CONNECTOR ERRORS name [LIMIT n] (n >= 1)
    fn show_connector_errors(&mut self, verb: &str) -> PResult<Statement> {
        let after = format!("{verb} CONNECTOR ERRORS");
        let name = self.name("a connector name", &after)?;
        let limit = if self.eat("LIMIT") {
            let at = self.peek().map(|t| t.span);
            let n: u64 = self.integer(
                "a number of records (1 or more)",
                &format!("{after} {name} LIMIT"),
            )?;
            if n == 0 {
                let span = at.expect("a number was read");
                return Err(ParseError::at(
                    self.src,
                    span,
                    "LIMIT must be 1 or more: LIMIT 0 would show nothing".to_string(),
                ));
            }
            Some(n)
        } else {
            None
        };
        Ok(Statement::ShowConnectorErrors(ShowConnectorErrors {
            name,
            limit,
        }))
    }

    /// wait_for_connector := WAIT FOR CONNECTOR name [CAUGHT UP] [TIMEOUT n [SECONDS|SECOND]]
    fn wait_for_connector(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect("FOR", "WAIT")?;
        self.expect("CONNECTOR", "WAIT FOR")?;
        let name = self.name("a connector name", "WAIT FOR CONNECTOR")?;
        let caught_up = self.eat("CAUGHT");
        if caught_up {
            self.expect("UP", &format!("WAIT FOR CONNECTOR {name} CAUGHT"))?;
        }
        let timeout_secs = if self.eat("TIMEOUT") {
            let n = self.integer(
                "a number of seconds",
                &format!("WAIT FOR CONNECTOR {name} TIMEOUT"),
            )?;
            if !self.eat("SECONDS") {
                self.eat("SECOND");
            }
            Some(n)
        } else {
            None
        };
        Ok(Statement::WaitForConnector(WaitForConnector {
            name,
            caught_up,
            timeout_secs,
        }))
    }

    /// install_plugin := INSTALL PLUGIN 'group:artifact:version'
    fn install_plugin(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect("PLUGIN", "INSTALL")?;
        let coordinates = self.text_value(
            "Maven coordinates 'group:artifact:version'",
            "INSTALL PLUGIN",
        )?;
        Ok(Statement::InstallPlugin(InstallPlugin { coordinates }))
    }

    /// explain := EXPLAIN statement (not a client statement)
    fn explain(&mut self) -> PResult<Statement> {
        self.bump();
        if self.at_end() {
            let mut e = self.expected.borrow_mut();
            // Client commands cannot be explained.
            STATEMENT_WORDS
                .iter()
                .filter(|k| **k != "EXPLAIN")
                .for_each(|k| e.keyword(k));
        }
        let Some(start) = self.peek() else {
            return Err(self.expected("a statement", "EXPLAIN"));
        };
        if !start.is_word() {
            return Err(self.expected("a statement", "EXPLAIN"));
        }
        // Checked before recursing, so `EXPLAIN EXPLAIN ...` cannot exhaust the stack.
        if self.word_is(Some(start), "EXPLAIN") {
            return Err(ParseError::at(
                self.src,
                start.span,
                "EXPLAIN cannot explain EXPLAIN",
            ));
        }
        let inner = self.statement()?;
        if is_client_statement(&inner) {
            return Err(ParseError::at(
                self.src,
                Span::new(start.span.start, self.last_end),
                format!(
                    "EXPLAIN shows the REST calls of a connector statement; {} sends none",
                    self.text(start).to_ascii_uppercase()
                ),
            ));
        }
        Ok(Statement::Explain(Explain(Box::new(inner))))
    }

    /// watch := WATCH (SHOW|LIST [SOURCE|SINK] CONNECTORS ... | DESCRIBE CONNECTOR name [EXTENDED]
    ///          | SHOW|LIST [ALL] TOPICS ...)
    ///          [EVERY n SECONDS] [RESTART FAILED]
    fn watch(&mut self) -> PResult<Statement> {
        self.bump();
        const WORDS: &[&str] = &["DESCRIBE", "LIST", "SHOW"];
        if self.at_end() {
            let mut e = self.expected.borrow_mut();
            WORDS.iter().for_each(|k| e.keyword(k));
        }
        let what = "SHOW CONNECTORS, DESCRIBE CONNECTOR or SHOW TOPICS";
        let Some(start) = self.peek() else {
            return Err(self.expected(what, "WATCH"));
        };
        // Checked before recursing: only these words lead back into `statement`, so no WATCH
        // or EXPLAIN nests and the depth is bounded.
        if !WORDS.iter().any(|w| self.word_is(Some(start), w)) {
            return Err(self.expected(what, "WATCH"));
        }
        let inner = self.statement()?;
        if !Watch::can_watch(&inner) {
            return Err(ParseError::at(
                self.src,
                Span::new(start.span.start, self.last_end),
                format!("WATCH cannot watch this statement: it watches {what}"),
            ));
        }
        let after = format!("WATCH {inner}");
        let every_secs = if self.eat("EVERY") {
            let t = self.peek();
            let n: u64 = self.integer("a number of seconds", &format!("{after} EVERY"))?;
            if !(Watch::MIN_EVERY_SECS..=Watch::MAX_EVERY_SECS).contains(&n) {
                let span = t.map_or(Span::new(self.last_end, self.last_end), |t| t.span);
                return Err(ParseError::at(
                    self.src,
                    span,
                    format!(
                        "WATCH ... EVERY takes {} to {} seconds, not {n}",
                        Watch::MIN_EVERY_SECS,
                        Watch::MAX_EVERY_SECS
                    ),
                ));
            }
            if !self.eat("SECONDS") && !self.eat("SECOND") {
                return Err(self.expected_keywords(&["SECONDS"], &format!("{after} EVERY {n}")));
            }
            Some(n)
        } else {
            None
        };
        let restart_failed = if self.at("RESTART") {
            let t = self.bump();
            self.expect("FAILED", &format!("{after} RESTART"))?;
            if !Watch::can_restart(&inner) {
                return Err(ParseError::at(
                    self.src,
                    Span::new(t.span.start, self.last_end),
                    "RESTART FAILED needs a WATCH of connectors",
                ));
            }
            true
        } else {
            false
        };
        Ok(Statement::Watch(Watch {
            statement: Box::new(inner),
            every_secs,
            restart_failed,
        }))
    }

    /// set := SET LOGGER logger '=' level [FOR CLUSTER] | SET 'prop' '=' 'value'
    fn set(&mut self) -> PResult<Statement> {
        self.bump();
        if self.at("LOGGER") && !self.punct_is(self.peek_at(1), "=") {
            self.bump();
            let logger = self.text_value("a logger name", "SET LOGGER")?;
            let after = format!("SET LOGGER {}", quote_string(&logger));
            self.expect_punct("=", &after)?;
            let level = self.text_value("a log level", &format!("{after} ="))?;
            let cluster = if self.eat("FOR") {
                self.expect("CLUSTER", &format!("{after} = '{level}' FOR"))?;
                true
            } else {
                false
            };
            return Ok(Statement::SetLogger(SetLogger {
                logger,
                level,
                cluster,
            }));
        }
        if self.punct_is(self.peek(), "(") {
            return Err(self
                .expected("a 'property' or LOGGER", "SET")
                .with_hint("to change a connector's config: ALTER CONNECTOR name SET (...)"));
        }
        self.offer(Slot::SessionProperty);
        let name = self.text_value("a 'property' or LOGGER", "SET")?;
        let after = format!("SET {}", quote_string(&name));
        self.expect_punct("=", &after)?;
        let value = self.text_value("a 'value'", &format!("{after} ="))?;
        Ok(Statement::Client(ClientStatement::SetProperty {
            name,
            value,
        }))
    }

    /// unset := UNSET 'prop'
    fn unset(&mut self) -> PResult<Statement> {
        self.bump();
        self.offer(Slot::SessionProperty);
        let name = self.text_value("a 'property'", "UNSET")?;
        Ok(Statement::Client(ClientStatement::UnsetProperty { name }))
    }

    /// A variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    fn variable_name(&mut self, after: &str) -> PResult<String> {
        match self.peek() {
            Some(t) if t.is_word() => {
                let text = self.text(t);
                if !is_variable_name(text) {
                    return Err(ParseError::at(
                        self.src,
                        t.span,
                        format!("invalid variable name '{text}' after {after}"),
                    )
                    .with_hint(
                        "variable names are letters, digits and _ (not starting with a digit)",
                    ));
                }
                self.bump();
                Ok(text.to_owned())
            }
            _ => Err(self.expected("a variable name", after)),
        }
    }

    /// define := DEFINE name '=' 'value'
    fn define(&mut self) -> PResult<Statement> {
        self.bump();
        let name = self.variable_name("DEFINE")?;
        self.expect_punct("=", &format!("DEFINE {name}"))?;
        let value = match self.peek() {
            Some(t) if t.kind == TokenKind::String => {
                self.bump();
                unquote(self.text(t))
            }
            Some(t) if !matches!(t.kind, TokenKind::Semicolon | TokenKind::Unterminated(_)) => {
                let text = self.text(t);
                return Err(self
                    .expected("a 'string' value", &format!("DEFINE {name} ="))
                    .with_hint(format!(
                        "quote the value: DEFINE {name} = {}",
                        quote_string(&unquote(text))
                    )));
            }
            _ => return Err(self.expected("a 'string' value", &format!("DEFINE {name} ="))),
        };
        Ok(Statement::Client(ClientStatement::Define { name, value }))
    }

    /// undefine := UNDEFINE name
    fn undefine(&mut self) -> PResult<Statement> {
        self.bump();
        let name = self.variable_name("UNDEFINE")?;
        Ok(Statement::Client(ClientStatement::Undefine { name }))
    }

    /// run_script := RUN SCRIPT ('path' | path to the end of the line)
    fn run_script(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect("SCRIPT", "RUN")?;
        match self.rest_of_line(self.last_end)? {
            Some(path) => Ok(Statement::Client(ClientStatement::RunScript { path })),
            None => Err(self.expected("a 'path'", "RUN SCRIPT")),
        }
    }

    /// client_command := run_script | output | server | help | HISTORY | CLEAR | EXIT | QUIT
    fn client_command(&mut self, command: ClientCommand) -> PResult<Statement> {
        match command {
            ClientCommand::Run => self.run_script(),
            ClientCommand::Output => self.output(),
            ClientCommand::Server => self.server(),
            ClientCommand::Help => self.help(),
            ClientCommand::History
            | ClientCommand::Clear
            | ClientCommand::Exit
            | ClientCommand::Quit => {
                self.bump();
                Ok(Statement::Client(match command {
                    ClientCommand::History => ClientStatement::History,
                    ClientCommand::Clear => ClientStatement::Clear,
                    _ => ClientStatement::Exit,
                }))
            }
        }
    }

    /// output := OUTPUT [JSON | TABULAR | TABLE] (the words `OutputFormat`'s `FromStr` takes)
    fn output(&mut self) -> PResult<Statement> {
        self.bump();
        if self.at_end() {
            let mut e = self.expected.borrow_mut();
            OutputFormat::ALL
                .iter()
                .for_each(|f| e.keyword(f.keyword()));
        }
        let format = self
            .peek()
            .filter(|t| t.is_word())
            .and_then(|t| self.text(t).parse::<OutputFormat>().ok());
        if let Some(format) = format {
            self.bump();
            Ok(Statement::Client(ClientStatement::Output(Some(format))))
        } else if self.peek().is_none()
            || self.peek_kind() == Some(TokenKind::Semicolon)
            || self
                .lines
                .line_index(self.peek().map_or(0, |t| t.span.start))
                != self.lines.line_index(self.last_end - 1)
        {
            Ok(Statement::Client(ClientStatement::Output(None)))
        } else {
            Err(self.expected_keywords(&["JSON", "TABULAR"], "OUTPUT"))
        }
    }

    /// server := SERVER ['url' | url to the end of the line]
    fn server(&mut self) -> PResult<Statement> {
        self.bump();
        Ok(Statement::Client(ClientStatement::Server(
            self.rest_of_line(self.last_end)?,
        )))
    }

    /// help := HELP [topic to the end of the line | 'topic']
    fn help(&mut self) -> PResult<Statement> {
        self.bump();
        self.offer(Slot::HelpTopic);
        Ok(Statement::Client(ClientStatement::Help(
            self.rest_of_line(self.last_end)?,
        )))
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub fn is_variable_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `x` from `${x}`.
fn variable_name(text: &str) -> String {
    text.trim_start_matches("${")
        .trim_end_matches('}')
        .to_owned()
}

/// How a token is named in "found ..." messages.
fn describe(src: &str, t: Token) -> String {
    let text = t.text(src);
    let short: String = if text.chars().count() > 40 {
        let s: String = text.chars().take(37).collect();
        format!("{s}...")
    } else {
        text.to_owned()
    };
    match t.kind {
        TokenKind::Keyword | TokenKind::Ident => format!("'{short}'"),
        TokenKind::QuotedIdent => format!("quoted name {short}"),
        TokenKind::String => format!("string {short}"),
        TokenKind::Number => format!("number {short}"),
        TokenKind::Variable => format!("variable {short}"),
        TokenKind::Semicolon => "';'".to_owned(),
        TokenKind::Punct if text == "'" => "a quote".to_owned(),
        TokenKind::Punct => format!("'{short}'"),
        TokenKind::Comment => "a comment".to_owned(),
        TokenKind::Unterminated(_) => format!("unterminated {short}"),
    }
}

/// `A`, `A or B`, `A, B or C`.
fn one_of(kws: &[&str]) -> String {
    match kws {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// ksqlDB words for streams, tables and queries, which kcsh does not handle.
const KSQL_ONLY: &[&str] = &[
    "ASSERT",
    "FUNCTION",
    "FUNCTIONS",
    "INSERT",
    "QUERIES",
    "SELECT",
    "SPOOL",
    "STREAM",
    "STREAMS",
    "TABLE",
    "TABLES",
    "TERMINATE",
    "TOPIC",
    "TYPE",
    "TYPES",
];

const KSQL_ONLY_HINT: &str = "kcsh speaks ksqlDB's connector statements only; streams, tables, \
     topics and queries belong to ksqlDB itself";

fn is_ksql_only(word: &str) -> bool {
    KSQL_ONLY.iter().any(|k| k.eq_ignore_ascii_case(word))
}

fn statement_list_hint() -> String {
    "type HELP for the list of statements".to_owned()
}

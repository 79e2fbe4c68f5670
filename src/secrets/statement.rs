//! Statement text with its secrets masked, found through the lexer so quoting and layout stay as
//! typed: values of secret keys (`'connection.password' = 'x'`), passwords embedded in any
//! string (`'jdbc:...password=x'`), and the values `DEFINE` gives to variables used as secrets.
//! In a script or a parse error the whole text says which variables those are; history gets one
//! statement at a time and cannot know, so it hides every `DEFINE`'s value. Used by history, the
//! script report and parse-error carets; keeps a map from original to masked offsets for carets.

use std::borrow::Cow;

use super::embedded::embedded_spans;
use super::rule::SecretRule;
use crate::lang::ident::unquote;
use crate::lang::lexer::{TokenKind, Unterminated, tokenize};

const QUOTED_HIDDEN: &str = "'[hidden]'";

/// Statement text with secrets replaced, and where the replacements are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedText {
    pub text: String,
    /// `(original start, original end, replacement length)`, sorted, not overlapping.
    edits: Vec<(usize, usize, usize)>,
    /// The original texts that were replaced (to scrub them from messages too).
    hidden: Vec<String>,
}

impl MaskedText {
    /// Masks `source` by the name rule (no plugin definitions are known for typed text); a
    /// `DEFINE` is masked when `source` uses its variable as a secret or its name looks secret.
    pub fn new(source: &str) -> MaskedText {
        MaskedText::within(source, source)
    }

    /// Masks `statement`, one statement of `script`: the whole script decides which `DEFINE`s
    /// give a secret value.
    pub fn within(statement: &str, script: &str) -> MaskedText {
        mask(
            statement,
            &SecretRule::new(),
            Defines::Secret(secret_variables(script)),
        )
    }

    /// Where byte `offset` of the original text is in the masked text (an offset inside a
    /// replaced value maps to the start of its replacement).
    pub fn map_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for &(start, end, len) in &self.edits {
            if offset < start {
                break;
            }
            if offset < end {
                return (start as isize + shift) as usize;
            }
            shift += len as isize - (end - start) as isize;
        }
        (offset as isize + shift) as usize
    }

    /// [`MaskedText::map_offset`] for a span: an end inside a replaced value maps to the end of
    /// its replacement, so a caret under a secret underlines the whole mask.
    pub fn map_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map_offset(start);
        let e = match self.edits.iter().find(|(a, b, _)| *a < end && end <= *b) {
            Some(&(a, _, len)) => self.map_offset(a) + len,
            None => self.map_offset(end),
        };
        (s, e.max(s))
    }

    /// The original texts that the mask replaced (a whole value both quoted and unquoted).
    pub fn hidden(&self) -> &[String] {
        &self.hidden
    }
}

/// Which `DEFINE` values to hide.
enum Defines {
    All,
    /// These variables (lower case) and secret-looking names.
    Secret(Vec<String>),
}

/// The statement text as history keeps it: secret values replaced by `'[hidden]'`, and every
/// `DEFINE`'s value (see the module doc).
pub fn mask_statement(text: &str) -> String {
    mask(text, &SecretRule::new(), Defines::All).text
}

/// [`MaskedText::new`] with a given rule.
pub fn mask_statement_with(text: &str, rule: &SecretRule) -> MaskedText {
    mask(text, rule, Defines::Secret(secret_variables(text)))
}

fn mask(text: &str, rule: &SecretRule, defines: Defines) -> MaskedText {
    let tokens: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect();
    let is_value = |kind: TokenKind| {
        matches!(
            kind,
            TokenKind::String
                | TokenKind::Number
                | TokenKind::Ident
                | TokenKind::Keyword
                | TokenKind::Unterminated(Unterminated::String)
        )
    };
    // (start, end, replacement)
    let mut replace: Vec<(usize, usize, &str)> = Vec::new();
    let mut whole: Vec<bool> = vec![false; tokens.len()];
    for (i, window) in tokens.windows(3).enumerate() {
        let [key, eq, value] = window else { continue };
        if eq.text(text) != "=" || !is_value(value.kind) {
            continue;
        }
        let defines = i > 0
            && tokens[i - 1].text(text).eq_ignore_ascii_case("DEFINE")
            && match &defines {
                Defines::All => true,
                Defines::Secret(vars) => {
                    let name = key.text(text);
                    rule.is_secret(name) || vars.iter().any(|v| v.eq_ignore_ascii_case(name))
                }
            };
        let is_key = matches!(
            key.kind,
            TokenKind::String | TokenKind::QuotedIdent | TokenKind::Ident | TokenKind::Keyword
        );
        if defines || (is_key && rule.is_secret(&unquote(key.text(text)))) {
            replace.push((value.span.start, value.span.end, QUOTED_HIDDEN));
            whole[i + 2] = true;
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        if whole[i]
            || !matches!(
                token.kind,
                TokenKind::String | TokenKind::Unterminated(Unterminated::String)
            )
        {
            continue;
        }
        // The literal's content, without its quotes.
        let inner_start = token.span.start + 1;
        let inner_end = match token.kind {
            TokenKind::String => token.span.end - 1,
            _ => token.span.end,
        }
        .max(inner_start);
        for (s, e) in embedded_spans(&text[inner_start..inner_end]) {
            replace.push((inner_start + s, inner_start + e, super::HIDDEN));
        }
    }
    replace.sort_by_key(|r| r.0);
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::with_capacity(replace.len());
    let mut hidden = Vec::with_capacity(replace.len());
    let mut at = 0;
    for (start, end, with) in replace {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(with);
        edits.push((start, end, with.len()));
        // Both spellings: messages echo a value quoted as typed (`'p''w'`) or as its text.
        let original = &text[start..end];
        if with == QUOTED_HIDDEN {
            hidden.push(unquote(original));
        }
        hidden.push(original.to_string());
        at = end;
    }
    out.push_str(&text[at..]);
    MaskedText {
        text: out,
        edits,
        hidden,
    }
}

/// The variables (lower case) that `text` uses as secret values: `${x}` as, or inside, the value
/// of a secret key, or in a password embedded in a string (`'...password=${x}'`). The shell
/// marks them so that SHOW VARIABLES hides their values.
pub fn secret_variables(text: &str) -> Vec<String> {
    let rule = SecretRule::new();
    let tokens: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect();
    let mut found = Vec::new();
    for window in tokens.windows(3) {
        let [key, eq, value] = window else { continue };
        if eq.text(text) != "=" {
            continue;
        }
        let value_text = value.text(text);
        let secret_key = matches!(
            key.kind,
            TokenKind::String | TokenKind::QuotedIdent | TokenKind::Ident
        ) && rule.is_secret(&unquote(key.text(text)));
        match value.kind {
            TokenKind::Variable if secret_key => variable_refs(value_text, &mut found),
            TokenKind::String if secret_key => variable_refs(value_text, &mut found),
            TokenKind::String => {
                let inner = unquote(value_text);
                for (s, e) in super::embedded::embedded_spans_with_references(&inner) {
                    variable_refs(&inner[s..e], &mut found);
                }
            }
            _ => {}
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Pushes the names of the `${name}` references in `text` (not `$${escaped}`), lower case.
fn variable_refs(text: &str, out: &mut Vec<String>) {
    let mut from = 0;
    while let Some(i) = text[from..].find("${") {
        let start = from + i;
        from = start + 2;
        if start > 0 && text.as_bytes()[start - 1] == b'$' {
            continue;
        }
        if let Some(len) = text[from..].find('}') {
            let name = &text[from..from + len];
            if crate::lang::parser::is_variable_name(name) {
                out.push(name.to_ascii_lowercase());
            }
        }
    }
}

/// Masks a message that may echo the statement: the statement's secrets are scrubbed from it.
pub fn scrub_statement_echo<'a>(message: &'a str, statement: &str) -> Cow<'a, str> {
    let masked = MaskedText::new(statement);
    super::text::scrub(message, masked.hidden())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_in_place() {
        let text = "CREATE SOURCE CONNECTOR j WITH (\n  'connection.url' = 'jdbc:x',\n  'connection.password' = 'hunter2', \"ssl.key.password\"='p''w');";
        assert_eq!(
            mask_statement(text),
            "CREATE SOURCE CONNECTOR j WITH (\n  'connection.url' = 'jdbc:x',\n  'connection.password' = '[hidden]', \"ssl.key.password\"='[hidden]');"
        );
    }

    #[test]
    fn defines_framework_keys_and_urls_are_masked() {
        assert_eq!(
            mask_statement("DEFINE pw = 's3cret';"),
            "DEFINE pw = '[hidden]';"
        );
        assert_eq!(
            mask_statement("ALTER CONNECTOR c SET ('producer.override.ssl.keystore.key' = 'k');"),
            "ALTER CONNECTOR c SET ('producer.override.ssl.keystore.key' = '[hidden]');"
        );
        assert_eq!(
            mask_statement(
                "CREATE CONNECTOR a WITH ('connection.url' = 'jdbc:pg://h/d?password=pw&x=1');"
            ),
            "CREATE CONNECTOR a WITH ('connection.url' = 'jdbc:pg://h/d?password=[hidden]&x=1');"
        );
        assert_eq!(
            mask_statement("CREATE CONNECTOR a WITH ('topic' = 'password');"),
            "CREATE CONNECTOR a WITH ('topic' = 'password');"
        );
        assert_eq!(
            mask_statement("CREATE CONNECTOR a WITH ('db.password' = ${pw});"),
            "CREATE CONNECTOR a WITH ('db.password' = ${pw});"
        );
    }

    #[test]
    fn offsets_map_past_replacements() {
        let src = "ALTER CONNECTOR c SET ('db.password' = 'hunter2', x = y z);";
        let m = MaskedText::new(src);
        let z = src.find(" z").unwrap() + 1;
        assert_eq!(&m.text[m.map_offset(z)..m.map_offset(z) + 1], "z");
        let inside = src.find("hunter2").unwrap() + 2;
        assert_eq!(&m.text[m.map_offset(inside)..][..10], "'[hidden]'");
        assert_eq!(m.hidden(), ["hunter2", "'hunter2'"]);
        assert_eq!(
            scrub_statement_echo("found 'hunter2'", src),
            "found [hidden]"
        );
    }
}

#[cfg(test)]
mod variable_tests {
    use super::secret_variables;

    #[test]
    fn variables_used_as_secrets_are_found() {
        assert_eq!(
            secret_variables(
                "CREATE CONNECTOR j WITH ('connection.password' = '${PW}', 'topic' = '${t}', \
                 'ssl.keystore.key' = ${key}, 'connection.url' = 'jdbc:pg://h/d?password=${url_pw}&u=${user}', \
                 'db.secret' = '$${escaped}-${b}');"
            ),
            ["b", "key", "pw", "url_pw"]
        );
        assert!(secret_variables("SHOW CONNECTORS;").is_empty());
        // Only DEFINEs of secret variables are masked in a script's text.
        let script = "DEFINE t = 'orders'; DEFINE pw = 'x'; CREATE CONNECTOR c WITH ('topic' = '${t}', 'db.password' = '${pw}');";
        let masked = super::MaskedText::new(script).text;
        assert!(
            masked.starts_with("DEFINE t = 'orders'; DEFINE pw = '[hidden]';"),
            "{masked}"
        );
        assert_eq!(
            super::MaskedText::within("DEFINE pw = 'x';", script).text,
            "DEFINE pw = '[hidden]';"
        );
    }
}

#[cfg(test)]
mod caret_tests {
    use crate::lang::ast::Span;
    use crate::lang::error::ParseError;

    #[test]
    fn parse_error_reports_mask_the_echoed_line_and_keep_the_caret_under_the_token() {
        let src = "CREATE CONNECTOR j WITH ('connection.password' = 'hunter2' 'x' = 'y');";
        let at = src.find("'x'").unwrap();
        let e = ParseError::at(
            src,
            Span {
                start: at,
                end: at + 3,
            },
            "expected ',' or ')', found 'x'",
        );
        let report = e.render(src, None);
        assert!(!report.contains("hunter2"), "{report}");
        let lines: Vec<&str> = report.lines().collect();
        let shown = lines[3].split_once("| ").unwrap().1;
        let caret = lines[4].split_once("| ").unwrap().1;
        let col = caret.find('^').unwrap();
        assert_eq!(&shown[col..col + 3], "'x'", "{report}");
        assert_eq!(caret.trim(), "^^^");
        // The position still names the user's own column.
        assert!(report.contains(&format!("column {}", at + 1)), "{report}");
    }

    #[test]
    fn a_caret_under_the_secret_itself_underlines_the_mask() {
        let src = "DEFINE db_password = 'hunter2\nSHOW CONNECTORS;";
        let at = src.find('\'').unwrap();
        let e = ParseError::at(
            src,
            Span {
                start: at,
                end: src.len(),
            },
            "unterminated string",
        );
        let report = e.render(src, None);
        assert!(!report.contains("hunter2"), "{report}");
    }
}

#[cfg(test)]
mod parser_tests {
    /// Through the real parser: whatever it echoes, the report holds no secret.
    #[test]
    fn real_parse_errors_never_echo_a_secret() {
        for src in [
            "DEFINE db_password = 'hunter2",
            "DEFINE pw = 'hunter2'; CREATE CONNECTOR j WITH ('connection.password' = '${pw}' oops);",
            "DEFINE pw = 'hunter2'; ALTER CONNECTOR j SET ('connection.url' = 'jdbc:x://h?password=${pw}',);",
            "CREATE CONNECTOR j WITH ('connection.password' = 'hunter2' 'x' = 'y');",
            "CREATE CONNECTOR j WITH ('connection.password' = hunter2 x);",
            "ALTER CONNECTOR c SET ('db.password' = 'hu''nter2'  oops 'u');",
            "CREATE CONNECTOR j WITH ('connection.url' = 'jdbc:pg://h/d?password=hunter2' extra);",
            "CREATE CONNECTOR j WITH ('ssl.keystore.key' = 'hunter2', 'x' = );",
        ] {
            let opts = crate::lang::ParseOptions::default();
            let e = crate::lang::parse_script(src, &opts).unwrap_err();
            let report = e.render(src, None);
            assert!(!report.contains("nter2"), "{report}");
        }
    }
}

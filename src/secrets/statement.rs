//! Statement text with its secrets masked, found through the lexer so quoting and layout stay as
//! typed: values of secret keys (`'connection.password' = 'x'`), passwords embedded in any
//! string (`'jdbc:...password=x'`), and every `DEFINE`'s value (when it is typed, kcsh cannot
//! know whether a later statement uses the variable as a secret). Used by history, the script
//! report and parse-error carets; keeps a map from original to masked offsets for carets.

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
    /// Masks `source` by the name rule (no plugin definitions are known for typed text).
    pub fn new(source: &str) -> MaskedText {
        mask_statement_with(source, &SecretRule::new())
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

    /// The original texts that the mask replaced (quotes removed where the whole value was).
    pub fn hidden(&self) -> &[String] {
        &self.hidden
    }
}

/// The statement text with its secret values replaced by `'[hidden]'` (see the module doc).
pub fn mask_statement(text: &str) -> String {
    MaskedText::new(text).text
}

/// [`mask_statement`] with a given rule.
pub fn mask_statement_with(text: &str, rule: &SecretRule) -> MaskedText {
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
        let defines = i > 0 && tokens[i - 1].text(text).eq_ignore_ascii_case("DEFINE");
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
        let original = &text[start..end];
        hidden.push(if with == QUOTED_HIDDEN {
            unquote(original)
        } else {
            original.to_string()
        });
        at = end;
    }
    out.push_str(&text[at..]);
    MaskedText {
        text: out,
        edits,
        hidden,
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
        assert_eq!(m.hidden(), ["hunter2"]);
        assert_eq!(
            scrub_statement_echo("found 'hunter2'", src),
            "found '[hidden]'"
        );
    }
}

//! `ParseError`: what was expected, where (byte span, 1-based line and column) and an optional
//! hint, plus the plain-text report with a caret under the offending token. Colour is the
//! caller's business; nothing here knows about terminals.

use std::fmt;

use super::ast::Span;

/// A syntax error (or unreadable input) with its position in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong, e.g. `expected a connector name after DROP CONNECTOR, found ';'`.
    pub message: String,
    /// The offending bytes; empty at the end of the input.
    pub span: Span,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub column: usize,
    /// A suggestion shown after the report (`did you mean ...?`, how to quote, ...).
    pub hint: Option<String>,
}

/// Longest source line shown in a report; longer lines are cut around the error.
const MAX_SHOWN: usize = 100;

impl ParseError {
    /// An error at `span` of `src`; line and column are computed from the source.
    pub fn at(src: &str, span: Span, message: impl Into<String>) -> Self {
        let (line, column) = line_column(src, span.start);
        ParseError {
            message: message.into(),
            span,
            line,
            column,
            hint: None,
        }
    }

    /// The same error with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The report shown to users, for example:
    ///
    /// ```text
    /// error: expected a connector name after DROP CONNECTOR, found ';'
    ///  --> script.sql: line 3, column 16
    ///   |
    /// 3 | DROP CONNECTOR ;
    ///   |                ^
    ///   = hint: ...
    /// ```
    ///
    /// `origin` names the input (a file name); without it the arrow line shows only the position.
    /// The result ends without a newline.
    ///
    /// Secrets in the source (see [`crate::secrets::MaskedText`]) are masked in the echoed line,
    /// the message and the hint; the caret stays under the same token of the masked line.
    pub fn render(&self, source: &str, origin: Option<&str>) -> String {
        let masked = crate::secrets::MaskedText::new(source);
        let (start, end) = masked.map_range(self.span.start, self.span.end);
        let scrub = |text: &str| crate::secrets::scrub(text, masked.hidden()).into_owned();
        let mut out = format!("error: {}\n", scrub(&self.message));
        let position = format!("line {}, column {}", self.line, self.column);
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        match origin {
            Some(o) => out.push_str(&format!("{pad}--> {o}: {position}\n")),
            None => out.push_str(&format!("{pad}--> {position}\n")),
        }
        if let Some((text, caret_at, caret_len)) = source_excerpt(&masked.text, Span { start, end })
        {
            out.push_str(&format!("{pad} |\n"));
            out.push_str(&format!("{number} | {text}\n"));
            out.push_str(&format!(
                "{pad} | {}{}",
                caret_at,
                "^".repeat(caret_len.max(1))
            ));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n{pad} = hint: {}", scrub(hint)));
        }
        out
    }
}

/// The error's source line (cut to [`MAX_SHOWN`] characters around the error), the
/// whitespace that puts a caret under the error, and the caret's length in characters.
fn source_excerpt(source: &str, span: Span) -> Option<(String, String, usize)> {
    let start = floor_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line = source[line_start..line_end].trim_end_matches('\r');
    let chars: Vec<char> = line.chars().collect();
    let before = source[line_start..start].chars().count().min(chars.len());
    let end = floor_boundary(source, span.end.clamp(start, line_end));
    let len = source[start..end].chars().count();
    // Window of at most MAX_SHOWN characters that contains the caret.
    let from = before.saturating_sub(MAX_SHOWN / 2);
    let to = (from + MAX_SHOWN).min(chars.len());
    let from = if to - from < MAX_SHOWN {
        to.saturating_sub(MAX_SHOWN)
    } else {
        from
    };
    let mut text = String::new();
    let mut caret_at = String::new();
    if from > 0 {
        text.push_str("...");
        caret_at.push_str("   ");
    }
    for (i, &c) in chars[from..to].iter().enumerate() {
        let shown = if c == '\t' || !c.is_control() { c } else { ' ' };
        text.push(shown);
        if from + i < before {
            caret_at.push(if c == '\t' { '\t' } else { ' ' });
        }
    }
    if to < chars.len() {
        text.push_str("...");
    }
    if line.is_empty() && source.is_empty() {
        return None;
    }
    let len = len.min(to.saturating_sub(before)).max(1);
    Some((text, caret_at, len))
}

impl fmt::Display for ParseError {
    /// One line: `line L, column C: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// 1-based line and character column of byte `offset` in `src`.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(src, offset.min(src.len()));
    let before = &src[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Source text from bytes: valid UTF-8 or an error saying where it is not.
pub fn source_from_bytes(bytes: &[u8]) -> Result<String, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let offset = e.valid_up_to();
            // Everything before the bad byte is valid, so positions up to it are exact.
            let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
            let (line, column) = line_column(valid, offset);
            let bad = bytes.get(offset).copied().unwrap_or_default();
            Err(ParseError {
                message: format!(
                    "invalid UTF-8 at byte {offset} (line {line}, column {column}): byte 0x{bad:02X}"
                ),
                span: Span::new(offset, offset + e.error_len().unwrap_or(1)),
                line,
                column,
                hint: Some(
                    "kcsh reads scripts as UTF-8; convert the file, e.g. with `iconv -t UTF-8`"
                        .into(),
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_token() {
        let src = "SHOW CONNECTORS;\n\nDROP CONNECTOR ;";
        let e = ParseError::at(src, Span::new(33, 34), "expected a connector name")
            .with_hint("name the connector");
        assert_eq!((e.line, e.column), (3, 16));
        assert_eq!(
            e.render(src, Some("script.sql")),
            "error: expected a connector name\n --> script.sql: line 3, column 16\n  |\n3 | DROP CONNECTOR ;\n  |                ^\n  = hint: name the connector"
        );
        assert_eq!(
            e.render(src, None).lines().nth(1),
            Some(" --> line 3, column 16")
        );
    }

    #[test]
    fn renders_at_end_of_input_and_long_lines() {
        let src = "DROP CONNECTOR";
        let e = ParseError::at(src, Span::new(14, 14), "expected a name");
        assert!(
            e.render(src, None)
                .ends_with("1 | DROP CONNECTOR\n  |               ^")
        );
        let long = format!("{}x", "a ".repeat(100_000));
        let e = ParseError::at(&long, Span::new(200_000, 200_001), "bad");
        let shown = e.render(&long, None);
        assert!(shown.len() < 400, "{shown}");
        assert!(shown.contains("^"));
    }

    #[test]
    fn invalid_utf8_names_its_position() {
        let e = source_from_bytes(b"SHOW CONNECTORS;\nDROP \xff;").unwrap_err();
        assert_eq!((e.line, e.column), (2, 6));
        assert!(e.message.contains("byte 22"), "{}", e.message);
        assert_eq!(source_from_bytes(b"ok").unwrap(), "ok");
    }
}

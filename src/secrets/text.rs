//! Making text from elsewhere safe to print: [`scrub`] removes known secret values from a message
//! (Connect echoes a value in its errors), [`escape_control`] shows control and bidi characters
//! as `\u{1b}` instead of letting them reach the terminal. Pure.

use std::borrow::Cow;

use super::HIDDEN;

/// `text` with every occurrence of each of `secrets` replaced by `[hidden]` (longest first, so
/// a secret that contains another is hidden whole). Empty secrets are ignored.
pub fn scrub<'a, S: AsRef<str>>(text: &'a str, secrets: &[S]) -> Cow<'a, str> {
    let mut secrets: Vec<&str> = secrets
        .iter()
        .map(AsRef::as_ref)
        .filter(|s| !s.is_empty() && *s != HIDDEN)
        .collect();
    if !secrets.iter().any(|s| text.contains(s)) {
        return Cow::Borrowed(text);
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    let mut out = text.to_string();
    for s in secrets {
        if out.contains(s) {
            out = out.replace(s, HIDDEN);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` must not reach a terminal raw: C0/C1 controls except newline and tab, and the
/// Unicode bidi controls that reorder what is shown ("Trojan Source").
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with control characters (ESC, CR, BEL, ...) shown as `\u{1b}`; newlines and tabs stay.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    // Fast path (PRINT runs this on every key and value): printable ASCII, newline and tab are
    // all safe, so only text with other bytes needs the per-character check.
    let plain = |b: &u8| matches!(b, b' '..=b'~' | b'\n' | b'\t');
    if text.as_bytes().iter().all(plain) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A parse error of a file that may hold secrets, without echoing the file: `line L, column C:
/// message`, where a literal quoted in the message (`` invalid type: integer `12345` ``) is
/// replaced by `[hidden]`. For TOML errors, whose own text shows the offending source line.
pub fn file_error_text(
    message: &str,
    span: Option<std::ops::Range<usize>>,
    source: &str,
) -> String {
    let message = message.trim();
    // serde's "invalid type: string \"x\", expected ..." / "invalid value: `x`" echo the value.
    let message = if message.starts_with("invalid type") || message.starts_with("invalid value") {
        match message.split_once(", expected") {
            Some((found, expected)) => {
                let kind = found
                    .split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("{kind} {HIDDEN}, expected{expected}")
            }
            None => message.to_string(),
        }
    } else {
        message.to_string()
    };
    match span {
        Some(span) => {
            let at = span.start.min(source.len());
            let at = (0..=at)
                .rev()
                .find(|&i| source.is_char_boundary(i))
                .unwrap_or(0);
            let before = &source[..at];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_hides_every_occurrence_longest_first() {
        assert_eq!(
            scrub(
                "Invalid value s3cret-long for x; s3cret",
                &["s3cret", "s3cret-long"]
            ),
            "Invalid value [hidden] for x; [hidden]"
        );
        assert_eq!(scrub("nothing here", &["pw"]), "nothing here");
        assert_eq!(scrub("keep", &[""]), "keep");
    }

    #[test]
    fn file_errors_name_the_place_without_the_text() {
        let src = "[contexts.a]\ntoken = 12345\n";
        assert_eq!(
            file_error_text(
                "invalid type: integer `12345`, expected a string\n",
                Some(21..26),
                src
            ),
            "line 2, column 9: invalid type: integer [hidden], expected a string"
        );
        assert_eq!(
            file_error_text("unknown field `password`", Some(13..21), src),
            "line 2, column 1: unknown field `password`"
        );
        assert_eq!(file_error_text("x", None, src), "x");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_control("red \u{1b}[31mx\u{7}\r\nnext\tline"),
            "red \\u{1b}[31mx\\u{7}\\u{d}\nnext\tline"
        );
        assert_eq!(escape_control("a\u{202e}b\u{9b}"), "a\\u{202e}b\\u{9b}");
        assert!(matches!(escape_control("plain ünïcode"), Cow::Borrowed(_)));
    }
}

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
    if !text.chars().any(is_unsafe) {
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
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_control("red \u{1b}[31mx\u{7}\r\nnext\tline"),
            "red \\u{1b}[31mx\\u{7}\\u{d}\nnext\tline"
        );
        assert_eq!(escape_control("a\u{202e}b\u{9b}"), "a\\u{202e}b\\u{9b}");
        assert!(matches!(escape_control("plain ünïcode"), Cow::Borrowed(_)));
    }
}

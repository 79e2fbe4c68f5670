//! Secrets inside a value whatever its key: a URL's userinfo password (`scheme://user:pw@host`)
//! and secret-named parameters (`?password=pw&`, `;password=pw;`, `AccountKey=...;`). Finds their
//! byte spans in one linear pass; masks them, redacts URLs kcsh prints. Pure; no regex.

use std::borrow::Cow;

use super::HIDDEN;
use super::rule::is_secret_name;

/// Parameter names that are secret in URLs though no heuristic word says so (Azure SAS `sig`,
/// API keys as `key=`).
const SECRET_PARAMS: &[&str] = &["sig", "signature", "key", "auth", "pass", "pw"];

/// Byte ranges of the passwords embedded in `text`, sorted, not overlapping. A `${...}`
/// reference (a config provider) is not a secret and is left out.
pub fn embedded_spans(text: &str) -> Vec<(usize, usize)> {
    spans(text, false)
}

/// [`embedded_spans`] including `${...}` references (to find variables used as passwords).
pub(super) fn embedded_spans_with_references(text: &str) -> Vec<(usize, usize)> {
    spans(text, true)
}

fn spans(text: &str, references: bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    // Userinfo: after each `://`, the authority runs to the first `/`, `?`, `#` or blank; the
    // password is between the first `:` and the last `@` in it. Authorities do not overlap
    // (each ends at a `/`, and `://` holds one), so this is linear.
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        let end = b[start..]
            .iter()
            .position(|c| matches!(c, b'/' | b'?' | b'#') || c.is_ascii_whitespace())
            .map_or(b.len(), |n| start + n);
        if let Some(at) = b[start..end].iter().rposition(|&c| c == b'@') {
            let at = start + at;
            if let Some(colon) = b[start..at].iter().position(|&c| c == b':') {
                push_secret(text, &mut spans, references, start + colon + 1, at);
            }
        }
        from = start;
    }
    // Parameters: `name=value` where `name` starts the text or follows `?`, `&`, `;`, `,`, `(`
    // or a blank; the value runs to `&`, `;` or a blank (or is "quoted").
    // A value is scanned once: `=` inside a value found already starts no parameter (this keeps
    // `password=password=...` linear).
    let mut value_end = 0;
    for (eq, _) in text.match_indices('=') {
        if eq < value_end {
            continue;
        }
        let name_start = b[..eq]
            .iter()
            .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-')))
            .map_or(0, |n| n + 1);
        if name_start == eq
            || !(name_start == 0
                || matches!(b[name_start - 1], b'?' | b'&' | b';' | b',' | b'(')
                || b[name_start - 1].is_ascii_whitespace())
        {
            continue;
        }
        let name = &text[name_start..eq];
        if !(is_secret_name(name) || SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name))) {
            continue;
        }
        let value_start = eq + 1;
        let (start, end) = if b.get(value_start) == Some(&b'"') {
            let close = b[value_start + 1..]
                .iter()
                .position(|&c| c == b'"')
                .map_or(b.len(), |n| value_start + 1 + n);
            (value_start + 1, close)
        } else {
            let end = b[value_start..]
                .iter()
                .position(|c| matches!(c, b'&' | b';') || c.is_ascii_whitespace())
                .map_or(b.len(), |n| value_start + n);
            (value_start, end)
        };
        value_end = end;
        push_secret(text, &mut spans, references, start, end);
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn push_secret(
    text: &str,
    spans: &mut Vec<(usize, usize)>,
    references: bool,
    start: usize,
    end: usize,
) {
    let value = &text[start..end];
    let reference = !references && value.starts_with("${") && value.ends_with('}');
    if !value.is_empty() && !reference {
        spans.push((start, end));
    }
}

/// `text` with every embedded password replaced by `[hidden]`.
pub fn mask_embedded(text: &str) -> Cow<'_, str> {
    let spans = embedded_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(&text[at..s]);
        out.push_str(HIDDEN);
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// A URL as kcsh may print it (banner, prompt, SHOW CLUSTER, SERVER, errors): the userinfo's
/// password and secret query parameters become `[hidden]`.
pub fn redact_url(url: &str) -> String {
    mask_embedded(url).into_owned()
}

/// Whether `text` holds the mask where a password goes (`password=[hidden]`, `u:[hidden]@h`).
pub fn embeds_mask(text: &str) -> bool {
    embedded_spans(text)
        .into_iter()
        .any(|(s, e)| &text[s..e] == HIDDEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn masked(text: &str, expected: &str) {
        assert_eq!(mask_embedded(text), expected, "{text}");
    }

    #[test]
    fn url_passwords_are_masked() {
        masked(
            "jdbc:postgresql://h/db?user=u&password=pw",
            "jdbc:postgresql://h/db?user=u&password=[hidden]",
        );
        masked(
            "jdbc:sqlserver://h:1433;databaseName=d;user=u;password=p w;x=1",
            "jdbc:sqlserver://h:1433;databaseName=d;user=u;password=[hidden] w;x=1",
        );
        masked(
            "jdbc:sqlserver://h;Password=pw;encrypt=true",
            "jdbc:sqlserver://h;Password=[hidden];encrypt=true",
        );
        masked(
            "mongodb+srv://admin:s3:cr@t@cluster0.example.net/db?retryWrites=true",
            "mongodb+srv://admin:[hidden]@cluster0.example.net/db?retryWrites=true",
        );
        masked("http://user:pw@host:8083", "http://user:[hidden]@host:8083");
        masked(
            "https://h/x?access_token=abc&a=b",
            "https://h/x?access_token=[hidden]&a=b",
        );
        masked(
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k/y==;EndpointSuffix=c",
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=[hidden];EndpointSuffix=c",
        );
        masked(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p;w\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"[hidden]\";",
        );
        masked(
            "https://h/s?sv=1&sig=abc%2B",
            "https://h/s?sv=1&sig=[hidden]",
        );
    }

    #[test]
    fn plain_values_and_references_are_left_alone() {
        for text in [
            "jdbc:postgresql://h/db?user=u",
            "http://user@host/",
            "http://[::1]:8083/",
            "orders,payments",
            "a=b",
            "passwords are fun",
            "jdbc:mysql://h/db?password=${file:/etc/s.properties:pw}",
            "http://u:${env:PW}@h",
            "password=",
            "x==y",
            "",
        ] {
            masked(text, text);
        }
    }

    #[test]
    fn redact_and_detect_the_mask() {
        assert_eq!(redact_url("http://u:p@h:1/"), "http://u:[hidden]@h:1/");
        assert!(embeds_mask("jdbc:x://h?password=[hidden]"));
        assert!(embeds_mask("http://u:[hidden]@h"));
        assert!(!embeds_mask("jdbc:x://h?password=x"));
    }

    #[test]
    fn linear_on_hostile_input() {
        let text = "://a".repeat(50_000)
            + &"x=".repeat(50_000)
            + &"password=a&".repeat(20_000)
            + &"password=".repeat(50_000);
        let started = std::time::Instant::now();
        let _ = mask_embedded(&text);
        assert!(started.elapsed().as_secs() < 2);
    }
}

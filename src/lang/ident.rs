//! Identifiers, the one owner of: what a plain (unquoted) name is, how a name or a string is
//! quoted and unquoted, and the edit distance behind every "did you mean". Pure text: it knows
//! the lexer's word rule and nothing of statements, HTTP or terminals.

use std::borrow::Cow;

use super::ast::{Name, Span};
use super::lexer::next_token;

/// True if `s` lexes as exactly one unquoted word, so it can be typed and printed without quotes
/// (`my-conn.v2`, `_x@y`, `1abc`; not `1e3`, `a b`, `a--b`, `a-`, ``).
pub fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && matches!(next_token(s, 0), Some(t) if t.is_word() && t.span == Span::new(0, s.len()))
}

/// `s` as a `"quoted identifier"` (inner `"` doubled).
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `s` as a `'string'` literal (inner `'` doubled).
pub fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A name as the user must type it to mean exactly `s`: bare when plain, else `"quoted"`.
/// (Under `--ksql-compat` a bare name is upper-cased: see [`quote_name_compat`].)
pub fn quote_name(s: &str) -> Cow<'_, str> {
    if is_plain(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(quote_ident(s))
    }
}

/// Like [`quote_name`], for a session that upper-cases bare names (`--ksql-compat`): a name
/// with lower-case letters is quoted so that it keeps its case.
pub fn quote_name_compat(s: &str, ksql_compat: bool) -> String {
    exact_name(s, ksql_compat).to_string()
}

/// ksqlDB's rule (`--ksql-compat`), the one place it is written: an unquoted name is
/// upper-cased; quoted names and variables are kept. Idempotent.
pub fn ksql_compat(name: &mut Name) {
    if let Name::Plain(s) = name {
        *s = s.to_uppercase();
    }
}

/// The `Name` that means exactly the text `s` (a live connector name or key): `Plain` when it
/// reads back unchanged, else `Quoted`.
pub fn exact_name(s: &str, ksql_compat: bool) -> Name {
    if is_plain(s) && (!ksql_compat || s == s.to_uppercase()) {
        Name::Plain(s.to_owned())
    } else {
        Name::Quoted(s.to_owned())
    }
}

/// The contents of a `'string'`, `"quoted"` or `` `quoted` `` token, doubled quotes undone.
/// Any other text comes back as it is. Total: a missing closing quote is simply not stripped.
pub fn unquote(text: &str) -> String {
    let Some(q) = text.chars().next() else {
        return String::new();
    };
    if !matches!(q, '\'' | '"' | '`') {
        return text.to_owned();
    }
    let body = &text[1..];
    let inner = body.strip_suffix(q).unwrap_or(body);
    if !inner.contains(q) {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    let mut pending_quote = false;
    for c in inner.chars() {
        if c == q && !pending_quote {
            // The first of a doubled quote: keep one.
            out.push(c);
            pending_quote = true;
        } else {
            if c != q {
                out.push(c);
            }
            pending_quote = false;
        }
    }
    out
}

/// Levenshtein distance over characters. O(|a|·|b|) time, O(|b|) space.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The most distance a candidate of `len` characters may be from a word to be a likely typo.
fn allowed_distance(len: usize) -> usize {
    len / 3 + 1
}

/// The candidate closest to `word`, compared case-insensitively, if close enough to be a likely
/// typo (a third of the candidate's length, plus one); a candidate equal to `word` is skipped,
/// one differing only in case is the closest. Ties go to the first candidate. Bounded: a
/// candidate whose length alone rules it out is not compared.
pub fn closest<'k, I>(word: &str, candidates: I) -> Option<&'k str>
where
    I: IntoIterator<Item = &'k str>,
{
    let w = word.to_lowercase();
    let w_len = w.chars().count();
    let mut best: Option<(usize, &'k str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let c_len = c.chars().count();
        let allowed = allowed_distance(c_len).min(c_len.saturating_sub(1));
        if w_len.abs_diff(c_len) > allowed {
            continue;
        }
        let d = edit_distance(&w, &c.to_lowercase());
        if d <= allowed && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_one_unquoted_word() {
        for plain in ["my-conn.v2", "_x@y", "1abc", "a.b-c", "drop", "é"] {
            assert!(is_plain(plain), "{plain}");
        }
        for quoted in [
            "1e3", " a", "a b", "a--b", "a-", "", "a;", "'a'", "${x}", "a/b",
        ] {
            assert!(!is_plain(quoted), "{quoted}");
        }
    }

    #[test]
    fn names_are_quoted_only_when_needed() {
        assert_eq!(quote_name("my-conn"), "my-conn");
        assert_eq!(quote_name("my conn"), "\"my conn\"");
        assert_eq!(quote_name("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_name(""), "\"\"");
        assert_eq!(quote_name_compat("my-conn", true), "\"my-conn\"");
        assert_eq!(quote_name_compat("MY-CONN", true), "MY-CONN");
        assert_eq!(quote_name_compat("my-conn", false), "my-conn");
        assert_eq!(quote_string("it's"), "'it''s'");
    }

    #[test]
    fn unquote_undoes_doubled_quotes() {
        assert_eq!(unquote("'it''s'"), "it's");
        assert_eq!(unquote("''''''"), "''");
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote("`c``d`"), "c`d");
        assert_eq!(unquote("'plain'"), "plain");
        assert_eq!(unquote("''"), "");
        assert_eq!(unquote("'"), "");
        assert_eq!(unquote("'é"), "é");
        assert_eq!(unquote("x"), "x");
        assert_eq!(unquote(""), "");
    }

    #[test]
    fn quoting_round_trips_through_unquote() {
        for s in ["", "a", "it's", "''", "a\"b", "\"", "x y"] {
            assert_eq!(unquote(&quote_string(s)), s);
            assert_eq!(unquote(&quote_ident(s)), s);
        }
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("DORP", "DROP"), 2);
        assert_eq!(edit_distance("é", "e"), 1);
    }

    #[test]
    fn closest_finds_typos_and_case_slips() {
        let kws = ["DROP", "DESCRIBE", "SHOW", "CONNECTORS"];
        assert_eq!(closest("DORP", kws), Some("DROP"));
        assert_eq!(closest("dorp", kws), Some("DROP"));
        assert_eq!(closest("CONNECTOR", kws), Some("CONNECTORS"));
        assert_eq!(closest("xyzzy", kws), None);
        assert_eq!(
            closest("DROP", kws),
            None,
            "an exact match is no suggestion"
        );
        let names = ["My-Conn", "orders-sink", "orders-source"];
        assert_eq!(closest("my-conn", names), Some("My-Conn"));
        assert_eq!(closest("order-sink", names), Some("orders-sink"));
        assert_eq!(
            closest("a", ["b"]),
            None,
            "one letter is not a typo of another"
        );
        let long = "x".repeat(100_000);
        assert_eq!(closest(&long, names), None);
    }
}

//! Session variables (`DEFINE`, `-d name=value`) and their substitution into parsed statements.
//! `${name}` may stand for a name, a whole literal, or part of a string; `$${x}` is a literal
//! `${x}`. An undefined variable inside a string stays as written (ksqlDB behaviour); as a name
//! or literal it is an error naming it. Names are case-insensitive. No I/O here.

use std::collections::BTreeMap;

use super::ast::{Literal, Name, Property, Statement};
use super::ident::unquote;
use super::lexer::{TokenKind, next_token};
use super::parser::is_variable_name;
use super::visit::{Node, VisitMut};

/// The session's variables: names compare case-insensitively and keep the case they were
/// defined with (for SHOW VARIABLES).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    /// lower-case name -> (name as defined, value)
    map: BTreeMap<String, (String, String)>,
    /// Lower-case names used as secret values (see `secrets::secret_variables`): SHOW VARIABLES
    /// hides their values.
    secret: std::collections::BTreeSet<String>,
}

impl Variables {
    pub fn new() -> Self {
        Self::default()
    }

    /// Defines or replaces `name`.
    pub fn define(&mut self, name: &str, value: &str) {
        self.map.insert(
            name.to_ascii_lowercase(),
            (name.to_owned(), value.to_owned()),
        );
    }

    /// Removes `name`; false if it was not defined.
    pub fn undefine(&mut self, name: &str) -> bool {
        self.map.remove(&name.to_ascii_lowercase()).is_some()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.map
            .get(&name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    /// `(name, value)` sorted by name, case-insensitively.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.values().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Remembers that the variables `statement` uses as secret values are secrets.
    pub fn mark_secrets_used_by(&mut self, statement: &str) {
        self.secret
            .extend(crate::secrets::secret_variables(statement));
    }

    /// Whether `name`'s value is hidden: used as a secret value, or a secret-looking name.
    pub fn is_secret(&self, name: &str) -> bool {
        self.secret.contains(&name.to_ascii_lowercase()) || crate::secrets::is_secret_name(name)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// `-d name=value` / `--define name=value`: splits at the first `=` (the value may contain more).
pub fn parse_define_arg(arg: &str) -> Result<(String, String), String> {
    let Some((name, value)) = arg.split_once('=') else {
        return Err(format!(
            "invalid variable definition '{arg}': expected NAME=VALUE"
        ));
    };
    let name = name.trim();
    if !is_variable_name(name) {
        return Err(format!(
            "invalid variable name '{name}': use letters, digits and _ (not starting with a digit)"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// Substitutes variables inside string text: `${x}` -> its value (left as written when
/// undefined), `$${x}` -> `${x}`.
pub fn substitute(text: &str, vars: &Variables) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let r = &rest[i..];
        if let Some(len) = r.strip_prefix('$').and_then(reference_len) {
            // `$${x}`: the escape, kept as `${x}`.
            out.push_str(&r[1..1 + len]);
            rest = &r[1 + len..];
        } else if let Some(len) = reference_len(r) {
            match vars.get(&r[2..len - 1]) {
                Some(v) => out.push_str(v),
                None => out.push_str(&r[..len]),
            }
            rest = &r[len..];
        } else {
            out.push('$');
            rest = &r[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The inverse of [`substitute`]: `text` written so that substitution gives it back exactly,
/// whatever is defined (each `${name}` reference gets one more `$`; `${file:...}` config-provider
/// references are no variables and stay). SHOW CREATE uses it so that its output re-applies to
/// the live config.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c == '$' && reference_len(&text[i..]).is_some() {
            out.push('$');
        }
        out.push(c);
    }
    out
}

/// Length of a `${name}` reference at the start of `s`. Looks only as far as a name can go,
/// so `${${${...` costs linear time, not a scan to the end per `$`.
fn reference_len(s: &str) -> Option<usize> {
    let inner = s.strip_prefix("${")?;
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    (inner[end..].starts_with('}') && is_variable_name(&inner[..end])).then_some(end + 3)
}

fn undefined(name: &str, used_as: &str) -> String {
    format!(
        "variable '{name}' is not defined (used as {used_as}); define it with DEFINE {name} = '...'; or -d {name}=..."
    )
}

/// The kind of the single token `value` consists of, if it is exactly one token.
fn single_token(value: &str) -> Option<TokenKind> {
    next_token(value, 0)
        .filter(|t| t.span.start == 0 && t.span.end == value.len())
        .map(|t| t.kind)
}

/// A variable standing for a name: its value as written, except that a value which is one
/// quoted identifier or string (`DEFINE n = '"My Conn"'`) stands for that quoted name, as in
/// ksqlDB, where substitution happens in the text.
fn name_from_value(value: &str) -> Name {
    match single_token(value) {
        Some(TokenKind::QuotedIdent | TokenKind::String) => Name::Quoted(unquote(value)),
        _ => Name::Plain(value.to_owned()),
    }
}

/// A variable standing for a whole literal: a number, TRUE/FALSE/NULL or a `'string'` when its
/// value reads as one (`DEFINE t = '''my_topic'''` stands for `'my_topic'`, as in ksqlDB), else
/// the value as a string.
fn literal_from_value(value: &str) -> Literal {
    match single_token(value) {
        Some(TokenKind::Number) => Literal::Number(value.to_owned()),
        Some(TokenKind::String) => Literal::String(unquote(value)),
        Some(TokenKind::Keyword) => match value.to_ascii_uppercase().as_str() {
            "TRUE" => Literal::Boolean(true),
            "FALSE" => Literal::Boolean(false),
            "NULL" => Literal::Null,
            _ => Literal::String(value.to_owned()),
        },
        _ => Literal::String(value.to_owned()),
    }
}

/// The visitor that replaces variables; it keeps the first error.
struct Resolver<'a> {
    vars: &'a Variables,
    error: Option<String>,
}

impl Resolver<'_> {
    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }
}

impl VisitMut for Resolver<'_> {
    fn name(&mut self, name: &mut Name) {
        if let Name::Var(v) = name {
            match self.vars.get(v) {
                Some(value) => *name = name_from_value(value),
                None => self.fail(undefined(v, "a name")),
            }
        }
    }

    fn literal(&mut self, literal: &mut Literal) {
        match literal {
            Literal::Var(v) => match self.vars.get(v) {
                Some(value) => *literal = literal_from_value(value),
                None => self.fail(undefined(v, "a value")),
            },
            Literal::String(s) => *s = substitute(s, self.vars),
            _ => {}
        }
    }

    fn text(&mut self, text: &mut String) {
        *text = substitute(text, self.vars);
    }

    /// Two keys that become the same (`${a} = 1, ${b} = 2` with `a` and `b` equal) are an
    /// error, as the parser reports a key given twice.
    fn properties(&mut self, properties: &mut [Property]) {
        let mut seen = std::collections::HashSet::new();
        for p in properties.iter() {
            let key = p.key.text();
            if !seen.insert(key.clone()) {
                let message =
                    format!("property '{key}' is given twice once variables are substituted");
                self.fail(message);
                return;
            }
        }
    }
}

/// The statement with every variable replaced. DEFINE, UNDEFINE and HELP are left as written.
/// A resolved name becomes `Name::Plain` (under `--ksql-compat`, call
/// [`super::apply_ksql_compat`] afterwards, as ksqlDB substitutes before parsing).
pub fn resolve(statement: &Statement, vars: &Variables) -> Result<Statement, String> {
    let mut resolved = statement.clone();
    let mut resolver = Resolver { vars, error: None };
    resolved.visit_mut(&mut resolver);
    match resolver.error {
        Some(e) => Err(e),
        None => Ok(resolved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{ParseOptions, parse_statement};

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        let mut v = Variables::new();
        for (n, val) in pairs {
            v.define(n, val);
        }
        v
    }

    fn resolved(src: &str, v: &Variables) -> Result<String, String> {
        let stmt = parse_statement(src, &ParseOptions::default()).expect("parses");
        resolve(&stmt, v).map(|s| s.to_string())
    }

    #[test]
    fn escaped_text_substitutes_back_to_itself() {
        let v = vars(&[("x", "X"), ("y", "Y")]);
        for text in [
            "${x}",
            "$${x}",
            "$$${x}",
            "a${x}b${y}c${undefined}",
            "${file:/etc/secrets.properties:pw}",
            "$",
            "$$",
            "${",
            "${x",
            "ünï${x}",
            "",
        ] {
            assert_eq!(substitute(&escape(text), &v), text, "{text}");
        }
    }

    #[test]
    fn names_are_case_insensitive() {
        let mut v = vars(&[("Host", "db")]);
        assert_eq!(v.get("HOST"), Some("db"));
        assert_eq!(v.iter().collect::<Vec<_>>(), vec![("Host", "db")]);
        assert!(v.undefine("host"));
        assert!(!v.undefine("host"));
        assert!(v.is_empty());
    }

    #[test]
    fn variables_as_name_literal_and_inside_strings() {
        let v = vars(&[
            ("name", "my conn"),
            ("host", "db"),
            ("n", "3"),
            ("b", "true"),
        ]);
        assert_eq!(
            resolved(
                "CREATE SOURCE CONNECTOR ${name} WITH ('url' = 'jdbc:${HOST}:5432', 'tasks.max' = ${n}, 'x' = ${b}, 'y' = '${nope} $${host}')",
                &v
            ),
            Ok("CREATE SOURCE CONNECTOR \"my conn\" WITH ('url' = 'jdbc:db:5432', 'tasks.max' = 3, 'x' = TRUE, 'y' = '${nope} ${host}')".into())
        );
        let quoted = vars(&[("n", "\"My Conn\""), ("t", "'my_topic'"), ("z", "null")]);
        assert_eq!(
            resolved(
                "CREATE CONNECTOR ${n} WITH (topic = ${t}, x = ${z})",
                &quoted
            ),
            Ok("CREATE CONNECTOR \"My Conn\" WITH (topic = 'my_topic', x = NULL)".into())
        );
        assert_eq!(
            resolved("EXPLAIN DROP CONNECTOR ${host}", &v),
            Ok("EXPLAIN DROP CONNECTOR db".into())
        );
    }

    #[test]
    fn undefined_variables_are_errors_outside_strings() {
        let v = Variables::new();
        let e = resolved("DROP CONNECTOR ${missing}", &v).unwrap_err();
        assert!(e.contains("'missing' is not defined"), "{e}");
        let e = resolved("ALTER CONNECTOR x SET ('a' = ${val})", &v).unwrap_err();
        assert!(e.contains("'val'"), "{e}");
    }

    #[test]
    fn keys_that_become_equal_are_an_error() {
        let v = vars(&[("a", "k"), ("b", "k")]);
        let e = resolved("ALTER CONNECTOR x SET (${a} = 1, ${b} = 2)", &v).unwrap_err();
        assert!(e.contains("property 'k' is given twice"), "{e}");
    }

    #[test]
    fn define_args() {
        assert_eq!(
            parse_define_arg("url=jdbc:x?a=b"),
            Ok(("url".into(), "jdbc:x?a=b".into()))
        );
        assert_eq!(parse_define_arg("e="), Ok(("e".into(), String::new())));
        assert!(parse_define_arg("novalue").is_err());
        assert!(parse_define_arg("1x=2").is_err());
    }

    #[test]
    fn substitution_edges() {
        let v = vars(&[("a", "1")]);
        assert_eq!(
            substitute("$ $a ${a} $${a} $$${a} ${a", &v),
            "$ $a 1 ${a} $${a} ${a"
        );
    }
}

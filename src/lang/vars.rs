//! Session variables (`DEFINE`, `-d name=value`) and their substitution into parsed statements.
//! `${name}` may stand for a name, a whole literal, or part of a string; `$${x}` is a literal
//! `${x}`. An undefined variable inside a string stays as written (ksqlDB behaviour); as a name
//! or literal it is an error naming it. Names are case-insensitive. No I/O here.

use std::collections::BTreeMap;

use super::ast::{ClientStatement, Literal, Name, Property, Statement, Target};
use super::ident::unquote;
use super::lexer::{TokenKind, next_token};
use super::parser::is_variable_name;

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

fn resolve_name(name: &Name, vars: &Variables) -> Result<Name, String> {
    match name {
        Name::Var(v) => vars
            .get(v)
            .map(name_from_value)
            .ok_or_else(|| undefined(v, "a name")),
        other => Ok(other.clone()),
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

fn resolve_literal(lit: &Literal, vars: &Variables) -> Result<Literal, String> {
    Ok(match lit {
        Literal::Var(v) => literal_from_value(vars.get(v).ok_or_else(|| undefined(v, "a value"))?),
        Literal::String(s) => Literal::String(substitute(s, vars)),
        other => other.clone(),
    })
}

/// Resolves a property list. Two keys that become the same (`${a} = 1, ${b} = 2` with `a` and
/// `b` equal) are an error, as the parser reports a key given twice.
fn resolve_properties(props: &[Property], vars: &Variables) -> Result<Vec<Property>, String> {
    let resolved: Vec<Property> = props
        .iter()
        .map(|p| {
            Ok(Property {
                key: resolve_name(&p.key, vars)?,
                value: resolve_literal(&p.value, vars)?,
                span: p.span,
            })
        })
        .collect::<Result<_, String>>()?;
    let mut seen = std::collections::HashSet::new();
    for p in &resolved {
        let key = p.key.text();
        if !seen.insert(key.clone()) {
            return Err(format!(
                "property '{key}' is given twice once variables are substituted"
            ));
        }
    }
    Ok(resolved)
}

fn resolve_like(like: &Option<String>, vars: &Variables) -> Option<String> {
    like.as_ref().map(|p| substitute(p, vars))
}

fn resolve_target(target: &Target, vars: &Variables) -> Result<Target, String> {
    Ok(match target {
        Target::One(name) => Target::One(resolve_name(name, vars)?),
        Target::All { like } => Target::All {
            like: resolve_like(like, vars),
        },
    })
}

/// The statement with every variable replaced. DEFINE, UNDEFINE and HELP are left as written.
/// A resolved name becomes `Name::Plain` (under `--ksql-compat`, call
/// [`super::apply_ksql_compat`] afterwards, as ksqlDB substitutes before parsing).
pub fn resolve(statement: &Statement, vars: &Variables) -> Result<Statement, String> {
    use Statement as S;
    let s = |x: &String| substitute(x, vars);
    Ok(match statement {
        S::CreateConnector {
            or_replace,
            if_not_exists,
            kind,
            name,
            properties,
        } => S::CreateConnector {
            or_replace: *or_replace,
            if_not_exists: *if_not_exists,
            kind: *kind,
            name: resolve_name(name, vars)?,
            properties: resolve_properties(properties, vars)?,
        },
        S::DropConnector { if_exists, name } => S::DropConnector {
            if_exists: *if_exists,
            name: resolve_name(name, vars)?,
        },
        S::DescribeConnector { name, extended } => S::DescribeConnector {
            name: resolve_name(name, vars)?,
            extended: *extended,
        },
        S::ShowConnectors { kind, like } => S::ShowConnectors {
            kind: *kind,
            like: resolve_like(like, vars),
        },
        S::DescribePlugin { plugin } => S::DescribePlugin { plugin: s(plugin) },
        S::ValidateConnector {
            kind,
            name,
            properties,
        } => S::ValidateConnector {
            kind: *kind,
            name: name.as_ref().map(|n| resolve_name(n, vars)).transpose()?,
            properties: resolve_properties(properties, vars)?,
        },
        S::Lifecycle { action, target } => S::Lifecycle {
            action: *action,
            target: resolve_target(target, vars)?,
        },
        S::RestartConnector {
            target,
            include_tasks,
            only_failed,
        } => S::RestartConnector {
            target: resolve_target(target, vars)?,
            include_tasks: *include_tasks,
            only_failed: *only_failed,
        },
        S::RestartTask { name, task } => S::RestartTask {
            name: resolve_name(name, vars)?,
            task: *task,
        },
        S::AlterConnectorSet { name, properties } => S::AlterConnectorSet {
            name: resolve_name(name, vars)?,
            properties: resolve_properties(properties, vars)?,
        },
        S::AlterConnectorUnset { name, keys } => S::AlterConnectorUnset {
            name: resolve_name(name, vars)?,
            keys: keys
                .iter()
                .map(|k| resolve_name(k, vars))
                .collect::<Result<_, _>>()?,
        },
        S::ShowCreateConnector { name } => S::ShowCreateConnector {
            name: resolve_name(name, vars)?,
        },
        S::ShowConnectorOffsets { name } => S::ShowConnectorOffsets {
            name: resolve_name(name, vars)?,
        },
        S::AlterConnectorOffset {
            name,
            partition,
            offset,
        } => S::AlterConnectorOffset {
            name: resolve_name(name, vars)?,
            partition: resolve_properties(partition, vars)?,
            offset: offset
                .as_ref()
                .map(|o| resolve_properties(o, vars))
                .transpose()?,
        },
        S::ResetConnectorOffsets { name } => S::ResetConnectorOffsets {
            name: resolve_name(name, vars)?,
        },
        S::ResetConnectorTopics { name } => S::ResetConnectorTopics {
            name: resolve_name(name, vars)?,
        },
        S::WaitForConnector { name, timeout_secs } => S::WaitForConnector {
            name: resolve_name(name, vars)?,
            timeout_secs: *timeout_secs,
        },
        S::ShowLoggers { like } => S::ShowLoggers {
            like: resolve_like(like, vars),
        },
        S::SetLogger {
            logger,
            level,
            cluster,
        } => S::SetLogger {
            logger: s(logger),
            level: s(level),
            cluster: *cluster,
        },
        S::Explain(inner) => S::Explain(Box::new(resolve(inner, vars)?)),
        S::Client(client) => S::Client(resolve_client(client, &s)),
        other @ (S::ShowConnectorPlugins | S::ShowPlugins | S::ShowCluster) => other.clone(),
    })
}

/// Client statements hold plain strings: variables are substituted inside them.
fn resolve_client(client: &ClientStatement, s: &dyn Fn(&String) -> String) -> ClientStatement {
    use ClientStatement as C;
    match client {
        C::SetProperty { name, value } => C::SetProperty {
            name: s(name),
            value: s(value),
        },
        C::UnsetProperty { name } => C::UnsetProperty { name: s(name) },
        C::RunScript { path } => C::RunScript { path: s(path) },
        C::Server(url) => C::Server(url.as_ref().map(s)),
        other @ (C::ShowProperties
        | C::Define { .. }
        | C::Undefine { .. }
        | C::ShowVariables
        | C::Output(_)
        | C::Help(_)
        | C::History
        | C::Clear
        | C::Exit) => other.clone(),
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

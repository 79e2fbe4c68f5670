//! Prints the statements exec builds itself (SHOW CREATE CONNECTOR's `CREATE OR REPLACE`).
//! Interim: replaced by the AST's own `Display` once the language module provides it.

use crate::lang::ast::{ConnectorType, Literal, Name, Statement};

fn name(n: &Name) -> String {
    match n {
        Name::Plain(s) => s.clone(),
        Name::Quoted(s) => format!("\"{}\"", s.replace('"', "\"\"")),
        Name::Var(v) => format!("${{{v}}}"),
    }
}

fn key(n: &Name) -> String {
    match n {
        Name::Quoted(s) => string(s),
        other => name(other),
    }
}

fn string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::String(s) => string(s),
        Literal::Number(n) => n.clone(),
        Literal::Boolean(b) => b.to_string().to_uppercase(),
        Literal::Null => "NULL".into(),
        Literal::Var(v) => format!("${{{v}}}"),
    }
}

/// Canonical text of a CREATE statement (others are not built by exec).
pub(super) fn statement(stmt: &Statement) -> String {
    match stmt {
        Statement::CreateConnector {
            or_replace,
            if_not_exists,
            kind,
            name: n,
            properties,
        } => {
            let mut out = String::from("CREATE ");
            if *or_replace {
                out.push_str("OR REPLACE ");
            }
            match kind {
                Some(ConnectorType::Source) => out.push_str("SOURCE "),
                Some(ConnectorType::Sink) => out.push_str("SINK "),
                None => {}
            }
            out.push_str("CONNECTOR ");
            if *if_not_exists {
                out.push_str("IF NOT EXISTS ");
            }
            out.push_str(&name(n));
            out.push_str(" WITH (\n");
            let props: Vec<String> = properties
                .iter()
                .map(|p| format!("  {} = {}", key(&p.key), literal(&p.value)))
                .collect();
            out.push_str(&props.join(",\n"));
            out.push_str("\n)");
            out
        }
        other => format!("{other:?}"),
    }
}

//! Client statements: what the shell does itself without Connect's REST API beyond `GET /`
//! (SET/UNSET/SHOW PROPERTIES, DEFINE/UNDEFINE/SHOW VARIABLES, OUTPUT, SERVER, HELP).
//! `RUN SCRIPT` is the script driver's, HISTORY and CLEAR the REPL's. Returns output as data.

use clap::ValueEnum;
use serde_json::Value;

use super::Shell;
use super::properties::Property;
use crate::cli::OnError;
use crate::connect::config::parse_urls;
use crate::error::Error;
use crate::lang::ast::ClientStatement;
use crate::lang::vars;
use crate::output::{Block, Column, Format, Output};

/// Run a client statement: `Ok(None)` when it prints nothing (DEFINE, OUTPUT JSON).
pub fn run(shell: &mut Shell, stmt: &ClientStatement) -> Result<Option<Output>, Error> {
    match stmt {
        ClientStatement::SetProperty { name, value } => set(shell, name, value).map(Some),
        ClientStatement::UnsetProperty { name } => unset(shell, name).map(Some),
        ClientStatement::ShowProperties => show_properties(shell).map(Some),
        ClientStatement::Define { name, value } => {
            // The value may itself use variables defined earlier (as in ksqlDB).
            let value = vars::substitute(value, &shell.vars);
            shell.vars.define(name, &value);
            Ok(None)
        }
        ClientStatement::Undefine { name } => Ok((!shell.vars.undefine(name))
            .then(|| Output::warning(format!("Variable '{name}' is not defined.")))),
        ClientStatement::ShowVariables => Ok(Some(show_variables(shell))),
        ClientStatement::Output(None) => Ok(Some(Output::message(format!(
            "Output format: {}",
            shell.renderer.format
        )))),
        ClientStatement::Output(Some(format)) => {
            shell.renderer.format = *format;
            Ok(None)
        }
        ClientStatement::Server(None) => Ok(Some(server_message(shell))),
        ClientStatement::Server(Some(url)) => {
            let mut settings = shell.settings().clone();
            settings.urls = parse_urls(url)?;
            shell.switch_server(settings)?;
            Ok(Some(server_message(shell)))
        }
        ClientStatement::Help(topic) => crate::help::help(topic.as_deref()).map(Some),
        ClientStatement::RunScript { path } => Err(Error::usage(format!(
            "RUN SCRIPT '{path}' is run by the script driver"
        ))),
        ClientStatement::History => Err(Error::usage(
            "HISTORY is only available in the interactive shell",
        )),
        // Nothing to clear in a script; the REPL clears the screen itself.
        ClientStatement::Clear | ClientStatement::Exit => Ok(None),
    }
}

fn set(shell: &mut Shell, name: &str, value: &str) -> Result<Output, Error> {
    let property: Property = name.parse()?;
    match property {
        Property::Output => shell.renderer.format = value.parse::<Format>()?,
        Property::OnError => {
            shell.on_error = OnError::from_str(value.trim(), true).map_err(|_| {
                Error::usage(format!("'on.error' takes stop or continue, not '{value}'"))
            })?;
        }
        Property::Session(key) => shell.set_session_property(key, value)?,
    }
    Ok(Output::message(format!(
        "Property '{property}' set to '{value}'."
    )))
}

fn unset(shell: &mut Shell, name: &str) -> Result<Output, Error> {
    let property: Property = name.parse()?;
    match property {
        Property::Output => shell.renderer.format = Format::default(),
        Property::OnError => shell.on_error = OnError::Stop,
        Property::Session(key) => shell.unset_session_property(key)?,
    }
    Ok(Output::message(format!(
        "Property '{property}' is back to its default."
    )))
}

fn show_properties(shell: &mut Shell) -> Result<Output, Error> {
    let values = shell.session_properties()?;
    let rows = Property::all()
        .into_iter()
        .map(|p| {
            let value = match p {
                Property::Output => shell.renderer.format.name().to_string(),
                Property::OnError => on_error_name(shell.on_error).to_string(),
                Property::Session(name) => values
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            };
            vec![p.name().into(), value.into(), p.about().into()]
        })
        .collect();
    Ok(Output::new("properties").with(Block::Table {
        name: "properties".into(),
        title: None,
        columns: Column::list(&[
            ("Property", "property"),
            ("Value", "value"),
            ("Description", "description"),
        ]),
        rows,
    }))
}

fn on_error_name(on_error: OnError) -> &'static str {
    match on_error {
        OnError::Stop => "stop",
        OnError::Continue => "continue",
    }
}

fn show_variables(shell: &Shell) -> Output {
    let rows = shell
        .vars
        .iter()
        .map(|(n, v)| {
            let v = if shell.vars.is_secret(n) {
                crate::secrets::HIDDEN
            } else {
                v
            };
            vec![Value::from(n), Value::from(v)]
        })
        .collect();
    Output::new("variables").with(Block::Table {
        name: "variables".into(),
        title: None,
        columns: Column::list(&[("Variable Name", "variable_name"), ("Value", "value")]),
        rows,
    })
}

/// `SERVER`: the URL, and the worker's version when it answers.
fn server_message(shell: &mut Shell) -> Output {
    let url = shell.server_url();
    match shell.server_info() {
        Ok(info) => Output::new("server").with(Block::Fields {
            name: "server".into(),
            fields: vec![
                (Column::new("Server", "server"), url.into()),
                (Column::new("Version", "version"), info.version.into()),
                (
                    Column::new("Kafka Cluster", "kafka_cluster"),
                    info.kafka_cluster_id.unwrap_or_default().into(),
                ),
            ],
        }),
        Err(e) => Output::new("server")
            .with(Block::Fields {
                name: "server".into(),
                fields: vec![(Column::new("Server", "server"), url.into())],
            })
            .with(Block::Warning(
                e.to_string().lines().next().unwrap_or("").to_string(),
            )),
    }
}

//! The command line: every flag of `kcsh`, documented here because this text *is* `--help`.
//! Parsing only; what the flags do lives in the modules that own each concern.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::output::Format;

/// Exit codes, shown at the end of `--help`.
const AFTER_HELP: &str = "\
Exit codes:
  0  every statement succeeded
  1  a statement failed (Connect's message is printed)
  2  usage or syntax error
  3  the cluster is unreachable (before any statement was applied), or the
     embedded cluster could not be started
  4  --dry-run of -f: the plan has changes pending (0 when it has none)";

/// kcsh, the Kafka Connect shell: manage Kafka Connect clusters with ksqlDB-style statements.
#[derive(Debug, Parser)]
#[command(name = "kcsh", version, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Run STATEMENT and exit (repeatable; the final `;` may be left out).
    #[arg(
        short = 'e',
        long = "execute",
        value_name = "STATEMENT",
        conflicts_with = "file"
    )]
    pub execute: Vec<String>,

    /// Run the statements in FILE and exit (`-` reads standard input). Takes several files and
    /// directories (a directory's `*.sql` files, in name order); all are parsed before any runs.
    #[arg(short = 'f', long = "file", value_name = "FILE", num_args = 1..)]
    pub file: Vec<PathBuf>,

    /// With -f: plan and apply the scripts as a whole, and drop the connectors on the cluster
    /// whose names match PATTERN (LIKE: `%`, `_`) that the scripts do not declare.
    #[arg(long, value_name = "PATTERN", requires = "file")]
    pub prune: Option<String>,

    /// With -f --dry-run: save the plan in FILE; with -f (apply): apply only if planning again
    /// gives exactly that plan, against a cluster that has not changed since.
    #[arg(long, value_name = "FILE", requires = "file")]
    pub plan_file: Option<PathBuf>,

    /// Parse and plan the statements without contacting any cluster; print `OK: N statements`
    /// or the first error (exit 0 or 2).
    #[arg(long)]
    pub check: bool,

    /// Send no request that changes state; show what each statement would change.
    #[arg(long)]
    pub dry_run: bool,

    /// Requests a bulk statement (PAUSE CONNECTORS ..., DROP CONNECTORS ...) keeps in flight,
    /// 1 to 64 (default 8; in the shell: SET 'bulk.concurrency').
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,

    /// What to do when a statement of a script fails.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = OnError::Stop)]
    pub on_error: OnError,

    /// Output format for results.
    #[arg(
        short = 'o',
        long,
        value_name = "FORMAT",
        env = "KCSH_OUTPUT",
        value_parser = format_parser()
    )]
    pub output: Option<Format>,

    /// When to use colours (`auto`: only on a terminal and when NO_COLOR is unset).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Define a variable for `${NAME}` references (repeatable; VALUE may contain `=`).
    #[arg(short = 'd', long = "define", value_name = "NAME=VALUE")]
    pub define: Vec<String>,

    /// Upper-case unquoted names and keys as ksqlDB does.
    #[arg(long)]
    pub ksql_compat: bool,

    /// Show secret config values instead of `[hidden]`.
    #[arg(long)]
    pub show_secrets: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub embedded: EmbeddedArgs,

    /// Print a shell completion script to standard output and exit.
    #[arg(long, value_enum, value_name = "SHELL")]
    pub generate: Option<Generate>,
}

/// Where and how to reach the Connect REST API.
#[derive(Debug, Args, Clone, Default)]
pub struct ConnectionArgs {
    /// Connect REST URL; a comma-separated list tries the next worker when one is unreachable
    /// [default: http://localhost:8083]
    #[arg(long, value_name = "URL", env = "KCSH_URL")]
    pub url: Option<String>,

    /// Use the named context (url, auth, TLS) from the config file.
    #[arg(long, value_name = "NAME", env = "KCSH_CONTEXT")]
    pub context: Option<String>,

    /// Config file holding contexts [default: <config dir>/kcsh/config.toml]
    #[arg(long, value_name = "FILE", env = "KCSH_CONFIG")]
    pub config: Option<PathBuf>,

    /// User for HTTP basic auth; the password comes from KCSH_PASSWORD, --password-file, or a prompt.
    #[arg(short = 'u', long, value_name = "USER", env = "KCSH_USER")]
    pub user: Option<String>,

    /// Read the basic-auth password from FILE (first line).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Bearer token for the Authorization header.
    #[arg(long, value_name = "TOKEN", env = "KCSH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Extra request header (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Trust this CA certificate (PEM) for HTTPS.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Client certificate (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "client_key")]
    pub client_cert: Option<PathBuf>,

    /// Private key (PEM) of the client certificate.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<PathBuf>,

    /// Do not verify the server's TLS certificate.
    #[arg(long)]
    pub insecure: bool,

    /// HTTP timeout per request, above Connect's own 90 s.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,

    /// How long to retry requests refused during a rebalance (409).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub retry_timeout: u64,

    #[command(flatten)]
    pub kafka: KafkaArgs,
}

/// Where and how to reach the Kafka brokers (SHOW TOPICS, PRINT); resolved in `kafka::config`.
#[derive(Debug, Args, Clone, Default)]
pub struct KafkaArgs {
    /// Kafka bootstrap servers, for the statements that read Kafka (`--embedded` sets it).
    #[arg(long, value_name = "HOST:PORT[,...]", env = "KCSH_BOOTSTRAP")]
    pub bootstrap: Option<String>,

    /// Connect to Kafka over TLS (implied by --kafka-ca-cert and --kafka-client-cert).
    #[arg(long)]
    pub kafka_tls: bool,

    /// Trust this CA certificate (PEM) for Kafka TLS [default: the system's roots].
    #[arg(long, value_name = "FILE")]
    pub kafka_ca_cert: Option<PathBuf>,

    /// Client certificate (PEM) for Kafka mutual TLS.
    #[arg(long, value_name = "FILE", requires = "kafka_client_key")]
    pub kafka_client_cert: Option<PathBuf>,

    /// Private key (PEM) of the Kafka client certificate.
    #[arg(long, value_name = "FILE", requires = "kafka_client_cert")]
    pub kafka_client_key: Option<PathBuf>,

    /// SASL mechanism for Kafka: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 [default: PLAIN].
    #[arg(long, value_name = "MECHANISM", value_parser = mechanism_parser)]
    pub kafka_sasl_mechanism: Option<crate::kafka::Mechanism>,

    /// SASL user for Kafka; the password comes from KCSH_KAFKA_PASSWORD or --kafka-password-file.
    #[arg(long, value_name = "USER", env = "KCSH_KAFKA_USER")]
    pub kafka_user: Option<String>,

    /// Read the Kafka SASL password from FILE (first line).
    #[arg(long, value_name = "FILE")]
    pub kafka_password_file: Option<PathBuf>,
}

/// `--kafka-sasl-mechanism`: the mechanism's own `FromStr` (the context key uses it too).
fn mechanism_parser(s: &str) -> Result<crate::kafka::Mechanism, String> {
    s.parse()
}

/// Running a Connect worker (and Kafka) from kcsh itself.
#[derive(Debug, Args, Clone, Default)]
pub struct EmbeddedArgs {
    /// Start a throwaway local Kafka and Connect worker and open the shell on it.
    #[arg(long, conflicts_with = "worker_config")]
    pub embedded: bool,

    /// Start a Connect worker from these worker properties (your Kafka) and talk to it.
    #[arg(long, value_name = "FILE")]
    pub worker_config: Option<PathBuf>,

    /// Apache Kafka installation to take the jars from (`libs/*.jar`).
    #[arg(long, value_name = "DIR", env = "KAFKA_HOME")]
    pub kafka_home: Option<PathBuf>,

    /// Kafka version to fetch when no Kafka home is given.
    #[arg(long, value_name = "VERSION")]
    pub kafka_version: Option<String>,

    /// With --embedded: start the cluster in the background, print its URL and run dir, and exit.
    #[arg(long, requires = "embedded")]
    pub detach: bool,

    /// Add plugin directories (each plugin one subdirectory or jar of DIR) to the worker kcsh
    /// starts; with --worker-config only when its file names no plugin.path. Repeatable.
    #[arg(long, value_name = "DIR[,DIR...]", value_delimiter = ',')]
    pub plugin_path: Vec<PathBuf>,

    /// Set a property of the worker kcsh starts, e.g. value.converter.schemas.enable=true
    /// (repeatable; overrides kcsh's own values).
    #[arg(long = "worker-property", value_name = "KEY=VALUE", value_parser = crate::embedded::WorkerPropertyParser)]
    pub worker_properties: Vec<crate::embedded::WorkerProperty>,

    /// Stop a detached cluster started with --embedded --detach.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["embedded", "worker_config"])]
    pub stop: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Stop at the first failing statement.
    Stop,
    /// Report the failure and go on with the next statement.
    Continue,
}

/// `--output`: the possible values (for help and completion) are [`Format::ALL`], the parsing
/// is `Format`'s own `FromStr`, the one that `OUTPUT` and `SET 'output'` use.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    let values = Format::ALL
        .map(|f| clap::builder::PossibleValue::new(f.name()).aliases(f.aliases().iter().copied()));
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(values).try_map(|s| s.parse::<Format>())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    CompleteBash,
    CompleteZsh,
    CompleteFish,
}

impl Generate {
    /// Where the committed copy of this script lives in the repository.
    pub fn committed_path(self) -> &'static str {
        match self {
            Generate::CompleteBash => "completions/kcsh.bash",
            Generate::CompleteZsh => "completions/_kcsh",
            Generate::CompleteFish => "completions/kcsh.fish",
        }
    }
}

/// Write the completion script for `shell` (what `--generate` prints).
impl Cli {
    /// Parses the process's arguments (exiting with clap's message and code 2 on a usage error),
    /// plus the one check clap's attributes cannot express: an explicit `--url` beside
    /// `--embedded`/`--worker-config` would be ignored, while `KCSH_URL` from the environment may
    /// stay set (kcsh then talks to the worker it started).
    pub fn parse_args() -> Cli {
        let mut command = Cli::command();
        let matches = command.get_matches_mut();
        let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        let explicit_url = matches.value_source("url") == Some(ValueSource::CommandLine);
        if explicit_url && (cli.embedded.embedded || cli.embedded.worker_config.is_some()) {
            command
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "--url cannot be used with --embedded or --worker-config: \
                     kcsh talks to the worker it starts",
                )
                .exit();
        }
        cli
    }
}

pub fn generate(shell: Generate, out: &mut dyn std::io::Write) {
    use clap::CommandFactory;
    use clap_complete::Shell;
    let mut cmd = Cli::command();
    let shell = match shell {
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "kcsh", out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The files in `completions/` must be what `kcsh --generate ...` prints today.
    /// Regenerate with: `for s in bash zsh fish; do cargo run -q -- --generate complete-$s > ...; done`
    /// (or run this test with `KCSH_UPDATE_COMPLETIONS=1`).
    #[test]
    fn committed_completions_are_fresh() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for shell in [
            Generate::CompleteBash,
            Generate::CompleteZsh,
            Generate::CompleteFish,
        ] {
            let mut fresh = Vec::new();
            generate(shell, &mut fresh);
            let path = root.join(shell.committed_path());
            if std::env::var_os("KCSH_UPDATE_COMPLETIONS").is_some() {
                std::fs::write(&path, &fresh).unwrap();
            }
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == fresh,
                "{} is stale: run `kcsh --generate {}` > {0} (or KCSH_UPDATE_COMPLETIONS=1 cargo test)",
                shell.committed_path(),
                shell.to_possible_value().unwrap().get_name()
            );
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

//! Turning an [`Output`] into bytes: ksqlDB-style tables (`table.rs`) or one JSON document per
//! statement (`json.rs`), plus the colour decision and error printing (`style.rs`).
//! Pure: every function writes to a `Write` it is given and knows nothing of the network.

pub mod json;
pub mod style;
pub mod table;

use std::io::{self, Write};
use std::str::FromStr;

use crate::cli::OutputArg;
use crate::lang::ast::OutputFormat;
use crate::output::Output;

/// How results are printed. One `FromStr` serves the `--output` flag, `OUTPUT` and `SET 'output'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Tabular,
    Json,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tabular" | "table" => Ok(Format::Tabular),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown output format '{other}': expected TABULAR or JSON"
            )),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Tabular => "TABULAR",
            Format::Json => "JSON",
        })
    }
}

impl From<OutputArg> for Format {
    fn from(arg: OutputArg) -> Self {
        match arg {
            OutputArg::Tabular => Format::Tabular,
            OutputArg::Json => Format::Json,
        }
    }
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Tabular => Format::Tabular,
            OutputFormat::Json => Format::Json,
        }
    }
}

/// What the caller knows about the statement whose output is printed.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Print error traces whole (`DESCRIBE ... EXTENDED`) instead of cutting them.
    pub full_traces: bool,
    /// The connector the output is about, for the hint after a cut trace.
    pub connector: Option<String>,
}

/// Everything decided once per process about how output looks.
#[derive(Debug, Clone, Copy)]
pub struct Renderer {
    pub format: Format,
    /// ANSI colours (decided by [`style::use_color`]).
    pub color: bool,
    /// Fit tables to this many columns (the terminal's width); `None` = never wrap.
    pub width: Option<u16>,
    /// Pretty-print JSON (on a terminal) instead of one line per document.
    pub pretty_json: bool,
}

impl Renderer {
    /// A renderer for plain, uncoloured, unbounded output (scripts, tests).
    pub fn plain(format: Format) -> Self {
        Renderer {
            format,
            color: false,
            width: None,
            pretty_json: false,
        }
    }

    pub fn render(&self, out: &Output, ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Tabular => table::render(out, ctx, self, w),
            Format::Json => json::render(out, self.pretty_json, w),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_case_insensitively() {
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert_eq!("TABULAR".parse::<Format>(), Ok(Format::Tabular));
        assert!(
            "xml"
                .parse::<Format>()
                .unwrap_err()
                .contains("TABULAR or JSON")
        );
    }
}

//! Turning an [`Output`] into bytes: ksqlDB-style tables (`table.rs`) or one JSON document per
//! statement (`json.rs`), plus the colour decision and error printing (`style.rs`).
//! Pure: every function writes to a `Write` it is given and knows nothing of the network.

pub mod json;
pub mod record;
pub mod style;
pub mod table;

use std::io::{self, Write};

pub use crate::output::Format;
use crate::output::Output;

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

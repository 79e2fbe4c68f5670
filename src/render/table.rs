//! The tabular renderer: ksqlDB's layouts (header, `|` between columns, dashed rules, labelled
//! fields), fitted to the terminal width, error traces cut to one line unless asked for whole.
//! Pure: builds strings and writes them to the given writer.

use std::io::{self, Write};

use comfy_table::{
    Cell, Color, ColumnConstraint, ContentArrangement, ContentLineStyle, LineStyle, Table,
    TableStyle,
};
use serde_json::Value;

use super::style::{Colour, paint, state_colour};
use super::{Context, Renderer};
use crate::output::{Block, Column, Output, TRACE_LINE_MAX, first_line};
use crate::secrets::escape_control;

pub fn render(out: &Output, ctx: &Context, r: &Renderer, w: &mut dyn Write) -> io::Result<()> {
    let mut cut_any = false;
    for (i, block) in out.blocks.iter().enumerate() {
        if i > 0 && needs_gap(&out.blocks[i - 1], block) {
            writeln!(w)?;
        }
        match block {
            Block::Message(m) => writeln!(w, "{}", escape_control(m))?,
            Block::Record(record) => super::record::write_line(record, w)?,
            Block::Warning(m) => {
                writeln!(w, "{}", paint(&escape_control(m), Colour::Yellow, r.color))?
            }
            Block::Text { text, .. } => {
                write!(w, "{}", escape_control(text))?;
                if !text.ends_with('\n') {
                    writeln!(w)?;
                }
            }
            Block::Fields { fields, .. } => {
                let width = fields
                    .iter()
                    .map(|(k, _)| k.title.chars().count())
                    .max()
                    .unwrap_or(0);
                for (column, value) in fields {
                    let label = column.title.as_str();
                    let mut text = cell_text(value);
                    if is_trace(label) && !ctx.full_traces {
                        let (short, cut) = first_line(&text, TRACE_LINE_MAX);
                        cut_any |= cut;
                        text = short;
                    }
                    let text = colour_state(label, &text, r.color);
                    let line = format!("{label:<width$} : {text}");
                    writeln!(w, "{}", line.trim_end())?;
                }
            }
            Block::Table {
                name,
                title,
                columns,
                rows,
            } => {
                if let Some(title) = title {
                    writeln!(w, "{}", escape_control(title))?;
                }
                if rows.is_empty() {
                    writeln!(w, "{}", empty_line(name, title.is_some()))?;
                    continue;
                }
                let (table, cut) = build_table(columns, rows, ctx, r);
                cut_any |= cut;
                for line in table.lines() {
                    writeln!(w, "{}", line.trim_end())?;
                }
            }
            Block::Records {
                name,
                columns,
                rows,
            } => write_records(w, name, columns, rows)?,
        }
    }
    if cut_any {
        let target = ctx
            .connector
            .as_deref()
            .map_or("<name>".into(), crate::lang::ident::quote_name);
        let hint = format!(
            "(traces cut to one line; DESCRIBE CONNECTOR {target} EXTENDED shows them whole)"
        );
        writeln!(w, "{}", paint(&hint, Colour::Dim, r.color))?;
    }
    Ok(())
}

/// Longest value of a record block shown whole, in characters.
const RECORD_VALUE_MAX: usize = 200;

/// One labelled block per row, a blank line between rows; a value longer than
/// [`RECORD_VALUE_MAX`] or of several lines is cut to its first line with ` ...`, and a note
/// after the rows says JSON output has them whole.
fn write_records(
    w: &mut dyn Write,
    name: &str,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(w, "{}", empty_line(name, false));
    }
    let width = columns
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(0);
    let mut cut_any = false;
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        for (column, value) in columns.iter().zip(row) {
            let (text, cut) = first_line(&cell_text(value), RECORD_VALUE_MAX);
            cut_any |= cut;
            let line = format!("{:<width$} : {text}", column.title);
            writeln!(w, "{}", line.trim_end())?;
        }
    }
    if cut_any {
        writeln!(w, "(long values cut; --output json shows them whole)")?;
    }
    Ok(())
}

/// What an empty table says instead of a header over two rules: `No connectors.`, or
/// `(none)` under a title.
fn empty_line(name: &str, titled: bool) -> String {
    if titled {
        "(none)".to_string()
    } else {
        format!("No {}.", name.replace('_', " "))
    }
}

/// Consecutive one-line blocks (messages, warnings) stay together; anything else is spaced.
fn needs_gap(prev: &Block, next: &Block) -> bool {
    let line = |b: &Block| matches!(b, Block::Message(_) | Block::Warning(_) | Block::Record(_));
    !(line(prev) && line(next))
}

fn build_table(
    columns: &[Column],
    rows: &[Vec<Value>],
    ctx: &Context,
    r: &Renderer,
) -> (Table, bool) {
    let mut table = Table::new();
    ksql_style(&mut table);
    match r.width {
        Some(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    // comfy-table would otherwise consult the process's own stdout; the caller decided.
    table.force_no_tty();
    if r.color {
        table.enforce_styling();
        table.style_text_only();
    }
    table.set_header(columns.iter().map(|c| Cell::new(&c.title)));
    let mut cut_any = false;
    for row in rows {
        let cells = row.iter().enumerate().map(|(i, value)| {
            let column = columns.get(i).map_or("", |c| c.title.as_str());
            let mut text = cell_text(value);
            if is_trace(column) && !ctx.full_traces {
                let (short, cut) = first_line(&text, TRACE_LINE_MAX);
                cut_any |= cut;
                text = short;
            }
            let mut cell = Cell::new(&text);
            if r.color
                && is_state_column(column)
                && let Some(c) = state_colour(&text)
            {
                cell = cell.fg(table_colour(c));
            }
            cell
        });
        table.add_row(cells.collect::<Vec<_>>());
    }
    if let Some(width) = r.width {
        keep_short_columns_whole(&mut table, width);
    }
    (table, cut_any)
}

/// When a table must wrap, wrap the widest column (documentation, traces, classes) and keep
/// short ones such as names, types and states on one line, if they leave it room.
fn keep_short_columns_whole(table: &mut Table, width: u16) {
    let widths = table.column_max_content_widths();
    let Some(widest) = (0..widths.len()).max_by_key(|&i| widths[i]) else {
        return;
    };
    // Content plus padding and a separator per column.
    let needed: usize = widths.iter().map(|w| usize::from(*w) + 3).sum();
    if needed <= usize::from(width) {
        return;
    }
    let fixed: usize = widths
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != widest)
        .map(|(_, w)| usize::from(*w) + 3)
        .sum();
    let short = widths
        .iter()
        .enumerate()
        .all(|(i, w)| i == widest || *w <= 40);
    if short && fixed + 20 <= usize::from(width) {
        for (i, column) in table.column_iter_mut().enumerate() {
            if i != widest {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
}

/// ksqlDB's table look: no outer frame, `|` between columns, dashes under the header and at the end.
const KSQL_STYLE: TableStyle = TableStyle::new()
    .header_lines(ContentLineStyle::none().junction('|'))
    .header_separator(LineStyle::none().fill('-').junction('-'))
    .content_lines(ContentLineStyle::none().junction('|'))
    .bottom_border(LineStyle::none().fill('-').junction('-'));

fn ksql_style(table: &mut Table) {
    table.load_style(KSQL_STYLE);
}

fn table_colour(c: Colour) -> Color {
    match c {
        Colour::Red => Color::Red,
        Colour::Green => Color::Green,
        Colour::Yellow => Color::Yellow,
        Colour::Blue => Color::Blue,
        Colour::Magenta => Color::Magenta,
        Colour::Cyan => Color::Cyan,
        Colour::Dim | Colour::Bold => Color::Reset,
    }
}

/// A JSON cell as text: strings bare, null empty, arrays comma-separated, objects as JSON.
pub fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => escape_control(s).into_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(cell_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => value.to_string(),
    }
}

fn is_trace(label: &str) -> bool {
    label.to_ascii_lowercase().contains("trace")
}

fn is_state_column(label: &str) -> bool {
    matches!(label.to_ascii_lowercase().as_str(), "state" | "status")
}

fn colour_state(label: &str, text: &str, color: bool) -> String {
    match state_colour(text) {
        Some(c) if color && is_state_column(label) => paint(text, c, true),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Format;
    use serde_json::json;

    fn show(out: &Output, ctx: &Context, r: &Renderer) -> String {
        let mut buf = Vec::new();
        render(out, ctx, r, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn plain(out: &Output) -> String {
        show(out, &Context::default(), &Renderer::plain(Format::Tabular))
    }

    fn connector_list() -> Output {
        Output::new("connector_list").with(Block::Table {
            name: "connectors".into(),
            title: None,
            columns: Column::list(&[
                ("Connector Name", "connector_name"),
                ("Type", "type"),
                ("Class", "class"),
                ("Status", "status"),
            ]),
            rows: vec![
                vec![
                    json!("fs-src"),
                    json!("SOURCE"),
                    json!("org.apache.kafka.connect.file.FileStreamSourceConnector"),
                    json!("RUNNING (1/1 tasks RUNNING)"),
                ],
                vec![
                    json!("fs-sink"),
                    json!("SINK"),
                    json!("org.apache.kafka.connect.file.FileStreamSinkConnector"),
                    json!("PAUSED"),
                ],
            ],
        })
    }

    fn description(trace: &str) -> Output {
        Output::new("connector_description")
            .with(Block::Fields {
                name: "connector".into(),
                fields: vec![
                    (Column::new("Name", "name"), json!("fs-src")),
                    (
                        Column::new("Class", "class"),
                        json!("org.apache.kafka.connect.file.FileStreamSourceConnector"),
                    ),
                    (Column::new("Type", "type"), json!("source")),
                    (Column::new("State", "state"), json!("FAILED")),
                    (
                        Column::new("WorkerId", "worker_id"),
                        json!("127.0.0.1:8083"),
                    ),
                    (Column::new("Trace", "trace"), json!(trace)),
                ],
            })
            .with(Block::Table {
                name: "tasks".into(),
                title: None,
                columns: Column::list(&[
                    ("Task ID", "task_id"),
                    ("State", "state"),
                    ("Error Trace", "error_trace"),
                ]),
                rows: vec![vec![json!(0), json!("FAILED"), json!(trace)]],
            })
            .with(Block::Table {
                name: "related_topics".into(),
                title: None,
                columns: Column::list(&[("Related Topics", "related_topics")]),
                rows: vec![vec![json!("lines")]],
            })
    }

    const TRACE: &str = "org.apache.kafka.connect.errors.ConnectException: boom\n\tat A.b(A.java:1)\n\tat C.d(C.java:2)";

    #[test]
    fn connector_list_in_ksql_layout() {
        insta::assert_snapshot!("connector_list", plain(&connector_list()));
    }

    #[test]
    fn description_cuts_traces_with_a_hint() {
        let ctx = Context {
            full_traces: false,
            connector: Some("fs-src".into()),
        };
        let text = show(&description(TRACE), &ctx, &Renderer::plain(Format::Tabular));
        insta::assert_snapshot!("description_cut_traces", text);
    }

    #[test]
    fn full_traces_are_kept_when_asked() {
        let ctx = Context {
            full_traces: true,
            connector: Some("fs-src".into()),
        };
        let text = show(&description(TRACE), &ctx, &Renderer::plain(Format::Tabular));
        assert!(text.contains("at C.d(C.java:2)"));
        assert!(!text.contains("EXTENDED"));
    }

    #[test]
    fn hint_quotes_names_that_need_it() {
        let ctx = Context {
            full_traces: false,
            connector: Some("my conn".into()),
        };
        let text = show(&description(TRACE), &ctx, &Renderer::plain(Format::Tabular));
        assert!(text.contains("DESCRIBE CONNECTOR \"my conn\" EXTENDED"));
    }

    #[test]
    fn tables_fit_the_width() {
        let r = Renderer {
            width: Some(60),
            ..Renderer::plain(Format::Tabular)
        };
        let text = show(&connector_list(), &Context::default(), &r);
        for line in text.lines() {
            assert!(line.chars().count() <= 60, "too wide: {line:?}");
        }
        assert!(text.contains("fs-src"));
    }

    #[test]
    fn narrow_tables_wrap_the_widest_column_only() {
        let r = Renderer {
            width: Some(80),
            ..Renderer::plain(Format::Tabular)
        };
        let text = show(&connector_list(), &Context::default(), &r);
        assert!(text.contains(" fs-src         | SOURCE |"), "{text}");
        assert!(text.contains("RUNNING (1/1 tasks RUNNING)"), "{text}");
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "too wide: {line:?}");
        }
    }

    #[test]
    fn states_are_coloured_only_when_enabled() {
        let plain_text = plain(&connector_list());
        assert!(!plain_text.contains('\x1b'));
        let r = Renderer {
            color: true,
            ..Renderer::plain(Format::Tabular)
        };
        let text = show(&connector_list(), &Context::default(), &r);
        assert!(text.contains("\x1b[38;5;10mRUNNING (1/1 tasks RUNNING)\x1b[39m"));
        assert!(text.contains("\x1b[38;5;11mPAUSED\x1b[39m"));
        let described = show(&description("x"), &Context::default(), &r);
        assert!(described.contains(&paint("FAILED", Colour::Red, true)));
    }

    #[test]
    fn messages_and_warnings_stay_together() {
        let out = Output::new("bulk")
            .with(Block::Message("Paused connector a".into()))
            .with(Block::Warning("Connector 'b' does not exist.".into()));
        assert_eq!(
            plain(&out),
            "Paused connector a\nConnector 'b' does not exist.\n"
        );
    }

    #[test]
    fn cells_render_json_values() {
        assert_eq!(cell_text(&json!(null)), "");
        assert_eq!(cell_text(&json!(3)), "3");
        assert_eq!(cell_text(&json!(["a", "b"])), "a, b");
        assert_eq!(cell_text(&json!({"k": 1})), "{\"k\":1}");
    }

    #[test]
    fn empty_tables_say_so_in_one_line() {
        let empty = |name: &str, title: Option<&str>| {
            Output::new("x").with(Block::Table {
                name: name.into(),
                title: title.map(Into::into),
                columns: Column::list(&[("Connector Name", "connector_name"), ("Type", "type")]),
                rows: vec![],
            })
        };
        insta::assert_snapshot!("empty_connector_list", plain(&empty("connectors", None)));
        assert_eq!(
            plain(&empty("related_topics", None)),
            "No related topics.\n"
        );
        assert_eq!(plain(&empty("config", Some("Config"))), "Config\n(none)\n");
        let mut described = description(TRACE);
        if let Block::Table { rows, .. } = &mut described.blocks[2] {
            rows.clear();
        }
        insta::assert_snapshot!("description_without_topics", plain(&described));
    }
}

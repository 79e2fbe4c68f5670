//! Parse benchmark, not a test: `cargo bench --bench parse [-- N]`. Under `cargo test` it only
//! checks, untimed, that a small script of the same mix parses.
//! Builds a script of N (default 10,000) statements mixing every statement form, long WITH
//! lists, comments, quoting and variables, then reports the time to split and parse it
//! (best and median of 20 runs). `bench/parse.sh` measures the same through `kcsh --check -f`.

use std::time::{Duration, Instant};

use kcsh::lang::{ParseOptions, parse_script};

/// The statement mix; `{i}` is replaced by the statement number.
const TEMPLATES: &[&str] = &[
    "CREATE SOURCE CONNECTOR IF NOT EXISTS `jdbc-{i}` WITH (\n  \"connector.class\" = 'io.confluent.connect.jdbc.JdbcSourceConnector',\n  \"connection.url\" = 'jdbc:postgresql://${host}:5432/db{i}',\n  'mode' = 'incrementing', 'incrementing.column.name' = 'id',\n  'topic.prefix' = 'jdbc-{i}-', 'tasks.max' = 1, 'key' = 'id'\n);",
    "-- a comment; with a semicolon\nDROP CONNECTOR IF EXISTS \"conn-{i}\";",
    "DESCRIBE CONNECTOR fs-src-{i} EXTENDED;",
    "SHOW SOURCE CONNECTORS LIKE 'fs-%';",
    "ALTER CONNECTOR sink-{i} SET ('tasks.max' = 2, 'topics' = 'a,b;c' /* ; */);",
    "PAUSE CONNECTOR c{i};",
    "RESTART CONNECTOR c{i} INCLUDE TASKS ONLY FAILED;",
    "ALTER CONNECTOR c{i} SET OFFSET PARTITION ('filename' = '/tmp/in-{i}.txt') TO ('position' = {i});",
    "EXPLAIN CREATE SINK CONNECTOR s{i} WITH ('connector.class' = 'FileStreamSink', 'topics' = 't{i}', 'file' = '/tmp/out.txt');",
    "WAIT FOR CONNECTOR c{i} TIMEOUT 30 SECONDS;",
];

fn script(n: usize) -> String {
    (0..n)
        .map(|i| TEMPLATES[i % TEMPLATES.len()].replace("{i}", &i.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` this binary runs too, as
    // a smoke test: one small pass in a debug build, no timing.
    let benching = std::env::args().any(|a| a == "--bench");
    let n = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(if benching { 10_000 } else { 500 });
    let runs = if benching { 20 } else { 1 };
    let src = script(n);
    let opts = ParseOptions::default();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let parsed = parse_script(&src, &opts).expect("the benchmark script parses");
            let elapsed = start.elapsed();
            assert_eq!(parsed.len(), n);
            elapsed
        })
        .collect();
    times.sort();
    if !benching {
        println!("parse bench smoke test: {n} statements parse (time with `cargo bench`)");
        return;
    }
    println!(
        "parse: {n} statements, {} bytes: best {:.2?}, median {:.2?}",
        src.len(),
        times[0],
        times[times.len() / 2]
    );
}

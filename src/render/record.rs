//! PRINT's records as text: ksqlDB's lines (`Key format: ...`, `Value format: ...`, then
//! `rowtime: 2026/12/01 10:00:00.000 Z, key: k, value: v, partition: 0`), long keys and values
//! cut to [`MAX_SHOWN`] characters and control characters escaped; or one compact JSON line
//! per record with everything whole. Pure.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::kafka::format::{Decoded, Printed};
use crate::secrets::escape_control;

/// Longest key or value shown in table output, in characters; JSON output has them whole.
pub const MAX_SHOWN: usize = 1000;

/// The table form of one record.
pub fn write_line(p: &Printed, w: &mut dyn Write) -> io::Result<()> {
    if let Some((key, value)) = &p.formats {
        writeln!(w, "Key format: {key}")?;
        writeln!(w, "Value format: {value}")?;
    }
    // Written piece by piece, without a String per field: PRINT writes this for every record.
    w.write_all(b"rowtime: ")?;
    write_rowtime(p.timestamp, w)?;
    w.write_all(b", key: ")?;
    write_shown(&p.key, w)?;
    w.write_all(b", value: ")?;
    write_shown(&p.value, w)?;
    writeln!(w, ", partition: {}", p.partition)
}

/// The JSON form of one record (`"type": "record"` added by the JSON renderer).
pub fn to_json(p: &Printed, doc: &mut Map<String, Value>) {
    let format = |d: &Decoded| d.format.map_or(Value::Null, |f| Value::String(f.label()));
    doc.insert("topic".into(), json!(p.topic));
    doc.insert("partition".into(), json!(p.partition));
    doc.insert("offset".into(), json!(p.offset));
    doc.insert("timestamp".into(), json!(p.timestamp));
    doc.insert("key".into(), p.key.json.clone());
    doc.insert("value".into(), p.value.json.clone());
    doc.insert("key_format".into(), format(&p.key));
    doc.insert("value_format".into(), format(&p.value));
    let headers: Map<String, Value> = p
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.json.clone()))
        .collect();
    doc.insert("headers".into(), Value::Object(headers));
}

/// A key or value for the table: cut, then escaped (a record must not drive the terminal).
fn write_shown(d: &Decoded, w: &mut dyn Write) -> io::Result<()> {
    // At most MAX_SHOWN bytes is at most MAX_SHOWN characters: no count needed.
    if d.text.len() <= MAX_SHOWN {
        return w.write_all(escape_control(&d.text).as_bytes());
    }
    let total = d.text.chars().count();
    if total <= MAX_SHOWN {
        return w.write_all(escape_control(&d.text).as_bytes());
    }
    let head: String = d.text.chars().take(MAX_SHOWN).collect();
    write!(
        w,
        "{} ... ({} more characters; --output json shows it whole)",
        escape_control(&head),
        total - MAX_SHOWN
    )
}

/// `2026/12/01 10:00:00.000 Z` (UTC), or `N/A` for a record without a timestamp.
pub fn rowtime(ms: i64) -> String {
    let mut out = Vec::with_capacity(25);
    write_rowtime(ms, &mut out).expect("writing to a Vec never fails");
    String::from_utf8(out).expect("the rowtime is ASCII")
}

/// [`rowtime`] written straight to `w`.
fn write_rowtime(ms: i64, w: &mut dyn Write) -> io::Result<()> {
    if ms < 0 {
        return w.write_all(b"N/A");
    }
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = crate::utc::civil_from_days(days);
    let secs = ms_of_day / 1000;
    write!(
        w,
        "{y:04}/{m:02}/{d:02} {:02}:{:02}:{:02}.{:03} Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        ms_of_day % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::format::decode;

    fn printed(key: Option<&[u8]>, value: Option<&[u8]>, formats: bool) -> Printed {
        let key = decode(key);
        let value = decode(value);
        let formats = formats.then(|| {
            (
                key.format.map_or("<null>".into(), |f| f.label()),
                value.format.map_or("<null>".into(), |f| f.label()),
            )
        });
        Printed {
            topic: "t".into(),
            partition: 0,
            offset: 7,
            timestamp: 1_796_119_200_000,
            key,
            value,
            headers: vec![("h".into(), decode(Some(b"v")))],
            formats,
        }
    }

    #[test]
    fn rowtime_is_utc_with_milliseconds() {
        assert_eq!(rowtime(0), "1970/01/01 00:00:00.000 Z");
        assert_eq!(rowtime(1_796_119_200_123), "2026/12/01 10:00:00.123 Z");
        assert_eq!(rowtime(951_782_400_000), "2000/02/29 00:00:00.000 Z");
        assert_eq!(rowtime(-1), "N/A");
    }

    #[test]
    fn lines_as_ksqldb_prints_them() {
        let mut out = Vec::new();
        write_line(&printed(Some(b"k1"), Some(br#"{"a":1}"#), true), &mut out).unwrap();
        write_line(&printed(None, Some(b"plain \x1b[2J text"), false), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r#"
        Key format: KAFKA_STRING
        Value format: JSON
        rowtime: 2026/12/01 10:00:00.000 Z, key: k1, value: {"a":1}, partition: 0
        rowtime: 2026/12/01 10:00:00.000 Z, key: <null>, value: 0x706c61696e201b5b324a2074657874, partition: 0
        "#);
    }

    #[test]
    fn large_values_are_cut_in_tables_and_whole_in_json() {
        let big = "x".repeat(5000);
        let p = printed(None, Some(big.as_bytes()), false);
        let mut out = Vec::new();
        write_line(&p, &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.len() < 1200, "{}", line.len());
        assert!(line.contains("... (4000 more characters"), "{line}");
        let mut doc = Map::new();
        to_json(&p, &mut doc);
        assert_eq!(doc["value"].as_str().unwrap().len(), 5000);
        assert_eq!(doc["value_format"], "KAFKA_STRING");
        assert_eq!(doc["key"], Value::Null);
        assert_eq!(doc["headers"], json!({"h": "v"}));
        assert_eq!(doc["offset"], 7);
    }
}

//! What a record's key or value bytes are, detected per record as ksqlDB's PRINT does: JSON
//! (Connect's JsonConverter schema envelope included), KAFKA_STRING, KAFKA_INT / KAFKA_BIGINT /
//! KAFKA_DOUBLE, a schema-registry frame (Avro, Protobuf or JSON Schema: magic byte 0 and a
//! 4-byte schema id, named with the id and shown as bytes), or plain bytes. Pure: bytes in,
//! [`Decoded`] out; the table renderer cuts and escapes, the JSON renderer takes `json`.

use serde_json::Value;

/// A detected format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    String,
    Int,
    BigInt,
    Double,
    /// Confluent's wire format: `0x00`, a big-endian schema id, then the payload.
    SchemaRegistry {
        id: u32,
        /// The payload is JSON text (JSON_SR); else Avro or Protobuf.
        json: bool,
    },
    Bytes,
}

impl Format {
    /// The name shown after `Key format:` / `Value format:` (ksqlDB's where it has one).
    pub fn label(self) -> String {
        match self {
            Format::Json => "JSON".into(),
            Format::String => "KAFKA_STRING".into(),
            Format::Int => "KAFKA_INT".into(),
            Format::BigInt => "KAFKA_BIGINT".into(),
            Format::Double => "KAFKA_DOUBLE".into(),
            Format::SchemaRegistry { id, json: true } => format!("JSON_SR (schema id {id})"),
            Format::SchemaRegistry { id, json: false } => {
                format!("AVRO or PROTOBUF (schema id {id})")
            }
            Format::Bytes => "BYTES".into(),
        }
    }
}

/// A key, value or header as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// `None` for a null key or value.
    pub format: Option<Format>,
    /// For tables: the text, a number, or `0x` and hex for bytes; `<null>` for null. Not yet
    /// cut or escaped.
    pub text: String,
    /// For JSON output: the decoded JSON, a string, a number, hex bytes, or null.
    pub json: Value,
}

/// What ksqlDB prints for null.
pub const NULL_TEXT: &str = "<null>";

/// The format of `bytes` and their text.
pub fn decode(bytes: Option<&[u8]>) -> Decoded {
    let Some(b) = bytes else {
        return Decoded {
            format: None,
            text: NULL_TEXT.into(),
            json: Value::Null,
        };
    };
    if let Some(text) = printable(b) {
        let trimmed = text.trim_start();
        if (trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"'))
            && let Ok(json) = serde_json::from_str::<Value>(text)
        {
            return Decoded {
                format: Some(Format::Json),
                text: text.to_string(),
                json,
            };
        }
        return Decoded {
            format: Some(Format::String),
            text: text.to_string(),
            json: Value::String(text.to_string()),
        };
    }
    // A 4- or 8-byte value is a number (KAFKA_INT, _BIGINT, _DOUBLE) before it is a frame;
    // schema ids start at 1.
    let id = match b {
        [0, a, b1, c, d, ..] if !matches!(b.len(), 4 | 8) => u32::from_be_bytes([*a, *b1, *c, *d]),
        _ => 0,
    };
    if id != 0 {
        let json = printable(&b[5..]).is_some_and(|t| serde_json::from_str::<Value>(t).is_ok());
        let hex = hex(b);
        return Decoded {
            format: Some(Format::SchemaRegistry { id, json }),
            json: Value::String(hex.clone()),
            text: hex,
        };
    }
    match b.len() {
        4 => {
            let n = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            number(Format::Int, n.into(), n.to_string())
        }
        8 => {
            let raw = [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]];
            let d = f64::from_be_bytes(raw);
            // A small long (`00 .. 00 05`) reads as a subnormal double: take it as a long.
            if d.is_normal() {
                let json = serde_json::Number::from_f64(d).map_or(Value::Null, Value::Number);
                Decoded {
                    format: Some(Format::Double),
                    text: d.to_string(),
                    json,
                }
            } else {
                let n = i64::from_be_bytes(raw);
                number(Format::BigInt, n.into(), n.to_string())
            }
        }
        _ => {
            let hex = hex(b);
            Decoded {
                format: Some(Format::Bytes),
                json: Value::String(hex.clone()),
                text: hex,
            }
        }
    }
}

fn number(format: Format, json: Value, text: String) -> Decoded {
    Decoded {
        format: Some(format),
        text,
        json,
    }
}

/// The bytes as text, when they are UTF-8 without control characters other than tab, CR and
/// newline (so `00 00 00 01` is a KAFKA_INT, not a string).
fn printable(b: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(b).ok()?;
    (!text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
    .then_some(text)
}

/// `0x` and lower-case hex.
fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(2 + b.len() * 2);
    out.push_str("0x");
    for byte in b {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn format(b: &[u8]) -> Option<Format> {
        decode(Some(b)).format
    }

    #[test]
    fn formats_are_detected_per_record() {
        assert_eq!(decode(None).text, "<null>");
        assert_eq!(decode(None).format, None);
        assert_eq!(format(b"hello world"), Some(Format::String));
        assert_eq!(format(b""), Some(Format::String));
        assert_eq!(format(b"42"), Some(Format::String));
        assert_eq!(format(br#"{"a": 1}"#), Some(Format::Json));
        assert_eq!(format(br#"[1, 2]"#), Some(Format::Json));
        assert_eq!(format(br#""a json string""#), Some(Format::Json));
        assert_eq!(format(b"{not json"), Some(Format::String));
        let envelope = br#"{"schema":{"type":"string","optional":false},"payload":"line 1"}"#;
        let d = decode(Some(envelope));
        assert_eq!(d.format, Some(Format::Json));
        assert_eq!(d.json["payload"], json!("line 1"));

        let d = decode(Some(&7i32.to_be_bytes()));
        assert_eq!(
            (d.format, d.text.as_str(), d.json),
            (Some(Format::Int), "7", json!(7))
        );
        let d = decode(Some(&(-5i64).to_be_bytes()));
        assert_eq!((d.format, d.json), (Some(Format::BigInt), json!(-5)));
        let d = decode(Some(&5i64.to_be_bytes()));
        assert_eq!(d.format, Some(Format::BigInt));
        let d = decode(Some(&1.5f64.to_be_bytes()));
        assert_eq!((d.format, d.text.as_str()), (Some(Format::Double), "1.5"));

        let avro = [0u8, 0, 0, 0, 42, 2, 0x06, b'a', b'b'];
        let d = decode(Some(&avro));
        assert_eq!(
            d.format,
            Some(Format::SchemaRegistry {
                id: 42,
                json: false
            })
        );
        assert_eq!(d.text, "0x000000002a02066162");
        assert_eq!(d.format.unwrap().label(), "AVRO or PROTOBUF (schema id 42)");
        let mut json_sr = vec![0u8, 0, 0, 1, 0];
        json_sr.extend_from_slice(br#"{"a":1}"#);
        assert_eq!(format(&json_sr).unwrap().label(), "JSON_SR (schema id 256)");

        let d = decode(Some(&[0xff, 0xfe, 0x01]));
        assert_eq!(
            (d.format, d.text.as_str()),
            (Some(Format::Bytes), "0xfffe01")
        );
        // Escape sequences are not "text": shown as bytes, never sent raw to a terminal.
        assert_eq!(format(b"\x1b[31mred!"), Some(Format::Bytes));
    }
}

/// One record as PRINT shows it (streamed one per output, see `exec/print.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// Milliseconds since the epoch; negative when the record has none.
    pub timestamp: i64,
    pub key: Decoded,
    pub value: Decoded,
    pub headers: Vec<(String, Decoded)>,
    /// Table form: the `Key format:` and `Value format:` to print before this record (the
    /// first record, and whenever the detected formats change).
    pub formats: Option<(String, String)>,
}

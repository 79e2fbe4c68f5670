//! Reading a jar (a zip file) just enough to see what a Connect plugin declares: the names of
//! its entries (from the zip's central directory) and the text of one small entry (stored or
//! deflated). Bounded on any input: entry counts, name lengths and inflated sizes are capped, a
//! malformed file is an error, never a panic. Writes nothing; knows nothing of Connect.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// A jar with more entries than this is read only up to it (the biggest plugin jars have a few
/// tens of thousands of classes).
const MAX_ENTRIES: usize = 200_000;
/// Service manifests are a few lines; anything larger is not read.
const MAX_ENTRY_BYTES: usize = 1 << 20;
/// The end-of-central-directory record sits in the last 64 KiB + 22 bytes (its comment).
const EOCD_SEARCH: u64 = 65_557;

/// One entry of the central directory.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    method: u16,
    compressed: u64,
    uncompressed: u64,
    local_offset: u64,
}

fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("not a readable jar: {what}"),
    )
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The entries of the jar at `path`, in directory order.
pub fn entries(path: &Path) -> io::Result<Vec<Entry>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let tail_len = len.min(EOCD_SEARCH);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| bad("no end of central directory"))?;
    let count = usize::from(u16_at(&tail, eocd + 10).ok_or_else(|| bad("short record"))?);
    let size = u64::from(u32_at(&tail, eocd + 12).ok_or_else(|| bad("short record"))?);
    let offset = u64::from(u32_at(&tail, eocd + 16).ok_or_else(|| bad("short record"))?);
    if offset.checked_add(size).is_none_or(|end| end > len) {
        return Err(bad("central directory outside the file"));
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut dir = vec![0u8; size as usize];
    file.read_exact(&mut dir)?;
    // Zip64 jars may say 0xffff entries; walk the directory itself rather than trust `count`.
    let _ = count;
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 46 <= dir.len() && out.len() < MAX_ENTRIES {
        if !dir[at..].starts_with(b"PK\x01\x02") {
            break;
        }
        let field = |o: usize| u32_at(&dir, at + o).map(u64::from).unwrap_or(0);
        let name_len = usize::from(u16_at(&dir, at + 28).unwrap_or(0));
        let extra_len = usize::from(u16_at(&dir, at + 30).unwrap_or(0));
        let comment_len = usize::from(u16_at(&dir, at + 32).unwrap_or(0));
        let name = dir
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad("entry name outside the directory"))?;
        out.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method: u16_at(&dir, at + 10).unwrap_or(0),
            compressed: field(20),
            uncompressed: field(24),
            local_offset: field(42),
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// The bytes of `entry` (stored or deflated), if it is at most [`MAX_ENTRY_BYTES`].
pub fn read(path: &Path, entry: &Entry) -> io::Result<Vec<u8>> {
    if entry.uncompressed > MAX_ENTRY_BYTES as u64 || entry.compressed > MAX_ENTRY_BYTES as u64 {
        return Err(bad("entry too large"));
    }
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(entry.local_offset))?;
    let mut header = [0u8; 30];
    file.read_exact(&mut header)?;
    if !header.starts_with(b"PK\x03\x04") {
        return Err(bad("no local header"));
    }
    let skip =
        u64::from(u16_at(&header, 26).unwrap_or(0)) + u64::from(u16_at(&header, 28).unwrap_or(0));
    file.seek(SeekFrom::Current(skip as i64))?;
    let mut data = vec![0u8; entry.compressed as usize];
    file.read_exact(&mut data)?;
    match entry.method {
        0 => Ok(data),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(&data, MAX_ENTRY_BYTES)
            .map_err(|_| bad("entry does not inflate")),
        _ => Err(bad("unknown compression method")),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal zip with stored entries (what tests need to stand for a jar).
    pub(crate) fn write_jar(path: &Path, files: &[(&str, &str)]) {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in files {
            let offset = out.len() as u32;
            let crc = 0u32; // not checked by the reader (nor by this test's use)
            let mut local = b"PK\x03\x04".to_vec();
            local.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            local.extend(crc.to_le_bytes());
            local.extend((body.len() as u32).to_le_bytes());
            local.extend((body.len() as u32).to_le_bytes());
            local.extend((name.len() as u16).to_le_bytes());
            local.extend(0u16.to_le_bytes());
            local.extend(name.as_bytes());
            local.extend(body.as_bytes());
            out.extend(&local);
            let mut c = b"PK\x01\x02".to_vec();
            c.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            c.extend(crc.to_le_bytes());
            c.extend((body.len() as u32).to_le_bytes());
            c.extend((body.len() as u32).to_le_bytes());
            c.extend((name.len() as u16).to_le_bytes());
            c.extend([0u8; 12]);
            c.extend(offset.to_le_bytes());
            c.extend(name.as_bytes());
            central.extend(c);
        }
        let dir_offset = out.len() as u32;
        out.extend(&central);
        out.extend(b"PK\x05\x06");
        out.extend([0u8; 4]);
        out.extend((files.len() as u16).to_le_bytes());
        out.extend((files.len() as u16).to_le_bytes());
        out.extend((central.len() as u32).to_le_bytes());
        out.extend(dir_offset.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        std::fs::write(path, out).unwrap();
    }

    #[test]
    fn lists_and_reads_entries() {
        let dir = tempfile::tempdir().unwrap();
        let jar = dir.path().join("a.jar");
        write_jar(
            &jar,
            &[("META-INF/services/x.Y", "a.B\n"), ("a/B.class", "cafe")],
        );
        let e = entries(&jar).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].name, "META-INF/services/x.Y");
        assert_eq!(read(&jar, &e[0]).unwrap(), b"a.B\n");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        for bytes in [
            &b""[..],
            b"PK\x05\x06",
            b"PK\x05\x06\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
            &[0u8; 100],
        ] {
            let jar = dir.path().join("bad.jar");
            std::fs::write(&jar, bytes).unwrap();
            assert!(entries(&jar).is_err() || entries(&jar).unwrap().is_empty());
        }
    }

    #[test]
    fn reads_kafkas_own_deflated_jars_when_present() {
        // Deflated entries from a real jar, when the Kafka cache exists on this machine.
        let Some(libs) = dirs::cache_dir().map(|d| d.join("kcsh/kafka-4.3.0/plugins/connect-file"))
        else {
            return;
        };
        let Some(jar) = std::fs::read_dir(&libs).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().contains("connect-file"))
        }) else {
            return;
        };
        let e = entries(&jar).unwrap();
        let manifest = e
            .iter()
            .find(|e| e.name == "META-INF/services/org.apache.kafka.connect.source.SourceConnector")
            .expect("connect-file declares its source");
        let text = String::from_utf8(read(&jar, manifest).unwrap()).unwrap();
        assert!(text.contains("FileStreamSourceConnector"), "{text}");
    }
}

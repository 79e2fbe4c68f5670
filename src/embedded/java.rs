//! Finds the `java` launcher (`$JAVA_HOME/bin/java`, else `java` on `PATH`) and checks that it
//! is Java 17 or newer, which Kafka 4.x brokers and Connect workers need. Starts no JVM itself
//! beyond `java -version`.

use std::path::PathBuf;
use std::process::Command;

use crate::error::Error;

/// The oldest Java that Kafka 4.x's broker and Connect run on (KIP-1032: Jetty 12 needs 17).
pub const MIN_MAJOR: u32 = 17;

/// A usable Java launcher.
#[derive(Debug, Clone)]
pub struct Java {
    pub path: PathBuf,
    pub version: String,
}

/// Locate Java and check its version.
pub fn find() -> Result<Java, Error> {
    let from_home = std::env::var_os("JAVA_HOME")
        .map(|h| PathBuf::from(h).join("bin").join("java"))
        .filter(|p| p.is_file());
    let path = from_home.unwrap_or_else(|| PathBuf::from("java"));
    let output = match Command::new(&path).arg("-version").output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::unreachable(format!(
                "cannot start the embedded cluster: Java was not found (looked for \
                 $JAVA_HOME/bin/java and `java` on PATH); Kafka 4.x needs Java {MIN_MAJOR} or \
                 newer. Fix: install it (on Debian/Ubuntu `apt-get install openjdk-17-jre-headless`) \
                 or set JAVA_HOME to a JDK {MIN_MAJOR}+ installation."
            )));
        }
        Err(e) => {
            return Err(Error::unreachable(format!(
                "cannot start the embedded cluster: running `{} -version` failed: {e}. Fix: \
                 check the Java installation or point JAVA_HOME at a JDK {MIN_MAJOR}+.",
                path.display()
            )));
        }
    };
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let Some((version, major)) = parse_version(&text) else {
        return Err(Error::unreachable(format!(
            "cannot start the embedded cluster: could not read the Java version from `{} \
             -version` (it printed {:?}). Fix: point JAVA_HOME at a JDK {MIN_MAJOR}+.",
            path.display(),
            text.lines().next().unwrap_or("")
        )));
    };
    if major < MIN_MAJOR {
        return Err(Error::unreachable(format!(
            "cannot start the embedded cluster: {} is Java {version}, but Kafka 4.x needs Java \
             {MIN_MAJOR} or newer. Fix: install Java {MIN_MAJOR}+ (on Debian/Ubuntu `apt-get \
             install openjdk-17-jre-headless`) and set JAVA_HOME to it.",
            path.display()
        )));
    }
    Ok(Java { path, version })
}

/// Read `version "17.0.15"` (or the old `"1.8.0_392"` form) out of `java -version` output.
pub fn parse_version(text: &str) -> Option<(String, u32)> {
    let start = text.find("version \"")? + "version \"".len();
    let rest = &text[start..];
    let version = &rest[..rest.find('"')?];
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let first: u32 = parts.next()?.parse().ok()?;
    let major = if first == 1 {
        parts.next()?.parse().ok()?
    } else {
        first
    };
    Some((version.to_string(), major))
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn reads_modern_and_legacy_versions() {
        let v17 = "openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment";
        assert_eq!(parse_version(v17), Some(("17.0.15".into(), 17)));
        assert_eq!(
            parse_version("java version \"1.8.0_392\""),
            Some(("1.8.0_392".into(), 8))
        );
        assert_eq!(
            parse_version("openjdk version \"21\" 2023-09-19"),
            Some(("21".into(), 21))
        );
        assert_eq!(
            parse_version("openjdk version \"11-ea\""),
            Some(("11-ea".into(), 11))
        );
        assert_eq!(parse_version("no version here"), None);
    }
}

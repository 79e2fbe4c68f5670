//! Where Kafka's jars come from: `--kafka-home DIR` / `KAFKA_HOME` (a Kafka tarball's `libs/`),
//! else a per-version cache filled once by Maven from Maven Central with the pom embedded in the
//! binary. The cache has the tarball's layout (`libs/`, plus `plugins/connect-file/`), so it can
//! itself be passed as a Kafka home. Only resolves and fetches; starts no Kafka process.

use std::path::{Path, PathBuf};

use crate::cli::EmbeddedArgs;
use crate::error::Error;

/// The Kafka release `--embedded` runs when neither `--kafka-version` nor a Kafka home is given.
pub const DEFAULT_KAFKA_VERSION: &str = "4.3.0";

/// Dependency fetcher (nothing is compiled): Kafka, Connect, MirrorMaker 2, the basic-auth REST
/// extension and a log4j2 SLF4J binding.
const POM: &str = include_str!("kafka-runtime.pom.xml");
use super::maven::{self, DEPENDENCY_PLUGIN};

/// How long the first fetch of Kafka's jars may take (a slow network, an empty Maven repo).
const FETCH_LIMIT: std::time::Duration = std::time::Duration::from_secs(1800);

/// A directory in Kafka's layout that a JVM can run from.
#[derive(Debug, Clone)]
pub struct KafkaJars {
    /// Holds `libs/*.jar` (and, for the cache, `plugins/`).
    pub home: PathBuf,
    pub version: String,
}

impl KafkaJars {
    pub fn libs(&self) -> PathBuf {
        self.home.join("libs")
    }

    /// The class path, as a wildcard the JVM expands (never the shell).
    pub fn classpath(&self) -> String {
        format!("{}/*", self.libs().display())
    }

    /// `plugins/` when it exists: the cache keeps `connect-file` there, off the class path. A
    /// Kafka tarball has no such directory and ships `connect-file` in `libs/` instead.
    pub fn plugin_path(&self) -> Option<PathBuf> {
        Some(self.home.join("plugins")).filter(|p| p.is_dir())
    }
}

/// Find or fetch the jars for these arguments; `progress` announces a fetch on a terminal.
pub fn resolve(args: &EmbeddedArgs, progress: &dyn Fn(&str)) -> Result<KafkaJars, Error> {
    if let Some(home) = &args.kafka_home {
        return from_home(home);
    }
    let version = args
        .kafka_version
        .clone()
        .unwrap_or_else(|| DEFAULT_KAFKA_VERSION.to_string());
    check_version(&version)?;
    let cache = cache_root()?.join(format!("kafka-{version}"));
    if cache.join("libs").is_dir() {
        return Ok(KafkaJars {
            home: cache,
            version,
        });
    }
    progress(&format!(
        "fetching Apache Kafka {version} jars from Maven Central into {} (first run only)",
        cache.display()
    ));
    fetch(&version, &cache)?;
    Ok(KafkaJars {
        home: cache,
        version,
    })
}

/// `<cache dir>/kcsh` (`~/.cache/kcsh` on Linux, honouring `XDG_CACHE_HOME`).
pub fn cache_root() -> Result<PathBuf, Error> {
    dirs::cache_dir().map(|d| d.join("kcsh")).ok_or_else(|| {
        Error::unreachable(
            "cannot start the embedded cluster: no cache directory is known for this user \
             (HOME is unset?). Fix: set HOME or XDG_CACHE_HOME, or pass --kafka-home DIR.",
        )
    })
}

fn check_version(version: &str) -> Result<(), Error> {
    let well_formed = !version.is_empty()
        && version
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !well_formed {
        return Err(Error::usage(format!(
            "--kafka-version {version:?} is not a version number like {DEFAULT_KAFKA_VERSION}"
        )));
    }
    if !version.starts_with("4.") {
        return Err(Error::usage(format!(
            "--kafka-version {version}: the embedded cluster runs Kafka 4.x only (it is set up \
             for KRaft and log4j2); use e.g. --kafka-version {DEFAULT_KAFKA_VERSION}"
        )));
    }
    Ok(())
}

fn from_home(home: &Path) -> Result<KafkaJars, Error> {
    let libs = home.join("libs");
    let entries = std::fs::read_dir(&libs).map_err(|e| {
        Error::unreachable(format!(
            "cannot start the embedded cluster: the Kafka home {} has no readable libs/ \
             directory ({e}). Fix: point --kafka-home (or KAFKA_HOME) at an unpacked Apache \
             Kafka 4.x release, or unset it to let kcsh fetch the jars.",
            home.display()
        ))
    })?;
    let version = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix("kafka-clients-")?.strip_suffix(".jar")?;
            (!rest.contains("test") && !rest.contains("sources")).then(|| rest.to_string())
        })
        .next()
        .ok_or_else(|| {
            Error::unreachable(format!(
                "cannot start the embedded cluster: {} holds no kafka-clients jar, so it is not \
                 a Kafka installation. Fix: point --kafka-home (or KAFKA_HOME) at an unpacked \
                 Apache Kafka 4.x release, or unset it to let kcsh fetch the jars.",
                libs.display()
            ))
        })?;
    if !version.starts_with("4.") {
        return Err(Error::unreachable(format!(
            "cannot start the embedded cluster: {} is Kafka {version}, but the embedded cluster \
             runs Kafka 4.x only. Fix: point --kafka-home at a Kafka 4.x release, or unset it \
             (and KAFKA_HOME) to let kcsh fetch Kafka {DEFAULT_KAFKA_VERSION}.",
            home.display()
        )));
    }
    Ok(KafkaJars {
        home: home.to_path_buf(),
        version,
    })
}

/// Fetch into a private staging directory, then rename it into place: a concurrent kcsh either
/// sees no cache or a complete one.
fn fetch(version: &str, dest: &Path) -> Result<(), Error> {
    let parent = dest.parent().expect("cache entries have a parent");
    std::fs::create_dir_all(parent).map_err(|e| {
        Error::unreachable(format!(
            "cannot start the embedded cluster: cannot create the cache directory {} ({e}). \
             Fix: make it writable, or pass --kafka-home DIR.",
            parent.display()
        ))
    })?;
    remove_abandoned_fetches(parent);
    let staging = parent.join(format!(".kafka-{version}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = fetch_into(version, &staging);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let _ = std::fs::remove_file(staging.join("pom.xml"));
    let _ = std::fs::remove_file(staging.join("maven.log"));
    if std::fs::rename(&staging, dest).is_err() {
        // Another kcsh finished the same fetch first; keep theirs.
        let _ = std::fs::remove_dir_all(&staging);
        if !dest.join("libs").is_dir() {
            return Err(Error::unreachable(format!(
                "cannot start the embedded cluster: could not move the fetched jars into {}. \
                 Fix: remove that directory and try again.",
                dest.display()
            )));
        }
    }
    Ok(())
}

/// Staging dirs of fetches whose kcsh died (Ctrl-C during the download) are removed.
pub(super) fn remove_abandoned_fetches(cache: &Path) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((_, pid)) = name.rsplit_once(".partial-") else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn fetch_into(version: &str, staging: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(staging.join("plugins/connect-file")).map_err(|e| {
        Error::unreachable(format!(
            "cannot start the embedded cluster: cannot create {} ({e}). Fix: make the cache \
             directory writable, or pass --kafka-home DIR.",
            staging.display()
        ))
    })?;
    let pom = staging.join("pom.xml");
    let log = staging.join("maven.log");
    std::fs::write(&pom, POM).map_err(|e| {
        Error::unreachable(format!(
            "cannot start the embedded cluster: cannot write {} ({e}).",
            pom.display()
        ))
    })?;
    let libs = format!("-DoutputDirectory={}", staging.join("libs").display());
    let plugins = format!(
        "-DoutputDirectory={}",
        staging.join("plugins/connect-file").display()
    );
    let kafka_version = format!("-Dkafka.version={version}");
    let pom_arg = pom.display().to_string();
    let copy_deps = format!("{DEPENDENCY_PLUGIN}:copy-dependencies");
    let copy = format!("{DEPENDENCY_PLUGIN}:copy");
    let connect_file = format!("-Dartifact=org.apache.kafka:connect-file:{version}");
    // Both steps run quietly, without colour, against our pom: `copy` needs no project, but
    // -f keeps Maven from picking up a pom in the current directory.
    let common = ["-B", "-q", "-Dstyle.color=never", "-f", pom_arg.as_str()];
    let steps: [Vec<&str>; 2] = [
        [
            &common[..],
            &[&kafka_version, &copy_deps, "-DincludeScope=runtime", &libs],
        ]
        .concat(),
        [&common[..], &[&copy, &connect_file, &plugins]].concat(),
    ];
    for args in steps {
        run_maven(&args, &log, version, staging)?;
    }
    Ok(())
}

fn run_maven(args: &[&str], log: &Path, version: &str, cwd: &Path) -> Result<(), Error> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let failure = match maven::run(&args, log, cwd, FETCH_LIMIT, None) {
        Ok(()) => return Ok(()),
        Err(f) => f,
    };
    let (status, cause, errors) = match failure {
        maven::Failure::NotInstalled => {
            return Err(Error::unreachable(format!(
                "cannot start the embedded cluster: Maven (`mvn`) was not found on PATH; kcsh \
                 uses it once to fetch Apache Kafka {version}'s jars from Maven Central. Fix: \
                 install it (on Debian/Ubuntu `apt-get install maven`), or pass --kafka-home DIR \
                 (or set KAFKA_HOME) to an unpacked Kafka 4.x release."
            )));
        }
        maven::Failure::Spawn(e) => {
            return Err(Error::unreachable(format!(
                "cannot start the embedded cluster: running Maven failed: {e}. Fix: check the \
                 Maven installation, or pass --kafka-home DIR."
            )));
        }
        maven::Failure::TimedOut(limit) => (
            format!("stopped after {} s", limit.as_secs()),
            maven::Cause::Unreachable,
            String::new(),
        ),
        maven::Failure::Cancelled => ("stopped".to_string(), maven::Cause::Other, String::new()),
        maven::Failure::Failed {
            status,
            cause,
            errors,
        } => (status, cause, errors),
    };
    let cause = match cause {
        maven::Cause::MissingArtifact => format!(
            "Maven Central has no Apache Kafka {version} (or one of its parts). Fix: pick an \
             existing 4.x release with --kafka-version (default {DEFAULT_KAFKA_VERSION})."
        ),
        maven::Cause::Unreachable => "Maven could not reach Maven Central (offline, or blocked \
             by a proxy). Fix: connect to the network (or configure Maven's proxy in \
             ~/.m2/settings.xml) and try again, or pass --kafka-home DIR (or set KAFKA_HOME) to \
             an unpacked Kafka 4.x release."
            .to_string(),
        maven::Cause::Other => "Fix: read Maven's output below, or pass --kafka-home DIR (or set \
             KAFKA_HOME) to an unpacked Kafka 4.x release."
            .to_string(),
    };
    Err(Error::unreachable(format!(
        "cannot start the embedded cluster: fetching Apache Kafka {version}'s jars with Maven \
         failed ({status}). {cause}\nMaven's errors:\n{}",
        super::diagnosis::indent(&errors)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_checked_before_any_fetch() {
        assert!(check_version("4.3.0").is_ok());
        assert!(check_version("4.1.0-rc1").is_ok());
        assert!(
            matches!(check_version("3.9.0"), Err(e) if e.is(crate::error::ErrorKind::Usage) && e.message.contains("4.x only"))
        );
        assert!(matches!(check_version("4..0"), Err(e) if e.is(crate::error::ErrorKind::Usage)));
        assert!(
            matches!(check_version("4.0/../x"), Err(e) if e.is(crate::error::ErrorKind::Usage))
        );
    }

    #[test]
    fn the_embedded_pom_is_a_pom_for_the_default_version() {
        assert!(POM.contains(&format!(
            "<kafka.version>{DEFAULT_KAFKA_VERSION}</kafka.version>"
        )));
        for artifact in [
            "connect-runtime",
            "connect-mirror",
            "connect-basic-auth-extension",
            "log4j-slf4j-impl",
        ] {
            assert!(POM.contains(artifact), "{artifact}");
        }
        assert!(
            !POM.contains("<artifactId>connect-file<"),
            "connect-file goes on plugin.path"
        );
    }

    #[test]
    fn a_kafka_home_needs_libs_with_kafka_clients() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            matches!(from_home(dir.path()), Err(e) if e.is(crate::error::ErrorKind::Unreachable) && e.message.contains("libs/"))
        );
        std::fs::create_dir(dir.path().join("libs")).unwrap();
        assert!(from_home(dir.path()).is_err());
        std::fs::write(dir.path().join("libs/kafka-clients-3.9.1.jar"), b"").unwrap();
        assert!(
            matches!(from_home(dir.path()), Err(e) if e.is(crate::error::ErrorKind::Unreachable) && e.message.contains("4.x only"))
        );
        std::fs::remove_file(dir.path().join("libs/kafka-clients-3.9.1.jar")).unwrap();
        std::fs::write(dir.path().join("libs/kafka-clients-4.1.0.jar"), b"").unwrap();
        let jars = from_home(dir.path()).unwrap();
        assert_eq!(jars.version, "4.1.0");
        assert_eq!(jars.plugin_path(), None);
        assert!(jars.classpath().ends_with("libs/*"));
    }
}

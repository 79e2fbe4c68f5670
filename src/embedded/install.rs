//! `INSTALL PLUGIN 'group:artifact:version'`, the fetch: into its own subdirectory of kcsh's
//! plugin cache (`<cache>/kcsh/plugins/<group>_<artifact>_<version>/`, one plugin per
//! subdirectory of that `plugin.path` entry), by the Maven step that fetches Kafka's jars.
//! Prefers the plugin archive the project publishes beside its jar (classifier `plugin`, type
//! `tar.gz`, e.g. Debezium's); where there is none, the artifact's runtime dependencies minus
//! what the worker provides (Kafka's artifacts and every jar on the worker's class path: a
//! plugin carrying its own Jackson fails at task start with `Jdk8Module not a subtype`).
//! A fetch runs in a private staging dir renamed into place, so the cache never holds half a
//! plugin. Restarts nothing: see `own.rs`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::maven::{self, Cause, DEPENDENCY_PLUGIN, Failure};
use super::plugins::{self, Plugin};
use crate::error::Error;

/// How long one Maven step may run.
const FETCH_LIMIT: Duration = Duration::from_secs(900);

/// `group:artifact:version`, each part a plain Maven identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinates {
    pub group: String,
    pub artifact: String,
    pub version: String,
}

impl FromStr for Coordinates {
    type Err = Error;

    fn from_str(s: &str) -> Result<Coordinates, Error> {
        let form = || {
            Error::usage(format!(
                "INSTALL PLUGIN needs Maven coordinates 'group:artifact:version', e.g. \
                 'io.debezium:debezium-connector-postgres:3.6.1.Final'; got {:?}",
                crate::secrets::escape_control(&s.chars().take(200).collect::<String>())
            ))
        };
        let parts: Vec<&str> = s.trim().split(':').collect();
        let [group, artifact, version] = parts[..] else {
            return Err(form());
        };
        // A part starts with a letter or digit (no `.`/`..` directory, no `-option`) and holds
        // only what Maven identifiers hold (no `/`, no version ranges).
        let plain = |p: &str| {
            p.len() <= 200
                && p.starts_with(|c: char| c.is_ascii_alphanumeric())
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        };
        if ![group, artifact, version].iter().all(|p| plain(p)) {
            return Err(form());
        }
        Ok(Coordinates {
            group: group.into(),
            artifact: artifact.into(),
            version: version.into(),
        })
    }
}

impl std::fmt::Display for Coordinates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.group, self.artifact, self.version)
    }
}

impl Coordinates {
    /// The plugin's directory name in the cache.
    pub fn dir_name(&self) -> String {
        format!("{}_{}_{}", self.group, self.artifact, self.version)
    }

    /// The plugin archive's coordinates (`group:artifact:version:tar.gz:plugin`).
    pub fn archive(&self) -> String {
        format!("{self}:tar.gz:plugin")
    }
}

/// Where a plugin of these coordinates lives in the plugin cache `cache`.
pub fn cached_dir(cache: &Path, coords: &Coordinates) -> PathBuf {
    cache.join(coords.dir_name())
}

/// How an installed plugin was put together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packaging {
    /// The project's plugin archive, unpacked.
    Archive,
    /// The runtime dependencies; `excluded` jars were left out as the worker provides them.
    Dependencies { excluded: usize },
    /// Already in the cache (an earlier install).
    Cached,
}

/// A plugin in the cache.
#[derive(Debug, Clone)]
pub struct Installed {
    pub dir: PathBuf,
    pub plugin: Plugin,
    pub packaging: Packaging,
}

/// What INSTALL PLUGIN would fetch, for EXPLAIN and dry runs.
pub fn describe_fetch(cache: &Path, coords: &Coordinates) -> String {
    let dir = cached_dir(cache, coords);
    if dir.is_dir() {
        format!(
            "use {coords} already in the plugin cache at {}",
            dir.display()
        )
    } else {
        format!(
            "fetch {} with Maven (else {coords} and its runtime dependencies minus the jars \
             the worker provides) into {}",
            coords.archive(),
            dir.display()
        )
    }
}

/// Fetch `coords` into the plugin cache `cache` unless it is there; `libs` is the worker's class path
/// directory (what it provides). Fails, leaving the cache as it was, when Maven fails or the
/// artifact declares no Connect plugin.
pub fn fetch(
    cache: &Path,
    coords: &Coordinates,
    libs: &Path,
    say: &dyn Fn(&str),
    stop: Option<&AtomicBool>,
) -> Result<Installed, Error> {
    let dest = cached_dir(cache, coords);
    if dest.is_dir() {
        return Ok(Installed {
            plugin: plugins::inspect(&dest),
            dir: dest,
            packaging: Packaging::Cached,
        });
    }
    let staging_root = cache.with_file_name("plugins-staging");
    for dir in [cache, staging_root.as_path()] {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::statement(format!("cannot create {} ({e})", dir.display())))?;
    }
    super::jars::remove_abandoned_fetches(&staging_root);
    let staging = staging_root.join(format!(
        "{}.partial-{}",
        coords.dir_name(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let result = fetch_into(coords, libs, &staging, say, stop);
    let installed = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let fetched = staging.join(coords.dir_name());
    let moved = std::fs::rename(&fetched, &dest);
    let _ = std::fs::remove_dir_all(&staging);
    if moved.is_err() && !dest.is_dir() {
        return Err(Error::statement(format!(
            "could not move the fetched plugin into {}",
            dest.display()
        )));
    }
    Ok(Installed {
        plugin: plugins::inspect(&dest),
        dir: dest,
        packaging: installed,
    })
}

fn fetch_into(
    coords: &Coordinates,
    libs: &Path,
    staging: &Path,
    say: &dyn Fn(&str),
    stop: Option<&AtomicBool>,
) -> Result<Packaging, Error> {
    let out = staging.join(coords.dir_name());
    std::fs::create_dir_all(&out)
        .map_err(|e| Error::statement(format!("cannot create {} ({e})", out.display())))?;
    let log = staging.join("maven.log");
    say(&format!("fetching {} …", coords.archive()));
    let mut args = maven::common_args(None);
    args.extend([
        format!("{DEPENDENCY_PLUGIN}:unpack"),
        format!("-Dartifact={}", coords.archive()),
        format!("-DoutputDirectory={}", out.display()),
    ]);
    let packaging = match maven::run(&args, &log, staging, FETCH_LIMIT, stop) {
        Ok(()) => Packaging::Archive,
        Err(Failure::Failed {
            cause: Cause::MissingArtifact,
            ..
        }) => {
            say(&format!(
                "{coords} publishes no plugin archive: fetching it and its runtime dependencies …"
            ));
            let _ = std::fs::remove_file(&log);
            let pom = staging.join("pom.xml");
            std::fs::write(&pom, dependency_pom(coords))
                .map_err(|e| Error::statement(format!("cannot write {} ({e})", pom.display())))?;
            let mut args = maven::common_args(Some(&pom));
            args.extend([
                format!("{DEPENDENCY_PLUGIN}:copy-dependencies"),
                "-DincludeScope=runtime".into(),
                "-DexcludeGroupIds=org.apache.kafka".into(),
                format!("-DoutputDirectory={}", out.display()),
            ]);
            maven::run(&args, &log, staging, FETCH_LIMIT, stop)
                .map_err(|f| maven_error(coords, f, true))?;
            Packaging::Dependencies {
                excluded: remove_provided(&out, libs),
            }
        }
        Err(f) => return Err(maven_error(coords, f, false)),
    };
    let plugin = plugins::inspect(&out);
    if plugin.declared.is_empty() {
        return Err(Error::statement(format!(
            "{coords} is no Kafka Connect plugin: none of its jars declares a connector, \
             converter, transform, predicate or config provider (META-INF/services); nothing \
             was installed"
        ))
        .with_hint(
            "a plugin without service manifests can still be loaded from a --plugin-path \
             directory (kcsh then lets the worker scan classes)",
        ));
    }
    Ok(packaging)
}

/// A pom whose only dependency is the plugin (`copy-dependencies` needs a project).
fn dependency_pom(coords: &Coordinates) -> String {
    format!(
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>\
         <groupId>kcsh.plugin</groupId><artifactId>install</artifactId><version>0</version>\
         <packaging>pom</packaging><dependencies><dependency><groupId>{}</groupId>\
         <artifactId>{}</artifactId><version>{}</version></dependency></dependencies></project>\n",
        coords.group, coords.artifact, coords.version
    )
}

fn maven_error(coords: &Coordinates, failure: Failure, dependencies: bool) -> Error {
    let what = if dependencies {
        format!("{coords} and its dependencies")
    } else {
        coords.archive()
    };
    let (detail, errors) = match failure {
        Failure::NotInstalled => {
            return Error::statement(
                "INSTALL PLUGIN fetches with Maven, and `mvn` is not on PATH; nothing was \
                 installed. Fix: install it (on Debian/Ubuntu `apt-get install maven`)",
            );
        }
        Failure::Spawn(e) => (format!("Maven could not be started: {e}"), String::new()),
        Failure::TimedOut(limit) => (
            format!(
                "Maven did not finish within {} s and was stopped",
                limit.as_secs()
            ),
            String::new(),
        ),
        Failure::Cancelled => ("cancelled".into(), String::new()),
        Failure::Failed { cause, errors, .. } => (
            match cause {
                Cause::MissingArtifact => {
                    format!("Maven Central has no {coords}: check the group, artifact and version")
                }
                Cause::Unreachable => "Maven could not reach Maven Central (offline, or \
                                       blocked by a proxy): connect, or configure Maven's \
                                       proxy in ~/.m2/settings.xml, and try again"
                    .into(),
                Cause::Other => "Maven failed".into(),
            },
            errors,
        ),
    };
    let mut message = format!(
        "fetching {what} failed: {detail}; nothing was installed and the worker was not restarted"
    );
    if !errors.is_empty() {
        message.push_str("\nMaven's errors:\n");
        message.push_str(&super::diagnosis::indent(&errors));
    }
    Error::statement(message)
}

/// The artifact id of a jar named `<artifactId>-<version>.jar` (how Maven and Kafka name
/// them): the version starts at the first `-` followed by a digit.
pub fn artifact_id(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_suffix(".jar")?;
    let bytes = stem.as_bytes();
    (1..bytes.len())
        .find(|&i| bytes[i - 1] == b'-' && bytes[i].is_ascii_digit())
        .map(|i| &stem[..i - 1])
}

/// Remove from `dir` every jar whose artifact the worker already has in `libs`; how many.
pub fn remove_provided(dir: &Path, libs: &Path) -> usize {
    let provided: HashSet<String> = std::fs::read_dir(libs)
        .map(|d| {
            d.flatten()
                .filter_map(|e| artifact_id(&e.file_name().to_string_lossy()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut removed = 0;
    for jar in plugins::jars_of(dir) {
        let name = jar
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if artifact_id(&name).is_some_and(|a| provided.contains(a))
            && std::fs::remove_file(&jar).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_three_plain_parts() {
        let c: Coordinates = "io.debezium:debezium-connector-postgres:3.6.1.Final"
            .parse()
            .unwrap();
        assert_eq!(c.group, "io.debezium");
        assert_eq!(
            c.dir_name(),
            "io.debezium_debezium-connector-postgres_3.6.1.Final"
        );
        assert_eq!(
            c.archive(),
            "io.debezium:debezium-connector-postgres:3.6.1.Final:tar.gz:plugin"
        );
        assert_eq!(
            c.to_string(),
            "io.debezium:debezium-connector-postgres:3.6.1.Final"
        );
        for bad in [
            "",
            "a:b",
            "a:b:c:d",
            "a::1",
            "../x:b:1",
            "a:b/c:1",
            "a:b:..",
            "a:-Dx=y:1",
            "a:b:[1.0,2.0)",
            "a:b:1\nx",
            "a b:c:1",
        ] {
            let e = bad.parse::<Coordinates>().unwrap_err();
            assert!(e.is(crate::error::ErrorKind::Usage), "{bad:?}");
            assert!(e.message.contains("group:artifact:version"), "{bad:?}");
        }
        assert!(
            " a:b:1 ".parse::<Coordinates>().is_ok(),
            "surrounding blanks are trimmed"
        );
    }

    #[test]
    fn artifact_ids_come_from_jar_names() {
        for (name, id) in [
            ("jackson-databind-2.21.2.jar", Some("jackson-databind")),
            ("kafka_2.13-4.3.0.jar", Some("kafka_2.13")),
            ("log4j-slf4j-impl-2.25.5.jar", Some("log4j-slf4j-impl")),
            ("zstd-jni-1.5.6-10.jar", Some("zstd-jni")),
            ("javassist-3.30.2-GA.jar", Some("javassist")),
            ("jose4j-0.9.6.jar", Some("jose4j")),
            ("noversion.jar", None),
            ("README.md", None),
        ] {
            assert_eq!(artifact_id(name), id, "{name}");
        }
    }

    #[test]
    fn jars_the_worker_provides_are_left_out() {
        let libs = tempfile::tempdir().unwrap();
        for jar in [
            "jackson-databind-2.21.2.jar",
            "kafka-clients-4.3.0.jar",
            "slf4j-api-1.7.36.jar",
        ] {
            std::fs::write(libs.path().join(jar), "").unwrap();
        }
        let plugin = tempfile::tempdir().unwrap();
        for jar in [
            "jackson-databind-2.17.0.jar",
            "slf4j-api-2.0.9.jar",
            "my-connector-1.0.jar",
            "postgresql-42.7.11.jar",
        ] {
            std::fs::write(plugin.path().join(jar), "").unwrap();
        }
        assert_eq!(remove_provided(plugin.path(), libs.path()), 2);
        let mut left: Vec<String> = std::fs::read_dir(plugin.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["my-connector-1.0.jar", "postgresql-42.7.11.jar"],
            "other versions of provided jars go too"
        );
    }

    #[test]
    fn the_dependency_pom_names_only_the_plugin() {
        let pom = dependency_pom(&"a.b:c:1.0".parse().unwrap());
        assert!(
            pom.contains("<groupId>a.b</groupId><artifactId>c</artifactId><version>1.0</version>")
        );
    }
}

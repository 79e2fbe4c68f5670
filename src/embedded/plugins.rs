//! The plugin path of the worker kcsh starts, and what its plugins declare. Owns: kcsh's plugin
//! cache (`<cache>/kcsh/plugins`, always on the embedded worker's `plugin.path`), checking the
//! `--plugin-path` directories, and the discovery question: under
//! `plugin.discovery=service_load` (fast) Connect sees only classes a jar declares in
//! `META-INF/services`, so a plugin without such manifests is invisible. [`Scan`] finds those
//! plugins and [`choose_discovery`] picks a mode that sees them. Reads jars; starts nothing.

use std::path::{Path, PathBuf};

use super::jar;
use crate::error::Error;

/// The service interfaces Connect loads plugins through (its `PluginType`s).
const SERVICES: &[&str] = &[
    "org.apache.kafka.connect.sink.SinkConnector",
    "org.apache.kafka.connect.source.SourceConnector",
    "org.apache.kafka.connect.storage.Converter",
    "org.apache.kafka.connect.storage.HeaderConverter",
    "org.apache.kafka.connect.transforms.Transformation",
    "org.apache.kafka.connect.transforms.predicates.Predicate",
    "org.apache.kafka.common.config.provider.ConfigProvider",
    "org.apache.kafka.connect.rest.ConnectRestExtension",
    "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy",
];

/// What kcsh's embedded worker uses when every plugin has service manifests: it starts in
/// seconds instead of scanning every class (see BENCHMARKS.md).
pub const FAST_DISCOVERY: &str = "service_load";
/// What it uses when some plugin has none: Connect scans classes too, and logs which plugins
/// lack manifests.
pub const SCANNING_DISCOVERY: &str = "hybrid_warn";

/// Bounds on walking a plugin directory (a plugin.path entry pointed at `/` must not hang).
const MAX_DEPTH: usize = 4;
const MAX_FILES: usize = 5_000;

/// `<cache>/kcsh/plugins`: where `INSTALL PLUGIN` puts each plugin in its own subdirectory.
pub fn cache_dir() -> Result<PathBuf, Error> {
    Ok(super::jars::cache_root()?.join("plugins"))
}

/// `--plugin-path` directories as absolute paths (the worker runs in another directory), each
/// an existing directory, or a usage error naming the one that is not.
pub fn user_dirs(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    dirs.iter()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| {
            let abs = d
                .canonicalize()
                .map_err(|e| Error::usage(format!("--plugin-path {}: {e}", d.display())))?;
            if !abs.is_dir() {
                return Err(Error::usage(format!(
                    "--plugin-path {}: not a directory (name the directory that holds one \
                     subdirectory per plugin)",
                    d.display()
                )));
            }
            if abs.to_string_lossy().contains(',') {
                return Err(Error::usage(format!(
                    "--plugin-path {}: Connect's plugin.path is comma-separated, so a directory \
                     whose path holds `,` cannot be listed; move or link it",
                    d.display()
                )));
            }
            Ok(abs)
        })
        .collect()
}

/// The `plugin.path` value for `entries`.
pub fn plugin_path_value(entries: &[PathBuf]) -> String {
    entries
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// One plugin as Connect sees it: a child of a `plugin.path` entry (a directory of jars, or a
/// single jar), and what its jars say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugin {
    pub location: PathBuf,
    /// Jars holding `.class` files.
    pub has_classes: bool,
    /// Classes declared in `META-INF/services/<Connect interface>` files, sorted.
    pub declared: Vec<String>,
    /// The declared source and sink connectors, sorted.
    pub connectors: Vec<String>,
}

impl Plugin {
    /// What shows that a worker loaded it: its connectors, else every class it declares.
    pub fn evidence(&self) -> &[String] {
        if self.connectors.is_empty() {
            &self.declared
        } else {
            &self.connectors
        }
    }

    /// Invisible under `service_load`: classes, but no declared plugin class.
    pub fn lacks_manifests(&self) -> bool {
        self.has_classes && self.declared.is_empty()
    }
}

/// The jars under `dir` (recursively, bounded), sorted, or `dir` itself if it is a jar.
pub fn jars_of(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    let mut seen = 0usize;
    while let Some((path, depth)) = stack.pop() {
        seen += 1;
        if seen > MAX_FILES {
            break;
        }
        if path.is_dir() {
            if depth < MAX_DEPTH
                && let Ok(entries) = std::fs::read_dir(&path)
            {
                stack.extend(entries.flatten().map(|e| (e.path(), depth + 1)));
            }
        } else if is_archive(&path) {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn is_archive(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jar") || e.eq_ignore_ascii_case("zip"))
}

/// Read what the jars of one plugin location declare.
pub fn inspect(location: &Path) -> Plugin {
    let mut has_classes = false;
    let mut declared = Vec::new();
    let mut connectors = Vec::new();
    for jar_path in jars_of(location) {
        let Ok(entries) = jar::entries(&jar_path) else {
            continue;
        };
        has_classes |= entries.iter().any(|e| e.name.ends_with(".class"));
        for entry in &entries {
            let Some(service) = entry.name.strip_prefix("META-INF/services/") else {
                continue;
            };
            if !SERVICES.contains(&service) {
                continue;
            }
            let Ok(bytes) = jar::read(&jar_path, entry) else {
                continue;
            };
            let classes: Vec<String> = service_classes(&String::from_utf8_lossy(&bytes)).collect();
            if service.ends_with("SinkConnector") || service.ends_with("SourceConnector") {
                connectors.extend(classes.iter().cloned());
            }
            declared.extend(classes);
        }
    }
    for list in [&mut declared, &mut connectors] {
        list.sort();
        list.dedup();
    }
    Plugin {
        location: location.to_path_buf(),
        has_classes,
        declared,
        connectors,
    }
}

/// The class names of a service file: one a line, `#` starts a comment.
fn service_classes(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
}

/// The plugins of a list of `plugin.path` entries, as Connect enumerates them.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub plugins: Vec<Plugin>,
}

impl Scan {
    pub fn of(entries: &[PathBuf]) -> Scan {
        let mut plugins = Vec::new();
        for entry in entries {
            let Ok(children) = std::fs::read_dir(entry) else {
                continue;
            };
            let mut children: Vec<PathBuf> = children
                .flatten()
                .map(|c| c.path())
                .filter(|p| p.is_dir() || is_archive(p))
                .collect();
            children.sort();
            plugins.extend(children.iter().map(|c| inspect(c)));
        }
        Scan { plugins }
    }

    /// The plugins `service_load` would not see.
    pub fn invisible(&self) -> Vec<&Path> {
        self.plugins
            .iter()
            .filter(|p| p.lacks_manifests())
            .map(|p| p.location.as_path())
            .collect()
    }
}

/// The discovery mode for kcsh's embedded worker and what to tell the user about it: the fast
/// mode when every plugin declares itself, else a scanning mode, with a note naming the
/// plugins that made the difference.
pub fn choose_discovery(scan: &Scan) -> (&'static str, Option<String>) {
    let invisible = scan.invisible();
    if invisible.is_empty() {
        return (FAST_DISCOVERY, None);
    }
    (
        SCANNING_DISCOVERY,
        Some(format!(
            "{} without service manifests (META-INF/services), which plugin.discovery={FAST_DISCOVERY} \
             cannot see: this worker scans classes instead (plugin.discovery={SCANNING_DISCOVERY}; \
             its start takes longer)",
            list(&invisible)
        )),
    )
}

/// The note for a worker whose discovery mode was chosen by the user: if it is `service_load`,
/// which plugins it will not see.
pub fn warn_if_invisible(scan: &Scan, discovery: &str) -> Option<String> {
    let invisible = scan.invisible();
    (discovery.trim() == FAST_DISCOVERY && !invisible.is_empty()).then(|| {
        format!(
            "{} without service manifests (META-INF/services): under \
             plugin.discovery={FAST_DISCOVERY} the worker will not list it. Fix: set \
             plugin.discovery={SCANNING_DISCOVERY}, or add the manifests (Connect's \
             connect-plugin-path tool can write them)",
            list(&invisible)
        )
    })
}

fn list(plugins: &[&Path]) -> String {
    let shown: Vec<String> = plugins
        .iter()
        .take(5)
        .map(|p| p.display().to_string())
        .collect();
    let more = plugins.len().saturating_sub(shown.len());
    let noun = if plugins.len() == 1 {
        "plugin"
    } else {
        "plugins"
    };
    if more > 0 {
        format!("{noun} {} and {more} more are", shown.join(", "))
    } else if plugins.len() == 1 {
        format!("{noun} {} is", shown.join(", "))
    } else {
        format!("{noun} {} are", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::super::jar::tests::write_jar;
    use super::*;

    #[test]
    fn a_plugin_without_manifests_is_found_and_switches_discovery() {
        let dir = tempfile::tempdir().unwrap();
        let declared = dir.path().join("declared");
        std::fs::create_dir(&declared).unwrap();
        write_jar(
            &declared.join("a.jar"),
            &[
                (
                    "META-INF/services/org.apache.kafka.connect.sink.SinkConnector",
                    "# comment\ncom.a.Sink # trailing\n\n",
                ),
                ("META-INF/services/java.sql.Driver", "org.Driver\n"),
                ("com/a/Sink.class", "x"),
            ],
        );
        let scan = Scan::of(&[dir.path().to_path_buf()]);
        assert_eq!(scan.plugins.len(), 1);
        assert_eq!(
            scan.plugins[0].declared,
            ["com.a.Sink"],
            "only Connect's services"
        );
        assert_eq!(choose_discovery(&scan), (FAST_DISCOVERY, None));
        assert_eq!(warn_if_invisible(&scan, "service_load"), None);

        write_jar(&dir.path().join("bare.jar"), &[("com/b/Src.class", "x")]);
        std::fs::write(dir.path().join("README"), "not a plugin").unwrap();
        let scan = Scan::of(&[dir.path().to_path_buf()]);
        assert_eq!(
            scan.plugins.len(),
            2,
            "a top-level jar is a plugin, a text file is not"
        );
        let (mode, note) = choose_discovery(&scan);
        assert_eq!(mode, SCANNING_DISCOVERY);
        let note = note.unwrap();
        assert!(
            note.contains("bare.jar is without service manifests"),
            "{note}"
        );
        assert!(
            warn_if_invisible(&scan, "service_load")
                .unwrap()
                .contains("bare.jar")
        );
        assert_eq!(warn_if_invisible(&scan, "hybrid_warn"), None);
    }

    #[test]
    fn a_directory_without_jars_is_no_invisible_plugin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        let scan = Scan::of(&[dir.path().to_path_buf(), dir.path().join("missing")]);
        assert!(scan.invisible().is_empty());
    }

    #[test]
    fn plugin_path_dirs_must_exist_and_become_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let ok = user_dirs(&[dir.path().to_path_buf()]).unwrap();
        assert!(ok[0].is_absolute());
        let missing = user_dirs(&[dir.path().join("nope")]).unwrap_err();
        assert!(missing.is(crate::error::ErrorKind::Usage) && missing.message.contains("nope"));
        std::fs::write(dir.path().join("f"), "").unwrap();
        assert!(
            user_dirs(&[dir.path().join("f")])
                .unwrap_err()
                .message
                .contains("not a directory")
        );
        let comma = dir.path().join("a,b");
        std::fs::create_dir(&comma).unwrap();
        assert!(user_dirs(&[comma]).unwrap_err().message.contains("comma"));
        assert_eq!(
            plugin_path_value(&[PathBuf::from("/a"), PathBuf::from("/b c")]),
            "/a,/b c"
        );
    }
}

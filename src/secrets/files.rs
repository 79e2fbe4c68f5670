//! The one warning about files that hold secrets: a contexts or password file readable by group
//! or others is reported on stderr, once per path per process. The only I/O in `secrets`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

static WARNED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// The warning for `path` when its mode lets group or others read it, else None (also on
/// platforms without Unix modes).
pub fn exposure_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o044 != 0).then(|| {
            format!(
                "warning: {} holds secrets and is readable by {} (mode {:o}); run: chmod 600 {}",
                path.display(),
                if mode & 0o004 != 0 {
                    "others"
                } else {
                    "its group"
                },
                mode & 0o777,
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Prints [`exposure_warning`] to stderr, once per path. Call it only for a file that holds a
/// secret (a password file; a contexts file with a password or token in it).
pub fn warn_if_exposed(path: &Path) {
    let Some(warning) = exposure_warning(path) else {
        return;
    };
    let first = WARNED
        .lock()
        .map(|mut w| w.insert(path.to_path_buf()))
        .unwrap_or(true);
    if first {
        eprintln!("{warning}");
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn group_or_world_readable_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("contexts.toml");
        std::fs::write(&path, "password = 'x'").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = exposure_warning(&path).unwrap();
        assert!(
            w.contains("readable by others") && w.contains("chmod 600"),
            "{w}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(exposure_warning(&path).unwrap().contains("its group"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(exposure_warning(&path), None);
    }
}

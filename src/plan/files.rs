//! What `-f` reads: each path as given (`-` is standard input), a directory as its `*.sql`
//! files in name order (byte order of the names; not recursive; dot files skipped). A file
//! reached twice (listed and inside a listed directory) is read once. Lists paths only: the
//! script driver reads them.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The script files `-f` names, in the order they run. A directory without a `*.sql` file,
/// or a path that is neither file nor directory, is a usage error (nothing runs).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if paths.iter().filter(|p| *p == Path::new("-")).count() > 1 {
        return Err(Error::usage("-f -: standard input can be read only once"));
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut push = |path: PathBuf, files: &mut Vec<PathBuf>| {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.contains(&key) {
            seen.push(key);
            files.push(path);
        }
    };
    for path in paths {
        if path == Path::new("-") || !path.is_dir() {
            // A missing file is reported when it is read, with the reason.
            push(path.clone(), &mut files);
            continue;
        }
        let in_dir = sql_files(path)?;
        if in_dir.is_empty() {
            return Err(Error::usage(format!(
                "{}: no *.sql files in this directory",
                path.display()
            )));
        }
        for file in in_dir {
            push(file, &mut files);
        }
    }
    Ok(files)
}

/// A directory's `*.sql` files (regular files, dot files skipped), sorted by name.
fn sql_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::usage(format!("cannot read directory {}: {e}", dir.display())))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry
            .map_err(|e| Error::usage(format!("cannot read directory {}: {e}", dir.display())))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text.starts_with('.') || !text.ends_with(".sql") {
            continue;
        }
        let path = entry.path();
        if path.is_file() {
            files.push((name, path));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, path)| path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_expand_to_their_sql_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            "b.sql",
            "a.sql",
            "10-x.sql",
            ".hidden.sql",
            "notes.txt",
            "c.sql.bak",
        ] {
            std::fs::write(d.join(name), "").unwrap();
        }
        std::fs::create_dir(d.join("sub.sql")).unwrap();
        let files = expand(&[d.to_path_buf()]).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["10-x.sql", "a.sql", "b.sql"]);
        // A file listed again (directly or through its directory) is read once.
        let again = expand(&[d.join("b.sql"), d.to_path_buf()]).unwrap();
        assert_eq!(again.len(), 3);
        assert_eq!(again[0], d.join("b.sql"));
    }

    #[test]
    fn empty_directories_and_stdin_twice_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = expand(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(e.to_string().contains("no *.sql files"), "{e}");
        let e = expand(&["-".into(), "-".into()]).unwrap_err();
        assert!(e.to_string().contains("only once"), "{e}");
        // Missing files pass through: reading them says why they cannot be read.
        assert_eq!(
            expand(&["nope.sql".into()]).unwrap(),
            [PathBuf::from("nope.sql")]
        );
    }
}

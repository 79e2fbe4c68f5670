//! The REPL's history file: where it lives (`<data dir>/kcsh/history`, or `KCSH_HISTORY`),
//! private to the user (mode 0600), and what goes in it: each statement with secret values
//! masked by the secrets module (through the lexer, so quoting and layout stay as typed).

use std::path::{Path, PathBuf};

/// Where history is kept: `KCSH_HISTORY` if set (empty disables history), else
/// `<data dir>/kcsh/history`.
pub fn path() -> Option<PathBuf> {
    match std::env::var_os("KCSH_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => dirs::data_dir().map(|d| d.join("kcsh").join("history")),
    }
}

/// Create the file (and its directory) if needed and make it readable by the user only.
pub fn prepare(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?;
    restrict(path)
}

/// Mode 0600, also for a file that existed before with wider permissions.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The statement text as history keeps it: secrets masked by [`crate::secrets::mask_statement`]
/// (secret keys' values, passwords in URLs, every `DEFINE`'s value).
pub fn mask_secrets(text: &str) -> String {
    crate::secrets::mask_statement(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_in_place() {
        let text = "CREATE SOURCE CONNECTOR j WITH (\n  'connection.url' = 'jdbc:x',\n  'connection.password' = 'hunter2', \"ssl.key.password\"='p''w');";
        let masked = mask_secrets(text);
        assert_eq!(
            masked,
            "CREATE SOURCE CONNECTOR j WITH (\n  'connection.url' = 'jdbc:x',\n  'connection.password' = '[hidden]', \"ssl.key.password\"='[hidden]');"
        );
    }

    #[test]
    fn defines_and_sets_of_secret_names_are_masked() {
        assert_eq!(
            mask_secrets("DEFINE db_password = 's3cret';"),
            "DEFINE db_password = '[hidden]';"
        );
        assert_eq!(
            mask_secrets("ALTER CONNECTOR c SET (aws.secret.access.key = 'abc');"),
            "ALTER CONNECTOR c SET (aws.secret.access.key = '[hidden]');"
        );
        assert_eq!(mask_secrets("SHOW CONNECTORS;"), "SHOW CONNECTORS;");
        assert_eq!(
            mask_secrets("CREATE CONNECTOR a WITH ('topic' = 'password');"),
            "CREATE CONNECTOR a WITH ('topic' = 'password');"
        );
    }

    #[test]
    fn a_defined_variable_used_as_a_secret_is_not_kept() {
        // The DEFINE comes first; kcsh cannot know yet that `${pw}` will be a password.
        assert_eq!(
            mask_secrets("DEFINE pw = 's3cret';"),
            "DEFINE pw = '[hidden]';"
        );
        assert_eq!(
            mask_secrets(
                "CREATE CONNECTOR j WITH ('connection.url' = 'jdbc:pg://h/d?user=u&password=pw');"
            ),
            "CREATE CONNECTOR j WITH ('connection.url' = 'jdbc:pg://h/d?user=u&password=[hidden]');"
        );
    }

    #[test]
    fn prepared_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("history");
        prepare(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

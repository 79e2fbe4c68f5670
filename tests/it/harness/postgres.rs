//! A throwaway PostgreSQL for the tests that need a real database (Debezium's source, the JDBC
//! sink): one instance per test binary, started on first use from Debian's packages (`initdb`,
//! `postgres`, `psql`), listening on loopback only on a free port, in its own temp data dir,
//! `wal_level=logical`, password auth over TCP. When the test binary exits (also after a test
//! panicked) it is stopped and its directory removed (`atexit`); if the binary is killed, the
//! kernel stops it (`PR_SET_PDEATHSIG`) and only its temp dir is left. As root, it runs as the
//! `postgres` user (PostgreSQL refuses to run as root). Knows nothing of Connect or Kafka.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The superuser the tests (and the connectors) log in as.
pub const USER: &str = "kcsh";
/// Its password: distinctive, so a test can check it never appears in what kcsh prints.
pub const PASSWORD: &str = "pg-Secret-e2e-7c1";
/// Overrides where `initdb`, `postgres` and `psql` are found (a `bin` directory).
pub const BIN_ENV: &str = "KCSH_TEST_PG_BIN";

/// The running instance: where it listens and how to reach it.
pub struct Postgres {
    bin: PathBuf,
    root: PathBuf,
    port: u16,
    pid: libc::pid_t,
}

/// Whether PostgreSQL's binaries are here. Without them a test that needs only PostgreSQL
/// prints `skipped` and returns false, or panics under `KCSH_TEST_REQUIRE_CLUSTER` (where
/// `scripts/test` has installed them). Use it through `require_postgres!()`.
pub fn available() -> bool {
    let Err(why) = bin_dir() else {
        return true;
    };
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    if std::env::var(super::cluster::REQUIRE_CLUSTER).is_ok_and(|v| !v.is_empty() && v != "0") {
        panic!("{test} needs PostgreSQL: {why}");
    }
    // Written to the stream itself, not through `eprintln!`, which libtest captures.
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
    false
}

/// The instance of this test binary, started on first use. Panics (with the reason and
/// PostgreSQL's log) when it cannot start; `scripts/test` installs the packages.
pub fn shared() -> &'static Postgres {
    static PG: OnceLock<Postgres> = OnceLock::new();
    PG.get_or_init(|| {
        let pg = Postgres::start().unwrap_or_else(|e| panic!("PostgreSQL did not start: {e}"));
        STARTED.get_or_init(|| (pg.pid, pg.root.clone()));
        // SAFETY: registers a plain `extern "C" fn` that takes no arguments.
        unsafe { libc::atexit(stop_at_exit) };
        pg
    })
}

/// What the `atexit` hook needs: the postmaster's pid and the directory to remove.
static STARTED: OnceLock<(libc::pid_t, PathBuf)> = OnceLock::new();

extern "C" fn stop_at_exit() {
    if let Some((pid, root)) = STARTED.get() {
        stop(*pid, Duration::from_secs(15));
        let _ = std::fs::remove_dir_all(root);
    }
}

/// Fast shutdown (SIGINT: roll back, disconnect, checkpoint), SIGKILL after `grace`; reaps.
fn stop(pid: libc::pid_t, grace: Duration) {
    // SAFETY: signals and reaps a child this process started.
    unsafe {
        libc::kill(pid, libc::SIGINT);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) != 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        libc::kill(pid, libc::SIGKILL);
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
}

impl Postgres {
    fn start() -> Result<Postgres, String> {
        let bin = bin_dir()?;
        let owner = owner()?;
        let root = tempfile::Builder::new()
            .prefix("kcsh-pg-")
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?
            .keep();
        let data = root.join("data");
        let pwfile = root.join("pwfile");
        std::fs::write(&pwfile, format!("{PASSWORD}\n")).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = owner {
            for path in [&root, &pwfile] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .map_err(|e| format!("chown {}: {e}", path.display()))?;
            }
        }

        let mut initdb = as_owner(Command::new(bin.join("initdb")), owner);
        initdb
            .arg("--pgdata")
            .arg(&data)
            .args(["--username", USER, "--encoding", "UTF8", "--no-sync"])
            .args(["--auth-host", "scram-sha-256", "--auth-local", "trust"])
            .arg(format!("--pwfile={}", pwfile.display()));
        let out = initdb.output().map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }

        let port = free_port();
        let log = root.join("postgres.log");
        let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = owner {
            let _ = std::os::unix::fs::chown(&log, Some(uid), Some(gid));
        }
        let mut postgres = as_owner(Command::new(bin.join("postgres")), owner);
        postgres
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "unix_socket_directories="])
            .args(["-c", "wal_level=logical"])
            .args(["-c", "max_wal_senders=10", "-c", "max_replication_slots=10"])
            // A throwaway: durability is not worth the disk time on a shared machine.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "shared_buffers=32MB"])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
            .stderr(log_file);
        let pid = spawn_for_process_lifetime(postgres)?;
        let pg = Postgres {
            bin,
            root,
            port,
            pid,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if pg.try_psql("postgres", "SELECT 1").is_ok() {
                return Ok(pg);
            }
            // SAFETY: polls our own child without blocking.
            let exited = unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) } != 0;
            if exited || Instant::now() > deadline {
                if !exited {
                    stop(pid, Duration::from_secs(5));
                }
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let _ = std::fs::remove_dir_all(&pg.root);
                return Err(format!(
                    "postgres did not accept connections; its log:\n{text}"
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The JDBC URL of database `db` (for the JDBC sink's `connection.url`).
    pub fn jdbc_url(&self, db: &str) -> String {
        format!("jdbc:postgresql://{}:{}/{db}", self.host(), self.port)
    }

    /// Creates database `db` (names made of `[a-z0-9_]`, as the tests use).
    pub fn create_database(&self, db: &str) {
        assert!(
            db.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "test database names are plain: {db}"
        );
        self.psql("postgres", &format!("CREATE DATABASE {db}"));
    }

    /// Runs `sql` in `db` with `psql` and returns its unaligned, tuples-only output (`|` between
    /// columns, one row a line); panics with psql's error when it fails.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.try_psql(db, sql)
            .unwrap_or_else(|e| panic!("psql in {db} failed: {sql}\n{e}"))
    }

    /// [`Postgres::psql`] returning the error instead. Bounded: 10 s to connect, 60 s a statement.
    pub fn try_psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", self.host(), "-p", &self.port.to_string()])
            .args(["-U", USER, "-d", db, "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .env("PGCONNECT_TIMEOUT", "10")
            .env("PGOPTIONS", "-c statement_timeout=60000")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

/// Where the PostgreSQL binaries are: [`BIN_ENV`], else the directory `initdb` on PATH resolves
/// to, else the newest `/usr/lib/postgresql/<major>/bin` (Debian keeps them off PATH).
fn bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os(BIN_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("initdb"))
            .find(|f| f.is_file())
            .and_then(|f| std::fs::canonicalize(f).ok())
            .and_then(|f| f.parent().map(Path::to_path_buf))
    });
    if let Some(dir) = on_path.filter(|d| d.join("postgres").is_file()) {
        return Ok(dir);
    }
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    majors.sort();
    majors.pop().map(|(_, bin)| bin).ok_or_else(|| {
        format!(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin; \
             set {BIN_ENV}): scripts/test installs Debian's postgresql package"
        )
    })
}

/// The uid and gid PostgreSQL runs as: `None` (this process's) unless we are root, then the
/// `postgres` user the package creates.
fn owner() -> Result<Option<(u32, u32)>, String> {
    // SAFETY: geteuid cannot fail; getpwnam returns a pointer into static storage, read at once.
    unsafe {
        if libc::geteuid() != 0 {
            return Ok(None);
        }
        let pw = libc::getpwnam(c"postgres".as_ptr());
        if pw.is_null() {
            return Err(
                "running as root, and there is no `postgres` user to run PostgreSQL \
                        as (Debian's postgresql package creates it)"
                    .into(),
            );
        }
        Ok(Some(((*pw).pw_uid, (*pw).pw_gid)))
    }
}

/// `cmd` run as `owner` (when set: root drops to it, supplementary groups cleared by std).
fn as_owner(mut cmd: Command, owner: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

/// Spawns `cmd` from a thread that lives as long as the process, with `PR_SET_PDEATHSIG`
/// (SIGQUIT: PostgreSQL's immediate shutdown), so the kernel stops it if the test binary dies
/// without running its `atexit` hooks. (The signal follows the *thread* that spawned the child;
/// a test's own thread ends with the test.) Returns the pid; the `atexit` hook reaps it.
fn spawn_for_process_lifetime(mut cmd: Command) -> Result<libc::pid_t, String> {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs between fork and exec, after std set the uid (a uid change
    // clears the death signal, so it must come after), and calls only prctl, getppid, _exit.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("postgres-keeper".into())
        .spawn(move || {
            let spawned = cmd.spawn().map(|child| child.id() as libc::pid_t);
            let _ = tx.send(spawned.map_err(|e| format!("postgres: {e}")));
            loop {
                std::thread::park();
            }
        })
        .map_err(|e| e.to_string())?;
    rx.recv().map_err(|e| e.to_string())?
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

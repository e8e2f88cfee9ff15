//! A private PostgreSQL cluster run from the server binaries already installed on the machine.
//!
//! `ctg serve` must work on a fresh machine without anyone provisioning a database first, and
//! the test suite needs a throwaway server it can create databases in. Rather than downloading a
//! PostgreSQL build at run time (the machines reach package registries only) or depending on a
//! system-wide service being configured, we drive `initdb`/`pg_ctl` ourselves on a directory we
//! own. The cluster listens on 127.0.0.1 only, on a port chosen at each start, and uses
//! scram-sha-256 with a random password kept next to it, so nothing else on the machine can use
//! it by accident.
//!
//! PostgreSQL refuses to run as root; when we are root every server-side command goes through
//! `runuser -u postgres` and the directory is handed over to that user.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};
use std::thread;
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::unistd::{Gid, Uid, User};

const DATABASE: &str = "ctg";
const SUPERUSER: &str = "postgres";
/// The OS account the server runs as when we are root.
const SERVER_OS_USER: &str = "postgres";
const VERSIONED_BIN_ROOT: &str = "/usr/lib/postgresql";
const LOG_TAIL_LINES: usize = 20;
/// `sun_path` is 108 bytes and PostgreSQL appends `/.s.PGSQL.NNNNN`; keep a margin.
const MAX_SOCKET_DIR_LEN: usize = 90;
/// A port picked as free can be taken by someone else before the server binds it.
const START_ATTEMPTS: usize = 3;
/// A cluster found running may still be replaying WAL or starting up.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Handle on a running private cluster.
pub struct EmbeddedPostgres {
    database_url: String,
    admin_url: String,
    port: u16,
    data_dir: PathBuf,
}

// Hand-written so the URLs, which carry the password, never end up in logs.
impl fmt::Debug for EmbeddedPostgres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedPostgres")
            .field("port", &self.port)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH nor under \
         /usr/lib/postgresql/*/bin: install them (Debian/Ubuntu: `apt-get install postgresql`) \
         or set DATABASE_URL to an existing database."
    )]
    NoBinaries,

    #[error(
        "the psql client was not found next to pg_ctl, on PATH nor at /usr/bin/psql: install it \
         (Debian/Ubuntu: `apt-get install postgresql-client`) or set DATABASE_URL to an existing \
         database."
    )]
    NoPsql,

    #[error(
        "running as root, but there is no `{SERVER_OS_USER}` system user to run PostgreSQL as \
         (it refuses to run as root): install the `postgresql` package, which creates it, or run \
         as an unprivileged user, or set DATABASE_URL to an existing database."
    )]
    NoPostgresUser,

    #[error(
        "the `{SERVER_OS_USER}` user cannot reach {dir}: every parent directory must be \
         traversable by it (chmod o+x), or choose a directory elsewhere (e.g. under /var/tmp)"
    )]
    Unreachable { dir: PathBuf },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },

    #[error("could not run `{command}`: {source}")]
    Spawn {
        command: String,
        #[source]
        source: io::Error,
    },

    #[error("`{command}` failed ({status}):\n{output}")]
    Command {
        command: String,
        status: String,
        output: String,
    },

    #[error("`{command}` failed ({status}); last lines of {log}:\n{tail}")]
    StartFailed {
        command: String,
        status: String,
        log: PathBuf,
        tail: String,
    },

    #[error(
        "{data} holds a cluster but its password file {password} is missing or empty: remove {dir} \
         to start over with a fresh cluster"
    )]
    MissingPassword {
        data: PathBuf,
        password: PathBuf,
        dir: PathBuf,
    },

    #[error("could not read the server port from {path}: {reason}")]
    PidFile { path: PathBuf, reason: String },
}

impl EmbeddedPostgres {
    /// Starts the cluster kept under `dir` (creating it with initdb on first use), or finds it
    /// already running, and returns a handle. Idempotent.
    pub fn start(dir: &Path) -> Result<Self, EmbeddedError> {
        let bins = Binaries::find()?;
        let runner = Runner::current()?;
        let layout = Layout::new(absolute_dir(dir, true)?);
        runner.prepare_dir(&layout.dir)?;
        // Two processes starting the same cluster would race on initdb, on the port and on
        // CREATE DATABASE.
        let _lock = lock(&layout)?;

        if !layout.data.join("PG_VERSION").exists() {
            init_cluster(&layout, &bins, &runner)?;
        } else {
            // A cluster created by an earlier run as another user (or restored from a copy)
            // must belong to the user the server runs as.
            runner.chown(&layout.data)?;
        }
        let password = read_password(&layout)?;

        let port = if is_running(&layout, &bins, &runner)? {
            let port = read_port(&layout.data.join("postmaster.pid"))?;
            tracing::info!(port, dir = %layout.dir.display(), "embedded PostgreSQL already running");
            port
        } else {
            start_server(&layout, &bins, &runner)?
        };

        let psql = bins.psql()?;
        wait_until_ready(&psql, port, &password)?;
        ensure_database(&psql, port, &password)?;

        Ok(Self {
            database_url: url(&password, port, DATABASE),
            admin_url: url(&password, port, "postgres"),
            port,
            data_dir: layout.data,
        })
    }

    /// postgres://... URL of the `ctg` database in this cluster (database created if missing).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// URL of the `postgres` maintenance database (tests create their own databases through it).
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// Whether the cluster under `dir` is running (a command that starts it for a moment
    /// stops it afterwards only when it was not).
    pub fn is_running(dir: &Path) -> Result<bool, EmbeddedError> {
        if !dir.exists() {
            return Ok(false);
        }
        let layout = Layout::new(absolute_dir(dir, false)?);
        if !layout.data.join("PG_VERSION").exists() {
            return Ok(false);
        }
        let bins = Binaries::find()?;
        let runner = Runner::current()?;
        is_running(&layout, &bins, &runner)
    }

    /// Stops the cluster (pg_ctl stop -m fast). Safe to call when already stopped.
    pub fn stop(dir: &Path) -> Result<(), EmbeddedError> {
        if !dir.exists() {
            return Ok(());
        }
        let layout = Layout::new(absolute_dir(dir, false)?);
        if !layout.data.join("PG_VERSION").exists() {
            return Ok(());
        }
        let bins = Binaries::find()?;
        let runner = Runner::current()?;
        let _lock = lock(&layout)?;
        if !is_running(&layout, &bins, &runner)? {
            return Ok(());
        }
        let mut cmd = runner.command(&bins.pg_ctl, &layout.dir);
        cmd.arg("-D")
            .arg(&layout.data)
            .args(["-m", "fast", "-w", "-t", "60", "stop"]);
        let described = describe(&cmd);
        let out = output(&mut cmd, &described)?;
        // It may have exited on its own between the status check and the stop.
        if !out.status.success() && is_running(&layout, &bins, &runner)? {
            return Err(command_failed(described, out.status, &out));
        }
        tracing::info!(dir = %layout.dir.display(), "embedded PostgreSQL stopped");
        Ok(())
    }
}

struct Layout {
    dir: PathBuf,
    data: PathBuf,
    password: PathBuf,
    log: PathBuf,
    socket: PathBuf,
    lock: PathBuf,
}

impl Layout {
    fn new(dir: PathBuf) -> Self {
        Self {
            data: dir.join("data"),
            password: dir.join("password"),
            log: dir.join("postgres.log"),
            socket: dir.join("socket"),
            lock: dir.join("lock"),
            dir,
        }
    }
}

/// pg_ctl runs the server from the data directory and resolves paths against it, and the
/// directory is handed to another user when we are root: both need an absolute path.
fn absolute_dir(dir: &Path, create: bool) -> Result<PathBuf, EmbeddedError> {
    if create {
        fs::create_dir_all(dir).map_err(|e| io_err(format!("creating {}", dir.display()), e))?;
    }
    fs::canonicalize(dir).map_err(|e| io_err(format!("resolving {}", dir.display()), e))
}

struct Binaries {
    pg_ctl: PathBuf,
    initdb: PathBuf,
}

impl Binaries {
    fn find() -> Result<Self, EmbeddedError> {
        if let (Some(pg_ctl), Some(initdb)) = (on_path("pg_ctl"), on_path("initdb")) {
            return Ok(Self { pg_ctl, initdb });
        }
        let names = fs::read_dir(VERSIONED_BIN_ROOT)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|name| {
                        let bin = Path::new(VERSIONED_BIN_ROOT).join(name).join("bin");
                        bin.join("pg_ctl").is_file() && bin.join("initdb").is_file()
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let version = highest_version(&names).ok_or(EmbeddedError::NoBinaries)?;
        let bin = Path::new(VERSIONED_BIN_ROOT).join(version).join("bin");
        Ok(Self {
            pg_ctl: bin.join("pg_ctl"),
            initdb: bin.join("initdb"),
        })
    }

    /// A psql of the server's own version is preferred; any client speaks the protocol for the
    /// two statements we need.
    fn psql(&self) -> Result<PathBuf, EmbeddedError> {
        let mut candidates = Vec::new();
        if let Some(dir) = self.pg_ctl.parent() {
            candidates.push(dir.join("psql"));
        }
        // /usr/local/bin/pg_ctl is often a symlink into /usr/lib/postgresql/N/bin.
        if let Some(dir) = fs::canonicalize(&self.pg_ctl)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            candidates.push(dir.join("psql"));
        }
        candidates.extend(on_path("psql"));
        candidates.push(PathBuf::from("/usr/bin/psql"));
        candidates
            .into_iter()
            .find(|p| p.is_file())
            .ok_or(EmbeddedError::NoPsql)
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// Picks the newest of the `/usr/lib/postgresql/<version>` directory names, comparing numerically
/// so that 10 beats 9.6.
fn highest_version(names: &[String]) -> Option<&str> {
    names
        .iter()
        .filter_map(|name| {
            let parts = name
                .split('.')
                .map(|p| p.parse::<u32>().ok())
                .collect::<Option<Vec<_>>>()?;
            Some((parts, name.as_str()))
        })
        .max()
        .map(|(_, name)| name)
}

/// Who runs the server-side commands: ourselves, or the `postgres` user when we are root.
enum Runner {
    Direct,
    AsServerUser { uid: Uid, gid: Gid },
}

impl Runner {
    fn current() -> Result<Self, EmbeddedError> {
        if !nix::unistd::geteuid().is_root() {
            return Ok(Self::Direct);
        }
        let user = User::from_name(SERVER_OS_USER)
            .map_err(|e| io_err(format!("looking up user {SERVER_OS_USER}"), e.into()))?
            .ok_or(EmbeddedError::NoPostgresUser)?;
        Ok(Self::AsServerUser {
            uid: user.uid,
            gid: user.gid,
        })
    }

    /// `program` run as the server's user, from `cwd` (our own working directory may not be
    /// readable by that user, which initdb and pg_ctl complain about).
    fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut cmd = match self {
            Self::Direct => Command::new(program),
            Self::AsServerUser { .. } => {
                let mut cmd = Command::new(runuser());
                cmd.args(["-u", SERVER_OS_USER, "--"]).arg(program);
                cmd
            }
        };
        cmd.current_dir(cwd);
        cmd
    }

    fn chown(&self, path: &Path) -> Result<(), EmbeddedError> {
        if let Self::AsServerUser { uid, gid } = self {
            nix::unistd::chown(path, Some(*uid), Some(*gid)).map_err(|e| {
                io_err(
                    format!("handing {} to user {SERVER_OS_USER}", path.display()),
                    e.into(),
                )
            })?;
        }
        Ok(())
    }

    fn prepare_dir(&self, dir: &Path) -> Result<(), EmbeddedError> {
        if let Self::AsServerUser { .. } = self {
            self.chown(dir)?;
            // The usual trap is a parent such as /root that only root may traverse; initdb's
            // own message for it does not say which directory is at fault.
            let mut cmd = self.command(Path::new("test"), Path::new("/"));
            cmd.arg("-w").arg(dir).args(["-a", "-x"]).arg(dir);
            let described = describe(&cmd);
            if !output(&mut cmd, &described)?.status.success() {
                return Err(EmbeddedError::Unreachable {
                    dir: dir.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

/// Root's PATH does not always include the sbin directories (e.g. under `env PATH=...`).
fn runuser() -> PathBuf {
    on_path("runuser")
        .or_else(|| {
            ["/usr/sbin/runuser", "/sbin/runuser"]
                .into_iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from("runuser"))
}

fn lock(layout: &Layout) -> Result<Flock<File>, EmbeddedError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&layout.lock)
        .map_err(|e| io_err(format!("opening {}", layout.lock.display()), e))?;
    Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, errno)| {
        io_err(
            format!("locking {}", layout.lock.display()),
            io::Error::from(errno),
        )
    })
}

fn init_cluster(layout: &Layout, bins: &Binaries, runner: &Runner) -> Result<(), EmbeddedError> {
    let password = uuid::Uuid::new_v4().simple().to_string();
    write_private(&layout.password, &password)?;

    // initdb reads the password from a file so it never appears in a process listing; the file
    // sits in our directory so the server user can read it.
    let pwfile = layout.dir.join("initdb-pwfile");
    write_private(&pwfile, &password)?;
    let result = runner.chown(&pwfile).and_then(|()| {
        let mut cmd = runner.command(&bins.initdb, &layout.dir);
        cmd.arg("-D")
            .arg(&layout.data)
            .args(["-U", SUPERUSER, "--auth=scram-sha-256"])
            .arg(pwfile_arg(&pwfile))
            .args(["-E", "UTF8", "--locale=C.UTF-8"]);
        let described = describe(&cmd);
        tracing::info!(dir = %layout.dir.display(), "creating embedded PostgreSQL cluster");
        let out = output(&mut cmd, &described)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(command_failed(described, out.status, &out))
        }
    });
    let _ = fs::remove_file(&pwfile);
    if result.is_err() {
        // Without a cluster the password is meaningless, and a stale one would be taken for the
        // next cluster's.
        let _ = fs::remove_file(&layout.password);
    }
    result
}

fn pwfile_arg(pwfile: &Path) -> std::ffi::OsString {
    let mut arg = std::ffi::OsString::from("--pwfile=");
    arg.push(pwfile);
    arg
}

fn write_private(path: &Path, contents: &str) -> Result<(), EmbeddedError> {
    let _ = fs::remove_file(path);
    OpenOptions::new()
        .create_new(true)
        .write(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(contents.as_bytes()))
        .map_err(|e| io_err(format!("writing {}", path.display()), e))
}

fn read_password(layout: &Layout) -> Result<String, EmbeddedError> {
    let missing = || EmbeddedError::MissingPassword {
        data: layout.data.clone(),
        password: layout.password.clone(),
        dir: layout.dir.clone(),
    };
    match fs::read_to_string(&layout.password) {
        Ok(p) if !p.trim().is_empty() => Ok(p.trim().to_owned()),
        Ok(_) => Err(missing()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(missing()),
        Err(e) => Err(io_err(format!("reading {}", layout.password.display()), e)),
    }
}

fn is_running(layout: &Layout, bins: &Binaries, runner: &Runner) -> Result<bool, EmbeddedError> {
    let mut cmd = runner.command(&bins.pg_ctl, &layout.dir);
    cmd.arg("-D").arg(&layout.data).arg("status");
    let described = describe(&cmd);
    let out = output(&mut cmd, &described)?;
    // 0: running; 3: not running; anything else means pg_ctl could not tell.
    match out.status.code() {
        Some(0) => Ok(true),
        Some(3) => Ok(false),
        _ => Err(command_failed(described, out.status, &out)),
    }
}

fn start_server(layout: &Layout, bins: &Binaries, runner: &Runner) -> Result<u16, EmbeddedError> {
    let socket_dir = socket_dir(&layout.socket);
    if socket_dir == layout.socket {
        fs::create_dir_all(&layout.socket)
            .map_err(|e| io_err(format!("creating {}", layout.socket.display()), e))?;
        runner.chown(&layout.socket)?;
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let port = free_port()?;
        let log_start = fs::metadata(&layout.log).map(|m| m.len()).unwrap_or(0);
        let mut cmd = runner.command(&bins.pg_ctl, &layout.dir);
        cmd.arg("-D")
            .arg(&layout.data)
            .arg("-l")
            .arg(&layout.log)
            .args(["-w", "-t", "60", "-o"])
            .arg(server_options(port, &socket_dir))
            .arg("start");
        let described = describe(&cmd);
        tracing::info!(port, dir = %layout.dir.display(), "starting embedded PostgreSQL");
        let out = output(&mut cmd, &described)?;
        if out.status.success() {
            return Ok(port);
        }
        let new_log = fs::read(&layout.log)
            .ok()
            .and_then(|bytes| {
                let start = usize::try_from(log_start).ok()?;
                Some(String::from_utf8_lossy(bytes.get(start..)?).into_owned())
            })
            .unwrap_or_default();
        if attempt < START_ATTEMPTS && new_log.contains("could not bind") {
            tracing::warn!(port, "port taken before the server could bind it; retrying");
            continue;
        }
        // Lines from earlier runs only mislead; fall back to them if this run wrote nothing.
        let log = if new_log.trim().is_empty() {
            fs::read_to_string(&layout.log).unwrap_or_default()
        } else {
            new_log
        };
        let mut tail = log_tail(&log, LOG_TAIL_LINES);
        let pg_ctl_out = combined_output(&out);
        if !pg_ctl_out.is_empty() {
            tail = format!("{tail}\n(pg_ctl said: {pg_ctl_out})");
        }
        return Err(EmbeddedError::StartFailed {
            command: described,
            status: out.status.to_string(),
            log: layout.log.clone(),
            tail,
        });
    }
}

/// Binding port 0 lets the kernel pick a free port; we release it straight away for the server.
fn free_port() -> Result<u16, EmbeddedError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| io_err("finding a free port on 127.0.0.1".into(), e))
}

/// The socket goes inside our directory when its path fits a unix socket address, so that
/// clusters never collide there; otherwise /tmp, where the port keeps names apart.
fn socket_dir(preferred: &Path) -> PathBuf {
    let fits = preferred.as_os_str().len() < MAX_SOCKET_DIR_LEN;
    if fits && preferred.to_str().is_some_and(|s| !s.contains('\'')) {
        preferred.to_path_buf()
    } else {
        PathBuf::from("/tmp")
    }
}

/// pg_ctl hands `-o` to a shell, hence the quoting of the socket path.
fn server_options(port: u16, socket_dir: &Path) -> String {
    format!(
        "-p {port} -c listen_addresses=127.0.0.1 -k '{}'",
        socket_dir.display()
    )
}

fn read_port(pid_file: &Path) -> Result<u16, EmbeddedError> {
    let text = fs::read_to_string(pid_file)
        .map_err(|e| io_err(format!("reading {}", pid_file.display()), e))?;
    port_from_pid_file(&text).ok_or_else(|| EmbeddedError::PidFile {
        path: pid_file.to_path_buf(),
        reason: "line 4 is not a port number".into(),
    })
}

/// postmaster.pid: pid, data directory, start time, port, socket directory, listen address, ...
fn port_from_pid_file(text: &str) -> Option<u16> {
    text.lines().nth(3)?.trim().parse().ok().filter(|&p| p != 0)
}

fn psql_command(psql: &Path, port: u16, password: &str, sql: &str) -> Command {
    let mut cmd = Command::new(psql);
    cmd.args(["-X", "-w", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
        .arg("-p")
        .arg(port.to_string())
        .args(["-U", SUPERUSER, "-d", "postgres", "-tAc", sql])
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "5")
        // A user's service file or SSL settings must not redirect us elsewhere.
        .env_remove("PGSERVICE")
        .env_remove("PGSSLMODE")
        .env_remove("PGOPTIONS");
    cmd
}

fn wait_until_ready(psql: &Path, port: u16, password: &str) -> Result<(), EmbeddedError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let mut cmd = psql_command(psql, port, password, "SELECT 1");
        let described = describe(&cmd);
        let out = output(&mut cmd, &described)?;
        if out.status.success() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(command_failed(described, out.status, &out));
        }
        thread::sleep(Duration::from_millis(250));
    }
}

fn ensure_database(psql: &Path, port: u16, password: &str) -> Result<(), EmbeddedError> {
    let exists_sql = format!("SELECT 1 FROM pg_database WHERE datname='{DATABASE}'");
    let mut cmd = psql_command(psql, port, password, &exists_sql);
    let described = describe(&cmd);
    let out = output(&mut cmd, &described)?;
    if !out.status.success() {
        return Err(command_failed(described, out.status, &out));
    }
    if String::from_utf8_lossy(&out.stdout).trim() == "1" {
        return Ok(());
    }
    let mut cmd = psql_command(psql, port, password, &format!("CREATE DATABASE {DATABASE}"));
    let described = describe(&cmd);
    let out = output(&mut cmd, &described)?;
    if !out.status.success() {
        return Err(command_failed(described, out.status, &out));
    }
    tracing::info!(
        database = DATABASE,
        "created database in embedded PostgreSQL"
    );
    Ok(())
}

fn url(password: &str, port: u16, database: &str) -> String {
    format!("postgres://{SUPERUSER}:{password}@127.0.0.1:{port}/{database}")
}

fn output(cmd: &mut Command, described: &str) -> Result<Output, EmbeddedError> {
    tracing::debug!(command = described, "running");
    cmd.output().map_err(|source| EmbeddedError::Spawn {
        command: described.to_owned(),
        source,
    })
}

fn command_failed(command: String, status: ExitStatus, out: &Output) -> EmbeddedError {
    EmbeddedError::Command {
        command,
        status: status.to_string(),
        output: combined_output(out),
    }
}

fn combined_output(out: &Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stderr.trim().is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(stderr.trim());
    }
    text
}

/// For messages only: no secret is ever passed as an argument (passwords go through a file or
/// the environment), so the whole command line can be shown.
fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(shell_word)
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_word(word: &OsStr) -> String {
    let s = word.to_string_lossy();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn log_tail(log: &str, lines: usize) -> String {
    let all: Vec<&str> = log.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn io_err(context: String, source: io::Error) -> EmbeddedError {
    EmbeddedError::Io { context, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_is_line_four_of_postmaster_pid() {
        let text = "12345\n/tmp/x/data\n1700000000\n54321\n/tmp/x/socket\n127.0.0.1\n  1234   5\nready   \n";
        assert_eq!(port_from_pid_file(text), Some(54321));
    }

    #[test]
    fn truncated_or_garbled_pid_file_has_no_port() {
        assert_eq!(port_from_pid_file("12345\n/tmp/x/data\n1700000000\n"), None);
        assert_eq!(port_from_pid_file("1\n2\n3\nabc\n"), None);
        assert_eq!(port_from_pid_file("1\n2\n3\n0\n"), None);
        assert_eq!(port_from_pid_file(""), None);
    }

    #[test]
    fn highest_version_compares_numerically() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(highest_version(&names(&["9.6", "15", "10"])), Some("15"));
        assert_eq!(highest_version(&names(&["9.6", "9.10"])), Some("9.10"));
        assert_eq!(
            highest_version(&names(&["15", "common", "16beta"])),
            Some("15")
        );
        assert_eq!(highest_version(&names(&["common"])), None);
        assert_eq!(highest_version(&[]), None);
    }

    #[test]
    fn long_socket_paths_fall_back_to_tmp() {
        let short = Path::new("/tmp/ctg/.ctg/socket");
        assert_eq!(socket_dir(short), short);
        let long = PathBuf::from(format!("/{}/socket", "d".repeat(100)));
        assert_eq!(socket_dir(&long), Path::new("/tmp"));
        assert_eq!(socket_dir(Path::new("/tmp/it's/socket")), Path::new("/tmp"));
    }

    #[test]
    fn server_options_quote_the_socket_dir() {
        assert_eq!(
            server_options(5432, Path::new("/a b/socket")),
            "-p 5432 -c listen_addresses=127.0.0.1 -k '/a b/socket'"
        );
    }

    #[test]
    fn described_commands_are_shell_quoted() {
        let mut cmd = Command::new("pg_ctl");
        cmd.args(["-D", "/a b/data", "-o", "-p 1 -k '/x'"]);
        assert_eq!(
            describe(&cmd),
            r#"pg_ctl -D '/a b/data' -o '-p 1 -k '\''/x'\'''"#
        );
    }

    #[test]
    fn log_tail_keeps_the_last_lines() {
        assert_eq!(log_tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(log_tail("a\n", 5), "a");
        assert_eq!(log_tail("", 5), "");
    }

    #[test]
    fn urls_name_the_database() {
        assert_eq!(
            url("secret", 5555, "ctg"),
            "postgres://postgres:secret@127.0.0.1:5555/ctg"
        );
    }

    #[test]
    fn debug_output_hides_the_urls() {
        let pg = EmbeddedPostgres {
            database_url: url("hunter2", 1, "ctg"),
            admin_url: url("hunter2", 1, "postgres"),
            port: 1,
            data_dir: PathBuf::from("/x/data"),
        };
        assert!(!format!("{pg:?}").contains("hunter2"));
    }
}

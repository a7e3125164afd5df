//! What every module of the suite shares: the binary under test, one
//! policy for the environment it runs in, and servers started on
//! 127.0.0.1:0 and stopped when dropped, and their answers read off the
//! wire.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_usersctl"))
}

/// The variables usersctl reads besides its own `USERSCTL_*`: the log
/// filter, colour, and the width a table is fitted to.
const READ_FROM_THE_HOST: [&str; 3] = ["RUST_LOG", "NO_COLOR", "COLUMNS"];

/// Takes out of `cmd`'s environment everything usersctl reads, so that the
/// host running the tests cannot leak into one; a test sets what it means
/// to test.
pub fn clean_env(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("USERSCTL_") {
            cmd.env_remove(&key);
        }
    }
    for key in READ_FROM_THE_HOST {
        cmd.env_remove(key);
    }
    cmd
}

/// The binary, in a clean environment.
pub fn usersctl() -> Command {
    let mut cmd = Command::new(bin());
    clean_env(&mut cmd);
    cmd
}

/// A child process stopped when dropped: SIGTERM, then SIGKILL if it lingers.
pub struct Process {
    pub child: Child,
    pub exited: Option<ExitStatus>,
}

impl Process {
    pub fn new(child: Child) -> Process {
        Process {
            child,
            exited: None,
        }
    }

    /// Sends `signal` (`-TERM`, `-KILL`, `-STOP`…) with kill(1), as a person
    /// or a service manager would.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} failed");
    }

    /// SIGTERM, if it still runs.
    pub fn terminate(&self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    /// Whether it still runs.
    pub fn is_running(&mut self) -> bool {
        self.exited.is_none() && matches!(self.child.try_wait(), Ok(None))
    }

    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while self.exited.is_none() && start.elapsed() < limit {
            self.exited = self.child.try_wait().expect("the child can be waited for");
            if self.exited.is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.exited
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.exited.is_some() || matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        self.terminate();
        if self.wait_for_exit(Duration::from_secs(5)).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `cmd`, a `usersctl … serve …`, with its log (stderr) in `log`.
/// Answers with the process and its first line on stdout, which names the
/// address it listens on (empty if it never says); the rest of stdout is
/// drained, and the pipe kept open, until it exits.
pub fn spawn_server(mut cmd: Command, log: &Path) -> (Process, mpsc::Receiver<String>) {
    let log_file = std::fs::File::create(log).expect("a log file");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .expect("usersctl serve starts");
    let stdout = child.stdout.take().expect("a stdout pipe");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = tx.send(first);
        for _ in lines {}
    });
    (Process::new(child), rx)
}

/// The address a server just spawned listens on; a panic showing its log
/// if it does not say within 20 s.
pub fn listening_on(first_line: &mpsc::Receiver<String>, log: &Path) -> SocketAddr {
    let first = first_line
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_default();
    let Some(addr) = first.strip_prefix("listening on http://") else {
        panic!(
            "the server did not say where it listens (first line {first:?})\nlog:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    };
    addr.trim().parse().expect("a socket address")
}

/// An HTTP answer as read off the wire.
#[derive(Debug, Clone)]
pub struct Reply {
    /// What was asked, for messages.
    pub what: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body, which must be JSON and say so.
    #[track_caller]
    pub fn json(&self) -> Value {
        let ct = self.header("content-type").unwrap_or_default();
        assert!(
            ct.starts_with("application/json"),
            "not JSON (content-type {ct:?}):\n{self}"
        );
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}):\n{self}"))
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} -> {}", self.what, self.status)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        write!(f, "\n{}", self.text())
    }
}

/// Writes `request` (which should ask for `Connection: close`) on a fresh
/// connection and reads the whole answer. A server may answer (413, say)
/// and close before reading all of a body; the answer is still read.
pub fn exchange(addr: SocketAddr, request: &[u8], what: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let _ = stream.write_all(request);
    read_reply(what, &mut stream)
}

/// Reads an answer to its end (the server closes the connection).
pub fn read_reply(what: &str, stream: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    if let Err(e) = stream.read_to_end(&mut bytes)
        && bytes.is_empty()
    {
        panic!("{what}: no answer: {e}");
    }
    parse_reply(what, &bytes)
}

/// An answer as the bytes of it read off the wire.
pub fn parse_reply(what: &str, bytes: &[u8]) -> Reply {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "{what}: not an HTTP answer: {:?}",
                String::from_utf8_lossy(bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no status line: {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        what: what.to_owned(),
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// Waits until a server just started on `db` has its admin socket in place
/// and owner-only; a panic showing its log if it exits first or takes longer
/// than `patience`.
pub fn wait_for_admin_socket(process: &mut Process, db: &Path, log: &Path, patience: Duration) {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let socket = db.join("usersctl.sock");
    let ready = || {
        std::fs::symlink_metadata(&socket)
            .is_ok_and(|m| m.file_type().is_socket() && m.permissions().mode() & 0o777 == 0o600)
    };
    let until = Instant::now() + patience;
    while !ready() {
        let log = || std::fs::read_to_string(log).unwrap_or_default();
        if let Some(status) = process.wait_for_exit(Duration::ZERO) {
            panic!(
                "the server exited ({status:?}) before its admin socket was ready\nlog:\n{}",
                log()
            );
        }
        assert!(
            Instant::now() < until,
            "no admin socket at {}\nlog:\n{}",
            socket.display(),
            log()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What a stream of a command's output must hold.
pub enum Expect {
    Exact(String),
    /// Each of these substrings, in any order; an empty list accepts anything.
    Has(Vec<String>),
}

impl Expect {
    pub fn has(&mut self, part: &str) {
        match self {
            Expect::Has(parts) => parts.push(part.to_owned()),
            Expect::Exact(_) => *self = Expect::Has(vec![part.to_owned()]),
        }
    }

    pub fn check(&self, stream: &str, actual: &str, context: &dyn Fn() -> String) {
        match self {
            Expect::Exact(expected) if expected != actual => panic!(
                "{stream} differs\nexpected:\n{expected}\nactual:\n{actual}\n{}",
                context()
            ),
            Expect::Has(parts) => {
                for part in parts {
                    assert!(
                        actual.contains(part.as_str()),
                        "{stream} lacks {part:?}\n{}",
                        context()
                    );
                }
            }
            Expect::Exact(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------
// The database a test runs on: sled, or PostgreSQL
// ---------------------------------------------------------------------------

/// The signing secret every process of a test on PostgreSQL shares unless
/// the test gives its own (a shared database requires one).
pub const SHARED_SECRET: &str = "usersctl suite: the secret every instance on a test schema shares";

/// Whether the suite runs on PostgreSQL: `USERSCTL_TEST_BACKEND=postgres`,
/// with `USERSCTL_TEST_DATABASE_URL` naming the server (`.ci/test` sets
/// both for its second pass).
pub fn on_postgres() -> bool {
    std::env::var("USERSCTL_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The test server's URL, when there is one.
pub fn postgres_url() -> Option<String> {
    std::env::var("USERSCTL_TEST_DATABASE_URL").ok()
}

/// Ends a test at once when the suite runs on PostgreSQL, for what only the
/// embedded database has (its files, its lock, its admin socket) or what
/// does not touch the database at all (prompts on a terminal), which the
/// sled pass covers.
pub fn sled_only(why: &str) -> bool {
    let skip = on_postgres();
    if skip {
        eprintln!("on sled alone: {why}");
    }
    skip
}

/// Ends a test at once when the suite runs on the embedded database, for
/// what only SQL can do (edit rows behind usersctl's back).
pub fn postgres_only(why: &str) -> bool {
    let skip = !on_postgres();
    if skip {
        eprintln!("on PostgreSQL alone: {why}");
    }
    skip
}

/// One database for one test: a directory (sled), or a schema of its own
/// on the test server, migrated, and dropped when the test ends.
pub enum TestDb {
    Dir(PathBuf),
    Schema {
        admin: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    /// The backend the suite runs on; a directory is `dir/db`, not yet made.
    pub fn new(dir: &Path) -> TestDb {
        if on_postgres() {
            TestDb::schema()
        } else {
            TestDb::Dir(dir.join("db"))
        }
    }

    /// A schema of its own on the test server, migrated.
    pub fn schema() -> TestDb {
        TestDb::schema_on(
            &postgres_url()
                .expect("USERSCTL_TEST_BACKEND=postgres needs USERSCTL_TEST_DATABASE_URL"),
        )
    }

    /// A schema of its own on the server `admin` names, migrated.
    pub fn schema_on(admin: &str) -> TestDb {
        let admin = admin.to_owned();
        let name = format!("s_{}", uuid::Uuid::new_v4().simple());
        admin_sql(&admin, &format!("CREATE SCHEMA {name}"));
        let sep = if admin.contains('?') { '&' } else { '?' };
        let url = format!("{admin}{sep}options=-csearch_path%3D{name}&application_name={name}");
        let db = TestDb::Schema { admin, name, url };
        let out = db.apply(&mut usersctl()).arg("migrate").output().unwrap();
        assert!(out.status.success(), "migrate: {out:?}");
        db
    }

    /// Points `cmd` at the database: `--db DIR`, or (so that no password
    /// is in argv) `USERSCTL_DB` and the shared secret. A test's own `--db`
    /// or environment, given after, wins.
    pub fn apply<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        match self {
            TestDb::Dir(dir) => cmd.arg("--db").arg(dir),
            TestDb::Schema { url, .. } => cmd
                .env("USERSCTL_DB", url)
                .env("USERSCTL_JWT_SECRET", SHARED_SECRET),
        }
    }

    /// `--db DIR` for a shell command line (nothing on PostgreSQL, whose
    /// URL goes in the environment: see `envs`).
    pub fn shell_flag(&self) -> String {
        match self {
            TestDb::Dir(dir) => format!("--db '{}'", dir.display()),
            TestDb::Schema { .. } => String::new(),
        }
    }

    /// What a shell command line must have in its environment.
    pub fn envs(&self) -> Vec<(&'static str, String)> {
        match self {
            TestDb::Dir(_) => Vec::new(),
            TestDb::Schema { url, .. } => vec![
                ("USERSCTL_DB", url.clone()),
                ("USERSCTL_JWT_SECRET", SHARED_SECRET.to_owned()),
            ],
        }
    }

    /// The directory, for tests of what sled keeps on disk.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            TestDb::Dir(dir) => Some(dir),
            TestDb::Schema { .. } => None,
        }
    }

    /// The URL, with its password (for the tests' own connections).
    pub fn url(&self) -> Option<&str> {
        match self {
            TestDb::Dir(_) => None,
            TestDb::Schema { url, .. } => Some(url),
        }
    }

    /// Runs `sql` on the test's schema.
    pub fn sql(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        admin_query(self.url().expect("a PostgreSQL test"), sql)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Schema { admin, name, .. } = self {
            // Sessions still on the schema (a server killed mid-request)
            // do not hold the drop up; a server already gone (a test's own
            // cluster, stopped) leaves nothing to drop.
            let _ = try_admin_query(
                admin,
                &format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE application_name = '{name}';
                     DROP SCHEMA {name} CASCADE"
                ),
            );
        }
    }
}

/// Runs statements on the test server, as the test's own client.
pub fn admin_sql(url: &str, sql: &str) {
    admin_query(url, sql);
}

/// The rows of the last statement in `sql`, as text.
pub fn admin_query(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    try_admin_query(url, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn try_admin_query(
    url: &str,
    sql: &str,
) -> Result<Vec<Vec<Option<String>>>, tokio_postgres::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        let driver = tokio::spawn(connection);
        let messages = client.simple_query(sql).await?;
        drop(client);
        let _ = driver.await;
        Ok(messages
            .into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                    (0..row.len())
                        .map(|i| row.get(i).map(str::to_owned))
                        .collect(),
                ),
                _ => None,
            })
            .collect())
    })
}

/// A PostgreSQL cluster of a test's own (`.ci/postgres`), for tests that
/// stop and start the server; removed when dropped.
pub struct Cluster {
    dir: String,
    pub url: String,
}

impl Cluster {
    pub fn start() -> Cluster {
        let out = Command::new(Self::script()).arg("start").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let value = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {name}=")))
                .unwrap_or_else(|| panic!("no {name} in {stdout}"))
                .to_owned()
        };
        Cluster {
            dir: value("PG_TEST_DIR"),
            url: value("USERSCTL_TEST_DATABASE_URL"),
        }
    }

    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres")
    }

    fn control(&self, verb: &str) {
        let out = Command::new(Self::script())
            .args([verb, &self.dir])
            .output()
            .unwrap();
        assert!(out.status.success(), "{verb}: {out:?}");
    }

    /// Stops the server (a crash or maintenance, as a client sees it).
    pub fn pause(&self) {
        self.control("pause");
    }

    /// Starts it again on the same port, with the same data.
    pub fn resume(&self) {
        self.control("resume");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(Self::script())
            .args(["stop", &self.dir])
            .output();
    }
}

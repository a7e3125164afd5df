//! The admin socket: while `usersctl serve` holds a database, operator commands
//! on the same `--db` are carried out by the server over `DB/usersctl.sock`.
//!
//! The main proof is by twins: a database is built with the CLI, copied whole
//! (`cp -a`), and a server is started on the copy. Each command is then run
//! directly on the original and through the socket on the copy, and the two
//! runs must agree — exit code, stdout and stderr — once what is random or
//! time-dependent (UUIDs of new users, timestamps, tokens, generated
//! passwords, the database path) is replaced by a placeholder.
//!
//! Around that: writes through the socket are visible over HTTP at once, the
//! socket is owner-only and a socket open to others is refused, a socket left
//! behind by a killed server is harmless, a locked database with no server
//! answering fails fast naming the holder, SIGTERM leaves the database usable
//! directly, and no password, hash or token reaches the server's log.
//!
//! Every child runs the real binary with the tool's environment variables (and
//! `RUST_LOG`) removed; every test has its own temporary directory, and a
//! `Server` guard kills its server if the test fails.

use crate::support::{Process, bin, clean_env, listening_on, spawn_server, wait_for_admin_socket};
use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// A password the strength check accepts.
const PASSWORD: &str = "Tr0ub4dor&3horse";
/// Another one, for password changes.
const NEW_PASSWORD: &str = "N3w-Secret-Phrase!";
const SOCKET: &str = "usersctl.sock";
/// How long a server may take to start or to stop.
const PATIENCE: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------

/// `usersctl --db DB` with a clean environment.
fn usersctl(db: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    clean_env(&mut cmd);
    cmd.arg("--db").arg(db);
    cmd
}

/// One invocation of `usersctl --db DB ARGS…`, stdin always a pipe.
#[must_use = "a Run does nothing until .output() or .expect()"]
struct Run {
    db: PathBuf,
    args: Vec<OsString>,
    stdin: Vec<u8>,
}

fn run<I, S>(db: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    Run {
        db: db.to_owned(),
        args: args.into_iter().map(Into::into).collect(),
        stdin: Vec::new(),
    }
}

impl Run {
    fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = input.into();
        self
    }

    fn output(self) -> Output {
        let mut std_cmd = usersctl(&self.db);
        std_cmd.args(&self.args);
        let shown = format!("{std_cmd:?}");
        let mut cmd = assert_cmd::Command::from_std(std_cmd);
        cmd.write_stdin(self.stdin);
        cmd.timeout(Duration::from_secs(60));
        let started = Instant::now();
        let out = cmd.output().expect("usersctl runs");
        Output {
            shown,
            status: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            took: started.elapsed(),
        }
    }

    /// Runs and asserts the exit code.
    fn expect(self, status: i32) -> Output {
        let out = self.output();
        assert_eq!(out.status, Some(status), "unexpected exit status\n{out}");
        out
    }
}

#[derive(Clone)]
struct Output {
    shown: String,
    status: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Output {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{self}"))
    }

    /// The `data` of a JSON success, which is `{"data": …}` and nothing else.
    fn data(&self) -> Value {
        let mut doc = self.json();
        let keys: Vec<&String> = doc.as_object().expect("a JSON object").keys().collect();
        assert_eq!(keys, ["data"], "{doc}");
        doc["data"].take()
    }

    fn stderr_json(&self) -> Value {
        serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e})\n{self}"))
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A large stdout (a 20,000-name report) is shown by its ends only.
        let stdout = if self.stdout.len() > 4000 {
            format!(
                "{}\n[… {} bytes …]\n{}",
                &self.stdout[..self.stdout.floor_char_boundary(1500)],
                self.stdout.len() - 3000,
                &self.stdout[self.stdout.ceil_char_boundary(self.stdout.len() - 1500)..]
            )
        } else {
            self.stdout.clone()
        };
        write!(
            f,
            "command: {}\nstatus: {:?} (took {:?})\nstdout:\n{stdout}\nstderr:\n{}",
            self.shown, self.status, self.took, self.stderr
        )
    }
}

/// A temporary directory holding the database (`db/`) and whatever else a
/// test needs.
struct Test {
    dir: TempDir,
}

impl Test {
    fn new() -> Test {
        Test {
            dir: TempDir::new().expect("a temporary directory"),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn db(&self) -> PathBuf {
        self.path("db")
    }

    /// Creates `username` (email `<username>@example.com`) with `PASSWORD`.
    fn create(&self, username: &str, extra: &[&str]) {
        let email = format!("{username}@example.com");
        let mut args = vec!["-o", "name", "user", "create", username, "--email", &email];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        run(&self.db(), args)
            .stdin(format!("{PASSWORD}\n"))
            .expect(0);
    }

    /// Creates users with generated passwords (no strength estimate: faster).
    fn create_many(&self, usernames: &[&str]) {
        for name in usernames {
            let email = format!("{name}@example.com");
            run(
                &self.db(),
                [
                    "-q", "-o", "name", "user", "create", name, "--email", &email,
                ],
            )
            .args(["--generate-password"])
            .expect(0);
        }
    }

    /// A copy of the whole database directory, as `cp -a` makes it.
    fn copy_db(&self, name: &str) -> PathBuf {
        let to = self.path(name);
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(self.db())
            .arg(&to)
            .status()
            .expect("cp runs");
        assert!(status.success(), "cp -a failed: {status:?}");
        to
    }
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn is_socket(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

// ---------------------------------------------------------------------------
// A running server
// ---------------------------------------------------------------------------

/// `usersctl --db DB serve --bind 127.0.0.1:0 --rate-limit 0`, killed when
/// dropped so that no server outlives its test.
struct Server {
    process: Process,
    db: PathBuf,
    base: String,
    /// Where its stderr goes: beside the database.
    log: PathBuf,
}

impl Server {
    fn start(db: &Path) -> Server {
        Server::start_with(db, &[])
    }

    /// Starts a server with extra environment variables, and waits until it
    /// announces its port and its admin socket is in place.
    fn start_with(db: &Path, envs: &[(&str, &str)]) -> Server {
        let mut cmd = usersctl(db);
        cmd.args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"]);
        for (key, value) in envs {
            cmd.env(key, value);
        }
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = db
            .parent()
            .expect("the database has a parent directory")
            .join(format!("server-{n}.log"));
        let (process, first_line) = spawn_server(cmd, &log);
        let addr = listening_on(&first_line, &log);
        let mut server = Server {
            process,
            db: db.to_owned(),
            base: format!("http://{addr}"),
            log,
        };
        wait_for_admin_socket(&mut server.process, &server.db, &server.log, PATIENCE);
        server
    }

    fn pid(&self) -> u32 {
        self.process.child.id()
    }

    fn socket(&self) -> PathBuf {
        self.db.join(SOCKET)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's stderr so far.
    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the server's log holds `needle`.
    fn wait_for_log(&self, needle: &str) {
        let until = Instant::now() + Duration::from_secs(5);
        while !self.log().contains(needle) {
            assert!(
                Instant::now() < until,
                "the server never logged {needle:?}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// How many operator requests the server has logged.
    fn ops(&self) -> usize {
        self.log().matches("operator request").count()
    }

    /// Waits until the server has logged more than `before` operator requests
    /// (its log line is written before the answer, but read here by a thread).
    fn assert_ops_after(&self, before: usize, context: &dyn Fn() -> String) {
        let until = Instant::now() + Duration::from_secs(5);
        while self.ops() <= before {
            assert!(
                Instant::now() < until,
                "the command was not carried out through the admin socket\n{}\nserver log:\n{}",
                context(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn signal(&self, signal: &str) {
        self.process.signal(&format!("-{signal}"));
    }

    /// Waits for the server to exit; the whole log is in `log()` afterwards.
    fn wait_exit(&mut self, deadline: Duration) -> ExitStatus {
        match self.process.wait_for_exit(deadline) {
            Some(status) => status,
            None => panic!("the server did not exit in time\nlog:\n{}", self.log()),
        }
    }

    /// SIGTERM, then waits for the exit.
    fn stop(&mut self) -> ExitStatus {
        self.signal("TERM");
        self.wait_exit(PATIENCE)
    }

    /// SIGKILL: the server gets no chance to clean up.
    fn kill(&mut self) {
        self.signal("KILL");
        self.wait_exit(PATIENCE);
    }
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

/// Logs in over HTTP and returns the token.
fn http_login(server: &Server, username: &str, password: &str) -> Result<String, u16> {
    match ureq::post(&server.url("/authenticate"))
        .send_json(json!({"username": username, "password": password}))
    {
        Ok(resp) => {
            let body: Value = resp.into_json().expect("a JSON body");
            Ok(body["data"]["token"].as_str().expect("a token").to_owned())
        }
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("POST /authenticate: {e}"),
    }
}

/// `GET /users/{user}`: the user's record, or the status of the refusal.
fn http_user(server: &Server, token: &str, user: &str) -> Result<Value, u16> {
    match ureq::get(&server.url(&format!("/users/{user}")))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(resp) => {
            let body: Value = resp.into_json().expect("a JSON body");
            Ok(body["data"].clone())
        }
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("GET /users/{user}: {e}"),
    }
}

// ---------------------------------------------------------------------------
// Placeholders for what two runs cannot share
// ---------------------------------------------------------------------------

/// `text` with the database path, tokens, UUIDs, RFC 3339 timestamps and
/// generated passwords (24 letters and digits) replaced by placeholders.
fn normalize(text: &str, db: &Path) -> String {
    let text = text.replace(&db.display().to_string(), "<DB>");
    let text = replace_all(&text, "<JWT>", jwt_len);
    let text = replace_all(&text, "<UUID>", uuid_len);
    let text = replace_all(&text, "<TIME>", timestamp_len);
    replace_all(&text, "<PASSWORD>", password_len)
}

/// Replaces each match of `len_at` that starts after a non-alphanumeric byte.
fn replace_all(text: &str, placeholder: &str, len_at: fn(&[u8]) -> Option<usize>) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary && let Some(n) = len_at(&bytes[i..]) {
            out.extend_from_slice(placeholder.as_bytes());
            i += n;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("only ASCII was replaced")
}

/// The length of the alphanumeric run at the start of `s`.
fn alnum_run(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_alphanumeric()).count()
}

/// A JWT: three base64url parts, the first a JSON object (`eyJ`).
fn jwt_len(s: &[u8]) -> Option<usize> {
    if !s.starts_with(b"eyJ") {
        return None;
    }
    let n = s
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        .count();
    (s[..n].iter().filter(|&&b| b == b'.').count() == 2).then_some(n)
}

fn uuid_len(s: &[u8]) -> Option<usize> {
    let uuid = s.get(..36)?;
    let ok = uuid.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    });
    (ok && s.get(36).is_none_or(|b| !b.is_ascii_alphanumeric())).then_some(36)
}

/// `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`
fn timestamp_len(s: &[u8]) -> Option<usize> {
    const SHAPE: &[u8] = b"0000-00-00T00:00:00";
    let head = s.get(..SHAPE.len())?;
    let shaped = head.iter().zip(SHAPE).all(|(b, want)| match want {
        b'0' => b.is_ascii_digit(),
        other => b == other,
    });
    if !shaped {
        return None;
    }
    let mut n = SHAPE.len();
    if s.get(n) == Some(&b'.') {
        let digits = s[n + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        n += 1 + digits;
    }
    match s.get(n)? {
        b'Z' => Some(n + 1),
        b'+' | b'-' => {
            let zone = s.get(n + 1..n + 6)?;
            let ok = zone[0].is_ascii_digit()
                && zone[1].is_ascii_digit()
                && zone[2] == b':'
                && zone[3].is_ascii_digit()
                && zone[4].is_ascii_digit();
            ok.then_some(n + 6)
        }
        _ => None,
    }
}

/// A generated password: exactly 24 letters and digits.
fn password_len(s: &[u8]) -> Option<usize> {
    (alnum_run(s) == 24).then_some(24)
}

#[test]
fn normalize_replaces_only_what_two_runs_cannot_share() {
    let db = Path::new("/tmp/x/db");
    let text = "id 01a20035-7a30-720f-81b6-28fa965d3372 at 2026-11-21T22:23:54.416Z, \
        2026-11-21T22:23:54+01:00\ntoken: eyJ0eX.eyJzdWIi.vmlvLMDL-s0_ZEc\n\
        generated password: LQA6RPeAaf3kcnAdmoB4Jzvu\n\"LQA6RPeAaf3kcnAdmoB4Jzvu\"\n\
        locked at /tmp/x/db; alice bob ghost00001 LQA6RPeAaf3kcnAdmoB4Jzvux";
    assert_eq!(
        normalize(text, db),
        "id <UUID> at <TIME>, <TIME>\ntoken: <JWT>\n\
        generated password: <PASSWORD>\n\"<PASSWORD>\"\n\
        locked at <DB>; alice bob ghost00001 LQA6RPeAaf3kcnAdmoB4Jzvux"
    );
}

// ---------------------------------------------------------------------------
// Twins: the same command directly and through the socket
// ---------------------------------------------------------------------------

/// One command line to run on both twins, and the exit code both must give.
#[must_use]
struct Case {
    args: Vec<String>,
    stdin: Vec<u8>,
    status: i32,
    /// Whether the command must reach the server (not refused by the parser or
    /// by the client before it sends anything).
    socket: bool,
}

fn case(args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: Vec::new(),
        status: 0,
        socket: true,
    }
}

impl Case {
    fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = input.into();
        self
    }

    fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    /// The command is refused before it has anything to ask the server.
    fn client_side(mut self) -> Self {
        self.socket = false;
        self
    }
}

/// A database (`db`, run on directly) and its copy (`twin`, served), from the
/// same history.
struct Twins {
    test: Test,
    twin: PathBuf,
    server: Server,
}

impl Twins {
    /// Builds the database with `setup` (no server), copies it, and serves the copy.
    fn new(setup: impl FnOnce(&Test)) -> Twins {
        let test = Test::new();
        setup(&test);
        let twin = test.copy_db("twin");
        let server = Server::start(&twin);
        Twins { test, twin, server }
    }

    fn direct(&self) -> PathBuf {
        self.test.db()
    }

    /// Runs `case` directly and through the socket; both must exit with the
    /// case's code and print the same, placeholders aside. Returns the direct
    /// run, normalized.
    fn check(&self, case: Case) -> Output {
        let ops = self.server.ops();
        let direct = run(&self.direct(), &case.args)
            .stdin(case.stdin.clone())
            .output();
        let served = run(&self.twin, &case.args).stdin(case.stdin).output();
        let normal = |out: &Output, db: &Path| Output {
            stdout: normalize(&out.stdout, db),
            stderr: normalize(&out.stderr, db),
            ..out.clone()
        };
        let direct = normal(&direct, &self.direct());
        let served = normal(&served, &self.twin);
        let context = || {
            format!(
                "--- direct (normalized):\n{direct}\n--- through the socket (normalized):\n{served}"
            )
        };
        assert_eq!(
            direct.status,
            Some(case.status),
            "unexpected exit status directly\n{}",
            context()
        );
        assert_eq!(
            served.status,
            direct.status,
            "exit status differs\n{}",
            context()
        );
        if served.stdout != direct.stdout {
            panic!(
                "stdout differs\n{}\n{}",
                first_difference(&direct.stdout, &served.stdout),
                context()
            );
        }
        if served.stderr != direct.stderr {
            panic!(
                "stderr differs\n{}\n{}",
                first_difference(&direct.stderr, &served.stderr),
                context()
            );
        }
        if case.socket {
            self.server.assert_ops_after(ops, &context);
        }
        direct
    }

    /// Both databases hold the same users, placeholders aside.
    fn assert_same_users(&self) {
        let out = self.check(case(&["-o", "json", "users", "list", "--limit", "1000"]));
        assert!(out.json()["next_cursor"].is_null());
    }
}

fn first_difference(a: &str, b: &str) -> String {
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("first difference at line {}:\n- {x}\n+ {y}", n + 1);
        }
    }
    format!(
        "one is a prefix of the other ({} and {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

/// The users most tests start from: an admin, a user with a name and
/// attributes, three with generated passwords, one of them blocked.
fn population(test: &Test) {
    test.create("admin", &["--role", "admin", "--name", "The Admin"]);
    test.create(
        "alice",
        &[
            "--name",
            "Alice Liddell",
            "--attr",
            "team=ops",
            "--attr",
            "phone=+44 1865",
        ],
    );
    test.create_many(&["bob", "carol", "dave"]);
    run(
        &test.db(),
        [
            "-q",
            "user",
            "update",
            "dave",
            "--block",
            "--reason",
            "left the company",
        ],
    )
    .expect(0);
}

// ---------------------------------------------------------------------------
// Every command matches its direct run
// ---------------------------------------------------------------------------

#[test]
fn reads_through_the_socket_match_direct_runs() {
    let twins = Twins::new(population);
    let id = run(&twins.direct(), ["-o", "json", "user", "get", "alice"])
        .expect(0)
        .data()["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // user get: each format, each way of naming a user.
    for format in ["table", "json", "name"] {
        for user in ["alice", "ALICE@example.com", id.as_str(), "dave"] {
            let out = twins.check(case(&["-o", format, "user", "get", user]));
            assert!(out.stdout.contains("alice") || user == "dave", "{out}");
        }
        twins.check(case(&["-o", format, "user", "get", "ghost"]).status(3));
    }
    let out = twins.check(case(&["-o", "json", "user", "get", "ghost"]).status(3));
    assert_eq!(out.stderr_json()["error"], "not_found");
    // Refused by the parser: never sent, same answer.
    twins.check(case(&["user", "get", "a"]).status(2).client_side());

    // users list: every format, every filter, paging.
    for format in ["table", "json", "name"] {
        twins.check(case(&["-o", format, "users", "list"]));
        twins.check(case(&["-o", format, "users", "list", "--role", "admin"]));
        twins.check(case(&["-o", format, "users", "list", "--blocked"]));
        twins.check(case(&[
            "-o", format, "users", "list", "--active", "--role", "user",
        ]));
        twins.check(case(&[
            "-o", format, "users", "list", "--search", "LIDDELL",
        ]));
        twins.check(case(&["-o", format, "users", "list", "--search", "nobody"]));
        twins.check(case(&["-o", format, "users", "list", "--limit", "2"]));
    }
    twins.check(case(&["-q", "users", "list", "--limit", "2"]));
    twins.check(case(&["-q", "users", "list", "--search", "nobody"]));
    // Page through with the cursors the listing prints (the twins share ids).
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let mut args = vec!["-o", "json", "users", "list", "--limit", "2"];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c.as_str()]);
        }
        let page = run(&twins.direct(), &args).expect(0).json();
        twins.check(case(&args));
        let mut table_args = args.clone();
        table_args[1] = "table";
        twins.check(case(&table_args));
        seen.extend(
            page["data"]
                .as_array()
                .expect("users")
                .iter()
                .map(|u| u["username"].as_str().expect("a username").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["admin", "alice", "bob", "carol", "dave"]);
    twins.check(case(&["users", "list", "--cursor", "not-a-cursor"]).status(2));
    twins.check(case(&["-o", "json", "users", "list", "--cursor", "nope"]).status(2));
    twins.check(
        case(&["users", "list", "--limit", "0"])
            .status(2)
            .client_side(),
    );
    twins.assert_same_users();
}

#[test]
fn creates_updates_and_deletes_through_the_socket_match_direct_runs() {
    let twins = Twins::new(population);
    let password = format!("{PASSWORD}\n");

    // user create, each password source and format.
    twins.check(
        case(&[
            "user",
            "create",
            "erin",
            "--email",
            "erin@example.com",
            "--password-stdin",
        ])
        .stdin(password.clone()),
    );
    twins.check(
        case(&[
            "-o",
            "json",
            "user",
            "create",
            "frank",
            "--email",
            "Frank@Example.com",
            "--name",
            "Frank Zappa",
            "--role",
            "admin",
            "--attr",
            "title=guitar",
            "--attr",
            "city=Baltimore",
            "--must-change-password",
            "--password-stdin",
        ])
        .stdin(password.clone()),
    );
    twins.check(case(&[
        "-o",
        "name",
        "user",
        "create",
        "gina",
        "--email",
        "gina@example.com",
        "--generate-password",
    ]));
    let out = twins.check(case(&[
        "user",
        "create",
        "hank",
        "--email",
        "hank@example.com",
        "--generate-password",
    ]));
    assert!(
        out.stdout.contains("generated password: <PASSWORD>"),
        "{out}"
    );
    assert!(out.stderr.contains("only this once"), "{out}");
    let out = twins.check(case(&[
        "-o",
        "json",
        "user",
        "create",
        "ivan",
        "--email",
        "ivan@example.com",
        "--generate-password",
    ]));
    assert_eq!(out.json()["generated_password"], "<PASSWORD>");

    // Creation refused: conflicts, reserved names, validation.
    twins.check(
        case(&[
            "user",
            "create",
            "ALICE",
            "--email",
            "other@example.com",
            "--generate-password",
        ])
        .status(4),
    );
    let out = twins.check(
        case(&[
            "-o",
            "json",
            "user",
            "create",
            "alice2",
            "--email",
            "ALICE@EXAMPLE.COM",
            "--generate-password",
        ])
        .status(4),
    );
    assert_eq!(out.stderr_json()["error"], "conflict");
    twins.check(
        case(&[
            "user",
            "create",
            "root",
            "--email",
            "root@example.com",
            "--generate-password",
        ])
        .status(4)
        // The caller's own reserved names are applied before anything is sent.
        .client_side(),
    );
    twins.check(
        case(&[
            "-o",
            "json",
            "user",
            "create",
            "postmaster",
            "--email",
            "pm@example.com",
            "--generate-password",
        ])
        .status(4)
        .client_side(),
    );
    let out = twins.check(
        case(&[
            "user",
            "create",
            "jack",
            "--email",
            "jack@example.com",
            "--password-stdin",
        ])
        .stdin("password123\n")
        .status(2)
        // The caller's password policy is applied before anything is sent.
        .client_side(),
    );
    assert!(out.stderr.contains("invalid password"), "{out}");
    let out = twins.check(
        case(&[
            "-o",
            "json",
            "user",
            "create",
            "jack",
            "--email",
            "jack@example.com",
            "--password-stdin",
        ])
        .stdin("jack@example.com\n")
        .status(2)
        // The caller's password policy is applied before anything is sent.
        .client_side(),
    );
    assert_eq!(out.stderr_json()["details"][0]["field"], "password");
    twins.check(
        case(&[
            "user",
            "create",
            "jack",
            "--email",
            "jack@example.com",
            "--password-stdin",
        ])
        .stdin("short\n")
        .status(2)
        // The caller's password policy is applied before anything is sent.
        .client_side(),
    );
    twins.check(
        case(&[
            "user",
            "create",
            "jack",
            "--email",
            "jack@example.com",
            "--password-stdin",
        ])
        .status(2)
        .client_side(),
    );
    twins.check(
        case(&["user", "create", "jack", "--email", "jack@example.com"])
            .status(2)
            .client_side(),
    );
    twins.check(
        case(&[
            "user",
            "create",
            "jack",
            "--email",
            "not-an-email",
            "--generate-password",
        ])
        .status(2)
        .client_side(),
    );
    let big = format!("bio={}", "x".repeat(9000));
    twins.check(
        case(&[
            "user",
            "create",
            "jack",
            "--email",
            "jack@example.com",
            "--attr",
            &big,
            "--generate-password",
        ])
        .status(2)
        .client_side(),
    );

    // user update: several fields at once, attributes, block and unblock.
    twins.check(case(&[
        "user",
        "update",
        "alice",
        "--name",
        "Alice L.",
        "--email",
        "Alice@Wonderland.example",
        "--role",
        "admin",
        "--attr",
        "team=dev",
        "--attr",
        "desk=4",
        "--unset-attr",
        "phone",
    ]));
    twins.check(case(&[
        "-o",
        "json",
        "user",
        "update",
        "bob",
        "--username",
        "robert",
    ]));
    twins.check(case(&[
        "-o", "name", "user", "update", "robert", "--name", "",
    ]));
    twins.check(case(&[
        "user",
        "update",
        "carol",
        "--block",
        "--reason",
        "suspicious logins",
    ]));
    twins.check(case(&["-o", "json", "user", "update", "dave", "--unblock"]));
    twins.check(case(&[
        "user",
        "update",
        "gina",
        "--must-change-password",
        "true",
    ]));
    twins.check(case(&["-o", "json", "users", "list", "--blocked"]));
    // A new password: from stdin, generated, refused when weak.
    twins.check(
        case(&["user", "update", "erin", "--password-stdin"]).stdin(format!("{NEW_PASSWORD}\n")),
    );
    let out = twins.check(case(&[
        "-o",
        "name",
        "user",
        "update",
        "hank",
        "--generate-password",
    ]));
    // The password is not in the stream of names: it goes to stderr.
    assert_eq!(out.stdout, "hank\n", "{out}");
    assert_eq!(out.stderr, "generated password: <PASSWORD>\n", "{out}");
    twins.check(
        case(&["user", "update", "erin", "--password-stdin"])
            .stdin("erin@example.com\n")
            .status(2)
            .client_side(),
    );
    // Update refused: unknown user, taken names, nothing to change.
    twins.check(case(&["user", "update", "ghost", "--name", "Nobody"]).status(3));
    twins.check(
        case(&["-o", "json", "user", "update", "ghost", "--password-stdin"])
            .stdin(format!("{NEW_PASSWORD}\n"))
            .status(3),
    );
    twins.check(case(&["user", "update", "erin", "--username", "alice"]).status(4));
    twins.check(
        case(&[
            "-o",
            "json",
            "user",
            "update",
            "erin",
            "--email",
            "FRANK@example.com",
        ])
        .status(4),
    );
    twins.check(
        case(&["user", "update", "erin", "--username", "root"])
            .status(4)
            .client_side(),
    );
    twins.check(case(&["user", "update", "erin"]).status(2).client_side());
    twins.check(
        case(&["user", "update", "erin", "--reason", "no block"])
            .status(2)
            .client_side(),
    );

    // The changed passwords work the same on both sides.
    twins.check(
        case(&["-o", "name", "authenticate", "erin", "--password-stdin"])
            .stdin(format!("{NEW_PASSWORD}\n")),
    );
    twins.check(
        case(&["authenticate", "erin", "--password-stdin"])
            .stdin(password.clone())
            .status(5),
    );

    // user delete, each format; refusals.
    twins.check(case(&["user", "delete", "ivan", "--yes"]));
    twins.check(case(&["-o", "json", "user", "delete", "hank", "--yes"]));
    twins.check(case(&[
        "-o",
        "name",
        "user",
        "delete",
        "gina@example.com",
        "-y",
    ]));
    twins.check(case(&["user", "delete", "ivan", "--yes"]).status(3));
    twins.check(case(&["-o", "json", "user", "delete", "ivan", "--yes"]).status(3));
    // Without --yes and without a terminal: refused after finding the user.
    twins.check(case(&["user", "delete", "erin"]).status(2));
    twins.check(case(&["user", "delete", "ghost"]).status(3));

    twins.assert_same_users();
}

#[test]
fn authenticate_through_the_socket_matches_direct_runs() {
    let twins = Twins::new(population);
    let password = format!("{PASSWORD}\n");
    for format in ["table", "json", "name"] {
        let out = twins.check(
            case(&["-o", format, "authenticate", "alice", "--password-stdin"])
                .stdin(password.clone()),
        );
        assert!(out.stdout.contains("<JWT>"), "{out}");
    }
    twins.check(
        case(&[
            "authenticate",
            "ALICE@example.com",
            "--password-stdin",
            "--ttl",
            "7d",
        ])
        .stdin(password.clone()),
    );
    // The token lifetime is the one asked for, on both sides.
    for db in [twins.direct(), twins.twin.clone()] {
        let out = run(
            &db,
            [
                "-o",
                "json",
                "authenticate",
                "admin",
                "--password-stdin",
                "--ttl",
                "15m",
            ],
        )
        .stdin(password.clone())
        .expect(0);
        let token = out.data();
        assert_eq!(
            token["token"].as_str().expect("a token").split('.').count(),
            3
        );
        assert!(token["expires_at"].is_string(), "{out}");
    }
    // Failures: wrong password, unknown user, blocked user, bad input.
    let out = twins.check(
        case(&["authenticate", "alice", "--password-stdin"])
            .stdin(format!("{NEW_PASSWORD}\n"))
            .status(5),
    );
    assert_eq!(
        out.stderr,
        "usersctl: error: invalid username or password\n"
    );
    let out = twins.check(
        case(&["-o", "json", "authenticate", "ghost", "--password-stdin"])
            .stdin(password.clone())
            .status(5),
    );
    assert_eq!(out.stderr_json()["error"], "invalid_credentials");
    twins.check(
        case(&["authenticate", "dave", "--password-stdin"])
            .stdin(password.clone())
            .status(5),
    );
    twins.check(
        case(&["authenticate", "alice", "--password-stdin", "--ttl", "400d"])
            .stdin(password.clone())
            .status(2),
    );
    twins.check(
        case(&["authenticate", "alice", "--password-stdin"])
            .status(2)
            .client_side(),
    );
    twins.check(case(&["authenticate", "alice"]).status(2).client_side());
    // last_login_at was set alike.
    twins.assert_same_users();
}

#[test]
fn delete_many_through_the_socket_matches_direct_runs() {
    let twins = Twins::new(|test| {
        population(test);
        test.create_many(&["erin", "frank", "gina", "hank"]);
    });
    // Names as arguments, each format, dry runs first.
    twins.check(case(&["users", "delete-many", "bob", "ghost", "--dry-run"]).status(3));
    twins.check(case(&[
        "-o",
        "json",
        "users",
        "delete-many",
        "bob",
        "carol",
        "--dry-run",
    ]));
    twins.check(case(&[
        "-o",
        "name",
        "users",
        "delete-many",
        "bob",
        "--dry-run",
    ]));
    twins.check(case(&["users", "delete-many", "bob", "BOB", "ghost", "--yes"]).status(3));
    let out = twins.check(
        case(&[
            "-o",
            "json",
            "users",
            "delete-many",
            "carol@example.com",
            "ghost",
            "-y",
        ])
        .status(3),
    );
    assert_eq!(
        out.stdout,
        "{\n  \"data\": {\n    \"deleted\": [\n      \"carol@example.com\"\n    ],\n    \"not_found\": [\n      \"ghost\"\n    ],\n    \"dry_run\": false\n  }\n}\n"
    );
    assert_eq!(out.stderr_json()["error"], "not_found");
    twins.check(case(&[
        "-o",
        "name",
        "-q",
        "users",
        "delete-many",
        "dave",
        "--yes",
    ]));
    // From a file, with comments and blank lines.
    let list = twins.test.path("list.txt");
    fs::write(&list, "# leavers\nerin\n\n  frank  \nghost\n").expect("write the list");
    let list = list.display().to_string();
    twins.check(case(&["users", "delete-many", "--from", &list, "--yes"]).status(3));
    // Refusals: nothing named, no --yes without a terminal, a missing file.
    twins.check(
        case(&["users", "delete-many", "--yes"])
            .status(2)
            .client_side(),
    );
    twins.check(
        case(&["users", "delete-many", "gina"])
            .status(2)
            .client_side(),
    );
    twins.check(
        case(&["users", "delete-many", "--from", "-"])
            .stdin("gina\n")
            .status(2)
            .client_side(),
    );
    twins.check(
        case(&[
            "users",
            "delete-many",
            "--from",
            "/nonexistent/list",
            "--yes",
        ])
        .status(2)
        .client_side(),
    );
    twins.assert_same_users();
}

#[test]
fn a_large_delete_many_from_stdin_through_the_socket_matches_a_direct_run() {
    let twins = Twins::new(|test| {
        test.create_many(&["bob", "carol", "dave", "erin", "frank"]);
    });
    // 20,000 names, a few of which exist (one of them twice), the rest not.
    let mut names: Vec<String> = (0..20_000).map(|n| format!("ghost{n:05}")).collect();
    names[17] = "bob".to_owned();
    names[9_999] = "carol@example.com".to_owned();
    names[19_998] = "dave".to_owned();
    names[19_999] = "bob".to_owned();
    let stdin = names.join("\n") + "\n";

    let out = twins.check(
        case(&[
            "-o",
            "json",
            "users",
            "delete-many",
            "--from",
            "-",
            "--dry-run",
        ])
        .stdin(stdin.clone())
        .status(3),
    );
    let report = out.data();
    assert_eq!(
        report["deleted"],
        json!(["bob", "carol@example.com", "dave"])
    );
    assert_eq!(report["not_found"].as_array().map(Vec::len), Some(19_996));
    assert_eq!(report["dry_run"], true);

    let out = twins.check(
        case(&["users", "delete-many", "--from", "-", "--yes"])
            .stdin(stdin)
            .status(3),
    );
    assert_eq!(
        out.stdout.lines().count(),
        19_999,
        "each distinct name once"
    );
    assert!(
        out.stdout.starts_with(
            "deleted\tbob\ndeleted\tcarol@example.com\ndeleted\tdave\nnot found\tghost00000\n"
        ),
        "{out}"
    );
    assert_eq!(
        out.stderr,
        "deleted 3, not found 19996\n\
         usersctl: error: 19996 of the named users were not found; 3 users were deleted\n"
    );
    let left = twins.check(case(&["-o", "name", "users", "list"]));
    assert_eq!(left.stdout, "erin\nfrank\n");
}

#[test]
fn two_names_of_one_user_are_both_deleted_wherever_they_fall_in_a_long_list() {
    let test = Test::new();
    test.create_many(&["carol"]);
    // carol is the 1000th name, her email the 1001st: one batch boundary apart.
    let mut names: Vec<String> = (0..999).map(|n| format!("ghost{n:03}")).collect();
    names.push("carol".to_owned());
    names.push("carol@example.com".to_owned());
    let stdin = names.join("\n") + "\n";
    let dry = run(
        &test.db(),
        [
            "-o",
            "json",
            "users",
            "delete-many",
            "--from",
            "-",
            "--dry-run",
        ],
    )
    .stdin(stdin.clone())
    .expect(3)
    .data();
    // Two names of one user: one user deleted, the other name a duplicate.
    assert_eq!(dry["deleted"], json!(["carol"]));
    assert_eq!(dry["duplicates"], json!(["carol@example.com"]));
    let real = run(
        &test.db(),
        ["-o", "json", "users", "delete-many", "--from", "-", "--yes"],
    )
    .stdin(stdin)
    .expect(3)
    .data();
    assert_eq!(
        real["deleted"], dry["deleted"],
        "a real run disagrees with its dry run"
    );
    assert_eq!(real["not_found"].as_array().map(Vec::len), Some(999));
}

// ---------------------------------------------------------------------------
// Writes through the socket and HTTP see the same database at once
// ---------------------------------------------------------------------------

#[test]
fn writes_through_the_socket_are_visible_over_http_at_once() {
    let test = Test::new();
    test.create("admin", &["--role", "admin"]);
    let server = Server::start(&test.db());
    let db = test.db();
    let admin = http_login(&server, "admin", PASSWORD).expect("the admin logs in");

    // Create through the socket: at once a user over HTTP, with its password.
    let ops = server.ops();
    run(
        &db,
        [
            "-o",
            "name",
            "user",
            "create",
            "frank",
            "--email",
            "frank@example.com",
            "--name",
            "Frank",
            "--password-stdin",
        ],
    )
    .stdin(format!("{PASSWORD}\n"))
    .expect(0);
    server.assert_ops_after(ops, &|| "user create".to_owned());
    let frank = http_user(&server, &admin, "frank").expect("frank is visible over HTTP");
    assert_eq!(frank["email"], "frank@example.com");
    assert_eq!(frank["name"], "Frank");
    let franks = http_login(&server, "frank", PASSWORD).expect("frank logs in over HTTP");

    // Update through the socket: the change is visible at once, the block bites.
    run(
        &db,
        [
            "-q",
            "user",
            "update",
            "frank",
            "--name",
            "Frank Z",
            "--attr",
            "band=mothers",
        ],
    )
    .expect(0);
    let frank = http_user(&server, &admin, "frank").expect("frank");
    assert_eq!(frank["name"], "Frank Z");
    assert_eq!(frank["attributes"], json!({"band": "mothers"}));
    run(
        &db,
        [
            "-q", "user", "update", "frank", "--block", "--reason", "test",
        ],
    )
    .expect(0);
    assert_eq!(
        http_user(&server, &admin, "frank").expect("frank")["blocked"],
        true
    );
    assert_eq!(
        http_user(&server, &franks, "frank"),
        Err(403),
        "a blocked user's token stops working"
    );
    assert_eq!(http_login(&server, "frank", PASSWORD), Err(401));
    run(
        &db,
        [
            "-q",
            "user",
            "update",
            "frank",
            "--unblock",
            "--password-stdin",
        ],
    )
    .stdin(format!("{NEW_PASSWORD}\n"))
    .expect(0);
    assert_eq!(http_login(&server, "frank", PASSWORD), Err(401));
    http_login(&server, "frank", NEW_PASSWORD).expect("the new password works over HTTP");

    // Delete through the socket: gone at once.
    run(&db, ["-q", "user", "delete", "frank", "--yes"]).expect(0);
    assert_eq!(http_user(&server, &admin, "frank"), Err(404));
    run(
        &db,
        [
            "-q",
            "-o",
            "name",
            "user",
            "create",
            "gina",
            "--email",
            "gina@example.com",
            "--generate-password",
        ],
    )
    .expect(0);
    http_user(&server, &admin, "gina").expect("gina");
    run(&db, ["-q", "users", "delete-many", "gina", "--yes"]).expect(0);
    assert_eq!(http_user(&server, &admin, "gina"), Err(404));

    // And the other way: a write over HTTP is what the socket answers with.
    ureq::post(&server.url("/users"))
        .set("Authorization", &format!("Bearer {admin}"))
        .send_json(
            json!({"username": "hank", "email": "hank@example.com", "generate_password": true}),
        )
        .expect("POST /users");
    let out = run(&db, ["-o", "name", "user", "get", "hank"]).expect(0);
    assert_eq!(out.stdout, "hank\n");

    // A token issued through the socket is good over HTTP.
    let token = run(
        &db,
        ["-o", "name", "authenticate", "admin", "--password-stdin"],
    )
    .stdin(format!("{PASSWORD}\n"))
    .expect(0)
    .stdout;
    http_user(&server, token.trim(), "hank").expect("the socket's token works over HTTP");
}

// ---------------------------------------------------------------------------
// The socket file: its mode, its owner, a stale one
// ---------------------------------------------------------------------------

#[test]
fn the_socket_is_owner_only_and_removed_at_shutdown() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let mut server = Server::start(&test.db());
    let socket = server.socket();
    assert!(is_socket(&socket));
    assert_eq!(mode(&socket), 0o600);
    assert_eq!(mode(&test.db()), 0o700);
    let status = server.stop();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
    assert!(!socket.exists(), "the socket outlived the server");
}

#[test]
fn a_socket_open_to_others_is_refused() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let db = test.db();
    let mut server = Server::start(&db);
    let socket = server.socket();
    for open in [0o666, 0o660, 0o604] {
        fs::set_permissions(&socket, fs::Permissions::from_mode(open)).expect("chmod");
        let ops = server.ops();
        let out = run(&db, ["user", "get", "alice"]).expect(6);
        assert!(out.stdout.is_empty(), "{out}");
        assert!(
            out.stderr
                .starts_with("usersctl: error: refusing the admin socket "),
            "{out}"
        );
        assert!(out.stderr.contains(&format!("mode {open:o}")), "{out}");
        assert!(out.stderr.contains("mode 600"), "{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
        let out = run(&db, ["-o", "json", "users", "list"]).expect(6);
        let err = out.stderr_json();
        assert_eq!(err["error"], "unavailable");
        assert!(
            err["message"]
                .as_str()
                .expect("a message")
                .contains(&format!("mode {open:o}"))
        );
        // Refused before anything was sent.
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(server.ops(), ops, "a request went through a refused socket");
    }
    let status = server.stop();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
    assert!(!socket.exists());

    // A restarted server makes it owner-only again.
    let server = Server::start(&db);
    assert_eq!(mode(&socket), 0o600);
    let ops = server.ops();
    let out = run(&db, ["-o", "name", "user", "get", "alice"]).expect(0);
    assert_eq!(out.stdout, "alice\n");
    server.assert_ops_after(ops, &|| out.to_string());
}

#[test]
fn a_socket_of_another_owner_is_refused() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let db = test.db();
    if fs::metadata(&db).expect("db").uid() != 0 {
        eprintln!("skipped: changing a file's owner needs root");
        return;
    }
    let server = Server::start(&db);
    let socket = server.socket();
    let chown = |owner: &str| {
        let status = std::process::Command::new("chown")
            .arg(owner)
            .arg(&socket)
            .status()
            .expect("chown runs");
        assert!(status.success());
    };
    chown("65534");
    let out = run(&db, ["user", "get", "alice"]).expect(6);
    assert!(out.stderr.contains("refusing the admin socket"), "{out}");
    assert!(out.stderr.contains("uid 65534"), "{out}");
    chown("0");
    run(&db, ["user", "get", "alice"]).expect(0);
}

#[test]
fn a_socket_left_by_a_killed_server_is_harmless() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let db = test.db();
    let mut server = Server::start(&db);
    let socket = server.socket();
    server.kill();
    assert!(is_socket(&socket), "SIGKILL leaves the socket file behind");

    // The database is not locked any more: commands run directly.
    let out = run(&db, ["-o", "name", "user", "get", "alice"]).expect(0);
    assert_eq!(out.stdout, "alice\n");
    assert!(out.took < Duration::from_secs(5), "{out}");
    run(
        &db,
        [
            "-q",
            "-o",
            "name",
            "user",
            "create",
            "bob",
            "--email",
            "bob@example.com",
            "--generate-password",
        ],
    )
    .expect(0);
    let out = run(&db, ["-o", "name", "users", "list"]).expect(0);
    assert_eq!(out.stdout, "alice\nbob\n");

    // A new server replaces the stale socket, and answers on it.
    let mut server = Server::start(&db);
    server.wait_for_log("replaced a stale admin socket");
    assert_eq!(mode(&socket), 0o600);
    let ops = server.ops();
    let out = run(&db, ["-o", "name", "users", "list"]).expect(0);
    assert_eq!(out.stdout, "alice\nbob\n");
    server.assert_ops_after(ops, &|| out.to_string());
    assert_eq!(server.stop().code(), Some(0), "log:\n{}", server.log());
    assert!(!socket.exists());
}

// ---------------------------------------------------------------------------
// A locked database with no server answering
// ---------------------------------------------------------------------------

/// Holds an exclusive lock on a file from a program that is not usersctl.
const LOCKER: &str = "import fcntl,sys,time; f=open(sys.argv[1],'a'); \
    fcntl.flock(f,fcntl.LOCK_EX); print('locked',flush=True); time.sleep(30)";

/// Kills the child when dropped.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn hold_lock(db: &Path) -> Reaper {
    let mut locker = Reaper(
        std::process::Command::new("python3")
            .args(["-c", LOCKER])
            .arg(db.join("lock"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs"),
    );
    let mut line = String::new();
    BufReader::new(locker.0.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("the locker speaks");
    assert_eq!(line, "locked\n");
    locker
}

/// Asserts that `args` fails with exit 6 in under a second, naming `holder`.
fn assert_locked_fast(db: &Path, args: &[&str], holder: u32) {
    // Told not to wait for the holder to let go (the default is to wait a while).
    let args: Vec<&str> = ["--wait", "0"].iter().chain(args).copied().collect();
    let args = args.as_slice();
    let out = run(db, args).stdin(format!("{PASSWORD}\n")).expect(6);
    assert!(out.took < Duration::from_secs(1), "too slow\n{out}");
    assert!(out.stdout.is_empty(), "{out}");
    let message = if args.contains(&"json") {
        let err = out.stderr_json();
        assert_eq!(err["error"], "unavailable", "{out}");
        err["message"].as_str().expect("a message").to_owned()
    } else {
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
        out.stderr.clone()
    };
    assert!(
        message.contains(&format!(
            "database at {} is locked by process {holder} (",
            db.display()
        )),
        "the holder is not named\n{out}"
    );
    assert!(message.contains("python3"), "{out}");
    assert!(message.contains("no usersctl server answers"), "{out}");
}

#[test]
fn a_locked_database_with_no_server_fails_at_once_naming_the_holder() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let db = test.db();

    // No socket at all.
    let locker = hold_lock(&db);
    let pid = locker.0.id();
    assert_locked_fast(&db, &["user", "get", "alice"], pid);
    assert_locked_fast(&db, &["-o", "json", "users", "list"], pid);
    drop(locker);

    // A socket file left by a killed server, that nobody listens on.
    let mut server = Server::start(&db);
    server.kill();
    assert!(is_socket(&db.join(SOCKET)));
    let locker = hold_lock(&db);
    let pid = locker.0.id();
    for args in [
        &["user", "get", "alice"][..],
        &["-o", "json", "user", "delete", "alice", "--yes"],
        &["users", "delete-many", "alice", "--yes"],
        &["authenticate", "alice", "--password-stdin"],
        &[
            "user",
            "create",
            "bob",
            "--email",
            "bob@example.com",
            "--password-stdin",
        ],
    ] {
        assert_locked_fast(&db, args, pid);
    }
    // Something at the socket's path that is not a socket is no server either.
    fs::remove_file(db.join(SOCKET)).expect("rm");
    fs::write(db.join(SOCKET), "").expect("a plain file");
    assert_locked_fast(&db, &["user", "get", "alice"], pid);
    drop(locker);

    // Nothing was changed meanwhile.
    let out = run(&db, ["-o", "name", "users", "list"]).expect(0);
    assert_eq!(out.stdout, "alice\n");
}

#[test]
fn a_server_that_does_not_answer_fails_the_command_within_a_second() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let db = test.db();
    let server = Server::start(&db);
    server.signal("STOP");
    let mut client = Reaper(
        usersctl(&db)
            .args(["user", "get", "alice"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("usersctl runs"),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = client.0.try_wait().expect("try_wait") {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(5) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed();
    server.signal("CONT");
    let status = status.expect("the command hung on a server that does not answer");
    assert_eq!(status.code(), Some(6));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    // It says which process holds the database, as README promises.
    let mut stderr = String::new();
    std::io::Read::read_to_string(client.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains(&format!("is locked by process {} (", server.pid()))
            && stderr.contains("usersctl")
            && stderr.contains("did not answer within 500 ms: is it stopped or hung?"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

// ---------------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------------

#[test]
fn after_sigterm_the_database_is_usable_directly_with_every_write() {
    let test = Test::new();
    test.create("admin", &["--role", "admin"]);
    let db = test.db();
    let mut server = Server::start(&db);
    run(
        &db,
        [
            "-q",
            "user",
            "create",
            "bob",
            "--email",
            "bob@example.com",
            "--password-stdin",
        ],
    )
    .stdin(format!("{PASSWORD}\n"))
    .expect(0);
    run(
        &db,
        [
            "-q", "user", "update", "bob", "--name", "Bob", "--role", "admin",
        ],
    )
    .expect(0);
    run(
        &db,
        [
            "-q",
            "-o",
            "name",
            "user",
            "create",
            "carol",
            "--email",
            "carol@example.com",
            "--generate-password",
        ],
    )
    .expect(0);
    run(&db, ["-q", "user", "delete", "carol", "--yes"]).expect(0);
    // Directly, the database is the server's meanwhile.
    assert!(
        matches!(
            fs::read_to_string(db.join("lock")).map(|pid| pid.trim().to_owned()),
            Ok(pid) if pid == server.pid().to_string()
        ),
        "the server holds the lock"
    );

    let status = server.stop();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
    assert!(
        server.log().contains("database flushed"),
        "{}",
        server.log()
    );
    assert!(!db.join(SOCKET).exists());

    let out = run(&db, ["-o", "json", "user", "get", "bob"]).expect(0);
    assert!(out.took < Duration::from_secs(5), "{out}");
    let bob = out.data();
    assert_eq!(bob["name"], "Bob");
    assert_eq!(bob["role"], "admin");
    run(&db, ["user", "get", "carol"]).expect(3);
    run(
        &db,
        ["-o", "name", "authenticate", "bob", "--password-stdin"],
    )
    .stdin(format!("{PASSWORD}\n"))
    .expect(0);
    let out = run(&db, ["-o", "name", "users", "list"]).expect(0);
    assert_eq!(out.stdout, "admin\nbob\n");
}

// ---------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------

#[test]
fn passwords_cross_only_the_socket_never_the_log() {
    let test = Test::new();
    test.create("admin", &["--role", "admin"]);
    let db = test.db();
    // The most talkative log there is.
    let mut server = Server::start_with(&db, &[("RUST_LOG", "trace")]);
    let first = "Cr0ss-The-S0cket-Only!";
    let second = "Sec0nd-Secret-Phrase?";
    let wrong = "Wr0ng-Guess-Entirely#";
    run(
        &db,
        [
            "-q",
            "user",
            "create",
            "zed",
            "--email",
            "zed@example.com",
            "--password-stdin",
        ],
    )
    .stdin(format!("{first}\n"))
    .expect(0);
    let token = run(
        &db,
        ["-o", "name", "authenticate", "zed", "--password-stdin"],
    )
    .stdin(format!("{first}\n"))
    .expect(0)
    .stdout
    .trim()
    .to_owned();
    run(&db, ["authenticate", "zed", "--password-stdin"])
        .stdin(format!("{wrong}\n"))
        .expect(5);
    run(&db, ["-q", "user", "update", "zed", "--password-stdin"])
        .stdin(format!("{second}\n"))
        .expect(0);
    let token2 = run(
        &db,
        ["-o", "json", "authenticate", "zed", "--password-stdin"],
    )
    .stdin(format!("{second}\n"))
    .expect(0)
    .data()["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let generated = run(
        &db,
        [
            "-o",
            "name",
            "user",
            "create",
            "yan",
            "--email",
            "yan@example.com",
            "--generate-password",
        ],
    )
    .expect(0)
    .stderr
    .lines()
    .find_map(|l| l.strip_prefix("generated password: "))
    .expect("the generated password")
    .to_owned();
    run(
        &db,
        [
            "-q",
            "user",
            "create",
            "xia",
            "--email",
            "xia@example.com",
            "--password-stdin",
        ],
    )
    .stdin("password123\n")
    .expect(2);
    let cmdline = fs::read(format!("/proc/{}/cmdline", server.pid())).unwrap_or_default();
    let environ = fs::read(format!("/proc/{}/environ", server.pid())).unwrap_or_default();

    assert_eq!(server.stop().code(), Some(0));
    let log = server.log();
    assert!(
        log.contains("op=\"create_user\""),
        "the log says what was done:\n{log}"
    );
    assert!(log.contains("op=\"authenticate\""), "{log}");
    for secret in [first, second, wrong, "password123", generated.as_str()] {
        assert!(!log.contains(secret), "a password is in the server's log");
        for leak in [&cmdline, &environ] {
            assert!(
                !String::from_utf8_lossy(leak).contains(secret),
                "a password reached the server's argv or environment"
            );
        }
    }
    assert!(
        !log.contains("$argon2"),
        "a password hash is in the server's log"
    );
    for token in [&token, &token2] {
        assert_eq!(token.split('.').count(), 3);
        let signature = token.rsplit('.').next().expect("a signature");
        assert!(!log.contains(signature), "a token is in the server's log");
    }
}

// ---------------------------------------------------------------------------
// Where the socket cannot be a path
// ---------------------------------------------------------------------------

#[test]
fn a_database_in_a_deep_directory_can_be_served_and_operated() {
    let test = Test::new();
    let deep = test
        .dir
        .path()
        .join("a".repeat(60))
        .join("b".repeat(40))
        .join("db");
    assert!(deep.join(SOCKET).as_os_str().len() > 108);
    run(
        &deep,
        [
            "-q",
            "-o",
            "name",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--generate-password",
        ],
    )
    .expect(0);
    let server = Server::start(&deep);
    ureq::get(&server.url("/health"))
        .call()
        .expect("GET /health");
    let out = run(&deep, ["-o", "name", "user", "get", "alice"]).expect(0);
    assert_eq!(out.stdout, "alice\n");
}

/// The command's own `--reserved-names` and `--min-password-length` hold while
/// a server (with the defaults) carries the command out: whichever is stricter
/// wins, so the same command refuses the same things with or without it.
#[test]
fn the_callers_policy_holds_through_the_server() {
    let test = Test::new();
    test.create("alice", &["--role", "admin"]);
    let server = Server::start(&test.db());
    let strict = [
        "--reserved-names",
        "bob,carol",
        "--min-password-length",
        "20",
    ];
    let before = server.ops();

    let out = run(&test.db(), strict)
        .args(["user", "create", "bob", "--email", "bob@example.com"])
        .args(["--generate-password"])
        .expect(4);
    assert_eq!(out.stderr, "usersctl: error: username bob is reserved\n");
    let out = run(&test.db(), strict)
        .args(["user", "create", "dave", "--email", "dave@example.com"])
        .args(["--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .expect(2);
    assert!(out.stderr.contains("at least 20 characters"), "{out}");
    let out = run(&test.db(), strict)
        .args(["user", "update", "alice", "--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .expect(2);
    assert!(out.stderr.contains("at least 20 characters"), "{out}");

    // Import: the lines the caller's policy refuses are reported and not
    // stored; the rest go through the server.
    let lines = [
        json!({"username": "carol", "email": "carol@example.com", "password": "a long enough passphrase here"}),
        json!({"username": "erin", "email": "erin@example.com", "password": PASSWORD}),
        json!({"username": "frank", "email": "frank@example.com", "password": "a long enough passphrase here"}),
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect::<String>();
    let out = run(&test.db(), strict)
        .args(["-o", "json", "users", "import", "-"])
        .stdin(lines)
        // A line refused as invalid makes it exit 2 (4 only when every
        // refusal is a conflict).
        .expect(2);
    let report = out.json()["data"].clone();
    assert_eq!(report["imported"], 1, "{out}");
    let refused: Vec<(u64, String)> = report["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["error"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        refused,
        [(1, "conflict".to_owned()), (2, "invalid_input".to_owned())],
        "{out}"
    );
    server.assert_ops_after(before, &|| "import".to_owned());

    let names: Vec<String> = run(&test.db(), ["-o", "name", "users", "list"])
        .expect(0)
        .stdout
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(names, ["alice", "frank"]);
}

/// The operator sees a throttled login on `user get`, and `user unlock`
/// forgets the failures a running server counted.
#[test]
fn user_get_shows_a_throttled_login_and_user_unlock_clears_it() {
    let test = Test::new();
    test.create("alice", &[]);
    // Without a server nothing is counted, so there is nothing to forget.
    let out = run(&test.db(), ["user", "unlock", "alice"]).expect(0);
    assert_eq!(out.stderr, "alice had no failed logins to forget\n");
    let server = Server::start(&test.db());
    for _ in 0..5 {
        assert_eq!(http_login(&server, "alice", "wrong password 1"), Err(401));
    }
    assert_eq!(http_login(&server, "alice", "wrong password 1"), Err(429));
    let shown = run(&test.db(), ["user", "get", "alice"]).expect(0);
    assert!(
        shown
            .stdout
            .contains("login throttled: 5 failed logins in a row from 1 address, held back until ")
            && shown
                .stdout
                .contains("`usersctl user unlock alice` forgets them"),
        "{shown}"
    );
    // JSON stays the HTTP body.
    let json = run(&test.db(), ["-o", "json", "user", "get", "alice"]).expect(0);
    assert!(!json.stdout.contains("throttled"), "{json}");

    let out = run(&test.db(), ["user", "unlock", "alice@example.com"]).expect(0);
    assert_eq!(
        out.stderr,
        "forgot the failed logins of alice@example.com\n"
    );
    assert!(
        !run(&test.db(), ["user", "get", "alice"])
            .expect(0)
            .stdout
            .contains("throttled")
    );
    assert_eq!(http_login(&server, "alice", "wrong password 1"), Err(401));
    assert!(http_login(&server, "alice", PASSWORD).is_ok());
    let out = run(&test.db(), ["-o", "json", "user", "unlock", "alice"]).expect(0);
    assert_eq!(out.data(), json!({"unlocked": false}));
    run(&test.db(), ["user", "unlock", "ghost"]).expect(3);
}

#[test]
fn check_runs_beside_a_server_and_repair_asks_for_the_database_to_itself() {
    let test = Test::new();
    test.create("alice", &[]);
    let server = Server::start(&test.db());
    let check = run(&test.db(), ["check"]).expect(0);
    assert_eq!(check.stderr, "checked 1 users: sound\n", "{check}");
    let repair = run(&test.db(), ["check", "--repair"]).expect(6);
    assert!(
        repair.stderr.contains("needs the database to itself")
            && repair.stderr.contains("stop the server"),
        "{repair}"
    );
    assert!(
        !fs::read_dir(test.db()).unwrap().flatten().any(|e| e
            .file_name()
            .to_string_lossy()
            .starts_with("sled.before-repair")),
        "a refused repair kept a copy"
    );
    // The server serves on, untouched.
    assert!(http_login(&server, "alice", PASSWORD).is_ok());
}

#[test]
fn the_recycle_bin_through_the_socket_matches_direct_runs() {
    let twins = Twins::new(|test| {
        population(test);
        test.create_many(&["erin", "frank"]);
    });
    twins.check(case(&[
        "-q",
        "users",
        "delete-many",
        "bob",
        "carol",
        "erin",
        "--yes",
    ]));
    twins.check(case(&["-o", "name", "users", "deleted"]));
    twins.check(case(&["users", "deleted", "--count", "--search", "CAR"]));
    twins.check(case(&["user", "restore", "bob"]));
    twins.check(case(&["user", "restore", "ghost"]).status(3));
    twins.check(
        case(&["users", "restore", "--from", "-"])
            .stdin("carol\nghost\n")
            .status(3),
    );
    twins.check(case(&["user", "purge", "erin", "--yes"]));
    twins.check(case(&["user", "delete", "frank", "--purge", "--yes"]));
    twins.check(case(&["users", "purge", "--yes"]));
    twins.check(case(&["settings", "set", "bin-retention", "7d"]));
    twins.check(case(&["-o", "json", "settings", "show"]));
    twins.check(case(&["-o", "name", "users", "list"]));
    // The trail records the same, made by the same operator, either way.
    twins.check(case(&[
        "audit",
        "--action",
        "delete,restore,purge,settings",
    ]));
    twins.check(case(&["audit", "--user", "ghost@example.com"]).status(3));
    twins.check(case(&["audit", "--user", "erin"]));
}

#[test]
fn groups_through_the_socket_match_direct_runs() {
    let twins = Twins::new(|test| {
        population(test);
        run(&test.db(), ["-q", "group", "create", "ops"]).expect(0);
    });
    twins.check(case(&[
        "group", "add", "alice", "bob", "ghost", "--to", "ops",
    ]));
    twins.check(case(&["group", "add", "carol", "--to", "ghosts"]).status(3));
    twins.check(
        case(&["group", "remove", "--from", "ops", "--users-from", "-"]).stdin("bob\nghost\n"),
    );
    twins.check(case(&["-o", "name", "users", "list", "--group", "ops"]));
    twins.check(case(&["user", "get", "alice"]));
    twins.check(case(&[
        "-o",
        "json",
        "group",
        "create",
        "devs",
        "--display-name",
        "Devs",
    ]));
    twins.check(case(&["group", "update", "devs", "--name", "builders"]));
    twins.check(case(&["-o", "name", "group", "list"]));
    twins.check(case(&["group", "delete", "builders", "--yes"]));
    twins.check(case(&["users", "export"]));
    twins.check(case(&[
        "audit",
        "--action",
        "group_create,group_add,group_remove,group_update,group_delete",
    ]));
}

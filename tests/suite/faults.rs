//! Faults and attacks: what usersctl does when its disk fills up, when its
//! database files are unreadable, damaged or from a newer version, when its
//! secret is badly protected, and when clients probe for accounts by timing or
//! tie up connections by stalling in their headers.
//!
//! Every test runs the real binary (with the tool's own environment removed)
//! against its own temporary database directory. A fault must give a clear
//! one-line error and the documented exit code (or a 503 in JSON), never a
//! panic, and must not lose anything that was stored before it.
//!
//! The full-disk tests mount a small tmpfs; where mounting is not allowed they
//! say why and skip their body. The unreadable-file test needs a user that file
//! permissions apply to: as root it runs the binary as `nobody` through
//! `setpriv`, and skips if it cannot.

use crate::support::{Process, Reply, clean_env, exchange, listening_on, spawn_server, usersctl};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// A password the strength check accepts.
const PASSWORD: &str = "Tr0ub4dor&3horse";
const WRONG_PASSWORD: &str = "definitely-not-it-42";
/// The signing secret of the servers started here (so no secret file is needed).
const SECRET: &str = "usersctl fault tests: a signing secret of 32+ bytes";

// ---------------------------------------------------------------------------
// The harness: the binary, its outcomes, a server, a tmpfs
// ---------------------------------------------------------------------------

/// What one run of the binary did.
struct Run {
    what: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from_output(what: String, out: Output) -> Run {
        Run {
            what,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    fn ok(&self) -> &Self {
        assert_eq!(self.code, Some(0), "{self}");
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// A failure the way SPEC section 3 wants one: an exit code from `codes`,
    /// nothing on stdout, and one line on stderr that is not a panic.
    #[track_caller]
    fn clean_error(&self, codes: &[i32]) -> String {
        assert!(
            self.code.is_some_and(|c| codes.contains(&c)),
            "expected an exit code in {codes:?}:\n{self}"
        );
        assert_no_panic(&self.stderr, &self.what);
        assert_eq!(self.stdout, "", "a failure printed on stdout:\n{self}");
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "an error is one line on stderr:\n{self}"
        );
        let line = self.stderr.trim_end();
        let message = line
            .strip_prefix("usersctl: error: ")
            .unwrap_or_else(|| panic!("not a usersctl error line:\n{self}"));
        assert!(message.len() > 10, "an unhelpful message:\n{self}");
        message.to_owned()
    }

    /// `clean_error` for `-o json`: the one line on stderr is a JSON error.
    #[track_caller]
    fn clean_json_error(&self, codes: &[i32]) -> Value {
        assert!(
            self.code.is_some_and(|c| codes.contains(&c)),
            "expected an exit code in {codes:?}:\n{self}"
        );
        assert_no_panic(&self.stderr, &self.what);
        assert_eq!(self.stdout, "", "a failure printed on stdout:\n{self}");
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line on stderr:\n{self}"
        );
        let err: Value = serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("the error is not JSON ({e}):\n{self}"));
        assert!(
            err["error"].is_string() && err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "not an error object:\n{self}"
        );
        err
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} -> exit {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.what, self.code, self.stdout, self.stderr
        )
    }
}

#[track_caller]
fn assert_no_panic(stderr: &str, what: &str) {
    for sign in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(
            !stderr.contains(sign),
            "{what}: a panic ({sign:?}) instead of an error:\n{stderr}"
        );
    }
}

/// A database directory of its own, inside a temporary directory.
struct Test {
    /// A file system of its own, unmounted (first) when the test ends.
    _mount: Option<Tmpfs>,
    dir: TempDir,
    db: PathBuf,
}

impl Test {
    fn new() -> Test {
        let dir = TempDir::new().expect("a temporary directory");
        let db = dir.path().join("db");
        Test {
            _mount: None,
            dir,
            db,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `usersctl --db DB ARGS` with `stdin` as its input.
    fn run(&self, args: &[&str], stdin: &str) -> Run {
        self.run_with(usersctl(), args, stdin)
    }

    fn run_with(&self, mut cmd: Command, args: &[&str], stdin: &str) -> Run {
        let mut child = cmd
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("usersctl runs");
        let mut input = child.stdin.take().expect("a stdin pipe");
        // A command that reads nothing may exit before this is written.
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        let out = child.wait_with_output().expect("usersctl finishes");
        Run::from_output(format!("usersctl {}", args.join(" ")), out)
    }

    /// Creates `name` (email `<name>@example.com`, password `PASSWORD`, the
    /// extra arguments given); it must succeed.
    fn create(&self, name: &str, extra: &[&str]) {
        let email = format!("{name}@example.com");
        let mut args = vec!["-q", "user", "create", name, "--email", &email];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        self.run(&args, &format!("{PASSWORD}\n")).ok();
    }

    /// Every user, by id, as `users list -o json` shows them.
    fn users(&self) -> BTreeMap<String, Value> {
        let run = self.run(&["-o", "json", "users", "list", "--limit", "1000"], "");
        run.ok();
        users_by_id(&run.json())
    }

    fn serve(&self) -> Serve<'_> {
        Serve {
            test: self,
            env: vec![("USERSCTL_JWT_SECRET".to_owned(), SECRET.to_owned())],
            args: Vec::new(),
        }
    }
}

/// The users of a `users list -o json` answer or of `GET /users`: both are
/// `{"data": [...]}`.
fn users_by_id(list: &Value) -> BTreeMap<String, Value> {
    let users = list["data"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list of users: {list}"));
    users
        .iter()
        .map(|u| (u["id"].as_str().expect("an id").to_owned(), u.clone()))
        .collect()
}

struct Serve<'a> {
    test: &'a Test,
    env: Vec<(String, String)>,
    args: Vec<String>,
}

impl Serve<'_> {
    fn env(mut self, key: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    fn without_env(mut self, key: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self
    }

    fn spawn(&self, mut cmd: Command, log: &Path) -> (Process, mpsc::Receiver<String>) {
        cmd.arg("--db")
            .arg(&self.test.db)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"])
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        spawn_server(cmd, log)
    }

    /// Starts the server; it must say where it listens.
    fn start(self) -> Server {
        let log = self.test.path(&format!("server-{}.log", unique()));
        let (process, rx) = self.spawn(usersctl(), &log);
        Server {
            addr: listening_on(&rx, &log),
            process,
            log,
        }
    }

    /// Starts the server, which must refuse: it exits within 20 s, never
    /// listens, and says why on stderr. Returns its exit code and stderr.
    fn refused(self) -> (Option<i32>, String) {
        self.refused_with(usersctl())
    }

    /// `refused`, with the binary run by `cmd`.
    fn refused_with(self, cmd: Command) -> (Option<i32>, String) {
        let log = self.test.path(&format!("server-{}.log", unique()));
        let (mut process, rx) = self.spawn(cmd, &log);
        let status = process
            .wait_for_exit(Duration::from_secs(20))
            .unwrap_or_else(|| {
                panic!(
                    "the server did not refuse to start\nlog:\n{}",
                    fs::read_to_string(&log).unwrap_or_default()
                )
            });
        let first = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
        let stderr = fs::read_to_string(&log).unwrap_or_default();
        assert!(
            !first.starts_with("listening"),
            "the server listened ({first:?}) before it refused:\n{stderr}"
        );
        assert_no_panic(&stderr, "usersctl serve");
        (status.code(), stderr)
    }
}

fn unique() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

struct Server {
    process: Process,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// One request on a fresh connection.
    fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        let body = body.map(Value::to_string).unwrap_or_default();
        if !body.is_empty() {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        head.push_str(&body);
        exchange(self.addr, head.as_bytes(), &format!("{method} {path}"))
    }

    fn login(&self, username: &str, password: &str) -> String {
        let reply = self.send(
            "POST",
            "/authenticate",
            None,
            Some(&json!({"username": username, "password": password})),
        );
        assert_eq!(reply.status, 200, "{reply}");
        reply.json()["data"]["token"]
            .as_str()
            .expect("a token")
            .to_owned()
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    /// SIGTERM, and the exit status (within 20 s).
    fn stop(mut self) -> (ExitStatus, String) {
        self.process.terminate();
        let status = self
            .process
            .wait_for_exit(Duration::from_secs(20))
            .unwrap_or_else(|| panic!("the server did not stop\nlog:\n{}", self.log()));
        let log = self.log();
        (status, log)
    }
}

/// An HTTP answer read off a raw socket.
impl Reply {
    /// An error body `{"error", "message", ...}` with `status` and `code`.
    #[track_caller]
    fn error_message(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "{self}");
        let body = self.json();
        assert_eq!(body["error"], code, "{self}");
        let message = body["message"].as_str().unwrap_or_default().to_owned();
        assert!(!message.is_empty(), "an error without a message:\n{self}");
        message
    }
}

/// A tmpfs mounted for the life of the guard.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Result<Tmpfs, String> {
        fs::create_dir_all(path).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs {
            path: path.to_owned(),
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// A test whose database lives on a small tmpfs (mounted on the returned
/// path), or `None` (after saying why) where mounting is not allowed.
fn small_disk(size: &str) -> Option<(Test, PathBuf)> {
    let dir = TempDir::new().expect("a temporary directory");
    let mnt = dir.path().join("mnt");
    match Tmpfs::mount(&mnt, size) {
        Ok(tmpfs) => Some((
            Test {
                _mount: Some(tmpfs),
                dir,
                db: mnt.join("db"),
            },
            mnt,
        )),
        Err(why) => {
            eprintln!("SKIPPED: cannot mount a {size} tmpfs for a full disk: {why}");
            None
        }
    }
}

/// Fills the file system holding `dir` with a file, until it is full; returns
/// the file (delete it to free the space again).
fn fill_disk(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = File::create(&path).expect("a filler file");
    for chunk in [64 * 1024, 4096, 512, 1] {
        let bytes = vec![0xa5u8; chunk];
        loop {
            match file.write(&bytes) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
    }
    let _ = file.sync_all();
    assert!(
        file.write(&[0u8; 4096]).is_err(),
        "the disk is not full after filling it"
    );
    path
}

/// An attribute value that makes a record of about 7 KiB, to use up space fast.
fn bulky() -> String {
    "x".repeat(7000)
}

// ---------------------------------------------------------------------------
// A full disk
// ---------------------------------------------------------------------------

#[test]
fn a_full_disk_refuses_cli_writes_with_a_clear_exit_6() {
    cli_on_a_full_disk(false);
}

#[test]
fn cli_writes_refused_on_a_full_disk_lose_nothing_once_space_is_freed() {
    cli_on_a_full_disk(true);
}

/// Fills the disk under a database, tries CLI writes (and a read), which must
/// fail cleanly; with `recover`, frees the space and checks that nothing stored
/// before is lost and that writes work again.
fn cli_on_a_full_disk(recover: bool) {
    let Some((test, mnt)) = small_disk("4m") else {
        return;
    };
    test.create("admin", &["--role", "admin", "--name", "The Admin"]);
    for name in ["alice", "bob", "carol"] {
        test.create(name, &["--attr", "phone=0245000001", "--attr", "title=cto"]);
    }
    let before = test.users();
    assert_eq!(before.len(), 4);

    let filler = fill_disk(&mnt);

    // Writes until the first refusal: each is acknowledged (exit 0) or refused
    // cleanly; none panics.
    let bio = format!("bio={}", bulky());
    let mut acknowledged = Vec::new();
    let mut refusals = Vec::new();
    for i in 0..120 {
        let name = format!("full{i:03}");
        let email = format!("{name}@example.com");
        let run = test.run(
            &[
                "-q",
                "user",
                "create",
                &name,
                "--email",
                &email,
                "--attr",
                &bio,
                "--generate-password",
            ],
            "",
        );
        if run.code == Some(0) {
            acknowledged.push(name);
            continue;
        }
        refusals.push(run.clean_error(&[1, 6]));
        if refusals.len() == 2 {
            break;
        }
    }
    assert!(
        !refusals.is_empty(),
        "120 writes of 7 KiB on a full 4 MiB disk were all acknowledged"
    );
    eprintln!(
        "full disk: {} writes acknowledged, then refused with: {}",
        acknowledged.len(),
        refusals[0]
    );
    // (The first refusal; the test below shows writes resuming once space is freed.)
    assert!(
        refusals[0].contains("No space left on device"),
        "the message does not say the disk is full: {}",
        refusals[0]
    );

    // Other writes, and a read, are refused as cleanly (or succeed).
    let mut deleted_bob = false;
    let update = test.run(&["-q", "user", "update", "alice", "--name", "Alice L"], "");
    if update.code != Some(0) {
        update.clean_error(&[1, 6]);
    }
    let delete = test.run(&["-q", "user", "delete", "bob", "--yes"], "");
    if delete.code == Some(0) {
        deleted_bob = true;
    } else {
        delete.clean_error(&[1, 6]);
    }
    let import = test.run(
        &["users", "import", "-"],
        &format!(
            "{}\n",
            json!({"username": "dave", "email": "dave@example.com", "password": PASSWORD})
        ),
    );
    let imported_dave = import.code == Some(0);
    if !imported_dave {
        import.clean_error(&[1, 2, 6]);
        assert_no_panic(&import.stderr, "import");
    }
    let read = test.run(&["-o", "json", "users", "list", "--limit", "1000"], "");
    if read.code == Some(0) {
        let seen = users_by_id(&read.json());
        for id in before.keys() {
            assert!(
                seen.contains_key(id) || deleted_bob,
                "a stored user is missing while the disk is full: {id}"
            );
        }
    } else {
        read.clean_json_error(&[1, 6]);
    }
    for (what, stderr) in [("update", &update.stderr), ("delete", &delete.stderr)] {
        assert_no_panic(stderr, what);
    }
    if !recover {
        return;
    }

    // Space again: everything stored before is there, unchanged; everything
    // acknowledged is there; writes work again.
    fs::remove_file(&filler).unwrap();
    let after = test.users();
    for (id, user) in &before {
        match user["username"].as_str() {
            Some("bob") if deleted_bob => assert!(!after.contains_key(id)),
            Some("alice") => {
                let now = &after[id];
                assert_eq!(now["email"], user["email"]);
                assert_eq!(now["attributes"], user["attributes"]);
            }
            _ => assert_eq!(after.get(id), Some(user), "a user changed or was lost"),
        }
    }
    let names: Vec<&str> = after
        .values()
        .filter_map(|u| u["username"].as_str())
        .collect();
    for name in &acknowledged {
        assert!(
            names.contains(&name.as_str()),
            "{name} was acknowledged, then lost"
        );
    }
    if imported_dave {
        assert!(names.contains(&"dave"));
    }
    test.create("erin", &[]);
    test.run(&["-q", "user", "update", "alice", "--name", "Alice L"], "")
        .ok();
    let check = test.run(&["check"], "");
    check.ok();
    let auth = test.run(
        &["authenticate", "carol", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    auth.ok();
}

#[test]
fn a_full_disk_is_503_over_http_and_loses_nothing() {
    let Some((test, mnt)) = small_disk("4m") else {
        return;
    };
    test.create("admin", &["--role", "admin"]);
    let server = test.serve().start();
    let admin = server.login("admin", PASSWORD);
    for name in ["alice", "bob", "carol"] {
        let reply = server.send(
            "POST",
            "/users",
            Some(&admin),
            Some(
                &json!({"username": name, "email": format!("{name}@example.com"),
                         "password": PASSWORD, "attributes": {"phone": "0245"}}),
            ),
        );
        assert_eq!(reply.status, 201, "{reply}");
    }
    let mut server = server;
    let filler = fill_disk(&mnt);

    let mut acknowledged = Vec::new();
    let mut refusals = Vec::new();
    for i in 0..300 {
        let name = format!("full{i:03}");
        let reply = server.send(
            "POST",
            "/users",
            Some(&admin),
            Some(
                &json!({"username": name, "email": format!("{name}@example.com"),
                         "generate_password": true, "attributes": {"bio": bulky()}}),
            ),
        );
        assert!(
            reply.status != 500,
            "a full disk is not an internal error:\n{reply}"
        );
        match reply.status {
            201 => acknowledged.push(name),
            _ => {
                let message = reply.error_message(503, "unavailable");
                assert!(
                    reply.header("retry-after").is_some(),
                    "a 503 without Retry-After:\n{reply}"
                );
                refusals.push(message);
                if refusals.len() == 3 {
                    break;
                }
            }
        }
    }
    assert!(
        !refusals.is_empty(),
        "300 writes of 7 KiB on a full 4 MiB disk were all acknowledged"
    );
    eprintln!(
        "full disk over HTTP: {} writes acknowledged, then 503: {}",
        acknowledged.len(),
        refusals[0]
    );
    for message in &refusals {
        assert!(
            message.contains("space") && !message.contains("panicked"),
            "the 503 does not say the disk is full: {message}"
        );
    }

    // Other requests: 2xx, or a JSON 503; never a 500; reads still answer.
    let requests: Vec<(&str, String, Option<Value>)> = vec![
        (
            "PATCH",
            "/users/alice".into(),
            Some(json!({"name": "Alice L"})),
        ),
        ("DELETE", "/users/bob".into(), None),
        ("GET", "/users/carol".into(), None),
        ("GET", "/users?limit=5".into(), None),
        ("GET", "/health".into(), None),
        ("POST", "/logout".into(), None),
    ];
    let mut bob_deleted = false;
    for (method, path, body) in &requests {
        let token = (*path != "/health").then_some(admin.as_str());
        let reply = server.send(method, path, token, body.as_ref());
        assert!(
            reply.status < 300 || reply.status == 503,
            "only success or 503 while the disk is full:\n{reply}"
        );
        if reply.status == 503 && *path != "/health" {
            reply.error_message(503, "unavailable");
        } else {
            reply.json();
        }
        if *method == "GET" && path.starts_with("/users") {
            assert_eq!(reply.status, 200, "reads keep working:\n{reply}");
        }
        if *method == "DELETE" && reply.status == 200 {
            bob_deleted = true;
        }
    }
    let login = server.send(
        "POST",
        "/authenticate",
        None,
        Some(&json!({"username": "carol", "password": PASSWORD})),
    );
    assert!(matches!(login.status, 200 | 503), "{login}");
    assert!(server.is_running(), "the server died on a full disk");
    assert_no_panic(&server.log(), "usersctl serve");

    // Stop it (its final flush may fail: that is an error, not a panic), free
    // the space, and everything acknowledged is there.
    let (status, log) = server.stop();
    assert_no_panic(&log, "usersctl serve");
    assert!(
        matches!(status.code(), Some(0 | 1 | 6)),
        "serve exited with {status:?}:\n{log}"
    );
    fs::remove_file(&filler).unwrap();
    let after = test.users();
    let names: Vec<&str> = after
        .values()
        .filter_map(|u| u["username"].as_str())
        .collect();
    for name in ["admin", "alice", "carol"] {
        assert!(names.contains(&name), "{name} was lost: {names:?}");
    }
    assert_eq!(names.contains(&"bob"), !bob_deleted, "{names:?}");
    for name in &acknowledged {
        assert!(
            names.contains(&name.as_str()),
            "{name} was acknowledged, then lost"
        );
    }
    let full000 = after.values().find(|u| u["username"] == "full000");
    if let Some(u) = full000 {
        assert_eq!(u["attributes"]["bio"], bulky());
    }

    // A new server on the same database writes again.
    let server = test.serve().start();
    let admin = server.login("admin", PASSWORD);
    let reply = server.send(
        "POST",
        "/users",
        Some(&admin),
        Some(&json!({"username": "erin", "email": "erin@example.com", "password": PASSWORD})),
    );
    assert_eq!(reply.status, 201, "{reply}");
    server.login("carol", PASSWORD);
}

#[test]
fn a_running_server_writes_again_once_disk_space_is_freed() {
    let Some((test, mnt)) = small_disk("4m") else {
        return;
    };
    test.create("admin", &["--role", "admin"]);
    let server = test.serve().start();
    let admin = server.login("admin", PASSWORD);
    let filler = fill_disk(&mnt);
    let create = |name: &str| {
        server.send(
            "POST",
            "/users",
            Some(&admin),
            Some(
                &json!({"username": name, "email": format!("{name}@example.com"),
                         "generate_password": true, "attributes": {"bio": bulky()}}),
            ),
        )
    };
    let mut problems = Vec::new();
    let mut refused = false;
    for i in 0..300 {
        let reply = create(&format!("full{i:03}"));
        if reply.status == 503 {
            refused = true;
            // While writes fail, the server should not report itself healthy.
            let health = server.send("GET", "/health", None, None);
            if health.status != 503 {
                problems.push(format!("/health is {} while writes fail", health.status));
            }
            break;
        }
    }
    assert!(refused, "the disk never filled up");
    fs::remove_file(&filler).unwrap();
    let mut last = None;
    for i in 0..10 {
        let reply = create(&format!("again{i}"));
        if reply.status == 201 {
            eprintln!(
                "writes resumed at attempt {} after freeing the space",
                i + 1
            );
            last = None;
            break;
        }
        last = Some(reply);
        std::thread::sleep(Duration::from_millis(500));
    }
    if let Some(reply) = last {
        problems.push(format!(
            "space was freed 5 s ago and writes still fail:\n{reply}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Unreadable, damaged and truncated database files
// ---------------------------------------------------------------------------

/// A database with a few users, closed; its users as `users list` shows them.
fn small_database() -> (Test, BTreeMap<String, Value>) {
    let test = Test::new();
    test.create("admin", &["--role", "admin"]);
    for name in ["alice", "bob", "carol", "dave", "erin"] {
        test.create(name, &["--attr", "phone=0245000001"]);
    }
    let users = test.users();
    assert_eq!(users.len(), 6);
    (test, users)
}

/// Copies `from` as `cp -a` would: with the modes it has (`fs::copy` keeps a
/// file's; a directory's is set here).
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    fs::set_permissions(to, fs::metadata(from).unwrap().permissions()).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (but the lock, which records its last holder) and
/// its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.file_name().is_some_and(|n| n != "lock") {
                out.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

/// The files sled keeps in `DIR/sled`, by name.
fn sled_files(db: &Path) -> Vec<String> {
    fs::read_dir(db.join("sled"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// How far the log in `DIR/sled/db` holds data (sled preallocates with zeros).
fn log_extent(db: &Path) -> usize {
    let log = fs::read(db.join("sled/db")).unwrap();
    log.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1)
}

fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn damaged_database_files_are_exit_6_and_leave_the_files_as_they_were() {
    let (pristine, users) = small_database();
    let files = sled_files(&pristine.db);
    assert!(
        files.iter().any(|f| f == "db") && files.iter().any(|f| f == "conf"),
        "sled keeps other files than expected: {files:?}"
    );
    let snaps: Vec<String> = files
        .iter()
        .filter(|f| f.starts_with("snap."))
        .cloned()
        .collect();
    type Damage = Box<dyn Fn(&Path)>;
    let mut damages: Vec<(&str, Damage)> = vec![
        (
            "the log truncated to nothing",
            Box::new(|db: &Path| File::create(db.join("sled/db")).map(drop).unwrap()),
        ),
        (
            "the log overwritten with garbage",
            Box::new(|db: &Path| {
                let len = fs::metadata(db.join("sled/db")).unwrap().len() as usize;
                fs::write(db.join("sled/db"), garbage(len, 7)).unwrap();
            }),
        ),
        (
            "the log zeroed",
            Box::new(|db: &Path| {
                let len = fs::metadata(db.join("sled/db")).unwrap().len() as usize;
                fs::write(db.join("sled/db"), vec![0u8; len]).unwrap();
            }),
        ),
        (
            "the log removed",
            Box::new(|db: &Path| fs::remove_file(db.join("sled/db")).unwrap()),
        ),
        (
            "the config overwritten with garbage",
            Box::new(|db: &Path| {
                let len = fs::metadata(db.join("sled/conf")).unwrap().len() as usize;
                fs::write(db.join("sled/conf"), garbage(len, 11)).unwrap();
            }),
        ),
        (
            "the log replaced by a directory",
            Box::new(|db: &Path| {
                fs::remove_file(db.join("sled/db")).unwrap();
                fs::create_dir(db.join("sled/db")).unwrap();
            }),
        ),
        (
            "the sled directory replaced by a file",
            Box::new(|db: &Path| {
                fs::remove_dir_all(db.join("sled")).unwrap();
                fs::write(db.join("sled"), "not a directory").unwrap();
            }),
        ),
    ];
    for snap in snaps {
        let (a, b) = (snap.clone(), snap.clone());
        damages.push((
            "a snapshot overwritten with garbage",
            Box::new(move |db: &Path| {
                let path = db.join("sled").join(&a);
                let len = fs::metadata(&path).unwrap().len() as usize;
                fs::write(&path, garbage(len, 13)).unwrap();
            }),
        ));
        damages.push((
            "a snapshot truncated",
            Box::new(move |db: &Path| {
                let path = db.join("sled").join(&b);
                File::options()
                    .write(true)
                    .open(&path)
                    .unwrap()
                    .set_len(10)
                    .unwrap();
            }),
        ));
    }

    for (what, damage) in &damages {
        let test = Test::new();
        copy_dir(&pristine.db, &test.db);
        damage(&test.db);
        // Damage done by the owner: what it made is the owner's alone, as the
        // rest is (else opening would first, rightly, tighten it).
        let chmod = Command::new("chmod")
            .args(["-R", "go-rwx"])
            .arg(&test.db)
            .status()
            .unwrap();
        assert!(chmod.success());
        let damaged = snapshot(&test.db);
        let prefix = format!("cannot open database at {}", test.db.display());
        for args in [
            &["users", "list"][..],
            &["user", "get", "alice"],
            &[
                "user",
                "create",
                "zed",
                "--email",
                "zed@example.com",
                "--generate-password",
            ],
            &["user", "delete", "bob", "--yes"],
            &["check"],
        ] {
            let run = test.run(args, "");
            let message = run.clean_error(&[6]);
            assert!(
                message.starts_with(&prefix),
                "{what}: the message does not name the database:\n{run}"
            );
        }
        let run = test.run(&["-o", "json", "users", "list"], "");
        let err = run.clean_json_error(&[6]);
        assert_eq!(err["error"], "unavailable", "{what}:\n{run}");

        let (code, log) = test.serve().refused();
        assert_eq!(code, Some(6), "{what}: serve:\n{log}");
        assert!(log.contains(&prefix), "{what}: serve says:\n{log}");

        // The failed opens changed nothing: with the damage undone, every user
        // is back.
        let mut now = snapshot(&test.db);
        now.retain(|path, _| damaged.contains_key(path));
        assert!(
            now == damaged,
            "{what}: a failed open changed the database files"
        );
        let _ = fs::remove_dir_all(&test.db);
        copy_dir(&pristine.db, &test.db);
        assert_eq!(test.users(), users, "{what}: users lost");
    }
}

#[test]
fn a_failed_open_leaves_a_damaged_log_as_it_was() {
    let (pristine, users) = small_database();
    let extent = log_extent(&pristine.db);
    let test = Test::new();
    copy_dir(&pristine.db, &test.db);
    // One byte in the middle of the records, flipped.
    let at = extent / 4;
    let log_path = test.db.join("sled/db");
    let mut log = fs::read(&log_path).unwrap();
    let original = log[at];
    log[at] = !original;
    fs::write(&log_path, &log).unwrap();
    let damaged = fs::read(&log_path).unwrap();

    let run = test.run(&["users", "list"], "");
    run.clean_error(&[6]);
    let after = fs::read(&log_path).unwrap();
    let changed = damaged.iter().zip(&after).filter(|(a, b)| a != b).count();

    let mut log = after.clone();
    log[at] = original;
    fs::write(&log_path, &log).unwrap();
    let run = test.run(&["-o", "json", "users", "list"], "");
    assert!(
        changed == 0 && run.code == Some(0) && users_by_id(&run.json()) == users,
        "byte {at} of the log flipped; `users list` failed and changed {changed} bytes of \
         the log; with the byte restored:\n{run}"
    );
}

#[test]
fn a_truncated_log_is_reported_not_silently_shortened() {
    let (pristine, mut users) = small_database();
    // The last thing in the log is a user's record (no open after it).
    pristine.create("zed", &[]);
    users.insert("zed".to_owned(), json!({"username": "zed"}));
    let extent = log_extent(&pristine.db);
    let mut silent = Vec::new();
    for cut in [1, 2, 4, 8, 16, 32, 64, 128, 256] {
        let test = Test::new();
        copy_dir(&pristine.db, &test.db);
        File::options()
            .write(true)
            .open(test.db.join("sled/db"))
            .unwrap()
            .set_len((extent - cut) as u64)
            .unwrap();
        let run = test.run(&["-o", "json", "users", "list", "--limit", "1000"], "");
        assert_no_panic(&run.stderr, &run.what);
        if run.code != Some(0) {
            assert_eq!(run.code, Some(6), "{run}");
            continue;
        }
        let seen: Vec<Value> = users_by_id(&run.json())
            .into_values()
            .map(|u| u["username"].clone())
            .collect();
        let lost: Vec<String> = users
            .values()
            .filter(|u| !seen.contains(&u["username"]))
            .filter_map(|u| u["username"].as_str().map(str::to_owned))
            .collect();
        if !lost.is_empty() {
            let check = test.run(&["check"], "");
            silent.push(format!(
                "{cut} bytes cut: exit 0 without {lost:?}; `check` says {:?}",
                format!("{}{}", check.stdout, check.stderr).trim()
            ));
        }
    }
    assert!(
        silent.is_empty(),
        "a truncated log (of {extent} bytes of records) opened without a word:\n{}",
        silent.join("\n")
    );
}

/// The copies `check --repair` kept beside the database.
fn kept_copies(db: &Path) -> Vec<PathBuf> {
    let mut kept: Vec<PathBuf> = fs::read_dir(db)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("sled.before-repair-"))
        })
        .collect();
    kept.sort();
    kept
}

#[test]
fn check_repair_refuses_to_lose_users_unless_forced_and_keeps_a_copy() {
    let (pristine, users) = small_database();
    pristine.create("zed", &[]);
    let extent = log_extent(&pristine.db);
    let test = Test::new();
    copy_dir(&pristine.db, &test.db);
    File::options()
        .write(true)
        .open(test.db.join("sled/db"))
        .unwrap()
        .set_len((extent - 64) as u64)
        .unwrap();
    let damaged = snapshot(&test.db);

    let list = test.run(&["users", "list"], "");
    let advice = list.clean_error(&[6]);
    assert!(
        advice.contains("usersctl check --repair") && advice.contains("missing"),
        "{list}"
    );
    let check = test.run(&["check"], "");
    check.clean_error(&[6]);

    // The repair would lose zed: it is refused, and changes nothing.
    let repair = test.run(&["check", "--repair"], "");
    let refusal = repair.clean_error(&[6]);
    assert!(
        refusal.contains(&format!(
            "would keep {} of the {} users",
            users.len(),
            users.len() + 1
        )) && refusal.contains("--force"),
        "{repair}"
    );
    let mut now = snapshot(&test.db);
    now.retain(|path, _| damaged.contains_key(path));
    assert!(now == damaged, "a refused repair changed the files");
    assert_eq!(kept_copies(&test.db), Vec::<PathBuf>::new());

    // Forced, it keeps what the log holds, says what it had and has, and
    // names the copy of the files as they were.
    let repair = test.run(&["-o", "json", "check", "--repair", "--force"], "");
    assert_eq!(repair.code, Some(0), "{repair}");
    let report = &repair.json()["data"];
    assert_eq!(report["repairs"][0]["kind"], "truncated_log", "{repair}");
    assert_eq!(report["problems"], json!([]), "{repair}");
    assert_eq!(report["users_before"], users.len() + 1, "{repair}");
    assert_eq!(report["users"], users.len(), "{repair}");
    let kept = kept_copies(&test.db);
    assert_eq!(kept.len(), 1, "{repair}");
    assert_eq!(report["copy"], kept[0].display().to_string(), "{repair}");
    assert_eq!(
        fs::read(kept[0].join("db")).unwrap(),
        damaged[&test.db.join("sled/db")],
        "the kept copy is not the log as it was"
    );

    // What survived opens as it is from now on, and is sound.
    let list = test.run(&["-o", "json", "users", "list", "--limit", "1000"], "");
    assert_eq!(list.code, Some(0), "{list}");
    assert_eq!(users_by_id(&list.json()), users, "{list}");
    let check = test.run(&["check"], "");
    assert_eq!(check.code, Some(0), "{check}");
    test.create("zed", &[]);
    assert_eq!(test.run(&["user", "get", "zed"], "").code, Some(0));

    // In table form the counts and the copy are told on stderr.
    let again = test.run(&["check", "--repair"], "");
    assert_eq!(again.code, Some(0), "{again}");
    assert!(
        again.stderr.contains(&format!(
            "users before the repair: {} (at the last clean shutdown); after: {}",
            users.len() + 1,
            users.len() + 1
        )) && again.stderr.contains("sled.before-repair-"),
        "{again}"
    );
    assert_eq!(
        kept_copies(&test.db).len(),
        2,
        "each repair keeps its own copy"
    );
}

#[test]
fn a_lost_snapshot_costs_nothing_and_repair_keeps_every_user() {
    let (test, users) = small_database();
    let snaps: Vec<String> = sled_files(&test.db)
        .into_iter()
        .filter(|f| f.starts_with("snap."))
        .collect();
    assert!(!snaps.is_empty(), "sled wrote no snapshot to lose");
    for snap in &snaps {
        fs::remove_file(test.db.join("sled").join(snap)).unwrap();
    }
    // sled rebuilds what a snapshot held from the log.
    let check = test.run(&["check"], "");
    assert_eq!(check.code, Some(0), "{check}");
    let repair = test.run(&["-o", "json", "check", "--repair"], "");
    assert_eq!(repair.code, Some(0), "{repair}");
    let report = &repair.json()["data"];
    assert_eq!(report["users_before"], users.len(), "{repair}");
    assert_eq!(report["users"], users.len(), "{repair}");
    assert_eq!(kept_copies(&test.db).len(), 1, "{repair}");
    assert_eq!(test.users(), users);
}

#[test]
fn a_damaged_conf_is_named_and_repair_writes_it_anew() {
    let (pristine, users) = small_database();
    // Not UTF-8 (which sled took for "a sled version earlier than 0.29"),
    // and one flipped bit that leaves it text.
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 2] = [
        ("not UTF-8", |conf| conf[3] = 0xff),
        ("a bit flipped", |conf| conf[15] ^= 0x01),
    ];
    for (what, damage) in damages {
        let test = Test::new();
        copy_dir(&pristine.db, &test.db);
        let path = test.db.join("sled/conf");
        let mut conf = fs::read(&path).unwrap();
        damage(&mut conf);
        fs::write(&path, &conf).unwrap();

        let list = test.run(&["users", "list"], "");
        let message = list.clean_error(&[6]);
        assert!(
            message.contains("sled/conf")
                && message.contains("usersctl check --repair")
                && !message.contains("0.29"),
            "{what}: {list}"
        );
        assert_eq!(
            fs::read(&path).unwrap(),
            conf,
            "{what}: the open changed conf"
        );

        let repair = test.run(&["-o", "json", "check", "--repair"], "");
        assert_eq!(repair.code, Some(0), "{what}: {repair}");
        let report = &repair.json()["data"];
        assert_eq!(
            report["repairs"][0]["kind"], "damaged_conf",
            "{what}: {repair}"
        );
        assert_eq!(report["users"], users.len(), "{what}: {repair}");
        assert_eq!(report["users_before"], users.len(), "{what}: {repair}");
        assert_eq!(
            fs::read(kept_copies(&test.db)[0].join("conf")).unwrap(),
            conf,
            "{what}: the damaged conf is not kept"
        );
        assert_eq!(test.users(), users, "{what}");
    }
}

#[test]
fn repair_never_loses_users_to_a_flipped_byte_without_force() {
    let (pristine, users) = small_database();
    let extent = log_extent(&pristine.db);
    for at in [extent / 8, extent / 2, extent - 40] {
        let test = Test::new();
        copy_dir(&pristine.db, &test.db);
        let log_path = test.db.join("sled/db");
        let mut log = fs::read(&log_path).unwrap();
        log[at] = !log[at];
        fs::write(&log_path, &log).unwrap();
        let damaged = snapshot(&test.db);

        let repair = test.run(&["-o", "json", "check", "--repair"], "");
        assert_no_panic(&repair.stderr, &repair.what);
        if repair.code == Some(0) {
            // sled read past the flip: nothing may be missing.
            assert_eq!(test.users(), users, "byte {at}: {repair}");
            continue;
        }
        repair.clean_json_error(&[6]);
        let mut now = snapshot(&test.db);
        now.retain(|path, _| damaged.contains_key(path));
        assert!(
            now == damaged,
            "byte {at}: a refused repair changed the files"
        );
        assert!(kept_copies(&test.db).is_empty(), "byte {at}");
    }
}

#[test]
fn the_corruption_message_does_not_send_the_operator_in_a_circle() {
    let (test, _) = small_database();
    let len = fs::metadata(test.db.join("sled/db")).unwrap().len() as usize;
    fs::write(test.db.join("sled/db"), garbage(len, 5)).unwrap();
    let list = test.run(&["users", "list"], "");
    let advice = list.clean_error(&[6]);
    let check = test.run(&["check"], "");
    let outcome = check.clean_error(&[6]);
    assert!(
        !(advice.contains("usersctl check") && outcome.contains("usersctl check")),
        "`users list` says: {advice}\n`check` says: {outcome}"
    );
}

/// The binary run as `nobody` (uid 65534) through `setpriv`.
fn usersctl_as_nobody() -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(crate::support::bin());
    clean_env(&mut cmd);
    cmd
}

/// Whether this process runs as root (file permissions do not stop it).
fn running_as_root(dir: &Path) -> bool {
    let probe = dir.join("whoami");
    fs::write(&probe, "").unwrap();
    let uid = fs::metadata(&probe).unwrap().uid();
    let _ = fs::remove_file(&probe);
    uid == 0
}

#[test]
fn an_unreadable_database_file_is_exit_6_with_a_clear_message() {
    let (test, users) = small_database();
    let log_path = test.db.join("sled/db");
    let mut cmd: fn() -> Command = usersctl;
    let mut as_nobody = false;
    if running_as_root(test.dir.path()) {
        let setpriv = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status();
        if !setpriv.is_ok_and(|s| s.success()) {
            eprintln!(
                "SKIPPED: running as root, where chmod 000 does not stop a read, \
                 and `setpriv` cannot switch to nobody"
            );
            return;
        }
        // As root, chmod has no effect: run as nobody, to whom the database
        // is handed (a database of another user is refused outright), and
        // who then cannot read its log.
        as_nobody = true;
        cmd = usersctl_as_nobody;
        fs::set_permissions(test.dir.path(), fs::Permissions::from_mode(0o711)).unwrap();
        let chown = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(&test.db)
            .status()
            .unwrap();
        assert!(chown.success());
    }
    fs::set_permissions(&log_path, fs::Permissions::from_mode(0o000)).unwrap();
    if !as_nobody && File::open(&log_path).is_ok() {
        eprintln!("SKIPPED: a file with mode 000 is still readable here");
        return;
    }
    for args in [
        &["users", "list"][..],
        &["user", "get", "alice"],
        &["user", "update", "alice", "--name", "A"],
    ] {
        let run = test.run_with(cmd(), args, "");
        let message = run.clean_error(&[6]);
        assert!(
            message.contains("Permission denied") && message.contains("database"),
            "the message does not say what is wrong: {message}"
        );
    }
    let (code, log) = test.serve().refused_with(cmd());
    assert_eq!(code, Some(6), "serve:\n{log}");
    fs::set_permissions(&log_path, fs::Permissions::from_mode(0o600)).unwrap();
    if as_nobody {
        // Back to root, who checks what is left.
        let chown = Command::new("chown")
            .args(["-R", "0:0"])
            .arg(&test.db)
            .status()
            .unwrap();
        assert!(chown.success());
    }
    assert_eq!(test.users(), users, "users lost");
}

// ---------------------------------------------------------------------------
// A database from a newer usersctl, a locked database
// ---------------------------------------------------------------------------

/// Writes `value` as the schema version, with sled itself (the database must
/// be closed).
fn set_schema_version(db: &Path, value: &[u8]) {
    let sled = sled::open(db.join("sled")).expect("sled opens the database");
    sled.insert("schema_version", value).unwrap();
    sled.flush().unwrap();
}

#[test]
fn a_database_from_a_newer_schema_is_exit_6_asking_for_an_upgrade() {
    let (test, users) = small_database();
    set_schema_version(&test.db, &99u32.to_be_bytes());
    for args in [
        &["users", "list"][..],
        &["user", "get", "alice"],
        &[
            "user",
            "create",
            "zed",
            "--email",
            "zed@example.com",
            "--generate-password",
        ],
        &["users", "export"],
        &["check"],
    ] {
        let run = test.run(args, "");
        let message = run.clean_error(&[6]);
        assert!(
            message.contains("schema version 99") && message.contains("upgrade usersctl"),
            "the message does not say to upgrade: {message}"
        );
    }
    let run = test.run(&["-o", "json", "user", "get", "alice"], "");
    let err = run.clean_json_error(&[6]);
    assert_eq!(err["error"], "unavailable");
    assert!(err["message"].as_str().unwrap().contains("upgrade"));

    let (code, log) = test.serve().refused();
    assert_eq!(code, Some(6), "serve:\n{log}");
    assert!(log.contains("upgrade usersctl"), "serve says:\n{log}");

    // As version 1 again, everything is there.
    set_schema_version(&test.db, &1u32.to_be_bytes());
    assert_eq!(test.users(), users);
}

#[test]
fn an_unreadable_schema_version_is_exit_6() {
    let (test, users) = small_database();
    set_schema_version(&test.db, b"\x00\x01\x02");
    let run = test.run(&["users", "list"], "");
    let message = run.clean_error(&[6]);
    assert!(message.contains("schema version"), "{message}");
    let (code, log) = test.serve().refused();
    assert_eq!(code, Some(6), "serve:\n{log}");
    set_schema_version(&test.db, &1u32.to_be_bytes());
    assert_eq!(test.users(), users);
}

#[test]
fn a_locked_database_is_exit_6() {
    let (test, users) = small_database();
    let lock = File::options()
        .read(true)
        .write(true)
        .open(test.db.join("lock"))
        .unwrap();
    lock.lock().expect("the lock is free");
    let started = Instant::now();
    let run = test.run(&["--wait", "0", "users", "list"], "");
    let message = run.clean_error(&[6]);
    assert!(message.contains("is locked by"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2));
    let (code, log) = test.serve().refused();
    assert_eq!(code, Some(6), "serve:\n{log}");
    drop(lock);
    assert_eq!(test.users(), users);
}

// ---------------------------------------------------------------------------
// Damaged records
// ---------------------------------------------------------------------------

/// A user record as the store lays it out (see `src/store/codec.rs`): a format
/// byte, then this struct in postcard.
#[derive(serde::Serialize)]
struct Record<'a> {
    username: &'a str,
    email: &'a str,
    name: Option<&'a str>,
    admin: bool,
    blocked: bool,
    block_reason: Option<&'a str>,
    must_change_password: bool,
    attributes: &'a str,
    created_at: u64,
    updated_at: u64,
    password_changed_at: u64,
    last_login_at: Option<u64>,
    password_hash: &'a str,
}

/// Stores `value` as the record of a new user `name` (with its index entries),
/// behind usersctl's back.
fn plant_record(db: &Path, name: &str, value: &[u8]) {
    let sled = sled::open(db.join("sled")).expect("sled opens the database");
    let id = uuid::Uuid::now_v7();
    sled.open_tree("users")
        .unwrap()
        .insert(id.as_bytes(), value)
        .unwrap();
    sled.open_tree("by_username")
        .unwrap()
        .insert(name.as_bytes(), id.as_bytes())
        .unwrap();
    sled.open_tree("by_email")
        .unwrap()
        .insert(format!("{name}@example.com").as_bytes(), id.as_bytes())
        .unwrap();
    sled.flush().unwrap();
}

#[test]
fn a_garbled_record_is_exit_6_and_the_others_stay_readable() {
    let (test, _) = small_database();
    plant_record(&test.db, "mallory", b"\x01\xff\xff\xff\xff\x00garbage");
    let run = test.run(&["user", "get", "mallory"], "");
    let message = run.clean_error(&[6]);
    assert!(message.contains("unreadable user record"), "{message}");
    let run = test.run(&["users", "list"], "");
    run.clean_error(&[6]);
    test.run(&["user", "get", "alice"], "").ok();

    let server = test.serve().start();
    let admin = server.login("admin", PASSWORD);
    server
        .send("GET", "/users/mallory", Some(&admin), None)
        .error_message(503, "unavailable");
    let reply = server.send("GET", "/users/alice", Some(&admin), None);
    assert_eq!(reply.status, 200, "{reply}");
    assert_no_panic(&server.log(), "serve");
}

#[test]
fn a_record_with_an_out_of_range_timestamp_is_an_error_not_a_panic() {
    let (test, _) = small_database();
    let far = 300_000_000_000_000u64; // unix millis in the year 11476
    let record = Record {
        username: "mallory",
        email: "mallory@example.com",
        name: None,
        admin: false,
        blocked: false,
        block_reason: None,
        must_change_password: false,
        attributes: "",
        created_at: far,
        updated_at: far,
        password_changed_at: far,
        last_login_at: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
    };
    let mut value = vec![1u8];
    value.extend(postcard::to_stdvec(&record).unwrap());
    plant_record(&test.db, "mallory", &value);
    for args in [
        &["user", "get", "mallory"][..],
        &["-o", "json", "user", "get", "mallory"],
        &["-o", "json", "users", "list"],
    ] {
        let run = test.run(args, "");
        assert_no_panic(&run.stderr, &run.what);
        if run.code != Some(0) {
            if args.contains(&"json") {
                run.clean_json_error(&[1, 6]);
            } else {
                run.clean_error(&[1, 6]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------

#[test]
fn serve_refuses_a_secret_file_readable_by_others() {
    let (test, _) = small_database();
    let secret = test.db.join("jwt-secret");
    fs::write(&secret, format!("{}\n", "ab".repeat(32))).unwrap();
    for mode in [0o644, 0o640, 0o604] {
        fs::set_permissions(&secret, fs::Permissions::from_mode(mode)).unwrap();
        let (code, log) = test.serve().without_env("USERSCTL_JWT_SECRET").refused();
        assert_eq!(code, Some(6), "mode {mode:o}:\n{log}");
        let line = log
            .lines()
            .find(|l| l.contains("readable by others"))
            .unwrap_or_else(|| panic!("mode {mode:o}: serve does not say why:\n{log}"));
        assert!(
            line.contains(&format!("chmod 600 {}", secret.display())),
            "{line}"
        );
        assert!(!log.contains(&"ab".repeat(32)), "the secret is in the log");
    }
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    let server = test.serve().without_env("USERSCTL_JWT_SECRET").start();
    server.login("alice", PASSWORD);
}

#[test]
fn serve_refuses_a_short_secret_from_the_environment_with_exit_2() {
    let (test, _) = small_database();
    for short in ["", "x", &"k".repeat(31)] {
        let (code, log) = test.serve().env("USERSCTL_JWT_SECRET", short).refused();
        assert_eq!(code, Some(2), "a {}-byte secret:\n{log}", short.len());
        assert!(log.contains("at least 32 bytes"), "{log}");
    }
    let server = test
        .serve()
        .env("USERSCTL_JWT_SECRET", &"k".repeat(32))
        .start();
    server.login("alice", PASSWORD);
}

#[test]
fn serve_refuses_a_token_ttl_it_could_never_issue() {
    let (test, _) = small_database();
    let server = test.serve().arg("--token-ttl").arg("40days");
    let log = test.path(&format!("server-{}.log", unique()));
    let (mut process, rx) = server.spawn(usersctl(), &log);
    let first = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
    if let Some(addr) = first.strip_prefix("listening on http://") {
        let addr: SocketAddr = addr.trim().parse().unwrap();
        let body = json!({"username": "alice", "password": PASSWORD}).to_string();
        let request = format!(
            "POST /authenticate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let reply = exchange(addr, request.as_bytes(), "login");
        panic!("serve started with --token-ttl 40days; a right password gets:\n{reply}");
    }
    let status = process.wait_for_exit(Duration::from_secs(5));
    assert_eq!(status.and_then(|s| s.code()), Some(2));
}

// ---------------------------------------------------------------------------
// Attacks: enumeration by timing, slow headers
// ---------------------------------------------------------------------------

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

/// An unknown user, a wrong password for an account on today's argon2id hash,
/// a wrong password for an account migrated on a bcrypt hash (cost 12, ten
/// times the work), and a blocked account: the same status, headers and body,
/// and medians within 10 % of each other.
#[test]
fn unknown_users_wrong_passwords_and_blocked_accounts_look_and_take_the_same() {
    const TRIES: usize = 24;
    const WARM_UP: usize = 2;
    const KINDS: [&str; 4] = ["unknown", "argon2id", "bcrypt", "blocked"];
    let test = Test::new();
    // Real users with distinct names (each is tried once, so the per-account
    // throttle never starts): imported with precomputed hashes.
    let argon = usersctl::hashing::hash(&usersctl::domain::Password::parse(PASSWORD).unwrap())
        .expect("a hash");
    let bcrypt12 = bcrypt::hash(PASSWORD, 12).expect("a bcrypt hash");
    let lines: String = (0..TRIES + WARM_UP)
        .flat_map(|i| {
            [
                json!({"username": format!("argon{i:03}"), "email": format!("argon{i:03}@example.com"),
                       "password_hash": argon}),
                json!({"username": format!("bcrypt{i:03}"), "email": format!("bcrypt{i:03}@example.com"),
                       "password_hash": bcrypt12}),
                json!({"username": format!("blocked{i:03}"), "email": format!("blocked{i:03}@example.com"),
                       "password_hash": argon, "blocked": true}),
            ]
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let file = test.path("users.jsonl");
    fs::write(&file, lines).unwrap();
    test.run(&["-q", "users", "import", file.to_str().unwrap()], "")
        .ok();
    let server = test.serve().start();
    let name = |kind: &str, i: usize| match kind {
        "unknown" => format!("ghost{i:03}"),
        "argon2id" => format!("argon{i:03}"),
        "bcrypt" => format!("bcrypt{i:03}"),
        _ => format!("blocked{i:03}"),
    };
    let attempt = |username: &str| {
        let body = json!({"username": username, "password": WRONG_PASSWORD});
        let start = Instant::now();
        let reply = server.send("POST", "/authenticate", None, Some(&body));
        (start.elapsed(), reply)
    };
    for i in TRIES..TRIES + WARM_UP {
        for kind in KINDS {
            attempt(&name(kind, i));
        }
    }
    // Rounds of one attempt of each kind, in an order turned every round, four
    // rounds at a time (each failed login takes half a second by design).
    let results: Mutex<Vec<(&str, Duration, Reply)>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= TRIES {
                        return;
                    }
                    for k in 0..KINDS.len() {
                        let kind = KINDS[(i + k) % KINDS.len()];
                        let (took, reply) = attempt(&name(kind, i));
                        results.lock().unwrap().push((kind, took, reply));
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    // The same status, headers and body bytes, but for the request id and date.
    let first = &results[0].2;
    first.error_message(401, "invalid_credentials");
    let comparable = |r: &Reply| -> Vec<(String, String)> {
        let mut h: Vec<(String, String)> = r
            .headers
            .iter()
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("x-request-id") && !n.eq_ignore_ascii_case("date")
            })
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        h.sort();
        h
    };
    for (_, _, reply) in &results {
        assert_eq!(reply.status, first.status, "{reply}");
        assert_eq!(reply.body, first.body, "{reply}\nvs\n{first}");
        assert_eq!(comparable(reply), comparable(first), "{reply}\nvs\n{first}");
    }
    let medians: Vec<(&str, Duration)> = KINDS
        .iter()
        .map(|kind| {
            let times = results
                .iter()
                .filter(|(k, _, _)| k == kind)
                .map(|(_, t, _)| *t)
                .collect();
            (*kind, median(times))
        })
        .collect();
    let lo = medians.iter().map(|(_, m)| *m).min().unwrap();
    let hi = medians.iter().map(|(_, m)| *m).max().unwrap();
    let gap = (hi - lo).as_secs_f64() / hi.as_secs_f64();
    eprintln!(
        "medians over {TRIES} logins each: {medians:?} ({:.1}% apart)",
        gap * 100.0
    );
    assert!(
        gap < 0.10,
        "medians differ by {:.1}%: {medians:?}",
        gap * 100.0
    );
}

/// The soft limit on open files of this process (which the server inherits).
fn open_file_limit() -> Option<usize> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[test]
fn a_thousand_stalled_header_connections_do_not_stop_a_normal_client() {
    let wanted = 1000;
    let limit = open_file_limit().unwrap_or(1024);
    // Leave room for the test's own files and the server's.
    let n = wanted.min(limit.saturating_sub(100));
    if n < wanted {
        eprintln!(
            "NOTE: the open-file limit is {limit}; using {n} stalled connections, not {wanted}"
        );
    }
    let (test, _) = small_database();
    let server = test.serve().start();

    let start = Instant::now();
    let mut stalled = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = TcpStream::connect(server.addr)
            .unwrap_or_else(|e| panic!("connection {i} of {n}: {e}"));
        s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
        stalled.push((Instant::now(), s));
    }
    let opened = start.elapsed();
    eprintln!("{n} stalled connections opened in {opened:?}");

    // A normal client is served at once meanwhile.
    let mut served = Vec::new();
    for path in ["/health", "/openapi.json", "/health"] {
        let asked = Instant::now();
        let reply = server.send("GET", path, None, None);
        assert_eq!(reply.status, 200, "{reply}");
        served.push(asked.elapsed());
    }
    let admin = {
        let asked = Instant::now();
        let token = server.login("admin", PASSWORD);
        served.push(asked.elapsed());
        token
    };
    let reply = server.send("GET", "/users/alice", Some(&admin), None);
    assert_eq!(reply.status, 200, "{reply}");
    eprintln!("normal requests while they stall took {served:?}");
    for took in &served {
        assert!(
            *took < Duration::from_secs(2),
            "a normal request took {took:?}"
        );
    }

    // Still open well inside the header timeout...
    let last_opened = stalled.last().map(|(t, _)| *t).unwrap();
    let probe_at = stalled[0].0 + Duration::from_secs(3);
    if Instant::now() < probe_at && last_opened < probe_at {
        std::thread::sleep(probe_at - Instant::now());
        let mut open = 0;
        for (_, s) in &stalled {
            s.set_nonblocking(true).unwrap();
            let mut buf = [0u8; 64];
            let mut s: &TcpStream = s;
            if matches!(s.read(&mut buf), Err(e) if e.kind() == ErrorKind::WouldBlock) {
                open += 1;
            }
            s.set_nonblocking(false).unwrap();
        }
        assert!(
            open * 10 >= n * 9,
            "only {open} of {n} still open after 3 s"
        );
    }

    // ...and all cut off by it (5 s), within 7 s of being opened.
    let mut cut = Vec::with_capacity(n);
    for (i, (opened_at, s)) in stalled.iter_mut().enumerate() {
        let deadline = *opened_at + Duration::from_secs(7);
        let mut answer = Vec::new();
        let closed = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut buf = [0u8; 1024];
            match s.read(&mut buf) {
                Ok(0) => break true,
                Ok(k) => answer.extend_from_slice(&buf[..k]),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => break true,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    break false;
                }
                Err(e) => panic!("stalled connection {i}: {e}"),
            }
        };
        assert!(
            closed,
            "stalled connection {i} was still open 7 s after it was made"
        );
        let text = String::from_utf8_lossy(&answer);
        assert!(
            !text.contains(" 200 "),
            "a stalled request was answered: {text}"
        );
        cut.push(opened_at.elapsed());
    }
    drop(stalled);
    let latest = cut.iter().max().unwrap();
    eprintln!("all {n} cut off; the last within {latest:?} of being opened");
    let reply = server.send("GET", "/health", None, None);
    assert_eq!(reply.status, 200, "{reply}");
}

//! The HTTP interface as its clients see it: the real `usersctl serve` on
//! `127.0.0.1:0` over its own temporary database, driven over real sockets and
//! judged by status, headers, JSON body, the server's log, and what the
//! command line finds in the database afterwards.
//!
//! `Test::new()` owns a temporary directory whose database holds one admin
//! (created with the command line, before a server holds the database).
//! `test.serve().start()` runs the server on it and returns a `Server` that stops
//! it (SIGTERM, then SIGKILL) when dropped. Requests are built with
//! `server.get(path)`, `.post(path)`, … and sent with `.send()`; any 5xx other
//! than 503 fails the test at once, because nothing a client sends may ever
//! cause an internal error.

use crate::support::{self, Process, Reply, TestDb, listening_on, spawn_server, usersctl};

mod audit;
mod console;
mod groups;
mod keys;
mod recycle_bin;
mod scim;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};
use tempfile::TempDir;

const ADMIN: &str = "admin";
/// A password the strength check accepts; every user created here has it.
const PASSWORD: &str = "Tr0ub4dor&3horse";
/// Another one, for password changes.
const NEW_PASSWORD: &str = "N3w-Secret-Phrase!";
const WRONG_PASSWORD: &str = "definitely-not-it-42";
/// The signing secret of servers whose tokens a test forges.
const SECRET: &str = support::SHARED_SECRET;
/// Largest request body the server accepts.
const BODY_LIMIT: usize = 64 * 1024;

// ---------------------------------------------------------------------------
// The harness: a database, a server on it, requests and replies
// ---------------------------------------------------------------------------

struct Test {
    db: TestDb,
    dir: TempDir,
}

impl Test {
    /// A fresh database with one admin, `admin` / `PASSWORD`.
    fn new() -> Test {
        let dir = TempDir::new().expect("a temporary directory");
        let test = Test {
            db: TestDb::new(dir.path()),
            dir,
        };
        test.cli(
            &[
                "user",
                "create",
                ADMIN,
                "--email",
                "admin@example.com",
                "--role",
                "admin",
                "--password-stdin",
            ],
            PASSWORD,
        );
        test
    }

    /// Runs the command line on this database with `stdin` as its first line of
    /// input; it must exit 0. Returns its stdout.
    fn cli(&self, args: &[&str], stdin: &str) -> String {
        let mut child = self
            .db
            .apply(&mut usersctl())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("usersctl runs");
        let mut input = child.stdin.take().expect("a stdin pipe");
        // A command that reads nothing may exit before this is written.
        let _ = input.write_all(format!("{stdin}\n").as_bytes());
        drop(input);
        let out = child.wait_with_output().expect("usersctl finishes");
        assert!(
            out.status.success(),
            "usersctl {args:?} failed: {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    fn serve(&self) -> Serve<'_> {
        Serve {
            test: self,
            rate_limit: 0,
            args: Vec::new(),
            env: Vec::new(),
        }
    }
}

#[must_use = "a Serve does nothing until .start()"]
struct Serve<'a> {
    test: &'a Test,
    rate_limit: u32,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

static SERVERS_STARTED: AtomicUsize = AtomicUsize::new(0);

impl Serve<'_> {
    fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = per_second;
        self
    }

    fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The signing secret is `SECRET`, so the test can forge tokens.
    fn known_secret(self) -> Self {
        self.env("USERSCTL_JWT_SECRET", SECRET)
    }

    fn start(self) -> Server {
        let n = SERVERS_STARTED.fetch_add(1, Ordering::Relaxed);
        let log = self.test.dir.path().join(format!("server-{n}.log"));
        let mut cmd = usersctl();
        self.test
            .db
            .apply(&mut cmd)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit"])
            .arg(self.rate_limit.to_string())
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        let (process, first_line) = spawn_server(cmd, &log);
        let addr = listening_on(&first_line, &log);
        Server {
            process,
            addr,
            log,
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .redirects(0)
                // A fresh connection for every request: the server may close a
                // kept-alive connection after refusing a body it did not read
                // (see `a_refused_body_does_not_break_a_kept_alive_connection`).
                .max_idle_connections(0)
                .build(),
        }
    }
}

struct Server {
    process: Process,
    addr: SocketAddr,
    log: PathBuf,
    agent: ureq::Agent,
}

impl Server {
    fn request(&self, method: &str, path: &str) -> Call<'_> {
        Call {
            server: self,
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    fn get(&self, path: &str) -> Call<'_> {
        self.request("GET", path)
    }

    fn post(&self, path: &str) -> Call<'_> {
        self.request("POST", path)
    }

    fn patch(&self, path: &str) -> Call<'_> {
        self.request("PATCH", path)
    }

    fn delete(&self, path: &str) -> Call<'_> {
        self.request("DELETE", path)
    }

    /// `POST /authenticate`, which must succeed; returns the token.
    fn login(&self, username: &str, password: &str) -> String {
        let data = self
            .post("/authenticate")
            .json(json!({"username": username, "password": password}))
            .send()
            .data(200);
        data["token"].as_str().expect("a token").to_owned()
    }

    fn admin(&self) -> String {
        self.login(ADMIN, PASSWORD)
    }

    /// Creates `username` (email `<username>@example.com`, password `PASSWORD`)
    /// as the holder of `token`; returns the new user.
    fn create(&self, token: &str, username: &str) -> Value {
        self.create_with(token, username, json!({"password": PASSWORD}))
    }

    /// Creates `username` with the fields of `extra` added to the body.
    fn create_with(&self, token: &str, username: &str, extra: Value) -> Value {
        let mut body = json!({"username": username, "email": format!("{username}@example.com")});
        merge(&mut body, extra);
        self.post("/users").token(token).json(body).send().data(201)
    }

    /// A user as the admin sees it.
    fn user(&self, token: &str, user: &str) -> Value {
        self.get(&format!("/users/{user}"))
            .token(token)
            .send()
            .data(200)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).expect("the server log is readable")
    }

    /// Sends SIGTERM.
    fn terminate(&self) {
        self.process.signal("-TERM");
    }

    fn kill(&mut self) {
        self.process.signal("-KILL");
        self.process.wait_for_exit(Duration::from_secs(5));
    }

    fn wait_for_exit(&mut self, limit: Duration) -> ExitStatus {
        self.process.wait_for_exit(limit).unwrap_or_else(|| {
            panic!(
                "the server did not exit within {limit:?}\nlog:\n{}",
                self.log()
            )
        })
    }
}

fn merge(body: &mut Value, extra: Value) {
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
}

#[must_use = "a Call does nothing until .send()"]
struct Call<'a> {
    server: &'a Server,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Call<'_> {
    /// `Authorization: Bearer <token>`.
    fn token(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn json(self, body: Value) -> Self {
        self.body(Some("application/json"), body.to_string().into_bytes())
    }

    fn body(mut self, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        if let Some(ct) = content_type {
            self = self.header("Content-Type", ct);
        }
        self.body = Some(body.into());
        self
    }

    fn send(self) -> Reply {
        let url = format!("http://{}{}", self.server.addr, self.path);
        let what = format!("{} {}", self.method, self.path);
        let mut request = self.server.agent.request(&self.method, &url);
        for (name, value) in &self.headers {
            request = request.set(name, value);
        }
        let result = match &self.body {
            Some(body) => request.send_bytes(body),
            None => request.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{what}: {e}"),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|name| {
                let value = response.header(&name)?.to_owned();
                Some((name, value))
            })
            .collect();
        let mut body = Vec::new();
        response
            .into_reader()
            .read_to_end(&mut body)
            .unwrap_or_else(|e| panic!("{what}: reading the body: {e}"));
        Reply::new(what, status, headers, body)
    }
}

/// What this module asserts of every answer (`support::Reply`), from ureq
/// or from a raw socket.
impl Reply {
    fn new(what: String, status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Reply {
        Reply {
            what,
            status,
            headers,
            body,
        }
        .no_server_error()
    }

    #[track_caller]
    fn no_server_error(self) -> Reply {
        assert!(
            self.status < 500 || self.status == 503,
            "a server error, which no request may cause:\n{self}"
        );
        self
    }

    #[track_caller]
    fn status(&self, expected: u16) -> &Self {
        assert_eq!(self.status, expected, "unexpected status:\n{self}");
        self
    }

    /// Asserts a success envelope `{"data": …}` with `status`; returns `data`.
    #[track_caller]
    fn data(&self, status: u16) -> Value {
        self.status(status);
        let body = self.json();
        let keys: BTreeSet<&str> = body
            .as_object()
            .unwrap_or_else(|| panic!("not an object:\n{self}"))
            .keys()
            .map(String::as_str)
            .collect();
        let allowed: BTreeSet<&str> =
            ["data", "next_cursor", "next_after", "generated_password"].into();
        assert!(
            keys.contains("data") && keys.is_subset(&allowed),
            "not a {{\"data\": …}} envelope:\n{self}"
        );
        body["data"].clone()
    }

    /// Asserts an error answer `{"error", "message", "details"?}` with `status`
    /// and machine code `code`; returns the body.
    #[track_caller]
    fn error(&self, status: u16, code: &str) -> Value {
        self.status(status);
        let body = self.json();
        let object = body
            .as_object()
            .unwrap_or_else(|| panic!("not an object:\n{self}"));
        for key in object.keys() {
            assert!(
                matches!(key.as_str(), "error" | "message" | "details"),
                "unexpected key {key:?} in an error body:\n{self}"
            );
        }
        assert_eq!(body["error"], code, "wrong error code:\n{self}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "an error needs a message:\n{self}"
        );
        if let Some(details) = body.get("details") {
            let details = details
                .as_array()
                .unwrap_or_else(|| panic!("details must be a list:\n{self}"));
            assert!(!details.is_empty(), "empty details:\n{self}");
            for d in details {
                assert!(
                    d["field"].is_string()
                        && d["message"].is_string()
                        && d.as_object().is_some_and(|o| o.len() == 2),
                    "a detail is {{\"field\", \"message\"}}:\n{self}"
                );
            }
        }
        if status == 401 {
            assert_eq!(self.header("www-authenticate"), Some("Bearer"), "{self}");
        }
        body
    }

    /// A 400 whose details name exactly `fields`; returns the body.
    #[track_caller]
    fn invalid(&self, fields: &[&str]) -> Value {
        let body = self.error(400, "invalid_input");
        let named: BTreeSet<String> = detail_fields(&body).into_iter().collect();
        let expected: BTreeSet<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        assert_eq!(named, expected, "details name other fields:\n{self}");
        body
    }

    /// `Retry-After` as whole seconds, which must be present and at least 1.
    #[track_caller]
    fn retry_after(&self) -> u64 {
        let secs: u64 = self
            .header("retry-after")
            .unwrap_or_else(|| panic!("no Retry-After:\n{self}"))
            .parse()
            .unwrap_or_else(|_| panic!("Retry-After is not whole seconds:\n{self}"));
        assert!(secs >= 1, "{self}");
        secs
    }
}

fn detail_fields(body: &Value) -> Vec<String> {
    body["details"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .map(|d| d["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn detail_message(body: &Value, field: &str) -> String {
    body["details"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["field"] == field))
        .and_then(|d| d["message"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn usernames(users: &Value) -> Vec<String> {
    users
        .as_array()
        .expect("a list of users")
        .iter()
        .map(|u| u["username"].as_str().expect("a username").to_owned())
        .collect()
}

fn id(user: &Value) -> String {
    user["id"].as_str().expect("an id").to_owned()
}

/// A whole HTTP/1.1 exchange on a fresh connection, for what a well-behaved
/// client library will not send. `request` should ask for `Connection: close`.
fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    support::exchange(addr, request, "raw request").no_server_error()
}

fn read_reply(what: &str, stream: &mut TcpStream) -> Reply {
    support::read_reply(what, stream).no_server_error()
}

fn parse_reply(what: &str, bytes: &[u8]) -> Reply {
    support::parse_reply(what, bytes).no_server_error()
}

/// The text of a request with a JSON body.
fn raw_json_request(method: &str, path: &str, token: Option<&str>, body: &str) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends each request on its own connection, all at once: every connection is
/// open before any request is written.
fn all_at_once(addr: SocketAddr, requests: Vec<String>) -> Vec<Reply> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let streams: Vec<TcpStream> = requests
        .iter()
        .map(|_| TcpStream::connect(addr).expect("the server accepts"))
        .collect();
    let handles: Vec<_> = streams
        .into_iter()
        .zip(requests)
        .map(|(mut stream, request)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                stream
                    .set_read_timeout(Some(Duration::from_secs(60)))
                    .unwrap();
                barrier.wait();
                stream.write_all(request.as_bytes()).unwrap();
                read_reply("concurrent request", &mut stream)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a request thread"))
        .collect()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn seconds_from_now(rfc3339: &str) -> i64 {
    let at = humantime::parse_rfc3339(rfc3339).expect("an RFC 3339 timestamp");
    match at.duration_since(SystemTime::now()) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

// ---------------------------------------------------------------------------
// GET /health and GET /openapi.json
// ---------------------------------------------------------------------------

#[test]
fn health_is_ok_for_anyone() {
    let test = Test::new();
    let server = test.serve().start();
    let reply = server.get("/health").send();
    reply.status(200);
    assert_eq!(reply.json(), json!({"status": "ok"}));
    // A token, even a bad one, changes nothing.
    let reply = server.get("/health").token("not-a-token").send();
    assert_eq!(reply.json(), json!({"status": "ok"}));
}

#[test]
fn serve_on_a_mistyped_db_refuses_to_start_and_makes_nothing() {
    let dir = TempDir::new().expect("a temporary directory");
    let typo = dir.path().join("dbb");
    let out = usersctl()
        .arg("--db")
        .arg(&typo)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .output()
        .expect("usersctl runs");
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("no usersctl database at {}", typo.display())),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(!typo.exists());
}

#[test]
fn serve_init_starts_on_a_new_database() {
    if support::on_postgres() {
        return; // a directory made on demand: the embedded database's
    }
    let dir = TempDir::new().expect("a temporary directory");
    let test = Test {
        db: TestDb::new(dir.path()),
        dir,
    };
    let server = test.serve().arg("--init").start();
    server.get("/health").send().status(200);
    // Nobody exists yet, so nobody can log in.
    server
        .post("/authenticate")
        .json(json!({"username": ADMIN, "password": PASSWORD}))
        .send()
        .status(401);
    assert!(test.db.dir().unwrap().join("sled").is_dir());
}

/// One JSON shape everywhere: what `-o json` prints is the body the HTTP
/// interface sends for the same operation.
#[test]
fn the_command_line_json_is_the_http_body() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create_with(&admin, "bob", json!({"password": PASSWORD, "name": "Bob"}));
    let cli = |args: &[&str], stdin: &str| -> Value {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&test.cli(&all, stdin)).expect("JSON on stdout")
    };
    let http = |call: Call<'_>, status: u16| -> Value {
        let reply = call.token(&admin).send();
        reply.status(status);
        reply.json()
    };

    let got = cli(&["user", "get", "bob"], "");
    assert_eq!(got, http(server.get("/users/bob"), 200));
    assert_eq!(got["data"]["username"], "bob");

    let listed = cli(&["users", "list", "--limit", "1"], "");
    assert_eq!(listed, http(server.get("/users?limit=1"), 200));
    assert!(listed["next_cursor"].is_string(), "{listed}");
    // Every match, streamed, is one page with no cursor.
    let all = cli(&["users", "list"], "");
    assert_eq!(all, http(server.get("/users"), 200));
    assert_eq!(all["next_cursor"], Value::Null);

    let updated = cli(&["user", "update", "bob", "--name", "Robert"], "");
    let patched = http(
        server.patch("/users/bob").json(json!({"name": "Robert"})),
        200,
    );
    assert_eq!(
        without_times(updated["data"].clone()),
        without_times(patched["data"].clone())
    );
    assert_eq!(updated.as_object().unwrap().len(), 1, "{updated}");

    // A generated password sits beside `data`.
    let created = cli(
        &[
            "user",
            "create",
            "carol",
            "--email",
            "carol@example.com",
            "--generate-password",
        ],
        "",
    );
    assert!(created["generated_password"].is_string(), "{created}");
    assert_eq!(created["data"]["username"], "carol");
    let posted = http(
        server.post("/users").json(json!({
            "username": "dave", "email": "dave@example.com", "generate_password": true
        })),
        201,
    );
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&created), keys(&posted));
    assert_eq!(keys(&created["data"]), keys(&posted["data"]));

    let report = cli(&["users", "delete-many", "carol", "--dry-run"], "");
    let bulk = http(
        server
            .delete("/users")
            .json(json!({"users": ["carol"], "dry_run": true})),
        200,
    );
    assert_eq!(report, bulk);

    let token = cli(&["authenticate", "bob", "--password-stdin"], PASSWORD);
    let login = server
        .post("/authenticate")
        .json(json!({"username": "bob", "password": PASSWORD}))
        .send();
    login.status(200);
    assert_eq!(keys(&token), ["data"]);
    assert_eq!(keys(&token["data"]), keys(&login.json()["data"]));

    let deleted = cli(&["user", "delete", "carol", "--yes"], "");
    assert_eq!(deleted["data"]["username"], "carol");
    assert_eq!(keys(&deleted), ["data"]);
}

/// A user without the fields that change with every write.
fn without_times(mut user: Value) -> Value {
    let fields = user.as_object_mut().unwrap();
    fields.remove("updated_at");
    user
}

#[test]
fn server_logs_written_to_a_file_are_plain_text() {
    let test = Test::new();
    let server = test.serve().start();
    server.get("/health").send().status(200);
    server.get("/users").send().status(401);
    let log = server.log();
    assert!(log.contains("/users"), "requests are logged:\n{log}");
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a log file:\n{log:?}"
    );
}

#[test]
fn bind_takes_a_host_name() {
    let test = Test::new();
    let mut child = test
        .db
        .apply(&mut usersctl())
        .args(["serve", "--bind", "localhost:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("usersctl serve starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{first:?}"));
    let addr: SocketAddr = addr.parse().unwrap();
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_ne!(addr.port(), 0);

    let out = test
        .db
        .apply(&mut usersctl())
        .args(["serve", "--bind", "no-such-host.invalid:8080"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .starts_with("usersctl: error: invalid value 'no-such-host.invalid:8080' for '--bind"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn openapi_json_is_an_openapi_3_document_of_every_route() {
    let test = Test::new();
    let server = test.serve().start();
    let reply = server.get("/openapi.json").send();
    reply.status(200);
    let doc = reply.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    let routes = [
        ("/health", &["get"][..]),
        ("/authenticate", &["post"]),
        ("/logout", &["post"]),
        ("/users", &["get", "post", "delete"]),
        ("/users/{user}", &["get", "patch", "delete"]),
        ("/openapi.json", &["get"]),
    ];
    assert!(doc["paths"].is_object(), "{doc}");
    for (path, methods) in routes {
        for method in methods {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} is not described"
            );
        }
    }
    // What client generators need: one operation per id, no empty license,
    // free-form attributes that take any property, one plain create request.
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ids.push(
                op["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path}"))
                    .to_owned(),
            );
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids repeat: {ids:?}");
    assert!(doc["paths"]["/users/{user}"].get("put").is_none());
    assert!(doc["info"].get("license").is_none(), "{}", doc["info"]);
    let create = &doc["components"]["schemas"]["CreateUserRequest"];
    assert!(create.get("oneOf").is_none(), "{create}");
    assert_eq!(create["required"], json!(["username", "email"]), "{create}");
    assert_eq!(
        create["properties"]["attributes"]["additionalProperties"], true,
        "{create}"
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["token_header"]["name"], "token");
    // Only a token holder could read it before; anyone may.
    server
        .get("/openapi.json")
        .token("garbage")
        .send()
        .status(200);
}

// ---------------------------------------------------------------------------
// POST /authenticate and POST /logout
// ---------------------------------------------------------------------------

#[test]
fn authenticate_returns_a_bearer_token_for_a_username_or_an_email() {
    let test = Test::new();
    let server = test.serve().arg("--token-ttl").arg("15m").start();
    for login in [ADMIN, "admin@example.com", "  ADMIN@Example.COM "] {
        let reply = server
            .post("/authenticate")
            .json(json!({"username": login, "password": PASSWORD}))
            .send();
        let data = reply.data(200);
        assert_eq!(
            data.as_object().unwrap().len(),
            3,
            "token, token_type and expires_at: {data}"
        );
        assert_eq!(data["token_type"], "Bearer");
        assert_eq!(data["token"].as_str().unwrap().split('.').count(), 3);
        let ttl = seconds_from_now(data["expires_at"].as_str().unwrap());
        assert!((890..=900).contains(&ttl), "--token-ttl 15m gave {ttl} s");
    }
    let admin = server.admin();
    let me = server.user(&admin, ADMIN);
    assert!(me["last_login_at"].is_string(), "{me}");
}

#[test]
fn authenticate_refuses_malformed_requests_with_details() {
    let test = Test::new();
    let server = test.serve().start();
    server
        .post("/authenticate")
        .json(json!({"username": ADMIN}))
        .send()
        .invalid(&["password"]);
    server
        .post("/authenticate")
        .json(json!({"username": 7, "password": PASSWORD, "ttl": "1d"}))
        .send()
        .invalid(&["username", "ttl"]);
    server
        .post("/authenticate")
        .body(Some("text/plain"), format!("{ADMIN}:{PASSWORD}"))
        .send()
        .error(415, "unsupported_media_type");
    // `application/json` with parameters is still JSON.
    server
        .post("/authenticate")
        .body(
            Some("application/json; charset=utf-8"),
            json!({"username": ADMIN, "password": PASSWORD}).to_string(),
        )
        .send()
        .data(200);
}

#[test]
fn logout_revokes_the_presented_token_and_no_other() {
    let test = Test::new();
    let server = test.serve().start();
    let first = server.admin();
    let second = server.admin();
    let reply = server.post("/logout").token(&first).send();
    assert_eq!(reply.data(200), json!({"revoked": true}));
    let refused = server.get("/users").token(&first).send();
    let body = refused.error(401, "unauthorized");
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{refused}"
    );
    server
        .post("/logout")
        .token(&first)
        .send()
        .error(401, "unauthorized");
    server.get("/users").token(&second).send().data(200);
    server.post("/logout").send().error(401, "unauthorized");
}

// ---------------------------------------------------------------------------
// GET /users
// ---------------------------------------------------------------------------

#[test]
fn list_users_filters_and_pages_for_any_authenticated_user() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let alice = server.create_with(
        &admin,
        "alice",
        json!({"password": PASSWORD, "name": "Alice Liddell"}),
    );
    server.create_with(&admin, "bob", json!({"generate_password": true}));
    server.create_with(
        &admin,
        "carol",
        json!({"generate_password": true, "role": "admin"}),
    );
    server
        .patch("/users/bob")
        .token(&admin)
        .json(json!({"blocked": true, "block_reason": "spam"}))
        .send()
        .data(200);
    let alice_token = server.login("alice", PASSWORD);

    let list = |token: &str, query: &str| {
        let reply = server.get(&format!("/users{query}")).token(token).send();
        let data = reply.data(200);
        let body = reply.json();
        assert!(
            body.as_object().unwrap().contains_key("next_cursor"),
            "a list has next_cursor: {reply}"
        );
        (usernames(&data), body["next_cursor"].clone())
    };
    let all = ["admin", "alice", "bob", "carol"]
        .map(String::from)
        .to_vec();
    for token in [&admin, &alice_token] {
        assert_eq!(list(token, ""), (all.clone(), Value::Null));
    }

    // Paging: each user once, oldest first, and a null cursor on the last page.
    let (page, cursor) = list(&admin, "?limit=2");
    assert_eq!(page, ["admin", "alice"]);
    assert_eq!(cursor, alice["id"]);
    let (page, cursor) = list(&alice_token, &format!("?limit=2&cursor={}", id(&alice)));
    assert_eq!(
        (page, cursor),
        (vec!["bob".into(), "carol".into()], Value::Null)
    );
    let (page, cursor) = list(&admin, "?limit=3");
    assert_eq!(page.len(), 3);
    let (page, cursor) = list(
        &admin,
        &format!("?limit=3&cursor={}", cursor.as_str().unwrap()),
    );
    assert_eq!((page, cursor), (vec!["carol".to_owned()], Value::Null));

    // Filters, alone and with paging.
    assert_eq!(list(&admin, "?role=admin").0, ["admin", "carol"]);
    assert_eq!(list(&admin, "?role=user").0, ["alice", "bob"]);
    assert_eq!(list(&admin, "?blocked=true").0, ["bob"]);
    assert_eq!(
        list(&admin, "?blocked=false").0,
        ["admin", "alice", "carol"]
    );
    assert_eq!(list(&admin, "?search=LIDDELL").0, ["alice"]);
    assert_eq!(list(&admin, "?search=carol%40example").0, ["carol"]);
    assert_eq!(list(&admin, "?search=nobody"), (vec![], Value::Null));
    let (page, cursor) = list(&admin, "?role=admin&limit=1");
    assert_eq!(page, ["admin"]);
    let cursor = cursor.as_str().expect("a next page").to_owned();
    assert_eq!(
        list(&admin, &format!("?role=admin&limit=1&cursor={cursor}")),
        (vec!["carol".to_owned()], Value::Null)
    );

    server.get("/users").send().error(401, "unauthorized");
}

#[test]
fn list_users_refuses_bad_parameters_naming_each() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("role=root", "role"),
        ("blocked=maybe", "blocked"),
        ("colour=blue", "colour"),
    ] {
        server
            .get(&format!("/users?{query}"))
            .token(&admin)
            .send()
            .invalid(&[field]);
    }
    server
        .get("/users?limit=0&role=root&blocked=2")
        .token(&admin)
        .send()
        .invalid(&["limit", "role", "blocked"]);
    server
        .get("/users?limit=1000")
        .token(&admin)
        .send()
        .data(200);
}

#[test]
fn list_users_sorts_and_pages_in_the_order_asked() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for (name, email) in [
        ("mike", "Zulu@Example.com"),
        ("alice", "yankee@example.com"),
        ("zed", "alpha@example.com"),
        ("bob", "Bravo@example.com"),
    ] {
        server
            .post("/users")
            .token(&admin)
            .json(json!({"username": name, "email": email, "generate_password": true}))
            .send()
            .data(201);
    }
    let list = |query: &str| {
        let reply = server.get(&format!("/users?{query}")).token(&admin).send();
        let data = reply.data(200);
        (usernames(&data), reply.json()["next_cursor"].clone())
    };
    // Everyone, in each order (the admin's email is admin@example.com).
    assert_eq!(
        list("sort=username").0,
        ["admin", "alice", "bob", "mike", "zed"]
    );
    assert_eq!(
        list("sort=-username").0,
        ["zed", "mike", "bob", "alice", "admin"]
    );
    assert_eq!(
        list("sort=email").0,
        ["admin", "zed", "bob", "alice", "mike"]
    );
    assert_eq!(list("sort=-id").0, ["bob", "zed", "alice", "mike", "admin"]);
    assert_eq!(list("sort=id"), list(""));

    // Pages in that order: each user once, the cursor where the last stands.
    let (page, cursor) = list("sort=-email&limit=2");
    assert_eq!(
        (page, &cursor),
        (
            vec!["mike".into(), "alice".into()],
            &json!("yankee@example.com")
        )
    );
    let (page, cursor) = list(&format!(
        "sort=-email&limit=2&cursor={}",
        cursor.as_str().unwrap()
    ));
    assert_eq!(
        (page, &cursor),
        (
            vec!["bob".into(), "zed".into()],
            &json!("alpha@example.com")
        )
    );
    let (page, cursor) = list("sort=-email&limit=2&cursor=alpha%40example.com");
    assert_eq!((page, cursor), (vec!["admin".into()], Value::Null));
    // Any text is a place in a name's order.
    assert_eq!(list("sort=username&cursor=b").0, ["bob", "mike", "zed"]);
    assert_eq!(list("sort=-username&cursor=m").0, ["bob", "alice", "admin"]);
    // With a filter.
    assert_eq!(list("sort=-username&role=admin").0, ["admin"]);
    assert_eq!(list("sort=email&search=ya").0, ["alice"]);

    // Bad orders and cursors are named; the bin lists in id order only.
    for (query, field) in [
        ("sort=name", "sort"),
        ("sort=", "sort"),
        ("sort=-created", "sort"),
        ("sort=username&cursor=a%00b", "cursor"),
        ("sort=-id&cursor=alice", "cursor"),
    ] {
        server
            .get(&format!("/users?{query}"))
            .token(&admin)
            .send()
            .invalid(&[field]);
    }
    server
        .get("/recycle-bin?sort=username")
        .token(&admin)
        .send()
        .invalid(&["sort"]);
    server
        .get("/recycle-bin?sort=id")
        .token(&admin)
        .send()
        .data(200);
}

// ---------------------------------------------------------------------------
// POST /users
// ---------------------------------------------------------------------------

#[test]
fn create_user_answers_201_with_location_and_the_record() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let reply = server
        .post("/users")
        .token(&admin)
        .json(json!({
            "username": "Alice",
            "email": "Alice@Example.com",
            "name": "Alice Liddell",
            "attributes": {"phone": "+44 20 7946 0000", "social": {"mastodon": "@alice"}},
            "password": PASSWORD,
        }))
        .send();
    let user = reply.data(201);
    let body = reply.json();
    assert!(body.get("generated_password").is_none(), "{reply}");
    let location = format!("/users/{}", id(&user));
    assert_eq!(reply.header("location"), Some(location.as_str()));
    assert_eq!(user["username"], "alice");
    assert_eq!(user["email"], "Alice@Example.com");
    assert_eq!(user["name"], "Alice Liddell");
    assert_eq!(user["role"], "user");
    assert_eq!(user["blocked"], false);
    assert_eq!(user["block_reason"], Value::Null);
    assert_eq!(user["must_change_password"], false);
    assert_eq!(user["attributes"]["social"]["mastodon"], "@alice");
    assert_eq!(user["last_login_at"], Value::Null);
    let keys: BTreeSet<&str> = user
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "id",
        "username",
        "email",
        "name",
        "role",
        "blocked",
        "block_reason",
        "must_change_password",
        "attributes",
        "created_at",
        "updated_at",
        "password_changed_at",
        "last_login_at",
    ]
    .into();
    assert_eq!(keys, expected, "never a password or a hash");
    assert_eq!(server.get(&location).token(&admin).send().data(200), user);
    server.login("alice", PASSWORD);
}

#[test]
fn a_generated_password_is_returned_once_and_logs_in() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let reply = server
        .post("/users")
        .token(&admin)
        .json(json!({"username": "bob", "email": "bob@example.com", "generate_password": true}))
        .send();
    reply.data(201);
    let password = reply.json()["generated_password"]
        .as_str()
        .expect("the generated password")
        .to_owned();
    assert!(password.len() >= 16, "{password}");
    let again = server.get("/users/bob").token(&admin).send();
    again.data(200);
    assert!(!again.text().contains(&password), "shown once: {again}");
    server.login("bob", &password);

    // An admin can have a new one generated too.
    let reply = server
        .patch("/users/bob")
        .token(&admin)
        .json(json!({"generate_password": true}))
        .send();
    reply.data(200);
    let renewed = reply.json()["generated_password"]
        .as_str()
        .expect("the new password")
        .to_owned();
    assert_ne!(renewed, password);
    server.login("bob", &renewed);
    server
        .post("/users")
        .token(&admin)
        .json(json!({"username": "carl", "email": "carl@example.com",
                     "generate_password": true, "password": PASSWORD}))
        .send()
        .invalid(&["password"]);
    server
        .post("/users")
        .token(&admin)
        .json(json!({"username": "carl", "email": "carl@example.com"}))
        .send()
        .invalid(&["password"]);
}

#[test]
fn create_user_needs_the_admin_role_without_registration() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let alice = server.login("alice", PASSWORD);
    let body = json!({"username": "mallory", "email": "mallory@example.com",
                      "generate_password": true});
    server
        .post("/users")
        .token(&alice)
        .json(body.clone())
        .send()
        .error(403, "forbidden");
    server
        .post("/users")
        .json(body)
        .send()
        .error(401, "unauthorized");
    server
        .get("/users/mallory")
        .token(&admin)
        .send()
        .error(404, "not_found");
}

#[test]
fn registration_lets_anyone_create_a_plain_user_and_only_that() {
    let test = Test::new();
    let server = test.serve().arg("--allow-registration").start();
    let reply = server
        .post("/users")
        .json(
            json!({"username": "eve", "email": "eve@example.com", "password": PASSWORD,
                     "role": "admin", "must_change_password": true}),
        )
        .send();
    let eve = reply.data(201);
    assert_eq!(eve["role"], "user", "{reply}");
    assert_eq!(eve["must_change_password"], false, "{reply}");
    assert_eq!(
        reply.header("location"),
        Some(format!("/users/{}", id(&eve)).as_str())
    );
    let token = server.login("eve", PASSWORD);
    server.get("/users").token(&token).send().data(200);
    // The rule is the same with a token as without one: a plain user may
    // register another plain account, exactly as anyone could, and no more.
    let reply = server
        .post("/users")
        .token(&token)
        .json(
            json!({"username": "eve2", "email": "eve2@example.com", "password": PASSWORD,
                     "role": "admin", "must_change_password": true}),
        )
        .send();
    let eve2 = reply.data(201);
    assert_eq!(eve2["role"], "user", "{reply}");
    assert_eq!(eve2["must_change_password"], false, "{reply}");
    // No admin powers.
    server
        .delete("/users/admin")
        .token(&token)
        .send()
        .error(403, "forbidden");
    // Registration is still validated and still refuses taken names.
    server
        .post("/users")
        .json(json!({"username": "eve", "email": "other@example.com", "generate_password": true}))
        .send()
        .error(409, "conflict");
}

#[test]
fn without_registration_neither_a_plain_user_nor_anyone_may_create_users() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "bob");
    let bob = server.login("bob", PASSWORD);
    let body = json!({"username": "eve", "email": "eve@example.com", "generate_password": true});
    server
        .post("/users")
        .token(&bob)
        .json(body.clone())
        .send()
        .error(403, "forbidden");
    server
        .post("/users")
        .json(body)
        .send()
        .error(401, "unauthorized");
}

#[test]
fn without_a_token_only_health_openapi_and_authenticate_answer() {
    let test = Test::new();
    let server = test.serve().start();
    let body = json!({"username": "eve", "email": "eve@example.com", "generate_password": true});
    for (method, path, body) in [
        ("GET", "/users", None),
        ("POST", "/users", Some(body.clone())),
        ("DELETE", "/users", Some(json!({"users": ["admin"]}))),
        ("GET", "/users/admin", None),
        ("PATCH", "/users/admin", Some(json!({"name": "Eve"}))),
        ("DELETE", "/users/admin", None),
        ("GET", "/users/ghost", None),
        ("POST", "/logout", None),
    ] {
        let call = server.request(method, path);
        let call = match body {
            Some(body) => call.json(body),
            None => call,
        };
        call.send().error(401, "unauthorized");
    }
    server.get("/health").send().status(200);
    server.get("/openapi.json").send().status(200);
    server
        .post("/authenticate")
        .json(json!({"username": ADMIN, "password": WRONG_PASSWORD}))
        .send()
        .error(401, "invalid_credentials");
    let admin = server.admin();
    assert_eq!(
        usernames(&server.get("/users").token(&admin).send().data(200)),
        [ADMIN]
    );
    assert!(
        server.user(&admin, ADMIN)["name"].is_null(),
        "nothing changed"
    );
}

// ---------------------------------------------------------------------------
// GET, PATCH and DELETE /users/{user}
// ---------------------------------------------------------------------------

#[test]
fn get_user_by_id_username_or_email_for_admin_self_and_others() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create_with(
        &admin,
        "alice",
        json!({"password": PASSWORD, "email": "Alice@Example.com"}),
    );
    server.create(&admin, "bob");
    let alice_token = server.login("alice", PASSWORD);
    let bob_token = server.login("bob", PASSWORD);
    let alice = server.user(&admin, "alice");
    for token in [&admin, &alice_token, &bob_token] {
        for name in [id(&alice).as_str(), "alice", "ALICE", "alice@example.com"] {
            let got = server.get(&format!("/users/{name}")).token(token).send();
            assert_eq!(got.data(200), alice, "{got}");
        }
    }
    server.get("/users/alice").send().error(401, "unauthorized");
    let missing = format!("/users/{}", "0190a0a0-0000-7000-8000-000000000000");
    for path in [
        "/users/ghost",
        "/users/ghost@example.com",
        missing.as_str(),
        "/users/no%20such%20user!",
    ] {
        server
            .get(path)
            .token(&bob_token)
            .send()
            .error(404, "not_found");
    }
}

#[test]
fn an_admin_may_patch_any_field_of_another_user_and_there_is_no_put() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let alice = server.create_with(
        &admin,
        "alice",
        json!({"generate_password": true, "name": "Alice", "attributes": {"phone": "1", "title": "Dr"}}),
    );
    let reply = server
        .patch(&format!("/users/{}", id(&alice)))
        .token(&admin)
        .json(json!({
            "username": "alicia",
            "email": "alicia@example.org",
            "name": null,
            "role": "admin",
            "attributes": {"phone": null, "team": "ops"},
            "blocked": true,
            "block_reason": "left the company",
            "must_change_password": true,
        }))
        .send();
    let user = reply.data(200);
    assert_eq!(user["id"], alice["id"]);
    assert_eq!(user["username"], "alicia");
    assert_eq!(user["email"], "alicia@example.org");
    assert_eq!(user["name"], Value::Null);
    assert_eq!(user["role"], "admin");
    assert_eq!(user["attributes"], json!({"title": "Dr", "team": "ops"}));
    assert_eq!(user["blocked"], true);
    assert_eq!(user["block_reason"], "left the company");
    assert_eq!(user["must_change_password"], true);
    assert_ne!(user["updated_at"], alice["updated_at"]);
    // The old names are free, the new ones find the user.
    server
        .get("/users/alice")
        .token(&admin)
        .send()
        .error(404, "not_found");
    assert_eq!(server.user(&admin, "alicia@example.org"), user);

    // Changes are PATCH: there is no PUT, which would replace the user whole.
    let reply = server
        .request("PUT", "/users/alicia")
        .token(&admin)
        .json(json!({"blocked": false, "name": "Alicia", "role": "user"}))
        .send();
    reply.error(405, "method_not_allowed");
    assert_eq!(
        reply.header("allow"),
        Some("GET,HEAD,PATCH,DELETE"),
        "{reply}"
    );
    let user = server
        .patch("/users/alicia")
        .token(&admin)
        .json(json!({"blocked": false, "name": "Alicia", "role": "user"}))
        .send()
        .data(200);
    assert_eq!(user["blocked"], false);
    assert_eq!(user["block_reason"], Value::Null);
    assert_eq!(user["name"], "Alicia");
    assert_eq!(user["role"], "user");
    assert_eq!(user["email"], "alicia@example.org");
    // A merge-patch content type is JSON too.
    let user = server
        .patch("/users/alicia")
        .token(&admin)
        .body(
            Some("application/merge-patch+json"),
            json!({"must_change_password": false}).to_string(),
        )
        .send()
        .data(200);
    assert_eq!(user["must_change_password"], false);
}

#[test]
fn a_user_may_change_its_own_email_name_and_attributes() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let alice = server.create(&admin, "alice");
    let token = server.login("alice", PASSWORD);
    let user = server
        .patch("/users/alice")
        .token(&token)
        .json(json!({"name": "Alice L.", "attributes": {"photo": "/p/alice.png"}}))
        .send()
        .data(200);
    assert_eq!(user["name"], "Alice L.");
    assert_eq!(user["attributes"], json!({"photo": "/p/alice.png"}));
    let user = server
        .patch("/users/alice@example.com")
        .token(&token)
        .json(json!({"email": "alice@example.net"}))
        .send()
        .data(200);
    assert_eq!(user["email"], "alice@example.net");
    let user = server
        .patch(&format!("/users/{}", id(&alice)))
        .token(&token)
        .json(json!({"attributes": {"photo": null, "tz": "Europe/London"}, "name": null}))
        .send()
        .data(200);
    assert_eq!(user["attributes"], json!({"tz": "Europe/London"}));
    assert_eq!(user["name"], Value::Null);
    // The token still works: nothing that guards it changed.
    server.get("/users/alice").token(&token).send().data(200);
}

#[test]
fn a_user_may_not_change_its_own_role_blocked_flag_or_username() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let token = server.login("alice", PASSWORD);
    let before = server.user(&admin, "alice");
    for patch in [
        json!({"role": "admin"}),
        json!({"role": "user"}),
        json!({"blocked": false}),
        json!({"blocked": true}),
        json!({"block_reason": "none"}),
        json!({"username": "alice2"}),
        json!({"must_change_password": false}),
        json!({"name": "Alice", "role": "admin"}),
    ] {
        server
            .patch("/users/alice")
            .token(&token)
            .json(patch.clone())
            .send()
            .error(403, "forbidden");
    }
    assert_eq!(server.user(&admin, "alice"), before, "nothing changed");
}

#[test]
fn a_user_changes_its_own_password_only_with_the_current_one() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let token = server.login("alice", PASSWORD);
    let body = server
        .patch("/users/alice")
        .token(&token)
        .json(json!({"password": NEW_PASSWORD}))
        .send()
        .invalid(&["current_password"]);
    assert!(detail_message(&body, "current_password").contains("required"));
    server
        .patch("/users/alice")
        .token(&token)
        .json(json!({"password": NEW_PASSWORD, "current_password": WRONG_PASSWORD}))
        .send()
        .error(403, "forbidden");
    server
        .patch("/users/alice")
        .token(&token)
        .json(json!({"password": NEW_PASSWORD, "current_password": PASSWORD}))
        .send()
        .data(200);
    // The change ends the token that made it, and the old password is gone.
    server
        .get("/users/alice")
        .token(&token)
        .send()
        .error(401, "unauthorized");
    server
        .post("/authenticate")
        .json(json!({"username": "alice", "password": PASSWORD}))
        .send()
        .error(401, "invalid_credentials");
    server.login("alice", NEW_PASSWORD);
}

#[test]
fn a_user_cannot_touch_other_users() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create_with(&admin, "bob", json!({"generate_password": true}));
    let token = server.login("alice", PASSWORD);
    let bob = server.user(&admin, "bob");
    for target in ["bob", "bob@example.com", id(&bob).as_str(), "admin"] {
        let path = format!("/users/{target}");
        server
            .patch(&path)
            .token(&token)
            .json(json!({"name": "pwned"}))
            .send()
            .error(403, "forbidden");
        server
            .delete(&path)
            .token(&token)
            .send()
            .error(403, "forbidden");
    }
    server
        .delete("/users")
        .token(&token)
        .json(json!({"users": ["bob"]}))
        .send()
        .error(403, "forbidden");
    assert_eq!(server.user(&admin, "bob"), bob, "bob is untouched");
}

#[test]
fn an_admin_cannot_block_or_demote_itself_but_may_another_admin() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let me = server.user(&admin, ADMIN);
    for target in [ADMIN, "admin@example.com", id(&me).as_str()] {
        for patch in [json!({"blocked": true}), json!({"role": "user"})] {
            server
                .patch(&format!("/users/{target}"))
                .token(&admin)
                .json(patch)
                .send()
                .error(403, "forbidden");
        }
    }
    assert_eq!(server.user(&admin, ADMIN)["role"], "admin");
    // Harmless changes to itself are fine.
    server
        .patch("/users/admin")
        .token(&admin)
        .json(json!({"name": "The Admin", "blocked": false, "role": "admin"}))
        .send()
        .data(200);
    server.create_with(
        &admin,
        "carol",
        json!({"generate_password": true, "role": "admin"}),
    );
    let carol = server
        .patch("/users/carol")
        .token(&admin)
        .json(json!({"role": "user", "blocked": true}))
        .send()
        .data(200);
    assert_eq!(
        (&carol["role"], &carol["blocked"]),
        (&json!("user"), &json!(true))
    );
}

#[test]
fn a_user_may_delete_itself_and_its_token_dies_with_it() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let token = server.login("alice", PASSWORD);
    let before = server.user(&admin, "alice");
    let deleted = server.delete("/users/alice").token(&token).send().data(200);
    assert_eq!(deleted["id"], before["id"]);
    assert_eq!(deleted["username"], "alice");
    server
        .get("/users")
        .token(&token)
        .send()
        .error(401, "unauthorized");
    server
        .post("/authenticate")
        .json(json!({"username": "alice", "password": PASSWORD}))
        .send()
        .error(401, "invalid_credentials");
    server
        .get("/users/alice")
        .token(&admin)
        .send()
        .error(404, "not_found");
}

#[test]
fn an_admin_deletes_one_user_by_id_username_or_email() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let mut ids = Vec::new();
    for name in ["user1", "user2", "user3"] {
        ids.push(id(&server.create_with(
            &admin,
            name,
            json!({"generate_password": true}),
        )));
    }
    for (path, name) in [
        (format!("/users/{}", ids[0]), "user1"),
        ("/users/USER2".to_owned(), "user2"),
        ("/users/USER3@EXAMPLE.com".to_owned(), "user3"),
    ] {
        server.delete(&path).send().error(401, "unauthorized");
        let deleted = server.delete(&path).token(&admin).send().data(200);
        assert_eq!(deleted["username"], name);
        server
            .delete(&path)
            .token(&admin)
            .send()
            .error(404, "not_found");
    }
    let users = usernames(&server.get("/users").token(&admin).send().data(200));
    assert_eq!(users, [ADMIN]);
}

#[test]
fn bulk_delete_reports_what_was_deleted_and_what_was_not_found() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let mut ids = Vec::new();
    for name in ["user1", "user2", "user3", "user4"] {
        ids.push(id(&server.create_with(
            &admin,
            name,
            json!({"generate_password": true}),
        )));
    }
    let users = json!({"users": ["user1", "USER2@example.com", ids[2].clone(), "ghost", "not a name!", "user1"]});
    server
        .delete("/users")
        .json(users.clone())
        .send()
        .error(401, "unauthorized");
    let report = server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": ["user4", "ghost"], "dry_run": true}))
        .send()
        .data(200);
    assert_eq!(report["deleted"], json!(["user4"]));
    assert_eq!(report["not_found"], json!(["ghost"]));
    let report = server
        .delete("/users")
        .token(&admin)
        .json(users)
        .send()
        .data(200);
    assert_eq!(
        report["deleted"],
        json!(["user1", "USER2@example.com", ids[2]])
    );
    assert_eq!(report["not_found"], json!(["ghost", "not a name!"]));
    let left = usernames(&server.get("/users").token(&admin).send().data(200));
    assert_eq!(left, [ADMIN, "user4"]);
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": []}))
        .send()
        .invalid(&["users"]);
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"names": ["user4"]}))
        .send()
        .invalid(&["users", "names"]);
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": ["user4", 5]}))
        .send()
        .invalid(&["users"]);
    let too_many = vec!["x"; 10_001];
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": too_many}))
        .send()
        .invalid(&["users"]);
    server.user(&admin, "user4");
}

#[test]
fn a_must_change_password_token_may_only_change_its_own_password() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create_with(
        &admin,
        "dave",
        json!({"password": PASSWORD, "must_change_password": true}),
    );
    server.create_with(&admin, "erin", json!({"generate_password": true}));
    let token = server.login("dave", PASSWORD);
    let refused = [
        server.get("/users").token(&token).send(),
        server.get("/users/dave").token(&token).send(),
        server.get("/users/erin").token(&token).send(),
        server
            .patch("/users/dave")
            .token(&token)
            .json(json!({"name": "Dave"}))
            .send(),
        server
            .patch("/users/dave")
            .token(&token)
            .json(json!({"password": NEW_PASSWORD, "current_password": PASSWORD, "name": "Dave"}))
            .send(),
        server
            .patch("/users/erin")
            .token(&token)
            .json(json!({"password": NEW_PASSWORD, "current_password": PASSWORD}))
            .send(),
        server.delete("/users/dave").token(&token).send(),
    ];
    for reply in refused {
        reply.error(403, "forbidden");
    }
    let user = server
        .patch("/users/dave")
        .token(&token)
        .json(json!({"password": NEW_PASSWORD, "current_password": PASSWORD}))
        .send()
        .data(200);
    assert_eq!(user["must_change_password"], false);
    server
        .get("/users")
        .token(&token)
        .send()
        .error(401, "unauthorized");
    let token = server.login("dave", NEW_PASSWORD);
    server.get("/users").token(&token).send().data(200);
}

// ---------------------------------------------------------------------------
// How tokens travel, and when they stop working
// ---------------------------------------------------------------------------

#[test]
fn a_token_is_accepted_as_bearer_or_as_a_token_header() {
    let test = Test::new();
    let server = test.serve().start();
    let token = server.admin();
    for call in [
        server
            .get("/users")
            .header("Authorization", &format!("Bearer {token}")),
        server
            .get("/users")
            .header("Authorization", &format!("bearer {token}")),
        server.get("/users").header("token", &token),
        server
            .get("/users")
            .header("Authorization", &format!("Bearer {token}"))
            .header("token", &token),
    ] {
        call.send().data(200);
    }
}

#[test]
fn conflicting_malformed_and_query_string_tokens_are_refused() {
    let test = Test::new();
    let server = test.serve().start();
    let token = server.admin();
    let other = server.admin();
    server
        .get("/users")
        .token(&token)
        .header("token", &other)
        .send()
        .error(401, "unauthorized");
    for query in ["token", "access_token", "jwt", "TOKEN"] {
        server
            .get(&format!("/users?{query}={token}"))
            .send()
            .error(401, "unauthorized");
        // Even beside a good header: a token in a URL has leaked already.
        server
            .get(&format!("/users/admin?{query}={token}"))
            .token(&token)
            .send()
            .error(401, "unauthorized");
    }
    for authorization in [
        "Basic YWRtaW46cGFzc3dvcmQ=".to_owned(),
        "Bearer".to_owned(),
        "Bearer    ".to_owned(),
        token.clone(),
        format!("Token {token}"),
        "Bearer not.a.jwt".to_owned(),
        "Bearer garbage".to_owned(),
    ] {
        server
            .get("/users")
            .header("Authorization", &authorization)
            .send()
            .error(401, "unauthorized");
    }
    // A header that is not even text.
    let mut bytes = b"GET /users HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
        Authorization: Bearer "
        .to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"\r\n\r\n");
    raw(server.addr, &bytes).error(401, "unauthorized");
}

#[test]
fn names_that_could_spoof_another_are_400_with_the_field() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let body = json!({"username": "mallory", "email": "m@example.com",
                      "name": "admin\u{202E}", "generate_password": true});
    let reply = server.post("/users").token(&admin).json(body).send();
    let err = reply.error(400, "invalid_input");
    assert_eq!(err["details"][0]["field"], "name");
    server.create(&admin, "bob");
    let reply = server
        .patch("/users/bob")
        .token(&admin)
        .json(json!({"name": "b\u{200B}ob"}))
        .send();
    assert_eq!(
        reply.error(400, "invalid_input")["details"][0]["field"],
        "name"
    );
    assert_eq!(server.user(&admin, "bob")["name"], Value::Null);
}

#[test]
fn a_token_header_given_twice_with_different_values_is_refused() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let other = server.admin();
    let request = |headers: &[(&str, &str)]| {
        let mut text =
            "GET /users/admin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_owned();
        for (name, value) in headers {
            text += &format!("{name}: {value}\r\n");
        }
        text += "\r\n";
        raw(server.addr, text.as_bytes())
    };
    let bearer = |t: &str| format!("Bearer {t}");
    for headers in [
        vec![
            ("Authorization", bearer(&admin)),
            ("Authorization", bearer(&other)),
        ],
        vec![
            ("Authorization", bearer(&admin)),
            ("Authorization", "Bearer garbage".to_owned()),
        ],
        vec![("token", admin.clone()), ("token", other.clone())],
        vec![("token", admin.clone()), ("Token", "garbage".to_owned())],
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let reply = request(&headers);
        let body = reply.error(401, "unauthorized");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("more than one"),
            "{headers:?}: {reply}"
        );
    }
    // The same token twice is the same token.
    request(&[
        ("Authorization", &bearer(&admin)),
        ("Authorization", &bearer(&admin)),
    ])
    .data(200);
    request(&[("token", &admin)]).data(200);
}

#[test]
fn tokens_issued_before_a_block_stay_dead_after_the_unblock() {
    let test = Test::new();
    // A token the command line issued (up to 30 days) and one from a login.
    test.cli(
        &[
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--password-stdin",
        ],
        PASSWORD,
    );
    let long = test.cli(
        &[
            "-o",
            "name",
            "authenticate",
            "alice",
            "--password-stdin",
            "--ttl",
            "30d",
        ],
        PASSWORD,
    );
    let long = long.trim().to_owned();
    let server = test.serve().start();
    let admin = server.admin();
    let short = server.login("alice", PASSWORD);
    for token in [&long, &short] {
        server.get("/users/alice").token(token).send().data(200);
    }
    let block = |blocked: bool| {
        server
            .patch("/users/alice")
            .token(&admin)
            .json(json!({"blocked": blocked}))
            .send()
            .data(200)
    };
    block(true);
    for token in [&long, &short] {
        server
            .get("/users/alice")
            .token(token)
            .send()
            .error(403, "forbidden");
    }
    block(false);
    for token in [&long, &short] {
        let reply = server.get("/users/alice").token(token).send();
        let err = reply.error(401, "unauthorized");
        assert_eq!(
            err["message"],
            "token was issued before the account was blocked; log in again"
        );
    }
    // A new login works at once (even within the same second), and a second
    // unrelated update does not end it.
    let fresh = server.login("alice", PASSWORD);
    server.get("/users/alice").token(&fresh).send().data(200);
    server
        .patch("/users/alice")
        .token(&admin)
        .json(json!({"name": "Alice"}))
        .send()
        .data(200);
    server.get("/users/alice").token(&fresh).send().data(200);
    // Through the admin socket too (the CLI while the server runs).
    test.cli(&["user", "update", "alice", "--block"], "");
    test.cli(&["user", "update", "alice", "--unblock"], "");
    server
        .get("/users/alice")
        .token(&fresh)
        .send()
        .error(401, "unauthorized");
}

#[test]
fn a_token_stops_working_when_its_user_is_blocked_deleted_or_changes_password() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for name in ["alice", "bob", "carol"] {
        server.create(&admin, name);
    }
    let alice = server.login("alice", PASSWORD);
    let bob = server.login("bob", PASSWORD);
    let carol = server.login("carol", PASSWORD);
    for token in [&alice, &bob, &carol] {
        server.get("/users").token(token).send().data(200);
    }
    server
        .patch("/users/alice")
        .token(&admin)
        .json(json!({"blocked": true, "block_reason": "under review"}))
        .send()
        .data(200);
    let reply = server.get("/users").token(&alice).send();
    let body = reply.error(403, "forbidden");
    assert!(
        !reply.text().contains("under review"),
        "the reason is for operators only: {body}"
    );
    server.delete("/users/bob").token(&admin).send().data(200);
    server
        .get("/users")
        .token(&bob)
        .send()
        .error(401, "unauthorized");
    server
        .patch("/users/carol")
        .token(&admin)
        .json(json!({"password": NEW_PASSWORD}))
        .send()
        .data(200);
    server
        .get("/users")
        .token(&carol)
        .send()
        .error(401, "unauthorized");
    server.login("carol", NEW_PASSWORD);
}

#[test]
fn a_role_taken_away_or_a_password_change_demanded_binds_tokens_already_in_use() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create_with(
        &admin,
        "dana",
        json!({"password": PASSWORD, "role": "admin"}),
    );
    let dana = server.login("dana", PASSWORD);
    // Used, and so remembered by the server, while dana is an admin.
    server.create(&dana, "erin");
    server.get("/users/erin").token(&dana).send().data(200);
    server
        .patch("/users/dana")
        .token(&admin)
        .json(json!({"role": "user"}))
        .send()
        .data(200);
    server
        .post("/users")
        .token(&dana)
        .json(json!({"username": "fred", "email": "fred@example.com", "password": PASSWORD}))
        .send()
        .error(403, "forbidden");
    server.get("/users/erin").token(&dana).send().data(200);
    // The same through the operator's socket, which writes as the server does.
    test.cli(
        &["user", "update", "dana", "--must-change-password", "true"],
        "",
    );
    server
        .get("/users/erin")
        .token(&dana)
        .send()
        .error(403, "forbidden");
}

// ---------------------------------------------------------------------------
// Token attacks
// ---------------------------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims of a token, unverified.
fn claims_of(token: &str) -> Map<String, Value> {
    let payload = token.split('.').nth(1).expect("a JWT payload");
    let bytes = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

fn sign(algorithm: Algorithm, claims: &Map<String, Value>, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("the token is signed")
}

/// `claims` with `changes` applied; a `null` removes the claim.
fn with(claims: &Map<String, Value>, changes: Value) -> Map<String, Value> {
    let mut out = claims.clone();
    for (key, value) in changes.as_object().expect("an object of changes") {
        if value.is_null() {
            out.remove(key);
        } else {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

#[test]
fn forged_and_tampered_tokens_are_refused() {
    let test = Test::new();
    let server = test.serve().known_secret().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let real = server.login("alice", PASSWORD);
    let claims = claims_of(&real);
    assert_eq!(claims["iss"], "usersctl");
    let key = SECRET.as_bytes();
    let (header, _, signature) = {
        let parts: Vec<&str> = real.split('.').collect();
        (
            parts[0].to_owned(),
            parts[1].to_owned(),
            parts[2].to_owned(),
        )
    };
    assert_eq!(
        serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(&header).unwrap()).unwrap()["alg"],
        "HS256"
    );

    // The control: the same claims signed again with the real key are accepted,
    // so each refusal below is down to the one thing that differs.
    let control = sign(Algorithm::HS256, &claims, key);
    server.get("/users").token(&control).send().data(200);
    // Even correctly signed, a role claim grants nothing: the role is the user's.
    let promoted = sign(
        Algorithm::HS256,
        &with(&claims, json!({"role": "admin"})),
        key,
    );
    server.get("/users").token(&promoted).send().data(200);
    server
        .post("/users")
        .token(&promoted)
        .json(json!({"username": "mallory", "email": "m@example.com", "generate_password": true}))
        .send()
        .error(403, "forbidden");

    let admin_claims = b64(&serde_json::to_vec(&with(&claims, json!({"role": "admin"}))).unwrap());
    let none_header = b64(br#"{"alg":"none","typ":"JWT"}"#);
    let now = now();
    let attacks = [
        ("alg none", format!("{none_header}.{admin_claims}.")),
        (
            "alg none keeping the signature",
            format!("{none_header}.{admin_claims}.{signature}"),
        ),
        (
            "alg None",
            format!("{}.{admin_claims}.", b64(br#"{"alg":"None","typ":"JWT"}"#)),
        ),
        (
            "HS512 with the right key",
            sign(Algorithm::HS512, &claims, key),
        ),
        (
            "HS384 with the right key",
            sign(Algorithm::HS384, &claims, key),
        ),
        (
            "tampered payload",
            format!("{header}.{admin_claims}.{signature}"),
        ),
        (
            "wrong key",
            sign(
                Algorithm::HS256,
                &claims,
                b"another secret of at least 32 bytes!!",
            ),
        ),
        (
            "expired",
            sign(
                Algorithm::HS256,
                &with(&claims, json!({"iat": now - 7200, "exp": now - 3600})),
                key,
            ),
        ),
        (
            "expired beyond the leeway",
            sign(
                Algorithm::HS256,
                &with(&claims, json!({"exp": now - 10})),
                key,
            ),
        ),
        (
            "exp missing",
            sign(Algorithm::HS256, &with(&claims, json!({"exp": null})), key),
        ),
        (
            "iat missing",
            sign(Algorithm::HS256, &with(&claims, json!({"iat": null})), key),
        ),
        (
            "iss missing",
            sign(Algorithm::HS256, &with(&claims, json!({"iss": null})), key),
        ),
        (
            "another issuer",
            sign(
                Algorithm::HS256,
                &with(&claims, json!({"iss": "evil"})),
                key,
            ),
        ),
        (
            "sub missing",
            sign(Algorithm::HS256, &with(&claims, json!({"sub": null})), key),
        ),
        (
            "sub of nobody",
            sign(
                Algorithm::HS256,
                &with(
                    &claims,
                    json!({"sub": "0190a0a0-0000-7000-8000-000000000000"}),
                ),
                key,
            ),
        ),
        (
            "nbf in the future",
            sign(
                Algorithm::HS256,
                &with(&claims, json!({"nbf": now + 3600})),
                key,
            ),
        ),
        (
            "nbf beyond the leeway",
            sign(
                Algorithm::HS256,
                &with(&claims, json!({"nbf": now + 10})),
                key,
            ),
        ),
        (
            "string exp",
            sign(
                Algorithm::HS256,
                &with(&claims, json!({"exp": "9999999999"})),
                key,
            ),
        ),
        ("two parts", format!("{header}.{admin_claims}")),
        ("empty signature", format!("{header}.{admin_claims}.")),
    ];
    for (attack, token) in &attacks {
        for call in [
            server.get("/users").token(token),
            server.get("/users/alice").header("token", token),
        ] {
            let reply = call.send();
            assert_eq!(reply.status, 401, "{attack}: {reply}");
            reply.error(401, "unauthorized");
        }
    }

    // Revoked: logging out the real token also ends the re-signed copy of it.
    server.post("/logout").token(&real).send().data(200);
    for token in [&real, &control] {
        let reply = server.get("/users").token(token).send();
        let body = reply.error(401, "unauthorized");
        assert!(
            body["message"].as_str().unwrap().contains("revoked"),
            "{reply}"
        );
    }
}

#[test]
fn the_library_signs_and_verifies_tokens_the_server_accepts() {
    use usersctl::token::TokenKeys;
    let test = Test::new();
    let server = test.serve().known_secret().start();
    let admin = server.admin();
    let alice = server.create(&admin, "alice");
    let user: usersctl::domain::User =
        serde_json::from_value(alice.clone()).expect("the API's user is the library's");
    let keys = TokenKeys::from_secret(SECRET.as_bytes()).expect("a long enough secret");
    let issued = keys
        .issue(&user, Duration::from_secs(600))
        .expect("a token is signed");
    let claims = keys.verify(&issued.token).expect("its own token verifies");
    assert_eq!(claims.sub.to_string(), id(&alice));
    assert_eq!(claims.iss, "usersctl");
    assert!(claims.exp > claims.iat);
    // The server takes the library's token, and the library the server's.
    let me = server
        .get("/users/alice")
        .token(&issued.token)
        .send()
        .data(200);
    assert_eq!(me["id"], alice["id"]);
    let from_server = server.login("alice", PASSWORD);
    let claims = keys
        .verify(&from_server)
        .expect("the server's token verifies");
    assert_eq!(claims.sub.to_string(), id(&alice));
    // And neither holds with another key.
    let other = TokenKeys::from_secret(b"a different secret, also 32+ bytes").unwrap();
    assert!(other.verify(&from_server).is_err());
    assert!(other.verify(&issued.token).is_err());
    assert!(TokenKeys::from_secret(b"too short").is_err());
}

// ---------------------------------------------------------------------------
// Every error status
// ---------------------------------------------------------------------------

#[test]
fn malformed_json_is_400_on_every_json_route() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for body in [
        &b"{"[..],
        b"",
        b"[]",
        b"\"alice\"",
        b"null",
        b"{\"username\": \"alice\",}",
        b"{\"username\": \"\xff\"}",
    ] {
        for (method, path) in [
            ("POST", "/authenticate"),
            ("POST", "/users"),
            ("PATCH", "/users/admin"),
            ("DELETE", "/users"),
        ] {
            let reply = server
                .request(method, path)
                .token(&admin)
                .body(Some("application/json"), body.to_vec())
                .send();
            let error = reply.error(400, "invalid_input");
            assert!(error.get("details").is_none(), "{reply}");
        }
    }
}

#[test]
fn invalid_fields_are_400_with_details_naming_each_field() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let body = server
        .post("/users")
        .token(&admin)
        .json(json!({
            "username": "-Bad Name",
            "email": "not-an-email",
            "name": "bell\u{7}",
            "role": "superuser",
            "attributes": {"blob": "x".repeat(9000)},
            "must_change_password": "yes",
            "password": PASSWORD,
            "favourite_colour": "blue",
        }))
        .send()
        .invalid(&[
            "username",
            "email",
            "name",
            "role",
            "attributes",
            "must_change_password",
            "favourite_colour",
        ]);
    assert!(
        detail_message(&body, "attributes").contains("8192"),
        "{body}"
    );
    for (patch, fields) in [
        (json!({"username": "ab"}), vec!["username"]),
        (json!({"username": "a".repeat(33)}), vec!["username"]),
        (
            json!({"email": format!("{}@example.com", "a".repeat(250))}),
            vec!["email"],
        ),
        (json!({"name": "n".repeat(129)}), vec!["name"]),
        (json!({"attributes": [1, 2]}), vec!["attributes"]),
        (
            json!({"blocked": "yes", "role": 1}),
            vec!["blocked", "role"],
        ),
        (
            json!({"block_reason": "r".repeat(257)}),
            vec!["block_reason"],
        ),
        (
            json!({"id": "0190a0a0-0000-7000-8000-000000000000"}),
            vec!["id"],
        ),
        (
            json!({"password_hash": "$argon2id$v=19$m=19456,t=2,p=1$x$y"}),
            vec!["password_hash"],
        ),
    ] {
        server
            .patch("/users/admin")
            .token(&admin)
            .json(patch)
            .send()
            .invalid(&fields);
    }
    // The attributes limit holds for merges too: two halves that fit alone.
    server.create_with(
        &admin,
        "alice",
        json!({"generate_password": true, "attributes": {"a": "x".repeat(5000)}}),
    );
    server
        .patch("/users/alice")
        .token(&admin)
        .json(json!({"attributes": {"b": "y".repeat(5000)}}))
        .send()
        .invalid(&["attributes"]);
    server
        .post("/users")
        .token(&admin)
        .json(
            json!({"username": "bob", "email": "bob@example.com", "generate_password": true,
                     "attributes": {"a": "x".repeat(8100)}}),
        )
        .send()
        .data(201);
}

#[test]
fn short_and_common_passwords_are_400() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let create = |password: &str| {
        server
            .post("/users")
            .token(&admin)
            .json(json!({"username": "alice", "email": "alice@example.com", "password": password}))
            .send()
            .invalid(&["password"])
    };
    assert!(detail_message(&create("Sh0rt!"), "password").contains("at least 8"));
    for common in [
        "password",
        "password1",
        "12345678",
        "qwertyuiop",
        "alice@example.com",
    ] {
        let body = create(common);
        assert!(
            detail_message(&body, "password").contains("too common"),
            "{common}: {body}"
        );
    }
    server
        .patch("/users/admin")
        .token(&admin)
        .json(json!({"password": "password1", "current_password": PASSWORD}))
        .send()
        .invalid(&["password"]);
    server
        .post("/users")
        .token(&admin)
        .json(json!({"username": "alice", "email": "alice@example.com", "password": ""}))
        .send()
        .invalid(&["password"]);
    server
        .post("/users")
        .token(&admin)
        .json(json!({"username": "alice", "email": "alice@example.com", "password": "x".repeat(1025)}))
        .send()
        .invalid(&["password"]);
    server
        .get("/users/alice")
        .token(&admin)
        .send()
        .error(404, "not_found");
}

#[test]
fn taken_and_reserved_names_are_409() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create_with(
        &admin,
        "alice",
        json!({"generate_password": true, "email": "Alice@Example.com"}),
    );
    server.create_with(&admin, "bob", json!({"generate_password": true}));
    for (username, email) in [
        ("alice", "new@example.com"),
        ("ALICE", "new@example.com"),
        ("newbie", "alice@example.com"),
        ("newbie", "ALICE@EXAMPLE.COM"),
        ("root", "root@example.com"),
        ("Administrator", "administrator@example.com"),
    ] {
        let reply = server
            .post("/users")
            .token(&admin)
            .json(json!({"username": username, "email": email, "generate_password": true}))
            .send();
        reply.error(409, "conflict");
    }
    for patch in [
        json!({"username": "alice"}),
        json!({"email": "aLiCe@example.com"}),
        json!({"username": "root"}),
    ] {
        server
            .patch("/users/bob")
            .token(&admin)
            .json(patch)
            .send()
            .error(409, "conflict");
    }
    let names = usernames(&server.get("/users").token(&admin).send().data(200));
    assert_eq!(names, [ADMIN, "alice", "bob"]);
    assert_eq!(server.user(&admin, "bob")["email"], "bob@example.com");
}

#[test]
fn unknown_users_and_routes_are_404_in_json() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for (method, path) in [
        ("GET", "/users/ghost"),
        ("PATCH", "/users/ghost"),
        ("DELETE", "/users/0190a0a0-0000-7000-8000-000000000000"),
    ] {
        let call = server.request(method, path).token(&admin);
        let call = if method == "PATCH" {
            call.json(json!({"name": "Ghost"}))
        } else {
            call
        };
        call.send().error(404, "not_found");
    }
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/nope"),
        ("POST", "/nope"),
        ("GET", "/users/alice/extra"),
        ("GET", "/health/"),
        // `/admin/` is the web console now: a path under it that it lacks.
        ("DELETE", "/admin/nope"),
    ] {
        server
            .request(method, path)
            .token(&admin)
            .send()
            .error(404, "not_found");
        server.request(method, path).send().error(404, "not_found");
    }
}

#[test]
fn a_wrong_method_is_405_with_allow_in_json() {
    let test = Test::new();
    let server = test.serve().start();
    for (method, path, allowed) in [
        ("DELETE", "/health", &["GET"][..]),
        ("POST", "/health", &["GET"]),
        ("GET", "/authenticate", &["POST"]),
        ("GET", "/logout", &["POST"]),
        ("PUT", "/users", &["GET", "POST", "DELETE"]),
        ("PATCH", "/users", &["GET", "POST", "DELETE"]),
        ("POST", "/users/alice", &["GET", "PATCH", "DELETE"]),
        ("PUT", "/users/alice", &["GET", "PATCH", "DELETE"]),
        ("DELETE", "/openapi.json", &["GET"]),
    ] {
        let reply = server.request(method, path).send();
        reply.error(405, "method_not_allowed");
        let allow: BTreeSet<String> = reply
            .header("allow")
            .unwrap_or_else(|| panic!("no Allow header:\n{reply}"))
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| m != "HEAD")
            .collect();
        let expected: BTreeSet<String> = allowed.iter().map(|m| (*m).to_owned()).collect();
        assert_eq!(allow, expected, "{reply}");
    }
}

#[test]
fn bodies_over_64_kib_are_413_in_json_on_every_route() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let big = json!({"username": "alice", "email": "alice@example.com",
                     "password": PASSWORD, "name": "x".repeat(BODY_LIMIT)})
    .to_string();
    let mut bodies = BTreeSet::new();
    for (method, path) in [
        ("POST", "/authenticate"),
        ("POST", "/logout"),
        ("POST", "/users"),
        ("GET", "/users"),
        ("DELETE", "/users"),
        ("PATCH", "/users/admin"),
        ("GET", "/health"),
        ("POST", "/nope"),
        ("DELETE", "/health"),
    ] {
        // Raw, since a client library may give up when the server stops
        // reading the body it has already refused.
        let request = raw_json_request(method, path, Some(&admin), &big);
        let reply = raw(server.addr, request.as_bytes());
        reply.error(413, "payload_too_large");
        bodies.insert(reply.body.clone());
    }
    assert_eq!(bodies.len(), 1, "the same answer everywhere");
    // Without a Content-Length the limit holds as the body streams in.
    let chunk = "x".repeat(8 * 1024);
    let mut request = format!(
        "POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Authorization: Bearer {admin}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    for _ in 0..10 {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    raw(server.addr, request.as_bytes()).error(413, "payload_too_large");
    // A body just under the limit is read (and judged on its content).
    let fits = json!({"users": ["x".repeat(BODY_LIMIT - 100)]}).to_string();
    assert!(fits.len() < BODY_LIMIT);
    server
        .delete("/users")
        .token(&admin)
        .body(Some("application/json"), fits)
        .send()
        .data(200);
    server.get("/users").token(&admin).send().data(200);
}

#[test]
fn a_body_that_is_not_json_is_415() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let body = json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD})
        .to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonx"),
        None,
    ] {
        for (method, path) in [
            ("POST", "/authenticate"),
            ("POST", "/users"),
            ("PATCH", "/users/admin"),
            ("DELETE", "/users"),
        ] {
            server
                .request(method, path)
                .token(&admin)
                .body(content_type, body.clone())
                .send()
                .error(415, "unsupported_media_type");
        }
    }
    server
        .get("/users/alice")
        .token(&admin)
        .send()
        .error(404, "not_found");
}

/// Reads one answer from a kept-alive connection: the head, then as many bytes
/// as `Content-Length` says.
fn read_one_reply(what: &str, stream: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => bytes.push(byte[0]),
            other => panic!(
                "{what}: the connection ended ({other:?}) after {:?}",
                String::from_utf8_lossy(&bytes)
            ),
        }
    }
    let head = parse_reply(what, &bytes);
    let length: usize = head
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream
        .read_exact(&mut body)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    Reply { body, ..head }
}

#[test]
fn a_refused_body_does_not_break_a_kept_alive_connection() {
    let test = Test::new();
    let server = test.serve().start();
    let body = json!({"username": "ghost", "password": WRONG_PASSWORD}).to_string();
    let mut stream = TcpStream::connect(server.addr).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The body follows its head a moment later, as it does on a real network.
    write!(
        stream,
        "POST /authenticate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    stream.write_all(body.as_bytes()).unwrap();
    let first = read_one_reply("POST /authenticate (text/plain)", &mut stream);
    first.error(415, "unsupported_media_type");
    if first
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    {
        return; // Closing is fine when the client is told so.
    }
    std::thread::sleep(Duration::from_millis(100));
    let sent = stream.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert!(
        sent.is_ok(),
        "kept alive without Connection: close, yet closed: {sent:?}"
    );
    read_one_reply("GET /health on the same connection", &mut stream).status(200);
}

#[test]
fn a_busy_service_with_a_token_is_not_held_to_the_anonymous_limit() {
    let test = Test::new();
    // The default limits: 30 a second per address for callers without a
    // token, and a per-holder limit far above what one service sends.
    let server = test
        .serve()
        .rate_limit(30)
        .env("USERSCTL_TOKEN_RATE_LIMIT", "5000")
        .start();
    let admin = server.admin();
    for n in 0..300 {
        let reply = server.get("/users/admin").token(&admin).send();
        assert_eq!(reply.status, 200, "call {n}: {reply}");
    }
    // The same address without a token is still held to 30.
    let replies: Vec<Reply> = (0..40).map(|_| server.get("/health").send()).collect();
    assert!(
        replies.iter().any(|r| r.status == 429),
        "40 anonymous calls at once, none limited"
    );
}

#[test]
fn each_token_holder_has_a_bucket_of_its_own() {
    let test = Test::new();
    let server = test
        .serve()
        .rate_limit(0)
        .arg("--token-rate-limit")
        .arg("3")
        .start();
    let admin = server.admin();
    server.create(&admin, "bob");
    // Creating bob took one of the admin's three. All at once, so that the
    // bucket has no time to fill again however slow the machine.
    let burst = |token: &str| -> Vec<Reply> {
        std::thread::scope(|scope| {
            let calls: Vec<_> = (0..6)
                .map(|_| scope.spawn(|| server.get("/users/bob").token(token).send()))
                .collect();
            calls.into_iter().map(|c| c.join().unwrap()).collect()
        })
    };
    let replies = burst(&admin);
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert!(ok >= 1, "{replies:?}");
    let limited: Vec<&Reply> = replies.iter().filter(|r| r.status == 429).collect();
    assert!(limited.len() >= 3, "{replies:?}");
    for reply in &limited {
        let body = reply.error(429, "rate_limited");
        assert_eq!(
            body["message"],
            "too many requests for this token's holder; slow down"
        );
        assert!(reply.retry_after() >= 1);
    }
    // Another holder at the same address is not held back...
    let bob = server.login("bob", PASSWORD);
    server.get("/users/bob").token(&bob).send().status(200);
    // ...nor are callers without a token (their limit is off here)...
    server.get("/health").send().status(200);
    // ...but a second token of the same holder shares the first one's bucket
    // (the two logins may have let it fill by one or two since).
    let again = server.login(ADMIN, PASSWORD);
    let replies = burst(&again);
    let limited: Vec<&Reply> = replies.iter().filter(|r| r.status == 429).collect();
    assert!(limited.len() >= 3, "{replies:?}");
    for reply in limited {
        reply.error(429, "rate_limited");
    }
}

#[test]
fn a_token_that_does_not_verify_counts_against_the_address() {
    let test = Test::new();
    let server = test
        .serve()
        .rate_limit(2)
        .arg("--token-rate-limit")
        .arg("1000")
        .start();
    // Signed with a key that is not the server's.
    let claims =
        json!({"sub": uuid::Uuid::now_v7().to_string(), "role": "admin", "exp": 4_000_000_000u64});
    let forged = sign(
        Algorithm::HS256,
        claims.as_object().unwrap(),
        b"not the server's secret, though long enough",
    );
    let replies: Vec<Reply> = (0..6)
        .map(|i| {
            let token = if i % 2 == 0 {
                "garbage"
            } else {
                forged.as_str()
            };
            server.get("/users").token(token).send()
        })
        .collect();
    assert_eq!(replies[0].status, 401, "{}", replies[0]);
    assert_eq!(replies[1].status, 401, "{}", replies[1]);
    assert!(
        replies[2..].iter().any(|r| r.status == 429),
        "bad tokens escaped the per-address limit: {replies:?}"
    );
}

#[test]
fn x_forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    let test = Test::new();
    // Behind a proxy on 127.0.0.1: each forwarded client has its own bucket.
    let server = test
        .serve()
        .rate_limit(2)
        .arg("--trusted-proxy")
        .arg("192.0.2.0/24,127.0.0.1")
        .start();
    for i in 0..10 {
        server
            .get("/health")
            .header("X-Forwarded-For", &format!("203.0.113.{i}"))
            .send()
            .status(200);
    }
    let replies: Vec<Reply> = (0..5)
        .map(|_| {
            server
                .get("/health")
                .header("X-Forwarded-For", "198.51.100.1")
                .send()
        })
        .collect();
    assert!(replies.iter().any(|r| r.status == 429), "{replies:?}");
    // A client cannot pick its address by writing one in front: proxies
    // append, so the last address before the trusted ones is the client.
    let replies: Vec<Reply> = (0..5)
        .map(|i| {
            server
                .get("/health")
                .header("X-Forwarded-For", &format!("10.9.9.{i}, 198.51.100.1"))
                .send()
        })
        .collect();
    assert!(replies.iter().all(|r| r.status == 429), "{replies:?}");
    let log = server.log();
    assert!(log.contains("peer=203.0.113.7"), "{log}");
    drop(server);

    // From a peer that is not a named proxy, the header is only a header.
    let server = test
        .serve()
        .rate_limit(2)
        .arg("--trusted-proxy")
        .arg("10.0.0.0/8")
        .start();
    let replies: Vec<Reply> = (0..6)
        .map(|i| {
            server
                .get("/health")
                .header("X-Forwarded-For", &format!("203.0.113.{i}"))
                .send()
        })
        .collect();
    assert!(replies.iter().any(|r| r.status == 429), "{replies:?}");
    assert!(server.log().contains("peer=127.0.0.1"));
}

#[test]
fn a_trusted_proxy_must_be_an_address_or_a_network() {
    let test = Test::new();
    for bad in ["proxy.example.com", "10.0.0.0/33", "10.0.0.1,"] {
        let out = test
            .db
            .apply(&mut usersctl())
            .args(["serve", "--trusted-proxy", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("usersctl: error: invalid value") && stderr.lines().count() == 1,
            "{bad}: {stderr}"
        );
    }
}

#[test]
fn the_rate_limit_is_429_with_retry_after_per_socket_peer() {
    let test = Test::new();
    let server = test.serve().rate_limit(2).start();
    let replies: Vec<Reply> = (0..6).map(|_| server.get("/health").send()).collect();
    assert_eq!(replies[0].status, 200, "{}", replies[0]);
    assert_eq!(replies[1].status, 200, "{}", replies[1]);
    let limited: Vec<&Reply> = replies.iter().filter(|r| r.status == 429).collect();
    assert!(limited.len() >= 3, "the burst is 2: {replies:?}");
    let mut wait = 1;
    for reply in limited {
        reply.error(429, "rate_limited");
        wait = wait.max(reply.retry_after());
    }
    // A forwarded-for header is not a new client: the key is the socket peer.
    for (name, value) in [
        ("X-Forwarded-For", "203.0.113.7"),
        ("X-Real-IP", "203.0.113.8"),
        ("Forwarded", "for=203.0.113.9"),
    ] {
        server
            .get("/health")
            .header(name, value)
            .send()
            .error(429, "rate_limited");
    }
    // Every route is covered, and a new connection is the same client.
    raw(
        server.addr,
        b"GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .error(429, "rate_limited");
    // Waiting as told is enough.
    std::thread::sleep(Duration::from_secs(wait));
    server.get("/health").send().status(200);
}

#[test]
fn saturated_password_hashing_is_503_with_retry_after_never_500() {
    let test = Test::new();
    let server = test.serve().start();
    // Each login is for a different unknown name, so the per-account throttle
    // admits every one and they all reach the hashing gate.
    let requests = (0..256)
        .map(|i| {
            let body = json!({"username": format!("ghost{i:03}"), "password": WRONG_PASSWORD});
            raw_json_request("POST", "/authenticate", None, &body.to_string())
        })
        .collect();
    let replies = all_at_once(server.addr, requests);
    let mut busy = 0;
    for reply in &replies {
        match reply.status {
            401 => {
                reply.error(401, "invalid_credentials");
            }
            503 => {
                reply.error(503, "busy");
                reply.retry_after();
                busy += 1;
            }
            _ => panic!("only 401 or 503 may come back:\n{reply}"),
        }
    }
    // The pool runs one hash per core and queues 32 more per core: on a
    // machine with fewer than 8 cores, 256 logins at once must overflow it.
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    if cores * 33 < 256 {
        assert!(
            busy > 0,
            "256 logins at once on {cores} cores never saw a 503"
        );
    }
    // The server is fine afterwards.
    server.admin();
}

// ---------------------------------------------------------------------------
// Failed logins
// ---------------------------------------------------------------------------

#[test]
fn unknown_users_wrong_passwords_and_blocked_accounts_fail_alike() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create(&admin, "bob");
    server
        .patch("/users/bob")
        .token(&admin)
        .json(json!({"blocked": true, "block_reason": "fraud"}))
        .send()
        .data(200);
    let attempts = [
        ("ghost", PASSWORD.to_owned()),
        ("ghost@example.com", PASSWORD.to_owned()),
        ("alice", WRONG_PASSWORD.to_owned()),
        ("alice@example.com", "x".to_owned()),
        ("bob", PASSWORD.to_owned()),
        ("bob@example.com", WRONG_PASSWORD.to_owned()),
        ("not a name!", PASSWORD.to_owned()),
        ("carol", String::new()),
        ("dave", "p".repeat(2000)),
    ];
    let replies: Vec<Reply> = attempts
        .iter()
        .map(|(username, password)| {
            server
                .post("/authenticate")
                .json(json!({"username": username, "password": password}))
                .send()
        })
        .collect();
    let first = &replies[0];
    first.error(401, "invalid_credentials");
    assert!(!first.text().contains("fraud"));
    for reply in &replies {
        assert_eq!(reply.status, first.status, "{reply}");
        assert_eq!(reply.body, first.body, "{reply}\nvs\n{first}");
        assert_eq!(
            reply.header("content-type"),
            first.header("content-type"),
            "{reply}"
        );
        assert_eq!(
            reply.header("www-authenticate"),
            first.header("www-authenticate")
        );
    }
}

#[test]
fn an_unknown_user_costs_a_password_check_like_a_wrong_password() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let fastest = |username: &str| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                server
                    .post("/authenticate")
                    .json(json!({"username": username, "password": WRONG_PASSWORD}))
                    .send()
                    .error(401, "invalid_credentials");
                start.elapsed()
            })
            .min()
            .unwrap()
    };
    let wrong = fastest("alice");
    let unknown = fastest("ghost");
    // Loose on purpose: skipping the hash would make it ~20 times faster.
    assert!(
        unknown * 3 >= wrong,
        "an unknown user took {unknown:?}, a wrong password {wrong:?}"
    );
}

#[test]
fn five_wrong_passwords_in_a_row_then_429_until_the_wait_is_over() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let attempt = |password: &str| {
        server
            .post("/authenticate")
            .json(json!({"username": "alice", "password": password}))
            .send()
    };
    for _ in 0..5 {
        attempt(WRONG_PASSWORD).error(401, "invalid_credentials");
    }
    let reply = attempt(WRONG_PASSWORD);
    reply.error(429, "rate_limited");
    let wait = reply.retry_after();
    // Even the right password waits: the throttle comes before the check.
    attempt(PASSWORD).error(429, "rate_limited");
    // Another account is not affected.
    server.admin();
    std::thread::sleep(Duration::from_secs(wait) + Duration::from_millis(50));
    attempt(PASSWORD).data(200);
    // A success starts the count afresh.
    attempt(WRONG_PASSWORD).error(401, "invalid_credentials");
}

#[test]
fn a_client_that_waits_as_retry_after_says_is_admitted() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let attempt = || {
        server
            .post("/authenticate")
            .json(json!({"username": "alice", "password": WRONG_PASSWORD}))
            .send()
    };
    for _ in 0..5 {
        attempt().error(401, "invalid_credentials");
    }
    // Each wait is obeyed to the second; the attempt after it must be checked.
    for _ in 0..2 {
        let reply = attempt();
        reply.error(429, "rate_limited");
        std::thread::sleep(Duration::from_secs(reply.retry_after()));
        let reply = attempt();
        assert_eq!(
            reply.status, 401,
            "waited Retry-After seconds and was still refused:\n{reply}"
        );
    }
}

/// A server behind a trusted proxy on 127.0.0.1, so that a test can speak
/// from any client address through `X-Forwarded-For`.
fn behind_proxy(test: &Test) -> Server {
    test.serve().arg("--trusted-proxy").arg("127.0.0.1").start()
}

fn login_from(server: &Server, from: &str, login: &str, password: &str) -> Reply {
    server
        .post("/authenticate")
        .header("X-Forwarded-For", from)
        .json(json!({"username": login, "password": password}))
        .send()
}

#[test]
fn an_attacker_cannot_lock_the_owner_out() {
    let test = Test::new();
    let server = behind_proxy(&test);
    let admin = server.admin();
    server.create(&admin, "alice");
    let attacker = "203.0.113.9";
    let mut limited = 0;
    for _ in 0..12 {
        let reply = login_from(&server, attacker, "alice", WRONG_PASSWORD);
        match reply.status {
            401 => {}
            429 => {
                limited += 1;
                assert!(reply.retry_after() <= 30, "{reply}");
            }
            _ => panic!("{reply}"),
        }
    }
    assert!(limited >= 6, "the attacker's address was not held back");
    // The owner elsewhere is not delayed at all, every time.
    for _ in 0..3 {
        login_from(&server, "198.51.100.7", "alice", PASSWORD).data(200);
    }
    // From the attacker's own address (a shared NAT, say) the owner waits at
    // most the delay it is told, then gets in.
    let reply = login_from(&server, attacker, "alice", PASSWORD);
    let wait = reply.retry_after();
    reply.error(429, "rate_limited");
    assert!(wait <= 30);
    std::thread::sleep(Duration::from_secs(wait));
    login_from(&server, attacker, "alice", PASSWORD).data(200);
}

#[test]
fn throttling_never_tells_that_two_names_are_one_account() {
    let test = Test::new();
    let server = behind_proxy(&test);
    let admin = server.admin();
    let alice = server.create(&admin, "alice");
    let from = "203.0.113.9";
    for _ in 0..5 {
        login_from(&server, from, "alice", WRONG_PASSWORD).error(401, "invalid_credentials");
    }
    login_from(&server, from, "alice", WRONG_PASSWORD).error(429, "rate_limited");
    // Another name of the same account answers as a name of no account does:
    // checked, not throttled.
    for other in [
        "alice@example.com",
        id(&alice).as_str(),
        "nobody@example.com",
    ] {
        login_from(&server, from, other, WRONG_PASSWORD).error(401, "invalid_credentials");
    }
}

#[test]
fn many_workers_logging_in_at_once_are_never_refused() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "svc");
    for workers in [16, 64] {
        let requests = (0..workers)
            .map(|_| {
                let body = json!({"username": "svc", "password": PASSWORD});
                raw_json_request("POST", "/authenticate", None, &body.to_string())
            })
            .collect();
        let replies = all_at_once(server.addr, requests);
        let refused: Vec<&Reply> = replies.iter().filter(|r| r.status != 200).collect();
        assert!(
            refused.is_empty(),
            "{} of {workers} refused: {refused:?}",
            refused.len()
        );
    }
}

#[test]
fn concurrent_wrong_passwords_admit_at_most_five_checks() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create(&admin, "bob");
    let requests = (0..40)
        .map(|_| {
            let body = json!({"username": "alice", "password": WRONG_PASSWORD});
            raw_json_request("POST", "/authenticate", None, &body.to_string())
        })
        .collect();
    let replies = all_at_once(server.addr, requests);
    let mut checked = 0;
    for reply in &replies {
        match reply.status {
            401 => {
                reply.error(401, "invalid_credentials");
                checked += 1;
            }
            429 => {
                reply.error(429, "rate_limited");
                reply.retry_after();
            }
            _ => panic!("only 401 or 429 may come back:\n{reply}"),
        }
    }
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 40 concurrent attempts were checked"
    );
    // alice is still held off; bob is not.
    server
        .post("/authenticate")
        .json(json!({"username": "alice", "password": PASSWORD}))
        .send()
        .error(429, "rate_limited");
    server.login("bob", PASSWORD);
    server
        .post("/authenticate")
        .json(json!({"username": "bob", "password": WRONG_PASSWORD}))
        .send()
        .error(401, "invalid_credentials");
}

// ---------------------------------------------------------------------------
// Hardening: slow clients, graceful stop, durability
// ---------------------------------------------------------------------------

#[test]
fn a_client_stalling_in_its_headers_is_cut_off_while_others_are_served() {
    let test = Test::new();
    let server = test.serve().start();
    let mut slow = TcpStream::connect(server.addr).expect("the server accepts");
    let start = Instant::now();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // Meanwhile others are served at once.
    for _ in 0..3 {
        let asked = Instant::now();
        server.get("/health").send().status(200);
        assert!(asked.elapsed() < Duration::from_secs(1));
    }
    let mut got = Vec::new();
    let cut = loop {
        let mut buf = [0u8; 1024];
        match slow.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(e) => panic!("the stalled connection was not closed: {e}"),
        }
    };
    let after = start.elapsed();
    assert!(cut);
    assert!(
        after >= Duration::from_secs(4) && after <= Duration::from_secs(7),
        "cut off after {after:?}"
    );
    let answer = String::from_utf8_lossy(&got);
    assert!(!answer.contains(" 200 "), "{answer}");
    let _ = slow.shutdown(Shutdown::Both);
    server.get("/health").send().status(200);
}

/// However many password checks are queued (here every slot of the hashing
/// queue, each a bcrypt check at the highest cost accepted), SIGTERM stops the
/// server within seconds, and what it had acknowledged is there.
#[test]
fn sigterm_stops_the_server_within_seconds_whatever_is_hashing() {
    let test = Test::new();
    let hash = bcrypt::hash(PASSWORD, 12).expect("a bcrypt hash");
    let lines: String = (0..80)
        .map(|i| {
            format!(
                "{}\n",
                json!({"username": format!("mig{i:02}"), "email": format!("mig{i:02}@example.com"),
                       "password_hash": hash})
            )
        })
        .collect();
    std::fs::write(test.dir.path().join("users.jsonl"), lines).unwrap();
    let file = test.dir.path().join("users.jsonl");
    test.cli(&["-q", "users", "import", file.to_str().unwrap()], "");
    let mut server = test.serve().start();
    let addr = server.addr;
    let logins: Vec<_> = (0..80)
        .map(|i| {
            std::thread::spawn(move || {
                let body =
                    json!({"username": format!("mig{i:02}"), "password": PASSWORD}).to_string();
                let request = format!(
                    "POST /authenticate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
                     Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                // Whatever becomes of it: answered, refused as busy, or cut off.
                if let Ok(mut stream) = TcpStream::connect(addr) {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                    let _ = stream.write_all(request.as_bytes());
                    let mut answer = Vec::new();
                    let _ = stream.read_to_end(&mut answer);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let asked = Instant::now();
    server.terminate();
    let status = server.wait_for_exit(Duration::from_secs(30));
    let took = asked.elapsed();
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
    assert!(
        took < Duration::from_secs(8),
        "stopped {took:?} after SIGTERM"
    );
    for login in logins {
        login.join().unwrap();
    }
    // The database is whole and free.
    test.cli(&["user", "get", "mig00"], "");
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let test = Test::new();
    let mut server = test.serve().start();
    let admin = server.admin();
    let body = json!({"username": "erin", "email": "erin@example.com", "generate_password": true})
        .to_string();
    let request = raw_json_request("POST", "/users", Some(&admin), &body);
    let (head, tail) = request.split_at(request.len() - 10);
    let mut stream = TcpStream::connect(server.addr).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.terminate();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.process.wait_for_exit(Duration::ZERO).is_none(),
        "the server quit with a request in flight\nlog:\n{}",
        server.log()
    );
    assert!(
        TcpStream::connect_timeout(&server.addr, Duration::from_secs(1)).is_err(),
        "a stopping server takes no new connections"
    );
    stream.write_all(tail.as_bytes()).unwrap();
    let reply = read_reply("POST /users in flight", &mut stream);
    let user = reply.data(201);
    assert_eq!(user["username"], "erin");
    let status = server.wait_for_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "log:\n{}", server.log());
    // The database is whole and free for the command line.
    let out = test.cli(&["-o", "json", "user", "get", "erin"], "");
    let got: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(got["data"]["id"], user["id"], "{out}");
}

#[test]
fn a_write_acknowledged_before_sigkill_survives_a_restart() {
    let test = Test::new();
    let mut server = test.serve().start();
    let admin = server.admin();
    let frank = server.create(&admin, "frank");
    server.kill();
    drop(server);
    let server = test.serve().start();
    // The old token still holds: the secret and the user survived too.
    assert_eq!(server.user(&admin, "frank"), frank);
    server.login("frank", PASSWORD);
}

// ---------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------

#[test]
fn each_request_is_logged_once_with_its_request_id() {
    let test = Test::new();
    let server = test.serve().start();
    let replies = [
        server.get("/health").send(),
        server.get("/nope?secret=1").send(),
        server
            .post("/authenticate")
            .json(json!({"username": "ghost", "password": WRONG_PASSWORD}))
            .send(),
        server.delete("/health").send(),
    ];
    let expected = [
        ("GET", "/health", 200),
        ("GET", "/nope", 404),
        ("POST", "/authenticate", 401),
        ("DELETE", "/health", 405),
    ];
    let log = server.log();
    let request_lines: Vec<&str> = log.lines().filter(|l| l.contains("request_id=")).collect();
    assert_eq!(request_lines.len(), replies.len(), "log:\n{log}");
    let mut ids = BTreeSet::new();
    for (reply, (method, path, status)) in replies.iter().zip(expected) {
        let request_id = reply
            .header("x-request-id")
            .unwrap_or_else(|| panic!("no x-request-id:\n{reply}"));
        assert!(ids.insert(request_id.to_owned()), "ids are unique");
        let lines: Vec<&str> = log.lines().filter(|l| l.contains(request_id)).collect();
        assert_eq!(lines.len(), 1, "{request_id} in log:\n{log}");
        let line = lines[0];
        for part in [
            format!("method={method}"),
            format!("path={path} "),
            format!("status={status}"),
            "latency_ms=".to_owned(),
        ] {
            assert!(line.contains(&part), "{part:?} not in {line:?}");
        }
        assert!(!line.contains("secret=1"), "never the query string: {line}");
    }
}

#[test]
fn the_json_log_format_writes_one_json_object_a_line() {
    let test = Test::new();
    let server = test.serve().arg("--log-format").arg("json").start();
    let reply = server.get("/health").send();
    let request_id = reply
        .header("x-request-id")
        .expect("a request id")
        .to_owned();
    server.get("/users").send().error(401, "unauthorized");
    let log = server.log();
    let mut found = Vec::new();
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
        let fields = entry.get("fields").unwrap_or(&entry);
        if fields.get("request_id").is_some() {
            found.push(fields.clone());
        }
    }
    assert_eq!(found.len(), 2, "log:\n{log}");
    let first = &found[0];
    assert_eq!(first["request_id"], request_id.as_str());
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/health");
    assert_eq!(first["status"], 200);
    assert!(first.get("latency_ms").is_some(), "{first}");
    assert_eq!(found[1]["status"], 401);
}

#[test]
fn rust_log_warn_leaves_out_the_request_lines() {
    let test = Test::new();
    let server = test.serve().env("RUST_LOG", "warn").start();
    let ids: Vec<String> = [server.get("/health").send(), server.get("/nope").send()]
        .iter()
        .map(|r| r.header("x-request-id").expect("a request id").to_owned())
        .collect();
    server.admin();
    let log = server.log();
    for id in ids {
        assert!(!log.contains(&id), "log:\n{log}");
    }
    assert!(!log.contains("request_id"), "log:\n{log}");
    assert!(!log.contains(" INFO "), "log:\n{log}");
}

#[test]
fn no_log_line_holds_a_password_a_hash_or_a_token() {
    let test = Test::new();
    let server = test
        .serve()
        // Every level, not only the default: "never" means at any level.
        .env("RUST_LOG", "trace")
        .arg("--allow-registration")
        .start();
    let admin = server.admin();
    let mut secrets = vec![PASSWORD.to_owned(), NEW_PASSWORD.to_owned()];
    server.create(&admin, "alice");
    let reply = server
        .post("/users")
        .token(&admin)
        .json(json!({"username": "bob", "email": "bob@example.com", "generate_password": true}))
        .send();
    reply.data(201);
    let generated = reply.json()["generated_password"]
        .as_str()
        .unwrap()
        .to_owned();
    secrets.push(generated.clone());
    server
        .post("/users")
        .json(json!({"username": "carl", "email": "carl@example.com", "password": "Zebra-Quartz-Lamp-81"}))
        .send()
        .data(201);
    secrets.push("Zebra-Quartz-Lamp-81".to_owned());
    let alice = server.login("alice", PASSWORD);
    let bob = server.login("bob", &generated);
    for wrong in ["wrong-guess-one-1", "wrong-guess-two-2"] {
        secrets.push(wrong.to_owned());
        server
            .post("/authenticate")
            .json(json!({"username": "alice", "password": wrong}))
            .send()
            .error(401, "invalid_credentials");
    }
    server
        .patch("/users/alice")
        .token(&alice)
        .json(json!({"password": NEW_PASSWORD, "current_password": "wrong-guess-one-1"}))
        .send()
        .error(403, "forbidden");
    server
        .patch("/users/alice")
        .token(&alice)
        .json(json!({"password": NEW_PASSWORD, "current_password": PASSWORD}))
        .send()
        .data(200);
    server
        .patch("/users/bob")
        .token(&bob)
        .json(json!({"name": "Bob", "attributes": {"k": "v"}}))
        .send()
        .data(200);
    server
        .patch("/users/carl")
        .token(&admin)
        .json(json!({"password": "password1"}))
        .send()
        .invalid(&["password"]);
    secrets.push("password1".to_owned());
    server
        .get(&format!("/users?token={bob}"))
        .send()
        .error(401, "unauthorized");
    server.get("/users").header("token", &bob).send().data(200);
    server
        .get("/users")
        .token(&admin)
        .header("token", &bob)
        .send()
        .error(401, "unauthorized");
    server.post("/logout").token(&bob).send().data(200);
    server
        .get("/users")
        .token(&bob)
        .send()
        .error(401, "unauthorized");
    server
        .post("/authenticate")
        .body(
            Some("application/json"),
            format!("{{\"username\":\"alice\",\"password\":\"{NEW_PASSWORD}\""),
        )
        .send()
        .error(400, "invalid_input");
    for token in [&admin, &alice, &bob] {
        secrets.push(token.to_string());
        // The signature alone is secret enough.
        secrets.push(token.rsplit('.').next().unwrap().to_owned());
    }
    let log = server.log();
    assert!(log.lines().count() >= 18, "a request line each:\n{log}");
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "{secret:?} is in the log:\n{log}"
        );
    }
    for hash in ["$argon2", "argon2id", "password_hash"] {
        assert!(!log.contains(hash), "{hash:?} is in the log:\n{log}");
    }
}

#[test]
fn users_can_be_listed_by_last_login_creation_and_password_demand() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create_with(
        &admin,
        "bob",
        json!({"password": PASSWORD, "must_change_password": true}),
    );
    server.login("alice", PASSWORD);
    let names = |query: &str| -> Vec<String> {
        let body = server
            .get(&format!("/users?{query}"))
            .token(&admin)
            .send()
            .data(200);
        body.as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("never_logged_in=true"), ["bob"]);
    assert_eq!(names("never_logged_in=false"), [ADMIN, "alice"]);
    assert_eq!(names("must_change_password=true"), ["bob"]);
    assert_eq!(names("inactive_for=1d"), Vec::<String>::new());
    assert_eq!(
        names("created_after=2000-01-01T00:00:00Z&search=b"),
        ["bob"]
    );
    assert_eq!(
        names("created_before=2000-01-01T00:00:00Z"),
        Vec::<String>::new()
    );
    for (query, field) in [
        ("inactive_for=soon", "inactive_for"),
        ("inactive_for=0s", "inactive_for"),
        ("created_before=yesterday", "created_before"),
        ("never_logged_in=yes", "never_logged_in"),
        ("must_change_password=1", "must_change_password"),
    ] {
        let body = server
            .get(&format!("/users?{query}"))
            .token(&admin)
            .send()
            .error(400, "invalid_input");
        assert_eq!(body["details"][0]["field"], field, "{query}: {body}");
    }
}

//! Reliability under races and crashes, against the real `usersctl serve`.
//!
//! Races: a thousand concurrent creates of one email (in mixed case) make one
//! user; renames, creates, deletes and bulk deletes over overlapping users leave
//! the indexes sound and every name unique; concurrent wrong passwords cannot
//! get past the per-account login throttle.
//!
//! Crashes: the server is SIGKILLed at random moments during a stream of writes,
//! again and again; after each kill the database opens, `usersctl check` finds
//! it sound, every write the client saw acknowledged is there, and the audit
//! trail verifies and records exactly the changes that landed.
//!
//! Randomness comes from one seed, printed at the start of each test (and so
//! shown when it fails); `RELIABILITY_SEED=<n>` replays another.

use crate::support::{Process, TestDb, listening_on, spawn_server, usersctl};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

const ADMIN: &str = "admin";
/// A password the strength check accepts.
const PASSWORD: &str = "Tr0ub4dor&3horse";
const WRONG_PASSWORD: &str = "definitely-not-it-42";

fn seed() -> u64 {
    let seed = std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2025);
    println!("RELIABILITY_SEED={seed}");
    seed
}

/// SplitMix64: small, seedable, good enough to pick operations and delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// `s` with the letters picked by the bits of `bits` in upper case.
fn mixed_case(s: &str, bits: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if (bits >> (i % 64)) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The harness: a database, the command line, a server, HTTP calls
// ---------------------------------------------------------------------------

struct Db {
    db: TestDb,
    dir: TempDir,
}

impl Db {
    /// A fresh database holding the admin `admin` / `PASSWORD` (on the
    /// backend the suite runs on).
    fn with_admin() -> Db {
        let dir = TempDir::new().expect("a temporary directory");
        let db = Db {
            db: TestDb::new(dir.path()),
            dir,
        };
        db.create_user(ADMIN, &["--role", "admin"]);
        db
    }

    /// Runs the command line on this database with `stdin` as its input.
    fn cli(&self, args: &[&str], stdin: &str) -> Output {
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
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        child.wait_with_output().expect("usersctl finishes")
    }

    fn create_user(&self, username: &str, extra: &[&str]) {
        let email = format!("{username}@example.com");
        let mut args = vec!["user", "create", username, "--email", &email];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        let out = self.cli(&args, &format!("{PASSWORD}\n"));
        assert!(out.status.success(), "creating {username}: {out:?}");
    }

    /// `usersctl check` (on the database itself, or through a server running on
    /// it) must find nothing wrong. Returns the report.
    #[track_caller]
    fn assert_sound(&self, context: &str) -> Value {
        let out = self.cli(&["-o", "json", "check"], "");
        let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "{context}: check printed no report: {:?}\nstderr: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let report = doc["data"].take();
        assert!(
            out.status.success() && report["problems"].as_array().is_some_and(Vec::is_empty),
            "{context}: check found damage ({:?}): {report:#}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        report
    }
}

static SERVERS_STARTED: AtomicUsize = AtomicUsize::new(0);

/// `usersctl serve` on a database; stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    process: Process,
    log: PathBuf,
    http: Http,
}

impl Server {
    fn start(db: &Db) -> Server {
        let n = SERVERS_STARTED.fetch_add(1, Ordering::Relaxed);
        let log = db.dir.path().join(format!("server-{n}.log"));
        let mut cmd = usersctl();
        db.db
            .apply(&mut cmd)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"]);
        let (process, first_line) = spawn_server(cmd, &log);
        let http = Http::new(listening_on(&first_line, &log));
        Server { process, log, http }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn login(&self, username: &str, password: &str) -> String {
        let reply = self.http.must(
            "POST",
            "/authenticate",
            None,
            Some(json!({"username": username, "password": password})),
        );
        assert_eq!(reply.status, 200, "login as {username}: {reply:?}");
        reply.body["data"]["token"]
            .as_str()
            .expect("a token")
            .to_owned()
    }

    /// SIGKILL. The server must still be running: one that died by itself is
    /// a crash of its own.
    fn kill(&mut self) {
        let running = self.process.is_running();
        assert!(
            running,
            "the server exited by itself ({:?})\nlog:\n{}",
            self.process.exited,
            self.log()
        );
        self.process.signal("-KILL");
        self.process.wait_for_exit(Duration::from_secs(10));
    }

    /// SIGTERM, and the server must exit cleanly within 10 s.
    fn stop(&mut self) {
        self.process.signal("-TERM");
        match self.process.wait_for_exit(Duration::from_secs(10)) {
            Some(status) => assert!(status.success(), "{status:?}\nlog:\n{}", self.log()),
            None => panic!("the server did not stop on SIGTERM\nlog:\n{}", self.log()),
        }
    }
}

/// A client of one server; cheap to clone into threads.
#[derive(Clone)]
struct Http {
    base: String,
    agent: ureq::Agent,
}

/// An answer as these tests judge it: its status, its JSON body and its
/// `Retry-After`.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
    retry_after: Option<u64>,
}

impl Http {
    fn new(addr: SocketAddr) -> Http {
        Http {
            base: format!("http://{addr}"),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .redirects(0)
                // A fresh connection each request: nothing stale survives a kill.
                .max_idle_connections(0)
                .build(),
        }
    }

    /// One request; `Err` when no complete answer came back (refused, reset,
    /// cut off mid-body).
    fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Answer, String> {
        self.send_as(None, method, path, token, body)
    }

    /// `send` with the request id `rid` (`X-Request-Id`), which the audit
    /// trail records.
    fn send_as(
        &self,
        rid: Option<&str>,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Answer, String> {
        let mut request = self.agent.request(method, &format!("{}{path}", self.base));
        if let Some(rid) = rid {
            request = request.set("X-Request-Id", rid);
        }
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let result = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(format!("{method} {path}: {e}")),
        };
        let status = response.status();
        let retry_after = response.header("Retry-After").and_then(|v| v.parse().ok());
        let text = response
            .into_string()
            .map_err(|e| format!("{method} {path}: reading the body: {e}"))?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }

    /// Like `send`, but the server must answer.
    #[track_caller]
    fn must(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        self.send(method, path, token, body)
            .unwrap_or_else(|e| panic!("no answer: {e}"))
    }

    /// Every user, through `GET /users` pages of `limit`; no id may appear twice.
    fn list_all(&self, token: &str, limit: usize) -> Vec<Value> {
        let mut users = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/users?limit={limit}&cursor={c}"),
                None => format!("/users?limit={limit}"),
            };
            let reply = self.must("GET", &path, Some(token), None);
            assert_eq!(reply.status, 200, "GET {path}: {reply:?}");
            let page = reply.body["data"].as_array().expect("a list of users");
            assert!(page.len() <= limit, "GET {path}: {} users", page.len());
            users.extend(page.iter().cloned());
            match reply.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut ids = HashSet::new();
        for user in &users {
            assert!(ids.insert(user["id"].clone()), "listed twice: {user}");
        }
        users
    }
}

impl Http {
    /// The audit records after `after`, added to `trail` (usernames by
    /// request id); returns the last record's number.
    fn read_trail(
        &self,
        token: &str,
        mut after: u64,
        trail: &mut HashMap<String, Vec<String>>,
    ) -> u64 {
        loop {
            let path = format!("/audit?limit=1000&after={after}");
            let reply = self.must("GET", &path, Some(token), None);
            assert_eq!(reply.status, 200, "GET {path}: {reply:?}");
            for record in reply.body["data"].as_array().expect("a list of records") {
                after = record["seq"].as_u64().expect("a record number");
                if let (Some(rid), Some(user)) =
                    (record["request"].as_str(), record["username"].as_str())
                {
                    trail
                        .entry(rid.to_owned())
                        .or_default()
                        .push(user.to_owned());
                }
            }
            if reply.body["next_after"].is_null() {
                return after;
            }
        }
    }
}

fn str_of<'a>(user: &'a Value, field: &str) -> &'a str {
    user[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} of {user}"))
}

// ---------------------------------------------------------------------------
// Races
// ---------------------------------------------------------------------------

/// 1,000 creates of one email, each in a different case and under its own
/// username, from 32 threads at once: exactly one 201 and 999 409s (busy and
/// rate-limited answers are retried).
#[test]
fn a_thousand_concurrent_creates_of_one_email_make_exactly_one_user() {
    const CREATES: usize = 1000;
    // Enough to keep the hashing queue full, few enough that a request's wait in
    // it stays well inside the server's 15 s request timeout on a loaded machine
    // (the hashing threads run niced).
    const THREADS: usize = 32;
    const EMAIL: &str = "race@example.com";
    let seed = seed();
    let db = Db::with_admin();
    let server = Server::start(&db);
    let token = server.login(ADMIN, PASSWORD);

    let next = AtomicUsize::new(0);
    let created = Mutex::new(Vec::new());
    let conflicts = AtomicUsize::new(0);
    let retries = AtomicUsize::new(0);
    let barrier = Barrier::new(THREADS);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                barrier.wait();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CREATES {
                        break;
                    }
                    let email = mixed_case(EMAIL, Rng(seed ^ i as u64).next());
                    let body = json!({
                        "username": format!("racer{i}"),
                        "email": email,
                        "generate_password": true,
                    });
                    loop {
                        let reply =
                            server
                                .http
                                .must("POST", "/users", Some(&token), Some(body.clone()));
                        match reply.status {
                            201 => created
                                .lock()
                                .unwrap()
                                .push((i, str_of(&reply.body["data"], "id").to_owned())),
                            409 => {
                                assert_eq!(reply.body["error"], "conflict", "{reply:?}");
                                assert!(
                                    reply.body["message"]
                                        .as_str()
                                        .is_some_and(|m| m.contains("email")),
                                    "create {i} ({email}) conflicts on something else: {reply:?}"
                                );
                                conflicts.fetch_add(1, Ordering::Relaxed);
                            }
                            // Busy or rate limited: allowed, if retried.
                            429 | 503 => {
                                retries.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(50));
                                continue;
                            }
                            _ => panic!("create {i} ({email}): {reply:?}"),
                        }
                        break;
                    }
                }
            });
        }
    });
    let created = created.into_inner().unwrap();
    println!(
        "{CREATES} creates from {THREADS} threads in {:?}: {} created, {} conflicts, {} retried",
        start.elapsed(),
        created.len(),
        conflicts.load(Ordering::Relaxed),
        retries.load(Ordering::Relaxed)
    );
    assert_eq!(created.len(), 1, "created: {created:?}");
    assert_eq!(conflicts.into_inner(), CREATES - 1);

    // The one user is found under any case of the email, and is alone.
    let (winner, id) = &created[0];
    let reply = server
        .http
        .must("GET", "/users/RACE@Example.COM", Some(&token), None);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body["data"]["id"], id.as_str());
    assert_eq!(reply.body["data"]["username"], format!("racer{winner}"));
    let users = server.http.list_all(&token, 1000);
    let names: Vec<&str> = users.iter().map(|u| str_of(u, "username")).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let report = db.assert_sound("after the race");
    assert_eq!(report["users"], 2, "{report}");
}

/// For a few seconds, over one small pool of usernames and emails: pairs of
/// users swap names through a third; movers, in step, all claim the same name
/// at once; creators, single deletes and bulk deletes come and go. Afterwards
/// `check` is clean and every username and email belongs to one user only.
#[test]
fn renames_creates_and_deletes_over_overlapping_users_keep_names_unique() {
    const POOL: usize = 8;
    const MOVERS: usize = 3;
    const RUN_FOR: Duration = Duration::from_secs(4);
    let seed = seed();
    let db = Db::with_admin();
    let mut server = Server::start(&db);
    let token = server.login(ADMIN, PASSWORD);
    let http = server.http.clone();
    let name = |i: usize| format!("pool{i}");
    let email = |i: usize| format!("pool{i}@example.com");
    for i in 0..POOL {
        let body = json!({"username": name(i), "email": email(i), "generate_password": true});
        let reply = http.must("POST", "/users", Some(&token), Some(body));
        assert_eq!(reply.status, 201, "{reply:?}");
    }

    // Outcome counts by "operation status".
    let tally: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());
    let count = |op: &str, status: u16| {
        *tally
            .lock()
            .unwrap()
            .entry(format!("{op} {status}"))
            .or_default() += 1;
    };
    let deadline = Instant::now() + RUN_FOR;
    // Creates and deletes stop a second early, so that damage renames do in
    // the last second is not deleted away before it is looked for.
    let settle = deadline - Duration::from_secs(1);
    let (in_step, done) = (Barrier::new(MOVERS), AtomicBool::new(false));
    // Sends one request; its status must be one of `allowed`.
    let call =
        |op: &str, method: &str, path: &str, body: Option<Value>, allowed: &[u16]| -> Answer {
            let reply = http.must(method, path, Some(&token), body.clone());
            assert!(
                allowed.contains(&reply.status),
                "{op}: {method} {path} {body:?} gave {reply:?} (seed {seed})"
            );
            count(op, reply.status);
            reply
        };
    std::thread::scope(|scope| {
        // Two swappers: users a and b exchange usernames (or emails) through a
        // third, temporary value.
        for t in 0..2u64 {
            let call = &call;
            scope.spawn(move || {
                let mut rng = Rng(seed ^ (0x100 + t));
                while Instant::now() < deadline {
                    let a = rng.below(POOL);
                    let b = (a + 1 + rng.below(POOL - 1)) % POOL;
                    let (field, va, vb, vt) = if rng.below(2) == 0 {
                        ("username", name(a), name(b), format!("tmp{t}"))
                    } else {
                        let m = rng.next();
                        (
                            "email",
                            mixed_case(&email(a), m),
                            mixed_case(&email(b), m >> 20),
                            mixed_case(&format!("tmp{t}@example.com"), m >> 40),
                        )
                    };
                    let rename = |from: &str, to: &str| {
                        let path = format!("/users/{from}");
                        call(
                            "rename",
                            "PATCH",
                            &path,
                            Some(json!({ field: to })),
                            &[200, 404, 409],
                        )
                        .status
                    };
                    if rename(&va, &vt) != 200 {
                        continue;
                    }
                    if rename(&vb, &va) == 200 {
                        rename(&vt, &vb);
                    } else {
                        rename(&vt, &va);
                    }
                }
            });
        }
        // Three movers, in step: each round, each moves a user of its choice
        // to the same username or email of the pool, all at once.
        let (in_step, done) = (&in_step, &done);
        for t in 0..MOVERS as u64 {
            let call = &call;
            scope.spawn(move || {
                let mut rng = Rng(seed ^ (0x180 + t));
                for round in 0u64.. {
                    if in_step.wait().is_leader() {
                        done.store(Instant::now() >= deadline, Ordering::Relaxed);
                    }
                    in_step.wait();
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
                    let mut shared = Rng(seed ^ round);
                    let (from, to) = (rng.below(POOL), shared.below(POOL));
                    let (path, body) = if shared.below(2) == 0 {
                        (name(from), json!({ "username": name(to) }))
                    } else {
                        let m = rng.next();
                        (
                            mixed_case(&email(from), m),
                            json!({ "email": mixed_case(&email(to), m >> 20) }),
                        )
                    };
                    call(
                        "move",
                        "PATCH",
                        &format!("/users/{path}"),
                        Some(body),
                        &[200, 404, 409],
                    );
                }
            });
        }
        // Three creators of overlapping usernames and emails.
        for t in 0..3u64 {
            let call = &call;
            scope.spawn(move || {
                let mut rng = Rng(seed ^ (0x200 + t));
                while Instant::now() < settle {
                    let body = json!({
                        "username": name(rng.below(POOL)),
                        "email": mixed_case(&email(rng.below(POOL)), rng.next()),
                        "generate_password": true,
                    });
                    // 408: the server gave up waiting for a hash on a loaded machine.
                    call(
                        "create",
                        "POST",
                        "/users",
                        Some(body),
                        &[201, 408, 409, 503],
                    );
                }
            });
        }
        // Single deletes by username, email or temporary name.
        let call = &call;
        scope.spawn(move || {
            let mut rng = Rng(seed ^ 0x300);
            while Instant::now() < settle {
                let i = rng.below(POOL);
                let who = match rng.below(5) {
                    0 | 1 => name(i),
                    2 | 3 => mixed_case(&email(i), rng.next()),
                    _ => format!("tmp{}", rng.below(2)),
                };
                call(
                    "delete",
                    "DELETE",
                    &format!("/users/{who}"),
                    None,
                    &[200, 404],
                );
                std::thread::sleep(Duration::from_millis(150));
            }
        });
        // Bulk deletes of overlapping sets.
        scope.spawn(move || {
            let mut rng = Rng(seed ^ 0x400);
            while Instant::now() < settle {
                let mut names: Vec<String> = (0..1 + rng.below(4))
                    .map(|_| {
                        let i = rng.below(POOL);
                        match rng.below(3) {
                            0 => name(i),
                            1 => email(i),
                            _ => format!("tmp{}@example.com", rng.below(2)),
                        }
                    })
                    .collect();
                names.sort();
                names.dedup();
                let reply = call(
                    "bulk delete",
                    "DELETE",
                    "/users",
                    Some(json!({ "users": names })),
                    &[200],
                );
                let outcome = |list: &str| -> Vec<String> {
                    reply.body["data"][list]
                        .as_array()
                        .unwrap_or_else(|| panic!("{list} in {reply:?}"))
                        .iter()
                        .map(|v| v.as_str().expect("a name").to_owned())
                        .collect()
                };
                // A second name for a user already named (renames make one
                // user answer to two names of the pool) is a duplicate.
                let mut reported = outcome("deleted");
                reported.extend(outcome("not_found"));
                if reply.body["data"].get("duplicates").is_some() {
                    reported.extend(outcome("duplicates"));
                }
                reported.sort();
                assert_eq!(reported, names, "each name has one outcome: {reply:?}");
                std::thread::sleep(Duration::from_millis(250));
            }
        });
    });
    let tally = tally.into_inner().unwrap();
    println!("outcomes: {tally:?}");
    for needed in [
        "rename 200",
        "move 200",
        "move 409",
        "create 201",
        "delete 200",
        "bulk delete 200",
    ] {
        assert!(tally.contains_key(needed), "no {needed:?}: {tally:?}");
    }

    // The indexes agree with the records (checked through the running server)…
    let report = db.assert_sound("after the race");
    // …and no two users share a username or an email.
    let users = http.list_all(&token, 3);
    assert_eq!(report["users"], users.len(), "{report}");
    let mut usernames = HashSet::new();
    let mut emails = HashSet::new();
    for user in &users {
        let id = str_of(user, "id");
        let username = str_of(user, "username");
        let email = str_of(user, "email").to_lowercase();
        assert!(
            usernames.insert(username.to_owned()),
            "username {username} twice: {users:#?}"
        );
        assert!(
            emails.insert(email.clone()),
            "email {email} twice: {users:#?}"
        );
        for by in [username.to_owned(), email.to_uppercase()] {
            let reply = http.must("GET", &format!("/users/{by}"), Some(&token), None);
            assert_eq!(reply.status, 200, "{by}: {reply:?}");
            assert_eq!(reply.body["data"]["id"], id, "{by} names another user");
        }
    }
    println!("{} users left, all distinct", users.len());
    server.stop();
    db.assert_sound("after a graceful stop");
}

/// Waves of concurrent wrong passwords for one account (by username and by
/// email): five are checked, then each further attempt must wait, and the wait
/// grows; another account is unaffected, and the right password gets in once
/// the wait is over.
#[test]
fn concurrent_wrong_passwords_cannot_pass_the_per_account_limit() {
    let db = Db::with_admin();
    db.create_user("victim", &[]);
    db.create_user("bystander", &[]);
    let server = Server::start(&db);

    // `n` wrong passwords at once for one name from one address (names are
    // counted apart: see `throttling_never_tells_that_two_names_are_one_account`).
    // Returns the answers and how long the wave took.
    let wave = |n: usize| -> (Vec<Answer>, Duration) {
        let barrier = Barrier::new(n);
        let start = Instant::now();
        let replies = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    let barrier = &barrier;
                    let http = &server.http;
                    scope.spawn(move || {
                        let login = "victim";
                        barrier.wait();
                        http.must(
                            "POST",
                            "/authenticate",
                            None,
                            Some(json!({"username": login, "password": WRONG_PASSWORD})),
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>()
        });
        (replies, start.elapsed())
    };
    // How many attempts of a wave were checked (401) rather than refused (429),
    // and the longest wait a refusal asked for. A wave over within `first_wait`
    // (the throttle's wait after its first checked attempt) may have no more
    // checked than `free`; on a machine so loaded that the wave took longer,
    // one more may have been let in per second.
    let judge = |(replies, took): (Vec<Answer>, Duration), free: usize, first_wait: u64| {
        for r in &replies {
            assert!(matches!(r.status, 401 | 429), "{r:?}");
            if r.status == 429 {
                assert_eq!(r.body["error"], "rate_limited", "{r:?}");
                assert!(r.retry_after.is_some_and(|s| s >= 1), "{r:?}");
            }
        }
        let checked = replies.iter().filter(|r| r.status == 401).count();
        let wait = replies.iter().filter_map(|r| r.retry_after).max();
        println!(
            "{} attempts in {took:?}: {checked} checked, the rest told to wait up to {wait:?} s",
            replies.len()
        );
        if took < Duration::from_secs(first_wait) {
            assert_eq!(checked, free, "{replies:#?}");
        } else {
            let most = free + took.as_secs() as usize;
            assert!((free..=most).contains(&checked), "{checked}: {replies:#?}");
        }
        wait.expect("some attempts were refused")
    };
    let login = |password: &str| {
        server.http.must(
            "POST",
            "/authenticate",
            None,
            Some(json!({"username": "victim", "password": password})),
        )
    };

    // 40 at once: five are checked, the rest must wait (1 s).
    let wait = judge(wave(40), 5, 1);
    // Another account is not affected.
    server.login("bystander", PASSWORD);

    // Once the wait is over, 20 at once: one is checked, and the wait grows.
    std::thread::sleep(Duration::from_secs(wait) + Duration::from_millis(100));
    let started = Instant::now();
    let wait = judge(wave(20), 1, 2);
    assert!(
        wait >= 2,
        "the second wait ({wait} s) is longer than the first"
    );

    // The right password must wait too; after the wait, it gets in.
    let sent = started.elapsed();
    let early = login(PASSWORD);
    let reply = if early.status == 429 {
        std::thread::sleep(Duration::from_secs(early.retry_after.expect("Retry-After")));
        std::thread::sleep(Duration::from_millis(100));
        login(PASSWORD)
    } else {
        assert!(
            sent >= Duration::from_secs(2),
            "the right password got in without waiting: {early:?}"
        );
        early
    };
    assert_eq!(reply.status, 200, "{reply:?}");
}

// ---------------------------------------------------------------------------
// Crashes
// ---------------------------------------------------------------------------

/// A pre-created user whose name and attributes the stream overwrites with
/// `v<seq>` and `{"seq": seq}`.
struct Patched {
    username: String,
    /// The value last acknowledged, or found after a restart.
    confirmed: u64,
    /// Values sent since then without an acknowledgement: any may have landed.
    pending: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Life {
    Present,
    Absent,
    /// A create or delete was sent but not acknowledged.
    Unsure,
}

/// A user the stream created.
struct Made {
    username: String,
    id: Option<String>,
    life: Life,
}

/// A write whose answer a kill cut off: it may or may not have landed.
struct CutOff {
    rid: String,
    username: String,
    kind: Kind,
    n: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Patch,
    Create,
    Delete,
}

/// One client thread's writes, kept across kills.
struct Stream {
    k: usize,
    rng: Rng,
    patched: Vec<Patched>,
    made: Vec<Made>,
    acknowledged: u64,
    cut_off: u64,
    /// Request ids and users of the writes acknowledged since the last kill.
    acked: Vec<(String, String)>,
    /// The write the last kill cut off.
    cut: Option<CutOff>,
}

impl Stream {
    /// Writes until the server stops answering (or `stop`).
    fn run(&mut self, http: &Http, token: &str, seq: &AtomicU64, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            let n = seq.fetch_add(1, Ordering::Relaxed);
            let roll = self.rng.below(100);
            let deletable = self.made.iter().any(|m| m.life != Life::Absent);
            let answered = if roll < 80 {
                self.patch(http, token, n)
            } else if roll < 90 || !deletable {
                self.create(http, token, n)
            } else {
                self.delete(http, token, n)
            };
            if !answered {
                self.cut_off += 1;
                break;
            }
        }
    }

    fn patch(&mut self, http: &Http, token: &str, n: u64) -> bool {
        let i = self.rng.below(self.patched.len());
        let user = &mut self.patched[i];
        user.pending.push(n);
        let body = json!({"name": format!("v{n}"), "attributes": {"seq": n}});
        let path = format!("/users/{}", user.username);
        let rid = format!("w{}-{n}", self.k);
        match http.send_as(Some(&rid), "PATCH", &path, Some(token), Some(body)) {
            Err(_) => {
                self.cut = Some(CutOff {
                    rid,
                    username: user.username.clone(),
                    kind: Kind::Patch,
                    n,
                });
                false
            }
            Ok(r) if r.status == 200 => {
                assert_eq!(r.body["data"]["attributes"]["seq"], n, "{r:?}");
                user.confirmed = n;
                user.pending.clear();
                self.acknowledged += 1;
                self.acked.push((rid, user.username.clone()));
                true
            }
            // Refused or timed out: it may or may not have been applied.
            Ok(r) if matches!(r.status, 408 | 503) => true,
            Ok(r) => panic!("PATCH {path}: {r:?}"),
        }
    }

    fn create(&mut self, http: &Http, token: &str, n: u64) -> bool {
        let username = format!("w{}c{n}", self.k);
        let body = json!({
            "username": username,
            "email": format!("{username}@example.com"),
            "name": format!("c{n}"),
            "generate_password": true,
        });
        self.made.push(Made {
            username: username.clone(),
            id: None,
            life: Life::Unsure,
        });
        let made = self.made.last_mut().expect("just pushed");
        let rid = format!("w{}-{n}", self.k);
        match http.send_as(Some(&rid), "POST", "/users", Some(token), Some(body)) {
            Err(_) => {
                self.cut = Some(CutOff {
                    rid,
                    username,
                    kind: Kind::Create,
                    n,
                });
                false
            }
            Ok(r) if r.status == 201 => {
                made.id = Some(str_of(&r.body["data"], "id").to_owned());
                made.life = Life::Present;
                self.acknowledged += 1;
                self.acked.push((rid, username));
                true
            }
            Ok(r) if matches!(r.status, 408 | 503) => true,
            Ok(r) => panic!("create {username}: {r:?}"),
        }
    }

    fn delete(&mut self, http: &Http, token: &str, n: u64) -> bool {
        let candidates: Vec<usize> = (0..self.made.len())
            .filter(|&i| self.made[i].life != Life::Absent)
            .collect();
        let made = &mut self.made[candidates[self.rng.below(candidates.len())]];
        let before = made.life;
        made.life = Life::Unsure;
        let path = format!("/users/{}", made.username);
        let rid = format!("w{}-{n}", self.k);
        match http.send_as(Some(&rid), "DELETE", &path, Some(token), None) {
            Err(_) => {
                self.cut = Some(CutOff {
                    rid,
                    username: made.username.clone(),
                    kind: Kind::Delete,
                    n,
                });
                false
            }
            Ok(r) if r.status == 200 => {
                made.life = Life::Absent;
                self.acknowledged += 1;
                self.acked.push((rid, made.username.clone()));
                true
            }
            Ok(r) if r.status == 404 && before == Life::Unsure => {
                made.life = Life::Absent;
                true
            }
            Ok(r) if matches!(r.status, 408 | 503) => true,
            Ok(r) => panic!("DELETE {path} of a user that exists: {r:?}"),
        }
    }

    /// Holds the writes since the last kill against the audit trail (`trail`:
    /// usernames by request id): each acknowledged one has its record, and
    /// the one the kill cut off has a record if, and only if, it landed.
    fn verify_trail(
        &mut self,
        found: &HashMap<String, Value>,
        trail: &HashMap<String, Vec<String>>,
        context: &str,
    ) {
        for (rid, username) in self.acked.drain(..) {
            assert!(
                trail
                    .get(&rid)
                    .is_some_and(|users| users.contains(&username)),
                "{context}: the acknowledged write {rid} to {username} has no audit record"
            );
        }
        let Some(cut) = self.cut.take() else {
            return;
        };
        let user = found.get(&cut.username);
        let landed = match cut.kind {
            Kind::Patch => user.is_some_and(|u| u["attributes"]["seq"] == cut.n),
            Kind::Create => user.is_some(),
            Kind::Delete => user.is_none(),
        };
        let recorded = trail
            .get(&cut.rid)
            .is_some_and(|u| u.contains(&cut.username));
        assert_eq!(
            recorded, landed,
            "{context}: the {:?} {} of {} cut off by the kill: landed {landed}, recorded {recorded}",
            cut.kind, cut.rid, cut.username
        );
    }

    /// Holds the stream's writes against the users found after a restart, and
    /// takes what was found as the new starting point. Returns how many users
    /// were checked.
    fn verify(&mut self, found: &HashMap<String, Value>, context: &str) -> usize {
        for user in &mut self.patched {
            let Some(record) = found.get(&user.username) else {
                panic!("{context}: user {} is gone", user.username);
            };
            let seq = record["attributes"]["seq"]
                .as_u64()
                .unwrap_or_else(|| panic!("{context}: no seq in {record}"));
            assert_eq!(
                record["name"],
                format!("v{seq}"),
                "{context}: {}'s name and attributes come from different writes",
                user.username
            );
            assert!(
                seq == user.confirmed || user.pending.contains(&seq),
                "{context}: {} holds write {seq}, but write {} was acknowledged and only {:?} \
                 were sent after it",
                user.username,
                user.confirmed,
                user.pending
            );
            user.confirmed = seq;
            user.pending.clear();
        }
        for made in &mut self.made {
            let record = found.get(&made.username);
            match (made.life, record) {
                (Life::Present, None) => panic!(
                    "{context}: the acknowledged create of {} was lost",
                    made.username
                ),
                (Life::Absent, Some(r)) => panic!(
                    "{context}: the acknowledged delete of {} was undone: {r}",
                    made.username
                ),
                _ => {}
            }
            if let Some(record) = record {
                let id = str_of(record, "id").to_owned();
                if let Some(known) = &made.id {
                    assert_eq!(known, &id, "{context}: {} changed id", made.username);
                }
                made.id = Some(id);
            }
            made.life = if record.is_some() {
                Life::Present
            } else {
                Life::Absent
            };
        }
        let checked = self.patched.len() + self.made.len();
        self.made.retain(|m| m.life == Life::Present);
        checked
    }
}

/// Three client threads stream writes (mostly PATCHes of names and attributes,
/// some creates and deletes) while the server is SIGKILLed 20–300 ms after each
/// start, 50 times. After each kill `check` (on the database itself) is clean,
/// the server starts again on it, and every acknowledged write is there: each
/// user holds its last acknowledged value or one sent after it, acknowledged
/// creates and deletes stand, and nothing else appeared.
#[test]
fn writes_acknowledged_before_a_sigkill_survive_it() {
    const KILLS: usize = 50;
    const STREAMS: usize = 3;
    const USERS_PER_STREAM: usize = 4;
    let seed = seed();
    let mut rng = Rng(seed);
    let db = Db::with_admin();
    let mut server = Server::start(&db);
    let token = server.login(ADMIN, PASSWORD);

    let mut streams: Vec<Stream> = (0..STREAMS)
        .map(|k| Stream {
            k,
            rng: Rng(seed ^ (k as u64 + 1).wrapping_mul(0x1234_5678_9abc)),
            patched: Vec::new(),
            made: Vec::new(),
            acknowledged: 0,
            cut_off: 0,
            acked: Vec::new(),
            cut: None,
        })
        .collect();
    for stream in &mut streams {
        for j in 0..USERS_PER_STREAM {
            let username = format!("w{}p{j}", stream.k);
            let body = json!({
                "username": username,
                "email": format!("{username}@example.com"),
                "name": "v0",
                "attributes": {"seq": 0},
                "generate_password": true,
            });
            let reply = server.http.must("POST", "/users", Some(&token), Some(body));
            assert_eq!(reply.status, 201, "{reply:?}");
            stream.patched.push(Patched {
                username,
                confirmed: 0,
                pending: Vec::new(),
            });
        }
    }

    let seq = AtomicU64::new(1);
    let started = Instant::now();
    let mut checked = 0;
    // The audit trail as read so far: usernames by request id.
    let mut trail: HashMap<String, Vec<String>> = HashMap::new();
    let mut trail_after = 0;
    let mut killed_after = Vec::with_capacity(KILLS);
    for cycle in 1..=KILLS {
        let delay = rng.between(20, 300);
        let context = format!("seed {seed}, kill {cycle}, {delay} ms after the start");
        let stop = AtomicBool::new(false);
        let http = server.http.clone();
        std::thread::scope(|scope| {
            for stream in &mut streams {
                let (http, token, seq, stop) = (&http, &token, &seq, &stop);
                scope.spawn(move || stream.run(http, token, seq, stop));
            }
            std::thread::sleep(Duration::from_millis(delay));
            server.kill();
            stop.store(true, Ordering::Relaxed);
        });
        killed_after.push(delay);

        // The database opens and is sound, with the server gone…
        let report = db.assert_sound(&context);
        // …and a server starts on it again, over the stale socket and lock.
        server = Server::start(&db);
        let users = server.http.list_all(&token, 1000);
        assert_eq!(report["users"], users.len(), "{context}: {report}");
        let found: HashMap<String, Value> = users
            .into_iter()
            .map(|u| (str_of(&u, "username").to_owned(), u))
            .collect();
        // The audit trail verifies, and holds exactly the writes that landed.
        let out = db.cli(&["audit", "verify"], "");
        assert!(
            out.status.success(),
            "{context}: audit verify: {out:?}\nstdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        trail_after = server.http.read_trail(&token, trail_after, &mut trail);
        for stream in &mut streams {
            stream.verify_trail(&found, &trail, &context);
        }
        let mut known: HashSet<&str> = HashSet::from([ADMIN]);
        for stream in &mut streams {
            checked += stream.verify(&found, &context);
        }
        for stream in &streams {
            known.extend(stream.patched.iter().map(|p| p.username.as_str()));
            known.extend(stream.made.iter().map(|m| m.username.as_str()));
        }
        for username in found.keys() {
            assert!(
                known.contains(username.as_str()),
                "{context}: {username} appeared from nowhere"
            );
        }
    }
    server.stop();
    db.assert_sound("after the last, graceful stop");

    let acknowledged: u64 = streams.iter().map(|s| s.acknowledged).sum();
    let cut_off: u64 = streams.iter().map(|s| s.cut_off).sum();
    println!(
        "{KILLS} kills in {:?} (mean delay {} ms): {} writes sent, {acknowledged} acknowledged, \
         {cut_off} cut off by a kill, {checked} user states verified",
        started.elapsed(),
        killed_after.iter().sum::<u64>() / KILLS as u64,
        seq.load(Ordering::Relaxed) - 1,
    );
    assert!(
        acknowledged >= KILLS as u64,
        "too few writes acknowledged ({acknowledged}) to say anything"
    );
}

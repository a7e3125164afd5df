//! Several `usersctl serve` instances on one PostgreSQL database agree at
//! once: what one is told (a logout, a block, a deletion, a demotion, a
//! demand for a new password) the other knows on its next request; the login
//! limit is one limit; a unique email is unique however the creates race;
//! and an instance with another signing secret refuses to start. PostgreSQL
//! only (a directory is one process's): `.ci/test` runs this module in its
//! PostgreSQL pass.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{self, Process, TestDb, listening_on, spawn_server, usersctl};

const PASSWORD: &str = "Tr0ub4dor&3horse";

struct Test {
    db: TestDb,
    dir: TempDir,
}

impl Test {
    /// A schema with one admin, `admin`; `None` on the sled pass.
    fn new() -> Option<Test> {
        if !support::on_postgres() {
            eprintln!(
                "instances share a PostgreSQL database: run with USERSCTL_TEST_BACKEND=postgres"
            );
            return None;
        }
        let test = Test {
            db: TestDb::schema(),
            dir: TempDir::new().unwrap(),
        };
        test.create_admin();
        Some(test)
    }

    fn create_admin(&self) {
        let out = self
            .db
            .apply(&mut usersctl())
            .args(["user", "create", "admin", "--email", "admin@example.com"])
            .args(["--role", "admin", "--password-stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(format!("{PASSWORD}\n").as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }

    /// An instance on the test's database, with `env` besides.
    fn start(&self, name: &str, env: &[(&str, &str)]) -> Instance {
        self.start_with(name, |cmd| {
            cmd.envs(env.iter().copied());
        })
    }

    /// An instance on the test's database, its command changed by `change`.
    fn start_with(&self, name: &str, change: impl FnOnce(&mut Command)) -> Instance {
        let log = self.dir.path().join(format!("{name}.log"));
        let mut cmd = usersctl();
        self.db
            .apply(&mut cmd)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"])
            .args(["--token-rate-limit", "0"]);
        change(&mut cmd);
        let (process, first) = spawn_server(cmd, &log);
        let addr = listening_on(&first, &log);
        Instance {
            _process: process,
            addr,
            log,
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .build(),
        }
    }
}

struct Instance {
    _process: Process,
    addr: SocketAddr,
    log: PathBuf,
    agent: ureq::Agent,
}

impl Instance {
    /// Sends a request; answers the status and the JSON body (`Null` if none).
    fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("http://{}{path}", self.addr);
        let mut request = self.agent.request(method, &url);
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let result = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!(
                "{method} {path}: {e}\nlog:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            ),
        };
        let status = response.status();
        let text = response.into_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn login(&self, user: &str, password: &str) -> String {
        let (status, body) = self.send(
            "POST",
            "/authenticate",
            None,
            Some(json!({"username": user, "password": password})),
        );
        assert_eq!(status, 200, "{body}");
        body["data"]["token"].as_str().unwrap().to_owned()
    }

    fn create(&self, admin: &str, username: &str, extra: Value) -> Value {
        let mut body = json!({
            "username": username,
            "email": format!("{username}@example.com"),
            "password": PASSWORD,
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (status, body) = self.send("POST", "/users", Some(admin), Some(body));
        assert_eq!(status, 201, "{body}");
        body["data"].clone()
    }
}

#[test]
fn a_token_revoked_on_one_instance_is_refused_by_the_other_at_once() {
    let Some(test) = Test::new() else { return };
    let (a, b) = (test.start("a", &[]), test.start("b", &[]));
    let admin = a.login("admin", PASSWORD);
    a.create(&admin, "alice", json!({}));
    let alice = b.login("alice", PASSWORD);
    assert_eq!(a.send("GET", "/users/alice", Some(&alice), None).0, 200);
    assert_eq!(b.send("POST", "/logout", Some(&alice), None).0, 200);
    let (status, body) = a.send("GET", "/users/alice", Some(&alice), None);
    assert_eq!(status, 401, "{body}");
    // Neither log shows the database's password.
    let password = test
        .db
        .url()
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, r)| r.split_once('@'))
        .and_then(|(info, _)| info.split_once(':'))
        .map(|(_, pw)| pw.to_owned())
        .unwrap();
    for instance in [&a, &b] {
        let log = std::fs::read_to_string(&instance.log).unwrap();
        assert!(log.contains("listening on"), "{log}");
        assert!(!log.contains(&password), "{log}");
    }
}

#[test]
fn an_api_key_revoked_or_whose_user_is_blocked_on_one_instance_dies_on_the_other() {
    let Some(test) = Test::new() else { return };
    let (a, b) = (test.start("a", &[]), test.start("b", &[]));
    let admin = a.login("admin", PASSWORD);
    a.create(&admin, "svc", json!({}));
    a.create(&admin, "bot", json!({}));
    let key = |name: &str, user: &str| -> String {
        let (status, body) = a.send(
            "POST",
            "/keys",
            Some(&admin),
            Some(json!({"name": name, "user": user})),
        );
        assert_eq!(status, 201, "{body}");
        body["data"]["key"].as_str().unwrap().to_owned()
    };
    let (revoked, blocked) = (key("svc-key", "svc"), key("bot-key", "bot"));
    // Made on a, each works on b.
    for (k, user) in [(&revoked, "svc"), (&blocked, "bot")] {
        let (status, body) = b.send("GET", &format!("/users/{user}"), Some(k), None);
        assert_eq!(status, 200, "{user}: {body}");
    }
    let (status, body) = a.send("DELETE", "/keys/svc-key", Some(&admin), None);
    assert_eq!(status, 200, "{body}");
    let (status, body) = a.send(
        "PATCH",
        "/users/bot",
        Some(&admin),
        Some(json!({"blocked": true})),
    );
    assert_eq!(status, 200, "{body}");
    // b refuses both on the next request: the revoked key as no key, the
    // blocked user's as a blocked account's.
    let (status, body) = b.send("GET", "/users/svc", Some(&revoked), None);
    assert_eq!(status, 401, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    let (status, body) = b.send("GET", "/users/bot", Some(&blocked), None);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["message"], "account is blocked");
    // And a key is in no log of either instance.
    for instance in [&a, &b] {
        let log = std::fs::read_to_string(&instance.log).unwrap();
        for k in [&revoked, &blocked] {
            assert!(!log.contains(k.as_str()), "{log}");
        }
    }
}

#[test]
fn what_one_instance_takes_away_the_other_refuses_on_the_next_request() {
    let Some(test) = Test::new() else { return };
    let (a, b) = (test.start("a", &[]), test.start("b", &[]));
    let admin = a.login("admin", PASSWORD);
    for name in ["blocked", "deleted", "demoted", "renewing"] {
        let role = if name == "demoted" { "admin" } else { "user" };
        a.create(&admin, name, json!({"role": role}));
    }
    let token = |name| b.login(name, PASSWORD);
    let (blocked, deleted, demoted, renewing) = (
        token("blocked"),
        token("deleted"),
        token("demoted"),
        token("renewing"),
    );
    // Each works on b first.
    for (name, t) in [
        ("blocked", &blocked),
        ("deleted", &deleted),
        ("renewing", &renewing),
    ] {
        let (status, body) = b.send("GET", &format!("/users/{name}"), Some(t), None);
        assert_eq!(status, 200, "{name}: {body}");
    }
    b.create(&demoted, "made-by-an-admin", json!({}));
    // a changes them.
    let patch = |user: &str, body: Value| {
        let (status, reply) = a.send("PATCH", &format!("/users/{user}"), Some(&admin), Some(body));
        assert_eq!(status, 200, "{reply}");
    };
    patch("blocked", json!({"blocked": true}));
    patch("demoted", json!({"role": "user"}));
    patch("renewing", json!({"must_change_password": true}));
    assert_eq!(
        a.send("DELETE", "/users/deleted", Some(&admin), None).0,
        200
    );
    // b refuses at once.
    let (status, body) = b.send("GET", "/users/blocked", Some(&blocked), None);
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("account is blocked"))
    );
    assert_eq!(b.send("GET", "/users/deleted", Some(&deleted), None).0, 401);
    let new = json!({"username": "fred", "email": "fred@example.com", "password": PASSWORD});
    let (status, body) = b.send("POST", "/users", Some(&demoted), Some(new));
    assert_eq!(status, 403, "{body}");
    let (status, body) = b.send("GET", "/users/admin", Some(&renewing), None);
    assert_eq!(status, 403, "{body}");
    // A password change is still open to the user told to make one.
    let (status, body) = b.send(
        "PATCH",
        "/users/renewing",
        Some(&renewing),
        Some(json!({"current_password": PASSWORD, "password": "An0ther-Good-Phrase"})),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn forty_wrong_passwords_over_two_instances_get_at_most_five_checked() {
    let Some(test) = Test::new() else { return };
    let instances = Arc::new([test.start("a", &[]), test.start("b", &[])]);
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let instances = instances.clone();
            std::thread::spawn(move || {
                instances[i % 2]
                    .send(
                        "POST",
                        "/authenticate",
                        None,
                        Some(json!({"username": "admin", "password": format!("wrong-{i}")})),
                    )
                    .0
            })
        })
        .collect();
    let statuses: Vec<u16> = attempts.into_iter().map(|t| t.join().unwrap()).collect();
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!(
        statuses.iter().all(|s| [401, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        checked <= 5,
        "{checked} wrong passwords checked: {statuses:?}"
    );
    assert!(checked >= 1, "{statuses:?}");
    // Held back on both, from this address.
    for instance in instances.iter() {
        let (status, _) = instance.send(
            "POST",
            "/authenticate",
            None,
            Some(json!({"username": "admin", "password": PASSWORD})),
        );
        assert_eq!(status, 429);
    }
}

#[test]
fn a_thousand_racing_creates_of_one_email_over_two_instances_make_one_user() {
    let Some(test) = Test::new() else { return };
    let instances = Arc::new([test.start("a", &[]), test.start("b", &[])]);
    let admin = Arc::new(instances[0].login("admin", PASSWORD));
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let (instances, admin) = (instances.clone(), admin.clone());
            std::thread::spawn(move || {
                (0..1000 / 16 + 1)
                    .map(|i| w + 16 * i)
                    .filter(|n| *n < 1000)
                    .map(|n| {
                        // The same address, in one case or another.
                        let email = if n % 2 == 0 {
                            "Same@Example.com"
                        } else {
                            "same@example.COM"
                        };
                        instances[n % 2]
                            .send(
                                "POST",
                                "/users",
                                Some(&admin),
                                Some(json!({"username": format!("racer{n}"), "email": email,
                                            "generate_password": true})),
                            )
                            .0
                    })
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    let statuses: Vec<u16> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(statuses.len(), 1000);
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&s| s == 409).count(), 999);
    let (_, page) = instances[1].send(
        "GET",
        "/users?search=same%40example.com",
        Some(&admin),
        None,
    );
    assert_eq!(page["data"].as_array().unwrap().len(), 1, "{page}");
    let rows = test
        .db
        .sql("SELECT count(*) FROM users WHERE email_key = 'same@example.com'");
    assert_eq!(rows[0][0].as_deref(), Some("1"));
}

#[test]
fn an_instance_with_another_signing_secret_refuses_to_start() {
    let Some(test) = Test::new() else { return };
    let a = test.start("a", &[]);
    // The same secret from a file (as secret stores mount them, with a
    // newline at the end) is the same secret: that instance starts, and
    // its tokens work on the other.
    let file = test.dir.path().join("jwt-secret");
    std::fs::write(&file, format!("{}\n", support::SHARED_SECRET)).unwrap();
    let b = test.start_with("b", |cmd| {
        cmd.env_remove("USERSCTL_JWT_SECRET")
            .env("USERSCTL_JWT_SECRET_FILE", &file);
    });
    let token = b.login("admin", PASSWORD);
    assert_eq!(a.send("GET", "/users/admin", Some(&token), None).0, 200);
    let out = test
        .db
        .apply(&mut usersctl())
        .env(
            "USERSCTL_JWT_SECRET",
            "another secret, long enough to be accepted here",
        )
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("token signing secret differs"), "{stderr}");
    assert!(!stderr.contains("another secret"), "{stderr}");
    // And none at all is refused too.
    let out = test
        .db
        .apply(&mut usersctl())
        .env_remove("USERSCTL_JWT_SECRET")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("USERSCTL_JWT_SECRET"));
}

/// PostgreSQL stopped under load: requests are answered 503 in JSON with
/// `Retry-After`, `/health` says 503, no acknowledged write is lost; started
/// again, the same server process serves writes, with no restart.
#[test]
fn postgres_stopped_under_load_is_503_and_back_the_same_server_writes_again() {
    if !support::on_postgres() {
        return;
    }
    let cluster = support::Cluster::start();
    let test = Test {
        db: TestDb::schema_on(&cluster.url),
        dir: TempDir::new().unwrap(),
    };
    test.create_admin();
    let server = Arc::new(test.start("a", &[]));
    let admin = Arc::new(server.login("admin", PASSWORD));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (server, admin, stop) = (server.clone(), admin.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut outcomes = Vec::new();
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let name = format!("w{w}-{i}");
                    let body = json!({"username": name, "email": format!("{name}@example.com"),
                                      "generate_password": true});
                    let (status, reply) = server.send("POST", "/users", Some(&admin), Some(body));
                    outcomes.push((name, status, reply));
                    std::thread::sleep(Duration::from_millis(5));
                }
                outcomes
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    cluster.pause();
    std::thread::sleep(Duration::from_millis(1500));
    let health = server
        .agent
        .get(&format!("http://{}/health", server.addr))
        .call();
    let Err(ureq::Error::Status(503, reply)) = health else {
        panic!("/health with the database stopped: {health:?}")
    };
    assert!(reply.header("retry-after").is_some());
    cluster.resume();
    // The same process serves again once the database is back.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.send("GET", "/health", None, None).0 != 200 {
        assert!(std::time::Instant::now() < deadline, "never healthy again");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let outcomes: Vec<(String, u16, Value)> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let refused: Vec<&Value> = outcomes
        .iter()
        .filter(|(_, s, _)| *s == 503)
        .map(|(_, _, b)| b)
        .collect();
    assert!(!refused.is_empty(), "no write met the stopped database");
    for body in &refused {
        assert_eq!(body["error"], "unavailable", "{body}");
    }
    assert!(
        outcomes.iter().all(|(_, s, _)| [201, 503].contains(s)),
        "{:?}",
        outcomes.iter().map(|(_, s, _)| s).collect::<Vec<_>>()
    );
    let acknowledged: Vec<&String> = outcomes
        .iter()
        .filter(|(_, s, _)| *s == 201)
        .map(|(n, _, _)| n)
        .collect();
    assert!(acknowledged.len() > 10, "{}", acknowledged.len());
    for name in &acknowledged {
        let (status, body) = server.send("GET", &format!("/users/{name}"), Some(&admin), None);
        assert_eq!(status, 200, "{name} was acknowledged and lost: {body}");
    }
    // And writes after the restart are stored.
    server.create(&admin, "after-the-restart", json!({}));
}

/// A database that cannot be used is one line and exit 6, naming it without
/// its password; a schema not yet made names `usersctl migrate`.
#[test]
fn an_unusable_database_is_one_line_and_exit_6_without_the_password() {
    let Some(server) = support::postgres_url().filter(|_| support::on_postgres()) else {
        return;
    };
    let rest = server.split_once('@').unwrap().1.to_owned();
    let password = server
        .split_once("://")
        .and_then(|(_, r)| r.split_once('@'))
        .and_then(|(info, _)| info.split_once(':'))
        .map(|(_, pw)| pw.to_owned())
        .unwrap();
    let cases = [
        (
            format!("postgres://postgres:wrong-pw-1234@{rest}"),
            "password authentication failed",
            "wrong-pw-1234",
        ),
        (
            format!("{}/no_such_db", server.rsplit_once('/').unwrap().0),
            "database \"no_such_db\" does not exist",
            password.as_str(),
        ),
        (
            "postgresql://app:wrong-pw-1234@127.0.0.1:1/users".to_owned(),
            "cannot reach PostgreSQL at postgresql://app@127.0.0.1:1/users",
            "wrong-pw-1234",
        ),
        (
            format!("{server}?sslmode=require"),
            "sslmode=require, but this usersctl connects without TLS",
            password.as_str(),
        ),
    ];
    for (url, says, secret) in &cases {
        for args in [
            &["users", "list"][..],
            &["serve", "--bind", "127.0.0.1:0"],
            &["migrate"],
        ] {
            let out = usersctl()
                .env("USERSCTL_DB", url)
                .env("USERSCTL_JWT_SECRET", support::SHARED_SECRET)
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(6), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(says), "{args:?}: {stderr}");
            assert!(!stderr.contains(secret), "{stderr}");
            assert!(out.stdout.is_empty());
        }
    }
    // Help shows where USERSCTL_DB comes from, not what it holds.
    let out = usersctl()
        .env("USERSCTL_DB", &server)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&password));
    // A database with no schema yet: every table of the test's schema
    // dropped, whatever tables later schema steps add.
    let empty = TestDb::schema_on(&server);
    empty.sql(
        "DO $$ DECLARE t text; BEGIN
           FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
             EXECUTE format('DROP TABLE %I CASCADE', t);
           END LOOP;
         END $$",
    );
    assert_eq!(
        empty.sql("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"),
        vec![vec![Some("0".to_owned())]]
    );
    let mut cmd = usersctl();
    let out = empty
        .apply(&mut cmd)
        .args(["user", "get", "alice"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("run `usersctl migrate`"), "{stderr}");
    let mut cmd = usersctl();
    let out = empty.apply(&mut cmd).arg("migrate").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("schema created"),
        "{out:?}"
    );
}

/// `usersctl check` on PostgreSQL: sound as made; a row edited by hand is
/// found (exit 6), and `--repair` mends what it can.
#[test]
fn check_finds_a_row_edited_by_hand_and_repair_mends_it() {
    let Some(test) = Test::new() else { return };
    let check = |args: &[&str]| {
        let mut cmd = usersctl();
        test.db
            .apply(&mut cmd)
            .arg("check")
            .args(args)
            .output()
            .unwrap()
    };
    let out = check(&[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "checked 1 users: sound\n"
    );
    test.db
        .sql("UPDATE users SET email_key = 'not-this@example.com' WHERE username = 'admin'");
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("stale key\tuser "), "{stdout}");
    let out = check(&["--repair"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(repaired)"));
    let rows = test
        .db
        .sql("SELECT email_key FROM users WHERE username = 'admin'");
    assert_eq!(rows[0][0].as_deref(), Some("admin@example.com"));
    assert!(check(&[]).status.success());
}

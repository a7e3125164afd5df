//! The PostgreSQL backend's tests, each in a schema of its own on the
//! server `USERSCTL_TEST_DATABASE_URL` names (`.ci/postgres start` makes
//! one). Without it they say so and pass: CI sets it, and fails when the
//! PostgreSQL tests did not run (`.ci/run`).

use std::sync::Arc;

use super::*;
use crate::domain::UserRef;
use crate::store::contract::by;
use crate::store::{Store, StoreError};

/// A schema of its own on the test server, dropped when it goes.
pub struct TestSchema {
    admin: PostgresUrl,
    pub name: String,
    pub url: PostgresUrl,
}

impl TestSchema {
    /// `None` (and a line on stderr) when no test server is configured.
    pub fn new() -> Option<TestSchema> {
        let Ok(url) = std::env::var("USERSCTL_TEST_DATABASE_URL") else {
            // CI asks for them to run; elsewhere they are skipped, and say so.
            assert!(
                std::env::var_os("USERSCTL_TEST_REQUIRE_POSTGRES").is_none(),
                "USERSCTL_TEST_REQUIRE_POSTGRES is set but USERSCTL_TEST_DATABASE_URL is not"
            );
            eprintln!("USERSCTL_TEST_DATABASE_URL is not set: PostgreSQL test skipped");
            return None;
        };
        let admin = PostgresUrl::new(&url).expect("USERSCTL_TEST_DATABASE_URL is a postgres URL");
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        psql(&admin, &format!("CREATE SCHEMA {name}"));
        let sep = if url.contains('?') { '&' } else { '?' };
        // Its own application name too, so that a test can end its own
        // connections alone.
        let url = PostgresUrl::new(&format!(
            "{url}{sep}options=-csearch_path%3D{name}&application_name={name}"
        ))
        .unwrap();
        Some(TestSchema { admin, name, url })
    }

    /// A store on the schema, migrated.
    pub fn store(&self) -> PostgresStore {
        let store = PostgresStore::connect(&self.url).unwrap();
        migrate(&store).unwrap();
        store
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        psql(&self.admin, &format!("DROP SCHEMA {} CASCADE", self.name));
    }
}

/// One statement on the test server.
fn psql(url: &PostgresUrl, sql: &str) {
    let store = PostgresStore::connect(url).unwrap();
    store
        .run(store.with_client(async |c| Ok(c.batch_execute(sql).await?)))
        .unwrap();
}

/// Runs `test` with a migrated store, when there is a test server.
fn with_store(test: impl FnOnce(&PostgresStore, &TestSchema)) {
    if let Some(schema) = TestSchema::new() {
        let store = schema.store();
        test(&store, &schema);
    }
}

#[test]
fn migrate_is_idempotent_and_other_commands_name_it() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let Err(e) = PostgresStore::open(&schema.url) else {
        panic!("an empty database was opened")
    };
    assert!(e.to_string().contains("usersctl migrate"), "{e}");
    let store = PostgresStore::connect(&schema.url).unwrap();
    let first = migrate(&store).unwrap();
    assert_eq!((first.from, first.to), (0, SCHEMA_VERSION));
    let again = migrate(&store).unwrap();
    assert_eq!((again.from, again.to), (SCHEMA_VERSION, SCHEMA_VERSION));
    PostgresStore::open(&schema.url).unwrap();
    // A newer schema than this usersctl knows is refused.
    psql(
        &schema.url,
        &format!(
            "UPDATE usersctl_schema SET version = {}",
            SCHEMA_VERSION + 1
        ),
    );
    let Err(e) = PostgresStore::open(&schema.url) else {
        panic!("a newer schema was opened")
    };
    assert!(e.to_string().contains("upgrade usersctl"), "{e}");
}

#[test]
fn migrations_from_many_places_at_once_end_in_one_schema() {
    let Some(schema) = TestSchema::new() else {
        return;
    };
    let url = Arc::new(schema.url.clone());
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let store = PostgresStore::connect(&url).unwrap();
                migrate(&store)
            })
        })
        .collect();
    let outcomes: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    for outcome in &outcomes {
        let migrated = outcome.as_ref().expect("every migrate succeeds");
        assert_eq!(migrated.to, SCHEMA_VERSION);
    }
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| o.as_ref().unwrap().from == 0)
            .count(),
        1,
        "exactly one applied the steps: {outcomes:?}"
    );
    PostgresStore::open(&schema.url).unwrap();
}

#[test]
fn an_unreachable_server_or_a_wrong_password_is_one_line_without_the_password() {
    // Nothing listens on port 1.
    let url = PostgresUrl::new("postgres://app:hunter2secret@127.0.0.1:1/users").unwrap();
    let e = PostgresStore::open(&url).err().expect("no server there");
    let text = e.to_string();
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
    assert!(text.contains("postgres://app@127.0.0.1:1/users"), "{text}");
    assert!(
        !text.contains("hunter2secret") && !text.contains('\n'),
        "{text}"
    );
    let Ok(real) = std::env::var("USERSCTL_TEST_DATABASE_URL") else {
        return;
    };
    let wrong = format!(
        "postgres://postgres:wrongpw@{}",
        real.split_once('@').unwrap().1
    );
    let e = PostgresStore::open(&PostgresUrl::new(&wrong).unwrap())
        .err()
        .expect("a wrong password is refused");
    let text = e.to_string();
    assert!(text.contains("password"), "{text}");
    assert!(!text.contains("wrongpw"), "{text}");
    let missing =
        PostgresUrl::new(&format!("{}/no_such_db", real.rsplit_once('/').unwrap().0)).unwrap();
    let e = PostgresStore::open(&missing)
        .err()
        .expect("no such database");
    assert!(e.to_string().contains("no_such_db"), "{e}");
}

#[test]
fn a_terminated_connection_is_replaced() {
    with_store(|store, schema| {
        store.health().unwrap();
        let kill = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = '{}' AND pid <> pg_backend_pid()",
            schema.name
        );
        store
            .run(store.with_client(async |c| {
                c.batch_execute(&kill).await?;
                Ok(())
            }))
            .unwrap();
        // The pool notices the dead connections and makes new ones; a read
        // on one that died is made again on a new one.
        for _ in 0..20 {
            store.health().unwrap();
        }
        let account = crate::store::contract::account("survivor");
        store.insert(&account, &by()).unwrap();
        store
            .run(store.with_client(async |c| Ok(c.batch_execute(&kill).await?)))
            .unwrap();
        assert!(store.get(&UserRef::Id(account.user.id)).unwrap().is_some());
    });
}

crate::store::contract::store_contract!(|| {
    TestSchema::new().map(|schema| {
        let store: Arc<dyn Store> = Arc::new(schema.store());
        (Box::new(schema) as Box<dyn std::any::Any>, store)
    })
});

#[test]
fn one_login_limit_holds_across_processes() {
    use crate::throttle::LoginLimit;
    let Some(schema) = TestSchema::new() else {
        return;
    };
    // Two stores on one database stand for two instances.
    let instances = [Arc::new(schema.store()), Arc::new(schema.store())];
    let client: crate::throttle::Client = Some("203.0.113.9".parse().unwrap());
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let store = instances[i % 2].clone();
            std::thread::spawn(move || match store.begin("alice", client) {
                Ok(()) => {
                    // The password check takes a while; then it fails.
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    store.end("alice", client, Some(false));
                    true
                }
                Err(_) => false,
            })
        })
        .collect();
    let checked = attempts
        .into_iter()
        .map(|a| a.join().unwrap())
        .filter(|&c| c)
        .count();
    assert_eq!(checked, 5, "checked {checked} of 40 wrong passwords");
    // Held back on both instances, from that address alone.
    for store in &instances {
        let err = store.begin("alice", client).unwrap_err();
        assert!(matches!(err, crate::Error::RateLimited { .. }), "{err:?}");
        store
            .begin("alice", Some("198.51.100.7".parse().unwrap()))
            .unwrap();
        store.end("alice", Some("198.51.100.7".parse().unwrap()), None);
    }
    let seen = instances[1].throttled(&["alice"]).unwrap().unwrap();
    assert_eq!((seen.failures, seen.addresses), (5, 1));
    assert!(
        instances[0]
            .unlock(&["alice", "alice@example.com"])
            .unwrap()
    );
    assert!(instances[1].throttled(&["alice"]).unwrap().is_none());
    instances[1].begin("alice", client).unwrap();
    instances[1].end("alice", client, Some(true));
    // A name typed with a NUL (PostgreSQL's text holds none) is counted
    // apart from one with its escape.
    for _ in 0..5 {
        instances[0].begin("a\0b", client).unwrap();
        instances[0].end("a\0b", client, Some(false));
    }
    assert!(instances[0].begin("a\0b", client).is_err());
    instances[0].begin("a\\0b", client).unwrap();
    instances[0].end("a\\0b", client, None);
}

#[test]
fn check_finds_rows_edited_by_hand_and_repair_mends_the_keys() {
    with_store(|store, schema| {
        for name in ["alice", "bob", "carol"] {
            store
                .insert(&crate::store::contract::account(name), &by())
                .unwrap();
        }
        let report = store.check(false).unwrap();
        assert_eq!((report.users, report.problems.len()), (3, 0));
        // Someone edits the table by hand: a stale key, and a role no
        // usersctl writes.
        let url = &schema.url;
        psql(
            url,
            "UPDATE users SET email_key = 'someone@else' WHERE username = 'alice'",
        );
        psql(url, "UPDATE users SET role = 'boss' WHERE username = 'bob'");
        let report = store.check(false).unwrap();
        let kinds: Vec<&str> = report.problems.iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(kinds, ["stale key", "unreadable user"], "{report:?}");
        assert!(report.problems[1].detail.contains("role"), "{report:?}");
        // The stale key hides alice from a lookup by email until repaired.
        let alice = UserRef::parse("alice@example.com").unwrap();
        assert!(store.get(&alice).unwrap().is_none());
        let repaired = store.check(true).unwrap();
        assert!(repaired.repaired);
        assert_eq!(repaired.repairs.len(), 1);
        assert_eq!(
            repaired.problems.len(),
            1,
            "a role cannot be guessed: {repaired:?}"
        );
        assert!(store.get(&alice).unwrap().is_some());
        assert_eq!(store.check(false).unwrap().problems.len(), 1);
        // A binned user edited by hand is named too.
        store
            .delete_many(
                &[UserRef::parse("carol").unwrap()],
                crate::store::Deletion::Bin(crate::domain::Timestamp::now()),
                &by(),
            )
            .unwrap();
        assert_eq!(store.check(false).unwrap().problems.len(), 1);
        psql(url, "UPDATE deleted_users SET role = 'boss'");
        let report = store.check(false).unwrap();
        let kinds: Vec<&str> = report.problems.iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["unreadable user", "unreadable binned user"],
            "{report:?}"
        );
    });
}

#[test]
fn every_transaction_survives_a_serialization_failure_on_its_first_attempt() {
    with_store(|store, _| {
        let before = RETRIED.load(std::sync::atomic::Ordering::Relaxed);
        let account = crate::store::contract::account("retried");
        store.insert(&account, &by()).unwrap();
        let after = RETRIED.load(std::sync::atomic::Ordering::Relaxed);
        assert!(after > before, "the injected 40001 was not retried");
        // Retried, and stored once.
        assert_eq!(
            store.insert(&account, &by()).unwrap_err().to_string(),
            format!("a user with id {} already exists", account.user.id)
        );
    });
}

/// Every clean-up selection has an index that serves it: with sequential
/// scans switched off, the plan of its count names that index.
#[test]
fn clean_up_selections_are_served_by_indexes() {
    use crate::domain::Timestamp;
    use crate::store::Filter;
    use store::{FilterParams, where_clauses, where_sql};
    with_store(|store, _| {
        let t = Timestamp::now();
        let cases = [
            (
                Filter {
                    inactive_since: Some(t),
                    ..Filter::default()
                },
                "users_seen",
            ),
            (
                Filter {
                    never_logged_in: Some(true),
                    ..Filter::default()
                },
                "users_never_logged_in",
            ),
            (
                Filter {
                    created_before: Some(t),
                    ..Filter::default()
                },
                "users_created",
            ),
            (
                Filter {
                    created_after: Some(t),
                    ..Filter::default()
                },
                "users_created",
            ),
        ];
        for (filter, index) in cases {
            let converted = FilterParams::of(&filter);
            let (mut clauses, mut params) = (Vec::new(), Vec::new());
            where_clauses(&filter, &converted, &mut clauses, &mut params);
            let sql = format!("EXPLAIN SELECT count(*) FROM users {}", where_sql(&clauses));
            let plan: Vec<String> = store
                .run(store.transaction(async |tx| {
                    tx.batch_execute("SET LOCAL enable_seqscan = off").await?;
                    Ok(cached::query(tx, &sql, &params)
                        .await?
                        .iter()
                        .map(|r| r.get::<_, String>(0))
                        .collect())
                }))
                .unwrap();
            assert!(
                plan.iter().any(|line| line.contains(index)),
                "{filter:?} is not served by {index}: {plan:#?}"
            );
        }
    });
}

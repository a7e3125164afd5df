//! The sled store's own tests; what every backend must do is in
//! `store::contract`.

use super::*;
use crate::domain::{Account, DisplayName, Timestamp, User, Username};
use crate::store::contract::{account, by};
use crate::store::{Deletion, Store};
use std::sync::atomic::AtomicBool;

fn counter(a: &Account) -> u32 {
    a.user
        .name
        .as_ref()
        .map_or(0, |n| n.as_str().parse().unwrap())
}

#[test]
fn a_clean_close_records_how_many_users_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = SledStore::open(&db).unwrap();
    let (alice, bob) = (account("alice"), account("bob"));
    store.insert(&alice, &by()).unwrap();
    let twin = Account {
        user: User {
            id: Uuid::now_v7(),
            ..alice.user.clone()
        },
        ..alice.clone()
    };
    let outcomes = store
        .insert_many(
            &[bob.clone(), twin, account("carol")],
            &[true; 3],
            &[],
            &by(),
        )
        .unwrap();
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 2);
    // One user named twice is one user deleted; a dry run deletes none.
    let alice_twice = [
        UserRef::Id(alice.user.id),
        UserRef::Username(alice.user.username.clone()),
    ];
    store
        .delete_many(&[UserRef::Id(bob.user.id)], Deletion::DryRun, &by())
        .unwrap();
    store
        .delete_many(&alice_twice, Deletion::Purge, &by())
        .unwrap();
    drop(store);
    assert_eq!(seal::read(&db).unwrap().users, Some(2));

    // Counted again at a close after writes when the count went stale
    // (here: the log changed behind the seal's back).
    let mut stale = seal::read(&db).unwrap();
    stale.users = Some(7);
    stale.users_log = None;
    seal::write(&db, &stale, true).unwrap();
    let store = SledStore::open(&db).unwrap();
    drop(store);
    assert_eq!(
        seal::read(&db).unwrap().users,
        Some(7),
        "a close that only read counted"
    );
    let store = SledStore::open(&db).unwrap();
    store.insert(&account("dave"), &by()).unwrap();
    drop(store);
    assert_eq!(seal::read(&db).unwrap().users, Some(3));
}

#[test]
fn records_read_lately_never_outlive_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SledStore::open(&dir.path().join("db")).unwrap());
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    let id = UserRef::Id(alice.user.id);
    let by_name = UserRef::Username(Username::parse("alice").unwrap());
    assert_eq!(counter(&store.get(&id).unwrap().unwrap()), 0);
    // Readers keep the record in memory while a writer counts up; each
    // read after a write returns must see that write or a later one.
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (store, id, stop) = (store.clone(), id.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    store.get(&id).unwrap().unwrap();
                }
            })
        })
        .collect();
    for n in 1..=300 {
        store
            .update(
                &id,
                &|a| {
                    let mut next = a.clone();
                    next.user.name = Some(DisplayName::parse(&n.to_string()).unwrap());
                    Ok(next)
                },
                &by(),
            )
            .unwrap();
        assert_eq!(counter(&store.get(&by_name).unwrap().unwrap()), n);
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    store
        .delete_many(std::slice::from_ref(&id), Deletion::Purge, &by())
        .unwrap();
    assert!(store.get(&id).unwrap().is_none(), "a deleted user was read");
    assert!(store.get(&by_name).unwrap().is_none());
}

#[test]
fn a_commit_cut_short_by_shutdown_does_not_stall_later_flushes() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(SledStore::open(&dir.path().join("db")).unwrap());
    for _ in 0..20 {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        for _ in 0..4 {
            let store = store.clone();
            runtime.spawn(async move { store.commit().await });
        }
        drop(runtime);
        let (done, finished) = std::sync::mpsc::channel();
        let store = store.clone();
        std::thread::spawn(move || done.send(store.flush()));
        let flushed = finished.recv_timeout(std::time::Duration::from_secs(10));
        assert!(matches!(flushed, Ok(Ok(()))), "a flush after shutdown hung");
    }
}

crate::store::contract::store_contract!(|| {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&dir.path().join("db")).unwrap());
    Some((Box::new(dir) as Box<dyn std::any::Any>, store))
});

/// `check` reads the recycle bin too: an entry that cannot be read is a
/// problem it names.
#[test]
fn check_names_an_unreadable_bin_entry() {
    let dir = tempfile::TempDir::new().unwrap();
    let store = SledStore::open(&dir.path().join("db")).unwrap();
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    store
        .delete_many(
            &[UserRef::Id(alice.user.id)],
            Deletion::Bin(crate::domain::Timestamp::now()),
            &by(),
        )
        .unwrap();
    assert!(store.check(false).unwrap().problems.is_empty());
    store
        .engine()
        .unwrap()
        .bin
        .insert(uuid::Uuid::now_v7().as_bytes(), &b"garbage"[..])
        .unwrap();
    let report = store.check(false).unwrap();
    let kinds: Vec<&str> = report.problems.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["unreadable_bin_entry"], "{report:?}");
}

/// An update's record is written ahead of its change (see `audit`); a crash
/// between the two leaves the newest record without its change, which the
/// next open drops, and keeps one whose change landed.
#[test]
fn a_record_written_ahead_of_a_change_that_never_landed_is_dropped_at_the_open() {
    use crate::domain::audit::{Action, Event, digest};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = SledStore::open(&db).unwrap();
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    let id = UserRef::Id(alice.user.id);
    let rename = |to: &'static str| {
        move |a: &Account| {
            let mut next = a.clone();
            next.user.name = Some(DisplayName::parse(to).unwrap());
            Ok(next)
        }
    };
    store.update(&id, &rename("Alice"), &by()).unwrap();
    assert_eq!(store.audit_verify().unwrap().records, 2);
    // As a crash would leave it: the record of a change the user record
    // never received, and (in a second run) of one it did.
    let write_ahead = |store: &SledStore, lands: bool| {
        let engine = store.engine().unwrap();
        let mut head = engine.chain();
        let current = engine.users.get(alice.user.id.as_bytes()).unwrap().unwrap();
        let mut next = codec::decode(alice.user.id, &current).unwrap();
        next.user.name = Some(DisplayName::parse("Changed").unwrap());
        let value = codec::encode(&next).unwrap();
        let event = Event::about(&by(), Action::Update, &next);
        let linked = head.link(&event.body());
        let record = audit::value(&linked.hash, Some(&digest(&value)), &event.body());
        engine.audit.insert(audit::key(linked.seq), record).unwrap();
        if lands {
            engine
                .users
                .insert(alice.user.id.as_bytes(), value)
                .unwrap();
        }
        *head = linked;
        engine.db.flush().unwrap();
    };
    write_ahead(&store, false);
    assert_eq!(store.audit_verify().unwrap().records, 3);
    drop(store);
    let store = SledStore::open(&db).unwrap();
    let verdict = store.audit_verify().unwrap();
    assert_eq!((verdict.records, verdict.first_bad), (2, None));
    // The chain goes on from the record kept, and one whose change landed stays.
    write_ahead(&store, true);
    drop(store);
    let store = SledStore::open(&db).unwrap();
    let verdict = store.audit_verify().unwrap();
    assert_eq!((verdict.records, verdict.first_bad), (3, None));
    store.update(&id, &rename("Alice B"), &by()).unwrap();
    let verdict = store.audit_verify().unwrap();
    assert_eq!((verdict.records, verdict.first_bad), (4, None));
    let name = store.get(&id).unwrap().unwrap().user.name.unwrap();
    assert_eq!(name.as_str(), "Alice B");
}

/// A database from before the selection indexes (schema 1) gets them when
/// it opens; an index out of step with the records is named by `check`,
/// and `check --repair` rebuilds it.
#[test]
fn the_selection_indexes_are_built_for_an_old_database_and_checked() {
    use crate::store::Filter;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = SledStore::open(&db).unwrap();
    let mut old = account("oldtimer");
    old.user.created_at = Timestamp::parse("2015-01-01T00:00:00Z").unwrap();
    old.user.last_login_at = Some(Timestamp::parse("2016-01-01T00:00:00Z").unwrap());
    store.insert(&old, &by()).unwrap();
    store.insert(&account("newcomer"), &by()).unwrap();
    drop(store);
    let forget_indexes = |version: Option<u32>| {
        let raw = sled::open(db.join("sled")).unwrap();
        raw.open_tree("irregular").unwrap().clear().unwrap();
        raw.open_tree("logins").unwrap().clear().unwrap();
        if let Some(v) = version {
            raw.insert(SCHEMA_KEY, &v.to_be_bytes()).unwrap();
        }
        raw.flush().unwrap();
    };
    let selected = |store: &SledStore| {
        let before_2017 = Filter {
            created_before: Some(Timestamp::parse("2017-01-01T00:00:00Z").unwrap()),
            ..Filter::default()
        };
        let inactive = Filter {
            inactive_since: Some(Timestamp::parse("2017-01-01T00:00:00Z").unwrap()),
            ..Filter::default()
        };
        [before_2017, inactive].map(|f| {
            store
                .page(&f, None, 10)
                .unwrap()
                .into_iter()
                .map(|a| a.user.username.as_str().to_owned())
                .collect::<Vec<_>>()
        })
    };
    forget_indexes(Some(1));
    let store = SledStore::open(&db).unwrap();
    assert_eq!(selected(&store), [["oldtimer"], ["oldtimer"]]);
    assert!(store.check(false).unwrap().problems.is_empty());
    drop(store);
    forget_indexes(None);
    let store = SledStore::open(&db).unwrap();
    let report = store.check(false).unwrap();
    let kinds: Vec<&str> = report.problems.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["stale_selection_index", "stale_selection_index"]);
    store.check(true).unwrap();
    assert!(store.check(false).unwrap().problems.is_empty());
    assert_eq!(selected(&store), [["oldtimer"], ["oldtimer"]]);
}

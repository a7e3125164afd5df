//! What every backend must do, written against the `Store` trait alone: a
//! backend's tests run the whole suite with `store_contract!(open)`, where
//! `open` makes an empty store (and whatever must live as long as it), or
//! `None` where the backend cannot be tested here.

use std::sync::Arc;

use uuid::Uuid;

use super::{Binned, Deletion, Filter, Purge, Restore, Restored, Store, StoreError, Taken};
use crate::domain::audit::{Action, AuditFilter, Event, Origin};
use crate::domain::{Account, DisplayName, Email, Role, Sort, Timestamp, User, UserRef, Username};

/// Who the contract's writes are recorded as.
pub fn by() -> Origin {
    Origin {
        actor: "contract@test".to_owned(),
        client: None,
        request: "contract".to_owned(),
    }
}

/// Runs every contract test against the stores `$open` makes.
macro_rules! store_contract {
    ($open:expr) => {
        mod contract {
            use super::*;
            use crate::store::contract as c;

            /// The store, and what must live as long as it; `None` when the
            /// backend is not there to test (it said why).
            fn open() -> Option<(Box<dyn std::any::Any>, Arc<dyn crate::store::Store>)> {
                ($open)()
            }

            #[test]
            fn finds_users_by_id_username_and_email_in_any_case() {
                if let Some((_keep, store)) = open() {
                    c::lookups(&*store);
                }
            }
            #[test]
            fn a_username_or_email_is_one_users_alone() {
                if let Some((_keep, store)) = open() {
                    c::uniqueness(&*store);
                }
            }
            #[test]
            fn a_batch_stores_what_takes_nothing_and_says_what_was_taken() {
                if let Some((_keep, store)) = open() {
                    c::batches(&*store);
                }
            }
            #[test]
            fn updates_rename_and_refuse_as_told() {
                if let Some((_keep, store)) = open() {
                    c::updates(&*store);
                }
            }
            #[test]
            fn concurrent_updates_lose_nothing() {
                if let Some((_keep, store)) = open() {
                    c::concurrent_updates(store);
                }
            }
            #[test]
            fn bulk_deletes_resolve_every_name_first() {
                if let Some((_keep, store)) = open() {
                    c::deletes(&*store);
                }
            }
            #[test]
            fn the_recycle_bin_keeps_restores_and_purges() {
                if let Some((_keep, store)) = open() {
                    c::recycle_bin(&*store);
                }
            }
            #[test]
            fn every_change_is_recorded_in_a_verifiable_chain() {
                if let Some((_keep, store)) = open() {
                    c::audit_trail(&*store);
                }
            }
            #[test]
            fn the_audit_trail_is_pruned_from_an_anchor() {
                if let Some((_keep, store)) = open() {
                    c::audit_pruning(&*store);
                }
            }
            #[test]
            fn settings_are_read_and_replaced() {
                if let Some((_keep, store)) = open() {
                    c::settings(&*store);
                }
            }
            #[test]
            fn pages_filter_and_follow_the_cursor() {
                if let Some((_keep, store)) = open() {
                    c::pages(&*store);
                }
            }
            #[test]
            fn sorted_pages_follow_the_order_and_its_cursor() {
                if let Some((_keep, store)) = open() {
                    c::sorted_pages(&*store);
                }
            }
            #[test]
            fn export_lines_carry_every_user_and_hash() {
                if let Some((_keep, store)) = open() {
                    c::export(&*store);
                }
            }
            #[test]
            fn revoked_tokens_and_holders_are_current() {
                if let Some((_keep, store)) = open() {
                    c::tokens(&*store);
                }
            }
            #[test]
            fn clean_up_selections_page_and_count_alike() {
                if let Some((_keep, store)) = open() {
                    c::selections(&*store);
                }
            }
            #[test]
            fn any_json_an_attribute_holds_comes_back_as_it_went_in() {
                if let Some((_keep, store)) = open() {
                    c::odd_values(&*store);
                }
            }
            #[test]
            fn groups_keep_their_members_through_deletes_and_restores() {
                if let Some((_keep, store)) = open() {
                    c::groups(&*store);
                }
            }
            #[test]
            fn api_keys_are_stored_hashed_listed_and_revoked() {
                if let Some((_keep, store)) = open() {
                    c::api_keys(&*store);
                }
            }
            #[test]
            fn health_check_and_durability_answer() {
                if let Some((_keep, store)) = open() {
                    c::upkeep(store);
                }
            }
        }
    };
}
pub(crate) use store_contract;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$J8XifSmYz0bEP+4j6xDOkQ$wzhqIZ8P8+HSoD4U92ViaXg/xNnaaSM2BWfPGps+FYM";

pub fn account(name: &str) -> Account {
    let now = Timestamp::now();
    Account {
        user: User {
            id: Uuid::now_v7(),
            username: Username::parse(name).unwrap(),
            email: Email::parse(&format!("{name}@example.com")).unwrap(),
            name: None,
            role: Role::User,
            blocked: false,
            block_reason: None,
            must_change_password: false,
            attributes: Default::default(),
            created_at: now,
            updated_at: now,
            password_changed_at: now,
            last_login_at: None,
        },
        password_hash: HASH.to_owned(),
        tokens_after: None,
    }
}

fn name(s: &str) -> UserRef {
    UserRef::Username(Username::parse(s).unwrap())
}

fn email(s: &str) -> UserRef {
    UserRef::Email(Email::parse(s).unwrap())
}

fn renamed(a: &Account, to: &str) -> Account {
    let mut next = a.clone();
    next.user.username = Username::parse(to).unwrap();
    next
}

fn counter(a: &Account) -> u32 {
    a.user
        .name
        .as_ref()
        .map_or(0, |n| n.as_str().parse().unwrap())
}

pub fn lookups(store: &dyn Store) {
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    for by in [
        UserRef::Id(alice.user.id),
        name("alice"),
        email("alice@example.com"),
        email("Alice@EXAMPLE.com"),
    ] {
        assert_eq!(store.get(&by).unwrap().as_ref(), Some(&alice), "{by}");
    }
    for missing in [
        UserRef::Id(Uuid::now_v7()),
        name("bob"),
        email("bob@example.com"),
    ] {
        assert!(store.get(&missing).unwrap().is_none(), "{missing}");
    }
}

pub fn uniqueness(store: &dyn Store) {
    store.insert(&account("alice"), &by()).unwrap();
    let same_name = Account {
        user: User {
            email: Email::parse("other@example.com").unwrap(),
            ..account("alice").user
        },
        ..account("alice")
    };
    assert!(matches!(
        store.insert(&same_name, &by()),
        Err(StoreError::Taken(Taken::Username(_)))
    ));
    let mut same_email = account("bob");
    same_email.user.email = Email::parse("ALICE@example.com").unwrap();
    assert!(matches!(
        store.insert(&same_email, &by()),
        Err(StoreError::Taken(Taken::Email(_)))
    ));
    assert!(
        store.get(&name("bob")).unwrap().is_none(),
        "a refused insert was stored"
    );
}

pub fn batches(store: &dyn Store) {
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    let batch = [
        account("bob"),
        account("alice"),
        account("bob"),
        alice.clone(),
        account("carol"),
    ];
    let outcomes = store
        .insert_many(&batch, &[true, true, true, false, true], &[], &by())
        .unwrap();
    assert_eq!(
        outcomes,
        vec![
            Ok(()),
            Err(Taken::Username(Username::parse("alice").unwrap())),
            Err(Taken::Username(Username::parse("bob").unwrap())),
            Err(Taken::Id(alice.user.id)),
            Ok(()),
        ]
    );
    let all = store.page(&Filter::default(), None, 100).unwrap();
    let names: Vec<&str> = all.iter().map(|a| a.user.username.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
}

pub fn updates(store: &dyn Store) {
    let (alice, bob) = (account("alice"), account("bob"));
    store.insert(&alice, &by()).unwrap();
    store.insert(&bob, &by()).unwrap();
    // A rename frees the old name and takes the new one.
    let alicia = store
        .update(&name("alice"), &|a| Ok(renamed(a, "alicia")), &by())
        .unwrap();
    assert_eq!(alicia.user.id, alice.user.id);
    assert!(store.get(&name("alice")).unwrap().is_none());
    assert_eq!(store.get(&name("alicia")).unwrap(), Some(alicia.clone()));
    let mut again = account("alice");
    again.user.email = Email::parse("again@example.com").unwrap();
    store.insert(&again, &by()).unwrap();
    // A name another holds is refused, and nothing changes.
    let taken = store.update(&name("alicia"), &|a| Ok(renamed(a, "bob")), &by());
    assert!(matches!(taken, Err(StoreError::Taken(Taken::Username(_)))));
    assert_eq!(store.get(&name("alicia")).unwrap(), Some(alicia));
    let taken = store.update(
        &name("bob"),
        &|a| {
            let mut next = a.clone();
            next.user.email = Email::parse("Again@example.com").unwrap();
            Ok(next)
        },
        &by(),
    );
    assert!(matches!(taken, Err(StoreError::Taken(Taken::Email(_)))));
    // What the change refuses comes back as it was said.
    let refused = store.update(
        &name("bob"),
        &|_| Err(crate::error::Error::Conflict("not now".to_owned())),
        &by(),
    );
    assert!(
        matches!(refused, Err(StoreError::Refused(_))),
        "{refused:?}"
    );
    // A name given up is not found; nor is a user that never was.
    for gone in [name("carol"), UserRef::Id(Uuid::now_v7())] {
        let found = store.update(&gone, &|a| Ok(a.clone()), &by());
        assert!(matches!(found, Err(StoreError::NotFound(_))), "{found:?}");
    }
}

pub fn concurrent_updates(store: Arc<dyn Store>) {
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    let id = UserRef::Id(alice.user.id);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (store, id) = (store.clone(), id.clone());
            std::thread::spawn(move || {
                for i in 0..50 {
                    // Counts up through the name, and now and then renames
                    // under the others' feet.
                    store
                        .update(
                            &id,
                            &|a| {
                                let mut next = a.clone();
                                next.user.name = Some(
                                    DisplayName::parse(&(counter(a) + 1).to_string()).unwrap(),
                                );
                                if t == 0 && i % 10 == 0 {
                                    next.user.username =
                                        Username::parse(&format!("alice{i}")).unwrap();
                                }
                                Ok(next)
                            },
                            &by(),
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let after = store.get(&id).unwrap().unwrap();
    assert_eq!(counter(&after), 400, "updates were lost");
    assert_eq!(after.user.username.as_str(), "alice40");
    assert_eq!(store.get(&name("alice40")).unwrap(), Some(after));
    assert!(store.get(&name("alice")).unwrap().is_none());
    let report = store.check(false).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

pub fn deletes(store: &dyn Store) {
    let (alice, bob) = (account("alice"), account("bob"));
    store.insert(&alice, &by()).unwrap();
    store.insert(&bob, &by()).unwrap();
    let names = [
        name("alice"),
        email("ALICE@example.com"),
        name("nobody"),
        UserRef::Id(bob.user.id),
    ];
    let dry = store.delete_many(&names, Deletion::DryRun, &by()).unwrap();
    assert_eq!(
        dry,
        vec![
            Some(alice.clone()),
            Some(alice.clone()),
            None,
            Some(bob.clone())
        ]
    );
    assert_eq!(store.get(&name("alice")).unwrap(), Some(alice.clone()));
    let done = store.delete_many(&names, Deletion::Purge, &by()).unwrap();
    assert_eq!(done, dry, "a user named twice is found by both names");
    for gone in [&names[0], &names[1], &names[3]] {
        assert!(store.get(gone).unwrap().is_none(), "{gone}");
    }
    // Their names and emails are free again.
    store.insert(&account("alice"), &by()).unwrap();
    store.insert(&account("bob"), &by()).unwrap();
}

pub fn recycle_bin(store: &dyn Store) {
    let at = |millis: u64| Timestamp::from_unix_millis(millis).unwrap();
    let epoch = at(0);
    let now = Timestamp::now().unix_millis();
    let (alice, bob, carol) = (account("alice"), account("bob"), account("carol"));
    for a in [&alice, &bob, &carol] {
        store.insert(a, &by()).unwrap();
    }
    let deleted_at = at(now - 5000);
    let gone = store
        .delete_many(
            &[name("alice"), email("BOB@example.com")],
            Deletion::Bin(deleted_at),
            &by(),
        )
        .unwrap();
    assert_eq!(gone, vec![Some(alice.clone()), Some(bob.clone())]);
    assert!(store.get(&name("alice")).unwrap().is_none());
    assert!(
        store.holder(alice.user.id).unwrap().is_none(),
        "its tokens die"
    );

    // The bin holds them whole, their tokens dead from the deletion on.
    let binned = store
        .deleted_page(&Filter::default(), epoch, None, 100)
        .unwrap();
    let mut expected = [alice.clone(), bob.clone()];
    expected.sort_by_key(|a| a.user.id);
    let dead = |a: &Account| Account {
        tokens_after: Some(deleted_at),
        ..a.clone()
    };
    assert_eq!(
        binned,
        expected
            .iter()
            .map(|a| Binned {
                account: dead(a),
                deleted_at
            })
            .collect::<Vec<_>>()
    );
    let bobs = Filter {
        search: Some("bob".to_owned()),
        ..Filter::default()
    };
    let found = store.deleted_page(&bobs, epoch, None, 100).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].account.user.id, bob.user.id);
    let first = store
        .deleted_page(&Filter::default(), epoch, None, 1)
        .unwrap();
    let rest = store
        .deleted_page(
            &Filter::default(),
            epoch,
            Some(first[0].account.user.id),
            100,
        )
        .unwrap();
    assert_eq!(first.len() + rest.len(), 2, "the cursor pages on");
    assert_eq!(rest[0].account.user.id, expected[1].user.id);
    // Entries deleted before `since` have expired: never shown.
    let later = at(now - 1000);
    assert!(
        store
            .deleted_page(&Filter::default(), later, None, 100)
            .unwrap()
            .is_empty()
    );

    // Their names are free: another alice takes the username meanwhile.
    let mut alice2 = account("alice");
    alice2.user.email = Email::parse("alice@example.org").unwrap();
    store.insert(&alice2, &by()).unwrap();
    let found = store
        .find_deleted(
            &[
                name("alice"),
                email("Bob@Example.com"),
                UserRef::Id(bob.user.id),
                name("carol"),
            ],
            epoch,
        )
        .unwrap();
    let ids = |f: &[Binned]| f.iter().map(|b| b.account.user.id).collect::<Vec<_>>();
    assert_eq!(ids(&found[0]), vec![alice.user.id]);
    assert_eq!(ids(&found[1]), vec![bob.user.id]);
    assert_eq!(ids(&found[2]), vec![bob.user.id]);
    assert!(found[3].is_empty(), "carol is not deleted");
    assert!(store.find_deleted(&[name("alice")], later).unwrap()[0].is_empty());

    let back = |id, rename: Option<&str>| Restore {
        id,
        rename: rename.map(|n| Username::parse(n).unwrap()),
    };
    assert_eq!(
        store
            .restore(&[back(alice.user.id, None)], epoch, &by())
            .unwrap(),
        vec![Restored::Taken(Taken::Username(
            alice.user.username.clone()
        ))]
    );
    assert_eq!(
        store
            .restore(&[back(bob.user.id, None)], later, &by())
            .unwrap(),
        vec![Restored::Gone],
        "an expired entry does not come back"
    );
    let outcomes = store
        .restore(
            &[
                back(alice.user.id, Some("alice-old")),
                back(bob.user.id, None),
                back(Uuid::now_v7(), None),
            ],
            epoch,
            &by(),
        )
        .unwrap();
    let mut alice_old = dead(&alice);
    alice_old.user.username = Username::parse("alice-old").unwrap();
    assert_eq!(
        outcomes,
        vec![
            Restored::Back(alice_old.clone()),
            Restored::Back(dead(&bob)),
            Restored::Gone
        ]
    );
    assert_eq!(store.get(&name("alice-old")).unwrap(), Some(alice_old));
    assert_eq!(
        store.get(&email("bob@example.com")).unwrap(),
        Some(dead(&bob))
    );
    assert_eq!(
        store
            .restore(&[back(bob.user.id, None)], epoch, &by())
            .unwrap(),
        vec![Restored::Gone],
        "restored once"
    );
    assert!(
        store
            .deleted_page(&Filter::default(), epoch, None, 100)
            .unwrap()
            .is_empty()
    );

    // One name deleted twice: both kept, told apart by id; restored in one
    // batch, the second finds the name taken by the first.
    let eve1 = account("eve");
    store.insert(&eve1, &by()).unwrap();
    store
        .delete_many(&[name("eve")], Deletion::Bin(at(now - 3000)), &by())
        .unwrap();
    let eve2 = account("eve");
    store.insert(&eve2, &by()).unwrap();
    store
        .delete_many(&[name("eve")], Deletion::Bin(at(now - 2000)), &by())
        .unwrap();
    let both = store.find_deleted(&[name("eve")], epoch).unwrap();
    assert_eq!(ids(&both[0]).len(), 2);
    let outcomes = store
        .restore(
            &[back(eve2.user.id, None), back(eve1.user.id, None)],
            epoch,
            &by(),
        )
        .unwrap();
    assert!(matches!(outcomes[0], Restored::Back(ref a) if a.user.id == eve2.user.id));
    assert_eq!(
        outcomes[1],
        Restored::Taken(Taken::Username(eve1.user.username.clone()))
    );

    // Purges: by age, then by id; a purge-delete keeps no copy.
    store
        .delete_many(&[name("carol")], Deletion::Bin(at(now - 1000)), &by())
        .unwrap();
    assert_eq!(
        store.purge(&Purge::Before(at(now - 1500)), &by()).unwrap(),
        1
    );
    let left = store
        .deleted_page(&Filter::default(), epoch, None, 100)
        .unwrap();
    assert_eq!(ids(&left), vec![carol.user.id]);
    assert_eq!(
        store
            .purge(&Purge::Ids(vec![carol.user.id, Uuid::now_v7()]), &by())
            .unwrap(),
        1
    );
    store
        .delete_many(&[name("eve")], Deletion::Purge, &by())
        .unwrap();
    assert!(
        store
            .deleted_page(&Filter::default(), epoch, None, 100)
            .unwrap()
            .is_empty()
    );
    assert!(store.get(&name("eve")).unwrap().is_none());

    // One id live and binned at once (its export imported again): binned
    // anew, the newer copy replaces the older; erased, neither stays.
    let frank = account("frank");
    store.insert(&frank, &by()).unwrap();
    store
        .delete_many(&[name("frank")], Deletion::Bin(at(now - 900)), &by())
        .unwrap();
    let mut again = frank.clone();
    again.user.email = Email::parse("frank@example.org").unwrap();
    store.insert(&again, &by()).unwrap();
    store
        .delete_many(&[name("frank")], Deletion::Bin(at(now - 800)), &by())
        .unwrap();
    let binned = store
        .deleted_page(&Filter::default(), epoch, None, 100)
        .unwrap();
    assert_eq!(binned.len(), 1);
    assert_eq!(binned[0].deleted_at, at(now - 800));
    assert_eq!(binned[0].account.user.email, again.user.email);
    store.insert(&frank, &by()).unwrap();
    store
        .delete_many(&[name("frank")], Deletion::Purge, &by())
        .unwrap();
    let left = store
        .deleted_page(&Filter::default(), epoch, None, 100)
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

pub fn settings(store: &dyn Store) {
    assert_eq!(store.setting("bin_retention").unwrap(), None);
    store.set_setting("bin_retention", "3600", None).unwrap();
    assert_eq!(
        store.setting("bin_retention").unwrap().as_deref(),
        Some("3600")
    );
    store.set_setting("bin_retention", "7200", None).unwrap();
    assert_eq!(
        store.setting("bin_retention").unwrap().as_deref(),
        Some("7200")
    );
    // `settle` leaves a stored setting alone.
    assert_eq!(store.settle("bin_retention", "1").unwrap(), "7200");
}

pub fn pages(store: &dyn Store) {
    let mut made = Vec::new();
    for n in 0..30 {
        let mut a = account(&format!("user{n:02}"));
        a.user.role = if n % 3 == 0 { Role::Admin } else { Role::User };
        a.user.blocked = n % 5 == 0;
        if n == 7 {
            a.user.name = Some(DisplayName::parse("Zoë Example").unwrap());
        }
        store.insert(&a, &by()).unwrap();
        made.push(a);
    }
    let ids = |page: &[Account]| page.iter().map(|a| a.user.id).collect::<Vec<_>>();
    // All of them, in creation order, a page at a time.
    let first = store.page(&Filter::default(), None, 12).unwrap();
    assert_eq!(ids(&first), ids(&made[..12]));
    let rest = store
        .page(&Filter::default(), Some(first[11].user.id), 100)
        .unwrap();
    assert_eq!(ids(&rest), ids(&made[12..]));
    let expect = |f: &dyn Fn(&Account) -> bool| {
        made.iter()
            .filter(|a| f(a))
            .map(|a| a.user.id)
            .collect::<Vec<_>>()
    };
    let admins = Filter {
        role: Some(Role::Admin),
        ..Filter::default()
    };
    assert_eq!(
        ids(&store.page(&admins, None, 100).unwrap()),
        expect(&|a| a.user.role == Role::Admin)
    );
    let blocked_users = Filter {
        role: Some(Role::User),
        blocked: Some(true),
        ..Filter::default()
    };
    assert_eq!(
        ids(&store.page(&blocked_users, None, 100).unwrap()),
        expect(&|a| a.user.role == Role::User && a.user.blocked)
    );
    // Search: in the username, the email and the name, without case.
    for (needle, want) in [
        ("user1", 10),
        ("zoë", 1),
        ("@example.com", 30),
        ("nobody", 0),
    ] {
        let filter = Filter {
            search: Some(needle.to_owned()),
            ..Filter::default()
        };
        assert_eq!(
            store.page(&filter, None, 100).unwrap().len(),
            want,
            "{needle}"
        );
    }
    // A filtered page stops at its limit and goes on after its cursor.
    let some = store.page(&admins, None, 3).unwrap();
    let more = store.page(&admins, Some(some[2].user.id), 100).unwrap();
    assert_eq!(
        [ids(&some), ids(&more)].concat(),
        expect(&|a| a.user.role == Role::Admin)
    );
}

/// Every account `filter` selects in `sort`'s order, read `limit` at a time,
/// each page after the last one's position.
fn sorted_walk(store: &dyn Store, filter: &Filter, sort: &str, limit: usize) -> Vec<Uuid> {
    let sort: Sort = sort.parse().unwrap();
    let (mut ids, mut after) = (Vec::new(), None::<String>);
    loop {
        let page = store
            .sorted_page(filter, sort, after.as_deref(), limit)
            .unwrap();
        ids.extend(page.iter().map(|a| a.user.id));
        match page.last() {
            Some(last) if page.len() == limit => after = Some(sort.position(&last.user)),
            _ => return ids,
        }
    }
}

pub fn sorted_pages(store: &dyn Store) {
    // Usernames and emails ordered neither alike nor as made; emails whose
    // case would order them otherwise (`Z` sorts before `a` as bytes).
    let mut made = Vec::new();
    for (n, (user, mail)) in [
        ("mike", "Zulu"),
        ("alice", "yankee"),
        ("zed", "Alpha"),
        ("bob", "bravo"),
        ("b.o-b", "XRAY"),
        ("bob2", "x"),
        ("a_1", "Mike"),
        ("zz9", "echo"),
        ("carol", "delta"),
    ]
    .iter()
    .enumerate()
    {
        let mut a = account(user);
        a.user.email = Email::parse(&format!("{mail}@example.com")).unwrap();
        a.user.role = if n % 2 == 0 { Role::Admin } else { Role::User };
        store.insert(&a, &by()).unwrap();
        made.push(a);
    }
    let ordered = |f: &dyn Fn(&Account) -> bool, key: &dyn Fn(&Account) -> Vec<u8>, back: bool| {
        let mut chosen: Vec<&Account> = made.iter().filter(|a| f(a)).collect();
        chosen.sort_by_key(|a| key(a));
        if back {
            chosen.reverse();
        }
        chosen.iter().map(|a| a.user.id).collect::<Vec<_>>()
    };
    let username = |a: &Account| a.user.username.as_str().as_bytes().to_vec();
    let email_key = |a: &Account| a.user.email.key().into_bytes();
    let id = |a: &Account| a.user.id.as_bytes().to_vec();
    let everyone = |_: &Account| true;
    let admin = |a: &Account| a.user.role == Role::Admin;
    for limit in [1, 2, 4, 100] {
        let all = Filter::default();
        assert_eq!(
            sorted_walk(store, &all, "username", limit),
            ordered(&everyone, &username, false)
        );
        assert_eq!(
            sorted_walk(store, &all, "-username", limit),
            ordered(&everyone, &username, true)
        );
        assert_eq!(
            sorted_walk(store, &all, "email", limit),
            ordered(&everyone, &email_key, false)
        );
        assert_eq!(
            sorted_walk(store, &all, "-email", limit),
            ordered(&everyone, &email_key, true)
        );
        assert_eq!(
            sorted_walk(store, &all, "-id", limit),
            ordered(&everyone, &id, true)
        );
        assert_eq!(
            sorted_walk(store, &all, "id", limit),
            ordered(&everyone, &id, false)
        );
        let admins = Filter {
            role: Some(Role::Admin),
            ..Filter::default()
        };
        assert_eq!(
            sorted_walk(store, &admins, "-email", limit),
            ordered(&admin, &email_key, true)
        );
    }
    // A position need not be anyone's: it is a place in the order.
    let by_name: Sort = "username".parse().unwrap();
    let after_b = store
        .sorted_page(&Filter::default(), by_name, Some("b"), 100)
        .unwrap();
    assert_eq!(
        after_b.iter().map(|a| a.user.id).collect::<Vec<_>>(),
        ordered(&|a| a.user.username.as_str() > "b", &username, false)
    );
    // A group's members, in each order.
    let ops = group_named("sorters");
    store.insert_group(&ops, &by()).unwrap();
    let joined = ["zed", "b.o-b", "mike", "carol"];
    store
        .change_members(&gref("sorters"), &joined.map(name), true, &by())
        .unwrap();
    let in_ops = |a: &Account| joined.contains(&a.user.username.as_str());
    let members = Filter {
        group: Some(ops.id),
        ..Filter::default()
    };
    for limit in [1, 3, 100] {
        assert_eq!(
            sorted_walk(store, &members, "username", limit),
            ordered(&in_ops, &username, false)
        );
        assert_eq!(
            sorted_walk(store, &members, "-email", limit),
            ordered(&in_ops, &email_key, true)
        );
        assert_eq!(
            sorted_walk(store, &members, "-id", limit),
            ordered(&in_ops, &id, true)
        );
    }
    // A renamed user stands at its new name, once.
    let mut renamed_bob = made[3].clone();
    renamed_bob.user.username = Username::parse("zzz").unwrap();
    store
        .update(
            &UserRef::Id(renamed_bob.user.id),
            &|_| Ok(renamed_bob.clone()),
            &by(),
        )
        .unwrap();
    let walked = sorted_walk(store, &Filter::default(), "-username", 2);
    assert_eq!(walked.first(), Some(&renamed_bob.user.id));
    assert_eq!(walked.len(), made.len());
}

pub fn export(store: &dyn Store) {
    let made: Vec<Account> = (0..25).map(|n| account(&format!("user{n:02}"))).collect();
    for a in &made {
        store.insert(a, &by()).unwrap();
    }
    let mut lines = Vec::new();
    let mut batches = 0;
    let count = store
        .export_lines(10, &mut |buf| {
            batches += 1;
            lines.extend_from_slice(buf);
            buf.clear();
            Ok(())
        })
        .unwrap();
    assert_eq!((count, batches), (25, 3));
    let text = String::from_utf8(lines).unwrap();
    let parsed: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), 25);
    for (line, a) in parsed.iter().zip(&made) {
        assert_eq!(line["id"], a.user.id.to_string());
        assert_eq!(line["username"], a.user.username.as_str());
        assert_eq!(line["password_hash"], HASH);
    }
    // What the batch refuses ends the export.
    let stopped = store.export_lines(10, &mut |_| {
        Err(StoreError::Internal("the reader went away".to_owned()))
    });
    assert!(matches!(stopped, Err(StoreError::Internal(_))));
}

pub fn tokens(store: &dyn Store) {
    assert!(!store.is_revoked("jti-1").unwrap());
    let later = Timestamp::now().unix_seconds() + 3600;
    store
        .revoke("jti-1", later, uuid::Uuid::nil(), &by())
        .unwrap();
    assert!(store.is_revoked("jti-1").unwrap());
    assert!(!store.is_revoked("jti-2").unwrap());

    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    let holder = store.holder(alice.user.id).unwrap().unwrap();
    assert!(!holder.blocked);
    assert_eq!(holder.role, Role::User);
    // A change is seen by the next question, never a stale answer.
    store
        .update(
            &UserRef::Id(alice.user.id),
            &|a| {
                let mut next = a.clone();
                next.user.blocked = true;
                next.user.role = Role::Admin;
                Ok(next)
            },
            &by(),
        )
        .unwrap();
    let holder = store.holder(alice.user.id).unwrap().unwrap();
    assert!(holder.blocked);
    assert_eq!(holder.role, Role::Admin);
    store
        .delete_many(&[UserRef::Id(alice.user.id)], Deletion::Purge, &by())
        .unwrap();
    assert_eq!(store.holder(alice.user.id).unwrap(), None);
}

pub fn upkeep(store: Arc<dyn Store>) {
    store.health().unwrap();
    store.insert(&account("alice"), &by()).unwrap();
    let report = store.check(false).unwrap();
    assert_eq!(report.users, 1);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // Flushes on threads and commits in tasks, all at once, all complete.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            runtime.spawn(async move { store.commit().await })
        })
        .collect();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || store.flush())
        })
        .collect();
    for t in tasks {
        runtime.block_on(t).unwrap().unwrap();
    }
    for t in threads {
        t.join().unwrap().unwrap();
    }
}

pub fn odd_values(store: &dyn Store) {
    let mut a = account("odd");
    let attributes = serde_json::json!({
        "nul": "a\u{0}b", "emoji": "🦀", "nested": {"list": [1, 2.5, null, true]},
        "big": 12345678901234567890u64, "neg": -1.25e-7, "quote": "\"\\"
    });
    a.user.attributes =
        crate::domain::Attributes::parse(attributes.as_object().unwrap().clone()).unwrap();
    store.insert(&a, &by()).unwrap();
    let back = store.get(&UserRef::Id(a.user.id)).unwrap().unwrap();
    assert_eq!(back.user.attributes, a.user.attributes);
    let search = Filter {
        search: Some("o\u{0}d".to_owned()),
        ..Filter::default()
    };
    assert!(store.page(&search, None, 10).unwrap().is_empty());
}

/// The selections a nightly clean-up makes: by last login, creation time,
/// password demand; page and count agree.
pub fn selections(store: &dyn Store) {
    let day = 86_400_000;
    let now = Timestamp::now().unix_millis();
    let at = |days_ago: u64| Timestamp::from_unix_millis(now - days_ago * day).unwrap();
    // (name, created days ago, last login days ago, must change password)
    let people = [
        ("fresh", 1, None, false),
        ("regular", 400, Some(2), false),
        ("lapsed", 400, Some(200), true),
        ("ghost", 300, None, false),
        ("newcomer", 10, None, true),
        // Created as its id says (the others were imported with older
        // creation times).
        ("today", 0, None, false),
    ];
    for (name, created, login, must) in people {
        let mut a = account(name);
        if created > 0 {
            a.user.created_at = at(created);
        }
        a.user.last_login_at = login.map(at);
        a.user.must_change_password = must;
        store.insert(&a, &by()).unwrap();
    }
    // A page at a time, one user a page: the cursor and the id order hold
    // however a backend finds its candidates.
    let names = |filter: &Filter| -> Vec<String> {
        let mut found: Vec<Account> = Vec::new();
        loop {
            let page = store
                .page(filter, found.last().map(|a| a.user.id), 1)
                .unwrap();
            match page.as_slice() {
                [] => break,
                [one] => found.push(one.clone()),
                more => panic!("{} users in a page of one", more.len()),
            }
        }
        assert!(found.windows(2).all(|w| w[0].user.id < w[1].user.id));
        let mut names: Vec<String> = found
            .iter()
            .map(|a| a.user.username.as_str().to_owned())
            .collect();
        names.sort();
        assert_eq!(
            store.count(filter).unwrap(),
            names.len() as u64,
            "{filter:?}"
        );
        names
    };
    let inactive = Filter {
        inactive_since: Some(at(90)),
        ..Filter::default()
    };
    assert_eq!(names(&inactive), ["ghost", "lapsed"]);
    let never = Filter {
        never_logged_in: Some(true),
        ..Filter::default()
    };
    assert_eq!(names(&never), ["fresh", "ghost", "newcomer", "today"]);
    let old = Filter {
        created_before: Some(at(100)),
        ..Filter::default()
    };
    assert_eq!(names(&old), ["ghost", "lapsed", "regular"]);
    let recent = Filter {
        created_after: Some(at(10)),
        ..Filter::default()
    };
    assert_eq!(names(&recent), ["fresh", "newcomer", "today"]);
    let between = Filter {
        created_after: Some(at(350)),
        created_before: Some(at(5)),
        ..Filter::default()
    };
    assert_eq!(names(&between), ["ghost", "newcomer"]);
    let must = Filter {
        must_change_password: Some(true),
        never_logged_in: Some(false),
        ..Filter::default()
    };
    assert_eq!(names(&must), ["lapsed"]);
    assert_eq!(store.count(&Filter::default()).unwrap(), 6);

    // The selections follow what changes: a login, a rename, a delete and
    // a restore.
    let seen_now = |a: &Account| {
        let mut next = a.clone();
        next.user.last_login_at = Some(Timestamp::now());
        Ok(next)
    };
    store.update(&name("ghost"), &seen_now, &by()).unwrap();
    assert_eq!(names(&inactive), ["lapsed"]);
    assert_eq!(names(&never), ["fresh", "newcomer", "today"]);
    let renamed = |a: &Account| {
        let mut next = a.clone();
        next.user.username = Username::parse("newbie").unwrap();
        Ok(next)
    };
    store.update(&name("newcomer"), &renamed, &by()).unwrap();
    assert_eq!(names(&never), ["fresh", "newbie", "today"]);
    assert_eq!(names(&recent), ["fresh", "newbie", "today"]);
    let lapsed = store.get(&name("lapsed")).unwrap().unwrap();
    store
        .delete_many(&[name("lapsed")], Deletion::Bin(Timestamp::now()), &by())
        .unwrap();
    assert!(names(&inactive).is_empty());
    assert_eq!(names(&old), ["ghost", "regular"]);
    let back = Restore {
        id: lapsed.user.id,
        rename: None,
    };
    store.restore(&[back], at(1000), &by()).unwrap();
    assert_eq!(names(&inactive), ["lapsed"]);
    assert_eq!(names(&old), ["ghost", "lapsed", "regular"]);
    // A selection pages on with the cursor, in id order.
    let first = store.page(&never, None, 1).unwrap();
    let rest = store.page(&never, Some(first[0].user.id), 100).unwrap();
    assert_eq!(first.len() + rest.len(), 3);
    assert!(first[0].user.id < rest[0].user.id);
}

/// Every record, as (action, username, details) in order.
fn trail(store: &dyn Store) -> Vec<(Action, Option<String>, serde_json::Value)> {
    store
        .audit_page(&AuditFilter::default(), 0, 10_000)
        .unwrap()
        .into_iter()
        .map(|(_, e)| (e.action, e.username, serde_json::Value::Object(e.details)))
        .collect()
}

pub fn audit_trail(store: &dyn Store) {
    use serde_json::json;
    let (alice, bob, carol) = (account("alice"), account("bob"), account("carol"));
    store.insert(&alice, &by()).unwrap();
    // Only what was stored is recorded: carol takes alice's email.
    let mut twin = carol.clone();
    twin.user.email = alice.user.email.clone();
    let outcomes = store
        .insert_many(&[bob.clone(), twin], &[true, true], &[], &by())
        .unwrap();
    assert!(outcomes[1].is_err());
    let a = UserRef::Id(alice.user.id);
    let change = |f: fn(&mut Account)| {
        move |acct: &Account| {
            let mut next = acct.clone();
            f(&mut next);
            Ok(next)
        }
    };
    store
        .update(
            &a,
            &change(|n| n.user.name = Some(DisplayName::parse("A").unwrap())),
            &by(),
        )
        .unwrap();
    store
        .update(
            &a,
            &change(|n| {
                n.user.blocked = true;
                n.user.block_reason = Some("left".to_owned());
            }),
            &by(),
        )
        .unwrap();
    store
        .update(&a, &change(|n| n.user.blocked = false), &by())
        .unwrap();
    store
        .update(&a, &change(|n| n.user.role = Role::Admin), &by())
        .unwrap();
    store
        .update(&a, &change(|n| n.password_hash = "other".to_owned()), &by())
        .unwrap();
    let own = Origin {
        actor: Origin::user_actor(alice.user.id),
        client: Some("192.0.2.7".to_owned()),
        request: "r1".to_owned(),
    };
    store
        .update(&a, &change(|n| n.password_hash = "mine".to_owned()), &own)
        .unwrap();
    store
        .update(
            &a,
            &change(|n| n.user.last_login_at = Some(Timestamp::now())),
            &own,
        )
        .unwrap();
    // A rename takes the indexes' path; one that changes nothing, and one
    // refused, leave no record.
    store
        .update(&a, &|acct| Ok(renamed(acct, "alicia")), &by())
        .unwrap();
    store.update(&a, &|acct| Ok(acct.clone()), &by()).unwrap();
    store
        .update(&a, &|acct| Ok(renamed(acct, "bob")), &by())
        .unwrap_err();
    store
        .revoke(
            "jti-1",
            Timestamp::now().unix_seconds() + 3600,
            alice.user.id,
            &own,
        )
        .unwrap();
    store
        .set_setting("bin_retention", "86400", Some(&by()))
        .unwrap();
    store.set_setting("bin_swept_at", "1", None).unwrap();
    store
        .record(&Event {
            username: Some("nobody".to_owned()),
            ..Event::new(&by(), Action::LoginFailed)
        })
        .unwrap();
    store
        .delete_many(&[name("bob")], Deletion::DryRun, &by())
        .unwrap();
    store
        .delete_many(
            &[name("bob"), name("alicia")],
            Deletion::Bin(Timestamp::now()),
            &by(),
        )
        .unwrap();
    let restore = Restore {
        id: alice.user.id,
        rename: Some(Username::parse("alice2").unwrap()),
    };
    store
        .restore(&[restore], Timestamp::from_unix_seconds(0), &by())
        .unwrap();
    store.purge(&Purge::Ids(vec![bob.user.id]), &by()).unwrap();
    store
        .delete_many(&[name("alice2")], Deletion::Purge, &by())
        .unwrap();
    let (a, b) = (Some("alice".to_owned()), Some("bob".to_owned()));
    let alicia = Some("alicia".to_owned());
    let none = json!({});
    assert_eq!(
        trail(store),
        vec![
            (Action::Create, a.clone(), none.clone()),
            (Action::Import, b.clone(), none.clone()),
            (Action::Update, a.clone(), json!({"fields": ["name"]})),
            (Action::Block, a.clone(), json!({"reason": "left"})),
            (Action::Unblock, a.clone(), none.clone()),
            (
                Action::Role,
                a.clone(),
                json!({"from": "user", "to": "admin"})
            ),
            (Action::PasswordReset, a.clone(), none.clone()),
            (Action::PasswordChange, a.clone(), none.clone()),
            (Action::Login, a.clone(), none.clone()),
            (
                Action::Update,
                alicia.clone(),
                json!({"fields": ["username"], "previous_username": "alice"})
            ),
            (Action::RevokeToken, None, none.clone()),
            (
                Action::Settings,
                None,
                json!({"name": "bin_retention", "value": "86400"})
            ),
            (Action::LoginFailed, Some("nobody".to_owned()), none.clone()),
            // One record for a bulk change, naming each user.
            (Action::Delete, None, none.clone()),
            (
                Action::Restore,
                Some("alice2".to_owned()),
                json!({"previous_username": "alicia", "username": "alice2"})
            ),
            (Action::Purge, b.clone(), none.clone()),
            (
                Action::Delete,
                Some("alice2".to_owned()),
                json!({"purge": true})
            ),
        ]
    );
    // Who and from where, as given.
    let mine = store
        .audit_page(
            &AuditFilter {
                actors: vec![own.actor.clone()],
                ..AuditFilter::default()
            },
            0,
            100,
        )
        .unwrap();
    assert_eq!(mine.len(), 3);
    assert!(
        mine.iter()
            .all(|(_, e)| e.client.as_deref() == Some("192.0.2.7")
                && e.request == "r1"
                && e.user == Some(alice.user.id))
    );
    // Selections: by user (across renames), by action, a page after a number.
    let about_bob = AuditFilter {
        user: Some(bob.user.id),
        ..AuditFilter::default()
    };
    let actions: Vec<Action> = store
        .audit_page(&about_bob, 0, 100)
        .unwrap()
        .into_iter()
        .map(|(_, e)| e.action)
        .collect();
    assert_eq!(actions, [Action::Import, Action::Delete, Action::Purge]);
    let deletes = AuditFilter {
        actions: vec![Action::Delete, Action::Purge],
        ..AuditFilter::default()
    };
    let page = store.audit_page(&deletes, 0, 2).unwrap();
    assert_eq!(page.len(), 2);
    let rest = store.audit_page(&deletes, page[1].0, 100).unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].0 > page[1].0);
    let future = AuditFilter {
        since: Some(Timestamp::from_unix_seconds(u64::from(u32::MAX))),
        ..AuditFilter::default()
    };
    assert!(store.audit_page(&future, 0, 100).unwrap().is_empty());
    let verdict = store.audit_verify().unwrap();
    assert_eq!(
        (verdict.records, verdict.anchor, verdict.first_bad),
        (17, 0, None)
    );
    assert_eq!(verdict.head_seq, 17);
    let bulk = &store
        .audit_page(
            &AuditFilter {
                actions: vec![Action::Delete],
                ..AuditFilter::default()
            },
            0,
            1,
        )
        .unwrap()[0]
        .1;
    assert_eq!(bulk.users, [bob.user.id, alice.user.id]);
    assert_eq!(bulk.usernames, ["bob", "alicia"]);
    let by_old_name = AuditFilter {
        username: Some("alicia".to_owned()),
        ..AuditFilter::default()
    };
    let actions: Vec<Action> = store
        .audit_page(&by_old_name, 0, 100)
        .unwrap()
        .into_iter()
        .map(|(_, e)| e.action)
        .collect();
    assert_eq!(actions, [Action::Update, Action::Delete]);
    // No secret is recorded.
    let all = serde_json::to_string(
        &store
            .audit_page(&AuditFilter::default(), 0, 100)
            .unwrap()
            .iter()
            .map(|(_, e)| e.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for secret in [HASH, "other", "mine", "jti-1"] {
        assert!(!all.contains(secret), "{secret} in the trail: {all}");
    }
}

pub fn audit_pruning(store: &dyn Store) {
    for n in ["pru1", "pru2", "pru3"] {
        store.insert(&account(n), &by()).unwrap();
    }
    assert_eq!(
        store.audit_prune(Timestamp::from_unix_seconds(0)).unwrap(),
        0
    );
    let later = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 1000).unwrap();
    assert_eq!(store.audit_prune(later).unwrap(), 3);
    let verdict = store.audit_verify().unwrap();
    assert_eq!(
        (
            verdict.records,
            verdict.anchor,
            verdict.head_seq,
            verdict.first_bad
        ),
        (0, 3, 3, None)
    );
    // The chain goes on from the anchor.
    store.insert(&account("pru4"), &by()).unwrap();
    let verdict = store.audit_verify().unwrap();
    assert_eq!(
        (
            verdict.records,
            verdict.anchor,
            verdict.head_seq,
            verdict.first_bad
        ),
        (1, 3, 4, None)
    );
    assert_eq!(
        store.audit_page(&AuditFilter::default(), 0, 10).unwrap()[0].0,
        4
    );
}

fn group_named(name: &str) -> crate::domain::Group {
    crate::domain::Group::new(Username::parse(name).unwrap(), None)
}

fn gref(name: &str) -> crate::domain::GroupRef {
    crate::domain::GroupRef::parse(name).unwrap()
}

/// The usernames of a group's members, a page of `limit` at a time.
fn members(store: &dyn Store, group: Uuid, limit: usize) -> Vec<String> {
    let filter = Filter {
        group: Some(group),
        ..Filter::default()
    };
    let (mut names, mut after) = (Vec::new(), None);
    loop {
        let page = store.page(&filter, after, limit).unwrap();
        names.extend(page.iter().map(|a| a.user.username.to_string()));
        match page.last() {
            Some(last) if page.len() == limit => after = Some(last.user.id),
            _ => return names,
        }
    }
}

pub fn groups(store: &dyn Store) {
    use crate::domain::{GroupPatch, MemberOutcome};
    let users: Vec<Account> = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|n| account(n))
        .collect();
    for u in &users {
        store.insert(u, &by()).unwrap();
    }
    let (alice, bob, carol, dave) = (&users[0], &users[1], &users[2], &users[3]);
    let ops = group_named("ops");
    store.insert_group(&ops, &by()).unwrap();
    // A group's name is unique among groups, not among users.
    assert!(matches!(
        store.insert_group(&group_named("ops"), &by()),
        Err(StoreError::Taken(Taken::GroupName(n))) if n.as_str() == "ops"
    ));
    store.insert_group(&group_named("alice"), &by()).unwrap();
    assert_eq!(store.group(&gref("ops")).unwrap().unwrap(), ops);
    assert_eq!(
        store
            .group(&crate::domain::GroupRef::Id(ops.id))
            .unwrap()
            .unwrap()
            .name
            .as_str(),
        "ops"
    );
    assert_eq!(store.group(&gref("nope")).unwrap(), None);

    // Members by any name, each once; an unknown name is not found.
    std::thread::sleep(std::time::Duration::from_millis(2));
    let (group, outcomes) = store
        .change_members(
            &gref("ops"),
            &[
                name("carol"),
                email("alice@example.com"),
                name("alice"),
                name("zed"),
                UserRef::Id(bob.user.id),
            ],
            true,
            &by(),
        )
        .unwrap();
    assert_eq!(
        outcomes,
        [
            MemberOutcome::Changed(carol.user.id),
            MemberOutcome::Changed(alice.user.id),
            MemberOutcome::Unchanged(alice.user.id),
            MemberOutcome::NotFound,
            MemberOutcome::Changed(bob.user.id),
        ]
    );
    assert_eq!(group.members, 3);
    assert_eq!(store.group(&gref("ops")).unwrap().unwrap().members, 3);
    // A change of members is a change of the group (its SCIM version).
    assert!(group.updated_at > ops.updated_at);
    let unchanged = store
        .change_members(&gref("ops"), &[name("carol")], true, &by())
        .unwrap()
        .0;
    assert_eq!(unchanged.updated_at, group.updated_at, "nothing changed");
    assert_eq!(
        store.group(&gref("ops")).unwrap().unwrap().updated_at,
        group.updated_at
    );
    // In id order, a page of one at a time as of a thousand.
    assert_eq!(members(store, ops.id, 1), ["alice", "bob", "carol"]);
    assert_eq!(members(store, ops.id, 1000), ["alice", "bob", "carol"]);
    let blocked_members = Filter {
        group: Some(ops.id),
        search: Some("bo".to_owned()),
        ..Filter::default()
    };
    assert_eq!(store.count(&blocked_members).unwrap(), 1);
    let names_of = |id: Uuid| -> Vec<String> {
        store
            .groups_of(id)
            .unwrap()
            .iter()
            .map(|g| g.name.to_string())
            .collect()
    };
    store
        .change_members(&gref("alice"), &[name("alice")], true, &by())
        .unwrap();
    assert_eq!(names_of(alice.user.id), ["alice", "ops"]);
    assert!(names_of(dave.user.id).is_empty());

    // Removing: members go, non-members are unchanged.
    let (group, outcomes) = store
        .change_members(&gref("ops"), &[name("carol"), name("dave")], false, &by())
        .unwrap();
    assert_eq!(
        outcomes,
        [
            MemberOutcome::Changed(carol.user.id),
            MemberOutcome::Unchanged(dave.user.id),
        ]
    );
    assert_eq!(group.members, 2);
    assert!(matches!(
        store.change_members(&gref("nope"), &[name("alice")], true, &by()),
        Err(StoreError::GroupNotFound(_))
    ));

    // A deleted user leaves its groups; restored, it is back in them.
    store
        .delete_many(&[name("bob")], Deletion::Bin(Timestamp::now()), &by())
        .unwrap();
    assert_eq!(members(store, ops.id, 10), ["alice"]);
    assert_eq!(store.group(&gref("ops")).unwrap().unwrap().members, 1);
    let restored = store
        .restore(
            &[Restore {
                id: bob.user.id,
                rename: None,
            }],
            Timestamp::from_unix_millis(0).unwrap(),
            &by(),
        )
        .unwrap();
    assert!(matches!(restored[0], Restored::Back(_)));
    assert_eq!(members(store, ops.id, 10), ["alice", "bob"]);
    assert_eq!(names_of(bob.user.id), ["ops"]);
    // Purged, it is gone from them for good; binned and then purged from
    // the bin, its restore has nothing to bring back.
    store
        .delete_many(&[name("alice")], Deletion::Purge, &by())
        .unwrap();
    assert_eq!(members(store, ops.id, 10), ["bob"]);
    assert_eq!(store.group(&gref("alice")).unwrap().unwrap().members, 0);
    store
        .delete_many(&[name("bob")], Deletion::Bin(Timestamp::now()), &by())
        .unwrap();
    store.purge(&Purge::Ids(vec![bob.user.id]), &by()).unwrap();
    assert!(members(store, ops.id, 10).is_empty());

    // A group that went while its member was in the bin is not brought back.
    store
        .change_members(&gref("ops"), &[name("carol")], true, &by())
        .unwrap();
    store
        .delete_many(&[name("carol")], Deletion::Bin(Timestamp::now()), &by())
        .unwrap();
    let gone = store.delete_group(&gref("ops"), &by()).unwrap().unwrap();
    assert_eq!(gone.id, ops.id);
    assert_eq!(store.delete_group(&gref("ops"), &by()).unwrap(), None);
    store
        .restore(
            &[Restore {
                id: carol.user.id,
                rename: None,
            }],
            Timestamp::from_unix_millis(0).unwrap(),
            &by(),
        )
        .unwrap();
    assert!(names_of(carol.user.id).is_empty());

    // Renamed: the old name is free, the new one taken.
    let later = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 10).unwrap();
    store.insert_group(&group_named("devs"), &by()).unwrap();
    let rename = |to: &str| GroupPatch {
        name: Some(Username::parse(to).unwrap()),
        ..GroupPatch::default()
    };
    assert!(matches!(
        store.update_group(&gref("devs"), &rename("alice"), later, &by()),
        Err(StoreError::Taken(Taken::GroupName(_)))
    ));
    let renamed = store
        .update_group(&gref("devs"), &rename("builders"), later, &by())
        .unwrap();
    assert_eq!(renamed.updated_at, later);
    assert_eq!(store.group(&gref("devs")).unwrap(), None);
    // An identity provider's id, kept, changed and forgotten.
    let external = crate::domain::Group {
        external_id: Some("okta-00g1".to_owned()),
        ..group_named("pushed")
    };
    store.insert_group(&external, &by()).unwrap();
    assert_eq!(
        store
            .group(&gref("pushed"))
            .unwrap()
            .unwrap()
            .external_id
            .as_deref(),
        Some("okta-00g1")
    );
    let set = |to: Option<&str>| GroupPatch {
        external_id: Some(to.map(str::to_owned)),
        ..GroupPatch::default()
    };
    let changed = store
        .update_group(&gref("pushed"), &set(Some("okta-00g2")), later, &by())
        .unwrap();
    assert_eq!(changed.external_id.as_deref(), Some("okta-00g2"));
    store
        .update_group(&gref("pushed"), &set(None), later, &by())
        .unwrap();
    assert_eq!(
        store.group(&gref("pushed")).unwrap().unwrap().external_id,
        None
    );
    store.delete_group(&gref("pushed"), &by()).unwrap();
    store.insert_group(&group_named("devs"), &by()).unwrap();
    assert!(matches!(
        store.update_group(&gref("nope"), &rename("x-y-z"), later, &by()),
        Err(StoreError::GroupNotFound(_))
    ));

    // Pages in creation order.
    let all: Vec<String> = store
        .group_page(None, 100)
        .unwrap()
        .iter()
        .map(|g| g.name.to_string())
        .collect();
    assert_eq!(all, ["alice", "builders", "devs"]);
    let first = store.group_page(None, 1).unwrap();
    let next = store.group_page(Some(first[0].id), 1).unwrap();
    assert_eq!(next[0].name.as_str(), "builders");

    // Each change is in the trail, and the chain holds.
    let actions: Vec<Action> = trail(store).iter().map(|t| t.0).collect();
    for a in [
        Action::GroupCreate,
        Action::GroupAdd,
        Action::GroupRemove,
        Action::GroupUpdate,
        Action::GroupDelete,
    ] {
        assert!(actions.contains(&a), "{a} recorded");
    }
    let verdict = store.audit_verify().unwrap();
    assert_eq!(verdict.first_bad, None, "{verdict:?}");
}

pub fn api_keys(store: &dyn Store) {
    use crate::domain::{PresentedKey, StoredKey};
    let alice = account("alice");
    store.insert(&alice, &by()).unwrap();
    let name = |n: &str| Username::parse(n).unwrap();
    let (deploy, text) = StoredKey::generate(name("deploy"), alice.user.id, false, None).unwrap();
    store.insert_key(&deploy, &by()).unwrap();
    let (twin, _) = StoredKey::generate(name("deploy"), alice.user.id, true, None).unwrap();
    assert!(matches!(
        store.insert_key(&twin, &by()),
        Err(StoreError::Taken(Taken::KeyName(n))) if n.as_str() == "deploy"
    ));
    let later = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 3_600_000).unwrap();
    let (reader, _) =
        StoredKey::generate(name("reader"), alice.user.id, true, Some(later)).unwrap();
    store.insert_key(&reader, &by()).unwrap();

    // Found by id, with the hash that matches the key's text alone.
    let found = store.key(deploy.key.id).unwrap().unwrap();
    assert_eq!(found.hash, deploy.hash);
    assert!(found.matches(&PresentedKey::parse(text.expose()).unwrap()));
    assert_eq!(store.key(Uuid::now_v7()).unwrap(), None);

    // Listed in creation order with the user's name; paged.
    let listed = store.key_page(None, 10).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].name.as_str(), "deploy");
    assert_eq!(listed[0].username.as_ref().unwrap().as_str(), "alice");
    assert_eq!(listed[1].expires_at, Some(later));
    assert!(listed[1].read_only);
    let next = store.key_page(Some(listed[0].id), 1).unwrap();
    assert_eq!(next[0].name.as_str(), "reader");

    // Its use is noted.
    let used = Timestamp::now();
    store.touch_key(deploy.key.id, used).unwrap();
    assert_eq!(
        store.key(deploy.key.id).unwrap().unwrap().key.last_used_at,
        Some(used)
    );

    // Revoked: gone at once, and once only.
    let revoked = store.revoke_key(&name("deploy"), &by()).unwrap().unwrap();
    assert_eq!(revoked.id, deploy.key.id);
    assert_eq!(store.key(deploy.key.id).unwrap(), None);
    assert_eq!(store.revoke_key(&name("deploy"), &by()).unwrap(), None);
    store.touch_key(deploy.key.id, used).unwrap();
    assert_eq!(
        store.key(deploy.key.id).unwrap(),
        None,
        "a use does not bring it back"
    );
    // Its name is free again.
    store.insert_key(&twin, &by()).unwrap();

    let actions: Vec<Action> = trail(store).iter().map(|t| t.0).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == Action::KeyCreate).count(),
        3
    );
    assert!(actions.contains(&Action::KeyRevoke));
    let verdict = store.audit_verify().unwrap();
    assert_eq!(verdict.first_bad, None, "{verdict:?}");
}

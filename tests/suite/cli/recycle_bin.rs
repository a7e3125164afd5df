//! The recycle bin from the command line: deleted users listed, restored
//! whole, refused when what they held is taken, purged; and the setting
//! that says how long they are kept.

use super::*;

/// Creates `username` with its own `email` and `PASSWORD`.
fn create_as(test: &Test, username: &str, email: &str) -> Value {
    test.args(["-o", "json", "user", "create", username, "--email", email])
        .arg("--password-stdin")
        .stdin(format!("{PASSWORD}\n"))
        .any_stdout()
        .run()
        .data()
}

fn delete(test: &Test, user: &str) {
    test.args(["-q", "user", "delete", user, "--yes"])
        .any_stdout()
        .run();
}

/// The bin, as `users deleted -o json` lists it.
fn binned(test: &Test) -> Vec<Value> {
    let out = test
        .args(["-o", "json", "users", "deleted"])
        .any_stdout()
        .run()
        .json();
    out["data"].as_array().expect("a list").clone()
}

#[test]
fn a_deleted_user_waits_in_the_bin_and_comes_back_whole() {
    let test = Test::new();
    let alice = test.create_with("alice", &["--name", "Alice A", "--attr", "team=ops"]);
    test.create("bob");
    let id = alice["id"].as_str().unwrap();
    delete(&test, "alice");
    test.assert_gone("alice");
    test.assert_login_refused("alice", PASSWORD);
    assert_eq!(test.usernames(), ["bob"]);

    let bin = binned(&test);
    assert_eq!(bin.len(), 1);
    let mut listed = bin[0].clone();
    let deleted_at = listed
        .as_object_mut()
        .unwrap()
        .remove("deleted_at")
        .expect("when it was deleted");
    assert!(
        seconds_ago(deleted_at.as_str().unwrap()) < 60,
        "{deleted_at}"
    );
    assert_eq!(listed, alice, "the bin holds the user as it was");
    let table = test.args(["users", "deleted"]).any_stdout().run().stdout;
    assert!(table.starts_with("USERNAME"), "{table}");
    assert!(table.contains("alice") && table.contains(id), "{table}");

    test.args(["user", "restore", "alice"])
        .stdout(&format!("restored user alice ({id})\n"))
        .run();
    assert_eq!(
        test.user("alice"),
        alice,
        "id, attributes and times as they were"
    );
    test.assert_login("alice", PASSWORD);
    assert!(binned(&test).is_empty());
    test.args(["users", "deleted"])
        .stderr("no users match\n")
        .run();
    test.args(["user", "restore", "alice"])
        .status(3)
        .stderr("usersctl: error: user alice is not in the recycle bin\n")
        .run();
}

#[test]
fn a_restore_refuses_a_name_or_email_taken_meanwhile_and_renames_on_request() {
    let test = Test::new();
    let alice = test.create("alice");
    let bob = test.create("bob");
    delete(&test, "alice");
    delete(&test, "bob");
    // Their username and email are free for others meanwhile.
    create_as(&test, "alice", "new-alice@example.com");
    create_as(&test, "robert", "bob@example.com");

    test.args(["user", "restore", "alice"])
        .status(4)
        .stderr(
            "usersctl: error: username alice is already taken: restore the user under \
             another username\n",
        )
        .run();
    test.args(["user", "restore", "bob@example.com"])
        .status(4)
        .stderr(
            "usersctl: error: email bob@example.com is already taken: the user holding it \
             must change it before this one can be restored\n",
        )
        .run();
    assert_eq!(
        binned(&test).len(),
        2,
        "a refused restore leaves the bin alone"
    );

    test.args(["user", "restore", "alice", "--rename", "alice-old"])
        .stdout(&format!(
            "restored user alice-old ({})\n",
            alice["id"].as_str().unwrap()
        ))
        .run();
    test.assert_login("alice-old", PASSWORD);
    assert_eq!(test.user("alice-old")["email"], "alice@example.com");
    test.args(["user", "restore", "bob", "--rename", "root"])
        .status(4)
        .stderr("usersctl: error: username root is reserved\n")
        .run();
    test.args(["user", "restore", "bob", "--rename", "-x"])
        .status(2)
        .any_stderr()
        .run();
    test.args(["user", "update", "robert", "--email", "robert@example.com"])
        .any_stdout()
        .run();
    test.args(["-o", "json", "user", "restore", bob["id"].as_str().unwrap()])
        .any_stdout()
        .run();
    assert_eq!(test.user("bob"), bob);
}

#[test]
fn a_name_deleted_twice_is_restored_by_id() {
    let test = Test::new();
    let first = test.create("eve");
    delete(&test, "eve");
    let second = create_as(&test, "eve", "eve2@example.com");
    delete(&test, "eve");
    let (a, b) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );
    test.args(["user", "restore", "eve"])
        .status(4)
        .stderr(&format!(
            "usersctl: error: 2 deleted users are named eve: name the one you mean by id \
             ({a}, {b})\n"
        ))
        .run();
    test.args(["-o", "name", "user", "restore", a])
        .stdout("eve\n")
        .run();
    assert_eq!(test.user("eve"), first);
    assert_eq!(binned(&test).len(), 1);
}

#[test]
fn bulk_deletes_restore_from_a_list_and_report_each_name() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol", "dave"]);
    test.args([
        "-q",
        "users",
        "delete-many",
        "alice",
        "bob",
        "carol",
        "--yes",
    ])
    .any_stdout()
    .run();
    assert_eq!(test.usernames(), ["dave"]);
    create_as(&test, "carol", "carol2@example.com");
    test.args(["users", "restore", "--from", "-"])
        .stdin("alice\nbob@example.com\nbob\ncarol\nghost\n")
        .status(4)
        .stdout(
            "restored\talice\nrestored\tbob@example.com\nnot found\tghost\nrefused\tcarol\t\
             username carol is already taken: restore the user under another username\n\
             duplicate\tbob\n",
        )
        .stderr(
            "restored 2, not found 1, refused 1, duplicates 1\nusersctl: error: 1 of the named \
             users could not be restored (listed above); 2 users restored\n",
        )
        .run();
    // A user restored by an earlier run is no longer in the bin.
    let report = test
        .args(["-o", "json", "users", "restore", "ghost", "alice"])
        .status(3)
        .any_stdout()
        .stderr_has("2 of the named users were not in the recycle bin; 0 users restored")
        .run()
        .data();
    assert_eq!(report["not_found"], json!(["ghost", "alice"]));
    assert_eq!(test.usernames(), ["alice", "bob", "dave", "carol"]);
    test.args(["users", "restore"])
        .status(2)
        .stderr(
            "usersctl: error: no users named: give names as arguments, or with --from FILE \
             (- for stdin)\n",
        )
        .run();
}

#[test]
fn purge_deletes_for_good() {
    let test = Test::new();
    let alice = test.create("alice");
    test.create_many(&["bob", "carol", "dave"]);
    test.args(["user", "delete", "alice", "--purge", "--yes"])
        .stdout(&format!(
            "deleted user alice ({}) for good\n",
            alice["id"].as_str().unwrap()
        ))
        .run();
    assert!(binned(&test).is_empty());
    test.args(["user", "restore", "alice"])
        .status(3)
        .stderr("usersctl: error: user alice is not in the recycle bin\n")
        .run();

    test.args(["-q", "users", "delete-many", "bob", "--purge", "--yes"])
        .any_stdout()
        .run();
    delete(&test, "carol");
    delete(&test, "dave");
    assert_eq!(binned(&test).len(), 2);
    test.args(["user", "purge", "carol"])
        .status(2)
        .stderr("usersctl: error: refusing to delete without --yes: stdin is not a terminal\n")
        .run();
    test.args(["user", "purge", "carol", "--yes"])
        .stdout("purged 1 deleted user for good\n")
        .run();
    test.args(["user", "purge", "carol", "--yes"])
        .status(3)
        .stderr("usersctl: error: user carol is not in the recycle bin\n")
        .run();
    // Nothing was deleted a day ago: the bin keeps dave.
    test.args(["users", "purge", "--older-than", "1d", "--yes"])
        .stdout("purged 0 deleted users for good\n")
        .run();
    test.args(["users", "purge"])
        .status(2)
        .stderr("usersctl: error: refusing to delete without --yes: stdin is not a terminal\n")
        .run();
    test.args(["-o", "json", "users", "purge", "--yes"])
        .stdout("{\n  \"data\": {\n    \"purged\": 1\n  }\n}\n")
        .run();
    assert!(binned(&test).is_empty());
    test.args(["users", "restore", "dave"])
        .status(3)
        .stdout("not found\tdave\n")
        .stderr(
            "restored 0, not found 1, refused 0\nusersctl: error: 1 of the named users was \
             not in the recycle bin; 0 users restored\n",
        )
        .run();
}

#[test]
fn the_bin_lists_with_the_filters_and_paging_of_users_list() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    test.create_with("dana", &["--role", "admin"]);
    test.args([
        "-q",
        "users",
        "delete-many",
        "alice",
        "bob",
        "carol",
        "dana",
        "--yes",
    ])
    .any_stdout()
    .run();
    test.args(["users", "deleted", "--count"])
        .stdout("4\n")
        .run();
    test.args(["users", "deleted", "--count", "--role", "admin"])
        .stdout("1\n")
        .run();
    test.args(["-o", "name", "users", "deleted", "--search", "CAR"])
        .stdout("carol\n")
        .run();
    test.args(["-o", "name", "users", "deleted"])
        .stdout("alice\nbob\ncarol\ndana\n")
        .run();
    let first = test
        .args(["-o", "json", "users", "deleted", "--limit", "3"])
        .any_stdout()
        .run()
        .json();
    assert_eq!(first["data"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    test.args([
        "-o", "name", "users", "deleted", "--limit", "3", "--cursor", cursor,
    ])
    .stdout("dana\n")
    .run();
    test.args(["users", "deleted", "--cursor", "nope"])
        .status(2)
        .stderr("usersctl: error: invalid cursor: is not a cursor this listing returned\n")
        .run();
    // --wide adds the role, status and creation time.
    let wide = test
        .args(["-o", "wide", "users", "deleted", "--no-headers"])
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(wide.lines().count(), 4, "{wide}");
    assert!(
        wide.contains("admin") && !wide.contains("USERNAME"),
        "{wide}"
    );
}

#[test]
fn bin_retention_is_a_setting_of_the_database() {
    let test = Test::new();
    test.args(["settings", "show"])
        .stdout("bin-retention\t30d\naudit-retention\t365d\n")
        .run();
    test.args(["settings", "set", "bin-retention", "2w"])
        .stdout("bin-retention\t14d\naudit-retention\t365d\n")
        .run();
    test.args(["-o", "json", "settings", "show"])
        .stdout("{\n  \"data\": {\n    \"bin_retention\": \"14d\",\n    \"audit_retention\": \"365d\"\n  }\n}\n")
        .run();
    for bad in [
        "0d", "030d", "30", "1.5d", "30m", "1234567d", "soon", "", "3ö",
    ] {
        test.args(["settings", "set", "bin-retention", bad])
            .status(2)
            .stderr(
                "usersctl: error: invalid bin_retention: must be a whole number of up to six \
                 digits and a unit (h, d or w), such as 30d\n",
            )
            .run();
    }
    // The longest there is: some nineteen thousand years.
    test.args(["settings", "set", "bin-retention", "999999w"])
        .stdout("bin-retention\t6999993d\naudit-retention\t365d\n")
        .run();
    test.args(["users", "deleted", "--count"])
        .stdout("0\n")
        .run();
    test.args(["settings", "set", "bin-retention", "14d"])
        .stdout("bin-retention\t14d\naudit-retention\t365d\n")
        .run();
    test.args(["settings", "set", "colour", "blue"])
        .status(2)
        .stderr("usersctl: error: colour is not a setting; there are bin-retention and audit-retention\n")
        .run();
    test.args(["settings", "set", "audit-retention", "90d"])
        .stdout("bin-retention\t14d\naudit-retention\t90d\n")
        .run();
    for bad in ["0d", "90", "1.5w", "forever"] {
        test.args(["settings", "set", "audit-retention", bad])
            .status(2)
            .stderr(
                "usersctl: error: invalid audit_retention: must be a whole number of up to six \
                 digits and a unit (h, d or w), such as 30d\n",
            )
            .run();
    }
    test.args(["settings", "show"])
        .stdout("bin-retention\t14d\naudit-retention\t90d\n")
        .run();
}

/// An entry older than the retention is neither listed nor restored, and
/// the next sweep (hourly at most, after a delete) removes it. The clock
/// is moved with SQL: the embedded database offers no such handle.
#[test]
fn expired_entries_are_invisible_and_swept() {
    let test = Test::new();
    if support::postgres_only("moving the bin's clock takes SQL") {
        return;
    }
    test.create_many(&["alice", "bob"]);
    delete(&test, "alice");
    delete(&test, "bob");
    test.db.sql(
        "UPDATE deleted_users SET deleted_at = now() - interval '31 days' WHERE username = 'alice'",
    );
    test.args(["-o", "name", "users", "deleted"])
        .stdout("bob\n")
        .run();
    test.args(["user", "restore", "alice"])
        .status(3)
        .stderr("usersctl: error: user alice is not in the recycle bin\n")
        .run();
    // A longer retention brings it into view again: nothing has swept it.
    test.args(["-q", "settings", "set", "bin-retention", "60d"])
        .any_stdout()
        .run();
    test.args(["users", "deleted", "--count"])
        .stdout("2\n")
        .run();
    test.args(["-q", "settings", "set", "bin-retention", "30d"])
        .any_stdout()
        .run();
    // The last sweep was over an hour ago: the next delete sweeps.
    test.db
        .sql("UPDATE settings SET value = '0' WHERE name = 'bin_swept_at'");
    test.create_many(&["carol"]);
    delete(&test, "carol");
    let left = test
        .db
        .sql("SELECT username FROM deleted_users ORDER BY username");
    assert_eq!(
        left,
        vec![vec![Some("bob".to_owned())], vec![Some("carol".to_owned())]]
    );
}

/// Seconds from the RFC 3339 instant `t` to now.
fn seconds_ago(t: &str) -> i64 {
    let then = humantime::parse_rfc3339(t).expect("an RFC 3339 time");
    SystemTime::now()
        .duration_since(then)
        .map_or(0, |d| d.as_secs() as i64)
}

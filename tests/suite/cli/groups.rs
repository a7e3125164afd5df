//! Groups from the command line: made, shown, renamed, deleted; members
//! added and removed by any name, in bulk from a file; listed with `users
//! list --group`; through a delete and a restore; in export and import.

use super::*;

/// The hash of some password: members need not log in.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W5u2PHTg5Pi8mYVtVOpfBqzN5Xc1/kHDWTSQu3JWr8o";

fn group(test: &Test, group: &str) -> Value {
    test.args(["-o", "json", "group", "get", group])
        .any_stdout()
        .run()
        .data()
}

fn members(test: &Test, group: &str) -> Vec<String> {
    test.args(["-o", "name", "users", "list", "--group", group])
        .any_stdout()
        .run()
        .stdout
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_group_is_made_filled_renamed_and_deleted() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    let made = test
        .args([
            "-o",
            "json",
            "group",
            "create",
            "Ops",
            "--display-name",
            "Operations",
        ])
        .any_stdout()
        .run()
        .data();
    assert_eq!(made["name"], "ops");
    assert_eq!(made["display_name"], "Operations");
    assert_eq!(made["members"], 0);
    assert_eq!(group(&test, made["id"].as_str().unwrap()), made);
    test.args(["group", "create", "ops"])
        .status(4)
        .stderr("usersctl: error: group name ops is already taken\n")
        .run();

    test.args([
        "group",
        "add",
        "alice",
        "bob@example.com",
        "bob",
        "nobody1",
        "--to",
        "ops",
    ])
    .stdout("added\talice\nadded\tbob@example.com\nalready a member\tbob\nnot found\tnobody1\n")
    .stderr("added 2, already a member 1, not found 1; ops now has 2 members\n")
    .run();
    assert_eq!(members(&test, "ops"), ["alice", "bob"]);
    assert_eq!(group(&test, "ops")["members"], 2);
    let shown = test
        .args(["user", "get", "alice"])
        .any_stdout()
        .run()
        .stdout;
    assert!(
        shown
            .lines()
            .any(|l| l.contains("groups") && l.contains("ops")),
        "{shown}"
    );
    let listed = test.args(["group", "list"]).any_stdout().run().stdout;
    assert_eq!(
        columns(&listed),
        [
            vec!["NAME", "DISPLAY NAME", "MEMBERS"],
            vec!["ops", "Operations", "2"]
        ]
    );

    test.args(["group", "remove", "bob", "carol", "--from", "ops"])
        .stdout("removed\tbob\nnot a member\tcarol\n")
        .any_stderr()
        .run();
    assert_eq!(members(&test, "ops"), ["alice"]);

    let renamed = test
        .args([
            "-o",
            "json",
            "group",
            "update",
            "ops",
            "--name",
            "operators",
            "--display-name",
            "",
        ])
        .any_stdout()
        .run()
        .data();
    assert_eq!(renamed["name"], "operators");
    assert_eq!(renamed["display_name"], Value::Null);
    test.args(["group", "get", "ops"])
        .status(3)
        .stderr("usersctl: error: group ops not found\n")
        .run();
    test.args(["group", "update", "operators"])
        .status(2)
        .stderr("usersctl: error: nothing to change: give --name or --display-name\n")
        .run();

    test.args(["group", "delete", "operators", "--yes"])
        .stdout(&format!(
            "deleted group operators ({}), which had 1 member\n",
            made["id"].as_str().unwrap()
        ))
        .run();
    test.args(["group", "list"]).stderr("no groups\n").run();
    // The members stay, in no group.
    assert_eq!(test.usernames(), ["alice", "bob", "carol"]);
    test.args(["users", "list", "--group", "operators"])
        .status(3)
        .stderr("usersctl: error: group operators not found\n")
        .run();

    let actions: Vec<String> = test
        .args([
            "-o",
            "json",
            "audit",
            "--action",
            "group_create,group_add,group_remove,group_update,group_delete",
        ])
        .any_stdout()
        .run()
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "group_create",
            "group_add",
            "group_remove",
            "group_update",
            "group_delete"
        ]
    );
}

#[test]
fn bad_group_names_and_options_are_refused() {
    let test = Test::new();
    test.create("alice");
    for (name, why) in [
        ("x", "must be 3 to 32 characters long (got 1)"),
        (
            "a b",
            "may only contain a-z, 0-9, '.', '_' and '-' (found ' ')",
        ),
        ("-ops", "must start with a letter or a digit"),
    ] {
        test.args(["group", "create", "--", name])
            .status(2)
            .stderr_has(why)
            .run();
    }
    test.args(["group", "create", "ops", "--display-name", "bad\u{7}"])
        .status(2)
        .stderr_has("control characters")
        .run();
    test.args(["group", "add", "alice", "--to", "nope"])
        .status(3)
        .stderr("usersctl: error: group nope not found\n")
        .run();
    test.args(["group", "create", "ops"]).any_stdout().run();
    test.args(["group", "add", "--to", "ops"])
        .status(2)
        .stderr("usersctl: error: no users named: give names as arguments, or with --users-from FILE (- for stdin)\n")
        .run();
    test.args(["users", "deleted", "--group", "ops"])
        .status(2)
        .stderr_has("the recycle bin is not listed by group")
        .run();
}

#[test]
fn a_deleted_member_comes_back_to_its_groups_and_delete_many_takes_a_group() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol", "dave"]);
    test.args(["-q", "group", "create", "ops"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "create", "devs"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "add", "alice", "bob", "--to", "ops"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "add", "alice", "--to", "devs"])
        .any_stdout()
        .run();

    test.args(["-q", "user", "delete", "alice", "--yes"])
        .any_stdout()
        .run();
    assert_eq!(members(&test, "ops"), ["bob"]);
    assert_eq!(group(&test, "devs")["members"], 0);
    test.args(["-q", "user", "restore", "alice"])
        .any_stdout()
        .run();
    assert_eq!(members(&test, "ops"), ["alice", "bob"]);
    assert_eq!(members(&test, "devs"), ["alice"]);

    test.args(["users", "delete-many", "--group", "ops", "--dry-run"])
        .stdout("would delete\talice\nwould delete\tbob\n")
        .any_stderr()
        .run();
    test.args([
        "users",
        "delete-many",
        "--group",
        "ops",
        "--expect",
        "2",
        "--yes",
    ])
    .any_stdout()
    .any_stderr()
    .run();
    assert_eq!(test.usernames(), ["carol", "dave"]);
    assert!(members(&test, "ops").is_empty());
}

#[test]
fn members_are_added_and_removed_in_bulk_from_a_file() {
    let test = Test::new();
    let names: Vec<String> = (0..2500).map(|i| format!("member{i:04}")).collect();
    let lines: String = names
        .iter()
        .map(|n| format!("{{\"username\":\"{n}\",\"email\":\"{n}@example.com\",\"password_hash\":\"{HASH}\"}}\n"))
        .collect();
    fs::write(test.path("users.jsonl"), lines).unwrap();
    test.args([
        "-q",
        "users",
        "import",
        test.path("users.jsonl").to_str().unwrap(),
    ])
    .any_stdout()
    .run();
    test.args(["-q", "group", "create", "everyone"])
        .any_stdout()
        .run();
    let listed = names.join("\n") + "\n";
    let added = test
        .args([
            "-o",
            "json",
            "group",
            "add",
            "--to",
            "everyone",
            "--users-from",
            "-",
        ])
        .stdin(listed.clone())
        .any_stdout()
        .run()
        .data();
    assert_eq!(added["changed"].as_array().unwrap().len(), 2500);
    assert_eq!(added["group"]["members"], 2500);
    assert_eq!(members(&test, "everyone"), names);
    let page = test
        .args([
            "-o", "json", "users", "list", "--group", "everyone", "--limit", "1000",
        ])
        .any_stdout()
        .run()
        .json();
    assert_eq!(page["data"].as_array().unwrap().len(), 1000);
    assert!(page["next_cursor"].is_string());
    let count = test
        .args([
            "users", "list", "--group", "everyone", "--search", "member1", "--count",
        ])
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(count, "1000\n");
    let removed = test
        .args([
            "-o",
            "json",
            "group",
            "remove",
            "--from",
            "everyone",
            "--users-from",
            "-",
        ])
        .stdin(names[..2000].join("\n"))
        .any_stdout()
        .run()
        .data();
    assert_eq!(removed["group"]["members"], 500);
    assert_eq!(members(&test, "everyone"), names[2000..]);
}

#[test]
fn export_and_import_carry_memberships() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    test.args(["-q", "group", "create", "ops"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "create", "devs"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "add", "alice", "--to", "ops"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "add", "alice", "--to", "devs"])
        .any_stdout()
        .run();
    let export = test.args(["users", "export"]).any_stdout().run().stdout;
    let lines: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["username"], "alice");
    assert_eq!(lines[0]["groups"], json!(["devs", "ops"]));
    assert!(lines[1].get("groups").is_none(), "{}", lines[1]);

    // Into an empty database: the groups are made, the memberships kept.
    let other = test.path("other");
    fs::write(test.path("export.jsonl"), &export).unwrap();
    test.args([
        "-q",
        "users",
        "import",
        test.path("export.jsonl").to_str().unwrap(),
    ])
    .db(&other)
    .any_stdout()
    .run();
    let again = test
        .args(["users", "export"])
        .db(&other)
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(again, export);
    let listed = test
        .args(["-o", "name", "group", "list"])
        .db(&other)
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(listed, "devs\nops\n");

    // A bad group name refuses the line, naming the field.
    test.args(["users", "import", "-"])
        .stdin(format!(
            "{{\"username\":\"zed\",\"email\":\"zed@example.com\",\"password_hash\":\"{HASH}\",\"groups\":[\"no way\"]}}\n"
        ))
        .status(2)
        .stderr_has("groups: group name \"no way\" may only contain")
        .run();
}

//! API keys from the command line: made and shown once, listed without
//! the key, revoked; each bad option refused.

use super::*;

#[test]
fn a_key_is_shown_once_listed_without_it_and_revoked() {
    let test = Test::new();
    test.create("alice");
    let made = test
        .args([
            "key",
            "create",
            "deploy",
            "--user",
            "alice",
            "--expires",
            "90d",
        ])
        .any_stdout()
        .any_stderr()
        .run();
    let line = made.stdout.trim_end();
    let key = line.strip_prefix("key: ").expect("the key on stdout");
    assert!(key.starts_with("usk_") && key.len() == 100, "{line}");
    assert_eq!(made.stdout.lines().count(), 1);
    assert!(
        made.stderr.contains("shown only this once"),
        "{}",
        made.stderr
    );
    let json = test
        .args([
            "-o",
            "json",
            "key",
            "create",
            "reader",
            "--user",
            "alice@example.com",
            "--read-only",
        ])
        .any_stdout()
        .run()
        .data();
    assert!(json["key"].as_str().unwrap().starts_with("usk_"));
    assert_eq!(json["read_only"], true);
    assert_eq!(json["username"], "alice");
    let bare = test
        .args(["-o", "name", "key", "create", "bare", "--user", "alice"])
        .any_stdout()
        .run()
        .stdout;
    assert!(bare.starts_with("usk_") && bare.ends_with('\n') && bare.len() == 101);

    let listed = test.args(["key", "list"]).any_stdout().run().stdout;
    let rows = columns(&listed);
    assert_eq!(
        rows[0],
        ["NAME", "USER", "ACCESS", "CREATED", "EXPIRES", "LAST USED"]
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][..3], ["deploy", "alice", "read-write"]);
    assert_eq!(rows[2][..3], ["reader", "alice", "read-only"]);
    assert_eq!(rows[1][5], "never");
    assert_ne!(rows[1][4], "never", "deploy expires");
    let everything = test
        .args(["-o", "json", "key", "list"])
        .any_stdout()
        .run()
        .stdout;
    for shown in [&listed, &everything] {
        assert!(!shown.contains(&key[4..]), "the key is never shown again");
    }
    assert_eq!(
        test.args(["-o", "name", "key", "list"])
            .any_stdout()
            .run()
            .stdout,
        "deploy\nreader\nbare\n"
    );

    test.args(["key", "revoke", "deploy", "--yes"])
        .stdout_has("revoked API key deploy (")
        .run();
    test.args(["key", "revoke", "deploy", "--yes"])
        .status(3)
        .stderr("usersctl: error: API key deploy not found\n")
        .run();
    let audit = test
        .args(["-o", "json", "audit", "--action", "key_create,key_revoke"])
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(audit.lines().count(), 4);
    assert!(!audit.contains(&key[4..]));
}

#[test]
fn bad_key_options_are_refused() {
    let test = Test::new();
    test.create("alice");
    test.args(["key", "create", "x", "--user", "alice"])
        .status(2)
        .stderr_has("must be 3 to 32 characters long")
        .run();
    test.args(["key", "create", "deploy", "--user", "nobody-here"])
        .status(3)
        .stderr("usersctl: error: user nobody-here not found\n")
        .run();
    test.args([
        "key",
        "create",
        "deploy",
        "--user",
        "alice",
        "--expires",
        "soon",
    ])
    .status(2)
    .any_stderr()
    .run();
    test.args(["key", "create", "deploy"])
        .status(2)
        .stderr_has("--user")
        .run();
    test.args(["-q", "key", "create", "deploy", "--user", "alice"])
        .any_stdout()
        .run();
    test.args(["key", "create", "deploy", "--user", "alice"])
        .status(4)
        .stderr("usersctl: error: an API key named deploy already exists\n")
        .run();
    test.args(["key", "list", "--limit", "0"])
        .status(2)
        .any_stderr()
        .run();
}

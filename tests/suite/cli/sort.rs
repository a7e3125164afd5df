//! `users list --sort`: by id (either way), username or email (without
//! case), paged with cursors in that order, with every filter.

use super::*;

/// Made in the order mike, alice, zed, bob, with emails ordered neither
/// way: by email (without case) zed, bob, alice, mike.
fn four(test: &Test) {
    for (name, email, role) in [
        ("mike", "Zulu@Example.com", "user"),
        ("alice", "yankee@example.com", "admin"),
        ("zed", "alpha@example.com", "admin"),
        ("bob", "Bravo@example.com", "user"),
    ] {
        test.args(["-q", "-o", "name", "user", "create", name, "--email", email])
            .args(["--role", role, "--generate-password"])
            .any_stdout()
            .any_stderr()
            .run();
    }
}

fn listed(test: &Test, args: &[&str]) -> Vec<String> {
    test.args(["-o", "name", "users", "list"])
        .args(args)
        .any_stdout()
        .run()
        .stdout
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn users_list_sorts_by_id_username_or_email_either_way() {
    let test = Test::new();
    four(&test);
    for (sort, expected) in [
        ("id", ["mike", "alice", "zed", "bob"]),
        ("-id", ["bob", "zed", "alice", "mike"]),
        ("username", ["alice", "bob", "mike", "zed"]),
        ("-username", ["zed", "mike", "bob", "alice"]),
        ("email", ["zed", "bob", "alice", "mike"]),
        ("-email", ["mike", "alice", "bob", "zed"]),
    ] {
        assert_eq!(listed(&test, &["--sort", sort]), expected, "--sort {sort}");
    }
    // Without --sort, as always: creation order.
    assert_eq!(listed(&test, &[]), ["mike", "alice", "zed", "bob"]);
}

#[test]
fn a_sorted_list_pages_in_its_order_with_the_position_as_cursor() {
    let test = Test::new();
    four(&test);
    let page = |sort: &str, cursor: Option<&str>| {
        let mut run = test.args([
            "-o", "json", "users", "list", "--limit", "2", "--sort", sort,
        ]);
        if let Some(c) = cursor {
            run = run.args(["--cursor", c]);
        }
        let body = run.any_stdout().run().json();
        (names(&body), body["next_cursor"].clone())
    };
    // By email the cursor is the last one's email without case.
    let (first, cursor) = page("email", None);
    assert_eq!(
        (first, &cursor),
        (
            vec!["zed".into(), "bob".into()],
            &json!("bravo@example.com")
        )
    );
    let (second, end) = page("email", cursor.as_str());
    assert_eq!(
        (second, end),
        (vec!["alice".into(), "mike".into()], Value::Null)
    );
    // Backwards by username, three and one.
    let (first, cursor) = {
        let body = test
            .args([
                "-o",
                "json",
                "users",
                "list",
                "--limit",
                "3",
                "--sort",
                "-username",
            ])
            .any_stdout()
            .run()
            .json();
        (names(&body), body["next_cursor"].clone())
    };
    assert_eq!(
        (first, &cursor),
        (
            vec!["zed".into(), "mike".into(), "bob".into()],
            &json!("bob")
        )
    );
    let (rest, end) = page("-username", cursor.as_str());
    assert_eq!((rest, end), (vec!["alice".into()], Value::Null));
    // Backwards by id: the cursor is an id, as in id order.
    let (first, cursor) = page("-id", None);
    assert_eq!(first, ["bob", "zed"]);
    assert_eq!(cursor, test.user("zed")["id"]);
    assert_eq!(page("-id", cursor.as_str()).0, ["alice", "mike"]);

    // A table says where the next page starts, quoted when a shell would
    // otherwise read it.
    test.args(["users", "list", "--limit", "3", "--sort", "-username"])
        .any_stdout()
        .stderr("more users follow: --cursor bob\n")
        .run();
    test.args(["user", "update", "mike", "--email", "o'hara&co@example.com"])
        .any_stdout()
        .run();
    test.args(["users", "list", "--limit", "2", "--sort", "-email"])
        .any_stdout()
        .stderr("more users follow: --cursor 'o'\\''hara&co@example.com'\n")
        .run();
}

#[test]
fn a_sorted_list_takes_every_filter_and_a_group() {
    let test = Test::new();
    four(&test);
    assert_eq!(
        listed(&test, &["--role", "admin", "--sort", "-username"]),
        ["zed", "alice"]
    );
    assert_eq!(
        listed(&test, &["--role", "user", "--sort", "email"]),
        ["bob", "mike"]
    );
    assert_eq!(
        listed(&test, &["--search", "example.com", "--sort", "-email"]).len(),
        4
    );
    test.args(["-q", "group", "create", "ops"])
        .any_stdout()
        .run();
    test.args(["-q", "group", "add", "mike", "zed", "bob", "--to", "ops"])
        .any_stdout()
        .run();
    assert_eq!(
        listed(&test, &["--group", "ops", "--sort", "username"]),
        ["bob", "mike", "zed"]
    );
    assert_eq!(
        listed(&test, &["--group", "ops", "--sort", "-email"]),
        ["mike", "bob", "zed"]
    );
    assert_eq!(
        listed(
            &test,
            &["--group", "ops", "--role", "user", "--sort", "-id"]
        ),
        ["bob", "mike"]
    );
    // A group's sorted pages: each member once.
    let body = test
        .args([
            "-o", "json", "users", "list", "--group", "ops", "--sort", "email", "--limit", "2",
        ])
        .any_stdout()
        .run()
        .json();
    assert_eq!(names(&body), ["zed", "bob"]);
    let cursor = body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let body = test
        .args([
            "-o", "json", "users", "list", "--group", "ops", "--sort", "email", "--limit", "2",
        ])
        .args(["--cursor", &cursor])
        .any_stdout()
        .run()
        .json();
    assert_eq!(
        (names(&body), body["next_cursor"].clone()),
        (vec!["mike".into()], Value::Null)
    );
    // --count ignores the order.
    test.args([
        "users", "list", "--count", "--role", "admin", "--sort", "-email",
    ])
    .stdout("2\n")
    .run();
}

#[test]
fn an_unknown_order_is_refused_and_the_bin_has_none() {
    let test = Test::new();
    four(&test);
    for bad in ["name", "created", "Username", "--id", "-"] {
        test.args(["users", "list", "--sort", bad])
            .status(2)
            .stderr_has(&format!(
                "invalid value '{bad}' for '--sort <ORDER>': must be id, username or email, \
                 with a - before it for the reverse order (such as -username)"
            ))
            .run();
    }
    test.args(["users", "deleted", "--sort", "username"])
        .status(2)
        .stderr_has("unexpected argument '--sort'")
        .run();
    // By id, a cursor is an id whichever way round.
    test.args(["users", "list", "--sort", "-id", "--cursor", "alice"])
        .status(2)
        .stderr("usersctl: error: invalid cursor: is not a cursor this listing returned\n")
        .run();
}

//! The audit trail from the command line: every change and login recorded
//! with the operator who made it, read with filters, and verified; a record
//! edited, removed or cut off with the database's own tools is named.

use super::*;
use std::collections::HashSet;

/// Every record, as `audit -o json` prints them (one JSON object a line).
fn records(test: &Test, filters: &[&str]) -> Vec<Value> {
    let out = test
        .args(["-o", "json", "audit"])
        .args(filters)
        .any_stdout()
        .run();
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn actions(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect()
}

/// `user@host`, as the operator running the tests is recorded.
fn operator() -> String {
    let user = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    format!(
        "{}@{}",
        String::from_utf8(user.stdout).unwrap().trim(),
        host.trim()
    )
}

#[test]
fn every_change_and_login_is_recorded_with_the_operator_who_made_it() {
    let test = Test::new();
    let alice = test.create("alice");
    let id = alice["id"].as_str().unwrap();
    test.create("bob");
    let quiet = |args: &[&str]| {
        test.args(["-q"]).args(args).any_stdout().run();
    };
    quiet(&[
        "user", "update", "alice", "--name", "Alice A", "--attr", "team=ops",
    ]);
    quiet(&[
        "user",
        "update",
        "alice",
        "--block",
        "--reason",
        "left the company",
    ]);
    quiet(&["user", "update", "alice", "--unblock"]);
    quiet(&["user", "update", "alice", "--role", "admin"]);
    test.args(["-q", "user", "update", "alice", "--password-stdin"])
        .stdin(format!("{NEW_PASSWORD}\n"))
        .any_stdout()
        .run();
    test.assert_login("alice", NEW_PASSWORD);
    test.assert_login_refused("alice", PASSWORD);
    test.assert_login_refused("nobody", PASSWORD);
    quiet(&["user", "delete", "bob", "--yes"]);
    quiet(&["user", "restore", "bob"]);
    quiet(&["settings", "set", "bin-retention", "7d"]);

    let all = records(&test, &[]);
    assert_eq!(
        actions(&all),
        [
            "create",
            "create",
            "update",
            "block",
            "unblock",
            "role",
            "password_reset",
            "login",
            "login_failed",
            "login_failed",
            "delete",
            "restore",
            "settings"
        ]
    );
    let me = operator();
    for (n, r) in all.iter().enumerate() {
        assert_eq!(r["seq"], n + 1, "{r}");
        assert_eq!(r["actor"], me.as_str(), "{r}");
        assert!(r["client"].is_null(), "{r}");
        assert!(r["request"].as_str().is_some_and(|s| s.len() == 32), "{r}");
        assert!(!r.to_string().contains(NEW_PASSWORD) && !r.to_string().contains("argon2"));
    }
    // One request id a command.
    let ids: HashSet<&str> = all.iter().map(|r| r["request"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len());
    assert_eq!(all[2]["user"], id);
    assert_eq!(all[2]["details"], json!({"fields": ["name", "attributes"]}));
    assert_eq!(all[3]["details"], json!({"reason": "left the company"}));
    assert_eq!(all[5]["details"], json!({"from": "user", "to": "admin"}));
    assert_eq!(all[8]["details"], json!({"reason": "wrong password"}));
    assert_eq!(all[9]["username"], "nobody");
    assert_eq!(all[9]["details"], json!({"reason": "no such user"}));

    // Filters, alone and together.
    assert_eq!(
        actions(&records(&test, &["--user", "bob"])),
        ["create", "delete", "restore"]
    );
    assert_eq!(
        actions(&records(
            &test,
            &["--user", "alice@example.com", "--action", "block,unblock"]
        )),
        ["block", "unblock"]
    );
    assert_eq!(
        actions(&records(
            &test,
            &["--action", "login", "--action", "login-failed"]
        )),
        ["login", "login_failed", "login_failed"]
    );
    assert_eq!(records(&test, &["--actor", &me, "--since", "1h"]).len(), 13);
    assert!(records(&test, &["--actor", "someone@else"]).is_empty());
    assert!(records(&test, &["--until", "2020-01-01"]).is_empty());
    test.args(["audit", "--until", "2020-01-01"])
        .stderr("no audit records match\n")
        .run();

    // The table, for people.
    let table = test
        .args(["audit", "--user", "bob"])
        .any_stdout()
        .run()
        .stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].trim_start().starts_with("SEQ  TIME"), "{table}");
    assert!(
        lines[2].contains(" delete ") && lines[2].contains(&me),
        "{table}"
    );

    test.args(["audit", "verify"])
        .stdout_has("the audit trail verifies: 13 records, ending at record 13 (")
        .run();
}

#[test]
fn bad_audit_options_are_refused_with_the_reason() {
    let test = Test::new();
    test.create("alice");
    test.args(["audit", "--since", "yesterday"])
        .status(2)
        .stderr_has("invalid value 'yesterday' for '--since <TIME>': must be a date (2026-01-31), an RFC 3339 time (2026-01-31T12:00:00Z) or an age (90m, 2h, 7d)")
        .run();
    test.args(["audit", "--until", "31/01/2026"])
        .status(2)
        .stderr_has("invalid value '31/01/2026' for '--until <TIME>'")
        .run();
    test.args(["audit", "--action", "explode"])
        .status(2)
        .stderr_has("invalid value 'explode' for '--action <ACTION>': not an audit action (one of create, import, update")
        .run();
    test.args(["audit", "--user", "no such user!"])
        .status(2)
        .stderr_has("invalid value 'no such user!' for '--user <USER>'")
        .run();
    test.args(["audit", "--user", "ghost@example.com"])
        .status(3)
        .stderr(
            "usersctl: error: user ghost@example.com not found (a user purged for good is \
             named by its id or username)\n",
        )
        .run();
    test.args(["audit", "--user", "ghost"])
        .stderr("no audit records match\n")
        .run();
    test.args(["audit", "--follow", "--until", "2030-01-01"])
        .status(2)
        .stderr_has("cannot be used with")
        .run();
    test.args(["audit", "verify", "--user", "alice"])
        .status(2)
        .stderr_has("unexpected argument")
        .run();
}

/// A purged user's records stay, found by its id or the username it had.
#[test]
fn a_purged_users_records_stay_and_are_found_by_its_id() {
    let test = Test::new();
    let alice = test.create("alice");
    let id = alice["id"].as_str().unwrap();
    test.args(["-q", "user", "delete", "alice", "--yes", "--purge"])
        .any_stdout()
        .run();
    assert_eq!(
        actions(&records(&test, &["--user", id])),
        ["create", "delete"]
    );
    assert_eq!(
        records(&test, &["--user", id])[1]["details"],
        json!({"purge": true})
    );
    assert_eq!(
        actions(&records(&test, &["--user", "alice"])),
        ["create", "delete"]
    );
}

/// Opens the embedded database with sled itself, as someone editing it with
/// the database's own tools would.
fn with_sled(test: &Test, edit: impl FnOnce(&sled::Tree)) {
    let dir = test.db.dir().expect("an embedded database");
    let db = sled::open(dir.join("sled")).unwrap();
    edit(&db.open_tree("audit").unwrap());
    db.flush().unwrap();
}

/// A record's body, edited in place: its last occurrence of `from` becomes
/// `to` (of the same length).
fn edited(value: &[u8], from: &str, to: &str) -> Vec<u8> {
    let at = value
        .windows(from.len())
        .rposition(|w| w == from.as_bytes())
        .expect("the text to change");
    let mut v = value.to_vec();
    v[at..at + to.len()].copy_from_slice(to.as_bytes());
    v
}

/// Four records: alice's and bob's creates, an update and bob's delete.
fn four_records() -> Test {
    let test = Test::new();
    test.create("alice");
    test.create("bob");
    test.args(["-q", "user", "update", "alice", "--name", "A"])
        .any_stdout()
        .run();
    test.args(["-q", "user", "delete", "bob", "--yes"])
        .any_stdout()
        .run();
    test.args(["audit", "verify"])
        .stdout_has("the audit trail verifies: 4 records")
        .run();
    test
}

fn refused_at(test: &Test, seq: u64, problem: &str) {
    test.args(["audit", "verify"])
        .status(6)
        .stdout(&format!("record {seq}: {problem}\n"))
        .stderr(&format!(
            "usersctl: error: the audit trail fails verification at record {seq}: {problem}\n"
        ))
        .run();
}

#[test]
fn a_record_edited_with_the_databases_own_tools_is_named() {
    let test = four_records();
    match test.db.dir() {
        Some(_) => with_sled(&test, |audit| {
            let key = 2u64.to_be_bytes();
            let value = audit.get(key).unwrap().unwrap();
            audit.insert(key, edited(&value, "bob", "eve")).unwrap();
        }),
        None => {
            test.db
                .sql("UPDATE audit SET body = replace(body, '\"bob\"', '\"eve\"') WHERE seq = 2");
        }
    }
    refused_at(
        &test,
        2,
        "record 2 does not match its hash: it was changed, or a record before it was",
    );
}

#[test]
fn a_record_removed_with_the_databases_own_tools_is_named() {
    let test = four_records();
    match test.db.dir() {
        Some(_) => with_sled(&test, |audit| {
            audit.remove(3u64.to_be_bytes()).unwrap();
        }),
        None => {
            test.db.sql("DELETE FROM audit WHERE seq = 3");
        }
    }
    refused_at(
        &test,
        3,
        "record 3 is missing (the next is 4): records were removed",
    );
}

#[test]
fn records_swapped_or_cut_off_are_found() {
    let test = four_records();
    match test.db.dir() {
        Some(_) => with_sled(&test, |audit| {
            let (two, three) = (2u64.to_be_bytes(), 3u64.to_be_bytes());
            let (a, b) = (
                audit.get(two).unwrap().unwrap(),
                audit.get(three).unwrap().unwrap(),
            );
            audit.insert(two, b).unwrap();
            audit.insert(three, a).unwrap();
        }),
        None => {
            test.db.sql(
                "UPDATE audit SET seq = CASE seq WHEN 2 THEN -3 ELSE -2 END WHERE seq IN (2, 3);
                 UPDATE audit SET seq = -seq WHERE seq < 0",
            );
        }
    }
    refused_at(
        &test,
        2,
        "record 2 does not match its hash: it was changed, or a record before it was",
    );

    // The newest record removed: the chain ends before the head the
    // database noted.
    let test = four_records();
    match test.db.dir() {
        Some(_) => with_sled(&test, |audit| {
            audit.remove(4u64.to_be_bytes()).unwrap();
        }),
        None => {
            test.db.sql("DELETE FROM audit WHERE seq = 4");
        }
    }
    refused_at(
        &test,
        4,
        "records 4 to 4 are missing: the chain was cut short",
    );
}

/// On PostgreSQL the columns a search uses are held against the sealed body:
/// an actor changed there alone is found too.
#[test]
fn a_search_column_edited_with_sql_is_named() {
    if support::postgres_only("the columns are PostgreSQL's") {
        return;
    }
    let test = four_records();
    test.db
        .sql("UPDATE audit SET actor = 'someone@else' WHERE seq = 3");
    refused_at(
        &test,
        3,
        "record 3's columns do not match its sealed body: it was changed",
    );
}

/// `--follow` prints what is recorded while it runs, and lets the database
/// go between looks, so that other commands still write.
#[test]
fn follow_prints_records_as_they_are_made() {
    let test = Test::new();
    test.create("alice");
    let mut child = test
        .args(["-o", "json", "audit", "--follow"])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let next = || {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a record within 20 s");
        serde_json::from_str::<Value>(&line).unwrap()
    };
    let first = next();
    assert_eq!(
        (first["seq"].as_u64(), first["action"].as_str()),
        (Some(1), Some("create"))
    );
    test.create("bob");
    test.args(["-q", "user", "update", "bob", "--name", "Bob"])
        .any_stdout()
        .run();
    let (second, third) = (next(), next());
    assert_eq!(second["action"], "create");
    assert_eq!(second["username"], "bob");
    assert_eq!(third["action"], "update");
    let _ = child.kill();
    let _ = child.wait();
}

/// Records older than the retention go with the bin's hourly sweep, and the
/// chain still verifies, from the last one pruned. Their age is set with SQL:
/// the embedded database offers no such handle (the store's own contract
/// tests prune on both backends).
#[test]
fn old_records_are_pruned_and_the_chain_verifies_from_the_anchor() {
    let test = Test::new();
    if support::postgres_only("aging records takes SQL") {
        return;
    }
    test.create_many(&["alice", "bob", "carol"]);
    test.args(["-q", "settings", "set", "audit-retention", "30d"])
        .any_stdout()
        .run();
    let records_before = records(&test, &[]).len();
    test.db
        .sql("UPDATE audit SET at = at - interval '40 days' WHERE seq <= 2");
    test.db
        .sql("UPDATE settings SET value = '0' WHERE name = 'bin_swept_at'");
    // A delete sweeps what is due.
    test.args(["-q", "user", "delete", "carol", "--yes"])
        .any_stdout()
        .run();
    let left = records(&test, &[]);
    assert_eq!(left.len(), records_before + 1 - 2);
    assert_eq!(left[0]["seq"], 3);
    test.args(["audit", "verify"])
        .stdout_has(&format!(
            "the audit trail verifies: {} records after the anchor at record 2, ending at record {}",
            left.len(),
            records_before + 1
        ))
        .run();
}

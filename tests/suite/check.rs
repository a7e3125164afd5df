//! `usersctl check` finds a database damaged on purpose, and `--repair`
//! mends what can be mended. The damage is done with sled directly, as a crash
//! or a bug could leave it.

use crate::support;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const PASSWORD: &str = "correct horse battery staple";

fn usersctl(db: &Path, args: &[&str]) -> Output {
    Command::from_std(support::usersctl())
        .arg("--db")
        .arg(db)
        .args(args)
        .write_stdin(format!("{PASSWORD}\n"))
        .output()
        .unwrap()
}

fn create(db: &Path, name: &str) -> String {
    let out = usersctl(
        db,
        &[
            "-o",
            "json",
            "user",
            "create",
            name,
            "--email",
            &format!("{name}@example.com"),
            "--password-stdin",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["data"]["id"].as_str().unwrap().to_owned()
}

fn check(db: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["-o", "json", "check"];
    all.extend_from_slice(args);
    let out = usersctl(db, &all);
    let mut report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{out:?}"));
    (out.status.code().unwrap(), report["data"].take())
}

fn kinds(report: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds
}

/// Opens the database with sled itself, to damage it.
fn with_sled(db: &Path, damage: impl FnOnce(&sled::Db)) {
    let sled = sled::open(db.join("sled")).unwrap();
    damage(&sled);
    sled.flush().unwrap();
}

fn setup() -> (TempDir, std::path::PathBuf, Vec<String>) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("db");
    let ids = ["alice", "bob", "carol"]
        .iter()
        .map(|n| create(&db, n))
        .collect();
    (dir, db, ids)
}

#[test]
fn a_sound_database_checks_clean() {
    let (_dir, db, _) = setup();
    let (code, report) = check(&db, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["users"], 3);
    assert_eq!(kinds(&report), Vec::<String>::new());
}

#[test]
fn missing_and_dangling_index_entries_are_found_and_repaired() {
    let (_dir, db, ids) = setup();
    let bob = uuid::Uuid::parse_str(&ids[1]).unwrap();
    with_sled(&db, |sled| {
        let names = sled.open_tree("by_username").unwrap();
        let emails = sled.open_tree("by_email").unwrap();
        names.remove("alice").unwrap();
        emails.remove("carol@example.com").unwrap();
        // An entry for a user that does not exist, and one naming the wrong user.
        names
            .insert("ghost", uuid::Uuid::now_v7().as_bytes())
            .unwrap();
        emails.insert("alice@example.com", bob.as_bytes()).unwrap();
    });

    let (code, report) = check(&db, &[]);
    assert_eq!(code, 6, "{report}");
    assert_eq!(
        kinds(&report),
        [
            "dangling_email_index",
            "dangling_username_index",
            "missing_email_index",
            "missing_username_index",
            "wrong_email_index",
        ]
    );
    // The damage is visible to users: alice cannot be found by name.
    assert_eq!(
        usersctl(&db, &["user", "get", "alice"]).status.code(),
        Some(3)
    );

    let (code, report) = check(&db, &["--repair"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["repaired"], true);
    let (code, _) = check(&db, &[]);
    assert_eq!(code, 0);
    assert!(usersctl(&db, &["user", "get", "alice"]).status.success());
    assert!(
        usersctl(&db, &["user", "get", "carol@example.com"])
            .status
            .success()
    );
    assert_eq!(
        usersctl(&db, &["user", "get", "ghost"]).status.code(),
        Some(3)
    );
    // And the rebuilt indexes still refuse duplicates.
    let dup = usersctl(
        &db,
        &[
            "user",
            "create",
            "alice",
            "--email",
            "new@example.com",
            "--password-stdin",
        ],
    );
    assert_eq!(dup.status.code(), Some(4));
}

#[test]
fn unreadable_records_and_bad_hashes_are_reported_and_survive_repair() {
    let (_dir, db, ids) = setup();
    let carol = uuid::Uuid::parse_str(&ids[2]).unwrap();
    let bob = uuid::Uuid::parse_str(&ids[1]).unwrap();
    // bob's record is replaced by one in the JSON form earlier builds wrote
    // (still readable), with a hash that cannot be verified.
    let shown = usersctl(&db, &["-o", "json", "user", "get", "bob"]);
    let mut user: Value = serde_json::from_slice(&shown.stdout).unwrap();
    let user = user["data"].take();
    let record = serde_json::json!({ "user": user, "password_hash": "$argon2id$garbage" });
    with_sled(&db, |sled| {
        let users = sled.open_tree("users").unwrap();
        users
            .insert(bob.as_bytes(), serde_json::to_vec(&record).unwrap())
            .unwrap();
        users.insert(carol.as_bytes(), &b"{not json"[..]).unwrap();
    });

    let (code, report) = check(&db, &[]);
    assert_eq!(code, 6);
    assert_eq!(
        kinds(&report),
        [
            "bad_hash",
            "dangling_email_index",
            "dangling_username_index",
            "unreadable_record"
        ]
    );
    let details = report.to_string();
    assert!(
        details.contains(&ids[1]) && details.contains(&ids[2]),
        "{details}"
    );

    let (code, report) = check(&db, &["--repair"]);
    assert_eq!(code, 6, "repair cannot invent a record or a hash");
    assert_eq!(kinds(&report), ["bad_hash", "unreadable_record"]);
    // bob, whose hash is broken, can never log in; alice is untouched.
    let login = |name: &str| {
        usersctl(&db, &["authenticate", name, "--password-stdin"])
            .status
            .code()
    };
    assert_eq!(login("bob"), Some(5));
    assert_eq!(login("alice"), Some(0));
}

#[test]
fn check_runs_in_table_form_with_a_verdict_on_stderr() {
    let (_dir, db, _) = setup();
    let out = usersctl(&db, &["check"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "checked 3 users: sound\n"
    );
    with_sled(&db, |sled| {
        sled.open_tree("by_username")
            .unwrap()
            .remove("bob")
            .unwrap();
    });
    let out = usersctl(&db, &["check"]);
    assert_eq!(out.status.code(), Some(6));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("missing_username_index\tuser "),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("usersctl check --repair"), "{stderr}");
}

/// The ids of a group's members, as `users list --group` shows them.
fn members_of(db: &Path, group: &str) -> Vec<String> {
    let out = usersctl(db, &["-o", "name", "users", "list", "--group", group]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn damaged_groups_and_api_keys_are_found_and_repaired() {
    let (_dir, db, ids) = setup();
    for args in [
        &["group", "create", "ops"][..],
        &["group", "create", "devs"],
        &["group", "add", "alice", "bob", "--to", "ops"],
        &["group", "add", "carol", "--to", "devs"],
        &["key", "create", "svc", "--user", "alice"],
    ] {
        let out = usersctl(&db, args);
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    let (code, report) = check(&db, &[]);
    assert_eq!((code, kinds(&report)), (0, Vec::<String>::new()));
    let (alice, carol) = (
        uuid::Uuid::parse_str(&ids[0]).unwrap(),
        uuid::Uuid::parse_str(&ids[2]).unwrap(),
    );
    with_sled(&db, |sled| {
        let groups = sled.open_tree("groups").unwrap();
        let members = sled.open_tree("members").unwrap();
        let keys = sled.open_tree("keys").unwrap();
        let ops = groups.get(b"nops").unwrap().unwrap();
        // alice's list of groups lost; a member that is no user; ops says
        // it has 7 members; a name for no group; the key's name lost.
        members
            .remove([&[b'u'][..], alice.as_bytes()].concat())
            .unwrap();
        let ghost = uuid::Uuid::now_v7();
        members
            .insert([&[b'g'][..], &ops, ghost.as_bytes()].concat(), &[])
            .unwrap();
        let record_key = [&[b'i'][..], &ops].concat();
        let mut record: Value =
            serde_json::from_slice(&groups.get(&record_key).unwrap().unwrap()).unwrap();
        record["members"] = 7.into();
        groups
            .insert(&record_key, serde_json::to_vec(&record).unwrap())
            .unwrap();
        groups
            .insert(b"nghosts", uuid::Uuid::now_v7().as_bytes())
            .unwrap();
        keys.remove(b"nsvc").unwrap();
        // carol kept for a restore, though she is not in the bin.
        members
            .insert([&[b'b'][..], carol.as_bytes()].concat(), ops.to_vec())
            .unwrap();
    });
    let (code, report) = check(&db, &[]);
    assert_eq!(code, 6, "{report}");
    assert_eq!(
        kinds(&report),
        [
            "dangling_binned_membership",
            "dangling_group_name_index",
            "dangling_membership",
            "missing_api_key_name_index",
            "stale_membership_index",
            "wrong_member_count",
        ]
    );
    let (code, report) = check(&db, &["--repair"]);
    assert_eq!(code, 0, "{report}");
    let (code, report) = check(&db, &[]);
    assert_eq!((code, kinds(&report)), (0, Vec::<String>::new()));
    // What the records said is what there is.
    assert_eq!(members_of(&db, "ops"), ["alice", "bob"]);
    assert_eq!(members_of(&db, "devs"), ["carol"]);
    let out = usersctl(&db, &["-o", "json", "group", "get", "ops"]);
    let ops: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ops["data"]["members"], 2);
    // alice's list of groups is back: a delete takes her out of ops.
    let out = usersctl(&db, &["user", "delete", "alice", "--purge", "-y"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(members_of(&db, "ops"), ["bob"]);
    let (code, report) = check(&db, &[]);
    assert_eq!((code, kinds(&report)), (0, Vec::<String>::new()));
    let out = usersctl(&db, &["key", "revoke", "svc", "-y"]);
    assert!(out.status.success(), "found by its name again: {out:?}");
}

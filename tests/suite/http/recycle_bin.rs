//! The recycle bin and the settings over HTTP: admins list, restore and
//! purge; nobody else may.

use super::*;

fn names_in(data: &Value) -> Vec<String> {
    data.as_array()
        .expect("a list")
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_deleted_user_comes_back_whole_and_its_old_tokens_stay_dead() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create_with(
        &admin,
        "alice",
        json!({"password": PASSWORD, "name": "Alice", "attributes": {"team": "ops"}}),
    );
    server.create(&admin, "bob");
    let old_token = server.login("alice", PASSWORD);
    let alice = server.user(&admin, "alice");
    let bob = server.login("bob", PASSWORD);
    server.delete("/users/alice").token(&admin).send().data(200);
    server
        .get("/users/alice")
        .token(&admin)
        .send()
        .error(404, "not_found");

    let page = server.get("/recycle-bin").token(&admin).send();
    let listed = page.data(200);
    assert_eq!(page.json()["next_cursor"], Value::Null);
    assert_eq!(names_in(&listed), ["alice"]);
    let mut entry = listed[0].clone();
    let deleted_at = entry.as_object_mut().unwrap().remove("deleted_at").unwrap();
    assert!(seconds_from_now(deleted_at.as_str().unwrap()).abs() < 60);
    assert_eq!(entry, alice);
    server.get("/recycle-bin").send().error(401, "unauthorized");
    server
        .get("/recycle-bin")
        .token(&bob)
        .send()
        .error(403, "forbidden");
    server
        .post("/recycle-bin/alice/restore")
        .token(&bob)
        .send()
        .error(403, "forbidden");

    let restored = server
        .post("/recycle-bin/alice/restore")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(restored, alice);
    assert_eq!(server.user(&admin, "alice"), alice);
    // A token from before the delete does not come back with the user.
    server
        .get("/users/alice")
        .token(&old_token)
        .send()
        .error(401, "unauthorized");
    let fresh = server.login("alice", PASSWORD);
    server.get("/users/alice").token(&fresh).send().data(200);
    server
        .post("/recycle-bin/alice/restore")
        .token(&admin)
        .send()
        .error(404, "not_found");
}

#[test]
fn a_restore_refuses_what_is_taken_and_renames_on_request() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let alice = server.create(&admin, "alice");
    server.delete("/users/alice").token(&admin).send().data(200);
    server.create_with(
        &admin,
        "alice",
        json!({"password": PASSWORD, "email": "other@example.com"}),
    );
    let refused = server
        .post("/recycle-bin/alice/restore")
        .token(&admin)
        .send()
        .error(409, "conflict");
    assert_eq!(
        refused["message"],
        "username alice is already taken: restore the user under another username"
    );
    let path = format!("/recycle-bin/{}/restore", id(&alice));
    server
        .post(&path)
        .token(&admin)
        .json(json!({"username": "not a name!"}))
        .send()
        .invalid(&["username"]);
    server
        .post(&path)
        .token(&admin)
        .json(json!({"user": "alice2"}))
        .send()
        .invalid(&["user"]);
    server
        .post(&path)
        .token(&admin)
        .body(Some("text/plain"), "alice2")
        .send()
        .error(415, "unsupported_media_type");
    let back = server
        .post(&path)
        .token(&admin)
        .json(json!({"username": "alice2"}))
        .send()
        .data(200);
    assert_eq!(back["id"], alice["id"]);
    assert_eq!(back["username"], "alice2");
    server.login("alice2", PASSWORD);
    // An empty JSON body is no rename either.
    server
        .delete("/users/alice2")
        .token(&admin)
        .send()
        .data(200);
    server.delete("/users/alice").token(&admin).send().data(200);
    let back = server
        .post(&path)
        .token(&admin)
        .json(json!({}))
        .send()
        .data(200);
    assert_eq!(back["username"], "alice2");
}

#[test]
fn bulk_restore_reports_each_name_and_purges_erase() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for name in ["user1", "user2", "user3", "user4"] {
        server.create_with(&admin, name, json!({"generate_password": true}));
    }
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": ["user1", "user2", "user3"]}))
        .send()
        .data(200);
    let report = server
        .post("/recycle-bin/restore")
        .token(&admin)
        .json(json!({"users": ["user1", "USER2@example.com", "user2", "ghost"]}))
        .send()
        .data(200);
    assert_eq!(
        report,
        json!({
            "restored": ["user1", "USER2@example.com"],
            "not_found": ["ghost"],
            "duplicates": ["user2"],
        })
    );
    for bad in [json!({"users": []}), json!({"users": "user3"}), json!({})] {
        server
            .post("/recycle-bin/restore")
            .token(&admin)
            .json(bad)
            .send()
            .invalid(&["users"]);
    }

    // Erasure: purge=true keeps no copy; a bulk delete takes `purge` too.
    server
        .delete("/users/user1?purge=true")
        .token(&admin)
        .send()
        .data(200);
    server
        .delete("/users/user2?purge=maybe")
        .token(&admin)
        .send()
        .invalid(&["purge"]);
    server
        .delete("/users/user2?force=1")
        .token(&admin)
        .send()
        .invalid(&["force"]);
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": ["user2"], "purge": true}))
        .send()
        .data(200);
    let bin = server.get("/recycle-bin").token(&admin).send().data(200);
    assert_eq!(names_in(&bin), ["user3"]);

    server.delete("/users/user4").token(&admin).send().data(200);
    let purged = server
        .delete("/recycle-bin/user3")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(purged, json!({"purged": 1}));
    server
        .delete("/recycle-bin/user3")
        .token(&admin)
        .send()
        .error(404, "not_found");
    let kept = server
        .delete("/recycle-bin?older_than=1d")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(kept, json!({"purged": 0}));
    // A unit of more than one byte is refused like any other (it once
    // closed the connection instead).
    for bad in ["1x", "%C2%80", "9%C3%B6"] {
        server
            .delete(&format!("/recycle-bin?older_than={bad}"))
            .token(&admin)
            .send()
            .invalid(&["older_than"]);
        server
            .get(&format!("/users?inactive_for={bad}"))
            .token(&admin)
            .send()
            .invalid(&["inactive_for"]);
    }
    let all = server.delete("/recycle-bin").token(&admin).send().data(200);
    assert_eq!(all, json!({"purged": 1}));
    let bin = server.get("/recycle-bin").token(&admin).send().data(200);
    assert_eq!(bin, json!([]));
}

#[test]
fn the_bin_pages_and_filters_as_the_users_do() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let names: Vec<String> = (1..=5).map(|n| format!("user{n}")).collect();
    for name in &names {
        server.create_with(&admin, name, json!({"generate_password": true}));
    }
    server
        .delete("/users")
        .token(&admin)
        .json(json!({"users": names}))
        .send()
        .data(200);
    let first = server
        .get("/recycle-bin?limit=2")
        .token(&admin)
        .send()
        .json();
    assert_eq!(names_in(&first["data"]), ["user1", "user2"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let next = server
        .get(&format!("/recycle-bin?limit=10&cursor={cursor}"))
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(names_in(&next), ["user3", "user4", "user5"]);
    let found = server
        .get("/recycle-bin?search=USER4")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(names_in(&found), ["user4"]);
    server
        .get("/recycle-bin?limit=0&colour=red")
        .token(&admin)
        .send()
        .invalid(&["limit", "colour"]);
}

#[test]
fn settings_are_read_and_changed_by_admins() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "bob");
    let bob = server.login("bob", PASSWORD);
    let shown = server.get("/settings").token(&admin).send().data(200);
    assert_eq!(
        shown,
        json!({"bin_retention": "30d", "audit_retention": "365d"})
    );
    let changed = server
        .patch("/settings")
        .token(&admin)
        .json(json!({"bin_retention": "48h"}))
        .send()
        .data(200);
    assert_eq!(
        changed,
        json!({"bin_retention": "2d", "audit_retention": "365d"})
    );
    for bad in [
        json!({"bin_retention": "0d"}),
        json!({"bin_retention": 7}),
        json!({"bin_retention": "ö&Ê"}),
    ] {
        server
            .patch("/settings")
            .token(&admin)
            .json(bad)
            .send()
            .invalid(&["bin_retention"]);
    }
    server
        .patch("/settings")
        .token(&admin)
        .json(json!({"retention": "7d"}))
        .send()
        .invalid(&["retention"]);
    server
        .get("/settings")
        .token(&bob)
        .send()
        .error(403, "forbidden");
    server
        .patch("/settings")
        .token(&bob)
        .json(json!({"bin_retention": "1h"}))
        .send()
        .error(403, "forbidden");
    // One bad value of two: neither changes.
    server
        .patch("/settings")
        .token(&admin)
        .json(json!({"bin_retention": "9d", "audit_retention": "1y"}))
        .send()
        .invalid(&["audit_retention"]);
    let shown = server.get("/settings").token(&admin).send().data(200);
    assert_eq!(
        shown,
        json!({"bin_retention": "2d", "audit_retention": "365d"})
    );
    let changed = server
        .patch("/settings")
        .token(&admin)
        .json(json!({"bin_retention": "7d", "audit_retention": "52w"}))
        .send()
        .data(200);
    assert_eq!(
        changed,
        json!({"bin_retention": "7d", "audit_retention": "364d"})
    );
}

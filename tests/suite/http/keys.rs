//! API keys over HTTP: made by admins, shown once, acting as their user,
//! read-only when so made, and dead at once when revoked, expired, or their
//! user blocked or deleted.

use super::*;

/// Makes a key named `name` for `user` with the fields of `extra`; its text.
fn make_key(server: &Server, admin: &str, name: &str, user: &str, extra: Value) -> String {
    let mut body = json!({"name": name, "user": user});
    merge(&mut body, extra);
    let made = server
        .post("/keys")
        .token(admin)
        .json(body)
        .send()
        .data(201);
    assert_eq!(made["name"], name);
    made["key"].as_str().expect("the key, once").to_owned()
}

#[test]
fn a_key_acts_as_its_user_until_it_is_revoked() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create(&admin, "bob");
    let made = server
        .post("/keys")
        .token(&admin)
        .json(json!({"name": "deploy", "user": "alice"}))
        .send()
        .data(201);
    let key = made["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("usk_") && key.len() == 100, "{key}");
    assert_eq!(made["username"], "alice");
    assert_eq!(made["read_only"], false);
    assert_eq!(made["expires_at"], Value::Null);

    // As alice: its own account, not another's, not an admin's work.
    assert_eq!(
        server.get("/users/alice").token(&key).send().data(200)["username"],
        "alice"
    );
    let renamed = server
        .patch("/users/alice")
        .token(&key)
        .json(json!({"name": "Alice by key"}))
        .send()
        .data(200);
    assert_eq!(renamed["name"], "Alice by key");
    server
        .patch("/users/bob")
        .token(&key)
        .json(json!({"name": "Bob"}))
        .send()
        .error(403, "forbidden");
    server
        .get("/keys")
        .token(&key)
        .send()
        .error(403, "forbidden");
    // A key does not log out; it is revoked.
    server
        .post("/logout")
        .token(&key)
        .send()
        .error(400, "invalid_input");

    // Listed without the key, with the user and when it was last used.
    let page = server.get("/keys").token(&admin).send();
    let listed = page.data(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "deploy");
    assert_eq!(listed[0]["username"], "alice");
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(
        !page.text().contains(&key[4..]),
        "the key is never shown again"
    );
    assert!(listed[0].get("key").is_none() && listed[0].get("hash").is_none());

    let gone = server.delete("/keys/deploy").token(&admin).send().data(200);
    assert_eq!(gone["name"], "deploy");
    let refused = server
        .get("/users/alice")
        .token(&key)
        .send()
        .error(401, "unauthorized");
    assert!(
        refused["message"].as_str().unwrap().contains("revoked"),
        "{refused}"
    );
    server
        .delete("/keys/deploy")
        .token(&admin)
        .send()
        .error(404, "not_found");
    assert!(!server.log().contains(&key[4..]), "a key is never logged");
    let trail = server
        .get("/audit?action=key_create,key_revoke")
        .token(&admin)
        .send()
        .data(200);
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["key_create", "key_revoke"]);
    assert!(!trail.to_string().contains(&key[4..]));
}

#[test]
fn a_read_only_key_reads_and_an_expired_one_does_nothing() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let reader = make_key(
        &server,
        &admin,
        "reader",
        "alice",
        json!({"read_only": true}),
    );
    server.get("/users").token(&reader).send().data(200);
    let refused = server
        .patch("/users/alice")
        .token(&reader)
        .json(json!({"name": "x"}))
        .send()
        .error(403, "forbidden");
    assert!(refused["message"].as_str().unwrap().contains("read-only"));
    server
        .delete("/users/alice")
        .token(&reader)
        .send()
        .error(403, "forbidden");

    let brief = make_key(
        &server,
        &admin,
        "brief",
        "alice",
        json!({"expires_in": "1s"}),
    );
    server.get("/users/alice").token(&brief).send().data(200);
    std::thread::sleep(Duration::from_millis(1100));
    let expired = server
        .get("/users/alice")
        .token(&brief)
        .send()
        .error(401, "unauthorized");
    assert!(expired["message"].as_str().unwrap().contains("expired"));

    // A key that is no key, or a real id with a wrong secret.
    let forged = format!("{}{}", &reader[..36], "0".repeat(64));
    for bad in ["usk_nope", forged.as_str()] {
        server
            .get("/users")
            .token(bad)
            .send()
            .error(401, "unauthorized");
    }
}

#[test]
fn a_key_dies_with_its_user_blocked_or_deleted() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create(&admin, "bob");
    let alices = make_key(&server, &admin, "alices", "alice", json!({}));
    let bobs = make_key(&server, &admin, "bobs", "bob", json!({}));
    server
        .patch("/users/alice")
        .token(&admin)
        .json(json!({"blocked": true}))
        .send()
        .data(200);
    server
        .get("/users")
        .token(&alices)
        .send()
        .error(403, "forbidden");
    server
        .patch("/users/alice")
        .token(&admin)
        .json(json!({"blocked": false}))
        .send()
        .data(200);
    // Unblocked, the key made before stays dead, as tokens do.
    server
        .get("/users")
        .token(&alices)
        .send()
        .error(401, "unauthorized");
    let fresh = make_key(&server, &admin, "alices-new", "alice", json!({}));
    server.get("/users").token(&fresh).send().data(200);

    server.delete("/users/bob").token(&admin).send().data(200);
    server
        .get("/users")
        .token(&bobs)
        .send()
        .error(401, "unauthorized");
    server
        .post("/recycle-bin/bob/restore")
        .token(&admin)
        .send()
        .data(200);
    server
        .get("/users")
        .token(&bobs)
        .send()
        .error(401, "unauthorized");
}

#[test]
fn only_admins_make_keys_and_bad_bodies_are_named() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let alice = server.login("alice", PASSWORD);
    server
        .post("/keys")
        .token(&alice)
        .json(json!({"name": "mine", "user": "alice"}))
        .send()
        .error(403, "forbidden");
    server.get("/keys").send().error(401, "unauthorized");
    for (body, field) in [
        (json!({"user": "alice"}), "name"),
        (json!({"name": "x", "user": "alice"}), "name"),
        (json!({"name": "ok-name"}), "user"),
        (
            json!({"name": "ok-name", "user": "alice", "expires_in": "soon"}),
            "expires_in",
        ),
        (
            json!({"name": "ok-name", "user": "alice", "read_only": "yes"}),
            "read_only",
        ),
        (
            json!({"name": "ok-name", "user": "alice", "key": "usk_mine"}),
            "key",
        ),
    ] {
        let error = server
            .post("/keys")
            .token(&admin)
            .json(body.clone())
            .send()
            .error(400, "invalid_input");
        assert_eq!(error["details"][0]["field"], field, "{body}");
    }
    // A user no one has, or that no one could have (too short, or with
    // characters no name takes): not found, as in a path.
    for user in ["nobody-at-all", "0", "no such!"] {
        server
            .post("/keys")
            .token(&admin)
            .json(json!({"name": "ok-name", "user": user}))
            .send()
            .error(404, "not_found");
    }
    make_key(&server, &admin, "taken", "alice", json!({}));
    server
        .post("/keys")
        .token(&admin)
        .json(json!({"name": "taken", "user": "alice"}))
        .send()
        .error(409, "conflict");
    for query in ["limit=0", "cursor=nope", "x=1"] {
        server
            .get(&format!("/keys?{query}"))
            .token(&admin)
            .send()
            .error(400, "invalid_input");
    }
}

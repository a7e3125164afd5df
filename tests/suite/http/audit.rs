//! The audit trail over HTTP: what requests change is recorded with the
//! token's user, the client's address and the request id; admins read it a
//! page at a time and verify it; nobody else may.

use super::*;

/// Every record through `GET /audit` pages of `limit`, with `query` added.
fn trail(server: &Server, token: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut records = Vec::new();
    let mut after = 0;
    loop {
        let reply = server
            .get(&format!("/audit?limit={limit}&after={after}{query}"))
            .token(token)
            .send();
        let page = reply.data(200);
        let page = page.as_array().expect("a list").clone();
        assert!(page.len() <= limit);
        records.extend(page);
        match reply.json()["next_after"].as_u64() {
            Some(next) => after = next,
            None => return records,
        }
    }
}

fn actions(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect()
}

#[test]
fn requests_are_recorded_with_the_token_user_the_client_and_the_request_id() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    let admin_id = id(&server.user(&admin, ADMIN));
    let bob = server.create(&admin, "bob");
    let bob_id = id(&bob);
    let reply = server
        .patch("/users/bob")
        .token(&admin)
        .header("X-Request-Id", "ticket-4711")
        .json(json!({"blocked": true, "block_reason": "on leave"}))
        .send();
    reply.data(200);
    assert_eq!(reply.header("x-request-id"), Some("ticket-4711"));
    let reply = server
        .patch("/users/bob")
        .token(&admin)
        .json(json!({"blocked": false}))
        .send();
    reply.data(200);
    let generated = reply.header("x-request-id").unwrap().to_owned();
    server
        .post("/authenticate")
        .json(json!({"username": "bob", "password": "not-his-password"}))
        .send()
        .error(401, "invalid_credentials");
    let token = server.login("bob", PASSWORD);
    server
        .patch("/users/bob")
        .token(&token)
        .json(json!({"password": NEW_PASSWORD, "current_password": PASSWORD}))
        .send()
        .data(200);
    let token = server.login("bob", NEW_PASSWORD);
    server.post("/logout").token(&token).send().data(200);
    server.delete("/users/bob").token(&admin).send().data(200);

    let all = trail(&server, &admin, "", 2);
    let ours: Vec<&Value> = all
        .iter()
        .filter(|r| r["user"] == bob_id.as_str())
        .collect();
    assert_eq!(
        ours.iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "create",
            "block",
            "unblock",
            "login_failed",
            "login",
            "password_change",
            "login",
            "revoke_token",
            "delete"
        ]
    );
    let by_admin = format!("user:{admin_id}");
    let by_bob = format!("user:{bob_id}");
    let expected_actors = [
        &by_admin,
        &by_admin,
        &by_admin,
        "anonymous",
        "anonymous",
        &by_bob,
        "anonymous",
        &by_bob,
        &by_admin,
    ];
    for (r, actor) in ours.iter().zip(expected_actors) {
        assert_eq!(r["actor"], actor, "{r}");
        assert_eq!(r["client"], "127.0.0.1", "{r}");
    }
    assert_eq!(ours[1]["request"], "ticket-4711");
    assert_eq!(ours[1]["details"], json!({"reason": "on leave"}));
    assert_eq!(ours[2]["request"], generated.as_str());
    assert_eq!(ours[3]["details"], json!({"reason": "wrong password"}));
    let text = serde_json::to_string(&all).unwrap();
    for secret in [PASSWORD, NEW_PASSWORD, "not-his-password", "argon2", &token] {
        assert!(!text.contains(secret), "{secret} in the trail");
    }

    // Filters: a user, actions, an actor named by its username, instants.
    // Bob is in the bin: named by what he had there, or by his id.
    let about_bob = trail(&server, &admin, "&user=bob%40example.com", 100);
    assert_eq!(about_bob.len(), 9);
    let about_bob = trail(&server, &admin, &format!("&user={bob_id}"), 100);
    assert_eq!(about_bob.len(), 9);
    let logins = trail(&server, &admin, "&action=login,login_failed", 100);
    assert_eq!(
        actions(&logins),
        ["login", "login_failed", "login", "login"]
    );
    let bobs = trail(&server, &admin, &format!("&actor=user%3A{bob_id}"), 100);
    assert_eq!(actions(&bobs), ["password_change", "revoke_token"]);
    let admins = trail(&server, &admin, "&actor=admin", 100);
    assert_eq!(
        actions(&admins),
        ["create", "block", "unblock", "delete"],
        "the admin's token, named by its username"
    );
    assert!(trail(&server, &admin, "&until=2020-01-01T00:00:00Z", 100).is_empty());
    assert_eq!(
        trail(&server, &admin, "&since=2020-01-01T00:00:00Z", 100).len(),
        all.len()
    );

    let verdict = server.get("/audit/verify").token(&admin).send().data(200);
    assert_eq!(verdict["records"], all.len());
    assert_eq!(verdict["head_seq"], all.last().unwrap()["seq"]);
    assert_eq!(verdict["first_bad"], Value::Null);
    assert_eq!(verdict["head_hash"].as_str().unwrap().len(), 64);
}

#[test]
fn only_admins_read_the_trail_and_bad_parameters_are_named() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "bob");
    let bob = server.login("bob", PASSWORD);
    for path in ["/audit", "/audit/verify"] {
        server.get(path).send().error(401, "unauthorized");
        server.get(path).token(&bob).send().error(403, "forbidden");
    }
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("after=-1", "after"),
        ("since=yesterday", "since"),
        ("until=2026-13-01T00:00:00Z", "until"),
        ("action=explode", "action"),
        ("action=login,", "action"),
        ("colour=blue", "colour"),
    ] {
        server
            .get(&format!("/audit?{query}"))
            .token(&admin)
            .send()
            .invalid(&[field]);
    }
    server
        .get("/audit?user=ghost%40example.com")
        .token(&admin)
        .send()
        .error(404, "not_found");
    // A name no user could have is not found either, as in a path.
    server
        .get("/audit?user=no%20such%20user")
        .token(&admin)
        .send()
        .error(404, "not_found");
    // Actions repeated, or separated by commas.
    let both = server
        .get("/audit?action=create&action=login")
        .token(&admin)
        .send()
        .data(200);
    let joined = server
        .get("/audit?action=create,login")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(both, joined);
    assert!(!both.as_array().unwrap().is_empty());
}

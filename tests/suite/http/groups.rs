//! Groups over HTTP: admins make, fill, page, rename and delete them; a
//! user reads its own groups and nobody else's.

use super::*;

fn names_in(data: &Value) -> Vec<String> {
    data.as_array()
        .expect("a list")
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn admins_make_fill_rename_and_delete_groups() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    for name in ["alice", "bob", "carol"] {
        server.create(&admin, name);
    }
    let reply = server
        .post("/groups")
        .token(&admin)
        .json(json!({"name": "Ops", "display_name": "Operations"}))
        .send();
    let ops = reply.data(201);
    assert_eq!(ops["name"], "ops");
    assert_eq!(ops["members"], 0);
    let id = ops["id"].as_str().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("/groups/{id}").as_str())
    );
    assert_eq!(
        server
            .get(&format!("/groups/{id}"))
            .token(&admin)
            .send()
            .data(200),
        ops
    );
    server
        .post("/groups")
        .token(&admin)
        .json(json!({"name": "ops"}))
        .send()
        .error(409, "conflict");

    let report = server
        .post("/groups/ops/members")
        .token(&admin)
        .json(json!({"users": ["alice", "bob@example.com", "bob", "zed-nobody"]}))
        .send()
        .data(200);
    assert_eq!(report["changed"], json!(["alice", "bob@example.com"]));
    assert_eq!(report["unchanged"], json!(["bob"]));
    assert_eq!(report["not_found"], json!(["zed-nobody"]));
    assert_eq!(report["group"]["members"], 2);

    // Members in pages of one, as users are paged.
    let first = server
        .get("/groups/ops/members?limit=1")
        .token(&admin)
        .send();
    assert_eq!(names_in(&first.data(200)), ["alice"]);
    let cursor = first.json()["next_cursor"].as_str().unwrap().to_owned();
    let second = server
        .get(&format!("/groups/ops/members?limit=1&cursor={cursor}"))
        .token(&admin)
        .send();
    assert_eq!(names_in(&second.data(200)), ["bob"]);
    assert_eq!(second.json()["next_cursor"], Value::Null);
    assert_eq!(
        names_in(
            &server
                .get("/users?group=ops")
                .token(&admin)
                .send()
                .data(200)
        ),
        ["alice", "bob"]
    );
    server
        .get("/users?group=nope")
        .token(&admin)
        .send()
        .error(404, "not_found");

    // One member out; one who is not a member is a 404.
    let after = server
        .delete("/groups/ops/members/bob")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(after["members"], 1);
    let missing = server
        .delete("/groups/ops/members/carol")
        .token(&admin)
        .send()
        .error(404, "not_found");
    assert_eq!(
        missing["message"],
        "user carol is not a member of group ops"
    );
    let removed = server
        .post("/groups/ops/members/remove")
        .token(&admin)
        .json(json!({"users": ["alice", "carol"]}))
        .send()
        .data(200);
    assert_eq!(removed["changed"], json!(["alice"]));
    assert_eq!(removed["unchanged"], json!(["carol"]));

    let renamed = server
        .patch("/groups/ops")
        .token(&admin)
        .json(json!({"name": "operators", "display_name": null}))
        .send()
        .data(200);
    assert_eq!(renamed["name"], "operators");
    assert_eq!(renamed["display_name"], Value::Null);
    server
        .get("/groups/ops")
        .token(&admin)
        .send()
        .error(404, "not_found");
    let page = server.get("/groups").token(&admin).send();
    assert_eq!(page.data(200)[0]["name"], "operators");
    assert_eq!(page.json()["next_cursor"], Value::Null);

    let gone = server
        .delete("/groups/operators")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(gone["id"], id);
    server
        .delete("/groups/operators")
        .token(&admin)
        .send()
        .error(404, "not_found");
    assert_eq!(
        server.get("/groups").token(&admin).send().data(200),
        json!([])
    );
}

#[test]
fn a_user_reads_its_own_groups_and_nothing_else_of_them() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    server.create(&admin, "bob");
    server
        .post("/groups")
        .token(&admin)
        .json(json!({"name": "ops"}))
        .send()
        .data(201);
    server
        .post("/groups/ops/members")
        .token(&admin)
        .json(json!({"users": ["alice"]}))
        .send()
        .data(200);
    let alice = server.login("alice", PASSWORD);
    let own = server.get("/users/alice/groups").token(&alice).send();
    let groups = own.data(200);
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["name"], "ops");
    assert_eq!(
        server
            .get("/users/bob/groups")
            .token(&admin)
            .send()
            .data(200),
        json!([])
    );
    server
        .get("/users/bob/groups")
        .token(&alice)
        .send()
        .error(403, "forbidden");
    server
        .get("/users/alice/groups")
        .send()
        .error(401, "unauthorized");
    server
        .get("/users/nobody-here/groups")
        .token(&admin)
        .send()
        .error(404, "not_found");
    for (method, path) in [
        ("GET", "/groups"),
        ("GET", "/groups/ops"),
        ("GET", "/groups/ops/members"),
        ("DELETE", "/groups/ops"),
        ("DELETE", "/groups/ops/members/alice"),
    ] {
        server
            .request(method, path)
            .token(&alice)
            .send()
            .error(403, "forbidden");
    }
    server
        .post("/groups")
        .token(&alice)
        .json(json!({"name": "mine"}))
        .send()
        .error(403, "forbidden");
    server
        .post("/groups/ops/members")
        .token(&alice)
        .json(json!({"users": ["bob"]}))
        .send()
        .error(403, "forbidden");
}

#[test]
fn bad_group_bodies_and_parameters_are_named() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server
        .post("/groups")
        .token(&admin)
        .json(json!({"name": "ops"}))
        .send()
        .data(201);
    for (body, field) in [
        (json!({}), "name"),
        (json!({"name": "x"}), "name"),
        (json!({"name": "a b"}), "name"),
        (json!({"name": 7}), "name"),
        (json!({"name": "fine", "display_name": " "}), "display_name"),
        (
            json!({"name": "fine", "display_name": "a\u{1}b"}),
            "display_name",
        ),
        (json!({"name": "fine", "extra": true}), "extra"),
    ] {
        let error = server
            .post("/groups")
            .token(&admin)
            .json(body.clone())
            .send()
            .error(400, "invalid_input");
        assert_eq!(error["details"][0]["field"], field, "{body}");
    }
    for (body, field) in [
        (json!({"users": []}), "users"),
        (json!({"users": "alice"}), "users"),
        (json!({"users": [1]}), "users"),
        (json!({}), "users"),
    ] {
        let error = server
            .post("/groups/ops/members")
            .token(&admin)
            .json(body.clone())
            .send()
            .error(400, "invalid_input");
        assert_eq!(error["details"][0]["field"], field, "{body}");
    }
    let error = server
        .patch("/groups/ops")
        .token(&admin)
        .json(json!({"name": "-bad"}))
        .send()
        .error(400, "invalid_input");
    assert_eq!(error["details"][0]["field"], "name");
    for query in ["limit=0", "limit=1001", "cursor=nope", "colour=blue"] {
        server
            .get(&format!("/groups?{query}"))
            .token(&admin)
            .send()
            .error(400, "invalid_input");
    }
    // A name no group could have is no group's.
    server
        .get("/groups/no%20way")
        .token(&admin)
        .send()
        .error(404, "not_found");
    server
        .post("/groups/nope/members")
        .token(&admin)
        .json(json!({"users": ["admin"]}))
        .send()
        .error(404, "not_found");
}

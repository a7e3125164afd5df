//! SCIM 2.0 at /scim/v2 as identity providers drive it: the provisioning
//! sequences Okta and Microsoft Entra ID document (create, look up by
//! `userName eq`, deactivate, reactivate, rename, delete; group push with
//! members added and removed), SCIM's error form, and what only an admin's
//! API key may do.

use super::*;

const SCIM: &str = "application/scim+json";

/// An API key of the admin, made over HTTP.
fn admin_key(server: &Server) -> String {
    let admin = server.admin();
    let made = server
        .post("/keys")
        .token(&admin)
        .json(json!({"name": "idp", "user": ADMIN}))
        .send()
        .data(201);
    made["key"].as_str().unwrap().to_owned()
}

fn scim(call: Call<'_>, body: Value) -> Call<'_> {
    call.body(Some(SCIM), body.to_string().into_bytes())
}

/// The SCIM answer's body, after checking its status and media type.
#[track_caller]
fn answer(reply: &Reply, status: u16) -> Value {
    reply.status(status);
    assert_eq!(
        reply.header("content-type"),
        Some(SCIM),
        "SCIM answers are application/scim+json:\n{reply}"
    );
    serde_json::from_str(&reply.text()).unwrap_or_else(|e| panic!("not JSON ({e}):\n{reply}"))
}

/// A SCIM error with `status` and, when given, `scimType`.
#[track_caller]
fn scim_error(reply: &Reply, status: u16, scim_type: Option<&str>) -> Value {
    let body = answer(reply, status);
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(body["status"], status.to_string());
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    if let Some(t) = scim_type {
        assert_eq!(body["scimType"], t, "{body}");
    }
    body
}

fn patch_op(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

#[test]
fn okta_provisions_looks_up_deactivates_reactivates_renames_and_deletes() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    // Okta looks the user up first.
    let none = answer(
        &server
            .get("/scim/v2/Users?filter=userName%20eq%20%22alice%22&startIndex=1&count=100")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(none["totalResults"], 0);
    assert_eq!(none["Resources"], json!([]));

    let reply = scim(
        server.post("/scim/v2/Users").token(&key),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "alice",
            "name": {"givenName": "Alice", "familyName": "Liddell"},
            "emails": [{"primary": true, "value": "alice@example.com", "type": "work"}],
            "displayName": "Alice Liddell",
            "locale": "en-US",
            "externalId": "00u1abcd",
            "groups": [],
            "password": PASSWORD,
            "active": true
        }),
    )
    .send();
    let alice = answer(&reply, 201);
    let id = alice["id"].as_str().unwrap().to_owned();
    assert_eq!(alice["userName"], "alice");
    assert_eq!(alice["displayName"], "Alice Liddell");
    // The name is kept as sent, beside the display name.
    assert_eq!(
        alice["name"],
        json!({"givenName": "Alice", "familyName": "Liddell"})
    );
    assert_eq!(alice["emails"][0]["value"], "alice@example.com");
    assert_eq!(alice["active"], true);
    assert_eq!(alice["externalId"], "00u1abcd");
    assert!(alice.get("password").is_none(), "never shown");
    assert_eq!(alice["meta"]["resourceType"], "User");
    assert!(
        alice["meta"]["location"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/scim/v2/Users/{id}"))
    );
    assert_eq!(reply.header("etag"), alice["meta"]["version"].as_str());
    assert!(reply.header("location").unwrap().ends_with(&id));
    server.login("alice", PASSWORD);

    let found = answer(
        &server
            .get("/scim/v2/Users?filter=userName%20eq%20%22ALICE%22")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], id);
    let path = format!("/scim/v2/Users/{id}");
    assert_eq!(answer(&server.get(&path).token(&key).send(), 200), alice);

    // Deactivate (Okta: PATCH replace active; an older Okta: PUT).
    let off = answer(
        &scim(
            server.patch(&path).token(&key),
            patch_op(json!([
                {"op": "replace", "value": {"active": false}}
            ])),
        )
        .send(),
        200,
    );
    assert_eq!(off["active"], false);
    server
        .post("/authenticate")
        .json(json!({"username": "alice", "password": PASSWORD}))
        .send()
        .status(401);
    let mut whole = off.clone();
    whole["active"] = json!(true);
    let on = answer(
        &scim(server.request("PUT", &path).token(&key), whole).send(),
        200,
    );
    assert_eq!(on["active"], true);
    server.login("alice", PASSWORD);

    // Rename, and a new email.
    let renamed = answer(
        &scim(server.patch(&path).token(&key), patch_op(json!([
            {"op": "replace", "path": "userName", "value": "alice.l"},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "alice.l@example.com"}
        ])))
        .send(),
        200,
    );
    assert_eq!(renamed["userName"], "alice.l");
    assert_eq!(renamed["emails"][0]["value"], "alice.l@example.com");
    server.login("alice.l", PASSWORD);

    // Delete: to the recycle bin.
    server
        .request("DELETE", &path)
        .token(&key)
        .send()
        .status(204);
    scim_error(&server.get(&path).token(&key).send(), 404, None);
    let admin = server.admin();
    let bin = server.get("/recycle-bin").token(&admin).send().data(200);
    assert_eq!(bin[0]["username"], "alice.l");
}

#[test]
fn entra_sends_capitalized_ops_string_booleans_and_filters_by_external_id() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let bob = answer(
        &scim(
            server.post("/scim/v2/Users").token(&key),
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                "userName": "bob",
                "active": true,
                "emails": [{"primary": true, "type": "work", "value": "bob@contoso.com"}],
                "name": {"formatted": "Bob Smith", "familyName": "Smith", "givenName": "Bob"},
                "roles": []
            }),
        )
        .send(),
        201,
    );
    let id = bob["id"].as_str().unwrap();
    assert_eq!(bob["displayName"], "Bob Smith");
    let by_external = answer(
        &server
            .get("/scim/v2/Users?filter=externalId%20eq%20%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(by_external["totalResults"], 1);
    assert_eq!(by_external["Resources"][0]["userName"], "bob");
    let path = format!("/scim/v2/Users/{id}");
    let off = answer(
        &scim(
            server.patch(&path).token(&key),
            patch_op(json!([
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Add", "path": "displayName", "value": "Robert Smith"}
            ])),
        )
        .send(),
        200,
    );
    assert_eq!(off["active"], false);
    assert_eq!(off["displayName"], "Robert Smith");
    let listed = answer(
        &server
            .get("/scim/v2/Users?filter=active%20eq%20false&attributes=userName")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(listed["totalResults"], 1);
    let only = listed["Resources"][0].as_object().unwrap();
    let mut keys: Vec<&str> = only.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["id", "meta", "schemas", "userName"]);
}

#[test]
fn bad_requests_get_scims_error_form_and_change_nothing() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let admin = server.admin();
    server.create(&admin, "carol");
    let carol = server
        .post("/keys")
        .token(&admin)
        .json(json!({"name": "carols", "user": "carol"}))
        .send()
        .data(201)["key"]
        .as_str()
        .unwrap()
        .to_owned();
    scim_error(&server.get("/scim/v2/Users").send(), 401, None);
    scim_error(
        &server.get("/scim/v2/Users").token(&admin).send(),
        401,
        None,
    );
    scim_error(
        &server.get("/scim/v2/Users").token(&carol).send(),
        403,
        None,
    );

    scim_error(
        &server
            .get("/scim/v2/Users?filter=userName%20zz%20%22a%22")
            .token(&key)
            .send(),
        400,
        Some("invalidFilter"),
    );
    scim_error(
        &server.get("/scim/v2/Users?count=many").token(&key).send(),
        400,
        Some("invalidValue"),
    );
    for (body, scim_type) in [
        (
            json!({"emails": [{"value": "x@example.com"}]}),
            "invalidValue",
        ),
        (
            json!({"userName": "no way", "emails": [{"value": "x@example.com"}]}),
            "invalidValue",
        ),
        (json!({"userName": "dave"}), "invalidValue"),
        (
            json!({"userName": "dave", "emails": [{"value": "not-an-email"}]}),
            "invalidValue",
        ),
        (
            json!({"userName": "dave", "emails": [{"value": "d@example.com"}], "active": "maybe"}),
            "invalidValue",
        ),
        (
            json!({"userName": "carol", "emails": [{"value": "c2@example.com"}]}),
            "uniqueness",
        ),
    ] {
        scim_error(
            &scim(server.post("/scim/v2/Users").token(&key), body).send(),
            if scim_type == "uniqueness" { 409 } else { 400 },
            Some(scim_type),
        );
    }
    scim_error(
        &server
            .post("/scim/v2/Users")
            .token(&key)
            .body(Some(SCIM), "{not json")
            .send(),
        400,
        Some("invalidSyntax"),
    );

    let found = answer(
        &server
            .get("/scim/v2/Users?filter=userName%20eq%20%22carol%22")
            .token(&key)
            .send(),
        200,
    );
    let id = found["Resources"][0]["id"].as_str().unwrap().to_owned();
    let version = found["Resources"][0]["meta"]["version"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/scim/v2/Users/{id}");
    // One good operation and one bad: nothing changes.
    scim_error(
        &scim(
            server.patch(&path).token(&key),
            patch_op(json!([
                {"op": "replace", "path": "userName", "value": "caroline"},
                {"op": "remove", "path": "emails[type eq \"home\"]"}
            ])),
        )
        .send(),
        400,
        Some("noTarget"),
    );
    scim_error(
        &scim(server.patch(&path).token(&key), json!({"Operations": []})).send(),
        400,
        Some("invalidSyntax"),
    );
    assert_eq!(server.user(&admin, "carol")["username"], "carol");
    // If-Match: the version read, or 412.
    scim_error(
        &scim(
            server
                .patch(&path)
                .token(&key)
                .header("If-Match", "W/\"1\""),
            patch_op(json!([
                {"op": "replace", "path": "displayName", "value": "Carol"}
            ])),
        )
        .send(),
        412,
        None,
    );
    let named = answer(
        &scim(
            server.patch(&path).token(&key).header("If-Match", &version),
            patch_op(json!([
                {"op": "replace", "path": "displayName", "value": "Carol"}
            ])),
        )
        .send(),
        200,
    );
    assert_eq!(named["displayName"], "Carol");
    scim_error(
        &server.get("/scim/v2/Users/nope").token(&key).send(),
        404,
        None,
    );
    scim_error(
        &server
            .get(&format!(
                "/scim/v2/Users/{}",
                "0190a000-0000-7000-8000-000000000009"
            ))
            .token(&key)
            .send(),
        404,
        None,
    );
}

#[test]
fn discovery_describes_what_is_served() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let config = answer(
        &server
            .get("/scim/v2/ServiceProviderConfig")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(config["patch"]["supported"], true);
    assert_eq!(config["filter"]["supported"], true);
    assert_eq!(config["etag"]["supported"], true);
    assert_eq!(config["bulk"]["supported"], false);
    let types = answer(
        &server.get("/scim/v2/ResourceTypes").token(&key).send(),
        200,
    );
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    answer(
        &server.get("/scim/v2/ResourceTypes/User").token(&key).send(),
        200,
    );
    let schemas = answer(&server.get("/scim/v2/Schemas").token(&key).send(), 200);
    let user = &schemas["Resources"][0];
    assert_eq!(user["id"], "urn:ietf:params:scim:schemas:core:2.0:User");
    let names: Vec<&str> = user["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    for wanted in [
        "userName",
        "emails",
        "active",
        "password",
        "externalId",
        "groups",
    ] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    answer(
        &server
            .get("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
            .token(&key)
            .send(),
        200,
    );
    scim_error(
        &server.get("/scim/v2/Schemas/nope").token(&key).send(),
        404,
        None,
    );
}

/// The ids of a SCIM group's members, sorted.
fn member_ids(group: &Value) -> Vec<String> {
    let mut ids: Vec<String> = group["members"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| m["value"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    ids.sort();
    ids
}

#[test]
fn okta_pushes_a_group_adds_and_removes_members_renames_and_deletes_it() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let admin = server.admin();
    let alice = server.create(&admin, "alice")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob = server.create(&admin, "bob")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Okta looks the group up by its name first.
    let filter = "/scim/v2/Groups?filter=displayName%20eq%20%22Engineering%20Team%22";
    assert_eq!(
        answer(&server.get(filter).token(&key).send(), 200)["totalResults"],
        0
    );
    let reply = scim(
        server.post("/scim/v2/Groups").token(&key),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Engineering Team",
            "members": [{"value": alice, "display": "alice"}]
        }),
    )
    .send();
    let group = answer(&reply, 201);
    let id = group["id"].as_str().unwrap().to_owned();
    assert_eq!(group["displayName"], "Engineering Team");
    assert_eq!(member_ids(&group), [alice.as_str()]);
    assert_eq!(group["members"][0]["type"], "User");
    assert!(
        group["members"][0]["$ref"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/scim/v2/Users/{alice}"))
    );
    assert_eq!(group["meta"]["resourceType"], "Group");
    assert_eq!(reply.header("etag"), group["meta"]["version"].as_str());
    assert!(reply.header("location").unwrap().ends_with(&id));
    // usersctl's own view: a group named from the display name.
    let own = server
        .get(&format!("/groups/{id}"))
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(own["name"], "engineering-team");
    assert_eq!(own["display_name"], "Engineering Team");
    assert_eq!(own["members"], 1);
    let found = answer(&server.get(filter).token(&key).send(), 200);
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], id);

    let path = format!("/scim/v2/Groups/{id}");
    // Okta adds a member, then removes one by a value filter: 204 each, and
    // the version moves.
    let added = scim(
        server.patch(&path).token(&key),
        patch_op(json!([
            {"op": "add", "path": "members", "value": [{"value": bob, "display": "bob"}]}
        ])),
    )
    .send();
    added.status(204);
    assert_ne!(added.header("etag"), group["meta"]["version"].as_str());
    let now = answer(&server.get(&path).token(&key).send(), 200);
    assert_eq!(member_ids(&now), sorted(&[&alice, &bob]));
    assert_eq!(now["meta"]["version"].as_str(), added.header("etag"));
    scim(
        server.patch(&path).token(&key),
        patch_op(json!([
            {"op": "remove", "path": format!("members[value eq \"{alice}\"]")}
        ])),
    )
    .send()
    .status(204);
    // Okta renames with a path-less replace that carries the id too.
    scim(
        server.patch(&path).token(&key),
        patch_op(json!([
            {"op": "replace", "value": {"id": id, "displayName": "Platform"}}
        ])),
    )
    .send()
    .status(204);
    let now = answer(&server.get(&path).token(&key).send(), 200);
    assert_eq!(now["displayName"], "Platform");
    assert_eq!(member_ids(&now), [bob.as_str()]);
    // The member sees its group; the name made at creation stays.
    let bobs = server
        .get("/users/bob/groups")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(bobs[0]["name"], "engineering-team");
    assert_eq!(bobs[0]["display_name"], "Platform");
    let bob_scim = answer(
        &server
            .get(&format!("/scim/v2/Users/{bob}"))
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(bob_scim["groups"][0]["value"], id);
    assert_eq!(bob_scim["groups"][0]["display"], "Platform");
    let alices = server
        .get("/users/alice/groups")
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(alices, json!([]));
    // A second group of the same display name gets a name of its own.
    let twin = answer(
        &scim(
            server.post("/scim/v2/Groups").token(&key),
            json!({"displayName": "Engineering Team"}),
        )
        .send(),
        201,
    );
    let twin_own = server
        .get(&format!("/groups/{}", twin["id"].as_str().unwrap()))
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(twin_own["name"], "engineering-team-2");

    server
        .request("DELETE", &path)
        .token(&key)
        .send()
        .status(204);
    scim_error(&server.get(&path).token(&key).send(), 404, None);
    // Its members stay, in no group.
    assert_eq!(server.user(&admin, "bob")["username"], "bob");
    assert_eq!(
        server
            .get("/users/bob/groups")
            .token(&admin)
            .send()
            .data(200),
        json!([])
    );
}

#[test]
fn entra_adds_and_removes_members_by_value_and_reads_groups_without_them() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let admin = server.admin();
    let ids: Vec<String> = ["ann", "ben", "cat"]
        .iter()
        .map(|u| server.create(&admin, u)["id"].as_str().unwrap().to_owned())
        .collect();
    let group = answer(
        &scim(
            server.post("/scim/v2/Groups").token(&key),
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                "displayName": "Group1DisplayName",
                "members": []
            }),
        )
        .send(),
        201,
    );
    let id = group["id"].as_str().unwrap().to_owned();
    assert_eq!(group["externalId"], "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159");
    assert!(group.get("members").is_none(), "{group}");
    let path = format!("/scim/v2/Groups/{id}");
    // Entra ID reads a group without its members.
    let lean = answer(
        &server
            .get("/scim/v2/Groups?excludedAttributes=members&filter=displayName%20eq%20%22Group1DisplayName%22")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(lean["totalResults"], 1);
    assert!(lean["Resources"][0].get("members").is_none());
    assert_eq!(
        lean["Resources"][0]["externalId"],
        "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"
    );
    scim(
        server.patch(&path).token(&key),
        patch_op(json!([{
            "op": "Add", "path": "members",
            "value": [{"value": ids[0]}, {"value": ids[1]}, {"value": ids[2]}]
        }])),
    )
    .send()
    .status(204);
    // Entra ID names the members to remove in the value.
    scim(
        server.patch(&path).token(&key),
        patch_op(json!([{
            "op": "Remove", "path": "members", "value": [{"value": ids[0]}, {"value": ids[2]}]
        }])),
    )
    .send()
    .status(204);
    let read = answer(&server.get(&path).token(&key).send(), 200);
    assert_eq!(member_ids(&read), [ids[1].clone()]);
    let version = read["meta"]["version"].as_str().unwrap().to_owned();
    // Asked for attributes, a PATCH answers the group (200).
    let renamed = answer(
        &scim(
            server
                .patch(&format!("{path}?attributes=displayName"))
                .token(&key)
                .header("If-Match", &version),
            patch_op(json!([
                {"op": "Replace", "path": "displayName", "value": "Renamed"},
                {"op": "Replace", "path": "externalId", "value": "x-2"}
            ])),
        )
        .send(),
        200,
    );
    assert_eq!(renamed["displayName"], "Renamed");
    assert!(renamed.get("members").is_none() && renamed.get("externalId").is_none());
    // The version read before is stale now.
    scim_error(
        &scim(
            server.patch(&path).token(&key).header("If-Match", &version),
            patch_op(json!([{"op": "Add", "path": "members", "value": [{"value": ids[0]}]}])),
        )
        .send(),
        412,
        None,
    );
    // A PUT replaces everything: members too.
    let put = answer(
        &scim(
            server.request("PUT", &path).token(&key),
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Renamed",
                "members": [{"value": ids[0]}, {"value": ids[2]}]
            }),
        )
        .send(),
        200,
    );
    assert_eq!(member_ids(&put), sorted(&[&ids[0], &ids[2]]));
    assert!(
        put.get("externalId").is_none(),
        "a PUT without it removes it"
    );
    // A path-less replace of members is the whole list; a remove of
    // members without a value empties the group.
    scim(
        server.patch(&path).token(&key),
        patch_op(json!([{"op": "replace", "value": {"members": [{"value": ids[1]}]}}])),
    )
    .send()
    .status(204);
    assert_eq!(
        member_ids(&answer(&server.get(&path).token(&key).send(), 200)),
        [ids[1].clone()]
    );
    scim(
        server.patch(&path).token(&key),
        patch_op(json!([{"op": "remove", "path": "members"}])),
    )
    .send()
    .status(204);
    let empty = server
        .get(&format!("/groups/{id}"))
        .token(&admin)
        .send()
        .data(200);
    assert_eq!(empty["members"], 0);
}

#[test]
fn bad_group_requests_change_nothing() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let admin = server.admin();
    let ann = server.create(&admin, "ann")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let nobody = "0190a000-0000-7000-8000-000000000009";
    for (body, scim_type) in [
        (json!({"members": []}), "invalidValue"),
        (json!({"displayName": "  "}), "invalidValue"),
        (json!({"displayName": 7}), "invalidValue"),
        (json!({"displayName": "x".repeat(129)}), "invalidValue"),
        (
            json!({"displayName": "G", "externalId": "e".repeat(257)}),
            "invalidValue",
        ),
        (
            json!({"displayName": "G", "members": [{"value": nobody}]}),
            "invalidValue",
        ),
        (
            json!({"displayName": "G", "members": [{"value": "not-an-id"}]}),
            "invalidValue",
        ),
        (
            json!({"displayName": "G", "members": [{"value": ann, "type": "Group"}]}),
            "invalidValue",
        ),
        (
            json!({"displayName": "G", "members": "ann"}),
            "invalidValue",
        ),
    ] {
        scim_error(
            &scim(server.post("/scim/v2/Groups").token(&key), body.clone()).send(),
            400,
            Some(scim_type),
        );
    }
    assert_eq!(
        server.get("/groups").token(&admin).send().data(200),
        json!([]),
        "no group was made"
    );
    let group = answer(
        &scim(
            server.post("/scim/v2/Groups").token(&key),
            json!({"displayName": "Ops", "members": [{"value": ann}]}),
        )
        .send(),
        201,
    );
    let path = format!("/scim/v2/Groups/{}", group["id"].as_str().unwrap());
    for (ops, scim_type) in [
        // A good operation beside a bad one: nothing of it happens.
        (
            json!([
                {"op": "replace", "path": "displayName", "value": "Changed"},
                {"op": "add", "path": "members", "value": [{"value": nobody}]}
            ]),
            "invalidValue",
        ),
        (
            json!([
                {"op": "remove", "path": format!("members[value eq \"{ann}\"]")},
                {"op": "remove", "path": "displayName"}
            ]),
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": format!("members[value eq \"{ann}\"].value"), "value": "x"}]),
            "mutability",
        ),
        (
            json!([{"op": "add", "path": format!("members[value eq \"{ann}\"]"), "value": {}}]),
            "invalidPath",
        ),
        (json!([{"op": "move", "path": "members"}]), "invalidSyntax"),
        (
            json!([{"op": "add", "path": "members[", "value": []}]),
            "invalidPath",
        ),
    ] {
        scim_error(
            &scim(server.patch(&path).token(&key), patch_op(ops.clone())).send(),
            400,
            Some(scim_type),
        );
    }
    let now = answer(&server.get(&path).token(&key).send(), 200);
    assert_eq!(now["displayName"], "Ops");
    assert_eq!(member_ids(&now), [ann.as_str()]);
    scim_error(
        &server
            .get(&format!("/scim/v2/Groups/{nobody}"))
            .token(&key)
            .send(),
        404,
        None,
    );
    scim_error(
        &server.get("/scim/v2/Groups/nope").token(&key).send(),
        404,
        None,
    );
}

#[test]
fn lists_page_count_search_and_unknown_paths() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let admin = server.admin();
    for n in 0..7 {
        server.create(&admin, &format!("user{n}"));
    }
    // The admin and seven users, counted; pages from startIndex.
    let first = answer(
        &server
            .get("/scim/v2/Users?startIndex=1&count=3")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(first["totalResults"], 8);
    assert_eq!(first["itemsPerPage"], 3);
    assert_eq!(first["startIndex"], 1);
    let names = |page: &Value| -> Vec<String> {
        page["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["userName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), [ADMIN, "user0", "user1"]);
    let last = answer(
        &server
            .get("/scim/v2/Users?startIndex=7&count=3")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(names(&last), ["user5", "user6"]);
    assert_eq!(last["totalResults"], 8);
    let none = answer(
        &server.get("/scim/v2/Users?count=0").token(&key).send(),
        200,
    );
    assert_eq!(
        (none["totalResults"].clone(), none["itemsPerPage"].clone()),
        (json!(8), json!(0))
    );
    // A deleted user is no longer counted.
    server
        .request("DELETE", "/users/user3")
        .token(&admin)
        .send()
        .status(200);
    let filtered = answer(
        &server
            .get("/scim/v2/Users?filter=userName%20sw%20%22user%22&startIndex=2&count=2")
            .token(&key)
            .send(),
        200,
    );
    assert_eq!(filtered["totalResults"], 6);
    assert_eq!(names(&filtered), ["user1", "user2"]);
    // The same, asked in a body.
    let searched = answer(
        &scim(
            server.post("/scim/v2/Users/.search").token(&key),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": "userName sw \"user\"",
                "startIndex": 2,
                "count": 2,
                "attributes": ["userName"]
            }),
        )
        .send(),
        200,
    );
    assert_eq!(names(&searched), ["user1", "user2"]);
    assert_eq!(searched["totalResults"], 6);
    assert!(searched["Resources"][0].get("emails").is_none());
    scim_error(
        &scim(
            server.post("/scim/v2/Users/.search").token(&key),
            json!({"filter": "userName sw \"user\""}),
        )
        .send(),
        400,
        Some("invalidSyntax"),
    );
    // Across resource types: users, then groups, as one list.
    for name in ["ops", "devs"] {
        answer(
            &scim(
                server.post("/scim/v2/Groups").token(&key),
                json!({"displayName": name}),
            )
            .send(),
            201,
        );
    }
    let everything = answer(
        &scim(
            server.post("/scim/v2/.search").token(&key),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "startIndex": 6,
                "count": 3
            }),
        )
        .send(),
        200,
    );
    assert_eq!(everything["totalResults"], 9);
    let kinds: Vec<&str> = everything["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["meta"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["User", "User", "Group"]);
    assert_eq!(everything["Resources"][2]["displayName"], "ops");
    scim_error(
        &server.get("/scim/v2/Nothing").token(&key).send(),
        404,
        None,
    );
    scim_error(
        &server
            .request("DELETE", "/scim/v2/ServiceProviderConfig")
            .token(&key)
            .send(),
        405,
        None,
    );
}

#[test]
fn a_users_name_and_emails_are_kept_as_sent() {
    let test = Test::new();
    let server = test.serve().start();
    let key = admin_key(&server);
    let admin = server.admin();
    let emails = json!([
        {"value": "home@example.org", "type": "home", "primary": false},
        {"value": "work@example.com", "type": "work", "primary": true}
    ]);
    let made = answer(
        &scim(
            server.post("/scim/v2/Users").token(&key),
            json!({
                "userName": "dora",
                "name": {"givenName": "Dora", "familyName": "Explorer", "honorificPrefix": "Dr"},
                "emails": emails
            }),
        )
        .send(),
        201,
    );
    assert_eq!(made["emails"], emails, "both kept, in order");
    // The primary is the email; the display name made from the name.
    let own = server.user(&admin, "dora");
    assert_eq!(own["email"], "work@example.com");
    assert_eq!(own["name"], "Dora Explorer");
    assert_eq!(made["displayName"], "Dora Explorer");
    let path = format!("/scim/v2/Users/{}", made["id"].as_str().unwrap());
    // A made display name follows the name.
    let renamed = answer(
        &scim(
            server.patch(&path).token(&key),
            patch_op(json!([{"op": "replace", "path": "name.familyName", "value": "Marquez"}])),
        )
        .send(),
        200,
    );
    assert_eq!(renamed["displayName"], "Dora Marquez");
    // Removed, a display name stays removed; the name too.
    let removed = answer(
        &scim(
            server.patch(&path).token(&key),
            patch_op(json!([
                {"op": "remove", "path": "displayName"},
                {"op": "remove", "path": "name"}
            ])),
        )
        .send(),
        200,
    );
    assert!(removed.get("displayName").is_none() && removed.get("name").is_none());
    assert_eq!(server.user(&admin, "dora")["name"], Value::Null);
    // An email changed by an operator shows alone, until the provider sends
    // its list again.
    server
        .patch("/users/dora")
        .token(&admin)
        .json(json!({"email": "dora@example.net"}))
        .send()
        .status(200);
    let shown = answer(&server.get(&path).token(&key).send(), 200);
    assert_eq!(
        shown["emails"],
        json!([{"value": "dora@example.net", "type": "work", "primary": true}])
    );
    for (body, what) in [
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com", "primary": true}, {"value": "b@example.com", "primary": true}]}),
            "two primaries",
        ),
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com"}, {"value": "nope"}]}),
            "a bad second email",
        ),
        (
            json!({"userName": "eve", "emails": [{"type": "work"}]}),
            "an email without a value",
        ),
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com"}], "name": "Eve"}),
            "a name that is no object",
        ),
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com"}], "name": {"givenName": 5}}),
            "a name part that is no string",
        ),
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com"}], "externalId": "e".repeat(257)}),
            "an external id too long",
        ),
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com"}], "displayName": "d".repeat(129)}),
            "a display name too long",
        ),
        (
            json!({"userName": "eve", "emails": [{"value": "a@example.com"}], "password": "short"}),
            "a password too short",
        ),
    ] {
        let reply = scim(server.post("/scim/v2/Users").token(&key), body).send();
        assert_eq!(reply.status, 400, "{what}: {reply}");
        scim_error(&reply, 400, Some("invalidValue"));
    }
    server.get("/users/eve").token(&admin).send().status(404);
}

//! SCIM 2.0 at /scim/v2 as identity providers drive it: the provisioning
//! sequences Okta and Microsoft Entra ID document (create, look up by
//! `userName eq`, deactivate, reactivate, rename, delete), SCIM's error form,
//! and what only an admin's API key may do.

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
    assert_eq!(alice["name"]["formatted"], "Alice Liddell");
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

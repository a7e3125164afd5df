//! The web console's session over HTTP, as any client could send it: the
//! cookie is a credential only beside the console's header (which a page
//! elsewhere cannot make a browser send), a sign-in is taken only from the
//! console's own origin, and a sign-out kills the token. The page itself is
//! driven in a browser by tests/console.

use super::*;

const HEADER: &str = "X-Usersctl-Console";

/// The `name=value` of the session cookie `reply` sets, which must be out of
/// scripts' reach and sent to this site only.
#[track_caller]
fn session_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie").expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.split("; ").any(|p| p == part), "{part} missing: {set}");
    }
    let pair = set.split("; ").next().unwrap_or_default().to_owned();
    assert!(
        pair.starts_with("usersctl_console=") && pair.len() > 40,
        "{set}"
    );
    pair
}

#[test]
fn the_console_cookie_counts_only_beside_its_header_and_from_its_origin() {
    let test = Test::new();
    let server = test.serve().start();
    let origin = format!("http://{}", server.addr);
    let credentials = json!({"username": ADMIN, "password": PASSWORD});

    // A sign-in without the header, or from another origin: 403, no cookie.
    let reply = server
        .post("/admin/session")
        .json(credentials.clone())
        .send();
    reply.error(403, "forbidden");
    assert_eq!(reply.header("set-cookie"), None);
    let reply = server
        .post("/admin/session")
        .header(HEADER, "1")
        .header("Origin", "http://evil.example")
        .json(credentials.clone())
        .send();
    reply.error(403, "forbidden");
    assert_eq!(reply.header("set-cookie"), None);

    // From the console's own page: who signed in, and the cookie.
    let reply = server
        .post("/admin/session")
        .header(HEADER, "1")
        .header("Origin", &origin)
        .json(credentials)
        .send();
    let signed_in = reply.data(200);
    assert_eq!(
        (&signed_in["role"], &signed_in["user"]["username"]),
        (&json!("admin"), &json!(ADMIN))
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(!reply.text().contains("usersctl_console"), "{reply}");
    let cookie = session_cookie(&reply);

    // The cookie alone is no credential; with the header it is.
    server
        .get("/users")
        .header("Cookie", &cookie)
        .send()
        .error(401, "unauthorized");
    let users = server
        .get("/users")
        .header("Cookie", &cookie)
        .header(HEADER, "1")
        .send()
        .data(200);
    assert_eq!(usernames(&users), [ADMIN]);
    server
        .get("/admin/session")
        .header("Cookie", &cookie)
        .header(HEADER, "1")
        .send()
        .data(200);
    server
        .get("/admin/session")
        .header("Cookie", &cookie)
        .send()
        .error(403, "forbidden");

    // A sign-out clears the cookie and kills its token.
    let reply = server
        .delete("/admin/session")
        .header("Cookie", &cookie)
        .header(HEADER, "1")
        .send();
    reply.status(204);
    let cleared = reply.header("set-cookie").expect("the cookie cleared");
    assert!(
        cleared.starts_with("usersctl_console=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    server
        .get("/users")
        .header("Cookie", &cookie)
        .header(HEADER, "1")
        .send()
        .error(401, "unauthorized");
}

#[test]
fn the_console_page_has_a_strict_policy_and_can_be_moved_or_switched_off() {
    let test = Test::new();
    let server = test.serve().start();
    let page = server.get("/admin/").send();
    page.status(200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").expect("a policy");
    for rule in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(rule), "{rule} missing: {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page.text().contains("console.js"), "{page}");
    let moved = server.get("/admin").send();
    moved.status(308);
    assert_eq!(moved.header("location"), Some("/admin/"));

    let test = Test::new();
    let server = test
        .serve()
        .arg("--console-path")
        .arg("/ops/console/")
        .start();
    server.get("/ops/console/").send().status(200);
    server.get("/admin/").send().error(404, "not_found");

    let test = Test::new();
    let server = test.serve().arg("--no-console").start();
    server.get("/admin/").send().error(404, "not_found");
}

#[test]
fn console_sign_ins_share_the_login_throttle_and_the_audit_trail() {
    let test = Test::new();
    let server = test.serve().start();
    let admin = server.admin();
    server.create(&admin, "alice");
    let sign_in = |password: &str| {
        server
            .post("/admin/session")
            .header(HEADER, "1")
            .json(json!({"username": "alice", "password": password}))
            .send()
    };
    for _ in 0..5 {
        let reply = sign_in(WRONG_PASSWORD);
        reply.error(401, "invalid_credentials");
        assert_eq!(reply.header("set-cookie"), None);
    }
    // The sixth waits, through the console as through /authenticate, and
    // even with the right password.
    sign_in(WRONG_PASSWORD).error(429, "rate_limited");
    sign_in(PASSWORD).error(429, "rate_limited");
    server
        .post("/authenticate")
        .json(json!({"username": "alice", "password": PASSWORD}))
        .send()
        .error(429, "rate_limited");
    // Each checked attempt is in the audit trail as a failed login (those
    // the throttle turned away were never checked).
    let trail = server
        .get("/audit?action=login_failed&limit=100")
        .token(&admin)
        .send()
        .data(200);
    let failed = trail.as_array().expect("a list");
    assert_eq!(failed.len(), 5, "five failed sign-ins recorded: {trail}");
    assert!(
        failed.iter().all(|r| r.to_string().contains("alice")),
        "each names alice: {trail}"
    );
}

//! The router driven in-process with `oneshot`: statuses, headers and bodies
//! as a client sees them, without a process or a socket. (tests/suite/http.rs
//! drives the real server for what needs one: the listener, signals, load.)

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request as HttpRequest, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{HttpConfig, router};
use crate::domain::{Email, Password, Profile, Role, Username};
use crate::ops::{NewUser, PasswordChoice, Request};
use crate::service::{self, Actor, Service};

const PASSWORD: &str = "correct horse battery staple 9";

struct App {
    _dir: tempfile::TempDir,
    router: axum::Router,
}

/// A router over a fresh database holding one admin, `boss`.
fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let config = service::Config {
        create: true,
        ..service::Config::default()
    };
    let db = crate::database::Database::Dir(dir.path().join("db"));
    let service = Service::open(&db, config).unwrap();
    let admin = NewUser {
        profile: Profile {
            username: Username::parse("boss").unwrap(),
            email: Email::parse("boss@example.com").unwrap(),
            name: None,
            role: Role::Admin,
            attributes: Default::default(),
            must_change_password: false,
        },
        password: PasswordChoice::Given(Password::parse(PASSWORD).unwrap()),
    };
    service
        .execute(
            &Actor::Operator,
            &crate::domain::audit::Origin::operator(),
            Request::CreateUser(admin),
        )
        .unwrap()
        .wait()
        .unwrap();
    App {
        _dir: dir,
        router: router(Arc::new(service), &HttpConfig::default()),
    }
}

impl App {
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut request = HttpRequest::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (parts.status, parts.headers, value)
    }

    async fn login(&self) -> String {
        let body = json!({"username": "boss", "password": PASSWORD});
        let (status, _, reply) = self
            .send(Method::POST, "/authenticate", None, Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        reply["data"]["token"].as_str().unwrap().to_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_reads_writes_and_logs_out_in_process() {
    let app = app();
    let token = app.login().await;
    let (status, _, reply) = app
        .send(Method::GET, "/users/boss", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["data"]["username"], "boss");
    assert_eq!(reply["data"]["role"], "admin");
    assert!(reply["data"].get("password_hash").is_none(), "{reply}");

    let new = json!({"username": "alice", "email": "alice@example.com", "generate_password": true});
    let (status, headers, reply) = app
        .send(Method::POST, "/users", Some(&token), Some(new))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let id = reply["data"]["id"].as_str().unwrap();
    assert_eq!(headers[header::LOCATION], format!("/users/{id}").as_str());
    assert!(reply["generated_password"].as_str().unwrap().len() >= 16);

    let (status, _, reply) = app
        .send(Method::GET, "/users?search=ali", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["data"].as_array().unwrap().len(), 1, "{reply}");

    let (status, _, _) = app.send(Method::POST, "/logout", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, reply) = app
        .send(Method::GET, "/users/boss", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply["error"], "unauthorized");
    assert_eq!(reply["message"], "token has been revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_their_status_and_a_json_body() {
    let app = app();
    let token = app.login().await;
    let (status, _, reply) = app.send(Method::GET, "/users", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply["error"], "unauthorized");

    let bad = json!({"username": "x", "email": "nope", "generate_password": true});
    let (status, _, reply) = app
        .send(Method::POST, "/users", Some(&token), Some(bad))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reply["error"], "invalid_input");
    let fields: Vec<&str> = reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email"], "{reply}");

    let (status, _, reply) = app
        .send(Method::GET, "/users/nobody", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(reply["error"], "not_found");

    let (status, headers, _) = app
        .send(Method::PUT, "/users/boss", Some(&token), Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "GET,HEAD,PATCH,DELETE");

    let (status, _, _) = app.send(Method::GET, "/nowhere", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _, reply) = app
        .send(
            Method::POST,
            "/authenticate",
            None,
            Some(json!({"username": "boss", "password": "wrong password 1"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply["message"], "invalid username or password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_version_and_the_openapi_document_answer() {
    let app = app();
    let (status, _, reply) = app.send(Method::GET, "/health", None, None).await;
    assert_eq!((status, reply), (StatusCode::OK, json!({"status": "ok"})));
    let (status, _, reply) = app.send(Method::GET, "/version", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["data"]["version"], env!("CARGO_PKG_VERSION"));
    let (status, _, reply) = app.send(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(reply["openapi"].as_str().unwrap().starts_with("3."));
    assert!(reply["paths"]["/users/{user}"]["patch"].is_object());
}

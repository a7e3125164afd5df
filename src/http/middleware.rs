//! Layers every request passes through: the request log and JSON for every
//! error (the rate limits are in `limits`).

use std::net::IpAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use super::error::{is_json, json_error_for};
use super::limits::ClientAddr;

/// One log line per request: method, path (never the query string, which
/// could hold a secret), status, latency and a request id (also sent back as
/// `x-request-id`): the client's own `X-Request-Id` when it sends a usable
/// one (up to 64 letters, digits, `.`, `_` and `-`), so that one id follows
/// a request through proxies, logs and the audit trail.
pub async fn log_requests(mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let peer = peer(&req).map(|p| p.to_string()).unwrap_or_default();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    // The audit trail records it with whatever the request changes.
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let mut response = next.run(req).await;
    let status = response.status().as_u16();
    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "usersctl::http",
        %method, path = %path, status, latency_ms = format!("{latency_ms:.2}"), request_id = %request_id, peer = %peer,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// The id `log_requests` gave a request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Where a request comes from, for the audit trail: its id and client
/// address (the actor is its token's, settled by the service).
pub fn origin_of(extensions: &axum::http::Extensions) -> crate::domain::audit::Origin {
    crate::domain::audit::Origin {
        actor: "anonymous".to_owned(),
        client: extensions.get::<ClientAddr>().map(|c| c.0.to_string()),
        request: extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string()),
    }
}

/// Rewrites any error answer that is not already JSON (axum's 404, 405 and
/// body-limit answers, the timeout layer's 408) into the JSON error format.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let head = req.method() == Method::HEAD;
    let has_body = req
        .headers()
        .contains_key(axum::http::header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .is_some_and(|v| v != "0");
    let mut response = next.run(req).await;
    let status = response.status();
    // A request refused before its body was read leaves that body on the
    // connection, which is then closed: say so, so the client does not reuse it.
    if has_body && (status.is_client_error() || status.is_server_error()) {
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
    }
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) || head {
        return response;
    }
    let (code, message) = json_error_for(status);
    let (mut parts, _) = response.into_parts();
    let body = json!({ "error": code, "message": message }).to_string();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(body))
}

fn peer(req: &Request) -> Option<IpAddr> {
    req.extensions().get::<ClientAddr>().map(|c| c.0)
}

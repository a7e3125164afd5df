//! The web console (`serve --console-path`, default `/admin/`): one page,
//! its script and its style, compiled into the binary, and the session the
//! page signs in with.
//!
//! The page is a client of the JSON API and nothing more: every rule is the
//! API's. What the console adds is how its token travels. It never reaches
//! the page's script: signing in sets it as an `HttpOnly`, `SameSite=Strict`
//! cookie, and the API takes that cookie only from a request that also
//! carries the console's header (`X-Usersctl-Console`), which no form of
//! another site can send and no script of another origin can add without a
//! CORS preflight that this server never grants. Signing out revokes the
//! token and clears the cookie; an expired, revoked or blocked session is
//! refused by the API as any token is.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use axum::{Json, Router};

use super::body::{JsonObject, RequestOrigin, Token};
use super::openapi::Data;
use super::{AppState, bodies, limits};
use crate::domain::{User, UserRef};
use crate::error::{Error, Result};
use crate::ops::{Request, Response};

/// The cookie that carries a console session's token.
pub const COOKIE: &str = "usersctl_console";
/// The header without which the API ignores that cookie.
pub const HEADER: &str = "x-usersctl-console";
/// Where the console is served unless told otherwise.
pub const DEFAULT_PATH: &str = "/admin/";

const PAGE: &str = include_str!("../../console/index.html");
const SCRIPT: &str = include_str!("../../console/console.js");
const STYLE: &str = include_str!("../../console/console.css");

/// No inline script or style, nothing from another origin, no framing.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'none'; \
    frame-ancestors 'none'; base-uri 'none'";

/// Paths the API answers at its root: a console there would hide them.
const API_ROOTS: &[&str] = &[
    "authenticate",
    "audit",
    "groups",
    "health",
    "keys",
    "logout",
    "openapi.json",
    "recycle-bin",
    "scim",
    "settings",
    "users",
    "version",
];

/// A console path as `--console-path` gives it: `/name/` or `/a/b/`, of
/// letters, digits, `-` and `_`, and not one of the API's own.
pub fn parse_path(raw: &str) -> std::result::Result<String, String> {
    let trimmed = raw.trim_matches('/');
    let well_formed = !trimmed.is_empty()
        && raw.starts_with('/')
        && trimmed.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !well_formed {
        return Err(
            "must be a path such as /admin/: one or more names of letters, digits, - and _"
                .to_owned(),
        );
    }
    let first = trimmed.split('/').next().unwrap_or_default();
    if API_ROOTS.contains(&first.to_ascii_lowercase().as_str()) {
        return Err(format!("/{first}/ is the API's; choose another path"));
    }
    Ok(format!("/{trimmed}/"))
}

/// The console's routes under `base` (`/admin/`).
pub fn routes(base: &str) -> Router<AppState> {
    let bare = base.trim_end_matches('/').to_owned();
    let slashed = base.to_owned();
    Router::new()
        .route(&bare, get(move || async move { redirect(&slashed) }))
        .route(
            base,
            get(|| async { asset(PAGE, "text/html; charset=utf-8") }),
        )
        .route(
            &format!("{base}console.js"),
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            &format!("{base}console.css"),
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
        .route(
            &format!("{base}session"),
            get(whoami).post(sign_in).delete(sign_out),
        )
}

fn redirect(to: &str) -> HttpResponse {
    let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, v);
    }
    response
}

fn asset(body: &'static str, kind: &'static str) -> HttpResponse {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    protect(headers);
    response
}

/// The headers every console answer carries.
fn protect(headers: &mut HeaderMap) {
    for (name, value) in [
        ("content-security-policy", POLICY),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// The token a request's console cookie carries, if the request also
/// carries the console's header (see the module's note).
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    if !headers.contains_key(HEADER) {
        return None;
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

/// Refuses a request that is not the console's own: without its header, or
/// sent from a page of another origin (a sign-in planted by another site).
fn same_origin(headers: &HeaderMap) -> Result<()> {
    if !headers.contains_key(HEADER) {
        return Err(Error::Forbidden(format!(
            "console requests carry the {HEADER} header"
        )));
    }
    if let Some(origin) = headers.get(ORIGIN) {
        let host = headers.get(HOST).and_then(|h| h.to_str().ok());
        let from = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest);
        if host.is_none() || from != host {
            return Err(Error::Forbidden(
                "a console request from another origin".to_owned(),
            ));
        }
    }
    Ok(())
}

/// The cookie for `token`, living as long as it does (`None`: the cookie
/// cleared). `Secure` when the page was reached over HTTPS.
fn cookie(token: Option<(&str, u64)>, headers: &HeaderMap) -> HeaderValue {
    let secure = headers
        .get(ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| o.starts_with("https://"));
    let (value, max_age) = token.unwrap_or(("", 0));
    let mut cookie =
        format!("{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict");
    if secure {
        cookie.push_str("; Secure");
    }
    // A token is a JWT: letters, digits, `-`, `_` and `.`, all valid here.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Who the session is. A session that must change its password first may
/// do nothing else (SPEC's rule, the API's), not even read its own record:
/// it is told its id and role, and no `user`.
#[derive(serde::Serialize)]
struct SignedIn {
    id: uuid::Uuid,
    role: crate::domain::Role,
    must_change_password: bool,
    /// Until when the session's token is good (unix seconds).
    expires: u64,
    user: Option<User>,
}

/// `POST {console}/session`: signs in with a username (or email) and a
/// password, as `POST /authenticate` does (the same throttle, the same
/// audit record), and keeps the token in the cookie.
async fn sign_in(
    State(app): State<AppState>,
    headers: HeaderMap,
    client: Option<axum::Extension<limits::ClientAddr>>,
    RequestOrigin(origin): RequestOrigin,
    JsonObject(f): JsonObject,
) -> Result<HttpResponse> {
    same_origin(&headers)?;
    let client = client.map(|axum::Extension(limits::ClientAddr(ip))| ip);
    let issued = super::authenticate_fields(
        app.clone(),
        client,
        origin.clone(),
        f.described_by(&bodies::LOGIN),
    )
    .await?;
    let token = Token {
        token: Some(issued.token.clone()),
        origin,
    };
    let signed_in = me(&app, token).await?;
    // The cookie outlives its token by a minute: a request in that minute
    // is told the session expired, rather than that no one signed in.
    let lifetime = issued
        .expires_at
        .unix_millis()
        .saturating_sub(crate::domain::Timestamp::now().unix_millis())
        / 1000
        + 60;
    let mut response = session_answer(signed_in);
    response.headers_mut().insert(
        SET_COOKIE,
        cookie(Some((&issued.token, lifetime)), &headers),
    );
    Ok(response)
}

/// `GET {console}/session`: the signed-in user, or 401 when the session
/// has ended (expired, revoked, or its user blocked or gone).
async fn whoami(
    State(app): State<AppState>,
    headers: HeaderMap,
    token: Token,
) -> Result<HttpResponse> {
    same_origin(&headers)?;
    Ok(session_answer(me(&app, token).await?))
}

/// Who signed in, as an answer no cache keeps.
fn session_answer(signed_in: SignedIn) -> HttpResponse {
    let mut response = Json(Data { data: signed_in }).into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `DELETE {console}/session`: revokes the session's token and clears the
/// cookie, whatever state the token was in.
async fn sign_out(
    State(app): State<AppState>,
    headers: HeaderMap,
    token: Token,
) -> Result<HttpResponse> {
    same_origin(&headers)?;
    if let Some(t) = token.token.clone() {
        let origin = token.origin.clone();
        // A token already dead needs no revoking: the cookie goes anyway.
        let _ = app
            .blocking(move |service| {
                let session = service.session(&t)?;
                service.logout(&session, &origin)
            })
            .await;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, cookie(None, &headers));
    Ok(response)
}

/// Who a token's session is, and its user as the API shows it to that user
/// (when it may read it).
async fn me(app: &AppState, token: Token) -> Result<SignedIn> {
    let Some(raw) = token.token.clone() else {
        return Err(Error::Unauthorized("not signed in".to_owned()));
    };
    let session = app.blocking(move |service| service.session(&raw)).await?;
    let user = if session.must_change_password {
        None
    } else {
        match app
            .call(
                token,
                Request::GetUser {
                    user: UserRef::Id(session.user_id),
                },
            )
            .await?
        {
            Response::User(user) => Some(user),
            _ => return Err(Error::internal("unexpected response")),
        }
    };
    Ok(SignedIn {
        id: session.user_id,
        role: session.role,
        must_change_password: session.must_change_password,
        expires: session.expires,
        user,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_paths_are_checked() {
        assert_eq!(parse_path("/admin/").as_deref(), Ok("/admin/"));
        assert_eq!(parse_path("/admin").as_deref(), Ok("/admin/"));
        assert_eq!(parse_path("/ops/console/").as_deref(), Ok("/ops/console/"));
        for bad in [
            "", "/", "admin", "/a b/", "/a//b/", "/users/", "/SCIM/x/", "/a/?x",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?} was taken");
        }
    }

    #[test]
    fn the_cookie_counts_only_beside_the_console_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("a=b; usersctl_console=t.o.k; c=d"),
        );
        assert_eq!(cookie_token(&headers), None);
        headers.insert(HEADER, HeaderValue::from_static("1"));
        assert_eq!(cookie_token(&headers).as_deref(), Some("t.o.k"));
    }
}

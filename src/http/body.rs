//! Request input: JSON bodies (415 unless JSON, 400 with per-field details),
//! query strings, and the token headers.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::fields::Fields;

/// A JSON object body, with its fields taken out one by one so each problem is
/// reported against its field.
pub struct JsonObject(pub Fields);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(Error::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge
            } else {
                Error::usage(format!("cannot read the request body: {rejection}"))
            }
        })?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(JsonObject(Fields::new(map))),
            Ok(_) => Err(Error::usage("the request body must be a JSON object")),
            Err(e) => Err(Error::usage(format!(
                "the request body is not valid JSON: {e}"
            ))),
        }
    }
}

/// The presented token, if any: `Authorization: Bearer <t>` or `token: <t>`.
/// Both headers with different tokens, or a token in the query string, are
/// refused. With it, where the request comes from (for the audit trail).
pub struct Token {
    pub token: Option<String>,
    pub origin: crate::domain::audit::Origin,
}

/// Where a request comes from, for one that takes no token (a login).
pub struct RequestOrigin(pub crate::domain::audit::Origin);

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        Ok(RequestOrigin(super::middleware::origin_of(
            &parts.extensions,
        )))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Token {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        let in_query = parts.uri.query().is_some_and(|q| {
            q.split('&').any(|pair| {
                let key = pair
                    .split('=')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                matches!(
                    key.as_str(),
                    "token" | "access_token" | "jwt" | "authorization"
                )
            })
        });
        if in_query {
            return Err(Error::Unauthorized(
                "tokens are not accepted in the query string; send an Authorization header"
                    .to_owned(),
            ));
        }
        Ok(Token {
            token: presented_token(&parts.headers)?,
            origin: super::middleware::origin_of(&parts.extensions),
        })
    }
}

/// The token the headers present, if any (see `Token`); shared with the rate
/// limit, which counts a request against its token's holder.
pub fn presented_token(headers: &axum::http::HeaderMap) -> Result<Option<String>> {
    // A header given twice with different values is refused, not taken
    // first or last: a proxy and the server could each pick another.
    let header = |name: axum::http::HeaderName| -> Result<Option<String>> {
        let mut values = headers.get_all(&name).iter().map(|v| {
            v.to_str()
                .map(|v| v.trim().to_owned())
                .map_err(|_| Error::Unauthorized("malformed token header".to_owned()))
        });
        let Some(first) = values.next().transpose()? else {
            return Ok(None);
        };
        for other in values {
            if other? != first {
                return Err(Error::Unauthorized(format!(
                    "more than one {name} header, with different values"
                )));
            }
        }
        Ok(Some(first))
    };
    let bearer = header(AUTHORIZATION)?
        .map(|value| match value.split_once(' ') {
            Some((scheme, token))
                if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
            {
                Ok(token.trim().to_owned())
            }
            _ => Err(Error::Unauthorized(
                "malformed Authorization header: expected `Bearer <token>`".to_owned(),
            )),
        })
        .transpose()?;
    let plain = header(axum::http::HeaderName::from_static("token"))?.filter(|t| !t.is_empty());
    match (bearer, plain) {
        (Some(a), Some(b)) if a != b => Err(Error::Unauthorized(
            "the Authorization and token headers carry different tokens".to_owned(),
        )),
        (a, b) => Ok(a.or(b).or_else(|| super::console::cookie_token(headers))),
    }
}

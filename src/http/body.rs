//! Request input: JSON bodies (415 unless JSON, 400 with per-field details),
//! query strings, and the token headers.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};

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

/// The fields of a JSON object, taken out with their validation; whatever is
/// wrong is collected, and `finish` reports it all at once.
pub struct Fields {
    map: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
        }
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A present, non-null string field, parsed.
    pub fn string<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match parse(&s) {
                Ok(v) => Some(v),
                Err(m) => {
                    self.error(field, m);
                    None
                }
            },
            Some(_) => {
                self.error(field, "must be a string");
                None
            }
        }
    }

    /// A string field that must be present.
    pub fn required<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        if !matches!(self.map.get(field), Some(v) if !v.is_null()) {
            self.error(field, "is required");
            self.map.remove(field);
            return None;
        }
        self.string(field, parse)
    }

    /// A nullable string field: absent → `None`, null → `Some(None)`.
    pub fn nullable<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match self.map.get(field) {
            None => None,
            Some(Value::Null) => {
                self.map.remove(field);
                Some(None)
            }
            Some(_) => self.string(field, parse).map(Some),
        }
    }

    pub fn bool(&mut self, field: &str) -> Option<bool> {
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(_) => {
                self.error(field, "must be true or false");
                None
            }
        }
    }

    pub fn object(&mut self, field: &str) -> Option<Map<String, Value>> {
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.error(field, "must be a JSON object");
                None
            }
        }
    }

    pub fn array_of_strings(&mut self, field: &str) -> Option<Vec<String>> {
        match self.map.remove(field) {
            Some(Value::Array(items)) => {
                let strings: Option<Vec<String>> = items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                if strings.is_none() {
                    self.error(field, "must be an array of strings");
                }
                strings
            }
            None | Some(Value::Null) => {
                self.error(field, "is required");
                None
            }
            Some(_) => {
                self.error(field, "must be an array of strings");
                None
            }
        }
    }

    /// Records a problem that involves the fields together.
    pub fn invalid(&mut self, field: &str, message: &str) {
        self.error(field, message);
    }

    /// Fails with every problem found, including fields nobody asked for.
    pub fn finish(mut self) -> Result<()> {
        let unknown: Vec<String> = self.map.keys().cloned().collect();
        for key in unknown {
            self.error(&key, "is not a known field");
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::fields(self.errors))
        }
    }
}

/// The presented token, if any: `Authorization: Bearer <t>` or `token: <t>`.
/// Both headers with different tokens, or a token in the query string, are refused.
pub struct Token(pub Option<String>);

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
        let header = |name| {
            parts
                .headers
                .get(name)
                .map(|v| v.to_str().map(str::trim).map(str::to_owned))
                .transpose()
                .map_err(|_| Error::Unauthorized("malformed token header".to_owned()))
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
            (a, b) => Ok(Token(a.or(b))),
        }
    }
}

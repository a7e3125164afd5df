//! Errors as HTTP answers: the status from `Error::status`, a JSON body
//! `{"error", "message", "details"?}`, and `Retry-After` where it helps.

use axum::Json;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::openapi::ErrorBody;
use crate::error::Error;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if matches!(self, Error::Internal(_) | Error::Interrupted(_)) {
            tracing::error!(error = %self, "internal error");
        }
        let details = self.details();
        let body = ErrorBody {
            error: self.code().to_owned(),
            message: self.public_message(),
            details: (!details.is_empty()).then(|| details.to_vec()),
        };
        let mut response = (self.status(), Json(body)).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after()
            && matches!(
                self.status(),
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            )
        {
            headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status() == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The JSON error body for an answer produced outside the handlers (unknown
/// route, wrong method, body limit, timeout), keeping its status and headers.
pub fn json_error_for(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("not_found", "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this method is not allowed here; the Allow header lists those that are",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "the request body must be JSON (Content-Type: application/json)",
        ),
        s if s.is_server_error() => ("internal", "internal error"),
        _ => ("invalid_input", "malformed request"),
    }
}

pub fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/json") || v.starts_with("application/scim+json")
        })
}

//! The one error type of usersctl. Its exit code and its HTTP status sit side by
//! side so the command line and the API can never disagree about what an error is.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem with one input field, reported in the `details` of a validation error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Error {
    /// Invalid input: a field failed validation or the request was malformed.
    #[error("{message}")]
    Invalid {
        message: String,
        details: Vec<FieldError>,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// Some of the users named in a bulk delete did not exist; the rest were deleted.
    #[error("{0}")]
    PartlyNotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Wrong credentials, unknown user or blocked account: deliberately one message.
    #[error("invalid username or password")]
    AuthFailed,
    /// A missing, malformed, expired or revoked token.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unavailable(String),
    /// The database is held by another process (perhaps a server that can
    /// carry the operation out instead).
    #[error("{0}")]
    Locked(String),
    /// Too much work already under way (password hashing); try again shortly.
    #[error("{0}")]
    Busy(String),
    /// Too many requests; the client may retry after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// Stopped by the operator (Ctrl-C, or a confirmation declined).
    #[error("{0}")]
    Interrupted(String),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::Invalid {
            message: format!("invalid {field}: {message}"),
            details: vec![FieldError::new(field, message)],
        }
    }

    /// A list's `cursor` that no page of that list could have given.
    pub fn bad_cursor() -> Self {
        Error::invalid("cursor", "is not a cursor this listing returned")
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Validation errors of several fields at once.
    pub fn fields(details: Vec<FieldError>) -> Self {
        let message = details
            .iter()
            // A field name may come from the input (an unknown field): escaped,
            // it cannot break the one-line message or drive a terminal.
            .map(|d| format!("{}: {}", d.field.escape_debug(), d.message))
            .collect::<Vec<_>>()
            .join("; ");
        Error::Invalid {
            message: format!("invalid input: {message}"),
            details,
        }
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        Error::Internal(err.to_string())
    }

    /// The process exit code of SPEC section 3.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Internal(_) => 1,
            Error::Invalid { .. } | Error::UnsupportedMediaType | Error::PayloadTooLarge => 2,
            Error::NotFound(_) | Error::PartlyNotFound(_) => 3,
            Error::Conflict(_) => 4,
            Error::AuthFailed | Error::Unauthorized(_) | Error::Forbidden(_) => 5,
            Error::Unavailable(_)
            | Error::Locked(_)
            | Error::Busy(_)
            | Error::RateLimited { .. } => 6,
            Error::Interrupted(_) => 130,
        }
    }

    /// The HTTP status of SPEC section 4.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Invalid { .. } => StatusCode::BAD_REQUEST,
            Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::NotFound(_) | Error::PartlyNotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::AuthFailed | Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Unavailable(_) | Error::Locked(_) | Error::Busy(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Interrupted(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code in JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid_input",
            Error::UnsupportedMediaType => "unsupported_media_type",
            Error::PayloadTooLarge => "payload_too_large",
            Error::NotFound(_) | Error::PartlyNotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::AuthFailed => "invalid_credentials",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Unavailable(_) | Error::Locked(_) => "unavailable",
            Error::Busy(_) => "busy",
            Error::RateLimited { .. } => "rate_limited",
            Error::Interrupted(_) => "interrupted",
            Error::Internal(_) => "internal",
        }
    }

    /// The message safe to show to a remote client: internals stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            Error::Internal(_) | Error::Interrupted(_) => "internal error".to_owned(),
            other => other.to_string(),
        }
    }

    /// Seconds a client should wait before retrying, for 429 and 503 answers.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after, .. } => Some(*retry_after),
            Error::Busy(_) | Error::Unavailable(_) | Error::Locked(_) => Some(1),
            _ => None,
        }
    }

    pub fn details(&self) -> &[FieldError] {
        match self {
            Error::Invalid { details, .. } => details,
            _ => &[],
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::Interrupted => Error::Interrupted("interrupted".to_owned()),
            _ => Error::Internal(format!("I/O error: {err}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_spec() {
        assert_eq!(Error::internal("x").exit_code(), 1);
        assert_eq!(Error::usage("x").exit_code(), 2);
        assert_eq!(Error::NotFound("x".into()).exit_code(), 3);
        assert_eq!(Error::Conflict("x".into()).exit_code(), 4);
        assert_eq!(Error::AuthFailed.exit_code(), 5);
        assert_eq!(Error::Unavailable("x".into()).exit_code(), 6);
        assert_eq!(Error::Interrupted("x".into()).exit_code(), 130);
    }

    #[test]
    fn statuses_follow_the_spec() {
        assert_eq!(Error::usage("x").status(), 400);
        assert_eq!(Error::AuthFailed.status(), 401);
        assert_eq!(Error::Forbidden("x".into()).status(), 403);
        assert_eq!(Error::NotFound("x".into()).status(), 404);
        assert_eq!(Error::Conflict("x".into()).status(), 409);
        assert_eq!(
            Error::RateLimited {
                message: "x".into(),
                retry_after: 1
            }
            .status(),
            429
        );
        assert_eq!(Error::Unavailable("x".into()).status(), 503);
    }

    #[test]
    fn every_error_round_trips_through_json() {
        let errors = [
            Error::fields(vec![FieldError::new("email", "bad")]),
            Error::NotFound("x".into()),
            Error::AuthFailed,
            Error::RateLimited {
                message: "slow".into(),
                retry_after: 3,
            },
            Error::Locked("held".into()),
        ];
        for err in errors {
            let wire = serde_json::to_string(&err).unwrap();
            let back: Error = serde_json::from_str(&wire).unwrap();
            assert_eq!(
                (back.exit_code(), back.to_string()),
                (err.exit_code(), err.to_string())
            );
        }
    }

    #[test]
    fn internal_details_never_reach_a_client() {
        let err = Error::internal("sled: corrupted page 17 at /var/db");
        assert_eq!(err.public_message(), "internal error");
    }
}

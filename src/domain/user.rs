use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Attributes, DisplayName, Email, Role, Timestamp, Username};

/// A user as everyone outside the store sees it: never with its password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    #[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9._-]{2,31}$")]
    pub username: Username,
    #[schema(value_type = String, max_length = 254)]
    pub email: Email,
    #[schema(value_type = Option<String>, max_length = 128)]
    pub name: Option<DisplayName>,
    pub role: Role,
    pub blocked: bool,
    pub block_reason: Option<String>,
    pub must_change_password: bool,
    #[schema(value_type = Object)]
    pub attributes: Attributes,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub password_changed_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_login_at: Option<Timestamp>,
}

/// One line of `users export`: the user, its password hash, and the names
/// of its groups (left out when it is in none).
#[derive(Serialize)]
pub struct ExportLine<'a> {
    #[serde(flatten)]
    pub user: &'a User,
    pub password_hash: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub groups: &'a [String],
}

/// Adds `"groups": [...]` to the export line that `buf` ends with (`…}\n`),
/// unless `groups` is empty: lines written straight from stored bytes get
/// their groups this way.
pub fn append_groups(buf: &mut Vec<u8>, groups: &[String]) {
    if groups.is_empty() || !buf.ends_with(b"}\n") {
        return;
    }
    buf.truncate(buf.len() - 2);
    buf.extend_from_slice(b",\"groups\":");
    // A list of strings always serializes.
    let _ = serde_json::to_writer(&mut *buf, groups);
    buf.extend_from_slice(b"}\n");
}

/// A user with its password hash: what the store keeps. The hash leaves the
/// service layer only through `users export`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub user: User,
    pub password_hash: String,
    /// Tokens issued before this instant stay dead: set when the account is
    /// blocked, so that unblocking it does not bring them back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_after: Option<Timestamp>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// How a user is named on the command line and in URLs: by id, email or username.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum UserRef {
    Id(Uuid),
    Email(Email),
    Username(Username),
}

impl UserRef {
    /// Whether this reference names `user`.
    pub fn names(&self, user: &User) -> bool {
        match self {
            UserRef::Id(id) => *id == user.id,
            UserRef::Email(email) => email.key() == user.email.key(),
            UserRef::Username(name) => *name == user.username,
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        // Only the hyphenated form is an id: 32 bare hex digits are a valid
        // username, and must stay usable as one.
        if input.len() == 36
            && let Ok(id) = Uuid::parse_str(input)
        {
            return Ok(UserRef::Id(id));
        }
        if input.contains('@') {
            return Email::parse(input).map(UserRef::Email);
        }
        Username::parse(input)
            .map(UserRef::Username)
            .map_err(|e| format!("not a user id, email or username: username {e}"))
    }
}

impl FromStr for UserRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<String> for UserRef {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<UserRef> for String {
    fn from(r: UserRef) -> String {
        r.to_string()
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserRef::Id(id) => write!(f, "{id}"),
            UserRef::Email(e) => write!(f, "{e}"),
            UserRef::Username(u) => write!(f, "{u}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_an_id_an_email_or_a_username() {
        let id = Uuid::now_v7();
        assert_eq!(UserRef::parse(&id.to_string()).unwrap(), UserRef::Id(id));
        assert!(matches!(
            UserRef::parse("a@example.com").unwrap(),
            UserRef::Email(_)
        ));
        assert!(
            matches!(UserRef::parse("Alice").unwrap(), UserRef::Username(u) if u.as_str() == "alice")
        );
        assert!(UserRef::parse("no such thing!").is_err());
        assert!(UserRef::parse("a@b").is_err());
    }
}

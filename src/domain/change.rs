//! A new user and a change to a user: each field described once (the HTTP
//! bodies' OpenAPI schemas are made from these descriptions), read once from
//! JSON (the `POST`/`PATCH` bodies; an import line reads the same `Profile`),
//! and turned into a user once (`Profile::into_user`, `UserPatch::apply`).
//! A new user field is added here, on `User`, and in the places ARCHITECTURE.md
//! lists.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Account, Attributes, DisplayName, Email, Password, Role, Timestamp, User, Username};
use crate::error::{Error, Result};
use crate::fields::{Field, Fields, Kind, documented, field, required};

/// What a person chooses about an account when it is made (by a command, a
/// `POST /users` body or an import line).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profile {
    pub username: Username,
    pub email: Email,
    #[serde(default)]
    pub name: Option<DisplayName>,
    #[serde(default)]
    pub role: Role,
    #[serde(default)]
    pub attributes: Attributes,
    #[serde(default)]
    pub must_change_password: bool,
}

impl Profile {
    /// The profile's fields, as `POST /users` and an import line take them.
    pub const FIELDS: [Field; 6] = [
        required("username", USERNAME),
        required("email", EMAIL),
        field("name", NAME),
        field("role", Kind::Role),
        field("attributes", Kind::Object),
        field("must_change_password", Kind::Bool),
    ];

    /// Reads the profile's fields; `None` when one is wrong (it is recorded
    /// in `f`).
    pub fn read(f: &mut Fields) -> Option<Profile> {
        let username = f.required("username", Username::parse);
        let email = f.required("email", Email::parse);
        let name = f.nullable("name", DisplayName::parse).flatten();
        let role = f.string("role", str::parse::<Role>).unwrap_or_default();
        let attributes = match f.object("attributes").map(Attributes::parse) {
            Some(Ok(a)) => Some(a),
            Some(Err(m)) => {
                f.invalid("attributes", &m);
                None
            }
            None => Some(Attributes::default()),
        };
        let must_change_password = f.bool("must_change_password").unwrap_or(false);
        Some(Profile {
            username: username?,
            email: email?,
            name,
            role,
            attributes: attributes?,
            must_change_password,
        })
    }

    /// A new, unblocked user with this profile, made at `now`.
    pub fn into_user(self, id: Uuid, now: Timestamp) -> User {
        User {
            id,
            username: self.username,
            email: self.email,
            name: self.name,
            role: self.role,
            blocked: false,
            block_reason: None,
            must_change_password: self.must_change_password,
            attributes: self.attributes,
            created_at: now,
            updated_at: now,
            password_changed_at: now,
            last_login_at: None,
        }
    }
}

/// Where a new password comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordChoice {
    Given(Password),
    Generate,
}

impl PasswordChoice {
    const FIELDS: [Field; 2] = [
        field("password", PASSWORD),
        field("generate_password", Kind::Bool),
    ];

    /// Reads `password` or `"generate_password": true`; `required` when one
    /// of them must be there.
    fn read(f: &mut Fields, required: bool) -> Option<PasswordChoice> {
        let password = f.string("password", |s| Password::parse(s));
        let generate = f.bool("generate_password").unwrap_or(false);
        match (password, generate) {
            (Some(p), false) => Some(PasswordChoice::Given(p)),
            (None, true) => Some(PasswordChoice::Generate),
            (Some(_), true) => {
                f.invalid(
                    "password",
                    "give a password or \"generate_password\": true, not both",
                );
                None
            }
            (None, false) => {
                if required {
                    f.invalid(
                        "password",
                        "is required (or send \"generate_password\": true)",
                    );
                }
                None
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    #[serde(flatten)]
    pub profile: Profile,
    pub password: PasswordChoice,
}

impl NewUser {
    /// The fields of `POST /users`.
    pub const FIELDS: [Field; 8] = concat(Profile::FIELDS, PasswordChoice::FIELDS);

    /// Reads a `POST /users` body.
    pub fn read(f: &mut Fields) -> Option<NewUser> {
        let profile = Profile::read(f);
        let password = PasswordChoice::read(f, true);
        Some(NewUser {
            profile: profile?,
            password: password?,
        })
    }
}

/// A change to a user: each field that is present is changed, the rest kept.
/// For the nullable fields, `Some(None)` clears the value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<Username>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "double_option"
    )]
    pub name: Option<Option<DisplayName>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Merged into the attributes: a `null` value removes its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "double_option"
    )]
    pub block_reason: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_change_password: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordChoice>,
    /// Required when users change their own password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<Password>,
}

impl UserPatch {
    /// The fields of `PATCH /users/{user}`: all optional.
    pub const FIELDS: [Field; 11] = concat(
        optional(Profile::FIELDS),
        [
            field("blocked", Kind::Bool),
            documented(
                field("block_reason", BLOCK_REASON),
                "Kept while the user is blocked; cleared on unblock",
            ),
            PasswordChoice::FIELDS[0],
            PasswordChoice::FIELDS[1],
            documented(
                field("current_password", CURRENT_PASSWORD),
                "Required when users change their own password",
            ),
        ],
    );

    /// Reads a `PATCH /users/{user}` body.
    pub fn read(f: &mut Fields) -> UserPatch {
        UserPatch {
            username: f.string("username", Username::parse),
            email: f.string("email", Email::parse),
            name: f.nullable("name", DisplayName::parse),
            role: f.string("role", str::parse::<Role>),
            attributes: f.object("attributes"),
            blocked: f.bool("blocked"),
            block_reason: f.nullable("block_reason", |s| Ok::<_, String>(s.to_owned())),
            must_change_password: f.bool("must_change_password"),
            password: PasswordChoice::read(f, false),
            current_password: f.string("current_password", |s| Password::parse(s)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.username.is_none()
            && self.email.is_none()
            && self.name.is_none()
            && self.role.is_none()
            && self.attributes.is_none()
            && self.blocked.is_none()
            && self.block_reason.is_none()
            && self.must_change_password.is_none()
            && self.password.is_none()
    }

    /// The next state of `acct`, with `new_hash` as its password when one is
    /// set. Pure: a store transaction may run it more than once.
    pub fn apply(
        &self,
        acct: &Account,
        new_hash: Option<&str>,
        own: bool,
        now: Timestamp,
    ) -> Result<Account> {
        let mut next = acct.clone();
        let u = &mut next.user;
        if let Some(v) = &self.username {
            u.username = v.clone();
        }
        if let Some(v) = &self.email {
            u.email = v.clone();
        }
        if let Some(v) = &self.name {
            u.name = v.clone();
        }
        if let Some(v) = self.role {
            u.role = v;
        }
        if let Some(map) = &self.attributes {
            u.attributes = Attributes::merged(&u.attributes, map)
                .map_err(|m| Error::invalid("attributes", m))?;
        }
        if let Some(blocked) = self.blocked {
            u.blocked = blocked;
        }
        if let Some(reason) = &self.block_reason {
            u.block_reason = reason.clone();
        }
        // A reason describes a block: an unblocked user has none.
        if !u.blocked {
            u.block_reason = None;
        }
        if let Some(v) = self.must_change_password {
            u.must_change_password = v;
        }
        if let Some(hash) = new_hash {
            next.password_hash = hash.to_owned();
            u.password_changed_at = now;
            // A new password the user chose itself satisfies the demand for
            // one; a password an operator or admin sets is still the user's
            // to change.
            if own && self.must_change_password.is_none() {
                u.must_change_password = false;
            }
        }
        u.updated_at = now;
        // Blocking ends every token issued so far, for good: unblocking does
        // not bring them back.
        if self.blocked == Some(true) && !acct.user.blocked {
            next.tokens_after = Some(now);
        }
        Ok(next)
    }
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(super) fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

// What the schemas state of each text field; the domain types check the same.
pub const USERNAME: Kind = Kind::Text {
    min: None,
    max: None,
    pattern: Some("^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$"),
    format: None,
};
const EMAIL: Kind = Kind::Text {
    min: None,
    max: Some(254),
    pattern: None,
    format: Some("email"),
};
pub const NAME: Kind = Kind::Text {
    min: None,
    max: Some(128),
    pattern: Some(
        "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$",
    ),
    format: None,
};
const PASSWORD: Kind = Kind::Text {
    min: Some(8),
    max: Some(1024),
    pattern: None,
    format: None,
};
const BLOCK_REASON: Kind = Kind::Text {
    min: None,
    max: Some(256),
    pattern: Some("^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
    format: None,
};
const CURRENT_PASSWORD: Kind = Kind::Text {
    min: Some(1),
    max: Some(1024),
    pattern: None,
    format: None,
};

/// The same fields, none required (a `PATCH` changes only what it names).
const fn optional<const N: usize>(mut fields: [Field; N]) -> [Field; N] {
    let mut i = 0;
    while i < N {
        fields[i].required = false;
        i += 1;
    }
    fields
}

/// `a` then `b`, as one array (`C` is `A + B`, checked when it is built).
const fn concat<const A: usize, const B: usize, const C: usize>(
    a: [Field; A],
    b: [Field; B],
) -> [Field; C] {
    assert!(A + B == C, "concat: C must be A + B");
    let mut out = [field("", Kind::Bool); C];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < C {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(body: Value) -> Fields {
        match body {
            Value::Object(map) => Fields::new(map),
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_new_user_is_read_field_by_field_and_every_problem_is_reported() {
        let mut f = fields(json!({
            "username": "Alice", "email": "Alice@Example.com", "name": "Alice A",
            "role": "admin", "attributes": {"team": "ops"}, "must_change_password": true,
            "generate_password": true,
        }));
        let new = NewUser::read(&mut f).unwrap();
        f.finish().unwrap();
        let user = new.profile.into_user(Uuid::nil(), Timestamp::now());
        assert_eq!(user.username.as_str(), "alice");
        assert_eq!(user.email.as_str(), "Alice@Example.com");
        assert_eq!(user.role, Role::Admin);
        assert!(user.must_change_password && !user.blocked);
        assert!(matches!(new.password, PasswordChoice::Generate));

        let mut f = fields(json!({"username": "x", "role": "boss", "color": "red"}));
        assert!(NewUser::read(&mut f).is_none());
        let err = f.finish().unwrap_err();
        let mut named: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
        named.sort();
        assert_eq!(
            named,
            ["color", "email", "password", "role", "username"],
            "{err:?}"
        );
    }

    #[test]
    fn a_patch_tells_absent_from_null_and_applies_only_what_it_names() {
        let mut f = fields(json!({"name": null, "blocked": true, "block_reason": "audit"}));
        let patch = UserPatch::read(&mut f);
        f.finish().unwrap();
        assert_eq!(patch.name, Some(None));
        assert!(patch.email.is_none() && patch.password.is_none());
        let mut f = fields(json!({
            "username": "alice", "email": "a@example.com", "name": "Alice",
            "password": "correct horse battery",
        }));
        let before = Account {
            user: NewUser::read(&mut f)
                .unwrap()
                .profile
                .into_user(Uuid::nil(), Timestamp::now()),
            password_hash: "old".to_owned(),
            tokens_after: None,
        };
        let now = Timestamp::now();
        let after = patch.apply(&before, None, false, now).unwrap();
        assert_eq!(after.user.name, None);
        assert_eq!(after.user.username, before.user.username);
        assert!(after.user.blocked);
        assert_eq!(after.user.block_reason.as_deref(), Some("audit"));
        assert_eq!(after.tokens_after, Some(now), "blocking ends every token");
        assert_eq!(after.password_hash, "old");
        let unblock = UserPatch {
            blocked: Some(false),
            ..UserPatch::default()
        };
        let again = unblock.apply(&after, None, false, now).unwrap();
        assert!(!again.user.blocked && again.user.block_reason.is_none());
        assert_eq!(again.tokens_after, Some(now), "unblocking brings none back");
    }
}

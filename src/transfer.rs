//! `users export` and `users import`: JSON Lines, one user a line, with the
//! fields of SPEC section 2 and the password as `password_hash` (an argon2id PHC
//! string, or a bcrypt hash from a system being migrated) or plain `password`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::{Account, Password, Profile, Timestamp, User, Username};
use crate::error::{Error, Result};
use crate::fields::Fields;
use crate::hashing;

/// How an imported user's password arrives.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportSecret {
    /// To be hashed on import.
    Password(Password),
    /// Kept as it is (argon2id PHC, or bcrypt `$2a$`/`$2b$`/`$2y$`).
    Hash(String),
}

/// A parsed import line: everything but the hash is final.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportUser {
    pub user: User,
    pub secret: ImportSecret,
    /// The id was made here (the line named none): no stored user can have
    /// it, so the store need not look for one. Never taken from the wire: a
    /// server checks every id it is sent.
    #[serde(skip)]
    pub fresh_id: bool,
    /// The groups it is a member of, by name (made by the import where
    /// there are none of that name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Username>,
}

impl ImportUser {
    /// Parses one line; what is wrong is reported field by field.
    pub fn parse_line(line: &str) -> Result<ImportUser> {
        let map = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(Error::usage("not a JSON object")),
            Err(e) => return Err(Error::usage(format!("not valid JSON: {e}"))),
        };
        let mut f = Fields::new(map);
        let now = Timestamp::now();
        let id = f.string("id", |s| Uuid::parse_str(s).map_err(|e| e.to_string()));
        let profile = Profile::read(&mut f);
        let blocked = f.bool("blocked").unwrap_or(false);
        let block_reason = f
            .nullable("block_reason", |s| {
                crate::domain::text::check_block_reason(s)
                    .map(|()| s.to_owned())
                    .map_err(|e| {
                        e.details()
                            .first()
                            .map(|d| d.message.clone())
                            .unwrap_or_default()
                    })
            })
            .flatten();
        let created_at = f.string("created_at", Timestamp::parse).unwrap_or(now);
        let updated_at = f
            .string("updated_at", Timestamp::parse)
            .unwrap_or(created_at);
        let password_changed_at = f
            .string("password_changed_at", Timestamp::parse)
            .unwrap_or(created_at);
        let last_login_at = f.nullable("last_login_at", Timestamp::parse).flatten();
        let groups = match f.optional_strings("groups") {
            None => Vec::new(),
            Some(names) => {
                let mut groups: Vec<Username> = Vec::new();
                for name in &names {
                    match Username::parse(name) {
                        Ok(g) if !groups.contains(&g) => groups.push(g),
                        Ok(_) => {}
                        Err(m) => {
                            f.invalid("groups", &format!("group name {name:?} {m}"));
                            break;
                        }
                    }
                }
                groups
            }
        };
        let has_secret = f.contains("password") || f.contains("password_hash");
        let password = f.string("password", |s| Password::parse(s));
        let hash = f.string("password_hash", |s| match hashing::hash_problem(s) {
            None => Ok(s.to_owned()),
            Some(problem) => Err(problem),
        });
        let secret = match (password, hash) {
            (Some(p), None) => Some(ImportSecret::Password(p)),
            (None, Some(h)) => Some(ImportSecret::Hash(h)),
            (Some(_), Some(_)) => {
                f.invalid("password", "give password or password_hash, not both");
                None
            }
            (None, None) => {
                if !has_secret {
                    f.invalid("password_hash", "is required (or a plain password)");
                }
                None
            }
        };
        f.finish()?;
        let (Some(profile), Some(secret)) = (profile, secret) else {
            return Err(Error::internal("fields checked above"));
        };
        // An id keeps the user's identity across export and import; new users
        // get a time-ordered one.
        let user = User {
            blocked,
            block_reason: if blocked { block_reason } else { None },
            updated_at,
            password_changed_at,
            last_login_at,
            ..profile.into_user(id.unwrap_or_else(Uuid::now_v7), created_at)
        };
        Ok(ImportUser {
            user,
            secret,
            fresh_id: id.is_none(),
            groups,
        })
    }

    /// The account to store, once any plain password is hashed.
    pub fn into_account(self, hash: String) -> Account {
        Account {
            user: self.user,
            password_hash: hash,
            tokens_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W5u2PHTg5Pi8mYVtVOpfBqzN5Xc1/kHDWTSQu3JWr8o";

    #[test]
    fn a_minimal_line_gets_defaults() {
        let u = ImportUser::parse_line(&format!(
            r#"{{"username":"Alice","email":"a@example.com","password_hash":"{HASH}"}}"#
        ))
        .unwrap();
        assert_eq!(u.user.username.as_str(), "alice");
        assert_eq!(u.user.role, Role::User);
        assert!(matches!(u.secret, ImportSecret::Hash(_)));
    }

    #[test]
    fn bcrypt_hashes_are_accepted_for_migration() {
        let line = r#"{"username":"bob","email":"b@example.com","password_hash":"$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie"}"#;
        assert!(ImportUser::parse_line(line).is_ok());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let err = ImportUser::parse_line(
            r#"{"username":"x","email":"nope","password_hash":"plain","role":"root","extra":1}"#,
        )
        .unwrap_err();
        let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
        for f in ["username", "email", "password_hash", "role", "extra"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn garbage_is_refused() {
        assert!(ImportUser::parse_line("not json").is_err());
        assert!(ImportUser::parse_line("[1]").is_err());
        let both = format!(
            r#"{{"username":"bob","email":"b@example.com","password":"long enough pw","password_hash":"{HASH}"}}"#
        );
        assert!(ImportUser::parse_line(&both).is_err());
    }
}

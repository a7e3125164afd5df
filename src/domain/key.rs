//! API keys for services: a long random secret that acts as its user, sent
//! as `Authorization: Bearer <key>`. Only a hash of the secret is kept; the
//! key is shown once, when it is made.
//!
//! A key reads `usk_` + its id (32 hex digits) + its secret (64 hex digits):
//! the id finds the stored key in one lookup, and the secret's SHA-256 is
//! compared in constant time. The secret has 256 bits of its own, so a fast
//! hash is enough (no password-stretching: nothing here can be guessed).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::{Timestamp, Username};

/// What every key starts with: tells it from a login token at a glance.
pub const KEY_PREFIX: &str = "usk_";
const ID_HEX: usize = 32;
const SECRET_HEX: usize = 64;

/// A key as listed: never its secret, nor the secret's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: Uuid,
    #[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9._-]{2,31}$")]
    pub name: Username,
    /// The user it acts as.
    pub user: Uuid,
    /// That user's username now (absent when the user is gone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub username: Option<Username>,
    /// May only read.
    pub read_only: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

/// A key as stored: what is listed, and the SHA-256 of its secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredKey {
    pub key: ApiKey,
    pub hash: [u8; 32],
}

impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("key", &self.key)
            .field("hash", &"<redacted>")
            .finish()
    }
}

/// A key's full text, shown once. Not `Debug` or `Display`: it is printed
/// only on purpose (`expose`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeySecret(String);

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeySecret(<redacted>)")
    }
}

impl KeySecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn digest(secret: &[u8]) -> [u8; 32] {
    Sha256::digest(secret).into()
}

impl StoredKey {
    /// A new key for `user`, and its text (to show once).
    pub fn generate(
        name: Username,
        user: Uuid,
        read_only: bool,
        expires_at: Option<Timestamp>,
    ) -> std::io::Result<(StoredKey, KeySecret)> {
        let mut secret = [0u8; SECRET_HEX / 2];
        getrandom::getrandom(&mut secret).map_err(std::io::Error::other)?;
        let id = Uuid::now_v7();
        let text = format!("{KEY_PREFIX}{}{}", id.simple(), hex(&secret));
        let stored = StoredKey {
            key: ApiKey {
                id,
                name,
                user,
                username: None,
                read_only,
                created_at: Timestamp::now(),
                expires_at,
                last_used_at: None,
            },
            hash: digest(&secret),
        };
        Ok((stored, KeySecret(text)))
    }

    /// Whether `presented` is this key, compared in constant time.
    pub fn matches(&self, presented: &PresentedKey) -> bool {
        self.key.id == presented.id && bool::from(digest(&presented.secret).ct_eq(&self.hash))
    }
}

/// A key as a request presents it, split into its id and its secret.
pub struct PresentedKey {
    pub id: Uuid,
    secret: Vec<u8>,
}

impl PresentedKey {
    /// `None` unless `text` has a key's form (it may still be no key).
    pub fn parse(text: &str) -> Option<PresentedKey> {
        let rest = text.strip_prefix(KEY_PREFIX)?;
        if rest.len() != ID_HEX + SECRET_HEX {
            return None;
        }
        let id = Uuid::try_parse(rest.get(..ID_HEX)?).ok()?;
        let secret = unhex(rest.get(ID_HEX..)?)?;
        Some(PresentedKey { id, secret })
    }

    /// Whether `text` looks like a key rather than a login token.
    pub fn is_key(text: &str) -> bool {
        text.starts_with(KEY_PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_matches_itself_and_nothing_else() {
        let name = Username::parse("ci-deploy").unwrap();
        let (stored, text) = StoredKey::generate(name, Uuid::now_v7(), false, None).unwrap();
        let key = text.expose();
        assert!(key.starts_with("usk_"));
        assert_eq!(key.len(), 4 + 32 + 64);
        let presented = PresentedKey::parse(key).unwrap();
        assert_eq!(presented.id, stored.key.id);
        assert!(stored.matches(&presented));
        // One digit of the secret changed.
        let last = key.chars().last().unwrap();
        let other = format!(
            "{}{}",
            &key[..key.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        assert!(!stored.matches(&PresentedKey::parse(&other).unwrap()));
        for bad in [
            "",
            "usk_",
            "usk_zz",
            &key[..key.len() - 1],
            "eyJhbGciOi.x.y",
        ] {
            assert!(PresentedKey::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{text:?}"), "KeySecret(<redacted>)");
        assert!(!format!("{stored:?}").contains(&hex(&stored.hash)));
    }
}

//! JSON Web Tokens: HS256 only, with a 256-bit secret generated on first use and
//! kept beside the database, readable by its owner alone.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Role, Timestamp, User};
use crate::error::{Error, Result};

pub const ISSUER: &str = "usersctl";
pub use crate::layout::SECRET_FILE;
pub const SECRET_ENV: &str = "USERSCTL_JWT_SECRET";
/// A file holding the secret, for secret stores that mount files.
pub const SECRET_FILE_ENV: &str = "USERSCTL_JWT_SECRET_FILE";
const MIN_SECRET_BYTES: usize = 32;
const LEEWAY_SECS: u64 = 5;
/// Verified tokens remembered at once (a few MiB at most).
const VERIFIED_CAPACITY: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub role: Role,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
    pub iss: String,
    /// When the user's password last changed (unix millis): a token minted before a
    /// change no longer matches and stops working.
    pub pwc: u64,
}

impl Claims {
    /// When the token was issued, in unix millis: the time in its id (a
    /// UUIDv7), which is finer than `iat`; else the last millisecond of `iat`.
    pub fn issued_millis(&self) -> u64 {
        Uuid::parse_str(&self.jti)
            .ok()
            .and_then(|id| id.get_timestamp())
            .map(|t| {
                let (secs, nanos) = t.to_unix();
                secs * 1000 + u64::from(nanos / 1_000_000)
            })
            .unwrap_or(self.iat.saturating_mul(1000).saturating_add(999))
    }
}

/// A freshly issued token, as `authenticate` returns it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssuedToken {
    pub token: String,
    pub token_type: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens whose signature and claims have been checked, with their
    /// claims: a client presents the same token on every request, and
    /// checking it again each time was a tenth of the server's CPU under
    /// load. Only an exact match of the whole token string is taken from
    /// here, and only until it expires.
    verified: Mutex<HashMap<Box<str>, Claims>>,
}

impl TokenKeys {
    /// Loads the signing secret: `USERSCTL_JWT_SECRET` if set, else the secret
    /// file in the database directory, created on first use.
    pub fn load(dir: &Path) -> Result<TokenKeys> {
        let secret = match given_secret()? {
            Some(secret) => secret,
            None => load_or_create_secret(dir)?,
        };
        Self::from_secret(&secret)
    }

    /// Loads a secret every process on a shared database must be given
    /// alike (`USERSCTL_JWT_SECRET` or `USERSCTL_JWT_SECRET_FILE`): one
    /// made up here would sign tokens the other instances refuse.
    pub fn load_shared() -> Result<TokenKeys> {
        match given_secret()? {
            Some(secret) => Self::from_secret(&secret),
            None => Err(Error::usage(format!(
                "a shared database needs the token signing secret given, the same to every \
                 instance: set {SECRET_ENV} or {SECRET_FILE_ENV}"
            ))),
        }
    }

    /// Tells secrets apart without giving them away: an HMAC of a fixed
    /// message under the secret.
    pub fn fingerprint(&self) -> Result<String> {
        jsonwebtoken::crypto::sign(
            b"usersctl token secret fingerprint, v1",
            &self.encoding,
            Algorithm::HS256,
        )
        .map_err(|e| Error::Internal(format!("cannot fingerprint the token secret: {e}")))
    }

    pub fn from_secret(secret: &[u8]) -> Result<TokenKeys> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(Error::usage(format!(
                "the token signing secret must be at least {MIN_SECRET_BYTES} bytes"
            )));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        validation.set_issuer(&[ISSUER]);
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Mutex::default(),
        })
    }

    pub fn issue(&self, user: &User, ttl: Duration) -> Result<IssuedToken> {
        let now = Timestamp::now();
        let expires_at =
            Timestamp::from_unix_seconds(now.unix_seconds().saturating_add(ttl.as_secs()));
        let claims = Claims {
            sub: user.id,
            role: user.role,
            iat: now.unix_seconds(),
            exp: expires_at.unix_seconds(),
            jti: Uuid::now_v7().to_string(),
            iss: ISSUER.to_owned(),
            pwc: user.password_changed_at.unix_millis(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("cannot sign token: {e}")))?;
        Ok(IssuedToken {
            token,
            token_type: "Bearer".to_owned(),
            expires_at,
        })
    }

    /// Checks signature, algorithm, issuer and times. Revocation and the user's
    /// state are the service's to check.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let now = Timestamp::now().unix_seconds();
        if let Some(claims) = self.remembered().get(token)
            && now < claims.exp
        {
            return Ok(claims.clone());
        }
        let claims = self.check(token)?;
        let mut verified = self.remembered();
        if verified.len() >= VERIFIED_CAPACITY {
            verified.retain(|_, c| now < c.exp);
            if verified.len() >= VERIFIED_CAPACITY {
                verified.clear();
            }
        }
        verified.insert(token.into(), claims.clone());
        Ok(claims)
    }

    fn remembered(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Claims>> {
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The full check of a token not seen before.
    fn check(&self, token: &str) -> Result<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                let why = match e.kind() {
                    ErrorKind::ExpiredSignature => "token has expired",
                    ErrorKind::ImmatureSignature => "token is not valid yet",
                    ErrorKind::InvalidSignature => "token signature is invalid",
                    ErrorKind::InvalidAlgorithm => "token algorithm is not accepted",
                    ErrorKind::MissingRequiredClaim(_) => "token lacks a required claim",
                    _ => "token is malformed",
                };
                Error::Unauthorized(why.to_owned())
            })
    }
}

/// The secret given in the environment (directly, or as a file), if any.
fn given_secret() -> Result<Option<Vec<u8>>> {
    if let Ok(value) = std::env::var(SECRET_ENV) {
        return Ok(Some(value.into_bytes()));
    }
    let Some(path) = std::env::var_os(SECRET_FILE_ENV) else {
        return Ok(None);
    };
    let mut secret = std::fs::read(&path).map_err(|e| {
        Error::usage(format!(
            "cannot read {SECRET_FILE_ENV} ({}): {e}",
            Path::new(&path).display()
        ))
    })?;
    // A file written by `echo` ends with a newline that is not the secret's.
    while secret.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        secret.pop();
    }
    Ok(Some(secret))
}

fn load_or_create_secret(dir: &Path) -> Result<Vec<u8>> {
    let path = dir.join(SECRET_FILE);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) => {
            use std::os::unix::fs::MetadataExt;
            if !meta.is_file() {
                return Err(Error::Unavailable(format!(
                    "token secret {} is not a plain file (a link or something else); replace it with one",
                    path.display()
                )));
            }
            let me = rustix::process::geteuid().as_raw();
            if meta.uid() != me {
                return Err(Error::Unavailable(format!(
                    "token secret {} belongs to uid {}, not to you (uid {me}); only a secret of your own is used",
                    path.display(),
                    meta.uid()
                )));
            }
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(Error::Unavailable(format!(
                    "token secret {} is readable by others (mode {mode:o}); run `chmod 600 {}`",
                    path.display(),
                    path.display()
                )));
            }
            let raw = std::fs::read_to_string(&path)
                .map_err(|e| Error::Unavailable(format!("cannot read {}: {e}", path.display())))?;
            decode_hex(raw.trim()).ok_or_else(|| {
                Error::Unavailable(format!("token secret {} is not valid hex", path.display()))
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = vec![0u8; MIN_SECRET_BYTES];
            getrandom::getrandom(&mut secret).map_err(Error::internal)?;
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| {
                    Error::Unavailable(format!("cannot create {}: {e}", path.display()))
                })?;
            writeln!(file, "{}", encode_hex(&secret))?;
            file.sync_all()?;
            Ok(secret)
        }
        Err(e) => Err(Error::Unavailable(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(decode_hex(&encode_hex(&bytes)).unwrap(), bytes);
        assert!(decode_hex("abc").is_none());
        assert!(decode_hex("zz").is_none());
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(TokenKeys::from_secret(b"too short").is_err());
    }

    fn keys_and_claims(exp_in: i64) -> (TokenKeys, String, Claims) {
        let keys = TokenKeys::from_secret(&[7u8; 32]).unwrap();
        let now = Timestamp::now().unix_seconds();
        let claims = Claims {
            sub: Uuid::now_v7(),
            role: Role::Admin,
            iat: now,
            exp: now.saturating_add_signed(exp_in),
            jti: Uuid::now_v7().to_string(),
            iss: ISSUER.to_owned(),
            pwc: 0,
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        (keys, token, claims)
    }

    #[test]
    fn a_token_verified_once_is_remembered_with_its_claims() {
        let (keys, token, claims) = keys_and_claims(60);
        assert_eq!(keys.verify(&token).unwrap(), claims);
        assert_eq!(keys.remembered().len(), 1);
        assert_eq!(keys.verify(&token).unwrap(), claims);
        // One character changed is another token, checked in full.
        let mut tampered = token.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(keys.verify(&tampered).is_err());
        assert_eq!(keys.remembered().len(), 1);
    }

    #[test]
    fn a_remembered_token_past_its_expiry_is_checked_again_and_refused() {
        let (keys, token, mut claims) = keys_and_claims(-60);
        assert!(keys.verify(&token).is_err(), "an expired token passed");
        // Remembered while it was valid; it has expired since.
        claims.exp = Timestamp::now().unix_seconds() - 60;
        keys.remembered().insert(token.clone().into(), claims);
        let refused = keys.verify(&token).unwrap_err();
        assert!(refused.to_string().contains("expired"), "{refused}");
    }

    #[test]
    fn the_remembered_tokens_stay_bounded() {
        let keys = TokenKeys::from_secret(&[7u8; 32]).unwrap();
        let user = {
            let (_, _, c) = keys_and_claims(60);
            c
        };
        for _ in 0..VERIFIED_CAPACITY + 10 {
            let claims = Claims {
                jti: Uuid::now_v7().to_string(),
                ..user.clone()
            };
            let token =
                jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
                    .unwrap();
            keys.verify(&token).unwrap();
        }
        assert!(keys.remembered().len() <= VERIFIED_CAPACITY);
    }
}

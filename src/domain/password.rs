use std::fmt;

use serde::{Deserialize, Serialize};

/// A candidate password: not empty, at most 1024 bytes, never truncated or
/// case-folded. `Debug` is redacted and there is no `Display`, so it cannot end
/// up in a log line or an error message by accident.
///
/// It serializes (to travel to a local server over the admin socket), which is the
/// only place its value is written.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Password(String);

impl Password {
    pub const MAX_BYTES: usize = 1024;

    pub fn parse(input: impl Into<String>) -> Result<Self, String> {
        let input = input.into();
        if input.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if input.len() > Self::MAX_BYTES {
            return Err(format!("must be at most {} bytes", Self::MAX_BYTES));
        }
        Ok(Password(input))
    }

    /// The secret itself; call only where it is hashed, verified or sent on.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A strong random password: 24 characters from a 62-letter alphabet (~143 bits).
    pub fn generate() -> Result<Self, getrandom::Error> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut out = String::with_capacity(24);
        let mut buf = [0u8; 64];
        while out.len() < 24 {
            getrandom::getrandom(&mut buf)?;
            // 248 = 4 * 62: bytes at or above it are dropped so every letter is equally likely.
            for &b in buf.iter().filter(|&&b| b < 248) {
                if out.len() == 24 {
                    break;
                }
                out.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
            }
        }
        Ok(Password(out))
    }
}

impl TryFrom<String> for Password {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl From<Password> for String {
    fn from(p: Password) -> String {
        p.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a new password must satisfy beyond the hard limits of `Password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Minimum length in characters (SPEC: at least 8, configurable).
    pub min_chars: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_chars: 8 }
    }
}

impl PasswordPolicy {
    /// Checks a new password. `context` holds the account's own words (username,
    /// email) so that a password made of them is judged weak.
    pub fn check(&self, password: &Password, context: &[&str]) -> Result<(), String> {
        let chars = password.0.chars().count();
        if chars < self.min_chars {
            return Err(format!("must be at least {} characters", self.min_chars));
        }
        // The estimator's cost grows with length; beyond 128 characters a password
        // is long enough that only its prefix decides anything.
        let sample: String = password.0.chars().take(128).collect();
        let estimate = zxcvbn::zxcvbn(&sample, context);
        if (estimate.score() as u8) < 2 {
            let reason = estimate
                .feedback()
                .and_then(|f| f.warning())
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            return Err(format!(
                "is too common or too easy to guess{reason}; choose a longer, less predictable one"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn up_to_1024_bytes_are_kept_whole() {
        let long = "é".repeat(512);
        assert_eq!(Password::parse(long.clone()).unwrap().expose(), long);
        assert!(
            Password::parse("x".repeat(1025))
                .unwrap_err()
                .contains("1024")
        );
        assert!(Password::parse("").is_err());
    }

    #[test]
    fn short_passwords_are_refused_by_the_policy() {
        let policy = PasswordPolicy::default();
        let err = policy
            .check(&Password::parse("xK9#q2").unwrap(), &[])
            .unwrap_err();
        assert!(err.contains("at least 8"), "{err}");
        let strict = PasswordPolicy { min_chars: 12 };
        assert!(
            strict
                .check(&Password::parse("Tq7#vB1x!").unwrap(), &[])
                .is_err()
        );
    }

    #[test]
    fn very_common_passwords_are_refused() {
        let policy = PasswordPolicy::default();
        for common in [
            "password",
            "password123",
            "12345678",
            "qwertyuiop",
            "iloveyou1",
        ] {
            let err = policy
                .check(&Password::parse(common).unwrap(), &[])
                .unwrap_err();
            assert!(err.contains("too common"), "{common}: {err}");
        }
    }

    #[test]
    fn a_password_made_of_the_username_is_refused() {
        let policy = PasswordPolicy::default();
        let p = Password::parse("alicealice1").unwrap();
        assert!(policy.check(&p, &["alicealice"]).is_err());
    }

    #[test]
    fn strong_and_generated_passwords_pass() {
        let policy = PasswordPolicy::default();
        assert!(
            policy
                .check(
                    &Password::parse("correct horse battery staple").unwrap(),
                    &[]
                )
                .is_ok()
        );
        let generated = Password::generate().unwrap();
        assert_eq!(generated.expose().len(), 24);
        assert!(policy.check(&generated, &[]).is_ok());
        assert_ne!(generated, Password::generate().unwrap());
    }
}

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An email address of valid syntax (`local@domain.tld`), at most 254 characters.
/// It keeps the case it was given; `key()` is the lower-cased form that uniqueness
/// is checked on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Email(String);

/// Serialized by reference: no copy of the value on the way out.
impl Serialize for Email {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, String> {
        if input.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if input.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let Some((local, domain)) = input.rsplit_once('@') else {
            return Err("must look like name@example.com".to_owned());
        };
        if local.is_empty() || local.len() > 64 {
            return Err("the part before '@' must be 1 to 64 characters".to_owned());
        }
        let local_ok = local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c))
        });
        if !local_ok {
            return Err("the part before '@' has a character that is not allowed".to_owned());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return Err("the domain must have a dot, as in example.com".to_owned());
        }
        let domain_ok = labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        if !domain_ok {
            return Err("the domain is not a valid host name".to_owned());
        }
        Ok(Email(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive form that uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl FromStr for Email {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted() {
        for ok in [
            "alice@example.com",
            "a.b+tag@mail.example.co.uk",
            "X_Y@ex-ample.org",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn the_case_is_kept_but_the_key_is_lower_case() {
        let e = Email::parse("Alice@Example.COM").unwrap();
        assert_eq!(e.as_str(), "Alice@Example.COM");
        assert_eq!(e.key(), "alice@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@example",
            "al ice@example.com",
            "alice@exa mple.com",
            "a..b@example.com",
            ".a@example.com",
            "alice@-x.com",
            "alice@x..com",
            "alice@example.com\n",
            "<alice@example.com>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn at_most_254_characters() {
        let local = "a".repeat(64);
        let mut domain = String::new();
        while local.len() + 1 + domain.len() < 250 {
            domain.push_str("abcdefghi.");
        }
        domain.push_str("com");
        let long = format!("{local}@{domain}");
        assert!(long.len() > 254);
        assert!(Email::parse(&long).unwrap_err().contains("254"));
    }
}

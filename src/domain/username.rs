use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// 3–32 characters of `a-z 0-9 . _ -`, starting with a letter or digit. Input is
/// lower-cased before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Username(String);

/// Serialized by reference: no copy of the value on the way out.
impl Serialize for Username {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Username {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 32;

    pub fn parse(input: &str) -> Result<Self, String> {
        let len = input.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(format!(
                "must be {} to {} characters long (got {len})",
                Self::MIN_LEN,
                Self::MAX_LEN
            ));
        }
        // Checked before lower-casing: some non-ASCII letters (the Kelvin sign)
        // lower-case to ASCII ones.
        if let Some(bad) = input
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(format!(
                "may only contain a-z, 0-9, '.', '_' and '-' (found {bad:?})"
            ));
        }
        if !input.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err("must start with a letter or a digit".to_owned());
        }
        Ok(Username(input.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Username {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Username {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_accepted() {
        assert_eq!(Username::parse("alice").unwrap().as_str(), "alice");
    }

    #[test]
    fn input_is_lower_cased() {
        assert_eq!(
            Username::parse("Alice.B_2-x").unwrap().as_str(),
            "alice.b_2-x"
        );
    }

    #[test]
    fn names_of_3_and_32_characters_are_the_bounds() {
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"a".repeat(33)).is_err());
        assert!(Username::parse("").is_err());
    }

    #[test]
    fn a_name_must_start_with_a_letter_or_digit() {
        assert!(Username::parse("1abc").is_ok());
        for bad in [".abc", "_abc", "-abc"] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_characters_are_refused() {
        for bad in [
            "al ice",
            "alice@x",
            "al/ice",
            "ålice",
            "alice\n",
            "al\u{0}ice",
            "ali+ce",
            "\u{212a}elvin",
        ] {
            let err = Username::parse(bad).unwrap_err();
            assert!(
                err.contains("may only contain") || err.contains("characters long"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<Username>("\"ok_name\"").is_ok());
        assert!(serde_json::from_str::<Username>("\"no way\"").is_err());
    }
}

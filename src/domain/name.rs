use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A display name: at most 128 characters, no control characters, nothing an
/// operator could not see (`text::check_visible`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct DisplayName(String);

/// Serialized by reference: no copy of the value on the way out.
impl Serialize for DisplayName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl DisplayName {
    pub const MAX_LEN: usize = 128;

    pub fn parse(input: &str) -> Result<Self, String> {
        if input.chars().count() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        if input.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        if input.trim().is_empty() {
            return Err("must not be blank (use null to remove the name)".to_owned());
        }
        super::text::check_visible(input)?;
        Ok(DisplayName(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for DisplayName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DisplayName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<DisplayName> for String {
    fn from(n: DisplayName) -> String {
        n.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_names_up_to_128_characters_are_accepted() {
        assert!(DisplayName::parse("Zoë Ångström").is_ok());
        assert!(DisplayName::parse(&"é".repeat(128)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(129)).is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in ["a\nb", "a\tb", "a\u{7}", "a\u{0}"] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_blank_name_is_refused() {
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse("   ").is_err());
    }
}

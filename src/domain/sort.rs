//! The order a users list comes in: by id (the default: creation order, for
//! ids usersctl made), by username or by email, either way round.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::User;

/// What a users list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Id,
    Username,
    /// The email without case, as the uniqueness rule compares it.
    Email,
}

/// An order: a key, ascending unless `descending`. Written as the key's
/// name, with `-` before it for the reverse (`-username`), as PocketBase
/// and JSON:API write it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// What `parse` takes, for error messages and help.
    pub const CHOICES: &'static str = "must be id, username or email, with a - before it for the reverse order (such as -username)";

    /// Ascending ids: the order a list has always come in.
    pub fn is_default(&self) -> bool {
        *self == Sort::default()
    }

    /// Where `user` stands in this order: what a cursor after it holds.
    pub fn position(&self, user: &User) -> String {
        match self.key {
            SortKey::Id => user.id.to_string(),
            SortKey::Username => user.username.as_str().to_owned(),
            SortKey::Email => user.email.key(),
        }
    }
}

impl FromStr for Sort {
    type Err = String;

    fn from_str(s: &str) -> Result<Sort, String> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let key = match name {
            "id" => SortKey::Id,
            "username" => SortKey::Username,
            "email" => SortKey::Email,
            _ => return Err(Sort::CHOICES.to_owned()),
        };
        Ok(Sort { key, descending })
    }
}

impl TryFrom<String> for Sort {
    type Error = String;

    fn try_from(s: String) -> Result<Sort, String> {
        s.parse()
    }
}

impl From<Sort> for String {
    fn from(sort: Sort) -> String {
        sort.to_string()
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.key {
            SortKey::Id => "id",
            SortKey::Username => "username",
            SortKey::Email => "email",
        };
        let sign = if self.descending { "-" } else { "" };
        write!(f, "{sign}{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_order_reads_back_as_written() {
        for text in ["id", "-id", "username", "-username", "email", "-email"] {
            let sort: Sort = text.parse().unwrap();
            assert_eq!(sort.to_string(), text);
        }
        assert!("id".parse::<Sort>().unwrap().is_default());
        assert!(!"-id".parse::<Sort>().unwrap().is_default());
    }

    #[test]
    fn anything_else_is_refused_with_the_choices() {
        for text in ["", "-", "--id", "name", "Username", " id", "created", "+id"] {
            assert_eq!(
                text.parse::<Sort>(),
                Err(Sort::CHOICES.to_owned()),
                "{text:?}"
            );
        }
    }
}

//! Groups: a named set of users. A group's name follows the username rules
//! (and is unique among groups, not among users: a group and a user may
//! share a name); its members are users, each at most once.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{DisplayName, Timestamp, Username};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Group {
    pub id: Uuid,
    #[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9._-]{2,31}$")]
    pub name: Username,
    #[schema(value_type = Option<String>, max_length = 128)]
    pub display_name: Option<DisplayName>,
    /// How many users are members.
    pub members: u64,
    /// The identity provider's id for it (SCIM `externalId`), where one
    /// made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, max_length = 256)]
    pub external_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl Group {
    /// A new, empty group, made now.
    pub fn new(name: Username, display_name: Option<DisplayName>) -> Group {
        let now = Timestamp::now();
        Group {
            id: Uuid::now_v7(),
            name,
            display_name,
            members: 0,
            external_id: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// How a group is named on the command line and in URLs: by id or name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum GroupRef {
    Id(Uuid),
    Name(Username),
}

impl GroupRef {
    pub fn parse(input: &str) -> Result<Self, String> {
        // As with users: only the hyphenated form is an id.
        if input.len() == 36
            && let Ok(id) = Uuid::parse_str(input)
        {
            return Ok(GroupRef::Id(id));
        }
        Username::parse(input)
            .map(GroupRef::Name)
            .map_err(|e| format!("not a group id or name: name {e}"))
    }

    /// Whether this reference names `group`.
    pub fn names(&self, group: &Group) -> bool {
        match self {
            GroupRef::Id(id) => *id == group.id,
            GroupRef::Name(name) => *name == group.name,
        }
    }
}

impl FromStr for GroupRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl TryFrom<String> for GroupRef {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<GroupRef> for String {
    fn from(r: GroupRef) -> String {
        r.to_string()
    }
}

impl fmt::Display for GroupRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupRef::Id(id) => write!(f, "{id}"),
            GroupRef::Name(n) => write!(f, "{n}"),
        }
    }
}

/// A change to a group's own fields: only those present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Username>,
    /// `Some(None)` removes the display name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::change::double_option"
    )]
    pub display_name: Option<Option<DisplayName>>,
    /// `Some(None)` forgets the identity provider's id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::change::double_option"
    )]
    pub external_id: Option<Option<String>>,
}

impl GroupPatch {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.display_name.is_none() && self.external_id.is_none()
    }

    /// `group` as this patch leaves it, at `now`; `None` when it changes
    /// nothing.
    pub fn apply(&self, group: &Group, now: Timestamp) -> Option<Group> {
        let mut next = group.clone();
        if let Some(name) = &self.name {
            next.name = name.clone();
        }
        if let Some(display) = &self.display_name {
            next.display_name = display.clone();
        }
        if let Some(external) = &self.external_id {
            next.external_id = external.clone();
        }
        if next == *group {
            return None;
        }
        next.updated_at = now.max(group.updated_at);
        Some(next)
    }

    /// The fields it changes, by name.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.name.is_some() {
            fields.push("name");
        }
        if self.display_name.is_some() {
            fields.push("display_name");
        }
        if self.external_id.is_some() {
            fields.push("external_id");
        }
        fields
    }
}

/// What became of one user named in a membership change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOutcome {
    /// Added or removed.
    Changed(Uuid),
    /// A member already (adding), or not one (removing).
    Unchanged(Uuid),
    /// No user has that name.
    NotFound,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_named_by_id_or_by_name() {
        let id = Uuid::now_v7();
        assert_eq!(GroupRef::parse(&id.to_string()).unwrap(), GroupRef::Id(id));
        assert!(
            matches!(GroupRef::parse("Ops").unwrap(), GroupRef::Name(n) if n.as_str() == "ops")
        );
        assert_eq!(
            GroupRef::parse("a b").unwrap_err(),
            "not a group id or name: name may only contain a-z, 0-9, '.', '_' and '-' (found ' ')"
        );
        assert!(GroupRef::parse("x").is_err());
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let group = Group::new(Username::parse("ops").unwrap(), None);
        let later = Timestamp::from_unix_millis(group.created_at.unix_millis() + 5).unwrap();
        assert_eq!(GroupPatch::default().apply(&group, later), None);
        let same_name = GroupPatch {
            name: Some(Username::parse("ops").unwrap()),
            ..GroupPatch::default()
        };
        assert_eq!(same_name.apply(&group, later), None);
        let named = GroupPatch {
            display_name: Some(Some(DisplayName::parse("Operations").unwrap())),
            ..GroupPatch::default()
        };
        let next = named.apply(&group, later).unwrap();
        assert_eq!(next.display_name.unwrap().as_str(), "Operations");
        assert_eq!(next.name, group.name);
        assert_eq!(next.updated_at, later);
    }
}

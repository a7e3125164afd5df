//! Every operation as data: a request and a response type. The command line, the
//! HTTP handlers and the admin socket all speak these, so one operation is written
//! once (in `service`) and can travel over any channel unchanged.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use uuid::Uuid;

use crate::domain::CheckReport;
use crate::domain::{
    Account, Group, GroupPatch, GroupRef, Password, Role, Sort, Timestamp, User, UserRef, Username,
};
use crate::error::Error;
use crate::token::IssuedToken;
use crate::transfer::ImportUser;

pub use crate::domain::{NewUser, PasswordChoice, UserPatch};

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEnd {
    /// An `--atomic` import that did not end whole: what it had stored was
    /// deleted again.
    pub rolled_back: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    GetUser {
        user: UserRef,
    },
    CreateUser(NewUser),
    UpdateUser {
        user: UserRef,
        patch: UserPatch,
    },
    /// To the recycle bin, or with `purge` gone for good.
    DeleteUser {
        user: UserRef,
        #[serde(default)]
        purge: bool,
    },
    ListUsers(ListQuery),
    /// How many users a listing would hold (its limit and cursor aside).
    CountUsers(ListQuery),
    DeleteMany(DeleteMany),
    Authenticate(Credentials),
    /// Operator only: begin an import on this admin socket connection;
    /// its batches (`Import`) go to it until `ImportEnd` (see
    /// `service::ImportRun`).
    ImportBegin {
        atomic: bool,
    },
    /// Operator only: store parsed import lines.
    Import {
        users: Vec<ImportUser>,
    },
    /// Operator only: end this connection's import. `whole` when every line
    /// was read and the command refused none itself.
    ImportEnd {
        whole: bool,
    },
    /// Operator only: a page of accounts, with their hashes, after `after`.
    Export {
        after: Option<Uuid>,
        limit: usize,
    },
    /// Operator only: verify (and with `repair`, rebuild) the indexes.
    Check {
        repair: bool,
    },
    /// Operator only: how the user's login names stand with the login
    /// throttle (a server's; a command's own is always clear).
    Throttled {
        user: UserRef,
    },
    /// Operator only: forget the failed logins counted against the user's
    /// names.
    Unlock {
        user: UserRef,
    },
    /// A page of the recycle bin, newest ids last, as `ListUsers` selects.
    ListDeleted(ListQuery),
    /// How many binned users a bin listing would hold.
    CountDeleted(ListQuery),
    /// Brings the binned user `user` names back, under `rename` if given.
    RestoreUser {
        user: UserRef,
        #[serde(default)]
        rename: Option<Username>,
    },
    /// Brings each named binned user back, reporting each one's outcome.
    RestoreMany {
        users: Vec<String>,
    },
    /// Removes for good the binned users `user` names (every one it names).
    PurgeUser {
        user: UserRef,
    },
    /// Removes for good the binned users deleted more than `older_than`
    /// seconds ago, or every binned user.
    EmptyBin {
        #[serde(default)]
        older_than: Option<u64>,
    },
    /// The database's settings.
    Settings,
    /// Changes one setting (see `Settings` for the names).
    SetSetting {
        name: String,
        value: String,
    },
    /// Audit records, oldest first, a page at a time.
    Audit(AuditQuery),
    /// Walks the whole audit chain (`usersctl audit verify`).
    VerifyAudit,
    GetGroup {
        group: GroupRef,
    },
    /// Groups in creation order, a page at a time.
    ListGroups(GroupQuery),
    CreateGroup(NewGroup),
    UpdateGroup {
        group: GroupRef,
        patch: GroupPatch,
    },
    /// Deletes the group; its members stay, in no group of that name.
    DeleteGroup {
        group: GroupRef,
    },
    /// Adds the named users to a group (`add`), or removes them, a batch
    /// of `MEMBER_BATCH` at a time.
    ChangeMembers {
        group: GroupRef,
        users: Vec<String>,
        add: bool,
    },
    /// The groups a user is in (an admin's question, or a user's own).
    UserGroups {
        user: UserRef,
    },
    /// Makes an API key; its text is in the answer, once.
    CreateKey(NewKey),
    ListKeys(GroupQuery),
    /// Revokes the API key of that name.
    RevokeKey {
        name: Username,
    },
}

/// An API key to make.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewKey {
    pub name: Username,
    /// The user it acts as.
    pub user: UserRef,
    /// Seconds it works for; for ever when absent.
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub read_only: bool,
}

/// A key just made: its text, shown this once, and what `key list` shows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedKey {
    /// Send as `Authorization: Bearer <key>`. Not shown again.
    #[schema(value_type = String)]
    pub key: crate::domain::KeySecret,
    #[serde(flatten)]
    pub about: crate::domain::ApiKey,
}

/// A page of API keys; `next_cursor` is null on the last page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeyPage {
    pub data: Vec<crate::domain::ApiKey>,
    pub next_cursor: Option<String>,
}

/// A user as a page of `Export` carries it: with its hash and the names of
/// its groups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportedUser {
    pub account: Account,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// A group to create.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewGroup {
    pub name: Username,
    #[serde(default)]
    pub display_name: Option<crate::domain::DisplayName>,
    /// The identity provider's id for it (SCIM).
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GroupQuery {
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A page of groups; `next_cursor` is null on the last page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupPage {
    pub data: Vec<Group>,
    pub next_cursor: Option<String>,
}

/// The outcome for each name given to a membership change, in the order
/// given, and the group as it is afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MembersReport {
    pub group: Group,
    /// Names of users added (or removed): the first that named each.
    pub changed: Vec<String>,
    /// Names of users that were members already (adding), or were not
    /// (removing), or that an earlier name covered.
    pub unchanged: Vec<String>,
    pub not_found: Vec<String>,
    /// Stopped by Ctrl-C after a batch: `remaining` were not looked at.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remaining: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Response {
    User(User),
    Saved(Saved),
    Page(Page),
    Count(u64),
    DeleteMany(DeleteManyReport),
    Token(IssuedToken),
    /// One outcome per imported user, in order: its id, or why it was refused.
    Imported(Vec<Result<Uuid, Error>>),
    Exported(Vec<ExportedUser>),
    Check(CheckReport),
    ImportBegun,
    ImportEnded(ImportEnd),
    Throttled(Option<crate::throttle::Throttled>),
    /// Whether there was anything to forget.
    Unlocked(bool),
    DeletedPage(DeletedPage),
    RestoreMany(RestoreReport),
    /// How many binned users were removed for good.
    Purged(u64),
    Settings(Settings),
    AuditPage(AuditPage),
    Verdict(crate::domain::audit::Verdict),
    Group(Group),
    Groups(GroupPage),
    Members(MembersReport),
    KeyCreated(CreatedKey),
    Keys(KeyPage),
    Key(crate::domain::ApiKey),
}

impl Request {
    /// Whether carrying it out may write to the database (and so must be
    /// durable before it is acknowledged).
    pub fn writes(&self) -> bool {
        match self {
            Request::GetUser { .. }
            | Request::ListUsers(_)
            | Request::CountUsers(_)
            | Request::Export { .. }
            | Request::Throttled { .. }
            | Request::Unlock { .. }
            | Request::ImportBegin { .. }
            | Request::ListDeleted(_)
            | Request::CountDeleted(_)
            | Request::Settings
            | Request::Audit(_)
            | Request::VerifyAudit
            | Request::GetGroup { .. }
            | Request::ListGroups(_)
            | Request::UserGroups { .. }
            | Request::ListKeys(_) => false,
            Request::DeleteMany(req) => !req.dry_run,
            Request::Check { repair } => *repair,
            Request::CreateUser(_)
            | Request::UpdateUser { .. }
            | Request::DeleteUser { .. }
            | Request::Authenticate(_)
            | Request::Import { .. }
            | Request::ImportEnd { .. }
            | Request::RestoreUser { .. }
            | Request::RestoreMany { .. }
            | Request::PurgeUser { .. }
            | Request::EmptyBin { .. }
            | Request::SetSetting { .. }
            | Request::CreateGroup(_)
            | Request::UpdateGroup { .. }
            | Request::DeleteGroup { .. }
            | Request::ChangeMembers { .. }
            | Request::CreateKey(_)
            | Request::RevokeKey { .. } => true,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub blocked: Option<bool>,
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub must_change_password: Option<bool>,
    #[serde(default)]
    pub never_logged_in: Option<bool>,
    /// Not seen for this many seconds: last logged in before then, or never
    /// logged in and created before then.
    #[serde(default)]
    pub inactive_for: Option<u64>,
    #[serde(default)]
    pub created_before: Option<Timestamp>,
    /// Created at this instant or later.
    #[serde(default)]
    pub created_after: Option<Timestamp>,
    /// Members of this group.
    #[serde(default)]
    pub group: Option<GroupRef>,
    /// The order of the list (ascending ids unless given).
    #[serde(default)]
    pub sort: Option<Sort>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

impl ListQuery {
    pub const DEFAULT_LIMIT: usize = 100;
    pub const MAX_LIMIT: usize = 1000;

    /// The page size and the id the page starts after, checked.
    pub fn bounds(&self) -> Result<(usize, Option<Uuid>), Error> {
        let limit = self.page_size()?;
        let after = self
            .cursor
            .as_deref()
            .map(|c| Uuid::parse_str(c).map_err(|_| Error::bad_cursor()))
            .transpose()?;
        Ok((limit, after))
    }

    /// The page size, checked.
    pub fn page_size(&self) -> Result<usize, Error> {
        let limit = self.limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        Ok(limit)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    pub users: Vec<User>,
    pub next_cursor: Option<String>,
}

/// A created or updated user, with the generated password when one was asked for
/// (shown once, never stored).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<Password>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteMany {
    pub users: Vec<String>,
    #[serde(default)]
    pub dry_run: bool,
    /// Gone for good rather than to the recycle bin.
    #[serde(default)]
    pub purge: bool,
}

/// A user in the recycle bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeletedUser {
    #[serde(flatten)]
    pub user: User,
    #[schema(value_type = String, format = DateTime)]
    pub deleted_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeletedPage {
    pub users: Vec<DeletedUser>,
    pub next_cursor: Option<String>,
}

/// A page of the recycle bin; `next_cursor` is null on the last page.
#[derive(Serialize, ToSchema)]
pub struct DeletedUserPage {
    pub data: Vec<DeletedUser>,
    pub next_cursor: Option<String>,
}

/// A page of the audit trail; `next_after` is absent on the last page.
#[derive(Serialize, ToSchema)]
pub struct AuditRecordPage {
    pub data: Vec<AuditEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<u64>,
}

/// The outcome for each name given to a bulk restore, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RestoreReport {
    /// One name for each user restored: the first that named it.
    pub restored: Vec<String>,
    /// Names no binned user has.
    pub not_found: Vec<String>,
    /// Names of binned users that could not come back, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<Refusal>,
    /// Names of a user that an earlier name already covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<String>,
    /// Stopped by Ctrl-C after a batch: `remaining` were not looked at.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remaining: Vec<String>,
}

/// A name a bulk operation refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Refusal {
    pub user: String,
    pub reason: String,
}

/// The database's settings, shared by every process on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// How long deleted users stay in the recycle bin, e.g. `30d`.
    pub bin_retention: String,
    /// How long audit records are kept, e.g. `365d`.
    pub audit_retention: String,
}

/// Which audit records to read (every field narrows the selection).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// The user changed (or logging in), as an id, username or email it has
    /// now or had in the recycle bin.
    #[serde(default)]
    pub user: Option<UserRef>,
    /// As recorded (`root@db1`, `user:<id>`, `anonymous`), or a username,
    /// email or id, meaning that user's token.
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub since: Option<Timestamp>,
    #[serde(default)]
    pub until: Option<Timestamp>,
    #[serde(default)]
    pub actions: Vec<crate::domain::audit::Action>,
    /// Records numbered after this one.
    #[serde(default)]
    pub after: Option<u64>,
    #[serde(default)]
    pub limit: Option<usize>,
}

/// One audit record as read: its number and what it records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub seq: u64,
    #[serde(flatten)]
    pub event: crate::domain::audit::Event,
}

/// A page of audit records, and the number to read on from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub records: Vec<AuditEntry>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<u64>,
}

/// The outcome for each name given, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeleteManyReport {
    /// One name for each user deleted: the first that named it.
    pub deleted: Vec<String>,
    pub not_found: Vec<String>,
    /// Names of a user that an earlier name already covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<String>,
    #[serde(default)]
    pub dry_run: bool,
    /// Stopped by Ctrl-C after a batch: `remaining` were not looked at.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remaining: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: Password,
    /// Token lifetime in seconds; the configured default when absent.
    #[serde(default)]
    pub ttl_secs: Option<u64>,
    /// Where the attempt comes from (over HTTP); failed logins are counted
    /// per login name and address.
    #[serde(default)]
    pub client: Option<std::net::IpAddr>,
}

/// The bodies of the answers, over HTTP and as `-o json` prints them.
/// `{"data": …}`: every success body.
#[derive(Serialize, ToSchema)]
pub struct Data<T> {
    pub data: T,
}

/// A page of users; `next_cursor` is null on the last page.
#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub data: Vec<User>,
    pub next_cursor: Option<String>,
}

/// A created or updated user; `generated_password` only when one was asked for.
#[derive(Serialize, ToSchema)]
pub struct SavedUser {
    pub data: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_tells_null_from_absent() {
        let p: UserPatch = serde_json::from_str(r#"{"name": null}"#).unwrap();
        assert_eq!(p.name, Some(None));
        let p: UserPatch = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(p.name, None);
        assert!(p.is_empty());
        let p: UserPatch = serde_json::from_str(r#"{"name": "Al"}"#).unwrap();
        assert_eq!(p.name.unwrap().unwrap().as_str(), "Al");
    }

    #[test]
    fn requests_round_trip_through_json() {
        let req = Request::UpdateUser {
            user: UserRef::parse("alice").unwrap(),
            patch: UserPatch {
                name: Some(None),
                blocked: Some(true),
                ..UserPatch::default()
            },
        };
        let wire = serde_json::to_string(&req).unwrap();
        let back: Request = serde_json::from_str(&wire).unwrap();
        let Request::UpdateUser { patch, .. } = back else {
            panic!("wrong variant: {wire}")
        };
        assert_eq!(patch.name, Some(None));
        assert_eq!(patch.blocked, Some(true));
    }
}

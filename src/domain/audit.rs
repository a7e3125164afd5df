//! The audit trail: every change and every login, who asked for it and from
//! where, as a chain of records each sealed with the hash of the one before.
//! Both stores keep it in the transaction of the change it records; this
//! module says what a record holds and how the chain is made and checked, so
//! that the two cannot disagree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Account, Timestamp};

/// A record's hash (SHA-256).
pub type Hash = [u8; 32];

/// Who asked for a change and from where: recorded with every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The operator's OS user and host (`root@db1`) on the command line and
    /// the admin socket; `user:<id>` for a token holder; `anonymous` for a
    /// login or a registration; `usersctl` for the tool's own housekeeping.
    pub actor: String,
    /// The client's address, over HTTP.
    pub client: Option<String>,
    /// One id per request (HTTP's `x-request-id`) or per command.
    pub request: String,
}

impl Origin {
    /// The operator running this process: its OS user and host.
    pub fn operator() -> Origin {
        Origin {
            actor: operator_name(),
            client: None,
            request: Uuid::now_v7().simple().to_string(),
        }
    }

    /// This command's: the operator, with one request id for the whole run
    /// (a bulk delete's records share it).
    pub fn command() -> Origin {
        static COMMAND: std::sync::OnceLock<Origin> = std::sync::OnceLock::new();
        COMMAND.get_or_init(Origin::operator).clone()
    }

    /// The tool itself (the recycle bin's expiry, the trail's own pruning).
    pub fn housekeeping() -> Origin {
        Origin {
            actor: "usersctl".to_owned(),
            client: None,
            request: Uuid::now_v7().simple().to_string(),
        }
    }

    /// This origin as `actor` is recorded: a token holder by its user's
    /// id, anyone else without a token as anonymous.
    pub fn acting_as(&self, actor: &crate::service::Actor) -> Origin {
        use crate::service::Actor;
        let name = match actor {
            Actor::Operator => return self.clone(),
            Actor::Anonymous => "anonymous".to_owned(),
            Actor::User(session) => Origin::user_actor(session.user_id),
        };
        Origin {
            actor: name,
            ..self.clone()
        }
    }

    /// The actor a token holder is recorded as.
    pub fn user_actor(id: Uuid) -> String {
        format!("user:{id}")
    }
}

/// `user@host` for the OS user running this process.
fn operator_name() -> String {
    let uid = rustix::process::getuid();
    let user = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let id: u32 = fields.nth(1)?.parse().ok()?;
                (id == uid.as_raw()).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| format!("uid{}", uid.as_raw()));
    let host = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    format!("{user}@{host}")
}

/// What a record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Import,
    Update,
    Block,
    Unblock,
    Role,
    PasswordChange,
    PasswordReset,
    Delete,
    Restore,
    Purge,
    RevokeToken,
    Login,
    LoginFailed,
    Settings,
    GroupCreate,
    GroupUpdate,
    GroupDelete,
    GroupAdd,
    GroupRemove,
    KeyCreate,
    KeyRevoke,
}

impl Action {
    pub const ALL: [Action; 22] = [
        Action::Create,
        Action::Import,
        Action::Update,
        Action::Block,
        Action::Unblock,
        Action::Role,
        Action::PasswordChange,
        Action::PasswordReset,
        Action::Delete,
        Action::Restore,
        Action::Purge,
        Action::RevokeToken,
        Action::Login,
        Action::LoginFailed,
        Action::Settings,
        Action::GroupCreate,
        Action::GroupUpdate,
        Action::GroupDelete,
        Action::GroupAdd,
        Action::GroupRemove,
        Action::KeyCreate,
        Action::KeyRevoke,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Import => "import",
            Action::Update => "update",
            Action::Block => "block",
            Action::Unblock => "unblock",
            Action::Role => "role",
            Action::PasswordChange => "password_change",
            Action::PasswordReset => "password_reset",
            Action::Delete => "delete",
            Action::Restore => "restore",
            Action::Purge => "purge",
            Action::RevokeToken => "revoke_token",
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Settings => "settings",
            Action::GroupCreate => "group_create",
            Action::GroupUpdate => "group_update",
            Action::GroupDelete => "group_delete",
            Action::GroupAdd => "group_add",
            Action::GroupRemove => "group_remove",
            Action::KeyCreate => "key_create",
            Action::KeyRevoke => "key_revoke",
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let wanted = s.replace('-', "_");
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
                format!("not an audit action (one of {})", names.join(", "))
            })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing that happened. Never holds a password, a hash or a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub action: Action,
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    pub request: String,
    /// The user changed (or logging in), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Uuid>,
    /// Its username then (or the name a failed login gave).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The users a bulk change (an import, a bulk delete, restore or purge)
    /// changed in one transaction, and their usernames then, in the same
    /// order: one record for the transaction, not one for each user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usernames: Vec<String>,
    /// What changed: the fields of an update, a block's reason, a role's
    /// old and new value, a setting's value.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub details: Map<String, Value>,
}

impl Event {
    pub fn new(origin: &Origin, action: Action) -> Event {
        Event {
            at: Timestamp::now(),
            action,
            actor: origin.actor.clone(),
            client: origin.client.clone(),
            request: origin.request.clone(),
            user: None,
            username: None,
            users: Vec::new(),
            usernames: Vec::new(),
            details: Map::new(),
        }
    }

    /// An event about each of `users` (ids and usernames), changed in one
    /// transaction: `None` for none, a record of one user for one.
    pub fn about_many<'a>(
        origin: &Origin,
        action: Action,
        users: impl IntoIterator<Item = (Uuid, &'a str)>,
    ) -> Option<Event> {
        let (ids, names): (Vec<Uuid>, Vec<String>) =
            users.into_iter().map(|(id, n)| (id, n.to_owned())).unzip();
        match ids.len() {
            0 => None,
            1 => Some(Event {
                user: ids.first().copied(),
                username: names.into_iter().next(),
                ..Event::new(origin, action)
            }),
            _ => Some(Event {
                users: ids,
                usernames: names,
                ..Event::new(origin, action)
            }),
        }
    }

    /// Every user the event names.
    pub fn subjects(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.user.iter().chain(&self.users).copied()
    }

    /// An event about `account`.
    pub fn about(origin: &Origin, action: Action, account: &Account) -> Event {
        Event {
            user: Some(account.user.id),
            username: Some(account.user.username.as_str().to_owned()),
            ..Event::new(origin, action)
        }
    }

    /// An event about the group `group` (its id and its name then).
    pub fn about_group(origin: &Origin, action: Action, group: &crate::domain::Group) -> Event {
        Event::new(origin, action).in_group(group)
    }

    /// An event about the API key `key` (its name, and the user it acts as).
    pub fn about_key(origin: &Origin, action: Action, key: &crate::domain::ApiKey) -> Event {
        let mut event = Event::new(origin, action)
            .with("key", json!(key.name))
            .with("read_only", json!(key.read_only));
        if let Some(at) = key.expires_at {
            event = event.with("expires_at", json!(at));
        }
        event.user = Some(key.user);
        event.username = key.username.as_ref().map(|u| u.as_str().to_owned());
        event
    }

    /// This event, naming the group it happened in.
    pub fn in_group(self, group: &crate::domain::Group) -> Event {
        self.with("group", json!(group.id))
            .with("group_name", json!(group.name))
    }

    pub fn with(mut self, key: &str, value: Value) -> Event {
        self.details.insert(key.to_owned(), value);
        self
    }

    /// What an update from `before` to `after` was, or `None` if it changed
    /// nothing worth a record. A change of one kind (a block, a role, a
    /// password, a login) is recorded as that; anything else as an update
    /// naming the fields it changed.
    pub fn of_update(origin: &Origin, before: &Account, after: &Account) -> Option<Event> {
        let (b, a) = (&before.user, &after.user);
        let mut fields = Vec::new();
        let mut changed = |name: &'static str, differs: bool| {
            if differs {
                fields.push(name);
            }
        };
        changed("username", b.username != a.username);
        changed("email", b.email != a.email);
        changed("name", b.name != a.name);
        changed("role", b.role != a.role);
        changed("blocked", b.blocked != a.blocked);
        changed("block_reason", b.block_reason != a.block_reason);
        changed(
            "must_change_password",
            b.must_change_password != a.must_change_password,
        );
        changed("attributes", b.attributes != a.attributes);
        changed("password", before.password_hash != after.password_hash);
        changed("last_login_at", b.last_login_at != a.last_login_at);
        if fields.is_empty() {
            return None;
        }
        let only = |kinds: &[&str]| fields.iter().all(|f| kinds.contains(f));
        let own = origin.actor == Origin::user_actor(a.id);
        let event = if only(&["last_login_at"]) {
            Event::about(origin, Action::Login, after)
        } else if only(&["blocked", "block_reason"]) && a.blocked {
            Event::about(origin, Action::Block, after).with("reason", json!(a.block_reason))
        } else if only(&["blocked", "block_reason"]) {
            Event::about(origin, Action::Unblock, after)
        } else if only(&["role"]) {
            Event::about(origin, Action::Role, after)
                .with("from", json!(b.role))
                .with("to", json!(a.role))
        } else if only(&["password", "must_change_password"]) && fields.contains(&"password") {
            let action = if own {
                Action::PasswordChange
            } else {
                Action::PasswordReset
            };
            Event::about(origin, action, after)
        } else {
            let mut event =
                Event::about(origin, Action::Update, after).with("fields", json!(fields));
            if fields.contains(&"blocked") && a.blocked {
                event = event.with("reason", json!(a.block_reason));
            }
            if fields.contains(&"username") {
                event = event.with("previous_username", json!(b.username));
            }
            event
        };
        Some(event)
    }

    /// The bytes the chain seals: the event as compact JSON, its fields in
    /// a fixed order.
    pub fn body(&self) -> Vec<u8> {
        // Serializing plain data to a vector cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Where a chain stands: its last record's sequence number and hash (or
/// the anchor's, or nothing at all: 0 and zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: Hash,
}

impl ChainHead {
    /// The record `body` makes next, and the head after it.
    pub fn link(&self, body: &[u8]) -> ChainHead {
        let seq = self.seq + 1;
        ChainHead {
            seq,
            hash: seal(&self.hash, seq, body),
        }
    }
}

/// A record's hash: of the one before, its own number and its body.
pub fn seal(prev: &Hash, seq: u64, body: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(body);
    h.finalize().into()
}

/// SHA-256 of `bytes` (what a store compares to tell whether a change landed).
pub fn digest(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

pub fn hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored record: its number, its body as stored and its stored hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub seq: u64,
    pub body: Vec<u8>,
    pub hash: Hash,
}

impl Record {
    pub fn event(&self) -> Result<Event, String> {
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("audit record {} cannot be read: {e}", self.seq))
    }
}

/// Which records `audit` lists. Every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub user: Option<Uuid>,
    /// Records of whoever had this username then (a user purged for good).
    pub username: Option<String>,
    /// Any of these actors (a name may be recorded in more than one form).
    pub actors: Vec<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub actions: Vec<Action>,
}

impl AuditFilter {
    pub fn matches(&self, e: &Event) -> bool {
        self.user.is_none_or(|u| e.subjects().any(|s| s == u))
            && self.username.as_deref().is_none_or(|n| {
                e.username.as_deref() == Some(n) || e.usernames.iter().any(|m| m == n)
            })
            && (self.actors.is_empty() || self.actors.contains(&e.actor))
            && self.since.is_none_or(|t| e.at >= t)
            && self.until.is_none_or(|t| e.at < t)
            && (self.actions.is_empty() || self.actions.contains(&e.action))
    }
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Verdict {
    /// Records checked.
    pub records: u64,
    /// The number the chain starts after (records before it were pruned).
    pub anchor: u64,
    /// The last record's number and hash, when the chain holds any.
    pub head_seq: u64,
    pub head_hash: String,
    /// The first record that fails, and why; `None` when all verify.
    pub first_bad: Option<BadRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BadRecord {
    pub seq: u64,
    pub problem: String,
}

/// Walks a chain in order, from its anchor, stopping at the first record
/// that does not follow: one changed (its hash is not its own), removed (a
/// number is missing), inserted or reordered (a number out of place, or a
/// hash that does not follow from the record before).
pub struct ChainCheck {
    anchor: u64,
    head: ChainHead,
    records: u64,
    bad: Option<BadRecord>,
}

impl ChainCheck {
    pub fn from(anchor: ChainHead) -> ChainCheck {
        ChainCheck {
            anchor: anchor.seq,
            head: anchor,
            records: 0,
            bad: None,
        }
    }

    /// Checks the next record; false once one has failed.
    pub fn push(&mut self, record: &Record) -> bool {
        if self.bad.is_some() {
            return false;
        }
        let expected = self.head.seq + 1;
        let problem = if record.seq < expected {
            Some(format!(
                "record {} comes after record {}: records were inserted or reordered",
                record.seq, self.head.seq
            ))
        } else if record.seq > expected {
            Some(format!(
                "record {expected} is missing (the next is {}): records were removed",
                record.seq
            ))
        } else if digest_matches(&self.head, record) {
            record.event().err()
        } else {
            Some(format!(
                "record {} does not match its hash: it was changed, or a record before it was",
                record.seq
            ))
        };
        match problem {
            Some(problem) => {
                self.bad = Some(BadRecord {
                    seq: record.seq.min(expected),
                    problem,
                });
                false
            }
            None => {
                self.head = ChainHead {
                    seq: record.seq,
                    hash: record.hash,
                };
                self.records += 1;
                true
            }
        }
    }

    /// Fails the chain if its last record is not `head` (the store's own
    /// note of where the chain ends): records removed from the end.
    pub fn ends_at(&mut self, head: ChainHead) {
        if self.bad.is_none() && head.seq > self.head.seq {
            self.bad = Some(BadRecord {
                seq: self.head.seq + 1,
                problem: format!(
                    "records {} to {} are missing: the chain was cut short",
                    self.head.seq + 1,
                    head.seq
                ),
            });
        } else if self.bad.is_none() && head != self.head {
            self.bad = Some(BadRecord {
                seq: self.head.seq,
                problem: format!(
                    "record {} is not the last one the database noted: the chain's end was changed",
                    self.head.seq
                ),
            });
        }
    }

    pub fn fail(&mut self, seq: u64, problem: String) {
        if self.bad.is_none() {
            self.bad = Some(BadRecord { seq, problem });
        }
    }

    pub fn verdict(self) -> Verdict {
        Verdict {
            records: self.records,
            anchor: self.anchor,
            head_seq: self.head.seq,
            head_hash: hex(&self.head.hash),
            first_bad: self.bad,
        }
    }
}

fn digest_matches(prev: &ChainHead, record: &Record) -> bool {
    seal(&prev.hash, record.seq, &record.body) == record.hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Record> {
        let mut head = ChainHead::default();
        (0..n)
            .map(|i| {
                let mut e = Event::new(&Origin::housekeeping(), Action::Settings);
                e.details.insert("n".into(), json!(i));
                let body = e.body();
                head = head.link(&body);
                Record {
                    seq: head.seq,
                    body,
                    hash: head.hash,
                }
            })
            .collect()
    }

    fn check(records: &[Record]) -> Verdict {
        let mut c = ChainCheck::from(ChainHead::default());
        for r in records {
            if !c.push(r) {
                break;
            }
        }
        c.verdict()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let v = check(&chain(5));
        assert_eq!((v.records, v.head_seq, v.first_bad), (5, 5, None));
    }

    #[test]
    fn a_changed_record_is_named() {
        let mut records = chain(5);
        records[2].body = records[2].body.replace_bytes(b"\"n\":2", b"\"n\":9");
        let bad = check(&records).first_bad.unwrap();
        assert_eq!(bad.seq, 3);
        assert!(bad.problem.contains("does not match its hash"), "{bad:?}");
    }

    #[test]
    fn a_removed_record_is_named() {
        let mut records = chain(5);
        records.remove(1);
        let bad = check(&records).first_bad.unwrap();
        assert_eq!(bad.seq, 2);
        assert!(bad.problem.contains("missing"), "{bad:?}");
    }

    #[test]
    fn swapped_records_are_found() {
        let mut records = chain(5);
        let (a, b) = (records[1].body.clone(), records[2].body.clone());
        records[1].body = b;
        records[2].body = a;
        assert_eq!(check(&records).first_bad.unwrap().seq, 2);
    }

    #[test]
    fn a_cut_short_chain_is_found_against_the_noted_head() {
        let records = chain(5);
        let mut c = ChainCheck::from(ChainHead::default());
        for r in &records[..3] {
            c.push(r);
        }
        c.ends_at(ChainHead {
            seq: 5,
            hash: records[4].hash,
        });
        assert_eq!(c.verdict().first_bad.unwrap().seq, 4);
    }

    #[test]
    fn an_update_is_recorded_as_what_it_changed() {
        let origin = Origin::housekeeping();
        let before = crate::store::contract::account("alice");
        let mut after = before.clone();
        after.user.blocked = true;
        after.user.block_reason = Some("left".into());
        let e = Event::of_update(&origin, &before, &after).unwrap();
        assert_eq!(
            (e.action, &e.details["reason"]),
            (Action::Block, &json!("left"))
        );
        let mut after = before.clone();
        after.password_hash = "other".into();
        let e = Event::of_update(&origin, &before, &after).unwrap();
        assert_eq!(e.action, Action::PasswordReset);
        assert!(!String::from_utf8(e.body()).unwrap().contains("other"));
        let own = Origin {
            actor: Origin::user_actor(before.user.id),
            ..origin.clone()
        };
        assert_eq!(
            Event::of_update(&own, &before, &after).unwrap().action,
            Action::PasswordChange
        );
        after.user.attributes = serde_json::from_value(json!({"team": "x"})).unwrap();
        let e = Event::of_update(&origin, &before, &after).unwrap();
        assert_eq!(e.action, Action::Update);
        assert_eq!(e.details["fields"], json!(["attributes", "password"]));
        assert_eq!(Event::of_update(&origin, &before, &before), None);
    }

    trait ReplaceBytes {
        fn replace_bytes(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
    }
    impl ReplaceBytes for Vec<u8> {
        fn replace_bytes(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
            let text = String::from_utf8(self.clone()).unwrap();
            text.replace(
                std::str::from_utf8(from).unwrap(),
                std::str::from_utf8(to).unwrap(),
            )
            .into_bytes()
        }
    }
}

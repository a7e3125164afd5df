//! The user record and the parsed types it is made of. Each type can only hold a
//! valid value: it is constructed through `parse` (or `TryFrom`, which serde uses),
//! so a `Username` anywhere in the program is a valid username.

mod attributes;
pub mod audit;
mod change;
mod check;
mod email;
mod group;
mod key;
mod name;
mod password;
mod role;
mod sort;
pub mod text;
mod timestamp;
mod user;
mod username;

pub use attributes::Attributes;
pub use change::{NAME as DISPLAY_NAME, NewUser, PasswordChoice, Profile, USERNAME, UserPatch};
pub use check::{CheckReport, Problem};
pub use email::Email;
pub use group::{Group, GroupPatch, GroupRef, MemberOutcome};
pub use key::{ApiKey, KEY_PREFIX, KeySecret, PresentedKey, StoredKey};
pub use name::DisplayName;
pub use password::{Password, PasswordPolicy};
pub use role::Role;
pub use sort::{Sort, SortKey};
pub use timestamp::{Timestamp, age_text, parse_age};
pub use user::{Account, ExportLine, User, UserRef, append_groups};
pub use username::Username;

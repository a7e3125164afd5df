//! What `usersctl check` found: the report every backend's check makes.

use serde::{Deserialize, Serialize};

/// What `check` found.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckReport {
    pub users: u64,
    pub problems: Vec<Problem>,
    pub repaired: bool,
    /// Damage `--repair` mended that the rebuilt indexes do not show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<Problem>,
    /// A repair's: the users the database held at its last clean shutdown,
    /// when that close counted them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_before: Option<u64>,
    /// A repair's: where the database files as they were before it are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Problem {
    pub kind: String,
    pub detail: String,
}

impl CheckReport {
    pub fn problem(&mut self, kind: &str, detail: String) {
        self.problems.push(Problem {
            kind: kind.to_owned(),
            detail,
        });
    }
}

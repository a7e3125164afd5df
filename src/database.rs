//! Where the data lives, as `--db` (or `USERSCTL_DB`) names it: a directory,
//! for the embedded sled database, or a `postgres://` URL.

use std::ffi::OsStr;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Dir(PathBuf),
    Postgres(PostgresUrl),
}

impl Database {
    /// Reads `--db`: a `postgres://` or `postgresql://` URL, else a path.
    /// Never fails, so that a URL is never echoed back in an argument error
    /// (it may hold a password); the URL is parsed when it is connected to.
    pub fn from_arg(value: &OsStr) -> Database {
        match value.to_str() {
            Some(s) if PostgresUrl::is_url(s) => Database::Postgres(PostgresUrl(s.to_owned())),
            _ => Database::Dir(PathBuf::from(value)),
        }
    }

    /// How messages name it: the path, or the URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Database::Dir(dir) => dir.display().to_string(),
            Database::Postgres(url) => url.to_string(),
        }
    }
}

/// A PostgreSQL connection URL. It may carry a password, so it is shown
/// (`Display`, `Debug`) without it: only `secret()` gives it whole.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl(String);

impl PostgresUrl {
    pub fn is_url(s: &str) -> bool {
        s.starts_with("postgres://") || s.starts_with("postgresql://")
    }

    pub fn new(url: &str) -> Option<PostgresUrl> {
        Self::is_url(url).then(|| PostgresUrl(url.to_owned()))
    }

    /// The URL as given, for the connection alone.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

/// `postgres://user@host:port/dbname`: no password, no query (which may
/// hold `password=` too).
impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("postgres", &self.0));
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let (user, hosts) = match authority.rsplit_once('@') {
            Some((info, hosts)) => (info.split(':').next(), hosts),
            None => (None, authority),
        };
        write!(f, "{scheme}://")?;
        if let Some(user) = user.filter(|u| !u.is_empty()) {
            write!(f, "{user}@")?;
        }
        write!(f, "{hosts}{path}")
    }
}

impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_password_or_query() {
        for (url, shown) in [
            (
                "postgres://app:s3cret@db.example.com:5432/users?sslmode=disable&password=x",
                "postgres://app@db.example.com:5432/users",
            ),
            (
                "postgresql://app:p%40ss@10.0.0.1/users",
                "postgresql://app@10.0.0.1/users",
            ),
            (
                "postgres://h1:5432,h2:5433/d",
                "postgres://h1:5432,h2:5433/d",
            ),
            ("postgres://:pw@host", "postgres://host"),
            ("postgres://u:a@b@host/db", "postgres://u@host/db"),
        ] {
            let url = PostgresUrl::new(url).unwrap();
            assert_eq!(url.to_string(), shown);
            assert!(!format!("{url:?}").contains("s3cret"));
        }
    }

    #[test]
    fn db_is_a_url_only_with_a_postgres_scheme() {
        assert!(matches!(
            Database::from_arg(OsStr::new("postgres://h/d")),
            Database::Postgres(_)
        ));
        assert!(matches!(
            Database::from_arg(OsStr::new("postgresql://h/d")),
            Database::Postgres(_)
        ));
        assert_eq!(
            Database::from_arg(OsStr::new("./postgres")),
            Database::Dir(PathBuf::from("./postgres"))
        );
        assert_eq!(
            Database::from_arg(OsStr::new("mysql://h/d")),
            Database::Dir(PathBuf::from("mysql://h/d"))
        );
    }
}

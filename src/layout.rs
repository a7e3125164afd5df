//! The files usersctl keeps in a database directory beside those of the
//! store itself. The store must know them, to tell a database directory
//! from a mistyped path; the socket and the token keys own them.

/// The admin socket of the server holding the database.
pub const SOCKET_FILE: &str = "usersctl.sock";
/// The secret that signs tokens.
pub const SECRET_FILE: &str = "jwt-secret";

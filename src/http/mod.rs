use std::path::Path;

use crate::cli::ServeArgs;
use crate::error::Result;
use crate::service;

pub fn serve(_db: &Path, _config: service::Config, _args: ServeArgs) -> Result<()> {
    Err(crate::Error::internal("todo"))
}

//! Noticing writes by other connections: SQLite's `data_version`, which changes when another
//! connection (another process, or a read-only window's writer) commits to the file.

use super::{ProjectFile, StoreResult, sql_error};

impl ProjectFile {
    /// SQLite's `PRAGMA data_version` of this connection: it changes exactly when another
    /// connection has committed a change to the file since the last call (our own writes
    /// leave it alone), so polling it tells whether the project changed on disk.
    pub fn data_version(&self) -> StoreResult<i64> {
        self.conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(sql_error(&self.path))
    }
}

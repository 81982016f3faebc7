//! Checking a file before anything is written to it: is it a Tessera project, whole, of a
//! version this build reads, with only the schema Tessera creates; and rolling back an
//! interrupted write that SQLite left in a rollback journal.

use std::path::Path;

use rusqlite::{Connection, ErrorCode};

use super::connect::{Access, MAGIC, connect, header, reader_access, sidecar, sidecar_in_use};
use super::schema::{self, APPLICATION_ID};
use super::{StoreError, StoreResult, sql_error};

/// What [`check_project`] found.
pub struct Checked {
    /// The file's schema version.
    pub version: i32,
    /// An interrupted write was rolled back.
    pub recovered: bool,
    /// The read-only connection the check used, and how it was opened.
    pub conn: Connection,
    /// How `conn` was opened.
    pub access: Access,
}

/// The notice given when an interrupted write was rolled back.
pub const RECOVERED: &str = "recovered an interrupted write: the last unfinished change (such as an import stopped part way) was rolled back; everything saved before it is intact";

/// Checks, read-only, that `path` is a whole Tessera project of a version this build can
/// read (`migrations.len()` at most) whose schema is the one Tessera creates, and returns
/// its schema version and the connection. A hot rollback journal beside a Tessera project
/// is rolled back first (SQLite refuses to read the file read-only until it is); nothing else
/// is ever written.
pub fn check_project(path: &Path, migrations: &[&str]) -> StoreResult<Checked> {
    let not_project = |reason: &str| StoreError::NotAProject {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => StoreError::NotFound {
            path: path.to_owned(),
        },
        _ => StoreError::Io {
            path: path.to_owned(),
            source,
        },
    })?;
    if meta.is_dir() {
        return Err(not_project("it is a directory, not a file"));
    }
    if !meta.is_file() {
        return Err(not_project(
            "it is not a regular file (a device, pipe or socket)",
        ));
    }
    if meta.len() == 0 {
        return Err(not_project("the file is empty"));
    }
    let head = header(path).map_err(|source| StoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    check_header(path, &head, meta.len())?;
    let mut recovered = false;
    let (conn, access, version) = loop {
        let access = reader_access(path);
        match probe(path, access) {
            Ok((conn, id, version)) => {
                if id != APPLICATION_ID {
                    return Err(not_project("it is an SQLite database of another program"));
                }
                break (conn, access, version);
            }
            Err(e) if is_hot_journal(&e) && !recovered => {
                recover(path, &head)?;
                recovered = true;
            }
            Err(e) => {
                return Err(match e.sqlite_error_code() {
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => sql_error(path)(e),
                    _ => not_project("it is not an SQLite database"),
                });
            }
        }
    };
    let supported = migrations.len() as i32;
    if version > supported {
        return Err(StoreError::NewerVersion {
            path: path.to_owned(),
            found: version,
            supported,
        });
    }
    if version < 1 {
        return Err(not_project("it has no Tessera tables"));
    }
    let damaged = |e: rusqlite::Error| StoreError::Damaged {
        path: path.to_owned(),
        what: format!("its list of tables cannot be read ({e})"),
    };
    let found = schema::objects(&conn).map_err(damaged)?;
    let expected = schema::expected(migrations, version).map_err(sql_error(path))?;
    let objects = schema::differences(&found, &expected);
    if !objects.is_empty() {
        return Err(StoreError::ForeignSchema {
            path: path.to_owned(),
            objects,
        });
    }
    Ok(Checked {
        version,
        recovered,
        conn,
        access,
    })
}

/// Opens `path` as `access` and reads its application id and schema version.
fn probe(path: &Path, access: Access) -> rusqlite::Result<(Connection, i32, i32)> {
    let conn = connect(path, access)?;
    let id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok((conn, id, version))
}

/// SQLite says the file has a hot journal that a read-only connection may not roll back.
fn is_hot_journal(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK)
}

/// The application id a full header holds.
fn application_id(head: &[u8]) -> Option<i32> {
    let bytes = head.get(68..72)?;
    Some(i32::from_be_bytes(bytes.try_into().ok()?))
}

/// Refuses a file whose header says SQLite but which is shorter than the header promises
/// (cut short while copying or saving), before SQLite calls it "not a database".
fn check_header(path: &Path, head: &[u8], len: u64) -> StoreResult<()> {
    if !head.starts_with(MAGIC) {
        if head.len() < MAGIC.len() && MAGIC.starts_with(head) {
            return Err(truncated(path, len, None));
        }
        return Ok(());
    }
    if head.len() < 100 {
        return Err(truncated(path, len, None));
    }
    // A rollback journal or WAL beside the file may hold the missing pages.
    if sidecar_in_use(path, "-journal") || sidecar_in_use(path, "-wal") {
        return Ok(());
    }
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    // The page count is valid only when the change counter equals the version-valid-for
    // number (SQLite's rule); older writers left it stale.
    let count_valid = head[24..28] == head[92..96];
    let expected = page_size * pages;
    let short =
        (count_valid && len < expected) || (page_size >= 512 && !len.is_multiple_of(page_size));
    if short {
        return Err(truncated(path, len, count_valid.then_some(expected)));
    }
    Ok(())
}

fn truncated(path: &Path, len: u64, expected: Option<u64>) -> StoreError {
    let promised = match expected {
        Some(n) => format!(" of the {n} its header promises"),
        None => String::new(),
    };
    StoreError::Damaged {
        path: path.to_owned(),
        what: format!(
            "the file is truncated: it holds only {len} bytes{promised}, probably cut short while being copied or saved. Open a backup, or copy the project again from where it came; the file was left untouched"
        ),
    }
}

/// Rolls back the hot journal beside a Tessera project by reading it once read-write, as
/// SQLite does on any read-write open. Refuses another program's database (it is not ours to
/// change) and says what to do when the file or its folder cannot be written.
fn recover(path: &Path, head: &[u8]) -> StoreResult<()> {
    if application_id(head) != Some(APPLICATION_ID) {
        return Err(StoreError::NotAProject {
            path: path.to_owned(),
            reason: "it is an SQLite database of another program, with an unfinished write".into(),
        });
    }
    if let Err(e) = super::ensure_writable(path) {
        return Err(StoreError::CannotRecover {
            path: path.to_owned(),
            journal: sidecar(path, "-journal"),
            reason: e.to_string(),
        });
    }
    let conn = connect(path, Access::ReadWrite).map_err(sql_error(path))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(sql_error(path))?;
    Ok(())
}

//! How a connection to a project file is opened: read-write, read-only, or read-only with the
//! file taken as unchanging; every connection distrusts the file's schema.
//!
//! A read-only SQLite connection to a file in WAL mode still creates `-wal` and `-shm` files
//! beside it (and leaves them, with the file's permissions). When a WAL-mode file has no
//! `-wal` beside it, no connection has it open (SQLite keeps the `-wal` while any does), so the
//! file alone holds every committed change and it is read as immutable: no locks, nothing
//! created. With a `-wal` present (a window has the project open, or a writer crashed), the
//! reader uses it as any reader must, to see the committed changes held there.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How long a connection waits for another one that holds the file before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How to open a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read and write (the file must exist).
    ReadWrite,
    /// Read and write, creating the file.
    Create,
    /// Read only, with SQLite's locks (sees a writer's `-wal`).
    ReadOnly,
    /// Read only, the file taken as unchanging: no locks, no files created beside it.
    Immutable,
}

/// `path` with `suffix` appended (`P.tessera-wal`).
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Whether the sidecar file exists and holds something.
pub fn sidecar_in_use(path: &Path, suffix: &str) -> bool {
    std::fs::metadata(sidecar(path, suffix)).is_ok_and(|m| m.len() > 0)
}

/// The first 100 bytes of an SQLite file (its header), or fewer if the file is shorter.
pub fn header(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(100);
    std::fs::File::open(path)?
        .take(100)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The header's magic string.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether the header says the file is in WAL mode (read and write versions 2).
fn header_says_wal(header: &[u8]) -> bool {
    header.starts_with(MAGIC) && header.get(18) == Some(&2)
}

/// The safest way to read `path` without changing anything beside it (see the module notes).
pub fn reader_access(path: &Path) -> Access {
    let wal_mode = header(path).is_ok_and(|h| header_says_wal(&h));
    if wal_mode && !sidecar(path, "-wal").exists() && !sidecar(path, "-journal").exists() {
        Access::Immutable
    } else {
        Access::ReadOnly
    }
}

/// Opens a connection with the busy timeout and `trusted_schema = OFF`: a project file is
/// untrusted, so functions with side effects are never run from its schema.
pub fn connect(path: &Path, access: Access) -> rusqlite::Result<Connection> {
    let base = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match access {
        Access::ReadWrite => {
            Connection::open_with_flags(path, base | OpenFlags::SQLITE_OPEN_READ_WRITE)?
        }
        Access::Create => Connection::open_with_flags(
            path,
            base | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?,
        Access::ReadOnly => {
            Connection::open_with_flags(path, base | OpenFlags::SQLITE_OPEN_READ_ONLY)?
        }
        Access::Immutable => Connection::open_with_flags(
            uri(path, "immutable=1"),
            base | OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )?,
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    Ok(conn)
}

/// A `file:` URI naming `path` with a query, every byte but the plainest percent-encoded (so
/// `?`, `#` and `%` in names are taken literally).
pub fn uri(path: &Path, query: &str) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    uri
}

//! The project file: one SQLite database per project (extension `.tessera`).
//!
//! - Opening checks that the file is a Tessera project (`application_id`) of a version this
//!   build can read (`user_version`) with a read-only connection first, so a file we refuse is
//!   never touched. Older versions are migrated in one transaction, after a backup copy.
//! - The file runs in WAL mode with foreign keys on and `synchronous = FULL`: each committed
//!   change is on disk before the call returns.
//! - Writes are per change (see [`ProjectFile`]'s methods); the whole project is written only
//!   when a file is created. Save As copies the live database with SQLite's backup API.

pub mod geopackage;
pub mod lock;
mod read;
mod schema;
mod watch;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use thiserror::Error;

pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

use crate::model::Project;

/// File name extension of project files.
pub const EXTENSION: &str = "tessera";

/// Why a project file could not be opened, created or changed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// There is no file at the path.
    #[error("{path}: no such file")]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// The file exists but is not a Tessera project; it was not changed.
    #[error("{path} is not a Tessera project ({reason}); the file was left untouched")]
    NotAProject {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// The project was written by a newer Tessera; it was not changed.
    #[error(
        "{path} was saved by a newer version of Tessera (project format {found}; this version reads up to {supported}); update Tessera to open it. The file was left untouched"
    )]
    NewerVersion {
        /// The path.
        path: PathBuf,
        /// The file's schema version.
        found: i32,
        /// The newest version this build reads.
        supported: i32,
    },
    /// Creating a project would overwrite an existing file.
    #[error("{path} already exists; choose another name or remove it first")]
    AlreadyExists {
        /// The path.
        path: PathBuf,
    },
    /// The file is a Tessera project but holds something impossible.
    #[error("{path}: the project is damaged: {what}")]
    Damaged {
        /// The path.
        path: PathBuf,
        /// What is wrong, naming the table and row.
        what: String,
    },
    /// A database error.
    #[error("{path}: {source}")]
    Sqlite {
        /// The path.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A file system error.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// An open project file.
#[derive(Debug)]
pub struct ProjectFile {
    conn: Connection,
    path: PathBuf,
}

impl ProjectFile {
    /// Creates a new project file holding `project` (in one transaction). Refuses to overwrite
    /// an existing file. On failure the half-written file is removed.
    pub fn create(path: &Path, project: &Project) -> StoreResult<ProjectFile> {
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        let result = Self::create_inner(path, project);
        if result.is_err() {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        result
    }

    /// Creates a project file at `path`, replacing a file there only once the new one is
    /// complete: it is written beside it (`PATH.new`), closed, and renamed over it, so a full
    /// disk or a crash leaves the old file as it was. The old file's WAL sidecars go just
    /// before the rename (they belong to the file being replaced).
    pub fn create_replacing(path: &Path, project: &Project) -> StoreResult<()> {
        let io = |source| StoreError::Io {
            path: path.to_owned(),
            source,
        };
        let mut fresh = path.as_os_str().to_owned();
        fresh.push(".new");
        let fresh = PathBuf::from(fresh);
        // A leftover from an earlier attempt that did not finish.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = fresh.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if p.exists() {
                std::fs::remove_file(&p).map_err(io)?;
            }
        }
        // Closing the new file checkpoints its WAL into it: the file alone is complete.
        drop(Self::create(&fresh, project)?);
        for suffix in ["-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if p.exists() {
                std::fs::remove_file(&p).map_err(io)?;
            }
        }
        std::fs::rename(&fresh, path).map_err(io)
    }

    fn create_inner(path: &Path, project: &Project) -> StoreResult<ProjectFile> {
        let sql = sql_error(path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sql)?;
        let mut file = ProjectFile {
            conn,
            path: path.to_owned(),
        };
        file.configure()?;
        file.migrate(0, schema::MIGRATIONS)?;
        write::insert_project(&mut file.conn, project).map_err(sql)?;
        Ok(file)
    }

    /// Opens a project file and reads the whole project.
    pub fn open(path: &Path) -> StoreResult<(ProjectFile, Project)> {
        Self::open_with(path, schema::MIGRATIONS)
    }

    /// [`Self::open`] with a given migration list (tests use a longer one to exercise
    /// migration).
    fn open_with(path: &Path, migrations: &[&str]) -> StoreResult<(ProjectFile, Project)> {
        let version = check_project(path, migrations.len() as i32)?;
        let sql = sql_error(path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        let mut file = ProjectFile {
            conn,
            path: path.to_owned(),
        };
        file.configure()?;
        if version < migrations.len() as i32 {
            file.backup_to(&backup_path(path, version))?;
            file.migrate(version, migrations)?;
        }
        let project = read::read_project(&file.conn, path).map_err(|e| match e {
            read::ReadError::Sqlite(source) => StoreError::Sqlite {
                path: path.to_owned(),
                source,
            },
            read::ReadError::Damaged(what) => StoreError::Damaged {
                path: path.to_owned(),
                what,
            },
        })?;
        Ok((file, project))
    }

    fn configure(&self) -> StoreResult<()> {
        let sql = sql_error(&self.path);
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        self.conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(sql)?;
        Ok(())
    }

    /// Runs `migrations[from..]` in one transaction and records the new version.
    fn migrate(&mut self, from: i32, migrations: &[&str]) -> StoreResult<()> {
        let path = self.path.clone();
        let sql = sql_error(&path);
        let tx = self.conn.transaction().map_err(sql)?;
        for step in &migrations[from.max(0) as usize..] {
            tx.execute_batch(step).map_err(sql)?;
        }
        tx.pragma_update(None, "user_version", migrations.len() as i32)
            .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// Copies the live project to `path` with SQLite's backup API (consistent even while
    /// the project is open). Refuses to overwrite an existing file.
    pub fn backup_to(&self, path: &Path) -> StoreResult<()> {
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        self.conn
            .backup(rusqlite::MAIN_DB, path, rusqlite::backup::NO_PROGRESS)
            .map_err(sql_error(path))
    }

    /// Save As: copies the project to `path` and returns the copy, open, to continue working
    /// in. `replace` allows overwriting an existing file (the user confirmed it).
    pub fn save_as(&self, path: &Path, replace: bool) -> StoreResult<ProjectFile> {
        if replace && path.exists() {
            std::fs::remove_file(path).map_err(|source| StoreError::Io {
                path: path.to_owned(),
                source,
            })?;
        }
        self.backup_to(path)?;
        let (file, _) = Self::open(path)?;
        Ok(file)
    }

    /// The path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database connection, for the write operations in this module.
    fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Where the backup made before migrating from `version` goes: `NAME.tessera.v1.bak`.
pub fn backup_path(path: &Path, version: i32) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(format!(".v{version}.bak"));
    PathBuf::from(p)
}

fn sql_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

/// Checks, read-only, that `path` is a Tessera project this build can read, and returns its
/// schema version.
fn check_project(path: &Path, supported: i32) -> StoreResult<i32> {
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
            "it is not a regular file (a pipe, socket or device)",
        ));
    }
    if meta.len() == 0 {
        return Err(not_project("the file is empty"));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| not_project("it is not an SQLite database"))?;
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|_| not_project("it is not an SQLite database"))?;
    if id != APPLICATION_ID {
        return Err(not_project("it is an SQLite database of another program"));
    }
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql_error(path))?;
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
    Ok(version)
}

#[cfg(test)]
mod tests;

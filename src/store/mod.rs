//! The project file: one SQLite database per project (extension `.tessera`).
//!
//! - A project file is untrusted: every connection sets `trusted_schema = OFF`, and opening
//!   compares the file's schema with the one Tessera creates, refusing triggers, views and
//!   tables it did not make (`repair` writes a clean copy without them).
//! - Opening checks that the file is a whole Tessera project (`application_id`) of a version
//!   this build can read (`user_version`) with a read-only connection first, so a file we
//!   refuse is never touched. An interrupted write left in a rollback journal is rolled back
//!   (and said). Older versions are migrated in one transaction, after a backup copy.
//! - [`ProjectFile::open_read_only`] reads without changing a byte of the file or creating
//!   anything beside it; [`ProjectFile::open`] opens for writing.
//! - The file runs in WAL mode with foreign keys on and `synchronous = FULL`: each committed
//!   change is on disk before the call returns. Writes take the write lock when they begin
//!   and wait up to 5 s for another writer.
//! - Writes are per change (see [`ProjectFile`]'s methods); the whole project is written only
//!   when a file is created. Save As copies the live database with SQLite's backup API.

mod check;
mod connect;
pub mod geopackage;
pub(crate) mod geopackage_read;
pub mod lock;
mod read;
mod repair;
mod schema;
mod watch;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

use connect::{Access, connect};
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
    /// The file holds triggers, views, tables or indexes Tessera did not create (or changed
    /// ones); it was not changed.
    #[error(
        "{path} holds database objects Tessera did not create: {}. They could change or hide your data on Tessera's own reads and writes, so the file was not opened and was left untouched. `tessera repair` writes a clean copy without them",
        .objects.join("; ")
    )]
    ForeignSchema {
        /// The path.
        path: PathBuf,
        /// Each object, named ("trigger wipe (on accounts)").
        objects: Vec<String>,
    },
    /// The file or its folder cannot be written.
    #[error(
        "cannot write to {path}: the {} is read-only; copy the project somewhere writable, or open it read-only",
        if *.folder { "folder" } else { "file" }
    )]
    ReadOnly {
        /// The path.
        path: PathBuf,
        /// The folder is read-only (else the file).
        folder: bool,
    },
    /// The project was opened read-only: nothing can be written to it.
    #[error("{path} is open read-only; open it for editing to change it")]
    OpenedReadOnly {
        /// The path.
        path: PathBuf,
    },
    /// Another program holds the file and did not let go within the busy timeout.
    #[error(
        "{path} is in use by another program (Tessera waited 5 s for it); close the other window or wait for its import to finish, then try again"
    )]
    Busy {
        /// The path.
        path: PathBuf,
    },
    /// The file holds an interrupted write that must be rolled back before it can be read,
    /// and that cannot be done here.
    #[error(
        "{path} holds an interrupted write (in {}) that must be rolled back before the project can be read, but {reason}. Copy the project together with that file to a writable folder and open it there",
        .journal.display()
    )]
    CannotRecover {
        /// The path.
        path: PathBuf,
        /// The rollback journal beside it.
        journal: PathBuf,
        /// Why it cannot be rolled back here.
        reason: String,
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
    /// Opened with [`ProjectFile::open_read_only`]: every write is refused.
    read_only: bool,
    /// What opening did that the planner should hear of (a rolled-back write).
    notices: Vec<String>,
    /// How much our own journal-mode switches moved SQLite's `data_version` (see
    /// `watch.rs`): taken off, so that only other connections' commits show.
    own_version_steps: i64,
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
        let conn = connect(path, Access::Create).map_err(sql)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sql)?;
        let mut file = ProjectFile {
            conn,
            path: path.to_owned(),
            read_only: false,
            notices: Vec::new(),
            own_version_steps: 0,
        };
        file.configure()?;
        file.migrate(0, schema::MIGRATIONS)?;
        write::insert_project(&mut file.conn, project).map_err(sql)?;
        Ok(file)
    }

    /// Opens a project file for reading and writing and reads the whole project. A write
    /// interrupted earlier is rolled back first ([`ProjectFile::notices`] says so).
    pub fn open(path: &Path) -> StoreResult<(ProjectFile, Project)> {
        Self::open_with(path, schema::MIGRATIONS)
    }

    /// Opens a project file only to read it: no byte of the file changes and nothing is
    /// created beside it (the one exception: an interrupted write is rolled back first, as
    /// SQLite must before anyone can read the file). Every write is refused. A file of an
    /// older version is read as it is (it was checked against that version's schema; what
    /// later versions added is simply empty), since upgrading it would write.
    pub fn open_read_only(path: &Path) -> StoreResult<(ProjectFile, Project)> {
        let checked = check::check_project(path, schema::MIGRATIONS)?;
        let access = checked.access;
        let file = ProjectFile {
            conn: checked.conn,
            path: path.to_owned(),
            read_only: true,
            notices: recovered_notice(checked.recovered),
            own_version_steps: 0,
        };
        let project = file.read(access)?;
        Ok((file, project))
    }

    /// [`Self::open`] with a given migration list (tests use a longer one to exercise
    /// migration).
    fn open_with(path: &Path, migrations: &[&str]) -> StoreResult<(ProjectFile, Project)> {
        let checked = check::check_project(path, migrations)?;
        let (version, recovered) = (checked.version, checked.recovered);
        drop(checked.conn);
        ensure_writable(path)?;
        let sql = sql_error(path);
        let conn = connect(path, Access::ReadWrite).map_err(sql)?;
        let mut file = ProjectFile {
            conn,
            path: path.to_owned(),
            read_only: false,
            notices: recovered_notice(recovered),
            own_version_steps: 0,
        };
        if version < migrations.len() as i32 {
            // Read it whole first: a damaged file is refused before the backup and the
            // upgrade write anything (read again after the upgrade: once in a file's life).
            file.read(Access::ReadOnly)?;
            file.configure()?;
            file.backup_to(&backup_path(path, version))?;
            file.migrate(version, migrations)?;
            let project = file.read(Access::ReadOnly)?;
            return Ok((file, project));
        }
        // Read before switching to WAL, so that a file refused as damaged keeps its header.
        let project = file.read(Access::ReadOnly)?;
        file.configure()?;
        Ok((file, project))
    }

    /// Reads the whole project; a second connection (opened as `access`) may help.
    fn read(&self, access: Access) -> StoreResult<Project> {
        let path = &self.path;
        read::read_project(&self.conn, &|| connect(path, access)).map_err(|e| match e {
            read::ReadError::Sqlite(source) => sql_error(path)(source),
            read::ReadError::Damaged(what) => StoreError::Damaged {
                path: path.to_owned(),
                what,
            },
        })
    }

    /// What opening did that the planner should be told (e.g. that an interrupted write
    /// was rolled back); empty when nothing happened.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Whether the file was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
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
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
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

fn recovered_notice(recovered: bool) -> Vec<String> {
    if recovered {
        vec![check::RECOVERED.to_owned()]
    } else {
        Vec::new()
    }
}

/// Turns SQLite's error into ours: a file held too long by another program, or one that
/// cannot be written, gets a message saying what to do; the rest keep SQLite's text.
fn sql_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
            path: path.to_owned(),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen) => match ensure_writable(path) {
            Err(e @ StoreError::ReadOnly { .. }) => e,
            _ => StoreError::Sqlite {
                path: path.to_owned(),
                source,
            },
        },
        _ => StoreError::Sqlite {
            path: path.to_owned(),
            source,
        },
    }
}

/// Refuses, before SQLite tries, a file or folder that cannot be written: SQLite would open
/// a read-only file read-only without a word and fail later with "disk I/O error", and in a
/// read-only folder it cannot make its journal. The folder is tried with a probe file made
/// and removed at once.
fn ensure_writable(path: &Path) -> StoreResult<()> {
    let denied = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
    };
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => {}
        Err(e) if denied(&e) => {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
                folder: false,
            });
        }
        Err(e) => return Err(io(e)),
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let probe = folder.join(format!(".tessera-write-test-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if denied(&e) => Err(StoreError::ReadOnly {
            path: path.to_owned(),
            folder: true,
        }),
        // Another Tessera of the same id probing at once, or the like: not our business.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod unit_layers_tests;
#[cfg(test)]
mod unit_plans_tests;

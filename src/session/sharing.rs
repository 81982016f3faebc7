//! Sharing a project file with other programs: the lock that makes this session its one
//! writer (or its absence: read-only), and noticing changes other connections commit.

use std::sync::Arc;

use super::{Effects, History, Session, SessionError};
use crate::engine::index::AccountGrid;
use crate::store::ProjectFile;
use crate::store::lock::Takeover;

impl Session {
    /// Whether the session was opened read-only (every change is refused).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Gives up the project's lock now, as the session closes: the window drops a big
    /// project on another thread, and the file must be free to open again at once.
    pub fn release_lock(&mut self) {
        self.lock = None;
    }

    /// The stale lock this session took over when it opened its file, to tell the user
    /// (whatever its holder had not written is lost).
    pub fn lock_takeover(&self) -> Option<&Takeover> {
        self.lock.as_ref().and_then(|l| l.took_over())
    }

    /// Refuses a change when the session may not write: read-only, or its lock taken over.
    pub(super) fn check_writable(&self) -> Result<(), SessionError> {
        let path = || self.path().unwrap_or_default();
        if self.read_only {
            return Err(SessionError::ReadOnly { path: path() });
        }
        if self.lock.as_ref().is_some_and(|l| l.is_lost()) {
            return Err(SessionError::LockLost { path: path() });
        }
        Ok(())
    }

    /// Notes the file's `data_version` now (after opening or reloading it).
    pub(super) fn watch(&mut self) {
        self.seen_version = self.file.as_ref().and_then(|f| f.data_version().ok());
    }

    /// [`Self::watch`] for a session being built.
    pub(super) fn watching(mut self) -> Session {
        self.watch();
        self
    }

    /// Looks whether another connection (another program, or another window reading the
    /// file) has committed to the file since the last look, and if so reloads the project
    /// from it ([`Self::reload`]). Cheap (one pragma); the window calls it about once a
    /// second. `None`: nothing changed (or there is no file, or it is lent to an import).
    pub fn poll_outside_change(&mut self) -> Result<Option<Effects>, SessionError> {
        let Some(file) = &self.file else {
            return Ok(None);
        };
        if self.is_busy() {
            return Ok(None);
        }
        let now = file.data_version()?;
        if self.seen_version == Some(now) {
            return Ok(None);
        }
        self.reload().map(Some)
    }

    /// Reads the project again from its file, after another program changed it: keeps the
    /// scenario shown (by id) and the lock, drops the undo history (its edits were made
    /// against what the file held before). The effects say everything changed.
    pub fn reload(&mut self) -> Result<Effects, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        let Some(path) = self.path() else {
            return Err(SessionError::Read(
                "the project has no file to reload from".into(),
            ));
        };
        let shown = self.current().map(|s| s.id);
        let (file, project) = if self.read_only {
            ProjectFile::open_read_only(&path)?
        } else {
            ProjectFile::open(&path)?
        };
        self.file = Some(file);
        self.project = Arc::new(project);
        self.history = History::default();
        self.scenario = self.position_of(shown);
        self.accounts_version += 1;
        self.revision += 1;
        let grid = Arc::new(AccountGrid::new(
            self.project.accounts.lons(),
            self.project.accounts.lats(),
        ));
        self.recompute(grid);
        self.watch();
        Ok(Effects {
            description: "Reloaded the project (another program changed it)".into(),
            accounts: true,
            scenario_shown: self.current().map(|s| s.id) != shown,
        })
    }
}

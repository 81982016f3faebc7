//! Lending the project file to another thread for one large accounts edit (an import), and
//! taking it back: the window stays responsive while a million rows are written.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Effects, Session, SessionError};
use crate::engine::index::AccountGrid;
use crate::model::{Accounts, Change, Edit, Project};
use crate::store::ProjectFile;

/// The session's file, lent to a worker thread for one accounts edit.
pub struct LentFile {
    file: Option<ProjectFile>,
    /// Why the session may not write (read-only, lock lost): the write is refused with it.
    refusal: Option<SessionError>,
}

/// What a background write gives back to the session: the file, and the edit with the
/// accounts after it when it was committed.
pub struct BackgroundWrite {
    file: Option<ProjectFile>,
    result: Result<(Edit, Accounts), SessionError>,
}

impl LentFile {
    /// The work of a background accounts edit, on any thread: applies `edit` (account
    /// changes only, no removals) to a copy of `accounts` (the session's accounts when the
    /// file was lent) and commits it to the file in one transaction. On an error the file is
    /// as it was.
    pub fn write_accounts_edit(mut self, accounts: &Accounts, edit: Edit) -> BackgroundWrite {
        if let Some(refusal) = self.refusal {
            return BackgroundWrite {
                file: self.file,
                result: Err(refusal),
            };
        }
        let result = write(self.file.as_mut(), accounts, &edit).map(|after| (edit, after));
        BackgroundWrite {
            file: self.file,
            result,
        }
    }
}

impl BackgroundWrite {
    /// Why the write failed, if it did.
    pub fn error(&self) -> Option<&SessionError> {
        self.result.as_ref().err()
    }
}

fn write(
    file: Option<&mut ProjectFile>,
    accounts: &Accounts,
    edit: &Edit,
) -> Result<Accounts, SessionError> {
    let accounts_only = edit
        .changes
        .iter()
        .all(|c| matches!(c, Change::Accounts { removed, .. } if removed.is_empty()));
    if !accounts_only {
        return Err(SessionError::NotAccounts);
    }
    // Without removals, an accounts change touches nothing but the account table, so a
    // project holding only the accounts gives the same result as the whole one.
    let mut staged = Project {
        accounts: accounts.clone(),
        ..Project::default()
    };
    edit.apply(&mut staged)?;
    if let Some(file) = file {
        file.write_edit(edit, &staged)?;
    }
    Ok(staged.accounts)
}

impl Session {
    /// Lends the file to a background write of an accounts edit; edits, undo, redo and
    /// Save As are refused until [`Session::finish_background_edit`] takes it back. A
    /// session that may not write (read-only) lends it too, but the write is refused.
    pub fn lend_file(&mut self) -> LentFile {
        let refusal = self.check_writable().err();
        self.busy = true;
        self.lent_path = self.path();
        LentFile {
            file: self.file.take(),
            refusal,
        }
    }

    /// Takes the file back from a background write. When the edit was committed, the
    /// session takes the accounts after it, recomputes the assignment and makes the edit undoable,
    /// and says what changed; when it failed, the project is as it was and the error is
    /// returned. `None` means the worker died with the file: its transaction never
    /// committed, so the session opens its file again.
    pub fn finish_background_edit(
        &mut self,
        written: Option<BackgroundWrite>,
    ) -> Result<Option<Effects>, SessionError> {
        self.busy = false;
        let lent_path: Option<PathBuf> = self.lent_path.take();
        let Some(written) = written else {
            if let Some(path) = lent_path {
                let (file, _) = ProjectFile::open(&path)?;
                self.file = Some(file);
                self.watch();
            }
            return Ok(None);
        };
        if written.file.is_some() {
            self.file = written.file;
        }
        let (edit, accounts) = written.result?;
        self.project.accounts = accounts;
        self.accounts_version += 1;
        self.revision += 1;
        let grid = Arc::new(AccountGrid::new(
            self.project.accounts.lons(),
            self.project.accounts.lats(),
        ));
        self.recompute(grid);
        let effects = Effects {
            description: edit.description.clone(),
            accounts: true,
            scenario_shown: false,
        };
        self.history.record(edit);
        Ok(Some(effects))
    }
}

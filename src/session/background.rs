//! Changes made on another thread: the session lends its file, with a snapshot of the project,
//! to a worker that applies one edit (or an undo or redo) to a copy, writes it in one
//! transaction, and computes the live assignment of the scenario to show; the session then
//! takes back the file and swaps in the result. The window keeps drawing the snapshot, so it
//! stays responsive while a million rows are written or a plan is reassigned.
//!
//! The file equals the model throughout: until the worker's transaction commits, the file
//! holds the snapshot; the session takes the worker's project only with a committed file, and
//! refuses edits ([`SessionError::Busy`]) until then. Showing another scenario (no edit, no
//! file) runs the same way.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Effects, Session, SessionError, compute, position};
use crate::engine::index::AccountGrid;
use crate::engine::live::LiveAssignment;
use crate::engine::report::ScenarioReport;
use crate::model::{Change, Edit, Project, ScenarioId};
use crate::progress::Progress;
use crate::store::ProjectFile;

/// What the session remembers while a change runs on another thread.
pub(super) struct Lent {
    /// Where the lent file lives, to open it again should the worker die with it.
    path: Option<PathBuf>,
    /// What the change does to the history when it is taken back.
    kind: Kind,
}

/// What a background change is, for the history.
enum Kind {
    /// A new edit (given now, or made by the worker, as an import's is).
    Apply,
    /// An undo of this edit (kept to put it back if the worker fails).
    Undo(Arc<Edit>),
    /// A redo of this edit.
    Redo(Arc<Edit>),
    /// No edit: another scenario is shown.
    Show,
}

/// The session's file and a snapshot of its project, lent to a worker thread for one change.
pub struct LentFile {
    file: Option<ProjectFile>,
    /// Why the session may not write (read-only, lock lost): the write is refused with it.
    refusal: Option<SessionError>,
    snapshot: Arc<Project>,
    grid: Arc<AccountGrid>,
    /// The scenario shown when the change started.
    shown: Option<ScenarioId>,
    /// The scenario to show afterwards (else the one shown, else the active plan).
    show: Option<ScenarioId>,
    /// The edit of an apply, undo or redo started by the session.
    edit: Option<Arc<Edit>>,
    undo: bool,
}

/// What a background change gives back to the session: the file, and the project after the
/// change with its plan when it was committed.
pub struct BackgroundWrite {
    file: Option<ProjectFile>,
    result: Result<Box<Changed>, SessionError>,
}

/// A committed change, ready to be swapped in.
struct Changed {
    /// The edit to file in the history (`None` when only the scenario shown changed).
    edit: Option<Arc<Edit>>,
    /// The project after the edit (`None` when only the scenario shown changed).
    project: Option<Project>,
    scenario: usize,
    assignment: LiveAssignment,
    report: ScenarioReport,
    effects: Effects,
}

/// Stages of a background change, for the progress bar.
const STEPS: usize = 4;

impl LentFile {
    /// The work of a background edit given by the worker itself (an import, whose edit is
    /// made from its plan on the worker): see [`LentFile::run`].
    pub fn write_edit(mut self, edit: Edit, progress: &Progress) -> BackgroundWrite {
        self.edit = Some(Arc::new(edit));
        self.run(progress)
    }

    /// The work of a background change, on any thread: applies the edit (or its inverse for
    /// an undo) to a copy of the snapshot, commits it to the file in one transaction, and
    /// assigns the accounts of the scenario to show. On an error the file is as it was.
    pub fn run(self, progress: &Progress) -> BackgroundWrite {
        progress.start(STEPS);
        let LentFile {
            mut file,
            refusal,
            snapshot,
            grid,
            shown,
            show,
            edit,
            undo,
        } = self;
        if let Some(refusal) = refusal {
            return BackgroundWrite {
                file,
                result: Err(refusal),
            };
        }
        let result = change(
            file.as_mut(),
            snapshot,
            grid,
            (shown, show),
            edit,
            undo,
            progress,
        );
        BackgroundWrite { file, result }
    }
}

fn change(
    file: Option<&mut ProjectFile>,
    snapshot: Arc<Project>,
    grid: Arc<AccountGrid>,
    (shown, show): (Option<ScenarioId>, Option<ScenarioId>),
    edit: Option<Arc<Edit>>,
    undo: bool,
    progress: &Progress,
) -> Result<Box<Changed>, SessionError> {
    // Only showing another scenario: no copy, nothing to write.
    let Some(edit) = edit else {
        let scenario = position(&snapshot, show.or(shown));
        progress.set(2);
        let (assignment, report) = compute(&snapshot, scenario, grid);
        progress.set(STEPS);
        let effects = Effects {
            description: String::new(),
            accounts: false,
            scenario_shown: snapshot.scenarios.get(scenario).map(|s| s.id) != shown,
        };
        return Ok(Box::new(Changed {
            edit: None,
            project: None,
            scenario,
            assignment,
            report,
            effects,
        }));
    };
    let mut project = (*snapshot).clone();
    drop(snapshot);
    progress.set(1);
    let inverse;
    let applied: &Edit = if undo {
        inverse = edit.inverse();
        &inverse
    } else {
        &edit
    };
    applied.apply(&mut project)?;
    if let Some(file) = file {
        file.write_edit(applied, &project)?;
    }
    progress.set(2);
    let accounts = applied
        .changes
        .iter()
        .any(|c| matches!(c, Change::Accounts { .. }));
    let grid = if accounts {
        Arc::new(AccountGrid::new(
            project.accounts.lons(),
            project.accounts.lats(),
        ))
    } else {
        grid
    };
    progress.set(3);
    let scenario = position(&project, show.or(shown));
    let (assignment, report) = compute(&project, scenario, grid);
    progress.set(STEPS);
    let effects = Effects {
        description: edit.description.clone(),
        accounts,
        scenario_shown: project.scenarios.get(scenario).map(|s| s.id) != shown,
    };
    Ok(Box::new(Changed {
        edit: Some(edit),
        project: Some(project),
        scenario,
        assignment,
        report,
        effects,
    }))
}

impl BackgroundWrite {
    /// Why the change failed, if it did.
    pub fn error(&self) -> Option<&SessionError> {
        self.result.as_ref().err()
    }
}

impl Session {
    /// Lends the file to a background edit that the worker makes itself (an import): edits,
    /// undo, redo and Save As are refused until [`Session::finish_background_edit`] takes it
    /// back. Give the edit to [`LentFile::write_edit`].
    pub fn lend_file(&mut self) -> LentFile {
        self.lend(Kind::Apply, None, None)
    }

    /// Starts `edit` on another thread (then shows scenario `show`, if given): run the
    /// returned work with [`LentFile::run`] and give its result to
    /// [`Session::finish_background_edit`]. The window does this for edits that reassign
    /// every account of a large project (a duplicate, a rep change).
    pub fn begin_apply(
        &mut self,
        edit: Edit,
        show: Option<ScenarioId>,
    ) -> Result<LentFile, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        Ok(self.lend(Kind::Apply, Some(Arc::new(edit)), show))
    }

    /// Starts undoing the last edit on another thread; `None` when there is nothing to undo.
    pub fn begin_undo(&mut self) -> Result<Option<LentFile>, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        let Some(edit) = self.history.take_undo() else {
            return Ok(None);
        };
        let edit = Arc::new(edit);
        let mut lent = self.lend(Kind::Undo(Arc::clone(&edit)), Some(edit), None);
        lent.undo = true;
        Ok(Some(lent))
    }

    /// Starts redoing the last undone edit on another thread; `None` when there is none.
    pub fn begin_redo(&mut self) -> Result<Option<LentFile>, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        let Some(edit) = self.history.take_redo() else {
            return Ok(None);
        };
        let edit = Arc::new(edit);
        Ok(Some(self.lend(
            Kind::Redo(Arc::clone(&edit)),
            Some(edit),
            None,
        )))
    }

    /// Starts showing the scenario at `index` on another thread (its accounts are assigned
    /// there); `None` when it is already shown or there is none.
    pub fn begin_show(&mut self, index: usize) -> Result<Option<LentFile>, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        let Some(id) = self.project.scenarios.get(index).map(|s| s.id) else {
            return Ok(None);
        };
        if index == self.scenario {
            return Ok(None);
        }
        // Nothing is written: the file stays with the session.
        let mut lent = self.lend(Kind::Show, None, Some(id));
        self.file = lent.file.take();
        Ok(Some(lent))
    }

    fn lend(&mut self, kind: Kind, edit: Option<Arc<Edit>>, show: Option<ScenarioId>) -> LentFile {
        self.lent = Some(Lent {
            path: self.path(),
            kind,
        });
        LentFile {
            file: self.file.take(),
            // A session that may not write (read-only, lock lost) lends its file too, but
            // the worker's write is refused with this.
            refusal: self.check_writable().err(),
            snapshot: Arc::clone(&self.project),
            grid: self.assignment.shared_grid(),
            shown: self.current().map(|s| s.id),
            show,
            edit,
            undo: false,
        }
    }

    /// Takes the file back from a background change. When it was committed, the session
    /// takes the project after it with its plan, files the edit in the history (new, undone or
    /// redone) and says what changed; when it failed, the project is as it was (an undone or
    /// redone edit goes back where it was) and the error is returned. `None` means the worker
    /// died with the file: its transaction never committed, so the session opens its file
    /// again.
    pub fn finish_background_edit(
        &mut self,
        written: Option<BackgroundWrite>,
    ) -> Result<Option<Effects>, SessionError> {
        let Some(lent) = self.lent.take() else {
            return Ok(None);
        };
        let Some(written) = written else {
            self.put_back(lent.kind);
            if let Some(path) = lent.path
                && self.file.is_none()
            {
                let (file, _) = ProjectFile::open(&path)?;
                self.file = Some(file);
                self.watch();
            }
            return Ok(None);
        };
        if written.file.is_some() {
            self.file = written.file;
        }
        let changed = match written.result {
            Ok(changed) => changed,
            Err(e) => {
                self.put_back(lent.kind);
                return Err(e);
            }
        };
        let Changed {
            edit,
            project,
            scenario,
            assignment,
            report,
            effects,
        } = *changed;
        // The old project and plan may be a million accounts: free them off this thread.
        let old_plan = std::mem::replace(&mut self.assignment, assignment);
        self.report = report;
        self.scenario = scenario;
        let old_project = project.map(|p| std::mem::replace(&mut self.project, Arc::new(p)));
        std::thread::spawn(move || drop((old_plan, old_project)));
        // The session's own reference to an undone or redone edit (kept for a worker that
        // dies) goes first, so the worker's unwraps without a copy.
        let (undo, redo) = (
            matches!(lent.kind, Kind::Undo(_)),
            matches!(lent.kind, Kind::Redo(_)),
        );
        drop(lent.kind);
        if let Some(edit) = edit {
            let edit = Arc::try_unwrap(edit).unwrap_or_else(|shared| (*shared).clone());
            self.revision += 1;
            if effects.accounts {
                self.accounts_version += 1;
            }
            if undo {
                self.history.undone(edit);
            } else if redo {
                self.history.redone(edit);
            } else {
                self.history.record(edit);
            }
        }
        Ok(Some(effects))
    }

    /// Puts an undone or redone edit back where it was after its change failed.
    fn put_back(&mut self, kind: Kind) {
        let take = |edit: Arc<Edit>| Arc::try_unwrap(edit).unwrap_or_else(|e| (*e).clone());
        match kind {
            Kind::Undo(edit) => self.history.restore_undo(take(edit)),
            Kind::Redo(edit) => self.history.restore_redo(take(edit)),
            Kind::Apply | Kind::Show => {}
        }
    }
}

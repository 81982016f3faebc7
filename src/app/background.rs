//! Opening a project and long changes on other threads, so that no frame waits for them: the
//! window opens at once on the basemap with "Opening P… n%" while [`Session::open`] reads the
//! project and assigns its accounts, and a large project's duplicate, undo of an import or
//! scenario switch runs through the session's background change ([`Session::begin_apply`]
//! and friends) while the window shows the project as it was with a progress bar. The window
//! polls once per frame; every change still ends as one edit in the session's history.

use std::path::{Path, PathBuf};

use super::job::{Job, Poll};
use super::{Command, TesseraApp};
use crate::model::{Edit, ScenarioId};
use crate::session::{BackgroundWrite, LentFile, Session, SessionError};

/// From this many accounts on, changes that assign every account again run on another
/// thread: at 100,000 accounts such a change takes about 100 ms on one core.
pub const BACKGROUND_FROM: usize = 100_000;

/// A project being opened on another thread.
pub(super) struct Opening {
    path: PathBuf,
    job: Job<Result<Session, SessionError>>,
    /// Opened as the window starts: the remembered view comes back, and when it fails the
    /// demo stands in.
    at_start: bool,
}

/// A change of the session under way on another thread.
pub(super) struct Working {
    /// What it is, for the progress bar ("Duplicate scenario Plan A").
    what: String,
    job: Job<BackgroundWrite>,
}

impl TesseraApp {
    /// Opens `path` (to edit it, or `read_only`) on another thread; the window shows its
    /// progress until it arrives.
    pub(super) fn open_in_background(&mut self, path: PathBuf, at_start: bool, read_only: bool) {
        let opened = path.clone();
        let job = Job::spawn(move |progress| {
            if read_only {
                Session::open_read_only(&opened)
            } else {
                Session::open_with_progress(&opened, progress)
            }
        });
        self.opening = Some(Opening {
            path,
            job,
            at_start,
        });
    }

    /// Starts a change of the session on another thread (`start` lends the file), or says
    /// why not.
    fn start_change(
        &mut self,
        what: String,
        start: impl FnOnce(&mut Session) -> Result<Option<LentFile>, SessionError>,
    ) {
        match start(&mut self.session) {
            Ok(Some(lent)) => {
                self.working = Some(Working {
                    what,
                    job: Job::spawn(move |progress| lent.run(progress)),
                })
            }
            Ok(None) => {}
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Whether a change of `edit` would take long enough (every account assigned again in a
    /// large project) to run on another thread.
    fn runs_in_background(&self, edit: Option<&Edit>) -> bool {
        self.session.project().accounts.len() >= self.background_from
            && edit.is_none_or(|e| self.session.reassigns_all(e))
    }

    /// Makes `edit` (then shows scenario `show`), on another thread when it is long.
    /// Returns whether the edit was made or started.
    pub(super) fn make_edit_showing(&mut self, edit: Edit, show: Option<ScenarioId>) -> bool {
        if self.runs_in_background(Some(&edit)) {
            let what = edit.description.clone();
            self.start_change(what, |s| s.begin_apply(edit, show).map(Some));
            return self.working.is_some();
        }
        let id = show;
        match self.session.apply(edit) {
            Ok(effects) => {
                self.after_change(&effects);
                if let Some(id) = id
                    && self.session.current().map(|s| s.id) != Some(id)
                {
                    self.session.show_scenario(id);
                    self.scenario_shown();
                }
                true
            }
            Err(e) => {
                self.error = Some(e.to_string());
                false
            }
        }
    }

    /// Undo (or redo), on another thread when it is long (an import of many accounts).
    pub(super) fn undo_or_redo(&mut self, redo: bool) {
        let history = self.session.history();
        let next = if redo {
            history.last_redo()
        } else {
            history.last_undo()
        };
        if self.session.is_busy() || self.runs_in_background(next) && next.is_some() {
            let name = next.map_or_else(String::new, |e| e.description.clone());
            if redo {
                self.start_change(format!("Redo {name}"), Session::begin_redo);
            } else {
                self.start_change(format!("Undo {name}"), Session::begin_undo);
            }
            return;
        }
        let result = if redo {
            self.session.redo()
        } else {
            self.session.undo()
        };
        self.after_history(result);
    }

    /// Shows the scenario at `index`, on another thread in a large project.
    pub(super) fn show_scenario_at(&mut self, index: usize) {
        if self.session.is_busy() || self.runs_in_background(None) {
            let name = self
                .session
                .project()
                .scenarios
                .get(index)
                .map_or_else(String::new, |s| s.name.clone());
            self.start_change(format!("Show {name}"), |s| s.begin_show(index));
        } else {
            self.session.show_scenario_at(index);
            self.scenario_shown();
        }
    }

    /// Picks up a finished open or change (once per frame, before anything is drawn).
    pub(super) fn poll_background(&mut self) {
        if let Some(opening) = &self.opening {
            match opening.job.poll() {
                Poll::Running => {}
                Poll::Done(result) => self.opened(result),
                Poll::Lost => {
                    let name = self.opening.as_ref().map(|o| o.path.display().to_string());
                    self.opened(Err(SessionError::Read(format!(
                        "{}: opening failed unexpectedly",
                        name.unwrap_or_default()
                    ))));
                }
            }
        }
        if let Some(working) = &self.working {
            match working.job.poll() {
                Poll::Running => {}
                Poll::Done(written) => self.changed(Some(written)),
                Poll::Lost => self.changed(None),
            }
        }
        self.poll_snapping(false);
        self.poll_suggesting(false);
    }

    /// Waits for the open or change under way and takes its result: for tests and benches,
    /// which need the outcome now rather than in a later frame.
    pub fn wait_for_background(&mut self) {
        self.poll_snapping(true);
        self.poll_suggesting(true);
        if let Some(opening) = &self.opening {
            match opening.job.wait() {
                Poll::Done(result) => self.opened(result),
                Poll::Running | Poll::Lost => self.opened(Err(SessionError::Read(
                    "opening failed unexpectedly".into(),
                ))),
            }
        }
        if let Some(working) = &self.working {
            match working.job.wait() {
                Poll::Done(written) => self.changed(Some(written)),
                Poll::Running | Poll::Lost => self.changed(None),
            }
        }
    }

    /// The open under way: the file and the fraction done.
    pub fn opening(&self) -> Option<(&Path, f32)> {
        self.opening
            .as_ref()
            .map(|o| (o.path.as_path(), o.job.progress().fraction()))
    }

    /// The change under way on another thread: what it is and the fraction done.
    pub fn working(&self) -> Option<(&str, f32)> {
        self.working
            .as_ref()
            .map(|w| (w.what.as_str(), w.job.progress().fraction()))
    }

    /// Runs changes that assign every account again on another thread from this many
    /// accounts on ([`BACKGROUND_FROM`] unless set; tests set 0 to run them all there).
    pub fn set_background_from(&mut self, accounts: usize) {
        self.background_from = accounts;
    }

    /// An open finished: show the project, or say why not.
    fn opened(&mut self, result: Result<Session, SessionError>) {
        let Some(opening) = self.opening.take() else {
            return;
        };
        match result {
            Ok(session) => {
                // What opening did that the planner should know: a stale lock taken over, an
                // interrupted write rolled back.
                let notes: Vec<String> = session
                    .lock_takeover()
                    .map(|t| format!("{t}."))
                    .into_iter()
                    .chain(session.notices().iter().cloned())
                    .collect();
                self.replace(session);
                self.status_note = (!notes.is_empty()).then(|| notes.join("  "));
                if opening.at_start {
                    self.restore_view();
                }
                self.preferences.remember(&opening.path);
            }
            // Someone else edits it: ask whether to open it read-only; the project shown stays
            // (the demo, as the window starts).
            Err(SessionError::Locked { path, holder }) => {
                if opening.at_start {
                    self.apply(Command::OpenDemo, self.last_map_size);
                }
                self.in_use = Some(super::InUse { path, holder });
            }
            Err(e) => {
                self.error = Some(e.to_string());
                if opening.at_start {
                    self.apply(Command::OpenDemo, self.last_map_size);
                    // The demo replaced the session and cleared the error: show it again.
                    self.error = Some(e.to_string());
                }
            }
        }
    }

    /// A change finished: redraw what it changed, or say why it failed.
    fn changed(&mut self, written: Option<BackgroundWrite>) {
        let Some(working) = self.working.take() else {
            return;
        };
        let lost = written.is_none();
        match self.session.finish_background_edit(written) {
            Ok(Some(effects)) => self.after_change(&effects),
            Ok(None) if lost => {
                self.error = Some(format!(
                    "{} failed unexpectedly; the project is as it was",
                    working.what
                ))
            }
            Ok(None) => {}
            Err(e) => self.error = Some(format!("{}: {e}", working.what)),
        }
    }
}

//! The headless session: an open project, its file, the scenario shown, its live assignment and
//! report, and the undo history. No egui here: the window and the command line both work
//! through a [`Session`].
//!
//! The file equals the model: every change to the project goes through
//! [`Session::apply`] (or undo/redo), which applies an [`Edit`] to the model and writes it in
//! one transaction; when the write fails the model is put back. The only exceptions are the
//! in-memory previews of a gesture under way ([`Session::preview_geometry`],
//! [`Session::preview_rep_home`]), which the gesture's edit replaces when it ends.
//!
//! One writer per file: [`Session::open`] takes the project's lock
//! ([`crate::store::lock::ProjectLock`]) and is refused, naming the holder, while another
//! process holds it; [`Session::open_read_only`] opens without the lock and refuses every
//! edit. Changes another connection commits are noticed by [`Session::poll_outside_change`].

mod actions;
mod background;
mod columns;
mod design;
mod design_measure;
mod history;
mod layers;
mod paint;
mod rep_suggestion;
mod sharing;
mod trade_offs;
mod units;
mod update;
mod whereabouts;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use actions::{
    ExportKind, PreparedTerritories, TerritoriesRead, TerritoryImport, TerritoryTarget,
};
use background::Lent;
pub use background::{BackgroundWrite, LentFile};
pub use columns::{numeric_column, numeric_columns};
pub use design::{DesignReport, DesignRequest, Limit, RepChange, TerritoryCount, design_edit};
pub use history::History;
pub use layers::{
    HEXAGONS, LayerChoice, PreparedLayer, check_new_key, layer_in, layer_key_from, layer_list,
    prepare_layer,
};
pub use paint::{Brush, UnitStroke};
pub use rep_suggestion::{EXPERTISE_WEIGHT, RepSuggestion, SuggestedRep, suggest_reps};
pub use trade_offs::trade_offs;
pub use units::{UnitSnap, snap_edit, unit_layer};
pub use whereabouts::{AccountUnit, unit_at_point};

use crate::engine::index::AccountGrid;
use crate::engine::live::LiveAssignment;
use crate::engine::report::ScenarioReport;
use crate::model::{Change, ChangeError, Edit, Project, RepId, Scenario, ScenarioId, TerritoryId};
use crate::progress::Progress;
use crate::store::lock::{Holder, LockError, ProjectLock};
use crate::store::{ProjectFile, StoreError};

/// Why a session could not do something (the project and its file are as before).
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The edit does not fit the project.
    #[error("cannot apply the edit: {0}")]
    Change(#[from] ChangeError),
    /// The file could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A long change (an import, a duplicate, an undo of an import) is being made on another
    /// thread.
    #[error(
        "the project is busy with a change on another thread (see its progress bar); \
         try again when it has finished"
    )]
    Busy,
    /// A background write was given an edit that changes more than accounts.
    #[error("only account changes can be written in the background")]
    NotAccounts,
    /// The edit was applied and written, but putting the model back after a failed write
    /// failed too: the project in memory may differ from the file, so it must be reopened.
    #[error("{write}; the project in memory could not be put back ({rollback}): reopen it")]
    Diverged {
        /// Why the write failed.
        write: StoreError,
        /// Why the model could not be put back.
        rollback: ChangeError,
    },
    /// The embedded demo project could not be built (a defect of the build).
    #[error("the demo project is damaged: {0}")]
    Demo(#[from] crate::demo::DemoError),
    /// The project has no scenario to work on.
    #[error("the project has no scenario")]
    NoScenario,
    /// There is no scenario of this name.
    #[error("no scenario named {name:?}; the project has: {known}")]
    UnknownScenario {
        /// The name asked for.
        name: String,
        /// The scenarios the project has, comma-separated.
        known: String,
    },
    /// A file to read could not be read, or is not what it should be.
    #[error("{0}")]
    Read(String),
    /// A layer of geographic units cannot be used as asked (unknown, unreadable).
    #[error("{0}")]
    Units(String),
    /// An automatic design or rebalance cannot be made as asked (no reps, unknown locks).
    #[error("{0}")]
    Design(String),
    /// A file could not be written.
    #[error(transparent)]
    Export(#[from] crate::io::export::ExportError),
    /// Another process holds the project's lock: it is being edited elsewhere.
    #[error("{path} is being edited by {holder} (process {pid})", pid = holder.pid)]
    Locked {
        /// The project.
        path: PathBuf,
        /// Who holds it (user, host, since when).
        holder: Holder,
    },
    /// The project's lock file could not be created or read.
    #[error(transparent)]
    Lock(LockError),
    /// The session was opened read-only (a reading command, or someone else edits the
    /// file): nothing is changed.
    #[error(
        "{path} is open read-only: this change was not made; open it for editing (when no one else edits it), or save a copy to change"
    )]
    ReadOnly {
        /// The project.
        path: PathBuf,
    },
    /// Another process took over this session's lock (it judged ours stale): writing now
    /// could overwrite its work.
    #[error(
        "the lock of {path} was taken over by another program: this change was not made; reopen the project"
    )]
    LockLost {
        /// The project.
        path: PathBuf,
    },
}

impl From<LockError> for SessionError {
    fn from(e: LockError) -> SessionError {
        match e {
            LockError::Held { project, holder } => SessionError::Locked {
                path: project,
                holder,
            },
            other => SessionError::Lock(other),
        }
    }
}

/// What a committed edit (or its undo or redo) changed, so that views know what to redraw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects {
    /// The edit's description ("Moved border Noord/Oost"; for an undo, the undone edit's).
    pub description: String,
    /// Accounts were added, removed or updated: per-account caches must be rebuilt.
    pub accounts: bool,
    /// The session now shows another scenario than before.
    pub scenario_shown: bool,
}

/// A project as the window and the command line hold it: the data, its file (none for the
/// demo until saved), the scenario shown, its live assignment and its report, and the history.
pub struct Session {
    /// Shared with a worker that computes from it (a change, a plan, a comparison) while the
    /// window keeps drawing it; changed only through `Arc::make_mut` when no worker has it.
    project: Arc<Project>,
    file: Option<ProjectFile>,
    scenario: usize,
    assignment: LiveAssignment,
    report: ScenarioReport,
    history: History,
    accounts_version: u64,
    revision: u64,
    /// A change under way on another thread (the file is lent to it): edits wait.
    lent: Option<Lent>,
    /// The right to write the file (none for the demo, an unsaved project, or read-only).
    lock: Option<ProjectLock>,
    /// Opened read-only: every change is refused.
    read_only: bool,
    /// The file's `data_version` when last looked at (see [`Session::poll_outside_change`]).
    seen_version: Option<i64>,
}

impl Session {
    /// The embedded demo project (not yet saved anywhere).
    pub fn demo() -> Result<Session, SessionError> {
        Ok(Session::new(crate::demo::project()?, None))
    }

    /// An empty, unsaved project.
    pub fn empty() -> Session {
        Session::new(Project::default(), None)
    }

    /// A new, empty project with one empty plan, created at `path` (replacing a file there:
    /// the save dialog has already asked).
    pub fn create(path: &Path) -> Result<Session, SessionError> {
        let name = path.file_stem().map_or_else(
            || "New project".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        let scenario = Scenario {
            id: ScenarioId(1),
            name: "Plan A".into(),
            notes: String::new(),
            created: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            territories: Vec::new(),
            overrides: Default::default(),
            units: Default::default(),
        };
        let project = Project {
            name,
            active_scenario: Some(scenario.id),
            scenarios: vec![scenario],
            ..Project::default()
        };
        // The lock first: a file someone else edits is not replaced under them.
        let lock = ProjectLock::acquire(path)?;
        ProjectFile::create_replacing(path, &project)?;
        let (file, _) = ProjectFile::open(path)?;
        let mut session = Session::new(project, Some(file));
        session.lock = Some(lock);
        Ok(session)
    }

    /// Opens a project file to edit it, taking its lock (a stale lock of a process that died
    /// is taken over: see [`Session::lock_takeover`]). Refused with
    /// [`SessionError::Locked`], naming the holder, while another process edits it; the file
    /// is then not opened at all.
    pub fn open(path: &Path) -> Result<Session, SessionError> {
        Session::open_with_progress(path, &Progress::new())
    }

    /// [`Session::open`], counting its stages in `progress` (the window opens on another
    /// thread and shows the bar): reading the file, then indexing the accounts and assigning
    /// them, weighted by their share of the time at a million accounts.
    pub fn open_with_progress(path: &Path, progress: &Progress) -> Result<Session, SessionError> {
        progress.start(OPEN_STEPS);
        let lock = ProjectLock::acquire(path)?;
        let (file, project) = ProjectFile::open(path)?;
        progress.set(OPEN_READ);
        let mut session = Session::new_with_progress(project, Some(file), progress);
        session.lock = Some(lock);
        Ok(session)
    }

    /// Opens a project file to read it, without its lock (it may be edited elsewhere):
    /// nothing on disk changes (not a byte of the file, no file beside it), and every edit,
    /// undo, redo, import and Save As over it is refused with [`SessionError::ReadOnly`]; the
    /// title says "(read-only)". Save As to another file continues in that (writable) copy.
    pub fn open_read_only(path: &Path) -> Result<Session, SessionError> {
        let (file, project) = ProjectFile::open_read_only(path)?;
        let mut session = Session::new(project, Some(file));
        session.read_only = true;
        Ok(session)
    }

    /// What opening the file did that the planner should be told (an interrupted write
    /// rolled back); empty when nothing happened.
    pub fn notices(&self) -> &[String] {
        self.file.as_ref().map_or(&[], |f| f.notices())
    }

    /// A project held in memory only (generated or imported, not yet saved).
    pub fn unsaved(project: Project) -> Session {
        Session::new(project, None)
    }

    fn new(project: Project, file: Option<ProjectFile>) -> Session {
        Session::new_with_progress(project, file, &Progress::new())
    }

    fn new_with_progress(
        project: Project,
        file: Option<ProjectFile>,
        progress: &Progress,
    ) -> Session {
        let scenario = position(&project, None);
        let grid = Arc::new(AccountGrid::new(
            project.accounts.lons(),
            project.accounts.lats(),
        ));
        progress.set(OPEN_INDEXED);
        let (assignment, report) = compute(&project, scenario, grid);
        progress.set(OPEN_STEPS);
        Session {
            project: Arc::new(project),
            file,
            scenario,
            assignment,
            report,
            history: History::default(),
            accounts_version: 0,
            revision: 0,
            lent: None,
            lock: None,
            read_only: false,
            seen_version: None,
        }
        .watching()
    }

    /// The project data.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The project, shared: a snapshot for work on another thread (a comparison, an import
    /// plan) that costs no copy. Hold it only while that work runs: an edit made while a
    /// snapshot is alive copies the project.
    pub fn shared_project(&self) -> Arc<Project> {
        Arc::clone(&self.project)
    }

    /// The scenario shown, if the project has any.
    pub fn current(&self) -> Option<&Scenario> {
        self.project.scenarios.get(self.scenario)
    }

    /// The index of the scenario shown in the project's list.
    pub fn scenario_index(&self) -> usize {
        self.scenario
    }

    /// Live assignment and tallies of the scenario shown.
    pub fn assignment(&self) -> &LiveAssignment {
        &self.assignment
    }

    /// Metrics, gaps, overlaps and balance of the scenario shown.
    pub fn report(&self) -> &ScenarioReport {
        &self.report
    }

    /// The edits that can be undone and redone.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Counts changes of the account table (imports and their undo), so that views that
    /// cache per-account data know when to rebuild it.
    pub fn accounts_version(&self) -> u64 {
        self.accounts_version
    }

    /// Counts every committed change (edit, undo, redo), so that views derived from the
    /// project (the compare view) know when to recompute.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether the file is lent to a background write (edits are refused until it is back).
    pub fn is_busy(&self) -> bool {
        self.lent.is_some()
    }

    /// The file's path, if saved.
    pub fn path(&self) -> Option<PathBuf> {
        self.file.as_ref().map(|f| f.path().to_owned())
    }

    /// Whether the project lives in a file (every edit is then in it already).
    pub fn is_saved(&self) -> bool {
        self.file.is_some()
    }

    /// Title for the window: the project name and where it lives.
    pub fn title(&self) -> String {
        match self.path() {
            Some(p) if self.read_only => format!(
                "{} — {} (read-only) — Tessera",
                self.project.name,
                p.display()
            ),
            Some(p) => format!("{} — {} — Tessera", self.project.name, p.display()),
            None => format!("{} (not saved) — Tessera", self.project.name),
        }
    }

    /// Shows the scenario at this index of the project's list (no change past the end).
    pub fn show_scenario_at(&mut self, index: usize) {
        if index < self.project.scenarios.len() && index != self.scenario {
            self.scenario = index;
            self.recompute(self.assignment.shared_grid());
        }
    }

    /// Shows the scenario with this id (no change when there is none).
    pub fn show_scenario(&mut self, id: ScenarioId) {
        if let Some(k) = self.project.scenarios.iter().position(|s| s.id == id) {
            self.show_scenario_at(k);
        }
    }

    /// Shows the scenario of this name, or the active plan for `None`.
    pub fn show_scenario_named(&mut self, name: Option<&str>) -> Result<(), SessionError> {
        let found = match name {
            Some(name) => self.project.scenario_by_name(name).map(|s| s.id),
            None => self.project.active().map(|s| s.id),
        };
        match (found, name) {
            (Some(id), _) => {
                self.show_scenario(id);
                Ok(())
            }
            (None, Some(name)) => Err(SessionError::UnknownScenario {
                name: name.to_owned(),
                known: self.scenario_names(),
            }),
            (None, None) => Err(SessionError::NoScenario),
        }
    }

    /// The names of the project's scenarios, comma-separated (for messages).
    fn scenario_names(&self) -> String {
        let names: Vec<&str> = self
            .project
            .scenarios
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        names.join(", ")
    }

    /// Makes an edit: applies it, writes it to the file in one transaction, updates the live
    /// plan, and makes it undoable. On an error nothing has changed.
    pub fn apply(&mut self, edit: Edit) -> Result<Effects, SessionError> {
        let effects = self.commit(&edit)?;
        self.history.record(edit);
        Ok(effects)
    }

    /// Whether applying `edit` (or its inverse) assigns every account again, the cost that
    /// grows with the project (areas of the scenario shown and the tolerance are updated in
    /// place); the window makes such edits on another thread when the project is large.
    pub fn reassigns_all(&self, edit: &Edit) -> bool {
        !(update::only_geometry(edit, self.current().map(|s| s.id)) || update::only_tolerance(edit))
    }

    /// Undoes the last edit; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Effects>, SessionError> {
        let Some(edit) = self.history.take_undo() else {
            return Ok(None);
        };
        match self.commit(&edit.inverse()) {
            Ok(mut effects) => {
                effects.description = edit.description.clone();
                self.history.undone(edit);
                Ok(Some(effects))
            }
            Err(e) => {
                self.history.restore_undo(edit);
                Err(e)
            }
        }
    }

    /// Redoes the last undone edit; `None` when there is none.
    pub fn redo(&mut self) -> Result<Option<Effects>, SessionError> {
        let Some(edit) = self.history.take_redo() else {
            return Ok(None);
        };
        match self.commit(&edit) {
            Ok(effects) => {
                self.history.redone(edit);
                Ok(Some(effects))
            }
            Err(e) => {
                self.history.restore_redo(edit);
                Err(e)
            }
        }
    }

    /// Applies an edit to the project and the file (all or nothing) and updates the plan.
    fn commit(&mut self, edit: &Edit) -> Result<Effects, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        self.check_writable()?;
        let shown = self.current().map(|s| s.id);
        // Areas a live preview already shows need no update (the live plan follows the
        // project's areas at all times); checked before the edit makes them equal.
        let previewed = update::previewed_areas(self.current(), edit);
        // No worker holds the project while the session is not busy, so this does not copy
        // (a finished compare's snapshot is gone; one still computing costs a copy here).
        let project = Arc::make_mut(&mut self.project);
        edit.apply(project)?;
        if let Some(file) = &mut self.file
            && let Err(write) = file.write_edit(edit, project)
        {
            // The file's transaction rolled back; bring the model back to match it.
            return Err(match edit.inverse().apply(project) {
                Ok(()) => write.into(),
                Err(rollback) => SessionError::Diverged { write, rollback },
            });
        }
        self.revision += 1;
        // Scenarios may have come or gone: keep showing the same one, else the active plan.
        self.scenario = self.position_of(shown);
        let current = self.current().map(|s| s.id);
        let accounts = edit
            .changes
            .iter()
            .any(|c| matches!(c, Change::Accounts { .. }));
        let only_geometry = update::only_geometry(edit, current);
        let only_tolerance = update::only_tolerance(edit);
        if only_geometry {
            let within = update::unit_moves_bounds(&self.project, edit);
            let areas: Vec<_> = edit
                .changes
                .iter()
                .filter_map(|change| match change {
                    Change::Geometry {
                        territory, after, ..
                    } if !previewed.contains(territory) => {
                        let s = self.project.scenarios.get(self.scenario)?;
                        Some((s.territory_index(*territory)?, after, None))
                    }
                    _ => None,
                })
                .collect();
            if !areas.is_empty() {
                self.assignment
                    .set_geometries(&self.project.accounts, &areas, within);
            }
            self.refresh_report();
        } else if only_tolerance {
            self.refresh_report();
        } else {
            let grid = if accounts {
                self.accounts_version += 1;
                Arc::new(AccountGrid::new(
                    self.project.accounts.lons(),
                    self.project.accounts.lats(),
                ))
            } else {
                self.assignment.shared_grid()
            };
            self.recompute(grid);
        }
        Ok(Effects {
            description: edit.description.clone(),
            accounts,
            scenario_shown: current != shown,
        })
    }

    /// Shows a territory of the current scenario with a new area, in memory only: the live
    /// preview while a gesture is under way (the gesture's edit writes it when it ends, and
    /// a cancelled gesture previews the original area again).
    pub fn preview_geometry(&mut self, territory: TerritoryId, geometry: &geo::MultiPolygon<f64>) {
        // While a change is under way its result replaces the project: a preview would be
        // lost (and would copy the project the worker reads), and the gesture's edit will be
        // refused anyway.
        if self.read_only || self.is_busy() {
            return;
        }
        let Some(t) = self
            .current()
            .and_then(|s| s.territories.iter().position(|x| x.id == territory))
        else {
            return;
        };
        Arc::make_mut(&mut self.project).scenarios[self.scenario].territories[t].geometry =
            geometry.clone();
        self.update_geometry(territory, geometry);
        self.refresh_report();
    }

    /// Shows a rep's home base at another place, in memory only, while its marker is
    /// dragged: only the marker moves (travel is recomputed by the edit on release, and a
    /// cancelled drag previews the original place again).
    pub fn preview_rep_home(&mut self, rep: RepId, lon: f64, lat: f64) {
        if self.read_only || self.is_busy() {
            return;
        }
        let project = Arc::make_mut(&mut self.project);
        if let Some(r) = project.reps.iter_mut().find(|r| r.id == rep) {
            r.home_lon = lon;
            r.home_lat = lat;
        }
    }

    /// Rebuilds the report from the live assignment (owners and tallies unchanged).
    fn refresh_report(&mut self) {
        if let Some(scenario) = self.project.scenarios.get(self.scenario) {
            self.report = ScenarioReport::from_plan(&self.project, scenario, &self.assignment);
        }
    }

    /// Recomputes the live assignment and report of the scenario shown from scratch.
    fn recompute(&mut self, grid: Arc<AccountGrid>) {
        (self.assignment, self.report) = compute(&self.project, self.scenario, grid);
    }

    /// Moves accounts between the live assignment's territories after one area changed.
    fn update_geometry(&mut self, territory: TerritoryId, geometry: &geo::MultiPolygon<f64>) {
        if let Some(t) = self
            .current()
            .and_then(|s| s.territories.iter().position(|x| x.id == territory))
        {
            self.assignment
                .set_geometry(&self.project.accounts, t, geometry);
        }
    }

    /// The index of scenario `id`, else of the active plan, else 0.
    fn position_of(&self, id: Option<ScenarioId>) -> usize {
        position(&self.project, id)
    }

    /// Copies the project to `path` (SQLite backup for an open file, a fresh file for the
    /// demo) and continues in the copy.
    ///
    /// The copy is locked like any file opened to edit (a file someone else edits is not
    /// replaced); a read-only session continues in its copy as a writable one, but may not
    /// save over the file it reads.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        let own = self.path().is_some_and(|p| p == path);
        if own && self.read_only {
            return Err(SessionError::ReadOnly {
                path: path.to_owned(),
            });
        }
        // Over its own file a session already holds the lock.
        let lock = if own {
            None
        } else {
            Some(ProjectLock::acquire(path)?)
        };
        let copy = match &self.file {
            Some(file) => file.save_as(path, true)?,
            None => {
                ProjectFile::create_replacing(path, &self.project)?;
                ProjectFile::open(path)?.0
            }
        };
        self.file = Some(copy);
        if lock.is_some() {
            self.lock = lock;
        }
        self.read_only = false;
        self.seen_version = None;
        self.watch();
        Ok(())
    }
}

/// The units of [`Session::open_with_progress`]: reading the file takes about 60 % of an
/// open at a million accounts, the account grid 5 %, the assignment and report the rest.
const OPEN_STEPS: usize = 100;
const OPEN_READ: usize = 60;
const OPEN_INDEXED: usize = 65;

/// The index of scenario `id` in `project`, else of the active plan, else 0.
fn position(project: &Project, id: Option<ScenarioId>) -> usize {
    let scenarios = &project.scenarios;
    id.and_then(|id| scenarios.iter().position(|s| s.id == id))
        .or_else(|| {
            let active = project.active_scenario?;
            scenarios.iter().position(|s| s.id == active)
        })
        .unwrap_or(0)
}

/// The live assignment and report of scenario `scenario` (an empty plan without scenarios).
fn compute(
    project: &Project,
    scenario: usize,
    grid: Arc<AccountGrid>,
) -> (LiveAssignment, ScenarioReport) {
    let empty = Scenario {
        id: ScenarioId(0),
        name: "(no scenario)".into(),
        notes: String::new(),
        created: 0,
        territories: Vec::new(),
        overrides: Default::default(),
        units: Default::default(),
    };
    let s = project.scenarios.get(scenario).unwrap_or(&empty);
    let plan = LiveAssignment::new(project, s, grid);
    let report = ScenarioReport::from_plan(project, s, &plan);
    (plan, report)
}

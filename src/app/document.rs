//! The open project and everything derived from it that the window shows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::index::AccountGrid;
use crate::engine::live::LivePlan;
use crate::engine::report::PlanReport;
use crate::model::{Change, ChangeError, Edit, Project, Scenario, ScenarioId, TerritoryId};
use crate::store::{ProjectFile, StoreError, StoreResult};

/// A project as the window holds it: the data, its file (none for the demo until saved),
/// the chosen scenario, its live plan and its report.
pub struct Document {
    /// The project data.
    pub project: Project,
    /// The open file; `None` for the embedded demo before Save As.
    pub file: Option<ProjectFile>,
    /// Index of the scenario shown.
    pub scenario: usize,
    /// Live assignment and tallies of that scenario.
    pub plan: LivePlan,
    /// Metrics, gaps, overlaps and balance of that scenario.
    pub report: PlanReport,
    /// Edits that can be undone, oldest first.
    pub undo: Vec<Edit>,
    /// Edits undone that can be redone, most recently undone last.
    pub redo: Vec<Edit>,
    /// Counts changes of the account table (imports and their undo), so that views that cache
    /// per-account data know when to rebuild it.
    pub accounts_version: u64,
    /// Counts every committed change (edit, undo, redo), so that views derived from the
    /// project (the compare view) know when to recompute.
    pub revision: u64,
    /// The file is lent to a write on another thread (a large import): edits wait.
    busy: bool,
}

/// Why an edit was not made (the project and its file are as before).
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The edit does not fit the project.
    #[error("cannot apply the edit: {0}")]
    Change(#[from] ChangeError),
    /// The file could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import is being written on another thread.
    #[error("an import is being written to the project; try again when it has finished")]
    Busy,
    /// A background write was given an edit that changes more than accounts.
    #[error("only account changes can be written in the background")]
    NotAccounts,
}

impl Document {
    /// The embedded demo project (not yet saved anywhere).
    pub fn demo() -> anyhow::Result<Document> {
        Ok(Document::new(crate::demo::project()?, None))
    }

    /// An empty, unsaved project.
    pub fn empty() -> Document {
        Document::new(Project::default(), None)
    }

    /// A new, empty project with one empty plan, created at `path` (replacing a file there:
    /// the save dialog has already asked).
    pub fn create(path: &Path) -> StoreResult<Document> {
        let name = path.file_stem().map_or_else(
            || "New project".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        let scenario = Scenario {
            id: crate::model::ScenarioId(1),
            name: "Plan A".into(),
            notes: String::new(),
            created: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            territories: Vec::new(),
            overrides: Default::default(),
        };
        let project = Project {
            name,
            active_scenario: Some(scenario.id),
            scenarios: vec![scenario],
            ..Project::default()
        };
        remove_existing(path)?;
        let file = ProjectFile::create(path, &project)?;
        Ok(Document::new(project, Some(file)))
    }

    /// Opens a project file.
    pub fn open(path: &Path) -> StoreResult<Document> {
        let (file, project) = ProjectFile::open(path)?;
        Ok(Document::new(project, Some(file)))
    }

    /// A project held in memory only (generated or imported, not yet saved).
    pub fn unsaved(project: Project) -> Document {
        Document::new(project, None)
    }

    fn new(project: Project, file: Option<ProjectFile>) -> Document {
        let scenario = project
            .active_scenario
            .and_then(|id| project.scenarios.iter().position(|s| s.id == id))
            .unwrap_or(0);
        let grid = Arc::new(AccountGrid::new(
            project.accounts.lons(),
            project.accounts.lats(),
        ));
        let (plan, report) = Self::compute(&project, scenario, grid);
        Document {
            project,
            file,
            scenario,
            plan,
            report,
            undo: Vec::new(),
            redo: Vec::new(),
            accounts_version: 0,
            revision: 0,
            busy: false,
        }
    }

    fn compute(
        project: &Project,
        scenario: usize,
        grid: Arc<AccountGrid>,
    ) -> (LivePlan, PlanReport) {
        let empty = Scenario {
            id: crate::model::ScenarioId(0),
            name: "(no scenario)".into(),
            notes: String::new(),
            created: 0,
            territories: Vec::new(),
            overrides: Default::default(),
        };
        let s = project.scenarios.get(scenario).unwrap_or(&empty);
        let plan = LivePlan::new(project, s, grid);
        let report = PlanReport::from_plan(project, s, &plan);
        (plan, report)
    }

    /// Shows another scenario.
    pub fn set_scenario(&mut self, scenario: usize) {
        if scenario < self.project.scenarios.len() && scenario != self.scenario {
            self.scenario = scenario;
            let grid = self.plan.shared_grid();
            (self.plan, self.report) = Self::compute(&self.project, scenario, grid);
        }
    }

    /// Rebuilds the report from the live plan (after the balance tolerance changed: owners
    /// and tallies do not depend on it).
    pub fn refresh_report(&mut self) {
        if let Some(scenario) = self.project.scenarios.get(self.scenario) {
            self.report = PlanReport::from_plan(&self.project, scenario, &self.plan);
        }
    }

    /// Makes an edit: applies it, writes it to the file in one transaction, updates the live
    /// plan, and makes it undoable. On an error nothing has changed.
    pub fn edit(&mut self, edit: Edit) -> Result<(), EditError> {
        self.commit(&edit)?;
        self.undo.push(edit);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit; returns its description, or `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<String>, EditError> {
        let Some(edit) = self.undo.pop() else {
            return Ok(None);
        };
        if let Err(e) = self.commit(&edit.inverse()) {
            self.undo.push(edit);
            return Err(e);
        }
        let description = edit.description.clone();
        self.redo.push(edit);
        Ok(Some(description))
    }

    /// Redoes the last undone edit; returns its description, or `None` when there is none.
    pub fn redo(&mut self) -> Result<Option<String>, EditError> {
        let Some(edit) = self.redo.pop() else {
            return Ok(None);
        };
        if let Err(e) = self.commit(&edit) {
            self.redo.push(edit);
            return Err(e);
        }
        let description = edit.description.clone();
        self.undo.push(edit);
        Ok(Some(description))
    }

    /// Whether the file is lent to a background write (edits are refused until it is back).
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// Lends the file to a background write of an accounts edit (see
    /// [`Document::write_accounts_edit`]); edits, undo and redo are refused until
    /// [`Document::finish_background_edit`] gives it back. `None` for a project not saved.
    pub fn lend_file(&mut self) -> Option<ProjectFile> {
        self.busy = true;
        self.file.take()
    }

    /// The work of a background accounts edit, on any thread: applies `edit` (account changes
    /// only, no removals) to a copy of `accounts` and commits it to `file` in one transaction.
    /// Returns the accounts after the edit; on an error the file is as it was.
    pub fn write_accounts_edit(
        file: Option<&mut ProjectFile>,
        accounts: &crate::model::Accounts,
        edit: &Edit,
    ) -> Result<crate::model::Accounts, EditError> {
        let accounts_only = edit
            .changes
            .iter()
            .all(|c| matches!(c, Change::Accounts { removed, .. } if removed.is_empty()));
        if !accounts_only {
            return Err(EditError::NotAccounts);
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

    /// Takes the file back from a background write. With `written`, the edit was committed to
    /// the file and these are the accounts after it (from [`Document::write_accounts_edit`]
    /// on this document's accounts): the document takes them, recomputes the plan and makes
    /// the edit undoable. Without, the project is as it was.
    pub fn finish_background_edit(
        &mut self,
        file: Option<ProjectFile>,
        written: Option<(Edit, crate::model::Accounts)>,
    ) {
        if file.is_some() {
            self.file = file;
        }
        self.busy = false;
        if let Some((edit, accounts)) = written {
            self.project.accounts = accounts;
            self.accounts_version += 1;
            self.revision += 1;
            let grid = Arc::new(AccountGrid::new(
                self.project.accounts.lons(),
                self.project.accounts.lats(),
            ));
            (self.plan, self.report) = Self::compute(&self.project, self.scenario, grid);
            self.undo.push(edit);
            self.redo.clear();
        }
    }

    /// Applies an edit to the project and the file (all or nothing) and updates the plan.
    fn commit(&mut self, edit: &Edit) -> Result<(), EditError> {
        let shown = self.current().map(|s| s.id);
        if self.busy {
            return Err(EditError::Busy);
        }
        edit.apply(&mut self.project)?;
        if let Some(file) = &mut self.file
            && let Err(e) = file.write_edit(edit, &self.project)
        {
            // The file's transaction rolled back; bring the model back to match it.
            let _ = edit.inverse().apply(&mut self.project);
            return Err(e.into());
        }
        self.revision += 1;
        // Scenarios may have come or gone: keep showing the same one, else the active plan.
        self.scenario = self.position_of(shown);
        let current = self.current().map(|s| s.id);
        let only_geometry = edit
            .changes
            .iter()
            .all(|c| matches!(c, Change::Geometry { .. }) && c.scenario() == current);
        if only_geometry {
            for change in &edit.changes {
                if let Change::Geometry {
                    territory, after, ..
                } = change
                {
                    self.update_geometry(*territory, after);
                }
            }
            self.refresh_report();
        } else {
            let accounts_changed = edit
                .changes
                .iter()
                .any(|c| matches!(c, Change::Accounts { .. }));
            let grid = if accounts_changed {
                self.accounts_version += 1;
                Arc::new(AccountGrid::new(
                    self.project.accounts.lons(),
                    self.project.accounts.lats(),
                ))
            } else {
                self.plan.shared_grid()
            };
            (self.plan, self.report) = Self::compute(&self.project, self.scenario, grid);
        }
        Ok(())
    }

    /// Shows a territory of the current scenario with a new area, in memory only: the live
    /// preview while a gesture is under way (the gesture's edit writes it when it ends).
    pub fn preview_geometry(&mut self, territory: TerritoryId, geometry: &geo::MultiPolygon<f64>) {
        let Some(t) = self
            .current()
            .and_then(|s| s.territories.iter().position(|x| x.id == territory))
        else {
            return;
        };
        self.project.scenarios[self.scenario].territories[t].geometry = geometry.clone();
        self.update_geometry(territory, geometry);
        self.refresh_report();
    }

    /// Moves accounts between the live plan's territories after one area changed.
    fn update_geometry(&mut self, territory: TerritoryId, geometry: &geo::MultiPolygon<f64>) {
        if let Some(t) = self
            .current()
            .and_then(|s| s.territories.iter().position(|x| x.id == territory))
        {
            self.plan.set_geometry(&self.project.accounts, t, geometry);
        }
    }

    /// The index of scenario `id`, else of the active plan, else 0.
    fn position_of(&self, id: Option<ScenarioId>) -> usize {
        let scenarios = &self.project.scenarios;
        id.and_then(|id| scenarios.iter().position(|s| s.id == id))
            .or_else(|| {
                let active = self.project.active_scenario?;
                scenarios.iter().position(|s| s.id == active)
            })
            .unwrap_or(0)
    }

    /// Shows the scenario with this id (no change when there is none).
    pub fn show_scenario(&mut self, id: ScenarioId) {
        if let Some(k) = self.project.scenarios.iter().position(|s| s.id == id) {
            self.set_scenario(k);
        }
    }

    /// The scenario shown with its plan, for the map.
    pub fn view(&self) -> super::map::PlanView<'_> {
        super::map::PlanView {
            project: &self.project,
            scenario: self.current(),
            plan: &self.plan,
            highlight: &[],
        }
    }

    /// The scenario shown, if the project has any.
    pub fn current(&self) -> Option<&Scenario> {
        self.project.scenarios.get(self.scenario)
    }

    /// Copies the project to `path` (SQLite backup for an open file, a fresh file for the
    /// demo) and continues in the copy.
    pub fn save_as(&mut self, path: &Path) -> StoreResult<()> {
        let copy = match &self.file {
            Some(file) => file.save_as(path, true)?,
            None => {
                remove_existing(path)?;
                ProjectFile::create(path, &self.project)?
            }
        };
        self.file = Some(copy);
        Ok(())
    }

    /// The file's path, if saved.
    pub fn path(&self) -> Option<PathBuf> {
        self.file.as_ref().map(|f| f.path().to_owned())
    }

    /// Title for the window: the project name and where it lives.
    pub fn title(&self) -> String {
        match self.path() {
            Some(p) => format!("{} — {} — Tessera", self.project.name, p.display()),
            None => format!("{} (not saved) — Tessera", self.project.name),
        }
    }
}

/// Removes the file a save dialog chose to replace (the dialog has asked the user already).
fn remove_existing(path: &Path) -> StoreResult<()> {
    if path.exists() {
        std::fs::remove_file(path).map_err(|source| crate::store::StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(())
}

//! File > Import accounts: the mapping dialog. It shows the file's first rows with a role per
//! column (guessed from the headers, changeable), what the import would do (added, updated,
//! skipped rows with line and reason), and imports as one undoable edit.
//!
//! Reading the file, planning and writing run on other threads (a million-row export takes
//! seconds): the dialog shows a progress bar, and Cancel while reading or planning drops the
//! job with nothing written. The write is one SQLite transaction that cannot be half done, so
//! it is not offered a Cancel; the rest of the window waits for it (the session refuses
//! edits while its file is lent to the writer).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::RichText;

use super::Command;
use super::job::{Job, Poll};
use crate::geocode::Gazetteer;
use crate::io::accounts::{
    ImportPreview, Mapping, Role, Table, plan_with_progress, read_accounts_file_with_progress,
};
use crate::model::Project;
use crate::session::{BackgroundWrite, Session};

/// How many rows the dialog shows.
const PREVIEW_ROWS: usize = 8;

/// A plan and the gazetteer it loaded (kept for the next plan).
type Planned = (Result<ImportPreview, String>, Option<Arc<Gazetteer>>);

/// What the dialog is waiting for.
enum Stage {
    /// Nothing: the plan (or why there is none) is shown.
    Idle,
    /// The file is being read.
    Reading(Job<Result<Table, String>>),
    /// The plan is being made.
    Planning(Job<Planned>),
    /// The import of this many accounts is being written.
    Writing(Job<BackgroundWrite>, usize),
}

/// An accounts file being mapped.
pub struct ImportDialog {
    path: PathBuf,
    /// The file, once read.
    table: Option<Arc<Table>>,
    /// The column roles, as the planner sets them.
    pub mapping: Mapping,
    /// What the import would do with this mapping (or why it cannot).
    pub plan: Result<ImportPreview, String>,
    /// The gazetteer, loaded when a column is mapped to city.
    gazetteer: Option<Arc<Gazetteer>>,
    /// The project as the plan saw it (a shared snapshot, no copy), with the session's
    /// account version.
    existing: Option<(u64, Arc<Project>)>,
    stage: Stage,
    /// Frames the current stage has been drawn (see [`ImportDialog::show`]).
    frames: u32,
}

impl ImportDialog {
    /// Starts reading the file; the mapping is guessed when it has been read.
    pub fn open(path: &Path) -> ImportDialog {
        let file = path.to_owned();
        let reading = Job::spawn(move |progress| {
            read_accounts_file_with_progress(&file, progress).map_err(|e| e.to_string())
        });
        ImportDialog {
            path: path.to_owned(),
            table: None,
            mapping: Mapping::default(),
            plan: Err(String::new()),
            gazetteer: None,
            existing: None,
            stage: Stage::Reading(reading),
            frames: 0,
        }
    }

    fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Whether the dialog is waiting for a job (reading, planning or writing).
    pub fn is_busy(&self) -> bool {
        !matches!(self.stage, Stage::Idle)
    }

    /// Plans again (after the mapping changed), on another thread; a plan under way is
    /// cancelled.
    pub fn replan(&mut self, doc: &Session) {
        let Some(table) = self.table.clone() else {
            return;
        };
        if let Stage::Planning(job) = &self.stage {
            job.cancel();
        }
        let existing = match &self.existing {
            Some((version, accounts)) if *version == doc.accounts_version() => Arc::clone(accounts),
            _ => {
                let project = doc.shared_project();
                self.existing = Some((doc.accounts_version(), Arc::clone(&project)));
                project
            }
        };
        let (mapping, gazetteer, name) =
            (self.mapping.clone(), self.gazetteer.clone(), self.name());
        // Potential defaults come from the territories of the plan shown.
        let scenario = mapping
            .defaults
            .potential_from_territory
            .then(|| doc.current().cloned())
            .flatten();
        self.stage = Stage::Planning(Job::spawn(move |progress| {
            let gazetteer = match gazetteer {
                None if mapping.roles.contains(&Role::City) => match Gazetteer::load() {
                    Ok(g) => Some(Arc::new(g)),
                    Err(e) => return (Err(e), None),
                },
                loaded => loaded,
            };
            let planned = plan_with_progress(
                &table,
                &mapping,
                &existing.accounts,
                gazetteer.as_deref(),
                &name,
                progress,
            )
            .map(|mut plan| {
                if let Some(scenario) = &scenario {
                    plan.fill_potential(&existing.accounts, scenario);
                }
                plan
            })
            .map_err(|e| e.to_string());
            (planned, gazetteer)
        }));
    }

    /// Starts writing the plan: the session lends its file to the writer until it is done.
    fn start_writing(&mut self, doc: &mut Session) {
        let Some((version, existing)) = self.existing.clone() else {
            return;
        };
        if version != doc.accounts_version() {
            // The accounts changed since the plan (an undo): plan again before writing.
            self.replan(doc);
            return;
        }
        let plan = std::mem::replace(&mut self.plan, Err(String::new()));
        let Ok(plan) = plan else {
            return;
        };
        let name = self.name();
        let file = doc.lend_file();
        let count = plan.added.len() + plan.updated.len();
        self.stage = Stage::Writing(
            Job::spawn(move |progress| {
                let edit = plan.into_edit(&existing.accounts, &name);
                // The snapshot the plan saw goes before the write copies the project.
                drop(existing);
                file.write_edit(edit, progress)
            }),
            count,
        );
    }

    /// Picks up a finished job. Returns false when the dialog is done.
    fn poll(&mut self, doc: &mut Session, commands: &mut Vec<Command>) -> bool {
        match &self.stage {
            Stage::Idle => {}
            Stage::Reading(job) => match job.poll() {
                Poll::Running => {}
                Poll::Done(Ok(table)) => {
                    self.mapping = Mapping::guess(&table.headers);
                    self.table = Some(Arc::new(table));
                    self.stage = Stage::Idle;
                    self.replan(doc);
                }
                Poll::Done(Err(e)) => {
                    commands.push(Command::ShowError(e));
                    return false;
                }
                Poll::Lost => {
                    commands.push(Command::ShowError(format!(
                        "{}: reading the file failed unexpectedly",
                        self.name()
                    )));
                    return false;
                }
            },
            Stage::Planning(job) => match job.poll() {
                Poll::Running => {}
                Poll::Done((plan, gazetteer)) => {
                    self.plan = plan;
                    self.gazetteer = gazetteer.or(self.gazetteer.take());
                    self.stage = Stage::Idle;
                }
                Poll::Lost => {
                    self.plan = Err("planning the import failed unexpectedly".into());
                    self.stage = Stage::Idle;
                }
            },
            Stage::Writing(job, _) => match job.poll() {
                Poll::Running => {}
                Poll::Done(written) => {
                    match doc.finish_background_edit(Some(written)) {
                        Ok(Some(effects)) => commands.push(Command::Changed(effects)),
                        Ok(None) => {}
                        Err(e) => commands.push(Command::ShowError(e.to_string())),
                    }
                    return false;
                }
                Poll::Lost => {
                    // The writer died with the file: its transaction never committed, so the
                    // file on disk still equals the session, which opens it again.
                    let reopened = doc.finish_background_edit(None);
                    let mut message = format!(
                        "{}: writing the import failed unexpectedly; nothing was imported",
                        self.name()
                    );
                    if let Err(e) = reopened {
                        message.push_str(&format!(" ({e})"));
                    }
                    commands.push(Command::ShowError(message));
                    return false;
                }
            },
        }
        true
    }

    /// The dialog; returns false when it closes.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        doc: &mut Session,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut open = true;
        let mut changed = false;
        let mut close = false;
        let mut import = false;
        let writing = matches!(self.stage, Stage::Writing(..));
        let title = format!("Import accounts from {}", self.name());
        let mut window = egui::Window::new(title)
            .collapsible(false)
            .resizable(true)
            .default_width(900.0);
        if !writing {
            window = window.open(&mut open);
        }
        window.show(ctx, |ui| {
            // Buttons first, then what the import would do (or how far it is), then the
            // file: the buttons stay put while the plan, the bar and the preview come and go.
            if !writing {
                ui.horizontal(|ui| {
                    let ready = matches!(self.stage, Stage::Idle)
                        && self.plan.as_ref().is_ok_and(|p| {
                            p.is_ready() && (!p.added.is_empty() || !p.updated.is_empty())
                        });
                    import = ui.add_enabled(ready, egui::Button::new("Import")).clicked();
                    if ui
                        .add_enabled(self.table.is_some(), egui::Button::new("Save mapping…"))
                        .clicked()
                    {
                        save_mapping(&self.mapping, commands);
                    }
                    close |= ui.button("Cancel").clicked();
                });
            }
            match &self.stage {
                Stage::Idle => {
                    summary(ui, &self.plan);
                    if let Ok(plan) = &self.plan {
                        changed |= answers(ui, plan, &mut self.mapping);
                    }
                }
                Stage::Reading(job) => {
                    let (done, total) = job.progress().counts();
                    busy(
                        ui,
                        &format!("Reading {}…", self.name()),
                        job.progress().fraction(),
                        &format!("{} of {} bytes", thousands(done), thousands(total)),
                    );
                }
                Stage::Planning(job) => {
                    let (done, total) = job.progress().counts();
                    busy(
                        ui,
                        "Planning the import…",
                        job.progress().fraction(),
                        &format!("{} of {} rows planned", thousands(done), thousands(total)),
                    );
                }
                Stage::Writing(_, count) => busy(
                    ui,
                    &format!("Writing {} accounts to the project…", thousands(*count)),
                    -1.0,
                    "one transaction: all of it or nothing",
                ),
            }
            if let Some(table) = &self.table {
                ui.separator();
                ui.add_enabled_ui(!writing, |ui| {
                    changed |= preview(ui, table, &mut self.mapping);
                });
            }
        });
        if close || !open {
            // Nothing has been written: dropping the job leaves the project as it was.
            if let Stage::Reading(job) = &self.stage {
                job.cancel();
            }
            if let Stage::Planning(job) = &self.stage {
                job.cancel();
            }
            return false;
        }
        if changed {
            self.replan(doc);
            self.frames = 0;
        }
        if import {
            self.start_writing(doc);
            self.frames = 0;
        }
        if self.is_busy() {
            // Keep the bar moving and notice the end of the job.
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        // Every stage shows for two frames at least (a new egui window is invisible in its
        // first, sizing, frame), so that even a quick job says what it did.
        self.frames += 1;
        if changed || import || self.frames < 2 {
            return true;
        }
        let before = std::mem::discriminant(&self.stage);
        let open = self.poll(doc, commands);
        if std::mem::discriminant(&self.stage) != before {
            self.frames = 0;
        }
        open
    }
}

/// The file's first rows with a role chooser per column; true when a role changed.
fn preview(ui: &mut egui::Ui, table: &Table, mapping: &mut Mapping) -> bool {
    let mut changed = false;
    egui::ScrollArea::horizontal().show(ui, |ui| {
        egui::Grid::new("import-preview")
            .striped(true)
            .show(ui, |ui| {
                for header in &table.headers {
                    ui.label(RichText::new(header).strong());
                }
                ui.end_row();
                for (c, role) in mapping.roles.iter_mut().enumerate() {
                    egui::ComboBox::from_id_salt(("role", c))
                        .selected_text(role.label())
                        .show_ui(ui, |ui| {
                            for r in Role::ALL {
                                if ui.selectable_value(role, r, r.label()).changed() {
                                    changed = true;
                                }
                            }
                        });
                }
                ui.end_row();
                for row in table.rows.iter().take(PREVIEW_ROWS) {
                    for c in 0..table.headers.len() {
                        ui.label(row.get(c).unwrap_or_default());
                    }
                    ui.end_row();
                }
            });
    });
    changed
}

/// The planner's answers to what the file leaves open: a meaning for each status value that
/// is no known word, defaults for rows without potential or visits, and matching rows
/// without an external id by name and place. True when an answer changed.
fn answers(ui: &mut egui::Ui, plan: &ImportPreview, mapping: &mut Mapping) -> bool {
    use crate::model::AccountStatus;
    let mut changed = false;
    // Values answered earlier stay listed, so that an answer can be changed.
    let mut values: Vec<String> = plan.unknown_statuses.keys().cloned().collect();
    values.extend(
        mapping
            .statuses
            .keys()
            .filter(|v| !plan.unknown_statuses.contains_key(*v))
            .cloned(),
    );
    if !values.is_empty() {
        ui.separator();
        ui.label(RichText::new("Status values: what does each mean?").strong());
        egui::Grid::new("import-statuses").show(ui, |ui| {
            for value in values {
                ui.label(crate::io::accounts::status_label(&value));
                if let Some(rows) = plan.unknown_statuses.get(&value) {
                    ui.label(format!("{rows} rows"));
                } else {
                    ui.label("");
                }
                let current = mapping.statuses.get(&value).copied();
                let text = current.map_or("(choose)", AccountStatus::as_str);
                egui::ComboBox::from_id_salt(("status", &value))
                    .selected_text(text)
                    .show_ui(ui, |ui| {
                        for status in [AccountStatus::Customer, AccountStatus::Prospect] {
                            if ui
                                .selectable_label(current == Some(status), status.as_str())
                                .clicked()
                            {
                                mapping.statuses.insert(value.clone(), status);
                                changed = true;
                            }
                        }
                    });
                ui.end_row();
            }
        });
    }
    let rows_without_visits: usize = plan.no_visits.values().sum();
    let asks_defaults = !plan.no_potential.is_empty()
        || plan.potential_filled > 0
        || rows_without_visits > 0
        || plan.visits_filled > 0;
    if asks_defaults {
        ui.separator();
        ui.label(RichText::new("Rows without potential or visits").strong());
        let text = format!(
            "Potential: the territory's average deal × conversion ({} rows without potential)",
            plan.no_potential.len() + plan.potential_filled
        );
        changed |= ui
            .checkbox(&mut mapping.defaults.potential_from_territory, text)
            .changed();
        let mut sizes: Vec<String> = plan.no_visits.keys().cloned().collect();
        sizes.extend(
            mapping
                .defaults
                .visits_by_size
                .keys()
                .filter(|s| !plan.no_visits.contains_key(*s))
                .cloned(),
        );
        egui::Grid::new("import-visits").show(ui, |ui| {
            for size in sizes {
                let label = if size.is_empty() {
                    "no size class".to_owned()
                } else {
                    format!("size class {size}")
                };
                let rows = plan.no_visits.get(&size).copied().unwrap_or(0);
                let mut on = mapping.defaults.visits_by_size.contains_key(&size);
                if ui
                    .checkbox(&mut on, format!("Visits per year, {label}"))
                    .changed()
                {
                    if on {
                        mapping.defaults.visits_by_size.insert(size.clone(), 4.0);
                    } else {
                        mapping.defaults.visits_by_size.remove(&size);
                    }
                    changed = true;
                }
                if let Some(visits) = mapping.defaults.visits_by_size.get_mut(&size) {
                    let drag = ui.add(egui::DragValue::new(visits).range(0.0..=365.0).speed(0.25));
                    // Plan again when the value is settled, not on every frame of a drag.
                    changed |= drag.drag_stopped() || (drag.changed() && !drag.dragged());
                } else {
                    ui.label(format!("{rows} rows add no workload"));
                }
                ui.end_row();
            }
        });
    }
    if plan.same_name_and_place > 0 || plan.matched_by_name > 0 || mapping.match_by_name {
        ui.separator();
        changed |= ui
            .checkbox(
                &mut mapping.match_by_name,
                "Match rows without an external id by name and place (update them instead of adding them again)",
            )
            .changed();
    }
    changed
}

/// What the plan would do, or why there is none.
fn summary(ui: &mut egui::Ui, plan: &Result<ImportPreview, String>) {
    match plan {
        Ok(p) => {
            ui.label(RichText::new(p.summary()).strong());
            for warning in p.warnings() {
                ui.label(RichText::new(warning).color(egui::Color32::from_rgb(190, 110, 0)));
            }
            for s in p.skipped.iter().take(10) {
                ui.label(s.to_string());
            }
            if p.skipped.len() > 10 {
                ui.label(format!("… and {} more skipped rows", p.skipped.len() - 10));
            }
        }
        Err(why) => {
            ui.label(RichText::new(why).color(egui::Color32::from_rgb(200, 40, 40)));
        }
    }
}

/// A stage under way: what, a progress bar (a spinner for a negative fraction), the counts.
fn busy(ui: &mut egui::Ui, what: &str, fraction: f32, counts: &str) {
    ui.label(RichText::new(what).strong());
    if fraction < 0.0 {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(counts);
        });
    } else {
        ui.add(egui::ProgressBar::new(fraction).show_percentage());
        ui.label(counts);
    }
}

fn thousands(n: usize) -> String {
    crate::numbers::whole(n as f64)
}

/// Asks where to save the mapping (RON) and writes it; an error goes to the error window.
fn save_mapping(mapping: &Mapping, commands: &mut Vec<Command>) {
    if let Some(out) = rfd::FileDialog::new()
        .add_filter("Mapping", &["ron"])
        .save_file()
    {
        let written = crate::io::output::check_output(&out, &[])
            .map_err(|e| e.to_string())
            .and_then(|()| {
                ron::ser::to_string_pretty(mapping, Default::default()).map_err(|e| e.to_string())
            })
            .and_then(|text| std::fs::write(&out, text).map_err(|e| e.to_string()));
        if let Err(e) = written {
            commands.push(Command::ShowError(format!(
                "cannot write {}: {e}",
                out.display()
            )));
        }
    }
}

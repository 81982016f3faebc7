//! The desktop window (eframe/egui): map in the middle, plan on the left, balance on the
//! right, status bar below.
//!
//! Panels and the map never change the document directly; they push [`Command`]s that
//! [`TesseraApp::apply`] carries out after the frame. That keeps every change in one place
//! (and ready for undo when editing arrives).

mod compare;
mod document;
mod import;
mod job;
mod map;
mod page;
mod panels;
mod properties;
mod scenarios;
mod tiles;
mod tools;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

pub use compare::{CompareView, MoveColumn};
pub use document::Document;
pub use import::ImportDialog;
pub use map::{LonLat, MapView, Screen};
pub use panels::value_text;
pub use tiles::{OsmLayer, TileHealth};
pub use tools::{Editing, Tool};

use crate::basemap::Basemap;
use crate::engine::balance::BalanceMetric;

/// Something the user asked for, applied after the frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Create a new, empty project file and continue there.
    New(PathBuf),
    /// Open a project file.
    Open(PathBuf),
    /// Show the embedded demo project.
    OpenDemo,
    /// Save the project under a new path and continue there.
    SaveAs(PathBuf),
    /// Show scenario `n`.
    SelectScenario(usize),
    /// Select territory `n` and zoom to it.
    SelectTerritory(usize),
    /// Select an account (row) and its territory, without moving the map; `None` clears.
    SelectAccount(Option<usize>),
    /// Select a territory without moving the map (a click on it); `None` clears.
    PickTerritory(Option<usize>),
    /// Show this metric in the balance panel.
    SetMetric(BalanceMetric),
    /// Change the balance tolerance (a fraction).
    SetTolerance(f64),
    /// Fit the map to the project.
    ZoomToFit,
    /// Zoom in or out one step.
    Zoom(f64),
    /// Show OpenStreetMap tiles under the map (true) or the embedded basemap only.
    SetOsmTiles(bool),
    /// Size account dots by potential (true) or draw them all alike.
    SizeByPotential(bool),
    /// Use another editing tool.
    SetTool(Tool),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Merge the second selected territory into the selected one.
    Merge,
    /// Answer for a drawn territory over others: take their area (true), keep the overlap
    /// (false), or drop the drawing (`None`).
    ResolveDrawing(Option<bool>),
    /// Add a second territory to the selection (Shift+click), or clear it.
    AlsoSelect(Option<usize>),
    /// Make this edit (a tool finished a gesture).
    Edit(crate::model::Edit),
    /// Zoom the map to an account (row) and select it.
    FocusAccount(usize),
    /// Zoom the map to a point (lon, lat).
    FocusPoint(f64, f64),
    /// Look for holes between the territories (listed in the validation panel).
    FindHoles,
    /// Write the current scenario to a file for other programs.
    Export(Export, PathBuf),
    /// Add the territories of a GeoJSON file to the current scenario (false) or to a new
    /// scenario named after the file (true), as one edit.
    ImportTerritories(PathBuf, bool),
    /// Open the mapping dialog for an accounts file.
    ImportAccounts(PathBuf),
    /// An accounts import finished writing (or failed): redraw what depends on accounts.
    AccountsImported,
    /// Show a message in the error window.
    ShowError(String),
    /// Make this edit, then show scenario `id` (a new or duplicated scenario).
    EditAndShow(crate::model::Edit, crate::model::ScenarioId),
    /// Open the rename window for a scenario.
    RenameScenario(scenarios::RenameDraft),
    /// Open (true) or close the side-by-side compare view.
    Compare(bool),
    /// Save the compare view as a page: PDF when the path ends in `.pdf`, else PNG.
    SavePage(PathBuf),
    /// Write the accounts that change hands between the compared plans as CSV.
    ExportMoves(PathBuf),
    /// Give the overlap at a point (lon, lat) to territory `n`, by geometry.
    ResolveOverlap(usize, f64, f64),
}

/// What File > Export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Territories as GeoJSON with every metric.
    GeoJson,
    /// Assignments as CSV for the CRM.
    Csv,
    /// Territories and accounts as a GeoPackage.
    GeoPackage,
}

/// What is remembered between runs (eframe's RON storage).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Preferences {
    /// The last project opened or saved.
    pub last_project: Option<PathBuf>,
    /// Recently used projects, newest first.
    pub recent: Vec<PathBuf>,
    /// The map's centre (lon, lat) and zoom when the last project was closed.
    pub map_view: Option<(f64, f64, f64)>,
    /// Whether OpenStreetMap tiles are shown (off unless the user switches them on).
    #[serde(default)]
    pub osm_tiles: bool,
    /// Whether account dots are sized by potential.
    #[serde(default)]
    pub size_by_potential: bool,
}

const PREFERENCES_KEY: &str = "tessera-preferences";

/// The application state.
pub struct TesseraApp {
    /// The open project.
    pub doc: Document,
    /// Map state.
    pub map: MapView,
    /// Selected territory (scenario index).
    pub selected: Option<usize>,
    /// Selected account (row).
    pub selected_account: Option<usize>,
    /// The editing tools' state.
    pub editing: Editing,
    /// Drafts of the Properties panel.
    properties: properties::Drafts,
    /// The accounts import dialog, while open.
    pub import: Option<ImportDialog>,
    /// The side-by-side compare view, while open (it replaces the editing panels).
    pub compare: Option<CompareView>,
    /// A page of the plan and its balance being saved (File > Save page).
    page: Option<page::PageShot>,
    /// The window below the menu bar in the last frame: the area a page keeps.
    page_rect: egui::Rect,
    /// A short message for the status bar (a page saved, ...).
    pub status_note: Option<String>,
    /// The scenario rename window, while open.
    pub rename: Option<scenarios::RenameDraft>,
    /// Holes between territories from the last "Find holes" (dropped at every edit).
    pub holes: Option<Vec<((f64, f64), f64)>>,
    /// The document's account version the map's caches were built for.
    seen_accounts: u64,
    /// Metric in the balance panel.
    pub metric: BalanceMetric,
    /// An error to show (file could not be opened, ...).
    pub error: Option<String>,
    /// A report to show once (what an import repaired, ...).
    pub notice: Option<String>,
    /// Remembered between runs.
    pub preferences: Preferences,
    basemap: Option<Arc<Basemap>>,
    /// OpenStreetMap tiles, while switched on.
    osm: Option<OsmLayer>,
    /// Fit the map to the project once the layout has settled.
    fit_pending: bool,
    /// The map's size in the previous frame (the layout settles over the first frames).
    last_map_size: egui::Vec2,
    /// CPU seconds of recent frames (from eframe), for the F12 overlay and `--screenshot`.
    frame_times: Vec<f32>,
    show_frame_time: bool,
    screenshot: Option<ScreenshotJob>,
}

/// `--screenshot PATH`: after the map settles, save the window and quit.
struct ScreenshotJob {
    path: PathBuf,
    frames: u32,
    requested: bool,
    done: Arc<AtomicBool>,
}

impl TesseraApp {
    /// The app showing `doc`. The basemap loads from the embedded assets.
    pub fn new(doc: Document) -> TesseraApp {
        TesseraApp {
            doc,
            map: MapView::default(),
            selected: None,
            selected_account: None,
            editing: Editing::default(),
            properties: properties::Drafts::default(),
            import: None,
            rename: None,
            page: None,
            page_rect: egui::Rect::NOTHING,
            status_note: None,
            compare: None,
            holes: None,
            seen_accounts: 0,
            metric: BalanceMetric::Workload,
            error: None,
            notice: None,
            preferences: Preferences::default(),
            basemap: Basemap::load().ok().map(Arc::new),
            osm: None,
            fit_pending: true,
            last_map_size: egui::Vec2::ZERO,
            frame_times: Vec::new(),
            show_frame_time: false,
            screenshot: None,
        }
    }

    /// Opens `path` (or the last project, or the demo) and sets up from eframe's storage.
    pub fn from_creation_context(
        cc: &eframe::CreationContext<'_>,
        path: Option<PathBuf>,
        screenshot: Option<PathBuf>,
    ) -> TesseraApp {
        let preferences: Preferences = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFERENCES_KEY))
            .unwrap_or_default();
        let mut app = TesseraApp::start(preferences, path);
        app.screenshot = screenshot.map(|path| ScreenshotJob {
            path,
            frames: 0,
            requested: false,
            done: Arc::new(AtomicBool::new(false)),
        });
        app
    }

    /// The app as a run starts: `path`, else the last project if it still exists, else the
    /// demo; the map where the planner left it when the project is the last one.
    pub fn start(preferences: Preferences, path: Option<PathBuf>) -> TesseraApp {
        let mut error = None;
        let wanted = path.or_else(|| preferences.last_project.clone().filter(|p| p.exists()));
        let doc = match wanted.as_deref().map(Document::open) {
            Some(Ok(doc)) => Some(doc),
            Some(Err(e)) => {
                error = Some(e.to_string());
                None
            }
            None => None,
        };
        let doc = match doc {
            Some(d) => d,
            None => Document::demo().unwrap_or_else(|e| {
                // The demo is built into the binary, so this is a build defect; still, show
                // an empty project and say why rather than crash.
                error = Some(format!("{e:#}"));
                Document::empty()
            }),
        };
        let mut app = TesseraApp::new(doc);
        // Back where the planner left off: same project, same view.
        if let (Some(path), Some((lon, lat, zoom))) = (app.doc.path(), preferences.map_view)
            && preferences.last_project.as_deref() == Some(path.as_path())
        {
            app.map.memory.center_at(walkers::lon_lat(lon, lat));
            let _ = app.map.memory.set_zoom(zoom);
            app.fit_pending = false;
        }
        app.preferences = preferences;
        app.error = error;
        app
    }

    /// Carries out one command.
    pub fn apply(&mut self, command: Command, map_size: egui::Vec2) {
        // While an import is being written the file is lent to the writer: commands that
        // would replace the document or its file, or write outside an edit, wait. (Edits are
        // refused by the document itself.)
        if self.doc.is_busy()
            && matches!(
                command,
                Command::New(_)
                    | Command::Open(_)
                    | Command::OpenDemo
                    | Command::SaveAs(_)
                    | Command::SetTolerance(_)
                    | Command::ImportAccounts(_)
            )
        {
            self.error = Some(document::EditError::Busy.to_string());
            return;
        }
        match command {
            Command::New(path) => match Document::create(&path) {
                Ok(doc) => {
                    self.replace(doc);
                    self.remember(&path);
                }
                Err(e) => self.error = Some(e.to_string()),
            },
            Command::Open(path) => match Document::open(&path) {
                Ok(doc) => {
                    self.replace(doc);
                    self.remember(&path);
                }
                Err(e) => self.error = Some(e.to_string()),
            },
            Command::OpenDemo => match Document::demo() {
                Ok(doc) => self.replace(doc),
                Err(e) => self.error = Some(format!("{e:#}")),
            },
            Command::SaveAs(path) => match self.doc.save_as(&path) {
                Ok(()) => self.remember(&path),
                Err(e) => self.error = Some(e.to_string()),
            },
            Command::SelectScenario(n) => {
                self.doc.set_scenario(n);
                self.scenario_shown();
            }
            Command::SelectTerritory(t) => {
                self.selected = Some(t);
                if let Some(bounds) = self
                    .doc
                    .current()
                    .and_then(|s| s.territories.get(t))
                    .and_then(|t| geo::BoundingRect::bounding_rect(&t.geometry))
                {
                    self.map.fit(bounds.into(), map_size);
                }
            }
            Command::SelectAccount(row) => {
                self.selected_account = row;
                if let Some(row) = row {
                    self.selected = self.doc.plan.owner(row);
                }
            }
            Command::PickTerritory(t) => {
                self.selected = t;
                self.selected_account = None;
            }
            Command::SetMetric(m) => self.metric = m,
            Command::SetTolerance(t) => {
                self.doc.project.settings.balance_tolerance = t.clamp(0.0, 1.0);
                if let Some(file) = &mut self.doc.file
                    && let Err(e) = file.put_settings(&self.doc.project.settings)
                {
                    self.error = Some(e.to_string());
                }
                self.doc.refresh_report();
            }
            Command::ZoomToFit => {
                if let Some(b) = self.project_bounds() {
                    self.map.fit(b.into(), map_size);
                }
            }
            Command::Zoom(step) => {
                let z = self.map.memory.zoom();
                let _ = self.map.memory.set_zoom((z + step).clamp(2.0, 18.0));
            }
            Command::SizeByPotential(on) => self.preferences.size_by_potential = on,
            Command::SetTool(tool) => self.editing.set_tool(tool),
            Command::Undo => {
                let result = self.doc.undo();
                self.after_history(result);
            }
            Command::Redo => {
                let result = self.doc.redo();
                self.after_history(result);
            }
            Command::Merge => {
                if let (Some(a), Some(b)) = (self.selected, self.editing.also_selected)
                    && let Some(scenario) = self.doc.current()
                {
                    match crate::edit::merge(scenario, a, b) {
                        Ok(edit) => self.make_edit(edit),
                        Err(e) => self.error = Some(e.0),
                    }
                }
            }
            Command::ResolveDrawing(answer) => match answer {
                Some(take) => {
                    let outcome = self.editing.resolve_pending(&self.doc, take);
                    self.outcome(outcome);
                }
                None => self.editing.pending = None,
            },
            Command::AlsoSelect(t) => self.editing.also_selected = t,
            Command::Edit(edit) => self.make_edit(edit),
            Command::Export(kind, path) => {
                if let Err(e) = self.export(kind, &path) {
                    self.error = Some(e.to_string());
                }
            }
            Command::ImportAccounts(path) => self.import = Some(ImportDialog::open(&path)),
            Command::AccountsImported => self.after_change(),
            Command::ShowError(message) => self.error = Some(message),
            Command::EditAndShow(edit, id) => {
                self.make_edit(edit);
                if self.doc.current().map(|s| s.id) != Some(id) {
                    self.doc.show_scenario(id);
                    self.scenario_shown();
                }
            }
            Command::RenameScenario(draft) => self.rename = Some(draft),
            Command::Compare(true) => match CompareView::new(&self.doc) {
                Some(view) => self.compare = Some(view),
                None => {
                    self.error =
                        Some("Comparing needs two scenarios: duplicate this one first".into())
                }
            },
            Command::Compare(false) => self.compare = None,
            Command::SavePage(path) => match &mut self.compare {
                Some(view) => view.save_page(path),
                None => self.page = Some(page::PageShot::new(path)),
            },
            Command::ExportMoves(path) => {
                if let Some(c) = self.compare.as_ref().and_then(|v| v.comparison()) {
                    match crate::io::export::write_moves_csv(
                        &path,
                        &self.doc.project,
                        &c.disruption.moves,
                    ) {
                        Ok(()) => {
                            if let Some(view) = &mut self.compare {
                                view.notice = Some(format!("Saved {}", path.display()));
                            }
                        }
                        Err(e) => self.error = Some(e.to_string()),
                    }
                }
            }
            Command::FindHoles => {
                self.holes = self.doc.current().map(crate::edit::holes);
            }
            Command::FocusPoint(lon, lat) => {
                self.map.memory.center_at(walkers::lon_lat(lon, lat));
                let zoom = self.map.memory.zoom().max(11.0);
                let _ = self.map.memory.set_zoom(zoom);
            }
            Command::ImportTerritories(path, as_new) => {
                let file = path.display().to_string();
                let read = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {file}: {e}"))
                    .and_then(|text| {
                        crate::io::territories::read_territories(&text, &file)
                            .map_err(|e| e.to_string())
                    });
                let areas = match read {
                    Ok(areas) => areas,
                    Err(e) => {
                        self.error = Some(e);
                        return;
                    }
                };
                let notes: Vec<String> = areas
                    .iter()
                    .enumerate()
                    .filter_map(|(k, a)| a.repair_note(k + 1))
                    .collect();
                let count = areas.len();
                let before = self.doc.undo.len();
                if as_new {
                    let stem = path
                        .file_stem()
                        .map_or("Imported".into(), |s| s.to_string_lossy().into_owned());
                    let name =
                        crate::edit::scenarios::unique_scenario_name(&self.doc.project, &stem);
                    match crate::edit::scenarios::import_as_new_scenario(
                        &self.doc.project,
                        &name,
                        areas,
                        &file,
                    ) {
                        Ok((edit, id)) => self.apply(Command::EditAndShow(edit, id), map_size),
                        Err(e) => self.error = Some(e.to_string()),
                    }
                } else if let Some(s) = self.doc.current() {
                    let edit = crate::edit::import_territories(&self.doc.project, s, areas, &file);
                    self.make_edit(edit);
                } else {
                    self.error = Some("the project has no scenario".into());
                }
                if self.doc.undo.len() > before && !notes.is_empty() {
                    self.notice = Some(format!(
                        "Imported {count} territories from {file}; {} repaired:\n{}",
                        notes.len(),
                        notes.join("\n")
                    ));
                }
            }
            Command::FocusAccount(row) => {
                let a = &self.doc.project.accounts;
                if let (Some(lon), Some(lat)) = (a.lons().get(row), a.lats().get(row)) {
                    self.map.memory.center_at(walkers::lon_lat(*lon, *lat));
                    let zoom = self.map.memory.zoom().max(11.0);
                    let _ = self.map.memory.set_zoom(zoom);
                    self.apply(Command::SelectAccount(Some(row)), map_size);
                }
            }
            Command::ResolveOverlap(winner, lon, lat) => {
                if let Some(scenario) = self.doc.current() {
                    match crate::edit::resolve_overlap(scenario, winner, lon, lat) {
                        Ok(edit) => self.make_edit(edit),
                        Err(e) => self.error = Some(e.0),
                    }
                }
            }
            Command::SetOsmTiles(on) => {
                self.preferences.osm_tiles = on;
                // Switching off drops the fetcher, so switching on again retries from scratch.
                self.osm = None;
            }
        }
    }

    /// Writes the current scenario for other programs.
    fn export(&self, kind: Export, path: &Path) -> Result<(), crate::io::export::ExportError> {
        let Some(s) = self.doc.current() else {
            return Ok(());
        };
        let (project, report, plan) = (&self.doc.project, &self.doc.report, &self.doc.plan);
        match kind {
            Export::GeoJson => {
                crate::io::export::write_territories_geojson(path, project, s, report)
            }
            Export::Csv => crate::io::export::write_assignments_csv(path, project, s, plan),
            Export::GeoPackage => {
                crate::io::geopackage::write_geopackage(path, project, s, report, plan)
            }
        }
    }

    /// Makes an edit and redraws what it changed; an error goes to the error window.
    fn make_edit(&mut self, edit: crate::model::Edit) {
        match self.doc.edit(edit) {
            Ok(()) => self.after_change(),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn after_history(&mut self, result: Result<Option<String>, document::EditError>) {
        match result {
            Ok(Some(_)) => self.after_change(),
            Ok(None) => {}
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// After the plan changed: redraw, and drop selections that no longer exist.
    fn after_change(&mut self) {
        self.holes = None;
        if self.doc.accounts_version != self.seen_accounts {
            // Accounts were imported (or the import undone): every per-account cache goes.
            self.seen_accounts = self.doc.accounts_version;
            self.map.invalidate();
            self.selected_account = None;
        }
        self.map.plan_edited();
        let count = self.doc.current().map_or(0, |s| s.territories.len());
        self.selected = self.selected.filter(|t| *t < count);
        self.editing.also_selected = self
            .editing
            .also_selected
            .filter(|t| *t < count && Some(*t) != self.selected);
    }

    /// After another scenario was put on screen: its territories are others.
    fn scenario_shown(&mut self) {
        self.selected = None;
        self.selected_account = None;
        self.editing.also_selected = None;
        self.map.invalidate();
    }

    fn outcome(&mut self, outcome: tools::Outcome) {
        match outcome {
            tools::Outcome::None => {}
            tools::Outcome::Edit(edit) => self.make_edit(edit),
            tools::Outcome::Refused(why) => self.error = Some(why),
        }
    }

    fn replace(&mut self, doc: Document) {
        self.doc = doc;
        self.selected = None;
        self.selected_account = None;
        self.error = None;
        self.map.invalidate();
        self.fit_pending = true;
    }

    fn remember(&mut self, path: &Path) {
        self.preferences.last_project = Some(path.to_owned());
        self.preferences.recent.retain(|p| p != path);
        self.preferences.recent.insert(0, path.to_owned());
        self.preferences.recent.truncate(8);
    }

    /// Notes the map's view in the preferences (saved with them when the window closes).
    pub fn remember_view(&mut self) {
        if let Some(p) = self.map.memory.detached() {
            self.preferences.map_view = Some((p.x(), p.y(), self.map.memory.zoom()));
        }
    }

    /// The lon/lat box of the scenario's territories (or of the accounts).
    fn project_bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let scenario = self.doc.current()?;
        let mut b: Option<(f64, f64, f64, f64)> = None;
        for t in &scenario.territories {
            if let Some(r) = geo::BoundingRect::bounding_rect(&t.geometry) {
                let r = (r.min().x, r.min().y, r.max().x, r.max().y);
                b = Some(b.map_or(r, |a| crate::engine::index::union_bounds(a, r)));
            }
        }
        b
    }

    /// The whole window for one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let mut commands = Vec::new();
        self.keyboard(ui.ctx(), &mut commands);
        egui::Panel::top("menu").show(ui, |ui| self.menu(ui, &mut commands));
        self.page_rect = ui.available_rect_before_wrap();
        if self.compare.is_none() {
            egui::Panel::top("tools").show(ui, |ui| self.toolbar(ui, &mut commands));
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            let note = match &self.status_note {
                Some(notice) => notice.as_str(),
                None if self.map.aggregated => "accounts aggregated: zoom in for single accounts",
                None => "",
            };
            panels::status(
                ui,
                &self.doc,
                self.map.pointer,
                self.map.memory.zoom(),
                note,
            );
        });
        if let Some(view) = &mut self.compare {
            let basemap = self.basemap.clone();
            egui::CentralPanel::default().show(ui, |ui| {
                view.show(ui, &self.doc, basemap.as_deref(), &mut commands);
            });
            self.finish_frame(ui, commands, egui::Vec2::new(800.0, 600.0));
            return;
        }
        egui::Panel::left("plan")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    panels::territories(ui, &self.doc, self.selected, &mut commands);
                    if let Some(row) = self.selected_account {
                        ui.separator();
                        ui.heading("Selected account");
                        account_details(ui, &self.doc, row);
                    }
                    if let Some(t) = self.selected {
                        ui.separator();
                        self.properties.territory(ui, &self.doc, t, &mut commands);
                    }
                    ui.separator();
                    let centre = self
                        .map
                        .memory
                        .detached()
                        .map_or((5.3, 52.2), |p| (p.x(), p.y()));
                    self.properties.reps(ui, &self.doc, centre, &mut commands);
                    ui.separator();
                    panels::history(ui, &self.doc);
                });
            });
        egui::Panel::right("balance")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    panels::balance(
                        ui,
                        &self.doc,
                        self.metric,
                        self.editing.baseline.as_deref(),
                        &mut commands,
                    );
                    ui.separator();
                    panels::validation(ui, &self.doc, self.holes.as_deref(), &mut commands);
                });
            });
        let mut map_size = egui::Vec2::new(800.0, 600.0);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                map_size = ui.available_size();
                // Fit once the map's size is the same two frames running: in the first frames
                // the side panels are still being sized.
                let settled = map_size == self.last_map_size;
                self.last_map_size = map_size;
                if self.fit_pending && settled {
                    self.fit_pending = false;
                    commands.push(Command::ZoomToFit);
                }
                let centre = walkers::lon_lat(5.3, 52.2);
                if self.preferences.osm_tiles && self.osm.is_none() {
                    self.osm = Some(OsmLayer::new(ui.ctx()));
                }
                // The embedded basemap stands in whenever no tile was drawn (tiles off,
                // still loading, or offline).
                let basemap = self
                    .basemap
                    .clone()
                    .filter(|_| self.osm.as_ref().is_none_or(|o| !o.health.last_served));
                let offline = self
                    .osm
                    .as_ref()
                    .is_some_and(|o| o.health.offline(std::time::Instant::now()));
                let doc = &self.doc;
                let selection = map::Selection {
                    territory: self.selected,
                    account: self.selected_account,
                };
                let map = &mut self.map;
                map.size_by_potential = self.preferences.size_by_potential;
                let mut memory = std::mem::take(&mut map.memory);
                let tiles = self.osm.as_mut().map(|t| t as &mut dyn walkers::Tiles);
                let tiles_on = tiles.is_some();
                let editing = &self.editing;
                let tool = editing.tool;
                // A drag on a handle moves the handle, not the map; a double-click finishes
                // a drawing rather than zooming.
                let pan = !(editing.over_handle || editing.dragging() || tool == Tool::Lasso);
                let shift = ui.input(|i| i.modifiers.shift);
                let inner = walkers::Map::new(tiles, &mut memory, centre)
                    .drag_pan_buttons(if pan {
                        egui::DragPanButtons::PRIMARY
                    } else {
                        egui::DragPanButtons::empty()
                    })
                    .double_click_to_zoom(matches!(tool, Tool::Select | Tool::Reshape))
                    .show(ui, |ui, response, projector, _| {
                        map.paint(ui, projector, &doc.view(), basemap.as_deref(), selection);
                        if let Some(screen) = &map.last_screen {
                            editing.paint(ui, doc, screen, selection.territory);
                        }
                        map::paint_scale_bar(ui, projector);
                        map_buttons(ui, &mut commands);
                        if tiles_on {
                            tile_notes(ui, offline);
                        }
                        if response.clicked() && matches!(tool, Tool::Select | Tool::Reshape) {
                            let territory = map.pointer.and_then(|p| territory_at(doc, p));
                            commands.push(match map.hovered_account {
                                _ if shift => Command::AlsoSelect(territory),
                                Some(row) if tool == Tool::Select => {
                                    Command::SelectAccount(Some(row))
                                }
                                _ => Command::PickTerritory(territory),
                            });
                        }
                        if let Some(row) = map.hovered_account
                            && !editing.dragging()
                        {
                            response
                                .clone()
                                .on_hover_ui_at_pointer(|ui| account_details(ui, doc, row));
                        }
                    });
                map.memory = memory;
                let free = ui.input(|i| i.modifiers.alt);
                let outcome = match tool {
                    Tool::Reshape => self.editing.reshape(
                        &inner.response,
                        &mut self.doc,
                        &mut self.map,
                        self.selected,
                        free,
                    ),
                    Tool::Draw | Tool::Split => self.editing.sketching(
                        &inner.response,
                        &self.doc,
                        &self.map,
                        self.selected,
                        free,
                    ),
                    Tool::Select => self
                        .editing
                        .select(&inner.response, &mut self.doc, &self.map),
                    Tool::Lasso => self.editing.lasso(&inner.response, &self.doc, &self.map),
                };
                self.outcome(outcome);
                if let Some(osm) = &mut self.osm {
                    osm.health.end_frame(std::time::Instant::now());
                    if offline {
                        // Keep checking, slowly, whether tiles come back.
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_secs(1));
                    }
                }
            });
        self.finish_frame(ui, commands, map_size);
    }

    /// The dialogs over the window, then the frame's commands.
    fn finish_frame(
        &mut self,
        ui: &mut egui::Ui,
        mut commands: Vec<Command>,
        map_size: egui::Vec2,
    ) {
        self.error_window(ui.ctx());
        self.notice_window(ui.ctx());
        self.drawing_question(ui.ctx(), &mut commands);
        if let Some(dialog) = &mut self.import
            && !dialog.show(ui.ctx(), &mut self.doc, &mut commands)
        {
            self.import = None;
        }
        self.lasso_question(ui.ctx(), &mut commands);
        if let Some(draft) = &mut self.rename
            && !scenarios::rename_window(ui.ctx(), draft, &self.doc, &mut commands)
        {
            self.rename = None;
        }
        for command in commands {
            self.apply(command, map_size);
        }
        ui.ctx()
            .send_viewport_cmd(egui::ViewportCommand::Title(self.doc.title()));
        self.screenshot_step(ui.ctx());
        if let Some(shot) = &mut self.page {
            let title = format!(
                "Tessera: {} with its balance",
                self.doc.current().map_or("", |s| s.name.as_str())
            );
            if let Some(outcome) = shot.step(ui.ctx(), self.page_rect, &title) {
                self.status_note = Some(outcome);
                self.page = None;
            }
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let typing = ctx.egui_wants_keyboard_input();
        let shortcut = |modifiers, key| KeyboardShortcut::new(modifiers, key);
        let (mut new, mut open, mut save, mut save_as, mut quit) =
            (false, false, false, false, false);
        let (mut finish, mut back, mut escape, mut delete) = (false, false, false, false);
        ctx.input_mut(|i| {
            new = i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::N));
            open = i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::O));
            save_as = i.consume_shortcut(&shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::S));
            save = i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::S));
            quit = i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Q));
            if i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::K)) {
                commands.push(Command::Compare(self.compare.is_none()));
            }
            if i.key_pressed(Key::F12) {
                self.show_frame_time = !self.show_frame_time;
            }
            if i.consume_shortcut(&shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z))
                || i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Y))
            {
                commands.push(Command::Redo);
            }
            if i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Z)) {
                commands.push(Command::Undo);
            }
            if !typing {
                for (key, tool) in [
                    (Key::V, Tool::Select),
                    (Key::D, Tool::Draw),
                    (Key::R, Tool::Reshape),
                    (Key::X, Tool::Split),
                    (Key::L, Tool::Lasso),
                ] {
                    if i.key_pressed(key) && i.modifiers.is_none() {
                        commands.push(Command::SetTool(tool));
                    }
                }
                finish = i.key_pressed(Key::Enter);
                back = i.key_pressed(Key::Backspace);
                escape = i.key_pressed(Key::Escape);
                delete = i.key_pressed(Key::Delete);
                if i.key_pressed(Key::F) {
                    commands.push(Command::ZoomToFit);
                }
                if i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals) {
                    commands.push(Command::Zoom(1.0));
                }
                if i.key_pressed(Key::Minus) {
                    commands.push(Command::Zoom(-1.0));
                }
            }
        });
        if finish {
            let outcome = self.editing.finish_sketch(&self.doc, self.selected);
            self.outcome(outcome);
        }
        if back {
            self.editing.sketch.pop();
        }
        if escape {
            self.editing.cancel(&mut self.doc, &mut self.map);
        }
        if delete
            && self.editing.tool == Tool::Reshape
            && let Some(at) = self.vertex_under_pointer(ctx)
        {
            let outcome = tools::remove(&self.doc, at);
            self.outcome(outcome);
        }
        // Dialogs block, so they open after egui's input is released.
        if new && let Some(p) = pick_save() {
            commands.push(Command::New(p));
        }
        if open && let Some(p) = pick_open() {
            commands.push(Command::Open(p));
        }
        // Every edit of a saved project is already in its file: Ctrl+S asks for a path only
        // for the demo (or a project not yet saved).
        if (save_as || (save && self.doc.file.is_none()))
            && let Some(p) = pick_save()
        {
            commands.push(Command::SaveAs(p));
        }
        if quit {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// The vertex within catching distance of the pointer, if any.
    fn vertex_under_pointer(&self, ctx: &egui::Context) -> Option<geo::Coord<f64>> {
        let screen = self.map.last_screen?;
        let p = ctx.pointer_hover_pos()?;
        tools::vertex_near(self.doc.current()?, &screen, p)
    }

    /// Tool buttons, undo/redo, merge, and what the tool does.
    fn toolbar(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            for tool in Tool::ALL {
                if ui
                    .selectable_label(self.editing.tool == tool, tool.label())
                    .on_hover_text(tool.hint())
                    .clicked()
                {
                    commands.push(Command::SetTool(tool));
                }
            }
            ui.separator();
            let merge = ui.add_enabled(
                self.selected.is_some() && self.editing.also_selected.is_some(),
                egui::Button::new("Merge"),
            );
            if merge
                .on_hover_text("Merge the Shift+clicked territory into the selected one")
                .clicked()
            {
                commands.push(Command::Merge);
            }
            ui.separator();
            let undo = self.doc.undo.last().map(|e| e.description.as_str());
            let redo = self.doc.redo.last().map(|e| e.description.as_str());
            if ui
                .add_enabled(undo.is_some(), egui::Button::new("Undo"))
                .on_hover_text(format!("Ctrl+Z: {}", undo.unwrap_or("nothing to undo")))
                .clicked()
            {
                commands.push(Command::Undo);
            }
            if ui
                .add_enabled(redo.is_some(), egui::Button::new("Redo"))
                .on_hover_text(format!(
                    "Ctrl+Shift+Z: {}",
                    redo.unwrap_or("nothing to redo")
                ))
                .clicked()
            {
                commands.push(Command::Redo);
            }
            ui.separator();
            ui.label(egui::RichText::new(self.editing.tool.hint()).weak());
        });
    }

    /// A drawn territory covers others: ask whether it takes their area or overlaps them.
    fn drawing_question(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some((_, covered)) = &self.editing.pending else {
            return;
        };
        egui::Window::new("The new territory covers others")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(format!("It covers part of {}.", covered.join(", ")));
                ui.horizontal(|ui| {
                    if ui.button("Take that area from them").clicked() {
                        commands.push(Command::ResolveDrawing(Some(true)));
                    }
                    if ui.button("Keep the overlap").clicked() {
                        commands.push(Command::ResolveDrawing(Some(false)));
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Command::ResolveDrawing(None));
                    }
                });
            });
    }

    /// Accounts were circled: name them key accounts of a territory, or remove overrides.
    fn lasso_question(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some(accounts) = &self.editing.lassoed else {
            return;
        };
        let Some(scenario) = self.doc.current() else {
            return;
        };
        let mut close = false;
        egui::Window::new("Circled accounts")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(format!("{} accounts", panels::whole(accounts.len() as f64)));
                let target = &mut self.editing.lasso_target;
                *target = (*target).min(scenario.territories.len().saturating_sub(1));
                egui::ComboBox::from_label("Territory")
                    .selected_text(
                        scenario
                            .territories
                            .get(*target)
                            .map_or("-", |t| t.name.as_str()),
                    )
                    .show_ui(ui, |ui| {
                        for (k, t) in scenario.territories.iter().enumerate() {
                            ui.selectable_value(target, k, &t.name);
                        }
                    });
                ui.horizontal(|ui| {
                    let territory = scenario.territories.get(*target).map(|t| t.id);
                    if ui.button("Name them key accounts").clicked() {
                        if let Some(e) = crate::edit::set_overrides(scenario, accounts, territory) {
                            commands.push(Command::Edit(e));
                        }
                        close = true;
                    }
                    if ui.button("Remove their overrides").clicked() {
                        if let Some(e) = crate::edit::set_overrides(scenario, accounts, None) {
                            commands.push(Command::Edit(e));
                        }
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.editing.lassoed = None;
        }
    }

    fn menu(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New…  (Ctrl+N)").clicked()
                    && let Some(p) = pick_save()
                {
                    commands.push(Command::New(p));
                }
                if ui.button("Open demo project").clicked() {
                    commands.push(Command::OpenDemo);
                }
                if ui.button("Open…  (Ctrl+O)").clicked()
                    && let Some(p) = pick_open()
                {
                    commands.push(Command::Open(p));
                }
                if ui.button("Save As…  (Ctrl+Shift+S)").clicked()
                    && let Some(p) = pick_save()
                {
                    commands.push(Command::SaveAs(p));
                }
                ui.separator();
                if ui
                    .button("Import accounts (CSV, Excel, GeoJSON)…")
                    .clicked()
                    && let Some(p) =
                        pick_file("Accounts", &crate::io::accounts::FILE_EXTENSIONS, false)
                {
                    commands.push(Command::ImportAccounts(p));
                }
                if ui.button("Import territories (GeoJSON)…").clicked()
                    && let Some(p) = pick_file("GeoJSON", &["geojson", "json"], false)
                {
                    commands.push(Command::ImportTerritories(p, false));
                }
                if ui
                    .button("Import territories as a new scenario…")
                    .on_hover_text("A new plan from a GeoJSON file, to compare with this one")
                    .clicked()
                    && let Some(p) = pick_file("GeoJSON", &["geojson", "json"], false)
                {
                    commands.push(Command::ImportTerritories(p, true));
                }
                ui.menu_button("Export", |ui| {
                    for (label, kind, filter, ext) in [
                        (
                            "Territories as GeoJSON…",
                            Export::GeoJson,
                            "GeoJSON",
                            "geojson",
                        ),
                        (
                            "Assignments as CSV (for the CRM)…",
                            Export::Csv,
                            "CSV",
                            "csv",
                        ),
                        (
                            "GeoPackage for GIS…",
                            Export::GeoPackage,
                            "GeoPackage",
                            "gpkg",
                        ),
                    ] {
                        if ui.button(label).clicked()
                            && let Some(p) = pick_file(filter, &[ext], true)
                        {
                            commands.push(Command::Export(kind, p));
                        }
                    }
                });
                if ui
                    .button("Save page (PDF or PNG)…")
                    .on_hover_text("What the window shows, on a page for the meeting")
                    .clicked()
                    && let Some(p) = page::pick_page_path("plan.pdf")
                {
                    commands.push(Command::SavePage(p));
                }
                ui.separator();
                ui.menu_button("Recent", |ui| {
                    for p in &self.preferences.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            commands.push(Command::Open(p.clone()));
                        }
                    }
                });
                ui.separator();
                if ui.button("Quit  (Ctrl+Q)").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("View", |ui| {
                let comparing = self.compare.is_some();
                if ui
                    .add_enabled(
                        comparing || self.doc.project.scenarios.len() > 1,
                        egui::Button::new(if comparing {
                            "Back to editing"
                        } else {
                            "Compare plans"
                        })
                        .shortcut_text("Ctrl+K"),
                    )
                    .clicked()
                {
                    commands.push(Command::Compare(!comparing));
                }
                ui.separator();
                let mut osm = self.preferences.osm_tiles;
                if ui
                    .checkbox(&mut osm, "OpenStreetMap tiles (online)")
                    .on_hover_text("Needs the internet; the built-in basemap works offline")
                    .changed()
                {
                    commands.push(Command::SetOsmTiles(osm));
                }
                let mut sized = self.preferences.size_by_potential;
                if ui
                    .checkbox(&mut sized, "Size accounts by potential")
                    .changed()
                {
                    commands.push(Command::SizeByPotential(sized));
                }
                ui.separator();
                if ui.button("Zoom to fit  (F)").clicked() {
                    commands.push(Command::ZoomToFit);
                }
                if ui.button("Zoom in  (+)").clicked() {
                    commands.push(Command::Zoom(1.0));
                }
                if ui.button("Zoom out  (-)").clicked() {
                    commands.push(Command::Zoom(-1.0));
                }
            });
            ui.menu_button("Help", |ui| {
                ui.label("Tessera — territory designer");
                ui.label("Country boundaries: Made with Natural Earth.");
                ui.label("Places: GeoNames (geonames.org), CC BY 4.0.");
            });
        });
    }

    fn error_window(&mut self, ctx: &egui::Context) {
        let Some(message) = self.error.clone() else {
            return;
        };
        let mut open = true;
        egui::Window::new("Could not do that")
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(message);
                if ui.button("OK").clicked() {
                    self.error = None;
                }
            });
        if !open {
            self.error = None;
        }
    }

    /// The notice window: a report the planner reads and closes (not an error).
    fn notice_window(&mut self, ctx: &egui::Context) {
        let Some(message) = self.notice.clone() else {
            return;
        };
        let mut open = true;
        egui::Window::new("Import report")
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(message);
                if ui.button("OK").clicked() {
                    self.notice = None;
                }
            });
        if !open {
            self.notice = None;
        }
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.screenshot else {
            return;
        };
        job.frames += 1;
        ctx.request_repaint();
        if job.done.load(Ordering::SeqCst) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if job.frames >= 10 && !job.requested {
            job.requested = true;
            // Frame 1 includes loading and fitting; report the settled frames.
            let settled: Vec<f32> = self.frame_times.iter().skip(2).copied().collect();
            if !settled.is_empty() {
                let mean = settled.iter().sum::<f32>() / settled.len() as f32;
                let max = settled.iter().copied().fold(0.0, f32::max);
                eprintln!(
                    "frame CPU time over {} frames: mean {:.1} ms, max {:.1} ms",
                    settled.len(),
                    mean * 1000.0,
                    max * 1000.0
                );
            }
            let (path, done) = (job.path.clone(), Arc::clone(&job.done));
            ctx.request_screenshot(move |image| {
                if let Err(e) = save_png(&path, &image) {
                    eprintln!("error: cannot save the screenshot: {e}");
                }
                done.store(true, Ordering::SeqCst);
            });
        }
    }
}

fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), image::ImageError> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    image::save_buffer(
        path,
        &bytes,
        w as u32,
        h as u32,
        image::ExtendedColorType::Rgba8,
    )
}

/// The tile attribution OpenStreetMap requires, and a note when no tiles arrive.
fn tile_notes(ui: &mut egui::Ui, offline: bool) {
    let rect = ui.max_rect();
    let attribution = egui::Rect::from_min_max(
        rect.right_bottom() + egui::vec2(-230.0, -22.0),
        rect.right_bottom(),
    );
    ui.painter().rect_filled(
        attribution,
        0.0,
        egui::Color32::from_rgba_unmultiplied(255, 255, 255, 200),
    );
    ui.put(
        attribution,
        egui::Hyperlink::from_label_and_url(
            egui::RichText::new("© OpenStreetMap contributors")
                .size(11.0)
                .color(egui::Color32::from_rgb(30, 60, 140)),
            "https://www.openstreetmap.org/copyright",
        ),
    );
    if offline {
        let note = egui::Rect::from_min_size(
            rect.left_top() + egui::vec2(10.0, 10.0),
            egui::vec2(420.0, 44.0),
        );
        ui.painter()
            .rect_filled(note, 4.0, egui::Color32::from_rgb(255, 236, 200));
        ui.put(
            note.shrink(6.0),
            egui::Label::new(
                egui::RichText::new(
                    "Offline: OpenStreetMap tiles cannot be loaded; showing the built-in \
                     basemap. Switch the tiles off and on in View to retry.",
                )
                .color(egui::Color32::from_rgb(90, 50, 0)),
            ),
        );
    }
}

/// Zoom and fit buttons in the map's top-right corner.
fn map_buttons(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let corner = ui.max_rect().right_top() + egui::vec2(-46.0, 10.0);
    let buttons = [
        ("+", "Zoom in (+)", Command::Zoom(1.0)),
        ("-", "Zoom out (-)", Command::Zoom(-1.0)),
        ("Fit", "Zoom to fit (F)", Command::ZoomToFit),
    ];
    for (k, (label, tip, command)) in buttons.into_iter().enumerate() {
        let rect = egui::Rect::from_min_size(
            corner + egui::vec2(0.0, 34.0 * k as f32),
            egui::vec2(36.0, 30.0),
        );
        if ui
            .put(
                rect,
                egui::Button::new(egui::RichText::new(label).size(18.0)),
            )
            .on_hover_text(tip)
            .clicked()
        {
            commands.push(command);
        }
    }
}

/// The territory under a lon/lat point (the first in plan order, as ownership breaks ties).
fn territory_at(doc: &Document, at: LonLat) -> Option<usize> {
    use geo::Contains;
    let point = geo::Point::new(at.lon, at.lat);
    doc.current()?
        .territories
        .iter()
        .position(|t| t.geometry.contains(&point))
}

/// Name, industry, status, potential, territory and rep of one account.
fn account_details(ui: &mut egui::Ui, doc: &Document, row: usize) {
    let a = &doc.project.accounts;
    let territory = doc
        .plan
        .owner(row)
        .and_then(|t| doc.current().and_then(|s| s.territories.get(t)));
    let rep = territory
        .and_then(|t| t.rep)
        .and_then(|r| doc.project.rep(r))
        .map(|r| r.name.as_str());
    ui.label(egui::RichText::new(a.name(row)).strong());
    ui.label(format!(
        "{} · {}",
        a.industries().name(a.industry_codes()[row]),
        a.status(row).as_str()
    ));
    ui.label(format!("Potential EUR {}", panels::whole(a.potential(row))));
    ui.label(format!(
        "Territory: {}",
        territory.map_or("none (gap)", |t| t.name.as_str())
    ));
    ui.label(format!("Rep: {}", rep.unwrap_or("-")));
}

fn pick_open() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("Tessera project", &[crate::store::EXTENSION])
        .pick_file()
}

/// A file to read (`save` false) or write, of one kind.
fn pick_file(kind: &str, extensions: &[&str], save: bool) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new().add_filter(kind, extensions);
    if save {
        dialog.save_file()
    } else {
        dialog.pick_file()
    }
}

fn pick_save() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("Tessera project", &[crate::store::EXTENSION])
        .save_file()
}

impl eframe::App for TesseraApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(t) = frame.info().cpu_usage {
            self.frame_times.push(t);
            if self.frame_times.len() > 120 {
                self.frame_times.remove(0);
            }
        }
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember_view();
        eframe::set_value(storage, PREFERENCES_KEY, &self.preferences);
    }
}

/// Opens the window on `project` (or the last project, or the demo).
pub fn run(project: Option<PathBuf>, screenshot: Option<PathBuf>) -> eframe::Result {
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1400.0, 860.0])
            .with_title("Tessera"),
        // OpenGL even when the tests' build also compiles wgpu (for the pixel snapshot).
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    if screenshot.is_some() {
        // A screenshot shows the defaults (window size, panels, demo), not this user's
        // remembered state, and leaves that state alone.
        options.persist_window = false;
        options.persistence_path = Some(
            std::env::temp_dir().join(format!("tessera-screenshot-{}.ron", std::process::id())),
        );
    }
    eframe::run_native(
        "Tessera",
        options,
        Box::new(move |cc| {
            Ok(Box::new(TesseraApp::from_creation_context(
                cc, project, screenshot,
            )))
        }),
    )
}

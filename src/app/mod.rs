//! The desktop window (eframe/egui): map in the middle, plan on the left, balance on the
//! right, status bar below. A thin layer over a headless [`Session`]: panels, menus, tools
//! and keys never change the project; they push [`Command`]s that
//! [`TesseraApp::apply`] carries out after the frame, through the session.

mod background;
mod command;
mod command_handling;
mod compare;
mod design_dialog;
mod design_results;
mod help;
mod import;
mod job;
mod map;
mod page;
mod panels;
mod preferences;
mod priority;
mod properties;
mod scenarios;
mod screenshot;
mod search;
mod sharing;
pub mod shortcuts;
mod territory_import;
mod tiles;
mod tools;
mod ui;
mod unit_layer_dialog;
mod units;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use background::BACKGROUND_FROM;
pub use command::Command;
pub use compare::{CompareView, MoveColumn};
pub use design_dialog::DesignDialog;
pub use import::ImportDialog;
pub use map::{LonLat, MapView, ScenarioView, Screen};
pub use panels::value_text;
pub use preferences::{PREFERENCES_KEY, Preferences};
pub use priority::lower_worker_pool;
pub use sharing::{InUse, RELOADED};
pub use territory_import::TerritoryNamesDialog;
pub use tiles::{OsmLayer, TileHealth};
pub use tools::{Editing, Tool};
pub use unit_layer_dialog::UnitLayerDialog;

use crate::basemap::Basemap;
use crate::engine::balance::BalanceMetric;
use crate::session::Session;
use screenshot::{ScreenshotJob, ScreenshotOutcome};

/// The window's state: the session, and what only the window has (map view, selection,
/// tools, dialogs, preferences).
pub struct TesseraApp {
    session: Session,
    map: MapView,
    /// Selected territory (scenario index).
    selected: Option<usize>,
    /// Selected account (row).
    selected_account: Option<usize>,
    editing: Editing,
    /// Drafts of the Properties panel.
    properties: properties::Drafts,
    /// The accounts import dialog, while open.
    import: Option<ImportDialog>,
    /// The territories import's choice of name property, while open.
    territory_names: Option<TerritoryNamesDialog>,
    /// File > Add unit layer's dialog, while open.
    unit_layer: Option<UnitLayerDialog>,
    /// Plan > Design territories… or Rebalance…, while open.
    design: Option<DesignDialog>,
    /// Plan > Suggest reps…: the suggestion and the edit that accepts it, while shown.
    reps: Option<(Option<crate::model::Edit>, crate::session::RepSuggestion)>,
    /// The side-by-side compare view, while open (it replaces the editing panels).
    compare: Option<CompareView>,
    /// A page of the plan and its balance being saved (File > Save page).
    page: Option<page::PageShot>,
    /// The window below the menu bar in the last frame: the area a page keeps.
    page_rect: egui::Rect,
    /// A short message for the status bar (a page saved, ...).
    status_note: Option<String>,
    /// The scenario rename window, while open.
    rename: Option<scenarios::RenameDraft>,
    /// Holes between territories from the last "Find holes" (dropped at every edit).
    holes: Option<Vec<((f64, f64), f64)>>,
    /// The search box (Ctrl+F), while it is open.
    search: Option<search::SearchBox>,
    /// Whether Help > Getting started is open.
    getting_started: bool,
    /// Metric in the balance panel.
    metric: BalanceMetric,
    /// An error to show (file could not be opened, ...).
    error: Option<String>,
    /// A report to show once (what an import repaired, ...).
    notice: Option<String>,
    /// Remembered between runs.
    preferences: Preferences,
    basemap: Option<Arc<Basemap>>,
    /// OpenStreetMap tiles, while switched on.
    osm: Option<OsmLayer>,
    /// Fit the map to the project once the layout has settled.
    fit_pending: bool,
    /// The map's size in the previous frame (the layout settles over the first frames).
    last_map_size: egui::Vec2,
    /// CPU seconds of recent frames (from eframe), for the F12 overlay and `--screenshot`.
    frame_times: Vec<f32>,
    /// Seconds Tessera's own code took for recent frames, for the F12 overlay.
    ui_times: Vec<f32>,
    /// Whether the F12 frame-time overlay is shown.
    show_frame_time: bool,
    screenshot: Option<ScreenshotJob>,
    /// The "Project in use" question: a project to open is held by another program.
    in_use: Option<InUse>,
    /// When the file was last looked at for outside changes (egui time, seconds).
    polled_at: f64,
    /// A project being opened on another thread (the window shows its progress).
    opening: Option<background::Opening>,
    /// A change of the session under way on another thread.
    working: Option<background::Working>,
    /// A plan being built from units on another thread.
    snapping: Option<units::Snapping>,
    /// Reps being suggested on another thread (a big project).
    suggesting: Option<job::Job<design_dialog::Suggested>>,
    /// From this many accounts on, changes that assign every account run on another thread.
    background_from: usize,
    /// First frame, longest frame: what `--screenshot` reports.
    frame_log: screenshot::FrameLog,
}

impl TesseraApp {
    /// The app showing `session`. The basemap loads from the embedded assets.
    pub fn new(session: Session) -> TesseraApp {
        TesseraApp {
            session,
            map: MapView::default(),
            selected: None,
            selected_account: None,
            editing: Editing::default(),
            properties: properties::Drafts::default(),
            import: None,
            territory_names: None,
            unit_layer: None,
            design: None,
            reps: None,
            rename: None,
            page: None,
            page_rect: egui::Rect::NOTHING,
            status_note: None,
            compare: None,
            holes: None,
            search: None,
            getting_started: false,
            metric: BalanceMetric::Workload,
            error: None,
            notice: None,
            preferences: Preferences::default(),
            basemap: Basemap::load().ok().map(Arc::new),
            osm: None,
            fit_pending: true,
            last_map_size: egui::Vec2::ZERO,
            frame_times: Vec::new(),
            ui_times: Vec::new(),
            show_frame_time: false,
            screenshot: None,
            in_use: None,
            polled_at: 0.0,
            opening: None,
            working: None,
            snapping: None,
            suggesting: None,
            background_from: BACKGROUND_FROM,
            frame_log: screenshot::FrameLog::default(),
        }
    }

    /// The app as a run starts: `path`, else the last project if it still exists, else the
    /// demo; the map where the planner left it when the project is the last one. A project
    /// file opens on another thread (see [`TesseraApp::opening`]): the window shows its
    /// progress at once, and the demo stands in if it cannot be opened.
    pub fn start(preferences: Preferences, path: Option<PathBuf>) -> TesseraApp {
        let wanted = path.or_else(|| preferences.last_project.clone().filter(|p| p.exists()));
        let mut app = TesseraApp::new(Session::empty());
        app.preferences = preferences;
        match wanted {
            Some(path) => app.open_in_background(path, true, false),
            None => app.apply(Command::OpenDemo, egui::Vec2::ZERO),
        }
        app
    }

    /// Back where the planner left off: the remembered view, when the project shown is the
    /// last one.
    fn restore_view(&mut self) {
        if let (Some(path), Some((lon, lat, zoom))) =
            (self.session.path(), self.preferences.map_view)
            && self.preferences.last_project.as_deref() == Some(path.as_path())
        {
            self.map.memory.center_at(walkers::lon_lat(lon, lat));
            // A remembered zoom out of walkers' range is simply not restored.
            let _ = self.map.memory.set_zoom(zoom);
            self.fit_pending = false;
        }
    }

    /// The open project, its plan, report and history.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to change it as a command would (tests and benches drive gestures'
    /// previews this way).
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The map's view and caches.
    pub fn map(&self) -> &MapView {
        &self.map
    }

    /// What the hover shows about the unit under the pointer, if one is hovered.
    pub fn hovered_unit_details(&mut self) -> Option<String> {
        let unit = self.map.hovered_unit?;
        Some(self.map.unit_details(&self.session, unit))
    }

    /// The map's view and caches, to move the view or mark territories changed.
    pub fn map_mut(&mut self) -> &mut MapView {
        &mut self.map
    }

    /// The selected territory (index in the scenario shown).
    pub fn selected_territory(&self) -> Option<usize> {
        self.selected
    }

    /// The selected account (row).
    pub fn selected_account(&self) -> Option<usize> {
        self.selected_account
    }

    /// The editing tools' state.
    pub fn editing(&self) -> &Editing {
        &self.editing
    }

    /// The accounts import dialog, while open.
    pub fn import_dialog(&self) -> Option<&ImportDialog> {
        self.import.as_ref()
    }

    /// The territories import's name-property dialog, while open.
    pub fn territory_names_dialog(&self) -> Option<&TerritoryNamesDialog> {
        self.territory_names.as_ref()
    }

    /// File > Add unit layer's dialog, while open.
    pub fn unit_layer_dialog(&self) -> Option<&UnitLayerDialog> {
        self.unit_layer.as_ref()
    }

    /// Plan > Design territories… or Rebalance…, while open.
    pub fn design_dialog(&self) -> Option<&DesignDialog> {
        self.design.as_ref()
    }

    /// Plan > Design territories… or Rebalance…, while open, to change its settings.
    pub fn design_dialog_mut(&mut self) -> Option<&mut DesignDialog> {
        self.design.as_mut()
    }

    /// Plan > Suggest reps…'s suggestion, while shown.
    pub fn rep_suggestion(&self) -> Option<&crate::session::RepSuggestion> {
        self.reps.as_ref().map(|(_, s)| s)
    }

    /// The compare view, while open.
    pub fn compare_view(&self) -> Option<&CompareView> {
        self.compare.as_ref()
    }

    /// The compare view, while open, to move its maps (benches pan them this way).
    pub fn compare_view_mut(&mut self) -> Option<&mut CompareView> {
        self.compare.as_mut()
    }

    /// The scenario rename window's draft, while the window is open.
    pub fn rename_draft(&mut self) -> Option<&mut scenarios::RenameDraft> {
        self.rename.as_mut()
    }

    /// Holes found by the last "Find holes" (centre, km²), until the next edit.
    pub fn holes(&self) -> Option<&[((f64, f64), f64)]> {
        self.holes.as_deref()
    }

    /// The metric the balance panel shows.
    pub fn metric(&self) -> BalanceMetric {
        self.metric
    }

    /// The error the error window shows.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Closes the error window (its OK button).
    pub fn dismiss_error(&mut self) {
        self.error = None;
    }

    /// The report the notice window shows.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The status bar's note.
    pub fn status_note(&self) -> Option<&str> {
        self.status_note.as_deref()
    }

    /// What is remembered between runs.
    pub fn preferences(&self) -> &Preferences {
        &self.preferences
    }
}

/// The scenario a session shows, with its plan and the territories that have one of
/// `warnings` (the plan's, see [`plan_warnings`]), for the map.
pub fn scenario_view<'a>(
    session: &'a Session,
    warnings: &[crate::engine::warnings::PlanWarning],
) -> ScenarioView<'a> {
    let scenario = session.current();
    let mut warned = vec![false; scenario.map_or(0, |s| s.territories.len())];
    for w in warnings {
        if let Some(flag) = warned.get_mut(w.territory()) {
            *flag = true;
        }
    }
    ScenarioView {
        project: session.project(),
        scenario,
        assignment: session.assignment(),
        highlight: &[],
        warned,
    }
}

/// The warnings of the plan a session shows (none without a plan); computed once a frame
/// for the Balance panel and the map.
pub fn plan_warnings(session: &Session) -> Vec<crate::engine::warnings::PlanWarning> {
    session.current().map_or_else(Vec::new, |scenario| {
        crate::engine::warnings::plan_warnings(
            session.project(),
            scenario,
            session.report(),
            session.assignment(),
        )
    })
}

impl eframe::App for TesseraApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(t) = frame.info().cpu_usage {
            self.frame_times.push(t);
            if self.frame_times.len() > 120 {
                self.frame_times.remove(0);
            }
        }
        self.frame_log
            .frame(frame.info().cpu_usage, self.opening.is_some());
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember_view();
        eframe::set_value(storage, PREFERENCES_KEY, &self.preferences);
    }
}

/// Opens the window on `project` (or the last project, or the demo). With `screenshot`,
/// saves the window there once the map has settled and closes; the result is then a line
/// about frame times for the command line to print.
pub fn run(
    project: Option<PathBuf>,
    screenshot: Option<PathBuf>,
) -> Result<Option<String>, String> {
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
    priority::lower_worker_pool();
    // The first frame's time counts from here (the command line before it is negligible).
    let launched = std::time::Instant::now();
    let outcome = Arc::new(Mutex::new(ScreenshotOutcome::default()));
    let job_outcome = Arc::clone(&outcome);
    eframe::run_native(
        "Tessera",
        options,
        Box::new(move |cc| {
            let preferences: Preferences = cc
                .storage
                .and_then(|s| eframe::get_value(s, PREFERENCES_KEY))
                .unwrap_or_default();
            let mut app = TesseraApp::start(preferences, project);
            app.frame_log = screenshot::FrameLog::since(launched);
            app.screenshot = screenshot.map(|path| ScreenshotJob::new(path, job_outcome));
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())?;
    let outcome = outcome
        .lock()
        .map_err(|_| "the screenshot job failed".to_owned())?
        .clone();
    match outcome.error {
        Some(e) => Err(e),
        None => Ok(outcome.frame_times),
    }
}

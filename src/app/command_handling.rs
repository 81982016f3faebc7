//! Carrying out commands after the frame: every user action ends here, and every change to
//! the project goes on to the session as an edit.

use super::{Command, CompareView, ImportDialog, TesseraApp, page, tools};
use crate::session::{Effects, Session, SessionError};

impl TesseraApp {
    /// Carries out one command.
    pub fn apply(&mut self, command: Command, map_size: egui::Vec2) {
        // While a project opens, nothing else may replace the session.
        if self.opening.is_some()
            && matches!(
                command,
                Command::New(_) | Command::Open(_) | Command::OpenDemo | Command::ImportAccounts(_)
            )
        {
            self.error = Some("A project is still being opened: wait until it is shown".into());
            return;
        }
        // While a change runs on another thread (an import being written, a duplicate) the
        // file is lent to it: commands that would replace the session or start another
        // import wait. (Edits, undo, redo, switching scenarios and Save As are refused by the
        // session itself.)
        if self.session.is_busy()
            && matches!(
                command,
                Command::New(_)
                    | Command::Open(_)
                    | Command::OpenReadOnly(_)
                    | Command::OpenDemo
                    | Command::ImportAccounts(_)
            )
        {
            self.error = Some(SessionError::Busy.to_string());
            return;
        }
        // Files the window writes outside the session: never over the project or a non-file.
        if let Command::SavePage(path) | Command::ExportMoves(path) = &command
            && let Err(e) = self.session.check_output(path, &[])
        {
            self.error = Some(e.to_string());
            return;
        }
        match command {
            Command::New(path) => match Session::create(&path) {
                Ok(session) => {
                    self.replace(session);
                    self.preferences.remember(&path);
                }
                Err(e) => self.error = Some(e.to_string()),
            },
            // On another thread: the window shows its progress, then the project (or asks what
            // to do when another program edits it).
            Command::Open(path) => self.open_project(path),
            Command::OpenReadOnly(path) => self.open_read_only(path),
            Command::OpenDemo => match Session::demo() {
                Ok(session) => self.replace(session),
                Err(e) => self.error = Some(e.to_string()),
            },
            Command::SaveAs(path) => match self.session.save_as(&path) {
                Ok(()) => self.preferences.remember(&path),
                Err(e) => self.error = Some(e.to_string()),
            },
            Command::SelectScenario(n) => self.show_scenario_at(n),
            Command::SelectTerritory(t) => {
                self.selected = Some(t);
                if let Some(bounds) = self
                    .session
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
                    self.selected = self.session.assignment().owner(row);
                }
            }
            Command::PickTerritory(t) => {
                self.selected = t;
                self.selected_account = None;
            }
            Command::SetMetric(m) => self.metric = m,
            Command::SetTolerance(t) => {
                if let Some(edit) = crate::edit::balance_tolerance(self.session.project(), t) {
                    self.make_edit(edit);
                }
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
            Command::ShowLegend(on) => self.preferences.hide_legend = !on,
            Command::ShowUnitLayer(layer) => self.preferences.unit_layer = layer,
            Command::ColourUnitsBy(measure) => self.preferences.choropleth = measure,
            // A read-only project keeps the Select tool (a key could ask for another).
            Command::SetTool(tool)
                if self.session.is_read_only() && tool != tools::Tool::Select =>
            {
                self.status_note = Some("Read-only: the editing tools are off".into());
            }
            Command::SetTool(tool) => self.editing.set_tool(tool),
            // A gesture under way (a drag, a paint stroke) holds what it changed in memory:
            // it is taken back first, so that the history and the gesture do not mix.
            Command::Undo | Command::Redo if self.editing.dragging() => {
                self.editing.cancel(&mut self.session, &mut self.map);
            }
            Command::Undo => self.undo_or_redo(false),
            Command::Redo => self.undo_or_redo(true),
            Command::Merge => {
                if let (Some(a), Some(b)) = (self.selected, self.editing.also_selected)
                    && let Some(scenario) = self.session.current()
                {
                    match crate::edit::merge(scenario, a, b) {
                        Ok(edit) => {
                            self.make_edit(edit);
                        }
                        Err(e) => self.error = Some(e.0),
                    }
                }
            }
            Command::ResolveDrawing(answer) => match answer {
                Some(take) => {
                    let outcome = self.editing.resolve_pending(&self.session, take);
                    self.outcome(outcome);
                }
                None => self.editing.pending = None,
            },
            Command::AlsoSelect(t) => self.editing.also_selected = t,
            Command::Edit(edit) => {
                self.make_edit(edit);
            }
            Command::Export(kind, path) => {
                if let Err(e) = self.session.export(kind, &path) {
                    self.error = Some(e.to_string());
                }
            }
            // Refused before the mapping dialog, rather than after the planner's work in it.
            Command::ImportAccounts(_) if self.session.is_read_only() => {
                self.error = Some(
                    SessionError::ReadOnly {
                        path: self.session.path().unwrap_or_default(),
                    }
                    .to_string(),
                );
            }
            Command::ImportAccounts(path) => self.import = Some(ImportDialog::open(&path)),
            Command::Changed(effects) => self.after_change(&effects),
            Command::ShowError(message) => self.error = Some(message),
            Command::SnapToUnits(layer) => self.snap_to_units(&layer),
            Command::NewTerritoryToPaint => self.new_territory_to_paint(),
            Command::EditAndShow(edit, id) => {
                self.make_edit_showing(edit, Some(id));
            }
            Command::RenameScenario(draft) => self.rename = Some(draft),
            Command::Compare(true) => match CompareView::new(&self.session) {
                Some(mut view) => {
                    view.background_from = self.background_from;
                    self.compare = Some(view);
                }
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
                        self.session.project(),
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
                self.holes = self.session.current().map(crate::edit::holes);
            }
            Command::FocusPoint(lon, lat) => {
                self.map.memory.center_at(walkers::lon_lat(lon, lat));
                let zoom = self.map.memory.zoom().max(11.0);
                let _ = self.map.memory.set_zoom(zoom);
            }
            Command::ChooseTerritoryNames(path, as_new) => {
                match super::TerritoryNamesDialog::open(&path, as_new) {
                    Ok(Some(dialog)) => self.territory_names = Some(dialog),
                    Ok(None) => self.apply(Command::ImportTerritories(path, as_new), map_size),
                    Err(e) => self.error = Some(e),
                }
            }
            Command::ChooseUnitLayer(path) => match super::UnitLayerDialog::open(&path) {
                Ok(dialog) => self.unit_layer = Some(dialog),
                Err(e) => self.error = Some(e),
            },
            Command::AddUnitLayer(prepared) => self.add_unit_layer(*prepared),
            Command::OpenDesign(rebalance) => self.open_design(rebalance),
            Command::Designed(made) => self.designed(*made),
            Command::SuggestReps => self.suggest_reps(),
            Command::ImportTerritories(path, as_new) => {
                self.apply(
                    Command::ImportTerritoriesNamed(path, as_new, None),
                    map_size,
                );
            }
            Command::ImportTerritoriesNamed(path, as_new, name_property) => {
                self.import_territories(&path, as_new, name_property.as_deref())
            }
            Command::FocusAccount(row) => {
                let a = &self.session.project().accounts;
                if let (Some(lon), Some(lat)) = (a.lons().get(row), a.lats().get(row)) {
                    self.map.memory.center_at(walkers::lon_lat(*lon, *lat));
                    let zoom = self.map.memory.zoom().max(11.0);
                    let _ = self.map.memory.set_zoom(zoom);
                    self.apply(Command::SelectAccount(Some(row)), map_size);
                }
            }
            Command::ResolveOverlap(winner, lon, lat) => {
                if let Some(scenario) = self.session.current() {
                    match crate::edit::resolve_overlap(scenario, winner, lon, lat) {
                        Ok(edit) => {
                            self.make_edit(edit);
                        }
                        Err(e) => self.error = Some(e.0),
                    }
                }
            }
            Command::SetOsmTiles(on) => {
                self.preferences.osm_tiles = on;
                // Switching off drops the fetcher, so switching on again retries from scratch.
                self.osm = None;
            }
            Command::FinishSketch => {
                let outcome = self.editing.finish_sketch(&self.session, self.selected);
                self.outcome(outcome);
            }
            Command::RemoveLastPoint => {
                self.editing.sketch.pop();
            }
            Command::CancelGesture => self.editing.cancel(&mut self.session, &mut self.map),
            Command::RemoveVertex(at) => {
                let outcome = tools::remove(&self.session, at);
                self.outcome(outcome);
            }
            Command::ToggleFrameTime => self.show_frame_time = !self.show_frame_time,
            Command::GettingStarted => self.getting_started = true,
            Command::OpenSearch => {
                if self.search.is_none() {
                    self.search = Some(super::search::SearchBox::open());
                }
            }
        }
    }

    /// Makes an edit (on another thread when it is long) and redraws what it changed; an
    /// error goes to the error window. Returns whether the edit was made or started.
    fn make_edit(&mut self, edit: crate::model::Edit) -> bool {
        self.make_edit_showing(edit, None)
    }

    pub(super) fn after_history(&mut self, result: Result<Option<Effects>, SessionError>) {
        match result {
            Ok(Some(effects)) => self.after_change(&effects),
            Ok(None) => {}
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// After the plan changed: redraw, and drop selections that no longer exist.
    pub(super) fn after_change(&mut self, effects: &Effects) {
        self.holes = None;
        if effects.accounts {
            // Accounts were imported (or the import undone): every per-account cache goes.
            self.map.invalidate();
            self.selected_account = None;
        }
        if effects.scenario_shown {
            self.scenario_shown();
        }
        self.map.plan_edited();
        let count = self.session.current().map_or(0, |s| s.territories.len());
        self.selected = self.selected.filter(|t| *t < count);
        self.editing.also_selected = self
            .editing
            .also_selected
            .filter(|t| *t < count && Some(*t) != self.selected);
    }

    /// After another scenario was put on screen: its territories are others.
    pub(super) fn scenario_shown(&mut self) {
        self.selected = None;
        self.selected_account = None;
        self.editing.also_selected = None;
        self.map.invalidate();
    }

    fn outcome(&mut self, outcome: tools::Outcome) {
        if let Some(command) = outcome.into_command() {
            self.apply(command, self.last_map_size);
        }
    }

    pub(super) fn replace(&mut self, session: Session) {
        // The old project may hold a million accounts: free it off the UI thread, but give
        // its file free at once (the planner may open it again right away).
        let mut old = std::mem::replace(&mut self.session, session);
        old.release_lock();
        std::thread::spawn(move || drop(old));
        self.selected = None;
        self.selected_account = None;
        self.error = None;
        self.map.invalidate();
        self.fit_pending = true;
    }

    /// Notes the map's view in the preferences (saved with them when the window closes).
    pub fn remember_view(&mut self) {
        if let Some(p) = self.map.memory.detached() {
            self.preferences.map_view = Some((p.x(), p.y(), self.map.memory.zoom()));
        }
    }

    /// The lon/lat box of the scenario's territories (or of the accounts).
    fn project_bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let scenario = self.session.current()?;
        let mut b: Option<(f64, f64, f64, f64)> = None;
        for t in &scenario.territories {
            if let Some(r) = geo::BoundingRect::bounding_rect(&t.geometry) {
                let r = (r.min().x, r.min().y, r.max().x, r.max().y);
                b = Some(b.map_or(r, |a| crate::engine::index::union_bounds(a, r)));
            }
        }
        b
    }
}

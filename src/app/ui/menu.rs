//! The menu bar: File, View and Help.

use super::super::shortcuts::{self, Action};
use super::super::{Command, TesseraApp, page};
use super::files;
use crate::session::ExportKind;

impl TesseraApp {
    pub(super) fn menu(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                self.action_button(ui, "New…", Action::New, commands);
                if ui.button("Open demo project").clicked() {
                    commands.push(Command::OpenDemo);
                }
                self.action_button(ui, "Open…", Action::Open, commands);
                self.action_button(ui, "Save As…", Action::SaveAs, commands);
                ui.separator();
                if ui
                    .button("Import accounts (CSV, Excel, GeoJSON)…")
                    .clicked()
                    && let Some(p) =
                        files::pick_file("Accounts", &crate::io::accounts::FILE_EXTENSIONS, false)
                {
                    commands.push(Command::ImportAccounts(p));
                }
                if ui.button("Import territories (GeoJSON)…").clicked()
                    && let Some(p) = files::pick_file("GeoJSON", &["geojson", "json"], false)
                {
                    commands.push(Command::ChooseTerritoryNames(p, false));
                }
                if ui
                    .button("Import territories as a new scenario…")
                    .on_hover_text("A new plan from a GeoJSON file, to compare with this one")
                    .clicked()
                    && let Some(p) = files::pick_file("GeoJSON", &["geojson", "json"], false)
                {
                    commands.push(Command::ChooseTerritoryNames(p, true));
                }
                if ui
                    .button("Add unit layer…")
                    .on_hover_text(
                        "Your own areas to build territories from (GeoJSON, TopoJSON, \
                         Shapefile, GeoPackage)",
                    )
                    .clicked()
                    && let Some(p) = files::pick_file(
                        "Unit layer",
                        &["geojson", "json", "topojson", "shp", "gpkg"],
                        false,
                    )
                {
                    commands.push(Command::ChooseUnitLayer(p));
                }
                ui.menu_button("Export", |ui| {
                    for (label, kind, filter, ext) in [
                        (
                            "Territories as GeoJSON…",
                            ExportKind::GeoJson,
                            "GeoJSON",
                            "geojson",
                        ),
                        (
                            "Assignments as CSV (for the CRM)…",
                            ExportKind::Csv,
                            "CSV",
                            "csv",
                        ),
                        (
                            "GeoPackage for GIS…",
                            ExportKind::GeoPackage,
                            "GeoPackage",
                            "gpkg",
                        ),
                        (
                            "Units with their territory (for the CRM)…",
                            ExportKind::Units,
                            "CSV",
                            "csv",
                        ),
                    ] {
                        // Units are there only in a plan built from units.
                        let enabled = kind != ExportKind::Units
                            || self
                                .session
                                .current()
                                .is_some_and(|s| s.units.layer.is_some());
                        if ui
                            .add_enabled(enabled, egui::Button::new(label))
                            .on_disabled_hover_text(
                                "This plan is not built from units (postcodes, municipalities)",
                            )
                            .clicked()
                            && let Some(p) = files::pick_file(filter, &[ext], true)
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
                self.action_button(ui, "Quit", Action::Quit, commands);
            });
            ui.menu_button("View", |ui| {
                let comparing = self.compare.is_some();
                if ui
                    .add_enabled(
                        comparing || self.session.project().scenarios.len() > 1,
                        egui::Button::new(if comparing {
                            "Back to editing"
                        } else {
                            "Compare plans"
                        })
                        .shortcut_text(
                            shortcuts::key_text(Action::ComparePlans).unwrap_or_default(),
                        ),
                    )
                    .clicked()
                {
                    self.trigger(Action::ComparePlans, ui.ctx(), commands);
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
                let mut legend = !self.preferences.hide_legend;
                if ui.checkbox(&mut legend, "Legend").changed() {
                    commands.push(Command::ShowLegend(legend));
                }
                self.units_menu(ui, commands);
                ui.separator();
                self.action_button(ui, "Search…", Action::Search, commands);
                self.action_button(ui, "Zoom to fit", Action::ZoomToFit, commands);
                self.action_button(ui, "Zoom in", Action::ZoomIn, commands);
                self.action_button(ui, "Zoom out", Action::ZoomOut, commands);
            });
            ui.menu_button("Plan", |ui| {
                let has_plan = self.session.current().is_some();
                if ui
                    .add_enabled(has_plan, egui::Button::new("Design territories…"))
                    .on_hover_text(
                        "A new plan built from units, balanced on the metrics you choose, \
                         each territory connected and compact",
                    )
                    .clicked()
                {
                    commands.push(Command::OpenDesign(false));
                }
                if ui
                    .add_enabled(has_plan, egui::Button::new("Rebalance…"))
                    .on_hover_text(
                        "A copy of this plan with as few border units moved as it takes to \
                         bring every metric within the tolerance",
                    )
                    .clicked()
                {
                    commands.push(Command::OpenDesign(true));
                }
                if ui
                    .add_enabled(has_plan, egui::Button::new("Suggest reps…"))
                    .on_hover_text("The reps that travel least for this plan's territories")
                    .clicked()
                {
                    commands.push(Command::SuggestReps);
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Getting started").clicked() {
                    commands.push(Command::GettingStarted);
                }
                ui.separator();
                ui.label("Tessera — territory designer");
                ui.label("Country boundaries: Made with Natural Earth.");
                ui.label("Places: GeoNames (geonames.org), CC BY 4.0.");
                ui.label(
                    "Dutch boundaries and inhabitants: © Centraal Bureau voor de Statistiek \
                     (CBS), CC BY 4.0; postcode areas © CBS, © Esri Nederland.",
                );
            });
        });
    }

    /// A menu entry for an action of the shortcut table, its key shown beside it.
    fn action_button(
        &self,
        ui: &mut egui::Ui,
        label: &str,
        action: Action,
        commands: &mut Vec<Command>,
    ) {
        let key = shortcuts::key_text(action).unwrap_or_default();
        if ui
            .add(egui::Button::new(label).shortcut_text(key))
            .clicked()
        {
            self.trigger(action, ui.ctx(), commands);
        }
    }

    /// View > Units and View > Colour units by.
    fn units_menu(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let own = self.session.current().and_then(|s| s.units.layer.clone());
        ui.menu_button("Units", |ui| {
            if let Some(own) = &own {
                ui.label(format!(
                    "This plan is built from {own}: its units are drawn"
                ));
            }
            let chosen = &self.preferences.unit_layer;
            ui.add_enabled_ui(own.is_none(), |ui| {
                if ui.radio(chosen.is_none(), "None").clicked() {
                    commands.push(Command::ShowUnitLayer(None));
                }
                // The embedded layers, then the project's own.
                for (key, title) in crate::session::layer_list(self.session.project()) {
                    if ui.radio(chosen.as_deref() == Some(&key), title).clicked() {
                        commands.push(Command::ShowUnitLayer(Some(key)));
                    }
                }
            });
        });
        let shown = own.is_some() || self.preferences.unit_layer.is_some();
        ui.add_enabled_ui(shown, |ui| {
            ui.menu_button("Colour units by", |ui| {
                let chosen = self.preferences.choropleth;
                if ui.radio(chosen.is_none(), "Nothing").clicked() {
                    commands.push(Command::ColourUnitsBy(None));
                }
                for measure in crate::units::stats::UnitMeasure::ALL {
                    if ui.radio(chosen == Some(measure), measure.label()).clicked() {
                        commands.push(Command::ColourUnitsBy(Some(measure)));
                    }
                }
            })
            .response
            .on_disabled_hover_text("Show a unit layer first (View > Units)");
        });
    }
}

//! The map in the middle of the window: basemap or tiles, the plan, the tools' gestures and
//! overlays, the zoom buttons and the tile notes.

use egui::Vec2;

use crate::engine::warnings::PlanWarning;

use super::super::shortcuts::{self, Action};
use super::super::tools::{self, Tool};
use super::super::{Command, OsmLayer, TesseraApp, map, panels, scenario_view};

impl TesseraApp {
    /// The map in the middle, with its tools; the territories with one of `warnings` are
    /// marked. Returns the map's size.
    pub(super) fn map_area(
        &mut self,
        ui: &mut egui::Ui,
        warnings: &[PlanWarning],
        commands: &mut Vec<Command>,
    ) -> Vec2 {
        let mut map_size = Vec2::new(800.0, 600.0);
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
                let view = scenario_view(&self.session, warnings);
                let session = &self.session;
                let selection = map::Selection {
                    territory: self.selected,
                    account: self.selected_account,
                };
                let map = &mut self.map;
                map.size_by_potential = self.preferences.size_by_potential;
                map.unit_layer.clone_from(&self.preferences.unit_layer);
                map.choropleth = self.preferences.choropleth;
                let mut memory = std::mem::take(&mut map.memory);
                let tiles = self.osm.as_mut().map(|t| t as &mut dyn walkers::Tiles);
                let tiles_on = tiles.is_some();
                let editing = &self.editing;
                let tool = editing.tool;
                // A drag on a handle moves the handle, not the map; a double-click finishes
                // a drawing rather than zooming.
                let pan = !(editing.over_handle
                    || editing.dragging()
                    || matches!(tool, Tool::Lasso | Tool::Paint));
                let shift = ui.input(|i| i.modifiers.shift);
                let legend = !self.preferences.hide_legend;
                let inner = walkers::Map::new(tiles, &mut memory, centre)
                    .drag_pan_buttons(if pan {
                        egui::DragPanButtons::PRIMARY
                    } else {
                        egui::DragPanButtons::empty()
                    })
                    .double_click_to_zoom(matches!(tool, Tool::Select | Tool::Reshape))
                    // The wheel zooms about the pointer, as in every GIS and web map; drag pans.
                    .zoom_with_ctrl(false)
                    .show(ui, |ui, response, projector, _| {
                        map.paint(ui, projector, &view, basemap.as_deref(), selection);
                        if let Some(screen) = &map.last_screen {
                            editing.paint(ui, session, screen, selection.territory);
                        }
                        map::paint_scale_bar(ui, projector);
                        if legend {
                            map::paint_legend(ui.ctx(), ui.max_rect(), &view);
                        }
                        map_buttons(ui, commands);
                        if tiles_on {
                            tile_notes(ui, offline);
                        }
                        if response.clicked() && matches!(tool, Tool::Select | Tool::Reshape) {
                            let territory =
                                map.pointer.and_then(|p| tools::territory_at(session, p));
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
                            response.clone().on_hover_ui_at_pointer(|ui| {
                                panels::account_details(ui, session, row)
                            });
                        } else if let Some(unit) = map.hovered_unit
                            && !editing.dragging()
                        {
                            let details = map.unit_details(session, unit);
                            response.clone().on_hover_ui_at_pointer(|ui| {
                                ui.label(details);
                            });
                        }
                    });
                map.memory = memory;
                let free = ui.input(|i| i.modifiers.alt);
                // egui ends a drag when Esc is pressed, so the tools would see the gesture end
                // and commit it; in that frame they are skipped and the Cancel command drops
                // the gesture instead.
                let escaped = ui.input(|i| i.key_pressed(egui::Key::Escape));
                let outcome = match tool {
                    _ if escaped => tools::Outcome::None,
                    Tool::Reshape => self.editing.reshape(
                        &inner.response,
                        &mut self.session,
                        &mut self.map,
                        self.selected,
                        free,
                    ),
                    Tool::Draw | Tool::Split => self.editing.sketching(
                        &inner.response,
                        &self.session,
                        &self.map,
                        self.selected,
                        free,
                    ),
                    Tool::Select => {
                        self.editing
                            .select(&inner.response, &mut self.session, &self.map)
                    }
                    Tool::Lasso => {
                        self.editing
                            .lasso(&inner.response, &self.session, &self.map, self.selected)
                    }
                    Tool::Paint => self.editing.paint_units(
                        &inner.response,
                        &mut self.session,
                        &mut self.map,
                        self.selected,
                    ),
                };
                // The gesture's edit (or why it was refused) is a command like any other.
                commands.extend(outcome.into_command());
                if let Some(osm) = &mut self.osm {
                    osm.health.end_frame(std::time::Instant::now());
                    if offline {
                        // Keep checking, slowly, whether tiles come back.
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_secs(1));
                    }
                }
            });
        map_size
    }
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
        ("+", "Zoom in", Action::ZoomIn, Command::Zoom(1.0)),
        ("-", "Zoom out", Action::ZoomOut, Command::Zoom(-1.0)),
        ("Fit", "Zoom to fit", Action::ZoomToFit, Command::ZoomToFit),
    ];
    for (k, (label, tip, action, command)) in buttons.into_iter().enumerate() {
        let rect = egui::Rect::from_min_size(
            corner + egui::vec2(0.0, 34.0 * k as f32),
            egui::vec2(36.0, 30.0),
        );
        if ui
            .put(
                rect,
                egui::Button::new(egui::RichText::new(label).size(18.0)),
            )
            .on_hover_text(shortcuts::with_key(tip, action))
            .clicked()
        {
            commands.push(command);
        }
    }
}

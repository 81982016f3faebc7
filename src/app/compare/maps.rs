//! The compare view's two maps: plan A and plan B side by side, fitted to both plans when the
//! view opens, with linked pan and zoom and the accounts that change hands ringed on both.

use egui::Color32;

use super::CompareView;
use crate::app::map::{MapView, ScenarioView, Selection, paint_scale_bar};
use crate::basemap::Basemap;
use crate::model::{Project, ScenarioId};

/// The gap between the two maps, and under them, in points.
const GAP: f32 = 6.0;

impl CompareView {
    /// Both maps across the top of `ui`, about half its height; the cursor ends under them.
    pub(super) fn show_maps(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        basemap: Option<&Basemap>,
    ) {
        let Some(computed) = &self.computed else {
            return;
        };
        let scenarios = [project.scenario(self.a), project.scenario(self.b)];
        let size = ui.available_size();
        let map_height = (size.y * 0.48).max(220.0);
        let width = (size.x - GAP) / 2.0;
        let top = ui.cursor().min;
        if self.fit_pending && width > 100.0 {
            self.fit_pending = false;
            if let Some(bounds) = bounds(project, self.a, self.b) {
                for map in &mut self.maps {
                    map.fit(bounds.into(), egui::vec2(width, map_height));
                }
            }
        }
        for k in 0..2 {
            let rect = egui::Rect::from_min_size(
                top + egui::vec2(k as f32 * (width + GAP), 0.0),
                egui::vec2(width, map_height),
            );
            let view = ScenarioView {
                project,
                scenario: scenarios[k],
                assignment: &computed.compared.plans[k],
                highlight: &computed.moved_rows,
                warned: Vec::new(),
            };
            let title = format!(
                "{}: {}",
                ["A", "B"][k],
                scenarios[k].map_or("", |s| s.name.as_str())
            );
            let map = &mut self.maps[k];
            ui.scope_builder(
                egui::UiBuilder::new()
                    .id_salt(("compare map", k))
                    .max_rect(rect),
                |ui| {
                    let mut memory = std::mem::take(&mut map.memory);
                    walkers::Map::new(None, &mut memory, walkers::lon_lat(5.3, 52.2))
                        .zoom_with_ctrl(false)
                        .show(ui, |ui, _, projector, _| {
                            map.paint(ui, projector, &view, basemap, Selection::default());
                            paint_scale_bar(ui, projector);
                            map_title(ui, &title);
                        });
                    map.memory = memory;
                },
            );
        }
        self.link_maps();
        ui.advance_cursor_after_rect(egui::Rect::from_min_size(
            top,
            egui::vec2(size.x, map_height + GAP),
        ));
    }

    /// Keeps both maps on the same view: whichever moved since the last frame leads.
    fn link_maps(&mut self) {
        let state = |m: &MapView| m.memory.detached().map(|p| (p.x(), p.y(), m.memory.zoom()));
        let (s0, s1) = (state(&self.maps[0]), state(&self.maps[1]));
        let leader = if s0 != self.linked { s0 } else { s1 };
        if let Some((lon, lat, zoom)) = leader {
            for map in &mut self.maps {
                map.memory.center_at(walkers::lon_lat(lon, lat));
                let _ = map.memory.set_zoom(zoom);
            }
        }
        self.linked = leader;
    }
}

/// The lon/lat box of both plans' territories.
fn bounds(project: &Project, a: ScenarioId, b: ScenarioId) -> Option<(f64, f64, f64, f64)> {
    let mut out: Option<(f64, f64, f64, f64)> = None;
    for s in [a, b].iter().filter_map(|id| project.scenario(*id)) {
        for t in &s.territories {
            if let Some(r) = geo::BoundingRect::bounding_rect(&t.geometry) {
                let r = (r.min().x, r.min().y, r.max().x, r.max().y);
                out = Some(out.map_or(r, |o| crate::engine::index::union_bounds(o, r)));
            }
        }
    }
    out
}

/// "A: Current plan" on a plate in the map's top-left corner.
fn map_title(ui: &egui::Ui, title: &str) {
    let rect = ui.max_rect();
    let painter = ui.painter();
    let galley = painter.layout_no_wrap(
        title.to_owned(),
        egui::FontId::proportional(16.0),
        Color32::BLACK,
    );
    let plate =
        egui::Rect::from_min_size(rect.min + egui::vec2(8.0, 8.0), galley.size()).expand(5.0);
    painter.rect_filled(
        plate,
        4.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 225),
    );
    painter.galley(plate.min + egui::vec2(5.0, 5.0), galley, Color32::BLACK);
}

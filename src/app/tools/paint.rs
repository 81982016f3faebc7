//! Paint: click or drag across geographic units to give them to the selected territory;
//! Shift takes them out of it; Alt+click picks the territory under the pointer. Each stroke
//! is one undoable edit; the plan, the balance panel and the map follow every unit.

use std::sync::Arc;

use egui::Pos2;

use super::{Editing, Outcome};
use crate::app::map::{MapView, Screen};
use crate::model::TerritoryId;
use crate::session::{Brush, Session};
use crate::units::layer::UnitLayer;

/// Screen points between the samples of a fast drag, so that no unit it crosses is missed.
const STEP: f32 = 4.0;

/// The unit layer the scenario shown is built from, or why it cannot be painted.
pub fn painted_layer(doc: &Session) -> Result<Arc<UnitLayer>, String> {
    let scenario = doc.current().ok_or("there is no plan to paint")?;
    let key = scenario.units.layer.as_deref().ok_or_else(|| {
        format!(
            "plan {} is drawn freehand: snap it to units first (Plan > Snap to units)",
            scenario.name
        )
    })?;
    doc.unit_layer(key).map_err(|e| e.to_string())
}

impl Editing {
    /// Paint: strokes of units into (or, with Shift, out of) the selected territory.
    pub fn paint_units(
        &mut self,
        response: &egui::Response,
        doc: &mut Session,
        map: &mut MapView,
        selected: Option<usize>,
    ) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        let (shift, alt) = response.ctx.input(|i| (i.modifiers.shift, i.modifiers.alt));
        self.hover_unit = response
            .hover_pos()
            .and_then(|p| unit_under(doc, &screen, p));
        let pressed = response.drag_started() || response.clicked();
        if pressed && alt {
            // Alt+click: the territory under the pointer becomes the one painted.
            let at = response
                .interact_pointer_pos()
                .map(|p| screen.to_lon_lat(p));
            return Outcome::Pick(at.and_then(|at| super::territory_at(doc, at)));
        }
        if pressed && self.stroke.is_none() {
            let start = self.begin_stroke(doc, selected, shift);
            if let Err(why) = start {
                return Outcome::Refused(why);
            }
            // A drag is seen once the pointer has moved a little: paint from where it began.
            self.last_paint = response.ctx.input(|i| i.pointer.press_origin());
        }
        if self.stroke.is_some()
            && (response.dragged() || pressed)
            && let Some(p) = response.interact_pointer_pos()
        {
            self.paint_along(doc, map, &screen, p);
        }
        if !(response.drag_stopped() || response.clicked()) {
            return Outcome::None;
        }
        self.baseline = None;
        match self.stroke.take().map(|s| doc.end_stroke(s)) {
            Some(Ok(Some(effects))) => Outcome::Made(effects),
            Some(Err(e)) => Outcome::Refused(e.to_string()),
            _ => Outcome::None,
        }
    }

    /// Starts a stroke into (or with Shift out of) the selected territory.
    fn begin_stroke(
        &mut self,
        doc: &Session,
        selected: Option<usize>,
        shift: bool,
    ) -> Result<(), String> {
        let layer = painted_layer(doc)?;
        let territory: TerritoryId = selected
            .and_then(|t| doc.current()?.territories.get(t))
            .map(|t| t.id)
            .ok_or("select the territory to paint first (click it, or Alt+click with Paint)")?;
        let brush = if shift {
            Brush::Remove(territory)
        } else {
            Brush::Add(territory)
        };
        let stroke = doc
            .begin_stroke(&layer.key, brush)
            .map_err(|e| e.to_string())?;
        self.baseline = Some(doc.report().territories.clone());
        self.stroke = Some(stroke);
        Ok(())
    }

    /// Paints every unit under the pointer's way since the last frame.
    fn paint_along(&mut self, doc: &mut Session, map: &mut MapView, screen: &Screen, to: Pos2) {
        let from = self.last_paint.unwrap_or(to);
        self.last_paint = Some(to);
        let Some(stroke) = &mut self.stroke else {
            return;
        };
        let layer = Arc::clone(stroke.layer());
        let steps = (from.distance(to) / STEP).ceil().max(1.0) as usize;
        let mut last = None;
        for k in 0..=steps {
            let p = from.lerp(to, k as f32 / steps as f32);
            let at = screen.to_lon_lat(p);
            let Some(unit) = layer.unit_at(at.lon, at.lat) else {
                continue;
            };
            if last == Some(unit) {
                continue;
            }
            last = Some(unit);
            for t in doc.paint_unit(stroke, unit) {
                map.territory_changed(t.0);
            }
        }
    }

    /// Esc during a stroke: the units go back where they were.
    pub(super) fn cancel_stroke(&mut self, doc: &mut Session, map: &mut MapView) {
        if let Some(stroke) = self.stroke.take() {
            let territories = doc.current().map(|s| s.territories.clone());
            doc.cancel_stroke(stroke);
            for t in territories.iter().flatten() {
                map.territory_changed(t.id.0);
            }
        }
    }

    /// Outlines the unit under the pointer, so the planner sees what a click would paint.
    pub(super) fn paint_hover(&self, painter: &egui::Painter, screen: &Screen) {
        let Some((layer, unit)) = &self.hover_unit else {
            return;
        };
        let stroke = egui::Stroke::new(2.0, egui::Color32::from_rgb(20, 20, 20));
        for polygon in &layer.topology.unit_polygon(*unit as usize).0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                let points: Vec<Pos2> = ring
                    .0
                    .iter()
                    .map(|c| screen.to_screen((*c).into()))
                    .collect();
                painter.add(egui::Shape::closed_line(points, stroke));
            }
        }
    }
}

/// The unit of the painted layer under a screen point.
fn unit_under(doc: &Session, screen: &Screen, p: Pos2) -> Option<(Arc<UnitLayer>, u32)> {
    let layer = painted_layer(doc).ok()?;
    let at = screen.to_lon_lat(p);
    let unit = layer.unit_at(at.lon, at.lat)?;
    Some((layer, unit))
}

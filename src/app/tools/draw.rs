//! Draw and Split: clicks lay down a line of points (snapped to vertices); Draw closes it
//! into a new territory, Split cuts the selected territory along it. The Lasso's outline is
//! drawn as the same kind of sketch.

use egui::{Color32, Pos2, Stroke};
use geo::Coord;

use super::{Editing, Outcome, Tool, outcome, vertex_near};
use crate::app::map::{MapView, Screen};
use crate::edit;
use crate::session::Session;

impl Editing {
    /// A clicked point, snapped to the nearest vertex within [`super::CATCH`] unless `free`.
    fn snapped(&self, doc: &Session, screen: &Screen, p: Pos2, free: bool) -> Coord<f64> {
        let at = screen.to_lon_lat(p).into();
        if free {
            return at;
        }
        doc.current()
            .and_then(|s| vertex_near(s, screen, p))
            .unwrap_or(at)
    }

    /// Draw and Split: a click adds a point; a double-click finishes.
    pub fn sketching(
        &mut self,
        response: &egui::Response,
        doc: &Session,
        map: &MapView,
        selected: Option<usize>,
        free: bool,
    ) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        if let Some(p) = response.interact_pointer_pos()
            && response.clicked()
        {
            let at = self.snapped(doc, &screen, p, free);
            // The second click of a double-click lands on the first one's point.
            let repeat = self
                .sketch
                .last()
                .is_some_and(|c| screen.distance((*c).into(), at.into()) < 3.0);
            if !repeat {
                self.sketch.push(at);
            }
        }
        if response.double_clicked() {
            return self.finish_sketch(doc, selected);
        }
        Outcome::None
    }

    /// Enter or double-click: turns the sketch into a territory or a split.
    pub fn finish_sketch(&mut self, doc: &Session, selected: Option<usize>) -> Outcome {
        let points = std::mem::take(&mut self.sketch);
        let Some(scenario) = doc.current() else {
            return Outcome::None;
        };
        match self.tool {
            Tool::Draw => {
                if points.len() < 3 {
                    return Outcome::Refused("a territory needs at least three corners".into());
                }
                let covered = edit::covered_by(scenario, &points);
                if covered.is_empty() {
                    outcome(edit::add_territory(doc.project(), scenario, &points, false))
                } else {
                    self.pending = Some((points, covered));
                    Outcome::None
                }
            }
            Tool::Split => match selected {
                Some(t) => outcome(edit::split(doc.project(), scenario, t, &points)),
                None => Outcome::Refused("select the territory to split first".into()),
            },
            Tool::Select | Tool::Reshape | Tool::Lasso | Tool::Paint => Outcome::None,
        }
    }

    /// The planner's answer for a drawing that covers other territories.
    pub fn resolve_pending(&mut self, doc: &Session, take: bool) -> Outcome {
        let Some((points, _)) = self.pending.take() else {
            return Outcome::None;
        };
        match doc.current() {
            Some(scenario) => outcome(edit::add_territory(doc.project(), scenario, &points, take)),
            None => Outcome::None,
        }
    }

    /// The sketch so far, dashed, with a line on to the pointer and a ring on each point.
    pub(super) fn paint_sketch(&self, ui: &egui::Ui, painter: &egui::Painter, screen: &Screen) {
        let mut points: Vec<Pos2> = self
            .sketch
            .iter()
            .map(|c| screen.to_screen((*c).into()))
            .collect();
        if let Some(p) = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p))
        {
            points.push(p);
        }
        let colour = if self.tool == Tool::Split {
            Color32::from_rgb(200, 30, 30)
        } else {
            Color32::from_rgb(20, 20, 20)
        };
        painter.add(egui::Shape::dashed_line(
            &points,
            Stroke::new(2.0, colour),
            8.0,
            4.0,
        ));
        for c in &self.sketch {
            painter.circle(
                screen.to_screen((*c).into()),
                4.0,
                Color32::WHITE,
                Stroke::new(1.5, colour),
            );
        }
    }
}

//! Reshape: drag a vertex (shared borders move together) or an edge's midpoint, remove a
//! vertex, or Ctrl+drag the selected territory as a whole.

use egui::{Color32, Pos2, Stroke};
use geo::Coord;

use super::{CATCH, Editing, Outcome, apart, outcome, preview, vertex_near};
use crate::app::map::{MapView, Screen};
use crate::edit::{self, NewAreas};
use crate::model::Territory;
use crate::session::Session;

/// A vertex being dragged.
pub(super) struct Drag {
    /// Where the vertex was when the drag began (after an insertion: the new vertex).
    from: Coord<f64>,
    /// The areas before the gesture (what undo gives back).
    pub(super) original: NewAreas,
    /// The areas the drag moves the vertex in (with an inserted vertex, if any).
    start: NewAreas,
    /// "Moved" or "Added".
    verb: &'static str,
    /// Where the vertex is now.
    to: Coord<f64>,
}

/// A whole territory being moved (Ctrl+drag in Reshape).
pub(super) struct TerritoryMove {
    /// The territory (scenario index).
    pub(super) t: usize,
    /// Its area before the move.
    pub(super) original: geo::MultiPolygon<f64>,
    /// Where the pointer took hold of it.
    grab: Coord<f64>,
    /// Where the pointer is now.
    to: Coord<f64>,
}

impl Editing {
    /// Reshape: the map's pointer events for one frame (after the map was drawn).
    pub fn reshape(
        &mut self,
        response: &egui::Response,
        doc: &mut Session,
        map: &mut MapView,
        selected: Option<usize>,
        free: bool,
    ) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        let Some(scenario) = doc.current() else {
            return Outcome::None;
        };
        // A drag starts once the pointer has moved a few points: what it grabbed is what was
        // under the pointer where the button went down.
        let pointer = if response.drag_started() {
            response.ctx.input(|i| i.pointer.press_origin())
        } else {
            response.hover_pos().or(response.interact_pointer_pos())
        };
        let vertex = pointer.and_then(|p| vertex_near(scenario, &screen, p));
        let midpoint = pointer.and_then(|p| {
            selected
                .and_then(|t| {
                    let near = screen.to_lon_lat(p).into();
                    edit::nearest_midpoint(scenario, t, near, apart(&screen))
                })
                .filter(|(_, _, d)| *d <= CATCH)
        });
        let ctrl = response.ctx.input(|i| i.modifiers.command);
        let inside_selected = ctrl
            && pointer.is_some_and(|p| {
                let c = screen.to_lon_lat(p);
                selected.is_some_and(|t| edit::territories_at(scenario, c.lon, c.lat).contains(&t))
            });
        // Latched while the button is down: a press on a handle must not turn into a pan
        // when the pointer leaves the handle before the drag is recognised.
        if !response.ctx.input(|i| i.pointer.any_down()) {
            self.over_handle = vertex.is_some() || midpoint.is_some() || inside_selected;
        }
        if let Some(outcome) = self.move_territory(
            response,
            doc,
            map,
            &screen,
            selected,
            inside_selected,
            pointer,
        ) {
            return outcome;
        }
        let Some(scenario) = doc.current() else {
            return Outcome::None;
        };

        if self.drag.is_none() && self.moving.is_none() && response.drag_started() {
            if let Some(at) = vertex {
                let original = edit::areas_at(scenario, at);
                self.begin(doc, at, original.clone(), original, "Moved");
            } else if let Some((a, b, _)) = midpoint {
                let mid = edit::midpoint(a, b);
                let start = edit::insert_vertex(scenario, a, b, mid);
                let original: NewAreas = start
                    .iter()
                    .map(|(t, _)| (*t, scenario.territories[*t].geometry.clone()))
                    .collect();
                self.begin(doc, mid, original, start, "Added");
            }
        }
        if let Some(drag) = &mut self.drag {
            if let Some(p) = response.interact_pointer_pos()
                && response.dragged()
            {
                let mut to = screen.to_lon_lat(p).into();
                // Snap to a vertex of a territory that is not being reshaped (snapping to
                // its own ring would fold the border onto itself).
                let moving: Vec<usize> = drag.start.iter().map(|(t, _)| *t).collect();
                if !free
                    && let Some((c, d)) = doc.current().and_then(|s| {
                        edit::nearest_vertex_among(s, to, apart(&screen), |t| !moving.contains(&t))
                    })
                    && d <= CATCH
                {
                    to = c;
                }
                drag.to = to;
                let areas = edit::moved(&drag.start, drag.from, to);
                preview(doc, map, &areas);
            }
            if response.drag_stopped() {
                return self.finish_drag(doc, map);
            }
        }
        if self.drag.is_none()
            && response.secondary_clicked()
            && let Some(at) = vertex
        {
            return remove(doc, at);
        }
        Outcome::None
    }

    /// Ctrl+drag inside the selected territory moves all of it (its shared borders come
    /// apart: the gaps and overlaps that leaves are listed in the validation panel). Returns
    /// `Some` while this gesture owns the pointer.
    #[allow(clippy::too_many_arguments)]
    fn move_territory(
        &mut self,
        response: &egui::Response,
        doc: &mut Session,
        map: &mut MapView,
        screen: &Screen,
        selected: Option<usize>,
        inside_selected: bool,
        pointer: Option<Pos2>,
    ) -> Option<Outcome> {
        if self.moving.is_none()
            && self.drag.is_none()
            && response.drag_started()
            && inside_selected
            && let (Some(t), Some(p)) = (selected, pointer)
        {
            let original = doc.current()?.territories.get(t)?.geometry.clone();
            let grab = screen.to_lon_lat(p).into();
            self.baseline = Some(doc.report().territories.clone());
            self.moving = Some(TerritoryMove {
                t,
                original,
                grab,
                to: grab,
            });
        }
        let m = self.moving.as_mut()?;
        if let Some(p) = response.interact_pointer_pos()
            && response.dragged()
        {
            m.to = screen.to_lon_lat(p).into();
            let area = translated(&m.original, m.grab, m.to);
            preview(doc, map, &vec![(m.t, area)]);
        }
        if !response.drag_stopped() {
            return Some(Outcome::None);
        }
        let m = self.moving.take()?;
        self.baseline = None;
        preview(doc, map, &vec![(m.t, m.original.clone())]);
        if m.to == m.grab {
            return Some(Outcome::None);
        }
        let scenario = doc.current()?;
        let areas = vec![(m.t, translated(&m.original, m.grab, m.to))];
        Some(match edit::check(scenario, &areas) {
            Ok(()) => {
                let mut e = edit::areas_edit(scenario, "Moved", &areas);
                e.description = format!("Moved {}", scenario.territories[m.t].name);
                Outcome::Edit(e)
            }
            Err(e) => Outcome::Refused(e.0),
        })
    }

    /// Starts dragging a vertex at `from` (unless no territory has it).
    fn begin(
        &mut self,
        doc: &mut Session,
        from: Coord<f64>,
        original: NewAreas,
        start: NewAreas,
        verb: &'static str,
    ) {
        if original.is_empty() {
            return;
        }
        self.baseline = Some(doc.report().territories.clone());
        self.drag = Some(Drag {
            from,
            original,
            start,
            verb,
            to: from,
        });
    }

    /// Ends a drag: puts the areas back as they were and returns the gesture as one edit (or
    /// why it was refused).
    fn finish_drag(&mut self, doc: &mut Session, map: &mut MapView) -> Outcome {
        self.baseline = None;
        let Some(drag) = self.drag.take() else {
            return Outcome::None;
        };
        preview(doc, map, &drag.original);
        if drag.to == drag.from && drag.verb == "Moved" {
            return Outcome::None;
        }
        let Some(scenario) = doc.current() else {
            return Outcome::None;
        };
        let areas = edit::moved(&drag.start, drag.from, drag.to);
        match edit::check(scenario, &areas) {
            Ok(()) => Outcome::Edit(edit::areas_edit(scenario, drag.verb, &areas)),
            Err(e) => Outcome::Refused(e.0),
        }
    }
}

/// The handles of a territory: its vertices, and the midpoints of edges long enough to
/// grab one without catching a vertex.
pub(super) fn paint_handles(painter: &egui::Painter, screen: &Screen, territory: &Territory) {
    // Handles closer than this to the last one drawn are skipped: at low zoom a detailed
    // border would be a solid row of squares (zoom in to reach every vertex).
    let mut last: Option<Pos2> = None;
    for polygon in &territory.geometry.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for w in ring.0.windows(2) {
                let (a, b) = (screen.to_screen(w[0].into()), screen.to_screen(w[1].into()));
                if a.distance(b) > 3.0 * CATCH as f32 {
                    let m = edit::midpoint(w[0], w[1]);
                    painter.circle(
                        screen.to_screen(m.into()),
                        3.0,
                        Color32::from_rgba_unmultiplied(255, 255, 255, 180),
                        Stroke::new(1.0, Color32::DARK_GRAY),
                    );
                }
                if screen.rect.contains(a) && last.is_none_or(|l| l.distance(a) >= 10.0) {
                    last = Some(a);
                    painter.rect_filled(
                        egui::Rect::from_center_size(a, egui::vec2(7.0, 7.0)),
                        1.0,
                        Color32::WHITE,
                    );
                    painter.rect_stroke(
                        egui::Rect::from_center_size(a, egui::vec2(7.0, 7.0)),
                        1.0,
                        Stroke::new(1.5, Color32::BLACK),
                        egui::StrokeKind::Inside,
                    );
                }
            }
        }
    }
}

/// An area moved by the offset from `from` to `to`.
fn translated(
    area: &geo::MultiPolygon<f64>,
    from: Coord<f64>,
    to: Coord<f64>,
) -> geo::MultiPolygon<f64> {
    use geo::Translate;
    area.translate(to.x - from.x, to.y - from.y)
}

/// Removes the vertex at `at` from every territory that has it, as one edit.
pub fn remove(doc: &Session, at: Coord<f64>) -> Outcome {
    let Some(scenario) = doc.current() else {
        return Outcome::None;
    };
    let result = edit::remove_vertex(scenario, at).and_then(|areas| {
        edit::check(scenario, &areas)?;
        Ok(edit::areas_edit(scenario, "Removed", &areas))
    });
    outcome(result)
}

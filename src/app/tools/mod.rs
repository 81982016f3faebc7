//! The editing tools on the map: Select, Draw, Reshape and Split, their gestures, their
//! overlays, and the live preview of a drag.
//!
//! A drag changes the territories in memory only (the live plan follows every frame); when
//! the button is released the gesture becomes one undoable edit, written to the file.

use egui::{Color32, Pos2, Stroke};
use geo::Coord;

use super::document::Document;
use super::map::{LonLat, LonLatBounds, MapView, Screen};
use crate::edit::{self, NewAreas};
use crate::engine::report::TerritoryReport;

/// Screen points within which the pointer catches a vertex or handle, or snaps to a vertex.
pub const CATCH: f64 = 8.0;

/// The tool in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Click a territory or an account; Shift+click adds a second territory (for Merge).
    Select,
    /// Click corners of a new territory.
    Draw,
    /// Drag vertices and edge midpoints; right-click a vertex to remove it.
    Reshape,
    /// Click a line across the selected territory.
    Split,
    /// Circle accounts to name them key accounts of a territory (or remove their overrides).
    Lasso,
}

impl Tool {
    /// Every tool, in toolbar order.
    pub const ALL: [Tool; 5] = [
        Tool::Select,
        Tool::Draw,
        Tool::Reshape,
        Tool::Split,
        Tool::Lasso,
    ];

    /// Toolbar label.
    pub fn label(self) -> &'static str {
        match self {
            Tool::Select => "Select (V)",
            Tool::Draw => "Draw (D)",
            Tool::Reshape => "Reshape (R)",
            Tool::Split => "Split (X)",
            Tool::Lasso => "Lasso (L)",
        }
    }

    /// What to do with it, shown in the toolbar.
    pub fn hint(self) -> &'static str {
        match self {
            Tool::Select => {
                "Click a territory or account; Shift+click a second territory to merge; drag a rep's home marker to move it."
            }
            Tool::Lasso => "Drag around accounts, then name them key accounts of a territory.",
            Tool::Draw => {
                "Click corners; double-click or Enter finishes, Backspace removes the last, Esc cancels. Snaps to vertices (hold Alt: no snapping)."
            }
            Tool::Reshape => {
                "Drag a vertex (shared borders move together) or an edge's midpoint to add one; right-click or Delete removes a vertex; Ctrl+drag moves the selected territory."
            }
            Tool::Split => {
                "Select a territory, click a line across it; double-click or Enter splits, Esc cancels."
            }
        }
    }
}

/// A vertex being dragged.
struct Drag {
    /// Where the vertex was when the drag began (after an insertion: the new vertex).
    from: Coord<f64>,
    /// The areas before the gesture (what undo gives back).
    original: NewAreas,
    /// The areas the drag moves the vertex in (with an inserted vertex, if any).
    start: NewAreas,
    /// "Moved" or "Added".
    verb: &'static str,
    /// Where the vertex is now.
    to: Coord<f64>,
}

/// State of the editing tools.
pub struct Editing {
    /// The tool in use.
    pub tool: Tool,
    /// Points clicked so far with Draw or Split (lon/lat).
    pub sketch: Vec<Coord<f64>>,
    /// A drawn outline waiting for the planner's answer: take the area or keep the overlap.
    pub pending: Option<(Vec<Coord<f64>>, Vec<String>)>,
    /// The territory report when the gesture began, for the balance panel's changes.
    pub baseline: Option<Vec<TerritoryReport>>,
    /// A second selected territory (Shift+click), for Merge.
    pub also_selected: Option<usize>,
    /// Whether the pointer is over a handle, so that a drag moves it and not the map.
    pub over_handle: bool,
    /// Accounts circled with the lasso, waiting for what to do with them.
    pub lassoed: Option<Vec<crate::model::AccountId>>,
    /// The territory the lasso dialog offers (scenario index).
    pub lasso_target: usize,
    drag: Option<Drag>,
    moving: Option<TerritoryMove>,
    rep_drag: Option<crate::model::Rep>,
}

/// A whole territory being moved (Ctrl+drag in Reshape).
struct TerritoryMove {
    t: usize,
    original: geo::MultiPolygon<f64>,
    grab: Coord<f64>,
    to: Coord<f64>,
}

impl Default for Editing {
    fn default() -> Self {
        Editing {
            tool: Tool::Select,
            sketch: Vec::new(),
            pending: None,
            baseline: None,
            also_selected: None,
            over_handle: false,
            lassoed: None,
            lasso_target: 0,
            drag: None,
            moving: None,
            rep_drag: None,
        }
    }
}

/// What a gesture asks the window to do when it ends.
pub enum Outcome {
    /// Nothing (yet).
    None,
    /// Make this edit.
    Edit(crate::model::Edit),
    /// Tell the planner why nothing was done.
    Refused(String),
}

fn lon_lat(screen: &Screen, p: Pos2) -> Coord<f64> {
    screen.to_lon_lat(p).into()
}

fn on_screen(screen: &Screen, c: Coord<f64>) -> Pos2 {
    screen.to_screen(c.into())
}

impl Editing {
    /// Whether a drag of a vertex, a territory or a rep's home is under way.
    pub fn dragging(&self) -> bool {
        self.drag.is_some() || self.moving.is_some() || self.rep_drag.is_some()
    }

    /// Switches tools, dropping any unfinished sketch.
    pub fn set_tool(&mut self, tool: Tool) {
        self.tool = tool;
        self.sketch.clear();
        self.over_handle = false;
    }

    /// A clicked point, snapped to the nearest vertex within [`CATCH`] unless `free`.
    fn snapped(&self, doc: &Document, screen: &Screen, p: Pos2, free: bool) -> Coord<f64> {
        let at = lon_lat(screen, p);
        if free {
            return at;
        }
        let distance = |a: Coord<f64>, b: Coord<f64>| {
            f64::from(on_screen(screen, a).distance(on_screen(screen, b)))
        };
        doc.current()
            .and_then(|s| edit::nearest_vertex(s, at, distance))
            .filter(|(_, d)| *d <= CATCH)
            .map_or(at, |(c, _)| c)
    }

    /// Reshape: the map's pointer events for one frame (after the map was drawn).
    pub fn reshape(
        &mut self,
        response: &egui::Response,
        doc: &mut Document,
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
        let distance = |a: Coord<f64>, b: Coord<f64>| {
            f64::from(on_screen(&screen, a).distance(on_screen(&screen, b)))
        };
        // A drag starts once the pointer has moved a few points: what it grabbed is what was
        // under the pointer where the button went down.
        let pointer = if response.drag_started() {
            response.ctx.input(|i| i.pointer.press_origin())
        } else {
            response.hover_pos().or(response.interact_pointer_pos())
        };
        let vertex = pointer.and_then(|p| {
            edit::nearest_vertex(scenario, lon_lat(&screen, p), distance)
                .filter(|(_, d)| *d <= CATCH)
                .map(|(c, _)| c)
        });
        let midpoint = pointer.and_then(|p| {
            selected
                .and_then(|t| edit::nearest_midpoint(scenario, t, lon_lat(&screen, p), distance))
                .filter(|(_, _, d)| *d <= CATCH)
        });
        let ctrl = response.ctx.input(|i| i.modifiers.command);
        let inside_selected = ctrl
            && pointer.is_some_and(|p| {
                let c = lon_lat(&screen, p);
                selected.is_some_and(|t| edit::territories_at(scenario, c.x, c.y).contains(&t))
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
                let mut to = lon_lat(&screen, p);
                // Snap to a vertex of a territory that is not being reshaped (snapping to
                // its own ring would fold the border onto itself).
                let moving: Vec<usize> = drag.start.iter().map(|(t, _)| *t).collect();
                if !free
                    && let Some((c, d)) = doc.current().and_then(|s| {
                        edit::nearest_vertex_among(s, to, distance, |t| !moving.contains(&t))
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
        doc: &mut Document,
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
            let grab = lon_lat(screen, p);
            self.baseline = Some(doc.report.territories.clone());
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
            m.to = lon_lat(screen, p);
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

    /// Select: dragging a rep's home marker moves the home base (one edit on release).
    pub fn select(
        &mut self,
        response: &egui::Response,
        doc: &mut Document,
        map: &MapView,
    ) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        let pointer = if response.drag_started() {
            response.ctx.input(|i| i.pointer.press_origin())
        } else {
            response.hover_pos()
        };
        let near_rep = pointer.and_then(|p| {
            doc.project
                .reps
                .iter()
                .find(|r| {
                    let home = screen.to_screen(LonLat::new(r.home_lon, r.home_lat));
                    home.distance(p) <= CATCH as f32 + 2.0
                })
                .cloned()
        });
        if !response.ctx.input(|i| i.pointer.any_down()) {
            self.over_handle = near_rep.is_some();
        }
        if self.rep_drag.is_none() && response.drag_started() {
            self.rep_drag = near_rep;
        }
        let Some(original) = &self.rep_drag else {
            return Outcome::None;
        };
        let k = doc.project.reps.iter().position(|r| r.id == original.id);
        if let (Some(k), Some(p)) = (k, response.interact_pointer_pos())
            && response.dragged()
        {
            // Only the marker follows the pointer; travel is recomputed once, on release.
            let at = screen.to_lon_lat(p);
            doc.project.reps[k].home_lon = at.lon;
            doc.project.reps[k].home_lat = at.lat;
        }
        if !response.drag_stopped() {
            return Outcome::None;
        }
        let (Some(original), Some(k)) = (self.rep_drag.take(), k) else {
            return Outcome::None;
        };
        let moved = doc.project.reps[k].clone();
        doc.project.reps[k] = original;
        match edit::rep_properties(&doc.project, &moved) {
            Some(e) => Outcome::Edit(e),
            None => Outcome::None,
        }
    }

    /// Lasso: the drag traces an outline; on release the accounts inside wait for a choice.
    pub fn lasso(&mut self, response: &egui::Response, doc: &Document, map: &MapView) -> Outcome {
        let Some(screen) = map.last_screen else {
            return Outcome::None;
        };
        if response.drag_started()
            && let Some(p) = response.ctx.input(|i| i.pointer.press_origin())
        {
            self.sketch = vec![lon_lat(&screen, p)];
        }
        if response.dragged()
            && let Some(p) = response.interact_pointer_pos()
            && self
                .sketch
                .last()
                .is_some_and(|c| on_screen(&screen, *c).distance(p) >= 4.0)
        {
            self.sketch.push(lon_lat(&screen, p));
        }
        if !response.drag_stopped() {
            return Outcome::None;
        }
        let outline = std::mem::take(&mut self.sketch);
        if outline.len() < 3 {
            return Outcome::None;
        }
        let rows = accounts_inside(doc, &outline);
        if rows.is_empty() {
            return Outcome::Refused("no accounts inside that outline".into());
        }
        self.lassoed = Some(rows);
        Outcome::None
    }

    fn begin(
        &mut self,
        doc: &mut Document,
        from: Coord<f64>,
        original: NewAreas,
        start: NewAreas,
        verb: &'static str,
    ) {
        if original.is_empty() {
            return;
        }
        self.baseline = Some(doc.report.territories.clone());
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
    fn finish_drag(&mut self, doc: &mut Document, map: &mut MapView) -> Outcome {
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

    /// Esc: drops a drag (areas back as they were), a sketch, or a pending drawing.
    pub fn cancel(&mut self, doc: &mut Document, map: &mut MapView) {
        if let Some(drag) = self.drag.take() {
            preview(doc, map, &drag.original);
        }
        self.baseline = None;
        self.sketch.clear();
        self.pending = None;
        self.lassoed = None;
    }

    /// Draw and Split: a click adds a point; a double-click finishes.
    pub fn sketching(
        &mut self,
        response: &egui::Response,
        doc: &Document,
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
                .is_some_and(|c| on_screen(&screen, *c).distance(on_screen(&screen, at)) < 3.0);
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
    pub fn finish_sketch(&mut self, doc: &Document, selected: Option<usize>) -> Outcome {
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
                    outcome(edit::add_territory(&doc.project, scenario, &points, false))
                } else {
                    self.pending = Some((points, covered));
                    Outcome::None
                }
            }
            Tool::Split => match selected {
                Some(t) => outcome(edit::split(&doc.project, scenario, t, &points)),
                None => Outcome::Refused("select the territory to split first".into()),
            },
            Tool::Select | Tool::Reshape | Tool::Lasso => Outcome::None,
        }
    }

    /// The planner's answer for a drawing that covers other territories.
    pub fn resolve_pending(&mut self, doc: &Document, take: bool) -> Outcome {
        let Some((points, _)) = self.pending.take() else {
            return Outcome::None;
        };
        match doc.current() {
            Some(scenario) => outcome(edit::add_territory(&doc.project, scenario, &points, take)),
            None => Outcome::None,
        }
    }

    /// Draws the sketch, and in Reshape the handles of the selected territory.
    pub fn paint(&self, ui: &egui::Ui, doc: &Document, screen: &Screen, selected: Option<usize>) {
        let painter = ui.painter().with_clip_rect(screen.rect);
        if !self.sketch.is_empty() {
            let mut points: Vec<Pos2> = self.sketch.iter().map(|c| on_screen(screen, *c)).collect();
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
                    on_screen(screen, *c),
                    4.0,
                    Color32::WHITE,
                    Stroke::new(1.5, colour),
                );
            }
        }
        if self.tool != Tool::Reshape {
            return;
        }
        let Some(territory) = selected.and_then(|t| doc.current()?.territories.get(t)) else {
            return;
        };
        // Handles closer than this to the last one drawn are skipped: at low zoom a detailed
        // border would be a solid row of squares (zoom in to reach every vertex).
        let mut last: Option<Pos2> = None;
        for polygon in &territory.geometry.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for w in ring.0.windows(2) {
                    let (a, b) = (on_screen(screen, w[0]), on_screen(screen, w[1]));
                    if a.distance(b) > 3.0 * CATCH as f32 {
                        let m = edit::midpoint(w[0], w[1]);
                        painter.circle(
                            on_screen(screen, m),
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

/// The ids of the accounts inside an outline (lon/lat).
fn accounts_inside(doc: &Document, outline: &[Coord<f64>]) -> Vec<crate::model::AccountId> {
    use geo::{BoundingRect, Contains};
    let polygon = geo::Polygon::new(geo::LineString::from(outline.to_vec()), vec![]);
    let Some(b) = polygon.bounding_rect() else {
        return Vec::new();
    };
    let grid = doc.plan.grid();
    let ids = doc.project.accounts.ids();
    let mut inside = Vec::new();
    grid.for_each_in(LonLatBounds::from(b).into(), |p| {
        if polygon.contains(&geo::Point::new(grid.xs()[p], grid.ys()[p])) {
            inside.push(ids[grid.row(p)]);
        }
    });
    inside
}

/// Removes the vertex at `at` from every territory that has it, as one edit.
pub fn remove(doc: &Document, at: Coord<f64>) -> Outcome {
    let Some(scenario) = doc.current() else {
        return Outcome::None;
    };
    let result = edit::remove_vertex(scenario, at).and_then(|areas| {
        edit::check(scenario, &areas)?;
        Ok(edit::areas_edit(scenario, "Removed", &areas))
    });
    outcome(result)
}

fn outcome(result: Result<crate::model::Edit, edit::Refusal>) -> Outcome {
    match result {
        Ok(e) => Outcome::Edit(e),
        Err(e) => Outcome::Refused(e.0),
    }
}

/// Shows areas in memory (live plan included) without writing them.
fn preview(doc: &mut Document, map: &mut MapView, areas: &NewAreas) {
    for (t, area) in areas {
        let Some(id) = doc
            .current()
            .and_then(|s| s.territories.get(*t))
            .map(|t| t.id)
        else {
            continue;
        };
        doc.preview_geometry(id, area);
        map.territory_changed(id.0);
    }
}

//! The editing tools on the map: Select, Draw, Reshape, Split, Lasso and Paint, their gestures,
//! their overlays, and the live preview of a drag.
//!
//! A drag changes the territories in memory only (the live assignment follows every frame); when
//! the button is released the gesture becomes one undoable edit, written to the file.
//!
//! This file holds what the tools share; each tool's gestures are in a file of its own
//! (Draw and Split, which both sketch a line of clicks, share `draw`).

mod draw;
mod lasso;
mod paint;
mod reshape;
mod select;

use egui::Pos2;
use geo::Coord;

use super::map::{MapView, Screen};
use crate::edit::{self, NewAreas};
use crate::engine::report::TerritoryReport;
use crate::model::Scenario;
use crate::session::Session;
use reshape::{Drag, TerritoryMove};

pub use reshape::remove;

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
    /// Click or drag across geographic units to add them to the selected territory.
    Paint,
}

impl Tool {
    /// Every tool, in toolbar order.
    pub const ALL: [Tool; 6] = [
        Tool::Select,
        Tool::Draw,
        Tool::Reshape,
        Tool::Split,
        Tool::Lasso,
        Tool::Paint,
    ];

    /// Toolbar label (the toolbar adds the key from the shortcut table).
    pub fn label(self) -> &'static str {
        match self {
            Tool::Select => "Select",
            Tool::Draw => "Draw",
            Tool::Reshape => "Reshape",
            Tool::Split => "Split",
            Tool::Lasso => "Lasso",
            Tool::Paint => "Paint",
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
            Tool::Paint => {
                "Click or drag across units to add them to the selected territory; Shift takes them out; Alt+click picks the territory under the pointer; Esc cancels. Plans of units (Plan > Snap to units)."
            }
        }
    }
}

/// State of the editing tools.
pub struct Editing {
    /// The tool in use.
    pub tool: Tool,
    /// Points clicked so far with Draw or Split, or traced with the Lasso (lon/lat).
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
    /// The vertex being dragged in Reshape.
    drag: Option<Drag>,
    /// The territory being moved in Reshape.
    moving: Option<TerritoryMove>,
    /// The rep whose home is being dragged in Select, as it was before the drag.
    rep_drag: Option<crate::model::Rep>,
    /// The paint stroke under way.
    stroke: Option<crate::session::UnitStroke>,
    /// Where the pointer was when the stroke last painted (screen).
    last_paint: Option<Pos2>,
    /// The unit under the pointer in Paint, outlined on the map.
    hover_unit: Option<(std::sync::Arc<crate::units::layer::UnitLayer>, u32)>,
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
            stroke: None,
            last_paint: None,
            hover_unit: None,
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
    /// Select this territory (scenario index; `None`: none).
    Pick(Option<usize>),
    /// The session made an edit itself (a paint stroke): redraw what it changed.
    Made(crate::session::Effects),
}

impl Outcome {
    /// The command that carries the outcome out: make the edit, or show why not.
    pub fn into_command(self) -> Option<super::Command> {
        match self {
            Outcome::None => None,
            Outcome::Edit(edit) => Some(super::Command::Edit(edit)),
            Outcome::Refused(why) => Some(super::Command::ShowError(why)),
            Outcome::Pick(t) => Some(super::Command::PickTerritory(t)),
            Outcome::Made(effects) => Some(super::Command::Changed(effects)),
        }
    }
}

/// Screen points between two lon/lat coordinates: how the edit functions measure what is
/// near the pointer.
fn apart(screen: &Screen) -> impl Fn(Coord<f64>, Coord<f64>) -> f64 + '_ {
    |a, b| screen.distance(a.into(), b.into())
}

/// The vertex of any territory within [`CATCH`] of a screen point, if there is one.
pub fn vertex_near(scenario: &Scenario, screen: &Screen, p: Pos2) -> Option<Coord<f64>> {
    edit::nearest_vertex(scenario, screen.to_lon_lat(p).into(), apart(screen))
        .filter(|(_, d)| *d <= CATCH)
        .map(|(c, _)| c)
}

impl Editing {
    /// Whether a drag of a vertex, a territory or a rep's home is under way.
    pub fn dragging(&self) -> bool {
        self.drag.is_some()
            || self.moving.is_some()
            || self.rep_drag.is_some()
            || self.stroke.is_some()
    }

    /// Switches tools, dropping any unfinished sketch.
    pub fn set_tool(&mut self, tool: Tool) {
        self.tool = tool;
        self.sketch.clear();
        self.over_handle = false;
        self.hover_unit = None;
    }

    /// Esc: drops a drag, a territory move or a rep-home drag (all back as they were), a
    /// sketch, or a pending drawing.
    pub fn cancel(&mut self, doc: &mut Session, map: &mut MapView) {
        if let Some(drag) = self.drag.take() {
            preview(doc, map, &drag.original);
        }
        if let Some(m) = self.moving.take() {
            preview(doc, map, &vec![(m.t, m.original)]);
        }
        if let Some(rep) = self.rep_drag.take() {
            doc.preview_rep_home(rep.id, rep.home_lon, rep.home_lat);
        }
        self.cancel_stroke(doc, map);
        self.baseline = None;
        self.sketch.clear();
        self.pending = None;
        self.lassoed = None;
    }

    /// Draws the sketch, and in Reshape the handles of the selected territory.
    pub fn paint(&self, ui: &egui::Ui, doc: &Session, screen: &Screen, selected: Option<usize>) {
        let painter = ui.painter().with_clip_rect(screen.rect);
        if !self.sketch.is_empty() {
            self.paint_sketch(ui, &painter, screen);
        }
        if self.tool == Tool::Paint {
            self.paint_hover(&painter, screen);
        }
        if self.tool != Tool::Reshape {
            return;
        }
        if let Some(territory) = selected.and_then(|t| doc.current()?.territories.get(t)) {
            reshape::paint_handles(&painter, screen, territory);
        }
    }
}

/// An edit, or why it was refused, as a gesture's outcome.
fn outcome(result: Result<crate::model::Edit, edit::Refusal>) -> Outcome {
    match result {
        Ok(e) => Outcome::Edit(e),
        Err(e) => Outcome::Refused(e.0),
    }
}

/// Shows areas in memory (live assignment included) without writing them.
fn preview(doc: &mut Session, map: &mut MapView, areas: &NewAreas) {
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

/// The territory of the scenario shown under a lon/lat point (the first in plan order, as
/// ownership breaks ties).
pub fn territory_at(session: &Session, at: crate::app::map::LonLat) -> Option<usize> {
    use geo::Contains;
    let point = geo::Point::new(at.lon, at.lat);
    session
        .current()?
        .territories
        .iter()
        .position(|t| t.geometry.contains(&point))
}

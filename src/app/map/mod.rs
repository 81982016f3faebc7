//! The map: offline basemap, territories, accounts and rep home bases, drawn with egui's
//! painter over a walkers map widget (which handles panning, zooming and the projection).
//!
//! This file keeps the map's state between frames and the order of drawing; the pieces live
//! beside it: `projection` (coordinate spaces), `shapes` (territories and land), `accounts`
//! (dots and aggregated cells) and `overlays` (markers, labels, scale bar).

mod accounts;
mod legend;
mod overlays;
mod projection;
mod shapes;
mod units;

use std::collections::HashMap;
use std::sync::{Arc, mpsc};

use egui::{Color32, Vec2};
use walkers::{MapMemory, Projector};

use crate::basemap::Basemap;
use crate::engine::live::LiveAssignment;
use crate::model::Colour;
use crate::model::{Project, Scenario};
use accounts::{Aggregate, MercatorAccounts};
pub use legend::paint_legend;
pub use overlays::paint_scale_bar;
pub use projection::{LonLat, LonLatBounds, Screen};
use projection::{MercatorRect, WORLD_PIXELS};
use shapes::MapShape;
pub use units::UnitsOnMap;

/// Colour of the sea, also the map's background.
pub const WATER: Color32 = Color32::from_rgb(0xc6, 0xdc, 0xec);

/// An egui colour from a model colour.
pub fn colour(c: Colour, alpha: u8) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgba_unmultiplied(r, g, b, alpha)
}

/// What is selected, for highlighting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Selected territory (scenario index).
    pub territory: Option<usize>,
    /// Selected account (row).
    pub account: Option<usize>,
}

/// What a map draws: one scenario of a project with its live assignment (which territory owns each account).
#[derive(Clone)]
pub struct ScenarioView<'a> {
    /// The project (accounts and reps).
    pub project: &'a Project,
    /// The scenario drawn, if there is one.
    pub scenario: Option<&'a Scenario>,
    /// Its assignment.
    pub assignment: &'a LiveAssignment,
    /// Account rows to ring (the accounts that change hands in the compare view).
    pub highlight: &'a [usize],
    /// Per territory: whether it has a warning (its label is marked); empty for none.
    pub warned: Vec<bool>,
}

/// What the map keeps between frames.
pub struct MapView {
    /// walkers' pan and zoom state.
    pub memory: MapMemory,
    /// Territories of the scenario shown, ready to draw, keyed by territory id.
    territory_shapes: HashMap<u32, MapShape>,
    /// Country parts, keyed by level of detail, country and part.
    land_shapes: HashMap<(u8, usize, usize), MapShape>,
    /// The account under the pointer (row), for the tooltip.
    pub hovered_account: Option<usize>,
    /// Pointer position in lon/lat.
    pub pointer: Option<LonLat>,
    /// Accounts' Web Mercator coordinates in grid position order, computed once per grid.
    mercator_accounts: Option<Arc<MercatorAccounts>>,
    /// A big project's projection running on another thread.
    projecting: Option<mpsc::Receiver<Arc<MercatorAccounts>>>,
    /// Accounts per screen cell, while zoomed out.
    aggregate: Option<Aggregate>,
    /// Whether `aggregate` was counted before the last change of owners.
    aggregate_stale: bool,
    /// A recount running on another thread.
    recount: Option<mpsc::Receiver<Aggregate>>,
    /// Accounts visible in the last frame.
    pub visible_accounts: usize,
    /// Whether the last frame aggregated accounts.
    pub aggregated: bool,
    /// Whether single account dots are sized by potential.
    pub size_by_potential: bool,
    /// The projection of the last frame (for tests and tools that need screen positions).
    pub last_screen: Option<Screen>,
    /// The unit layer to draw when the plan shown is not built from units (a plan of units
    /// always shows its own layer).
    pub unit_layer: Option<String>,
    /// What the units are coloured by, if anything.
    pub choropleth: Option<crate::units::stats::UnitMeasure>,
    /// The unit layer drawn, ready to draw.
    pub units: Option<UnitsOnMap>,
    /// The unit under the pointer, for the hover.
    pub hovered_unit: Option<u32>,
}

impl Default for MapView {
    fn default() -> Self {
        let mut memory = MapMemory::default();
        memory.center_at(LonLat::new(5.3, 52.2).into());
        let _ = memory.set_zoom(7.0);
        MapView {
            memory,
            territory_shapes: HashMap::new(),
            land_shapes: HashMap::new(),
            hovered_account: None,
            pointer: None,
            mercator_accounts: None,
            projecting: None,
            aggregate: None,
            aggregate_stale: false,
            recount: None,
            visible_accounts: 0,
            aggregated: false,
            size_by_potential: false,
            last_screen: None,
            unit_layer: None,
            choropleth: None,
            units: None,
            hovered_unit: None,
        }
    }
}

impl MapView {
    /// Forgets everything derived from the scenario shown (after it or the session
    /// changed). The accounts' projection stays while the grid it projected is shown.
    pub fn invalidate(&mut self) {
        self.territory_shapes.clear();
        self.aggregate = None;
        self.recount = None;
    }

    /// Forgets the territory drawings and recounts owners (after an edit, undo or redo).
    pub fn plan_edited(&mut self) {
        self.territory_shapes.clear();
        self.owners_changed();
    }

    /// Marks what depends on account ownership as out of date (after territories were
    /// edited); the aggregate keeps being drawn until its recount is ready.
    pub fn owners_changed(&mut self) {
        self.aggregate_stale = true;
    }

    /// Forgets the drawing of one territory (after its geometry changed).
    pub fn territory_changed(&mut self, id: u32) {
        self.territory_shapes.remove(&id);
        self.owners_changed();
    }

    /// Centres and zooms so that a lon/lat box fills a screen rectangle.
    pub fn fit(&mut self, bounds: LonLatBounds, size: Vec2) {
        let m = MercatorRect::from(bounds);
        let span = m
            .width()
            .max(1e-9)
            .max(m.height() * f64::from(size.x) / f64::from(size.y).max(1.0));
        let zoom = (f64::from(size.x) / (WORLD_PIXELS * span)).log2() - 0.15;
        self.memory.center_at(bounds.centre().into());
        let _ = self.memory.set_zoom(zoom.clamp(2.0, 18.0));
    }

    /// Draws everything for one frame; `basemap` is `None` when tiles are drawn instead.
    pub fn paint(
        &mut self,
        ui: &egui::Ui,
        projector: &Projector,
        doc: &ScenarioView<'_>,
        basemap: Option<&Basemap>,
        selection: Selection,
    ) {
        let screen = Screen::new(projector);
        self.last_screen = Some(screen);
        let painter = ui.painter().with_clip_rect(screen.rect);
        let mut budget = shapes::ShapeBudget::of_frame(ui.ctx());
        if let Some(basemap) = basemap {
            painter.rect_filled(screen.rect, 0.0, WATER);
            self.paint_land(&painter, &screen, basemap, projector.zoom(), &mut budget);
        }
        self.load_units(doc);
        let measure = self.choropleth.filter(|_| self.units.is_some());
        let mut legend = None;
        if let (Some(units), Some(measure)) = (&mut self.units, measure) {
            let stats = units.stats(
                &doc.project.accounts,
                &doc.project.settings,
                &doc.assignment.shared_grid(),
            );
            let breaks = units.paint_choropleth(&painter, &screen, &stats, measure, &mut budget);
            legend = Some((measure, breaks));
        }
        if let Some(scenario) = doc.scenario {
            self.paint_territories(
                &painter,
                &screen,
                scenario,
                selection.territory,
                &mut budget,
                measure.is_none(),
            );
        }
        if let Some(units) = &self.units {
            units.paint_outlines(&painter, &screen);
            units.paint_labels(&painter, &screen);
        }
        if budget.ran_out {
            ui.ctx().request_repaint();
        }
        self.pointer = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p))
            .map(|p| screen.to_lon_lat(p));
        self.hovered_unit = match (&self.units, ui.ctx().pointer_hover_pos()) {
            (Some(units), Some(p)) if screen.rect.contains(p) => units.unit_at(&screen, p),
            _ => None,
        };
        self.paint_accounts(ui, &painter, &screen, doc, projector.zoom());
        if let Some(row) = selection.account {
            overlays::paint_selected_account(&painter, &screen, doc, row);
        }
        overlays::paint_rings(&painter, &screen, doc);
        overlays::paint_reps(&painter, &screen, doc);
        if let Some(basemap) = basemap {
            overlays::paint_places(&painter, &screen, basemap, projector.zoom());
        }
        self.paint_territory_labels(&painter, &screen, doc, selection.territory);
        if let Some((measure, breaks)) = legend {
            units::paint_legend(&painter, &screen, measure, &breaks);
        }
    }

    /// Loads the unit layer to draw: the plan's own, else the one chosen in View (none when
    /// neither). A layer that cannot be read is not drawn.
    fn load_units(&mut self, doc: &ScenarioView<'_>) {
        let wanted = doc
            .scenario
            .and_then(|s| s.units.layer.clone())
            .or_else(|| self.unit_layer.clone());
        let Some(key) = wanted else {
            self.units = None;
            return;
        };
        if self.units.as_ref().is_some_and(|u| u.key() == key) {
            return;
        }
        self.units = crate::session::layer_in(doc.project, &key)
            .ok()
            .map(UnitsOnMap::new);
    }

    /// What the planner reads when hovering a unit: its name and code, inhabitants, the
    /// accounts and potential in it, and the territory holding it.
    pub fn unit_details(&mut self, session: &crate::session::Session, unit: u32) -> String {
        let Some(units) = &mut self.units else {
            return String::new();
        };
        let project = session.project();
        let stats = units.stats(
            &project.accounts,
            &project.settings,
            &session.assignment().shared_grid(),
        );
        let layer = &units.layer;
        let u = unit as usize;
        let Some(about) = layer.units.get(u) else {
            return String::new();
        };
        let scenario = session.current();
        let territory = match scenario.filter(|s| s.units.layer.as_deref() == Some(&layer.key)) {
            Some(s) => s
                .units
                .holder
                .get(&about.code)
                .and_then(|t| s.territory(*t))
                .map(|t| t.name.clone()),
            None => self
                .pointer
                .and_then(|p| super::tools::territory_at(session, p))
                .and_then(|t| Some(scenario?.territories.get(t)?.name.clone())),
        };
        let mut text = if about.name == about.code {
            format!("{} ({})", about.code, layer.title)
        } else {
            format!("{} {} ({})", about.code, about.name, layer.title)
        };
        if let Some(people) = about.inhabitants {
            text += &format!("\nInhabitants: {}", crate::numbers::whole(people));
        }
        text += &format!(
            "\nAccounts: {}   potential: EUR {}",
            crate::numbers::whole(stats.accounts[u] as f64),
            crate::numbers::whole(stats.potential[u])
        );
        text += &format!(
            "\nTerritory: {}",
            territory.unwrap_or_else(|| "none".to_owned())
        );
        text
    }
}

//! The map: offline basemap, territories, accounts and rep home bases, drawn with egui's
//! painter over a walkers map widget (which handles panning, zooming and the projection).

use std::collections::HashMap;
use std::sync::{Arc, mpsc};

use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke, Vec2, epaint::Vertex};
use geo::{Centroid, TriangulateEarcut};
use walkers::{MapMemory, Projector, lon_lat};

use crate::basemap::{Basemap, Detail};
use crate::engine::assign::NO_TERRITORY;
use crate::engine::index::AccountGrid;
use crate::engine::live::LivePlan;
use crate::model::Colour;
use crate::model::{Project, Scenario};

/// Web-map pixels of the whole world at zoom 0 (walkers' tile size).
const WORLD_PIXELS: f64 = 256.0;
/// Above this many visible accounts, accounts are drawn aggregated per screen cell.
pub const AGGREGATE_ABOVE: usize = 20_000;
/// Side of an aggregation cell, in points.
const BIN: f32 = 5.0;

/// Colours of the map.
pub const WATER: Color32 = Color32::from_rgb(0xc6, 0xdc, 0xec);
const LAND: Color32 = Color32::from_rgb(0xf2, 0xef, 0xe9);
const BORDER: Color32 = Color32::from_rgb(0xa0, 0x9a, 0x90);
const GAP: Color32 = Color32::from_rgb(0x80, 0x80, 0x80);

/// An egui colour from a model colour.
pub fn colour(c: Colour, alpha: u8) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgba_unmultiplied(r, g, b, alpha)
}

/// Web Mercator, normalised to 0..1 in both directions (y grows southwards).
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.05, 85.05).to_radians();
    (
        (lon + 180.0) / 360.0,
        (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0,
    )
}

/// Lon/lat of normalised Web Mercator coordinates.
fn inverse_mercator(x: f64, y: f64) -> (f64, f64) {
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees();
    (x * 360.0 - 180.0, lat)
}

/// Maps lon/lat to screen points for one frame, without going through walkers per point.
#[derive(Clone, Copy)]
pub struct Screen {
    /// Screen points per Mercator unit.
    scale: f64,
    origin_x: f64,
    origin_y: f64,
    /// The map's rectangle on screen.
    pub rect: Rect,
}

impl Screen {
    /// From walkers' projector for this frame.
    pub fn new(projector: &Projector) -> Screen {
        let rect = projector.clip_rect();
        let scale = WORLD_PIXELS * 2f64.powf(projector.zoom());
        let centre = projector.unproject(rect.center().to_vec2());
        let (cx, cy) = mercator(centre.x(), centre.y());
        Screen {
            scale,
            origin_x: f64::from(rect.center().x) - cx * scale,
            origin_y: f64::from(rect.center().y) - cy * scale,
            rect,
        }
    }

    /// Screen point of a lon/lat.
    #[inline]
    pub fn point(&self, lon: f64, lat: f64) -> Pos2 {
        let (x, y) = mercator(lon, lat);
        self.point_mercator(x, y)
    }

    /// Screen point of Web Mercator coordinates normalised to 0..1.
    #[inline]
    pub fn point_mercator(&self, x: f64, y: f64) -> Pos2 {
        Pos2::new(
            (self.origin_x + x * self.scale) as f32,
            (self.origin_y + y * self.scale) as f32,
        )
    }

    /// Normalised Web Mercator coordinates of a screen point.
    fn mercator(&self, p: Pos2) -> [f64; 2] {
        [
            (f64::from(p.x) - self.origin_x) / self.scale,
            (f64::from(p.y) - self.origin_y) / self.scale,
        ]
    }

    /// Lon/lat of a screen point.
    pub fn lon_lat(&self, p: Pos2) -> (f64, f64) {
        let [x, y] = self.mercator(p);
        inverse_mercator(x, y)
    }

    /// The lon/lat box the screen shows.
    pub fn view(&self) -> (f64, f64, f64, f64) {
        let (x0, y0) = self.lon_lat(self.rect.left_bottom());
        let (x1, y1) = self.lon_lat(self.rect.right_top());
        (x0, y0, x1, y1)
    }
}

/// A polygon (or several) ready to draw: triangles and outline rings in Web Mercator
/// (0..1), projected once when the geometry is first drawn, so that a frame only scales
/// and shifts them.
#[derive(Clone, Default)]
struct Shape2 {
    vertices: Vec<[f64; 2]>,
    indices: Vec<u32>,
    rings: Vec<Vec<[f64; 2]>>,
    /// Mercator box (min x, min y, max x, max y) for culling.
    bounds: [f64; 4],
    /// Where the label goes: the centroid of the largest part.
    label: Option<[f64; 2]>,
}

impl Shape2 {
    fn new(polygons: &[geo::Polygon<f64>]) -> Shape2 {
        let mut out = Shape2 {
            bounds: [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            ..Shape2::default()
        };
        let m = |c: geo::Coord<f64>| {
            let (x, y) = mercator(c.x, c.y);
            [x, y]
        };
        for polygon in polygons {
            let raw = polygon.earcut_triangles_raw();
            let base = out.vertices.len() as u32;
            out.vertices.extend(
                raw.vertices
                    .iter()
                    .map(|v| m(geo::coord! { x: v[0], y: v[1] })),
            );
            out.indices
                .extend(raw.triangle_indices.iter().map(|&i| base + i as u32));
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                out.rings.push(ring.coords().map(|&c| m(c)).collect());
            }
        }
        for [x, y] in out.rings.iter().flatten() {
            out.bounds = [
                out.bounds[0].min(*x),
                out.bounds[1].min(*y),
                out.bounds[2].max(*x),
                out.bounds[3].max(*y),
            ];
        }
        out.label = polygons
            .iter()
            .max_by(|a, b| geo::Area::unsigned_area(*a).total_cmp(&geo::Area::unsigned_area(*b)))
            .and_then(|p| p.centroid())
            .map(|c| m(c.0));
        out
    }

    fn visible(&self, screen: &Screen) -> bool {
        let min = screen.point_mercator(self.bounds[0], self.bounds[1]);
        let max = screen.point_mercator(self.bounds[2], self.bounds[3]);
        Rect::from_two_pos(min, max).intersects(screen.rect)
    }

    fn fill(&self, painter: &egui::Painter, screen: &Screen, colour: Color32) {
        let mesh = Mesh {
            vertices: self
                .vertices
                .iter()
                .map(|v| Vertex {
                    pos: screen.point_mercator(v[0], v[1]),
                    uv: egui::epaint::WHITE_UV,
                    color: colour,
                })
                .collect(),
            indices: self.indices.clone(),
            ..Mesh::default()
        };
        painter.add(Shape::mesh(mesh));
    }

    fn outline(&self, painter: &egui::Painter, screen: &Screen, stroke: Stroke) {
        let area = screen.rect.expand(stroke.width + 2.0);
        for ring in &self.rings {
            // Only the stretches that cross the screen are drawn, and points closer than
            // 1.5 points to the last one kept are dropped: at country zoom most of a detailed
            // border collapses, and tessellating what is off screen is wasted work.
            let mut line: Vec<Pos2> = Vec::new();
            let mut previous: Option<Pos2> = None;
            for v in ring {
                let p = screen.point_mercator(v[0], v[1]);
                let Some(q) = previous else {
                    previous = Some(p);
                    continue;
                };
                if (p - q).length_sq() < 2.25 {
                    continue;
                }
                if Rect::from_two_pos(p, q).intersects(area) {
                    if line.is_empty() {
                        line.push(q);
                    }
                    line.push(p);
                } else if !line.is_empty() {
                    painter.add(Shape::line(std::mem::take(&mut line), stroke));
                }
                previous = Some(p);
            }
            if line.len() >= 2 {
                painter.add(Shape::line(line, stroke));
            }
        }
    }
}

/// Size of an account's dot, relative to the standard one, when dots show potential: by
/// area, from 0.4 times the standard (no potential) to 4 times (the largest potential).
fn dot_scale(potential: Option<f64>, max_potential: f64) -> f32 {
    let share = potential.map_or(0.0, |v| v / max_potential);
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (0.4 + 3.6 * share).sqrt() as f32
}

/// Account dots, all in one mesh: a disc in the account's colour inside a ring (white, or
/// red for an overlap), with a soft outer edge. Drawing tens of thousands of them through
/// egui's general circle shapes costs several times more.
#[derive(Default)]
struct Dots {
    mesh: Mesh,
}

impl Dots {
    /// Corners of the octagons, on the unit circle.
    const CORNERS: [Vec2; 8] = {
        const D: f32 = std::f32::consts::FRAC_1_SQRT_2;
        [
            Vec2::new(1.0, 0.0),
            Vec2::new(D, D),
            Vec2::new(0.0, 1.0),
            Vec2::new(-D, D),
            Vec2::new(-1.0, 0.0),
            Vec2::new(-D, -D),
            Vec2::new(0.0, -1.0),
            Vec2::new(D, -D),
        ]
    };
    /// Radii of the disc, the ring's outer edge and the fading edge, in points.
    const RADII: [f32; 3] = [2.6, 3.5, 4.1];

    /// Adds a dot; `scale` multiplies its size (1 is the standard dot).
    fn add(&mut self, centre: Pos2, scale: f32, fill: Color32, ring: Color32) {
        let mesh = &mut self.mesh;
        let base = mesh.vertices.len() as u32;
        let vertex = |pos: Pos2, color: Color32| Vertex {
            pos,
            uv: egui::epaint::WHITE_UV,
            color,
        };
        mesh.vertices.push(vertex(centre, fill));
        let colours = [fill, ring, Color32::TRANSPARENT];
        for (radius, colour) in Self::RADII.into_iter().zip(colours) {
            let radius = radius * scale;
            for corner in Self::CORNERS {
                mesh.vertices.push(vertex(centre + corner * radius, colour));
            }
        }
        for k in 0..8u32 {
            let next = (k + 1) % 8;
            // The disc: a fan around the centre.
            mesh.indices
                .extend_from_slice(&[base, base + 1 + k, base + 1 + next]);
            // Two bands: disc edge to ring edge, ring edge to the faded edge.
            for band in 0..2u32 {
                let (inner, outer) = (base + 1 + 8 * band, base + 9 + 8 * band);
                mesh.indices.extend_from_slice(&[
                    inner + k,
                    outer + k,
                    outer + next,
                    inner + k,
                    outer + next,
                    inner + next,
                ]);
            }
        }
    }
}

/// Accounts counted per screen cell at one zoom, in Web Mercator so that panning reuses them.
/// Built over three view widths and heights around the view, so a pan rebuilds rarely.
struct Aggregate {
    /// The (quantised) zoom the cells were sized for.
    zoom: f64,
    /// Cell side in Mercator units.
    cell: f64,
    /// Mercator of the first cell's corner.
    origin: [f64; 2],
    cols: usize,
    rows: usize,
    /// Per cell: accounts, and the owner of the last one (its colour).
    cells: Vec<(u32, u32)>,
}

impl Aggregate {
    /// Whether these cells serve a frame at `zoom` showing the Mercator box `view`.
    fn serves(&self, zoom: f64, view: [f64; 4]) -> bool {
        self.zoom == zoom
            && view[0] >= self.origin[0]
            && view[1] >= self.origin[1]
            && view[2] <= self.origin[0] + self.cols as f64 * self.cell
            && view[3] <= self.origin[1] + self.rows as f64 * self.cell
    }
}

/// What is selected, for highlighting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Selected territory (scenario index).
    pub territory: Option<usize>,
    /// Selected account (row).
    pub account: Option<usize>,
}

/// What a map draws: one scenario of a project with its live plan.
#[derive(Clone, Copy)]
pub struct PlanView<'a> {
    /// The project (accounts and reps).
    pub project: &'a Project,
    /// The scenario drawn, if there is one.
    pub scenario: Option<&'a Scenario>,
    /// Its assignment.
    pub plan: &'a LivePlan,
    /// Account rows to ring (the accounts that change hands in the compare view).
    pub highlight: &'a [usize],
}

/// What the map keeps between frames.
pub struct MapView {
    /// walkers' pan and zoom state.
    pub memory: MapMemory,
    /// Territories of the scenario shown, ready to draw, keyed by territory id.
    territory_shapes: HashMap<u32, Shape2>,
    /// Country parts, keyed by level of detail, country and part.
    land_shapes: HashMap<(u8, usize, usize), Shape2>,
    /// The account under the pointer (row), for the tooltip.
    pub hovered_account: Option<usize>,
    /// Pointer position in lon/lat.
    pub pointer: Option<(f64, f64)>,
    /// Accounts' Web Mercator coordinates (0..1) in grid position order, computed once per
    /// document: projecting a million accounts per frame is then two multiply-adds each.
    mercator_accounts: Option<Arc<MercatorAccounts>>,
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
}

impl Default for MapView {
    fn default() -> Self {
        let mut memory = MapMemory::default();
        memory.center_at(lon_lat(5.3, 52.2));
        let _ = memory.set_zoom(7.0);
        MapView {
            memory,
            territory_shapes: HashMap::new(),
            land_shapes: HashMap::new(),
            hovered_account: None,
            pointer: None,
            mercator_accounts: None,
            aggregate: None,
            aggregate_stale: false,
            recount: None,
            visible_accounts: 0,
            aggregated: false,
            size_by_potential: false,
            last_screen: None,
        }
    }
}

impl MapView {
    /// Forgets everything derived from the document (after it or its scenario changed).
    pub fn invalidate(&mut self) {
        self.territory_shapes.clear();
        self.mercator_accounts = None;
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
    pub fn fit(&mut self, bounds: (f64, f64, f64, f64), size: Vec2) {
        let (x0, y0) = mercator(bounds.0, bounds.3);
        let (x1, y1) = mercator(bounds.2, bounds.1);
        let span = (x1 - x0)
            .max(1e-9)
            .max((y1 - y0) * f64::from(size.x) / f64::from(size.y).max(1.0));
        let zoom = (f64::from(size.x) / (WORLD_PIXELS * span)).log2() - 0.15;
        self.memory.center_at(lon_lat(
            (bounds.0 + bounds.2) / 2.0,
            (bounds.1 + bounds.3) / 2.0,
        ));
        let _ = self.memory.set_zoom(zoom.clamp(2.0, 18.0));
    }

    /// Draws everything for one frame; `basemap` is `None` when tiles are drawn instead.
    pub fn paint(
        &mut self,
        ui: &egui::Ui,
        projector: &Projector,
        doc: &PlanView<'_>,
        basemap: Option<&Basemap>,
        selection: Selection,
    ) {
        let screen = Screen::new(projector);
        self.last_screen = Some(screen);
        let painter = ui.painter().with_clip_rect(screen.rect);
        if let Some(basemap) = basemap {
            painter.rect_filled(screen.rect, 0.0, WATER);
            self.paint_land(&painter, &screen, basemap, projector.zoom());
        }
        self.paint_territories(&painter, &screen, doc, selection.territory);
        self.pointer = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p))
            .map(|p| screen.lon_lat(p));
        self.paint_accounts(ui, &painter, &screen, doc, projector.zoom());
        if let Some(row) = selection.account {
            let a = &doc.project.accounts;
            if let Some((lon, lat)) = a.lons().get(row).zip(a.lats().get(row)) {
                let p = screen.point(*lon, *lat);
                painter.circle_stroke(p, 7.0, Stroke::new(2.5, Color32::BLACK));
                painter.circle_stroke(p, 9.0, Stroke::new(1.5, Color32::WHITE));
            }
        }
        paint_rings(&painter, &screen, doc);
        paint_reps(&painter, &screen, doc);
        if let Some(basemap) = basemap {
            paint_places(&painter, &screen, basemap, projector.zoom());
        }
        self.paint_territory_labels(&painter, &screen, doc, selection.territory);
    }

    fn paint_land(
        &mut self,
        painter: &egui::Painter,
        screen: &Screen,
        basemap: &Basemap,
        zoom: f64,
    ) {
        let detail = Detail::for_zoom(zoom);
        let (x0, y0, x1, y1) = screen.view();
        let view = geo::Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 });
        let level = detail as u8;
        for (k, country) in basemap.countries(detail).iter().enumerate() {
            if !intersects(&country.bounds, &view) {
                continue;
            }
            // Cull part by part: a country's box may reach across oceans (France, the
            // Netherlands with their overseas parts) while only one part is on screen.
            for (part, polygon) in country.polygons.iter().enumerate() {
                let shape = self
                    .land_shapes
                    .entry((level, k, part))
                    .or_insert_with(|| Shape2::new(std::slice::from_ref(polygon)));
                if shape.visible(screen) {
                    shape.fill(painter, screen, LAND);
                    shape.outline(painter, screen, Stroke::new(0.8, BORDER));
                }
            }
        }
    }

    fn paint_territories(
        &mut self,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &PlanView<'_>,
        selected: Option<usize>,
    ) {
        let Some(scenario) = doc.scenario else {
            return;
        };
        for (t, territory) in scenario.territories.iter().enumerate() {
            let is_selected = selected == Some(t);
            let shape = self
                .territory_shapes
                .entry(territory.id.0)
                .or_insert_with(|| Shape2::new(&territory.geometry.0));
            if !shape.visible(screen) {
                continue;
            }
            shape.fill(
                painter,
                screen,
                colour(territory.colour, if is_selected { 110 } else { 60 }),
            );
            let stroke = if is_selected {
                Stroke::new(3.0, Color32::from_rgb(20, 20, 20))
            } else {
                Stroke::new(1.5, colour(territory.colour, 255))
            };
            shape.outline(painter, screen, stroke);
        }
    }

    fn paint_accounts(
        &mut self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &PlanView<'_>,
        zoom: f64,
    ) {
        let plan = &doc.plan;
        let grid = plan.grid();
        let owners = plan.owners_by_position();
        let territory_colours: Vec<Color32> = doc
            .scenario
            .map(|s| {
                s.territories
                    .iter()
                    .map(|t| colour(t.colour, 255))
                    .collect()
            })
            .unwrap_or_default();
        let owner_colour = |o: u32| territory_colours.get(o as usize).copied().unwrap_or(GAP);
        let accounts = Arc::clone(self.mercator_accounts.get_or_insert_with(|| {
            let (x, y) = grid
                .xs()
                .iter()
                .zip(grid.ys())
                .map(|(&x, &y)| mercator(x, y))
                .unzip();
            let max_potential = doc
                .project
                .accounts
                .potentials()
                .iter()
                .copied()
                .filter(|p| p.is_finite())
                .fold(0.0, f64::max);
            Arc::new(MercatorAccounts {
                x,
                y,
                max_potential,
            })
        }));
        let (mx, my) = (&accounts.x, &accounts.y);
        let view = screen.view();
        self.visible_accounts = grid.count_in(view);
        self.aggregated = self.visible_accounts > AGGREGATE_ABOVE;
        self.hovered_account = None;
        if self.aggregated {
            // Cells sized for zoom steps of a quarter: between steps a cell grows from 5 to
            // 6 points instead of being recounted every frame of a zoom.
            let zoom = (zoom * 4.0).floor() / 4.0;
            let (a, b) = (
                screen.mercator(screen.rect.min),
                screen.mercator(screen.rect.max),
            );
            let view_mercator = [a[0], a[1], b[0], b[1]];
            if let Some(ready) = self.recount.as_ref().and_then(|r| r.try_recv().ok()) {
                self.aggregate = Some(ready);
                self.recount = None;
            }
            let current = self.aggregate.as_ref();
            if current.is_none_or(|g| !g.serves(zoom, view_mercator)) || self.aggregate_stale {
                let job = AggregateJob {
                    grid: doc.plan.shared_grid(),
                    accounts: Arc::clone(&accounts),
                    owners: owners.to_vec(),
                    zoom,
                    view: view_mercator,
                };
                self.aggregate_stale = false;
                if current.is_none() {
                    // Nothing to show yet: count now.
                    self.aggregate = Some(job.run());
                } else if self.recount.is_none() {
                    // Recount on another thread; the old cells, scaled to the new zoom, stand
                    // in for a frame or two. A recount costs milliseconds per million accounts,
                    // too much for every frame of a zoom or a drag.
                    let (send, receive) = mpsc::channel();
                    self.recount = Some(receive);
                    let ctx = ui.ctx().clone();
                    rayon::spawn(move || {
                        let _ = send.send(job.run());
                        ctx.request_repaint();
                    });
                } else {
                    // A recount is running; ask again when it is in.
                    self.aggregate_stale = true;
                }
            }
            if let Some(g) = &self.aggregate {
                paint_cells(painter, screen, g, view_mercator, &owner_colour);
            }
            return;
        }
        let pointer = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p));
        let mut nearest = (6.0f32, None);
        let mut dots = Dots::default();
        let potentials = doc.project.accounts.potentials();
        let size_by_potential = self.size_by_potential && accounts.max_potential > 0.0;
        grid.for_each_in(view, |p| {
            let s = screen.point_mercator(mx[p], my[p]);
            let row = grid.row(p);
            let scale = if size_by_potential {
                dot_scale(potentials.get(row).copied(), accounts.max_potential)
            } else {
                1.0
            };
            if plan.is_gap(row) {
                dots.add(s, scale, GAP, Color32::WHITE);
            } else if plan.is_overlap(row) {
                dots.add(s, scale, owner_colour(owners[p]), Color32::RED);
            } else {
                dots.add(s, scale, owner_colour(owners[p]), Color32::WHITE);
            }
            if let Some(ptr) = pointer {
                let d = ptr.distance(s);
                if d < nearest.0 {
                    nearest = (d, Some(row));
                }
            }
        });
        self.hovered_account = nearest.1;
        painter.add(Shape::mesh(dots.mesh));
    }

    /// Territory names and reps, on a light plate so they stay readable over accounts and
    /// places. A plate that would cover one already placed is left out (the selected
    /// territory's goes first), so a zoomed-out map of a hundred territories stays legible.
    fn paint_territory_labels(
        &self,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &PlanView<'_>,
        selected: Option<usize>,
    ) {
        let Some(scenario) = doc.scenario else {
            return;
        };
        let order = selected
            .into_iter()
            .chain((0..scenario.territories.len()).filter(|&t| Some(t) != selected));
        let mut placed: Vec<Rect> = Vec::new();
        for territory in order.filter_map(|t| scenario.territories.get(t)) {
            let Some([x, y]) = self
                .territory_shapes
                .get(&territory.id.0)
                .and_then(|s| s.label)
            else {
                continue;
            };
            let centre = screen.point_mercator(x, y);
            if !screen.rect.expand(100.0).contains(centre) {
                continue;
            }
            let rep = territory
                .rep
                .and_then(|r| doc.project.rep(r))
                .map_or("no rep", |r| r.name.as_str());
            // Name and rep; where that does not fit, the name alone; else nothing.
            let plates = [format!("{}\n{rep}", territory.name), territory.name.clone()];
            let Some((galley, rect)) = plates.into_iter().find_map(|text| {
                let galley = painter.layout(
                    text,
                    egui::FontId::proportional(14.0),
                    Color32::from_rgb(25, 25, 25),
                    f32::INFINITY,
                );
                let rect = Rect::from_center_size(centre, galley.size()).expand(4.0);
                (!placed.iter().any(|r| r.intersects(rect))).then_some((galley, rect))
            }) else {
                continue;
            };
            placed.push(rect);
            painter.rect_filled(
                rect,
                4.0,
                Color32::from_rgba_unmultiplied(255, 255, 255, 200),
            );
            painter.rect_stroke(
                rect,
                4.0,
                Stroke::new(1.5, colour(territory.colour, 255)),
                egui::StrokeKind::Inside,
            );
            painter.galley(rect.min + Vec2::splat(4.0), galley, Color32::BLACK);
        }
    }
}

/// Accounts' normalised Web Mercator coordinates, in grid position order.
struct MercatorAccounts {
    x: Vec<f64>,
    y: Vec<f64>,
    /// The largest potential of any account, for sizing dots by potential.
    max_potential: f64,
}

/// What a count of accounts per cell needs, owned so that it can run on another thread.
struct AggregateJob {
    grid: Arc<AccountGrid>,
    accounts: Arc<MercatorAccounts>,
    owners: Vec<u32>,
    zoom: f64,
    view: [f64; 4],
}

impl AggregateJob {
    /// Counts accounts per cell over three view widths and heights around the view. The two
    /// halves of the area are counted on two threads and merged.
    fn run(&self) -> Aggregate {
        let view = self.view;
        let cell = f64::from(BIN) / (WORLD_PIXELS * 2f64.powf(self.zoom));
        let (w, h) = (view[2] - view[0], view[3] - view[1]);
        let x0 = ((view[0] - w).max(0.0) / cell).floor() * cell;
        let y0 = ((view[1] - h).max(0.0) / cell).floor() * cell;
        let x1 = (view[2] + w).min(1.0);
        let y1 = (view[3] + h).min(1.0);
        let cols = ((x1 - x0) / cell).ceil() as usize + 1;
        let rows = ((y1 - y0) / cell).ceil() as usize + 1;
        let (lon0, lat1) = inverse_mercator(x0, y0);
        let (lon1, lat0) = inverse_mercator(x1, y1);
        let per_cell = 1.0 / cell;
        let (mx, my, owners) = (&self.accounts.x, &self.accounts.y, &self.owners);
        let count = |lat_min: f64, lat_max: f64| {
            let mut cells = vec![(0u32, NO_TERRITORY); cols * rows];
            self.grid.for_each_in((lon0, lat_min, lon1, lat_max), |p| {
                let c = ((mx[p] - x0) * per_cell) as usize;
                let r = ((my[p] - y0) * per_cell) as usize;
                if c < cols
                    && r < rows
                    && let Some(slot) = cells.get_mut(r * cols + c)
                {
                    *slot = (slot.0 + 1, owners[p]);
                }
            });
            cells
        };
        // The box query includes both edges: the upper half starts just above the split.
        let split = (lat0 + lat1) / 2.0;
        let (mut cells, upper) =
            rayon::join(|| count(lat0, split), || count(split.next_up(), lat1));
        for (slot, other) in cells.iter_mut().zip(upper) {
            if other.0 > 0 {
                *slot = (slot.0 + other.0, other.1);
            }
        }
        Aggregate {
            zoom: self.zoom,
            cell,
            origin: [x0, y0],
            cols,
            rows,
            cells,
        }
    }
}

/// Draws the cells of an aggregate that fall in `view` (Mercator) as one mesh: one small
/// square per cell in the colour of its last account, more opaque where more accounts are.
fn paint_cells(
    painter: &egui::Painter,
    screen: &Screen,
    g: &Aggregate,
    view: [f64; 4],
    owner_colour: &dyn Fn(u32) -> Color32,
) {
    let c0 = (((view[0] - g.origin[0]) / g.cell).floor().max(0.0) as usize).min(g.cols);
    let c1 = (((view[2] - g.origin[0]) / g.cell).ceil() as usize + 1).min(g.cols);
    let r0 = (((view[1] - g.origin[1]) / g.cell).floor().max(0.0) as usize).min(g.rows);
    let r1 = (((view[3] - g.origin[1]) / g.cell).ceil() as usize + 1).min(g.rows);
    let side = (g.cell * screen.scale) as f32 - 1.0;
    let mut mesh = Mesh::default();
    for r in r0..r1 {
        for c in c0..c1 {
            let (count, owner) = g.cells[r * g.cols + c];
            if count == 0 {
                continue;
            }
            let min = screen.point_mercator(
                g.origin[0] + c as f64 * g.cell,
                g.origin[1] + r as f64 * g.cell,
            );
            let alpha = (90.0 + 40.0 * (count as f32).ln()).min(255.0) as u8;
            let colour = owner_colour(owner);
            mesh.add_colored_rect(
                Rect::from_min_size(min, Vec2::splat(side)),
                Color32::from_rgba_unmultiplied(colour.r(), colour.g(), colour.b(), alpha),
            );
        }
    }
    painter.add(Shape::mesh(mesh));
}

fn intersects(a: &geo::Rect<f64>, b: &geo::Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && a.max().x >= b.min().x
        && a.min().y <= b.max().y
        && a.max().y >= b.min().y
}

/// Rings drawn at most (more would hide the map).
const MAX_RINGS: usize = 20_000;
/// Ring colour of highlighted accounts.
const RING: Color32 = Color32::from_rgb(230, 90, 0);

/// Rings on the highlighted accounts that are on screen, under the labels.
fn paint_rings(painter: &egui::Painter, screen: &Screen, doc: &PlanView<'_>) {
    let (lons, lats) = (doc.project.accounts.lons(), doc.project.accounts.lats());
    let on_screen = doc
        .highlight
        .iter()
        .filter_map(|&row| Some(screen.point(*lons.get(row)?, *lats.get(row)?)))
        .filter(|p| screen.rect.contains(*p));
    for p in on_screen.take(MAX_RINGS) {
        painter.circle_stroke(p, 4.5, Stroke::new(1.5, RING));
    }
}

fn paint_reps(painter: &egui::Painter, screen: &Screen, doc: &PlanView<'_>) {
    for rep in &doc.project.reps {
        let p = screen.point(rep.home_lon, rep.home_lat);
        // A house: a square with a roof, in the rep's colour.
        let c = colour(rep.colour, 255);
        painter.rect_filled(
            Rect::from_center_size(p + Vec2::new(0.0, 3.0), Vec2::splat(10.0)),
            1.0,
            c,
        );
        painter.add(Shape::convex_polygon(
            vec![
                p + Vec2::new(-8.0, -1.0),
                p + Vec2::new(0.0, -9.0),
                p + Vec2::new(8.0, -1.0),
            ],
            c,
            Stroke::new(1.0, Color32::WHITE),
        ));
    }
}

fn paint_places(painter: &egui::Painter, screen: &Screen, basemap: &Basemap, zoom: f64) {
    // Bigger places first; fewer labels when zoomed out.
    let min_population = match zoom {
        z if z < 4.0 => 2_000_000,
        z if z < 6.0 => 500_000,
        z if z < 7.5 => 100_000,
        z if z < 9.0 => 30_000,
        _ => 0,
    };
    let mut placed: Vec<Rect> = Vec::new();
    for place in basemap
        .places()
        .iter()
        .take_while(|p| p.population >= min_population)
    {
        let p = screen.point(place.lon, place.lat);
        if !screen.rect.contains(p) {
            continue;
        }
        let rect = Rect::from_min_size(
            p + Vec2::new(4.0, -7.0),
            Vec2::new(7.0 * place.name.len() as f32, 14.0),
        );
        if placed.iter().any(|r| r.intersects(rect)) || placed.len() > 60 {
            continue;
        }
        placed.push(rect);
        painter.circle_filled(p, 2.0, Color32::from_gray(70));
        painter.text(
            p + Vec2::new(4.0, 0.0),
            egui::Align2::LEFT_CENTER,
            &place.name,
            egui::FontId::proportional(11.0),
            Color32::from_gray(60),
        );
    }
}

/// A scale bar in the map's bottom-left corner: a round length that fits about 120 points.
pub fn paint_scale_bar(ui: &egui::Ui, projector: &Projector) {
    let rect = projector.clip_rect();
    let centre = projector.unproject(rect.center().to_vec2());
    // Web Mercator metres per screen point at the centre's latitude.
    let metres_per_point = centre.y().to_radians().cos() * 2.0 * std::f64::consts::PI * 6_378_137.0
        / (WORLD_PIXELS * 2f64.powf(projector.zoom()));
    if !metres_per_point.is_finite() || metres_per_point <= 0.0 {
        return;
    }
    let target = 120.0 * metres_per_point;
    let magnitude = 10f64.powf(target.log10().floor());
    let length = [5.0, 2.0, 1.0]
        .iter()
        .map(|f| f * magnitude)
        .find(|l| *l <= target)
        .unwrap_or(magnitude);
    let width = (length / metres_per_point) as f32;
    let start = rect.left_bottom() + Vec2::new(12.0, -14.0);
    let painter = ui.painter();
    let stroke = Stroke::new(2.0, Color32::from_gray(40));
    painter.rect_filled(
        Rect::from_min_max(
            start + Vec2::new(-4.0, -18.0),
            start + Vec2::new(width + 4.0, 6.0),
        ),
        3.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 190),
    );
    painter.line_segment([start, start + Vec2::new(width, 0.0)], stroke);
    painter.line_segment([start, start + Vec2::new(0.0, -5.0)], stroke);
    painter.line_segment(
        [
            start + Vec2::new(width, 0.0),
            start + Vec2::new(width, -5.0),
        ],
        stroke,
    );
    let text = if length >= 1000.0 {
        format!("{} km", length / 1000.0)
    } else {
        format!("{length} m")
    };
    painter.text(
        start + Vec2::new(width / 2.0, -9.0),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(11.0),
        Color32::from_gray(30),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_grow_with_potential_within_bounds() {
        let max = 2_000_000.0;
        let sizes: Vec<f32> = [0.0, 10_000.0, 500_000.0, 2_000_000.0]
            .into_iter()
            .map(|p| dot_scale(Some(p), max))
            .collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
        assert!((sizes[0] - 0.4f32.sqrt()).abs() < 1e-6);
        assert!((sizes[3] - 2.0).abs() < 1e-6, "largest has 4x the area");
        // Bad data never makes a dot vanish or explode.
        for bad in [Some(f64::NAN), Some(-5.0), Some(9e9), None] {
            let s = dot_scale(bad, max);
            assert!((0.6..=2.0).contains(&s), "{bad:?} -> {s}");
        }
        assert_eq!(dot_scale(Some(1.0), 0.0), 0.4f32.sqrt());
    }
}

//! The map: offline basemap, territories, accounts and rep home bases, drawn with egui's
//! painter over a walkers map widget (which handles panning, zooming and the projection).

use std::collections::HashMap;

use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke, Vec2, epaint::Vertex};
use geo::{Centroid, TriangulateEarcut};
use walkers::{MapMemory, Projector, lon_lat};

use super::document::Document;
use crate::basemap::{Basemap, Detail};
use crate::engine::assign::NO_TERRITORY;
use crate::model::Colour;

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

/// Maps lon/lat to screen points for one frame, without going through walkers per point.
#[derive(Clone, Copy)]
pub struct Screen {
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

    /// Lon/lat of a screen point.
    pub fn lon_lat(&self, p: Pos2) -> (f64, f64) {
        let x = (f64::from(p.x) - self.origin_x) / self.scale;
        let y = (f64::from(p.y) - self.origin_y) / self.scale;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
            .sinh()
            .atan()
            .to_degrees();
        (x * 360.0 - 180.0, lat)
    }

    /// The lon/lat box the screen shows.
    pub fn view(&self) -> (f64, f64, f64, f64) {
        let (x0, y0) = self.lon_lat(self.rect.left_bottom());
        let (x1, y1) = self.lon_lat(self.rect.right_top());
        (x0, y0, x1, y1)
    }
}

/// A triangulated polygon, in lon/lat, ready to be projected each frame.
#[derive(Clone, Default)]
struct Triangles {
    vertices: Vec<[f64; 2]>,
    indices: Vec<u32>,
}

fn triangulate(polygons: &[geo::Polygon<f64>]) -> Triangles {
    let mut out = Triangles::default();
    for polygon in polygons {
        let raw = polygon.earcut_triangles_raw();
        let base = out.vertices.len() as u32;
        out.vertices.extend(raw.vertices);
        out.indices
            .extend(raw.triangle_indices.iter().map(|&i| base + i as u32));
    }
    out
}

fn fill(painter: &egui::Painter, screen: &Screen, triangles: &Triangles, colour: Color32) {
    let mesh = Mesh {
        vertices: triangles
            .vertices
            .iter()
            .map(|v| Vertex {
                pos: screen.point(v[0], v[1]),
                uv: egui::epaint::WHITE_UV,
                color: colour,
            })
            .collect(),
        indices: triangles.indices.clone(),
        ..Mesh::default()
    };
    painter.add(Shape::mesh(mesh));
}

fn outline(painter: &egui::Painter, screen: &Screen, ring: &geo::LineString<f64>, stroke: Stroke) {
    let points: Vec<Pos2> = ring.coords().map(|c| screen.point(c.x, c.y)).collect();
    painter.add(Shape::closed_line(points, stroke));
}

/// What the map keeps between frames.
pub struct MapView {
    /// walkers' pan and zoom state.
    pub memory: MapMemory,
    /// Triangulated territories of the scenario shown, keyed by territory id.
    territory_meshes: HashMap<u32, Triangles>,
    /// Triangulated country parts, keyed by level of detail, country and part.
    land_meshes: HashMap<(u8, usize, usize), Triangles>,
    /// The account under the pointer (row), for the tooltip.
    pub hovered_account: Option<usize>,
    /// Pointer position in lon/lat.
    pub pointer: Option<(f64, f64)>,
    /// Accounts' Web Mercator coordinates (0..1) in grid position order, computed once per
    /// document: projecting a million accounts per frame is then two multiply-adds each.
    mercator_accounts: Option<(Vec<f64>, Vec<f64>)>,
    /// Accounts visible in the last frame, and whether they were aggregated.
    pub visible_accounts: usize,
    /// Whether the last frame aggregated accounts.
    pub aggregated: bool,
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
            territory_meshes: HashMap::new(),
            land_meshes: HashMap::new(),
            hovered_account: None,
            pointer: None,
            mercator_accounts: None,
            visible_accounts: 0,
            aggregated: false,
            last_screen: None,
        }
    }
}

impl MapView {
    /// Forgets cached territory meshes (after the document or scenario changed).
    pub fn invalidate(&mut self) {
        self.territory_meshes.clear();
        self.mercator_accounts = None;
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

    /// Draws everything for one frame.
    pub fn paint(
        &mut self,
        ui: &egui::Ui,
        projector: &Projector,
        doc: &Document,
        basemap: Option<&Basemap>,
        selected: Option<usize>,
    ) {
        let screen = Screen::new(projector);
        self.last_screen = Some(screen);
        let painter = ui.painter().with_clip_rect(screen.rect);
        painter.rect_filled(screen.rect, 0.0, WATER);
        if let Some(basemap) = basemap {
            self.paint_land(&painter, &screen, basemap, projector.zoom());
        }
        self.paint_territories(&painter, &screen, doc, selected);
        self.paint_accounts(ui, &painter, &screen, doc);
        paint_reps(&painter, &screen, doc);
        if let Some(basemap) = basemap {
            paint_places(&painter, &screen, basemap, projector.zoom());
        }
        paint_territory_labels(&painter, &screen, doc);
        self.pointer = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p))
            .map(|p| screen.lon_lat(p));
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
                let Some(bounds) = geo::BoundingRect::bounding_rect(polygon) else {
                    continue;
                };
                if !intersects(&bounds, &view) {
                    continue;
                }
                let mesh = self
                    .land_meshes
                    .entry((level, k, part))
                    .or_insert_with(|| triangulate(std::slice::from_ref(polygon)));
                fill(painter, screen, mesh, LAND);
                outline(
                    painter,
                    screen,
                    polygon.exterior(),
                    Stroke::new(0.8, BORDER),
                );
            }
        }
    }

    fn paint_territories(
        &mut self,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &Document,
        selected: Option<usize>,
    ) {
        let Some(scenario) = doc.current() else {
            return;
        };
        for (t, territory) in scenario.territories.iter().enumerate() {
            let is_selected = selected == Some(t);
            let mesh = self
                .territory_meshes
                .entry(territory.id.0)
                .or_insert_with(|| triangulate(&territory.geometry.0));
            fill(
                painter,
                screen,
                mesh,
                colour(territory.colour, if is_selected { 110 } else { 60 }),
            );
            let stroke = if is_selected {
                Stroke::new(3.0, Color32::from_rgb(20, 20, 20))
            } else {
                Stroke::new(1.5, colour(territory.colour, 255))
            };
            for polygon in &territory.geometry.0 {
                outline(painter, screen, polygon.exterior(), stroke);
                for hole in polygon.interiors() {
                    outline(painter, screen, hole, stroke);
                }
            }
        }
    }

    fn paint_accounts(
        &mut self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        screen: &Screen,
        doc: &Document,
    ) {
        let plan = &doc.plan;
        let grid = plan.grid();
        let owners = plan.owners_by_position();
        let (xs, ys) = (grid.xs(), grid.ys());
        let territory_colours: Vec<Color32> = doc
            .current()
            .map(|s| {
                s.territories
                    .iter()
                    .map(|t| colour(t.colour, 255))
                    .collect()
            })
            .unwrap_or_default();
        let owner_colour = |o: u32| territory_colours.get(o as usize).copied().unwrap_or(GAP);
        let (mx, my) = self
            .mercator_accounts
            .get_or_insert_with(|| xs.iter().zip(ys).map(|(&x, &y)| mercator(x, y)).unzip());
        let (mx, my) = (&*mx, &*my);
        let mut visible = Vec::new();
        grid.for_each_in(screen.view(), |p| visible.push(p));
        self.visible_accounts = visible.len();
        self.aggregated = visible.len() > AGGREGATE_ABOVE;
        self.hovered_account = None;
        if self.aggregated {
            // One small square per screen cell, in the colour of its last account, more opaque
            // where more accounts are.
            let cols = (screen.rect.width() / BIN).ceil() as usize + 1;
            let rows = (screen.rect.height() / BIN).ceil() as usize + 1;
            let mut bins: Vec<(u32, u32)> = vec![(0, NO_TERRITORY); cols * rows];
            for &p in &visible {
                let s = screen.point_mercator(mx[p], my[p]) - screen.rect.min;
                if s.x >= 0.0 && s.y >= 0.0 {
                    let k = (s.y / BIN) as usize * cols + (s.x / BIN) as usize;
                    if let Some(bin) = bins.get_mut(k) {
                        *bin = (bin.0 + 1, owners[p]);
                    }
                }
            }
            for (k, &(count, owner)) in bins.iter().enumerate().filter(|(_, b)| b.0 > 0) {
                let min =
                    screen.rect.min + Vec2::new((k % cols) as f32 * BIN, (k / cols) as f32 * BIN);
                let alpha = (90.0 + 40.0 * (count as f32).ln()).min(255.0) as u8;
                let c = owner_colour(owner);
                painter.rect_filled(
                    Rect::from_min_size(min, Vec2::splat(BIN - 1.0)),
                    0.0,
                    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), alpha),
                );
            }
            return;
        }
        let pointer = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| screen.rect.contains(*p));
        let mut nearest = (6.0f32, None);
        for &p in &visible {
            let s = screen.point_mercator(mx[p], my[p]);
            let row = grid.row(p);
            let (fill_colour, ring) = if plan.is_gap(row) {
                (GAP, None)
            } else if plan.is_overlap(row) {
                (
                    owner_colour(owners[p]),
                    Some(Stroke::new(1.5, Color32::RED)),
                )
            } else {
                (owner_colour(owners[p]), None)
            };
            painter.circle(
                s,
                3.0,
                fill_colour,
                ring.unwrap_or(Stroke::new(0.6, Color32::WHITE)),
            );
            if let Some(ptr) = pointer {
                let d = ptr.distance(s);
                if d < nearest.0 {
                    nearest = (d, Some(row));
                }
            }
        }
        self.hovered_account = nearest.1;
    }
}

fn intersects(a: &geo::Rect<f64>, b: &geo::Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && a.max().x >= b.min().x
        && a.min().y <= b.max().y
        && a.max().y >= b.min().y
}

fn paint_reps(painter: &egui::Painter, screen: &Screen, doc: &Document) {
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

/// Territory names and reps, on a light plate so they stay readable over accounts and places.
fn paint_territory_labels(painter: &egui::Painter, screen: &Screen, doc: &Document) {
    let Some(scenario) = doc.current() else {
        return;
    };
    for territory in &scenario.territories {
        // The largest part's centroid: a multipart territory is labelled once, on its main part.
        let Some(c) = territory
            .geometry
            .0
            .iter()
            .max_by(|a, b| geo::Area::unsigned_area(*a).total_cmp(&geo::Area::unsigned_area(*b)))
            .and_then(|p| p.centroid())
        else {
            continue;
        };
        let rep = territory
            .rep
            .and_then(|r| doc.project.rep(r))
            .map_or("no rep", |r| r.name.as_str());
        let galley = painter.layout(
            format!("{}\n{rep}", territory.name),
            egui::FontId::proportional(14.0),
            Color32::from_rgb(25, 25, 25),
            f32::INFINITY,
        );
        let rect = Rect::from_center_size(screen.point(c.x(), c.y()), galley.size()).expand(4.0);
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

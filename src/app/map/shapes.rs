//! Territories and land as triangulated shapes in Web Mercator, and their drawing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::{Duration, Instant};

use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke, epaint::Vertex};
use geo::{Centroid, TriangulateEarcut};

use super::projection::{LonLat, Mercator, MercatorRect, Screen};
use super::{MapView, colour};
use crate::basemap::{Basemap, Detail};
use crate::model::Scenario;

/// How long one frame may spend triangulating shapes it has not drawn before: a map showing
/// a big plan for the first time (two maps of 110 territories in the compare view, the
/// basemap's countries at a new level of detail) fills in over a few frames instead of
/// stalling one frame for 100 ms or more.
const SHAPE_BUDGET: Duration = Duration::from_millis(20);

/// What is left of a frame's [`SHAPE_BUDGET`]. One budget for the whole frame, shared by
/// every map drawn in it (the compare view draws two): it is kept in egui's memory with the
/// frame's number.
pub(super) struct ShapeBudget {
    until: Instant,
    /// Whether a shape was left for a later frame (which must then be asked for).
    pub(super) ran_out: bool,
}

impl ShapeBudget {
    /// The budget of the frame `ctx` is drawing: the rest of it, for the second map.
    pub(super) fn of_frame(ctx: &egui::Context) -> ShapeBudget {
        let frame = ctx.cumulative_frame_nr();
        let id = egui::Id::unique("map shape budget");
        let until = ctx.data_mut(|d| {
            let (at, until) =
                d.get_temp_mut_or_insert_with(id, || (frame, Instant::now() + SHAPE_BUDGET));
            if *at != frame {
                (*at, *until) = (frame, Instant::now() + SHAPE_BUDGET);
            }
            *until
        });
        ShapeBudget {
            until,
            ran_out: false,
        }
    }

    /// The shape cached under `key`, built now by `make` if the budget allows.
    pub(super) fn get_or_build<'a, K: std::hash::Hash + Eq>(
        &mut self,
        cache: &'a mut HashMap<K, MapShape>,
        key: K,
        make: impl FnOnce() -> MapShape,
    ) -> Option<&'a MapShape> {
        match cache.entry(key) {
            Entry::Occupied(built) => Some(built.into_mut()),
            Entry::Vacant(_) if Instant::now() >= self.until => {
                self.ran_out = true;
                None
            }
            Entry::Vacant(slot) => Some(slot.insert(make())),
        }
    }
}

/// Colours of the basemap's land and borders.
const LAND: Color32 = Color32::from_rgb(0xf2, 0xef, 0xe9);
const BORDER: Color32 = Color32::from_rgb(0xa0, 0x9a, 0x90);

/// A polygon (or several) ready to draw: triangles and outline rings in Web Mercator,
/// projected once when the geometry is first drawn, so that a frame only scales and shifts
/// them.
#[derive(Clone)]
pub(super) struct MapShape {
    vertices: Vec<Mercator>,
    indices: Vec<u32>,
    rings: Vec<Vec<Mercator>>,
    /// For culling.
    bounds: MercatorRect,
    /// Where the label goes: the centroid of the largest part.
    pub(super) label: Option<Mercator>,
}

impl MapShape {
    /// Triangulates and projects polygons in lon/lat.
    pub(super) fn new(polygons: &[geo::Polygon<f64>]) -> MapShape {
        let mut out = MapShape {
            vertices: Vec::new(),
            indices: Vec::new(),
            rings: Vec::new(),
            bounds: MercatorRect::NOTHING,
            label: None,
        };
        let m = |c: geo::Coord<f64>| Mercator::from(LonLat::from(c));
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
        for p in out.rings.iter().flatten() {
            out.bounds.include(*p);
        }
        out.label = polygons
            .iter()
            .max_by(|a, b| geo::Area::unsigned_area(*a).total_cmp(&geo::Area::unsigned_area(*b)))
            .and_then(|p| p.centroid())
            .map(|c| m(c.0));
        out
    }

    /// Whether any of it may be on screen.
    fn visible(&self, screen: &Screen) -> bool {
        let min = screen.mercator_to_screen(self.bounds.min);
        let max = screen.mercator_to_screen(self.bounds.max);
        Rect::from_two_pos(min, max).intersects(screen.rect)
    }

    pub(super) fn fill(&self, painter: &egui::Painter, screen: &Screen, colour: Color32) {
        let mesh = Mesh {
            vertices: self
                .vertices
                .iter()
                .map(|v| Vertex {
                    pos: screen.mercator_to_screen(*v),
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
                let p = screen.mercator_to_screen(*v);
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

impl MapView {
    /// The basemap's countries at the detail for `zoom`, each part triangulated once.
    pub(super) fn paint_land(
        &mut self,
        painter: &egui::Painter,
        screen: &Screen,
        basemap: &Basemap,
        zoom: f64,
        budget: &mut ShapeBudget,
    ) {
        let detail = Detail::for_zoom(zoom);
        let view = screen.view();
        let level = detail as u8;
        for (k, country) in basemap.countries(detail).iter().enumerate() {
            if !view.intersects(country.bounds.into()) {
                continue;
            }
            // Cull part by part: a country's box may reach across oceans (France, the
            // Netherlands with their overseas parts) while only one part is on screen.
            for (part, polygon) in country.polygons.iter().enumerate() {
                let Some(shape) =
                    budget.get_or_build(&mut self.land_shapes, (level, k, part), || {
                        MapShape::new(std::slice::from_ref(polygon))
                    })
                else {
                    continue;
                };
                if shape.visible(screen) {
                    shape.fill(painter, screen, LAND);
                    shape.outline(painter, screen, Stroke::new(0.8, BORDER));
                }
            }
        }
    }

    /// The scenario's territories, tinted in their colours; the selected one stands out.
    pub(super) fn paint_territories(
        &mut self,
        painter: &egui::Painter,
        screen: &Screen,
        scenario: &Scenario,
        selected: Option<usize>,
        budget: &mut ShapeBudget,
        tinted: bool,
    ) {
        // Over a choropleth the territories are outlines (the units' colours are the point).
        let (alpha, selected_alpha) = if tinted { (60, 110) } else { (0, 40) };
        for (t, territory) in scenario.territories.iter().enumerate() {
            let is_selected = selected == Some(t);
            let Some(shape) =
                budget.get_or_build(&mut self.territory_shapes, territory.id.0, || {
                    MapShape::new(&territory.geometry.0)
                })
            else {
                continue;
            };
            if !shape.visible(screen) {
                continue;
            }
            shape.fill(
                painter,
                screen,
                colour(
                    territory.colour,
                    if is_selected { selected_alpha } else { alpha },
                ),
            );
            let stroke = if is_selected {
                Stroke::new(3.0, Color32::from_rgb(20, 20, 20))
            } else {
                Stroke::new(1.5, colour(territory.colour, 255))
            };
            shape.outline(painter, screen, stroke);
        }
    }
}

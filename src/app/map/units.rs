//! Geographic units on the map: their outlines at zooms where they are large enough to tell
//! apart, their codes where they fit, a choropleth by a chosen measure with its legend, and
//! the unit under the pointer (for the hover).
//!
//! The layer's arcs are projected once, at two levels of detail (the zoomed-out one
//! simplified by 150 m, which a screen point then spans), so a frame that shows all 4,068
//! PC4 units walks a few tens of thousands of points, not every vertex of the layer.

use std::collections::HashMap;
use std::sync::Arc;

use egui::{Color32, Pos2, Rect, Stroke};

use super::projection::{LonLat, Mercator, MercatorRect, Screen};
use super::shapes::{MapShape, ShapeBudget};
use crate::engine::index::AccountGrid;
use crate::model::{Accounts, Settings};
use crate::units::layer::UnitLayer;
use crate::units::stats::{UnitMeasure, UnitStats, class_of, quantile_breaks};

/// Screen points a typical unit must span before outlines are drawn (below, they would fill
/// the map with grey).
const OUTLINES_FROM: f64 = 7.0;
/// Metres a screen point must span before the simplified arcs are drawn.
const COARSE_FROM_M: f64 = 75.0;
/// The colours of the choropleth's classes, light to dark (ColorBrewer YlGnBu).
const RAMP: [Color32; 5] = [
    Color32::from_rgb(0xff, 0xff, 0xcc),
    Color32::from_rgb(0xa1, 0xda, 0xb4),
    Color32::from_rgb(0x41, 0xb6, 0xc4),
    Color32::from_rgb(0x2c, 0x7f, 0xb8),
    Color32::from_rgb(0x25, 0x34, 0x94),
];
const OUTLINE: Color32 = Color32::from_rgb(90, 90, 90);

/// One level of detail of a layer's arcs in Web Mercator, each with its box.
struct Arcs(Vec<(MercatorRect, Vec<Mercator>)>);

impl Arcs {
    fn new(arcs: &[Vec<[f64; 2]>]) -> Arcs {
        Arcs(
            arcs.iter()
                .map(|arc| {
                    let points: Vec<Mercator> = arc
                        .iter()
                        .map(|&[lon, lat]| LonLat::new(lon, lat).into())
                        .collect();
                    let mut bounds = MercatorRect::NOTHING;
                    points.iter().for_each(|p| bounds.include(*p));
                    (bounds, points)
                })
                .collect(),
        )
    }
}

/// A unit layer ready to draw, and what its units hold.
pub struct UnitsOnMap {
    /// The layer drawn.
    pub layer: Arc<UnitLayer>,
    fine: Arcs,
    coarse: Arcs,
    /// Per unit: its box and where its label goes (a point inside it).
    boxes: Vec<MercatorRect>,
    label_at: Vec<Option<Mercator>>,
    /// The width of a typical unit, in Mercator units.
    typical: f64,
    /// Units filled for the choropleth, triangulated when first drawn.
    fills: HashMap<u32, MapShape>,
    /// What each unit holds, counted for the accounts of one grid (a new grid means other
    /// accounts).
    stats: Option<(Arc<AccountGrid>, Arc<UnitStats>)>,
}

impl UnitsOnMap {
    /// Prepares a layer for drawing (projects its arcs; tens of milliseconds for PC4).
    pub fn new(layer: Arc<UnitLayer>) -> UnitsOnMap {
        let fine = Arcs::new(layer.topology.arcs());
        let coarse = Arcs::new(layer.topology.simplified(150.0).arcs());
        let (mut boxes, mut label_at) = (Vec::new(), Vec::new());
        let mut area = 0.0;
        for u in 0..layer.units.len() {
            let shape = layer.topology.unit_polygon(u);
            let mut b = MercatorRect::NOTHING;
            for c in shape.0.iter().flat_map(|p| p.exterior().0.iter()) {
                b.include(LonLat::from(*c).into());
            }
            if b.width().is_finite() {
                area += b.width() * b.height();
            }
            boxes.push(b);
            label_at.push(
                layer
                    .interior_point(u as u32)
                    .map(|[lon, lat]| Mercator::from(LonLat::new(lon, lat))),
            );
        }
        let typical = (area / layer.units.len().max(1) as f64).sqrt();
        UnitsOnMap {
            layer,
            fine,
            coarse,
            boxes,
            label_at,
            typical,
            fills: HashMap::new(),
            stats: None,
        }
    }

    /// The layer's key.
    pub fn key(&self) -> &str {
        &self.layer.key
    }

    /// What each unit holds, counted on first use for the accounts of `grid`.
    pub fn stats(
        &mut self,
        accounts: &Accounts,
        settings: &Settings,
        grid: &Arc<AccountGrid>,
    ) -> Arc<UnitStats> {
        if let Some((counted, stats)) = &self.stats
            && Arc::ptr_eq(counted, grid)
        {
            return Arc::clone(stats);
        }
        let stats = Arc::new(UnitStats::of(accounts, &self.layer, settings));
        self.stats = Some((Arc::clone(grid), Arc::clone(&stats)));
        stats
    }

    /// Whether units are large enough on screen for their outlines to mean something.
    pub fn outlines_visible(&self, screen: &Screen) -> bool {
        self.typical * screen.points_per_unit() >= OUTLINES_FROM
    }

    /// The outlines of the units on screen.
    pub fn paint_outlines(&self, painter: &egui::Painter, screen: &Screen) {
        if !self.outlines_visible(screen) {
            return;
        }
        let view = screen.view_mercator();
        // Metres per screen point at the view's centre latitude.
        let centre: LonLat = Mercator {
            x: (view.min.x + view.max.x) / 2.0,
            y: (view.min.y + view.max.y) / 2.0,
        }
        .into();
        let metres_per_point =
            40_075_016.0 * centre.lat.to_radians().cos() / screen.points_per_unit();
        let arcs = if metres_per_point >= COARSE_FROM_M {
            &self.coarse
        } else {
            &self.fine
        };
        let stroke = Stroke::new(0.6, OUTLINE.gamma_multiply(0.8));
        let mut mesh = LineMesh::default();
        for (bounds, points) in &arcs.0 {
            if !bounds.intersects(view) {
                continue;
            }
            let mut previous: Option<Pos2> = None;
            for p in points {
                let p = screen.mercator_to_screen(*p);
                match previous {
                    Some(q) if (p - q).length_sq() < 2.25 => continue,
                    Some(q) => mesh.segment(q, p, stroke),
                    None => {}
                }
                previous = Some(p);
            }
        }
        painter.add(egui::Shape::mesh(mesh.0));
    }

    /// Unit codes (or names, where the layer has no short code) where they fit.
    pub fn paint_labels(&self, painter: &egui::Painter, screen: &Screen) {
        if !self.outlines_visible(screen) {
            return;
        }
        let view = screen.view_mercator();
        let font = egui::FontId::proportional(11.0);
        for (u, unit) in self.layer.units.iter().enumerate() {
            let b = self.boxes[u];
            let Some(at) = self.label_at[u].filter(|_| b.intersects(view)) else {
                continue;
            };
            let size = (b.width() * screen.points_per_unit()) as f32;
            let height = (b.height() * screen.points_per_unit()) as f32;
            let text = if unit.code.len() <= 6 {
                &unit.code
            } else {
                &unit.name
            };
            // A rough width first: laying out thousands of labels that cannot fit is waste.
            if height < 16.0 || size < 7.0 * text.len() as f32 + 8.0 {
                continue;
            }
            painter.text(
                screen.mercator_to_screen(at),
                egui::Align2::CENTER_CENTER,
                text,
                font.clone(),
                Color32::from_rgb(70, 70, 70),
            );
        }
    }

    /// The units filled in the colour of their class of `measure`; returns the class
    /// breaks, for the legend.
    pub(super) fn paint_choropleth(
        &mut self,
        painter: &egui::Painter,
        screen: &Screen,
        stats: &UnitStats,
        measure: UnitMeasure,
        budget: &mut ShapeBudget,
    ) -> Vec<f64> {
        let values: Vec<Option<f64>> = (0..self.layer.units.len())
            .map(|u| stats.value(&self.layer, u, measure))
            .collect();
        let known: Vec<f64> = values.iter().flatten().copied().collect();
        let breaks = quantile_breaks(&known, RAMP.len());
        let view = screen.view_mercator();
        for (u, value) in values.iter().enumerate() {
            let Some(value) = value else {
                continue;
            };
            if !self.boxes[u].intersects(view) {
                continue;
            }
            let layer = &self.layer;
            let Some(shape) = budget.get_or_build(&mut self.fills, u as u32, || {
                MapShape::new(&layer.topology.unit_polygon(u).0)
            }) else {
                continue;
            };
            let class = class_of(*value, &breaks).min(RAMP.len() - 1);
            shape.fill(painter, screen, RAMP[class].gamma_multiply(0.85));
        }
        breaks
    }

    /// The unit under a screen point.
    pub fn unit_at(&self, screen: &Screen, p: Pos2) -> Option<u32> {
        let at = screen.to_lon_lat(p);
        self.layer.unit_at(at.lon, at.lat)
    }
}

/// Thin lines as one mesh of quads: tens of thousands of short segments, which egui's path
/// tessellation (feathering, joins) would take several times as long for.
#[derive(Default)]
struct LineMesh(egui::Mesh);

impl LineMesh {
    fn segment(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        let d = b - a;
        let len = d.length();
        if len <= 0.0 {
            return;
        }
        let n = egui::vec2(-d.y, d.x) * (stroke.width / 2.0 / len);
        let base = self.0.vertices.len() as u32;
        for p in [a + n, a - n, b - n, b + n] {
            self.0.colored_vertex(p, stroke.color);
        }
        self.0.add_triangle(base, base + 1, base + 2);
        self.0.add_triangle(base, base + 2, base + 3);
    }
}

/// The choropleth's legend in the map's bottom-left corner, above the scale bar.
pub(super) fn paint_legend(
    painter: &egui::Painter,
    screen: &Screen,
    measure: UnitMeasure,
    breaks: &[f64],
) {
    let classes = breaks.len() + 1;
    let row = 18.0;
    let size = egui::vec2(230.0, 26.0 + row * classes as f32);
    let rect = Rect::from_min_size(
        screen.rect.left_bottom() + egui::vec2(10.0, -40.0 - size.y),
        size,
    );
    painter.rect_filled(
        rect,
        4.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 230),
    );
    let text = Color32::from_rgb(30, 30, 30);
    painter.text(
        rect.left_top() + egui::vec2(8.0, 6.0),
        egui::Align2::LEFT_TOP,
        measure.label(),
        egui::FontId::proportional(13.0),
        text,
    );
    let number = |v: f64| match measure {
        UnitMeasure::PotentialPerInhabitant => format!("{v:.0}"),
        _ => crate::numbers::whole(v),
    };
    for k in 0..classes {
        let top = rect.top() + 24.0 + row * k as f32;
        let swatch =
            Rect::from_min_size(egui::pos2(rect.left() + 8.0, top), egui::vec2(22.0, 14.0));
        let colour = RAMP[(k * (RAMP.len() - 1)) / (classes - 1).max(1)];
        painter.rect_filled(swatch, 2.0, colour);
        let range = match (k.checked_sub(1).map(|i| breaks[i]), breaks.get(k)) {
            (None, Some(hi)) => format!("under {}", number(*hi)),
            (Some(lo), Some(hi)) => format!("{} to under {}", number(lo), number(*hi)),
            (Some(lo), None) => format!("{} and more", number(lo)),
            (None, None) => "all units".to_owned(),
        };
        painter.text(
            swatch.right_center() + egui::vec2(8.0, 0.0),
            egui::Align2::LEFT_CENTER,
            range,
            egui::FontId::proportional(12.0),
            text,
        );
    }
}

//! The shape measures of a set of units (area, perimeter, compactness, centroid) from
//! per-unit and per-arc measures computed once per layer, so that a territory of a thousand
//! postcodes is measured in microseconds instead of walking its tens of thousands of vertices
//! through the geodesic formulas at every paint step.
//!
//! The results equal [`GeometryMeasures::of`] on the set's outline up to rounding: areas add
//! up exactly because the units share their borders bit for bit, the outline's perimeter is
//! the length of the arcs with a member on one side only, and geo's centroid of a
//! multipolygon is the area-weighted mean of its parts.

use geo::orient::Direction;
use geo::{Area, Centroid, Geodesic, GeodesicArea, Length, LineString, Orient};

use super::topology::{NO_UNIT, Topology};
use crate::engine::metrics::GeometryMeasures;

/// Measures of every unit and arc of a layer.
#[derive(Debug, Clone)]
pub struct LayerMeasures {
    /// Per unit: geodesic area (m²), planar area (degrees²) and planar centroid.
    units: Vec<UnitMeasure>,
    /// Per arc: geodesic length (m).
    arc_m: Vec<f64>,
}

#[derive(Debug, Clone, Copy, Default)]
struct UnitMeasure {
    area_m2: f64,
    planar: f64,
    centroid: (f64, f64),
}

impl LayerMeasures {
    /// Measures every unit and arc of a topology (a few hundred milliseconds for PC4; done
    /// once per layer, on first use).
    pub fn new(topology: &Topology) -> LayerMeasures {
        let units = (0..topology.unit_count())
            .map(|u| {
                let shape = topology.unit_polygon(u).orient(Direction::Default);
                let (_, area_m2) = shape.geodesic_perimeter_area_unsigned();
                UnitMeasure {
                    area_m2,
                    planar: shape.unsigned_area(),
                    centroid: shape.centroid().map_or((0.0, 0.0), |p| (p.x(), p.y())),
                }
            })
            .collect();
        let arc_m = topology
            .arcs()
            .iter()
            .map(|arc| {
                let line: LineString<f64> = arc.iter().map(|&[x, y]| (x, y)).collect();
                Geodesic.length(&line)
            })
            .collect();
        LayerMeasures { units, arc_m }
    }

    /// Unit `u`'s geodesic area (m²), planar area (degrees²) and planar centroid (lon, lat).
    /// Panics if `u` is not a unit of the layer.
    pub fn unit(&self, u: usize) -> (f64, f64, (f64, f64)) {
        let m = self.units[u];
        (m.area_m2, m.planar, m.centroid)
    }

    /// Arc `arc`'s geodesic length (m). Panics if `arc` is not an arc of the layer.
    pub fn arc_m(&self, arc: usize) -> f64 {
        self.arc_m[arc]
    }

    /// The measures of the union of `members` (positions in the layer; duplicates and
    /// positions out of range ignored), whose outline has `parts` polygons.
    pub fn of(&self, topology: &Topology, members: &[u32], parts: usize) -> GeometryMeasures {
        let n = topology.unit_count();
        let mut member = vec![false; n];
        for &u in members {
            if let Some(m) = member.get_mut(u as usize) {
                *m = true;
            }
        }
        let inside = |u: u32| u != NO_UNIT && member.get(u as usize).copied().unwrap_or(false);
        let (mut area_m2, mut planar, mut cx, mut cy, mut perimeter_m) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (u, _) in member.iter().enumerate().filter(|(_, m)| **m) {
            let m = self.units[u];
            area_m2 += m.area_m2;
            planar += m.planar;
            cx += m.planar * m.centroid.0;
            cy += m.planar * m.centroid.1;
            for arc in topology.unit_rings(u).iter().flatten().flatten() {
                let [left, right] = topology.sides(arc.arc);
                // A border arc has this unit on one side and a non-member on the other; an
                // arc inside the set is skipped (from both of its units).
                let other = if left == u as u32 { right } else { left };
                if left != right && !inside(other) {
                    perimeter_m += self.arc_m[arc.arc as usize];
                }
            }
        }
        let (area_km2, perimeter_km) = (area_m2 / 1e6, perimeter_m / 1e3);
        GeometryMeasures {
            area_km2,
            perimeter_km,
            polsby_popper: if perimeter_km > 0.0 {
                4.0 * std::f64::consts::PI * area_km2 / (perimeter_km * perimeter_km)
            } else {
                0.0
            },
            parts,
            centroid: (planar > 0.0).then(|| (cx / planar, cy / planar)),
        }
    }
}

//! Cleaning a dirty layer into a topology: repair, snap, node, resolve faces, extract arcs,
//! and each unit's rings walked from the arcs.

use geo::algorithm::bool_ops::FillRule;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, MultiPolygon, OpType, Validation, unary_union};

use super::faces::{Graph, enclose, faces, resolve};
use super::metric::{Scale, area_m2};
use super::outline::{nest, walk};
use super::snap::{Layer, snap_to_segments, snap_vertices};
use super::{NO_UNIT, Topology, TopologyError, arcs, noding};

/// How a layer is cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanOptions {
    /// Vertices closer than this (metres) merge; vertices this close to a segment are
    /// inserted into it. About 1 m suits layers digitised at 1:10,000.
    pub snap_tolerance_m: f64,
    /// A gap between units smaller than this (m2) is a sliver and goes to a neighbour.
    pub sliver_area_m2: f64,
    /// A gap whose mean width (2 * area / perimeter) is under this (metres) is a sliver too,
    /// if it is smaller than [`CleanOptions::thin_sliver_max_area_m2`].
    pub sliver_width_m: f64,
    /// The largest thin gap (m2) taken for a sliver: larger thin gaps (a canal, a river
    /// between two layers' units) stay holes.
    pub thin_sliver_max_area_m2: f64,
}

impl Default for CleanOptions {
    fn default() -> CleanOptions {
        CleanOptions {
            snap_tolerance_m: 1.0,
            sliver_area_m2: 1_000.0,
            sliver_width_m: 15.0,
            thin_sliver_max_area_m2: 100_000.0,
        }
    }
}

/// What cleaning did to a layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CleanReport {
    /// Units in the layer.
    pub units: usize,
    /// Vertices read.
    pub vertices_in: usize,
    /// Units whose polygons were invalid and were rebuilt (even-odd rule, then union).
    pub invalid_repaired: usize,
    /// Vertices merged onto another vertex within the tolerance.
    pub vertices_snapped: usize,
    /// Vertices inserted into a neighbour's segment within the tolerance.
    pub vertices_inserted: usize,
    /// Crossings and touching points split into nodes.
    pub crossings_noded: usize,
    /// Crossings still present after noding (0 when the result is clean).
    pub crossings_left: usize,
    /// Overlaps (faces held by several units) given to one unit.
    pub overlaps_resolved: usize,
    /// Their total area, m2.
    pub overlap_m2: f64,
    /// Sliver gaps given to a neighbouring unit.
    pub slivers_filled: usize,
    /// Their total area, m2.
    pub sliver_m2: f64,
    /// Gaps kept as holes of the coverage (lakes, the sea between islands).
    pub holes_kept: usize,
    /// Their total area, m2.
    pub holes_kept_m2: f64,
    /// Units with no area left after cleaning (e.g. a unit entirely under another).
    pub units_lost: Vec<usize>,
    /// Arcs in the result.
    pub arcs: usize,
    /// Points in the arcs (shared borders counted once).
    pub vertices_out: usize,
}

fn points_of(ring: &geo::LineString<f64>) -> Vec<[f64; 2]> {
    ring.0.iter().map(|c| [c.x, c.y]).collect()
}

/// The unit's shape, rebuilt when invalid, with outer rings counter-clockwise.
fn repaired(
    unit: usize,
    shape: &MultiPolygon<f64>,
    report: &mut CleanReport,
) -> Result<MultiPolygon<f64>, TopologyError> {
    let finite = shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter())
        .all(|c| c.x.is_finite() && c.y.is_finite());
    if !finite {
        return Err(TopologyError::NotFinite { unit });
    }
    if shape.is_valid() {
        return Ok(shape.orient(Direction::Default));
    }
    report.invalid_repaired += 1;
    let empty = MultiPolygon::<f64>::new(vec![]);
    let parts: Vec<MultiPolygon<f64>> = shape
        .0
        .iter()
        .map(|p| {
            p.boolean_op_with_fill_rule(&empty, OpType::Union, FillRule::EvenOdd)
                .orient(Direction::Default)
        })
        .collect();
    Ok(unary_union(parts.iter()).orient(Direction::Default))
}

pub(super) fn build(
    units: &[MultiPolygon<f64>],
    options: &CleanOptions,
) -> Result<(Topology, CleanReport), TopologyError> {
    let mut report = CleanReport {
        units: units.len(),
        ..CleanReport::default()
    };
    if units.len() >= NO_UNIT as usize {
        return Err(TopologyError::TooLarge(format!("{} units", units.len())));
    }
    let mut layer = Layer::default();
    let mut unit_area = Vec::with_capacity(units.len());
    for (u, shape) in units.iter().enumerate() {
        let shape = repaired(u, shape, &mut report)?;
        unit_area.push(area_m2(&shape));
        for polygon in &shape.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                report.vertices_in += ring.0.len();
                layer.add_ring(&points_of(ring), u as u32);
            }
        }
        if layer.points.len() >= NO_UNIT as usize / 4 {
            return Err(TopologyError::TooLarge(format!(
                "{} vertices",
                layer.points.len()
            )));
        }
    }
    let scale = Scale::around(layer.points.iter());
    report.vertices_snapped = snap_vertices(&mut layer, &scale, options.snap_tolerance_m);
    report.vertices_inserted = snap_to_segments(&mut layer, &scale, options.snap_tolerance_m);
    (report.crossings_noded, report.crossings_left) = noding::node(&mut layer);
    let graph = Graph::new(layer);
    let cycles = faces(&graph);
    let mut owner = resolve(&graph, &cycles, &unit_area, options, &mut report);
    enclose(&graph, &cycles, &mut owner);
    let owner_of_half: Vec<u32> = cycles.face_of.iter().map(|&f| owner[f as usize]).collect();
    let (arcs, sides) = arcs::extract(&graph, &owner_of_half);
    let mut topology = Topology::from_parts(arcs, sides, Vec::new());
    // Each unit's rings: its half-arcs, walked with only that unit as the set.
    let mut halves: Vec<Vec<u32>> = vec![Vec::new(); units.len()];
    for (a, &[left, right]) in topology.sides.iter().enumerate() {
        if left != NO_UNIT {
            halves[left as usize].push(2 * a as u32);
        }
        if right != NO_UNIT {
            halves[right as usize].push(2 * a as u32 + 1);
        }
    }
    let mut rings = Vec::with_capacity(units.len());
    for (u, list) in halves.into_iter().enumerate() {
        let found = walk(&topology, list, |x| x == u as u32);
        let polygons = nest(&topology, found);
        if polygons.is_empty() {
            report.units_lost.push(u);
        }
        rings.push(polygons);
    }
    topology.units = rings;
    report.arcs = topology.arcs.len();
    report.vertices_out = topology.vertex_count();
    Ok((topology, report))
}

//! The topology of a unit layer (postcode areas, municipalities, a planner's own layer):
//! borders stored once as arcs shared by the two units on either side, as in TopoJSON, so
//! that the outline of any set of units is assembled from arcs instead of computed by
//! boolean unions. That is exact (neighbouring sets share their borders bit for bit: no
//! gaps, no overlaps, no sliver holes) and linear in the arcs of the set.
//!
//! A dirty layer is cleaned once ([`Topology::build`]): invalid polygons repaired, vertices
//! snapped onto each other and onto neighbours' segments, crossings noded, overlaps given to
//! one unit, sliver gaps given to a neighbour, then the arcs extracted from the planar graph.
//! A TopoJSON file made elsewhere is already a topology and is read as one
//! ([`Topology::from_topojson`]).

mod arcs;
mod clean;
mod faces;
mod metric;
mod noding;
mod outline;
mod simplify;
mod snap;
mod topojson;

#[cfg(test)]
mod grid_tests;
#[cfg(test)]
mod reference_tests;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use thiserror::Error;

pub use clean::{CleanOptions, CleanReport};
pub use metric::area_m2;
pub use topojson::TopoJsonOptions;

/// A side of an arc that no unit holds (outside the layer, or a real hole such as a lake).
pub const NO_UNIT: u32 = u32::MAX;

/// Reference to an arc in a ring: which arc, and whether the ring walks it backwards
/// (TopoJSON's `~i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArcRef {
    /// Index into [`Topology::arcs`].
    pub arc: u32,
    /// True when the ring walks the arc from its last point to its first.
    pub reversed: bool,
}

impl ArcRef {
    /// TopoJSON's index: `i` forwards, `!i` (that is `-i - 1`) backwards.
    pub fn to_topojson(self) -> i64 {
        if self.reversed {
            -(self.arc as i64) - 1
        } else {
            self.arc as i64
        }
    }

    /// The reference TopoJSON's index `i` stands for.
    pub fn from_topojson(i: i64) -> Option<ArcRef> {
        let (arc, reversed) = if i < 0 { (-(i + 1), true) } else { (i, false) };
        u32::try_from(arc).ok().map(|arc| ArcRef { arc, reversed })
    }

    /// The half-arc number used by the node index: `2 * arc`, plus one when reversed.
    fn half(self) -> u32 {
        self.arc * 2 + u32::from(self.reversed)
    }

    fn from_half(half: u32) -> ArcRef {
        ArcRef {
            arc: half / 2,
            reversed: half & 1 == 1,
        }
    }
}

/// Why a topology could not be built or read.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum TopologyError {
    /// A coordinate of a unit is not a finite number.
    #[error("unit {unit} has a coordinate that is not a number")]
    NotFinite {
        /// The unit, by position in the layer.
        unit: usize,
    },
    /// The layer has more units or vertices than a u32 index holds.
    #[error("the layer is too large ({0})")]
    TooLarge(String),
    /// The TopoJSON text is not a topology this reader understands.
    #[error("not a usable TopoJSON topology: {0}")]
    TopoJson(String),
    /// A TopoJSON ring refers to an arc that does not exist.
    #[error("feature {feature} refers to arc {arc}, but the topology has {arcs} arcs")]
    ArcOutOfRange {
        /// The feature, by position in its object.
        feature: usize,
        /// The index as written.
        arc: i64,
        /// How many arcs there are.
        arcs: usize,
    },
    /// A TopoJSON ring whose arcs do not join end to start, or do not close.
    #[error("feature {feature} has a ring whose arcs do not join up")]
    RingNotClosed {
        /// The feature, by position in its object.
        feature: usize,
    },
    /// An arc walked in the same direction by two rings (two units on one side: an overlap).
    #[error("arc {arc} is used twice in the same direction (features {first} and {second})")]
    ArcUsedTwice {
        /// The arc.
        arc: u32,
        /// The feature that used it first.
        first: usize,
        /// The feature that used it again.
        second: usize,
    },
}

/// A unit layer as arcs shared by neighbouring units.
///
/// Fields are private because they hang together: every arc knows the unit on its left and
/// on its right, and a node index (arc ends sorted by angle around each node) is derived
/// from the arcs; [`Topology::outline`] walks that index.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    arcs: Vec<Vec<[f64; 2]>>,
    /// The unit on the left and on the right of each arc walked forwards ([`NO_UNIT`] if none).
    sides: Vec<[u32; 2]>,
    /// Per unit: polygons; per polygon: rings (outer first, then holes) as arc references.
    units: Vec<Vec<Vec<Vec<ArcRef>>>>,
    nodes: NodeIndex,
}

/// Per node, the half-arcs leaving it in counter-clockwise order; per half-arc, its node
/// and its position in that order.
#[derive(Debug, Clone, PartialEq, Default)]
struct NodeIndex {
    start: Vec<u32>,
    leaving: Vec<u32>,
    node_of: Vec<u32>,
    position: Vec<u32>,
}

impl Topology {
    /// Cleans a dirty layer (one MultiPolygon per unit, WGS84 lon/lat) into a topology, and
    /// says what it did. Unit `i` of the result is `units[i]`.
    pub fn build(
        units: &[geo::MultiPolygon<f64>],
        options: &CleanOptions,
    ) -> Result<(Topology, CleanReport), TopologyError> {
        clean::build(units, options)
    }

    /// The shared polylines, in lon/lat; each bounds at most two units, one on each side.
    pub fn arcs(&self) -> &[Vec<[f64; 2]>] {
        &self.arcs
    }

    /// The unit on the left and on the right of arc `arc` walked forwards; [`NO_UNIT`] for a
    /// side outside the layer. Panics if `arc` is not below `arcs().len()`.
    pub fn sides(&self, arc: u32) -> [u32; 2] {
        self.sides[arc as usize]
    }

    /// How many units the layer has.
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// The rings of unit `unit` as arc references: per polygon, the outer ring (counter-
    /// clockwise) first, then its holes (clockwise). Panics if `unit` is not below
    /// [`Topology::unit_count`].
    pub fn unit_rings(&self, unit: usize) -> &[Vec<Vec<ArcRef>>] {
        &self.units[unit]
    }

    /// How many points the arcs hold in all (shared borders counted once).
    pub fn vertex_count(&self) -> usize {
        self.arcs.iter().map(Vec::len).sum()
    }

    /// The shape of one unit, from its arcs (outer rings counter-clockwise). Panics if
    /// `unit` is not below [`Topology::unit_count`].
    pub fn unit_polygon(&self, unit: usize) -> geo::MultiPolygon<f64> {
        outline::polygons_of(self, &self.units[unit])
    }

    /// The outline of a set of units (given by position, duplicates ignored): the arcs whose
    /// two sides are in different sets, chained into rings, outer rings and holes told apart
    /// and holes placed in their outer ring. Linear in the arcs of the members (plus two
    /// bitsets of a bit per unit and per half-arc). Members out of range are ignored.
    pub fn outline(&self, members: &[u32]) -> geo::MultiPolygon<f64> {
        outline::outline(self, members)
    }

    /// Per unit, the units that share an arc with it (sorted): the adjacency graph.
    pub fn neighbours(&self) -> Vec<Vec<u32>> {
        let mut next: Vec<Vec<u32>> = vec![Vec::new(); self.units.len()];
        for &[left, right] in &self.sides {
            if left != NO_UNIT && right != NO_UNIT && left != right {
                next[left as usize].push(right);
                next[right as usize].push(left);
            }
        }
        for list in &mut next {
            list.sort_unstable();
            list.dedup();
        }
        next
    }

    /// Douglas-Peucker on each arc once (its ends fixed, tolerance in metres), so the
    /// simplified layer keeps its topology: neighbours still share their borders.
    pub fn simplified(&self, tolerance_m: f64) -> Topology {
        simplify::simplified(self, tolerance_m)
    }

    /// Assembles a topology from its parts and derives the node index.
    fn from_parts(
        arcs: Vec<Vec<[f64; 2]>>,
        sides: Vec<[u32; 2]>,
        units: Vec<Vec<Vec<Vec<ArcRef>>>>,
    ) -> Topology {
        let nodes = NodeIndex::new(&arcs);
        Topology {
            arcs,
            sides,
            units,
            nodes,
        }
    }

    /// The unit on the left of a half-arc.
    fn left_of(&self, half: u32) -> u32 {
        let [left, right] = self.sides[(half / 2) as usize];
        if half & 1 == 0 { left } else { right }
    }
}

impl NodeIndex {
    fn new(arcs: &[Vec<[f64; 2]>]) -> NodeIndex {
        let mut ids: HashMap<[u64; 2], u32> = HashMap::new();
        let mut node_of = vec![0u32; arcs.len() * 2];
        let mut angle = vec![0f64; arcs.len() * 2];
        for (a, arc) in arcs.iter().enumerate() {
            let (Some(first), Some(last)) = (arc.first(), arc.last()) else {
                continue;
            };
            let second = arc.get(1).unwrap_or(last);
            let before_last = arc.len().checked_sub(2).map_or(first, |i| &arc[i]);
            for (half, at, toward) in [(2 * a, first, second), (2 * a + 1, last, before_last)] {
                let key = [at[0].to_bits(), at[1].to_bits()];
                let next = ids.len() as u32;
                node_of[half] = *ids.entry(key).or_insert(next);
                angle[half] = (toward[1] - at[1]).atan2(toward[0] - at[0]);
            }
        }
        let node_count = ids.len();
        let mut start = vec![0u32; node_count + 1];
        for &n in &node_of {
            start[n as usize + 1] += 1;
        }
        for i in 0..node_count {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut leaving = vec![0u32; node_of.len()];
        for (half, &n) in node_of.iter().enumerate() {
            leaving[fill[n as usize] as usize] = half as u32;
            fill[n as usize] += 1;
        }
        let mut position = vec![0u32; node_of.len()];
        for n in 0..node_count {
            let range = start[n] as usize..start[n + 1] as usize;
            let list = &mut leaving[range.clone()];
            list.sort_by(|&a, &b| {
                angle[a as usize]
                    .total_cmp(&angle[b as usize])
                    .then(a.cmp(&b))
            });
            for (i, &half) in list.iter().enumerate() {
                position[half as usize] = i as u32;
            }
        }
        NodeIndex {
            start,
            leaving,
            node_of,
            position,
        }
    }

    /// The half-arcs leaving the node `half` leaves from, counter-clockwise, and the
    /// position of `half` among them.
    fn around(&self, half: u32) -> (&[u32], usize) {
        let node = self.node_of[half as usize] as usize;
        let list = &self.leaving[self.start[node] as usize..self.start[node + 1] as usize];
        (list, self.position[half as usize] as usize)
    }
}

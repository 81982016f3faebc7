//! Topology-preserving simplification: Douglas-Peucker on each arc once, its ends fixed, so
//! both units along a border get the same simplified border. Two guards keep units from
//! collapsing: a closed arc keeps at least three distinct points, and an arc that would
//! become a straight segment between the same two nodes as another arc keeps its farthest
//! point (else a unit bounded by those two arcs would lose all its area).

use std::collections::HashMap;

use geo::kernels::RobustKernel;
use geo::{Coord, Kernel, LineString, Orientation, SimplifyIdx};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, RTreeObject};

use super::Topology;
use super::metric::Scale;

/// Rounds of putting back the original points of arcs that cross after simplifying.
const REPAIR_ROUNDS: usize = 8;

pub(super) fn simplified(topology: &Topology, tolerance_m: f64) -> Topology {
    let mut arcs = simplified_arcs(topology, tolerance_m);
    // Simplified arcs may cross each other (or themselves); such arcs get their original
    // points back, and the check runs again on the result.
    for _ in 0..REPAIR_ROUNDS {
        let crossing = crossing_arcs(&arcs);
        if crossing.is_empty() {
            break;
        }
        for a in crossing {
            arcs[a] = topology.arcs[a].clone();
        }
    }
    Topology::from_parts(arcs, topology.sides.clone(), topology.units.clone())
}

/// The arcs with a segment properly crossing another segment (of any arc).
fn crossing_arcs(arcs: &[Vec<[f64; 2]>]) -> Vec<usize> {
    let mut boxes = Vec::new();
    for (a, arc) in arcs.iter().enumerate() {
        for (i, w) in arc.windows(2).enumerate() {
            boxes.push(GeomWithData::new(
                Rectangle::from_corners(w[0], w[1]),
                (a as u32, i as u32),
            ));
        }
    }
    let tree = RTree::bulk_load(boxes);
    let segment = |(a, i): (u32, u32)| {
        [
            arcs[a as usize][i as usize],
            arcs[a as usize][i as usize + 1],
        ]
    };
    let mut crossing = vec![false; arcs.len()];
    for item in tree.iter() {
        for other in tree.locate_in_envelope_intersecting(&item.envelope()) {
            if other.data <= item.data {
                continue;
            }
            let ([p1, p2], [q1, q2]) = (segment(item.data), segment(other.data));
            let side = |a: [f64; 2], b: [f64; 2], c: [f64; 2]| {
                RobustKernel::orient2d(
                    Coord { x: a[0], y: a[1] },
                    Coord { x: b[0], y: b[1] },
                    Coord { x: c[0], y: c[1] },
                )
            };
            let opposite = |x: Orientation, y: Orientation| {
                matches!(
                    (x, y),
                    (Orientation::Clockwise, Orientation::CounterClockwise)
                        | (Orientation::CounterClockwise, Orientation::Clockwise)
                )
            };
            if opposite(side(p1, p2, q1), side(p1, p2, q2))
                && opposite(side(q1, q2, p1), side(q1, q2, p2))
            {
                crossing[item.data.0 as usize] = true;
                crossing[other.data.0 as usize] = true;
            }
        }
    }
    (0..arcs.len()).filter(|&a| crossing[a]).collect()
}

fn simplified_arcs(topology: &Topology, tolerance_m: f64) -> Vec<Vec<[f64; 2]>> {
    let scale = Scale::around(topology.arcs.iter().flatten());
    let mut between: HashMap<[[u64; 2]; 2], usize> = HashMap::new();
    for arc in &topology.arcs {
        if let (Some(a), Some(b)) = (arc.first(), arc.last()) {
            *between.entry(ends_key(*a, *b)).or_default() += 1;
        }
    }
    topology
        .arcs
        .iter()
        .map(|arc| {
            if arc.len() <= 2 || tolerance_m.is_nan() || tolerance_m <= 0.0 {
                return arc.clone();
            }
            let metres: Vec<[f64; 2]> = arc.iter().map(|&p| scale.metres(p)).collect();
            let line = LineString::from(metres.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
            let mut keep = line.simplify_idx(tolerance_m);
            let closed = arc.first() == arc.last();
            let shared_ends = between
                .get(&ends_key(arc[0], arc[arc.len() - 1]))
                .copied()
                .unwrap_or(0)
                > 1;
            if closed && keep.len() < 4 {
                keep = closed_minimum(&metres);
            } else if keep.len() == 2 && shared_ends {
                keep = vec![0, farthest(&metres, 0, metres.len() - 1), metres.len() - 1];
            }
            keep.iter().map(|&i| arc[i]).collect()
        })
        .collect()
}

fn ends_key(a: [f64; 2], b: [f64; 2]) -> [[u64; 2]; 2] {
    let (a, b) = (a.map(f64::to_bits), b.map(f64::to_bits));
    if a <= b { [a, b] } else { [b, a] }
}

/// The index strictly between `from` and `to` farthest from the segment joining them.
fn farthest(points: &[[f64; 2]], from: usize, to: usize) -> usize {
    let (a, b) = (points[from], points[to]);
    let d = [b[0] - a[0], b[1] - a[1]];
    let length = d[0].hypot(d[1]);
    let distance = |p: [f64; 2]| {
        if length > 0.0 {
            ((p[0] - a[0]) * d[1] - (p[1] - a[1]) * d[0]).abs() / length
        } else {
            (p[0] - a[0]).hypot(p[1] - a[1])
        }
    };
    (from + 1..to)
        .max_by(|&i, &j| distance(points[i]).total_cmp(&distance(points[j])))
        .unwrap_or(from)
}

/// Four indices of a closed arc (first, two far points, last): the smallest ring with area.
fn closed_minimum(points: &[[f64; 2]]) -> Vec<usize> {
    let last = points.len() - 1;
    let far = farthest(points, 0, last);
    let (x, y) = (farthest(points, 0, far), farthest(points, far, last));
    let third = if far - x > 0 && x > 0 { x } else { y };
    let mut keep = vec![0, far, third, last];
    keep.sort_unstable();
    keep.dedup();
    keep
}

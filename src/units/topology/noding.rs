//! Noding: after snapping, segments that still cross (borders that overlap by more than the
//! tolerance) are split at their crossing, and a vertex lying exactly on another segment is
//! inserted into it, so that the edges form a planar graph. Candidate pairs come from an
//! R-tree of segment boxes; the tests use geo's robust orientation predicate.

use geo::{Coord, Kernel, Orientation, kernels::RobustKernel};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, RTreeObject};

use super::snap::Layer;

/// Rounds of noding at most: each round splits what it finds; splitting at a computed
/// crossing can, through rounding, make a new crossing very near it.
const ROUNDS: usize = 4;

/// Nodes the layer; returns the number of crossings split and the number of crossings
/// still found in the last round (0 when the graph is planar).
pub(super) fn node(layer: &mut Layer) -> (usize, usize) {
    let mut total = 0;
    for _ in 0..ROUNDS {
        let found = node_once(layer);
        if found == 0 {
            return (total, 0);
        }
        total += found;
    }
    let left = count_only(layer);
    (total, left)
}

fn coord(p: [f64; 2]) -> Coord<f64> {
    Coord { x: p[0], y: p[1] }
}

fn orient(p: [f64; 2], q: [f64; 2], r: [f64; 2]) -> Orientation {
    RobustKernel::orient2d(coord(p), coord(q), coord(r))
}

/// The parameter of `q` along `a`..`b` (0 at `a`, 1 at `b`).
fn parameter(a: [f64; 2], b: [f64; 2], q: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    if len2 <= 0.0 {
        return 0.0;
    }
    ((q[0] - a[0]) * d[0] + (q[1] - a[1]) * d[1]) / len2
}

/// What two segments do to each other: points to insert into the first and the second.
enum Meeting {
    None,
    /// A proper crossing at this point.
    Cross([f64; 2]),
    /// Endpoints lying on the other segment: (into first, into second).
    Touch(Vec<u32>, Vec<u32>),
}

fn meet(points: &[[f64; 2]], s: [u32; 2], t: [u32; 2]) -> Meeting {
    let [p1, p2] = s.map(|i| points[i as usize]);
    let [q1, q2] = t.map(|i| points[i as usize]);
    let (o1, o2) = (orient(p1, p2, q1), orient(p1, p2, q2));
    let (o3, o4) = (orient(q1, q2, p1), orient(q1, q2, p2));
    let opposite = |x: Orientation, y: Orientation| {
        matches!(
            (x, y),
            (Orientation::Clockwise, Orientation::CounterClockwise)
                | (Orientation::CounterClockwise, Orientation::Clockwise)
        )
    };
    if opposite(o1, o2) && opposite(o3, o4) {
        let r = [p2[0] - p1[0], p2[1] - p1[1]];
        let d = [q2[0] - q1[0], q2[1] - q1[1]];
        let denominator = r[0] * d[1] - r[1] * d[0];
        let u = ((q1[0] - p1[0]) * d[1] - (q1[1] - p1[1]) * d[0]) / denominator;
        let u = u.clamp(0.0, 1.0);
        return Meeting::Cross([p1[0] + u * r[0], p1[1] + u * r[1]]);
    }
    let mut into_s = Vec::new();
    let mut into_t = Vec::new();
    for (q, o) in [(t[0], o1), (t[1], o2)] {
        let inside = parameter(p1, p2, points[q as usize]);
        if o == Orientation::Collinear && !s.contains(&q) && inside > 0.0 && inside < 1.0 {
            into_s.push(q);
        }
    }
    for (p, o) in [(s[0], o3), (s[1], o4)] {
        let inside = parameter(q1, q2, points[p as usize]);
        if o == Orientation::Collinear && !t.contains(&p) && inside > 0.0 && inside < 1.0 {
            into_t.push(p);
        }
    }
    if into_s.is_empty() && into_t.is_empty() {
        Meeting::None
    } else {
        Meeting::Touch(into_s, into_t)
    }
}

fn tree(
    points: &[[f64; 2]],
    segments: &[[u32; 2]],
) -> RTree<GeomWithData<Rectangle<[f64; 2]>, u32>> {
    RTree::bulk_load(
        segments
            .iter()
            .enumerate()
            .map(|(i, &[a, b])| {
                let rect = Rectangle::from_corners(points[a as usize], points[b as usize]);
                GeomWithData::new(rect, i as u32)
            })
            .collect(),
    )
}

fn node_once(layer: &mut Layer) -> usize {
    let (segments, of_edge) = layer.segments();
    let index = tree(&layer.points, &segments);
    let mut inserted: Vec<Vec<(f64, u32)>> = vec![Vec::new(); segments.len()];
    let mut found = 0;
    for item in index.iter() {
        let i = item.data as usize;
        for other in index.locate_in_envelope_intersecting(&item.envelope()) {
            let j = other.data as usize;
            if j <= i {
                continue;
            }
            let (s, t) = (segments[i], segments[j]);
            match meet(&layer.points, s, t) {
                Meeting::None => {}
                Meeting::Cross(at) => {
                    let id = layer.intern(at);
                    for (k, seg) in [(i, s), (j, t)] {
                        if !seg.contains(&id) {
                            let [a, b] = seg.map(|x| layer.points[x as usize]);
                            inserted[k].push((parameter(a, b, at), id));
                        }
                    }
                    found += 1;
                }
                Meeting::Touch(into_s, into_t) => {
                    for (k, seg, list) in [(i, s, into_s), (j, t, into_t)] {
                        let [a, b] = seg.map(|x| layer.points[x as usize]);
                        for q in list {
                            inserted[k].push((parameter(a, b, layer.points[q as usize]), q));
                            found += 1;
                        }
                    }
                }
            }
        }
    }
    if found > 0 {
        layer.split(&of_edge, &segments, inserted);
    }
    found
}

fn count_only(layer: &Layer) -> usize {
    let (segments, _) = layer.segments();
    let index = tree(&layer.points, &segments);
    let mut found = 0;
    for item in index.iter() {
        let i = item.data as usize;
        for other in index.locate_in_envelope_intersecting(&item.envelope()) {
            let j = other.data as usize;
            if j > i && !matches!(meet(&layer.points, segments[i], segments[j]), Meeting::None) {
                found += 1;
            }
        }
    }
    found
}

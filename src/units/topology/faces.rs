//! The planar graph of the noded edges and its faces. Each undirected edge remembers which
//! units lie on its left and on its right (from the rings it came from); walking every
//! half-edge's face (turning as far right as possible at each node, so the face stays on the
//! left) gives the face cycles: counter-clockwise cycles bound faces, clockwise ones are the
//! outer boundary of a connected part. A face is then held by the units on its edges' inner
//! sides: none (a gap), one, or several (an overlap), and [`resolve`] decides one owner.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::NO_UNIT;
use super::clean::{CleanOptions, CleanReport};
use super::metric::{Scale, length_m};
use super::snap::Layer;

/// The planar graph: undirected edges `lo -> hi`; half-edge `2e` walks edge `e` from `lo`
/// to `hi`, `2e + 1` back.
pub(super) struct Graph {
    pub points: Vec<[f64; 2]>,
    pub edges: Vec<[u32; 2]>,
    /// Per half-edge, the units on its left (from a flat list).
    label_start: Vec<u32>,
    labels: Vec<u32>,
    /// Per node, the half-edges leaving it, counter-clockwise.
    node_start: Vec<u32>,
    leaving: Vec<u32>,
    position: Vec<u32>,
}

impl Graph {
    pub fn new(layer: Layer) -> Graph {
        // (lo, hi, half-edge parity, unit): the unit is on the left of half-edge parity.
        let mut keyed: Vec<(u32, u32, u32, u32)> = layer
            .edges
            .iter()
            .map(|e| {
                if e.a < e.b {
                    (e.a, e.b, 0, e.unit)
                } else {
                    (e.b, e.a, 1, e.unit)
                }
            })
            .collect();
        keyed.sort_unstable();
        keyed.dedup();
        let mut edges: Vec<[u32; 2]> = Vec::new();
        let mut per_half: Vec<Vec<u32>> = Vec::new();
        for &(lo, hi, parity, unit) in &keyed {
            if edges.last() != Some(&[lo, hi]) {
                edges.push([lo, hi]);
                per_half.push(Vec::new());
                per_half.push(Vec::new());
            }
            let half = (edges.len() - 1) * 2 + parity as usize;
            per_half[half].push(unit);
        }
        // A unit on both sides of an edge is a part of it collapsed to a line by snapping
        // (no area): it holds neither side.
        for e in 0..edges.len() {
            let (left, right) = per_half.split_at_mut(2 * e + 1);
            let (forward, back) = (&mut left[2 * e], &mut right[0]);
            if !forward.is_empty() && !back.is_empty() {
                let both: Vec<u32> = forward
                    .iter()
                    .copied()
                    .filter(|u| back.contains(u))
                    .collect();
                forward.retain(|u| !both.contains(u));
                back.retain(|u| !both.contains(u));
            }
        }
        let mut label_start = Vec::with_capacity(per_half.len() + 1);
        let mut labels = Vec::new();
        label_start.push(0);
        for list in per_half {
            labels.extend(list);
            label_start.push(labels.len() as u32);
        }
        let points = layer.points;
        let half_count = edges.len() * 2;
        let origin = |h: usize| edges[h / 2][h & 1];
        let mut node_start = vec![0u32; points.len() + 1];
        for h in 0..half_count {
            node_start[origin(h) as usize + 1] += 1;
        }
        for i in 0..points.len() {
            node_start[i + 1] += node_start[i];
        }
        let mut fill = node_start.clone();
        let mut leaving = vec![0u32; half_count];
        for h in 0..half_count {
            let n = origin(h) as usize;
            leaving[fill[n] as usize] = h as u32;
            fill[n] += 1;
        }
        let angle = |h: u32| {
            let [from, to] =
                [origin(h as usize), origin(h as usize ^ 1)].map(|i| points[i as usize]);
            (to[1] - from[1]).atan2(to[0] - from[0])
        };
        let mut position = vec![0u32; half_count];
        for n in 0..points.len() {
            let list = &mut leaving[node_start[n] as usize..node_start[n + 1] as usize];
            list.sort_by(|&a, &b| angle(a).total_cmp(&angle(b)).then(a.cmp(&b)));
            for (i, &h) in list.iter().enumerate() {
                position[h as usize] = i as u32;
            }
        }
        Graph {
            points,
            edges,
            label_start,
            labels,
            node_start,
            leaving,
            position,
        }
    }

    pub fn half_count(&self) -> usize {
        self.edges.len() * 2
    }

    /// The node a half-edge leaves.
    pub fn origin(&self, h: u32) -> u32 {
        self.edges[(h / 2) as usize][(h & 1) as usize]
    }

    /// The node a half-edge reaches.
    pub fn dest(&self, h: u32) -> u32 {
        self.origin(h ^ 1)
    }

    /// The units on the left of a half-edge.
    pub fn labels(&self, h: u32) -> &[u32] {
        &self.labels
            [self.label_start[h as usize] as usize..self.label_start[h as usize + 1] as usize]
    }

    /// The half-edges leaving node `n`, counter-clockwise.
    pub fn leaving(&self, n: u32) -> &[u32] {
        &self.leaving
            [self.node_start[n as usize] as usize..self.node_start[n as usize + 1] as usize]
    }

    /// The next half-edge of the face on the left of `h`.
    fn next(&self, h: u32) -> u32 {
        let twin = h ^ 1;
        let list = self.leaving(self.origin(twin));
        let at = self.position[twin as usize] as usize;
        list[(at + list.len() - 1) % list.len()]
    }
}

/// The face cycles: per half-edge its cycle, per cycle its signed area (m2), perimeter (m)
/// and the units on its inner side.
pub(super) struct Faces {
    pub face_of: Vec<u32>,
    pub area_m2: Vec<f64>,
    pub perimeter_m: Vec<f64>,
    pub labels: Vec<Vec<u32>>,
    /// Per face, its half-edges in order.
    pub cycles: Vec<Vec<u32>>,
}

pub(super) fn faces(graph: &Graph) -> Faces {
    let mut face_of = vec![u32::MAX; graph.half_count()];
    let (mut area_m2, mut perimeter_m, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    let mut cycles: Vec<Vec<u32>> = Vec::new();
    for start in 0..graph.half_count() as u32 {
        if face_of[start as usize] != u32::MAX {
            continue;
        }
        let face = area_m2.len() as u32;
        let first = graph.points[graph.origin(start) as usize];
        let scale = Scale::at(first);
        let (mut twice, mut perimeter, mut units) = (0.0, 0.0, Vec::new());
        let mut h = start;
        let mut cycle = Vec::new();
        loop {
            face_of[h as usize] = face;
            cycle.push(h);
            let a = graph.points[graph.origin(h) as usize];
            let b = graph.points[graph.dest(h) as usize];
            twice += (a[0] - first[0]) * (b[1] - first[1]) - (b[0] - first[0]) * (a[1] - first[1]);
            perimeter += length_m(&scale, a, b);
            units.extend_from_slice(graph.labels(h));
            h = graph.next(h);
            if h == start || face_of[h as usize] != u32::MAX {
                break;
            }
        }
        units.sort_unstable();
        units.dedup();
        let unit_m2 = scale.metres([first[0] + 1.0, first[1] + 1.0]);
        area_m2.push(twice / 2.0 * unit_m2[0] * unit_m2[1]);
        perimeter_m.push(perimeter);
        labels.push(units);
        cycles.push(cycle);
    }
    Faces {
        face_of,
        area_m2,
        perimeter_m,
        labels,
        cycles,
    }
}

/// The owner of each face: the only unit holding it; for an overlap, the unit for which the
/// overlap is the largest share of its area (so a unit drawn on top of another keeps its
/// shape instead of vanishing); a sliver gap goes to the neighbour along most of its border;
/// a real gap (a lake, the sea) stays without owner.
pub(super) fn resolve(
    graph: &Graph,
    faces: &Faces,
    unit_area_m2: &[f64],
    options: &CleanOptions,
    report: &mut CleanReport,
) -> Vec<u32> {
    let count = faces.labels.len();
    let mut owner = vec![NO_UNIT; count];
    let mut gaps = Vec::new();
    let mut overlaps = Vec::new();
    for (f, slot) in owner.iter_mut().enumerate() {
        let units = &faces.labels[f];
        let area = faces.area_m2[f];
        *slot = match units.len() {
            0 => {
                if area > 0.0 {
                    gaps.push(f);
                }
                NO_UNIT
            }
            1 => units[0],
            _ => {
                if area > 0.0 {
                    report.overlaps_resolved += 1;
                    report.overlap_m2 += area;
                }
                overlaps.push(f);
                NO_UNIT
            }
        };
    }
    let cycle = &faces.cycles;
    // Overlaps: to the unit for which the overlap is most of its area (a unit drawn on top
    // of another keeps its shape), else to the unit along most of its border (a stray
    // part of a unit inside its neighbour goes to the neighbour, not left as an exclave).
    let mut border: Vec<(u32, f64)> = Vec::new();
    for f in overlaps {
        let (units, area) = (&faces.labels[f], faces.area_m2[f]);
        let share = |u: u32| area.abs() / unit_area_m2[u as usize].max(f64::MIN_POSITIVE);
        let most = units
            .iter()
            .copied()
            .max_by(|&a, &b| share(a).total_cmp(&share(b)).then(b.cmp(&a)))
            .unwrap_or(NO_UNIT);
        owner[f] = if most != NO_UNIT && share(most) > 0.5 {
            most
        } else {
            longest_border(graph, faces, &owner, &cycle[f], &mut border, |u| {
                units.contains(&u)
            })
            .unwrap_or(most)
        };
    }
    for f in gaps {
        let (area, perimeter) = (faces.area_m2[f], faces.perimeter_m[f]);
        let thin = 2.0 * area / perimeter.max(f64::MIN_POSITIVE) < options.sliver_width_m;
        let sliver =
            area < options.sliver_area_m2 || (thin && area < options.thin_sliver_max_area_m2);
        if !sliver {
            report.holes_kept += 1;
            report.holes_kept_m2 += area;
            continue;
        }
        if let Some(unit) = longest_border(graph, faces, &owner, &cycle[f], &mut border, |_| true) {
            owner[f] = unit;
            report.slivers_filled += 1;
            report.sliver_m2 += area;
        } else {
            report.holes_kept += 1;
            report.holes_kept_m2 += area;
        }
    }
    owner
}

/// The owner (among those `allowed`) of the faces across the longest part of a cycle.
fn longest_border(
    graph: &Graph,
    faces: &Faces,
    owner: &[u32],
    cycle: &[u32],
    border: &mut Vec<(u32, f64)>,
    allowed: impl Fn(u32) -> bool,
) -> Option<u32> {
    border.clear();
    for &h in cycle {
        let other = owner[faces.face_of[(h ^ 1) as usize] as usize];
        if other == NO_UNIT || !allowed(other) {
            continue;
        }
        let [a, b] = [graph.origin(h), graph.dest(h)].map(|n| graph.points[n as usize]);
        let length = length_m(&Scale::at(a), a, b);
        match border.iter_mut().find(|x| x.0 == other) {
            Some(x) => x.1 += length,
            None => border.push((other, length)),
        }
    }
    border
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|x| x.0)
}

/// The outer boundary of a connected part of the graph (a clockwise cycle) lies in a face
/// of another part, or outside everything: a unit part drawn on another unit without a hole
/// cut for it, or an island in a lake. Its outside belongs to the owner of that face.
pub(super) fn enclose(graph: &Graph, faces: &Faces, owner: &mut [u32]) {
    let part = parts(graph);
    let ring = |f: usize| -> Vec<[f64; 2]> {
        let mut points: Vec<[f64; 2]> = faces.cycles[f]
            .iter()
            .map(|&h| graph.points[graph.origin(h) as usize])
            .collect();
        if let Some(&first) = points.first() {
            points.push(first);
        }
        points
    };
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, u32>> = (0..faces.cycles.len())
        .filter(|&f| faces.area_m2[f] > 0.0)
        .map(|f| {
            let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
            for &h in &faces.cycles[f] {
                let p = graph.points[graph.origin(h) as usize];
                min = [min[0].min(p[0]), min[1].min(p[1])];
                max = [max[0].max(p[0]), max[1].max(p[1])];
            }
            GeomWithData::new(Rectangle::from_corners(min, max), f as u32)
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    for f in 0..faces.cycles.len() {
        let Some(&h) = faces.cycles[f].first() else {
            continue;
        };
        // Only an outer boundary with no unit along its outside: labels are better evidence.
        if faces.area_m2[f] >= 0.0 || owner[f] != NO_UNIT {
            continue;
        }
        let node = graph.origin(h);
        let p = graph.points[node as usize];
        let own = part[node as usize];
        let container = tree
            .locate_in_envelope_intersecting(&AABB::from_point(p))
            .map(|c| c.data as usize)
            .filter(|&c| part[graph.origin(faces.cycles[c][0]) as usize] != own)
            .filter(|&c| contains(&ring(c), p))
            .min_by(|&a, &b| faces.area_m2[a].total_cmp(&faces.area_m2[b]));
        if let Some(c) = container {
            owner[f] = owner[c];
        }
    }
}

/// Crossing-number test (the point is never on the ring: they are in different parts).
fn contains(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1])
            && a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]) > p[0]
        {
            inside = !inside;
        }
    }
    inside
}

/// The connected part of each node (union-find over the edges).
fn parts(graph: &Graph) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..graph.points.len() as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for &[a, b] in &graph.edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    (0..graph.points.len() as u32)
        .map(|x| root(&mut parent, x))
        .collect()
}

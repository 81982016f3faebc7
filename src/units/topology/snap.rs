//! The layer as directed edges between interned points (each edge with its unit on the
//! left), and the two snapping passes: vertices within the tolerance merge onto one of them,
//! then vertices within the tolerance of a segment are inserted into it, so that both sides
//! of a shared border walk the same vertices. Both passes query an R-tree: O(n log n).

use std::collections::HashMap;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::metric::Scale;

/// A directed edge with its unit on the left.
#[derive(Debug, Clone, Copy)]
pub(super) struct Edge {
    pub a: u32,
    pub b: u32,
    pub unit: u32,
}

/// Points (lon/lat, interned by their bits) and the edges of every unit's rings.
#[derive(Debug, Default)]
pub(super) struct Layer {
    pub points: Vec<[f64; 2]>,
    pub edges: Vec<Edge>,
    index: HashMap<[u64; 2], u32>,
}

impl Layer {
    /// The id of a point, interning it if new.
    pub fn intern(&mut self, p: [f64; 2]) -> u32 {
        // -0.0 and 0.0 are one point.
        let key = [(p[0] + 0.0).to_bits(), (p[1] + 0.0).to_bits()];
        let next = self.points.len() as u32;
        let id = *self.index.entry(key).or_insert(next);
        if id == next {
            self.points.push(p);
        }
        id
    }

    /// Adds a closed ring whose unit is on its left.
    pub fn add_ring(&mut self, ring: &[[f64; 2]], unit: u32) {
        let ids: Vec<u32> = ring.iter().map(|&p| self.intern(p)).collect();
        for w in ids.windows(2) {
            if w[0] != w[1] {
                self.edges.push(Edge {
                    a: w[0],
                    b: w[1],
                    unit,
                });
            }
        }
    }

    /// Undirected segments (low id first) and, per edge, its segment.
    pub fn segments(&self) -> (Vec<[u32; 2]>, Vec<u32>) {
        let mut ids: HashMap<[u32; 2], u32> = HashMap::with_capacity(self.edges.len());
        let mut segments = Vec::new();
        let of_edge = self
            .edges
            .iter()
            .map(|e| {
                let key = [e.a.min(e.b), e.a.max(e.b)];
                *ids.entry(key).or_insert_with(|| {
                    segments.push(key);
                    segments.len() as u32 - 1
                })
            })
            .collect();
        (segments, of_edge)
    }

    /// Replaces each edge by the chain through the points inserted into its segment
    /// (`inserted[s]`: (parameter from the low end, point)), dropping repeated points.
    pub fn split(
        &mut self,
        of_edge: &[u32],
        segments: &[[u32; 2]],
        inserted: Vec<Vec<(f64, u32)>>,
    ) {
        let mut inserted = inserted;
        for list in &mut inserted {
            list.sort_by(|x, y| x.0.total_cmp(&y.0));
            list.dedup_by_key(|x| x.1);
        }
        let mut edges = Vec::with_capacity(self.edges.len());
        for (e, &s) in self.edges.iter().zip(of_edge) {
            let list = &inserted[s as usize];
            if list.is_empty() {
                edges.push(*e);
                continue;
            }
            let forward = segments[s as usize][0] == e.a;
            let mut chain = vec![e.a];
            if forward {
                chain.extend(list.iter().map(|x| x.1));
            } else {
                chain.extend(list.iter().rev().map(|x| x.1));
            }
            chain.push(e.b);
            chain.dedup();
            for w in chain.windows(2) {
                if w[0] != w[1] {
                    edges.push(Edge {
                        a: w[0],
                        b: w[1],
                        unit: e.unit,
                    });
                }
            }
        }
        self.edges = edges;
    }
}

/// Merges every vertex within `tolerance_m` of an earlier kept vertex onto it; returns how
/// many vertices moved.
pub(super) fn snap_vertices(layer: &mut Layer, scale: &Scale, tolerance_m: f64) -> usize {
    let mut used = vec![false; layer.points.len()];
    for e in &layer.edges {
        used[e.a as usize] = true;
        used[e.b as usize] = true;
    }
    let items: Vec<GeomWithData<[f64; 2], u32>> = (0..layer.points.len())
        .filter(|&i| used[i])
        .map(|i| GeomWithData::new(scale.metres(layer.points[i]), i as u32))
        .collect();
    let tree = RTree::bulk_load(items);
    let mut rep: Vec<u32> = (0..layer.points.len() as u32).collect();
    let mut done = vec![false; layer.points.len()];
    let mut moved = 0;
    let squared = tolerance_m * tolerance_m;
    for i in 0..layer.points.len() {
        if !used[i] || done[i] {
            continue;
        }
        done[i] = true;
        let at = scale.metres(layer.points[i]);
        for near in tree.locate_within_distance(at, squared) {
            let j = near.data as usize;
            if !done[j] {
                done[j] = true;
                rep[j] = i as u32;
                moved += 1;
            }
        }
    }
    layer.edges = layer
        .edges
        .iter()
        .map(|e| Edge {
            a: rep[e.a as usize],
            b: rep[e.b as usize],
            unit: e.unit,
        })
        .filter(|e| e.a != e.b)
        .collect();
    moved
}

/// Inserts every vertex lying within `tolerance_m` of a segment (and between its ends) into
/// that segment; returns how many insertions were made.
pub(super) fn snap_to_segments(layer: &mut Layer, scale: &Scale, tolerance_m: f64) -> usize {
    let (segments, of_edge) = layer.segments();
    let metres: Vec<[f64; 2]> = layer.points.iter().map(|&p| scale.metres(p)).collect();
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, u32>> = segments
        .iter()
        .enumerate()
        .map(|(s, &[a, b])| {
            let rect = Rectangle::from_corners(metres[a as usize], metres[b as usize]);
            GeomWithData::new(rect, s as u32)
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut vertices: Vec<u32> = segments.iter().flatten().copied().collect();
    vertices.sort_unstable();
    vertices.dedup();
    let mut inserted: Vec<Vec<(f64, u32)>> = vec![Vec::new(); segments.len()];
    let mut count = 0;
    for &p in &vertices {
        let at = metres[p as usize];
        let query = AABB::from_corners(
            [at[0] - tolerance_m, at[1] - tolerance_m],
            [at[0] + tolerance_m, at[1] + tolerance_m],
        );
        for hit in tree.locate_in_envelope_intersecting(&query) {
            let [a, b] = segments[hit.data as usize];
            if a == p || b == p {
                continue;
            }
            let (pa, pb) = (metres[a as usize], metres[b as usize]);
            let d = [pb[0] - pa[0], pb[1] - pa[1]];
            let len2 = d[0] * d[0] + d[1] * d[1];
            if len2 <= 0.0 {
                continue;
            }
            let t = ((at[0] - pa[0]) * d[0] + (at[1] - pa[1]) * d[1]) / len2;
            if t <= 0.0 || t >= 1.0 {
                continue;
            }
            let foot = [pa[0] + t * d[0], pa[1] + t * d[1]];
            if (at[0] - foot[0]).hypot(at[1] - foot[1]) < tolerance_m {
                inserted[hit.data as usize].push((t, p));
                count += 1;
            }
        }
    }
    if count > 0 {
        layer.split(&of_edge, &segments, inserted);
    }
    count
}

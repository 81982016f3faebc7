//! The graph a design works on: units as nodes, an edge between units that share a border
//! (with the border's length, for compactness), and one extra edge from every island (a set
//! of units that touches no other) to its nearest mainland unit, so that a territory may hold
//! the Wadden islands and still count as one connected set.

use std::collections::BTreeMap;

use crate::engine::haversine_km;
use crate::units::layer::UnitLayer;
use crate::units::topology::NO_UNIT;

/// The adjacency graph of a layer of units, with what compactness needs.
#[derive(Debug, Clone)]
pub struct UnitGraph {
    /// Per unit: its neighbours and the length of the border shared with each, km (0 for an
    /// island's link), sorted by neighbour.
    pub next: Vec<Vec<(u32, f64)>>,
    /// Per unit: its whole perimeter, km (its outer borders included).
    pub perimeter_km: Vec<f64>,
    /// Per unit: its area, km².
    pub area_km2: Vec<f64>,
    /// Per unit: its planar area (degrees²), what a centroid of several units is weighed by.
    pub planar: Vec<f64>,
    /// Per unit: its planar centroid (lon, lat).
    pub centroid: Vec<(f64, f64)>,
}

impl UnitGraph {
    /// The graph of `layer` (its measures are built on first use).
    pub fn of(layer: &UnitLayer) -> UnitGraph {
        let topology = &layer.topology;
        let measures = layer.measures();
        let n = topology.unit_count();
        let mut perimeter_km = vec![0.0; n];
        let mut shared: BTreeMap<(u32, u32), f64> = BTreeMap::new();
        for arc in 0..topology.arcs().len() {
            let [left, right] = topology.sides(arc as u32);
            let km = measures.arc_m(arc) / 1e3;
            if left == right {
                continue;
            }
            for side in [left, right] {
                if side != NO_UNIT {
                    perimeter_km[side as usize] += km;
                }
            }
            if left != NO_UNIT && right != NO_UNIT {
                *shared
                    .entry((left.min(right), left.max(right)))
                    .or_default() += km;
            }
        }
        let mut next = vec![Vec::new(); n];
        for (&(a, b), &km) in &shared {
            next[a as usize].push((b, km));
            next[b as usize].push((a, km));
        }
        let (mut area_km2, mut planar, mut centroid) = (vec![0.0; n], vec![0.0; n], vec![]);
        for u in 0..n {
            let (m2, deg2, c) = measures.unit(u);
            area_km2[u] = m2 / 1e6;
            planar[u] = deg2;
            centroid.push(c);
        }
        let mut graph = UnitGraph {
            next,
            perimeter_km,
            area_km2,
            planar,
            centroid,
        };
        graph.link_islands();
        for list in &mut graph.next {
            list.sort_by_key(|&(v, _)| v);
        }
        graph
    }

    /// How many units.
    pub fn len(&self) -> usize {
        self.next.len()
    }

    /// Whether the graph has no units.
    pub fn is_empty(&self) -> bool {
        self.next.is_empty()
    }

    /// Distance between two units' centroids, km.
    pub fn distance_km(&self, a: u32, b: u32) -> f64 {
        let (p, q) = (self.centroid[a as usize], self.centroid[b as usize]);
        haversine_km(p.0, p.1, q.0, q.1)
    }

    /// The connected components, largest first (ties: the one holding the lowest unit).
    pub fn components(&self) -> Vec<Vec<u32>> {
        let mut seen = vec![false; self.len()];
        let mut parts = Vec::new();
        for start in 0..self.len() {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut part = vec![start as u32];
            let mut k = 0;
            while k < part.len() {
                for &(v, _) in &self.next[part[k] as usize] {
                    if !std::mem::replace(&mut seen[v as usize], true) {
                        part.push(v);
                    }
                }
                k += 1;
            }
            parts.push(part);
        }
        parts.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        parts
    }

    /// Links every component but the largest to the mainland (the largest) by an edge
    /// between the closest pair of centroids.
    fn link_islands(&mut self) {
        let parts = self.components();
        let Some((mainland, islands)) = parts.split_first() else {
            return;
        };
        for island in islands {
            let mut best: Option<(f64, u32, u32)> = None;
            for &a in island {
                for &b in mainland {
                    let d = self.distance_km(a, b);
                    if best.is_none_or(|(e, ..)| d < e) {
                        best = Some((d, a, b));
                    }
                }
            }
            if let Some((_, a, b)) = best {
                self.next[a as usize].push((b, 0.0));
                self.next[b as usize].push((a, 0.0));
            }
        }
    }
}

/// Whether the units of territory `t` (by `of`) form one connected set of `graph`; true for
/// a territory without units.
pub fn is_connected(graph: &UnitGraph, of: &[u32], t: u32) -> bool {
    let members: Vec<u32> = (0..of.len() as u32)
        .filter(|&u| of[u as usize] == t)
        .collect();
    let Some(&first) = members.first() else {
        return true;
    };
    let mut seen = vec![false; of.len()];
    seen[first as usize] = true;
    let mut stack = vec![first];
    let mut reached = 1;
    while let Some(u) = stack.pop() {
        for &(v, _) in &graph.next[u as usize] {
            if of[v as usize] == t && !std::mem::replace(&mut seen[v as usize], true) {
                reached += 1;
                stack.push(v);
            }
        }
    }
    reached == members.len()
}

//! Makes the borders between regions exact: after the boolean operations, the two sides of
//! a border differ by a few nanodegrees; here they become bitwise identical vertices.

use std::collections::{BTreeSet, HashMap};

use anyhow::{Result, bail, ensure};

use crate::grid::{Pt, Region, Ring, SNAP_TOL, cross, dot, ring_area2};

/// What [`repair`] changed.
pub struct Repairs {
    /// Vertices merged with a neighbour's.
    pub merged: usize,
    /// Vertices inserted into another region's edges.
    pub inserted: usize,
}

/// Makes the borders between regions exact: merges near-identical vertices of
/// different regions, then inserts every vertex that lies on another region's
/// edge into that edge, until nothing changes. Finally orients the rings.
pub fn repair(regions: &mut [Region]) -> Result<Repairs> {
    let merged = merge_close_vertices(regions)?;
    clean(regions);
    let mut total = 0;
    for _ in 0..10 {
        let inserted = insert_shared_vertices(regions);
        total += inserted;
        clean(regions);
        if inserted == 0 {
            orient(regions);
            return Ok(Repairs {
                merged,
                inserted: total,
            });
        }
    }
    bail!("inserting shared vertices did not converge")
}

/// Replaces every vertex by the smallest vertex (in (x, y) order) of its
/// cluster, where clusters connect vertices at most [`SNAP_TOL`] grid steps
/// apart in both coordinates. The choice does not depend on iteration order,
/// which keeps the output deterministic. Returns the number of vertices moved.
fn merge_close_vertices(regions: &mut [Region]) -> Result<usize> {
    let points: Vec<Pt> = all_points(regions).into_iter().collect();
    let index: HashMap<Pt, usize> = points.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut parent: Vec<usize> = (0..points.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, &(x, y)) in points.iter().enumerate() {
        for dx in -SNAP_TOL..=SNAP_TOL {
            for dy in -SNAP_TOL..=SNAP_TOL {
                if let Some(&j) = index.get(&(x + dx, y + dy)) {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    // The smaller index (= smaller point) becomes the root.
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut replacement = HashMap::new();
    for (i, &p) in points.iter().enumerate() {
        let target = points[root(&mut parent, i)];
        // Chains of close vertices could drag a vertex far away; refuse.
        ensure!(
            (p.0 - target.0).abs() <= 4 * SNAP_TOL && (p.1 - target.1).abs() <= 4 * SNAP_TOL,
            "vertex cluster too large at {p:?}"
        );
        if target != p {
            replacement.insert(p, target);
        }
    }
    for point in regions.iter_mut().flatten().flatten().flatten() {
        if let Some(&target) = replacement.get(point) {
            *point = target;
        }
    }
    Ok(replacement.len())
}

/// All distinct vertices of the given regions, sorted.
fn all_points(regions: &[Region]) -> BTreeSet<Pt> {
    regions
        .iter()
        .flatten()
        .flatten()
        .flatten()
        .copied()
        .collect()
}

/// Side length (grid steps) of the buckets of the vertex index.
const BUCKET: i64 = 10_000;

/// Inserts into every edge of every region the vertices of the other regions
/// that lie within [`SNAP_TOL`] grid steps of the edge's interior. Returns the
/// number of insertions.
fn insert_shared_vertices(regions: &mut [Region]) -> usize {
    let mut inserted = 0;
    for r in 0..regions.len() {
        let others: BTreeSet<Pt> = regions
            .iter()
            .enumerate()
            .filter(|&(o, _)| o != r)
            .flat_map(|(_, region)| region.iter().flatten().flatten().copied())
            .collect();
        let mut buckets: HashMap<Pt, Vec<Pt>> = HashMap::new();
        for p in others {
            buckets
                .entry((p.0.div_euclid(BUCKET), p.1.div_euclid(BUCKET)))
                .or_default()
                .push(p);
        }
        for ring in regions[r].iter_mut().flatten() {
            let mut out = Vec::with_capacity(ring.len());
            for i in 0..ring.len() {
                let (p, q) = (ring[i], ring[(i + 1) % ring.len()]);
                out.push(p);
                let mut found: Vec<(i128, Pt)> = Vec::new();
                let (x0, x1) = (p.0.min(q.0) - SNAP_TOL, p.0.max(q.0) + SNAP_TOL);
                let (y0, y1) = (p.1.min(q.1) - SNAP_TOL, p.1.max(q.1) + SNAP_TOL);
                for bx in x0.div_euclid(BUCKET)..=x1.div_euclid(BUCKET) {
                    for by in y0.div_euclid(BUCKET)..=y1.div_euclid(BUCKET) {
                        for &v in buckets.get(&(bx, by)).into_iter().flatten() {
                            if v != p
                                && v != q
                                && let Some(t) = position_on_edge(p, q, v)
                            {
                                found.push((t, v));
                            }
                        }
                    }
                }
                found.sort_unstable();
                found.dedup();
                inserted += found.len();
                out.extend(found.into_iter().map(|(_, v)| v));
            }
            *ring = out;
        }
    }
    inserted
}

/// If `v` lies within [`SNAP_TOL`] of the interior of edge `p`-`q`, returns
/// its position along the edge (dot product, for sorting). Exact arithmetic.
fn position_on_edge(p: Pt, q: Pt, v: Pt) -> Option<i128> {
    let (ex, ey) = ((q.0 - p.0) as i128, (q.1 - p.1) as i128);
    let (vx, vy) = ((v.0 - p.0) as i128, (v.1 - p.1) as i128);
    let len2 = ex * ex + ey * ey;
    let dot = vx * ex + vy * ey;
    let cross = ex * vy - ey * vx;
    let tol = SNAP_TOL as i128;
    (dot > 0 && dot < len2 && cross * cross <= tol * tol * len2).then_some(dot)
}

/// Removes repeated consecutive vertices and zero-width spikes (a vertex where
/// the ring turns straight back), then drops rings without area and polygons
/// without an exterior.
fn clean(regions: &mut [Region]) {
    for region in regions.iter_mut() {
        for polygon in region.iter_mut() {
            for ring in polygon.iter_mut() {
                clean_ring(ring);
            }
            if polygon.first().is_some_and(|r| ring_area2(r) == 0) {
                polygon.clear();
            }
            polygon.retain(|r| ring_area2(r) != 0);
        }
        region.retain(|polygon| !polygon.is_empty());
    }
}

/// See [`clean`].
fn clean_ring(ring: &mut Ring) {
    loop {
        let before = ring.len();
        ring.dedup();
        while ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        let n = ring.len();
        if n < 3 {
            ring.clear();
            return;
        }
        if let Some(i) = (0..n).find(|&i| {
            let (a, b, c) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            cross(a, b, c) == 0 && dot(a, b, c) <= 0
        }) {
            ring.remove(i);
        }
        if ring.len() == before {
            return;
        }
    }
}

/// RFC 7946 winding: exteriors counter-clockwise, holes clockwise.
fn orient(regions: &mut [Region]) {
    for polygon in regions.iter_mut().flatten() {
        for (i, ring) in polygon.iter_mut().enumerate() {
            if (ring_area2(ring) > 0) != (i == 0) {
                ring.reverse();
            }
        }
    }
}

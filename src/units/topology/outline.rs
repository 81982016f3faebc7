//! Outlines from arcs: the half-arcs with a member on the left and a non-member on the
//! right are chained into rings (at each node, the first border half-arc clockwise from the
//! way back, so the set stays on the left and rings touching at a node stay apart);
//! counter-clockwise rings are outer rings, clockwise ones holes, each hole placed in the
//! smallest outer ring containing it.

use std::collections::HashMap;

use geo::{LineString, MultiPolygon, Polygon};

use super::metric::twice_signed_area;
use super::{ArcRef, NO_UNIT, Topology};

/// The outline of the units in `members`.
pub(super) fn outline(topology: &Topology, members: &[u32]) -> MultiPolygon<f64> {
    let polygons = nest(topology, rings_of(topology, members));
    polygons_of(topology, &polygons)
}

/// The rings (as arc references) bounding the set `members`.
pub(super) fn rings_of(topology: &Topology, members: &[u32]) -> Vec<Vec<ArcRef>> {
    let units = topology.units.len();
    let mut in_set = vec![0u64; units.div_ceil(64)];
    for &m in members {
        if (m as usize) < units {
            in_set[m as usize / 64] |= 1 << (m % 64);
        }
    }
    let member = |u: u32| {
        u != NO_UNIT && (u as usize) < units && in_set[u as usize / 64] >> (u % 64) & 1 == 1
    };
    let mut candidates: Vec<u32> = Vec::new();
    for &m in members {
        if (m as usize) < units {
            for ring in topology.units[m as usize].iter().flatten() {
                candidates.extend(ring.iter().map(|r| r.half()));
            }
        }
    }
    walk(topology, candidates, member)
}

/// Chains the border half-arcs among `candidates` (those with a member on the left and a
/// non-member on the right) into rings.
pub(super) fn walk(
    topology: &Topology,
    candidates: Vec<u32>,
    member: impl Fn(u32) -> bool,
) -> Vec<Vec<ArcRef>> {
    let border = |h: u32| member(topology.left_of(h)) && !member(topology.left_of(h ^ 1));
    let mut done = vec![0u64; (topology.arcs.len() * 2).div_ceil(64)];
    let is_done = |done: &[u64], h: u32| done[h as usize / 64] >> (h % 64) & 1 == 1;
    let mut rings = Vec::new();
    for start in candidates {
        if is_done(&done, start) || !border(start) {
            continue;
        }
        let mut ring = Vec::new();
        let mut h = start;
        // A ring has at most as many half-arcs as there are; the bound guards against a
        // topology whose node order is inconsistent (e.g. arcs that cross after simplifying).
        for _ in 0..=topology.arcs.len() * 2 {
            done[h as usize / 64] |= 1 << (h % 64);
            ring.push(ArcRef::from_half(h));
            let (around, at) = topology.nodes.around(h ^ 1);
            let next = (1..=around.len())
                .map(|k| around[(at + around.len() - k) % around.len()])
                .find(|&o| border(o));
            match next {
                Some(o) if o == start => break,
                Some(o) if !is_done(&done, o) => h = o,
                _ => break,
            }
        }
        split_at_repeated_nodes(topology, ring, &mut rings);
    }
    rings
}

/// Splits a ring that passes a node twice (a hole touching its outer ring at a point walks
/// out and back through that node) into simple rings, as OGC validity wants.
fn split_at_repeated_nodes(topology: &Topology, ring: Vec<ArcRef>, out: &mut Vec<Vec<ArcRef>>) {
    let node = |r: &ArcRef| topology.nodes.node_of[r.half() as usize];
    let mut stack: Vec<ArcRef> = Vec::with_capacity(ring.len());
    let mut at: HashMap<u32, usize> = HashMap::new();
    for r in ring {
        let n = node(&r);
        if let Some(&p) = at.get(&n) {
            let closed = stack.split_off(p);
            for x in &closed {
                at.remove(&node(x));
            }
            out.push(closed);
        }
        at.insert(n, stack.len());
        stack.push(r);
    }
    if !stack.is_empty() {
        out.push(stack);
    }
}

/// The points of a ring of arc references, closed.
pub(super) fn ring_points(topology: &Topology, ring: &[ArcRef]) -> Vec<[f64; 2]> {
    let mut points: Vec<[f64; 2]> = Vec::new();
    for r in ring {
        let arc = &topology.arcs[r.arc as usize];
        let skip = usize::from(!points.is_empty());
        if r.reversed {
            points.extend(arc.iter().rev().skip(skip));
        } else {
            points.extend(arc.iter().skip(skip));
        }
    }
    if points.first() != points.last()
        && let Some(&first) = points.first()
    {
        points.push(first);
    }
    points
}

/// Where a point lies with respect to a closed ring.
#[derive(PartialEq)]
enum Place {
    Inside,
    Outside,
    Boundary,
}

fn place(ring: &[[f64; 2]], p: [f64; 2]) -> Place {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a == p {
            return Place::Boundary;
        }
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if x == p[0] {
                return Place::Boundary;
            }
            if x > p[0] {
                inside = !inside;
            }
        }
    }
    if inside {
        Place::Inside
    } else {
        Place::Outside
    }
}

fn bbox(points: &[[f64; 2]]) -> [f64; 4] {
    points.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

/// Groups rings into polygons: each counter-clockwise ring with the clockwise rings it
/// holds (smallest container wins); rings without area are dropped.
pub(super) fn nest(topology: &Topology, rings: Vec<Vec<ArcRef>>) -> Vec<Vec<Vec<ArcRef>>> {
    struct Ring {
        refs: Vec<ArcRef>,
        points: Vec<[f64; 2]>,
        area: f64,
        bbox: [f64; 4],
    }
    let (mut outers, mut holes) = (Vec::new(), Vec::new());
    for refs in rings {
        let points = ring_points(topology, &refs);
        let area = twice_signed_area(&points);
        let ring = Ring {
            bbox: bbox(&points),
            refs,
            points,
            area,
        };
        if area > 0.0 {
            outers.push(ring);
        } else if area < 0.0 {
            holes.push(ring);
        }
    }
    let mut polygons: Vec<Vec<Vec<ArcRef>>> = Vec::with_capacity(outers.len());
    for outer in &outers {
        polygons.push(vec![outer.refs.clone()]);
    }
    for hole in holes {
        let mut best: Option<(usize, f64)> = None;
        for (i, outer) in outers.iter().enumerate() {
            let (o, h) = (outer.bbox, hole.bbox);
            if o[0] > h[0] || o[1] > h[1] || o[2] < h[2] || o[3] < h[3] {
                continue;
            }
            if best.is_some_and(|(_, area)| area <= outer.area) {
                continue;
            }
            let verdict = hole
                .points
                .iter()
                .map(|&p| place(&outer.points, p))
                .find(|p| *p != Place::Boundary);
            if verdict != Some(Place::Outside) {
                best = Some((i, outer.area));
            }
        }
        if let Some((i, _)) = best {
            polygons[i].push(hole.refs);
        }
    }
    polygons
}

/// The shape of polygons given as rings of arc references.
pub(super) fn polygons_of(topology: &Topology, polygons: &[Vec<Vec<ArcRef>>]) -> MultiPolygon<f64> {
    let line = |ring: &Vec<ArcRef>| {
        LineString::from(
            ring_points(topology, ring)
                .into_iter()
                .map(|p| (p[0], p[1]))
                .collect::<Vec<_>>(),
        )
    };
    MultiPolygon::new(
        polygons
            .iter()
            .filter_map(|rings| {
                let (outer, holes) = rings.split_first()?;
                Some(Polygon::new(line(outer), holes.iter().map(line).collect()))
            })
            .collect(),
    )
}

//! Geometry on the 1e-6 degree grid: the types, rounding onto the grid and back, exact
//! predicates, and the exact validity check of a region.

use anyhow::{Result, ensure};
use geo::{Coord, LineString, MultiPolygon, Polygon};

/// Grid steps per degree: output coordinates are multiples of 1e-6 degrees
/// (about 0.1 m), i.e. they have at most 6 decimals.
pub const SCALE: f64 = 1e6;

/// Vertices of the regions closer than this many grid steps are taken to be
/// the same point. The boolean operations are accurate to a few nanodegrees,
/// so after snapping, copies of one point differ by at most one step; two is
/// a safety margin that is still far below the spacing of real vertices
/// (the Natural Earth coastline is quantized to about 1e-4 degrees).
pub const SNAP_TOL: i64 = 2;

/// A point on the 1e-6 degree grid: (lon, lat) in millionths of a degree.
pub type Pt = (i64, i64);
/// A ring as an open list of vertices (the closing vertex is implied).
pub type Ring = Vec<Pt>;
/// A polygon: the exterior ring first, then the holes.
pub type Poly = Vec<Ring>;
/// A region: the polygons of a MultiPolygon.
pub type Region = Vec<Poly>;

/// Rounds a MultiPolygon onto the 1e-6 degree grid.
pub fn snap(multi_polygon: &MultiPolygon) -> Region {
    let snap_ring = |ring: &LineString| -> Ring {
        let mut points: Ring = ring
            .coords()
            .map(|c| ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64))
            .collect();
        if points.len() > 1 && points.first() == points.last() {
            points.pop();
        }
        points
    };
    multi_polygon
        .iter()
        .map(|polygon| {
            std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .map(snap_ring)
                .collect()
        })
        .collect()
}

/// Converts a grid coordinate to degrees. The division is correctly rounded,
/// so the result prints as (at most) 6 decimals and parses back bit for bit.
pub fn degrees(v: i64) -> f64 {
    v as f64 / SCALE
}

/// Converts grid geometry back to degrees.
pub fn to_geo(region: &Region) -> MultiPolygon {
    MultiPolygon(
        region
            .iter()
            .map(|polygon| {
                let mut rings = polygon.iter().map(|ring| {
                    LineString::from(
                        ring.iter()
                            .map(|&(x, y)| Coord {
                                x: degrees(x),
                                y: degrees(y),
                            })
                            .collect::<Vec<_>>(),
                    )
                });
                let exterior = rings.next().unwrap_or_else(|| LineString(vec![]));
                Polygon::new(exterior, rings.collect())
            })
            .collect(),
    )
}

/// Cross product of (b - a) and (c - b): positive for a left turn at b.
pub fn cross(a: Pt, b: Pt, c: Pt) -> i128 {
    (b.0 - a.0) as i128 * (c.1 - b.1) as i128 - (b.1 - a.1) as i128 * (c.0 - b.0) as i128
}

/// Dot product of (b - a) and (c - b): negative when the path turns back at b.
pub fn dot(a: Pt, b: Pt, c: Pt) -> i128 {
    (b.0 - a.0) as i128 * (c.0 - b.0) as i128 + (b.1 - a.1) as i128 * (c.1 - b.1) as i128
}

/// Twice the signed area of a ring (positive = counter-clockwise).
pub fn ring_area2(ring: &Ring) -> i128 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            a.0 as i128 * b.1 as i128 - b.0 as i128 * a.1 as i128
        })
        .sum()
}

/// Checks a region exactly on the grid: rings have at least 3 vertices and no
/// repeated consecutive ones, exteriors are counter-clockwise and holes
/// clockwise, no ring touches itself, and different rings meet at most in
/// common vertices (never crossing or overlapping).
pub fn check_region(region: &Region) -> Result<()> {
    ensure!(!region.is_empty(), "empty");
    struct Edge {
        a: Pt,
        b: Pt,
        ring: usize,
        index: usize,
        len: usize,
    }
    let mut edges = Vec::new();
    let all_rings = region.iter().flat_map(|polygon| polygon.iter().enumerate());
    for (ring_id, (index_in_polygon, ring)) in all_rings.enumerate() {
        let n = ring.len();
        ensure!(n >= 3, "ring with {n} vertices");
        ensure!(
            (ring_area2(ring) > 0) == (index_in_polygon == 0),
            "wrong winding of ring {ring_id}"
        );
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            ensure!(a != b, "repeated vertex {a:?}");
            edges.push(Edge {
                a,
                b,
                ring: ring_id,
                index: i,
                len: n,
            });
        }
    }
    edges.sort_by_key(|e| e.a.0.min(e.b.0));
    for (i, e) in edges.iter().enumerate() {
        let max_x = e.a.0.max(e.b.0);
        for f in edges[i + 1..]
            .iter()
            .take_while(|f| f.a.0.min(f.b.0) <= max_x)
        {
            if !segments_intersect(e.a, e.b, f.a, f.b) {
                continue;
            }
            let same_ring = e.ring == f.ring;
            let adjacent =
                same_ring && ((e.index + 1) % e.len == f.index || (f.index + 1) % f.len == e.index);
            let shared = [e.a, e.b]
                .iter()
                .find(|p| **p == f.a || **p == f.b)
                .copied();
            let ok = match shared {
                // Only a point contact is fine, and within one ring only
                // between consecutive edges.
                Some(s) if adjacent || !same_ring => {
                    let (e_other, f_other) = (
                        if e.a == s { e.b } else { e.a },
                        if f.a == s { f.b } else { f.a },
                    );
                    !(cross(e_other, s, f_other) == 0 && dot(e_other, s, f_other) < 0)
                }
                _ => false,
            };
            ensure!(
                ok,
                "edges {:?}-{:?} and {:?}-{:?} intersect",
                e.a,
                e.b,
                f.a,
                f.b
            );
        }
    }
    Ok(())
}

/// Whether closed segments a-b and c-d have a point in common (exact).
fn segments_intersect(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let orientation = |p: Pt, q: Pt, r: Pt| {
        ((q.0 - p.0) as i128 * (r.1 - p.1) as i128 - (q.1 - p.1) as i128 * (r.0 - p.0) as i128)
            .signum()
    };
    let on_segment = |p: Pt, q: Pt, r: Pt| {
        r.0 >= p.0.min(q.0) && r.0 <= p.0.max(q.0) && r.1 >= p.1.min(q.1) && r.1 <= p.1.max(q.1)
    };
    let (o1, o2, o3, o4) = (
        orientation(a, b, c),
        orientation(a, b, d),
        orientation(c, d, a),
        orientation(c, d, b),
    );
    (o1 * o2 < 0 && o3 * o4 < 0)
        || (o1 == 0 && on_segment(a, b, c))
        || (o2 == 0 && on_segment(a, b, d))
        || (o3 == 0 && on_segment(c, d, a))
        || (o4 == 0 && on_segment(c, d, b))
}

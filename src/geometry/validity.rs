//! Shape validity as geo's `Validation` defines it (OGC simple features), checked in
//! O(n log n) for ordinary shapes.
//!
//! geo tests every pair of a ring's segments for a self-crossing (quadratic: 100 s for a
//! 100,000-vertex circle) and relates every pair of parts and holes. Here the self-crossing
//! test uses an R-tree of segments ([`crossings`](super::crossings)), and rings or parts whose
//! bounding boxes are apart are not related at all (they cannot touch); where boxes meet,
//! geo's `relate` decides, as geo's validation does. So the verdict is geo's, only faster.

use std::fmt;

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{
    BoundingRect, LineString, MultiPolygon, Polygon, PreparedGeometry, Relate, RemoveRepeatedPoints,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::crossings::{Budget, OverBudget, has_self_crossing};

/// One ring of a multipolygon: 0-based part and ring (ring 0 is the outer ring).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingId {
    /// The polygon within the multipolygon.
    pub part: usize,
    /// The ring within the polygon: 0 is the outer ring, then the holes.
    pub ring: usize,
    /// Whether the multipolygon has more than one part (then messages name the part).
    pub several_parts: bool,
}

impl fmt::Display for RingId {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.several_parts {
            write!(f, "part {}, ", self.part + 1)?;
        }
        match self.ring {
            0 => write!(f, "outer ring"),
            h => write!(f, "ring {} (hole {h})", h + 1),
        }
    }
}

/// The first thing found wrong with a shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A ring with fewer than 4 distinct points (3 corners and the closing one).
    TooFewPoints(RingId),
    /// A coordinate that is NaN or infinite.
    NonFinite(RingId),
    /// A ring that crosses or touches itself.
    SelfCrossing(RingId),
    /// A hole that is not inside its outer ring.
    HoleOutside(RingId),
    /// Two rings of one polygon that share a stretch of border, or whose areas overlap.
    RingsMeet(RingId, RingId),
    /// Two parts whose areas overlap (part numbers, 0-based).
    PartsOverlap(usize, usize),
    /// Two parts that share a stretch of border (part numbers, 0-based).
    PartsTouchOnALine(usize, usize),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Problem::TooFewPoints(r) => write!(f, "{r} has fewer than 4 distinct positions"),
            Problem::NonFinite(r) => write!(f, "{r} has a coordinate that is not a number"),
            Problem::SelfCrossing(r) => write!(f, "{r} crosses or touches itself"),
            Problem::HoleOutside(r) => write!(f, "{r} is not inside the outer ring"),
            Problem::RingsMeet(a, b) => write!(f, "{a} and {b} overlap or share a border"),
            Problem::PartsOverlap(a, b) => write!(f, "parts {} and {} overlap", a + 1, b + 1),
            Problem::PartsTouchOnALine(a, b) => {
                write!(f, "parts {} and {} share a border", a + 1, b + 1)
            }
        }
    }
}

/// The first problem of `shape`, `None` when it is valid (geo's rules), or [`OverBudget`]
/// when it is too intricate to check within `budget`.
pub fn first_problem(
    shape: &MultiPolygon<f64>,
    budget: &mut Budget,
) -> Result<Option<Problem>, OverBudget> {
    let several_parts = shape.0.len() > 1;
    for (part, polygon) in shape.0.iter().enumerate() {
        let id = |ring| RingId {
            part,
            ring,
            several_parts,
        };
        if let Some(problem) = ring_problem(polygon, id, budget)? {
            return Ok(Some(problem));
        }
        if let Some(problem) = hole_problem(polygon, id) {
            return Ok(Some(problem));
        }
    }
    Ok(parts_problem(shape))
}

/// Whether `shape` is valid by geo's rules; a shape too intricate to check counts as invalid.
pub fn is_valid(shape: &MultiPolygon<f64>) -> bool {
    matches!(first_problem(shape, &mut Budget::default()), Ok(None))
}

/// Problems of single rings: too few points, non-finite coordinates, self-crossings.
fn ring_problem(
    polygon: &Polygon<f64>,
    id: impl Fn(usize) -> RingId,
    budget: &mut Budget,
) -> Result<Option<Problem>, OverBudget> {
    for (r, ring) in rings(polygon).enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        if ring.0.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
            return Ok(Some(Problem::NonFinite(id(r))));
        }
        if ring.remove_repeated_points().0.len() < 4 {
            return Ok(Some(Problem::TooFewPoints(id(r))));
        }
        if has_self_crossing(ring, budget)? {
            return Ok(Some(Problem::SelfCrossing(id(r))));
        }
    }
    Ok(None)
}

/// Holes must lie inside the outer ring, touch it and each other at points only, and not
/// overlap each other. Holes whose boxes are apart cannot meet and are not related.
fn hole_problem(polygon: &Polygon<f64>, id: impl Fn(usize) -> RingId) -> Option<Problem> {
    let holes: Vec<(usize, &LineString<f64>)> = polygon
        .interiors()
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.0.is_empty())
        .map(|(k, h)| (k + 1, h))
        .collect();
    if holes.is_empty() {
        return None;
    }
    let outer = Polygon::new(polygon.exterior().clone(), vec![]);
    let outer = PreparedGeometry::from(&outer);
    let as_polygons: Vec<Polygon<f64>> = holes
        .iter()
        .map(|(_, h)| Polygon::new((*h).clone(), vec![]))
        .collect();
    for (k, (r, _)) in holes.iter().enumerate() {
        let hole = PreparedGeometry::from(&as_polygons[k]);
        let matrix = outer.relate(&hole);
        if !matrix.is_contains() {
            return Some(Problem::HoleOutside(id(*r)));
        }
        if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(Problem::RingsMeet(id(0), id(*r)));
        }
    }
    for (a, b) in box_pairs(as_polygons.iter().map(|p| p.bounding_rect())) {
        let matrix = as_polygons[a].relate(&as_polygons[b]);
        if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional
            || matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
        {
            return Some(Problem::RingsMeet(id(holes[a].0), id(holes[b].0)));
        }
    }
    None
}

/// Parts of a multipolygon must not overlap nor share a stretch of border.
fn parts_problem(shape: &MultiPolygon<f64>) -> Option<Problem> {
    for (a, b) in box_pairs(shape.0.iter().map(|p| p.bounding_rect())) {
        let matrix = shape.0[a].relate(&shape.0[b]);
        if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
            return Some(Problem::PartsOverlap(a, b));
        }
        if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(Problem::PartsTouchOnALine(a, b));
        }
    }
    None
}

/// Index pairs `(a, b)`, `a < b`, whose boxes meet (boxes that are `None` meet nothing),
/// in order of `a` then `b`.
fn box_pairs(boxes: impl Iterator<Item = Option<geo::Rect<f64>>>) -> Vec<(usize, usize)> {
    let boxes: Vec<Option<geo::Rect<f64>>> = boxes.collect();
    if boxes.len() < 2 {
        return Vec::new();
    }
    let corners = |r: &geo::Rect<f64>| ([r.min().x, r.min().y], [r.max().x, r.max().y]);
    let tree = RTree::bulk_load(
        boxes
            .iter()
            .enumerate()
            .filter_map(|(k, b)| b.as_ref().map(|b| (k, corners(b))))
            .map(|(k, (lo, hi))| GeomWithData::new(Rectangle::from_corners(lo, hi), k))
            .collect(),
    );
    let mut pairs = Vec::new();
    for (a, b) in boxes.iter().enumerate() {
        let Some(b) = b else { continue };
        let (lo, hi) = corners(b);
        let mut met: Vec<usize> = tree
            .locate_in_envelope_intersecting(&AABB::from_corners(lo, hi))
            .map(|c| c.data)
            .filter(|&other| other > a)
            .collect();
        met.sort_unstable();
        pairs.extend(met.into_iter().map(|other| (a, other)));
    }
    pairs
}

fn rings(polygon: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::shapes;
    use geo::{Validation, wkt};
    use proptest::prelude::*;

    fn check(shape: &MultiPolygon<f64>) -> Option<Problem> {
        first_problem(shape, &mut Budget::default()).unwrap_or_else(|_| panic!("over budget"))
    }

    #[test]
    fn agrees_with_geo_on_valid_and_invalid_shapes() {
        let cases: Vec<MultiPolygon<f64>> = vec![
            wkt!(MULTIPOLYGON(((0. 0.,4. 0.,4. 4.,0. 4.,0. 0.)))),
            // a hole, inside
            wkt!(MULTIPOLYGON(((0. 0.,4. 0.,4. 4.,0. 4.,0. 0.),(1. 1.,2. 1.,2. 2.,1. 2.,1. 1.)))),
            // a hole outside
            wkt!(MULTIPOLYGON(((0. 0.,4. 0.,4. 4.,0. 4.,0. 0.),(5. 5.,6. 5.,6. 6.,5. 6.,5. 5.)))),
            // two holes overlapping
            wkt!(MULTIPOLYGON(((0. 0.,9. 0.,9. 9.,0. 9.,0. 0.),(1. 1.,4. 1.,4. 4.,1. 4.,1. 1.),(2. 2.,5. 2.,5. 5.,2. 5.,2. 2.)))),
            // two holes sharing a side
            wkt!(MULTIPOLYGON(((0. 0.,9. 0.,9. 9.,0. 9.,0. 0.),(1. 1.,4. 1.,4. 4.,1. 4.,1. 1.),(4. 1.,6. 1.,6. 4.,4. 4.,4. 1.)))),
            // a bow tie
            wkt!(MULTIPOLYGON(((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.)))),
            // parts apart, parts overlapping, parts sharing a side, parts touching at a corner
            wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)),((3. 3.,4. 3.,4. 4.,3. 4.,3. 3.)))),
            wkt!(MULTIPOLYGON(((0. 0.,2. 0.,2. 2.,0. 2.,0. 0.)),((1. 1.,3. 1.,3. 3.,1. 3.,1. 1.)))),
            wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)),((1. 0.,2. 0.,2. 1.,1. 1.,1. 0.)))),
            wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)),((1. 1.,2. 1.,2. 2.,1. 2.,1. 1.)))),
            // an island in a lake
            wkt!(MULTIPOLYGON(((0. 0.,9. 0.,9. 9.,0. 9.,0. 0.),(1. 1.,8. 1.,8. 8.,1. 8.,1. 1.)),((2. 2.,3. 2.,3. 3.,2. 3.,2. 2.)))),
            // a ring doubling back
            wkt!(MULTIPOLYGON(((4. 52.,5. 52.,6. 52.,5. 52.,4. 52.)))),
        ];
        for shape in &cases {
            assert_eq!(
                check(shape).is_none(),
                shape.is_valid(),
                "{shape:?}: {:?}",
                check(shape)
            );
        }
    }

    proptest! {
        // Random multipolygons of two small random rings on a coarse grid: the fast verdict is geo's.
        #[test]
        fn verdict_equals_geo(a in prop::collection::vec((0i8..5, 0i8..5), 3..7),
                              b in prop::collection::vec((0i8..5, 0i8..5), 3..7),
                              as_hole in any::<bool>()) {
            let ring = |points: &Vec<(i8, i8)>| {
                let mut c: Vec<geo::Coord<f64>> =
                    points.iter().map(|&(x, y)| geo::Coord { x: x as f64, y: y as f64 }).collect();
                c.push(c[0]);
                LineString(c)
            };
            let shape = if as_hole {
                MultiPolygon(vec![Polygon::new(ring(&a), vec![ring(&b)])])
            } else {
                MultiPolygon(vec![Polygon::new(ring(&a), vec![]), Polygon::new(ring(&b), vec![])])
            };
            prop_assert_eq!(check(&shape).is_none(), shape.is_valid(), "{:?}", check(&shape));
        }
    }

    #[test]
    fn large_shapes_are_checked() {
        let circle = MultiPolygon(vec![shapes::circle(200_000)]);
        assert_eq!(check(&circle), None);
        let star = MultiPolygon(vec![shapes::star(50_000, 3)]);
        assert_eq!(check(&star), None);
        let zigzag = MultiPolygon(vec![shapes::zigzag(10_000)]);
        assert!(matches!(check(&zigzag), Some(Problem::SelfCrossing(_))));
    }
}

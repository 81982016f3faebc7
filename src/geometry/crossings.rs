//! Where a ring meets itself, found in O(n log n) for ordinary shapes: the ring's segments go
//! into an R-tree, and each segment is tested exactly (geo's robust predicate) only against
//! the segments whose boxes its box overlaps, instead of against every other segment.
//!
//! The rule is geo's `Validation` rule for rings, so a ring this module passes is one geo
//! passes too: two segments that are not the same segment meet, and they are not neighbours
//! meeting at their shared vertex (segment `i` ends where segment `j` starts, or the reverse).
//!
//! Work is counted in candidate pairs and bounded by a [`Budget`], so that a hostile shape
//! whose segment boxes all overlap (a random scribble) stops with [`OverBudget`] instead of
//! running for minutes.

use geo::{Intersects, Line, LineString};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Candidate pairs that one check may test: at tens of nanoseconds each, a few seconds.
pub const DEFAULT_WORK: u64 = 200_000_000;

/// How many candidate segment pairs may still be tested.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    left: u64,
}

impl Budget {
    /// A budget of `pairs` candidate pair tests.
    pub fn new(pairs: u64) -> Budget {
        Budget { left: pairs }
    }

    fn spend(&mut self) -> Result<(), OverBudget> {
        self.left = self.left.checked_sub(1).ok_or(OverBudget)?;
        Ok(())
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(DEFAULT_WORK)
    }
}

/// The shape is too intricate to check within the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget;

/// Whether segments `a` and `b` of one ring (indices `i != j`) meet in a way geo's validation
/// calls a self-intersection.
fn ring_segments_meet(a: &Line<f64>, b: &Line<f64>) -> bool {
    a.start != b.end && a.end != b.start && a.intersects(b)
}

/// The places where `ring` meets itself, counted up to `limit` (so `Ok(limit)` means "at least
/// `limit`"). Every coordinate must be finite. `limit` 1 answers "does it cross itself?", and
/// stops at the first crossing.
pub fn count_self_crossings(
    ring: &LineString<f64>,
    limit: usize,
    budget: &mut Budget,
) -> Result<usize, OverBudget> {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    if limit == 0 || lines.len() < 2 {
        return Ok(0);
    }
    let tree = RTree::bulk_load(
        lines
            .iter()
            .enumerate()
            .map(|(k, l)| {
                GeomWithData::new(Rectangle::from_corners(point(l.start), point(l.end)), k)
            })
            .collect(),
    );
    let mut found = 0;
    for (i, a) in lines.iter().enumerate() {
        let envelope = AABB::from_corners(point(a.start), point(a.end));
        for candidate in tree.locate_in_envelope_intersecting(&envelope) {
            let j = candidate.data;
            if j <= i {
                continue; // each unordered pair once; a segment never meets itself
            }
            budget.spend()?;
            if ring_segments_meet(a, &lines[j]) {
                found += 1;
                if found >= limit {
                    return Ok(found);
                }
            }
        }
    }
    Ok(found)
}

/// Whether `ring` meets itself (see the module's rule). Every coordinate must be finite.
pub fn has_self_crossing(ring: &LineString<f64>, budget: &mut Budget) -> Result<bool, OverBudget> {
    Ok(count_self_crossings(ring, 1, budget)? > 0)
}

fn point(c: geo::Coord<f64>) -> [f64; 2] {
    [c.x, c.y]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::shapes;
    use geo::Coord;
    use proptest::prelude::*;

    /// geo's own rule, all pairs: the reference the indexed count must equal.
    fn brute_force(ring: &LineString<f64>) -> usize {
        let lines: Vec<_> = ring.lines().collect();
        let mut count = 0;
        for i in 0..lines.len() {
            for j in i + 1..lines.len() {
                if ring_segments_meet(&lines[i], &lines[j]) {
                    count += 1;
                }
            }
        }
        count
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> = points.iter().map(|&(x, y)| Coord { x, y }).collect();
        coords.push(coords[0]);
        LineString(coords)
    }

    proptest! {
        // Small coordinates on a coarse grid, so that touching, collinear overlaps, repeated
        // points and crossings at vertices all happen often.
        #[test]
        fn indexed_count_equals_all_pairs(points in prop::collection::vec((0i8..6, 0i8..6), 3..14)) {
            let points: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x as f64, y as f64)).collect();
            let ring = ring(&points);
            let expected = brute_force(&ring);
            let mut budget = Budget::default();
            prop_assert_eq!(count_self_crossings(&ring, usize::MAX, &mut budget), Ok(expected));
            let mut budget = Budget::default();
            prop_assert_eq!(has_self_crossing(&ring, &mut budget), Ok(expected > 0));
            // geo's validation agrees on whether the ring crosses itself.
            let geo_says = geo::Validation::validation_errors(&geo::Polygon::new(ring.clone(), vec![]))
                .iter()
                .any(|e| matches!(e, geo::algorithm::validation::InvalidPolygon::SelfIntersection(_)));
            prop_assert_eq!(geo_says, expected > 0);
        }

        #[test]
        fn indexed_count_equals_all_pairs_on_random_polygons(seed in 0u64..1000, n in 3usize..60) {
            let ring = shapes::random_polygon(n, seed).exterior().clone();
            let mut budget = Budget::default();
            prop_assert_eq!(count_self_crossings(&ring, usize::MAX, &mut budget), Ok(brute_force(&ring)));
        }
    }

    #[test]
    fn a_circle_does_not_cross_itself_and_a_zigzag_does_everywhere() {
        let circle = shapes::circle(10_000);
        let mut budget = Budget::default();
        assert_eq!(has_self_crossing(circle.exterior(), &mut budget), Ok(false));
        let zigzag = shapes::zigzag(2_000);
        let mut budget = Budget::default();
        let crossings = count_self_crossings(zigzag.exterior(), usize::MAX, &mut budget);
        assert_eq!(crossings, Ok(brute_force(zigzag.exterior())));
        assert!(crossings.unwrap_or(0) >= 900, "{crossings:?}");
        // The count stops at the limit.
        let mut budget = Budget::default();
        assert_eq!(
            count_self_crossings(zigzag.exterior(), 10, &mut budget),
            Ok(10)
        );
    }

    #[test]
    fn work_beyond_the_budget_is_refused() {
        let scribble = shapes::random_polygon(2_000, 7);
        let mut budget = Budget::new(1_000);
        assert_eq!(
            count_self_crossings(scribble.exterior(), usize::MAX, &mut budget),
            Err(OverBudget)
        );
    }
}

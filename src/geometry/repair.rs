//! Repair of an invalid shape, as GIS tools' MakeValid does: each polygon's rings are
//! rebuilt under the even-odd rule (a ring that crosses itself splits at each crossing, a
//! hole outside its ring becomes an area of its own), then the polygons are unioned, so
//! that parts which overlap add up instead of cancelling. Both steps are i_overlay sweeps,
//! O((n + k) log n) for n vertices and k crossings.
//!
//! The repair is bounded: a ring that crosses itself more than [`MAX_CROSSINGS`] times is
//! refused (the result would be thousands of slivers, and building it costs time and memory
//! in proportion), and a panic in the geometry library becomes an error.

use geo::algorithm::bool_ops::FillRule;
use geo::orient::{Direction, Orient};
use geo::{Area, BooleanOps, MultiPolygon, OpType, Polygon, unary_union};
use thiserror::Error;

use super::crossings::{Budget, OverBudget, count_self_crossings};
use super::guard::guarded;
use super::validity::{RingId, first_problem};

/// Self-crossings, over all rings of a shape, beyond which a repair is refused. A real
/// territory with a digitising slip crosses itself a handful of times.
pub const MAX_CROSSINGS: usize = 10_000;

/// Why a shape could not be repaired.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum RepairError {
    /// Rings cross themselves too often to rebuild.
    #[error(
        "{ring} crosses itself at more than {} places; simplify it in your GIS",
        crate::numbers::whole(MAX_CROSSINGS as f64)
    )]
    TooManyCrossings {
        /// The ring at which the count passed the limit.
        ring: RingId,
    },
    /// Checking the shape would take too long.
    #[error("it is too intricate to check within the time budget; simplify it in your GIS")]
    TooIntricate,
    /// The geometry library panicked.
    #[error("the geometry library failed ({0})")]
    Failed(String),
    /// Nothing is left after the repair (e.g. a ring that only doubles back on itself).
    #[error("no area is left")]
    NoArea,
    /// The result is still invalid.
    #[error("the repaired shape is still invalid ({0})")]
    StillInvalid(String),
}

impl From<OverBudget> for RepairError {
    fn from(_: OverBudget) -> RepairError {
        RepairError::TooIntricate
    }
}

/// The valid shape covering what `shape` covers under the even-odd rule per polygon and
/// the union across polygons; refused when it crosses itself too often, when checking it
/// exceeds `budget`, or when no valid area results.
pub fn repair(
    shape: &MultiPolygon<f64>,
    budget: &mut Budget,
) -> Result<MultiPolygon<f64>, RepairError> {
    check_crossings(shape, budget)?;
    let repaired = guarded(|| {
        let empty = MultiPolygon::<f64>::new(vec![]);
        let mut parts: Vec<MultiPolygon<f64>> = shape
            .0
            .iter()
            .map(|p| {
                p.boolean_op_with_fill_rule(&empty, OpType::Union, FillRule::EvenOdd)
                    .orient(Direction::Default)
            })
            .collect();
        // unary_union reads the fill direction off the first ring, so all parts share the
        // default orientation (outer rings counter-clockwise).
        if parts.len() == 1 {
            parts.pop().unwrap_or_else(|| MultiPolygon::new(vec![]))
        } else {
            unary_union(parts.iter())
        }
    })
    .map_err(RepairError::Failed)?
    .orient(Direction::Default);
    if repaired.0.is_empty() || repaired.unsigned_area() <= 0.0 {
        return Err(RepairError::NoArea);
    }
    if let Some(problem) = first_problem(&repaired, budget)? {
        return Err(RepairError::StillInvalid(problem.to_string()));
    }
    Ok(repaired)
}

/// Refuses shapes whose rings cross themselves more than [`MAX_CROSSINGS`] times in all.
fn check_crossings(shape: &MultiPolygon<f64>, budget: &mut Budget) -> Result<(), RepairError> {
    let several_parts = shape.0.len() > 1;
    let mut count = 0;
    for (part, polygon) in shape.0.iter().enumerate() {
        for (ring, line) in rings(polygon).enumerate() {
            if line.0.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
                return Err(RepairError::StillInvalid(
                    "a coordinate is not a number".into(),
                ));
            }
            count += count_self_crossings(line, MAX_CROSSINGS + 1 - count, budget)?;
            if count > MAX_CROSSINGS {
                let ring = RingId {
                    part,
                    ring,
                    several_parts,
                };
                return Err(RepairError::TooManyCrossings { ring });
            }
        }
    }
    Ok(())
}

fn rings(polygon: &Polygon<f64>) -> impl Iterator<Item = &geo::LineString<f64>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{is_valid, shapes};
    use geo::wkt;

    #[test]
    fn a_bow_tie_becomes_two_triangles() {
        let bow_tie: MultiPolygon<f64> = wkt!(MULTIPOLYGON(((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.))));
        let repaired = repair(&bow_tie, &mut Budget::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(repaired.0.len(), 2);
        assert!((repaired.unsigned_area() - 0.5).abs() < 1e-12);
        assert!(is_valid(&repaired));
    }

    #[test]
    fn a_zigzag_of_10k_vertices_is_repaired() {
        // This ring made i_overlay panic (bind/solver.rs:90) after MakeValid.
        let zigzag = MultiPolygon(vec![shapes::zigzag(10_000)]);
        let repaired = repair(&zigzag, &mut Budget::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(is_valid(&repaired));
        // Each crossing leaves a triangle; together they cover three eighths of the band.
        assert!(repaired.0.len() > 4_000, "{}", repaired.0.len());
        let area = repaired.unsigned_area();
        assert!((area - 0.375).abs() < 0.01, "{area}");
    }

    #[test]
    fn a_scribble_is_refused_with_its_crossings() {
        let scribble = MultiPolygon(vec![shapes::random_polygon(1_000, 1)]);
        let error = repair(&scribble, &mut Budget::default()).unwrap_err();
        assert!(
            matches!(error, RepairError::TooManyCrossings { .. }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "outer ring crosses itself at more than 10,000 places; simplify it in your GIS"
        );
    }

    #[test]
    fn a_shape_too_intricate_for_the_budget_is_refused() {
        let scribble = MultiPolygon(vec![shapes::random_polygon(1_000, 1)]);
        assert_eq!(
            repair(&scribble, &mut Budget::new(100)),
            Err(RepairError::TooIntricate)
        );
    }
}

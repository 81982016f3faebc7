//! A territory's prepared area that follows small changes without being rebuilt.
//!
//! Preparing a territory of a thousand postcodes (tens of thousands of edges) takes a few
//! milliseconds; a paint step changes one postcode's worth of its border. So a change inside
//! a known box (the unit's) prepares the new geometry within that box only, as a patch over
//! the earlier preparation: points in the box ask the patch, all others the earlier area,
//! whose geometry is unchanged there. When a stroke ends, or after [`MAX_PATCHES`] changes,
//! the area is prepared whole again, so that lookups never walk a long chain.

use std::sync::Arc;

use geo::{BoundingRect, MultiPolygon};

use super::area::PreparedArea;
use super::index::Bounds;

/// Patches kept before the area is prepared whole again within a change (the session
/// prepares patched areas whole when a paint stroke ends): a stroke across this many units
/// waits once for a whole preparation, and a lookup checks at most this many boxes.
pub const MAX_PATCHES: usize = 64;

/// A prepared area with patches: the whole geometry prepared once, and each later change
/// prepared within the box it was confined to. Cloning is cheap (shared preparations).
#[derive(Debug, Clone)]
pub struct PatchedArea {
    base: Arc<PreparedArea>,
    /// Newest last; each holds the geometry of its time, exactly, within its box.
    patches: Vec<(Bounds, Arc<PreparedArea>)>,
    bounds: Bounds,
}

impl PatchedArea {
    /// Prepares a whole geometry.
    pub fn new(geometry: &MultiPolygon<f64>) -> PatchedArea {
        let base = PreparedArea::new(geometry);
        let bounds = base.bounds();
        PatchedArea {
            base: Arc::new(base),
            patches: Vec::new(),
            bounds,
        }
    }

    /// The area of `geometry`, which differs from this area's geometry only inside
    /// `window`: a patch when few have piled up, else a whole new preparation.
    pub fn changed(&self, geometry: &MultiPolygon<f64>, window: Bounds) -> PatchedArea {
        if self.patches.len() >= MAX_PATCHES {
            return PatchedArea::new(geometry);
        }
        let bounds = geometry
            .bounding_rect()
            .map(|r| (r.min().x, r.min().y, r.max().x, r.max().y))
            .unwrap_or(PreparedArea::empty_bounds());
        let mut patches = self.patches.clone();
        patches.push((window, Arc::new(PreparedArea::within(geometry, window))));
        PatchedArea {
            base: Arc::clone(&self.base),
            patches,
            bounds,
        }
    }

    /// How many patches lie over the whole preparation.
    pub fn patches(&self) -> usize {
        self.patches.len()
    }

    /// The bounding box as `(min_x, min_y, max_x, max_y)`; empty areas have min > max.
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// Whether the territory contains the point, exactly as [`PreparedArea::contains`] of
    /// the current geometry would say.
    #[inline]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let b = &self.bounds;
        if !(x >= b.0 && x <= b.2 && y >= b.1 && y <= b.3) {
            return false;
        }
        for (window, patch) in self.patches.iter().rev() {
            if within(x, y, window) {
                return patch.contains(x, y);
            }
        }
        self.base.contains(x, y)
    }

    /// How a box relates to the area: `Some(true)` all inside, `Some(false)` all outside,
    /// `None` when it may hold both or the preparation cannot tell.
    pub fn classify_box(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Option<bool> {
        let b = &self.bounds;
        if !(b.0 <= b.2 && b.1 <= b.3) || max_x < b.0 || min_x > b.2 || max_y < b.1 || min_y > b.3 {
            return Some(false);
        }
        for (window, patch) in self.patches.iter().rev() {
            let overlaps =
                max_x >= window.0 && min_x <= window.2 && max_y >= window.1 && min_y <= window.3;
            if !overlaps {
                continue;
            }
            let inside =
                min_x >= window.0 && max_x <= window.2 && min_y >= window.1 && max_y <= window.3;
            // A box across a patch's edge mixes two preparations: let points be tested.
            return if inside {
                patch.classify_box(min_x, min_y, max_x, max_y)
            } else {
                None
            };
        }
        self.base.classify_box(min_x, min_y, max_x, max_y)
    }
}

#[inline]
fn within(x: f64, y: f64, b: &Bounds) -> bool {
    x >= b.0 && x <= b.2 && y >= b.1 && y <= b.3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::area::contains_point;
    use crate::rng::SplitMix64;
    use crate::synth;

    /// Territory 0 of a tiling takes over, one cell at a time, neighbouring cells: each
    /// change confined to the taken cell's box, as a paint step is.
    #[test]
    fn patched_area_equals_the_whole_preparation_after_every_change() {
        let tiling = synth::tiling(10, 8, (3.4, 50.8, 7.2, 53.5), 5);
        let mut geometry = tiling[0].clone();
        let mut area = PatchedArea::new(&geometry);
        let mut rng = SplitMix64::new(3);
        let mut rebuilt = false;
        for (step, cell) in tiling.iter().enumerate().skip(1).take(MAX_PATCHES + 8) {
            let window = bounds_of(cell);
            // Cells side by side, not unioned: the crossing rule counts a shared edge twice,
            // so the point set is the union all the same.
            geometry.0.extend(cell.0.iter().cloned());
            area = area.changed(&geometry, window);
            rebuilt |= area.patches() == 0;
            // The whole preparation equals the plain crossing test (see `area`).
            let whole = PreparedArea::new(&geometry);
            for _ in 0..3_000 {
                let (x, y) = (rng.range_f64(3.2, 7.4), rng.range_f64(50.6, 53.7));
                assert_eq!(
                    area.contains(x, y),
                    whole.contains(x, y),
                    "step {step}: ({x}, {y})"
                );
            }
            // The box test never claims what the points deny.
            for _ in 0..300 {
                let (x, y) = (rng.range_f64(3.2, 7.2), rng.range_f64(50.6, 53.5));
                let (x1, y1) = (x + 0.05, y + 0.05);
                if let Some(all) = area.classify_box(x, y, x1, y1) {
                    for k in 0..25 {
                        let (px, py) = (
                            x + 0.05 * (k % 5) as f64 / 4.0,
                            y + 0.05 * (k / 5) as f64 / 4.0,
                        );
                        assert_eq!(whole.contains(px, py), all, "({px}, {py})");
                    }
                }
            }
        }
        assert!(
            rebuilt,
            "after {MAX_PATCHES} patches the area is prepared whole"
        );
        assert_eq!(area.bounds(), bounds_of(&geometry));
    }

    #[test]
    fn a_cell_given_away_leaves_the_area_within_its_box() {
        let tiling = synth::tiling(3, 1, (0.0, 0.0, 3.0, 1.0), 5);
        let all =
            geo::BooleanOps::union(&geo::BooleanOps::union(&tiling[0], &tiling[1]), &tiling[2]);
        let area = PatchedArea::new(&all);
        let rest = geo::BooleanOps::union(&tiling[0], &tiling[1]);
        let area = area.changed(&rest, bounds_of(&tiling[2]));
        let mut rng = SplitMix64::new(8);
        for _ in 0..5_000 {
            let (x, y) = (rng.range_f64(-0.5, 3.5), rng.range_f64(-0.5, 1.5));
            assert_eq!(
                area.contains(x, y),
                contains_point(&rest, x, y),
                "({x}, {y})"
            );
        }
        assert!(area.bounds().2 < 3.0, "the box shrank: {:?}", area.bounds());
    }

    fn bounds_of(g: &MultiPolygon<f64>) -> Bounds {
        let r = g.bounding_rect().expect("not empty");
        (r.min().x, r.min().y, r.max().x, r.max().y)
    }
}

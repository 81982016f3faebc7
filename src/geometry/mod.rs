//! Shapes checked and repaired in O(n log n), with budgets, for territory imports and the
//! editing tools: `crossings` (where a ring meets itself: an R-tree of segments, bounded
//! work), `validity` (geo's validity rules, without geo's all-pairs ring test), `repair`
//! (rings that cross themselves rebuilt by i_overlay under the even-odd rule, refused with a
//! reason when too intricate), `guard` (a panic in a geometry library becomes an error) and
//! `shapes` (large and hostile test shapes for tests and benches).

pub mod crossings;
pub mod guard;
pub mod repair;
pub mod shapes;
pub mod validity;

pub use validity::is_valid;

/// Positions a shape may have: a territory built from a thousand postcode areas has a few
/// hundred thousand; beyond this a file is hostile or needs simplifying first.
pub const MAX_POSITIONS: usize = 2_000_000;

/// The refusal of a shape of `positions` positions, `None` when it is within
/// [`MAX_POSITIONS`]; checked before the positions are converted or tested.
pub fn size_refusal(positions: usize) -> Option<String> {
    (positions > MAX_POSITIONS).then(|| {
        format!(
            "has {} positions, more than the {} a territory may have; simplify it in your GIS",
            crate::numbers::whole(positions as f64),
            crate::numbers::whole(MAX_POSITIONS as f64)
        )
    })
}

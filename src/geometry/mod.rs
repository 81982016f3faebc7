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

//! Territory edits as the map tools make them: move, insert and remove a vertex (in every
//! territory that shares it, so a common border never opens a gap or an overlap), draw a new
//! territory, split one along a line, merge two. Each operation checks its result and returns
//! an [`Edit`](crate::model::Edit) for the session to apply and write, or says why it
//! refuses.
//!
//! One module per job: `vertex` (shared-vertex moves), `shape` (draw, split, merge, delete,
//! overlaps), `properties` (territory fields, named accounts, reps), `import` (territories
//! from a file), `query` (holes and territories at a point), [`scenarios`]. Everything is
//! re-exported here, so callers name `crate::edit::split` and never the module that holds it.
//! Project settings (the balance tolerance) are changed by an edit from `properties` too.

mod import;
mod properties;
mod query;
pub mod scenarios;
mod shape;
mod vertex;

pub use import::{import_territories, rep_named};
pub use properties::{
    balance_tolerance, delete_rep, new_rep, rep_properties, set_overrides, territory_properties,
};
pub use query::{holes, nearest_territory, territories_at};
pub use shape::{
    add_empty_territory, add_territory, covered_by, delete_territory, merge, resolve_overlap, split,
};
pub use vertex::{
    areas_at, areas_edit, check, insert_vertex, midpoint, move_vertex, moved, nearest_midpoint,
    nearest_vertex, nearest_vertex_among, remove_vertex,
};

use geo::MultiPolygon;

use crate::model::Scenario;

/// Why an edit was refused; the message is for the planner.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// New areas for some territories of a scenario: (index in the scenario, area).
pub type NewAreas = Vec<(usize, MultiPolygon<f64>)>;

/// `base`, or `base 2`, `base 3`, ... : the first name no territory of the scenario has.
fn unique_name(scenario: &Scenario, base: &str) -> String {
    numbered(base, |name| {
        scenario.territories.iter().any(|t| t.name == name)
    })
}

/// `base`, or `base 2`, `base 3`, ..., whichever is not `taken`.
fn numbered(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|k| format!("{base} {k}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_owned())
}

/// The embedded demo project, which the tests of every edit module change.
#[cfg(test)]
fn demo() -> crate::model::Project {
    crate::demo::project().expect("demo")
}

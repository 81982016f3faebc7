//! A territory shape as read from a file, before it belongs to a scenario. It lives here, not
//! with the reader in `io`, because `edit` turns it into territories and `edit` may use only
//! `model`.

use geo::MultiPolygon;

/// A territory read from a file: a name and a shape.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedArea {
    /// From the feature's `name` property (or its id, or "feature N").
    pub name: String,
    /// The shape, WGS84 lon/lat.
    pub geometry: MultiPolygon<f64>,
    /// What was wrong with the shape in the file, when it had to be repaired (for the import
    /// report); `None` when it was valid as read.
    pub repaired: Option<String>,
}

impl NamedArea {
    /// The repair in words for the planner ("feature 3 (Noord): ..."), if there was one.
    pub fn repair_note(&self, number: usize) -> Option<String> {
        self.repaired
            .as_ref()
            .map(|what| format!("feature {number} ({}): {what}", self.name))
    }
}

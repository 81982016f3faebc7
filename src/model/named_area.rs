//! A territory shape as read from a file, before it belongs to a scenario. It lives here, not
//! with the reader in `io`, because `edit` turns it into territories and `edit` may use only
//! `model`.

use geo::MultiPolygon;

/// The longest territory or account name an import accepts, in characters: longer ones come
/// from a wrong column or a hostile file, and no list or report can show them.
pub const MAX_NAME_CHARS: usize = 200;

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
    /// What else the feature says about the territory (Tessera's own export writes all of
    /// it), so that export then import gives the same plan.
    pub properties: AreaProperties,
}

/// A territory's fields as a file gives them; `None` where the file is silent (the import
/// then uses the scenario's defaults).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AreaProperties {
    /// The rep's name (matched with the project's reps by name).
    pub rep: Option<String>,
    /// Fill colour.
    pub colour: Option<super::Colour>,
    /// Sales target, EUR/yr.
    pub target: Option<f64>,
    /// Average deal size, EUR.
    pub average_deal: Option<f64>,
    /// Expected conversion, a fraction.
    pub conversion: Option<f64>,
    /// Segment rule (industries and size classes).
    pub rule: Option<super::SegmentRule>,
}

impl NamedArea {
    /// The repair in words for the planner ("feature 3 (Noord): ..."), if there was one.
    pub fn repair_note(&self, number: usize) -> Option<String> {
        self.repaired
            .as_ref()
            .map(|what| format!("feature {number} ({}): {what}", self.name))
    }
}

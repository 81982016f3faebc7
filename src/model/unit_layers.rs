//! The planner's own layers of geographic units, held in the project (the Dutch layers are
//! embedded in the program and not stored).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Keys that start with this are the embedded layers' (`nl-pc4`...): a planner's layer may
/// not take one, so that a plan's layer key always means the same layer.
pub const RESERVED_PREFIX: &str = "nl-";

/// A layer of units the planner added: its key, its title, and the layer (cleaned topology
/// and unit properties) as TopoJSON text. Kept as text, compact and cheap to clone (undo
/// history, copies of the project); it is decoded when a plan, the map or an export needs
/// it, once per content (see [`ProjectLayer::digest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLayer {
    /// Key plans refer to it by (`de-kreise`); unique in the project, never `nl-...`.
    pub key: String,
    /// Title shown in menus and lists.
    pub title: String,
    /// The layer as TopoJSON text.
    topojson: Arc<str>,
    /// A hash of the text, taken once: what a cache of decoded layers is keyed by.
    digest: u64,
}

impl ProjectLayer {
    /// A layer from its key, title and TopoJSON text.
    pub fn new(key: impl Into<String>, title: impl Into<String>, topojson: String) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        topojson.hash(&mut hasher);
        ProjectLayer {
            key: key.into(),
            title: title.into(),
            topojson: topojson.into(),
            digest: hasher.finish(),
        }
    }

    /// The layer as TopoJSON text.
    pub fn topojson(&self) -> &str {
        &self.topojson
    }

    /// A hash of the TopoJSON text: two layers of one key and digest hold the same units.
    pub fn digest(&self) -> u64 {
        self.digest
    }
}

/// Why a key cannot name a planner's layer, or `None` when it can.
pub fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("a layer key cannot be empty".into());
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "layer key \"{}\" holds a space; use letters, digits and dashes",
            key.escape_debug()
        ));
    }
    if key.to_ascii_lowercase().starts_with(RESERVED_PREFIX) {
        return Some(format!(
            "layer key {key} is reserved for the embedded Dutch layers (keys starting with \
             {RESERVED_PREFIX}); choose another key"
        ));
    }
    None
}

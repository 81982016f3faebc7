//! What the window remembers between runs (eframe's RON storage).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What is remembered between runs (eframe's RON storage).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Preferences {
    /// The last project opened or saved.
    pub last_project: Option<PathBuf>,
    /// Recently used projects, newest first.
    pub recent: Vec<PathBuf>,
    /// The map's centre (lon, lat) and zoom when the last project was closed.
    pub map_view: Option<(f64, f64, f64)>,
    /// Whether OpenStreetMap tiles are shown (off unless the user switches them on).
    #[serde(default)]
    pub osm_tiles: bool,
    /// Whether account dots are sized by potential.
    #[serde(default)]
    pub size_by_potential: bool,
    /// The unit layer drawn under freehand plans (plans of units draw their own).
    #[serde(default)]
    pub unit_layer: Option<String>,
    /// What units are coloured by on the map, if anything.
    #[serde(default)]
    pub choropleth: Option<crate::units::stats::UnitMeasure>,
    /// Whether the map's legend is hidden (shown unless the planner hides it).
    #[serde(default)]
    pub hide_legend: bool,
}

/// The key of the preferences in eframe's storage.
pub const PREFERENCES_KEY: &str = "tessera-preferences";

impl Preferences {
    /// Notes a project opened or saved: the last project, first of the recent ones.
    pub fn remember(&mut self, path: &Path) {
        self.last_project = Some(path.to_owned());
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_owned());
        self.recent.truncate(8);
    }
}

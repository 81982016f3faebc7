//! Project-wide parameters for travel, workload and balance.

use serde::{Deserialize, Serialize};

/// Parameters that turn distances into drive time and accounts into workload.
///
/// Drive time is estimated as straight-line (haversine) distance x `detour_factor` /
/// `speed_kmh` until a real router is plugged in. The defaults are typical for Dutch roads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Road distance / straight-line distance. Default 1.3.
    pub detour_factor: f64,
    /// Average drive speed in km/h. Default 60.
    pub speed_kmh: f64,
    /// Working hours per rep per year, the default capacity of a new rep. Default 1,600.
    pub working_hours_per_year: f64,
    /// Minutes per visit for accounts that do not give their own. Default 60.
    pub default_minutes_per_visit: f64,
    /// Allowed deviation from the mean before a territory counts as unbalanced,
    /// as a fraction (0.10 = +-10 %). Default 0.10.
    pub balance_tolerance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            detour_factor: 1.3,
            speed_kmh: 60.0,
            working_hours_per_year: 1600.0,
            default_minutes_per_visit: 60.0,
            balance_tolerance: 0.10,
        }
    }
}

impl Settings {
    /// Minutes of driving for a one-way straight-line distance in km.
    pub fn drive_minutes(&self, distance_km: f64) -> f64 {
        distance_km * self.detour_factor / self.speed_kmh * 60.0
    }
}

//! Pure computation over the model: which territory owns each account, and every
//! territory's numbers. No I/O, no user interface.
//!
//! - [`area`]: point-in-territory tests, prepared for speed, with the border tie-break.
//! - [`patched`]: a prepared area that follows small changes (paint steps) without being
//!   rebuilt.
//! - [`index`]: spatial grids over accounts and territories.
//! - [`assign`]: the full assignment of all accounts of a scenario.
//! - [`metrics`]: per-territory tallies and metrics, geometry measures.
//! - [`live`]: the incremental state that follows geometry edits.
//! - [`balance`]: the plan's balance across territories.
//! - [`report`]: the per-scenario report built from the above.
//! - [`compare`]: two plans side by side and who changes hands.

pub mod area;
pub mod assign;
pub mod balance;
pub mod compare;
pub mod index;
pub mod live;
pub mod metrics;
pub mod patched;
pub mod report;
pub mod warnings;

/// Mean Earth radius in km (IUGG), as used by the haversine formula.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two lon/lat points (haversine).
///
/// ```
/// // Utrecht to Groningen: about 150 km as the crow flies.
/// let d = tessera::engine::haversine_km(5.1214, 52.0907, 6.5665, 53.2194);
/// assert!((d - 150.0).abs() < 10.0, "{d}");
/// ```
#[inline]
pub fn haversine_km(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp * 0.5).sin().powi(2) + p1.cos() * p2.cos() * (dl * 0.5).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_known_distances() {
        // Amsterdam Centraal to Utrecht Centraal: about 35 km as the crow flies.
        let d = haversine_km(4.9003, 52.3791, 5.1104, 52.0894);
        assert!((d - 35.0).abs() < 1.0, "{d}");
        // One degree of latitude is about 111.2 km.
        let d = haversine_km(5.0, 52.0, 5.0, 53.0);
        assert!((d - 111.19).abs() < 0.1, "{d}");
        assert_eq!(haversine_km(5.0, 52.0, 5.0, 52.0), 0.0);
    }
}

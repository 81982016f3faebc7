//! Comparing tallies: an incremental plan against a full recomputation (shared by the
//! incremental and paint tests).

use tessera::engine::metrics::Tally;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

pub fn assert_tallies_equal(live: &[Tally], full: &[Tally]) {
    assert_eq!(live.len(), full.len());
    for (t, (a, b)) in live.iter().zip(full).enumerate() {
        assert_eq!(
            (a.accounts, a.prospects, a.customers, a.won, a.lost),
            (b.accounts, b.prospects, b.customers, b.won, b.lost),
            "territory {t}"
        );
        for (x, y, what) in [
            (a.potential, b.potential, "potential"),
            (a.revenue, b.revenue, "revenue"),
            (a.pipeline, b.pipeline, "pipeline"),
            (a.visit_minutes, b.visit_minutes, "visit minutes"),
            (a.travel_minutes, b.travel_minutes, "travel minutes"),
            (a.distance_km, b.distance_km, "distance"),
            (a.max_distance_km, b.max_distance_km, "max distance"),
        ] {
            assert!(
                close(x, y),
                "territory {t} {what}: incremental {x} vs full {y}"
            );
        }
    }
}

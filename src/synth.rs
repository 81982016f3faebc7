//! Synthetic projects at any scale, for benchmarks, tests and trying the app on big data.
//!
//! [`tiling`] makes territories that tile a box exactly: a jittered grid whose cell edges are
//! wiggly polylines shared bit-for-bit by both neighbours, like real borders. [`project`] fills
//! such a tiling with clustered accounts (cities plus countryside) and one rep per territory.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use crate::model::{
    Account, AccountId, AccountStatus, Accounts, Colour, Project, Rep, RepId, Scenario, ScenarioId,
    SegmentRule, Settings, Territory, TerritoryId,
};
use crate::rng::SplitMix64;

/// A wiggly polyline from `a` to `b` with `segments` pieces; the same inputs give the same
/// points, so neighbours that share the edge share it exactly.
fn wiggly_edge(
    a: Coord<f64>,
    b: Coord<f64>,
    segments: usize,
    straight: bool,
    rng: &mut SplitMix64,
) -> Vec<Coord<f64>> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = (dx * dx + dy * dy).sqrt();
    let (nx, ny) = (-dy / length.max(1e-12), dx / length.max(1e-12));
    let amplitude = if straight { 0.0 } else { 0.06 * length };
    let waves: Vec<(f64, f64, f64)> = (0..3)
        .map(|k| {
            let frequency = (k + 1) as f64 * rng.range_f64(1.0, 3.0);
            let weight = rng.range_f64(-1.0, 1.0) / (k + 1) as f64;
            (frequency, rng.range_f64(0.0, std::f64::consts::TAU), weight)
        })
        .collect();
    (0..=segments)
        .map(|k| {
            let t = k as f64 / segments as f64;
            // The sine envelope pins both ends, so corners stay where the neighbours expect.
            let envelope = (std::f64::consts::PI * t).sin();
            let wave: f64 = waves
                .iter()
                .map(|&(f, phase, w)| w * (std::f64::consts::TAU * f * t + phase).sin())
                .sum();
            let offset = amplitude * envelope * wave;
            if k == 0 {
                a
            } else if k == segments {
                b
            } else {
                Coord {
                    x: a.x + dx * t + nx * offset,
                    y: a.y + dy * t + ny * offset,
                }
            }
        })
        .collect()
}

/// `cols x rows` territories tiling `bounds` (min_x, min_y, max_x, max_y) without gaps or
/// overlaps, each with 48 to 500 vertices. Deterministic for a given seed.
pub fn tiling(
    cols: usize,
    rows: usize,
    bounds: (f64, f64, f64, f64),
    seed: u64,
) -> Vec<MultiPolygon<f64>> {
    let mut rng = SplitMix64::new(seed);
    let (min_x, min_y, max_x, max_y) = bounds;
    let (w, h) = ((max_x - min_x) / cols as f64, (max_y - min_y) / rows as f64);
    // Corner points, jittered; corners on the outer border stay on it.
    let corners: Vec<Vec<Coord<f64>>> = (0..=rows)
        .map(|r| {
            (0..=cols)
                .map(|c| {
                    let jx = if c == 0 || c == cols {
                        0.0
                    } else {
                        rng.range_f64(-0.25, 0.25) * w
                    };
                    let jy = if r == 0 || r == rows {
                        0.0
                    } else {
                        rng.range_f64(-0.25, 0.25) * h
                    };
                    Coord {
                        x: min_x + c as f64 * w + jx,
                        y: min_y + r as f64 * h + jy,
                    }
                })
                .collect()
        })
        .collect();
    // Edges on the outer border stay straight, so the tiles cover exactly the box.
    let mut edge = |a: Coord<f64>, b: Coord<f64>, outer: bool| {
        let segments = 12 + rng.below(114) as usize;
        wiggly_edge(a, b, segments, outer, &mut rng)
    };
    // horizontal[r][c]: corners[r][c] -> corners[r][c + 1]; vertical[r][c]: corners[r][c] -> corners[r + 1][c].
    let horizontal: Vec<Vec<Vec<Coord<f64>>>> = (0..=rows)
        .map(|r| {
            (0..cols)
                .map(|c| edge(corners[r][c], corners[r][c + 1], r == 0 || r == rows))
                .collect()
        })
        .collect();
    let vertical: Vec<Vec<Vec<Coord<f64>>>> = (0..rows)
        .map(|r| {
            (0..=cols)
                .map(|c| edge(corners[r][c], corners[r + 1][c], c == 0 || c == cols))
                .collect()
        })
        .collect();
    let mut tiles = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            // Counter-clockwise: bottom, right, top reversed, left reversed.
            let mut ring: Vec<Coord<f64>> = Vec::new();
            ring.extend(&horizontal[r][c][..horizontal[r][c].len() - 1]);
            ring.extend(&vertical[r][c + 1][..vertical[r][c + 1].len() - 1]);
            ring.extend(
                horizontal[r + 1][c]
                    .iter()
                    .rev()
                    .take(horizontal[r + 1][c].len() - 1),
            );
            ring.extend(vertical[r][c].iter().rev().take(vertical[r][c].len() - 1));
            ring.push(ring[0]);
            tiles.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
        }
    }
    tiles
}

/// The bounding box of the Netherlands, where synthetic projects live.
pub const NL_BOUNDS: (f64, f64, f64, f64) = (3.36, 50.75, 7.23, 53.55);

/// Industries used by synthetic and demo accounts.
pub const INDUSTRIES: [&str; 8] = [
    "Construction",
    "Healthcare",
    "Technology",
    "Manufacturing",
    "Logistics",
    "Retail",
    "Agriculture",
    "Financial services",
];

/// Size classes used by synthetic and demo accounts.
pub const SIZE_CLASSES: [&str; 3] = ["SME", "Mid-market", "Enterprise"];

/// A project with `accounts` clustered accounts and about `territories` territories (rounded
/// to a near-square grid) tiling the Netherlands' bounding box, one rep per territory.
pub fn project(accounts: usize, territories: usize, seed: u64) -> Project {
    let territories = territories.max(1);
    let cols = ((territories as f64 * 1.2).sqrt().round() as usize).max(1);
    let rows = territories.div_ceil(cols);
    let tiles = tiling(cols, rows, NL_BOUNDS, seed);
    let mut rng = SplitMix64::new(seed ^ 0x5eed);
    let settings = Settings::default();

    let mut reps = Vec::new();
    let mut scenario = Scenario {
        id: ScenarioId(1),
        name: "Synthetic plan".into(),
        notes: format!(
            "{accounts} accounts, {} territories, seed {seed}",
            tiles.len()
        ),
        created: 1_767_225_600, // 2026-01-01T00:00:00Z, fixed for reproducibility
        territories: Vec::new(),
        overrides: Default::default(),
        units: Default::default(),
    };
    for (k, geometry) in tiles.into_iter().enumerate() {
        let rep_id = RepId(k as u32 + 1);
        let (home_lon, home_lat) = crate::engine::metrics::GeometryMeasures::of(&geometry)
            .centroid
            .unwrap_or((5.0, 52.0));
        reps.push(Rep {
            id: rep_id,
            name: format!("Rep {}", k + 1),
            home_lon,
            home_lat,
            capacity_hours: settings.working_hours_per_year,
            target: 800_000.0,
            expertise: vec![INDUSTRIES[k % INDUSTRIES.len()].to_string()],
            colour: Colour::nth(k),
        });
        scenario.territories.push(Territory {
            id: TerritoryId(k as u32 + 1),
            name: format!("T{:03}", k + 1),
            colour: Colour::nth(k),
            rep: Some(rep_id),
            geometry,
            rule: SegmentRule::default(),
            target: 800_000.0,
            average_deal: 40_000.0,
            conversion: 0.10,
        });
    }

    // Accounts: 70 % around 60 "cities" (Gaussian, a few km wide), 30 % spread evenly.
    let cities: Vec<(f64, f64, f64)> = (0..60)
        .map(|_| {
            (
                rng.range_f64(NL_BOUNDS.0, NL_BOUNDS.2),
                rng.range_f64(NL_BOUNDS.1, NL_BOUNDS.3),
                rng.range_f64(0.02, 0.12),
            )
        })
        .collect();
    let mut table = Accounts::with_capacity(accounts);
    for i in 0..accounts {
        let (lon, lat) = if rng.chance(0.7) {
            let (cx, cy, spread) = cities[rng.below(cities.len() as u64) as usize];
            (cx + rng.normal() * spread * 1.6, cy + rng.normal() * spread)
        } else {
            (
                rng.range_f64(NL_BOUNDS.0, NL_BOUNDS.2),
                rng.range_f64(NL_BOUNDS.1, NL_BOUNDS.3),
            )
        };
        let customer = rng.chance(0.2);
        table.push(&Account {
            id: AccountId(i as u32 + 1),
            external_id: format!("S{:07}", i + 1),
            name: format!("Account {}", i + 1),
            // Keep off the east and north edges: by the border tie-break those belong to the
            // (absent) neighbour beyond, and a synthetic plan should start without gaps.
            lon: lon.clamp(NL_BOUNDS.0, NL_BOUNDS.2 - 1e-7),
            lat: lat.clamp(NL_BOUNDS.1, NL_BOUNDS.3 - 1e-7),
            industry: INDUSTRIES[rng.below(8) as usize].to_string(),
            size_class: SIZE_CLASSES[rng.below(3) as usize].to_string(),
            status: if customer {
                AccountStatus::Customer
            } else {
                AccountStatus::Prospect
            },
            potential: rng.range_f64(5_000.0, 80_000.0).round(),
            revenue: if customer {
                rng.range_f64(2_000.0, 60_000.0).round()
            } else {
                0.0
            },
            pipeline: if rng.chance(0.3) {
                rng.range_f64(1_000.0, 50_000.0).round()
            } else {
                0.0
            },
            deals_won: if customer { rng.below(6) as u32 + 1 } else { 0 },
            deals_lost: rng.below(3) as u32,
            visits_per_year: if customer { 6.0 } else { 2.0 },
            minutes_per_visit: None,
            extra: Default::default(),
        });
    }

    Project {
        name: format!("Synthetic ({accounts} accounts)"),
        settings,
        accounts: table,
        reps,
        scenarios: vec![scenario],
        active_scenario: Some(ScenarioId(1)),
        unit_layers: Vec::new(),
    }
}

/// A Dutch CRM export of `rows` accounts as Excel writes it on Dutch Windows: `;`-separated,
/// decimal commas, euro amounts with thousands dots, Dutch headers, CRLF line ends. Accounts
/// lie across the Netherlands; about 1 row in 50 has no coordinates (only a place and the
/// country), as real exports do. For the import benchmark and `examples/make_crm_csv.rs`.
pub fn crm_csv(rows: usize, seed: u64) -> String {
    use std::fmt::Write;
    const PLACES: [(&str, f64, f64); 8] = [
        ("Amsterdam", 52.37, 4.89),
        ("Rotterdam", 51.92, 4.48),
        ("Utrecht", 52.09, 5.12),
        ("Eindhoven", 51.44, 5.47),
        ("Groningen", 53.22, 6.57),
        ("Zwolle", 52.51, 6.08),
        ("Nijmegen", 51.84, 5.86),
        ("Breda", 51.59, 4.78),
    ];
    const INDUSTRIES: [&str; 5] = ["Retail", "Logistics", "Healthcare", "Industry", "Services"];
    let mut rng = SplitMix64::new(seed);
    let mut out = String::with_capacity(rows * 110 + 200);
    out.push_str(
        "Klantnummer;Naam;Plaats;Land;Branche;Klanttype;Potentie;Omzet;Breedtegraad;Lengtegraad;Opmerking\r\n",
    );
    let dutch = |v: f64| format!("{v:.4}").replace('.', ",");
    for k in 0..rows {
        let (place, lat, lon) = PLACES[rng.below(PLACES.len() as u64) as usize];
        let (lat, lon) = (lat + rng.normal() * 0.15, lon + rng.normal() * 0.2);
        let customer = rng.chance(0.2);
        let potential = 1_000 * (5 + rng.below(200));
        let revenue = if customer {
            format!(
                "{},{:02}",
                crate::numbers::whole(rng.range_f64(1e3, 5e5)).replace(',', "."),
                rng.below(100)
            )
        } else {
            String::new()
        };
        let (lat, lon) = if rng.chance(0.02) {
            (String::new(), String::new())
        } else {
            (dutch(lat), dutch(lon))
        };
        let _ = write!(
            out,
            "K-{k};Bedrijf {k} B.V.;{place};NL;{};{};€ {};{revenue};{lat};{lon};{}\r\n",
            INDUSTRIES[k % INDUSTRIES.len()],
            if customer { "Klant" } else { "Prospect" },
            crate::numbers::whole(potential as f64).replace(',', "."),
            if k % 7 == 0 { "terugbellen" } else { "" },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, BooleanOps};

    #[test]
    fn tiling_covers_the_box_without_overlap() {
        let bounds = (0.0, 0.0, 4.0, 3.0);
        let tiles = tiling(4, 3, bounds, 2);
        assert_eq!(tiles.len(), 12);
        let total: f64 = tiles.iter().map(|t| t.unsigned_area()).sum();
        assert!((total - 12.0).abs() < 1e-9, "{total}");
        for t in &tiles {
            let n = t.0[0].exterior().0.len();
            assert!((49..=501).contains(&n), "vertices: {n}");
        }
        // Neighbours overlap in no area.
        let shared = tiles[0].intersection(&tiles[1]).unsigned_area();
        assert!(shared < 1e-9, "{shared}");
    }

    #[test]
    fn project_is_deterministic_and_sized() {
        let a = project(500, 9, 4);
        let b = project(500, 9, 4);
        assert_eq!(a, b);
        assert_eq!(a.accounts.len(), 500);
        assert!(a.scenarios[0].territories.len() >= 9);
        assert_eq!(a.reps.len(), a.scenarios[0].territories.len());
    }

    #[test]
    fn the_crm_export_reads_and_plans_like_a_dutch_one() {
        let csv = crm_csv(500, 7);
        let table = crate::io::accounts::read_table(csv.as_bytes(), "crm.csv")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(table.rows.len(), 500);
        let mapping = crate::io::accounts::Mapping::guess(&table.headers);
        let gazetteer = crate::geocode::Gazetteer::load().unwrap_or_else(|e| panic!("{e}"));
        let plan = crate::io::accounts::plan(
            &table,
            &mapping,
            &crate::model::Accounts::default(),
            Some(&gazetteer),
            "crm.csv",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // Every row imports: by coordinates, or by its place when it has none.
        assert_eq!(plan.added.len(), 500, "{:?}", plan.skipped.first());
        assert!(plan.added.iter().all(|a| (50.0..54.5).contains(&a.lat)));
        assert!(plan.added.iter().any(|a| a.potential >= 5_000.0));
    }
}

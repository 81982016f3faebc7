//! A grid of hexagons over the accounts: the units a design builds from where no layer of
//! postcodes or municipalities fits (accounts abroad, or a planner without a layer).
//!
//! The hexagons' size follows the accounts' density: about [`cells_for`] of them hold
//! accounts, enough for a design of that many territories to balance in small steps, few
//! enough to design in well under a second. Sizes are rounded to a round number of km, so
//! that the layer's name says it ("Hexagons, 5 km"). Empty hexagons are kept where they
//! touch two that hold accounts, so that a town's hexagons join up; the rest of the empty
//! land is left out (islands of hexagons are linked to their nearest neighbours by the
//! design's graph).

use std::collections::{BTreeMap, BTreeSet};

use geo::{LineString, MultiPolygon, Polygon};

use super::layer::Unit;

/// Km per degree of latitude.
const KM_PER_DEGREE_LAT: f64 = 110.574;

/// Km per degree of longitude at the equator.
const KM_PER_DEGREE_LON: f64 = 111.320;

/// Hexagon sizes (centre to corner, km) a grid may take: round numbers.
const SIZES_KM: [f64; 15] = [
    0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0,
];

/// How many hexagons holding accounts a design of `territories` territories wants: about
/// 60 per territory, between 400 and 4,000.
pub fn cells_for(territories: usize) -> usize {
    (territories.saturating_mul(60)).clamp(400, 4_000)
}

/// A grid of hexagons made over a set of points.
#[derive(Debug, Clone)]
pub struct HexagonGrid {
    /// Centre to corner, km.
    pub size_km: f64,
    /// One unit per hexagon, coded by its axial coordinates (`q,r`).
    pub units: Vec<Unit>,
    /// Each unit's hexagon, lon/lat.
    pub shapes: Vec<MultiPolygon<f64>>,
    /// How many of them hold a point.
    pub occupied: usize,
}

/// Why no grid could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexagonError {
    /// No point had valid coordinates.
    #[error("no account has valid coordinates to lay hexagons over")]
    NoPoints,
}

/// A flat projection around the points' middle latitude (km): hexagons drawn in it are
/// near-regular on the ground anywhere but near the poles.
#[derive(Debug, Clone, Copy)]
struct Flat {
    kx: f64,
}

impl Flat {
    fn to_km(self, lon: f64, lat: f64) -> (f64, f64) {
        (lon * self.kx, lat * KM_PER_DEGREE_LAT)
    }

    fn to_degrees(self, x: f64, y: f64) -> (f64, f64) {
        // Rounded to 1e-7 degrees (1 cm), as layers are stored: a corner shared by three
        // hexagons, computed from each centre, comes out the same.
        let round = |v: f64| (v * 1e7).round() / 1e7;
        (round(x / self.kx), round(y / KM_PER_DEGREE_LAT))
    }
}

/// Pointy-top hexagons of size `s` (km) in axial coordinates.
#[derive(Debug, Clone, Copy)]
struct Lattice {
    s: f64,
}

impl Lattice {
    fn cell_of(self, x: f64, y: f64) -> (i64, i64) {
        let q = (3f64.sqrt() / 3.0 * x - y / 3.0) / self.s;
        let r = (2.0 / 3.0 * y) / self.s;
        cube_round(q, r)
    }

    fn centre(self, (q, r): (i64, i64)) -> (f64, f64) {
        let (q, r) = (q as f64, r as f64);
        (self.s * 3f64.sqrt() * (q + r / 2.0), self.s * 1.5 * r)
    }
}

/// The hexagon holding fractional axial coordinates (q, r).
fn cube_round(q: f64, r: f64) -> (i64, i64) {
    let s = -q - r;
    let (mut rq, mut rr, rs) = (q.round(), r.round(), s.round());
    let (dq, dr, ds) = ((rq - q).abs(), (rr - r).abs(), (rs - s).abs());
    if dq > dr && dq > ds {
        rq = -rr - rs;
    } else if dr > ds {
        rr = -rq - rs;
    }
    (rq as i64, rr as i64)
}

/// The six neighbours of a hexagon, in axial coordinates.
fn neighbours((q, r): (i64, i64)) -> [(i64, i64); 6] {
    [
        (q + 1, r),
        (q - 1, r),
        (q, r + 1),
        (q, r - 1),
        (q + 1, r - 1),
        (q - 1, r + 1),
    ]
}

/// The hexagons of size `s` holding the points (km).
fn occupied(points: &[(f64, f64)], s: f64) -> BTreeSet<(i64, i64)> {
    let lattice = Lattice { s };
    points.iter().map(|&(x, y)| lattice.cell_of(x, y)).collect()
}

/// Lays hexagons over `points` (lon, lat; invalid ones skipped), sized so that about
/// `wanted` of them hold a point.
pub fn grid_over(
    points: impl Iterator<Item = (f64, f64)>,
    wanted: usize,
) -> Result<HexagonGrid, HexagonError> {
    let valid: Vec<(f64, f64)> = points
        .filter(|(lon, lat)| {
            lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 85.0
        })
        .collect();
    if valid.is_empty() {
        return Err(HexagonError::NoPoints);
    }
    let mid_lat = valid.iter().map(|p| p.1).sum::<f64>() / valid.len() as f64;
    let flat = Flat {
        kx: KM_PER_DEGREE_LON * mid_lat.to_radians().cos().max(0.05),
    };
    let km: Vec<(f64, f64)> = valid.iter().map(|&(x, y)| flat.to_km(x, y)).collect();
    // Size from the spread first, then corrected by how many hexagons the points fill
    // (clustered points fill far fewer than their box holds).
    let (min_x, max_x, min_y, max_y) = km.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    let area = ((max_x - min_x) * (max_y - min_y)).max(1.0);
    let wanted = wanted.max(1) as f64;
    let hexagon_area = |s: f64| 1.5 * 3f64.sqrt() * s * s;
    let mut s = (area / wanted / hexagon_area(1.0)).sqrt().max(SIZES_KM[0]);
    for _ in 0..4 {
        let filled = occupied(&km, s).len() as f64;
        s *= (filled / wanted).sqrt().clamp(0.5, 2.0);
    }
    let size_km = SIZES_KM
        .iter()
        .copied()
        .min_by(|a, b| (a.ln() - s.ln()).abs().total_cmp(&(b.ln() - s.ln()).abs()))
        .unwrap_or(s);
    let held = occupied(&km, size_km);
    // Empty hexagons between two that hold accounts join them up.
    let mut touching: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    for &cell in &held {
        for n in neighbours(cell) {
            if !held.contains(&n) {
                *touching.entry(n).or_default() += 1;
            }
        }
    }
    let mut cells: Vec<(i64, i64)> = held
        .iter()
        .copied()
        .chain(
            touching
                .into_iter()
                .filter(|&(_, k)| k >= 2)
                .map(|(c, _)| c),
        )
        .collect();
    // North to south, west to east: the order a reader scans a map.
    cells.sort_by_key(|&(q, r)| (-r, q));
    let lattice = Lattice { s: size_km };
    let shapes = cells
        .iter()
        .map(|&cell| {
            let (cx, cy) = lattice.centre(cell);
            let ring: Vec<(f64, f64)> = (0..=6)
                .map(|i| {
                    let angle = (60.0 * (i % 6) as f64 - 30.0).to_radians();
                    flat.to_degrees(cx + size_km * angle.cos(), cy + size_km * angle.sin())
                })
                .collect();
            MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])])
        })
        .collect();
    let units = cells
        .iter()
        .map(|&(q, r)| Unit {
            code: format!("{q},{r}"),
            name: format!("Hexagon {q},{r}"),
            inhabitants: None,
        })
        .collect();
    Ok(HexagonGrid {
        size_km,
        units,
        shapes,
        occupied: held.len(),
    })
}

/// The key and title of a grid of this size: `hexagons-5km`, "Hexagons, 5 km".
pub fn key_and_title(size_km: f64) -> (String, String) {
    let size = if size_km.fract() == 0.0 {
        format!("{size_km:.0}")
    } else {
        format!("{size_km}")
    };
    (
        format!("hexagons-{}km", size.replace('.', "_")),
        format!("Hexagons, {size} km"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use geo::{Area, Contains, Point};

    fn cluster(rng: &mut SplitMix64, n: usize, at: (f64, f64), spread: f64) -> Vec<(f64, f64)> {
        (0..n)
            .map(|_| {
                (
                    at.0 + rng.range_f64(-spread, spread),
                    at.1 + rng.range_f64(-spread, spread),
                )
            })
            .collect()
    }

    #[test]
    fn every_point_lies_in_a_hexagon_and_about_the_wanted_number_hold_points() {
        let mut rng = SplitMix64::new(4);
        // Accounts around three Belgian towns, where no Dutch layer fits.
        let mut points = cluster(&mut rng, 3_000, (4.40, 51.22), 0.15);
        points.extend(cluster(&mut rng, 2_000, (4.35, 50.85), 0.2));
        points.extend(cluster(&mut rng, 1_000, (5.57, 50.63), 0.1));
        points.push((f64::NAN, 1.0));
        let grid = grid_over(points.iter().copied(), 600).expect("a grid");
        assert!(
            (150..=2_400).contains(&grid.occupied),
            "{} occupied at {} km",
            grid.occupied,
            grid.size_km
        );
        assert!(SIZES_KM.contains(&grid.size_km));
        assert_eq!(grid.units.len(), grid.shapes.len());
        for &(x, y) in points.iter().filter(|p| p.0.is_finite()).step_by(7) {
            let holders = grid
                .shapes
                .iter()
                .filter(|s| s.contains(&Point::new(x, y)))
                .count();
            assert_eq!(holders, 1, "({x}, {y}) in {holders} hexagons");
        }
        let codes: BTreeSet<&str> = grid.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes.len(), grid.units.len(), "codes are unique");
    }

    #[test]
    fn sparser_points_get_larger_hexagons_of_about_equal_area() {
        let mut rng = SplitMix64::new(5);
        let dense = cluster(&mut rng, 5_000, (5.0, 52.0), 0.2);
        let sparse = cluster(&mut rng, 5_000, (5.0, 52.0), 2.0);
        let small = grid_over(dense.into_iter(), 500).expect("grid");
        let large = grid_over(sparse.into_iter(), 500).expect("grid");
        assert!(
            large.size_km > small.size_km,
            "{} vs {}",
            large.size_km,
            small.size_km
        );
        let areas: Vec<f64> = large.shapes.iter().map(|s| s.unsigned_area()).collect();
        let (lo, hi) = areas
            .iter()
            .fold((f64::MAX, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
        assert!(
            hi / lo < 1.1,
            "hexagons of one grid are alike: {lo} to {hi}"
        );
    }

    #[test]
    fn no_valid_point_is_an_error() {
        let none = [(f64::NAN, 52.0), (400.0, 1.0)];
        assert_eq!(
            grid_over(none.into_iter(), 100).err(),
            Some(HexagonError::NoPoints)
        );
        assert_eq!(key_and_title(2.5).0, "hexagons-2_5km");
        assert_eq!(key_and_title(5.0).1, "Hexagons, 5 km");
    }
}

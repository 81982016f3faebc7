//! Property tests on a dirty grid: jittered cells whose neighbours do not share vertices
//! (each cell's copy of a corner is off by up to half a metre, and some borders have extra
//! vertices on one side only), as in real unit layers.

use geo::{Area, BooleanOps, MultiPolygon, Polygon, Validation};
use proptest::prelude::*;

use super::*;

/// A small deterministic generator (SplitMix64) driven by proptest's seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An n x n grid of 500 m cells near 52 N, dirty as described above.
fn dirty_grid(n: usize, seed: u64) -> Vec<MultiPolygon<f64>> {
    let mut rng = Rng(seed);
    let step = 0.007;
    let mut corner = vec![[0.0f64; 2]; (n + 1) * (n + 1)];
    for y in 0..=n {
        for x in 0..=n {
            let inner = x > 0 && y > 0 && x < n && y < n;
            let jitter = if inner { 0.3 * step } else { 0.0 };
            corner[y * (n + 1) + x] = [
                5.0 + x as f64 * step + (rng.next() - 0.5) * jitter,
                52.0 + y as f64 * step + (rng.next() - 0.5) * jitter,
            ];
        }
    }
    // Half a metre is about 7e-6 degrees of longitude here.
    let noise = 7e-6;
    let mut units = Vec::new();
    for y in 0..n {
        for x in 0..n {
            let ids = [
                y * (n + 1) + x,
                y * (n + 1) + x + 1,
                (y + 1) * (n + 1) + x + 1,
                (y + 1) * (n + 1) + x,
            ];
            let mut ring: Vec<(f64, f64)> = Vec::new();
            for k in 0..4 {
                let (a, b) = (corner[ids[k]], corner[ids[(k + 1) % 4]]);
                ring.push((
                    a[0] + (rng.next() - 0.5) * noise,
                    a[1] + (rng.next() - 0.5) * noise,
                ));
                if rng.next() < 0.5 {
                    let t = 0.2 + 0.6 * rng.next();
                    ring.push((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])));
                }
            }
            ring.push(ring[0]);
            units.push(MultiPolygon(vec![Polygon::new(ring.into(), vec![])]));
        }
    }
    units
}

fn holes(shape: &MultiPolygon<f64>) -> usize {
    shape.0.iter().map(|p| p.interiors().len()).sum()
}

#[test]
fn the_dirty_grid_is_dirty() {
    let units = dirty_grid(6, 1);
    let plain = units
        .iter()
        .skip(1)
        .fold(units[0].clone(), |acc, u| acc.union(u));
    let overlap: f64 = units.iter().map(Area::unsigned_area).sum::<f64>() - plain.unsigned_area();
    assert!(holes(&plain) > 0, "the plain union has sliver holes");
    assert!(overlap > 0.0, "the units overlap");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn a_subset_outline_has_the_area_of_its_units(seed in 0u64..1_000_000, pick in 0u64..u64::MAX) {
        let units = dirty_grid(6, seed);
        let (topology, report) = Topology::build(&units, &CleanOptions::default()).unwrap();
        prop_assert!(report.units_lost.is_empty());
        let members: Vec<u32> = (0..36u32).filter(|i| pick >> i & 1 == 1).collect();
        let outline = topology.outline(&members);
        let sum: f64 = members.iter().map(|&u| area_m2(&topology.unit_polygon(u as usize))).sum();
        prop_assert!((area_m2(&outline) - sum).abs() < 1e-6 * sum.max(1.0), "{} vs {}", area_m2(&outline), sum);
        prop_assert!(outline.is_valid(), "{:?}", outline.check_validation());
        // Every unit keeps its area to within the slivers and overlaps moved (< 1 %).
        for (u, input) in units.iter().enumerate() {
            let (before, after) = (area_m2(input), area_m2(&topology.unit_polygon(u)));
            prop_assert!((before - after).abs() < 0.01 * before, "unit {}: {} -> {}", u, before, after);
        }
    }

    #[test]
    fn outlines_of_a_partition_neither_overlap_nor_leave_gaps(seed in 0u64..1_000_000, k in 2usize..5) {
        let units = dirty_grid(6, seed);
        let (topology, _) = Topology::build(&units, &CleanOptions::default()).unwrap();
        let mut rng = Rng(seed ^ 0xABCD);
        let mut sets: Vec<Vec<u32>> = vec![Vec::new(); k];
        for u in 0..36u32 {
            sets[(rng.next() * k as f64) as usize % k].push(u);
        }
        let outlines: Vec<MultiPolygon<f64>> = sets.iter().map(|s| topology.outline(s)).collect();
        let all: Vec<u32> = (0..36).collect();
        let whole = topology.outline(&all);
        prop_assert_eq!((whole.0.len(), holes(&whole)), (1, 0));
        for i in 0..k {
            for j in i + 1..k {
                let shared = area_m2(&outlines[i].intersection(&outlines[j]));
                prop_assert!(shared < 1e-3, "sets {} and {} overlap by {} m2", i, j, shared);
            }
        }
        let sum: f64 = outlines.iter().map(area_m2).sum();
        prop_assert!((sum - area_m2(&whole)).abs() < 1e-6 * sum, "gap: {} vs {}", sum, area_m2(&whole));
    }

    #[test]
    fn simplifying_keeps_neighbours_exact(seed in 0u64..1_000_000, tolerance in 1.0f64..200.0) {
        let units = dirty_grid(5, seed);
        let (topology, _) = Topology::build(&units, &CleanOptions::default()).unwrap();
        let simple = topology.simplified(tolerance);
        prop_assert!(simple.vertex_count() <= topology.vertex_count());
        let all: Vec<u32> = (0..25).collect();
        let whole = simple.outline(&all);
        let sum: f64 = (0..25).map(|u| area_m2(&simple.unit_polygon(u))).sum();
        prop_assert!((sum - area_m2(&whole)).abs() < 1e-6 * sum);
        prop_assert_eq!(holes(&whole), 0);
        prop_assert_eq!(simple.neighbours(), topology.neighbours());
    }
}

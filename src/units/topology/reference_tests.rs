//! Tests on the reference data in ../shared/data/units (real layers with real defects).
//! They read files outside the repository, so they are `#[ignore]`d: run them with
//! `cargo test --release -- --ignored reference`.

use std::io::Read;

use geo::{Contains, InteriorPoint, MultiPolygon, Validation};

use super::*;

const UNITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/units");

/// A GeoJSON layer's unit shapes (Polygon and MultiPolygon features; others empty).
pub(super) fn read_layer(name: &str) -> Vec<MultiPolygon<f64>> {
    let text = std::fs::read_to_string(format!("{UNITS}/{name}")).unwrap();
    let collection: geojson::FeatureCollection = text.parse().unwrap();
    collection
        .features
        .iter()
        .map(
            |f| match f.geometry.clone().map(geo::Geometry::<f64>::try_from) {
                Some(Ok(geo::Geometry::MultiPolygon(m))) => m,
                Some(Ok(geo::Geometry::Polygon(p))) => MultiPolygon(vec![p]),
                _ => MultiPolygon(vec![]),
            },
        )
        .collect()
}

fn hole_areas(shape: &MultiPolygon<f64>) -> Vec<f64> {
    shape
        .0
        .iter()
        .flat_map(|p| p.interiors())
        .map(|r| area_m2(&MultiPolygon(vec![geo::Polygon::new(r.clone(), vec![])])))
        .collect()
}

#[test]
#[ignore = "reference data: reads ../shared/data/units/nl-pc4-2020.geojson"]
fn reference_pc4_cleans_into_a_topology_without_slivers() {
    let units = read_layer("nl-pc4-2020.geojson");
    assert_eq!(units.len(), 4068);
    let (topology, report) = Topology::build(&units, &CleanOptions::default()).unwrap();
    assert_eq!(report.invalid_repaired, 6, "{report:?}");
    assert_eq!(report.crossings_left, 0);
    let all: Vec<u32> = (0..units.len() as u32).collect();
    let whole = topology.outline(&all);
    assert!(whole.is_valid(), "{:?}", whole.check_validation());
    let holes = hole_areas(&whole);
    assert!(
        holes.iter().all(|&a| a >= 1_000.0),
        "sliver holes left: {holes:?}"
    );
    assert!(
        !holes.is_empty() && holes.len() < 100,
        "the real holes stay: {}",
        holes.len()
    );
    // Every unit keeps its area; a unit may only be lost when it is empty or tiny.
    let mut worst = 0.0f64;
    for (u, input) in units.iter().enumerate() {
        let before = area_m2(input);
        if report.units_lost.contains(&u) {
            assert!(before < 100.0, "unit {u} of {before} m2 lost");
            continue;
        }
        let after = area_m2(&topology.unit_polygon(u));
        // Snapping by 1 m and moving slivers and overlaps changes tiny units the most.
        assert!(
            (after - before).abs() < 500.0_f64.max(0.05 * before),
            "unit {u}: {before} -> {after}"
        );
        worst = worst.max((after - before).abs() / before);
        assert!(topology.unit_polygon(u).is_valid(), "unit {u}");
    }
    assert!(worst < 0.1, "a unit changed its area by {worst}");
}

#[test]
#[ignore = "reference data: reads ../shared/data/units/nl-pc4-2020.geojson"]
fn reference_pc4_outline_of_a_thousand_units_is_valid_without_slivers() {
    let units = read_layer("nl-pc4-2020.geojson");
    let (topology, _) = Topology::build(&units, &CleanOptions::default()).unwrap();
    // The thousand units nearest to Utrecht (postcodes are geographic, so also a block).
    let centre = [5.12, 52.09];
    let mut by_distance: Vec<(f64, u32)> = units
        .iter()
        .enumerate()
        .filter_map(|(u, shape)| {
            let c = shape.0.first()?.exterior().0.first()?;
            Some(((c.x - centre[0]).hypot(c.y - centre[1]), u as u32))
        })
        .collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
    let members: Vec<u32> = by_distance.iter().take(1000).map(|x| x.1).collect();
    let outline = topology.outline(&members);
    assert!(outline.is_valid(), "{:?}", outline.check_validation());
    // A small hole is allowed only where a unit outside the set lies (PC4 has exclaves,
    // e.g. a 347 m2 part of one postcode inside another's hole): never a sliver.
    let mut small = 0;
    for ring in outline.0.iter().flat_map(|p| p.interiors()) {
        let hole = geo::Polygon::new(ring.clone(), vec![]);
        if area_m2(&MultiPolygon(vec![hole.clone()])) >= 1_000.0 {
            continue;
        }
        small += 1;
        let inside = hole.interior_point().unwrap();
        let owner =
            (0..units.len() as u32).find(|&u| topology.unit_polygon(u as usize).contains(&inside));
        assert!(
            owner.is_some_and(|u| !members.contains(&u)),
            "a sliver hole at {inside:?}"
        );
    }
    assert!(small < 10, "{small} small holes");
    let sum: f64 = members
        .iter()
        .map(|&u| area_m2(&topology.unit_polygon(u as usize)))
        .sum();
    assert!((area_m2(&outline) - sum).abs() < 1e-6 * sum);
}

#[test]
#[ignore = "reference data: reads ../shared/data/units/nl-municipalities-2022.geojson"]
fn reference_municipalities_and_provinces_lose_their_sliver_holes() {
    for name in [
        "nl-municipalities-2022.geojson",
        "nl-provinces-2022.geojson",
    ] {
        let units = read_layer(name);
        let (topology, _) = Topology::build(&units, &CleanOptions::default()).unwrap();
        let all: Vec<u32> = (0..units.len() as u32).collect();
        let whole = topology.outline(&all);
        assert!(whole.is_valid(), "{name}");
        let holes = hole_areas(&whole);
        assert!(holes.iter().all(|&a| a >= 1_000.0), "{name}: {holes:?}");
    }
}

#[test]
#[ignore = "reference data: reads ../shared/data/units/us-states-10m.topojson"]
fn reference_us_states_topojson_reads_as_a_topology() {
    let mut text = String::new();
    std::fs::File::open(format!("{UNITS}/us-states-10m.topojson"))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let (topology, properties) = Topology::from_topojson(&text).unwrap();
    assert_eq!(topology.unit_count(), 56);
    let name = |u: usize| {
        properties[u]
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or("")
    };
    let find = |n: &str| (0..56).find(|&u| name(u) == n).unwrap();
    let (colorado, utah, wyoming) = (find("Colorado"), find("Utah"), find("Wyoming"));
    let neighbours = topology.neighbours();
    assert!(neighbours[colorado].contains(&(utah as u32)));
    assert!(neighbours[colorado].contains(&(wyoming as u32)));
    let three = topology.outline(&[colorado as u32, utah as u32, wyoming as u32]);
    assert_eq!(three.0.len(), 1);
    let sum: f64 = [colorado, utah, wyoming]
        .iter()
        .map(|&u| area_m2(&topology.unit_polygon(u)))
        .sum();
    assert!((area_m2(&three) - sum).abs() < 1e-6 * sum);
    // Colorado is about 269,600 km2.
    let colorado_km2 = area_m2(&topology.unit_polygon(colorado)) / 1e6;
    assert!((colorado_km2 - 269_600.0).abs() < 3_000.0, "{colorado_km2}");
}

#[test]
#[ignore = "reference data: reads ../shared/data/units/nl-pc4-2020.geojson"]
fn reference_pc4_topojson_round_trip() {
    let units = read_layer("nl-pc4-2020.geojson");
    let (topology, _) = Topology::build(&units, &CleanOptions::default()).unwrap();
    let simple = topology.simplified(10.0);
    for u in 0..units.len() {
        assert!(simple.unit_polygon(u).is_valid(), "simplified unit {u}");
    }
    // At the default 1e6 steps two units lose a border shorter than one step (0.3 m).
    let options = TopoJsonOptions {
        quantization: 10_000_000,
        ..TopoJsonOptions::default()
    };
    let text = simple.to_topojson(&[], &options);
    let (read, _) = Topology::from_topojson(&text).unwrap();
    assert_eq!(read.unit_count(), units.len());
    assert_eq!(read.neighbours(), simple.neighbours());
    let all: Vec<u32> = (0..units.len() as u32).collect();
    let holes = hole_areas(&read.outline(&all));
    assert!(holes.iter().all(|&a| a >= 1_000.0), "{holes:?}");
}

#[test]
#[ignore = "reference data: reads ../shared/data/units/us-counties-10m.topojson"]
fn reference_us_counties_topojson_with_degenerate_arcs_reads() {
    // us-atlas has point arcs and spikes (an arc walked out and back) from quantization.
    let text = std::fs::read_to_string(format!("{UNITS}/us-counties-10m.topojson")).unwrap();
    let (topology, properties) = Topology::from_topojson(&text).unwrap();
    assert_eq!(topology.unit_count(), 3231);
    assert_eq!(properties.len(), 3231);
    let neighbours = topology.neighbours();
    let median = {
        let mut counts: Vec<usize> = neighbours.iter().map(Vec::len).collect();
        counts.sort_unstable();
        counts[counts.len() / 2]
    };
    assert!(
        (5..=7).contains(&median),
        "a county has about six neighbours: {median}"
    );
}

//! Hand-made layers: each test builds a small dirty layer and checks what cleaning and the
//! outlines must guarantee.

use geo::{BooleanOps, MultiPolygon, Polygon, Validation};

use super::*;

/// Lon/lat of a point given in cells of 0.01 degrees (about 690 m by 1,110 m) near 52 N.
fn at(x: f64, y: f64) -> (f64, f64) {
    (5.0 + x * 0.01, 52.0 + y * 0.01)
}

fn ring(points: &[(f64, f64)]) -> geo::LineString<f64> {
    let mut coords: Vec<(f64, f64)> = points.iter().map(|&(x, y)| at(x, y)).collect();
    coords.push(coords[0]);
    geo::LineString::from(coords)
}

fn polygon(points: &[(f64, f64)]) -> MultiPolygon<f64> {
    MultiPolygon(vec![Polygon::new(ring(points), vec![])])
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    polygon(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
}

fn build(units: &[MultiPolygon<f64>]) -> (Topology, CleanReport) {
    Topology::build(units, &CleanOptions::default()).unwrap()
}

fn holes(shape: &MultiPolygon<f64>) -> usize {
    shape.0.iter().map(|p| p.interiors().len()).sum()
}

/// One cell's area in m2 (the tests compare areas relative to it).
fn cell_m2() -> f64 {
    area_m2(&rect(0.0, 0.0, 1.0, 1.0))
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * cell_m2()
}

#[test]
fn a_border_with_vertices_on_one_side_becomes_one_shared_arc() {
    let left = polygon(&[
        (0.0, 0.0),
        (1.0, 0.0),
        (1.0, 0.3),
        (1.0, 0.7),
        (1.0, 1.0),
        (0.0, 1.0),
    ]);
    let right = rect(1.0, 0.0, 2.0, 1.0);
    let (topology, _) = build(&[left, right]);
    let shared: Vec<usize> = (0..topology.arcs().len())
        .filter(|&a| {
            let [l, r] = topology.sides(a as u32);
            l != NO_UNIT && r != NO_UNIT
        })
        .collect();
    assert_eq!(shared.len(), 1, "{:?}", topology.arcs());
    assert_eq!(
        topology.arcs()[shared[0]].len(),
        4,
        "both sides walk the inserted vertices"
    );
    let both = topology.outline(&[0, 1]);
    assert_eq!(both.0.len(), 1);
    assert_eq!(holes(&both), 0);
    assert!(close(area_m2(&both), 2.0 * cell_m2(), 1e-9));
    assert_eq!(topology.neighbours(), vec![vec![1], vec![0]]);
}

#[test]
fn vertices_within_the_tolerance_merge() {
    // The right square's corners are 0.5 m off the left one's (0.5 m is 7e-6 degrees of lon).
    let d = 7e-6 / 0.01;
    let left = rect(0.0, 0.0, 1.0, 1.0);
    let right = polygon(&[(1.0 + d, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0 + d, 1.0)]);
    let (topology, report) = build(&[left, right]);
    assert!(report.vertices_snapped >= 2, "{report:?}");
    let both = topology.outline(&[0, 1]);
    assert_eq!((both.0.len(), holes(&both)), (1, 0));
}

#[test]
fn a_sliver_gap_between_units_is_filled() {
    // Two columns 2 m apart, closed above and below by two long units: the gap is a hole
    // 2 m wide and 1,110 m long (2,200 m2, thin).
    let gap = 3e-5 / 0.01;
    let units = [
        rect(0.0, 0.0, 1.0, 1.0),
        rect(1.0 + gap, 0.0, 2.0, 1.0),
        rect(0.0, 1.0, 2.0, 2.0),
        rect(0.0, -1.0, 2.0, 0.0),
    ];
    let plain = units[0].union(&units[1]).union(&units[2]).union(&units[3]);
    assert_eq!(holes(&plain), 1, "the input has the gap");
    let (topology, report) = build(&units);
    assert_eq!(report.slivers_filled, 1, "{report:?}");
    let all = topology.outline(&[0, 1, 2, 3]);
    assert_eq!((all.0.len(), holes(&all)), (1, 0));
    let sum: f64 = (0..4).map(|u| area_m2(&topology.unit_polygon(u))).sum();
    assert!(close(sum, area_m2(&all), 1e-9), "no gap between the units");
}

#[test]
fn an_overlap_goes_to_one_unit() {
    // The right square reaches 30 m into the left one.
    let into = 0.0004 / 0.01;
    let units = [rect(0.0, 0.0, 1.0, 1.0), rect(1.0 - into, 0.0, 2.0, 1.0)];
    let (topology, report) = build(&units);
    assert_eq!(report.overlaps_resolved, 1, "{report:?}");
    let (a, b) = (topology.unit_polygon(0), topology.unit_polygon(1));
    assert!(area_m2(&a.intersection(&b)) < 1e-6 * cell_m2());
    let both = topology.outline(&[0, 1]);
    assert!(
        close(area_m2(&a) + area_m2(&b), area_m2(&both), 1e-9),
        "no area counted twice"
    );
    assert!(close(area_m2(&both), 2.0 * cell_m2(), 1e-9));
}

#[test]
fn a_lake_surrounded_by_units_stays_a_hole() {
    let mut units = Vec::new();
    for x in 0..3 {
        for y in 0..3 {
            if (x, y) != (1, 1) {
                units.push(rect(x as f64, y as f64, x as f64 + 1.0, y as f64 + 1.0));
            }
        }
    }
    let (topology, report) = build(&units);
    assert_eq!(report.holes_kept, 1, "{report:?}");
    let members: Vec<u32> = (0..8).collect();
    let all = topology.outline(&members);
    assert_eq!((all.0.len(), holes(&all)), (1, 1));
    let expected: f64 = units.iter().map(area_m2).sum();
    assert!(close(area_m2(&all), expected, 1e-9));
    assert!(all.is_valid());
}

#[test]
fn an_enclave_is_a_hole_of_the_unit_around_it() {
    let outer = MultiPolygon(vec![Polygon::new(
        ring(&[(0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (0.0, 3.0)]),
        vec![ring(&[(1.0, 1.0), (1.0, 2.0), (2.0, 2.0), (2.0, 1.0)])],
    )]);
    // The enclave's corners are a few decimetres off the hole's.
    let e = 3e-6 / 0.01;
    let inner = polygon(&[
        (1.0 + e, 1.0),
        (2.0, 1.0 + e),
        (2.0 - e, 2.0),
        (1.0, 2.0 - e),
    ]);
    let (topology, _) = build(&[outer, inner]);
    let alone = topology.outline(&[0]);
    assert_eq!((alone.0.len(), holes(&alone)), (1, 1));
    let both = topology.outline(&[0, 1]);
    assert_eq!((both.0.len(), holes(&both)), (1, 0));
    assert!(close(
        area_m2(&both),
        area_m2(&rect(0.0, 0.0, 3.0, 3.0)),
        1e-9
    ));
}

#[test]
fn a_unit_drawn_on_top_of_another_keeps_its_shape() {
    // No hole is cut in the big unit: the small one overlaps it entirely.
    let (topology, report) = build(&[rect(0.0, 0.0, 3.0, 3.0), rect(1.0, 1.0, 2.0, 2.0)]);
    assert!(report.units_lost.is_empty());
    let small = area_m2(&rect(1.0, 1.0, 2.0, 2.0));
    assert!(close(area_m2(&topology.unit_polygon(1)), small, 1e-9));
    let big = topology.outline(&[0]);
    assert_eq!(holes(&big), 1);
    assert!(close(
        area_m2(&big),
        area_m2(&rect(0.0, 0.0, 3.0, 3.0)) - small,
        1e-9
    ));
    let both = topology.outline(&[0, 1]);
    assert_eq!((both.0.len(), holes(&both)), (1, 0));
}

#[test]
fn a_bow_tie_unit_is_repaired() {
    let bow_tie = polygon(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]);
    assert!(!bow_tie.is_valid());
    let (topology, report) = build(&[bow_tie, rect(1.0, 0.0, 2.0, 1.0)]);
    assert_eq!(report.invalid_repaired, 1);
    let repaired = topology.unit_polygon(0);
    assert!(repaired.is_valid());
    assert_eq!(repaired.0.len(), 2);
    assert!(close(area_m2(&repaired), 0.5 * cell_m2(), 1e-3));
}

#[test]
fn a_layer_with_a_non_finite_coordinate_is_refused() {
    let bad = polygon(&[(0.0, 0.0), (f64::NAN, 0.0), (1.0, 1.0)]);
    let error =
        Topology::build(&[rect(0.0, 0.0, 1.0, 1.0), bad], &CleanOptions::default()).unwrap_err();
    assert_eq!(error, TopologyError::NotFinite { unit: 1 });
}

fn props(name: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    map.insert("name".into(), name.into());
    map
}

#[test]
fn topojson_round_trip_keeps_units_properties_and_shared_borders() {
    let units = [
        rect(0.0, 0.0, 1.0, 1.0),
        rect(1.0, 0.0, 2.0, 1.0),
        rect(0.0, 1.0, 2.0, 2.0),
    ];
    let (topology, _) = build(&units);
    let names = [props("a"), props("b"), props("c")];
    let text = topology.to_topojson(&names, &TopoJsonOptions::default());
    assert!(text.contains("\"transform\""));
    let (read, properties) = Topology::from_topojson(&text).unwrap();
    assert_eq!(properties, names);
    assert_eq!(read.unit_count(), 3);
    assert_eq!(read.arcs().len(), topology.arcs().len());
    assert_eq!(read.neighbours(), topology.neighbours());
    for u in 0..3 {
        let (before, after) = (
            area_m2(&topology.unit_polygon(u)),
            area_m2(&read.unit_polygon(u)),
        );
        assert!(
            (before - after).abs() < 1e-4 * before,
            "unit {u}: {before} vs {after}"
        );
    }
    let all = read.outline(&[0, 1, 2]);
    assert_eq!((all.0.len(), holes(&all)), (1, 0));
}

#[test]
fn topojson_with_clockwise_outer_rings_is_read_with_units_on_the_right_side() {
    // Two squares as d3 writes them: outer rings clockwise, arc 0 shared.
    let text = r#"{"type":"Topology","objects":{"x":{"type":"GeometryCollection","geometries":[
        {"type":"Polygon","arcs":[[0,1]],"id":"A"},
        {"type":"Polygon","arcs":[[-1,2]],"properties":{"name":"B"}}]}},
        "arcs":[[[1,0],[1,1]],[[1,1],[0,1],[0,0],[1,0]],[[1,0],[2,0],[2,1],[1,1]]]}"#;
    let (topology, properties) = Topology::from_topojson(text).unwrap();
    assert_eq!(properties[0].get("id"), Some(&serde_json::Value::from("A")));
    assert_eq!(topology.neighbours(), vec![vec![1], vec![0]]);
    let both = topology.outline(&[0, 1]);
    assert_eq!((both.0.len(), holes(&both)), (1, 0));
    assert_eq!(
        both.0[0].exterior().0.len(),
        7,
        "the shared arc is not part of the outline"
    );
    assert!(topology.unit_polygon(0).is_valid());
}

#[test]
fn inconsistent_topojson_is_refused() {
    let arcs = r#""arcs":[[[0,0],[1,0],[1,1],[0,0]],[[5,5],[6,6]]]"#;
    let with = |geometries: &str| {
        format!(
            r#"{{"type":"Topology","objects":{{"x":{{"type":"GeometryCollection","geometries":[{geometries}]}}}},{arcs}}}"#
        )
    };
    let out_of_range = with(r#"{"type":"Polygon","arcs":[[7]]}"#);
    assert!(matches!(
        Topology::from_topojson(&out_of_range),
        Err(TopologyError::ArcOutOfRange { arc: 7, .. })
    ));
    let open = with(r#"{"type":"Polygon","arcs":[[1]]}"#);
    assert_eq!(
        Topology::from_topojson(&open),
        Err(TopologyError::RingNotClosed { feature: 0 })
    );
    let twice = with(r#"{"type":"Polygon","arcs":[[0]]},{"type":"Polygon","arcs":[[0]]}"#);
    assert_eq!(
        Topology::from_topojson(&twice),
        Err(TopologyError::ArcUsedTwice {
            arc: 0,
            first: 0,
            second: 1
        })
    );
    let point = with(r#"{"type":"Point","coordinates":[0,0]}"#);
    assert!(matches!(
        Topology::from_topojson(&point),
        Err(TopologyError::TopoJson(_))
    ));
    assert!(matches!(
        Topology::from_topojson("{}"),
        Err(TopologyError::TopoJson(_))
    ));
}

#[test]
fn simplifying_puts_back_arcs_that_would_cross() {
    // The left unit bulges 35 m into the right one; a small unit straddles the straight
    // line the bulge would become at 50 m, so plain Douglas-Peucker makes arcs cross.
    let left = polygon(&[
        (0.0, 0.0),
        (1.0, 0.0),
        (1.0, 0.3),
        (1.05, 0.5),
        (1.0, 0.7),
        (1.0, 1.0),
        (0.0, 1.0),
    ]);
    let right = polygon(&[
        (1.0, 0.0),
        (2.0, 0.0),
        (2.0, 1.0),
        (1.0, 1.0),
        (1.0, 0.7),
        (1.05, 0.5),
        (1.0, 0.3),
    ]);
    let small = rect(0.99, 0.48, 1.02, 0.52);
    // Units above and below, so that the border of left and right is the only arc between
    // its two nodes (else the guard against collapsing keeps the bulge anyway).
    let (above, below) = (rect(0.0, 1.0, 2.0, 2.0), rect(0.0, -1.0, 2.0, 0.0));
    let (topology, _) = build(&[left, right, small, above, below]);
    let simple = topology.simplified(50.0);
    for u in 0..5 {
        let shape = simple.unit_polygon(u);
        assert!(shape.is_valid(), "unit {u}: {:?}", shape.check_validation());
    }
    let bulge = simple
        .arcs()
        .iter()
        .flatten()
        .any(|p| (p[0] - at(1.05, 0.5).0).abs() < 1e-12);
    assert!(bulge, "the crossing arc kept its bulge");
    assert!(simple.vertex_count() <= topology.vertex_count());
}

//! Questions the tools ask about a scenario's areas before they edit: where the holes are,
//! which territory is nearest a point, which territories contain it.

use geo::{BooleanOps, MultiPolygon, Polygon};

use crate::model::Scenario;

/// Holes between territories: areas enclosed by territories but in none of them, as (centre
/// lon/lat, km²), largest first. Costs a union of every territory: run it on demand.
pub fn holes(scenario: &Scenario) -> Vec<((f64, f64), f64)> {
    use geo::{Centroid, GeodesicArea};
    let mut union = MultiPolygon::<f64>(vec![]);
    for t in &scenario.territories {
        union = union.union(&t.geometry);
    }
    let mut found: Vec<((f64, f64), f64)> = union
        .0
        .iter()
        .flat_map(|p| p.interiors().iter())
        .filter_map(|ring| {
            // A hole's ring runs clockwise; as an outline of its own it must run the other way,
            // or its geodesic area is the rest of the Earth.
            let hole = geo::Orient::orient(
                &Polygon::new(ring.clone(), vec![]),
                geo::orient::Direction::Default,
            );
            let c = hole.centroid()?;
            Some(((c.x(), c.y()), hole.geodesic_area_unsigned() / 1e6))
        })
        .filter(|(_, km2)| *km2 > 0.001)
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found
}

/// The territory whose area is nearest to a point (0 for a point inside), by plane distance
/// in degrees: good enough to choose between neighbours.
pub fn nearest_territory(scenario: &Scenario, lon: f64, lat: f64) -> Option<usize> {
    use geo::{Distance, Euclidean};
    let point = geo::Point::new(lon, lat);
    scenario
        .territories
        .iter()
        .enumerate()
        .map(|(k, t)| (k, Euclidean.distance(&point, &t.geometry)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// The territories whose area contains a point.
pub fn territories_at(scenario: &Scenario, lon: f64, lat: f64) -> Vec<usize> {
    use geo::Contains;
    let point = geo::Point::new(lon, lat);
    (0..scenario.territories.len())
        .filter(|&k| scenario.territories[k].geometry.contains(&point))
        .collect()
}

#[cfg(test)]
mod tests {
    use geo::LineString;

    use super::*;
    use crate::edit::demo;

    #[test]
    fn a_hole_between_territories_is_found_and_measured() {
        let project = demo();
        let mut s = project.scenarios[0].clone();
        assert!(holes(&s).is_empty(), "the demo tiles without holes");
        // Cut a square out of Oost, inside its area: a hole surrounded by Oost.
        let square = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (6.0, 52.2),
                (6.1, 52.2),
                (6.1, 52.3),
                (6.0, 52.3),
                (6.0, 52.2),
            ]),
            vec![],
        )]);
        s.territories[1].geometry = s.territories[1].geometry.difference(&square);
        let found = holes(&s);
        assert_eq!(found.len(), 1, "{found:?}");
        let ((x, y), km2) = found[0];
        assert!((x - 6.05).abs() < 0.01 && (y - 52.25).abs() < 0.01);
        // 0.1 by 0.1 degrees at 52 N: about 6.8 by 11.1 km.
        assert!((km2 - 76.0).abs() < 3.0, "{km2}");
    }
}

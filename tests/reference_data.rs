//! Checks the embedded demo assets against the reference data they were made from
//! (`../shared/data`). These are the only tests that read outside the repository. CI (where
//! `CI` is set) always has a copy of `shared/` beside the clone, so there a missing file fails
//! the test; elsewhere (a fresh clone on its own) the tests say why they skip and pass.

use std::io::Read;
use std::path::Path;

use geo::GeodesicArea;
use geo::orient::{Direction, Orient};
use tessera::io::territories::read_territories;

/// The reference file `name`, or `None` (with a note) when it is missing outside CI; in CI a
/// missing file fails the test, else these tests could never fail there.
fn reference(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set but reference data {} cannot be read: {e}",
                path.display()
            )
        }
        Err(e) => {
            eprintln!(
                "skipped: reference data {} cannot be read ({e}); in CI (CI set) this fails",
                path.display()
            );
            None
        }
    }
}

fn asset(name: &str) -> String {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(name),
    )
    .expect("asset");
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut text)
        .expect("gzip");
    text
}

#[test]
fn embedded_places_are_the_geonames_places_of_the_netherlands() {
    let Some(source) = reference("places-nl-pop1000.csv") else {
        return;
    };
    let mut expected: Vec<(String, String, String, String)> =
        csv::Reader::from_reader(source.as_bytes())
            .records()
            .map(|r| {
                let r = r.expect("reference row");
                // geonameid,name,country,admin1_code,admin1_name,feature_code,population,lat,lon
                (
                    r[1].to_string(),
                    r[4].to_string(),
                    r[7].to_string(),
                    r[8].to_string(),
                )
            })
            .collect();
    let text = asset("nl-places.csv.gz");
    let mut embedded: Vec<(String, String, String, String)> =
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| {
                let r = r.expect("asset row");
                (
                    r[0].to_string(),
                    r[1].to_string(),
                    r[3].to_string(),
                    r[4].to_string(),
                )
            })
            .collect();
    expected.sort();
    embedded.sort();
    assert_eq!(embedded.len(), 1407);
    assert_eq!(embedded, expected);
}

#[test]
fn demo_regions_tile_the_natural_earth_netherlands() {
    let Some(countries) = reference("countries-10m.geojson") else {
        return;
    };
    // Natural Earth has invalid rings elsewhere in the world, so take the one feature raw
    // rather than through our (strict) territory reader.
    let world: geojson::FeatureCollection = countries.parse().expect("reference parses");
    let nl = world
        .features
        .iter()
        .find(|f| f.property("name").and_then(|n| n.as_str()) == Some("Netherlands"))
        .and_then(|f| f.geometry.as_ref())
        .expect("the Netherlands");
    let nl = geo::MultiPolygon::<f64>::try_from(&nl.value).expect("a multipolygon");
    // The European part only (the feature also holds Caribbean islands). Natural Earth winds
    // rings clockwise, which a geodesic area reads as "the rest of the Earth": orient first.
    let european: f64 =
        nl.0.iter()
            .filter(|p| p.exterior().0.iter().all(|c| c.x > 3.0 && c.y > 50.0))
            .map(|p| p.orient(Direction::Default).geodesic_area_unsigned())
            .sum();
    let regions =
        read_territories(&asset("nl-regions.geojson.gz"), "nl-regions").expect("asset parses");
    let total: f64 = regions
        .iter()
        .map(|r| r.geometry.geodesic_area_unsigned())
        .sum();
    let relative = (total - european).abs() / european;
    assert!(
        relative < 1e-5,
        "regions {total} m2 vs outline {european} m2 ({relative:e})"
    );
}

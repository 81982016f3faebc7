//! Accounts by postcode and Dutch place names (issue 13, point 6): rows without coordinates
//! land inside their PC4 area on import and in `tessera route`, a postcode beats a place
//! name, bad postcodes are refused by row and field; the gazetteer finds every Dutch
//! woonplaats inside its own postcode areas; every account knows its unit in each layer.

#[path = "layers/support.rs"]
mod support;

mod cli_support;

use std::collections::HashMap;
use std::path::Path;

use cli_support::{s, tessera, text};
use geo::{Contains, InteriorPoint, Point};
use support::reference;
use tessera::geocode::Gazetteer;
use tessera::session::Session;
use tessera::store::ProjectFile;
use tessera::units::embedded;
use tessera::units::layer::UnitLayer;

/// The embedded PC4 layer.
fn pc4() -> std::sync::Arc<UnitLayer> {
    embedded::layer("nl-pc4")
        .expect("embedded")
        .expect("decodes")
}

/// The PC4 area whose shape contains the point, found with geo (not the layer's locator
/// that the import uses).
fn area_containing(layer: &UnitLayer, lon: f64, lat: f64) -> Option<String> {
    let point = Point::new(lon, lat);
    (0..layer.units.len())
        .find(|&u| layer.topology.unit_polygon(u).contains(&point))
        .map(|u| layer.units[u].code.clone())
}

/// The demo saved in a temporary folder.
fn demo(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("demo.tessera");
    let out = tessera(&["demo", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

#[test]
fn rows_without_coordinates_are_placed_at_their_postcode_area() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(&dir);
    let csv = dir.path().join("klanten.csv");
    std::fs::write(
        &csv,
        "klantnummer;naam;postcode;plaats;land;lat;lon\n\
         P1;Spatie;1011 AB;;;;\n\
         P2;Aaneen;1011AB;;;;\n\
         P3;Vier cijfers;1011;;;;\n\
         P4;Kleine letters;1011 ab;;;;\n\
         P5;Verkeerd;10X1 AB;;;;\n\
         P6;Beide;1011 AB;Maastricht;;;\n\
         P7;Coordinaten;1011 AB;;;52,0907;5,1214\n\
         P8;Onbekend;1000 AA;;;;\n\
         P9;Belg;1000;Brussels;BE;;\n\
         P10;Dorp;9999;;NL;;\n\
         P11;Zip;90210;Maastricht;;;\n",
    )
    .expect("write");
    let out = tessera(&["import", s(&project), "--accounts", s(&csv)]);
    let report = text(&out.stderr);
    assert!(out.status.success(), "{report}");
    for expected in [
        "skipped line 6 (postcode): postcode \"10X1 AB\" is not a Dutch postcode",
        "skipped line 9 (postcode): postcode \"1000 AA\": there is no postcode area 1000",
        "9 added, 0 updated, 0 unchanged, 2 skipped",
        "6 located by postcode; 2 located by place name",
        "column \"postcode\": Postcode",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
    let (_, p) = ProjectFile::open(&project).expect("open");
    let by_id: HashMap<&str, usize> = (0..p.accounts.len())
        .map(|i| (p.accounts.external_id(i), i))
        .collect();
    let layer = pc4();
    let position = |id: &str| {
        let a = p.accounts.get(by_id[id]);
        (a.lon, a.lat, a.extra.get("located by").cloned())
    };
    // Four ways to write 1011, and the row that also names Maastricht: all inside 1011.
    for id in ["P1", "P2", "P3", "P4", "P6"] {
        let (lon, lat, located) = position(id);
        assert_eq!(
            area_containing(&layer, lon, lat).as_deref(),
            Some("1011"),
            "{id}"
        );
        assert_eq!(layer.unit_at(lon, lat), layer.unit("1011"), "{id}");
        assert_eq!(located.as_deref(), Some("postcode: 1011"), "{id}");
    }
    // Coordinates win over the postcode.
    let (lon, lat, located) = position("P7");
    assert_eq!((lat, lon), (52.0907, 5.1214));
    assert_eq!(located.as_deref(), Some("coordinates"));
    // A Belgian 1000 is Brussels, placed by its name, not in Amsterdam's postcode 1000.
    let (lon, lat, located) = position("P9");
    assert!(
        (lat - 50.85).abs() < 0.05 && (lon - 4.35).abs() < 0.05,
        "{lat} {lon}"
    );
    assert_eq!(located.as_deref(), Some("place: Brussels, BE"));
    // A postcode not written the Dutch way gives way to the row's place.
    let (_, _, located) = position("P11");
    assert_eq!(located.as_deref(), Some("place: Maastricht, NL"));
    // The village Stitswerd (95 inhabitants) by its postcode.
    let (lon, lat, _) = position("P10");
    assert_eq!(area_containing(&layer, lon, lat).as_deref(), Some("9999"));
    assert!(!by_id.contains_key("P5") && !by_id.contains_key("P8"));
}

#[test]
fn a_file_with_only_bad_postcodes_imports_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(&dir);
    let before = std::fs::read(&project).expect("read");
    let bad = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bad/bad-postcodes.csv"
    );
    let out = tessera(&["import", s(&project), "--accounts", bad]);
    let report = text(&out.stderr);
    assert!(!out.status.success(), "{report}");
    assert!(
        report.contains("line 2 (postcode): postcode \"10 11\" is not a Dutch postcode"),
        "{report}"
    );
    assert_eq!(std::fs::read(&project).expect("read"), before);
}

#[test]
fn route_places_rows_by_postcode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(&dir);
    let leads = dir.path().join("leads.csv");
    let codes = ["1011", "6211", "7811", "9999", "4331"];
    let mut rows = String::from("lead,postcode\n");
    for (k, code) in codes.iter().enumerate() {
        rows.push_str(&format!("L{k},{code} AB\n"));
    }
    rows.push_str("Lbad,99\n");
    std::fs::write(&leads, rows).expect("write");
    let routed = dir.path().join("routed.csv");
    let out = tessera(&[
        "route",
        "--accounts",
        s(&leads),
        "--project",
        s(&project),
        "--out",
        s(&routed),
    ]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr
            .contains("leads.csv line 7, column postcode: postcode \"99\" is not a Dutch postcode"),
        "{stderr}"
    );
    assert!(stderr.contains("routed 5 of 6 rows"), "{stderr}");
    assert!(stderr.contains("5 rows without coordinates were routed by their postcode"));
    // Each lead is in the territory that contains a point inside its postcode area (geo's
    // containment on the demo's shapes).
    let (_, p) = ProjectFile::open(&project).expect("open");
    let scenario = &p.scenarios[0];
    let layer = pc4();
    let mut reader = csv::Reader::from_path(&routed).expect("csv");
    let header = reader.headers().expect("header").clone();
    let territory = header
        .iter()
        .position(|h| h == "territory")
        .expect("column");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(records.len(), 6);
    for (record, code) in records.iter().zip(codes) {
        let u = layer.unit(code).expect("area") as usize;
        let inside = layer
            .topology
            .unit_polygon(u)
            .interior_point()
            .expect("point");
        let expected: Vec<&str> = scenario
            .territories
            .iter()
            .filter(|t| t.geometry.contains(&inside))
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(expected.len(), 1, "{code}: {expected:?}");
        assert_eq!(&record[territory], expected[0], "{code}");
    }
    assert_eq!(&records[5][territory], "");
}

/// The reference PC4 table: each place's postcode areas, by name.
fn places_table(path: &Path) -> HashMap<String, Vec<String>> {
    let mut areas: HashMap<String, Vec<String>> = HashMap::new();
    for r in csv::Reader::from_path(path).expect("table").records() {
        let r = r.expect("row");
        areas
            .entry(r[1].to_owned())
            .or_default()
            .push(r[0].to_owned());
    }
    areas
}

#[test]
fn reference_data_dutch_places_land_in_their_own_postcode_areas() {
    let table = places_table(&reference!("nl-pc4-places-2021.csv"));
    let g = Gazetteer::load().expect("gazetteer");
    let layer = pc4();
    let area_of = |place: &tessera::geocode::Place| {
        layer
            .unit_at(place.lon, place.lat)
            .map(|u| layer.units[u as usize].code.clone())
            .expect("in a PC4 area")
    };
    for (written, plaats) in [
        ("Den Haag", "Den Haag"),
        ("'s-Gravenhage", "Den Haag"),
        ("Den Bosch", "'s-Hertogenbosch"),
        ("’s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Stitswerd", "Stitswerd"),
    ] {
        let place = g.locate(written, Some("NL")).expect(written);
        assert!(
            table[plaats].contains(&area_of(place)),
            "{written}: {place:?}"
        );
    }
    // Every woonplaats the name finds (not another place by an alias): in its own postcode
    // areas; among them the villages under 1,000 inhabitants GeoNames did not have.
    let (mut found, mut villages) = (0, 0);
    for (name, areas) in &table {
        let Ok(place) = g.locate(name, Some("NL")) else {
            continue;
        };
        if place.municipality.is_empty() || place.name != *name {
            continue;
        }
        found += 1;
        villages += usize::from(place.population < 1_000);
        assert!(areas.contains(&area_of(place)), "{name}: {place:?}");
    }
    assert!(
        found > 2_300 && villages > 700,
        "{found} places, {villages} villages"
    );
}

#[test]
fn every_account_knows_its_unit_in_each_layer() {
    let session = Session::demo().expect("demo");
    let accounts = &session.project().accounts;
    let layers: Vec<_> = ["nl-pc4", "nl-gemeente", "nl-provincie"]
        .iter()
        .map(|k| embedded::layer(k).expect("layer").expect("decodes"))
        .collect();
    let mut inside = 0;
    for row in (0..accounts.len()).step_by(41) {
        let units = session.account_units(row, &[]).expect("units");
        let keys: Vec<&str> = units.iter().map(|u| u.layer).collect();
        assert_eq!(
            keys,
            [
                "nl-pc4",
                "nl-pc3",
                "nl-pc2",
                "nl-gemeente",
                "nl-corop",
                "nl-provincie"
            ]
        );
        let (lon, lat) = (accounts.lons()[row], accounts.lats()[row]);
        for layer in &layers {
            let shown = units
                .iter()
                .find(|u| u.layer == layer.key)
                .and_then(|u| u.unit.as_ref())
                .map(|u| u.code.clone());
            assert_eq!(
                shown,
                area_containing(layer, lon, lat),
                "{} {row}",
                layer.key
            );
            inside += usize::from(shown.is_some());
        }
        let one = session.account_unit(row, "nl-gemeente").expect("unit");
        assert_eq!(one, units[3].unit);
    }
    assert!(inside > 50, "{inside}");
}

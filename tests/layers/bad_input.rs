//! Bad layers: each a clear error naming the file (and feature, field where it applies),
//! never a panic. Every input is a small file written by the test.

use std::path::{Path, PathBuf};

use super::support::*;
use geo::{MultiPolygon, polygon};
use serde_json::json;
use tessera::io::layers::{LayerError, read_layer};

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads `path`, expecting an error whose message names the file and contains every `want`.
fn refused(path: &Path, want: &[&str]) -> LayerError {
    let err = read_layer(path).expect_err("should be refused");
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()),
        "no file name in {text:?}"
    );
    for w in want {
        assert!(text.contains(w), "{w:?} not in {text:?}");
    }
    err
}

fn fc(features: serde_json::Value) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[test]
fn points_and_lines_only_have_no_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "points.geojson",
        fc(json!([
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [5.0, 52.0]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[5.0, 52.0], [6.0, 52.0]]}}])),
    );
    let err = refused(&path, &["has no polygons", "1 points", "1 lines"]);
    assert!(matches!(err, LayerError::NoPolygons { .. }));
}

#[test]
fn empty_layers() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.geojson", fc(json!([])));
    assert!(matches!(
        refused(&path, &["empty"]),
        LayerError::Empty { .. }
    ));
    let path = write(
        dir.path(),
        "empty.topojson",
        json!({"type": "Topology", "objects": {}, "arcs": []}).to_string(),
    );
    assert!(matches!(
        refused(&path, &["empty"]),
        LayerError::Empty { .. }
    ));
}

#[test]
fn unknown_crs_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]});
    let path = write(dir.path(), "lambert.geojson", doc.to_string());
    refused(&path, &["EPSG:31370", "RD New"]);
    // A Shapefile whose .prj is Belgian Lambert 72, named by its PROJCS.
    let shp = dir.path().join("be.shp");
    write_square_shapefile(&shp, 150_000.0, 170_000.0);
    std::fs::write(
        shp.with_extension("prj"),
        r#"PROJCS["Belge_Lambert_1972",GEOGCS["GCS_Belge_1972"]]"#,
    )
    .unwrap();
    refused(&shp, &["Belge_Lambert_1972"]);
}

#[test]
fn projected_coordinates_outside_rd_without_crs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Web Mercator metres of Utrecht, no crs member.
    let path = write(
        dir.path(),
        "merc.geojson",
        fc(
            json!([{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
        "coordinates": [[[570_000.0, 6_817_000.0], [571_000.0, 6_817_000.0], [571_000.0, 6_818_000.0], [570_000.0, 6_817_000.0]]]}}]),
        ),
    );
    refused(
        &path,
        &["no crs member", "not longitude/latitude", "feature 1"],
    );
    // The same in a Shapefile without .prj.
    let shp = dir.path().join("merc.shp");
    write_square_shapefile(&shp, 570_000.0, 6_817_000.0);
    refused(&shp, &["no .prj file"]);
}

#[test]
fn shapefile_without_dbf() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("alone.shp");
    write_square_shapefile(&shp, 5.0, 52.0);
    std::fs::remove_file(shp.with_extension("dbf")).unwrap();
    let err = refused(&shp, &["alone.dbf", "missing"]);
    assert!(matches!(err, LayerError::MissingDbf { .. }));
}

/// Every truncation of a valid .shp is an error or (when the cut falls after the last
/// record's end) a read, never a panic.
#[test]
fn truncated_shapefiles_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("full.shp");
    write_square_shapefile(&shp, 5.0, 52.0);
    let full = std::fs::read(&shp).unwrap();
    let cut_path = dir.path().join("cut.shp");
    std::fs::copy(shp.with_extension("dbf"), cut_path.with_extension("dbf")).unwrap();
    for cut in 0..full.len() {
        std::fs::write(&cut_path, &full[..cut]).unwrap();
        let err = read_layer(&cut_path).expect_err(&format!("cut at {cut}"));
        assert!(err.to_string().contains("cut.shp"), "{err}");
    }
    std::fs::write(&cut_path, &full[..full.len() - 1]).unwrap();
    refused(&cut_path, &["damaged Shapefile"]);
}

#[test]
fn not_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "text.gpkg", "just some text, not SQLite");
    assert!(matches!(
        refused(&path, &["not a GeoPackage"]),
        LayerError::NotGeoPackage { .. }
    ));
    // SQLite, but without the GeoPackage tables.
    let path = dir.path().join("plain.gpkg");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (a INTEGER)")
        .unwrap();
    refused(&path, &["not a GeoPackage", "gpkg_contents"]);
}

#[test]
fn geopackage_without_polygon_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("points.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    create_gpkg_tables(&conn);
    add_gpkg_table(&conn, "shops", "POINT", 4326, &[]);
    drop(conn);
    let err = refused(&path, &["no polygon layer", "shops (POINT)"]);
    assert!(matches!(err, LayerError::NoPolygonLayer { .. }));
}

#[test]
fn geopackage_bad_blobs_name_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let square = MultiPolygon::new(vec![
        polygon![(x: 5.0, y: 52.0), (x: 5.1, y: 52.0), (x: 5.1, y: 52.1), (x: 5.0, y: 52.0)],
    ]);
    let nan = MultiPolygon::new(vec![
        polygon![(x: 5.0, y: f64::NAN), (x: 5.1, y: 52.0), (x: 5.1, y: 52.1), (x: 5.0, y: 52.0)],
    ]);
    let good = gp_blob(4326, &wkb_multipolygon(&square));
    let mut truncated = good.clone();
    truncated.truncate(good.len() - 5);
    for (name, blob, want) in [
        (
            "nan",
            gp_blob(4326, &wkb_multipolygon(&nan)),
            "invalid coordinate",
        ),
        ("cut", truncated, "ends early"),
        ("junk", b"not a geometry".to_vec(), "GP header"),
    ] {
        let path = dir.path().join(format!("{name}.gpkg"));
        let conn = rusqlite::Connection::open(&path).unwrap();
        create_gpkg_tables(&conn);
        let rows = vec![
            ("1".into(), "ok".into(), good.clone()),
            ("2".into(), "bad".into(), blob),
        ];
        add_gpkg_table(&conn, "units", "MULTIPOLYGON", 4326, &rows);
        drop(conn);
        refused(&path, &["feature 2", want]);
    }
    // An unknown SRS in the GeoPackage is named.
    let path = dir.path().join("lambert.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    create_gpkg_tables(&conn);
    add_gpkg_table(
        &conn,
        "units",
        "MULTIPOLYGON",
        31370,
        &[(
            "1".into(),
            "x".into(),
            gp_blob(31370, &wkb_multipolygon(&square)),
        )],
    );
    drop(conn);
    refused(&path, &["EPSG:31370", "Belgian Lambert 72"]);
}

#[test]
fn huge_and_malformed_coordinates_name_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let ok = json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[5, 52], [6, 52], [6, 53], [5, 52]]]}});
    let huge = json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[5, 52], [1e300, 52], [6, 53], [5, 52]]]}});
    let path = write(dir.path(), "huge.geojson", fc(json!([ok, huge])));
    refused(&path, &["feature 2", "invalid coordinate"]);
    let text = json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[5, 52], ["6", 52], [6, 53], [5, 52]]]}});
    let path = write(dir.path(), "text.geojson", fc(json!([ok, ok, text])));
    refused(&path, &["feature 3", "position"]);
    // Latitude 95 in a WGS84 file.
    let polar = json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[5, 52], [6, 95], [6, 53], [5, 52]]]}});
    let path = write(dir.path(), "polar.geojson", json!({"type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": [ok, polar]}).to_string());
    refused(&path, &["feature 2", "outside longitude/latitude"]);
}

#[test]
fn topojson_arc_index_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({"type": "Topology", "objects": {"units": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]]}, {"type": "Polygon", "arcs": [[7]]}]}},
        "arcs": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]});
    let path = write(dir.path(), "arcs.topojson", doc.to_string());
    refused(
        &path,
        &["feature 2", "arc index 7 is out of range", "1 arcs"],
    );
    let doc = json!({"type": "Topology", "objects": {"units": {"type": "Polygon", "arcs": [[-5]]}}, "arcs": []});
    let path = write(dir.path(), "neg.topojson", doc.to_string());
    refused(&path, &["feature 1", "arc index -5"]);
}

#[test]
fn not_json_and_wrong_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "broken.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [",
    );
    assert!(matches!(
        refused(&path, &["not a GeoJSON"]),
        LayerError::NotJson { .. }
    ));
    let path = write(
        dir.path(),
        "point.geojson",
        json!({"type": "Point", "coordinates": [5, 52]}).to_string(),
    );
    refused(&path, &["a Point"]);
    let path = write(dir.path(), "units.csv", "postcode,naam\n1011,Amsterdam\n");
    assert!(matches!(
        refused(&path, &["not a unit layer"]),
        LayerError::UnknownFormat { .. }
    ));
    let path = write(dir.path(), "units.dbf", "x");
    refused(&path, &["open the .shp"]);
}

/// A one-square Shapefile at (x, y) with a 1-unit side, no .prj.
fn write_square_shapefile(path: &Path, x: f64, y: f64) {
    let builder = dbase::TableWriterBuilder::new()
        .add_character_field(dbase::FieldName::try_from("NAAM").unwrap(), 20);
    let mut writer = shapefile::Writer::from_path(path, builder).unwrap();
    let ring = vec![
        shapefile::Point::new(x, y),
        shapefile::Point::new(x, y + 1.0),
        shapefile::Point::new(x + 1.0, y + 1.0),
        shapefile::Point::new(x + 1.0, y),
        shapefile::Point::new(x, y),
    ];
    let mut record = dbase::Record::default();
    record.insert(
        "NAAM".into(),
        dbase::FieldValue::Character(Some("vierkant".into())),
    );
    writer
        .write_shape_and_record(
            &shapefile::Polygon::new(shapefile::PolygonRing::Outer(ring)),
            &record,
        )
        .unwrap();
}

/// A .shp whose record claims two billion parts or points is an error, not an allocation of
/// gigabytes or a panic.
#[test]
fn lying_shapefile_counts_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("liar.shp");
    write_square_shapefile(&shp, 5.0, 52.0);
    let full = std::fs::read(&shp).unwrap();
    // Record header (8 bytes) after the 100-byte file header, shape type, box (32), then
    // the part count at 144 and the point count at 148 (little-endian).
    for at in [144, 148] {
        let mut bytes = full.clone();
        bytes[at..at + 4].copy_from_slice(&i32::MAX.to_le_bytes());
        std::fs::write(&shp, &bytes).unwrap();
        refused(&shp, &["damaged Shapefile"]);
    }
}

/// The committed fixtures in tests/data/bad-layers: each refused
/// with a message that names it and says why.
#[test]
fn committed_bad_fixtures_are_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-layers");
    let expected = [
        ("points-only.geojson", "has no polygons"),
        ("empty.geojson", "empty"),
        ("lambert72.geojson", "EPSG:31370"),
        ("mercator-without-crs.geojson", "no crs member"),
        ("huge-coordinate.geojson", "feature 2: invalid coordinate"),
        ("arc-out-of-range.topojson", "arc index 7 is out of range"),
        ("not-a-geopackage.gpkg", "not a GeoPackage"),
        ("without-dbf.shp", ".dbf is missing"),
        ("truncated.shp", "damaged Shapefile"),
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".dbf") {
            continue;
        }
        let (_, want) = expected
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        refused(&path, &[want]);
        seen += 1;
    }
    assert_eq!(seen, expected.len());
}

/// Random byte changes to a small Shapefile (fixed seed): an error or a layer, never a panic
/// or a runaway allocation.
#[test]
fn mutated_shapefiles_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("m.shp");
    write_square_shapefile(&shp, 5.0, 52.0);
    let shp_bytes = std::fs::read(&shp).unwrap();
    let dbf_bytes = std::fs::read(shp.with_extension("dbf")).unwrap();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..600 {
        let (mut s, mut d) = (shp_bytes.clone(), dbf_bytes.clone());
        let target = if round % 2 == 0 { &mut s } else { &mut d };
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % target.len();
            target[at] = next() as u8;
        }
        std::fs::write(&shp, &s).unwrap();
        std::fs::write(shp.with_extension("dbf"), &d).unwrap();
        let _ = read_layer(&shp);
    }
}

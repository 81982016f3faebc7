//! Layers in every format and CRS load with the right units at the right place. Tests named
//! `reference_data_*` read ../shared/data/units (the lead gates them).

use std::path::Path;

use super::support::*;
use geo::{BoundingRect, MultiPolygon, polygon};
use serde_json::{Value, json};
use tessera::io::layers::{
    Crs, LayerFormat, RawLayer, ReadOptions, guess_fields, read_layer, read_layer_with,
};

const CODES: [i64; 3] = [1011, 3811, 9711];

/// Three real PC4 areas (Amsterdam centre, Amersfoort centre, Groningen centre), WGS84;
/// `None` (skipped) without the reference data.
fn pc4_sample() -> Option<Vec<(i64, MultiPolygon<f64>)>> {
    let layer = read_layer(&reference_layer("nl-pc4-2020.geojson")?).unwrap();
    let sample = CODES
        .iter()
        .map(|&code| {
            let unit = layer
                .features
                .iter()
                .find(|u| u.property("postcode").and_then(Value::as_i64) == Some(code))
                .unwrap_or_else(|| panic!("PC4 {code} not in the file"));
            (code, unit.geometry.clone())
        })
        .collect();
    Some(sample)
}

/// Every sample unit is in `layer`, by code in `field`, with its centroid within 10 m.
fn assert_same_places(layer: &RawLayer, field: &str, sample: &[(i64, MultiPolygon<f64>)]) {
    assert_eq!(layer.features.len(), sample.len());
    for (code, original) in sample {
        let unit = layer
            .features
            .iter()
            .find(|u| u.text(field).as_deref() == Some(code.to_string().as_str()))
            .unwrap_or_else(|| panic!("unit {code} missing; fields {:?}", layer.fields));
        let d = metres(centroid(&unit.geometry), centroid(original));
        assert!(d < 10.0, "PC4 {code}: centroid {d:.2} m from the original");
        assert_eq!(unit.geometry.0.len(), original.0.len(), "PC4 {code}: parts");
    }
}

fn rd_geojson(sample: &[(i64, MultiPolygon<f64>)], crs_name: Option<&str>) -> Value {
    let features: Vec<Value> = sample
        .iter()
        .map(|(code, mp)| {
            let rd = to_rd(mp);
            let coords: Vec<Value> = rd
                .0
                .iter()
                .map(|p| {
                    let rings = std::iter::once(p.exterior()).chain(p.interiors());
                    json!(rings.map(|r| r.0.iter().map(|c| json!([c.x, c.y])).collect::<Vec<_>>()).collect::<Vec<_>>())
                })
                .collect();
            json!({"type": "Feature", "properties": {"postcode": code, "naam": format!("PC {code}")},
                   "geometry": {"type": "MultiPolygon", "coordinates": coords}})
        })
        .collect();
    let mut doc = json!({"type": "FeatureCollection", "features": features});
    if let Some(name) = crs_name {
        doc["crs"] = json!({"type": "name", "properties": {"name": name}});
    }
    doc
}

#[test]
fn reference_data_rd_new_geojson_with_crs_member_lands_in_place() {
    let Some(sample) = pc4_sample() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for name in ["urn:ogc:def:crs:EPSG::28992", "EPSG:28992"] {
        let path = dir.path().join("pc4-rd.geojson");
        std::fs::write(&path, rd_geojson(&sample, Some(name)).to_string()).unwrap();
        let layer = read_layer(&path).unwrap();
        assert_eq!(layer.crs, Crs::RdNew);
        assert_eq!(layer.source_crs, "EPSG:28992 (RD New)");
        assert!(layer.notes.is_empty(), "{:?}", layer.notes);
        assert_same_places(&layer, "postcode", &sample);
    }
}

/// Decision: RD New coordinates without a crs member are read as RD New (with a note), since
/// they cannot be lon/lat and lie wholly within RD's range.
#[test]
fn reference_data_rd_new_geojson_without_crs_member_is_read_as_rd_with_a_note() {
    let Some(sample) = pc4_sample() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pc4-rd-unmarked.json");
    std::fs::write(&path, rd_geojson(&sample, None).to_string()).unwrap();
    let layer = read_layer(&path).unwrap();
    assert_eq!(layer.crs, Crs::RdNew);
    assert!(
        layer
            .notes
            .iter()
            .any(|n| n.contains("no crs member") && n.contains("RD New")),
        "{:?}",
        layer.notes
    );
    assert_same_places(&layer, "postcode", &sample);
}

#[test]
fn reference_data_shapefile_in_rd_new_with_prj_lands_in_place() {
    let Some(sample) = pc4_sample() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pc4.shp");
    write_shapefile(&path, &sample, true);
    std::fs::write(path.with_extension("prj"), RD_PRJ).unwrap();
    std::fs::write(path.with_extension("cpg"), "UTF-8").unwrap();
    let layer = read_layer(&path).unwrap();
    assert_eq!(layer.format, LayerFormat::Shapefile);
    assert_eq!(layer.crs, Crs::RdNew);
    assert_eq!(layer.fields, ["POSTCODE", "NAAM"]);
    assert_same_places(&layer, "POSTCODE", &sample);
    let names: Vec<String> = layer
        .features
        .iter()
        .map(|u| u.text("NAAM").unwrap())
        .collect();
    assert_eq!(names[0], "Súdwest-Fryslân 1011");
}

/// A WGS84 Shapefile without .prj, its .dbf in Windows-1252 without .cpg: read as lon/lat,
/// accents right.
#[test]
fn reference_data_shapefile_wgs84_without_prj_or_cpg() {
    let Some(sample) = pc4_sample() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pc4-wgs.shp");
    write_shapefile(&path, &sample, false);
    let layer = read_layer(&path).unwrap();
    assert_eq!(layer.crs, Crs::Wgs84);
    assert_same_places(&layer, "POSTCODE", &sample);
    assert_eq!(
        layer.features[0].text("NAAM").unwrap(),
        "Súdwest-Fryslân 1011"
    );
    assert!(
        layer.notes.iter().any(|n| n.contains("Windows-1252")),
        "{:?}",
        layer.notes
    );
}

const RD_PRJ: &str = r#"PROJCS["RD_New",GEOGCS["GCS_Amersfoort",DATUM["D_Amersfoort",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",155000.0],PARAMETER["False_Northing",463000.0],PARAMETER["Central_Meridian",5.38763888888889],PARAMETER["Scale_Factor",0.9999079],PARAMETER["Latitude_Of_Origin",52.15616055555555],UNIT["Meter",1.0]]"#;

/// Writes the sample with the `shapefile` crate's writer: RD New and UTF-8, or WGS84 and
/// Windows-1252.
fn write_shapefile(path: &Path, sample: &[(i64, MultiPolygon<f64>)], rd: bool) {
    use dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    let builder = if rd {
        TableWriterBuilder::new()
    } else {
        TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
            encoding_rs::WINDOWS_1252,
        ))
    };
    let builder = builder
        .add_numeric_field(FieldName::try_from("POSTCODE").unwrap(), 10, 0)
        .add_character_field(FieldName::try_from("NAAM").unwrap(), 60);
    let mut writer = shapefile::Writer::from_path(path, builder).unwrap();
    for (code, mp) in sample {
        let mp = if rd { to_rd(mp) } else { mp.clone() };
        let mut rings = Vec::new();
        for p in &mp.0 {
            // Shapefile outer rings are clockwise, holes counter-clockwise.
            let mut outer: Vec<shapefile::Point> = p
                .exterior()
                .0
                .iter()
                .map(|c| shapefile::Point::new(c.x, c.y))
                .collect();
            if signed_area(&outer) > 0.0 {
                outer.reverse();
            }
            rings.push(shapefile::PolygonRing::Outer(outer));
            for hole in p.interiors() {
                let mut inner: Vec<shapefile::Point> = hole
                    .0
                    .iter()
                    .map(|c| shapefile::Point::new(c.x, c.y))
                    .collect();
                if signed_area(&inner) < 0.0 {
                    inner.reverse();
                }
                rings.push(shapefile::PolygonRing::Inner(inner));
            }
        }
        let mut record = Record::default();
        record.insert("POSTCODE".into(), FieldValue::Numeric(Some(*code as f64)));
        record.insert(
            "NAAM".into(),
            FieldValue::Character(Some(format!("Súdwest-Fryslân {code}"))),
        );
        writer
            .write_shape_and_record(&shapefile::Polygon::with_rings(rings), &record)
            .unwrap();
    }
}

fn signed_area(ring: &[shapefile::Point]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

#[test]
fn reference_data_geopackage_written_by_the_test_reads_back() {
    let Some(sample) = pc4_sample() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("units.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    create_gpkg_tables(&conn);
    let rows = |rd: bool| -> Vec<(String, String, Vec<u8>)> {
        sample
            .iter()
            .map(|(code, mp)| {
                let g = if rd { to_rd(mp) } else { mp.clone() };
                (
                    code.to_string(),
                    format!("PC {code}"),
                    gp_blob(if rd { 28992 } else { 4326 }, &wkb_multipolygon(&g)),
                )
            })
            .collect()
    };
    add_gpkg_table(&conn, "roads", "LINESTRING", 4326, &[]);
    add_gpkg_table(&conn, "pc4_rd", "MULTIPOLYGON", 28992, &rows(true));
    add_gpkg_table(&conn, "pc4_wgs", "MULTIPOLYGON", 4326, &rows(false));
    drop(conn);

    let layer = read_layer(&path).unwrap();
    assert_eq!(layer.format, LayerFormat::GeoPackage);
    assert_eq!(layer.layer.as_deref(), Some("pc4_rd"));
    assert_eq!(layer.other_layers, ["pc4_wgs"]);
    assert_eq!(layer.crs, Crs::RdNew);
    assert_eq!(layer.fields, ["fid", "code", "naam"]);
    assert_same_places(&layer, "code", &sample);

    let wgs = read_layer_with(
        &path,
        &ReadOptions {
            layer: Some("pc4_wgs".into()),
        },
    )
    .unwrap();
    assert_eq!(wgs.crs, Crs::Wgs84);
    for (unit, (_, original)) in wgs.features.iter().zip(&sample) {
        assert_eq!(
            &unit.geometry, original,
            "WGS84 polygons come back bit for bit"
        );
    }
}

#[test]
fn reference_data_us_states_topojson_decodes_56_states() {
    let layer = read_layer(&reference!("us-states-10m.topojson")).unwrap();
    assert_eq!(layer.format, LayerFormat::TopoJson);
    assert_eq!(layer.layer.as_deref(), Some("states"));
    assert_eq!(layer.other_layers, ["nation"]);
    assert_eq!(layer.features.len(), 56);
    let colorado = layer
        .features
        .iter()
        .find(|u| u.text("name").as_deref() == Some("Colorado"))
        .unwrap();
    assert_eq!(colorado.text("id").as_deref(), Some("08"));
    let b = colorado.geometry.bounding_rect().unwrap();
    // Colorado: 109°03'W to 102°03'W, 37°N to 41°N (a quantized topology: within 0.01°).
    for (got, want) in [
        (b.min().x, -109.05),
        (b.max().x, -102.04),
        (b.min().y, 36.99),
        (b.max().y, 41.0),
    ] {
        assert!((got - want).abs() < 0.02, "Colorado bbox {b:?}");
    }
    assert_eq!(
        guess_fields(&layer),
        (Some("name".to_string()), Some("id".to_string()))
    );
    let nation = read_layer_with(
        &reference!("us-states-10m.topojson"),
        &ReadOptions {
            layer: Some("nation".into()),
        },
    )
    .unwrap();
    assert_eq!(nation.features.len(), 1);
}

#[test]
fn reference_data_guess_fields_on_dutch_layers() {
    let layer = read_layer(&reference!("nl-municipalities-2022.geojson")).unwrap();
    assert_eq!(layer.features.len(), 345);
    assert_eq!(guess_fields(&layer).0.as_deref(), Some("gemeente"));
    let layer = read_layer(&reference!("nl-pc4-2020.geojson")).unwrap();
    // 4,068 features, but PC4 5028 has an empty MultiPolygon (real data): left out, noted.
    assert_eq!(layer.features.len(), 4067);
    assert!(
        layer.notes.iter().any(|n| n.contains("1 without geometry")),
        "{:?}",
        layer.notes
    );
    assert_eq!(guess_fields(&layer).1.as_deref(), Some("postcode"));
    let layer = read_layer(&reference!("nl-provinces-2022.geojson")).unwrap();
    assert_eq!(guess_fields(&layer).0.as_deref(), Some("provincie"));
}

#[test]
fn geojson_with_bom_web_mercator_and_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merc.geojson");
    // A 1 km square at 5°E 52°N in Web Mercator.
    let r = 6_378_137.0_f64;
    let x = r * 5.0_f64.to_radians();
    let y = r
        * (std::f64::consts::FRAC_PI_4 + 52.0_f64.to_radians() / 2.0)
            .tan()
            .ln();
    let doc = json!({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
        "features": [{"type": "Feature", "id": "A1", "properties": {"Naam": "Vierkant"},
            "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 1000.0, y], [x + 1000.0, y + 1000.0], [x, y + 1000.0], [x, y]]]}}]});
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(doc.to_string().bytes());
    std::fs::write(&path, bytes).unwrap();
    let layer = read_layer(&path).unwrap();
    assert_eq!(layer.crs, Crs::WebMercator);
    assert_eq!(layer.fields, ["id", "Naam"]);
    let c = layer.features[0].geometry.0[0].exterior().0[0];
    assert!(
        (c.x - 5.0).abs() < 1e-9 && (c.y - 52.0).abs() < 1e-9,
        "{c:?}"
    );
    assert_eq!(
        guess_fields(&layer),
        (Some("Naam".into()), Some("id".into()))
    );
}

#[test]
fn topojson_quantized_and_plain_give_the_same_square_with_reversed_arcs() {
    // Two unit squares sharing the arc x = 1 (arc 1, from (1, 1) down to (1, 0)): a is arcs
    // 0 then 1; b runs the other way round, ~1 (arc 1 reversed) then ~2.
    let plain = json!({"type": "Topology", "objects": {"units": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "properties": {"code": "a"}},
        {"type": "Polygon", "arcs": [[-2, -3]], "properties": {"code": "b"}}]}},
        "arcs": [[[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]],
                 [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0]]]});
    let quantized = json!({"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [0.0, 0.0]},
        "objects": plain["objects"].clone(),
        "arcs": [[[2, 0], [-2, 0], [0, 2], [2, 0]], [[2, 2], [0, -2]], [[2, 0], [2, 0], [0, 2], [-2, 0]]]});
    let dir = tempfile::tempdir().unwrap();
    let mut got = Vec::new();
    for (i, doc) in [plain, quantized].into_iter().enumerate() {
        let path = dir.path().join(format!("t{i}.topojson"));
        std::fs::write(&path, doc.to_string()).unwrap();
        let layer = read_layer(&path).unwrap();
        assert_eq!(layer.features.len(), 2);
        let a = &layer.features[0].geometry;
        assert_eq!(
            a,
            &MultiPolygon::new(vec![
                polygon![(x: 1.0, y: 0.0), (x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)]
            ])
        );
        let b = &layer.features[1].geometry;
        assert_eq!(
            b,
            &MultiPolygon::new(vec![
                polygon![(x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 0.0), (x: 1.0, y: 0.0)]
            ])
        );
        got.push(layer.features);
    }
    assert_eq!(got[0], got[1]);
}

/// A GeoPackage left in WAL mode (as GDAL and QGIS may leave one) reads, read-only.
#[test]
fn geopackage_in_wal_mode_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    create_gpkg_tables(&conn);
    let square = MultiPolygon::new(vec![
        polygon![(x: 5.0, y: 52.0), (x: 5.1, y: 52.0), (x: 5.1, y: 52.1), (x: 5.0, y: 52.0)],
    ]);
    add_gpkg_table(
        &conn,
        "units",
        "MULTIPOLYGON",
        4326,
        &[(
            "1".into(),
            "a".into(),
            gp_blob(4326, &wkb_multipolygon(&square)),
        )],
    );
    drop(conn);
    let layer = read_layer(&path).unwrap();
    assert_eq!(layer.features[0].geometry, square);
    assert_eq!(layer.features[0].text("naam").as_deref(), Some("a"));
}

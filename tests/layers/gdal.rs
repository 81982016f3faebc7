//! Independent fixtures: GDAL's ogr2ogr writes real PC4 polygons as an RD New Shapefile,
//! GeoPackage and GeoJSON (its own .prj, GP headers with envelopes, crs member), and GDAL
//! does the reprojection to RD New (PROJ, not proj4rs). Each test skips (passes, saying so
//! on stderr) when ogr2ogr is not installed. Reads the reference data (gated by the lead).

use std::process::Command;

use super::support::*;
use serde_json::Value;
use tessera::io::layers::{Crs, LayerFormat, read_layer};

fn have_ogr2ogr() -> bool {
    let found = Command::new("ogr2ogr")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("ogr2ogr not found: skipping the GDAL cross-check");
    }
    found
}

#[test]
fn reference_data_gdal_rd_new_fixtures_land_in_place() {
    if !have_ogr2ogr() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = reference!("nl-pc4-2020.geojson");
    let original = read_layer(&source).unwrap();
    let filter = "postcode IN (1011, 3811, 9711, 6211, 4331)";
    for (driver, name, format) in [
        ("ESRI Shapefile", "pc4.shp", LayerFormat::Shapefile),
        ("GPKG", "pc4.gpkg", LayerFormat::GeoPackage),
        ("GeoJSON", "pc4.geojson", LayerFormat::GeoJson),
    ] {
        let out = dir.path().join(name);
        let status = Command::new("ogr2ogr")
            .args(["-f", driver, "-t_srs", "EPSG:28992", "-where", filter])
            .arg(&out)
            .arg(&source)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let layer = read_layer(&out).unwrap();
        assert_eq!(layer.format, format);
        assert_eq!(layer.crs, Crs::RdNew, "{name}");
        assert_eq!(layer.features.len(), 5, "{name}");
        for unit in &layer.features {
            let code = unit.property("postcode").and_then(Value::as_i64).unwrap();
            let before = original
                .features
                .iter()
                .find(|u| u.property("postcode").and_then(Value::as_i64) == Some(code))
                .unwrap();
            let d = metres(centroid(&unit.geometry), centroid(&before.geometry));
            eprintln!("{name}: PC4 {code}: {d:.2} m");
            // GDAL (PROJ) to RD and proj4rs back: the same Helmert parameters, so they agree
            // to millimetres; 10 m is the bound.
            assert!(d < 10.0, "{name}: PC4 {code} is {d:.2} m from the original");
        }
    }
}

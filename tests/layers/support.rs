//! Helpers shared by the layer tests: reprojection to RD New (the other way than the reader
//! goes, through proj4rs), distances, and writers of GeoPackage binary geometries.
#![allow(dead_code)]

use geo::{Centroid, Coord, MapCoords, MultiPolygon, Point};
use proj4rs::proj::Proj;
use tessera::io::layers::crs::RD_NEW_PROJ;

/// The reference unit layer `name` (`../shared/data/units`, beside the clone), or `None`
/// with a note when it is missing outside CI; in CI (`CI` set) a missing file fails, else
/// these tests could never fail there. Tests that read it are named `reference_data_*`.
pub fn reference_layer(name: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/units")
        .join(name);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but reference data {} is missing",
        path.display()
    );
    eprintln!("skipped: reference data {} is missing", path.display());
    None
}

/// [`reference_layer`], or return from the test (skipped) when it is missing.
macro_rules! reference {
    ($name:expr) => {
        match $crate::support::reference_layer($name) {
            Some(path) => path,
            None => return,
        }
    };
}
pub(crate) use reference;

/// WGS84 lon/lat to RD New metres.
pub fn to_rd(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let from = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs").unwrap();
    let to = Proj::from_proj_string(RD_NEW_PROJ).unwrap();
    mp.map_coords(|c| {
        let mut p = (c.x.to_radians(), c.y.to_radians(), 0.0);
        proj4rs::transform::transform(&from, &to, &mut p).unwrap();
        Coord { x: p.0, y: p.1 }
    })
}

/// Metres between two lon/lat points (equirectangular: exact enough over metres).
pub fn metres(a: Point<f64>, b: Point<f64>) -> f64 {
    let lat = a.y().to_radians();
    let dx = (a.x() - b.x()).to_radians() * lat.cos() * 6_371_000.0;
    let dy = (a.y() - b.y()).to_radians() * 6_371_000.0;
    dx.hypot(dy)
}

/// The centroid of a multipolygon.
pub fn centroid(mp: &MultiPolygon<f64>) -> Point<f64> {
    mp.centroid().unwrap()
}

/// Little-endian WKB of a multipolygon.
pub fn wkb_multipolygon(mp: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = vec![1u8];
    out.extend(6u32.to_le_bytes());
    out.extend((mp.0.len() as u32).to_le_bytes());
    for p in &mp.0 {
        out.push(1);
        out.extend(3u32.to_le_bytes());
        let rings: Vec<_> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
        out.extend((rings.len() as u32).to_le_bytes());
        for r in rings {
            out.extend((r.0.len() as u32).to_le_bytes());
            for c in &r.0 {
                out.extend(c.x.to_le_bytes());
                out.extend(c.y.to_le_bytes());
            }
        }
    }
    out
}

/// A GeoPackage binary blob (little-endian header, no envelope) around `wkb`.
pub fn gp_blob(srs_id: i32, wkb: &[u8]) -> Vec<u8> {
    let mut out = b"GP\0\x01".to_vec();
    out.extend(srs_id.to_le_bytes());
    out.extend_from_slice(wkb);
    out
}

/// Creates the three GeoPackage metadata tables (as the standard gives them, trimmed to the
/// columns readers use) with WGS84 and RD New rows.
pub fn create_gpkg_tables(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "PRAGMA application_id = 1196444487;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
             organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
             definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
             ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
             ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
             ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\"]', NULL),
             ('Amersfoort / RD New', 28992, 'EPSG', 28992, 'PROJCS[\"Amersfoort / RD New\"]', NULL),
             ('Belge 1972 / Belgian Lambert 72', 31370, 'EPSG', 31370, 'PROJCS[\"Belge 1972 / Belgian Lambert 72\"]', NULL);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
             identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME,
             min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
             geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
             m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));",
    )
    .unwrap();
}

/// Adds a feature table `name` of `geometry_type` in `srs_id` with a `code` and a `naam`.
pub fn add_gpkg_table(
    conn: &rusqlite::Connection,
    name: &str,
    geometry_type: &str,
    srs_id: i32,
    rows: &[(String, String, Vec<u8>)],
) {
    conn.execute(
        &format!("CREATE TABLE \"{name}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, code TEXT, naam TEXT)"),
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?1, 'features', ?1, ?2)",
        rusqlite::params![name, srs_id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        rusqlite::params![name, geometry_type, srs_id],
    )
    .unwrap();
    for (code, naam, blob) in rows {
        conn.execute(
            &format!("INSERT INTO \"{name}\" (geom, code, naam) VALUES (?1, ?2, ?3)"),
            rusqlite::params![blob, code, naam],
        )
        .unwrap();
    }
}

//! GeoPackage export (OGC GeoPackage 1.3, itself an SQLite file): a `territories` layer
//! (multipolygons with name, rep, colour and the main metrics) and an `accounts` layer
//! (points with the territory and rep they belong to), both in WGS84 (EPSG:4326).
//!
//! Geometries are GeoPackage binary: a short header (magic, flags, SRS id, envelope) followed
//! by standard little-endian WKB. Only points and multipolygons are written, so the encoder is
//! a few lines here rather than a dependency; GDAL reads the result (tests/exports.rs).

use std::path::Path;

use geo::orient::{Direction, Orient};
use geo::{BoundingRect, MultiPolygon};
use rusqlite::{Connection, params};

use super::export::{ExportError, write_replacing};
use crate::engine::live::LivePlan;
use crate::engine::report::PlanReport;
use crate::model::{Project, Scenario};

/// 'GPKG' as SQLite's application_id.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.3.0.
const USER_VERSION: i32 = 10300;
const WGS84: i32 = 4326;

const SCHEMA: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326,
   'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE territories (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON, name TEXT, rep TEXT, colour TEXT,
  accounts INTEGER, prospects INTEGER, customers INTEGER, potential REAL, revenue REAL,
  workload_hours REAL, travel_hours REAL, area_km2 REAL, capacity_use REAL,
  required_deals REAL, required_leads REAL, coverage REAL);
CREATE TABLE accounts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, external_id TEXT, name TEXT,
  industry TEXT, size_class TEXT, status TEXT, potential REAL, territory TEXT, rep TEXT);
"#;

/// Writes the scenario (territories with `report`'s metrics, accounts with their owners from
/// `plan`) as a GeoPackage at `path`, replacing any file there only when complete.
pub fn write_geopackage(
    path: &Path,
    project: &Project,
    scenario: &Scenario,
    report: &PlanReport,
    plan: &LivePlan,
) -> Result<(), ExportError> {
    write_replacing(path, |partial| {
        fill(partial, project, scenario, report, plan).map_err(|e| ExportError::GeoPackage {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    })
}

fn fill(
    path: &Path,
    project: &Project,
    scenario: &Scenario,
    report: &PlanReport,
    plan: &LivePlan,
) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    let mut bounds: Option<geo::Rect<f64>> = None;
    {
        let mut insert = tx.prepare(
            "INSERT INTO territories (geom, name, rep, colour, accounts, prospects, customers, \
             potential, revenue, workload_hours, travel_hours, area_km2, capacity_use, \
             required_deals, required_leads, coverage) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for (t, line) in scenario.territories.iter().zip(&report.territories) {
            let m = &line.metrics;
            if let Some(r) = t.geometry.bounding_rect() {
                bounds = Some(bounds.map_or(r, |b| union(b, r)));
            }
            insert.execute(params![
                multipolygon_blob(&t.geometry),
                t.name,
                line.rep,
                t.colour.to_hex(),
                m.accounts as i64,
                m.prospects as i64,
                m.customers as i64,
                m.potential,
                m.revenue,
                m.workload_hours,
                m.travel_hours,
                m.area_km2,
                m.capacity_use,
                m.required_deals,
                m.required_leads,
                m.coverage,
            ])?;
        }
    }
    let accounts = &project.accounts;
    let mut account_bounds: Option<geo::Rect<f64>> = None;
    {
        let mut insert = tx.prepare(
            "INSERT INTO accounts (geom, external_id, name, industry, size_class, status, \
             potential, territory, rep) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for row in 0..accounts.len() {
            let (lon, lat) = (accounts.lons()[row], accounts.lats()[row]);
            let r = geo::Rect::new(
                geo::coord! { x: lon, y: lat },
                geo::coord! { x: lon, y: lat },
            );
            account_bounds = Some(account_bounds.map_or(r, |b| union(b, r)));
            let territory = plan.owner(row).and_then(|t| scenario.territories.get(t));
            let rep = territory
                .and_then(|t| t.rep)
                .and_then(|r| project.rep(r))
                .map(|r| r.name.as_str());
            insert.execute(params![
                point_blob(lon, lat),
                accounts.external_id(row),
                accounts.name(row),
                accounts.industries().name(accounts.industry_codes()[row]),
                accounts
                    .size_classes()
                    .name(accounts.size_class_codes()[row]),
                accounts.status(row).as_str(),
                accounts.potential(row),
                territory.map(|t| t.name.as_str()),
                rep,
            ])?;
        }
    }
    for (table, b) in [("territories", bounds), ("accounts", account_bounds)] {
        let (x0, y0, x1, y1) = b.map_or((None, None, None, None), |b| {
            (
                Some(b.min().x),
                Some(b.min().y),
                Some(b.max().x),
                Some(b.max().y),
            )
        });
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) \
             VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6)",
            params![table, x0, y0, x1, y1, WGS84],
        )?;
    }
    tx.execute_batch(
        "INSERT INTO gpkg_geometry_columns VALUES ('territories', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
         INSERT INTO gpkg_geometry_columns VALUES ('accounts', 'geom', 'POINT', 4326, 0, 0);",
    )?;
    tx.commit()
}

fn union(a: geo::Rect<f64>, b: geo::Rect<f64>) -> geo::Rect<f64> {
    geo::Rect::new(
        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

/// GeoPackage binary header: magic, version 0, flags (little-endian; envelope [minx, maxx,
/// miny, maxy] when given), SRS id, envelope.
fn header(out: &mut Vec<u8>, envelope: Option<[f64; 4]>) {
    out.extend_from_slice(b"GP");
    out.push(0);
    out.push(if envelope.is_some() {
        0b0000_0011
    } else {
        0b0000_0001
    });
    out.extend_from_slice(&WGS84.to_le_bytes());
    for v in envelope.into_iter().flatten() {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// A point as GeoPackage binary.
pub fn point_blob(x: f64, y: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(29);
    header(&mut out, None);
    out.push(1);
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&x.to_le_bytes());
    out.extend_from_slice(&y.to_le_bytes());
    out
}

/// A multipolygon as GeoPackage binary, outer rings counter-clockwise.
pub fn multipolygon_blob(area: &MultiPolygon<f64>) -> Vec<u8> {
    let area = area.orient(Direction::Default);
    let envelope = area
        .bounding_rect()
        .map(|b| [b.min().x, b.max().x, b.min().y, b.max().y]);
    let mut out = Vec::new();
    header(&mut out, envelope);
    out.push(1);
    out.extend_from_slice(&6u32.to_le_bytes());
    out.extend_from_slice(&(area.0.len() as u32).to_le_bytes());
    for polygon in &area.0 {
        out.push(1);
        out.extend_from_slice(&3u32.to_le_bytes());
        let rings: Vec<_> = std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .collect();
        out.extend_from_slice(&(rings.len() as u32).to_le_bytes());
        for ring in rings {
            out.extend_from_slice(&(ring.0.len() as u32).to_le_bytes());
            for c in &ring.0 {
                out.extend_from_slice(&c.x.to_le_bytes());
                out.extend_from_slice(&c.y.to_le_bytes());
            }
        }
    }
    out
}

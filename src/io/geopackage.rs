//! GeoPackage export (OGC GeoPackage 1.3, itself an SQLite file): a `territories` layer
//! (multipolygons with name, rep, colour and the main metrics) and an `accounts` layer
//! (points with the territory and rep they belong to), both in WGS84 (EPSG:4326).
//!
//! Geometries are GeoPackage binary: a short header (magic, flags, SRS id, envelope) followed
//! by standard little-endian WKB. Only points and multipolygons are written, so the encoder is
//! a few lines here rather than a dependency; GDAL reads the result (tests/exports.rs).
//!
//! This module only turns the plan into layers of plain values and encodes the geometries;
//! the SQLite side (the GeoPackage tables, creating the file, inserting rows) is
//! [`crate::store::geopackage`], since nothing outside `store` knows SQLite.

use std::path::Path;

use geo::orient::{Direction, Orient};
use geo::{BoundingRect, MultiPolygon};

use super::export::{ExportError, write_replacing};
use crate::engine::live::LiveAssignment;
use crate::engine::report::ScenarioReport;
use crate::model::{Project, Scenario};
use crate::store::StoreError;
use crate::store::geopackage::{ColumnType, Feature, GeometryType, Layer, WGS84};

/// The `territories` layer's attributes: name, rep, colour and the main metrics.
const TERRITORY_COLUMNS: &[(&str, ColumnType)] = &[
    ("name", ColumnType::Text),
    ("rep", ColumnType::Text),
    ("colour", ColumnType::Text),
    ("accounts", ColumnType::Integer),
    ("prospects", ColumnType::Integer),
    ("customers", ColumnType::Integer),
    ("potential", ColumnType::Real),
    ("revenue", ColumnType::Real),
    ("workload_hours", ColumnType::Real),
    ("travel_hours", ColumnType::Real),
    ("area_km2", ColumnType::Real),
    ("capacity_use", ColumnType::Real),
    ("required_deals", ColumnType::Real),
    ("required_leads", ColumnType::Real),
    ("coverage", ColumnType::Real),
];

/// The `accounts` layer's attributes: the account's fields and its owner.
const ACCOUNT_COLUMNS: &[(&str, ColumnType)] = &[
    ("external_id", ColumnType::Text),
    ("name", ColumnType::Text),
    ("industry", ColumnType::Text),
    ("size_class", ColumnType::Text),
    ("status", ColumnType::Text),
    ("potential", ColumnType::Real),
    ("territory", ColumnType::Text),
    ("rep", ColumnType::Text),
];

/// Writes the scenario (territories with `report`'s metrics, accounts with their owners from
/// `plan`) as a GeoPackage at `path`, replacing any file there only when complete.
pub fn write_geopackage(
    path: &Path,
    project: &Project,
    scenario: &Scenario,
    report: &ScenarioReport,
    plan: &LiveAssignment,
) -> Result<(), ExportError> {
    write_replacing(path, |partial| {
        let layers = vec![
            territories(scenario, report),
            accounts(project, scenario, plan),
        ];
        crate::store::geopackage::write_geopackage(partial, layers).map_err(|e| {
            ExportError::GeoPackage {
                path: path.display().to_string(),
                // SQLite's words alone: the store's message would name the partial file.
                reason: match e {
                    StoreError::Sqlite { source, .. } => source.to_string(),
                    other => other.to_string(),
                },
            }
        })
    })
}

/// The territories as multipolygons with `report`'s metrics (which must be the scenario's).
fn territories<'a>(scenario: &'a Scenario, report: &'a ScenarioReport) -> Layer<'a> {
    let lines = || scenario.territories.iter().zip(&report.territories);
    let bounds = lines()
        .filter_map(|(t, _)| t.geometry.bounding_rect())
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .reduce(union);
    let features = lines().map(|(t, line)| {
        let m = &line.metrics;
        Feature {
            geometry: multipolygon_blob(&t.geometry),
            values: vec![
                t.name.as_str().into(),
                line.rep.as_deref().into(),
                t.colour.to_hex().into(),
                (m.accounts as i64).into(),
                (m.prospects as i64).into(),
                (m.customers as i64).into(),
                m.potential.into(),
                m.revenue.into(),
                m.workload_hours.into(),
                m.travel_hours.into(),
                m.area_km2.into(),
                m.capacity_use.into(),
                m.required_deals.into(),
                m.required_leads.into(),
                m.coverage.into(),
            ],
        }
    });
    Layer {
        name: "territories",
        geometry_type: GeometryType::MultiPolygon,
        columns: TERRITORY_COLUMNS,
        bounds,
        features: Box::new(features),
    }
}

/// Every account as a point with the territory (of `plan`) and rep it belongs to. The rows
/// are made one at a time as the store inserts them: a project can hold a million accounts.
fn accounts<'a>(
    project: &'a Project,
    scenario: &'a Scenario,
    plan: &'a LiveAssignment,
) -> Layer<'a> {
    let accounts = &project.accounts;
    let bounds = accounts
        .lons()
        .iter()
        .zip(accounts.lats())
        .map(|(&lon, &lat)| [lon, lat, lon, lat])
        .reduce(union);
    let features = (0..accounts.len()).map(move |row| {
        let territory = plan.owner(row).and_then(|t| scenario.territories.get(t));
        let rep = territory
            .and_then(|t| t.rep)
            .and_then(|r| project.rep(r))
            .map(|r| r.name.as_str());
        Feature {
            geometry: point_blob(accounts.lons()[row], accounts.lats()[row]),
            values: vec![
                accounts.external_id(row).into(),
                accounts.name(row).into(),
                accounts
                    .industries()
                    .name(accounts.industry_codes()[row])
                    .into(),
                accounts
                    .size_classes()
                    .name(accounts.size_class_codes()[row])
                    .into(),
                accounts.status(row).as_str().into(),
                accounts.potential(row).into(),
                territory.map(|t| t.name.as_str()).into(),
                rep.into(),
            ],
        }
    });
    Layer {
        name: "accounts",
        geometry_type: GeometryType::Point,
        columns: ACCOUNT_COLUMNS,
        bounds,
        features: Box::new(features),
    }
}

/// The smallest extent `[min_x, min_y, max_x, max_y]` holding both.
fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// GeoPackage binary header: magic, version 0, flags (little-endian; envelope [minx, maxx,
/// miny, maxy] when given), SRS id (the store's, WGS84), envelope.
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

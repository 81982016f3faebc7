//! Exports for other programs: territories as RFC 7946 GeoJSON (with every metric), account
//! assignments as CSV for the CRM. The GeoPackage export is in [`super::geopackage`].

use std::io::Write;
use std::path::Path;

use geo::orient::{Direction, Orient};
use serde_json::{Map, Value, json};

use super::csv_cell::write_record;
use crate::engine::live::LiveAssignment;
use crate::engine::report::ScenarioReport;
use crate::model::{Project, Scenario};

/// Why an export failed (nothing is left at the destination).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The destination could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The destination.
        path: String,
        /// The system's words.
        source: std::io::Error,
    },
    /// The GeoPackage could not be built.
    #[error("cannot write the GeoPackage {path}: {reason}")]
    GeoPackage {
        /// The destination.
        path: String,
        /// SQLite's words.
        reason: String,
    },
    /// The destination may not take an output (the project, an input, not a regular file).
    #[error(transparent)]
    Output(#[from] super::output::OutputError),
}

/// Writes a file through `PATH.partial`, renamed over `path` only when `write` succeeded, so
/// a failed export never leaves a half-written file (or destroys the previous one). A path
/// that is not a regular file (a device, a folder, a symbolic link) is refused first: the
/// rename would replace it with a plain file.
pub fn write_replacing(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    super::output::check_output(path, &[])?;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let io = |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    };
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(io)?;
    }
    match write(&partial) {
        Ok(()) => std::fs::rename(&partial, path).map_err(io),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// The scenario's territories as a GeoJSON FeatureCollection: WGS84 lon/lat, outer rings
/// counter-clockwise (RFC 7946), properties `name`, `rep`, `colour`, `average_deal`,
/// `conversion`, the segment rule (`industries`, `size_classes`, when it has one) and every
/// metric of `report` (which must be the scenario's, `target` among them).
pub fn territories_geojson(
    project: &Project,
    scenario: &Scenario,
    report: &ScenarioReport,
) -> Value {
    let features: Vec<Value> = scenario
        .territories
        .iter()
        .zip(&report.territories)
        .map(|(t, line)| {
            let geometry = geojson::Geometry::from(&t.geometry.orient(Direction::Default));
            let mut properties = Map::new();
            properties.insert("name".into(), json!(t.name));
            properties.insert(
                "rep".into(),
                json!(t.rep.and_then(|r| project.rep(r)).map(|r| r.name.clone())),
            );
            properties.insert("colour".into(), json!(t.colour.to_hex()));
            // What the import reads back (with `target` among the metrics), so that export
            // then import gives the same plan.
            properties.insert("average_deal".into(), json!(t.average_deal));
            properties.insert("conversion".into(), json!(t.conversion));
            if !t.rule.is_open() {
                properties.insert("industries".into(), json!(t.rule.industries));
                properties.insert("size_classes".into(), json!(t.rule.size_classes));
            }
            if let Ok(Value::Object(metrics)) = serde_json::to_value(&line.metrics) {
                properties.extend(metrics);
            }
            json!({
                "type": "Feature",
                "geometry": serde_json::to_value(&geometry).unwrap_or(Value::Null),
                "properties": properties,
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// Writes the GeoJSON export to `path`.
pub fn write_territories_geojson(
    path: &Path,
    project: &Project,
    scenario: &Scenario,
    report: &ScenarioReport,
) -> Result<(), ExportError> {
    let text = territories_geojson(project, scenario, report).to_string();
    write_replacing(path, |partial| {
        std::fs::write(partial, text).map_err(|source| ExportError::Io {
            path: path.display().to_string(),
            source,
        })
    })
}

/// Writes a CSV file of `header` and `rows`, every cell defused against formula injection,
/// in place of `path` only once it is complete.
pub fn write_csv<const N: usize, S: AsRef<str>>(
    path: &Path,
    header: [&str; N],
    rows: impl IntoIterator<Item = [S; N]>,
) -> Result<(), ExportError> {
    let io = |e: std::io::Error| ExportError::Io {
        path: path.display().to_string(),
        source: e,
    };
    write_replacing(path, |partial| {
        let file = std::fs::File::create(partial).map_err(io)?;
        let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let csv_error = |e: csv::Error| io(std::io::Error::other(e.to_string()));
        write_record(&mut out, header).map_err(csv_error)?;
        for row in rows {
            write_record(&mut out, row.iter().map(AsRef::as_ref)).map_err(csv_error)?;
        }
        let mut inner = out
            .into_inner()
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        inner.flush().map_err(io)
    })
}

/// Writes every account's assignment as CSV: `external_id,name,territory,rep` (territory and
/// rep empty for an account in no territory), every cell defused ([`super::csv_cell`]).
pub fn write_assignments_csv(
    path: &Path,
    project: &Project,
    scenario: &Scenario,
    plan: &LiveAssignment,
) -> Result<(), ExportError> {
    let accounts = &project.accounts;
    let rows = (0..accounts.len()).map(|row| {
        let territory = plan.owner(row).and_then(|t| scenario.territories.get(t));
        let rep = territory
            .and_then(|t| t.rep)
            .and_then(|r| project.rep(r))
            .map_or("", |r| r.name.as_str());
        [
            accounts.external_id(row),
            accounts.name(row),
            territory.map_or("", |t| t.name.as_str()),
            rep,
        ]
    });
    write_csv(path, ["external_id", "name", "territory", "rep"], rows)
}

/// Writes the accounts that change hands between two plans as CSV: `external_id, name,
/// from_territory, to_territory, from_rep, to_rep, potential, revenue` (empty territory or
/// rep: none), every cell defused ([`super::csv_cell`]).
pub fn write_moves_csv(
    path: &Path,
    project: &Project,
    moves: &[crate::engine::compare::Move],
) -> Result<(), ExportError> {
    let io = |e: std::io::Error| ExportError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let rep_name = |r: Option<crate::model::RepId>| {
        r.and_then(|r| project.rep(r))
            .map_or(String::new(), |r| r.name.clone())
    };
    write_replacing(path, |partial| {
        let file = std::fs::File::create(partial).map_err(io)?;
        let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let csv_error = |e: csv::Error| io(std::io::Error::other(e.to_string()));
        write_record(
            &mut out,
            [
                "external_id",
                "name",
                "from_territory",
                "to_territory",
                "from_rep",
                "to_rep",
                "potential",
                "revenue",
            ],
        )
        .map_err(csv_error)?;
        let accounts = &project.accounts;
        for m in moves {
            write_record(
                &mut out,
                [
                    accounts.external_id(m.row),
                    accounts.name(m.row),
                    m.from.as_deref().unwrap_or(""),
                    m.to.as_deref().unwrap_or(""),
                    &rep_name(m.from_rep),
                    &rep_name(m.to_rep),
                    &m.potential.to_string(),
                    &m.revenue.to_string(),
                ],
            )
            .map_err(csv_error)?;
        }
        let mut inner = out
            .into_inner()
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        inner.flush().map_err(io)
    })
}

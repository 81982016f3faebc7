//! GeoPackage: the named feature table, or the first whose declared geometry type is
//! polygonal (POLYGON, MULTIPOLYGON), or else the first of generic type GEOMETRY. The CRS is
//! the table's `gpkg_spatial_ref_sys` row: by EPSG code, else by its WKT definition's name.
//! Features are numbered by row order (1-based) in messages.

use std::path::Path;

use super::crs::{Crs, CrsError, crs_from_prj};
use super::wkb::{Shape, decode_gpkg};
use super::{Collected, LayerError, LayerFormat, RawLayer, ReadOptions, check_coord, finish};
use crate::store::geopackage_read::{self as gpkg_sqlite, TableInfo};

fn polygonal(t: &TableInfo) -> bool {
    matches!(t.geometry_type.as_str(), "POLYGON" | "MULTIPOLYGON")
}

/// Reads a GeoPackage's polygon layer.
pub(crate) fn read(path: &Path, file: &str, options: &ReadOptions) -> Result<RawLayer, LayerError> {
    let not_gpkg = |reason: String| LayerError::NotGeoPackage {
        file: file.into(),
        reason,
    };
    let conn = gpkg_sqlite::open(path).map_err(not_gpkg)?;
    let tables = gpkg_sqlite::feature_tables(&conn).map_err(not_gpkg)?;
    let listing = || {
        if tables.is_empty() {
            "none".to_string()
        } else {
            tables
                .iter()
                .map(|t| format!("{} ({})", t.table, t.geometry_type))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let chosen = match &options.layer {
        Some(name) => {
            tables
                .iter()
                .find(|t| &t.table == name)
                .ok_or_else(|| LayerError::NoSuchLayer {
                    file: file.into(),
                    layer: name.clone(),
                    layers: listing(),
                })?
        }
        None => tables
            .iter()
            .find(|t| polygonal(t))
            .or_else(|| tables.iter().find(|t| t.geometry_type == "GEOMETRY"))
            .ok_or_else(|| LayerError::NoPolygonLayer {
                file: file.into(),
                layers: listing(),
            })?,
    };
    let other_layers = tables
        .iter()
        .filter(|t| t.table != chosen.table && polygonal(t))
        .map(|t| t.table.clone())
        .collect();
    let declared = declared_crs(&conn, chosen.srs_id).map_err(|e| match e {
        Ok(source) => LayerError::Crs {
            file: file.into(),
            source,
        },
        Err(reason) => not_gpkg(reason),
    })?;
    let rows = gpkg_sqlite::rows(&conn, &chosen.table, &chosen.column).map_err(not_gpkg)?;
    let mut collected = Collected::default();
    for (i, (blob, properties)) in rows.into_iter().enumerate() {
        let feature = i + 1;
        let shape = match blob {
            None => Shape::Empty,
            Some(b) => decode_gpkg(&b).map_err(|reason| LayerError::Feature {
                file: file.into(),
                feature,
                reason,
            })?,
        };
        match shape {
            Shape::Polygons(polygons) => {
                let mut kept = Vec::with_capacity(polygons.len());
                for rings in polygons {
                    for c in rings.iter().flatten() {
                        check_coord(file, feature, *c)?;
                    }
                    if let Some(p) = collected.polygon(rings) {
                        kept.push(p);
                    }
                }
                collected.push(feature, kept, properties);
            }
            Shape::Points => collected.points += 1,
            Shape::Lines => collected.lines += 1,
            Shape::Empty => collected.empty += 1,
        }
    }
    finish(
        file,
        LayerFormat::GeoPackage,
        collected,
        declared,
        "has an undefined spatial reference system",
        Some(chosen.table.clone()),
        other_layers,
    )
}

/// The CRS of `srs_id`: `None` for GeoPackage's undefined systems (0 and -1), a CRS error
/// (`Err(Ok)`) for one Tessera does not read, a file error (`Err(Err)`) for a missing row.
fn declared_crs(
    conn: &gpkg_sqlite::Gpkg,
    srs_id: i64,
) -> Result<Option<Crs>, Result<CrsError, String>> {
    if srs_id == 0 || srs_id == -1 {
        return Ok(None);
    }
    let srs = gpkg_sqlite::srs(conn, srs_id)
        .map_err(Err)?
        .ok_or_else(|| Err(format!("srs_id {srs_id} is not in gpkg_spatial_ref_sys")))?;
    if srs.organization.eq_ignore_ascii_case("EPSG") {
        return u32::try_from(srs.code)
            .ok()
            .and_then(Crs::from_epsg)
            .map(Some)
            .ok_or_else(|| {
                Ok(CrsError::Unknown(format!(
                    "EPSG:{} ({})",
                    srs.code, srs.name
                )))
            });
    }
    crs_from_prj(&srs.definition).map(Some).map_err(|_| {
        Ok(CrsError::Unknown(format!(
            "{}:{} ({})",
            srs.organization, srs.code, srs.name
        )))
    })
}

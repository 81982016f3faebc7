//! The SQLite side of reading a GeoPackage unit layer (`io::layers::gpkg` makes the rows
//! into units; the architecture keeps SQLite in `store`). A GeoPackage
//! from elsewhere is untrusted: it is opened read-only, with `trusted_schema = OFF` (no
//! functions from views or triggers it defines) and `query_only`.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

/// A feature table as `gpkg_contents` and `gpkg_geometry_columns` describe it.
#[derive(Debug, Clone)]
pub(crate) struct TableInfo {
    /// The table name.
    pub(crate) table: String,
    /// Its geometry column.
    pub(crate) column: String,
    /// Its geometry type name (`MULTIPOLYGON`, `POINT`, `GEOMETRY`...).
    pub(crate) geometry_type: String,
    /// Its spatial reference system id.
    pub(crate) srs_id: i64,
}

/// A spatial reference system row.
#[derive(Debug, Clone)]
pub(crate) struct Srs {
    /// `organization` (`EPSG`, `NONE`...).
    pub(crate) organization: String,
    /// `organization_coordsys_id`.
    pub(crate) code: i64,
    /// `srs_name`.
    pub(crate) name: String,
    /// `definition` (WKT), for identifying it by name.
    pub(crate) definition: String,
}

/// One row: its geometry blob (if any) and its other columns in table order.
pub(crate) type Row = (Option<Vec<u8>>, Vec<(String, Value)>);

/// An open GeoPackage (the connection stays inside this file).
pub(crate) struct Gpkg(Connection);

/// Opens a GeoPackage read-only.
pub(crate) fn open(path: &Path) -> Result<Gpkg, String> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;")
        .map_err(|e| e.to_string())?;
    Ok(Gpkg(conn))
}

/// The feature tables, in `gpkg_contents` order; an error when the file is not SQLite or has
/// no GeoPackage tables.
pub(crate) fn feature_tables(gpkg: &Gpkg) -> Result<Vec<TableInfo>, String> {
    let conn = &gpkg.0;
    let has = |name: &str| -> Result<bool, String> {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| e.to_string())
    };
    for table in [
        "gpkg_contents",
        "gpkg_geometry_columns",
        "gpkg_spatial_ref_sys",
    ] {
        if !has(table)? {
            return Err(format!("it has no {table} table"));
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id
             FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
             WHERE c.data_type = 'features' ORDER BY c.rowid",
        )
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| {
            Ok(TableInfo {
                table: r.get(0)?,
                column: r.get(1)?,
                geometry_type: r.get::<_, String>(2)?.to_ascii_uppercase(),
                srs_id: r.get(3)?,
            })
        })
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
}

/// The row of `gpkg_spatial_ref_sys` for `srs_id`.
pub(crate) fn srs(gpkg: &Gpkg, srs_id: i64) -> Result<Option<Srs>, String> {
    let conn = &gpkg.0;
    let mut stmt = conn
        .prepare(
            "SELECT organization, organization_coordsys_id, srs_name, definition
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        )
        .map_err(|e| e.to_string())?;
    let mut rows = stmt
        .query_map([srs_id], |r| {
            Ok(Srs {
                organization: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                code: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                definition: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            })
        })
        .map_err(|e| e.to_string())?;
    rows.next().transpose().map_err(|e| e.to_string())
}

/// Every row of `table`, the geometry column apart, the others as JSON values (blobs as
/// null: nothing a unit's name or code would be).
pub(crate) fn rows(gpkg: &Gpkg, table: &str, column: &str) -> Result<Vec<Row>, String> {
    let conn = &gpkg.0;
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {quoted}"))
        .map_err(|e| e.to_string())?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let geometry_at = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(column))
        .ok_or_else(|| format!("table {table} has no column {column}"))?;
    let mut out = Vec::new();
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut geometry = None;
        let mut props = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let value = row.get_ref(i).map_err(|e| e.to_string())?;
            if i == geometry_at {
                if let ValueRef::Blob(b) = value {
                    geometry = Some(b.to_vec());
                }
                continue;
            }
            props.push((name.clone(), json(value)));
        }
        out.push((geometry, props));
    }
    Ok(out)
}

fn json(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
    }
}

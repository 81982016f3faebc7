//! GeoPackage files (OGC GeoPackage 1.3), which are SQLite databases: the GeoPackage tables
//! (`gpkg_spatial_ref_sys`, `gpkg_contents`, `gpkg_geometry_columns`, the `application_id`
//! and `user_version` pragmas) and one feature table per [`Layer`].
//!
//! This module knows SQLite and the GeoPackage schema but no geometry: the caller hands over
//! each geometry already encoded as GeoPackage binary (`io::geopackage` encodes them), so the
//! store needs nothing beyond plain data. Every layer is in WGS84 ([`WGS84`]).

use std::borrow::Cow;
use std::path::Path;

use rusqlite::types::{Null, ToSql, ToSqlOutput};
use rusqlite::{Connection, Transaction, params, params_from_iter};

use super::{StoreError, StoreResult, sql_error};

/// 'GPKG' as SQLite's application_id: how readers recognise a GeoPackage.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.3.0 as SQLite's user_version.
const USER_VERSION: i32 = 10300;
/// The SRS id of every layer: WGS84 longitude/latitude (EPSG:4326). The GeoPackage binary
/// header of each geometry must name the same id.
pub const WGS84: i32 = 4326;

/// The GeoPackage's own tables and the spatial reference systems the standard requires
/// (the two undefined ones) plus WGS84.
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
"#;

/// The geometry type of a layer (all its features share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    /// One point per feature.
    Point,
    /// One multipolygon per feature.
    MultiPolygon,
}

impl GeometryType {
    /// The GeoPackage name, used both as the column's declared type and in
    /// `gpkg_geometry_columns`.
    fn sql_name(self) -> &'static str {
        match self {
            GeometryType::Point => "POINT",
            GeometryType::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

/// The type of an attribute column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A 64-bit integer.
    Integer,
    /// A double.
    Real,
    /// UTF-8 text.
    Text,
}

impl ColumnType {
    fn sql_name(self) -> &'static str {
        match self {
            ColumnType::Integer => "INTEGER",
            ColumnType::Real => "REAL",
            ColumnType::Text => "TEXT",
        }
    }
}

/// One attribute value of a feature. Text borrows where it can, so that streaming a million
/// accounts copies no names.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// An integer.
    Integer(i64),
    /// A double.
    Real(f64),
    /// Text.
    Text(Cow<'a, str>),
    /// No value (SQL NULL).
    Null,
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}

impl From<f64> for Value<'_> {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(Cow::Borrowed(v))
    }
}

impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Text(Cow::Owned(v))
    }
}

/// `None` is NULL.
impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Integer(v) => ToSqlOutput::from(*v),
            Value::Real(v) => ToSqlOutput::from(*v),
            Value::Text(v) => ToSqlOutput::from(v.as_ref()),
            Value::Null => ToSqlOutput::from(Null),
        })
    }
}

/// One row of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature<'a> {
    /// The geometry as GeoPackage binary (header with SRS id [`WGS84`], then WKB), of the
    /// layer's [`GeometryType`].
    pub geometry: Vec<u8>,
    /// One value per column of the layer, in the layer's column order.
    pub values: Vec<Value<'a>>,
}

/// A feature table: its name, geometry type, attribute columns, extent and rows.
///
/// The table gets an `fid INTEGER PRIMARY KEY AUTOINCREMENT` and a geometry column `geom`
/// before the attribute columns.
pub struct Layer<'a> {
    /// The table name (also its identifier in `gpkg_contents`).
    pub name: &'a str,
    /// The type of every feature's geometry.
    pub geometry_type: GeometryType,
    /// Attribute columns: name and type.
    pub columns: &'a [(&'a str, ColumnType)],
    /// The extent `[min_x, min_y, max_x, max_y]` for `gpkg_contents`; `None` when empty.
    pub bounds: Option<[f64; 4]>,
    /// The rows, produced one at a time as they are inserted, so a large layer is never held
    /// in memory twice.
    pub features: Box<dyn Iterator<Item = Feature<'a>> + 'a>,
}

/// Creates a GeoPackage at `path` holding `layers`, in one transaction. Refuses to overwrite
/// an existing file; on failure the half-written file is removed.
pub fn write_geopackage(path: &Path, layers: Vec<Layer<'_>>) -> StoreResult<()> {
    if path.exists() {
        return Err(StoreError::AlreadyExists {
            path: path.to_owned(),
        });
    }
    // The connection is closed inside `write` so that the file can be removed on Windows too.
    let result = write(path, layers).map_err(sql_error(path));
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

fn write(path: &Path, layers: Vec<Layer<'_>>) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    for layer in layers {
        write_layer(&tx, layer)?;
    }
    tx.commit()
}

/// Creates the layer's table, inserts its features and registers it in `gpkg_contents` and
/// `gpkg_geometry_columns`.
fn write_layer(tx: &Transaction, layer: Layer<'_>) -> rusqlite::Result<()> {
    let table = quote(layer.name);
    let geometry = layer.geometry_type.sql_name();
    let declarations: String = layer
        .columns
        .iter()
        .map(|(name, kind)| format!(", {} {}", quote(name), kind.sql_name()))
        .collect();
    tx.execute_batch(&format!(
        "CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {geometry}{declarations});"
    ))?;
    let names: String = layer
        .columns
        .iter()
        .map(|(name, _)| format!(", {}", quote(name)))
        .collect();
    let placeholders: String = (2..=layer.columns.len() + 1)
        .map(|i| format!(", ?{i}"))
        .collect();
    let mut insert = tx.prepare(&format!(
        "INSERT INTO {table} (geom{names}) VALUES (?1{placeholders})"
    ))?;
    for feature in layer.features {
        // rusqlite refuses a feature with too few or too many values (a wrong parameter count)
        // rather than binding what it has.
        let geometry: &dyn ToSql = &feature.geometry;
        let values = feature.values.iter().map(|v| v as &dyn ToSql);
        insert.execute(params_from_iter(std::iter::once(geometry).chain(values)))?;
    }
    let [min_x, min_y, max_x, max_y] = layer.bounds.map_or([None; 4], |b| b.map(Some));
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) \
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6)",
        params![layer.name, min_x, min_y, max_x, max_y, WGS84],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![layer.name, geometry, WGS84],
    )?;
    Ok(())
}

/// `name` as an SQL identifier, so that any layer or column name is taken literally.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer<'a>(columns: &'a [(&'a str, ColumnType)], features: Vec<Feature<'a>>) -> Layer<'a> {
        Layer {
            name: "things",
            geometry_type: GeometryType::Point,
            columns,
            bounds: Some([1.0, 2.0, 3.0, 4.0]),
            features: Box::new(features.into_iter()),
        }
    }

    #[test]
    fn layers_are_registered_and_rows_keep_their_values() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.gpkg");
        let columns = [
            ("name", ColumnType::Text),
            ("odd \"one\"", ColumnType::Integer),
            ("note", ColumnType::Text),
        ];
        let features = vec![
            Feature {
                geometry: vec![1, 2, 3],
                values: vec!["a".into(), 7i64.into(), "n".into()],
            },
            Feature {
                geometry: vec![4],
                values: vec![Value::Null, None::<i64>.into(), String::from("b").into()],
            },
        ];
        write_geopackage(&path, vec![layer(&columns, features)]).expect("write");

        let conn = Connection::open(&path).expect("open");
        let id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .expect("application_id");
        assert_eq!(id, APPLICATION_ID);
        let rows: Vec<(Vec<u8>, Option<String>, Option<i64>)> = conn
            .prepare("SELECT geom, name, \"odd \"\"one\"\"\" FROM things ORDER BY fid")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            [
                (vec![1, 2, 3], Some("a".into()), Some(7)),
                (vec![4], None, None)
            ]
        );
        let extent: (f64, f64, f64, f64, i32) = conn
            .query_row(
                "SELECT min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents WHERE table_name = 'things'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .expect("contents");
        assert_eq!(extent, (1.0, 2.0, 3.0, 4.0, WGS84));
        let kind: String = conn
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'things'",
                [],
                |r| r.get(0),
            )
            .expect("geometry column");
        assert_eq!(kind, "POINT");
    }

    #[test]
    fn a_feature_with_the_wrong_number_of_values_fails_and_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.gpkg");
        let columns = [("name", ColumnType::Text)];
        let features = vec![Feature {
            geometry: vec![],
            values: vec![],
        }];
        let result = write_geopackage(&path, vec![layer(&columns, features)]);
        assert!(
            matches!(result, Err(StoreError::Sqlite { .. })),
            "{result:?}"
        );
        assert!(!path.exists());
        let again = write_geopackage(&path, vec![]);
        assert!(again.is_ok(), "{again:?}");
        let exists = write_geopackage(&path, vec![]);
        assert!(matches!(exists, Err(StoreError::AlreadyExists { .. })));
    }
}

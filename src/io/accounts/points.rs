//! Accounts from GeoJSON: a FeatureCollection of Point features in WGS84 lon/lat. Each
//! feature's properties become the columns (so the same mapping and roles apply as for a CSV
//! file), and its point gives two more columns that the mapping takes as latitude and
//! longitude.
//!
//! Any feature that is not a point refuses the whole file, naming the feature: a polygon in
//! an accounts file means the wrong file was chosen, not a row to skip.

use std::collections::HashMap;

use geojson::{GeoJson, GeometryValue};

use super::{AccountsError, Table};
use crate::io::territories::{feature_name, foreign_crs};

/// Header of the latitude read from each feature's point.
pub const GEOMETRY_LAT: &str = "latitude (geometry)";
/// Header of the longitude read from each feature's point.
pub const GEOMETRY_LON: &str = "longitude (geometry)";

/// Whether a path names a GeoJSON file (`.geojson` or `.json`).
pub fn is_geojson(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "geojson" | "json"))
}

/// Reads GeoJSON Point features as a table: the point's latitude and longitude first (so the
/// mapping's guess takes them over any `lat`/`lon` property), then every property key in the
/// order first met. A feature without geometry keeps empty coordinates (it can still be
/// placed by a city property). `file` names the source in messages.
pub fn read_points(text: &str, file: &str) -> Result<Table, AccountsError> {
    let geojson: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| AccountsError::NotGeoJson {
            file: file.to_owned(),
            reason: e.to_string(),
        })?;
    let not_points = |found: &str| AccountsError::NotPoints {
        file: file.to_owned(),
        found: found.to_owned(),
    };
    let collection = match geojson {
        GeoJson::FeatureCollection(c) => c,
        GeoJson::Feature(_) => return Err(not_points("a single Feature")),
        GeoJson::Geometry(_) => return Err(not_points("a bare Geometry")),
    };
    if let Some(crs) = foreign_crs(&collection) {
        return Err(AccountsError::WrongCrs {
            file: file.to_owned(),
            crs,
        });
    }
    if collection.features.is_empty() {
        return Err(not_points("an empty FeatureCollection (no features)"));
    }
    let mut headers = vec![GEOMETRY_LAT.to_owned(), GEOMETRY_LON.to_owned()];
    let mut column: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(collection.features.len());
    let mut lines = Vec::with_capacity(collection.features.len());
    for (k, feature) in collection.features.iter().enumerate() {
        let number = k + 1;
        let bad = |reason: String| AccountsError::BadFeature {
            file: file.to_owned(),
            number,
            name: account_name(feature, number),
            reason,
        };
        let (lat, lon) = match feature.geometry.as_ref().map(|g| &g.value) {
            None => (String::new(), String::new()),
            Some(GeometryValue::Point { coordinates }) => {
                let s = coordinates.as_slice();
                let (Some(&lon), Some(&lat)) = (s.first(), s.get(1)) else {
                    return Err(bad("the point has fewer than 2 numbers".into()));
                };
                // Shortest round-trip text: the plan reads back exactly these numbers.
                (lat.to_string(), lon.to_string())
            }
            Some(other) => {
                return Err(bad(format!(
                    "geometry is a {}, but accounts must be Point features",
                    other.type_name()
                )));
            }
        };
        let mut cells = vec![lat, lon];
        for (key, value) in feature.properties.iter().flatten() {
            let c = *column.entry(key.clone()).or_insert_with(|| {
                headers.push(key.trim().to_owned());
                headers.len() - 1
            });
            if cells.len() <= c {
                cells.resize(c + 1, String::new());
            }
            cells[c] = cell_text(value);
        }
        rows.push(csv::StringRecord::from(cells));
        lines.push(number as u64);
    }
    Ok(Table {
        headers,
        rows,
        lines,
        unit: "feature",
    })
}

/// How messages name a feature: its first property whose header names the account (`naam`,
/// `company`, ...), else its `name` property or id, else "feature N".
fn account_name(feature: &geojson::Feature, number: usize) -> String {
    feature
        .properties
        .iter()
        .flatten()
        .find(|(key, value)| super::Role::guess(key) == super::Role::Name && value.is_string())
        .map(|(_, value)| cell_text(value))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| feature_name(feature, number))
}

/// A property as a cell: strings as they are, numbers in their JSON form (which the number
/// readers accept), `null` as empty, anything else as JSON text.
fn cell_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_become_columns_and_the_point_gives_coordinates() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"naam":"A","potentie":45000,"lat":1},
             "geometry":{"type":"Point","coordinates":[5.1214,52.0907]}},
            {"type":"Feature","properties":{"naam":"B","extra":null,"branche":"Retail"},
             "geometry":null}]}"#;
        let table = read_points(text, "a.geojson").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(table.unit, "feature");
        assert_eq!(&table.headers[..2], [GEOMETRY_LAT, GEOMETRY_LON]);
        let col = |h: &str| table.headers.iter().position(|x| x == h).expect(h);
        assert_eq!(table.rows[0].get(0), Some("52.0907"));
        assert_eq!(table.rows[0].get(1), Some("5.1214"));
        assert_eq!(table.rows[0].get(col("potentie")), Some("45000"));
        assert_eq!(table.rows[1].get(col("branche")), Some("Retail"));
        assert_eq!(
            table.rows[1].get(0),
            Some(""),
            "no geometry, no coordinates"
        );
        assert_eq!(table.lines, [1, 2]);
        // The geometry's columns win the latitude role over a `lat` property.
        let mapping = super::super::Mapping::guess(&table.headers);
        assert_eq!(mapping.column(super::super::Role::Lat), Some(0));
        assert_eq!(mapping.column(super::super::Role::Lon), Some(1));
    }

    #[test]
    fn non_points_and_other_crs_are_refused_by_feature() {
        let polygon = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"naam":"A"},"geometry":{"type":"Point","coordinates":[5,52]}},
            {"type":"Feature","properties":{"name":"Noord"},
             "geometry":{"type":"Polygon","coordinates":[[[4,52],[5,52],[5,53],[4,52]]]}}]}"#;
        let error = read_points(polygon, "p.geojson").map(|_| ()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "p.geojson: feature 2 (Noord): geometry is a Polygon, but accounts must be Point features"
        );
        let rd = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:28992"}},"features":[]}"#;
        let error = read_points(rd, "rd.geojson").map(|_| ()).unwrap_err();
        assert!(error.to_string().contains("declares crs"), "{error}");
        let single = r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5,52]}}"#;
        let error = read_points(single, "s.geojson").map(|_| ()).unwrap_err();
        assert!(error.to_string().contains("a single Feature"), "{error}");
    }
}

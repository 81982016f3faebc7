//! Territories from GeoJSON: a FeatureCollection of Polygon and MultiPolygon features in
//! WGS84 lon/lat (RFC 7946), each named by a property the planner chooses (guessed: `name`,
//! `naam`, `regio`, `territory`, `gebied`). The other properties Tessera's own export writes
//! (`rep`, `colour`, `target`, `average_deal`, `conversion`, `industries`, `size_classes`)
//! are read too, so that export then import gives the same plan.
//!
//! Everything is checked before anything is returned, and errors name the file, the feature
//! (by number and name) and what is wrong with it. A ring that crosses itself (or parts that
//! overlap) is repaired, as GIS tools' MakeValid does, and the repair is reported; what cannot
//! be repaired (an unclosed ring, a ring of too few points, a shape with no area left) is
//! refused, and so is what is too large or intricate to check and repair in a few seconds
//! (see [`crate::geometry`]).

use geo::orient::{Direction, Orient};
use geo::{Area, Coord, LineString, MultiPolygon, Polygon};

#[cfg(test)]
use crate::geometry::MAX_POSITIONS;
use crate::geometry::crossings::Budget;
use crate::geometry::guard::guarded;
use crate::geometry::repair::{RepairError, repair};
use crate::geometry::validity::first_problem;
use crate::io::layers::crs::Transformer;
use crate::io::layers::{Crs, CrsError, geojson_crs};
use geojson::{FeatureCollection, GeoJson, GeometryValue, Position};
use thiserror::Error;

/// A territory read from a file; defined in `model` so that `edit` can take it without
/// using `io`.
pub use crate::model::NamedArea;
use crate::model::{AreaProperties, Colour, MAX_NAME_CHARS, SegmentRule};

/// Property names that name a territory, in the order they are tried (English, Dutch, and
/// what QGIS layers of Dutch regions often use).
pub const NAME_PROPERTIES: [&str; 5] = ["name", "naam", "regio", "territory", "gebied"];

/// What can be wrong with a territories file.
#[derive(Debug, Error, PartialEq)]
pub enum TerritoriesError {
    /// Not JSON, or not GeoJSON.
    #[error("{file}: not a GeoJSON file: {reason}")]
    NotGeoJson {
        /// The file.
        file: String,
        /// The parser's words.
        reason: String,
    },
    /// GeoJSON, but not a FeatureCollection.
    #[error(
        "{file}: expected a GeoJSON FeatureCollection of (Multi)Polygon features, found a {found}"
    )]
    NotACollection {
        /// The file.
        file: String,
        /// What it is instead.
        found: &'static str,
    },
    /// A coordinate reference system other than WGS84 lon/lat.
    #[error("{file}: {reason}")]
    WrongCrs {
        /// The file.
        file: String,
        /// What is wrong with its CRS ("its coordinate reference system is EPSG:31370; ...").
        reason: String,
    },
    /// The collection has no features.
    #[error("{file}: the FeatureCollection has no features")]
    Empty {
        /// The file.
        file: String,
    },
    /// The chosen name property is in no feature.
    #[error("{file}: no feature has a property {property:?}; text properties: {known}")]
    NoSuchProperty {
        /// The file.
        file: String,
        /// The property asked for.
        property: String,
        /// The text properties the features have.
        known: String,
    },
    /// One feature is unusable.
    #[error("{file}: feature {number} ({name}): {reason}")]
    BadFeature {
        /// The file.
        file: String,
        /// 1-based feature number.
        number: usize,
        /// The feature's name, if it has one.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// Reads territories from GeoJSON text, named by the guessed name property; `file` names the
/// source in messages.
pub fn read_territories(text: &str, file: &str) -> Result<Vec<NamedArea>, TerritoriesError> {
    read_territories_named(text, file, None)
}

/// The keys of the properties that hold text in some feature, in the order first met: the
/// choices for the property that names each territory.
pub fn text_properties(text: &str, file: &str) -> Result<Vec<String>, TerritoriesError> {
    let (collection, _) = parse_collection(text, file)?;
    Ok(text_keys(&collection))
}

fn text_keys(collection: &FeatureCollection) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for properties in collection
        .features
        .iter()
        .filter_map(|f| f.properties.as_ref())
    {
        for (key, value) in properties {
            if value.is_string() && !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    keys
}

/// The property that most likely names the territories among `keys` (see
/// [`NAME_PROPERTIES`]; case is ignored).
pub fn guess_name_property(keys: &[String]) -> Option<String> {
    NAME_PROPERTIES.iter().find_map(|wanted| {
        keys.iter()
            .find(|k| k.trim().eq_ignore_ascii_case(wanted))
            .cloned()
    })
}

/// A collection and, when its legacy `crs` member names RD New or Web Mercator, the
/// reprojection of its positions to WGS84.
type Collection = (FeatureCollection, Option<Transformer>);

fn parse_collection(text: &str, file: &str) -> Result<Collection, TerritoriesError> {
    // Windows tools may start the file with a byte-order mark, which JSON does not allow.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let geojson: GeoJson =
        text.parse()
            .map_err(|e: geojson::Error| TerritoriesError::NotGeoJson {
                file: file.to_owned(),
                reason: e.to_string(),
            })?;
    let collection = match geojson {
        GeoJson::FeatureCollection(c) => c,
        GeoJson::Feature(_) => {
            return Err(TerritoriesError::NotACollection {
                file: file.to_owned(),
                found: "single Feature",
            });
        }
        GeoJson::Geometry(_) => {
            return Err(TerritoriesError::NotACollection {
                file: file.to_owned(),
                found: "bare Geometry",
            });
        }
    };
    let transformer = reprojection(&collection).map_err(|e| TerritoriesError::WrongCrs {
        file: file.to_owned(),
        reason: e.to_string(),
    })?;
    if collection.features.is_empty() {
        return Err(TerritoriesError::Empty {
            file: file.to_owned(),
        });
    }
    Ok((collection, transformer))
}

/// Reads territories from GeoJSON text, each named by its `name_property` (`None`: the
/// guess from [`NAME_PROPERTIES`]); a feature without it is named by its id, else "feature
/// N". A chosen property that no feature has is refused, naming the text properties there
/// are.
pub fn read_territories_named(
    text: &str,
    file: &str,
    name_property: Option<&str>,
) -> Result<Vec<NamedArea>, TerritoriesError> {
    let (collection, transformer) = parse_collection(text, file)?;
    let keys = text_keys(&collection);
    let key = match name_property {
        Some(wanted) => {
            let present = collection
                .features
                .iter()
                .filter_map(|f| f.properties.as_ref())
                .any(|p| p.contains_key(wanted));
            if !present {
                return Err(TerritoriesError::NoSuchProperty {
                    file: file.to_owned(),
                    property: wanted.to_owned(),
                    known: keys.join(", "),
                });
            }
            Some(wanted.to_owned())
        }
        None => guess_name_property(&keys),
    };
    collection
        .features
        .iter()
        .enumerate()
        .map(|(k, feature)| {
            let name = named_by(feature, key.as_deref(), k + 1);
            let bad = |reason: String| TerritoriesError::BadFeature {
                file: file.to_owned(),
                number: k + 1,
                name: name.chars().take(80).collect(),
                reason,
            };
            let length = name.chars().count();
            if length > MAX_NAME_CHARS {
                return Err(bad(format!(
                    "the name is {length} characters long (at most {MAX_NAME_CHARS})"
                )));
            }
            let properties = area_properties(feature).map_err(&bad)?;
            let geometry = feature
                .geometry
                .as_ref()
                .ok_or_else(|| bad("has no geometry".into()))?;
            let (geometry, repaired) = match &transformer {
                None => to_multipolygon(&geometry.value),
                Some(t) => to_multipolygon(&reprojected(&geometry.value, t).map_err(&bad)?),
            }
            .map_err(bad)?;
            Ok(NamedArea {
                name: name.clone(),
                geometry,
                repaired,
                properties,
            })
        })
        .collect()
}

/// The territory fields a feature's properties give (see the module doc); a value of the
/// wrong kind is refused rather than ignored.
fn area_properties(feature: &geojson::Feature) -> Result<AreaProperties, String> {
    use serde_json::Value;
    let Some(p) = feature.properties.as_ref() else {
        return Ok(AreaProperties::default());
    };
    let text = |key: &str| match p.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    let number = |key: &str, max: f64| -> Result<Option<f64>, String> {
        match p.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(v) if v.is_finite() && (0.0..=max).contains(&v) => Ok(Some(v)),
                _ => Err(format!(
                    "property {key} is {n}, expected a number from 0 to {max}"
                )),
            },
            Some(other) => Err(format!("property {key} is {other}, expected a number")),
        }
    };
    let list = |key: &str| -> Vec<String> {
        match p.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let colour = match text("colour").or_else(|| text("color")) {
        None => None,
        Some(hex) => Some(
            Colour::from_hex(&hex)
                .ok_or_else(|| format!("property colour is {hex:?}, expected #rrggbb"))?,
        ),
    };
    let rule = SegmentRule {
        industries: list("industries"),
        size_classes: list("size_classes"),
    };
    Ok(AreaProperties {
        rep: text("rep"),
        colour,
        target: number("target", 1e15)?,
        average_deal: number("average_deal", 1e15)?,
        conversion: number("conversion", 1.0)?,
        rule: (!rule.is_open()).then_some(rule),
    })
}

/// A feature's name: its `key` property (text or a number), else its id, else "feature N".
fn named_by(feature: &geojson::Feature, key: Option<&str>, number: usize) -> String {
    let property = key.and_then(|k| feature.properties.as_ref().and_then(|p| p.get(k)));
    match property {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => match &feature.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            Some(geojson::feature::Id::Number(n)) => n.to_string(),
            None => format!("feature {number}"),
        },
    }
}

/// The reprojection a collection's legacy `crs` member asks for: none without one or for
/// WGS84; RD New and Web Mercator (what QGIS in the Netherlands exports) reprojected; any
/// other system refused by name.
fn reprojection(collection: &FeatureCollection) -> Result<Option<Transformer>, CrsError> {
    let Some(crs) = collection
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
    else {
        return Ok(None);
    };
    match geojson_crs(&serde_json::json!({ "crs": crs }))? {
        None | Some(Crs::Wgs84) => Ok(None),
        Some(other) => Transformer::new(other),
    }
}

/// A geometry's positions reprojected to WGS84 lon/lat (Polygon and MultiPolygon; other
/// kinds are returned as they are, to be refused as territories).
fn reprojected(value: &GeometryValue, t: &Transformer) -> Result<GeometryValue, String> {
    let rings = |rings: &[Vec<Position>]| -> Result<Vec<Vec<Position>>, String> {
        rings
            .iter()
            .map(|ring| {
                ring.iter()
                    .map(|p| match p.as_slice() {
                        [x, y, ..] => t
                            .point(*x, *y)
                            .map(Position::from)
                            .map_err(|e| e.to_string()),
                        // Too short to be a position: left for the conversion to name.
                        _ => Ok(p.clone()),
                    })
                    .collect()
            })
            .collect()
    };
    Ok(match value {
        GeometryValue::Polygon { coordinates } => GeometryValue::Polygon {
            coordinates: rings(coordinates)?,
        },
        GeometryValue::MultiPolygon { coordinates } => GeometryValue::MultiPolygon {
            coordinates: coordinates
                .iter()
                .map(|p| rings(p))
                .collect::<Result<_, _>>()?,
        },
        other => other.clone(),
    })
}

/// The legacy `crs` member of a collection (as JSON text) when it names anything but WGS84
/// lon/lat; `None` when there is none or it is WGS84. RFC 7946 dropped `crs`, but GIS tools
/// still write it, and coordinates in another system (e.g. RD New metres) must not be read
/// as degrees.
pub(crate) fn foreign_crs(collection: &FeatureCollection) -> Option<String> {
    let crs = collection.foreign_members.as_ref()?.get("crs")?;
    let name = crs
        .pointer("/properties/name")
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let wgs84 = [
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
    ];
    (!wgs84.iter().any(|w| name.eq_ignore_ascii_case(w))).then(|| crs.to_string())
}

/// A feature's name: its `name` property, else its id, else "feature N".
pub(crate) fn feature_name(feature: &geojson::Feature, number: usize) -> String {
    named_by(feature, Some("name"), number)
}

/// The feature's shape, valid, and what was repaired if it was not valid as read.
fn to_multipolygon(value: &GeometryValue) -> Result<(MultiPolygon<f64>, Option<String>), String> {
    if let Some(refusal) = crate::geometry::size_refusal(count_positions(value)) {
        return Err(refusal);
    }
    let polygons = match value {
        GeometryValue::Polygon { coordinates } => vec![to_polygon(coordinates, None)?],
        GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .enumerate()
            .map(|(p, rings)| to_polygon(rings, Some(p + 1)))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "geometry is a {}, but territories must be Polygon or MultiPolygon",
                other.type_name()
            ));
        }
    };
    // RFC 7946 winding (outer rings counter-clockwise), whatever the file used.
    let multi = MultiPolygon(polygons).orient(Direction::Default);
    // One budget for checking and repairing the feature, so that neither can run away.
    let mut budget = Budget::default();
    // geo's relate (holes and parts) runs inside the check: guarded like the repair.
    let checked = guarded(|| first_problem(&multi, &mut budget))
        .map_err(|e| RepairError::Failed(e).to_string())?;
    let too_intricate = |_| RepairError::TooIntricate.to_string();
    let Some(problem) = checked.map_err(too_intricate)? else {
        return Ok((multi, None));
    };
    let repaired = repair(&multi, &mut budget)
        .map_err(|why| format!("invalid geometry: {problem}; it cannot be repaired: {why}"))?;
    let note = format!(
        "repaired invalid geometry ({problem}) into {} part{} of {:.4} square degrees",
        repaired.0.len(),
        if repaired.0.len() == 1 { "" } else { "s" },
        repaired.unsigned_area()
    );
    Ok((repaired, Some(note)))
}

/// All positions of a geometry, counted before any is converted.
fn count_positions(value: &GeometryValue) -> usize {
    let rings = |rings: &[Vec<Position>]| rings.iter().map(Vec::len).sum::<usize>();
    match value {
        GeometryValue::Polygon { coordinates } => rings(coordinates),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().map(|p| rings(p)).sum(),
        _ => 0,
    }
}

fn to_polygon(rings: &[Vec<Position>], part: Option<usize>) -> Result<Polygon<f64>, String> {
    let part_text = part.map(|p| format!("part {p}, ")).unwrap_or_default();
    let mut converted = rings.iter().enumerate().map(|(r, ring)| {
        let what = format!("{part_text}ring {}", r + 1);
        to_ring(ring).map_err(|e| format!("{what}: {e}"))
    });
    let exterior = converted
        .next()
        .ok_or_else(|| format!("{part_text}polygon has no rings"))??;
    let interiors = converted.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn to_ring(positions: &[Position]) -> Result<LineString<f64>, String> {
    let coords = positions
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let s = p.as_slice();
            let (Some(&x), Some(&y)) = (s.first(), s.get(1)) else {
                return Err(format!("position {} has fewer than 2 numbers", k + 1));
            };
            if !x.is_finite() || !y.is_finite() || !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
                return Err(format!(
                    "position {} ({x}, {y}) is not a longitude/latitude (longitude -180..180, latitude -90..90)",
                    k + 1
                ));
            }
            Ok(Coord { x, y })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if coords.len() < 4 {
        return Err(format!(
            "has {} positions, a ring needs at least 4",
            coords.len()
        ));
    }
    if coords.first() != coords.last() {
        return Err("is not closed (the last position must equal the first)".into());
    }
    Ok(LineString(coords))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = "[[[4,52],[5,52],[5,53],[4,53],[4,52]]]";

    fn collection(features: &str) -> String {
        format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
    }

    fn feature(name: &str, geometry: &str) -> String {
        format!(r#"{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{geometry}}}"#)
    }

    #[test]
    fn reads_polygons_and_multipolygons_with_names() {
        let text = collection(&format!(
            "{},{}",
            feature(
                "Noord",
                &format!(r#"{{"type":"Polygon","coordinates":{SQUARE}}}"#)
            ),
            feature(
                "Zuid",
                &format!(r#"{{"type":"MultiPolygon","coordinates":[{SQUARE}]}}"#)
            )
        ));
        let areas = read_territories(&text, "t.geojson").unwrap_or_default();
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[0].name, "Noord");
        assert_eq!(areas[1].geometry.0.len(), 1);
    }

    #[test]
    fn a_self_intersecting_ring_is_repaired_and_reported() {
        // A bow tie crossing itself at (4.5, 52.5): two triangles of 0.25 square degrees.
        let text = collection(&feature(
            "Strik",
            r#"{"type":"Polygon","coordinates":[[[4,52],[5,53],[5,52],[4,53],[4,52]]]}"#,
        ));
        let areas = read_territories(&text, "t.geojson").unwrap_or_else(|e| panic!("{e}"));
        let area = &areas[0];
        assert!(crate::geometry::is_valid(&area.geometry));
        assert_eq!(area.geometry.0.len(), 2);
        assert!((area.geometry.unsigned_area() - 0.5).abs() < 1e-12);
        let note = area.repair_note(1).unwrap_or_default();
        assert!(
            note.starts_with("feature 1 (Strik): repaired invalid geometry (")
                && note.ends_with("into 2 parts of 0.5000 square degrees"),
            "{note}"
        );
        // Overlapping parts become their union (not the even-odd difference).
        let overlapping = collection(&feature(
            "Dubbel",
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[1,1],[3,1],[3,3],[1,3],[1,1]]]]}"#,
        ));
        let areas = read_territories(&overlapping, "t.geojson").unwrap_or_else(|e| panic!("{e}"));
        assert!(areas[0].repaired.is_some());
        assert!((areas[0].geometry.unsigned_area() - 7.0).abs() < 1e-12);
        // Valid shapes are left alone.
        let square = collection(&feature(
            "Vierkant",
            &format!(r#"{{"type":"Polygon","coordinates":{SQUARE}}}"#),
        ));
        let areas = read_territories(&square, "t.geojson").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(areas[0].repaired, None);
    }

    #[test]
    fn a_feature_of_more_than_two_million_positions_is_refused_before_it_is_checked() {
        let huge = crate::geometry::shapes::circle(MAX_POSITIONS);
        let text = crate::geometry::shapes::feature_collection("Reus", &huge);
        let error = read_territories(&text, "t.geojson")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "t.geojson: feature 1 (Reus): has 2,000,001 positions, more than the 2,000,000 a territory may have; simplify it in your GIS"
        );
    }

    #[test]
    fn bad_inputs_name_file_feature_and_problem() {
        let cases = [
            ("not json", "not a GeoJSON file"),
            (
                r#"{"type":"Point","coordinates":[1,2]}"#,
                "found a bare Geometry",
            ),
            (&collection(""), "has no features"),
            (
                &collection(&feature("A", r#"{"type":"Point","coordinates":[1,2]}"#)),
                "feature 1 (A): geometry is a Point",
            ),
            (
                &collection(&feature(
                    "B",
                    r#"{"type":"Polygon","coordinates":[[[4,52],[5,52],[5,53],[4,53]]]}"#,
                )),
                "feature 1 (B): ring 1: is not closed",
            ),
            (
                &collection(&feature(
                    "C",
                    r#"{"type":"Polygon","coordinates":[[[4,52],[5,95],[5,53],[4,52]]]}"#,
                )),
                "position 2 (5, 95) is not a longitude/latitude",
            ),
            (
                // A ring that doubles back on itself: repairing leaves no area.
                &collection(&feature(
                    "D",
                    r#"{"type":"Polygon","coordinates":[[[4,52],[5,52],[6,52],[5,52],[4,52]]]}"#,
                )),
                "feature 1 (D): invalid geometry",
            ),
            (
                r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:31370"}},"features":[]}"#,
                "coordinate reference system is EPSG:31370",
            ),
        ];
        for (text, expected) in cases {
            let error = read_territories(text, "in.geojson")
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert!(error.starts_with("in.geojson: "), "{error}");
            assert!(
                error.contains(expected),
                "{error:?} should contain {expected:?}"
            );
        }
    }

    #[test]
    fn rd_new_and_web_mercator_files_are_reprojected_to_lon_lat() {
        use geo::Centroid;
        // A 2 km square around the Onze Lieve Vrouwetoren of Amersfoort, RD New's origin
        // (155000, 463000): 52.15517 N, 5.38721 E.
        let rd = r#"{"type":"FeatureCollection",
            "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},
            "features":[{"type":"Feature","properties":{"name":"Amersfoort"},
            "geometry":{"type":"Polygon","coordinates":[[[154000,462000],[156000,462000],
            [156000,464000],[154000,464000],[154000,462000]]]}}]}"#;
        let areas = read_territories(rd, "rd.geojson").expect("RD New is read");
        let centre = areas[0].geometry.centroid().expect("centroid");
        assert!((centre.x() - 5.38721).abs() < 2e-5, "{centre:?}");
        assert!((centre.y() - 52.15517).abs() < 2e-5, "{centre:?}");
        // Web Mercator: x = R * lon, so 5 degrees east is 556,597 m.
        let mercator = r#"{"type":"FeatureCollection",
            "crs":{"type":"name","properties":{"name":"EPSG:3857"}},
            "features":[{"type":"Feature","properties":{"name":"M"},
            "geometry":{"type":"Polygon","coordinates":[[[556597.45,6800000],[667916.94,6800000],
            [667916.94,6900000],[556597.45,6800000]]]}}]}"#;
        let areas = read_territories(mercator, "m.geojson").expect("Web Mercator is read");
        let west = areas[0].geometry.0[0].exterior().0[0];
        assert!(
            (west.x - 5.0).abs() < 1e-6 && (west.y - 52.0).abs() < 1.0,
            "{west:?}"
        );
    }
}

//! GeoJSON (and the JSON both it and TopoJSON share): a FeatureCollection, or one Feature,
//! of Polygon and MultiPolygon geometries (GeometryCollections give their polygons). The
//! legacy `crs` member picks the CRS; without one, coordinates are WGS84 unless they are not
//! lon/lat (see [`super::crs::settle_crs`]).
//!
//! The document is read into typed structs (one pass, serde), except coordinates, which stay
//! JSON values until converted so that an error can say which feature holds the bad one.

use std::fmt;
use std::marker::PhantomData;

use geo::Coord;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{Collected, LayerError, LayerFormat, Properties, RawLayer, ReadOptions};
use super::{check_coord, crs, finish, topojson};

/// A JSON object read as pairs in document order (serde_json's own map sorts its keys
/// unless its `preserve_order` feature is on somewhere in the build).
#[derive(Debug, Default)]
pub(crate) struct Ordered<T>(pub(crate) Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Pairs<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some((k, v)) = map.next_entry()? {
                    pairs.push((k, v));
                }
                Ok(Ordered(pairs))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Ordered(Vec::new()))
            }
        }
        deserializer.deserialize_any(Pairs(PhantomData))
    }
}

/// A geometry, or a TopoJSON geometry object (which carries its own properties and id).
#[derive(Debug, Deserialize)]
pub(crate) struct Geom {
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) coordinates: Option<Value>,
    #[serde(default)]
    pub(crate) arcs: Option<Value>,
    #[serde(default)]
    pub(crate) geometries: Option<Vec<Geom>>,
    #[serde(default)]
    pub(crate) properties: Option<Ordered<Value>>,
    #[serde(default)]
    pub(crate) id: Option<Value>,
}

/// A GeoJSON Feature.
#[derive(Debug, Deserialize)]
pub(crate) struct Feature {
    #[serde(default)]
    geometry: Option<Geom>,
    #[serde(default)]
    properties: Option<Ordered<Value>>,
    #[serde(default)]
    id: Option<Value>,
}

/// The top level of a GeoJSON or TopoJSON document.
#[derive(Debug, Deserialize)]
pub(crate) struct Doc {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    features: Option<Vec<Feature>>,
    #[serde(default)]
    crs: Option<Value>,
    #[serde(default)]
    geometry: Option<Geom>,
    #[serde(default)]
    properties: Option<Ordered<Value>>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    pub(crate) objects: Option<Ordered<Geom>>,
    #[serde(default)]
    pub(crate) arcs: Option<Vec<Vec<Vec<f64>>>>,
    #[serde(default)]
    pub(crate) transform: Option<topojson::Transform>,
}

/// Reads GeoJSON or TopoJSON text (without a byte-order mark).
pub(crate) fn read(text: &[u8], file: &str, options: &ReadOptions) -> Result<RawLayer, LayerError> {
    let doc: Doc = serde_json::from_slice(text).map_err(|e| LayerError::NotJson {
        file: file.into(),
        reason: e.to_string(),
    })?;
    let declared =
        match &doc.crs {
            None | Some(Value::Null) => None,
            Some(c) => Some(crs::geojson_crs(&serde_json::json!({ "crs": c })).map_err(
                |source| LayerError::Crs {
                    file: file.into(),
                    source,
                },
            )?)
            .flatten(),
        };
    let mut collected = Collected::default();
    match doc.kind.as_deref() {
        Some("Topology") => return topojson::read(doc, file, declared, options),
        Some("FeatureCollection") => {
            for (i, feature) in doc.features.unwrap_or_default().into_iter().enumerate() {
                add_feature(
                    &mut collected,
                    file,
                    i + 1,
                    feature.geometry,
                    feature.properties,
                    feature.id,
                )?;
            }
        }
        Some("Feature") => add_feature(
            &mut collected,
            file,
            1,
            doc.geometry,
            doc.properties,
            doc.id,
        )?,
        Some(other) => {
            return Err(LayerError::NotJson {
                file: file.into(),
                reason: format!("a {other}, not a FeatureCollection or a TopoJSON Topology"),
            });
        }
        None => {
            return Err(LayerError::NotJson {
                file: file.into(),
                reason: "no \"type\" member".into(),
            });
        }
    }
    finish(
        file,
        LayerFormat::GeoJson,
        collected,
        declared,
        "has no crs member",
        None,
        Vec::new(),
    )
}

/// Properties with the feature's `id` added as `id` when they have none.
pub(crate) fn with_id(properties: Option<Properties>, id: Option<Value>) -> Properties {
    let mut props = properties.unwrap_or_default();
    if let Some(id) = id.filter(|v| !v.is_null())
        && !props.iter().any(|(k, _)| k == "id")
    {
        props.insert(0, ("id".into(), id));
    }
    props
}

fn add_feature(
    collected: &mut Collected,
    file: &str,
    feature: usize,
    geometry: Option<Geom>,
    properties: Option<Ordered<Value>>,
    id: Option<Value>,
) -> Result<(), LayerError> {
    let mut polygons = Vec::new();
    let counted = collected.points + collected.lines + collected.other;
    if let Some(geometry) = geometry {
        let bad = |reason: String| LayerError::Feature {
            file: file.into(),
            feature,
            reason,
        };
        geometry_polygons(collected, file, feature, &geometry, &mut polygons, &bad)?;
    }
    if polygons.is_empty() {
        // Counted by kind already, unless it had no geometry (or no area) at all.
        if collected.points + collected.lines + collected.other == counted {
            collected.empty += 1;
        }
        return Ok(());
    }
    collected.push(feature, polygons, with_id(properties.map(|p| p.0), id));
    Ok(())
}

/// Appends the polygons of `geometry`, counting what is not a polygon.
fn geometry_polygons(
    collected: &mut Collected,
    file: &str,
    feature: usize,
    geometry: &Geom,
    out: &mut Vec<geo::Polygon<f64>>,
    bad: &dyn Fn(String) -> LayerError,
) -> Result<(), LayerError> {
    let coords = geometry.coordinates.as_ref().unwrap_or(&Value::Null);
    match geometry.kind.as_deref() {
        Some("Polygon") => {
            if let Some(p) = polygon(collected, file, feature, coords, bad)? {
                out.push(p);
            }
        }
        Some("MultiPolygon") => {
            for part in array(coords, "MultiPolygon coordinates", bad)? {
                if let Some(p) = polygon(collected, file, feature, part, bad)? {
                    out.push(p);
                }
            }
        }
        Some("GeometryCollection") => {
            for g in geometry.geometries.iter().flatten() {
                geometry_polygons(collected, file, feature, g, out, bad)?;
            }
        }
        Some("Point" | "MultiPoint") => collected.points += 1,
        Some("LineString" | "MultiLineString") => collected.lines += 1,
        Some(other) => return Err(bad(format!("unknown geometry type {other:?}"))),
        None => return Err(bad("a geometry without \"type\"".into())),
    }
    Ok(())
}

fn array<'a>(
    value: &'a Value,
    what: &str,
    bad: &dyn Fn(String) -> LayerError,
) -> Result<&'a Vec<Value>, LayerError> {
    value
        .as_array()
        .ok_or_else(|| bad(format!("{what} must be an array, found {}", short(value))))
}

fn polygon(
    collected: &mut Collected,
    file: &str,
    feature: usize,
    value: &Value,
    bad: &dyn Fn(String) -> LayerError,
) -> Result<Option<geo::Polygon<f64>>, LayerError> {
    let mut rings = Vec::new();
    for ring in array(value, "Polygon coordinates", bad)? {
        let positions = array(ring, "a ring", bad)?;
        let mut coords = Vec::with_capacity(positions.len());
        for p in positions {
            let c = position(p).ok_or_else(|| {
                bad(format!(
                    "a position must be [x, y] numbers, found {}",
                    short(p)
                ))
            })?;
            check_coord(file, feature, c)?;
            coords.push(c);
        }
        rings.push(coords);
    }
    if rings.is_empty() {
        return Ok(None);
    }
    Ok(collected.polygon(rings))
}

fn position(value: &Value) -> Option<Coord<f64>> {
    let a = value.as_array()?;
    Some(Coord {
        x: a.first()?.as_f64()?,
        y: a.get(1)?.as_f64()?,
    })
}

/// A value shortened for a message.
fn short(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

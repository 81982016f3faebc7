//! TopoJSON: polygons written as lists of shared arcs. Arcs are decoded once (delta-decoded
//! and scaled when the topology is quantized, i.e. has a `transform`), then each ring is the
//! concatenation of its arcs (a negative index `!i` is arc `i` reversed), the shared end
//! point written once.
//!
//! A topology holds several objects (the US atlas: `states` and `nation`): the one asked for
//! by name, else the one with the most polygon geometries.

use geo::Coord;
use serde::Deserialize;
use serde_json::Value;

use super::geojson::{Doc, Geom, with_id};
use super::{Collected, Crs, LayerError, LayerFormat, RawLayer, ReadOptions, check_coord, finish};

/// A quantized topology's transform.
#[derive(Debug, Deserialize)]
pub(crate) struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

/// Reads a parsed TopoJSON document.
pub(crate) fn read(
    doc: Doc,
    file: &str,
    declared: Option<Crs>,
    options: &ReadOptions,
) -> Result<RawLayer, LayerError> {
    let objects = doc.objects.map(|o| o.0).unwrap_or_default();
    let polygon_count = |g: &Geom| -> usize {
        members(g)
            .iter()
            .filter(|m| matches!(m.kind.as_deref(), Some("Polygon" | "MultiPolygon")))
            .count()
    };
    let layers = || {
        objects
            .iter()
            .map(|(name, g)| format!("{name} ({} polygons)", polygon_count(g)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match &options.layer {
        Some(name) => {
            objects
                .iter()
                .position(|(n, _)| n == name)
                .ok_or_else(|| LayerError::NoSuchLayer {
                    file: file.into(),
                    layer: name.clone(),
                    layers: layers(),
                })?
        }
        None => {
            let mut best: Option<(usize, usize)> = None;
            for (i, (_, g)) in objects.iter().enumerate() {
                let n = polygon_count(g);
                if n > 0 && best.is_none_or(|(_, m)| n > m) {
                    best = Some((i, n));
                }
            }
            match best {
                Some((i, _)) => i,
                None if objects.is_empty() => return Err(LayerError::Empty { file: file.into() }),
                None => {
                    return Err(LayerError::NoPolygonLayer {
                        file: file.into(),
                        layers: layers(),
                    });
                }
            }
        }
    };
    let other_layers = objects
        .iter()
        .enumerate()
        .filter(|(i, (_, g))| *i != chosen && polygon_count(g) > 0)
        .map(|(_, (n, _))| n.clone())
        .collect();
    let arcs = decode_arcs(doc.arcs.unwrap_or_default(), doc.transform.as_ref(), file)?;
    let (name, object) = &objects[chosen];
    let mut collected = Collected::default();
    for (i, member) in members(object).into_iter().enumerate() {
        let feature = i + 1;
        let bad = |reason: String| LayerError::Feature {
            file: file.into(),
            feature,
            reason,
        };
        let arcs_of = member.arcs.as_ref().unwrap_or(&Value::Null);
        let mut polygons = Vec::new();
        match member.kind.as_deref() {
            Some("Polygon") => {
                if let Some(p) = polygon(&mut collected, file, feature, &arcs, arcs_of, &bad)? {
                    polygons.push(p);
                }
            }
            Some("MultiPolygon") => {
                for part in list(arcs_of, &bad)? {
                    if let Some(p) = polygon(&mut collected, file, feature, &arcs, part, &bad)? {
                        polygons.push(p);
                    }
                }
            }
            Some("Point" | "MultiPoint") => {
                collected.points += 1;
                continue;
            }
            Some("LineString" | "MultiLineString") => {
                collected.lines += 1;
                continue;
            }
            Some(_) | None => {
                collected.other += 1;
                continue;
            }
        }
        let properties = member.properties.as_ref().map(|p| p.0.clone());
        collected.push(feature, polygons, with_id(properties, member.id.clone()));
    }
    finish(
        file,
        LayerFormat::TopoJson,
        collected,
        declared,
        "has no crs member",
        Some(name.clone()),
        other_layers,
    )
}

/// The geometries of an object: its members if it is a collection, else itself.
fn members(object: &Geom) -> Vec<&Geom> {
    match (&object.kind.as_deref(), &object.geometries) {
        (Some("GeometryCollection"), Some(g)) => g.iter().collect(),
        (Some("GeometryCollection"), None) => Vec::new(),
        _ => vec![object],
    }
}

/// Every arc in absolute coordinates.
fn decode_arcs(
    raw: Vec<Vec<Vec<f64>>>,
    transform: Option<&Transform>,
    file: &str,
) -> Result<Vec<Vec<Coord<f64>>>, LayerError> {
    let mut arcs = Vec::with_capacity(raw.len());
    for (a, arc) in raw.into_iter().enumerate() {
        let mut out = Vec::with_capacity(arc.len());
        let (mut x, mut y) = (0.0, 0.0);
        for p in arc {
            let (Some(&px), Some(&py)) = (p.first(), p.get(1)) else {
                return Err(LayerError::NotJson {
                    file: file.into(),
                    reason: format!("arc {a} has a position with fewer than two numbers"),
                });
            };
            let c = match transform {
                Some(t) => {
                    x += px;
                    y += py;
                    Coord {
                        x: x * t.scale[0] + t.translate[0],
                        y: y * t.scale[1] + t.translate[1],
                    }
                }
                None => Coord { x: px, y: py },
            };
            out.push(c);
        }
        arcs.push(out);
    }
    Ok(arcs)
}

fn list<'a>(
    value: &'a Value,
    bad: &dyn Fn(String) -> LayerError,
) -> Result<&'a Vec<Value>, LayerError> {
    value.as_array().ok_or_else(|| {
        bad(format!(
            "\"arcs\" must be arrays of arc indices, found {value}"
        ))
    })
}

fn polygon(
    collected: &mut Collected,
    file: &str,
    feature: usize,
    arcs: &[Vec<Coord<f64>>],
    value: &Value,
    bad: &dyn Fn(String) -> LayerError,
) -> Result<Option<geo::Polygon<f64>>, LayerError> {
    let mut rings = Vec::new();
    for ring in list(value, bad)? {
        let mut coords: Vec<Coord<f64>> = Vec::new();
        for index in list(ring, bad)? {
            let i = index
                .as_i64()
                .ok_or_else(|| bad(format!("arc index {index} is not an integer")))?;
            let (k, reversed) = if i < 0 { (!i, true) } else { (i, false) };
            let arc = usize::try_from(k)
                .ok()
                .and_then(|k| arcs.get(k))
                .ok_or_else(|| {
                    bad(format!(
                        "arc index {i} is out of range (the topology has {} arcs)",
                        arcs.len()
                    ))
                })?;
            if let Some(c) = arc
                .iter()
                .find(|c| check_coord(file, feature, **c).is_err())
            {
                check_coord(file, feature, *c)?;
            }
            let skip = usize::from(!coords.is_empty());
            if reversed {
                coords.extend(arc.iter().rev().skip(skip));
            } else {
                coords.extend(arc.iter().skip(skip));
            }
        }
        rings.push(coords);
    }
    if rings.is_empty() {
        return Ok(None);
    }
    Ok(collected.polygon(rings))
}

//! ESRI Shapefile: the `.shp` (shapes, through the `shapefile` crate), its `.dbf`
//! (attributes, through `dbase`, which `shapefile` uses itself), its `.prj` (the CRS, as WKT)
//! and its `.cpg` (the `.dbf`'s encoding). Sibling files are found whatever the case of their
//! extension (`.DBF` from old Windows tools). Without a `.cpg` the `.dbf` is read as UTF-8,
//! and again as Windows-1252 (a superset of Latin-1) if it is not valid UTF-8.
//!
//! A Shapefile polygon is a list of rings: clockwise outer rings, each followed by its
//! counter-clockwise holes. A hole goes to the outer ring that contains it (the nearest
//! preceding one first), as GDAL does.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use dbase::encoding::{DynEncoding, EncodingRs};
use dbase::{FieldValue, Record};
use geo::{Contains, Coord, LineString, Polygon};
use serde_json::Value;
use shapefile::{PolygonRing, Shape, ShapeReader};

use super::crs::crs_from_prj;
use super::{
    Collected, LayerError, LayerFormat, Properties, RawLayer, ReadOptions, check_coord, finish,
};

/// The sibling of `shp` with extension `ext`, matched case-insensitively.
fn sibling(shp: &Path, ext: &str) -> Option<PathBuf> {
    let exact = shp.with_extension(ext);
    if exact.is_file() {
        return Some(exact);
    }
    let stem = shp.file_stem()?.to_str()?;
    let dir = shp
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_stem().and_then(|s| s.to_str()) == Some(stem)
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        })
}

/// Reads a Shapefile's polygons and attributes.
pub(crate) fn read(
    path: &Path,
    file: &str,
    _options: &ReadOptions,
) -> Result<RawLayer, LayerError> {
    let damaged = |reason: String| LayerError::Shapefile {
        file: file.into(),
        reason,
    };
    let dbf = sibling(path, "dbf").ok_or_else(|| LayerError::MissingDbf {
        file: file.into(),
        dbf: path.with_extension("dbf").display().to_string(),
    })?;
    let declared = match sibling(path, "prj") {
        None => None,
        Some(prj) => {
            let bytes = std::fs::read(&prj).map_err(|e| LayerError::Io {
                file: prj.display().to_string(),
                reason: e.to_string(),
            })?;
            let wkt = String::from_utf8_lossy(&bytes);
            Some(crs_from_prj(&wkt).map_err(|source| LayerError::Crs {
                file: file.into(),
                source,
            })?)
        }
    };
    let encoding = sibling(path, "cpg")
        .and_then(|cpg| std::fs::read(cpg).ok())
        .and_then(|b| DynEncoding::from_name(String::from_utf8_lossy(&b).as_ref()));
    let (properties, note) = match encoding {
        Some(e) => (records(&dbf, e, file)?, None),
        None => match records(&dbf, DynEncoding::from(dbase::encoding::Unicode), file) {
            Ok(r) => (r, None),
            Err(first) => match records(&dbf, EncodingRs::from(encoding_rs::WINDOWS_1252).into(), file) {
                Ok(r) => (r, Some("the .dbf has no .cpg and is not UTF-8: its text was read as Windows-1252 (Latin-1)".to_string())),
                Err(_) => return Err(first),
            },
        },
    };

    let shp = File::open(path).map_err(|e| LayerError::Io {
        file: file.into(),
        reason: e.to_string(),
    })?;
    let mut reader = ShapeReader::new(BufReader::new(shp)).map_err(|e| damaged(e.to_string()))?;
    let mut shapes = Vec::with_capacity(properties.len());
    for (i, shape) in reader.iter_shapes().enumerate() {
        shapes.push(shape.map_err(|e| damaged(format!("shape {}: {e}", i + 1)))?);
    }
    if shapes.len() != properties.len() {
        return Err(damaged(format!(
            "the .shp has {} shapes but the .dbf has {} records",
            shapes.len(),
            properties.len()
        )));
    }
    let mut collected = Collected::default();
    for (i, (shape, props)) in shapes.into_iter().zip(properties).enumerate() {
        let feature = i + 1;
        let rings: Vec<(bool, Vec<Coord<f64>>)> = match shape {
            Shape::Polygon(p) => rings(p.into_inner(), |p| Coord { x: p.x, y: p.y }),
            Shape::PolygonM(p) => rings(p.into_inner(), |p| Coord { x: p.x, y: p.y }),
            Shape::PolygonZ(p) => rings(p.into_inner(), |p| Coord { x: p.x, y: p.y }),
            Shape::NullShape => {
                collected.empty += 1;
                continue;
            }
            Shape::Point(_)
            | Shape::PointM(_)
            | Shape::PointZ(_)
            | Shape::Multipoint(_)
            | Shape::MultipointM(_)
            | Shape::MultipointZ(_) => {
                collected.points += 1;
                continue;
            }
            Shape::Polyline(_) | Shape::PolylineM(_) | Shape::PolylineZ(_) => {
                collected.lines += 1;
                continue;
            }
            Shape::Multipatch(_) => {
                collected.other += 1;
                continue;
            }
        };
        for (_, ring) in &rings {
            for c in ring {
                check_coord(file, feature, *c)?;
            }
        }
        let polygons = group(&mut collected, rings);
        collected.push(feature, polygons, props);
    }
    let mut layer = finish(
        file,
        LayerFormat::Shapefile,
        collected,
        declared,
        "has no .prj file",
        None,
        Vec::new(),
    )?;
    layer.notes.extend(note);
    Ok(layer)
}

fn rings<P>(
    rings: Vec<PolygonRing<P>>,
    coord: impl Fn(&P) -> Coord<f64>,
) -> Vec<(bool, Vec<Coord<f64>>)> {
    rings
        .into_iter()
        .map(|r| match r {
            PolygonRing::Outer(p) => (true, p.iter().map(&coord).collect()),
            PolygonRing::Inner(p) => (false, p.iter().map(&coord).collect()),
        })
        .collect()
}

/// Polygons from outer rings and holes: each hole joins the nearest preceding outer ring that
/// contains its first position, else any that does, else the preceding one.
fn group(collected: &mut Collected, rings: Vec<(bool, Vec<Coord<f64>>)>) -> Vec<Polygon<f64>> {
    let mut parts: Vec<Vec<Vec<Coord<f64>>>> = Vec::new();
    let mut outers: Vec<Polygon<f64>> = Vec::new();
    for (outer, ring) in rings {
        if outer || parts.is_empty() {
            outers.push(Polygon::new(LineString::new(ring.clone()), vec![]));
            parts.push(vec![ring]);
            continue;
        }
        let Some(&first) = ring.first() else { continue };
        let before = parts.len() - 1;
        let home = (0..=before)
            .rev()
            .find(|&i| outers[i].contains(&first))
            .unwrap_or(before);
        parts[home].push(ring);
    }
    parts
        .into_iter()
        .filter_map(|rings| collected.polygon(rings))
        .collect()
}

/// Every record's fields in the `.dbf`'s field order.
fn records(dbf: &Path, encoding: DynEncoding, file: &str) -> Result<Vec<Properties>, LayerError> {
    let damaged = |reason: String| LayerError::Shapefile {
        file: file.into(),
        reason,
    };
    let source = File::open(dbf).map_err(|e| LayerError::Io {
        file: dbf.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut reader = dbase::ReaderBuilder::new()
        .with_encoding(encoding)
        .build(BufReader::new(source))
        .map_err(|e| damaged(format!(".dbf: {e}")))?;
    let names: Vec<String> = reader
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let mut out = Vec::new();
    for (i, record) in reader.iter_records().enumerate() {
        let record: Record = record.map_err(|e| LayerError::Field {
            file: file.into(),
            feature: i + 1,
            field: e
                .field_index()
                .and_then(|f| names.get(f.0))
                .cloned()
                .unwrap_or_else(|| "?".to_string()),
            reason: e.kind().to_string(),
        })?;
        out.push(
            names
                .iter()
                .map(|n| (n.clone(), record.get(n).map_or(Value::Null, json)))
                .collect(),
        );
    }
    Ok(out)
}

fn json(value: &FieldValue) -> Value {
    let number = |f: f64| {
        // dBase numbers are text: 1011 comes back as 1011.0; keep whole numbers integers.
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    match value {
        FieldValue::Character(s) => s
            .as_ref()
            .map_or(Value::Null, |s| Value::String(s.trim_end().to_string())),
        FieldValue::Memo(s) => Value::String(s.clone()),
        FieldValue::Numeric(n) => n.map_or(Value::Null, number),
        FieldValue::Float(n) => n.map_or(Value::Null, |f| number(f64::from(f))),
        FieldValue::Double(f) | FieldValue::Currency(f) => number(*f),
        FieldValue::Integer(i) => Value::from(*i),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::DateTime(dt) => {
            let d = dt.date();
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Vec<Coord<f64>> {
        vec![
            Coord { x, y },
            Coord { x, y: y + side },
            Coord {
                x: x + side,
                y: y + side,
            },
            Coord { x: x + side, y },
            Coord { x, y },
        ]
    }

    /// Two outer rings, then a hole that lies in the first: it joins the first.
    #[test]
    fn holes_join_the_outer_ring_that_contains_them() {
        let mut collected = Collected::default();
        let rings = vec![
            (true, square(0.0, 0.0, 10.0)),
            (true, square(20.0, 0.0, 10.0)),
            (false, square(2.0, 2.0, 1.0)),
        ];
        let polygons = group(&mut collected, rings);
        assert_eq!(polygons.len(), 2);
        assert_eq!(polygons[0].interiors().len(), 1);
        assert_eq!(polygons[1].interiors().len(), 0);
    }

    #[test]
    fn dbf_numbers_stay_integers_when_whole() {
        assert_eq!(json(&FieldValue::Numeric(Some(1011.0))), Value::from(1011));
        assert_eq!(json(&FieldValue::Numeric(Some(2.5))), Value::from(2.5));
        assert_eq!(
            json(&FieldValue::Character(Some("Utrecht   ".into()))),
            Value::from("Utrecht")
        );
        assert_eq!(json(&FieldValue::Character(None)), Value::Null);
    }
}

//! Unit layers from planners' files (issue 13, File > Add unit layer…): polygons and their
//! properties, in WGS84 lon/lat, from GeoJSON, TopoJSON, Shapefile and GeoPackage, in WGS84,
//! RD New or Web Mercator ([`crs`]).
//!
//! This is only the reading: geometries come back as the file has them (not repaired, not
//! snapped; the topology step does that), but every coordinate is a finite lon/lat, every
//! ring has at least four positions, and every error names the file and, where one feature
//! is at fault, its number (1-based, in file order) and field.
//!
//! Properties keep the file's field order (a Vec of pairs, not a map), so the dialog lists
//! fields as the planner's GIS shows them. A GeoJSON or TopoJSON feature `id` becomes an
//! `id` property when the properties have none (the US atlas codes states only by `id`).

pub mod crs;
mod error;
mod fields;
mod geojson;
mod gpkg;

mod shp;
mod topojson;
mod wkb;

use std::path::Path;

use geo::{BoundingRect, Coord, CoordsIter, LineString, MultiPolygon, Polygon, Rect};
use serde_json::Value;

pub use crs::{Crs, CrsError, crs_from_prj, geojson_crs, settle_crs, to_wgs84};
pub use error::LayerError;
pub use fields::guess_fields;

/// Properties of a feature, in the file's field order.
pub type Properties = Vec<(String, Value)>;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerFormat {
    /// RFC 7946 GeoJSON (and the 2008 dialect with a `crs` member).
    GeoJson,
    /// TopoJSON (arcs shared between features, quantized or not).
    TopoJson,
    /// ESRI Shapefile: `.shp` + `.dbf` (+ `.prj`, `.cpg`).
    Shapefile,
    /// OGC GeoPackage (SQLite).
    GeoPackage,
}

/// A polygon layer as read from a file, in WGS84.
#[derive(Debug, Clone, PartialEq)]
pub struct RawLayer {
    /// The polygon features, in file order (features without area are left out and counted
    /// in `notes`).
    pub features: Vec<RawUnit>,
    /// The CRS the file was in, for the report: "EPSG:28992 (RD New)".
    pub source_crs: String,
    /// The same as a value.
    pub crs: Crs,
    /// The file's format.
    pub format: LayerFormat,
    /// The layer read, for formats that hold several (GeoPackage table, TopoJSON object).
    pub layer: Option<String>,
    /// The other polygon layers in the file, for the dialog to offer.
    pub other_layers: Vec<String>,
    /// Every property name, in first-seen order.
    pub fields: Vec<String>,
    /// What the planner should know: a CRS assumed, features skipped.
    pub notes: Vec<String>,
}

/// One polygon feature.
#[derive(Debug, Clone, PartialEq)]
pub struct RawUnit {
    /// Its number in the file (1-based), for messages.
    pub feature: usize,
    /// WGS84 lon/lat.
    pub geometry: MultiPolygon<f64>,
    /// Its properties in file order.
    pub properties: Properties,
}

impl RawUnit {
    /// The property `name` (exact name).
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The property `name` as text: strings as they are, numbers and booleans written out
    /// (PC4 codes are numbers in CBS files), `None` for null, absent, arrays and objects.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.property(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Which layer of a multi-layer file to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// A GeoPackage table or TopoJSON object by name. By default: in a GeoPackage the first
    /// polygon table of `gpkg_contents`, in a TopoJSON the object with the most polygons
    /// (the US atlas lists `nation` beside `states`). The other polygon layers are in
    /// [`RawLayer::other_layers`] for the dialog to offer.
    pub layer: Option<String>,
}

/// Reads the polygon layer in `path`, chosen by extension and checked by content.
pub fn read_layer(path: &Path) -> Result<RawLayer, LayerError> {
    read_layer_with(path, &ReadOptions::default())
}

/// [`read_layer`] with a layer chosen by name.
pub fn read_layer_with(path: &Path, options: &ReadOptions) -> Result<RawLayer, LayerError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| LayerError::Io {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(LayerError::Io {
            file,
            reason: "not a regular file".into(),
        });
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "shp" => shp::read(path, &file, options),
        "dbf" | "shx" | "prj" | "cpg" => Err(LayerError::UnknownFormat {
            file,
            found: format!("a Shapefile's .{ext} part: open the .shp"),
        }),
        "gpkg" => gpkg::read(path, &file, options),
        "zip" => Err(LayerError::UnknownFormat {
            file,
            found: "a zip archive: unpack it and open the .shp, .gpkg or .geojson inside".into(),
        }),
        _ => {
            let bytes = std::fs::read(path).map_err(|e| LayerError::Io {
                file: file.clone(),
                reason: e.to_string(),
            })?;
            if bytes.starts_with(b"SQLite format 3\0") {
                return gpkg::read(path, &file, options);
            }
            let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let first = text.iter().find(|b| !b.is_ascii_whitespace());
            if first != Some(&b'{') {
                return Err(LayerError::UnknownFormat {
                    file,
                    found: if ext.is_empty() {
                        "no extension, not JSON".into()
                    } else {
                        format!(".{ext}, not JSON")
                    },
                });
            }
            geojson::read(text, &file, options)
        }
    }
}

/// Features as a reader collected them, in the file's CRS, before reprojection.
#[derive(Default)]
pub(crate) struct Collected {
    pub(crate) units: Vec<RawUnit>,
    pub(crate) points: usize,
    pub(crate) lines: usize,
    pub(crate) empty: usize,
    pub(crate) other: usize,
    /// Rings dropped for having fewer than three distinct positions.
    pub(crate) degenerate_rings: usize,
}

impl Collected {
    /// Adds a feature's polygons, or counts it as without area when it has none.
    pub(crate) fn push(
        &mut self,
        feature: usize,
        polygons: Vec<Polygon<f64>>,
        properties: Properties,
    ) {
        if polygons.is_empty() {
            self.empty += 1;
        } else {
            self.units.push(RawUnit {
                feature,
                geometry: MultiPolygon::new(polygons),
                properties,
            });
        }
    }

    /// A polygon from its rings (exterior first), each checked; `None` when the exterior
    /// bounds no area. Holes without area are dropped.
    pub(crate) fn polygon(&mut self, mut rings: Vec<Vec<Coord<f64>>>) -> Option<Polygon<f64>> {
        let mut kept = Vec::with_capacity(rings.len());
        for (i, ring) in rings.drain(..).enumerate() {
            // Distinct positions, a closing repeat of the first not counted.
            let mut distinct = ring.windows(2).filter(|w| w[0] != w[1]).count() + 1;
            if ring.len() > 1 && ring.first() == ring.last() {
                distinct -= 1;
            }
            if ring.is_empty() || distinct < 3 {
                self.degenerate_rings += 1;
                if i == 0 {
                    return None;
                }
                continue;
            }
            kept.push(LineString::new(ring));
        }
        let mut kept = kept.into_iter();
        let exterior = kept.next()?;
        Some(Polygon::new(exterior, kept.collect()))
    }

    fn found(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.points, "points"),
            (self.lines, "lines"),
            (self.empty, "without geometry (or area)"),
            (self.other, "other geometries"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        parts.join(", ")
    }
}

/// Coordinates beyond this (in any unit) are refused: no CRS we read has them, and they
/// break the geometry code's arithmetic.
const HUGE: f64 = 1e9;

/// Checks a coordinate as read: finite and not huge.
pub(crate) fn check_coord(file: &str, feature: usize, c: Coord<f64>) -> Result<(), LayerError> {
    if c.x.is_finite() && c.y.is_finite() && c.x.abs() < HUGE && c.y.abs() < HUGE {
        Ok(())
    } else {
        Err(LayerError::Coordinate {
            file: file.to_string(),
            feature,
            x: c.x,
            y: c.y,
            context: String::new(),
        })
    }
}

fn is_lon_lat(c: Coord<f64>) -> bool {
    (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y)
}

/// Settles the CRS, reprojects and checks the result: the last step of every reader.
/// `missing` says what a file without a CRS lacks ("has no crs member").
pub(crate) fn finish(
    file: &str,
    format: LayerFormat,
    collected: Collected,
    declared: Option<Crs>,
    missing: &'static str,
    layer: Option<String>,
    other_layers: Vec<String>,
) -> Result<RawLayer, LayerError> {
    let found = collected.found();
    let degenerate = collected.degenerate_rings;
    let mut units = collected.units;
    if units.is_empty() {
        return Err(if found.is_empty() {
            LayerError::Empty { file: file.into() }
        } else {
            LayerError::NoPolygons {
                file: file.into(),
                found,
            }
        });
    }
    let mut bounds: Option<Rect<f64>> = None;
    let mut first_outside = None;
    for unit in &units {
        if let Some(r) = unit.geometry.bounding_rect() {
            bounds = Some(bounds.map_or(r, |b| union(b, r)));
        }
        if first_outside.is_none()
            && let Some(c) = unit.geometry.coords_iter().find(|c| !is_lon_lat(*c))
        {
            first_outside = Some((c, unit.feature));
        }
    }
    let crs_error = |source| LayerError::Crs {
        file: file.into(),
        source,
    };
    let (crs, note) = settle_crs(declared, bounds, first_outside, missing).map_err(crs_error)?;
    let transformer = crs::Transformer::new(crs).map_err(crs_error)?;
    for unit in &mut units {
        if let Some(t) = &transformer {
            t.apply(&mut unit.geometry)
                .map_err(|e| LayerError::Feature {
                    file: file.into(),
                    feature: unit.feature,
                    reason: e.to_string(),
                })?;
        }
        if let Some(c) = unit.geometry.coords_iter().find(|c| !is_lon_lat(*c)) {
            return Err(LayerError::Coordinate {
                file: file.into(),
                feature: unit.feature,
                x: c.x,
                y: c.y,
                context: format!(
                    " is outside longitude/latitude{}",
                    if crs == Crs::Wgs84 {
                        String::new()
                    } else {
                        format!(" after reprojection from {}", crs.label())
                    }
                ),
            });
        }
    }
    let mut fields: Vec<String> = Vec::new();
    for unit in &units {
        for (k, _) in &unit.properties {
            if !fields.iter().any(|f| f == k) {
                fields.push(k.clone());
            }
        }
    }
    let mut notes: Vec<String> = note.into_iter().collect();
    if !found.is_empty() {
        notes.push(format!("features skipped, not polygons: {found}"));
    }
    if degenerate > 0 {
        notes.push(format!(
            "{degenerate} rings without area (fewer than three distinct positions) left out"
        ));
    }
    Ok(RawLayer {
        features: units,
        source_crs: crs.label(),
        crs,
        format,
        layer,
        other_layers,
        fields,
        notes,
    })
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

//! What can be wrong with a unit layer file. Every message starts with the file; where one
//! feature is at fault it names it by number (1-based, in file order) and, for properties,
//! by field.

use super::crs::CrsError;

/// Why a unit layer cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayerError {
    /// The file cannot be read at all.
    #[error("cannot read {file}: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The system's words.
        reason: String,
    },
    /// An extension (and content) Tessera does not read as a layer.
    #[error(
        "{file}: not a unit layer Tessera reads ({found}); use GeoJSON, TopoJSON, a Shapefile (.shp with its .dbf and .prj) or a GeoPackage"
    )]
    UnknownFormat {
        /// The file.
        file: String,
        /// What it looks like.
        found: String,
    },
    /// Not JSON, or JSON of the wrong shape.
    #[error("{file}: not a GeoJSON or TopoJSON file: {reason}")]
    NotJson {
        /// The file.
        file: String,
        /// The parser's words.
        reason: String,
    },
    /// The file's CRS cannot be used.
    #[error("{file}: {source}")]
    Crs {
        /// The file.
        file: String,
        /// What is wrong with it.
        source: CrsError,
    },
    /// A feature's geometry is malformed.
    #[error("{file}: feature {feature}: {reason}")]
    Feature {
        /// The file.
        file: String,
        /// The feature, 1-based.
        feature: usize,
        /// What is wrong.
        reason: String,
    },
    /// A coordinate is not a finite number in range.
    #[error("{file}: feature {feature}: invalid coordinate ({x}, {y}){context}")]
    Coordinate {
        /// The file.
        file: String,
        /// The feature, 1-based.
        feature: usize,
        /// x or longitude.
        x: f64,
        /// y or latitude.
        y: f64,
        /// Why (after reprojection, or the range it left).
        context: String,
    },
    /// A feature's property cannot be read.
    #[error("{file}: feature {feature}: field {field}: {reason}")]
    Field {
        /// The file.
        file: String,
        /// The feature, 1-based.
        feature: usize,
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The layer has features but none is a polygon.
    #[error("{file}: the layer has no polygons ({found}); unit layers need areas")]
    NoPolygons {
        /// The file.
        file: String,
        /// What it has instead: "12 points, 3 lines".
        found: String,
    },
    /// The layer has no features at all.
    #[error("{file}: the layer is empty (no features)")]
    Empty {
        /// The file.
        file: String,
    },
    /// A `.shp` without its `.dbf`.
    #[error(
        "{file}: the Shapefile's attribute table {dbf} is missing; copy the .shp together with its .dbf (and .prj)"
    )]
    MissingDbf {
        /// The file.
        file: String,
        /// The path expected.
        dbf: String,
    },
    /// The Shapefile's parts cannot be read (truncated, damaged).
    #[error("{file}: damaged Shapefile: {reason}")]
    Shapefile {
        /// The file.
        file: String,
        /// The reader's words.
        reason: String,
    },
    /// Not a GeoPackage.
    #[error("{file}: not a GeoPackage: {reason}")]
    NotGeoPackage {
        /// The file.
        file: String,
        /// What is missing.
        reason: String,
    },
    /// A GeoPackage (or TopoJSON) with no polygon layer.
    #[error("{file}: no polygon layer in it (layers: {layers})")]
    NoPolygonLayer {
        /// The file.
        file: String,
        /// Its layers and their geometry types.
        layers: String,
    },
    /// A layer asked for by name is not there.
    #[error("{file}: no layer named {layer:?} (layers: {layers})")]
    NoSuchLayer {
        /// The file.
        file: String,
        /// The name asked for.
        layer: String,
        /// The layers it has.
        layers: String,
    },
}

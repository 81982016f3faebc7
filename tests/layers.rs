//! Unit layers from planners' GIS files (issue 13): GeoJSON, TopoJSON, Shapefile and
//! GeoPackage, in WGS84, RD New or Web Mercator, land as WGS84 polygons at the right place;
//! bad layers are refused with a message naming file, feature and field. One test binary
//! (each binary links the whole crate).

#[path = "layers/support.rs"]
mod support;

#[path = "layers/bad_input.rs"]
mod bad_input;
#[path = "layers/formats.rs"]
mod formats;
#[path = "layers/gdal.rs"]
mod gdal;

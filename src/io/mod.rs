//! Files in and out: territories from GeoJSON, lead routing of CSV files, exports (GeoJSON,
//! CSV assignments, GeoPackage).

pub mod export;
pub mod geopackage;
pub mod route;
pub mod territories;

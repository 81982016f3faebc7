//! Files in and out: accounts from CRM exports, territories from GeoJSON, lead routing of CSV
//! files, exports (GeoJSON, CSV assignments, GeoPackage).

pub mod accounts;
pub mod export;
pub mod geopackage;
pub mod route;
pub mod territories;

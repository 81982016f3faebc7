//! Files in and out: territories from GeoJSON, lead routing of CSV files.

pub mod route;
pub mod territories;

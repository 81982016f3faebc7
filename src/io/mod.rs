//! Files in and out: accounts from CRM exports, territories from GeoJSON, lead routing of CSV
//! files, exports (GeoJSON, CSV assignments, GeoPackage), and the meeting page (PNG, PDF).

pub mod accounts;
pub mod csv_cell;
pub mod export;
pub mod geopackage;
pub mod input;
pub mod layers;
pub mod output;
pub mod page;
pub mod route;
pub mod territories;

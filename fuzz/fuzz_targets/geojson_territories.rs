//! A GeoJSON file of territories imported into the demo's active plan, as File > Import
//! territories does it: reading, ring repair, the edit, the live assignment, undo.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::session::{Session, TerritoryTarget};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::temp_file("territories.geojson", data);
    let mut session = Session::unsaved(common::demo().clone());
    if session
        .import_territories(&path, TerritoryTarget::Shown, None)
        .is_ok()
    {
        let _ = session.undo();
    }
});

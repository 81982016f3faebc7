//! GeoJSON Point features as accounts (properties as columns), imported into the demo.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(table) = tessera::io::accounts::read_points(text, "fuzz.geojson") {
        common::import_table(&table);
    }
});

//! Delimited text as a CRM export: decoding, delimiter sniffing, the column guess, the import
//! plan and its edit.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = tessera::io::accounts::read_table(data, "fuzz.csv") {
        common::import_table(&table);
    }
});

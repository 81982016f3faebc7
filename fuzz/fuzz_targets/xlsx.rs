//! A spreadsheet as a CRM export: the first sheet read into a table and imported.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::temp_file("accounts.xlsx", data);
    if let Ok(table) = tessera::io::accounts::read_accounts_file(&path) {
        common::import_table(&table);
    }
});

//! A project file from anywhere (mailed, on a share, tampered with): opening it, its report,
//! and one edit with undo must end in a clear error or work, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::session::Session;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::temp_file("project.tessera", data);
    let Ok(mut session) = Session::open(&path) else {
        return;
    };
    let _ = session.report();
    let names: Vec<String> = session
        .project()
        .scenarios
        .iter()
        .map(|s| s.name.clone())
        .collect();
    for name in names {
        let _ = session.show_scenario_named(Some(&name));
    }
});

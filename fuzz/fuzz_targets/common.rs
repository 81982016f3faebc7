// Each target uses a part of this module.
#![allow(dead_code)]

//! What every fuzz target shares: the demo project (built once) and the path from a table of
//! cells to an applied import, as the window and `tessera import` take it.

use std::sync::OnceLock;

use tessera::geocode::Gazetteer;
use tessera::io::accounts::{Mapping, Table, import_edit, plan};
use tessera::model::Project;
use tessera::session::Session;

/// The embedded demo project, built once per fuzzing process.
pub fn demo() -> &'static Project {
    static DEMO: OnceLock<Project> = OnceLock::new();
    DEMO.get_or_init(|| tessera::demo::project().expect("the embedded demo builds"))
}

/// The embedded gazetteer, decoded once per fuzzing process.
pub fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| Gazetteer::load().expect("the embedded gazetteer decodes"))
}

/// Maps `table` by its headers, plans its import into the demo and applies it to an unsaved
/// session of the demo: whatever the cells hold, this must end in `Ok` or a clear error.
pub fn import_table(table: &Table) {
    let mapping = Mapping::guess(&table.headers);
    let existing = &demo().accounts;
    let Ok(preview) = plan(table, &mapping, existing, Some(gazetteer()), "fuzz") else {
        return;
    };
    let edit = import_edit(existing, &preview, "fuzz");
    let mut session = Session::unsaved(demo().clone());
    let _ = session.apply(edit);
    let _ = session.undo();
}

/// Writes `data` to a fresh temporary file named `name` (the readers choose by extension),
/// and gives the directory (removed when dropped) and the path.
pub fn temp_file(name: &str, data: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir_in(temp_root()).expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, data).expect("the temporary file is written");
    (dir, path)
}

/// /dev/shm when there is one: fuzzing writes a file per input, and memory is faster than disk.
fn temp_root() -> std::path::PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    }
}

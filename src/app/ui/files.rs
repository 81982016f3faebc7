//! Native file dialogs (rfd): which file to open or write.

use std::path::PathBuf;

/// A project file to open.
pub fn pick_project() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("Tessera project", &[crate::store::EXTENSION])
        .pick_file()
}

/// Where to create or save a project file.
pub fn pick_project_to_save() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter("Tessera project", &[crate::store::EXTENSION])
        .save_file()
}

/// A file to read (`save` false) or write, of one kind.
pub fn pick_file(kind: &str, extensions: &[&str], save: bool) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new().add_filter(kind, extensions);
    if save {
        dialog.save_file()
    } else {
        dialog.pick_file()
    }
}

//! The History list: the edits that can be undone and redone.

use egui::RichText;

use crate::session::Session;

/// The edits that can be undone (newest first) and redone (greyed).
pub fn history(ui: &mut egui::Ui, doc: &Session) {
    egui::CollapsingHeader::new("History")
        .default_open(true)
        .show(ui, |ui| {
            let history = doc.history();
            if history.undo_len() == 0 && history.redo_len() == 0 {
                ui.label(RichText::new("No edits yet").weak());
            }
            for edit in history.redoable() {
                ui.label(RichText::new(format!("{} (undone)", edit.description)).weak());
            }
            for edit in history.undoable() {
                ui.label(&edit.description);
            }
        });
}

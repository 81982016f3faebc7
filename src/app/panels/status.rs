//! The status bar: accounts, gaps and overlaps; the pointer's position; the zoom.

use crate::numbers::whole;
use crate::session::Session;

/// Accounts, gaps and overlaps; pointer position; zoom.
pub fn status(
    ui: &mut egui::Ui,
    doc: &Session,
    pointer: Option<super::super::LonLat>,
    zoom: f64,
    note: &str,
) {
    ui.horizontal(|ui| {
        let total = doc.project().accounts.len();
        let gaps = doc.report().gaps;
        ui.label(format!(
            "Accounts {}   assigned {}   gaps {}   overlaps {}",
            whole(total as f64),
            whole((total - gaps) as f64),
            whole(gaps as f64),
            whole(doc.report().overlaps as f64)
        ));
        ui.separator();
        match pointer {
            Some(super::super::LonLat { lon, lat }) => {
                ui.label(format!("{lat:.5}° N  {lon:.5}° E"))
            }
            None => ui.label("—"),
        };
        ui.separator();
        ui.label(format!("zoom {zoom:.1}"));
        if !note.is_empty() {
            ui.separator();
            ui.label(note);
        }
    });
}

//! File > Import territories: which feature property names each territory. GIS layers name
//! their regions in `regio`, `naam` or a code column rather than `name`; the planner picks
//! one of the file's text properties (the likely one chosen first) and sees the first names
//! it gives before importing.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::Command;
use crate::io::territories::{guess_name_property, text_properties};
use crate::session::TerritoryTarget;

/// How many names the dialog shows for the chosen property.
const SHOWN_NAMES: usize = 5;

/// A territories file waiting for its name property.
pub struct TerritoryNamesDialog {
    path: PathBuf,
    /// To a new scenario (true) or the one shown.
    as_new: bool,
    /// The text properties of the file's features, in the order first met.
    pub keys: Vec<String>,
    /// The property chosen (the guess at first).
    pub chosen: String,
    /// Each feature's value of every key, for the preview (one map per feature).
    features: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl TerritoryNamesDialog {
    /// Reads the file's properties; `Ok(None)` when it has no text property to choose (the
    /// import then names features by id or number without asking).
    pub fn open(path: &Path, as_new: bool) -> Result<Option<TerritoryNamesDialog>, String> {
        let file = path.display().to_string();
        let text = crate::io::input::read_text(path).map_err(|e| e.to_string())?;
        let keys = text_properties(&text, &file).map_err(|e| e.to_string())?;
        let Some(first) = keys.first().cloned() else {
            return Ok(None);
        };
        let chosen = guess_name_property(&keys).unwrap_or(first);
        let features = match text
            .trim_start_matches('\u{feff}')
            .parse::<geojson::GeoJson>()
        {
            Ok(geojson::GeoJson::FeatureCollection(c)) => c
                .features
                .into_iter()
                .map(|f| f.properties.unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        };
        Ok(Some(TerritoryNamesDialog {
            path: path.to_owned(),
            as_new,
            keys,
            chosen,
            features,
        }))
    }

    /// The dialog; returns false when it closes (imported or cancelled).
    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) -> bool {
        let mut open = true;
        let mut done = false;
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        egui::Window::new(format!("Import territories from {name}"))
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Territory names from the property");
                    egui::ComboBox::from_id_salt("territory-name-property")
                        .selected_text(self.chosen.as_str())
                        .show_ui(ui, |ui| {
                            for key in &self.keys {
                                ui.selectable_value(&mut self.chosen, key.clone(), key.as_str());
                            }
                        });
                });
                let names: Vec<String> = self
                    .features
                    .iter()
                    .take(SHOWN_NAMES)
                    .enumerate()
                    .map(|(k, p)| match p.get(&self.chosen) {
                        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                            s.trim().to_owned()
                        }
                        Some(serde_json::Value::Number(n)) => n.to_string(),
                        _ => format!("feature {}", k + 1),
                    })
                    .collect();
                let more = self.features.len().saturating_sub(SHOWN_NAMES);
                let mut line = names.join(", ");
                if more > 0 {
                    line.push_str(&format!(" and {more} more"));
                }
                ui.label(RichText::new(line).italics());
                ui.horizontal(|ui| {
                    if ui.button("Import").clicked() {
                        commands.push(Command::ImportTerritoriesNamed(
                            self.path.clone(),
                            self.as_new,
                            Some(self.chosen.clone()),
                        ));
                        done = true;
                    }
                    done |= ui.button("Cancel").clicked();
                });
            });
        open && !done
    }
}

impl super::TesseraApp {
    /// Imports the territories of `path` (to a new scenario when `as_new`, else to the one
    /// shown), named by `name_property`. The file is read here; the edit runs on another
    /// thread when it assigns a large project's accounts again. Repairs and unknown reps
    /// are told once the edit is under way.
    pub(super) fn import_territories(
        &mut self,
        path: &Path,
        as_new: bool,
        name_property: Option<&str>,
    ) {
        let target = if as_new {
            TerritoryTarget::NewFromFile
        } else {
            TerritoryTarget::Shown
        };
        let prepared = match self
            .session
            .prepare_territory_import(path, target, name_property)
        {
            Ok(prepared) => prepared,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        let (count, file) = (prepared.read.count, path.display());
        let mut notes = Vec::new();
        if !prepared.read.repaired.is_empty() {
            notes.push(format!(
                "Imported {count} territories from {file}; {} repaired:\n{}",
                prepared.read.repaired.len(),
                prepared.read.repaired.join("\n")
            ));
        }
        if !prepared.read.unknown_reps.is_empty() {
            notes.push(format!(
                "Imported {count} territories from {file}; the project has no rep named {} \
                 (left without a rep)",
                prepared.read.unknown_reps.join(", ")
            ));
        }
        if self.make_edit_showing(prepared.edit, prepared.show) && !notes.is_empty() {
            self.notice = Some(notes.join("\n"));
        }
    }
}

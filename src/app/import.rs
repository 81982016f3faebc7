//! File > Import accounts: the mapping dialog. It shows the file's first rows with a role per
//! column (guessed from the headers, changeable), what the import would do (added, updated,
//! skipped rows with line and reason), and imports as one undoable edit.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::Command;
use super::document::Document;
use crate::io::accounts::{
    ImportPlan, Mapping, Role, Table, import_edit, plan, read_accounts_file,
};

/// How many rows the dialog shows.
const PREVIEW_ROWS: usize = 8;

/// An accounts file being mapped.
pub struct ImportDialog {
    path: PathBuf,
    table: Table,
    /// The column roles, as the planner sets them.
    pub mapping: Mapping,
    /// What the import would do with this mapping (or why it cannot).
    pub plan: Result<ImportPlan, String>,
    /// The gazetteer, loaded when a column is mapped to city.
    gazetteer: Option<crate::geocode::Gazetteer>,
}

impl ImportDialog {
    /// Reads the file and guesses the mapping.
    pub fn open(path: &Path, doc: &Document) -> Result<ImportDialog, String> {
        let table = read_accounts_file(path).map_err(|e| e.to_string())?;
        let mapping = Mapping::guess(&table.headers);
        let mut dialog = ImportDialog {
            path: path.to_owned(),
            table,
            mapping,
            plan: Err(String::new()),
            gazetteer: None,
        };
        dialog.replan(doc);
        Ok(dialog)
    }

    fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Plans again after the mapping changed.
    pub fn replan(&mut self, doc: &Document) {
        let name = self.name();
        if self.gazetteer.is_none() && self.mapping.roles.contains(&Role::City) {
            match crate::geocode::Gazetteer::load() {
                Ok(g) => self.gazetteer = Some(g),
                Err(e) => {
                    self.plan = Err(e);
                    return;
                }
            }
        }
        self.plan = plan(
            &self.table,
            &self.mapping,
            &doc.project.accounts,
            self.gazetteer.as_ref(),
            &name,
        )
        .map_err(|e| e.to_string());
    }

    /// The dialog; returns false when it closes.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut open = true;
        let mut changed = false;
        let mut close = false;
        egui::Window::new(format!("Import accounts from {}", self.name()))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(900.0)
            .show(ctx, |ui| {
                egui::ScrollArea::horizontal().show(ui, |ui| {
                    egui::Grid::new("import-preview")
                        .striped(true)
                        .show(ui, |ui| {
                            for (c, header) in self.table.headers.iter().enumerate() {
                                ui.label(RichText::new(header).strong());
                                let _ = c;
                            }
                            ui.end_row();
                            for (c, role) in self.mapping.roles.iter_mut().enumerate() {
                                egui::ComboBox::from_id_salt(("role", c))
                                    .selected_text(role.label())
                                    .show_ui(ui, |ui| {
                                        for r in Role::ALL {
                                            if ui.selectable_value(role, r, r.label()).changed() {
                                                changed = true;
                                            }
                                        }
                                    });
                            }
                            ui.end_row();
                            for row in self.table.rows.iter().take(PREVIEW_ROWS) {
                                for c in 0..self.table.headers.len() {
                                    ui.label(row.get(c).unwrap_or_default());
                                }
                                ui.end_row();
                            }
                        });
                });
                ui.separator();
                match &self.plan {
                    Ok(p) => {
                        ui.label(RichText::new(p.summary()).strong());
                        for s in p.skipped.iter().take(10) {
                            ui.label(s.to_string());
                        }
                        if p.skipped.len() > 10 {
                            ui.label(format!("… and {} more skipped rows", p.skipped.len() - 10));
                        }
                    }
                    Err(why) => {
                        ui.label(RichText::new(why).color(egui::Color32::from_rgb(200, 40, 40)));
                    }
                }
                ui.horizontal(|ui| {
                    let ready = self
                        .plan
                        .as_ref()
                        .is_ok_and(|p| !p.added.is_empty() || !p.updated.is_empty());
                    if ui.add_enabled(ready, egui::Button::new("Import")).clicked()
                        && let Ok(p) = &self.plan
                    {
                        commands.push(Command::Edit(import_edit(
                            &doc.project.accounts,
                            p,
                            &self.name(),
                        )));
                        close = true;
                    }
                    if ui.button("Save mapping…").clicked()
                        && let Some(out) = rfd::FileDialog::new()
                            .add_filter("Mapping", &["ron"])
                            .save_file()
                    {
                        let written = ron::ser::to_string_pretty(&self.mapping, Default::default())
                            .map_err(|e| e.to_string())
                            .and_then(|text| std::fs::write(&out, text).map_err(|e| e.to_string()));
                        if let Err(e) = written {
                            commands.push(Command::ShowError(format!(
                                "cannot write {}: {e}",
                                out.display()
                            )));
                        }
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if changed {
            self.replan(doc);
        }
        open && !close
    }
}

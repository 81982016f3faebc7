//! File > Add unit layer…: the planner's own layer from a file. The file is read, its fields
//! offered (the code and name fields guessed), and on Add the layer is cleaned on another
//! thread (a second or two for a PC4-sized layer) and stored as one edit; a notice tells
//! what cleaning did.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Command;
use super::job::{Job, Poll};
use crate::io::layers::{RawLayer, guess_fields, read_layer};
use crate::model::Project;
use crate::session::{LayerChoice, PreparedLayer, layer_key_from, prepare_layer};

/// A unit layer file waiting for its key, title and fields.
pub struct UnitLayerDialog {
    path: PathBuf,
    raw: Arc<RawLayer>,
    /// The layer's fields, in file order.
    pub fields: Vec<String>,
    /// The key plans will refer to it by.
    pub key: String,
    /// Its title.
    pub title: String,
    /// The field that codes units.
    pub code_field: String,
    /// The field that names units (`None`: by their code).
    pub name_field: Option<String>,
    /// Why the last try was refused (a taken key, duplicate codes).
    pub problem: Option<String>,
    job: Option<Job<Result<PreparedLayer, String>>>,
}

impl UnitLayerDialog {
    /// Reads the layer file and guesses its fields.
    pub fn open(path: &Path) -> Result<UnitLayerDialog, String> {
        let raw = read_layer(path).map_err(|e| e.to_string())?;
        let (name, code) = guess_fields(&raw);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let code_field = code
            .or_else(|| name.clone())
            .or_else(|| raw.fields.first().cloned())
            .unwrap_or_default();
        Ok(UnitLayerDialog {
            path: path.to_owned(),
            fields: raw.fields.clone(),
            key: layer_key_from(&stem),
            title: stem,
            code_field,
            name_field: name,
            problem: None,
            job: None,
            raw: Arc::new(raw),
        })
    }

    /// Whether the layer is being cleaned.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Starts cleaning the layer on another thread, with the choices made.
    pub fn start(&mut self, project: Arc<Project>) {
        let raw = Arc::clone(&self.raw);
        let choice = LayerChoice {
            key: self.key.trim().to_owned(),
            title: self.title.trim().to_owned(),
            code_field: Some(self.code_field.clone()),
            name_field: self.name_field.clone(),
        };
        self.problem = None;
        self.job = Some(Job::spawn(move |_| {
            prepare_layer(&project, &raw, &choice).map_err(|e| e.to_string())
        }));
    }

    /// The dialog; returns false when it closes (the layer handed on, or cancelled).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Arc<Project>,
        commands: &mut Vec<Command>,
    ) -> bool {
        if let Some(job) = &self.job {
            match job.poll() {
                Poll::Running => ctx.request_repaint(),
                Poll::Done(Ok(prepared)) => {
                    commands.push(Command::AddUnitLayer(Box::new(prepared)));
                    return false;
                }
                Poll::Done(Err(e)) => {
                    self.problem = Some(e);
                    self.job = None;
                }
                Poll::Lost => {
                    self.problem = Some("cleaning the layer failed".into());
                    self.job = None;
                }
            }
        }
        let mut open = true;
        let mut done = false;
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        egui::Window::new(format!("Add unit layer from {name}"))
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.add_enabled_ui(self.job.is_none(), |ui| {
                    egui::Grid::new("unit-layer-fields").show(ui, |ui| {
                        ui.label("Title");
                        ui.text_edit_singleline(&mut self.title);
                        ui.end_row();
                        ui.label("Key");
                        ui.text_edit_singleline(&mut self.key);
                        ui.end_row();
                        ui.label("Units coded by");
                        egui::ComboBox::from_id_salt("unit-layer-code")
                            .selected_text(self.code_field.as_str())
                            .show_ui(ui, |ui| {
                                for f in &self.fields {
                                    ui.selectable_value(&mut self.code_field, f.clone(), f);
                                }
                            });
                        ui.end_row();
                        ui.label("Units named by");
                        egui::ComboBox::from_id_salt("unit-layer-name")
                            .selected_text(self.name_field.as_deref().unwrap_or("(their code)"))
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut self.name_field, None, "(their code)");
                                for f in &self.fields {
                                    ui.selectable_value(&mut self.name_field, Some(f.clone()), f);
                                }
                            });
                        ui.end_row();
                    });
                    ui.label(format!("{} units", self.raw.features.len()));
                });
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                ui.horizontal(|ui| {
                    if self.job.is_some() {
                        ui.spinner();
                        ui.label("Cleaning the layer…");
                    } else if ui.button("Add").clicked() {
                        self.start(Arc::clone(project));
                    }
                    // Dropping the job drops its result: nothing is stored.
                    done |= ui.button("Cancel").clicked();
                });
            });
        open && !done
    }
}

impl super::TesseraApp {
    /// Stores a cleaned layer as one edit and tells what cleaning did.
    pub(super) fn add_unit_layer(&mut self, prepared: PreparedLayer) {
        let (key, units, r) = (prepared.layer.key.clone(), prepared.units, prepared.report);
        match self.session.add_unit_layer(prepared.layer) {
            Ok(()) => {
                self.notice = Some(format!(
                    "Added unit layer {key} ({units} units). Cleaning repaired {} invalid \
                     units, filled {} sliver gaps and resolved {} overlaps; {} units have no \
                     area left. Show it with View > Units.",
                    r.invalid_repaired,
                    r.slivers_filled,
                    r.overlaps_resolved,
                    r.units_lost.len()
                ));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

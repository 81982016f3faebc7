//! A project another program edits: the "Project in use" question (open read-only or
//! cancel), the read-only note, and reloading when another program wrote the file.

use std::path::PathBuf;

use super::{Command, TesseraApp};
use crate::store::lock::Holder;

/// How often the window looks whether another program changed the file (seconds).
const POLL_SECONDS: f64 = 1.0;

/// The status note after a reload.
pub const RELOADED: &str = "The project changed on disk (another program wrote it); reloaded.";

/// A project the planner asked to open while another program holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InUse {
    /// The project.
    pub path: PathBuf,
    /// Who edits it.
    pub holder: Holder,
}

impl InUse {
    /// The question's text: who holds the project, since when.
    pub fn message(&self) -> String {
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        format!(
            "{name} is being edited by {} on {} since {}.\n\n\
             Open it read-only to look, compare and export; changes are refused \
             until you open it again when it is free.",
            self.holder.user,
            self.holder.host,
            self.holder.since_text()
        )
    }
}

impl TesseraApp {
    /// Opens `path` to edit it. While another program holds it, asks whether to open it
    /// read-only instead (the current project stays until then); a stale lock is taken over
    /// and the status bar says so.
    pub(super) fn open_project(&mut self, path: PathBuf) {
        // Already open here, to edit: this window holds its lock.
        if self.session.path().as_deref() == Some(path.as_path()) && !self.session.is_read_only() {
            return;
        }
        self.open_in_background(path, false, false);
    }

    /// Opens `path` read-only (the planner chose it in the "Project in use" question).
    pub(super) fn open_read_only(&mut self, path: PathBuf) {
        self.in_use = None;
        self.open_in_background(path, false, true);
    }

    /// The "Project in use" question, while one is asked.
    pub(super) fn in_use_window(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some(in_use) = &self.in_use else {
            return;
        };
        let mut cancel = false;
        egui::Window::new("Project in use")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.set_max_width(420.0);
                ui.label(in_use.message());
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    if ui.button("Open read-only").clicked() {
                        commands.push(Command::OpenReadOnly(in_use.path.clone()));
                    }
                    cancel = ui.button("Cancel").clicked();
                });
            });
        if cancel {
            self.in_use = None;
        }
    }

    /// The "Project in use" question, while one is asked.
    pub fn in_use(&self) -> Option<&InUse> {
        self.in_use.as_ref()
    }

    /// Looks about once a second whether another program changed the file, and reloads the
    /// project if so (after a gesture under way, never during it), keeping the view.
    pub(super) fn watch_file(&mut self, ctx: &egui::Context) {
        if !self.session.is_saved() {
            return;
        }
        // Keep looking while the window is idle.
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(POLL_SECONDS));
        let now = ctx.input(|i| i.time);
        if now - self.polled_at < POLL_SECONDS || self.editing.dragging() {
            return;
        }
        self.polled_at = now;
        self.poll_file();
    }

    /// Reloads the project if another program changed its file (what the once-a-second look
    /// does; tests call it directly). Returns whether it reloaded.
    pub fn poll_file(&mut self) -> bool {
        match self.session.poll_outside_change() {
            Ok(Some(effects)) => {
                self.editing.pending = None;
                self.after_change(&effects);
                self.status_note = Some(RELOADED.to_owned());
                true
            }
            Ok(None) => false,
            Err(e) => {
                // In the status bar, not the error window: it would come back every second.
                self.status_note = Some(format!("Could not look for changes on disk: {e}"));
                false
            }
        }
    }
}

//! The window's frame: its layout (menu, toolbar, side panels, map, status bar), the menus,
//! the toolbar, the keys and the dialogs over the window.

mod dialogs;
mod files;
mod keyboard;
mod map_area;
mod menu;
mod toolbar;

use super::{Command, TesseraApp, panels, scenarios};

impl TesseraApp {
    /// The whole window for one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let started = std::time::Instant::now();
        self.show_frame(ui);
        self.ui_times.push(started.elapsed().as_secs_f32());
        if self.ui_times.len() > 120 {
            self.ui_times.remove(0);
        }
    }

    /// One frame of the window (what [`TesseraApp::show`] times).
    fn show_frame(&mut self, ui: &mut egui::Ui) {
        self.poll_background();
        if self.opening.is_some()
            || self.working.is_some()
            || self.snapping.is_some()
            || self.suggesting.is_some()
        {
            // Poll the worker again soon even when the planner does nothing.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        if self.opening.is_some() {
            self.loading_frame(ui);
            return;
        }
        let mut commands = Vec::new();
        self.watch_file(ui.ctx());
        self.keyboard(ui.ctx(), &mut commands);
        egui::Panel::top("menu").show(ui, |ui| self.menu(ui, &mut commands));
        self.page_rect = ui.available_rect_before_wrap();
        if self.compare.is_none() {
            egui::Panel::top("tools").show(ui, |ui| self.toolbar(ui, &mut commands));
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            if let Some((what, fraction)) = self.working() {
                progress_line(ui, what, fraction);
            }
            let mut note = match &self.status_note {
                Some(notice) => notice.clone(),
                None if self.map.aggregated => {
                    "accounts aggregated: zoom in for single accounts".to_owned()
                }
                None => String::new(),
            };
            if self.session.is_read_only() {
                let sep = if note.is_empty() { "" } else { "   " };
                note = format!("READ-ONLY: another program edits this project{sep}{note}");
            }
            let note = note.as_str();
            panels::status(
                ui,
                &self.session,
                self.map.pointer,
                self.map.memory.zoom(),
                note,
            );
        });
        if let Some(view) = &mut self.compare {
            let basemap = self.basemap.clone();
            egui::CentralPanel::default().show(ui, |ui| {
                view.show(ui, &self.session, basemap.as_deref(), &mut commands);
            });
            self.finish_frame(ui, commands, egui::Vec2::new(800.0, 600.0));
            return;
        }
        let warnings = super::plan_warnings(&self.session);
        egui::Panel::left("plan")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    panels::territories(
                        ui,
                        &self.session,
                        self.selected,
                        self.metric,
                        &mut commands,
                    );
                    if let Some(row) = self.selected_account {
                        ui.separator();
                        ui.heading("Selected account");
                        panels::account_details(ui, &self.session, row);
                        panels::account_units(ui, &self.session, row);
                    }
                    if let Some(t) = self.selected {
                        ui.separator();
                        self.properties
                            .territory(ui, &self.session, t, &mut commands);
                    }
                    ui.separator();
                    let centre = self
                        .map
                        .memory
                        .detached()
                        .map_or((5.3, 52.2), |p| (p.x(), p.y()));
                    self.properties
                        .reps(ui, &self.session, centre, &mut commands);
                    ui.separator();
                    panels::history(ui, &self.session);
                });
            });
        egui::Panel::right("balance")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    panels::balance(
                        ui,
                        &self.session,
                        self.metric,
                        self.editing.baseline.as_deref(),
                        &warnings,
                        &mut commands,
                    );
                    ui.separator();
                    panels::validation(ui, &self.session, self.holes.as_deref(), &mut commands);
                });
            });
        let map_size = self.map_area(ui, &warnings, &mut commands);
        self.finish_frame(ui, commands, map_size);
    }

    /// The window while a project opens on another thread: the basemap (and the project
    /// shown before, for File > Open) with "Opening P… n%" over it. Only the map's view
    /// follows the planner; everything else waits for the project.
    fn loading_frame(&mut self, ui: &mut egui::Ui) {
        let mut commands = Vec::new();
        let warnings = super::plan_warnings(&self.session);
        let map_size = self.map_area(ui, &warnings, &mut commands);
        if let Some((path, fraction)) = self.opening() {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            egui::Window::new("Opening")
                .title_bar(false)
                .resizable(false)
                .collapsible(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .show(ui.ctx(), |ui| {
                    ui.set_width(360.0);
                    progress_line(ui, &format!("Opening {name}"), fraction);
                    ui.label(
                        egui::RichText::new("reading the project and assigning its accounts")
                            .weak(),
                    );
                });
        }
        commands.retain(|c| {
            matches!(
                c,
                Command::Zoom(_) | Command::ZoomToFit | Command::ToggleFrameTime
            )
        });
        self.finish_frame(ui, commands, map_size);
    }

    /// The dialogs over the window, then the frame's commands.
    fn finish_frame(
        &mut self,
        ui: &mut egui::Ui,
        mut commands: Vec<Command>,
        map_size: egui::Vec2,
    ) {
        if self.show_frame_time {
            frame_time_overlay(ui.ctx(), &self.ui_times, &self.frame_times);
        }
        if self.getting_started {
            super::help::getting_started(ui.ctx(), &mut self.getting_started);
        }
        if let Some(search) = &mut self.search
            && !search.show(ui.ctx(), &self.session, &mut commands)
        {
            self.search = None;
        }
        self.error_window(ui.ctx());
        self.notice_window(ui.ctx());
        self.in_use_window(ui.ctx(), &mut commands);
        self.drawing_question(ui.ctx(), &mut commands);
        if let Some(dialog) = &mut self.import
            && !dialog.show(ui.ctx(), &mut self.session, &mut commands)
        {
            self.import = None;
        }
        if let Some(dialog) = &mut self.territory_names
            && !dialog.show(ui.ctx(), &mut commands)
        {
            self.territory_names = None;
        }
        if let Some(dialog) = &mut self.unit_layer
            && !dialog.show(ui.ctx(), &self.session.shared_project(), &mut commands)
        {
            self.unit_layer = None;
        }
        if let Some(dialog) = &mut self.design
            && !dialog.show(ui.ctx(), &self.session.shared_project(), &mut commands)
        {
            self.design = None;
        }
        self.reps_window(ui.ctx(), &mut commands);
        self.lasso_question(ui.ctx(), &mut commands);
        if let Some(draft) = &mut self.rename
            && !scenarios::rename_window(ui.ctx(), draft, &self.session, &mut commands)
        {
            self.rename = None;
        }
        for command in commands {
            self.apply(command, map_size);
        }
        ui.ctx()
            .send_viewport_cmd(egui::ViewportCommand::Title(self.session.title()));
        if let Some(job) = &mut self.screenshot {
            let busy = self.opening.is_some() || self.working.is_some();
            job.step(ui.ctx(), &self.frame_times, &self.frame_log, busy);
        }
        if let Some(shot) = &mut self.page {
            let title = format!(
                "Tessera: {} with its balance",
                self.session.current().map_or("", |s| s.name.as_str())
            );
            if let Some(outcome) = shot.step(ui.ctx(), self.page_rect, &title) {
                self.status_note = Some(outcome);
                self.page = None;
            }
        }
    }
}

/// "What… n%" as a progress bar, for an open or a change running on another thread.
fn progress_line(ui: &mut egui::Ui, what: &str, fraction: f32) {
    ui.add(
        egui::ProgressBar::new(fraction)
            .text(format!("{what}… {:.0}%", fraction * 100.0))
            .animate(true),
    );
}

/// The F12 overlay in the window's top right corner: how long the recent frames took, in
/// milliseconds. `ui` are the seconds Tessera's own code took per frame; `whole` the CPU
/// seconds eframe measured for whole frames (empty when no window runs, as in tests).
fn frame_time_overlay(ctx: &egui::Context, ui: &[f32], whole: &[f32]) {
    let ms = |times: &[f32]| {
        let mean = times.iter().sum::<f32>() / times.len().max(1) as f32;
        let slowest = times.iter().copied().fold(0.0f32, f32::max);
        (mean * 1e3, slowest * 1e3)
    };
    let (ui_mean, ui_slowest) = ms(ui);
    let mut text = format!(
        "Frame time (F12), last {} frames\nTessera: {ui_mean:.1} ms mean, {ui_slowest:.1} ms slowest",
        ui.len()
    );
    if !whole.is_empty() {
        let (mean, slowest) = ms(whole);
        text.push_str(&format!(
            "\nWhole frame: {mean:.1} ms mean, {slowest:.1} ms slowest"
        ));
    }
    egui::Area::new(egui::Id::unique("frame time"))
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 64.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(text).monospace());
            });
        });
}

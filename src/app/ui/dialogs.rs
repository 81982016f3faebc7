//! Small windows over the map: errors, reports, and the questions a tool asks.

use super::super::{Command, TesseraApp};

impl TesseraApp {
    /// A drawn territory covers others: ask whether it takes their area or overlaps them.
    pub(super) fn drawing_question(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some((_, covered)) = &self.editing.pending else {
            return;
        };
        egui::Window::new("The new territory covers others")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(format!("It covers part of {}.", covered.join(", ")));
                ui.horizontal(|ui| {
                    if ui.button("Take that area from them").clicked() {
                        commands.push(Command::ResolveDrawing(Some(true)));
                    }
                    if ui.button("Keep the overlap").clicked() {
                        commands.push(Command::ResolveDrawing(Some(false)));
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Command::ResolveDrawing(None));
                    }
                });
            });
    }

    /// Accounts were circled: name them key accounts of a territory, or remove overrides.
    pub(super) fn lasso_question(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some(accounts) = &self.editing.lassoed else {
            return;
        };
        let Some(scenario) = self.session.current() else {
            return;
        };
        let mut close = false;
        egui::Window::new("Circled accounts")
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} accounts",
                    crate::numbers::whole(accounts.len() as f64)
                ));
                let target = &mut self.editing.lasso_target;
                *target = (*target).min(scenario.territories.len().saturating_sub(1));
                egui::ComboBox::from_label("Territory")
                    .selected_text(
                        scenario
                            .territories
                            .get(*target)
                            .map_or("-", |t| t.name.as_str()),
                    )
                    .show_ui(ui, |ui| {
                        for (k, t) in scenario.territories.iter().enumerate() {
                            ui.selectable_value(target, k, &t.name);
                        }
                    });
                ui.horizontal(|ui| {
                    let territory = scenario.territories.get(*target).map(|t| t.id);
                    if ui.button("Name them key accounts").clicked() {
                        if let Some(e) = crate::edit::set_overrides(scenario, accounts, territory) {
                            commands.push(Command::Edit(e));
                        }
                        close = true;
                    }
                    if ui.button("Remove their overrides").clicked() {
                        if let Some(e) = crate::edit::set_overrides(scenario, accounts, None) {
                            commands.push(Command::Edit(e));
                        }
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.editing.lassoed = None;
        }
    }

    /// The error window: what could not be done, until the planner closes it.
    pub(super) fn error_window(&mut self, ctx: &egui::Context) {
        message_window(ctx, "Could not do that", &mut self.error);
    }

    /// The notice window: a report the planner reads and closes (not an error).
    pub(super) fn notice_window(&mut self, ctx: &egui::Context) {
        message_window(ctx, "Report", &mut self.notice);
    }
}

/// A window showing `message` with an OK button; closing it (OK or the cross) clears it.
fn message_window(ctx: &egui::Context, title: &str, message: &mut Option<String>) {
    let Some(text) = message.clone() else {
        return;
    };
    let mut open = true;
    let mut ok = false;
    egui::Window::new(title)
        .collapsible(false)
        .open(&mut open)
        .show(ctx, |ui| {
            ui.label(text);
            ok = ui.button("OK").clicked();
        });
    if ok || !open {
        *message = None;
    }
}

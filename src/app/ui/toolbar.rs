//! The toolbar: tools, Merge, Undo and Redo, and what the tool does.

use super::super::shortcuts::{self, Action};
use super::super::{Command, TesseraApp, Tool};

impl TesseraApp {
    /// Tool buttons, undo/redo, merge, and what the tool does.
    pub(super) fn toolbar(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            // A read-only project offers only the tool that changes nothing.
            let read_only = self.session.is_read_only();
            for tool in Tool::ALL {
                let label = shortcuts::with_key(tool.label(), Action::Tool(tool));
                if ui
                    .add_enabled(
                        !read_only || tool == Tool::Select,
                        egui::Button::selectable(self.editing.tool == tool, label),
                    )
                    .on_hover_text(tool.hint())
                    .clicked()
                {
                    self.trigger(Action::Tool(tool), ui.ctx(), commands);
                }
            }
            if self.editing.tool == Tool::Paint {
                let unit_plan = self
                    .session
                    .current()
                    .is_some_and(|s| s.units.layer.is_some());
                if ui
                    .add_enabled(unit_plan && !read_only, egui::Button::new("New territory"))
                    .on_hover_text("A territory without area, selected, to paint units into")
                    .on_disabled_hover_text("Plans of units only (To units in the Plan panel)")
                    .clicked()
                {
                    commands.push(Command::NewTerritoryToPaint);
                }
            }
            ui.separator();
            let merge = ui.add_enabled(
                self.selected.is_some() && self.editing.also_selected.is_some(),
                egui::Button::new("Merge"),
            );
            if merge
                .on_hover_text("Merge the Shift+clicked territory into the selected one")
                .clicked()
            {
                commands.push(Command::Merge);
            }
            ui.separator();
            let history = self.session.history();
            for (label, action, next, none) in [
                ("Undo", Action::Undo, history.next_undo(), "nothing to undo"),
                ("Redo", Action::Redo, history.next_redo(), "nothing to redo"),
            ] {
                let key = shortcuts::key_text(action).unwrap_or_default();
                if ui
                    .add_enabled(next.is_some(), egui::Button::new(label))
                    .on_hover_text(format!("{key}: {}", next.unwrap_or(none)))
                    .clicked()
                {
                    self.trigger(action, ui.ctx(), commands);
                }
            }
            ui.separator();
            ui.label(egui::RichText::new(self.editing.tool.hint()).weak());
        });
    }
}

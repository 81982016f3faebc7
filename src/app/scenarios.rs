//! The scenario bar of the Plan panel (pick, new, duplicate, rename, delete, make active,
//! compare) and the rename window.

use super::Command;
use crate::edit::scenarios as edits;
use crate::model::ScenarioId;
use crate::session::Session;

/// The rename window's fields while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct RenameDraft {
    /// The scenario being renamed.
    pub id: ScenarioId,
    /// Its new name.
    pub name: String,
    /// Its notes.
    pub notes: String,
}

/// The scenario picker and its buttons.
pub fn section(ui: &mut egui::Ui, doc: &Session, commands: &mut Vec<Command>) {
    let project = doc.project();
    let active = project.active_scenario;
    let label = |s: &crate::model::Scenario| {
        if Some(s.id) == active {
            format!("{} (active)", s.name)
        } else {
            s.name.clone()
        }
    };
    let current = doc.current();
    egui::ComboBox::from_label("Scenario")
        .selected_text(current.map(label).unwrap_or_default())
        .show_ui(ui, |ui| {
            for (k, s) in project.scenarios.iter().enumerate() {
                if ui
                    .selectable_label(k == doc.scenario_index(), label(s))
                    .clicked()
                {
                    commands.push(Command::SelectScenario(k));
                }
            }
        });
    ui.horizontal_wrapped(|ui| {
        if ui
            .small_button("New")
            .on_hover_text("Add an empty scenario")
            .clicked()
        {
            let name = edits::unique_scenario_name(project, "New plan");
            push_and_show(edits::new_scenario(project, &name), commands);
        }
        let Some(current) = current else {
            return;
        };
        if ui
            .small_button("Duplicate")
            .on_hover_text("Copy this scenario to start a realignment")
            .clicked()
        {
            let name = edits::unique_scenario_name(project, &format!("{} copy", current.name));
            push_and_show(
                edits::duplicate_scenario(project, current.id, &name),
                commands,
            );
        }
        if ui.small_button("Rename…").clicked() {
            commands.push(Command::RenameScenario(RenameDraft {
                id: current.id,
                name: current.name.clone(),
                notes: current.notes.clone(),
            }));
        }
        let is_active = active == Some(current.id);
        if ui
            .add_enabled(!is_active, egui::Button::new("Make active").small())
            .on_hover_text("The active plan is what reports and exports use by default")
            .clicked()
            && let Some(e) = edits::set_active(project, current.id)
        {
            commands.push(Command::Edit(e));
        }
        if ui
            .add_enabled(
                project.scenarios.len() > 1,
                egui::Button::new("Delete").small(),
            )
            .on_hover_text("Delete this scenario (Undo brings it back)")
            .clicked()
        {
            match edits::delete_scenario(project, current.id) {
                Ok(e) => commands.push(Command::Edit(e)),
                Err(why) => commands.push(Command::ShowError(why.to_string())),
            }
        }
        if ui
            .add_enabled(
                project.scenarios.len() > 1,
                egui::Button::new("Compare…").small(),
            )
            .on_hover_text("Two plans side by side: numbers, charts and who changes hands")
            .clicked()
        {
            commands.push(Command::Compare(true));
        }
        ui.menu_button("To units", |ui| {
            ui.label(
                egui::RichText::new(
                    "A copy of this plan built from units: each unit goes to the territory \
                     holding most of its accounts' potential",
                )
                .weak(),
            );
            // The embedded layers, then the project's own.
            for (key, title) in crate::session::layer_list(doc.project()) {
                if ui.button(title).clicked() {
                    commands.push(Command::SnapToUnits(key));
                }
            }
        })
        .response
        .on_hover_text("Make a copy of this plan built from postcodes or municipalities, to paint");
    });
    if let Some(s) = current.filter(|s| !s.notes.is_empty()) {
        ui.label(egui::RichText::new(&s.notes).italics().weak());
    }
}

fn push_and_show(
    made: Result<(crate::model::Edit, ScenarioId), crate::edit::Refusal>,
    commands: &mut Vec<Command>,
) {
    match made {
        Ok((edit, id)) => commands.push(Command::EditAndShow(edit, id)),
        Err(why) => commands.push(Command::ShowError(why.to_string())),
    }
}

/// The rename window; returns false when it closes.
pub fn rename_window(
    ctx: &egui::Context,
    draft: &mut RenameDraft,
    doc: &Session,
    commands: &mut Vec<Command>,
) -> bool {
    let mut keep = true;
    let mut open = true;
    // Fields wide enough for a real name and a few lines of notes.
    let width = 360.0;
    egui::Window::new("Rename scenario")
        .collapsible(false)
        .resizable(false)
        .min_width(width)
        .open(&mut open)
        .show(ctx, |ui| {
            // Labels above the fields, not a grid: a grid's first frame measures its columns
            // a few characters wide and keeps them so.
            ui.label("Name");
            let name = ui.add(egui::TextEdit::singleline(&mut draft.name).desired_width(width));
            if name.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                keep = !finish(draft, doc, commands);
            }
            ui.label("Notes");
            ui.add(
                egui::TextEdit::multiline(&mut draft.notes)
                    .desired_width(width)
                    .desired_rows(4),
            );
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    keep = !finish(draft, doc, commands);
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
    keep && open
}

/// Turns the draft into an edit; true when the window can close.
fn finish(draft: &RenameDraft, doc: &Session, commands: &mut Vec<Command>) -> bool {
    match edits::rename_scenario(doc.project(), draft.id, &draft.name, &draft.notes) {
        Ok(Some(edit)) => {
            commands.push(Command::Edit(edit));
            true
        }
        Ok(None) => true,
        Err(why) => {
            commands.push(Command::ShowError(why.to_string()));
            false
        }
    }
}

//! The Properties panel: the selected territory's and the chosen rep's fields, edited in a
//! draft and committed as one undoable edit when a field is finished (focus leaves it, a drag
//! ends, a choice is made).

use egui::{RichText, Ui};

use super::Command;
use crate::edit;
use crate::model::{Colour, Rep, RepId, Territory, TerritoryId};
use crate::session::Session;

/// Drafts of what the panel edits.
#[derive(Default)]
pub struct Drafts {
    territory: Option<Territory>,
    rep: Option<Rep>,
    /// The rep whose properties are shown.
    pub rep_shown: Option<RepId>,
    /// Why the territory's last finished field was refused (shown next to it until a value
    /// is accepted or another territory is selected).
    refused: Option<Refusal>,
}

/// A territory field whose value was refused, and why.
struct Refusal {
    territory: TerritoryId,
    field: Field,
    message: String,
}

/// The territory fields a value can be refused for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    AverageDeal,
    Conversion,
}

/// What is wrong with a territory draft's numbers, if anything: the field and a message that
/// says why. Required deals divide the target by the average deal, and required leads divide
/// the deals by the conversion, so neither may be zero.
fn refusal(draft: &Territory) -> Option<(Field, String)> {
    if !(draft.average_deal.is_finite() && draft.average_deal > 0.0) {
        return Some((
            Field::AverageDeal,
            format!(
                "Average deal must be more than EUR 0 (required deals = target / average \
                 deal); {} was not saved",
                crate::numbers::whole(draft.average_deal)
            ),
        ));
    }
    if !(draft.conversion.is_finite() && draft.conversion > 0.0) {
        return Some((
            Field::Conversion,
            "Conversion must be more than 0 % (required leads = required deals / \
             conversion); 0 % was not saved"
                .to_string(),
        ));
    }
    None
}

/// Whether a field's edit is finished (as opposed to still being typed or dragged).
fn finished(r: &egui::Response) -> bool {
    r.lost_focus() || r.drag_stopped() || (r.changed() && !r.has_focus() && !r.dragged())
}

impl Drafts {
    /// The territory panel for territory `t` of the current scenario.
    pub fn territory(&mut self, ui: &mut Ui, doc: &Session, t: usize, commands: &mut Vec<Command>) {
        let Some(scenario) = doc.current() else {
            return;
        };
        let Some(current) = scenario.territories.get(t) else {
            return;
        };
        // A new selection, or the territory changed under the draft (undo, redo): start over.
        let stale = self.territory.as_ref().is_none_or(|d| {
            d.id != current.id || (!ui.memory(|m| m.focused().is_some()) && !same(d, current))
        });
        if stale {
            self.territory = Some(current.clone());
        }
        if self
            .refused
            .as_ref()
            .is_some_and(|r| r.territory != current.id)
        {
            self.refused = None;
        }
        let Some(draft) = &mut self.territory else {
            return;
        };
        let refused = &mut self.refused;
        let note = |ui: &mut Ui, field: Field, refused: &Option<Refusal>| {
            if let Some(r) = refused.as_ref().filter(|r| r.field == field) {
                ui.end_row();
                ui.label("");
                ui.label(RichText::new(&r.message).color(ui.visuals().error_fg_color));
            }
        };
        let mut commit = false;
        ui.heading("Territory");
        egui::Grid::new("territory-properties")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Name");
                commit |= finished(&ui.text_edit_singleline(&mut draft.name));
                ui.end_row();
                ui.label("Colour");
                let mut rgb = draft.colour.0;
                if ui.color_edit_button_srgb(&mut rgb).changed() {
                    draft.colour = Colour(rgb);
                    commit = true;
                }
                ui.end_row();
                ui.label("Rep");
                let rep_name = |id: Option<RepId>| {
                    id.and_then(|r| doc.project().rep(r))
                        .map_or("(none)".to_string(), |r| r.name.clone())
                };
                egui::ComboBox::from_id_salt("territory-rep")
                    .selected_text(rep_name(draft.rep))
                    .show_ui(ui, |ui| {
                        for choice in std::iter::once(None)
                            .chain(doc.project().reps.iter().map(|r| Some(r.id)))
                        {
                            if ui
                                .selectable_label(draft.rep == choice, rep_name(choice))
                                .clicked()
                            {
                                draft.rep = choice;
                                commit = true;
                            }
                        }
                    });
                ui.end_row();
                ui.label("Target EUR");
                commit |= finished(
                    &ui.add(
                        egui::DragValue::new(&mut draft.target)
                            .speed(1000.0)
                            .range(0.0..=1e12),
                    ),
                );
                ui.end_row();
                ui.label("Average deal EUR");
                commit |= finished(
                    &ui.add(
                        egui::DragValue::new(&mut draft.average_deal)
                            .speed(100.0)
                            .range(0.0..=1e10),
                    ),
                );
                note(ui, Field::AverageDeal, refused);
                ui.end_row();
                ui.label("Conversion");
                let mut pct = draft.conversion * 100.0;
                let r = ui.add(
                    egui::DragValue::new(&mut pct)
                        .speed(0.1)
                        .range(0.0..=100.0)
                        .suffix(" %"),
                );
                draft.conversion = pct / 100.0;
                commit |= finished(&r);
                note(ui, Field::Conversion, refused);
                ui.end_row();
            });
        // A refused value is not saved: the field shows the saved one again, and the message
        // says what was refused and why.
        // A field finished without a change (focus passing through) leaves the message.
        if commit && !same(draft, current) {
            *refused = refusal(draft).map(|(field, message)| Refusal {
                territory: current.id,
                field,
                message,
            });
            if refused.is_some() {
                *draft = current.clone();
                commit = false;
            }
        }
        ui.label(RichText::new("Segment rule (none ticked: every account)").weak());
        commit |= ticks(
            ui,
            doc.project().accounts.industries().names(),
            &mut draft.rule.industries,
        );
        commit |= ticks(
            ui,
            doc.project().accounts.size_classes().names(),
            &mut draft.rule.size_classes,
        );
        if commit && let Some(e) = edit::territory_properties(scenario, draft) {
            commands.push(Command::Edit(e));
        }
        if ui.button("Delete territory").clicked()
            && let Some(e) = edit::delete_territory(scenario, t)
        {
            commands.push(Command::Edit(e));
        }
    }

    /// The reps: a list, an Add button, and the chosen rep's fields.
    pub fn reps(
        &mut self,
        ui: &mut Ui,
        doc: &Session,
        centre: (f64, f64),
        commands: &mut Vec<Command>,
    ) {
        egui::CollapsingHeader::new("Reps").default_open(false).show(ui, |ui| {
            for rep in &doc.project().reps {
                if ui
                    .selectable_label(self.rep_shown == Some(rep.id), &rep.name)
                    .clicked()
                {
                    self.rep_shown = Some(rep.id);
                }
            }
            if ui
                .button("Add rep")
                .on_hover_text("A new rep with a home base at the map's centre; drag the marker to move it")
                .clicked()
            {
                commands.push(Command::Edit(edit::new_rep(doc.project(), centre.0, centre.1)));
            }
            let Some(current) = self.rep_shown.and_then(|id| doc.project().rep(id)) else {
                return;
            };
            let stale = self.rep.as_ref().is_none_or(|d| {
                d.id != current.id || (!ui.memory(|m| m.focused().is_some()) && d != current)
            });
            if stale {
                self.rep = Some(current.clone());
            }
            let Some(draft) = &mut self.rep else {
                return;
            };
            let mut commit = false;
            ui.separator();
            egui::Grid::new("rep-properties").num_columns(2).show(ui, |ui| {
                ui.label("Name");
                commit |= finished(&ui.text_edit_singleline(&mut draft.name));
                ui.end_row();
                ui.label("Home lon / lat");
                ui.horizontal(|ui| {
                    commit |= finished(&ui.add(egui::DragValue::new(&mut draft.home_lon).speed(0.001).range(-180.0..=180.0)));
                    commit |= finished(&ui.add(egui::DragValue::new(&mut draft.home_lat).speed(0.001).range(-85.0..=85.0)));
                });
                ui.end_row();
                ui.label("Capacity h/yr");
                commit |= finished(&ui.add(egui::DragValue::new(&mut draft.capacity_hours).speed(10.0).range(0.0..=8760.0)));
                ui.end_row();
                ui.label("Target EUR");
                commit |= finished(&ui.add(egui::DragValue::new(&mut draft.target).speed(1000.0).range(0.0..=1e12)));
                ui.end_row();
                ui.label("Expertise");
                let mut text = draft.expertise.join(", ");
                let r = ui.text_edit_singleline(&mut text);
                if r.changed() {
                    draft.expertise = text
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                }
                commit |= finished(&r);
                ui.end_row();
            });
            if commit && let Some(e) = edit::rep_properties(doc.project(), draft) {
                commands.push(Command::Edit(e));
            }
            if ui.button("Delete rep").clicked()
                && let Some(e) = edit::delete_rep(doc.project(), draft.id)
            {
                commands.push(Command::Edit(e));
                self.rep_shown = None;
            }
        });
    }
}

/// A checkbox per vocabulary entry, ticked when `chosen` holds it; returns whether a tick
/// changed. The vocabulary's empty entry stands for "not given": not a choice.
fn ticks(ui: &mut Ui, names: &[String], chosen: &mut Vec<String>) -> bool {
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        for name in names.iter().filter(|n| !n.is_empty()) {
            let mut on = chosen.contains(name);
            if ui.checkbox(&mut on, name).changed() {
                if on {
                    chosen.push(name.clone());
                } else {
                    chosen.retain(|n| n != name);
                }
                changed = true;
            }
        }
    });
    changed
}

/// Whether two territories have the same properties (areas are not compared).
fn same(a: &Territory, b: &Territory) -> bool {
    a.id == b.id
        && a.name == b.name
        && a.colour == b.colour
        && a.rep == b.rep
        && a.target == b.target
        && a.average_deal == b.average_deal
        && a.conversion == b.conversion
        && a.rule == b.rule
}

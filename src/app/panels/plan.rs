//! The Plan panel's territory list: one row per territory with its rep and key numbers.

use egui::{Color32, RichText, Sense, Vec2};

use super::super::Command;
use super::super::map::colour;
use crate::engine::balance::BalanceMetric;
use crate::numbers::whole;
use crate::session::Session;

/// The width of the territory list's name column, points.
const NAME_WIDTH: f32 = 130.0;

/// The most characters of a name or rep the list shows; longer ones are cut with an
/// ellipsis to fit [`NAME_WIDTH`].
const NAME_CHARS: usize = 14;

/// `text` cut to [`NAME_CHARS`] characters, with an ellipsis when it was longer.
fn cut(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= NAME_CHARS {
        text.into()
    } else {
        let kept: String = text.chars().take(NAME_CHARS - 1).collect();
        format!("{kept}…").into()
    }
}

/// Scenario picker and the territory list; "vs mean" compares the balance `metric` chosen
/// in the balance panel.
pub fn territories(
    ui: &mut egui::Ui,
    doc: &Session,
    selected: Option<usize>,
    metric: BalanceMetric,
    commands: &mut Vec<Command>,
) {
    ui.heading("Plan");
    super::super::scenarios::section(ui, doc, commands);
    ui.separator();
    let balance = doc.report().balance_of(metric);
    let vs_mean = format!("vs mean\n({})", metric.label());
    egui::Grid::new("territory list")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for header in ["", "Territory", "Accounts", "Potential EUR", "Workload h"] {
                ui.label(RichText::new(header).strong());
            }
            ui.label(RichText::new(&vs_mean).strong())
                .on_hover_text(format!(
                    "Each territory's {} against the mean of the territories, in % (the metric \
                 chosen in the Balance panel); red: outside the tolerance",
                    metric.label()
                ));
            ui.end_row();
            for (t, row) in doc.report().territories.iter().enumerate() {
                let c = doc
                    .current()
                    .and_then(|s| s.territories.get(t))
                    .map(|t| colour(t.colour, 255));
                let (rect, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
                ui.painter()
                    .rect_filled(rect, 2.0, c.unwrap_or(Color32::GRAY));
                // A fixed width, long names cut with an ellipsis: a long name must not widen
                // the panel and move the fields under the pointer (the tooltip has it whole).
                let label = format!(
                    "{}\n{}",
                    cut(&row.name),
                    cut(row.rep.as_deref().unwrap_or("no rep"))
                );
                // Nothing on the right, which grows and keeps the name at the left.
                let button = egui::Button::selectable(selected == Some(t), label)
                    .right_text(egui::Atoms::default())
                    .min_size(Vec2::new(NAME_WIDTH, 0.0));
                if ui.add(button).on_hover_text(&row.name).clicked() {
                    commands.push(Command::SelectTerritory(t));
                }
                ui.label(whole(row.metrics.accounts as f64));
                ui.label(whole(row.metrics.potential));
                ui.label(whole(row.metrics.workload_hours));
                let deviation = balance.and_then(|b| b.index.get(t).copied().flatten());
                let outside = balance
                    .and_then(|b| b.outside_tolerance.get(t).copied())
                    .unwrap_or(false);
                let text = deviation.map_or("-".to_string(), |i| format!("{:+.0} %", i - 100.0));
                ui.label(if outside {
                    RichText::new(text).color(Color32::from_rgb(200, 40, 40))
                } else {
                    RichText::new(text)
                });
                ui.end_row();
            }
        });
}

//! The Plan panel's territory list: one row per territory with its rep and key numbers.

use egui::{Color32, RichText, Sense, Vec2};

use super::super::Command;
use super::super::map::colour;
use crate::engine::balance::BalanceMetric;
use crate::numbers::whole;
use crate::session::Session;

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
                let label = format!("{}\n{}", row.name, row.rep.as_deref().unwrap_or("no rep"));
                if ui.selectable_label(selected == Some(t), label).clicked() {
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

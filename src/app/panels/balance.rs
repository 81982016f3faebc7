//! The balance panel: bars per territory against the mean and the tolerance band, and the
//! feasibility of each territory.

use egui::{Color32, RichText, Sense, Stroke, Vec2};

use super::super::Command;
use super::super::map::colour;
use crate::engine::balance::{BalanceMetric, MetricBalance};
use crate::engine::report::TerritoryReport;
use crate::engine::warnings::PlanWarning;
use crate::numbers::whole;
use crate::session::Session;

/// The balance panel: bars per territory against the mean and the tolerance band, plus the
/// feasibility of each territory.
pub fn balance(
    ui: &mut egui::Ui,
    doc: &Session,
    metric: BalanceMetric,
    baseline: Option<&[TerritoryReport]>,
    warnings: &[PlanWarning],
    commands: &mut Vec<Command>,
) {
    ui.heading("Balance");
    egui::ComboBox::from_label("Metric")
        .selected_text(metric.label())
        .show_ui(ui, |ui| {
            for m in BalanceMetric::ALL {
                if ui.selectable_label(m == metric, m.label()).clicked() {
                    commands.push(Command::SetMetric(m));
                }
            }
        });
    // While the value is dragged it is a draft (in egui's memory); one undoable edit is made
    // when the drag ends, or at once for a typed or stepped value.
    let draft_id = egui::Id::unique("tolerance draft");
    let tolerance = doc.project().settings.balance_tolerance;
    let committed = tolerance * 100.0;
    let mut tolerance_pct = ui
        .data(|d| d.get_temp::<f64>(draft_id))
        .unwrap_or(committed);
    ui.horizontal(|ui| {
        ui.label("Tolerance ±");
        let response = ui.add(
            egui::DragValue::new(&mut tolerance_pct)
                .range(0.0..=100.0)
                .suffix(" %"),
        );
        if response.dragged() {
            ui.data_mut(|d| d.insert_temp(draft_id, tolerance_pct));
        } else if response.drag_stopped() || response.changed() {
            ui.data_mut(|d| d.remove::<f64>(draft_id));
            commands.push(Command::SetTolerance(tolerance_pct / 100.0));
        }
    });
    let Some(b) = doc.report().balance_of(metric) else {
        return;
    };
    bars(ui, doc, metric, b, tolerance, baseline);
    ui.label(format!(
        "Mean {}   Largest deviation {:.1} %",
        metric.text(b.mean),
        b.max_deviation_pct
    ));
    if b.left_out > 0 {
        let names: Vec<&str> = doc
            .report()
            .territories
            .iter()
            .filter(|t| t.rep.is_none())
            .map(|t| t.name.as_str())
            .collect();
        ui.label(
            RichText::new(format!(
                "Left out of the mean until they have a rep: {}",
                names.join(", ")
            ))
            .weak(),
        );
    }
    warnings_list(ui, doc, warnings, commands);
    ui.separator();
    ui.label(RichText::new("Feasibility").strong());
    egui::Grid::new("feasibility").striped(true).show(ui, |ui| {
        for h in [
            "Territory",
            "Req. deals",
            "Req. leads",
            "Prospects",
            "Coverage",
        ] {
            ui.label(RichText::new(h).strong());
        }
        ui.end_row();
        for t in &doc.report().territories {
            let m = &t.metrics;
            // A fixed width: a long name must not widen the panel.
            ui.add_sized([80.0, 18.0], egui::Label::new(&t.name).truncate());
            ui.label(format!("{:.0}", m.required_deals));
            ui.label(format!("{:.0}", m.required_leads));
            ui.label(whole(m.prospects as f64));
            let text = m.coverage.map_or("-".to_string(), |c| format!("{c:.2}"));
            let short = m.coverage.is_some_and(|c| c < 1.0);
            ui.label(if short {
                RichText::new(format!("{text} short")).color(Color32::from_rgb(200, 40, 40))
            } else {
                RichText::new(text)
            });
            ui.end_row();
        }
    });
}

fn bars(
    ui: &mut egui::Ui,
    doc: &Session,
    metric: BalanceMetric,
    b: &MetricBalance,
    tolerance: f64,
    baseline: Option<&[TerritoryReport]>,
) {
    let values: Vec<Option<f64>> = doc
        .report()
        .territories
        .iter()
        .map(|t| metric.value(&t.metrics))
        .collect();
    let max = values
        .iter()
        .flatten()
        .fold(b.mean * (1.0 + tolerance), |m, v| m.max(*v))
        .max(1e-9);
    // Room for the name, the value and, while a border is dragged, the change.
    let bar_w = (ui.available_width() - 240.0).max(60.0);
    let mut x_range = None;
    let mut top = f32::INFINITY;
    let mut bottom = f32::NEG_INFINITY;
    // One row per territory: name, bar, value (labels are widgets, so tests and screen readers
    // can read them).
    for (t, (value, territory)) in values.iter().zip(&doc.report().territories).enumerate() {
        ui.horizontal(|ui| {
            ui.add_sized([64.0, 20.0], egui::Label::new(&territory.name).truncate());
            let (rect, _) = ui.allocate_exact_size(Vec2::new(bar_w, 18.0), Sense::hover());
            x_range = Some((rect.left(), rect.width()));
            top = top.min(rect.top());
            bottom = bottom.max(rect.bottom());
            let Some(v) = value else {
                ui.label("-");
                return;
            };
            let c = doc
                .current()
                .and_then(|s| s.territories.get(t))
                .map(|t| colour(t.colour, 220))
                .unwrap_or(Color32::GRAY);
            let bar = egui::Rect::from_min_size(
                rect.min,
                Vec2::new((v / max) as f32 * rect.width(), rect.height()),
            );
            ui.painter().rect_filled(bar, 2.0, c);
            let outside = b.outside_tolerance.get(t).copied().unwrap_or(false);
            if outside {
                ui.painter().rect_stroke(
                    bar,
                    2.0,
                    Stroke::new(2.0, Color32::from_rgb(200, 40, 40)),
                    egui::StrokeKind::Inside,
                );
            }
            let text = metric.text(*v);
            ui.label(if outside {
                RichText::new(text).color(Color32::from_rgb(200, 40, 40))
            } else {
                RichText::new(text)
            });
            // While a border is dragged: the change since the gesture began.
            if let Some(before) = baseline
                .and_then(|b| b.get(t))
                .and_then(|r| metric.value(&r.metrics))
                && (v - before).abs() > 1e-9
            {
                let delta = v - before;
                let sign = if delta > 0.0 { "+" } else { "-" };
                ui.label(
                    RichText::new(format!("{sign}{}", metric.text(delta.abs())))
                        .color(Color32::from_rgb(230, 170, 40))
                        .strong(),
                );
            }
        });
    }
    // The tolerance band and the mean line over all rows.
    if let Some((left, width)) = x_range {
        let x_of = |v: f64| left + (v / max) as f32 * width;
        let band = egui::Rect::from_x_y_ranges(
            x_of(b.mean * (1.0 - tolerance))..=x_of(b.mean * (1.0 + tolerance)),
            top..=bottom,
        );
        ui.painter()
            .rect_filled(band, 0.0, Color32::from_rgba_unmultiplied(60, 160, 60, 45));
        let mean_x = x_of(b.mean);
        ui.painter().line_segment(
            [
                egui::pos2(mean_x, top - 2.0),
                egui::pos2(mean_x, bottom + 2.0),
            ],
            Stroke::new(1.5, Color32::from_rgb(30, 100, 30)),
        );
    }
}

/// The plan's warnings (reps over capacity, homes outside their territory, territories
/// without a rep), each a link that selects its territory; nothing when there are none.
fn warnings_list(
    ui: &mut egui::Ui,
    doc: &Session,
    warnings: &[PlanWarning],
    commands: &mut Vec<Command>,
) {
    if warnings.is_empty() {
        return;
    }
    ui.separator();
    ui.label(RichText::new(format!("Warnings ({})", warnings.len())).strong());
    let colour = ui.visuals().warn_fg_color;
    for w in warnings {
        let text = RichText::new(format!("! {}", w.message(doc.report()))).color(colour);
        if ui
            .add(egui::Label::new(text).sense(Sense::click()))
            .on_hover_text("Click to select the territory")
            .clicked()
        {
            commands.push(Command::SelectTerritory(w.territory()));
        }
    }
}

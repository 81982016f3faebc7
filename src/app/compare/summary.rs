//! The overview tab: the plan summary, grouped bars per territory and the chosen metric per
//! territory (the page a planner takes to a meeting).

use egui::{Color32, RichText};

use crate::engine::balance::BalanceMetric;
use crate::engine::compare::{Comparison, summary_lines};
use crate::model::Scenario;
use crate::numbers::{summary_value, whole};

/// The plan-level summary: A, B and B - A.
pub(super) fn summary(ui: &mut egui::Ui, c: &Comparison) {
    ui.heading("Plan summary");
    super::table(ui, "compare summary", &["", "A", "B", "B - A"], |ui| {
        for (label, a, b) in summary_lines(&c.summary) {
            let f = |v: f64| summary_value(label, v);
            ui.label(label);
            ui.label(f(a));
            ui.label(f(b));
            // Lower is better for every summary line: spread, travel, gaps, overlaps.
            let d = b - a;
            let text = if d > 0.0 { format!("+{}", f(d)) } else { f(d) };
            let better = if d < 0.0 {
                Color32::from_rgb(0, 120, 40)
            } else if d > 0.0 {
                Color32::from_rgb(180, 40, 20)
            } else {
                ui.visuals().text_color()
            };
            ui.label(RichText::new(text).color(better));
            ui.end_row();
        }
    });
    let d = &c.disruption;
    ui.label(format!(
        "Changing hands: {} accounts, potential EUR {}, revenue EUR {}",
        whole(d.moved as f64),
        whole(d.potential_moved),
        whole(d.revenue_moved)
    ));
}

/// Grouped bars: A and B side by side per territory, for one metric.
pub(super) fn chart(
    ui: &mut egui::Ui,
    c: &Comparison,
    metric: BalanceMetric,
    scenarios: [Option<&Scenario>; 2],
) {
    use egui_plot::{Bar, BarChart, GridMark, Legend, Plot};
    ui.heading(format!("{}: A and B", metric.label()));
    let names: Vec<String> = c.territories.iter().map(|r| r.name.clone()).collect();
    let bars = |k: usize| -> Vec<Bar> {
        c.territories
            .iter()
            .enumerate()
            .filter_map(|(i, row)| {
                let d = row.metric(metric);
                let v = if k == 0 { d.a } else { d.b }?;
                Some(
                    Bar::new(i as f64 + if k == 0 { -0.2 } else { 0.2 }, v)
                        .width(0.38)
                        .name(&row.name),
                )
            })
            .collect()
    };
    let fills = [
        Color32::from_rgb(90, 120, 170),
        Color32::from_rgb(230, 140, 40),
    ];
    let label = |k: usize| {
        format!(
            "{}: {}",
            ["A", "B"][k],
            scenarios[k].map_or("", |s| s.name.as_str())
        )
    };
    let n = names.len();
    Plot::new("compare chart")
        .height(230.0)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .x_grid_spacer(move |_| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_axis_formatter(move |mark, _| metric.text(mark.value))
        .show(ui, |plot| {
            for (k, fill) in fills.into_iter().enumerate() {
                plot.bar_chart(BarChart::new(label(k), bars(k)).color(fill));
            }
        });
}

/// One metric per territory: A, B, B - A and %.
pub(super) fn metric_table(ui: &mut egui::Ui, c: &Comparison, metric: BalanceMetric) {
    ui.heading(format!("{} per territory", metric.label()));
    super::table(
        ui,
        "compare metric table",
        &["Territory", "A", "B", "B - A", "%"],
        |ui| {
            for row in &c.territories {
                let d = row.metric(metric);
                let value = |v: Option<f64>, out: bool| {
                    let text = v.map_or("-".to_owned(), |v| metric.text(v));
                    if out {
                        RichText::new(format!("{text} *")).color(Color32::from_rgb(190, 30, 30))
                    } else {
                        RichText::new(text)
                    }
                };
                let (diff, pct) = d.texts(metric);
                ui.label(&row.name);
                ui.label(value(d.a, d.out_a));
                ui.label(value(d.b, d.out_b));
                ui.label(diff);
                ui.label(pct);
                ui.end_row();
            }
        },
    );
    ui.label(RichText::new("* outside the balance tolerance").weak());
}

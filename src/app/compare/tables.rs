//! The territories and reps tabs: every metric of every row in A and in B.

use egui::{Color32, RichText};

use crate::engine::balance::BalanceMetric;
use crate::engine::compare::RowDelta;

/// One row per territory (or rep), one column per metric: "A → B" and the difference.
pub(super) fn rows_table(ui: &mut egui::Ui, id: &str, rows: &[RowDelta]) {
    ui.label(RichText::new("B - A and % below; * and red: outside the balance tolerance").weak());
    egui::Grid::new(id)
        .striped(true)
        .num_columns(BalanceMetric::ALL.len() + 1)
        .show(ui, |ui| {
            ui.label("");
            for m in BalanceMetric::ALL {
                ui.label(RichText::new(m.label()).strong());
            }
            ui.end_row();
            for row in rows {
                ui.label(RichText::new(&row.name).strong());
                for (&m, d) in BalanceMetric::ALL.iter().zip(&row.metrics) {
                    let value = |v: Option<f64>| v.map_or("-".to_owned(), |v| m.text(v));
                    let (diff, pct) = d.texts(m);
                    let colour = if d.out_b {
                        Color32::from_rgb(190, 30, 30)
                    } else {
                        ui.visuals().text_color()
                    };
                    let out_a = if d.out_a { " *" } else { "" };
                    ui.vertical(|ui| {
                        ui.label(format!("A {}{out_a}", value(d.a)));
                        ui.label(RichText::new(format!("B {}", value(d.b))).color(colour));
                        ui.label(RichText::new(format!("{diff} ({pct})")).small().weak());
                    });
                }
                ui.end_row();
            }
        });
}

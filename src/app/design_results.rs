//! What the Design and Rebalance dialogs show besides their settings: the limits per
//! territory, the plans made with different trade-offs side by side, and the summary of
//! what a plan achieved.

use super::design_dialog::Candidate;
use crate::session::DesignReport;

/// Per metric of the dialog's list: a least (on, value) and a most (on, value) every
/// territory may hold, in the metric's own units (workload in hours a year).
pub type LimitSettings = [((bool, f64), (bool, f64)); 5];

/// The limits per territory, one row per metric (`labels`): at least, at most.
pub(super) fn limits_grid(ui: &mut egui::Ui, labels: &[&str], limits: &mut LimitSettings) {
    egui::Grid::new("design-limits").show(ui, |ui| {
        for (label, (least, most)) in labels.iter().zip(limits.iter_mut()) {
            ui.label(*label);
            for ((on, value), word) in [(least, "at least"), (most, "at most")] {
                ui.horizontal(|ui| {
                    ui.checkbox(on, word);
                    ui.add_enabled(
                        *on,
                        egui::DragValue::new(value)
                            .range(0.0..=f64::MAX)
                            .speed(10.0),
                    );
                });
            }
            ui.end_row();
        }
    });
}

/// The plans made with different trade-offs, side by side: each one's largest deviations,
/// connected territories, compactness, disruption (a rebalance) and time, with a button to
/// take it; deviations beyond the tolerance asked (`tolerance_pct`) stand out. Returns the
/// one taken.
pub(super) fn candidates_table(
    ui: &mut egui::Ui,
    candidates: &[Candidate],
    rebalance: bool,
    tolerance_pct: f64,
) -> Option<usize> {
    let (_, _, first) = candidates.first()?;
    let mut taken = None;
    ui.separator();
    ui.strong("Pick a plan");
    egui::Grid::new("design-candidates")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("Trade-off");
            for metric in first.max_deviation_pct.keys() {
                ui.strong(format!("{metric} ±%"));
            }
            ui.strong("Connected");
            ui.strong("Compactness");
            if rebalance {
                ui.strong("Accounts moving");
                ui.strong("Potential moved");
            }
            ui.strong("Seconds");
            ui.end_row();
            for (k, (name, _, report)) in candidates.iter().enumerate() {
                ui.label(name);
                for deviation in report.max_deviation_pct.values() {
                    let text = egui::RichText::new(format!("{deviation:.1}"));
                    ui.label(if *deviation > tolerance_pct {
                        text.color(ui.visuals().warn_fg_color)
                    } else {
                        text
                    });
                }
                ui.label(format!("{} of {}", report.contiguous, report.territories));
                ui.label(format!("{:.2}", report.polsby_popper_mean));
                if rebalance {
                    ui.label(crate::numbers::whole(report.moved_accounts as f64));
                    ui.label(format!("{:.1} %", report.moved_potential_pct));
                }
                ui.label(format!("{:.2}", report.seconds));
                if ui.button(format!("Use {name}")).clicked() {
                    taken = Some(k);
                }
                ui.end_row();
            }
        });
    taken
}

/// What a design or rebalance achieved, for the planner.
pub fn summary(report: &DesignReport, rebalance: bool) -> String {
    let deviations: Vec<String> = report
        .max_deviation_pct
        .iter()
        .map(|(m, d)| format!("{m} {d:.1} %"))
        .collect();
    let mut text = format!(
        "{} \u{201c}{}\u{201d} in {:.1} s: largest deviations {} (tolerance {:.1} %); {} of {} \
         territories connected; mean compactness {:.2}.",
        if rebalance {
            "Rebalanced into"
        } else {
            "Designed"
        },
        report.scenario,
        report.seconds,
        deviations.join(", "),
        report.tolerance_pct,
        report.contiguous,
        report.territories,
        report.polsby_popper_mean
    );
    if !report.limits_met {
        text.push_str(
            " Some territories are outside the limits (they may be too tight for the plan's \
             totals): this is the best plan found.",
        );
    } else if !report.feasible {
        text.push_str(
            " The tolerance could not be met (the units may be too coarse, or the locks too \
             tight): this is the best plan found.",
        );
    }
    if rebalance {
        text.push_str(&format!(
            " {} accounts change rep ({:.1} % of the potential).",
            report.moved_accounts, report.moved_potential_pct
        ));
    }
    text
}

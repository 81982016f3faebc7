//! The side panels and the status bar. Panels never change the project themselves: they return
//! [`Command`]s that the app applies after the frame.

use egui::{Color32, RichText, Sense, Stroke, Vec2};

use super::Command;
use super::map::colour;
use crate::engine::balance::{BalanceMetric, MetricBalance};
use crate::engine::report::TerritoryReport;
use crate::session::Session;

pub use crate::numbers::whole;

/// Scenario picker and the territory list.
pub fn territories(
    ui: &mut egui::Ui,
    doc: &Session,
    selected: Option<usize>,
    commands: &mut Vec<Command>,
) {
    ui.heading("Plan");
    super::scenarios::section(ui, doc, commands);
    ui.separator();
    let workload = doc.report().balance_of(BalanceMetric::Workload);
    egui::Grid::new("territory list")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for header in [
                "",
                "Territory",
                "Accounts",
                "Potential EUR",
                "Workload h",
                "vs mean",
            ] {
                ui.label(RichText::new(header).strong());
            }
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
                let deviation = workload.and_then(|b| b.index.get(t).copied().flatten());
                let outside = workload
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

/// The balance panel: bars per territory against the mean and the tolerance band, plus the
/// feasibility of each territory.
pub fn balance(
    ui: &mut egui::Ui,
    doc: &Session,
    metric: BalanceMetric,
    baseline: Option<&[TerritoryReport]>,
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
            ui.label(&t.name);
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

/// The text of a metric value as the balance panel shows it.
pub fn value_text(metric: BalanceMetric, value: f64) -> String {
    metric.text(value)
}

/// Accounts, gaps and overlaps; pointer position; zoom.
pub fn status(
    ui: &mut egui::Ui,
    doc: &Session,
    pointer: Option<super::LonLat>,
    zoom: f64,
    note: &str,
) {
    ui.horizontal(|ui| {
        let total = doc.project().accounts.len();
        let gaps = doc.report().gaps;
        ui.label(format!(
            "Accounts {}   assigned {}   gaps {}   overlaps {}",
            whole(total as f64),
            whole((total - gaps) as f64),
            whole(gaps as f64),
            whole(doc.report().overlaps as f64)
        ));
        ui.separator();
        match pointer {
            Some(super::LonLat { lon, lat }) => ui.label(format!("{lat:.5}° N  {lon:.5}° E")),
            None => ui.label("—"),
        };
        ui.separator();
        ui.label(format!("zoom {zoom:.1}"));
        if !note.is_empty() {
            ui.separator();
            ui.label(note);
        }
    });
}

/// The edits that can be undone (newest first) and redone (greyed).
pub fn history(ui: &mut egui::Ui, doc: &Session) {
    egui::CollapsingHeader::new("History")
        .default_open(true)
        .show(ui, |ui| {
            let history = doc.history();
            if history.undo_len() == 0 && history.redo_len() == 0 {
                ui.label(RichText::new("No edits yet").weak());
            }
            for edit in history.redoable() {
                ui.label(RichText::new(format!("{} (undone)", edit.description)).weak());
            }
            for edit in history.undoable() {
                ui.label(&edit.description);
            }
        });
}

/// Gaps (accounts in no territory) and overlaps (accounts in two or more): the first ones of
/// each listed with their fixes; a name zooms the map to the account.
pub fn validation(
    ui: &mut egui::Ui,
    doc: &Session,
    holes: Option<&[((f64, f64), f64)]>,
    commands: &mut Vec<Command>,
) {
    const LISTED: usize = 30;
    let (gaps, overlaps) = (doc.report().gaps, doc.report().overlaps);
    ui.label(RichText::new("Gaps and overlaps").strong());
    ui.horizontal(|ui| {
        if ui
            .small_button("Find holes")
            .on_hover_text("Areas enclosed by territories but in none of them")
            .clicked()
        {
            commands.push(Command::FindHoles);
        }
        match holes {
            None => {}
            Some([]) => {
                ui.label("no holes between territories");
            }
            Some(list) => {
                ui.label(format!("{} holes:", list.len()));
            }
        }
    });
    for &((lon, lat), km2) in holes.unwrap_or_default().iter().take(LISTED) {
        if ui
            .link(format!("hole of {km2:.1} km² at {lat:.3} N {lon:.3} E"))
            .clicked()
        {
            commands.push(Command::FocusPoint(lon, lat));
        }
    }
    if gaps == 0 && overlaps == 0 {
        ui.label("None: every account is in exactly one territory.");
        return;
    }
    let Some(scenario) = doc.current() else {
        return;
    };
    let accounts = &doc.project().accounts;
    let rows = |wanted: &dyn Fn(usize) -> bool| -> Vec<usize> {
        (0..accounts.len())
            .filter(|&r| wanted(r))
            .take(LISTED)
            .collect()
    };
    if gaps > 0 {
        ui.label(format!("{} accounts in no territory", whole(gaps as f64)));
        let listed = rows(&|r| doc.assignment().is_gap(r));
        let ids: Vec<_> = listed.iter().map(|&r| accounts.ids()[r]).collect();
        for (&row, _) in listed.iter().zip(&ids) {
            ui.horizontal(|ui| {
                if ui.link(accounts.name(row)).clicked() {
                    commands.push(Command::FocusAccount(row));
                }
                let (lon, lat) = (accounts.lons()[row], accounts.lats()[row]);
                if let Some(t) = crate::edit::nearest_territory(scenario, lon, lat)
                    && ui
                        .small_button(format!("to {}", scenario.territories[t].name))
                        .on_hover_text("Name it a key account of the nearest territory")
                        .clicked()
                    && let Some(e) = crate::edit::set_overrides(
                        scenario,
                        &[accounts.ids()[row]],
                        Some(scenario.territories[t].id),
                    )
                {
                    commands.push(Command::Edit(e));
                }
            });
        }
    }
    if overlaps > 0 {
        ui.label(format!(
            "{} accounts in two or more territories",
            whole(overlaps as f64)
        ));
        for row in rows(&|r| doc.assignment().is_overlap(r)) {
            let (lon, lat) = (accounts.lons()[row], accounts.lats()[row]);
            ui.horizontal_wrapped(|ui| {
                if ui.link(accounts.name(row)).clicked() {
                    commands.push(Command::FocusAccount(row));
                }
                ui.label("keep in:");
                for t in crate::edit::territories_at(scenario, lon, lat) {
                    if ui
                        .small_button(&scenario.territories[t].name)
                        .on_hover_text(
                            "The other territories here give up the area they share with this one",
                        )
                        .clicked()
                    {
                        commands.push(Command::ResolveOverlap(t, lon, lat));
                    }
                }
            });
        }
    }
}

/// Name, industry, status, potential, territory and rep of one account.
pub fn account_details(ui: &mut egui::Ui, doc: &Session, row: usize) {
    let a = &doc.project().accounts;
    let territory = doc
        .assignment()
        .owner(row)
        .and_then(|t| doc.current().and_then(|s| s.territories.get(t)));
    let rep = territory
        .and_then(|t| t.rep)
        .and_then(|r| doc.project().rep(r))
        .map(|r| r.name.as_str());
    ui.label(egui::RichText::new(a.name(row)).strong());
    ui.label(format!(
        "{} · {}",
        a.industries().name(a.industry_codes()[row]),
        a.status(row).as_str()
    ));
    ui.label(format!("Potential EUR {}", whole(a.potential(row))));
    ui.label(format!(
        "Territory: {}",
        territory.map_or("none (gap)", |t| t.name.as_str())
    ));
    ui.label(format!("Rep: {}", rep.unwrap_or("-")));
}

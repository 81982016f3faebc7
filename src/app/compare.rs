//! The compare view: plan A and plan B on two maps with linked pan and zoom, the accounts
//! that change hands ringed on both; below, the plan summary, grouped bars per territory,
//! the per-territory and per-rep tables, and the sortable list of who changes hands.

use std::sync::Arc;

use egui::{Color32, RichText};

use super::Command;
use super::document::Document;
use super::map::{MapView, PlanView, Selection};
use crate::basemap::Basemap;
use crate::engine::balance::BalanceMetric;
use crate::engine::compare::{Comparison, Move, RowDelta, Side, summary_lines};
use crate::engine::live::LivePlan;
use crate::engine::report::PlanReport;
use crate::model::{Project, ScenarioId};
use crate::numbers::{delta_texts, metric as metric_text, summary_value, whole};

/// Rows of the moves table shown in the window (the CSV export has them all).
const MAX_ROWS: usize = 500;

/// A column of the moves table, to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveColumn {
    /// Account name.
    Account,
    /// Territory in A.
    From,
    /// Territory in B.
    To,
    /// Rep in A.
    FromRep,
    /// Rep in B.
    ToRep,
    /// Potential.
    Potential,
    /// Revenue.
    Revenue,
}

impl MoveColumn {
    /// Every column, in table order.
    pub const ALL: [MoveColumn; 7] = [
        MoveColumn::Account,
        MoveColumn::From,
        MoveColumn::To,
        MoveColumn::FromRep,
        MoveColumn::ToRep,
        MoveColumn::Potential,
        MoveColumn::Revenue,
    ];

    /// The column header.
    pub fn label(self) -> &'static str {
        match self {
            MoveColumn::Account => "Account",
            MoveColumn::From => "From",
            MoveColumn::To => "To",
            MoveColumn::FromRep => "From rep",
            MoveColumn::ToRep => "To rep",
            MoveColumn::Potential => "Potential EUR",
            MoveColumn::Revenue => "Revenue EUR",
        }
    }
}

/// The part of the compare view under the maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Plan summary, the bar chart and the chosen metric per territory: the meeting page.
    Overview,
    /// Every metric per territory.
    Territories,
    /// Every metric per rep.
    Reps,
    /// Who changes hands.
    Moves,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 4] = [Tab::Overview, Tab::Territories, Tab::Reps, Tab::Moves];

    /// The tab's title.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Territories => "Territories",
            Tab::Reps => "Reps",
            Tab::Moves => "Who changes hands",
        }
    }
}

/// Both plans computed for one state of the project.
struct Computed {
    /// (document revision, A, B) it was computed for.
    key: (u64, ScenarioId, ScenarioId),
    plans: [LivePlan; 2],
    comparison: Comparison,
    /// Account rows of the moves, for the maps' rings.
    moved_rows: Vec<usize>,
    /// Indices into the moves, in the table's sort order.
    order: Vec<usize>,
    sorted_by: (MoveColumn, bool),
}

/// The compare view's state.
pub struct CompareView {
    /// Plan A (usually the plan in force).
    pub a: ScenarioId,
    /// Plan B (usually the draft).
    pub b: ScenarioId,
    /// The two maps.
    pub maps: [MapView; 2],
    /// The metric of the bar chart.
    pub metric: BalanceMetric,
    /// The moves table's sort: column and descending.
    pub sort: (MoveColumn, bool),
    /// The tab under the maps.
    pub tab: Tab,
    /// The view both maps showed at the end of the last frame (lon, lat, zoom).
    linked: Option<(f64, f64, f64)>,
    computed: Option<Computed>,
    fit_pending: bool,
    /// Where the compare page was drawn in the last frame (points), for the page export.
    pub page_rect: Option<egui::Rect>,
    shot: Option<super::page::PageShot>,
    /// The outcome of the last page or CSV export, for the planner.
    pub notice: Option<String>,
}

impl CompareView {
    /// The active plan against the scenario shown (or the next one when they are the same).
    pub fn new(doc: &Document) -> Option<CompareView> {
        let scenarios = &doc.project.scenarios;
        let shown = doc.current()?.id;
        let a = doc.project.active().map_or(shown, |s| s.id);
        let b = if shown != a {
            shown
        } else {
            scenarios.iter().find(|s| s.id != a)?.id
        };
        Some(CompareView {
            a,
            b,
            maps: [MapView::default(), MapView::default()],
            metric: BalanceMetric::Potential,
            sort: (MoveColumn::Potential, true),
            tab: Tab::Overview,
            linked: None,
            computed: None,
            fit_pending: true,
            page_rect: None,
            shot: None,
            notice: None,
        })
    }

    /// The comparison of the last frame.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.computed.as_ref().map(|c| &c.comparison)
    }

    /// The moves in the table's order.
    pub fn sorted_moves(&self) -> Vec<&Move> {
        self.computed.as_ref().map_or_else(Vec::new, |c| {
            c.order
                .iter()
                .map(|&k| &c.comparison.disruption.moves[k])
                .collect()
        })
    }

    /// Recomputes both plans when the project, A or B changed, and re-sorts the moves when
    /// the sort changed.
    pub fn update(&mut self, doc: &Document) {
        let key = (doc.revision, self.a, self.b);
        let project = &doc.project;
        if self.computed.as_ref().is_none_or(|c| c.key != key) {
            let (Some(sa), Some(sb)) = (project.scenario(self.a), project.scenario(self.b)) else {
                self.computed = None;
                return;
            };
            let grid = doc.plan.shared_grid();
            let plans = [
                LivePlan::new(project, sa, Arc::clone(&grid)),
                LivePlan::new(project, sb, grid),
            ];
            let reports = [
                PlanReport::from_plan(project, sa, &plans[0]),
                PlanReport::from_plan(project, sb, &plans[1]),
            ];
            let comparison = Comparison::new(
                project,
                Side {
                    scenario: sa,
                    plan: &plans[0],
                    report: &reports[0],
                },
                Side {
                    scenario: sb,
                    plan: &plans[1],
                    report: &reports[1],
                },
            );
            for map in &mut self.maps {
                map.invalidate();
            }
            self.computed = Some(Computed {
                key,
                moved_rows: comparison.disruption.moves.iter().map(|m| m.row).collect(),
                plans,
                comparison,
                order: Vec::new(),
                sorted_by: (self.sort.0, !self.sort.1),
            });
        }
        if let Some(c) = &mut self.computed
            && c.sorted_by != self.sort
        {
            c.order = sort_moves(project, &c.comparison.disruption.moves, self.sort);
            c.sorted_by = self.sort;
        }
    }

    /// The whole view for one frame.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        basemap: Option<&Basemap>,
        commands: &mut Vec<Command>,
    ) {
        self.update(doc);
        self.take_page_shot(ui.ctx());
        let page = ui.max_rect();
        self.page_rect = Some(page);
        self.header(ui, doc, commands);
        let Some(computed) = &self.computed else {
            ui.label("Choose two scenarios.");
            return;
        };
        let project = &doc.project;
        let scenarios = [project.scenario(self.a), project.scenario(self.b)];
        let size = ui.available_size();
        let map_height = (size.y * 0.48).max(220.0);
        let gap = 6.0;
        let width = (size.x - gap) / 2.0;
        let top = ui.cursor().min;
        if self.fit_pending && width > 100.0 {
            self.fit_pending = false;
            if let Some(bounds) = bounds(project, self.a, self.b) {
                for map in &mut self.maps {
                    map.fit(bounds.into(), egui::vec2(width, map_height));
                }
            }
        }
        for k in 0..2 {
            let rect = egui::Rect::from_min_size(
                top + egui::vec2(k as f32 * (width + gap), 0.0),
                egui::vec2(width, map_height),
            );
            let view = PlanView {
                project,
                scenario: scenarios[k],
                plan: &computed.plans[k],
                highlight: &computed.moved_rows,
            };
            let title = format!(
                "{}: {}",
                ["A", "B"][k],
                scenarios[k].map_or("", |s| s.name.as_str())
            );
            let map = &mut self.maps[k];
            ui.scope_builder(
                egui::UiBuilder::new()
                    .id_salt(("compare map", k))
                    .max_rect(rect),
                |ui| {
                    let mut memory = std::mem::take(&mut map.memory);
                    walkers::Map::new(None, &mut memory, walkers::lon_lat(5.3, 52.2)).show(
                        ui,
                        |ui, _, projector, _| {
                            map.paint(ui, projector, &view, basemap, Selection::default());
                            super::map::paint_scale_bar(ui, projector);
                            map_title(ui, &title);
                        },
                    );
                    map.memory = memory;
                },
            );
        }
        self.link_maps();
        ui.advance_cursor_after_rect(egui::Rect::from_min_size(
            top,
            egui::vec2(size.x, map_height + gap),
        ));
        let Some(computed) = &self.computed else {
            return;
        };
        let c = &computed.comparison;
        let mut sort = self.sort;
        ui.horizontal(|ui| {
            for tab in Tab::ALL {
                ui.selectable_value(&mut self.tab, tab, tab.label());
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt(("compare tab", self.tab.label()))
            .show(ui, |ui| match self.tab {
                Tab::Overview => {
                    ui.columns(3, |cols| {
                        summary(&mut cols[0], c);
                        chart(&mut cols[1], c, self.metric, scenarios);
                        metric_table(&mut cols[2], c, self.metric);
                    });
                }
                Tab::Territories => rows_table(ui, "compare territories", &c.territories),
                Tab::Reps => rows_table(ui, "compare reps", &c.reps),
                Tab::Moves => disruption(ui, project, c, &computed.order, &mut sort, commands),
            });
        self.sort = sort;
    }

    fn header(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        let scenarios = &doc.project.scenarios;
        let name = |id: ScenarioId| {
            doc.project
                .scenario(id)
                .map_or_else(String::new, |s| s.name.clone())
        };
        ui.horizontal(|ui| {
            ui.heading("Compare");
            for (label, pick) in [("A", &mut self.a), ("B", &mut self.b)] {
                ui.label(RichText::new(label).strong());
                egui::ComboBox::from_id_salt(("compare pick", label))
                    .selected_text(name(*pick))
                    .show_ui(ui, |ui| {
                        for s in scenarios {
                            ui.selectable_value(pick, s.id, &s.name);
                        }
                    });
            }
            if ui.button("Swap").on_hover_text("Swap A and B").clicked() {
                std::mem::swap(&mut self.a, &mut self.b);
            }
            ui.label("Chart");
            egui::ComboBox::from_id_salt("compare chart metric")
                .selected_text(self.metric.label())
                .show_ui(ui, |ui| {
                    for m in BalanceMetric::ALL {
                        ui.selectable_value(&mut self.metric, m, m.label());
                    }
                });
            ui.separator();
            if ui
                .button("Save page…")
                .on_hover_text("The view as a PNG picture or a PDF page (A4 landscape)")
                .clicked()
                && let Some(path) = super::page::pick_page_path("plan-comparison.pdf")
            {
                commands.push(Command::SavePage(path));
            }
            if ui.button("Close").clicked() {
                commands.push(Command::Compare(false));
            }
            if let Some(notice) = &self.notice {
                ui.label(RichText::new(notice).weak());
            }
        });
    }

    /// Keeps both maps on the same view: whichever moved since the last frame leads.
    fn link_maps(&mut self) {
        let state = |m: &MapView| m.memory.detached().map(|p| (p.x(), p.y(), m.memory.zoom()));
        let (s0, s1) = (state(&self.maps[0]), state(&self.maps[1]));
        let leader = if s0 != self.linked { s0 } else { s1 };
        if let Some((lon, lat, zoom)) = leader {
            for map in &mut self.maps {
                map.memory.center_at(walkers::lon_lat(lon, lat));
                let _ = map.memory.set_zoom(zoom);
            }
        }
        self.linked = leader;
    }

    /// Saves the view as a page (PDF or PNG by the extension) over the next frames.
    pub fn save_page(&mut self, path: std::path::PathBuf) {
        self.shot = Some(super::page::PageShot::new(path));
    }

    /// Moves a page export on by one frame.
    fn take_page_shot(&mut self, ctx: &egui::Context) {
        let (Some(shot), Some(page)) = (&mut self.shot, self.page_rect) else {
            return;
        };
        let title = self.computed.as_ref().map_or_else(String::new, |c| {
            format!(
                "Tessera: {} (A) against {} (B)",
                c.comparison.a, c.comparison.b
            )
        });
        if let Some(outcome) = shot.step(ctx, page, &title) {
            self.notice = Some(outcome);
            self.shot = None;
        }
    }
}

/// The lon/lat box of both plans' territories.
fn bounds(project: &Project, a: ScenarioId, b: ScenarioId) -> Option<(f64, f64, f64, f64)> {
    let mut out: Option<(f64, f64, f64, f64)> = None;
    for s in [a, b].iter().filter_map(|id| project.scenario(*id)) {
        for t in &s.territories {
            if let Some(r) = geo::BoundingRect::bounding_rect(&t.geometry) {
                let r = (r.min().x, r.min().y, r.max().x, r.max().y);
                out = Some(out.map_or(r, |o| crate::engine::index::union_bounds(o, r)));
            }
        }
    }
    out
}

/// "A: Current plan" on a plate in the map's top-left corner.
fn map_title(ui: &egui::Ui, title: &str) {
    let rect = ui.max_rect();
    let painter = ui.painter();
    let galley = painter.layout_no_wrap(
        title.to_owned(),
        egui::FontId::proportional(16.0),
        Color32::BLACK,
    );
    let plate =
        egui::Rect::from_min_size(rect.min + egui::vec2(8.0, 8.0), galley.size()).expand(5.0);
    painter.rect_filled(
        plate,
        4.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 225),
    );
    painter.galley(plate.min + egui::vec2(5.0, 5.0), galley, Color32::BLACK);
}

/// The plan-level summary: A, B and B - A.
fn summary(ui: &mut egui::Ui, c: &Comparison) {
    ui.heading("Plan summary");
    egui::Grid::new("compare summary")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["", "A", "B", "B - A"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
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
fn chart(
    ui: &mut egui::Ui,
    c: &Comparison,
    metric: BalanceMetric,
    scenarios: [Option<&crate::model::Scenario>; 2],
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
        .y_axis_formatter(move |mark, _| metric_text(metric, mark.value))
        .show(ui, |plot| {
            for (k, fill) in fills.into_iter().enumerate() {
                plot.bar_chart(BarChart::new(label(k), bars(k)).color(fill));
            }
        });
}

/// One metric per territory: A, B, B - A and %.
fn metric_table(ui: &mut egui::Ui, c: &Comparison, metric: BalanceMetric) {
    ui.heading(format!("{} per territory", metric.label()));
    egui::Grid::new("compare metric table")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for h in ["Territory", "A", "B", "B - A", "%"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for row in &c.territories {
                let d = row.metric(metric);
                let value = |v: Option<f64>, out: bool| {
                    let text = v.map_or("-".to_owned(), |v| metric_text(metric, v));
                    if out {
                        RichText::new(format!("{text} *")).color(Color32::from_rgb(190, 30, 30))
                    } else {
                        RichText::new(text)
                    }
                };
                let (diff, pct) = delta_texts(metric, &d);
                ui.label(&row.name);
                ui.label(value(d.a, d.out_a));
                ui.label(value(d.b, d.out_b));
                ui.label(diff);
                ui.label(pct);
                ui.end_row();
            }
        });
    ui.label(RichText::new("* outside the balance tolerance").weak());
}

/// One row per territory (or rep), one column per metric: "A → B" and the difference.
fn rows_table(ui: &mut egui::Ui, id: &str, rows: &[RowDelta]) {
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
                    let value = |v: Option<f64>| v.map_or("-".to_owned(), |v| metric_text(m, v));
                    let (diff, pct) = delta_texts(m, d);
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

/// Who changes hands: per rep, then the sortable list of accounts.
fn disruption(
    ui: &mut egui::Ui,
    project: &Project,
    c: &Comparison,
    order: &[usize],
    sort: &mut (MoveColumn, bool),
    commands: &mut Vec<Command>,
) {
    let d = &c.disruption;
    ui.horizontal(|ui| {
        ui.heading(format!("{} accounts change hands", whole(d.moved as f64)));
        if ui
            .add_enabled(!d.moves.is_empty(), egui::Button::new("Export CSV…"))
            .clicked()
            && let Some(path) = rfd::FileDialog::new()
                .add_filter("CSV", &["csv"])
                .set_file_name("changes-hands.csv")
                .save_file()
        {
            commands.push(Command::ExportMoves(path));
        }
    });
    if !d.reps.is_empty() {
        egui::Grid::new("compare rep flows")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for h in ["Rep", "Gained", "Lost", "Net", "Net potential EUR"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for f in &d.reps {
                    ui.label(&f.name);
                    ui.label(whole(f.gained as f64));
                    ui.label(whole(f.lost as f64));
                    ui.label(format!("{:+}", f.net()));
                    ui.label(whole(f.net_potential));
                    ui.end_row();
                }
            });
    }
    let rep = |r: Option<crate::model::RepId>| {
        r.and_then(|r| project.rep(r))
            .map_or("-".to_owned(), |r| r.name.clone())
    };
    egui::Grid::new("compare moves")
        .striped(true)
        .num_columns(MoveColumn::ALL.len())
        .show(ui, |ui| {
            for column in MoveColumn::ALL {
                let numeric = matches!(column, MoveColumn::Potential | MoveColumn::Revenue);
                let arrow = match (*sort, numeric) {
                    ((c, true), true) if c == column => " (high first)",
                    ((c, false), true) if c == column => " (low first)",
                    ((c, true), false) if c == column => " (Z-A)",
                    ((c, false), false) if c == column => " (A-Z)",
                    _ => "",
                };
                if ui
                    .button(RichText::new(format!("{}{arrow}", column.label())).strong())
                    .clicked()
                {
                    // A second click on the same column reverses the order.
                    *sort = if sort.0 == column {
                        (column, !sort.1)
                    } else {
                        (column, numeric)
                    };
                }
            }
            ui.end_row();
            for &k in order.iter().take(MAX_ROWS) {
                let m = &d.moves[k];
                ui.label(project.accounts.name(m.row));
                ui.label(m.from.as_deref().unwrap_or("-"));
                ui.label(m.to.as_deref().unwrap_or("-"));
                ui.label(rep(m.from_rep));
                ui.label(rep(m.to_rep));
                ui.label(whole(m.potential));
                ui.label(whole(m.revenue));
                ui.end_row();
            }
        });
    if d.moves.len() > MAX_ROWS {
        ui.label(format!(
            "and {} more: Export CSV lists them all",
            whole((d.moves.len() - MAX_ROWS) as f64)
        ));
    }
}

/// The moves' indices sorted by a column (descending when `.1`); ties keep account order.
fn sort_moves(project: &Project, moves: &[Move], sort: (MoveColumn, bool)) -> Vec<usize> {
    let (column, descending) = sort;
    let rep = |r: Option<crate::model::RepId>| {
        r.and_then(|r| project.rep(r))
            .map_or(String::new(), |r| r.name.to_lowercase())
    };
    let texts: Option<Vec<String>> = match column {
        MoveColumn::Potential | MoveColumn::Revenue => None,
        _ => Some(
            moves
                .iter()
                .map(|m| match column {
                    MoveColumn::Account => project.accounts.name(m.row).to_lowercase(),
                    MoveColumn::From => m.from.as_deref().unwrap_or("").to_lowercase(),
                    MoveColumn::To => m.to.as_deref().unwrap_or("").to_lowercase(),
                    MoveColumn::FromRep => rep(m.from_rep),
                    _ => rep(m.to_rep),
                })
                .collect(),
        ),
    };
    let value = |k: usize| match column {
        MoveColumn::Revenue => moves[k].revenue,
        _ => moves[k].potential,
    };
    let mut order: Vec<usize> = (0..moves.len()).collect();
    order.sort_by(|&x, &y| {
        let o = match &texts {
            Some(t) => t[x].cmp(&t[y]),
            None => value(x).total_cmp(&value(y)),
        };
        (if descending { o.reverse() } else { o }).then(x.cmp(&y))
    });
    order
}

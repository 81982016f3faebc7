//! The compare view: plan A and plan B on two maps with linked pan and zoom, the accounts
//! that change hands ringed on both; below, the plan summary, grouped bars per territory,
//! the per-territory and per-rep tables, and the sortable list of who changes hands.

mod maps;
mod moves;
mod summary;
mod tables;

pub use moves::MoveColumn;

use egui::RichText;

use crate::app::Command;
use crate::app::map::MapView;
use crate::app::page::{PageShot, pick_page_path};
use crate::basemap::Basemap;
use crate::engine::balance::BalanceMetric;
use crate::engine::compare::{ComparedPlans, Comparison, Move, compare_plans};
use crate::model::ScenarioId;
use crate::session::Session;

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
    /// (session revision, A, B) it was computed for.
    key: (u64, ScenarioId, ScenarioId),
    /// Both plans (for the maps) and their comparison.
    compared: ComparedPlans,
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
    shot: Option<PageShot>,
    /// The outcome of the last page or CSV export, for the planner.
    pub notice: Option<String>,
}

impl CompareView {
    /// The active plan against the scenario shown (or the next one when they are the same).
    pub fn new(doc: &Session) -> Option<CompareView> {
        let scenarios = &doc.project().scenarios;
        let shown = doc.current()?.id;
        let a = doc.project().active().map_or(shown, |s| s.id);
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
        self.computed.as_ref().map(|c| &c.compared.comparison)
    }

    /// The moves in the table's order.
    pub fn sorted_moves(&self) -> Vec<&Move> {
        self.computed.as_ref().map_or_else(Vec::new, |c| {
            c.order
                .iter()
                .map(|&k| &c.compared.comparison.disruption.moves[k])
                .collect()
        })
    }

    /// Recomputes both plans when the project, A or B changed, and re-sorts the moves when
    /// the sort changed.
    pub fn update(&mut self, doc: &Session) {
        let key = (doc.revision(), self.a, self.b);
        let project = doc.project();
        if self.computed.as_ref().is_none_or(|c| c.key != key) {
            let (Some(sa), Some(sb)) = (project.scenario(self.a), project.scenario(self.b)) else {
                self.computed = None;
                return;
            };
            let compared = compare_plans(project, sa, sb, doc.assignment().shared_grid());
            for map in &mut self.maps {
                map.invalidate();
            }
            self.computed = Some(Computed {
                key,
                moved_rows: compared
                    .comparison
                    .disruption
                    .moves
                    .iter()
                    .map(|m| m.row)
                    .collect(),
                compared,
                order: Vec::new(),
                sorted_by: (self.sort.0, !self.sort.1),
            });
        }
        if let Some(c) = &mut self.computed
            && c.sorted_by != self.sort
        {
            c.order =
                moves::sort_moves(project, &c.compared.comparison.disruption.moves, self.sort);
            c.sorted_by = self.sort;
        }
    }

    /// The whole view for one frame.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Session,
        basemap: Option<&Basemap>,
        commands: &mut Vec<Command>,
    ) {
        self.update(doc);
        self.take_page_shot(ui.ctx());
        let page = ui.max_rect();
        self.page_rect = Some(page);
        self.header(ui, doc, commands);
        if self.computed.is_none() {
            ui.label("Choose two scenarios.");
            return;
        }
        let project = doc.project();
        self.show_maps(ui, project, basemap);
        let Some(computed) = &self.computed else {
            return;
        };
        let scenarios = [project.scenario(self.a), project.scenario(self.b)];
        let c = &computed.compared.comparison;
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
                        summary::summary(&mut cols[0], c);
                        summary::chart(&mut cols[1], c, self.metric, scenarios);
                        summary::metric_table(&mut cols[2], c, self.metric);
                    });
                }
                Tab::Territories => tables::rows_table(ui, "compare territories", &c.territories),
                Tab::Reps => tables::rows_table(ui, "compare reps", &c.reps),
                Tab::Moves => {
                    moves::disruption(ui, project, c, &computed.order, &mut sort, commands)
                }
            });
        self.sort = sort;
    }

    fn header(&mut self, ui: &mut egui::Ui, doc: &Session, commands: &mut Vec<Command>) {
        let scenarios = &doc.project().scenarios;
        let name = |id: ScenarioId| {
            doc.project()
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
                && let Some(path) = pick_page_path("plan-comparison.pdf")
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

    /// Saves the view as a page (PDF or PNG by the extension) over the next frames.
    pub fn save_page(&mut self, path: std::path::PathBuf) {
        self.shot = Some(PageShot::new(path));
    }

    /// Moves a page export on by one frame.
    fn take_page_shot(&mut self, ctx: &egui::Context) {
        let (Some(shot), Some(page)) = (&mut self.shot, self.page_rect) else {
            return;
        };
        let title = self.computed.as_ref().map_or_else(String::new, |c| {
            format!(
                "Tessera: {} (A) against {} (B)",
                c.compared.comparison.a, c.compared.comparison.b
            )
        });
        if let Some(outcome) = shot.step(ctx, page, &title) {
            self.notice = Some(outcome);
            self.shot = None;
        }
    }
}

/// A striped grid with a row of bold headers, one column each, then the rows `body` adds.
fn table(ui: &mut egui::Ui, id: &str, headers: &[&str], body: impl FnOnce(&mut egui::Ui)) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(headers.len())
        .show(ui, |ui| {
            for h in headers {
                ui.label(RichText::new(*h).strong());
            }
            ui.end_row();
            body(ui);
        });
}

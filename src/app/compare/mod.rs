//! The compare view: plan A and plan B on two maps with linked pan and zoom, the accounts
//! that change hands ringed on both; below, the plan summary, grouped bars per territory,
//! the per-territory and per-rep tables, and the sortable list of who changes hands.

mod maps;
mod moves;
mod summary;
mod tables;

pub use moves::MoveColumn;

use egui::RichText;

use std::sync::Arc;

use crate::app::Command;
use crate::app::job::{Job, Poll};
use crate::app::map::MapView;
use crate::app::page::{PageShot, pick_page_path};
use crate::basemap::Basemap;
use crate::engine::balance::BalanceMetric;
use crate::engine::compare::{ComparedPlans, Comparison, Move, Side};
use crate::engine::index::AccountGrid;
use crate::engine::live::LiveAssignment;
use crate::engine::report::ScenarioReport;
use crate::model::{Project, ScenarioId};
use crate::progress::Progress;
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

/// The state of the project both plans are computed for: (session revision, A, B).
type Key = (u64, ScenarioId, ScenarioId);

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
    /// Both plans being computed on another thread, for this key.
    computing: Option<(Key, Job<Option<Computed>>)>,
    /// From this many accounts on, both plans are computed on another thread (seconds at a
    /// million accounts) while the view shows its progress.
    pub background_from: usize,
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
            computing: None,
            background_from: crate::app::BACKGROUND_FROM,
        })
    }

    /// Both plans being computed on another thread: the fraction done.
    pub fn computing(&self) -> Option<f32> {
        self.computing
            .as_ref()
            .map(|(_, job)| job.progress().fraction())
    }

    /// Waits for both plans being computed on another thread (tests and benches).
    pub fn wait(&mut self) {
        if let Some((_, job)) = self.computing.take()
            && let Poll::Done(computed) = job.wait()
        {
            self.take(computed);
        }
    }

    fn take(&mut self, computed: Option<Computed>) {
        for map in &mut self.maps {
            map.invalidate();
        }
        self.computed = computed;
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
    /// In a large project both plans are computed on another thread: until they arrive the
    /// view shows its progress (plans of an older revision could name accounts that are
    /// gone, so they are not shown meanwhile).
    pub fn update(&mut self, doc: &Session) {
        let key = (doc.revision(), self.a, self.b);
        let project = doc.project();
        if let Some((wanted, job)) = &self.computing {
            match job.poll() {
                Poll::Running if *wanted == key => return,
                Poll::Done(computed) if *wanted == key => {
                    self.computing = None;
                    self.take(computed);
                }
                // Lost, or computed for another state: start again below.
                _ => self.computing = None,
            }
        }
        if self.computed.as_ref().is_none_or(|c| c.key != key) {
            self.computed = None;
            if project.scenario(self.a).is_none() || project.scenario(self.b).is_none() {
                return;
            }
            let (shared, grid) = (doc.shared_project(), doc.assignment().shared_grid());
            let (a, b, sort) = (self.a, self.b, self.sort);
            if project.accounts.len() >= self.background_from {
                let job =
                    Job::spawn(move |progress| compute(&shared, key, (a, b), grid, sort, progress));
                self.computing = Some((key, job));
                return;
            }
            let computed = compute(&shared, key, (a, b), grid, sort, &Progress::new());
            self.take(computed);
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
        if let Some(fraction) = self.computing() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.set_max_width(420.0);
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(format!("Comparing both plans… {:.0}%", fraction * 100.0))
                        .animate(true),
                );
            });
            return;
        }
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

/// Both plans of `project` and their comparison, with the moves sorted (on another thread
/// for a large project), counting its stages in `progress`.
fn compute(
    project: &Project,
    key: (u64, ScenarioId, ScenarioId),
    (a, b): (ScenarioId, ScenarioId),
    grid: Arc<AccountGrid>,
    sort: (MoveColumn, bool),
    progress: &Progress,
) -> Option<Computed> {
    progress.start(5);
    let (sa, sb) = (project.scenario(a)?, project.scenario(b)?);
    let pa = LiveAssignment::new(project, sa, Arc::clone(&grid));
    progress.set(1);
    let pb = LiveAssignment::new(project, sb, grid);
    progress.set(2);
    let (ra, rb) = (
        ScenarioReport::from_plan(project, sa, &pa),
        ScenarioReport::from_plan(project, sb, &pb),
    );
    progress.set(3);
    let comparison = Comparison::new(
        project,
        Side {
            scenario: sa,
            plan: &pa,
            report: &ra,
        },
        Side {
            scenario: sb,
            plan: &pb,
            report: &rb,
        },
    );
    progress.set(4);
    let moves = &comparison.disruption.moves;
    let order = moves::sort_moves(project, moves, sort);
    let moved_rows = moves.iter().map(|m| m.row).collect();
    progress.set(5);
    Some(Computed {
        key,
        moved_rows,
        compared: ComparedPlans {
            plans: [pa, pb],
            comparison,
        },
        order,
        sorted_by: sort,
    })
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

//! Plan > Design territories… and Plan > Rebalance…: the settings of an automatic design
//! (unit layer, territories, metrics with weights, tolerance, compactness, locks, seed),
//! the layer shown on the map as a preview, the search on another thread with its progress
//! (iteration, largest deviation so far) and Cancel; the new plan, when it comes, is added
//! as one edit and opened in the compare view against the active plan.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Command;
use super::design_results::{LimitSettings, candidates_table, limits_grid, summary};
use super::job::{Job, Poll};
use crate::edit::scenarios::unique_scenario_name;
use crate::engine::balance::BalanceMetric;
use crate::model::{Edit, Project, Scenario};
use crate::session::{
    DesignReport, DesignRequest, HEXAGONS, Limit, TerritoryCount, design_edit, layer_list,
    trade_offs,
};

/// The choice of a grid of hexagons in the layer list.
const HEXAGONS_TITLE: &str = "Hexagons over the accounts (sized to their density)";

/// The layer to show on the map as a preview of `layer`: itself, or none for hexagons
/// (laid when the design runs).
fn preview_of(layer: &str) -> Option<String> {
    (layer != HEXAGONS).then(|| layer.to_owned())
}

/// A balance weight, editable while its metric is balanced.
fn weight_field(ui: &mut egui::Ui, on: bool, weight: &mut f64) {
    ui.add_enabled(
        on,
        egui::DragValue::new(weight)
            .range(0.1..=10.0)
            .speed(0.1)
            .prefix("weight "),
    );
}

/// The metrics a design can balance, in the order the dialog lists them.
const METRICS: [BalanceMetric; 5] = [
    BalanceMetric::Potential,
    BalanceMetric::Workload,
    BalanceMetric::Accounts,
    BalanceMetric::Prospects,
    BalanceMetric::Revenue,
];

/// A design or rebalance finished on another thread: per plan made (one, or one per
/// trade-off), its trade-off's name, the edit that adds it, and what it achieved.
pub type Designed = Result<Vec<Candidate>, String>;

/// One plan made: its trade-off's name (empty when only one was asked for), the edit that
/// adds it, and what it achieved.
pub type Candidate = (String, Edit, DesignReport);

/// A rep suggestion made on another thread: the edit that accepts it (if any reps change)
/// and the suggestion, or why there is none.
pub type Suggested = Result<(Option<Edit>, crate::session::RepSuggestion), String>;

/// The dialog's settings and, while it runs, the search.
pub struct DesignDialog {
    /// Rebalance the plan shown (true) or design a new one.
    pub rebalance: bool,
    /// The unit layer to build from.
    pub layer: String,
    /// How many territories (a design).
    pub territories: usize,
    /// One territory per rep instead (a design).
    pub per_rep: bool,
    /// Per metric of [`METRICS`]: balanced or not, and its weight.
    pub metrics: [(bool, f64); 5],
    /// The accounts' own numeric columns, by name (from their import).
    pub columns: Vec<String>,
    /// The column balanced too, when [`Self::column_weight`] is on.
    pub column: String,
    /// The column: balanced or not, and its weight.
    pub column_weight: (bool, f64),
    /// Per metric of [`METRICS`]: the least and most every territory may hold.
    pub limits: LimitSettings,
    /// The tolerance, %.
    pub tolerance_pct: f64,
    /// How much round shapes weigh.
    pub compactness: f64,
    /// Territories of the plan shown that keep their units, by name.
    pub locked: BTreeSet<String>,
    /// Units that stay in their territory (a rebalance): codes, separated by commas.
    pub locked_units: String,
    /// The random seed.
    pub seed: u64,
    /// The new scenario's name.
    pub into: String,
    /// Make three plans with different trade-offs to pick from, instead of one.
    pub trade_offs: bool,
    /// The plans made with different trade-offs, to pick from.
    pub candidates: Vec<Candidate>,
    /// Why the last run was refused.
    pub problem: Option<String>,
    /// The plan the dialog works from (its territories offered as locks).
    from: String,
    running: Option<Running>,
}

/// A search under way.
struct Running {
    job: Job<Designed>,
    /// The iteration reached and the largest deviation so far (f64 bits), told by the
    /// search as it goes.
    iteration: Arc<AtomicU64>,
    deviation: Arc<AtomicU64>,
}

impl DesignDialog {
    /// The dialog for the plan `from` of `project` (a design when `rebalance` is false).
    pub fn new(project: &Project, from: &Scenario, rebalance: bool) -> DesignDialog {
        let layer = from
            .units
            .layer
            .clone()
            .unwrap_or_else(|| "nl-pc4".to_owned());
        let base = if rebalance {
            format!("{} (rebalanced)", from.name)
        } else {
            "Designed".to_owned()
        };
        let mut metrics = [(false, 1.0); 5];
        metrics[0].0 = true;
        metrics[1].0 = true;
        metrics[2].0 = !rebalance;
        let columns = crate::session::numeric_columns(&project.accounts);
        DesignDialog {
            rebalance,
            layer,
            column: columns.first().cloned().unwrap_or_default(),
            column_weight: (false, 1.0),
            limits: [((false, 0.0), (false, 0.0)); 5],
            columns,
            territories: from.territories.len().max(2),
            per_rep: false,
            metrics,
            tolerance_pct: 5.0,
            compactness: 1.0,
            locked: BTreeSet::new(),
            locked_units: String::new(),
            seed: 1,
            into: unique_scenario_name(project, &base),
            trade_offs: false,
            candidates: Vec::new(),
            problem: None,
            from: from.name.clone(),
            running: None,
        }
    }

    /// Whether the search is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The request the settings make.
    pub fn request(&self) -> DesignRequest {
        DesignRequest {
            layer: self.layer.clone(),
            count: if self.per_rep {
                TerritoryCount::PerRep
            } else {
                TerritoryCount::Count(self.territories)
            },
            balance: METRICS
                .iter()
                .zip(&self.metrics)
                .filter(|(_, (on, _))| *on)
                .map(|(m, (_, w))| (*m, *w))
                .collect(),
            tolerance: self.tolerance_pct / 100.0,
            compactness: self.compactness,
            locked: self.locked.iter().cloned().collect(),
            limits: METRICS
                .iter()
                .zip(&self.limits)
                .filter(|(_, (least, most))| least.0 || most.0)
                .map(|(metric, (least, most))| Limit {
                    metric: *metric,
                    min: least.0.then_some(least.1),
                    max: most.0.then_some(most.1),
                })
                .collect(),
            column: (self.column_weight.0 && !self.column.is_empty())
                .then(|| (self.column.clone(), self.column_weight.1)),
            locked_units: self
                .locked_units
                .split([',', ';', ' '])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            seed: self.seed,
            from: Some(self.from.clone()),
            into: self.into.trim().to_owned(),
        }
    }

    /// Starts the search on another thread.
    pub fn start(&mut self, project: Arc<Project>) {
        let request = self.request();
        let rebalance = self.rebalance;
        let iteration = Arc::new(AtomicU64::new(0));
        let deviation = Arc::new(AtomicU64::new(f64::NAN.to_bits()));
        let (told_iteration, told_deviation) = (Arc::clone(&iteration), Arc::clone(&deviation));
        self.problem = None;
        self.candidates.clear();
        let variants = if self.trade_offs {
            trade_offs(&request, rebalance)
        } else {
            vec![(String::new(), request)]
        };
        let job = Job::spawn(move |progress| {
            let mut made = Vec::new();
            for (name, variant) in variants {
                let mut tell = |i: usize, worst: f64| {
                    told_iteration.store(i as u64, Ordering::Relaxed);
                    told_deviation.store(worst.to_bits(), Ordering::Relaxed);
                    !progress.is_cancelled()
                };
                let (edit, report) = design_edit(&project, None, &variant, rebalance, &mut tell)
                    .map_err(|e| e.to_string())?;
                let cancelled = report.cancelled;
                made.push((name, edit, report));
                if cancelled {
                    break;
                }
            }
            Ok(made)
        });
        self.running = Some(Running {
            job,
            iteration,
            deviation,
        });
    }

    /// Waits for a running search (tests).
    pub fn wait(&mut self, commands: &mut Vec<Command>) {
        if let Some(running) = &self.running {
            let result = running.job.wait();
            self.finish(result, commands);
        }
    }

    /// Hands a finished search's plan on, or keeps the dialog open with the reason.
    fn finish(&mut self, result: Poll<Designed>, commands: &mut Vec<Command>) -> bool {
        match result {
            Poll::Running => return false,
            Poll::Done(Ok(made)) if made.iter().any(|(_, _, r)| r.cancelled) => {}
            Poll::Done(Ok(mut made)) if made.len() == 1 => {
                self.running = None;
                if let Some((_, edit, report)) = made.pop() {
                    commands.push(Command::Designed(Box::new((edit, report))));
                }
                return true;
            }
            Poll::Done(Ok(made)) => self.candidates = made,
            Poll::Done(Err(e)) => self.problem = Some(e),
            Poll::Lost => self.problem = Some("the search failed".into()),
        }
        self.running = None;
        false
    }

    /// The dialog; returns false when it closes (the plan handed on, or cancelled).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Arc<Project>,
        commands: &mut Vec<Command>,
    ) -> bool {
        if let Some(running) = &self.running {
            let result = running.job.poll();
            if self.finish(result, commands) {
                return false;
            }
            ctx.request_repaint();
        }
        let mut open = true;
        let mut done = false;
        let mut picked = false;
        let title = if self.rebalance {
            format!("Rebalance {}", self.from)
        } else {
            "Design territories".to_owned()
        };
        egui::Window::new(title)
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.add_enabled_ui(self.running.is_none(), |ui| {
                    self.settings(ui, project, commands);
                });
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                if let Some(k) =
                    candidates_table(ui, &self.candidates, self.rebalance, self.tolerance_pct)
                {
                    let (_, edit, report) = self.candidates.swap_remove(k);
                    commands.push(Command::Designed(Box::new((edit, report))));
                    picked = true;
                }
                ui.horizontal(|ui| match &self.running {
                    Some(running) => {
                        ui.spinner();
                        let worst = f64::from_bits(running.deviation.load(Ordering::Relaxed));
                        ui.label(if worst.is_nan() {
                            "Preparing the units…".to_owned()
                        } else {
                            format!(
                                "Iteration {}: largest deviation {:.1} %",
                                running.iteration.load(Ordering::Relaxed),
                                worst * 100.0
                            )
                        });
                        if ui.button("Stop").clicked() {
                            running.job.cancel();
                        }
                    }
                    None => {
                        let go = if self.rebalance {
                            "Rebalance"
                        } else {
                            "Design"
                        };
                        if ui.button(go).clicked() {
                            self.start(Arc::clone(project));
                        }
                        done |= ui.button("Cancel").clicked();
                    }
                });
            });
        if !open || done {
            if let Some(running) = &self.running {
                running.job.cancel();
            }
            return false;
        }
        !picked
    }

    /// The settings' widgets.
    fn settings(&mut self, ui: &mut egui::Ui, project: &Project, commands: &mut Vec<Command>) {
        egui::Grid::new("design-settings")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Build from");
                let mut layers = layer_list(project);
                layers.push((HEXAGONS.to_owned(), HEXAGONS_TITLE.to_owned()));
                let shown = layers
                    .iter()
                    .find(|(k, _)| *k == self.layer)
                    .map_or(self.layer.clone(), |(_, t)| t.clone());
                egui::ComboBox::from_id_salt("design-layer")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for (key, title) in &layers {
                            if ui.selectable_label(self.layer == *key, title).clicked() {
                                self.layer = key.clone();
                                commands.push(Command::ShowUnitLayer(preview_of(key)));
                            }
                        }
                    });
                ui.end_row();
                if !self.rebalance {
                    ui.label("Territories");
                    ui.horizontal(|ui| {
                        ui.add_enabled(
                            !self.per_rep,
                            egui::DragValue::new(&mut self.territories).range(1..=1000),
                        );
                        ui.checkbox(&mut self.per_rep, "One per rep, at their homes");
                    });
                    ui.end_row();
                }
                ui.label("Balance");
                ui.vertical(|ui| {
                    for (metric, (on, weight)) in METRICS.iter().zip(&mut self.metrics) {
                        ui.horizontal(|ui| {
                            ui.checkbox(on, metric.label());
                            weight_field(ui, *on, weight);
                        });
                    }
                    // The accounts' own numeric columns, from their import.
                    if !self.columns.is_empty() {
                        ui.horizontal(|ui| {
                            let (on, weight) = &mut self.column_weight;
                            ui.checkbox(on, "column");
                            egui::ComboBox::from_id_salt("design-column")
                                .selected_text(self.column.as_str())
                                .show_ui(ui, |ui| {
                                    for name in &self.columns {
                                        ui.selectable_value(&mut self.column, name.clone(), name);
                                    }
                                });
                            weight_field(ui, *on, weight);
                        });
                    }
                });
                ui.end_row();
                ui.label("Tolerance");
                ui.add(
                    egui::DragValue::new(&mut self.tolerance_pct)
                        .range(0.5..=50.0)
                        .speed(0.5)
                        .prefix("± ")
                        .suffix(" %"),
                );
                ui.end_row();
                ui.label("Compactness");
                ui.add(
                    egui::DragValue::new(&mut self.compactness)
                        .range(0.0..=100.0)
                        .speed(0.1),
                )
                .on_hover_text("How much round shapes weigh against balance (0: not at all)");
                ui.end_row();
                ui.label("Seed");
                ui.add(egui::DragValue::new(&mut self.seed))
                    .on_hover_text("The same seed gives the same plan");
                ui.end_row();
                if self.rebalance {
                    ui.label("Units that stay");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.locked_units)
                            .hint_text("codes, e.g. 1011, 1012"),
                    )
                    .on_hover_text("These units stay in the territory holding them");
                    ui.end_row();
                }
                ui.label("Plans");
                ui.checkbox(&mut self.trade_offs, "Three trade-offs to pick from")
                    .on_hover_text(if self.rebalance {
                        "The tolerance asked, and tighter ones that move more accounts"
                    } else {
                        "Balance only, the compactness asked, and four times it"
                    });
                ui.end_row();
                ui.label("New scenario");
                ui.text_edit_singleline(&mut self.into);
                ui.end_row();
            });
        ui.collapsing("Limits per territory", |ui| {
            let labels = METRICS.map(|m| match m {
                BalanceMetric::Workload => "workload, h",
                m => m.label(),
            });
            limits_grid(ui, &labels, &mut self.limits);
        });
        if let Some(plan) = project.scenario_by_name(&self.from) {
            ui.collapsing(format!("Lock territories of {}", plan.name), |ui| {
                for t in &plan.territories {
                    let mut on = self.locked.contains(&t.name);
                    if ui.checkbox(&mut on, &t.name).changed() {
                        if on {
                            self.locked.insert(t.name.clone());
                        } else {
                            self.locked.remove(&t.name);
                        }
                    }
                }
            });
        }
    }
}

impl super::TesseraApp {
    /// Opens Plan > Design territories… (`rebalance` false) or Rebalance… for the plan shown.
    pub(super) fn open_design(&mut self, rebalance: bool) {
        let Some(plan) = self.session.current() else {
            self.error = Some("Open or make a plan first".into());
            return;
        };
        let dialog = DesignDialog::new(self.session.project(), plan, rebalance);
        // The layer it builds from, on the map under the plan, as a preview.
        self.apply(
            Command::ShowUnitLayer(preview_of(&dialog.layer)),
            egui::Vec2::ZERO,
        );
        self.design = Some(dialog);
    }

    /// Adds a finished design's plan, shows it, compares it with the active plan, and says
    /// what it achieved.
    pub(super) fn designed(&mut self, made: (Edit, DesignReport)) {
        let (edit, report) = made;
        let id = edit.changes.iter().find_map(|c| match c {
            crate::model::Change::Scenario { after: Some(s), .. } => Some(s.id),
            _ => None,
        });
        if !self.make_edit_showing(edit, id) {
            return;
        }
        self.notice = Some(summary(&report, report.rebalance));
        // A big project's edit is still being made on another thread: compare later.
        if self.working.is_none()
            && let Some(mut view) = super::CompareView::new(&self.session)
        {
            view.background_from = self.background_from;
            self.compare = Some(view);
        }
    }

    /// Waits for a running design or rebalance and takes its plan (tests).
    pub fn wait_for_design(&mut self) {
        let Some(dialog) = &mut self.design else {
            return;
        };
        let mut commands = Vec::new();
        dialog.wait(&mut commands);
        for command in commands {
            if let Command::Designed(made) = command {
                self.design = None;
                self.designed(*made);
            }
        }
    }

    /// Plan > Suggest reps…: the reps that travel least for the plan shown, to accept or not.
    /// In a big project (every account against every rep: seconds at a million accounts)
    /// the suggestion is made on another thread.
    pub(super) fn suggest_reps(&mut self) {
        let Some(plan) = self.session.current().cloned() else {
            return;
        };
        let project = self.session.shared_project();
        let work = move || {
            crate::session::suggest_reps(&project, &plan, crate::session::EXPERTISE_WEIGHT)
                .map_err(|e| e.to_string())
        };
        if self.session.project().accounts.len() >= self.background_from {
            self.suggesting = Some(Job::spawn(move |_| work()));
            self.status_note = Some("Suggesting reps…".into());
        } else {
            self.suggested(work());
        }
    }

    /// Takes a suggestion made on another thread once it has arrived (`wait`: waits for it).
    pub(super) fn poll_suggesting(&mut self, wait: bool) {
        let Some(job) = &self.suggesting else {
            return;
        };
        let result = match if wait { job.wait() } else { job.poll() } {
            Poll::Running => return,
            Poll::Done(result) => result,
            Poll::Lost => Err("suggesting reps failed".into()),
        };
        self.suggesting = None;
        self.status_note = None;
        self.suggested(result);
    }

    /// Shows a suggestion, or says why there is none.
    fn suggested(&mut self, result: Suggested) {
        match result {
            Ok(made) => self.reps = Some(made),
            Err(e) => self.error = Some(e),
        }
    }

    /// The suggested reps, with Accept (one edit) and Close.
    pub(super) fn reps_window(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some((edit, suggestion)) = &mut self.reps else {
            return;
        };
        let mut open = true;
        let mut close = false;
        egui::Window::new(format!("Suggested reps for {}", suggestion.scenario))
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                egui::Grid::new("suggested-reps")
                    .striped(true)
                    .show(ui, |ui| {
                        for head in [
                            "Territory",
                            "Rep now",
                            "Suggested",
                            "Travel h/yr",
                            "Expertise",
                        ] {
                            ui.strong(head);
                        }
                        ui.end_row();
                        for t in &suggestion.territories {
                            ui.label(&t.territory);
                            ui.label(t.before.as_deref().unwrap_or("–"));
                            let changed = t.before != t.rep;
                            let rep = egui::RichText::new(t.rep.as_deref().unwrap_or("–"));
                            ui.label(if changed { rep.strong() } else { rep });
                            ui.label(crate::numbers::whole(t.travel_hours));
                            ui.label(format!("{:.0} %", t.expertise_match_pct));
                            ui.end_row();
                        }
                    });
                ui.label(format!(
                    "Travel: {} h a year now, {} h with the suggestion.",
                    crate::numbers::whole(suggestion.travel_hours_before),
                    crate::numbers::whole(suggestion.travel_hours_after)
                ));
                ui.horizontal(|ui| match edit.take() {
                    Some(accept) => {
                        if ui.button("Accept").clicked() {
                            commands.push(Command::Edit(accept));
                            close = true;
                        } else {
                            *edit = Some(accept);
                        }
                        close |= ui.button("Close").clicked();
                    }
                    None => {
                        ui.label("Every territory has its suggested rep already.");
                        close |= ui.button("Close").clicked();
                    }
                });
            });
        if !open || close {
            self.reps = None;
        }
    }
}

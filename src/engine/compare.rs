//! Two plans side by side: per-territory and per-rep deltas, a plan-level summary, and the
//! disruption (which accounts change hands).
//!
//! Territories are matched by name: a duplicated scenario gets new territory ids (ids are
//! unique in the project) but keeps the names, and a name is what the planner compares
//! ("Noord in the current plan against Noord in the draft"). Reps are project-wide, so they
//! are matched by id.

use std::sync::Arc;

use serde::Serialize;

use super::balance::{BalanceMetric, MetricBalance};
use super::index::AccountGrid;
use super::live::LiveAssignment;
use super::metrics::TerritoryMetrics;
use super::report::ScenarioReport;
use crate::model::{AccountId, Project, RepId, Scenario};

/// One plan of a comparison: the scenario, its live assignment and its report.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Its assignment.
    pub plan: &'a LiveAssignment,
    /// Its metrics and balance.
    pub report: &'a ScenarioReport,
}

/// One metric of one row in A and in B.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricDelta {
    /// The value in plan A (`None`: not in A, or the metric does not apply).
    pub a: Option<f64>,
    /// The value in plan B.
    pub b: Option<f64>,
    /// Outside the balance tolerance in A.
    pub out_a: bool,
    /// Outside the balance tolerance in B.
    pub out_b: bool,
}

impl MetricDelta {
    /// "+EUR 1,250" / "-3.5 %" style texts of the difference and its percentage.
    pub fn texts(&self, metric: super::balance::BalanceMetric) -> (String, String) {
        crate::numbers::delta_texts(metric.unit(), self.difference(), self.percent())
    }

    /// B minus A, where both have a value.
    pub fn difference(&self) -> Option<f64> {
        Some(self.b? - self.a?)
    }

    /// The difference in percent of A (`None` when A is zero or missing).
    pub fn percent(&self) -> Option<f64> {
        let a = self.a.filter(|a| *a != 0.0)?;
        Some(100.0 * self.difference()? / a.abs())
    }
}

/// A territory (or a rep) in both plans: one [`MetricDelta`] per [`BalanceMetric::ALL`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowDelta {
    /// Territory or rep name.
    pub name: String,
    /// Per metric, in [`BalanceMetric::ALL`] order.
    pub metrics: Vec<MetricDelta>,
}

impl RowDelta {
    /// The delta of one metric.
    pub fn metric(&self, metric: BalanceMetric) -> MetricDelta {
        let k = BalanceMetric::ALL
            .iter()
            .position(|m| *m == metric)
            .unwrap_or(0);
        self.metrics[k]
    }
}

/// Plan-level numbers for the summary table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlanSummary {
    /// Largest deviation of a territory's potential from the mean, percent.
    pub potential_max_deviation_pct: f64,
    /// Standard deviation of potential across territories, EUR/yr.
    pub potential_std: f64,
    /// Largest deviation of a territory's workload from the mean, percent.
    pub workload_max_deviation_pct: f64,
    /// Standard deviation of workload across territories, hours/yr.
    pub workload_std: f64,
    /// Drive time of all territories, hours/yr.
    pub travel_total_hours: f64,
    /// Mean drive time per territory, hours/yr.
    pub travel_mean_hours: f64,
    /// Accounts in no territory.
    pub gaps: usize,
    /// Accounts in two or more territories.
    pub overlaps: usize,
}

impl PlanSummary {
    /// The summary of one plan's report.
    pub fn of(report: &ScenarioReport) -> PlanSummary {
        let values = |m: BalanceMetric| -> Vec<f64> {
            report
                .territories
                .iter()
                .filter_map(|t| m.value(&t.metrics))
                .collect()
        };
        let max_dev = |m: BalanceMetric| report.balance_of(m).map_or(0.0, |b| b.max_deviation_pct);
        let travel = values(BalanceMetric::Travel);
        let travel_total_hours: f64 = travel.iter().sum();
        PlanSummary {
            potential_max_deviation_pct: max_dev(BalanceMetric::Potential),
            potential_std: std_dev(&values(BalanceMetric::Potential)),
            workload_max_deviation_pct: max_dev(BalanceMetric::Workload),
            workload_std: std_dev(&values(BalanceMetric::Workload)),
            travel_total_hours,
            travel_mean_hours: if travel.is_empty() {
                0.0
            } else {
                travel_total_hours / travel.len() as f64
            },
            gaps: report.gaps,
            overlaps: report.overlaps,
        }
    }
}

/// The plan-level summary as (label, A, B).
pub fn summary_lines(s: &[PlanSummary; 2]) -> Vec<(&'static str, f64, f64)> {
    let [a, b] = s;
    vec![
        (
            "potential max deviation %",
            a.potential_max_deviation_pct,
            b.potential_max_deviation_pct,
        ),
        ("potential std dev EUR", a.potential_std, b.potential_std),
        (
            "workload max deviation %",
            a.workload_max_deviation_pct,
            b.workload_max_deviation_pct,
        ),
        ("workload std dev h", a.workload_std, b.workload_std),
        ("travel total h", a.travel_total_hours, b.travel_total_hours),
        ("travel mean h", a.travel_mean_hours, b.travel_mean_hours),
        ("gaps", a.gaps as f64, b.gaps as f64),
        ("overlaps", a.overlaps as f64, b.overlaps as f64),
    ]
}

/// Population standard deviation (0 for fewer than two values).
fn std_dev(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// An account that changes territory or rep between plan A and plan B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// Account row in the project's account table.
    pub row: usize,
    /// The account's id.
    pub account: AccountId,
    /// Territory name in A (`None`: in no territory).
    pub from: Option<String>,
    /// Territory name in B.
    pub to: Option<String>,
    /// Rep in A.
    pub from_rep: Option<RepId>,
    /// Rep in B.
    pub to_rep: Option<RepId>,
    /// The account's potential, EUR/yr.
    pub potential: f64,
    /// The account's revenue, EUR/yr.
    pub revenue: f64,
}

/// What one rep gains and loses (`rep` `None` stands for accounts without a rep).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepFlow {
    /// The rep.
    pub rep: Option<RepId>,
    /// The rep's name ("(no rep)" for none).
    pub name: String,
    /// Accounts the rep gets.
    pub gained: usize,
    /// Accounts the rep gives up.
    pub lost: usize,
    /// Potential gained minus potential lost, EUR/yr.
    pub net_potential: f64,
    /// Revenue gained minus revenue lost, EUR/yr.
    pub net_revenue: f64,
}

impl RepFlow {
    /// Gained minus lost accounts.
    pub fn net(&self) -> i64 {
        self.gained as i64 - self.lost as i64
    }
}

/// Who changes hands between two plans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disruption {
    /// Every account whose territory (by name) or rep differs, in account order. Left out
    /// of JSON (it can hold a million rows): `tessera compare --moves` writes it as CSV.
    #[serde(skip)]
    pub moves: Vec<Move>,
    /// How many accounts change hands.
    pub moved: usize,
    /// Potential of the moved accounts, EUR/yr.
    pub potential_moved: f64,
    /// Revenue of the moved accounts, EUR/yr.
    pub revenue_moved: f64,
    /// Per rep (and "(no rep)") with any account gained or lost, by rep id.
    pub reps: Vec<RepFlow>,
}

/// Plan A against plan B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Name of plan A.
    pub a: String,
    /// Name of plan B.
    pub b: String,
    /// Per territory name: A's territories in order, then those only in B.
    pub territories: Vec<RowDelta>,
    /// Per rep working a territory in either plan, by rep id.
    pub reps: Vec<RowDelta>,
    /// Plan-level summary of A and of B.
    pub summary: [PlanSummary; 2],
    /// Who changes hands.
    pub disruption: Disruption,
}

impl Comparison {
    /// Compares two plans of `project`. Both plans must follow the same account table.
    pub fn new(project: &Project, a: Side<'_>, b: Side<'_>) -> Comparison {
        Comparison {
            a: a.scenario.name.clone(),
            b: b.scenario.name.clone(),
            territories: territory_deltas(a.report, b.report),
            reps: rep_deltas(project, a, b),
            summary: [PlanSummary::of(a.report), PlanSummary::of(b.report)],
            disruption: disruption(project, a, b),
        }
    }
}

/// Both plans of a comparison and the comparison itself: the window keeps the plans to draw
/// the two maps while the planner pans.
#[derive(Debug)]
pub struct ComparedPlans {
    /// The live assignments of A and B.
    pub plans: [LiveAssignment; 2],
    /// A against B.
    pub comparison: Comparison,
}

/// Compares two scenarios of `project` from scratch: both plans and reports, then the
/// comparison (the command line and benchmarks, which have no account grid yet).
pub fn compare_scenarios(project: &Project, a: &Scenario, b: &Scenario) -> Comparison {
    let grid = Arc::new(AccountGrid::new(
        project.accounts.lons(),
        project.accounts.lats(),
    ));
    compare_plans(project, a, b, grid).comparison
}

/// Computes both plans on `grid` (the project's account grid: the window shares its own
/// rather than building another), their reports and the comparison, and keeps the plans.
pub fn compare_plans(
    project: &Project,
    a: &Scenario,
    b: &Scenario,
    grid: Arc<AccountGrid>,
) -> ComparedPlans {
    let plans = [
        LiveAssignment::new(project, a, Arc::clone(&grid)),
        LiveAssignment::new(project, b, grid),
    ];
    let (ra, rb) = (
        ScenarioReport::from_plan(project, a, &plans[0]),
        ScenarioReport::from_plan(project, b, &plans[1]),
    );
    let comparison = Comparison::new(
        project,
        Side {
            scenario: a,
            plan: &plans[0],
            report: &ra,
        },
        Side {
            scenario: b,
            plan: &plans[1],
            report: &rb,
        },
    );
    ComparedPlans { plans, comparison }
}

/// Rows matched by name, A's order first.
fn deltas(
    a: &[(String, TerritoryMetrics)],
    b: &[(String, TerritoryMetrics)],
    tolerance: f64,
) -> Vec<RowDelta> {
    let metrics = |rows: &[(String, TerritoryMetrics)]| -> Vec<TerritoryMetrics> {
        rows.iter().map(|(_, m)| m.clone()).collect()
    };
    let (ma, mb) = (metrics(a), metrics(b));
    let balance = |m: BalanceMetric, all: &[TerritoryMetrics]| MetricBalance::of(m, all, tolerance);
    let balances: Vec<(MetricBalance, MetricBalance)> = BalanceMetric::ALL
        .iter()
        .map(|&m| (balance(m, &ma), balance(m, &mb)))
        .collect();
    let mut names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    for (n, _) in b {
        if !names.contains(&n.as_str()) {
            names.push(n);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let ka = a.iter().position(|(n, _)| n == name);
            let kb = b.iter().position(|(n, _)| n == name);
            let metrics = BalanceMetric::ALL
                .iter()
                .zip(&balances)
                .map(|(&m, (ba, bb))| MetricDelta {
                    a: ka.and_then(|k| m.value(&ma[k])),
                    b: kb.and_then(|k| m.value(&mb[k])),
                    out_a: ka.is_some_and(|k| ba.outside_tolerance[k]),
                    out_b: kb.is_some_and(|k| bb.outside_tolerance[k]),
                })
                .collect();
            RowDelta {
                name: name.to_owned(),
                metrics,
            }
        })
        .collect()
}

fn territory_deltas(a: &ScenarioReport, b: &ScenarioReport) -> Vec<RowDelta> {
    let rows = |r: &ScenarioReport| -> Vec<(String, TerritoryMetrics)> {
        r.territories
            .iter()
            .map(|t| (t.name.clone(), t.metrics.clone()))
            .collect()
    };
    deltas(&rows(a), &rows(b), a.tolerance)
}

/// Each rep's territories added up (capacity use recomputed from the sums).
fn per_rep(project: &Project, side: Side<'_>) -> Vec<(RepId, TerritoryMetrics)> {
    let mut out: Vec<(RepId, TerritoryMetrics)> = Vec::new();
    for (t, row) in side
        .scenario
        .territories
        .iter()
        .zip(&side.report.territories)
    {
        let Some(rep) = t.rep else { continue };
        let k = match out.iter().position(|(r, _)| *r == rep) {
            Some(k) => k,
            None => {
                out.push((rep, TerritoryMetrics::default()));
                out.len() - 1
            }
        };
        let sum = &mut out[k].1;
        let m = &row.metrics;
        sum.accounts += m.accounts;
        sum.prospects += m.prospects;
        sum.customers += m.customers;
        sum.potential += m.potential;
        sum.revenue += m.revenue;
        sum.workload_hours += m.workload_hours;
        sum.travel_hours += m.travel_hours;
    }
    for (rep, sum) in &mut out {
        sum.capacity_use = project
            .rep(*rep)
            .map(|r| r.capacity_hours)
            .filter(|c| *c > 0.0)
            .map(|c| sum.workload_hours / c);
    }
    out
}

fn rep_deltas(project: &Project, a: Side<'_>, b: Side<'_>) -> Vec<RowDelta> {
    let (ra, rb) = (per_rep(project, a), per_rep(project, b));
    let mut ids: Vec<RepId> = ra.iter().chain(&rb).map(|(r, _)| *r).collect();
    ids.sort_by_key(|r| r.0);
    ids.dedup();
    // Every rep on both sides, with zeros where a rep works nothing, so that rows line up.
    let rows = |side: &[(RepId, TerritoryMetrics)]| -> Vec<(String, TerritoryMetrics)> {
        ids.iter()
            .map(|id| {
                let name = project
                    .rep(*id)
                    .map_or_else(|| format!("rep {}", id.0), |r| r.name.clone());
                let m = side
                    .iter()
                    .find(|(r, _)| r == id)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default();
                (name, m)
            })
            .collect()
    };
    deltas(&rows(&ra), &rows(&rb), a.report.tolerance)
}

/// The territory owning account `row` in one plan.
fn owner<'a>(side: Side<'a>, row: usize) -> Option<&'a crate::model::Territory> {
    side.plan
        .owner(row)
        .and_then(|t| side.scenario.territories.get(t))
}

/// The flow entry of one rep, added on first use.
fn flow_of<'r>(
    reps: &'r mut Vec<RepFlow>,
    project: &Project,
    rep: Option<RepId>,
) -> &'r mut RepFlow {
    let k = match reps.iter().position(|f| f.rep == rep) {
        Some(k) => k,
        None => {
            let name = rep
                .and_then(|r| project.rep(r))
                .map_or_else(|| "(no rep)".to_owned(), |r| r.name.clone());
            reps.push(RepFlow {
                rep,
                name,
                gained: 0,
                lost: 0,
                net_potential: 0.0,
                net_revenue: 0.0,
            });
            reps.len() - 1
        }
    };
    &mut reps[k]
}

/// Who changes hands from plan A to plan B: every account whose territory (by name) or rep
/// differs, and what each rep gains and loses.
pub fn disruption(project: &Project, a: Side<'_>, b: Side<'_>) -> Disruption {
    let accounts = &project.accounts;
    let mut moves = Vec::new();
    for row in 0..accounts.len() {
        let (ta, tb) = (owner(a, row), owner(b, row));
        let (from, to) = (ta.map(|t| t.name.as_str()), tb.map(|t| t.name.as_str()));
        let (from_rep, to_rep) = (ta.and_then(|t| t.rep), tb.and_then(|t| t.rep));
        if from == to && from_rep == to_rep {
            continue;
        }
        moves.push(Move {
            row,
            account: accounts.ids()[row],
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            from_rep,
            to_rep,
            potential: accounts.potential(row),
            revenue: accounts.revenue(row),
        });
    }
    let mut reps: Vec<RepFlow> = Vec::new();
    for m in moves.iter().filter(|m| m.from_rep != m.to_rep) {
        let lost = flow_of(&mut reps, project, m.from_rep);
        lost.lost += 1;
        lost.net_potential -= m.potential;
        lost.net_revenue -= m.revenue;
        let gained = flow_of(&mut reps, project, m.to_rep);
        gained.gained += 1;
        gained.net_potential += m.potential;
        gained.net_revenue += m.revenue;
    }
    // Reps in id order, "(no rep)" last.
    reps.sort_by_key(|f| f.rep.map_or(u32::MAX, |r| r.0));
    Disruption {
        moved: moves.len(),
        potential_moved: moves.iter().map(|m| m.potential).sum(),
        revenue_moved: moves.iter().map(|m| m.revenue).sum(),
        moves,
        reps,
    }
}

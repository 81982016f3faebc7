//! What a design or rebalance achieved, measured by the engine on the new plan: each
//! balanced metric's largest deviation (the accounts' own column from the units' sums),
//! contiguity, compactness, and for a rebalance who gains and loses what.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::design::{DesignReport, DesignRequest, RepChange};
use crate::design::graph::{UnitGraph, is_connected};
use crate::design::{Problem, Solution};
use crate::engine::compare::Side;
use crate::engine::index::AccountGrid;
use crate::engine::live::LiveAssignment;
use crate::engine::report::ScenarioReport;
use crate::model::{Project, Scenario};

/// The largest deviation from the mean of the accounts' own column, %: summed per
/// territory from its units and key accounts (the engine does not know the column).
pub(super) fn column_deviation_pct(problem: &Problem, of: &[u32], territories: usize) -> f64 {
    let slot = crate::design::Slot::Column as usize;
    let mut sums = vec![0.0; territories];
    for (u, &t) in of.iter().enumerate() {
        if let Some(sum) = sums.get_mut(t as usize) {
            *sum += problem.loads.sums[u][slot];
        }
    }
    for key in &problem.keys {
        if let Some(sum) = sums.get_mut(key.territory as usize) {
            *sum += key.add[slot];
        }
    }
    let mean = sums.iter().sum::<f64>() / territories.max(1) as f64;
    if mean == 0.0 {
        return 0.0;
    }
    sums.iter()
        .map(|s| (s / mean - 1.0).abs() * 100.0)
        .fold(0.0, f64::max)
}

/// Measures the new plan with the engine: balance, contiguity, compactness, and (for a
/// rebalance) who gains and loses what.
pub(super) fn measure(
    project: &Project,
    source: &Scenario,
    scenario: &Scenario,
    request: &DesignRequest,
    graph: &UnitGraph,
    solution: &Solution,
    rebalance: bool,
) -> DesignReport {
    let grid = Arc::new(AccountGrid::new(
        project.accounts.lons(),
        project.accounts.lats(),
    ));
    let plan = LiveAssignment::new(project, scenario, Arc::clone(&grid));
    let report = ScenarioReport::from_plan(project, scenario, &plan);
    let max_deviation_pct: BTreeMap<String, f64> = request
        .balance
        .iter()
        .map(|(m, _)| {
            let worst = report.balance_of(*m).map_or(0.0, |b| b.max_deviation_pct);
            (m.label().to_owned(), worst)
        })
        .collect();
    let limits_met = request.limits.iter().all(|limit| {
        report
            .territories
            .iter()
            .filter_map(|t| limit.metric.value(&t.metrics))
            .all(|v| limit.admits(v))
    });
    let feasible = limits_met
        && max_deviation_pct
            .values()
            .all(|d| *d <= request.tolerance * 100.0 + 1e-9);
    let k = scenario.territories.len();
    let contiguous = (0..k as u32)
        .filter(|&t| solution.of.contains(&t) && is_connected(graph, &solution.of, t))
        .count();
    let polsby_popper_mean = if k == 0 {
        0.0
    } else {
        report
            .territories
            .iter()
            .map(|t| t.metrics.polsby_popper)
            .sum::<f64>()
            / k as f64
    };
    let (moved_accounts, moved_potential_pct, per_rep) = if rebalance {
        let new = Side {
            scenario,
            plan: &plan,
            report: &report,
        };
        disruption(project, source, new, grid)
    } else {
        (0, 0.0, Vec::new())
    };
    DesignReport {
        scenario: scenario.name.clone(),
        seconds: 0.0,
        max_deviation_pct,
        tolerance_pct: request.tolerance * 100.0,
        feasible,
        limits_met,
        contiguous,
        territories: k,
        polsby_popper_mean,
        moved_accounts,
        moved_potential_pct,
        moved_by_snapping: 0,
        units_moved: solution.stats.moves,
        iterations: solution.stats.iterations,
        cancelled: solution.stats.cancelled,
        accounts_outside_units: 0,
        per_rep,
        rebalance,
    }
}

/// Accounts (and their potential, % of all) that change hands from `source` to the
/// rebalanced `scenario` (the engine's comparison), and per rep (or per territory without
/// one) what they gain and lose.
fn disruption(
    project: &Project,
    source: &Scenario,
    new: Side<'_>,
    grid: Arc<AccountGrid>,
) -> (usize, f64, Vec<RepChange>) {
    let plan = LiveAssignment::new(project, source, grid);
    let report = ScenarioReport::from_plan(project, source, &plan);
    let before = Side {
        scenario: source,
        plan: &plan,
        report: &report,
    };
    let moved = crate::engine::compare::disruption(project, before, new);
    let who = |territory: &Option<String>, rep: Option<crate::model::RepId>| {
        rep.and_then(|r| project.rep(r))
            .map(|r| r.name.clone())
            .or_else(|| territory.clone())
    };
    let mut changes: BTreeMap<String, RepChange> = BTreeMap::new();
    for m in &moved.moves {
        if let Some(name) = who(&m.from, m.from_rep) {
            let c = changes
                .entry(name.clone())
                .or_insert_with(|| RepChange::none(name));
            c.lost_accounts += 1;
            c.lost_potential += m.potential;
        }
        if let Some(name) = who(&m.to, m.to_rep) {
            let c = changes
                .entry(name.clone())
                .or_insert_with(|| RepChange::none(name));
            c.gained_accounts += 1;
            c.gained_potential += m.potential;
        }
    }
    let potential: f64 = project.accounts.potentials().iter().sum();
    let pct = if potential > 0.0 {
        100.0 * moved.potential_moved / potential
    } else {
        0.0
    };
    (moved.moved, pct, changes.into_values().collect())
}

impl RepChange {
    /// A rep (or territory) that neither gains nor loses yet.
    fn none(rep: String) -> RepChange {
        RepChange {
            rep,
            gained_accounts: 0,
            lost_accounts: 0,
            gained_potential: 0.0,
            lost_potential: 0.0,
        }
    }
}

//! Automatic territory design and rebalancing on a layer of units (issue 14), and the
//! optimal assignment of reps to territories.
//!
//! Everything here works on positions (unit `u`, territory `t`) and per-unit sums, never on
//! accounts one by one: the accounts are summed into their units once ([`loads`]), the units
//! form a graph ([`graph`]), a first plan is grown from seeds ([`grow`]) and improved by
//! moving border units ([`search`] over a [`partition::Partition`]). Same input and seed,
//! same plan: every order is fixed, every random draw comes from one seeded generator, and
//! nothing runs in parallel where it could change a sum. The session turns the result into
//! a scenario and measures it with the engine ([`crate::session::design_edit`]).

pub mod anneal;
pub mod assignment;
pub mod contract;
pub mod graph;
pub mod grow;
pub mod loads;
pub mod partition;
pub mod search;

use crate::engine::balance::BalanceMetric;
use crate::rng::SplitMix64;
use graph::UnitGraph;
use grow::FREE;
use loads::UnitLoads;
use partition::{KeyAccount, Partition};
use search::SearchStats;

/// How many numbers a unit carries: one per [`Slot`].
pub const SLOTS: usize = 6;

/// The numbers a design can balance, as positions in a unit's sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Account count.
    Accounts = 0,
    /// Prospect count.
    Prospects = 1,
    /// Potential, EUR/yr.
    Potential = 2,
    /// Revenue, EUR/yr.
    Revenue = 3,
    /// Workload: visit minutes plus travel from the territory's base.
    Workload = 4,
    /// A numeric column of the accounts' own (their turnover last year, say), named in the
    /// request.
    Column = 5,
}

impl Slot {
    /// The slot of a balance metric, or `None` for one a design cannot balance (travel and
    /// capacity use depend on reps a design does not choose).
    pub fn of(metric: BalanceMetric) -> Option<Slot> {
        match metric {
            BalanceMetric::Accounts => Some(Slot::Accounts),
            BalanceMetric::Prospects => Some(Slot::Prospects),
            BalanceMetric::Potential => Some(Slot::Potential),
            BalanceMetric::Revenue => Some(Slot::Revenue),
            BalanceMetric::Workload => Some(Slot::Workload),
            BalanceMetric::Travel | BalanceMetric::CapacityUse => None,
        }
    }
}

/// What a design aims for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// Per slot, how much its balance weighs (0: not balanced).
    pub weights: [f64; SLOTS],
    /// The largest deviation from the mean allowed, as a fraction (0.05 = +-5 %).
    pub tolerance: f64,
    /// How much round shapes weigh (0: not at all; 1: the default).
    pub compactness: f64,
    /// Per slot, the least and most a territory may hold (in the slot's units: workload in
    /// minutes), whether or not the slot is balanced; unbounded by default.
    pub limits: [(f64, f64); SLOTS],
}

impl Goal {
    /// A goal balancing `balance` (metric and weight), and the accounts' own numeric column
    /// with weight `column` if given, within `tolerance`.
    pub fn new(
        balance: &[(BalanceMetric, f64)],
        column: Option<f64>,
        tolerance: f64,
        compactness: f64,
    ) -> Result<Goal, String> {
        let mut weights = [0.0; SLOTS];
        for &(metric, weight) in balance {
            let Some(slot) = Slot::of(metric) else {
                return Err(format!(
                    "a design cannot balance {}; choose from potential, workload, accounts, \
                     prospects and revenue",
                    metric.label()
                ));
            };
            if !(weight.is_finite() && weight > 0.0) {
                return Err(format!(
                    "the weight of {} must be a positive number, not {weight}",
                    metric.label()
                ));
            }
            weights[slot as usize] = weight;
        }
        if let Some(weight) = column {
            if !(weight.is_finite() && weight > 0.0) {
                return Err(format!(
                    "the weight of the column must be a positive number, not {weight}"
                ));
            }
            weights[Slot::Column as usize] = weight;
        }
        if weights.iter().all(|w| *w == 0.0) {
            return Err("choose at least one metric to balance".into());
        }
        if !(tolerance.is_finite() && tolerance > 0.0 && tolerance < 1.0) {
            return Err(format!(
                "the tolerance must be between 0 and 100 %, not {:.1} %",
                tolerance * 100.0
            ));
        }
        if !(compactness.is_finite() && compactness >= 0.0) {
            return Err(format!(
                "the compactness weight must be 0 or more, not {compactness}"
            ));
        }
        Ok(Goal {
            weights,
            tolerance,
            compactness,
            limits: [(f64::NEG_INFINITY, f64::INFINITY); SLOTS],
        })
    }

    /// The goal, with territories holding at least `min` and at most `max` of `slot` (in the
    /// slot's units).
    pub fn limited(mut self, slot: Slot, min: Option<f64>, max: Option<f64>) -> Goal {
        let limit = &mut self.limits[slot as usize];
        if let Some(min) = min {
            limit.0 = limit.0.max(min);
        }
        if let Some(max) = max {
            limit.1 = limit.1.min(max);
        }
        self
    }
}

/// A design or rebalance to solve, on positions.
#[derive(Debug, Clone)]
pub struct Problem<'a> {
    /// The units and their borders.
    pub graph: &'a UnitGraph,
    /// What each unit's accounts add up to.
    pub loads: &'a UnitLoads,
    /// What to aim for.
    pub goal: Goal,
    /// Per territory: its rep's home (travel is measured from there, and a design seeds the
    /// territory there), or `None` (travel from its centroid).
    pub homes: Vec<Option<(f64, f64)>>,
    /// Per unit: the territory it must stay in, or [`FREE`].
    pub fixed: Vec<u32>,
    /// Per territory: whether it is locked (it keeps its units and takes no others).
    pub locked: Vec<bool>,
    /// Key accounts, which stay with their territory whatever units move.
    pub keys: Vec<KeyAccount>,
}

/// The share of the tolerance a design or rebalance aims at: the engine measures travel
/// account by account, the search unit by unit, so the search keeps a margin.
const AIM: f64 = 0.9;

/// A plan found, on positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The territory of each unit.
    pub of: Vec<u32>,
    /// What the search did.
    pub stats: SearchStats,
}

/// Designs territories from scratch: seeds (at the homes, or spread over the load), grown
/// into connected territories, then border units moved until the cost settles; if that
/// leaves a territory outside the tolerance, a wider search ([`anneal`]) and the sweeps
/// again. Units in `problem.fixed` stay. `progress(iteration, worst deviation)` returns
/// false to stop early (the plan so far is returned).
pub fn design(
    problem: &Problem,
    seed: u64,
    progress: &mut dyn FnMut(usize, f64) -> bool,
) -> Solution {
    let graph = problem.graph;
    let weight = growth_weights(problem);
    let territories: Vec<u32> = (0..problem.homes.len() as u32)
        .filter(|&t| !problem.locked[t as usize])
        .collect();
    let free: Vec<bool> = problem.fixed.iter().map(|&t| t == FREE).collect();
    let mut rng = SplitMix64::new(seed);
    let at_homes = territories
        .iter()
        .all(|&t| problem.homes[t as usize].is_some());
    let seeds = if at_homes {
        let mut taken = vec![false; graph.len()];
        territories
            .iter()
            .filter_map(|&t| {
                let home = problem.homes[t as usize]?;
                let u = nearest_unit(graph, home, |u| free[u] && !taken[u])?;
                taken[u] = true;
                Some(u as u32)
            })
            .collect()
    } else {
        grow::spread_seeds(graph, &weight.fixed, &free, territories.len(), &mut rng)
    };
    // Fewer free units than territories: the territories without a seed stay empty.
    let territories = &territories[..seeds.len()];
    let of = grow::grow_rounds(
        graph,
        &weight,
        seeds,
        territories,
        &problem.fixed,
        !at_homes,
    );
    let aimed = Problem {
        goal: Goal {
            tolerance: problem.goal.tolerance * AIM,
            ..problem.goal
        },
        ..problem.clone()
    };
    let mut partition = Partition::new(&aimed, of);
    let mut stats = search::design_sweeps(&mut partition, &mut rng, progress);
    // Outside the tolerance, search wider, then round the shapes again.
    if !stats.cancelled && partition.total_excess(aimed.goal.tolerance) > 0.0 {
        let wider = anneal::threshold_accepting(
            &mut partition,
            &mut rng,
            aimed.goal.tolerance,
            &mut |round, worst| progress(stats.iterations + round, worst),
        );
        let polished = search::design_sweeps(&mut partition, &mut rng, &mut |sweep, worst| {
            progress(stats.iterations + wider.iterations + sweep, worst)
        });
        stats.iterations += wider.iterations + polished.iterations;
        stats.moves += wider.moves + polished.moves;
        stats.cancelled = wider.cancelled || polished.cancelled;
    }
    Solution {
        of: partition.into_assignment(),
        stats,
    }
}

/// Rebalances the plan `start` (a territory per unit): border units move, as few and as
/// light as can be, until every balanced metric is within the tolerance. Taking a unit from
/// its territory costs its share of the plan's potential and accounts; units without
/// accounts travel with their neighbours (see [`contract`]).
pub fn rebalance(
    problem: &Problem,
    start: Vec<u32>,
    progress: &mut dyn FnMut(usize, f64) -> bool,
) -> Solution {
    let c = contract::contract(problem.graph, problem.loads, &start, &problem.fixed);
    let groups = c.graph.len();
    let mut leader = vec![usize::MAX; groups];
    for (u, &g) in c.group_of.iter().enumerate() {
        if leader[g as usize] == usize::MAX {
            leader[g as usize] = u;
        }
    }
    let grouped = Problem {
        graph: &c.graph,
        loads: &c.loads,
        fixed: leader.iter().map(|&u| problem.fixed[u]).collect(),
        ..problem.clone()
    };
    let origin: Vec<u32> = leader.iter().map(|&u| start[u]).collect();
    let share = disruption_shares(&c.loads);
    let mut partition = Partition::new(&grouped, origin.clone());
    let aim = problem.goal.tolerance * AIM;
    let stats = search::rebalance_moves(&mut partition, &origin, &share, aim, progress);
    let moved = partition.into_assignment();
    Solution {
        of: c.group_of.iter().map(|&g| moved[g as usize]).collect(),
        stats,
    }
}

/// What taking each unit from its territory costs: the mean of its shares of the plan's
/// potential and accounts.
fn disruption_shares(loads: &UnitLoads) -> Vec<f64> {
    let total = |s: Slot| loads.sums.iter().map(|x| x[s as usize]).sum::<f64>();
    let (potential, accounts) = (total(Slot::Potential), total(Slot::Accounts));
    let part = |x: f64, of: f64| if of > 0.0 { x / of } else { 0.0 };
    loads
        .sums
        .iter()
        .map(|x| {
            (part(x[Slot::Potential as usize], potential)
                + part(x[Slot::Accounts as usize], accounts))
                / 2.0
        })
        .collect()
}

/// Per unit, its share of every balanced total, weighed as the goal weighs them (plus a
/// trace of its area, so that empty land is shared out too), and the travel it adds per km
/// from the seed (in the workload's share): what growth balances.
fn growth_weights(problem: &Problem) -> grow::GrowthLoad {
    let loads = problem.loads;
    let mut totals = [0.0; SLOTS];
    for sums in &loads.sums {
        for (t, s) in totals.iter_mut().zip(sums) {
            *t += s;
        }
    }
    let area: f64 = problem.graph.area_km2.iter().sum();
    let fixed = (0..problem.graph.len())
        .map(|u| {
            let share: f64 = (0..SLOTS)
                .filter(|&s| problem.goal.weights[s] > 0.0 && totals[s] > 0.0)
                .map(|s| problem.goal.weights[s] * loads.sums[u][s] / totals[s])
                .sum();
            let land = if area > 0.0 {
                problem.graph.area_km2[u] / area
            } else {
                0.0
            };
            share + 1e-3 * land
        })
        .collect();
    let workload = Slot::Workload as usize;
    let per_km = (0..problem.graph.len())
        .map(|u| {
            if problem.goal.weights[workload] > 0.0 && totals[workload] > 0.0 {
                problem.goal.weights[workload] * loads.visits[u] * loads.minutes_per_km
                    / totals[workload]
            } else {
                0.0
            }
        })
        .collect();
    grow::GrowthLoad { fixed, per_km }
}

/// The unit whose centroid is nearest `at` among those `allowed`.
pub fn nearest_unit(
    graph: &UnitGraph,
    at: (f64, f64),
    allowed: impl Fn(usize) -> bool,
) -> Option<usize> {
    (0..graph.len()).filter(|&u| allowed(u)).min_by(|&a, &b| {
        let d = |u: usize| {
            let c = graph.centroid[u];
            crate::engine::haversine_km(c.0, c.1, at.0, at.1)
        };
        d(a).total_cmp(&d(b))
    })
}

//! Automatic design and rebalancing as edits: a request (layer, metrics, tolerance, locks,
//! seed) becomes a new scenario of unit-based territories, measured by the engine, with a
//! report of what it achieved. Reads the project only, so that the window can make the edit
//! on another thread and apply it when done.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use super::SessionError;
use super::design_measure::{column_deviation_pct, measure};
use super::units::source_plan;
use crate::design::graph::UnitGraph;
use crate::design::grow::FREE;
use crate::design::loads::{UnitLoads, contribution};
use crate::design::partition::KeyAccount;
use crate::design::{Goal, Problem, Slot};
use crate::engine::balance::BalanceMetric;
use crate::model::{
    AccountId, Change, Colour, Edit, Project, Scenario, Territory, TerritoryId, UnitPlan,
    next_territory_id,
};
use crate::units::layer::UnitLayer;
use crate::units::snap::{snap_plan, units_of_accounts};

/// How many territories a design makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerritoryCount {
    /// This many (locked territories included).
    Count(usize),
    /// One per rep, seeded at the rep's home (reps of locked territories keep theirs).
    PerRep,
}

/// What the planner asks of a design or a rebalance.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignRequest {
    /// The unit layer to build from (`nl-pc4`).
    pub layer: String,
    /// How many territories (a design; a rebalance keeps the plan's).
    pub count: TerritoryCount,
    /// The metrics to balance, with their weights.
    pub balance: Vec<(BalanceMetric, f64)>,
    /// The largest deviation from the mean allowed, as a fraction (0.05 = +-5 %).
    pub tolerance: f64,
    /// How much round shapes weigh (1: the default; 0: not at all).
    pub compactness: f64,
    /// Territories of the source plan that keep their units, by name.
    pub locked: Vec<String>,
    /// Units that stay in the territory holding them (a rebalance), by code.
    pub locked_units: Vec<String>,
    /// A numeric column of the accounts' own to balance too, with its weight.
    pub column: Option<(String, f64)>,
    /// The least and most every territory may hold of some metrics.
    pub limits: Vec<Limit>,
    /// The random seed: the same seed gives the same plan.
    pub seed: u64,
    /// The plan to start from (rebalance) or take locks from (design), by name; the active
    /// plan when `None`.
    pub from: Option<String>,
    /// The name of the new scenario.
    pub into: String,
}

/// What a rebalance takes from and gives to one rep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepChange {
    /// The rep (or the territory's name where it has no rep).
    pub rep: String,
    /// Accounts the rep gains.
    pub gained_accounts: usize,
    /// Accounts the rep loses.
    pub lost_accounts: usize,
    /// Potential the rep gains, EUR/yr.
    pub gained_potential: f64,
    /// Potential the rep loses, EUR/yr.
    pub lost_potential: f64,
}

/// What a design or rebalance achieved, measured by the engine on the new scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignReport {
    /// The new scenario's name.
    pub scenario: String,
    /// Wall time of the whole run, s.
    pub seconds: f64,
    /// Per balanced metric: the largest deviation of a territory from the mean, %.
    pub max_deviation_pct: BTreeMap<String, f64>,
    /// The tolerance asked for, %.
    pub tolerance_pct: f64,
    /// Whether every balanced metric is within the tolerance and every territory within the
    /// limits.
    pub feasible: bool,
    /// Whether every territory holds what the limits allow (true when there are none).
    pub limits_met: bool,
    /// Territories whose units form one connected set (islands joined to the mainland).
    pub contiguous: usize,
    /// Territories in the plan.
    pub territories: usize,
    /// Mean Polsby-Popper compactness of the territories (1 = a circle).
    pub polsby_popper_mean: f64,
    /// Accounts whose territory differs from the source plan's (rebalance), snapping
    /// included.
    pub moved_accounts: usize,
    /// The potential of those accounts, % of the plan's.
    pub moved_potential_pct: f64,
    /// Of the moved accounts, those the snapping of a freehand plan to units moved alone.
    pub moved_by_snapping: usize,
    /// Units moved between territories by the search.
    pub units_moved: usize,
    /// Sweeps (design) or rounds (rebalance) of the search.
    pub iterations: usize,
    /// Whether the search was stopped before it settled.
    pub cancelled: bool,
    /// Accounts in no unit of the layer: no territory of the new plan holds them.
    pub accounts_outside_units: usize,
    /// Per rep, what the rebalance moved (reps whose accounts did not change are left out).
    pub per_rep: Vec<RepChange>,
    /// Whether this was a rebalance (else a design).
    pub rebalance: bool,
}

/// The least and most every territory may hold of a metric, in the metric's own units
/// (workload in hours a year, potential in EUR): workload against a rep's capacity, say.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limit {
    /// The metric limited.
    #[serde(serialize_with = "metric_label")]
    pub metric: BalanceMetric,
    /// The least a territory may hold.
    pub min: Option<f64>,
    /// The most a territory may hold.
    pub max: Option<f64>,
}

impl Limit {
    /// Whether a territory holding `value` keeps to the limit.
    pub fn admits(&self, value: f64) -> bool {
        self.min.is_none_or(|m| value >= m - 1e-9) && self.max.is_none_or(|m| value <= m + 1e-9)
    }
}

/// A metric by its label, in JSON.
fn metric_label<S: serde::Serializer>(m: &BalanceMetric, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.label())
}

/// The goal's limits from the request's, in the slots' units, aimed 1 % inside (the engine
/// measures travel account by account, the search unit by unit).
fn limited_goal(goal: Goal, limits: &[Limit]) -> Result<Goal, SessionError> {
    let mut goal = goal;
    for limit in limits {
        let Some(slot) = Slot::of(limit.metric) else {
            return Err(refuse(format!(
                "a design cannot limit {}; limit potential, workload, accounts, prospects or \
                 revenue",
                limit.metric.label()
            )));
        };
        for v in [limit.min, limit.max].into_iter().flatten() {
            if !(v.is_finite() && v >= 0.0) {
                return Err(refuse(format!(
                    "a limit of {} must be a number of 0 or more, not {v}",
                    limit.metric.label()
                )));
            }
        }
        if let (Some(min), Some(max)) = (limit.min, limit.max)
            && min > max
        {
            return Err(refuse(format!(
                "the least {} a territory may hold ({min}) is more than the most ({max})",
                limit.metric.label()
            )));
        }
        let unit = if slot == Slot::Workload { 60.0 } else { 1.0 };
        goal = goal.limited(
            slot,
            limit.min.map(|m| m * unit * 1.01),
            limit.max.map(|m| m * unit * 0.99),
        );
    }
    Ok(goal)
}

/// Why a plan could not be made, as a session error.
fn refuse(text: impl Into<String>) -> SessionError {
    SessionError::Design(text.into())
}

/// The source territory (position) holding each unit, and the accounts that turning a
/// freehand plan into units moves by itself (0 for a plan of this layer already).
fn source_units(project: &Project, source: &Scenario, layer: &UnitLayer) -> (Vec<u32>, usize) {
    let position = |t: &TerritoryId| source.territory_index(*t).map(|k| k as u32);
    let (holder, moved) = if source.units.layer.as_deref() == Some(layer.key.as_str()) {
        (source.units.holder.clone(), 0)
    } else {
        let snapped = snap_plan(project, source, layer);
        (snapped.holder, snapped.moved)
    };
    let mut of = vec![FREE; layer.units.len()];
    for (code, t) in &holder {
        if let (Some(u), Some(p)) = (layer.unit(code), position(t)) {
            of[u as usize] = p;
        }
    }
    (of, moved)
}

/// The positions in `source` of the territories named in `names`.
fn locked_positions(source: &Scenario, names: &[String]) -> Result<Vec<usize>, SessionError> {
    names
        .iter()
        .map(|name| {
            source
                .territories
                .iter()
                .position(|t| &t.name == name)
                .ok_or_else(|| {
                    refuse(format!(
                        "plan {} has no territory {name} to lock; its territories are {}",
                        source.name,
                        source
                            .territories
                            .iter()
                            .map(|t| t.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
        })
        .collect()
}

/// The new plan's territories before they have units, each with the source position it
/// continues (if any) and whether it is locked.
struct Layout {
    territories: Vec<Territory>,
    from_source: Vec<Option<usize>>,
    locked: Vec<bool>,
}

/// A design's territories: the locked ones first (as they were), then new ones, named after
/// their reps (per rep) or numbered.
fn design_layout(
    project: &Project,
    source: &Scenario,
    locked: &[usize],
    count: TerritoryCount,
) -> Result<Layout, SessionError> {
    let first_id = next_territory_id(project).0;
    let template = source.territories.first();
    let mut territories: Vec<Territory> = Vec::new();
    let mut from_source = Vec::new();
    for &k in locked {
        territories.push(source.territories[k].clone());
        from_source.push(Some(k));
    }
    let kept_reps: Vec<_> = territories.iter().filter_map(|t| t.rep).collect();
    let new: Vec<(String, Option<crate::model::RepId>)> = match count {
        TerritoryCount::Count(k) => {
            if k <= locked.len() {
                return Err(refuse(format!(
                    "{k} territories cannot be designed with {} of them locked; ask for more",
                    locked.len()
                )));
            }
            (1..=k - locked.len())
                .map(|i| (format!("Territory {i}"), None))
                .collect()
        }
        TerritoryCount::PerRep => {
            let reps: Vec<_> = project
                .reps
                .iter()
                .filter(|r| !kept_reps.contains(&r.id))
                .map(|r| (r.name.clone(), Some(r.id)))
                .collect();
            if reps.is_empty() {
                return Err(refuse(
                    "the project has no reps to design a territory for (import reps, or ask \
                     for a number of territories)",
                ));
            }
            reps
        }
    };
    for (name, rep) in new {
        territories.push(Territory {
            id: TerritoryId(0),
            name,
            colour: Colour::nth(territories.len()),
            rep,
            geometry: geo::MultiPolygon(vec![]),
            rule: Default::default(),
            target: template.map_or(800_000.0, |t| t.target),
            average_deal: template.map_or(40_000.0, |t| t.average_deal),
            conversion: template.map_or(0.10, |t| t.conversion),
        });
        from_source.push(None);
    }
    for (i, t) in territories.iter_mut().enumerate() {
        t.id = TerritoryId(first_id + i as u32);
    }
    let locked = (0..territories.len()).map(|i| i < locked.len()).collect();
    Ok(Layout {
        territories,
        from_source,
        locked,
    })
}

/// Makes a design (`rebalance` false) or a rebalance of the source plan as an edit that adds
/// the new scenario, and measures it. `progress(iteration, worst deviation)` returns false
/// to stop early (the plan so far is kept).
pub fn design_edit(
    project: &Project,
    shown: Option<&Scenario>,
    request: &DesignRequest,
    rebalance: bool,
    progress: &mut dyn FnMut(usize, f64) -> bool,
) -> Result<(Edit, DesignReport), SessionError> {
    let started = Instant::now();
    let goal = Goal::new(
        &request.balance,
        request.column.as_ref().map(|(_, w)| *w),
        request.tolerance,
        request.compactness,
    )
    .map_err(SessionError::Design)?;
    let goal = limited_goal(goal, &request.limits)?;
    if !rebalance && !request.locked_units.is_empty() {
        return Err(refuse(
            "single units stay in their territory in a rebalance; a design makes new \
             territories, so lock whole territories instead",
        ));
    }
    let column = match &request.column {
        Some((name, _)) => super::numeric_column(&project.accounts, name)?,
        None => Vec::new(),
    };
    let source = source_plan(project, shown, request.from.as_deref())?;
    let (layer, new_layer) = if request.layer == super::layers::HEXAGONS {
        let territories = match request.count {
            _ if rebalance => source.territories.len(),
            TerritoryCount::Count(k) => k,
            TerritoryCount::PerRep => project.reps.len(),
        };
        super::layers::hexagon_layer(project, territories)?
    } else {
        (super::layer_in(project, &request.layer)?, None)
    };
    let locked_sources = locked_positions(source, &request.locked)?;
    let graph = UnitGraph::of(&layer);
    let needs_source = rebalance || !locked_sources.is_empty();
    let (source_of, moved_by_snapping) = if needs_source {
        source_units(project, source, &layer)
    } else {
        (vec![FREE; layer.units.len()], 0)
    };
    let (layout, scenario_edit) = if rebalance {
        let (edit, _) =
            crate::edit::scenarios::duplicate_scenario(project, source.id, &request.into)
                .map_err(|r| refuse(r.0))?;
        let Some(Change::Scenario {
            after: Some(copy), ..
        }) = edit.changes.first()
        else {
            return Err(refuse("the copy of the plan was not made"));
        };
        let n = copy.territories.len();
        let layout = Layout {
            territories: copy.territories.clone(),
            from_source: (0..n).map(Some).collect(),
            locked: (0..n).map(|k| locked_sources.contains(&k)).collect(),
        };
        (layout, edit)
    } else {
        let (edit, _) = crate::edit::scenarios::new_scenario(project, &request.into)
            .map_err(|r| refuse(r.0))?;
        (
            design_layout(project, source, &locked_sources, request.count)?,
            edit,
        )
    };
    let k = layout.territories.len();
    // Source position -> new position.
    let new_position = |s: u32| {
        layout
            .from_source
            .iter()
            .position(|f| *f == Some(s as usize))
    };
    let mut fixed: Vec<u32> = source_of
        .iter()
        .map(|&s| match (s != FREE).then(|| new_position(s)).flatten() {
            Some(p) if layout.locked[p] => p as u32,
            _ => FREE,
        })
        .collect();
    for code in &request.locked_units {
        let Some(u) = layer.unit(code.trim()) else {
            return Err(refuse(format!(
                "there is no unit {code} in {}",
                layer.title
            )));
        };
        let Some(p) = (source_of[u as usize] != FREE)
            .then(|| new_position(source_of[u as usize]))
            .flatten()
        else {
            return Err(refuse(format!(
                "unit {code} is in no territory of {}, so it cannot stay in one",
                source.name
            )));
        };
        fixed[u as usize] = p as u32;
    }
    // Key accounts stay with their territory (all of them in a rebalance, those of locked
    // territories in a design), or in a design per rep with their rep's new territory.
    let key_home: BTreeMap<AccountId, usize> = source
        .overrides
        .iter()
        .filter_map(|(account, t)| {
            let s = source.territory_index(*t)?;
            let p = match new_position(s as u32) {
                Some(p) if rebalance || layout.locked[p] => p,
                _ => {
                    let rep = source.territories[s].rep?;
                    layout.territories.iter().position(|n| n.rep == Some(rep))?
                }
            };
            Some((*account, p))
        })
        .collect();
    let mut is_key = vec![false; project.accounts.len()];
    let mut keys = Vec::new();
    for (account, &p) in &key_home {
        if let Some(row) = project.accounts.index_of(*account) {
            is_key[row] = true;
            keys.push(KeyAccount {
                territory: p as u32,
                add: contribution(&project.accounts, &project.settings, &column, row),
                visits: f64::from(project.accounts.visits_per_year(row)).max(0.0),
                at: (project.accounts.lons()[row], project.accounts.lats()[row]),
            });
        }
    }
    let unit_of = units_of_accounts(project, &layer);
    let loads = UnitLoads::of(
        &project.accounts,
        &project.settings,
        &column,
        &unit_of,
        &graph.centroid,
        |row| is_key[row],
    );
    let homes = layout
        .territories
        .iter()
        .map(|t| {
            t.rep
                .and_then(|r| project.rep(r))
                .map(|r| (r.home_lon, r.home_lat))
        })
        .collect();
    let problem = Problem {
        graph: &graph,
        loads: &loads,
        goal,
        homes,
        fixed,
        locked: layout.locked.clone(),
        keys,
    };
    let solution = if rebalance {
        let start = fill_unheld(&graph, &source_of, &layout.locked, |s| {
            new_position(s).map(|p| p as u32)
        });
        crate::design::rebalance(&problem, start, progress)
    } else {
        crate::design::design(&problem, request.seed, progress)
    };
    let mut edit = scenario_edit;
    let Some(Change::Scenario {
        after: Some(scenario),
        ..
    }) = edit.changes.first_mut()
    else {
        return Err(refuse("the new plan was not made"));
    };
    fill_scenario(scenario, &layer, layout.territories, &solution.of);
    if !rebalance {
        scenario.overrides = key_home
            .iter()
            .map(|(a, &p)| (*a, scenario.territories[p].id))
            .collect();
    }
    let balanced: Vec<String> = request
        .balance
        .iter()
        .map(|(m, _)| m.label().to_owned())
        .collect();
    scenario.notes = if rebalance {
        format!(
            "{} rebalanced on {} ({} within {:.0} %)",
            source.name,
            layer.title,
            balanced.join(", "),
            request.tolerance * 100.0
        )
    } else {
        format!(
            "Designed on {} ({} within {:.0} %, seed {})",
            layer.title,
            balanced.join(", "),
            request.tolerance * 100.0,
            request.seed
        )
    };
    edit.description = if rebalance {
        format!("Rebalanced {} as {}", source.name, request.into)
    } else {
        format!("Designed {k} territories as {}", request.into)
    };
    let mut report = measure(
        project, source, scenario, request, &graph, &solution, rebalance,
    );
    report.moved_by_snapping = moved_by_snapping;
    if let Some((name, _)) = &request.column {
        let worst = column_deviation_pct(&problem, &solution.of, k);
        report.feasible &= worst <= request.tolerance * 100.0 + 1e-9;
        report.max_deviation_pct.insert(name.clone(), worst);
    }
    report.accounts_outside_units = loads.outside;
    if let Some(own) = new_layer {
        // The grid of hexagons joins the project with the plan built from it: one edit.
        edit.changes.insert(
            0,
            Change::UnitLayer {
                before: None,
                after: Some(own),
            },
        );
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok((edit, report))
}

/// The new position of every unit the source plan holds; a unit it does not hold goes to
/// the territory of the nearest held unit (fewest borders away) that is not locked, so that
/// every unit is held and locked territories take nothing. Units no such unit reaches go to
/// the first territory that is not locked.
fn fill_unheld(
    graph: &UnitGraph,
    source_of: &[u32],
    locked: &[bool],
    map: impl Fn(u32) -> Option<u32>,
) -> Vec<u32> {
    let mut of: Vec<u32> = source_of
        .iter()
        .map(|&s| {
            if s == FREE {
                FREE
            } else {
                map(s).unwrap_or(FREE)
            }
        })
        .collect();
    let mut queue: std::collections::VecDeque<u32> = (0..of.len() as u32)
        .filter(|&u| of[u as usize] != FREE && !locked[of[u as usize] as usize])
        .collect();
    while let Some(u) = queue.pop_front() {
        for &(v, _) in &graph.next[u as usize] {
            if of[v as usize] == FREE {
                of[v as usize] = of[u as usize];
                queue.push_back(v);
            }
        }
    }
    let open = locked.iter().position(|l| !l).unwrap_or(0) as u32;
    of.iter()
        .map(|&t| if t == FREE { open } else { t })
        .collect()
}

/// Gives `scenario` the territories, each with the outline of its units, and the units.
fn fill_scenario(
    scenario: &mut Scenario,
    layer: &UnitLayer,
    territories: Vec<Territory>,
    of: &[u32],
) {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); territories.len()];
    for (u, &t) in of.iter().enumerate() {
        members[t as usize].push(u as u32);
    }
    scenario.territories = territories
        .into_iter()
        .zip(&members)
        .map(|(t, m)| Territory {
            geometry: layer.topology.outline(m),
            ..t
        })
        .collect();
    scenario.units = UnitPlan {
        layer: Some(layer.key.clone()),
        holder: of
            .iter()
            .enumerate()
            .map(|(u, &t)| {
                (
                    layer.units[u].code.clone(),
                    scenario.territories[t as usize].id,
                )
            })
            .collect(),
    };
}

impl super::Session {
    /// Makes a design (`rebalance` false) or a rebalance as asked, and adds it to the
    /// project as a new scenario, one undoable edit. A run stopped by `progress` adds
    /// nothing.
    pub fn design(
        &mut self,
        request: &DesignRequest,
        rebalance: bool,
        progress: &mut dyn FnMut(usize, f64) -> bool,
    ) -> Result<DesignReport, SessionError> {
        let (edit, report) =
            design_edit(&self.project, self.current(), request, rebalance, progress)?;
        if !report.cancelled {
            self.apply(edit)?;
        }
        Ok(report)
    }
}

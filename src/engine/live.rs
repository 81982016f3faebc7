//! The live state of one scenario: who owns each account and every territory's tally, kept
//! up to date through geometry edits without recomputing everything.
//!
//! [`LivePlan::new`] does the full computation (parallel). [`LivePlan::set_geometry`] applies
//! one territory's new shape: it re-tests only the accounts in the union of the old and new
//! bounding boxes and moves each account that changes owner from one tally to the other.
//! Property tests check that any sequence of such updates equals a fresh full computation.

use std::sync::Arc;

use geo::MultiPolygon;
use rayon::prelude::*;

use super::area::PreparedArea;
use super::assign::{NO_TERRITORY, RuleFilter, Zone, ZoneSet};
use super::index::{AccountGrid, union_bounds};
use super::metrics::{Contribution, GeometryMeasures, Tally, TerritoryMetrics, TravelBase};
use crate::model::{Accounts, Project, Scenario, Settings};

/// Admit count stored for accounts placed by a named-account override.
const OVERRIDDEN: u8 = u8::MAX;

/// What a geometry update changed, for the user interface and for tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateSummary {
    /// Accounts re-tested.
    pub tested: usize,
    /// Account rows whose owner changed.
    pub moved: Vec<usize>,
}

/// Per-territory state that does not depend on individual accounts.
#[derive(Debug, Clone)]
struct TerritoryState {
    shape: GeometryMeasures,
    base: TravelBase,
    /// Whether the base is the centroid (no rep), so it moves with the shape.
    base_is_centroid: bool,
    rep_capacity: Option<f64>,
    /// Positions of accounts given to this territory by override (few, possibly far away).
    overridden: Vec<usize>,
}

/// One scenario's assignment and tallies, kept current through edits.
///
/// Per-account state is kept in the account grid's position order (see [`AccountGrid`]), so
/// that re-testing a box reads contiguous memory; the public accessors take account rows.
#[derive(Debug, Clone)]
pub struct LivePlan {
    settings: Settings,
    zones: ZoneSet,
    territories: Vec<TerritoryState>,
    grid: Arc<AccountGrid>,
    owner: Vec<u32>,
    admitted: Vec<u8>,
    tallies: Vec<Tally>,
    gaps: usize,
    overlaps: usize,
}

fn travel_base(
    project: &Project,
    scenario: &Scenario,
    t: usize,
    shape: &GeometryMeasures,
) -> (TravelBase, bool, Option<f64>) {
    match scenario.territories[t].rep.and_then(|id| project.rep(id)) {
        Some(rep) => (
            Some((rep.home_lon, rep.home_lat)),
            false,
            Some(rep.capacity_hours),
        ),
        None => (shape.centroid, true, None),
    }
}

impl LivePlan {
    /// Full computation for one scenario of a project. `grid` is the project's account grid,
    /// shared between plans (build it once with [`AccountGrid::new`]).
    pub fn new(project: &Project, scenario: &Scenario, grid: Arc<AccountGrid>) -> LivePlan {
        let accounts = &project.accounts;
        let geometries: Vec<&MultiPolygon<f64>> =
            scenario.territories.iter().map(|t| &t.geometry).collect();
        let filters = scenario
            .territories
            .iter()
            .map(|t| RuleFilter::new(&t.rule, accounts.industries(), accounts.size_classes()))
            .collect();
        let zones = ZoneSet::new(&geometries, filters);
        let shapes: Vec<GeometryMeasures> = geometries
            .par_iter()
            .map(|g| GeometryMeasures::of(g))
            .collect();
        let mut territories: Vec<TerritoryState> = shapes
            .into_iter()
            .enumerate()
            .map(|(t, shape)| {
                let (base, base_is_centroid, rep_capacity) =
                    travel_base(project, scenario, t, &shape);
                TerritoryState {
                    shape,
                    base,
                    base_is_centroid,
                    rep_capacity,
                    overridden: Vec::new(),
                }
            })
            .collect();
        let (industry, size) = (accounts.industry_codes(), accounts.size_class_codes());
        let (mut owner, mut admitted) = zones.locate_all(grid.xs(), grid.ys(), |p| {
            let row = grid.row(p);
            (industry[row], size[row])
        });
        for (&account, &territory) in &scenario.overrides {
            if let (Some(i), Some(t)) = (
                accounts.index_of(account),
                scenario.territory_index(territory),
            ) {
                let p = grid.position(i);
                owner[p] = t as u32;
                admitted[p] = OVERRIDDEN;
                territories[t].overridden.push(p);
            }
        }
        let mut plan = LivePlan {
            settings: project.settings.clone(),
            zones,
            territories,
            grid,
            owner,
            admitted,
            tallies: Vec::new(),
            gaps: 0,
            overlaps: 0,
        };
        plan.recount(accounts);
        plan
    }

    /// Re-sums every tally and the gap and overlap counts from the owners, in parallel.
    fn recount(&mut self, accounts: &Accounts) {
        let n_territories = self.territories.len();
        let bases: Vec<TravelBase> = self.territories.iter().map(|t| t.base).collect();
        let settings = &self.settings;
        let grid = &self.grid;
        let (tallies, gaps, overlaps) = self
            .owner
            .par_iter()
            .zip(self.admitted.par_iter())
            .enumerate()
            .fold(
                || (vec![Tally::default(); n_territories], 0usize, 0usize),
                |(mut tallies, mut gaps, mut overlaps), (p, (&owner, &admitted))| {
                    if owner != NO_TERRITORY {
                        let t = owner as usize;
                        tallies[t].add(&Contribution::of(
                            accounts,
                            grid.row(p),
                            bases[t],
                            settings,
                        ));
                    }
                    gaps += (admitted == 0) as usize;
                    overlaps += (admitted >= 2 && admitted != OVERRIDDEN) as usize;
                    (tallies, gaps, overlaps)
                },
            )
            .reduce(
                || (vec![Tally::default(); n_territories], 0, 0),
                |(mut a, ga, oa), (b, gb, ob)| {
                    for (x, y) in a.iter_mut().zip(&b) {
                        merge(x, y);
                    }
                    (a, ga + gb, oa + ob)
                },
            );
        self.tallies = tallies;
        self.gaps = gaps;
        self.overlaps = overlaps;
    }

    /// Gives territory `t` a new geometry and updates owners and tallies incrementally.
    pub fn set_geometry(
        &mut self,
        accounts: &Accounts,
        t: usize,
        geometry: &MultiPolygon<f64>,
    ) -> UpdateSummary {
        let new_area = PreparedArea::new(geometry);
        let filter = self.zones.zone(t).filter.clone();
        let new_bounds = new_area.bounds();
        let old = self.zones.replace(
            t,
            Zone {
                area: new_area,
                filter,
            },
        );
        let shape = GeometryMeasures::of(geometry);
        let state = &mut self.territories[t];
        // A territory without a rep measures travel from its centroid, which moves with the
        // shape: then its whole tally is rebuilt from the scan below (all of its accounts lie
        // in the scanned box, or in its override list).
        let rebuild = state.base_is_centroid && state.base != shape.centroid;
        if rebuild {
            state.base = shape.centroid;
            self.tallies[t] = Tally::default();
            for &p in &state.overridden {
                let row = self.grid.row(p);
                self.tallies[t].add(&Contribution::of(accounts, row, state.base, &self.settings));
            }
        }
        state.shape = shape;
        self.retest(
            accounts,
            union_bounds(old.area.bounds(), new_bounds),
            rebuild.then_some(t),
        )
    }

    /// Re-tests the accounts in a box, moving changed owners between tallies. `rebuilt` is a
    /// territory whose tally was reset and must receive every account it owns in the box.
    fn retest(
        &mut self,
        accounts: &Accounts,
        bounds: super::index::Bounds,
        rebuilt: Option<usize>,
    ) -> UpdateSummary {
        let (industry, size) = (accounts.industry_codes(), accounts.size_class_codes());
        // Reading an account's codes costs a cache miss; skip it when no rule looks at them.
        let segments = self.zones.uses_segments();
        let mut summary = UpdateSummary::default();
        let mut rescan_max = vec![false; self.territories.len()];
        let grid = Arc::clone(&self.grid);
        let (xs, ys) = (grid.xs(), grid.ys());
        grid.for_each_in(bounds, |p| {
            summary.tested += 1;
            let was = self.admitted[p];
            if was == OVERRIDDEN {
                return;
            }
            let row = grid.row(p);
            let (i, s) = if segments {
                (industry[row], size[row])
            } else {
                (0, 0)
            };
            let located = self.zones.locate(xs[p], ys[p], i, s);
            let (old, new) = (self.owner[p], located.owner);
            self.gaps = self.gaps + (located.admitted == 0) as usize - (was == 0) as usize;
            self.overlaps = self.overlaps + (located.admitted >= 2) as usize - (was >= 2) as usize;
            self.admitted[p] = located.admitted;
            if old != new {
                self.owner[p] = new;
                summary.moved.push(row);
            }
            let is_rebuilt = |t: u32| rebuilt == Some(t as usize);
            if old != NO_TERRITORY && old != new && !is_rebuilt(old) {
                let o = old as usize;
                let c = Contribution::of(accounts, row, self.territories[o].base, &self.settings);
                rescan_max[o] |= self.tallies[o].remove(&c);
            }
            if new != NO_TERRITORY && (old != new || is_rebuilt(new)) {
                let n = new as usize;
                let c = Contribution::of(accounts, row, self.territories[n].base, &self.settings);
                self.tallies[n].add(&c);
            }
        });
        for (t, _) in rescan_max.iter().enumerate().filter(|(_, r)| **r) {
            self.rescan_max_distance(accounts, t);
        }
        summary
    }

    /// Recomputes a territory's largest travel distance from its accounts.
    fn rescan_max_distance(&mut self, accounts: &Accounts, t: usize) {
        let state = &self.territories[t];
        let grid = &self.grid;
        let mut max: f64 = 0.0;
        let mut visit = |p: usize| {
            if self.owner[p] == t as u32 {
                let c = Contribution::of(accounts, grid.row(p), state.base, &self.settings);
                max = max.max(c.distance_km());
            }
        };
        state.overridden.iter().for_each(|&p| visit(p));
        grid.for_each_in(self.zones.zone(t).area.bounds(), visit);
        self.tallies[t].max_distance_km = max;
    }

    /// The account grid whose position order the plan's state follows.
    pub fn grid(&self) -> &AccountGrid {
        &self.grid
    }

    /// The owner (scenario territory index) of account row `i`, if any.
    pub fn owner(&self, i: usize) -> Option<usize> {
        let o = self.owner[self.grid.position(i)];
        (o != NO_TERRITORY).then_some(o as usize)
    }

    /// Owners in the grid's position order ([`NO_TERRITORY`] for none): the fast way to walk
    /// all accounts with their coordinates (`grid().xs()`, `grid().ys()`).
    pub fn owners_by_position(&self) -> &[u32] {
        &self.owner
    }

    /// Whether account row `i` is admitted by two or more territories.
    pub fn is_overlap(&self, i: usize) -> bool {
        let a = self.admitted[self.grid.position(i)];
        a >= 2 && a != OVERRIDDEN
    }

    /// Whether account row `i` is in no territory.
    pub fn is_gap(&self, i: usize) -> bool {
        self.admitted[self.grid.position(i)] == 0
    }

    /// Accounts in no territory.
    pub fn gaps(&self) -> usize {
        self.gaps
    }

    /// Accounts admitted by two or more territories.
    pub fn overlaps(&self) -> usize {
        self.overlaps
    }

    /// The running tallies, one per territory in scenario order.
    pub fn tallies(&self) -> &[Tally] {
        &self.tallies
    }

    /// Every territory's metrics. `scenario` must be the one the plan was built from (with any
    /// geometry edits applied), for the targets.
    pub fn metrics(&self, scenario: &Scenario) -> Vec<TerritoryMetrics> {
        scenario
            .territories
            .iter()
            .zip(&self.territories)
            .zip(&self.tallies)
            .map(|((territory, state), tally)| {
                TerritoryMetrics::new(tally, &state.shape, territory, state.rep_capacity)
            })
            .collect()
    }
}

/// Adds tally `b` into `a` (for combining the parallel partial sums).
fn merge(a: &mut Tally, b: &Tally) {
    a.accounts += b.accounts;
    a.prospects += b.prospects;
    a.customers += b.customers;
    a.potential += b.potential;
    a.revenue += b.revenue;
    a.pipeline += b.pipeline;
    a.won += b.won;
    a.lost += b.lost;
    a.visit_minutes += b.visit_minutes;
    a.travel_minutes += b.travel_minutes;
    a.distance_km += b.distance_km;
    a.max_distance_km = a.max_distance_km.max(b.max_distance_km);
}

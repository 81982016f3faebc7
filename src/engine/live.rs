//! The live state of one scenario: who owns each account and every territory's tally, kept
//! up to date through geometry edits without recomputing everything.
//!
//! [`LiveAssignment::new`] does the full computation (parallel). [`LiveAssignment::set_geometry`] applies
//! one territory's new shape: it re-tests only the accounts in the union of the old and new
//! bounding boxes and moves each account that changes owner from one tally to the other.
//! Property tests check that any sequence of such updates equals a fresh full computation.

use std::sync::Arc;

use geo::MultiPolygon;
use rayon::prelude::*;

use super::assign::{NO_TERRITORY, RuleFilter, Zone, ZoneSet};
use super::haversine_km;
use super::index::{AccountGrid, union_bounds};
use super::metrics::{Contribution, GeometryMeasures, Tally, TerritoryMetrics, TravelBase};
use super::patched::PatchedArea;
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
pub struct LiveAssignment {
    settings: Settings,
    zones: ZoneSet,
    territories: Vec<TerritoryState>,
    grid: Arc<AccountGrid>,
    owner: Vec<u32>,
    admitted: Vec<u8>,
    /// Visits per year in position order, for recomputing travel without touching rows.
    visits: Vec<f32>,
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

impl LiveAssignment {
    /// Full computation for one scenario of a project. `grid` is the project's account grid,
    /// shared between plans (build it once with [`AccountGrid::new`]).
    pub fn new(project: &Project, scenario: &Scenario, grid: Arc<AccountGrid>) -> LiveAssignment {
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
        let visits = (0..grid.len())
            .map(|p| accounts.visits_per_year(grid.row(p)))
            .collect();
        let mut plan = LiveAssignment {
            settings: project.settings.clone(),
            zones,
            territories,
            grid,
            owner,
            admitted,
            visits,
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
        // Walk in row order: each account's fields are then read sequentially, and only the
        // owner lookup jumps.
        let (owner, admitted) = (&self.owner, &self.admitted);
        let (tallies, gaps, overlaps) = (0..accounts.len())
            .into_par_iter()
            .fold(
                || (vec![Tally::default(); n_territories], 0usize, 0usize),
                |(mut tallies, mut gaps, mut overlaps), row| {
                    let p = grid.position(row);
                    if owner[p] != NO_TERRITORY {
                        let t = owner[p] as usize;
                        tallies[t].add(&Contribution::of(accounts, row, bases[t], settings));
                    }
                    gaps += (admitted[p] == 0) as usize;
                    overlaps += (admitted[p] >= 2 && admitted[p] != OVERRIDDEN) as usize;
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
        self.set_geometries(accounts, &[(t, geometry, None)], None)
    }

    /// Gives several territories new geometries at once and updates owners and tallies.
    /// Each comes with its measures when the caller knows them cheaper than measuring it
    /// (a territory of units: see `UnitLayer::shape_of`).
    ///
    /// `changed_within` is a box outside which no geometry changed (a geographic unit that
    /// moved from one territory to another): only the accounts in it are re-tested, however
    /// large the territories. `None` re-tests the old and new boxes of every territory given.
    pub fn set_geometries(
        &mut self,
        accounts: &Accounts,
        changes: &[(usize, &MultiPolygon<f64>, Option<GeometryMeasures>)],
        changed_within: Option<super::index::Bounds>,
    ) -> UpdateSummary {
        let mut touched = changed_within;
        // Preparing a large area is the dearest part of a step: within the changed box only
        // (a patch) when there is one, and side by side.
        let zones = &self.zones;
        let prepared: Vec<PatchedArea> = changes
            .par_iter()
            .map(|&(t, geometry, _)| match changed_within {
                Some(window) => zones.zone(t).area.changed(geometry, window),
                None => PatchedArea::new(geometry),
            })
            .collect();
        for (&(t, _, _), new_area) in changes.iter().zip(prepared) {
            let filter = self.zones.zone(t).filter.clone();
            let new_bounds = new_area.bounds();
            let old = self.zones.replace(
                t,
                Zone {
                    area: new_area,
                    filter,
                },
                changed_within,
            );
            if changed_within.is_none() {
                let both = union_bounds(old.area.bounds(), new_bounds);
                touched = Some(touched.map_or(both, |b| union_bounds(b, both)));
            }
        }
        let summary = match touched {
            Some(bounds) => self.retest(accounts, bounds),
            None => UpdateSummary::default(),
        };
        for (t, geometry, measures) in changes {
            let t = *t;
            let shape = measures
                .clone()
                .unwrap_or_else(|| GeometryMeasures::of(geometry));
            let state = &mut self.territories[t];
            // A territory without a rep measures travel from its centroid, which moves with
            // the shape: then its travel sums are recomputed from its accounts, which all lie
            // in its box or in its override list. Everything else was updated by difference
            // above.
            let new_base = state.base_is_centroid && state.base != shape.centroid;
            state.shape = shape;
            if new_base {
                state.base = state.shape.centroid;
                self.recompute_travel(t);
            }
        }
        summary
    }

    /// Prepares whole again every area that paint steps patched, from the territories'
    /// current geometries (in scenario order): done when a stroke ends, so that a stroke's
    /// steps never wait for a whole preparation and later lookups walk no chain of patches.
    /// Owners and tallies do not change: the geometries are the ones already in force.
    pub fn compact_areas(&mut self, geometries: &[&MultiPolygon<f64>]) {
        let patched: Vec<usize> = (0..self.zones.len().min(geometries.len()))
            .filter(|&t| self.zones.zone(t).area.patches() > 0)
            .collect();
        let whole: Vec<PatchedArea> = patched
            .par_iter()
            .map(|&t| PatchedArea::new(geometries[t]))
            .collect();
        for (t, area) in patched.into_iter().zip(whole) {
            let filter = self.zones.zone(t).filter.clone();
            self.zones.replace(t, Zone { area, filter }, None);
        }
    }

    /// Recomputes territory `t`'s travel sums from its accounts, reading only position-ordered
    /// arrays (coordinates and visits), so a territory of ten thousand accounts takes a fraction
    /// of a millisecond.
    fn recompute_travel(&mut self, t: usize) {
        let state = &self.territories[t];
        let Some((base_x, base_y)) = state.base else {
            self.tallies[t].set_travel(0.0, 0.0, 0.0);
            return;
        };
        let (xs, ys) = (self.grid.xs(), self.grid.ys());
        let (mut travel_minutes, mut distance_km, mut max_km) = (0.0, 0.0, 0.0f64);
        let (owner, visits, settings) = (&self.owner, &self.visits, &self.settings);
        let mut visit = |p: usize| {
            if owner[p] == t as u32 {
                let d = haversine_km(base_x, base_y, xs[p], ys[p]);
                travel_minutes += f64::from(visits[p]) * 2.0 * settings.drive_minutes(d);
                distance_km += d;
                max_km = max_km.max(d);
            }
        };
        // Overridden accounts are counted from the list, so the box scan skips them.
        state.overridden.iter().for_each(|&p| visit(p));
        let admitted = &self.admitted;
        self.grid
            .for_each_in(self.zones.zone(t).area.bounds(), |p| {
                if admitted[p] != OVERRIDDEN {
                    visit(p)
                }
            });
        self.tallies[t].set_travel(travel_minutes, distance_km, max_km);
    }

    /// Re-tests the accounts in a box, moving changed owners between tallies.
    fn retest(&mut self, accounts: &Accounts, bounds: super::index::Bounds) -> UpdateSummary {
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
            if old == new {
                return;
            }
            if old != NO_TERRITORY {
                let o = old as usize;
                let c = Contribution::of(accounts, row, self.territories[o].base, &self.settings);
                rescan_max[o] |= self.tallies[o].remove(&c);
            }
            if new != NO_TERRITORY {
                let n = new as usize;
                let c = Contribution::of(accounts, row, self.territories[n].base, &self.settings);
                self.tallies[n].add(&c);
            }
        });
        for (t, _) in rescan_max.iter().enumerate().filter(|(_, r)| **r) {
            self.rescan_max_distance(t);
        }
        summary
    }

    /// Recomputes a territory's largest travel distance from its accounts.
    fn rescan_max_distance(&mut self, t: usize) {
        let Some((base_x, base_y)) = self.territories[t].base else {
            return;
        };
        let (xs, ys) = (self.grid.xs(), self.grid.ys());
        let mut max: f64 = 0.0;
        let mut visit = |p: usize| {
            if self.owner[p] == t as u32 {
                max = max.max(haversine_km(base_x, base_y, xs[p], ys[p]));
            }
        };
        self.territories[t]
            .overridden
            .iter()
            .for_each(|&p| visit(p));
        self.grid
            .for_each_in(self.zones.zone(t).area.bounds(), visit);
        self.tallies[t].max_distance_km = max;
    }

    /// The account grid whose position order the plan's state follows.
    pub fn grid(&self) -> &AccountGrid {
        &self.grid
    }

    /// The shared account grid, to build another plan of the same project without re-filing
    /// the accounts.
    pub fn shared_grid(&self) -> Arc<AccountGrid> {
        Arc::clone(&self.grid)
    }

    /// Whether territory `t`'s area contains the point (`x`, `y`) = (lon, lat), by its
    /// prepared geometry (`false` for a territory that does not exist).
    pub fn area_contains(&self, t: usize, x: f64, y: f64) -> bool {
        t < self.zones.len() && self.zones.zone(t).area.contains(x, y)
    }

    /// Whether account row `i` is placed by a named-account override (a key account).
    pub fn is_overridden(&self, i: usize) -> bool {
        self.admitted[self.grid.position(i)] == OVERRIDDEN
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

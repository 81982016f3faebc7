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
use super::assign::{NO_TERRITORY, RuleFilter, Segments, Zone, ZoneSet};
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
    /// Rows of accounts given to this territory by override (few, and possibly far away).
    overridden: Vec<usize>,
}

/// One scenario's assignment and tallies, kept current through edits.
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
        let (mut owner, mut admitted) = zones.locate_all(
            accounts.lons(),
            accounts.lats(),
            Some(Segments {
                industry: accounts.industry_codes(),
                size: accounts.size_class_codes(),
            }),
        );
        for (&account, &territory) in &scenario.overrides {
            if let (Some(i), Some(t)) = (
                accounts.index_of(account),
                scenario.territory_index(territory),
            ) {
                owner[i] = t as u32;
                admitted[i] = OVERRIDDEN;
                territories[t].overridden.push(i);
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
        let (tallies, gaps, overlaps) = self
            .owner
            .par_iter()
            .zip(self.admitted.par_iter())
            .enumerate()
            .fold(
                || (vec![Tally::default(); n_territories], 0usize, 0usize),
                |(mut tallies, mut gaps, mut overlaps), (i, (&owner, &admitted))| {
                    if owner != NO_TERRITORY {
                        let t = owner as usize;
                        tallies[t].add(&Contribution::of(accounts, i, bases[t], settings));
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
            for &i in &state.overridden {
                self.tallies[t].add(&Contribution::of(accounts, i, state.base, &self.settings));
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
        let (lons, lats) = (accounts.lons(), accounts.lats());
        let (industry, size) = (accounts.industry_codes(), accounts.size_class_codes());
        let mut summary = UpdateSummary::default();
        let mut rescan_max = vec![false; self.territories.len()];
        let grid = Arc::clone(&self.grid);
        grid.for_each_in(bounds, lons, lats, |i| {
            summary.tested += 1;
            if self.admitted[i] == OVERRIDDEN {
                return;
            }
            let located = self.zones.locate(lons[i], lats[i], industry[i], size[i]);
            let (old, new) = (self.owner[i], located.owner);
            let was = self.admitted[i];
            self.gaps = self.gaps + (located.admitted == 0) as usize - (was == 0) as usize;
            self.overlaps = self.overlaps + (located.admitted >= 2) as usize - (was >= 2) as usize;
            self.admitted[i] = located.admitted;
            if old != new {
                self.owner[i] = new;
                summary.moved.push(i);
            }
            let is_rebuilt = |t: u32| rebuilt == Some(t as usize);
            if old != NO_TERRITORY && old != new && !is_rebuilt(old) {
                let o = old as usize;
                let c = Contribution::of(accounts, i, self.territories[o].base, &self.settings);
                rescan_max[o] |= self.tallies[o].remove(&c);
            }
            if new != NO_TERRITORY && (old != new || is_rebuilt(new)) {
                let n = new as usize;
                let c = Contribution::of(accounts, i, self.territories[n].base, &self.settings);
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
        let mut max: f64 = 0.0;
        let mut visit = |i: usize| {
            if self.owner[i] == t as u32 {
                max = max
                    .max(Contribution::of(accounts, i, state.base, &self.settings).distance_km());
            }
        };
        state.overridden.iter().for_each(|&i| visit(i));
        let bounds = self.zones.zone(t).area.bounds();
        self.grid
            .for_each_in(bounds, accounts.lons(), accounts.lats(), visit);
        self.tallies[t].max_distance_km = max;
    }

    /// The owner (scenario territory index) of account row `i`, if any.
    pub fn owner(&self, i: usize) -> Option<usize> {
        let o = self.owner[i];
        (o != NO_TERRITORY).then_some(o as usize)
    }

    /// Owners of all account rows ([`NO_TERRITORY`] for none).
    pub fn owners(&self) -> &[u32] {
        &self.owner
    }

    /// Whether account row `i` is admitted by two or more territories.
    pub fn is_overlap(&self, i: usize) -> bool {
        self.admitted[i] >= 2 && self.admitted[i] != OVERRIDDEN
    }

    /// Whether account row `i` is in no territory.
    pub fn is_gap(&self, i: usize) -> bool {
        self.admitted[i] == 0
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

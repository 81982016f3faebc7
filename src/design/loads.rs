//! What the accounts of each unit add up to: the numbers a design balances, summed once so
//! that moving a unit between territories costs a handful of additions, not a pass over the
//! accounts.

use super::{SLOTS, Slot};
use crate::engine::haversine_km;
use crate::engine::metrics::Contribution;
use crate::model::{Accounts, Settings};

/// Per-unit sums of the accounts that lie in each unit.
#[derive(Debug, Clone)]
pub struct UnitLoads {
    /// Per unit, per [`Slot`]: accounts, prospects, potential, revenue, visit minutes (the
    /// workload slot holds the visits only; travel depends on the territory's base).
    pub sums: Vec<[f64; SLOTS]>,
    /// Per unit: visits per year.
    pub visits: Vec<f64>,
    /// Per unit: the visits-weighted mean position (lon, lat) of its accounts, where travel
    /// to the unit is measured to (the unit's centroid when it has no visits).
    pub visit_centre: Vec<(f64, f64)>,
    /// Minutes of driving per visit and km of distance from the base (a visit is a round
    /// trip).
    pub minutes_per_km: f64,
    /// Accounts in no unit (the design cannot give them a territory).
    pub outside: usize,
}

impl UnitLoads {
    /// Sums the accounts into `units` units by `unit_of` (a unit per account row, `None`
    /// for an account in no unit); rows for which `skip` is true (key accounts that stay
    /// with their territory) are left out. `centroids` are the units' centroids; `column`
    /// holds each row's value of the accounts' own column balanced (empty: none).
    pub fn of(
        accounts: &Accounts,
        settings: &Settings,
        column: &[f64],
        unit_of: &[Option<u32>],
        centroids: &[(f64, f64)],
        skip: impl Fn(usize) -> bool,
    ) -> UnitLoads {
        let n = centroids.len();
        let mut sums = vec![[0.0; SLOTS]; n];
        let mut visits = vec![0.0; n];
        let mut weighted = vec![(0.0, 0.0); n];
        let mut outside = 0;
        for (row, unit) in unit_of.iter().enumerate() {
            if skip(row) {
                continue;
            }
            let Some(u) = unit.map(|u| u as usize).filter(|&u| u < n) else {
                outside += 1;
                continue;
            };
            let add = contribution(accounts, settings, column, row);
            for (sum, a) in sums[u].iter_mut().zip(add) {
                *sum += a;
            }
            let v = f64::from(accounts.visits_per_year(row)).max(0.0);
            visits[u] += v;
            weighted[u].0 += v * accounts.lons()[row];
            weighted[u].1 += v * accounts.lats()[row];
        }
        let visit_centre = (0..n)
            .map(|u| {
                if visits[u] > 0.0 {
                    (weighted[u].0 / visits[u], weighted[u].1 / visits[u])
                } else {
                    centroids[u]
                }
            })
            .collect();
        UnitLoads {
            sums,
            visits,
            visit_centre,
            minutes_per_km: 2.0 * settings.drive_minutes(1.0),
            outside,
        }
    }

    /// Minutes a year of driving to unit `u`'s visits from `base` (lon, lat).
    pub fn travel_minutes(&self, u: usize, base: (f64, f64)) -> f64 {
        if self.visits[u] == 0.0 {
            return 0.0;
        }
        let c = self.visit_centre[u];
        self.visits[u] * self.minutes_per_km * haversine_km(c.0, c.1, base.0, base.1)
    }
}

/// What account `row` adds to each slot (workload: its visit minutes), by the engine's
/// rules ([`Contribution`]), and its value of the accounts' own `column` (empty: none); a
/// number that is not finite adds nothing.
pub fn contribution(
    accounts: &Accounts,
    settings: &Settings,
    column: &[f64],
    row: usize,
) -> [f64; SLOTS] {
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let c = Contribution::of(accounts, row, None, settings);
    let mut add = [0.0; SLOTS];
    add[Slot::Accounts as usize] = 1.0;
    add[Slot::Prospects as usize] = f64::from(u8::from(c.is_prospect()));
    add[Slot::Potential as usize] = finite(c.potential());
    add[Slot::Revenue as usize] = finite(c.revenue());
    add[Slot::Workload as usize] = finite(c.visit_minutes());
    add[Slot::Column as usize] = finite(column.get(row).copied().unwrap_or(0.0));
    add
}

//! Potential for imported rows that have none, by the product's rule: a territory's potential
//! is its ICP accounts x average deal x expected conversion, so one account without a figure
//! of its own is worth its territory's average deal x conversion.

use super::{ImportPreview, Slot};
use crate::engine::assign::{NO_TERRITORY, RuleFilter, ZoneSet};
use crate::model::{Accounts, Scenario};

impl ImportPreview {
    /// Gives every row without potential the average deal x conversion of the territory of
    /// `scenario` it falls in (the first, where territories overlap; segment rules are not
    /// applied, the value is an estimate). Rows in no territory keep zero and stay counted in
    /// [`ImportPreview::no_potential`]. An updated account that now equals the project's
    /// becomes unchanged.
    pub fn fill_potential(&mut self, existing: &Accounts, scenario: &Scenario) {
        if self.no_potential.is_empty() || scenario.territories.is_empty() {
            return;
        }
        let geometries: Vec<_> = scenario.territories.iter().map(|t| &t.geometry).collect();
        let zones = ZoneSet::new(
            &geometries,
            vec![RuleFilter::default(); scenario.territories.len()],
        );
        let mut left = Vec::new();
        let mut now_unchanged = Vec::new();
        for slot in std::mem::take(&mut self.no_potential) {
            let account = match slot {
                Slot::Added(k) => &mut self.added[k],
                Slot::Updated(k) => &mut self.updated[k].1,
            };
            let owner = zones.locate(account.lon, account.lat, 0, 0).owner;
            if owner == NO_TERRITORY {
                left.push(slot);
                continue;
            }
            let t = &scenario.territories[owner as usize];
            account.potential = t.average_deal * t.conversion;
            self.potential_filled += 1;
            if let Slot::Updated(k) = slot
                && existing.get(self.updated[k].0) == self.updated[k].1
            {
                now_unchanged.push(k);
            }
        }
        self.no_potential = left;
        if !now_unchanged.is_empty() {
            // Slots index `updated`: renumber the ones left after taking rows out.
            let gone: std::collections::HashSet<usize> = now_unchanged.iter().copied().collect();
            let mut renumber = vec![usize::MAX; self.updated.len()];
            let mut kept = Vec::with_capacity(self.updated.len() - gone.len());
            for (k, u) in std::mem::take(&mut self.updated).into_iter().enumerate() {
                if !gone.contains(&k) {
                    renumber[k] = kept.len();
                    kept.push(u);
                }
            }
            self.updated = kept;
            self.unchanged += gone.len();
            for slot in &mut self.no_potential {
                if let Slot::Updated(k) = slot {
                    *k = renumber[*k];
                }
            }
        }
    }
}

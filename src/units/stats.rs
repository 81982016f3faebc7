//! What each unit of a layer holds: its accounts, their potential and their visit workload,
//! for the map's hover and choropleth, and the measures a planner colours units by.

use super::layer::UnitLayer;
use crate::model::{Accounts, Settings};

/// What units can be coloured by on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UnitMeasure {
    /// Accounts in the unit.
    Accounts,
    /// Their potential, EUR/yr.
    Potential,
    /// Inhabitants (from the layer).
    Inhabitants,
    /// Hours of visits a year to its accounts (travel depends on the rep, so it is left out).
    Workload,
    /// Potential per inhabitant, EUR/yr: where the market is under-served or rich.
    PotentialPerInhabitant,
}

impl UnitMeasure {
    /// Every measure, in menu order.
    pub const ALL: [UnitMeasure; 5] = [
        UnitMeasure::Accounts,
        UnitMeasure::Potential,
        UnitMeasure::Inhabitants,
        UnitMeasure::Workload,
        UnitMeasure::PotentialPerInhabitant,
    ];

    /// Its name for menus and the legend.
    pub fn label(self) -> &'static str {
        match self {
            UnitMeasure::Accounts => "Accounts",
            UnitMeasure::Potential => "Potential (EUR/yr)",
            UnitMeasure::Inhabitants => "Inhabitants",
            UnitMeasure::Workload => "Visit workload (h/yr)",
            UnitMeasure::PotentialPerInhabitant => "Potential per inhabitant (EUR/yr)",
        }
    }
}

/// Per unit of one layer: accounts, potential and visit hours.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitStats {
    /// Accounts per unit.
    pub accounts: Vec<u64>,
    /// Potential per unit, EUR/yr.
    pub potential: Vec<f64>,
    /// Visit hours a year per unit.
    pub visit_hours: Vec<f64>,
    /// Accounts in no unit (at sea, or outside the layer).
    pub outside: usize,
}

impl UnitStats {
    /// Counts every account into the unit it lies in (all cores for the lookup).
    pub fn of(accounts: &Accounts, layer: &UnitLayer, settings: &Settings) -> UnitStats {
        let n = layer.units.len();
        let mut stats = UnitStats {
            accounts: vec![0; n],
            potential: vec![0.0; n],
            visit_hours: vec![0.0; n],
            outside: 0,
        };
        let units = layer.units_at(accounts.lons(), accounts.lats());
        for (row, unit) in units.into_iter().enumerate() {
            let Some(u) = unit.map(|u| u as usize) else {
                stats.outside += 1;
                continue;
            };
            let minutes = accounts
                .minutes_per_visit(row)
                .map_or(settings.default_minutes_per_visit, f64::from);
            stats.accounts[u] += 1;
            stats.potential[u] += accounts.potential(row);
            stats.visit_hours[u] += f64::from(accounts.visits_per_year(row)) * minutes / 60.0;
        }
        stats
    }

    /// Unit `unit`'s value of `measure`; `None` where it has none (no inhabitants known, or
    /// none live there, for the measures that need them).
    pub fn value(&self, layer: &UnitLayer, unit: usize, measure: UnitMeasure) -> Option<f64> {
        let inhabitants = layer.units.get(unit)?.inhabitants;
        match measure {
            UnitMeasure::Accounts => self.accounts.get(unit).map(|&a| a as f64),
            UnitMeasure::Potential => self.potential.get(unit).copied(),
            UnitMeasure::Inhabitants => inhabitants,
            UnitMeasure::Workload => self.visit_hours.get(unit).copied(),
            UnitMeasure::PotentialPerInhabitant => {
                let people = inhabitants.filter(|p| *p > 0.0)?;
                Some(self.potential.get(unit)? / people)
            }
        }
    }
}

/// Class breaks for a choropleth of `classes` classes: quantiles of the values, so each
/// colour covers about as many units (counts and money are skewed: equal intervals would
/// put nearly every unit in the first class). Returns the upper bound of every class but
/// the last, ascending and without repeats (fewer classes when many units share a value).
pub fn quantile_breaks(values: &[f64], classes: usize) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() || classes < 2 {
        return Vec::new();
    }
    sorted.sort_by(f64::total_cmp);
    let mut breaks: Vec<f64> = (1..classes)
        .map(|k| sorted[(k * sorted.len() / classes).min(sorted.len() - 1)])
        .collect();
    breaks.dedup();
    // A break at the least value would make an empty first class (many units hold no
    // account at all), one at the greatest an empty last one.
    breaks.retain(|b| *b > sorted[0] && *b < sorted[sorted.len() - 1]);
    breaks
}

/// The class of a value given the breaks of [`quantile_breaks`]: 0 up to the first break
/// (exclusive), and so on; `breaks.len()` for the top class.
pub fn class_of(value: f64, breaks: &[f64]) -> usize {
    breaks.partition_point(|b| *b <= value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_breaks_split_skewed_values_into_even_classes() {
        // 90 small values and 10 large ones: equal intervals would put 90 in class 0.
        let values: Vec<f64> = (0..100)
            .map(|k| if k < 90 { k as f64 } else { 1_000.0 * k as f64 })
            .collect();
        let breaks = quantile_breaks(&values, 5);
        assert_eq!(breaks.len(), 4);
        let mut counts = [0usize; 5];
        for v in &values {
            counts[class_of(*v, &breaks)] += 1;
        }
        assert_eq!(counts, [20, 20, 20, 20, 20]);
    }

    #[test]
    fn equal_values_give_fewer_classes_and_nothing_gives_none() {
        assert!(quantile_breaks(&[3.0; 50], 5).is_empty());
        assert!(quantile_breaks(&[], 5).is_empty());
        // Many zeros (units without accounts): no empty class below them.
        let breaks = quantile_breaks(&[0.0, 0.0, 0.0, 0.0, 1.0, 2.0], 3);
        assert_eq!(breaks, vec![1.0]);
        assert_eq!(class_of(0.0, &breaks), 0);
        assert_eq!(class_of(2.0, &breaks), breaks.len());
    }
}

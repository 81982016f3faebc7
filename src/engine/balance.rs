//! How evenly a plan spreads each metric over its territories.

use serde::Serialize;

use super::metrics::TerritoryMetrics;

/// A metric that a plan should spread evenly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceMetric {
    /// Number of accounts.
    Accounts,
    /// Number of prospects.
    Prospects,
    /// Potential, EUR/yr.
    Potential,
    /// Revenue, EUR/yr.
    Revenue,
    /// Workload, hours/yr.
    Workload,
    /// Drive time, hours/yr.
    Travel,
    /// Workload / rep capacity.
    CapacityUse,
}

impl BalanceMetric {
    /// What the metric counts, for its text.
    pub fn unit(self) -> crate::numbers::Unit {
        use crate::numbers::Unit;
        match self {
            BalanceMetric::CapacityUse => Unit::Percent,
            BalanceMetric::Potential | BalanceMetric::Revenue => Unit::Euro,
            BalanceMetric::Workload | BalanceMetric::Travel => Unit::Hours,
            BalanceMetric::Accounts | BalanceMetric::Prospects => Unit::Count,
        }
    }

    /// A value of this metric with its unit ("EUR 1,250,000", "1,450 h", "92 %").
    pub fn text(self, value: f64) -> String {
        crate::numbers::amount(self.unit(), value)
    }

    /// Every metric, in display order.
    pub const ALL: [BalanceMetric; 7] = [
        BalanceMetric::Accounts,
        BalanceMetric::Prospects,
        BalanceMetric::Potential,
        BalanceMetric::Revenue,
        BalanceMetric::Workload,
        BalanceMetric::Travel,
        BalanceMetric::CapacityUse,
    ];

    /// A short label for tables and menus.
    pub fn label(self) -> &'static str {
        match self {
            BalanceMetric::Accounts => "accounts",
            BalanceMetric::Prospects => "prospects",
            BalanceMetric::Potential => "potential",
            BalanceMetric::Revenue => "revenue",
            BalanceMetric::Workload => "workload",
            BalanceMetric::Travel => "travel",
            BalanceMetric::CapacityUse => "capacity use",
        }
    }

    /// The metric's value for one territory; `None` where it does not apply (capacity use
    /// without a rep).
    pub fn value(self, m: &TerritoryMetrics) -> Option<f64> {
        match self {
            BalanceMetric::Accounts => Some(m.accounts as f64),
            BalanceMetric::Prospects => Some(m.prospects as f64),
            BalanceMetric::Potential => Some(m.potential),
            BalanceMetric::Revenue => Some(m.revenue),
            BalanceMetric::Workload => Some(m.workload_hours),
            BalanceMetric::Travel => Some(m.travel_hours),
            BalanceMetric::CapacityUse => m.capacity_use,
        }
    }
}

/// The balance of one metric across a plan's territories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricBalance {
    /// Which metric.
    pub metric: BalanceMetric,
    /// Mean over the territories where the metric applies.
    pub mean: f64,
    /// Each territory's value as an index, 100 = the mean (`None` where the metric does not
    /// apply or the mean is zero).
    pub index: Vec<Option<f64>>,
    /// The largest absolute deviation from the mean, in percent.
    pub max_deviation_pct: f64,
    /// Territories whose deviation exceeds the tolerance (never one left out of the mean).
    pub outside_tolerance: Vec<bool>,
    /// Territories left out of the mean (those without a rep, in a plan where others have
    /// one): they still get an index against the others' mean, but no flag.
    pub left_out: usize,
}

impl MetricBalance {
    /// Measures the balance of `metric` over every territory; `tolerance` is a fraction
    /// (0.10 = +-10 %).
    pub fn of(metric: BalanceMetric, metrics: &[TerritoryMetrics], tolerance: f64) -> Self {
        Self::of_counted(metric, metrics, &vec![true; metrics.len()], tolerance)
    }

    /// Measures the balance of `metric` against the mean of the territories `counted`
    /// (see [`counted_in_mean`]); the others get an index against that mean, but count in
    /// neither the largest deviation nor the flags.
    pub fn of_counted(
        metric: BalanceMetric,
        metrics: &[TerritoryMetrics],
        counted: &[bool],
        tolerance: f64,
    ) -> Self {
        let counts = |t: usize| counted.get(t).copied().unwrap_or(true);
        let values: Vec<Option<f64>> = metrics.iter().map(|m| metric.value(m)).collect();
        let present: Vec<f64> = values
            .iter()
            .enumerate()
            .filter(|&(t, _)| counts(t))
            .filter_map(|(_, v)| *v)
            .collect();
        let mean = if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        };
        let index: Vec<Option<f64>> = values
            .iter()
            .map(|v| v.filter(|_| mean != 0.0).map(|v| 100.0 * v / mean))
            .collect();
        let deviation = |t: usize| index[t].filter(|_| counts(t)).map(|i| (i - 100.0).abs());
        let max_deviation_pct = (0..index.len()).filter_map(deviation).fold(0.0, f64::max);
        // A hair of slack so that exactly-at-tolerance does not flip on rounding.
        let outside_tolerance = (0..index.len())
            .map(|t| deviation(t).is_some_and(|d| d > tolerance * 100.0 + 1e-9))
            .collect();
        MetricBalance {
            metric,
            mean,
            index,
            max_deviation_pct,
            outside_tolerance,
            left_out: (0..metrics.len()).filter(|&t| !counts(t)).count(),
        }
    }
}

/// Which territories count in a plan's means: those with a rep, when some have one and
/// some do not (a territory just drawn, without a rep yet, would otherwise pull the mean and
/// turn every other row red); all of them when none or all have a rep (a designed plan
/// before reps are given counts whole).
pub fn counted_in_mean(has_rep: &[bool]) -> Vec<bool> {
    if has_rep.iter().all(|&r| r) || !has_rep.iter().any(|&r| r) {
        vec![true; has_rep.len()]
    } else {
        has_rep.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_potential(p: f64) -> TerritoryMetrics {
        TerritoryMetrics {
            potential: p,
            ..TerritoryMetrics::default()
        }
    }

    #[test]
    fn index_and_deviation_against_the_mean() {
        let metrics = [
            with_potential(90.0),
            with_potential(100.0),
            with_potential(125.0),
            with_potential(85.0),
        ];
        let b = MetricBalance::of(BalanceMetric::Potential, &metrics, 0.10);
        assert_eq!(b.mean, 100.0);
        assert_eq!(
            b.index,
            vec![Some(90.0), Some(100.0), Some(125.0), Some(85.0)]
        );
        assert_eq!(b.max_deviation_pct, 25.0);
        assert_eq!(b.outside_tolerance, vec![false, false, true, true]);
    }

    #[test]
    fn territories_without_a_rep_are_left_out_of_the_mean_when_others_have_one() {
        let metrics = [
            with_potential(90.0),
            with_potential(110.0),
            with_potential(10.0),
        ];
        let counted = counted_in_mean(&[true, true, false]);
        assert_eq!(counted, vec![true, true, false]);
        let b = MetricBalance::of_counted(BalanceMetric::Potential, &metrics, &counted, 0.05);
        assert_eq!(b.mean, 100.0);
        assert_eq!(b.index, vec![Some(90.0), Some(110.0), Some(10.0)]);
        assert_eq!(b.max_deviation_pct, 10.0);
        assert_eq!(b.outside_tolerance, vec![true, true, false]);
        assert_eq!(b.left_out, 1);
        // Counted whole: the new territory pulls the mean to 70.
        let whole = MetricBalance::of(BalanceMetric::Potential, &metrics, 0.05);
        assert!((whole.mean - 70.0).abs() < 1e-9);
        assert_eq!(whole.left_out, 0);
        // None or all with a rep: all count.
        assert_eq!(counted_in_mean(&[false, false]), vec![true, true]);
        assert_eq!(counted_in_mean(&[true, true]), vec![true, true]);
    }

    #[test]
    fn capacity_use_skips_territories_without_rep() {
        let a = TerritoryMetrics {
            capacity_use: Some(0.8),
            ..TerritoryMetrics::default()
        };
        let b = TerritoryMetrics::default();
        let bal = MetricBalance::of(BalanceMetric::CapacityUse, &[a, b], 0.1);
        assert_eq!(bal.index, vec![Some(100.0), None]);
        assert_eq!(bal.max_deviation_pct, 0.0);
    }
}

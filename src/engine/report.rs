//! The report of one scenario: every territory's metrics, gaps, overlaps and balance.

use std::sync::Arc;

use serde::Serialize;

use super::balance::{BalanceMetric, MetricBalance, counted_in_mean};
use super::index::AccountGrid;
use super::live::LiveAssignment;
use super::metrics::TerritoryMetrics;
use crate::model::{Project, Scenario};

/// One territory's line in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryReport {
    /// Territory name.
    pub name: String,
    /// Rep name, if assigned.
    pub rep: Option<String>,
    /// All metrics.
    #[serde(flatten)]
    pub metrics: TerritoryMetrics,
}

/// The report of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioReport {
    /// Scenario name.
    pub scenario: String,
    /// Accounts in the project.
    pub accounts: usize,
    /// Territories in scenario order.
    pub territories: Vec<TerritoryReport>,
    /// Accounts in no territory.
    pub gaps: usize,
    /// Accounts admitted by two or more territories.
    pub overlaps: usize,
    /// The tolerance used for balance flags, as a fraction.
    pub tolerance: f64,
    /// Balance of every metric.
    pub balance: Vec<MetricBalance>,
}

impl ScenarioReport {
    /// Builds the report from a live assignment of `scenario`.
    pub fn from_plan(
        project: &Project,
        scenario: &Scenario,
        plan: &LiveAssignment,
    ) -> ScenarioReport {
        let metrics = plan.metrics(scenario);
        let tolerance = project.settings.balance_tolerance;
        let has_rep: Vec<bool> = scenario
            .territories
            .iter()
            .map(|t| t.rep.and_then(|id| project.rep(id)).is_some())
            .collect();
        let counted = counted_in_mean(&has_rep);
        let balance = BalanceMetric::ALL
            .iter()
            .map(|&m| MetricBalance::of_counted(m, &metrics, &counted, tolerance))
            .collect();
        let territories = scenario
            .territories
            .iter()
            .zip(metrics)
            .map(|(t, metrics)| TerritoryReport {
                name: t.name.clone(),
                rep: t.rep.and_then(|id| project.rep(id)).map(|r| r.name.clone()),
                metrics,
            })
            .collect();
        ScenarioReport {
            scenario: scenario.name.clone(),
            accounts: project.accounts.len(),
            territories,
            gaps: plan.gaps(),
            overlaps: plan.overlaps(),
            tolerance,
            balance,
        }
    }

    /// Computes the report of a scenario from scratch.
    pub fn compute(project: &Project, scenario: &Scenario) -> ScenarioReport {
        let grid = Arc::new(AccountGrid::new(
            project.accounts.lons(),
            project.accounts.lats(),
        ));
        let plan = LiveAssignment::new(project, scenario, grid);
        Self::from_plan(project, scenario, &plan)
    }

    /// The balance of one metric.
    pub fn balance_of(&self, metric: BalanceMetric) -> Option<&MetricBalance> {
        self.balance.iter().find(|b| b.metric == metric)
    }
}

//! The whole project: what one `.tessera` file holds.

use super::{Accounts, ProjectLayer, Rep, RepId, Scenario, ScenarioId, Settings};

/// Everything a planner works on: accounts, reps, plan versions and settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    /// Display name of the project.
    pub name: String,
    /// Travel, workload and balance parameters.
    pub settings: Settings,
    /// All accounts.
    pub accounts: Accounts,
    /// All reps.
    pub reps: Vec<Rep>,
    /// All plan versions, in creation order.
    pub scenarios: Vec<Scenario>,
    /// The plan in force (or being worked on).
    pub active_scenario: Option<ScenarioId>,
    /// The planner's own layers of units, by key (the embedded Dutch layers are not here).
    pub unit_layers: Vec<ProjectLayer>,
}

impl Project {
    /// The rep with this id.
    pub fn rep(&self, id: RepId) -> Option<&Rep> {
        self.reps.iter().find(|r| r.id == id)
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: ScenarioId) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The scenario with this name.
    pub fn scenario_by_name(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// The planner's layer with this key.
    pub fn unit_layer(&self, key: &str) -> Option<&ProjectLayer> {
        self.unit_layers.iter().find(|l| l.key == key)
    }

    /// The active scenario, or the first one when none is marked active.
    pub fn active(&self) -> Option<&Scenario> {
        self.active_scenario
            .and_then(|id| self.scenario(id))
            .or_else(|| self.scenarios.first())
    }
}

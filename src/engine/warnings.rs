//! What a planner should look at in a plan, beyond its balance: a rep over capacity, a rep
//! whose home lies outside their territory, and a territory without a rep. Read from the
//! report and the live assignment, so they follow every edit (and every step of a drag) at
//! no extra cost.
//!
//! A territory in several parts is not warned of yet: the part count includes islands (the
//! demo's Noord has six parts, five of them Wadden islands), so a plain count would warn of
//! every coastal territory. Telling an island from an exclave needs the land.

use super::live::LiveAssignment;
use super::report::ScenarioReport;
use crate::model::{Project, Scenario};

/// One thing to look at, about territory `territory` (its position in the scenario).
#[derive(Debug, Clone, PartialEq)]
pub enum PlanWarning {
    /// The rep's workload is more than their capacity.
    OverCapacity {
        /// The territory.
        territory: usize,
        /// Its rep's name.
        rep: String,
        /// Workload / capacity (1.2 = 120 %).
        capacity_use: f64,
    },
    /// The rep's home lies outside the territory they cover.
    HomeOutside {
        /// The territory.
        territory: usize,
        /// Its rep's name.
        rep: String,
    },
    /// No rep covers the territory.
    NoRep {
        /// The territory.
        territory: usize,
    },
}

impl PlanWarning {
    /// The territory the warning is about.
    pub fn territory(&self) -> usize {
        match self {
            PlanWarning::OverCapacity { territory, .. }
            | PlanWarning::HomeOutside { territory, .. }
            | PlanWarning::NoRep { territory } => *territory,
        }
    }

    /// The warning in a sentence, naming the territory as the report does.
    pub fn message(&self, report: &ScenarioReport) -> String {
        let name = report
            .territories
            .get(self.territory())
            .map_or("?", |t| t.name.as_str());
        match self {
            PlanWarning::OverCapacity {
                rep, capacity_use, ..
            } => format!(
                "{rep} is at {:.0} % of capacity in {name}",
                capacity_use * 100.0
            ),
            PlanWarning::HomeOutside { rep, .. } => {
                format!("{rep}'s home is outside {name}, the territory they cover")
            }
            PlanWarning::NoRep { .. } => format!("{name} has no rep"),
        }
    }
}

/// Every warning of `scenario`'s plan, territory by territory in scenario order.
pub fn plan_warnings(
    project: &Project,
    scenario: &Scenario,
    report: &ScenarioReport,
    live: &LiveAssignment,
) -> Vec<PlanWarning> {
    let mut out = Vec::new();
    for (t, (territory, row)) in scenario
        .territories
        .iter()
        .zip(&report.territories)
        .enumerate()
    {
        match territory.rep.and_then(|id| project.rep(id)) {
            Some(rep) => {
                if let Some(capacity_use) = row.metrics.capacity_use.filter(|u| *u > 1.0) {
                    out.push(PlanWarning::OverCapacity {
                        territory: t,
                        rep: rep.name.clone(),
                        capacity_use,
                    });
                }
                // An empty territory has no inside to hold the home: it is a territory still
                // being drawn, not a misplaced rep.
                if row.metrics.area_km2 > 0.0 && !live.area_contains(t, rep.home_lon, rep.home_lat)
                {
                    out.push(PlanWarning::HomeOutside {
                        territory: t,
                        rep: rep.name.clone(),
                    });
                }
            }
            None => out.push(PlanWarning::NoRep { territory: t }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::index::AccountGrid;
    use std::sync::Arc;

    fn warnings_of(project: &Project) -> (Vec<PlanWarning>, ScenarioReport) {
        let scenario = project.active().expect("a plan");
        let grid = Arc::new(AccountGrid::new(
            project.accounts.lons(),
            project.accounts.lats(),
        ));
        let live = LiveAssignment::new(project, scenario, grid);
        let report = ScenarioReport::from_plan(project, scenario, &live);
        (plan_warnings(project, scenario, &report, &live), report)
    }

    #[test]
    fn the_demo_warns_of_exactly_its_reps_over_capacity() {
        let project = crate::demo::project().expect("demo");
        let (warnings, report) = warnings_of(&project);
        let over: Vec<usize> = report
            .territories
            .iter()
            .enumerate()
            .filter(|(_, t)| t.metrics.capacity_use.is_some_and(|u| u > 1.0))
            .map(|(k, _)| k)
            .collect();
        assert!(!over.is_empty(), "the demo has reps over capacity");
        assert_eq!(
            warnings
                .iter()
                .map(PlanWarning::territory)
                .collect::<Vec<_>>(),
            over,
            "{warnings:?}"
        );
        for w in &warnings {
            let PlanWarning::OverCapacity { capacity_use, .. } = w else {
                panic!("{w:?}");
            };
            let t = &report.territories[w.territory()];
            assert_eq!(Some(*capacity_use), t.metrics.capacity_use);
            let message = w.message(&report);
            assert!(message.contains(&t.name), "{message}");
            assert!(message.contains(&format!("{:.0} %", capacity_use * 100.0)));
        }
    }

    #[test]
    fn a_home_moved_away_and_a_rep_taken_are_each_warned_of() {
        let mut project = crate::demo::project().expect("demo");
        let scenario = project.active().expect("a plan").clone();
        // Noord's rep moves to Maastricht, far in Zuid.
        let noord_rep = scenario.territories[0].rep.expect("Noord has a rep");
        let rep = project
            .reps
            .iter_mut()
            .find(|r| r.id == noord_rep)
            .expect("the rep");
        (rep.home_lon, rep.home_lat) = (5.69, 50.85);
        let active = project.active().map(|s| s.id);
        let plan = project
            .scenarios
            .iter_mut()
            .find(|s| Some(s.id) == active)
            .expect("a plan");
        // Oost loses its rep.
        plan.territories[1].rep = None;
        let (warnings, report) = warnings_of(&project);
        let has = |f: &dyn Fn(&PlanWarning) -> bool| warnings.iter().any(f);
        assert!(
            has(&|w| matches!(w, PlanWarning::HomeOutside { territory: 0, .. })),
            "{warnings:?}"
        );
        assert!(has(&|w| matches!(w, PlanWarning::NoRep { territory: 1 })));
        assert!(
            !has(&|w| matches!(w, PlanWarning::HomeOutside { territory: 3, .. })),
            "Zuid's rep lives in Zuid: {warnings:?}"
        );
        let texts: Vec<String> = warnings.iter().map(|w| w.message(&report)).collect();
        assert!(
            texts.iter().any(|t| t.ends_with("Oost has no rep")),
            "{texts:?}"
        );
    }
}

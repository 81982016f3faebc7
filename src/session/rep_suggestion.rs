//! "Suggest reps": the assignment of reps to a plan's territories that minimizes the total
//! travel from the reps' homes to their accounts, with a rep whose expertise matches a
//! territory's industries preferred, found optimally (the Hungarian algorithm) and offered
//! as one edit the planner accepts or not.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::SessionError;
use crate::design::assignment::min_cost_assignment;
use crate::engine::index::AccountGrid;
use crate::engine::live::LiveAssignment;
use crate::engine::metrics::Contribution;
use crate::model::{Change, Edit, Project, RepId, Scenario, Territory};

/// How much a full expertise match lowers a rep's cost for a territory by default (0.3: a
/// rep who knows every industry of a territory may drive 30 % more than one who knows none
/// and still be preferred).
pub const EXPERTISE_WEIGHT: f64 = 0.3;

/// One territory's suggested rep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedRep {
    /// The territory.
    pub territory: String,
    /// Its rep now.
    pub before: Option<String>,
    /// The rep suggested (`None` when there are more territories than reps).
    pub rep: Option<String>,
    /// Hours a year the suggested rep would drive to the territory's accounts.
    pub travel_hours: f64,
    /// The share of the territory's potential in industries the suggested rep knows, %.
    pub expertise_match_pct: f64,
}

/// The suggestion for a whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepSuggestion {
    /// The plan.
    pub scenario: String,
    /// Per territory, in plan order.
    pub territories: Vec<SuggestedRep>,
    /// Hours a year of travel with the reps as they are (territories with a rep).
    pub travel_hours_before: f64,
    /// Hours a year of travel with the suggested reps.
    pub travel_hours_after: f64,
    /// Territories whose rep would change.
    pub changes: usize,
}

/// The optimal reps for `scenario`'s territories, and the edit that gives them (`None`
/// when every territory has its suggested rep already).
pub fn suggest_reps(
    project: &Project,
    scenario: &Scenario,
    expertise_weight: f64,
) -> Result<(Option<Edit>, RepSuggestion), SessionError> {
    if project.reps.is_empty() {
        return Err(SessionError::Design(
            "the project has no reps to assign; import reps first".into(),
        ));
    }
    if scenario.territories.is_empty() {
        return Err(SessionError::Design(format!(
            "plan {} has no territories to give reps",
            scenario.name
        )));
    }
    let accounts = &project.accounts;
    let grid = Arc::new(AccountGrid::new(accounts.lons(), accounts.lats()));
    let plan = LiveAssignment::new(project, scenario, grid);
    let k = scenario.territories.len();
    let owners: Vec<Option<usize>> = (0..accounts.len()).map(|row| plan.owner(row)).collect();
    // Per rep: hours of travel to each territory's accounts, and the potential there in
    // industries the rep knows. Each rep's sums run over the rows in order: the same on
    // any machine, however the reps are shared out among the cores.
    let per_rep: Vec<(Vec<f64>, Vec<f64>)> = project
        .reps
        .par_iter()
        .map(|rep| {
            let known: Vec<u16> = rep
                .expertise
                .iter()
                .filter_map(|name| accounts.industries().lookup(name))
                .collect();
            let (mut hours, mut matched) = (vec![0.0; k], vec![0.0; k]);
            for (row, owner) in owners.iter().enumerate() {
                let Some(t) = *owner else { continue };
                let home = (rep.home_lon, rep.home_lat);
                let c = Contribution::of(accounts, row, Some(home), &project.settings);
                hours[t] += c.travel_minutes() / 60.0;
                if known.contains(&accounts.industry_codes()[row]) {
                    matched[t] += finite(accounts.potential(row));
                }
            }
            (hours, matched)
        })
        .collect();
    let mut potential = vec![0.0; k];
    for (row, owner) in owners.iter().enumerate() {
        if let Some(t) = *owner {
            potential[t] += finite(accounts.potential(row));
        }
    }
    let share = |r: usize, t: usize| {
        if potential[t] > 0.0 {
            per_rep[r].1[t] / potential[t]
        } else {
            0.0
        }
    };
    let cost: Vec<Vec<f64>> = (0..project.reps.len())
        .map(|r| {
            (0..k)
                .map(|t| per_rep[r].0[t] * (1.0 - expertise_weight * share(r, t)))
                .collect()
        })
        .collect();
    let pairs = min_cost_assignment(&cost);
    let mut rep_of: Vec<Option<usize>> = vec![None; k];
    for (r, t) in pairs.iter().enumerate() {
        if let Some(t) = t {
            rep_of[*t] = Some(r);
        }
    }
    let index_of = |id: RepId| project.reps.iter().position(|r| r.id == id);
    let travel_hours_before = scenario
        .territories
        .iter()
        .enumerate()
        .filter_map(|(t, territory)| Some(per_rep[index_of(territory.rep?)?].0[t]))
        .sum();
    let mut changes = Vec::new();
    let mut rows = Vec::new();
    for (t, territory) in scenario.territories.iter().enumerate() {
        let new = rep_of[t].map(|r| project.reps[r].id);
        if new != territory.rep {
            changes.push(Change::Properties {
                scenario: scenario.id,
                before: territory.clone(),
                after: Territory {
                    rep: new,
                    ..territory.clone()
                },
            });
        }
        let name = |id: Option<RepId>| id.and_then(|id| project.rep(id)).map(|r| r.name.clone());
        rows.push(SuggestedRep {
            territory: territory.name.clone(),
            before: name(territory.rep),
            rep: name(new),
            travel_hours: rep_of[t].map_or(0.0, |r| per_rep[r].0[t]),
            expertise_match_pct: rep_of[t].map_or(0.0, |r| 100.0 * share(r, t)),
        });
    }
    let suggestion = RepSuggestion {
        scenario: scenario.name.clone(),
        travel_hours_after: rows.iter().map(|r| r.travel_hours).sum(),
        territories: rows,
        travel_hours_before,
        changes: changes.len(),
    };
    let edit = (!changes.is_empty()).then(|| Edit {
        description: format!(
            "Gave {} territories of {} their suggested reps",
            changes.len(),
            scenario.name
        ),
        changes,
    });
    Ok((edit, suggestion))
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

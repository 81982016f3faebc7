//! Edits of properties rather than shapes: a territory's fields, named (key) accounts, and
//! reps (add, change, delete).

use crate::model::{
    AccountId, Change, Colour, Edit, Project, Rep, RepId, Scenario, Territory, TerritoryId,
    next_rep_id,
};

/// Changes a territory's properties (everything but its area) to those of `after`.
pub fn territory_properties(scenario: &Scenario, after: &Territory) -> Option<Edit> {
    let before = scenario.territory(after.id)?;
    let mut what = Vec::new();
    for (changed, name) in [
        (before.name != after.name, "name"),
        (before.colour != after.colour, "colour"),
        (before.rep != after.rep, "rep"),
        (before.target != after.target, "target"),
        (before.average_deal != after.average_deal, "average deal"),
        (before.conversion != after.conversion, "conversion"),
        (before.rule != after.rule, "segment rule"),
    ] {
        if changed {
            what.push(name);
        }
    }
    if what.is_empty() {
        return None;
    }
    Some(Edit {
        description: format!("Changed {} of {}", what.join(", "), before.name),
        changes: vec![Change::Properties {
            scenario: scenario.id,
            before: before.clone(),
            after: Territory {
                geometry: before.geometry.clone(),
                ..after.clone()
            },
        }],
    })
}

/// Names accounts as key accounts of a territory (`Some`) or removes their overrides (`None`);
/// `None` when nothing would change.
pub fn set_overrides(
    scenario: &Scenario,
    accounts: &[AccountId],
    territory: Option<TerritoryId>,
) -> Option<Edit> {
    let changes: Vec<_> = accounts
        .iter()
        .map(|a| (*a, scenario.overrides.get(a).copied(), territory))
        .filter(|(_, before, after)| before != after)
        .collect();
    if changes.is_empty() {
        return None;
    }
    let description = match territory.and_then(|t| scenario.territory(t)) {
        Some(t) => format!("Named {} accounts for {}", changes.len(), t.name),
        None => format!("Removed {} account overrides", changes.len()),
    };
    Some(Edit {
        description,
        changes: vec![Change::Overrides {
            scenario: scenario.id,
            changes,
        }],
    })
}

/// A new rep with a home base at `lon`, `lat` and the project's usual capacity and target.
pub fn new_rep(project: &Project, lon: f64, lat: f64) -> Edit {
    let id = next_rep_id(project);
    let template = project.reps.first();
    let name = (1..)
        .map(|k| format!("New rep {k}"))
        .find(|n| !project.reps.iter().any(|r| &r.name == n))
        .unwrap_or_else(|| "New rep".into());
    let rep = Rep {
        id,
        name: name.clone(),
        home_lon: lon,
        home_lat: lat,
        capacity_hours: template.map_or(1600.0, |r| r.capacity_hours),
        target: template.map_or(800_000.0, |r| r.target),
        expertise: Vec::new(),
        colour: Colour::nth(project.reps.len()),
    };
    Edit {
        description: format!("Added {name}"),
        changes: vec![Change::Rep {
            before: None,
            after: Some(rep),
        }],
    }
}

/// Changes a rep (name, home base, capacity, target, expertise, colour).
pub fn rep_properties(project: &Project, after: &Rep) -> Option<Edit> {
    let before = project.rep(after.id)?;
    if before == after {
        return None;
    }
    let what = if (before.home_lon, before.home_lat) != (after.home_lon, after.home_lat)
        && before.name == after.name
    {
        "Moved the home base of"
    } else {
        "Changed"
    };
    Some(Edit {
        description: format!("{what} {}", before.name),
        changes: vec![Change::Rep {
            before: Some(before.clone()),
            after: Some(after.clone()),
        }],
    })
}

/// Deletes a rep: the territories it works (in every scenario) keep their shape and get no
/// rep, in the same edit.
pub fn delete_rep(project: &Project, id: RepId) -> Option<Edit> {
    let rep = project.rep(id)?;
    let mut changes = Vec::new();
    for scenario in &project.scenarios {
        for t in scenario.territories.iter().filter(|t| t.rep == Some(id)) {
            changes.push(Change::Properties {
                scenario: scenario.id,
                before: t.clone(),
                after: Territory {
                    rep: None,
                    ..t.clone()
                },
            });
        }
    }
    changes.push(Change::Rep {
        before: Some(rep.clone()),
        after: None,
    });
    Some(Edit {
        description: format!("Deleted {}", rep.name),
        changes,
    })
}

/// Sets the balance tolerance (a fraction, clamped to 0..=1) as an undoable settings change;
/// `None` when it is that already.
pub fn balance_tolerance(project: &Project, tolerance: f64) -> Option<Edit> {
    let before = project.settings.clone();
    let after = crate::model::Settings {
        balance_tolerance: tolerance.clamp(0.0, 1.0),
        ..before.clone()
    };
    (after != before).then(|| Edit {
        description: format!(
            "Set the balance tolerance to ±{:.0} %",
            after.balance_tolerance * 100.0
        ),
        changes: vec![Change::Settings { before, after }],
    })
}

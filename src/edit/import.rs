//! Territories read from a file, added to a scenario as one edit.

use super::unique_name;
use crate::model::{
    Change, Colour, Edit, NamedArea, Project, Scenario, Territory, TerritoryId, next_territory_id,
};

/// The project's rep of this name (exact, else ignoring case), for a territory read from a
/// file.
pub fn rep_named(project: &Project, name: &str) -> Option<crate::model::RepId> {
    let name = name.trim();
    project
        .reps
        .iter()
        .find(|r| r.name == name)
        .or_else(|| {
            project
                .reps
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
        })
        .map(|r| r.id)
}

/// Adds territories read from a file to a scenario, after its own, as one edit. Names that
/// the scenario already has get a number ("Noord 2"). What the file says of each territory
/// (rep by name, colour, target, average deal, conversion, segment rule) is kept; the rest
/// comes from the scenario's first territory (or the product's defaults). A rep name the
/// project does not know leaves the territory without a rep (the caller reports it).
pub fn import_territories(
    project: &Project,
    scenario: &Scenario,
    areas: Vec<NamedArea>,
    file: &str,
) -> Edit {
    let first_id = next_territory_id(project).0;
    let template = scenario.territories.first();
    let mut taken = scenario.clone();
    let mut changes = Vec::new();
    let repaired = areas.iter().filter(|a| a.repaired.is_some()).count();
    for (k, area) in areas.into_iter().enumerate() {
        let given = area.properties;
        let territory = Territory {
            id: TerritoryId(first_id + k as u32),
            name: unique_name(&taken, &area.name),
            colour: given
                .colour
                .unwrap_or_else(|| Colour::nth(taken.territories.len())),
            rep: given.rep.as_deref().and_then(|r| rep_named(project, r)),
            geometry: area.geometry,
            rule: given.rule.unwrap_or_default(),
            target: given
                .target
                .unwrap_or_else(|| template.map_or(800_000.0, |t| t.target)),
            average_deal: given
                .average_deal
                .unwrap_or_else(|| template.map_or(40_000.0, |t| t.average_deal)),
            conversion: given
                .conversion
                .unwrap_or_else(|| template.map_or(0.10, |t| t.conversion)),
        };
        changes.push(Change::Add {
            scenario: scenario.id,
            position: taken.territories.len(),
            territory: territory.clone(),
        });
        taken.territories.push(territory);
    }
    let repaired = match repaired {
        0 => String::new(),
        n => format!(" ({n} repaired)"),
    };
    Edit {
        description: format!(
            "Imported {} territories from {file}{repaired}",
            changes.len()
        ),
        changes,
    }
}

//! Territories read from a file, added to a scenario as one edit.

use super::unique_name;
use crate::model::{
    Change, Colour, Edit, NamedArea, Project, Scenario, Territory, TerritoryId, next_territory_id,
};

/// Adds territories read from a file to a scenario, after its own, as one edit. Names that
/// the scenario already has get a number ("Noord 2").
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
        let territory = Territory {
            id: TerritoryId(first_id + k as u32),
            name: unique_name(&taken, &area.name),
            colour: Colour::nth(taken.territories.len()),
            rep: None,
            geometry: area.geometry,
            rule: Default::default(),
            target: template.map_or(800_000.0, |t| t.target),
            average_deal: template.map_or(40_000.0, |t| t.average_deal),
            conversion: template.map_or(0.10, |t| t.conversion),
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

//! How an edit reaches the live plan: which edits update it in place (areas, units, the
//! tolerance) rather than assigning every account again, where a paint stroke's edit can
//! change owners, and which areas a live preview already shows.

use crate::model::{Change, Edit, Scenario, ScenarioId, Settings, TerritoryId};

/// The territories whose area in the scenario shown already is the one `edit` gives them
/// (a preview showed it).
pub(super) fn previewed_areas(shown: Option<&Scenario>, edit: &Edit) -> Vec<TerritoryId> {
    let Some(shown) = shown else {
        return Vec::new();
    };
    edit.changes
        .iter()
        .filter_map(|c| match c {
            Change::Geometry {
                scenario,
                territory,
                after,
                ..
            } if *scenario == shown.id
                && shown
                    .territory(*territory)
                    .is_some_and(|t| t.geometry == *after) =>
            {
                Some(*territory)
            }
            _ => None,
        })
        .collect()
}

/// Whether every change of `edit` moves an area or a unit of scenario `shown` (the live plan
/// is then updated in place, not recomputed: it follows the areas, which a unit-based
/// territory's units make).
pub(super) fn only_geometry(edit: &Edit, shown: Option<ScenarioId>) -> bool {
    edit.changes.iter().all(|c| {
        matches!(c, Change::Geometry { .. } | Change::Units { .. }) && c.scenario() == shown
    })
}

/// For an edit that moves units and changes only the areas of the territories that gave or
/// got them (a paint stroke, its undo and redo), the box of those units: no account outside
/// it can change territory. `None` for any other edit.
pub(super) fn unit_moves_bounds(
    project: &crate::model::Project,
    edit: &Edit,
) -> Option<crate::engine::index::Bounds> {
    let mut within = None;
    let mut involved = std::collections::BTreeSet::new();
    for change in &edit.changes {
        if let Change::Units { layer, changes, .. } = change {
            involved.extend(changes.iter().flat_map(|(_, a, b)| [*a, *b]).flatten());
            let codes = changes.iter().map(|(code, ..)| code.as_str());
            let b = super::paint::units_bounds(project, layer, codes)?;
            within = Some(within.map_or(b, |a| crate::engine::index::union_bounds(a, b)));
        }
    }
    let areas_of_involved = edit.changes.iter().all(|c| match c {
        Change::Geometry { territory, .. } => involved.contains(territory),
        _ => true,
    });
    within.filter(|_| areas_of_involved)
}

/// Whether `edit` changes only the balance tolerance, which changes only how the report
/// judges the tallies.
pub(super) fn only_tolerance(edit: &Edit) -> bool {
    edit.changes.iter().all(|c| {
        matches!(c, Change::Settings { before, after } if Settings {
            balance_tolerance: after.balance_tolerance,
            ..before.clone()
        } == *after)
    })
}

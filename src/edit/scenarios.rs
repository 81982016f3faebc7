//! Scenario edits: create an empty plan, duplicate one (the usual start of a realignment),
//! rename, delete and mark the active plan. Each returns an undoable [`Edit`].

use std::collections::HashMap;

use super::{Refusal, refuse};
use crate::model::{
    Change, Edit, NamedArea, Project, Scenario, ScenarioId, TerritoryId, next_scenario_id,
    next_territory_id,
};

/// Seconds since the Unix epoch, for a scenario's creation time.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `base`, or `base 2`, `base 3`, ... whichever no scenario of the project has.
pub fn unique_scenario_name(project: &Project, base: &str) -> String {
    super::numbered(base, |name| {
        project.scenarios.iter().any(|s| s.name == name)
    })
}

/// A trimmed scenario name, or why it cannot be used.
fn checked_name(
    project: &Project,
    except: Option<ScenarioId>,
    name: &str,
) -> Result<String, Refusal> {
    let name = name.trim();
    if name.is_empty() {
        return refuse("a scenario needs a name");
    }
    if project
        .scenarios
        .iter()
        .any(|s| Some(s.id) != except && s.name == name)
    {
        return refuse(format!("there is a scenario named \"{name}\" already"));
    }
    Ok(name.to_owned())
}

/// Adds an empty scenario named `name`.
pub fn new_scenario(project: &Project, name: &str) -> Result<(Edit, ScenarioId), Refusal> {
    let name = checked_name(project, None, name)?;
    let id = next_scenario_id(project);
    let scenario = Scenario {
        id,
        name: name.clone(),
        notes: String::new(),
        created: now(),
        territories: Vec::new(),
        overrides: Default::default(),
        units: Default::default(),
    };
    let edit = Edit {
        description: format!("New scenario {name}"),
        changes: vec![Change::Scenario {
            before: None,
            after: Some(scenario),
        }],
    };
    Ok((edit, id))
}

/// Territories read from a file as a new scenario named `name`: one edit that adds the
/// scenario and its territories.
pub fn import_as_new_scenario(
    project: &Project,
    name: &str,
    areas: Vec<NamedArea>,
    file: &str,
) -> Result<(Edit, ScenarioId), Refusal> {
    let (created, id) = new_scenario(project, name)?;
    let Some(Change::Scenario {
        after: Some(empty), ..
    }) = created.changes.first()
    else {
        return refuse("could not create the scenario");
    };
    let import = super::import_territories(project, empty, areas, file);
    let mut changes = created.changes.clone();
    changes.extend(import.changes);
    Ok((
        Edit {
            description: format!("{} into new scenario {}", import.description, empty.name),
            changes,
        },
        id,
    ))
}

/// Adds a copy of `source` named `name`: the same territories (with new ids, since ids are
/// unique in the project), reps, rules and key-account overrides.
pub fn duplicate_scenario(
    project: &Project,
    source: ScenarioId,
    name: &str,
) -> Result<(Edit, ScenarioId), Refusal> {
    let Some(original) = project.scenario(source) else {
        return refuse("that scenario is gone");
    };
    let name = checked_name(project, None, name)?;
    let id = next_scenario_id(project);
    let first = next_territory_id(project).0;
    let mut new_ids = HashMap::new();
    let territories = original
        .territories
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let new = TerritoryId(first + k as u32);
            new_ids.insert(t.id, new);
            crate::model::Territory {
                id: new,
                ..t.clone()
            }
        })
        .collect();
    let overrides = original
        .overrides
        .iter()
        .filter_map(|(a, t)| new_ids.get(t).map(|n| (*a, *n)))
        .collect();
    let units = crate::model::UnitPlan {
        layer: original.units.layer.clone(),
        holder: original
            .units
            .holder
            .iter()
            .filter_map(|(u, t)| new_ids.get(t).map(|n| (u.clone(), *n)))
            .collect(),
    };
    let copy = Scenario {
        id,
        name: name.clone(),
        notes: format!("Copy of {}", original.name),
        created: now(),
        territories,
        overrides,
        units,
    };
    let edit = Edit {
        description: format!("Duplicated {} as {name}", original.name),
        changes: vec![Change::Scenario {
            before: None,
            after: Some(copy),
        }],
    };
    Ok((edit, id))
}

/// Renames a scenario and replaces its notes; `None` when nothing changes.
pub fn rename_scenario(
    project: &Project,
    id: ScenarioId,
    name: &str,
    notes: &str,
) -> Result<Option<Edit>, Refusal> {
    let Some(before) = project.scenario(id) else {
        return refuse("that scenario is gone");
    };
    let name = checked_name(project, Some(id), name)?;
    if name == before.name && notes == before.notes {
        return Ok(None);
    }
    // The change carries name and notes only; territories are not copied into it.
    let head = |s: &Scenario, name: String, notes: String| Scenario {
        id: s.id,
        name,
        notes,
        created: s.created,
        territories: Vec::new(),
        overrides: Default::default(),
        units: Default::default(),
    };
    let description = if name == before.name {
        format!("Changed the notes of {name}")
    } else {
        format!("Renamed {} to {name}", before.name)
    };
    Ok(Some(Edit {
        description,
        changes: vec![Change::Scenario {
            before: Some(head(before, before.name.clone(), before.notes.clone())),
            after: Some(head(before, name, notes.to_owned())),
        }],
    }))
}

/// Deletes a scenario with its territories and overrides. When it is the active plan, the
/// first other scenario becomes active (in the same undo step).
pub fn delete_scenario(project: &Project, id: ScenarioId) -> Result<Edit, Refusal> {
    let Some(scenario) = project.scenario(id) else {
        return refuse("that scenario is gone");
    };
    let mut changes = Vec::new();
    if project.active_scenario == Some(id) {
        let other = project.scenarios.iter().find(|s| s.id != id).map(|s| s.id);
        changes.push(Change::Active {
            before: Some(id),
            after: other,
        });
    }
    changes.push(Change::Scenario {
        before: Some(scenario.clone()),
        after: None,
    });
    Ok(Edit {
        description: format!("Deleted scenario {}", scenario.name),
        changes,
    })
}

/// Marks a scenario as the active plan (the one reports and exports use by default); `None`
/// when it already is.
pub fn set_active(project: &Project, id: ScenarioId) -> Option<Edit> {
    let scenario = project.scenario(id)?;
    if project.active_scenario == Some(id) {
        return None;
    }
    Some(Edit {
        description: format!("Made {} the active plan", scenario.name),
        changes: vec![Change::Active {
            before: project.active_scenario,
            after: Some(id),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::demo;

    #[test]
    fn duplicate_copies_territories_with_new_ids_and_undo_removes_it() {
        let mut p = demo();
        let original = p.scenarios[0].clone();
        let (edit, id) = duplicate_scenario(&p, original.id, "2027 draft").expect("dup");
        edit.apply(&mut p).expect("apply");
        let copy = p.scenario(id).expect("copy").clone();
        assert_eq!(copy.name, "2027 draft");
        assert_eq!(copy.territories.len(), original.territories.len());
        for (a, b) in original.territories.iter().zip(&copy.territories) {
            assert_eq!(a.geometry, b.geometry);
            assert_eq!(a.name, b.name);
            assert!(original.territory(b.id).is_none(), "ids must be new");
        }
        // Overrides point at the copy's own territories.
        assert_eq!(copy.overrides.len(), original.overrides.len());
        assert!(
            copy.overrides
                .values()
                .all(|t| copy.territory(*t).is_some())
        );
        edit.inverse().apply(&mut p).expect("undo");
        assert_eq!(p, demo());
    }

    #[test]
    fn names_must_be_unique_and_not_empty() {
        let p = demo();
        let first = p.scenarios[0].name.clone();
        assert!(new_scenario(&p, "  ").is_err());
        assert!(new_scenario(&p, &first).is_err());
        assert_eq!(unique_scenario_name(&p, &first), format!("{first} 2"));
        assert!(rename_scenario(&p, p.scenarios[0].id, &first, "").is_ok());
    }

    #[test]
    fn deleting_the_active_plan_moves_active_and_undo_restores_both() {
        let mut p = demo();
        let (edit, id) = new_scenario(&p, "Empty").expect("new");
        edit.apply(&mut p).expect("apply");
        let before = p.clone();
        let active = p.active_scenario.expect("active");
        let delete = delete_scenario(&p, active).expect("delete");
        delete.apply(&mut p).expect("apply");
        assert_eq!(p.active_scenario, Some(id));
        assert!(p.scenario(active).is_none());
        delete.inverse().apply(&mut p).expect("undo");
        assert_eq!(p, before);
    }

    #[test]
    fn rename_changes_name_and_notes_only() {
        let mut p = demo();
        let id = p.scenarios[0].id;
        let edit = rename_scenario(&p, id, "Current", "in force since 2026")
            .expect("ok")
            .expect("a change");
        edit.apply(&mut p).expect("apply");
        let s = p.scenario(id).expect("still there");
        assert_eq!(
            (s.name.as_str(), s.notes.as_str()),
            ("Current", "in force since 2026")
        );
        assert_eq!(s.territories, demo().scenarios[0].territories);
    }
}

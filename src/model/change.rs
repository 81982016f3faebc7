//! Changes to a plan, each carrying what it needs to be undone.
//!
//! An [`Edit`] (one user gesture: "Moved border Noord/Oost") is a list of [`Change`]s. The
//! window applies an edit to the project in memory and the store writes the same changes to
//! the file in one transaction; undo applies [`Edit::inverse`].

use geo::MultiPolygon;

use super::{
    Account, AccountId, Accounts, Project, ProjectLayer, Rep, RepId, Scenario, ScenarioId,
    Settings, Territory, TerritoryId, key_problem,
};

/// One change to one scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A territory's area replaced.
    Geometry {
        /// The scenario holding the territory.
        scenario: ScenarioId,
        /// The territory.
        territory: TerritoryId,
        /// The area before.
        before: MultiPolygon<f64>,
        /// The area after.
        after: MultiPolygon<f64>,
    },
    /// A territory added at a position of the scenario's list.
    Add {
        /// The scenario.
        scenario: ScenarioId,
        /// Index in the scenario's territories (0 is first).
        position: usize,
        /// The new territory.
        territory: Territory,
    },
    /// A territory removed from a position of the scenario's list. Its overrides must have
    /// been removed (by [`Change::Overrides`]) before, so that undo can bring them back.
    Remove {
        /// The scenario.
        scenario: ScenarioId,
        /// Index in the scenario's territories.
        position: usize,
        /// The removed territory, whole.
        territory: Territory,
    },
    /// A territory's properties (everything but its area) changed.
    Properties {
        /// The scenario.
        scenario: ScenarioId,
        /// The territory before (its geometry is ignored).
        before: Territory,
        /// The territory after (its geometry is ignored).
        after: Territory,
    },
    /// A rep added (`before` is `None`), changed, or removed (`after` is `None`). Before a
    /// removal, the territories the rep works must have been given no rep (by
    /// [`Change::Properties`]), so that undo can give them back.
    Rep {
        /// The rep before.
        before: Option<Rep>,
        /// The rep after.
        after: Option<Rep>,
    },
    /// Accounts added, removed or updated (an import, or its undo). Removing an account also
    /// drops the named-account overrides that point at it.
    Accounts {
        /// New accounts, with ids above every existing one.
        added: Vec<Account>,
        /// Accounts taken out (the inverse of adding them).
        removed: Vec<Account>,
        /// Accounts changed: (before, after), same id.
        updated: Vec<(Account, Account)>,
    },
    /// A scenario added (`before` is `None`) or removed (`after` is `None`), whole with its
    /// territories and overrides; or renamed (both set: only the name and notes change).
    Scenario {
        /// The scenario before.
        before: Option<Scenario>,
        /// The scenario after.
        after: Option<Scenario>,
    },
    /// Another scenario marked as the active plan.
    Active {
        /// The active scenario before.
        before: Option<ScenarioId>,
        /// The active scenario after.
        after: Option<ScenarioId>,
    },
    /// The project settings (balance tolerance, travel parameters) replaced.
    Settings {
        /// The settings before.
        before: Settings,
        /// The settings after.
        after: Settings,
    },
    /// Geographic units given to territories, moved between them or released (a paint
    /// stroke, or snapping a plan to a layer). Before a territory is removed, its units must
    /// have been released, so that undo can give them back.
    Units {
        /// The scenario.
        scenario: ScenarioId,
        /// The layer of the units; a plan holds units of one layer at a time.
        layer: String,
        /// Per unit code: the territory holding it before and after (`None`: none).
        changes: Vec<(String, Option<TerritoryId>, Option<TerritoryId>)>,
    },
    /// A planner's unit layer added (`before` is `None`), replaced (both set, same key) or
    /// removed (`after` is `None`). A layer a plan is built from cannot be removed.
    UnitLayer {
        /// The layer before.
        before: Option<ProjectLayer>,
        /// The layer after.
        after: Option<ProjectLayer>,
    },
    /// Named-account overrides set, moved or removed.
    Overrides {
        /// The scenario.
        scenario: ScenarioId,
        /// Per account: the territory before and after (`None`: no override).
        changes: Vec<(AccountId, Option<TerritoryId>, Option<TerritoryId>)>,
    },
}

/// Why a change cannot be applied to a project (the project is left as it was).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChangeError {
    /// The scenario is not in the project.
    #[error("there is no scenario {0}")]
    NoScenario(u32),
    /// The territory is not in the scenario.
    #[error("there is no territory {0} in this scenario")]
    NoTerritory(u32),
    /// A territory with this id exists already.
    #[error("territory {0} exists already")]
    Duplicate(u32),
    /// The rep is not in the project.
    #[error("there is no rep {0}")]
    NoRep(u32),
    /// The position is past the end of the scenario's list.
    #[error("position {0} is past the end of the territory list")]
    BadPosition(usize),
    /// A scenario with this id or name exists already.
    #[error("a scenario named \"{0}\" exists already")]
    DuplicateScenario(String),
    /// The plan holds units of another layer ("nl-pc4, not nl-gemeente": one string,
    /// so that every error stays small).
    #[error("the plan is built from layer {0}")]
    OtherLayer(String),
    /// A unit layer cannot be added under this key (reserved, taken or malformed), or the
    /// layer to replace or remove is not in the project; the text says which.
    #[error("{0}")]
    LayerKey(String),
    /// The unit layer is what plans are built from: it cannot be removed. The text names
    /// the layer and the plans (one string, so that every error stays small).
    #[error("{0}")]
    LayerInUse(String),
}

impl Change {
    /// The change that undoes this one.
    pub fn inverse(&self) -> Change {
        match self.clone() {
            Change::Geometry {
                scenario,
                territory,
                before,
                after,
            } => Change::Geometry {
                scenario,
                territory,
                before: after,
                after: before,
            },
            Change::Add {
                scenario,
                position,
                territory,
            } => Change::Remove {
                scenario,
                position,
                territory,
            },
            Change::Remove {
                scenario,
                position,
                territory,
            } => Change::Add {
                scenario,
                position,
                territory,
            },
            Change::Properties {
                scenario,
                before,
                after,
            } => Change::Properties {
                scenario,
                before: after,
                after: before,
            },
            Change::Overrides { scenario, changes } => Change::Overrides {
                scenario,
                changes: changes.into_iter().map(|(a, b, c)| (a, c, b)).collect(),
            },
            Change::Units {
                scenario,
                layer,
                changes,
            } => Change::Units {
                scenario,
                layer,
                changes: changes.into_iter().map(|(u, b, a)| (u, a, b)).collect(),
            },
            Change::Rep { before, after } => Change::Rep {
                before: after,
                after: before,
            },
            Change::UnitLayer { before, after } => Change::UnitLayer {
                before: after,
                after: before,
            },
            Change::Scenario { before, after } => Change::Scenario {
                before: after,
                after: before,
            },
            Change::Active { before, after } => Change::Active {
                before: after,
                after: before,
            },
            Change::Settings { before, after } => Change::Settings {
                before: after,
                after: before,
            },
            Change::Accounts {
                added,
                removed,
                updated,
            } => Change::Accounts {
                added: removed,
                removed: added,
                updated: updated.into_iter().map(|(b, a)| (a, b)).collect(),
            },
        }
    }

    /// The scenario whose territories or overrides this change touches (`None` for changes to
    /// the project: reps, accounts, the scenario list and the active plan).
    pub fn scenario(&self) -> Option<ScenarioId> {
        match self {
            Change::Geometry { scenario, .. }
            | Change::Add { scenario, .. }
            | Change::Remove { scenario, .. }
            | Change::Properties { scenario, .. }
            | Change::Units { scenario, .. }
            | Change::Overrides { scenario, .. } => Some(*scenario),
            Change::Rep { .. }
            | Change::UnitLayer { .. }
            | Change::Accounts { .. }
            | Change::Scenario { .. }
            | Change::Active { .. }
            | Change::Settings { .. } => None,
        }
    }

    /// Applies the change to `project`.
    pub fn apply(&self, project: &mut Project) -> Result<(), ChangeError> {
        // Every arm is spelled out (no catch-all), so a new kind of change does not compile
        // until it is applied here (and written by the store).
        match self {
            Change::Rep { before, after } => apply_rep(project, before.as_ref(), after.as_ref()),
            Change::UnitLayer { before, after } => {
                apply_unit_layer(project, before.as_ref(), after.as_ref())
            }
            Change::Accounts {
                added,
                removed,
                updated,
            } => {
                apply_accounts(project, added, removed, updated);
                Ok(())
            }
            Change::Scenario { before, after } => {
                apply_scenario(project, before.as_ref(), after.as_ref())
            }
            Change::Active { after, .. } => {
                if let Some(id) = after
                    && project.scenario(*id).is_none()
                {
                    return Err(ChangeError::NoScenario(id.0));
                }
                project.active_scenario = *after;
                Ok(())
            }
            Change::Settings { after, .. } => {
                project.settings = after.clone();
                Ok(())
            }
            Change::Geometry {
                scenario,
                territory,
                after,
                ..
            } => {
                let s = scenario_mut(project, *scenario)?;
                let k = position(&s.territories, *territory)?;
                s.territories[k].geometry = after.clone();
                Ok(())
            }
            Change::Add {
                scenario,
                position,
                territory,
            } => {
                let s = scenario_mut(project, *scenario)?;
                if s.territories.iter().any(|t| t.id == territory.id) {
                    return Err(ChangeError::Duplicate(territory.id.0));
                }
                if *position > s.territories.len() {
                    return Err(ChangeError::BadPosition(*position));
                }
                s.territories.insert(*position, territory.clone());
                Ok(())
            }
            Change::Remove {
                scenario,
                territory,
                ..
            } => {
                let s = scenario_mut(project, *scenario)?;
                let k = position(&s.territories, territory.id)?;
                s.territories.remove(k);
                s.overrides.retain(|_, t| *t != territory.id);
                // As the file's foreign keys do (the edit should have released them first).
                s.units.holder.retain(|_, t| *t != territory.id);
                if s.units.holder.is_empty() {
                    s.units.layer = None;
                }
                Ok(())
            }
            Change::Properties {
                scenario, after, ..
            } => {
                let s = scenario_mut(project, *scenario)?;
                let k = position(&s.territories, after.id)?;
                let geometry =
                    std::mem::replace(&mut s.territories[k].geometry, MultiPolygon(vec![]));
                s.territories[k] = Territory {
                    geometry,
                    ..after.clone()
                };
                Ok(())
            }
            Change::Overrides { scenario, changes } => {
                let s = scenario_mut(project, *scenario)?;
                for (account, _, after) in changes {
                    match after {
                        Some(t) => s.overrides.insert(*account, *t),
                        None => s.overrides.remove(account),
                    };
                }
                Ok(())
            }
            Change::Units {
                scenario,
                layer,
                changes,
            } => apply_units(scenario_mut(project, *scenario)?, layer, changes),
        }
    }

    /// A rough count of the bytes this change holds in memory (coordinates, account rows,
    /// whole scenarios), so that the undo history can stay within a memory budget.
    pub fn approx_bytes(&self) -> usize {
        const ACCOUNT: usize = std::mem::size_of::<Account>() + 64;
        let area = |g: &MultiPolygon<f64>| {
            g.0.iter()
                .map(|p| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum::<usize>()
                * std::mem::size_of::<geo::Coord<f64>>()
        };
        let territory = |t: &Territory| std::mem::size_of::<Territory>() + area(&t.geometry);
        let scenario = |s: &Scenario| {
            std::mem::size_of::<Scenario>()
                + s.territories.iter().map(territory).sum::<usize>()
                + s.overrides.len() * 16
                + s.units.holder.len() * 40
        };
        std::mem::size_of::<Change>()
            + match self {
                Change::Geometry { before, after, .. } => area(before) + area(after),
                Change::Add { territory: t, .. } | Change::Remove { territory: t, .. } => {
                    territory(t)
                }
                Change::Properties { before, after, .. } => territory(before) + territory(after),
                Change::Rep { .. } | Change::Active { .. } | Change::Settings { .. } => 0,
                Change::UnitLayer { before, after } => before
                    .iter()
                    .chain(after)
                    .map(|l| l.key.len() + l.title.len() + l.topojson().len())
                    .sum(),
                Change::Accounts {
                    added,
                    removed,
                    updated,
                } => (added.len() + removed.len() + 2 * updated.len()) * ACCOUNT,
                Change::Scenario { before, after } => {
                    before.iter().chain(after).map(scenario).sum()
                }
                Change::Overrides { changes, .. } => changes.len() * 16,
                Change::Units { changes, .. } => changes.iter().map(|(u, ..)| u.len() + 40).sum(),
            }
    }
}

/// The scenario with this id, to change.
fn scenario_mut(project: &mut Project, id: ScenarioId) -> Result<&mut Scenario, ChangeError> {
    project
        .scenarios
        .iter_mut()
        .find(|s| s.id == id)
        .ok_or(ChangeError::NoScenario(id.0))
}

/// Gives units to territories (or releases them) in a plan of `layer`, checking every
/// territory first, so that a refused change leaves the plan as it was.
fn apply_units(
    s: &mut Scenario,
    layer: &str,
    changes: &[(String, Option<TerritoryId>, Option<TerritoryId>)],
) -> Result<(), ChangeError> {
    if let Some(held) = &s.units.layer
        && held != layer
        && !s.units.holder.is_empty()
    {
        return Err(ChangeError::OtherLayer(format!("{held}, not {layer}")));
    }
    for t in changes.iter().filter_map(|(_, _, after)| *after) {
        position(&s.territories, t)?;
    }
    for (unit, _, after) in changes {
        match after {
            Some(t) => s.units.holder.insert(unit.clone(), *t),
            None => s.units.holder.remove(unit),
        };
    }
    // A plan that holds no units is a freehand plan again, free to take another layer.
    s.units.layer = (!s.units.holder.is_empty()).then(|| layer.to_owned());
    Ok(())
}

/// The index of territory `t` in a scenario's list.
fn position(territories: &[Territory], t: TerritoryId) -> Result<usize, ChangeError> {
    territories
        .iter()
        .position(|x| x.id == t)
        .ok_or(ChangeError::NoTerritory(t.0))
}

/// Rebuilds the account table with rows removed, updated and added (the column store has no
/// in-place update; an import is rare enough to copy it).
fn apply_accounts(
    project: &mut Project,
    added: &[Account],
    removed: &[Account],
    updated: &[(Account, Account)],
) {
    let gone: std::collections::HashSet<AccountId> = removed.iter().map(|a| a.id).collect();
    let new: std::collections::HashMap<AccountId, &Account> =
        updated.iter().map(|(_, a)| (a.id, a)).collect();
    let old = std::mem::take(&mut project.accounts);
    let mut accounts = Accounts::default();
    for i in 0..old.len() {
        let id = old.ids()[i];
        if gone.contains(&id) {
            continue;
        }
        match new.get(&id) {
            Some(a) => accounts.push(a),
            None => accounts.push(&old.get(i)),
        };
    }
    let mut added: Vec<&Account> = added.iter().collect();
    added.sort_by_key(|a| a.id.0);
    for a in added {
        accounts.push(a);
    }
    project.accounts = accounts;
    for scenario in &mut project.scenarios {
        scenario.overrides.retain(|a, _| !gone.contains(a));
    }
}

/// Adds, replaces or removes a rep.
fn apply_rep(
    project: &mut Project,
    before: Option<&Rep>,
    after: Option<&Rep>,
) -> Result<(), ChangeError> {
    let id = after.or(before).map(|r| r.id).unwrap_or(RepId(0));
    let at = project.reps.iter().position(|r| r.id == id);
    match (at, after) {
        (Some(k), Some(rep)) => project.reps[k] = rep.clone(),
        // Reps are kept in id order, as the file lists them, so that undoing a deletion puts
        // the rep back where it was.
        (None, Some(rep)) => {
            let k = project.reps.partition_point(|r| r.id.0 < rep.id.0);
            project.reps.insert(k, rep.clone());
        }
        (Some(k), None) => {
            project.reps.remove(k);
        }
        (None, None) => return Err(ChangeError::NoRep(id.0)),
    }
    Ok(())
}

/// Adds, replaces or removes a planner's unit layer. Layers are kept in key order, as the
/// file lists them, so that undoing a removal puts the layer back where it was.
fn apply_unit_layer(
    project: &mut Project,
    before: Option<&ProjectLayer>,
    after: Option<&ProjectLayer>,
) -> Result<(), ChangeError> {
    let key = after.or(before).map_or("", |l| l.key.as_str());
    let at = project.unit_layers.iter().position(|l| l.key == key);
    match (at, before, after) {
        (None, None, Some(new)) => {
            if let Some(problem) = key_problem(&new.key) {
                return Err(ChangeError::LayerKey(problem));
            }
            let k = project.unit_layers.partition_point(|l| l.key < new.key);
            project.unit_layers.insert(k, new.clone());
        }
        (Some(_), None, Some(new)) => {
            return Err(ChangeError::LayerKey(format!(
                "the project has a unit layer {} already; choose another key or replace it",
                new.key
            )));
        }
        (Some(k), Some(old), Some(new)) if old.key == new.key => {
            project.unit_layers[k] = new.clone();
        }
        (Some(k), Some(_), None) => {
            let plans: Vec<&str> = project
                .scenarios
                .iter()
                .filter(|s| s.units.layer.as_deref() == Some(key))
                .map(|s| s.name.as_str())
                .collect();
            if !plans.is_empty() {
                return Err(ChangeError::LayerInUse(format!(
                    "unit layer {key} cannot be removed: plan {} is built from it (snap it \
                     to another layer or delete the plan first)",
                    plans.join(", ")
                )));
            }
            project.unit_layers.remove(k);
        }
        (_, Some(_), Some(_)) | (None, Some(_), None) | (_, None, None) => {
            return Err(ChangeError::LayerKey(format!(
                "the project has no unit layer {key} to change"
            )));
        }
    }
    Ok(())
}

/// Adds, renames or removes a scenario. Scenarios are kept in id order (creation order, as
/// the file lists them), so that undoing a deletion puts the scenario back where it was.
fn apply_scenario(
    project: &mut Project,
    before: Option<&Scenario>,
    after: Option<&Scenario>,
) -> Result<(), ChangeError> {
    let id = after.or(before).map_or(ScenarioId(0), |s| s.id);
    let at = project.scenarios.iter().position(|s| s.id == id);
    if let Some(new) = after
        && project
            .scenarios
            .iter()
            .any(|s| s.id != id && s.name == new.name)
    {
        return Err(ChangeError::DuplicateScenario(new.name.clone()));
    }
    match (at, before, after) {
        (Some(k), Some(_), Some(new)) => {
            project.scenarios[k].name = new.name.clone();
            project.scenarios[k].notes = new.notes.clone();
        }
        (None, None, Some(new)) => {
            let k = project.scenarios.partition_point(|s| s.id.0 < new.id.0);
            project.scenarios.insert(k, new.clone());
        }
        (Some(_), None, Some(new)) => return Err(ChangeError::DuplicateScenario(new.name.clone())),
        (Some(k), Some(_), None) => {
            project.scenarios.remove(k);
            if project.active_scenario == Some(id) {
                project.active_scenario = None;
            }
        }
        (Some(_), None, None) | (None, Some(_), _) | (None, None, None) => {
            return Err(ChangeError::NoScenario(id.0));
        }
    }
    Ok(())
}

/// The next free scenario id in the project.
pub fn next_scenario_id(project: &Project) -> ScenarioId {
    ScenarioId(project.scenarios.iter().map(|s| s.id.0).max().unwrap_or(0) + 1)
}

/// The next free rep id in the project.
pub fn next_rep_id(project: &Project) -> RepId {
    RepId(project.reps.iter().map(|r| r.id.0).max().unwrap_or(0) + 1)
}

/// One user gesture: a readable description and its changes, applied in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// What the planner did, for the History panel ("Moved border Noord/Oost").
    pub description: String,
    /// The changes, in the order they are applied.
    pub changes: Vec<Change>,
}

impl Edit {
    /// The edit that undoes this one: the changes inverted, last first.
    pub fn inverse(&self) -> Edit {
        Edit {
            description: format!("Undo: {}", self.description),
            changes: self.changes.iter().rev().map(Change::inverse).collect(),
        }
    }

    /// A rough count of the bytes the edit holds in memory (see [`Change::approx_bytes`]).
    pub fn approx_bytes(&self) -> usize {
        self.description.len() + self.changes.iter().map(Change::approx_bytes).sum::<usize>()
    }

    /// Applies every change to `project`; on an error, the changes already applied are
    /// undone, so the project is as before.
    pub fn apply(&self, project: &mut Project) -> Result<(), ChangeError> {
        for (k, change) in self.changes.iter().enumerate() {
            if let Err(e) = change.apply(project) {
                for done in self.changes[..k].iter().rev() {
                    // Inverting what just succeeded cannot fail.
                    let _ = done.inverse().apply(project);
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

/// The next free territory id in the project (ids are unique across scenarios).
pub fn next_territory_id(project: &Project) -> TerritoryId {
    let max = project
        .scenarios
        .iter()
        .flat_map(|s| s.territories.iter().map(|t| t.id.0))
        .max()
        .unwrap_or(0);
    TerritoryId(max + 1)
}

//! Plans of geographic units in a session: snapping a plan to a layer into a new scenario
//! (`tessera units --from-plan`, and the window's "Snap plan to units").

use std::sync::Arc;

use super::{Session, SessionError};
use crate::model::{Change, Edit, Project, Scenario, UnitPlan};
use crate::units::embedded;
use crate::units::layer::UnitLayer;
use crate::units::snap::snap_plan;

/// What snapping a plan to a layer made.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSnap {
    /// The plan snapped.
    pub from: String,
    /// The new scenario.
    pub into: String,
    /// The layer.
    pub layer: String,
    /// Units given to territories (by their accounts or by area), and of those by area.
    pub units: usize,
    /// Units given by area (they hold no account).
    pub by_area: usize,
    /// Units of the layer no territory covers (left out of the plan).
    pub left_out: usize,
    /// Accounts that change territory by the snapping alone.
    pub moved: usize,
    /// Of those, accounts that lie in no unit of the plan: in no territory now.
    pub lost: usize,
    /// Territories that got no unit (they keep their rep and targets, but no area).
    pub without_units: Vec<String>,
}

/// The embedded layer `key`, or why not (naming the layers there are).
pub fn unit_layer(key: &str) -> Result<Arc<UnitLayer>, SessionError> {
    match embedded::layer(key) {
        Some(layer) => layer.map_err(SessionError::Units),
        None => Err(SessionError::Units(format!(
            "there is no unit layer {key}; the layers are {}",
            embedded::keys()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Every unit of the layer `scenario` is built from, with its territory and that
/// territory's rep (both empty for a unit no territory holds), in the layer's order: what a
/// CRM's assignment rules need. A freehand plan has none: refused, saying how to make one.
pub fn unit_rows(project: &Project, scenario: &Scenario) -> Result<Vec<[String; 4]>, SessionError> {
    let Some(key) = &scenario.units.layer else {
        return Err(SessionError::Units(format!(
            "plan {} is not built from units; make one with tessera units --from-plan",
            scenario.name
        )));
    };
    let layer = super::layer_in(project, key)?;
    Ok(layer
        .units
        .iter()
        .map(|unit| {
            let territory = scenario
                .units
                .holder
                .get(&unit.code)
                .and_then(|t| scenario.territory(*t));
            let rep = territory
                .and_then(|t| t.rep)
                .and_then(|r| project.rep(r))
                .map_or(String::new(), |r| r.name.clone());
            [
                unit.code.clone(),
                unit.name.clone(),
                territory.map_or(String::new(), |t| t.name.clone()),
                rep,
            ]
        })
        .collect())
}

impl Session {
    /// Makes a new scenario `into` of plan `from` (by name; the active plan, else the one
    /// shown, when `None`) snapped to unit layer `layer`, as one undoable edit.
    pub fn snap_to_units(
        &mut self,
        layer: &str,
        from: Option<&str>,
        into: &str,
    ) -> Result<UnitSnap, SessionError> {
        let (edit, report) = snap_edit(&self.project, self.current(), layer, from, into)?;
        self.apply(edit)?;
        Ok(report)
    }
}

/// The edit that makes a new scenario `into` of plan `from` (by name; the active plan, else
/// `shown`, when `None`) snapped to unit layer `layer`, and what it does. Reads the project
/// only, so that the window can make it on another thread for a big project.
pub fn snap_edit(
    project: &Project,
    shown: Option<&Scenario>,
    layer: &str,
    from: Option<&str>,
    into: &str,
) -> Result<(Edit, UnitSnap), SessionError> {
    let units = super::layer_in(project, layer)?;
    let source = source_plan(project, shown, from)?;
    let snapped = snap_plan(project, source, &units);
    let (mut edit, _) = crate::edit::scenarios::duplicate_scenario(project, source.id, into)
        .map_err(|r| SessionError::Units(r.0))?;
    let Some(Change::Scenario {
        after: Some(copy), ..
    }) = edit.changes.first_mut()
    else {
        return Err(SessionError::Units(
            "the copy of the plan was not made".into(),
        ));
    };
    // The copy's territories are the source's, in order, under new ids.
    let new_id = |old| {
        source
            .territory_index(old)
            .and_then(|k| copy.territories.get(k))
            .map(|t| t.id)
    };
    copy.units = UnitPlan {
        layer: Some(layer.to_owned()),
        holder: snapped
            .holder
            .iter()
            .filter_map(|(code, t)| new_id(*t).map(|id| (code.clone(), id)))
            .collect(),
    };
    let mut without_units = Vec::new();
    for (territory, geometry) in copy.territories.iter_mut().zip(&snapped.geometries) {
        if geometry.0.is_empty() {
            without_units.push(territory.name.clone());
        }
        territory.geometry = geometry.clone();
    }
    copy.notes = format!("{} snapped to {}", source.name, units.title);
    edit.description = format!("Snapped {} to {layer} as {into}", source.name);
    let report = UnitSnap {
        from: source.name.clone(),
        into: into.to_owned(),
        layer: layer.to_owned(),
        units: snapped.holder.len(),
        by_area: snapped.by_area,
        left_out: units.units.len() - snapped.holder.len(),
        moved: snapped.moved,
        lost: snapped.lost,
        without_units,
    };
    Ok((edit, report))
}

/// The plan `from` names, else the active plan, else `shown`; or why there is none.
pub(super) fn source_plan<'p>(
    project: &'p Project,
    shown: Option<&'p Scenario>,
    from: Option<&str>,
) -> Result<&'p Scenario, SessionError> {
    match from {
        Some(name) => project
            .scenario_by_name(name)
            .ok_or_else(|| SessionError::UnknownScenario {
                name: name.to_owned(),
                known: project
                    .scenarios
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        None => project.active().or(shown).ok_or(SessionError::NoScenario),
    }
}

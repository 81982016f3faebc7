//! Painting units into territories: a stroke moves units between territories in memory while
//! the pointer moves (the live plan follows each unit at once, re-testing only the accounts
//! in that unit), and becomes one undoable edit when it ends.
//!
//! A territory built from units is exactly the outline of its units, so moving one unit
//! changes two territories' areas inside that unit only: that is what keeps a paint step at
//! a million accounts within a few milliseconds, however large the territories are.

use std::collections::BTreeMap;
use std::sync::Arc;

use geo::{BoundingRect, MultiPolygon};

use super::{Effects, Session, SessionError};
use crate::engine::index::{Bounds, union_bounds};
use crate::model::{Change, Edit, ScenarioId, TerritoryId};
use crate::units::layer::UnitLayer;

/// What a stroke does to the units it crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brush {
    /// Gives them to this territory.
    Add(TerritoryId),
    /// Takes them out of this territory (units other territories hold stay).
    Remove(TerritoryId),
}

impl Brush {
    /// The territory painted.
    pub fn territory(self) -> TerritoryId {
        match self {
            Brush::Add(t) | Brush::Remove(t) => t,
        }
    }

    /// The holder a unit that had `was` gets, or `None` when the brush leaves it alone.
    fn holder_after(self, was: Option<TerritoryId>) -> Option<Option<TerritoryId>> {
        match self {
            Brush::Add(t) => (was != Some(t)).then_some(Some(t)),
            Brush::Remove(t) => (was == Some(t)).then_some(None),
        }
    }
}

/// A paint stroke under way: which units it moved and what they and their territories were
/// before, so that it can become one edit, or be taken back.
#[derive(Debug, Clone)]
pub struct UnitStroke {
    scenario: ScenarioId,
    layer: Arc<UnitLayer>,
    brush: Brush,
    /// Per unit touched (by index in the layer): its holder before the stroke.
    before: BTreeMap<u32, Option<TerritoryId>>,
    /// Per territory touched: its area before the stroke.
    shapes: BTreeMap<TerritoryId, MultiPolygon<f64>>,
}

impl UnitStroke {
    /// The layer painted.
    pub fn layer(&self) -> &Arc<UnitLayer> {
        &self.layer
    }

    /// What the stroke does.
    pub fn brush(&self) -> Brush {
        self.brush
    }

    /// How many units the stroke has touched so far.
    pub fn touched(&self) -> usize {
        self.before.len()
    }
}

/// The box of a unit, in lon/lat.
fn unit_bounds(layer: &UnitLayer, unit: u32) -> Option<Bounds> {
    let rect = layer.topology.unit_polygon(unit as usize).bounding_rect()?;
    Some((rect.min().x, rect.min().y, rect.max().x, rect.max().y))
}

/// The box of every unit of `codes` in layer `key`: where an edit that moves these units
/// (and changes only their territories' areas) can change owners.
pub(super) fn units_bounds<'a>(
    project: &crate::model::Project,
    key: &str,
    codes: impl IntoIterator<Item = &'a str>,
) -> Option<Bounds> {
    let layer = super::layer_in(project, key).ok()?;
    let mut all: Option<Bounds> = None;
    for code in codes {
        let b = unit_bounds(&layer, layer.unit(code)?)?;
        all = Some(all.map_or(b, |a| union_bounds(a, b)));
    }
    all
}

impl Session {
    /// Starts a paint stroke on the scenario shown with units of layer `layer`.
    ///
    /// Refused when the plan is built from another layer, when the territory is drawn
    /// freehand (snap the plan first: painting would replace its drawn area), or when the
    /// session cannot write.
    pub fn begin_stroke(&self, layer: &str, brush: Brush) -> Result<UnitStroke, SessionError> {
        if self.is_busy() {
            return Err(SessionError::Busy);
        }
        self.check_writable()?;
        let scenario = self.current().ok_or(SessionError::NoScenario)?;
        if let Some(held) = &scenario.units.layer
            && held != layer
        {
            return Err(SessionError::Units(format!(
                "plan {} is built from {held}; paint it with {held}",
                scenario.name
            )));
        }
        let t = brush.territory();
        let territory = scenario.territory(t).ok_or_else(|| {
            SessionError::Units(format!("plan {} has no territory {}", scenario.name, t.0))
        })?;
        if let Brush::Add(t) = brush {
            let holds_units = scenario.units.units_of(t).next().is_some();
            if !holds_units && !territory.geometry.0.is_empty() {
                return Err(SessionError::Units(format!(
                    "{} is drawn freehand; snap the plan to units (Plan > Snap to units) to paint it",
                    territory.name
                )));
            }
        }
        Ok(UnitStroke {
            scenario: scenario.id,
            layer: self.unit_layer(layer)?,
            brush,
            before: BTreeMap::new(),
            shapes: BTreeMap::new(),
        })
    }

    /// Paints unit `unit` (its index in the stroke's layer) with the stroke's brush. In
    /// memory only; the live plan and report follow. Returns the territories whose area
    /// changed: none when nothing did (adding a unit the territory already holds).
    pub fn paint_unit(&mut self, stroke: &mut UnitStroke, unit: u32) -> Vec<TerritoryId> {
        if self.read_only || self.is_busy() || self.current().map(|s| s.id) != Some(stroke.scenario)
        {
            return Vec::new();
        }
        let layer = Arc::clone(&stroke.layer);
        let Some(code) = layer.units.get(unit as usize).map(|u| u.code.clone()) else {
            return Vec::new();
        };
        let Some(bounds) = unit_bounds(&layer, unit) else {
            return Vec::new();
        };
        let index = self.scenario;
        let scenario = &self.project.scenarios[index];
        let was = scenario.units.holder.get(&code).copied();
        let Some(now) = stroke.brush.holder_after(was) else {
            return Vec::new();
        };
        stroke.before.entry(unit).or_insert(was);
        let touched: Vec<TerritoryId> = was.into_iter().chain(now).collect();
        for t in &touched {
            if let Some(territory) = scenario.territory(*t) {
                stroke
                    .shapes
                    .entry(*t)
                    .or_insert_with(|| territory.geometry.clone());
            }
        }
        let project = Arc::make_mut(&mut self.project);
        let scenario = &mut project.scenarios[index];
        match now {
            Some(t) => scenario.units.holder.insert(code, t),
            None => scenario.units.holder.remove(&code),
        };
        scenario.units.layer = (!scenario.units.holder.is_empty()).then(|| layer.key.clone());
        let mut areas = Vec::with_capacity(touched.len());
        for &t in &touched {
            let members: Vec<u32> = scenario
                .units
                .units_of(t)
                .filter_map(|code| layer.unit(code))
                .collect();
            let (outline, measures) = layer.shape_of(&members);
            if let Some(k) = scenario.territory_index(t) {
                scenario.territories[k].geometry = outline;
                areas.push((k, measures));
            }
        }
        let territories = &self.project.scenarios[index].territories;
        let changes: Vec<_> = areas
            .into_iter()
            .map(|(k, m)| (k, &territories[k].geometry, Some(m)))
            .collect();
        self.assignment
            .set_geometries(&self.project.accounts, &changes, Some(bounds));
        self.refresh_report();
        touched
    }

    /// Ends a stroke: what it changed becomes one undoable edit, written to the file.
    /// `Ok(None)` when it changed nothing.
    pub fn end_stroke(&mut self, stroke: UnitStroke) -> Result<Option<Effects>, SessionError> {
        let Some(edit) = self.stroke_edit(&stroke) else {
            self.compact_areas();
            return Ok(None);
        };
        match self.apply(edit) {
            Ok(effects) => {
                self.compact_areas();
                Ok(Some(effects))
            }
            Err(e) => {
                // Nothing was written: show the plan as it was.
                self.cancel_stroke(stroke);
                Err(e)
            }
        }
    }

    /// Takes a stroke back: its units and areas as they were, in memory (nothing was
    /// written).
    pub fn cancel_stroke(&mut self, stroke: UnitStroke) {
        let Some(index) = self
            .project
            .scenarios
            .iter()
            .position(|s| s.id == stroke.scenario)
        else {
            return;
        };
        let layer_before = self.project.scenarios[index].units.layer.clone();
        let project = Arc::make_mut(&mut self.project);
        let scenario = &mut project.scenarios[index];
        for (&unit, was) in &stroke.before {
            let Some(code) = stroke
                .layer
                .units
                .get(unit as usize)
                .map(|u| u.code.clone())
            else {
                continue;
            };
            match was {
                Some(t) => scenario.units.holder.insert(code, *t),
                None => scenario.units.holder.remove(&code),
            };
        }
        scenario.units.layer = (!scenario.units.holder.is_empty())
            .then(|| layer_before.unwrap_or_else(|| stroke.layer.key.clone()));
        let mut areas = Vec::new();
        for (t, shape) in &stroke.shapes {
            if let Some(k) = scenario.territory_index(*t) {
                scenario.territories[k].geometry = shape.clone();
                areas.push((k, shape));
            }
        }
        if index == self.scenario {
            let bounds = stroke
                .before
                .keys()
                .filter_map(|&u| unit_bounds(&stroke.layer, u))
                .reduce(union_bounds);
            let changes: Vec<_> = areas.iter().map(|(k, g)| (*k, *g, None)).collect();
            self.assignment
                .set_geometries(&self.project.accounts, &changes, bounds);
            self.refresh_report();
            self.compact_areas();
        }
    }

    /// Prepares whole again the areas of the plan shown that paint steps patched (see
    /// `LiveAssignment::compact_areas`).
    fn compact_areas(&mut self) {
        let Some(scenario) = self.project.scenarios.get(self.scenario) else {
            return;
        };
        let geometries: Vec<_> = scenario.territories.iter().map(|t| &t.geometry).collect();
        self.assignment.compact_areas(&geometries);
    }

    /// The edit a stroke amounts to: its units' moves and its territories' areas, before and
    /// after. `None` when every unit is back with its first holder.
    fn stroke_edit(&self, stroke: &UnitStroke) -> Option<Edit> {
        let scenario = self.project.scenario(stroke.scenario)?;
        let layer = &stroke.layer;
        let changes: Vec<(String, Option<TerritoryId>, Option<TerritoryId>)> = stroke
            .before
            .iter()
            .filter_map(|(&unit, &was)| {
                let code = &layer.units.get(unit as usize)?.code;
                let now = scenario.units.holder.get(code).copied();
                (now != was).then(|| (code.clone(), was, now))
            })
            .collect();
        if changes.is_empty() {
            return None;
        }
        let mut edit_changes = vec![Change::Units {
            scenario: stroke.scenario,
            layer: layer.key.clone(),
            changes: changes.clone(),
        }];
        for (t, before) in &stroke.shapes {
            let Some(after) = scenario.territory(*t).map(|x| &x.geometry) else {
                continue;
            };
            if after != before {
                edit_changes.push(Change::Geometry {
                    scenario: stroke.scenario,
                    territory: *t,
                    before: before.clone(),
                    after: after.clone(),
                });
            }
        }
        let name = |t: Option<TerritoryId>| {
            t.and_then(|t| scenario.territory(t))
                .map_or(String::new(), |x| x.name.clone())
        };
        let count = match changes.len() {
            1 => format!("unit {}", changes[0].0),
            n => format!("{n} units"),
        };
        let description = match stroke.brush {
            Brush::Add(t) => format!("Painted {count} into {}", name(Some(t))),
            Brush::Remove(t) => format!("Took {count} out of {}", name(Some(t))),
        };
        Some(Edit {
            description,
            changes: edit_changes,
        })
    }
}

//! Snapping a plan to a layer of units ("Snap plan to units", `tessera units --from-plan`):
//! every unit goes to the territory holding most of its accounts, weighed by potential (by
//! area where it has no accounts), and each territory becomes the outline of its units. The
//! count of accounts that change territory by the snapping alone tells the planner what the
//! conversion costs before anything else changes.

use std::collections::BTreeMap;
use std::sync::Arc;

use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Point};

use super::layer::UnitLayer;
use crate::engine::assign::{RuleFilter, ZoneSet};
use crate::engine::index::AccountGrid;
use crate::engine::live::LiveAssignment;
use crate::model::{Project, Scenario, SegmentRule, TerritoryId};

/// Sample points per side of a unit's box, for units without accounts (judged by area).
const SAMPLES: usize = 5;

/// A plan snapped to a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapped {
    /// Unit code -> the territory that takes it. Units no territory covers are not listed.
    pub holder: BTreeMap<String, TerritoryId>,
    /// Each territory's new area, the outline of its units, in scenario order (empty for a
    /// territory that holds no unit).
    pub geometries: Vec<MultiPolygon<f64>>,
    /// Accounts whose territory changes by the snapping alone (to another territory, or to
    /// none when they lie outside every unit).
    pub moved: usize,
    /// Of those, the accounts that had a territory and lie in no unit the plan holds (often
    /// geocoded just off the coast, in water no unit covers): gaps in the snapped plan.
    pub lost: usize,
    /// Units given by their accounts, and by area.
    pub by_accounts: usize,
    /// Units given by area (they hold no account).
    pub by_area: usize,
}

/// Snaps `scenario` of `project` to `layer`.
pub fn snap_plan(project: &Project, scenario: &Scenario, layer: &UnitLayer) -> Snapped {
    let accounts = &project.accounts;
    let grid = Arc::new(AccountGrid::new(accounts.lons(), accounts.lats()));
    let plan = LiveAssignment::new(project, scenario, grid);
    let unit_of = units_of_accounts(project, layer);
    let territories = scenario.territories.len();
    // Per unit and territory: the potential of the unit's accounts the territory holds, and
    // a sliver more per account, so that accounts without potential still count.
    let mut weight: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); layer.units.len()];
    let potentials = accounts.potentials();
    for (row, unit) in unit_of.iter().enumerate() {
        if let (Some(u), Some(t)) = (unit, plan.owner(row)) {
            let potential = potentials.get(row).copied().unwrap_or(0.0);
            let potential = if potential.is_finite() {
                potential.max(0.0)
            } else {
                0.0
            };
            *weight[*u as usize].entry(t).or_default() += potential + 1e-6;
        }
    }
    let zones = territory_zones(scenario);
    let mut holder_index: Vec<Option<usize>> = vec![None; layer.units.len()];
    let (mut by_accounts, mut by_area) = (0, 0);
    for (u, weights) in weight.iter().enumerate() {
        holder_index[u] = if let Some((t, _)) = weights
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        {
            by_accounts += 1;
            Some(*t)
        } else {
            let t = by_area_of(&layer.topology.unit_polygon(u), &zones, territories);
            by_area += usize::from(t.is_some());
            t
        };
    }
    let (mut moved, mut lost) = (0, 0);
    for (row, unit) in unit_of.iter().enumerate() {
        let (before, after) = (plan.owner(row), unit.and_then(|u| holder_index[u as usize]));
        moved += usize::from(before != after);
        lost += usize::from(before.is_some() && after.is_none());
    }
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); territories];
    let mut holder = BTreeMap::new();
    for (u, t) in holder_index.iter().enumerate() {
        if let Some(t) = t {
            members[*t].push(u as u32);
            holder.insert(layer.units[u].code.clone(), scenario.territories[*t].id);
        }
    }
    Snapped {
        holder,
        geometries: members.iter().map(|m| layer.topology.outline(m)).collect(),
        moved,
        lost,
        by_accounts,
        by_area,
    }
}

/// The unit each account lies in (by row), `None` outside every unit.
pub fn units_of_accounts(project: &Project, layer: &UnitLayer) -> Vec<Option<u32>> {
    let accounts = &project.accounts;
    layer.units_at(accounts.lons(), accounts.lats())
}

/// The territories of a scenario as zones without their segment rules (a unit's area
/// belongs to whoever's area covers it).
fn territory_zones(scenario: &Scenario) -> ZoneSet {
    let geometries: Vec<&MultiPolygon<f64>> =
        scenario.territories.iter().map(|t| &t.geometry).collect();
    let open = crate::model::Vocabulary::default();
    let filters = geometries
        .iter()
        .map(|_| RuleFilter::new(&SegmentRule::default(), &open, &open))
        .collect();
    ZoneSet::new(&geometries, filters)
}

/// The territory covering most of a unit without accounts: a vote of sample points inside
/// the unit (its interior point when none of the grid's falls inside).
fn by_area_of(unit: &MultiPolygon<f64>, zones: &ZoneSet, territories: usize) -> Option<usize> {
    let rect = unit.bounding_rect()?;
    let mut votes = vec![0usize; territories];
    let mut vote = |p: Point<f64>| {
        let t = zones.locate(p.x(), p.y(), 0, 0).owner;
        if let Some(v) = votes.get_mut(t as usize) {
            *v += 1;
        }
    };
    let mut inside = 0;
    for i in 0..SAMPLES {
        for j in 0..SAMPLES {
            let fx = (i as f64 + 0.5) / SAMPLES as f64;
            let fy = (j as f64 + 0.5) / SAMPLES as f64;
            let p = Point::new(
                rect.min().x + fx * rect.width(),
                rect.min().y + fy * rect.height(),
            );
            if unit.contains(&p) {
                inside += 1;
                vote(p);
            }
        }
    }
    if inside == 0 {
        vote(unit.interior_point()?);
    }
    let (t, &count) = votes
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
    (count > 0).then_some(t)
}

#[cfg(test)]
mod tests {
    use geo::{Area, polygon};

    use super::*;
    use crate::model::{Account, AccountId, Colour, ScenarioId, Territory, UnitPlan};
    use crate::units::layer::Unit;
    use crate::units::topology::{CleanOptions, Topology};

    /// A square unit of `size` degrees with its south-west corner at (x, y).
    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)
        ]])
    }

    /// Four units in a row, A to D, each 0.1 degrees wide, from longitude 5.0.
    fn row_layer() -> UnitLayer {
        let shapes: Vec<_> = (0..4)
            .map(|k| square(5.0 + 0.1 * k as f64, 52.0, 0.1))
            .collect();
        let (topology, _) = Topology::build(&shapes, &CleanOptions::default()).expect("clean");
        let units = ["A", "B", "C", "D"]
            .map(|code| Unit {
                code: code.into(),
                name: code.into(),
                inhabitants: None,
            })
            .into();
        UnitLayer::new("row", "Row", units, topology).expect("layer")
    }

    /// Longitudes `west` to `east` of the row's latitudes.
    fn band(west: f64, east: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: west, y: 52.0), (x: east, y: 52.0), (x: east, y: 52.1), (x: west, y: 52.1)
        ]])
    }

    fn territory(id: u32, geometry: MultiPolygon<f64>) -> Territory {
        Territory {
            id: TerritoryId(id),
            name: format!("T{id}"),
            colour: Colour([0, 0, 0]),
            rep: None,
            geometry,
            rule: SegmentRule::default(),
            target: 0.0,
            average_deal: 1.0,
            conversion: 0.1,
        }
    }

    /// West holds longitudes 5.0 to 5.16 (all of A, most of B), East 5.16 to 5.6 (beyond
    /// the units, which end at 5.4); accounts at (longitude, potential).
    fn plan(accounts: &[(f64, f64)]) -> Project {
        let mut project = Project::default();
        for (k, &(lon, potential)) in accounts.iter().enumerate() {
            project.accounts.push(&Account {
                id: AccountId(k as u32 + 1),
                lon,
                lat: 52.05,
                potential,
                ..Account::default()
            });
        }
        project.scenarios.push(Scenario {
            id: ScenarioId(1),
            name: "Plan".into(),
            notes: String::new(),
            created: 0,
            territories: vec![territory(1, band(5.0, 5.16)), territory(2, band(5.16, 5.6))],
            overrides: Default::default(),
            units: UnitPlan::default(),
        });
        project
    }

    #[test]
    fn units_go_to_the_territory_with_most_potential_and_empty_ones_by_area() {
        let layer = row_layer();
        // B (5.1 to 5.2) holds two West accounts of 10 and one East account of 50: East
        // has more potential there, so B goes East and the two West accounts move. C and D
        // hold no account: both lie wholly in East.
        let project = plan(&[(5.05, 1.0), (5.12, 10.0), (5.14, 10.0), (5.18, 50.0)]);
        let snapped = snap_plan(&project, &project.scenarios[0], &layer);
        let holder: Vec<(&str, u32)> = snapped
            .holder
            .iter()
            .map(|(code, t)| (code.as_str(), t.0))
            .collect();
        assert_eq!(holder, [("A", 1), ("B", 2), ("C", 2), ("D", 2)]);
        assert_eq!((snapped.by_accounts, snapped.by_area), (2, 2));
        assert_eq!(
            snapped.moved, 2,
            "the accounts at 5.12 and 5.14 change hands"
        );
        // West is exactly A; East is B, C and D, sharing A's east border.
        let west = &snapped.geometries[0];
        assert!((west.unsigned_area() - 0.01).abs() < 1e-9, "{west:?}");
        let east = &snapped.geometries[1];
        assert!((east.unsigned_area() - 0.03).abs() < 1e-9, "{east:?}");
        assert!(
            geo::Intersects::intersects(west, east),
            "they share a border"
        );
        let overlap = geo::BooleanOps::intersection(west, east).unsigned_area();
        assert!(overlap < 1e-12, "{overlap}");
    }

    #[test]
    fn by_potential_not_by_count_and_unowned_accounts_count_as_moved() {
        let layer = row_layer();
        // In B one West account of 100 outweighs two East ones of 1. The account at 5.5
        // is East's but lies outside every unit: it loses its territory, and counts as moved.
        let project = plan(&[
            (5.12, 100.0),
            (5.17, 1.0),
            (5.18, 1.0),
            (5.35, 0.0),
            (5.5, 3.0),
        ]);
        let snapped = snap_plan(&project, &project.scenarios[0], &layer);
        assert_eq!(snapped.holder.get("B"), Some(&TerritoryId(1)));
        // D holds the account at 5.35 (East's, potential 0: it still counts).
        assert_eq!(snapped.holder.get("D"), Some(&TerritoryId(2)));
        // Moved: the two East accounts in B, and the one outside every unit (lost).
        assert_eq!((snapped.moved, snapped.lost), (3, 1));
        let unit_of = units_of_accounts(&project, &layer);
        assert_eq!(unit_of, [Some(1), Some(1), Some(1), Some(3), None]);
    }
}

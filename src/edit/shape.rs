//! Edits that change which territories exist or what they cover as a whole: draw a new one
//! (taking the area it covers or overlapping it), split one along a line, merge two, delete
//! one, and settle an overlap in favour of one territory.

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};

// geo's own validation tests all pairs of segments: seconds on a 100k-vertex territory.
use crate::geometry::is_valid;

use super::{NewAreas, Refusal, areas_edit, refuse, territories_at, unique_name};
use crate::model::{
    Change, Colour, Edit, Project, Scenario, Territory, TerritoryId, next_territory_id,
};

/// A new territory from a drawn ring (lon/lat, not closed). With `take_area`, the territories
/// it covers lose that area to it; otherwise the covered area stays theirs as well (an
/// overlap, flagged in the report).
pub fn add_territory(
    project: &Project,
    scenario: &Scenario,
    ring: &[Coord<f64>],
    take_area: bool,
) -> Result<Edit, Refusal> {
    if ring.len() < 3 {
        return refuse("a territory needs at least three corners");
    }
    let mut polygon = Polygon::new(LineString::from(ring.to_vec()), vec![]);
    // Counter-clockwise outside, as the rest of the project holds it.
    geo::Orient::orient(&polygon, geo::orient::Direction::Default).clone_into(&mut polygon);
    let area = MultiPolygon(vec![polygon]);
    if !is_valid(&area) || area.unsigned_area() <= 0.0 {
        return refuse("the drawn outline crosses itself; draw it again without crossing");
    }
    let n = scenario.territories.len();
    let territory = new_territory(project, scenario, area.clone());
    let mut changes = Vec::new();
    let mut losers = Vec::new();
    if take_area {
        for other in &scenario.territories {
            if other.geometry.intersection(&area).unsigned_area() > 0.0 {
                let rest = other.geometry.difference(&area);
                if rest.unsigned_area() <= 0.0 {
                    return refuse(format!(
                        "the new territory covers all of {}; draw a smaller one or keep the overlap",
                        other.name
                    ));
                }
                losers.push(other.name.clone());
                changes.push(Change::Geometry {
                    scenario: scenario.id,
                    territory: other.id,
                    before: other.geometry.clone(),
                    after: rest,
                });
            }
        }
    }
    let description = if losers.is_empty() {
        format!("Drew {}", territory.name)
    } else {
        format!("Drew {} from {}", territory.name, losers.join(", "))
    };
    changes.push(Change::Add {
        scenario: scenario.id,
        position: n,
        territory,
    });
    Ok(Edit {
        description,
        changes,
    })
}

/// A new territory of the scenario with this area: the next colour, no rep, targets as the
/// first territory's.
fn new_territory(project: &Project, scenario: &Scenario, geometry: MultiPolygon<f64>) -> Territory {
    let template = scenario.territories.first();
    Territory {
        id: next_territory_id(project),
        name: unique_name(scenario, "Territory"),
        colour: Colour::nth(scenario.territories.len()),
        rep: None,
        geometry,
        rule: Default::default(),
        target: template.map_or(800_000.0, |t| t.target),
        average_deal: template.map_or(40_000.0, |t| t.average_deal),
        conversion: template.map_or(0.10, |t| t.conversion),
    }
}

/// A new territory without area at the end of the scenario's list, to paint units into.
pub fn add_empty_territory(project: &Project, scenario: &Scenario) -> Edit {
    let territory = new_territory(project, scenario, MultiPolygon(vec![]));
    Edit {
        description: format!("Added {} (to paint)", territory.name),
        changes: vec![Change::Add {
            scenario: scenario.id,
            position: scenario.territories.len(),
            territory,
        }],
    }
}

/// Names of the territories a drawn ring would cover (for the "take or overlap" question).
pub fn covered_by(scenario: &Scenario, ring: &[Coord<f64>]) -> Vec<String> {
    if ring.len() < 3 {
        return Vec::new();
    }
    let area = MultiPolygon(vec![Polygon::new(LineString::from(ring.to_vec()), vec![])]);
    if !is_valid(&area) {
        return Vec::new();
    }
    scenario
        .territories
        .iter()
        .filter(|t| t.geometry.intersection(&area).unsigned_area() > 0.0)
        .map(|t| t.name.clone())
        .collect()
}

/// Splits territory `t` along a drawn line (lon/lat, at least two points) that crosses it
/// from edge to edge. The part left of the line (seen from its start) stays the territory;
/// the other becomes a new territory with the same properties and a new name.
pub fn split(
    project: &Project,
    scenario: &Scenario,
    t: usize,
    line: &[Coord<f64>],
) -> Result<Edit, Refusal> {
    let Some(territory) = scenario.territories.get(t) else {
        return refuse("select the territory to split first");
    };
    if line.len() < 2 {
        return refuse("draw a line of at least two points across the territory");
    }
    let Some(side) = left_side(&territory.geometry, line) else {
        return refuse("the split line is too short");
    };
    let kept = territory.geometry.intersection(&side);
    let cut = territory.geometry.difference(&side);
    let whole = territory.geometry.unsigned_area();
    if kept.unsigned_area() < whole * 1e-6 || cut.unsigned_area() < whole * 1e-6 {
        return refuse(format!(
            "the line must cross {} from edge to edge; nothing was split",
            territory.name
        ));
    }
    if !is_valid(&kept) || !is_valid(&cut) {
        return refuse("that line gives invalid parts; draw a simpler line");
    }
    let new = Territory {
        id: next_territory_id(project),
        name: unique_name(scenario, &format!("{} 2", territory.name)),
        colour: Colour::nth(scenario.territories.len()),
        geometry: cut,
        ..territory.clone()
    };
    Ok(Edit {
        description: format!("Split {} (new: {})", territory.name, new.name),
        changes: vec![
            Change::Geometry {
                scenario: scenario.id,
                territory: territory.id,
                before: territory.geometry.clone(),
                after: kept,
            },
            Change::Add {
                scenario: scenario.id,
                position: t + 1,
                territory: new,
            },
        ],
    })
}

/// The region left of a polyline, made big enough to contain `area` on that side: the line
/// extended past the area at both ends and closed far to its left.
fn left_side(area: &MultiPolygon<f64>, line: &[Coord<f64>]) -> Option<MultiPolygon<f64>> {
    let bounds = geo::BoundingRect::bounding_rect(area)?;
    let reach = 4.0 * (bounds.width() + bounds.height()) + 1.0;
    let (first, last) = (*line.first()?, *line.last()?);
    let along = |from: Coord<f64>, to: Coord<f64>| {
        let (dx, dy) = (to.x - from.x, to.y - from.y);
        let length = dx.hypot(dy);
        (length > 0.0).then(|| Coord {
            x: dx / length,
            y: dy / length,
        })
    };
    let start_dir = along(line[1], first)?;
    let end_dir = along(line[line.len() - 2], last)?;
    let overall = along(first, last).unwrap_or(Coord {
        x: -start_dir.x,
        y: -start_dir.y,
    });
    let left = Coord {
        x: -overall.y,
        y: overall.x,
    };
    let far = |c: Coord<f64>, d: Coord<f64>, k: f64| Coord {
        x: c.x + d.x * k,
        y: c.y + d.y * k,
    };
    let start = far(first, start_dir, reach);
    let end = far(last, end_dir, reach);
    let mut ring = vec![start];
    ring.extend_from_slice(line);
    ring.push(end);
    ring.push(far(end, left, reach * 2.0));
    ring.push(far(start, left, reach * 2.0));
    ring.push(start);
    Some(MultiPolygon(vec![Polygon::new(
        LineString::from(ring),
        vec![],
    )]))
}

/// The change that moves every override of territory `from` to `to` (`None`: removes
/// them), or `None` when it has none.
fn move_overrides(
    scenario: &Scenario,
    from: TerritoryId,
    to: Option<TerritoryId>,
) -> Option<Change> {
    let changes: Vec<_> = scenario
        .overrides
        .iter()
        .filter(|(_, owner)| **owner == from)
        .map(|(account, _)| (*account, Some(from), to))
        .collect();
    (!changes.is_empty()).then_some(Change::Overrides {
        scenario: scenario.id,
        changes,
    })
}

/// The change that gives every unit of territory `from` to `to` (`None`: releases them), so
/// that a territory removed after it gets its units back on undo.
fn move_units(scenario: &Scenario, from: TerritoryId, to: Option<TerritoryId>) -> Option<Change> {
    let layer = scenario.units.layer.clone()?;
    let changes: Vec<_> = scenario
        .units
        .units_of(from)
        .map(|code| (code.to_owned(), Some(from), to))
        .collect();
    (!changes.is_empty()).then_some(Change::Units {
        scenario: scenario.id,
        layer,
        changes,
    })
}

/// Merges territory `b` into territory `a`: `a` gets the union of both areas, `b`'s
/// named-account overrides and its units; `b` is removed.
pub fn merge(scenario: &Scenario, a: usize, b: usize) -> Result<Edit, Refusal> {
    let (Some(ta), Some(tb)) = (scenario.territories.get(a), scenario.territories.get(b)) else {
        return refuse("select two territories to merge");
    };
    if a == b {
        return refuse("select two different territories to merge");
    }
    // A panic inside i_overlay refuses the merge instead of ending the program.
    let union = crate::geometry::guard::guarded(|| ta.geometry.union(&tb.geometry)).ok();
    let Some(union) = union.filter(is_valid) else {
        return refuse(format!(
            "{} and {} cannot be merged cleanly",
            ta.name, tb.name
        ));
    };
    let mut changes: Vec<Change> = move_overrides(scenario, tb.id, Some(ta.id))
        .into_iter()
        .chain(move_units(scenario, tb.id, Some(ta.id)))
        .collect();
    changes.push(Change::Geometry {
        scenario: scenario.id,
        territory: ta.id,
        before: ta.geometry.clone(),
        after: union,
    });
    changes.push(Change::Remove {
        scenario: scenario.id,
        position: b,
        territory: tb.clone(),
    });
    Ok(Edit {
        description: format!("Merged {} into {}", tb.name, ta.name),
        changes,
    })
}

/// Deletes territory `t`; its named-account overrides and units go first, so undo brings
/// them back.
pub fn delete_territory(scenario: &Scenario, t: usize) -> Option<Edit> {
    let territory = scenario.territories.get(t)?;
    let mut changes: Vec<Change> = move_overrides(scenario, territory.id, None)
        .into_iter()
        .chain(move_units(scenario, territory.id, None))
        .collect();
    changes.push(Change::Remove {
        scenario: scenario.id,
        position: t,
        territory: territory.clone(),
    });
    Some(Edit {
        description: format!("Deleted {}", territory.name),
        changes,
    })
}

/// Resolves the overlap at a point in favour of territory `winner`, by geometry: every other
/// territory there gives up all the area it shares with the winner.
pub fn resolve_overlap(
    scenario: &Scenario,
    winner: usize,
    lon: f64,
    lat: f64,
) -> Result<Edit, Refusal> {
    let Some(keep) = scenario.territories.get(winner) else {
        return refuse("choose the territory that keeps the area");
    };
    let mut areas = NewAreas::new();
    for k in territories_at(scenario, lon, lat)
        .into_iter()
        .filter(|k| *k != winner)
    {
        let other = &scenario.territories[k];
        let rest = other.geometry.difference(&keep.geometry);
        if rest.unsigned_area() <= 0.0 {
            return refuse(format!(
                "{} lies wholly inside {}; delete or redraw it instead",
                other.name, keep.name
            ));
        }
        areas.push((k, rest));
    }
    if areas.is_empty() {
        return refuse("there is no overlap there");
    }
    let mut edit = areas_edit(scenario, "Resolved overlap for", &areas);
    edit.description = format!("Gave the overlap to {}", keep.name);
    Ok(edit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::demo;

    #[test]
    fn split_then_merge_gives_back_the_area() {
        let project = demo();
        let s = &project.scenarios[0];
        let zuid = &s.territories[3];
        let b = geo::BoundingRect::bounding_rect(&zuid.geometry).expect("bounds");
        let x = (b.min().x + b.max().x) / 2.0;
        // North to south through the middle: the west part (left of a southward line is east;
        // whichever side) stays, the other is new.
        let line = [
            Coord {
                x,
                y: b.max().y + 0.1,
            },
            Coord {
                x,
                y: b.min().y - 0.1,
            },
        ];
        let edit = split(&project, s, 3, &line).expect("split");
        let mut after = project.clone();
        edit.apply(&mut after).expect("apply");
        let s2 = &after.scenarios[0];
        assert_eq!(s2.territories.len(), 5);
        let (a, c) = (&s2.territories[3], &s2.territories[4]);
        let total = a.geometry.unsigned_area() + c.geometry.unsigned_area();
        let whole = zuid.geometry.unsigned_area();
        assert!((total - whole).abs() < 1e-6 * whole, "{total} vs {whole}");
        assert!(a.geometry.intersection(&c.geometry).unsigned_area() < 1e-12);
        let merge = merge(s2, 3, 4).expect("merge");
        let mut merged = after.clone();
        merge.apply(&mut merged).expect("apply");
        let m = &merged.scenarios[0].territories[3].geometry;
        assert!((m.unsigned_area() - whole).abs() < 1e-6 * whole);
        assert_eq!(merged.scenarios[0].territories.len(), 4);
    }

    #[test]
    fn a_line_that_misses_the_territory_splits_nothing() {
        let project = demo();
        let s = &project.scenarios[0];
        let line = [Coord { x: 0.0, y: 0.0 }, Coord { x: 0.1, y: 0.1 }];
        assert!(split(&project, s, 0, &line).is_err());
    }

    #[test]
    fn a_drawn_territory_takes_area_or_overlaps() {
        let project = demo();
        let s = &project.scenarios[0];
        // A square around Utrecht (West/Oost border area).
        let ring = [
            Coord { x: 5.0, y: 52.0 },
            Coord { x: 5.3, y: 52.0 },
            Coord { x: 5.3, y: 52.2 },
            Coord { x: 5.0, y: 52.2 },
        ];
        let covered = covered_by(s, &ring);
        assert!(!covered.is_empty());
        let take = add_territory(&project, s, &ring, true).expect("take");
        let mut taken = project.clone();
        take.apply(&mut taken).expect("apply");
        let t = &taken.scenarios[0];
        let new = t.territories.last().expect("added");
        for other in &t.territories[..4] {
            assert!(other.geometry.intersection(&new.geometry).unsigned_area() < 1e-12);
        }
        let keep = add_territory(&project, s, &ring, false).expect("keep");
        assert_eq!(keep.changes.len(), 1, "only the new territory");
        let crossing = [
            Coord { x: 5.0, y: 52.0 },
            Coord { x: 5.3, y: 52.2 },
            Coord { x: 5.3, y: 52.0 },
            Coord { x: 5.0, y: 52.2 },
        ];
        assert!(add_territory(&project, s, &crossing, false).is_err());
    }
}

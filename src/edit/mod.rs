//! Territory edits as the map tools make them: move, insert and remove a vertex (in every
//! territory that shares it, so a common border never opens a gap or an overlap), draw a new
//! territory, split one along a line, merge two. Each operation checks its result and returns
//! an [`Edit`] ready for [`crate::app::Document::edit`], or says why it refuses.

pub mod scenarios;

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Validation};

use crate::model::{
    AccountId, Change, Colour, Edit, Project, Rep, RepId, Scenario, Territory, TerritoryId,
    next_rep_id, next_territory_id,
};

/// Why an edit was refused; the message is for the planner.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// New areas for some territories of a scenario: (index in the scenario, area).
pub type NewAreas = Vec<(usize, MultiPolygon<f64>)>;

/// Calls `f` with the coordinates of every ring (closed: first equals last).
fn rings_mut(area: &mut MultiPolygon<f64>, mut f: impl FnMut(&mut Vec<Coord<f64>>)) {
    for polygon in &mut area.0 {
        polygon.exterior_mut(|ring| f(&mut ring.0));
        polygon.interiors_mut(|rings| {
            for ring in rings {
                f(&mut ring.0);
            }
        });
    }
}

fn rings(area: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    area.0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// Whether a territory has a vertex exactly at `at`.
fn has_vertex(area: &MultiPolygon<f64>, at: Coord<f64>) -> bool {
    rings(area).any(|r| r.0.contains(&at))
}

/// The vertex nearest to `near` among all territories, with its distance (in the units of
/// `distance`, which measures two coordinates, e.g. in screen points).
pub fn nearest_vertex(
    scenario: &Scenario,
    near: Coord<f64>,
    distance: impl Fn(Coord<f64>, Coord<f64>) -> f64,
) -> Option<(Coord<f64>, f64)> {
    nearest_vertex_among(scenario, near, distance, |_| true)
}

/// The vertex nearest to `near` among the territories (by index) that `include` accepts.
pub fn nearest_vertex_among(
    scenario: &Scenario,
    near: Coord<f64>,
    distance: impl Fn(Coord<f64>, Coord<f64>) -> f64,
    include: impl Fn(usize) -> bool,
) -> Option<(Coord<f64>, f64)> {
    scenario
        .territories
        .iter()
        .enumerate()
        .filter(|(t, _)| include(*t))
        .flat_map(|(_, t)| rings(&t.geometry).flat_map(|r| r.0.iter().copied()))
        .map(|c| (c, distance(c, near)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The edge midpoint nearest to `near` among the edges of territory `t`: (edge start, edge
/// end, distance to its midpoint).
pub fn nearest_midpoint(
    scenario: &Scenario,
    t: usize,
    near: Coord<f64>,
    distance: impl Fn(Coord<f64>, Coord<f64>) -> f64,
) -> Option<(Coord<f64>, Coord<f64>, f64)> {
    let territory = scenario.territories.get(t)?;
    rings(&territory.geometry)
        .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])))
        .map(|(a, b)| (a, b, distance(midpoint(a, b), near)))
        .min_by(|x, y| x.2.total_cmp(&y.2))
}

/// The middle of an edge.
pub fn midpoint(a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
    Coord {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    }
}

/// Moves the vertex at `from` to `to` in every territory that has it. Returns the new areas
/// (empty when no territory has a vertex there).
pub fn move_vertex(scenario: &Scenario, from: Coord<f64>, to: Coord<f64>) -> NewAreas {
    sharing(scenario, from)
        .map(|(t, mut area)| {
            rings_mut(&mut area, |ring| {
                for c in ring.iter_mut().filter(|c| **c == from) {
                    *c = to;
                }
            });
            (t, area)
        })
        .collect()
}

/// The areas with the vertex at `from` moved to `to` (areas as a gesture started).
pub fn moved(areas: &NewAreas, from: Coord<f64>, to: Coord<f64>) -> NewAreas {
    areas
        .iter()
        .map(|(t, area)| {
            let mut area = area.clone();
            rings_mut(&mut area, |ring| {
                for c in ring.iter_mut().filter(|c| **c == from) {
                    *c = to;
                }
            });
            (*t, area)
        })
        .collect()
}

/// The current areas of the territories that have a vertex at `at`.
pub fn areas_at(scenario: &Scenario, at: Coord<f64>) -> NewAreas {
    sharing(scenario, at).collect()
}

/// Inserts a vertex at `at` into the edge `a`-`b`, in every territory that has that edge, so
/// that a shared border stays shared.
pub fn insert_vertex(
    scenario: &Scenario,
    a: Coord<f64>,
    b: Coord<f64>,
    at: Coord<f64>,
) -> NewAreas {
    sharing(scenario, a)
        .filter_map(|(t, mut area)| {
            let mut inserted = false;
            rings_mut(&mut area, |ring| {
                if let Some(k) = ring
                    .windows(2)
                    .position(|w| (w[0] == a && w[1] == b) || (w[0] == b && w[1] == a))
                {
                    ring.insert(k + 1, at);
                    inserted = true;
                }
            });
            inserted.then_some((t, area))
        })
        .collect()
}

/// Removes the vertex at `at` from every territory that has it; refuses when a ring would
/// keep fewer than three corners.
pub fn remove_vertex(scenario: &Scenario, at: Coord<f64>) -> Result<NewAreas, Refusal> {
    let mut out = Vec::new();
    for (t, mut area) in sharing(scenario, at) {
        let mut too_small = false;
        rings_mut(&mut area, |ring| {
            if !ring.contains(&at) {
                return;
            }
            ring.retain(|c| *c != at);
            // The removed vertex may have been the ring's first (and so its closing) one.
            if let Some(&first) = ring.first()
                && ring.last() != Some(&first)
            {
                ring.push(first);
            }
            too_small |= ring.len() < 4;
        });
        if too_small {
            let name = &scenario.territories[t].name;
            return refuse(format!(
                "{name} would keep fewer than three corners there; the vertex stays"
            ));
        }
        out.push((t, area));
    }
    Ok(out)
}

/// The territories that have a vertex at `at`, with a copy of their area.
fn sharing(
    scenario: &Scenario,
    at: Coord<f64>,
) -> impl Iterator<Item = (usize, MultiPolygon<f64>)> + '_ {
    scenario
        .territories
        .iter()
        .enumerate()
        .filter(move |(_, t)| has_vertex(&t.geometry, at))
        .map(|(k, t)| (k, t.geometry.clone()))
}

/// Checks new areas: every ring stays simple (no self-intersection) and every territory keeps
/// some area.
pub fn check(scenario: &Scenario, areas: &NewAreas) -> Result<(), Refusal> {
    for (t, area) in areas {
        let name = scenario.territories.get(*t).map_or("", |t| t.name.as_str());
        if !area.is_valid() {
            return refuse(format!(
                "that would make the border of {name} cross itself; nothing was changed"
            ));
        }
        if area.unsigned_area() <= 0.0 {
            return refuse(format!(
                "{name} would have no area left; nothing was changed"
            ));
        }
    }
    Ok(())
}

/// The edit that gives territories new areas, described after what it touches.
pub fn areas_edit(scenario: &Scenario, verb: &str, areas: &NewAreas) -> Edit {
    let names: Vec<&str> = areas
        .iter()
        .filter_map(|(t, _)| scenario.territories.get(*t).map(|t| t.name.as_str()))
        .collect();
    let what = if names.len() > 1 {
        "border"
    } else {
        "vertex of"
    };
    Edit {
        description: format!("{verb} {what} {}", names.join("/")),
        changes: areas
            .iter()
            .filter_map(|(t, area)| {
                let territory = scenario.territories.get(*t)?;
                Some(Change::Geometry {
                    scenario: scenario.id,
                    territory: territory.id,
                    before: territory.geometry.clone(),
                    after: area.clone(),
                })
            })
            .collect(),
    }
}

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
    if !area.is_valid() || area.unsigned_area() <= 0.0 {
        return refuse("the drawn outline crosses itself; draw it again without crossing");
    }
    let id = next_territory_id(project);
    let n = scenario.territories.len();
    let template = scenario.territories.first();
    let territory = Territory {
        id,
        name: unique_name(scenario, "Territory"),
        colour: Colour::nth(n),
        rep: None,
        geometry: area.clone(),
        rule: Default::default(),
        target: template.map_or(800_000.0, |t| t.target),
        average_deal: template.map_or(40_000.0, |t| t.average_deal),
        conversion: template.map_or(0.10, |t| t.conversion),
    };
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

/// Names of the territories a drawn ring would cover (for the "take or overlap" question).
pub fn covered_by(scenario: &Scenario, ring: &[Coord<f64>]) -> Vec<String> {
    if ring.len() < 3 {
        return Vec::new();
    }
    let area = MultiPolygon(vec![Polygon::new(LineString::from(ring.to_vec()), vec![])]);
    if !area.is_valid() {
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
    if !kept.is_valid() || !cut.is_valid() {
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

/// Merges territory `b` into territory `a`: `a` gets the union of both areas and `b`'s
/// named-account overrides; `b` is removed.
pub fn merge(scenario: &Scenario, a: usize, b: usize) -> Result<Edit, Refusal> {
    let (Some(ta), Some(tb)) = (scenario.territories.get(a), scenario.territories.get(b)) else {
        return refuse("select two territories to merge");
    };
    if a == b {
        return refuse("select two different territories to merge");
    }
    let union = ta.geometry.union(&tb.geometry);
    if !union.is_valid() {
        return refuse(format!(
            "{} and {} cannot be merged cleanly",
            ta.name, tb.name
        ));
    }
    let mut changes: Vec<Change> = move_overrides(scenario, tb.id, Some(ta.id))
        .into_iter()
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

/// Deletes territory `t`; its named-account overrides go first, so undo brings them back.
pub fn delete_territory(scenario: &Scenario, t: usize) -> Option<Edit> {
    let territory = scenario.territories.get(t)?;
    let mut changes: Vec<Change> = move_overrides(scenario, territory.id, None)
        .into_iter()
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

/// Adds territories read from a file to a scenario, after its own, as one edit. Names that
/// the scenario already has get a number ("Noord 2").
pub fn import_territories(
    project: &Project,
    scenario: &Scenario,
    areas: Vec<crate::io::territories::NamedArea>,
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

/// Holes between territories: areas enclosed by territories but in none of them, as (centre
/// lon/lat, km²), largest first. Costs a union of every territory: run it on demand.
pub fn holes(scenario: &Scenario) -> Vec<((f64, f64), f64)> {
    use geo::{Centroid, GeodesicArea};
    let mut union = MultiPolygon::<f64>(vec![]);
    for t in &scenario.territories {
        union = union.union(&t.geometry);
    }
    let mut found: Vec<((f64, f64), f64)> = union
        .0
        .iter()
        .flat_map(|p| p.interiors().iter())
        .filter_map(|ring| {
            // A hole's ring runs clockwise; as an outline of its own it must run the other way,
            // or its geodesic area is the rest of the Earth.
            let hole = geo::Orient::orient(
                &Polygon::new(ring.clone(), vec![]),
                geo::orient::Direction::Default,
            );
            let c = hole.centroid()?;
            Some(((c.x(), c.y()), hole.geodesic_area_unsigned() / 1e6))
        })
        .filter(|(_, km2)| *km2 > 0.001)
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found
}

/// The territory whose area is nearest to a point (0 for a point inside), by plane distance
/// in degrees: good enough to choose between neighbours.
pub fn nearest_territory(scenario: &Scenario, lon: f64, lat: f64) -> Option<usize> {
    use geo::{Distance, Euclidean};
    let point = geo::Point::new(lon, lat);
    scenario
        .territories
        .iter()
        .enumerate()
        .map(|(k, t)| (k, Euclidean.distance(&point, &t.geometry)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// The territories whose area contains a point.
pub fn territories_at(scenario: &Scenario, lon: f64, lat: f64) -> Vec<usize> {
    use geo::Contains;
    let point = geo::Point::new(lon, lat);
    (0..scenario.territories.len())
        .filter(|&k| scenario.territories[k].geometry.contains(&point))
        .collect()
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

/// Step `k` of a fixed edit script (a vertex move, an inserted vertex or a named-account
/// override, chosen from `k` and the project as it is), for tests that replay edits in a
/// child process and must know what each step did. `None` when the step is refused.
pub fn scripted(project: &Project, scenario: usize, k: usize) -> Option<Edit> {
    let s = project.scenarios.get(scenario)?;
    let n = s.territories.len();
    if n == 0 {
        return None;
    }
    let ring = &s.territories[k % n].geometry.0.first()?.exterior().0;
    let at = ring[(k * 7) % (ring.len() - 1)];
    let areas = match k % 3 {
        0 => {
            let d = 0.002 * ((k % 5) as f64 - 2.0);
            move_vertex(
                s,
                at,
                Coord {
                    x: at.x + d,
                    y: at.y - d / 2.0,
                },
            )
        }
        1 => {
            let next = ring[(k * 7) % (ring.len() - 1) + 1];
            insert_vertex(s, at, next, midpoint(at, next))
        }
        _ => {
            let accounts = project.accounts.ids();
            let account = *accounts.get((k * 31) % accounts.len().max(1))?;
            let before = s.overrides.get(&account).copied();
            let after = Some(s.territories[(k / 3) % n].id).filter(|t| Some(*t) != before);
            return Some(Edit {
                description: format!("Named account {}", account.0),
                changes: vec![Change::Overrides {
                    scenario: s.id,
                    changes: vec![(account, before, after)],
                }],
            });
        }
    };
    check(s, &areas).ok()?;
    Some(areas_edit(s, "Moved", &areas))
}

/// `base`, or `base 2`, `base 3`, ... : the first name no territory of the scenario has.
fn unique_name(scenario: &Scenario, base: &str) -> String {
    numbered(base, |name| {
        scenario.territories.iter().any(|t| t.name == name)
    })
}

/// `base`, or `base 2`, `base 3`, ..., whichever is not `taken`.
fn numbered(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|k| format!("{base} {k}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Project;

    fn demo() -> Project {
        crate::demo::project().expect("demo")
    }

    /// A vertex shared by Noord and Oost in the demo.
    fn shared_vertex(s: &Scenario) -> Coord<f64> {
        let noord = &s.territories[0].geometry;
        let oost = &s.territories[1].geometry;
        rings(noord)
            .flat_map(|r| r.0.iter().copied())
            .find(|c| has_vertex(oost, *c))
            .expect("Noord and Oost share a border")
    }

    #[test]
    fn moving_a_shared_vertex_moves_it_in_every_territory() {
        let project = demo();
        let s = &project.scenarios[0];
        let at = shared_vertex(s);
        let to = Coord {
            x: at.x + 0.01,
            y: at.y + 0.005,
        };
        let areas = move_vertex(s, at, to);
        let moved: Vec<usize> = areas.iter().map(|(t, _)| *t).collect();
        assert!(moved.contains(&0) && moved.contains(&1), "{moved:?}");
        for (_, area) in &areas {
            assert!(has_vertex(area, to) && !has_vertex(area, at));
        }
        check(s, &areas).expect("a small move stays valid");
        let edit = areas_edit(s, "Moved", &areas);
        assert!(
            edit.description.starts_with("Moved border Noord/Oost"),
            "{}",
            edit.description
        );
    }

    #[test]
    fn a_move_that_makes_a_border_cross_itself_is_refused() {
        let project = demo();
        let s = &project.scenarios[0];
        let at = shared_vertex(s);
        // Far across the territory: the ring folds over itself.
        let to = Coord {
            x: at.x + 3.0,
            y: at.y - 1.5,
        };
        let areas = move_vertex(s, at, to);
        assert!(check(s, &areas).is_err());
    }

    #[test]
    fn insert_keeps_shared_edges_shared_and_remove_undoes_it() {
        let project = demo();
        let s = &project.scenarios[0];
        let at = shared_vertex(s);
        // The shared edge starting at that vertex.
        let b = rings(&s.territories[0].geometry)
            .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])))
            .find(|(x, y)| {
                (*x == at && has_vertex(&s.territories[1].geometry, *y))
                    || (*y == at && has_vertex(&s.territories[1].geometry, *x))
            })
            .map(|(x, y)| if x == at { y } else { x })
            .expect("a shared edge");
        let mid = midpoint(at, b);
        let areas = insert_vertex(s, at, b, mid);
        assert_eq!(areas.len(), 2, "both neighbours get the vertex");
        let mut after = s.clone();
        for (t, area) in &areas {
            after.territories[*t].geometry = area.clone();
        }
        let removed = remove_vertex(&after, mid).expect("removable");
        for (t, area) in removed {
            assert_eq!(area, s.territories[t].geometry);
        }
    }

    #[test]
    fn a_triangle_keeps_its_corners() {
        let mut project = demo();
        let s = &mut project.scenarios[0];
        let tri = vec![
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 1.0, y: 0.0 },
            Coord { x: 0.0, y: 1.0 },
            Coord { x: 0.0, y: 0.0 },
        ];
        s.territories[0].geometry = MultiPolygon(vec![Polygon::new(LineString::from(tri), vec![])]);
        assert!(remove_vertex(s, Coord { x: 1.0, y: 0.0 }).is_err());
    }

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
    fn a_hole_between_territories_is_found_and_measured() {
        let project = demo();
        let mut s = project.scenarios[0].clone();
        assert!(holes(&s).is_empty(), "the demo tiles without holes");
        // Cut a square out of Oost, inside its area: a hole surrounded by Oost.
        let square = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (6.0, 52.2),
                (6.1, 52.2),
                (6.1, 52.3),
                (6.0, 52.3),
                (6.0, 52.2),
            ]),
            vec![],
        )]);
        s.territories[1].geometry = s.territories[1].geometry.difference(&square);
        let found = holes(&s);
        assert_eq!(found.len(), 1, "{found:?}");
        let ((x, y), km2) = found[0];
        assert!((x - 6.05).abs() < 0.01 && (y - 52.25).abs() < 0.01);
        // 0.1 by 0.1 degrees at 52 N: about 6.8 by 11.1 km.
        assert!((km2 - 76.0).abs() < 3.0, "{km2}");
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

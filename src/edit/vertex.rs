//! Vertex edits on shared borders: find the vertex or edge midpoint under the pointer, then
//! move, insert or remove a vertex in every territory that has it, so a border two territories
//! share never opens a gap or an overlap. The results are new areas ([`NewAreas`]), checked
//! with [`check`] and made into an edit with [`areas_edit`].

use geo::{Area, Coord, LineString, MultiPolygon};

use super::{NewAreas, Refusal, refuse};
use crate::model::{Change, Edit, Scenario};

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

/// Checks new areas: every ring stays simple (no self-intersection), every territory keeps
/// some area, and none is built from units (its area is its units': reshaping it would part
/// the two).
pub fn check(scenario: &Scenario, areas: &NewAreas) -> Result<(), Refusal> {
    for (t, area) in areas {
        let name = scenario.territories.get(*t).map_or("", |t| t.name.as_str());
        if let Some(territory) = scenario.territories.get(*t)
            && scenario.units.units_of(territory.id).next().is_some()
        {
            return refuse(format!(
                "{name} is built from units: change it with Paint (P); nothing was changed"
            ));
        }
        // geo's own validation is quadratic: seconds per drag on a 100k-vertex territory.
        if !crate::geometry::is_valid(area) {
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

#[cfg(test)]
mod tests {
    use geo::Polygon;

    use super::*;
    use crate::edit::demo;

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
}

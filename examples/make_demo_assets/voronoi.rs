//! The Voronoi cell of every place, from spade's Delaunay triangulation in a local
//! equirectangular projection (so that distances are roughly true).

use std::collections::HashMap;

use anyhow::{Context, Result};
use geo::{Coord, LineString, Polygon, Winding};
use spade::{DelaunayTriangulation, Point2, Triangulation};

use crate::input::Place;

/// Latitude (degrees) of the local projection for the Voronoi diagram: one
/// degree of longitude is cos(52.2°) times as long as one of latitude there.
const PROJECTION_LAT: f64 = 52.2;

/// Distance (projected degrees) of the ring of dummy sites from the centre of
/// the places. Far enough that the cells of all real places reach well beyond
/// the coastline, so the outline is covered completely.
const DUMMY_RADIUS: f64 = 10.0;
const DUMMY_COUNT: usize = 64;

/// Computes the Voronoi cell of every place, in the order of `places`.
///
/// A place at the same coordinates as an earlier one gets `None`: spade keeps
/// one vertex per position, and the cell goes to the earlier place.
pub fn voronoi_cells(places: &[Place]) -> Result<Vec<Option<Polygon>>> {
    let k = PROJECTION_LAT.to_radians().cos();
    let mut triangulation = DelaunayTriangulation::<Point2<f64>>::new();
    let mut owner: HashMap<usize, usize> = HashMap::new();
    let mut vertices = Vec::with_capacity(places.len());
    for (i, place) in places.iter().enumerate() {
        let handle = triangulation
            .insert(Point2::new(place.lon * k, place.lat))
            .with_context(|| format!("triangulating {}", place.name))?;
        // Inserting an existing position returns the existing vertex.
        let first = *owner.entry(handle.index()).or_insert(i) == i;
        vertices.push(first.then_some(handle));
    }

    // A ring of far-away dummy sites bounds the cells of the real places
    // (without it, the cells on the convex hull would be unbounded).
    let (min_x, max_x, min_y, max_y) = places.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), p| {
            (
                a.min(p.lon * k),
                b.max(p.lon * k),
                c.min(p.lat),
                d.max(p.lat),
            )
        },
    );
    let (cx, cy) = ((min_x + max_x) / 2.0, (min_y + max_y) / 2.0);
    for i in 0..DUMMY_COUNT {
        let angle = std::f64::consts::TAU * i as f64 / DUMMY_COUNT as f64;
        triangulation
            .insert(Point2::new(
                cx + DUMMY_RADIUS * angle.cos(),
                cy + DUMMY_RADIUS * angle.sin(),
            ))
            .context("triangulating the dummy sites")?;
    }

    vertices
        .iter()
        .zip(places)
        .map(|(vertex, place)| {
            let Some(vertex) = vertex else {
                return Ok(None);
            };
            // Each Voronoi vertex is the circumcenter of one Delaunay face,
            // computed the same way for every cell around it, so neighbouring
            // cells share bitwise identical vertices.
            let coords = triangulation
                .vertex(*vertex)
                .as_voronoi_face()
                .adjacent_edges()
                .map(|edge| edge.from().position().map(|p| Coord { x: p.x / k, y: p.y }))
                .collect::<Option<Vec<Coord>>>()
                .with_context(|| format!("the Voronoi cell of {} is unbounded", place.name))?;
            let mut ring = LineString::from(coords);
            ring.close();
            // unary_union needs all rings wound the same way.
            ring.make_ccw_winding();
            Ok(Some(Polygon::new(ring, vec![])))
        })
        .collect()
}

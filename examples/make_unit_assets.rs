//! Generates the embedded Dutch unit layers (issue 13): PC4, PC3 and PC2 postcode areas,
//! municipalities, COROP regions and provinces, each cleaned into a topology (shared
//! borders, no slivers, no overlaps), simplified by 10 m along each shared border once, and
//! written as gzipped TopoJSON (quantized to 1e7 steps: about 3 cm) with each unit's `code`,
//! `name` and `inhabitants`.
//!
//! Usage, from the repository root:
//!
//! ```text
//! cargo run --release --example make_unit_assets [DATA_DIR [OUT_DIR]]
//! ```
//!
//! `DATA_DIR` defaults to `../shared/data/units` and `OUT_DIR` to `assets/units`. The
//! library embeds the outputs (`src/units/embedded.rs`), so they must exist before this can
//! build: if they are missing, create empty ones first (`touch` them).
//!
//! # Inputs and licences
//!
//! CBS Gebiedsindelingen 2022 and Kerncijfers per postcode 2020 (CC BY 4.0), and the PC4
//! places table of CBS StatLine 83503NED (1 January 2021), as collected in
//! `../shared/data/units` (see its README). Attribution in `assets/NOTICE`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tessera::io::layers::{RawUnit, read_layer};
use tessera::units::layer::{Unit, UnitLayer};
use tessera::units::topology::{CleanOptions, Topology};

/// Key, title, file, the property that codes a unit, and whether the postcode table names
/// it (the place with most inhabitants among its PC4 areas).
const LAYERS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "nl-pc4",
        "Postcodes (PC4)",
        "nl-pc4-2020.geojson",
        "postcode",
        true,
    ),
    (
        "nl-pc3",
        "Postcodes (PC3)",
        "nl-pc3-2020.geojson",
        "postcode",
        true,
    ),
    (
        "nl-pc2",
        "Postcodes (PC2)",
        "nl-pc2-2020.geojson",
        "postcode",
        true,
    ),
    (
        "nl-gemeente",
        "Municipalities (gemeenten)",
        "nl-municipalities-2022.geojson",
        "gemeente",
        false,
    ),
    (
        "nl-corop",
        "COROP regions",
        "nl-corop-2022.geojson",
        "nuts3",
        false,
    ),
    (
        "nl-provincie",
        "Provinces",
        "nl-provinces-2022.geojson",
        "provincie",
        false,
    ),
];

/// Metres of Douglas-Peucker along each shared border: invisible down to about 1:25,000.
const SIMPLIFY_M: f64 = 10.0;
/// TopoJSON grid steps across the layer: about 3 cm over the Netherlands, so that no short
/// shared border vanishes (at 1e6 two PC4 areas lost theirs).
const QUANTIZATION: u32 = 10_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let data = PathBuf::from(args.get(1).map_or("../shared/data/units", String::as_str));
    let out = PathBuf::from(args.get(2).map_or("assets/units", String::as_str));
    std::fs::create_dir_all(&out)?;
    let places = pc4_places(&data.join("nl-pc4-places-2021.csv"))?;
    for &(key, title, file, code_field, named_by_place) in LAYERS {
        let raw = read_layer(&data.join(file))?;
        let units: Vec<Unit> = raw
            .features
            .iter()
            .map(|u| {
                let code = text(u, code_field);
                let name = if named_by_place {
                    place_of(&places, &code).unwrap_or_else(|| code.clone())
                } else {
                    code.clone()
                };
                Unit {
                    code,
                    name,
                    inhabitants: u.property("inwoners").and_then(Value::as_f64),
                }
            })
            .collect();
        let shapes: Vec<_> = raw.features.iter().map(|u| u.geometry.clone()).collect();
        let (topology, report) = Topology::build(&shapes, &CleanOptions::default())?;
        let simplified = topology.simplified(SIMPLIFY_M);
        let layer = UnitLayer::new(key, title, units, simplified)?;
        let text = layer.to_topojson(QUANTIZATION);
        let path = out.join(format!("{key}.topojson.gz"));
        write_gz(&path, text.as_bytes())?;
        eprintln!(
            "{key}: {} units, {} vertices after cleaning ({} slivers filled, {} overlaps \
             resolved, {} units lost), {} after simplifying; {} bytes",
            layer.units.len(),
            topology.vertex_count(),
            report.slivers_filled,
            report.overlaps_resolved,
            report.units_lost.len(),
            layer.topology.vertex_count(),
            std::fs::metadata(&path)?.len()
        );
    }
    Ok(())
}

/// A property as text (numbers too: PC4 codes are numbers in the CBS files).
fn text(unit: &RawUnit, field: &str) -> String {
    match unit.property(field) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A PC4 code, its place and its inhabitants.
type Place = (String, String, f64);

/// Per PC4 code: its place and inhabitants, from the CBS postcode table.
fn pc4_places(path: &Path) -> Result<Vec<Place>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record?;
        let inhabitants = r.get(5).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        rows.push((
            r.get(0).unwrap_or_default().to_owned(),
            r.get(1).unwrap_or_default().to_owned(),
            inhabitants,
        ));
    }
    Ok(rows)
}

/// The place of the postcode area `code` (PC4, PC3 or PC2): among the PC4 areas it holds,
/// the place with most inhabitants.
fn place_of(places: &[Place], code: &str) -> Option<String> {
    let mut by_place: HashMap<&str, f64> = HashMap::new();
    for (_, place, inhabitants) in places.iter().filter(|(pc4, ..)| pc4.starts_with(code)) {
        *by_place.entry(place.as_str()).or_default() += inhabitants + 1.0;
    }
    by_place
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(place, _)| place.to_owned())
}

fn write_gz(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(bytes)?;
    gz.finish()?.sync_all()
}

//! Generates `assets/nl-woonplaatsen.csv.gz`: every Dutch place (woonplaats) of the CBS PC4
//! table, with the names planners write, its municipality, province and inhabitants, and a
//! point inside its postcode areas. The gazetteer (`src/geocode.rs`) adds these to the
//! GeoNames places, so that `Den Haag`, `Den Bosch` and villages under 1,000 inhabitants are
//! found.
//!
//! Usage, from the repository root (after `make_unit_assets`, whose PC4 layer it reads from
//! the library):
//!
//! ```text
//! cargo run --release --example make_woonplaats_assets [PC4_TABLE]
//! ```
//!
//! `PC4_TABLE` defaults to `../shared/data/units/nl-pc4-places-2021.csv` (CBS StatLine
//! 83503NED, 1 January 2021, CC BY 4.0; attribution in `assets/NOTICE`).
//!
//! One row per place and municipality (a name shared by places in several municipalities is
//! several rows: the gazetteer tells them apart by province or municipality). The point is
//! the GeoNames point of the same place when it lies inside one of the place's postcode areas
//! (a town's centre), else a point inside its most populous postcode area (geo's interior
//! point, not the centroid, which may fall outside). Every point is checked to lie in one of
//! the place's own areas.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use tessera::geocode::fold;

/// Other names planners write for a place (the CBS name first).
const ALIASES: &[(&str, &[&str])] = &[
    ("Den Haag", &["'s-Gravenhage", "The Hague"]),
    ("'s-Hertogenbosch", &["Den Bosch"]),
];

/// A place and its postcode areas.
#[derive(Default)]
struct Place {
    province: String,
    inhabitants: u64,
    /// PC4 code and inhabitants.
    areas: Vec<(String, u64)>,
}

/// The other names of `name`: the table's, and the name without a province tag
/// (`Hengelo (Gld)`, `Bergen (NH)`, `Bergen L`: planners write `Hengelo`, `Bergen`).
fn aliases(name: &str) -> Vec<String> {
    let mut out: Vec<String> = ALIASES
        .iter()
        .filter(|(n, _)| *n == name)
        .flat_map(|(_, a)| a.iter().map(|s| s.to_string()))
        .collect();
    let bare = match name.rfind(" (") {
        Some(k) if name.ends_with(')') => Some(&name[..k]),
        _ => name.strip_suffix(" L"),
    };
    out.extend(bare.map(str::to_owned));
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/units/nl-pc4-places-2021.csv".into());
    let layer = tessera::units::embedded::layer("nl-pc4").ok_or("no nl-pc4 layer")??;
    // GeoNames' Dutch places (the gazetteer's own asset): town centres.
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open("assets/gazetteer.csv.gz")?)
        .read_to_string(&mut text)?;
    let mut geonames: BTreeMap<String, Vec<(u64, f64, f64)>> = BTreeMap::new();
    for r in csv::Reader::from_reader(text.as_bytes()).records() {
        let r = r?;
        if &r[1] == "NL" {
            geonames.entry(fold(&r[0])).or_default().push((
                r[3].parse().unwrap_or(0),
                r[4].parse()?,
                r[5].parse()?,
            ));
        }
    }
    let mut places: BTreeMap<(String, String), Place> = BTreeMap::new();
    let mut missing = Vec::new();
    for r in csv::Reader::from_path(&table)?.records() {
        let r = r?;
        // postcode,plaats,gemeente,provincie,nuts3,inwoners
        let (pc4, name, municipality) = (&r[0], r[1].trim(), r[2].trim());
        if name.is_empty() {
            continue;
        }
        if layer.unit(pc4).is_none() {
            missing.push(pc4.to_owned());
            continue;
        }
        let inhabitants: u64 = r[5].parse().unwrap_or(0);
        let place = places
            .entry((name.to_owned(), municipality.to_owned()))
            .or_default();
        place.province = r[3].trim().to_owned();
        place.inhabitants += inhabitants;
        place.areas.push((pc4.to_owned(), inhabitants));
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "name",
        "aliases",
        "municipality",
        "province",
        "inhabitants",
        "lat",
        "lon",
    ])?;
    let (mut centres, mut written) = (0, 0);
    for ((name, municipality), place) in &places {
        let units: Vec<u32> = place
            .areas
            .iter()
            .filter_map(|(pc4, _)| layer.unit(pc4))
            .collect();
        let inside =
            |lon: f64, lat: f64| layer.unit_at(lon, lat).is_some_and(|u| units.contains(&u));
        let also = aliases(name);
        let mut names: Vec<String> = also.iter().map(|a| fold(a)).collect();
        names.push(fold(name));
        let centre = names
            .iter()
            .flat_map(|n| geonames.get(n).into_iter().flatten())
            .filter(|(_, lat, lon)| inside(*lon, *lat))
            .max_by_key(|(population, ..)| *population);
        let (lat, lon) = match centre {
            Some(&(_, lat, lon)) => {
                centres += 1;
                (lat, lon)
            }
            None => {
                // The most populous area whose point is inside it (an area the cleaning
                // left without a face has none).
                let mut areas = place.areas.clone();
                areas.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
                let point = areas.iter().find_map(|(pc4, _)| {
                    let u = layer.unit(pc4)?;
                    let point = layer.interior_point(u);
                    if point.is_none() {
                        eprintln!("area {pc4} ({name}) has no interior point");
                    }
                    point.filter(|&[lon, lat]| inside(lon, lat))
                });
                let Some([lon, lat]) = point else {
                    // PC4 4196 (Tricht) is a sliver of 3 vertices in the CBS data.
                    eprintln!("{name} ({municipality}) left out: none of its areas has a point");
                    continue;
                };
                (lat, lon)
            }
        };
        // Six decimals (10 cm) unless rounding leaves the place's areas.
        let round = |v: f64| (v * 1e6).round() / 1e6;
        let (lat, lon) = if inside(round(lon), round(lat)) {
            (round(lat), round(lon))
        } else {
            (lat, lon)
        };
        if !inside(lon, lat) {
            return Err(
                format!("{name} ({municipality}): {lat},{lon} is outside its areas").into(),
            );
        }
        out.write_record([
            name.as_str(),
            &also.join("|"),
            municipality,
            &place.province,
            &place.inhabitants.to_string(),
            &lat.to_string(),
            &lon.to_string(),
        ])?;
        written += 1;
    }
    let csv = out.into_inner()?;
    let path = "assets/nl-woonplaatsen.csv.gz";
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(std::fs::File::create(path)?, flate2::Compression::best());
    gz.write_all(&csv)?;
    gz.finish()?.sync_all()?;
    println!(
        "wrote {written} places ({centres} at their GeoNames centre) to {path}; {} postcodes of the table are not in the PC4 layer: {}",
        missing.len(),
        missing.join(" ")
    );
    Ok(())
}

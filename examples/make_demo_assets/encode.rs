//! The output files as bytes: compact GeoJSON, CSV, and gzip that depends on nothing but
//! the content.

use std::io::Write;

use anyhow::{Context, Result};
use flate2::{Compression, GzBuilder};

use crate::REGIONS;
use crate::grid::{Region, degrees};
use crate::input::Place;

/// The regions as a compact GeoJSON FeatureCollection.
pub fn encode_regions(regions: &[Region]) -> Result<Vec<u8>> {
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
pub fn encode_places(places: &[Place]) -> Result<Vec<u8>> {
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
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

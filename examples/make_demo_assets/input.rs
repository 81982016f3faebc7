//! The inputs: the GeoNames places file and the Netherlands' outline from Natural Earth,
//! both checked as they are read.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use geo::{BoundingRect, MultiPolygon, Orient, Polygon, orient::Direction};

use crate::REGIONS;

/// One row of the places file.
#[derive(Debug)]
pub struct Place {
    /// GeoNames id: the output order.
    pub geonameid: u64,
    /// Place name.
    pub name: String,
    /// Province (GeoNames admin1 name).
    pub province: String,
    /// Inhabitants.
    pub population: u64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// Reads the places file, checks every row, and returns the places sorted by
/// GeoNames id (the input order is not guaranteed, the output must be stable).
pub fn read_places(path: &Path) -> Result<Vec<Place>> {
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
pub fn region_of(province: &str) -> Option<usize> {
    REGIONS
        .iter()
        .position(|(_, provinces)| provinces.contains(&province))
}

/// Reads the Netherlands from the Natural Earth file and keeps only its
/// European polygons (the feature also holds the Caribbean Netherlands).
pub fn read_outline(path: &Path) -> Result<MultiPolygon> {
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

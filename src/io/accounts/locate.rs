//! Where an imported row is: its coordinates; else its Dutch postcode (a point inside its PC4
//! area, more precise than a place); else its place name (and country) in the gazetteer.

use std::sync::OnceLock;

use super::{Skipped, parse_decimal};
use crate::geocode::Gazetteer;
use crate::units::postcode::{Postcodes, dutch_country, pc4_of};

/// How a row was placed, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// By its latitude and longitude.
    Coordinates,
    /// At its postcode area.
    Postcode,
    /// At its place name.
    Place,
}

/// The columns and tables a row's position comes from.
pub(super) struct Locate<'g> {
    /// Latitude and longitude columns.
    pub coordinates: Option<(usize, usize)>,
    /// Postcode column.
    pub postcode: Option<usize>,
    /// Place column (only with a gazetteer).
    pub place: Option<usize>,
    /// Country column.
    pub country: Option<usize>,
    pub gazetteer: Option<&'g Gazetteer>,
    /// The PC4 areas, loaded when the first row needs them: a file whose rows all have
    /// coordinates never decodes the layer.
    pub postcodes: OnceLock<Result<Postcodes, String>>,
    /// Around the project's accounts, to settle ambiguous place names.
    pub near: Option<(f64, f64, f64, f64)>,
}

/// A row's position: latitude, longitude, how it was found and the words the account keeps
/// under "located by".
pub(super) type Position = (f64, f64, How, String);

impl Locate<'_> {
    /// Whether the mapping gives rows any way to be placed.
    pub fn possible(&self) -> bool {
        self.coordinates.is_some() || self.postcode.is_some() || self.place.is_some()
    }

    /// The position of the row whose cells `cell` gives; `skip` makes the message for a
    /// column.
    pub fn position<'r>(
        &self,
        cell: &dyn Fn(usize) -> &'r str,
        skip: &dyn Fn(usize, String) -> Skipped,
        name_col: usize,
    ) -> Result<Position, Skipped> {
        let filled = |c: usize| !cell(c).is_empty();
        let country = self.country.map(cell).filter(|t| !t.is_empty());
        // A Belgian "1000" is Brussels: only a Dutch (or unstated) country reads it. A
        // postcode not written the Dutch way (a US zip in a file without a country column)
        // gives way to the row's place, when it has one; without one it is refused.
        let has_place = self.gazetteer.is_some() && self.place.is_some_and(filled);
        let postcode = self.postcode.filter(|&c| {
            filled(c)
                && country.is_none_or(dutch_country)
                && !(has_place && pc4_of(cell(c)).is_err())
        });
        // Coordinates when the row has them; else the postcode; else the place.
        let given = self.coordinates.filter(|&(la, lo)| {
            filled(la) || filled(lo) || (self.postcode.is_none() && self.place.is_none())
        });
        if let Some((la, lo)) = given {
            let lat = coordinate(cell(la), 90.0, "latitude").map_err(|e| skip(la, e))?;
            let lon = coordinate(cell(lo), 180.0, "longitude").map_err(|e| skip(lo, e))?;
            return Ok((lat, lon, How::Coordinates, "coordinates".to_owned()));
        }
        if let Some(c) = postcode {
            let postcodes = self
                .postcodes
                .get_or_init(Postcodes::embedded)
                .as_ref()
                .map_err(|e| skip(c, e.clone()))?;
            let found = postcodes
                .locate(cell(c))
                .map_err(|e| skip(c, e.to_string()))?;
            return Ok((
                found.lat,
                found.lon,
                How::Postcode,
                format!("postcode: {}", found.pc4),
            ));
        }
        match (self.place, self.gazetteer) {
            (Some(c), Some(g)) => {
                let place = g
                    .locate_near(cell(c), country, self.near)
                    .map_err(|m| skip(c, m.to_string()))?;
                Ok((
                    place.lat,
                    place.lon,
                    How::Place,
                    format!("place: {}, {}", place.name, place.country),
                ))
            }
            _ => match self.postcode.filter(|&c| filled(c)) {
                Some(c) => Err(skip(
                    c,
                    format!(
                        "postcode {:?} of a row in {} is not read as Dutch, and the row has no coordinates or place",
                        cell(c),
                        country.unwrap_or_default()
                    ),
                )),
                None => Err(skip(name_col, "no coordinates, postcode or place".into())),
            },
        }
    }
}

/// A latitude or longitude cell, within ±`limit`.
fn coordinate(text: &str, limit: f64, what: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Err(format!("no {what}"));
    }
    let v = parse_decimal(text).ok_or_else(|| format!("{what} {text:?} is not a number"))?;
    if v.abs() > limit {
        return Err(format!("{what} {v} is out of range (±{limit})"));
    }
    Ok(v)
}

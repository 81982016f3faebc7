//! Dutch postcodes as planners' files write them (`1011 AB`, `1011AB`, `1011 ab`, `1011`),
//! read to their four-digit area (PC4) and placed at a point inside that area of the embedded
//! PC4 layer: how accounts and leads without coordinates get a position.

use std::sync::Arc;

use super::embedded;
use super::layer::UnitLayer;

/// The embedded layer of four-digit postcode areas.
pub const PC4_LAYER: &str = "nl-pc4";

/// Why a postcode cannot place a row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostcodeError {
    /// Not written as a Dutch postcode.
    #[error(
        "postcode {0:?} is not a Dutch postcode (four digits, the first not 0, then optionally two letters: 1011 AB)"
    )]
    Malformed(String),
    /// Written as one, but no PC4 area has its four digits.
    #[error("postcode {text:?}: there is no postcode area {pc4} (CBS postcode areas)")]
    Unknown {
        /// The cell as written.
        text: String,
        /// Its four digits.
        pc4: String,
    },
    /// The area exists but the CBS data give it no surface (PC4 4196 is a 3-vertex sliver).
    #[error(
        "postcode {text:?}: postcode area {pc4} has no surface in the CBS postcode areas; give coordinates"
    )]
    NoShape {
        /// The cell as written.
        text: String,
        /// Its four digits.
        pc4: String,
    },
}

/// The four-digit area of a Dutch postcode: `1011 AB`, `1011AB`, `1011 ab` and `1011` all
/// give `1011`. Spaces around and between the parts are ignored; anything else (five
/// digits, a leading 0, one letter, three letters) is [`PostcodeError::Malformed`].
pub fn pc4_of(text: &str) -> Result<&str, PostcodeError> {
    let malformed = || PostcodeError::Malformed(text.to_owned());
    let t = text.trim();
    let digits = t.get(..4).filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
    let Some(digits) = digits.filter(|d| !d.starts_with('0')) else {
        return Err(malformed());
    };
    let letters = t[4..].trim_start();
    let letters_ok = letters.is_empty()
        || (letters.len() == 2 && letters.bytes().all(|b| b.is_ascii_alphabetic()));
    if letters_ok {
        Ok(digits)
    } else {
        Err(malformed())
    }
}

/// Where a postcode puts a row.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodePlace {
    /// The four-digit area.
    pub pc4: String,
    /// The area's place (woonplaats), as the layer names it.
    pub place: String,
    /// A point inside the area.
    pub lon: f64,
    /// A point inside the area.
    pub lat: f64,
}

/// Postcodes to points: the embedded PC4 layer and a point inside each of its areas.
#[derive(Clone)]
pub struct Postcodes {
    layer: Arc<UnitLayer>,
}

impl Postcodes {
    /// The embedded PC4 layer (decoded once per run, shared).
    pub fn embedded() -> Result<Postcodes, String> {
        let layer = embedded::layer(PC4_LAYER)
            .unwrap_or_else(|| Err(format!("no embedded layer {PC4_LAYER}")))?;
        Ok(Postcodes { layer })
    }

    /// Postcodes placed in `layer` (its unit codes are the four digits).
    pub fn from_layer(layer: Arc<UnitLayer>) -> Postcodes {
        Postcodes { layer }
    }

    /// The area of `text` and a point inside it.
    pub fn locate(&self, text: &str) -> Result<PostcodePlace, PostcodeError> {
        let pc4 = pc4_of(text)?;
        let unknown = || PostcodeError::Unknown {
            text: text.trim().to_owned(),
            pc4: pc4.to_owned(),
        };
        let u = self.layer.unit(pc4).ok_or_else(unknown)?;
        let [lon, lat] = self
            .layer
            .interior_point(u)
            .ok_or_else(|| PostcodeError::NoShape {
                text: text.trim().to_owned(),
                pc4: pc4.to_owned(),
            })?;
        Ok(PostcodePlace {
            pc4: pc4.to_owned(),
            place: self.layer.units[u as usize].name.clone(),
            lon,
            lat,
        })
    }

    /// The layer the areas come from.
    pub fn layer(&self) -> &UnitLayer {
        &self.layer
    }
}

/// Whether a row's country (empty, or as CRM exports write it) lets its postcode be read as
/// Dutch: a Belgian `1000` is Brussels, not Amsterdam.
pub fn dutch_country(country: &str) -> bool {
    let folded = country.trim().to_lowercase();
    folded.is_empty()
        || matches!(
            folded.as_str(),
            "nl" | "nld" | "nederland" | "netherlands" | "the netherlands" | "holland"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_postcodes_are_read_in_the_ways_files_write_them() {
        for text in ["1011 AB", "1011AB", "1011 ab", "1011", " 1011  ab "] {
            assert_eq!(pc4_of(text), Ok("1011"), "{text:?}");
        }
        for text in [
            "", "101", "10111", "0123 AB", "1011 A", "1011 ABC", "10 11", "AB 1011",
        ] {
            assert!(
                matches!(pc4_of(text), Err(PostcodeError::Malformed(_))),
                "{text:?}"
            );
        }
        assert!(dutch_country("") && dutch_country("Nederland") && dutch_country("NL"));
        assert!(!dutch_country("BE") && !dutch_country("België"));
    }

    #[test]
    fn a_postcode_lands_inside_its_area() {
        let postcodes = Postcodes::embedded().expect("layer");
        let place = postcodes.locate("1011 AB").expect("1011");
        assert_eq!(place.pc4, "1011");
        assert_eq!(place.place, "Amsterdam");
        let layer = postcodes.layer();
        assert_eq!(
            layer.unit_at(place.lon, place.lat),
            layer.unit("1011"),
            "{place:?}"
        );
        // Every area's point is inside that area (not so for centroids of odd shapes); the
        // one area without a surface has none.
        let mut without = Vec::new();
        for u in 0..layer.units.len() as u32 {
            let code = &layer.units[u as usize].code;
            match layer.interior_point(u) {
                Some([lon, lat]) => assert_eq!(layer.unit_at(lon, lat), Some(u), "{code}"),
                None => without.push(code.as_str()),
            }
        }
        assert_eq!(without, ["4196"]);
        assert!(matches!(
            postcodes.locate("4196 AA"),
            Err(PostcodeError::NoShape { .. })
        ));
        assert!(matches!(
            postcodes.locate("1000 AA"),
            Err(PostcodeError::Unknown { .. })
        ));
    }
}

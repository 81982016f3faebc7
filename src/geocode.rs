//! Offline geocoding by place name: the embedded GeoNames gazetteer (every place with at least
//! 1,000 inhabitants) looked up by name and, when given, country. Matching ignores case and
//! accents ("Den Haag" finds nothing, "'s-Gravenhage" does; "Zürich" = "zurich").

use std::collections::HashMap;
use std::io::Read;

/// The embedded gazetteer (gzip CSV: name, country, admin1, population, lat, lon).
const GAZETTEER: &[u8] = include_bytes!("../assets/gazetteer.csv.gz");

/// One place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Name as in GeoNames.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// First-level division (province, state).
    pub admin1: String,
    /// Inhabitants.
    pub population: u64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// Why a name could not be placed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Miss {
    /// No place has that name (in that country).
    #[error("no place named {0:?} in the gazetteer (places with 1,000+ inhabitants)")]
    Unknown(String),
    /// Several places have it; the names of their divisions tell them apart.
    #[error("{count} places are named {name:?} ({divisions}); give coordinates or the province")]
    Ambiguous {
        /// The name.
        name: String,
        /// How many places.
        count: usize,
        /// Their divisions, for the message.
        divisions: String,
    },
}

/// Places by folded name.
pub struct Gazetteer {
    places: Vec<Place>,
    by_name: HashMap<String, Vec<u32>>,
}

/// Lower case without accents, with runs of spaces and hyphens as one space.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'ř' => 'r',
            'ť' => 't',
            'ď' => 'd',
            'ß' => 's',
            '-' | '_' => ' ',
            c => c,
        };
        if base == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(base);
    }
    out.trim_end().to_owned()
}

/// ISO alpha-2 code of a country as CRM exports write it ("NL", "Nederland", "Netherlands").
pub fn country_code(text: &str) -> Option<String> {
    let t = fold(text);
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(t.to_uppercase());
    }
    let code = match t.as_str() {
        "nederland" | "netherlands" | "the netherlands" | "holland" => "NL",
        "belgie" | "belgium" | "belgique" => "BE",
        "duitsland" | "germany" | "deutschland" => "DE",
        "frankrijk" | "france" => "FR",
        "luxemburg" | "luxembourg" => "LU",
        "verenigd koninkrijk" | "united kingdom" | "uk" | "great britain" => "GB",
        "spanje" | "spain" | "espana" => "ES",
        "italie" | "italy" | "italia" => "IT",
        "oostenrijk" | "austria" | "osterreich" => "AT",
        "zwitserland" | "switzerland" | "schweiz" | "suisse" => "CH",
        "denemarken" | "denmark" | "danmark" => "DK",
        "polen" | "poland" | "polska" => "PL",
        "verenigde staten" | "united states" | "usa" | "us" => "US",
        _ => return None,
    };
    Some(code.to_owned())
}

impl Gazetteer {
    /// Decodes the embedded gazetteer (about a third of a second; call once per import).
    pub fn load() -> Result<Gazetteer, String> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(GAZETTEER)
            .read_to_string(&mut text)
            .map_err(|e| format!("the embedded gazetteer is damaged: {e}"))?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut places = Vec::new();
        let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
        for record in reader.records() {
            let r = record.map_err(|e| format!("the embedded gazetteer is damaged: {e}"))?;
            let number = |k: usize| r.get(k).and_then(|v| v.parse::<f64>().ok());
            let (Some(lat), Some(lon)) = (number(4), number(5)) else {
                continue;
            };
            let place = Place {
                name: r.get(0).unwrap_or_default().to_owned(),
                country: r.get(1).unwrap_or_default().to_owned(),
                admin1: r.get(2).unwrap_or_default().to_owned(),
                population: r.get(3).and_then(|v| v.parse().ok()).unwrap_or(0),
                lat,
                lon,
            };
            by_name
                .entry(fold(&place.name))
                .or_default()
                .push(places.len() as u32);
            places.push(place);
        }
        Ok(Gazetteer { places, by_name })
    }

    /// How many places it knows.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether it knows no place.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The places with this name (in this country, when given: ISO code or a common name).
    fn candidates(&self, name: &str, country: Option<&str>) -> Vec<&Place> {
        let code = country.and_then(country_code);
        self.by_name
            .get(&fold(name))
            .into_iter()
            .flatten()
            .map(|&k| &self.places[k as usize])
            .filter(|p| code.as_deref().is_none_or(|c| p.country == c))
            .collect()
    }

    /// The place with this name (in this country, when given). When several places have the
    /// name and `near` (a lon/lat box, e.g. around the project's accounts) holds exactly one
    /// of them, that one.
    pub fn locate_near(
        &self,
        name: &str,
        country: Option<&str>,
        near: Option<(f64, f64, f64, f64)>,
    ) -> Result<&Place, Miss> {
        let found = self.candidates(name, country);
        if found.len() > 1
            && let Some((x0, y0, x1, y1)) = near
        {
            let inside: Vec<&Place> = found
                .iter()
                .copied()
                .filter(|p| p.lon >= x0 && p.lon <= x1 && p.lat >= y0 && p.lat <= y1)
                .collect();
            if let [one] = inside.as_slice() {
                return Ok(one);
            }
        }
        match found.as_slice() {
            [] => Err(Miss::Unknown(name.to_owned())),
            [one] => Ok(one),
            many => Err(Miss::Ambiguous {
                name: name.to_owned(),
                count: many.len(),
                divisions: many
                    .iter()
                    .take(4)
                    .map(|p| format!("{} {}", p.admin1, p.country))
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }

    /// The place with this name (in this country, when given: ISO code or a common name).
    pub fn locate(&self, name: &str, country: Option<&str>) -> Result<&Place, Miss> {
        self.locate_near(name, country, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_ignoring_case_and_accents() {
        let g = Gazetteer::load().expect("gazetteer");
        assert!(g.len() > 100_000);
        let utrecht = g.locate("utrecht", Some("Nederland")).expect("Utrecht");
        assert!((utrecht.lat - 52.09).abs() < 0.05 && (utrecht.lon - 5.12).abs() < 0.05);
        let zurich = g.locate("ZURICH", Some("CH")).expect("Zürich");
        assert_eq!(zurich.name, "Zürich");
        assert!(matches!(
            g.locate("Nowhereville", Some("NL")),
            Err(Miss::Unknown(_))
        ));
        // Two Hengelos in the Netherlands (Overijssel and Gelderland).
        assert!(matches!(
            g.locate("Hengelo", Some("NL")),
            Err(Miss::Ambiguous { .. })
        ));
        // Zwolle is also in Louisiana: near Dutch accounts it is the Dutch one.
        assert!(matches!(
            g.locate("Zwolle", None),
            Err(Miss::Ambiguous { .. })
        ));
        let nl = Some((3.0, 50.5, 7.5, 53.8));
        assert_eq!(
            g.locate_near("Zwolle", None, nl).expect("near").country,
            "NL"
        );
        assert_eq!(fold("  's-Hertogenbosch "), "'s hertogenbosch");
        assert_eq!(country_code("the Netherlands").as_deref(), Some("NL"));
    }
}

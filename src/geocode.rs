//! Offline geocoding by place name: the embedded GeoNames gazetteer (every place with at least
//! 1,000 inhabitants) and every Dutch place (woonplaats) of the CBS postcode table, with the
//! names planners write (`Den Haag`, `Den Bosch`, `Hengelo` for `Hengelo (Gld)`), looked up by
//! name and, when given, country. Matching ignores case, accents and apostrophes ("Zürich" =
//! "zurich", "’s-Hertogenbosch" = "s-Hertogenbosch").

use std::collections::{HashMap, HashSet};
use std::io::Read;

/// The embedded gazetteer (gzip CSV: name, country, admin1, population, lat, lon).
const GAZETTEER: &[u8] = include_bytes!("../assets/gazetteer.csv.gz");

/// Every Dutch woonplaats (gzip CSV: name, aliases separated by `|`, municipality, province,
/// inhabitants, lat, lon; the point inside one of its postcode areas), made by
/// `examples/make_woonplaats_assets.rs`.
const WOONPLAATSEN: &[u8] = include_bytes!("../assets/nl-woonplaatsen.csv.gz");

/// The Dutch provinces as CBS names them, with the other names and abbreviations files and
/// GeoNames use (folded): to match a GeoNames place with a woonplaats, and to read the
/// province a planner writes after an ambiguous name ("Hengelo (Gld)", "Laren, NH").
const NL_PROVINCES: [(&str, &[&str]); 12] = [
    ("Groningen", &["gr", "gn", "grn"]),
    ("Friesland", &["fryslan", "fr", "frl", "fri"]),
    ("Drenthe", &["dr", "dre"]),
    ("Overijssel", &["ov", "ovl", "ovijssel"]),
    ("Flevoland", &["fl", "fle", "flevo"]),
    ("Gelderland", &["gld", "gl", "ge", "gel"]),
    ("Utrecht", &["ut", "utr"]),
    ("Noord-Holland", &["nh", "north holland", "n holland"]),
    ("Zuid-Holland", &["zh", "south holland", "z holland"]),
    ("Zeeland", &["zl", "ze", "zld", "zee"]),
    (
        "Noord-Brabant",
        &["nb", "north brabant", "n brabant", "brabant"],
    ),
    ("Limburg", &["l", "li", "lb", "lim"]),
];

/// The Dutch province a name or abbreviation means (its index in [`NL_PROVINCES`]).
fn nl_province(text: &str) -> Option<usize> {
    let t = fold(text.trim_end_matches('.'));
    NL_PROVINCES
        .iter()
        .position(|(name, other)| fold(name) == t || other.contains(&t.as_str()))
}

/// One place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Name as in GeoNames.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// First-level division (province, state).
    pub admin1: String,
    /// Municipality of a Dutch woonplaats; empty for a GeoNames place.
    pub municipality: String,
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
    #[error(
        "no place named {0:?} in the gazetteer (places with 1,000+ inhabitants, and every Dutch woonplaats)"
    )]
    Unknown(String),
    /// Several places have it; the names of their divisions tell them apart.
    #[error(
        "{count} places are named {name:?} ({divisions}); give coordinates, or the province or municipality after the name, e.g. \"{name} ({example})\""
    )]
    Ambiguous {
        /// The name.
        name: String,
        /// How many places.
        count: usize,
        /// Their divisions, for the message.
        divisions: String,
        /// The first one's province or municipality, for the example in the message.
        example: String,
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
            // "'s-Gravenhage", "’s-Gravenhage" and "s-Gravenhage" are one name.
            '\'' | '\u{2019}' | '\u{2018}' | '`' => continue,
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

/// Unzips an embedded table.
fn gunzip(bytes: &[u8], what: &str) -> Result<String, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| format!("the embedded {what} is damaged: {e}"))?;
    Ok(text)
}

impl Gazetteer {
    /// Decodes the embedded gazetteer (about a third of a second; call once per import).
    /// A GeoNames place in the Netherlands that a woonplaats of the same name and province
    /// stands for gives way to it (one place, not two to choose from).
    pub fn load() -> Result<Gazetteer, String> {
        let mut g = Gazetteer {
            places: Vec::new(),
            by_name: HashMap::new(),
        };
        let text = gunzip(WOONPLAATSEN, "list of Dutch places")?;
        let damaged = |e: csv::Error| format!("the embedded list of Dutch places is damaged: {e}");
        let mut dutch: HashSet<(String, usize)> = HashSet::new();
        for record in csv::Reader::from_reader(text.as_bytes()).records() {
            let r = record.map_err(damaged)?;
            let field = |k: usize| r.get(k).unwrap_or_default();
            let (Ok(lat), Ok(lon)) = (field(5).parse::<f64>(), field(6).parse::<f64>()) else {
                continue;
            };
            let names: Vec<String> = std::iter::once(field(0))
                .chain(field(1).split('|').filter(|a| !a.is_empty()))
                .map(fold)
                .collect();
            if let Some(province) = nl_province(field(3)) {
                dutch.extend(names.iter().map(|n| (n.clone(), province)));
            }
            g.add(
                Place {
                    name: field(0).to_owned(),
                    country: "NL".to_owned(),
                    admin1: field(3).to_owned(),
                    municipality: field(2).to_owned(),
                    population: field(4).parse().unwrap_or(0),
                    lat,
                    lon,
                },
                names,
            );
        }
        let text = gunzip(GAZETTEER, "gazetteer")?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
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
                municipality: String::new(),
                population: r.get(3).and_then(|v| v.parse().ok()).unwrap_or(0),
                lat,
                lon,
            };
            let name = fold(&place.name);
            if place.country == "NL"
                && nl_province(&place.admin1).is_some_and(|p| dutch.contains(&(name.clone(), p)))
            {
                continue;
            }
            g.add(place, vec![name]);
        }
        Ok(g)
    }

    /// Adds a place under its folded names.
    fn add(&mut self, place: Place, names: Vec<String>) {
        let k = self.places.len() as u32;
        for name in names {
            let entry = self.by_name.entry(name).or_default();
            if !entry.contains(&k) {
                entry.push(k);
            }
        }
        self.places.push(place);
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
    /// A name not known as written may end in its province or municipality: "Laren (Gld)",
    /// "Laren, Gelderland", "Hengelo (Bronckhorst)".
    fn candidates(&self, name: &str, country: Option<&str>) -> Vec<&Place> {
        let code = country.and_then(country_code);
        let named = |name: &str| -> Vec<&Place> {
            self.by_name
                .get(&fold(name))
                .into_iter()
                .flatten()
                .map(|&k| &self.places[k as usize])
                .filter(|p| code.as_deref().is_none_or(|c| p.country == c))
                .collect()
        };
        let found = named(name);
        if !found.is_empty() {
            return found;
        }
        let split = match name.trim_end().strip_suffix(')') {
            Some(open) => open.rsplit_once('('),
            None => name.rsplit_once(','),
        };
        let Some((base, qualifier)) = split else {
            return found;
        };
        let wanted = fold(qualifier);
        let province = nl_province(qualifier);
        named(base.trim())
            .into_iter()
            .filter(|p| {
                fold(&p.admin1) == wanted
                    || fold(&p.municipality) == wanted
                    || (p.country == "NL"
                        && province.is_some()
                        && nl_province(&p.admin1) == province)
            })
            .collect()
    }

    /// The place with this name (in this country, when given). When several places have the
    /// name and `near` (a lon/lat box, e.g. around the project's accounts) holds exactly one
    /// of them, that one; else, when one has 1,000 or more inhabitants and the others are
    /// Dutch villages under 1,000 (which the gazetteer knew nothing of before it learned
    /// every woonplaats), the larger one: "Hoorn" is the town, not the hamlet on Terschelling.
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
        let village = |p: &Place| !p.municipality.is_empty() && p.population < 1_000;
        if found.len() > 1
            && let [one] = found
                .iter()
                .filter(|p| !village(p))
                .collect::<Vec<_>>()
                .as_slice()
        {
            return Ok(one);
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
                    .map(|p| match p.municipality.as_str() {
                        "" => format!("{} {}", p.admin1, p.country),
                        m => format!("municipality {m}, {}", p.admin1),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                example: many[0].admin1.clone(),
            }),
        }
    }

    /// Up to `limit` places whose name starts with `prefix` (ignoring case and accents),
    /// the most inhabited first: what a search box offers while the planner types.
    pub fn starting_with(&self, prefix: &str, limit: usize) -> Vec<&Place> {
        let prefix = fold(prefix);
        if prefix.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&Place> = self
            .by_name
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .flat_map(|(_, places)| places.iter().map(|&k| &self.places[k as usize]))
            .collect();
        found.sort_by(|a, b| b.population.cmp(&a.population).then(a.name.cmp(&b.name)));
        found.truncate(limit);
        found
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
        assert_eq!(fold("  's-Hertogenbosch "), "s hertogenbosch");
        assert_eq!(fold("\u{2019}s-Hertogenbosch"), fold("s-Hertogenbosch"));
        assert_eq!(country_code("the Netherlands").as_deref(), Some("NL"));
    }

    #[test]
    fn dutch_places_are_found_by_the_names_planners_write() {
        let g = Gazetteer::load().expect("gazetteer");
        let haag = g.locate("Den Haag", Some("NL")).expect("Den Haag");
        assert_eq!(
            (haag.name.as_str(), haag.admin1.as_str()),
            ("Den Haag", "Zuid-Holland")
        );
        for other in ["'s-Gravenhage", "The Hague", "den haag"] {
            assert_eq!(g.locate(other, None).expect(other), haag, "{other}");
        }
        let bosch = g.locate("Den Bosch", None).expect("Den Bosch");
        assert_eq!(bosch.name, "'s-Hertogenbosch");
        assert_eq!(
            g.locate("s-Hertogenbosch", None).expect("no apostrophe"),
            bosch
        );
        // A village of a few dozen people (PC4 9999).
        let stitswerd = g.locate("Stitswerd", None).expect("Stitswerd");
        assert_eq!(stitswerd.municipality, "Het Hogeland");
        assert!(stitswerd.population < 1_000);
        // Utrecht is one place, not the GeoNames one and the woonplaats.
        assert_eq!(
            g.locate("Utrecht", Some("NL"))
                .expect("Utrecht")
                .municipality,
            "Utrecht"
        );
        // The hamlet Hoorn on Terschelling does not make the town Hoorn ambiguous.
        assert_eq!(
            g.locate("Hoorn", None).expect("Hoorn").admin1,
            "Noord-Holland"
        );
        // Two places named Laren of 1,000+ : ambiguous; the province or municipality after
        // the name settles it.
        let Err(Miss::Ambiguous { count, .. }) = g.locate("Laren", None) else {
            panic!("Laren is ambiguous");
        };
        assert_eq!(count, 2);
        for (written, municipality) in [
            ("Laren (Gld)", "Lochem"),
            ("Laren, Gelderland", "Lochem"),
            ("Laren (NH)", "Laren"),
            ("Laren (Lochem)", "Lochem"),
        ] {
            let place = g.locate(written, None).expect(written);
            assert_eq!(place.municipality, municipality, "{written}");
        }
        let hengelo = g.locate("Hengelo (Gld)", None).expect("CBS name");
        assert_eq!(hengelo.municipality, "Bronckhorst");
        assert!(matches!(
            g.locate("Laren (Zeeland)", None),
            Err(Miss::Unknown(_))
        ));
    }
}

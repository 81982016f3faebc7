//! Guessing which property names a unit and which codes it, for the dialog's defaults.

use serde_json::Value;

use super::RawLayer;

/// Names that name a unit, best first (English, Dutch, CBS and Natural Earth spellings).
const NAME_FIELDS: [&str; 16] = [
    "name",
    "naam",
    "statnaam",
    "gemeentenaam",
    "gm_naam",
    "gemeente",
    "provincienaam",
    "provincie",
    "prov_naam",
    "woonplaats",
    "plaats",
    "regio",
    "gebied",
    "name_1",
    "nuts3",
    "nom",
];

/// Names that code a unit, best first.
const CODE_FIELDS: [&str; 12] = [
    "postcode",
    "pc4",
    "pc6",
    "code",
    "statcode",
    "gemeentecode",
    "gm_code",
    "provinciecode",
    "iso",
    "fips",
    "geoid",
    "id",
];

/// The property that likely names a unit and the one that likely codes it, among the
/// layer's fields (case-insensitive: the names above, then any ending in `naam`/`name` or
/// `code`). A field counts only if at least 90 % of the features have a text or number in
/// it, and a code only if 90 % of those differ. Among the fields that count, the one with
/// the most distinct values wins (earlier in the lists on a tie), so that a CBS
/// neighbourhood layer, which carries `gemeentenaam`, `wijknaam` and `buurtnaam`, is named
/// by `buurtnaam`. Either may be `None`.
pub fn guess_fields(layer: &RawLayer) -> (Option<String>, Option<String>) {
    let name = pick(layer, &NAME_FIELDS, &["naam", "name"], false);
    let code = pick(layer, &CODE_FIELDS, &["code"], true).filter(|c| Some(c) != name.as_ref());
    (name, code)
}

fn pick(layer: &RawLayer, exact: &[&str], suffixes: &[&str], codes: bool) -> Option<String> {
    let mut candidates: Vec<&String> = Vec::new();
    for want in exact {
        candidates.extend(layer.fields.iter().filter(|f| f.eq_ignore_ascii_case(want)));
    }
    candidates.extend(layer.fields.iter().filter(|f| {
        let lower = f.to_ascii_lowercase();
        suffixes.iter().any(|s| lower.ends_with(s))
    }));
    let mut best: Option<(&String, usize)> = None;
    for field in candidates {
        if let Some(distinct) = distinct_values(layer, field, codes)
            && best.is_none_or(|(_, d)| distinct > d)
        {
            best = Some((field, distinct));
        }
    }
    best.map(|(f, _)| f.clone())
}

/// How many distinct values `field` holds, if at least 90 % of the features hold a text or
/// number in it (and, for codes, at least 90 % of those values differ).
fn distinct_values(layer: &RawLayer, field: &str, codes: bool) -> Option<usize> {
    let mut values: Vec<String> = layer
        .features
        .iter()
        .filter_map(|u| match u.property(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    let (total, filled) = (layer.features.len(), values.len());
    if total == 0 || filled * 10 < total * 9 {
        return None;
    }
    values.sort_unstable();
    values.dedup();
    if codes && values.len() * 10 < filled * 9 {
        return None;
    }
    Some(values.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::layers::{Crs, LayerFormat, RawUnit};
    use geo::MultiPolygon;
    use serde_json::json;

    fn layer(rows: &[Vec<(&str, Value)>]) -> RawLayer {
        let features: Vec<RawUnit> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| RawUnit {
                feature: i + 1,
                geometry: MultiPolygon::new(vec![]),
                properties: r.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            })
            .collect();
        let mut fields: Vec<String> = Vec::new();
        for f in &features {
            for (k, _) in &f.properties {
                if !fields.contains(k) {
                    fields.push(k.clone());
                }
            }
        }
        RawLayer {
            features,
            source_crs: Crs::Wgs84.label(),
            crs: Crs::Wgs84,
            format: LayerFormat::GeoJson,
            layer: None,
            other_layers: vec![],
            fields,
            notes: vec![],
        }
    }

    #[test]
    fn dutch_and_cbs_names() {
        let l = layer(&[
            vec![
                ("GM_CODE", json!("GM0363")),
                ("GM_NAAM", json!("Amsterdam")),
                ("inwoners", json!(1)),
            ],
            vec![
                ("GM_CODE", json!("GM0344")),
                ("GM_NAAM", json!("Utrecht")),
                ("inwoners", json!(2)),
            ],
        ]);
        assert_eq!(
            guess_fields(&l),
            (Some("GM_NAAM".into()), Some("GM_CODE".into()))
        );
        let l = layer(&[
            vec![
                ("statcode", json!("GM0363")),
                ("statnaam", json!("Amsterdam")),
            ],
            vec![
                ("statcode", json!("GM0344")),
                ("statnaam", json!("Utrecht")),
            ],
        ]);
        assert_eq!(
            guess_fields(&l),
            (Some("statnaam".into()), Some("statcode".into()))
        );
    }

    #[test]
    fn a_code_must_differ_between_units_and_a_field_must_be_filled() {
        // `code` is the same everywhere: not a code. `name` is empty in half: not a name.
        let l = layer(&[
            vec![
                ("code", json!("NL")),
                ("name", json!("")),
                ("naam", json!("Noord")),
                ("id", json!(1)),
            ],
            vec![
                ("code", json!("NL")),
                ("name", json!("Zuid")),
                ("naam", json!("Zuid")),
                ("id", json!(2)),
            ],
        ]);
        assert_eq!(guess_fields(&l), (Some("naam".into()), Some("id".into())));
        assert_eq!(
            guess_fields(&layer(&[vec![("inwoners", json!(5))]])),
            (None, None)
        );
    }

    #[test]
    fn the_most_specific_name_and_code_win() {
        let l = layer(&[
            vec![
                ("gemeentenaam", json!("Utrecht")),
                ("buurtnaam", json!("Lombok-Oost")),
                ("gemeentecode", json!("GM0344")),
                ("buurtcode", json!("BU03440101")),
            ],
            vec![
                ("gemeentenaam", json!("Utrecht")),
                ("buurtnaam", json!("Lombok-West")),
                ("gemeentecode", json!("GM0344")),
                ("buurtcode", json!("BU03440102")),
            ],
        ]);
        assert_eq!(
            guess_fields(&l),
            (Some("buurtnaam".into()), Some("buurtcode".into()))
        );
    }

    #[test]
    fn numbers_count_as_codes_and_case_is_ignored() {
        let l = layer(&[
            vec![("POSTCODE", json!(1011))],
            vec![("POSTCODE", json!(1012))],
        ]);
        assert_eq!(guess_fields(&l), (None, Some("POSTCODE".into())));
    }
}

//! The Dutch unit layers embedded in the program (made by `examples/make_unit_assets.rs`
//! from CBS data, attribution in `assets/NOTICE`), so that a fresh install builds territories
//! from postcodes and municipalities offline. Each is decoded on first use and kept.

use std::io::Read;
use std::sync::{Arc, OnceLock};

use super::layer::{LayerError, UnitLayer};

/// Key, title and gzipped TopoJSON of each embedded layer.
const EMBEDDED: [(&str, &str, &[u8]); 6] = [
    (
        "nl-pc4",
        "Postcodes (PC4)",
        include_bytes!("../../assets/units/nl-pc4.topojson.gz"),
    ),
    (
        "nl-pc3",
        "Postcodes (PC3)",
        include_bytes!("../../assets/units/nl-pc3.topojson.gz"),
    ),
    (
        "nl-pc2",
        "Postcodes (PC2)",
        include_bytes!("../../assets/units/nl-pc2.topojson.gz"),
    ),
    (
        "nl-gemeente",
        "Municipalities (gemeenten)",
        include_bytes!("../../assets/units/nl-gemeente.topojson.gz"),
    ),
    (
        "nl-corop",
        "COROP regions",
        include_bytes!("../../assets/units/nl-corop.topojson.gz"),
    ),
    (
        "nl-provincie",
        "Provinces",
        include_bytes!("../../assets/units/nl-provincie.topojson.gz"),
    ),
];

/// The keys and titles of the embedded layers, finest first.
pub fn keys() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED.iter().map(|(key, title, _)| (*key, *title))
}

/// The embedded layer `key`, decoded once per run; `None` for a key that is not embedded.
pub fn layer(key: &str) -> Option<Result<Arc<UnitLayer>, String>> {
    static DECODED: [OnceLock<Result<Arc<UnitLayer>, String>>; 6] = [const { OnceLock::new() }; 6];
    let k = EMBEDDED.iter().position(|(name, ..)| *name == key)?;
    let (key, title, bytes) = EMBEDDED[k];
    Some(DECODED[k].get_or_init(|| decode(key, title, bytes)).clone())
}

/// Unzips and reads one embedded layer.
fn decode(key: &str, title: &str, bytes: &[u8]) -> Result<Arc<UnitLayer>, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| format!("embedded unit layer {key}: {e}"))?;
    UnitLayer::from_topojson(key, title, &text)
        .map(Arc::new)
        .map_err(|e: LayerError| e.to_string())
}

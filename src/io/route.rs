//! Lead routing: give every row of a CSV file the territory (and rep) its coordinates fall in.
//! A row without coordinates is routed by its Dutch postcode, at a point inside its PC4 area.
//!
//! This is how new leads reach the right person in the CRM. The rows pass through unchanged;
//! a `territory` column (and a `rep` column when reps are known) is filled in, replacing
//! columns of those names if the file already has them. Rows whose coordinates are missing,
//! not numbers or out of range are reported by line and column and get an empty territory.
//! The output is written to a temporary file and renamed at the end, so a failed run never
//! leaves half a file. Every cell written, passed-through ones too, is defused against
//! formula injection ([`super::csv_cell`]): the file goes on to a CRM or a spreadsheet.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thiserror::Error;

use super::csv_cell::write_record;
use crate::engine::assign::{RuleFilter, ZoneSet};
use crate::model::{Project, Scenario, Vocabulary};

/// The territories to route into: names, optional rep names, prepared shapes.
pub struct RoutingTable {
    names: Vec<String>,
    reps: Option<Vec<String>>,
    zones: ZoneSet,
    /// The project's vocabularies, when segment rules need the rows' industry and size.
    vocabularies: Option<(Vocabulary, Vocabulary)>,
}

impl RoutingTable {
    /// From named shapes (a GeoJSON file): no reps, no segment rules.
    pub fn from_areas(areas: &[crate::io::territories::NamedArea]) -> Self {
        let geometries: Vec<_> = areas.iter().map(|a| &a.geometry).collect();
        RoutingTable {
            names: areas.iter().map(|a| a.name.clone()).collect(),
            reps: None,
            zones: ZoneSet::new(&geometries, vec![RuleFilter::default(); areas.len()]),
            vocabularies: None,
        }
    }

    /// From a project's scenario: territory and rep names, segment rules included.
    pub fn from_scenario(project: &Project, scenario: &Scenario) -> Self {
        let accounts = &project.accounts;
        let geometries: Vec<_> = scenario.territories.iter().map(|t| &t.geometry).collect();
        let filters = scenario
            .territories
            .iter()
            .map(|t| RuleFilter::new(&t.rule, accounts.industries(), accounts.size_classes()))
            .collect();
        let needs_segments = scenario.territories.iter().any(|t| !t.rule.is_open());
        RoutingTable {
            names: scenario
                .territories
                .iter()
                .map(|t| t.name.clone())
                .collect(),
            reps: Some(
                scenario
                    .territories
                    .iter()
                    .map(|t| {
                        t.rep
                            .and_then(|r| project.rep(r))
                            .map(|r| r.name.clone())
                            .unwrap_or_default()
                    })
                    .collect(),
            ),
            zones: ZoneSet::new(&geometries, filters),
            vocabularies: needs_segments.then(|| {
                (
                    accounts.industries().clone(),
                    accounts.size_classes().clone(),
                )
            }),
        }
    }
}

/// Why routing failed as a whole.
#[derive(Debug, Error)]
pub enum RouteError {
    /// The input could not be read.
    #[error("{file}: {reason}")]
    Input {
        /// The input file.
        file: String,
        /// What went wrong, with the line where known.
        reason: String,
    },
    /// The output could not be written.
    #[error("{file}: cannot write: {reason}")]
    Output {
        /// The output file.
        file: String,
        /// The OS error.
        reason: String,
    },
    /// No row could be routed; nothing was written.
    #[error(
        "{file}: nothing could be routed: {rows} rows, {bad} with unusable coordinates, {outside} outside every territory; no output was written"
    )]
    NothingRouted {
        /// The input file.
        file: String,
        /// Data rows read.
        rows: usize,
        /// Rows with unusable coordinates.
        bad: usize,
        /// Rows with coordinates in no territory.
        outside: usize,
    },
}

/// What a routing run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteStats {
    /// Data rows read.
    pub rows: usize,
    /// Rows given a territory.
    pub routed: usize,
    /// Rows with good coordinates in no territory.
    pub outside: usize,
    /// Rows with unusable coordinates and no usable postcode (each reported).
    pub bad: usize,
    /// Rows without coordinates placed at their postcode area (PC4).
    pub by_postcode: usize,
    /// Time to read and parse the input.
    pub read: Duration,
    /// Time to prepare the territories (done by the caller, recorded here for the report).
    pub index: Duration,
    /// Time to assign the rows.
    pub assign: Duration,
    /// Time to write the output.
    pub write: Duration,
}

/// Characters of the header line shown in a message about it.
const HEADER_ECHO_CHARS: usize = 200;

const LAT_NAMES: [&str; 3] = ["lat", "latitude", "breedtegraad"];
const LON_NAMES: [&str; 5] = ["lon", "lng", "long", "longitude", "lengtegraad"];
const INDUSTRY_NAMES: [&str; 3] = ["industry", "branche", "sector"];
const SIZE_NAMES: [&str; 4] = ["size_class", "size", "grootte", "omvang"];
const POSTCODE_NAMES: [&str; 8] = [
    "postcode",
    "postal code",
    "postal_code",
    "zip",
    "zipcode",
    "pc4",
    "postcode_4",
    "postcode 4",
];
const COUNTRY_NAMES: [&str; 2] = ["country", "land"];

/// Picks the delimiter that the header line uses most: `,` `;` tab or `|`.
pub fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let mut best = (b',', 0);
    for d in [b',', b';', b'\t', b'|'] {
        let count = first_line.iter().filter(|&&c| c == d).count();
        if count > best.1 {
            best = (d, count);
        }
    }
    best.0
}

fn normalise_header(h: &[u8]) -> String {
    String::from_utf8_lossy(h)
        .trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

fn find_column(header: &csv::ByteRecord, names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.contains(&normalise_header(h).as_str()))
}

/// Parses a coordinate, accepting a decimal comma ("52,09") as written in Dutch files.
fn parse_coordinate(field: &[u8], limit: f64) -> Result<f64, String> {
    let text = String::from_utf8_lossy(field);
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty".into());
    }
    let value: f64 = text
        .parse()
        .or_else(|_| text.replace(',', ".").parse())
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !value.is_finite() || value.abs() > limit {
        return Err(format!("{text} is out of range (-{limit}..{limit})"));
    }
    Ok(value)
}

/// Routes `input` into `output` (`None`: standard output). `warn` receives one message per
/// unusable row. Returns the counts and timings.
pub fn route_csv(
    input: &Path,
    output: Option<&Path>,
    table: &RoutingTable,
    mut warn: impl FnMut(String),
) -> Result<RouteStats, RouteError> {
    let file = input.display().to_string();
    let input_error = |reason: String| RouteError::Input {
        file: file.clone(),
        reason,
    };
    let started = Instant::now();
    let bytes = crate::io::input::read_bytes(input).map_err(|e| input_error(e.to_string()))?;
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let reader_delimiter = sniff_delimiter(first_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(reader_delimiter)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = reader
        .byte_headers()
        .map_err(|e| input_error(e.to_string()))?
        .clone();
    // The header is echoed in the message: cut, a header line can be megabytes long.
    let header_text = || {
        let text = header
            .iter()
            .map(normalise_header)
            .collect::<Vec<_>>()
            .join(", ");
        match text.char_indices().nth(HEADER_ECHO_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    };
    let postcode_col = find_column(&header, &POSTCODE_NAMES);
    let country_col = find_column(&header, &COUNTRY_NAMES);
    let lat_col = find_column(&header, &LAT_NAMES);
    let lon_col = find_column(&header, &LON_NAMES);
    if postcode_col.is_none() {
        let (names, what) = match lat_col {
            None => (LAT_NAMES.as_slice(), "latitude"),
            Some(_) => (LON_NAMES.as_slice(), "longitude"),
        };
        if lat_col.is_none() || lon_col.is_none() {
            return Err(input_error(format!(
                "no {what} column (looked for {}); the header has: {}; nor a Dutch postcode column ({}), which would do instead",
                names.join(", "),
                header_text(),
                POSTCODE_NAMES.join(", ")
            )));
        }
    }
    let coordinates = lat_col.zip(lon_col);
    // The PC4 areas, decoded when the first row needs them.
    let mut postcodes: Option<crate::units::postcode::Postcodes> = None;
    let industry_col = find_column(&header, &INDUSTRY_NAMES);
    let size_col = find_column(&header, &SIZE_NAMES);

    let mut records = Vec::new();
    let mut lons = Vec::new();
    let mut lats = Vec::new();
    let mut industries = Vec::new();
    let mut sizes = Vec::new();
    let mut stats = RouteStats::default();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(input_error(e.to_string())),
        }
        let line = record.position().map_or(0, |p| p.line());
        // A quote that never closes swallows the rest of the file into one field: the row
        // comes out short with a delimiter or line break inside a field. Routing it would
        // write a broken row (and drop every row after it), so nothing is written.
        let delimiter = reader_delimiter;
        if record.len() < header.len()
            && record
                .iter()
                .any(|f| f.contains(&delimiter) || f.contains(&b'\n'))
        {
            return Err(input_error(format!(
                "line {line}: a quoted field does not close (unbalanced quotes, or the file is cut off); nothing was written"
            )));
        }
        let coordinate = |col: usize, name: &str, limit: f64| {
            parse_coordinate(record.get(col).unwrap_or_default(), limit)
                .map_err(|e| format!("{file} line {line}, column {name}: {e}"))
        };
        let text = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(|v| String::from_utf8_lossy(v).trim().to_owned())
                .unwrap_or_default()
        };
        let has_coordinates = coordinates
            .is_some_and(|(la, lo)| !text(Some(la)).is_empty() || !text(Some(lo)).is_empty());
        let postcode = text(postcode_col);
        let position = if !has_coordinates && !postcode.is_empty() {
            let located = if crate::units::postcode::dutch_country(&text(country_col)) {
                if postcodes.is_none() {
                    postcodes =
                        Some(crate::units::postcode::Postcodes::embedded().map_err(&input_error)?);
                }
                postcodes
                    .as_ref()
                    .map(|p| p.locate(&postcode).map_err(|e| e.to_string()))
            } else {
                Some(Err(format!(
                    "postcode {postcode:?} in {} is not read as Dutch, and the row has no coordinates",
                    text(country_col)
                )))
            };
            match located {
                Some(Ok(place)) => {
                    stats.by_postcode += 1;
                    (Ok(place.lat), Ok(place.lon))
                }
                Some(Err(e)) => {
                    let name = postcode_col
                        .and_then(|c| header.get(c))
                        .map(normalise_header)
                        .unwrap_or_default();
                    (
                        Err(format!("{file} line {line}, column {name}: {e}")),
                        Ok(0.0),
                    )
                }
                None => (
                    Err(format!("{file} line {line}: no postcode areas")),
                    Ok(0.0),
                ),
            }
        } else if let Some((lat_col, lon_col)) = coordinates {
            (
                coordinate(lat_col, "lat", 90.0),
                coordinate(lon_col, "lon", 180.0),
            )
        } else {
            let e = format!("{file} line {line}: no coordinates and no postcode");
            (Err(e), Ok(0.0))
        };
        match position {
            (Ok(lat), Ok(lon)) => {
                lats.push(lat);
                lons.push(lon);
            }
            (lat, lon) => {
                for message in [lat.err(), lon.err()].into_iter().flatten() {
                    warn(message);
                }
                stats.bad += 1;
                lats.push(f64::NAN);
                lons.push(f64::NAN);
            }
        }
        if let Some((industry_vocabulary, size_vocabulary)) = &table.vocabularies {
            let code = |col: Option<usize>, vocabulary: &Vocabulary| {
                col.and_then(|c| record.get(c))
                    .and_then(|v| vocabulary.lookup(String::from_utf8_lossy(v).trim()))
                    .unwrap_or(0)
            };
            industries.push(code(industry_col, industry_vocabulary));
            sizes.push(code(size_col, size_vocabulary));
        }
        records.push(record.clone());
    }
    stats.rows = records.len();
    stats.read = started.elapsed();

    let started = Instant::now();
    let segment = |k: usize| {
        industries
            .get(k)
            .zip(sizes.get(k))
            .map_or((0, 0), |(&i, &s)| (i, s))
    };
    let (owners, _) = table.zones.locate_all(&lons, &lats, segment);
    stats.assign = started.elapsed();
    stats.routed = owners
        .iter()
        .filter(|&&o| o != crate::engine::assign::NO_TERRITORY)
        .count();
    stats.outside = stats.rows - stats.routed - stats.bad;
    if stats.routed == 0 {
        return Err(RouteError::NothingRouted {
            file,
            rows: stats.rows,
            bad: stats.bad,
            outside: stats.outside,
        });
    }

    let started = Instant::now();
    write_output(output, &header, &records, &owners, table)?;
    stats.write = started.elapsed();
    Ok(stats)
}

fn write_output(
    output: Option<&Path>,
    header: &csv::ByteRecord,
    records: &[csv::ByteRecord],
    owners: &[u32],
    table: &RoutingTable,
) -> Result<(), RouteError> {
    let name = output.map_or("standard output".to_string(), |p| p.display().to_string());
    let out_error = |e: &dyn std::fmt::Display| RouteError::Output {
        file: name.clone(),
        reason: e.to_string(),
    };
    // Replace existing territory/rep columns, else append them.
    let territory_col = find_column(header, &["territory"]);
    let rep_col = table.reps.as_ref().map(|_| find_column(header, &["rep"]));
    let mut new_header = header.clone();
    if territory_col.is_none() {
        new_header.push_field(b"territory");
    }
    if rep_col == Some(None) {
        new_header.push_field(b"rep");
    }
    let temporary: Option<PathBuf> = output.map(|p| {
        let mut t = p.as_os_str().to_owned();
        t.push(".partial");
        PathBuf::from(t)
    });
    let sink: Box<dyn Write> = match &temporary {
        Some(t) => Box::new(std::fs::File::create(t).map_err(|e| out_error(&e))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(std::io::BufWriter::with_capacity(1 << 20, sink));
    let result = (|| -> Result<(), csv::Error> {
        write_record(&mut writer, &new_header)?;
        let mut row = csv::ByteRecord::new();
        for (record, &owner) in records.iter().zip(owners) {
            let territory = table.names.get(owner as usize).map_or("", String::as_str);
            let rep = table
                .reps
                .as_ref()
                .and_then(|r| r.get(owner as usize))
                .map_or("", String::as_str);
            row.clear();
            for (k, field) in record.iter().enumerate() {
                if Some(k) == territory_col {
                    row.push_field(territory.as_bytes());
                } else if rep_col == Some(Some(k)) {
                    row.push_field(rep.as_bytes());
                } else {
                    row.push_field(field);
                }
            }
            // Short rows are padded so the appended columns line up under their headers.
            for _ in record.len()..header.len() {
                row.push_field(b"");
            }
            if territory_col.is_none() {
                row.push_field(territory.as_bytes());
            }
            if rep_col == Some(None) {
                row.push_field(rep.as_bytes());
            }
            write_record(&mut writer, &row)?;
        }
        writer.flush()?;
        Ok(())
    })();
    drop(writer);
    match (result, &temporary, output) {
        (Ok(()), Some(t), Some(out)) => std::fs::rename(t, out).map_err(|e| out_error(&e)),
        (Ok(()), _, _) => Ok(()),
        (Err(e), t, _) => {
            if let Some(t) = t {
                let _ = std::fs::remove_file(t);
            }
            Err(out_error(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_delimiter_and_reads_decimal_commas() {
        assert_eq!(sniff_delimiter(b"naam;plaats;lat;lon"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"name,lat,lon"), b',');
        assert_eq!(parse_coordinate(b" 52,09 ", 90.0), Ok(52.09));
        assert!(parse_coordinate(b"95", 90.0).is_err_and(|e| e.contains("out of range")));
        assert!(parse_coordinate(b"NaN", 90.0).is_err());
        assert!(parse_coordinate(b"inf", 180.0).is_err());
        assert!(parse_coordinate(b"", 90.0).is_err_and(|e| e.contains("empty")));
    }
}

//! Accounts from a CRM export (delimited text): reading the table whatever its encoding and
//! delimiter, guessing what each column is (English and Dutch headers), reading Dutch and
//! English number formats, and planning the import: which rows are added, which update an
//! existing account with the same external id, and which are skipped, and why.
//!
//! Nothing here writes: the preview becomes one edit ([`ImportPreview::into_edit`]), which the
//! session applies and writes in one transaction after the planner has seen its report.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::AccountStatus;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Not imported (kept as an extra attribute).
    Extra,
    /// The CRM's id.
    ExternalId,
    /// Company name.
    Name,
    /// Latitude, degrees.
    Lat,
    /// Longitude, degrees.
    Lon,
    /// Postcode.
    Postcode,
    /// Place name.
    City,
    /// Country.
    Country,
    /// Industry.
    Industry,
    /// Size class.
    Size,
    /// Prospect or customer.
    Status,
    /// Potential, EUR/yr.
    Potential,
    /// Revenue, EUR/yr.
    Revenue,
    /// Open pipeline, EUR.
    Pipeline,
    /// Visits per year.
    Visits,
}

impl Role {
    /// Every role, in the order the mapping dialog offers them.
    pub const ALL: [Role; 15] = [
        Role::Extra,
        Role::ExternalId,
        Role::Name,
        Role::Lat,
        Role::Lon,
        Role::Postcode,
        Role::City,
        Role::Country,
        Role::Industry,
        Role::Size,
        Role::Status,
        Role::Potential,
        Role::Revenue,
        Role::Pipeline,
        Role::Visits,
    ];

    /// How the mapping dialog names the role.
    pub fn label(self) -> &'static str {
        match self {
            Role::Extra => "(keep as extra)",
            Role::ExternalId => "external id",
            Role::Name => "name",
            Role::Lat => "latitude",
            Role::Lon => "longitude",
            Role::Postcode => "postcode",
            Role::City => "city",
            Role::Country => "country",
            Role::Industry => "industry",
            Role::Size => "size class",
            Role::Status => "status",
            Role::Potential => "potential",
            Role::Revenue => "revenue",
            Role::Pipeline => "pipeline",
            Role::Visits => "visits per year",
        }
    }

    /// Header words (lower case, English and Dutch) that name each role.
    const WORDS: [(Role, &'static [&'static str]); 14] = [
        (
            Role::ExternalId,
            &[
                "external_id",
                "external id",
                "id",
                "crm id",
                "account id",
                "klantnummer",
                "relatienummer",
                "debiteurnummer",
                "nummer",
            ],
        ),
        (
            Role::Name,
            &[
                "name",
                "account",
                "account name",
                "company",
                "naam",
                "bedrijf",
                "bedrijfsnaam",
                "organisatie",
                "relatie",
            ],
        ),
        (
            Role::Lat,
            &["lat", "latitude", "breedtegraad", "y", points::GEOMETRY_LAT],
        ),
        (
            Role::Lon,
            &[
                "lon",
                "lng",
                "long",
                "longitude",
                "lengtegraad",
                "x",
                points::GEOMETRY_LON,
            ],
        ),
        (
            Role::Postcode,
            &[
                "postcode",
                "postal code",
                "postal_code",
                "postalcode",
                "post code",
                "zip",
                "zipcode",
                "zip code",
                "pc4",
                "postcode_4",
                "postcode 4",
                "postcode4",
            ],
        ),
        (
            Role::City,
            &[
                "city",
                "town",
                "place",
                "plaats",
                "woonplaats",
                "stad",
                "vestigingsplaats",
            ],
        ),
        (Role::Country, &["country", "land"]),
        (
            Role::Industry,
            &["industry", "sector", "branche", "bedrijfstak", "segment"],
        ),
        (
            Role::Size,
            &[
                "size",
                "size class",
                "size_class",
                "grootte",
                "omvang",
                "klasse",
            ],
        ),
        (Role::Status, &["status", "type", "klanttype", "soort"]),
        (
            Role::Potential,
            &["potential", "potentie", "potentieel", "potential eur"],
        ),
        (
            Role::Revenue,
            &["revenue", "omzet", "jaaromzet", "turnover", "sales"],
        ),
        (
            Role::Pipeline,
            &["pipeline", "open pipeline", "opportunities", "kansen"],
        ),
        (
            Role::Visits,
            &[
                "visits",
                "visits per year",
                "visits_per_year",
                "bezoeken",
                "bezoeken per jaar",
                "bezoekfrequentie",
            ],
        ),
    ];

    /// The role a header names, or [`Role::Extra`].
    pub fn guess(header: &str) -> Role {
        let h = header
            .trim()
            .trim_start_matches('\u{feff}')
            .trim()
            .to_lowercase();
        Role::WORDS
            .iter()
            .find(|(_, words)| words.contains(&h.as_str()))
            .map_or(Role::Extra, |(role, _)| *role)
    }
}

/// Which role each column plays, and the planner's answers to what the file leaves open
/// (status words, empty potential and visits, rows without an external id); saved as RON to
/// reuse for the next export of the same CRM. Mappings saved before the answers existed
/// still load (each answer defaults to "not given").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Mapping {
    /// One role per column, in column order.
    pub roles: Vec<Role>,
    /// What each status value the file uses means, for values that are not a known word
    /// (see [`known_status`]); keys trimmed and lower case, "" for an empty status. A value
    /// in neither stops the import until it is mapped.
    #[serde(default)]
    pub statuses: BTreeMap<String, AccountStatus>,
    /// Values for rows without potential or visits.
    #[serde(default)]
    pub defaults: Defaults,
    /// Rows without an external id update the existing account with the same name at the
    /// same place (within about 100 m) instead of adding a second one.
    #[serde(default)]
    pub match_by_name: bool,
}

/// Values for what a row leaves empty, as the planner chose them: nothing is filled in
/// unless chosen (the import report counts the rows left at zero).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Defaults {
    /// Visits per year for a row without visits, by its size class ("" for rows without
    /// one).
    #[serde(default)]
    pub visits_by_size: BTreeMap<String, f32>,
    /// A row without potential gets the average deal x conversion of the territory of the
    /// active plan it falls in (the product's rule: a territory's potential is its ICP
    /// accounts x average deal x conversion, so one account is worth average deal x
    /// conversion).
    #[serde(default)]
    pub potential_from_territory: bool,
}

/// The status a known word names (English and Dutch, case ignored): `None` for anything
/// else, which the planner must map (an empty status included).
pub fn known_status(text: &str) -> Option<AccountStatus> {
    match text.trim().to_lowercase().as_str() {
        "customer" | "klant" | "client" | "bestaande klant" | "existing customer" => {
            Some(AccountStatus::Customer)
        }
        "prospect" | "lead" | "potentiële klant" | "potentiele klant" | "suspect" => {
            Some(AccountStatus::Prospect)
        }
        _ => None,
    }
}

/// Reads `VALUE=STATUS` (as `--status` gives it): the value as [`Mapping::statuses`] keys
/// it, and `customer` or `prospect`.
pub fn parse_status_answer(text: &str) -> Option<(String, AccountStatus)> {
    let (value, status) = text.rsplit_once('=')?;
    let status = match status.trim().to_lowercase().as_str() {
        "customer" => AccountStatus::Customer,
        "prospect" => AccountStatus::Prospect,
        _ => return None,
    };
    Some((value.trim().to_lowercase(), status))
}

impl Mapping {
    /// The guess from the headers.
    pub fn guess(headers: &[String]) -> Mapping {
        let mut roles: Vec<Role> = headers.iter().map(|h| Role::guess(h)).collect();
        // A role claimed twice keeps its first column.
        let mut seen = HashSet::new();
        for role in &mut roles {
            if *role != Role::Extra && !seen.insert(*role) {
                *role = Role::Extra;
            }
        }
        Mapping {
            roles,
            ..Mapping::default()
        }
    }

    pub(crate) fn column(&self, role: Role) -> Option<usize> {
        self.roles.iter().position(|r| *r == role)
    }
}

/// An accounts file read into text cells (delimited text, a spreadsheet, or GeoJSON points).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The header row.
    pub headers: Vec<String>,
    /// The data rows, fields trimmed (a row may be shorter than the header: missing cells
    /// read as empty). One record per row keeps a million rows at a million allocations.
    pub rows: Vec<csv::StringRecord>,
    /// 1-based line number of each data row in the file (feature number for GeoJSON), for
    /// messages.
    pub lines: Vec<u64>,
    /// What [`Table::lines`] counts, as messages name it: "line" or "feature".
    pub unit: &'static str,
}

/// Why a file cannot be read as a table (nothing is imported).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AccountsError {
    /// The file is empty or has only a header.
    #[error("{file}: no data rows (a header line and at least one row are needed)")]
    Empty {
        /// The file.
        file: String,
    },
    /// A spreadsheet that cannot be read.
    #[error("{file}: cannot read this spreadsheet: {reason}")]
    NotSpreadsheet {
        /// The file.
        file: String,
        /// The reader's words.
        reason: String,
    },
    /// The file is not text.
    #[error("{file}: this is not a text (CSV) file: {reason}")]
    NotText {
        /// The file.
        file: String,
        /// What gave it away.
        reason: String,
    },
    /// The path cannot be read (a folder, a pipe, a device, no permission).
    #[error("{0}")]
    Input(String),
    /// A line cannot be parsed.
    #[error("{file}, line {line}: {reason}")]
    BadLine {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// The parser's words.
        reason: String,
    },
    /// The mapping lacks something every account needs.
    #[error("{file}: the mapping has no {what} column")]
    Missing {
        /// The file.
        file: String,
        /// The missing role.
        what: &'static str,
    },
    /// Not JSON, or not GeoJSON.
    #[error("{file}: not a GeoJSON file: {reason}")]
    NotGeoJson {
        /// The file.
        file: String,
        /// The parser's words.
        reason: String,
    },
    /// GeoJSON, but not a FeatureCollection of points.
    #[error("{file}: expected a GeoJSON FeatureCollection of Point features, found {found}")]
    NotPoints {
        /// The file.
        file: String,
        /// What it is instead.
        found: String,
    },
    /// A coordinate reference system other than WGS84 lon/lat.
    #[error(
        "{file}: coordinates must be WGS84 longitude/latitude (RFC 7946), but the file declares crs {crs}"
    )]
    WrongCrs {
        /// The file.
        file: String,
        /// The declared CRS.
        crs: String,
    },
    /// One GeoJSON feature cannot be an account.
    #[error("{file}: feature {number} ({name}): {reason}")]
    BadFeature {
        /// The file.
        file: String,
        /// 1-based feature number.
        number: usize,
        /// The feature's name (or id, or "feature N").
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The latitude and longitude columns look swapped (nothing is imported).
    #[error("{file}: latitude and longitude look swapped: {detail}")]
    Swapped {
        /// The file.
        file: String,
        /// The columns, example values and the evidence.
        detail: String,
    },
    /// The planner cancelled the import (nothing is imported).
    #[error("{file}: import cancelled")]
    Cancelled {
        /// The file.
        file: String,
    },
    /// No row could be imported.
    #[error("{file}: none of the {rows} rows can be imported; first problem: {first}")]
    NothingUsable {
        /// The file.
        file: String,
        /// Rows read.
        rows: usize,
        /// The first skipped row's reason.
        first: String,
    },
}

/// The extensions File > Import accounts offers: delimited text, spreadsheets, GeoJSON.
pub const FILE_EXTENSIONS: [&str; 9] = [
    "csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods", "geojson", "json",
];

mod defaults;
mod locate;
mod numbers;
mod plan;
mod points;
mod read;
mod spreadsheet;
mod swapped;

pub use numbers::{parse_decimal, parse_number};
pub use plan::{
    ImportPreview, Skipped, Slot, changed_accounts, import_edit, plan, plan_with_progress,
    status_label,
};
pub use points::{GEOMETRY_LAT, GEOMETRY_LON, is_geojson, read_points};
pub use read::{
    decode, is_spreadsheet, read_accounts_file, read_accounts_file_with_progress, read_spreadsheet,
    read_table,
};
pub use spreadsheet::{SheetLimits, check_archive, read_spreadsheet_within};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_dialog_offers_every_format_the_reader_knows() {
        let path = |ext: &str| std::path::PathBuf::from(format!("a.{ext}"));
        for ext in ["geojson", "json"] {
            assert!(
                FILE_EXTENSIONS.contains(&ext) && is_geojson(&path(ext)),
                "{ext}"
            );
        }
        for ext in ["xlsx", "ods"] {
            assert!(
                FILE_EXTENSIONS.contains(&ext) && is_spreadsheet(&path(ext)),
                "{ext}"
            );
        }
        assert!(FILE_EXTENSIONS.contains(&"csv") && !is_geojson(&path("csv")));
    }

    #[test]
    fn dutch_headers_are_recognised() {
        let headers: Vec<String> = [
            "Klantnummer",
            "Naam",
            "Plaats",
            "Branche",
            "Omzet",
            "Potentie",
            "Breedtegraad",
            "Lengtegraad",
            "Opmerking",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = Mapping::guess(&headers);
        assert_eq!(
            m.roles,
            [
                Role::ExternalId,
                Role::Name,
                Role::City,
                Role::Industry,
                Role::Revenue,
                Role::Potential,
                Role::Lat,
                Role::Lon,
                Role::Extra
            ]
        );
    }
}

//! Accounts from a CRM export (delimited text): reading the table whatever its encoding and
//! delimiter, guessing what each column is (English and Dutch headers), reading Dutch and
//! English number formats, and planning the import: which rows are added, which update an
//! existing account with the same external id, and which are skipped, and why.
//!
//! Nothing here writes: [`crate::store::ProjectFile::import_accounts`] writes a plan in one
//! transaction, after the planner has seen its report.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::geocode::Gazetteer;
use crate::model::{Account, AccountStatus, Accounts};

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
        (Role::Lat, &["lat", "latitude", "breedtegraad", "y"]),
        (
            Role::Lon,
            &["lon", "lng", "long", "longitude", "lengtegraad", "x"],
        ),
        (
            Role::Postcode,
            &["postcode", "postal code", "zip", "zipcode", "postal_code"],
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

/// Which role each column plays; saved as RON to reuse for the next export of the same CRM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// One role per column, in column order.
    pub roles: Vec<Role>,
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
        Mapping { roles }
    }

    fn column(&self, role: Role) -> Option<usize> {
        self.roles.iter().position(|r| *r == role)
    }
}

/// A delimited file read into text cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The header row.
    pub headers: Vec<String>,
    /// The data rows, fields trimmed (a row may be shorter than the header: missing cells
    /// read as empty). One record per row keeps a million rows at a million allocations.
    pub rows: Vec<csv::StringRecord>,
    /// 1-based line number of each data row in the file, for messages.
    pub lines: Vec<u64>,
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

/// Characters 0x80-0x9F of Windows-1252 (the rest of the range 0x80-0xFF is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The file's text: UTF-8 (a byte-order mark is dropped), else Windows-1252, as Excel writes
/// CSV on Dutch Windows.
pub fn decode(bytes: &[u8], file: &str) -> Result<String, AccountsError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(AccountsError::NotText {
            file: file.to_owned(),
            reason: "it contains NUL bytes (binary data)".into(),
        });
    }
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            })
            .collect(),
    })
}

/// The longest field accepted, in bytes: longer ones come from a missing closing quote or
/// from a file that is not a table.
const MAX_FIELD: usize = 64 * 1024;

/// Reads a delimited file (delimiter sniffed from the header: `,` `;` tab `|`).
pub fn read_table(bytes: &[u8], file: &str) -> Result<Table, AccountsError> {
    let text = decode(bytes, file)?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = super::route::sniff_delimiter(first_line.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bad = |line: u64, reason: String| AccountsError::BadLine {
        file: file.to_owned(),
        line,
        reason,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            bad(line, e.to_string())
        })?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        // A quote that never closes swallows the rest of the line (or file) into one field:
        // then the row is short and a field holds delimiters or line breaks.
        if record.len() < headers.len()
            && record
                .iter()
                .any(|f| f.contains(char::from(delimiter)) || f.contains('\n'))
        {
            return Err(bad(
                line,
                "a quoted field does not close (unbalanced quotes, or the file is cut off)".into(),
            ));
        }
        if let Some((c, field)) = record.iter().enumerate().find(|(_, f)| f.len() > MAX_FIELD) {
            let column = headers.get(c).map_or("?", |h| h.as_str());
            return Err(bad(
                line,
                format!(
                    "the {column} field is {} bytes long (at most {MAX_FIELD}): is a quote missing?",
                    field.len()
                ),
            ));
        }
        lines.push(record.position().map_or(0, |p| p.line()));
        let mut record = record;
        record.trim();
        rows.push(record);
    }
    if rows.is_empty() {
        return Err(AccountsError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(Table {
        headers,
        rows,
        lines,
    })
}

/// Whether a path names a spreadsheet (read with calamine) rather than delimited text.
pub fn is_spreadsheet(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods"
        )
    })
}

/// Reads the first sheet of an Excel or OpenDocument spreadsheet: first row headers, then
/// data; numbers as their shortest decimal text.
pub fn read_spreadsheet(path: &std::path::Path, file: &str) -> Result<Table, AccountsError> {
    use calamine::{Data, Reader, open_workbook_auto};
    let not = |reason: String| AccountsError::NotSpreadsheet {
        file: file.to_owned(),
        reason,
    };
    let mut book = open_workbook_auto(path).map_err(|e| not(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| not("it has no sheets".into()))?
        .map_err(|e| not(e.to_string()))?;
    let text = |d: &Data| match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(text).collect())
        .unwrap_or_default();
    let mut table = Table {
        headers,
        rows: Vec::new(),
        lines: Vec::new(),
    };
    for (k, row) in rows.enumerate() {
        let cells: Vec<String> = row.iter().map(text).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        table.rows.push(csv::StringRecord::from(cells));
        table.lines.push(k as u64 + 2);
    }
    if table.rows.is_empty() {
        return Err(AccountsError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(table)
}

/// Reads an accounts file: a spreadsheet by its extension, else delimited text.
pub fn read_accounts_file(path: &std::path::Path) -> Result<Table, AccountsError> {
    let file = path.display().to_string();
    if is_spreadsheet(path) {
        return read_spreadsheet(path, &file);
    }
    let bytes = std::fs::read(path).map_err(|e| AccountsError::NotText {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    read_table(&bytes, &file)
}

/// A number as CRM exports write it: `1234.5`, `1.234,56` (Dutch), `1,234.56` (English),
/// `€ 40.000`, `40000 EUR`, `-12,5`. With one kind of separator, a separator that appears
/// more than once, or once followed by exactly three digits, groups thousands; otherwise it
/// is the decimal mark. `None` for anything else (and for NaN or infinity).
pub fn parse_number(text: &str) -> Option<f64> {
    // Plain integers ("40000") need no cleaning.
    let plain = text.trim();
    if plain.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && let Ok(v) = plain.parse::<f64>()
    {
        return Some(v);
    }
    let cleaned: String = text
        .trim()
        .trim_start_matches('€')
        .trim_end_matches("EUR")
        .trim_start_matches("EUR")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\'')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (dots, commas) = (cleaned.matches('.').count(), cleaned.matches(',').count());
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) => single_kind(&cleaned, '.'),
        (0, _) => single_kind(&cleaned, ','),
        _ => Some(if cleaned.rfind('.') > cleaned.rfind(',') {
            '.'
        } else {
            ','
        }),
    };
    let normalised: String = cleaned
        .chars()
        .filter_map(|c| match c {
            '.' | ',' if Some(c) == decimal => Some('.'),
            '.' | ',' => None,
            c => Some(c),
        })
        .collect();
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A coordinate: degrees with a decimal point or a decimal comma ("52.090", "52,090"); no
/// thousands separators, so a single `.` or `,` is always the decimal mark.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let v = if t.contains(',') && !t.contains('.') {
        t.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        t.parse::<f64>().ok()?
    };
    v.is_finite().then_some(v)
}

/// The decimal mark when only `sep` appears (see [`parse_number`]).
fn single_kind(text: &str, sep: char) -> Option<char> {
    let count = text.matches(sep).count();
    let after = text.rsplit(sep).next().map_or(0, |s| s.len());
    if count > 1 || after == 3 {
        None
    } else {
        Some(sep)
    }
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// 1-based line in the file.
    pub line: u64,
    /// The column (header) at fault, if one.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// What an import will do, shown to the planner before anything is written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportPlan {
    /// New accounts (ids not yet given).
    pub added: Vec<Account>,
    /// Existing accounts (by row in the project) with their new values.
    pub updated: Vec<(usize, Account)>,
    /// Rows that match an existing account exactly.
    pub unchanged: usize,
    /// Existing accounts with an external id that the file no longer has.
    pub no_longer_present: usize,
    /// Rows not imported, with the reason.
    pub skipped: Vec<Skipped>,
}

impl ImportPlan {
    /// One line for the planner: what will happen.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} updated, {} unchanged, {} skipped; {} existing accounts are not in the file",
            self.added.len(),
            self.updated.len(),
            self.unchanged,
            self.skipped.len(),
            self.no_longer_present
        )
    }
}

/// Plans the import of `table` with `mapping` into a project holding `existing`: rows with
/// the external id of an existing account update it; others are added. A row is placed by its
/// coordinates, or, without them, by its place (and country) in `gazetteer`. Rows that cannot
/// be placed (or have a duplicate external id, or unreadable numbers) are skipped.
pub fn plan(
    table: &Table,
    mapping: &Mapping,
    existing: &Accounts,
    gazetteer: Option<&Gazetteer>,
    file: &str,
) -> Result<ImportPlan, AccountsError> {
    let missing = |what| AccountsError::Missing {
        file: file.to_owned(),
        what,
    };
    let name_col = mapping.column(Role::Name).ok_or_else(|| missing("name"))?;
    let place = mapping.column(Role::City).filter(|_| gazetteer.is_some());
    let coordinates = mapping.column(Role::Lat).zip(mapping.column(Role::Lon));
    if coordinates.is_none() && place.is_none() {
        let what = if mapping.column(Role::Lat).is_none() {
            "latitude"
        } else {
            "longitude"
        };
        return Err(missing(what));
    }
    // An ambiguous place name resolves to the one among the project's accounts, if any.
    let near = (!existing.is_empty()).then(|| {
        let fold = |f: fn(f64, f64) -> f64, v: &[f64], start: f64| v.iter().copied().fold(start, f);
        let (lons, lats) = (existing.lons(), existing.lats());
        (
            fold(f64::min, lons, f64::INFINITY) - 0.5,
            fold(f64::min, lats, f64::INFINITY) - 0.5,
            fold(f64::max, lons, f64::NEG_INFINITY) + 0.5,
            fold(f64::max, lats, f64::NEG_INFINITY) + 0.5,
        )
    });
    let locate = Locate {
        coordinates,
        place,
        country: mapping.column(Role::Country),
        gazetteer,
        near,
    };
    let id_col = mapping.column(Role::ExternalId);
    let by_external: HashMap<&str, usize> = (0..existing.len())
        .map(|i| (existing.external_id(i), i))
        .filter(|(id, _)| !id.is_empty())
        .collect();
    // Rows become accounts on all cores; matching and duplicates are decided in file order.
    let columns = (name_col, &locate);
    let converted: Vec<Result<Account, Skipped>> = {
        use rayon::prelude::*;
        table
            .rows
            .par_iter()
            .zip(&table.lines)
            .map(|(row, &line)| {
                let skip = |c: usize, reason: String| Skipped {
                    line,
                    field: table.headers.get(c).cloned().unwrap_or_default(),
                    reason,
                };
                account_from(row, mapping, &table.headers, columns, &skip)
            })
            .collect()
    };
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = ImportPlan::default();
    for ((converted, row), &line) in converted.into_iter().zip(&table.rows).zip(&table.lines) {
        match converted {
            Err(s) => out.skipped.push(s),
            Ok(mut account) => {
                let skip = |c: usize, reason: String| Skipped {
                    line,
                    field: table.headers.get(c).cloned().unwrap_or_default(),
                    reason,
                };
                if let Some(c) = id_col
                    && !account.external_id.is_empty()
                    && !seen.insert(row.get(c).unwrap_or_default())
                {
                    out.skipped.push(skip(
                        c,
                        format!(
                            "external id {} appears twice; the first row is kept",
                            account.external_id
                        ),
                    ));
                    continue;
                }
                match by_external.get(account.external_id.as_str()) {
                    Some(&i) => {
                        let before = existing.get(i);
                        account.id = before.id;
                        if before == account {
                            out.unchanged += 1;
                        } else {
                            out.updated.push((i, account));
                        }
                    }
                    None => out.added.push(account),
                }
            }
        }
    }
    out.no_longer_present = by_external.keys().filter(|id| !seen.contains(**id)).count();
    if out.added.is_empty() && out.updated.is_empty() && out.unchanged == 0 {
        let first = out.skipped.first().map_or("no rows".to_string(), |s| {
            format!("line {}, {}: {}", s.line, s.field, s.reason)
        });
        return Err(AccountsError::NothingUsable {
            file: file.to_owned(),
            rows: table.rows.len(),
            first,
        });
    }
    Ok(out)
}

/// The accounts a plan writes: the updated ones (with their ids) and the added ones (with
/// the next free ids, after the existing accounts), in id order.
pub fn changed_accounts(existing: &Accounts, plan: &ImportPlan) -> Accounts {
    let mut changed = Accounts::default();
    let mut updated: Vec<&Account> = plan.updated.iter().map(|(_, a)| a).collect();
    updated.sort_by_key(|a| a.id.0);
    for a in updated {
        changed.push(a);
    }
    let mut next = existing.ids().iter().map(|id| id.0).max().unwrap_or(0);
    for a in &plan.added {
        next += 1;
        changed.push(&Account {
            id: crate::model::AccountId(next),
            ..a.clone()
        });
    }
    changed
}

/// The import as one undoable edit: added accounts get the next free ids.
pub fn import_edit(existing: &Accounts, plan: &ImportPlan, file: &str) -> crate::model::Edit {
    let mut next = existing.ids().iter().map(|id| id.0).max().unwrap_or(0);
    let added = plan
        .added
        .iter()
        .map(|a| {
            next += 1;
            Account {
                id: crate::model::AccountId(next),
                ..a.clone()
            }
        })
        .collect();
    let updated = plan
        .updated
        .iter()
        .map(|(i, a)| (existing.get(*i), a.clone()))
        .collect();
    crate::model::Edit {
        description: format!(
            "Imported {} accounts from {file} ({} new, {} updated)",
            plan.added.len() + plan.updated.len(),
            plan.added.len(),
            plan.updated.len()
        ),
        changes: vec![crate::model::Change::Accounts {
            added,
            removed: Vec::new(),
            updated,
        }],
    }
}

/// One row as an account, or why not.
/// Where an account's position comes from: coordinate columns, else a place name (and
/// country) looked up in the gazetteer.
struct Locate<'g> {
    coordinates: Option<(usize, usize)>,
    place: Option<usize>,
    country: Option<usize>,
    gazetteer: Option<&'g Gazetteer>,
    /// Around the project's accounts, to settle ambiguous place names.
    near: Option<(f64, f64, f64, f64)>,
}

fn account_from(
    row: &csv::StringRecord,
    mapping: &Mapping,
    headers: &[String],
    (name_col, locate): (usize, &Locate),
    skip: &dyn Fn(usize, String) -> Skipped,
) -> Result<Account, Skipped> {
    let cell = |c: usize| row.get(c).unwrap_or_default();
    let name = cell(name_col);
    if name.is_empty() {
        return Err(skip(name_col, "the name is empty".into()));
    }
    let coordinate = |c: usize, limit: f64, what: &str| -> Result<f64, Skipped> {
        let text = cell(c);
        if text.is_empty() {
            return Err(skip(c, format!("no {what}")));
        }
        let v = parse_decimal(text)
            .ok_or_else(|| skip(c, format!("{what} {text:?} is not a number")))?;
        if v.abs() > limit {
            return Err(skip(c, format!("{what} {v} is out of range (±{limit})")));
        }
        Ok(v)
    };
    // Coordinates when the row has them; else the place, when the file names one.
    let given = locate
        .coordinates
        .filter(|&(la, lo)| !cell(la).is_empty() || !cell(lo).is_empty() || locate.place.is_none());
    let (lat, lon, located) = match (given, locate.place, locate.gazetteer) {
        (Some((la, lo)), _, _) => (
            coordinate(la, 90.0, "latitude")?,
            coordinate(lo, 180.0, "longitude")?,
            "coordinates".to_owned(),
        ),
        (None, Some(c), Some(g)) => {
            let country = locate.country.map(cell).filter(|t| !t.is_empty());
            let place = g
                .locate_near(cell(c), country, locate.near)
                .map_err(|m| skip(c, m.to_string()))?;
            (
                place.lat,
                place.lon,
                format!("place: {}, {}", place.name, place.country),
            )
        }
        _ => return Err(skip(name_col, "no coordinates and no place".into())),
    };
    let mut account = Account {
        name: name.to_owned(),
        lat,
        lon,
        ..Account::default()
    };
    account.extra.insert("located by".into(), located);
    for (c, role) in mapping.roles.iter().enumerate() {
        let text = cell(c);
        let money = |what: &str| -> Result<f64, Skipped> {
            if text.is_empty() {
                return Ok(0.0);
            }
            parse_number(text).ok_or_else(|| skip(c, format!("{what} {text:?} is not a number")))
        };
        match role {
            Role::ExternalId => account.external_id = text.to_owned(),
            Role::Industry => account.industry = text.to_owned(),
            Role::Size => account.size_class = text.to_owned(),
            Role::Status => {
                account.status = match text.to_lowercase().as_str() {
                    "customer" | "klant" | "client" | "bestaande klant" => AccountStatus::Customer,
                    _ => AccountStatus::Prospect,
                }
            }
            Role::Potential => account.potential = money("potential")?,
            Role::Revenue => account.revenue = money("revenue")?,
            Role::Pipeline => account.pipeline = money("pipeline")?,
            Role::Visits => account.visits_per_year = money("visits")? as f32,
            Role::Extra | Role::Postcode | Role::City | Role::Country => {
                if !text.is_empty() {
                    let header = headers.get(c).cloned().unwrap_or_default();
                    account.extra.insert(header, text.to_owned());
                }
            }
            Role::Name | Role::Lat | Role::Lon => {}
        }
    }
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_dutch_and_english_formats() {
        for (text, value) in [
            ("1234", 1234.0),
            ("1.234,56", 1234.56),
            ("1,234.56", 1234.56),
            ("€ 40.000", 40000.0),
            ("40000 EUR", 40000.0),
            ("52,0907", 52.0907),
            ("5.1214", 5.1214),
            ("-12,5", -12.5),
            ("1.000.000", 1_000_000.0),
            ("2,000,000", 2_000_000.0),
        ] {
            assert_eq!(parse_number(text), Some(value), "{text}");
        }
        for bad in ["", "abc", "NaN", "inf", "1e999", "12-3"] {
            assert_eq!(parse_number(bad), None, "{bad}");
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        // Amounts group thousands; coordinates never do.
        assert_eq!(parse_number("40.000"), Some(40_000.0));
        assert_eq!(parse_decimal("52.090"), Some(52.09));
        assert_eq!(parse_decimal("52,090"), Some(52.09));
        assert_eq!(parse_decimal("-0,5"), Some(-0.5));
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

    #[test]
    fn windows_1252_and_bom_are_decoded() {
        assert_eq!(decode(b"\xef\xbb\xbfnaam", "f").expect("utf8"), "naam");
        assert_eq!(decode(b"Caf\xe9 \x80 5", "f").expect("cp1252"), "Café € 5");
        assert!(decode(b"PK\x03\x04\x00\x00", "f").is_err());
    }
}

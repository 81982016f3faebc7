//! Planning an import: which rows add accounts, which update existing ones by external id,
//! which are skipped and why; and the plan as one undoable edit.

// foldhash rather than std's SipHash: a million external ids are hashed twice per import,
// and SipHash was 7 % of it (the ids come from the planner's own files, not an attacker).
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::BTreeMap;

use super::locate::{How, Locate};
use super::{AccountsError, Mapping, Role, Table, known_status, parse_number};
use crate::geocode::Gazetteer;
use crate::model::{Account, AccountStatus, Accounts, MAX_NAME_CHARS};
use crate::progress::Progress;

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// 1-based line in the file (feature number in GeoJSON).
    pub line: u64,
    /// What `line` counts: "line" or "feature" (see [`Table::unit`]).
    pub unit: &'static str,
    /// The column (header) at fault, if one.
    pub field: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            return write!(f, "{} {}: {}", self.unit, self.line, self.reason);
        }
        write!(
            f,
            "{} {} ({}): {}",
            self.unit, self.line, self.field, self.reason
        )
    }
}

/// What an import will do, shown to the planner before anything is written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportPreview {
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
    /// Status values the mapping does not say the meaning of (trimmed, lower case; "" for
    /// an empty status), with how many rows have each: the import waits for an answer.
    pub unknown_statuses: BTreeMap<String, usize>,
    /// Imported rows without potential (empty, or no potential column), where they are in
    /// this plan; [`ImportPreview::fill_potential`] gives them one.
    pub no_potential: Vec<Slot>,
    /// Rows that got a potential from their territory.
    pub potential_filled: usize,
    /// Imported rows without visits and with no default for their size class, by size
    /// class ("" for none): they add no workload.
    pub no_visits: BTreeMap<String, usize>,
    /// Rows that got the default visits of their size class.
    pub visits_filled: usize,
    /// Imported rows without coordinates placed at their postcode area (PC4).
    pub located_by_postcode: usize,
    /// Imported rows without coordinates placed at their place name.
    pub located_by_place: usize,
    /// Rows without an external id that updated the existing account of the same name at
    /// the same place ([`Mapping::match_by_name`]).
    pub matched_by_name: usize,
    /// Rows without an external id added although an existing account has the same name at
    /// the same place: likely a second import of the same file.
    pub same_name_and_place: usize,
}

/// Where an imported account is in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `added[k]`.
    Added(usize),
    /// `updated[k]`.
    Updated(usize),
}

impl ImportPreview {
    /// One line for the planner: what will happen.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} added, {} updated, {} unchanged, {} skipped; {} existing accounts are not in the file",
            self.added.len(),
            self.updated.len(),
            self.unchanged,
            self.skipped.len(),
            self.no_longer_present
        );
        if self.matched_by_name > 0 {
            line.push_str(&format!(
                "; {} matched by name and place",
                self.matched_by_name
            ));
        }
        if self.located_by_postcode > 0 {
            line.push_str(&format!(
                "; {} located by postcode",
                self.located_by_postcode
            ));
        }
        if self.located_by_place > 0 {
            line.push_str(&format!(
                "; {} located by place name",
                self.located_by_place
            ));
        }
        line
    }

    /// Whether the plan may be imported: every status value has a meaning.
    pub fn is_ready(&self) -> bool {
        self.unknown_statuses.is_empty()
    }

    /// What the planner should know before importing, one line each: status values without
    /// a meaning, rows left without potential or visits (and the defaults used), rows that
    /// look like accounts the project already has.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.unknown_statuses.is_empty() {
            let values: Vec<String> = self
                .unknown_statuses
                .iter()
                .map(|(value, rows)| format!("{} ({rows} rows)", status_label(value)))
                .collect();
            out.push(format!(
                "status values that are neither customer nor prospect: {}; say what each means",
                values.join(", ")
            ));
        }
        let left = self.no_potential.len();
        if self.potential_filled > 0 {
            out.push(format!(
                "{} rows without potential get their territory's average deal x conversion",
                self.potential_filled
            ));
        }
        if left > 0 {
            out.push(format!(
                "{left} rows have no potential: they add no potential"
            ));
        }
        if self.visits_filled > 0 {
            out.push(format!(
                "{} rows without visits get the default of their size class",
                self.visits_filled
            ));
        }
        let no_visits: usize = self.no_visits.values().sum();
        if no_visits > 0 {
            out.push(format!(
                "{no_visits} rows have no visits per year: they add no workload"
            ));
        }
        if self.same_name_and_place > 0 {
            out.push(format!(
                "{} rows without an external id have the name and place of an existing account: importing adds them a second time (match by name and place to update them instead)",
                self.same_name_and_place
            ));
        }
        out
    }
}

/// Plans the import of `table` with `mapping` into a project holding `existing`: rows with
/// the external id of an existing account update it; others are added. A row is placed by its
/// coordinates, or, without them, at its Dutch postcode (a point inside its PC4 area), or, without
/// one, by its place (and country) in `gazetteer`. Rows that cannot
/// be placed (or have a duplicate external id, or unreadable numbers) are skipped. A file
/// whose latitude and longitude columns look swapped is refused.
pub fn plan(
    table: &Table,
    mapping: &Mapping,
    existing: &Accounts,
    gazetteer: Option<&Gazetteer>,
    file: &str,
) -> Result<ImportPreview, AccountsError> {
    plan_with_progress(table, mapping, existing, gazetteer, file, &Progress::new())
}

/// Rows converted between two looks at the progress (and the cancel request): small enough
/// for a smooth bar and a prompt stop, large enough to keep every core busy.
const CHUNK: usize = 16 * 1024;

/// [`plan`], counting rows converted in `progress` and stopping with
/// [`AccountsError::Cancelled`] when it is cancelled.
pub fn plan_with_progress(
    table: &Table,
    mapping: &Mapping,
    existing: &Accounts,
    gazetteer: Option<&Gazetteer>,
    file: &str,
    progress: &Progress,
) -> Result<ImportPreview, AccountsError> {
    let missing = |what| AccountsError::Missing {
        file: file.to_owned(),
        what,
    };
    let name_col = mapping.column(Role::Name).ok_or_else(|| missing("name"))?;
    let place = mapping.column(Role::City).filter(|_| gazetteer.is_some());
    let coordinates = mapping.column(Role::Lat).zip(mapping.column(Role::Lon));
    let postcode = mapping.column(Role::Postcode);
    let mut locate = Locate {
        coordinates,
        postcode,
        place,
        country: mapping.column(Role::Country),
        gazetteer,
        postcodes: std::sync::OnceLock::new(),
        near: None,
    };
    if !locate.possible() {
        let what = if mapping.column(Role::Lat).is_none() {
            "latitude"
        } else {
            "longitude"
        };
        return Err(missing(what));
    }
    // An ambiguous place name resolves to the one among the project's accounts, if any.
    locate.near = (!existing.is_empty()).then(|| {
        let fold = |f: fn(f64, f64) -> f64, v: &[f64], start: f64| v.iter().copied().fold(start, f);
        let (lons, lats) = (existing.lons(), existing.lats());
        (
            fold(f64::min, lons, f64::INFINITY) - 0.5,
            fold(f64::min, lats, f64::INFINITY) - 0.5,
            fold(f64::max, lons, f64::NEG_INFINITY) + 0.5,
            fold(f64::max, lats, f64::NEG_INFINITY) + 0.5,
        )
    });
    if let Some(columns) = coordinates {
        super::swapped::check_swapped(table, columns, locate.near, file)?;
    }
    let id_col = mapping.column(Role::ExternalId);
    let by_external: HashMap<&str, usize> = (0..existing.len())
        .map(|i| (existing.external_id(i), i))
        .filter(|(id, _)| !id.is_empty())
        .collect();
    // Rows become accounts on all cores; matching and duplicates are decided in file order.
    let columns = (name_col, &locate);
    progress.start(table.rows.len());
    let mut converted: Vec<Result<(Account, RowNotes), Skipped>> =
        Vec::with_capacity(table.rows.len());
    for (rows, lines) in table.rows.chunks(CHUNK).zip(table.lines.chunks(CHUNK)) {
        if progress.is_cancelled() {
            return Err(AccountsError::Cancelled {
                file: file.to_owned(),
            });
        }
        use rayon::prelude::*;
        converted.par_extend(rows.par_iter().zip(lines).map(|(row, &line)| {
            let skip = |c: usize, reason: String| Skipped {
                line,
                unit: table.unit,
                field: table.headers.get(c).cloned().unwrap_or_default(),
                reason,
            };
            account_from(row, mapping, &table.headers, columns, &skip)
        }));
        progress.add(rows.len());
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(table.rows.len());
    let mut out = ImportPreview::default();
    // Existing accounts by name, built when the first row without an external id needs it;
    // `taken`: existing accounts already matched by a row.
    let mut by_name: Option<HashMap<String, Vec<usize>>> = None;
    let mut taken: HashSet<usize> = HashSet::new();
    for ((converted, row), &line) in converted.into_iter().zip(&table.rows).zip(&table.lines) {
        match converted {
            Err(s) => out.skipped.push(s),
            Ok((mut account, notes)) => {
                let skip = |c: usize, reason: String| Skipped {
                    line,
                    unit: table.unit,
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
                if let Some(value) = notes.unknown_status {
                    *out.unknown_statuses.entry(value).or_default() += 1;
                }
                let mut matched = by_external.get(account.external_id.as_str()).copied();
                if matched.is_none() && account.external_id.is_empty() && !existing.is_empty() {
                    let by_name = by_name.get_or_insert_with(|| accounts_by_name(existing));
                    if let Some(i) = same_name_and_place(by_name, existing, &account, &taken) {
                        if mapping.match_by_name {
                            // Keep the id the CRM may have given it since.
                            account.external_id = existing.external_id(i).to_owned();
                            out.matched_by_name += 1;
                            matched = Some(i);
                        } else {
                            out.same_name_and_place += 1;
                        }
                        taken.insert(i);
                    }
                }
                // Cloned only when the report needs it: a million rows are planned in a second.
                let no_visits_size = notes.no_visits.then(|| account.size_class.clone());
                let slot = match matched {
                    Some(i) => {
                        let before = existing.get(i);
                        account.id = before.id;
                        if before == account {
                            out.unchanged += 1;
                            None
                        } else {
                            out.updated.push((i, account));
                            Some(Slot::Updated(out.updated.len() - 1))
                        }
                    }
                    None => {
                        out.added.push(account);
                        Some(Slot::Added(out.added.len() - 1))
                    }
                };
                if let Some(slot) = slot {
                    if notes.no_potential {
                        out.no_potential.push(slot);
                    }
                    if let Some(size) = no_visits_size {
                        *out.no_visits.entry(size).or_default() += 1;
                    }
                    out.visits_filled += usize::from(notes.visits_filled);
                    match notes.located {
                        How::Postcode => out.located_by_postcode += 1,
                        How::Place => out.located_by_place += 1,
                        How::Coordinates => {}
                    }
                }
            }
        }
    }
    out.no_longer_present = by_external.keys().filter(|id| !seen.contains(**id)).count();
    if out.added.is_empty() && out.updated.is_empty() && out.unchanged == 0 {
        let first = out
            .skipped
            .first()
            .map_or("no rows".to_string(), |s| s.to_string());
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
pub fn changed_accounts(existing: &Accounts, plan: &ImportPreview) -> Accounts {
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
pub fn import_edit(existing: &Accounts, plan: &ImportPreview, file: &str) -> crate::model::Edit {
    plan.clone().into_edit(existing, file)
}

impl ImportPreview {
    /// Gives the added accounts the next free ids after `existing`'s, in file order.
    pub fn number_added(&mut self, existing: &Accounts) {
        let mut next = existing.ids().iter().map(|id| id.0).max().unwrap_or(0);
        for a in &mut self.added {
            next += 1;
            a.id = crate::model::AccountId(next);
        }
    }

    /// [`import_edit`] without copying the accounts (a million-row plan is large).
    pub fn into_edit(mut self, existing: &Accounts, file: &str) -> crate::model::Edit {
        let (new, changed) = (self.added.len(), self.updated.len());
        self.number_added(existing);
        let added = self.added;
        let updated = self
            .updated
            .into_iter()
            .map(|(i, a)| (existing.get(i), a))
            .collect();
        crate::model::Edit {
            description: format!(
                "Imported {} accounts from {file} ({new} new, {changed} updated)",
                new + changed
            ),
            changes: vec![crate::model::Change::Accounts {
                added,
                removed: Vec::new(),
                updated,
            }],
        }
    }
}

/// What a converted row leaves open, for the report.
struct RowNotes {
    /// A status value the mapping does not know (trimmed, lower case).
    unknown_status: Option<String>,
    /// No potential was given.
    no_potential: bool,
    /// No visits were given and no default applied.
    no_visits: bool,
    /// The default visits of the size class were used.
    visits_filled: bool,
    /// How the row was placed.
    located: How,
}

/// One row as an account, or why not.
fn account_from(
    row: &csv::StringRecord,
    mapping: &Mapping,
    headers: &[String],
    (name_col, locate): (usize, &Locate),
    skip: &dyn Fn(usize, String) -> Skipped,
) -> Result<(Account, RowNotes), Skipped> {
    let cell = |c: usize| row.get(c).unwrap_or_default();
    // More fields than the header: most often a decimal comma in an unquoted number
    // ("52,1" read as 52 and 1), which would shift every later column.
    if row.len() > headers.len() && row.iter().skip(headers.len()).any(|f| !f.is_empty()) {
        return Err(Skipped {
            field: String::new(),
            ..skip(
                name_col,
                format!(
                    "{} fields, the header has {}; a decimal comma in an unquoted number?",
                    row.len(),
                    headers.len()
                ),
            )
        });
    }
    let name = cell(name_col);
    if name.is_empty() {
        return Err(skip(name_col, "the name is empty".into()));
    }
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(skip(
            name_col,
            format!("the name is {length} characters long (at most {MAX_NAME_CHARS})"),
        ));
    }
    let (lat, lon, how, located) = locate.position(&cell, skip, name_col)?;
    let mut account = Account {
        name: name.to_owned(),
        lat,
        lon,
        ..Account::default()
    };
    account.extra.insert("located by".into(), located);
    let mut notes = RowNotes {
        unknown_status: None,
        no_potential: true,
        no_visits: true,
        visits_filled: false,
        located: how,
    };
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
                let key = text.to_lowercase();
                account.status =
                    match known_status(text).or_else(|| mapping.statuses.get(&key).copied()) {
                        Some(status) => status,
                        None => {
                            notes.unknown_status = Some(key);
                            AccountStatus::Prospect
                        }
                    }
            }
            Role::Potential => {
                notes.no_potential = text.is_empty();
                account.potential = money("potential")?;
            }
            Role::Revenue => account.revenue = money("revenue")?,
            Role::Pipeline => account.pipeline = money("pipeline")?,
            Role::Visits => {
                notes.no_visits = text.is_empty();
                account.visits_per_year = money("visits")? as f32;
            }
            Role::Extra | Role::Postcode | Role::City | Role::Country => {
                if !text.is_empty() {
                    let header = headers.get(c).cloned().unwrap_or_default();
                    account.extra.insert(header, text.to_owned());
                }
            }
            Role::Name | Role::Lat | Role::Lon => {}
        }
    }
    if notes.no_visits
        && let Some(&visits) = mapping.defaults.visits_by_size.get(&account.size_class)
    {
        account.visits_per_year = visits;
        notes.no_visits = false;
        notes.visits_filled = true;
    }
    Ok((account, notes))
}

/// How the report writes a status value ("" is an empty cell).
pub fn status_label(value: &str) -> String {
    if value.is_empty() {
        "(empty)".into()
    } else {
        format!("{value:?}")
    }
}

/// Existing accounts by lower-case name, for matching rows without an external id.
fn accounts_by_name(existing: &Accounts) -> HashMap<String, Vec<usize>> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::with_capacity(existing.len());
    for i in 0..existing.len() {
        by_name
            .entry(existing.name(i).trim().to_lowercase())
            .or_default()
            .push(i);
    }
    by_name
}

/// How far apart (degrees of latitude; longitude scaled by 1.5, about right for Europe) a
/// row and an existing account of the same name may be to count as one place: about 100 m,
/// so a re-geocoded or rounded position still matches, a branch in the next town does not.
const SAME_PLACE_DEGREES: f64 = 0.001;

/// The first existing account not yet matched with this name at this place.
fn same_name_and_place(
    by_name: &HashMap<String, Vec<usize>>,
    existing: &Accounts,
    account: &Account,
    taken: &HashSet<usize>,
) -> Option<usize> {
    let candidates = by_name.get(&account.name.trim().to_lowercase())?;
    candidates.iter().copied().find(|&i| {
        !taken.contains(&i)
            && (existing.lats()[i] - account.lat).abs() <= SAME_PLACE_DEGREES
            && (existing.lons()[i] - account.lon).abs() <= 1.5 * SAME_PLACE_DEGREES
    })
}

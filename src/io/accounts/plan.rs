//! Planning an import: which rows add accounts, which update existing ones by external id,
//! which are skipped and why; and the plan as one undoable edit.

// foldhash rather than std's SipHash: a million external ids are hashed twice per import,
// and SipHash was 7 % of it (the ids come from the planner's own files, not an attacker).
use foldhash::{HashMap, HashSet, HashSetExt};

use super::{AccountsError, Mapping, Role, Table, parse_decimal, parse_number};
use crate::geocode::Gazetteer;
use crate::model::{Account, AccountStatus, Accounts};
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
}

impl ImportPreview {
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
    if let Some(columns) = coordinates {
        super::swapped::check_swapped(table, columns, near, file)?;
    }
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
    progress.start(table.rows.len());
    let mut converted: Vec<Result<Account, Skipped>> = Vec::with_capacity(table.rows.len());
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
    for ((converted, row), &line) in converted.into_iter().zip(&table.rows).zip(&table.lines) {
        match converted {
            Err(s) => out.skipped.push(s),
            Ok(mut account) => {
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
            format!("{} {}, {}: {}", s.unit, s.line, s.field, s.reason)
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

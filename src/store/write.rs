//! Writing to the project file: the whole project once (on create), then one change at a
//! time, each in its own transaction.

use geo::MultiPolygon;
use rusqlite::{Connection, Transaction, params};

use super::{ProjectFile, StoreError, StoreResult, sql_error};
use crate::model::{
    Account, AccountId, Accounts, Change, Edit, Project, ProjectLayer, Rep, Scenario, ScenarioId,
    Settings, Territory, TerritoryId,
};

/// GeoJSON text of a geometry, with coordinates exactly as held (shortest round-trip form).
pub fn geometry_to_text(geometry: &MultiPolygon<f64>) -> String {
    geojson::Geometry::new(geojson::GeometryValue::from(geometry)).to_string()
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Writes a whole project into an empty schema, in one transaction.
pub fn insert_project(conn: &mut Connection, project: &Project) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    insert_accounts(&tx, &project.accounts)?;
    for rep in &project.reps {
        upsert_rep(&tx, rep)?;
    }
    for scenario in &project.scenarios {
        insert_scenario(&tx, scenario)?;
    }
    for layer in &project.unit_layers {
        upsert_unit_layer(&tx, layer)?;
    }
    tx.execute(
        "INSERT INTO project (id, name, active_scenario, detour_factor, speed_kmh, working_hours_per_year, \
         default_minutes_per_visit, balance_tolerance) VALUES (1, ?1, ?2, 0, 0, 0, 0, 0)",
        params![project.name, project.active_scenario.map(|s| s.0)],
    )?;
    update_settings(&tx, &project.settings)?;
    tx.commit()
}

/// Inserts all accounts with one prepared statement (the caller holds the transaction).
pub fn insert_accounts(tx: &Transaction<'_>, accounts: &Accounts) -> rusqlite::Result<()> {
    // An upsert: the same statement adds new accounts and updates re-imported ones by id.
    let mut stmt = tx.prepare_cached(
        "INSERT INTO accounts (id, external_id, name, lon, lat, industry, size_class, status, potential, \
         revenue, pipeline, deals_won, deals_lost, visits_per_year, minutes_per_visit, extra) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
         ON CONFLICT(id) DO UPDATE SET external_id = excluded.external_id, name = excluded.name, \
         lon = excluded.lon, lat = excluded.lat, industry = excluded.industry, \
         size_class = excluded.size_class, status = excluded.status, potential = excluded.potential, \
         revenue = excluded.revenue, pipeline = excluded.pipeline, deals_won = excluded.deals_won, \
         deals_lost = excluded.deals_lost, visits_per_year = excluded.visits_per_year, \
         minutes_per_visit = excluded.minutes_per_visit, extra = excluded.extra",
    )?;
    let industries = accounts.industries();
    let sizes = accounts.size_classes();
    for i in 0..accounts.len() {
        let (won, lost) = accounts.deals(i);
        stmt.execute(params![
            accounts.ids()[i].0,
            accounts.external_id(i),
            accounts.name(i),
            accounts.lons()[i],
            accounts.lats()[i],
            industries.name(accounts.industry_codes()[i]),
            sizes.name(accounts.size_class_codes()[i]),
            accounts.status(i).as_str(),
            accounts.potential(i),
            accounts.revenue(i),
            accounts.pipeline(i),
            won,
            lost,
            f64::from(accounts.visits_per_year(i)),
            accounts.minutes_per_visit(i).map(f64::from),
            accounts.extra_json(i),
        ])?;
    }
    Ok(())
}

/// Inserts owned account rows with one prepared statement; `upsert` replaces rows whose id
/// exists (for updated accounts), else a plain INSERT (new ids: no conflict to look for).
fn insert_rows<'a>(
    tx: &Transaction<'_>,
    rows: impl IntoIterator<Item = &'a Account>,
    upsert: bool,
) -> rusqlite::Result<()> {
    let insert = "INSERT INTO accounts (id, external_id, name, lon, lat, industry, size_class, status, \
         potential, revenue, pipeline, deals_won, deals_lost, visits_per_year, minutes_per_visit, extra) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    let statement = if upsert {
        format!(
            "{insert} ON CONFLICT(id) DO UPDATE SET external_id = excluded.external_id, \
         name = excluded.name, lon = excluded.lon, lat = excluded.lat, industry = excluded.industry, \
         size_class = excluded.size_class, status = excluded.status, potential = excluded.potential, \
         revenue = excluded.revenue, pipeline = excluded.pipeline, deals_won = excluded.deals_won, \
         deals_lost = excluded.deals_lost, visits_per_year = excluded.visits_per_year, \
         minutes_per_visit = excluded.minutes_per_visit, extra = excluded.extra"
        )
    } else {
        insert.to_owned()
    };
    let mut stmt = tx.prepare_cached(&statement)?;
    // One buffer for every row's extra attributes, rather than a String per row.
    let mut extra = Vec::with_capacity(256);
    for a in rows {
        extra.clear();
        if !a.extra.is_empty() {
            serde_json::to_writer(&mut extra, &a.extra)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        }
        let extra = std::str::from_utf8(&extra)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        stmt.execute(params![
            a.id.0,
            a.external_id,
            a.name,
            a.lon,
            a.lat,
            a.industry,
            a.size_class,
            a.status.as_str(),
            a.potential,
            a.revenue,
            a.pipeline,
            a.deals_won,
            a.deals_lost,
            f64::from(a.visits_per_year),
            a.minutes_per_visit.map(f64::from),
            extra,
        ])?;
    }
    Ok(())
}

fn update_settings(tx: &Transaction<'_>, s: &Settings) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE project SET detour_factor = ?1, speed_kmh = ?2, working_hours_per_year = ?3, \
         default_minutes_per_visit = ?4, balance_tolerance = ?5 WHERE id = 1",
        params![
            s.detour_factor,
            s.speed_kmh,
            s.working_hours_per_year,
            s.default_minutes_per_visit,
            s.balance_tolerance
        ],
    )?;
    Ok(())
}

fn upsert_rep(tx: &Transaction<'_>, rep: &Rep) -> rusqlite::Result<()> {
    // An UPSERT rather than INSERT OR REPLACE: replacing would delete the row, and the
    // foreign key would take the rep off every territory it works.
    tx.prepare_cached(
        "INSERT INTO reps (id, name, home_lon, home_lat, capacity_hours, target, expertise, colour) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, home_lon = excluded.home_lon, \
         home_lat = excluded.home_lat, capacity_hours = excluded.capacity_hours, \
         target = excluded.target, expertise = excluded.expertise, colour = excluded.colour",
    )?
    .execute(params![
        rep.id.0,
        rep.name,
        rep.home_lon,
        rep.home_lat,
        rep.capacity_hours,
        rep.target,
        json_list(&rep.expertise),
        rep.colour.to_hex()
    ])?;
    Ok(())
}

/// Sets (or with `None` removes) one named-account override.
/// Writes a planner's unit layer (added or replaced), its TopoJSON gzipped.
fn upsert_unit_layer(tx: &Transaction<'_>, layer: &ProjectLayer) -> rusqlite::Result<()> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let zipped = gz
        .write_all(layer.topojson().as_bytes())
        .and_then(|()| gz.finish())
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO unit_layers (key, title, topojson_gz) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![layer.key, layer.title, zipped])?;
    Ok(())
}

fn write_override(
    tx: &Transaction<'_>,
    scenario: ScenarioId,
    account: AccountId,
    territory: Option<TerritoryId>,
) -> rusqlite::Result<()> {
    match territory {
        Some(t) => tx.execute(
            "INSERT OR REPLACE INTO overrides (scenario_id, account_id, territory_id) VALUES (?1, ?2, ?3)",
            params![scenario.0, account.0, t.0],
        )?,
        None => tx.execute(
            "DELETE FROM overrides WHERE scenario_id = ?1 AND account_id = ?2",
            params![scenario.0, account.0],
        )?,
    };
    Ok(())
}

/// Gives a unit to a territory of a plan, or releases it (`None`).
fn write_unit(
    tx: &Transaction<'_>,
    scenario: ScenarioId,
    layer: &str,
    unit: &str,
    territory: Option<TerritoryId>,
) -> rusqlite::Result<()> {
    match territory {
        Some(t) => tx
            .prepare_cached(
                "INSERT OR REPLACE INTO scenario_units (scenario_id, unit_code, layer, territory_id) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![scenario.0, unit, layer, t.0])?,
        None => tx
            .prepare_cached("DELETE FROM scenario_units WHERE scenario_id = ?1 AND unit_code = ?2")?
            .execute(params![scenario.0, unit])?,
    };
    Ok(())
}

/// Writes a scenario whole: its row, its territories in order, its overrides and units.
fn insert_scenario(tx: &Transaction<'_>, scenario: &Scenario) -> rusqlite::Result<()> {
    upsert_scenario(tx, scenario)?;
    for (position, territory) in scenario.territories.iter().enumerate() {
        upsert_territory(tx, scenario.id, position, territory)?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO overrides (scenario_id, account_id, territory_id) VALUES (?1, ?2, ?3)",
    )?;
    for (account, territory) in &scenario.overrides {
        stmt.execute(params![scenario.id.0, account.0, territory.0])?;
    }
    if let Some(layer) = &scenario.units.layer {
        for (unit, territory) in &scenario.units.holder {
            write_unit(tx, scenario.id, layer, unit, Some(*territory))?;
        }
    }
    Ok(())
}

fn upsert_scenario(tx: &Transaction<'_>, s: &Scenario) -> rusqlite::Result<()> {
    // An UPSERT rather than INSERT OR REPLACE: replacing would delete the row and cascade to
    // its territories.
    tx.prepare_cached(
        "INSERT INTO scenarios (id, name, notes, created) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, notes = excluded.notes, created = excluded.created",
    )?
    .execute(params![s.id.0, s.name, s.notes, s.created])?;
    Ok(())
}

fn upsert_territory(
    tx: &Transaction<'_>,
    scenario: ScenarioId,
    position: usize,
    t: &Territory,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO territories (id, scenario_id, position, name, colour, rep_id, geometry, rule_industries, \
         rule_size_classes, target, average_deal, conversion) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT(id) DO UPDATE SET scenario_id = excluded.scenario_id, position = excluded.position, \
         name = excluded.name, colour = excluded.colour, rep_id = excluded.rep_id, geometry = excluded.geometry, \
         rule_industries = excluded.rule_industries, rule_size_classes = excluded.rule_size_classes, \
         target = excluded.target, average_deal = excluded.average_deal, conversion = excluded.conversion",
    )?
    .execute(params![
        t.id.0,
        scenario.0,
        position as i64,
        t.name,
        t.colour.to_hex(),
        t.rep.map(|r| r.0),
        geometry_to_text(&t.geometry),
        json_list(&t.rule.industries),
        json_list(&t.rule.size_classes),
        t.target,
        t.average_deal,
        t.conversion
    ])?;
    Ok(())
}

/// Writes one change of an edit (already applied to `project`). Territories added or changed
/// are written as the project now holds them; scenarios whose territory order changed are
/// noted in `renumber`. Every kind of change has its own arm (no catch-all), so a new kind
/// does not compile until it is written here.
fn write_change(
    tx: &Transaction<'_>,
    change: &Change,
    project: &Project,
    renumber: &mut Vec<ScenarioId>,
) -> rusqlite::Result<()> {
    match change {
        Change::Rep { before, after } => match (before, after) {
            (_, Some(rep)) => upsert_rep(tx, rep)?,
            (Some(rep), None) => {
                tx.execute("DELETE FROM reps WHERE id = ?1", [rep.id.0])?;
            }
            (None, None) => {}
        },
        Change::UnitLayer { before, after } => match (before, after) {
            (_, Some(layer)) => upsert_unit_layer(tx, layer)?,
            (Some(layer), None) => {
                tx.execute("DELETE FROM unit_layers WHERE key = ?1", [&layer.key])?;
            }
            (None, None) => {}
        },
        Change::Accounts {
            added,
            removed,
            updated,
        } => {
            let mut delete = tx.prepare_cached("DELETE FROM accounts WHERE id = ?1")?;
            for a in removed {
                delete.execute([a.id.0])?;
            }
            insert_rows(tx, updated.iter().map(|(_, a)| a), true)?;
            insert_rows(tx, added, false)?;
        }
        Change::Scenario { before, after } => match (before, after) {
            (None, Some(s)) => insert_scenario(tx, s)?,
            (Some(_), Some(s)) => upsert_scenario(tx, s)?,
            (Some(s), None) => {
                tx.execute("DELETE FROM scenarios WHERE id = ?1", [s.id.0])?;
            }
            (None, None) => {}
        },
        Change::Active { after, .. } => {
            tx.execute(
                "UPDATE project SET active_scenario = ?1 WHERE id = 1",
                [after.map(|s| s.0)],
            )?;
        }
        Change::Settings { after, .. } => update_settings(tx, after)?,
        Change::Geometry {
            territory, after, ..
        } => {
            tx.execute(
                "UPDATE territories SET geometry = ?1 WHERE id = ?2",
                params![geometry_to_text(after), territory.0],
            )?;
        }
        Change::Add {
            scenario: sid,
            territory,
            ..
        }
        | Change::Properties {
            scenario: sid,
            after: territory,
            ..
        } => {
            // Written as the project now holds it (geometry and position included).
            if let Some((position, t)) = project.scenario(*sid).and_then(|s| {
                s.territories
                    .iter()
                    .enumerate()
                    .find(|(_, t)| t.id == territory.id)
            }) {
                upsert_territory(tx, *sid, position, t)?;
            }
            renumber.push(*sid);
        }
        Change::Remove {
            scenario: sid,
            territory,
            ..
        } => {
            tx.execute("DELETE FROM territories WHERE id = ?1", [territory.id.0])?;
            renumber.push(*sid);
        }
        Change::Overrides {
            scenario: sid,
            changes,
        } => {
            for (account, _, after) in changes {
                write_override(tx, *sid, *account, *after)?;
            }
        }
        Change::Units {
            scenario: sid,
            layer,
            changes,
        } => {
            for (unit, _, after) in changes {
                write_unit(tx, *sid, layer, unit, *after)?;
            }
        }
    }
    Ok(())
}

/// One change at a time. Each method is one transaction: when it returns, the change is on
/// disk; when it fails, nothing of it is.
impl ProjectFile {
    fn change(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<()>,
    ) -> StoreResult<()> {
        let path = self.path.clone();
        if self.read_only {
            return Err(StoreError::OpenedReadOnly { path });
        }
        let sql = sql_error(&path);
        // IMMEDIATE: the write lock is taken (waiting up to the busy timeout for another
        // writer) before anything is read, so two writers queue instead of one failing with
        // "database is locked" when it upgrades a stale read.
        let tx = self
            .conn()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        f(&tx).map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// Writes an edit, already applied to `project`, in one transaction: after a crash the
    /// file holds all of it or none of it.
    pub fn write_edit(&mut self, edit: &Edit, project: &Project) -> StoreResult<()> {
        let rows: usize = edit
            .changes
            .iter()
            .map(|c| match c {
                Change::Accounts { added, updated, .. } => added.len() + updated.len(),
                Change::Geometry { .. }
                | Change::Add { .. }
                | Change::Remove { .. }
                | Change::Properties { .. }
                | Change::Rep { .. }
                | Change::UnitLayer { .. }
                | Change::Scenario { .. }
                | Change::Active { .. }
                | Change::Settings { .. }
                | Change::Overrides { .. } => 0,
                Change::Units { changes, .. } => changes.len() / 4,
            })
            .sum();
        if rows > 10_000 {
            self.bulk(|file| file.write_edit_now(edit, project))
        } else {
            self.write_edit_now(edit, project)
        }
    }

    fn write_edit_now(&mut self, edit: &Edit, project: &Project) -> StoreResult<()> {
        self.change(|tx| {
            let mut renumber = Vec::new();
            for change in &edit.changes {
                write_change(tx, change, project, &mut renumber)?;
            }
            renumber.dedup();
            for sid in renumber {
                if let Some(scenario) = project.scenario(sid) {
                    let mut update =
                        tx.prepare_cached("UPDATE territories SET position = ?1 WHERE id = ?2")?;
                    for (position, t) in scenario.territories.iter().enumerate() {
                        update.execute(params![position as i64, t.id.0])?;
                    }
                }
            }
            Ok(())
        })
    }

    /// Runs a large write with a page cache big enough that SQLite never spills half-built
    /// pages to the WAL mid-transaction (on a million rows the spilled pages, written again
    /// and again as they fill, were most of the write time), temporary data in memory, and a
    /// rollback journal instead of the WAL: appended pages are then written once, not to the
    /// WAL and again at the checkpoint (3.5 s -> 2.7 s for a million rows). A rollback
    /// journal with `synchronous = FULL` is just as atomic. All back to their defaults
    /// afterwards (the next open sets WAL again should that fail). The cache takes memory
    /// only as pages are dirtied (512 MB at most).
    ///
    /// Leaving WAL needs the file to itself: while another connection has it open (a
    /// window, a report) SQLite refuses the switch at once. The write then simply stays in
    /// the WAL, slower but just as safe, rather than failing with "database is locked".
    fn bulk<T>(&mut self, f: impl FnOnce(&mut Self) -> StoreResult<T>) -> StoreResult<T> {
        if self.read_only {
            let path = self.path.clone();
            return Err(StoreError::OpenedReadOnly { path });
        }
        self.counting_own_versions(|file| file.bulk_outside_wal(f))
    }

    /// [`Self::bulk`]'s work: the switches of cache, temporary store and journal mode.
    fn bulk_outside_wal<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let path = self.path.clone();
        let sql = sql_error(&path);
        self.conn()
            .pragma_update(None, "cache_size", -512 * 1024)
            .map_err(sql)?;
        self.conn()
            .pragma_update(None, "temp_store", "MEMORY")
            .map_err(sql)?;
        let switched = match self.conn().pragma_update(None, "journal_mode", "DELETE") {
            Err(e)
                if !matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                Err(sql(e))
            }
            _ => Ok(()),
        };
        let result = switched.and_then(|()| f(self));
        let _ = self.conn().pragma_update(None, "journal_mode", "WAL");
        // Failing to shrink the cache again costs memory, not data.
        let _ = self.conn().pragma_update(None, "cache_size", -2000);
        let _ = self.conn().pragma_update(None, "temp_store", "DEFAULT");
        result
    }
}

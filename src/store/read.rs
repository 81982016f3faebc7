//! Reading a whole project from the database.

use std::collections::BTreeMap;

use geo::MultiPolygon;

use rusqlite::types::{FromSql, ValueRef};
use rusqlite::{Connection, Row};

use crate::model::{
    AccountId, AccountStatus, Accounts, Colour, Project, ProjectLayer, Rep, RepId, Scenario,
    ScenarioId, SegmentRule, Settings, Territory, TerritoryId,
};

/// A failure while reading.
#[derive(Debug)]
pub enum ReadError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// A value is impossible; the text names table, row and column.
    Damaged(String),
}

impl From<rusqlite::Error> for ReadError {
    fn from(e: rusqlite::Error) -> Self {
        ReadError::Sqlite(e)
    }
}

fn damaged(what: String) -> ReadError {
    ReadError::Damaged(what)
}

/// Opens another connection to the same file (for reading on a second thread).
pub type Reopen<'a> = &'a (dyn Fn() -> rusqlite::Result<Connection> + Sync);

/// Reads a field of a row, turning a value of the wrong type or range into
/// [`ReadError::Damaged`] naming the table, the row's id and the column (rather than
/// SQLite's "Integer 4294967296 out of range at index 0").
fn field<T: FromSql>(r: &Row<'_>, index: usize, table: &str, id: i64) -> Result<T, ReadError> {
    r.get(index).map_err(|e| match e {
        rusqlite::Error::IntegralValueOutOfRange(_, value) => damaged(format!(
            "{table} row id {id}, column {}: {value} is out of range",
            column(r, index)
        )),
        rusqlite::Error::InvalidColumnType(_, _, kind) => damaged(format!(
            "{table} row id {id}, column {}: a {kind} where Tessera keeps another type",
            column(r, index)
        )),
        rusqlite::Error::FromSqlConversionFailure(_, _, e) => damaged(format!(
            "{table} row id {id}, column {}: {e}",
            column(r, index)
        )),
        e => ReadError::Sqlite(e),
    })
}

/// A row and how to name it in messages: [`At::get`] reads a field with [`field`].
struct At<'a, 'r> {
    row: &'a Row<'r>,
    table: &'static str,
    id: i64,
}

impl At<'_, '_> {
    fn get<T: FromSql>(&self, index: usize) -> Result<T, ReadError> {
        field(self.row, index, self.table, self.id)
    }
}

fn column(r: &Row<'_>, index: usize) -> String {
    r.as_ref()
        .column_name(index)
        .map_or_else(|_| format!("#{index}"), str::to_owned)
}

/// The id of a row (column 0, read as i64 so that any value can be named), checked to fit
/// Tessera's 32-bit ids.
fn row_id(r: &Row<'_>, table: &str) -> Result<u32, ReadError> {
    let id: i64 = match r.get_ref(0)? {
        ValueRef::Integer(i) => i,
        other => {
            return Err(damaged(format!(
                "{table}: a row's id is a {} instead of a whole number",
                other.data_type()
            )));
        }
    };
    u32::try_from(id).map_err(|_| {
        damaged(format!(
            "{table} row id {id}: the id is out of range (0 to {})",
            u32::MAX
        ))
    })
}

/// Reads everything: settings, accounts, reps, scenarios with territories and overrides.
/// `reopen` gives a second connection for reading large account tables on two threads.
pub fn read_project(conn: &Connection, reopen: Reopen<'_>) -> Result<Project, ReadError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, active_scenario, detour_factor, speed_kmh, working_hours_per_year, \
         default_minutes_per_visit, balance_tolerance FROM project WHERE id = 1",
    )?;
    let mut rows = stmt.query([])?;
    let r = rows
        .next()?
        .ok_or_else(|| damaged("the project row is missing".into()))?;
    let get = At {
        row: r,
        table: "project",
        id: 1,
    };
    let name: String = get.get(1)?;
    let active: Option<u32> = get.get(2)?;
    let settings = Settings {
        detour_factor: get.get(3)?,
        speed_kmh: get.get(4)?,
        working_hours_per_year: get.get(5)?,
        default_minutes_per_visit: get.get(6)?,
        balance_tolerance: get.get(7)?,
    };
    drop(rows);
    let accounts = read_accounts(conn, reopen)?;
    let reps = read_reps(conn)?;
    let scenarios = read_scenarios(conn)?;
    let unit_layers = read_unit_layers(conn)?;
    Ok(Project {
        name,
        settings,
        accounts,
        reps,
        scenarios,
        active_scenario: active.map(ScenarioId),
        unit_layers,
    })
}

fn text<'a>(value: ValueRef<'a>, what: impl Fn() -> String) -> Result<&'a str, ReadError> {
    match value {
        ValueRef::Text(t) => {
            std::str::from_utf8(t).map_err(|_| damaged(format!("{}: not UTF-8", what())))
        }
        ValueRef::Null => Ok(""),
        _ => Err(damaged(format!("{}: expected text", what()))),
    }
}

fn number(value: ValueRef<'_>, what: impl Fn() -> String) -> Result<f64, ReadError> {
    match value {
        ValueRef::Real(x) => Ok(x),
        ValueRef::Integer(i) => Ok(i as f64),
        _ => Err(damaged(format!("{}: expected a number", what()))),
    }
}

/// Reads all accounts. Large tables are read in two halves on two threads (a second,
/// read-only connection reads the upper half of the ids), which nearly halves the load time
/// of a million-account project.
fn read_accounts(conn: &Connection, reopen: Reopen<'_>) -> Result<Accounts, ReadError> {
    let (min, max): (i64, i64) = conn.query_row(
        "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM accounts",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    // Unit tests lower the threshold so that their small projects take the two-thread path.
    const SPLIT_ABOVE: i64 = if cfg!(test) { 1_000 } else { 200_000 };
    if max - min < SPLIT_ABOVE {
        return read_account_range(conn, min, max, max - min + 1);
    }
    let mid = min + (max - min) / 2;
    let (lower, upper) = std::thread::scope(|scope| {
        let upper = scope.spawn(|| -> Result<Accounts, ReadError> {
            let second = reopen()?;
            read_account_range(&second, mid + 1, max, max - mid)
        });
        // The lower half gets room for all, so appending the upper half does not reallocate.
        let lower = read_account_range(conn, min, mid, max - min + 1);
        let upper = upper
            .join()
            .map_err(|_| damaged("the account reader thread failed".into()));
        (lower, upper)
    });
    let mut accounts = lower?;
    accounts.append(&upper??);
    Ok(accounts)
}

/// Reads the accounts with ids in `first..=last` with borrowed text, straight into the column
/// table (with room for `room` accounts): no allocation per row.
fn read_account_range(
    conn: &Connection,
    first: i64,
    last: i64,
    room: i64,
) -> Result<Accounts, ReadError> {
    // Ids are dense in practice; the cap keeps a damaged id from asking for absurd memory.
    let expected = usize::try_from(room).unwrap_or(0).min(1 << 24);
    let mut accounts = Accounts::with_capacity(expected);
    let mut stmt = conn.prepare(
        "SELECT id, external_id, name, lon, lat, industry, size_class, status, potential, revenue, \
         pipeline, deals_won, deals_lost, visits_per_year, minutes_per_visit, extra \
         FROM accounts WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query([first, last])?;
    while let Some(r) = rows.next()? {
        let id = row_id(r, "accounts")?;
        let at = |column: &'static str| move || format!("accounts row id {id}, column {column}");
        let status = match text(r.get_ref(7)?, at("status"))? {
            "customer" => AccountStatus::Customer,
            "prospect" => AccountStatus::Prospect,
            other => {
                return Err(damaged(format!(
                    "{}: unknown status {other:?}",
                    at("status")()
                )));
            }
        };
        let lon = number(r.get_ref(3)?, at("lon"))?;
        let lat = number(r.get_ref(4)?, at("lat"))?;
        let minutes = match r.get_ref(14)? {
            ValueRef::Null => None,
            v => Some(number(v, at("minutes_per_visit"))? as f32),
        };
        accounts.push_fields(
            AccountId(id),
            text(r.get_ref(1)?, at("external_id"))?,
            text(r.get_ref(2)?, at("name"))?,
            [lon, lat],
            text(r.get_ref(5)?, at("industry"))?,
            text(r.get_ref(6)?, at("size_class"))?,
            status,
            [
                number(r.get_ref(8)?, at("potential"))?,
                number(r.get_ref(9)?, at("revenue"))?,
                number(r.get_ref(10)?, at("pipeline"))?,
            ],
            [
                field(r, 11, "accounts", id.into())?,
                field(r, 12, "accounts", id.into())?,
            ],
            number(r.get_ref(13)?, at("visits_per_year"))? as f32,
            minutes,
            text(r.get_ref(15)?, at("extra"))?,
        );
    }
    Ok(accounts)
}

fn json_list(text: &str, what: impl Fn() -> String) -> Result<Vec<String>, ReadError> {
    serde_json::from_str(text).map_err(|e| damaged(format!("{}: {e}", what())))
}

fn colour(text: &str, what: impl Fn() -> String) -> Result<Colour, ReadError> {
    Colour::from_hex(text)
        .ok_or_else(|| damaged(format!("{}: {text:?} is not a #rrggbb colour", what())))
}

fn read_reps(conn: &Connection) -> Result<Vec<Rep>, ReadError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, home_lon, home_lat, capacity_hours, target, expertise, colour FROM reps ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut reps = Vec::new();
    while let Some(r) = rows.next()? {
        let id = row_id(r, "reps")?;
        let at = |column: &'static str| move || format!("reps row id {id}, column {column}");
        let get = At {
            row: r,
            table: "reps",
            id: id.into(),
        };
        reps.push(Rep {
            id: RepId(id),
            name: get.get(1)?,
            home_lon: get.get(2)?,
            home_lat: get.get(3)?,
            capacity_hours: get.get(4)?,
            target: get.get(5)?,
            expertise: json_list(&get.get::<String>(6)?, at("expertise"))?,
            colour: colour(&get.get::<String>(7)?, at("colour"))?,
        });
    }
    Ok(reps)
}

fn read_scenarios(conn: &Connection) -> Result<Vec<Scenario>, ReadError> {
    let mut scenarios = Vec::new();
    {
        let mut stmt =
            conn.prepare("SELECT id, name, notes, created FROM scenarios ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = row_id(r, "scenarios")?;
            let get = At {
                row: r,
                table: "scenarios",
                id: id.into(),
            };
            scenarios.push(Scenario {
                id: ScenarioId(id),
                name: get.get(1)?,
                notes: get.get(2)?,
                created: get.get(3)?,
                territories: Vec::new(),
                overrides: BTreeMap::new(),
                units: Default::default(),
            });
        }
    }
    let mut stmt = conn.prepare(
        "SELECT id, scenario_id, name, colour, rep_id, geometry, rule_industries, rule_size_classes, \
         target, average_deal, conversion FROM territories ORDER BY scenario_id, position, id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id = row_id(r, "territories")?;
        let at = |column: &'static str| move || format!("territories row id {id}, column {column}");
        let get = At {
            row: r,
            table: "territories",
            id: id.into(),
        };
        let scenario_id = ScenarioId(get.get(1)?);
        let geometry_text: String = get.get(5)?;
        let territory = Territory {
            id: TerritoryId(id),
            name: get.get(2)?,
            colour: colour(&get.get::<String>(3)?, at("colour"))?,
            rep: get.get::<Option<u32>>(4)?.map(RepId),
            geometry: geometry_from_text(&geometry_text)
                .map_err(|e| damaged(format!("{}: {e}", at("geometry")())))?,
            rule: SegmentRule {
                industries: json_list(&get.get::<String>(6)?, at("rule_industries"))?,
                size_classes: json_list(&get.get::<String>(7)?, at("rule_size_classes"))?,
            },
            target: get.get(8)?,
            average_deal: get.get(9)?,
            conversion: get.get(10)?,
        };
        let scenario = scenarios
            .iter_mut()
            .find(|s| s.id == scenario_id)
            .ok_or_else(|| {
                damaged(format!(
                    "{}: no scenario {scenario_id}",
                    at("scenario_id")()
                ))
            })?;
        scenario.territories.push(territory);
    }
    let mut stmt = conn.prepare("SELECT scenario_id, account_id, territory_id FROM overrides")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        // A table without rowid: the row is named by its account.
        let account: i64 = match r.get_ref(1)? {
            ValueRef::Integer(i) => i,
            _ => -1,
        };
        let get = At {
            row: r,
            table: "overrides for account",
            id: account,
        };
        let scenario_id = ScenarioId(get.get(0)?);
        if let Some(s) = scenarios.iter_mut().find(|s| s.id == scenario_id) {
            s.overrides
                .insert(AccountId(get.get(1)?), TerritoryId(get.get(2)?));
        }
    }
    read_units(conn, &mut scenarios)?;
    Ok(scenarios)
}

/// Which territory holds each unit, per plan (schema version 2 on; a file of version 1,
/// read without upgrading it, has no such table and no plan of units).
fn read_units(conn: &Connection, scenarios: &mut [Scenario]) -> Result<(), ReadError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scenario_units')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(());
    }
    let mut stmt =
        conn.prepare("SELECT scenario_id, unit_code, layer, territory_id FROM scenario_units")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let get = At {
            row: r,
            table: "scenario_units of scenario",
            id: r.get::<_, i64>(0).unwrap_or(-1),
        };
        let scenario_id = ScenarioId(get.get(0)?);
        let (unit, layer): (String, String) = (get.get(1)?, get.get(2)?);
        let territory = TerritoryId(get.get(3)?);
        let Some(s) = scenarios.iter_mut().find(|s| s.id == scenario_id) else {
            continue;
        };
        if s.units.layer.as_ref().is_some_and(|held| *held != layer) {
            return Err(damaged(format!(
                "scenario {}: units of two layers ({} and {layer})",
                scenario_id.0,
                s.units.layer.as_deref().unwrap_or_default()
            )));
        }
        s.units.layer = Some(layer);
        s.units.holder.insert(unit, territory);
    }
    Ok(())
}

/// Whether the file has table `name` (a file of an older version, read without upgrading
/// it, lacks what later versions added).
fn has_table(conn: &Connection, name: &str) -> Result<bool, ReadError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [name],
        |r| r.get(0),
    )?)
}

/// The planner's unit layers, in key order (schema version 3 on). The TopoJSON is unzipped
/// here and decoded only when used.
fn read_unit_layers(conn: &Connection) -> Result<Vec<ProjectLayer>, ReadError> {
    use std::io::Read;
    if !has_table(conn, "unit_layers")? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare("SELECT key, title, topojson_gz FROM unit_layers ORDER BY key")?;
    let mut rows = stmt.query([])?;
    let mut layers = Vec::new();
    while let Some(r) = rows.next()? {
        let key = text(r.get_ref(0)?, || "unit_layers: a layer's key".into())?.to_owned();
        let what = || format!("unit_layers row {key}");
        let title = text(r.get_ref(1)?, || format!("{}, column title", what()))?.to_owned();
        let ValueRef::Blob(zipped) = r.get_ref(2)? else {
            return Err(damaged(format!(
                "{}, column topojson_gz: not a gzipped layer",
                what()
            )));
        };
        let mut topojson = String::new();
        flate2::read::GzDecoder::new(zipped)
            .read_to_string(&mut topojson)
            .map_err(|e| damaged(format!("{}, column topojson_gz: {e}", what())))?;
        layers.push(ProjectLayer::new(key, title, topojson));
    }
    Ok(layers)
}

/// Parses a stored GeoJSON geometry (Polygon or MultiPolygon).
pub fn geometry_from_text(text: &str) -> Result<MultiPolygon<f64>, String> {
    let geometry: geojson::Geometry = text.parse().map_err(|e: geojson::Error| e.to_string())?;
    check_positions(&geometry.value)?;
    match &geometry.value {
        geojson::GeometryValue::Polygon { .. } => geo::Polygon::<f64>::try_from(&geometry.value)
            .map(|p| MultiPolygon(vec![p]))
            .map_err(|e| e.to_string()),
        geojson::GeometryValue::MultiPolygon { .. } => {
            MultiPolygon::<f64>::try_from(&geometry.value).map_err(|e| e.to_string())
        }
        other => Err(format!("a {} is not a territory shape", other.type_name())),
    }
}

/// Refuses positions with fewer than two numbers: geojson's conversion to geo indexes the
/// second number without checking (a damaged or tampered file would panic there).
fn check_positions(value: &geojson::GeometryValue) -> Result<(), String> {
    let rings: Vec<&Vec<geojson::Position>> = match value {
        geojson::GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().flatten().collect()
        }
        _ => Vec::new(),
    };
    match rings
        .iter()
        .flat_map(|r| r.iter())
        .position(|p| p.len() < 2)
    {
        Some(k) => Err(format!("position {} has fewer than 2 numbers", k + 1)),
        None => Ok(()),
    }
}

//! The project file's schema and its migrations.
//!
//! `PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks the file
//! as a Tessera project. `MIGRATIONS[v]` upgrades a file from version `v` to `v + 1`; a new
//! file starts at version 0 and runs them all. To change the schema, append a step and bump
//! nothing else: [`SCHEMA_VERSION`] is the number of steps.

/// `PRAGMA application_id` of every Tessera project: "TESS" in ASCII.
pub const APPLICATION_ID: i32 = 0x5445_5353;

/// Version 1: accounts, reps, scenarios, territories, overrides and project settings.
const V1: &str = r#"
CREATE TABLE project (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    active_scenario INTEGER REFERENCES scenarios(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    detour_factor REAL NOT NULL,
    speed_kmh REAL NOT NULL,
    working_hours_per_year REAL NOT NULL,
    default_minutes_per_visit REAL NOT NULL,
    balance_tolerance REAL NOT NULL
);
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    industry TEXT NOT NULL DEFAULT '',
    size_class TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('prospect', 'customer')),
    potential REAL NOT NULL DEFAULT 0,
    revenue REAL NOT NULL DEFAULT 0,
    pipeline REAL NOT NULL DEFAULT 0,
    deals_won INTEGER NOT NULL DEFAULT 0,
    deals_lost INTEGER NOT NULL DEFAULT 0,
    visits_per_year REAL NOT NULL DEFAULT 0,
    minutes_per_visit REAL,
    extra TEXT NOT NULL DEFAULT ''
);
CREATE INDEX accounts_by_external_id ON accounts(external_id);
CREATE TABLE reps (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    home_lon REAL NOT NULL,
    home_lat REAL NOT NULL,
    capacity_hours REAL NOT NULL,
    target REAL NOT NULL,
    expertise TEXT NOT NULL DEFAULT '[]',
    colour TEXT NOT NULL
);
CREATE TABLE scenarios (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    notes TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL
);
CREATE TABLE territories (
    id INTEGER PRIMARY KEY,
    scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    colour TEXT NOT NULL,
    rep_id INTEGER REFERENCES reps(id) ON DELETE SET NULL,
    geometry TEXT NOT NULL,
    rule_industries TEXT NOT NULL DEFAULT '[]',
    rule_size_classes TEXT NOT NULL DEFAULT '[]',
    target REAL NOT NULL,
    average_deal REAL NOT NULL,
    conversion REAL NOT NULL
);
CREATE INDEX territories_by_scenario ON territories(scenario_id, position);
CREATE TABLE overrides (
    scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    PRIMARY KEY (scenario_id, account_id)
) WITHOUT ROWID;
"#;

/// Version 2: plans built from geographic units (issue 13): which territory holds each unit.
/// One layer per plan; the layer is on every row so that a row is whole on its own.
const V2: &str = r#"
CREATE TABLE scenario_units (
    scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    unit_code TEXT NOT NULL,
    layer TEXT NOT NULL,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    PRIMARY KEY (scenario_id, unit_code)
) WITHOUT ROWID;
"#;

/// Version 3: the planner's own unit layers (issue 13): key, title and the cleaned layer as
/// gzipped TopoJSON (a PC4-sized layer is about 1 MB so, against 6 MB as text).
const V3: &str = r#"
CREATE TABLE unit_layers (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    topojson_gz BLOB NOT NULL
);
"#;

/// `MIGRATIONS[v]` upgrades version `v` to `v + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// One entry of `sqlite_master`: what kind of object, its name, its table, its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaObject {
    /// `table`, `index`, `view` or `trigger` (or whatever a forged entry says).
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// The table it belongs to (for indexes and triggers).
    pub table: String,
    /// Its `CREATE` statement with runs of white space made one space (none for the
    /// indexes SQLite makes itself).
    pub sql: Option<String>,
}

/// The objects a file's schema holds, in `sqlite_master` order. Texts that are not UTF-8 are
/// read lossily: they only serve to name the object.
pub fn objects(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<SchemaObject>> {
    use rusqlite::types::ValueRef;
    let text = |v: ValueRef<'_>| match v {
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Null => None,
    };
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master")?;
    let mut rows = stmt.query([])?;
    let mut objects = Vec::new();
    while let Some(r) = rows.next()? {
        objects.push(SchemaObject {
            kind: text(r.get_ref(0)?).unwrap_or_default(),
            name: text(r.get_ref(1)?).unwrap_or_default(),
            table: text(r.get_ref(2)?).unwrap_or_default(),
            sql: text(r.get_ref(3)?).map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")),
        });
    }
    Ok(objects)
}

/// The schema Tessera creates at `version`: `migrations[..version]` run on an empty
/// database in memory, so it can never drift from what a new file gets.
pub fn expected(migrations: &[&str], version: i32) -> rusqlite::Result<Vec<SchemaObject>> {
    let conn = rusqlite::Connection::open_in_memory()?;
    for step in migrations.iter().take(version.max(0) as usize) {
        conn.execute_batch(step)?;
    }
    objects(&conn)
}

/// A name as it may be shown: control characters escaped, at most 60 characters.
pub fn shown(name: &str) -> String {
    let escaped: String = name.escape_debug().collect();
    if escaped.chars().count() > 60 {
        format!("{}...", escaped.chars().take(60).collect::<String>())
    } else {
        escaped
    }
}

/// How `found` differs from `expected`, one line per object: objects Tessera did not create
/// (triggers, views, tables, indexes), objects it did create but in another form, and
/// tables or indexes that are missing.
pub fn differences(found: &[SchemaObject], expected: &[SchemaObject]) -> Vec<String> {
    let same_name = |a: &SchemaObject, b: &SchemaObject| a.name.eq_ignore_ascii_case(&b.name);
    let mut lines = Vec::new();
    for object in found {
        let kind = shown(&object.kind);
        let name = shown(&object.name);
        let on = if object.kind == "table" || object.kind == "view" {
            String::new()
        } else {
            format!(" (on {})", shown(&object.table))
        };
        match expected.iter().find(|e| same_name(e, object)) {
            Some(e) if e == object => {}
            Some(e) if e.kind == object.kind => {
                lines.push(format!(
                    "{kind} {name}{on}, changed from the one Tessera creates"
                ));
            }
            _ => lines.push(format!("{kind} {name}{on}")),
        }
    }
    for e in expected {
        if !found.iter().any(|f| same_name(f, e) && f.kind == e.kind) {
            lines.push(format!("{} {} is missing", e.kind, shown(&e.name)));
        }
    }
    lines
}

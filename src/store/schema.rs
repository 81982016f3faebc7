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

/// `MIGRATIONS[v]` upgrades version `v` to `v + 1`.
pub const MIGRATIONS: &[&str] = &[V1];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

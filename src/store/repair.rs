//! A clean copy of a project whose schema holds objects Tessera did not create (triggers,
//! views, tables, indexes): Tessera's tables, copied column by column into a new file with
//! the schema Tessera creates, and nothing else. The original is only read.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::connect::{Access, connect, reader_access, uri};
use super::schema::{self, APPLICATION_ID, MIGRATIONS, SchemaObject};
use super::{ProjectFile, SCHEMA_VERSION, StoreError, StoreResult, sql_error};

impl ProjectFile {
    /// Writes a clean copy of the project at `source` to `out` (which must not exist): the
    /// data of Tessera's tables in a file with only the schema Tessera creates. Returns the
    /// objects left out (as [`StoreError::ForeignSchema`] names them). `source` is never
    /// written; a half-written `out` is removed.
    pub fn repair(source: &Path, out: &Path) -> StoreResult<Vec<String>> {
        if out.exists() {
            return Err(StoreError::AlreadyExists {
                path: out.to_owned(),
            });
        }
        let access = reader_access(source);
        let (version, left_out, tables) = survey(source, access)?;
        let result = copy(source, access, out, version, &tables);
        if result.is_err() {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(super::connect::sidecar(out, suffix));
            }
        }
        result.map(|()| left_out)
    }
}

/// Each table to copy, with its columns.
type Tables = Vec<(String, Vec<String>)>;

/// Checks that `source` is a Tessera project whose tables can be copied, and returns its
/// version, the objects that will be left out, and each table with its columns.
fn survey(source: &Path, access: Access) -> StoreResult<(i32, Vec<String>, Tables)> {
    let not_project = |reason: &str| StoreError::NotAProject {
        path: source.to_owned(),
        reason: reason.to_owned(),
    };
    if !source.is_file() {
        return Err(if source.exists() {
            not_project("it is not a regular file")
        } else {
            StoreError::NotFound {
                path: source.to_owned(),
            }
        });
    }
    let conn = connect(source, access).map_err(sql_error(source))?;
    let read = |e: rusqlite::Error| {
        if matches!(&e, rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK)
        {
            StoreError::Damaged {
                path: source.to_owned(),
                what: "it holds an interrupted write; open it once with Tessera (which rolls the write back), then repair it".into(),
            }
        } else {
            not_project("it is not an SQLite database")
        }
    };
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(read)?;
    if id != APPLICATION_ID {
        return Err(not_project("it is an SQLite database of another program"));
    }
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(read)?;
    if !(1..=SCHEMA_VERSION).contains(&version) {
        return Err(not_project(
            "its project format is not one this Tessera knows",
        ));
    }
    let found = schema::objects(&conn).map_err(|e| StoreError::Damaged {
        path: source.to_owned(),
        what: format!("its list of tables cannot be read ({e})"),
    })?;
    let expected = schema::expected(MIGRATIONS, version).map_err(sql_error(source))?;
    let left_out = schema::differences(&found, &expected)
        .into_iter()
        .filter(|d| !d.ends_with(" is missing"))
        .collect();
    let reference = Connection::open_in_memory().map_err(sql_error(source))?;
    for step in &MIGRATIONS[..version as usize] {
        reference.execute_batch(step).map_err(sql_error(source))?;
    }
    let mut tables = Vec::new();
    for table in expected.iter().filter(|o| o.kind == "table") {
        let cannot = |why: String| StoreError::Damaged {
            path: source.to_owned(),
            what: format!("cannot make a clean copy: {why}"),
        };
        let is_table =
            |o: &SchemaObject| o.kind == "table" && o.name.eq_ignore_ascii_case(&table.name);
        if !found.iter().any(is_table) {
            let instead = found
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(&table.name))
                .map(|o| format!(" (a {} of that name stands in its place)", o.kind))
                .unwrap_or_default();
            return Err(cannot(format!(
                "Tessera's table {} is missing{instead}",
                table.name
            )));
        }
        let wanted = columns(&reference, &table.name).map_err(sql_error(source))?;
        let present = columns(&conn, &table.name).map_err(read)?;
        if let Some(missing) = wanted.iter().find(|c| !present.contains(c)) {
            return Err(cannot(format!(
                "table {} has no column {missing}",
                table.name
            )));
        }
        tables.push((table.name.clone(), wanted));
    }
    Ok((version, left_out, tables))
}

/// The column names of `table` (lower case, for comparing).
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    names.map(|n| n.map(|n| n.to_ascii_lowercase())).collect()
}

/// Creates `out` with the schema of `version` and copies every table's columns from
/// `source` (attached read-only), in one transaction.
fn copy(
    source: &Path,
    access: Access,
    out: &Path,
    version: i32,
    tables: &[(String, Vec<String>)],
) -> StoreResult<()> {
    let sql = sql_error(out);
    // Opened with URI names allowed, so that the source can be attached read-only.
    let conn = Connection::open_with_flags(
        out,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    conn.pragma_update(None, "trusted_schema", false)
        .map_err(sql)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(sql)?;
    let query = if access == Access::Immutable {
        "mode=ro&immutable=1"
    } else {
        "mode=ro"
    };
    conn.execute("ATTACH DATABASE ?1 AS source", [uri(source, query)])
        .map_err(sql_error(source))?;
    let tx = conn.unchecked_transaction().map_err(sql)?;
    for step in &MIGRATIONS[..version as usize] {
        tx.execute_batch(step).map_err(sql)?;
    }
    for (table, columns) in tables {
        let list = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        tx.execute(
            &format!("INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM source.\"{table}\""),
            [],
        )
        .map_err(sql_error(source))?;
    }
    tx.pragma_update(None, "user_version", version)
        .map_err(sql)?;
    tx.commit().map_err(sql)?;
    conn.execute("DETACH DATABASE source", []).map_err(sql)?;
    drop(conn);
    // The copy must open as any project does (checked, its data read whole; an older
    // version as it is) before it is called repaired; damaged data is the source's, so its
    // path is named.
    ProjectFile::open_read_only(out)
        .map(drop)
        .map_err(|e| match e {
            StoreError::Damaged { what, .. } => StoreError::Damaged {
                path: source.to_owned(),
                what: format!("{what}; a clean copy cannot mend that"),
            },
            e => e,
        })
}

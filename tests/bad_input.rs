//! The bad-input corpus (tests/data/bad/): every file is refused with a message that names it
//! and says what is wrong, the process does not panic, and the project stays byte-identical.

use std::path::Path;
use std::process::Command;

mod cli_support;
use cli_support::tessera;

const BAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bad");

/// Each file and words its message must contain.
const EXPECTED: &[(&str, &str)] = &[
    ("truncated.csv", "does not close"),
    ("binary.csv", "not a text (CSV) file"),
    ("empty.csv", "no data rows"),
    ("header-only.csv", "no data rows"),
    ("unbalanced-quotes.csv", "does not close"),
    ("huge-field.csv", "bytes long"),
    ("nan-coordinates.csv", "is not a number"),
    ("infinite-numbers.csv", "is not a number"),
    ("latitude-beyond-90.csv", "out of range"),
    ("longitude-beyond-180.csv", "out of range"),
    // A decimal comma in an unquoted number splits it in two: the row has too many fields.
    (
        "decimal-comma-unquoted.csv",
        "line 2: 6 fields, the header has 4; a decimal comma in an unquoted number?",
    ),
    // Status values that are no known word stop the import until they are answered.
    ("unknown-status.csv", "\"vip\" (2 rows)"),
    (
        "old-excel-renamed.xlsx",
        "old Excel 97-2003 .xls file (or not a spreadsheet); save it as .xlsx or CSV",
    ),
    (
        "long-name.csv",
        "the name is 300 characters long (at most 200)",
    ),
    (
        "long-name.geojson",
        "the name is 300 characters long (at most 200)",
    ),
    // Refused by route too (tests/cli.rs), with its line.
    (
        "unclosed-quote-route.csv",
        "line 3: a quoted field does not close",
    ),
    ("no-name-column.csv", "no name column"),
    ("no-coordinate-columns.csv", "no place named"),
    // Postcodes that are not Dutch, or of no postcode area: refused by line and field.
    (
        "bad-postcodes.csv",
        "line 2 (postcode): postcode \"10 11\" is not a Dutch postcode",
    ),
    ("not-json.geojson", "not a GeoJSON file"),
    ("truncated.geojson", "not a GeoJSON file"),
    ("unclosed-ring.geojson", "feature 1"),
    // A ring crossing itself is repaired (tests/imports.rs); one with no area cannot be.
    (
        "degenerate-ring.geojson",
        "feature 1 (Streep): invalid geometry",
    ),
    // A ring crossing itself ~17,000 times: refused, not turned into slivers for minutes.
    (
        "self-crossing-scribble.geojson",
        "feature 1 (Krabbel): invalid geometry: outer ring crosses or touches itself; it cannot be repaired: outer ring crosses itself at more than 10,000 places; simplify it in your GIS",
    ),
    ("point-features.geojson", "feature 1"),
    ("deeply-nested.geojson", "not a GeoJSON file"),
    ("crs-belgian-lambert.geojson", "EPSG:31370"),
    ("empty-collection.geojson", "no features"),
    ("single-feature.geojson", "single Feature"),
    ("out-of-range-number.geojson", "not a GeoJSON file"),
    ("latitude-beyond-90.geojson", "feature 1"),
    ("zip-of-text.xlsx", "cannot read this spreadsheet"),
    // Memory bombs (tests/data/make_xlsx_bombs.py; tests/spreadsheet_bombs.rs).
    ("xlsx-cell-at-xfd1048576.xlsx", "Tessera reads at most"),
    (
        "xlsx-undeclared-cell-at-xfd1048576.xlsx",
        "Tessera reads at most 500 columns",
    ),
    ("xlsx-shared-strings-4e9.xlsx", "different texts"),
    ("xlsx-huge-cell.xlsx", "Tessera reads cells of at most"),
    ("xlsx-rows-beyond-limit.xlsx", "rows"),
    ("xlsx-part-declares-3gib.xlsx", "per part"),
    // Terminal escapes in the header (tests/cli_output.rs): echoed escaped.
    ("terminal-escapes.csv", "no name column"),
    (
        "swapped-lat-lon.csv",
        "latitude and longitude look swapped: column 'Breedtegraad' holds values like 5.1214",
    ),
    // Files named accounts-* are accounts files, whatever their extension.
    (
        "accounts-polygon-feature.geojson",
        "feature 2 (Regio Noord): geometry is a Polygon",
    ),
    ("accounts-crs-rd-new.geojson", "28992"),
];

#[test]
fn every_bad_file_is_refused_clearly_and_changes_nothing() {
    // Project files (and their journals) have their own test below.
    let corpus: Vec<String> = std::fs::read_dir(BAD)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.contains(".tessera"))
        .collect();
    assert!(corpus.len() >= 20, "at least 20 bad files");
    for name in &corpus {
        assert!(
            EXPECTED.iter().any(|(f, _)| f == name),
            "{name} has no expected message"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(args)
            .output()
            .expect("run tessera")
    };
    assert!(
        run(&["demo", &project.display().to_string()])
            .status
            .success()
    );
    let before = std::fs::read(&project).expect("read");
    for &(name, words) in EXPECTED {
        let file = Path::new(BAD).join(name);
        let kind =
            if name.ends_with(".csv") || name.ends_with(".xlsx") || name.starts_with("accounts-") {
                "--accounts"
            } else {
                "--territories"
            };
        let out = run(&[
            "import",
            &project.display().to_string(),
            kind,
            &file.display().to_string(),
        ]);
        let message = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: a refusal, not a crash: {message}"
        );
        assert!(
            message.contains(name),
            "{name}: the message names the file: {message}"
        );
        assert!(
            message.contains(words),
            "{name}: expected {words:?} in: {message}"
        );
        assert!(!message.contains("panicked"), "{name}: {message}");
        assert_eq!(
            std::fs::read(&project).expect("read"),
            before,
            "{name}: project unchanged"
        );
    }
}

/// Each bad project file, words its refusal must contain, and whether `tessera repair` makes
/// a clean copy of it (holding the same data as the project it was made from).
const PROJECTS: &[(&str, &[&str], bool)] = &[
    (
        "trigger-on-accounts.tessera",
        &["trigger wipe_territories (on accounts)", "tessera repair"],
        true,
    ),
    (
        "trigger-on-territories.tessera",
        &["trigger wipe_accounts (on territories)", "tessera repair"],
        true,
    ),
    (
        "view-shadows-accounts.tessera",
        &[
            "view accounts",
            "table accounts_real",
            "table accounts is missing",
        ],
        false,
    ),
    ("recursive-view.tessera", &["view endless"], true),
    (
        "forged-temp-view.tessera",
        &["damaged", "malformed database schema"],
        false,
    ),
    (
        "truncated-project.tessera",
        &["damaged", "truncated", "backup"],
        false,
    ),
    // Found by fuzzing (fuzz/run, project_open): geojson's conversion panicked on it.
    (
        "fuzz-position-with-one-number.tessera",
        &["territories row id 1, column geometry: position 125 has fewer than 2 numbers"],
        false,
    ),
    (
        "id-out-of-range.tessera",
        &["accounts row id 4294967296", "out of range"],
        false,
    ),
];

/// The small project every bad project file starts from.
fn small_project() -> tessera::model::Project {
    tessera::synth::project(12, 2, 5)
}

/// Writes the bad project files (run with `--ignored` after changing them). Each is the small
/// project with one hostile or broken thing done to it with plain SQLite, in DELETE journal
/// mode with 1 KB pages so that it is small and stands alone.
#[test]
#[ignore]
fn write_bad_project_files() {
    use rusqlite::Connection;
    let write = |name: &str, sql: &str| {
        let path = Path::new(BAD).join(name);
        let _ = std::fs::remove_file(&path);
        drop(tessera::store::ProjectFile::create(&path, &small_project()).expect("create"));
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM; PRAGMA foreign_keys = OFF;",
        )
        .expect("small pages");
        conn.execute_batch(sql).expect(name);
        path
    };
    write(
        "trigger-on-accounts.tessera",
        "CREATE TRIGGER wipe_territories AFTER INSERT ON accounts BEGIN \
         DELETE FROM territories; UPDATE accounts SET name = 'pwned'; END;",
    );
    write(
        "trigger-on-territories.tessera",
        "CREATE TRIGGER wipe_accounts AFTER UPDATE ON territories BEGIN DELETE FROM accounts; END;",
    );
    write(
        "view-shadows-accounts.tessera",
        "PRAGMA legacy_alter_table = ON; ALTER TABLE accounts RENAME TO accounts_real; \
         CREATE VIEW accounts AS SELECT * FROM accounts_real WHERE id % 2 = 0;",
    );
    write(
        "recursive-view.tessera",
        "CREATE VIEW endless AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
         SELECT i FROM n;",
    );
    write(
        "forged-temp-view.tessera",
        "PRAGMA writable_schema = ON; INSERT INTO sqlite_master VALUES \
         ('view', 'shadow', 'shadow', 0, 'CREATE TEMP VIEW accounts AS SELECT 1 AS id');",
    );
    write(
        "id-out-of-range.tessera",
        "UPDATE accounts SET id = 4294967296 WHERE id = (SELECT min(id) FROM accounts);",
    );
    let whole = write("truncated-project.tessera", "");
    let bytes = std::fs::read(&whole).expect("read");
    std::fs::write(&whole, &bytes[..bytes.len() / 2]).expect("cut");
    // A project with an import interrupted part way: the file with half-written pages and
    // the rollback journal, as a kill leaves them (copied while the transaction is open).
    let path = write("interrupted-import.tessera", "");
    let dir = tempfile::tempdir().expect("tempdir");
    let live = dir.path().join("p.tessera");
    std::fs::copy(&path, &live).expect("copy");
    let conn = Connection::open(&live).expect("open");
    conn.execute_batch(
        "PRAGMA cache_size = 2; BEGIN IMMEDIATE; \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) \
         INSERT INTO accounts (id, external_id, name, lon, lat, status) \
         SELECT 1000 + i, 'X' || i, 'Imported ' || i, 5.0, 52.0, 'prospect' FROM n; \
         DELETE FROM territories;",
    )
    .expect("half an import");
    std::fs::copy(&live, &path).expect("copy file");
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    std::fs::copy(dir.path().join("p.tessera-journal"), journal).expect("copy journal");
}

#[test]
fn every_bad_project_is_refused_clearly_and_left_untouched() {
    let corpus: Vec<String> = std::fs::read_dir(BAD)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tessera") && !n.starts_with("interrupted-import"))
        .collect();
    for name in &corpus {
        assert!(
            PROJECTS.iter().any(|(f, _, _)| f == name),
            "{name} has no expected message"
        );
    }
    let expected = small_project();
    for &(name, words, repairable) in PROJECTS {
        // Each file is tried in a folder of its own, so that anything left beside it shows.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name);
        std::fs::copy(Path::new(BAD).join(name), &path).expect("copy");
        let p = path.display().to_string();
        let before = std::fs::read(&path).expect("read");
        for args in [
            vec!["report", p.as_str()],
            vec!["export", p.as_str(), "--csv", "out.csv"],
            vec!["import", p.as_str(), "--territories", "none.geojson"],
        ] {
            let out = tessera(&args);
            let message = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{name} {args:?}: {message}");
            assert!(message.contains(name), "{name}: names the file: {message}");
            for w in words {
                assert!(message.contains(w), "{name}: expected {w:?} in: {message}");
            }
            assert!(!message.contains("panicked"), "{name}: {message}");
            assert!(
                std::fs::read(&path).expect("read") == before,
                "{name} {args:?} changed it"
            );
            let files: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
            assert_eq!(files.len(), 1, "{name}: nothing left beside it");
        }
        let clean = dir.path().join("clean.tessera");
        let out = tessera(&["repair", &p, "--out", &clean.display().to_string()]);
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(
            std::fs::read(&path).expect("read") == before,
            "{name}: repair changed it"
        );
        if repairable {
            assert!(out.status.success(), "{name}: {message}");
            assert!(message.contains("left out"), "{message}");
            let (mut file, mut project) =
                tessera::store::ProjectFile::open(&clean).expect("the clean copy opens");
            assert_eq!(project, expected, "{name}: the data survive the repair");
            // An import into the clean copy runs no planted code.
            let import = tessera::model::Edit {
                description: "import".into(),
                changes: vec![tessera::model::Change::Accounts {
                    added: vec![tessera::model::Account {
                        id: tessera::model::AccountId(9999),
                        ..project.accounts.get(0)
                    }],
                    removed: Vec::new(),
                    updated: Vec::new(),
                }],
            };
            import.apply(&mut project).expect("applies");
            file.write_edit(&import, &project).expect("written");
            drop(file);
            let (_, read) = tessera::store::ProjectFile::open(&clean).expect("opens");
            assert_eq!(read, project, "{name}: territories and names as they were");
        } else {
            assert_eq!(out.status.code(), Some(1), "{name}: {message}");
            assert!(!message.contains("panicked"), "{name}: {message}");
            assert!(!clean.exists(), "{name}: no half copy");
        }
    }
}

#[test]
fn an_interrupted_import_is_rolled_back_and_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.tessera");
    std::fs::copy(Path::new(BAD).join("interrupted-import.tessera"), &path).expect("copy");
    std::fs::copy(
        Path::new(BAD).join("interrupted-import.tessera-journal"),
        dir.path().join("p.tessera-journal"),
    )
    .expect("copy journal");
    let out = tessera(&["report", &path.display().to_string()]);
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{message}");
    assert!(
        message.contains("recovered an interrupted write"),
        "{message}"
    );
    assert!(!dir.path().join("p.tessera-journal").exists());
    let (file, project) = tessera::store::ProjectFile::open(&path).expect("opens");
    assert!(file.notices().is_empty(), "said once");
    assert_eq!(project, small_project(), "as before the import");
}

//! The bad-input corpus (tests/data/bad/): every file is refused with a message that names it
//! and says what is wrong, the process does not panic, and the project stays byte-identical.

use std::path::Path;
use std::process::Command;

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
    ("not-json.geojson", "not a GeoJSON file"),
    ("truncated.geojson", "not a GeoJSON file"),
    ("unclosed-ring.geojson", "feature 1"),
    // A ring crossing itself is repaired (tests/imports.rs); one with no area cannot be.
    (
        "degenerate-ring.geojson",
        "feature 1 (Streep): invalid geometry",
    ),
    ("point-features.geojson", "feature 1"),
    ("deeply-nested.geojson", "not a GeoJSON file"),
    ("crs-rd-new.geojson", "28992"),
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
    // Files named *.tessera are project files, opened by `report`.
    (
        "fuzz-position-with-one-number.tessera",
        "territories row id 1, column geometry: position 125 has fewer than 2 numbers",
    ),
];

#[test]
fn every_bad_file_is_refused_clearly_and_changes_nothing() {
    let corpus: Vec<String> = std::fs::read_dir(BAD)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
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
        if name.ends_with(".tessera") {
            refused_project(&file, name, words);
            continue;
        }
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

/// A damaged or hostile project file: `report` (a reading command) refuses it naming the
/// file and the damage, and leaves it byte-identical (copied first: the corpus stays as is).
fn refused_project(file: &Path, name: &str, words: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join(name);
    std::fs::copy(file, &copy).expect("copy");
    let before = std::fs::read(&copy).expect("read");
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["report", &copy.display().to_string()])
        .output()
        .expect("run tessera");
    let message = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name}: a refusal: {message}");
    assert!(message.contains(name), "{name}: names the file: {message}");
    assert!(
        message.contains(words),
        "{name}: expected {words:?} in: {message}"
    );
    assert!(!message.contains("panicked"), "{name}: {message}");
    assert_eq!(
        std::fs::read(&copy).expect("read"),
        before,
        "{name}: unchanged"
    );
}

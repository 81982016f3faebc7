//! The bad-input corpus (tests/data/bad/): every file is refused with a message that names it
//! and says what is wrong, the process does not panic, and the project stays byte-identical.

use std::path::Path;
use std::process::Command;

const BAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bad");

/// Each file and words its message must contain.
const EXPECTED: [(&str, &str); 29] = [
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
    ("utf16-encoding.csv", "not a text (CSV) file"),
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
    // A ring crossing itself ~17,000 times: refused, not turned into slivers for minutes.
    (
        "self-crossing-scribble.geojson",
        "feature 1 (Krabbel): invalid geometry: outer ring crosses or touches itself; it cannot be repaired: outer ring crosses itself at more than 10,000 places; simplify it in your GIS",
    ),
    ("point-features.geojson", "feature 1"),
    ("deeply-nested.geojson", "not a GeoJSON file"),
    ("crs-rd-new.geojson", "28992"),
    ("empty-collection.geojson", "no features"),
    ("single-feature.geojson", "single Feature"),
    ("out-of-range-number.geojson", "not a GeoJSON file"),
    ("latitude-beyond-90.geojson", "feature 1"),
    ("zip-of-text.xlsx", "cannot read this spreadsheet"),
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
    for (name, words) in EXPECTED {
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

